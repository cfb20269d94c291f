//! What the consistency test tells the rest: its counters, live and final, not its
//! connections.
//!
//! The verdict follows one rule. An acknowledged write lost is a failure, unless the shard it
//! was written to went through an uncoordinated failover (CLUSTER FAILOVER TAKEOVER or FORCE, a
//! master that died, a Sentinel's failover): there, asynchronous replication allows writes the
//! old master acknowledged but had not yet sent to its replica to be lost, and they are counted
//! exactly and explained, not failed. After a coordinated failover (CLUSTER FAILOVER, which
//! pauses the old master until its replica has caught up) or a slot migration, any loss fails.

use std::collections::BTreeMap;

use super::addr::NodeAddr;

/// What a consistency test running in the background has seen, for the `consistency` check.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ConsistencySummary {
    /// Acknowledged writes lost, all of them.
    pub lost: u64,
    /// Of `lost`, those an uncoordinated failover of their shard explains.
    pub explained: u64,
    /// A slot the test wrote to changed owner during the run.
    pub saw_failover: bool,
    /// How many times slots it wrote to changed owner (a failover and a failback: two).
    pub owner_changes: u64,
    pub writes: u64,
    /// Keys whose slot changed owner and that were not read on the new owner since: until they
    /// are, the test cannot say what the change lost.
    pub unverified: u64,
}

impl ConsistencySummary {
    /// Acknowledged writes lost that no uncoordinated failover explains: the failures.
    pub fn unexplained(&self) -> u64 {
        self.lost.saturating_sub(self.explained)
    }
}

/// Counters so far, cheap to take (for a live line once a second).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Live {
    pub elapsed_ms: u64,
    pub reads: u64,
    pub read_errors: u64,
    pub writes: u64,
    pub write_errors: u64,
    pub lost: u64,
    pub explained: u64,
    pub gone: u64,
    pub noack: u64,
    pub maybe: u64,
    /// reads + writes per second over roughly the last second.
    pub ops_per_sec: f64,
    /// Owner changes seen so far (see Report::owner_changes).
    pub owner_changes: u64,
    pub unverified: u64,
}

/// How slots came to change owner, as far as the nodes tell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// A failover the old master took part in (CLUSTER FAILOVER without options): it stopped
    /// taking writes until its replica had every one. Nothing acknowledged may be lost.
    Coordinated,
    /// A failover without the old master (TAKEOVER, FORCE, a master found failed): writes it
    /// acknowledged but had not replicated yet may be lost.
    Uncoordinated,
    /// Slots moved between two live masters (a resharding): keys move with them.
    Migration,
    /// The new owner did not say (it could not be asked): judged as coordinated.
    #[default]
    Unknown,
}

impl ChangeKind {
    /// Losses in a shard after a change of this kind are what asynchronous replication allows.
    pub fn explains_loss(self) -> bool {
        self == ChangeKind::Uncoordinated
    }
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
    #[serde(default)]
    pub kind: ChangeKind,
    /// The run's shard (the slot ranges a master held at the start) the slots belong to.
    #[serde(default)]
    pub shard: u16,
}

/// The longest time one shard took no acknowledged write.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Window {
    /// The master of the shard when the run started.
    pub master: NodeAddr,
    /// From the last acknowledged write before the gap to the first after it, as the checker
    /// received their replies.
    pub ms: f64,
    /// When the gap began, since the start of the run.
    pub at_ms: u64,
    /// The checker's resolution: the median time between two acknowledged writes to that shard
    /// over the run. A gap is known to this precision and is never shorter.
    pub resolution_ms: f64,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Report {
    pub run_id: String,
    pub elapsed_ms: u64,
    pub keys: u64,
    pub workers: usize,
    /// The ceiling on reads + writes per second; `None`: as fast as the cluster answers.
    pub rate: Option<u64>,
    pub reads: u64,
    pub read_errors: u64,
    pub writes: u64,
    pub write_errors: u64,
    /// Acknowledged writes lost, all of them; see the module's rule for which fail.
    pub lost: u64,
    /// Of `lost`, those an uncoordinated failover of their shard explains.
    pub explained: u64,
    /// Values seen by a read, never acknowledged, and later gone: not lost acknowledged writes.
    pub gone: u64,
    /// Writes applied whose reply never arrived (seen by a later read).
    pub noack: u64,
    /// Writes sent whose reply never came (a timeout, a broken connection): applied or not.
    pub maybe: u64,
    /// Errors by kind: "moved", "ask", "clusterdown", "tryagain", "loading", "readonly",
    /// "masterdown", "timeout", "connection", "other"; kinds that did not occur are left out.
    pub errors: BTreeMap<String, u64>,
    /// Changes of master of slots this run wrote to, grouped by (from, to) and by event.
    pub owner_changes: Vec<OwnerChange>,
    /// Keys the final sweep read again on their owner at the end.
    pub swept: u64,
    /// How long the final sweep took.
    pub sweep_ms: u64,
    /// Keys whose slot changed owner and that could not be read on the new owner, even by the
    /// final sweep: what happened to them is not known.
    pub unverified: u64,
    /// Per shard, its longest time without an acknowledged write.
    pub windows: Vec<Window>,
    /// The longest of `windows`, in ms: the failover pause as writers feel it.
    pub longest_unavailable_ms: u64,
    /// Round trips of whole pipelines (one per master per batch of keys), not of single
    /// commands: a pipeline's commands are answered together.
    pub round_trip_p50_us: u64,
    pub round_trip_p99_us: u64,
    pub round_trip_max_us: u64,
    pub ops_per_sec: f64,
    /// Keys left by earlier runs that were killed, found and removed at start.
    pub leftovers_removed: u64,
}

