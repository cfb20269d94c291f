//! `sentinel: { node: a:26379, replicas: 2, sentinels: 2, sees: ok }`: what one Sentinel knows
//! of the lab's master: how many replicas and other Sentinels, and whether it sees the master
//! `ok`, subjectively down (`s_down`) or objectively down (`o_down`, the quorum agreed), and
//! the quorum it was given. The fields given must all hold.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::state::MonitoredMaster;
use crate::model::{ClusterState, NodeRef};
use crate::msg;
use crate::verify::Context;
use crate::verify::args::{Arg, Args};
use crate::verify::check::{Check, Evidence, Kind, KindDef, Simulation};

const SEES: [&str; 3] = ["ok", "s_down", "o_down"];

pub static DEF: KindDef = KindDef {
    name: "sentinel",
    bare: false,
    usage: "sentinel: { node: a:26379, replicas: 2, sentinels: 2, sees: ok, quorum: 2 }",
    build: |a: &mut Args| {
        let f = a.fields(&["node", "replicas", "sentinels", "sees", "quorum"])?;
        let node = a.required(&f, "node").and_then(|n| a.node(n));
        let replicas = match Args::optional(&f, "replicas") {
            Some(v) => Some(a.count(v)?),
            None => None,
        };
        let sentinels = match Args::optional(&f, "sentinels") {
            Some(v) => Some(a.count(v)?),
            None => None,
        };
        let sees = match Args::optional(&f, "sees") {
            None => None,
            Some(v) => match &v.value {
                Arg::Scalar(s) if SEES.contains(&s.as_str()) => Some(s.clone()),
                _ => {
                    a.bad(v, msg!("check-what-sentinel-sees", known = SEES.join(", ")));
                    return None;
                }
            },
        };
        let quorum = match Args::optional(&f, "quorum") {
            Some(v) => Some(a.count(v)?),
            None => None,
        };
        if replicas.is_none() && sentinels.is_none() && sees.is_none() && quorum.is_none() {
            a.bad(a.value(), msg!("check-sentinel-nothing"));
            return None;
        }
        Some(Check::new(Sentinel {
            node: node?,
            replicas,
            sentinels,
            sees,
            quorum,
        }))
    },
};

#[derive(Debug)]
pub struct Sentinel {
    pub node: NodeRef,
    pub replicas: Option<u32>,
    pub sentinels: Option<u32>,
    pub sees: Option<String>,
    pub quorum: Option<u32>,
}

fn sees(m: &MonitoredMaster) -> &'static str {
    if m.has_flag("o_down") {
        "o_down"
    } else if m.has_flag("s_down") {
        "s_down"
    } else {
        "ok"
    }
}

impl Kind for Sentinel {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        let mut out = format!("{}: {{ node: {}", DEF.name, self.node);
        if let Some(n) = self.replicas {
            out.push_str(&format!(", replicas: {n}"));
        }
        if let Some(n) = self.sentinels {
            out.push_str(&format!(", sentinels: {n}"));
        }
        if let Some(s) = &self.sees {
            out.push_str(&format!(", sees: {s}"));
        }
        if let Some(q) = self.quorum {
            out.push_str(&format!(", quorum: {q}"));
        }
        out + " }"
    }

    fn nodes(&self) -> Vec<&NodeRef> {
        vec![&self.node]
    }

    fn evaluate(&self, cx: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let a = cx.addr(&self.node);
        let Some(v) = s.sentinels.iter().find(|v| v.addr == a) else {
            return Some(msg!(
                "verify-sentinel-unreachable",
                sentinel = a.to_string()
            ));
        };
        let Some(m) = &v.master else {
            return Some(msg!("verify-sentinel-forgot", sentinel = a.to_string()));
        };
        let mut wrong = vec![];
        if let Some(n) = self.replicas.filter(|n| *n != m.num_replicas) {
            wrong.push(
                msg!(
                    "verify-sentinel-replicas",
                    wanted = n,
                    seen = m.num_replicas
                )
                .text(),
            );
        }
        if let Some(n) = self.sentinels.filter(|n| *n != m.num_other_sentinels) {
            wrong.push(
                msg!(
                    "verify-sentinel-sentinels",
                    wanted = n,
                    seen = m.num_other_sentinels
                )
                .text(),
            );
        }
        if let Some(q) = self.quorum.filter(|q| *q != m.quorum) {
            wrong.push(msg!("verify-sentinel-quorum", wanted = q, seen = m.quorum).text());
        }
        if let Some(want) = self.sees.as_deref().filter(|w| *w != sees(m)) {
            wrong.push(msg!("verify-sentinel-sees", wanted = want, seen = sees(m)).text());
        }
        (!wrong.is_empty()).then(|| {
            msg!(
                "verify-sentinel",
                sentinel = a.to_string(),
                what = wrong.join("; ")
            )
        })
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let a = e.cx.addr(&self.node);
        let m = e
            .now
            .sentinels
            .iter()
            .find(|v| v.addr == a)
            .and_then(|v| v.master.clone());
        vec![(
            "sentinel",
            json!({ "sentinel": a.to_string(), "master": m }),
        )]
    }

    fn simulation(&self) -> Simulation {
        Simulation::NotSimulated(msg!("sim-not-sentinel", kind = DEF.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::state::SentinelView;
    use crate::verify::kinds::testing::{course_state, eval, n};

    fn seen(flags: &[&str], replicas: u32, others: u32) -> ClusterState {
        let mut s = course_state();
        s.sentinels.push(SentinelView {
            // The test layout has no Sentinels: a name stands for itself.
            addr: crate::model::addr::NodeAddr::new("a", 26379),
            master: Some(MonitoredMaster {
                name: "cursoredis".into(),
                addr: Some("127.0.158.100:6379".parse().unwrap()),
                flags: flags.iter().map(|f| f.to_string()).collect(),
                num_replicas: replicas,
                num_other_sentinels: others,
                ..MonitoredMaster::default()
            }),
        });
        s
    }

    fn check(replicas: Option<u32>, sentinels: Option<u32>, sees: Option<&str>) -> Sentinel {
        Sentinel {
            node: n("a", 26379),
            replicas,
            sentinels,
            sees: sees.map(Into::into),
            quorum: None,
        }
    }

    #[test]
    fn the_quorum_it_was_given() {
        let mut s = seen(&["master"], 2, 2);
        if let Some(m) = s.sentinels[0].master.as_mut() {
            m.quorum = 3;
        }
        let q = |n| Sentinel {
            quorum: Some(n),
            ..check(None, None, None)
        };
        assert_eq!(eval(q(3), &s), None);
        assert_eq!(
            eval(q(2), &s).unwrap(),
            "the Sentinel a:26379 should have a quorum of 2; it has 3"
        );
    }

    #[test]
    fn what_one_sentinel_knows() {
        let s = seen(&["master"], 2, 2);
        assert_eq!(eval(check(Some(2), Some(2), Some("ok")), &s), None);
        assert_eq!(
            eval(check(Some(2), Some(1), None), &s).unwrap(),
            "the Sentinel a:26379 should know 1 other Sentinels; it knows 2"
        );
        let down = seen(&["master", "s_down", "o_down"], 2, 2);
        assert_eq!(eval(check(None, None, Some("o_down")), &down), None);
        assert!(eval(check(None, None, Some("ok")), &down).is_some());
        assert!(eval(check(Some(2), None, None), &course_state()).is_some());
    }
}
