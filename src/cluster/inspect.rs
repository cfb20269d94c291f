//! Taking a [`ClusterState`]: every node asked at once, one pipelined round trip each (plus a
//! SCAN for the lab's keys). Connections are kept between snapshots, so polling every 100 ms
//! costs a few round trips, not a few handshakes.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use futures::future::join_all;
use redis::aio::MultiplexedConnection;
use redis::{Value, cmd, pipe};
use tokio::sync::Mutex;

use super::conn::{ConnError, Target, connect_with};
use super::parse::{self, cluster_info, cluster_nodes, replication, shard_health};
use super::probe;
use crate::model::Role;
use crate::model::addr::NodeAddr;
use crate::model::reply::{ProbeAt, Reply};
use crate::model::state::{
    ClusterState, KeyValue, NodeState, SECRET_DIRECTIVES, SECRET_SHOWN, SentinelView, Unreachable,
};
use crate::model::topology::Kind;

/// Inspection must stay quick even when a node is paused (SIGSTOP): a paused node costs this
/// long, then counts as unreachable.
const CONNECT: Duration = Duration::from_millis(800);
const RESPONSE: Duration = Duration::from_millis(1500);

pub struct Inspector {
    targets: Vec<Target>,
    prefix: Option<String>,
    kind: Kind,
    keys: Vec<String>,
    config: Vec<String>,
    fallback: Option<super::conn::Auth>,
    /// Sentinels to read too, and the name they monitor the master by.
    sentinels: Vec<Target>,
    monitored: String,
    /// Commands the lab's `reply` checks send, each to its node.
    probes: Vec<ProbeAt>,
    conns: Mutex<HashMap<NodeAddr, MultiplexedConnection>>,
}

impl Inspector {
    /// Inspects exactly these nodes; `prefix` selects the lab's keys to count.
    pub fn new(targets: Vec<Target>, prefix: Option<String>) -> Inspector {
        Inspector {
            targets,
            prefix,
            kind: Kind::Cluster,
            keys: vec![],
            config: vec![],
            fallback: None,
            sentinels: vec![],
            monitored: String::new(),
            probes: vec![],
            conns: Mutex::new(HashMap::new()),
        }
    }

    /// Also reads these keys on every node, for the checks that look at them.
    pub fn watching(mut self, keys: Vec<String>) -> Inspector {
        self.keys = keys;
        self
    }

    /// Also reads these CONFIG parameters on every node.
    pub fn reading_config(mut self, names: Vec<String>) -> Inspector {
        self.config = names;
        self
    }

    /// Also reads these Sentinels about the master they monitor as `name`.
    pub fn with_sentinels(mut self, sentinels: Vec<Target>, name: &str) -> Inspector {
        self.sentinels = sentinels;
        self.monitored = name.to_string();
        self
    }

    /// Also sends these commands on every snapshot, each to a node (or Sentinel) it inspects.
    pub fn probing(mut self, probes: Vec<ProbeAt>) -> Inspector {
        self.probes = probes;
        self
    }

    /// A password to try on a node that asks for one: the one the lab's steps set.
    pub fn with_fallback(mut self, auth: Option<super::conn::Auth>) -> Inspector {
        self.fallback = auth;
        self
    }

    /// Nodes of another kind than a cluster: known by their addresses.
    pub fn of_kind(mut self, kind: Kind) -> Inspector {
        self.kind = kind;
        self
    }

    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    async fn conn(&self, t: &Target) -> Result<MultiplexedConnection, ConnError> {
        if let Some(c) = self.conns.lock().await.get(&t.addr) {
            return Ok(c.clone());
        }
        let c = match (connect_with(t, CONNECT, RESPONSE).await, &self.fallback) {
            (Err(ConnError::AuthRequired), Some(_)) => self.conn_with_fallback(t).await?,
            (c, _) => c?,
        };
        self.conns.lock().await.insert(t.addr.clone(), c.clone());
        Ok(c)
    }

    /// A connection with the lab's password, kept for the next snapshots.
    async fn conn_with_fallback(&self, t: &Target) -> Result<MultiplexedConnection, ConnError> {
        let auth = self.fallback.clone().unwrap_or_default();
        let c = connect_with(&Target::new(t.addr.clone(), auth), CONNECT, RESPONSE).await?;
        self.conns.lock().await.insert(t.addr.clone(), c.clone());
        Ok(c)
    }

    async fn forget(&self, addr: &NodeAddr) {
        self.conns.lock().await.remove(addr);
    }

