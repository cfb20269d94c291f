//! What the consistency test tells the rest: its counters, live and final, not its
//! connections.

use std::collections::BTreeMap;

use super::addr::NodeAddr;

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

/// Counters so far, cheap to take (for a live line once a second).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Live {
    pub elapsed_ms: u64,
    pub reads: u64,
    pub read_errors: u64,
    pub writes: u64,
    pub write_errors: u64,
    pub lost: u64,
    pub noack: u64,
    /// reads + writes per second over roughly the last second.
    pub ops_per_sec: f64,
    /// Owner changes seen so far (see Report::owner_changes).
    pub owner_changes: u64,
}

/// Slots that changed master at once (a failover moves a whole shard), among them slots the run
/// wrote to.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OwnerChange {
    /// The slots that moved from `from` to `to`, as a `SlotSet` prints them: `6461-10922`.
    pub slots: String,
    /// How many of them the run wrote to (at least one, or there is no event).
    pub written_slots: u64,
    pub from: NodeAddr,
    pub to: NodeAddr,
    /// Since the start of the run.
    pub at_ms: u64,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Report {
    pub run_id: String,
    pub elapsed_ms: u64,
    pub keys: u64,
    pub workers: usize,
    pub reads: u64,
    pub read_errors: u64,
    pub writes: u64,
    pub write_errors: u64,
    pub lost: u64,
    pub noack: u64,
    /// Errors by kind: "moved", "ask", "clusterdown", "tryagain", "loading", "readonly",
    /// "masterdown", "timeout", "connection", "other"; kinds that did not occur are left out.
    pub errors: BTreeMap<String, u64>,
    /// Changes of master of slots this run wrote to, grouped by (from, to) and by event.
    pub owner_changes: Vec<OwnerChange>,
    /// The longest time during which no write to one shard (the slot ranges masters held at
    /// the start) was acknowledged, in ms: the failover pause as writers feel it.
    pub longest_unavailable_ms: u64,
    pub latency_p50_us: u64,
    pub latency_p99_us: u64,
    pub latency_max_us: u64,
    pub ops_per_sec: f64,
    /// Keys left by earlier runs that were killed, found and removed at start.
    pub leftovers_removed: u64,
}

impl Report {
    /// A slot this run wrote to changed owner: the run went through a failover (not merely saw
    /// errors).
    pub fn saw_failover(&self) -> bool {
        !self.owner_changes.is_empty()
    }

    pub fn passed(&self) -> bool {
        self.lost == 0
    }

    pub fn summary(&self) -> ConsistencySummary {
        summary_of(self.lost, self.owner_changes.len() as u64, self.writes)
    }
}

/// The one place a summary is made, for the run and for its report. (`..Default` keeps it
/// compiling if the summary gains fields.)
#[allow(clippy::needless_update)]
pub(crate) fn summary_of(lost: u64, owner_changes: u64, writes: u64) -> ConsistencySummary {
    ConsistencySummary {
        lost,
        saw_failover: owner_changes > 0,
        owner_changes,
        writes,
        ..Default::default()
    }
}
