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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Solution<N> {
    /// A Redis command sent to one node, as `redis-cli -h host -p port <command>` would.
    RedisCli { node: N, command: String },
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
            Solution::RedisCli { node, command } => Solution::RedisCli {
                node: f(node)?,
                command,
            },
            Solution::Lab(s) => Solution::Lab(s),
            Solution::Shell(s) => Solution::Shell(s),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
                command: "CLUSTER FAILOVER".into()
            }
        );
        assert_eq!(s[1], Solution::Lab("cluster check".into()));
        assert_eq!(s[2].kind(), "shell");
        assert!(serde_saphyr::from_str::<Vec<Solution<String>>>("- ssh: x\n").is_err());
    }
}
