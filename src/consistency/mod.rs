//! The consistency checker: proves that no acknowledged write is lost while a Redis Cluster
//! fails over.
//!
//! Each run owns a set of counter keys `<prefix><run-id>:<i>`, spread over every slot. Workers
//! go round their keys in batches and send, per key, `GET` then `INCR` to the key's master, one
//! pipeline per master. What each value means is `tally`'s: a floor raised only by INCR
//! replies, so only acknowledged writes can be counted lost. When the workers stop, a final
//! sweep reads every key again on its owner, and only then is the verdict given (see
//! `model::consistency` for the rule by kind of failover).
//!
//! Routing is the checker's own, over one connection per worker and node: that way it can
//! pipeline per node, count every error by kind, and see when the owner of a slot changes.
//! CLUSTER SLOTS gives the first map; MOVED replies correct it at once; CLUSTER NODES, read
//! about once a second and right after a MOVED, confirms changes with config epochs and turns
//! them into owner-change events (a failover moves a whole shard: one event). The new owner's
//! CLUSTER INFO tells a coordinated failover from the others: only CLUSTER FAILOVER without
//! options makes the replica send MFSTART to its master (`cluster_stats_messages_mfstart_sent`).
//! After a change, a key counts as verified once read on the new owner.
//!
//! A run announces itself with a heartbeat key; at start, keys of runs without one (runs that
//! were killed) are removed. `stop` deletes the run's own keys.

mod cleanup;
mod plain;
mod route;
mod stats;
mod sweep;
mod tally;
mod worker;

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use redis::{Value, cmd};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::cluster::conn::{Auth, Target, connect_with};
use crate::cluster::parse::cluster_nodes;
use crate::error::{Error, Result};
use crate::model::addr::NodeAddr;
use crate::model::consistency::{ChangeKind, ConsistencySummary, LossMark, explained};
pub use crate::model::consistency::{Live, OwnerChange, Report, Verdict, Window};
use crate::model::slots::{SLOTS, SlotSet, key_slot};
use crate::model::state::NodeLine;
use crate::msg;
use cleanup::Pool;
use route::{Route, SlotsEntry, Topo};
use stats::{Histogram, KIND_NAMES, SharedCounts};
use worker::{Key, NO_SHARD, Worker, WorkerEnd};

/// How the test finds where to write.
#[derive(Clone, Debug, Default)]
pub enum Follow {
    /// A Redis Cluster: the slot map from CLUSTER SLOTS, followed through MOVED and CLUSTER
    /// NODES.
    #[default]
    Cluster,
    /// Plain replication: the seeds are every node; the master is the one ROLE names.
    Replication,
    /// Through Sentinel: the master is the one these Sentinels name `name`.
    Sentinel {
        sentinels: Vec<Target>,
        name: String,
    },
}

impl Follow {
    /// How to follow a provisioned cluster, by its kind: a Sentinel lab through its Sentinels,
    /// a replication lab by ROLE, a Redis Cluster by its slot map.
    pub fn of(cluster: &crate::cluster::provision::Cluster) -> Follow {
        use crate::model::topology::Kind;
        match cluster.record.kind {
            Kind::Sentinel if !cluster.sentinels.is_empty() => Follow::Sentinel {
                sentinels: cluster.sentinels.iter().map(|m| m.target.clone()).collect(),
                name: cluster.record.monitored.clone(),
            },
            Kind::Replication | Kind::Standalone | Kind::Sentinel => Follow::Replication,
            Kind::Cluster => Follow::Cluster,
        }
    }
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Any nodes of the cluster (every node, for plain replication); the slot map is read from
    /// the first that answers.
    pub seeds: Vec<Target>,
    pub follow: Follow,
    /// Counter keys, spread over every slot.
    pub keys: u64,
    /// Concurrent workers; each owns the keys `i` with `i % workers` = its number.
    pub workers: usize,
    /// `None`: until [`Running::stop`].
    pub duration: Option<Duration>,
    /// Namespace of the counter keys. Default "lc:"; never the lab's data prefix.
    pub prefix: String,
    /// Keys each worker puts into one round (a round sends one pipeline per master).
    pub batch: usize,
    /// A ceiling on reads + writes per second, shared by the workers; `None`: as fast as the
    /// cluster answers.
    pub max_ops_per_sec: Option<u64>,
    /// How long the final sweep may wait for keys it cannot read (a node down).
    pub sweep_within: Duration,
    /// Write each key's acknowledged value to this file (`key<TAB>value` lines) before the
    /// final sweep, and leave the keys in place: to recount them by other means.
    pub dump: Option<PathBuf>,
}

