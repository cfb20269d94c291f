//! The pure parts of the checker: what a reply means, error kinds, counters and the
//! round-trip histogram (what a value means is in `tally`). No I/O here, so all of it is
//! unit-tested.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use redis::Value;

/// Error kinds, in the order of [`ErrKind`]; the names are the keys of `Report::errors`.
pub(crate) const KIND_NAMES: [&str; 10] = [
    "moved",
    "ask",
    "clusterdown",
    "tryagain",
    "loading",
    "readonly",
    "masterdown",
    "timeout",
    "connection",
    "other",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrKind {
    Moved,
    Ask,
    ClusterDown,
    TryAgain,
    Loading,
    ReadOnly,
    MasterDown,
    Timeout,
    Connection,
    Other,
}

impl ErrKind {
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The kind of a server error, from its code (the first word of the error line).
    pub(crate) fn from_code(code: &str) -> ErrKind {
        match code {
            "MOVED" => ErrKind::Moved,
            "ASK" => ErrKind::Ask,
            "CLUSTERDOWN" => ErrKind::ClusterDown,
            "TRYAGAIN" => ErrKind::TryAgain,
            "LOADING" => ErrKind::Loading,
            "READONLY" => ErrKind::ReadOnly,
            "MASTERDOWN" => ErrKind::MasterDown,
            _ => ErrKind::Other,
        }
    }

    /// The kind of an error that failed a whole request (not one reply in it).
    pub(crate) fn of_redis_error(e: &redis::RedisError) -> ErrKind {
        if e.is_timeout() {
            ErrKind::Timeout
        } else if e.is_io_error()
            || e.is_connection_dropped()
            || e.is_connection_refusal()
            || e.is_unrecoverable_error()
        {
            ErrKind::Connection
        } else if let Some(code) = e.code() {
            ErrKind::from_code(code)
        } else {
            ErrKind::Other
        }
    }

    pub(crate) fn of_conn_error(e: &crate::cluster::conn::ConnError) -> ErrKind {
        match e {
            crate::cluster::conn::ConnError::Timeout => ErrKind::Timeout,
            _ => ErrKind::Connection,
        }
    }

    /// Errors after which the node is left alone for a moment before it is asked again.
    pub(crate) fn wants_backoff(self) -> bool {
        matches!(
            self,
            ErrKind::ClusterDown | ErrKind::TryAgain | ErrKind::Loading | ErrKind::MasterDown
        )
    }
}

/// What one reply of the pipeline says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reply<'a> {
    Number(i64),
    /// An error reply: its kind and the text after the code (`3999 127.0.0.1:6381` for MOVED).
    Error(ErrKind, &'a str),
}

fn number(bytes: &[u8]) -> Option<i64> {
    std::str::from_utf8(bytes).ok()?.trim().parse().ok()
}

fn error_reply(v: &Value) -> Option<Reply<'_>> {
    match v {
        Value::ServerError(e) => Some(Reply::Error(
            ErrKind::from_code(e.code()),
            e.details().unwrap_or(""),
        )),
        _ => None,
    }
}

/// The reply to `GET counter`: a number, nil (the key does not exist: 0), or an error. Anything
/// else is an `other` error; nothing panics.
pub(crate) fn get_reply(v: Option<&Value>) -> Reply<'_> {
    let Some(v) = v else {
        return Reply::Error(ErrKind::Other, "");
    };
    if let Some(e) = error_reply(v) {
        return e;
    }
    let n = match v {
        Value::Nil => Some(0),
        Value::Int(n) => Some(*n),
        Value::BulkString(b) => number(b),
        Value::SimpleString(s) => number(s.as_bytes()),
        _ => None,
    };
    n.map_or(Reply::Error(ErrKind::Other, ""), Reply::Number)
}

/// The reply to `INCR counter`: the new value, or an error.
pub(crate) fn incr_reply(v: Option<&Value>) -> Reply<'_> {
    let Some(v) = v else {
        return Reply::Error(ErrKind::Other, "");
    };
    if let Some(e) = error_reply(v) {
        return e;
    }
    let n = match v {
        Value::Int(n) => Some(*n),
        Value::BulkString(b) => number(b),
        Value::SimpleString(s) => number(s.as_bytes()),
        _ => None,
    };
    n.map_or(Reply::Error(ErrKind::Other, ""), Reply::Number)
}

