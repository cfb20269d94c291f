//! Checks and their evaluation: a pure function of the checks, the state when the step began
//! and the state now. No I/O, so every kind is tested with hand-built states, and every
//! front-end and driver (`start`, `check`, `test`, `grade`) shares one evaluator.
//!
//! Every failure says, in the student's language, what was expected and what the cluster shows
//! now: "expected 127.0.158.102:6380 to be master of 6461-10922; it is a replica of
//! 127.0.158.101:6379".

pub mod args;
pub mod check;
pub mod diagnose;
pub mod kinds;
pub mod raw;
pub mod simulate;

use crate::i18n::Msg;
use crate::model::{ClusterState, Layout, NodeAddr, NodeRef, Role};
use crate::msg;

pub use crate::model::consistency::ConsistencySummary;
pub use check::{Check, Kind, KindDef, Needs, Simulation};
pub use raw::RawCheck;

/// What the evaluator needs besides the states: where the lab's nodes are, and the consistency
/// test's counters when one runs.
pub struct Context<'a> {
    pub layout: &'a Layout,
    pub consistency: Option<&'a ConsistencySummary>,
    /// The slot of every key of the lab's data, for `keys-follow-slots`.
    pub key_slots: Option<&'a [u16]>,
}

impl Context<'_> {
    /// The address of one of the lab's nodes (its own name when the layout has none).
    pub fn addr(&self, n: &NodeRef) -> NodeAddr {
        self.layout
            .addr(n)
            .cloned()
            .unwrap_or_else(|| NodeAddr::new(n.host.clone(), n.port))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckResult {
    pub check: Check,
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
    checks: &[Check],
    cx: &Context,
    start: Option<&ClusterState>,
    now: &ClusterState,
) -> Outcome {
    let results = checks
        .iter()
        .map(|c| CheckResult {
            check: c.clone(),
            failure: c.evaluate(cx, start, now),
        })
        .collect();
    Outcome { results }
}

/// Whether any of these checks reads the background consistency test.
pub fn reads_consistency(checks: &[Check]) -> bool {
    checks.iter().any(|c| c.needs().consistency)
}

pub(crate) fn role_word(r: Role) -> Msg {
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
        Role::Master if !s.kind.is_cluster() => msg!("verify-it-is-plain-master"),
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

/// Addresses as a list in a sentence.
pub(crate) fn list(addrs: impl Iterator<Item = String>) -> String {
    addrs.collect::<Vec<_>>().join(", ")
}

/// How one node looks in a snapshot, for a grade's evidence.
pub fn node_evidence(s: &ClusterState, a: &NodeAddr) -> serde_json::Value {
    use serde_json::json;
    match s.node(a) {
        None => json!({ "answers": false }),
        Some(n) => json!({
            "answers": true,
            "role": n.role,
            "replica_of": s.master_of(n).map(|m| m.addr.to_string()),
            "slots": n.slots.to_string(),
            "config_epoch": n.config_epoch,
            "link_up": n.replication.link_up,
            "open_slots": n.open_slots.len(),
        }),
    }
}
