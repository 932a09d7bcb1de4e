//! `kubectl edit` (kubectl pkg/cmd/util/editor/editoptions.go). In a plain
//! terminal no editor can start, and kubectl's own error says so. A host
//! that has an editor (the web terminal) drives the same edit in two steps:
//! [`begin`] gives the buffer kubectl would open (its comment header, then
//! the object as YAML), [`finish`] takes the edited text and answers as
//! kubectl does: `statefulset.apps/web edited`, `Edit cancelled, no changes
//! made.`, or the buffer reopened with the server's reasons as `#` lines.
//! Scripts (transcripts) edit with `KUBE_EDITOR="sed -i 's/a/b/'"`.

use ordinal_model::kinds::ResourceInfo;
use ordinal_model::Value;

use super::flags::{self, value, FlagSpec};
use super::{api_error, client_error, flag_error, kind_slash_name, namespace_of, resolve};
use crate::shell::Session;
use crate::transcript::CommandOutput;

/// The editor kubectl falls back to on Linux when neither `KUBE_EDITOR` nor `EDITOR` is set.
const DEFAULT_EDITOR: &str = "vi";

/// The header kubectl writes above the object.
const HEADER: &str =
    "# Please edit the object below. Lines beginning with a '#' will be ignored,\n\
# and an empty file will abort the edit. If an error occurs while saving this file will be\n\
# reopened with the relevant failures.\n\
#\n";

/// An edit in progress: the object as it was when the buffer was opened.
#[derive(Debug, Clone)]
pub struct EditBuffer {
    /// The text to show in the editor.
    pub text: String,
    info: &'static ResourceInfo,
    namespace: String,
    original: Value,
    /// Set when the buffer was reopened after a failed save.
    reopened: bool,
}

/// What saving an edited buffer did.
#[derive(Debug, Clone)]
pub enum EditResult {
    /// Finished: kubectl's output and exit code.
    Done(CommandOutput),
    /// Rejected: what kubectl prints, and the buffer it reopens with the
    /// reasons as `#` lines under the header.
    Reopen(CommandOutput, EditBuffer),
}

pub(super) const EDIT_SPECS: &[FlagSpec] =
    &[value("output", Some('o')), value("filename", Some('f'))];

/// The object `kubectl edit ARGS` would open, or kubectl's error.
pub fn begin(session: &Session, args: &[String]) -> Result<EditBuffer, CommandOutput> {
    let mut out = CommandOutput::default();
    let parsed = match flags::parse(args, EDIT_SPECS) {
        Ok(p) => p,
        Err(e) => {
            flag_error("edit", &e, &mut out);
            return Err(out);
        }
    };
    let Some(first) = parsed.args.first() else {
        client_error(
            "You must provide one or more resources by argument or filename.",
            &mut out,
        );
        return Err(out);
    };
    let (kind, name) = match first.split_once('/') {
        Some((k, n)) => (k.to_string(), Some(n.to_string())),
        None => (first.clone(), parsed.args.get(1).cloned()),
    };
    let Some(info) = resolve(&kind, &mut out) else {
        return Err(out);
    };
    let Some(name) = name else {
        client_error(
            "resource(s) were provided, but no name was specified",
            &mut out,
        );
        return Err(out);
    };
    let namespace = namespace_of(&parsed);
    let original = match session.sim.get(info.plural, &namespace, &name) {
        Ok(obj) => obj,
        Err(e) => {
            api_error(&e, &mut out);
            return Err(out);
        }
    };
    Ok(EditBuffer {
        text: format!("{HEADER}{}", ordinal_model::yaml::to_yaml(&original)),
        info,
        namespace,
        original,
        reopened: false,
    })
}

/// The text without comment lines (`cmdutil.StripComments`).
fn strip_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// kubectl keeps the rejected text in a temporary file and says where.
fn preserved(buffer: &EditBuffer, message: &str) -> EditResult {
    let mut out = CommandOutput::default();
    let seed = buffer.original.str_at(&["metadata", "uid"]);
    let number: u32 = seed
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    out.errln(&format!(
        "A copy of your changes has been stored to \"/tmp/kubectl-edit-{}.yaml\"",
        number % 1_000_000_000
    ));
    client_error(message, &mut out);
    EditResult::Done(out)
}

