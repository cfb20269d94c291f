//! `role: { node, is }`: a node's role.

use serde_json::Value;

use crate::i18n::Msg;
use crate::model::{ClusterState, NodeRef, Role};
use crate::msg;
use crate::verify::args::Args;
use crate::verify::check::{Check, Evidence, Kind, KindDef};
use crate::verify::{Context, describe, role_word};

pub static DEF: KindDef = KindDef {
    name: "role",
    bare: false,
    usage: "role: { node: c:6380, is: master }",
    build: |a: &mut Args| {
        let f = a.fields(&["node", "is"])?;
        let (node, is) = (a.required(&f, "node"), a.required(&f, "is"));
        let node = a.node(node?);
        let is = a.role(is?);
        Some(Check::new(RoleIs {
            node: node?,
            is: is?,
        }))
    },
};

#[derive(Debug)]
pub struct RoleIs {
    pub node: NodeRef,
    pub is: Role,
}

impl Kind for RoleIs {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        format!("{}: {{ node: {}, is: {} }}", DEF.name, self.node, self.is)
    }

    fn nodes(&self) -> Vec<&NodeRef> {
        vec![&self.node]
    }

    fn wants_master(&self) -> Vec<&NodeRef> {
        match self.is {
            Role::Master => vec![&self.node],
            Role::Replica => vec![],
        }
    }

    fn evaluate(&self, cx: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let a = cx.addr(&self.node);
        match s.node(&a) {
            Some(n) if n.role == self.is => None,
            _ => Some(msg!(
                "verify-role",
                node = a.to_string(),
                role = role_word(self.is),
                actual = describe(s, &a)
            )),
        }
    }

    fn evidence(&self, _: &Evidence) -> Vec<(&'static str, Value)> {
        // The node's own state is all it looks at, and every named node is kept.
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval, failed_over, n};

    #[test]
    fn a_node_s_role() {
        let master = || RoleIs {
            node: n("c", 6380),
            is: Role::Master,
        };
        assert_eq!(eval(master(), &failed_over()), None);
        assert_eq!(
            eval(master(), &course_state()).unwrap(),
            "expected 127.0.158.102:6380 to be master; it is a replica of 127.0.158.101:6379"
        );
        let mut gone = course_state();
        gone.nodes.retain(|n| n.id != "c6380");
        let replica = RoleIs {
            node: n("c", 6380),
            is: Role::Replica,
        };
        assert_eq!(
            eval(replica, &gone).unwrap(),
            "expected 127.0.158.102:6380 to be replica; it does not answer"
        );
    }
}
