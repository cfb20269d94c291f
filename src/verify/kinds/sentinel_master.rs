//! `sentinel-master: a:6379`: every Sentinel that answers names this node as the master
//! (SENTINEL GET-MASTER-ADDR-BY-NAME), and at least one answers.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::{ClusterState, NodeRef};
use crate::msg;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef, Simulation};
use crate::verify::{Context, list};

pub static DEF: KindDef = KindDef {
    name: "sentinel-master",
    bare: false,
    usage: "sentinel-master: b:6379",
    build: |a: &mut Args| Some(Check::new(SentinelMaster(a.node_or_field()?))),
};

#[derive(Debug)]
pub struct SentinelMaster(pub NodeRef);

impl Kind for SentinelMaster {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        format!("{}: {}", DEF.name, self.0)
    }

    fn nodes(&self) -> Vec<&NodeRef> {
        vec![&self.0]
    }

    fn wants_master(&self) -> Vec<&NodeRef> {
        vec![&self.0]
    }

    fn evaluate(&self, cx: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let want = cx.addr(&self.0);
        if s.sentinels.is_empty() {
            return Some(msg!("verify-no-sentinel"));
        }
        let others: Vec<String> = s
            .sentinels
            .iter()
            .filter(|v| v.master_addr() != Some(&want))
            .map(|v| match v.master_addr() {
                Some(m) => format!("{} → {m}", v.addr),
                None => msg!("verify-sentinel-forgot", sentinel = v.addr.to_string()).text(),
            })
            .collect();
        (!others.is_empty()).then(|| {
            msg!(
                "verify-sentinel-master",
                master = want.to_string(),
                others = list(others.into_iter())
            )
        })
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let seen: Vec<Value> = e
            .now
            .sentinels
            .iter()
            .map(|v| json!({ "sentinel": v.addr.to_string(), "master": v.master_addr() }))
            .collect();
        vec![("sentinels", json!(seen))]
    }

    fn simulation(&self) -> Simulation {
        Simulation::NotSimulated(msg!("sim-not-sentinel", kind = DEF.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::state::{MonitoredMaster, SentinelView};
    use crate::verify::kinds::testing::{course_state, eval, n};

    pub fn watched_by(masters: &[&str]) -> ClusterState {
        let mut s = course_state();
        for (i, m) in masters.iter().enumerate() {
            s.sentinels.push(SentinelView {
                addr: format!("127.0.158.10{i}:26379").parse().unwrap(),
                master: Some(MonitoredMaster {
                    name: "cursoredis".into(),
                    addr: Some(m.parse().unwrap()),
                    flags: vec!["master".into()],
                    ..MonitoredMaster::default()
                }),
            });
        }
        s
    }

    #[test]
    fn every_sentinel_must_agree() {
        let a = "127.0.158.100:6379";
        let b = "127.0.158.101:6379";
        assert_eq!(
            eval(SentinelMaster(n("a", 6379)), &watched_by(&[a, a, a])),
            None
        );
        let e = eval(SentinelMaster(n("a", 6379)), &watched_by(&[a, b, a])).unwrap();
        assert_eq!(
            e,
            "every Sentinel should name 127.0.158.100:6379 as the master; 127.0.158.101:26379 → 127.0.158.101:6379"
        );
        assert!(eval(SentinelMaster(n("a", 6379)), &course_state()).is_some());
    }
}
