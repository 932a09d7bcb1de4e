//! Commands that need a terminal or a byte stream, answered as far as a
//! simulated terminal can: `kubectl attach` prints kubectl's attach lines and
//! the container's (empty) new output (pkg/cmd/attach/attach.go), `kubectl
//! cp` copies files between the virtual working directory and the pod's
//! filesystem as `tar` in the container would (pkg/cmd/cp/cp.go).

use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec};
use super::{api_error, client_error, flag_error, namespace_of};
use crate::podshell;
use crate::shell::Session;
use crate::transcript::CommandOutput;

const ATTACH_SPECS: &[FlagSpec] = &[
    switch("stdin", Some('i')),
    switch("tty", Some('t')),
    value("container", Some('c')),
    switch("quiet", Some('q')),
];

/// `kubectl attach POD`: the containers here write nothing after they start,
/// so the stream stays empty until it is interrupted.
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
}

/// `NAMESPACE/POD:PATH` or `POD:PATH` → (namespace, pod, path).
fn remote(spec: &str, default_ns: &str) -> Option<(String, String, String)> {
    let (pod, path) = spec.split_once(':')?;
    let (ns, pod) = pod.split_once('/').unwrap_or((default_ns, pod));
    Some((ns.to_string(), pod.to_string(), path.to_string()))
}

/// `kubectl cp SRC DEST` between the working directory and a pod.
pub fn cp(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let specs = [value("container", Some('c')), switch("no-preserve", None)];
    let parsed = match flags::parse(args, &specs) {
        Ok(p) => p,
        Err(e) => return flag_error("cp", &e, out),
    };
    let [src, dest] = parsed.args.as_slice() else {
        out.errln("error: source and destination are required");
        out.exit_code = 1;
        return;
    };
    let ns = namespace_of(&parsed);
    match (remote(src, &ns), remote(dest, &ns)) {
        (Some((ns, pod_name, path)), None) => {
            let pod = match session.sim.get("pods", &ns, &pod_name) {
                Ok(p) => p,
                Err(e) => return api_error(&e, out),
            };
            let busybox = podshell::is_busybox_like(session, &pod);
            if path.starts_with('/') {
                out.errln(if busybox {
                    "tar: removing leading '/' from member names"
                } else {
                    "tar: Removing leading `/' from member names"
                });
            }
            match podshell::read_file(session, &pod, &path) {
                Some(text) if session.files.len() < crate::shell::MAX_FILES => {
                    session.files.insert(dest.clone(), text);
                }
                Some(_) => client_error("too many files in the working directory", out),
                None => {
                    if busybox {
                        out.errln(&format!("tar: {path}: No such file or directory"));
                    } else {
                        out.errln(&format!(
                            "tar: {path}: Cannot stat: No such file or directory"
                        ));
                        out.errln("tar: Exiting with failure status due to previous errors");
                    }
                    out.exit_code = 1;
                }
            }
        }
        (None, Some((ns, pod_name, path))) => {
            let Some(text) = session.files.get(src).cloned() else {
                return client_error(&format!("{src} doesn't exist in local filesystem"), out);
            };
            let pod = match session.sim.get("pods", &ns, &pod_name) {
                Ok(p) => p,
                Err(e) => return api_error(&e, out),
            };
            podshell::put_file(session, &pod, &path, &text);
        }
        (Some(_), Some(_)) => {
            client_error("one of src or dest must be a local file specification", out)
        }
        (None, None) => client_error(
            "one of src or dest must be a remote file specification",
            out,
        ),
    }
}
