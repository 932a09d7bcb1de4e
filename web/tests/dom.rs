//! Component tests in a real browser (wasm-bindgen-test, headless Chromium).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use ordinal_web::components::PodList;
use ordinal_web::state::PodCard;
use ordinal_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn mount_point() -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    root
}

/// Yew renders on its own scheduler: give it a turn before reading the DOM.
async fn settle() {
    gloo_timers::future::sleep(Duration::from_millis(20)).await;
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

fn card(name: &str, ready: &str, status: &str) -> PodCard {
    PodCard {
        name: name.into(),
        ready: ready.into(),
        status: status.into(),
        ip: String::new(),
        node: String::new(),
    }
}

#[wasm_bindgen_test]
async fn pod_list_renders_one_card_per_pod_in_order() {
    let root = mount_point();
    let pods = vec![
        card("web-0", "1/1", "Running"),
        card("web-1", "0/1", "ContainerCreating"),
    ];
    yew::Renderer::<PodList>::with_root_and_props(
        root.clone(),
        ordinal_web::components::PodListProps { pods },
    )
    .render();
    settle().await;
    assert_eq!(
        pod_cards(&root),
        ["web-0:Running", "web-1:ContainerCreating"]
    );
    assert!(root.inner_html().contains("not scheduled"));
}

#[wasm_bindgen_test]
async fn app_creates_pods_in_order_and_scale_up_adds_the_next_ordinal() {
    let root = mount_point();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
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
    settle().await;
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
