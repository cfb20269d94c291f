//! `slots-covered`: every one of the 16384 slots has an owner.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::{ClusterState, SlotSet};
use crate::msg;
use crate::verify::Context;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef};

pub static DEF: KindDef = KindDef {
    name: "slots-covered",
    bare: true,
    usage: "slots-covered",
    build: |_: &mut Args| Some(Check::new(SlotsCovered)),
};

#[derive(Debug)]
pub struct SlotsCovered;

fn missing(s: &ClusterState) -> SlotSet {
    SlotSet::all().difference(&s.covered())
}

impl Kind for SlotsCovered {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        DEF.name.into()
    }

    fn evaluate(&self, _: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let missing = missing(s);
        (!missing.is_empty()).then(|| {
            msg!(
                "verify-slots-covered",
                count = missing.len(),
                slots = missing.to_string()
            )
        })
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        vec![("uncovered_slots", json!(missing(e.now).to_string()))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval};

    #[test]
    fn every_slot_has_an_owner() {
        assert_eq!(eval(SlotsCovered, &course_state()), None);
        let mut s = course_state();
        s.nodes[0].slots.remove(100);
        s.nodes[0].slots.remove(101);
        assert_eq!(
            eval(SlotsCovered, &s).unwrap(),
            "2 slots have no master: 100-101"
        );
    }
}
