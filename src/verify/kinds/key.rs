//! `key: { node, key, type, value, len, exists }`: one key as one node holds it: a write seen
//! on a replica, a key gone after FLUSHALL, a list that grew. Every field but `node` and `key`
//! is optional; those given must all hold.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::state::KeyValue;
use crate::model::{ClusterState, NodeRef};
use crate::msg;
use crate::verify::Context;
use crate::verify::args::{Arg, Args};
use crate::verify::check::{Check, Evidence, Kind, KindDef, Simulation};

const TYPES: [&str; 6] = ["string", "list", "hash", "set", "zset", "stream"];

pub static DEF: KindDef = KindDef {
    name: "key",
    bare: false,
    usage: "key: { node: b:6379, key: greeting, value: hello }",
    build: |a: &mut Args| {
        let f = a.fields(&["node", "key", "type", "value", "len", "exists"])?;
        let node = a.required(&f, "node").and_then(|n| a.node(n));
        let key = a.required(&f, "key").and_then(|v| match &v.value {
            Arg::Scalar(s) if !s.is_empty() => Some(s.clone()),
            _ => {
                a.bad(v, msg!("check-what-key"));
                None
            }
        });
        let kind = match Args::optional(&f, "type") {
            None => None,
            Some(v) => match &v.value {
                Arg::Scalar(s) if TYPES.contains(&s.as_str()) => Some(s.clone()),
                _ => {
                    a.bad(v, msg!("check-what-key-type", known = TYPES.join(", ")));
                    return None;
                }
            },
        };
        let value = match Args::optional(&f, "value") {
            None => None,
            Some(v) => match &v.value {
                Arg::Scalar(s) => Some(s.clone()),
                _ => {
                    a.bad(v, msg!("check-what-key-value"));
                    return None;
                }
            },
        };
        let len = match Args::optional(&f, "len") {
            None => None,
            Some(v) => Some(a.number(v)?),
        };
        let exists = match Args::optional(&f, "exists") {
            None => true,
            Some(v) => a.flag(v)?,
        };
        if !exists && (kind.is_some() || value.is_some() || len.is_some()) {
            a.bad(a.value(), msg!("check-key-missing-with-fields"));
            return None;
        }
        Some(Check::new(Key {
            node: node?,
            key: key?,
            kind,
            value,
            len,
            exists,
        }))
    },
};

#[derive(Debug)]
pub struct Key {
    pub node: NodeRef,
    pub key: String,
    pub kind: Option<String>,
    pub value: Option<String>,
    pub len: Option<u64>,
    pub exists: bool,
}

impl Key {
    fn holds(&self, k: &KeyValue) -> bool {
        if !self.exists {
            return k.kind == "none";
        }
        k.kind != "none"
            && self.kind.as_ref().is_none_or(|t| *t == k.kind)
            && self
                .value
                .as_ref()
                .is_none_or(|v| k.value.as_ref() == Some(v))
            && self.len.is_none_or(|n| n == k.len)
    }

    fn seen(&self, s: &ClusterState, cx: &Context) -> Option<KeyValue> {
        s.node(&cx.addr(&self.node)).map(|n| {
            n.key_values
                .get(&self.key)
                .cloned()
                .unwrap_or_else(|| KeyValue {
                    kind: "none".into(),
                    ..KeyValue::default()
                })
        })
    }
}

impl Kind for Key {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        let mut out = format!("{}: {{ node: {}, key: {}", DEF.name, self.node, self.key);
        if let Some(t) = &self.kind {
            out.push_str(&format!(", type: {t}"));
        }
        if let Some(v) = &self.value {
            out.push_str(&format!(", value: {v}"));
        }
        if let Some(n) = self.len {
            out.push_str(&format!(", len: {n}"));
        }
        if !self.exists {
            out.push_str(", exists: false");
        }
        out + " }"
    }

    fn nodes(&self) -> Vec<&NodeRef> {
        vec![&self.node]
    }

    fn keys(&self) -> Vec<&str> {
        vec![&self.key]
    }

    fn evaluate(&self, cx: &Context, _: Option<&ClusterState>, s: &ClusterState) -> Option<Msg> {
        let a = cx.addr(&self.node);
        let Some(k) = self.seen(s, cx) else {
            return Some(msg!("verify-info-unreachable", node = a.to_string()));
        };
        if self.holds(&k) {
            return None;
        }
        let key = self.key.as_str();
        let node = a.to_string();
        Some(match (&k.kind[..], self.exists) {
            ("none", true) => msg!("verify-key-missing", node = node, key = key),
            (_, false) => msg!("verify-key-present", node = node, key = key, kind = k.kind),
            _ => {
                let wanted = [
                    self.kind.clone(),
                    self.value.as_ref().map(|v| format!("“{v}”")),
                    self.len.map(|n| msg!("verify-key-len", len = n).text()),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
                let has = [
                    Some(k.kind.clone()),
                    k.value.as_ref().map(|v| format!("“{v}”")),
                    Some(msg!("verify-key-len", len = k.len).text()),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
                msg!(
                    "verify-key",
                    node = node,
                    key = key,
                    wanted = wanted,
                    has = has
                )
            }
        })
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        vec![(
            "key",
            json!({
                "node": e.cx.addr(&self.node).to_string(),
                "key": self.key,
                "baseline": self.seen(e.baseline, e.cx),
                "now": self.seen(e.now, e.cx),
            }),
        )]
    }

    fn simulation(&self) -> Simulation {
        Simulation::NotSimulated(msg!("sim-not-key", kind = DEF.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::kinds::testing::{course_state, eval, n};

    fn holding(kind: &str, len: u64, value: Option<&str>) -> ClusterState {
        let mut s = course_state();
        s.nodes[1].key_values.insert(
            "greeting".into(),
            KeyValue {
                kind: kind.into(),
                len,
                value: value.map(Into::into),
            },
        );
        s
    }

    fn key(kind: Option<&str>, value: Option<&str>, len: Option<u64>, exists: bool) -> Key {
        Key {
            node: n("b", 6379),
            key: "greeting".into(),
            kind: kind.map(Into::into),
            value: value.map(Into::into),
            len,
            exists,
        }
    }

    #[test]
    fn a_string_is_compared_by_value_type_and_length() {
        let s = holding("string", 5, Some("hello"));
        assert_eq!(eval(key(None, Some("hello"), None, true), &s), None);
        assert_eq!(eval(key(Some("string"), None, Some(5), true), &s), None);
        let e = eval(key(None, Some("bye"), None, true), &s).unwrap();
        assert_eq!(
            e,
            "on 127.0.158.101:6379 the key “greeting” should be “bye”; it is string, “hello”, length 5."
        );
        let e = eval(key(None, None, None, false), &s).unwrap();
        assert!(e.contains("string"), "{e}");
    }

    #[test]
    fn a_missing_key_is_said_so() {
        let s = course_state();
        let e = eval(key(None, None, None, true), &s).unwrap();
        assert!(
            e.contains("greeting") && e.contains("127.0.158.101:6379"),
            "{e}"
        );
        assert_eq!(eval(key(None, None, None, false), &s), None);
        let l = holding("list", 3, None);
        assert_eq!(eval(key(Some("list"), None, Some(3), true), &l), None);
        assert!(eval(key(Some("set"), None, None, true), &l).is_some());
    }
}
