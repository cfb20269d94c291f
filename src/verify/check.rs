//! Checks: language-neutral assertions about a cluster's state, as a lab declares them.
//!
//! Every kind of check is one self-contained unit in `kinds/`: how it is written and read, what
//! it needs around it, how it is evaluated over a snapshot and says what differs, the evidence
//! a grade keeps for it, and whether lint can judge it on a pictured state. A new kind is one
//! file there, one line in its registry and its messages.
//!
//! In YAML each check is either a bare kind (`- cluster-ok`) or a one-key map
//! (`- role: { node: c:6380, is: master }`).

use std::fmt;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_saphyr::Spanned;

use super::Context;
use super::args::{Arg, Args, Build};
use super::kinds::KINDS;
use crate::i18n::{Msg, serde_error};
use crate::model::{ClusterState, NodeRef};
use crate::msg;

/// What a kind needs around it to be evaluated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// Compares with the state when the step began: it belongs in action steps and criteria.
    pub start: bool,
    /// Reads the counters of the consistency test running in the background.
    pub consistency: bool,
    /// Counts the lab's keys: the lab must declare its data.
    pub data: bool,
}

/// Whether lint can judge a check on a pictured state (the topology with its set-up applied).
#[derive(Clone, Debug, PartialEq)]
pub enum Simulation {
    /// The pictured state holds everything the check reads.
    Exact,
    /// It reads what no picture has (a running test, time, processes, gossip): only a real
    /// cluster (`lab test`) can tell; the message says why.
    NotSimulated(Msg),
}

/// The two states a grade's evidence is taken from.
pub struct Evidence<'a> {
    pub cx: &'a Context<'a>,
    pub baseline: &'a ClusterState,
    pub now: &'a ClusterState,
}

/// One kind of check, with its arguments.
pub trait Kind: fmt::Debug + Send + Sync {
    /// The kind as written in YAML: `role`.
    fn name(&self) -> &'static str;

    /// The check as written in `lab.yaml`: `role: { node: c:6380, is: master }`.
    fn written(&self) -> String;

    fn needs(&self) -> Needs {
        Needs::default()
    }

    /// The nodes it names, for evidence and for failover advice.
    fn nodes(&self) -> Vec<&NodeRef> {
        vec![]
    }

    /// `None` when the check holds; otherwise what was expected and what the cluster shows.
    fn evaluate(
        &self,
        cx: &Context,
        start: Option<&ClusterState>,
        now: &ClusterState,
    ) -> Option<Msg>;

    /// What a grade keeps besides the named nodes' state: the slice of cluster-wide state the
    /// check looked at, by name.
    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)>;

    fn simulation(&self) -> Simulation {
        Simulation::Exact
    }

    /// Nodes the check wants serving as masters: which replica a failover step is about.
    fn wants_master(&self) -> Vec<&NodeRef> {
        vec![]
    }
}

/// A check of any kind: cheap to clone, compared by how it is written.
#[derive(Clone)]
pub struct Check(Arc<dyn Kind>);

impl Check {
    pub fn new(k: impl Kind + 'static) -> Check {
        Check(Arc::new(k))
    }
}

impl std::ops::Deref for Check {
    type Target = dyn Kind;
    fn deref(&self) -> &(dyn Kind + 'static) {
        &*self.0
    }
}

impl PartialEq for Check {
    fn eq(&self, other: &Check) -> bool {
        self.written() == other.written()
    }
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written())
    }
}

/// How a kind is read: its name, whether it takes arguments, an example of it written out
/// (error messages show it), and the function that reads its arguments.
pub struct KindDef {
    pub name: &'static str,
    /// Written bare (`- cluster-ok`), or with a value that is ignored (`- cluster-ok: true`).
    pub bare: bool,
    pub usage: &'static str,
    pub build: fn(&mut Args) -> Option<Check>,
}

