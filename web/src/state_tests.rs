//! Tests of the reducer: each control runs the kubectl command a learner
//! would type, and the view shows what the cluster does.

use super::*;
use crate::examples::by_id;
use crate::view::{PodCard, WorkloadKind};
use crate::waiting::Waiting;

fn run(state: Rc<Playground>, line: &str) -> Rc<Playground> {
    state.reduce(Action::Run(line.to_string()))
}

fn settled(mut state: Rc<Playground>) -> Rc<Playground> {
    for _ in 0..200 {
        state = state.reduce(Action::Tick(1_000));
    }
    state
}

fn names(state: &Playground) -> Vec<String> {
    state.view.pods.iter().map(|p| p.name.clone()).collect()
}

fn last_command(state: &Playground) -> &str {
    state.log.last().map_or("", |c| c.line.as_str())
}

#[test]
fn errors_are_stderr_lines_and_commands_are_logged() {
    let state = run(Rc::new(Playground::default()), "kubectl get pod nope");
    let last = state.terminal.last().expect("output");
    assert_eq!(last.kind, LineKind::Stderr);
    assert!(last.text.contains("\"nope\" not found"), "{}", last.text);
    assert_eq!(last_command(&state), "kubectl get pod nope");
}

#[test]
fn replaying_the_log_brings_the_cluster_back() {
    let state = settled(Rc::new(Playground::default()));
    let state = settled(state.reduce(Action::Scale(2)));
    assert_eq!(state.view.pods.len(), 4);
    let restored = Playground::restore(SimConfig::default(), Lang::Zh, &state.log);
    assert_eq!(restored.view.replicas, Some(4));
    assert_eq!(restored.lang, Lang::Zh);
    let restored = settled(Rc::new(restored));
    assert_eq!(restored.view.pods, state.view.pods);
}

#[test]
fn events_show_the_statefulset_creating_pods_newest_last() {
    let state = settled(Rc::new(Playground::default()));
    let events = &state.view.events;
    assert!(events.len() <= crate::view::MAX_SHOWN_EVENTS);
    let creates: Vec<&str> = events
        .iter()
        .filter(|e| e.reason == "SuccessfulCreate")
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        creates.iter().any(|m| m.contains("Pod web-1")),
        "{events:?}"
    );
}

#[test]
fn reset_forgets_the_log_but_keeps_the_language() {
    let state = run(Rc::new(Playground::default()), "kubectl get pods")
        .reduce(Action::SetLang(Lang::Zh))
        .reduce(Action::Reset);
    assert!(state.log.is_empty());
    assert_eq!(state.lang, Lang::Zh);
}

#[test]
fn applying_an_example_in_another_namespace_focuses_its_statefulset() {
    let text = by_id("web-demo").expect("example").text;
    let state = settled(Rc::new(Playground::default()).reduce(Action::Apply(text.into())));
    assert!(last_command(&state).starts_with("kubectl apply -f - <<EOF\n"));
    assert_eq!(state.view.focus.namespace, "demo");
    assert_eq!(names(&state), ["web-demo-0", "web-demo-1"]);
    assert_eq!(
        state.view.pods[0].dns,
        "web-demo-0.nginx-demo.demo.svc.cluster.local"
    );
    let state = state.reduce(Action::Scale(1));
    assert_eq!(
        last_command(&state),
        "kubectl scale statefulset web-demo --replicas=3 -n demo"
    );
    let restored = Playground::restore(SimConfig::default(), Lang::En, &state.log);
    assert_eq!(restored.view.focus.name, "web-demo");
    let state = state.reduce(Action::DeleteManifest(text.into()));
    assert!(last_command(&state).starts_with("kubectl delete -f - --wait=false <<EOF\n"));
    assert!(state
        .terminal
        .iter()
        .any(|l| l.text.starts_with("namespace \"demo\" deleted")));
}

