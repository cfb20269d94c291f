//! `lab cluster up | status | check | down`.

use std::time::Instant;

use console::style;

use super::common::{self, DEFAULT_LAB};
use super::progress::Spinner;
use crate::cli::{CheckArgs, ClusterCommand, StatusArgs, UpArgs};
use crate::cluster::conn::Target;
use crate::cluster::inspect::{Inspector, discover};
use crate::cluster::local::LocalNode;
use crate::cluster::process;
use crate::cluster::provision::{self, Cluster, UpOutcome};
use crate::cluster::statedir::Backend;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::Role;
use crate::model::health::problems;
use crate::model::state::ClusterState;
use crate::model::topology::Kind;
use crate::render::table::Table;
use crate::{msg, t};

pub fn run(config: &Config, command: ClusterCommand) -> Result<()> {
    let rt = common::runtime()?;
    match command {
        ClusterCommand::Up(a) => rt.block_on(up(config, &a)),
        ClusterCommand::Status(a) => rt.block_on(status(config, &a)),
        ClusterCommand::Check(a) => rt.block_on(check(config, &a)),
        ClusterCommand::Down => rt.block_on(down(config)),
    }
}

/// Brings the lab's cluster up and says how it went. Shared with `lab start`.
pub async fn bring_up(
    config: &Config,
    lab_id: &str,
    nodes: &crate::cli::NodesArg,
    fresh: bool,
) -> Result<(Cluster, UpOutcome, ClusterState, std::time::Duration)> {
    let lab = common::runnable_lab(config, lab_id)?;
    let spec = common::spec(&lab);
    let source = common::source(config, nodes)?;
    let spinner = Spinner::new(config.quiet);
    let started = Instant::now();
    let result = provision::up(&config.state, &spec, &source, fresh, &spinner).await;
    spinner.finish();
    let (cluster, outcome, state) = result?;
    Ok((cluster, outcome, state, started.elapsed()))
}

async fn up(config: &Config, args: &UpArgs) -> Result<()> {
    let lab_id = match &args.lab {
        Some(l) => l.clone(),
        // A damaged record is said once, by `up` itself.
        None => config
            .state
            .record()
            .ok()
            .flatten()
            .map(|r| r.lab)
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| DEFAULT_LAB.to_string()),
    };
    let (cluster, outcome, state, took) =
        bring_up(config, &lab_id, &args.nodes, args.fresh).await?;
    let secs = format!("{:.2}", took.as_secs_f64());
    let keys = state.lab_keys().unwrap_or(0);
    let summary = t!(
        "cluster-summary",
        nodes = state.nodes.len(),
        masters = state.masters().count(),
        replicas = state.replicas().count(),
        keys = keys
    );
    let line = match outcome {
        UpOutcome::Created { shared_loopback } => {
            if shared_loopback {
                crate::errln!(
                    "{} {}",
                    style("!").yellow().bold(),
                    t!(
                        "cluster-shared-loopback",
                        first = cluster.members[0].target.addr.to_string(),
                        base = config.base_ip.to_string()
                    )
                );
            }
            t!(
                "cluster-created",
                kind = state.kind.as_str(),
                lab = lab_id.as_str(),
                secs = secs,
                summary = summary
            )
        }
        UpOutcome::Reused => t!(
            "cluster-reused",
            kind = state.kind.as_str(),
            lab = lab_id.as_str(),
            summary = summary
        ),
        UpOutcome::Reformed { restarted } => t!(
            "cluster-reformed",
            lab = lab_id.as_str(),
            secs = secs,
            restarted = restarted,
            summary = summary
        ),
    };
    crate::outln!("{} {line}", style("✓").green().bold());
    if let Some(first) = cluster.members.first() {
        let addr = &first.target.addr;
        let next = if state.kind.is_cluster() {
            t!("cluster-next", addr = addr.to_string())
        } else {
            t!("nodes-next", host = addr.host.as_str(), port = addr.port)
        };
        crate::outln!("  {next}");
    }
    Ok(())
}

/// A node given that is not a Redis node at all is a wrong address, not a cluster problem.
fn refuse_foreign(state: &ClusterState) -> Result<()> {
    use crate::model::state::ConnError;
    match state
        .unreachable
        .iter()
        .find(|u| matches!(u.reason, ConnError::NotRedis | ConnError::TooLarge))
    {
        Some(u) => Err(Error::Environment(u.reason.unreachable(&u.addr))),
        None => Ok(()),
    }
}

