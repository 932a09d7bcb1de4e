//! The page: header, controls, pods and terminal, with a timer that moves
//! virtual time along with real time at the chosen speed.

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::components::{Controls, PodList, Terminal};
use crate::state::{Action, Playground};

/// Real milliseconds between animation ticks.
pub const TICK_MS: u32 = 100;

/// The playground.
#[function_component]
pub fn App() -> Html {
    let state = use_reducer(Playground::default);
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let timer = Interval::new(TICK_MS, move || {
                dispatcher.dispatch(Action::Tick(TICK_MS.into()))
            });
            move || drop(timer)
        });
    }
    let on_scale = {
        let d = state.dispatcher();
        Callback::from(move |delta| d.dispatch(Action::Scale(delta)))
    };
    let on_speed = {
        let d = state.dispatcher();
        Callback::from(move |speed| d.dispatch(Action::SetSpeed(speed)))
    };
    html! {
        <>
            <header class="top">
                <h1>{ "Ordinal" }</h1>
                <p>{ "A StatefulSet playground: a simulated cluster running in your browser." }</p>
            </header>
            <main>
                <Controls replicas={state.view.replicas} elapsed_s={state.view.elapsed_s}
                    speed={state.speed} {on_scale} {on_speed} />
                <PodList pods={state.view.pods.clone()} />
                <Terminal lines={state.terminal.clone()} />
            </main>
        </>
    }
}
