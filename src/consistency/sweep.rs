//! The final sweep: once the workers have stopped, every key is read again on its owner, so a
//! loss in the last moments of a run (a failover a key's next visit would have shown) is still
//! counted. The run's verdict is given only after it.

use std::time::{Duration, Instant};

use futures::StreamExt;
use redis::{Value, pipe};

use super::Shared;
use super::cleanup::Pool;
use super::route::NONE;
use super::stats::{Counts, ErrKind, Reply, get_reply, redirect};
use super::worker::{self, Key};
use crate::model::consistency::LossMark;

/// Keys per GET pipeline, and pipelines in flight at once.
const CHUNK: usize = 2000;
const IN_FLIGHT: usize = 12;
/// Between two passes over keys that could not be read (a node down, a slot without owner).
const RETRY: Duration = Duration::from_millis(100);

pub(crate) struct Swept {
    /// Keys read on their owner.
    pub read: u64,
    /// Keys that could not be read before the deadline.
    pub unread: u64,
    pub took: Duration,
}

/// Reads every key once on its owner, until all are read or `within` has passed. What the
/// values say goes into `counts` and `losses` as a worker's reads would.
pub(crate) async fn sweep(
    shared: &Shared,
    keys: &mut [Key],
    within: Duration,
    counts: &mut Counts,
    losses: &mut Vec<LossMark>,
) -> Swept {
    let started = Instant::now();
    let mut pool = Pool::new(
        shared.auth.clone(),
        worker::CONNECT_TIMEOUT,
        worker::RESPONSE_TIMEOUT,
    );
    let mut todo: Vec<u32> = (0..keys.len() as u32).collect();
    let mut read = 0u64;
    let mut turn = 0;
    loop {
        let route = shared.route();
        let mut by_node: Vec<Vec<u32>> = vec![vec![]; route.nodes.len()];
        let mut again: Vec<u32> = vec![];
        for k in todo.drain(..) {
            match route.owner[usize::from(keys[k as usize].slot)] {
                NONE => again.push(k),
                o => by_node[usize::from(o)].push(k),
            }
        }
        let chunks: Vec<(usize, Vec<u32>)> = by_node
            .into_iter()
            .enumerate()
            .flat_map(|(n, ks)| {
                ks.chunks(CHUNK)
                    .map(|c| (n, c.to_vec()))
                    .collect::<Vec<_>>()
            })
            .collect();
        // Connections only to the nodes asked this pass: a replica, or a master paused, is
        // not waited for.
        let mut conns = vec![None; route.nodes.len()];
        let mut asked = vec![false; route.nodes.len()];
        for (n, _) in &chunks {
            if !std::mem::replace(&mut asked[*n], true) {
                conns[*n] = pool.get(&route.nodes[*n]).await.ok();
            }
        }
        let results: Vec<(usize, Vec<u32>, Option<Vec<Value>>)> =
            futures::stream::iter(chunks.into_iter().map(|(n, ks)| {
                let conn = conns[n].clone();
                let mut p = pipe();
                for &k in &ks {
                    p.cmd("GET").arg(&keys[k as usize].name);
                }
                async move {
                    let Some(mut c) = conn else {
                        return (n, ks, None);
                    };
                    let v = c.send_packed_commands(&p, 0, ks.len()).await.ok();
                    (n, ks, v)
                }
            }))
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        let mut moved = vec![];
        let mut trouble = false;
        for (n, ks, values) in results {
            let Some(values) = values else {
                pool.forget(&route.nodes[n]);
                trouble = true;
                again.extend(ks);
                continue;
            };
            for (j, k) in ks.into_iter().enumerate() {
                let key = &mut keys[k as usize];
                match get_reply(values.get(j)) {
                    Reply::Number(v) => {
                        read += 1;
                        key.verified = route.changes[usize::from(key.slot)];
                        let out = key.tally.read(v);
                        let at_ms = shared.now_us() / 1000;
                        super::stats::record(counts, losses, key.shard, at_ms, out);
                    }
                    Reply::Error(ErrKind::Moved, details) => {
                        if let Some(m) = redirect(details, &route.nodes[n]) {
                            moved.push(m);
                        }
                        again.push(k);
                    }
                    Reply::Error(..) => {
                        trouble = true;
                        again.push(k);
                    }
                }
            }
        }
        if !moved.is_empty() {
            shared.apply_moved(&moved);
        }
        todo = again;
        if todo.is_empty() || started.elapsed() >= within {
            break;
        }
        if trouble || moved.is_empty() {
            super::refresh_once(shared, &mut pool, &mut turn).await;
            tokio::time::sleep(RETRY.min(within.saturating_sub(started.elapsed()))).await;
        }
    }
    Swept {
        read,
        unread: todo.len() as u64,
        took: started.elapsed(),
    }
}
