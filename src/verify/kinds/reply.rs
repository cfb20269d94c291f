//! `reply: { node, command, is | error | changed }`: what a node answers to a command the check
//! sends it on every snapshot: a value (`is: OK`), a refusal whose text starts so
//! (`error: NOREPLICAS`), or an answer other than the one at the step's start. A check that
//! expects NOAUTH sends its command without any password; the others use the lab's when the
//! node asks for one.
//!
//! The command runs many times a second, so only harmless ones are taken: reads, and the
//! simple writes of one key that show whether a master takes writes.

use serde_json::{Value, json};

use crate::i18n::Msg;
use crate::model::reply::{Answer, Probe, ProbeAt};
use crate::model::{ClusterState, NodeRef};
use crate::msg;
use crate::verify::Context;
use crate::verify::args::{Arg, Args};
use crate::verify::check::{Check, Evidence, Kind, KindDef, Simulation};

/// Commands whose first word is enough to know they are harmless.
const ONE_WORD: [&str; 31] = [
    "PING",
    "ECHO",
    "GET",
    "MGET",
    "EXISTS",
    "TYPE",
    "STRLEN",
    "TTL",
    "PTTL",
    "HGET",
    "HGETALL",
    "HLEN",
    "LLEN",
    "LRANGE",
    "SCARD",
    "SISMEMBER",
    "ZCARD",
    "ZSCORE",
    "DBSIZE",
    "ROLE",
    "INFO",
    "LASTSAVE",
    "TIME",
    "SET",
    "DEL",
    "INCR",
    "APPEND",
    "HSET",
    "LPUSH",
    "RPUSH",
    "SADD",
];
/// Commands harmless with these subcommands only.
const TWO_WORDS: [(&str, &[&str]); 3] = [
    ("CONFIG", &["GET"]),
    (
        "CLUSTER",
        &["INFO", "MYID", "KEYSLOT", "COUNTKEYSINSLOT", "SHARDS"],
    ),
    (
        "SENTINEL",
        &[
            "GET-MASTER-ADDR-BY-NAME",
            "CKQUORUM",
            "MASTER",
            "MASTERS",
            "REPLICAS",
            "SENTINELS",
            "MYID",
        ],
    ),
];

fn harmless(words: &[String]) -> bool {
    let Some(first) = words.first().map(|w| w.to_ascii_uppercase()) else {
        return false;
    };
    if ONE_WORD.contains(&first.as_str()) {
        return true;
    }
    let second = words.get(1).map(|w| w.to_ascii_uppercase());
    TWO_WORDS
        .iter()
        .any(|(w, subs)| *w == first && second.as_deref().is_some_and(|s| subs.contains(&s)))
}

fn allowed() -> String {
    let two = TWO_WORDS
        .iter()
        .flat_map(|(w, subs)| subs.iter().map(move |s| format!("{w} {s}")));
    ONE_WORD
        .iter()
        .map(|w| w.to_string())
        .chain(two)
        .collect::<Vec<_>>()
        .join(", ")
}

pub static DEF: KindDef = KindDef {
    name: "reply",
    bare: false,
    usage: "reply: { node: a:6379, command: SET probe 1, error: NOREPLICAS }",
    build: |a: &mut Args| {
        let f = a.fields(&["node", "command", "is", "error", "changed"])?;
        let node = a.required(&f, "node").and_then(|n| a.node(n));
        let words = a.required(&f, "command").and_then(|v| match &v.value {
            Arg::Scalar(s) => {
                let words: Vec<String> = s.split_whitespace().map(str::to_string).collect();
                if harmless(&words) {
                    Some(words)
                } else {
                    a.bad(
                        v,
                        msg!(
                            "check-reply-command",
                            command = s.as_str(),
                            allowed = allowed()
                        ),
                    );
                    None
                }
            }
            _ => {
                a.bad(
                    v,
                    msg!("check-reply-command", command = "", allowed = allowed()),
                );
                None
            }
        });
        let given: Vec<_> = f
            .iter()
            .filter(|(k, _)| ["is", "error", "changed"].contains(k))
            .collect();
        let [(op, v)] = given.as_slice() else {
            a.bad(a.value(), msg!("check-reply-what"));
            return None;
        };
        let want = match (*op, &v.value) {
            ("changed", _) => match a.flag(v)? {
                true => Want::Changed,
                false => {
                    a.bad(v, msg!("check-reply-what"));
                    return None;
                }
            },
            ("is", Arg::Scalar(s)) => Want::Value(s.clone()),
            ("error", Arg::Scalar(s)) if !s.trim().is_empty() => Want::Error(s.trim().to_string()),
            _ => {
                a.bad(v, msg!("check-reply-what"));
                return None;
            }
        };
        Some(Check::new(Reply {
            node: node?,
            words: words?,
            want,
        }))
    },
};

#[derive(Debug, Clone, PartialEq)]
pub enum Want {
    Value(String),
    Error(String),
    Changed,
}

#[derive(Debug)]
pub struct Reply {
    pub node: NodeRef,
    pub words: Vec<String>,
    pub want: Want,
}

impl Reply {
    /// Only a refusal for want of a password is asked without one.
    fn bare(&self) -> bool {
        matches!(&self.want, Want::Error(e) if e.to_ascii_uppercase().starts_with("NOAUTH"))
    }

    fn asked(&self, cx: &Context) -> ProbeAt {
        ProbeAt {
            addr: cx.addr(&self.node),
            words: self.words.clone(),
            bare: self.bare(),
        }
    }

    fn command(&self) -> String {
        self.words.join(" ")
    }
}

