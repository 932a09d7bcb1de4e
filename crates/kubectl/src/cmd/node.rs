//! `kubectl taint` (kubectl pkg/cmd/taint/taint.go and utils.go: parsing,
//! `reorganizeTaints`, the tainted / untainted / modified verbs).

use ordinal_core::PatchType;
use ordinal_model::Value;

use super::flags::{self, switch, value, FlagSpec};
use super::{api_error, client_error, flag_error};
use crate::shell::Session;
use crate::transcript::CommandOutput;

pub(super) const TAINT_SPECS: &[FlagSpec] = &[
    switch("overwrite", None),
    switch("all", None),
    value("selector", Some('l')),
    value("dry-run", None),
    value("output", Some('o')),
];

const EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// One taint: key, value (may be empty) and effect (empty = any, for removal).
#[derive(Debug, Clone, PartialEq)]
struct Taint {
    key: String,
    value: String,
    effect: String,
}

impl Taint {
    fn from_value(v: &Value) -> Taint {
        Taint {
            key: v.str_at(&["key"]).to_string(),
            value: v.str_at(&["value"]).to_string(),
            effect: v.str_at(&["effect"]).to_string(),
        }
    }

    fn to_value(&self) -> Value {
        let mut v = Value::from([("key", Value::from(self.key.as_str()))]);
        if !self.value.is_empty() {
            v.set(&["value"], Value::from(self.value.as_str()));
        }
        v.set(&["effect"], Value::from(self.effect.as_str()));
        v
    }

    /// `Taint.ToString()`: `key=value:effect`, `key:effect` or `key`.
    fn spec(&self) -> String {
        let mut s = self.key.clone();
        if !self.value.is_empty() {
            s.push('=');
            s.push_str(&self.value);
        }
        if !self.effect.is_empty() {
            s.push(':');
            s.push_str(&self.effect);
        }
        s
    }
}

fn invalid_effect(effect: &str) -> String {
    format!("invalid taint effect: {effect}, unsupported taint effect")
}

/// `parseTaint`: `key[=value]:effect`.
fn parse_taint(spec: &str) -> Result<Taint, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [key] => (key.to_string(), String::new(), String::new()),
        [kv, effect] => {
            if !EFFECTS.contains(effect) {
                return Err(invalid_effect(effect));
            }
            let kv: Vec<&str> = kv.split('=').collect();
            match kv.as_slice() {
                [key] => (key.to_string(), String::new(), effect.to_string()),
                [key, value] => {
                    let errs = ordinal_model::names::label_value(value);
                    if !errs.is_empty() {
                        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
                    }
                    (key.to_string(), value.to_string(), effect.to_string())
                }
                _ => return Err(format!("invalid taint spec: {spec}")),
            }
        }
        _ => return Err(format!("invalid taint spec: {spec}")),
    };
    let errs = ordinal_model::names::qualified_name(&key);
    if !errs.is_empty() {
        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
    }
    Ok(Taint { key, value, effect })
}

/// `parseTaints`: taints to add and to remove (`key-`, `key:effect-`).
fn parse_taints(specs: &[String]) -> Result<(Vec<Taint>, Vec<Taint>), String> {
    let (mut add, mut remove) = (Vec::new(), Vec::new());
    for spec in specs {
        if let Some(target) = spec.strip_suffix('-') {
            let (key, effect) = target.split_once(':').unwrap_or((target, ""));
            if !effect.is_empty() && !EFFECTS.contains(&effect) {
                return Err(invalid_effect(effect));
            }
            remove.push(Taint {
                key: key.to_string(),
                value: String::new(),
                effect: effect.to_string(),
            });
        } else {
            let taint = parse_taint(spec)?;
            if add
                .iter()
                .any(|t: &Taint| t.key == taint.key && t.effect == taint.effect)
            {
                return Err(format!(
                    "duplicated taints with the same key and effect: {}",
                    taint.spec()
                ));
            }
            add.push(taint);
        }
    }
    Ok((add, remove))
}