impl KindDef {
    pub fn find(name: &str) -> Option<&'static KindDef> {
        KINDS.iter().copied().find(|k| k.name == name)
    }

    /// Every kind, as written in YAML, for messages and docs.
    pub fn names() -> Vec<&'static str> {
        KINDS.iter().map(|k| k.name).collect()
    }

    /// The check these arguments make, resolving node names with `build`; `None` when they
    /// are wrong (the problem is reported to `build`, where it is written).
    pub fn read(&'static self, args: &Spanned<Arg>, build: &mut dyn Build) -> Option<Check> {
        let mut a = Args::new(self.name, self.usage, args, build);
        (self.build)(&mut a)
    }
}

/// A check as read from YAML, before its nodes are resolved: a known kind and its arguments,
/// an unknown kind (kept with its name, so lint reports it and reads on), or a nested list,
/// which lets a YAML alias to another step's checks sit beside more checks.
#[derive(Clone, Debug)]
pub enum RawCheck {
    Known {
        def: &'static KindDef,
        args: Spanned<Arg>,
    },
    Unknown(String),
    Group(Vec<Spanned<RawCheck>>),
}

impl fmt::Debug for KindDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl PartialEq for RawCheck {
    fn eq(&self, other: &RawCheck) -> bool {
        match (self, other) {
            (RawCheck::Known { def: a, args: x }, RawCheck::Known { def: b, args: y }) => {
                a.name == b.name && x.value == y.value
            }
            (RawCheck::Unknown(a), RawCheck::Unknown(b)) => a == b,
            (RawCheck::Group(a), RawCheck::Group(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.value == y.value)
            }
            _ => false,
        }
    }
}

