//! `lab test`: proves a lab works, on a fresh cluster of its own. For each step in order: an
//! action's checks must fail before its solution runs and pass within its timeout after; an
//! observe step's checks must hold (once the cluster has settled, for several looks in a row);
//! a read step continues.

use std::time::{Duration, Instant};

use super::consistency::BACKGROUND_RATE;
use super::session::Session;
use super::solution::{self, Env};
use crate::consistency::{Options, Running};
use crate::i18n::Msg;
use crate::lab::manifest::{Background, Step, StepKind};
use crate::model::state::ClusterState;
use crate::msg;

/// How long an observe step may take to settle (gossip after an action takes a few seconds).
const SETTLE: Duration = Duration::from_secs(15);
/// Looks in a row an observe step must pass to count as holding.
const HOLDS: usize = 3;

#[derive(Debug)]
pub struct StepReport {
    pub step: String,
    pub kind: StepKind,
    /// How long the checks took to pass, or why the step failed.
    pub result: Result<Duration, Vec<Msg>>,
}

/// Something to say while the test runs: a solution line about to run, a step's result.
pub trait Reporter {
    fn running(&self, step: &Step, line: &str);
    fn finished(&self, report: &StepReport);
    /// The background consistency test's report, once a step has checked it.
    fn consistency(&self, report: &crate::consistency::Report);
}

pub async fn run(session: &Session, env: &Env, reporter: &dyn Reporter) -> Vec<StepReport> {
    let mut reports = vec![];
    let mut consistency: Option<Running> = None;
    for step in &session.manifest.steps {
        let start = session.snapshot().await;
        let mut result = Ok(Duration::ZERO);
        if step.background == Some(Background::Consistency) && consistency.is_none() {
            match crate::consistency::start(Options {
                seeds: session.cluster.targets(),
                max_ops_per_sec: Some(BACKGROUND_RATE),
                ..Options::default()
            })
            .await
            {
                Ok(r) => consistency = Some(r),
                Err(e) => result = Err(vec![e.msg()]),
            }
        }
        if result.is_ok() {
            result = match step.kind {
                StepKind::Read => Ok(Duration::ZERO),
                StepKind::Observe => {
                    match observe(session, step, &start, consistency.as_ref()).await {
                        // What the student runs to look must work too.
                        Ok(d) => run_solution(session, step, &start, env, reporter)
                            .await
                            .map(|()| d),
                        Err(e) => Err(e),
                    }
                }
                StepKind::Action => {
                    action(session, step, &start, env, reporter, consistency.as_ref()).await
                }
            };
        }
        // A passed consistency check ends the test it read.
        let checked = crate::verify::reads_consistency(&step.checks);
        if checked && let Some(running) = consistency.take() {
            reporter.consistency(&running.stop().await);
        }
        let report = StepReport {
            step: step.id.clone(),
            kind: step.kind,
            result,
        };
        reporter.finished(&report);
        let failed = report.result.is_err();
        reports.push(report);
        if failed {
            // Later steps build on this one: their results would only repeat the failure.
            break;
        }
    }
    if let Some(running) = consistency.take() {
        running.stop().await;
    }
    reports
}

async fn observe(
    session: &Session,
    step: &Step,
    start: &ClusterState,
    consistency: Option<&Running>,
) -> Result<Duration, Vec<Msg>> {
    let (outcome, _, took) = session
        .wait_for(step, Some(start), SETTLE, consistency)
        .await;

    if !outcome.passed() {
        return Err(outcome.failures().cloned().collect());
    }
    for _ in 0..HOLDS {
        tokio::time::sleep(super::session::POLL).await;
        let now = session.snapshot().await;
        let summary = consistency.map(|c| c.summary());
        let outcome = session.evaluate(step, Some(start), &now, summary.as_ref());
        if !outcome.passed() {
            let mut why = vec![msg!("test-did-not-hold")];
            why.extend(outcome.failures().cloned());
            return Err(why);
        }
    }
    Ok(took)
}

async fn action(
    session: &Session,
    step: &Step,
    start: &ClusterState,
    env: &Env,
    reporter: &dyn Reporter,
    consistency: Option<&Running>,
) -> Result<Duration, Vec<Msg>> {
    let summary = consistency.map(|c| c.summary());
    let before = session.evaluate(step, Some(start), start, summary.as_ref());
    if before.passed() {
        return Err(vec![msg!("test-passed-before")]);
    }
    let began = Instant::now();
    run_solution(session, step, start, env, reporter).await?;
    let (outcome, _, _) = session
        .wait_for(step, Some(start), step.timeout, None)
        .await;
    if outcome.passed() {
        Ok(began.elapsed())
    } else {
        let mut why = vec![msg!("test-not-within", seconds = step.timeout.as_secs())];
        why.extend(outcome.failures().cloned());
        Err(why)
    }
}

