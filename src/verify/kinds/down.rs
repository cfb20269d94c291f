//! `down: node`: the node does not answer.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::{ClusterState, NodeRef};
use crate::msg;
use crate::verify::Context;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef, Simulation};

pub static DEF: KindDef = KindDef {
    name: "down",
    bare: false,
    usage: "down: b:6379",
    build: |a: &mut Args| Some(Check::new(Down(a.node_or_field()?))),
};

#[derive(Debug)]
pub struct Down(pub NodeRef);

impl Kind for Down {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        format!("{}: {}", DEF.name, self.0)
    }

    fn nodes(&self) -> Vec<&NodeRef> {
        vec![&self.0]
    }

    fn evaluate(&self, cx: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let a = cx.addr(&self.0);
        let answers = s.node(&a).is_some() || s.sentinels.iter().any(|v| v.addr == a);
        answers.then(|| msg!("verify-down", node = a.to_string()))
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let a = e.cx.addr(&self.0);
        let why = e
            .now
            .unreachable
            .iter()
            .find(|u| u.addr == a)
            .map(|u| json!(u.reason));
        vec![(
            "unreachable",
            json!({ "node": a.to_string(), "reason": why }),
        )]
    }

    fn simulation(&self) -> Simulation {
        Simulation::NotSimulated(crate::msg!("sim-not-processes", kind = DEF.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval, n};

    #[test]
    fn a_node_that_does_not_answer() {
        let mut s = course_state();
        assert_eq!(
            eval(Down(n("b", 6379)), &s).unwrap(),
            "expected 127.0.158.101:6379 to be down; it answers"
        );
        s.nodes.retain(|n| n.id != "b6379");
        assert_eq!(eval(Down(n("b", 6379)), &s), None);
    }
}
