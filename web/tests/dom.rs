//! Component tests in a real browser (wasm-bindgen-test, headless Chromium).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use std::rc::Rc;

use ordinal_web::components::{Cluster, ClusterProps};
use ordinal_web::view::{ClaimCard, ClusterView, NodeLane, PodCard, SetSummary, WorkloadKind};
use ordinal_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent,
    KeyboardEventInit,
};
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

fn mount_point() -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    root
}

/// A mount point for an App that starts without saved commands or language.
fn fresh_mount_point() -> Element {
    if let Ok(Some(store)) = web_sys::window().unwrap().local_storage() {
        store.clear().unwrap();
    }
    mount_point()
}

/// Yew renders on its own scheduler: give it a turn before reading the DOM.
async fn settle() {
    gloo_timers::future::sleep(Duration::from_millis(20)).await;
}

/// Mounts the playground and waits for the terminal and events panels,
/// which are drawn in the task after the first render.
async fn render_app(root: &Element) {
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    eventually(|| root.query_selector("#command").ok().flatten().is_some()).await;
}

/// Waits (up to 10 s) until `done` holds: a busy browser may take longer
/// than one [`settle`] to render after a click.
async fn eventually(done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        settle().await;
    }
}

fn pod_cards(root: &Element) -> Vec<String> {
    let list = root.query_selector_all("[data-pod]").unwrap();
    (0..list.length())
        .map(|i| {
            let el: Element = list.item(i).unwrap().dyn_into().unwrap();
            format!(
                "{}:{}",
                el.get_attribute("data-pod").unwrap(),
                el.get_attribute("data-status").unwrap()
            )
        })
        .collect()
}

fn card(name: &str, ready: &str, status: &str, node: &str, ip: &str) -> PodCard {
    PodCard {
        name: name.into(),
        owner_kind: Some(WorkloadKind::StatefulSet),
        owner: "web".into(),
        uid: format!("uid-{name}"),
        ready: ready.into(),
        status: status.into(),
        ip: ip.into(),
        node: node.into(),
        dns: format!("{name}.nginx.default.svc.cluster.local"),
        in_dns: ready == "1/1" && !ip.is_empty(),
        claims: vec![format!("www-{name}")],
    }
}

fn lane(name: &str, status: &str, running: bool) -> NodeLane {
    NodeLane {
        name: name.into(),
        status: status.into(),
        running,
    }
}

#[wasm_bindgen_test]
async fn cluster_shows_node_lanes_claims_and_dns_names() {
    let root = mount_point();
    let view = ClusterView {
        nodes: vec![
            lane("kind-worker", "Ready", true),
            lane("kind-worker2", "NotReady", false),
        ],
        pods: vec![
            card("web-0", "1/1", "Running", "kind-worker", "10.244.1.5"),
            card("web-1", "0/1", "ContainerCreating", "", ""),
            PodCard {
                owner_kind: Some(WorkloadKind::Deployment),
                owner: "nginx".into(),
                dns: String::new(),
                in_dns: false,
                claims: Vec::new(),
                ..card(
                    "nginx-7c5ddbdf54-x2x7z",
                    "1/1",
                    "Running",
                    "kind-worker",
                    "10.244.1.6",
                )
            },
            PodCard {
                owner_kind: None,
                owner: String::new(),
                dns: String::new(),
                in_dns: false,
                claims: Vec::new(),
                ..card("web-client", "1/1", "Running", "kind-worker", "10.244.1.7")
            },
        ],
        claims: vec![ClaimCard {
            name: "www-web-0".into(),
            phase: "Bound".into(),
            volume: "pvc-1".into(),
            volume_phase: "Bound".into(),
            capacity: "1Gi".into(),
            pod: "web-0".into(),
        }],
        set: Some(SetSummary {
            replicas: 2,
            service: "nginx".into(),
            service_exists: true,
            ..Default::default()
        }),
        ..Default::default()
    };
    yew::Renderer::<Cluster>::with_root_and_props(
        root.clone(),
        ClusterProps {
            view: Rc::new(view),
            on_action: Callback::noop(),
            lang: Default::default(),
        },
    )
    .render();
    settle().await;
    assert_eq!(
        pod_cards(&root),
        [
            "web-0:Running",
            "nginx-7c5ddbdf54-x2x7z:Running",
            "web-client:Running",
            "web-1:ContainerCreating"
        ]
    );
    assert_eq!(text_of(&root, "li.pod.bare .owner"), "bare Pod");
    let chip = text_of(&root, "li.pod.deployment .owner");
    assert_eq!(chip, "Deployment nginx");
    assert_eq!(
        text_of(&root, "[data-pod=\"web-0\"] .owner"),
        "StatefulSet web"
    );
    let lane = root
        .query_selector("[data-node=\"kind-worker\"]")
        .unwrap()
        .unwrap();
    assert!(lane.inner_html().contains("web-0"));
    assert!(!lane.inner_html().contains("web-1"));
    assert!(lane.text_content().unwrap_or_default().contains("Ready"));
    let down = text_of(&root, ".lane.down[data-node=\"kind-worker2\"]");
    assert!(
        down.contains("NotReady") && down.contains("Power on"),
        "{down}"
    );
    assert!(root.inner_html().contains("Not scheduled yet"));
    let claim = text_of(&root, "[data-claim=\"www-web-0\"]");
    assert!(
        claim.contains("pvc-1 (Bound)") && claim.contains("used by web-0"),
        "{claim}"
    );
    let dns = text_of(&root, "#dns");
    assert!(
        dns.contains("web-0.nginx.default.svc.cluster.local10.244.1.5"),
        "{dns}"
    );
    assert!(dns.contains("not ready, not in DNS yet"), "{dns}");
    assert!(!dns.contains("nginx-7c5ddbdf54"), "{dns}");
    assert!(!dns.contains("web-client"), "{dns}");
}

