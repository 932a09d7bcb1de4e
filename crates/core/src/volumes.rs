//! What pods keep on disk: files per volume and the keys a redis server
//! keeps in its data directory.
//!
//! Each of a container's mounts resolves to a volume key
//! ([`Sim::volume_key`]): a claim-backed mount to the PersistentVolume its
//! claim is bound to (`pv:<name>`), so the data survives the pod's deletion,
//! rescheduling and the set's scale-down and up, and stays with a Retained
//! PV after its claim is gone; any other mount, and the container's own
//! filesystem (the key for `/`), to the pod (`pod:<uid>:<volume>`,
//! `pod:<uid>:/<container>`), gone with the pod; a container's own
//! filesystem also goes when a new instance of it starts. Deleting the pod or the PV deletes its data (see
//! `Sim::erase`). The kubelet's HTTP probes and the pod shell read the same
//! files.
//!
//! What a mount is on ([`Sim::mount_device_bytes`]): a PersistentVolume
//! with a real size limit (a block device its provisioner attached: every
//! volume type except `hostPath` and `local`) is its own device of the PV's
//! capacity, which `df` shows as a freshly formatted ext4; a `hostPath` or
//! `local` PV (what kind's `standard` class, the local-path provisioner,
//! creates) and every other volume are directories on the node's disk, so
//! `df` shows the node's disk there, as on kind.

use std::collections::BTreeMap;

use ordinal_model::Value;

use crate::limits;
use crate::sim::Sim;

/// Files and redis databases, by volume key.
#[derive(Debug, Clone, Default)]
pub struct Volumes {
    files: BTreeMap<String, BTreeMap<String, String>>,
    redis: BTreeMap<String, BTreeMap<String, String>>,
}

/// The key of a container's own filesystem (what is not under a mount).
fn root_key(uid: &str, container: &str) -> String {
    format!("pod:{uid}:/{container}")
}

impl Sim {
    /// The volume key behind `path` in the first container of `pod`, and
    /// the mount it is under (`""` for the container's own filesystem).
    pub fn volume_key(&self, pod: &Value, path: &str) -> (String, String) {
        let uid = pod.str_at(&["metadata", "uid"]);
        let ns = pod.str_at(&["metadata", "namespace"]);
        let container = pod.array_at(&["spec", "containers"]).first();
        let mut best: Option<(&str, &str)> = None;
        for m in container
            .map(|c| c.array_at(&["volumeMounts"]))
            .unwrap_or(&[])
        {
            let mount = m.str_at(&["mountPath"]).trim_end_matches('/');
            let under = path == mount || path.starts_with(&format!("{mount}/")) || mount.is_empty();
            if under && best.is_none_or(|(b, _)| mount.len() > b.len()) {
                best = Some((mount, m.str_at(&["name"])));
            }
        }
        let Some((mount, volume)) = best else {
            let name = container.map_or("", |c| c.str_at(&["name"]));
            return (root_key(uid, name), String::new());
        };
        let claim = pod
            .array_at(&["spec", "volumes"])
            .iter()
            .find(|v| v.str_at(&["name"]) == volume)
            .map_or("", |v| v.str_at(&["persistentVolumeClaim", "claimName"]));
        let pv = (!claim.is_empty())
            .then(|| self.store.get("persistentvolumeclaims", ns, claim))
            .flatten()
            .map(|c| c.str_at(&["spec", "volumeName"]))
            .filter(|v| !v.is_empty());
        let key = match pv {
            Some(pv) => format!("pv:{pv}"),
            None => format!("pod:{uid}:{volume}"),
        };
        (key, mount.to_string())
    }

    /// The size in bytes of the block device mounted at `mount` in the first
    /// container of `pod`, or `None` when the mount is a directory on the
    /// node's disk (see the module rules).
    pub fn mount_device_bytes(&self, pod: &Value, mount: &str) -> Option<u64> {
        let (key, _) = self.volume_key(pod, mount);
        let pv = self
            .store
            .get("persistentvolumes", "", key.strip_prefix("pv:")?)?;
        let spec = pv.get("spec")?;
        if spec.get("hostPath").is_some() || spec.get("local").is_some() {
            return None;
        }
        let bytes = crate::scheduler::bytes(spec.at(&["capacity", "storage"]));
        u64::try_from(bytes).ok().filter(|b| *b > 0)
    }

    /// The file at `path` of a volume.
    pub fn file(&self, key: &str, path: &str) -> Option<&str> {
        self.volumes.files.get(key)?.get(path).map(String::as_str)
    }

    /// The files of a volume whose paths start with `prefix`, in path order.
    pub fn files_with_prefix<'a>(
        &'a self,
        key: &str,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.volumes
            .files
            .get(key)
            .into_iter()
            .flat_map(move |files| {
                files
                    .range(prefix.to_string()..)
                    .take_while(move |(p, _)| p.starts_with(prefix))
            })
            .map(|(p, t)| (p.as_str(), t.as_str()))
    }

    /// Writes (or with `append` extends) a file; a volume holds at most
    /// [`limits::MAX_FILES_PER_VOLUME`] files of at most
    /// [`limits::MAX_POD_FILE_BYTES`] each, and refuses more.
    pub fn write_file(&mut self, key: &str, path: &str, text: &str, append: bool) {
        let files = self.volumes.files.entry(key.to_string()).or_default();
        if !files.contains_key(path) && files.len() >= limits::MAX_FILES_PER_VOLUME {
            return;
        }
        let entry = files.entry(path.to_string()).or_default();
        if !append {
            entry.clear();
        }
        if entry.len() + text.len() <= limits::MAX_POD_FILE_BYTES {
            entry.push_str(text);
        }
    }

    /// Removes the file at `path` of a volume and, with `recursive`,
    /// everything under it; false when nothing was there.
    pub fn remove_files(&mut self, key: &str, path: &str, recursive: bool) -> bool {
        let Some(files) = self.volumes.files.get_mut(key) else {
            return false;
        };
        let mut removed = files.remove(path).is_some();
        if recursive {
            let prefix = format!("{}/", path.trim_end_matches('/'));
            let before = files.len();
            files.retain(|p, _| !p.starts_with(&prefix));
            removed |= files.len() != before;
        }
        removed
    }

    /// Empties the own filesystem of container `container` of the pod with
    /// `uid` (a new instance of it starts from its image).
    pub(crate) fn reset_container_fs(&mut self, uid: &str, container: &str) {
        self.volumes.files.remove(&root_key(uid, container));
    }

    /// The redis database a volume holds.
    pub fn redis_db(&mut self, key: &str) -> &mut BTreeMap<String, String> {
        self.volumes.redis.entry(key.to_string()).or_default()
    }

    /// Drops the data of a deleted pod (its own filesystem and non-claim
    /// volumes) or of a deleted PersistentVolume.
    pub(crate) fn forget_volumes(&mut self, resource: &str, old: &Value) {
        let prefix = match resource {
            "pods" => format!("pod:{}:", old.str_at(&["metadata", "uid"])),
            "persistentvolumes" => format!("pv:{}", old.str_at(&["metadata", "name"])),
            _ => return,
        };
        let exact = resource == "persistentvolumes";
        let gone = |k: &String| {
            if exact {
                *k == prefix
            } else {
                k.starts_with(&prefix)
            }
        };
        self.volumes.files.retain(|k, _| !gone(k));
        self.volumes.redis.retain(|k, _| !gone(k));
    }
}
