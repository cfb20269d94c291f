//! Parsers for what nodes say about themselves: CLUSTER NODES, CLUSTER INFO, INFO replication
//! and CLUSTER SHARDS. Pure functions, so the formats are unit-tested without a server.

use std::collections::BTreeMap;

use redis::Value;

use crate::model::addr::NodeAddr;
use crate::model::slots::{SlotRange, SlotSet};
use crate::model::state::{ClusterInfo, NodeLine, OpenSlot, ReplicaLink, Replication, SyncCounts};

/// Parses one CLUSTER NODES line; `None` for a line that does not have the fields.
pub fn node_line(line: &str) -> Option<NodeLine> {
    let mut f = line.split_whitespace();
    let id = f.next()?.to_string();
    let addr_field = f.next()?;
    let flags: Vec<String> = f.next()?.split(',').map(str::to_string).collect();
    let master = f.next()?;
    let _ping_sent = f.next()?;
    let _pong_recv = f.next()?;
    let config_epoch = f.next()?.parse().ok()?;
    let link = f.next()?;
    // `ip:port@cport[,hostname]`; an empty ip or port 0 means the address is not known yet.
    let addr = addr_field
        .split(',')
        .next()
        .and_then(|a| a.parse::<NodeAddr>().ok())
        .filter(|a| !a.host.is_empty());
    let mut slots = SlotSet::new();
    let mut open = vec![];
    for s in f {
        if let Some(inner) = s.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            if let Some((slot, peer)) = inner.split_once("->-") {
                open.push(OpenSlot {
                    slot: slot.parse().ok()?,
                    migrating: true,
                    peer: peer.to_string(),
                });
            } else if let Some((slot, peer)) = inner.split_once("-<-") {
                open.push(OpenSlot {
                    slot: slot.parse().ok()?,
                    migrating: false,
                    peer: peer.to_string(),
                });
            }
        } else if let Ok(r) = s.parse::<SlotRange>() {
            slots.insert_range(r);
        }
    }
    Some(NodeLine {
        id,
        addr,
        flags,
        master_id: (master != "-").then(|| master.to_string()),
        config_epoch,
        connected: link == "connected",
        slots,
        open,
    })
}

pub fn cluster_nodes(text: &str) -> Vec<NodeLine> {
    text.lines().filter_map(node_line).collect()
}

/// `key:value` lines, as CLUSTER INFO and INFO print them (section headers skipped).
pub fn fields(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.trim_end_matches('\r').split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn cluster_info(text: &str) -> ClusterInfo {
    let f = fields(text);
    let num = |k: &str| f.get(k).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    ClusterInfo {
        state_ok: f.get("cluster_state").is_some_and(|v| v.trim() == "ok"),
        slots_assigned: num("cluster_slots_assigned") as u32,
        slots_ok: num("cluster_slots_ok") as u32,
        slots_pfail: num("cluster_slots_pfail") as u32,
        slots_fail: num("cluster_slots_fail") as u32,
        known_nodes: num("cluster_known_nodes") as u32,
        size: num("cluster_size") as u32,
        current_epoch: num("cluster_current_epoch"),
        my_epoch: num("cluster_my_epoch"),
    }
}

pub fn replication(text: &str) -> Replication {
    let f = fields(text);
    let num = |k: &str| f.get(k).and_then(|v| v.trim().parse().ok()).unwrap_or(0i64);
    let is_master = f.get("role").is_some_and(|r| r.trim() == "master");
    let mut replicas = vec![];
    for (k, v) in &f {
        if !(k.starts_with("slave") && k[5..].chars().all(|c| c.is_ascii_digit()) && k.len() > 5) {
            continue;
        }
        let kv: BTreeMap<&str, &str> = v
            .trim()
            .split(',')
            .filter_map(|p| p.split_once('='))
            .collect();
        let (Some(ip), Some(port)) = (kv.get("ip"), kv.get("port").and_then(|p| p.parse().ok()))
        else {
            continue;
        };
        replicas.push(ReplicaLink {
            addr: NodeAddr::new(*ip, port),
            state: kv.get("state").unwrap_or(&"").to_string(),
            offset: kv.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0),
            lag: kv.get("lag").and_then(|o| o.parse().ok()).unwrap_or(0),
        });
    }
    let master = match (f.get("master_host"), f.get("master_port")) {
        (Some(h), Some(p)) => p.trim().parse().ok().map(|p| NodeAddr::new(h.trim(), p)),
        _ => None,
    };
    Replication {
        is_master,
        master,
        link_up: f.get("master_link_status").map(|s| s.trim() == "up"),
        sync_in_progress: f
            .get("master_sync_in_progress")
            .is_some_and(|s| s.trim() == "1"),
        offset: if is_master {
            num("master_repl_offset")
        } else {
            num("slave_repl_offset")
        },
        master_repl_offset: num("master_repl_offset"),
        replicas,
        replid: f
            .get("master_replid")
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
        syncs: SyncCounts {
            full: num("sync_full").max(0) as u64,
            partial_ok: num("sync_partial_ok").max(0) as u64,
            partial_err: num("sync_partial_err").max(0) as u64,
        },
    }
}

