//! Messages checked against the fidelity reference (§3.3).

use super::*;
use crate::defaults::apply_defaults;
use crate::yaml::parse_stream;

const STS: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: redis
        image: redis:7.2
";

fn sts(edit: impl Fn(&mut Value)) -> Vec<String> {
    let mut v = parse_stream(STS).docs.remove(0).value;
    edit(&mut v);
    apply_defaults(&mut v);
    validate(&v).iter().map(ToString::to_string).collect()
}

#[test]
fn a_valid_stateful_set_has_no_errors() {
    assert_eq!(sts(|_| {}), Vec::<String>::new());
}

#[test]
fn stateful_set_rows_of_the_reference() {
    assert_eq!(
        sts(|v| v.set(&["metadata", "name"], "Web_1".into())),
        vec!["metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]
    );
    assert_eq!(
        sts(|v| v.set(&["metadata", "name"], "db.v1".into())),
        vec!["metadata.name: Invalid value: \"db.v1\": must not contain dots"]
    );
    assert_eq!(
        sts(|v| {
            v.remove(&["spec", "selector"]);
        }),
        vec![
            "spec.selector: Required value",
            "spec.template.metadata.labels: Invalid value: {\"app\":\"db\"}: `selector` does not match template `labels`"
        ]
    );
    assert_eq!(
        sts(|v| v.set(&["spec", "selector"], Value::object())),
        vec!["spec.selector: Invalid value: {}: empty selector is invalid for statefulset"]
    );
    assert_eq!(
        sts(|v| v.set(&["spec", "template", "metadata", "labels", "app"], "cache".into())),
        vec!["spec.template.metadata.labels: Invalid value: {\"app\":\"cache\"}: `selector` does not match template `labels`"]
    );
    assert_eq!(
        sts(|v| v.set(&["spec", "replicas"], Value::Int(-1))),
        vec!["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]
    );
    assert_eq!(
        sts(|v| {
            v.set(&["spec", "updateStrategy", "type"], "OnDelete".into());
            v.set(&["spec", "updateStrategy", "rollingUpdate", "partition"], Value::Int(2));
        }),
        vec!["spec.updateStrategy.rollingUpdate: Invalid value: {\"Partition\":2,\"MaxUnavailable\":null}: only allowed for updateStrategy 'RollingUpdate'"]
    );
    assert_eq!(
        sts(|v| v.set(&["spec", "updateStrategy", "type"], "Rolling".into())),
        vec!["spec.updateStrategy: Invalid value: {\"Type\":\"Rolling\",\"RollingUpdate\":null}: must be 'RollingUpdate' or 'OnDelete'"]
    );
    assert_eq!(
        sts(|v| v.set(&["spec", "podManagementPolicy"], "Sequential".into())),
        vec!["spec.podManagementPolicy: Invalid value: \"Sequential\": must be 'OrderedReady' or 'Parallel'"]
    );
    assert_eq!(
        sts(|v| v.set(&["spec", "persistentVolumeClaimRetentionPolicy", "whenScaled"], "Keep".into())),
        vec!["spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\""]
    );
    assert_eq!(
        sts(|v| v.set(&["spec", "template", "spec", "restartPolicy"], "OnFailure".into())),
        vec!["spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""]
    );
    assert_eq!(
        sts(|v| v.set(&["spec", "template", "spec", "activeDeadlineSeconds"], Value::Int(5))),
        vec!["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported"]
    );
}

#[test]
fn invalid_status_framing() {
    let errs = vec![
        FieldError::invalid(
            "spec.replicas",
            Value::Int(-1),
            "must be greater than or equal to 0",
        ),
        FieldError::required("spec.selector", ""),
    ];
    assert_eq!(
        invalid_status_message("StatefulSet", "db", &errs[..1]),
        "The StatefulSet \"db\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    );
    assert_eq!(
        invalid_status_message("StatefulSet", "db", &errs),
        "The StatefulSet \"db\" is invalid: \n* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n* spec.selector: Required value"
    );
    assert_eq!(
        status_message("StatefulSet.apps", "db", &errs),
        "StatefulSet.apps \"db\" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.selector: Required value]"
    );
}

#[test]
fn immutable_spec_fields_are_forbidden_on_update() {
    let mut old = parse_stream(STS).docs.remove(0).value;
    apply_defaults(&mut old);
    let mut new = old.clone();
    new.set(&["spec", "replicas"], Value::Int(5));
    assert!(validate_update(&old, &new).is_empty());
    new.set(&["spec", "serviceName"], "other".into());
    assert_eq!(
        validate_update(&old, &new).iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec!["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"]
    );
}

#[test]
fn pods_created_from_templates_are_checked() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db-0\nspec:\n  containers:\n  - name: redis\n    image: redis\n    ports:\n    - containerPort: 6379\n      name: redis\n    - containerPort: 6380\n      name: redis\n  - name: redis\n    image: redis\n";
    let mut v = parse_stream(text).docs.remove(0).value;
    apply_defaults(&mut v);
    let errs: Vec<String> = validate(&v).iter().map(ToString::to_string).collect();
    assert_eq!(
        errs,
        vec![
            "spec.containers[0].ports[1].name: Duplicate value: \"redis\"",
            "spec.containers[1].name: Duplicate value: \"redis\"",
        ]
    );
    assert_eq!(
        invalid_status_message("Pod", "db-0", &validate(&v)[1..]),
        "The Pod \"db-0\" is invalid: spec.containers[1].name: Duplicate value: \"redis\""
    );
}

#[test]
fn service_and_claim_rules() {
    let svc =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1db\nspec:\n  ports:\n  - port: 70000\n";
    let mut v = parse_stream(svc).docs.remove(0).value;
    apply_defaults(&mut v);
    let errs: Vec<String> = validate(&v).iter().map(ToString::to_string).collect();
    assert_eq!(errs.len(), 3);
    assert!(errs[0].starts_with("metadata.name: Invalid value: \"1db\": a DNS-1035 label"));
    assert_eq!(
        errs[1],
        "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"
    );
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  resources: {}\n";
    let mut v = parse_stream(pvc).docs.remove(0).value;
    apply_defaults(&mut v);
    let errs: Vec<String> = validate(&v).iter().map(ToString::to_string).collect();
    assert_eq!(
        errs,
        vec![
            "spec.accessModes: Required value: at least 1 access mode is required",
            "spec.resources[storage]: Required value",
        ]
    );
}

#[test]
fn claim_specs_are_immutable_except_requests() {
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n";
    let mut old = parse_stream(pvc).docs.remove(0).value;
    apply_defaults(&mut old);
    let mut new = old.clone();
    new.set(&["spec", "resources", "requests", "storage"], "2Gi".into());
    assert!(validate_update(&old, &new).is_empty());
    new.set(
        &["spec", "accessModes"],
        Value::Array(vec!["ReadWriteMany".into()]),
    );
    assert_eq!(
        validate_update(&old, &new)[0].to_string(),
        "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
    );
}

#[test]
fn selector_expressions_are_checked() {
    let errs = sts(|v| {
        v.set(
            &["spec", "selector"],
            Value::from([(
                "matchExpressions",
                Value::Array(vec![Value::from([
                    ("key", Value::from("app")),
                    ("operator", Value::from("In")),
                ])]),
            )]),
        )
    });
    assert_eq!(
        errs,
        vec![
            "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
            "spec.selector: Invalid value: {\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\"}]}",
        ]
    );
}

#[test]
fn named_target_ports_must_be_iana_names() {
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n    targetPort: Http\n";
    let mut v = parse_stream(svc).docs.remove(0).value;
    apply_defaults(&mut v);
    let errs: Vec<String> = validate(&v).iter().map(ToString::to_string).collect();
    assert_eq!(
        errs,
        vec!["spec.ports[0].targetPort: Invalid value: \"Http\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"]
    );
}

fn service(text: &str) -> Value {
    let mut v = parse_stream(text).docs.remove(0).value;
    apply_defaults(&mut v);
    v
}

#[test]
fn cluster_ips_may_not_change_but_may_be_omitted() {
    let head = "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  selector:\n    app: db\n  ports:\n  - port: 6379\n";
    let live = service(&format!("{head}  clusterIP: 10.96.0.9\n"));
    let replaced = service(head);
    assert!(validate_update(&live, &replaced).is_empty());
    let mut prepared = replaced.clone();
    prepare_service_update(&live, &mut prepared);
    assert_eq!(prepared.str_at(&["spec", "clusterIP"]), "10.96.0.9");
    let headless = service(&format!("{head}  clusterIP: None\n"));
    let errs: Vec<String> = validate_update(&headless, &live)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errs,
        vec!["spec.clusterIPs[0]: Invalid value: [\"10.96.0.9\"]: may not change once set"]
    );
    assert!(validate_update(&headless, &headless).is_empty());
}

#[test]
fn pod_updates_compare_quantities_by_amount_and_other_strings_exactly() {
    let pod = |cpu: &str, value: &str| {
        let text = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n    env:\n    - name: PORT\n      value: \"{value}\"\n    resources:\n      requests:\n        cpu: \"{cpu}\"\n");
        let mut v = parse_stream(&text).docs.remove(0).value;
        apply_defaults(&mut v);
        v
    };
    let old = pod("1", "10");
    let same_amount = validate_update(&old, &pod("1000m", "10"));
    assert!(same_amount.is_empty(), "{same_amount:?}");
    let errs = validate_update(&old, &pod("1", "1e1"));
    assert_eq!(errs.len(), 1);
    let text = errs[0].to_string();
    assert!(text.starts_with(
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
    ));
    assert!(
        text.contains("\n- \t\t\t\t\tValue:     \"10\",\n+ \t\t\t\t\tValue:     \"1e1\",\n  \t\t\t\t\tValueFrom: nil,\n"),
        "{text}"
    );
}
