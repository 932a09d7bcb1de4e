//! `kubectl explain`: the fields of every served kind, in the layout of
//! kubectl's OpenAPI v3 plaintext template
//! (pkg/explain/v2/templates/plaintext.tmpl: GROUP / KIND / VERSION, `FIELD:`,
//! `DESCRIPTION:`, `FIELDS:` with `name<TAB><type>`, type names as its
//! `typeGuess`, `extractEnum`; descriptions wrapped as its `wrap` and
//! `indent` do). The schemas (upstream's v1.36 OpenAPI: fields, types,
//! descriptions, enums) come from the session's docs, the same ones
//! `ordinal serve` publishes.

use ordinal_model::kinds::ResourceInfo;

use super::flags::{self, switch, value, FlagSpec};
use super::{client_error, flag_error};
use crate::docs::{indent as indent_text, wrap, Docs, SchemaField};
use crate::shell::Session;
use crate::transcript::CommandOutput;

pub(super) const SPECS: &[FlagSpec] = &[
    switch("recursive", None),
    value("api-version", None),
    value("output", Some('o')),
];

/// Deepest nesting `--recursive` prints (the served schemas have no cycles;
/// a guard anyway).
const MAX_DEPTH: usize = 16;

/// The template's `typeGuess` for a field's type: a named object schema by
/// the last part of its name, a named primitive (`Time`) by its JSON type.
fn type_guess(docs: &Docs, ty: &str) -> String {
    if let Some(rest) = ty.strip_prefix("[]") {
        return format!("[]{}", type_guess(docs, rest));
    }
    if let Some(rest) = ty.strip_prefix("map[string]") {
        return format!("map[string]{}", type_guess(docs, rest));
    }
    match ty.strip_prefix('@') {
        Some(name) => match docs.primitive(name) {
            Some(primitive) => primitive.to_string(),
            None => short_name(name).to_string(),
        },
        None => ty.to_string(),
    }
}

/// `StatefulSetSpec` for `api.apps.v1.StatefulSetSpec`.
fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
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

/// A field list (the template's `fieldList` and `fieldDetail`) of the
/// schema `schema`.
fn field_list(ctx: &Ctx, schema: &str, level: usize, text: &mut String) {
    for field in ctx.docs.fields(schema) {
        let indent = level * 2;
        text.push_str(&" ".repeat(indent));
        text.push_str(field.name);
        text.push_str(&format!("\t<{}>", type_guess(ctx.docs, field.ty)));
        if field.required {
            text.push_str(" -required-");
        }
        let values = ctx.docs.field_enum(schema, field.name);
        if !values.is_empty() {
            text.push_str(&short_enum(&values, indent));
        }
        text.push('\n');
        if ctx.recursive {
            if let Some(child) = field.referenced().filter(|_| level < MAX_DEPTH) {
                field_list(ctx, child, level + 1, text);
            }
        } else {
            let description = ctx
                .docs
                .field_description(schema, field.name)
                .unwrap_or("<no description>");
            text.push_str(&indent_text(&wrap(description, 78 - indent), indent + 2));
            text.push_str("\n\n");
        }
    }
}

/// What one explanation needs to know.
struct Ctx<'a> {
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
    let ctx = Ctx { docs, recursive };
    let mut text = String::new();
    if !info.group.is_empty() {
        text.push_str(&format!("GROUP:      {}\n", info.group));
    }
    text.push_str(&format!("KIND:       {}\n", info.kind));
    text.push_str(&format!("VERSION:    {}\n\n", info.version));
    let top = docs.kind_schema(info.group, info.kind);
    // The schema whose fields the path walks next, and what the block
    // describes: the field's own description, then its type's.
    let mut fields_of = top;
    let mut descriptions = vec![top.and_then(|t| docs.type_description(t))];
    for (i, name) in path.iter().enumerate() {
        let Some(field) = fields_of.and_then(|s| docs.field(s, name)) else {
            let last = path.last().copied().unwrap_or(name);
            return (text, Some(format!("field \"{last}\" does not exist")));
        };
        if i + 1 == path.len() {
            let schema = fields_of.unwrap_or("");
            field_header(docs, schema, &field, &mut text);
            descriptions = vec![
                docs.field_description(schema, name),
                field.referenced().and_then(|t| docs.type_description(t)),
            ];
        }
        fields_of = field.referenced();
    }
    description_block(&descriptions, &mut text);
    if let Some(schema) = fields_of.filter(|s| !docs.fields(s).is_empty()) {
        text.push_str("FIELDS:\n");
        field_list(&ctx, schema, 1, &mut text);
    }
    text.push('\n');
    (text, None)
}

/// `FIELD: name <type>` and the field's enum, one value a line.
fn field_header(docs: &Docs, schema: &str, field: &SchemaField, text: &mut String) {
    text.push_str(&format!(
        "FIELD: {} <{}>\n",
        field.name,
        type_guess(docs, field.ty)
    ));
    let values = docs.field_enum(schema, field.name);
    if !values.is_empty() {
        text.push_str("ENUM:");
        for value in values {
            text.push_str("\n    ");
            text.push_str(if value.is_empty() { "\"\"" } else { value });
        }
    }
    text.push_str("\n\n");
}

/// `kubectl explain RESOURCE[.FIELD...]`.
#[inline(never)]
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
    fn status_fields_are_explained_too() {
        let (text, error) = explain("sts", &["status", "replicas"], false);
        assert!(error.is_none());
        assert!(text.contains("FIELD: replicas <integer>\n\n\nDESCRIPTION:\n    replicas is the number of Pods created by the StatefulSet controller.\n"));
        let (text, _) = explain("pods", &["status"], false);
        assert!(text.contains("  conditions\t<[]PodCondition>\n"));
        assert!(text.contains("  podIP\t<string>\n"));
        let (text, _) = explain("pods", &["metadata", "creationTimestamp"], false);
        assert!(text.contains("FIELD: creationTimestamp <string>\n"));
        let (text, _) = explain("pods", &["spec", "overhead"], false);
        assert!(text.contains("FIELD: overhead <map[string]Quantity>\n"));
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
