//! The run's keys and their lifecycle: names, the heartbeat that says a run is alive, removing
//! what killed runs left behind, and deleting the run's own keys when it stops.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{Cmd, Value, cmd, pipe};

use super::route::Route;
use super::stats::{ErrKind, redirect};
use crate::cluster::conn::{Auth, ConnError, Target, connect_with};
use crate::model::addr::NodeAddr;
use crate::model::slots::{SLOTS, key_slot};

/// How long a heartbeat lives; it is refreshed every [`HEARTBEAT_EVERY`].
pub(crate) const HEARTBEAT_TTL_S: u64 = 15;
pub(crate) const HEARTBEAT_EVERY: Duration = Duration::from_secs(4);

/// Counter `i` of a run: `<prefix><run-id>:<i>{<tag>}`, the hash tag chosen so that counter `i`
/// lives in slot `i mod 16384`: with 16384 counters every slot has one, so even a single slot
/// moved by hand is a change the test writes through. A prefix with braces of its own would
/// decide the slot itself, so then the name has no tag (and the keys spread by hash).
pub(crate) fn key_name(prefix: &str, run: &str, i: u64) -> String {
    if prefix.contains(['{', '}']) {
        return format!("{prefix}{run}:{i}");
    }
    let tag = &slot_tags()[(i % u64::from(SLOTS)) as usize];
    format!("{prefix}{run}:{i}{{{tag}}}")
}

/// For each slot, the shortest decimal number whose CRC16 lands in it.
fn slot_tags() -> &'static [String] {
    static TAGS: OnceLock<Vec<String>> = OnceLock::new();
    TAGS.get_or_init(|| {
        let mut tags: Vec<Option<String>> = vec![None; usize::from(SLOTS)];
        let mut missing = tags.len();
        // Every slot is hit within a few hundred thousand numbers (about 2 ms).
        for n in 0u64.. {
            let s = n.to_string();
            let slot = usize::from(key_slot(s.as_bytes()));
            if tags[slot].is_none() {
                tags[slot] = Some(s);
                missing -= 1;
                if missing == 0 {
                    break;
                }
            }
        }
        tags.into_iter().map(Option::unwrap_or_default).collect()
    })
}

pub(crate) fn heartbeat_key(prefix: &str, run: &str) -> String {
    format!("{prefix}run:{run}")
}

/// What a heartbeat holds: the machine's boot id, the pid and the process's start time, so a
/// run on this machine whose process is gone is known dead at once, not only once its
/// heartbeat expires. `v1 <boot id> <pid> <start>`.
fn owner_token() -> String {
    let pid = std::process::id();
    let start = crate::cluster::process::started(pid).unwrap_or(0);
    format!("v1 {} {pid} {start}", boot_id().unwrap_or("-"))
}

/// This boot of this machine (pids and start times mean nothing across machines or boots).
fn boot_id() -> Option<&'static str> {
    static ID: OnceLock<Option<String>> = OnceLock::new();
    ID.get_or_init(|| {
        let id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
        let id = id.trim();
        (!id.is_empty() && !id.contains(char::is_whitespace)).then(|| id.to_string())
    })
    .as_deref()
}

/// Whether the run whose heartbeat holds `token` is gone: its process was on this machine, in
/// this boot, and no longer runs. A heartbeat from elsewhere (another student's machine, an
/// older version that wrote `1`) is trusted until it expires.
pub(crate) fn owner_gone(token: &[u8]) -> bool {
    let Ok(token) = std::str::from_utf8(token) else {
        return false;
    };
    let mut words = token.split(' ');
    let (Some("v1"), Some(boot), Some(pid), Some(start), None) = (
        words.next(),
        words.next(),
        words.next(),
        words.next(),
        words.next(),
    ) else {
        return false;
    };
    let (Ok(pid), Ok(start)) = (pid.parse::<u32>(), start.parse::<u64>()) else {
        return false;
    };
    boot_id() == Some(boot)
        && !crate::cluster::process::same_process(pid, (start != 0).then_some(start))
}

