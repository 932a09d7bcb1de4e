//! `kubectl describe pod` of pods with init containers, in the states a
//! user meets (one running, one in CrashLoopBackOff after a completed one,
//! all completed, failed under `restartPolicy: Never`): the output must be
//! byte for byte what kubectl v1.36 prints for the same stored pod
//! (`describeContainers("Init Containers", ...)` in kubectl's
//! pkg/describe/describe.go). Each `fixtures/init_containers/NAME.yaml` pod
//! is written into a cluster whose node is powered off (so no kubelet
//! rewrites the status), and `NAME.describe.txt` is the real kubectl's
//! output for that stored pod.

use ordinal_kubectl::Session;
use ordinal_model::Value;

const NODE: &str = "kind-worker";

/// A session whose worker node is stopped, holding the fixture pods
/// (created a minute into the cluster's life, their status written 40s
/// later) with their status as written.
fn session_with(fixtures: &[&str]) -> Session {
    let mut session = Session::new(ordinal_core::SimConfig::with_nodes(&[
        "kind-control-plane",
        NODE,
    ]));
    session.run_line("sleep 60");
    // Stopped last, so that its NotReady grace period (50s) outlasts the test.
    let stop = session.run_line(&format!("docker stop {NODE}"));
    assert_eq!(stop.exit_code, 0, "{}", stop.combined());
    let mut statuses = Vec::new();
    for fixture in fixtures {
        let mut pod = ordinal_model::yaml::parse_stream(fixture)
            .docs
            .remove(0)
            .value;
        let status = pod.remove(&["status"]).unwrap_or(Value::Null);
        let mut stored = session
            .sim
            .create("pods", "default", pod)
            .expect("the fixture pod is valid");
        stored.set(&["status"], status);
        statuses.push(stored);
    }
    session.run_line("sleep 40");
    for pod in statuses {
        session
            .sim
            .update_status("pods", "default", pod)
            .expect("the status is written");
    }
    session
}

fn describe(fixture: &str, name: &str) -> String {
    let mut session = session_with(&[fixture]);
    let out = session.run_line(&format!("kubectl describe pod {name}"));
    assert_eq!(out.exit_code, 0, "{}", out.combined());
    out.stdout()
}

macro_rules! fixture {
    ($name:literal) => {
        (
            include_str!(concat!("fixtures/init_containers/", $name, ".yaml")),
            include_str!(concat!("fixtures/init_containers/", $name, ".describe.txt")),
        )
    };
}

#[test]
fn first_init_container_running_app_container_initializing() {
    let (pod, expected) = fixture!("init-running");
    assert_eq!(describe(pod, "init-running"), expected);
}

#[test]
fn second_init_container_in_crash_loop_shows_its_last_state() {
    let (pod, expected) = fixture!("init-crashloop");
    assert_eq!(describe(pod, "init-crashloop"), expected);
}

#[test]
fn completed_init_containers_and_running_app_container() {
    let (pod, expected) = fixture!("init-done");
    assert_eq!(describe(pod, "init-done"), expected);
}

#[test]
fn failed_init_container_with_restart_policy_never() {
    let (pod, expected) = fixture!("init-failed");
    assert_eq!(describe(pod, "init-failed"), expected);
}

/// The pod table's STATUS column while init containers run or fail
/// (`printPod`: `Init:<i>/<n>`, `Init:<waiting reason>`, `Init:<terminated
/// reason>`; the app containers' state once every init container is done),
/// READY counting app containers only, RESTARTS counting the init
/// containers' restarts with the last one's age while initializing.
#[test]
fn pod_table_shows_init_progress_and_failures() {
    let mut session = session_with(&[
        fixture!("init-running").0,
        fixture!("init-crashloop").0,
        fixture!("init-done").0,
        fixture!("init-failed").0,
    ]);
    let out = session.run_line("kubectl get pods -o wide");
    assert_eq!(
        out.stdout(),
        "\
NAME             READY   STATUS                  RESTARTS      AGE   IP           NODE          NOMINATED NODE   READINESS GATES
init-crashloop   0/1     Init:CrashLoopBackOff   3 (14s ago)   40s   10.244.1.9   kind-worker   <none>           <none>
init-done        1/1     Running                 0             40s   10.244.1.6   kind-worker   <none>           <none>
init-failed      0/1     Init:Error              0             40s   10.244.1.7   kind-worker   <none>           <none>
init-running     0/1     Init:0/2                0             40s   10.244.1.5   kind-worker   <none>           <none>
"
    );
}
