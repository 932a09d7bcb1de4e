//! Scale buttons, the replica readout, the virtual clock and playback speed.

use yew::prelude::*;

use crate::i18n::{t, Key, Lang};

/// Speeds offered, with the id of their button.
const SPEEDS: [(f64, &str, &str); 3] = [
    (1.0, "speed-1x", "1×"),
    (5.0, "speed-5x", "5×"),
    (20.0, "speed-fast", "20×"),
];

/// Props of [`Controls`].
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// `spec.replicas`, if the StatefulSet exists.
    pub replicas: Option<i64>,
    /// Virtual seconds since start.
    pub elapsed_s: u64,
    /// Current speed.
    pub speed: f64,
    /// Called with +1 or -1.
    pub on_scale: Callback<i64>,
    /// Called with the chosen speed.
    pub on_speed: Callback<f64>,
    /// Page language.
    #[prop_or_default]
    pub lang: Lang,
}

/// The control panel.
#[function_component]
pub fn Controls(props: &ControlsProps) -> Html {
    let lang = props.lang;
    let replicas = props.replicas.map_or_else(
        || format!("{}: –", t(lang, Key::Replicas)),
        |r| format!("{}: {r}", t(lang, Key::Replicas)),
    );
    let scale = |delta: i64| {
        let cb = props.on_scale.clone();
        Callback::from(move |_| cb.emit(delta))
    };
    let disabled = props.replicas.is_none();
    html! {
        <section class="panel" aria-labelledby="controls-title">
            <h2 id="controls-title">{ t(lang, Key::StatefulSetTitle) }</h2>
            <div class="row">
                <button id="scale-down" aria-label={t(lang, Key::ScaleDown)} onclick={scale(-1)} {disabled}>{ "−" }</button>
                <span id="replicas" aria-live="polite">{ replicas }</span>
                <button id="scale-up" class="primary" aria-label={t(lang, Key::ScaleUp)} onclick={scale(1)} {disabled}>{ "+" }</button>
            </div>
            <div class="row" role="group" aria-label={t(lang, Key::Speed)}>
                <span class="clock" title={t(lang, Key::ClockTitle)}>{ format!("t = {}s", props.elapsed_s) }</span>
                { for SPEEDS.iter().map(|&(speed, id, label)| {
                    let cb = props.on_speed.clone();
                    let pressed = if (props.speed - speed).abs() < f64::EPSILON { "true" } else { "false" };
                    html! { <button {id} aria-pressed={pressed} onclick={Callback::from(move |_| cb.emit(speed))}>{ label }</button> }
                }) }
            </div>
        </section>
    }
}
