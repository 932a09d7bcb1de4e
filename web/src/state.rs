//! The playground's one reducer. It owns the terminal [`Session`] (and so the
//! simulated cluster); every control becomes the kubectl command a learner
//! would type, run through the same emulation as the terminal, so the page
//! and the terminal can never disagree. Every command is also kept, with the
//! virtual time it ran at, in a log that replays into a fresh session.
//! Snapshots of the session taken as time passes let the timeline rewind.

use std::cell::RefCell;
use std::rc::Rc;

use ordinal_core::config::SimConfig;
use ordinal_kubectl::shell::Session;
use yew::Reducible;

use crate::examples::{SAMPLE_FILE, SAMPLE_MANIFEST};
use crate::i18n::Lang;
use crate::view::{view_of, ClusterView, Focus, WorkloadKind};

/// Longest virtual step one animation tick may take, so a slow frame never
/// skips over phases a learner should see.
pub const MAX_TICK_MS: u64 = 2_000;
/// Terminal lines kept for display.
pub const MAX_TERMINAL_LINES: usize = 500;
/// Largest replica count the scale controls go to.
pub const MAX_SCALE_REPLICAS: i64 = 20;
/// Commands kept in the log (history and autosave).
pub const MAX_LOGGED_COMMANDS: usize = 200;
/// Longest command line accepted, in bytes (an applied manifest is one command).
pub const MAX_COMMAND_BYTES: usize = 65_536;
/// Snapshots the timeline keeps (the oldest are dropped).
pub const MAX_SNAPSHOTS: usize = 60;
/// Virtual milliseconds between timeline snapshots.
pub const SNAPSHOT_EVERY_MS: u64 = 5_000;
/// Fewest real milliseconds between timeline snapshots at fast speeds: each
/// copies the whole cluster, which with a thousand pods costs a frame.
pub const SNAPSHOT_MIN_REAL_MS: f64 = 1_000.0;
/// Ticks between refreshes of the inspector's output.
pub const INSPECT_EVERY_TICKS: u64 = 10;
/// Ticks between refreshes of the events panel and the completion names
/// (every other action refreshes them at once): reading them walks every
/// event of the namespace, thousands with a thousand pods.
pub const EVENTS_EVERY_TICKS: u64 = 5;
/// Heredoc terminator of applied manifests.
const HEREDOC_END: &str = "EOF";
/// How Ctrl-C on a live `kubectl get -w` is kept in the command log.
pub const INTERRUPT: &str = "^C";
/// How the end of a stream that ended by itself (an attached `kubectl run
/// -it --rm` deletes its pod when its command has exited) is kept in the
/// command log: a replay polls the stream at that virtual time, so the pod
/// goes at the same moment. Never shown, nor offered by the history.
pub const STREAM_END: &str = "^D";

/// What a terminal line is, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// A command, shown after the `$ ` prompt.
    Command,
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// One line of the terminal transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermLine {
    /// Its kind.
    pub kind: LineKind,
    /// Its text (commands without the prompt).
    pub text: String,
}

/// A command that ran, with the virtual time it started at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedCommand {
    /// Virtual milliseconds since the playground started.
    pub at_ms: u64,
    /// The command line.
    pub line: String,
}

/// An object shown in the inspector: its `get -o yaml` and `describe`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    /// Resource type as kubectl takes it (`pod`, `pvc`, `statefulset`).
    pub resource: String,
    /// Object name.
    pub name: String,
    /// Each command with its output.
    pub outputs: Vec<(String, String)>,
}

/// A moment the timeline can rewind to. The session sits behind an `Rc`:
/// the list of snapshots is copied whenever one is added, and a copied
/// cluster of a thousand pods would cost a frame.
#[derive(Clone)]
struct Snapshot {
    at_ms: u64,
    session: Rc<Session>,
    log_len: usize,
    terminal: Rc<Vec<TermLine>>,
}

/// The reducer state.
pub struct Playground {
    session: Rc<RefCell<Session>>,
    started_ms: u64,
    snapshots: Rc<Vec<Snapshot>>,
    ticks: u64,
    /// Virtual milliseconds per real millisecond.
    pub speed: f64,
    /// Whether time stands still.
    pub paused: bool,
    /// What the page shows.
    pub view: Rc<ClusterView>,
    /// The terminal transcript: commands and their output.
    pub terminal: Rc<Vec<TermLine>>,
    /// Every command run since the start, for history and autosave.
    pub log: Rc<Vec<LoggedCommand>>,
    /// The object the inspector shows.
    pub inspection: Option<Rc<Inspection>>,
    /// The page's language.
    pub lang: Lang,
}

