//! Forming a cluster over the Redis protocol, the way an operator would by hand:
//! ADDSLOTSRANGE on the masters, SET-CONFIG-EPOCH so no epochs collide, MEET, REPLICATE once
//! each replica knows its master, then wait until every node is `ok`, the views agree and every
//! replica is linked; then the data.
//!
//! Two floors set by redis-server itself bound how fast this can be: a master that just
//! started reports `cluster_state:ok` no sooner than 2 s after start-up, and a master that was
//! in a minority (as every node is right after CLUSTER RESET) waits its rejoin delay, which is
//! its `cluster-node-timeout` but never under 500 ms. So formation runs with the timeout at
//! 500 ms and sets the lab's own value at the end.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::cmd;

use super::conn::{ConnError, Target, connect};
use super::dataset;
use super::inspect::Inspector;
use super::parse::cluster_nodes;
use crate::error::{Error, Result};
use crate::i18n::Msg;
use crate::model::Role;
use crate::model::addr::NodeAddr;
use crate::model::dataset::Dataset;
use crate::model::node::NodeRef;
use crate::model::state::ClusterState;
use crate::model::topology::Topology;
use crate::msg;

/// The node timeout while forming: the smallest rejoin delay redis-server allows.
pub const FORMING_NODE_TIMEOUT_MS: u64 = 500;

/// What formation reports as it goes, for a spinner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Checking,
    Starting,
    Resetting,
    Meeting,
    Replicating,
    WaitingOk,
    /// Plain Redis replicas told their masters (REPLICAOF).
    Following,
    /// Waiting for their links.
    WaitingLinks,
    /// Sentinels started, waiting until they know each other.
    Sentinels,
    Loading,
    Syncing,
    /// The lab's setup state: failovers, open slots, … after forming.
    Setup,
    /// A resumed lab's steps done so far, replayed on a cluster that had to be built again.
    Replaying,
}

impl Phase {
    /// What the user is told while it runs.
    pub fn msg(self) -> Msg {
        match self {
            Phase::Checking => msg!("phase-checking"),
            Phase::Starting => msg!("phase-starting"),
            Phase::Resetting => msg!("phase-resetting"),
            Phase::Meeting => msg!("phase-meeting"),
            Phase::Replicating => msg!("phase-replicating"),
            Phase::WaitingOk => msg!("phase-waiting-ok"),
            Phase::Following => msg!("phase-following"),
            Phase::WaitingLinks => msg!("phase-waiting-links"),
            Phase::Sentinels => msg!("phase-sentinels"),
            Phase::Loading => msg!("phase-loading"),
            Phase::Syncing => msg!("phase-syncing"),
            Phase::Setup => msg!("phase-setup"),
            Phase::Replaying => msg!("phase-replaying"),
        }
    }

    pub fn text(self) -> String {
        self.msg().text()
    }
}

pub trait Progress: Sync {
    fn phase(&self, phase: Phase);
}

/// No spinner.
pub struct Quiet;

impl Progress for Quiet {
    fn phase(&self, _: Phase) {}
}

/// One node of the plan: its name in the lab and how to reach it.
#[derive(Clone, Debug)]
pub struct Member {
    pub name: NodeRef,
    pub target: Target,
}

/// A node's answer that stops formation: which node, which command, what it said.
fn failed(addr: &NodeAddr, what: &str, e: &redis::RedisError) -> Error {
    Error::Environment(msg!(
        "error-cluster-command",
        addr = addr.to_string(),
        command = what,
        reason = e.to_string()
    ))
}

pub(crate) async fn connect_all(members: &[Member]) -> Result<Vec<MultiplexedConnection>> {
    let conns = futures::future::join_all(members.iter().map(|m| connect(&m.target))).await;
    members
        .iter()
        .zip(conns)
        .map(|(m, c)| c.map_err(|e| Error::Environment(e.unreachable(&m.target.addr))))
        .collect()
}

