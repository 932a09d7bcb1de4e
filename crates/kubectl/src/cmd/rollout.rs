//! `kubectl rollout status|history|undo|restart|pause|resume` for
//! StatefulSets and Deployments. Messages from kubectl
//! pkg/polymorphichelpers/{rollout_status,history,rollback,objectrestarter}.go.

use ordinal_core::controller::deployment;
use ordinal_core::PatchType;
use ordinal_model::kinds::ResourceInfo;
use ordinal_model::Value;

use super::flags::{self, value, FlagSpec};
use super::{api_error, client_error, flag_error, kind_slash_name, namespace_of, resolve, watch};
use crate::shell::Session;
use crate::tabwriter::{Config, TabWriter};
use crate::transcript::CommandOutput;

pub(super) const SPECS: &[FlagSpec] = &[
    value("watch", Some('w')),
    value("timeout", None),
    value("revision", None),
    value("to-revision", None),
    value("output", Some('o')),
];

/// The annotation `CHANGE-CAUSE` shows.
const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// history.go's tabwriter: minwidth 0, tabwidth 8, padding 2.
const HISTORY: Config = Config {
    min_width: 0,
    padding: 2,
    remember_widths: false,
};

/// The rollout status line of a StatefulSet: (message, done) or an error text.
pub fn statefulset_status(sts: &Value) -> Result<(String, bool), String> {
    if sts.str_at(&["spec", "updateStrategy", "type"]) != "RollingUpdate" {
        return Err("rollout status is only available for RollingUpdate strategy type".to_string());
    }
    let observed = sts.i64_at(&["status", "observedGeneration"]).unwrap_or(0);
    let generation = sts.i64_at(&["metadata", "generation"]).unwrap_or(0);
    if observed == 0 || generation > observed {
        return Ok((
            "Waiting for statefulset spec update to be observed...".to_string(),
            false,
        ));
    }
    let replicas = sts.i64_at(&["spec", "replicas"]).unwrap_or(1);
    let ready = sts.i64_at(&["status", "readyReplicas"]).unwrap_or(0);
    if ready < replicas {
        return Ok((
            format!("Waiting for {} pods to be ready...", replicas - ready),
            false,
        ));
    }
    let updated = sts.i64_at(&["status", "updatedReplicas"]).unwrap_or(0);
    if let Some(rolling) = sts
        .at(&["spec", "updateStrategy", "rollingUpdate"])
        .filter(|r| !r.is_null())
    {
        if let Some(partition) = rolling.i64_at(&["partition"]) {
            if updated < replicas - partition {
                return Ok((
                    format!(
                        "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...",
                        replicas - partition
                    ),
                    false,
                ));
            }
        }
        return Ok((
            format!("partitioned roll out complete: {updated} new pods have been updated..."),
            true,
        ));
    }
    let update_revision = sts.str_at(&["status", "updateRevision"]);
    if update_revision != sts.str_at(&["status", "currentRevision"]) {
        return Ok((
            format!("waiting for statefulset rolling update to complete {updated} pods at revision {update_revision}..."),
            false,
        ));
    }
    Ok((
        format!(
            "statefulset rolling update complete {} pods at revision {}...",
            sts.i64_at(&["status", "currentReplicas"]).unwrap_or(0),
            sts.str_at(&["status", "currentRevision"])
        ),
        true,
    ))
}

