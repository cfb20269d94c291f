//! The current step, looked at on every snapshot: whether its checks hold (and since when),
//! what still differs, and advice for a failover that does not come.

use std::sync::Arc;

use super::timing::Look;
use crate::i18n::Msg;
use crate::lab::manifest::{Step, StepKind};
use crate::model::ClusterState;
use crate::verify::diagnose::{self, Situation};
use crate::verify::{Context, Outcome, evaluate};

#[derive(Clone, Debug, Default)]
pub struct Watch {
    pub outcome: Option<Outcome>,
    /// What the cluster shows that explains why an action has not passed.
    pub advice: Vec<Msg>,
    /// Requests a master refused while the step was watched: said until it passes.
    refused: Vec<Msg>,
    /// The first look of the current run of looks in which the checks held.
    pub held: Option<Look>,
    /// When the replica the step wants promoted was first seen to accept CLUSTER FAILOVER.
    request_seen_ms: Option<u64>,
    previous: Option<Arc<ClusterState>>,
}

impl Watch {
    /// Looks at `now` for `step`; true when what a view shows of it changed.
    pub fn look(
        &mut self,
        step: &Step,
        cx: &Context,
        start: Option<&ClusterState>,
        now: &Arc<ClusterState>,
        look: Look,
        node_timeout_ms: u64,
    ) -> bool {
        let outcome = evaluate(&step.checks, cx, start, now);
        if outcome.passed() {
            self.held.get_or_insert(look);
        } else {
            // Held while the student read, but not now: the time is not that one.
            self.held = None;
        }
        let mut advice = vec![];
        if outcome.passed() && !self.held_for(step, look.at_ms) {
            advice.push(self.holding(step, look.at_ms));
        }
        if step.kind == StepKind::Action
            && !outcome.passed()
            && let Some(st) = start
        {
            let mut situation = Situation {
                checks: &step.checks,
                layout: cx.layout,
                start: st,
                previous: self.previous.as_deref(),
                now,
                since_request: None,
                node_timeout_ms,
            };
            if let Some((replica, _)) = diagnose::expected_promotion(&situation) {
                let asked = now
                    .node(&replica)
                    .zip(st.node(&replica))
                    .is_some_and(|(n, b)| n.failover_accepted > b.failover_accepted);
                if asked && self.request_seen_ms.is_none() {
                    self.request_seen_ms = Some(look.at_ms);
                }
            }
            situation.since_request = self
                .request_seen_ms
                .map(|t| std::time::Duration::from_millis(look.at_ms.saturating_sub(t)));
            advice = diagnose::diagnose(&situation);
            // A refused request is an event: it is said until the step passes.
            for a in advice.iter().filter(|a| a.id == "diagnose-sent-to-master") {
                if !self.refused.contains(a) {
                    self.refused.push(a.clone());
                }
            }
            advice.retain(|a| a.id != "diagnose-sent-to-master");
            advice.extend(self.refused.iter().cloned());
        }
        let changed = self.outcome.as_ref().map(failures) != Some(failures(&outcome))
            || self.advice != advice;
        self.outcome = Some(outcome);
        self.advice = advice;
        self.previous = Some(now.clone());
        changed
    }

    /// The checks have held, without a break, as long as the step asks (at once for most).
    pub fn held_for(&self, step: &Step, at_ms: u64) -> bool {
        self.held
            .is_some_and(|h| at_ms.saturating_sub(h.at_ms) >= step.hold.as_millis() as u64)
    }

    /// How far a step that must hold has come.
    pub fn holding(&self, step: &Step, at_ms: u64) -> Msg {
        let since = self.held.map_or(0, |h| at_ms.saturating_sub(h.at_ms));
        crate::msg!(
            "watch-holding",
            held = since / 1000,
            hold = step.hold.as_secs()
        )
    }

    /// The first thing that still differs.
    pub fn first_failure(&self) -> Option<&Msg> {
        self.outcome.as_ref().and_then(|o| o.failures().next())
    }
}

fn failures(o: &Outcome) -> Vec<&Msg> {
    o.failures().collect()
}
