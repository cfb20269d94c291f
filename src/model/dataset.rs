//! A lab's sample data: the same keys and values on every run, so checks can count them.
//!
//! Key *i* is `<prefix><noun>:<1000 + i>`, its type taken in turn from the lab's list, the noun
//! following the type: the manual-failover lab's first key is the hash `mf:user:1000`.

use serde::{Deserialize, Serialize};

use super::slots::key_slot;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataType {
    String,
    Hash,
    List,
    Set,
    Zset,
}

/// The lab's sample data: `count` keys under `prefix`, types taken in turn from `types`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub prefix: String,
    pub count: u64,
    pub types: Vec<DataType>,
}

pub fn noun(t: DataType) -> &'static str {
    match t {
        DataType::Hash => "user",
        DataType::String => "session",
        DataType::List => "queue",
        DataType::Set => "tags",
        DataType::Zset => "scores",
    }
}

/// The i-th key of a dataset and its type.
pub fn key(d: &Dataset, i: u64) -> (String, DataType) {
    let t = d.types[(i % d.types.len().max(1) as u64) as usize];
    (format!("{}{}:{}", d.prefix, noun(t), 1000 + i), t)
}

/// The slot of every key of a dataset, in key order.
pub fn slots(d: &Dataset) -> Vec<u16> {
    (0..d.count)
        .map(|i| key_slot(key(d, i).0.as_bytes()))
        .collect()
}
