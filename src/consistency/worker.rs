//! One worker: its own keys, its own connections, one pipeline per master per batch.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::join_all;
use redis::aio::MultiplexedConnection;
use redis::{Pipeline, Value, pipe};
use tokio::sync::watch;

use super::Shared;
use super::route::{NONE, Route};
use super::stats::{
    Counts, ErrKind, Histogram, Reply, acknowledge, get_reply, incr_reply, observe, redirect,
};
use crate::cluster::conn::{Target, connect_with};
use crate::model::addr::NodeAddr;

pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);
/// Long enough for a master that pauses writes during a manual failover.
pub(crate) const RESPONSE_TIMEOUT: Duration = Duration::from_secs(3);
/// After CLUSTERDOWN, TRYAGAIN, LOADING or MASTERDOWN, a node is left alone this long.
const BUSY_BACKOFF: Duration = Duration::from_millis(50);
/// After a connection failure, the first and the longest wait before connecting again.
const RECONNECT_MIN: Duration = Duration::from_millis(50);
const RECONNECT_MAX: Duration = Duration::from_secs(1);
/// When nothing could be sent (every node needed is backing off), wait this long.
const IDLE: Duration = Duration::from_millis(10);

/// No shard: the slot had no master when the run started.
pub(crate) const NO_SHARD: u16 = u16::MAX;

pub(crate) struct Key {
    pub name: String,
    pub slot: u16,
    pub shard: u16,
    /// The lowest value the counter must hold: the last acknowledged INCR.
    known: i64,
    /// The last round the key was put into, so no round holds it twice.
    round: u64,
}

impl Key {
    pub(crate) fn new(name: String, slot: u16, shard: u16) -> Key {
        Key {
            name,
            slot,
            shard,
            known: 0,
            round: 0,
        }
    }
}

#[derive(Default)]
struct Node {
    conn: Option<MultiplexedConnection>,
    retry_at: Option<Instant>,
    backoff: Duration,
}

pub(crate) struct WorkerEnd {
    pub hist: Histogram,
}

struct Request {
    node: usize,
    conn: Option<MultiplexedConnection>,
    target: Target,
    pipe: Pipeline,
    count: usize,
}

struct Sent {
    node: usize,
    conn: Option<MultiplexedConnection>,
    result: Result<Vec<Value>, ErrKind>,
    rtt: Duration,
}

