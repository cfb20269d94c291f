//! `lab start`: the student's lab, one slide at a time, checked on the live cluster.
//!
//! The cluster comes up in the background while the opening slides are read (a cold cluster
//! needs about 2 s). Each checked step records the cluster when it begins; an action step is
//! then watched (a snapshot every 100 ms) and passes with ✓ as soon as the cluster shows it,
//! whether the student acted in another terminal with redis-cli or in the built-in prompt.
//! When it does not pass, the runner says what is still missing and, for failovers, why.
//! Progress is saved after every change, so `q`, a closed terminal or a killed runner resume
//! where they were.

use std::time::{Duration, Instant};

use console::style;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::consistency::BACKGROUND_RATE;
use super::input::{Input, Reader};
use super::progress::{Progress, now_ms};
use super::screen::Screen;
use super::session::Session;
use super::solution;
use crate::cluster::form::{Expected, Phase, Progress as FormProgress};
use crate::cluster::provision::{self, Cluster, Source, Spec, UpOutcome};
use crate::cluster::statedir::StateDir;
use crate::error::{Error, Result};
use crate::i18n::{Lang, Msg};
use crate::lab::Lab;
use crate::lab::manifest::{Background, Manifest, Step, StepKind};
use crate::lab::slides::Deck;
use crate::lab::template::Renderer;
use crate::model::state::ClusterState;
use crate::model::topology::Layout;
use crate::render::markdown::RenderStyle;
use crate::render::slide;
use crate::verify::Outcome;
use crate::verify::diagnose::{self, Situation};
use crate::{msg, t};

pub struct Options {
    pub lang: Lang,
    pub state: StateDir,
    pub spec: Spec,
    pub source: Source,
    pub color: bool,
    pub width: usize,
    /// Keys from a terminal; `false` reads lines from stdin.
    pub keys: bool,
    pub tty: bool,
    /// How solutions run when a resumed lab's steps are replayed on a new cluster.
    pub env: solution::Env,
}

/// Phases of the background `up`, forwarded to the runner's status line.
struct Forward(mpsc::UnboundedSender<Phase>);

impl FormProgress for Forward {
    fn phase(&self, p: Phase) {
        let _ = self.0.send(p);
    }
}

type Ready = Result<(Cluster, UpOutcome, ClusterState)>;

/// What a resumed lab needs when its cluster had to be built again: the steps the student
/// had done, replayed from their solutions.
struct Replay {
    lab: Lab,
    target: usize,
    env: solution::Env,
}

/// Brings the cluster up for the lab; a new attempt at a lab starts from its initial layout,
/// a resumed one on a new cluster gets the steps already done replayed.
async fn provision_for(
    state: StateDir,
    spec: Spec,
    source: Source,
    fresh_start: bool,
    replay: Option<Replay>,
    tx: mpsc::UnboundedSender<Phase>,
) -> Ready {
    let progress = Forward(tx.clone());
    let (cluster, outcome, snap) =
        match provision::up(&state, &spec, &source, false, &progress).await {
            Ok((cluster, outcome, snap)) => {
                // A lab that starts from a set-up state (a fault to repair, bare nodes) cannot
                // tell its start from what the last attempt left: a new attempt rebuilds it.
                let left_over = outcome == UpOutcome::Reused && spec.starts_unhealthy();
                if fresh_start && (left_over || !is_initial(&cluster, &spec, &snap)) {
                    provision::up(&state, &spec, &source, true, &progress).await?
                } else {
                    (cluster, outcome, snap)
                }
            }
            // A broken cluster cannot be resumed, but a lab starting over may rebuild it.
            Err(Error::Failed(_)) if fresh_start => {
                provision::up(&state, &spec, &source, true, &progress).await?
            }
            Err(e) => return Err(e),
        };
    match replay {
        Some(r) if r.target > 0 && outcome != UpOutcome::Reused => {
            let _ = tx.send(Phase::Replaying);
            let session = Session::new(r.lab, cluster.clone())?;
            super::reset::replay(&session, r.target, &r.env).await?;
            let snap = session.snapshot().await;
            Ok((cluster, outcome, snap))
        }
        _ => Ok((cluster, outcome, snap)),
    }
}

/// The lab's layout and data exactly as the manifest plans them.
pub fn is_initial(cluster: &Cluster, spec: &Spec, s: &ClusterState) -> bool {
    let expected = Expected::of(&spec.topology, |n| cluster.addr(n));
    let keys_ok = spec
        .data
        .as_ref()
        .is_none_or(|d| s.lab_keys() == Some(d.count));
    expected.missing(s).is_empty() && keys_ok && s.is_healthy()
}

struct Watch {
    outcome: Option<Outcome>,
    advice: Vec<Msg>,
    /// Requests a master refused, seen while this step was watched.
    events: Vec<Msg>,
    /// The previous look at the cluster.
    previous: Option<ClusterState>,
    /// When the expected replica was first seen to receive CLUSTER FAILOVER.
    request_seen: Option<Instant>,
    /// When the step's checks first held while the student was still reading earlier slides
    /// (ms since the epoch): the time the step reports is the cluster's, not the reader's.
    held_ms: Option<u64>,
    last_check: Instant,
}

