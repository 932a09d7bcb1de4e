//! The API server: create / get / list / update / patch / delete / watch over
//! the store, with server-side metadata (uid, resourceVersion, generation,
//! timestamps), admission and the API server's error texts.
//! Mirrors k8s.io/apiserver `pkg/registry/generic/registry/store.go` and the
//! per-resource strategies in kubernetes `pkg/registry/*`.

pub mod admission;
pub mod fields;
pub mod patch;
pub mod pod_facts;
pub mod services;
pub(crate) mod store;
pub mod watch;

use std::sync::Arc;

use ordinal_model::Value;

use crate::clock::rfc3339;
use crate::error::{ApiError, Cause};
use crate::limits;
use crate::resources::{self, ResourceInfo};
use crate::sim::Sim;
use fields::FieldSelector;
use ordinal_model::labels::Selector;
use patch::{apply_patch, PatchType};
use watch::{WatchEvent, WatchId};

/// `propagationPolicy` of a delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    /// Delete the owner now, dependents afterwards (kubectl's default).
    #[default]
    Background,
    /// Keep the owner (with `foregroundDeletion`) until its dependents are gone.
    Foreground,
    /// Delete the owner, strip its ownerReferences from dependents.
    Orphan,
}

/// `metav1.DeleteOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeleteOptions {
    /// Grace period override (`--grace-period`); 0 with a pod deletes it at once.
    pub grace_period_seconds: Option<i64>,
    /// Cascading policy.
    pub propagation: Propagation,
    /// Validate only; change nothing.
    pub dry_run: bool,
}

/// What [`Sim::apply_object`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOutcome {
    /// The object did not exist and was created.
    Created,
    /// The object existed and changed.
    Configured,
    /// The object existed and nothing changed.
    Unchanged,
}

fn resource_info(resource: &str) -> Result<&'static ResourceInfo, ApiError> {
    resources::by_plural(resource).ok_or_else(|| {
        let mut e = ApiError::not_found(resource, "");
        e.message = "the server could not find the requested resource".to_string();
        e
    })
}

/// A list or watch request's selectors, checked in the order the API
/// server decodes them: the label selector, the field selector, then the
/// field selector's labels against the resource.
fn selectors(
    info: &ResourceInfo,
    label_selector: &str,
    field_selector: &str,
) -> Result<(Selector, FieldSelector), ApiError> {
    let labels = Selector::parse(label_selector).map_err(ApiError::bad_request)?;
    let fields = FieldSelector::for_resource(info, field_selector)?;
    Ok((labels, fields))
}

fn meta_str<'a>(obj: &'a Value, key: &str) -> &'a str {
    obj.str_at(&["metadata", key])
}

/// Resources whose objects carry `metadata.generation`.
fn has_generation(resource: &str) -> bool {
    matches!(
        resource,
        "statefulsets"
            | "deployments"
            | "replicasets"
            | "daemonsets"
            | "pods"
            | "poddisruptionbudgets"
            | "endpointslices"
    )
}

/// True when two objects differ outside `metadata` and `status` (the part
/// whose change bumps `generation`).
fn spec_changed(a: &Value, b: &Value) -> bool {
    fn body(v: &Value) -> Vec<(&String, &Value)> {
        v.as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| *k != "metadata" && *k != "status")
            .collect()
    }
    body(a) != body(b)
}

impl Sim {
    /// Creates an object of `resource` in `namespace` (ignored for
    /// cluster-scoped resources). Returns the stored object.
    pub fn create(
        &mut self,
        resource: &str,
        namespace: &str,
        obj: Value,
    ) -> Result<Value, ApiError> {
        let info = resource_info(resource)?;
        let result = self.create_object(info, namespace, obj, false);
        self.settle();
        result
    }

