//! The checker's own slot routing: which master serves each slot, learnt from CLUSTER SLOTS at
//! start, corrected by MOVED replies, and refreshed from CLUSTER NODES, whose config epochs say
//! which of two claims to a slot is the newer one. A node that has not heard of a failover yet
//! still claims the slots with the old epoch, so it cannot move them back.

use std::collections::BTreeMap;

use redis::Value;

use super::{ChangeKind, OwnerChange};
use crate::model::addr::NodeAddr;
use crate::model::slots::{SLOTS, SlotRange, SlotSet};
use crate::model::state::NodeLine;

/// No node: a slot nobody serves, as far as the run knows.
pub(crate) const NONE: u16 = u16::MAX;

/// Which node serves each slot. Workers take a shared snapshot at the start of each batch; a
/// change builds a new one.
#[derive(Clone, Debug)]
pub(crate) struct Route {
    /// Per slot, an index into `nodes`, or [`NONE`].
    pub owner: Vec<u16>,
    /// Every node the run has heard of (masters and replicas); indices never change.
    pub nodes: Vec<NodeAddr>,
    /// Per slot, how many confirmed changes of owner the run has seen: a key read on its owner
    /// at the current count has been read since the last change.
    pub changes: Vec<u32>,
    /// The sum of `changes`: workers recount their unverified keys when it moves.
    pub version: u64,
}

impl Default for Route {
    fn default() -> Self {
        Route {
            owner: vec![NONE; usize::from(SLOTS)],
            nodes: vec![],
            changes: vec![0; usize::from(SLOTS)],
            version: 0,
        }
    }
}

impl Route {
    pub(crate) fn index_of(&mut self, addr: &NodeAddr) -> u16 {
        if let Some(i) = self.find(addr) {
            return i;
        }
        self.nodes.push(addr.clone());
        (self.nodes.len() - 1) as u16
    }

    pub(crate) fn find(&self, addr: &NodeAddr) -> Option<u16> {
        self.nodes.iter().position(|a| a == addr).map(|i| i as u16)
    }

    pub(crate) fn owner_of(&self, slot: u16) -> Option<&NodeAddr> {
        let i = *self.owner.get(usize::from(slot))?;
        self.nodes.get(usize::from(i))
    }

    /// The nodes that serve at least one slot, in index order.
    pub(crate) fn masters(&self) -> Vec<NodeAddr> {
        let mut used = vec![false; self.nodes.len()];
        for &o in &self.owner {
            if let Some(u) = used.get_mut(usize::from(o)) {
                *u = true;
            }
        }
        self.nodes
            .iter()
            .zip(used)
            .filter(|(_, u)| *u)
            .map(|(a, _)| a.clone())
            .collect()
    }
}

/// One entry of CLUSTER SLOTS: a range, its master and its replicas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SlotsEntry {
    pub range: SlotRange,
    pub master: NodeAddr,
    pub replicas: Vec<NodeAddr>,
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(n) => Some(*n),
        Value::BulkString(b) => std::str::from_utf8(b).ok()?.parse().ok(),
        Value::SimpleString(s) => s.parse().ok(),
        _ => None,
    }
}

/// A node of a CLUSTER SLOTS entry: `[host, port, id, …]`. A nil or empty host means "the node
/// you asked"; `?` means the node's address is unknown.
fn slots_node(v: &Value, asked: &NodeAddr) -> Option<NodeAddr> {
    let Value::Array(parts) = v else {
        return None;
    };
    let host = match parts.first()? {
        Value::Nil => asked.host.clone(),
        Value::BulkString(b) => String::from_utf8(b.clone()).ok()?,
        Value::SimpleString(s) => s.clone(),
        _ => return None,
    };
    let host = if host.is_empty() {
        asked.host.clone()
    } else {
        host
    };
    if host == "?" {
        return None;
    }
    let port = u16::try_from(int(parts.get(1)?)?)
        .ok()
        .filter(|p| *p != 0)?;
    Some(NodeAddr::new(host, port))
}

