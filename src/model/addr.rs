//! Node addresses: `host:port`, as Redis prints them.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeAddr {
    pub host: String,
    pub port: u16,
}

impl NodeAddr {
    pub fn new(host: impl Into<String>, port: u16) -> NodeAddr {
        NodeAddr {
            host: host.into(),
            port,
        }
    }

    pub fn ip(&self) -> Option<IpAddr> {
        self.host.parse().ok()
    }

    /// Loopback addresses are the only ones tests and the local backend may touch.
    pub fn is_loopback(&self) -> bool {
        self.ip().is_some_and(|ip| ip.is_loopback()) || self.host == "localhost"
    }
}

impl fmt::Display for NodeAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddrParseError(pub String);

impl FromStr for NodeAddr {
    type Err = AddrParseError;

    /// `host:port`, `[v6]:port`, or the `host:port@cport` form of CLUSTER NODES.
    fn from_str(s: &str) -> Result<NodeAddr, AddrParseError> {
        let err = || AddrParseError(s.to_string());
        let s = s.trim();
        let s = s.split('@').next().unwrap_or(s);
        let (host, port) = if let Some(rest) = s.strip_prefix('[') {
            let (h, p) = rest.split_once("]:").ok_or_else(err)?;
            (h, p)
        } else {
            s.rsplit_once(':').ok_or_else(err)?
        };
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(err());
        }
        let port: u16 = port.parse().map_err(|_| err())?;
        if port == 0 {
            return Err(err());
        }
        Ok(NodeAddr::new(host, port))
    }
}

impl serde::Serialize for NodeAddr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for NodeAddr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<NodeAddr, D::Error> {
        let s = String::deserialize(d)?;
        s.parse()
            .map_err(|_| serde::de::Error::custom(format!("not a host:port address: {s}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_redis_prints() {
        assert_eq!(
            "127.0.158.100:6379".parse(),
            Ok(NodeAddr::new("127.0.158.100", 6379))
        );
        assert_eq!(
            "192.168.158.101:6380@16380".parse(),
            Ok(NodeAddr::new("192.168.158.101", 6380))
        );
        assert_eq!("[::1]:7000".parse(), Ok(NodeAddr::new("::1", 7000)));
        assert_eq!(NodeAddr::new("::1", 7000).to_string(), "[::1]:7000");
        assert!("nohost".parse::<NodeAddr>().is_err());
        assert!("h:0".parse::<NodeAddr>().is_err());
        assert!("h:99999".parse::<NodeAddr>().is_err());
        assert!(":6379".parse::<NodeAddr>().is_err());
        assert!(NodeAddr::new("127.0.158.100", 1).is_loopback());
        assert!(!NodeAddr::new("192.168.158.100", 1).is_loopback());
    }
}
