//! `nodes-agree`: every node sees the same slot owners and roles.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::ClusterState;
use crate::model::health::Problem;
use crate::msg;
use crate::verify::Context;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef};

pub static DEF: KindDef = KindDef {
    name: "nodes-agree",
    bare: true,
    usage: "nodes-agree",
    build: |_: &mut Args| Some(Check::new(NodesAgree)),
};

#[derive(Debug)]
pub struct NodesAgree;

impl Kind for NodesAgree {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        DEF.name.into()
    }

    fn evaluate(&self, _: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
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

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        vec![("disagreements", json!(e.now.disagreements().len()))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval, failed_over};

    #[test]
    fn a_node_with_an_old_view_disagrees() {
        assert_eq!(eval(NodesAgree, &course_state()), None);
        let mut s = failed_over();
        // 127.0.158.100:6379 has not heard of the failover yet: it keeps the old view.
        s.nodes[0].view = course_state().nodes[0].view.clone();
        let failure = eval(NodesAgree, &s).unwrap();
        assert!(
            failure.starts_with("the nodes do not agree yet: 127.0.158.100:6379 sees "),
            "{failure}"
        );
    }
}
