//! `ClusterState`: one snapshot of every node, as the nodes themselves report it.
//!
//! Each node is asked for CLUSTER NODES, CLUSTER INFO, CLUSTER SHARDS, INFO replication and
//! its count of lab keys. The snapshot keeps each node's own view (`view`) as well as what it
//! says of itself, so questions like "do the nodes agree?" are answered from data, and the
//! verifier never talks to Redis.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::addr::NodeAddr;
use super::node::Role;
use super::slots::{SLOTS, SlotSet};
use crate::i18n::Msg;
use crate::msg;

/// A slot a node is moving: `[slot->-id]` (migrating to id) or `[slot-<-id]` (importing).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpenSlot {
    pub slot: u16,
    pub migrating: bool,
    /// The other node of the move.
    pub peer: String,
}

/// One line of CLUSTER NODES: how one node sees another (or itself).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NodeLine {
    pub id: String,
    /// `None` while the address is unknown (`:0@0`, handshake, noaddr).
    pub addr: Option<NodeAddr>,
    pub flags: Vec<String>,
    pub master_id: Option<String>,
    pub config_epoch: u64,
    pub connected: bool,
    pub slots: SlotSet,
    pub open: Vec<OpenSlot>,
}

impl NodeLine {
    pub fn has_flag(&self, f: &str) -> bool {
        self.flags.iter().any(|x| x == f)
    }

    pub fn is_myself(&self) -> bool {
        self.has_flag("myself")
    }

    pub fn is_master(&self) -> bool {
        self.has_flag("master")
    }

    pub fn is_replica(&self) -> bool {
        self.has_flag("slave")
    }

    /// Flags that mean trouble: a failure suspected or agreed, or a node not yet known.
    pub fn is_failing(&self) -> bool {
        self.has_flag("fail") || self.has_flag("fail?")
    }

    pub fn is_settled(&self) -> bool {
        !self.has_flag("handshake") && !self.has_flag("noaddr") && self.addr.is_some()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClusterInfo {
    pub state_ok: bool,
    pub slots_assigned: u32,
    pub slots_ok: u32,
    pub slots_pfail: u32,
    pub slots_fail: u32,
    pub known_nodes: u32,
    pub size: u32,
    pub current_epoch: u64,
    pub my_epoch: u64,
}

/// A replica as its master lists it in INFO replication.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReplicaLink {
    pub addr: NodeAddr,
    /// `online`, `wait_bgsave`, `send_bulk`…
    pub state: String,
    pub offset: i64,
    pub lag: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Replication {
    pub is_master: bool,
    /// For a replica: its master as it was told, and whether the link is up.
    pub master: Option<NodeAddr>,
    pub link_up: Option<bool>,
    pub sync_in_progress: bool,
    /// The offset this node has processed (`slave_repl_offset` on a replica).
    pub offset: i64,
    pub master_repl_offset: i64,
    pub replicas: Vec<ReplicaLink>,
    /// The replication history this node follows (`master_replid`): a full sync gives a replica
    /// its master's, a promotion a new one.
    #[serde(default)]
    pub replid: String,
    /// How the node has served replicas' syncs since it started (INFO stats).
    #[serde(default)]
    pub syncs: SyncCounts,
}

/// Syncs a master served, from INFO stats: full ones, and partial resyncs it accepted or
/// refused (a refused one becomes a full sync).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SyncCounts {
    pub full: u64,
    pub partial_ok: u64,
    pub partial_err: u64,
}

/// Why a node could not be reached: said to the user with what to do.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConnError {
    Refused,
    Timeout,
    /// It answered, but not in the Redis protocol (an HTTP server, say).
    NotRedis,
    /// It sent a reply larger than the connection allows.
    TooLarge,
    AuthRequired,
    AuthFailed,
    Other(String),
}

impl ConnError {
    /// Short reason, for tables and lists.
    pub fn reason(&self) -> Msg {
        match self {
            ConnError::Refused => msg!("conn-refused"),
            ConnError::Timeout => msg!("conn-timeout"),
            ConnError::NotRedis => msg!("conn-not-redis"),
            ConnError::TooLarge => msg!("conn-too-large"),
            ConnError::AuthRequired => msg!("conn-auth-required"),
            ConnError::AuthFailed => msg!("conn-auth-failed"),
            ConnError::Other(detail) => msg!("conn-other", detail = detail.as_str()),
        }
    }