/// Parses a CLUSTER SLOTS reply from `asked`. Entries of an unexpected shape are left out.
pub(crate) fn parse_cluster_slots(v: &Value, asked: &NodeAddr) -> Vec<SlotsEntry> {
    let Value::Array(entries) = v else {
        return vec![];
    };
    let mut out = vec![];
    for e in entries {
        let Value::Array(f) = e else { continue };
        let (Some(start), Some(end)) = (f.first().and_then(int), f.get(1).and_then(int)) else {
            continue;
        };
        let max = i64::from(SLOTS) - 1;
        if !(0..=max).contains(&start) || !(start..=max).contains(&end) {
            continue;
        }
        let Some(master) = f.get(2).and_then(|n| slots_node(n, asked)) else {
            continue;
        };
        let replicas = f
            .iter()
            .skip(3)
            .filter_map(|n| slots_node(n, asked))
            .collect();
        out.push(SlotsEntry {
            range: SlotRange::new(start as u16, end as u16),
            master,
            replicas,
        });
    }
    out
}

/// The slot ranges each master held at the start: the run's shards.
pub(crate) fn shards(entries: &[SlotsEntry]) -> Vec<(NodeAddr, SlotSet)> {
    let mut by: BTreeMap<NodeAddr, SlotSet> = BTreeMap::new();
    for e in entries {
        by.entry(e.master.clone())
            .or_default()
            .insert_range(e.range);
    }
    by.into_iter().collect()
}

/// Routing plus the run's record of who owns the slots it writes to.
pub(crate) struct Topo {
    pub route: Route,
    /// Per slot, the owner the views of the cluster agreed on and its config epoch.
    claims: Vec<(u16, u64)>,
    /// The slots the run's keys hash to.
    written: SlotSet,
    /// Per slot, the run's shard (the ranges a master held at the start), or [`NONE`].
    shard_of: Vec<u16>,
    pub events: Vec<OwnerChange>,
}

impl Topo {
    pub(crate) fn new(entries: &[SlotsEntry], written: SlotSet) -> Topo {
        let mut route = Route::default();
        for e in entries {
            let m = route.index_of(&e.master);
            for s in e.range.start..=e.range.end {
                route.owner[usize::from(s)] = m;
            }
            for r in &e.replicas {
                route.index_of(r);
            }
        }
        let claims = route.owner.iter().map(|&o| (o, 0)).collect();
        let mut shard_of = vec![NONE; usize::from(SLOTS)];
        for (i, (_, set)) in shards(entries).iter().enumerate() {
            for s in set.iter() {
                shard_of[usize::from(s)] = i as u16;
            }
        }
        Topo {
            route,
            claims,
            written,
            shard_of,
            events: vec![],
        }
    }

    /// A node answered MOVED: `slot` is served by `to`. True if the routing changed.
    pub(crate) fn moved(&mut self, slot: u16, to: &NodeAddr) -> bool {
        let i = self.route.index_of(to);
        let Some(o) = self.route.owner.get_mut(usize::from(slot)) else {
            return false;
        };
        let changed = *o != i;
        *o = i;
        changed
    }

    /// Plain replication: `to` is the master now, of every slot. One event when it was not
    /// already (the run's only shard moves whole), of a kind still to be asked. True if it
    /// changed.
    pub(crate) fn switch_master(&mut self, to: &NodeAddr, at_ms: u64) -> bool {
        let i = self.route.index_of(to);
        let from = self.route.owner[0];
        if from == i {
            return false;
        }
        for s in 0..usize::from(SLOTS) {
            self.route.owner[s] = i;
            self.claims[s] = (i, 0);
            self.route.changes[s] += 1;
        }
        self.route.version += u64::from(SLOTS);
        if from != NONE {
            self.events.push(OwnerChange {
                slots: SlotSet::all().to_string(),
                written_slots: self.written.len() as u64,
                from: self.route.nodes[usize::from(from)].clone(),
                to: to.clone(),
                at_ms,
                kind: ChangeKind::Unknown,
                shard: 0,
            });
        }
        true
    }