/// `reorganizeTaints`: the node's new taints and the verb, or the removal errors.
fn reorganize(
    old: &[Taint],
    overwrite: bool,
    add: &[Taint],
    remove: &[Taint],
) -> Result<(&'static str, Vec<Taint>), Vec<String>> {
    let mut taints = add.to_vec();
    for t in old {
        if !taints
            .iter()
            .any(|n| n.key == t.key && n.effect == t.effect)
        {
            taints.push(t.clone());
        }
    }
    let added = old.len() != taints.len();
    let mut errors = Vec::new();
    let mut deleted = false;
    for r in remove {
        let before = taints.len();
        taints.retain(|t| !(t.key == r.key && (r.effect.is_empty() || t.effect == r.effect)));
        deleted = taints.len() != before;
        if !deleted {
            errors.push(format!("taint \"{}\" not found", r.spec()));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let verb = if added && deleted || overwrite {
        "modified"
    } else if added {
        "tainted"
    } else {
        "untainted"
    };
    Ok((verb, taints))
}

fn usage_error(message: &str, out: &mut CommandOutput) {
    out.errln(&format!("error: {message}"));
    out.errln("See 'kubectl taint -h' for help and examples");
    out.exit_code = 1;
}

/// `kubectl taint NODE KEY[=VALUE]:EFFECT ...`.
#[inline(never)]
pub fn taint(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, TAINT_SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("taint", &e, out),
    };
    let (mut resources, mut pairs) = (Vec::new(), Vec::new());
    for arg in &parsed.args {
        if arg.contains('=') || arg.contains(':') || arg.ends_with('-') {
            pairs.push(arg.clone());
        } else if pairs.is_empty() {
            resources.push(arg.clone());
        } else {
            return client_error("all taints must appear at the end of the command", out);
        }
    }
    let (add, remove) = match parse_taints(&pairs) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error(&e, out),
    };
    if add.is_empty() && remove.is_empty() {
        return client_error("at least one taint update is required", out);
    }
    let Some(kind) = resources.first() else {
        return client_error("at least one taint update is required", out);
    };
    let (kind, mut names) = match kind.split_once('/') {
        Some((k, n)) => (k.to_string(), vec![n.to_string()]),
        None => (kind.clone(), resources[1..].to_vec()),
    };
    let Some(info) = super::resolve(&kind, out) else {
        return;
    };
    if info.kind != "Node" {
        return client_error(
            &format!(
                "invalid resource type {}, only node types are supported",
                info.plural
            ),
            out,
        );
    }
    if parsed.has("all") || parsed.get("selector").is_some() {
        let selector = parsed.get("selector").unwrap_or("");
        match session.sim.list("nodes", None, selector, "") {
            Ok(nodes) => {
                names = nodes
                    .iter()
                    .map(|n| n.str_at(&["metadata", "name"]).to_string())
                    .collect()
            }
            Err(e) => return api_error(&e, out),
        }
    } else if names.is_empty() {
        return client_error("resource(s) were provided, but no name was specified", out);
    }
    for name in names {
        let node = match session.sim.get("nodes", "", &name) {
            Ok(n) => n,
            Err(e) => return api_error(&e, out),
        };
        let old: Vec<Taint> = node
            .array_at(&["spec", "taints"])
            .iter()
            .map(Taint::from_value)
            .collect();
        if !parsed.has("overwrite") {
            let existing: Vec<&str> = add
                .iter()
                .flat_map(|t| {
                    old.iter()
                        .filter(|o| o.key == t.key && o.effect == t.effect)
                        .map(|_| t.key.as_str())
                })
                .collect();
            if !existing.is_empty() {
                return client_error(
                    &format!(
                        "node {name} already has {} taint(s) with same effect(s) and --overwrite is false",
                        existing.join(",")
                    ),
                    out,
                );
            }
        }
        let (verb, taints) = match reorganize(&old, parsed.has("overwrite"), &add, &remove) {
            Ok(result) => result,
            Err(errors) if errors.len() == 1 => return client_error(&errors[0], out),
            Err(errors) => {
                for e in errors {
                    out.errln(&e);
                }
                out.exit_code = 1;
                return;
            }
        };
        let taints = if taints.is_empty() {
            Value::Null
        } else {
            Value::Array(taints.iter().map(Taint::to_value).collect())
        };
        let patch = Value::from([("spec", Value::from([("taints", taints)]))]);
        match session
            .sim
            .patch("nodes", "", &name, &patch, PatchType::Merge)
        {
            Ok(_) => out.outln(&format!("node/{name} {verb}")),
            Err(e) => return api_error(&e, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(key: &str, value: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: value.into(),
            effect: effect.into(),
        }
    }

    #[test]
    fn taint_specs_parse_as_kubectl_does() {
        assert_eq!(
            parse_taint("dedicated=db:NoSchedule"),
            Ok(t("dedicated", "db", "NoSchedule"))
        );
        assert_eq!(
            parse_taint("foo=bar:Bad"),
            Err("invalid taint effect: Bad, unsupported taint effect".to_string())
        );
        assert!(parse_taint("a=b")
            .unwrap_err()
            .starts_with("invalid taint spec: a=b, name part must consist of"));
    }

    #[test]
    fn reorganize_reports_the_verb_and_missing_taints() {
        let old = [t("a", "", "NoSchedule")];
        let (verb, taints) = reorganize(&old, false, &[t("b", "1", "NoExecute")], &[]).unwrap();
        assert_eq!((verb, taints.len()), ("tainted", 2));
        let (verb, taints) = reorganize(&old, false, &[], &[t("a", "", "")]).unwrap();
        assert_eq!((verb, taints.len()), ("untainted", 0));
        let (verb, _) = reorganize(&old, true, &[t("a", "x", "NoSchedule")], &[]).unwrap();
        assert_eq!(verb, "modified");
        assert_eq!(
            reorganize(&old, false, &[], &[t("a", "", "NoExecute")]).unwrap_err(),
            vec!["taint \"a:NoExecute\" not found".to_string()]
        );
    }
}