/// A new run id: the time in seconds and a random part, both base 36: `t0k2xq-3fz1a`.
pub(crate) fn new_run_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(now.as_nanos());
    h.write_u32(std::process::id());
    format!(
        "{}-{}",
        base36(now.as_secs()),
        base36(h.finish() % 36u64.pow(6))
    )
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = vec![];
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The shape of the ids [`new_run_id`] makes. Only keys of this shape are ever deleted, so data
/// that merely shares the prefix is safe.
pub(crate) fn is_run_id(s: &str) -> bool {
    let part = |p: &str| {
        (1..=16).contains(&p.len())
            && p.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    };
    matches!(s.split_once('-'), Some((a, b)) if part(a) && part(b))
}

/// The run a counter key belongs to, if `key` is one: `<prefix><run-id>:<digits>`.
pub(crate) fn run_of<'a>(prefix: &str, key: &'a str) -> Option<&'a str> {
    let rest = key.strip_prefix(prefix)?;
    if rest.starts_with("run:") {
        return None;
    }
    let (run, tail) = rest.rsplit_once(':')?;
    // `<i>{<tag>}`, or `<i>` alone (an untagged prefix, or a run of an earlier version).
    let i = match tail.split_once('{') {
        Some((i, tag)) => tag
            .strip_suffix('}')
            .filter(|t| t.bytes().all(|b| b.is_ascii_digit()))
            .map(|_| i)?,
        None => tail,
    };
    (!i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()) && is_run_id(run)).then_some(run)
}

/// One connection per node, made on first use.
pub(crate) struct Pool {
    auth: Auth,
    conns: HashMap<NodeAddr, MultiplexedConnection>,
    connect: Duration,
    response: Duration,
}

impl Pool {
    pub(crate) fn new(auth: Auth, connect: Duration, response: Duration) -> Pool {
        Pool {
            auth,
            conns: HashMap::new(),
            connect,
            response,
        }
    }

    pub(crate) async fn get(
        &mut self,
        addr: &NodeAddr,
    ) -> Result<MultiplexedConnection, ConnError> {
        if let Some(c) = self.conns.get(addr) {
            return Ok(c.clone());
        }
        let t = Target::new(addr.clone(), self.auth.clone());
        let c = connect_with(&t, self.connect, self.response).await?;
        self.conns.insert(addr.clone(), c.clone());
        Ok(c)
    }

    pub(crate) fn forget(&mut self, addr: &NodeAddr) {
        self.conns.remove(addr);
    }

    /// Sends one command to a node; a failed connection is forgotten, to be made again.
    pub(crate) async fn query(&mut self, addr: &NodeAddr, c: &Cmd) -> Option<Value> {
        let mut conn = self.get(addr).await.ok()?;
        match c.query_async::<Value>(&mut conn).await {
            Ok(v) => Some(v),
            Err(e) => {
                if let Some(code) = e.code() {
                    // A server error of a single command comes back as `Err`; keep it as a reply.
                    return Some(Value::ServerError(server_error(code, e.detail())));
                }
                self.forget(addr);
                None
            }
        }
    }
}

fn server_error(code: &str, detail: Option<&str>) -> redis::ServerError {
    let line = match detail {
        Some(d) => format!("-{code} {d}\r\n"),
        None => format!("-{code}\r\n"),
    };
    match redis::parse_redis_value(line.as_bytes()) {
        Ok(Value::ServerError(e)) => e,
        _ => match redis::parse_redis_value(b"-ERR\r\n") {
            Ok(Value::ServerError(e)) => e,
            _ => unreachable!("a RESP error line parses as an error"),
        },
    }
}

/// Sends a command about `key` to the master of its slot, following up to two MOVED replies
/// (which also update `route`). `None` when no node answered.
pub(crate) async fn on_owner(
    pool: &mut Pool,
    route: &mut Route,
    key: &str,
    c: &Cmd,
) -> (Option<Value>, Vec<(u16, NodeAddr)>) {
    let slot = key_slot(key.as_bytes());
    let mut moved = vec![];
    for _ in 0..3 {
        let Some(addr) = route.owner_of(slot).cloned() else {
            return (None, moved);
        };
        let Some(v) = pool.query(&addr, c).await else {
            return (None, moved);
        };
        if let Value::ServerError(e) = &v
            && ErrKind::from_code(e.code()) == ErrKind::Moved
            && let Some((s, to)) = redirect(e.details().unwrap_or(""), &addr)
        {
            route.owner[usize::from(s)] = route.index_of(&to);
            moved.push((s, to));
            continue;
        }
        return (Some(v), moved);
    }
    (None, moved)
}

