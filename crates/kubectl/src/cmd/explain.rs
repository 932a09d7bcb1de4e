//! `kubectl explain`: the fields of the kinds the model knows, in the layout
//! of kubectl's OpenAPI v3 plaintext template
//! (pkg/explain/v2/templates/plaintext.tmpl: GROUP / KIND / VERSION, `FIELD:`,
//! `DESCRIPTION:`, `FIELDS:` with `name<TAB><type>`, type names as its
//! `typeGuess`). The model carries no field descriptions, so every one prints
//! as the template's own `<empty>` / `<no description>`.

use ordinal_model::kinds::ResourceInfo;
use ordinal_model::schema::{self, Field, Struct, Ty};

use super::flags::{self, switch, value, FlagSpec};
use super::{client_error, flag_error};
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

/// The template's `typeGuess` for a field.
fn type_guess(kind: &str, field: &Field) -> String {
    match field.ty {
        Ty::Str(_) => "string".into(),
        Ty::Int32 | Ty::Int64 => "integer".into(),
        Ty::Bool => "boolean".into(),
        Ty::Quantity => "Quantity".into(),
        Ty::IntOrString => "IntOrString".into(),
        Ty::StrMap => "map[string]string".into(),
        Ty::QuantityMap => "map[string]Quantity".into(),
        Ty::StrList(_) => "[]string".into(),
        Ty::Struct(s) => s.name.into(),
        Ty::List(s) => format!("[]{}", s.name),
        Ty::Any => match field.name {
            "creationTimestamp" | "deletionTimestamp" => "string".into(),
            "managedFields" => "[]ManagedFieldsEntry".into(),
            "status" => format!("{kind}Status"),
            _ => "Object".into(),
        },
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

fn field_list(kind: &str, st: &'static Struct, level: usize, recursive: bool, text: &mut String) {
    for field in sorted_fields(st) {
        text.push_str(&"  ".repeat(level));
        text.push_str(field.name);
        text.push_str(&format!("\t<{}>", type_guess(kind, field)));
        if required(st, field.name) {
            text.push_str(" -required-");
        }
        text.push('\n');
        if recursive {
            if let Some(child) = inner(field).filter(|_| level < MAX_DEPTH) {
                field_list(kind, child, level + 1, true, text);
            }
        } else {
            text.push_str(&"  ".repeat(level + 1));
            text.push_str("<no description>\n\n");
        }
    }
}

/// The explanation of `info` at `path`, or the error for a missing field
/// (printed after the header, as the template does).
fn explain_text(info: &ResourceInfo, path: &[&str], recursive: bool) -> (String, Option<String>) {
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
        text.push_str("DESCRIPTION:\n    <empty>\n\n");
        return (text, None);
    };
    let mut fields_of: Option<&'static Struct> = Some(top);
    for (i, name) in path.iter().enumerate() {
        let Some(field) = fields_of.and_then(|s| s.field(name)) else {
            let last = path.last().copied().unwrap_or(name);
            return (text, Some(format!("field \"{last}\" does not exist")));
        };
        if i + 1 == path.len() {
            text.push_str(&format!(
                "FIELD: {name} <{}>\n\n\n",
                type_guess(info.kind, field)
            ));
        }
        fields_of = inner(field);
    }
    text.push_str("DESCRIPTION:\n    <empty>\n");
    if let Some(st) = fields_of {
        text.push_str("FIELDS:\n");
        field_list(info.kind, st, 1, recursive, &mut text);
    }
    text.push('\n');
    (text, None)
}

/// `kubectl explain RESOURCE[.FIELD...]`.
pub fn explain(_session: &mut Session, args: &[String], out: &mut CommandOutput) {
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
    let (text, error) = explain_text(info, &path, parsed.has("recursive"));
    out.out(&text);
    if let Some(e) = error {
        client_error(&e, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str) -> &'static ResourceInfo {
        ordinal_model::kinds::by_name(name).expect("known resource")
    }

    #[test]
    fn a_kind_lists_its_top_level_fields() {
        let (text, error) = explain_text(info("sts"), &[], false);
        assert!(error.is_none());
        assert!(text.starts_with(
            "GROUP:      apps\nKIND:       StatefulSet\nVERSION:    v1\n\nDESCRIPTION:\n    <empty>\nFIELDS:\n  apiVersion\t<string>\n    <no description>\n\n"
        ));
        assert!(text.contains("  spec\t<StatefulSetSpec>\n"));
        assert!(text.contains("  status\t<StatefulSetStatus>\n"));
    }

    #[test]
    fn a_scalar_field_matches_kubectl_byte_for_byte() {
        // kubectl v1.36.3 against an OpenAPI v3 document without descriptions.
        let (text, _) = explain_text(info("sts"), &["spec", "replicas"], false);
        assert_eq!(
            text,
            "GROUP:      apps\nKIND:       StatefulSet\nVERSION:    v1\n\nFIELD: replicas <integer>\n\n\nDESCRIPTION:\n    <empty>\n\n"
        );
    }

    #[test]
    fn a_field_path_prints_field_and_its_fields() {
        let (text, _) = explain_text(info("pods"), &["spec", "containers"], false);
        assert!(text.starts_with(
            "KIND:       Pod\nVERSION:    v1\n\nFIELD: containers <[]Container>\n\n\nDESCRIPTION:"
        ));
        assert!(text.contains("  name\t<string> -required-\n"));
        let (_, error) = explain_text(info("pods"), &["spec", "nope"], false);
        assert_eq!(error.as_deref(), Some("field \"nope\" does not exist"));
    }
}
