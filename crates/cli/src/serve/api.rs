//! Resource requests: GET/LIST (with label and field selectors, as a plain
//! list or a server-side `Table`), POST, PUT, PATCH, DELETE and the scale
//! subresource, answered from the simulator as the API server answers them
//! (`k8s.io/apiserver/pkg/endpoints/handlers`).

use ordinal_core::apiserver::patch::apply_patch;
use ordinal_core::resources::{by_plural, ResourceInfo};
use ordinal_core::{ApiError, DeleteOptions, PatchType, Propagation, Sim};
use ordinal_kubectl::jsonpatch::{self, JsonPatchError};
use ordinal_kubectl::printers::{table_for, PrintContext};
use ordinal_model::{json, Value};

use super::clock::shift_times;
use super::http::Request;

/// A parsed resource path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The resource's registry entry.
    pub info: &'static ResourceInfo,
    /// Namespace from the path (`None` = all namespaces / cluster scope).
    pub namespace: Option<String>,
    /// Object name, if the path names one.
    pub name: Option<String>,
    /// Subresource (`scale`, `status`).
    pub subresource: Option<String>,
}

/// What a request asks for besides its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Plain objects.
    Objects,
    /// A `meta.k8s.io/v1` Table.
    Table,
}

/// The `Accept` header's choice.
pub fn shape_of(request: &Request) -> Shape {
    if request.header("accept").contains("as=Table") {
        Shape::Table
    } else {
        Shape::Objects
    }
}

/// A `metav1.Status` failure body.
pub fn status(code: u16, reason: &str, message: &str, details: Value) -> Value {
    Value::from([
        ("kind", Value::from("Status")),
        ("apiVersion", Value::from("v1")),
        ("metadata", Value::object()),
        ("status", Value::from("Failure")),
        ("message", Value::from(message)),
        ("reason", Value::from(reason)),
        ("details", details),
        ("code", Value::Int(i64::from(code))),
    ])
}

/// The 404 for a path the server does not serve.
pub fn not_served() -> (u16, Value) {
    (
        404,
        status(
            404,
            "NotFound",
            "the server could not find the requested resource",
            Value::object(),
        ),
    )
}

/// An [`ApiError`] as the Status body the API server sends.
pub fn error_body(err: &ApiError, group: &str) -> (u16, Value) {
    let mut details = Value::object();
    if !err.name.is_empty() {
        details.set(&["name"], Value::from(err.name.as_str()));
    }
    if !group.is_empty() {
        details.set(&["group"], Value::from(group));
    }
    if !err.kind.is_empty() {
        details.set(&["kind"], Value::from(err.kind.as_str()));
    }
    if !err.causes.is_empty() {
        let causes = err
            .causes
            .iter()
            .map(|c| {
                Value::from([
                    ("reason", Value::from("FieldValueInvalid")),
                    ("message", Value::from(c.message.as_str())),
                    ("field", Value::from(c.field.as_str())),
                ])
            })
            .collect();
        details.set(&["causes"], Value::Array(causes));
    }
    (
        err.code,
        status(err.code, err.reason.as_str(), &err.message, details),
    )
}

/// Parses `/api/v1/...` or `/apis/{group}/{version}/...` below the group version.
pub fn parse_target(group: &str, rest: &[&str]) -> Option<Target> {
    let (namespace, rest) = match rest {
        ["namespaces", ns, tail @ ..] if !tail.is_empty() => (Some(ns.to_string()), tail),
        _ => (None, rest),
    };
    let info = by_plural(rest.first()?).filter(|i| i.group == group)?;
    if rest.len() > 3 || (namespace.is_some() && !info.namespaced) {
        return None;
    }
    Some(Target {
        info,
        namespace,
        name: rest.get(1).map(|s| s.to_string()),
        subresource: rest.get(2).map(|s| s.to_string()),
    })
}

/// Objects a GET of a collection returns, filtered by both selectors.
pub fn list_objects(sim: &Sim, target: &Target, request: &Request) -> Result<Vec<Value>, ApiError> {
    sim.list(
        target.info.plural,
        target.namespace.as_deref(),
        request.param("labelSelector").unwrap_or(""),
        request.param("fieldSelector").unwrap_or(""),
    )
}