impl Watch {
    fn new() -> Watch {
        Watch {
            outcome: None,
            advice: vec![],
            events: vec![],
            previous: None,
            request_seen: None,
            held_ms: None,
            last_check: Instant::now() - Duration::from_secs(1),
        }
    }
}

struct Runner {
    lab: Lab,
    manifest: Manifest,
    deck: Deck,
    slide: usize,
    steps: Vec<Step>,
    /// The step each slide belongs to.
    step_of: Vec<Option<String>>,
    progress: Progress,
    state: StateDir,
    session: Option<Session>,
    cluster_status: Option<String>,
    cluster_started: Instant,
    screen: Screen,
    style: RenderStyle,
    notes: bool,
    watch: Watch,
    /// Lines under the status for one slide: a hint, a log, a message.
    extra: Vec<String>,
    /// The last ✓, shown at the top of the next slide's status.
    passed_note: Option<String>,
    /// The background consistency test, from its step until a step has checked it.
    consistency: Option<crate::consistency::Running>,
    /// A consistency check passed: the test is not started again.
    consistency_done: bool,
    consistency_started_ms: u64,
    /// A resumed lab whose cluster had to be built again, its steps so far replayed.
    replaying: bool,
    /// The addresses the slides show until the cluster is up.
    preview: Layout,
    /// The slide as last drawn.
    shown: String,
    /// The lab starts from a set-up state (see `Spec::starts_unhealthy`).
    set_up: bool,

    last_publish: Instant,
    /// The exercise's time ran out and it was graded then.
    timed_out: bool,
    spinner: usize,
    quit: bool,
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub async fn start(lab: Lab, opts: Options) -> Result<()> {
    let manifest = lab.runnable()?.clone();
    let (deck_lang, deck) = lab
        .deck(opts.lang)
        .map(|(l, d)| (l.to_string(), d.clone()))
        .ok_or_else(|| Error::Usage(msg!("show-no-slides", lab = lab.id.as_str())))?;
    let saved = Progress::load(&opts.state, &manifest)?;
    // A lab resumes at its step; an exercise resumes until it has passed (then a new attempt
    // starts from its setup again).
    let unfinished = |p: &Progress| match manifest.exercise {
        Some(_) => p.finished_ms.is_none() && p.baseline.is_some(),
        None => p.step.is_some(),
    };
    let resuming = saved.as_ref().is_some_and(|p| {
        unfinished(p) && (!p.passed.is_empty() || p.slide > 0 || p.baseline.is_some())
    });
    let mut progress = match saved {
        Some(p) if unfinished(&p) => p,
        _ => Progress::new(&manifest, &deck_lang),
    };
    progress.lang = deck_lang.clone();
    progress.save(&opts.state)?;

    let (tx, mut phases) = mpsc::unbounded_channel();
    let replay = (resuming && manifest.exercise.is_none()).then(|| Replay {
        lab: lab.clone(),
        target: progress
            .step_index(&manifest)
            .min(manifest.steps.len().saturating_sub(1)),
        env: opts.env.clone(),
    });
    let replaying = replay.as_ref().is_some_and(|r| r.target > 0);
    let mut provisioning = tokio::spawn(provision_for(
        opts.state.clone(),
        opts.spec.clone(),
        opts.source.clone(),
        !resuming,
        replay,
        tx,
    ));

    let topology = lab.topology();
    let preview = opts
        .source
        .layout(&topology)
        .unwrap_or_else(|| Layout::local(&topology, crate::model::topology::DEFAULT_LOCAL_BASE));
    let step_of = deck
        .step_of_each()
        .iter()
        .map(|s| s.map(str::to_string))
        .collect();
    let mut runner = Runner {
        steps: manifest.steps.clone(),
        manifest,
        slide: 0,
        lab,
        deck,
        step_of,
        progress,
        state: opts.state.clone(),
        session: None,
        cluster_status: Some(t!("phase-checking")),
        cluster_started: Instant::now(),
        screen: Screen::new(opts.tty, opts.width),
        style: RenderStyle {
            color: opts.color,
            width: opts.width.min(100),
            dim: false,
        },
        notes: false,
        watch: Watch::new(),
        extra: vec![],
        passed_note: None,
        consistency: None,
        consistency_done: false,
        consistency_started_ms: 0,
        replaying,
        preview,
        shown: String::new(),
        set_up: opts.spec.starts_unhealthy(),
        last_publish: Instant::now(),
        timed_out: false,
        spinner: 0,
        quit: false,
    };
    // Said under the first slide, where they stay visible.
    if deck_lang != opts.lang.code() {
        let note = t!(
            "show-language-fallback",
            wanted = opts.lang.code(),
            shown = deck_lang.as_str()
        );
        runner.extra.push(note);
    }
    if resuming {
        let note = match runner.manifest.exercise {
            Some(_) => t!("start-resuming-exercise"),
            None => t!(
                "start-resuming",
                step = runner.step_title(runner.current_index())
            ),
        };
        runner.extra.push(note);
    }
    let mut reader = Reader::start(opts.keys);
    if opts.keys {
        runner.screen.enter_raw();
    }
    runner.slide = runner
        .progress
        .slide
        .min(runner.deck.slides.len().saturating_sub(1));
    runner.draw_slide();

    let mut sigint = signal(SignalKind::interrupt()).map_err(|e| Error::io("signal", e))?;
    let mut sigterm = signal(SignalKind::terminate()).map_err(|e| Error::io("signal", e))?;
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let mut provisioned = false;
    let mut interrupted = None;
    while !runner.quit {
        tokio::select! {
            Some(input) = reader.rx.recv() => runner.input(input, &mut reader).await,
            Some(p) = phases.recv() => runner.cluster_status = Some(p.text()),
            r = &mut provisioning, if !provisioned => {
                provisioned = true;
                runner.ready(r.map_err(|e| Error::io("task", std::io::Error::other(e))).and_then(|r| r)).await;
            }
            _ = tick.tick() => runner.tick().await,
            _ = sigint.recv() => { interrupted = Some(2); runner.quit = true; }
            _ = sigterm.recv() => { interrupted = Some(15); runner.quit = true; }
        }
    }
    runner.screen.leave_raw();
    if let Some(c) = runner.consistency.take() {
        // Its counters would mean nothing to a later run: stop it and remove its keys.
        c.stop().await;
    }
    if !provisioned && let Ok(r) = provisioning.await {
        // Quitting while the cluster was still coming up: let it finish rather than leave it
        // half-made (it is the lab's cluster either way), and record what the step or the
        // exercise starts from, as if the student had waited.
        runner.ready(r).await;
    }
    runner.progress.save(&runner.state)?;
    // The status block belongs to a running lab: gone before the closing words.
    runner.screen.status(&[]);
    let lab = runner.lab.id.clone();
    match (&runner.manifest.exercise, runner.progress.finished()) {
        (_, true) => runner.summary(),
        (Some(_), false) => runner.screen.say(&t!("start-saved-exercise", lab = lab)),
        (None, false) => runner.screen.say(&t!("start-saved", lab = lab)),
    }
    match interrupted {
        Some(signal) => Err(Error::Interrupted { signal }),
        None => Ok(()),
    }
}

impl Runner {
    fn current_index(&self) -> usize {
        self.progress
            .step
            .as_ref()
            .and_then(|s| self.steps.iter().position(|x| &x.id == s))
            .unwrap_or(self.steps.len())
    }

