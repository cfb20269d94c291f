//! The cluster a lab needs, in the lab's own names (`b:6380`), and the layouts that give those
//! names real addresses: local loopback, the course's Vagrant VMs, or any given cluster.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use super::addr::NodeAddr;
use super::node::NodeRef;
use super::slots::SlotSet;

/// What the nodes of a lab are to each other.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Redis Cluster: every node `cluster-enabled`, slots shared among the masters.
    #[default]
    Cluster,
    /// Plain Redis: masters, and replicas that follow them with REPLICAOF.
    Replication,
    /// Plain Redis nodes on their own.
    Standalone,
    /// Replication watched by Sentinels, which fail it over.
    Sentinel,
}

impl Kind {
    /// The first host of this kind in the course's machines (the Vagrant ones): local layouts
    /// keep the offsets between them, so 192.168.158.10 is 127.0.158.10 as .100 is .100.
    pub fn course_base(self) -> Ipv4Addr {
        match self {
            Kind::Cluster => VAGRANT_BASE,
            Kind::Replication | Kind::Standalone => Ipv4Addr::new(192, 168, 158, 10),
            Kind::Sentinel => Ipv4Addr::new(192, 168, 159, 210),
        }
    }

    pub fn is_cluster(self) -> bool {
        self == Kind::Cluster
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Cluster => "cluster",
            Kind::Replication => "replication",
            Kind::Standalone => "standalone",
            Kind::Sentinel => "sentinel",
        }
    }
}

/// A validated topology: every name resolves, every slot has one owner.
#[derive(Clone, Debug, PartialEq)]
pub struct Topology {
    pub kind: Kind,
    pub hosts: Vec<String>,
    pub ports: Vec<u16>,
    /// `cluster-node-timeout` the lab runs with, in milliseconds (cluster labs).
    pub node_timeout_ms: u64,
    /// A cluster's masters with their slots; a replication lab's masters with none.
    pub masters: Vec<(NodeRef, SlotSet)>,
    /// Replica and the master it follows.
    pub replicas: Vec<(NodeRef, NodeRef)>,
    /// The lab's own redis.conf directives, for every node (`node: None`) or one, in the order
    /// written; a node's own come after everyone's, so they win.
    pub config: Vec<Directive>,
    /// The Sentinels of a `sentinel` topology and what they monitor.
    pub sentinel: Option<SentinelSpec>,
    /// The password the lab's steps give the nodes, if any: the runner authenticates with it
    /// to a node that asks, and keeps it out of what it prints and saves.
    pub password: Option<Secret>,
}

/// Sentinels on some of the hosts, all on one port, monitoring one master by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentinelSpec {
    /// The name they monitor the master by (`cursoredis`).
    pub name: String,
    pub port: u16,
    pub hosts: Vec<String>,
    pub quorum: u32,
    pub down_after_ms: u64,
    pub failover_timeout_ms: u64,
    pub parallel_syncs: u32,
}

/// A password a lab's steps set (`requirepass`): never shown by `{:?}`, never serialized.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// One redis.conf directive a lab sets: `repl-backlog-size 1mb`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Directive {
    pub node: Option<NodeRef>,
    pub name: String,
    pub value: String,
}

impl Topology {
    /// The directives `node` runs with: everyone's first, then its own.
    pub fn config_for(&self, node: &NodeRef) -> Vec<(&str, &str)> {
        let all = self.config.iter().filter(|d| d.node.is_none());
        let own = self.config.iter().filter(|d| d.node.as_ref() == Some(node));
        all.chain(own)
            .map(|d| (d.name.as_str(), d.value.as_str()))
            .collect()
    }

    /// Every node, host by host, port by port: the order `--nodes` lists addresses in.
    pub fn nodes(&self) -> Vec<NodeRef> {
        self.hosts
            .iter()
            .flat_map(|h| self.ports.iter().map(move |p| NodeRef::new(h.clone(), *p)))
            .collect()
    }

    /// The Sentinels, host by host (none without a `sentinel` topology).
    pub fn sentinels(&self) -> Vec<NodeRef> {
        self.sentinel
            .iter()
            .flat_map(|s| s.hosts.iter().map(move |h| NodeRef::new(h.clone(), s.port)))
            .collect()
    }

    pub fn is_sentinel(&self, n: &NodeRef) -> bool {
        self.sentinels().contains(n)
    }

    pub fn has_node(&self, n: &NodeRef) -> bool {
        self.hosts.contains(&n.host) && self.ports.contains(&n.port)
    }

    pub fn slots_of(&self, n: &NodeRef) -> Option<&SlotSet> {
        self.masters.iter().find(|(m, _)| m == n).map(|(_, s)| s)
    }

