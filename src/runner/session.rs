//! A lab tied to a running cluster: the addresses its names stand for, a kept-open inspector,
//! templates filled in with those addresses, and its steps checked against the live state.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::cluster::inspect::Inspector;
use crate::cluster::provision::Cluster;
use crate::error::{Error, Result};
use crate::lab::Lab;
use crate::lab::manifest::{Manifest, Step};
use crate::lab::template::{Renderer, Vars};
use crate::model::node::NodeRef;
use crate::model::state::ClusterState;
use crate::model::topology::Layout;
use crate::msg;
use crate::verify::{self, ConsistencySummary, Context, Outcome};

pub struct Session {
    pub lab: Lab,
    pub manifest: Manifest,
    pub cluster: Cluster,
    pub layout: Layout,
    pub inspector: Inspector,
    /// The slot of each of the lab's keys, for `keys-follow-slots`.
    pub key_slots: Vec<u16>,
}

impl Session {
    pub fn new(lab: Lab, cluster: Cluster) -> Result<Session> {
        let manifest = lab.runnable()?.clone();
        let layout = cluster.layout(&manifest.topology).ok_or_else(|| {
            Error::Usage(msg!(
                "error-cluster-other-lab",
                lab = cluster.record.lab.as_str()
            ))
        })?;
        let inspector = cluster.inspector();
        let key_slots = manifest
            .data
            .as_ref()
            .map(crate::model::dataset::slots)
            .unwrap_or_default();
        Ok(Session {
            lab,
            manifest,
            cluster,
            layout,
            inspector,
            key_slots,
        })
    }

    pub async fn snapshot(&self) -> ClusterState {
        self.inspector.snapshot().await
    }

    /// Templates filled in for this cluster, node ids included when a snapshot is given.
    pub fn renderer(&self, state: Option<&ClusterState>) -> Renderer {
        let mut vars: Vars = self.lab.vars();
        if let Some(s) = state {
            let ids: BTreeMap<NodeRef, String> = self
                .layout
                .iter()
                .filter_map(|(n, a)| Some((n.clone(), s.node(a)?.id.clone())))
                .collect();
            vars.node_ids = ids;
        }
        Renderer::new(&self.layout, &vars)
    }

    pub fn evaluate(
        &self,
        step: &Step,
        start: Option<&ClusterState>,
        now: &ClusterState,
        consistency: Option<&ConsistencySummary>,
    ) -> Outcome {
        let ctx = Context {
            layout: &self.layout,
            consistency,
            key_slots: Some(&self.key_slots),
        };

        verify::evaluate(&step.checks, &ctx, start, now)
    }

    /// Polls until the step's checks pass or `timeout` runs out; the last outcome and how long
    /// it took. A running consistency test is read afresh at every look.
    pub async fn wait_for(
        &self,
        step: &Step,
        start: Option<&ClusterState>,
        timeout: Duration,
        consistency: Option<&crate::consistency::Running>,
    ) -> (Outcome, ClusterState, Duration) {
        let began = Instant::now();
        loop {
            let now = self.snapshot().await;
            let summary = consistency.map(|c| c.summary());
            let outcome = self.evaluate(step, start, &now, summary.as_ref());

            if outcome.passed() || began.elapsed() >= timeout {
                return (outcome, now, began.elapsed());
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

/// How often a step's checks are looked at while the student works.
pub const POLL: Duration = Duration::from_millis(100);
