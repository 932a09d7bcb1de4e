//! The cluster view: one lane per node with the pods of the namespace's
//! StatefulSets and Deployments and its bare pods (name, owner, READY,
//! STATUS, IP), the focused StatefulSet's PersistentVolumeClaims linked to
//! their pods and volumes, and its headless Service's DNS names with each
//! pod's current IP. A Deployment's pod card says so and has no claim or DNS
//! row; a bare pod's chip says no controller owns it. Cards are keyed by pod
//! uid, so a card that stays on screen keeps its element when the order
//! changes (another focus); only a new card plays the appear animation
//! (`entering` until it ends; none with reduced motion), and a recreated pod
//! has a new uid, so its card is new. Each card is its own component: on a
//! tick only the cards whose pod changed render again.
//! Each lane shows its node's STATUS and can power the node off and on
//! (`docker stop` / `docker start`); a Terminating pod can be force-deleted.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::{t, Key, Lang};
use crate::state::Action;
use crate::view::{ClaimCard, ClusterView, NodeLane, PodCard, WorkloadKind};

/// Props of [`Cluster`].
#[derive(Properties, PartialEq)]
pub struct ClusterProps {
    /// What the cluster looks like.
    pub view: Rc<ClusterView>,
    /// Sends an action to the reducer.
    pub on_action: Callback<Action>,
    /// Page language.
    #[prop_or_default]
    pub lang: Lang,
}

