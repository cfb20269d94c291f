//! `lab test`: proves a lab works, on a fresh cluster of its own. For each step in order: an
//! action's checks must fail before its solution runs and pass within its timeout after; an
//! observe step's checks must hold (once the cluster has settled, for several looks in a row);
//! a read step continues.

use std::time::{Duration, Instant};

use super::session::Session;
use super::solution::{self, Env};
use crate::cluster::state::ClusterState;
use crate::i18n::Msg;
use crate::lab::manifest::{Step, StepKind};
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
}

pub async fn run(session: &Session, env: &Env, reporter: &dyn Reporter) -> Vec<StepReport> {
    let mut reports = vec![];
    for step in &session.manifest.steps {
        let start = session.snapshot().await;
        let result = match step.kind {
            StepKind::Read => Ok(Duration::ZERO),
            StepKind::Observe => match observe(session, step, &start).await {
                // What the student runs to look must work too.
                Ok(d) => run_solution(session, step, &start, env, reporter)
                    .await
                    .map(|()| d),
                Err(e) => Err(e),
            },
            StepKind::Action => action(session, step, &start, env, reporter).await,
        };
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
    reports
}

async fn observe(
    session: &Session,
    step: &Step,
    start: &ClusterState,
) -> Result<Duration, Vec<Msg>> {
    let (outcome, _, took) = session.wait_for(step, Some(start), SETTLE, None).await;
    if !outcome.passed() {
        return Err(outcome.failures().cloned().collect());
    }
    for _ in 0..HOLDS {
        tokio::time::sleep(super::session::POLL).await;
        let now = session.snapshot().await;
        let outcome = session.evaluate(step, Some(start), &now, None);
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
) -> Result<Duration, Vec<Msg>> {
    let before = session.evaluate(step, Some(start), start, None);
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
    line: &crate::lab::solution::Solution<crate::lab::topology::NodeRef>,
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