#[test]
fn claims_bind_and_survive_a_deleted_pod_which_returns_with_a_new_uid() {
    let state = settled(Rc::new(Playground::default()));
    let claims: Vec<(&str, &str, &str)> = state
        .view
        .claims
        .iter()
        .map(|c| (c.name.as_str(), c.phase.as_str(), c.pod.as_str()))
        .collect();
    assert_eq!(
        claims,
        [
            ("www-web-0", "Bound", "web-0"),
            ("www-web-1", "Bound", "web-1")
        ]
    );
    assert_eq!(state.view.claims[0].volume_phase, "Bound");
    let uid = state.view.pods[0].uid.clone();
    let state = state.reduce(Action::DeletePod("web-0".into()));
    assert_eq!(
        last_command(&state),
        "kubectl delete pod web-0 --wait=false"
    );
    let state = settled(state);
    assert_eq!(names(&state), ["web-0", "web-1"]);
    assert_ne!(state.view.pods[0].uid, uid);
    assert_eq!(state.view.pods[0].claims, ["www-web-0"]);
}

#[test]
fn ordered_ready_explains_which_pod_the_next_one_waits_for() {
    let state = settled(Rc::new(Playground::default())).reduce(Action::SetReplicas(4));
    let state = state.reduce(Action::Tick(100));
    assert!(
        state.view.waiting.contains(&Waiting::NotCreated {
            pod: "web-3".into(),
            blocker: "web-2".into()
        }),
        "{:?}",
        state.view.waiting
    );
    let state = settled(state);
    assert_eq!(state.view.waiting, []);
}

#[test]
fn image_partition_and_undo_run_their_kubectl_commands() {
    let state = settled(Rc::new(Playground::default()).reduce(Action::SetReplicas(3)));
    let state = state.reduce(Action::SetPartition(2));
    assert_eq!(
        last_command(&state),
        r#"kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}'"#
    );
    assert_eq!(state.view.set.as_ref().map(|s| s.partition), Some(2));
    let state = state.reduce(Action::SetImage("nginx:1.25".into()));
    assert_eq!(
        last_command(&state),
        "kubectl set image statefulset/web nginx=nginx:1.25"
    );
    let state = settled(state);
    assert!(state.view.waiting.contains(&Waiting::BelowPartition {
        pod: "web-1".into(),
        partition: 2
    }));
    let state = state.reduce(Action::Undo);
    assert_eq!(last_command(&state), "kubectl rollout undo statefulset/web");
    assert!(
        state
            .view
            .set
            .as_ref()
            .is_some_and(|s| s.image.contains("nginx-slim")),
        "{:?}",
        state.terminal.last()
    );
}

#[test]
fn deleting_the_statefulset_with_orphan_keeps_pods_and_claims() {
    let state = settled(Rc::new(Playground::default()));
    let state = state.reduce(Action::DeleteSet(true));
    assert_eq!(
        last_command(&state),
        "kubectl delete statefulset web --cascade=orphan"
    );
    assert_eq!(state.view.set, None);
    assert_eq!(state.view.claims.len(), 2);
}

#[test]
fn rewinding_goes_back_to_a_snapshot_and_forgets_later_commands() {
    let state = settled(Rc::new(Playground::default()));
    let scaled_at = state.view.elapsed_s;
    let state = settled(state.reduce(Action::SetReplicas(3)));
    assert_eq!(state.view.pods.len(), 3);
    let times = state.snapshot_times();
    assert_eq!(times.len(), MAX_SNAPSHOTS);
    let index = times
        .iter()
        .position(|t| *t == scaled_at)
        .expect("snapshot");
    let before = state.terminal.len();
    let state = state.reduce(Action::Rewind(index));
    assert!(state.paused);
    assert_eq!(state.view.pods.len(), 2);
    assert!(state.log.is_empty());
    assert!(
        state.terminal.len() < before,
        "the scale command left the terminal"
    );
    assert!(!state.terminal.iter().any(|l| l.text.contains("scale")));
    let paused = Rc::clone(&state).reduce(Action::Tick(1_000));
    assert_eq!(paused.view.elapsed_s, state.view.elapsed_s);
}

#[test]
fn step_moves_to_the_next_event_and_pauses() {
    let state = Rc::new(Playground::default());
    let start = state.session.borrow().sim.now();
    let state = state.reduce(Action::Step);
    assert!(state.paused);
    assert!(state.session.borrow().sim.now() > start);
}

#[test]
fn the_inspector_shows_yaml_and_describe_without_logging() {
    let state = settled(Rc::new(Playground::default()))
        .reduce(Action::Inspect("pod".into(), "web-0".into()));
    let inspection = state.inspection.as_ref().expect("inspection");
    assert_eq!(inspection.outputs[0].0, "kubectl get pod web-0 -o yaml");
    assert!(inspection.outputs[0].1.contains("kind: Pod"));
    assert!(inspection.outputs[1].1.contains("Name:"));
    assert!(state.log.is_empty());
}