/// The cluster panel.
#[function_component]
pub fn Cluster(props: &ClusterProps) -> Html {
    let lang = props.lang;
    let view = &props.view;
    let mut lanes: Vec<(Option<&NodeLane>, String, Vec<&PodCard>)> = view
        .nodes
        .iter()
        .map(|node| {
            let pods = view.pods.iter().filter(|p| p.node == node.name).collect();
            (Some(node), node.name.clone(), pods)
        })
        .collect();
    let unscheduled: Vec<&PodCard> = view
        .pods
        .iter()
        .filter(|p| !view.nodes.iter().any(|n| n.name == p.node))
        .collect();
    if !unscheduled.is_empty() {
        lanes.push((None, t(lang, Key::Unscheduled).to_string(), unscheduled));
    }
    let send = |action: Action| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(action.clone()))
    };
    let set = view.set.as_ref();
    let is_sts = view.focus.kind == WorkloadKind::StatefulSet;
    html! {
        <section class="panel cluster" aria-labelledby="cluster-title">
            <h2 id="cluster-title" elementtiming="cluster">{ t(lang, Key::Cluster) }</h2>
            <h3 id="pods-title">{ t(lang, Key::Pods) }</h3>
            if view.pods.is_empty() {
                <p class="empty">{ t(lang, Key::NoPods) }</p>
            }
            <div id="pods" class="lanes">
                { for lanes.iter().map(|(node, title, pods)| html! {
                    // Keyed by node ("" for the unscheduled lane): unkeyed, the
                    // lanes would be matched from the end, and the lane that
                    // appears for a new pending pod would take the first node's
                    // element, remounting all its cards.
                    <div key={node.map_or("", |n| n.name.as_str())}
                        class={classes!("lane", node.filter(|n| !n.running).map(|_| "down"))}
                        data-node={title.clone()} data-node-status={node.map(|n| n.status.clone())}>
                        <h4>
                            if let Some(node) = node {
                                { inspect_button(format!("node/{}", node.name), &node.name, lang,
                                    send(Action::Inspect("node".into(), node.name.clone()))) }
                                <span class="node-status">{ &node.status }</span>
                                { power(node, lang, &props.on_action) }
                            } else {
                                { title }
                            }
                        </h4>
                        <ul class="pods">{ for pods.iter().map(|p| html! {
                            <PodItem key={p.uid.clone()} pod={(*p).clone()} {lang} on_action={props.on_action.clone()} />
                        }) }</ul>
                    </div>
                }) }
            </div>
            <p class="hint">{ t(lang, Key::NodeHelp) }</p>
            // Claims and DNS names are a StatefulSet's.
            if is_sts {
                <h3>{ t(lang, Key::Claims) }</h3>
                if view.claims.is_empty() {
                    <p class="empty">{ t(lang, Key::NoClaims) }</p>
                } else {
                    <ul id="claims" class="claims">
                        { for view.claims.iter().map(|c| claim(c, lang, send(Action::Inspect("pvc".into(), c.name.clone())),
                            (!c.volume.is_empty()).then(|| send(Action::Inspect("pv".into(), c.volume.clone()))))) }
                    </ul>
                }
            }
            if let (Some(set), true) = (set, is_sts) {
                <h3>{ t(lang, Key::Service) }</h3>
                <p class="meta">
                    if set.service_exists {
                        { inspect_button(format!("service/{}", set.service), &format!("service/{}", set.service), lang,
                            send(Action::Inspect("service".into(), set.service.clone()))) }
                        { " " }<span>{ "clusterIP: None" }</span>
                    } else {
                        <code>{ format!("service/{}", set.service) }</code>
                        { " " }<span class="warn">{ t(lang, Key::NoService) }</span>
                    }
                </p>
                if set.service_exists && view.pods.iter().any(PodCard::has_dns) {
                    <table id="dns" class="dns">
                        <tbody>
                            { for view.pods.iter().filter(|p| p.has_dns()).map(|p| html! {
                                <tr key={format!("{}{}", p.uid, p.ip)} data-dns={p.dns.clone()}>
                                    <td><code>{ &p.dns }</code></td>
                                    <td class="ip">{ if !p.in_dns {
                                        t(lang, Key::NotInDns).to_string()
                                    } else { p.ip.clone() } }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            }
        </section>
    }
}

/// Props of [`PodItem`].
#[derive(Properties, PartialEq)]
struct PodItemProps {
    pod: PodCard,
    lang: Lang,
    on_action: Callback<Action>,
}

/// One pod card: name, owner chip, READY and STATUS, IP, and its delete
/// (or, while Terminating, force-delete) button.
#[function_component]
fn PodItem(props: &PodItemProps) -> Html {
    let (pod, lang) = (&props.pod, props.lang);
    // New on screen until its appear animation ends: a card moved in the
    // list later (the DOM re-inserts it) must not play it again.
    let entering = use_state_eq(|| true);
    let onanimationend = {
        let entering = entering.clone();
        Callback::from(move |_: AnimationEvent| entering.set(false))
    };
    let send = |action: Action| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(action.clone()))
    };
    let ready = pod
        .ready
        .split_once('/')
        .is_some_and(|(a, b)| a == b && a != "0");
    // An init container failing shows as `Init:<reason>` (`Init:1/2` is progress).
    let failing = matches!(
        pod.status.as_str(),
        "CrashLoopBackOff" | "ErrImagePull" | "ImagePullBackOff" | "Error"
    ) || pod
        .status
        .strip_prefix("Init:")
        .is_some_and(|reason| !reason.contains('/'));
    let deployment = pod.owner_kind == Some(WorkloadKind::Deployment);
    let bare = pod.owner_kind.is_none();
    let class = classes!(
        "pod",
        deployment.then_some("deployment"),
        bare.then_some("bare"),
        ready.then_some("ready"),
        failing.then_some("failing"),
        (pod.status == "Completed").then_some("done"),
        (pod.status == "Terminating").then_some("leaving"),
        entering.then_some("entering")
    );
    // data-owner stays in English for scripts; the chip is translated.
    let (data_owner, owner) = match pod.owner_kind {
        Some(kind) => {
            let owner = format!("{} {}", kind.kind(), pod.owner);
            (owner.clone(), format!("{} {owner}", t(lang, Key::OwnedBy)))
        }
        None => ("Pod".to_string(), t(lang, Key::BarePod).to_string()),
    };
    let chip = if bare {
        t(lang, Key::BarePod)
    } else {
        &data_owner
    };
    html! {
        <li {class} data-pod={pod.name.clone()} data-status={pod.status.clone()}
            data-owner={data_owner.clone()} {onanimationend}>
            <button class="card" onclick={send(Action::Inspect("pod".into(), pod.name.clone()))}
                aria-label={format!("{} pod/{}: {} {}, {owner}", t(lang, Key::InspectLabel), pod.name,
                    pod.ready, pod.status)}>
                <span class="name">{ &pod.name }</span>
                <span class={classes!("owner", deployment.then_some("deployment"), bare.then_some("bare"))}
                    aria-hidden="true" title={bare.then(|| t(lang, Key::BarePodHelp))}>{ chip }</span>
                <span>{ format!("{}  {}", pod.ready, pod.status) }</span>
                <span class="meta ip">{ if pod.ip.is_empty() { t(lang, Key::NoIp) } else { &pod.ip } }</span>
            </button>
            if pod.status == "Terminating" {
                <button class="delete force" onclick={send(Action::ForceDeletePod(pod.name.clone()))}
                    aria-label={format!("{} {}", t(lang, Key::ForceDeleteLabel), pod.name)}
                    title={format!("kubectl delete pod {} --grace-period=0 --force", pod.name)}>{ t(lang, Key::ForceDelete) }</button>
            } else {
                <button class="delete" onclick={send(Action::DeletePod(pod.name.clone()))}
                    aria-label={format!("{} {}", t(lang, Key::DeletePodLabel), pod.name)}
                    title={format!("kubectl delete pod {}", pod.name)}>{ t(lang, Key::DeletePod) }</button>
            }
        </li>
    }
}

/// The power button of a node lane: `docker stop` or `docker start`.
fn power(node: &NodeLane, lang: Lang, on_action: &Callback<Action>) -> Html {
    let (key, action, verb) = if node.running {
        (Key::StopNode, Action::StopNode(node.name.clone()), "stop")
    } else {
        (
            Key::StartNode,
            Action::StartNode(node.name.clone()),
            "start",
        )
    };
    let onclick = on_action.reform(move |_: MouseEvent| action.clone());
    html! {
        <button class="power" {onclick} title={format!("docker {verb} {}", node.name)}
            aria-label={format!("{} {}", t(lang, key), node.name)}>{ t(lang, key) }</button>
    }
}

/// A node's or the Service's name (`object`, as `RESOURCE/NAME`) as a
/// button that opens it in the inspector (`kubectl get -o yaml`, `kubectl
/// describe`).
fn inspect_button(object: String, text: &str, lang: Lang, onclick: Callback<MouseEvent>) -> Html {
    html! {
        <button class="link inspect" aria-label={format!("{} {object}", t(lang, Key::InspectLabel))}
            data-inspect={object} {onclick}><code>{ text }</code></button>
    }
}

/// A claim's card (opens the claim in the inspector) and, once it is bound,
/// a button that opens its volume (`inspect_volume`).
fn claim(
    c: &ClaimCard,
    lang: Lang,
    onclick: Callback<MouseEvent>,
    inspect_volume: Option<Callback<MouseEvent>>,
) -> Html {
    let bound = c.phase == "Bound";
    let volume = if c.volume.is_empty() {
        "—".to_string()
    } else if c.volume_phase.is_empty() {
        format!("→ {}", c.volume)
    } else {
        format!("→ {} ({})", c.volume, c.volume_phase)
    };
    let user = if c.pod.is_empty() {
        t(lang, Key::Unused).to_string()
    } else {
        format!("{} {}", t(lang, Key::UsedBy), c.pod)
    };
    html! {
        <li key={c.name.clone()} class={classes!("claim", bound.then_some("ready"))}
            data-claim={c.name.clone()} data-phase={c.phase.clone()}>
            <button class="card" {onclick}
                aria-label={format!("{} pvc/{}: {}", t(lang, Key::InspectLabel), c.name, c.phase)}>
                <span class="name">{ &c.name }</span>
                <span>{ format!("{}  {}", c.phase, c.capacity) }</span>
                <span class="meta">{ volume }</span>
                <span class="meta">{ user }</span>
            </button>
            if let Some(onclick) = inspect_volume {
                { inspect_button(format!("pv/{}", c.volume), "PV", lang, onclick) }
            }
        </li>
    }
}
