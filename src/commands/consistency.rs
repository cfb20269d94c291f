//! `lab consistency`: the built-in consistency test, standalone. A live line once a second,
//! like the course's consistency-test.rb; a summary at the end (Ctrl-C or `--duration`); exit 0
//! only when no acknowledged write was lost.

use std::time::{Duration, Instant};

use tokio::signal::unix::{SignalKind, signal};

use super::common;
use crate::cli::ConsistencyArgs;
use crate::config::Config;
use crate::consistency::{self, Options};
use crate::error::{Error, Result};
use crate::render::consistency::{live_line, summary};
use crate::{msg, t};

/// `30s`, `2m`, `500ms`, `1h`, or plain seconds.
pub fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(
        s.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(s.len()),
    );
    let n: f64 = num.parse().map_err(|_| s.to_string())?;
    let secs = match unit.trim() {
        "" | "s" | "sec" | "secs" => n,
        "ms" => n / 1000.0,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(s.to_string()),
    };
    if !(secs.is_finite() && secs > 0.0) {
        return Err(s.to_string());
    }
    Ok(Duration::from_secs_f64(secs))
}

pub fn run(config: &Config, args: &ConsistencyArgs) -> Result<()> {
    let rt = common::runtime()?;
    let seeds = common::cluster(config, &args.nodes)?.targets();
    let duration = match &args.duration {
        Some(d) => Some(
            parse_duration(d).map_err(|v| Error::Usage(msg!("error-bad-duration", value = v)))?,
        ),
        None => None,
    };
    let opts = Options {
        seeds,
        keys: args.keys,
        workers: args.workers,
        duration,
        ..Options::default()
    };
    let report = rt.block_on(async {
        let running = consistency::start(opts).await?;
        if !args.json {
            crate::outln!(
                "{}",
                t!(
                    "cons-started",
                    run = running.run_id(),
                    keys = args.keys,
                    workers = args.workers
                )
            );
        }
        let mut int = signal(SignalKind::interrupt()).map_err(|e| Error::io("signal", e))?;
        let mut term = signal(SignalKind::terminate()).map_err(|e| Error::io("signal", e))?;
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.tick().await;
        let started = Instant::now();
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    if !args.json {
                        crate::outln!("{}", live_line(&running.live()));
                    }
                    if running.is_finished() || duration.is_some_and(|d| started.elapsed() >= d) {
                        break;
                    }
                }
                _ = int.recv() => break,
                _ = term.recv() => break,
            }
        }
        Ok::<_, Error>(running.stop().await)
    })?;
    if args.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| Error::io("json", std::io::Error::other(e)))?;
        crate::outln!("{json}");
    } else {
        for line in summary(&report) {
            crate::outln!("{line}");
        }
    }
    if report.passed() {
        Ok(())
    } else {
        Err(Error::Failed(msg!("cons-failed", lost = report.lost)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("10 parsecs").is_err());
    }
}