/// The rollout status line of a Deployment.
pub fn deployment_status(d: &Value) -> Result<(String, bool), String> {
    let name = d.str_at(&["metadata", "name"]);
    let generation = d.i64_at(&["metadata", "generation"]).unwrap_or(0);
    let observed = d.i64_at(&["status", "observedGeneration"]).unwrap_or(0);
    if generation > observed {
        return Ok((
            "Waiting for deployment spec update to be observed...".to_string(),
            false,
        ));
    }
    let deadline = d.array_at(&["status", "conditions"]).iter().any(|c| {
        c.str_at(&["type"]) == "Progressing" && c.str_at(&["reason"]) == "ProgressDeadlineExceeded"
    });
    if deadline {
        return Err(format!(
            "deployment {name:?} exceeded its progress deadline"
        ));
    }
    let replicas = d.i64_at(&["spec", "replicas"]).unwrap_or(1);
    let updated = d.i64_at(&["status", "updatedReplicas"]).unwrap_or(0);
    let total = d.i64_at(&["status", "replicas"]).unwrap_or(0);
    let available = d.i64_at(&["status", "availableReplicas"]).unwrap_or(0);
    let waiting = |m: String| {
        Ok((
            format!("Waiting for deployment {name:?} rollout to finish: {m}"),
            false,
        ))
    };
    if updated < replicas {
        return waiting(format!(
            "{updated} out of {replicas} new replicas have been updated..."
        ));
    }
    if total > updated {
        return waiting(format!(
            "{} old replicas are pending termination...",
            total - updated
        ));
    }
    if available < updated {
        return waiting(format!(
            "{available} of {updated} updated replicas are available..."
        ));
    }
    Ok((format!("deployment {name:?} successfully rolled out"), true))
}

fn status_of(info: &ResourceInfo, obj: &Value) -> Result<(String, bool), String> {
    match info.kind {
        "StatefulSet" => statefulset_status(obj),
        "Deployment" => deployment_status(obj),
        _ => Err(format!(
            "no status viewer has been implemented for {}",
            info.kind
        )),
    }
}

/// Runs `kubectl rollout SUBCOMMAND`.
#[inline(never)]
pub fn run(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, SPECS) {
        Ok(p) => p,
        Err(e) => {
            // cobra names the subcommand whose flags were wrong.
            let command = match args
                .iter()
                .find(|a| !a.starts_with('-'))
                .map(String::as_str)
            {
                Some(sub @ ("history" | "pause" | "restart" | "resume" | "status" | "undo")) => {
                    format!("rollout {sub}")
                }
                _ => "rollout".to_string(),
            };
            return flag_error(&command, &e, out);
        }
    };
    let Some(sub) = parsed.args.first().cloned() else {
        return client_error("Required resource not specified.", out);
    };
    let rest = &parsed.args[1..];
    let (info, name) = match rest.first().and_then(|a| a.split_once('/')) {
        Some((kind, name)) => match resolve(kind, out) {
            Some(i) => (i, name.to_string()),
            None => return,
        },
        None => match (rest.first(), rest.get(1)) {
            (Some(kind), Some(name)) => match resolve(kind, out) {
                Some(i) => (i, name.clone()),
                None => return,
            },
            _ => return client_error("Required resource not specified.", out),
        },
    };
    let ns = namespace_of(&parsed);
    let obj = match session.sim.get(info.plural, &ns, &name) {
        Ok(o) => o,
        Err(e) => return api_error(&e, out),
    };
    let has_history = matches!(info.kind, "StatefulSet" | "Deployment");
    match sub.as_str() {
        "status" => status(session, info, &ns, &name, &parsed, out),
        "history" | "undo" if !has_history => client_error(
            &format!(
                "no {} has been implemented for {:?}",
                if sub == "history" {
                    "history viewer"
                } else {
                    "rollbacker"
                },
                info.qualified_kind()
            ),
            out,
        ),
        "history" => history(session, info, &obj, &parsed, out),
        "undo" => undo(session, info, &obj, &parsed, out),
        "restart" if !has_history => client_error(
            &format!(
                "{} \"{name}\" restarting is not supported",
                info.qualified_plural()
            ),
            out,
        ),
        "restart" => {
            let stamp = ordinal_core::clock::rfc3339(session.sim.now());
            let restarted_at = obj.str_at(&[
                "spec",
                "template",
                "metadata",
                "annotations",
                "kubectl.kubernetes.io/restartedAt",
            ]);
            if restarted_at == stamp {
                return client_error(&format!("failed to create patch for {name}: if restart has already been triggered within the past second, please wait before attempting to trigger another"), out);
            }
            let patch = Value::from([(
                "spec",
                Value::from([(
                    "template",
                    Value::from([(
                        "metadata",
                        Value::from([(
                            "annotations",
                            Value::from([(
                                "kubectl.kubernetes.io/restartedAt",
                                Value::from(stamp),
                            )]),
                        )]),
                    )]),
                )]),
            )]);
            match session
                .sim
                .patch(info.plural, &ns, &name, &patch, PatchType::Strategic)
            {
                Ok(_) => out.outln(&format!("{} restarted", kind_slash_name(info, &name))),
                Err(e) => api_error(&e, out),
            }
        }
        "pause" | "resume" if info.kind == "Deployment" => {
            // objectpauser.go / objectresumer.go: the patch is {"spec":{"paused":true}}
            // or removes the field; no change is an error.
            let pause = sub == "pause";
            let paused = obj.at(&["spec", "paused"]).and_then(Value::as_bool) == Some(true);
            if pause == paused {
                let why = if pause {
                    "is already paused"
                } else {
                    "is not paused"
                };
                return client_error(
                    &format!("{} \"{name}\" {why}", info.qualified_plural()),
                    out,
                );
            }
            let value = if pause {
                Value::Bool(true)
            } else {
                Value::Null
            };
            let patch = Value::from([("spec", Value::from([("paused", value)]))]);
            match session
                .sim
                .patch(info.plural, &ns, &name, &patch, PatchType::Merge)
            {
                Ok(_) => out.outln(&format!(
                    "{} {}",
                    kind_slash_name(info, &name),
                    if pause { "paused" } else { "resumed" }
                )),
                Err(e) => api_error(&e, out),
            }
        }
        "pause" | "resume" => client_error(
            &format!(
                "{} \"{name}\" {}",
                info.qualified_plural(),
                if sub == "pause" {
                    "pausing is not supported"
                } else {
                    "resuming is not supported"
                }
            ),
            out,
        ),
        other => client_error(
            &format!("unknown command \"{other}\" for \"kubectl rollout\""),
            out,
        ),
    }
}

