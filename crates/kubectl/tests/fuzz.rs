//! Robustness: random command lines, built from kubectl's own verbs,
//! resources, names and flags with shell punctuation and junk mixed in, never
//! make the emulation panic or hang, on a cluster with a StatefulSet, its
//! claims and a headless Service; and the same lines give the same bytes
//! twice. A learner types anything; the terminal must answer, as kubectl
//! would, with output or an error.
//! Native only: proptest needs OS randomness, which wasm32 lacks.
#![cfg(not(target_arch = "wasm32"))]

use ordinal_core::SimConfig;
use ordinal_kubectl::Session;
use proptest::prelude::*;

/// The seed lesson's headless Service and StatefulSet, as the page's examples menu offers it.
const MANIFEST: &str = include_str!("../../../web/examples/nginx-web.yaml");

/// A cluster with the manifest applied and its pods running.
fn cluster() -> Session {
    let mut session = Session::new(SimConfig::default());
    session
        .files
        .insert("web.yaml".to_string(), MANIFEST.to_string());
    let out = session.run_line("kubectl apply -f web.yaml");
    assert_eq!(out.exit_code, 0, "{out:?}");
    session.sim.advance(60_000);
    session
}

const VERBS: &[&str] = &[
    "get",
    "describe",
    "delete",
    "scale",
    "rollout status",
    "rollout undo",
    "rollout history",
    "rollout restart",
    "rollout pause",
    "logs",
    "exec",
    "label",
    "annotate",
    "patch",
    "edit",
    "explain",
    "cordon",
    "uncordon",
    "drain",
    "wait",
    "events",
    "run",
    "create",
    "expose",
    "set image",
    "diff",
    "apply",
    "cp",
    "attach",
    "top",
    "api-resources",
    "version",
    "config view",
    "auth can-i",
    "help",
    "",
];

const RESOURCES: &[&str] = &[
    "pods",
    "po",
    "pod/web-0",
    "statefulset",
    "sts",
    "sts/web",
    "statefulset.apps/web",
    "svc",
    "service/nginx",
    "pvc",
    "pv",
    "nodes",
    "node/kind-control-plane",
    "events",
    "ev",
    "deploy",
    "rs",
    "cm",
    "ns",
    "all",
    "endpoints",
    "endpointslices",
    "controllerrevisions",
    "pdb",
    "storageclass",
    "secrets",
    "lease",
    "nosuchkind",
    "pods,svc",
    "statefulset.spec.template",
    "pod.spec.containers",
];

const NAMES: &[&str] = &[
    "web",
    "web-0",
    "web-1",
    "web-7",
    "nginx",
    "www-web-0",
    "kind-control-plane",
    "default",
    "kube-system",
    "coredns",
    "nosuch",
    "demo",
    "busybox",
    "'web-0'",
    "\"web\"",
    "Web-0",
    "web-0.nginx",
    "-",
];