    fn current(&self) -> Option<&Step> {
        self.steps.get(self.current_index())
    }

    fn step_title(&self, i: usize) -> String {
        let Some(step) = self.steps.get(i) else {
            return String::new();
        };
        step.title
            .get(&self.progress.lang)
            .or_else(|| step.title.values().next())
            .cloned()
            .unwrap_or_else(|| step.id.clone())
    }

    fn step_index_of(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }

    /// The index of the step a slide belongs to (intro slides: before the first step).
    fn slide_step(&self, slide: usize) -> Option<usize> {
        self.step_of
            .get(slide)
            .cloned()
            .flatten()
            .and_then(|s| self.step_index_of(&s))
    }

    fn first_slide_of(&self, step: usize) -> Option<usize> {
        let id = &self.steps.get(step)?.id;
        self.deck
            .slides
            .iter()
            .position(|s| s.step.as_ref().is_some_and(|m| &m.step == id))
    }

    fn renderer(&self) -> Renderer {
        match &self.session {
            Some(s) => s.renderer(self.progress.step_start.as_ref()),
            None => self.lab.renderer(&self.preview),
        }
    }

    fn slide_text(&self) -> Option<String> {
        let s = self.deck.slides.get(self.slide)?;
        let step = self
            .slide_step(self.slide)
            .map(|i| self.steps[i].id.clone());
        let mut text = slide::header(s, self.deck.slides.len(), step.as_deref(), self.style);
        text.push_str("\n\n");
        text.push_str(&slide::render(&self.deck, s, &self.renderer(), self.style, self.notes).text);
        Some(text)
    }

    fn draw_slide(&mut self) {
        let Some(text) = self.slide_text() else {
            return;
        };
        self.screen.slide(&text);
        self.shown = text;
        self.draw_status();
    }

    /// Draws the slide again only if it reads differently now (the cluster's addresses and ids
    /// replaced the preview's): a transcript should not show the same slide twice.
    fn refresh_slide(&mut self) {
        if self.slide_text().is_some_and(|t| t != self.shown) {
            self.draw_slide();
        } else {
            self.draw_status();
        }
    }