async fn status(config: &Config, args: &StatusArgs) -> Result<()> {
    let cluster = common::cluster(config, &args.nodes)?;
    let state = cluster
        .inspector()
        .with_fallback(common::lab_password(config, &cluster.record.lab))
        .snapshot()
        .await;
    refuse_foreign(&state)?;
    if args.json {
        let json = serde_json::to_string_pretty(&state)
            .map_err(|e| Error::io("json", std::io::Error::other(e)))?;
        crate::outln!("{json}");
        return Ok(());
    }
    // Local nodes can also be seen from outside: paused or not running at all.
    let local: Vec<LocalNode> = if cluster.record.backend == Backend::Local {
        cluster.local_nodes(&config.state)
    } else {
        vec![]
    };
    // Plain Redis nodes have no slots: their column goes.
    let slots_col = state.kind.is_cluster();
    let mut headers = vec![
        t!("status-node"),
        t!("status-role"),
        t!("status-slots"),
        t!("status-keys"),
        t!("status-replica-of"),
        t!("status-link"),
        t!("status-offset"),
        t!("status-flags"),
    ];
    if !slots_col {
        headers.remove(2);
    }
    let mut table = Table::new(headers);
    let mut rows: Vec<(crate::model::addr::NodeAddr, Vec<String>)> = vec![];
    for n in &state.nodes {
        let role = match n.role {
            Role::Master => style(t!("role-master")).cyan().to_string(),
            Role::Replica => t!("role-replica"),
        };
        let master = state
            .master_of(n)
            .map(|m| m.addr.to_string())
            .or_else(|| n.master_id.as_ref().map(|id| id.chars().take(8).collect()))
            .unwrap_or_else(|| "-".into());
        let link = match n.replication.link_up {
            Some(true) => style(t!("status-up")).green().to_string(),
            Some(false) => style(t!("status-down")).red().to_string(),
            None => "-".into(),
        };
        let mut flags: Vec<String> = n.flags_seen(state.nodes.iter()).into_iter().collect();
        if !n.info.state_ok && state.kind.is_cluster() {
            flags.push(t!("status-not-ok"));
        }
        if !n.open_slots.is_empty() {
            flags.push(t!("status-open-slots", count = n.open_slots.len()));
        }
        let flags = if flags.is_empty() {
            "-".into()
        } else {
            style(flags.join(",")).yellow().to_string()
        };
        rows.push((
            n.addr.clone(),
            vec![
                n.addr.to_string(),
                role,
                n.slots.to_string(),
                n.keys.unwrap_or(n.dbsize).to_string(),
                master,
                link,
                n.replication.offset.to_string(),
                flags,
            ],
        ));
    }
    for u in &state.unreachable {
        let node = local.iter().find(|l| l.addr == u.addr);
        let mut why = match node.map(|l| l.pid()) {
            Some(None) => t!("status-not-running"),
            Some(Some(pid)) if process::is_stopped(pid) => t!("status-paused"),
            _ => u.reason.reason().text(),
        };
        // How the others see it: fail? (suspected) or fail (agreed).
        let seen: std::collections::BTreeSet<&str> = state
            .nodes
            .iter()
            .flat_map(|n| n.view.iter())
            .filter(|l| l.addr.as_ref() == Some(&u.addr))
            .flat_map(|l| l.flags.iter().map(String::as_str))
            .filter(|f| f.starts_with("fail"))
            .collect();
        if !seen.is_empty() {
            why = format!("{why}, {}", seen.into_iter().collect::<Vec<_>>().join(","));
        }

        let dash = || "-".to_string();
        rows.push((
            u.addr.clone(),
            vec![
                u.addr.to_string(),
                "?".into(),
                dash(),
                dash(),
                dash(),
                dash(),
                dash(),
                style(why).red().to_string(),
            ],
        ));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, mut r) in rows {
        if !slots_col {
            r.remove(2);
        }
        table.row(r);
    }
    crate::out!("{}", table.render());
    for v in &state.sentinels {
        let line = match &v.master {
            Some(m) => t!(
                "status-sentinel",
                sentinel = v.addr.to_string(),
                name = m.name.as_str(),
                master = m.addr.as_ref().map_or("-".into(), ToString::to_string),
                flags = m.flags.join(","),
                replicas = m.num_replicas,
                sentinels = m.num_other_sentinels
            ),
            None => t!("verify-sentinel-forgot", sentinel = v.addr.to_string()),
        };
        crate::outln!("{line}");
    }
    let issues = problems(&state);
    if issues.is_empty() && state.kind.is_cluster() {
        crate::outln!("{} {}", style("✓").green(), t!("status-healthy"));
    } else if issues.is_empty() {
        crate::outln!("{} {}", style("✓").green(), t!("status-healthy-plain"));
    } else {
        for p in &issues {
            crate::outln!("{} {}", style("✗").red(), p.msg().text());
        }
    }
    Ok(())
}