#[wasm_bindgen_test]
async fn app_creates_pods_in_order_and_scale_up_adds_the_next_ordinal() {
    let root = fresh_mount_point();
    render_app(&root).await;
    let click = |id: &str| {
        let el: HtmlElement = root
            .query_selector(id)
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        el.click();
    };
    click("#speed-fast");
    // OrderedReady: web-1 only appears once web-0 runs; wait until both run.
    for _ in 0..300 {
        if pod_cards(&root) == ["web-0:Running", "web-1:Running"] {
            break;
        }
        settle().await;
    }
    assert_eq!(pod_cards(&root), ["web-0:Running", "web-1:Running"]);
    click("#scale-up");
    eventually(|| text_of(&root, "#replicas") == "Replicas: 3").await;
    let replicas = root
        .query_selector("#replicas")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(replicas, "Replicas: 3");
    assert!(root
        .query_selector("#terminal")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap()
        .contains("$ kubectl scale statefulset web --replicas=3\nstatefulset.apps/web scaled"));
}

fn command_input(root: &Element) -> HtmlInputElement {
    root.query_selector("#command")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap()
}

fn type_line(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

fn press(input: &HtmlInputElement, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap()
}

#[wasm_bindgen_test]
async fn typed_commands_run_and_arrow_keys_walk_the_history() {
    let root = fresh_mount_point();
    render_app(&root).await;
    let input = command_input(&root);
    for line in ["kubectl get sts", "kubectl get pod nope"] {
        type_line(&input, line);
        settle().await;
        press(&input, "Enter");
        settle().await;
    }
    assert_eq!(input.value(), "");
    let terminal = text_of(&root, "#terminal");
    assert!(terminal.contains("$ kubectl get sts\nNAME"), "{terminal}");
    let error = text_of(&root, "#terminal .err");
    assert!(error.contains("\"nope\" not found"), "{error}");
    press(&input, "ArrowUp");
    settle().await;
    assert_eq!(input.value(), "kubectl get pod nope");
    press(&input, "ArrowUp");
    settle().await;
    assert_eq!(input.value(), "kubectl get sts");
    press(&input, "ArrowDown");
    settle().await;
    assert_eq!(input.value(), "kubectl get pod nope");
    press(&input, "ArrowDown");
    settle().await;
    assert_eq!(input.value(), "");
    type_line(&input, "kubectl desc");
    settle().await;
    press(&input, "Tab");
    settle().await;
    assert_eq!(input.value(), "kubectl describe ");
}

#[wasm_bindgen_test]
async fn the_language_switch_shows_chinese_and_sets_the_html_lang() {
    let root = fresh_mount_point();
    render_app(&root).await;
    let switch: HtmlElement = root
        .query_selector("#lang-switch")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let before = text_of(&root, "#terminal-title");
    switch.click();
    eventually(|| text_of(&root, "#terminal-title") != before).await;
    let html_lang = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .document_element()
        .unwrap()
        .get_attribute("lang")
        .unwrap();
    let after = text_of(&root, "#terminal-title");
    let (english, chinese) = if html_lang == "zh-Hans" {
        (before, after)
    } else {
        (after, before)
    };
    assert_eq!(english, "Terminal");
    assert_eq!(chinese, "终端");
}

#[wasm_bindgen_test]
async fn a_panic_shows_a_banner_offering_reload() {
    ordinal_web::panic::show_banner("boom");
    let doc = web_sys::window().unwrap().document().unwrap();
    let banner = doc.get_element_by_id("crash").expect("banner");
    let text = banner.text_content().unwrap();
    assert!(text.contains("boom"), "{text}");
    assert_eq!(banner.query_selector_all("button").unwrap().length(), 2);
}

fn click(root: &Element, selector: &str) {
    let el: HtmlElement = root
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into()
        .unwrap();
    el.click();
}

fn fire(el: &Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    el.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn the_editor_marks_a_typo_and_applies_an_example_through_kubectl() {
    let root = fresh_mount_point();
    render_app(&root).await;
    assert!(text_of(&root, "#problems").contains("No problems found."));
    let area: HtmlTextAreaElement = root
        .query_selector("#manifest")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    area.set_value(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replica: 3\n",
    );
    fire(&area, "input");
    settle().await;
    let problem = text_of(&root, "#problems li[data-line=\"6\"]");
    assert!(
        problem.contains("unknown field \"spec.replica\""),
        "{problem}"
    );
    assert!(problem.contains("did you mean \"replicas\"?"), "{problem}");
    assert_eq!(text_of(&root, ".overlay .squiggle"), "replica");
    assert_eq!(text_of(&root, ".gutter .bad"), "6\n");
    assert_eq!(area.get_attribute("aria-invalid").as_deref(), Some("true"));
    let menu: HtmlSelectElement = root
        .query_selector("#example")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    menu.set_value("web-demo");
    fire(&menu, "change");
    settle().await;
    assert!(area.value().contains("name: web-demo"));
    click(&root, "#apply");
    settle().await;
    let terminal = text_of(&root, "#terminal");
    assert!(
        terminal.contains("$ kubectl apply -f - <<EOF\n> # Seed lesson 001"),
        "{terminal}"
    );
    assert!(
        terminal.contains("statefulset.apps/web-demo created"),
        "{terminal}"
    );
    let focus: HtmlSelectElement = root
        .query_selector("#focus")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(focus.value(), "demo/web-demo");
}

#[wasm_bindgen_test]
async fn pause_stops_the_clock_and_a_pod_card_deletes_its_pod() {
    let root = fresh_mount_point();
    render_app(&root).await;
    click(&root, "#speed-fast");
    for _ in 0..300 {
        if root
            .query_selector("[data-pod=\"web-0\"]")
            .unwrap()
            .is_some()
        {
            break;
        }
        settle().await;
    }
    let shows = |selector: &str, text: &str| {
        root.query_selector(selector)
            .unwrap()
            .and_then(|e| e.text_content())
            .is_some_and(|t| t.contains(text))
    };
    click(&root, "[data-pod=\"web-0\"] .card");
    eventually(|| shows("#inspect-output", "web-0")).await;
    assert!(text_of(&root, "#inspect-output").contains("$ kubectl get pod web-0 -o yaml"));
    click(&root, "[data-pod=\"web-0\"] .delete");
    eventually(|| shows("#terminal", "delete pod web-0")).await;
    assert!(text_of(&root, "#terminal").contains("$ kubectl delete pod web-0 --wait=false"));
    click(&root, "#play");
    eventually(|| {
        root.query_selector("#play")
            .unwrap()
            .and_then(|e| e.get_attribute("aria-label"))
            .as_deref()
            == Some("Play")
    })
    .await;
    let clock = text_of(&root, ".clock");
    gloo_timers::future::sleep(Duration::from_millis(300)).await;
    assert_eq!(text_of(&root, ".clock"), clock);
    assert_eq!(
        root.query_selector("#play")
            .unwrap()
            .unwrap()
            .get_attribute("aria-label")
            .as_deref(),
        Some("Play")
    );
}
