//! Commands a check sends on every snapshot (`reply: { node, command, … }`), and what the node
//! answered: the lesson of some steps is a refusal (NOREPLICAS, NOAUTH) no INFO field shows.

use serde::{Deserialize, Serialize};

use super::{NodeAddr, NodeRef};

/// One command a check sends to one node, by the lab's name for it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Probe {
    pub node: NodeRef,
    pub words: Vec<String>,
    /// Sent without any password: the check is about being refused one (NOAUTH).
    pub bare: bool,
}

/// A [`Probe`] with its node's address, as the inspector sends it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProbeAt {
    pub addr: NodeAddr,
    pub words: Vec<String>,
    #[serde(default)]
    pub bare: bool,
}

/// What a node answered, as redis-cli would print it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    Value(String),
    /// The error reply, code first: `NOREPLICAS Not enough good replicas to write.`
    Error(String),
}

impl Answer {
    /// An error whose text starts with `prefix`, case aside.
    pub fn is_error_starting(&self, prefix: &str) -> bool {
        matches!(self, Answer::Error(e) if e.to_ascii_uppercase().starts_with(&prefix.to_ascii_uppercase()))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub asked: ProbeAt,
    pub answer: Answer,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_matched_by_its_start_in_any_case() {
        let a = Answer::Error("NOREPLICAS Not enough good replicas to write.".into());
        assert!(a.is_error_starting("noreplicas"));
        assert!(a.is_error_starting("NOREPLICAS Not enough"));
        assert!(!a.is_error_starting("NOAUTH"));
        assert!(!Answer::Value("NOREPLICAS".into()).is_error_starting("NOREPLICAS"));
    }
}
