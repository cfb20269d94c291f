//! `roles-swapped: [x, y]`: two nodes traded places since the step began: the master became
//! the other's replica.

use serde_json::Value;

use crate::i18n::Msg;
use crate::model::{ClusterState, NodeAddr, NodeRef, Role};
use crate::msg;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef, Needs};
use crate::verify::{Context, describe};

pub static DEF: KindDef = KindDef {
    name: "roles-swapped",
    bare: false,
    usage: "roles-swapped: [b:6379, c:6380]",
    build: |a: &mut Args| {
        let at = a.value();
        let mut nodes = a.nodes(at, 2)?.into_iter();
        Some(Check::new(RolesSwapped(nodes.next()?, nodes.next()?)))
    },
};

#[derive(Debug)]
pub struct RolesSwapped(pub NodeRef, pub NodeRef);

/// `m` is a master and `r` its replica in `state`.
fn paired(state: &ClusterState, m: &NodeAddr, r: &NodeAddr) -> bool {
    match (state.node(m), state.node(r)) {
        (Some(mn), Some(rn)) => {
            mn.role == Role::Master
                && rn.role == Role::Replica
                && rn.master_id.as_deref() == Some(mn.id.as_str())
        }
        _ => false,
    }
}

impl Kind for RolesSwapped {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        format!("{}: [{}, {}]", DEF.name, self.0, self.1)
    }

    fn needs(&self) -> Needs {
        Needs {
            start: true,
            ..Needs::default()
        }
    }

    fn nodes(&self) -> Vec<&NodeRef> {
        vec![&self.0, &self.1]
    }

    fn wants_master(&self) -> Vec<&NodeRef> {
        // The one of them that is a replica when the step begins.
        vec![&self.0, &self.1]
    }

    fn evaluate(
        &self,
        cx: &Context,
        start: Option<&ClusterState>,
        s: &ClusterState,
    ) -> Option<Msg> {
        let (ax, ay) = (cx.addr(&self.0), cx.addr(&self.1));
        let Some(st) = start else {
            return Some(msg!("verify-no-start-state", node = ax.to_string()));
        };
        // At the start one of them was the other's master; now the other way round.
        let (was_master, was_replica) = if paired(st, &ax, &ay) {
            (ax, ay)
        } else if paired(st, &ay, &ax) {
            (ay, ax)
        } else {
            return Some(msg!(
                "verify-roles-not-paired",
                a = ax.to_string(),
                b = ay.to_string()
            ));
        };
        (!paired(s, &was_replica, &was_master)).then(|| {
            msg!(
                "verify-roles-swapped",
                master = was_master.to_string(),
                replica = was_replica.to_string(),
                actual = describe(s, &was_replica)
            )
        })
    }

    fn evidence(&self, _: &Evidence) -> Vec<(&'static str, Value)> {
        // Both nodes' state at the baseline and now is kept: that is the swap.
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval, eval_with, failed_over, n};

    #[test]
    fn master_and_replica_trade_places() {
        let c = || RolesSwapped(n("b", 6379), n("c", 6380));
        assert_eq!(eval(c(), &failed_over()), None);
        assert_eq!(
            eval(c(), &course_state()).unwrap(),
            "expected 127.0.158.102:6380 to take over from its master 127.0.158.101:6379; it is a replica of 127.0.158.101:6379"
        );
        // Failing back swaps them again: the check is about the step's own start.
        assert_eq!(
            eval_with(c(), Some(&failed_over()), &course_state(), None),
            None
        );
        assert_eq!(
            eval(RolesSwapped(n("a", 6379), n("c", 6380)), &failed_over()).unwrap(),
            "127.0.158.100:6379 and 127.0.158.102:6380 were not master and replica of each other when the step began"
        );
    }
}