fn text(state: &Playground) -> Vec<String> {
    state.terminal.iter().map(|l| l.text.clone()).collect()
}

#[test]
fn a_typed_watch_streams_as_time_passes_until_ctrl_c() {
    let state = settled(Rc::new(Playground::default()));
    let state = run(state, "kubectl get pods -w");
    assert!(state.streaming());
    let header = state.terminal.len();
    let state = settled(state.reduce(Action::Scale(1)));
    assert!(state.streaming(), "a control leaves the watch running");
    let lines = text(&state);
    let streamed = &lines[header..];
    let pending = streamed
        .iter()
        .position(|l| l.starts_with("web-2   0/1     Pending"))
        .expect("web-2 appears");
    let ready = streamed
        .iter()
        .position(|l| l.starts_with("web-2   1/1     Running"))
        .expect("web-2 becomes ready");
    assert!(pending < ready, "{streamed:?}");
    let state = state.reduce(Action::Interrupt);
    assert!(!state.streaming());
    assert_eq!(state.terminal.last().map(|l| l.text.as_str()), Some("^C"));
    assert_eq!(last_command(&state), INTERRUPT);
    let restored = Playground::restore(SimConfig::default(), Lang::En, &state.log);
    assert_eq!(text(&restored), text(&state));
}

#[test]
fn typing_a_command_ends_the_watch_first() {
    let state = run(Rc::new(Playground::default()), "kubectl get sts -w");
    let state = run(settled(state), "kubectl get sts");
    assert!(!state.streaming());
    let lines = text(&state);
    let at = lines.iter().rposition(|l| l == "^C").expect("^C echoed");
    assert_eq!(lines[at + 1], "kubectl get sts");
}