    fn draw_status(&mut self) {
        let mut lines = vec![];
        if let Some(c) = &self.cluster_status {
            let spin = if self.screen.tty {
                SPINNER[self.spinner % SPINNER.len()]
            } else {
                "…"
            };
            lines.push(format!("{} {}", style(spin).cyan(), c));
        }
        if let Some(p) = self.passed_note.as_ref().filter(|_| self.screen.tty) {
            lines.push(p.clone());
        }
        let i = self.current_index();
        if let Some(step) = self.current() {
            let on_it = self.slide_step(self.slide) == Some(i);
            let label = t!(
                "start-step",
                n = i + 1,
                total = self.steps.len(),
                title = self.step_title(i),
                kind = kind_word(step.kind)
            );
            match step.kind {
                StepKind::Read => {}
                _ if self.session.is_none() => {
                    if on_it {
                        lines.push(format!(
                            "{} {}",
                            style("…").dim(),
                            t!("start-waiting-cluster")
                        ));
                    }
                }
                _ => {
                    if let Some(o) = &self.watch.outcome {
                        let first = o.failures().next().map(|m| m.text()).unwrap_or_default();
                        let spin = if self.screen.tty {
                            SPINNER[self.spinner % SPINNER.len()]
                        } else {
                            "…"
                        };
                        if on_it || step.kind == StepKind::Action {
                            lines.push(format!(
                                "{} {}",
                                style(spin).yellow(),
                                style(&label).bold()
                            ));
                            lines.push(format!("  {}", t!("start-waiting-for", what = first)));
                            for a in &self.watch.advice {
                                lines.push(format!(
                                    "  {} {}",
                                    style("!").yellow().bold(),
                                    a.text()
                                ));
                            }
                        }
                    }
                }
            }
        }
        if let Some(c) = &self.consistency {
            lines.push(format!(
                "{} {}",
                style("⇄").cyan(),
                super::consistency::live_line(&c.live())
            ));
        }
        if let Some(ex) = &self.manifest.exercise {
            let left = self
                .time_left()
                .map(|l| t!("start-time-left", left = l))
                .unwrap_or_default();
            let line = t!("start-exercise", cost = ex.scheme.hint_cost, left = left);
            if self.screen.tty || self.extra.is_empty() {
                lines.push(style(line).cyan().to_string());
            }
        }
        lines.extend(self.extra.iter().cloned());
        if self.screen.tty {
            lines.push(style(t!("start-keys")).dim().to_string());
        }
        self.screen.status(&lines);
    }

    async fn ready(&mut self, r: Ready) {
        match r {
            Ok((cluster, outcome, snap)) => {
                let secs = format!("{:.1}", self.cluster_started.elapsed().as_secs_f64());
                match Session::new(self.lab.clone(), cluster) {
                    Ok(s) => {
                        self.session = Some(s);
                        self.cluster_status = None;
                        let note = match outcome {
                            // A set-up lab's cluster is not meant to be healthy.
                            UpOutcome::Reused if self.set_up => t!("start-cluster-reused-as-left"),
                            UpOutcome::Reused => t!("start-cluster-reused"),
                            _ if self.replaying => t!(
                                "start-cluster-replayed",
                                secs = secs,
                                step = self.step_title(self.current_index())
                            ),
                            _ => t!("start-cluster-ready", secs = secs),
                        };
                        // Under the slide, where a redraw keeps it.
                        self.extra = vec![format!("{} {note}", style("✓").green())];

                        if self.manifest.exercise.is_some() && outcome != UpOutcome::Reused {
                            // Built again (the student's changes are gone with the old
                            // nodes): the criteria compare with the new nodes' start.
                            if self.progress.baseline.is_some() {
                                self.progress.baseline = Some(snap.clone());
                            }
                        }
                        if self.manifest.exercise.is_some() && self.progress.baseline.is_none() {
                            // What the exercise's criteria compare with.
                            self.progress.baseline = Some(snap.clone());
                            self.progress.started_ms = now_ms();
                        }
                        // A new cluster has new node ids: the step starts on it.
                        if self.progress.step_start.is_none() || outcome != UpOutcome::Reused {
                            self.progress.step_start = Some(snap);
                        }
                        let _ = self.progress.save(&self.state);
                        // The slides can now show this cluster's addresses and ids.
                        self.refresh_slide();
                    }
                    Err(e) => self.cluster_failed(e),
                }
            }
            Err(e) => self.cluster_failed(e),
        }
    }

    fn cluster_failed(&mut self, e: Error) {
        self.cluster_status = None;
        self.screen
            .say(&format!("{} {}", style("✗").red().bold(), e.msg().text()));
        self.screen.say(&t!("start-cluster-failed-hint"));
        self.quit = true;
    }

