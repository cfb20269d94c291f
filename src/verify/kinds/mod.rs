//! Every kind of check, one file each. A new kind is a file here, a line in [`KINDS`] and its
//! messages in `locales/*/verify.ftl`.

mod cluster_ok;
mod config;
mod consistency;
mod down;
mod elapsed;
mod epoch_rose;
mod flagged;
mod info;
mod key;
mod keys;
mod keys_follow_slots;
mod known_nodes;
mod masters;
mod no_open_slots;
mod nodes_agree;
mod replica_of;
mod replicas;
mod replicas_in_sync;
mod reply;
mod role;
mod roles_swapped;
mod sentinel;
mod sentinel_master;
mod slots;
mod slots_covered;
mod syncs;

use super::check::KindDef;

pub use cluster_ok::ClusterOk;
pub use config::Config;
pub use consistency::Consistency;
pub use down::Down;
pub use elapsed::Elapsed;
pub use epoch_rose::EpochRose;
pub use flagged::{FailFlag, Flagged};
pub use info::Info;
pub use key::Key;
pub use keys::Keys;
pub use keys_follow_slots::KeysFollowSlots;
pub use known_nodes::KnownNodes;
pub use masters::Masters;
pub use no_open_slots::NoOpenSlots;
pub use nodes_agree::NodesAgree;
pub use replica_of::ReplicaOf;
pub use replicas::Replicas;
pub use replicas_in_sync::ReplicasInSync;
pub use reply::Reply;
pub use role::RoleIs;
pub use roles_swapped::RolesSwapped;
pub use sentinel::Sentinel;
pub use sentinel_master::SentinelMaster;
pub use slots::Slots;
pub use slots_covered::SlotsCovered;
pub use syncs::Syncs;

/// The kinds a lab may use, in the order the lab format's guide lists them.
pub static KINDS: &[&KindDef] = &[
    &cluster_ok::DEF,
    &slots_covered::DEF,
    &nodes_agree::DEF,
    &no_open_slots::DEF,
    &replicas_in_sync::DEF,
    &masters::DEF,
    &replicas::DEF,
    &keys::DEF,
    &role::DEF,
    &replica_of::DEF,
    &slots::DEF,
    &epoch_rose::DEF,
    &roles_swapped::DEF,
    &consistency::DEF,
    &known_nodes::DEF,
    &down::DEF,
    &flagged::DEF,
    &elapsed::DEF,
    &keys_follow_slots::DEF,
    &syncs::DEF,
    &info::DEF,
    &key::DEF,
    &config::DEF,
    &sentinel_master::DEF,
    &sentinel::DEF,
    &reply::DEF,
];

/// The kind written `name` in YAML.
pub fn find(name: &str) -> Option<&'static KindDef> {
    KINDS.iter().copied().find(|k| k.name == name)
}

/// Every kind, as written in YAML, for messages and docs.
pub fn names() -> Vec<&'static str> {
    KINDS.iter().map(|k| k.name).collect()
}

/// Hand-built states of the course's layout, and the evaluation of one check in English.
#[cfg(test)]
pub(crate) mod testing {
    use super::super::{Check, ConsistencySummary, Context, evaluate};
    use crate::i18n::{Lang, Localizer};
    pub use crate::model::state::tests::{course_state, failed_over};
    use crate::model::topology::tests::course_topology;
    use crate::model::topology::{DEFAULT_LOCAL_BASE, Layout};
    use crate::model::{ClusterState, NodeRef};

    pub fn n(host: &str, port: u16) -> NodeRef {
        NodeRef::new(host, port)
    }

    /// The course's cluster with 127.0.158.101:6379 down, its peers flagging it with `flag`.
    pub fn b_down(flag: &str) -> ClusterState {
        let mut s = course_state();
        let b = s.nodes.remove(1);
        s.unreachable.push(crate::model::state::Unreachable {
            addr: b.addr.clone(),
            reason: crate::model::state::ConnError::Refused,
        });
        for n in &mut s.nodes {
            for l in n.view.iter_mut().filter(|l| l.id == "b6379") {
                l.flags = vec!["master".into(), flag.into()];
            }
        }
        s
    }

    /// The failure of one check, in English, or `None` when it holds.
    pub fn eval_with(
        c: impl super::super::Kind + 'static,
        start: Option<&ClusterState>,
        now: &ClusterState,
        consistency: Option<&ConsistencySummary>,
    ) -> Option<String> {
        let layout = Layout::local(&course_topology(), DEFAULT_LOCAL_BASE);
        // Two lab keys in 0-5960 (a:6379), one in 6461-10922 (b:6379).
        let key_slots = [1689u16, 42, 7000];
        let cx = Context {
            layout: &layout,
            consistency,
            key_slots: Some(&key_slots),
        };
        let out = evaluate(&[Check::new(c)], &cx, start, now);
        let en = Localizer::new(Lang::En);
        out.results[0].failure.as_ref().map(|m| m.text_in(&en))
    }

    /// Every kind has its file, and every file its tests.
    #[test]
    fn every_kind_is_one_tested_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/verify/kinds");
        for def in super::KINDS {
            let file = dir.join(format!("{}.rs", def.name.replace('-', "_")));
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|_| panic!("{} has no file {}", def.name, file.display()));
            assert!(text.contains("#[test]"), "{} has no test", file.display());
            assert!(
                text.contains(&format!("name: \"{}\"", def.name)),
                "{} does not define {}",
                file.display(),
                def.name
            );
        }
    }

    /// Against the course's healthy cluster as the step's start.
    pub fn eval(c: impl super::super::Kind + 'static, now: &ClusterState) -> Option<String> {
        eval_with(c, Some(&course_state()), now, None)
    }
}
