//! The lab engine: a lab in progress as a state machine, with no terminal, no browser and no
//! network. It takes [`Event`]s (a command of the student's, a fresh snapshot, the
//! consistency test's counters, a tick of the clock, progress saved by another command) and
//! returns [`Effect`]s (draw, save, start or stop the background test, run a solution, open a
//! log, keep a grade). Snapshots and the consistency test run in tasks of their own and reach
//! it as events, so no front-end ever waits on a cluster.
//!
//! One engine serves every front-end (`lab start` in a terminal, a browser) and every driver:
//! `lab test` proves a lab with it and `lab reset` replays steps with it ([`Mode::Auto`]), and
//! `lab check`, `lab hint` and `lab grade` are single commands to it.

mod auto;
pub mod board;
pub mod event;
mod nav;
pub mod progress;
mod student;
pub mod timing;
mod watch;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use auto::{Auto, AutoKind, AutoReport, ExerciseReport, StepReport};
pub use board::{Notice, PassNote};
pub use event::{Background, Came, Command, Effect, Event, Fault, Line, Run};
pub use progress::{Measured, Passed, Progress};

use crate::grade::Grade;
use crate::i18n::Msg;
use crate::lab::Lab;
use crate::lab::manifest::{Background as Starts, Manifest, Step, StepKind};
use crate::lab::slides::Deck;
use crate::lab::template::{Renderer, Vars};
use crate::model::consistency::{ConsistencySummary, Live, Report};
use crate::model::{ClusterState, Layout, NodeRef};
use crate::verify::{Context, Outcome, evaluate};
use crate::{msg, verify};
use board::Board;
use nav::Nav;
use timing::{Look, Timing};
use watch::Watch;

/// What a lab in progress is about, fixed for its life.
#[derive(Clone, Debug)]
pub struct Plan {
    pub lab: Lab,
    pub manifest: Manifest,
    /// The slides in the language shown, and that language.
    pub deck: Deck,
    pub lang: String,
    /// The slot of each of the lab's keys, for `keys-follow-slots`.
    pub key_slots: Vec<u16>,
}

impl Plan {
    /// The lab's plan in `lang` (or the first language it has).
    pub fn new(lab: Lab, lang: crate::i18n::Lang) -> crate::error::Result<Plan> {
        let manifest = lab.runnable()?.clone();
        let (deck_lang, deck) = lab
            .deck(lang)
            .map(|(l, d)| (l.to_string(), d.clone()))
            .ok_or_else(|| {
                crate::error::Error::Usage(msg!("show-no-slides", lab = lab.id.as_str()))
            })?;
        let key_slots = manifest
            .data
            .as_ref()
            .map(crate::model::dataset::slots)
            .unwrap_or_default();
        Ok(Plan {
            lab,
            manifest,
            deck,
            lang: deck_lang,
            key_slots,
        })
    }

    pub fn title_of(&self, step: &Step) -> String {
        step.title
            .get(&self.lang)
            .or_else(|| step.title.values().next())
            .cloned()
            .unwrap_or_else(|| step.id.clone())
    }
}

/// How the engine is driven.
#[derive(Clone, Debug)]
pub enum Mode {
    /// A student at a front-end: slides, steps checked as the cluster shows them.
    Student,
    /// A driver walks the steps itself, running their solutions.
    Auto(Box<Auto>),
}

/// The cluster, as far as the engine knows.
#[derive(Clone, Debug, PartialEq)]
pub enum Cluster {
    /// Being brought up; what provisioning is doing.
    Coming(Option<Msg>),
    Ready {
        came: Came,
    },
    Failed(Msg),
}

/// The background consistency test.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Test {
    #[default]
    Idle,
    Starting,
    Running {
        live: Option<Live>,
        summary: Option<ConsistencySummary>,
    },
    Stopping {
        summary: Option<ConsistencySummary>,
    },
    /// A check read it and it was stopped: it is not started again (a later `background:` step
    /// starts a new one).
    Done(Box<Report>),
    Failed(Msg),
}

impl Test {
    /// What the `consistency` checks read.
    pub fn summary(&self) -> Option<ConsistencySummary> {
        match self {
            Test::Running { summary, .. } | Test::Stopping { summary } => summary.clone(),
            Test::Done(r) => Some(r.summary()),
            _ => None,
        }
    }