async fn on_all(
    members: &[Member],
    conns: &[MultiplexedConnection],
    what: &str,
    build: impl Fn(usize) -> Option<redis::Cmd>,
) -> Result<()> {
    let jobs = conns.iter().enumerate().filter_map(|(i, c)| {
        let command = build(i)?;
        let mut c = c.clone();
        Some(async move { (i, command.query_async::<redis::Value>(&mut c).await) })
    });
    for (i, r) in futures::future::join_all(jobs).await {
        r.map_err(|e| failed(&members[i].target.addr, what, &e))?;
    }
    Ok(())
}

pub async fn set_node_timeout(
    members: &[Member],
    conns: &[MultiplexedConnection],
    ms: u64,
) -> Result<()> {
    on_all(members, conns, "CONFIG SET cluster-node-timeout", |_| {
        let mut c = cmd("CONFIG");
        c.arg("SET").arg("cluster-node-timeout").arg(ms);
        Some(c)
    })
    .await
}

/// Empties every node and makes it forget the cluster (new ids, epochs back to 0), without
/// restarting it. Replicas turn into empty masters; masters must be empty to reset.
pub async fn reset(members: &[Member], progress: &dyn Progress) -> Result<()> {
    progress.phase(Phase::Resetting);
    let conns = connect_all(members).await?;
    set_node_timeout(members, &conns, FORMING_NODE_TIMEOUT_MS).await?;
    // A replica refuses FLUSHALL (it is read-only) but is emptied by its master's.
    let jobs = conns.iter().map(|c| {
        let mut c = c.clone();
        async move { cmd("FLUSHALL").query_async::<()>(&mut c).await }
    });
    for (i, r) in futures::future::join_all(jobs)
        .await
        .into_iter()
        .enumerate()
    {
        if let Err(e) = r
            && e.code() != Some("READONLY")
        {
            return Err(failed(&members[i].target.addr, "FLUSHALL", &e));
        }
    }
    for attempt in 0..3 {
        let jobs = conns.iter().map(|c| {
            let mut c = c.clone();
            async move {
                cmd("CLUSTER")
                    .arg("RESET")
                    .arg("HARD")
                    .query_async::<()>(&mut c)
                    .await
            }
        });
        let results = futures::future::join_all(jobs).await;
        let first_err = results
            .into_iter()
            .enumerate()
            .find_map(|(i, r)| r.err().map(|e| (i, e)));
        match first_err {
            None => return Ok(()),
            // A replica promoted by its own reset may still hold its master's last writes.
            Some(_) if attempt < 2 => {
                on_all(members, &conns, "FLUSHALL", |_| Some(cmd("FLUSHALL")))
                    .await
                    .ok();
            }
            Some((i, e)) => return Err(failed(&members[i].target.addr, "CLUSTER RESET HARD", &e)),
        }
    }
    Ok(())
}

/// Refuses nodes that already hold data or belong to a cluster: forming would destroy them.
/// The lab's own directives on nodes lab did not start (`--nodes`): set at run time with CONFIG
/// SET, since their redis.conf is not ours to write. A directive a node refuses stops forming.
pub async fn apply_config(
    members: &[Member],
    topo: &crate::model::topology::Topology,
) -> Result<()> {
    let conns = connect_all(members).await?;
    for (m, c) in members.iter().zip(conns) {
        let mut c = c.clone();
        for (name, value) in topo.config_for(&m.name) {
            redis::cmd("CONFIG")
                .arg("SET")
                .arg(name)
                .arg(value)
                .query_async::<()>(&mut c)
                .await
                .map_err(|e| failed(&m.target.addr, &format!("CONFIG SET {name}"), &e))?;
        }
    }
    Ok(())
}

