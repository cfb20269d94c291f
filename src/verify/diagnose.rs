//! When an action step does not pass, say why, from what the nodes report.
//!
//! `CLUSTER FAILOVER` answers OK before anything happens. The failover can then time out (the
//! replica gives up after 5 s when it cannot catch up with its master or the masters do not
//! vote): masters refuse a second vote for the same master within 2 × node-timeout, and a
//! replica that ran an election starts no other within 4 × node-timeout. A

//! student may also promote the wrong replica, or send the command to a master, which refuses
//! it. Each case shows in the cluster's state (roles, links, and the CLUSTER FAILOVER count of
//! INFO commandstats), never in logs, and each gets its own advice with the command to run.

use std::time::Duration;

use crate::i18n::Msg;
use crate::model::NodeRef;
use crate::model::Role;
use crate::model::addr::NodeAddr;
use crate::model::state::ClusterState;
use crate::model::topology::Layout;
use crate::msg;
use crate::verify::Check;

/// A manual failover gives up after this (Redis's CLUSTER_MF_TIMEOUT), plus a margin.
pub const MANUAL_FAILOVER_TIMEOUT: Duration = Duration::from_secs(6);

pub struct Situation<'a> {
    pub checks: &'a [Check],
    pub layout: &'a Layout,
    pub start: &'a ClusterState,
    /// The previous look at the cluster: a refused request shows as a count that rose on a
    /// node that was a master before and after it.
    pub previous: Option<&'a ClusterState>,
    pub now: &'a ClusterState,
    /// Since the expected replica was first seen to receive CLUSTER FAILOVER.
    pub since_request: Option<Duration>,
    pub node_timeout_ms: u64,
}

fn failover_command(a: &NodeAddr) -> String {
    format!("redis-cli -h {} -p {} CLUSTER FAILOVER", a.host, a.port)
}

/// The replica the step wants promoted, and its master, at the step's start.
pub fn expected_promotion(s: &Situation) -> Option<(NodeAddr, NodeAddr)> {
    let replica_at_start = |n: &NodeRef| -> Option<(NodeAddr, NodeAddr)> {
        let a = s.layout.addr(n)?;
        let node = s.start.node(a)?;
        (node.role == Role::Replica).then_some(())?;
        Some((a.clone(), s.start.master_of(node)?.addr.clone()))
    };
    s.checks
        .iter()
        .flat_map(|c| c.wants_master())
        .find_map(replica_at_start)
}