/// Everything the page can ask the reducer to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Real time passed; advance virtual time by `real_ms * speed`.
    Tick(u64),
    /// Change `spec.replicas` by this much (runs `kubectl scale`).
    Scale(i64),
    /// Set `spec.replicas` (runs `kubectl scale`).
    SetReplicas(i64),
    /// Update the first container's image (runs `kubectl set image`).
    SetImage(String),
    /// Set the rolling update's partition (runs `kubectl patch`).
    SetPartition(i64),
    /// Set `spec.updateStrategy.type`: `RollingUpdate` or `OnDelete` (runs `kubectl patch`).
    SetStrategy(String),
    /// Delete one pod (runs `kubectl delete pod`).
    DeletePod(String),
    /// Force-delete one pod (runs `kubectl delete pod --grace-period=0 --force`).
    ForceDeletePod(String),
    /// Power a node off (runs `docker stop`, as on a kind cluster).
    StopNode(String),
    /// Power a node on (runs `docker start`).
    StartNode(String),
    /// Delete the focused workload, orphaning its pods when true.
    DeleteSet(bool),
    /// Roll back to the previous revision (runs `kubectl rollout undo`).
    Undo,
    /// Apply a manifest (runs `kubectl apply -f -` with it on stdin).
    Apply(String),
    /// Delete what a manifest describes (runs `kubectl delete -f -`).
    DeleteManifest(String),
    /// Act on another workload, given as its [`Focus::key`]
    /// (`namespace/name`, `deployment/namespace/name`).
    Focus(String),
    /// Show an object in the inspector: resource type and name.
    Inspect(String, String),
    /// Close the inspector.
    CloseInspector,
    /// Set the playback speed.
    SetSpeed(f64),
    /// Pause or resume time.
    TogglePause,
    /// Pause and move to the next thing the cluster does.
    Step,
    /// Go back to the snapshot with this index.
    Rewind(usize),
    /// Run a command line as if typed in the terminal (ending a live watch first).
    Run(String),
    /// Show a typed line whose help texts are being loaded (see [`crate::docs`]).
    AwaitDocs(String),
    /// The help texts a shown line waited for arrived: run it (without
    /// showing it again), or print why they could not be loaded.
    DocsLoaded(String, Option<String>),
    /// Ctrl-C in the terminal: end the live `kubectl get -w`.
    Interrupt,
    /// Show the page in this language.
    SetLang(Lang),
    /// Start again on a fresh cluster with an empty log.
    Reset,
    /// Replay the log into a fresh session, brought to the same time: the
    /// help texts arrived after a restored log's help lines ran without them.
    Replay,
}

impl Default for Playground {
    fn default() -> Self {
        Playground::restore(SimConfig::default(), Lang::default(), &[])
    }
}

/// `kubectl apply -f -` (or another verb) with `manifest` as a heredoc.
pub fn with_manifest(command: &str, manifest: &str) -> String {
    let body = manifest.trim_end_matches('\n');
    format!("{command} <<{HEREDOC_END}\n{body}\n{HEREDOC_END}")
}

/// The workload an `apply` of a heredoc manifest creates, to focus on: its
/// first StatefulSet, else its first Deployment.
fn focus_of_command(line: &str) -> Option<Focus> {
    let (first, body) = line.split_once('\n')?;
    if !first.starts_with("kubectl apply") {
        return None;
    }
    let body = body.strip_suffix(HEREDOC_END).unwrap_or(body);
    let decoded = ordinal_model::decode::decode_manifest(body, "-");
    [WorkloadKind::StatefulSet, WorkloadKind::Deployment]
        .into_iter()
        .find_map(|kind| {
            let obj = decoded
                .objects
                .iter()
                .map(|(obj, _)| obj)
                .find(|obj| obj.str_at(&["kind"]) == kind.kind())?;
            let ns = obj.str_at(&["metadata", "namespace"]);
            Some(Focus {
                kind,
                namespace: if ns.is_empty() { "default" } else { ns }.to_string(),
                name: obj.str_at(&["metadata", "name"]).to_string(),
            })
        })
}