pub async fn ensure_empty(members: &[Member]) -> Result<()> {
    let conns = connect_all(members).await?;
    for (m, c) in members.iter().zip(conns) {
        let mut c = c.clone();
        let (nodes, dbsize): (String, u64) = redis::pipe()
            .cmd("CLUSTER")
            .arg("NODES")
            .cmd("DBSIZE")
            .query_async(&mut c)
            .await
            .map_err(|e| {
                if e.to_string().contains("cluster support disabled") {
                    Error::Environment(msg!(
                        "error-not-cluster-enabled",
                        addr = m.target.addr.to_string()
                    ))
                } else {
                    failed(&m.target.addr, "CLUSTER NODES", &e)
                }
            })?;
        let lines = cluster_nodes(&nodes);
        let has_slots = lines.iter().any(|l| !l.slots.is_empty());
        if lines.len() > 1 || has_slots || dbsize > 0 {
            return Err(Error::Usage(msg!(
                "error-node-not-empty",
                addr = m.target.addr.to_string(),
                keys = dbsize,
                known = lines.len()
            )));
        }
    }
    Ok(())
}

/// How the plan places nodes, by address: used to wait for it and to say what is missing.
pub struct Expected {
    pub kind: crate::model::topology::Kind,
    pub masters: Vec<(NodeAddr, crate::model::slots::SlotSet)>,
    pub replicas: Vec<(NodeAddr, NodeAddr)>,
}

impl Expected {
    pub fn of(topo: &Topology, addr: impl Fn(&NodeRef) -> Option<NodeAddr>) -> Expected {
        // Without a cluster every node that follows nobody is a master of its own.
        let masters: Vec<(NodeRef, crate::model::slots::SlotSet)> = if topo.kind.is_cluster() {
            topo.masters.clone()
        } else {
            topo.nodes()
                .into_iter()
                .filter(|n| topo.master_of(n).is_none())
                .map(|n| (n, Default::default()))
                .collect()
        };
        Expected {
            kind: topo.kind,
            masters: masters
                .iter()
                .filter_map(|(n, s)| Some((addr(n)?, s.clone())))
                .collect(),
            replicas: topo
                .replicas
                .iter()
                .filter_map(|(r, m)| Some((addr(r)?, addr(m)?)))
                .collect(),
        }
    }

    /// What still differs from the plan in a snapshot; empty when it is met.
    pub fn missing(&self, s: &ClusterState) -> Vec<Msg> {
        let mut out = vec![];
        for u in &s.unreachable {
            out.push(u.reason.unreachable(&u.addr));
        }
        if !self.kind.is_cluster() {
            self.plain_missing(s, &mut out);
            return out;
        }
        for n in s.nodes.iter().filter(|n| !n.info.state_ok) {
            out.push(msg!("problem-state-not-ok", addr = n.addr.to_string()));
        }
        for (addr, slots) in &self.masters {
            match s.node(addr) {
                Some(n) if n.role == Role::Master && n.slots == *slots => {}
                Some(_) => out.push(msg!(
                    "problem-not-master-of",
                    addr = addr.to_string(),
                    slots = slots.to_string()
                )),
                None => {}
            }
        }
        // In a cluster a replica names its master by id.
        self.replica_problems(s, &mut out, |r, master| {
            let id = s.node(master).map(|m| m.id.as_str());
            id.is_some() && r.master_id.as_deref() == id
        });
        if s.unreachable.is_empty() && !s.nodes_agree() {
            out.push(msg!("problem-views-differ"));
        }
        out
    }

    /// Roles and links as INFO replication gives them, for nodes without a cluster.
    fn plain_missing(&self, s: &ClusterState, out: &mut Vec<Msg>) {
        for (addr, _) in &self.masters {
            if s.node(addr).is_some_and(|n| n.role != Role::Master) {
                out.push(msg!("problem-not-master", addr = addr.to_string()));
            }
        }
        self.replica_problems(s, out, |r, master| {
            r.replication.master.as_ref() == Some(master)
        });
    }

