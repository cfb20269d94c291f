//! `masters: N`: how many masters serve slots.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::ClusterState;
use crate::msg;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef};
use crate::verify::{Context, list};

pub static DEF: KindDef = KindDef {
    name: "masters",
    bare: false,
    usage: "masters: 3",
    build: |a: &mut Args| {
        let at = a.value();
        Some(Check::new(Masters(a.count(at)?)))
    },
};

#[derive(Debug)]
pub struct Masters(pub u32);

impl Kind for Masters {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        format!("{}: {}", DEF.name, self.0)
    }

    fn evaluate(&self, _: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let actual = s.masters().count();
        (actual != self.0 as usize).then(|| {
            msg!(
                "verify-masters",
                expected = self.0,
                actual = actual,
                nodes = list(s.masters().map(|m| m.addr.to_string()))
            )
        })
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let masters: Vec<String> = e.now.masters().map(|m| m.addr.to_string()).collect();
        vec![("masters", json!(masters))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval};

    #[test]
    fn counts_masters_that_serve_slots() {
        assert_eq!(eval(Masters(3), &course_state()), None);
        assert_eq!(
            eval(Masters(4), &course_state()).unwrap(),
            "expected 4 masters serving slots; there are 3 (127.0.158.100:6379, 127.0.158.101:6379, 127.0.158.102:6379)"
        );
    }
}
