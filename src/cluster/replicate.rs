//! Plain Redis nodes made into the lab's replication layout: REPLICAOF for each replica, the
//! data on the first master, and ready only when every replica is linked and caught up.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::cmd;

use super::dataset;
use super::form::{self, Expected, Member, Phase, Progress};
use super::inspect::Inspector;
use crate::error::{Error, Result};
use crate::i18n::Msg;
use crate::model::addr::NodeAddr;
use crate::model::dataset::Dataset;
use crate::model::state::ClusterState;
use crate::model::topology::Topology;
use crate::msg;

fn failed(addr: &NodeAddr, what: &str, e: &redis::RedisError) -> Error {
    Error::Environment(msg!(
        "error-cluster-command",
        addr = addr.to_string(),
        command = what,
        reason = e.to_string()
    ))
}

fn inspector(members: &[Member], topo: &Topology, prefix: Option<String>) -> Inspector {
    Inspector::new(members.iter().map(|m| m.target.clone()).collect(), prefix).of_kind(topo.kind)
}

/// Empty nodes to the lab's layout: replicas told their masters, the data written to the
/// first master, then every replica linked with at least the offset its master had once the
/// data was in.
pub async fn form(
    members: &[Member],
    topo: &Topology,
    data: Option<&Dataset>,
    progress: &dyn Progress,
    within: Duration,
) -> Result<ClusterState> {
    let deadline = Instant::now() + within;
    let conns = form::connect_all(members).await?;
    let addr_of = |n: &crate::model::NodeRef| {
        members
            .iter()
            .find(|m| &m.name == n)
            .map(|m| m.target.addr.clone())
    };
    progress.phase(Phase::Following);
    for (i, m) in members.iter().enumerate() {
        let Some(master) = topo.master_of(&m.name).and_then(addr_of) else {
            continue;
        };
        let mut c = conns[i].clone();
        cmd("REPLICAOF")
            .arg(&master.host)
            .arg(master.port)
            .query_async::<()>(&mut c)
            .await
            .map_err(|e| failed(&m.target.addr, "REPLICAOF", &e))?;
    }
    let expected = Expected::of(topo, addr_of);
    let watch = inspector(members, topo, None);
    progress.phase(Phase::WaitingLinks);
    form::wait_until(&watch, deadline, |s| expected.missing(s)).await?;
    if let Some(d) = data
        && let Some(first) = topo.masters.first().and_then(|(n, _)| addr_of(n))
    {
        progress.phase(Phase::Loading);
        let conn_by_addr: BTreeMap<NodeAddr, MultiplexedConnection> = members
            .iter()
            .zip(&conns)
            .filter(|(m, _)| m.target.addr == first)
            .map(|(m, c)| (m.target.addr.clone(), c.clone()))
            .collect();
        dataset::load(d, |_| Some(first.clone()), &conn_by_addr)
            .await
            .map_err(|e| Error::Environment(msg!("error-loading-data", reason = e.to_string())))?;
    }
    progress.phase(Phase::Syncing);
    // The masters' offsets once everything is written: a replica is caught up at or past it.
    // (Read once: a master's offset keeps moving with its pings to replicas.)
    let now = watch.snapshot().await;
    let targets: BTreeMap<NodeAddr, i64> = now
        .masters()
        .map(|m| (m.addr.clone(), m.replication.offset))
        .collect();
    form::wait_until(&watch, deadline, |s| behind(s, &targets)).await?;
    Ok(inspector(members, topo, data.map(|d| d.prefix.clone()))
        .snapshot()
        .await)
}

/// Replicas not yet linked, or behind the offset their master had.
fn behind(s: &ClusterState, targets: &BTreeMap<NodeAddr, i64>) -> Vec<Msg> {
    s.replicas()
        .filter(|r| {
            let want = r
                .replication
                .master
                .as_ref()
                .and_then(|m| targets.get(m))
                .copied()
                .unwrap_or(0);
            r.replication.link_up != Some(true) || r.replication.offset < want
        })
        .map(|r| msg!("problem-replica-behind", addr = r.addr.to_string()))
        .collect()
}

/// Nodes lab did not start, back to empty masters: REPLICAOF NO ONE, then FLUSHALL.
pub async fn reset(members: &[Member], progress: &dyn Progress) -> Result<()> {
    progress.phase(Phase::Resetting);
    let conns = form::connect_all(members).await?;
    for (m, c) in members.iter().zip(&conns) {
        let mut c = c.clone();
        cmd("REPLICAOF")
            .arg("NO")
            .arg("ONE")
            .query_async::<()>(&mut c)
            .await
            .map_err(|e| failed(&m.target.addr, "REPLICAOF NO ONE", &e))?;
        cmd("FLUSHALL")
            .query_async::<()>(&mut c)
            .await
            .map_err(|e| failed(&m.target.addr, "FLUSHALL", &e))?;
    }
    Ok(())
}

/// Refuses nodes that hold data or follow a master: making the layout would destroy them.
pub async fn ensure_empty(members: &[Member]) -> Result<()> {
    let conns = form::connect_all(members).await?;
    for (m, c) in members.iter().zip(conns) {
        let mut c = c.clone();
        let dbsize: u64 = cmd("DBSIZE")
            .query_async(&mut c)
            .await
            .map_err(|e| failed(&m.target.addr, "DBSIZE", &e))?;
        if dbsize > 0 {
            return Err(Error::Usage(msg!(
                "error-plain-node-not-empty",
                addr = m.target.addr.to_string(),
                keys = dbsize
            )));
        }
    }
    Ok(())
}
