//! The StatefulSet's pods as cards, in ordinal order.

use yew::prelude::*;

use crate::i18n::{t, Key, Lang};
use crate::state::PodCard;

/// Props of [`PodList`].
#[derive(Properties, PartialEq)]
pub struct PodListProps {
    /// Pods in ordinal order.
    pub pods: Vec<PodCard>,
    /// Page language.
    #[prop_or_default]
    pub lang: Lang,
}

/// One card per pod: name, READY, STATUS, IP and node, as kubectl shows them.
#[function_component]
pub fn PodList(props: &PodListProps) -> Html {
    html! {
        <section class="panel" aria-labelledby="pods-title">
            <h2 id="pods-title">{ t(props.lang, Key::Pods) }</h2>
            if props.pods.is_empty() {
                <p class="empty">{ t(props.lang, Key::NoPods) }</p>
            } else {
                <ul id="pods" class="pods">
                    { for props.pods.iter().map(|pod| card(pod, props.lang)) }
                </ul>
            }
        </section>
    }
}

fn card(pod: &PodCard, lang: Lang) -> Html {
    let ready = pod
        .ready
        .split_once('/')
        .is_some_and(|(a, b)| a == b && a != "0");
    let failing = matches!(
        pod.status.as_str(),
        "CrashLoopBackOff" | "ErrImagePull" | "ImagePullBackOff" | "Error"
    );
    let class = classes!(
        "pod",
        ready.then_some("ready"),
        failing.then_some("failing")
    );
    html! {
        <li key={pod.name.clone()} {class} data-pod={pod.name.clone()} data-status={pod.status.clone()}>
            <div class="name">{ &pod.name }</div>
            <div>{ format!("{}  {}", pod.ready, pod.status) }</div>
            <div class="meta">{ if pod.ip.is_empty() { t(lang, Key::NoIp).to_string() } else { pod.ip.clone() } }</div>
            <div class="meta">{ if pod.node.is_empty() { t(lang, Key::NotScheduled).to_string() } else { pod.node.clone() } }</div>
        </li>
    }
}
