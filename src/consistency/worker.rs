//! One worker: its own keys, its own connections, one pipeline per master per batch.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::stream::{FuturesUnordered, StreamExt};
use redis::aio::MultiplexedConnection;
use redis::{Pipeline, Value, pipe};
use tokio::sync::watch;

use super::Shared;
use super::route::{NONE, Route};
use super::stats::{Counts, ErrKind, Histogram, Reply, get_reply, incr_reply, redirect};
use super::tally::{Outcome, Tally};
use crate::cluster::conn::{Target, connect_with};
use crate::model::addr::NodeAddr;
use crate::model::consistency::LossMark;

pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);
/// Long enough for a master that pauses writes during a manual failover.
pub(crate) const RESPONSE_TIMEOUT: Duration = Duration::from_secs(3);
/// After CLUSTERDOWN, TRYAGAIN, LOADING or MASTERDOWN, a node is left alone this long.
const BUSY_BACKOFF: Duration = Duration::from_millis(50);
/// After a connection failure, the first and the longest wait before connecting again.
const RECONNECT_MIN: Duration = Duration::from_millis(50);
const RECONNECT_MAX: Duration = Duration::from_secs(1);
/// How long a round waits for a master before the next goes out to the others.
const STUCK: Duration = Duration::from_millis(25);
/// When nothing could be sent (every node needed is backing off), wait this long.
const IDLE: Duration = Duration::from_millis(10);

/// No shard: the slot had no master when the run started.
pub(crate) const NO_SHARD: u16 = u16::MAX;

pub(crate) struct Key {
    pub name: String,
    pub slot: u16,
    pub shard: u16,
    pub tally: Tally,
    /// The slot's count of owner changes ([`Route::changes`]) when the key was last read on
    /// its owner: below the current count, what the change did to it is not known yet.
    pub verified: u32,
    /// The last round the key was put into, so no round holds it twice.
    round: u64,
    /// In a pipeline not answered yet: it is not sent again until it is, so its replies come
    /// in the order its commands were sent.
    flying: bool,
}

impl Key {
    pub(crate) fn new(name: String, slot: u16, shard: u16) -> Key {
        Key {
            name,
            slot,
            shard,
            tally: Tally::default(),
            verified: 0,
            round: 0,
            flying: false,
        }
    }
}

#[derive(Default)]
struct Node {
    conn: Option<MultiplexedConnection>,
    retry_at: Option<Instant>,
    backoff: Duration,
    /// A pipeline to it is not answered yet: a master paused by a failover holds up its own
    /// shard, not the worker's other shards.
    busy: bool,
}

pub(crate) struct WorkerEnd {
    pub hist: Histogram,
    /// The keys, with what the run knows of each, for the final sweep.
    pub keys: Vec<Key>,
}

struct Request {
    node: usize,
    conn: Option<MultiplexedConnection>,
    target: Target,
    pipe: Pipeline,
    count: usize,
    keys: Vec<u32>,
    route: Arc<Route>,
}

struct Sent {
    node: usize,
    keys: Vec<u32>,
    route: Arc<Route>,
    conn: Option<MultiplexedConnection>,
    result: Result<Vec<Value>, ErrKind>,
    rtt: Duration,
    /// The commands were written: a failure after that leaves their outcome unknown.
    sent: bool,
}

async fn send(r: Request) -> Sent {
    let mut conn = match r.conn {
        Some(c) => c,
        None => match connect_with(&r.target, CONNECT_TIMEOUT, RESPONSE_TIMEOUT).await {
            Ok(c) => c,
            Err(e) => {
                return Sent {
                    node: r.node,
                    keys: r.keys,
                    route: r.route,
                    conn: None,
                    result: Err(ErrKind::of_conn_error(&e)),
                    rtt: Duration::ZERO,
                    sent: false,
                };
            }
        },
    };
    let started = Instant::now();
    let result = conn
        .send_packed_commands(&r.pipe, 0, r.count)
        .await
        .map_err(|e| ErrKind::of_redis_error(&e));
    Sent {
        node: r.node,
        keys: r.keys,
        route: r.route,
        conn: result.is_ok().then_some(conn),
        result,
        rtt: started.elapsed(),
        sent: true,
    }
}

/// What replies asked for besides counting: routing to fix, keys to redirect, a node to spare.
#[derive(Default)]
struct Effects {
    moved: Vec<(u16, NodeAddr)>,
    asks: Vec<(u32, bool, NodeAddr)>,
    busy: bool,
    refresh: bool,
}

