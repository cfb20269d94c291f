//! The engine driven by a driver instead of a student: it walks the steps itself and asks
//! for their solutions to be run.
//!
//! - Prove (`lab test`): every action's checks must fail before its solution runs and pass
//!   within the step's timeout after; every observe step's checks must hold once the cluster
//!   has settled, and keep holding, and what the student runs to look must work too; read
//!   steps continue. An exercise must score below its pass mark untouched and full marks
//!   after its solution.
//! - Replay (`lab reset`, a resumed lab on a new cluster): the steps before a target, each
//!   action's solution run as a replay and its checks waited for, each observe step's checks
//!   waited for too (a later solution may rely on what it observed, like a promotion after a
//!   crash). No consistency test runs: what it would report is the student's to see.

use std::sync::Arc;

use super::event::{Line, Run};
use super::progress::{Measured, Passed};
use super::timing::Look;
use super::{Effect, Engine, Fx, Mode, Test};
use crate::grade::{self, Grade, Inputs};
use crate::i18n::Msg;
use crate::lab::manifest::{Background as Starts, Step, StepKind};
use crate::model::ClusterState;
use crate::model::consistency::Report;
use crate::msg;
use crate::verify::{Check, Context, evaluate, reads_consistency};

/// How long an observe step may take to settle (gossip after an action takes a few seconds).
pub const SETTLE_MS: u64 = 15_000;
/// Looks in a row an observe step must pass to count as holding.
pub const HOLDS: usize = 3;
/// How long an exercise's criteria may take to hold after its solution (gossip included).
pub const EXERCISE_SETTLE_MS: u64 = 60_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutoKind {
    Prove,
    Replay { target: usize },
}

/// What `lab test` found for one step: how long its checks took to pass (none for a read
/// step), or why it failed.
#[derive(Clone, Debug, PartialEq)]
pub struct StepReport {
    pub step: String,
    pub kind: StepKind,
    pub result: Result<Option<u64>, Vec<Msg>>,
}

/// What `lab test` found for an exercise.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExerciseReport {
    /// The setup, untouched: must stay below the pass mark.
    pub unsolved: Option<Grade>,
    /// After the solution: every criterion must hold.
    pub solved: Option<Grade>,
    pub problems: Vec<Msg>,
    /// How long the solved grade took to reach full marks after the solution started.
    pub took_ms: u64,
}