/// `MOVED`/`ASK` details, `3999 127.0.0.1:6381`: the slot and where it is now. An empty host
/// (`:6381`, a node that does not know its own address) means the host that answered.
pub(crate) fn redirect(
    details: &str,
    answered: &crate::model::addr::NodeAddr,
) -> Option<(u16, crate::model::addr::NodeAddr)> {
    let mut parts = details.split_whitespace();
    let slot: u16 = parts.next()?.parse().ok()?;
    if slot >= crate::model::slots::SLOTS {
        return None;
    }
    let addr = parts.next()?;
    let addr = match addr.strip_prefix(':') {
        Some(port) => crate::model::addr::NodeAddr::new(
            answered.host.clone(),
            port.parse().ok().filter(|p| *p != 0)?,
        ),
        None => addr.parse().ok()?,
    };
    Some((slot, addr))
}

/// What one value said, into the counters; an acknowledged loss also as a mark of where and
/// when (merged with the last mark of the same shard and millisecond).
pub(crate) fn record(
    counts: &mut Counts,
    losses: &mut Vec<crate::model::consistency::LossMark>,
    shard: u16,
    at_ms: u64,
    out: super::tally::Outcome,
) {
    counts.lost += out.lost;
    counts.gone += out.gone;
    counts.noack += out.noack;
    if out.lost > 0 {
        match losses.last_mut() {
            Some(l) if l.shard == shard && l.at_ms == at_ms => l.count += out.lost,
            _ => losses.push(crate::model::consistency::LossMark {
                shard,
                at_ms,
                count: out.lost,
            }),
        }
    }
}

/// Counters of one worker, merged into [`SharedCounts`] often.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub reads: u64,
    pub read_errors: u64,
    pub writes: u64,
    pub write_errors: u64,
    pub lost: u64,
    pub gone: u64,
    pub noack: u64,
    pub maybe: u64,
    pub errors: [u64; KIND_NAMES.len()],
}

impl Counts {
    pub(crate) fn error(&mut self, kind: ErrKind, read: bool, n: u64) {
        self.errors[kind.index()] += n;
        if read {
            self.read_errors += n;
        } else {
            self.write_errors += n;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        *self == Counts::default()
    }
}

#[derive(Default)]
pub(crate) struct SharedCounts {
    reads: AtomicU64,
    read_errors: AtomicU64,
    writes: AtomicU64,
    write_errors: AtomicU64,
    lost: AtomicU64,
    gone: AtomicU64,
    noack: AtomicU64,
    maybe: AtomicU64,
    errors: [AtomicU64; KIND_NAMES.len()],
}

impl SharedCounts {
    pub(crate) fn add(&self, c: &Counts) {
        for (a, v) in [
            (&self.reads, c.reads),
            (&self.read_errors, c.read_errors),
            (&self.writes, c.writes),
            (&self.write_errors, c.write_errors),
            (&self.lost, c.lost),
            (&self.gone, c.gone),
            (&self.noack, c.noack),
            (&self.maybe, c.maybe),
        ] {
            if v != 0 {
                a.fetch_add(v, Relaxed);
            }
        }
        for (a, v) in self.errors.iter().zip(c.errors) {
            if v != 0 {
                a.fetch_add(v, Relaxed);
            }
        }
    }

    pub(crate) fn load(&self) -> Counts {
        Counts {
            reads: self.reads.load(Relaxed),
            read_errors: self.read_errors.load(Relaxed),
            writes: self.writes.load(Relaxed),
            write_errors: self.write_errors.load(Relaxed),
            lost: self.lost.load(Relaxed),
            gone: self.gone.load(Relaxed),
            noack: self.noack.load(Relaxed),
            maybe: self.maybe.load(Relaxed),
            errors: std::array::from_fn(|i| self.errors[i].load(Relaxed)),
        }
    }
}

/// Latencies in microseconds, in log buckets: exact below 16, then 8 buckets per power of two
/// (at most 12.5 % off).
#[derive(Clone, Debug)]
pub(crate) struct Histogram {
    counts: Vec<u64>,
    total: u64,
    max: u64,
}

const EXACT: usize = 16;
const SUB_BITS: u32 = 3;
const SUB: usize = 1 << SUB_BITS;
const BUCKETS: usize = EXACT + (64 - 4) * SUB;

fn bucket(v: u64) -> usize {
    if v < EXACT as u64 {
        return v as usize;
    }
    let exp = 63 - v.leading_zeros(); // 4..=63
    let sub = ((v >> (exp - SUB_BITS)) as usize) & (SUB - 1);
    EXACT + (exp as usize - 4) * SUB + sub
}

/// The highest value that falls into bucket `i`.
fn bucket_top(i: usize) -> u64 {
    if i < EXACT {
        return i as u64;
    }
    let exp = ((i - EXACT) / SUB + 4) as u32;
    let sub = ((i - EXACT) % SUB) as u128;
    let top = ((SUB as u128 + sub + 1) << (exp - SUB_BITS)) - 1;
    u64::try_from(top).unwrap_or(u64::MAX)
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0; BUCKETS],
            total: 0,
            max: 0,
        }
    }
}

