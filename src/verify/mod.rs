//! Checks against the live cluster: a pure function of the checks, the state when the step
//! began and the state now. No I/O, so every kind is tested with hand-built states, and
//! `start`, `check`, `test` and `grade` share one evaluator.
//!
//! Every failure says, in the student's language, what was expected and what the cluster shows
//! now: "expected 127.0.158.102:6380 to be master of 6461-10922; it is a replica of
//! 127.0.158.101:6379".

pub mod diagnose;

use crate::cluster::addr::NodeAddr;
use crate::cluster::health::Problem;
use crate::cluster::slots::SlotSet;
use crate::cluster::state::ClusterState;
use crate::i18n::Msg;
use crate::lab::check::{Check, FailFlag, Role};
use crate::lab::topology::{Layout, NodeRef};
use crate::msg;

/// What a consistency test running in the background has seen, for the `consistency` check.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConsistencySummary {
    pub lost: u64,
    /// A slot the test wrote to changed owner during the run.
    pub saw_failover: bool,
    /// How many times slots it wrote to changed owner (a failover and a failback: two).
    pub owner_changes: u64,
    pub writes: u64,
}

/// What the evaluator needs besides the states: where the lab's nodes are, and the consistency
/// test's counters when one runs.
pub struct Context<'a> {
    pub layout: &'a Layout,
    pub consistency: Option<&'a ConsistencySummary>,
    /// The slot of every key of the lab's data, for `keys-follow-slots`.
    pub key_slots: Option<&'a [u16]>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckResult {
    pub check: Check<NodeRef>,
    /// `None` when the check holds.
    pub failure: Option<Msg>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub results: Vec<CheckResult>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.results.iter().all(|r| r.failure.is_none())
    }

    pub fn failures(&self) -> impl Iterator<Item = &Msg> {
        self.results.iter().filter_map(|r| r.failure.as_ref())
    }

    /// True when no check holds: what an action step must show before its solution runs.
    pub fn none_passed(&self) -> bool {
        self.results.iter().all(|r| r.failure.is_some())
    }
}

pub fn evaluate(
    checks: &[Check<NodeRef>],
    ctx: &Context,
    start: Option<&ClusterState>,
    now: &ClusterState,
) -> Outcome {
    let results = checks
        .iter()
        .map(|c| CheckResult {
            check: c.clone(),
            failure: one(c, ctx, start, now),
        })
        .collect();
    Outcome { results }
}

fn addr(ctx: &Context, n: &NodeRef) -> NodeAddr {
    ctx.layout
        .addr(n)
        .cloned()
        .unwrap_or_else(|| NodeAddr::new(n.host.clone(), n.port))
}

fn role_word(r: Role) -> Msg {
    match r {
        Role::Master => msg!("role-master"),
        Role::Replica => msg!("role-replica"),
    }
}

/// How the cluster shows one node now, as the end of a sentence: "it is a replica of …".
pub fn describe(s: &ClusterState, a: &NodeAddr) -> Msg {
    let Some(n) = s.node(a) else {
        return msg!("verify-it-does-not-answer");
    };
    match n.role {
        Role::Master if n.slots.is_empty() => msg!("verify-it-is-empty-master"),
        Role::Master => msg!("verify-it-is-master", slots = n.slots.to_string()),
        Role::Replica => {
            let master = s
                .master_of(n)
                .map(|m| m.addr.to_string())
                .or_else(|| {
                    n.master_id
                        .as_deref()
                        .and_then(|id| s.addr_of(id))
                        .map(|a| a.to_string())
                })
                .unwrap_or_else(|| n.master_id.clone().unwrap_or_default());
            msg!("verify-it-is-replica", master = master)
        }
    }
}

fn list(addrs: impl Iterator<Item = String>) -> String {
    addrs.collect::<Vec<_>>().join(", ")
}

