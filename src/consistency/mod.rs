//! The consistency checker: proves that no acknowledged write is lost while a Redis Cluster
//! fails over.
//!
//! Each run owns a set of counter keys `<prefix><run-id>:<i>`, spread over every slot. Workers
//! go round their keys in batches and send, per key, `GET` then `INCR` to the key's master, one
//! pipeline per master. The run remembers, per key, the last value an INCR acknowledged; a GET
//! (or an INCR's reply, which shows the value just before it) below that means acknowledged
//! writes were lost, above it means writes were applied whose reply never arrived (`noack`,
//! not a loss).
//!
//! Routing is the checker's own, over one connection per worker and node: that way it can
//! pipeline per node, count every error by kind, and see when the owner of a slot changes.
//! CLUSTER SLOTS gives the first map; MOVED replies correct it at once; CLUSTER NODES, read
//! about once a second and right after a MOVED, confirms changes with config epochs and turns
//! them into owner-change events (a failover moves a whole shard: one event).
//!
//! A run announces itself with a heartbeat key; at start, keys of runs without one (runs that
//! were killed) are removed. `stop` deletes the run's own keys.

mod cleanup;
mod route;
mod stats;
mod worker;

use std::collections::VecDeque;
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
use crate::model::consistency::summary_of;
pub use crate::model::consistency::{Live, OwnerChange, Report};
use crate::model::slots::{SLOTS, SlotSet, key_slot};
use crate::model::state::NodeLine;
use crate::msg;
use cleanup::Pool;
use route::{Route, SlotsEntry, Topo};
use stats::{Histogram, KIND_NAMES, SharedCounts};
use worker::{Key, NO_SHARD, Worker, WorkerEnd};

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Any nodes of the cluster; the slot map is read from the first that answers.
    pub seeds: Vec<Target>,
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
}

/// The background test of a lab (runner, `lab test`) is capped so it leaves the machine to the
/// cluster and the student; standalone `lab consistency` runs as fast as the cluster answers.
pub const BACKGROUND_RATE: u64 = 50_000;

pub const DEFAULT_KEYS: u64 = 16_384;
pub const DEFAULT_WORKERS: usize = 4;
pub const DEFAULT_BATCH: usize = 500;
pub const DEFAULT_PREFIX: &str = "lc:";