    /// Like [`Sim::create`] with `dryRun=All`: admission and validation run,
    /// nothing is stored.
    pub fn create_dry_run(
        &mut self,
        resource: &str,
        namespace: &str,
        obj: Value,
    ) -> Result<Value, ApiError> {
        let info = resource_info(resource)?;
        self.create_object(info, namespace, obj, true)
    }

    /// A copy of one object.
    pub fn get(&self, resource: &str, namespace: &str, name: &str) -> Result<Value, ApiError> {
        self.object(resource, namespace, name)
            .cloned()
            .ok_or_else(|| {
                let q = resources::by_plural(resource)
                    .map_or(resource.to_string(), |i| i.qualified_plural());
                ApiError::not_found(&q, name)
            })
    }

    /// A borrowed object, without copying (for printers and the UI).
    pub fn object(&self, resource: &str, namespace: &str, name: &str) -> Option<&Value> {
        let info = resources::by_plural(resource)?;
        let ns = if info.namespaced { namespace } else { "" };
        self.store.get(info.plural, ns, name)
    }

    /// Objects of `resource` in `namespace` (all namespaces when `None`)
    /// matching the label selector and the field selector (`""` =
    /// everything), sorted by namespace and name as the API server lists
    /// them. A selector that does not parse, or a field label the resource
    /// does not support, is the API server's 400.
    pub fn list(
        &self,
        resource: &str,
        namespace: Option<&str>,
        label_selector: &str,
        field_selector: &str,
    ) -> Result<Vec<Value>, ApiError> {
        Ok(self
            .list_refs(resource, namespace, label_selector, field_selector)?
            .into_iter()
            .cloned()
            .collect())
    }