fn one(
    c: &Check<NodeRef>,
    ctx: &Context,
    start: Option<&ClusterState>,
    s: &ClusterState,
) -> Option<Msg> {
    match c {
        Check::ClusterOk => {
            // A node that is down counts against the cluster until every live node has marked
            // it FAIL: from then on the cluster has accounted for it (as `cluster_state:ok` on
            // the live nodes says), which is the state a lab about a crash wants to check.
            let accounted = |addr: &crate::cluster::addr::NodeAddr| {
                !s.nodes.is_empty()
                    && s.nodes.iter().all(|n| {
                        n.view
                            .iter()
                            .any(|l| l.addr.as_ref() == Some(addr) && l.has_flag("fail"))
                    })
            };
            let bad: Vec<String> = s
                .nodes
                .iter()
                .filter(|n| !n.info.state_ok)
                .map(|n| n.addr.to_string())
                .chain(
                    s.unreachable
                        .iter()
                        .filter(|u| !accounted(&u.addr))
                        .map(|u| u.addr.to_string()),
                )
                .collect();

            (!bad.is_empty() || s.nodes.is_empty())
                .then(|| msg!("verify-cluster-ok", nodes = list(bad.into_iter())))
        }
        Check::SlotsCovered => {
            let missing = SlotSet::all().difference(&s.covered());
            (!missing.is_empty()).then(|| {
                msg!(
                    "verify-slots-covered",
                    count = missing.len(),
                    slots = missing.to_string()
                )
            })
        }
        Check::NodesAgree => {
            if let Some(u) = s.unreachable.first() {
                return Some(msg!(
                    "verify-nodes-agree-unreachable",
                    node = u.addr.to_string()
                ));
            }
            s.disagreements()
                .into_iter()
                .next()
                .map(|d| msg!("verify-nodes-agree", detail = Problem::Disagree(d).msg()))
        }
        Check::NoOpenSlots => {
            let open = s.open_slots();
            (!open.is_empty()).then(|| {
                let detail = open
                    .iter()
                    .map(|(n, o)| format!("{}:{}", n.addr, o.slot))
                    .collect::<Vec<_>>()
                    .join(", ");
                msg!("verify-no-open-slots", slots = detail)
            })
        }
        Check::ReplicasInSync => {
            let down = s.replicas_out_of_sync();
            (!down.is_empty()).then(|| {
                msg!(
                    "verify-replicas-in-sync",
                    nodes = list(down.iter().map(|n| n.addr.to_string()))
                )
            })
        }
        Check::Masters(n) => {
            let actual = s.masters().count();
            (actual != *n as usize).then(|| {
                msg!(
                    "verify-masters",
                    expected = *n,
                    actual = actual,
                    nodes = list(s.masters().map(|m| m.addr.to_string()))
                )
            })
        }
        Check::Replicas(n) => {
            let actual = s.replicas().count();
            (actual != *n as usize).then(|| msg!("verify-replicas", expected = *n, actual = actual))
        }
        Check::Keys(n) => match s.lab_keys() {
            Some(k) if k == *n => None,
            Some(k) => Some(msg!("verify-keys", expected = *n, actual = k)),
            None => Some(msg!("verify-keys-unknown", expected = *n)),
        },
        Check::Role { node, is } => {
            let a = addr(ctx, node);
            match s.node(&a) {
                Some(n) if n.role == *is => None,
                _ => Some(msg!(
                    "verify-role",
                    node = a.to_string(),
                    role = role_word(*is),
                    actual = describe(s, &a)
                )),
            }
        }
        Check::ReplicaOf { node, master } => {
            let (a, m) = (addr(ctx, node), addr(ctx, master));
            let master_id = s.node(&m).map(|n| n.id.as_str());
            match s.node(&a) {
                Some(n)
                    if n.role == Role::Replica
                        && master_id.is_some()
                        && n.master_id.as_deref() == master_id =>
                {
                    None
                }
                _ => Some(msg!(
                    "verify-replica-of",
                    node = a.to_string(),
                    master = m.to_string(),
                    actual = describe(s, &a)
                )),
            }
        }
        Check::Slots { node, slots } => {
            let a = addr(ctx, node);
            let want = SlotSet::from_ranges(slots.iter().copied());
            match s.node(&a) {
                Some(n) if n.role == Role::Master && n.slots == want => None,
                _ => Some(msg!(
                    "verify-slots",
                    node = a.to_string(),
                    slots = want.to_string(),
                    actual = describe(s, &a)
                )),
            }
        }
        Check::EpochRose { node } => {
            let a = addr(ctx, node);
            let Some(before) = start.and_then(|st| st.node(&a)).map(|n| n.config_epoch) else {
                return Some(msg!("verify-no-start-state", node = a.to_string()));
            };
            match s.node(&a) {
                Some(n) if n.config_epoch > before => None,
                Some(n) => Some(msg!(
                    "verify-epoch-rose",
                    node = a.to_string(),
                    before = before,
                    now = n.config_epoch
                )),
                None => Some(msg!("verify-epoch-unknown", node = a.to_string())),
            }
        }
        Check::RolesSwapped { nodes: [x, y] } => {
            let (ax, ay) = (addr(ctx, x), addr(ctx, y));
            let Some(st) = start else {
                return Some(msg!("verify-no-start-state", node = ax.to_string()));
            };
            // At the start one of them was the other's master; now the other way round.
            let pair = |state: &ClusterState, m: &NodeAddr, r: &NodeAddr| -> bool {
                match (state.node(m), state.node(r)) {
                    (Some(mn), Some(rn)) => {
                        mn.role == Role::Master
                            && rn.role == Role::Replica
                            && rn.master_id.as_deref() == Some(mn.id.as_str())
                    }
                    _ => false,
                }
            };
            let (was_master, was_replica) = if pair(st, &ax, &ay) {
                (ax.clone(), ay.clone())
            } else if pair(st, &ay, &ax) {
                (ay.clone(), ax.clone())
            } else {
                return Some(msg!(
                    "verify-roles-not-paired",
                    a = ax.to_string(),
                    b = ay.to_string()
                ));
            };
            (!pair(s, &was_replica, &was_master)).then(|| {
                msg!(
                    "verify-roles-swapped",
                    master = was_master.to_string(),
                    replica = was_replica.to_string(),
                    actual = describe(s, &was_replica)
                )
            })
        }
        Check::Consistency {
            lost,
            failover,
            changes,
        } => match ctx.consistency {
            None => Some(msg!("verify-consistency-not-running")),
            Some(c) if c.lost > *lost => Some(msg!(
                "verify-consistency-lost",
                lost = c.lost,
                allowed = *lost
            )),
            Some(c) if *failover && !c.saw_failover => {
                Some(msg!("verify-consistency-no-failover", writes = c.writes))
            }
            Some(c) if c.owner_changes < *changes => Some(msg!(
                "verify-consistency-changes",
                seen = c.owner_changes,
                expected = *changes
            )),
            Some(_) => None,
        },
        Check::KnownNodes(n) => {
            if let Some(u) = s.unreachable.first() {
                return Some(msg!(
                    "verify-known-nodes-unreachable",
                    node = u.addr.to_string()
                ));
            }
            s.nodes.iter().find_map(|node| {
                let known = node.view.iter().filter(|l| l.is_settled()).count();
                (known != *n as usize).then(|| {
                    msg!(
                        "verify-known-nodes",
                        expected = *n,
                        node = node.addr.to_string(),
                        known = known
                    )
                })
            })
        }
        Check::Down(node) => {
            let a = addr(ctx, node);
            s.node(&a)
                .map(|_| msg!("verify-down", node = a.to_string()))
        }
        Check::Flagged { node, flag } => {
            let a = addr(ctx, node);
            let wanted: &[&str] = match flag {
                FailFlag::Suspected => &["fail?", "fail"],
                FailFlag::Fail => &["fail"],
            };
            let flagged = s.nodes.iter().filter(|n| n.addr != a).any(|n| {
                n.view.iter().any(|l| {
                    l.addr.as_ref() == Some(&a)
                        && l.flags.iter().any(|f| wanted.contains(&f.as_str()))
                })
            });
            let word = match flag {
                FailFlag::Suspected => "fail?",
                FailFlag::Fail => "fail",
            };
            (!flagged).then(|| msg!("verify-flagged", node = a.to_string(), flag = word))
        }
        Check::Elapsed { min, max } => {
            let Some(st) = start else {
                return Some(msg!("verify-no-start-state", node = "-"));
            };
            let secs = s.taken_ms.saturating_sub(st.taken_ms) as f64 / 1000.0;
            let shown = format!("{secs:.1}");
            if secs < *min as f64 {
                Some(msg!("verify-elapsed-soon", secs = shown, min = *min))
            } else if max.is_some_and(|m| secs > m as f64) {
                Some(msg!(
                    "verify-elapsed-late",
                    secs = shown,
                    max = max.unwrap_or(0)
                ))
            } else {
                None
            }
        }
        Check::KeysFollowSlots => {
            let Some(key_slots) = ctx.key_slots else {
                return Some(msg!("verify-keys-unknown", expected = 0));
            };
            s.masters().find_map(|m| {
                let expected = key_slots
                    .iter()
                    .filter(|slot| m.slots.contains(**slot))
                    .count() as u64;
                let actual = m.keys.unwrap_or(0);
                (actual != expected).then(|| {
                    msg!(
                        "verify-keys-follow-slots",
                        node = m.addr.to_string(),
                        expected = expected,
                        actual = actual
                    )
                })
            })
        }
    }
}

#[cfg(test)]
mod tests;
