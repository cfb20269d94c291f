//! `replica-of: { node, master }`: a node replicates the given master.

use serde_json::Value;

use crate::i18n::Msg;
use crate::model::{ClusterState, NodeRef, Role};
use crate::msg;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef};
use crate::verify::{Context, describe};

pub static DEF: KindDef = KindDef {
    name: "replica-of",
    bare: false,
    usage: "replica-of: { node: b:6379, master: c:6380 }",
    build: |a: &mut Args| {
        let f = a.fields(&["node", "master"])?;
        let (node, master) = (a.required(&f, "node"), a.required(&f, "master"));
        let node = node.and_then(|n| a.node(n));
        let master = master.and_then(|m| a.node(m));
        Some(Check::new(ReplicaOf {
            node: node?,
            master: master?,
        }))
    },
};

#[derive(Debug)]
pub struct ReplicaOf {
    pub node: NodeRef,
    pub master: NodeRef,
}

impl Kind for ReplicaOf {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        format!(
            "{}: {{ node: {}, master: {} }}",
            DEF.name, self.node, self.master
        )
    }

    fn nodes(&self) -> Vec<&NodeRef> {
        vec![&self.node, &self.master]
    }

    fn wants_master(&self) -> Vec<&NodeRef> {
        vec![&self.master]
    }

    fn evaluate(&self, cx: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let (a, m) = (cx.addr(&self.node), cx.addr(&self.master));
        // Plain nodes name their master by its address, so a master that does not answer (a
        // paused one) is still known; a cluster's is known by the id it answers with.
        let plain = m.to_string();
        let master_id = match s.kind.is_cluster() {
            true => s.node(&m).map(|n| n.id.as_str()),
            false => Some(plain.as_str()),
        };
        match s.node(&a) {
            Some(n)
                if n.role == Role::Replica
                    && master_id.is_some()
                    && n.master_id.as_deref() == master_id =>
            {
                None
            }
            _ => Some(msg!(
                "verify-replica-of",
                node = a.to_string(),
                master = m.to_string(),
                actual = describe(s, &a)
            )),
        }
    }

    fn evidence(&self, _: &Evidence) -> Vec<(&'static str, Value)> {
        // Both named nodes' state is kept, and that is all it looks at.
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval, failed_over, n};

    #[test]
    fn a_replica_and_its_master() {
        let c = || ReplicaOf {
            node: n("b", 6379),
            master: n("c", 6380),
        };
        assert_eq!(eval(c(), &failed_over()), None);
        assert_eq!(
            eval(c(), &course_state()).unwrap(),
            "expected 127.0.158.101:6379 to be a replica of 127.0.158.102:6380; it is master of 6461-10922"
        );
    }

    #[test]
    fn a_plain_replica_follows_a_master_that_does_not_answer() {
        let mut s = course_state();
        s.kind = crate::model::topology::Kind::Replication;
        let master = s.nodes[1].addr.clone();
        let replica = &mut s.nodes[4];
        replica.master_id = Some(master.to_string());
        s.nodes.remove(1);
        let c = || ReplicaOf {
            node: n("c", 6380),
            master: n("b", 6379),
        };
        assert_eq!(eval(c(), &s), None);
        let other = ReplicaOf {
            node: n("c", 6380),
            master: n("a", 6379),
        };
        assert!(eval(other, &s).is_some());
    }
}
