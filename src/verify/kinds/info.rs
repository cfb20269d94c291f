//! `info: { node, field, <comparison> }`: one field of the node's INFO replication, stats,
//! persistence, server or errorstats (`errorstat_READONLY` as its count), compared with a value (`eq`, `ne`, `lt`, `le`, `gt`, `ge`: numbers compared as
//! numbers, anything else as text), or with itself when the step began (`changed: true`,
//! `increased: N`, at least N more).

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::addr::NodeAddr;
use crate::model::{ClusterState, NodeRef};
use crate::msg;
use crate::verify::Context;
use crate::verify::args::{Arg, Args};
use crate::verify::check::{Check, Evidence, Kind, KindDef, Needs, Simulation};

const COMPARISONS: [&str; 8] = ["eq", "ne", "lt", "le", "gt", "ge", "changed", "increased"];

pub static DEF: KindDef = KindDef {
    name: "info",
    bare: false,
    usage: "info: { node: a:6379, field: sync_partial_ok, increased: 1 }",
    build: |a: &mut Args| {
        let mut known = vec!["node", "field"];
        known.extend(COMPARISONS);
        let f = a.fields(&known)?;
        let node = a.required(&f, "node").and_then(|n| a.node(n));
        let field = a.required(&f, "field").and_then(|v| match &v.value {
            Arg::Scalar(s) if !s.is_empty() && !s.contains(char::is_whitespace) => Some(s.clone()),
            _ => {
                a.bad(v, msg!("check-what-info-field"));
                None
            }
        });
        let given: Vec<_> = f.iter().filter(|(k, _)| COMPARISONS.contains(k)).collect();
        let [(op, v)] = given.as_slice() else {
            a.bad(
                a.value(),
                msg!("check-what-comparison", known = COMPARISONS.join(", ")),
            );
            return None;
        };
        let test = match *op {
            "changed" => match a.flag(v)? {
                true => Test::Changed,
                false => Test::Unchanged,
            },
            "increased" => Test::Increased(a.number(v)?),
            op => match &v.value {
                Arg::Scalar(s) => Test::Compare(op_of(op), s.clone()),
                _ => {
                    a.bad(v, msg!("check-what-info-value"));
                    return None;
                }
            },
        };
        Some(Check::new(Info {
            node: node?,
            field: field?,
            test,
        }))
    },
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

fn op_of(name: &str) -> Op {
    match name {
        "ne" => Op::Ne,
        "lt" => Op::Lt,
        "le" => Op::Le,
        "gt" => Op::Gt,
        "ge" => Op::Ge,
        _ => Op::Eq,
    }
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Lt => "lt",
            Op::Le => "le",
            Op::Gt => "gt",
            Op::Ge => "ge",
        }
    }

    /// How a failure says what was wanted.
    fn wanted_id(self) -> &'static str {
        match self {
            Op::Eq => "verify-info-eq",
            Op::Ne => "verify-info-ne",
            Op::Lt => "verify-info-lt",
            Op::Le => "verify-info-le",
            Op::Gt => "verify-info-gt",
            Op::Ge => "verify-info-ge",
        }
    }

    /// Numbers as numbers (`10` > `9`), anything else as text, where only eq and ne mean
    /// something.
    fn holds(self, actual: &str, wanted: &str) -> bool {
        use std::cmp::Ordering::*;
        let order = match (actual.parse::<f64>(), wanted.parse::<f64>()) {
            (Ok(a), Ok(w)) => a.partial_cmp(&w),
            _ if matches!(self, Op::Eq | Op::Ne) => Some(actual.cmp(wanted)),
            _ => None,
        };
        match (self, order) {
            (_, None) => false,
            (Op::Eq, Some(o)) => o == Equal,
            (Op::Ne, Some(o)) => o != Equal,
            (Op::Lt, Some(o)) => o == Less,
            (Op::Le, Some(o)) => o != Greater,
            (Op::Gt, Some(o)) => o == Greater,
            (Op::Ge, Some(o)) => o != Less,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    Compare(Op, String),
    Changed,
    Unchanged,
    /// At least this much more than when the step began.
    Increased(u64),
}

#[derive(Debug)]
pub struct Info {
    pub node: NodeRef,
    pub field: String,
    pub test: Test,
}

impl Info {
    fn since_start(&self) -> bool {
        !matches!(self.test, Test::Compare(..))
    }

    /// The field as the node at `a` gave it in `s`.
    fn value_in(&self, s: &ClusterState, a: &NodeAddr) -> Option<String> {
        s.node(a)
            .and_then(|n| n.info_fields.get(&self.field).cloned())
    }
}

impl Kind for Info {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        let test = match &self.test {
            Test::Compare(op, v) => format!("{}: {v}", op.name()),
            Test::Changed => "changed: true".into(),
            Test::Unchanged => "changed: false".into(),
            Test::Increased(n) => format!("increased: {n}"),
        };
        format!(
            "{}: {{ node: {}, field: {}, {test} }}",
            DEF.name, self.node, self.field
        )
    }

    fn needs(&self) -> Needs {
        Needs {
            start: self.since_start(),
            ..Needs::default()
        }
    }

    fn nodes(&self) -> Vec<&NodeRef> {
        vec![&self.node]
    }

    fn evaluate(
        &self,
        cx: &Context,
        start: Option<&ClusterState>,
        s: &ClusterState,
    ) -> Option<Msg> {
        let a = cx.addr(&self.node);
        let Some(node) = s.node(&a) else {
            return Some(msg!("verify-info-unreachable", node = a.to_string()));
        };
        // Redis lists an error counter only once it is non-zero (and a restart clears it).
        let absent_is_zero = self.field.starts_with("errorstat_");
        let now = node
            .info_fields
            .get(&self.field)
            .cloned()
            .or_else(|| absent_is_zero.then(|| "0".to_string()));
        let Some(now) = now else {
            return Some(msg!(
                "verify-info-no-field",
                node = a.to_string(),
                field = self.field.as_str()
            ));
        };
        let before = if self.since_start() {
            match start.map(|st| (st.node(&a).is_some(), self.value_in(st, &a))) {
                Some((_, Some(b))) => Some(b),
                // A counter Redis lists only once it is non-zero (errorstat_READONLY) was 0.
                Some((true, None)) => Some("0".to_string()),
                _ => return Some(msg!("verify-no-start-state", node = a.to_string())),
            }
        } else {
            None
        };
        let holds = match (&self.test, before.as_deref()) {
            (Test::Compare(op, want), _) => op.holds(&now, want),
            (Test::Changed, Some(b)) => now != b,
            (Test::Unchanged, Some(b)) => now == b,
            (Test::Increased(n), Some(b)) => match (now.parse::<f64>(), b.parse::<f64>()) {
                (Ok(x), Ok(y)) => x - y >= *n as f64,
                _ => false,
            },
            _ => false,
        };
        if holds {
            return None;
        }
        let wanted = match &self.test {
            Test::Compare(op, v) => Msg::new(op.wanted_id()).arg("value", v.as_str()),
            Test::Changed => msg!("verify-info-changed"),
            Test::Unchanged => msg!("verify-info-unchanged"),
            Test::Increased(n) => msg!("verify-info-increased", by = *n),
        };
        // A comparison with a value does not look back: what it was is no news.
        let Some(before) = before else {
            return Some(msg!(
                "verify-info-now",
                node = a.to_string(),
                field = self.field.as_str(),
                wanted = wanted,
                now = now
            ));
        };
        Some(msg!(
            "verify-info",
            node = a.to_string(),
            field = self.field.as_str(),
            wanted = wanted,
            now = now,
            before = before
        ))
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let a = e.cx.addr(&self.node);
        vec![(
            "info",
            json!({
                "node": a.to_string(),
                "field": self.field,
                "baseline": self.value_in(e.baseline, &a),
                "now": self.value_in(e.now, &a),
            }),
        )]
    }

    fn simulation(&self) -> Simulation {
        Simulation::NotSimulated(msg!("sim-not-info", kind = DEF.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval, eval_with, n};

    fn with(field: &str, value: &str) -> ClusterState {
        let mut s = course_state();
        for x in &mut s.nodes {
            x.info_fields.insert(field.into(), value.into());
        }
        s
    }

    fn info(test: Test) -> Info {
        Info {
            node: n("a", 6379),
            field: "sync_full".into(),
            test,
        }
    }

    #[test]
    fn comparisons_read_numbers_as_numbers() {
        assert!(Op::Gt.holds("10", "9"));
        assert!(!Op::Gt.holds("9", "10"));
        assert!(Op::Eq.holds("1.0", "1"));
        assert!(Op::Eq.holds("up", "up"));
        assert!(Op::Ne.holds("up", "down"));
        assert!(!Op::Lt.holds("up", "down"));
        assert_eq!(
            eval(
                info(Test::Compare(Op::Ge, "2".into())),
                &with("sync_full", "2")
            ),
            None
        );
        assert_eq!(
            eval(
                info(Test::Compare(Op::Lt, "2".into())),
                &with("sync_full", "2")
            )
            .unwrap(),
            "expected sync_full of 127.0.158.100:6379 to be below 2; it is 2"
        );
    }

    #[test]
    fn changes_since_the_step_began() {
        let start = with("sync_full", "1");
        let check =
            |t: Test, now: &str| eval_with(info(t), Some(&start), &with("sync_full", now), None);
        assert_eq!(check(Test::Increased(1), "2"), None);
        assert_eq!(check(Test::Changed, "3"), None);
        assert_eq!(check(Test::Unchanged, "1"), None);
        assert_eq!(
            check(Test::Increased(2), "2").unwrap(),
            "expected sync_full of 127.0.158.100:6379 to be increased by 2; it is 2 (it was 1 when the step began)"
        );
        // Absent when the step began (Redis lists errorstat_* once non-zero): it was 0.
        assert_eq!(
            eval(info(Test::Increased(1)), &with("sync_full", "1")),
            None
        );
        assert_eq!(
            eval_with(info(Test::Changed), None, &with("sync_full", "1"), None).unwrap(),
            "no state of 127.0.158.100:6379 was recorded when the step began, so changes cannot be checked; restart the step"
        );
        assert_eq!(
            eval(info(Test::Compare(Op::Eq, "1".into())), &course_state()).unwrap(),
            "127.0.158.100:6379 has no INFO field sync_full (the replication, stats, persistence, server and errorstats sections are read)"
        );
    }
}
