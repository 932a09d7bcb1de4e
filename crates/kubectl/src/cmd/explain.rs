//! `kubectl explain`: the fields of the kinds the model knows, in the layout
//! of kubectl's OpenAPI v3 plaintext template
//! (pkg/explain/v2/templates/plaintext.tmpl: GROUP / KIND / VERSION, `FIELD:`,
//! `DESCRIPTION:`, `FIELDS:` with `name<TAB><type>`, type names as its
//! `typeGuess`, `extractEnum`; descriptions wrapped as its `wrap` and
//! `indent` do). Descriptions and enums come from the session's docs
//! (upstream's v1.36 OpenAPI), the same ones `ordinal serve` publishes.

use ordinal_model::kinds::ResourceInfo;
use ordinal_model::schema::{self, Field, Struct, Ty};

use super::flags::{self, switch, value, FlagSpec};
use super::{client_error, flag_error};
use crate::docs::{indent as indent_text, wrap, Docs};
use crate::shell::Session;
use crate::transcript::CommandOutput;

const SPECS: &[FlagSpec] = &[
    switch("recursive", None),
    value("api-version", None),
    value("output", Some('o')),
];

/// Deepest nesting `--recursive` prints (the schema has no cycles; a guard anyway).
const MAX_DEPTH: usize = 16;

/// Fields the API marks required (`-required-`), by struct.
pub fn required(st: &Struct, field: &str) -> bool {
    let names: &[&str] = match st.name {
        "StatefulSetSpec" | "DeploymentSpec" => &["selector", "template"],
        "ReplicaSetSpec" => &["selector"],
        "PodSpec" => &["containers"],
        "Container" | "EnvVar" | "Volume" => &["name"],
        "ContainerPort" => &["containerPort"],
        "ServicePort" => &["port"],
        "VolumeMount" => &["mountPath", "name"],
        "LabelSelectorRequirement" => &["key", "operator"],
        "OwnerReference" => &["apiVersion", "kind", "name", "uid"],
        "StorageClass" => &["provisioner"],
        _ => &[],
    };
    names.contains(&field)
}

