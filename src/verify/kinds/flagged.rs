//! `flagged: { node, flag }`: other nodes flag the node as failing: `fail?` (suspected) or
//! `fail` (a majority of masters agreed).

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::{ClusterState, NodeAddr, NodeRef};
use crate::msg;
use crate::verify::Context;
use crate::verify::args::{Arg, Args};
use crate::verify::check::{Check, Evidence, Kind, KindDef, Simulation};

pub static DEF: KindDef = KindDef {
    name: "flagged",
    bare: false,
    usage: "flagged: { node: b:6379, flag: fail }",
    build: |a: &mut Args| {
        let f = a.fields(&["node", "flag"])?;
        let (node, flag) = (a.required(&f, "node"), a.required(&f, "flag"));
        let node = node.and_then(|n| a.node(n));
        let flag = match flag.map(|f| (f, &f.value)) {
            Some((_, Arg::Scalar(s))) if s == "fail" => Some(FailFlag::Fail),
            Some((_, Arg::Scalar(s))) if s == "suspected" || s == "fail?" => {
                Some(FailFlag::Suspected)
            }
            Some((at, _)) => {
                let what = msg!("check-what-flag-kind");
                a.build.error(
                    &at.referenced,
                    msg!(
                        "check-bad-value",
                        value = at.value.shown(),
                        what = what,
                        usage = DEF.usage
                    ),
                );
                None
            }
            None => None,
        };
        Some(Check::new(Flagged {
            node: node?,
            flag: flag?,
        }))
    },
};

/// How failing another node looks to the rest of the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailFlag {
    /// `fail?`: some node has not heard from it for node-timeout (or it is already `fail`).
    Suspected,
    /// `fail`: a majority of masters agreed it failed.
    Fail,
}

impl FailFlag {
    fn word(self) -> &'static str {
        match self {
            FailFlag::Suspected => "fail?",
            FailFlag::Fail => "fail",
        }
    }
}

#[derive(Debug)]
pub struct Flagged {
    pub node: NodeRef,
    pub flag: FailFlag,
}

/// The flags each other node puts on `a`.
fn flags_on(s: &ClusterState, a: &NodeAddr) -> Vec<(String, Vec<String>)> {
    s.nodes
        .iter()
        .filter(|n| &n.addr != a)
        .map(|n| {
            let flags = n
                .view
                .iter()
                .filter(|l| l.addr.as_ref() == Some(a))
                .flat_map(|l| l.flags.iter().filter(|f| f.starts_with("fail")).cloned())
                .collect();
            (n.addr.to_string(), flags)
        })
        .collect()
}

impl Kind for Flagged {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        let flag = match self.flag {
            FailFlag::Suspected => "suspected",
            FailFlag::Fail => "fail",
        };
        format!("{}: {{ node: {}, flag: {flag} }}", DEF.name, self.node)
    }

    fn nodes(&self) -> Vec<&NodeRef> {
        vec![&self.node]
    }

    fn evaluate(&self, cx: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let a = cx.addr(&self.node);
        let wanted: &[&str] = match self.flag {
            FailFlag::Suspected => &["fail?", "fail"],
            FailFlag::Fail => &["fail"],
        };
        let flagged = flags_on(s, &a)
            .iter()
            .any(|(_, flags)| flags.iter().any(|f| wanted.contains(&f.as_str())));
        (!flagged).then(|| {
            msg!(
                "verify-flagged",
                node = a.to_string(),
                flag = self.flag.word()
            )
        })
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let a = e.cx.addr(&self.node);
        let seen: serde_json::Map<String, Value> = flags_on(e.now, &a)
            .into_iter()
            .map(|(by, flags)| (by, json!(flags)))
            .collect();
        vec![("flags_seen", json!({ "node": a.to_string(), "by": seen }))]
    }

    fn simulation(&self) -> Simulation {
        Simulation::NotSimulated(crate::msg!("sim-not-gossip", kind = DEF.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval, n};

    #[test]
    fn suspected_then_agreed() {
        let fail = || Flagged {
            node: n("b", 6379),
            flag: FailFlag::Fail,
        };
        let mut s = course_state();
        s.nodes.retain(|n| n.id != "b6379");
        assert_eq!(
            eval(fail(), &s).unwrap(),
            "expected the other nodes to flag 127.0.158.101:6379 as fail; none does yet"
        );
        for node in &mut s.nodes[..2] {
            for l in node.view.iter_mut().filter(|l| l.id == "b6379") {
                l.flags.push("fail?".into());
            }
        }
        assert!(eval(fail(), &s).is_some(), "fail? is only a suspicion");
        let suspected = Flagged {
            node: n("b", 6379),
            flag: FailFlag::Suspected,
        };
        assert_eq!(eval(suspected, &s), None);
    }
}