    /// Replicas that do not follow their master (as `follows` tells), or whose link is down.
    fn replica_problems(
        &self,
        s: &ClusterState,
        out: &mut Vec<Msg>,
        follows: impl Fn(&crate::model::state::NodeState, &NodeAddr) -> bool,
    ) {
        for (replica, master) in &self.replicas {
            match s.node(replica) {
                None => {}
                Some(r) if !follows(r, master) => out.push(msg!(
                    "problem-not-replica-of",
                    addr = replica.to_string(),
                    master = master.to_string()
                )),
                Some(r) if r.replication.link_up != Some(true) => {
                    out.push(msg!("problem-link-down", addr = replica.to_string()));
                }
                Some(_) => {}
            }
        }
    }
}

/// Polls until `done` or the deadline; on timeout, says what was still missing.
pub(crate) async fn wait_until(
    inspector: &Inspector,
    deadline: Instant,
    missing: impl FnMut(&ClusterState) -> Vec<Msg>,
) -> Result<ClusterState> {
    wait_for(
        inspector,
        deadline,
        Duration::from_millis(15),
        "error-cluster-not-forming",
        missing,
    )
    .await
}

/// Looks every `poll` until nothing is `missing`; past the deadline, the error `error_id` with
/// what still was.
pub(crate) async fn wait_for(
    inspector: &Inspector,
    deadline: Instant,
    poll: Duration,
    error_id: &'static str,
    mut missing: impl FnMut(&ClusterState) -> Vec<Msg>,
) -> Result<ClusterState> {
    loop {
        let s = inspector.snapshot().await;
        let m = missing(&s);
        if m.is_empty() {
            return Ok(s);
        }
        if Instant::now() >= deadline {
            let list = m
                .iter()
                .take(6)
                .map(Msg::text)
                .collect::<Vec<_>>()
                .join("; ");
            return Err(Error::Environment(Msg::new(error_id).arg("problems", list)));
        }
        tokio::time::sleep(poll).await;
    }
}