    pub fn running(&self) -> bool {
        matches!(
            self,
            Test::Starting | Test::Running { .. } | Test::Stopping { .. }
        )
    }
}

/// An exercise in progress: the last grade, and whether its time ran out.
#[derive(Clone, Debug, Default)]
struct Graded {
    last: Option<Box<Grade>>,
    time_up: bool,
}

pub struct Engine {
    plan: Arc<Plan>,
    mode: Mode,
    progress: Progress,
    nav: Nav,
    /// The addresses the lab's names stand for (a preview until the cluster is up).
    layout: Layout,
    cluster: Cluster,
    latest: Option<Arc<ClusterState>>,
    watch: Watch,
    timing: Timing,
    test: Test,
    /// The step whose `background:` started the current (or last) test; `None` for an
    /// exercise's.
    test_from: Option<usize>,
    graded: Graded,
    board: Board,
    /// Why the last save failed, until one succeeds.
    save_error: Option<Msg>,
    /// The lab is over and the closing screen is up.
    closing: bool,
    /// When the cluster came up: a step begun before cannot have changed anything earlier.
    ready_ms: u64,
    /// When the student reached the current step's slides: their time on it runs from then.
    reached_ms: Option<u64>,
    now_ms: u64,
}

/// Effects gathered while handling one event.
#[derive(Default)]
struct Fx(Vec<Effect>);

impl Fx {
    fn push(&mut self, e: Effect) {
        match e {
            Effect::Draw if self.0.contains(&Effect::Draw) => {}
            // The last progress is the one to write.
            Effect::Save(_) => {
                self.0.retain(|x| !matches!(x, Effect::Save(_)));
                self.0.push(e);
            }
            e => self.0.push(e),
        }
    }

    fn draw(&mut self) {
        self.push(Effect::Draw);
    }
}

impl Engine {
    pub fn new(plan: Plan, progress: Progress, mode: Mode, preview: Layout, now_ms: u64) -> Engine {
        let nav = Nav::new(&plan.deck, &plan.manifest, progress.slide);
        Engine {
            plan: Arc::new(plan),
            mode,
            progress,
            nav,
            layout: preview,
            cluster: Cluster::Coming(None),
            latest: None,
            watch: Watch::default(),
            timing: Timing::default(),
            test: Test::Idle,
            test_from: None,
            graded: Graded::default(),
            board: Board::default(),
            save_error: None,
            closing: false,
            ready_ms: 0,
            reached_ms: None,
            now_ms,
        }
    }

    /// Something to say under the first slide (a resumed lab, a language fallback).
    pub fn tell(&mut self, n: Notice) {
        self.board.add(n);
    }

    pub fn handle(&mut self, ev: Event) -> Vec<Effect> {
        let mut fx = Fx::default();
        match ev {
            Event::Command(c) => match self.mode {
                Mode::Student => self.command(c, &mut fx),
                // A driver's commands are its own; a quit still quits.
                Mode::Auto(_) if c == Command::Quit => fx.push(Effect::Quit),
                Mode::Auto(_) => {}
            },
            Event::Provisioning(m) => {
                self.cluster = Cluster::Coming(Some(m));
                fx.draw();
            }
            Event::Ready {
                layout,
                came,
                snapshot,
                took_ms,
            } => self.ready(layout, came, snapshot, took_ms, &mut fx),
            Event::ClusterFailed(m) => {
                // Said in the status area; the slides stay readable until the student quits.
                self.cluster = Cluster::Failed(m);
                fx.draw();
            }
            Event::Snapshot(s) => self.snapshot(s, &mut fx),
            Event::Background(b) => self.background(b, &mut fx),
            Event::Tick(now) => {
                let second = self.now_ms / 1000 != now / 1000;
                self.now_ms = self.now_ms.max(now);
                match self.mode {
                    Mode::Student => self.tick(second, &mut fx),
                    Mode::Auto(_) => self.auto_tick(&mut fx),
                }
            }
            Event::ProgressChanged(p) => self.progress_changed(&p, &mut fx),
            Event::Saved(r) => {
                let err = r.err();
                if err != self.save_error {
                    self.save_error = err;
                    fx.draw();
                }
            }
            Event::Fault(f) => self.timing.fault(f),
            Event::SolutionDone(r) => self.auto_solution_done(r, &mut fx),
            Event::GradeSaved(r) => {
                for n in &mut self.board.notices {
                    if let Notice::Grade { saved, .. } = n {
                        *saved = r.clone().ok();
                    }
                }
                if let Err(m) = r {
                    self.board.add(Notice::Error(m));
                }
                fx.draw();
            }
            Event::TakenOver { pid } => {
                self.board
                    .say(Notice::Info(msg!("start-taken-over", pid = pid)));
                self.save(&mut fx);
                fx.push(Effect::Quit);
            }
        }
        fx.0
    }