pub(crate) struct Worker {
    shared: Arc<Shared>,
    /// This worker's number, its slot in [`Shared::unverified`].
    index: usize,
    /// Its keys not read on their owner since their slot's last change of owner.
    unverified: u64,
    /// The [`Route::version`] `unverified` was counted at.
    counted_at: u64,
    losses: Vec<LossMark>,
    keys: Vec<Key>,
    next: usize,
    batch: usize,
    /// Keys redirected in the last round, tried again first in the next.
    pending: Vec<u32>,
    members: Vec<u32>,
    nodes: Vec<Node>,
    counts: Counts,
    hist: Histogram,
    round: u64,
    acked: Vec<bool>,
    sent_ops: u64,
    pace: Option<Pace>,
}

/// Keeps a worker under a rate: after each round, the time the operations sent so far should
/// have taken at that rate, minus the time they did take.
pub(crate) struct Pace {
    start: Instant,
    per_sec: f64,
}

impl Pace {
    /// `turn`: how long after the others this worker starts, so paced workers take turns.
    pub(crate) fn new(per_sec: f64, turn: Duration) -> Pace {
        Pace {
            start: Instant::now() + turn,
            per_sec: per_sec.max(1.0),
        }
    }

    fn wait(&mut self, ops: u64) -> Option<Duration> {
        let due = Duration::from_secs_f64(ops as f64 / self.per_sec);
        // Before `start`, `elapsed` is zero: the worker waits its turn.
        due.checked_sub(self.start.elapsed())
            .filter(|d| *d >= Duration::from_millis(1))
    }
}

impl Worker {
    pub(crate) fn new(
        shared: Arc<Shared>,
        index: usize,
        keys: Vec<Key>,
        batch: usize,
        shards: usize,
        pace: Option<Pace>,
    ) -> Worker {
        Worker {
            shared,
            index,
            unverified: 0,
            counted_at: 0,
            losses: vec![],
            keys,
            next: 0,
            batch: batch.max(1),
            pending: vec![],
            members: vec![],
            nodes: vec![],
            counts: Counts::default(),
            hist: Histogram::default(),
            round: 0,
            acked: vec![false; shards],
            sent_ops: 0,
            pace,
        }
    }

    /// Sends rounds until told to stop. A round goes out once the last one is answered (and
    /// the pace allows), or once it has waited [`STUCK`] for a master that does not answer
    /// (paused by a failover, say): then to the other masters only, so one shard's pause is
    /// not the others'. Replies are taken in as they come, also while the pace holds the next
    /// round back, so a round trip is never stretched by a wait.
    pub(crate) async fn run(mut self, mut stop: watch::Receiver<bool>) -> WorkerEnd {
        let mut flying = FuturesUnordered::new();
        let mut round_sent = Instant::now();
        let mut send_at = Instant::now();
        loop {
            let stopping = *stop.borrow() || self.keys.is_empty();
            let now = Instant::now();
            if !stopping
                && now >= send_at
                && (flying.is_empty() || now.duration_since(round_sent) >= STUCK)
            {
                let route = self.shared.route();
                let requests = self.prepare(&route);
                if requests.is_empty() && flying.is_empty() {
                    // Every master needed is backing off or unknown.
                    send_at = now + IDLE;
                }
                for r in requests {
                    self.sent_ops += r.count as u64;
                    self.nodes[r.node].busy = true;
                    for &k in &r.keys {
                        self.keys[k as usize].flying = true;
                    }
                    flying.push(send(r));
                }
                round_sent = now;
                if let Some(wait) = self.pace.as_mut().and_then(|p| p.wait(self.sent_ops)) {
                    send_at = send_at.max(now + wait);
                }
            }
            if flying.is_empty() {
                if stopping {
                    break;
                }
                tokio::select! {
                    _ = stop.changed() => {}
                    _ = tokio::time::sleep_until(send_at.max(now).into()) => {}
                }
                continue;
            }
            // In-flight pipelines are waited for even when asked to stop, so no INCR of this
            // run lands after its keys are deleted.
            let first = if stopping {
                flying.next().await
            } else {
                let wake = send_at.max(round_sent + STUCK);
                tokio::select! {
                    r = flying.next() => r,
                    _ = tokio::time::sleep_until(wake.into()) => continue,
                    _ = stop.changed() => continue,
                }
            };
            let Some(first) = first else {
                continue;
            };
            let mut done = vec![first];
            while let Some(Some(more)) = flying.next().now_or_never() {
                done.push(more);
            }
            self.process(done).await;
            // Merged after every reply (a few hundred times a second): `live` stays current
            // and the shared counters see one add per field each time.
            self.recount(&self.shared.route());
            self.flush();
        }
        self.flush();
        WorkerEnd {
            hist: self.hist,
            keys: self.keys,
        }
    }

