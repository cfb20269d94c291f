//! `epoch-rose: node`: a node's config epoch is higher than when the step began, which only a
//! failover (or a takeover) gives it.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::{ClusterState, NodeRef};
use crate::msg;
use crate::verify::Context;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef, Needs};

pub static DEF: KindDef = KindDef {
    name: "epoch-rose",
    bare: false,
    usage: "epoch-rose: c:6380",
    build: |a: &mut Args| Some(Check::new(EpochRose(a.node_or_field()?))),
};

#[derive(Debug)]
pub struct EpochRose(pub NodeRef);

impl Kind for EpochRose {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        format!("{}: {}", DEF.name, self.0)
    }

    fn needs(&self) -> Needs {
        Needs {
            start: true,
            ..Needs::default()
        }
    }

    fn nodes(&self) -> Vec<&NodeRef> {
        vec![&self.0]
    }

    fn evaluate(
        &self,
        cx: &Context,
        start: Option<&ClusterState>,
        s: &ClusterState,
    ) -> Option<Msg> {
        let a = cx.addr(&self.0);
        let Some(before) = start.and_then(|st| st.node(&a)).map(|n| n.config_epoch) else {
            return Some(msg!("verify-no-start-state", node = a.to_string()));
        };
        match s.node(&a) {
            Some(n) if n.config_epoch > before => None,
            Some(n) => Some(msg!(
                "verify-epoch-rose",
                node = a.to_string(),
                before = before,
                now = n.config_epoch
            )),
            None => Some(msg!("verify-epoch-unknown", node = a.to_string())),
        }
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let a = e.cx.addr(&self.0);
        let epoch = |s: &ClusterState| s.node(&a).map(|n| n.config_epoch);
        vec![(
            "config_epoch",
            json!({ "node": a.to_string(), "baseline": epoch(e.baseline), "now": epoch(e.now) }),
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval, eval_with, failed_over, n};

    #[test]
    fn the_epoch_rises_with_a_failover() {
        assert_eq!(eval(EpochRose(n("c", 6380)), &failed_over()), None);
        assert_eq!(
            eval(EpochRose(n("c", 6380)), &course_state()).unwrap(),
            "expected the config epoch of 127.0.158.102:6380 to rise above 2; it is still 2"
        );
        assert_eq!(
            eval_with(EpochRose(n("c", 6380)), None, &failed_over(), None).unwrap(),
            "no state of 127.0.158.102:6380 was recorded when the step began, so changes cannot be checked; restart the step"
        );
    }
}