    /// The full message for a node that had to answer: what happened and what to do.
    pub fn unreachable(&self, addr: &NodeAddr) -> Msg {
        let (addr, reason) = (addr.to_string(), self.reason().text());
        match self {
            // It answers, just not as a node.
            ConnError::NotRedis | ConnError::TooLarge => {
                msg!("error-not-a-node", addr = addr, reason = reason)
            }
            _ => msg!("error-unreachable", addr = addr, reason = reason),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeState {
    pub addr: NodeAddr,
    pub id: String,
    pub role: Role,
    /// The master this node replicates, by id (from its own CLUSTER NODES line).
    pub master_id: Option<String>,
    pub slots: SlotSet,
    pub open_slots: Vec<OpenSlot>,
    pub config_epoch: u64,
    pub info: ClusterInfo,
    pub replication: Replication,
    /// `online`, `failed` or `loading`, from CLUSTER SHARDS as this node reports itself.
    pub health: Option<String>,
    /// This node's CLUSTER NODES: how it sees every node, itself included.
    pub view: Vec<NodeLine>,
    /// Keys under the lab's prefix, when a prefix was given.
    pub keys: Option<u64>,
    pub dbsize: u64,
    /// CLUSTER FAILOVER requests this node has received since it started (INFO
    /// commandstats), refused ones included: how the runner sees a failover sent to the
    /// wrong node.
    #[serde(default)]
    pub failover_requests: u64,
    /// Of those, the ones it accepted (calls minus failed calls): the moment this count rises
    /// is when a failover was asked of it, the start of the time a ✓ reports. Redis keeps
    /// counts, not times, so that moment is known to within one look at the cluster.
    #[serde(default)]
    pub failover_accepted: u64,
    /// The node's INFO replication, stats and persistence fields as it gave them, for the
    /// checks that read any of them by name (`info: { node, field, … }`).
    #[serde(default)]
    pub info_fields: BTreeMap<String, String>,
    /// The keys the lab's checks read (`key: { node, key, … }`), as this node holds them.
    #[serde(default)]
    pub key_values: BTreeMap<String, KeyValue>,
    /// The CONFIG GET values the lab's checks read; a password only as [`SECRET_SHOWN`] (set)
    /// or empty.
    #[serde(default)]
    pub config: BTreeMap<String, String>,
}

/// One Sentinel, as it answers SENTINEL MASTER, REPLICAS and SENTINELS for the lab's master.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentinelView {
    pub addr: NodeAddr,
    /// `None` when it does not monitor the lab's master (it was told to forget it, say).
    pub master: Option<MonitoredMaster>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitoredMaster {
    pub name: String,
    /// Where this Sentinel says the master is now.
    pub addr: Option<NodeAddr>,
    /// `master`, and `s_down`, `o_down`, `failover_in_progress`… when something happens.
    pub flags: Vec<String>,
    pub num_replicas: u32,
    pub num_other_sentinels: u32,
    pub quorum: u32,
    pub config_epoch: u64,
    /// The replicas it knows of, by the address they announce.
    pub replicas: Vec<NodeAddr>,
    /// The other Sentinels it knows of, by the address they announce.
    pub sentinels: Vec<NodeAddr>,
}

impl MonitoredMaster {
    pub fn has_flag(&self, f: &str) -> bool {
        self.flags.iter().any(|x| x == f)
    }
}

impl SentinelView {
    /// Where it says the master is, if it monitors it.
    pub fn master_addr(&self) -> Option<&NodeAddr> {
        self.master.as_ref().and_then(|m| m.addr.as_ref())
    }
}

/// Directives whose values are passwords: a snapshot keeps only whether they are set.
pub const SECRET_DIRECTIVES: &[&str] = &["requirepass", "masterauth", "tls-key-file-pass"];

/// What a snapshot holds for a password that is set.
pub const SECRET_SHOWN: &str = "********";

/// One key as a node holds it: its type (`none` when missing), its length (a string's bytes,
/// a collection's members) and, for a string, its value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyValue {
    #[serde(rename = "type")]
    pub kind: String,
    pub len: u64,
    pub value: Option<String>,
}

impl NodeState {
    pub fn is_master(&self) -> bool {
        self.role == Role::Master
    }

    /// Flags any node puts on this one (`fail?`, `fail`), from the given views.
    pub fn flags_seen<'a>(&self, views: impl Iterator<Item = &'a NodeState>) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for v in views {
            for line in v.view.iter().filter(|l| l.id == self.id) {
                for f in &line.flags {
                    if f == "fail" || f == "fail?" {
                        out.insert(f.clone());
                    }
                }
            }
        }
        out
    }
}

