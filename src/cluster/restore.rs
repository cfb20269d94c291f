//! Putting a lab's cluster back to its initial layout, on the running nodes.
//!
//! When only roles differ from the plan (a failover done, not undone), the planned masters
//! take their slots back with CLUSTER FAILOVER TAKEOVER: no restart, no new node ids, data
//! kept. Labs that start from bare nodes or a set-up state, and anything else that differs, are
//! re-formed on the running nodes.

use std::time::{Duration, Instant};

use redis::cmd;

use super::conn::connect;
use super::form::{Expected, Quiet};
use super::provision::{self, Cluster, Source, Spec};
use super::statedir::StateDir;
use crate::error::{Error, Result};
use crate::model::setup::Stage;
use crate::model::{ClusterState, Layout, NodeAddr, Role};
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
fn takeovers(layout: &Layout, spec: &Spec, s: &ClusterState) -> Option<Vec<NodeAddr>> {
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
        let m = layout.addr(master)?;
        let node = s.node(m)?;
        if node.role == Role::Master && node.slots == *slots {
            continue;
        }
        // Its shard must be intact, served by the node that should be its replica.
        let (replica, _) = spec.topology.replicas.iter().find(|(_, of)| of == master)?;
        let r = s.node(layout.addr(replica)?)?;
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

/// Takes the running cluster back to the lab's initial layout: with CLUSTER FAILOVER TAKEOVER
/// when only roles differ (no restart, no new node ids, data kept), by re-forming it on the
/// running nodes otherwise.
pub async fn initial_layout(
    cluster: &Cluster,
    state: &StateDir,
    spec: &Spec,
    source: &Source,
) -> Result<Reached> {
    let Some(layout) = cluster.layout(&spec.topology) else {
        provision::up(state, spec, source, true, &Quiet).await?;
        return Ok(Reached::Reformed);
    };
    let inspector = cluster.inspector();
    let s = inspector.snapshot().await;
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

    let expected = Expected::of(&spec.topology, |n| layout.addr(n).cloned());
    if expected.missing(&s).is_empty()
        && s.is_healthy()
        && takeovers(&layout, spec, &s).is_some_and(|t| t.is_empty())
    {
        return Ok(Reached::AlreadyThere);
    }
    if let Some(nodes) = takeovers(&layout, spec, &s).filter(|t| !t.is_empty()) {
        for addr in &nodes {
            let member = cluster.members.iter().find(|m| &m.target.addr == addr);
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
            let s = inspector.snapshot().await;
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
