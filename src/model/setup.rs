//! Setup states: how a lab's cluster differs from its topology's initial layout when the lab
//! begins, so an exercise can start from a failover already done, a slot left open, a replica
//! attached to the wrong master or slots without a master.
//!
//! ```yaml
//! setup:
//!   - failover: c:6380                              # c:6380 took over from its master
//!   - replicate: { node: c:6380, master: a:6379 }   # a replica following the wrong master
//!   - open-slot: { slot: 7000, from: b:6379, to: c:6379 }  # migrating / importing, left open
//!   - uncover: [500-501]                            # no master serves these slots
//! ```
//!
//! Replication and Sentinel labs have their own (a Sentinel exercise's faults):
//!
//! ```yaml
//! setup:
//!   - sentinel-set: { option: quorum, value: "3" }                 # on every Sentinel
//!   - config-set: { node: c:6379, name: replica-priority, value: "0" }
//!   - protect: { sentinels: [a:26379, c:26379] }   # the lab's password everywhere, auth-pass on these
//!   - stop: c:26379                                 # down when the lab begins
//! ```

use serde::{Deserialize, Serialize};

use crate::model::slots::SlotRange;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum SetupAction<N> {
    /// The replica takes over from its master (CLUSTER FAILOVER TAKEOVER).
    Failover(N),
    /// The node becomes a replica of another master (CLUSTER REPLICATE).
    Replicate { node: N, master: N },
    /// A slot left half-moved: migrating on `from`, importing on `to` (CLUSTER SETSLOT).
    OpenSlot { slot: u16, from: N, to: N },
    /// Slots taken away from their master on every node (CLUSTER DELSLOTSRANGE).
    Uncover(Vec<SlotRange>),
    /// CONFIG SET on one Redis node.
    ConfigSet {
        node: N,
        name: String,
        value: String,
    },
    /// SENTINEL SET on the lab's master, on one Sentinel or (without `node`) every one.
    SentinelSet {
        #[serde(default = "none")]
        node: Option<N>,
        option: String,
        value: String,
    },
    /// The lab's password on every Redis node (masterauth, then requirepass) and as auth-pass
    /// on these Sentinels only: the others are left without it.
    Protect { sentinels: Vec<N> },
    /// A node or Sentinel shut down: down when the lab begins, `lab node start` brings it back.
    Stop(N),
}

fn none<N>() -> Option<N> {
    None
}

impl<N> SetupAction<N> {
    pub fn nodes(&self) -> Vec<&N> {
        match self {
            SetupAction::Failover(n) => vec![n],
            SetupAction::Replicate { node, master } => vec![node, master],
            SetupAction::OpenSlot { from, to, .. } => vec![from, to],
            SetupAction::Uncover(_) => vec![],
            SetupAction::ConfigSet { node, .. } => vec![node],
            SetupAction::SentinelSet { node, .. } => node.iter().collect(),
            SetupAction::Protect { sentinels } => sentinels.iter().collect(),
            SetupAction::Stop(n) => vec![n],
        }
    }

    /// Only for a cluster: the others only for replication and Sentinel labs.
    pub fn is_cluster_only(&self) -> bool {
        matches!(
            self,
            SetupAction::Failover(_)
                | SetupAction::Replicate { .. }
                | SetupAction::OpenSlot { .. }
                | SetupAction::Uncover(_)
        )
    }

    pub fn try_map<M, E>(self, mut f: impl FnMut(N) -> Result<M, E>) -> Result<SetupAction<M>, E> {
        Ok(match self {
            SetupAction::Failover(n) => SetupAction::Failover(f(n)?),
            SetupAction::Replicate { node, master } => SetupAction::Replicate {
                node: f(node)?,
                master: f(master)?,
            },
            SetupAction::OpenSlot { slot, from, to } => SetupAction::OpenSlot {
                slot,
                from: f(from)?,
                to: f(to)?,
            },
            SetupAction::Uncover(r) => SetupAction::Uncover(r),
            SetupAction::ConfigSet { node, name, value } => SetupAction::ConfigSet {
                node: f(node)?,
                name,
                value,
            },
            SetupAction::SentinelSet {
                node,
                option,
                value,
            } => SetupAction::SentinelSet {
                node: node.map(&mut f).transpose()?,
                option,
                value,
            },
            SetupAction::Protect { sentinels } => SetupAction::Protect {
                sentinels: sentinels
                    .into_iter()
                    .map(&mut f)
                    .collect::<Result<_, _>>()?,
            },
            SetupAction::Stop(n) => SetupAction::Stop(f(n)?),
        })
    }
}

/// How far provisioning goes before the lab begins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// redis-server processes up, no cluster formed: the student forms it.
    NodesOnly,
    /// The cluster formed, without the lab's data.
    Cluster,
    /// Formed and loaded: the default.
    #[default]
    Data,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads() {
        let a: Vec<SetupAction<String>> = serde_saphyr::from_str(
            "- failover: c:6380\n- replicate: { node: c:6380, master: a:6379 }\n\
             - open-slot: { slot: 7000, from: b:6379, to: c:6379 }\n- uncover: [500-501, 9]\n",
        )
        .unwrap();
        assert_eq!(a[0], SetupAction::Failover("c:6380".into()));
        assert_eq!(
            a[3],
            SetupAction::Uncover(vec![SlotRange::new(500, 501), SlotRange::new(9, 9)])
        );
        assert!(serde_saphyr::from_str::<Vec<SetupAction<String>>>("- explode: a:1\n").is_err());
    }
}
