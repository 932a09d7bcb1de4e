//! `ordinal serve` end to end: the server runs as a child process on an
//! ephemeral loopback port; raw HTTP checks the discovery and error bodies,
//! and the real kubectl (when installed by scripts/install-real-kubectl.sh)
//! applies a StatefulSet and lists its pods.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Served {
    child: Child,
    _banner: BufReader<std::process::ChildStdout>,
    port: u16,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ordinal"))
        .args(["serve", "--port", "0", "--speed", "20"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("ordinal serve starts");
    let mut line = String::new();
    let mut banner = BufReader::new(child.stdout.take().expect("stdout"));
    banner.read_line(&mut line).expect("banner");
    let port = line
        .rsplit(':')
        .next()
        .and_then(|tail| tail.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in banner {line:?}"));
    Served {
        child,
        _banner: banner,
        port,
    }
}

fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).expect("reply");
    let code = reply[9..12].parse().expect("status code");
    let body = reply
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (code, body)
}

#[test]
fn discovery_lists_the_apps_group_and_its_resources() {
    let s = start();
    let (code, apis) = get(s.port, "/apis");
    assert_eq!(code, 200);
    assert!(apis.contains(r#""kind":"APIGroupList""#), "{apis}");
    assert!(apis.contains(r#""name":"apps""#), "{apis}");
    let (code, apps) = get(s.port, "/apis/apps/v1");
    assert_eq!(code, 200);
    assert!(apps.contains(r#""groupVersion":"apps/v1""#), "{apps}");
    assert!(apps.contains(r#""name":"statefulsets""#), "{apps}");
    let (code, _) = get(s.port, "/apis/batch/v1");
    assert_eq!(code, 404);
}

#[test]
fn a_missing_pod_is_a_not_found_status() {
    let s = start();
    let (code, body) = get(s.port, "/api/v1/namespaces/default/pods/nope");
    assert_eq!(code, 404);
    assert!(
        body.contains(r#""message":"pods \"nope\" not found""#),
        "{body}"
    );
    assert!(body.contains(r#""reason":"NotFound""#), "{body}");
    assert!(body.contains(r#""kind":"Status""#), "{body}");
}

#[test]
fn lists_carry_kind_and_label_selectors_filter() {
    let s = start();
    let (code, body) = get(
        s.port,
        "/api/v1/namespaces?labelSelector=kubernetes.io%2Fmetadata.name%3Ddefault",
    );
    assert_eq!(code, 200);
    assert!(body.contains(r#""kind":"NamespaceList""#), "{body}");
    assert!(body.contains(r#""name":"default""#), "{body}");
    assert!(!body.contains(r#""name":"kube-system""#), "{body}");
}

fn real_kubectl() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.tools/real-kubectl/kubectl");
    path.exists().then_some(path)
}

fn kubectl(binary: &PathBuf, port: u16, args: &[&str]) -> (bool, String) {
    let out = Command::new(binary)
        .env("KUBECONFIG", "/dev/null")
        .arg("--server")
        .arg(format!("http://127.0.0.1:{port}"))
        .args(args)
        .output()
        .expect("kubectl runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

const STATEFULSET: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx
  serviceName: nginx
  replicas: 2
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
";

#[test]
fn real_kubectl_applies_a_statefulset_and_sees_its_pods() {
    let Some(binary) = real_kubectl() else {
        println!("skipped: real kubectl not installed (run scripts/install-real-kubectl.sh)");
        return;
    };
    let s = start();
    let (ok, missing) = kubectl(&binary, s.port, &["get", "pod", "nope"]);
    assert!(!ok);
    assert_eq!(
        missing.trim(),
        r#"Error from server (NotFound): pods "nope" not found"#
    );
    let manifest = std::env::temp_dir().join(format!("ordinal-serve-{}.yaml", s.port));
    std::fs::write(&manifest, STATEFULSET).expect("manifest written");
    let manifest_path = manifest.to_string_lossy().into_owned();
    let (ok, applied) = kubectl(&binary, s.port, &["apply", "-f", &manifest_path]);
    assert!(ok, "{applied}");
    assert_eq!(applied.trim(), "statefulset.apps/web created");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, pods) = kubectl(&binary, s.port, &["get", "pods"]);
        let running = pods.lines().filter(|l| l.contains("Running")).count();
        if pods.starts_with("NAME")
            && pods.contains("web-0")
            && pods.contains("web-1")
            && running == 2
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "pods never became Running:\n{pods}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    let (ok, rollout) = kubectl(
        &binary,
        s.port,
        &["rollout", "status", "sts", "web", "--timeout=20s"],
    );
    assert!(ok, "{rollout}");
    assert!(
        rollout.ends_with("partitioned roll out complete: 2 new pods have been updated...\n"),
        "{rollout}"
    );
    let (_, endpoints) = kubectl(&binary, s.port, &["get", "endpoints"]);
    assert!(
        endpoints.contains("Warning: v1 Endpoints is deprecated in v1.33+"),
        "{endpoints}"
    );
    let _ = std::fs::remove_file(manifest);
}