const FLAGS: &[&str] = &[
    "-o yaml",
    "-o json",
    "-o wide",
    "-o name",
    "-o kyaml",
    "-o custom-columns=NAME:.metadata.name,IP:.status.podIP",
    "-o jsonpath='{.items[*].metadata.name}'",
    "-o jsonpath={.spec.replicas}",
    "-o jsonpath='{range .items[*]}{.metadata.name}{\"\\n\"}{end}'",
    "-o go-template='{{range .items}}{{.metadata.name}} {{end}}'",
    "-o go-template={{.spec",
    "-o jsonpath={.items[",
    "-o bogus",
    "-l app=nginx",
    "-l 'app in (nginx,web)'",
    "-l app!=",
    "-l =",
    "--selector=app",
    "--field-selector=status.phase=Running",
    "--field-selector=metadata.name==web-0,spec.nodeName!=x",
    "--field-selector=bogus",
    "-n default",
    "-n kube-system",
    "-n nosuch",
    "-n",
    "-A",
    "--all-namespaces",
    "--show-labels",
    "-L app",
    "--sort-by=.metadata.creationTimestamp",
    "--sort-by={.status.podIP}",
    "--sort-by=.x[",
    "--replicas=3",
    "--replicas=0",
    "--replicas=-1",
    "--replicas=99999999999999999999",
    "--replicas=abc",
    "--replicas",
    "--all",
    "--force",
    "--grace-period=0",
    "--grace-period=-5",
    "--cascade=orphan",
    "--cascade=foreground",
    "--cascade=bogus",
    "--dry-run=client",
    "--dry-run=server",
    "--dry-run=bogus",
    "--to-revision=1",
    "--to-revision=99",
    "--timeout=2s",
    "--timeout=-1s",
    "--timeout=banana",
    "--for=condition=Ready",
    "--for=delete",
    "--for=jsonpath='{.status.readyReplicas}'=2",
    "-c nginx",
    "-c nosuch",
    "--previous",
    "--tail=1",
    "--since=1m",
    "-f web.yaml",
    "-f nosuch.yaml",
    "-f -",
    "-k .",
    "--image=nginx:1.27",
    "nginx=nginx:1.27",
    "nginx=",
    "--type=merge -p '{\"spec\":{\"replicas\":1}}'",
    "--type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":0}]'",
    "-p '{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":1}}}}'",
    "-p '{bad json'",
    "--ignore-daemonsets --delete-emptydir-data",
    "--recursive",
    "--port=80",
    "--restart=Never",
    "--rm -it",
    "-it",
    "--",
    "-- sh -c 'echo hi > /tmp/x; cat /tmp/x'",
    "-- ls /usr/share/nginx/html",
    "-- cat /etc/hosts",
    "-- nslookup web-0.nginx",
    "-- curl -s http://web-0.nginx",
    "-- sh -c 'for i in 1 2 3; do echo $i; done'",
    "-- sh -c 'while true; do sleep 1; done'",
    "-- sleep 3600",
    "-- bogus-binary",
    "app=web",
    "app-",
    "team=a --overwrite",
    "--help",
    "-h",
    "--v=9",
    "--request-timeout=1s",
    "--watch-only",
    "--output-watch-events",
    "--chunk-size=1",
    "--raw /api",
    "--recursive=false",
    "--local",
    "--show-kind",
    "--no-headers",
    "--server-side",
    "--prune",
    "--port=80 --expose",
    "--env=A=1 --env=B",
    "--annotations=a=b,c",
    "--command",
    "--privileged",
    "--image-pull-policy=Never",
    "--overrides='{\"spec\":{\"containers\":[{\"name\":\"x\"}]}}'",
    "--override-type=json --overrides='[{\"op\":\"add\",\"path\":\"/spec/x\",\"value\":1}]'",
    "--overrides='[1]'",
    "--save-config",
    "--patch-file=web.yaml",
    "--external-ip=192.0.2.1",
    "--resource-version=1",
];

/// Shell punctuation and junk between words.
const NOISE: &[&str] = &[
    "|",
    "| grep web",
    "| wc -l",
    "| head -1",
    ";",
    "&&",
    "||",
    ">",
    "> out.txt",
    "<",
    "2>&1",
    "'",
    "\"",
    "`",
    "$(",
    ")",
    "$?",
    "$HOME",
    "${x",
    "\\",
    "*",
    "?",
    "[",
    "]",
    "{",
    "}",
    "#",
    "=",
    "==",
    "--=",
    "-",
    "---",
    "\t",
    "é",
    "中文",
    "\u{0}",
    "%",
    "!",
    "&",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(RESOURCES).prop_map(str::to_string),
        3 => proptest::sample::select(NAMES).prop_map(str::to_string),
        4 => proptest::sample::select(FLAGS).prop_map(str::to_string),
        1 => proptest::sample::select(NOISE).prop_map(str::to_string),
        1 => "[a-z0-9./=:-]{0,12}",
        2 => "\\PC{0,16}",
    ]
}

/// A command line: mostly `kubectl VERB words...`, sometimes a bare shell
/// command, a `timeout` or `watch` wrapper, or a heredoc.
fn kubectl() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(VERBS),
        proptest::collection::vec(word(), 0..5),
    )
        .prop_map(|(verb, words)| format!("kubectl {verb} {}", words.join(" ")))
}

