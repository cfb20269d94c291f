//! `replicas: N`: how many replicas there are.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::ClusterState;
use crate::msg;
use crate::verify::Context;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef};

pub static DEF: KindDef = KindDef {
    name: "replicas",
    bare: false,
    usage: "replicas: 3",
    build: |a: &mut Args| {
        let at = a.value();
        Some(Check::new(Replicas(a.count(at)?)))
    },
};

#[derive(Debug)]
pub struct Replicas(pub u32);

impl Kind for Replicas {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        format!("{}: {}", DEF.name, self.0)
    }

    fn evaluate(&self, _: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let actual = s.replicas().count();
        (actual != self.0 as usize)
            .then(|| msg!("verify-replicas", expected = self.0, actual = actual))
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let replicas: Vec<String> = e.now.replicas().map(|r| r.addr.to_string()).collect();
        vec![("replicas", json!(replicas))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval};

    #[test]
    fn counts_replicas() {
        assert_eq!(eval(Replicas(3), &course_state()), None);
        assert_eq!(
            eval(Replicas(2), &course_state()).unwrap(),
            "expected 2 replicas; there are 3"
        );
    }
}
