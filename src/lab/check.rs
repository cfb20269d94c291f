//! Checks: language-neutral assertions about a cluster's state, as a lab declares them.
//!
//! A check names nodes the way the lab does (`b:6380`); the evaluator in `verify/` turns them
//! into addresses. `Check<N>` is generic over the node type so the same schema serves the raw
//! manifest (`Spanned<String>`, positions kept for lint) and the validated lab (`NodeRef`).
//!
//! In YAML each check is either a bare kind (`- cluster-ok`) or a one-key map
//! (`- role: { node: c:6380, is: master }`).

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::yaml::coded;
use crate::cluster::slots::SlotRange;
use crate::msg;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Master,
    Replica,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Master => "master",
            Role::Replica => "replica",
        })
    }
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Role, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "master" | "primary" => Ok(Role::Master),
            // Redis itself still says "slave" in places; accept it.
            "replica" | "slave" => Ok(Role::Replica),
            _ => Err(coded(msg!("yaml-role", value = s))),
        }
    }
}

impl<'de> Deserialize<'de> for SlotRange {
    /// `0-5960`, `"5961-6460"` or a single slot `42`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SlotRange, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SlotRange;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a slot range like 0-5960")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<SlotRange, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<SlotRange, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SlotRange, E> {
                v.parse()
                    .map_err(|_| coded(msg!("yaml-slot-range", value = v)))
            }
        }
        d.deserialize_any(V)
    }
}

/// Every kind of check, with the fields it takes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check<N> {
    /// Every node reports `cluster_state:ok`.
    ClusterOk,
    /// Every one of the 16384 slots has an owner.
    SlotsCovered,
    /// Every node sees the same slot owners and roles.
    NodesAgree,
    /// No slot is migrating or importing.
    NoOpenSlots,
    /// Every replica's replication link is up.
    ReplicasInSync,
    /// How many masters serve slots.
    Masters(u32),
    /// How many replicas there are.
    Replicas(u32),
    /// How many keys carry the lab's prefix.
    Keys(u64),
    /// A node's role.
    Role { node: N, is: Role },
    /// A node replicates the given master.
    ReplicaOf { node: N, master: N },
    /// A node is a master serving exactly these slots.
    Slots { node: N, slots: Vec<SlotRange> },
    /// A node's config epoch is higher than when the step began.
    EpochRose { node: N },
    /// Two nodes traded places since the step began: the master became the other's replica.
    RolesSwapped { nodes: [N; 2] },
    /// Every node knows this many nodes, itself included, handshakes done.
    KnownNodes(u32),
    /// The node does not answer.
    Down(N),
    /// Other nodes flag the node as failing: `fail?` (suspected) or `fail` (agreed).
    Flagged { node: N, flag: FailFlag },
    /// The step's change came between `min` and `max` seconds after the step began.
    Elapsed { min: u64, max: Option<u64> },
    /// Each master holds exactly the lab keys of the slots it serves: keys followed their
    /// slots when they moved.
    KeysFollowSlots,
    /// The consistency test running in the background: at most `lost` lost writes; if
    /// `failover`, a slot it wrote to changed owner during the run; and at least `changes` such
    /// changes of owner (a failover and a failback are two).
    Consistency {
        lost: u64,
        failover: bool,
        changes: u64,
    },
}

/// How failing another node looks to the rest of the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailFlag {
    /// `fail?`: some node has not heard from it for node-timeout (or it is already `fail`).
    Suspected,
    /// `fail`: a majority of masters agreed it failed.
    Fail,
}

/// Every kind, as written in YAML, for error messages and docs.
pub const KINDS: &[&str] = &[
    "cluster-ok",
    "slots-covered",
    "nodes-agree",
    "no-open-slots",
    "replicas-in-sync",
    "masters",
    "replicas",
    "keys",
    "role",
    "replica-of",
    "slots",
    "epoch-rose",
    "roles-swapped",
    "consistency",
    "known-nodes",
    "down",
    "flagged",
    "elapsed",
    "keys-follow-slots",
];

