//! The consistency checker on real redis-server processes: no acknowledged write lost through
//! twenty manual failovers and failbacks, each within the nodes' own timing; a loss made on
//! purpose is caught; a loss in the last moment is counted exactly by the final sweep; a killed
//! master is survived; a value read but never acknowledged, then gone, is classed apart; a slot
//! migrated by hand is followed; keys of killed runs are removed and those of
//! live runs are not.
//!
//! Loopback nets 50-59 (see tests/common/cluster.rs); the Sentinel lab of net 56 is on 57.

mod common;

use std::time::{Duration, Instant};

use common::cluster::{Env, NODES};
use lab::cluster::conn::{Target, connect};
use lab::cluster::parse::cluster_nodes;
use lab::consistency::{self, Options, Report};
use lab::model::consistency::ChangeKind;
use lab::model::slots::key_slot;
use lab::model::state::NodeLine;
use redis::aio::MultiplexedConnection;
use redis::{Value, cmd};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn up(net: u8) -> Env {
    let env = Env::new(net);
    env.lab().args(["cluster", "up"]).run().ok();
    env
}

fn target(env: &Env, host: char, port: u16) -> Target {
    env.addr(host, port).parse().unwrap()
}

fn seeds(env: &Env) -> Vec<Target> {
    NODES.iter().map(|(h, p)| target(env, *h, *p)).collect()
}

async fn conn(env: &Env, host: char, port: u16) -> MultiplexedConnection {
    connect(&target(env, host, port)).await.unwrap()
}

/// cluster-node-timeout on every node: with 1000 ms, a replica can run an election every 4 s
/// and a node is found failed after about a second.
async fn node_timeout(env: &Env, ms: u64) {
    for (h, p) in NODES {
        let mut c = conn(env, h, p).await;
        cmd("CONFIG")
            .arg("SET")
            .arg("cluster-node-timeout")
            .arg(ms)
            .query_async::<()>(&mut c)
            .await
            .unwrap();
    }
}

async fn try_view(addr: &Target) -> Option<Vec<NodeLine>> {
    let mut c = connect(addr).await.ok()?;
    let text: String = cmd("CLUSTER").arg("NODES").query_async(&mut c).await.ok()?;
    Some(cluster_nodes(&text))
}

async fn link_up(t: &Target) -> bool {
    let Ok(mut c) = connect(t).await else {
        return false;
    };
    let info: String = cmd("INFO")
        .arg("replication")
        .query_async(&mut c)
        .await
        .unwrap_or_default();
    info.contains("master_link_status:up")
}

/// Every node sees `master` as the master of b's original slots and `replica` as its replica,
/// no node is flagged failing, and the replica's link is up: the next failover can be sent.
async fn settled(env: &Env, master: &Target, replica: &Target) -> bool {
    let mut master_id = None;
    for (h, p) in NODES {
        let Some(view) = try_view(&target(env, h, p)).await else {
            return false;
        };
        if view.iter().any(|l| l.is_failing()) {
            return false;
        }
        let find = |t: &Target| view.iter().find(|l| l.addr.as_ref() == Some(&t.addr));
        let (Some(m), Some(r)) = (find(master), find(replica)) else {
            return false;
        };
        let m_ok = m.is_master() && m.slots.to_string() == "6461-10922";
        let r_ok = r.is_replica() && r.master_id.as_deref() == Some(m.id.as_str());
        if !m_ok || !r_ok || master_id.get_or_insert(m.id.clone()) != &m.id {
            return false;
        }
    }
    link_up(replica).await
}