    /// Takes in one node's CLUSTER NODES. A master's claim to a slot wins over the recorded one
    /// when its config epoch is higher. Slots that changed owner become events, one per (from,
    /// to, shard), when the run writes to at least one of them: a migration when the old owner
    /// is still a healthy master holding slots, else a failover whose kind is
    /// [`ChangeKind::Unknown`] until the new owner is asked. Returns whether the routing
    /// changed and how many events were added (the last ones of `events`).
    pub(crate) fn apply_view(&mut self, lines: &[NodeLine], at_ms: u64) -> (bool, usize) {
        let known = self.route.nodes.len();
        let mut route_changed = false;
        // Per (from, to, shard): the slots that moved, and how many of them the run writes to.
        let mut moves: BTreeMap<(u16, u16, u16), (SlotSet, u64)> = BTreeMap::new();
        for line in lines {
            let Some(addr) = line.addr.as_ref().filter(|_| line.is_settled()) else {
                continue;
            };
            let i = self.route.index_of(addr);
            if !line.is_master() || line.slots.is_empty() {
                continue;
            }
            for r in line.slots.ranges() {
                for slot in r.start..=r.end {
                    let s = usize::from(slot);
                    let (owner, epoch) = self.claims[s];
                    if owner == i {
                        self.claims[s].1 = epoch.max(line.config_epoch);
                        continue;
                    }
                    if owner != NONE && line.config_epoch <= epoch {
                        continue;
                    }
                    self.claims[s] = (i, line.config_epoch);
                    if self.route.owner[s] != i {
                        self.route.owner[s] = i;
                        route_changed = true;
                    }
                    if owner != NONE {
                        self.route.changes[s] += 1;
                        self.route.version += 1;
                        route_changed = true;
                        let m = moves.entry((owner, i, self.shard_of[s])).or_default();
                        m.0.insert(slot);
                        m.1 += u64::from(self.written.contains(slot));
                    }
                }
            }
        }
        let mut added = 0;
        for ((from, to, shard), (slots, written)) in moves {
            if written == 0 {
                continue;
            }
            added += 1;
            let from = self.route.nodes[usize::from(from)].clone();
            // A master that still serves slots and is not failing gave these away: a migration.
            let migration = lines.iter().any(|l| {
                l.addr.as_ref() == Some(&from)
                    && l.is_master()
                    && !l.slots.is_empty()
                    && !l.is_failing()
            });
            self.events.push(OwnerChange {
                slots: slots.to_string(),
                written_slots: written,
                from,
                to: self.route.nodes[usize::from(to)].clone(),
                at_ms,
                kind: if migration {
                    ChangeKind::Migration
                } else {
                    ChangeKind::Unknown
                },
                shard,
            });
        }
        (route_changed || self.route.nodes.len() != known, added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::parse::cluster_nodes;

    fn bulk(s: &str) -> Value {
        Value::BulkString(s.as_bytes().to_vec())
    }

    fn node(host: Value, port: i64, id: &str) -> Value {
        Value::Array(vec![host, Value::Int(port), bulk(id), Value::Array(vec![])])
    }

    fn entry(start: i64, end: i64, nodes: Vec<Value>) -> Value {
        let mut f = vec![Value::Int(start), Value::Int(end)];
        f.extend(nodes);
        Value::Array(f)
    }

    fn a(s: &str) -> NodeAddr {
        s.parse().unwrap()
    }

    /// The course's layout, as CLUSTER SLOTS on a:6379 prints it.
    fn course_slots() -> Value {
        Value::Array(vec![
            entry(
                0,
                5960,
                vec![
                    node(bulk("127.0.50.100"), 6379, "aaa"),
                    node(bulk("127.0.50.101"), 6380, "bbb2"),
                ],
            ),
            entry(
                5961,
                6460,
                vec![
                    node(bulk("127.0.50.102"), 6379, "ccc"),
                    node(bulk("127.0.50.100"), 6380, "aaa2"),
                ],
            ),
            entry(
                6461,
                10922,
                vec![
                    node(bulk("127.0.50.101"), 6379, "bbb"),
                    node(bulk("127.0.50.102"), 6380, "ccc2"),
                ],
            ),
            entry(
                10923,
                16383,
                vec![
                    node(bulk("127.0.50.102"), 6379, "ccc"),
                    node(bulk("127.0.50.100"), 6380, "aaa2"),
                ],
            ),
        ])
    }

    #[test]
    fn cluster_slots_is_parsed() {
        let asked = a("127.0.50.100:6379");
        let e = parse_cluster_slots(&course_slots(), &asked);
        assert_eq!(e.len(), 4);
        assert_eq!(e[0].range, SlotRange::new(0, 5960));
        assert_eq!(e[0].master, a("127.0.50.100:6379"));
        assert_eq!(e[0].replicas, vec![a("127.0.50.101:6380")]);
        assert_eq!(e[2].master, a("127.0.50.101:6379"));
        let sh = shards(&e);
        assert_eq!(sh.len(), 3);
        assert_eq!(sh[2].0, a("127.0.50.102:6379"));
        assert_eq!(sh[2].1.to_string(), "5961-6460,10923-16383");

        let t = Topo::new(&e, SlotSet::all());
        assert_eq!(t.route.owner_of(0), Some(&a("127.0.50.100:6379")));
        assert_eq!(t.route.owner_of(6461), Some(&a("127.0.50.101:6379")));
        assert_eq!(t.route.owner_of(16383), Some(&a("127.0.50.102:6379")));
        assert_eq!(t.route.nodes.len(), 6);
        assert_eq!(t.route.masters().len(), 3);
    }

    #[test]
    fn odd_cluster_slots_shapes() {
        let asked = a("10.0.0.1:7000");
        // Nil and empty hosts mean the node asked; `?` is unknown; bad ranges are skipped.
        let v = Value::Array(vec![
            entry(0, 10, vec![node(Value::Nil, 7001, "x")]),
            entry(11, 20, vec![node(bulk(""), 7002, "y")]),
            entry(21, 30, vec![node(bulk("?"), 7003, "z")]),
            entry(40, 30, vec![node(bulk("h"), 7004, "w")]),
            entry(0, 16384, vec![node(bulk("h"), 7004, "w")]),
            entry(-1, 3, vec![node(bulk("h"), 7004, "w")]),
            entry(50, 60, vec![node(bulk("h"), 0, "w")]),
            entry(70, 80, vec![]),
            Value::Int(3),
            Value::Array(vec![Value::Int(1)]),
            entry(90, 95, vec![Value::Array(vec![Value::Okay, Value::Int(1)])]),
            entry(
                100,
                100,
                vec![Value::Array(vec![
                    Value::SimpleString("h".into()),
                    bulk("7005"),
                ])],
            ),
        ]);
        let e = parse_cluster_slots(&v, &asked);
        assert_eq!(
            e.iter()
                .map(|e| (e.range.to_string(), e.master.to_string()))
                .collect::<Vec<_>>(),
            vec![
                ("0-10".to_string(), "10.0.0.1:7001".to_string()),
                ("11-20".to_string(), "10.0.0.1:7002".to_string()),
                ("100".to_string(), "h:7005".to_string()),
            ]
        );
        assert!(parse_cluster_slots(&Value::Nil, &asked).is_empty());
        assert!(parse_cluster_slots(&Value::Okay, &asked).is_empty());
    }

    const BEFORE: &str = "\
aaa 127.0.50.100:6379@16379 myself,master - 0 0 1 connected 0-5960
bbb 127.0.50.101:6379@16379 master - 0 0 2 connected 6461-10922
ccc 127.0.50.102:6379@16379 master - 0 0 3 connected 5961-6460 10923-16383
ccc2 127.0.50.102:6380@16380 slave bbb 0 0 2 connected
";

    const AFTER: &str = "\
aaa 127.0.50.100:6379@16379 myself,master - 0 0 1 connected 0-5960
bbb 127.0.50.101:6379@16379 slave ccc2 0 0 7 connected
ccc 127.0.50.102:6379@16379 master - 0 0 3 connected 5961-6460 10923-16383
ccc2 127.0.50.102:6380@16380 master - 0 0 7 connected 6461-10922
";

    const BACK: &str = "\
aaa 127.0.50.100:6379@16379 master - 0 0 1 connected 0-5960
bbb 127.0.50.101:6379@16379 myself,master - 0 0 8 connected 6461-10922
ccc 127.0.50.102:6379@16379 master - 0 0 3 connected 5961-6460 10923-16383
ccc2 127.0.50.102:6380@16380 slave bbb 0 0 8 connected
";

    #[test]
    fn failover_and_failback_are_events_and_stale_views_are_not() {
        let asked = a("127.0.50.100:6379");
        let e = parse_cluster_slots(&course_slots(), &asked);
        // The run writes to a few slots of b's shard and one of a's (none of c's).
        let written: SlotSet = [100u16, 7000, 7001, 9000].into_iter().collect();
        let mut t = Topo::new(&e, written);
        assert_eq!(t.apply_view(&cluster_nodes(BEFORE), 0), (false, 0));

        let (changed, added) = t.apply_view(&cluster_nodes(AFTER), 1500);
        assert!(changed);
        assert_eq!(added, 1);
        let ev = &t.events[0];
        assert_eq!(ev.slots, "6461-10922");
        assert_eq!(ev.written_slots, 3);
        assert_eq!(ev.from, a("127.0.50.101:6379"));
        assert_eq!(ev.to, a("127.0.50.102:6380"));
        assert_eq!(ev.at_ms, 1500);
        assert_eq!(t.route.owner_of(6461), Some(&a("127.0.50.102:6380")));

        // A node that has not heard of the failover yet: its old claim has the old epoch.
        assert_eq!(t.apply_view(&cluster_nodes(BEFORE), 1600), (false, 0));
        assert_eq!(t.route.owner_of(6461), Some(&a("127.0.50.102:6380")));
        assert_eq!(t.events.len(), 1);

        let (changed, added) = t.apply_view(&cluster_nodes(BACK), 6000);
        assert!(changed && added == 1);
        assert_eq!(t.events[1].from, a("127.0.50.102:6380"));
        assert_eq!(t.events[1].to, a("127.0.50.101:6379"));
        // And the post-failover view is stale now.
        assert_eq!(t.apply_view(&cluster_nodes(AFTER), 6100), (false, 0));
        assert_eq!(t.events.len(), 2);

        // c's shard fails over too, but the run writes to none of its slots: routing only.
        let c_over = BACK.replace(
            "master - 0 0 3 connected 5961-6460 10923-16383",
            "slave aaa2 0 0 9 connected",
        ) + "aaa2 127.0.50.100:6380@16380 master - 0 0 9 connected 5961-6460 10923-16383\n";
        assert_eq!(t.apply_view(&cluster_nodes(&c_over), 7000), (true, 0));
        assert_eq!(t.route.owner_of(5961), Some(&a("127.0.50.100:6380")));
        assert_eq!(t.events.len(), 2);
    }

    #[test]
    fn moved_updates_routing_only() {
        let e = parse_cluster_slots(&course_slots(), &a("127.0.50.100:6379"));
        let mut t = Topo::new(&e, SlotSet::all());
        assert!(t.moved(7000, &a("127.0.50.102:6380")));
        assert!(!t.moved(7000, &a("127.0.50.102:6380")));
        assert_eq!(t.route.owner_of(7000), Some(&a("127.0.50.102:6380")));
        assert_eq!(t.route.owner_of(7001), Some(&a("127.0.50.101:6379")));
        assert!(t.events.is_empty());
        // A new node is learnt from MOVED.
        assert!(t.moved(1, &a("127.0.50.103:6379")));
        assert_eq!(t.route.nodes.len(), 7);
    }
}
