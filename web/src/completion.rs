//! Tab completion for the terminal's command line: simple prefix completion
//! of kubectl subcommands, resource types and the names of existing objects,
//! like the shell completion `kubectl completion bash` installs.

/// Programs the first word completes to.
const PROGRAMS: &[&str] = &["kubectl", "sleep", "cat", "echo", "for"];

/// kubectl subcommands the emulation runs.
const SUBCOMMANDS: &[&str] = &[
    "annotate",
    "api-resources",
    "apply",
    "cordon",
    "create",
    "delete",
    "describe",
    "exec",
    "get",
    "label",
    "logs",
    "patch",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "uncordon",
    "version",
];

/// Resource types, as learners type them.
const RESOURCE_TYPES: &[&str] = &[
    "configmaps",
    "controllerrevisions",
    "endpoints",
    "endpointslices",
    "events",
    "namespaces",
    "nodes",
    "persistentvolumeclaims",
    "persistentvolumes",
    "pods",
    "pvc",
    "services",
    "statefulsets",
    "storageclasses",
    "sts",
    "svc",
];

/// The line with its last word completed as far as it is unambiguous, or
/// `None` when nothing matches or nothing would change. `names` are the
/// existing objects' names (pods, statefulsets, services).
pub fn complete(line: &str, names: &[String]) -> Option<String> {
    let start = line.rfind(' ').map_or(0, |i| i + 1);
    let (head, word) = line.split_at(start);
    let earlier: Vec<&str> = head.split_whitespace().collect();
    let candidates: Vec<&str> = match earlier.as_slice() {
        [] => PROGRAMS.to_vec(),
        ["kubectl"] => SUBCOMMANDS.to_vec(),
        ["kubectl", ..] => RESOURCE_TYPES
            .iter()
            .copied()
            .chain(names.iter().map(String::as_str))
            .collect(),
        _ => names.iter().map(String::as_str).collect(),
    };
    let mut matching = candidates.into_iter().filter(|c| c.starts_with(word));
    let first = matching.next()?;
    let mut common = first.to_string();
    let mut unique = true;
    for other in matching {
        if other == first {
            continue;
        }
        unique = false;
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
    if unique {
        common.push(' ');
    }
    (common != word).then(|| format!("{head}{common}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        vec!["web-0".into(), "web-1".into(), "nginx".into()]
    }

    #[test]
    fn completes_the_program_and_a_unique_subcommand_with_a_space() {
        assert_eq!(complete("kub", &[]).as_deref(), Some("kubectl "));
        assert_eq!(
            complete("kubectl sc", &[]).as_deref(),
            Some("kubectl scale ")
        );
    }

    #[test]
    fn ambiguous_prefixes_extend_to_the_shared_part() {
        assert_eq!(
            complete("kubectl get pe", &[]).as_deref(),
            Some("kubectl get persistentvolume")
        );
        assert_eq!(
            complete("kubectl delete pod w", &names()).as_deref(),
            Some("kubectl delete pod web-")
        );
    }

    #[test]
    fn completes_object_names_after_the_resource_type() {
        assert_eq!(
            complete("kubectl logs web-1", &names()).as_deref(),
            Some("kubectl logs web-1 ")
        );
        assert_eq!(
            complete("kubectl get svc ng", &names()).as_deref(),
            Some("kubectl get svc nginx ")
        );
    }

    #[test]
    fn nothing_matching_or_nothing_new_gives_none() {
        assert_eq!(complete("kubectl zz", &names()), None);
        assert_eq!(complete("kubectl get p", &names()), None);
    }
}