/// Saves `edited` (the buffer's text after editing).
pub fn finish(session: &mut Session, buffer: &EditBuffer, edited: &str) -> EditResult {
    let mut out = CommandOutput::default();
    let body = strip_comments(edited);
    if buffer.reopened && body == strip_comments(&buffer.text) {
        return preserved(buffer, "Edit cancelled, no valid changes were saved.");
    }
    let original_text = strip_comments(&format!(
        "{HEADER}{}",
        ordinal_model::yaml::to_yaml(&buffer.original)
    ));
    if body == original_text {
        out.errln("Edit cancelled, no changes made.");
        return EditResult::Done(out);
    }
    if body.trim().is_empty() {
        out.errln("Edit cancelled, saved file was empty.");
        return EditResult::Done(out);
    }
    let name = buffer.original.str_at(&["metadata", "name"]).to_string();
    let stream = ordinal_model::yaml::parse_stream(&body);
    let edited_obj = match (stream.error, stream.docs.into_iter().next()) {
        (None, Some(doc)) => doc.value,
        (error, _) => {
            let reason = error.map_or_else(|| "empty document".to_string(), |e| e.message);
            let head = format!("The edited file had a syntax error: {reason}");
            return EditResult::Reopen(out, reopen(buffer, edited, &head, &[]));
        }
    };
    let unchanged = |path: &[&str]| edited_obj.at(path) == buffer.original.at(path);
    if !unchanged(&["apiVersion"]) || !unchanged(&["kind"]) || !unchanged(&["metadata", "name"]) {
        return preserved(
            buffer,
            "At least one of apiVersion, kind and name was changed",
        );
    }
    if edited_obj == buffer.original {
        out.outln(&format!("{} skipped", kind_slash_name(buffer.info, &name)));
        return EditResult::Done(out);
    }
    let mut replacement = edited_obj;
    replacement.set(&["metadata", "resourceVersion"], Value::from(""));
    match session
        .sim
        .update(buffer.info.plural, &buffer.namespace, replacement)
    {
        Ok(_) => {
            out.outln(&format!("{} edited", kind_slash_name(buffer.info, &name)));
            EditResult::Done(out)
        }
        Err(e) if e.reason == ordinal_core::Reason::Invalid => {
            let qualified = buffer.info.qualified_plural();
            out.errln(&format!("error: {qualified} \"{name}\" is invalid"));
            let causes: Vec<String> = e
                .causes
                .iter()
                .map(|c| format!("{}: {}", c.field, c.message))
                .collect();
            let head = format!("{qualified} \"{name}\" was not valid");
            EditResult::Reopen(out, reopen(buffer, edited, &head, &causes))
        }
        Err(e) => {
            api_error(&e, &mut out);
            EditResult::Done(out)
        }
    }
}

/// The buffer kubectl reopens: header, reasons, then the user's text without its old comments.
fn reopen(buffer: &EditBuffer, edited: &str, head: &str, reasons: &[String]) -> EditBuffer {
    let mut text = String::from(HEADER);
    if reasons.is_empty() {
        text.push_str(&format!("# {head}\n"));
    } else {
        text.push_str(&format!("# {head}:\n"));
    }
    for r in reasons {
        text.push_str(&format!("# * {}\n", r.replace('\n', "\n# ")));
    }
    text.push_str("#\n");
    for line in edited.lines().filter(|l| !l.trim_start().starts_with('#')) {
        text.push_str(line);
        text.push('\n');
    }
    EditBuffer {
        text,
        reopened: true,
        ..buffer.clone()
    }
}

/// `kubectl edit` in a terminal: the object is fetched, then no editor can start.
#[inline(never)]
pub fn edit(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    edit_with(session, args, DEFAULT_EDITOR, out);
}

/// Most passes kubectl makes through the editor before a reopened file is given up.
const MAX_EDIT_PASSES: usize = 4;

