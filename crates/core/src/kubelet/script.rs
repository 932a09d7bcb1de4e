//! A container's command on the simulator's timeline: the one place where a
//! container's main process runs its command line and where what it prints
//! becomes its log.
//!
//! The simulator has no processes; the host gives it the in-pod shell
//! ([`ContainerShell`], the pod shell of ordinal-kubectl, installed with
//! [`Sim::set_container_shell`]). When a container starts, the kubelet hands
//! its command line to that shell, which runs it against the cluster as it
//! is then (files written and removed, `date`, `hostname`, `cat`, `env`,
//! `nslookup`) up to the first `sleep N`; the rest runs N seconds later, as
//! a step of the kubelet on the timeline, and so on. Each step's output is
//! appended to the container's log stamped with the time it ran, so
//! `kubectl logs` shows what the command printed when it ran, and probes and
//! `kubectl exec` see the files the script has written so far. A loop
//! whose body sleeps comes round again after each sleep (the shell hands
//! back the rest of the round and the loop); a step that hands over to a
//! program the shell does not model (a server) ends the script: that
//! program is the container's process from then on. A sleep shorter than
//! [`timing::SCRIPT_STEP_MIN_MS`] takes that long.
//!
//! When and how the process ends is still [`images::process`]'s rule; the
//! exit status is the script's when the shell ran it to the end, and a
//! process the rule lets run on (a loop) ends
//! [`timing::SHORT_COMMAND_RUN_MS`] after its script did. A new
//! instance of a container (a restart) starts with an empty filesystem of
//! its own (`Sim::reset_container_fs`) and an empty log, the last instance's
//! log kept for `kubectl logs --previous`. Without a shell (a bare `Sim`),
//! commands have no effects and print nothing, and exec probes pass.
//! Containers started while a new cluster boots (kind's system pods) ran
//! before any shell was installed and run no script.
//!
//! Log lines keep the time they were written, as the CRI log files do
//! (mirrors the log side of pkg/kubelet/kuberuntime/logs/logs.go:
//! `kubectl logs --timestamps` prints those times).

use ordinal_model::Value;

use super::{images, Container, PodRuntime};
use crate::limits;
use crate::sim::Sim;
use crate::timing;

/// How a run of the shell ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellEnd {
    /// It ran to the end with this exit status.
    Exited(i64),
    /// It reached `sleep` for this many ms; this command line runs after it.
    Sleep(u64, Vec<String>),
    /// It handed over to a program the shell does not model, which runs
    /// from then on as the container's process.
    Serving,
}

/// What a run of the shell printed (stdout and stderr as they interleave,
/// as the container log and an exec probe's output hold them) and how it
/// ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellRun {
    pub output: String,
    pub end: ShellEnd,
}

/// The in-pod shell: runs `argv` in the first container of `pod` (a
/// container's script when `timeline` is set: it stops at `sleep`, and
/// programs it does not model end the run as [`ShellEnd::Serving`];
/// otherwise as `kubectl exec` does, sleeps taking no time). `None` when the
/// image has no such program.
pub type ContainerShell = fn(&mut Sim, &Value, &[String], bool) -> Option<ShellRun>;

/// How long `sleep ARG` sleeps (busybox accepts fractions and `infinity`).
pub fn sleep_ms(arg: Option<&str>) -> u64 {
    match arg {
        Some("infinity" | "inf") => u64::MAX,
        Some(n) => n
            .parse::<f64>()
            .map_or(0, |s| (s.max(0.0) * 1000.0).min(u64::MAX as f64) as u64),
        None => 0,
    }
}

/// `pod` seen with runtime container `index` ([`super::container_spec`]:
/// the pod's containers, then its init containers) first: the shell and the
/// volume lookups work on the first container.
pub(crate) fn container_view(pod: &Value, index: usize) -> Value {
    let mut view = pod.clone();
    let main = pod.array_at(&["spec", "containers"]).len();
    let init = (index >= main)
        .then(|| super::container_spec(pod, index).cloned())
        .flatten();
    if let Some(list) = view
        .at_mut(&["spec", "containers"])
        .and_then(Value::as_array_mut)
    {
        match init {
            Some(spec) => list.insert(0, spec),
            None if index > 0 && index < list.len() => list[..=index].rotate_right(1),
            None => {}
        }
    }
    view
}

