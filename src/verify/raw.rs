//! A check as YAML writes it, read before the lab's nodes are known: the kind (looked up in
//! the registry of [`super::kinds`]) and its arguments with their positions.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use super::args::Arg;
use super::check::KindDef;
use super::kinds::find;
use crate::i18n::serde_error;
use crate::msg;

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
                match find(kind) {
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
                let check = match find(&kind) {
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
    use crate::i18n::{Lang, Localizer, Msg};
    use crate::model::NodeRef;
    use crate::verify::Check;
    use crate::verify::args::Build;

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
             - elapsed: { min: 5, max: 30 }\n- keys-follow-slots\n\
             - syncs: { node: a:6379, full: 0, partial: 1 }\n\
             - info: { node: a:6379, field: connected_slaves, ge: 1 }\n\
             - info: { node: a:6379, field: sync_full, increased: 1 }\n\
             - info: { node: a:6379, field: master_link_status, changed: false }\n\
             - key: { node: b:6379, key: course, type: string, value: redis, len: 5 }\n\
             - key: { node: b:6379, key: gone, exists: false }\n\
             - config: { node: a:6379, name: repl-backlog-size, value: 1048576 }\n\
             - config: { node: a:6379, name: requirepass, set: true }\n\
             - sentinel-master: b:6379\n\
             - sentinel: { node: a:26379, replicas: 2, sentinels: 2, sees: ok }\n\
             - sentinel: { node: a:26379, quorum: 2 }\n\
             - reply: { node: b:6379, command: SET probe 1, error: NOREPLICAS }\n\
             - reply: { node: b:6379, command: PING, is: PONG }\n\
             - reply: { node: b:6379, command: GET probe, changed: true }\n";
        let (checks, problems) = build(yaml);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(checks.len(), 34);
        let kinds: Vec<&str> = checks.iter().map(|c| c.name()).collect();
        for k in crate::verify::kinds::names() {
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