    pub fn master_of(&self, replica: &NodeRef) -> Option<&NodeRef> {
        self.replicas
            .iter()
            .find(|(r, _)| r == replica)
            .map(|(_, m)| m)
    }
}

/// Which kind of addresses a layout gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayoutKind {
    /// One loopback address per host (127.0.158.100, .101, .102), the lab's own ports.
    Local { base: Ipv4Addr },
    /// 127.0.0.1 only, distinct ports: for systems that cannot bind 127.0.158.x.
    SharedLoopback { base_port: u16 },
    /// The course's VirtualBox machines, 192.168.158.100-102.
    Vagrant,
    /// Addresses given with `--nodes`, in topology order.
    Given,
}

/// The real address of every node of a topology.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub kind: LayoutKind,
    map: BTreeMap<NodeRef, NodeAddr>,
    hosts: BTreeMap<String, String>,
}

pub const DEFAULT_LOCAL_BASE: Ipv4Addr = Ipv4Addr::new(127, 0, 158, 100);
pub const VAGRANT_BASE: Ipv4Addr = Ipv4Addr::new(192, 168, 158, 100);
pub const DEFAULT_SHARED_PORT: u16 = 7000;

fn nth_ip(base: Ipv4Addr, i: usize) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(base).wrapping_add(i as u32))
}

/// Where a kind's first host goes when the cluster's first host is at `base`: the course's
/// distance between them kept (127.0.158.100 → replication at 127.0.158.10).
fn kind_base(kind: Kind, base: Ipv4Addr) -> Ipv4Addr {
    let offset = u32::from(kind.course_base()).wrapping_sub(u32::from(VAGRANT_BASE));
    Ipv4Addr::from(u32::from(base).wrapping_add(offset))
}

impl Layout {
    fn by_host(kind: LayoutKind, topo: &Topology, ip: impl Fn(usize) -> String) -> Layout {
        let mut map = BTreeMap::new();
        let mut hosts = BTreeMap::new();
        for (i, h) in topo.hosts.iter().enumerate() {
            hosts.insert(h.clone(), ip(i));
            for p in &topo.ports {
                map.insert(NodeRef::new(h.clone(), *p), NodeAddr::new(ip(i), *p));
            }
        }
        for s in topo.sentinels() {
            if let Some(i) = topo.hosts.iter().position(|h| *h == s.host) {
                map.insert(s.clone(), NodeAddr::new(ip(i), s.port));
            }
        }
        Layout { kind, map, hosts }
    }

    pub fn local(topo: &Topology, base: Ipv4Addr) -> Layout {
        let first = kind_base(topo.kind, base);
        Layout::by_host(LayoutKind::Local { base }, topo, |i| {
            nth_ip(first, i).to_string()
        })
    }

    pub fn vagrant(topo: &Topology) -> Layout {
        Layout::by_host(LayoutKind::Vagrant, topo, |i| {
            nth_ip(topo.kind.course_base(), i).to_string()
        })
    }

    pub fn shared_loopback(topo: &Topology, base_port: u16) -> Layout {
        let mut map = BTreeMap::new();
        let mut hosts = BTreeMap::new();
        for (i, n) in topo.nodes().into_iter().chain(topo.sentinels()).enumerate() {
            hosts.insert(n.host.clone(), "127.0.0.1".to_string());
            let port = base_port.saturating_add(i as u16);
            map.insert(n, NodeAddr::new("127.0.0.1", port));
        }
        Layout {
            kind: LayoutKind::SharedLoopback { base_port },
            map,
            hosts,
        }
    }

    /// Addresses in topology order. `None` when the count differs from the topology's.
    /// The nodes at the addresses given, in topology order; a Sentinel lab's Sentinels may
    /// follow its nodes.
    pub fn given(topo: &Topology, addrs: &[NodeAddr]) -> Option<Layout> {
        let mut nodes = topo.nodes();
        if addrs.len() == nodes.len() + topo.sentinels().len() {
            nodes.extend(topo.sentinels());
        }
        if nodes.len() != addrs.len() {
            return None;
        }
        let mut hosts = BTreeMap::new();
        let mut map = BTreeMap::new();
        for (n, a) in nodes.into_iter().zip(addrs) {
            hosts
                .entry(n.host.clone())
                .or_insert_with(|| a.host.clone());
            map.insert(n, a.clone());
        }
        Some(Layout {
            kind: LayoutKind::Given,
            map,
            hosts,
        })
    }

    pub fn addr(&self, n: &NodeRef) -> Option<&NodeAddr> {
        self.map.get(n)
    }

    /// One more process of the lab, at `addr` (a Sentinel of a running lab).
    pub fn insert(&mut self, n: NodeRef, addr: NodeAddr) {
        self.map.insert(n, addr);
    }

