//! Autosave in the browser's localStorage: the command log (with the virtual
//! time each command ran at), the chosen language, the editor's text and the
//! StatefulSet the controls act on. Where storage is
//! unavailable (a sandboxed iframe, storage disabled) loading reports it and
//! saving does nothing, so the page still works.

use crate::i18n::Lang;
use crate::state::{LoggedCommand, MAX_COMMAND_BYTES, MAX_LOGGED_COMMANDS};

/// Key of the saved command log.
pub const COMMANDS_KEY: &str = "ordinal.v1.commands";
/// Key of the saved language tag.
pub const LANG_KEY: &str = "ordinal.v1.lang";
/// Key of the editor's text.
pub const EDITOR_KEY: &str = "ordinal.v1.editor";
/// Key of the StatefulSet the controls act on, as `namespace/name`.
pub const FOCUS_KEY: &str = "ordinal.v1.focus";
/// Every key the page writes (the crash banner's "start over" clears them).
pub const ALL_KEYS: [&str; 4] = [COMMANDS_KEY, LANG_KEY, EDITOR_KEY, FOCUS_KEY];

/// What a previous visit left behind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Saved {
    /// Whether localStorage can be used at all.
    pub available: bool,
    /// The language chosen last time.
    pub lang: Option<Lang>,
    /// Commands to replay.
    pub log: Vec<LoggedCommand>,
    /// The editor's text.
    pub editor: Option<String>,
    /// The focused StatefulSet, `namespace/name`.
    pub focus: Option<String>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads the saved state; `available` is false where storage is blocked.
pub fn load() -> Saved {
    let Some(store) = storage() else {
        return Saved::default();
    };
    let item = |key: &str| store.get_item(key).ok().flatten();
    Saved {
        available: true,
        lang: item(LANG_KEY).map(|tag| Lang::from_tag(&tag)),
        log: item(COMMANDS_KEY).map(|t| decode(&t)).unwrap_or_default(),
        editor: item(EDITOR_KEY).filter(|t| t.len() <= MAX_COMMAND_BYTES),
        focus: item(FOCUS_KEY),
    }
}

/// Saves one item; false if storage refused (full, or blocked).
pub fn save_item(key: &str, value: &str) -> bool {
    storage().is_some_and(|store| store.set_item(key, value).is_ok())
}

/// Saves the language and command log; false if storage refused.
pub fn save(lang: Lang, log: &[LoggedCommand]) -> bool {
    save_item(LANG_KEY, lang.tag()) && save_item(COMMANDS_KEY, &encode(log))
}

/// The language `navigator.language` asks for.
pub fn browser_lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map_or(Lang::En, |tag| Lang::from_tag(&tag))
}

/// One `<virtual ms>\t<command>` line per command; a command's own line
/// breaks (an applied manifest) are written as `\n`, backslashes as `\\`.
pub fn encode(log: &[LoggedCommand]) -> String {
    log.iter()
        .map(|c| {
            let line = c.line.replace('\\', "\\\\").replace('\n', "\\n");
            format!("{}\t{line}\n", c.at_ms)
        })
        .collect()
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Reads what [`encode`] wrote, skipping malformed or oversized lines.
pub fn decode(text: &str) -> Vec<LoggedCommand> {
    text.lines()
        .filter_map(|line| {
            let (at, command) = line.split_once('\t')?;
            (!command.trim().is_empty() && command.len() <= MAX_COMMAND_BYTES).then(|| {
                Some(LoggedCommand {
                    at_ms: at.parse().ok()?,
                    line: unescape(command),
                })
            })?
        })
        .take(MAX_LOGGED_COMMANDS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_their_times_survive_a_round_trip() {
        let log = vec![
            LoggedCommand {
                at_ms: 0,
                line: "kubectl get pods".into(),
            },
            LoggedCommand {
                at_ms: 12_500,
                line: "kubectl scale sts web --replicas=3".into(),
            },
        ];
        assert_eq!(decode(&encode(&log)), log);
    }

    #[test]
    fn multi_line_commands_and_backslashes_survive_a_round_trip() {
        let log = vec![LoggedCommand {
            at_ms: 3,
            line: "kubectl apply -f - <<EOF\nkind: A\\n\nEOF".into(),
        }];
        let text = encode(&log);
        assert_eq!(text.lines().count(), 1);
        assert_eq!(decode(&text), log);
    }

    #[test]
    fn tampered_lines_are_skipped() {
        assert_eq!(
            decode("x\tkubectl get pods\n5\t\nno tab\n7\tkubectl version\n"),
            vec![LoggedCommand {
                at_ms: 7,
                line: "kubectl version".into()
            }]
        );
    }
}
