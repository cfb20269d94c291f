//! `keys: N`: how many keys carry the lab's prefix, counted on the masters.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::ClusterState;
use crate::msg;
use crate::verify::Context;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef, Needs};

pub static DEF: KindDef = KindDef {
    name: "keys",
    bare: false,
    usage: "keys: 6557",
    build: |a: &mut Args| {
        let at = a.value();
        Some(Check::new(Keys(a.number(at)?)))
    },
};

#[derive(Debug)]
pub struct Keys(pub u64);

impl Kind for Keys {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        format!("{}: {}", DEF.name, self.0)
    }

    fn needs(&self) -> Needs {
        Needs {
            data: true,
            ..Needs::default()
        }
    }

    fn evaluate(&self, _: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        match s.lab_keys() {
            Some(k) if k == self.0 => None,
            Some(k) => Some(msg!("verify-keys", expected = self.0, actual = k)),
            None => Some(msg!("verify-keys-unknown", expected = self.0)),
        }
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        vec![(
            "lab_keys",
            json!({ "baseline": e.baseline.lab_keys(), "now": e.now.lab_keys() }),
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval};

    #[test]
    fn counts_the_lab_keys() {
        // course_state() gives each master 2000 lab keys.
        assert_eq!(eval(Keys(6000), &course_state()), None);
        assert_eq!(
            eval(Keys(6557), &course_state()).unwrap(),
            "expected 6557 lab keys; the masters hold 6000"
        );
    }
}