/// The checker's default ceiling, for the runner, `lab test` and `lab consistency` alike: it
/// leaves the machine to the cluster and the student (measured by `lab bench consistency`).
/// `lab consistency --rate max` lifts it.
pub const DEFAULT_RATE: u64 = 50_000;
pub const DEFAULT_SWEEP_WITHIN: Duration = Duration::from_secs(5);

pub const DEFAULT_KEYS: u64 = 16_384;
pub const DEFAULT_WORKERS: usize = 4;
pub const DEFAULT_BATCH: usize = 500;
pub const DEFAULT_PREFIX: &str = "lc:";

impl Default for Options {
    fn default() -> Self {
        Options {
            seeds: vec![],
            follow: Follow::Cluster,
            keys: DEFAULT_KEYS,
            workers: DEFAULT_WORKERS,
            duration: None,
            prefix: DEFAULT_PREFIX.to_string(),
            batch: DEFAULT_BATCH,
            max_ops_per_sec: Some(DEFAULT_RATE),
            sweep_within: DEFAULT_SWEEP_WITHIN,
            dump: None,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the workers, the refresher and [`Running`] share.
pub(crate) struct Shared {
    run_id: String,
    prefix: String,
    auth: Auth,
    t0: Instant,
    counts: SharedCounts,
    topo: Mutex<Topo>,
    route: RwLock<Arc<Route>>,
    /// Wakes the refresher early (after MOVED or a connection failure).
    refresh: Notify,
    /// A node to read the map from first: the target of the last MOVED.
    hint: Mutex<Option<NodeAddr>>,
    events: AtomicU64,
    /// Per shard, the acknowledged writes' timing.
    acks: Mutex<Vec<ShardAcks>>,
    /// The master of each shard at the start.
    shard_masters: Vec<NodeAddr>,
    /// Per worker, its keys of moved slots not read on the new owner yet.
    unverified: Vec<AtomicU64>,
    losses: Mutex<Vec<LossMark>>,
    mf: Mutex<MfBook>,
    follow: Follow,
    /// Connections to the Sentinels followed (their own password, if any).
    sentinel_pool: tokio::sync::Mutex<Pool>,
    stop: watch::Sender<bool>,
    /// When the workers were told to stop (µs since `t0`); `u64::MAX` until then.
    stopped_us: AtomicU64,
    workers_done: AtomicUsize,
}

impl Shared {
    fn route(&self) -> Arc<Route> {
        self.route
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn publish(&self, topo: &Topo) {
        *self.route.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(topo.route.clone());
    }

    fn now_us(&self) -> u64 {
        self.t0.elapsed().as_micros() as u64
    }

    /// Time since start, frozen when the workers were told to stop.
    fn elapsed_us(&self) -> u64 {
        self.now_us().min(self.stopped_us.load(Relaxed))
    }

    fn apply_moved(&self, moved: &[(u16, NodeAddr)]) {
        {
            let mut t = lock(&self.topo);
            let mut changed = false;
            for (slot, to) in moved {
                changed |= t.moved(*slot, to);
            }
            if changed {
                self.publish(&t);
            }
        }
        self.want_refresh(moved.last().map(|(_, to)| to.clone()));
    }

    fn want_refresh(&self, hint: Option<NodeAddr>) {
        if let Some(h) = hint {
            *lock(&self.hint) = Some(h);
        }
        self.refresh.notify_one();
    }

    /// Takes in a view; the failovers it shows, whose kind the new owners must tell, as
    /// (event index, new owner).
    fn apply_view(&self, lines: &[NodeLine]) -> Vec<(usize, NodeAddr)> {
        let at_ms = self.now_us() / 1000;
        let mut t = lock(&self.topo);
        let (changed, added) = t.apply_view(lines, at_ms);
        if changed {
            self.publish(&t);
        }
        if added > 0 {
            self.events.fetch_add(added as u64, Relaxed);
        }
        let first = t.events.len() - added;
        t.events[first..]
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == ChangeKind::Unknown)
            .map(|(i, e)| (first + i, e.to.clone()))
            .collect()
    }

    /// A write to `shard` was acknowledged at `now_us`.
    fn ack(&self, shard: usize, now_us: u64) {
        if let Some(a) = lock(&self.acks).get_mut(shard) {
            a.ack(now_us);
        }
    }

    fn record_losses(&self, marks: &mut Vec<LossMark>) {
        let mut all = lock(&self.losses);
        for m in marks.drain(..) {
            // One mark per shard and tenth of a second is precise enough to attribute a loss
            // to a change of owner, and keeps the list small whatever the run loses.
            let at_ms = m.at_ms - m.at_ms % 100;
            let same = all
                .iter()
                .rposition(|l| l.shard == m.shard && l.at_ms == at_ms)
                .or_else(|| {
                    (all.len() >= MAX_LOSS_MARKS)
                        .then(|| all.iter().rposition(|l| l.shard == m.shard))
                        .flatten()
                });
            match same {
                Some(i) => all[i].count += m.count,
                None => all.push(LossMark { at_ms, ..m }),
            }
        }
    }

    /// Of the acknowledged writes lost so far, those uncoordinated failovers explain.
    fn explained(&self) -> u64 {
        let losses = lock(&self.losses).clone();
        let t = lock(&self.topo);
        explained(&losses, &t.events, ATTRIBUTION_SLACK_MS)
    }

    fn unverified(&self) -> u64 {
        self.unverified.iter().map(|u| u.load(Relaxed)).sum()
    }

    /// Per shard, its longest time without an acknowledged write, counting the time from its
    /// last acknowledgement to the end.
    fn windows(&self) -> Vec<Window> {
        let end = self.elapsed_us();
        lock(&self.acks)
            .iter()
            .zip(&self.shard_masters)
            .map(|(a, m)| a.window(m, end))
            .collect()
    }

    /// Asks the new owners of the given events whether they ran a coordinated failover.
    async fn classify(&self, pool: &mut Pool, asks: Vec<(usize, NodeAddr)>) {
        for (i, to) in asks {
            let sent = mfstart_sent(pool, &to).await;
            self.set_kind(i, &to, sent, ChangeKind::Unknown);
        }
    }

    /// Event `i`'s kind, from `node`'s count now (`None`: it did not answer, so `missing`).
    fn set_kind(&self, i: usize, node: &NodeAddr, count: Option<u64>, missing: ChangeKind) {
        let kind = match count {
            Some(n) => lock(&self.mf).kind(node, n),
            None => missing,
        };
        if let Some(e) = lock(&self.topo).events.get_mut(i) {
            e.kind = kind;
        }
    }

    fn signal_stop(&self) {
        let _ = self
            .stopped_us
            .compare_exchange(u64::MAX, self.now_us(), Relaxed, Relaxed);
        self.stop.send_replace(true);
    }

    fn summary(&self) -> ConsistencySummary {
        let c = self.counts.load();
        let changes = self.events.load(Relaxed);
        ConsistencySummary {
            lost: c.lost,
            explained: if c.lost > 0 { self.explained() } else { 0 },
            saw_failover: changes > 0,
            owner_changes: changes,
            writes: c.writes,
            unverified: self.unverified(),
        }
    }
}

/// A loss found this long after the checker recognised a change of owner is still put down to
/// it: a worker may read the new owner (after a MOVED) before the map is read again.
const ATTRIBUTION_SLACK_MS: u64 = 2000;
const MAX_LOSS_MARKS: usize = 10_000;

/// The timing of one shard's acknowledged writes.
#[derive(Default)]
struct ShardAcks {
    last_us: Option<u64>,
    longest_us: u64,
    longest_from_us: u64,
    /// Gaps between consecutive acknowledgements: their median is the resolution.
    gaps: Histogram,
}

impl ShardAcks {
    fn ack(&mut self, now_us: u64) {
        match self.last_us {
            // Workers report out of order by a little; an earlier time adds nothing.
            Some(last) if now_us <= last => {}
            Some(last) => {
                let gap = now_us - last;
                self.gaps.record(gap, 1);
                if gap > self.longest_us {
                    self.longest_us = gap;
                    self.longest_from_us = last;
                }
                self.last_us = Some(now_us);
            }
            None => self.last_us = Some(now_us),
        }
    }

    fn window(&self, master: &NodeAddr, end_us: u64) -> Window {
        let last = self.last_us.unwrap_or(0);
        let tail = end_us.saturating_sub(last);
        let (us, from) = if tail > self.longest_us {
            (tail, last)
        } else {
            (self.longest_us, self.longest_from_us)
        };
        Window {
            master: master.clone(),
            ms: us as f64 / 1000.0,
            at_ms: from / 1000,
            resolution_ms: self.gaps.percentile(0.5) as f64 / 1000.0,
        }
    }
}

/// What each node's `cluster_stats_messages_mfstart_sent` was at the start, and how many
/// coordinated failovers have been put down to it since.
#[derive(Default)]
struct MfBook {
    base: HashMap<NodeAddr, u64>,
    used: HashMap<NodeAddr, u64>,
}

impl MfBook {
    /// `sent`: the node's count now, read right after it took over slots.
    fn kind(&mut self, node: &NodeAddr, sent: u64) -> ChangeKind {
        let Some(base) = self.base.get_mut(node) else {
            // A node first heard of mid-run: its count has no start to compare with.
            return ChangeKind::Unknown;
        };
        let used = self.used.entry(node.clone()).or_default();
        if sent < *base + *used {
            // Restarted (its counters start again at zero) or CONFIG RESETSTAT.
            *base = 0;
            *used = 0;
        }
        if sent > *base + *used {
            *used += 1;
            ChangeKind::Coordinated
        } else {
            ChangeKind::Uncoordinated
        }
    }
}

/// `cluster_stats_messages_mfstart_sent` from a node's CLUSTER INFO (absent: none sent).
async fn mfstart_sent(pool: &mut Pool, addr: &NodeAddr) -> Option<u64> {
    let mut c = cmd("CLUSTER");
    c.arg("INFO");
    let text = pool.query(addr, &c).await.as_ref().and_then(reply_text)?;
    Some(mfstart_in(&text))
}

fn mfstart_in(cluster_info: &str) -> u64 {
    cluster_info
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("cluster_stats_messages_mfstart_sent:")
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// How many rounds a paced worker aims at per second, and the fewest keys in its round.
const ROUNDS_PER_SEC: f64 = 100.0;
const MIN_PACED_BATCH: usize = 16;

/// How often the slot map is read when nothing asks for it sooner, and the least time between
/// two reads.
const REFRESH_EVERY: Duration = Duration::from_secs(1);
const REFRESH_GAP: Duration = Duration::from_millis(25);

/// A reply read as text (CLUSTER NODES, INFO, ROLE's words).
fn reply_text(v: &Value) -> Option<String> {
    match v {
        Value::BulkString(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::SimpleString(s) => Some(s.clone()),
        Value::VerbatimString { text, .. } => Some(text.clone()),
        _ => None,
    }
}

/// Reads CLUSTER NODES from the hinted node, else from the masters and then the other nodes in
/// turn, until one answers; asks the new owner of any failover it shows which kind it was.
async fn refresh_once(shared: &Shared, pool: &mut Pool, turn: &mut usize) {
    if !matches!(shared.follow, Follow::Cluster) {
        return plain::refresh(shared, pool).await;
    }
    let route = shared.route();
    let mut candidates: Vec<NodeAddr> = lock(&shared.hint).take().into_iter().collect();
    let mut masters = route.masters();
    let mut others: Vec<NodeAddr> = route
        .nodes
        .iter()
        .filter(|n| !masters.contains(n))
        .cloned()
        .collect();
    if !masters.is_empty() {
        let len = masters.len();
        masters.rotate_left(*turn % len);
    }
    if !others.is_empty() {
        let len = others.len();
        others.rotate_left(*turn % len);
    }
    *turn = turn.wrapping_add(1);
    for m in masters.into_iter().chain(others) {
        if !candidates.contains(&m) {
            candidates.push(m);
        }
    }
    let mut c = cmd("CLUSTER");
    c.arg("NODES");
    for addr in candidates.iter().take(4) {
        let Some(text) = pool.query(addr, &c).await.as_ref().and_then(reply_text) else {
            continue;
        };
        let lines = cluster_nodes(&text);
        if lines.iter().any(|l| l.is_myself()) {
            let asks = shared.apply_view(&lines);
            shared.classify(pool, asks).await;
            return;
        }
    }
}

/// Keeps the slot map fresh until the run stops.
async fn refresher(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut pool = Pool::new(
        shared.auth.clone(),
        Duration::from_millis(500),
        Duration::from_secs(1),
    );
    let mut turn = 0;
    let every = match shared.follow {
        Follow::Sentinel { .. } => plain::SENTINEL_EVERY,
        _ => REFRESH_EVERY,
    };
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = tokio::time::sleep(every) => {}
            _ = shared.refresh.notified() => {}
        }
        if *stop.borrow() {
            break;
        }
        refresh_once(&shared, &mut pool, &mut turn).await;
        tokio::select! {
            _ = stop.changed() => break,
            _ = tokio::time::sleep(REFRESH_GAP) => {}
        }
    }
}

/// Keeps the run's heartbeat key alive until the run stops, so other runs leave its keys alone.
async fn heartbeat(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut pool = Pool::new(
        shared.auth.clone(),
        Duration::from_millis(500),
        Duration::from_secs(1),
    );
    let mut wait = cleanup::HEARTBEAT_EVERY;
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = tokio::time::sleep(wait) => {}
        }
        let mut route = (*shared.route()).clone();
        let (ok, moved) =
            cleanup::write_heartbeat(&mut pool, &mut route, &shared.prefix, &shared.run_id).await;
        if !moved.is_empty() {
            shared.apply_moved(&moved);
        }
        wait = if ok {
            cleanup::HEARTBEAT_EVERY
        } else {
            Duration::from_millis(500)
        };
    }
}

/// A run in progress.
pub struct Running {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<WorkerEnd>>,
    tasks: Vec<JoinHandle<()>>,
    samples: Mutex<VecDeque<(Instant, u64)>>,
    keys: u64,
    n_workers: usize,
    leftovers_removed: u64,
    rate: Option<u64>,
    sweep_within: Duration,
    dump: Option<PathBuf>,
}

impl Running {
    pub fn live(&self) -> Live {
        let c = self.shared.counts.load();
        let total = c.reads + c.writes;
        let now = Instant::now();
        let elapsed_us = self.shared.elapsed_us();
        let ops_per_sec = {
            let mut s = lock(&self.samples);
            s.push_back((now, total));
            // Keep at the front the newest sample that is at least a second old.
            while s.len() > 2 && now.duration_since(s[1].0) >= Duration::from_secs(1) {
                s.pop_front();
            }
            let (t, n) = s[0];
            let dt = now.duration_since(t).as_secs_f64();
            if dt >= 0.2 {
                total.saturating_sub(n) as f64 / dt
            } else if elapsed_us > 0 {
                total as f64 / (elapsed_us as f64 / 1e6)
            } else {
                0.0
            }
        };
        Live {
            elapsed_ms: elapsed_us / 1000,
            reads: c.reads,
            read_errors: c.read_errors,
            writes: c.writes,
            write_errors: c.write_errors,
            lost: c.lost,
            explained: if c.lost > 0 {
                self.shared.explained()
            } else {
                0
            },
            gone: c.gone,
            noack: c.noack,
            maybe: c.maybe,
            ops_per_sec,
            owner_changes: self.shared.events.load(Relaxed),
            unverified: self.shared.unverified(),
        }
    }

