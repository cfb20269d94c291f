//! `syncs: { node, full, partial }`: how the node served its replicas since the step began —
//! at least `full` more full syncs and `partial` more partial resyncs it accepted (0: none
//! more). A replica that comes back within the backlog gets a partial resync; one that missed
//! more than it, or whose master lost its history, a full one.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::state::SyncCounts;
use crate::model::{ClusterState, NodeRef};
use crate::msg;
use crate::verify::Context;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef, Needs, Simulation};

pub static DEF: KindDef = KindDef {
    name: "syncs",
    bare: false,
    usage: "syncs: { node: a:6379, partial: 1, full: 0 }",
    build: |a: &mut Args| {
        let f = a.fields(&["node", "full", "partial"])?;
        let node = a.required(&f, "node").and_then(|n| a.node(n));
        let full = Args::optional(&f, "full").map(|v| a.number(v));
        let partial = Args::optional(&f, "partial").map(|v| a.number(v));
        if full.is_none() && partial.is_none() {
            a.bad(a.value(), msg!("check-syncs-what"));
            return None;
        }
        Some(Check::new(Syncs {
            node: node?,
            full: full.map(|v| v.ok_or(())).transpose().ok()?,
            partial: partial.map(|v| v.ok_or(())).transpose().ok()?,
        }))
    },
};

#[derive(Debug)]
pub struct Syncs {
    pub node: NodeRef,
    pub full: Option<u64>,
    pub partial: Option<u64>,
}

/// `more` new ones were served; `want` of them were asked for (0: none at all).
fn enough(more: u64, want: Option<u64>) -> bool {
    match want {
        None => true,
        Some(0) => more == 0,
        Some(n) => more >= n,
    }
}

impl Kind for Syncs {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        let mut parts = vec![format!("node: {}", self.node)];
        if let Some(f) = self.full {
            parts.push(format!("full: {f}"));
        }
        if let Some(p) = self.partial {
            parts.push(format!("partial: {p}"));
        }
        format!("{}: {{ {} }}", DEF.name, parts.join(", "))
    }

    fn needs(&self) -> Needs {
        Needs {
            start: true,
            ..Needs::default()
        }
    }

    fn nodes(&self) -> Vec<&NodeRef> {
        vec![&self.node]
    }

    fn evaluate(
        &self,
        cx: &Context,
        start: Option<&ClusterState>,
        s: &ClusterState,
    ) -> Option<Msg> {
        let a = cx.addr(&self.node);
        let Some(before) = start
            .and_then(|st| st.node(&a))
            .map(|n| n.replication.syncs)
        else {
            return Some(msg!("verify-no-start-state", node = a.to_string()));
        };
        let Some(now) = s.node(&a).map(|n| n.replication.syncs) else {
            return Some(msg!("verify-syncs-unknown", node = a.to_string()));
        };
        // A restarted node counts from zero again: what it counts now is all new.
        let restarted = now.full < before.full || now.partial_ok < before.partial_ok;
        let base = if restarted {
            SyncCounts::default()
        } else {
            before
        };
        let full = now.full - base.full;
        let partial = now.partial_ok - base.partial_ok;
        if enough(full, self.full) && enough(partial, self.partial) {
            return None;
        }
        Some(msg!(
            "verify-syncs",
            node = a.to_string(),
            want_full = self.full.map_or("-".to_string(), |n| n.to_string()),
            want_partial = self.partial.map_or("-".to_string(), |n| n.to_string()),
            full = full,
            partial = partial,
            refused = now.partial_err.saturating_sub(base.partial_err)
        ))
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let a = e.cx.addr(&self.node);
        let syncs = |s: &ClusterState| {
            s.node(&a).map(|n| {
                let c = n.replication.syncs;
                json!({ "full": c.full, "partial_ok": c.partial_ok, "partial_err": c.partial_err })
            })
        };
        vec![(
            "syncs",
            json!({ "node": a.to_string(), "baseline": syncs(e.baseline), "now": syncs(e.now) }),
        )]
    }

    fn simulation(&self) -> Simulation {
        Simulation::NotSimulated(msg!("sim-not-syncs", kind = DEF.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval, n};

    fn served(full: u64, partial_ok: u64, partial_err: u64) -> ClusterState {
        let mut s = course_state();
        let a = s
            .nodes
            .iter_mut()
            .find(|x| x.addr.to_string() == "127.0.158.100:6379")
            .unwrap();
        a.replication.syncs = SyncCounts {
            full,
            partial_ok,
            partial_err,
        };
        s
    }

    fn syncs(full: Option<u64>, partial: Option<u64>) -> Syncs {
        Syncs {
            node: n("a", 6379),
            full,
            partial,
        }
    }

    #[test]
    fn partial_and_full_syncs_since_the_step_began() {
        // The course's start state counts none.
        assert_eq!(eval(syncs(Some(0), Some(1)), &served(0, 1, 0)), None);
        assert_eq!(eval(syncs(Some(1), None), &served(2, 0, 1)), None);
        assert_eq!(
            eval(syncs(Some(0), Some(1)), &served(1, 0, 1)).unwrap(),
            "expected 127.0.158.100:6379 to serve full syncs: 0, partial resyncs: 1 since the step began; it served 1 full and 0 partial (1 partial refused)"
        );
        assert_eq!(
            eval(syncs(None, Some(1)), &course_state()).unwrap(),
            "expected 127.0.158.100:6379 to serve full syncs: -, partial resyncs: 1 since the step began; it served 0 full and 0 partial (0 partial refused)"
        );
    }

    #[test]
    fn a_restarted_node_counts_from_zero() {
        let start = served(5, 3, 0);
        let now = served(0, 1, 0);
        let out = crate::verify::kinds::testing::eval_with(
            syncs(Some(0), Some(1)),
            Some(&start),
            &now,
            None,
        );
        assert_eq!(out, None);
    }
}
