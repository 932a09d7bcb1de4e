//! Tab completion for the terminal's command line: prefix completion of
//! kubectl subcommands, resource types, each command's flags and the names
//! of existing objects of the type asked for (`get sts w`, `logs w`,
//! `svc/n`), listing the choices when several remain, like the shell
//! completion `kubectl completion bash` installs.

/// Programs the first word completes to.
const PROGRAMS: &[&str] = &["kubectl", "sleep", "cat", "echo", "for"];

/// kubectl subcommands the emulation runs.
const SUBCOMMANDS: &[&str] = &[
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "attach",
    "auth",
    "cluster-info",
    "config",
    "cordon",
    "cp",
    "create",
    "delete",
    "describe",
    "diff",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "help",
    "label",
    "logs",
    "patch",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "uncordon",
    "version",
    "wait",
];

/// Resource types, as learners type them.
const RESOURCE_TYPES: &[&str] = &[
    "configmaps",
    "cm",
    "controllerrevisions",
    "daemonsets",
    "ds",
    "deployments",
    "deploy",
    "endpoints",
    "ep",
    "endpointslices",
    "events",
    "leases",
    "namespaces",
    "ns",
    "nodes",
    "no",
    "persistentvolumeclaims",
    "pvc",
    "persistentvolumes",
    "pv",
    "poddisruptionbudgets",
    "pdb",
    "pods",
    "po",
    "replicasets",
    "rs",
    "secrets",
    "serviceaccounts",
    "sa",
    "services",
    "svc",
    "statefulsets",
    "sts",
    "storageclasses",
    "sc",
];

/// The most choices the terminal lists under its command line.
pub const MAX_SHOWN_CHOICES: usize = 60;

/// What Tab does to a command line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// The line with its last word completed as far as it is unambiguous;
    /// `None` when nothing matches or nothing would change.
    pub line: Option<String>,
    /// Every candidate when more than one remains, sorted: what bash lists
    /// on a second Tab.
    pub choices: Vec<String>,
}

/// The kubectl subcommand of a line's earlier words (skipping global flags
/// and their values, `kubectl -n demo get`).
fn subcommand<'a>(earlier: &[&'a str]) -> Option<&'a str> {
    let globals = ordinal_kubectl::cmd::flags_of("");
    let takes_value = |word: &str| {
        matches!(word, "-n" | "-s" | "-v")
            || word.strip_prefix("--").is_some_and(|name| {
                !name.contains('=') && globals.iter().any(|(n, v)| *n == name && *v)
            })
    };
    let mut words = earlier.iter().skip(1);
    while let Some(word) = words.next() {
        if takes_value(word) {
            words.next();
        } else if !word.starts_with('-') {
            return Some(word);
        }
    }
    None
}

/// The flags a word starting with `-` may become: `--name`, or `--name=` for
/// a flag that takes a value (as cobra's bash completion offers them).
fn flag_candidates(earlier: &[&str]) -> Vec<String> {
    ordinal_kubectl::cmd::flags_of(subcommand(earlier).unwrap_or(""))
        .into_iter()
        .map(|(name, value)| format!("--{name}{}", if value { "=" } else { "" }))
        .collect()
}

/// The resource whose names the next word takes: the pod of `logs`, `exec`,
/// `attach` and `cp`, else the last resource type named on the line (`get
/// sts`, `rollout status statefulset`), as `kubectl completion bash` offers
/// only the names of the type asked for.
fn named_resource(earlier: &[&str]) -> Option<&'static str> {
    if matches!(subcommand(earlier), Some("logs" | "exec" | "attach" | "cp")) {
        return Some("pods");
    }
    earlier
        .iter()
        .skip(1)
        .rev()
        .filter(|w| !w.starts_with('-'))
        .find_map(|w| ordinal_model::kinds::by_name(w))
        .map(|r| r.plural)
}

/// The names among `names` (each `plural/name`) of the resource `plural`.
fn names_of<'a>(names: &'a [String], plural: &'a str) -> impl Iterator<Item = &'a str> {
    names
        .iter()
        .filter_map(move |n| n.strip_prefix(plural)?.strip_prefix('/'))
}