/// The highest resourceVersion among `items` ("1" for none): the list's version.
pub fn list_version(items: &[Value]) -> String {
    items
        .iter()
        .filter_map(|o| {
            o.str_at(&["metadata", "resourceVersion"])
                .parse::<u64>()
                .ok()
        })
        .max()
        .unwrap_or(1)
        .to_string()
}

/// An object as sent: timestamps shifted to the wall clock.
pub fn outgoing(mut obj: Value, offset_ms: i64) -> Value {
    shift_times(&mut obj, offset_ms);
    obj
}

/// `{Kind}List` of `items`.
pub fn list_body(info: &ResourceInfo, items: Vec<Value>, offset_ms: i64) -> Value {
    let version = list_version(&items);
    let items = items.into_iter().map(|o| outgoing(o, offset_ms)).collect();
    Value::from([
        ("kind", Value::from(format!("{}List", info.kind))),
        ("apiVersion", Value::from(info.api_version())),
        (
            "metadata",
            Value::from([("resourceVersion", Value::from(version))]),
        ),
        ("items", Value::Array(items)),
    ])
}

/// A `meta.k8s.io/v1` Table of `items`, cells from the kind's printer; each
/// row carries the object's metadata (`includeObject=Metadata`, the
/// default) or, with `full_objects` (`includeObject=Object`, which kubectl
/// asks for to `--sort-by`), the whole object.
pub fn table_body(
    info: &ResourceInfo,
    items: &[Value],
    now_ms: u64,
    offset_ms: i64,
    full_objects: bool,
) -> Value {
    let def = table_for(info.kind);
    let ctx = PrintContext { now_ms };
    let columns = def
        .columns
        .iter()
        .map(|c| {
            Value::from([
                ("name", Value::from(c.name)),
                ("type", Value::from("string")),
                (
                    "format",
                    Value::from(if c.name == "Name" { "name" } else { "" }),
                ),
                ("description", Value::from("")),
                ("priority", Value::Int(i64::from(c.priority))),
            ])
        })
        .collect();
    let rows = items
        .iter()
        .map(|obj| {
            let cells = (def.row)(obj, &ctx).into_iter().map(Value::from).collect();
            let object = if full_objects {
                outgoing(obj.clone(), offset_ms)
            } else {
                let mut meta = obj.at(&["metadata"]).cloned().unwrap_or_else(Value::object);
                shift_times(&mut meta, offset_ms);
                Value::from([
                    ("kind", Value::from("PartialObjectMetadata")),
                    ("apiVersion", Value::from("meta.k8s.io/v1")),
                    ("metadata", meta),
                ])
            };
            Value::from([("cells", Value::Array(cells)), ("object", object)])
        })
        .collect();
    Value::from([
        ("kind", Value::from("Table")),
        ("apiVersion", Value::from("meta.k8s.io/v1")),
        (
            "metadata",
            Value::from([("resourceVersion", Value::from(list_version(items)))]),
        ),
        ("columnDefinitions", Value::Array(columns)),
        ("rows", Value::Array(rows)),
    ])
}

fn bad_request(message: String) -> ApiError {
    ApiError::bad_request(message)
}

fn body_json(request: &Request) -> Result<Value, ApiError> {
    if request.header("content-type").starts_with(PROTOBUF) {
        return super::protobuf::decode(&request.body).map_err(bad_request);
    }
    let text = std::str::from_utf8(&request.body)
        .map_err(|_| bad_request("request body is not UTF-8".to_string()))?;
    json::parse(text).map_err(|e| bad_request(e.to_string()))
}

/// The body of a create or update, refused as the API server's strict
/// decoding refuses it when the client asks for `fieldValidation=Strict`
/// (kubectl's default): `StatefulSet in version "v1" cannot be handled as a
/// StatefulSet: strict decoding error: unknown field "spec.replica"`.
fn strictly_decoded(target: &Target, request: &Request) -> Result<Value, ApiError> {
    let obj = body_json(request)?;
    if request.param("fieldValidation") == Some("Strict") {
        let kind = target.info.kind;
        if let Some(problem) = ordinal_model::decode::strict_problem(&obj, kind) {
            return Err(bad_request(format!(
                "{kind} in version {:?} cannot be handled as a {kind}: {problem}",
                target.info.version
            )));
        }
    }
    Ok(obj)
}

