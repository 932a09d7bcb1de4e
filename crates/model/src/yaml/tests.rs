//! Parse-error texts and line numbers checked against kubectl v1.36.3.

use super::*;

fn err(text: &str) -> String {
    parse_stream(text)
        .error
        .map(|e| e.message)
        .unwrap_or_default()
}

#[test]
fn learner_mistakes_fail_with_go_yaml_texts_and_lines() {
    let cases: &[(&str, &str)] = &[
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   namespace: y\ndata:\n  a: \"1\"\n",
            "yaml: line 5: mapping values are not allowed in this context",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n    name: x\n  namespace: y\ndata:\n  a: \"1\"\n",
            "yaml: line 4: did not find expected key",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n",
            "yaml: line 4: found character that cannot start any token",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name x\n  namespace: y\n",
            "yaml: line 5: mapping values are not allowed in this context",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x: y\n",
            "yaml: line 4: mapping values are not allowed in this context",
        ),
        (
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: redis\n       - name: b\n        image: redis\n",
            "yaml: line 10: did not find expected key",
        ),
        (
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: p\nspec:\n  accessModes: [ \"ReadWriteOnce\"\n  resources:\n    requests:\n      storage: 1Gi\n",
            "yaml: line 6: did not find expected ',' or ']'",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"x\ndata:\n  a: b\n",
            "yaml: line 7: found unexpected end of stream",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n     image: redis\n",
            "yaml: line 8: mapping values are not allowed in this context",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n- a\n",
            "yaml: line 4: did not find expected key",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: redis\n  - name: b\n",
            "yaml: line 8: did not find expected key",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: *x\n",
            "yaml: unknown anchor 'x' referenced",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n\timage: r\n",
            "yaml: line 8: found a tab character that violates indentation",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 'x\n",
            "yaml: line 5: found unexpected end of stream",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(&err(text), want, "{text}");
    }
}

#[test]
fn separators_split_documents_and_lines_are_relative() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  labels:\n  app: z\n   b: c\n";
    let s = parse_stream(text);
    assert_eq!(s.docs.len(), 1);
    let e = s.error.unwrap();
    assert_eq!(
        e.message,
        "yaml: line 7: mapping values are not allowed in this context"
    );
    assert_eq!(e.pos.line, 12);
    let bad = parse_stream("a: 1\n--- foo\nb: 2\n");
    assert_eq!(
        bad.error.unwrap().message,
        "invalid Yaml document separator: foo"
    );
}

#[test]
fn scalars_resolve_like_kubectl() {
    let s = parse_stream("a: yes\nb: y\nc: \"80\"\nd: 0x10\ne: 1.0\nf: ~\ng:\nh: [ \"ReadWriteOnce\" ]\ni: |\n  x\n  y\nj: >-\n  a\n  b\n");
    let v = &s.docs[0].value;
    assert_eq!(v.get("a"), Some(&Value::Bool(true)));
    assert_eq!(v.get("b"), Some(&Value::Bool(true)));
    assert_eq!(v.get("c"), Some(&Value::from("80")));
    assert_eq!(v.get("d"), Some(&Value::Int(16)));
    assert_eq!(v.get("e"), Some(&Value::Int(1)));
    assert_eq!(v.get("f"), Some(&Value::Null));
    assert_eq!(v.get("g"), Some(&Value::Null));
    assert_eq!(
        v.get("h"),
        Some(&Value::Array(vec!["ReadWriteOnce".into()]))
    );
    assert_eq!(v.get("i"), Some(&Value::from("x\ny\n")));
    assert_eq!(v.get("j"), Some(&Value::from("a b")));
}

#[test]
fn bool_keys_become_strings() {
    let s = parse_stream("y: 1\nn: 2\n");
    let v = &s.docs[0].value;
    assert_eq!(v.get("true"), Some(&Value::Int(1)));
    assert_eq!(v.get("false"), Some(&Value::Int(2)));
}

