//! `elapsed: { min, max }`: the step's change came between `min` and `max` seconds after the
//! step began (by the snapshots' own clock).

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::ClusterState;
use crate::msg;
use crate::verify::Context;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef, Needs, Simulation};

pub static DEF: KindDef = KindDef {
    name: "elapsed",
    bare: false,
    usage: "elapsed: { min: 5, max: 30 }",
    build: |a: &mut Args| {
        let f = a.fields(&["min", "max"])?;
        let min = match Args::optional(&f, "min") {
            Some(v) => a.number(v)?,
            None => 0,
        };
        let max = match Args::optional(&f, "max") {
            Some(v) => Some(a.number(v)?),
            None => None,
        };
        Some(Check::new(Elapsed { min, max }))
    },
};

#[derive(Debug)]
pub struct Elapsed {
    pub min: u64,
    pub max: Option<u64>,
}

fn seconds(start: &ClusterState, now: &ClusterState) -> f64 {
    now.taken_ms.saturating_sub(start.taken_ms) as f64 / 1000.0
}

impl Kind for Elapsed {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        match self.max {
            Some(max) => format!("{}: {{ min: {}, max: {max} }}", DEF.name, self.min),
            None => format!("{}: {{ min: {} }}", DEF.name, self.min),
        }
    }

    fn needs(&self) -> Needs {
        Needs {
            start: true,
            ..Needs::default()
        }
    }

    fn evaluate(&self, _: &Context, start: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let Some(st) = start else {
            return Some(msg!("verify-no-start-state", node = "-"));
        };
        let secs = seconds(st, s);
        let shown = format!("{secs:.1}");
        if secs < self.min as f64 {
            return Some(msg!("verify-elapsed-soon", secs = shown, min = self.min));
        }
        self.max
            .filter(|m| secs > *m as f64)
            .map(|max| msg!("verify-elapsed-late", secs = shown, max = max))
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        vec![("elapsed_s", json!(seconds(e.baseline, e.now)))]
    }

    fn simulation(&self) -> Simulation {
        Simulation::NotSimulated(msg!("sim-not-time", kind = DEF.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval_with};

    #[test]
    fn between_min_and_max_seconds() {
        let c = || Elapsed {
            min: 5,
            max: Some(30),
        };
        let start = course_state();
        let mut now = course_state();
        now.taken_ms = start.taken_ms + 7_200;
        assert_eq!(eval_with(c(), Some(&start), &now, None), None);
        now.taken_ms = start.taken_ms + 1_000;
        assert_eq!(
            eval_with(c(), Some(&start), &now, None).unwrap(),
            "this happened 1.0 s after the step began, sooner than 5 s"
        );
        now.taken_ms = start.taken_ms + 45_000;
        assert_eq!(
            eval_with(c(), Some(&start), &now, None).unwrap(),
            "this took 45.0 s from the start of the step, longer than 30 s"
        );
    }
}
