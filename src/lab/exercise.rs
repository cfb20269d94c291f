//! Graded exercises: the slides state a goal, the student reaches it on their own, and the
//! live cluster is graded against criteria, each a set of checks worth some points.
//!
//! ```yaml
//! kind: exercise
//! exercise:
//!   pass-mark: 70            # percent of the points
//!   time-limit: 900          # seconds, optional
//!   hint-cost: 5             # points each hint costs
//!   background: consistency  # run the consistency test during the exercise
//!   criteria:
//!     - id: failed-over-and-back
//!       points: 40
//!       description: { es: "…", en: "…" }
//!       checks: [ { epoch-rose: a:6379 }, { slots: { node: a:6379, slots: [0-5960] } } ]
//!   solution: [ … ]          # as in steps: what `lab test` runs to prove it can be solved
//!   hints: { es: [ … ], en: [ … ] }
//! ```
//!
//! Checks compare with the baseline recorded when the exercise starts, as action steps compare
//! with their start.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::solution::Solution;
use super::step::{Background, Text};
use crate::grade::Scheme;
use crate::model::NodeRef;
use crate::verify::RawCheck;

#[derive(Clone, Debug, PartialEq)]
pub struct Exercise {
    /// Criteria, pass mark and hint cost.
    pub scheme: Scheme,
    pub time_limit: Option<Duration>,
    pub background: Option<Background>,
    pub solution: Vec<(Solution<NodeRef>, Text)>,
    pub hints: BTreeMap<String, Vec<Text>>,
}

pub(super) type Node = Spanned<String>;

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct RawCriterion {
    pub id: Spanned<String>,
    pub points: Spanned<u32>,
    #[serde(default)]
    pub description: BTreeMap<String, String>,
    pub checks: Vec<Spanned<RawCheck>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct RawExercise {
    pub pass_mark: Spanned<u32>,
    #[serde(default)]
    pub time_limit: Option<Spanned<u64>>,
    #[serde(default)]
    pub hint_cost: u32,
    #[serde(default)]
    pub background: Option<Background>,
    pub criteria: Vec<RawCriterion>,
    #[serde(default)]
    pub solution: Vec<Spanned<Solution<Node>>>,
    #[serde(default)]
    pub hints: BTreeMap<String, Vec<Spanned<String>>>,
}
