//! What one counter key's values mean: the pure bookkeeping behind every verdict of the checker.
//!
//! Each key keeps two numbers. `acked` is the floor: the value the last acknowledged INCR
//! returned (only an INCR reply raises it, as consistency-test.rb does). `seen` is the highest
//! value the run has evidence of (a read, or the value just before an acknowledged INCR); it is
//! never below `acked`. A value found below the floor means acknowledged writes were lost; below
//! `seen` but not below the floor, values that were seen but never acknowledged are gone (not a
//! lost acknowledged write); above `seen`, writes were applied whose reply never arrived.

/// The classes a value can add to; each difference is counted once, in one class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// Acknowledged increments that are gone.
    pub lost: u64,
    /// Increments that were seen (applied, read back) but never acknowledged, and are gone.
    pub gone: u64,
    /// Increments applied whose reply never arrived.
    pub noack: u64,
}

#[cfg(test)]
impl Outcome {
    pub(crate) fn is_empty(&self) -> bool {
        *self == Outcome::default()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub acked: i64,
    pub seen: i64,
}

impl Tally {
    /// The counter was found holding `v`. The run then goes on from what is there.
    pub(crate) fn read(&mut self, v: i64) -> Outcome {
        let mut out = Outcome::default();
        if v < self.acked {
            out.lost = self.acked.abs_diff(v);
            out.gone = self.seen.abs_diff(self.acked);
            self.acked = v;
        } else if v < self.seen {
            out.gone = self.seen.abs_diff(v);
        } else {
            out.noack = v.abs_diff(self.seen);
        }
        self.seen = v;
        out
    }

    /// An INCR was acknowledged with `new`: the counter held `new - 1` just before it, which is
    /// judged like a read; then `new` is the floor.
    pub(crate) fn acknowledged(&mut self, new: i64) -> Outcome {
        let out = self.read(new.saturating_sub(1));
        self.acked = new;
        self.seen = new;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(lost: u64, gone: u64, noack: u64) -> Outcome {
        Outcome { lost, gone, noack }
    }

    #[test]
    fn a_normal_round_adds_nothing() {
        let mut t = Tally::default();
        for i in 0..5 {
            assert!(t.read(i).is_empty());
            assert!(t.acknowledged(i + 1).is_empty());
        }
        assert_eq!(t, Tally { acked: 5, seen: 5 });
    }

    #[test]
    fn acknowledged_writes_lost_are_counted_once() {
        let mut t = Tally {
            acked: 10,
            seen: 10,
        };
        assert_eq!(t.read(8), o(2, 0, 0));
        // The run goes on from what is there.
        assert!(t.acknowledged(9).is_empty());
        assert!(t.read(9).is_empty());
        // The key deleted between GET and INCR: the INCR reply shows it.
        assert_eq!(t.acknowledged(1), o(9, 0, 0));
        assert_eq!(t, Tally { acked: 1, seen: 1 });
    }

    #[test]
    fn a_read_does_not_raise_the_floor() {
        // An INCR timed out but was applied: a read sees 6 over a floor of 5.
        let mut t = Tally { acked: 5, seen: 5 };
        assert_eq!(t.read(6), o(0, 0, 1));
        assert_eq!(t, Tally { acked: 5, seen: 6 });
        // Then a failover loses it: it was never acknowledged, so no acknowledged write is lost.
        assert_eq!(t.read(5), o(0, 1, 0));
        assert_eq!(t, Tally { acked: 5, seen: 5 });
        // Seen unacknowledged values and acknowledged ones lost at once: each in its class.
        let mut t = Tally { acked: 5, seen: 8 };
        assert_eq!(t.read(3), o(2, 3, 0));
        // consistency-test.rb's rule would have counted 5 lost here; the floor says 2.
        assert_eq!(t, Tally { acked: 3, seen: 3 });
    }

    #[test]
    fn an_acknowledgement_above_what_was_seen_counts_the_unacknowledged_gap() {
        let mut t = Tally { acked: 3, seen: 3 };
        assert_eq!(t.acknowledged(7), o(0, 0, 3));
        assert_eq!(t, Tally { acked: 7, seen: 7 });
    }

    #[test]
    fn extremes_do_not_overflow() {
        let mut t = Tally {
            acked: i64::MAX,
            seen: i64::MAX,
        };
        assert_eq!(t.read(i64::MIN), o(u64::MAX, 0, 0));
        assert!(t.acknowledged(i64::MIN).is_empty());
        let mut t = Tally::default();
        assert_eq!(t.read(i64::MAX).noack, i64::MAX as u64);
    }
}
