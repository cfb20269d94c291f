//! A node's log from a given time on: what happened since a step began.
//!
//! Nodes of the local backend log in UTC (`TZ=UTC` at start-up), in redis-server's format:
//! `4931:M 07 Mar 2020 22:46:30.715 # Manual failover requested by replica …`.

use std::path::Path;

/// The lines of the log at `path` stamped at or after `since_ms` (Unix ms), and the lines
/// without a stamp that follow them; at most `max` of the newest.
pub fn since(path: &Path, since_ms: u64, max: usize) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return vec![];
    };
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let first = lines
        .iter()
        .position(|l| stamp(l).is_some_and(|t| t >= since_ms))
        .unwrap_or(lines.len());
    let from = first.max(lines.len().saturating_sub(max));
    lines[from..].iter().map(|l| l.to_string()).collect()
}

/// The time of a redis-server log line, in Unix ms.
pub fn stamp(line: &str) -> Option<u64> {
    // `pid:role DD Mon YYYY HH:MM:SS.mmm`
    let mut f = line.split_whitespace();
    f.next()?.split_once(':')?;
    let day: u64 = f.next()?.parse().ok()?;
    let month = match f.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = f.next()?.parse().ok()?;
    let (hms, ms) = f.next()?.split_once('.')?;
    let mut t = hms.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, s) = (t.next()??, t.next()??, t.next()??);
    let ms: u64 = ms.parse().ok()?;
    let days = days_from_civil(year, month, day as i64);
    let secs = u64::try_from(days).ok()? * 86_400 + h * 3600 + m * 60 + s;
    Some(secs * 1000 + ms)
}

/// The manual failovers an old master's log shows, as (Unix ms) pairs: from "Manual failover
/// requested by replica" (it stops taking writes) to "Reconfiguring myself as a replica" (it
/// answers them with MOVED): the failover as the nodes themselves time it.
pub fn manual_failovers(text: &str) -> Vec<(u64, u64)> {
    let mut out = vec![];
    let mut began = None;
    for line in text.lines() {
        if line.contains("Manual failover requested by replica") {
            began = stamp(line);
        } else if line.contains("Reconfiguring myself as a replica")
            && let (Some(b), Some(e)) = (began.take(), stamp(line))
        {
            out.push((b, e));
        }
    }
    out
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_failover_is_timed_from_the_old_master_s_log() {
        let log = "\
4943:M 02 Dec 2026 13:46:40.121 # Manual failover requested by replica c3b7.
4943:M 02 Dec 2026 13:46:40.122 * noise
4943:M 02 Dec 2026 13:46:40.140 # Configuration change detected. Reconfiguring myself as a replica of c3b7
4943:S 02 Dec 2026 13:50:00.000 # Configuration change detected. Reconfiguring myself as a replica of x
4943:M 02 Dec 2026 13:51:00.500 # Manual failover requested by replica c3b7.
";
        let f = manual_failovers(log);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].1 - f[0].0, 19);
    }

    #[test]
    fn redis_log_times_read_as_utc() {
        // 2020-03-07T22:46:30.715Z
        assert_eq!(
            stamp("4931:M 07 Mar 2020 22:46:30.715 # Manual failover requested by replica x."),
            Some(1_583_621_190_715)
        );
        assert_eq!(stamp("just text"), None);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }

    #[test]
    fn only_what_came_since() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("redis.log");
        std::fs::write(
            &p,
            "1:M 07 Mar 2020 22:46:29.000 * old\n1:M 07 Mar 2020 22:46:30.715 # new\n  continued\n",
        )
        .unwrap();
        let got = since(&p, 1_583_621_190_000, 100);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].ends_with("# new"));
    }
}
