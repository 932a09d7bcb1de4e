//! `kubectl set env --list` prints a `# KIND NAME, container C` header per
//! container, which a transcript cannot hold (its `# ` lines are comments):
//! the bytes as kubectl v1.36 prints them.

use ordinal_core::SimConfig;
use ordinal_kubectl::Session;

fn stdout(session: &mut Session, line: &str) -> String {
    let out = session.run_line(line);
    assert_eq!(out.exit_code, 0, "{line}: {out:?}");
    out.chunks
        .iter()
        .filter(|(err, _)| !err)
        .map(|(_, text)| text.as_str())
        .collect()
}

#[test]
fn set_env_list_prints_a_header_per_container_and_its_variables() {
    let mut session = Session::new(SimConfig::default());
    stdout(
        &mut session,
        "kubectl create deployment se --image=nginx:1.27",
    );
    stdout(
        &mut session,
        "kubectl set env deployment/se MODE=demo OTHER=1",
    );
    assert_eq!(
        stdout(&mut session, "kubectl set env deployment/se --list"),
        "# Deployment se, container nginx\nMODE=demo\nOTHER=1\n"
    );
    stdout(&mut session, "kubectl set env deployment/se MODE-");
    assert_eq!(
        stdout(&mut session, "kubectl set env deploy se --list -c 'ng*'"),
        "# Deployment se, container nginx\nOTHER=1\n"
    );
}
