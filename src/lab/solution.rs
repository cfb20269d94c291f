//! Solutions: the commands that solve a step, one per line, each tagged with how to run it.
//!
//! ```yaml
//! solution:
//!   - redis-cli: { node: c:6380, command: CLUSTER FAILOVER }
//!   - lab: cluster check
//!   - shell: redis-cli -h {{ host("c") }} -p {{ port("c", 6380) }} CLUSTER INFO
//! ```
//!
//! Commands are templates, rendered for the cluster's addresses before they run.

use serde::{Deserialize, Serialize};

use crate::i18n::Msg;
use crate::msg;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Solution<N> {
    /// A Redis command sent to one node, as `redis-cli -h host -p port <command>` would.
    /// With `error:`, the line succeeds only when the node refuses the command with an error
    /// starting so (`NOREPLICAS`, `ERR I can only replicate a master`): the lesson is the
    /// refusal.
    RedisCli {
        node: N,
        command: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    /// A `lab` subcommand (without the leading `lab`).
    Lab(String),
    /// A shell command, run with `sh -c`.
    Shell(String),
}

impl<N> Solution<N> {
    pub fn kind(&self) -> &'static str {
        match self {
            Solution::RedisCli { .. } => "redis-cli",
            Solution::Lab(_) => "lab",
            Solution::Shell(_) => "shell",
        }
    }

    /// The template text of the line.
    pub fn template(&self) -> &str {
        match self {
            Solution::RedisCli { command, .. } => command,
            Solution::Lab(s) | Solution::Shell(s) => s,
        }
    }

    pub fn node(&self) -> Option<&N> {
        match self {
            Solution::RedisCli { node, .. } => Some(node),
            _ => None,
        }
    }

    pub fn try_map<M, E>(self, f: impl FnOnce(N) -> Result<M, E>) -> Result<Solution<M>, E> {
        Ok(match self {
            Solution::RedisCli {
                node,
                command,
                error,
            } => Solution::RedisCli {
                node: f(node)?,
                command,
                error,
            },
            Solution::Lab(s) => Solution::Lab(s),
            Solution::Shell(s) => Solution::Shell(s),
        })
    }
}

/// Splits a solution line into words as `sh` would for a simple command: spaces separate,
/// quotes group, a backslash outside single quotes takes the next character as it is.
pub fn words(line: &str) -> Result<Vec<String>, Msg> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => cur.extend(chars.next()),
            (None, '\\') => {
                cur.extend(chars.next());
                in_word = true;
            }
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(msg!("solution-unbalanced-quotes", line = line));
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_a_shell() {
        assert_eq!(words("cluster check").unwrap(), vec!["cluster", "check"]);
        assert_eq!(
            words("SET k \"a b\"  'c d'").unwrap(),
            vec!["SET", "k", "a b", "c d"]
        );
        assert_eq!(
            words("SET k \"say \\\"hi\\\"\"").unwrap(),
            vec!["SET", "k", "say \"hi\""]
        );
        assert_eq!(words("SET k ''").unwrap(), vec!["SET", "k", ""]);
        assert!(words("SET k \"open").is_err());
        assert!(words("   ").unwrap().is_empty());
        assert_eq!(words("echo \\\"hi").unwrap(), vec!["echo", "\"hi"]);
    }

    #[test]
    fn the_three_kinds_read() {
        let s: Vec<Solution<String>> = serde_saphyr::from_str(
            "- redis-cli: { node: c:6380, command: CLUSTER FAILOVER }\n- lab: cluster check\n- shell: echo hi\n",
        )
        .unwrap();
        assert_eq!(
            s[0],
            Solution::RedisCli {
                node: "c:6380".into(),
                command: "CLUSTER FAILOVER".into(),
                error: None,
            }
        );
        let refused: Vec<Solution<String>> = serde_saphyr::from_str(
            "- redis-cli: { node: a:6379, command: SET k v, error: NOREPLICAS }\n",
        )
        .unwrap();
        assert!(
            matches!(&refused[0], Solution::RedisCli { error: Some(e), .. } if e == "NOREPLICAS")
        );
        assert_eq!(s[1], Solution::Lab("cluster check".into()));
        assert_eq!(s[2].kind(), "shell");
        assert!(serde_saphyr::from_str::<Vec<Solution<String>>>("- ssh: x\n").is_err());
    }
}
