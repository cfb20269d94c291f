//! `known-nodes: N`: every node knows this many nodes, itself included, handshakes done.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::{ClusterState, NodeState};
use crate::msg;
use crate::verify::Context;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef};

pub static DEF: KindDef = KindDef {
    name: "known-nodes",
    bare: false,
    usage: "known-nodes: 6",
    build: |a: &mut Args| {
        let at = a.value();
        Some(Check::new(KnownNodes(a.count(at)?)))
    },
};

#[derive(Debug)]
pub struct KnownNodes(pub u32);

fn known(n: &NodeState) -> usize {
    n.view.iter().filter(|l| l.is_settled()).count()
}

impl Kind for KnownNodes {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        format!("{}: {}", DEF.name, self.0)
    }

    fn evaluate(&self, _: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        if let Some(u) = s.unreachable.first() {
            return Some(msg!(
                "verify-known-nodes-unreachable",
                node = u.addr.to_string()
            ));
        }
        s.nodes.iter().find_map(|node| {
            let known = known(node);
            (known != self.0 as usize).then(|| {
                msg!(
                    "verify-known-nodes",
                    expected = self.0,
                    node = node.addr.to_string(),
                    known = known
                )
            })
        })
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let per_node: serde_json::Map<String, Value> = e
            .now
            .nodes
            .iter()
            .map(|n| (n.addr.to_string(), json!(known(n))))
            .collect();
        vec![("known_nodes", Value::Object(per_node))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval};

    #[test]
    fn every_node_knows_the_others() {
        assert_eq!(eval(KnownNodes(6), &course_state()), None);
        let mut s = course_state();
        s.nodes[2].view.truncate(1);
        assert_eq!(
            eval(KnownNodes(6), &s).unwrap(),
            "expected every node to know 6 nodes; 127.0.158.102:6379 knows 1"
        );
    }
}
