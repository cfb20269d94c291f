//! Putting the cluster back to a step's start: the lab's initial layout, then every earlier
//! action replayed from its solution.
//!
//! When only roles differ from the initial layout (a failover done, not undone), the planned
//! masters take their slots back with CLUSTER FAILOVER TAKEOVER: no restart, no new node ids,
//! data kept. Anything else is re-formed on the running nodes. While replaying, a plain
//! CLUSTER FAILOVER is sent as TAKEOVER: a reset needs the state, not an election, and masters
//! refuse a second vote for the same master within 2 × node-timeout of the student's own.

use std::time::{Duration, Instant};

use redis::cmd;

use super::session::Session;
use super::solution::{self, Env};
use crate::cluster::conn::connect;
use crate::cluster::form::{Expected, Quiet};
use crate::cluster::provision::{self, Source, Spec};
use crate::cluster::statedir::StateDir;
use crate::error::{Error, Result};
use crate::lab::manifest::{Step, StepKind};
use crate::lab::solution::Solution;
use crate::model::Role;
use crate::model::setup::Stage;
use crate::model::state::ClusterState;
use crate::msg;

/// How the initial layout was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reached {
    AlreadyThere,
    Takeover(usize),
    Reformed,
}

/// The replicas that must take over so that every planned master is one again, when that is
/// all that differs; `None` when more differs.
fn takeovers(
    session: &Session,
    spec: &Spec,
    s: &ClusterState,
) -> Option<Vec<crate::model::addr::NodeAddr>> {
    if !s.unreachable.is_empty() || !s.all_slots_covered() || !s.open_slots().is_empty() {
        return None;
    }
    if spec
        .data
        .as_ref()
        .is_some_and(|d| s.lab_keys() != Some(d.count))
    {
        return None;
    }
    let mut out = vec![];
    for (master, slots) in &spec.topology.masters {
        let m = session.layout.addr(master)?;
        let node = s.node(m)?;
        if node.role == Role::Master && node.slots == *slots {
            continue;
        }
        // Its shard must be intact, served by the node that should be its replica.
        let (replica, _) = spec.topology.replicas.iter().find(|(_, of)| of == master)?;
        let r = s.node(session.layout.addr(replica)?)?;
        let serving_replica = r.role == Role::Master && r.slots == *slots;
        let follows =
            node.role == Role::Replica && node.master_id.as_deref() == Some(r.id.as_str());
        if !(serving_replica && follows) {
            return None;
        }
        out.push(m.clone());
    }
    Some(out)
}

pub async fn initial_layout(
    session: &Session,
    state: &StateDir,
    spec: &Spec,
    source: &Source,
) -> Result<Reached> {
    let s = session.snapshot().await;
    // Labs that start before forming, or from a set-up state, have no shortcut: their start
    // is either exactly there (fresh nodes) or rebuilt.
    if spec.stage == Stage::NodesOnly {
        if fresh_nodes(spec, &s) {
            return Ok(Reached::AlreadyThere);
        }
        provision::up(state, spec, source, true, &Quiet).await?;
        return Ok(Reached::Reformed);
    }
    if !spec.setup.is_empty() {
        provision::up(state, spec, source, true, &Quiet).await?;
        return Ok(Reached::Reformed);
    }

    let expected = Expected::of(&spec.topology, |n| session.layout.addr(n).cloned());
    if expected.missing(&s).is_empty()
        && s.is_healthy()
        && takeovers(session, spec, &s).is_some_and(|t| t.is_empty())
    {
        return Ok(Reached::AlreadyThere);
    }
    if let Some(nodes) = takeovers(session, spec, &s).filter(|t| !t.is_empty()) {
        for addr in &nodes {
            let member = session
                .cluster
                .members
                .iter()
                .find(|m| &m.target.addr == addr);
            let Some(member) = member else { continue };
            let mut c = connect(&member.target)
                .await
                .map_err(|e| Error::Environment(e.unreachable(addr)))?;
            cmd("CLUSTER")
                .arg("FAILOVER")
                .arg("TAKEOVER")
                .query_async::<()>(&mut c)
                .await
                .map_err(|e| {
                    Error::Environment(msg!(
                        "error-cluster-command",
                        addr = addr.to_string(),
                        command = "CLUSTER FAILOVER TAKEOVER",
                        reason = e.to_string()
                    ))
                })?;
        }
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let s = session.snapshot().await;
            if expected.missing(&s).is_empty() && s.is_healthy() {
                return Ok(Reached::Takeover(nodes.len()));
            }
            if Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    provision::up(state, spec, source, true, &Quiet).await?;
    Ok(Reached::Reformed)
}

/// Every node of the lab up, knowing only itself, without slots or keys: a nodes-only start.
fn fresh_nodes(spec: &Spec, s: &ClusterState) -> bool {
    s.unreachable.is_empty()
        && s.nodes.len() == spec.topology.nodes().len()
        && s.nodes.iter().all(|n| {
            n.view.iter().filter(|l| l.is_settled()).count() == 1
                && n.slots.is_empty()
                && n.role == Role::Master
                && n.dbsize == 0
        })
}

/// Replays the steps before `target`: each action's solution run and its checks waited for,
/// each observe step's checks waited for too (a later solution may rely on what it observed,
/// like a promotion after a crash). Returns how many actions were replayed.
pub async fn replay(session: &Session, target: usize, env: &Env) -> Result<usize> {
    let mut replayed = 0;
    for step in session.manifest.steps.iter().take(target) {
        if step.checks.is_empty() {
            continue;
        }
        let start = session.snapshot().await;
        if step.kind == StepKind::Observe {
            wait(session, step, &start).await?;
            continue;
        }

        let renderer = session.renderer(Some(&start));
        for (line, text) in &step.solution {
            let rendered = renderer
                .render(&text.value)
                .map_err(|e| Error::Failed(e.msg))?;
            let rendered = match line {
                Solution::RedisCli { .. }
                    if rendered.trim().eq_ignore_ascii_case("cluster failover") =>
                {
                    "CLUSTER FAILOVER TAKEOVER".to_string()
                }
                _ => rendered,
            };
            solution::run(session, line, &rendered, env)
                .await
                .map_err(Error::Failed)?;
        }
        wait(session, step, &start).await?;
        replayed += 1;
    }
    Ok(replayed)
}

async fn wait(session: &Session, step: &Step, start: &ClusterState) -> Result<()> {
    // No consistency test runs during a replay: what it would report is the student's to see.
    let mut step = step.clone();
    step.checks.retain(|c| !c.needs().consistency);
    let (outcome, _, _) = session
        .wait_for(&step, Some(start), step.timeout, None)
        .await;
    if outcome.passed() {
        return Ok(());
    }
    let why = outcome
        .failures()
        .next()
        .cloned()
        .unwrap_or_else(|| msg!("start-not-checked-yet"));
    Err(Error::Failed(msg!(
        "reset-replay-failed",
        step = step.id.as_str(),
        why = why
    )))
}