/// The named schema a field refers to in the served OpenAPI (its type's
/// description follows the field's own in `kubectl explain`).
pub fn referenced_type(kind: &str, field: &Field) -> Option<String> {
    match field.ty {
        Ty::Struct(s) | Ty::List(s) => Some(s.name.into()),
        Ty::Quantity | Ty::QuantityMap => Some("Quantity".into()),
        Ty::IntOrString => Some("IntOrString".into()),
        Ty::Any => match field.name {
            "creationTimestamp" | "deletionTimestamp" => Some("Time".into()),
            "managedFields" => Some("ManagedFieldsEntry".into()),
            "status" => Some(format!("{kind}Status")),
            "spec" if schema::for_kind(kind).is_some_and(|top| top.field("spec").is_some()) => {
                Some(format!("{kind}Spec"))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The template's `typeGuess` for a field.
fn type_guess(kind: &str, field: &Field) -> String {
    match field.ty {
        Ty::Str(_) => "string".into(),
        Ty::Int32 | Ty::Int64 => "integer".into(),
        Ty::Bool => "boolean".into(),
        Ty::StrMap => "map[string]string".into(),
        Ty::QuantityMap => "map[string]Quantity".into(),
        Ty::StrList(_) => "[]string".into(),
        Ty::List(s) => format!("[]{}", s.name),
        Ty::Quantity | Ty::IntOrString | Ty::Struct(_) | Ty::Any => {
            match referenced_type(kind, field).as_deref() {
                Some("Time") => "string".into(),
                Some("ManagedFieldsEntry") => "[]ManagedFieldsEntry".into(),
                Some(name) => name.into(),
                None => "Object".into(),
            }
        }
    }
}

/// The struct a field leads into (list items included).
fn inner(field: &Field) -> Option<&'static Struct> {
    match field.ty {
        Ty::Struct(s) | Ty::List(s) => Some(s),
        _ => None,
    }
}

fn sorted_fields(st: &'static Struct) -> Vec<&'static Field> {
    let mut fields: Vec<&Field> = st.fields.iter().collect();
    ordinal_model::order::sort_by_key(&mut fields, |f| f.name);
    fields
}

/// The template's `extractEnum` in a field list: `enum: A, B, C, D, ....`.
fn short_enum(values: &[&str], indent: usize) -> String {
    let mut text = format!("\n{}enum: ", " ".repeat(indent));
    for (i, value) in values.iter().enumerate() {
        if i == 4 {
            text.push_str(", ....");
            break;
        }
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(if value.is_empty() { "\"\"" } else { value });
    }
    text
}

/// A field list (the template's `fieldList` and `fieldDetail`).
fn field_list(ctx: &Ctx, st: &'static Struct, level: usize, text: &mut String) {
    for field in sorted_fields(st) {
        let indent = level * 2;
        text.push_str(&" ".repeat(indent));
        text.push_str(field.name);
        text.push_str(&format!("\t<{}>", type_guess(ctx.kind, field)));
        if required(st, field.name) {
            text.push_str(" -required-");
        }
        let values = ctx.docs.field_enum(st.name, field.name);
        if !values.is_empty() {
            text.push_str(&short_enum(&values, indent));
        }
        text.push('\n');
        if ctx.recursive {
            if let Some(child) = inner(field).filter(|_| level < MAX_DEPTH) {
                field_list(ctx, child, level + 1, text);
            }
        } else {
            let description = ctx
                .docs
                .field_description(st.name, field.name)
                .unwrap_or("<no description>");
            text.push_str(&indent_text(&wrap(description, 78 - indent), indent + 2));
            text.push_str("\n\n");
        }
    }
}

/// What one explanation needs to know.
struct Ctx<'a> {
    kind: &'a str,
    docs: &'a Docs,
    recursive: bool,
}

/// The `DESCRIPTION:` block: each description line-terminated, wrapped at 76
/// and indented 4, or `<empty>`.
fn description_block(descriptions: &[Option<&str>], text: &mut String) {
    let mut joined = String::new();
    for d in descriptions.iter().flatten().filter(|d| !d.is_empty()) {
        joined.push_str(d);
        joined.push('\n');
    }
    if joined.is_empty() {
        joined.push_str("<empty>");
    }
    text.push_str("DESCRIPTION:\n");
    text.push_str(&indent_text(&wrap(&joined, 76), 4));
    text.push('\n');
}

/// The explanation of `info` at `path`, or the error for a missing field
/// (printed after the header, as the template does).
fn explain_text(
    info: &ResourceInfo,
    path: &[&str],
    recursive: bool,
    docs: &Docs,
) -> (String, Option<String>) {
    let ctx = Ctx {
        kind: info.kind,
        docs,
        recursive,
    };
    let mut text = String::new();
    if !info.group.is_empty() {
        text.push_str(&format!("GROUP:      {}\n", info.group));
    }
    text.push_str(&format!("KIND:       {}\n", info.kind));
    text.push_str(&format!("VERSION:    {}\n\n", info.version));
    let Some(top) = schema::for_kind(info.kind) else {
        if let Some(first) = path.first() {
            return (text, Some(format!("field \"{first}\" does not exist")));
        }
        description_block(&[docs.type_description(info.kind)], &mut text);
        text.push('\n');
        return (text, None);
    };
    let mut fields_of: Option<&'static Struct> = Some(top);
    let mut descriptions = vec![docs.type_description(top.name)];
    for (i, name) in path.iter().enumerate() {
        let parent = fields_of;
        let Some(field) = parent.and_then(|s| s.field(name)) else {
            let last = path.last().copied().unwrap_or(name);
            return (text, Some(format!("field \"{last}\" does not exist")));
        };
        if i + 1 == path.len() {
            let st = parent.map_or("", |s| s.name);
            text.push_str(&format!(
                "FIELD: {name} <{}>\n",
                type_guess(info.kind, field)
            ));
            let values = docs.field_enum(st, name);
            if !values.is_empty() {
                text.push_str("ENUM:");
                for value in values {
                    text.push_str("\n    ");
                    text.push_str(if value.is_empty() { "\"\"" } else { value });
                }
            }
            text.push_str("\n\n");
            let referenced = referenced_type(info.kind, field);
            descriptions = vec![
                docs.field_description(st, name),
                referenced.as_deref().and_then(|t| docs.type_description(t)),
            ];
        }
        fields_of = inner(field);
    }
    description_block(&descriptions, &mut text);
    if let Some(st) = fields_of {
        text.push_str("FIELDS:\n");
        field_list(&ctx, st, 1, &mut text);
    }
    text.push('\n');
    (text, None)
}

/// `kubectl explain RESOURCE[.FIELD...]`.
pub fn explain(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let parsed = match flags::parse(args, SPECS) {
        Ok(p) => p,
        Err(e) => return flag_error("explain", &e, out),
    };
    let Some(target) = parsed.args.first() else {
        return client_error("You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.", out);
    };
    let mut parts = target.split('.');
    let resource = parts.next().unwrap_or("");
    let path: Vec<&str> = parts.filter(|p| !p.is_empty()).collect();
    let Some(info) = ordinal_model::kinds::by_name(resource) else {
        out.errln(&format!(
            "the server doesn't have a resource type \"{resource}\""
        ));
        out.exit_code = 1;
        return;
    };
    let Some(docs) = session.docs() else {
        return client_error(crate::docs::NOT_LOADED, out);
    };
    let (text, error) = explain_text(info, &path, parsed.has("recursive"), docs);
    out.out(&text);
    if let Some(e) = error {
        client_error(&e, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain(name: &str, path: &[&str], recursive: bool) -> (String, Option<String>) {
        let info = ordinal_model::kinds::by_name(name).expect("known resource");
        explain_text(info, path, recursive, &crate::docs::bundled())
    }

    #[test]
    fn a_kind_lists_its_fields_with_their_descriptions() {
        let (text, error) = explain("sts", &[], false);
        assert!(error.is_none());
        assert!(text.starts_with(
            "GROUP:      apps\nKIND:       StatefulSet\nVERSION:    v1\n\nDESCRIPTION:\n    StatefulSet represents a set of pods with consistent identities. Identities\n    are defined as:\n"
        ));
        assert!(text.contains("\n    \nFIELDS:\n  apiVersion\t<string>\n    APIVersion defines the versioned schema of this representation of an object.\n"));
        assert!(text.contains("  spec\t<StatefulSetSpec>\n    Spec defines the desired identities of pods in this set.\n\n"));
    }

    #[test]
    fn a_field_prints_its_own_description_then_its_type_s() {
        let (text, _) = explain("sts", &["spec", "replicas"], false);
        assert!(text.starts_with(
            "GROUP:      apps\nKIND:       StatefulSet\nVERSION:    v1\n\nFIELD: replicas <integer>\n\n\nDESCRIPTION:\n    replicas is the desired number of replicas of the given Template."
        ));
        let (text, _) = explain("pods", &["spec", "containers"], false);
        assert!(text.contains("FIELD: containers <[]Container>\n\n\nDESCRIPTION:\n    List of containers belonging to the pod."));
        assert!(text.contains("    A single application container that you want to run within a pod.\n    \nFIELDS:\n"));
        assert!(text.contains("  name\t<string> -required-\n"));
        let (_, error) = explain("pods", &["spec", "nope"], false);
        assert_eq!(error.as_deref(), Some("field \"nope\" does not exist"));
    }

    #[test]
    fn enums_show_in_the_field_and_in_the_list() {
        let (text, _) = explain("pods", &["spec", "restartPolicy"], false);
        assert!(text.contains("FIELD: restartPolicy <string>\nENUM:\n    Always\n    Never\n    OnFailure\n\nDESCRIPTION:\n"));
        let (text, _) = explain("pods", &["spec"], false);
        assert!(text.contains(
            "  restartPolicy\t<string>\n  enum: Always, Never, OnFailure\n    Restart policy"
        ));
        let (text, _) = explain("sts", &[], true);
        assert!(text
            .contains("\n    podManagementPolicy\t<string>\n    enum: OrderedReady, Parallel\n"));
    }
}
