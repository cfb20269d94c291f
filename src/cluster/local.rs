//! The local backend: one `redis-server` per node, each in its own directory of the state dir
//! and its own process group, so Ctrl-C in the student's terminal never reaches the nodes; they
//! live from `cluster up` until `cluster down`.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use tokio::process::{Child, Command};

use super::process;
use super::statedir::StateDir;
use crate::error::{Error, Result};
use crate::model::addr::NodeAddr;
use crate::model::node::NodeRef;
use crate::model::topology::Topology;
use crate::msg;

#[derive(Clone, Debug)]
pub struct LocalNode {
    pub name: NodeRef,
    pub addr: NodeAddr,
    pub dir: PathBuf,
}

impl LocalNode {
    pub fn new(state: &StateDir, name: NodeRef, addr: NodeAddr) -> LocalNode {
        let dir = state.node_dir(&addr);
        LocalNode { name, addr, dir }
    }

    pub fn log(&self) -> PathBuf {
        self.dir.join("redis.log")
    }

    fn pidfile(&self) -> PathBuf {
        self.dir.join(process::PIDFILE)
    }

    /// The node's process, if it runs (see [`process`] for how it is known).
    pub fn pid(&self) -> Option<u32> {
        process::node_in(&self.dir)
    }
}

fn quoted(p: &Path) -> String {
    let s = p
        .display()
        .to_string()
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    format!("\"{s}\"")
}

/// The node's configuration. Each setting is there for a reason noted beside it; the lab's own
/// directives follow (lint refused those that would break isolation), so they win.
pub fn config(node: &LocalNode, topo: &Topology) -> String {
    let mut text = base_config(node, topo);
    let own = topo.config_for(&node.name);
    if !own.is_empty() {
        text.push_str("# The lab's own settings.\n");
    }
    for (name, value) in own {
        // A value is written as redis.conf reads it: words split, quotes kept; only an empty
        // one needs quotes of its own.
        let value = if value.is_empty() { "\"\"" } else { value };
        text.push_str(&format!("{name} {value}\n"));
    }
    text
}

fn base_config(node: &LocalNode, topo: &Topology) -> String {
    let ip = &node.addr.host;
    let dir = quoted(&node.dir);
    let cluster = if topo.kind.is_cluster() {
        format!(
            "cluster-enabled yes\n\
             cluster-config-file nodes.conf\n\
             cluster-node-timeout {}\n\
             # Without it MEET never completes on 127.0.158.x: peers would learn 127.0.0.1.\n\
             cluster-announce-ip {ip}\n\
             # Keep the lab's layout: no replica moves to another master by itself.\n\
             cluster-allow-replica-migration no\n",
            topo.node_timeout_ms
        )
    } else {
        String::new()
    };
    format!(
        "# Written by lab for node {name}.\n\
         bind {ip}\n\
         port {port}\n\
         protected-mode yes\n\
         daemonize no\n\
         dir {dir}\n\
         pidfile {pid}\n\
         logfile {log}\n\
         {cluster}\
         # Without it masters list their replicas as 127.0.0.1.\n\
         replica-announce-ip {ip}\n\
         # Lab data is reloaded, never persisted.\n\
         save \"\"\n\
         appendonly no\n\
         # A replica's full sync through a file: after a diskless one, the master starts\n\
         # the command stream only once the replica acknowledges, up to a second later,\n\
         # which re-forming on running nodes waited for (0.6 s became 1 s).\n\
         repl-diskless-sync no\n\
         repl-diskless-sync-delay 0\n",
        name = node.name,
        port = node.addr.port,
        pid = quoted(&node.dir.join("redis.pid")),
        log = quoted(&node.log()),
    )
}

/// Why an address cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddrProblem {
    /// This machine has no such address (macOS has only 127.0.0.1 on its loopback).
    Unavailable,
    /// Something listens there already.
    InUse(NodeAddr, Option<(u32, String)>),
}

/// Whether a node could listen on its port and, for a cluster node, its bus port (port +
/// 10000).
pub fn probe(addr: &NodeAddr, bus: bool) -> std::result::Result<(), AddrProblem> {
    let Ok(ip) = addr.host.parse::<std::net::IpAddr>() else {
        return Err(AddrProblem::Unavailable);
    };
    let ports = [
        Some(addr.port),
        bus.then(|| addr.port.saturating_add(10000)),
    ];
    for port in ports.into_iter().flatten() {
        match TcpListener::bind(SocketAddr::new(ip, port)) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AddrNotAvailable => {
                return Err(AddrProblem::Unavailable);
            }
            Err(_) => {
                let busy = NodeAddr::new(addr.host.clone(), port);
                let by = process::listener_of(&busy);
                return Err(AddrProblem::InUse(busy, by));
            }
        }
    }
    Ok(())
}

