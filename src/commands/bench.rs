//! `lab bench`: the speed figures, measured on this machine and printed, never asserted.
//!
//! Every benchmark runs on its own cluster, in a temporary state directory and on its own
//! loopback range (127.0.160.100-102 unless `--base-ip` says otherwise), so it never touches
//! the student's cluster.

mod screen;

use std::time::{Duration, Instant};

use console::style;

use super::common;
use crate::cli::{BenchArgs, BenchWhat};
use crate::cluster::form::Quiet;
use crate::cluster::private::{self, Private};
use crate::cluster::provision::{self, Spec};
use crate::cluster::statedir::StateDir;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::live::session::Session;
use crate::render::table::Table;
use crate::t;

pub const BENCH_BASE_IP: std::net::Ipv4Addr = std::net::Ipv4Addr::new(127, 0, 160, 100);

/// What a figure measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Time,
    OpsPerSec,
}

/// One measured quantity: its samples, summarised as a median.
pub struct Figure {
    pub name: String,
    /// Seconds, or operations per second.
    pub samples: Vec<f64>,
    pub unit: Unit,
    pub target: Option<String>,
}

impl Figure {
    fn new(name: String, target: Option<&str>) -> Figure {
        Figure {
            name,
            samples: vec![],
            unit: Unit::Time,
            target: target.map(str::to_string),
        }
    }

    fn push(&mut self, d: Duration) {
        self.samples.push(d.as_secs_f64());
    }

    pub fn median(&self) -> f64 {
        let mut s = self.samples.clone();
        s.sort_by(f64::total_cmp);
        s.get(s.len() / 2).copied().unwrap_or_default()
    }