async fn send(r: Request) -> Sent {
    let mut conn = match r.conn {
        Some(c) => c,
        None => match connect_with(&r.target, CONNECT_TIMEOUT, RESPONSE_TIMEOUT).await {
            Ok(c) => c,
            Err(e) => {
                return Sent {
                    node: r.node,
                    conn: None,
                    result: Err(ErrKind::of_conn_error(&e)),
                    rtt: Duration::ZERO,
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
        conn: result.is_ok().then_some(conn),
        result,
        rtt: started.elapsed(),
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
    keys: Vec<Key>,
    next: usize,
    batch: usize,
    /// Keys redirected in the last round, tried again first in the next.
    pending: Vec<u32>,
    members: Vec<u32>,
    nodes: Vec<Node>,
    groups: Vec<Vec<u32>>,
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
    pub(crate) fn new(per_sec: f64) -> Pace {
        Pace {
            start: Instant::now(),
            per_sec: per_sec.max(1.0),
        }
    }

    fn wait(&mut self, ops: u64) -> Option<Duration> {
        let due = Duration::from_secs_f64(ops as f64 / self.per_sec);
        due.checked_sub(self.start.elapsed())
            .filter(|d| *d >= Duration::from_millis(1))
    }
}

impl Worker {
    pub(crate) fn new(
        shared: Arc<Shared>,
        keys: Vec<Key>,
        batch: usize,
        shards: usize,
        pace: Option<Pace>,
    ) -> Worker {
        Worker {
            shared,
            keys,
            next: 0,
            batch: batch.max(1),
            pending: vec![],
            members: vec![],
            nodes: vec![],
            groups: vec![],
            counts: Counts::default(),
            hist: Histogram::default(),
            round: 0,
            acked: vec![false; shards],
            sent_ops: 0,
            pace,
        }
    }

    pub(crate) async fn run(mut self, mut stop: watch::Receiver<bool>) -> WorkerEnd {
        while !*stop.borrow() && !self.keys.is_empty() {
            let route = self.shared.route();
            let requests = self.prepare(&route);
            if requests.is_empty() {
                tokio::select! {
                    _ = stop.changed() => break,
                    _ = tokio::time::sleep(IDLE) => {}
                }
            } else {
                // In-flight pipelines are waited for even when asked to stop, so no INCR of
                // this run lands after its keys are deleted.
                self.sent_ops += requests.iter().map(|r| r.count as u64).sum::<u64>();
                let results = join_all(requests.into_iter().map(send)).await;
                self.process(&route, results).await;
            }
            // Merged after every round (a few hundred times a second): `live` stays current and
            // the shared counters see one add per field per round.
            self.flush();
            if let Some(wait) = self.pace.as_mut().and_then(|p| p.wait(self.sent_ops)) {
                tokio::select! {
                    _ = stop.changed() => break,
                    _ = tokio::time::sleep(wait) => {}
                }
            }
        }
        self.flush();
        WorkerEnd { hist: self.hist }
    }

    fn flush(&mut self) {
        if !self.counts.is_empty() {
            self.shared.counts.add(&self.counts);
            self.counts = Counts::default();
        }
    }

    fn take(&mut self, k: u32) {
        if let Some(key) = self.keys.get_mut(k as usize)
            && key.round != self.round
        {
            key.round = self.round;
            self.members.push(k);
        }
    }

    /// The next batch, grouped by the master of each key's slot: one pipeline per master.
    fn prepare(&mut self, route: &Route) -> Vec<Request> {
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
        if self.groups.len() < route.nodes.len() {
            self.groups.resize_with(route.nodes.len(), Vec::new);
        }
        for g in &mut self.groups {
            g.clear();
        }
        let mut unrouted = false;
        for &k in &self.members {
            let o = route.owner[usize::from(self.keys[k as usize].slot)];
            if o == NONE {
                unrouted = true;
            } else {
                self.groups[usize::from(o)].push(k);
            }
        }
        if unrouted {
            self.shared.want_refresh(None);
        }
        let now = Instant::now();
        let mut out = vec![];
        for (n, g) in self.groups.iter().enumerate() {
            let node = &self.nodes[n];
            if g.is_empty() || node.retry_at.is_some_and(|t| now < t) {
                continue;
            }
            let mut p = pipe();
            for &k in g {
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
            });
        }
        out
    }

    async fn process(&mut self, route: &Route, results: Vec<Sent>) {
        let now_us = self.shared.now_us();
        let mut fx = Effects::default();
        for sent in results {
            let n = sent.node;
            let group = std::mem::take(&mut self.groups[n]);
            let ops = group.len() as u64;
            match sent.result {
                Err(kind) => {
                    self.counts.error(kind, true, ops);
                    self.counts.error(kind, false, ops);
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
                    self.hist.record(sent.rtt.as_micros() as u64, ops * 2);
                    self.acked.iter_mut().for_each(|a| *a = false);
                    fx.busy = false;
                    let at = &route.nodes[n];
                    for (j, &k) in group.iter().enumerate() {
                        self.on_reply(k, true, get_reply(values.get(2 * j)), at, &mut fx);
                        self.on_reply(k, false, incr_reply(values.get(2 * j + 1)), at, &mut fx);
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
            self.groups[n] = group;
        }
        for (k, read, to) in std::mem::take(&mut fx.asks) {
            self.ask(k, read, &to, route, &mut fx).await;
        }
        if !fx.moved.is_empty() {
            self.shared.apply_moved(&fx.moved);
        } else if fx.refresh {
            self.shared.want_refresh(None);
        }
    }

    /// Counts one reply; true when it acknowledged a write.
    fn on_reply(
        &mut self,
        k: u32,
        read: bool,
        reply: Reply<'_>,
        at: &NodeAddr,
        fx: &mut Effects,
    ) -> bool {
        match reply {
            Reply::Number(v) => {
                let key = &mut self.keys[k as usize];
                let (lost, noack) = if read {
                    self.counts.reads += 1;
                    observe(&mut key.known, v)
                } else {
                    self.counts.writes += 1;
                    if let Some(a) = self.acked.get_mut(usize::from(key.shard)) {
                        *a = true;
                    }
                    acknowledge(&mut key.known, v)
                };
                self.counts.lost += lost;
                self.counts.noack += noack;
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
                if self.on_reply(k, read, reply, to, &mut inner) {
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
}
