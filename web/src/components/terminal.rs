//! The commands the controls ran and their kubectl output, so learners see
//! the command behind every button.

use yew::prelude::*;

/// Props of [`Terminal`].
#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    /// Lines to show, commands prefixed with `$ `.
    pub lines: std::rc::Rc<Vec<String>>,
}

/// A read-only terminal transcript.
#[function_component]
pub fn Terminal(props: &TerminalProps) -> Html {
    html! {
        <section class="panel terminal" aria-labelledby="terminal-title">
            <h2 id="terminal-title">{ "Terminal" }</h2>
            <pre id="terminal" aria-live="polite">{ props.lines.join("\n") }</pre>
        </section>
    }
}
