//! `lab bench`: the speed figures, measured on this machine and printed, never asserted.
//!
//! Every benchmark runs on its own cluster, in a temporary state directory and on its own
//! loopback range (127.0.160.100-102 unless `--base-ip` says otherwise), so it never touches
//! the student's cluster.

use std::time::{Duration, Instant};

use console::style;

use super::common;
use super::table::Table;
use crate::cli::{BenchArgs, BenchWhat};
use crate::cluster::form::Quiet;
use crate::cluster::provision::{self, Source, Spec};
use crate::cluster::statedir::StateDir;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::t;

pub const BENCH_BASE_IP: std::net::Ipv4Addr = std::net::Ipv4Addr::new(127, 0, 160, 100);

/// One measured quantity: its samples, summarised as a median.
pub struct Figure {
    pub name: String,
    pub samples: Vec<Duration>,
    pub target: Option<String>,
}

impl Figure {
    fn new(name: String, target: Option<&str>) -> Figure {
        Figure {
            name,
            samples: vec![],
            target: target.map(str::to_string),
        }
    }

    pub fn median(&self) -> Duration {
        let mut s = self.samples.clone();
        s.sort();
        s.get(s.len() / 2).copied().unwrap_or_default()
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub fn print(figures: &[Figure]) {
    let mut table = Table::new(vec![
        t!("bench-what"),
        t!("bench-median"),
        t!("bench-min"),
        t!("bench-max"),
        t!("bench-runs"),
        t!("bench-target"),
    ]);
    for f in figures {
        let min = f.samples.iter().min().copied().unwrap_or_default();
        let max = f.samples.iter().max().copied().unwrap_or_default();
        table.row(vec![
            f.name.clone(),
            style(ms(f.median())).bold().to_string(),
            ms(min),
            ms(max),
            f.samples.len().to_string(),
            f.target.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    print!("{}", table.render());
}

pub fn run(config: &Config, args: &BenchArgs) -> Result<()> {
    let rt = common::runtime()?;
    let base_ip = if config.base_ip == crate::lab::topology::DEFAULT_LOCAL_BASE {
        BENCH_BASE_IP
    } else {
        config.base_ip
    };
    let tmp = tempdir()?;
    let state = StateDir {
        root: tmp.path.clone(),
    };
    let result = rt.block_on(async {
        match args.what {
            BenchWhat::Provision => provision_figures(config, &state, base_ip, args.runs).await,
        }
    });
    // Whatever happened, leave nothing running.
    rt.block_on(provision::down(&state)).ok();
    let figures = result?;
    println!(
        "{}",
        t!(
            "bench-machine",
            cores = std::thread::available_parallelism().map_or(0, |n| n.get())
        )
    );
    print(&figures);
    Ok(())
}

/// A temporary directory removed on drop (the state of a benchmark's cluster).
struct TempDir {
    path: std::path::PathBuf,
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn tempdir() -> Result<TempDir> {
    let path = std::env::temp_dir().join(format!("lab-bench-{}", std::process::id()));
    std::fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
    Ok(TempDir { path })
}

async fn provision_figures(
    config: &Config,
    state: &StateDir,
    base_ip: std::net::Ipv4Addr,
    runs: usize,
) -> Result<Vec<Figure>> {
    let lab = common::runnable_lab(config, common::DEFAULT_LAB)?;
    let spec: Spec = common::spec(&lab);
    let source = Source::Local {
        server: crate::cluster::server::locate(config.redis_server.as_deref())?,
        base_ip,
        shared_port: config.shared_port,
        shared_loopback: config.shared_loopback,
    };
    let mut cold = Figure::new(t!("bench-cold-up"), Some("≤ 2.3 s"));
    let mut reform = Figure::new(t!("bench-reform"), Some("≤ 0.7 s"));
    let mut snapshot = Figure::new(t!("bench-snapshot"), Some("≤ 20 ms"));
    let mut down = Figure::new(t!("bench-down"), Some("≤ 0.5 s"));
    for _ in 0..runs {
        let started = Instant::now();
        let (cluster, _, state_now) = provision::up(state, &spec, &source, false, &Quiet).await?;
        cold.samples.push(started.elapsed());
        debug_assert!(state_now.is_healthy());

        let started = Instant::now();
        provision::up(state, &spec, &source, true, &Quiet).await?;
        reform.samples.push(started.elapsed());

        let inspector = cluster.inspector();
        inspector.snapshot().await;
        for _ in 0..20 {
            let started = Instant::now();
            let s = inspector.snapshot().await;
            snapshot.samples.push(started.elapsed());
            if s.lab_keys() != Some(6557) {
                return Err(Error::Failed(crate::msg!("bench-bad-snapshot")));
            }
        }

        let started = Instant::now();
        provision::down(state).await?;
        down.samples.push(started.elapsed());
    }
    Ok(vec![cold, reform, snapshot, down])
}