    async fn node(&self, t: &Target) -> Result<NodeState, ConnError> {
        // A cached connection may belong to a node that restarted since: retry once afresh.
        for attempt in 0..2 {
            let mut c = self.conn(t).await?;
            match query(&mut c, &t.addr, self).await {
                Ok(n) => return Ok(n),
                // Protected since its connection was made (a lab's step set requirepass).
                Err(e) if e.code() == Some("NOAUTH") && self.fallback.is_some() && attempt == 0 => {
                    let mut c = self.conn_with_fallback(t).await?;
                    match query(&mut c, &t.addr, self).await {
                        Ok(n) => return Ok(n),
                        Err(e) => {
                            self.forget(&t.addr).await;
                            return Err(crate::cluster::conn::classify(&e));
                        }
                    }
                }
                Err(e) => {
                    self.forget(&t.addr).await;
                    let err = crate::cluster::conn::classify(&e);
                    if attempt == 1 || !(e.is_io_error() || e.is_connection_dropped()) {
                        return Err(err);
                    }
                }
            }
        }
        unreachable!("the loop returns on its second pass")
    }

    /// One Sentinel's view; its connection is kept like a node's.
    async fn sentinel(&self, t: &Target) -> Result<SentinelView, ConnError> {
        for attempt in 0..2 {
            let mut c = self.conn(t).await?;
            match super::sentinel::view(&mut c, &t.addr, &self.monitored).await {
                Ok(v) => return Ok(v),
                Err(e) => {
                    self.forget(&t.addr).await;
                    if attempt == 1 || !(e.is_io_error() || e.is_connection_dropped()) {
                        return Err(crate::cluster::conn::classify(&e));
                    }
                }
            }
        }
        unreachable!("the loop returns on its second pass")
    }

    pub async fn snapshot(&self) -> ClusterState {
        let started = Instant::now();
        let (results, sentinel_results) = futures::future::join(
            join_all(self.targets.iter().map(|t| self.node(t))),
            join_all(self.sentinels.iter().map(|t| self.sentinel(t))),
        )
        .await;
        let mut sentinels = vec![];
        let mut sentinels_down = vec![];
        for (t, r) in self.sentinels.iter().zip(sentinel_results) {
            match r {
                Ok(v) => sentinels.push(v),
                Err(reason) => sentinels_down.push(Unreachable {
                    addr: t.addr.clone(),
                    reason,
                }),
            }
        }
        let mut nodes = vec![];
        let mut unreachable = vec![];
        for (t, r) in self.targets.iter().zip(results) {
            match r {
                Ok(mut n) if !self.kind.is_cluster() => {
                    // Without a cluster a node has no id of its own: its address is one, and
                    // its master is the address INFO replication gives.
                    n.id = n.addr.to_string();
                    n.master_id = match n.role {
                        Role::Replica => n.replication.master.as_ref().map(ToString::to_string),
                        Role::Master => None,
                    };
                    nodes.push(n)
                }
                Ok(n) => nodes.push(n),
                Err(reason) => unreachable.push(Unreachable {
                    addr: t.addr.clone(),
                    reason,
                }),
            }
        }
        unreachable.extend(sentinels_down);
        let replies = self.replies(&unreachable).await;
        ClusterState {
            replies,
            kind: self.kind,
            sentinels,
            taken_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
            nodes,
            unreachable,
            took: started.elapsed(),
        }
    }

    /// The probes' answers from the nodes that answered this snapshot (one that did not would
    /// only cost another timeout).
    async fn replies(&self, unreachable: &[Unreachable]) -> Vec<Reply> {
        let asked = self.probes.iter().filter_map(|p| {
            let t = self
                .targets
                .iter()
                .chain(&self.sentinels)
                .find(|t| t.addr == p.addr)?;
            if unreachable.iter().any(|u| u.addr == p.addr) {
                return None;
            }
            let t = match p.bare {
                true => Target::new(t.addr.clone(), Default::default()),
                false => t.clone(),
            };
            Some(async move {
                probe::ask(&t, &p.words, p.bare, self.fallback.as_ref())
                    .await
                    .map(|answer| Reply {
                        asked: p.clone(),
                        answer,
                    })
            })
        });
        join_all(asked).await.into_iter().flatten().collect()
    }
}