impl Sim {
    /// Installs the in-pod shell containers' commands and exec probes run in.
    pub fn set_container_shell(&mut self, shell: ContainerShell) {
        self.shell = Some(shell);
    }

    /// Runs `argv` in the first container of `pod` with the installed
    /// shell (see [`ContainerShell`]); `None` without a shell or program.
    pub(crate) fn run_in_container(
        &mut self,
        pod: &Value,
        argv: &[String],
        timeline: bool,
    ) -> Option<ShellRun> {
        let shell = self.shell?;
        shell(self, pod, argv, timeline)
    }

    /// What container `container` of `pod` printed, line by line with the
    /// time it was written: its running (or last) instance, or with
    /// `previous` the one before; `None` when the kubelet does not know
    /// the pod.
    pub fn container_log(
        &self,
        pod: &Value,
        container: &str,
        previous: bool,
    ) -> Option<&[(u64, String)]> {
        let key = (
            pod.str_at(&["metadata", "namespace"]).to_string(),
            pod.str_at(&["metadata", "name"]).to_string(),
        );
        let rt = self.kubelet.pods.get(&key)?;
        if rt.uid != pod.str_at(&["metadata", "uid"]) {
            return None;
        }
        let c = rt.containers.iter().find(|c| c.name == container)?;
        Some(if previous { &c.previous_log } else { &c.log })
    }

    /// A new instance of container `i` starts at `at`: a fresh filesystem
    /// and log, and the first step of its command.
    pub(super) fn start_script(&mut self, pod: &Value, rt: &mut PodRuntime, i: usize, at: u64) {
        let uid = rt.uid.clone();
        let c = &mut rt.containers[i];
        c.previous_log = std::mem::take(&mut c.log);
        c.script = None;
        c.script_end = None;
        self.reset_container_fs(&uid, &c.name);
        let argv = super::container_spec(pod, i)
            .map(images::argv)
            .unwrap_or_default();
        if !argv.is_empty() {
            rt.containers[i].script = Some((at, argv));
        }
    }

    /// Runs the steps of container `i`'s command due by now; returns when
    /// the next one is due.
    pub(super) fn step_script(
        &mut self,
        pod: &Value,
        rt: &mut PodRuntime,
        i: usize,
    ) -> Option<u64> {
        rt.containers[i].script.as_ref()?;
        let view = container_view(pod, i);
        while let Some((at, argv)) = rt.containers[i].script.take() {
            if at > self.now {
                rt.containers[i].script = Some((at, argv));
                return Some(at);
            }
            let run = self.run_in_container(&view, &argv, true)?;
            let c = &mut rt.containers[i];
            append_log(c, at, &run.output);
            match run.end {
                ShellEnd::Exited(code) => c.script_end = Some((at, code)),
                ShellEnd::Sleep(ms, rest) => {
                    let ms = ms.max(timing::SCRIPT_STEP_MIN_MS);
                    c.script = Some((at.saturating_add(ms), rest));
                }
                // A program the shell does not model serves until stopped;
                // in an init container it is taken to do its work and exit 0.
                ShellEnd::Serving if c.init => c.script_end = Some((at, 0)),
                ShellEnd::Serving => {}
            }
        }
        None
    }
}

/// Appends what a step printed at `at` to the container's log, line by
/// line, keeping the last [`limits::MAX_CONTAINER_LOG_LINES`] (the
/// kubelet rotates a container's log and reads only the newest file).
fn append_log(c: &mut Container, at: u64, output: &str) {
    c.log.extend(
        output
            .split_inclusive('\n')
            .map(|line| (at, line.to_string())),
    );
    let over = c.log.len().saturating_sub(limits::MAX_CONTAINER_LOG_LINES);
    c.log.drain(..over);
}