/// Resources with a `scale` subresource.
pub(crate) fn has_scale(resource: &str) -> bool {
    matches!(resource, "statefulsets" | "deployments" | "replicasets")
}

/// The `autoscaling/v1` Scale of a workload.
fn scale_object(sts: &Value, offset_ms: i64) -> Value {
    let meta = outgoing(
        sts.at(&["metadata"]).cloned().unwrap_or_default(),
        offset_ms,
    );
    Value::from([
        ("kind", Value::from("Scale")),
        ("apiVersion", Value::from("autoscaling/v1")),
        ("metadata", meta),
        (
            "spec",
            Value::from([(
                "replicas",
                Value::Int(sts.i64_at(&["spec", "replicas"]).unwrap_or(1)),
            )]),
        ),
        (
            "status",
            Value::from([
                (
                    "replicas",
                    Value::Int(sts.i64_at(&["status", "replicas"]).unwrap_or(0)),
                ),
                (
                    "selector",
                    Value::from(ordinal_kubectl::printers::format_label_selector(
                        sts.at(&["spec", "selector"]),
                    )),
                ),
            ]),
        ),
    ])
}

fn delete_options(request: &Request) -> Result<DeleteOptions, ApiError> {
    let mut opts = DeleteOptions::default();
    let body = if request.body.is_empty() {
        Value::object()
    } else {
        body_json(request)?
    };
    let propagation = request
        .param("propagationPolicy")
        .unwrap_or(body.str_at(&["propagationPolicy"]))
        .to_string();
    opts.propagation = match propagation.as_str() {
        "Foreground" => Propagation::Foreground,
        "Orphan" => Propagation::Orphan,
        _ => Propagation::Background,
    };
    opts.grace_period_seconds = request
        .param("gracePeriodSeconds")
        .and_then(|s| s.parse().ok())
        .or_else(|| body.i64_at(&["gracePeriodSeconds"]));
    opts.dry_run = request.param("dryRun").is_some() || !body.array_at(&["dryRun"]).is_empty();
    Ok(opts)
}

/// The media type of Kubernetes protobuf bodies.
const PROTOBUF: &str = "application/vnd.kubernetes.protobuf";

/// The merge patch type a PATCH body's media type names, if any.
fn patch_type(content_type: &str) -> Option<PatchType> {
    if content_type.starts_with("application/merge-patch+json") {
        Some(PatchType::Merge)
    } else if content_type.starts_with("application/strategic-merge-patch+json") {
        Some(PatchType::Strategic)
    } else {
        None
    }
}

/// The 415 Status for a body in a media type the server does not decode.
fn unsupported_media_type(target: &Target, content_type: &str, accepted: &str) -> (u16, Value) {
    let (_, mut body) = error_body(&bad_request(String::new()), target.info.group);
    let message = format!(
        "the body of the request was in an unknown format - accepted media types include: {accepted} (got {content_type})"
    );
    body.set(&["message"], Value::from(message));
    body.set(&["reason"], Value::from("UnsupportedMediaType"));
    body.set(&["code"], Value::Int(415));
    (415, body)
}

/// Answers a non-watch request on `target` (status code and body).
pub fn handle(sim: &mut Sim, target: &Target, request: &Request, offset_ms: i64) -> (u16, Value) {
    match respond(sim, target, request, offset_ms) {
        Ok(reply) => reply,
        Err(err) => error_body(&err, target.info.group),
    }
}

