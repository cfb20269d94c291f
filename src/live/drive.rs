//! Drivers: the engine walking a lab by itself on a real cluster, for `lab test` (prove every
//! step), `lab reset` and a resumed lab on a new cluster (replay the steps before one). A
//! driver is not a front-end: it may wait for the cluster, so it is one plain loop that looks
//! every [`POLL`](super::POLL), carries out the engine's effects in order and feeds it the
//! answers.

use std::collections::VecDeque;
use std::sync::Arc;

use super::session::{POLL, Session};
use super::solution::{self, Env, describe};
use crate::app_state::now_ms;
use crate::consistency::{self, Running};
use crate::engine::event::Background;
use crate::engine::{
    Auto, AutoKind, Came, Effect, Engine, Event, Mode, Plan, Progress, StepReport,
};
use crate::error::{Error, Result};
use crate::model::consistency::Report;

/// What a driver says as it goes.
pub trait Reporter: Sync {
    /// A solution line about to run.
    fn running(&self, _step: &str, _line: &str) {}
    /// A step's result.
    fn step(&self, _r: &StepReport) {}
    /// The background test's report, once a step has read it.
    fn test(&self, _r: &Report) {}
}

/// Says nothing.
pub struct Silent;

impl Reporter for Silent {}

/// Walks the lab on `session`'s cluster as `kind` says; the engine's walk when it is done.
pub async fn drive(
    session: &Session,
    plan: Plan,
    kind: AutoKind,
    env: &Env,
    reporter: &dyn Reporter,
) -> Result<Auto> {
    let progress = Progress::new(&plan.manifest, &plan.lang, now_ms());
    let mut engine = Engine::new(
        plan,
        progress,
        Mode::Auto(Box::new(Auto::new(kind))),
        session.layout.clone(),
        now_ms(),
    );
    let mut test: Option<Running> = None;
    let mut reported = 0;
    let snapshot = Arc::new(session.snapshot().await);
    let mut pending: VecDeque<Effect> = engine
        .handle(Event::Ready {
            layout: session.layout.clone(),
            came: Came::Reused,
            snapshot,
            took_ms: 0,
        })
        .into();
    let mut every = tokio::time::interval(POLL);
    let result = loop {
        while let Some(e) = pending.pop_front() {
            let answer = match e {
                Effect::RunSolution { step, lines, run } => {
                    let mut r = Ok(());
                    for line in &lines {
                        reporter.running(&step, &describe(line, session));
                        if let Err(m) = solution::run(session, line, run, env).await {
                            r = Err(m);
                            break;
                        }
                    }
                    Some(Event::SolutionDone(r))
                }
                Effect::StartBackground => {
                    let opts = consistency::Options {
                        seeds: session.cluster.targets(),
                        follow: consistency::Follow::of(&session.cluster),
                        ..consistency::Options::default()
                    };
                    Some(Event::Background(match consistency::start(opts).await {
                        Ok(r) => {
                            let run_id = r.run_id().to_string();
                            test = Some(r);
                            Background::Started { run_id }
                        }
                        Err(e) => Background::Failed(e.msg()),
                    }))
                }
                Effect::StopBackground => match test.take() {
                    Some(r) => {
                        let report = r.stop().await;
                        reporter.test(&report);
                        Some(Event::Background(Background::Stopped(Box::new(report))))
                    }
                    None => None,
                },
                Effect::Quit => break,
                // A driver keeps no progress, draws nothing, opens no log, keeps no grade.
                Effect::Save(_)
                | Effect::Draw
                | Effect::OpenLog { .. }
                | Effect::SaveGrade { .. } => None,
            };
            if let Some(ev) = answer {
                pending.extend(engine.handle(ev));
            }
            report(&engine, &mut reported, reporter);
        }
        if engine.auto().is_some_and(Auto::done) {
            break Ok(());
        }
        every.tick().await;
        if let Some(r) = &test {
            pending.extend(engine.handle(Event::Background(Background::Counters {
                live: r.live(),
                summary: r.summary(),
            })));
        }
        pending.extend(engine.handle(Event::Tick(now_ms())));
        let s = Arc::new(session.snapshot().await);
        pending.extend(engine.handle(Event::Snapshot(s)));
        report(&engine, &mut reported, reporter);
    };
    if let Some(r) = test.take() {
        r.stop().await;
    }
    result.map(|()| engine.auto().cloned().unwrap_or_else(|| Auto::new(kind)))
}

fn report(engine: &Engine, reported: &mut usize, reporter: &dyn Reporter) {
    if let Some(a) = engine.auto() {
        for r in &a.steps[(*reported).min(a.steps.len())..] {
            reporter.step(r);
        }
        *reported = a.steps.len();
    }
}

/// Replays the steps before `target` on `session`'s cluster; how many actions were replayed.
pub async fn replay(session: &Session, plan: Plan, target: usize, env: &Env) -> Result<usize> {
    let a = drive(session, plan, AutoKind::Replay { target }, env, &Silent).await?;
    match a.failed {
        Some(m) => Err(Error::Failed(m)),
        None => Ok(a.replayed),
    }
}
