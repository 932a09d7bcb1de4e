//! ControllerRevisions of a StatefulSet: building the revision of the current
//! template, finding equal ones (rollback renumbering), collision handling and
//! history truncation. Mirrors pkg/controller/history/controller_history.go
//! and the revision parts of pkg/controller/statefulset/stateful_set_utils.go
//! and stateful_set_control.go (`getStatefulSetRevisions`, `truncateHistory`).

use std::collections::BTreeSet;

use std::sync::Arc;

use ordinal_model::Value;

use crate::limits;
use crate::resources;
use crate::rng::SAFE_ALPHABET;
use crate::sim::Sim;
use ordinal_model::json::to_compact;

/// Label on a ControllerRevision holding its hash.
pub const HASH_LABEL: &str = "controller.kubernetes.io/hash";

/// FNV-1 (not 1a) 32-bit, as Go's `hash/fnv.New32`.
pub fn fnv1_32(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h = h.wrapping_mul(0x0100_0193);
        h ^= u32::from(*b);
    }
    h
}

/// `rand.SafeEncodeString`: each byte mapped into [`SAFE_ALPHABET`].
pub fn safe_encode(text: &str) -> String {
    text.bytes()
        .map(|b| SAFE_ALPHABET[b as usize % SAFE_ALPHABET.len()] as char)
        .collect()
}

/// `HashControllerRevision`: FNV-1 over the data bytes plus the decimal collision count.
pub fn revision_hash(data: &str, collision_count: i64) -> String {
    let mut bytes = data.as_bytes().to_vec();
    bytes.extend_from_slice(collision_count.to_string().as_bytes());
    safe_encode(&fnv1_32(&bytes).to_string())
}

/// `ControllerRevisionName`: `<prefix>-<hash>`, the prefix cut to 223 bytes.
pub fn revision_name(prefix: &str, hash: &str) -> String {
    let cut: String = prefix.chars().take(223).collect();
    format!("{cut}-{hash}")
}

/// The revision `data` of a set (`getPatch`): `{"spec":{"template":{...,"$patch":"replace"}}}`.
pub fn revision_data(set: &Value) -> Value {
    let mut template = set
        .at(&["spec", "template"])
        .cloned()
        .unwrap_or_else(Value::object);
    template.set(&["$patch"], Value::from("replace"));
    Value::from([("spec", Value::from([("template", template)]))])
}

/// The pod template stored in a revision's data.
pub fn template_of(revision: &Value) -> Value {
    let mut t = revision
        .at(&["data", "spec", "template"])
        .cloned()
        .unwrap_or_else(Value::object);
    t.remove(&["$patch"]);
    t
}

/// The revision number of a ControllerRevision.
pub fn number_of(revision: &Value) -> i64 {
    revision.i64_at(&["revision"]).unwrap_or(0)
}

/// Result of resolving a set's revisions for one sync.
#[derive(Debug, Clone)]
pub(crate) struct Revisions {
    pub current: Value,
    pub update: Value,
    pub collision_count: i64,
}

impl Sim {
    /// The ControllerRevisions owned by `set`, sorted by revision number, then name.
    pub(crate) fn revisions_of(&self, set: &Value) -> Vec<Value> {
        let uid = set.str_at(&["metadata", "uid"]);
        let mut revs: Vec<Value> = self
            .store
            .owned("controllerrevisions", uid)
            .into_iter()
            .cloned()
            .collect();
        ordinal_model::order::sort_by(&mut revs, |a, b| {
            (number_of(a), a.str_at(&["metadata", "name"]))
                .cmp(&(number_of(b), b.str_at(&["metadata", "name"])))
        });
        revs
    }