fn shown(a: &Answer) -> String {
    match a {
        Answer::Value(v) => format!("“{v}”"),
        Answer::Error(e) => format!("(error) {e}"),
    }
}

impl Kind for Reply {
    fn name(&self) -> &'static str {
        DEF.name
    }

    fn written(&self) -> String {
        let want = match &self.want {
            Want::Value(v) => format!("is: {v}"),
            Want::Error(e) => format!("error: {e}"),
            Want::Changed => "changed: true".to_string(),
        };
        format!(
            "{}: {{ node: {}, command: {}, {want} }}",
            DEF.name,
            self.node,
            self.command()
        )
    }

    fn needs(&self) -> crate::verify::check::Needs {
        crate::verify::check::Needs {
            start: self.want == Want::Changed,
            ..Default::default()
        }
    }

    fn nodes(&self) -> Vec<&NodeRef> {
        vec![&self.node]
    }

    fn probes(&self) -> Vec<Probe> {
        vec![Probe {
            node: self.node.clone(),
            words: self.words.clone(),
            bare: self.bare(),
        }]
    }

    fn evaluate(
        &self,
        cx: &Context,
        start: Option<&ClusterState>,
        now: &ClusterState,
    ) -> Option<Msg> {
        let asked = self.asked(cx);
        let node = asked.addr.to_string();
        let command = self.command();
        let Some(got) = now.reply(&asked) else {
            return Some(msg!(
                "verify-reply-unanswered",
                node = node,
                command = command
            ));
        };
        let holds = match &self.want {
            Want::Value(v) => matches!(got, Answer::Value(g) if g == v),
            Want::Error(e) => got.is_error_starting(e),
            Want::Changed => start
                .and_then(|s| s.reply(&asked))
                .is_some_and(|a| a != got),
        };
        if holds {
            return None;
        }
        let (id, want) = match &self.want {
            Want::Value(v) => ("verify-reply-value", v.as_str()),
            Want::Error(e) => ("verify-reply-error", e.as_str()),
            Want::Changed => ("verify-reply-unchanged", ""),
        };
        Some(
            Msg::new(id)
                .arg("node", node)
                .arg("command", command)
                .arg("want", want)
                .arg("got", shown(got)),
        )
    }

    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)> {
        let asked = self.asked(e.cx);
        vec![(
            "reply",
            json!({
                "node": asked.addr.to_string(),
                "command": self.command(),
                "baseline": e.baseline.reply(&asked),
                "now": e.now.reply(&asked),
            }),
        )]
    }

    fn simulation(&self) -> Simulation {
        Simulation::NotSimulated(msg!("sim-not-reply", kind = DEF.name))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{course_state, eval, eval_with, n};
    use super::*;
    use crate::model::reply::Reply as Answered;

    fn check(cmd: &str, want: Want) -> Reply {
        Reply {
            node: n("a", 6379),
            words: cmd.split_whitespace().map(str::to_string).collect(),
            want,
        }
    }

    fn answered(cmd: &str, bare: bool, answer: Answer) -> ClusterState {
        let mut s = course_state();
        s.replies.push(Answered {
            asked: ProbeAt {
                addr: s.nodes[0].addr.clone(),
                words: cmd.split_whitespace().map(str::to_string).collect(),
                bare,
            },
            answer,
        });
        s
    }

    #[test]
    fn a_refusal_is_matched_by_its_start() {
        let refused = answered(
            "SET probe 1",
            false,
            Answer::Error("NOREPLICAS Not enough good replicas to write.".into()),
        );
        assert_eq!(
            eval(
                check("SET probe 1", Want::Error("NOREPLICAS".into())),
                &refused
            ),
            None
        );
        let ok = answered("SET probe 1", false, Answer::Value("OK".into()));
        let why = eval(check("SET probe 1", Want::Error("NOREPLICAS".into())), &ok).unwrap();
        assert!(why.contains("NOREPLICAS") && why.contains("“OK”"), "{why}");
        assert_eq!(
            eval(check("SET probe 1", Want::Value("OK".into())), &ok),
            None
        );
    }

    #[test]
    fn noauth_is_asked_without_a_password_and_kept_apart() {
        let c = check("PING", Want::Error("NOAUTH".into()));
        assert!(c.bare() && c.probes()[0].bare);
        // An answer to the same command sent with a password is not this check's.
        let authed = answered("PING", false, Answer::Value("PONG".into()));
        let why = eval(c, &authed).unwrap();
        assert!(why.contains("gave no answer"), "{why}");
        let refused = answered(
            "PING",
            true,
            Answer::Error("NOAUTH Authentication required.".into()),
        );
        assert_eq!(
            eval(check("PING", Want::Error("noauth".into())), &refused),
            None
        );
    }

    #[test]
    fn changed_compares_with_the_start() {
        let before = answered("GET k", false, Answer::Value("1".into()));
        let after = answered("GET k", false, Answer::Value("2".into()));
        assert_eq!(
            eval_with(check("GET k", Want::Changed), Some(&before), &after, None),
            None
        );
        assert!(eval_with(check("GET k", Want::Changed), Some(&before), &before, None).is_some());
    }

    #[test]
    fn only_harmless_commands_are_sent() {
        let w = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert!(harmless(&w("set probe 1")));
        assert!(harmless(&w("SENTINEL ckquorum cursoredis")));
        assert!(harmless(&w("CONFIG GET maxmemory")));
        assert!(!harmless(&w("CONFIG SET maxmemory 1")));
        assert!(!harmless(&w("FLUSHALL")));
        assert!(!harmless(&w("SHUTDOWN NOSAVE")));
        assert!(!harmless(&w("SENTINEL FAILOVER cursoredis")));
        assert!(!harmless(&w("")));
    }
}
