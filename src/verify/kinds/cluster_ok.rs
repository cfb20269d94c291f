//! `cluster-ok`: every node reports `cluster_state:ok`.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::{ClusterState, NodeAddr};
use crate::msg;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef};
use crate::verify::{Context, list};

pub static DEF: KindDef = KindDef {
    name: "cluster-ok",
    bare: true,
    usage: "cluster-ok",
    build: |_: &mut Args| Some(Check::new(ClusterOk)),
};

#[derive(Debug)]
pub struct ClusterOk;

impl Kind for ClusterOk {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        DEF.name.into()
    }

    fn evaluate(&self, _: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        // A node that is down counts against the cluster until every live node has marked it
        // FAIL: from then on the cluster has accounted for it (as `cluster_state:ok` on the
        // live nodes says), which is the state a lab about a crash wants to check.
        let accounted = |addr: &NodeAddr| {
            !s.nodes.is_empty()
                && s.nodes.iter().all(|n| {
                    n.view
                        .iter()
                        .any(|l| l.addr.as_ref() == Some(addr) && l.has_flag("fail"))
                })
        };
        let bad: Vec<String> = s
            .nodes
            .iter()
            .filter(|n| !n.info.state_ok)
            .map(|n| n.addr.to_string())
            .chain(
                s.unreachable
                    .iter()
                    .filter(|u| !accounted(&u.addr))
                    .map(|u| u.addr.to_string()),
            )
            .collect();
        (!bad.is_empty() || s.nodes.is_empty())
            .then(|| msg!("verify-cluster-ok", nodes = list(bad.into_iter())))
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let not_ok: Vec<String> = e
            .now
            .nodes
            .iter()
            .filter(|n| !n.info.state_ok)
            .map(|n| n.addr.to_string())
            .collect();
        let unreachable: Vec<String> = e
            .now
            .unreachable
            .iter()
            .map(|u| u.addr.to_string())
            .collect();
        vec![
            ("not_ok", json!(not_ok)),
            ("unreachable", json!(unreachable)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{b_down, course_state, eval};

    #[test]
    fn every_node_ok() {
        assert_eq!(eval(ClusterOk, &course_state()), None);
        let mut s = course_state();
        s.nodes[2].info.state_ok = false;
        assert_eq!(
            eval(ClusterOk, &s).unwrap(),
            "these nodes do not report cluster_state:ok: 127.0.158.102:6379"
        );
    }

    #[test]
    fn a_node_down_counts_until_the_others_mark_it_failed() {
        assert_eq!(
            eval(ClusterOk, &b_down("fail?")).unwrap(),
            "these nodes do not report cluster_state:ok: 127.0.158.101:6379"
        );
        assert_eq!(eval(ClusterOk, &b_down("fail")), None);
        // ...but a live node that still reports fail is named.
        let mut s = b_down("fail");
        s.nodes[0].info.state_ok = false;
        assert_eq!(
            eval(ClusterOk, &s).unwrap(),
            "these nodes do not report cluster_state:ok: 127.0.158.100:6379"
        );
    }
}