    /// Starts the background consistency test when the student has reached the step that
    /// starts it (and no step has checked it yet).
    async fn background(&mut self) {
        let (Some(session), None, false) =
            (&self.session, &self.consistency, self.consistency_done)
        else {
            return;
        };
        let exercise_wants = self
            .manifest
            .exercise
            .as_ref()
            .is_some_and(|e| e.background == Some(Background::Consistency));
        if !exercise_wants {
            let i = self.current_index();
            let Some(from) = self
                .steps
                .iter()
                .position(|s| s.background == Some(Background::Consistency))
            else {
                return;
            };
            // Started when the student reaches the step's slides (where they read that it
            // starts), like a step's checks.
            let reached = self.slide_step(self.slide).is_some_and(|s| s >= from);
            if i < from || !reached {
                return;
            }
        }

        let opts = crate::consistency::Options {
            seeds: session.cluster.targets(),
            max_ops_per_sec: Some(BACKGROUND_RATE),
            ..crate::consistency::Options::default()
        };
        match crate::consistency::start(opts).await {
            Ok(r) => {
                self.screen.say(&format!(
                    "{} {}",
                    style("▶").cyan(),
                    t!("start-consistency-started")
                ));
                self.consistency_started_ms = now_ms();
                self.consistency = Some(r);
            }
            Err(e) => {
                self.consistency_done = true;
                self.screen
                    .say(&format!("{} {}", style("✗").red(), e.msg().text()));
            }
        }
    }

    async fn tick(&mut self) {
        self.spinner += 1;
        self.background().await;
        self.publish();
        if self.time_limit() {
            self.grade().await;
        }

        let due = self.watch.last_check.elapsed() >= super::session::POLL;
        // A step is looked at once the student has reached its slides, not before.
        let reached = self
            .slide_step(self.slide)
            .is_some_and(|i| i >= self.current_index());
        let checked = self.current().is_some_and(|s| s.kind != StepKind::Read);
        if self.session.is_some() && checked && reached && due {
            self.check_now(false).await;
        } else if self.session.is_some() && checked && due && self.watch.held_ms.is_none() {
            self.note_when_held().await;
        } else if self.screen.tty && (self.cluster_status.is_some() || self.watch.outcome.is_some())
        {
            self.draw_status();
        }
    }

    /// Looks at the cluster, silently, for when the current step's checks first hold while the
    /// student is still on earlier slides (a promotion that happens while they read).
    async fn note_when_held(&mut self) {
        let (Some(session), Some(step)) = (&self.session, self.current()) else {
            return;
        };
        let now = session.snapshot().await;
        let summary = self.consistency.as_ref().map(|c| c.summary());
        let start = self.progress.step_start.as_ref();
        let held = session
            .evaluate(step, start, &now, summary.as_ref())
            .passed();
        self.watch.last_check = Instant::now();
        if held {
            self.watch.held_ms = Some(now_ms());
        }
    }

    /// Looks at the cluster for the current step: passes it, or says what is missing.
    async fn check_now(&mut self, asked: bool) {
        let Some(session) = &self.session else {
            if asked {
                self.extra = vec![t!("start-waiting-cluster")];
                self.draw_status();
            }
            return;
        };
        let Some(step) = self.current().cloned() else {
            return;
        };
        if step.kind == StepKind::Read {
            if asked {
                self.extra = vec![t!("start-nothing-to-check")];
                self.draw_status();
            }
            return;
        }
        self.watch.last_check = Instant::now();
        let now = session.snapshot().await;
        if self.progress.step_start.is_none() {
            self.progress.step_start = Some(now.clone());
            let _ = self.progress.save(&self.state);
        }
        let start = self.progress.step_start.clone();
        let summary = self.consistency.as_ref().map(|c| c.summary());
        let outcome = session.evaluate(&step, start.as_ref(), &now, summary.as_ref());
        if outcome.passed() {
            if step.checks.iter().any(|c| c.needs().consistency)
                && let Some(c) = self.consistency.take()
            {
                self.consistency_done = true;
                let report = c.stop().await;
                for line in super::consistency::summary(&report) {
                    self.screen.say(&line);
                }
            }
            self.passed(&step, now);
            return;
        }
        // Held while the student read, but not now: the time is not that one.
        self.watch.held_ms = None;
        if step.kind == StepKind::Action
            && let Some(st) = &start
        {
            let situation = Situation {
                checks: &step.checks,
                layout: &session.layout,
                start: st,
                previous: self.watch.previous.as_ref(),
                now: &now,
                since_request: self.watch.request_seen.map(|t| t.elapsed()),
                node_timeout_ms: session.manifest.topology.node_timeout_ms,
            };
            if let Some((replica, _)) = diagnose::expected_promotion(&situation) {
                let asked_replica = now
                    .node(&replica)
                    .zip(st.node(&replica))
                    .is_some_and(|(n, b)| n.failover_requests > b.failover_requests);
                if asked_replica && self.watch.request_seen.is_none() {
                    self.watch.request_seen = Some(Instant::now());
                }
            }
            // A refused request is an event: keep saying it until the step passes.
            let mut advice = diagnose::diagnose(&situation);
            for a in advice.iter().filter(|a| a.id == "diagnose-sent-to-master") {
                if !self.watch.events.contains(a) {
                    self.watch.events.push(a.clone());
                }
            }
            advice.retain(|a| a.id != "diagnose-sent-to-master");
            advice.extend(self.watch.events.iter().cloned());
            self.watch.advice = advice;
        }
        self.watch.outcome = Some(outcome);
        self.watch.previous = Some(now);
        if asked {
            self.extra = self
                .watch
                .outcome
                .iter()
                .flat_map(|o| o.failures())
                .map(|m| format!("  {} {}", style("✗").red(), m.text()))
                .collect();
        }
        self.draw_status();
    }

