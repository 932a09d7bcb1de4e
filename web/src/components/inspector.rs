//! The inspector: the selected object's `kubectl get -o yaml` and
//! `kubectl describe` output, refreshed as the cluster changes, and the
//! "why is it waiting?" sentences for the focused StatefulSet.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::{t, waiting_text, Key, Lang};
use crate::state::{Action, Inspection};
use crate::waiting::Waiting;

/// Props of [`Inspector`].
#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// The object shown, if any.
    pub inspection: Option<Rc<Inspection>>,
    /// Sends an action to the reducer.
    pub on_action: Callback<Action>,
    /// Page language.
    pub lang: Lang,
}

/// The inspector panel.
#[function_component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let lang = props.lang;
    let tab = use_state(|| 0usize);
    let close = {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Action::CloseInspector))
    };
    html! {
        <section class="panel inspector" aria-labelledby="inspector-title">
            <h2 id="inspector-title">{ t(lang, Key::Inspector) }</h2>
            if let Some(ins) = &props.inspection {
                <div class="row" role="tablist">
                    <code class="grow">{ format!("{}/{}", ins.resource, ins.name) }</code>
                    { for ["-o yaml", "describe"].iter().enumerate().map(|(i, label)| {
                        let tab = tab.clone();
                        html! {
                            <button role="tab" id={format!("inspect-tab-{i}")} aria-selected={(*tab == i).to_string()}
                                aria-controls="inspect-output" onclick={Callback::from(move |_| tab.set(i))}>{ label }</button>
                        }
                    }) }
                    <button id="inspector-close" onclick={close}>{ t(lang, Key::Close) }</button>
                </div>
                if let Some((command, output)) = ins.outputs.get(*tab) {
                    <pre id="inspect-output" role="tabpanel" tabindex="0" class="output">
                        <span class="cmd">{ "$ " }{ command }{ "\n" }</span>{ output }
                    </pre>
                }
            } else {
                <p class="empty">{ t(lang, Key::InspectorHint) }</p>
            }
        </section>
    }
}

/// Props of [`WaitingList`].
#[derive(Properties, PartialEq)]
pub struct WaitingListProps {
    /// What the controller waits for.
    pub waiting: Vec<Waiting>,
    /// Page language.
    pub lang: Lang,
}

/// The "why is it waiting?" panel.
#[function_component]
pub fn WaitingList(props: &WaitingListProps) -> Html {
    let lang = props.lang;
    html! {
        <section class="panel waiting" aria-labelledby="waiting-title">
            <h2 id="waiting-title">{ t(lang, Key::Waiting) }</h2>
            if props.waiting.is_empty() {
                <p class="empty">{ t(lang, Key::NothingWaits) }</p>
            } else {
                <ul id="waiting">
                    { for props.waiting.iter().map(|w| html! { <li>{ waiting_text(lang, w) }</li> }) }
                </ul>
            }
        </section>
    }
}
