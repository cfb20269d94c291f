//! A check's arguments as written in `lab.yaml`, with the position of every value, and the
//! readers each kind uses to take what it needs from them.
//!
//! The YAML is read into [`Arg`] without knowing the kind; the kind's own `build` then asks
//! for its fields by name. A problem is reported where it is written (`file:line:col`) and the
//! rest of the file goes on being read, so one lint run names every mistake.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

use crate::i18n::Msg;
use crate::model::{NodeRef, Role, SlotRange};
use crate::msg;

/// A value as YAML wrote it: nothing, a scalar (as text), a list or a map.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Empty,
    Scalar(String),
    List(Vec<Spanned<Arg>>),
    Map(Vec<(Spanned<String>, Spanned<Arg>)>),
}

impl<'de> Deserialize<'de> for Arg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Arg, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Arg;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Arg, E> {
                Ok(Arg::Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Arg, E> {
                Ok(Arg::Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Arg, E> {
                Ok(Arg::Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Arg, E> {
                Ok(Arg::Scalar(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Arg, E> {
                Ok(Arg::Scalar(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Arg, E> {
                Ok(Arg::Empty)
            }
            fn visit_none<E: de::Error>(self) -> Result<Arg, E> {
                Ok(Arg::Empty)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Arg, A::Error> {
                let mut out = vec![];
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Arg::List(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Arg, A::Error> {
                let mut out = vec![];
                while let Some(k) = map.next_key::<Spanned<String>>()? {
                    out.push((k, map.next_value()?));
                }
                Ok(Arg::Map(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Arg {
    /// The value in words, for messages: `boss`, `[a, b]`.
    pub fn shown(&self) -> String {
        match self {
            Arg::Empty => String::new(),
            Arg::Scalar(s) => s.clone(),
            Arg::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|i| i.value.shown())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Arg::Map(fields) => format!(
                "{{ {} }}",
                fields
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.value, v.value.shown()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// What building a check needs from the lab around it: node names resolved against the
/// topology, and somewhere to report problems.
pub trait Build {
    /// The node a name stands for; `None` (and a reported problem) when the topology has none.
    fn node(&mut self, name: &Spanned<String>) -> Option<NodeRef>;
    fn error(&mut self, at: &Location, m: Msg);
}

/// Reads one check's arguments. Every reader reports its own problem and returns `None`, so a
/// kind's `build` is a straight list of the fields it takes.
pub struct Args<'a> {
    kind: &'static str,
    usage: &'static str,
    at: &'a Spanned<Arg>,
    pub build: &'a mut dyn Build,
}

impl<'a> Args<'a> {
    pub fn new(
        kind: &'static str,
        usage: &'static str,
        at: &'a Spanned<Arg>,
        build: &'a mut dyn Build,
    ) -> Args<'a> {
        Args {
            kind,
            usage,
            at,
            build,
        }
    }

    /// The whole value after the kind (`3` in `masters: 3`).
    pub fn value(&self) -> &'a Spanned<Arg> {
        self.at
    }

    pub fn bad(&mut self, at: &Spanned<Arg>, what: Msg) {
        let m = msg!(
            "check-bad-value",
            value = at.value.shown(),
            what = what,
            usage = self.usage
        );
        self.build.error(&at.referenced, m);
    }

    /// The fields of a map argument, reporting any that the kind does not take. `None` when
    /// the value is not a map.
    pub fn fields(&mut self, known: &[&'static str]) -> Option<Vec<(&'a str, &'a Spanned<Arg>)>> {
        let Arg::Map(fields) = &self.at.value else {
            self.bad(
                self.at,
                msg!("check-what-fields", fields = known.join(", ")),
            );
            return None;
        };
        let mut out = vec![];
        for (k, v) in fields {
            if known.contains(&k.value.as_str()) {
                out.push((k.value.as_str(), v));
            } else {
                self.build.error(
                    &k.referenced,
                    msg!(
                        "check-unknown-field",
                        field = k.value.as_str(),
                        kind = self.kind,
                        known = known.join(", "),
                        usage = self.usage
                    ),
                );
            }
        }
        Some(out)
    }

    /// A field that must be there.
    pub fn required(
        &mut self,
        fields: &[(&'a str, &'a Spanned<Arg>)],
        name: &'static str,
    ) -> Option<&'a Spanned<Arg>> {
        let found = fields.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        if found.is_none() {
            self.build.error(
                &self.at.referenced,
                msg!(
                    "check-missing-field",
                    field = name,
                    kind = self.kind,
                    usage = self.usage
                ),
            );
        }
        found
    }

    pub fn optional(
        fields: &[(&'a str, &'a Spanned<Arg>)],
        name: &'static str,
    ) -> Option<&'a Spanned<Arg>> {
        fields.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }

    pub fn node(&mut self, at: &Spanned<Arg>) -> Option<NodeRef> {
        match &at.value {
            Arg::Scalar(s) => self
                .build
                .node(&Spanned::new(s.clone(), at.referenced, at.defined)),
            _ => {
                self.bad(at, msg!("check-what-node"));
                None
            }
        }
    }

    /// `epoch-rose: b:6379` or `epoch-rose: { node: b:6379 }`.
    pub fn node_or_field(&mut self) -> Option<NodeRef> {
        if let Arg::Map(_) = self.at.value {
            let fields = self.fields(&["node"])?;
            let n = self.required(&fields, "node")?;
            return self.node(n);
        }
        let at = self.at;
        self.node(at)
    }

    pub fn number(&mut self, at: &Spanned<Arg>) -> Option<u64> {
        match &at.value {
            Arg::Scalar(s) if s.parse::<u64>().is_ok() => s.parse().ok(),
            _ => {
                self.bad(at, msg!("check-what-number"));
                None
            }
        }
    }

    /// A whole number up to `u32::MAX` (counts of nodes).
    pub fn count(&mut self, at: &Spanned<Arg>) -> Option<u32> {
        let n = self.number(at)?;
        match u32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                self.bad(at, msg!("check-what-number"));
                None
            }
        }
    }

    pub fn flag(&mut self, at: &Spanned<Arg>) -> Option<bool> {
        match &at.value {
            Arg::Scalar(s) if s == "true" => Some(true),
            Arg::Scalar(s) if s == "false" => Some(false),
            _ => {
                self.bad(at, msg!("check-what-flag"));
                None
            }
        }
    }

    pub fn role(&mut self, at: &Spanned<Arg>) -> Option<Role> {
        match &at.value {
            Arg::Scalar(s) => match s.as_str() {
                "master" | "primary" => Some(Role::Master),
                // Redis itself still says "slave" in places; accept it.
                "replica" | "slave" => Some(Role::Replica),
                _ => {
                    self.build
                        .error(&at.referenced, msg!("yaml-role", value = s.as_str()));
                    None
                }
            },
            _ => {
                self.bad(at, msg!("check-what-role"));
                None
            }
        }
    }

    /// `[0-5960, 7]`, or a single range.
    pub fn slots(&mut self, at: &Spanned<Arg>) -> Option<Vec<SlotRange>> {
        let items: Vec<&Spanned<Arg>> = match &at.value {
            Arg::List(items) => items.iter().collect(),
            Arg::Scalar(_) => vec![at],
            _ => {
                self.bad(at, msg!("check-what-slots"));
                return None;
            }
        };
        let mut out = vec![];
        let mut ok = true;
        for item in items {
            match &item.value {
                Arg::Scalar(s) => match s.parse::<SlotRange>() {
                    Ok(r) => out.push(r),
                    Err(_) => {
                        self.build.error(
                            &item.referenced,
                            msg!("yaml-slot-range", value = s.as_str()),
                        );
                        ok = false;
                    }
                },
                _ => {
                    self.bad(item, msg!("check-what-slots"));
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// A list of exactly `n` nodes.
    pub fn nodes(&mut self, at: &Spanned<Arg>, n: usize) -> Option<Vec<NodeRef>> {
        match &at.value {
            Arg::List(items) if items.len() == n => {
                let nodes: Vec<Option<NodeRef>> = items.iter().map(|i| self.node(i)).collect();
                nodes.into_iter().collect()
            }
            _ => {
                self.bad(at, msg!("check-what-nodes", count = n));
                None
            }
        }
    }
}