fn images(state: &Playground) -> Vec<String> {
    let session = state.session.borrow();
    ["web-0", "web-1"]
        .iter()
        .map(|pod| {
            session
                .sim
                .object("pods", "default", pod)
                .and_then(|p| p.array_at(&["spec", "containers"]).first())
                .map(|c| c.str_at(&["image"]).to_string())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn on_delete_updates_a_pod_only_when_it_is_deleted() {
    let state = settled(Rc::new(Playground::default()));
    let state = state.reduce(Action::SetStrategy("OnDelete".into()));
    assert_eq!(
        last_command(&state),
        r#"kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}'"#
    );
    assert_eq!(
        state.terminal.last().map(|l| l.text.as_str()),
        Some("statefulset.apps/web patched")
    );
    assert_eq!(
        state.view.set.as_ref().map(|s| s.strategy.as_str()),
        Some("OnDelete")
    );
    let old = images(&state);
    let state = settled(state.reduce(Action::SetImage("nginx:1.25".into())));
    assert_eq!(images(&state), old, "OnDelete leaves running pods alone");
    let state = settled(state.reduce(Action::DeletePod("web-1".into())));
    assert_eq!(
        images(&state),
        vec![old[0].clone(), "nginx:1.25".to_string()]
    );
    let state = settled(state.reduce(Action::SetStrategy("RollingUpdate".into())));
    assert_eq!(images(&state), vec!["nginx:1.25".to_string(); 2]);
}

#[test]
fn a_saved_focus_comes_back_on_reload() {
    let state = Playground::default().focused_on("demo/web");
    assert_eq!(state.view.focus.namespace, "demo");
    assert_eq!(
        state.command_for(&Action::Undo).as_deref(),
        Some("kubectl rollout undo statefulset/web -n demo")
    );
}

#[test]
fn a_powered_off_node_keeps_its_statefulset_pod_until_a_force_delete() {
    let config = SimConfig::with_nodes(&["kind-control-plane", "kind-worker", "kind-worker2"]);
    let state = settled(Rc::new(Playground::restore(config, Lang::En, &[])));
    let node = |state: &Playground, pod: &str| {
        let pod = state.view.pods.iter().find(|p| p.name == pod).expect("pod");
        (pod.node.clone(), pod.status.clone())
    };
    let (lost, _) = node(&state, "web-1");
    assert!(lost.starts_with("kind-worker"), "{lost}");
    let in_dns =
        |state: &Playground| -> Vec<bool> { state.view.pods.iter().map(|p| p.in_dns).collect() };
    assert_eq!(in_dns(&state), [true, true]);
    let state = state.reduce(Action::StopNode(lost.clone()));
    assert_eq!(last_command(&state), format!("docker stop {lost}"));
    let lane = |state: &Playground| {
        let lane = state
            .view
            .nodes
            .iter()
            .find(|n| n.name == lost)
            .expect("lane");
        (lane.status.clone(), lane.running)
    };
    assert_eq!(lane(&state), ("Ready".to_string(), false));
    // 50 s until NotReady, then 300 s of tolerations before the eviction.
    let state = settled(settled(state));
    assert_eq!(lane(&state), ("NotReady".to_string(), false));
    assert_eq!(
        in_dns(&state),
        [true, false],
        "the endpoint of web-1 is not ready"
    );
    assert_eq!(
        node(&state, "web-1"),
        (lost.clone(), "Terminating".to_string())
    );
    assert!(state.view.waiting.contains(&Waiting::NodeLost {
        pod: "web-1".into(),
        node: lost.clone()
    }));
    let state = settled(state.reduce(Action::ForceDeletePod("web-1".into())));
    assert_eq!(
        last_command(&state),
        "kubectl delete pod web-1 --grace-period=0 --force"
    );
    // The new web-1 needs its claim, whose local-path volume lives on the
    // powered-off node: it waits, Pending, until that node is back.
    assert_eq!(
        node(&state, "web-1"),
        (String::new(), "Pending".to_string())
    );
    let state = settled(state.reduce(Action::StartNode(lost.clone())));
    assert_eq!(last_command(&state), format!("docker start {lost}"));
    assert_eq!(lane(&state), ("Ready".to_string(), true));
    assert_eq!(node(&state, "web-1"), (lost.clone(), "Running".to_string()));
    assert!(state.view.waiting.is_empty(), "{:?}", state.view.waiting);
}

#[test]
fn updates_and_scale_down_wait_for_the_pod_the_controller_stopped_at() {
    let state = settled(Rc::new(Playground::default()).reduce(Action::SetReplicas(3)));
    let state = state.reduce(Action::SetImage("nginx:1.25".into()));
    for pod in ["web-1", "web-0"] {
        assert!(
            state.view.waiting.contains(&Waiting::UpdateWaits {
                pod: pod.into(),
                blocker: "web-2".into()
            }),
            "{:?}",
            state.view.waiting
        );
    }
    let state = settled(state).reduce(Action::SetReplicas(1));
    assert!(
        state.view.waiting.contains(&Waiting::NotDeleted {
            pod: "web-1".into(),
            blocker: "web-2".into()
        }),
        "{:?}",
        state.view.waiting
    );
    assert!(settled(state).view.waiting.is_empty());
}

#[test]
fn a_help_line_waits_shown_for_the_docs_then_runs_once() {
    let state = Rc::new(Playground::default());
    let state = state.reduce(Action::AwaitDocs("kubectl scale --help".to_string()));
    assert_eq!(
        state.terminal.last().map(|l| l.text.as_str()),
        Some("kubectl scale --help")
    );
    let failed = Rc::clone(&state).reduce(Action::DocsLoaded(
        "kubectl scale --help".to_string(),
        Some("error: could not load the kubectl help texts (HTTP 404)".to_string()),
    ));
    let last = failed.terminal.last().expect("the error");
    assert_eq!(last.kind, LineKind::Stderr);
    assert!(last.text.contains("could not load"));
    crate::docs::remember(std::sync::Arc::new(ordinal_kubectl::docs::Docs::parse(
        include_str!("../../crates/kubectl/docs/docs.txt"),
    )));
    let state = state.reduce(Action::DocsLoaded("kubectl scale --help".to_string(), None));
    let commands = state
        .terminal
        .iter()
        .filter(|l| l.kind == LineKind::Command && l.text == "kubectl scale --help")
        .count();
    assert_eq!(commands, 1);
    assert!(state
        .terminal
        .iter()
        .any(|l| l.text.starts_with("Set a new size for a deployment")));
    assert_eq!(last_command(&state), "kubectl scale --help");
}

#[test]
fn a_replay_reruns_the_log_at_the_same_time() {
    let state = settled(run(
        Rc::new(Playground::default()),
        "kubectl scale sts web --replicas=3",
    ));
    let now = state.session.borrow().sim.now();
    let replayed = state.reduce(Action::Replay);
    assert_eq!(replayed.session.borrow().sim.now(), now);
    assert_eq!(replayed.view.replicas, Some(3));
    assert_eq!(
        last_command(&replayed),
        "kubectl scale sts web --replicas=3"
    );
}

/// The pod cards whose owner is of this kind.
fn owned_by(state: &Playground, kind: WorkloadKind) -> Vec<&PodCard> {
    state
        .view
        .pods
        .iter()
        .filter(|p| p.owner_kind == Some(kind))
        .collect()
}

#[test]
fn a_deployment_next_to_the_statefulset_shows_its_pods_without_claims_or_dns() {
    let text = by_id("deployment-contrast").expect("example").text;
    let state = settled(Rc::new(Playground::default()).reduce(Action::Apply(text.into())));
    assert_eq!(state.view.focus.key(), "deployment/default/nginx");
    let state = state.reduce(Action::Focus("default/web".into()));
    assert_eq!(state.view.focus, Focus::default());
    let sts = owned_by(&state, WorkloadKind::StatefulSet);
    let names: Vec<&str> = sts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["web-0", "web-1"]);
    assert_eq!(
        state.view.pods[0].name, "web-0",
        "the focused workload's pods come first"
    );
    assert!(sts
        .iter()
        .all(|p| p.owner == "web" && p.has_dns() && p.in_dns));
    let deployment = owned_by(&state, WorkloadKind::Deployment);
    assert_eq!(deployment.len(), 3);
    for pod in &deployment {
        assert_eq!(pod.owner, "nginx");
        assert!(pod.name.starts_with("nginx-"), "{}", pod.name);
        assert_eq!(
            ordinal_of_suffix(&pod.name),
            None,
            "random suffix: {}",
            pod.name
        );
        assert!(!pod.has_dns() && pod.claims.is_empty());
        assert_eq!(pod.status, "Running");
    }
    let claims: Vec<&str> = state.view.claims.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(claims, ["www-web-0", "www-web-1"]);
    assert!(state
        .view
        .workloads
        .iter()
        .any(|w| w.kind == WorkloadKind::Deployment && w.name == "nginx"));
}

fn ordinal_of_suffix(name: &str) -> Option<u64> {
    name.rsplit('-').next()?.parse().ok()
}

#[test]
fn focusing_a_deployment_scales_it_with_kubectl_scale_deployment() {
    let text = by_id("deployment-contrast").expect("example").text;
    let state = settled(Rc::new(Playground::default()).reduce(Action::Apply(text.into())));
    let state = state.reduce(Action::Focus("default/web".into()));
    let state = state.reduce(Action::Focus("deployment/default/nginx".into()));
    assert_eq!(state.view.focus.kind, WorkloadKind::Deployment);
    assert_eq!(state.view.replicas, Some(3));
    assert!(state.view.claims.is_empty() && state.view.waiting.is_empty());
    assert_eq!(
        state.view.pods[0].owner_kind,
        Some(WorkloadKind::Deployment),
        "the focused Deployment's pods come first"
    );
    let state = state.reduce(Action::Scale(1));
    assert_eq!(
        last_command(&state),
        "kubectl scale deployment/nginx --replicas=4"
    );
    assert!(state
        .terminal
        .iter()
        .any(|l| l.text == "deployment.apps/nginx scaled"));
    let state = settled(state.reduce(Action::SetReplicas(1)));
    assert_eq!(
        last_command(&state),
        "kubectl scale deployment/nginx --replicas=1"
    );
    assert_eq!(owned_by(&state, WorkloadKind::Deployment).len(), 1);
    assert_eq!(owned_by(&state, WorkloadKind::StatefulSet).len(), 2);
    // The update strategy and partition are a StatefulSet's: no command.
    let state = state.reduce(Action::SetPartition(1));
    assert_eq!(
        last_command(&state),
        "kubectl scale deployment/nginx --replicas=1"
    );
    let state = state.reduce(Action::SetImage("registry.k8s.io/nginx-slim:0.27".into()));
    assert_eq!(
        last_command(&state),
        "kubectl set image deployment/nginx nginx=registry.k8s.io/nginx-slim:0.27"
    );
    let state = state.reduce(Action::Focus("default/web".into()));
    assert_eq!(state.view.focus, Focus::default());
}

#[test]
fn focus_keys_name_the_kind_and_survive_a_round_trip() {
    let deployment = Focus::parse("deployment/demo/nginx").expect("deployment");
    assert_eq!(deployment.kind, WorkloadKind::Deployment);
    assert_eq!(
        (deployment.namespace.as_str(), deployment.name.as_str()),
        ("demo", "nginx")
    );
    assert_eq!(deployment.key(), "deployment/demo/nginx");
    assert_eq!(Focus::parse("default/web"), Some(Focus::default()));
    assert_eq!(Focus::default().key(), "default/web");
    assert_eq!(Focus::parse("web"), None);
    assert_eq!(Focus::parse("deployment/nginx"), None);
}

#[test]
fn applying_only_a_deployment_focuses_it() {
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n";
    let state = Rc::new(Playground::default()).reduce(Action::Apply(manifest.into()));
    assert_eq!(state.view.focus.kind, WorkloadKind::Deployment);
    assert_eq!(state.view.focus.name, "api");
}

/// The card of the pod `name`, if the view draws one.
fn card_of<'a>(state: &'a Playground, name: &str) -> Option<&'a PodCard> {
    state.view.pods.iter().find(|p| p.name == name)
}

