//! The page: header, time bar, editor, StatefulSet controls, cluster view,
//! inspector, "why is it waiting?", events and terminal, with a timer that
//! moves virtual time along with real time at the chosen speed. The terminal
//! and events panels, below the fold, and the ticks wait until the first frame
//! is drawn, so the cluster shows sooner. This is the edge where the page meets
//! the browser: autosave, the html `lang` attribute and the panic banner's
//! language are kept in step here.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Interval;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::{
    Cluster, Controls, Editor, EventList, Inspector, Terminal, TimeBar, TopBar, WaitingList,
};
use crate::i18n::Key;
use crate::panic::set_banner_lang;
use crate::state::{Action, Playground};
use crate::{docs, storage, url};
use ordinal_kubectl::docs::needs_docs;

/// Real milliseconds between animation ticks.
pub const TICK_MS: u32 = 100;

/// `requestAnimationFrame(f)`, or nothing outside a window. Boxed, so that
/// the page has one instance of the closure glue.
fn request_frame(f: Box<dyn FnOnce()>) {
    if let Some(window) = web_sys::window() {
        let f = Closure::once_into_js(f);
        let _ = window.request_animation_frame(f.unchecked_ref());
    }
}

/// A callback that dispatches the action `make` builds from its argument.
fn send<T: 'static>(
    state: &UseReducerHandle<Playground>,
    make: impl Fn(T) -> Action + 'static,
) -> Callback<T> {
    let dispatcher = state.dispatcher();
    Callback::from(move |value| dispatcher.dispatch(make(value)))
}

/// The playground.
#[function_component]
pub fn App() -> Html {
    let saved = use_state(storage::load);
    let was_reset = use_state(|| false);
    let state = use_reducer(|| {
        let lang = saved.lang.unwrap_or_else(storage::browser_lang);
        let playground = Playground::restore(url::page_config(), lang, &saved.log);
        crate::mark("ordinal:cluster-built");
        match &saved.focus {
            Some(key) => playground.focused_on(key),
            None => playground,
        }
    });
    // The panels below the fold and the ticks wait for the second animation
    // frame: Chromium starts a frame only once the previous one's tiles are
    // rasterised, so they no longer compete with the first frame's raster
    // for the machine's cores. A page in a background tab draws no frames,
    // and starts when it is shown.
    let below_fold = use_state_eq(|| false);
    {
        let dispatcher = state.dispatcher();
        let below_fold = below_fold.clone();
        use_effect_with((), move |_| {
            let timer = Rc::new(RefCell::new(None));
            let started = timer.clone();
            let live = Rc::new(Cell::new(true));
            let alive = live.clone();
            request_frame(Box::new(move || {
                request_frame(Box::new(move || {
                    if !alive.get() {
                        return;
                    }
                    below_fold.set(true);
                    *started.borrow_mut() = Some(Interval::new(TICK_MS, move || {
                        dispatcher.dispatch(Action::Tick(TICK_MS.into()))
                    }));
                }))
            }));
            move || {
                live.set(false);
                drop(timer.borrow_mut().take());
            }
        });
    }
    {
        // A restored log's help lines ran before the help texts were loaded:
        // load them and replay, so the terminal reads as it did.
        let dispatcher = state.dispatcher();
        let needed = saved.log.iter().any(|c| needs_docs(&c.line));
        use_effect_with((), move |_| {
            if needed && docs::loaded().is_none() {
                docs::load(move |result| {
                    if result.is_ok() {
                        dispatcher.dispatch(Action::Replay);
                    }
                });
            }
        });
    }
    let available = saved.available;
    use_effect_with((state.lang, state.log.clone()), move |(lang, log)| {
        if available {
            storage::save(*lang, log);
        }
    });
    use_effect_with(state.view.focus.clone(), move |focus| {
        if available {
            let key = format!("{}/{}", focus.namespace, focus.name);
            storage::save_item(storage::FOCUS_KEY, &key);
        }
    });
    let on_edit = Callback::from(move |text: String| {
        if available {
            storage::save_item(storage::EDITOR_KEY, &text);
        }
    });
    use_effect_with(state.lang, |lang| {
        set_banner_lang(*lang);
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang.tag());
        }
    });
    let notice = if !saved.available {
        Some(Key::StorageUnavailable)
    } else if !saved.log.is_empty() && !*was_reset {
        Some(Key::Restored)
    } else {
        None
    };
    let on_reset = {
        let reset = send(&state, |()| Action::Reset);
        Callback::from(move |()| {
            was_reset.set(true);
            reset.emit(());
        })
    };
    let lang = state.lang;
    // One callback for the page's life: a card whose props are unchanged
    // (this callback among them) is not rendered again on a tick.
    let on_action = {
        let dispatcher = state.dispatcher();
        (*use_memo((), move |_| {
            Callback::from(move |action| dispatcher.dispatch(action))
        }))
        .clone()
    };
    // A line that prints help or explain waits, shown, for the help texts.
    let on_run = {
        let dispatcher = state.dispatcher();
        Callback::from(move |line: String| {
            if !needs_docs(&line) || docs::loaded().is_some() {
                return dispatcher.dispatch(Action::Run(line));
            }
            dispatcher.dispatch(Action::AwaitDocs(line.clone()));
            let dispatcher = dispatcher.clone();
            docs::load(move |result| {
                dispatcher.dispatch(Action::DocsLoaded(line, result.err()));
            });
        })
    };
    html! {
        <>
            <TopBar {lang} {notice} on_lang={send(&state, Action::SetLang)}
                on_reset={on_reset} />
            <TimeBar elapsed_s={state.view.elapsed_s} speed={state.speed} paused={state.paused}
                snapshots={state.snapshot_times()} on_action={on_action.clone()} {lang} />
            <main>
                <div class="column">
                    <Editor {lang} on_apply={send(&state, Action::Apply)}
                        on_delete={send(&state, Action::DeleteManifest)}
                        initial={saved.editor.clone()} {on_edit} />
                    <Controls view={state.view.clone()} on_action={on_action.clone()} {lang} />
                </div>
                <div class="column">
                    <Cluster view={state.view.clone()} on_action={on_action.clone()} {lang} />
                    <WaitingList waiting={state.view.waiting.clone()} {lang} />
                    <Inspector inspection={state.inspection.clone()} {on_action} {lang} />
                </div>
                if *below_fold {
                    <Terminal lines={state.terminal.clone()} history={state.log.clone()}
                        names={state.view.names.clone()} {lang} {on_run}
                        streaming={state.streaming()}
                        on_interrupt={send(&state, |()| Action::Interrupt)} />
                    <EventList events={state.view.events.clone()} {lang} />
                }
            </main>
        </>
    }
}