    fn passed(&mut self, step: &Step, now: ClusterState) {
        let at = self.watch.held_ms.unwrap_or_else(now_ms);
        let took = at.saturating_sub(self.progress.step_started_ms);
        let i = self.current_index();
        let note = format!(
            "{} {}",
            style("✓").green().bold(),
            t!(
                "start-passed",
                title = self.step_title(i),
                secs = format!("{:.1}", took as f64 / 1000.0)
            )
        );
        self.progress.pass_current(&self.manifest);
        self.progress.step_start = Some(now);
        self.watch = Watch::new();
        self.extra.clear();
        self.passed_note = Some(note.clone());
        if !self.screen.tty {
            // On a terminal the status block shows it; a transcript gets it once, here.
            self.screen.say(&note);
        }
        if self.progress.step.is_none() {
            self.quit = true;
            return;
        }
        // An action is done: move on to the next step's slides. An observe step leaves the
        // student on the slide they are reading.
        let on_it = self.slide_step(self.slide) == Some(i);
        let last_of_step = self.slide_step(self.slide + 1) != Some(i);
        if step.kind == StepKind::Action
            && on_it
            && last_of_step
            && let Some(next) = self.first_slide_of(i + 1)
        {
            self.slide = next;
            self.progress.slide = next;
            self.passed_note = Some(note);
            self.draw_slide();
        }
        let _ = self.progress.save(&self.state);
        self.draw_status();
    }

    async fn input(&mut self, input: Input, reader: &mut Reader) {
        if !matches!(input, Input::Check | Input::Hint) {
            self.extra.clear();
        }
        match input {
            Input::Next => self.next().await,
            Input::Back => {
                if self.slide > 0 {
                    self.passed_note = None;
                    self.slide -= 1;
                    self.progress.slide = self.slide;
                    let _ = self.progress.save(&self.state);
                    self.draw_slide();
                }
            }
            Input::Check => self.check_now(true).await,
            Input::Hint => self.hint(),
            Input::Notes => {
                self.notes = !self.notes;
                self.draw_slide();
            }
            Input::Log => self.log(),
            Input::Grade => self.grade().await,
            Input::Shell => self.shell(reader).await,
            Input::Quit | Input::Eof => self.quit = true,
            Input::Line(l) => {
                self.extra = vec![t!("start-unknown-input", input = l)];
                self.draw_status();
            }
        }
    }

    async fn next(&mut self) {
        if self.slide + 1 >= self.deck.slides.len() && self.manifest.exercise.is_some() {
            // An exercise ends when the student says so (q), not at its last slide.
            self.extra = vec![t!("start-exercise-end")];
            self.draw_status();
            return;
        }
        if self.slide + 1 >= self.deck.slides.len() {
            // The last slide: finishing means the last step is done.
            if let Some(step) = self.current().cloned() {
                if step.kind == StepKind::Read {
                    self.progress.pass_current(&self.manifest);
                    let _ = self.progress.save(&self.state);
                    self.quit = self.progress.step.is_none();
                } else {
                    self.blocked(&step);
                }
            } else {
                self.quit = true;
            }
            return;
        }
        let target = self.slide + 1;
        // Moving into a later step's slides finishes the current step first.
        while let Some(target_step) = self.slide_step(target) {
            let cur = self.current_index();
            if target_step <= cur {
                break;
            }
            let Some(step) = self.current().cloned() else {
                break;
            };
            if step.kind != StepKind::Read {
                self.blocked(&step);
                return;
            }
            self.progress.pass_current(&self.manifest);
            self.watch = Watch::new();
            self.passed_note = None;
            if let Some(s) = &self.session {
                self.progress.step_start = Some(s.snapshot().await);
            }
        }
        self.slide = target;
        self.progress.slide = target;
        // A ✓ is news once: it was shown, it does not follow the student around.
        self.passed_note = None;
        let _ = self.progress.save(&self.state);
        self.draw_slide();
    }

    /// The student tried to move past a step whose checks do not hold yet.
    fn blocked(&mut self, step: &Step) {
        let why = self
            .watch
            .outcome
            .as_ref()
            .and_then(|o| o.failures().next().map(|m| m.text()))
            .unwrap_or_else(|| t!("start-not-checked-yet"));
        self.extra = vec![format!(
            "{} {}",
            style("✗").red(),
            t!("start-finish-first", step = step.id.as_str(), why = why)
        )];
        self.draw_status();
    }

