//! A student's progress in one lab: the step, the slide, what passed and how long it took,
//! hints used, an exercise's baseline and grades. Pure data with the rules that change it;
//! [`crate::app_state`] keeps it on disk.
//!
//! The file carries a schema number; files written before it had one (schema 1) load as they
//! are, their step times read as measured from the step's start.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::lab::manifest::Manifest;
use crate::model::ClusterState;

/// The progress file's format: 2 added the schema, the generation, and how step times were
/// measured.
pub const SCHEMA: u32 = 2;

fn schema_1() -> u32 {
    1
}

/// What a step's time was measured from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measured {
    /// From the step's start: nothing the cluster did marks the beginning of the change.
    #[default]
    Step,
    /// From a node's acceptance of CLUSTER FAILOVER (the first look at its command count
    /// that had risen) to the state.
    Request { node: String },
    /// From a fault made with `lab node` to the state.
    Fault { node: String, action: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Passed {
    pub step: String,
    /// When the step began (Unix time, ms).
    #[serde(default)]
    pub began_ms: Option<u64>,
    /// When the step passed (Unix time, ms).
    pub at_ms: u64,
    /// How long the cluster took, measured as `measured` says.
    pub took_ms: u64,
    #[serde(default)]
    pub measured: Measured,
    /// How precisely `took_ms` is known: the time between the looks at the cluster that
    /// bracket its ends.
    #[serde(default)]
    pub resolution_ms: Option<u64>,
    /// How long the student spent on the step, from its start to moving on.
    #[serde(default)]
    pub spent_ms: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default = "schema_1")]
    pub schema: u32,
    pub lab: String,
    pub lang: String,
    /// The step the student is on; `None` once the lab is finished.
    pub step: Option<String>,
    /// The slide on screen (index in the deck).
    pub slide: usize,
    pub passed: Vec<Passed>,
    /// Hints shown, by step (an exercise's, by the lab's id). They never go down.
    pub hints: BTreeMap<String, usize>,
    pub started_ms: u64,
    pub step_started_ms: u64,
    /// The cluster when the current step began: what "changes since the step began" compare
    /// with.
    pub step_start: Option<ClusterState>,
    pub finished_ms: Option<u64>,
    /// An exercise's cluster when it began: what its criteria compare with.
    #[serde(default)]
    pub baseline: Option<ClusterState>,
    /// Times an exercise was graded, and the best grade so far (percent).
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub best_percent: Option<f64>,
    /// Raised by `lab reset`: what was saved before it is not merged back.
    #[serde(default)]
    pub generation: u64,
}

/// How two saved versions of one attempt came together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Merged {
    /// Nothing new in the other.
    Same,
    /// Hints, grades or passed steps of the other taken in.
    Joined,
    /// The other is a reset or a newer attempt: it replaced this one.
    Replaced,
}

impl Progress {
    pub fn new(m: &Manifest, lang: &str, now_ms: u64) -> Progress {
        Progress {
            schema: SCHEMA,
            lab: m.id.clone(),
            lang: lang.to_string(),
            step: m.steps.first().map(|s| s.id.clone()),
            slide: 0,
            passed: vec![],
            hints: BTreeMap::new(),
            started_ms: now_ms,
            step_started_ms: now_ms,
            step_start: None,
            finished_ms: None,
            baseline: None,
            attempts: 0,
            best_percent: None,
            generation: 0,
        }
    }

    /// Still fits the lab: a step it names may have been renamed since.
    pub fn fits(&self, m: &Manifest) -> bool {
        self.lab == m.id && self.step.as_ref().is_none_or(|s| m.step(s).is_some())
    }

    pub fn is_passed(&self, step: &str) -> bool {
        self.passed.iter().any(|p| p.step == step)
    }

    pub fn passed_of(&self, step: &str) -> Option<&Passed> {
        self.passed.iter().find(|p| p.step == step)
    }

    pub fn step_index(&self, m: &Manifest) -> usize {
        match &self.step {
            None => m.steps.len(),
            Some(id) => m.steps.iter().position(|s| &s.id == id).unwrap_or(0),
        }
    }

    /// Records the current step as passed and makes the next one current.
    pub fn pass_current(&mut self, m: &Manifest, passed: Passed, start: Option<ClusterState>) {
        if let Some(step) = self.step.clone()
            && !self.is_passed(&step)
        {
            self.passed.push(Passed { step, ..passed });
        }
        let next = self.step_index(m) + 1;
        self.enter(m, next, passed.at_ms, start);
    }

    /// A lab past its last step, or an exercise graded as passed.
    pub fn finished(&self) -> bool {
        self.finished_ms.is_some()
    }

    /// Makes step `index` the current one (or finishes the lab past the last step).
    pub fn enter(&mut self, m: &Manifest, index: usize, now_ms: u64, start: Option<ClusterState>) {
        self.step = m.steps.get(index).map(|s| s.id.clone());
        self.step_started_ms = now_ms;
        self.step_start = start;
        if self.step.is_none() && self.finished_ms.is_none() {
            self.finished_ms = Some(now_ms);
        }
    }

    pub fn hints_used(&self, key: &str) -> usize {
        self.hints.get(key).copied().unwrap_or(0)
    }

    pub fn total_hints(&self) -> usize {
        self.hints.values().sum()
    }

