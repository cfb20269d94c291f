//! Nodes as a lab names them (`b:6380`) and the roles they play.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use crate::i18n::serde_error;
use crate::msg;

/// A node as a lab names it: a host id of the topology and a port, `b:6380`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeRef {
    pub host: String,
    pub port: u16,
}

impl NodeRef {
    pub fn new(host: impl Into<String>, port: u16) -> NodeRef {
        NodeRef {
            host: host.into(),
            port,
        }
    }
}

impl fmt::Display for NodeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

impl FromStr for NodeRef {
    type Err = ();

    fn from_str(s: &str) -> Result<NodeRef, ()> {
        let (host, port) = s.trim().split_once(':').ok_or(())?;
        if !is_host_id(host) {
            return Err(());
        }
        let port: u16 = port.parse().map_err(|_| ())?;
        if port == 0 {
            return Err(());
        }
        Ok(NodeRef::new(host, port))
    }
}

/// Host ids are short lowercase words (`a`, `node1`): they appear in templates and checks.
pub fn is_host_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && s.len() <= 32
}

impl Serialize for NodeRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for NodeRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<NodeRef, D::Error> {
        let s = String::deserialize(d)?;
        s.parse()
            .map_err(|()| serde::de::Error::custom(format!("not a node name: {s}")))
    }
}

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
            _ => Err(serde_error(msg!("yaml-role", value = s))),
        }
    }
}