/// Forms the topology on empty cluster nodes and loads the data. Returns when every node is
/// `ok`, the views agree, every replica is linked and has the data.
pub async fn form(
    members: &[Member],
    topo: &Topology,
    data: Option<&Dataset>,
    progress: &dyn Progress,
    deadline: Duration,
) -> Result<ClusterState> {
    let deadline = Instant::now() + deadline;
    let addr_of = |n: &NodeRef| {
        members
            .iter()
            .find(|m| &m.name == n)
            .map(|m| m.target.addr.clone())
    };
    let expected = Expected::of(topo, addr_of);
    let conns = connect_all(members).await?;
    let index = |n: &NodeRef| members.iter().position(|m| &m.name == n);
    set_node_timeout(members, &conns, FORMING_NODE_TIMEOUT_MS).await?;

    progress.phase(Phase::Meeting);
    // Slots and epochs before MEET: SET-CONFIG-EPOCH is refused once a node knows others.
    on_all(members, &conns, "CLUSTER ADDSLOTSRANGE", |i| {
        let (_, slots) = topo.masters.iter().find(|(n, _)| *n == members[i].name)?;
        let mut c = cmd("CLUSTER");
        c.arg("ADDSLOTSRANGE");
        for r in slots.ranges() {
            c.arg(r.start).arg(r.end);
        }
        Some(c)
    })
    .await?;
    on_all(members, &conns, "CLUSTER SET-CONFIG-EPOCH", |i| {
        let mut c = cmd("CLUSTER");
        c.arg("SET-CONFIG-EPOCH").arg(i + 1);
        Some(c)
    })
    .await?;
    let ids: Vec<String> = {
        let jobs = conns.iter().map(|c| {
            let mut c = c.clone();
            async move {
                cmd("CLUSTER")
                    .arg("MYID")
                    .query_async::<String>(&mut c)
                    .await
            }
        });
        let mut ids = vec![];
        for (i, r) in futures::future::join_all(jobs)
            .await
            .into_iter()
            .enumerate()
        {
            ids.push(r.map_err(|e| failed(&members[i].target.addr, "CLUSTER MYID", &e))?);
        }
        ids
    };
    // Every pair meets once, so the full mesh does not wait for gossip to spread.
    let meets = (0..members.len()).flat_map(|i| (i + 1..members.len()).map(move |j| (i, j)));
    let jobs = meets.map(|(i, j)| {
        let mut c = conns[i].clone();
        let to = members[j].target.addr.clone();
        async move {
            let r = cmd("CLUSTER")
                .arg("MEET")
                .arg(&to.host)
                .arg(to.port)
                .query_async::<()>(&mut c)
                .await;
            (i, r)
        }
    });
    for (i, r) in futures::future::join_all(jobs).await {
        r.map_err(|e| failed(&members[i].target.addr, "CLUSTER MEET", &e))?;
    }

    progress.phase(Phase::Replicating);
    // A replica answers "Unknown node" to REPLICATE until the handshake with its master is
    // done, so each one waits for its master to appear in its own view first.
    let jobs = topo.replicas.iter().filter_map(|(r, m)| {
        let (ri, mi) = (index(r)?, index(m)?);
        let mut c = conns[ri].clone();
        let master_id = ids[mi].clone();
        let addr = members[ri].target.addr.clone();
        Some(async move {
            loop {
                let view: String = cmd("CLUSTER")
                    .arg("NODES")
                    .query_async(&mut c)
                    .await
                    .map_err(|e| failed(&addr, "CLUSTER NODES", &e))?;
                let known = cluster_nodes(&view)
                    .iter()
                    .any(|l| l.id == master_id && l.is_settled() && l.is_master());
                if known {
                    return cmd("CLUSTER")
                        .arg("REPLICATE")
                        .arg(&master_id)
                        .query_async::<()>(&mut c)
                        .await
                        .map_err(|e| failed(&addr, "CLUSTER REPLICATE", &e));
                }
                if Instant::now() >= deadline {
                    return Err(Error::Environment(msg!(
                        "error-cluster-not-forming",
                        problems = msg!("problem-handshake", addr = addr.to_string()).text()
                    )));
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    });
    for r in futures::future::join_all(jobs).await {
        r?;
    }

    progress.phase(Phase::WaitingOk);
    let targets: Vec<Target> = members.iter().map(|m| m.target.clone()).collect();
    let inspector = Inspector::new(targets.clone(), None);
    wait_until(&inspector, deadline, |s| expected.missing(s)).await?;

    if let Some(d) = data {
        progress.phase(Phase::Loading);
        let owners: Vec<(NodeAddr, crate::model::slots::SlotSet)> = expected.masters.clone();
        let conn_by_addr: BTreeMap<NodeAddr, MultiplexedConnection> = members
            .iter()
            .zip(&conns)
            .map(|(m, c)| (m.target.addr.clone(), c.clone()))
            .collect();
        dataset::load(
            d,
            |slot| {
                owners
                    .iter()
                    .find(|(_, s)| s.contains(slot))
                    .map(|(a, _)| a.clone())
            },
            &conn_by_addr,
        )
        .await
        .map_err(|e| Error::Environment(msg!("error-loading-data", reason = e.to_string())))?;
        progress.phase(Phase::Syncing);
        wait_until(&inspector, deadline, replicas_behind).await?;
    }
    set_node_timeout(members, &conns, topo.node_timeout_ms).await?;
    let prefix = data.map(|d| d.prefix.clone());
    Ok(Inspector::new(targets, prefix).snapshot().await)
}

/// Replicas that have not yet processed everything their master has.
fn replicas_behind(s: &ClusterState) -> Vec<Msg> {
    s.replicas()
        .filter(|r| {
            let master = s.master_of(r);
            r.replication.link_up != Some(true)
                || master.is_none_or(|m| r.replication.offset < m.replication.offset)
        })
        .map(|r| msg!("problem-replica-behind", addr = r.addr.to_string()))
        .collect()
}

/// How a connection error is said when a node should be there.
pub fn unreachable(addr: &NodeAddr, e: &ConnError) -> Error {
    Error::Environment(e.unreachable(addr))
}