    /// Like [`Sim::list`] without copying.
    pub fn list_refs<'a>(
        &'a self,
        resource: &str,
        namespace: Option<&'a str>,
        label_selector: &str,
        field_selector: &str,
    ) -> Result<Vec<&'a Value>, ApiError> {
        let info = resource_info(resource)?;
        let (labels, fields) = selectors(info, label_selector, field_selector)?;
        let ns = if info.namespaced { namespace } else { None };
        Ok(self
            .store
            .iter(info.plural, ns)
            .filter(|o| labels.matches(o.at(&["metadata", "labels"])) && fields.matches(o))
            .collect())
    }

    /// Replaces an object (PUT). A non-empty `metadata.resourceVersion` must
    /// match the stored one. The stored `status` is kept for resources with a
    /// status subresource.
    pub fn update(
        &mut self,
        resource: &str,
        namespace: &str,
        obj: Value,
    ) -> Result<Value, ApiError> {
        let info = resource_info(resource)?;
        let result = self.update_object(info, namespace, obj, false);
        self.settle();
        result
    }

    /// Like [`Sim::update`] with `dryRun=All`: admission and validation run,
    /// nothing is stored.
    pub fn update_dry_run(
        &mut self,
        resource: &str,
        namespace: &str,
        obj: Value,
    ) -> Result<Value, ApiError> {
        let info = resource_info(resource)?;
        self.update_object(info, namespace, obj, true)
    }

    /// Replaces an object's `status` through the status subresource (PUT
    /// `.../status`): everything else is kept from the stored object, as the
    /// registries' status strategies do. A non-empty
    /// `metadata.resourceVersion` must match the stored one.
    pub fn update_status(
        &mut self,
        resource: &str,
        namespace: &str,
        obj: Value,
    ) -> Result<Value, ApiError> {
        let info = resource_info(resource)?;
        let name = meta_str(&obj, "name").to_string();
        let ns = if info.namespaced { namespace } else { "" };
        let Some(stored) = self.store.get(info.plural, ns, &name) else {
            return Err(ApiError::not_found(&info.qualified_plural(), &name));
        };
        if !info.has_status {
            return Err(ApiError::not_found(&info.qualified_plural(), &name));
        }
        let wanted = meta_str(&obj, "resourceVersion");
        if !wanted.is_empty() && wanted != meta_str(stored, "resourceVersion") {
            return Err(ApiError::conflict(&info.qualified_plural(), &name));
        }
        let mut updated = stored.clone();
        match obj.get("status") {
            Some(status) => updated.set(&["status"], status.clone()),
            None => {
                updated.remove(&["status"]);
            }
        }
        let written = self.write_status(info.plural, updated);
        self.settle();
        written
            .map(Arc::unwrap_or_clone)
            .ok_or_else(|| ApiError::not_found(&info.qualified_plural(), &name))
    }

    /// Patches an object (`kubectl patch`, `scale`, `set image`, `apply` of an existing object).
    pub fn patch(
        &mut self,
        resource: &str,
        namespace: &str,
        name: &str,
        patch: &Value,
        kind: PatchType,
    ) -> Result<Value, ApiError> {
        let current = self.get(resource, namespace, name)?;
        let mut patched = apply_patch(&current, patch, kind);
        patched.set(&["metadata", "resourceVersion"], Value::from(""));
        self.update(resource, namespace, patched)
    }

    /// Sets `spec.replicas` of a StatefulSet, Deployment or ReplicaSet
    /// (`resource`; the scale subresource).
    pub fn scale(
        &mut self,
        resource: &str,
        namespace: &str,
        name: &str,
        replicas: i64,
    ) -> Result<Value, ApiError> {
        let patch = Value::from([("spec", Value::from([("replicas", Value::Int(replicas))]))]);
        self.patch(resource, namespace, name, &patch, PatchType::Merge)
    }

    /// Creates the object, or updates it if it exists (the object's
    /// apiVersion/kind select the resource; `namespace` is used when the
    /// object has none).
    pub fn apply_object(
        &mut self,
        obj: Value,
        namespace: &str,
    ) -> Result<(Value, ApplyOutcome), ApiError> {
        let api_version = obj.str_at(&["apiVersion"]);
        let kind = obj.str_at(&["kind"]);
        let info = resources::by_kind(api_version, kind).ok_or_else(|| {
            ApiError::bad_request(format!(
                "no matches for kind \"{kind}\" in version \"{api_version}\""
            ))
        })?;
        let ns = match meta_str(&obj, "namespace") {
            "" => namespace.to_string(),
            n => n.to_string(),
        };
        let name = meta_str(&obj, "name").to_string();
        let existing = self.object(info.plural, &ns, &name).cloned();
        let Some(existing) = existing else {
            let created = self.create(info.plural, &ns, obj)?;
            return Ok((created, ApplyOutcome::Created));
        };
        let mut desired = obj;
        desired.set(&["metadata", "resourceVersion"], Value::from(""));
        let updated = self.update(info.plural, &ns, desired)?;
        let outcome =
            if meta_str(&updated, "resourceVersion") == meta_str(&existing, "resourceVersion") {
                ApplyOutcome::Unchanged
            } else {
                ApplyOutcome::Configured
            };
        Ok((updated, outcome))
    }

    /// Deletes an object. Pods on a node get a deletionTimestamp and
    /// terminate gracefully; objects with finalizers wait for them.
    /// Returns the object as it is after the request.
    pub fn delete(
        &mut self,
        resource: &str,
        namespace: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Value, ApiError> {
        let info = resource_info(resource)?;
        let result = self.delete_object(info, namespace, name, opts);
        self.settle();
        result
    }

    /// Opens a watch on `resource` (all namespaces when `namespace` is
    /// `None`) for the objects both selectors match, as [`Sim::list`].
    pub fn watch(
        &mut self,
        resource: &str,
        namespace: Option<&str>,
        label_selector: &str,
        field_selector: &str,
    ) -> Result<WatchId, ApiError> {
        let info = resource_info(resource)?;
        let (labels, fields) = selectors(info, label_selector, field_selector)?;
        let id = self
            .watches
            .open(info.plural, namespace, labels, fields)
            .ok_or_else(|| {
                ApiError::forbidden(
                    "",
                    "",
                    format!("too many open watches (limit {})", limits::MAX_WATCHES),
                )
            })?;
        self.watch_opened();
        Ok(id)
    }

    /// Removes and returns the notifications a watch has collected.
    pub fn take_watch_events(&mut self, id: WatchId) -> Vec<WatchEvent> {
        self.watches.take(id)
    }

    /// Closes a watch.
    pub fn unwatch(&mut self, id: WatchId) {
        self.watches.close(id);
    }

    pub(crate) fn create_object(
        &mut self,
        info: &'static ResourceInfo,
        namespace: &str,
        mut obj: Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        let ns = if info.namespaced {
            let in_obj = meta_str(&obj, "namespace");
            if !in_obj.is_empty() && in_obj != namespace && !namespace.is_empty() {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request".into(),
                ));
            }
            let ns = if namespace.is_empty() {
                in_obj.to_string()
            } else {
                namespace.to_string()
            };
            let ns = if ns.is_empty() {
                "default".to_string()
            } else {
                ns
            };
            match self.store.get("namespaces", "", &ns) {
                None => return Err(ApiError::not_found("namespaces", &ns)),
                Some(n) if !meta_str(n, "deletionTimestamp").is_empty() => {
                    return Err(ApiError::forbidden(
                        info.kind,
                        meta_str(&obj, "name"),
                        format!("{} \"{}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", info.qualified_plural(), meta_str(&obj, "name")),
                    ))
                }
                Some(_) => {}
            }
            ns
        } else {
            String::new()
        };
        if info.plural == "pods" {
            self.check_service_account(&ns, &obj)?;
        }
        if meta_str(&obj, "name").is_empty() {
            let prefix = meta_str(&obj, "generateName").to_string();
            if prefix.is_empty() {
                return Err(ApiError::invalid(
                    info.kind,
                    &info.qualified_kind(),
                    "",
                    vec![Cause {
                        field: "metadata.name".into(),
                        message: "Required value: name or generateName is required".into(),
                    }],
                ));
            }
            // names.SimpleNameGenerator: the prefix cut to 58 bytes, 5 random
            // characters; a taken name is retried (RetryGenerateName, 7 tries).
            let base: String = prefix.chars().take(58).collect();
            let mut name = format!("{base}{}", self.rng.suffix(5));
            for _ in 0..7 {
                if self.store.get(info.plural, &ns, &name).is_none() {
                    break;
                }
                name = format!("{base}{}", self.rng.suffix(5));
            }
            obj.set(&["metadata", "name"], Value::from(name));
        }
        let name = meta_str(&obj, "name").to_string();
        if self.store.get(info.plural, &ns, &name).is_some() {
            return Err(ApiError::already_exists(&info.qualified_plural(), &name));
        }
        self.check_capacity(info, &name)?;
        if info.namespaced {
            obj.set(&["metadata", "namespace"], Value::from(ns.as_str()));
        } else if let Some(m) = obj.at_mut(&["metadata"]).and_then(Value::as_object_mut) {
            m.remove("namespace");
        }
        obj.set(&["apiVersion"], Value::from(info.api_version()));
        obj.set(&["kind"], Value::from(info.kind));
        ordinal_model::defaults::apply_defaults(&mut obj);
        self.admit_create(info, &mut obj, dry_run)?;
        self.validate_create(info, &obj)?;
        let uid = self.rng.uuid();
        obj.set(&["metadata", "uid"], Value::from(uid));
        obj.set(
            &["metadata", "creationTimestamp"],
            Value::from(rfc3339(self.now)),
        );
        if has_generation(info.plural) {
            obj.set(&["metadata", "generation"], Value::Int(1));
        }
        for key in ["deletionTimestamp", "deletionGracePeriodSeconds"] {
            if let Some(m) = obj.at_mut(&["metadata"]).and_then(Value::as_object_mut) {
                m.remove(key);
            }
        }
        if dry_run {
            return Ok(obj);
        }
        Ok(Arc::unwrap_or_clone(self.write(info, obj)))
    }

    fn check_capacity(&self, info: &ResourceInfo, name: &str) -> Result<(), ApiError> {
        let limit = match info.plural {
            "namespaces" => limits::MAX_NAMESPACES,
            "nodes" => limits::MAX_NODES,
            _ => limits::MAX_OBJECTS_PER_RESOURCE,
        };
        if info.plural != "events" && self.store.count(info.plural) >= limit {
            return Err(ApiError::forbidden(
                info.kind,
                name,
                format!("{} \"{name}\" is forbidden: exceeded the simulator's limit of {limit} {} objects", info.qualified_plural(), info.plural),
            ));
        }
        Ok(())
    }

    pub(crate) fn update_object(
        &mut self,
        info: &'static ResourceInfo,
        namespace: &str,
        mut obj: Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        let ns = if info.namespaced {
            match (namespace, meta_str(&obj, "namespace")) {
                ("", n) | (n, "") => if n.is_empty() { "default".to_string() } else { n.to_string() },
                (a, b) if a != b => {
                    return Err(ApiError::bad_request(
                        "the namespace of the provided object does not match the namespace sent on the request".into(),
                    ))
                }
                (a, _) => a.to_string(),
            }
        } else {
            String::new()
        };
        let name = meta_str(&obj, "name").to_string();
        let Some(old) = self.store.get(info.plural, &ns, &name).cloned() else {
            return Err(ApiError::not_found(&info.qualified_plural(), &name));
        };
        let rv = meta_str(&obj, "resourceVersion");
        if !rv.is_empty() && rv != meta_str(&old, "resourceVersion") {
            return Err(ApiError::conflict(&info.qualified_plural(), &name));
        }
        obj.set(&["apiVersion"], Value::from(info.api_version()));
        obj.set(&["kind"], Value::from(info.kind));
        ordinal_model::defaults::apply_defaults(&mut obj);
        for key in [
            "uid",
            "creationTimestamp",
            "namespace",
            "generation",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "resourceVersion",
        ] {
            match old.at(&["metadata", key]) {
                Some(v) => obj.set(&["metadata", key], v.clone()),
                None => {
                    if let Some(m) = obj.at_mut(&["metadata"]).and_then(Value::as_object_mut) {
                        m.remove(key);
                    }
                }
            }
        }
        if info.has_status {
            match old.get("status") {
                Some(s) => obj.set(&["status"], s.clone()),
                None => {
                    obj.remove(&["status"]);
                }
            }
        }
        if info.plural == "services" {
            ordinal_model::validation::prepare_service_update(&old, &mut obj);
        }
        self.admit_update(info, &old, &mut obj, dry_run)?;
        self.validate_update(info, &obj, &old)?;
        if has_generation(info.plural) && spec_changed(&obj, &old) {
            let generation = old.i64_at(&["metadata", "generation"]).unwrap_or(0) + 1;
            obj.set(&["metadata", "generation"], Value::Int(generation));
        }
        if obj == old || dry_run {
            return Ok(obj);
        }
        if !meta_str(&obj, "deletionTimestamp").is_empty()
            && obj.array_at(&["metadata", "finalizers"]).is_empty()
            && info.plural != "pods"
        {
            self.erase(info, &ns, &name);
            return Ok(obj);
        }
        Ok(Arc::unwrap_or_clone(self.write(info, obj)))
    }

    /// Writes a status (or any controller-owned change) without admission.
    pub(crate) fn write_status(&mut self, resource: &str, obj: Value) -> Option<Arc<Value>> {
        let info = resources::by_plural(resource)?;
        let ns = meta_str(&obj, "namespace").to_string();
        let name = meta_str(&obj, "name").to_string();
        let old = self.store.get(info.plural, &ns, &name)?;
        let mut candidate = obj;
        candidate.set(
            &["metadata", "resourceVersion"],
            old.at(&["metadata", "resourceVersion"])
                .cloned()
                .unwrap_or_default(),
        );
        if &candidate == old {
            return Some(Arc::new(candidate));
        }
        Some(self.write(info, candidate))
    }

    pub(crate) fn delete_object(
        &mut self,
        info: &'static ResourceInfo,
        namespace: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Value, ApiError> {
        let ns = if info.namespaced { namespace } else { "" };
        let Some(mut obj) = self.store.get(info.plural, ns, name).cloned() else {
            return Err(ApiError::not_found(&info.qualified_plural(), name));
        };
        if info.plural == "namespaces"
            && matches!(
                name,
                "default" | "kube-system" | "kube-public" | "kube-node-lease"
            )
        {
            return Err(ApiError::forbidden(
                "namespaces",
                name,
                format!("namespaces \"{name}\" is forbidden: this namespace may not be deleted"),
            ));
        }
        if opts.dry_run {
            return Ok(obj);
        }
        let uid = meta_str(&obj, "uid").to_string();
        if opts.propagation == Propagation::Orphan {
            self.orphan_dependents(&uid);
        }
        if info.plural == "pods" {
            return Ok(self.delete_pod(obj, opts.grace_period_seconds));
        }
        let already_deleting = !meta_str(&obj, "deletionTimestamp").is_empty();
        let mut finalizers: Vec<Value> = obj.array_at(&["metadata", "finalizers"]).to_vec();
        if opts.propagation == Propagation::Foreground && !self.store.dependents(&uid).is_empty() {
            let fg = Value::from("foregroundDeletion");
            if !finalizers.contains(&fg) {
                finalizers.push(fg);
            }
        }
        if info.plural == "namespaces" {
            finalizers.push(Value::from("kubernetes"));
        }
        if finalizers.is_empty() {
            let removed = self.erase(info, ns, name).unwrap_or(obj);
            return Ok(removed);
        }
        if !already_deleting {
            obj.set(
                &["metadata", "deletionTimestamp"],
                Value::from(rfc3339(self.now)),
            );
            obj.set(&["metadata", "deletionGracePeriodSeconds"], Value::Int(0));
        }
        if info.plural == "namespaces" {
            obj.set(&["status", "phase"], Value::from("Terminating"));
            finalizers.pop();
        } else {
            obj.set(&["metadata", "finalizers"], Value::from(finalizers));
        }
        let stored = Arc::unwrap_or_clone(self.write(info, obj));
        if !uid.is_empty() {
            self.enqueue(crate::sim::Work::Dependents(uid));
        }
        Ok(stored)
    }

    /// Stores `obj` with a new resourceVersion, notifies watches and controllers.
    pub(crate) fn write(&mut self, info: &'static ResourceInfo, mut obj: Value) -> Arc<Value> {
        let rv = self.store.bump_version();
        obj.set(
            &["metadata", "resourceVersion"],
            Value::from(rv.to_string()),
        );
        let obj = Arc::new(obj);
        let old = self.store.put(info.plural, Arc::clone(&obj));
        self.watches
            .notify(info.plural, old.as_deref(), Some(&obj), self.now);
        self.react(info.plural, old.as_deref(), Some(&obj));
        obj
    }

    /// Removes an object for good, notifying watches and controllers.
    pub(crate) fn erase(
        &mut self,
        info: &'static ResourceInfo,
        ns: &str,
        name: &str,
    ) -> Option<Value> {
        let mut old = Arc::unwrap_or_clone(self.store.remove(info.plural, ns, name)?);
        let rv = self.store.bump_version();
        old.set(
            &["metadata", "resourceVersion"],
            Value::from(rv.to_string()),
        );
        self.watches.notify(info.plural, Some(&old), None, self.now);
        self.forget_volumes(info.plural, &old);
        self.react(info.plural, Some(&old), None);
        Some(old)
    }
}
