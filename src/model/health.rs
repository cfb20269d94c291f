//! What is wrong with a cluster, from a snapshot: what `redis-cli --cluster check` looks at
//! (agreement, open slots, coverage) and what it passes over (nodes that do not answer or are
//! flagged failing, replicas whose link is down, nodes that are not cluster nodes at all).

use super::addr::NodeAddr;
use super::slots::SlotSet;
use super::state::ConnError;
use super::state::{ClusterState, Disagreement, Seen};
use crate::i18n::Msg;
use crate::msg;

#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    Unreachable {
        addr: NodeAddr,
        reason: ConnError,
    },
    NotClusterNode {
        addr: NodeAddr,
    },
    StateNotOk {
        addr: NodeAddr,
    },
    Failing {
        node: String,
        flags: String,
    },
    Disagree(Disagreement),
    Uncovered(SlotSet),
    Contested(SlotSet),
    OpenSlot {
        addr: NodeAddr,
        slot: u16,
        migrating: bool,
        peer: String,
    },
    LinkDown {
        addr: NodeAddr,
    },
    NotOnline {
        addr: NodeAddr,
        health: String,
    },
    /// The Sentinels name different masters, or see it down.
    SentinelsDisagree {
        seen: String,
    },
    /// A master that is not the one the Sentinels name.
    StrayMaster {
        addr: NodeAddr,
        master: NodeAddr,
    },
}

impl Problem {
    pub fn msg(&self) -> Msg {
        match self {
            Problem::Unreachable { addr, reason } => reason.unreachable(addr),
            Problem::NotClusterNode { addr } => {
                msg!("error-not-cluster-enabled", addr = addr.to_string())
            }
            Problem::StateNotOk { addr } => msg!("problem-state-not-ok", addr = addr.to_string()),
            Problem::Failing { node, flags } => msg!(
                "problem-failing",
                node = node.as_str(),
                flags = flags.as_str()
            ),
            Problem::Disagree(d) => match (&d.sees, &d.others_see) {
                (Seen::Unknown, others) => msg!(
                    "problem-disagree-unknown-here",
                    node = d.node.to_string(),
                    about = d.about.as_str(),
                    others = seen(others).text()
                ),
                (sees, Seen::Unknown) => msg!(
                    "problem-disagree-unknown-elsewhere",
                    node = d.node.to_string(),
                    about = d.about.as_str(),
                    sees = seen(sees).text()
                ),
                (sees, others) => msg!(
                    "problem-disagree",
                    node = d.node.to_string(),
                    about = d.about.as_str(),
                    sees = seen(sees).text(),
                    others = seen(others).text()
                ),
            },

            Problem::Uncovered(s) => {
                msg!("problem-uncovered", count = s.len(), slots = s.to_string())
            }
            Problem::Contested(s) => msg!("problem-contested", slots = s.to_string()),
            Problem::OpenSlot {
                addr,
                slot,
                migrating: true,
                peer,
            } => msg!(
                "problem-migrating",
                addr = addr.to_string(),
                slot = *slot,
                peer = peer.as_str()
            ),
            Problem::OpenSlot {
                addr, slot, peer, ..
            } => msg!(
                "problem-importing",
                addr = addr.to_string(),
                slot = *slot,
                peer = peer.as_str()
            ),
            Problem::LinkDown { addr } => msg!("problem-link-down", addr = addr.to_string()),
            Problem::SentinelsDisagree { seen } => {
                msg!("problem-sentinels-disagree", seen = seen.as_str())
            }
            Problem::StrayMaster { addr, master } => msg!(
                "problem-stray-master",
                addr = addr.to_string(),
                master = master.to_string()
            ),
            Problem::NotOnline { addr, health } => {
                msg!(
                    "problem-not-online",
                    addr = addr.to_string(),
                    health = health.as_str()
                )
            }
        }
    }
}

fn seen(s: &Seen) -> Msg {
    match s {
        Seen::Unknown => msg!("seen-unknown"),
        Seen::Master { slots } if slots == "-" => msg!("seen-master-no-slots"),
        Seen::Master { slots } => msg!("seen-master", slots = slots.as_str()),
        Seen::Replica { of } => msg!("seen-replica", master = of.as_str()),
    }
}