impl Histogram {
    pub(crate) fn record(&mut self, us: u64, n: u64) {
        if n == 0 {
            return;
        }
        self.counts[bucket(us)] += n;
        self.total += n;
        self.max = self.max.max(us);
    }

    pub(crate) fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += *b;
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
    }

    pub(crate) fn max(&self) -> u64 {
        self.max
    }

    /// The value below which a fraction `q` of the samples fall (the top of its bucket, never
    /// above the largest sample); 0 without samples.
    pub(crate) fn percentile(&self, q: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return bucket_top(i).min(self.max);
            }
        }
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::addr::NodeAddr;

    fn parsed(resp: &[u8]) -> Value {
        redis::parse_redis_value(resp).unwrap()
    }

    #[test]
    fn server_errors_are_classified() {
        for (line, kind) in [
            (&b"-MOVED 3999 127.0.0.1:6381\r\n"[..], ErrKind::Moved),
            (b"-ASK 3999 127.0.0.1:6381\r\n", ErrKind::Ask),
            (
                b"-CLUSTERDOWN The cluster is down\r\n",
                ErrKind::ClusterDown,
            ),
            (
                b"-TRYAGAIN Multiple keys request during rehashing of slot\r\n",
                ErrKind::TryAgain,
            ),
            (
                b"-LOADING Redis is loading the dataset in memory\r\n",
                ErrKind::Loading,
            ),
            (
                b"-READONLY You can't write against a read only replica.\r\n",
                ErrKind::ReadOnly,
            ),
            (
                b"-MASTERDOWN Link with MASTER is down\r\n",
                ErrKind::MasterDown,
            ),
            (
                b"-ERR value is not an integer or out of range\r\n",
                ErrKind::Other,
            ),
            (b"-WRONGTYPE Operation against a key\r\n", ErrKind::Other),
        ] {
            let v = parsed(line);
            assert!(matches!(v, Value::ServerError(_)), "{v:?}");
            match get_reply(Some(&v)) {
                Reply::Error(k, _) => assert_eq!(k, kind, "{v:?}"),
                r => panic!("{r:?}"),
            }
            assert!(matches!(incr_reply(Some(&v)), Reply::Error(k, _) if k == kind));
        }
        let moved = parsed(b"-MOVED 3999 127.0.0.1:6381\r\n");
        let Reply::Error(ErrKind::Moved, details) = get_reply(Some(&moved)) else {
            panic!()
        };
        let here = NodeAddr::new("127.0.0.9", 6379);
        assert_eq!(
            redirect(details, &here),
            Some((3999, NodeAddr::new("127.0.0.1", 6381)))
        );
        assert_eq!(
            redirect("12 :7000", &here),
            Some((12, NodeAddr::new("127.0.0.9", 7000)))
        );
        assert_eq!(redirect("16384 h:1", &here), None);
        assert_eq!(redirect("x h:1", &here), None);
        assert_eq!(redirect("", &here), None);
        assert_eq!(
            redirect("5 [::1]:7000", &here),
            Some((5, NodeAddr::new("::1", 7000)))
        );
        assert_eq!(KIND_NAMES[ErrKind::ClusterDown.index()], "clusterdown");
        assert_eq!(KIND_NAMES[ErrKind::Other.index()], "other");
        assert!(ErrKind::Loading.wants_backoff() && !ErrKind::Moved.wants_backoff());
    }

    #[test]
    fn odd_replies_are_other_errors_not_panics() {
        assert_eq!(get_reply(Some(&Value::Nil)), Reply::Number(0));
        assert_eq!(
            get_reply(Some(&Value::BulkString(b"42".to_vec()))),
            Reply::Number(42)
        );
        assert_eq!(get_reply(Some(&Value::Int(7))), Reply::Number(7));
        assert_eq!(incr_reply(Some(&Value::Int(8))), Reply::Number(8));
        for v in [
            Value::BulkString(b"abc".to_vec()),
            Value::BulkString(vec![0xff, 0xfe]),
            Value::Array(vec![]),
            Value::Okay,
            Value::Double(1.5),
            Value::Map(vec![]),
        ] {
            assert!(matches!(
                get_reply(Some(&v)),
                Reply::Error(ErrKind::Other, _)
            ));
            assert!(matches!(
                incr_reply(Some(&v)),
                Reply::Error(ErrKind::Other, _)
            ));
        }
        assert!(matches!(
            incr_reply(Some(&Value::Nil)),
            Reply::Error(ErrKind::Other, _)
        ));
        assert!(matches!(get_reply(None), Reply::Error(ErrKind::Other, _)));
        assert!(matches!(incr_reply(None), Reply::Error(ErrKind::Other, _)));
    }

    #[test]
    fn request_errors_are_classified() {
        let timeout = redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::TimedOut));
        assert_eq!(ErrKind::of_redis_error(&timeout), ErrKind::Timeout);
        let reset =
            redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert_eq!(ErrKind::of_redis_error(&reset), ErrKind::Connection);
        let refused =
            redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert_eq!(ErrKind::of_redis_error(&refused), ErrKind::Connection);
        use crate::cluster::conn::ConnError;
        assert_eq!(
            ErrKind::of_conn_error(&ConnError::Timeout),
            ErrKind::Timeout
        );
        assert_eq!(
            ErrKind::of_conn_error(&ConnError::Refused),
            ErrKind::Connection
        );
    }

    #[test]
    fn counts_merge() {
        let shared = SharedCounts::default();
        let mut c = Counts::default();
        assert!(c.is_empty());
        c.reads = 3;
        c.lost = 1;
        c.error(ErrKind::Moved, true, 2);
        c.error(ErrKind::Connection, false, 5);
        shared.add(&c);
        shared.add(&c);
        let t = shared.load();
        assert_eq!(
            (t.reads, t.lost, t.read_errors, t.write_errors),
            (6, 2, 4, 10)
        );
        assert_eq!(t.errors[ErrKind::Moved.index()], 4);
        assert_eq!(t.errors[ErrKind::Connection.index()], 10);
    }

    #[test]
    fn histogram_percentiles() {
        let mut h = Histogram::default();
        assert_eq!((h.percentile(0.5), h.max()), (0, 0));
        for v in 1..=1000 {
            h.record(v, 1);
        }
        let p50 = h.percentile(0.5);
        let p99 = h.percentile(0.99);
        assert!((500..=563).contains(&p50), "{p50}");
        assert!((990..=1000).contains(&p99), "{p99}");
        assert_eq!(h.percentile(1.0), 1000);
        assert_eq!(h.max(), 1000);

        // Weighted: one pipeline of 99 ops at 100 µs, one op at 50 ms.
        let mut w = Histogram::default();
        w.record(100, 99);
        w.record(50_000, 1);
        assert!((100..=112).contains(&w.percentile(0.5)));
        assert!((100..=112).contains(&w.percentile(0.99)));
        assert_eq!(w.percentile(0.999), 50_000);
        let mut m = Histogram::default();
        m.merge(&h);
        m.merge(&w);
        assert_eq!(m.max(), 50_000);
        assert_eq!(m.total, 1100);

        // Every bucket's top is below the next bucket's values; extremes fit.
        for v in [0, 1, 15, 16, 17, 31, 32, 1 << 20, u64::MAX / 3, u64::MAX] {
            let b = bucket(v);
            assert!(b < BUCKETS);
            assert!(bucket_top(b) >= v, "{v}");
            if b > 0 {
                assert!(bucket_top(b - 1) < v, "{v}");
            }
        }
        let mut big = Histogram::default();
        big.record(u64::MAX, 1);
        assert_eq!(big.percentile(0.5), u64::MAX);
    }
}