pub fn in_use_error(busy: &NodeAddr, by: &Option<(u32, String)>) -> Error {
    match by {
        Some((pid, name)) => Error::Environment(msg!(
            "error-addr-in-use-by",
            addr = busy.to_string(),
            process = name.as_str(),
            pid = *pid
        )),
        None => Error::Environment(msg!("error-addr-in-use", addr = busy.to_string())),
    }
}

/// A node process this command started.
pub struct Spawned {
    pub node: LocalNode,
    pub pid: u32,
    child: Child,
}

/// Writes the node's directory and config and starts it. The pid is recorded at once, so a
/// runner killed right after still leaves the node findable by `cluster down`.
pub fn spawn(server: &Path, node: &LocalNode, topo: &Topology) -> Result<Spawned> {
    let _ = std::fs::remove_dir_all(&node.dir);
    std::fs::create_dir_all(&node.dir).map_err(|e| Error::io(&node.dir, e))?;
    let conf = node.dir.join("redis.conf");
    std::fs::write(&conf, config(node, topo)).map_err(|e| Error::io(&conf, e))?;
    restart(server, node)
}

/// The file a Sentinel runs with: written once, rewritten by Sentinel itself.
pub const SENTINEL_CONF: &str = "sentinel.conf";

/// Writes a Sentinel's directory and config, monitoring `master`, and starts it.
pub fn spawn_sentinel(
    server: &Path,
    node: &LocalNode,
    spec: &crate::model::topology::SentinelSpec,
    master: &NodeAddr,
) -> Result<Spawned> {
    let _ = std::fs::remove_dir_all(&node.dir);
    std::fs::create_dir_all(&node.dir).map_err(|e| Error::io(&node.dir, e))?;
    let conf = node.dir.join(SENTINEL_CONF);
    std::fs::write(&conf, sentinel_config(node, spec, master)).map_err(|e| Error::io(&conf, e))?;
    restart(server, node)
}

fn sentinel_config(
    node: &LocalNode,
    spec: &crate::model::topology::SentinelSpec,
    master: &NodeAddr,
) -> String {
    let ip = &node.addr.host;
    let name = &spec.name;
    format!(
        "# Written by lab for Sentinel {who}; Sentinel rewrites it as it learns.\n\
         bind {ip}\n\
         port {port}\n\
         daemonize no\n\
         dir {dir}\n\
         pidfile {pid}\n\
         logfile {log}\n\
         # Without it the Sentinels announce 127.0.0.1 in their hellos and evict each other.\n\
         sentinel announce-ip {ip}\n\
         sentinel resolve-hostnames no\n\
         sentinel monitor {name} {mhost} {mport} {quorum}\n\
         sentinel down-after-milliseconds {name} {down}\n\
         sentinel failover-timeout {name} {timeout}\n\
         sentinel parallel-syncs {name} {syncs}\n",
        who = node.name,
        port = node.addr.port,
        dir = quoted(&node.dir),
        pid = quoted(&node.dir.join("redis.pid")),
        log = quoted(&node.log()),
        mhost = master.host,
        mport = master.port,
        quorum = spec.quorum,
        down = spec.down_after_ms,
        timeout = spec.failover_timeout_ms,
        syncs = spec.parallel_syncs,
    )
}

/// Starts a node whose directory and config exist (its data and nodes.conf are kept).
pub fn restart(server: &Path, node: &LocalNode) -> Result<Spawned> {
    let stderr_path = node.dir.join("stderr.log");
    let stderr = std::fs::File::create(&stderr_path).map_err(|e| Error::io(&stderr_path, e))?;
    // The directory as the kernel will show it for the process's working directory.
    let dir = node
        .dir
        .canonicalize()
        .map_err(|e| Error::io(&node.dir, e))?;
    // A Sentinel's directory holds its own config, which it rewrites as it learns.
    let sentinel = node.dir.join(SENTINEL_CONF);
    let mut command = Command::new(server);
    if sentinel.exists() {
        command.arg(&sentinel).arg("--sentinel");
    } else {
        command.arg(node.dir.join("redis.conf"));
    }
    let child = command
        .current_dir(&dir)
        // Log times in UTC, so the runner can tell which lines came since a step began.
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(stderr))
        // Its own process group: the terminal's Ctrl-C goes to the runner, which decides.
        .process_group(0)
        .kill_on_drop(false)
        .spawn()
        .map_err(|e| {
            Error::Environment(msg!(
                "error-spawn",
                path = server.display().to_string(),
                reason = e.to_string()
            ))
        })?;
    let pid = child.id().unwrap_or(0);
    // The start time tells this process from a later one that reuses its pid.
    let started = process::started(pid)
        .map(|t| t.to_string())
        .unwrap_or_default();
    std::fs::write(node.pidfile(), format!("{pid} {started}\n"))
        .map_err(|e| Error::io(node.pidfile(), e))?;
    Ok(Spawned {
        node: node.clone(),
        pid,
        child,
    })
}