/// `KUBE_EDITOR=EDITOR kubectl edit ...`: the only editor a script can drive
/// here is `sed -i` with `s/FROM/TO/[g]` expressions (matched literally);
/// any other cannot be launched.
#[inline(never)]
pub fn edit_with(session: &mut Session, args: &[String], editor: &str, out: &mut CommandOutput) {
    let mut buffer = match begin(session, args) {
        Ok(b) => b,
        Err(failed) => return out.append(failed),
    };
    let Some(substitutions) = sed_substitutions(editor) else {
        return client_error(&format!("unable to launch the editor \"{editor}\""), out);
    };
    for _ in 0..MAX_EDIT_PASSES {
        let mut text = buffer.text.clone();
        for (from, to, global) in &substitutions {
            text = text
                .lines()
                .map(|line| {
                    let replaced = if *global {
                        line.replace(from.as_str(), to)
                    } else {
                        line.replacen(from.as_str(), to, 1)
                    };
                    format!("{replaced}\n")
                })
                .collect();
        }
        match finish(session, &buffer, &text) {
            EditResult::Done(done) => return out.append(done),
            EditResult::Reopen(printed, reopened) => {
                out.append(printed);
                buffer = reopened;
            }
        }
    }
}

/// The `s/FROM/TO/[g]` expressions of a `sed -i [-e] EXPR...` command line.
fn sed_substitutions(editor: &str) -> Option<Vec<(String, String, bool)>> {
    let words = crate::shell::words::split_words(editor, &Default::default()).ok()?;
    let (program, rest) = words.split_first()?;
    if program.rsplit('/').next() != Some("sed") {
        return None;
    }
    let mut substitutions = Vec::new();
    for word in rest.iter().filter(|w| !w.starts_with('-')) {
        let body = word.strip_prefix('s')?;
        let delimiter = body.chars().next()?;
        let parts: Vec<&str> = body[delimiter.len_utf8()..].split(delimiter).collect();
        let [from, to, flags] = parts.as_slice() else {
            return None;
        };
        substitutions.push((from.to_string(), to.to_string(), flags.contains('g')));
    }
    (!substitutions.is_empty()).then_some(substitutions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ordinal_core::SimConfig;

    fn session_with_configmap() -> Session {
        let mut session = Session::new(SimConfig::default());
        let cm = ordinal_model::yaml::parse_stream(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: default}\ndata: {a: \"1\"}\n",
        )
        .docs
        .remove(0)
        .value;
        session
            .sim
            .create("configmaps", "default", cm)
            .expect("configmap is created");
        session
    }

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn an_edit_saves_and_says_edited() {
        let mut session = session_with_configmap();
        let buffer = begin(&session, &args(&["cm", "cfg"])).expect("buffer opens");
        assert!(buffer.text.starts_with(HEADER));
        let unchanged = finish(&mut session, &buffer, &buffer.text);
        assert!(
            matches!(unchanged, EditResult::Done(ref o) if o.stderr() == "Edit cancelled, no changes made.\n")
        );
        let edited = buffer.text.replace("a: \"1\"", "a: \"2\"");
        match finish(&mut session, &buffer, &edited) {
            EditResult::Done(o) => assert_eq!(o.stdout(), "configmap/cfg edited\n"),
            EditResult::Reopen(_, b) => panic!("unexpected reopen: {}", b.text),
        }
        let stored = session
            .sim
            .get("configmaps", "default", "cfg")
            .expect("still there");
        assert_eq!(stored.str_at(&["data", "a"]), "2");
    }

    #[test]
    fn a_syntax_error_reopens_the_buffer_until_given_up() {
        let mut session = session_with_configmap();
        let buffer = begin(&session, &args(&["cm", "cfg"])).expect("buffer opens");
        let broken = buffer.text.replace("a: \"1\"", "a: [");
        let EditResult::Reopen(_, reopened) = finish(&mut session, &buffer, &broken) else {
            panic!("a syntax error reopens the file");
        };
        assert!(reopened
            .text
            .contains("#\n# The edited file had a syntax error: yaml: "));
        let text = reopened.text.clone();
        match finish(&mut session, &reopened, &text) {
            EditResult::Done(o) => assert!(o
                .stderr()
                .ends_with("error: Edit cancelled, no valid changes were saved.\n")),
            EditResult::Reopen(..) => panic!("an unchanged reopened file cancels"),
        }
    }

    #[test]
    fn a_missing_object_is_not_found() {
        let session = session_with_configmap();
        let err = begin(&session, &args(&["cm", "nope"])).expect_err("not found");
        assert_eq!(
            err.stderr(),
            "Error from server (NotFound): configmaps \"nope\" not found\n"
        );
    }
}
