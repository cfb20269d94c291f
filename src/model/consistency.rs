//! What the consistency test tells the checks: counters, not connections.

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