/// `[OK] …` / `[ERR] …` / `[WARNING] …`, as redis-cli prints them.
fn ok(text: String) -> String {
    format!("{} {text}", style("[OK]").green().bold())
}
fn err(text: String) -> String {
    format!("{} {text}", style("[ERR]").red().bold())
}
fn warn(text: String) -> String {
    format!("{} {text}", style("[WARNING]").yellow().bold())
}

async fn check(config: &Config, args: &CheckArgs) -> Result<()> {
    let (targets, kind): (Vec<Target>, Kind) = match &args.node {
        Some(seed) => {
            let seed: Target = seed.parse().map_err(Error::Usage)?;
            let targets = discover(&seed)
                .await
                .map_err(|e| Error::Environment(e.unreachable(&seed.addr)))?;
            (targets, Kind::Cluster)
        }
        None => {
            let cluster = common::cluster(config, &args.nodes)?;
            (cluster.targets(), cluster.record.kind)
        }
    };
    let first = targets[0].addr.clone();
    let expected = targets.len();
    let wait = args.wait.unwrap_or_default();
    // With --wait, look again until the cluster settles (gossip takes seconds) or time is up.
    let inspector = Inspector::new(targets, None).of_kind(kind);
    let deadline = Instant::now() + wait;
    let (report, errors) = loop {
        let state = inspector.snapshot().await;
        refuse_foreign(&state)?;
        let (report, errors) = check_report(&state, &first, expected);
        if errors == 0 || Instant::now() >= deadline {
            break (report, errors);
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };

    crate::out!("{report}");
    if errors > 0 {
        return Err(Error::Failed(msg!("check-failed", count = errors)));
    }
    Ok(())
}

/// The report of `cluster check`, and how many `[ERR]` lines it has.
pub fn check_report(
    state: &ClusterState,
    first: &crate::model::addr::NodeAddr,
    expected: usize,
) -> (String, usize) {
    let mut out = vec![];
    let mut errors = 0;
    let short = |id: &str| id.chars().take(8).collect::<String>();
    let masters: Vec<_> = state.masters().collect();
    let keys: u64 = masters.iter().map(|m| m.dbsize).sum();
    for m in &masters {
        out.push(t!(
            "check-master-line",
            addr = m.addr.to_string(),
            id = short(&m.id),
            keys = m.dbsize,
            slots = m.slots.len(),
            replicas = state.replicas_of(m).count()
        ));
    }
    out.push(ok(t!("check-keys", keys = keys, masters = masters.len())));
    out.push(t!(
        "check-keys-per-slot",
        avg = format!("{:.2}", keys as f64 / 16384.0)
    ));
    out.push(format!(
        ">>> {}",
        t!("check-performing", addr = first.to_string())
    ));
    let mut nodes: Vec<_> = state.nodes.iter().collect();
    nodes.sort_by(|a, b| a.addr.cmp(&b.addr));
    for n in &nodes {
        match n.role {
            Role::Master => {
                out.push(format!("M: {} {}", n.id, n.addr));
                out.push(format!(
                    "   {}",
                    t!(
                        "check-slots",
                        ranges = slot_list(&n.slots),
                        count = n.slots.len()
                    )
                ));
                out.push(format!(
                    "   {}",
                    t!("check-replicas", count = state.replicas_of(n).count())
                ));
            }
            Role::Replica => {
                out.push(format!("S: {} {}", n.id, n.addr));
                out.push(format!(
                    "   {}",
                    t!(
                        "check-replicates",
                        id = n.master_id.clone().unwrap_or_default()
                    )
                ));
            }
        }
    }
    let disagreements = state.disagreements();
    if disagreements.is_empty() {
        out.push(ok(t!("check-agree")));
    } else {
        errors += 1;
        out.push(err(t!("check-disagree")));
        for d in disagreements {
            out.push(format!(
                "      {}",
                crate::model::health::Problem::Disagree(d).msg().text()
            ));
        }
    }
    out.push(format!(">>> {}", t!("check-open-slots")));
    let open = state.open_slots();
    for (n, o) in &open {
        let m = if o.migrating {
            t!("check-migrating", addr = n.addr.to_string(), slot = o.slot)
        } else {
            t!("check-importing", addr = n.addr.to_string(), slot = o.slot)
        };
        out.push(warn(m));
    }
    if !open.is_empty() {
        errors += 1;
        let slots: std::collections::BTreeSet<u16> = open.iter().map(|(_, o)| o.slot).collect();
        out.push(err(t!(
            "check-open-list",
            slots = slots
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(",")
        )));
    }
    out.push(format!(">>> {}", t!("check-coverage")));
    let covered = state.covered();
    if covered.len() == 16384 && state.contested().is_empty() {
        out.push(ok(t!("check-covered")));
    } else {
        errors += 1;
        if covered.len() != 16384 {
            let missing = crate::model::slots::SlotSet::all().difference(&covered);
            out.push(err(t!(
                "check-not-covered",
                count = missing.len(),
                slots = missing.to_string()
            )));
        }
        if !state.contested().is_empty() {
            out.push(err(t!(
                "check-contested",
                slots = state.contested().to_string()
            )));
        }
    }
    // What redis-cli does not look at.
    out.push(format!(">>> {}", t!("check-nodes")));
    let reachable = state.nodes.len();
    if state.unreachable.is_empty() && reachable >= expected {
        out.push(ok(t!("check-reachable", count = reachable)));
    } else {
        errors += 1;
        for u in &state.unreachable {
            out.push(err(u.reason.unreachable(&u.addr).text()));
        }
    }
    for n in state.nodes.iter().filter(|n| n.id.is_empty()) {
        errors += 1;
        out.push(err(t!(
            "error-not-cluster-enabled",
            addr = n.addr.to_string()
        )));
    }
    let failing = state.failing();
    if failing.is_empty() {
        out.push(ok(t!("check-none-failing")));
    } else {
        errors += 1;
        for (id, flags) in failing {
            let name = state
                .addr_of(&id)
                .map(|a| a.to_string())
                .unwrap_or(short(&id));
            out.push(err(t!(
                "check-failing",
                node = name,
                flags = flags.into_iter().collect::<Vec<_>>().join(",")
            )));
        }
    }
    for n in state
        .nodes
        .iter()
        .filter(|n| !n.info.state_ok && !n.id.is_empty())
    {
        errors += 1;
        out.push(err(t!("problem-state-not-ok", addr = n.addr.to_string())));
    }
    out.push(ok(t!(
        "check-roles",
        masters = masters.len(),
        replicas = state.replicas().count()
    )));
    for m in masters.iter().filter(|m| state.replicas_of(m).count() == 0) {
        out.push(warn(t!("check-no-replica", addr = m.addr.to_string())));
    }
    let down = state.replicas_out_of_sync();
    if down.is_empty() {
        out.push(ok(t!("check-links-up")));
    } else {
        errors += 1;
        for r in down {
            out.push(err(t!("problem-link-down", addr = r.addr.to_string())));
        }
    }
    let mut text = out.join("\n");
    text.push('\n');
    (text, errors)
}

/// `[0-5960],[10923-16383]`, as redis-cli writes slot lists.
fn slot_list(s: &crate::model::slots::SlotSet) -> String {
    s.ranges()
        .iter()
        .map(|r| format!("[{r}]"))
        .collect::<Vec<_>>()
        .join(",")
}

async fn down(config: &Config) -> Result<()> {
    let had = config.state.record_path().exists() || config.state.nodes_dir().exists();
    let report = provision::down(&config.state).await?;
    common::sweep_private(config).await;
    let stopped = report.shut_down + report.killed;
    if report.forgot_remote {
        crate::outln!("{} {}", style("✓").green().bold(), t!("down-forgot-remote"));
    } else if stopped == 0 && !had {
        crate::outln!("{}", t!("down-nothing"));
    } else {
        crate::outln!(
            "{} {}",
            style("✓").green().bold(),
            t!("down-done", count = stopped, killed = report.killed)
        );
    }
    Ok(())
}

/// The member a user names (see [`find_node`]); the error lists the nodes there are.
pub fn member<'a>(cluster: &'a Cluster, name: &str) -> Result<&'a crate::cluster::form::Member> {
    // A Sentinel is a process of the lab like any node: `lab node kill a:26379` works.
    let all = || cluster.members.iter().chain(&cluster.sentinels);
    find_node(cluster, name)
        .and_then(|addr| all().find(|m| m.target.addr == addr))
        .ok_or_else(|| {
            let known = all()
                .map(|m| format!("{} ({})", m.target.addr, m.name))
                .collect::<Vec<_>>()
                .join(", ");
            Error::Usage(msg!("error-unknown-node", node = name, known = known))
        })
}

/// The node a user names: an address of the cluster, or the lab's name for it (`b:6380`).
pub fn find_node(cluster: &Cluster, name: &str) -> Option<crate::model::addr::NodeAddr> {
    if let Ok(addr) = name.parse::<crate::model::addr::NodeAddr>()
        && cluster
            .members
            .iter()
            .chain(&cluster.sentinels)
            .any(|m| m.target.addr == addr)
    {
        return Some(addr);
    }
    name.parse::<crate::model::node::NodeRef>()
        .ok()
        .and_then(|n| cluster.addr(&n))
}
