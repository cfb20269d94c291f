//! The checker on plain replication, with or without Sentinel: one master holds every key, so
//! the run has one shard and every slot is routed to it. Which node is the master is asked
//! again about once a second, at once after READONLY or a broken connection, and every
//! [`SENTINEL_EVERY`] through Sentinel (what `+switch-master` announces is what
//! GET-MASTER-ADDR-BY-NAME answers from then on; asking is simpler than keeping a
//! subscription and loses at most that long).
//!
//! The kind of a change is told by the old master: the FAILOVER command (coordinated: it pauses
//! writes until its replica has them all) is counted in its INFO commandstats; a Sentinel
//! failover (REPLICAOF NO ONE on the replica, the old master not paused on Redis 7.0) and a
//! master that died are not.

use std::time::Duration;

use redis::{Value, cmd};

use super::cleanup::Pool;
use super::route::SlotsEntry;
use super::{Follow, Shared, lock, reply_text};
use crate::cluster::conn::Target;
use crate::error::{Error, Result};
use crate::model::addr::NodeAddr;
use crate::model::consistency::ChangeKind;
use crate::model::slots::{SLOTS, SlotRange};
use crate::msg;

pub(crate) const SENTINEL_EVERY: Duration = Duration::from_millis(100);

/// ROLE's first word.
async fn is_master(pool: &mut Pool, addr: &NodeAddr) -> bool {
    match pool.query(addr, &cmd("ROLE")).await {
        Some(Value::Array(parts)) => {
            parts.first().and_then(reply_text).as_deref() == Some("master")
        }
        _ => false,
    }
}

/// The master the Sentinels name, from the first that answers.
async fn named(sentinels: &mut Pool, list: &[Target], name: &str) -> Option<NodeAddr> {
    let mut c = cmd("SENTINEL");
    c.arg("GET-MASTER-ADDR-BY-NAME").arg(name);
    for t in list {
        if let Some(Value::Array(parts)) = sentinels.query(&t.addr, &c).await {
            let host = parts.first().and_then(reply_text)?;
            let port = parts.get(1).and_then(reply_text)?.parse().ok()?;
            return Some(NodeAddr::new(host, port));
        }
    }
    None
}

/// Which node is the master now: the one the Sentinels name, if it says so; else `current`
/// while it still says so, else the first node that does.
pub(crate) async fn master(
    follow: &Follow,
    nodes: &[NodeAddr],
    current: Option<&NodeAddr>,
    pool: &mut Pool,
    sentinels: &mut Pool,
) -> Option<NodeAddr> {
    if let Follow::Sentinel {
        sentinels: list,
        name,
    } = follow
        && let Some(m) = named(sentinels, list, name).await
        && is_master(pool, &m).await
    {
        return Some(m);
    }
    // Without Sentinel, or when the one it names is not a master (the FAILOVER command, which
    // Sentinel learns of late): the node that says it is.
    if let Some(c) = current
        && is_master(pool, c).await
    {
        return Some(c.clone());
    }
    for n in nodes.iter().filter(|n| Some(*n) != current) {
        if is_master(pool, n).await {
            return Some(n.clone());
        }
    }
    None
}

/// `cmdstat_failover:calls=N` from a node's INFO commandstats (absent: never called).
pub(crate) async fn failover_calls(pool: &mut Pool, addr: &NodeAddr) -> Option<u64> {
    let mut c = cmd("INFO");
    c.arg("commandstats");
    let info = pool.query(addr, &c).await.as_ref().and_then(reply_text)?;
    Some(calls_in(&info))
}

fn calls_in(info: &str) -> u64 {
    info.lines()
        .find_map(|l| l.trim().strip_prefix("cmdstat_failover:"))
        .and_then(|v| v.split(',').find_map(|f| f.strip_prefix("calls=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The map at the start: every slot on the master, the other nodes its replicas.
pub(crate) async fn read_map(
    follow: &Follow,
    seeds: &[Target],
    pool: &mut Pool,
    sentinels: &mut Pool,
) -> Result<(Target, Vec<SlotsEntry>)> {
    let nodes: Vec<NodeAddr> = seeds.iter().map(|t| t.addr.clone()).collect();
    let Some(m) = master(follow, &nodes, None, pool, sentinels).await else {
        return Err(Error::Environment(msg!("consistency-no-master")));
    };
    let seed = seeds
        .iter()
        .find(|t| t.addr == m)
        .cloned()
        .unwrap_or_else(|| Target::new(m.clone(), seeds[0].auth.clone()));
    let entry = SlotsEntry {
        range: SlotRange::new(0, SLOTS - 1),
        master: m.clone(),
        replicas: nodes.into_iter().filter(|n| *n != m).collect(),
    };
    Ok((seed, vec![entry]))
}

/// Asks who the master is; a change becomes an event, whose kind the old master tells.
pub(crate) async fn refresh(shared: &Shared, pool: &mut Pool) {
    let route = shared.route();
    let current = route.owner_of(0).cloned();
    let found = {
        let mut sentinels = shared.sentinel_pool.lock().await;
        master(
            &shared.follow,
            &route.nodes,
            current.as_ref(),
            pool,
            &mut sentinels,
        )
        .await
    };
    let Some(now) = found else { return };
    let at_ms = shared.now_us() / 1000;
    let index = {
        let mut t = lock(&shared.topo);
        let before = t.events.len();
        if !t.switch_master(&now, at_ms) {
            return;
        }
        shared.publish(&t);
        (t.events.len() > before).then_some(before)
    };
    let (Some(i), Some(old)) = (index, current) else {
        return;
    };
    shared
        .events
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // An old master that does not answer is gone: it did not take part.
    let calls = failover_calls(pool, &old).await;
    shared.set_kind(i, &old, calls, ChangeKind::Uncoordinated);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failover_calls_are_read_from_commandstats() {
        let info = "# Commandstats\r\ncmdstat_get:calls=9,usec=1\r\ncmdstat_failover:calls=2,usec=40,usec_per_call=20.00,rejected_calls=0,failed_calls=0\r\n";
        assert_eq!(calls_in(info), 2);
        assert_eq!(calls_in("# Commandstats\r\ncmdstat_get:calls=9\r\n"), 0);
    }
}