impl ExerciseReport {
    pub fn passed(&self) -> bool {
        self.problems.is_empty() && self.solved.is_some()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum AutoReport {
    Steps(Vec<StepReport>),
    Exercise(ExerciseReport),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum After {
    /// An action: wait for its checks.
    Wait,
    /// An observe step's own commands ran: it is done, its checks having passed this long
    /// after it began.
    Finish(u64),
    /// An exercise's solution: grade until full marks.
    Grade,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Waiting for a fresh look at the cluster to begin the next step from.
    Begin,
    /// Waiting for the background test to start.
    Background,
    Solving(After),
    Waiting {
        until_ms: u64,
        holds: usize,
        first_pass_ms: Option<u64>,
    },
    /// Waiting for the background test's report, then on (or, `last`, the end).
    Stopping {
        last: bool,
    },
    Grading {
        until_ms: u64,
    },
    Done,
}

#[derive(Clone, Debug)]
pub struct Auto {
    pub kind: AutoKind,
    phase: Phase,
    pub steps: Vec<StepReport>,
    pub exercise: Option<ExerciseReport>,
    /// The background test's reports, as it was stopped.
    pub tests: Vec<Report>,
    /// Action steps replayed.
    pub replayed: usize,
    /// Why a replay could not reach its target.
    pub failed: Option<Msg>,
    began_ms: u64,
    solution_ms: u64,
}

impl Auto {
    pub fn new(kind: AutoKind) -> Auto {
        Auto {
            kind,
            phase: Phase::Begin,
            steps: vec![],
            exercise: None,
            tests: vec![],
            replayed: 0,
            failed: None,
            began_ms: 0,
            solution_ms: 0,
        }
    }

    pub fn done(&self) -> bool {
        self.phase == Phase::Done
    }

    pub fn report(&self) -> AutoReport {
        match &self.exercise {
            Some(e) => AutoReport::Exercise(e.clone()),
            None => AutoReport::Steps(self.steps.clone()),
        }
    }

    fn prove(&self) -> bool {
        self.kind == AutoKind::Prove
    }
}

impl Engine {
    fn a(&mut self) -> Option<&mut Auto> {
        match &mut self.mode {
            Mode::Auto(a) => Some(a),
            Mode::Student => None,
        }
    }

    fn phase(&self) -> Option<Phase> {
        self.auto().map(|a| a.phase)
    }

    fn set_phase(&mut self, p: Phase) {
        if let Some(a) = self.a() {
            a.phase = p;
        }
    }

    fn proving_exercise(&self) -> bool {
        self.plan.manifest.exercise.is_some() && self.auto().is_some_and(Auto::prove)
    }

    pub(super) fn auto_snapshot(&mut self, s: &Arc<ClusterState>, look: Look, fx: &mut Fx) {
        match self.phase() {
            Some(Phase::Begin) => self.begin(s, fx),
            Some(Phase::Waiting { .. }) => self.waiting(s, look, fx),
            Some(Phase::Grading { .. }) => self.grading(s, fx),
            _ => {}
        }
    }

    pub(super) fn auto_tick(&mut self, fx: &mut Fx) {
        let now = self.now_ms;
        match self.phase() {
            Some(Phase::Waiting { until_ms, .. }) if now >= until_ms => {
                let failures: Vec<Msg> = self
                    .watch
                    .outcome
                    .as_ref()
                    .map(|o| o.failures().cloned().collect())
                    .unwrap_or_default();
                let step = self.current().map(|(_, s)| s.clone());
                let Some(step) = step else { return };
                let mut why = vec![];
                if step.kind == StepKind::Action {
                    why.push(msg!("test-not-within", seconds = step.timeout.as_secs()));
                }
                why.extend(failures);
                self.step_done(Err(why), false, fx);
            }
            Some(Phase::Grading { until_ms }) if now >= until_ms => {
                let failures: Vec<Msg> = self
                    .auto()
                    .and_then(|a| a.exercise.as_ref()?.solved.as_ref())
                    .map(|g| g.results.iter().flat_map(|r| r.failures.clone()).collect())
                    .unwrap_or_default();
                if let Some(e) = self.a().and_then(|a| a.exercise.as_mut()) {
                    e.problems.push(msg!(
                        "test-exercise-not-solved",
                        seconds = EXERCISE_SETTLE_MS / 1000
                    ));
                    e.problems.extend(failures);
                }
                self.finish(fx);
            }
            _ => {}
        }
    }

    /// A fresh look at the cluster: the next step begins from it.
    fn begin(&mut self, s: &Arc<ClusterState>, fx: &mut Fx) {
        if self.proving_exercise() {
            self.progress.baseline = Some((**s).clone());
            self.progress.step_start = Some((**s).clone());
            if let Some(a) = self.a() {
                a.exercise = Some(ExerciseReport::default());
            }
            let wants = self
                .plan
                .manifest
                .exercise
                .as_ref()
                .is_some_and(|e| e.background == Some(Starts::Consistency));
            if wants {
                self.start_test(None, fx);
            } else {
                self.grade_untouched(fx);
            }
            return;
        }
        let Some((i, step)) = self.current() else {
            self.finish(fx);
            return;
        };
        let step = step.clone();
        if let Some(AutoKind::Replay { target }) = self.auto().map(|a| a.kind)
            && i >= target
        {
            self.finish(fx);
            return;
        }
        self.progress.step_start = Some((**s).clone());
        self.progress.step_started_ms = s.taken_ms;
        self.watch = Default::default();
        if let Some(a) = self.a() {
            a.began_ms = s.taken_ms;
        }
        let prove = self.auto().is_some_and(Auto::prove);
        if prove && step.background == Some(Starts::Consistency) && self.may_start_test(i) {
            self.start_test(Some(i), fx);
            return;
        }
        self.step_body(&step, fx);
    }

    fn start_test(&mut self, from: Option<usize>, fx: &mut Fx) {
        self.test = Test::Starting;
        self.test_from = from;
        self.set_phase(Phase::Background);
        fx.push(Effect::StartBackground);
    }

    fn step_body(&mut self, step: &Step, fx: &mut Fx) {
        let prove = self.auto().is_some_and(Auto::prove);
        let now = self.now_ms;
        if !prove && step.checks.is_empty() {
            self.next_step(true, fx);
            return;
        }
        match step.kind {
            StepKind::Read => self.step_done(Ok(None), true, fx),
            StepKind::Observe => {
                let until_ms = now + if prove { SETTLE_MS } else { millis(step) };
                self.set_phase(Phase::Waiting {
                    until_ms,
                    holds: 0,
                    first_pass_ms: None,
                });
            }
            StepKind::Action => {
                if prove {
                    let start = self.progress.step_start.clone();
                    if let Some(st) = start
                        && self.auto_evaluate(step, &st).passed()
                    {
                        self.step_done(Err(vec![msg!("test-passed-before")]), false, fx);
                        return;
                    }
                }
                let run = if prove { Run::Solve } else { Run::Replay };
                self.run_lines(&step.id, &step.solution, run, After::Wait, fx);
            }
        }
    }

    /// Asks for lines to be run, their templates filled in for the cluster at the step's
    /// start.
    fn run_lines(
        &mut self,
        step: &str,
        lines: &[(
            crate::lab::solution::Solution<crate::model::NodeRef>,
            crate::lab::manifest::Text,
        )],
        run: Run,
        after: After,
        fx: &mut Fx,
    ) {
        let r = self.renderer_for(self.progress.step_start.as_ref());
        match Line::render(lines, |t| Self::render_with(&r, t)) {
            Err(m) => self.step_or_exercise_failed(m, fx),
            Ok(lines) => {
                let now = self.now_ms;
                if let Some(a) = self.a() {
                    a.solution_ms = now;
                    a.phase = Phase::Solving(after);
                }
                fx.push(Effect::RunSolution {
                    step: step.to_string(),
                    lines,
                    run,
                });
            }
        }
    }

    fn step_or_exercise_failed(&mut self, m: Msg, fx: &mut Fx) {
        if self.proving_exercise() {
            if let Some(e) = self.a().and_then(|a| a.exercise.as_mut()) {
                e.problems.push(m);
            }
            self.finish(fx);
        } else {
            self.step_done(Err(vec![m]), false, fx);
        }
    }

    /// The checks a driver waits for: a replay leaves out those reading the consistency test.
    fn auto_checks(&self, step: &Step) -> Vec<Check> {
        let prove = self.auto().is_some_and(Auto::prove);
        step.checks
            .iter()
            .filter(|c| prove || !c.needs().consistency)
            .cloned()
            .collect()
    }

    fn auto_evaluate(&self, step: &Step, now: &ClusterState) -> crate::verify::Outcome {
        let summary = self.test.summary();
        let cx = Context {
            layout: &self.layout,
            consistency: summary.as_ref(),
            key_slots: Some(&self.plan.key_slots),
        };
        evaluate(
            &self.auto_checks(step),
            &cx,
            self.progress.step_start.as_ref(),
            now,
        )
    }

    fn waiting(&mut self, s: &Arc<ClusterState>, _look: Look, fx: &mut Fx) {
        let Some(Phase::Waiting {
            until_ms,
            holds,
            first_pass_ms,
        }) = self.phase()
        else {
            return;
        };
        let Some((_, step)) = self.current() else {
            return;
        };
        let step = step.clone();
        let outcome = self.auto_evaluate(&step, s);
        let passed = outcome.passed();
        let failures: Vec<Msg> = outcome.failures().cloned().collect();
        self.watch.outcome = Some(outcome);
        let prove = self.auto().is_some_and(Auto::prove);
        let (began, solution) = self.auto().map_or((0, 0), |a| (a.began_ms, a.solution_ms));
        match step.kind {
            StepKind::Observe if prove => {
                if passed {
                    let first = first_pass_ms.unwrap_or(s.taken_ms);
                    if holds >= HOLDS {
                        let took = first.saturating_sub(began);
                        self.run_lines(
                            &step.id,
                            &step.solution,
                            Run::Solve,
                            After::Finish(took),
                            fx,
                        );
                    } else {
                        self.set_phase(Phase::Waiting {
                            until_ms,
                            holds: holds + 1,
                            first_pass_ms: Some(first),
                        });
                    }
                } else if first_pass_ms.is_some() {
                    let mut why = vec![msg!("test-did-not-hold")];
                    why.extend(failures);
                    self.step_done(Err(why), false, fx);
                }
            }
            // A step that must hold is proved only once it held that long; a replay wants
            // the state, not the wait.
            _ if passed && prove && !step.hold.is_zero() => {
                let first = first_pass_ms.unwrap_or(s.taken_ms);
                if s.taken_ms.saturating_sub(first) >= step.hold.as_millis() as u64 {
                    self.step_done(Ok(Some(first.saturating_sub(solution))), true, fx);
                } else {
                    self.set_phase(Phase::Waiting {
                        until_ms,
                        holds,
                        first_pass_ms: Some(first),
                    });
                }
            }
            _ if passed => {
                let took = s.taken_ms.saturating_sub(if step.kind == StepKind::Action {
                    solution
                } else {
                    began
                });
                self.step_done(Ok(Some(took)), true, fx);
            }
            _ if first_pass_ms.is_some() && step.kind == StepKind::Action => {
                // Held, then broke: the hold starts over.
                self.set_phase(Phase::Waiting {
                    until_ms,
                    holds,
                    first_pass_ms: None,
                });
            }
            _ => {}
        }
    }

    pub(super) fn auto_solution_done(&mut self, r: Result<(), Msg>, fx: &mut Fx) {
        let Some(Phase::Solving(after)) = self.phase() else {
            return;
        };
        if let Err(m) = r {
            self.step_or_exercise_failed(m, fx);
            return;
        }
        let now = self.now_ms;
        match after {
            After::Wait => {
                // The hold comes on top of the time the checks may take to pass.
                let timeout = self
                    .current()
                    .map_or(0, |(_, s)| millis(s) + s.hold.as_millis() as u64);
                self.set_phase(Phase::Waiting {
                    until_ms: now + timeout,
                    holds: 0,
                    first_pass_ms: None,
                });
            }
            After::Finish(took) => self.step_done(Ok(Some(took)), false, fx),
            After::Grade => self.set_phase(Phase::Grading {
                until_ms: now + EXERCISE_SETTLE_MS,
            }),
        }
    }

    /// The current step is done; `fresh` when the latest look at the cluster is still a
    /// valid start for the next one (nothing ran since).
    fn step_done(&mut self, result: Result<Option<u64>, Vec<Msg>>, fresh: bool, fx: &mut Fx) {
        let Some((_, step)) = self.current() else {
            return;
        };
        let step = step.clone();
        let failed = result.is_err();
        let prove = self.auto().is_some_and(Auto::prove);
        if let Some(a) = self.a() {
            if prove {
                a.steps.push(StepReport {
                    step: step.id.clone(),
                    kind: step.kind,
                    result: result.clone(),
                });
            } else if let Err(why) = &result {
                let why = why
                    .first()
                    .cloned()
                    .unwrap_or_else(|| msg!("start-not-checked-yet"));
                a.failed = Some(msg!(
                    "reset-replay-failed",
                    step = step.id.as_str(),
                    why = why
                ));
            } else if step.kind == StepKind::Action {
                a.replayed += 1;
            }
        }
        if failed {
            // Later steps build on this one: their results would only repeat the failure.
            self.finish(fx);
            return;
        }
        if prove && reads_consistency(&step.checks) && self.test.running() {
            self.test = Test::Stopping {
                summary: self.test.summary(),
            };
            self.set_phase(Phase::Stopping { last: false });
            fx.push(Effect::StopBackground);
            return;
        }
        self.next_step(fresh, fx);
    }

    /// On to the next step: at once from the latest look when `fresh`, else from the next.
    fn next_step(&mut self, fresh: bool, fx: &mut Fx) {
        let passed = Passed {
            step: String::new(),
            began_ms: Some(self.progress.step_started_ms),
            at_ms: self.now_ms,
            took_ms: 0,
            measured: Measured::Step,
            resolution_ms: None,
            spent_ms: None,
        };
        self.progress
            .pass_current(&self.plan.manifest, passed, None);
        self.set_phase(Phase::Begin);
        if fresh && let Some(s) = self.latest.clone() {
            self.begin(&s, fx);
        }
    }

    /// The end: a running test is stopped (its report kept), then the driver is told.
    fn finish(&mut self, fx: &mut Fx) {
        if self.test.running() && !matches!(self.test, Test::Stopping { .. }) {
            self.test = Test::Stopping {
                summary: self.test.summary(),
            };
            self.set_phase(Phase::Stopping { last: true });
            fx.push(Effect::StopBackground);
            return;
        }
        if matches!(self.phase(), Some(Phase::Stopping { .. })) {
            return;
        }
        self.set_phase(Phase::Done);
        fx.push(Effect::Quit);
    }

    pub(super) fn auto_background_started(&mut self, fx: &mut Fx) {
        if self.phase() != Some(Phase::Background) {
            return;
        }
        if self.proving_exercise() {
            self.grade_untouched(fx);
        } else if let Some((_, step)) = self.current() {
            let step = step.clone();
            self.step_body(&step, fx);
        }
    }

    pub(super) fn auto_background_failed(&mut self, m: Msg, fx: &mut Fx) {
        if self.phase() == Some(Phase::Background) {
            self.step_or_exercise_failed(m, fx);
        }
    }

    pub(super) fn auto_background_stopped(&mut self, fx: &mut Fx) {
        if let super::Test::Done(r) = &self.test {
            let r = (**r).clone();
            if let Some(a) = self.a() {
                a.tests.push(r);
            }
        }
        match self.phase() {
            Some(Phase::Stopping { last: false }) => self.next_step(false, fx),
            Some(Phase::Stopping { last: true }) => {
                self.set_phase(Phase::Done);
                fx.push(Effect::Quit);
            }
            _ => {}
        }
    }

    fn exercise_grade(&self, now: &ClusterState) -> Option<Grade> {
        let ex = self.plan.manifest.exercise.as_ref()?;
        let baseline = self.progress.baseline.as_ref()?;
        let summary = self.test.summary();
        let renderer = self.renderer_for(Some(baseline));
        let render = |t: &str| renderer.render(t).unwrap_or_else(|_| t.to_string());
        Some(grade::grade(&Inputs {
            scheme: &ex.scheme,
            layout: &self.layout,
            baseline,
            now,
            consistency: summary.as_ref(),
            hints_used: 0,
            lang: &self.plan.lang,
            render: Some(&render),
            key_slots: Some(&self.plan.key_slots),
        }))
    }

    fn grade_untouched(&mut self, fx: &mut Fx) {
        let Some(baseline) = self.progress.baseline.clone() else {
            return;
        };
        let Some(g) = self.exercise_grade(&baseline) else {
            return;
        };
        let solved_untouched = g.passed;
        let percent = format!("{:.0}", g.percent);
        if let Some(e) = self.a().and_then(|a| a.exercise.as_mut()) {
            e.unsolved = Some(g);
            if solved_untouched {
                e.problems
                    .push(msg!("test-exercise-solved-untouched", percent = percent));
            }
        }
        if solved_untouched {
            self.finish(fx);
            return;
        }
        let solution = self
            .plan
            .manifest
            .exercise
            .as_ref()
            .map(|e| e.solution.clone())
            .unwrap_or_default();
        self.run_lines("solution", &solution, Run::Solve, After::Grade, fx);
    }

    fn grading(&mut self, s: &Arc<ClusterState>, fx: &mut Fx) {
        let Some(g) = self.exercise_grade(s) else {
            return;
        };
        let full = g.points == g.max_points;
        let took = s
            .taken_ms
            .saturating_sub(self.auto().map_or(0, |a| a.solution_ms));
        if let Some(e) = self.a().and_then(|a| a.exercise.as_mut()) {
            e.solved = Some(g);
            e.took_ms = took;
        }
        if full {
            self.finish(fx);
        }
    }
}

fn millis(step: &Step) -> u64 {
    step.timeout.as_millis() as u64
}