impl<'de> Deserialize<'de> for RawCheck {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawCheck;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a check")
            }

            fn visit_str<E: de::Error>(self, kind: &str) -> Result<RawCheck, E> {
                match KindDef::find(kind) {
                    Some(def) if def.bare => Ok(RawCheck::Known {
                        def,
                        args: Spanned::new(
                            Arg::Empty,
                            serde_saphyr::Location::UNKNOWN,
                            serde_saphyr::Location::UNKNOWN,
                        ),
                    }),
                    // A kind that takes arguments, written bare.
                    Some(def) => Err(serde_error(msg!("yaml-expected-kind", value = def.name))),
                    None => Ok(RawCheck::Unknown(kind.to_string())),
                }
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawCheck, A::Error> {
                let mut group = vec![];
                while let Some(c) = seq.next_element()? {
                    group.push(c);
                }
                Ok(RawCheck::Group(group))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawCheck, A::Error> {
                let Some(kind) = map.next_key::<String>()? else {
                    return Ok(RawCheck::Unknown(String::new()));
                };
                let check = match KindDef::find(&kind) {
                    // `- cluster-ok: true` reads naturally too.
                    Some(def) if def.bare => {
                        map.next_value::<IgnoredAny>()?;
                        self.visit_str(&kind)?
                    }
                    Some(def) => RawCheck::Known {
                        def,
                        args: map.next_value()?,
                    },
                    None => {
                        map.next_value::<IgnoredAny>()?;
                        RawCheck::Unknown(kind)
                    }
                };
                // A check is a one-key map; a second key is a mistake worth naming.
                if let Some(extra) = map.next_key::<String>()? {
                    return Err(serde_error(msg!("yaml-check-two-kinds", value = extra)));
                }
                Ok(check)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, Localizer};

    fn parse(yaml: &str) -> Result<Vec<RawCheck>, String> {
        serde_saphyr::from_str(yaml).map_err(|e| e.to_string())
    }

    /// Resolves `host:port` names as they are, reporting problems in English.
    #[derive(Default)]
    struct Names {
        problems: Vec<(usize, String)>,
    }

    impl Build for Names {
        fn node(&mut self, name: &Spanned<String>) -> Option<NodeRef> {
            let r = name.value.parse().ok();
            if r.is_none() {
                self.problems.push((
                    name.referenced.line() as usize,
                    format!("node {}", name.value),
                ));
            }
            r
        }
        fn error(&mut self, at: &serde_saphyr::Location, m: Msg) {
            self.problems
                .push((at.line() as usize, m.text_in(&Localizer::new(Lang::En))));
        }
    }

    fn build(yaml: &str) -> (Vec<Check>, Vec<(usize, String)>) {
        let mut names = Names::default();
        let checks = parse(yaml)
            .unwrap()
            .iter()
            .filter_map(|c| match c {
                RawCheck::Known { def, args } => def.read(args, &mut names),
                other => panic!("not a single check: {other:?}"),
            })
            .collect();
        (checks, names.problems)
    }

    #[test]
    fn every_kind_reads_and_is_written_back_the_same() {
        let yaml = "- cluster-ok\n- slots-covered: true\n- nodes-agree\n- no-open-slots\n- replicas-in-sync\n\
             - masters: 3\n- replicas: 3\n- keys: 6557\n\
             - role: { node: c:6380, is: master }\n\
             - replica-of: { node: b:6379, master: c:6380 }\n\
             - slots: { node: c:6379, slots: [5961-6460, 10923-16383, 7] }\n\
             - epoch-rose: c:6380\n- epoch-rose: { node: c:6380 }\n\
             - roles-swapped: [b:6379, c:6380]\n\
             - consistency: { lost: 0, failover: true }\n\
             - known-nodes: 6\n- down: b:6379\n- flagged: { node: b:6379, flag: fail }\n\
             - elapsed: { min: 5, max: 30 }\n- keys-follow-slots\n";
        let (checks, problems) = build(yaml);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(checks.len(), 20);
        let kinds: Vec<&str> = checks.iter().map(|c| c.name()).collect();
        for k in KindDef::names() {
            assert!(kinds.contains(&k), "{k} not covered");
        }
        // Written back, each reads as itself.
        for c in &checks {
            let again = build(&format!("- {}\n", c.written()));
            assert_eq!(again.0, vec![c.clone()], "{}", c.written());
        }
        assert_eq!(
            checks[10].written(),
            "slots: { node: c:6379, slots: [7, 5961-6460, 10923-16383] }"
        );
    }

    #[test]
    fn unknown_kinds_are_kept_for_lint() {
        let checks = parse("- clusterok\n- master-of: { node: a:1 }\n- keys: 1\n").unwrap();
        assert_eq!(checks[0], RawCheck::Unknown("clusterok".into()));
        assert_eq!(checks[1], RawCheck::Unknown("master-of".into()));
        assert!(matches!(&checks[2], RawCheck::Known { def, .. } if def.name == "keys"));
    }

    #[test]
    fn nested_lists_group_checks() {
        let checks = parse("- [cluster-ok, { keys: 2 }]\n- nodes-agree\n").unwrap();
        let RawCheck::Group(g) = &checks[0] else {
            panic!("{checks:?}")
        };
        assert!(matches!(&g[1].value, RawCheck::Known { def, .. } if def.name == "keys"));
        assert_eq!(g[1].referenced.column(), 16);
    }

    #[test]
    fn bad_arguments_are_reported_where_they_are_written() {
        let (_, p) = build("- role: { node: a:1, is: boss }\n");
        assert!(p[0].1.contains("“boss” is not a role"), "{p:?}");
        let (_, p) = build("- role: { node: a:1 }\n");
        assert!(p[0].1.contains("“is” is missing"), "{p:?}");
        assert!(
            p[0].1.contains("role: { node: c:6380, is: master }"),
            "{p:?}"
        );
        let (_, p) = build("- slots: { node: a:1, slots: [9-2] }\n");
        assert!(p[0].1.contains("not a slot range"), "{p:?}");
        let (_, p) = build("- masters: three\n");
        assert!(p[0].1.contains("“three” is not a whole number"), "{p:?}");
        let (_, p) = build("- role: { node: a:1, is: master, why: x }\n");
        assert!(p[0].1.contains("“why” is not a field of role"), "{p:?}");
        let (_, p) = build("\n\n- roles-swapped: [a:1]\n");
        assert_eq!(p[0].0, 3, "{p:?}");
        assert!(parse("- role\n").is_err());
        assert!(parse("- keys: 1\n  masters: 2\n").is_err());
    }
}
