//! `kubectl diff -f FILE` (kubectl pkg/cmd/diff/diff.go): each object as it
//! is (LIVE) and as the server's dry-run `apply` returns it (MERGED: applied
//! on a copy of the cluster, status and resourceVersion as they were; new
//! objects as a dry-run create stores them), written as YAML to `/tmp/LIVE-N/<group.>version.Kind.ns.name`
//! and `/tmp/MERGED-N/...` and compared with `diff -u -N` (GNU diffutils'
//! unified format); exit status 1 when something differs.

use ordinal_core::clock;
use ordinal_model::Value;

use super::apply::{self, Mode};
use super::flags::{self, value, FlagSpec};
use super::{client_error, flag_error, namespace_of};
use crate::shell::Session;
use crate::transcript::{align, CommandOutput};

pub(super) const SPECS: &[FlagSpec] = &[value("filename", Some('f')), value("server-side", None)];

/// `<group>.<version>.<Kind>.<namespace>.<name>`.
fn file_name(obj: &Value, namespace: &str) -> String {
    let api_version = obj.str_at(&["apiVersion"]);
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let group = if group.is_empty() {
        String::new()
    } else {
        format!("{group}.")
    };
    format!(
        "{group}{version}.{}.{namespace}.{}",
        obj.str_at(&["kind"]),
        obj.str_at(&["metadata", "name"])
    )
}

/// An object as kubectl diff writes it (no managedFields), or nothing.
fn as_yaml(obj: Option<&Value>) -> Vec<String> {
    let Some(obj) = obj else {
        return Vec::new();
    };
    let mut shown = obj.clone();
    shown.remove(&["metadata", "managedFields"]);
    ordinal_model::yaml::to_yaml(&shown)
        .lines()
        .map(str::to_string)
        .collect()
}

/// GNU `diff` hunk range: `start,count`, `start` alone for one line, the line before for none.
fn range(start: usize, count: usize) -> String {
    match count {
        0 => format!("{},0", start),
        1 => format!("{}", start + 1),
        n => format!("{},{n}", start + 1),
    }
}

/// The hunks of `diff -u` between two texts (empty when they are equal).
fn hunks(old: &[String], new: &[String]) -> String {
    use crate::transcript::Op;
    let ops = align(old, new).ops;
    let count = |slice: &[Op], old_side: bool| {
        slice
            .iter()
            .filter(|op| match op {
                Op::Missing(_) => old_side,
                Op::Extra(_) => !old_side,
                _ => true,
            })
            .count()
    };
    let mut out = String::new();
    for range in crate::transcript::hunk_ranges(&ops) {
        let (before, body) = (&ops[..range.start], &ops[range]);
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            self::range(count(before, true), count(body, true)),
            self::range(count(before, false), count(body, false))
        ));
        for op in body {
            match *op {
                Op::Same(i, _) | Op::Elided(i, _) => out.push_str(&format!(" {}\n", old[i])),
                Op::Missing(i) => out.push_str(&format!("-{}\n", old[i])),
                Op::Extra(j) => out.push_str(&format!("+{}\n", new[j])),
            }
        }
    }
    out
}

/// `2026-01-01 00:00:00.000000000 +0000`, diff's file time.
fn diff_time(ms: u64) -> String {
    let stamp = clock::rfc3339(ms);
    format!(
        "{} {}.{:03}000000 +0000",
        &stamp[..10],
        &stamp[11..19],
        ms % 1000
    )
}

