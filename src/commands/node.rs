//! `lab node stop|kill|pause|resume|start <node>`: the faults a host suffers, on one node of
//! the local cluster. A cluster given with `--nodes` is not ours to kill: only what the protocol
//! can do (SHUTDOWN) is offered there.

use console::style;

use super::common;
use crate::cli::{NodeAction, NodeArgs};
use crate::cluster::conn::Auth;
use crate::cluster::local::{self, Fault, FaultError, LocalNode};
use crate::cluster::provision;
use crate::cluster::statedir::Backend;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::{msg, t};

pub fn run(config: &Config, args: &NodeArgs) -> Result<()> {
    let rt = common::runtime()?;
    let cluster = provision::current(&config.state, &Auth::from_env())?
        .ok_or_else(|| Error::Usage(msg!("error-no-cluster")))?;
    let member = super::cluster::member(&cluster, &args.node)?;
    let addr = member.target.addr.clone();
    let fault = match args.action {
        NodeAction::Stop => Fault::Stop,
        NodeAction::Kill => Fault::Kill,
        NodeAction::Pause => Fault::Pause,
        NodeAction::Resume => Fault::Resume,
        NodeAction::Start => Fault::Start,
    };
    if cluster.record.backend == Backend::Remote {
        if fault != Fault::Stop {
            return Err(Error::Usage(msg!(
                "error-node-remote",
                node = addr.to_string()
            )));
        }
        rt.block_on(async {
            let mut c = crate::cluster::conn::connect(&member.target)
                .await
                .map_err(|e| Error::Environment(e.unreachable(&addr)))?;
            let _ = redis::cmd("SHUTDOWN").query_async::<()>(&mut c).await;
            Ok::<_, Error>(())
        })?;
        crate::outln!(
            "{} {}",
            style("✓").green().bold(),
            t!("node-stopped-remote", node = addr.to_string())
        );
        return Ok(());
    }
    let node = LocalNode::new(&config.state, member.name.clone(), addr.clone());
    let server = cluster
        .record
        .redis_server
        .clone()
        .or_else(|| config.redis_server.clone())
        .or_else(|| crate::cluster::server::find_on_path("redis-server"));
    let _lock = config.state.lock()?;
    let auth = stop_auth(config, &cluster.record.lab);
    // A Sentinel keeps no data, only the sentinel.conf it rewrites: its messages say so.
    let is_sentinel = cluster.sentinels.iter().any(|m| m.name == member.name);
    let kind = match is_sentinel {
        true => "sentinel-process",
        false => cluster.record.kind.as_str(),
    };
    let done = rt.block_on(local::fault(server.as_deref(), &node, fault, &auth));
    let node_s = addr.to_string();
    match done {
        Ok(pid) => {
            // A running lab times the change from here: the fault's moment, as made.
            let word = match fault {
                Fault::Stop => "stop",
                Fault::Kill => "kill",
                Fault::Pause => "pause",
                Fault::Resume => "resume",
                Fault::Start => "start",
            };
            let _ = crate::app_state::record_fault(
                &config.state,
                crate::live::fault(member.name.clone(), word),
            );
            let pid = pid.unwrap_or(0);
            let text = match fault {
                Fault::Stop => t!("node-stopped", node = node_s, kind = kind),
                Fault::Kill => t!("node-killed", node = node_s, pid = pid, kind = kind),
                Fault::Pause => t!("node-paused", node = node_s, pid = pid),
                Fault::Resume => t!("node-resumed", node = node_s),
                Fault::Start => t!("node-started", node = node_s, pid = pid, kind = kind),
            };
            crate::outln!("{} {text}", style("✓").green().bold());
            Ok(())
        }
        Err(FaultError::NotRunning) if fault == Fault::Start => Err(Error::Environment(msg!(
            "error-node-did-not-start",
            addr = node_s,
            log = local::log_tail(&node, 8)
        ))),
        Err(FaultError::NotRunning) => {
            Err(Error::Usage(msg!("error-node-not-running", node = node_s)))
        }
        Err(FaultError::AlreadyRunning) => {
            Err(Error::Usage(msg!("error-node-running", node = node_s)))
        }
        Err(FaultError::NotPaused) => {
            Err(Error::Usage(msg!("error-node-not-paused", node = node_s)))
        }
        Err(FaultError::DidNotStop) => Err(Error::Environment(msg!(
            "error-node-did-not-stop",
            node = node_s
        ))),
    }
}

/// What a clean stop authenticates with: REDISCLI_AUTH if given, else the password the lab's
/// steps set (a node the student protected still stops with SHUTDOWN SAVE).
fn stop_auth(config: &Config, lab: &str) -> Auth {
    let given = Auth::from_env();
    if given.is_set() {
        return given;
    }
    common::lab_password(config, lab).unwrap_or_default()
}