/// A node that did not answer, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unreachable {
    pub addr: NodeAddr,
    pub reason: ConnError,
}

/// How a view sees one node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Seen {
    /// Not in the view at all.
    Unknown,
    Master {
        slots: String,
    },
    /// A replica of this master (its address, or its id when no address is known).
    Replica {
        of: String,
    },
}

/// Where one node's view differs from what most nodes say.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Disagreement {
    pub node: NodeAddr,
    /// The node (by address, or id if unknown) it sees differently.
    pub about: String,
    pub sees: Seen,
    pub others_see: Seen,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterState {
    /// What the nodes are meant to be: a cluster, or plain Redis nodes (whose ids are their
    /// addresses, and whose masters are known from INFO replication).
    #[serde(default)]
    pub kind: super::topology::Kind,
    /// When the snapshot was taken (Unix time, ms): what "how long did it take" is measured by.
    #[serde(default)]
    pub taken_ms: u64,
    pub nodes: Vec<NodeState>,
    /// What each Sentinel that answered says of the master it monitors (a `sentinel` lab).
    #[serde(default)]
    pub sentinels: Vec<SentinelView>,
    pub unreachable: Vec<Unreachable>,
    /// What nodes answered the commands the lab's checks send them (`reply`).
    #[serde(default)]
    pub replies: Vec<super::reply::Reply>,
    /// How long the snapshot took to take.
    #[serde(with = "millis")]
    pub took: Duration,
}

mod millis {
    use std::time::Duration;

    pub fn serialize<S: serde::Serializer>(d: &Duration, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_u64(d.as_millis() as u64)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        <u64 as serde::Deserialize>::deserialize(d).map(Duration::from_millis)
    }
}

/// What a view says about one node: enough to compare views.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Opinion {
    role: &'static str,
    master: Option<String>,
    slots: String,
}

impl ClusterState {
    /// What `asked` was answered in this snapshot; `None` when its node did not answer.
    pub fn reply(&self, asked: &super::reply::ProbeAt) -> Option<&super::reply::Answer> {
        self.replies
            .iter()
            .find(|r| &r.asked == asked)
            .map(|r| &r.answer)
    }

    pub fn node(&self, addr: &NodeAddr) -> Option<&NodeState> {
        self.nodes.iter().find(|n| &n.addr == addr)
    }

    pub fn by_id(&self, id: &str) -> Option<&NodeState> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The address of a node id, from the node itself or else from any view.
    pub fn addr_of(&self, id: &str) -> Option<NodeAddr> {
        self.by_id(id).map(|n| n.addr.clone()).or_else(|| {
            self.nodes
                .iter()
                .flat_map(|n| &n.view)
                .find(|l| l.id == id)
                .and_then(|l| l.addr.clone())
        })
    }

    /// Masters that serve at least one slot.
    pub fn masters(&self) -> impl Iterator<Item = &NodeState> {
        // In a cluster a master without slots serves nothing; without one, every master does.
        let cluster = self.kind.is_cluster();
        self.nodes
            .iter()
            .filter(move |n| n.is_master() && (!cluster || !n.slots.is_empty()))
    }

    pub fn replicas(&self) -> impl Iterator<Item = &NodeState> {
        self.nodes.iter().filter(|n| n.role == Role::Replica)
    }

    pub fn replicas_of<'a>(&'a self, master: &'a NodeState) -> impl Iterator<Item = &'a NodeState> {
        self.replicas()
            .filter(move |r| r.master_id.as_deref() == Some(master.id.as_str()))
    }

    /// The master of a replica, as a node of this snapshot.
    pub fn master_of(&self, replica: &NodeState) -> Option<&NodeState> {
        replica.master_id.as_deref().and_then(|id| self.by_id(id))
    }