/// `kubectl diff -f FILE`.
#[inline(never)]
pub fn diff(session: &mut Session, args: &[String], stdin: Option<&str>, out: &mut CommandOutput) {
    let parsed = match flags::parse(args, SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("diff", &e, out),
    };
    let Some(file) = parsed.get("filename").map(str::to_string) else {
        return client_error("must specify one of -f and -k", out);
    };
    let Some(docs) = apply::read_manifests(session, &file, stdin, out) else {
        return;
    };
    let mut scratch = session.clone();
    let mut applied = CommandOutput::default();
    apply::run(
        &mut scratch,
        &["-f".to_string(), file.clone()],
        stdin,
        Mode::Apply,
        &mut applied,
    );
    if applied.exit_code != 0 {
        out.err(&applied.stderr());
        out.exit_code = 1;
        return;
    }
    let now = session.sim.now();
    let live_dir = format!("/tmp/LIVE-{}", 1_000_000_000 + now % 3_000_000_000);
    let merged_dir = format!("/tmp/MERGED-{}", 1_000_000_000 + (now / 7) % 3_000_000_000);
    let default_ns = namespace_of(&parsed);
    let mut files: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for doc in &docs {
        let Some(info) =
            ordinal_model::kinds::by_kind(doc.str_at(&["apiVersion"]), doc.str_at(&["kind"]))
        else {
            continue;
        };
        let ns = match (info.namespaced, doc.str_at(&["metadata", "namespace"])) {
            (false, _) => String::new(),
            (true, "") => default_ns.clone(),
            (true, n) => n.to_string(),
        };
        let name = doc.str_at(&["metadata", "name"]);
        let live_obj = session.sim.object(info.plural, &ns, name);
        let merged_obj = match live_obj {
            // A dry-run update: the stored object changes; status, resourceVersion and
            // the last-applied annotation do not (diff.go patches with annotate=false).
            Some(live) => scratch.sim.object(info.plural, &ns, name).map(|m| {
                let mut m = m.clone();
                let annotation = [
                    "metadata",
                    "annotations",
                    ordinal_model::apply::LAST_APPLIED,
                ];
                match live.at(&annotation) {
                    Some(kept) => m.set(&annotation, kept.clone()),
                    None => {
                        m.remove(&annotation);
                    }
                }
                m.set(
                    &["metadata", "resourceVersion"],
                    Value::from(live.str_at(&["metadata", "resourceVersion"])),
                );
                match live.get("status") {
                    Some(status) => m.set(&["status"], status.clone()),
                    None => {
                        m.remove(&["status"]);
                    }
                }
                m
            }),
            // A dry-run create of the manifest as written (diff.go `Merged`: no
            // last-applied annotation), as the API server would store it.
            None => {
                let mut manifest = doc.clone();
                if info.namespaced {
                    manifest.set(&["metadata", "namespace"], Value::from(ns.as_str()));
                }
                let mut probe = session.sim.clone();
                probe
                    .create_dry_run(info.plural, &ns, manifest)
                    .ok()
                    .map(|mut m| {
                        m.remove(&["metadata", "resourceVersion"]);
                        m
                    })
            }
        };
        let live = as_yaml(live_obj);
        let merged = as_yaml(merged_obj.as_ref());
        files.push((file_name(doc, &ns), live, merged));
    }
    ordinal_model::order::sort_by_key(&mut files, |(name, _, _)| name.clone());
    let time = diff_time(now);
    for (name, live, merged) in files {
        let body = hunks(&live, &merged);
        if body.is_empty() {
            continue;
        }
        let live_time = if live.is_empty() {
            diff_time(0)
        } else {
            time.clone()
        };
        out.outln(&format!("diff -u -N {live_dir}/{name} {merged_dir}/{name}"));
        out.outln(&format!("--- {live_dir}/{name}\t{live_time}"));
        out.outln(&format!("+++ {merged_dir}/{name}\t{time}"));
        out.out(&body);
        out.exit_code = 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.lines().map(str::to_string).collect()
    }

    #[test]
    fn hunks_use_gnu_diff_ranges() {
        assert_eq!(
            hunks(&lines("a\nb\nc\nd\ne"), &lines("a\nb\nx\nd\ne")),
            "@@ -1,5 +1,5 @@\n a\n b\n-c\n+x\n d\n e\n"
        );
        assert_eq!(hunks(&[], &lines("a")), "@@ -0,0 +1 @@\n+a\n");
        assert_eq!(hunks(&lines("a\nb"), &lines("a\nb")), "");
    }

    #[test]
    fn files_are_named_group_version_kind_namespace_name() {
        let sts = Value::from([
            ("apiVersion", Value::from("apps/v1")),
            ("kind", Value::from("StatefulSet")),
            ("metadata", Value::from([("name", Value::from("web"))])),
        ]);
        assert_eq!(
            file_name(&sts, "default"),
            "apps.v1.StatefulSet.default.web"
        );
    }
}
