//! `no-open-slots`: no slot is migrating or importing.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::ClusterState;
use crate::msg;
use crate::verify::Context;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef};

pub static DEF: KindDef = KindDef {
    name: "no-open-slots",
    bare: true,
    usage: "no-open-slots",
    build: |_: &mut Args| Some(Check::new(NoOpenSlots)),
};

#[derive(Debug)]
pub struct NoOpenSlots;

fn open(s: &ClusterState) -> Vec<String> {
    s.open_slots()
        .iter()
        .map(|(n, o)| format!("{}:{}", n.addr, o.slot))
        .collect()
}

impl Kind for NoOpenSlots {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        DEF.name.into()
    }

    fn evaluate(&self, _: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let open = open(s);
        (!open.is_empty()).then(|| msg!("verify-no-open-slots", slots = open.join(", ")))
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        vec![("open_slots", json!(open(e.now)))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval};

    #[test]
    fn a_half_moved_slot_is_named() {
        assert_eq!(eval(NoOpenSlots, &course_state()), None);
        let mut s = course_state();
        s.nodes[0].open_slots.push(crate::model::state::OpenSlot {
            slot: 42,
            migrating: true,
            peer: "b6379".into(),
        });
        assert_eq!(
            eval(NoOpenSlots, &s).unwrap(),
            "some slots are still migrating or importing: 127.0.158.100:6379:42"
        );
    }
}