    /// A grade of the exercise: one more attempt, the best kept, finished once passed.
    pub fn graded(&mut self, percent: f64, passed: bool, now_ms: u64) {
        self.attempts += 1;
        self.best_percent = Some(self.best_percent.map_or(percent, |b| b.max(percent)));
        if passed && self.finished_ms.is_none() {
            self.finished_ms = Some(now_ms);
        }
    }

    /// Takes in what another `lab` command saved (`lab hint`, `lab check`, `lab grade` in a
    /// second terminal, `lab reset`), so that neither undoes the other: hints and grades only
    /// go up, steps passed elsewhere stay passed, and a reset or a newer attempt wins.
    pub fn merge(&mut self, m: &Manifest, other: &Progress) -> Merged {
        if !other.fits(m) {
            return Merged::Same;
        }
        let newer_attempt = other.started_ms > self.started_ms;
        let reset = other.started_ms == self.started_ms && other.generation > self.generation;
        if newer_attempt || reset {
            *self = other.clone();
            return Merged::Replaced;
        }
        if other.started_ms != self.started_ms || other.generation < self.generation {
            return Merged::Same;
        }
        let before = self.clone();
        for (k, v) in &other.hints {
            let e = self.hints.entry(k.clone()).or_insert(0);
            *e = (*e).max(*v);
        }
        self.attempts = self.attempts.max(other.attempts);
        self.best_percent = match (self.best_percent, other.best_percent) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        for p in &other.passed {
            if !self.is_passed(&p.step) {
                self.passed.push(p.clone());
            }
        }
        // Steps passed in another terminal (`lab check`) move this one on too.
        if other.step_index(m) > self.step_index(m) {
            self.step = other.step.clone();
            self.step_started_ms = other.step_started_ms;
            self.step_start = other.step_start.clone();
        }
        self.finished_ms = match (self.finished_ms, other.finished_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if *self == before {
            Merged::Same
        } else {
            Merged::Joined
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::source::SourceFile;

    pub(crate) fn manifest() -> Manifest {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/labs/manual-failover/lab.yaml"
        ))
        .unwrap();
        Manifest::parse(&SourceFile::new("lab.yaml", text))
            .0
            .unwrap()
    }

    fn passed(at_ms: u64) -> Passed {
        Passed {
            step: String::new(),
            began_ms: None,
            at_ms,
            took_ms: 10,
            measured: Measured::Step,
            resolution_ms: None,
            spent_ms: None,
        }
    }

    #[test]
    fn passing_steps_moves_on_and_finishes() {
        let m = manifest();
        let mut p = Progress::new(&m, "es", 1000);
        assert_eq!(p.step.as_deref(), Some("check-cluster"));
        p.pass_current(&m, passed(1100), None);
        assert_eq!(p.step.as_deref(), Some("connect"));
        assert!(p.is_passed("check-cluster"));
        assert_eq!(p.step_started_ms, 1100);
        for i in 0..8 {
            p.pass_current(&m, passed(1200 + i), None);
        }
        assert_eq!(p.step, None);
        assert_eq!(p.finished_ms, Some(1207));
        assert_eq!(p.passed.len(), 9);
    }

    #[test]
    fn a_file_of_the_first_schema_loads() {
        let old = r#"{"lab":"manual-failover","lang":"en","step":"failover","slide":3,
            "passed":[{"step":"check-cluster","at_ms":5,"took_ms":4000}],
            "hints":{"failover":1},"started_ms":1,"step_started_ms":5,"step_start":null,
            "finished_ms":null}"#;
        let p: Progress = serde_json::from_str(old).unwrap();
        assert_eq!(p.schema, 1);
        assert_eq!(p.passed[0].measured, Measured::Step);
        assert!(p.fits(&manifest()));
    }

    #[test]
    fn merging_never_loses_hints_or_passed_steps() {
        let m = manifest();
        let mut mine = Progress::new(&m, "en", 1000);
        let mut theirs = mine.clone();
        theirs.hints.insert("failover".into(), 2);
        theirs.pass_current(&m, passed(1500), None);
        mine.hints.insert("failover".into(), 1);
        mine.hints.insert("check-cluster".into(), 1);
        assert_eq!(mine.merge(&m, &theirs), Merged::Joined);
        assert_eq!(mine.hints_used("failover"), 2);
        assert_eq!(mine.hints_used("check-cluster"), 1);
        assert_eq!(mine.step.as_deref(), Some("connect"));
        assert_eq!(mine.merge(&m, &theirs), Merged::Same);
        // An older attempt changes nothing; a reset replaces.
        let old = Progress::new(&m, "en", 10);
        assert_eq!(mine.merge(&m, &old), Merged::Same);
        let mut reset = Progress::new(&m, "en", 1000);
        reset.generation = 1;
        assert_eq!(mine.merge(&m, &reset), Merged::Replaced);
        assert_eq!(mine.step.as_deref(), Some("check-cluster"));
        assert!(mine.hints.is_empty());
    }

    #[test]
    fn grades_keep_the_best() {
        let m = manifest();
        let mut p = Progress::new(&m, "en", 0);
        p.graded(40.0, false, 10);
        p.graded(90.0, true, 20);
        p.graded(70.0, true, 30);
        assert_eq!(
            (p.attempts, p.best_percent, p.finished_ms),
            (3, Some(90.0), Some(20))
        );
    }
}