fn status(
    session: &mut Session,
    info: &'static ResourceInfo,
    ns: &str,
    name: &str,
    parsed: &flags::Parsed,
    out: &mut CommandOutput,
) {
    let watch_enabled = parsed.get("watch") != Some("false");
    let watch_id = session.sim.watch(info.plural, Some(ns), "", "").ok();
    let started = session.sim.now();
    let mut current = session.sim.get(info.plural, ns, name).ok();
    loop {
        let Some(obj) = &current else {
            client_error("object has been deleted", out);
            break;
        };
        match status_of(info, obj) {
            Err(e) => {
                client_error(&e, out);
                break;
            }
            Ok((message, done)) => {
                out.outln(&message);
                if done || !watch_enabled {
                    break;
                }
            }
        }
        let mut changed = false;
        while !changed {
            if !watch::step(session, started) {
                break;
            }
            if let Some(id) = watch_id {
                for event in session.sim.take_watch_events(id) {
                    if event.object.str_at(&["metadata", "name"]) == name {
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
        current = session.sim.get(info.plural, ns, name).ok();
    }
    if let Some(id) = watch_id {
        session.sim.unwatch(id);
    }
}

/// The revisions of a StatefulSet (its ControllerRevisions) or of a
/// Deployment (its ReplicaSets, as `DeploymentHistoryViewer` reads them:
/// revision annotation, change-cause from the ReplicaSet's annotations),
/// sorted by revision number.
fn revisions(session: &Session, owner: &Value) -> Vec<Value> {
    let uid = owner.str_at(&["metadata", "uid"]);
    let ns = owner.str_at(&["metadata", "namespace"]);
    let is_deployment = owner.str_at(&["kind"]) == "Deployment";
    let resource = if is_deployment {
        "replicasets"
    } else {
        "controllerrevisions"
    };
    let mut revs: Vec<Value> = session
        .sim
        .list(resource, Some(ns), "", "")
        .unwrap_or_default()
        .into_iter()
        .filter(|r| {
            r.array_at(&["metadata", "ownerReferences"])
                .iter()
                .any(|o| o.str_at(&["uid"]) == uid)
        })
        .filter_map(|r| {
            if !is_deployment {
                return Some(r);
            }
            let revision = deployment::revision_of(&r)?;
            let mut template = r.at(&["spec", "template"]).cloned().unwrap_or_default();
            let cause = r.str_at(&["metadata", "annotations", CHANGE_CAUSE]);
            if !cause.is_empty() {
                template.set(
                    &["metadata", "annotations", CHANGE_CAUSE],
                    Value::from(cause),
                );
            }
            let mut rev = Value::object();
            rev.set(&["revision"], Value::Int(revision));
            rev.set(&["data", "spec", "template"], template);
            rev.set(
                &["metadata", "annotations"],
                r.at(&["metadata", "annotations"])
                    .cloned()
                    .unwrap_or_default(),
            );
            Some(rev)
        })
        .collect();
    ordinal_model::order::sort_by_key(&mut revs, |r| r.i64_at(&["revision"]).unwrap_or(0));
    revs
}

fn history(
    session: &Session,
    info: &ResourceInfo,
    obj: &Value,
    parsed: &flags::Parsed,
    out: &mut CommandOutput,
) {
    let name = obj.str_at(&["metadata", "name"]);
    let revs = revisions(session, obj);
    if let Some(wanted) = parsed.get("revision").and_then(|r| r.parse::<i64>().ok()) {
        if !revs.iter().any(|r| r.i64_at(&["revision"]) == Some(wanted)) {
            return client_error("unable to find the specified revision", out);
        }
        out.outln(&format!(
            "{} with revision #{wanted}",
            kind_slash_name(info, name)
        ));
        if let Some(template) = revs
            .iter()
            .find(|r| r.i64_at(&["revision"]) == Some(wanted))
            .and_then(|r| r.at(&["data", "spec", "template"]))
        {
            out.out(&crate::describe::pod_template_raw(template));
        }
        out.out("\n");
        return;
    }
    out.outln(&format!("{} ", kind_slash_name(info, name)));
    if revs.is_empty() {
        out.outln("No rollout history found.");
        return;
    }
    let mut text = String::from("REVISION\tCHANGE-CAUSE\n");
    for r in &revs {
        let cause = match r.str_at(&["metadata", "annotations", CHANGE_CAUSE]) {
            "" => "<none>",
            c => c,
        };
        text.push_str(&format!(
            "{}\t{cause}\n",
            r.i64_at(&["revision"]).unwrap_or(0)
        ));
    }
    let formatted = TabWriter::new(HISTORY).format(&text);
    out.out(&formatted);
    out.out("\n");
}

fn undo(
    session: &mut Session,
    info: &'static ResourceInfo,
    obj: &Value,
    parsed: &flags::Parsed,
    out: &mut CommandOutput,
) {
    let name = obj.str_at(&["metadata", "name"]).to_string();
    let ns = obj.str_at(&["metadata", "namespace"]).to_string();
    // The real kubectl warns before it looks the revision up (seen with v1.36.3).
    if obj
        .at(&["metadata", "annotations", super::apply::LAST_APPLIED])
        .is_some()
    {
        out.errln(&format!("Warning: resource {}/{name} was previously managed with 'kubectl apply'. Rolling back will not update the kubectl.kubernetes.io/last-applied-configuration annotation, which may cause unexpected behavior on future 'kubectl apply' operations. Consider using 'kubectl apply' with your previous configuration file instead.", info.plural));
    }
    let to_revision = parsed
        .get("to-revision")
        .and_then(|r| r.parse::<i64>().ok())
        .unwrap_or(0);
    if info.kind == "Deployment" {
        return undo_deployment(session, info, obj, to_revision, out);
    }
    let revs = revisions(session, obj);
    let chosen = if to_revision > 0 {
        let found = revs
            .iter()
            .find(|r| r.i64_at(&["revision"]) == Some(to_revision));
        match revision_or_error(found, to_revision, out) {
            Some(r) => r,
            None => return,
        }
    } else {
        if revs.len() < 2 {
            return client_error("no last revision to roll back to", out);
        }
        revs[revs.len() - 2].clone()
    };
    let Some(template) = chosen.at(&["data", "spec", "template"]).cloned() else {
        return client_error("no last revision to roll back to", out);
    };
    let mut wanted = template.clone();
    wanted.remove(&["$patch"]);
    if obj.at(&["spec", "template"]) == Some(&wanted) {
        out.outln(&format!(
            "{} skipped rollback (current template already matches revision {to_revision})",
            kind_slash_name(info, &name)
        ));
        return;
    }
    let mut replacement = obj.clone();
    replacement.set(&["spec", "template"], wanted);
    replacement.set(&["metadata", "resourceVersion"], Value::from(""));
    match session.sim.update(info.plural, &ns, replacement) {
        Ok(_) => out.outln(&format!("{} rolled back", kind_slash_name(info, &name))),
        Err(e) => api_error(&e, out),
    }
}

/// `DeploymentRollbacker.Rollback`: restores the template (without the
/// pod-template-hash label) and annotations of the ReplicaSet of a revision.
fn undo_deployment(
    session: &mut Session,
    info: &'static ResourceInfo,
    obj: &Value,
    to_revision: i64,
    out: &mut CommandOutput,
) {
    let name = obj.str_at(&["metadata", "name"]).to_string();
    let ns = obj.str_at(&["metadata", "namespace"]).to_string();
    if to_revision < 0 {
        return client_error(
            &format!("unable to find specified revision {to_revision} in history"),
            out,
        );
    }
    if obj.at(&["spec", "paused"]).and_then(Value::as_bool) == Some(true) {
        return client_error("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again", out);
    }
    let uid = obj.str_at(&["metadata", "uid"]);
    let sets: Vec<Value> = session
        .sim
        .list("replicasets", Some(&ns), "", "")
        .unwrap_or_default()
        .into_iter()
        .filter(|r| {
            r.array_at(&["metadata", "ownerReferences"])
                .iter()
                .any(|o| {
                    o.str_at(&["uid"]) == uid
                        && o.at(&["controller"]).and_then(Value::as_bool) == Some(true)
                })
        })
        .collect();
    let chosen = if to_revision > 0 {
        let found = sets
            .iter()
            .find(|r| deployment::revision_of(r) == Some(to_revision));
        match revision_or_error(found, to_revision, out) {
            Some(r) => r,
            None => return,
        }
    } else {
        let mut numbered: Vec<(i64, &Value)> = sets
            .iter()
            .filter_map(|r| deployment::revision_of(r).map(|n| (n, r)))
            .collect();
        ordinal_model::order::sort_by_key(&mut numbered, |(n, _)| *n);
        match numbered.len().checked_sub(2).and_then(|i| numbered.get(i)) {
            Some((_, r)) => (*r).clone(),
            None => {
                return client_error(
                    &format!("no rollout history found for deployment {name:?}"),
                    out,
                )
            }
        }
    };
    if deployment::equal_ignore_hash(
        chosen.at(&["spec", "template"]),
        obj.at(&["spec", "template"]),
    ) {
        out.outln(&format!(
            "{} skipped rollback (current template already matches revision {to_revision})",
            kind_slash_name(info, &name)
        ));
        return;
    }
    let mut template = chosen
        .at(&["spec", "template"])
        .cloned()
        .unwrap_or_default();
    template.remove(&["metadata", "labels", deployment::HASH_LABEL]);
    let mut annotations = Value::object();
    for key in deployment::SKIPPED_ANNOTATIONS {
        if let Some(v) = obj.at(&["metadata", "annotations", key]) {
            annotations.set(&[key], v.clone());
        }
    }
    if let Some(from_rs) = chosen
        .at(&["metadata", "annotations"])
        .and_then(Value::as_object)
    {
        for (k, v) in from_rs {
            if !deployment::SKIPPED_ANNOTATIONS.contains(&k.as_str()) {
                annotations.set(&[k.as_str()], v.clone());
            }
        }
    }
    let mut replacement = obj.clone();
    replacement.set(&["spec", "template"], template);
    replacement.set(&["metadata", "annotations"], annotations);
    match session.sim.update(info.plural, &ns, replacement) {
        Ok(_) => out.outln(&format!("{} rolled back", kind_slash_name(info, &name))),
        Err(e) => api_error(&e, out),
    }
}

/// The revision `rollout undo --to-revision` asked for, or kubectl's error.
fn revision_or_error(
    found: Option<&Value>,
    to_revision: i64,
    out: &mut CommandOutput,
) -> Option<Value> {
    if found.is_none() {
        client_error(
            &format!("unable to find specified revision {to_revision} in history"),
            out,
        );
    }
    found.cloned()
}
