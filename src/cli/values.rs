//! Values of arguments, checked where they are parsed: a duration, a count, each within what
//! `lab` can do, or a localized reason (the CLI says it with the argument's name, exit 2).

use std::time::Duration;

use crate::cluster::conn::Target;
use crate::t;

/// `30s`, `2m`, `500ms`, `1h30m`, or plain seconds (`1.5`), up to `max`.
fn duration(s: &str, zero: bool, max: Duration) -> Result<Duration, String> {
    let s = s.trim();
    let bad = || t!("value-bad-duration", value = s);
    let d = if s.chars().all(|c| c.is_ascii_digit() || c == '.') && !s.is_empty() {
        let secs: f64 = s.parse().map_err(|_| bad())?;
        Duration::try_from_secs_f64(secs).map_err(|_| bad())?
    } else {
        humantime::parse_duration(s).map_err(|_| bad())?
    };
    if d.is_zero() && !zero {
        return Err(t!("value-zero-duration", value = s));
    }
    if d > max {
        return Err(t!(
            "value-too-long",
            value = s,
            max = humantime::format_duration(max).to_string()
        ));
    }
    Ok(d)
}

/// How long `--wait` looks again: up to an hour (0: once).
pub fn wait(s: &str) -> Result<Duration, String> {
    duration(s, true, Duration::from_secs(3600))
}

/// How long a run lasts: more than nothing, up to a day.
pub fn run_time(s: &str) -> Result<Duration, String> {
    duration(s, false, Duration::from_secs(24 * 3600))
}

fn count(s: &str, min: u64, max: u64) -> Result<u64, String> {
    let n: u64 = s
        .trim()
        .parse()
        .map_err(|_| t!("value-bad-number", value = s))?;
    if !(min..=max).contains(&n) {
        return Err(t!("value-out-of-range", value = s, min = min, max = max));
    }
    Ok(n)
}

/// `--nodes`: addresses separated by commas, none empty and none twice, so that nothing is
/// sent to any node when the list is wrong.
#[derive(Clone, Debug, Default)]
pub struct NodeList {
    pub targets: Vec<Target>,
    /// A password was written into an address: the command line shows it to `ps`.
    pub password_in_argv: bool,
}

pub fn nodes(s: &str) -> Result<NodeList, String> {
    let mut out: Vec<Target> = Vec::new();
    let mut password_in_argv = false;
    for item in s.split(',') {
        password_in_argv |= crate::cluster::conn::gives_password(item);
        if item.trim().is_empty() {
            return Err(t!("value-empty-address"));
        }
        let target: Target = item.parse().map_err(|m: crate::i18n::Msg| m.to_string())?;
        if out.iter().any(|t| t.addr == target.addr) {
            return Err(t!("value-node-twice", node = target.addr.to_string()));
        }
        out.push(target);
    }
    Ok(NodeList {
        targets: out,
        password_in_argv,
    })
}

/// Counter keys of the consistency test: each is kept in memory with its last value.
pub fn keys(s: &str) -> Result<u64, String> {
    count(s, 1, 2_000_000)
}

/// `--rate`: a ceiling on reads + writes per second, or `max` for none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rate {
    AtMost(u64),
    Max,
}

impl Rate {
    pub fn ceiling(self) -> Option<u64> {
        match self {
            Rate::AtMost(n) => Some(n),
            Rate::Max => None,
        }
    }
}

pub fn rate(s: &str) -> Result<Rate, String> {
    if s.trim().eq_ignore_ascii_case("max") {
        return Ok(Rate::Max);
    }
    if s.trim().parse::<u64>().is_err() {
        return Err(t!("value-bad-rate", value = s));
    }
    count(s, 100, 100_000_000).map(Rate::AtMost)
}

pub fn workers(s: &str) -> Result<usize, String> {
    count(s, 1, 64).map(|n| n as usize)
}

/// Runs of a benchmark.
pub fn runs(s: &str) -> Result<usize, String> {
    count(s, 1, 100).map(|n| n as usize)
}

/// Lines of a log to show.
pub fn lines(s: &str) -> Result<usize, String> {
    count(s, 1, 100_000).map(|n| n as usize)
}

#[cfg(test)]
mod rate_tests {
    use super::*;

    #[test]
    fn a_rate_is_a_number_or_max() {
        assert_eq!(rate("50000"), Ok(Rate::AtMost(50_000)));
        assert_eq!(rate(" MAX "), Ok(Rate::Max));
        assert_eq!(rate("max").unwrap().ceiling(), None);
        assert!(rate("10").is_err() && rate("").is_err());
        assert_eq!(
            rate("fast").unwrap_err(),
            "“fast” is neither a number of operations per second nor max"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(run_time("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(run_time("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(run_time("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(run_time("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(run_time("1h 30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(wait("0"), Ok(Duration::ZERO));
        for bad in [
            "0",
            "soon",
            "10 parsecs",
            "-5s",
            "100000000000000000000",
            "100000000000000000000000h",
            "1e400",
            "nan",
            "25h",
            "",
        ] {
            assert!(run_time(bad).is_err(), "{bad}");
        }
        assert!(wait("10000000000000000000").is_err());
    }

    #[test]
    fn counts() {
        assert_eq!(keys("16384"), Ok(16384));
        assert!(keys("0").is_err());
        assert!(keys("100000000").is_err());
        assert!(keys("-1").is_err());
        assert!(workers("100000").is_err());
        assert!(lines("100000000000000000000").is_err());
        assert_eq!(runs("5"), Ok(5));
    }

    #[test]
    fn node_lists() {
        assert_eq!(
            nodes("127.0.0.1:7001, 127.0.0.1:7002")
                .unwrap()
                .targets
                .len(),
            2
        );
        assert!(
            !nodes("redis://bob@127.0.0.1:7001")
                .unwrap()
                .password_in_argv
        );
        assert!(
            nodes("127.0.0.1:7001,redis://bob:pw@127.0.0.1:7002")
                .unwrap()
                .password_in_argv
        );
        assert!(
            nodes("redis://:pw@127.0.0.1:7001")
                .unwrap()
                .password_in_argv
        );
        for bad in [
            "",
            ",,",
            "127.0.0.1:7001,",
            "127.0.0.1:7001,127.0.0.1:7001",
            "x",
        ] {
            assert!(nodes(bad).is_err(), "{bad}");
        }
        let e = nodes(":s3cret@127.0.0.1:7001").unwrap_err();
        assert!(!e.contains("s3cret"), "{e}");
    }
}
