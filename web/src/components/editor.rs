//! The manifest editor: a YAML text area over a highlighted copy of its
//! text (keys, comments, document separators, and the lines the model finds
//! problems on, underlined at the problem's column), a line-number gutter,
//! the problem list, the examples menu, and Apply / Delete buttons that send
//! the text to the reducer (which runs `kubectl apply -f -` / `delete -f -`).

use web_sys::{HtmlElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::diagnostics::{check, Problem};
use crate::examples::{by_id, EXAMPLES, SAMPLE_MANIFEST};
use crate::i18n::{t, Key, Lang};
use crate::state::MAX_COMMAND_BYTES;

/// Largest manifest the editor sends, in bytes (room left for the heredoc).
pub const MAX_MANIFEST_BYTES: usize = MAX_COMMAND_BYTES - 64;

/// Props of [`Editor`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// Page language.
    pub lang: Lang,
    /// Called with the text when Apply is pressed.
    pub on_apply: Callback<String>,
    /// Called with the text when Delete is pressed.
    pub on_delete: Callback<String>,
    /// The text to start with (saved by an earlier visit), else the sample.
    #[prop_or_default]
    pub initial: Option<String>,
    /// Called with the text after every edit (for autosave).
    #[prop_or_default]
    pub on_edit: Callback<String>,
}

/// The editor panel.
#[function_component]
pub fn Editor(props: &EditorProps) -> Html {
    let lang = props.lang;
    let text = use_state(|| {
        props
            .initial
            .clone()
            .unwrap_or_else(|| SAMPLE_MANIFEST.to_string())
    });
    {
        let on_edit = props.on_edit.clone();
        use_effect_with((*text).clone(), move |text| on_edit.emit(text.clone()));
    }
    let problems = use_memo((*text).clone(), |text| check(text, "-"));
    let area = use_node_ref();
    let overlay = use_node_ref();
    let gutter = use_node_ref();
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            if value.len() <= MAX_MANIFEST_BYTES {
                text.set(value);
            }
        })
    };
    let onscroll = {
        let (overlay, gutter) = (overlay.clone(), gutter.clone());
        Callback::from(move |e: Event| {
            let area = e.target_unchecked_into::<HtmlElement>();
            for other in [&overlay, &gutter] {
                if let Some(el) = other.cast::<HtmlElement>() {
                    el.set_scroll_top(area.scroll_top());
                    el.set_scroll_left(area.scroll_left());
                }
            }
        })
    };
    let onchange = {
        let text = text.clone();
        Callback::from(move |e: Event| {
            let select = e.target_unchecked_into::<HtmlSelectElement>();
            if let Some(example) = by_id(&select.value()) {
                text.set(example.text.to_string());
            }
            select.set_value("");
        })
    };
    let send = |cb: &Callback<String>| {
        let (cb, text) = (cb.clone(), text.clone());
        Callback::from(move |_| cb.emit((*text).clone()))
    };
    let jump = |line: usize| {
        let (area, text) = (area.clone(), text.clone());
        Callback::from(move |_| {
            if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                let start: usize = text
                    .split_inclusive('\n')
                    .take(line.saturating_sub(1))
                    .map(|l| l.encode_utf16().count())
                    .sum();
                let _ = el.focus();
                let _ = el.set_selection_range(start as u32, start as u32);
            }
        })
    };
    let bad_lines: Vec<usize> = problems.iter().filter_map(|p| p.line).collect();
    let line_count = text.lines().count().max(1);
    html! {
        <section class="panel editor" aria-labelledby="editor-title">
            <h2 id="editor-title">{ t(lang, Key::Editor) }</h2>
            <div class="row">
                <select id="example" {onchange} aria-label={t(lang, Key::Examples)}>
                    <option value="" selected=true>{ t(lang, Key::LoadExample) }</option>
                    { for EXAMPLES.iter().map(|e| html! { <option value={e.id}>{ e.label }</option> }) }
                </select>
                <button id="apply" class="primary" onclick={send(&props.on_apply)}
                    aria-label={t(lang, Key::ApplyLabel)}>{ t(lang, Key::Apply) }</button>
                <button id="delete-manifest" onclick={send(&props.on_delete)}
                    aria-label={t(lang, Key::DeleteManifestLabel)}>{ t(lang, Key::DeleteManifest) }</button>
            </div>
            <div class="code">
                <pre class="gutter" ref={gutter} aria-hidden="true">
                    { for (1..=line_count).map(|n| {
                        let class = bad_lines.contains(&n).then_some("bad");
                        html! { <span {class}>{ n }{ "\n" }</span> }
                    }) }
                </pre>
                <div class="area">
                    <pre class="overlay" ref={overlay} aria-hidden="true">
                        { for text.split('\n').enumerate().map(|(i, l)| highlight(l, i + 1, &problems)) }
                    </pre>
                    <textarea id="manifest" ref={area.clone()} value={(*text).clone()} {oninput} {onscroll}
                        aria-label={t(lang, Key::Manifest)} aria-describedby="problems"
                        aria-invalid={(!problems.is_empty()).to_string()}
                        spellcheck="false" wrap="off" autocapitalize="off" autocomplete="off" />
                </div>
            </div>
            <ul id="problems" class="problems" aria-label={t(lang, Key::Problems)} aria-live="polite">
                if problems.is_empty() {
                    <li class="ok">{ t(lang, Key::NoProblems) }</li>
                }
                { for problems.iter().map(|p| html! {
                    <li data-line={p.line.map(|l| l.to_string())}>
                        if let Some(line) = p.line {
                            <button class="link" onclick={jump(line)}>
                                { format!("{}{line}{}", t(lang, Key::Line), t(lang, Key::LineSuffix)) }
                            </button>
                        }
                        <span class="message">{ &p.message }</span>
                        if let Some(hint) = &p.hint { <span class="hint-text">{ hint }</span> }
                    </li>
                }) }
            </ul>
        </section>
    }
}

/// One line of the overlay: key, value or comment colours, and a squiggle
/// under the first problem's columns on this line.
fn highlight(line: &str, number: usize, problems: &[Problem]) -> Html {
    let problem = problems.iter().find(|p| p.line == Some(number));
    let body = match problem {
        Some(p) => {
            let start = p.column.saturating_sub(1);
            let chars: Vec<char> = line.chars().collect();
            let end = (start + p.width.max(1)).min(chars.len());
            let start = start.min(end);
            let part = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
            let marked = part(start, end);
            html! {
                <>
                    { part(0, start) }
                    <span class="squiggle">{ if marked.is_empty() { " ".to_string() } else { marked } }</span>
                    { part(end, chars.len()) }
                </>
            }
        }
        None => colour(line),
    };
    let class = problem.map(|_| "bad");
    html! { <span {class}>{ body }{ "\n" }</span> }
}

fn colour(line: &str) -> Html {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return html! { <span class="c">{ line }</span> };
    }
    if trimmed.starts_with("---") {
        return html! { <span class="d">{ line }</span> };
    }
    let key_end = line
        .find(": ")
        .or_else(|| line.ends_with(':').then(|| line.len() - 1));
    match key_end {
        Some(end) if !line[..end].contains(['"', '\'', '{', '[']) => html! {
            <><span class="k">{ &line[..end] }</span>{ &line[end..] }</>
        },
        _ => html! { { line } },
    }
}
