//! The terminal: the transcript of every command (typed, or run by a
//! control) with its output, errors in the error colour, and a command line
//! with history (↑/↓) and tab completion. Enter sends the line to the reducer.
//! While a `kubectl get -w` streams, its lines arrive as time passes; Ctrl-C
//! or the stop button ends it (Enter ends it too, then runs the new line).

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::completion::{complete, MAX_SHOWN_CHOICES};
use crate::i18n::{t, Key, Lang};
use crate::state::{LineKind, LoggedCommand, TermLine, STREAM_END};

/// Props of [`Terminal`].
#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    /// The transcript.
    pub lines: Rc<Vec<TermLine>>,
    /// Commands run so far, oldest first (the history ↑ walks back through).
    pub history: Rc<Vec<LoggedCommand>>,
    /// Object names Tab completes.
    pub names: Rc<Vec<String>>,
    /// Page language.
    pub lang: Lang,
    /// Called with the line when Enter is pressed.
    pub on_run: Callback<String>,
    /// Whether a `kubectl get -w` is streaming.
    pub streaming: bool,
    /// Called on Ctrl-C (or the stop button) while a watch streams.
    pub on_interrupt: Callback<()>,
}

/// The terminal panel.
#[function_component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let draft = use_state(String::new);
    // Position in the history while walking it with ↑/↓; None when editing a new line.
    let cursor = use_state(|| None::<usize>);
    // What the last Tab could not decide between (bash lists them).
    let choices = use_state(Vec::<String>::new);
    let transcript = use_node_ref();
    {
        let transcript = transcript.clone();
        use_effect_with(props.lines.clone(), move |_| {
            if let Some(pre) = transcript.cast::<web_sys::Element>() {
                pre.set_scroll_top(pre.scroll_height());
            }
        });
    }
    let oninput = {
        let draft = draft.clone();
        let cursor = cursor.clone();
        let choices = choices.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(e.target_unchecked_into::<HtmlInputElement>().value());
            cursor.set(None);
            choices.set(Vec::new());
        })
    };
    let onkeydown = {
        let draft = draft.clone();
        let cursor = cursor.clone();
        let choices = choices.clone();
        // Applied manifests are multi-line; the one-line input recalls typed lines only.
        let history: Vec<String> = props
            .history
            .iter()
            .filter(|c| !c.line.contains('\n') && c.line != STREAM_END)
            .map(|c| c.line.clone())
            .collect();
        let names = props.names.clone();
        let on_run = props.on_run.clone();
        let on_interrupt = props.on_interrupt.clone();
        let streaming = props.streaming;
        Callback::from(move |e: KeyboardEvent| {
            let len = history.len();
            let recall = |i: usize| {
                draft.set(history[i].clone());
                cursor.set(Some(i));
                choices.set(Vec::new());
            };
            match e.key().as_str() {
                "c" if e.ctrl_key() && streaming => {
                    e.prevent_default();
                    on_interrupt.emit(());
                }
                "Enter" => {
                    e.prevent_default();
                    on_run.emit((*draft).clone());
                    draft.set(String::new());
                    cursor.set(None);
                    choices.set(Vec::new());
                }
                "ArrowUp" if len > 0 => {
                    e.prevent_default();
                    recall(cursor.map_or(len - 1, |c| c.saturating_sub(1)));
                }
                "ArrowDown" => {
                    if let Some(c) = *cursor {
                        e.prevent_default();
                        if c + 1 < len {
                            recall(c + 1);
                        } else {
                            draft.set(String::new());
                            cursor.set(None);
                        }
                    }
                }
                // An empty line lets Tab move focus on, so the input is never a keyboard trap.
                "Tab" if !draft.is_empty() => {
                    e.prevent_default();
                    let completion = complete(&draft, &names);
                    if let Some(line) = completion.line {
                        draft.set(line);
                    }
                    choices.set(completion.choices);
                }
                _ => {}
            }
        })
    };
    html! {
        <section class="panel terminal" aria-labelledby="terminal-title">
            <h2 id="terminal-title">{ t(props.lang, Key::Terminal) }</h2>
            <pre id="terminal" ref={transcript} role="log" aria-live="polite" tabindex="0">
                { for props.lines.iter().map(line) }
            </pre>
            <div class="prompt">
                <label for="command" aria-hidden="true">{ "$" }</label>
                <input id="command" type="text" value={(*draft).clone()} {oninput} {onkeydown}
                    aria-label={t(props.lang, Key::CommandInput)} autocomplete="off"
                    autocapitalize="off" spellcheck="false" />
            </div>
            if !choices.is_empty() {
                <p class="hint choices" id="completions" role="status">
                    { choices.iter().take(MAX_SHOWN_CHOICES).cloned().collect::<Vec<_>>().join("  ") }
                    if choices.len() > MAX_SHOWN_CHOICES { { "  …" } }
                </p>
            }
            if props.streaming {
                <p class="hint streaming" role="status">
                    { t(props.lang, Key::StreamingHint) }
                    <button type="button" class="stop" onclick={props.on_interrupt.reform(|_| ())}>
                        { t(props.lang, Key::StopWatch) }
                    </button>
                </p>
            } else {
                <p class="hint">{ t(props.lang, Key::TerminalHint) }</p>
            }
        </section>
    }
}

fn line(line: &TermLine) -> Html {
    match line.kind {
        LineKind::Command => {
            let mut rows = line.text.split('\n');
            let first = rows.next().unwrap_or_default();
            html! {
                <span class="cmd">{ "$ " }{ first }{ "\n" }
                    { for rows.map(|row| html! { <span class="cont">{ "> " }{ row }{ "\n" }</span> }) }
                </span>
            }
        }
        LineKind::Stdout => html! { <span>{ &line.text }{ "\n" }</span> },
        LineKind::Stderr => html! { <span class="err">{ &line.text }{ "\n" }</span> },
    }
}