fn command() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => kubectl(),
        2 => kubectl().prop_map(|k| format!("timeout 5 {k}")),
        1 => kubectl().prop_map(|k| format!("{k} -w")),
        1 => kubectl().prop_map(|k| format!("{k} -f - <<EOF\n{MANIFEST}EOF")),
        1 => proptest::collection::vec(word(), 0..4)
            .prop_map(|words| format!("kubectl apply -f - <<EOF\nkind: Pod\n{}\nEOF", words.join("\n"))),
        2 => (
            proptest::sample::select(&["cat", "echo", "ls", "sleep 1", "export X=1", "cd", "for x in a b; do echo $x; done", "watch -n 1", "bogus"][..]),
            proptest::collection::vec(word(), 0..3),
        )
            .prop_map(|(c, words)| format!("{c} {}", words.join(" "))),
    ]
}

/// Runs `lines` on a fresh cluster, advancing a few seconds between them;
/// returns everything printed.
fn transcript(lines: &[(String, u64)]) -> Vec<(Vec<(bool, String)>, i32)> {
    let mut session = cluster();
    let mut printed = Vec::new();
    for (line, wait_ms) in lines {
        let out = session.run_line(line);
        printed.push((out.chunks, out.exit_code));
        session.sim.advance(*wait_ms);
    }
    printed
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn random_command_lines_never_panic_and_repeat_exactly(
        lines in proptest::collection::vec((command(), 0u64..20_000), 1..8)
    ) {
        let first = transcript(&lines);
        // Text is cut at character boundaries: no replacement character
        // appears that the learner did not type.
        if !lines.iter().any(|(line, _)| line.contains('\u{fffd}')) {
            for (chunks, _) in &first {
                for (_, text) in chunks {
                    prop_assert!(!text.contains('\u{fffd}'), "garbled output: {text:?}");
                }
            }
        }
        prop_assert_eq!(first, transcript(&lines));
    }
}

/// Words of the shell inside a pod.
const SHELL: &[&str] = &[
    "echo",
    "cat",
    "ls",
    "cd",
    "pwd",
    "touch",
    "rm",
    "mkdir",
    "rmdir",
    "cp",
    "mv",
    "head",
    "tail",
    "wc",
    "grep",
    "sort",
    "env",
    "hostname",
    "date",
    "sleep",
    "test",
    "[",
    "]",
    "if",
    "then",
    "else",
    "fi",
    "for",
    "in",
    "do",
    "done",
    "while",
    "until",
    "true",
    "false",
    "exit",
    "export",
    "set",
    "curl",
    "wget",
    "nslookup",
    "ping",
    "-c",
    "2",
    "dig",
    "df",
    "-h",
    "ps",
    "kill",
    "nginx",
    "redis-cli",
    "ip",
    "addr",
    "mount",
    "free",
    "top",
    "uname",
    "-a",
    "/",
    "/tmp",
    "/tmp/x",
    "/usr/share/nginx/html/index.html",
    "/etc/hosts",
    "/etc/resolv.conf",
    "web-0.nginx",
    "web-1.nginx.default.svc.cluster.local",
    "http://web-0.nginx",
    "localhost:80",
    "x",
    "$x",
    "${x}",
    "$(hostname)",
    "`date`",
    "'a b'",
    "\"c d\"",
    ">",
    ">>",
    "<",
    "|",
    ";",
    "&&",
    "||",
    "&",
    "2>&1",
    "*",
    "?",
    "~",
    "#",
    "\\",
    "=",
    "x=1",
    "-n",
    "-f",
    "-e",
    "-d",
    "-s",
    "-rf",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn random_shell_lines_in_a_pod_never_panic_and_repeat_exactly(
        lines in proptest::collection::vec(
            (proptest::collection::vec(proptest::sample::select(SHELL), 1..8), 0u64..5_000),
            1..8,
        )
    ) {
        let lines: Vec<(String, u64)> = std::iter::once(("kubectl exec -it web-0 -- sh".to_string(), 0))
            .chain(lines.into_iter().map(|(words, wait)| (words.join(" "), wait)))
            .chain(std::iter::once(("exit".to_string(), 0)))
            .chain(std::iter::once(("kubectl exec web-1 -- sh -c 'ls /tmp; cat /tmp/x'".to_string(), 0)))
            .collect();
        prop_assert_eq!(transcript(&lines), transcript(&lines));
    }
}
