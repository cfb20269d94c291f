//! `lab consistency`: the built-in consistency test, standalone. A live line once a second,
//! like the course's consistency-test.rb; a summary at the end (Ctrl-C or `--duration`), after
//! a final sweep of every key; exit 0 only when no acknowledged write was lost that an
//! uncoordinated failover does not explain, and every key could be read again.

use std::time::{Duration, Instant};

use super::common;
use crate::cli::ConsistencyArgs;
use crate::config::Config;
use crate::consistency::{self, Options};
use crate::error::{Error, Result};
use crate::render::consistency::{live_line, summary};
use crate::{msg, t};

pub fn run(config: &Config, args: &ConsistencyArgs) -> Result<()> {
    let rt = common::runtime()?;
    let cluster = common::cluster(config, &args.nodes)?;
    let (seeds, follow) = (cluster.targets(), consistency::Follow::of(&cluster));
    let duration = args.duration;
    let opts = Options {
        seeds,
        follow,
        keys: args.keys,
        workers: args.workers,
        duration,
        max_ops_per_sec: args
            .rate
            .map_or(Some(consistency::DEFAULT_RATE), |r| r.ceiling()),
        dump: args.dump.clone(),
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
        let mut stop = crate::signals::Stop::listen()?;
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
                _ = stop.next() => break,
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
    match report.verdict() {
        consistency::Verdict::Passed => Ok(()),
        consistency::Verdict::Lost(n) => Err(Error::Failed(msg!("cons-failed", lost = n))),
        consistency::Verdict::Unverified(n) => {
            Err(Error::Failed(msg!("cons-unverified-verdict", count = n)))
        }
    }
}
