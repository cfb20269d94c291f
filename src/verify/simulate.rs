//! The state a lab's cluster should show, pictured from its topology and set-up alone, so lint
//! can judge checks before any cluster exists (an exercise whose set-up already satisfies its
//! criteria, say). A picture has no processes, no gossip and no clock: the check kinds that
//! read those say so ([`crate::verify::Simulation`]).

use std::time::Duration;

use crate::model::setup::SetupAction;
use crate::model::state::{ClusterInfo, ClusterState, NodeLine, NodeState, OpenSlot, Replication};
use crate::model::{Layout, NodeAddr, NodeRef, Role, SlotSet, Topology};

/// The snapshot a healthy cluster of `topo` shows on `layout` after `actions`, built from the
/// plan alone. Keys: `keys` on the first master, none elsewhere.
pub fn simulate(
    topo: &Topology,
    layout: &Layout,
    actions: &[SetupAction<NodeRef>],
    keys: u64,
) -> ClusterState {
    let addr = |n: &NodeRef| {
        layout
            .addr(n)
            .cloned()
            .unwrap_or_else(|| NodeAddr::new(n.host.clone(), n.port))
    };
    let id = |n: &NodeRef| format!("{}{}", n.host, n.port);
    struct Plan {
        name: NodeRef,
        master: Option<NodeRef>,
        slots: SlotSet,
        epoch: u64,
        open: Vec<OpenSlot>,
    }
    let mut plan: Vec<Plan> = topo
        .nodes()
        .into_iter()
        .enumerate()
        .map(|(i, n)| Plan {
            master: topo.master_of(&n).cloned(),
            slots: topo.slots_of(&n).cloned().unwrap_or_default(),
            epoch: i as u64 + 1,
            open: vec![],
            name: n,
        })
        .collect();
    let mut epoch = plan.len() as u64;
    let mut uncovered = SlotSet::new();
    let mut stopped: Vec<NodeRef> = vec![];
    for a in actions {
        match a {
            SetupAction::Failover(n) => {
                let Some(old) = plan
                    .iter()
                    .find(|p| &p.name == n)
                    .and_then(|p| p.master.clone())
                else {
                    continue;
                };
                let slots = plan
                    .iter()
                    .find(|p| p.name == old)
                    .map(|p| p.slots.clone())
                    .unwrap_or_default();
                epoch += 1;
                for p in plan.iter_mut() {
                    if &p.name == n {
                        p.master = None;
                        p.slots = slots.clone();
                        p.epoch = epoch;
                    } else if p.name == old || p.master.as_ref() == Some(&old) {
                        p.master = Some(n.clone());
                        p.slots = SlotSet::new();
                    }
                }
            }
            SetupAction::Replicate { node, master } => {
                if let Some(p) = plan.iter_mut().find(|p| &p.name == node) {
                    p.master = Some(master.clone());
                    p.slots = SlotSet::new();
                }
            }
            SetupAction::OpenSlot { slot, from, to } => {
                if let Some(p) = plan.iter_mut().find(|p| &p.name == from) {
                    p.open.push(OpenSlot {
                        slot: *slot,
                        migrating: true,
                        peer: id(to),
                    });
                }
                if let Some(p) = plan.iter_mut().find(|p| &p.name == to) {
                    p.open.push(OpenSlot {
                        slot: *slot,
                        migrating: false,
                        peer: id(from),
                    });
                }
            }
            SetupAction::Uncover(ranges) => {
                let gone = SlotSet::from_ranges(ranges.iter().copied());
                uncovered = uncovered.union(&gone);
                for p in plan.iter_mut() {
                    p.slots = p.slots.difference(&gone);
                }
            }
            SetupAction::Stop(n) => stopped.push(n.clone()),
            // Settings and Sentinels are not pictured: the checks reading them say so.
            SetupAction::ConfigSet { .. }
            | SetupAction::SentinelSet { .. }
            | SetupAction::Protect { .. } => {}
        }
    }
    plan.retain(|p| !stopped.contains(&p.name));
    let view: Vec<NodeLine> = plan
        .iter()
        .map(|p| NodeLine {
            id: id(&p.name),
            addr: Some(addr(&p.name)),
            flags: vec![
                if p.master.is_some() {
                    "slave"
                } else {
                    "master"
                }
                .to_string(),
            ],
            master_id: p.master.as_ref().map(id),
            config_epoch: p.epoch,
            connected: true,
            slots: p.slots.clone(),
            open: p.open.clone(),
        })
        .collect();
    let first_master = plan
        .iter()
        .find(|p| p.master.is_none() && !p.slots.is_empty())
        .map(|p| p.name.clone());
    let nodes = plan
        .iter()
        .map(|p| {
            let mut v = view.clone();
            for l in v.iter_mut().filter(|l| l.id == id(&p.name)) {
                l.flags.insert(0, "myself".into());
            }
            NodeState {
                addr: addr(&p.name),
                id: id(&p.name),
                role: if p.master.is_some() {
                    Role::Replica
                } else {
                    Role::Master
                },
                master_id: p.master.as_ref().map(id),
                slots: p.slots.clone(),
                open_slots: p.open.clone(),
                config_epoch: p.epoch,
                info: ClusterInfo {
                    state_ok: uncovered.is_empty(),
                    ..ClusterInfo::default()
                },
                replication: Replication {
                    is_master: p.master.is_none(),
                    link_up: p.master.as_ref().map(|_| true),
                    ..Replication::default()
                },
                health: Some("online".into()),
                view: v,
                keys: Some(if Some(&p.name) == first_master.as_ref() {
                    keys
                } else {
                    0
                }),
                dbsize: 0,
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
        unreachable: stopped
            .iter()
            .map(|n| crate::model::state::Unreachable {
                addr: addr(n),
                reason: crate::model::state::ConnError::Refused,
            })
            .collect(),
        replies: vec![],
        took: Duration::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::topology::DEFAULT_LOCAL_BASE;
    use crate::model::topology::tests::course_topology;

    fn layout() -> Layout {
        Layout::local(&course_topology(), DEFAULT_LOCAL_BASE)
    }

    #[test]
    fn the_untouched_plan_is_healthy() {
        let s = simulate(&course_topology(), &layout(), &[], 6557);
        assert!(s.is_healthy(), "{:?}", crate::model::health::problems(&s));
        assert_eq!(s.lab_keys(), Some(6557));
    }

    #[test]
    fn setups_change_what_they_say() {
        let t = course_topology();
        let s = simulate(
            &t,
            &layout(),
            &[SetupAction::Failover(NodeRef::new("c", 6380))],
            0,
        );
        let c = s.node(&"127.0.158.102:6380".parse().unwrap()).unwrap();
        assert!(c.is_master() && c.slots.to_string() == "6461-10922");
        assert!(s.is_healthy());
        let s = simulate(
            &t,
            &layout(),
            &[SetupAction::Uncover(vec![
                crate::model::slots::SlotRange::new(5, 6),
            ])],
            0,
        );
        assert!(!s.all_slots_covered() && !s.all_ok());
        let s = simulate(
            &t,
            &layout(),
            &[SetupAction::OpenSlot {
                slot: 7000,
                from: NodeRef::new("b", 6379),
                to: NodeRef::new("c", 6379),
            }],
            0,
        );
        assert_eq!(s.open_slots().len(), 2);
        let s = simulate(
            &t,
            &layout(),
            &[SetupAction::Replicate {
                node: NodeRef::new("c", 6380),
                master: NodeRef::new("a", 6379),
            }],
            0,
        );
        let a = s.node(&"127.0.158.100:6379".parse().unwrap()).unwrap();
        assert_eq!(s.replicas_of(a).count(), 2);
    }
}
