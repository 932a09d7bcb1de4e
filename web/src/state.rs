//! The playground's one reducer. It owns the terminal [`Session`] (and so the
//! simulated cluster); every control becomes the kubectl command a learner
//! would type, run through the same emulation as the terminal, so the page
//! and the terminal can never disagree.

use std::cell::RefCell;
use std::rc::Rc;

use ordinal_core::config::SimConfig;
use ordinal_kubectl::printers::{pod_status, PrintContext};
use ordinal_kubectl::shell::Session;
use ordinal_model::Value;
use yew::Reducible;

use crate::sample::{SAMPLE_FILE, SAMPLE_MANIFEST};

/// Namespace the playground's controls act on.
pub const NAMESPACE: &str = "default";
/// StatefulSet the controls act on.
pub const STATEFULSET: &str = "web";
/// Longest virtual step one animation tick may take, so a slow frame never
/// skips over phases a learner should see.
pub const MAX_TICK_MS: u64 = 2_000;
/// Terminal lines kept for display.
pub const MAX_TERMINAL_LINES: usize = 500;
/// Largest replica count the scale buttons go to.
pub const MAX_SCALE_REPLICAS: i64 = 20;

/// One pod as the cluster view shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PodCard {
    /// Pod name, e.g. `web-0`.
    pub name: String,
    /// kubectl's READY column, e.g. `1/1`.
    pub ready: String,
    /// kubectl's STATUS column, e.g. `ContainerCreating`.
    pub status: String,
    /// Pod IP, or empty before one is assigned.
    pub ip: String,
    /// Node the pod runs on, or empty before scheduling.
    pub node: String,
}

/// What the page renders, derived from the cluster after every action.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClusterView {
    /// Virtual seconds since the playground started.
    pub elapsed_s: u64,
    /// `spec.replicas` of the StatefulSet, if it exists.
    pub replicas: Option<i64>,
    /// The StatefulSet's pods in ordinal order.
    pub pods: Vec<PodCard>,
}

/// The reducer state.
pub struct Playground {
    session: Rc<RefCell<Session>>,
    started_ms: u64,
    /// Virtual milliseconds per real millisecond.
    pub speed: f64,
    /// What the page shows.
    pub view: Rc<ClusterView>,
    /// The terminal transcript: commands (prefixed `$ `) and their output.
    pub terminal: Rc<Vec<String>>,
}

/// Everything the page can ask the reducer to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Real time passed; advance virtual time by `real_ms * speed`.
    Tick(u64),
    /// Change `spec.replicas` by this much (runs `kubectl scale`).
    Scale(i64),
    /// Set the playback speed.
    SetSpeed(f64),
    /// Run a command line as if typed in the terminal.
    Run(String),
}

impl Default for Playground {
    fn default() -> Self {
        Playground::new(SimConfig::default())
    }
}

impl Playground {
    /// A playground on a fresh cluster with the sample manifest applied.
    pub fn new(config: SimConfig) -> Playground {
        let mut session = Session::new(config);
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
        let view = Rc::new(view_of(&session, started_ms));
        Playground {
            session: Rc::new(RefCell::new(session)),
            started_ms,
            speed: 1.0,
            view,
            terminal: Rc::new(terminal),
        }
    }

    fn with(&self, speed: f64, terminal: Rc<Vec<String>>) -> Playground {
        Playground {
            session: Rc::clone(&self.session),
            started_ms: self.started_ms,
            speed,
            view: Rc::new(view_of(&self.session.borrow(), self.started_ms)),
            terminal,
        }
    }
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut speed = self.speed;
        let mut terminal = Rc::clone(&self.terminal);
        {
            let mut session = self.session.borrow_mut();
            match action {
                Action::Tick(real_ms) => {
                    let virtual_ms = ((real_ms as f64) * self.speed) as u64;
                    session.sim.advance(virtual_ms.min(MAX_TICK_MS));
                }
                Action::SetSpeed(s) => speed = s,
                Action::Scale(delta) => {
                    if let Some(current) = self.view.replicas {
                        let target = (current + delta).clamp(0, MAX_SCALE_REPLICAS);
                        let line =
                            format!("kubectl scale statefulset {STATEFULSET} --replicas={target}");
                        run_into(&mut session, Rc::make_mut(&mut terminal), &line);
                    }
                }
                Action::Run(line) => run_into(&mut session, Rc::make_mut(&mut terminal), &line),
            }
        }
        Rc::new(self.with(speed, terminal))
    }
}

fn run_into(session: &mut Session, terminal: &mut Vec<String>, line: &str) {
    terminal.push(format!("$ {line}"));
    let out = session.run_line(line);
    terminal.extend(out.combined().lines().map(str::to_string));
    let excess = terminal.len().saturating_sub(MAX_TERMINAL_LINES);
    terminal.drain(..excess);
}

fn view_of(session: &Session, started_ms: u64) -> ClusterView {
    let sim = &session.sim;
    let ctx = PrintContext { now_ms: sim.now() };
    let replicas = sim
        .object("statefulsets", NAMESPACE, STATEFULSET)
        .and_then(|sts| sts.i64_at(&["spec", "replicas"]));
    let mut pods: Vec<PodCard> = sim
        .list_refs("pods", Some(NAMESPACE), "")
        .unwrap_or_default()
        .into_iter()
        .filter(|pod| owned_by_statefulset(pod))
        .map(|pod| {
            let (status, ready, _restarts) = pod_status(pod, &ctx);
            PodCard {
                name: pod.str_at(&["metadata", "name"]).to_string(),
                ready,
                status,
                ip: pod.str_at(&["status", "podIP"]).to_string(),
                node: pod.str_at(&["spec", "nodeName"]).to_string(),
            }
        })
        .collect();
    pods.sort_by_key(|p| ordinal_of(&p.name));
    ClusterView {
        elapsed_s: sim.now().saturating_sub(started_ms) / 1000,
        replicas,
        pods,
    }
}

fn owned_by_statefulset(pod: &Value) -> bool {
    pod.array_at(&["metadata", "ownerReferences"])
        .iter()
        .any(|r| r.str_at(&["kind"]) == "StatefulSet" && r.str_at(&["name"]) == STATEFULSET)
}

fn ordinal_of(name: &str) -> u64 {
    name.rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}