    pub fn host(&self, host: &str) -> Option<&str> {
        self.hosts.get(host).map(String::as_str)
    }

    /// The lab's name for an address, if it is one of ours.
    pub fn name_of(&self, addr: &NodeAddr) -> Option<&NodeRef> {
        self.map.iter().find(|(_, a)| *a == addr).map(|(n, _)| n)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&NodeRef, &NodeAddr)> {
        self.map.iter()
    }

    pub fn addrs(&self) -> Vec<NodeAddr> {
        self.map.values().cloned().collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::slots::SlotRange;

    /// The course's layout, as the manual-failover lab declares it.
    pub fn course_topology() -> Topology {
        let r = |a, b| SlotSet::from_ranges([SlotRange::new(a, b)]);
        Topology {
            kind: Kind::Cluster,
            hosts: vec!["a".into(), "b".into(), "c".into()],
            ports: vec![6379, 6380],
            node_timeout_ms: 5000,
            masters: vec![
                (NodeRef::new("a", 6379), r(0, 5960)),
                (NodeRef::new("b", 6379), r(6461, 10922)),
                (
                    NodeRef::new("c", 6379),
                    SlotSet::from_ranges([
                        SlotRange::new(5961, 6460),
                        SlotRange::new(10923, 16383),
                    ]),
                ),
            ],
            replicas: vec![
                (NodeRef::new("b", 6380), NodeRef::new("a", 6379)),
                (NodeRef::new("c", 6380), NodeRef::new("b", 6379)),
                (NodeRef::new("a", 6380), NodeRef::new("c", 6379)),
            ],
            config: vec![],
            sentinel: None,
            password: None,
        }
    }

    #[test]
    fn a_node_s_own_directives_come_after_everyone_s() {
        let d = |node: Option<&str>, name: &str, value: &str| Directive {
            node: node.map(|n| n.parse().unwrap()),
            name: name.into(),
            value: value.into(),
        };
        let t = Topology {
            config: vec![
                d(Some("b:6380"), "replica-priority", "0"),
                d(None, "replica-priority", "100"),
                d(None, "repl-backlog-size", "1mb"),
            ],
            ..course_topology()
        };
        assert_eq!(
            t.config_for(&NodeRef::new("b", 6380)),
            [
                ("replica-priority", "100"),
                ("repl-backlog-size", "1mb"),
                ("replica-priority", "0")
            ]
        );
        assert_eq!(t.config_for(&NodeRef::new("a", 6379)).len(), 2);
    }

    #[test]
    fn layouts_give_the_course_addresses() {
        let t = course_topology();
        let local = Layout::local(&t, DEFAULT_LOCAL_BASE);
        assert_eq!(
            local.addr(&NodeRef::new("c", 6380)).unwrap().to_string(),
            "127.0.158.102:6380"
        );
        let vagrant = Layout::vagrant(&t);
        assert_eq!(vagrant.host("b"), Some("192.168.158.101"));
        let shared = Layout::shared_loopback(&t, 7000);
        assert_eq!(
            shared.addr(&NodeRef::new("c", 6380)).unwrap().to_string(),
            "127.0.0.1:7005"
        );
        assert_eq!(
            shared.name_of(&NodeAddr::new("127.0.0.1", 7002)),
            Some(&NodeRef::new("b", 6379))
        );
        assert!(Layout::given(&t, &[NodeAddr::new("h", 1)]).is_none());
    }

    #[test]
    fn each_kind_keeps_the_course_s_distance_from_the_cluster() {
        let t = Topology {
            kind: Kind::Replication,
            ports: vec![6379],
            ..course_topology()
        };
        let at = |l: &Layout, h: &str| l.addr(&NodeRef::new(h, 6379)).unwrap().to_string();
        assert_eq!(
            at(&Layout::local(&t, DEFAULT_LOCAL_BASE), "a"),
            "127.0.158.10:6379"
        );
        assert_eq!(
            at(&Layout::local(&t, DEFAULT_LOCAL_BASE), "c"),
            "127.0.158.12:6379"
        );
        assert_eq!(at(&Layout::vagrant(&t), "b"), "192.168.158.11:6379");
        // A test's own range: its replication hosts stay inside it.
        let test_base = Ipv4Addr::new(127, 0, 71, 100);
        assert_eq!(at(&Layout::local(&t, test_base), "a"), "127.0.71.10:6379");
    }

    #[test]
    fn node_refs() {
        assert_eq!("b:6380".parse(), Ok(NodeRef::new("b", 6380)));
        assert!("B:6380".parse::<NodeRef>().is_err());
        assert!("b".parse::<NodeRef>().is_err());
        assert!("b:0".parse::<NodeRef>().is_err());
        assert!("127.0.0.1:6379".parse::<NodeRef>().is_err());
    }
}
