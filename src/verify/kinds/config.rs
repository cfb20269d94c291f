//! `config: { node, name, value | set }`: one CONFIG GET value of one node, as the node runs
//! it (`value: 1mb`), or only whether it is set (`set: true`). Passwords (requirepass,
//! masterauth) are never read into a snapshot: for them only `set` can be asked.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::state::{SECRET_DIRECTIVES, SECRET_SHOWN};
use crate::model::{ClusterState, NodeRef};
use crate::msg;
use crate::verify::Context;
use crate::verify::args::{Arg, Args};
use crate::verify::check::{Check, Evidence, Kind, KindDef, Simulation};

pub static DEF: KindDef = KindDef {
    name: "config",
    bare: false,
    usage: "config: { node: a:6379, name: repl-backlog-size, value: 1048576 }",
    build: |a: &mut Args| {
        let f = a.fields(&["node", "name", "value", "set"])?;
        let node = a.required(&f, "node").and_then(|n| a.node(n));
        let name = a.required(&f, "name").and_then(|v| match &v.value {
            Arg::Scalar(s)
                if !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') =>
            {
                Some(s.clone())
            }
            _ => {
                a.bad(v, msg!("check-what-config-name"));
                None
            }
        });
        let want = match (Args::optional(&f, "value"), Args::optional(&f, "set")) {
            (Some(v), None) => match &v.value {
                Arg::Scalar(s) => {
                    if name
                        .as_deref()
                        .is_some_and(|n| SECRET_DIRECTIVES.contains(&n))
                    {
                        a.bad(v, msg!("check-config-secret-value"));
                        return None;
                    }
                    Want::Value(s.clone())
                }
                _ => {
                    a.bad(v, msg!("check-what-config-value"));
                    return None;
                }
            },
            (None, Some(v)) => Want::Set(a.flag(v)?),
            _ => {
                a.bad(a.value(), msg!("check-config-value-or-set"));
                return None;
            }
        };
        Some(Check::new(Config {
            node: node?,
            name: name?,
            want,
        }))
    },
};

#[derive(Clone, Debug, PartialEq)]
pub enum Want {
    Value(String),
    Set(bool),
}

#[derive(Debug)]
pub struct Config {
    pub node: NodeRef,
    pub name: String,
    pub want: Want,
}

impl Config {
    fn value_in(&self, s: &ClusterState, cx: &Context) -> Option<String> {
        s.node(&cx.addr(&self.node))
            .and_then(|n| n.config.get(&self.name).cloned())
    }
}

impl Kind for Config {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        let want = match &self.want {
            Want::Value(v) => format!("value: {v}"),
            Want::Set(b) => format!("set: {b}"),
        };
        format!(
            "{}: {{ node: {}, name: {}, {want} }}",
            DEF.name, self.node, self.name
        )
    }

    fn nodes(&self) -> Vec<&NodeRef> {
        vec![&self.node]
    }

    fn config(&self) -> Vec<&str> {
        vec![&self.name]
    }

    fn evaluate(&self, cx: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let a = cx.addr(&self.node);
        let Some(node) = s.node(&a) else {
            return Some(msg!("verify-info-unreachable", node = a.to_string()));
        };
        let Some(now) = node.config.get(&self.name) else {
            return Some(msg!(
                "verify-config-unknown",
                node = a.to_string(),
                name = self.name.as_str()
            ));
        };
        let (holds, wanted) = match &self.want {
            Want::Value(v) => (now == v, msg!("verify-config-value", value = v.as_str())),
            Want::Set(true) => (!now.is_empty(), msg!("verify-config-set")),
            Want::Set(false) => (now.is_empty(), msg!("verify-config-unset")),
        };
        if holds {
            return None;
        }
        let has = if now.is_empty() {
            msg!("verify-config-empty").text()
        } else if now == SECRET_SHOWN {
            msg!("verify-config-set").text()
        } else {
            format!("“{now}”")
        };
        Some(msg!(
            "verify-config",
            node = a.to_string(),
            name = self.name.as_str(),
            wanted = wanted,
            has = has
        ))
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        vec![(
            "config",
            json!({
                "node": e.cx.addr(&self.node).to_string(),
                "name": self.name,
                "baseline": self.value_in(e.baseline, e.cx),
                "now": self.value_in(e.now, e.cx),
            }),
        )]
    }

    fn simulation(&self) -> Simulation {
        Simulation::NotSimulated(msg!("sim-not-config", kind = DEF.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval, n};

    fn with(name: &str, value: &str) -> ClusterState {
        let mut s = course_state();
        s.nodes[0].config.insert(name.into(), value.into());
        s
    }

    fn check(name: &str, want: Want) -> Config {
        Config {
            node: n("a", 6379),
            name: name.into(),
            want,
        }
    }

    #[test]
    fn values_and_whether_set() {
        let s = with("repl-backlog-size", "1048576");
        let v = |x: &str| Want::Value(x.into());
        assert_eq!(eval(check("repl-backlog-size", v("1048576")), &s), None);
        assert_eq!(
            eval(check("repl-backlog-size", v("2097152")), &s).unwrap(),
            "repl-backlog-size on 127.0.158.100:6379 should be “2097152”; it is “1048576”."
        );
        let p = with("requirepass", SECRET_SHOWN);
        assert_eq!(eval(check("requirepass", Want::Set(true)), &p), None);
        let e = eval(check("requirepass", Want::Set(false)), &p).unwrap();
        assert!(!e.contains(SECRET_SHOWN) && e.contains("set"), "{e}");
        let empty = with("requirepass", "");
        assert!(eval(check("requirepass", Want::Set(true)), &empty).is_some());
        // Not asked of this node: said so, not taken for empty.
        assert!(
            eval(check("maxmemory", Want::Set(false)), &course_state())
                .unwrap()
                .contains("maxmemory")
        );
    }
}