/// The nodes of a cluster, as a seed node lists them (itself first).
pub async fn discover(seed: &Target) -> Result<Vec<Target>, ConnError> {
    let mut c = connect_with(seed, CONNECT, RESPONSE).await?;
    let text: String = cmd("CLUSTER")
        .arg("NODES")
        .query_async(&mut c)
        .await
        .map_err(|e| crate::cluster::conn::classify(&e))?;
    let mut out = vec![seed.clone()];
    for line in cluster_nodes(&text) {
        if let Some(addr) = line.addr.filter(|a| *a != seed.addr && a.port != 0)
            && !out.iter().any(|t| t.addr == addr)
        {
            out.push(Target::new(addr, seed.auth.clone()));
        }
    }
    Ok(out)
}

/// The SCAN MATCH pattern for keys starting with `prefix`: its glob characters must not act
/// as patterns.
pub(crate) fn glob_escape(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('*');
    out
}

/// Keys matching `prefix` on one node.
pub async fn count_keys(c: &mut MultiplexedConnection, prefix: &str) -> redis::RedisResult<u64> {
    let pattern = glob_escape(prefix);
    let mut cursor: u64 = 0;
    let mut count = 0u64;
    loop {
        let (next, keys): (u64, Vec<Vec<u8>>) = cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(&pattern)
            .arg("COUNT")
            .arg(10_000)
            .query_async(c)
            .await?;
        count += keys.len() as u64;
        cursor = next;
        if cursor == 0 {
            return Ok(count);
        }
    }
}

/// The keys the lab's checks read, in two round trips: their types, then what each type has
/// to show (a string's value, a collection's size).
async fn read_keys(
    c: &mut MultiplexedConnection,
    keys: &[String],
) -> redis::RedisResult<BTreeMap<String, KeyValue>> {
    if keys.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut types = pipe();
    for k in keys {
        types.cmd("TYPE").arg(k);
    }
    // A cluster node answers MOVED for a key it does not serve: that key is not here.
    let types: Vec<String> = types
        .ignore_errors()
        .query_async::<Vec<redis::RedisResult<Value>>>(c)
        .await?
        .into_iter()
        .map(|r| {
            r.ok()
                .and_then(|v| parse::text(&v))
                .unwrap_or_else(|| "none".into())
        })
        .collect();
    let mut sizes = pipe();
    for (k, t) in keys.iter().zip(&types) {
        let size = match t.as_str() {
            "string" => "STRLEN",
            "list" => "LLEN",
            "hash" => "HLEN",
            "set" => "SCARD",
            "zset" => "ZCARD",
            "stream" => "XLEN",
            _ => "EXISTS",
        };
        sizes.cmd(size).arg(k);
        // A string's value, cut to what a check may compare (a key of megabytes is no lab's).
        if t == "string" {
            sizes.cmd("GETRANGE").arg(k).arg(0).arg(MAX_VALUE - 1);
        }
    }
    let replies: Vec<Value> = sizes
        .ignore_errors()
        .query_async::<Vec<redis::RedisResult<Value>>>(c)
        .await?
        .into_iter()
        .map(|r| r.unwrap_or(Value::Nil))
        .collect();
    let mut replies = replies.into_iter();
    let mut out = BTreeMap::new();
    for (k, t) in keys.iter().zip(types) {
        let len = match replies.next() {
            Some(Value::Int(n)) if t != "none" => n.max(0) as u64,
            _ => 0,
        };
        let value = if t == "string" {
            replies.next().and_then(|v| parse::text(&v))
        } else {
            None
        };
        out.insert(
            k.clone(),
            KeyValue {
                kind: t,
                len,
                value,
            },
        );
    }
    Ok(out)
}

/// The CONFIG parameters the lab's checks read, in one round trip; a password only as set or
/// not.
async fn read_config(
    c: &mut MultiplexedConnection,
    names: &[String],
) -> redis::RedisResult<BTreeMap<String, String>> {
    if names.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut p = pipe();
    for n in names {
        p.cmd("CONFIG").arg("GET").arg(n);
    }
    let replies: Vec<redis::RedisResult<Value>> = p.ignore_errors().query_async(c).await?;
    let mut out = BTreeMap::new();
    for (n, r) in names.iter().zip(replies) {
        // [name, value] for a known parameter; an empty array for an unknown one.
        let Ok(Value::Array(pair)) = r else { continue };
        let Some(value) = pair.get(1).and_then(parse::text) else {
            continue;
        };
        let value = if SECRET_DIRECTIVES.contains(&n.as_str()) && !value.is_empty() {
            SECRET_SHOWN.to_string()
        } else {
            value
        };
        out.insert(n.clone(), value);
    }
    Ok(out)
}

