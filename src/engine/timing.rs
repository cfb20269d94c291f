//! How long the cluster took: the time a ✓ reports.
//!
//! A step's change has a beginning the cluster itself shows, when there is one: a node that
//! accepted CLUSTER FAILOVER (its INFO commandstats count of accepted calls rose), or a fault
//! made with `lab node`. Either counts when it happened since the most recent action step
//! began and touches a node the step's checks name; the time runs from it to the first look at
//! the cluster where the step's checks held. Otherwise the time runs from the step's start,
//! and says so. Redis keeps counts, not times, so a beginning seen in a count is known to
//! within one look (the poll interval), which the ✓ states as its resolution.

use std::collections::BTreeMap;

use super::event::Fault;
use super::progress::Measured;
use crate::model::{ClusterState, Layout, NodeAddr, NodeRef};

/// One look at the cluster: when, and how long after the one before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Look {
    pub at_ms: u64,
    pub gap_ms: u64,
}

/// When a count was first seen to have risen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rise {
    look: Look,
}

/// Since the most recent action step began.
#[derive(Clone, Debug, Default)]
struct Since {
    began_ms: u64,
    /// Each node's accepted CLUSTER FAILOVER count at the first look after it began.
    accepted: Option<BTreeMap<NodeAddr, u64>>,
    requests: BTreeMap<NodeAddr, Rise>,
}

#[derive(Clone, Debug, Default)]
pub struct Timing {
    since: Option<Since>,
    faults: Vec<Fault>,
}

/// A measured time, what it ran from, and how precisely it is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Took {
    pub took_ms: u64,
    pub measured: Measured,
    pub resolution_ms: u64,
}

fn counts(s: &ClusterState) -> BTreeMap<NodeAddr, u64> {
    s.nodes
        .iter()
        .map(|n| (n.addr.clone(), n.failover_accepted))
        .collect()
}

/// Faults kept: the newest few are all a step can be about.
const FAULTS_KEPT: usize = 16;

impl Timing {
    /// An action step began: what came before it is not this change's beginning. `base` is
    /// the last look at the cluster before it, when there is one: counts above its own are
    /// requests.
    pub fn action_began(&mut self, now_ms: u64, base: Option<&ClusterState>) {
        self.since = Some(Since {
            began_ms: now_ms,
            accepted: base.map(counts),
            requests: BTreeMap::new(),
        });
    }

    pub fn fault(&mut self, f: Fault) {
        self.faults.push(f);
        if self.faults.len() > FAULTS_KEPT {
            self.faults.remove(0);
        }
    }

    /// Notes the counts of a new look at the cluster.
    pub fn look(&mut self, s: &ClusterState, look: Look) {
        let Some(since) = &mut self.since else {
            return;
        };
        if look.at_ms < since.began_ms {
            return;
        }
        let Some(base) = &since.accepted else {
            since.accepted = Some(counts(s));
            return;
        };
        for n in &s.nodes {
            // A node that restarted counts from zero: only a rise above its count then is a
            // request.
            let before = base.get(&n.addr).copied().unwrap_or(0);
            if n.failover_accepted > before && !since.requests.contains_key(&n.addr) {
                since.requests.insert(n.addr.clone(), Rise { look });
            }
        }
    }

    /// How long the cluster took to reach the state first seen at `held`, for a step whose
    /// checks name `named`, begun at `step_began_ms`.
    pub fn measure(
        &self,
        named: &[NodeRef],
        layout: &Layout,
        held: Look,
        step_began_ms: u64,
    ) -> Took {
        if let Some(since) = &self.since {
            let request = named
                .iter()
                .filter_map(|n| {
                    let a = layout.addr(n)?;
                    Some((n, since.requests.get(a)?))
                })
                .filter(|(_, r)| r.look.at_ms <= held.at_ms)
                .max_by_key(|(_, r)| r.look.at_ms);
            if let Some((node, r)) = request {
                return Took {
                    took_ms: held.at_ms - r.look.at_ms,
                    measured: Measured::Request {
                        node: layout
                            .addr(node)
                            .map_or_else(|| node.to_string(), ToString::to_string),
                    },
                    resolution_ms: r.look.gap_ms.max(held.gap_ms),
                };
            }
            let fault = self
                .faults
                .iter()
                .filter(|f| f.at_ms >= since.began_ms && f.at_ms <= held.at_ms)
                .filter(|f| named.contains(&f.node))
                .max_by_key(|f| f.at_ms);
            if let Some(f) = fault {
                return Took {
                    took_ms: held.at_ms - f.at_ms,
                    measured: Measured::Fault {
                        node: f.node.to_string(),
                        action: f.action.clone(),
                    },
                    resolution_ms: held.gap_ms,
                };
            }
        }
        Took {
            took_ms: held.at_ms.saturating_sub(step_began_ms),
            measured: Measured::Step,
            resolution_ms: held.gap_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::state::tests::course_state;
    use crate::model::topology::tests::course_topology;
    use crate::model::topology::{DEFAULT_LOCAL_BASE, Layout};

    fn layout() -> Layout {
        Layout::local(&course_topology(), DEFAULT_LOCAL_BASE)
    }

    fn look(at_ms: u64) -> Look {
        Look { at_ms, gap_ms: 100 }
    }

    #[test]
    fn a_failover_request_is_the_beginning_not_the_step() {
        let mut t = Timing::default();
        t.action_began(1_000, Some(&course_state()));
        // The student sends CLUSTER FAILOVER to c:6380 at 16 s; it shows at the next look.
        let mut asked = course_state();
        asked.nodes[4].failover_accepted = 1;
        t.look(&asked, look(16_100));
        let took = t.measure(&[NodeRef::new("c", 6380)], &layout(), look(16_200), 1_000);
        assert_eq!(took.took_ms, 100);
        assert_eq!(
            took.measured,
            Measured::Request {
                node: "127.0.158.102:6380".into()
            }
        );
        // A step that names other nodes is measured from its start.
        let other = t.measure(&[NodeRef::new("a", 6379)], &layout(), look(16_200), 1_000);
        assert_eq!((other.took_ms, other.measured), (15_200, Measured::Step));
    }

    #[test]
    fn a_fault_since_the_action_began_is_the_beginning() {
        let mut t = Timing::default();
        t.fault(Fault {
            node: NodeRef::new("b", 6379),
            action: "kill".into(),
            at_ms: 500,
        });
        t.action_began(1_000, None);
        t.fault(Fault {
            node: NodeRef::new("b", 6379),
            action: "kill".into(),
            at_ms: 2_000,
        });
        // The promotion, seen 5.3 s after the kill, in a later (observe) step begun at 5.6 s.
        let took = t.measure(&[NodeRef::new("b", 6379)], &layout(), look(7_300), 5_600);
        assert_eq!(took.took_ms, 5_300);
        assert_eq!(
            took.measured,
            Measured::Fault {
                node: "b:6379".into(),
                action: "kill".into()
            }
        );
    }

    #[test]
    fn counts_before_the_action_began_are_not_requests() {
        let mut t = Timing::default();
        let mut asked = course_state();
        asked.nodes[4].failover_accepted = 3;
        t.look(&asked, look(100));
        t.action_began(1_000, None);
        t.look(&asked, look(1_100));
        t.look(&asked, look(1_200));
        let took = t.measure(&[NodeRef::new("c", 6380)], &layout(), look(1_200), 1_000);
        assert_eq!(took.measured, Measured::Step);
    }
}