    fn flush(&mut self) {
        if !self.counts.is_empty() {
            self.shared.counts.add(&self.counts);
            self.counts = Counts::default();
        }
        if !self.losses.is_empty() {
            self.shared.record_losses(&mut self.losses);
        }
    }

    /// After slots changed owner, counts the keys not read on their new owner since; between
    /// changes, reads only lower the count.
    fn recount(&mut self, route: &Route) {
        if route.version != self.counted_at {
            self.counted_at = route.version;
            self.unverified = self
                .keys
                .iter()
                .filter(|k| k.verified < route.changes[usize::from(k.slot)])
                .count() as u64;
        }
        if let Some(u) = self.shared.unverified.get(self.index) {
            u.store(self.unverified, std::sync::atomic::Ordering::Relaxed);
        }
    }

    fn take(&mut self, k: u32) {
        if let Some(key) = self.keys.get_mut(k as usize)
            && key.round != self.round
            && !key.flying
        {
            key.round = self.round;
            self.members.push(k);
        }
    }

    /// The next batch, grouped by the master of each key's slot: one pipeline per master.
    fn prepare(&mut self, route: &Arc<Route>) -> Vec<Request> {
        self.round += 1;
        self.members.clear();
        for k in std::mem::take(&mut self.pending) {
            self.take(k);
        }
        for _ in 0..self.batch.min(self.keys.len()) {
            let k = self.next as u32;
            self.next = (self.next + 1) % self.keys.len();
            self.take(k);
        }
        if self.nodes.len() < route.nodes.len() {
            self.nodes.resize_with(route.nodes.len(), Node::default);
        }
        let mut groups: Vec<Vec<u32>> = vec![vec![]; route.nodes.len()];
        let mut unrouted = false;
        for &k in &self.members {
            let o = route.owner[usize::from(self.keys[k as usize].slot)];
            if o == NONE {
                unrouted = true;
            } else {
                groups[usize::from(o)].push(k);
            }
        }
        if unrouted {
            self.shared.want_refresh(None);
        }
        let now = Instant::now();
        let mut out = vec![];
        for (n, g) in groups.into_iter().enumerate() {
            let node = &self.nodes[n];
            // Keys of a master that is busy or backing off wait for the next pass.
            if g.is_empty() || node.busy || node.retry_at.is_some_and(|t| now < t) {
                continue;
            }
            let mut p = pipe();
            for &k in &g {
                let name = &self.keys[k as usize].name;
                p.cmd("GET").arg(name);
                p.cmd("INCR").arg(name);
            }
            out.push(Request {
                node: n,
                conn: node.conn.clone(),
                target: Target::new(route.nodes[n].clone(), self.shared.auth.clone()),
                pipe: p,
                count: g.len() * 2,
                keys: g,
                route: Arc::clone(route),
            });
        }
        out
    }

    async fn process(&mut self, results: Vec<Sent>) {
        let now_us = self.shared.now_us();
        let mut fx = Effects::default();
        for sent in results {
            let n = sent.node;
            let (group, route) = (sent.keys, sent.route);
            self.nodes[n].busy = false;
            for &k in &group {
                self.keys[k as usize].flying = false;
            }
            let ops = group.len() as u64;
            match sent.result {
                Err(kind) => {
                    self.counts.error(kind, true, ops);
                    self.counts.error(kind, false, ops);
                    if sent.sent {
                        self.counts.maybe += ops;
                    }
                    let node = &mut self.nodes[n];
                    node.conn = None;
                    node.backoff = (node.backoff * 2).clamp(RECONNECT_MIN, RECONNECT_MAX);
                    node.retry_at = Some(Instant::now() + node.backoff);
                    fx.refresh = true;
                }
                Ok(values) => {
                    let node = &mut self.nodes[n];
                    node.conn = sent.conn;
                    node.backoff = Duration::ZERO;
                    node.retry_at = None;
                    self.hist.record(sent.rtt.as_micros() as u64, 1);
                    self.acked.iter_mut().for_each(|a| *a = false);
                    fx.busy = false;
                    let at = &route.nodes[n];
                    for (j, &k) in group.iter().enumerate() {
                        let changes = route.changes[usize::from(self.keys[k as usize].slot)];
                        let get = get_reply(values.get(2 * j));
                        self.on_reply(k, true, get, at, Some(changes), &mut fx);
                        let incr = incr_reply(values.get(2 * j + 1));
                        self.on_reply(k, false, incr, at, None, &mut fx);
                    }
                    if fx.busy {
                        self.nodes[n].retry_at = Some(Instant::now() + BUSY_BACKOFF);
                    }
                    for (s, a) in self.acked.iter().enumerate() {
                        if *a {
                            self.shared.ack(s, now_us);
                        }
                    }
                }
            }
        }
        let route = self.shared.route();
        for (k, read, to) in std::mem::take(&mut fx.asks) {
            self.ask(k, read, &to, &route, &mut fx).await;
        }
        if !fx.moved.is_empty() {
            self.shared.apply_moved(&fx.moved);
        } else if fx.refresh {
            self.shared.want_refresh(None);
        }
    }