#[test]
fn a_pod_kubectl_run_creates_is_drawn_as_a_bare_pod() {
    let state = settled(run(
        Rc::new(Playground::default()),
        "kubectl run web-client --image=busybox:1.28 -- sleep 3600",
    ));
    let pod = card_of(&state, "web-client").expect("the bare pod has a card");
    assert_eq!(pod.owner_kind, None);
    assert_eq!(pod.owner, "");
    assert_eq!(
        (pod.ready.as_str(), pod.status.as_str()),
        ("1/1", "Running")
    );
    assert!(!pod.node.is_empty() && !pod.ip.is_empty());
    assert!(!pod.has_dns() && !pod.in_dns && pod.claims.is_empty());
    assert_eq!(
        names(&state),
        ["web-0", "web-1", "web-client"],
        "bare pods come after the workloads' pods"
    );
    let state = settled(run(state, "kubectl delete pod web-client"));
    assert!(
        card_of(&state, "web-client").is_none(),
        "{:?}",
        names(&state)
    );
}

#[test]
fn a_one_shot_pod_runs_completes_and_goes_when_deleted() {
    let state = settled(Rc::new(Playground::default()));
    let mut state = run(
        state,
        "kubectl run dns-test --image=busybox:1.28 --restart=Never -- nslookup web-0.nginx",
    );
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..200 {
        state = state.reduce(Action::Tick(100));
        let status = card_of(&state, "dns-test").map_or("", |p| p.status.as_str());
        if seen.last().map(String::as_str) != Some(status) {
            seen.push(status.to_string());
        }
    }
    assert_eq!(
        seen.last().map(String::as_str),
        Some("Completed"),
        "{seen:?}"
    );
    assert!(seen.iter().any(|s| s == "Running"), "{seen:?}");
    let pod = card_of(&state, "dns-test").expect("card");
    assert_eq!((pod.owner_kind, pod.ready.as_str()), (None, "0/1"));
    let state = settled(run(state, "kubectl delete pod dns-test"));
    assert!(card_of(&state, "dns-test").is_none(), "{:?}", names(&state));
}

