//! `keys-follow-slots`: each master holds exactly the lab keys of the slots it serves, so keys
//! followed their slots when they moved.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::{ClusterState, NodeState};
use crate::msg;
use crate::verify::Context;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef, Needs};

pub static DEF: KindDef = KindDef {
    name: "keys-follow-slots",
    bare: true,
    usage: "keys-follow-slots",
    build: |_: &mut Args| Some(Check::new(KeysFollowSlots)),
};

#[derive(Debug)]
pub struct KeysFollowSlots;

/// The lab keys a master should hold, given the slots it serves.
fn expected(key_slots: &[u16], m: &NodeState) -> u64 {
    key_slots
        .iter()
        .filter(|slot| m.slots.contains(**slot))
        .count() as u64
}

impl Kind for KeysFollowSlots {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        DEF.name.into()
    }

    fn needs(&self) -> Needs {
        Needs {
            data: true,
            ..Needs::default()
        }
    }

    fn evaluate(&self, cx: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let Some(key_slots) = cx.key_slots else {
            return Some(msg!("verify-keys-unknown", expected = 0));
        };
        s.masters().find_map(|m| {
            let expected = expected(key_slots, m);
            let actual = m.keys.unwrap_or(0);
            (actual != expected).then(|| {
                msg!(
                    "verify-keys-follow-slots",
                    node = m.addr.to_string(),
                    expected = expected,
                    actual = actual
                )
            })
        })
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let per_master: serde_json::Map<String, Value> = e
            .now
            .masters()
            .map(|m| {
                let want = e.cx.key_slots.map(|k| expected(k, m));
                (
                    m.addr.to_string(),
                    json!({ "expected": want, "holds": m.keys }),
                )
            })
            .collect();
        vec![("keys_per_master", Value::Object(per_master))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval};

    #[test]
    fn keys_stay_with_their_slots() {
        let mut s = course_state();
        for node in &mut s.nodes {
            node.keys = Some(match node.id.as_str() {
                "a6379" => 2,
                "b6379" => 1,
                _ => 0,
            });
        }
        assert_eq!(eval(KeysFollowSlots, &s), None);
        s.nodes[1].keys = Some(0);
        assert_eq!(
            eval(KeysFollowSlots, &s).unwrap(),
            "expected 127.0.158.101:6379 to hold the 1 lab keys of the slots it serves; it holds 0"
        );
    }
}
