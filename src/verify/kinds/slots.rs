//! `slots: { node, slots }`: a node is a master serving exactly these slots.

use serde_json::Value;

use crate::i18n::Msg;
use crate::model::{ClusterState, NodeRef, Role, SlotRange, SlotSet};
use crate::msg;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef};
use crate::verify::{Context, describe};

pub static DEF: KindDef = KindDef {
    name: "slots",
    bare: false,
    usage: "slots: { node: c:6379, slots: [5961-6460, 10923-16383] }",
    build: |a: &mut Args| {
        let f = a.fields(&["node", "slots"])?;
        let (node, slots) = (a.required(&f, "node"), a.required(&f, "slots"));
        let node = node.and_then(|n| a.node(n));
        let slots = slots.and_then(|s| a.slots(s));
        Some(Check::new(Slots {
            node: node?,
            slots: SlotSet::from_ranges(slots?),
        }))
    },
};

#[derive(Debug)]
pub struct Slots {
    pub node: NodeRef,
    pub slots: SlotSet,
}

impl Slots {
    pub fn new(node: NodeRef, ranges: impl IntoIterator<Item = SlotRange>) -> Slots {
        Slots {
            node,
            slots: SlotSet::from_ranges(ranges),
        }
    }
}

impl Kind for Slots {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        let ranges: Vec<String> = self.slots.ranges().iter().map(|r| r.to_string()).collect();
        format!(
            "{}: {{ node: {}, slots: [{}] }}",
            DEF.name,
            self.node,
            ranges.join(", ")
        )
    }

    fn nodes(&self) -> Vec<&NodeRef> {
        vec![&self.node]
    }

    fn wants_master(&self) -> Vec<&NodeRef> {
        vec![&self.node]
    }

    fn evaluate(&self, cx: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let a = cx.addr(&self.node);
        match s.node(&a) {
            Some(n) if n.role == Role::Master && n.slots == self.slots => None,
            _ => Some(msg!(
                "verify-slots",
                node = a.to_string(),
                slots = self.slots.to_string(),
                actual = describe(s, &a)
            )),
        }
    }

    fn evidence(&self, _: &Evidence) -> Vec<(&'static str, Value)> {
        // The node's slots are in its own kept state.
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval, failed_over, n};

    #[test]
    fn a_master_and_its_slots() {
        let c = || Slots::new(n("c", 6380), [SlotRange::new(6461, 10922)]);
        assert_eq!(eval(c(), &failed_over()), None);
        assert_eq!(
            eval(c(), &course_state()).unwrap(),
            "expected 127.0.158.102:6380 to be master of 6461-10922; it is a replica of 127.0.158.101:6379"
        );
        let wrong = Slots::new(n("a", 6379), [SlotRange::new(0, 100)]);
        assert_eq!(
            eval(wrong, &course_state()).unwrap(),
            "expected 127.0.158.100:6379 to be master of 0-100; it is master of 0-5960"
        );
    }
}