#[test]
fn spans_point_at_keys_and_values() {
    let s = parse_stream(
        "# c\n---\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: redis # 注释\n",
    );
    let d = &s.docs[0];
    assert_eq!(d.first_line, 3);
    let sp = d.spans.span("spec.containers[0].image").unwrap();
    assert_eq!(sp.key, Some(Pos { line: 7, column: 5 }));
    assert_eq!(
        sp.value,
        Pos {
            line: 7,
            column: 12
        }
    );
    assert_eq!(
        d.spans.value("spec.containers[0]"),
        Some(Pos { line: 6, column: 5 })
    );
}

#[test]
fn anchors_expand_and_billion_laughs_is_refused() {
    let s = parse_stream("a: &x {k: v}\nb: *x\n");
    assert_eq!(s.docs[0].value.get("b"), s.docs[0].value.get("a"));
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = (b'a' + i - 1) as char;
        let cur = (b'a' + i) as char;
        bomb.push_str(&format!("{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let e = parse_stream(&bomb).error.unwrap();
    assert_eq!(e.message, "yaml: document contains excessive aliasing");
}

#[test]
fn empty_and_comment_only_documents_are_skipped() {
    let s = parse_stream("---\n# only a comment\n---\na: 1\n...\n");
    assert_eq!(s.docs.len(), 1);
    assert!(s.error.is_none());
}

#[test]
fn infinity_cannot_become_json() {
    let e = parse_stream("a: .inf\n").error.unwrap();
    assert_eq!(e.message, "json: unsupported value: +Inf");
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let s = parse_stream("\u{feff}apiVersion: v1\nkind: ConfigMap\n");
    assert_eq!(s.docs[0].value.str_at(&["kind"]), "ConfigMap");
}

#[test]
fn concatenated_json_objects_are_a_stream() {
    let s = parse_stream("{\"kind\": \"A\"}\n{\"kind\": \"B\",\n \"x\": [1]}\n");
    assert_eq!(s.docs.len(), 2);
    assert_eq!(s.docs[1].value.str_at(&["kind"]), "B");
    assert_eq!(s.docs[1].spans.key("x").map(|p| p.line), Some(3));
    let single = parse_stream("{\"kind\": \"A\",}\n");
    assert_eq!(single.docs.len(), 1);
}

#[test]
fn errors_on_the_first_line_carry_no_line_number() {
    assert_eq!(
        err("a: b: c\n"),
        "yaml: mapping values are not allowed in this context"
    );
}

#[test]
fn a_leading_separator_stays_in_the_document_for_line_numbers() {
    let text = "---\na: 1\nb:\n  c: d\n   e: f\n";
    assert_eq!(
        err(text),
        "yaml: line 5: mapping values are not allowed in this context"
    );
    let after = "x: 1\n---\na: 1\nb:\n  c: d\n   e: f\n";
    assert_eq!(
        err(after),
        "yaml: line 4: mapping values are not allowed in this context"
    );
}

#[test]
fn directives_need_a_document_start_and_yaml_1_1() {
    assert_eq!(
        err("%YAML 1.1\na: 1\n"),
        "yaml: line 1: did not find expected <document start>"
    );
    assert_eq!(
        err("%YAML 1.2\n---\na: 1\n"),
        "yaml: found incompatible YAML document"
    );
    // kubectl splits at the `---`, so go-yaml never sees the directive's document start.
    assert_eq!(
        err("%YAML 1.1\n---\na: 1\n"),
        "yaml: line 1: did not find expected <document start>"
    );
}

#[test]
fn broken_json_reports_the_json_decoder_error() {
    let s = parse_stream("{a: 1\nb: [\n");
    let e = s.error.unwrap();
    assert_eq!(
        e.message,
        "json: offset 2: invalid character 'a' looking for beginning of object key string"
    );
    assert!(!e.conversion);
    let truncated = parse_stream("{\"apiVersion\": \"v1\",\n \"metadata\": {\"name\": \"x\"\n}\n");
    assert_eq!(truncated.error.unwrap().message, "unexpected EOF");
}