#[test]
fn a_bare_pod_named_under_the_headless_service_gets_a_dns_row() {
    let manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: probe\n  labels:\n    app: nginx\nspec:\n  hostname: probe\n  subdomain: nginx\n  containers:\n  - name: nginx\n    image: registry.k8s.io/nginx-slim:0.24\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: loner\nspec:\n  hostname: loner\n  subdomain: elsewhere\n  containers:\n  - name: nginx\n    image: registry.k8s.io/nginx-slim:0.24\n";
    let state = settled(Rc::new(Playground::default()).reduce(Action::Apply(manifest.into())));
    assert_eq!(state.view.focus, Focus::default(), "no workload to focus");
    let probe = card_of(&state, "probe").expect("probe card");
    assert_eq!(probe.owner_kind, None);
    assert_eq!(probe.dns, "probe.nginx.default.svc.cluster.local");
    assert!(probe.in_dns, "the Service selects it and it is ready");
    let loner = card_of(&state, "loner").expect("loner card");
    assert!(
        !loner.has_dns(),
        "its subdomain is not the focused set's Service"
    );
}

#[test]
fn bare_pods_of_other_namespaces_are_not_drawn() {
    let state = run(
        Rc::new(Playground::default()),
        "kubectl create namespace other",
    );
    let state = settled(run(
        state,
        "kubectl run elsewhere --image=busybox:1.28 -n other -- sleep 3600",
    ));
    assert!(card_of(&state, "elsewhere").is_none());
    let state = state.reduce(Action::Focus("other/none".into()));
    assert_eq!(
        state
            .view
            .pods
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["elsewhere"]
    );
}