/// What a finished run concludes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No acknowledged write lost, or only losses an uncoordinated failover explains.
    Passed,
    /// Acknowledged writes lost that nothing explains.
    Lost(u64),
    /// No loss seen, but keys of moved slots could not be read again.
    Unverified(u64),
}

impl Report {
    /// A slot this run wrote to changed owner: the run went through a failover (not merely saw
    /// errors).
    pub fn saw_failover(&self) -> bool {
        !self.owner_changes.is_empty()
    }

    pub fn unexplained(&self) -> u64 {
        self.lost.saturating_sub(self.explained)
    }

    pub fn verdict(&self) -> Verdict {
        match (self.unexplained(), self.unverified) {
            (0, 0) => Verdict::Passed,
            (0, n) => Verdict::Unverified(n),
            (n, _) => Verdict::Lost(n),
        }
    }

    pub fn passed(&self) -> bool {
        self.verdict() == Verdict::Passed
    }

    pub fn summary(&self) -> ConsistencySummary {
        ConsistencySummary {
            lost: self.lost,
            explained: self.explained,
            saw_failover: self.saw_failover(),
            owner_changes: self.owner_changes.len() as u64,
            writes: self.writes,
            unverified: self.unverified,
        }
    }
}

/// Which acknowledged losses the failovers seen explain: a loss found on a shard at `at_ms`
/// belongs to the last change of that shard's owner recognised by then (or within `slack_ms`
/// after: a client may read the new owner before the checker has read the new map), and is
/// explained when that change was uncoordinated.
pub fn explained(losses: &[LossMark], changes: &[OwnerChange], slack_ms: u64) -> u64 {
    losses
        .iter()
        .filter(|l| {
            changes
                .iter()
                .filter(|c| c.shard == l.shard && c.at_ms <= l.at_ms.saturating_add(slack_ms))
                .max_by_key(|c| c.at_ms)
                .is_some_and(|c| c.kind.explains_loss())
        })
        .map(|l| l.count)
        .sum()
}

/// Acknowledged writes found lost on one shard at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LossMark {
    pub shard: u16,
    pub at_ms: u64,
    pub count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(shard: u16, at_ms: u64, kind: ChangeKind) -> OwnerChange {
        OwnerChange {
            slots: "0-5460".into(),
            written_slots: 1,
            from: NodeAddr::new("h", 1),
            to: NodeAddr::new("h", 2),
            at_ms,
            kind,
            shard,
        }
    }

    fn loss(shard: u16, at_ms: u64, count: u64) -> LossMark {
        LossMark {
            shard,
            at_ms,
            count,
        }
    }

    #[test]
    fn a_loss_is_explained_only_by_an_uncoordinated_failover_of_its_own_shard() {
        use ChangeKind::*;
        let changes = [
            change(0, 1000, Uncoordinated),
            change(0, 9000, Coordinated),
            change(1, 2000, Coordinated),
            change(2, 3000, Migration),
        ];
        // After the TAKEOVER of shard 0; just before the checker saw it; after its coordinated
        // failback; on shard 1 (coordinated), 2 (migration) and 3 (no change at all).
        assert_eq!(explained(&[loss(0, 1200, 5)], &changes, 500), 5);
        assert_eq!(explained(&[loss(0, 700, 5)], &changes, 500), 5);
        assert_eq!(explained(&[loss(0, 400, 5)], &changes, 500), 0);
        assert_eq!(explained(&[loss(0, 9500, 5)], &changes, 500), 0);
        assert_eq!(explained(&[loss(1, 2500, 5)], &changes, 500), 0);
        assert_eq!(explained(&[loss(2, 3500, 5)], &changes, 500), 0);
        assert_eq!(explained(&[loss(3, 3500, 5)], &changes, 500), 0);
        let all = [loss(0, 1200, 5), loss(1, 2500, 2), loss(0, 1300, 1)];
        assert_eq!(explained(&all, &changes, 500), 6);
        assert!(!Unknown.explains_loss() && !Migration.explains_loss());
    }

    #[test]
    fn verdicts() {
        let mut r: Report = serde_json::from_value(serde_json::json!({
            "run_id": "x", "elapsed_ms": 1, "keys": 1, "workers": 1, "rate": null, "reads": 5,
            "read_errors": 0, "writes": 5, "write_errors": 0, "lost": 0, "explained": 0,
            "gone": 0, "noack": 0, "maybe": 0, "errors": {}, "owner_changes": [], "swept": 1,
            "sweep_ms": 0, "unverified": 0, "windows": [], "longest_unavailable_ms": 0,
            "round_trip_p50_us": 0, "round_trip_p99_us": 0, "round_trip_max_us": 0,
            "ops_per_sec": 0.0, "leftovers_removed": 0
        }))
        .unwrap();
        assert_eq!(r.verdict(), Verdict::Passed);
        r.unverified = 3;
        assert_eq!(r.verdict(), Verdict::Unverified(3));
        r.lost = 7;
        r.explained = 5;
        assert_eq!(r.verdict(), Verdict::Lost(2));
        r.explained = 7;
        r.unverified = 0;
        assert!(r.passed());
        let s = r.summary();
        assert_eq!((s.lost, s.explained, s.unexplained()), (7, 7, 0));
        // A summary published by an older runner still reads.
        let old: ConsistencySummary =
            serde_json::from_str(r#"{"lost":1,"saw_failover":true,"owner_changes":1,"writes":9}"#)
                .unwrap();
        assert_eq!((old.lost, old.explained, old.unverified), (1, 0, 0));
    }
}
