//! Real Sentinels: how one is read (SENTINEL MASTER, REPLICAS and SENTINELS in one round trip)
//! and what keeps a set of them from being ready — each must see the master up, all its
//! replicas and every other Sentinel, each by the address it announces.

use std::collections::BTreeMap;

use redis::aio::MultiplexedConnection;
use redis::{Value, cmd, pipe};

use super::parse;
use crate::i18n::Msg;
use crate::model::addr::NodeAddr;
use crate::model::state::{ClusterState, MonitoredMaster, SentinelView};
use crate::msg;

/// Field → value of one Sentinel reply entry (a flat array in RESP2, a map in RESP3).
fn pairs(v: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match v {
        Value::Array(items) => {
            for kv in items.chunks(2) {
                if let [k, v] = kv
                    && let (Some(k), Some(v)) = (parse::text(k), parse::text(v))
                {
                    out.insert(k, v);
                }
            }
        }
        Value::Map(items) => {
            for (k, v) in items {
                if let (Some(k), Some(v)) = (parse::text(k), parse::text(v)) {
                    out.insert(k, v);
                }
            }
        }
        _ => {}
    }
    out
}

fn addr_of(f: &BTreeMap<String, String>) -> Option<NodeAddr> {
    Some(NodeAddr::new(
        f.get("ip")?.clone(),
        f.get("port")?.parse().ok()?,
    ))
}

fn addrs(v: Option<&redis::RedisResult<Value>>) -> Vec<NodeAddr> {
    match v {
        Some(Ok(Value::Array(entries))) => {
            entries.iter().filter_map(|e| addr_of(&pairs(e))).collect()
        }
        _ => vec![],
    }
}

/// What one Sentinel says of the master it monitors as `name`.
pub async fn view(
    c: &mut MultiplexedConnection,
    addr: &NodeAddr,
    name: &str,
) -> redis::RedisResult<SentinelView> {
    let replies: Vec<redis::RedisResult<Value>> = pipe()
        .add_command(cmd("SENTINEL").arg("MASTER").arg(name).clone())
        .add_command(cmd("SENTINEL").arg("REPLICAS").arg(name).clone())
        .add_command(cmd("SENTINEL").arg("SENTINELS").arg(name).clone())
        .ignore_errors()
        .query_async(c)
        .await?;
    let master = match replies.first() {
        Some(Ok(v)) => {
            let f = pairs(v);
            let num = |k: &str| f.get(k).and_then(|v| v.parse().ok()).unwrap_or(0);
            Some(MonitoredMaster {
                name: name.to_string(),
                addr: addr_of(&f),
                flags: f
                    .get("flags")
                    .map(|x| x.split(',').map(str::to_string).collect())
                    .unwrap_or_default(),
                num_replicas: num("num-slaves") as u32,
                num_other_sentinels: num("num-other-sentinels") as u32,
                quorum: num("quorum") as u32,
                config_epoch: num("config-epoch"),
                replicas: addrs(replies.get(1)),
                sentinels: addrs(replies.get(2)),
            })
        }
        // "ERR No such master with that name": it does not monitor it.
        Some(Err(e)) if e.code().is_some() => None,
        Some(Err(e)) => return Err(e.clone()),
        None => None,
    };
    Ok(SentinelView {
        addr: addr.clone(),
        master,
    })
}

/// What keeps a Sentinel from being ready, for each one: the master it should see at
/// `master`, `replicas` replicas, and every other Sentinel.
pub fn not_ready(s: &ClusterState, master: &NodeAddr, replicas: u32, sentinels: u32) -> Vec<Msg> {
    let mut out: Vec<Msg> = s
        .unreachable
        .iter()
        .map(|u| u.reason.unreachable(&u.addr))
        .collect();
    for v in &s.sentinels {
        let who = v.addr.to_string();
        let Some(m) = &v.master else {
            out.push(msg!("problem-sentinel-not-monitoring", sentinel = who));
            continue;
        };
        if m.addr.as_ref() != Some(master) || !m.has_flag("master") || m.flags.len() != 1 {
            out.push(msg!(
                "problem-sentinel-master",
                sentinel = who.as_str(),
                flags = m.flags.join(",")
            ));
        }
        if m.num_replicas != replicas {
            out.push(msg!(
                "problem-sentinel-replicas",
                sentinel = who.as_str(),
                seen = m.num_replicas,
                wanted = replicas
            ));
        }
        if m.num_other_sentinels + 1 != sentinels {
            out.push(msg!(
                "problem-sentinel-sentinels",
                sentinel = who,
                seen = m.num_other_sentinels,
                wanted = sentinels.saturating_sub(1)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(s.as_bytes().to_vec())
    }

    #[test]
    fn entries_read_as_fields_in_either_protocol() {
        let flat = Value::Array(
            ["name", "cursoredis", "ip", "127.0.159.210", "port", "6379"]
                .iter()
                .map(|s| bulk(s))
                .collect(),
        );
        let f = pairs(&flat);
        assert_eq!(addr_of(&f), Some(NodeAddr::new("127.0.159.210", 6379)));
        let map = Value::Map(vec![
            (bulk("ip"), bulk("127.0.159.211")),
            (bulk("port"), bulk("6379")),
        ]);
        assert_eq!(
            addr_of(&pairs(&map)),
            Some(NodeAddr::new("127.0.159.211", 6379))
        );
        // An odd trailing field is dropped, not a panic.
        assert!(pairs(&Value::Array(vec![bulk("ip")])).is_empty());
    }
}