impl Default for Options {
    fn default() -> Self {
        Options {
            seeds: vec![],
            keys: DEFAULT_KEYS,
            workers: DEFAULT_WORKERS,
            duration: None,
            prefix: DEFAULT_PREFIX.to_string(),
            batch: DEFAULT_BATCH,
            max_ops_per_sec: None,
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
    /// Per shard, when a write to it was last acknowledged (µs since `t0`).
    last_ack: Vec<AtomicU64>,
    max_gap_us: AtomicU64,
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

    fn apply_view(&self, lines: &[NodeLine]) {
        let at_ms = self.now_us() / 1000;
        let mut t = lock(&self.topo);
        let (changed, added) = t.apply_view(lines, at_ms);
        if changed {
            self.publish(&t);
        }
        if added > 0 {
            self.events.fetch_add(added as u64, Relaxed);
        }
    }

    /// A write to `shard` was acknowledged at `now_us`.
    fn ack(&self, shard: usize, now_us: u64) {
        if let Some(last) = self.last_ack.get(shard) {
            let prev = last.fetch_max(now_us, Relaxed);
            if now_us > prev {
                self.max_gap_us.fetch_max(now_us - prev, Relaxed);
            }
        }
    }

    fn signal_stop(&self) {
        let _ = self
            .stopped_us
            .compare_exchange(u64::MAX, self.now_us(), Relaxed, Relaxed);
        self.stop.send_replace(true);
    }

    /// The longest gap between acknowledged writes to one shard, counting the time from each
    /// shard's last acknowledgement to the end.
    fn longest_gap_us(&self) -> u64 {
        let end = self.elapsed_us();
        let tail = self
            .last_ack
            .iter()
            .map(|a| end.saturating_sub(a.load(Relaxed)))
            .max()
            .unwrap_or(0);
        self.max_gap_us.load(Relaxed).max(tail)
    }
}

/// How often the slot map is read when nothing asks for it sooner, and the least time between
/// two reads.
const REFRESH_EVERY: Duration = Duration::from_secs(1);
const REFRESH_GAP: Duration = Duration::from_millis(25);

fn nodes_text(v: &Value) -> Option<String> {
    match v {
        Value::BulkString(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::SimpleString(s) => Some(s.clone()),
        Value::VerbatimString { text, .. } => Some(text.clone()),
        _ => None,
    }
}

/// Reads CLUSTER NODES from the hinted node, else from the masters and then the other nodes in
/// turn, until one answers.
async fn refresh_once(shared: &Shared, pool: &mut Pool, turn: &mut usize) {
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
        let Some(text) = pool.query(addr, &c).await.as_ref().and_then(nodes_text) else {
            continue;
        };
        let lines = cluster_nodes(&text);
        if lines.iter().any(|l| l.is_myself()) {
            shared.apply_view(&lines);
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
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = tokio::time::sleep(REFRESH_EVERY) => {}
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
            noack: c.noack,
            ops_per_sec,
            owner_changes: self.shared.events.load(Relaxed),
        }
    }

    /// As of now.
    pub fn summary(&self) -> crate::model::consistency::ConsistencySummary {
        let c = self.shared.counts.load();
        summary_of(c.lost, self.shared.events.load(Relaxed), c.writes)
    }

    pub fn run_id(&self) -> &str {
        &self.shared.run_id
    }

    /// True once `duration` has elapsed (the workers stopped by themselves).
    pub fn is_finished(&self) -> bool {
        self.shared.workers_done.load(Relaxed) >= self.n_workers
    }

    /// Stops the workers, deletes this run's keys, returns the report.
    pub async fn stop(mut self) -> Report {
        self.shared.signal_stop();
        let mut hist = Histogram::default();
        for h in std::mem::take(&mut self.workers) {
            if let Ok(end) = h.await {
                hist.merge(&end.hist);
            }
        }
        for h in std::mem::take(&mut self.tasks) {
            h.abort();
            let _ = h.await;
        }
        let elapsed_us = self.shared.elapsed_us();
        let c = self.shared.counts.load();
        let owner_changes = lock(&self.shared.topo).events.clone();
        let longest_gap_us = self.shared.longest_gap_us();

        let mut pool = Pool::new(
            self.shared.auth.clone(),
            worker::CONNECT_TIMEOUT,
            worker::RESPONSE_TIMEOUT,
        );
        let mut route = (*self.shared.route()).clone();
        let (prefix, run) = (&self.shared.prefix, &self.shared.run_id);
        let names = (0..self.keys)
            .map(|i| cleanup::key_name(prefix, run, i))
            .collect();
        cleanup::delete_keys(&mut pool, &mut route, names).await;
        let beat = cleanup::heartbeat_key(prefix, run);
        let mut del = cmd("DEL");
        del.arg(&beat);
        let _ = cleanup::on_owner(&mut pool, &mut route, &beat, &del).await;

        let secs = elapsed_us as f64 / 1e6;
        Report {
            run_id: run.clone(),
            elapsed_ms: elapsed_us / 1000,
            keys: self.keys,
            workers: self.n_workers,
            reads: c.reads,
            read_errors: c.read_errors,
            writes: c.writes,
            write_errors: c.write_errors,
            lost: c.lost,
            noack: c.noack,
            errors: KIND_NAMES
                .iter()
                .zip(c.errors)
                .filter(|(_, n)| *n > 0)
                .map(|(k, n)| (k.to_string(), n))
                .collect(),
            owner_changes,
            longest_unavailable_ms: longest_gap_us / 1000,
            latency_p50_us: hist.percentile(0.50),
            latency_p99_us: hist.percentile(0.99),
            latency_max_us: hist.max(),
            ops_per_sec: if secs > 0.0 {
                (c.reads + c.writes) as f64 / secs
            } else {
                0.0
            },
            leftovers_removed: self.leftovers_removed,
        }
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
            Ok(v) => nodes_text(&v)
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
    let (seed, entries, lines) = read_map(&opts.seeds).await?;
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

    let mut pool = Pool::new(
        seed.auth.clone(),
        worker::CONNECT_TIMEOUT,
        worker::RESPONSE_TIMEOUT,
    );
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
        last_ack: shards.iter().map(|_| AtomicU64::new(0)).collect(),
        max_gap_us: AtomicU64::new(0),
        stop: stop_tx,
        stopped_us: AtomicU64::new(u64::MAX),
        workers_done: AtomicUsize::new(0),
    });
    let pace_each = opts.max_ops_per_sec.map(|r| r as f64 / n_workers as f64);
    let workers = per_worker
        .into_iter()
        .map(|keys| {
            let w = Worker::new(
                shared.clone(),
                keys,
                opts.batch,
                shards.len(),
                pace_each.map(worker::Pace::new),
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
    fn report_verdicts() {
        let mut r = Report {
            run_id: "x-y".into(),
            elapsed_ms: 1,
            keys: 1,
            workers: 1,
            reads: 5,
            read_errors: 0,
            writes: 5,
            write_errors: 0,
            lost: 0,
            noack: 2,
            errors: std::collections::BTreeMap::new(),
            owner_changes: vec![],
            longest_unavailable_ms: 0,
            latency_p50_us: 0,
            latency_p99_us: 0,
            latency_max_us: 0,
            ops_per_sec: 0.0,
            leftovers_removed: 0,
        };
        assert!(r.passed() && !r.saw_failover());
        r.owner_changes.push(OwnerChange {
            slots: "6461-10922".into(),
            written_slots: 3,
            from: NodeAddr::new("h", 1),
            to: NodeAddr::new("h", 2),
            at_ms: 5,
        });
        r.lost = 1;
        assert!(!r.passed() && r.saw_failover());
        assert_eq!(
            r.summary(),
            crate::model::consistency::ConsistencySummary {
                lost: 1,
                saw_failover: true,
                owner_changes: 1,
                writes: 5
            }
        );
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["owner_changes"][0]["from"], "h:1");
        let o = Options::default();
        assert_eq!((o.keys, o.workers, o.prefix.as_str()), (16_384, 4, "lc:"));
        assert!(o.seeds.is_empty() && o.duration.is_none());
    }
}
