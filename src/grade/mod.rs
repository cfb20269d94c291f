//! Grading an exercise from the live cluster: each criterion's checks against the baseline
//! recorded when the exercise began and the cluster now, all or nothing per criterion, hints
//! subtracted. Pure, like the evaluator it uses; the evidence kept for each criterion is the
//! slice of cluster state its checks looked at (each kind says which), so a grade can be
//! explained and audited.

pub mod report;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::{ClusterState, Layout};
use crate::verify::check::Evidence;
use crate::verify::{Check, ConsistencySummary, Context, evaluate, node_evidence};

/// A set of checks worth some points: all or nothing.
#[derive(Clone, Debug, PartialEq)]
pub struct Criterion {
    pub id: String,
    pub points: u32,
    /// By language; may hold templates (addresses), filled in when graded.
    pub description: BTreeMap<String, String>,
    pub checks: Vec<Check>,
}

/// How an exercise is graded.
#[derive(Clone, Debug, PartialEq)]
pub struct Scheme {
    pub criteria: Vec<Criterion>,
    /// Percent of the points needed to pass.
    pub pass_mark: u32,
    /// Points each hint costs.
    pub hint_cost: u32,
}

impl Scheme {
    pub fn max_points(&self) -> u32 {
        self.criteria.iter().map(|c| c.points).sum()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct CriterionResult {
    pub id: String,
    pub description: String,
    pub points: u32,
    pub earned: u32,
    /// What differs, when the criterion is not met.
    pub failures: Vec<Msg>,
    pub evidence: Value,
}

impl CriterionResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Grade {
    pub results: Vec<CriterionResult>,
    pub hints_used: u32,
    pub hint_penalty: u32,
    /// Points earned, hints subtracted.
    pub points: u32,
    pub max_points: u32,
    pub percent: f64,
    pub pass_mark: u32,
    pub passed: bool,
}

pub struct Inputs<'a> {
    pub scheme: &'a Scheme,
    pub layout: &'a Layout,
    pub baseline: &'a ClusterState,
    pub now: &'a ClusterState,
    pub consistency: Option<&'a ConsistencySummary>,
    pub hints_used: u32,
    /// The language descriptions are taken in.
    pub lang: &'a str,
    /// Fills in the templates of descriptions (addresses), when given.
    pub render: Option<&'a dyn Fn(&str) -> String>,
    /// The slot of every key of the lab's data, for `keys-follow-slots`.
    pub key_slots: Option<&'a [u16]>,
}

/// The slice of state a criterion's checks looked at, at the baseline and now: every node a
/// check names, and what each kind says it read besides.
fn evidence(checks: &[Check], cx: &Context, i: &Inputs) -> Value {
    let mut nodes = serde_json::Map::new();
    let mut cluster = serde_json::Map::new();
    let e = Evidence {
        cx,
        baseline: i.baseline,
        now: i.now,
    };
    for c in checks {
        for n in c.nodes() {
            if let Some(a) = i.layout.addr(n) {
                nodes.insert(
                    a.to_string(),
                    json!({ "baseline": node_evidence(i.baseline, a), "now": node_evidence(i.now, a) }),
                );
            }
        }
        for (k, v) in c.evidence(&e) {
            cluster.insert(k.to_string(), v);
        }
    }
    json!({ "nodes": nodes, "cluster": cluster })
}

pub fn grade(i: &Inputs) -> Grade {
    let cx = Context {
        layout: i.layout,
        consistency: i.consistency,
        key_slots: i.key_slots,
    };
    let results: Vec<CriterionResult> = i
        .scheme
        .criteria
        .iter()
        .map(|c| {
            let outcome = evaluate(&c.checks, &cx, Some(i.baseline), i.now);
            let failures: Vec<Msg> = outcome.failures().cloned().collect();
            let text = c
                .description
                .get(i.lang)
                .or_else(|| c.description.values().next())
                .cloned()
                .unwrap_or_else(|| c.id.clone());
            let description = match i.render {
                Some(r) => r(&text),
                None => text,
            };
            CriterionResult {
                id: c.id.clone(),
                description,
                points: c.points,
                earned: if failures.is_empty() { c.points } else { 0 },
                failures,
                evidence: evidence(&c.checks, &cx, i),
            }
        })
        .collect();
    let max_points = i.scheme.max_points();
    let raw: u32 = results.iter().map(|r| r.earned).sum();
    let hint_penalty = i.scheme.hint_cost.saturating_mul(i.hints_used).min(raw);
    let points = raw - hint_penalty;
    let percent = if max_points == 0 {
        0.0
    } else {
        f64::from(points) * 100.0 / f64::from(max_points)
    };
    Grade {
        results,
        hints_used: i.hints_used,
        hint_penalty,
        points,
        max_points,
        percent,
        pass_mark: i.scheme.pass_mark,
        passed: percent >= f64::from(i.scheme.pass_mark),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::state::tests::{build, course_state};
    use crate::model::topology::DEFAULT_LOCAL_BASE;
    use crate::model::topology::tests::course_topology;
    use crate::model::{NodeRef, Role, SlotRange};
    use crate::verify::kinds::{EpochRose, RoleIs, Slots};

    fn scheme() -> Scheme {
        let n = |h: &str, p| NodeRef::new(h, p);
        Scheme {
            pass_mark: 70,
            hint_cost: 5,
            criteria: vec![
                Criterion {
                    id: "failed-over-and-back".into(),
                    points: 60,
                    description: [("en".to_string(), "failed over and back".to_string())].into(),
                    checks: vec![
                        Check::new(EpochRose(n("b", 6379))),
                        Check::new(Slots::new(n("b", 6379), [SlotRange::new(6461, 10922)])),
                    ],
                },
                Criterion {
                    id: "roles-back".into(),
                    points: 40,
                    description: Default::default(),
                    checks: vec![Check::new(RoleIs {
                        node: n("c", 6380),
                        is: Role::Replica,
                    })],
                },
            ],
        }
    }

    fn graded(now: &ClusterState, hints: u32) -> Grade {
        let layout = Layout::local(&course_topology(), DEFAULT_LOCAL_BASE);
        let scheme = scheme();
        grade(&Inputs {
            scheme: &scheme,
            layout: &layout,
            baseline: &course_state(),
            now,
            consistency: None,
            hints_used: hints,
            lang: "en",
            render: None,
            key_slots: None,
        })
    }

    /// The course's layout after a failover of .102:6380 and a failback: epochs raised.
    fn failed_back() -> ClusterState {
        build(&[
            ("a6379", "127.0.158.100:6379", None, "0-5960", 1),
            ("b6379", "127.0.158.101:6379", None, "6461-10922", 8),
            (
                "c6379",
                "127.0.158.102:6379",
                None,
                "5961-6460 10923-16383",
                3,
            ),
            ("b6380", "127.0.158.101:6380", Some("a6379"), "", 1),
            ("c6380", "127.0.158.102:6380", Some("b6379"), "", 7),
            ("a6380", "127.0.158.100:6380", Some("c6379"), "", 3),
        ])
    }

    #[test]
    fn an_untouched_cluster_fails_and_a_solved_one_passes() {
        let untouched = graded(&course_state(), 0);
        assert_eq!((untouched.points, untouched.max_points), (40, 100));
        assert!(!untouched.passed);
        assert_eq!(untouched.results[0].failures[0].id, "verify-epoch-rose");
        let solved = graded(&failed_back(), 0);
        assert_eq!(solved.points, 100);
        assert!(solved.passed);
        assert_eq!(solved.results[0].description, "failed over and back");
        assert_eq!(solved.results[1].description, "roles-back");
        let ev = &solved.results[0].evidence["nodes"]["127.0.158.101:6379"];
        assert_eq!(ev["baseline"]["config_epoch"], 2);
        assert_eq!(ev["now"]["config_epoch"], 8);
    }

    #[test]
    fn hints_cost_points() {
        let g = graded(&failed_back(), 3);
        assert_eq!((g.points, g.hint_penalty), (85, 15));
        assert!(g.passed);
        let g = graded(&failed_back(), 7);
        assert_eq!(g.points, 65);
        assert!(!g.passed);
        // A penalty never takes the grade below zero.
        assert_eq!(graded(&course_state(), 100).points, 0);
    }
}