    /// `getStatefulSetRevisions`: find or create the update revision.
    pub(crate) fn resolve_revisions(
        &mut self,
        set: &Value,
        revisions: &[Value],
    ) -> Result<Revisions, String> {
        let mut collision_count = set.i64_at(&["status", "collisionCount"]).unwrap_or(0);
        let next = revisions.last().map_or(1, |r| number_of(r) + 1);
        let data = revision_data(set);
        let equal: Vec<&Value> = revisions
            .iter()
            .filter(|r| r.get("data") == Some(&data))
            .collect();
        let update = if let Some(last_equal) = equal.last() {
            let is_newest = revisions.last().map(|r| r.str_at(&["metadata", "name"]))
                == Some(last_equal.str_at(&["metadata", "name"]));
            if is_newest {
                (*last_equal).clone()
            } else {
                let mut bumped = (*last_equal).clone();
                bumped.set(&["revision"], Value::Int(next));
                self.write_status("controllerrevisions", bumped.clone())
                    .map(Arc::unwrap_or_clone)
                    .ok_or_else(|| "revision vanished".to_string())?
            }
        } else {
            let text = to_compact(&data);
            let set_name = set.str_at(&["metadata", "name"]);
            let ns = set.str_at(&["metadata", "namespace"]).to_string();
            let info =
                resources::by_plural("controllerrevisions").ok_or("no controllerrevisions")?;
            loop {
                let hash = revision_hash(&text, collision_count);
                let name = revision_name(set_name, &hash);
                if let Some(existing) = self.store.get("controllerrevisions", &ns, &name) {
                    if existing.get("data") == Some(&data) {
                        break existing.clone();
                    }
                    collision_count += 1;
                    if collision_count > 1_000 {
                        return Err("too many revision hash collisions".into());
                    }
                    continue;
                }
                let mut labels = set
                    .at(&["spec", "template", "metadata", "labels"])
                    .cloned()
                    .unwrap_or_else(Value::object);
                labels.set(&[HASH_LABEL], Value::from(hash.as_str()));
                let rev = Value::from([
                    ("apiVersion", Value::from("apps/v1")),
                    ("kind", Value::from("ControllerRevision")),
                    (
                        "metadata",
                        Value::from([
                            ("name", Value::from(name.as_str())),
                            ("namespace", Value::from(ns.as_str())),
                            ("labels", labels),
                            (
                                "ownerReferences",
                                Value::from(vec![super::statefulset::utils::controller_owner_ref(
                                    set,
                                )]),
                            ),
                        ]),
                    ),
                    ("data", data.clone()),
                    ("revision", Value::Int(next)),
                ]);
                break self
                    .create_object(info, &ns, rev, false)
                    .map_err(|e| e.message)?;
            }
        };
        let current_name = set.str_at(&["status", "currentRevision"]);
        let current = revisions
            .iter()
            .find(|r| r.str_at(&["metadata", "name"]) == current_name)
            .cloned()
            .unwrap_or_else(|| update.clone());
        Ok(Revisions {
            current,
            update,
            collision_count,
        })
    }

    /// `truncateHistory`: deletes the oldest revisions no pod, current or
    /// update revision uses, beyond `revisionHistoryLimit`.
    pub(crate) fn truncate_history(
        &mut self,
        set: &Value,
        pod_revisions: &[String],
        current: &str,
        update: &str,
    ) {
        let limit = set
            .i64_at(&["spec", "revisionHistoryLimit"])
            .unwrap_or(10)
            .clamp(0, limits::MAX_REVISION_HISTORY) as usize;
        let mut live: BTreeSet<&str> = pod_revisions.iter().map(String::as_str).collect();
        live.insert(current);
        live.insert(update);
        let history: Vec<(String, String)> = self
            .revisions_of(set)
            .iter()
            .filter(|r| !live.contains(r.str_at(&["metadata", "name"])))
            .map(|r| {
                (
                    r.str_at(&["metadata", "namespace"]).to_string(),
                    r.str_at(&["metadata", "name"]).to_string(),
                )
            })
            .collect();
        if history.len() <= limit {
            return;
        }
        let Some(info) = resources::by_plural("controllerrevisions") else {
            return;
        };
        for (ns, name) in &history[..history.len() - limit] {
            self.erase(info, ns, name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1_matches_go_hash_fnv_new32() {
        assert_eq!(fnv1_32(b""), 0x811c_9dc5);
        assert_eq!(fnv1_32(b"a"), 0x050c_5d7e);
    }

    #[test]
    fn hashes_use_only_encoded_digits() {
        let h = revision_hash("{\"spec\":{}}", 0);
        assert!(h.len() <= 10 && !h.is_empty());
        assert!(h.chars().all(|c| "456789bcdf".contains(c)), "{h}");
        assert_ne!(h, revision_hash("{\"spec\":{}}", 1));
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
    }
}
