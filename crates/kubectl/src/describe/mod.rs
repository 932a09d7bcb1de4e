//! `kubectl describe`: the human-readable layouts of kubectl
//! pkg/describe/describe.go for StatefulSets, Deployments, ReplicaSets, Pods,
//! PVCs, PVs, Services, StorageClasses, Nodes, Namespaces, ConfigMaps,
//! Secrets, Endpoints, EndpointSlices and PodDisruptionBudgets, and
//! the generic field-by-field describer for every other kind, each ending
//! with the object's Events table. Lines are
//! written with tabs and aligned by the describe tabwriter (minwidth 0,
//! padding 2), block by block, exactly as upstream's PrefixWriter does.

mod apps;
mod config;
mod generic;
mod network;
mod node;
mod pod;
mod storage;
mod workload;

use ordinal_model::Value;

use crate::printers::{parse_timestamp, PrintContext};
use crate::tabwriter::{TabWriter, KUBECTL_DESCRIBE};

/// Collects describe lines; each level indents two spaces.
#[derive(Debug, Default)]
pub struct Writer {
    text: String,
}

impl Writer {
    /// Writes `text` at indentation `level` (tabs separate aligned cells).
    pub fn line(&mut self, level: usize, text: &str) {
        self.text.push_str(&"  ".repeat(level));
        self.text.push_str(text);
        self.text.push('\n');
    }

    /// The text with its tabs left in place (how `rollout history --revision` prints).
    pub fn raw(self) -> String {
        self.text
    }

    /// The aligned output.
    pub fn finish(self) -> String {
        TabWriter::new(KUBECTL_DESCRIBE).format(&self.text)
    }
}

/// Everything a describer may look at besides the object.
pub struct Context<'a> {
    /// Ages and timestamps.
    pub print: PrintContext,
    /// Events about the object, in API order; `None` when they are not
    /// shown (no `Events:` section at all).
    pub events: Option<Vec<Value>>,
    /// Other objects the describer needs (pods of a set, pods using a claim, slices of a service).
    pub related: &'a [Value],
}

/// Describes one object (kinds without their own describer get the generic one).
pub fn describe(obj: &Value, ctx: &Context) -> String {
    let mut w = Writer::default();
    match obj.str_at(&["kind"]) {
        "StatefulSet" => workload::statefulset(obj, ctx, &mut w),
        "Pod" => pod::pod(obj, ctx, &mut w),
        "Service" => workload::service(obj, ctx, &mut w),
        "PersistentVolumeClaim" => storage::pvc(obj, ctx, &mut w),
        "PersistentVolume" => storage::pv(obj, ctx, &mut w),
        "StorageClass" => storage::storage_class(obj, ctx, &mut w),
        "Node" => node::node(obj, ctx, &mut w),
        "Namespace" => config::namespace(obj, ctx, &mut w),
        "ConfigMap" => config::config_map(obj, ctx, &mut w),
        "Deployment" => apps::deployment(obj, ctx, &mut w),
        "ReplicaSet" => apps::replica_set(obj, ctx, &mut w),
        "DaemonSet" => apps::daemon_set(obj, ctx, &mut w),
        "Secret" => config::secret(obj, ctx, &mut w),
        "ServiceAccount" => config::service_account(obj, ctx, &mut w),
        "Endpoints" => network::endpoints(obj, ctx, &mut w),
        "EndpointSlice" => network::endpoint_slice(obj, ctx, &mut w),
        "PodDisruptionBudget" => network::pod_disruption_budget(obj, ctx, &mut w),
        _ => generic::generic(obj, ctx, true, &mut w),
    }
    w.finish()
}

/// The generic layout without the Events table, as kubectl prints each
/// Event of `kubectl describe events`.
pub fn describe_without_events(obj: &Value, ctx: &Context) -> String {
    let mut w = Writer::default();
    generic::generic(obj, ctx, false, &mut w);
    w.finish()
}

/// A `Pod Template:` block as `kubectl rollout history --revision=N` prints it (tabs kept).
pub fn pod_template_raw(template: &Value) -> String {
    let mut w = Writer::default();
    workload::pod_template(template, &mut w);
    w.raw()
}

/// `Mon, 02 Jan 2006 15:04:05 -0700` (RFC1123Z) of an RFC 3339 timestamp.
pub fn rfc1123z(timestamp: &str) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let Some(ms) = parse_timestamp(timestamp) else {
        return "<unknown>".to_string();
    };
    let day = DAYS[((ms / 86_400_000) % 7) as usize];
    let month = timestamp[5..7].parse::<usize>().unwrap_or(1).clamp(1, 12);
    format!(
        "{day}, {} {} {} {} +0000",
        &timestamp[8..10],
        MONTHS[month - 1],
        &timestamp[..4],
        &timestamp[11..19]
    )
}

/// `Labels:` with one `k=v` per line, `<none>` when empty.
pub fn labels_multiline(w: &mut Writer, level: usize, title: &str, labels: Option<&Value>) {
    let pairs = crate::printers::key_value_pairs(labels);
    multiline(w, level, title, &pairs);
}