    /// As of now.
    pub fn summary(&self) -> ConsistencySummary {
        self.shared.summary()
    }

    pub fn run_id(&self) -> &str {
        &self.shared.run_id
    }

    /// True once `duration` has elapsed (the workers stopped by themselves).
    pub fn is_finished(&self) -> bool {
        self.shared.workers_done.load(Relaxed) >= self.n_workers
    }

    /// Stops the workers, reads every key once more (the final sweep), deletes this run's keys
    /// (unless they were dumped) and returns the report.
    pub async fn stop(mut self) -> Report {
        self.shared.signal_stop();
        let mut hist = Histogram::default();
        let mut keys = Vec::with_capacity(usize::try_from(self.keys).unwrap_or(0));
        for h in std::mem::take(&mut self.workers) {
            if let Ok(end) = h.await {
                hist.merge(&end.hist);
                keys.extend(end.keys);
            }
        }
        for h in std::mem::take(&mut self.tasks) {
            h.abort();
            let _ = h.await;
        }
        let elapsed_us = self.shared.elapsed_us();
        let windows = self.shared.windows();
        let (prefix, run) = (self.shared.prefix.clone(), self.shared.run_id.clone());
        if let Some(path) = &self.dump {
            dump(path, &keys);
        }

        let mut counts = stats::Counts::default();
        let mut losses = vec![];
        let swept = sweep::sweep(
            &self.shared,
            &mut keys,
            self.sweep_within,
            &mut counts,
            &mut losses,
        )
        .await;
        self.shared.counts.add(&counts);
        self.shared.record_losses(&mut losses);

        let mut pool = Pool::new(
            self.shared.auth.clone(),
            worker::CONNECT_TIMEOUT,
            worker::RESPONSE_TIMEOUT,
        );
        let mut route = (*self.shared.route()).clone();
        if self.dump.is_none() {
            let names = keys.into_iter().map(|k| k.name).collect();
            cleanup::delete_keys(&mut pool, &mut route, names).await;
        }
        // Without its heartbeat, a dumped run's keys are a later run's leftovers to remove.
        let beat = cleanup::heartbeat_key(&prefix, &run);
        let mut del = cmd("DEL");
        del.arg(&beat);
        let _ = cleanup::on_owner(&mut pool, &mut route, &beat, &del).await;

        let c = self.shared.counts.load();
        let owner_changes = lock(&self.shared.topo).events.clone();
        let explained = self.shared.explained();
        let secs = elapsed_us as f64 / 1e6;
        Report {
            run_id: run,
            elapsed_ms: elapsed_us / 1000,
            keys: self.keys,
            workers: self.n_workers,
            rate: self.rate,
            reads: c.reads,
            read_errors: c.read_errors,
            writes: c.writes,
            write_errors: c.write_errors,
            lost: c.lost,
            explained,
            gone: c.gone,
            noack: c.noack,
            maybe: c.maybe,
            errors: KIND_NAMES
                .iter()
                .zip(c.errors)
                .filter(|(_, n)| *n > 0)
                .map(|(k, n)| (k.to_string(), n))
                .collect(),
            owner_changes,
            swept: swept.read,
            sweep_ms: swept.took.as_millis() as u64,
            unverified: swept.unread,
            longest_unavailable_ms: windows
                .iter()
                .map(|w| w.ms.round() as u64)
                .max()
                .unwrap_or(0),
            windows,
            round_trip_p50_us: hist.percentile(0.50),
            round_trip_p99_us: hist.percentile(0.99),
            round_trip_max_us: hist.max(),
            ops_per_sec: if secs > 0.0 {
                (c.reads + c.writes) as f64 / secs
            } else {
                0.0
            },
            leftovers_removed: self.leftovers_removed,
        }
    }
}

/// `key<TAB>acknowledged value` per key, written whole or not at all. Best effort: a dump that
/// cannot be written is said on stderr, and the run's verdict stands without it.
fn dump(path: &std::path::Path, keys: &[Key]) {
    let mut text = String::with_capacity(keys.len() * 32);
    for k in keys {
        text.push_str(&k.name);
        text.push('\t');
        text.push_str(&k.tally.acked.to_string());
        text.push('\n');
    }
    if let Err(e) = crate::fsutil::write_atomic(path, text.as_bytes()) {
        crate::errln!("{}", e.msg());
    }
}

impl Drop for Running {
    /// A run dropped without `stop` ends its tasks and leaves its keys; its heartbeat expires
    /// and the next run removes them.
    fn drop(&mut self) {
        self.shared.signal_stop();
        for h in self.workers.drain(..) {
            h.abort();
        }
        for h in self.tasks.drain(..) {
            h.abort();
        }
    }
}

/// The slot map from the first seed that gives one, with that node's CLUSTER NODES when it
/// answers it (for config epochs).
async fn read_map(seeds: &[Target]) -> Result<(Target, Vec<SlotsEntry>, Vec<NodeLine>)> {
    let mut last = None;
    for seed in seeds {
        let mut c =
            match connect_with(seed, worker::CONNECT_TIMEOUT, worker::RESPONSE_TIMEOUT).await {
                Ok(c) => c,
                Err(e) => {
                    last = Some(Error::Environment(e.unreachable(&seed.addr)));
                    continue;
                }
            };
        let v = match cmd("CLUSTER")
            .arg("SLOTS")
            .query_async::<Value>(&mut c)
            .await
        {
            Ok(v) => v,
            Err(e) if e.code().is_some() => {
                last = Some(Error::Environment(msg!(
                    "error-cluster-command",
                    addr = seed.addr.to_string(),
                    command = "CLUSTER SLOTS",
                    reason = e.to_string()
                )));
                continue;
            }
            Err(e) => {
                last = Some(Error::Environment(
                    crate::cluster::conn::classify(&e).unreachable(&seed.addr),
                ));
                continue;
            }
        };
        let entries = route::parse_cluster_slots(&v, &seed.addr);
        if entries.is_empty() {
            last = Some(Error::Environment(msg!(
                "consistency-no-slots",
                addr = seed.addr.to_string()
            )));
            continue;
        }
        let lines = match cmd("CLUSTER")
            .arg("NODES")
            .query_async::<Value>(&mut c)
            .await
        {
            Ok(v) => reply_text(&v)
                .map(|t| cluster_nodes(&t))
                .unwrap_or_default(),
            Err(_) => vec![],
        };
        return Ok((seed.clone(), entries, lines));
    }
    Err(last.unwrap_or_else(|| Error::Usage(msg!("consistency-no-seeds"))))
}

/// Reads the slot map, removes keys of earlier killed runs, starts the workers.
pub async fn start(opts: Options) -> Result<Running> {
    if opts.prefix.is_empty() {
        return Err(Error::Usage(msg!("consistency-bad-prefix")));
    }
    let mut pool = Pool::new(
        opts.seeds
            .first()
            .map(|s| s.auth.clone())
            .unwrap_or_default(),
        worker::CONNECT_TIMEOUT,
        worker::RESPONSE_TIMEOUT,
    );
    let sentinel_auth = match &opts.follow {
        Follow::Sentinel { sentinels, .. } => sentinels.first().map(|s| s.auth.clone()),
        _ => None,
    };
    let mut sentinel_pool = Pool::new(
        sentinel_auth.unwrap_or_default(),
        worker::CONNECT_TIMEOUT,
        worker::RESPONSE_TIMEOUT,
    );
    let (seed, entries, lines) = match opts.follow {
        Follow::Cluster => read_map(&opts.seeds).await?,
        _ => {
            if opts.seeds.is_empty() {
                return Err(Error::Usage(msg!("consistency-no-seeds")));
            }
            let (seed, entries) =
                plain::read_map(&opts.follow, &opts.seeds, &mut pool, &mut sentinel_pool).await?;
            (seed, entries, vec![])
        }
    };
    let keys = opts.keys.max(1);
    let n_workers = opts
        .workers
        .clamp(1, usize::try_from(keys).unwrap_or(usize::MAX));
    let run_id = cleanup::new_run_id();

    let shards = route::shards(&entries);
    let mut shard_of = vec![NO_SHARD; usize::from(SLOTS)];
    for (i, (_, set)) in shards.iter().enumerate() {
        for s in set.iter() {
            shard_of[usize::from(s)] = i as u16;
        }
    }
    let mut per_worker: Vec<Vec<Key>> = (0..n_workers).map(|_| vec![]).collect();
    let mut written = SlotSet::new();
    for i in 0..keys {
        let name = cleanup::key_name(&opts.prefix, &run_id, i);
        let slot = key_slot(name.as_bytes());
        written.insert(slot);
        per_worker[(i % n_workers as u64) as usize].push(Key::new(
            name,
            slot,
            shard_of[usize::from(slot)],
        ));
    }
    let mut topo = Topo::new(&entries, written);
    topo.apply_view(&lines, 0);
    let initial_events = topo.events.len() as u64;

    let mut mf = MfBook::default();
    for addr in &topo.route.nodes {
        // What tells a coordinated failover: the new owner's MFSTART messages (cluster), the
        // old master's FAILOVER commands (plain replication).
        let count = match opts.follow {
            Follow::Cluster => mfstart_sent(&mut pool, addr).await,
            _ => plain::failover_calls(&mut pool, addr).await,
        };
        if let Some(n) = count {
            mf.base.insert(addr.clone(), n);
        }
    }
    let leftovers_removed =
        cleanup::remove_leftovers(&mut pool, &mut topo.route, &opts.prefix).await;
    for _ in 0..3 {
        let (ok, _) =
            cleanup::write_heartbeat(&mut pool, &mut topo.route, &opts.prefix, &run_id).await;
        if ok {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let (stop_tx, _) = watch::channel(false);
    let shared = Arc::new(Shared {
        run_id,
        prefix: opts.prefix.clone(),
        auth: seed.auth.clone(),
        t0: Instant::now(),
        counts: SharedCounts::default(),
        route: RwLock::new(Arc::new(topo.route.clone())),
        topo: Mutex::new(topo),
        refresh: Notify::new(),
        hint: Mutex::new(None),
        events: AtomicU64::new(initial_events),
        acks: Mutex::new(shards.iter().map(|_| ShardAcks::default()).collect()),
        shard_masters: shards.iter().map(|(m, _)| m.clone()).collect(),
        unverified: (0..n_workers).map(|_| AtomicU64::new(0)).collect(),
        losses: Mutex::new(vec![]),
        mf: Mutex::new(mf),
        follow: opts.follow.clone(),
        sentinel_pool: tokio::sync::Mutex::new(sentinel_pool),
        stop: stop_tx,
        stopped_us: AtomicU64::new(u64::MAX),
        workers_done: AtomicUsize::new(0),
    });
    // Counter i lives in slot i, so keys in name order visit one shard after another: a shard
    // would go unwritten for a third of every pass, which reads as unavailability. In
    // bit-reversed slot order any run of keys is spread over all the slots.
    for keys in &mut per_worker {
        keys.sort_by_key(|k| k.slot.reverse_bits());
    }
    let pace_each = opts.max_ops_per_sec.map(|r| r as f64 / n_workers as f64);
    // Paced, a worker sends small rounds often (about ROUNDS_PER_SEC), and the workers take
    // turns: each shard is written every few milliseconds, the resolution of its window.
    let batch = match pace_each {
        Some(r) => opts
            .batch
            .min(((r / 2.0 / ROUNDS_PER_SEC) as usize).max(MIN_PACED_BATCH)),
        None => opts.batch,
    };
    let workers = per_worker
        .into_iter()
        .enumerate()
        .map(|(i, keys)| {
            let w = Worker::new(
                shared.clone(),
                i,
                keys,
                batch,
                shards.len(),
                pace_each.map(|r| {
                    let turn =
                        Duration::from_secs_f64(i as f64 / n_workers as f64 / ROUNDS_PER_SEC);
                    worker::Pace::new(r, turn)
                }),
            );
            let stop = shared.stop.subscribe();
            let sh = shared.clone();
            tokio::spawn(async move {
                let end = w.run(stop).await;
                sh.workers_done.fetch_add(1, Relaxed);
                end
            })
        })
        .collect();
    let mut tasks = vec![
        tokio::spawn(refresher(shared.clone(), shared.stop.subscribe())),
        tokio::spawn(heartbeat(shared.clone(), shared.stop.subscribe())),
    ];
    if let Some(d) = opts.duration {
        let sh = shared.clone();
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(d).await;
            sh.signal_stop();
        }));
    }
    Ok(Running {
        samples: Mutex::new(VecDeque::from([(shared.t0, 0)])),
        shared,
        workers,
        tasks,
        keys,
        n_workers,
        leftovers_removed,
        rate: opts.max_ops_per_sec,
        sweep_within: opts.sweep_within,
        dump: opts.dump,
    })
}