async fn wait_until<F: AsyncFnMut() -> bool>(what: &str, timeout: Duration, mut cond: F) {
    let deadline = Instant::now() + timeout;
    while !cond().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn failover(t: &Target) {
    let mut c = connect(t).await.unwrap();
    cmd("CLUSTER")
        .arg("FAILOVER")
        .query_async::<()>(&mut c)
        .await
        .unwrap();
}

/// Errors of one kind in a report (kinds that did not occur are not listed).
fn err(r: &Report, kind: &str) -> u64 {
    r.errors.get(kind).copied().unwrap_or(0)
}

fn print(name: &str, r: &Report) {
    eprintln!("{name}: {}", serde_json::to_string(r).unwrap());
}

/// Twenty manual failovers of b:6379 to its replica c:6380 and back, under a checker at full
/// speed: every one is seen as an owner change, and no acknowledged write is lost.
#[test]
fn no_acknowledged_write_is_lost_through_twenty_failover_cycles() {
    let env = up(50);
    let (b, c6380) = (target(&env, 'b', 6379), target(&env, 'c', 6380));
    runtime().block_on(async {
        node_timeout(&env, 1000).await;
        let run = consistency::start(Options {
            seeds: seeds(&env),
            ..Options::default()
        })
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let first = run.live();
        assert!(first.writes > 0 && first.reads > 0, "{first:?}");

        // A replica that ran an election starts no other within 4 × node-timeout.
        let retry = Duration::from_millis(4300);
        let mut last_failover: Option<Instant> = None;
        let mut took = vec![];
        for cycle in 0..20 {
            for (new_master, new_replica) in [(&c6380, &b), (&b, &c6380)] {
                let before = run.live().owner_changes;
                if let Some(t) = last_failover.filter(|_| new_master == &c6380) {
                    tokio::time::sleep(retry.saturating_sub(t.elapsed())).await;
                }
                let sent = Instant::now();
                if new_master == &c6380 {
                    last_failover = Some(sent);
                }
                failover(new_master).await;
                let what = format!("cycle {cycle}: {} to take over", new_master.addr);
                wait_until(&what, Duration::from_secs(15), async || {
                    settled(&env, new_master, new_replica).await
                })
                .await;
                let what = format!("cycle {cycle}: the checker to see {} take over", new_master);
                wait_until(&what, Duration::from_secs(5), async || {
                    run.live().owner_changes > before
                })
                .await;
                took.push(sent.elapsed());
            }
        }
        let live = run.live();
        assert!(live.ops_per_sec > 0.0, "{live:?}");
        let report = run.stop().await;
        print("failover cycles", &report);
        eprintln!("settle times: {took:?}");
        assert_eq!(report.lost, 0, "{report:?}");
        assert!(report.passed() && report.saw_failover());
        assert!(report.owner_changes.len() >= 40, "{report:?}");
        let (b_addr, c_addr) = (b.addr.clone(), c6380.addr.clone());
        let forth = report
            .owner_changes
            .iter()
            .filter(|e| e.from == b_addr && e.to == c_addr)
            .count();
        let back = report
            .owner_changes
            .iter()
            .filter(|e| e.from == c_addr && e.to == b_addr)
            .count();
        assert!(forth >= 20 && back >= 20, "{report:?}");
        // The whole shard moves at once: one event, with the many slots the run wrote to in it.
        for e in &report.owner_changes {
            assert_eq!(e.slots, "6461-10922", "{e:?}");
            assert!(e.written_slots > 1000, "{e:?}");
        }
        assert!(
            report.writes > 100_000 && report.reads > 100_000,
            "{report:?}"
        );
        assert!(err(&report, "moved") > 0, "{report:?}");
        assert!(report.longest_unavailable_ms > 0);
        assert!(
            report.round_trip_p50_us > 0 && report.round_trip_p50_us <= report.round_trip_p99_us
        );
        assert!(report.round_trip_p99_us <= report.round_trip_max_us);
        let s = report.summary();
        assert!(s.saw_failover && s.lost == 0 && s.writes == report.writes);
        assert_eq!(s.owner_changes, report.owner_changes.len() as u64);
        // Every one was a plain CLUSTER FAILOVER, and the new owner said so.
        for e in &report.owner_changes {
            assert_eq!(e.kind, ChangeKind::Coordinated, "{e:?}");
        }
        assert_eq!((report.unverified, report.swept), (0, report.keys));

        // The shard's longest window is a failover's own duration, as the old master's log
        // times it (writes paused to reconfigured), plus the checker's resolution: not a retry.
        let mut longest_pause = 0;
        for (h, p) in [('b', 6379), ('c', 6380)] {
            let log = env
                .nodes_dir()
                .join(env.addr(h, p).replace(':', "-"))
                .join("redis.log");
            let text = std::fs::read_to_string(&log).unwrap();
            for (began, ended) in lab::watch::log::manual_failovers(&text) {
                longest_pause = longest_pause.max(ended - began);
            }
        }
        assert!(longest_pause > 0);
        let w = report
            .windows
            .iter()
            .find(|w| w.master == b.addr)
            .expect("b's shard has a window");
        // The slack is for a machine busy with every other test (a quiet one, measured by `lab
        // bench consistency`, adds a few ms); a retry would add 1 s, a timeout 3 s.
        let bound = longest_pause as f64 + 2.0 * w.resolution_ms + 150.0;
        eprintln!("longest failover pause {longest_pause} ms; the checker's window {w:?}");
        assert!(w.ms <= bound, "window {w:?} over the bound {bound} ms");
    });
}

/// Keys of a run on the masters, found with SCAN.
async fn run_keys(env: &Env, prefix: &str) -> Vec<(char, String)> {
    let mut out = vec![];
    for h in ['a', 'b', 'c'] {
        let mut c = conn(env, h, 6379).await;
        let mut cursor = 0u64;
        loop {
            let (next, keys): (u64, Vec<String>) = cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(format!("{prefix}*"))
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut c)
                .await
                .unwrap();
            out.extend(keys.into_iter().map(|k| (h, k)));
            cursor = next;
            if cursor == 0 {
                break;
            }
        }
    }
    out
}