async fn run_solution(
    session: &Session,
    step: &Step,
    start: &ClusterState,
    env: &Env,
    reporter: &dyn Reporter,
) -> Result<(), Vec<Msg>> {
    let renderer = session.renderer(Some(start));
    for (line, text) in &step.solution {
        let rendered = renderer.render(&text.value).map_err(|e| vec![e.msg])?;
        reporter.running(step, &describe(line, &rendered, session));
        solution::run(session, line, &rendered, env)
            .await
            .map_err(|e| vec![e])?;
    }
    Ok(())
}

/// A solution line as it runs, with the node's address: `redis-cli 127.0.158.102:6380 CLUSTER FAILOVER`.
pub fn describe(
    line: &crate::lab::solution::Solution<crate::model::node::NodeRef>,
    rendered: &str,
    session: &Session,
) -> String {
    match line {
        crate::lab::solution::Solution::RedisCli { node, .. } => {
            let addr = session
                .layout
                .addr(node)
                .map(|a| a.to_string())
                .unwrap_or_else(|| node.to_string());
            format!("redis-cli ({addr}) > {rendered}")
        }
        crate::lab::solution::Solution::Lab(_) => format!("lab {rendered}"),
        crate::lab::solution::Solution::Shell(_) => format!("$ {rendered}"),
    }
}

/// What `lab test` found for an exercise.
#[derive(Debug)]
pub struct ExerciseReport {
    /// The setup, untouched: must stay below the pass mark.
    pub unsolved: crate::grade::Grade,
    /// After the solution: every criterion must hold.
    pub solved: Option<crate::grade::Grade>,
    /// Why the exercise failed its test, if it did.
    pub problems: Vec<Msg>,
    /// How long the solved grade took to reach full marks after the solution started.
    pub took: Duration,
}

impl ExerciseReport {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// How long the criteria may take to hold after an exercise's solution (gossip included).
const EXERCISE_SETTLE: Duration = Duration::from_secs(60);

pub async fn run_exercise(
    session: &Session,
    exercise: &crate::lab::exercise::Exercise,
    lang: &str,
    env: &Env,
    reporter: &dyn Reporter,
) -> ExerciseReport {
    let baseline = session.snapshot().await;
    let mut problems = vec![];
    let consistency = if exercise.background == Some(Background::Consistency) {
        match crate::consistency::start(Options {
            seeds: session.cluster.targets(),
            max_ops_per_sec: Some(BACKGROUND_RATE),
            ..Options::default()
        })
        .await
        {
            Ok(r) => Some(r),
            Err(e) => {
                problems.push(e.msg());
                None
            }
        }
    } else {
        None
    };
    let described = session.renderer(Some(&baseline));
    let grade_now =
        |now: &ClusterState, summary: Option<&crate::model::consistency::ConsistencySummary>| {
            crate::grade::grade(&crate::grade::Inputs {
                scheme: &exercise.scheme,
                layout: &session.layout,
                baseline: &baseline,
                now,
                consistency: summary,
                hints_used: 0,
                lang,
                render: Some(&|t: &str| described.render(t).unwrap_or_else(|_| t.to_string())),
                key_slots: Some(&session.key_slots),
            })
        };
    let summary = consistency.as_ref().map(|c| c.summary());
    let unsolved = grade_now(&baseline, summary.as_ref());
    if unsolved.passed {
        problems.push(msg!(
            "test-exercise-solved-untouched",
            percent = format!("{:.0}", unsolved.percent)
        ));
    }
    let began = Instant::now();
    let mut solved = None;
    if problems.is_empty() {
        let renderer = session.renderer(Some(&baseline));
        let step = Step {
            id: "solution".into(),
            kind: StepKind::Action,
            title: Default::default(),
            node: None,
            timeout: EXERCISE_SETTLE,
            background: None,
            checks: vec![],
            solution: exercise.solution.clone(),
            hints: Default::default(),
            pos: crate::lab::source::Pos { line: 1, col: 1 },
        };
        for (line, text) in &exercise.solution {
            match renderer.render(&text.value) {
                Err(e) => problems.push(e.msg),
                Ok(rendered) => {
                    reporter.running(&step, &describe(line, &rendered, session));
                    if let Err(e) = solution::run(session, line, &rendered, env).await {
                        problems.push(e);
                    }
                }
            }
            if !problems.is_empty() {
                break;
            }
        }
        while problems.is_empty() {
            let now = session.snapshot().await;
            let summary = consistency.as_ref().map(|c| c.summary());
            let g = grade_now(&now, summary.as_ref());
            let full = g.points == g.max_points;
            if full || began.elapsed() >= EXERCISE_SETTLE {
                if !full {
                    problems.push(msg!(
                        "test-exercise-not-solved",
                        seconds = EXERCISE_SETTLE.as_secs()
                    ));
                    problems.extend(g.results.iter().flat_map(|r| r.failures.iter().cloned()));
                }
                solved = Some(g);
                break;
            }
            tokio::time::sleep(super::session::POLL).await;
        }
    }
    if let Some(c) = consistency {
        reporter.consistency(&c.stop().await);
    }
    ExerciseReport {
        unsolved,
        solved,
        problems,
        took: began.elapsed(),
    }
}