    fn show(&self, x: f64) -> String {
        match self.unit {
            Unit::Time => format!("{:.1} ms", x * 1000.0),
            Unit::OpsPerSec => format!("{:.0} ops/s", x),
        }
    }
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
        let min = f.samples.iter().copied().fold(f64::INFINITY, f64::min);
        let max = f.samples.iter().copied().fold(0.0, f64::max);
        table.row(vec![
            f.name.clone(),
            style(f.show(f.median())).bold().to_string(),
            f.show(if min.is_finite() { min } else { 0.0 }),
            f.show(max),
            f.samples.len().to_string(),
            f.target.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    crate::out!("{}", table.render());
}

pub fn run(config: &Config, args: &BenchArgs) -> Result<()> {
    let rt = common::runtime()?;
    let base_ip = if config.base_ip == crate::model::topology::DEFAULT_LOCAL_BASE {
        BENCH_BASE_IP
    } else {
        config.base_ip
    };
    rt.block_on(private::sweep(&config.state));
    let private = Private::create(&config.state, "bench")?;
    let state = private.state.clone();
    // Whatever happens, `run` leaves nothing running.
    let figures = rt.block_on(private.run(async {
        match args.what {
            BenchWhat::Provision => {
                provision_figures(config, &state, base_ip, args.runs, args.lab.as_deref()).await
            }
            BenchWhat::Failover => failover_figures(config, &state, base_ip, args.runs).await,
            BenchWhat::Consistency => consistency_figures(config, &state, base_ip, args.runs).await,
            BenchWhat::Sentinel => sentinel_figures(config, &state, base_ip, args.runs).await,
            BenchWhat::Screen => screen::figures(config, &state, base_ip, args.runs).await,
        }
    }))?;
    crate::outln!(
        "{}",
        t!(
            "bench-machine",
            cores = std::thread::available_parallelism().map_or(0, |n| n.get())
        )
    );
    print(&figures);
    Ok(())
}

async fn provision_figures(
    config: &Config,
    state: &StateDir,
    base_ip: std::net::Ipv4Addr,
    runs: usize,
    lab: Option<&str>,
) -> Result<Vec<Figure>> {
    let lab = common::runnable_lab(config, lab.unwrap_or(common::DEFAULT_LAB))?;
    let spec: Spec = common::spec(&lab);
    let source = common::local_source(config, base_ip)?;
    // What each kind can reach here: a cluster's nodes wait for their own cron (2.0 s), a
    // Sentinel for the hellos of the others (every 2 s); plain replication waits for nothing.
    // Plain nodes are started anew to re-form (their files may hold what the student made
    // permanent), so re-forming costs what a cold start does.
    let (cold_target, reform_target) = match spec.topology.kind {
        crate::model::topology::Kind::Cluster => (Some("≤ 2.3 s"), Some("≤ 0.7 s")),
        crate::model::topology::Kind::Sentinel => (Some("≤ 2.6 s"), Some("≤ 2.6 s")),
        _ => (Some("≤ 0.3 s"), Some("≤ 0.3 s")),
    };
    // A set-up waits for what it breaks to show (a Sentinel refused calls the master down
    // after down-after): the topology's target is not its.
    let (cold_target, reform_target) = match spec.setup.is_empty() {
        true => (cold_target, reform_target),
        false => (None, None),
    };
    let keys = spec.data.as_ref().map(|d| d.count);
    let mut cold = Figure::new(t!("bench-cold-up"), cold_target);
    let mut reform = Figure::new(t!("bench-reform"), reform_target);
    let mut snapshot = Figure::new(t!("bench-snapshot"), Some("≤ 20 ms"));
    let mut down = Figure::new(t!("bench-down"), Some("≤ 0.5 s"));
    for _ in 0..runs {
        let started = Instant::now();
        let (cluster, _, state_now) = provision::up(state, &spec, &source, false, &Quiet).await?;
        cold.push(started.elapsed());
        debug_assert!(state_now.is_healthy());

        let started = Instant::now();
        provision::up(state, &spec, &source, true, &Quiet).await?;
        reform.push(started.elapsed());

        // A lab whose setup protects its nodes is read with its password, as a session does.
        let inspector = cluster.inspector().with_fallback(spec.lab_auth());
        inspector.snapshot().await;
        for _ in 0..20 {
            let started = Instant::now();
            let s = inspector.snapshot().await;
            snapshot.push(started.elapsed());
            if s.lab_keys() != keys {
                return Err(Error::Failed(crate::msg!(
                    "bench-bad-snapshot",
                    keys = keys.unwrap_or(0)
                )));
            }
        }

        let started = Instant::now();
        provision::down(state).await?;
        down.push(started.elapsed());
    }
    Ok(vec![cold, reform, snapshot, down])
}

/// Sends CLUSTER FAILOVER to a node and times how long until the step's checks pass, looking
/// every `poll` as the runner does: by the wall clock, and as the ✓ reports it (from the look
/// where the node's count of accepted CLUSTER FAILOVER rose, see `engine::timing`).
async fn time_to_pass(
    session: &Session,
    step: &crate::lab::manifest::Step,
    replica: &crate::model::node::NodeRef,
    poll: Duration,
) -> Result<(Duration, Duration)> {
    use crate::engine::timing::{Look, Timing};
    let start = session.snapshot().await;
    let mut timing = Timing::default();
    timing.action_began(start.taken_ms, Some(&start));
    let mut last = start.taken_ms;
    let passes = |now: &crate::model::ClusterState| {
        let cx = crate::verify::Context {
            layout: &session.layout,
            consistency: None,
            key_slots: None,
        };
        crate::verify::evaluate(&step.checks, &cx, Some(&start), now).passed()
    };
    let member = session
        .cluster
        .members
        .iter()
        .find(|m| &m.name == replica)
        .ok_or_else(|| Error::Failed(crate::msg!("bench-bad-snapshot")))?;
    let mut c = crate::cluster::conn::connect(&member.target)
        .await
        .map_err(|e| Error::Environment(e.unreachable(&member.target.addr)))?;
    let sent = Instant::now();
    redis::cmd("CLUSTER")
        .arg("FAILOVER")
        .query_async::<()>(&mut c)
        .await
        .map_err(|e| {
            Error::Failed(crate::msg!(
                "solution-failed",
                line = "CLUSTER FAILOVER",
                reason = e.to_string()
            ))
        })?;
    loop {
        let now = session.snapshot().await;
        let look = Look {
            at_ms: now.taken_ms,
            gap_ms: now.taken_ms.saturating_sub(last),
        };
        last = now.taken_ms;
        timing.look(&now, look);
        if passes(&now) {
            let wall = sent.elapsed();
            let reported = timing.measure(
                std::slice::from_ref(replica),
                &session.layout,
                look,
                start.taken_ms,
            );
            return Ok((wall, Duration::from_millis(reported.took_ms)));
        }
        if sent.elapsed() > Duration::from_secs(30) {
            return Err(Error::Failed(crate::msg!("bench-failover-stuck")));
        }
        tokio::time::sleep(poll).await;
    }
}

/// Looks every 20 ms until `done` holds of a snapshot; how long that took since `from`.
async fn until(
    inspector: &crate::cluster::inspect::Inspector,
    from: Instant,
    done: impl Fn(&crate::model::ClusterState) -> bool,
) -> Result<Duration> {
    loop {
        if done(&inspector.snapshot().await) {
            return Ok(from.elapsed());
        }
        if from.elapsed() > Duration::from_secs(60) {
            return Err(Error::Failed(crate::msg!("bench-failover-stuck")));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Every Sentinel that answers names `master`, and it serves as one.
fn all_name(s: &crate::model::ClusterState, master: &crate::model::NodeAddr) -> bool {
    !s.sentinels.is_empty()
        && s.sentinels.iter().all(|v| v.master_addr() == Some(master))
        && s.node(master).is_some_and(|n| n.is_master())
}

/// The Sentinel lab's failovers, on fresh nodes each run: asked for (SENTINEL FAILOVER), the
/// old master back as a replica, and a master killed.
async fn sentinel_figures(
    config: &Config,
    state: &StateDir,
    base_ip: std::net::Ipv4Addr,
    runs: usize,
) -> Result<Vec<Figure>> {
    use crate::model::node::NodeRef;
    let lab = common::runnable_lab(config, "sentinel")?;
    let spec = common::spec(&lab);
    let source = common::local_source(config, base_ip)?;
    let monitored = spec
        .topology
        .sentinel
        .as_ref()
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let mut asked = Figure::new(t!("bench-sentinel-asked"), None);
    let mut rejoined = Figure::new(t!("bench-sentinel-rejoined"), None);
    let mut killed = Figure::new(t!("bench-sentinel-killed"), None);
    for _ in 0..runs {
        let (cluster, _, _) = provision::up(state, &spec, &source, true, &Quiet).await?;
        let inspector = cluster.inspector();
        let addr = |host: &str| cluster.addr(&NodeRef::new(host, 6379));
        let (Some(a), Some(b)) = (addr("a"), addr("b")) else {
            return Err(Error::Failed(crate::msg!("bench-failover-stuck")));
        };
        let sentinel = cluster
            .sentinels
            .first()
            .ok_or_else(|| Error::Failed(crate::msg!("bench-failover-stuck")))?;
        let words = ["SENTINEL".to_string(), "FAILOVER".into(), monitored.clone()];
        let sent = Instant::now();
        // Sent as a solution line is: the same errors, the same bound.
        crate::cluster::command::send(
            &sentinel.target,
            &words,
            crate::cluster::command::Purpose::Solve,
            Duration::from_secs(5),
            None,
            None,
        )
        .await
        .map_err(Error::Failed)?;
        // The lab's replica-priority makes b the one promoted.
        asked.push(until(&inspector, sent, |s| all_name(s, &b)).await?);
        rejoined.push(
            until(&inspector, sent, |s| {
                s.node(&a).is_some_and(|n| {
                    n.replication.master.as_ref() == Some(&b) && n.replication.link_up == Some(true)
                })
            })
            .await?,
        );
        let victim = cluster
            .local_nodes(state)
            .into_iter()
            .find(|n| n.addr == b)
            .and_then(|n| n.pid())
            .ok_or_else(|| Error::Failed(crate::msg!("bench-failover-stuck")))?;
        let sent = Instant::now();
        crate::cluster::process::signal(victim, nix::sys::signal::Signal::SIGKILL);
        killed.push(until(&inspector, sent, |s| all_name(s, &a)).await?);
        provision::down(state).await?;
    }
    Ok(vec![asked, rejoined, killed])
}

/// Waits (up to 30 s) until an observe step's checks hold: every node knows of the change.
async fn settle(session: &Session, step: &crate::lab::manifest::Step) {
    let cx = crate::verify::Context {
        layout: &session.layout,
        consistency: None,
        key_slots: None,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let now = session.snapshot().await;
        if crate::verify::evaluate(&step.checks, &cx, None, &now).passed() {
            return;
        }
        tokio::time::sleep(crate::live::POLL).await;
    }
}

/// A replica that ran an election starts no other within 4 × node-timeout (20 s at the lab's
/// 5 s). A manual failover does not depend on the timeout, so benchmarks that fail over again
/// and again lower it to keep cycles short.
const BENCH_NODE_TIMEOUT_MS: u64 = 1000;

/// A session on the benchmark's cluster with [`BENCH_NODE_TIMEOUT_MS`], and the lab's steps.
async fn failover_session(
    lab: crate::lab::Lab,
    cluster: provision::Cluster,
) -> Result<(Session, crate::lab::manifest::Manifest)> {
    let mut conns = vec![];
    for m in &cluster.members {
        conns.push(
            crate::cluster::conn::connect(&m.target)
                .await
                .map_err(|e| Error::Environment(e.unreachable(&m.target.addr)))?,
        );
    }
    crate::cluster::form::set_node_timeout(&cluster.members, &conns, BENCH_NODE_TIMEOUT_MS).await?;
    let manifest = lab.runnable()?.clone();
    Ok((Session::new(lab, cluster)?, manifest))
}

fn lab_step(
    manifest: &crate::lab::manifest::Manifest,
    id: &str,
) -> Result<crate::lab::manifest::Step> {
    manifest
        .step(id)
        .cloned()
        .ok_or_else(|| Error::Failed(crate::msg!("bench-bad-snapshot")))
}

/// The default lab's cluster, fresh, on the benchmark's private addresses.
async fn bench_cluster(
    config: &Config,
    state: &StateDir,
    base_ip: std::net::Ipv4Addr,
) -> Result<(crate::lab::Lab, provision::Cluster)> {
    let lab = common::runnable_lab(config, common::DEFAULT_LAB)?;
    let source = common::local_source(config, base_ip)?;
    let (cluster, _, _) = provision::up(state, &common::spec(&lab), &source, true, &Quiet).await?;
    Ok((lab, cluster))
}

async fn failover_figures(
    config: &Config,
    state: &StateDir,
    base_ip: std::net::Ipv4Addr,
    runs: usize,
) -> Result<Vec<Figure>> {
    use crate::model::node::NodeRef;
    let (lab, cluster) = bench_cluster(config, state, base_ip).await?;
    let (session, manifest) = failover_session(lab, cluster).await?;
    let step = |id: &str| lab_step(&manifest, id);
    let (failover, failback, settled) = (step("failover")?, step("failback")?, step("new-roles")?);
    // The same replica (c:6380) fails over once per cycle: wait out its retry delay.
    let vote_delay = Duration::from_millis((BENCH_NODE_TIMEOUT_MS * 2).max(2000) * 2 + 500);

    let mut runner = Figure::new(t!("bench-failover-runner"), None);
    let mut reported = Figure::new(t!("bench-failover-reported"), None);
    let mut tight = Figure::new(t!("bench-failover-tight"), None);
    let mut last_failover: Option<Instant> = None;
    for i in 0..runs * 2 {
        // Alternate which poll interval measures, so both see the same conditions.
        let poll = if i % 2 == 0 {
            crate::live::POLL
        } else {
            Duration::from_millis(5)
        };
        if let Some(t) = last_failover {
            tokio::time::sleep(vote_delay.saturating_sub(t.elapsed())).await;
        }
        last_failover = Some(Instant::now());
        let (took, said) =
            time_to_pass(&session, &failover, &NodeRef::new("c", 6380), poll).await?;
        if i % 2 == 0 {
            runner.push(took);
            reported.push(said);
        } else {
            tight.push(took);
        }

        // The failback needs every node to know of the failover first (else it times out).
        settle(&session, &settled).await;
        time_to_pass(&session, &failback, &NodeRef::new("b", 6379), poll).await?;
        settle(&session, &step("initial-roles")?).await;
    }
    Ok(vec![runner, reported, tight])
}

/// The consistency test: its throughput paced (the default) and unpaced; a CLUSTER FAILOVER
/// as the nodes time it (the old master's log: writes paused to reconfigured) without the
/// checker, with it paced and with it unpaced; the write window the checker measured over the
/// nodes' own timing; and the final sweep of 16,384 and 2,000,000 keys.
async fn consistency_figures(
    config: &Config,
    state: &StateDir,
    base_ip: std::net::Ipv4Addr,
    runs: usize,
) -> Result<Vec<Figure>> {
    use crate::consistency::{DEFAULT_RATE, Options, measure};
    let (lab, cluster) = bench_cluster(config, state, base_ip).await?;
    let paced = Options {
        seeds: cluster.targets(),
        ..Options::default()
    };
    let unpaced = Options {
        max_ops_per_sec: None,
        ..paced.clone()
    };
    let ops_figure = |name: String| {
        let mut f = Figure::new(name, None);
        f.unit = Unit::OpsPerSec;
        f
    };
    let mut ops_paced = ops_figure(t!("bench-consistency-paced"));
    let mut ops_max = ops_figure(t!("bench-consistency-max"));
    let mut sweep_small = Figure::new(t!("bench-consistency-sweep", keys = 16_384), None);
    for _ in 0..runs {
        for (opts, fig) in [(&paced, &mut ops_paced), (&unpaced, &mut ops_max)] {
            let report = checked(measure(opts.clone(), Duration::from_secs(5)).await?)?;
            fig.samples.push(report.ops_per_sec);
            if opts.max_ops_per_sec == Some(DEFAULT_RATE) {
                sweep_small.push(Duration::from_millis(report.sweep_ms));
            }
        }
    }

    let b = crate::model::node::NodeRef::new("b", 6379);
    let old_master = cluster
        .members
        .iter()
        .find(|m| m.name == b)
        .ok_or_else(|| Error::Failed(crate::msg!("bench-bad-snapshot")))?;
    let old_master_addr = old_master.target.addr.clone();
    let old_master_log = state.node_dir(&old_master_addr).join("redis.log");
    let (session, manifest) = failover_session(lab, cluster).await?;
    let step = |id: &str| lab_step(&manifest, id);
    let (failover, failback) = (step("failover")?, step("failback")?);
    let (new_roles, initial) = (step("new-roles")?, step("initial-roles")?);
    // The same replica fails over once a cycle: wait out its retry delay (4 × the timeout).
    let vote_delay = Duration::from_millis(BENCH_NODE_TIMEOUT_MS * 4 + 500);
    let mut nodes_alone = Figure::new(t!("bench-consistency-fo-alone"), None);
    let mut nodes_paced = Figure::new(t!("bench-consistency-fo-paced"), None);
    let mut nodes_max = Figure::new(t!("bench-consistency-fo-max"), None);
    let mut window = Figure::new(t!("bench-consistency-window"), None);
    let mut over = Figure::new(t!("bench-consistency-window-over"), None);
    let mut last: Option<Instant> = None;
    for i in 0..runs * 3 {
        if let Some(t) = last {
            tokio::time::sleep(vote_delay.saturating_sub(t.elapsed())).await;
        }
        last = Some(Instant::now());
        let opts = match i % 3 {
            0 => None,
            1 => Some(&paced),
            _ => Some(&unpaced),
        };
        let run = match opts {
            Some(o) => Some(crate::consistency::start(o.clone()).await?),
            None => None,
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        let before = std::fs::read_to_string(&old_master_log)
            .map(|t| crate::watch::log::manual_failovers(&t).len())
            .unwrap_or(0);
        fail_over(&session, &failover, "c", 6380, &new_roles).await?;
        let report = match run {
            Some(r) => Some(checked(r.stop().await)?),
            None => None,
        };
        let text = std::fs::read_to_string(&old_master_log).unwrap_or_default();
        let timed = crate::watch::log::manual_failovers(&text);
        let Some(&(began, ended)) = timed.get(before..).and_then(|t| t.last()) else {
            return Err(Error::Failed(crate::msg!("bench-failover-stuck")));
        };
        let nodes = Duration::from_millis(ended - began);
        match i % 3 {
            0 => nodes_alone.push(nodes),
            1 => nodes_paced.push(nodes),
            _ => nodes_max.push(nodes),
        }
        // The window of the shard the failover moved (b's at the start).
        if let Some(w) = report
            .as_ref()
            .filter(|_| i % 3 == 1)
            .and_then(|r| r.windows.iter().find(|w| w.master == old_master_addr))
        {
            window.samples.push(w.ms / 1000.0);
            over.samples.push(w.ms / 1000.0 - nodes.as_secs_f64());
        }
        fail_over(&session, &failback, "b", 6379, &initial).await?;
    }

    let mut sweep_big = Figure::new(t!("bench-consistency-sweep", keys = 2_000_000), None);
    for _ in 0..runs {
        let opts = Options {
            keys: 2_000_000,
            ..unpaced.clone()
        };
        let report = checked(measure(opts, Duration::from_secs(2)).await?)?;
        sweep_big.push(Duration::from_millis(report.sweep_ms));
    }
    Ok(vec![
        ops_paced,
        ops_max,
        nodes_alone,
        nodes_paced,
        nodes_max,
        window,
        over,
        sweep_small,
        sweep_big,
    ])
}

/// CLUSTER FAILOVER on `host:port` until `step` passes, then until every node knows (`settled`).
async fn fail_over(
    session: &Session,
    step: &crate::lab::manifest::Step,
    host: &str,
    port: u16,
    settled: &crate::lab::manifest::Step,
) -> Result<()> {
    let replica = crate::model::node::NodeRef::new(host, port);
    time_to_pass(session, step, &replica, crate::live::POLL).await?;
    settle(session, settled).await;
    Ok(())
}

/// A run that lost writes makes every figure of it meaningless.
fn checked(report: crate::consistency::Report) -> Result<crate::consistency::Report> {
    if report.passed() {
        Ok(report)
    } else {
        Err(Error::Failed(crate::msg!(
            "cons-failed",
            lost = report.unexplained()
        )))
    }
}