impl Playground {
    /// A playground on a fresh cluster with the sample manifest applied.
    pub fn new(config: SimConfig) -> Playground {
        Playground::restore(config, Lang::default(), &[])
    }

    /// A fresh cluster with the sample applied and then `log` replayed, each
    /// command at the virtual time it first ran: the simulation is
    /// deterministic, so the cluster comes back to the state it was in.
    pub fn restore(config: SimConfig, lang: Lang, log: &[LoggedCommand]) -> Playground {
        let mut session = Session::new(config);
        session.live = true;
        let started_ms = session.sim.now();
        session
            .files
            .insert(SAMPLE_FILE.to_string(), SAMPLE_MANIFEST.to_string());
        let mut terminal = Vec::new();
        run_into(
            &mut session,
            &mut terminal,
            &format!("kubectl apply -f {SAMPLE_FILE}"),
        );
        let mut focus = Focus::default();
        let mut replayed = Vec::new();
        for command in log.iter().take(MAX_LOGGED_COMMANDS) {
            let at = started_ms.saturating_add(command.at_ms);
            let now = session.sim.now();
            if at > now {
                session.sim.advance(at - now);
                show(&mut terminal, &session.poll_stream());
            }
            if command.line == STREAM_END {
                // Its output, then what ending does (the pod's deletion).
                for _ in 0..2 {
                    show(&mut terminal, &session.poll_stream());
                }
                log_command(&mut replayed, command.at_ms, STREAM_END);
                continue;
            }
            if let Some(f) = focus_of_command(&command.line) {
                focus = f;
            }
            run_logged(
                &mut session,
                &mut terminal,
                &mut replayed,
                started_ms,
                &command.line,
            );
        }
        let view = Rc::new(view_of(&session.sim, &focus, started_ms, None));
        Playground {
            session: Rc::new(RefCell::new(session)),
            started_ms,
            // The first snapshot is taken by the first action (see `reduce`),
            // after the page's first render.
            snapshots: Rc::new(Vec::new()),
            ticks: 0,
            speed: 1.0,
            paused: false,
            view,
            terminal: Rc::new(terminal),
            log: Rc::new(replayed),
            inspection: None,
            lang,
        }
    }

    /// The same playground acting on the workload `key` ([`Focus::key`]).
    pub fn focused_on(self, key: &str) -> Playground {
        let state = Rc::new(self).reduce(Action::Focus(key.to_string()));
        Rc::try_unwrap(state).unwrap_or_else(|shared| shared.clone_state())
    }

    /// Virtual seconds (since start) of each snapshot the timeline offers.
    pub fn snapshot_times(&self) -> Vec<u64> {
        self.snapshots.iter().map(|s| s.at_ms / 1000).collect()
    }

