//! `consistency: { lost, failover, changes }`: the consistency test running in the
//! background: at most `lost` acknowledged writes lost that no uncoordinated failover explains
//! (see `model::consistency` for the rule); if `failover`, a slot it wrote to changed owner
//! during the run; and at least `changes` such changes of owner (a failover and a failback are
//! two). While keys of moved slots are still to be read on their new owner, the check waits:
//! only then is what the change lost known.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::ClusterState;
use crate::msg;
use crate::verify::Context;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef, Needs, Simulation};

pub static DEF: KindDef = KindDef {
    name: "consistency",
    bare: false,
    usage: "consistency: { lost: 0, failover: true }",
    build: |a: &mut Args| {
        let f = a.fields(&["lost", "failover", "changes"])?;
        let lost = match Args::optional(&f, "lost") {
            Some(v) => a.number(v)?,
            None => 0,
        };
        let failover = match Args::optional(&f, "failover") {
            Some(v) => a.flag(v)?,
            None => false,
        };
        let changes = match Args::optional(&f, "changes") {
            Some(v) => a.number(v)?,
            None => 0,
        };
        Some(Check::new(Consistency {
            lost,
            failover: failover || changes > 0,
            changes,
        }))
    },
};

#[derive(Debug)]
pub struct Consistency {
    pub lost: u64,
    pub failover: bool,
    pub changes: u64,
}

impl Kind for Consistency {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        let mut fields = vec![format!("lost: {}", self.lost)];
        if self.failover {
            fields.push("failover: true".into());
        }
        if self.changes > 0 {
            fields.push(format!("changes: {}", self.changes));
        }
        format!("{}: {{ {} }}", DEF.name, fields.join(", "))
    }

    fn needs(&self) -> Needs {
        Needs {
            consistency: true,
            ..Needs::default()
        }
    }

    fn evaluate(&self, cx: &Context, _: Option<&ClusterState>, _: &ClusterState) -> Option<Msg> {
        match cx.consistency {
            None => Some(msg!("verify-consistency-not-running")),
            Some(c) if c.unexplained() > self.lost => Some(msg!(
                "verify-consistency-lost",
                lost = c.unexplained(),
                allowed = self.lost
            )),
            Some(c) if self.failover && !c.saw_failover => {
                Some(msg!("verify-consistency-no-failover", writes = c.writes))
            }
            Some(c) if c.owner_changes < self.changes => Some(msg!(
                "verify-consistency-changes",
                seen = c.owner_changes,
                expected = self.changes
            )),
            Some(c) if c.unverified > 0 => {
                Some(msg!("verify-consistency-unverified", count = c.unverified))
            }
            Some(_) => None,
        }
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let seen = match e.cx.consistency {
            Some(c) => json!({
                "lost": c.lost,
                "explained": c.explained,
                "unverified": c.unverified,
                "saw_failover": c.saw_failover,
                "owner_changes": c.owner_changes,
                "writes": c.writes,
            }),
            None => Value::Null,
        };
        vec![("consistency", seen)]
    }

    fn simulation(&self) -> Simulation {
        Simulation::NotSimulated(msg!("sim-not-consistency", kind = DEF.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::consistency::ConsistencySummary;
    use crate::verify::kinds::testing::{course_state, eval_with};

    #[test]
    fn losses_failovers_and_changes() {
        let c = || Consistency {
            lost: 0,
            failover: true,
            changes: 2,
        };
        let s = course_state();
        let good = ConsistencySummary {
            lost: 0,
            saw_failover: true,
            owner_changes: 2,
            writes: 900,
            ..Default::default()
        };
        assert_eq!(eval_with(c(), None, &s, Some(&good)), None);
        let lossy = ConsistencySummary {
            lost: 3,
            ..good.clone()
        };
        assert_eq!(
            eval_with(c(), None, &s, Some(&lossy)).unwrap(),
            "the consistency test lost 3 acknowledged writes that no uncoordinated failover explains (at most 0 allowed)"
        );
        let quiet = ConsistencySummary {
            saw_failover: false,
            ..good.clone()
        };
        assert_eq!(
            eval_with(c(), None, &s, Some(&quiet)).unwrap(),
            "the consistency test made 900 writes but no slot it wrote to changed master while it ran (no failover, no resharding)"
        );
        let once = ConsistencySummary {
            owner_changes: 1,
            ..good.clone()
        };
        assert_eq!(
            eval_with(c(), None, &s, Some(&once)).unwrap(),
            "the consistency test saw slots change master 1 times; at least 2 expected (a failover and a failback are two)"
        );
        // Lost to an uncoordinated failover: explained, not failed.
        let explained = ConsistencySummary {
            lost: 3,
            explained: 3,
            ..good.clone()
        };
        assert_eq!(eval_with(c(), None, &s, Some(&explained)), None);
        let partly = ConsistencySummary {
            explained: 1,
            ..lossy.clone()
        };
        assert_eq!(
            eval_with(c(), None, &s, Some(&partly)).unwrap(),
            "the consistency test lost 2 acknowledged writes that no uncoordinated failover explains (at most 0 allowed)"
        );
        let unread = ConsistencySummary {
            unverified: 40,
            ..good.clone()
        };
        assert_eq!(
            eval_with(c(), None, &s, Some(&unread)).unwrap(),
            "the consistency test has yet to read 40 keys of the moved slots on their new master: until then it cannot say what the change lost"
        );
        assert_eq!(
            eval_with(c(), None, &s, None).unwrap(),
            "no consistency test is running for this step"
        );
    }
}