    // ---- what the views read

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    pub fn slide(&self) -> usize {
        self.nav.slide
    }

    pub fn slides(&self) -> usize {
        self.nav.count()
    }

    /// The step (index, step) a slide belongs to.
    pub fn step_of(&self, slide: usize) -> Option<(usize, &Step)> {
        let i = self.nav.step_of(slide)?;
        Some((i, self.plan.manifest.steps.get(i)?))
    }

    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub fn latest(&self) -> Option<&Arc<ClusterState>> {
        self.latest.as_ref()
    }

    /// The step the student is on, with its index.
    pub fn current(&self) -> Option<(usize, &Step)> {
        let i = self.progress.step_index(&self.plan.manifest);
        self.plan.manifest.steps.get(i).map(|s| (i, s))
    }

    /// The current step's checks as last seen, and advice when they do not hold.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.watch.outcome.as_ref()
    }

    pub fn advice(&self) -> &[Msg] {
        &self.watch.advice
    }

    /// The student has reached the current step's slides (checks are shown from then on).
    pub fn on_current(&self) -> bool {
        self.current().is_some_and(|(i, _)| self.nav.reached(i))
    }

    pub fn test(&self) -> &Test {
        &self.test
    }

    pub fn notices(&self) -> &[Notice] {
        &self.board.notices
    }

    pub fn passed_note(&self) -> Option<&PassNote> {
        self.board.passed.as_ref()
    }

    pub fn save_error(&self) -> Option<&Msg> {
        self.save_error.as_ref()
    }

    pub fn closing(&self) -> bool {
        self.closing
    }

    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// An exercise's time left, in seconds, when it has a limit and has begun.
    pub fn time_left_s(&self) -> Option<u64> {
        let limit = self.plan.manifest.exercise.as_ref()?.time_limit?;
        self.progress.baseline.as_ref()?;
        let used = self.now_ms.saturating_sub(self.progress.started_ms);
        Some((limit.as_millis() as u64).saturating_sub(used) / 1000)
    }

    /// How long the student has been on the current step's slides.
    pub fn spent_ms(&self) -> u64 {
        self.now_ms
            .saturating_sub(self.reached_ms.unwrap_or(self.progress.step_started_ms))
    }

    pub fn auto(&self) -> Option<&Auto> {
        match &self.mode {
            Mode::Auto(a) => Some(a),
            Mode::Student => None,
        }
    }

    /// Templates filled in for the cluster: its addresses, and its node ids as they were when
    /// the current step began (or now).
    pub fn renderer(&self) -> Renderer {
        let state = self.progress.step_start.as_ref().or(self.latest.as_deref());
        self.renderer_for(state)
    }

    fn renderer_for(&self, state: Option<&ClusterState>) -> Renderer {
        let mut vars: Vars = self.plan.lab.vars();
        if let Some(s) = state {
            vars.node_ids = self
                .layout
                .iter()
                .filter_map(|(n, a)| Some((n.clone(), s.node(a)?.id.clone())))
                .collect::<BTreeMap<NodeRef, String>>();
        }
        Renderer::new(&self.layout, &vars)
    }

    /// Renders a text of the lab, or says where its template is wrong.
    fn render_with(r: &Renderer, text: &str) -> Result<String, Msg> {
        r.render(text).map_err(|e| e.msg)
    }

    // ---- shared by the modes

    fn ready_cluster(&self) -> bool {
        matches!(self.cluster, Cluster::Ready { .. })
    }

    fn evaluate_now(&self, step: &Step, now: &ClusterState) -> Outcome {
        let summary = self.test.summary();
        let cx = Context {
            layout: &self.layout,
            consistency: summary.as_ref(),
            key_slots: Some(&self.plan.key_slots),
        };
        evaluate(&step.checks, &cx, self.progress.step_start.as_ref(), now)
    }

    fn save(&mut self, fx: &mut Fx) {
        self.progress.slide = self.nav.slide;
        fx.push(Effect::Save(Box::new(self.progress.clone())));
    }

    fn ready(
        &mut self,
        layout: Layout,
        came: Came,
        snapshot: Arc<ClusterState>,
        took_ms: u64,
        fx: &mut Fx,
    ) {
        self.layout = layout;
        self.cluster = Cluster::Ready { came };
        self.ready_ms = self.now_ms.max(snapshot.taken_ms);
        let exercise = self.plan.manifest.exercise.is_some();
        if exercise && (!came.kept() || self.progress.baseline.is_none()) {
            // A new cluster (the student's changes are gone with the old nodes), or a first
            // start: the criteria compare with this one.
            if self.progress.baseline.is_none() {
                self.progress.started_ms = self.now_ms;
            }
            self.progress.baseline = Some((*snapshot).clone());
        }
        // A new cluster has new node ids: the step starts on it.
        if self.progress.step_start.is_none() || !came.kept() {
            self.progress.step_start = Some((*snapshot).clone());
        }
        if self
            .current()
            .is_some_and(|(_, s)| s.kind == StepKind::Action)
        {
            self.timing.action_began(self.now_ms, Some(&snapshot));
        }
        self.save(fx);
        fx.draw();
        self.snapshot(snapshot, fx);
        if matches!(self.mode, Mode::Student) {
            let secs = format!("{:.1}", took_ms as f64 / 1000.0);
            let set_up = !self.plan.manifest.setup.is_empty()
                || self.plan.manifest.stage != crate::model::setup::Stage::Data;
            let note = match came {
                Came::AsLeft => msg!("start-resumed-as-left"),
                Came::Reused if set_up => msg!("start-cluster-reused-as-left"),
                Came::Reused => msg!("start-cluster-reused"),
                Came::Replayed => msg!(
                    "start-cluster-replayed",
                    secs = secs,
                    step = self
                        .current()
                        .map(|(_, s)| self.plan.title_of(s))
                        .unwrap_or_default()
                ),
                Came::Created | Came::Reformed => msg!("start-cluster-ready", secs = secs),
            };
            self.board.add(Notice::Good(note));
        }
    }

    fn snapshot(&mut self, s: Arc<ClusterState>, fx: &mut Fx) {
        let gap_ms = self
            .latest
            .as_ref()
            .map_or(0, |l| s.taken_ms.saturating_sub(l.taken_ms));
        let look = Look {
            at_ms: s.taken_ms,
            gap_ms,
        };
        self.now_ms = self.now_ms.max(s.taken_ms);
        self.timing.look(&s, look);
        self.latest = Some(s.clone());
        if !self.ready_cluster() {
            return;
        }
        if self.progress.step_start.is_none() && self.current().is_some() {
            self.progress.step_start = Some((*s).clone());
            self.save(fx);
        }
        match self.mode {
            Mode::Student => self.student_snapshot(&s, look, fx),
            Mode::Auto(_) => self.auto_snapshot(&s, look, fx),
        }
    }

    /// Looks at the current step on `s`; true when its checks hold.
    fn watch_current(&mut self, s: &Arc<ClusterState>, look: Look, fx: &mut Fx) -> bool {
        let Some((_, step)) = self.current() else {
            return false;
        };
        if step.kind == StepKind::Read {
            return false;
        }
        let step = step.clone();
        let summary = self.test.summary();
        let cx = Context {
            layout: &self.layout,
            consistency: summary.as_ref(),
            key_slots: Some(&self.plan.key_slots),
        };
        let node_timeout = self.plan.manifest.topology.node_timeout_ms;
        let start = self.progress.step_start.clone();
        if self
            .watch
            .look(&step, &cx, start.as_ref(), s, look, node_timeout)
        {
            fx.draw();
        }
        self.watch.held_for(&step, look.at_ms)
    }

    /// The current step passed: the time is the cluster's (see [`timing`]), the next step
    /// begins.
    fn pass_current(&mut self, fx: &mut Fx) -> Option<PassNote> {
        let (_, step) = self.current()?;
        let step = step.clone();
        let held = self.watch.held.unwrap_or(Look {
            at_ms: self.now_ms,
            gap_ms: 0,
        });
        let named: Vec<NodeRef> = step
            .checks
            .iter()
            .flat_map(|c| {
                let mut n: Vec<NodeRef> = c.nodes().into_iter().cloned().collect();
                n.extend(c.wants_master().into_iter().cloned());
                n
            })
            .collect();
        let took = if step.kind == StepKind::Read {
            timing::Took {
                took_ms: 0,
                measured: Measured::Step,
                resolution_ms: 0,
            }
        } else {
            let began = self.progress.step_started_ms.max(self.ready_ms);
            self.timing.measure(&named, &self.layout, held, began)
        };
        let reached = self.reached_ms.unwrap_or(self.progress.step_started_ms);
        let spent = self.now_ms.saturating_sub(reached);
        let note = PassNote {
            title: self.plan.title_of(&step),
            took_ms: took.took_ms,
            measured: took.measured.clone(),
            resolution_ms: took.resolution_ms,
            spent_ms: spent,
        };
        if verify::reads_consistency(&step.checks) && self.test.running() {
            self.test = Test::Stopping {
                summary: self.test.summary(),
            };
            fx.push(Effect::StopBackground);
        }
        let passed = Passed {
            step: step.id.clone(),
            began_ms: Some(self.progress.step_started_ms),
            at_ms: self.now_ms,
            took_ms: took.took_ms,
            measured: took.measured,
            resolution_ms: Some(took.resolution_ms),
            spent_ms: Some(spent),
        };
        let start = self.latest.as_deref().cloned();
        self.progress
            .pass_current(&self.plan.manifest, passed, start);
        self.watch = Watch::default();
        self.reached_ms = None;
        self.note_reached();
        if self
            .current()
            .is_some_and(|(_, s)| s.kind == StepKind::Action)
        {
            self.timing
                .action_began(self.now_ms, self.latest.as_deref());
        }
        self.save(fx);
        fx.draw();
        Some(note)
    }

    /// Notes when the student first reaches the current step's slides.
    fn note_reached(&mut self) {
        if self.reached_ms.is_none() && self.on_current() {
            self.reached_ms = Some(self.now_ms);
        }
    }

    /// The step whose `background:` covers step `i`: the last one at or before it.
    fn test_step_for(&self, i: usize) -> Option<usize> {
        let upto = (i + 1).min(self.plan.manifest.steps.len());
        self.plan.manifest.steps[..upto]
            .iter()
            .rposition(|s| s.background == Some(Starts::Consistency))
    }

    /// The `background:` step `from` may start a test: none ran yet, or the last one was
    /// started by an earlier step and is over.
    fn may_start_test(&self, from: usize) -> bool {
        match self.test {
            Test::Idle => true,
            Test::Done(_) => self.test_from.is_some_and(|f| f < from),
            _ => false,
        }
    }

    fn background(&mut self, b: Background, fx: &mut Fx) {
        match b {
            Background::Started { .. } => {
                self.test = Test::Running {
                    live: None,
                    summary: None,
                };
                if matches!(self.mode, Mode::Student) {
                    self.board
                        .add(Notice::Info(msg!("start-consistency-started")));
                }
                self.auto_background_started(fx);
            }
            Background::Counters { live, summary } => match &mut self.test {
                Test::Running {
                    live: l,
                    summary: s,
                } => {
                    *l = Some(live);
                    *s = Some(summary);
                }
                Test::Stopping { summary: s } => *s = Some(summary),
                _ => {}
            },
            Background::Failed(m) => {
                self.test = Test::Failed(m.clone());
                self.board.add(Notice::Error(m.clone()));
                self.auto_background_failed(m, fx);
            }
            Background::Stopped(report) => {
                if matches!(self.mode, Mode::Student) {
                    self.board.add(Notice::Consistency(report.clone()));
                }
                self.test = Test::Done(report);
                self.auto_background_stopped(fx);
            }
        }
        fx.draw();
    }

    fn progress_changed(&mut self, other: &Progress, fx: &mut Fx) {
        match self.progress.merge(&self.plan.manifest, other) {
            progress::Merged::Same => {}
            progress::Merged::Joined => fx.draw(),
            progress::Merged::Replaced => {
                // A reset from another terminal: the lab is back at its step.
                self.nav = Nav::new(&self.plan.deck, &self.plan.manifest, self.progress.slide);
                self.watch = Watch::default();
                self.board.passed = None;
                self.closing = false;
                if self
                    .current()
                    .is_some_and(|(_, s)| s.kind == StepKind::Action)
                {
                    self.timing
                        .action_began(self.progress.step_started_ms, self.latest.as_deref());
                }
                fx.draw();
            }
        }
    }
}