/// `Annotations:` with one `k: v` per line (last-applied skipped), `<none>` when empty.
pub fn annotations_multiline(
    w: &mut Writer,
    level: usize,
    title: &str,
    annotations: Option<&Value>,
) {
    let pairs: Vec<String> = annotations
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.as_str() != crate::cmd::LAST_APPLIED)
                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or("").trim_end_matches('\n')))
                .collect()
        })
        .unwrap_or_default();
    multiline(w, level, title, &pairs);
}

/// The `Name:`, `Namespace:`, `Labels:` and `Annotations:` lines most
/// describers open with.
pub fn meta_header(obj: &Value, w: &mut Writer) {
    w.line(0, &format!("Name:\t{}", obj.str_at(&["metadata", "name"])));
    w.line(
        0,
        &format!("Namespace:\t{}", obj.str_at(&["metadata", "namespace"])),
    );
    labels_multiline(w, 0, "Labels", obj.at(&["metadata", "labels"]));
    annotations_multiline(w, 0, "Annotations", obj.at(&["metadata", "annotations"]));
}

/// `Controlled By:  Kind/name` for the object's controller owner, if any.
pub fn controlled_by(w: &mut Writer, obj: &Value) {
    if let Some(owner) = obj
        .array_at(&["metadata", "ownerReferences"])
        .iter()
        .find(|o| o.at(&["controller"]).and_then(Value::as_bool) == Some(true))
    {
        w.line(
            0,
            &format!(
                "Controlled By:\t{}/{}",
                owner.str_at(&["kind"]),
                owner.str_at(&["name"])
            ),
        );
    }
}

/// A title with several values, one per line, aligned in the title's column.
pub fn multiline(w: &mut Writer, level: usize, title: &str, values: &[String]) {
    match values.split_first() {
        None => w.line(level, &format!("{title}:\t<none>")),
        Some((first, rest)) => {
            w.line(level, &format!("{title}:\t{first}"));
            // printLabelsMultiline: the indent is part of the title, so later
            // lines start with the tab alone (visible in the raw template
            // of `rollout history --revision`).
            for v in rest {
                w.line(0, &format!("\t{v}"));
            }
        }
    }
}