/// Advice for a step whose checks do not pass yet; empty when there is nothing to say.
pub fn diagnose(s: &Situation) -> Vec<Msg> {
    let Some((replica, master)) = expected_promotion(s) else {
        return vec![];
    };
    let mut advice = vec![];
    // A replica promoted that should not have been: the student failed over the wrong one.
    for node in s.now.masters() {
        let Some(before) = s.start.node(&node.addr) else {
            continue;
        };
        if before.role != Role::Replica || node.addr == replica {
            continue;
        }
        let old_master = s.start.master_of(before).map(|m| m.addr.clone());
        if let Some(old_master) = old_master {
            advice.push(msg!(
                "diagnose-wrong-replica",
                promoted = node.addr.to_string(),
                master = old_master.to_string(),
                expected = replica.to_string(),
                undo = failover_command(&old_master)
            ));
        }
    }
    // CLUSTER FAILOVER sent to a master: it refuses, and nothing changes but the count. (A
    // replica taking over also counts one, but it is not a master before and after.)
    let previous = s.previous.unwrap_or(s.start);
    for node in &s.now.nodes {
        let Some(before) = previous.node(&node.addr) else {
            continue;
        };
        // A master that failed over away and back has a new config epoch; one that only
        // refused keeps its own.
        if before.role == Role::Master
            && node.role == Role::Master
            && node.config_epoch == before.config_epoch
            && node.failover_requests > before.failover_requests
        {
            advice.push(msg!(
                "diagnose-sent-to-master",
                node = node.addr.to_string(),
                replica = replica.to_string(),
                command = failover_command(&replica)
            ));
        }
    }
    // Sent to the right replica, but nothing changed.
    if let Some(r) = s.now.node(&replica)
        && r.role == Role::Replica
    {
        let asked = s
            .start
            .node(&replica)
            .is_some_and(|b| r.failover_requests > b.failover_requests);
        if r.replication.link_up != Some(true) {
            advice.push(msg!(
                "diagnose-link-down",
                replica = replica.to_string(),
                master = master.to_string()
            ));
        } else if asked
            && s.since_request
                .is_some_and(|d| d >= MANUAL_FAILOVER_TIMEOUT)
        {
            // Redis's election timeout is 2 × node-timeout (at least 2 s); a replica retries an
            // election only after twice that.
            let auth_timeout = (s.node_timeout_ms * 2).max(2000);
            advice.push(msg!(
                "diagnose-timed-out",
                replica = replica.to_string(),
                seconds = s.since_request.map_or(0, |d| d.as_secs()),
                vote = auth_timeout / 1000,
                retry = auth_timeout * 2 / 1000,
                command = failover_command(&replica)
            ));
        }
    }
    advice
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, Localizer};
    use crate::model::state::tests::{build, course_state};
    use crate::model::topology::tests::course_topology;
    use crate::model::topology::{DEFAULT_LOCAL_BASE, Layout};

    fn checks() -> Vec<Check> {
        vec![Check::new(crate::verify::kinds::RolesSwapped(
            NodeRef::new("b", 6379),
            NodeRef::new("c", 6380),
        ))]
    }

    fn advise(now: &ClusterState, since: Option<Duration>) -> Vec<String> {
        advise_after(&course_state(), now, since)
    }

    fn advise_after(
        previous: &ClusterState,
        now: &ClusterState,
        since: Option<Duration>,
    ) -> Vec<String> {
        let layout = Layout::local(&course_topology(), DEFAULT_LOCAL_BASE);
        let checks = checks();
        let start = course_state();
        let s = Situation {
            checks: &checks,
            layout: &layout,
            start: &start,
            previous: Some(previous),
            now,
            since_request: since,
            node_timeout_ms: 5000,
        };
        let en = Localizer::new(Lang::En);
        diagnose(&s).iter().map(|m| m.text_in(&en)).collect()
    }

    #[test]
    fn the_wrong_replica_is_named_with_the_undo_command() {
        // 127.0.158.101:6380 (replica of .100:6379) was failed over instead of .102:6380.
        let now = build(&[
            ("a6379", "127.0.158.100:6379", Some("b6380"), "", 1),
            ("b6379", "127.0.158.101:6379", None, "6461-10922", 2),
            (
                "c6379",
                "127.0.158.102:6379",
                None,
                "5961-6460 10923-16383",
                3,
            ),
            ("b6380", "127.0.158.101:6380", None, "0-5960", 7),
            ("c6380", "127.0.158.102:6380", Some("b6379"), "", 2),
            ("a6380", "127.0.158.100:6380", Some("c6379"), "", 3),
        ]);
        let advice = advise(&now, None);
        assert_eq!(advice.len(), 1, "{advice:?}");
        assert!(advice[0].contains("127.0.158.101:6380"), "{}", advice[0]);
        assert!(
            advice[0].contains("redis-cli -h 127.0.158.100 -p 6379 CLUSTER FAILOVER"),
            "{}",
            advice[0]
        );
    }

    #[test]
    fn failover_sent_to_a_master() {
        let mut now = course_state();
        now.nodes[1].failover_requests = 1; // 127.0.158.101:6379, the master.
        let advice = advise(&now, None);
        assert_eq!(advice.len(), 1);
        assert!(
            advice[0].starts_with("127.0.158.101:6379 is a master"),
            "{}",
            advice[0]
        );
        assert!(advice[0].contains("redis-cli -h 127.0.158.102 -p 6380 CLUSTER FAILOVER"));
    }

    #[test]
    fn undoing_a_wrong_failover_is_not_a_request_to_a_master() {
        // 127.0.158.100:6379 was a replica (after a wrong failover) when it got the command.
        let mut previous = course_state();
        previous.nodes[0].role = Role::Replica;
        let mut now = course_state();
        now.nodes[0].failover_requests = 1;
        now.nodes[0].config_epoch = 9;
        assert!(advise_after(&previous, &now, None).is_empty());
        // Even measured from the step's start, when it was a master too.
        assert!(advise(&now, None).is_empty());
    }

    #[test]
    fn a_failover_that_timed_out_explains_the_vote_delay() {
        let mut now = course_state();
        now.nodes[4].failover_requests = 1; // 127.0.158.102:6380, the right replica.
        assert!(
            advise(&now, Some(Duration::from_secs(2))).is_empty(),
            "still in progress"
        );
        let advice = advise(&now, Some(Duration::from_secs(8)));
        assert_eq!(advice.len(), 1);
        assert!(advice[0].contains("(10 s here)"), "{}", advice[0]);
        assert!(advice[0].contains("(20 s here)"), "{}", advice[0]);
    }

    #[test]
    fn a_replica_whose_link_is_down_cannot_fail_over() {
        let mut now = course_state();
        now.nodes[4].replication.link_up = Some(false);
        let advice = advise(&now, None);
        assert!(advice[0].contains("link"), "{advice:?}");
    }

    #[test]
    fn nothing_to_say_before_anything_happened() {
        assert!(advise(&course_state(), None).is_empty());
    }
}
