//! The workload panel: which StatefulSet or Deployment the controls act on,
//! scale (− / + / set N), update the image, rollout undo and delete with a
//! cascade choice; for a StatefulSet also the update strategy and partition.
//! Each control becomes a kubectl command in the reducer; this component
//! only reads inputs and sends actions.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::{t, Key, Lang};
use crate::state::Action;
use crate::view::{ClusterView, Focus, WorkloadKind};

/// Props of [`Controls`].
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// What the cluster looks like.
    pub view: Rc<ClusterView>,
    /// Sends an action to the reducer.
    pub on_action: Callback<Action>,
    /// Page language.
    #[prop_or_default]
    pub lang: Lang,
}

/// The input's text, clearing it so its placeholder shows the new current value.
/// (The inputs are uncontrolled: the page re-renders on every tick, which
/// would overwrite a controlled value while the learner types.)
fn input_value(node: &NodeRef) -> String {
    node.cast::<HtmlInputElement>()
        .map(|i| {
            let value = i.value();
            i.set_value("");
            value
        })
        .unwrap_or_default()
}

/// The control panel.
#[function_component]
pub fn Controls(props: &ControlsProps) -> Html {
    let lang = props.lang;
    let view = &props.view;
    let set = view.set.as_ref();
    let (replicas_in, image_in, partition_in) = (use_node_ref(), use_node_ref(), use_node_ref());
    let orphan = use_state(|| false);
    let act = |make: Rc<dyn Fn() -> Option<Action>>| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(action) = make() {
                cb.emit(action);
            }
        })
    };
    let number = |node: &NodeRef, make: fn(i64) -> Action| {
        let node = node.clone();
        act(Rc::new(move || {
            input_value(&node).trim().parse().ok().map(make)
        }))
    };
    let image = {
        let node = image_in.clone();
        act(Rc::new(move || Some(Action::SetImage(input_value(&node)))))
    };
    let fixed = |action: Action| act(Rc::new(move || Some(action.clone())));
    let on_focus = {
        let cb = props.on_action.clone();
        Callback::from(move |e: Event| {
            cb.emit(Action::Focus(
                e.target_unchecked_into::<HtmlSelectElement>().value(),
            ))
        })
    };
    let on_strategy = {
        let cb = props.on_action.clone();
        Callback::from(move |e: Event| {
            cb.emit(Action::SetStrategy(
                e.target_unchecked_into::<HtmlSelectElement>().value(),
            ))
        })
    };
    let strategy = set.map_or("RollingUpdate", |s| s.strategy.as_str());
    let set_orphan = |value: bool| {
        let orphan = orphan.clone();
        Callback::from(move |_: Event| orphan.set(value))
    };
    let focus_key = view.focus.key();
    let is_sts = view.focus.kind == WorkloadKind::StatefulSet;
    let resource = view.focus.kind.resource();
    let label = |w: &Focus| format!("{} {}/{}", w.kind.kind(), w.namespace, w.name);
    let delete_help = if is_sts {
        Key::DeleteSetHelp
    } else {
        Key::DeleteDeploymentHelp
    };
    let delete = format!(
        "{} {}",
        t(lang, Key::DeleteManifest),
        view.focus.kind.kind()
    );
    let delete_title = format!("{delete}…");
    let replicas = view.replicas.map_or_else(
        || format!("{}: –", t(lang, Key::Replicas)),
        |r| format!("{}: {r}", t(lang, Key::Replicas)),
    );
    let disabled = set.is_none();
    let inspect_set = fixed(Action::Inspect(resource.into(), view.focus.name.clone()));
    html! {
        <section class="panel controls" aria-labelledby="controls-title">
            <h2 id="controls-title">{ t(lang, Key::Focus) }</h2>
            <div class="row">
                <select id="focus" onchange={on_focus} aria-label={t(lang, Key::Focus)}>
                    if !view.workloads.contains(&view.focus) {
                        <option value={focus_key.clone()} selected=true>{ label(&view.focus) }</option>
                    }
                    { for view.workloads.iter().map(|w| {
                        let key = w.key();
                        let selected = key == focus_key;
                        html! { <option {selected} value={key}>{ label(w) }</option> }
                    }) }
                </select>
                <button id="inspect-set" class="link" onclick={inspect_set} {disabled}
                    aria-label={format!("{} {resource}/{}", t(lang, Key::InspectLabel), view.focus.name)}>
                    { t(lang, Key::InspectLabel) }</button>
            </div>
            if let Some(set) = set {
                if is_sts {
                    <p class="meta">
                        { format!("{}: {} · serviceName: {} · {}: {}/{}", t(lang, Key::Policy),
                            if set.policy.is_empty() { "OrderedReady" } else { &set.policy },
                            set.service, "ready", set.ready, set.replicas) }
                    </p>
                } else {
                    <p class="meta">{ format!("Deployment · ready: {}/{}", set.ready, set.replicas) }</p>
                    <p id="deployment-help" class="hint">{ t(lang, Key::DeploymentHelp) }</p>
                }
            } else {
                <p class="empty">{ t(lang, Key::NoWorkload) }</p>
            }
            <div class="row">
                <button id="scale-down" aria-label={t(lang, Key::ScaleDown)} onclick={fixed(Action::Scale(-1))} {disabled}>{ "−" }</button>
                <span id="replicas" aria-live="polite">{ replicas }</span>
                <button id="scale-up" class="primary" aria-label={t(lang, Key::ScaleUp)} onclick={fixed(Action::Scale(1))} {disabled}>{ "+" }</button>
                <input id="replicas-input" ref={replicas_in.clone()} type="number" min="0" max="20" class="small"
                    placeholder={view.replicas.unwrap_or(0).to_string()} aria-label={t(lang, Key::SetReplicasLabel)} />
                <button id="set-replicas" onclick={number(&replicas_in, Action::SetReplicas)} {disabled}>{ t(lang, Key::SetReplicas) }</button>
            </div>
            <div class="row">
                <label for="image-input">{ t(lang, Key::Image) }</label>
                <input id="image-input" ref={image_in} type="text" class="grow" spellcheck="false"
                    placeholder={set.map(|s| s.image.clone()).unwrap_or_default()} />
                <button id="update-image" onclick={image} {disabled}>{ t(lang, Key::UpdateImage) }</button>
            </div>
            if is_sts {
                <div class="row">
                    <label for="strategy">{ t(lang, Key::Strategy) }</label>
                    <select id="strategy" onchange={on_strategy} {disabled} aria-describedby="strategy-help">
                        { for ["RollingUpdate", "OnDelete"].into_iter().map(|s| html! {
                            <option value={s} selected={s == strategy}>{ s }</option>
                        }) }
                    </select>
                </div>
                <p id="strategy-help" class="hint">{ t(lang, Key::StrategyHelp) }</p>
                <div class="row">
                    <label for="partition-input">{ t(lang, Key::Partition) }</label>
                    <input id="partition-input" ref={partition_in.clone()} type="number" min="0" max="20" class="small"
                        placeholder={set.map_or(0, |s| s.partition).to_string()} aria-describedby="partition-help" />
                    <button id="set-partition" onclick={number(&partition_in, Action::SetPartition)} {disabled}>{ t(lang, Key::SetPartition) }</button>
                </div>
                <p id="partition-help" class="hint">{ t(lang, Key::PartitionHelp) }</p>
            }
            <div class="row">
                <button id="undo" onclick={fixed(Action::Undo)} {disabled}>{ t(lang, Key::Undo) }</button>
            </div>
            <details class="danger">
                <summary>{ &delete_title }</summary>
                <fieldset>
                    <legend class="sr-only">{ delete_title }</legend>
                    <label><input type="radio" name="cascade" id="cascade-background" checked={!*orphan}
                        onchange={set_orphan(false)} />{ t(lang, Key::CascadeBackground) }</label>
                    <label><input type="radio" name="cascade" id="cascade-orphan" checked={*orphan}
                        onchange={set_orphan(true)} />{ t(lang, Key::CascadeOrphan) }</label>
                </fieldset>
                <p class="hint">{ t(lang, delete_help) }</p>
                <button id="delete-set" class="bad" onclick={fixed(Action::DeleteSet(*orphan))} {disabled}>
                    { delete }</button>
            </details>
        </section>
    }
}
