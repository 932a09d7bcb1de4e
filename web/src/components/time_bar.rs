//! Time controls: the virtual clock, play / pause, step to the next event,
//! playback speed, and a timeline slider that rewinds to a snapshot.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{t, Key, Lang};
use crate::state::Action;

/// Speeds offered, with the id of their button.
pub const SPEEDS: [(f64, &str, &str); 5] = [
    (0.5, "speed-half", "0.5×"),
    (1.0, "speed-1x", "1×"),
    (2.0, "speed-2x", "2×"),
    (5.0, "speed-5x", "5×"),
    (20.0, "speed-fast", "20×"),
];

/// Props of [`TimeBar`].
#[derive(Properties, PartialEq)]
pub struct TimeBarProps {
    /// Virtual seconds since start.
    pub elapsed_s: u64,
    /// Current speed.
    pub speed: f64,
    /// Whether time is paused.
    pub paused: bool,
    /// Virtual seconds of each snapshot, oldest first.
    pub snapshots: Vec<u64>,
    /// Sends an action to the reducer.
    pub on_action: Callback<Action>,
    /// Page language.
    pub lang: Lang,
}

/// The time bar.
#[function_component]
pub fn TimeBar(props: &TimeBarProps) -> Html {
    let lang = props.lang;
    let send = |action: Action| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(action.clone()))
    };
    let last = props.snapshots.len().saturating_sub(1);
    let rewind = {
        let cb = props.on_action.clone();
        Callback::from(move |e: Event| {
            let index = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(i) = index.parse::<usize>() {
                if i < last {
                    cb.emit(Action::Rewind(i));
                }
            }
        })
    };
    // While the slider moves, screen readers read the time it points at.
    let point = {
        let times = props.snapshots.clone();
        Callback::from(move |e: InputEvent| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let at = input
                .value()
                .parse::<usize>()
                .ok()
                .and_then(|i| times.get(i));
            if let Some(at) = at {
                let _ = input.set_attribute("aria-valuetext", &format!("t = {at}s"));
            }
        })
    };
    let play_label = t(lang, if props.paused { Key::Play } else { Key::Pause });
    html! {
        <section class="panel time" aria-label={t(lang, Key::Time)}>
            <div class="row">
                <span class="clock" title={t(lang, Key::ClockTitle)}>{ format!("t = {}s", props.elapsed_s) }</span>
                <button id="play" aria-label={play_label} onclick={send(Action::TogglePause)}>{ play_label }</button>
                <button id="step" onclick={send(Action::Step)}>{ t(lang, Key::Step) }</button>
                <span role="group" class="row" aria-label={t(lang, Key::Speed)}>
                    { for SPEEDS.iter().map(|&(speed, id, label)| {
                        let pressed = ((props.speed - speed).abs() < f64::EPSILON).to_string();
                        html! { <button {id} aria-pressed={pressed} onclick={send(Action::SetSpeed(speed))}>{ label }</button> }
                    }) }
                </span>
                <label for="timeline">{ t(lang, Key::Timeline) }</label>
                <input id="timeline" type="range" min="0" max={last.to_string()} value={last.to_string()}
                    step="1" onchange={rewind} oninput={point} class="grow"
                    aria-valuetext={props.snapshots.get(last).map(|s| format!("t = {s}s"))} />
            </div>
        </section>
    }
}