    /// Counts one reply; true when it acknowledged a write. `owner_changes`: the read was
    /// answered by the slot's owner, whose count of changes this is.
    fn on_reply(
        &mut self,
        k: u32,
        read: bool,
        reply: Reply<'_>,
        at: &NodeAddr,
        owner_changes: Option<u32>,
        fx: &mut Effects,
    ) -> bool {
        match reply {
            Reply::Number(v) => {
                let key = &mut self.keys[k as usize];
                let out = if read {
                    self.counts.reads += 1;
                    if let Some(c) = owner_changes.filter(|c| key.verified < *c) {
                        key.verified = c;
                        self.unverified = self.unverified.saturating_sub(1);
                    }
                    key.tally.read(v)
                } else {
                    self.counts.writes += 1;
                    if let Some(a) = self.acked.get_mut(usize::from(key.shard)) {
                        *a = true;
                    }
                    key.tally.acknowledged(v)
                };
                let shard = key.shard;
                self.count(shard, out);
                !read
            }
            Reply::Error(kind, details) => {
                self.counts.error(kind, read, 1);
                match kind {
                    ErrKind::Moved => {
                        match redirect(details, at) {
                            Some(m) => fx.moved.push(m),
                            None => fx.refresh = true,
                        }
                        if read {
                            self.pending.push(k);
                        }
                    }
                    ErrKind::Ask => match redirect(details, at) {
                        Some((_, to)) => fx.asks.push((k, read, to)),
                        None => fx.refresh = true,
                    },
                    ErrKind::ReadOnly => {
                        fx.refresh = true;
                        if read {
                            self.pending.push(k);
                        }
                    }
                    kind if kind.wants_backoff() => fx.busy = true,
                    _ => {}
                }
                false
            }
        }
    }

    /// ASK: the key is being moved and is already at `to`; that one command goes there, after
    /// ASKING.
    async fn ask(&mut self, k: u32, read: bool, to: &NodeAddr, route: &Route, fx: &mut Effects) {
        let Some(n) = route.find(to).map(usize::from) else {
            self.shared.want_refresh(Some(to.clone()));
            return;
        };
        let Some(node) = self.nodes.get_mut(n) else {
            return;
        };
        if node.retry_at.is_some_and(|t| Instant::now() < t) {
            return;
        }
        let conn = match node.conn.clone() {
            Some(c) => c,
            None => {
                let t = Target::new(to.clone(), self.shared.auth.clone());
                match connect_with(&t, CONNECT_TIMEOUT, RESPONSE_TIMEOUT).await {
                    Ok(c) => c,
                    Err(e) => {
                        self.counts.error(ErrKind::of_conn_error(&e), read, 1);
                        return;
                    }
                }
            }
        };
        let mut p = pipe();
        p.cmd("ASKING");
        p.cmd(if read { "GET" } else { "INCR" })
            .arg(&self.keys[k as usize].name);
        let mut c = conn.clone();
        let started = Instant::now();
        match c.send_packed_commands(&p, 0, 2).await {
            Ok(values) => {
                self.nodes[n].conn = Some(conn);
                self.hist.record(started.elapsed().as_micros() as u64, 1);
                let reply = if read {
                    get_reply(values.get(1))
                } else {
                    incr_reply(values.get(1))
                };
                let mut inner = Effects::default();
                if self.on_reply(k, read, reply, to, None, &mut inner) {
                    let shard = usize::from(self.keys[k as usize].shard);
                    self.shared.ack(shard, self.shared.now_us());
                }
                fx.moved.extend(inner.moved);
                fx.refresh |= inner.refresh || !inner.asks.is_empty();
            }
            Err(e) => {
                self.counts.error(ErrKind::of_redis_error(&e), read, 1);
                self.nodes[n].conn = None;
            }
        }
    }

    fn count(&mut self, shard: u16, out: Outcome) {
        let at_ms = self.shared.now_us() / 1000;
        super::stats::record(&mut self.counts, &mut self.losses, shard, at_ms, out);
    }
}