/// Runs the checker for `for_` and returns its report: for benchmarks.
pub async fn measure(opts: Options, for_: Duration) -> Result<Report> {
    let run = start(Options {
        duration: None,
        ..opts
    })
    .await?;
    tokio::time::sleep(for_).await;
    Ok(run.stop().await)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}

    /// The CLI may spawn the checker on any runtime thread and share the run between tasks.
    #[test]
    fn futures_and_runs_can_move_between_threads() {
        send(&start(Options::default()));
        send(&measure(Options::default(), Duration::ZERO));
        fn stop_is_send(r: Running) {
            send_sync(&r);
            send(&r.stop());
        }
        let _ = stop_is_send;
    }

    #[test]
    fn the_new_owner_s_mfstart_count_tells_a_coordinated_failover() {
        let info = "cluster_state:ok\r\ncluster_stats_messages_mfstart_sent:2\r\n";
        assert_eq!(mfstart_in(info), 2);
        assert_eq!(mfstart_in("cluster_state:ok\r\n"), 0);
        let (b, c) = (NodeAddr::new("h", 1), NodeAddr::new("h", 2));
        let mut mf = MfBook::default();
        mf.base.insert(b.clone(), 1);
        mf.base.insert(c.clone(), 0);
        // c ran CLUSTER FAILOVER, then b failed back with one; then c took over with TAKEOVER.
        assert_eq!(mf.kind(&c, 1), ChangeKind::Coordinated);
        assert_eq!(mf.kind(&b, 2), ChangeKind::Coordinated);
        assert_eq!(mf.kind(&c, 1), ChangeKind::Uncoordinated);
        // b restarted (counters at zero) and was promoted when c died.
        assert_eq!(mf.kind(&b, 0), ChangeKind::Uncoordinated);
        assert_eq!(mf.kind(&b, 1), ChangeKind::Coordinated);
        assert_eq!(mf.kind(&NodeAddr::new("h", 3), 5), ChangeKind::Unknown);
    }

    #[test]
    fn a_shard_s_window_is_its_longest_gap_with_its_usual_gap_as_resolution() {
        let mut a = ShardAcks::default();
        for t in (0..100).map(|i| 1000 + i * 500) {
            a.ack(t);
        }
        // 59.5 ms without an acknowledgement, then the usual pace again; one report late.
        a.ack(110_000);
        a.ack(109_000);
        a.ack(110_500);
        let m = NodeAddr::new("h", 1);
        let w = a.window(&m, 111_000);
        assert_eq!((w.ms, w.at_ms), (59.5, 50));
        assert!((0.5..=0.57).contains(&w.resolution_ms), "{w:?}");
        // A shard silent at the end: the tail is its window.
        let w = a.window(&m, 300_000);
        assert_eq!((w.ms, w.at_ms), (189.5, 110));
        assert_eq!(ShardAcks::default().window(&m, 7000).ms, 7.0);
    }
}