/// Completes the last word of `line` as far as the candidates agree (a space
/// follows a unique word, not a `--flag=`), and lists the candidates when
/// several remain. `names` are the existing objects, each `plural/name`
/// (pods, StatefulSets, Deployments, Services, claims): a word after a
/// resource type completes to the names of that type, and a `TYPE/` word to
/// `TYPE/NAME`.
pub fn complete(line: &str, names: &[String]) -> Completion {
    let start = line.rfind(' ').map_or(0, |i| i + 1);
    let (head, word) = line.split_at(start);
    let earlier: Vec<&str> = head.split_whitespace().collect();
    let typed = word
        .split_once('/')
        .and_then(|(kind, _)| Some((kind, ordinal_model::kinds::by_name(kind)?)));
    let candidates: Vec<String> = match earlier.as_slice() {
        [] => PROGRAMS.iter().map(|p| p.to_string()).collect(),
        ["kubectl", ..] if word.starts_with('-') => flag_candidates(&earlier),
        ["kubectl"] => SUBCOMMANDS.iter().map(|p| p.to_string()).collect(),
        ["kubectl", ..] => match (typed, named_resource(&earlier)) {
            (Some((kind, r)), _) => names_of(names, r.plural)
                .map(|n| format!("{kind}/{n}"))
                .collect(),
            (None, Some(plural)) => names_of(names, plural).map(str::to_string).collect(),
            (None, None) => RESOURCE_TYPES.iter().map(|p| p.to_string()).collect(),
        },
        _ => names
            .iter()
            .filter_map(|n| Some(n.split_once('/')?.1.to_string()))
            .collect(),
    };
    let mut matching: Vec<String> = candidates
        .into_iter()
        .filter(|c| c.starts_with(word))
        .collect();
    ordinal_model::order::sort(&mut matching);
    matching.dedup();
    let Some(first) = matching.first() else {
        return Completion::default();
    };
    let mut common = first.clone();
    for other in &matching[1..] {
        let shared = common
            .chars()
            .zip(other.chars())
            .take_while(|(a, b)| a == b)
            .count();
        common.truncate(
            common
                .char_indices()
                .nth(shared)
                .map_or(common.len(), |(i, _)| i),
        );
    }
    let unique = matching.len() == 1;
    if unique && !common.ends_with('=') {
        common.push(' ');
    }
    Completion {
        line: (common != word).then(|| format!("{head}{common}")),
        choices: if unique { Vec::new() } else { matching },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        [
            "pods/web-0",
            "pods/web-1",
            "services/nginx",
            "statefulsets/web",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn completes_the_program_and_a_unique_subcommand_with_a_space() {
        assert_eq!(complete("kub", &[]).line.as_deref(), Some("kubectl "));
        assert_eq!(
            complete("kubectl sc", &[]).line.as_deref(),
            Some("kubectl scale ")
        );
    }

    #[test]
    fn ambiguous_prefixes_extend_to_the_shared_part() {
        assert_eq!(
            complete("kubectl get pe", &[]).line.as_deref(),
            Some("kubectl get persistentvolume")
        );
        assert_eq!(
            complete("kubectl delete pod w", &names()).line.as_deref(),
            Some("kubectl delete pod web-")
        );
    }

    #[test]
    fn completes_object_names_after_the_resource_type() {
        assert_eq!(
            complete("kubectl logs web-1", &names()).line.as_deref(),
            Some("kubectl logs web-1 ")
        );
        assert_eq!(
            complete("kubectl get svc ng", &names()).line.as_deref(),
            Some("kubectl get svc nginx ")
        );
    }

    #[test]
    fn names_are_those_of_the_type_asked_for() {
        // A StatefulSet's name only, not its pods'.
        assert_eq!(
            complete("kubectl get statefulsets w", &names())
                .line
                .as_deref(),
            Some("kubectl get statefulsets web ")
        );
        assert_eq!(
            complete("kubectl rollout status sts w", &names())
                .line
                .as_deref(),
            Some("kubectl rollout status sts web ")
        );
        // logs and exec take a pod.
        let c = complete("kubectl exec -it w", &names());
        assert_eq!(c.choices, ["web-0", "web-1"]);
        // TYPE/NAME.
        assert_eq!(
            complete("kubectl describe svc/n", &names()).line.as_deref(),
            Some("kubectl describe svc/nginx ")
        );
        assert_eq!(
            complete("kubectl delete pod/", &names()).choices,
            ["pod/web-0", "pod/web-1"]
        );
        // Before a type, the types.
        assert!(complete("kubectl get w", &names()).line.is_none());
    }

    #[test]
    fn nothing_matching_or_nothing_new_gives_none() {
        assert_eq!(complete("kubectl zz", &names()), Completion::default());
        assert_eq!(complete("kubectl get p", &names()).line, None);
    }

    #[test]
    fn ambiguous_words_list_their_choices() {
        let c = complete("kubectl get p", &names());
        assert!(c.choices.contains(&"pods".to_string()), "{c:?}");
        assert!(c.choices.contains(&"pvc".to_string()), "{c:?}");
        assert!(complete("kubectl get pods", &names()).choices.is_empty());
    }

    #[test]
    fn flags_complete_from_the_subcommand() {
        // `--replicas` takes a value: no space after the `=`.
        assert_eq!(
            complete("kubectl scale sts web --rep", &names())
                .line
                .as_deref(),
            Some("kubectl scale sts web --replicas=")
        );
        assert_eq!(
            complete("kubectl get pods --all-n", &names())
                .line
                .as_deref(),
            Some("kubectl get pods --all-namespaces ")
        );
        // Global flags and their values do not hide the subcommand.
        assert_eq!(
            complete("kubectl -n demo run x --exp", &names())
                .line
                .as_deref(),
            Some("kubectl -n demo run x --expose ")
        );
        let choices = complete("kubectl run x --im", &names()).choices;
        assert_eq!(choices, ["--image-pull-policy=", "--image="]);
        // Every command takes the global flags.
        assert!(complete("kubectl version --", &names())
            .choices
            .contains(&"--namespace=".to_string()));
    }
}