    /// Hints of the step on screen (a passed step's hints stay readable).
    fn hint(&mut self) {
        let lang = self.progress.lang.clone();
        // An exercise's hints are its own (and cost points); a lab's are the step's on screen.
        let (key, all) = match &self.manifest.exercise {
            Some(ex) => (self.lab.id.clone(), ex.hints.clone()),
            None => {
                let on_screen = self
                    .slide_step(self.slide)
                    .and_then(|i| self.steps.get(i))
                    .cloned();
                let Some(step) = on_screen.or_else(|| self.current().cloned()) else {
                    return;
                };
                (step.id.clone(), step.hints.clone())
            }
        };
        let hints = all
            .get(&lang)
            .or_else(|| all.values().next())
            .cloned()
            .unwrap_or_default();
        self.progress.merge_saved(&self.state, &self.manifest);
        if hints.is_empty() {
            self.extra = vec![t!("start-no-hints")];
            self.draw_status();
            return;
        }
        let used = (self.progress.hints_used(&key) + 1).min(hints.len());
        self.progress.hints.insert(key.clone(), used);
        let _ = self.progress.save(&self.state);
        let renderer = self.renderer();
        self.extra = hints[..used]
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let text = renderer
                    .render(&h.value)
                    .unwrap_or_else(|_| h.value.clone());
                format!(
                    "{} {}",
                    style(t!("start-hint", n = i + 1, total = hints.len()))
                        .cyan()
                        .bold(),
                    text
                )
            })
            .collect();
        self.draw_status();
    }

    fn log(&mut self) {
        let Some(session) = &self.session else { return };
        let node = self
            .current()
            .and_then(|s| s.node.clone())
            .or_else(|| session.manifest.topology.nodes().first().cloned());
        let Some(node) = node else { return };
        let Some(addr) = session.layout.addr(&node).cloned() else {
            return;
        };
        if session.cluster.record.backend != crate::cluster::statedir::Backend::Local {
            self.extra = vec![t!("error-logs-remote")];
            self.draw_status();
            return;
        }
        let local = crate::cluster::local::LocalNode::new(&self.state, node, addr.clone());
        let text = std::fs::read_to_string(local.log()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let mut extra = vec![
            style(t!("start-log", node = addr.to_string()))
                .bold()
                .to_string(),
        ];
        extra.extend(
            lines[lines.len().saturating_sub(12)..]
                .iter()
                .map(|l| style(*l).dim().to_string()),
        );
        self.extra = extra;
        self.draw_status();
    }

    async fn shell(&mut self, reader: &mut Reader) {
        let Some(session) = &self.session else {
            self.extra = vec![t!("start-waiting-cluster")];
            self.draw_status();
            return;
        };
        let node = self
            .current()
            .and_then(|s| s.node.clone())
            .and_then(|n| session.cluster.members.iter().find(|m| m.name == n))
            .or_else(|| session.cluster.members.first())
            .map(|m| m.target.clone());
        let Some(target) = node else { return };
        let history = Some(self.state.root.join("shell_history"));
        if reader.keys {
            reader.pause();
            self.screen.leave_raw();
            self.screen.say(&t!("start-shell-enter"));
            let _ = crate::shell::repl(target, history).await;
            self.screen.enter_raw();
            reader.resume();
        } else {
            // Without a terminal the prompt reads the same lines the runner reads.
            self.screen.say(&t!("start-shell-enter"));
            let mut sh = crate::shell::Session::new(target);
            while let Some(input) = reader.rx.recv().await {
                let line = match input {
                    Input::Line(l) => l,
                    Input::Eof | Input::Quit => break,
                    other => input_word(&other),
                };
                if matches!(line.trim(), "exit" | "quit") {
                    break;
                }
                if line.trim().is_empty() {
                    continue;
                }
                let out = sh.execute(&line).await;
                self.screen.say(&format!("{}{line}", sh.prompt()));
                self.screen.say(out.output.trim_end());
            }
        }
        self.draw_slide();
    }

    /// The background test's counters, for `lab grade` in another terminal: once a second.
    fn publish(&mut self) {
        let Some(c) = &self.consistency else { return };
        if self.last_publish.elapsed() < Duration::from_secs(1) {
            return;
        }
        self.last_publish = Instant::now();
        let p = super::consistency::Published {
            run_id: c.run_id().to_string(),
            summary: c.summary(),
            started_ms: self.consistency_started_ms,
            updated_ms: now_ms(),
            running: true,
        };
        super::consistency::publish(&self.state, &self.lab.id, &p);
    }

    /// When an exercise's time is up, it is graded once, as it stands.
    fn time_limit(&mut self) -> bool {
        let Some(limit) = self.manifest.exercise.as_ref().and_then(|e| e.time_limit) else {
            return false;
        };
        if self.timed_out || self.progress.baseline.is_none() || self.progress.finished_ms.is_some()
        {
            return false;
        }
        let used = now_ms().saturating_sub(self.progress.started_ms);
        if used < limit.as_millis() as u64 {
            return false;
        }
        self.timed_out = true;
        true
    }

    /// Time left of an exercise, as `mm:ss`.
    fn time_left(&self) -> Option<String> {
        let limit = self.manifest.exercise.as_ref()?.time_limit?;
        self.progress.baseline.as_ref()?;
        let used = now_ms().saturating_sub(self.progress.started_ms);
        let left = (limit.as_millis() as u64).saturating_sub(used) / 1000;
        Some(format!("{}:{:02}", left / 60, left % 60))
    }

    /// Grades the exercise on the live cluster, shows the table, keeps the report.
    async fn grade(&mut self) {
        let Some(exercise) = self.manifest.exercise.clone() else {
            self.extra = vec![t!("error-not-an-exercise", lab = self.lab.id.as_str())];
            self.draw_status();
            return;
        };
        let (Some(session), Some(baseline)) = (&self.session, self.progress.baseline.clone())
        else {
            self.extra = vec![t!("start-waiting-cluster")];
            self.draw_status();
            return;
        };
        let now = session.snapshot().await;
        let summary = self.consistency.as_ref().map(|c| c.summary());
        let renderer = session.renderer(Some(&now));
        self.progress.merge_saved(&self.state, &self.manifest);
        let g = crate::grade::grade(&crate::grade::Inputs {
            scheme: &exercise.scheme,
            layout: &session.layout,
            baseline: &baseline,
            now: &now,
            consistency: summary.as_ref(),
            hints_used: self.progress.hints.values().sum::<usize>() as u32,
            lang: &self.progress.lang,
            render: Some(&|t: &str| renderer.render(t).unwrap_or_else(|_| t.to_string())),
            key_slots: Some(&session.key_slots),
        });
        self.progress.attempts += 1;
        self.progress.best_percent = Some(
            self.progress
                .best_percent
                .map_or(g.percent, |b| b.max(g.percent)),
        );
        if g.passed && self.progress.finished_ms.is_none() {
            self.progress.finished_ms = Some(now_ms());
        }
        let _ = self.progress.save(&self.state);
        let key = std::env::var("LAB_GRADE_KEY")
            .ok()
            .filter(|k| !k.is_empty());
        let meta = crate::grade::report::Meta {
            lab: &self.lab.id,
            content_hash: crate::grade::report::content_hash(&self.lab.dir).unwrap_or_default(),
            lang: &self.progress.lang,
            started_ms: self.progress.started_ms,
            graded_ms: now_ms(),
            attempt: self.progress.attempts,
        };
        let report = crate::grade::report::Report::new(&g, meta, key.as_deref().map(str::as_bytes));
        let mut extra: Vec<String> = vec![];
        if self.timed_out {
            extra.push(style(t!("start-time-up")).yellow().bold().to_string());
        }
        extra.extend(super::grading::table(&g).lines().map(str::to_string));
        if let Ok(saved) = super::grading::save(&self.state, &report, &g) {
            extra.push(
                style(t!("grade-saved", path = saved.path.display().to_string()))
                    .dim()
                    .to_string(),
            );
        }
        if g.passed {
            self.passed_note = Some(format!(
                "{} {}",
                style("★").yellow().bold(),
                t!("start-exercise-passed")
            ));
        }
        self.extra = extra;
        self.draw_status();
    }

    fn summary(&mut self) {
        let took = self
            .progress
            .finished_ms
            .unwrap_or_else(now_ms)
            .saturating_sub(self.progress.started_ms);
        let hints: usize = self.progress.hints.values().sum();
        let lab = self
            .lab
            .title(Lang::parse(&self.progress.lang).unwrap_or(Lang::En));
        let (minutes, seconds) = (took / 60_000, (took / 1000) % 60);
        let text = match self.progress.best_percent {
            Some(best) if self.manifest.exercise.is_some() => t!(
                "start-finished-exercise",
                lab = lab,
                percent = format!("{best:.0}"),
                minutes = minutes,
                seconds = seconds,
                hints = hints
            ),
            _ => t!(
                "start-finished",
                lab = lab,
                steps = self.progress.passed.len(),
                minutes = minutes,
                seconds = seconds,
                hints = hints
            ),
        };
        self.screen
            .say(&format!("{} {text}", style("★").yellow().bold()));
    }
}

/// The word a key stands for, typed in the built-in prompt in line mode.
fn input_word(i: &Input) -> String {
    match i {
        Input::Next => String::new(),
        Input::Back => "b".into(),
        Input::Check => "c".into(),
        Input::Hint => "h".into(),
        Input::Notes => "n".into(),
        Input::Shell => "s".into(),
        Input::Log => "l".into(),
        Input::Grade => "g".into(),
        Input::Quit => "q".into(),
        Input::Line(l) => l.clone(),
        Input::Eof => String::new(),
    }
}

fn kind_word(k: StepKind) -> String {
    match k {
        StepKind::Action => t!("kind-action"),
        StepKind::Observe => t!("kind-observe"),
        StepKind::Read => t!("kind-read"),
    }
}