/// The last lines of a node's log and of what it printed before its log opened.
pub fn log_tail(node: &LocalNode, lines: usize) -> String {
    let mut out = vec![];
    for f in ["stderr.log", "redis.log"] {
        if let Ok(text) = std::fs::read_to_string(node.dir.join(f)) {
            let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            out.extend(
                all[all.len().saturating_sub(lines)..]
                    .iter()
                    .map(|l| format!("    {l}")),
            );
        }
    }
    out.join("\n")
}

/// Waits until every node answers PING; a node that exits first is reported with its log.
pub async fn wait_ready(spawned: &mut [Spawned], timeout: Duration) -> Result<()> {
    let deadline = Instant::now() + timeout;
    let mut ready = vec![false; spawned.len()];
    loop {
        for (i, s) in spawned.iter_mut().enumerate() {
            if ready[i] {
                continue;
            }
            if let Ok(Some(_)) = s.child.try_wait() {
                let tail = log_tail(&s.node, 8);
                if tail.contains("Address already in use") {
                    return Err(in_use_error(&s.node.addr, &None));
                }
                return Err(Error::Environment(msg!(
                    "error-node-did-not-start",
                    addr = s.node.addr.to_string(),
                    log = tail
                )));
            }
            ready[i] =
                tokio::net::TcpStream::connect((s.node.addr.host.as_str(), s.node.addr.port))
                    .await
                    .is_ok();
        }
        if ready.iter().all(|r| *r) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            let i = ready.iter().position(|r| !r).unwrap_or(0);
            return Err(Error::Environment(msg!(
                "error-node-did-not-start",
                addr = spawned[i].node.addr.to_string(),
                log = log_tail(&spawned[i].node, 8)
            )));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// How a node went away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// It obeyed SHUTDOWN NOSAVE NOW.
    Shutdown,
    /// It had to be killed.
    Killed,
    /// Nothing of ours was running.
    NotRunning,
}

/// Stops one node and removes its directory. SIGCONT first, for a node paused with SIGSTOP;
/// SHUTDOWN NOSAVE NOW rather than SHUTDOWN, which waits up to 10 s for lagging replicas;
/// SIGKILL when it does not go.
pub async fn stop(pid: Option<u32>, dir: &Path, addr: Option<&NodeAddr>) -> Stopped {
    // Only what the directory recorded is signalled.
    let pid = pid.filter(|p| process::node_in(dir) == Some(*p));
    let result = match pid {
        None => Stopped::NotRunning,
        Some(pid) => {
            process::signal(pid, Signal::SIGCONT);
            if let Some(addr) = addr {
                let target = super::conn::Target::new(addr.clone(), Default::default());
                let shutdown = async {
                    let mut c = super::conn::connect_with(
                        &target,
                        Duration::from_millis(200),
                        Duration::from_millis(200),
                    )
                    .await
                    .ok()?;
                    redis::cmd("SHUTDOWN")
                        .arg("NOSAVE")
                        .arg("NOW")
                        .query_async::<()>(&mut c)
                        .await
                        .ok()
                };
                let _ = tokio::time::timeout(Duration::from_millis(300), shutdown).await;
            }
            let mut clean = gone(pid, Duration::from_millis(300)).await;
            if !clean {
                // SHUTDOWN refused (a password the student set): SIGTERM is clean too.
                process::signal(pid, Signal::SIGTERM);
                clean = gone(pid, Duration::from_millis(500)).await;
            }
            if clean {
                Stopped::Shutdown
            } else {
                process::signal(pid, Signal::SIGKILL);
                gone(pid, Duration::from_millis(500)).await;
                Stopped::Killed
            }
        }
    };
    let _ = std::fs::remove_dir_all(dir);
    result
}

async fn gone(pid: u32, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    while process::alive(pid) {
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_announces_the_node_address() {
        let n = LocalNode {
            name: NodeRef::new("b", 6380),
            addr: NodeAddr::new("127.0.158.101", 6380),
            dir: PathBuf::from("/tmp/state dir/nodes/127.0.158.101-6380"),
        };
        let topo = crate::lab::default_topology();
        let c = config(&n, &topo);
        assert!(c.contains("\nbind 127.0.158.101\n"));
        assert!(c.contains("\ncluster-announce-ip 127.0.158.101\n"));
        assert!(c.contains("\nreplica-announce-ip 127.0.158.101\n"));
        assert!(c.contains("\ndir \"/tmp/state dir/nodes/127.0.158.101-6380\"\n"));
        assert!(c.contains("\nrepl-diskless-sync no\n"));
        assert!(!c.contains("bind-source-addr"));
        assert!(!c.contains("lab's own"));
        let plain = Topology {
            kind: crate::model::topology::Kind::Replication,
            ..crate::lab::default_topology()
        };
        let p = config(&n, &plain);
        assert!(!p.contains("cluster-"), "{p}");
        assert!(p.contains("\nreplica-announce-ip 127.0.158.101\n"));

        // The lab's directives come last, so they win; an empty value keeps its quotes.
        let d = |node: Option<&str>, name: &str, value: &str| crate::model::topology::Directive {
            node: node.map(|x| x.parse().unwrap()),
            name: name.into(),
            value: value.into(),
        };
        let topo = Topology {
            config: vec![
                d(None, "save", "900 1"),
                d(Some("b:6380"), "replica-priority", "0"),
                d(Some("a:6379"), "appendonly", "yes"),
                d(None, "repl-diskless-sync", "yes"),
                d(None, "notify-keyspace-events", ""),
            ],
            ..topo
        };
        let c = config(&n, &topo);
        let own = c.split("# The lab's own settings.\n").nth(1).unwrap();
        assert_eq!(
            own,
            "save 900 1\nrepl-diskless-sync yes\nnotify-keyspace-events \"\"\nreplica-priority 0\n"
        );
    }

    #[test]
    fn probing_a_busy_port_names_the_process() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        match probe(&NodeAddr::new("127.0.0.1", port), true) {
            Err(AddrProblem::InUse(a, Some((pid, _)))) => {
                assert_eq!(a.port, port);
                assert_eq!(pid, std::process::id());
            }
            other => panic!("{other:?}"),
        }
    }
}

/// A fault to put a local node through, as a host would suffer it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// SHUTDOWN SAVE: a clean stop; its data and nodes.conf are kept for `Start`.
    Stop,
    /// SIGKILL: a crashed host.
    Kill,
    /// SIGSTOP: a hung host, there but silent.
    Pause,
    /// SIGCONT: the hung host recovers.
    Resume,
    /// Starts it again with its data and nodes.conf: it rejoins the cluster.
    Start,
}

