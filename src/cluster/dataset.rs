//! Loading a lab's sample data (see [`crate::model::dataset`] for which keys) into the masters
//! that own their slots, pipelined per node.

use std::collections::BTreeMap;

use redis::aio::MultiplexedConnection;
use redis::{Pipeline, pipe};

use crate::model::addr::NodeAddr;
use crate::model::dataset::{DataType, Dataset, key};
use crate::model::slots::key_slot;

/// Appends the command that writes key `i` to a pipeline.
fn write(p: &mut Pipeline, d: &Dataset, i: u64) {
    let (k, t) = key(d, i);
    let n = 1000 + i;
    match t {
        DataType::String => p.cmd("SET").arg(&k).arg(format!("session-{n}")),
        DataType::Hash => p
            .cmd("HSET")
            .arg(&k)
            .arg("name")
            .arg(format!("user {n}"))
            .arg("email")
            .arg(format!("user{n}@example.com"))
            .arg("visits")
            .arg(n % 97),
        DataType::List => p
            .cmd("RPUSH")
            .arg(&k)
            .arg(format!("job-{n}-a"))
            .arg(format!("job-{n}-b")),
        DataType::Set => p
            .cmd("SADD")
            .arg(&k)
            .arg(format!("t{}", n % 7))
            .arg(format!("u{}", n % 11)),
        DataType::Zset => p
            .cmd("ZADD")
            .arg(&k)
            .arg(n % 100)
            .arg(format!("player-{n}")),
    }
    .ignore();
}

/// Writes every key to the master that owns its slot: one pipeline per master, all at once.
/// `owner(slot)` says which master serves a slot.
pub async fn load(
    d: &Dataset,
    owner: impl Fn(u16) -> Option<NodeAddr>,
    conns: &BTreeMap<NodeAddr, MultiplexedConnection>,
) -> redis::RedisResult<u64> {
    let mut pipes: BTreeMap<NodeAddr, Pipeline> = BTreeMap::new();
    for i in 0..d.count {
        let (k, _) = key(d, i);
        let Some(addr) = owner(key_slot(k.as_bytes())) else {
            continue;
        };
        write(pipes.entry(addr).or_insert_with(pipe), d, i);
    }
    let jobs = pipes.into_iter().map(|(addr, p)| {
        let mut c = conns.get(&addr).cloned();
        async move {
            match c.as_mut() {
                Some(c) => p.exec_async(c).await,
                None => Err(redis::RedisError::from((
                    redis::ErrorKind::Io,
                    "no connection to the slot's master",
                    addr.to_string(),
                ))),
            }
        }
    });
    for r in futures::future::join_all(jobs).await {
        r?;
    }
    Ok(d.count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mf() -> Dataset {
        Dataset {
            prefix: "mf:".into(),
            count: 6557,
            types: vec![
                DataType::Hash,
                DataType::String,
                DataType::List,
                DataType::Set,
                DataType::Zset,
            ],
        }
    }

    #[test]
    fn keys_are_deterministic_and_include_user_1000() {
        let d = mf();
        assert_eq!(key(&d, 0), ("mf:user:1000".to_string(), DataType::Hash));
        assert_eq!(
            key(&d, 1),
            ("mf:session:1001".to_string(), DataType::String)
        );
        assert_eq!(key(&d, 6556).0, "mf:session:7556");
        let keys: std::collections::BTreeSet<String> = (0..d.count).map(|i| key(&d, i).0).collect();
        assert_eq!(keys.len(), 6557);
        assert!(keys.iter().all(|k| k.starts_with("mf:")));
    }

    #[test]
    fn every_command_is_written() {
        let d = mf();
        let mut p = pipe();
        for i in 0..10 {
            write(&mut p, &d, i);
        }
        assert_eq!(p.cmd_iter().count(), 10);
    }
}