/// A checker of 3000 keys at its default pace, 0.7 s in, nothing lost; its keys by master.
async fn running(env: &Env) -> (consistency::Running, Vec<(char, String)>) {
    let run = consistency::start(Options {
        seeds: seeds(env),
        keys: 3000,
        ..Options::default()
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(run.live().lost, 0);
    let keys = run_keys(env, &format!("lc:{}:", run.run_id())).await;
    assert_eq!(keys.len(), 3000);
    (run, keys)
}

/// A checker that cannot fail is worthless: counters lowered behind its back are losses.
#[test]
fn writes_undone_behind_the_checkers_back_are_reported_lost() {
    let env = up(51);
    runtime().block_on(async {
        let (run, keys) = running(&env).await;
        let mut masters = vec![];
        for h in ['a', 'b', 'c'] {
            masters.push((h, conn(&env, h, 6379).await));
        }
        for (i, (h, k)) in keys.iter().take(200).enumerate() {
            let mut c = masters.iter().find(|(m, _)| m == h).unwrap().1.clone();
            let mut c2 = cmd(if i % 2 == 0 { "DECRBY" } else { "DEL" });
            c2.arg(k);
            if i % 2 == 0 {
                c2.arg(5);
            }
            c2.query_async::<Value>(&mut c).await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
        let live = run.live();
        assert!(live.lost > 0, "{live:?}");
        assert!(run.summary().lost > 0);
        let report = run.stop().await;
        print("tampered", &report);
        assert!(report.lost >= 200, "{report:?}");
        assert!(!report.passed());
        assert!(!report.saw_failover(), "{report:?}");
        // The run's keys and heartbeat are gone.
        assert!(run_keys(&env, "lc:").await.is_empty());
    });
}

/// Values applied behind the checker's back while its INCRs are refused (an ACL denies INCR
/// to the user it connects as, so its GETs still answer): it reads them (applied, never
/// acknowledged), then they are taken away again. That is "seen, then gone", counted apart
/// from lost acknowledged writes; it fails nothing by itself.
#[test]
fn a_value_read_but_never_acknowledged_then_gone_is_classed_apart() {
    let env = up(58);
    runtime().block_on(async {
        let (run, keys) = running(&env).await;
        let keys: Vec<String> = keys
            .into_iter()
            .filter(|(h, _)| *h == 'a')
            .map(|(_, k)| k)
            .take(100)
            .collect();
        assert_eq!(keys.len(), 100);
        let mut admin = conn(&env, 'a', 6379).await;
        let acl = async |c: &mut MultiplexedConnection, args: &[&str]| {
            cmd("ACL")
                .arg("SETUSER")
                .arg(args)
                .query_async::<()>(c)
                .await
                .unwrap();
        };
        acl(&mut admin, &["stager", "on", "nopass", "+@all", "~*"]).await;
        cmd("AUTH")
            .arg("stager")
            .arg("any")
            .query_async::<()>(&mut admin)
            .await
            .unwrap();
        acl(&mut admin, &["default", "-incr"]).await;
        let by = async |c: &mut MultiplexedConnection, verb: &str| {
            for k in &keys {
                cmd(verb).arg(k).arg(5).query_async::<i64>(c).await.unwrap();
            }
        };
        by(&mut admin, "INCRBY").await;
        wait_until(
            "the checker reads the values",
            Duration::from_secs(15),
            async || run.live().noack >= 500,
        )
        .await;
        by(&mut admin, "DECRBY").await;
        wait_until(
            "the checker sees them gone",
            Duration::from_secs(15),
            async || run.live().gone >= 500,
        )
        .await;
        acl(&mut admin, &["default", "+incr"]).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let report = run.stop().await;
        print("seen then gone", &report);
        assert_eq!((report.gone, report.noack), (500, 500), "{report:?}");
        assert_eq!((report.lost, report.unverified), (0, 0), "{report:?}");
        assert!(report.passed(), "{report:?}");
        assert!(err(&report, "other") > 0, "the refused INCRs: {report:?}");
        acl(&mut admin, &["stager", "off"]).await;
    });
}

/// GET of every key on whichever master owns it: the values as the cluster holds them now.
async fn values_now(env: &Env, masters: &[(char, u16)], keys: &[String]) -> Vec<Option<i64>> {
    let mut out = vec![None; keys.len()];
    for &(h, p) in masters {
        let mut c = conn(env, h, p).await;
        for (chunk_no, chunk) in keys.chunks(2000).enumerate() {
            let mut pipe = redis::pipe();
            for k in chunk {
                pipe.cmd("GET").arg(k);
            }
            let values: Vec<Value> = c.send_packed_commands(&pipe, 0, chunk.len()).await.unwrap();
            for (j, v) in values.into_iter().enumerate() {
                let n = match v {
                    Value::BulkString(b) => String::from_utf8(b).unwrap().parse().unwrap(),
                    Value::Nil => 0,
                    // MOVED: another master owns it.
                    _ => continue,
                };
                out[chunk_no * 2000 + j] = Some(n);
            }
        }
    }
    out
}

/// The fault, in the last moment of a run: a's replica paused, writes acknowledged by
/// a alone, a killed, the replica resumed and made master with TAKEOVER, the workers already
/// stopped. Only the final sweep can see the loss; the count is checked against the keys
/// themselves, recounted here from the acknowledged values the checker dumped.
#[test]
fn a_loss_in_the_last_moment_is_counted_exactly_by_the_final_sweep() {
    let env = up(55);
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("acked.tsv");
    runtime().block_on(async {
        let run = consistency::start(Options {
            seeds: seeds(&env),
            keys: 20_000,
            max_ops_per_sec: None,
            sweep_within: Duration::from_secs(20),
            dump: Some(dump.clone()),
            ..Options::default()
        })
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(700)).await;
        let stop = nix::sys::signal::Signal::SIGSTOP;
        common::cluster::signal(env.pid('b', 6380), stop);
        tokio::time::sleep(Duration::from_millis(400)).await;
        common::cluster::signal(env.pid('a', 6379), nix::sys::signal::Signal::SIGKILL);
        let stopping = tokio::spawn(run.stop());
        tokio::time::sleep(Duration::from_millis(300)).await;
        common::cluster::signal(env.pid('b', 6380), nix::sys::signal::Signal::SIGCONT);
        let b6380 = target(&env, 'b', 6380);
        let mut c = connect(&b6380).await.unwrap();
        cmd("CLUSTER")
            .arg("FAILOVER")
            .arg("TAKEOVER")
            .query_async::<()>(&mut c)
            .await
            .unwrap();
        let report = stopping.await.unwrap();
        print("late takeover", &report);

        assert!(report.lost > 0, "{report:?}");
        assert_eq!(report.unverified, 0, "{report:?}");
        assert_eq!(report.swept, 20_000);
        let ev = report.owner_changes.last().expect("the takeover is seen");
        assert_eq!(
            (&ev.from, &ev.to),
            (&target(&env, 'a', 6379).addr, &b6380.addr)
        );
        assert_eq!(ev.kind, ChangeKind::Uncoordinated, "{ev:?}");
        // Lost to an uncoordinated failover: counted, explained, not failed.
        assert_eq!(report.explained, report.lost, "{report:?}");
        assert!(report.passed());

        let text = std::fs::read_to_string(&dump).unwrap();
        let (keys, acked): (Vec<String>, Vec<i64>) = text
            .lines()
            .map(|l| {
                let (k, v) = l.split_once('\t').unwrap();
                (k.to_string(), v.parse::<i64>().unwrap())
            })
            .unzip();
        assert_eq!(keys.len(), 20_000);
        let now = values_now(&env, &[('b', 6380), ('b', 6379), ('c', 6379)], &keys).await;
        let recount: u64 = acked
            .iter()
            .zip(&now)
            .map(|(a, v)| {
                let v = v.expect("every key has an owner that answers");
                u64::try_from(a - v).unwrap_or(0)
            })
            .sum();
        assert_eq!(recount, report.lost);
    });
}

/// A master killed mid-run: its replica takes over on its own; the checker goes on, counts the
/// errors by kind and sees the owner change.
#[test]
fn a_killed_master_is_survived() {
    let env = up(52);
    runtime().block_on(async {
        node_timeout(&env, 1000).await;
        let run = consistency::start(Options {
            seeds: seeds(&env),
            ..Options::default()
        })
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(700)).await;
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(env.pid('b', 6379) as i32),
            nix::sys::signal::Signal::SIGKILL,
        )
        .unwrap();
        let c6380 = target(&env, 'c', 6380);
        wait_until(
            "c:6380 to be promoted",
            Duration::from_secs(20),
            async || {
                let Ok(mut c) = connect(&c6380).await else {
                    return false;
                };
                let role: Vec<Value> = cmd("ROLE").query_async(&mut c).await.unwrap_or_default();
                matches!(role.first(), Some(Value::BulkString(r)) if r == b"master")
            },
        )
        .await;
        wait_until(
            "the checker to see the failover",
            Duration::from_secs(5),
            async || run.live().owner_changes > 0,
        )
        .await;
        let after = run.live().writes;
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(run.live().writes > after);
        let report = run.stop().await;
        print("killed master", &report);
        // The killed node's connections broke and it refused new ones; the other nodes said
        // CLUSTERDOWN once they had found it failed, until its replica took over.
        assert!(
            err(&report, "connection") + err(&report, "timeout") > 0,
            "{report:?}"
        );
        assert!(err(&report, "clusterdown") > 0, "{report:?}");
        assert_eq!(err(&report, "other"), 0, "{report:?}");
        assert!(report.saw_failover(), "{report:?}");
        let ev = &report.owner_changes[0];
        assert_eq!(ev.from, target(&env, 'b', 6379).addr);
        assert_eq!(ev.to, c6380.addr);
        assert_eq!(ev.kind, ChangeKind::Uncoordinated, "{ev:?}");
        // The shard was unwritable from the kill until the promotion: at least node-timeout.
        assert!(report.longest_unavailable_ms >= 1000, "{report:?}");
        assert!(report.writes > 0 && report.read_errors > 0 && report.write_errors > 0);
    });
}