fn respond(
    sim: &mut Sim,
    target: &Target,
    request: &Request,
    offset_ms: i64,
) -> Result<(u16, Value), ApiError> {
    let resource = target.info.plural;
    let ns = target.namespace.as_deref().unwrap_or("");
    let shape = shape_of(request);
    let now = sim.now();
    if !request.body.is_empty() && request.method != "PATCH" {
        let content_type = request.header("content-type");
        if !content_type.is_empty()
            && !content_type.starts_with("application/json")
            && !content_type.starts_with(PROTOBUF)
        {
            return Ok(unsupported_media_type(
                target,
                content_type,
                "application/json, application/yaml, application/vnd.kubernetes.protobuf",
            ));
        }
    }
    let full_objects = request.param("includeObject") == Some("Object");
    match (
        request.method.as_str(),
        &target.name,
        target.subresource.as_deref(),
    ) {
        ("GET", None, None) => {
            let items = list_objects(sim, target, request)?;
            Ok(match shape {
                Shape::Table => (
                    200,
                    table_body(target.info, &items, now, offset_ms, full_objects),
                ),
                Shape::Objects => (200, list_body(target.info, items, offset_ms)),
            })
        }
        ("GET", Some(name), None) => {
            let obj = sim.get(resource, ns, name)?;
            Ok(match shape {
                Shape::Table => (
                    200,
                    table_body(target.info, &[obj], now, offset_ms, full_objects),
                ),
                Shape::Objects => (200, outgoing(obj, offset_ms)),
            })
        }
        ("GET", Some(name), Some("scale")) if has_scale(resource) => {
            let obj = sim.get(resource, ns, name)?;
            Ok((200, scale_object(&obj, offset_ms)))
        }
        ("PATCH" | "PUT", Some(name), Some("scale")) if has_scale(resource) => {
            let body = body_json(request)?;
            let replicas = body
                .i64_at(&["spec", "replicas"])
                .ok_or_else(|| bad_request("spec.replicas is required".to_string()))?;
            // A dry run scales a copy of the cluster.
            let obj = if request.param("dryRun").is_some() {
                let live = sim.get(resource, ns, name)?;
                let mut scaled = sim.clone().scale(resource, ns, name, replicas)?;
                scaled.set(
                    &["metadata"],
                    live.at(&["metadata"]).cloned().unwrap_or_default(),
                );
                scaled
            } else {
                sim.scale(resource, ns, name, replicas)?
            };
            Ok((200, scale_object(&obj, offset_ms)))
        }
        ("POST", Some(name), Some("eviction")) if resource == "pods" => {
            let body = body_json(request)?;
            let opts = DeleteOptions {
                grace_period_seconds: body.i64_at(&["deleteOptions", "gracePeriodSeconds"]),
                dry_run: !body.array_at(&["deleteOptions", "dryRun"]).is_empty(),
                ..DeleteOptions::default()
            };
            sim.evict(ns, name, &opts)?;
            let success = Value::from([
                ("apiVersion", Value::from("v1")),
                ("kind", Value::from("Status")),
                ("metadata", Value::object()),
                ("status", Value::from("Success")),
                ("code", Value::Int(201)),
            ]);
            Ok((201, success))
        }
        (_, _, Some("status")) if !target.info.has_status => Ok(not_served()),
        ("GET", Some(name), Some("status")) => {
            Ok((200, outgoing(sim.get(resource, ns, name)?, offset_ms)))
        }
        ("PUT", Some(_), Some("status")) => {
            let obj = body_json(request)?;
            Ok((
                200,
                outgoing(sim.update_status(resource, ns, obj)?, offset_ms),
            ))
        }
        ("PATCH", Some(name), Some("status")) => {
            let kind = patch_type(request.header("content-type")).unwrap_or(PatchType::Strategic);
            let patched = apply_patch(&sim.get(resource, ns, name)?, &body_json(request)?, kind);
            Ok((
                200,
                outgoing(sim.update_status(resource, ns, patched)?, offset_ms),
            ))
        }
        ("POST", None, None) => {
            let obj = strictly_decoded(target, request)?;
            let created = if request.param("dryRun").is_some() {
                sim.create_dry_run(resource, ns, obj)?
            } else {
                sim.create(resource, ns, obj)?
            };
            Ok((201, outgoing(created, offset_ms)))
        }
        ("PUT" | "PATCH", Some(name), None | Some("scale"))
            if request.param("dryRun").is_some() =>
        {
            let live_version = sim
                .get(resource, ns, name)?
                .str_at(&["metadata", "resourceVersion"])
                .to_string();
            let mut probe = sim.clone();
            let dry_run = Request {
                query: request
                    .query
                    .iter()
                    .filter(|(key, _)| key != "dryRun")
                    .cloned()
                    .collect(),
                ..request.clone()
            };
            let (code, mut body) = respond(&mut probe, target, &dry_run, offset_ms)?;
            if code == 200 {
                body.set(&["metadata", "resourceVersion"], Value::from(live_version));
            }
            Ok((code, body))
        }
        ("PUT", Some(_), None) => {
            let obj = strictly_decoded(target, request)?;
            Ok((200, outgoing(sim.update(resource, ns, obj)?, offset_ms)))
        }
        ("PATCH", Some(name), None) => {
            let content_type = request.header("content-type");
            if content_type.starts_with("application/json-patch+json") {
                let patch = body_json(request)?;
                return match jsonpatch::patch_stored(sim, resource, ns, name, &patch) {
                    Ok(patched) => Ok((200, outgoing(patched, offset_ms))),
                    Err(JsonPatchError::TooManyOperations(n)) => Ok((
                        413,
                        status(
                            413,
                            "RequestEntityTooLarge",
                            &jsonpatch::too_many(n),
                            Value::object(),
                        ),
                    )),
                    Err(e) => Err(e.to_api_error()),
                };
            }
            let Some(kind) = patch_type(content_type) else {
                return Ok(unsupported_media_type(
                    target,
                    content_type,
                    "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json",
                ));
            };
            let patch = body_json(request)?;
            let patched = sim.patch(resource, ns, name, &patch, kind)?;
            Ok((200, outgoing(patched, offset_ms)))
        }
        ("DELETE", Some(name), None) => {
            let opts = delete_options(request)?;
            let obj = sim.delete(resource, ns, name, &opts)?;
            Ok((200, outgoing(obj, offset_ms)))
        }
        _ => Err(ApiError::method_not_allowed(format!(
            "the server does not allow this method on the requested resource ({} {})",
            request.method, request.path
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_namespaced_and_cluster_resources() {
        let t = parse_target("", &["namespaces", "default", "pods", "web-0"]).expect("pod path");
        assert_eq!(t.info.plural, "pods");
        assert_eq!(t.namespace.as_deref(), Some("default"));
        assert_eq!(t.name.as_deref(), Some("web-0"));
        let ns = parse_target("", &["namespaces", "default"]).expect("namespace path");
        assert_eq!(ns.info.plural, "namespaces");
        assert_eq!(ns.name.as_deref(), Some("default"));
        assert!(parse_target("apps", &["pods"]).is_none());
    }

    #[test]
    fn the_status_subresource_changes_only_status() {
        let mut sim = Sim::new(Default::default());
        let cm = Value::from([
            ("apiVersion", Value::from("v1")),
            ("kind", Value::from("ConfigMap")),
            ("metadata", Value::from([("name", Value::from("cfg"))])),
            ("data", Value::from([("a", Value::from("1"))])),
        ]);
        sim.create("configmaps", "default", cm.clone())
            .expect("created");
        let err = sim
            .update_status("configmaps", "default", cm)
            .expect_err("no status");
        assert_eq!(err.code, 404);
        let ns = sim
            .get("namespaces", "", "default")
            .expect("default namespace");
        let mut changed = ns.clone();
        changed.set(&["status", "phase"], Value::from("Terminating"));
        changed.set(&["metadata", "labels", "x"], Value::from("y"));
        let stored = sim
            .update_status("namespaces", "", changed)
            .expect("status written");
        assert_eq!(stored.str_at(&["status", "phase"]), "Terminating");
        assert!(stored.at(&["metadata", "labels", "x"]).is_none());
    }

    #[test]
    fn a_missing_statefulset_is_the_api_servers_not_found_status() {
        let sim = Sim::new(Default::default());
        let err = sim
            .get("statefulsets", "default", "nope")
            .expect_err("absent");
        let (code, body) = error_body(&err, "apps");
        assert_eq!(code, 404);
        assert_eq!(
            body.str_at(&["message"]),
            "statefulsets.apps \"nope\" not found"
        );
        assert_eq!(body.str_at(&["reason"]), "NotFound");
        assert_eq!(body.str_at(&["details", "group"]), "apps");
        assert_eq!(body.str_at(&["details", "kind"]), "statefulsets");
    }
}