impl<N> Check<N> {
    pub fn kind(&self) -> &'static str {
        match self {
            Check::ClusterOk => "cluster-ok",
            Check::SlotsCovered => "slots-covered",
            Check::NodesAgree => "nodes-agree",
            Check::NoOpenSlots => "no-open-slots",
            Check::ReplicasInSync => "replicas-in-sync",
            Check::Masters(_) => "masters",
            Check::Replicas(_) => "replicas",
            Check::Keys(_) => "keys",
            Check::Role { .. } => "role",
            Check::ReplicaOf { .. } => "replica-of",
            Check::Slots { .. } => "slots",
            Check::EpochRose { .. } => "epoch-rose",
            Check::RolesSwapped { .. } => "roles-swapped",
            Check::Consistency { .. } => "consistency",
            Check::KnownNodes(_) => "known-nodes",
            Check::Down(_) => "down",
            Check::Flagged { .. } => "flagged",
            Check::Elapsed { .. } => "elapsed",
            Check::KeysFollowSlots => "keys-follow-slots",
        }
    }

    /// Compares with the state at the step's start, so it only makes sense once the step ran.
    pub fn is_change(&self) -> bool {
        matches!(
            self,
            Check::EpochRose { .. } | Check::RolesSwapped { .. } | Check::Elapsed { .. }
        )
    }

    pub fn nodes(&self) -> Vec<&N> {
        match self {
            Check::Role { node, .. } | Check::Slots { node, .. } | Check::EpochRose { node } => {
                vec![node]
            }
            Check::ReplicaOf { node, master } => vec![node, master],
            Check::Down(node) | Check::Flagged { node, .. } => vec![node],

            Check::RolesSwapped { nodes } => nodes.iter().collect(),
            _ => vec![],
        }
    }

    /// The same check with its nodes converted, stopping at the first that fails.
    pub fn try_map<M, E>(self, mut f: impl FnMut(N) -> Result<M, E>) -> Result<Check<M>, E> {
        Ok(match self {
            Check::ClusterOk => Check::ClusterOk,
            Check::SlotsCovered => Check::SlotsCovered,
            Check::NodesAgree => Check::NodesAgree,
            Check::NoOpenSlots => Check::NoOpenSlots,
            Check::ReplicasInSync => Check::ReplicasInSync,
            Check::Masters(n) => Check::Masters(n),
            Check::Replicas(n) => Check::Replicas(n),
            Check::Keys(n) => Check::Keys(n),
            Check::Role { node, is } => Check::Role { node: f(node)?, is },
            Check::ReplicaOf { node, master } => Check::ReplicaOf {
                node: f(node)?,
                master: f(master)?,
            },
            Check::Slots { node, slots } => Check::Slots {
                node: f(node)?,
                slots,
            },
            Check::EpochRose { node } => Check::EpochRose { node: f(node)? },
            Check::RolesSwapped { nodes: [a, b] } => Check::RolesSwapped {
                nodes: [f(a)?, f(b)?],
            },
            Check::Consistency {
                lost,
                failover,
                changes,
            } => Check::Consistency {
                lost,
                failover,
                changes,
            },
            Check::KnownNodes(n) => Check::KnownNodes(n),
            Check::Down(node) => Check::Down(f(node)?),
            Check::Flagged { node, flag } => Check::Flagged {
                node: f(node)?,
                flag,
            },
            Check::Elapsed { min, max } => Check::Elapsed { min, max },
            Check::KeysFollowSlots => Check::KeysFollowSlots,
        })
    }
}

