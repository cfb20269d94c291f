//! `replicas-in-sync`: every replica's replication link is up.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::ClusterState;
use crate::msg;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef};
use crate::verify::{Context, list};

pub static DEF: KindDef = KindDef {
    name: "replicas-in-sync",
    bare: true,
    usage: "replicas-in-sync",
    build: |_: &mut Args| Some(Check::new(ReplicasInSync)),
};

#[derive(Debug)]
pub struct ReplicasInSync;

impl Kind for ReplicasInSync {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        DEF.name.into()
    }

    fn evaluate(&self, _: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let down = s.replicas_out_of_sync();
        (!down.is_empty()).then(|| {
            msg!(
                "verify-replicas-in-sync",
                nodes = list(down.iter().map(|n| n.addr.to_string()))
            )
        })
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let down: Vec<String> = e
            .now
            .replicas_out_of_sync()
            .iter()
            .map(|n| n.addr.to_string())
            .collect();
        vec![("links_down", json!(down))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval};

    #[test]
    fn a_link_down_is_named() {
        assert_eq!(eval(ReplicasInSync, &course_state()), None);
        let mut s = course_state();
        s.nodes[4].replication.link_up = Some(false);
        assert_eq!(
            eval(ReplicasInSync, &s).unwrap(),
            "the replication link to the master is down on 127.0.158.102:6380"
        );
    }
}