/// CLUSTER FAILOVER requests a node received, from INFO commandstats: all of them (refused ones
/// included: a master refuses it), and those it accepted (`calls` counts failed calls too).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FailoverCounts {
    pub requests: u64,
    pub accepted: u64,
}

pub fn failover_counts(commandstats: &str) -> FailoverCounts {
    let f = fields(commandstats);
    let Some(stats) = f.get("cmdstat_cluster|failover") else {
        return FailoverCounts::default();
    };
    let n = |key: &str| -> u64 {
        stats
            .trim()
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0)
    };
    FailoverCounts {
        requests: n("calls") + n("rejected_calls"),
        accepted: n("calls").saturating_sub(n("failed_calls")),
    }
}

/// From CLUSTER SHARDS: each node's health (`online`, `failed`, `loading`) by node id.
pub fn shard_health(v: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Value::Array(shards) = v else { return out };
    for shard in shards {
        let Some(nodes) = field(shard, "nodes") else {
            continue;
        };
        let Value::Array(nodes) = nodes else { continue };
        for node in nodes {
            if let (Some(id), Some(health)) = (field(node, "id"), field(node, "health"))
                && let (Some(id), Some(h)) = (text(id), text(health))
            {
                out.insert(id, h);
            }
        }
    }
    out
}

/// A field of a RESP2 flat `[key, value, …]` array or a RESP3 map.
fn field<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    match v {
        Value::Array(items) => items
            .chunks(2)
            .find(|kv| kv.len() == 2 && text(&kv[0]).as_deref() == Some(name))
            .map(|kv| &kv[1]),
        Value::Map(pairs) => pairs
            .iter()
            .find(|(k, _)| text(k).as_deref() == Some(name))
            .map(|(_, v)| v),
        _ => None,
    }
}

pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::BulkString(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::SimpleString(s) => Some(s.clone()),
        Value::VerbatimString { text, .. } => Some(text.clone()),
        Value::Okay => Some("OK".into()),
        Value::Int(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODES: &str = "\
640673d51a2a3a16e6db2bae8108cfb0b6e6d68b 127.0.158.100:6379@16379 myself,master - 0 1700000000000 1 connected 0-5960\r
05bf5255f82d93e522393372056f63aa21dbffb6 127.0.158.102:6380@16380 slave ab799618658931c1099be6adaa1a5456e696566c 0 1700000000100 2 connected\r
ab799618658931c1099be6adaa1a5456e696566c 127.0.158.101:6379@16379 master,fail? - 1700000000000 1700000000000 2 disconnected 6461-10922 [6461->-744121782a1f3d5f057b5466aa3e2fad28f7c300]\r
744121782a1f3d5f057b5466aa3e2fad28f7c300 127.0.158.102:6379@16379,host-c master - 0 0 3 connected 5961-6460 10923-16383 [100-<-640673d51a2a3a16e6db2bae8108cfb0b6e6d68b]\r
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca :0@0 handshake - 0 0 0 connected\r
";

    #[test]
    fn cluster_nodes_lines() {
        let nodes = cluster_nodes(NODES);
        assert_eq!(nodes.len(), 5);
        let me = &nodes[0];
        assert!(me.is_myself() && me.is_master());
        assert_eq!(me.addr, Some(NodeAddr::new("127.0.158.100", 6379)));
        assert_eq!(me.slots.to_string(), "0-5960");
        assert_eq!(me.config_epoch, 1);
        let replica = &nodes[1];
        assert!(replica.is_replica());
        assert_eq!(
            replica.master_id.as_deref(),
            Some("ab799618658931c1099be6adaa1a5456e696566c")
        );
        let failing = &nodes[2];
        assert!(failing.is_failing() && !failing.connected);
        assert_eq!(
            failing.open,
            vec![OpenSlot {
                slot: 6461,
                migrating: true,
                peer: "744121782a1f3d5f057b5466aa3e2fad28f7c300".into()
            }]
        );
        assert_eq!(nodes[3].addr, Some(NodeAddr::new("127.0.158.102", 6379)));
        assert_eq!(nodes[3].slots.len(), 5961);
        assert!(!nodes[3].open[0].migrating);
        assert!(!nodes[4].is_settled());
        assert!(node_line("garbage").is_none());
    }

    #[test]
    fn cluster_info_fields() {
        let info = cluster_info(
            "cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_slots_ok:16384\r\ncluster_slots_pfail:0\r\ncluster_slots_fail:0\r\ncluster_known_nodes:6\r\ncluster_size:3\r\ncluster_current_epoch:9\r\ncluster_my_epoch:9\r\n",
        );
        assert!(info.state_ok);
        assert_eq!(info.known_nodes, 6);
        assert_eq!(info.current_epoch, 9);
        assert!(!cluster_info("cluster_state:fail\r\n").state_ok);
    }

    #[test]
    fn replication_of_a_master_and_a_replica() {
        let m = replication(
            "# Replication\r\nrole:master\r\nconnected_slaves:1\r\nslave0:ip=127.0.158.102,port=6380,state=online,offset=295772,lag=0\r\nmaster_repl_offset:295772\r\n",
        );
        assert!(m.is_master);
        assert_eq!(m.offset, 295772);
        assert_eq!(m.replicas[0].addr, NodeAddr::new("127.0.158.102", 6380));
        assert_eq!(m.replicas[0].state, "online");
        let r = replication(
            "# Replication\r\nrole:slave\r\nmaster_host:127.0.158.101\r\nmaster_port:6379\r\nmaster_link_status:down\r\nmaster_sync_in_progress:1\r\nslave_repl_offset:100\r\nmaster_repl_offset:100\r\n",
        );
        assert!(!r.is_master);
        assert_eq!(r.master, Some(NodeAddr::new("127.0.158.101", 6379)));
        assert_eq!(r.link_up, Some(false));
        assert!(r.sync_in_progress);
        assert_eq!(r.offset, 100);
        assert_eq!(r.syncs, SyncCounts::default());
    }

    #[test]
    fn replication_and_stats_in_one_reply() {
        let m = replication(
            "# Replication\r\nrole:master\r\nmaster_replid:8c3f0e6f1b2a\r\nmaster_repl_offset:7\r\n\r\n# Stats\r\nsync_full:2\r\nsync_partial_ok:1\r\nsync_partial_err:1\r\n",
        );
        assert_eq!(m.replid, "8c3f0e6f1b2a");
        assert_eq!(
            m.syncs,
            SyncCounts {
                full: 2,
                partial_ok: 1,
                partial_err: 1
            }
        );
    }

    #[test]
    fn failover_counts_tell_refused_from_accepted() {
        // As Redis 7 counts: a refused call is a call that failed.
        let stats = "# Commandstats\r\ncmdstat_get:calls=9,usec=1\r\ncmdstat_cluster|failover:calls=3,usec=15,usec_per_call=5.00,rejected_calls=1,failed_calls=2\r\n";
        assert_eq!(
            failover_counts(stats),
            FailoverCounts {
                requests: 4,
                accepted: 1
            }
        );
        assert_eq!(
            failover_counts("cmdstat_get:calls=1"),
            FailoverCounts::default()
        );
    }

    #[test]
    fn shards_health() {
        let b = |s: &str| Value::BulkString(s.as_bytes().to_vec());
        let node = Value::Array(vec![
            b("id"),
            b("abc"),
            b("port"),
            Value::Int(6379),
            b("health"),
            b("online"),
        ]);
        let shard = Value::Array(vec![
            b("slots"),
            Value::Array(vec![Value::Int(0), Value::Int(5)]),
            b("nodes"),
            Value::Array(vec![node]),
        ]);
        let h = shard_health(&Value::Array(vec![shard]));
        assert_eq!(h.get("abc").map(String::as_str), Some("online"));
    }
}