    /// The command a control runs, for the focused workload.
    fn command_for(&self, action: &Action) -> Option<String> {
        let focus = &self.view.focus;
        let (name, ns) = (&focus.name, focus.ns_flag());
        let resource = focus.kind.resource();
        let set = self.view.set.as_ref();
        // The update strategy controls are a StatefulSet's.
        let sts_only = || {
            (focus.kind == WorkloadKind::StatefulSet)
                .then_some(set)
                .flatten()
        };
        let scale = |target: i64| {
            let target = target.clamp(0, MAX_SCALE_REPLICAS);
            match focus.kind {
                WorkloadKind::StatefulSet => {
                    format!("kubectl scale statefulset {name} --replicas={target}{ns}")
                }
                WorkloadKind::Deployment => {
                    format!("kubectl scale deployment/{name} --replicas={target}{ns}")
                }
            }
        };
        Some(match action {
            Action::Scale(delta) => scale(self.view.replicas? + delta),
            Action::SetReplicas(n) => {
                set?;
                scale(*n)
            }
            Action::SetImage(image) => {
                let image = image.trim();
                let container = &set?.container;
                (!image.is_empty() && !image.contains(char::is_whitespace)).then_some(())?;
                format!("kubectl set image {resource}/{name} {container}={image}{ns}")
            }
            Action::SetPartition(p) => {
                sts_only()?;
                let p = (*p).clamp(0, MAX_SCALE_REPLICAS);
                strategy_patch(
                    name,
                    &ns,
                    &format!("\"type\":\"RollingUpdate\",\"rollingUpdate\":{{\"partition\":{p}}}"),
                )
            }
            Action::SetStrategy(kind) => {
                sts_only()?;
                // OnDelete takes no rollingUpdate block: the API server rejects one.
                let rolling = match kind.as_str() {
                    "RollingUpdate" => "",
                    "OnDelete" => ",\"rollingUpdate\":null",
                    _ => return None,
                };
                strategy_patch(name, &ns, &format!("\"type\":\"{kind}\"{rolling}"))
            }
            Action::DeletePod(pod) => format!("kubectl delete pod {pod} --wait=false{ns}"),
            Action::ForceDeletePod(pod) => {
                format!("kubectl delete pod {pod} --grace-period=0 --force{ns}")
            }
            Action::StopNode(node) => format!("docker stop {node}"),
            Action::StartNode(node) => format!("docker start {node}"),
            Action::DeleteSet(orphan) => {
                set?;
                let cascade = if *orphan { " --cascade=orphan" } else { "" };
                format!("kubectl delete {resource} {name}{cascade}{ns}")
            }
            Action::Undo => format!("kubectl rollout undo {resource}/{name}{ns}"),
            Action::Apply(text) => with_manifest("kubectl apply -f -", text),
            Action::DeleteManifest(text) => with_manifest("kubectl delete -f - --wait=false", text),
            Action::Run(line) => line.trim().to_string(),
            _ => return None,
        })
    }
}

/// `kubectl patch` of a StatefulSet's `spec.updateStrategy` with these fields.
fn strategy_patch(name: &str, ns: &str, fields: &str) -> String {
    format!("kubectl patch statefulset {name}{ns} -p '{{\"spec\":{{\"updateStrategy\":{{{fields}}}}}}}'")
}