/// A check as read from YAML: a known kind, an unknown one kept (with its name) so lint can
/// report it and go on reading the rest of the file, or a nested list of checks, which lets a
/// YAML alias to another step's checks sit beside more checks.
#[derive(Clone, Debug, PartialEq)]
pub enum RawCheck<N> {
    Known(Check<N>),
    Unknown(String),
    Group(Vec<serde_saphyr::Spanned<RawCheck<N>>>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeArg<N> {
    node: N,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleArgs<N> {
    node: N,
    is: Role,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplicaOfArgs<N> {
    node: N,
    master: N,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlotsArgs<N> {
    node: N,
    slots: Vec<SlotRange>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlaggedArgs<N> {
    node: N,
    flag: FailFlag,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ElapsedArgs {
    #[serde(default)]
    min: u64,
    #[serde(default)]
    max: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsistencyArgs {
    #[serde(default)]
    lost: u64,
    #[serde(default)]
    failover: bool,
    #[serde(default)]
    changes: u64,
}

/// `epoch-rose: b:6379` or `epoch-rose: { node: b:6379 }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum NodeOrArg<N> {
    Arg(NodeArg<N>),
    Node(N),
}

impl<N> NodeOrArg<N> {
    fn node(self) -> N {
        match self {
            NodeOrArg::Arg(a) => a.node,
            NodeOrArg::Node(n) => n,
        }
    }
}

impl<'de, N: Deserialize<'de>> Deserialize<'de> for RawCheck<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<N>(std::marker::PhantomData<N>);
        impl<'de, N: Deserialize<'de>> Visitor<'de> for V<N> {
            type Value = RawCheck<N>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a check")
            }

            fn visit_str<E: de::Error>(self, kind: &str) -> Result<Self::Value, E> {
                Ok(match kind {
                    "cluster-ok" => RawCheck::Known(Check::ClusterOk),
                    "slots-covered" => RawCheck::Known(Check::SlotsCovered),
                    "nodes-agree" => RawCheck::Known(Check::NodesAgree),
                    "no-open-slots" => RawCheck::Known(Check::NoOpenSlots),
                    "replicas-in-sync" => RawCheck::Known(Check::ReplicasInSync),
                    "keys-follow-slots" => RawCheck::Known(Check::KeysFollowSlots),
                    other if KINDS.contains(&other) => {
                        // A kind that takes arguments, written bare.
                        return Err(coded(msg!("yaml-expected-kind", value = other)));
                    }
                    other => RawCheck::Unknown(other.to_string()),
                })
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut group = vec![];
                while let Some(c) = seq.next_element()? {
                    group.push(c);
                }
                Ok(RawCheck::Group(group))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let Some(kind) = map.next_key::<String>()? else {
                    return Ok(RawCheck::Unknown(String::new()));
                };
                let check = match kind.as_str() {
                    "cluster-ok" | "slots-covered" | "nodes-agree" | "no-open-slots"
                    | "replicas-in-sync" | "keys-follow-slots" => {
                        // `- cluster-ok: true` reads naturally too.
                        map.next_value::<IgnoredAny>()?;
                        return self.visit_str(&kind).and_then(|c| finish(map, c));
                    }
                    "masters" => Check::Masters(map.next_value()?),
                    "replicas" => Check::Replicas(map.next_value()?),
                    "keys" => Check::Keys(map.next_value()?),
                    "role" => {
                        let a: RoleArgs<N> = map.next_value()?;
                        Check::Role {
                            node: a.node,
                            is: a.is,
                        }
                    }
                    "replica-of" => {
                        let a: ReplicaOfArgs<N> = map.next_value()?;
                        Check::ReplicaOf {
                            node: a.node,
                            master: a.master,
                        }
                    }
                    "slots" => {
                        let a: SlotsArgs<N> = map.next_value()?;
                        Check::Slots {
                            node: a.node,
                            slots: a.slots,
                        }
                    }
                    "epoch-rose" => Check::EpochRose {
                        node: map.next_value::<NodeOrArg<N>>()?.node(),
                    },
                    "roles-swapped" => Check::RolesSwapped {
                        nodes: map.next_value()?,
                    },
                    "known-nodes" => Check::KnownNodes(map.next_value()?),
                    "down" => Check::Down(map.next_value::<NodeOrArg<N>>()?.node()),
                    "flagged" => {
                        let a: FlaggedArgs<N> = map.next_value()?;
                        Check::Flagged {
                            node: a.node,
                            flag: a.flag,
                        }
                    }
                    "elapsed" => {
                        let a: ElapsedArgs = map.next_value()?;
                        Check::Elapsed {
                            min: a.min,
                            max: a.max,
                        }
                    }
                    "consistency" => {
                        let a: ConsistencyArgs = map.next_value()?;
                        Check::Consistency {
                            lost: a.lost,
                            failover: a.failover || a.changes > 0,
                            changes: a.changes,
                        }
                    }
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                        return finish(map, RawCheck::Unknown(kind));
                    }
                };
                finish(map, RawCheck::Known(check))
            }
        }

        /// A check is a one-key map; a second key is a mistake worth naming.
        fn finish<'de, A: MapAccess<'de>, N>(
            mut map: A,
            c: RawCheck<N>,
        ) -> Result<RawCheck<N>, A::Error> {
            if let Some(extra) = map.next_key::<String>()? {
                return Err(coded(msg!("yaml-check-two-kinds", value = extra)));
            }
            Ok(c)
        }

        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<Vec<RawCheck<String>>, String> {
        serde_saphyr::from_str(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn every_kind_reads() {
        let checks = parse(
            "- cluster-ok\n- slots-covered: true\n- nodes-agree\n- no-open-slots\n- replicas-in-sync\n\
             - masters: 3\n- replicas: 3\n- keys: 6557\n\
             - role: { node: c:6380, is: master }\n\
             - replica-of: { node: b:6379, master: c:6380 }\n\
             - slots: { node: c:6379, slots: [5961-6460, 10923-16383, 7] }\n\
             - epoch-rose: c:6380\n- epoch-rose: { node: c:6380 }\n\
             - roles-swapped: [b:6379, c:6380]\n\
             - consistency: { lost: 0, failover: true }\n\
             - known-nodes: 6\n- down: b:6379\n- flagged: { node: b:6379, flag: fail }\n\
             - elapsed: { min: 5, max: 30 }\n- keys-follow-slots\n",
        )
        .unwrap();
        let kinds: Vec<_> = checks
            .iter()
            .map(|c| match c {
                RawCheck::Known(k) => k.kind(),
                other => panic!("not a single check: {other:?}"),
            })
            .collect();
        assert_eq!(kinds.len(), 20);

        for k in KINDS {
            assert!(kinds.contains(k), "{k} not covered");
        }
        assert_eq!(
            checks[10],
            RawCheck::Known(Check::Slots {
                node: "c:6379".to_string(),
                slots: vec![
                    SlotRange::new(5961, 6460),
                    SlotRange::new(10923, 16383),
                    SlotRange::new(7, 7)
                ]
            })
        );
    }

    #[test]
    fn unknown_kinds_are_kept_for_lint() {
        let checks = parse("- clusterok\n- master-of: { node: a:1 }\n- keys: 1\n").unwrap();
        assert_eq!(checks[0], RawCheck::Unknown("clusterok".into()));
        assert_eq!(checks[1], RawCheck::Unknown("master-of".into()));
        assert_eq!(checks[2], RawCheck::Known(Check::Keys(1)));
    }

    #[test]
    fn nested_lists_group_checks() {
        let checks = parse("- [cluster-ok, { keys: 2 }]\n- nodes-agree\n").unwrap();
        let RawCheck::Group(g) = &checks[0] else {
            panic!("{checks:?}")
        };
        assert_eq!(g[1].value, RawCheck::Known(Check::Keys(2)));
        assert_eq!(g[1].referenced.column(), 16);
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(parse("- role: { node: a:1, is: boss }\n").is_err());
        assert!(parse("- role: { node: a:1 }\n").is_err());
        assert!(parse("- slots: { node: a:1, slots: [9-2] }\n").is_err());
        assert!(parse("- role\n").is_err());
        assert!(parse("- keys: 1\n  masters: 2\n").is_err());
    }
}