#[test]
fn orphaned_pods_stay_on_screen_as_bare_pods() {
    let state = settled(Rc::new(Playground::default()));
    let state = settled(state.reduce(Action::DeleteSet(true)));
    assert_eq!(names(&state), ["web-0", "web-1"]);
    assert!(state.view.pods.iter().all(|p| p.owner_kind.is_none()));
}

#[test]
fn an_attached_one_shot_run_is_seen_running_completed_then_gone() {
    let mut state = run(
        settled(Rc::new(Playground::default())),
        "kubectl run -it --rm dns-test --image=busybox:1.28 --restart=Never -- nslookup web-0.nginx",
    );
    assert!(state.streaming(), "the terminal stays attached");
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..200 {
        let status = card_of(&state, "dns-test").map_or("gone", |p| p.status.as_str());
        if seen.last().map(String::as_str) != Some(status) {
            seen.push(status.to_string());
        }
        if status == "gone" && seen.len() > 1 {
            break;
        }
        state = state.reduce(Action::Tick(100));
    }
    let seen: Vec<&str> = seen.iter().map(String::as_str).collect();
    let running = seen.iter().position(|s| *s == "Running").expect("Running");
    let completed = seen
        .iter()
        .position(|s| *s == "Completed")
        .expect("Completed");
    assert!(
        running < completed && seen.last() == Some(&"gone"),
        "{seen:?}"
    );
    assert!(!state.streaming());
    let text: Vec<&str> = state.terminal.iter().map(|l| l.text.as_str()).collect();
    let at = text
        .iter()
        .position(|l| *l == "Name:      web-0.nginx")
        .expect("the nslookup output");
    assert_eq!(
        text.last(),
        Some(&"pod \"dns-test\" deleted from default namespace"),
        "{:?}",
        &text[at..]
    );
}

#[test]
fn events_show_a_command_at_once_and_ticks_within_a_few() {
    let state = settled(Rc::new(Playground::default()));
    let state = state.reduce(Action::Scale(1));
    let has = |state: &Playground, reason: &str, text: &str| {
        state
            .view
            .events
            .iter()
            .any(|e| e.reason == reason && e.message.contains(text))
    };
    assert!(
        has(&state, "SuccessfulCreate", "Pod web-2"),
        "{:?}",
        state.view.events
    );
    let mut state = state;
    for _ in 0..EVENTS_EVERY_TICKS {
        state = state.reduce(Action::Tick(1_000));
    }
    assert!(
        has(&state, "Scheduled", "default/web-2"),
        "{:?}",
        state.view.events
    );
}

#[test]
fn a_replay_deletes_an_attached_runs_pod_at_the_same_time() {
    let mut state = run(
        settled(Rc::new(Playground::default())),
        "kubectl run -it --rm dns-test --image=busybox:1.28 --restart=Never -- nslookup web-0.nginx",
    );
    for _ in 0..100 {
        state = state.reduce(Action::Tick(100));
    }
    assert!(!state.streaming() && card_of(&state, "dns-test").is_none());
    assert_eq!(last_command(&state), STREAM_END);
    // Replayed up to the end of the attached run, the pod is already gone.
    let until_end = Playground::restore(SimConfig::default(), Lang::En, &state.log);
    assert!(
        card_of(&until_end, "dns-test").is_none(),
        "{:?}",
        names(&until_end)
    );
    assert!(!until_end.streaming());
    let state = settled(run(
        state,
        "kubectl run after --image=busybox:1.28 -- sleep 3600",
    ));
    let restored = Playground::restore(SimConfig::default(), Lang::En, &state.log);
    let restored = settled(Rc::new(restored));
    assert_eq!(restored.view.pods, state.view.pods, "same pods, same IPs");
    let shown =
        |s: &Playground| -> Vec<String> { s.terminal.iter().map(|l| l.text.clone()).collect() };
    assert_eq!(shown(&restored), shown(&state));
}