/// Why a fault could not be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultError {
    NotRunning,
    AlreadyRunning,
    NotPaused,
    DidNotStop,
}

/// `auth` is what a clean stop's SHUTDOWN authenticates with (the lab's password, say).
pub async fn fault(
    server: Option<&Path>,
    node: &LocalNode,
    f: Fault,
    auth: &super::conn::Auth,
) -> std::result::Result<Option<u32>, FaultError> {
    let pid = node.pid();
    match f {
        Fault::Start => {
            if pid.is_some() {
                return Err(FaultError::AlreadyRunning);
            }
            let server = server.ok_or(FaultError::NotRunning)?;
            let mut spawned = vec![restart(server, node).map_err(|_| FaultError::NotRunning)?];
            wait_ready(&mut spawned, Duration::from_secs(10))
                .await
                .map_err(|_| FaultError::NotRunning)?;
            Ok(Some(spawned[0].pid))
        }
        _ => {
            let pid = pid.ok_or(FaultError::NotRunning)?;
            match f {
                Fault::Kill => {
                    process::signal(pid, Signal::SIGKILL);
                    gone(pid, Duration::from_secs(2)).await;
                }
                Fault::Pause => {
                    process::signal(pid, Signal::SIGSTOP);
                }
                Fault::Resume => {
                    if !process::is_stopped(pid) {
                        return Err(FaultError::NotPaused);
                    }
                    process::signal(pid, Signal::SIGCONT);
                }
                Fault::Stop => {
                    process::signal(pid, Signal::SIGCONT);
                    let target = super::conn::Target::new(node.addr.clone(), auth.clone());
                    let refused = match super::conn::connect(&target).await {
                        // Its connection ends as it stops: the reply never comes, by design;
                        // an error reply (NOAUTH, say) is a refusal.
                        Ok(mut c) => match redis::cmd("SHUTDOWN")
                            .arg("SAVE")
                            .query_async::<redis::Value>(&mut c)
                            .await
                        {
                            Ok(redis::Value::ServerError(_)) => true,
                            Err(e) => e.code().is_some(),
                            Ok(_) => false,
                        },
                        Err(_) => true,
                    };
                    if refused {
                        // SIGTERM is a clean shutdown too (saving only where save points say).
                        process::signal(pid, Signal::SIGTERM);
                    }
                    if !gone(pid, Duration::from_secs(10)).await {
                        return Err(FaultError::DidNotStop);
                    }
                }
                Fault::Start => {}
            }
            Ok(Some(pid))
        }
    }
}
