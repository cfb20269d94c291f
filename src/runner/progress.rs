//! A student's progress in one lab, kept in the state directory and always written whole
//! (temporary file, then rename): a runner killed at any moment leaves the previous version or
//! the new one, never a mix.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::cluster::statedir::StateDir;
use crate::error::Result;
use crate::fsutil;
use crate::lab::manifest::Manifest;
use crate::model::state::ClusterState;

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Passed {
    pub step: String,
    /// When the step passed (Unix time, ms).
    pub at_ms: u64,
    /// How long it took from the step's start.
    pub took_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub lab: String,
    pub lang: String,
    /// The step the student is on; `None` once the lab is finished.
    pub step: Option<String>,
    /// The slide on screen (index in the deck).
    pub slide: usize,
    pub passed: Vec<Passed>,
    /// Hints shown, by step.
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
}

impl Progress {
    pub fn new(m: &Manifest, lang: &str) -> Progress {
        let now = now_ms();
        Progress {
            lab: m.id.clone(),
            lang: lang.to_string(),
            step: m.steps.first().map(|s| s.id.clone()),
            slide: 0,
            passed: vec![],
            hints: BTreeMap::new(),
            started_ms: now,
            step_started_ms: now,
            step_start: None,
            finished_ms: None,
            baseline: None,
            attempts: 0,
            best_percent: None,
        }
    }

    pub fn path(state: &StateDir, lab: &str) -> PathBuf {
        state.progress_dir().join(format!("{lab}.json"))
    }

    /// The saved progress, if any and if it still fits the lab (a step it names may have been
    /// renamed since).
    pub fn load(state: &StateDir, m: &Manifest) -> Result<Option<Progress>> {
        let p: Option<Progress> = fsutil::read_json(&Progress::path(state, &m.id))?;
        Ok(p.filter(|p| p.step.as_ref().is_none_or(|s| m.step(s).is_some())))
    }

    pub fn save(&self, state: &StateDir) -> Result<()> {
        fsutil::write_json(&Progress::path(state, &self.lab), self)
    }

    pub fn remove(state: &StateDir, lab: &str) {
        let _ = std::fs::remove_file(Progress::path(state, lab));
    }

    pub fn is_passed(&self, step: &str) -> bool {
        self.passed.iter().any(|p| p.step == step)
    }

    pub fn step_index(&self, m: &Manifest) -> usize {
        match &self.step {
            None => m.steps.len(),
            Some(id) => m.steps.iter().position(|s| &s.id == id).unwrap_or(0),
        }
    }

    /// Records the current step as passed and moves on to the next one.
    pub fn pass_current(&mut self, m: &Manifest) {
        let now = now_ms();
        if let Some(step) = self.step.clone()
            && !self.is_passed(&step)
        {
            self.passed.push(Passed {
                step,
                at_ms: now,
                took_ms: now.saturating_sub(self.step_started_ms),
            });
        }
        let next = self.step_index(m) + 1;
        self.enter(m, next);
    }

    /// A lab past its last step, or an exercise graded as passed.
    pub fn finished(&self) -> bool {
        self.finished_ms.is_some()
    }

    /// Makes step `index` the current one (or finishes the lab past the last step).
    pub fn enter(&mut self, m: &Manifest, index: usize) {
        self.step = m.steps.get(index).map(|s| s.id.clone());
        self.step_started_ms = now_ms();
        self.step_start = None;
        if self.step.is_none() && self.finished_ms.is_none() {
            self.finished_ms = Some(now_ms());
        }
    }

    /// Takes in what another `lab` process (`lab grade`, `lab hint` in a second terminal)
    /// saved meanwhile, so this one's next save does not undo it.
    pub fn merge_saved(&mut self, state: &StateDir, m: &Manifest) {
        let Ok(Some(saved)) = Progress::load(state, m) else {
            return;
        };
        if saved.started_ms != self.started_ms {
            return;
        }
        self.attempts = self.attempts.max(saved.attempts);
        self.best_percent = match (self.best_percent, saved.best_percent) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        for (k, v) in saved.hints {
            let e = self.hints.entry(k).or_insert(0);
            *e = (*e).max(v);
        }
        if self.finished_ms.is_none() {
            self.finished_ms = saved.finished_ms;
        }
    }

    pub fn hints_used(&self, step: &str) -> usize {
        self.hints.get(step).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::source::SourceFile;

    fn manifest() -> Manifest {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/labs/manual-failover/lab.yaml"
        ))
        .unwrap();
        Manifest::parse(&SourceFile::new("lab.yaml", text))
            .0
            .unwrap()
    }

    #[test]
    fn passing_steps_moves_on_and_finishes() {
        let m = manifest();
        let mut p = Progress::new(&m, "es");
        assert_eq!(p.step.as_deref(), Some("check-cluster"));
        p.pass_current(&m);
        assert_eq!(p.step.as_deref(), Some("connect"));
        assert!(p.is_passed("check-cluster"));
        for _ in 0..8 {
            p.pass_current(&m);
        }
        assert_eq!(p.step, None);
        assert!(p.finished_ms.is_some());
        assert_eq!(p.passed.len(), 9);
    }

    #[test]
    fn saved_progress_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir {
            root: dir.path().to_path_buf(),
        };
        let m = manifest();
        let mut p = Progress::new(&m, "en");
        p.pass_current(&m);
        p.hints.insert("failover".into(), 2);
        p.save(&state).unwrap();
        assert_eq!(Progress::load(&state, &m).unwrap(), Some(p));
    }
}