    /// Slots served by some master, as the masters claim them.
    pub fn covered(&self) -> SlotSet {
        self.masters()
            .fold(SlotSet::new(), |acc, m| acc.union(&m.slots))
    }

    pub fn all_slots_covered(&self) -> bool {
        self.covered().len() == usize::from(SLOTS)
    }

    /// Slots claimed by more than one master.
    pub fn contested(&self) -> SlotSet {
        let masters: Vec<_> = self.masters().collect();
        let mut out = SlotSet::new();
        for (i, a) in masters.iter().enumerate() {
            for b in &masters[i + 1..] {
                out = out.union(&a.slots.intersection(&b.slots));
            }
        }
        out
    }

    pub fn open_slots(&self) -> Vec<(&NodeState, &OpenSlot)> {
        self.nodes
            .iter()
            .flat_map(|n| n.open_slots.iter().map(move |o| (n, o)))
            .collect()
    }

    pub fn all_ok(&self) -> bool {
        !self.nodes.is_empty() && self.nodes.iter().all(|n| n.info.state_ok)
    }

    /// Replicas whose replication link is not up.
    pub fn replicas_out_of_sync(&self) -> Vec<&NodeState> {
        self.replicas()
            .filter(|r| r.replication.link_up != Some(true))
            .collect()
    }