/// Runs `resource name`'s inspector commands without logging them.
fn inspect(session: &mut Session, focus: &Focus, resource: &str, name: &str) -> Inspection {
    let ns = focus.ns_flag();
    let outputs = [
        format!("kubectl get {resource} {name}{ns} -o yaml"),
        format!("kubectl describe {resource} {name}{ns}"),
    ]
    .into_iter()
    .map(|command| {
        let out = session.run_line(&command);
        let text: String = out.chunks.iter().map(|(_, c)| c.as_str()).collect();
        (command, text)
    })
    .collect();
    Inspection {
        resource: resource.to_string(),
        name: name.to_string(),
        outputs,
    }
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if let Action::Reset = action {
            let config = self.session.borrow().sim.config().clone();
            let mut fresh = Playground::restore(config, self.lang, &[]);
            fresh.speed = self.speed;
            return Rc::new(fresh);
        }
        if let Action::Replay = action {
            let session = self.session.borrow();
            let mut fresh = Playground::restore(session.sim.config().clone(), self.lang, &self.log);
            {
                let mut replayed = fresh.session.borrow_mut();
                let behind = session.sim.now().saturating_sub(replayed.sim.now());
                replayed.sim.advance(behind);
            }
            fresh.speed = self.speed;
            fresh.paused = self.paused;
            return Rc::new(fresh.focused_on(&self.view.focus.key()));
        }
        if let Action::Rewind(index) = action {
            return Rc::new(self.rewound(index));
        }
        let mut speed = self.speed;
        let mut paused = self.paused;
        let mut lang = self.lang;
        let mut focus = self.view.focus.clone();
        let mut terminal = Rc::clone(&self.terminal);
        let mut log = Rc::clone(&self.log);
        let mut snapshots = Rc::clone(&self.snapshots);
        let mut inspection = self.inspection.clone();
        let mut refresh_inspector = true;
        let tick = matches!(action, Action::Tick(_));
        let ticks = self.ticks + u64::from(tick);
        {
            let mut session = self.session.borrow_mut();
            // Nothing has changed the session since the start before the
            // first action: the start's snapshot is taken now, out of the
            // first render (copying the cluster runs code nothing else
            // there needs, and wasm compiles each function on its first call).
            if snapshots.is_empty() {
                Rc::make_mut(&mut snapshots).push(Snapshot {
                    at_ms: session.sim.now() - self.started_ms,
                    session: Rc::new((*session).clone()),
                    log_len: log.len(),
                    terminal: Rc::clone(&terminal),
                });
            }
            let typed = matches!(
                action,
                Action::Run(_) | Action::Interrupt | Action::AwaitDocs(_)
            );
            if typed && session.streaming() {
                run_logged(
                    &mut session,
                    Rc::make_mut(&mut terminal),
                    Rc::make_mut(&mut log),
                    self.started_ms,
                    INTERRUPT,
                );
            }
            if let Some(line) = self.command_for(&action) {
                if !line.is_empty() && line.len() <= MAX_COMMAND_BYTES {
                    if let Some(f) = focus_of_command(&line) {
                        focus = f;
                    }
                    run_logged(
                        &mut session,
                        Rc::make_mut(&mut terminal),
                        Rc::make_mut(&mut log),
                        self.started_ms,
                        &line,
                    );
                }
            }
            match action {
                Action::Tick(real_ms) => {
                    refresh_inspector = ticks % INSPECT_EVERY_TICKS == 0;
                    if !paused {
                        let virtual_ms = ((real_ms as f64) * self.speed) as u64;
                        session.sim.advance(virtual_ms.min(MAX_TICK_MS));
                    }
                }
                Action::Step => {
                    paused = true;
                    for _ in 0..2 {
                        let now = session.sim.now();
                        match session.sim.next_event_at() {
                            Some(at) if at > now => {
                                session.sim.advance((at - now).min(MAX_TICK_MS * 30));
                                break;
                            }
                            Some(_) => session.sim.advance(0),
                            None => break,
                        }
                    }
                }
                Action::TogglePause => paused = !paused,
                Action::SetSpeed(s) => speed = s,
                Action::SetLang(l) => lang = l,
                Action::Focus(key) => {
                    if let Some(f) = Focus::parse(&key) {
                        focus = f;
                    }
                }
                Action::Inspect(resource, name) => {
                    inspection = Some(Rc::new(Inspection {
                        resource,
                        name,
                        outputs: Vec::new(),
                    }));
                }
                Action::CloseInspector => inspection = None,
                Action::AwaitDocs(line) => echo_command(Rc::make_mut(&mut terminal), &line),
                Action::DocsLoaded(line, None) => run_logged_echo(
                    &mut session,
                    Rc::make_mut(&mut terminal),
                    Rc::make_mut(&mut log),
                    self.started_ms,
                    &line,
                    false,
                ),
                Action::DocsLoaded(_, Some(error)) => Rc::make_mut(&mut terminal).push(TermLine {
                    kind: LineKind::Stderr,
                    text: error,
                }),
                _ => {}
            }
            if session.streaming() {
                let out = session.poll_stream();
                if !out.chunks.is_empty() {
                    show(Rc::make_mut(&mut terminal), &out);
                }
                if !session.streaming() {
                    let at = session.sim.now().saturating_sub(self.started_ms);
                    log_command(Rc::make_mut(&mut log), at, STREAM_END);
                }
            }
            let now_ms = session.sim.now() - self.started_ms;
            let last_at = snapshots.last().map_or(0, |s| s.at_ms);
            let every_ms = SNAPSHOT_EVERY_MS.max((speed * SNAPSHOT_MIN_REAL_MS) as u64);
            if now_ms >= last_at + every_ms {
                let list = Rc::make_mut(&mut snapshots);
                list.push(Snapshot {
                    at_ms: now_ms,
                    session: Rc::new((*session).clone()),
                    log_len: log.len(),
                    terminal: Rc::clone(&terminal),
                });
                let excess = list.len().saturating_sub(MAX_SNAPSHOTS);
                list.drain(..excess);
            }
            if let (Some(current), true) = (&inspection, refresh_inspector) {
                inspection = Some(Rc::new(inspect(
                    &mut session,
                    &focus,
                    &current.resource,
                    &current.name,
                )));
            }
        }
        Rc::new(Playground {
            session: Rc::clone(&self.session),
            started_ms: self.started_ms,
            snapshots,
            ticks,
            speed,
            paused,
            view: Rc::new(view_of(
                &self.session.borrow().sim,
                &focus,
                self.started_ms,
                (tick && ticks % EVENTS_EVERY_TICKS != 0 && focus == self.view.focus)
                    .then_some(&*self.view),
            )),
            terminal,
            log,
            inspection,
            lang,
        })
    }
}

