//! Files inside pods: a claim's files live on its PersistentVolume (they
//! survive the pod and, with a Retain PV, the claim), everything else dies
//! with the pod.

use ordinal_core::{DeleteOptions, Sim, SimConfig, Value};
use ordinal_model::yaml::parse_stream;

fn yaml(text: &str) -> Value {
    parse_stream(text).docs.remove(0).value
}

fn claim(name: &str, class: &str) -> Value {
    yaml(&format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {name}\nspec:\n  storageClassName: {class}\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n"
    ))
}

fn pod(name: &str, claim: &str) -> Value {
    yaml(&format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.27\n    volumeMounts:\n    - name: www\n      mountPath: /usr/share/nginx/html\n    - name: scratch\n      mountPath: /scratch\n  volumes:\n  - name: www\n    persistentVolumeClaim:\n      claimName: {claim}\n  - name: scratch\n    emptyDir: {{}}\n"
    ))
}

fn retain_class() -> Value {
    yaml("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: keep\nprovisioner: rancher.io/local-path\nreclaimPolicy: Retain\nvolumeBindingMode: WaitForFirstConsumer\n")
}

fn running(sim: &mut Sim, name: &str) -> Value {
    for _ in 0..60 {
        sim.advance(1_000);
        let p = sim.get("pods", "default", name).unwrap();
        if p.str_at(&["status", "phase"]) == "Running" {
            return p;
        }
    }
    panic!("{name} never ran");
}

fn delete(sim: &mut Sim, resource: &str, name: &str) {
    sim.delete(resource, "default", name, &DeleteOptions::default())
        .unwrap();
    sim.advance(60_000);
}

/// Writes one file on the claim, one in the emptyDir and one in the
/// container's own filesystem; returns the three volume keys.
fn write_three(sim: &mut Sim, pod: &Value) -> [String; 3] {
    [
        "/usr/share/nginx/html/index.html",
        "/scratch/tmp.txt",
        "/root/notes.txt",
    ]
    .map(|path| {
        let (key, _) = sim.volume_key(pod, path);
        sim.write_file(&key, path, "hello\n", false);
        key
    })
}

#[test]
fn claim_files_outlive_the_pod_and_other_files_do_not() {
    let mut sim = Sim::new(SimConfig::default());
    sim.create(
        "persistentvolumeclaims",
        "default",
        claim("www", "standard"),
    )
    .unwrap();
    sim.create("pods", "default", pod("web", "www")).unwrap();
    let first = running(&mut sim, "web");
    let [on_claim, on_scratch, on_root] = write_three(&mut sim, &first);
    assert!(on_claim.starts_with("pv:pvc-"), "{on_claim}");
    assert!(on_scratch.ends_with(":scratch") && on_root.ends_with(":/nginx"));

    delete(&mut sim, "pods", "web");
    assert_eq!(sim.file(&on_scratch, "/scratch/tmp.txt"), None);
    assert_eq!(sim.file(&on_root, "/root/notes.txt"), None);
    sim.create("pods", "default", pod("web", "www")).unwrap();
    let second = running(&mut sim, "web");
    let (key, _) = sim.volume_key(&second, "/usr/share/nginx/html/index.html");
    assert_eq!(key, on_claim);
    assert_eq!(
        sim.file(&key, "/usr/share/nginx/html/index.html"),
        Some("hello\n")
    );
    let (scratch, _) = sim.volume_key(&second, "/scratch/tmp.txt");
    assert_eq!(sim.file(&scratch, "/scratch/tmp.txt"), None);

    // The default class deletes the volume with its claim, and the data with it.
    delete(&mut sim, "pods", "web");
    delete(&mut sim, "persistentvolumeclaims", "www");
    assert_eq!(
        sim.file(&on_claim, "/usr/share/nginx/html/index.html"),
        None
    );
}

#[test]
fn a_retained_volume_keeps_its_files_until_it_is_deleted() {
    let mut sim = Sim::new(SimConfig::default());
    sim.create("storageclasses", "", retain_class()).unwrap();
    sim.create("persistentvolumeclaims", "default", claim("data", "keep"))
        .unwrap();
    sim.create("pods", "default", pod("db", "data")).unwrap();
    let p = running(&mut sim, "db");
    let [on_claim, ..] = write_three(&mut sim, &p);
    delete(&mut sim, "pods", "db");
    delete(&mut sim, "persistentvolumeclaims", "data");
    let pv = on_claim.trim_start_matches("pv:").to_string();
    let volume = sim.get("persistentvolumes", "", &pv).unwrap();
    assert_eq!(volume.str_at(&["status", "phase"]), "Released");
    assert_eq!(
        sim.file(&on_claim, "/usr/share/nginx/html/index.html"),
        Some("hello\n")
    );
    sim.delete("persistentvolumes", "", &pv, &DeleteOptions::default())
        .unwrap();
    sim.advance(60_000);
    assert_eq!(
        sim.file(&on_claim, "/usr/share/nginx/html/index.html"),
        None
    );
}

#[test]
fn a_volume_refuses_files_beyond_its_limit() {
    let mut sim = Sim::new(SimConfig::default());
    for i in 0..ordinal_core::limits::MAX_FILES_PER_VOLUME + 5 {
        sim.write_file("pod:x:/", &format!("/f{i}"), "x", false);
    }
    assert_eq!(
        sim.files_with_prefix("pod:x:/", "/").count(),
        ordinal_core::limits::MAX_FILES_PER_VOLUME
    );
    assert!(sim.remove_files("pod:x:/", "/f0", false));
    assert!(!sim.remove_files("pod:x:/", "/f0", false));
}