pub(crate) async fn write_heartbeat(
    pool: &mut Pool,
    route: &mut Route,
    prefix: &str,
    run: &str,
) -> (bool, Vec<(u16, NodeAddr)>) {
    let key = heartbeat_key(prefix, run);
    let mut c = cmd("SET");
    c.arg(&key)
        .arg(owner_token())
        .arg("EX")
        .arg(HEARTBEAT_TTL_S);
    let (v, moved) = on_owner(pool, route, &key, &c).await;
    (matches!(v, Some(Value::Okay)), moved)
}

/// Keys of this prefix on one master, grouped by run.
async fn scan_runs(
    c: &mut MultiplexedConnection,
    prefix: &str,
) -> redis::RedisResult<BTreeMap<String, Vec<String>>> {
    let pattern = crate::cluster::inspect::glob_escape(prefix);
    let mut cursor: u64 = 0;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    loop {
        let (next, keys): (u64, Vec<Vec<u8>>) = cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(&pattern)
            .arg("COUNT")
            .arg(1000)
            .query_async(c)
            .await?;
        for k in keys {
            let Ok(k) = String::from_utf8(k) else {
                continue;
            };
            if let Some(run) = run_of(prefix, &k) {
                out.entry(run.to_string()).or_default().push(k);
            }
        }
        cursor = next;
        if cursor == 0 {
            return Ok(out);
        }
    }
}

/// Deletes keys on one node, pipelined; returns how many existed.
async fn delete_on(c: &mut MultiplexedConnection, keys: &[String]) -> (u64, Vec<(String, Value)>) {
    let mut deleted = 0;
    let mut failed = vec![];
    for chunk in keys.chunks(1000) {
        let mut p = pipe();
        for k in chunk {
            p.cmd("DEL").arg(k);
        }
        match c.send_packed_commands(&p, 0, chunk.len()).await {
            Ok(values) => {
                for (k, v) in chunk.iter().zip(values) {
                    match v {
                        Value::Int(n) => deleted += n.max(0) as u64,
                        other => failed.push((k.clone(), other)),
                    }
                }
            }
            Err(_) => return (deleted, failed),
        }
    }
    (deleted, failed)
}

/// Finds the keys of runs that were killed — their heartbeat expired, or it names a process of
/// this machine that no longer runs — on every master and deletes them; returns how many. Keys
/// of runs that are alive, and keys whose run cannot be checked, are left alone.
pub(crate) async fn remove_leftovers(pool: &mut Pool, route: &mut Route, prefix: &str) -> u64 {
    let mut found: Vec<(NodeAddr, BTreeMap<String, Vec<String>>)> = vec![];
    for m in route.masters() {
        let Ok(mut c) = pool.get(&m).await else {
            continue;
        };
        if let Ok(runs) = scan_runs(&mut c, prefix).await {
            found.push((m, runs));
        }
    }
    let runs: BTreeSet<&String> = found.iter().flat_map(|(_, r)| r.keys()).collect();
    let mut dead = BTreeSet::new();
    let mut beats = vec![];
    for run in runs {
        let key = heartbeat_key(prefix, run);
        let mut c = cmd("GET");
        c.arg(&key);
        let gone = match on_owner(pool, route, &key, &c).await.0 {
            Some(Value::Nil) => true,
            Some(Value::BulkString(token)) => owner_gone(&token),
            _ => false,
        };
        if gone {
            dead.insert(run.clone());
            beats.push(key);
        }
    }
    // Their heartbeats go too, or they would outlive the keys they spoke for.
    delete_keys(pool, route, beats).await;
    let mut removed = 0;
    for (node, runs) in &found {
        let keys: Vec<String> = runs
            .iter()
            .filter(|(r, _)| dead.contains(*r))
            .flat_map(|(_, k)| k.iter().cloned())
            .collect();
        if keys.is_empty() {
            continue;
        }
        if let Ok(mut c) = pool.get(node).await {
            removed += delete_on(&mut c, &keys).await.0;
        }
    }
    removed
}