impl Playground {
    /// Whether the terminal is streaming a `kubectl get -w`.
    pub fn streaming(&self) -> bool {
        self.session.borrow().streaming()
    }

    /// The playground as it was at snapshot `index`, paused, its terminal
    /// as it read then; later snapshots and commands are forgotten.
    fn rewound(&self, index: usize) -> Playground {
        let Some(snapshot) = self.snapshots.get(index) else {
            return self.clone_state();
        };
        let session = (*snapshot.session).clone();
        let mut log = (*self.log).clone();
        log.truncate(snapshot.log_len);
        let mut snapshots = (*self.snapshots).clone();
        snapshots.truncate(index + 1);
        let view = Rc::new(view_of(
            &session.sim,
            &self.view.focus,
            self.started_ms,
            None,
        ));
        Playground {
            session: Rc::new(RefCell::new(session)),
            started_ms: self.started_ms,
            snapshots: Rc::new(snapshots),
            ticks: self.ticks,
            speed: self.speed,
            paused: true,
            view,
            terminal: Rc::clone(&snapshot.terminal),
            log: Rc::new(log),
            inspection: None,
            lang: self.lang,
        }
    }

    fn clone_state(&self) -> Playground {
        Playground {
            session: Rc::clone(&self.session),
            started_ms: self.started_ms,
            snapshots: Rc::clone(&self.snapshots),
            ticks: self.ticks,
            speed: self.speed,
            paused: self.paused,
            view: Rc::clone(&self.view),
            terminal: Rc::clone(&self.terminal),
            log: Rc::clone(&self.log),
            inspection: self.inspection.clone(),
            lang: self.lang,
        }
    }
}

fn run_logged(
    session: &mut Session,
    terminal: &mut Vec<TermLine>,
    log: &mut Vec<LoggedCommand>,
    started_ms: u64,
    line: &str,
) {
    run_logged_echo(session, terminal, log, started_ms, line, true);
}

fn run_logged_echo(
    session: &mut Session,
    terminal: &mut Vec<TermLine>,
    log: &mut Vec<LoggedCommand>,
    started_ms: u64,
    line: &str,
    echo: bool,
) {
    log_command(log, session.sim.now().saturating_sub(started_ms), line);
    if echo {
        echo_command(terminal, line);
    }
    run_quietly(session, terminal, line);
}

/// Keeps `line` in the log (the newest [`MAX_LOGGED_COMMANDS`]).
fn log_command(log: &mut Vec<LoggedCommand>, at_ms: u64, line: &str) {
    log.push(LoggedCommand {
        at_ms,
        line: line.to_string(),
    });
    let excess = log.len().saturating_sub(MAX_LOGGED_COMMANDS);
    log.drain(..excess);
}

fn run_into(session: &mut Session, terminal: &mut Vec<TermLine>, line: &str) {
    if line != INTERRUPT {
        echo_command(terminal, line);
    }
    run_quietly(session, terminal, line);
}

fn echo_command(terminal: &mut Vec<TermLine>, line: &str) {
    terminal.push(TermLine {
        kind: LineKind::Command,
        text: line.to_string(),
    });
}

/// Runs `line` and shows its output (the line itself already shown).
fn run_quietly(session: &mut Session, terminal: &mut Vec<TermLine>, line: &str) {
    if line == INTERRUPT {
        let out = session.interrupt();
        return show(terminal, &out);
    }
    // A session from before the docs arrived (a snapshot, a replay) gets them now.
    if session.docs().is_none() {
        if let Some(docs) = crate::docs::loaded() {
            session.set_docs(docs);
        }
    }
    let out = session.run_line(line);
    show(terminal, &out);
}

fn show(terminal: &mut Vec<TermLine>, out: &ordinal_kubectl::transcript::CommandOutput) {
    for (is_err, chunk) in &out.chunks {
        let kind = if *is_err {
            LineKind::Stderr
        } else {
            LineKind::Stdout
        };
        terminal.extend(chunk.lines().map(|text| TermLine {
            kind,
            text: text.to_string(),
        }));
    }
    let excess = terminal.len().saturating_sub(MAX_TERMINAL_LINES);
    terminal.drain(..excess);
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
