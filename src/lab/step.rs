//! What a step asks of the student, as the manifest declares it.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::solution::Solution;
use super::source::Pos;
use crate::model::NodeRef;
use crate::verify::Check;

/// What a step asks of the student.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// The student changes the cluster: checks fail before and pass after.
    Action,
    /// The student looks: checks hold throughout.
    Observe,
    /// Nothing to check; the student reads and continues.
    Read,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Action => "action",
            StepKind::Observe => "observe",
            StepKind::Read => "read",
        }
    }
}

/// Something the runner starts when a step begins and keeps running for the steps after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Background {
    /// The consistency test: counters written and read through the cluster, every lost
    /// acknowledged write counted; `consistency` checks read its counters.
    Consistency,
}

/// A text that may hold templates, with where it starts in `lab.yaml`.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    pub value: String,
    /// Where the value's first line was found in `lab.yaml`.
    pub offset: usize,
    /// Written in double quotes, so its escapes take more room than what they make.
    pub double_quoted: bool,
}

impl Text {
    /// Where in `lab.yaml` byte `at` of the value was written (for a template error's
    /// `line:col` inside a block, folded or escaped scalar).
    pub fn source_offset(&self, file: &str, at: usize) -> usize {
        super::yaml::source_offset(file, self.offset, &self.value, self.double_quoted, at)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub id: String,
    pub kind: StepKind,
    pub title: BTreeMap<String, String>,
    /// The node the step is about: its log is the one the runner shows.
    pub node: Option<NodeRef>,
    /// How long `lab test` waits for an action's checks after its solution ran.
    pub timeout: Duration,
    /// How long an action's checks must keep holding before it passes (zero: at once): what
    /// "no failover happens" is proved by.
    pub hold: Duration,
    /// Started when the step begins, kept running for the following steps.
    pub background: Option<Background>,
    pub checks: Vec<Check>,
    pub solution: Vec<(Solution<NodeRef>, Text)>,
    pub hints: BTreeMap<String, Vec<Text>>,
    /// Where the step's id is written in `lab.yaml`.
    pub pos: Pos,
}