/// Deletes the given keys where `route` says they live, following MOVED a few times.
pub(crate) async fn delete_keys(pool: &mut Pool, route: &mut Route, keys: Vec<String>) {
    let mut todo = keys;
    for _ in 0..3 {
        if todo.is_empty() {
            return;
        }
        let mut by: BTreeMap<NodeAddr, Vec<String>> = BTreeMap::new();
        for k in todo.drain(..) {
            if let Some(o) = route.owner_of(key_slot(k.as_bytes())) {
                by.entry(o.clone()).or_default().push(k);
            }
        }
        for (node, keys) in by {
            let Ok(mut c) = pool.get(&node).await else {
                continue;
            };
            let (_, failed) = delete_on(&mut c, &keys).await;
            for (k, v) in failed {
                let Value::ServerError(e) = &v else { continue };
                match ErrKind::from_code(e.code()) {
                    ErrKind::Moved => {
                        if let Some((s, to)) = redirect(e.details().unwrap_or(""), &node) {
                            route.owner[usize::from(s)] = route.index_of(&to);
                            todo.push(k);
                        }
                    }
                    kind if kind.wants_backoff() => todo.push(k),
                    _ => {}
                }
            }
        }
        if !todo.is_empty() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heartbeat_of_a_process_that_is_gone_is_dead_at_once() {
        assert!(!owner_gone(owner_token().as_bytes()), "our own run");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        let boot = boot_id().unwrap();
        assert!(owner_gone(format!("v1 {boot} {pid} 12345").as_bytes()));
        // Elsewhere, or of an older version, or not ours to read: trusted until it expires.
        assert!(!owner_gone(format!("v1 other-boot {pid} 12345").as_bytes()));
        for token in ["1", "", "v1", "v1 a b c d", "v2 x 1 2"] {
            assert!(!owner_gone(token.as_bytes()), "{token}");
        }
        assert!(!owner_gone(b"\xff\xfe"));
    }

    #[test]
    fn counter_i_lives_in_slot_i_so_16384_counters_cover_every_slot() {
        let id = new_run_id();
        let mut seen = vec![false; usize::from(SLOTS)];
        for i in 0..u64::from(SLOTS) {
            let slot = key_slot(key_name("lc:", &id, i).as_bytes());
            assert_eq!(u64::from(slot), i);
            seen[usize::from(slot)] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(key_slot(key_name("lc:", &id, 16384 + 5).as_bytes()), 5);
    }

    #[test]
    fn run_ids_and_key_names() {
        let id = new_run_id();
        assert!(is_run_id(&id), "{id}");
        assert_ne!(new_run_id(), new_run_id());
        let name = key_name("lc:", &id, 7);
        assert!(name.starts_with(&format!("lc:{id}:7{{")), "{name}");
        assert_eq!(run_of("lc:", &name), Some(id.as_str()));
        // Names of an earlier version, without a tag, are still recognised as leftovers.
        assert_eq!(run_of("lc:", &format!("lc:{id}:7")), Some(id.as_str()));
        // A prefix with braces of its own keeps its slot: no tag added.
        assert_eq!(key_name("l{c}:", &id, 7), format!("l{{c}}:{id}:7"));

        assert_eq!(run_of("lc:", &heartbeat_key("lc:", &id)), None);
        // Keys that merely share the prefix are not a run's.
        for k in [
            "lc:user:1000",
            "lc:abc:1",
            "lc:a-b-c:1",
            "lc:a-B:1",
            "lc:a-b:",
            "lc:a-b:1x",
            "lc:-b:1",
            "mf:a-b:1",
            "lc:a-b",
        ] {
            assert_eq!(run_of("lc:", k), None, "{k}");
        }
        assert_eq!(run_of("lc:", "lc:k0-zz:12"), Some("k0-zz"));
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
    }

    #[test]
    fn single_command_errors_become_replies() {
        let e = server_error("MOVED", Some("12 h:1"));
        assert_eq!(e.code(), "MOVED");
        assert_eq!(e.details(), Some("12 h:1"));
        assert_eq!(server_error("CLUSTERDOWN", None).code(), "CLUSTERDOWN");
    }
}