/// The `Events:` section (sorted by last timestamp, stable).
pub fn events(w: &mut Writer, ctx: &Context) {
    let Some(shown) = &ctx.events else {
        return;
    };
    if shown.is_empty() {
        w.line(0, "Events:\t<none>");
        return;
    }
    let mut events: Vec<&Value> = shown.iter().collect();
    ordinal_model::order::sort_by_key(&mut events, |e| {
        let last = e.str_at(&["lastTimestamp"]);
        let stamp = if last.is_empty() {
            e.str_at(&["eventTime"])
        } else {
            last
        };
        parse_timestamp(stamp).unwrap_or(0)
    });
    w.line(0, "Events:");
    w.line(1, "Type\tReason\tAge\tFrom\tMessage");
    w.line(1, "----\t------\t----\t----\t-------");
    for e in events {
        let first = if e.str_at(&["eventTime"]).is_empty() {
            ctx.print.since(e.str_at(&["firstTimestamp"]))
        } else {
            ctx.print.since(e.str_at(&["eventTime"]))
        };
        let count = e.i64_at(&["count"]).unwrap_or(1);
        let age = if let Some(series) = e.i64_at(&["series", "count"]) {
            format!(
                "{} (x{series} over {first})",
                ctx.print.since(e.str_at(&["series", "lastObservedTime"]))
            )
        } else if count > 1 {
            format!(
                "{} (x{count} over {first})",
                ctx.print.since(e.str_at(&["lastTimestamp"]))
            )
        } else {
            first
        };
        let source = match e.str_at(&["source", "component"]) {
            "" => e.str_at(&["reportingComponent"]),
            s => s,
        };
        let field_path = e.str_at(&["involvedObject", "fieldPath"]);
        let message = e.str_at(&["message"]).trim();
        let message = if field_path.is_empty() {
            message.to_string()
        } else {
            format!("{field_path}: {message}")
        };
        w.line(
            1,
            &format!(
                "{}\t{}\t{age}\t{source}\t{message}",
                e.str_at(&["type"]),
                e.str_at(&["reason"])
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_print_as_rfc1123z() {
        assert_eq!(
            rfc1123z("2026-11-23T11:53:49Z"),
            "Mon, 23 Nov 2026 11:53:49 +0000"
        );
        assert_eq!(
            rfc1123z("2025-01-01T10:00:00Z"),
            "Wed, 01 Jan 2025 10:00:00 +0000"
        );
    }

    #[test]
    fn multiline_values_align_under_the_first() {
        let mut w = Writer::default();
        multiline(&mut w, 0, "Labels", &["a=1".to_string(), "b=2".to_string()]);
        w.line(0, "Annotations:\t<none>");
        assert_eq!(
            w.finish(),
            "Labels:       a=1\n              b=2\nAnnotations:  <none>\n"
        );
    }
}

#[cfg(test)]
mod layout_tests {
    use super::*;

    const STS: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: default
  uid: u1
  creationTimestamp: \"2025-01-01T10:00:00Z\"
spec:
  replicas: 3
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: redis
        image: redis:7.2
        ports:
        - {containerPort: 6379, name: redis, protocol: TCP}
        volumeMounts:
        - {mountPath: /data, name: data}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {partition: 0}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests: {storage: 1Gi}
status:
  replicas: 3
";

    const EXPECTED: &str = "Name:               db
Namespace:          default
CreationTimestamp:  Wed, 01 Jan 2025 10:00:00 +0000
Selector:           app=db
Labels:             <none>
Annotations:        <none>
Replicas:           3 desired | 3 total
Update Strategy:    RollingUpdate
  Partition:        0
Pods Status:        0 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=db
  Containers:
   redis:
    Image:        redis:7.2
    Port:         6379/TCP (redis)
    Host Port:    0/TCP (redis)
    Environment:  <none>
    Mounts:
      /data from data (rw)
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Volume Claims:
  Name:          data
  StorageClass:  
  Labels:        <none>
  Annotations:   <none>
  Capacity:      1Gi
  Access Modes:  [ReadWriteOnce]
Events:
  Type    Reason            Age   From                    Message
  ----    ------            ----  ----                    -------
  Normal  SuccessfulCreate  60s   statefulset-controller  create Pod db-0 in StatefulSet db successful
";

    #[test]
    fn statefulset_layout_matches_kubectl() {
        let sts = ordinal_model::yaml::parse_stream(STS).docs.remove(0).value;
        let event = Value::from([
            ("type", Value::from("Normal")),
            ("reason", Value::from("SuccessfulCreate")),
            (
                "message",
                Value::from("create Pod db-0 in StatefulSet db successful"),
            ),
            (
                "source",
                Value::from([("component", Value::from("statefulset-controller"))]),
            ),
            ("firstTimestamp", Value::from("2025-01-01T10:00:00Z")),
            ("lastTimestamp", Value::from("2025-01-01T10:00:00Z")),
            ("count", Value::Int(1)),
        ]);
        let now_ms = parse_timestamp("2025-01-01T10:01:00Z").unwrap_or(0);
        let ctx = Context {
            print: PrintContext { now_ms },
            events: Some(vec![event]),
            related: &[],
        };
        assert_eq!(describe(&sts, &ctx), EXPECTED);
    }

    const STS_WITH_INIT: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: default
  uid: u1
  creationTimestamp: \"2025-01-01T10:00:00Z\"
spec:
  replicas: 2
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      initContainers:
      - name: init-conf
        image: busybox:1.36
        command: [sh, -c, \"cp /src/redis.conf /conf/\"]
        env:
        - name: POD_NAME
          valueFrom:
            fieldRef: {apiVersion: v1, fieldPath: metadata.name}
        volumeMounts:
        - {mountPath: /conf, name: conf}
      containers:
      - name: redis
        image: redis:7.2
        ports:
        - {containerPort: 6379, name: redis, protocol: TCP}
        volumeMounts:
        - {mountPath: /data, name: data}
        - {mountPath: /conf, name: conf}
      volumes:
      - name: conf
        emptyDir: {}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {partition: 0}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests: {storage: 1Gi}
status:
  replicas: 2
";

    /// What kubectl v1.36 prints for [`STS_WITH_INIT`] (no events): the
    /// template's `Init Containers:` before its `Containers:`, a template's
    /// `fieldRef` left unresolved.
    const EXPECTED_WITH_INIT: &str = "Name:               db
Namespace:          default
CreationTimestamp:  Wed, 01 Jan 2025 10:00:00 +0000
Selector:           app=db
Labels:             <none>
Annotations:        <none>
Replicas:           2 desired | 2 total
Update Strategy:    RollingUpdate
  Partition:        0
Pods Status:        0 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=db
  Init Containers:
   init-conf:
    Image:      busybox:1.36
    Port:       <none>
    Host Port:  <none>
    Command:
      sh
      -c
      cp /src/redis.conf /conf/
    Environment:
      POD_NAME:   (v1:metadata.name)
    Mounts:
      /conf from conf (rw)
  Containers:
   redis:
    Image:        redis:7.2
    Port:         6379/TCP (redis)
    Host Port:    0/TCP (redis)
    Environment:  <none>
    Mounts:
      /conf from conf (rw)
      /data from data (rw)
  Volumes:
   conf:
    Type:          EmptyDir (a temporary directory that shares a pod's lifetime)
    Medium:        
    SizeLimit:     <unset>
  Node-Selectors:  <none>
  Tolerations:     <none>
Volume Claims:
  Name:          data
  StorageClass:  
  Labels:        <none>
  Annotations:   <none>
  Capacity:      1Gi
  Access Modes:  [ReadWriteOnce]
Events:          <none>
";

    #[test]
    fn pod_template_init_containers_match_kubectl() {
        let sts = ordinal_model::yaml::parse_stream(STS_WITH_INIT)
            .docs
            .remove(0)
            .value;
        let ctx = Context {
            print: PrintContext { now_ms: 0 },
            events: Some(vec![]),
            related: &[],
        };
        assert_eq!(describe(&sts, &ctx), EXPECTED_WITH_INIT);
    }
}