async fn query(env: &Env, host: char, args: &[&str]) -> Value {
    let mut c = conn(env, host, 6379).await;
    let mut q = cmd(args[0]);
    for a in &args[1..] {
        q.arg(*a);
    }
    q.query_async(&mut c).await.unwrap()
}

/// A slot resharded by hand under the checker: the keys already moved are followed with ASK,
/// the slot's new master with MOVED, and the move is one owner change of that slot.
#[test]
fn a_slot_migrated_mid_run_is_followed() {
    let env = up(54);
    runtime().block_on(async {
        // Unpaced: the one key of the slot is visited every few ms, so it meets both the ASK
        // and the MOVED of the short moments the test leaves.
        let run = consistency::start(Options {
            seeds: seeds(&env),
            max_ops_per_sec: None,
            ..Options::default()
        })
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let slot = key_slot(format!("lc:{}:0", run.run_id()).as_bytes());
        let (src, dst) = match slot {
            0..=5960 => ('a', 'b'),
            6461..=10922 => ('b', 'c'),
            _ => ('c', 'a'),
        };
        let id = |v: Value| match v {
            Value::BulkString(b) => String::from_utf8(b).unwrap(),
            other => panic!("{other:?}"),
        };
        let src_id = id(query(&env, src, &["CLUSTER", "MYID"]).await);
        let dst_id = id(query(&env, dst, &["CLUSTER", "MYID"]).await);
        let s = slot.to_string();
        query(&env, dst, &["CLUSTER", "SETSLOT", &s, "IMPORTING", &src_id]).await;
        query(&env, src, &["CLUSTER", "SETSLOT", &s, "MIGRATING", &dst_id]).await;
        let dst_addr = target(&env, dst, 6379).addr;
        let port = dst_addr.port.to_string();
        loop {
            let Value::Array(keys) = query(&env, src, &["CLUSTER", "GETKEYSINSLOT", &s, "1"]).await
            else {
                panic!()
            };
            let Some(Value::BulkString(k)) = keys.first() else {
                break;
            };
            let k = String::from_utf8(k.clone()).unwrap();
            let migrate = [
                "MIGRATE",
                &dst_addr.host,
                &port,
                "",
                "0",
                "5000",
                "KEYS",
                &k,
            ];
            query(&env, src, &migrate).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // With every key moved and the slot still migrating, the source answers ASK.
        tokio::time::sleep(Duration::from_millis(300)).await;
        for h in [dst, src] {
            query(&env, h, &["CLUSTER", "SETSLOT", &s, "NODE", &dst_id]).await;
        }
        wait_until(
            "the checker to see the slot move",
            Duration::from_secs(5),
            async || run.live().owner_changes > 0,
        )
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let report = run.stop().await;
        print("migrated", &report);
        assert_eq!(report.lost, 0, "{report:?}");
        assert!(
            err(&report, "ask") > 0 && err(&report, "moved") > 0,
            "{report:?}"
        );
        let ev = &report.owner_changes[0];
        assert_eq!(report.owner_changes.len(), 1, "{report:?}");
        assert_eq!((ev.slots.as_str(), ev.written_slots), (s.as_str(), 1));
        assert_eq!(ev.kind, ChangeKind::Migration, "{ev:?}");
        assert_eq!(ev.from, target(&env, src, 6379).addr);
        assert_eq!(ev.to, dst_addr);
    });
}

/// Sets a key on whichever master owns it.
async fn set_anywhere(env: &Env, key: &str, value: &str) {
    for h in ['a', 'b', 'c'] {
        let mut c = conn(env, h, 6379).await;
        if cmd("SET")
            .arg(key)
            .arg(value)
            .query_async::<()>(&mut c)
            .await
            .is_ok()
        {
            return;
        }
    }
    panic!("no master took {key}");
}

async fn del_anywhere(env: &Env, key: &str) {
    for h in ['a', 'b', 'c'] {
        let mut c = conn(env, h, 6379).await;
        if let Ok(1) = cmd("DEL").arg(key).query_async::<i64>(&mut c).await {
            return;
        }
    }
    panic!("no master had {key}");
}

/// Keys of killed runs (no heartbeat) are removed at start and counted; keys of a live run, and
/// keys that only share the prefix, are left alone.
#[test]
fn leftovers_of_killed_runs_are_removed_and_live_runs_are_not_touched() {
    let env = up(53);
    runtime().block_on(async {
        let opts = || Options {
            seeds: seeds(&env),
            keys: 1000,
            ..Options::default()
        };
        // A run killed: its tasks end, its keys stay; its heartbeat would expire in 15 s.
        let killed = consistency::start(opts()).await.unwrap();
        let killed_id = killed.run_id().to_string();
        tokio::time::sleep(Duration::from_millis(300)).await;
        drop(killed);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let left = run_keys(&env, &format!("lc:{killed_id}:")).await.len();
        assert_eq!(left, 1000);
        del_anywhere(&env, &format!("lc:run:{killed_id}")).await;
        // Keys of a run that never had a heartbeat, and a key that is not a run's.
        for i in 1..=5 {
            set_anywhere(&env, &format!("lc:zz0-fake:{i}"), "3").await;
        }
        set_anywhere(&env, "lc:user:1000", "data").await;

        // The next run removes them, and runs on.
        let live = consistency::start(opts()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(run_keys(&env, &format!("lc:{killed_id}:")).await.is_empty());
        assert!(run_keys(&env, "lc:zz0-fake:").await.is_empty());
        // A run started while it runs finds nothing to remove, and lasts what it was told.
        let timed = consistency::start(Options {
            duration: Some(Duration::from_millis(1500)),
            max_ops_per_sec: Some(20_000),
            ..opts()
        })
        .await
        .unwrap();
        assert!(!timed.is_finished());
        wait_until(
            "the timed run to finish",
            Duration::from_secs(10),
            async || timed.is_finished(),
        )
        .await;
        let frozen = timed.live().elapsed_ms;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(timed.live().elapsed_ms, frozen);
        let report = timed.stop().await;
        print("timed", &report);
        assert_eq!(report.leftovers_removed, 0, "{report:?}");
        assert!((1500..2500).contains(&report.elapsed_ms), "{report:?}");
        assert!(report.passed() && report.writes > 0);
        assert!(report.ops_per_sec < 25_000.0, "{report:?}");

        // The first run lost nothing: none of its keys were touched.
        let live_report = live.stop().await;
        print("after leftovers", &live_report);
        assert_eq!(live_report.leftovers_removed, left as u64 + 5);
        assert_eq!(live_report.lost, 0, "{live_report:?}");
        assert!(live_report.writes > 0);

        let rest: Vec<String> = run_keys(&env, "lc:")
            .await
            .into_iter()
            .map(|(_, k)| k)
            .collect();
        assert_eq!(rest, vec!["lc:user:1000".to_string()]);
    });
}

/// Bad options and an unreachable cluster are errors, not panics.
#[test]
fn no_cluster_is_an_environment_error() {
    runtime().block_on(async {
        let e = consistency::start(Options {
            seeds: vec!["127.0.58.100:6379".parse().unwrap()],
            ..Options::default()
        })
        .await
        .err()
        .unwrap();
        assert!(matches!(e, lab::error::Error::Environment(_)), "{e:?}");
        assert!(e.to_string().contains("127.0.58.100:6379"), "{e}");
        let e = consistency::start(Options::default()).await.err().unwrap();
        assert!(matches!(e, lab::error::Error::Usage(_)), "{e:?}");
        let e = consistency::start(Options {
            seeds: vec!["127.0.58.100:6379".parse().unwrap()],
            prefix: String::new(),
            ..Options::default()
        })
        .await
        .err()
        .unwrap();
        assert!(matches!(e, lab::error::Error::Usage(_)), "{e:?}");
    });
}

/// INCR calls the masters have served, from INFO commandstats.
async fn incr_calls(env: &Env) -> u64 {
    let mut total = 0;
    for h in ['a', 'b', 'c'] {
        let mut c = conn(env, h, 6379).await;
        let info: String = cmd("INFO")
            .arg("commandstats")
            .query_async(&mut c)
            .await
            .unwrap();
        let line = info.lines().find(|l| l.starts_with("cmdstat_incr:"));
        total += line
            .and_then(|l| l.split("calls=").nth(1))
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
    }
    total
}

/// Throughput with the defaults (or LC_WORKERS, LC_BATCH, LC_KEYS, LC_SECS):
/// `cargo test --release --test consistency -- --ignored --nocapture throughput`.
#[test]
#[ignore]
fn throughput() {
    let env = up(59);
    let var = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let d = Options::default();
    let opts = Options {
        seeds: seeds(&env),
        max_ops_per_sec: None,
        workers: var("LC_WORKERS").map_or(d.workers, |v| v as usize),
        batch: var("LC_BATCH").map_or(d.batch, |v| v as usize),
        keys: var("LC_KEYS").unwrap_or(d.keys),
        ..d
    };
    let secs = var("LC_SECS").unwrap_or(10);
    let runs = var("LC_RUNS").unwrap_or(3);
    runtime().block_on(async {
        let mut rates = vec![];
        for _ in 0..runs {
            let before = incr_calls(&env).await;
            let r = consistency::measure(opts.clone(), Duration::from_secs(secs))
                .await
                .unwrap();
            print("throughput", &r);
            // The servers agree with the checker's count.
            let served = incr_calls(&env).await - before;
            eprintln!("INCR served by the masters: {served}");
            assert!(served >= r.writes);
            assert_eq!(r.lost, 0);
            rates.push(r.ops_per_sec);
        }
        rates.sort_by(f64::total_cmp);
        eprintln!(
            "workers {} batch {} keys {}: median {:.0} ops/s of {rates:?}",
            opts.workers,
            opts.batch,
            opts.keys,
            rates[rates.len() / 2]
        );
    });
}

/// A Sentinel lab's node or Sentinel (`port` 6379 or 26379): the course's 192.168.159.210-212
/// on the range after `env`'s.
fn watched(env: &Env, host: char, port: u16) -> Target {
    format!("127.0.{}.{}:{port}", env.net + 1, 210 + (host as u8 - b'a'))
        .parse()
        .unwrap()
}

async fn role(t: &Target) -> String {
    let Ok(mut c) = connect(t).await else {
        return String::new();
    };
    let r: Vec<Value> = cmd("ROLE").query_async(&mut c).await.unwrap_or_default();
    match r.first() {
        Some(Value::BulkString(b)) => String::from_utf8_lossy(b).into_owned(),
        _ => String::new(),
    }
}

/// Through Sentinel: a SENTINEL FAILOVER (uncoordinated on Redis 7.0: the old master takes
/// writes until it is told to follow) is followed to the new master, and what it loses is
/// counted, every write of it in the class an uncoordinated failover explains; then the
/// FAILOVER command (coordinated), which Sentinel learns of late, is followed by ROLE and loses
/// nothing. Nets 56 and 57 (the lab's hosts are on the next range).
#[test]
fn through_sentinel_a_sentinel_failover_loses_what_it_may_and_the_failover_command_nothing() {
    let env = Env::new(56);
    env.lab()
        .args(["cluster", "up", "--lab", "sentinel", "--lang", "en"])
        .run()
        .ok();
    let nodes: Vec<Target> = ['a', 'b', 'c'].map(|h| watched(&env, h, 6379)).into();
    let sentinels: Vec<Target> = ['a', 'b', 'c'].map(|h| watched(&env, h, 26379)).into();
    let opts = Options {
        seeds: nodes.clone(),
        follow: consistency::Follow::Sentinel {
            sentinels: sentinels.clone(),
            name: "cursoredis".into(),
        },
        ..Options::default()
    };
    runtime().block_on(async {
        let run = consistency::start(opts.clone()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(700)).await;
        let mut s = connect(&sentinels[0]).await.unwrap();
        cmd("SENTINEL")
            .arg("FAILOVER")
            .arg("cursoredis")
            .query_async::<()>(&mut s)
            .await
            .unwrap();
        wait_until(
            "the checker to follow",
            Duration::from_secs(20),
            async || run.live().owner_changes > 0,
        )
        .await;
        wait_until(
            "the old master to follow",
            Duration::from_secs(20),
            async || role(&nodes[0]).await == "slave",
        )
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let report = run.stop().await;
        print("sentinel failover", &report);
        let ev = &report.owner_changes[0];
        assert_eq!(ev.from, nodes[0].addr);
        assert_eq!(ev.kind, ChangeKind::Uncoordinated, "{ev:?}");
        assert_eq!(report.owner_changes.len(), 1, "{report:?}");
        // Every acknowledged write lost is one the failover explains, and no other.
        assert_eq!(report.explained, report.lost, "{report:?}");
        assert_eq!(report.unverified, 0);
        assert!(report.passed(), "{report:?}");

        // The FAILOVER command on the new master, to whichever replica it picks.
        let new_master = nodes.iter().find(|n| n.addr == ev.to).unwrap().clone();
        wait_until(
            "the replicas to link",
            Duration::from_secs(20),
            async || {
                let mut c = connect(&new_master).await.unwrap();
                let info: String = cmd("INFO")
                    .arg("replication")
                    .query_async(&mut c)
                    .await
                    .unwrap_or_default();
                info.contains("connected_slaves:2") && !info.contains("state=wait_bgsave")
            },
        )
        .await;
        let run = consistency::start(opts).await.unwrap();
        tokio::time::sleep(Duration::from_millis(700)).await;
        let mut c = connect(&new_master).await.unwrap();
        cmd("FAILOVER").query_async::<()>(&mut c).await.unwrap();
        wait_until(
            "the checker to follow",
            Duration::from_secs(10),
            async || run.live().owner_changes > 0,
        )
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let report = run.stop().await;
        print("FAILOVER command", &report);
        let ev = &report.owner_changes[0];
        assert_eq!(ev.from, new_master.addr);
        assert_eq!(ev.kind, ChangeKind::Coordinated, "{ev:?}");
        assert_eq!(report.lost, 0, "{report:?}");
        assert!(report.passed() && report.unverified == 0, "{report:?}");
    });
}