    /// Nodes some view flags `fail?` or `fail`, with the flags.
    pub fn failing(&self) -> Vec<(String, BTreeSet<String>)> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for v in &self.nodes {
            for line in v.view.iter().filter(|l| l.is_failing()) {
                out.entry(line.id.clone())
                    .or_default()
                    .extend(line.flags.iter().filter(|f| f.starts_with("fail")).cloned());
            }
        }
        out.into_iter().collect()
    }

    fn opinions(view: &[NodeLine]) -> BTreeMap<String, Opinion> {
        view.iter()
            .filter(|l| l.is_settled())
            .map(|l| {
                let role = if l.is_master() { "master" } else { "replica" };
                let op = Opinion {
                    role,
                    master: l.master_id.clone(),
                    slots: l.slots.to_string(),
                };
                (l.id.clone(), op)
            })
            .collect()
    }

    /// Where views differ from the most common view. Empty means every node agrees on the
    /// set of nodes, their roles, their masters and their slots.
    pub fn disagreements(&self) -> Vec<Disagreement> {
        // A node that knows only itself and that no other node knows has not been met yet:
        // it is a cluster of its own (six fresh nodes before MEET), not a node that disagrees.
        let known_by_others = |n: &NodeState| {
            self.nodes
                .iter()
                .filter(|o| o.id != n.id)
                .any(|o| o.view.iter().any(|l| l.id == n.id && l.is_settled()))
        };
        let views: Vec<(&NodeState, BTreeMap<String, Opinion>)> = self
            .nodes
            .iter()
            .map(|n| (n, Self::opinions(&n.view)))
            .filter(|(n, v)| v.len() > 1 || known_by_others(n))
            .collect();

        let mut tally: BTreeMap<&BTreeMap<String, Opinion>, usize> = BTreeMap::new();
        for (_, v) in &views {
            *tally.entry(v).or_default() += 1;
        }
        let Some((common, _)) = tally.into_iter().max_by_key(|(_, c)| *c) else {
            return vec![];
        };
        let name = |id: &str| {
            self.addr_of(id)
                .map(|a| a.to_string())
                .unwrap_or_else(|| id.chars().take(8).collect())
        };
        let say = |o: Option<&Opinion>| match o {
            None => Seen::Unknown,
            Some(o) => match &o.master {
                Some(m) if o.role == "replica" => Seen::Replica { of: name(m) },
                _ => Seen::Master {
                    slots: o.slots.clone(),
                },
            },
        };
        let mut out = vec![];
        for (node, view) in &views {
            if view == common {
                continue;
            }
            let ids: BTreeSet<&String> = view.keys().chain(common.keys()).collect();
            for id in ids {
                let (mine, theirs) = (view.get(id), common.get(id));
                if mine != theirs {
                    out.push(Disagreement {
                        node: node.addr.clone(),
                        about: name(id),
                        sees: say(mine),
                        others_see: say(theirs),
                    });
                }
            }
        }
        out
    }

    pub fn nodes_agree(&self) -> bool {
        self.disagreements().is_empty()
    }

    /// Every Sentinel monitors the master, sees it up and names the same address (true without
    /// Sentinels).
    pub fn sentinels_agree(&self) -> bool {
        let mut addrs = self.sentinels.iter().map(|v| v.master_addr());
        let first = addrs.next();
        first.is_none_or(|f| f.is_some() && addrs.all(|a| a == f))
            && self.sentinels.iter().all(|v| {
                v.master
                    .as_ref()
                    .is_some_and(|m| !m.has_flag("s_down") && !m.has_flag("o_down"))
            })
    }

    /// The keys under the lab's prefix, counted on the masters.
    pub fn lab_keys(&self) -> Option<u64> {
        self.masters().map(|m| m.keys).sum()
    }

    /// Every node up, every slot covered once, views agreeing, replicas linked, no open slots;
    /// without a cluster, every node up and every replica linked.
    pub fn is_healthy(&self) -> bool {
        if !self.kind.is_cluster() {
            let named = self.sentinels.first().and_then(|v| v.master_addr());
            return self.unreachable.is_empty()
                && !self.nodes.is_empty()
                && self.replicas_out_of_sync().is_empty()
                && self.sentinels_agree()
                && named.is_none_or(|m| self.masters().all(|n| &n.addr == m));
        }
        self.unreachable.is_empty()
            && self.all_ok()
            && self.all_slots_covered()
            && self.contested().is_empty()
            && self.nodes_agree()
            && self.replicas_out_of_sync().is_empty()
            && self.open_slots().is_empty()
            && self.failing().is_empty()
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A healthy snapshot of the course's layout on 127.0.158.100-102, for tests of anything that
    /// reads a `ClusterState`. Ids are `a6379…`-style so tests can read them.
    pub fn course_state() -> ClusterState {
        let plan = [
            ("a6379", "127.0.158.100:6379", None, "0-5960", 1),
            ("b6379", "127.0.158.101:6379", None, "6461-10922", 2),
            (
                "c6379",
                "127.0.158.102:6379",
                None,
                "5961-6460 10923-16383",
                3,
            ),
            ("b6380", "127.0.158.101:6380", Some("a6379"), "", 1),
            ("c6380", "127.0.158.102:6380", Some("b6379"), "", 2),
            ("a6380", "127.0.158.100:6380", Some("c6379"), "", 3),
        ];
        build(&plan)
    }

    /// The course's cluster after CLUSTER FAILOVER on 127.0.158.102:6380, its epoch raised.
    pub fn failed_over() -> ClusterState {
        build(&[
            ("a6379", "127.0.158.100:6379", None, "0-5960", 1),
            ("b6379", "127.0.158.101:6379", Some("c6380"), "", 2),
            (
                "c6379",
                "127.0.158.102:6379",
                None,
                "5961-6460 10923-16383",
                3,
            ),
            ("b6380", "127.0.158.101:6380", Some("a6379"), "", 1),
            ("c6380", "127.0.158.102:6380", None, "6461-10922", 7),
            ("a6380", "127.0.158.100:6380", Some("c6379"), "", 3),
        ])
    }

    /// Builds a snapshot where every node sees the same, from (id, addr, master, slots, epoch).
    pub fn build(plan: &[(&str, &str, Option<&str>, &str, u64)]) -> ClusterState {
        let slots_of = |text: &str| {
            let mut s = SlotSet::new();
            for r in text.split_whitespace() {
                s.insert_range(r.parse().unwrap());
            }
            s
        };
        let view: Vec<NodeLine> = plan
            .iter()
            .map(|(id, addr, master, slots, epoch)| NodeLine {
                id: id.to_string(),
                addr: Some(addr.parse().unwrap()),
                flags: vec![if master.is_some() { "slave" } else { "master" }.to_string()],
                master_id: master.map(str::to_string),
                config_epoch: *epoch,
                connected: true,
                slots: slots_of(slots),
                open: vec![],
            })
            .collect();
        let nodes = plan
            .iter()
            .map(|(id, addr, master, slots, epoch)| {
                let view: Vec<NodeLine> = view
                    .iter()
                    .cloned()
                    .map(|mut l| {
                        if l.id == *id {
                            l.flags.insert(0, "myself".into());
                        }
                        l
                    })
                    .collect();
                NodeState {
                    addr: addr.parse().unwrap(),
                    id: id.to_string(),
                    role: if master.is_some() {
                        Role::Replica
                    } else {
                        Role::Master
                    },
                    master_id: master.map(str::to_string),
                    slots: slots_of(slots),
                    open_slots: vec![],
                    config_epoch: *epoch,
                    info: ClusterInfo {
                        state_ok: true,
                        slots_assigned: 16384,
                        slots_ok: 16384,
                        known_nodes: plan.len() as u32,
                        size: 3,
                        ..ClusterInfo::default()
                    },
                    replication: Replication {
                        is_master: master.is_none(),
                        link_up: master.map(|_| true),
                        ..Replication::default()
                    },
                    health: Some("online".into()),
                    view,
                    keys: Some(if slots.is_empty() { 0 } else { 2000 }),
                    dbsize: 2000,
                    failover_requests: 0,
                    failover_accepted: 0,
                    info_fields: Default::default(),
                    key_values: Default::default(),
                    config: Default::default(),
                }
            })
            .collect();
        ClusterState {
            kind: Default::default(),
            taken_ms: 0,
            sentinels: vec![],
            nodes,
            unreachable: vec![],
            replies: vec![],
            took: Duration::ZERO,
        }
    }

    #[test]
    fn snapshots_round_trip_through_json() {
        let s = course_state();
        let json = serde_json::to_string(&s).unwrap();
        let back: ClusterState = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn a_healthy_course_cluster() {
        let s = course_state();
        assert!(s.is_healthy(), "{:?}", s.disagreements());
        assert_eq!(s.masters().count(), 3);
        assert_eq!(s.replicas().count(), 3);
        assert_eq!(s.lab_keys(), Some(6000));
        let b = s.by_id("b6379").unwrap();
        assert_eq!(s.replicas_of(b).next().unwrap().id, "c6380");
    }

    #[test]
    fn disagreement_is_located() {
        let mut s = course_state();
        // 127.0.158.100:6379 has not heard of the failover yet.
        for n in s.nodes.iter_mut().filter(|n| n.id != "a6379") {
            for l in n.view.iter_mut() {
                if l.id == "c6380" {
                    l.flags = vec!["master".into()];
                    l.master_id = None;
                    l.slots =
                        SlotSet::from_ranges([crate::model::slots::SlotRange::new(6461, 10922)]);
                }
                if l.id == "b6379" {
                    l.flags = vec!["slave".into()];
                    l.master_id = Some("c6380".into());
                    l.slots = SlotSet::new();
                }
            }
        }
        let d = s.disagreements();
        assert!(!d.is_empty());
        assert!(d.iter().all(|d| d.node.to_string() == "127.0.158.100:6379"));
        assert!(d.iter().any(|d| d.about == "127.0.158.102:6380"
            && d.sees
                == Seen::Replica {
                    of: "127.0.158.101:6379".into()
                }
            && d.others_see
                == Seen::Master {
                    slots: "6461-10922".into()
                }));
    }

    #[test]
    fn fresh_nodes_that_never_met_do_not_disagree() {
        let mut s = course_state();
        for n in s.nodes.iter_mut() {
            let id = n.id.clone();
            n.view.retain(|l| l.id == id);
            n.slots = SlotSet::new();
            n.info.state_ok = false;
        }
        assert!(s.disagreements().is_empty());

        assert!(!s.is_healthy());
    }

    #[test]
    fn a_reset_node_the_others_still_know_disagrees() {
        let mut s = course_state();
        let a = s.nodes.iter_mut().find(|n| n.id == "a6379").unwrap();
        a.view.retain(|l| l.id == "a6379");
        let d = s.disagreements();
        assert!(!d.is_empty());
        assert!(d.iter().all(|d| d.node.to_string() == "127.0.158.100:6379"));
        assert!(
            d.iter()
                .any(|d| d.about == "127.0.158.101:6380" && d.sees == Seen::Unknown)
        );
    }

    #[test]
    fn uncovered_and_contested_slots() {
        let mut s = course_state();
        s.nodes[0].slots.remove(7);
        assert!(!s.all_slots_covered());
        s.nodes[1].slots.insert(0);
        assert_eq!(s.contested().to_string(), "0");
        assert!(!s.is_healthy());
    }
}