/// The most of a string value a snapshot keeps.
const MAX_VALUE: usize = 1024;

async fn query(
    c: &mut MultiplexedConnection,
    addr: &NodeAddr,
    ask: &Inspector,
) -> redis::RedisResult<NodeState> {
    let (prefix, kind) = (ask.prefix.as_deref(), ask.kind);
    // A plain node is not asked cluster questions: each refusal would count in its
    // total_error_replies, which a lab may be watching. An empty echo keeps the places.
    let cluster_cmd = |sub: &str| {
        let mut c = cmd(if kind.is_cluster() { "CLUSTER" } else { "ECHO" });
        c.arg(if kind.is_cluster() { sub } else { "" });
        c
    };
    let replies: Vec<redis::RedisResult<Value>> = pipe()
        .add_command(cluster_cmd("NODES"))
        .add_command(cluster_cmd("INFO"))
        // Five sections in one reply (Redis 7): the link, the syncs served and what the
        // `info` checks may read (a restart shows as a new run_id, a refusal in errorstats).
        .cmd("INFO")
        .arg("replication")
        .arg("stats")
        .arg("persistence")
        .arg("server")
        .arg("errorstats")
        .cmd("DBSIZE")
        .add_command(cluster_cmd("SHARDS"))
        .cmd("INFO")
        .arg("commandstats")
        .ignore_errors()
        .query_async(c)
        .await?;
    let text_of = |i: usize| -> redis::RedisResult<String> {
        match replies.get(i) {
            Some(Ok(v)) => Ok(parse::text(v).unwrap_or_default()),
            Some(Err(e)) => Err(e.clone()),
            None => Ok(String::new()),
        }
    };
    let view = cluster_nodes(&text_of(0)?);
    let info = cluster_info(&text_of(1)?);
    let info_text = text_of(2)?;
    let repl = replication(&info_text);
    let info_fields: std::collections::BTreeMap<String, String> = parse::fields(&info_text)
        .into_iter()
        .map(|(k, v)| {
            // `errorstat_READONLY:count=3` is kept as the count, so checks compare numbers.
            let v = v.trim();
            let v = match k.starts_with("errorstat_") {
                true => v.strip_prefix("count=").unwrap_or(v),
                false => v,
            };
            (k, v.to_string())
        })
        .collect();
    let dbsize = text_of(3)?.parse().unwrap_or(0);
    // CLUSTER SHARDS is Redis 7; older servers simply have no health to report.
    let health_by_id = match replies.get(4) {
        Some(Ok(v)) => shard_health(v),
        _ => Default::default(),
    };
    let failover = text_of(5)
        .map(|t| parse::failover_counts(&t))
        .unwrap_or_default();
    let keys = match prefix {
        Some(p) => Some(count_keys(c, p).await?),
        None => None,
    };
    let key_values = read_keys(c, &ask.keys).await?;
    let config = read_config(c, &ask.config).await?;
    let me = view.iter().find(|l| l.is_myself()).cloned();
    let Some(me) = me else {
        // Not a cluster node (cluster-enabled no): report it as such, with what we know.
        return Ok(NodeState {
            addr: addr.clone(),
            id: String::new(),
            role: if repl.is_master {
                Role::Master
            } else {
                Role::Replica
            },
            master_id: None,
            slots: Default::default(),
            open_slots: vec![],
            config_epoch: 0,
            info,
            replication: repl,
            health: None,
            view,
            keys,
            dbsize,
            failover_requests: failover.requests,
            failover_accepted: failover.accepted,
            info_fields,
            key_values,
            config,
        });
    };
    Ok(NodeState {
        addr: addr.clone(),
        health: health_by_id.get(&me.id).cloned(),
        id: me.id.clone(),
        role: if me.is_replica() {
            Role::Replica
        } else {
            Role::Master
        },
        master_id: me.master_id.clone(),
        slots: me.slots.clone(),
        open_slots: me.open.clone(),
        config_epoch: me.config_epoch,
        info,
        replication: repl,
        view,
        keys,
        dbsize,
        failover_requests: failover.requests,
        failover_accepted: failover.accepted,
        info_fields,
        key_values,
        config,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_matched_literally() {
        assert_eq!(glob_escape("mf:"), "mf:*");
        assert_eq!(glob_escape("a*b?[c]\\"), "a\\*b\\?\\[c\\]\\\\*");
    }
}
