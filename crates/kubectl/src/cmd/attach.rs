//! Commands that need a terminal or a byte stream, answered as far as a
//! simulated terminal can: `kubectl attach` prints kubectl's attach lines and
//! what the container writes from then on (pkg/cmd/attach/attach.go), `kubectl
//! cp` copies files between the virtual working directory and the pod's
//! filesystem as `tar` in the container would (pkg/cmd/cp/cp.go).

use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec};
use super::{api_error, client_error, flag_error, namespace_of};
use crate::podshell;
use crate::shell::Session;
use crate::transcript::CommandOutput;

pub(super) const ATTACH_SPECS: &[FlagSpec] = &[
    switch("stdin", Some('i')),
    switch("tty", Some('t')),
    value("container", Some('c')),
    switch("quiet", Some('q')),
];

/// `kubectl attach POD`: what its first container writes from now on, until
/// it stops or the stream is interrupted.
#[inline(never)]
pub fn attach(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, ATTACH_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("attach", &e, out),
    };
    let Some(target) = parsed.args.first() else {
        return client_error(
            "expected POD, TYPE/NAME, or --filename to be specified",
            out,
        );
    };
    let name = target
        .strip_prefix("pod/")
        .or_else(|| target.strip_prefix("pods/"))
        .unwrap_or(target);
    let ns = namespace_of(&parsed);
    let pod = match session.sim.get("pods", &ns, name) {
        Ok(p) => p,
        Err(e) => return api_error(&e, out),
    };
    let phase = pod.str_at(&["status", "phase"]);
    if phase == "Succeeded" || phase == "Failed" {
        return client_error(
            &format!("cannot attach a container in a completed pod; current phase is {phase}"),
            out,
        );
    }
    let container = pod
        .array_at(&["spec", "containers"])
        .first()
        .cloned()
        .unwrap_or_default();
    let has_tty = container.at(&["tty"]).and_then(Value::as_bool) == Some(true);
    if parsed.has("tty") && !has_tty {
        out.errln(&format!(
            "error: Unable to use a TTY - container {} did not allocate one",
            container.str_at(&["name"])
        ));
    }
    if !parsed.has("quiet") {
        out.errln("All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.");
        out.errln("If you don't see a command prompt, try pressing enter.");
    }
    super::LogFollow::from_now(session, &pod).run(session, out);
}

/// `NAMESPACE/POD:PATH` or `POD:PATH` → (namespace, pod, path).
fn remote(spec: &str, default_ns: &str) -> Option<(String, String, String)> {
    let (pod, path) = spec.split_once(':')?;
    let (ns, pod) = pod.split_once('/').unwrap_or((default_ns, pod));
    Some((ns.to_string(), pod.to_string(), path.to_string()))
}

pub(super) const CP_SPECS: &[FlagSpec] =
    &[value("container", Some('c')), switch("no-preserve", None)];

/// `kubectl cp SRC DEST` between the working directory and a pod, files or
/// whole directories (a directory of the working directory is the files
/// whose names start with `DIR/`).
#[inline(never)]
pub fn cp(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, CP_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("cp", &e, out),
    };
    let [src, dest] = parsed.args.as_slice() else {
        out.errln("error: source and destination are required");
        out.exit_code = 1;
        return;
    };
    let ns = namespace_of(&parsed);
    let (from, to) = (remote(src, &ns), remote(dest, &ns));
    let empty = |spec: &Option<(String, String, String)>, text: &str| match spec {
        Some((_, _, path)) => path.is_empty(),
        None => text.is_empty(),
    };
    if from.is_some() && to.is_some() {
        return client_error("one of src or dest must be a local file specification", out);
    }
    if empty(&from, src) || empty(&to, dest) {
        return client_error("filepath can not be empty", out);
    }
    let container = parsed.get("container");
    match (from, to) {
        (Some((ns, pod, path)), None) => {
            copy_from_pod(session, (&ns, &pod, container), &path, dest, out)
        }
        (None, Some((ns, pod, path))) => {
            copy_to_pod(session, src, (&ns, &pod, container), &path, out)
        }
        _ => client_error(
            "one of src or dest must be a remote file specification",
            out,
        ),
    }
}

/// `tar cf - PATH` in the container, unpacked under `dest` with the source
/// path as prefix (`untarAll`): `POD:/data` to `out` gives `out/a.txt`.
fn copy_from_pod(
    session: &mut Session,
    (ns, pod_name, container): (&str, &str, Option<&str>),
    path: &str,
    dest: &str,
    out: &mut CommandOutput,
) {
    let Some((pod, _)) = super::exec::pod_with_container(session, ns, pod_name, container, out)
    else {
        return;
    };
    let busybox = podshell::is_busybox_like(&pod);
    if path.starts_with('/') {
        out.errln(if busybox {
            "tar: removing leading '/' from member names"
        } else {
            "tar: Removing leading `/' from member names"
        });
    }
    let files: Vec<(String, String)> = match podshell::read_file(session, &pod, path) {
        Some(text) => vec![(dest.to_string(), text)],
        None => {
            let prefix = path.trim_end_matches('/');
            let dest = dest.trim_end_matches('/');
            podshell::files_under(session, &pod, path)
                .into_iter()
                .map(|(p, text)| (format!("{dest}{}", &p[prefix.len()..]), text))
                .collect()
        }
    };
    if files.is_empty() {
        if busybox {
            out.errln(&format!("tar: {path}: No such file or directory"));
        } else {
            out.errln(&format!(
                "tar: {path}: Cannot stat: No such file or directory"
            ));
            out.errln("tar: Exiting with failure status due to previous errors");
        }
        out.exit_code = 1;
        return;
    }
    let new = files
        .iter()
        .filter(|(name, _)| !session.files.contains_key(name))
        .count();
    if session.files.len() + new > crate::shell::MAX_FILES {
        return client_error("too many files in the working directory", out);
    }
    session.files.extend(files);
}

/// The local file or directory `src` unpacked in the container (`tar -xmf -
/// -C DIR`); into `PATH/SRC` when `PATH` is a directory there (`test -d`).
fn copy_to_pod(
    session: &mut Session,
    src: &str,
    (ns, pod_name, container): (&str, &str, Option<&str>),
    path: &str,
    out: &mut CommandOutput,
) {
    let given = src;
    let src = src.trim_end_matches('/');
    let prefix = format!("{src}/");
    let files: Vec<(String, String)> = match session.files.get(src) {
        Some(text) => vec![(String::new(), text.clone())],
        None => session
            .files
            .range(prefix.clone()..)
            .take_while(|(name, _)| name.starts_with(&prefix))
            .map(|(name, text)| (name[src.len()..].to_string(), text.clone()))
            .collect(),
    };
    if files.is_empty() {
        return client_error(&format!("{given} doesn't exist in local filesystem"), out);
    }
    let Some((pod, _)) = super::exec::pod_with_container(session, ns, pod_name, container, out)
    else {
        return;
    };
    let mut target = path.trim_end_matches('/').to_string();
    if podshell::is_dir(session, &pod, path) {
        let base = src.rsplit('/').next().unwrap_or(src);
        target = format!("{target}/{base}");
    }
    for (rest, text) in files {
        podshell::put_file(session, &pod, &format!("{target}{rest}"), &text);
    }
}