/// Every problem of a snapshot, most basic first (a node that does not answer explains much of
/// what follows).
pub fn problems(s: &ClusterState) -> Vec<Problem> {
    let mut out = vec![];
    let name = |id: &str| {
        s.addr_of(id)
            .map(|a| a.to_string())
            .unwrap_or_else(|| id.chars().take(8).collect())
    };
    for u in &s.unreachable {
        out.push(Problem::Unreachable {
            addr: u.addr.clone(),
            reason: u.reason.clone(),
        });
    }
    if !s.kind.is_cluster() {
        for r in s.replicas_out_of_sync() {
            out.push(Problem::LinkDown {
                addr: r.addr.clone(),
            });
        }
        // A master the Sentinels do not name: an old master back before they turned it into a
        // replica (up to 10 s), writable in the meantime.
        if s.sentinels_agree()
            && let Some(m) = s.sentinels.first().and_then(|v| v.master_addr())
        {
            for n in s.masters().filter(|n| &n.addr != m) {
                out.push(Problem::StrayMaster {
                    addr: n.addr.clone(),
                    master: m.clone(),
                });
            }
        }
        if !s.sentinels_agree() {
            out.push(Problem::SentinelsDisagree {
                seen: s
                    .sentinels
                    .iter()
                    .map(|v| {
                        let m = v.master.as_ref();
                        let at = v.master_addr().map_or("-".into(), ToString::to_string);
                        let flags = m.map_or("-".into(), |m| m.flags.join(","));
                        format!("{} → {at} ({flags})", v.addr)
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        return out;
    }
    for n in &s.nodes {
        if n.id.is_empty() {
            out.push(Problem::NotClusterNode {
                addr: n.addr.clone(),
            });
        } else if !n.info.state_ok {
            out.push(Problem::StateNotOk {
                addr: n.addr.clone(),
            });
        }
        if let Some(h) = n.health.as_deref().filter(|h| *h != "online") {
            out.push(Problem::NotOnline {
                addr: n.addr.clone(),
                health: h.to_string(),
            });
        }
    }
    for (id, flags) in s.failing() {
        out.push(Problem::Failing {
            node: name(&id),
            flags: flags.into_iter().collect::<Vec<_>>().join(","),
        });
    }
    out.extend(s.disagreements().into_iter().map(Problem::Disagree));
    for (n, o) in s.open_slots() {
        out.push(Problem::OpenSlot {
            addr: n.addr.clone(),
            slot: o.slot,
            migrating: o.migrating,
            peer: name(&o.peer),
        });
    }
    let covered = s.covered();
    if !s.nodes.is_empty() && covered.len() != usize::from(super::slots::SLOTS) {
        out.push(Problem::Uncovered(SlotSet::all().difference(&covered)));
    }
    let contested = s.contested();
    if !contested.is_empty() {
        out.push(Problem::Contested(contested));
    }
    for r in s.replicas_out_of_sync() {
        out.push(Problem::LinkDown {
            addr: r.addr.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::state::tests::course_state;

    #[test]
    fn a_healthy_cluster_has_no_problems() {
        assert_eq!(problems(&course_state()), vec![]);
    }

    #[test]
    fn each_problem_is_found() {
        let mut s = course_state();
        s.nodes[3].replication.link_up = Some(false);
        s.nodes[0].slots.remove(5);
        s.nodes[1].open_slots.push(crate::model::state::OpenSlot {
            slot: 7000,
            migrating: true,
            peer: "c6379".into(),
        });
        let p = problems(&s);
        assert!(p.contains(&Problem::LinkDown {
            addr: "127.0.158.101:6380".parse().unwrap()
        }));
        assert!(
            p.iter()
                .any(|p| matches!(p, Problem::Uncovered(s) if s.to_string() == "5"))
        );
        assert!(p.iter().any(|p| matches!(p, Problem::OpenSlot { slot: 7000, peer, .. } if peer == "127.0.158.102:6379")));
    }
}
