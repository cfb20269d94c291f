//! Processes of the local backend: is this pid really our node, which nodes are left over from
//! a runner that was killed, and signals.
//!
//! Pids are reused and a node's binary may have any name (`valkey-server`, `redis7`, a
//! symlink), so neither a pid nor a name proves anything alone; and redis-server rewrites its
//! command line and clears its environment for its process title, so neither can carry a mark.
//! A process is one of our nodes when what the node directory recorded about it holds, through
//! /proc on Linux: its pid is in the directory's pidfile (ours, `lab.pid`, with its start
//! time; or redis-server's own `redis.pid`), it started when that pidfile says, and its
//! working directory is that node directory (it is started there).

use std::path::{Path, PathBuf};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// The pidfile the runner writes beside a node it spawned: `PID START\n`.
pub const PIDFILE: &str = "lab.pid";

/// The processes a node directory recorded: ours with its start time, then redis-server's own.
pub fn recorded_in(node_dir: &Path) -> Vec<(u32, Option<u64>)> {
    [PIDFILE, "redis.pid"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(node_dir.join(f)).ok())
        .filter_map(|s| {
            let mut fields = s.split_whitespace();
            let pid: u32 = fields.next()?.parse().ok()?;
            Some((pid, fields.next().and_then(|t| t.parse().ok())))
        })
        .collect()
}

/// The live node the directory `node_dir` recorded, if any.
pub fn node_in(node_dir: &Path) -> Option<u32> {
    let dir = node_dir.canonicalize().ok()?;
    recorded_in(&dir)
        .into_iter()
        .find(|(pid, started)| {
            running_in(*pid).is_some_and(|cwd| cwd == dir) && same_process(*pid, *started)
        })
        .map(|(pid, _)| pid)
}

pub fn alive(pid: u32) -> bool {
    if pid == 0 || pid > i32::MAX as u32 {
        return false;
    }
    kill(Pid::from_raw(pid as i32), None).is_ok() && !is_zombie(pid)
}

fn proc_path(pid: u32, what: &str) -> PathBuf {
    PathBuf::from(format!("/proc/{pid}/{what}"))
}

fn running_in(pid: u32) -> Option<PathBuf> {
    std::fs::read_link(proc_path(pid, "cwd")).ok()
}

/// When a process started (clock ticks since boot, from /proc/PID/stat), so a pid recorded
/// earlier can be told from a later process that reused it. `None` where there is no /proc.
pub fn started(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(proc_path(pid, "stat")).ok()?;
    // Fields after the command name (in parentheses, which may hold spaces): the state is the
    // 3rd field of the line, the start time the 22nd.
    let after = &s[s.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

/// `pid` is still the process that was recorded with start time `started` (when known).
pub fn same_process(pid: u32, started_then: Option<u64>) -> bool {
    alive(pid) && (started_then.is_none() || started(pid) == started_then)
}

fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(proc_path(pid, "stat"))
        .ok()
        .and_then(|s| {
            // The state follows the command name, which is in parentheses and may hold spaces.
            let after = &s[s.rfind(')')? + 1..];
            after.split_whitespace().next().map(|st| st == "Z")
        })
        .unwrap_or(false)
}

/// Live nodes spawned under `nodes_dir`, each in its own directory: every node of this state
/// directory, whatever the cluster record says (a corrupt one names none), each known by the
/// pidfiles of its own directory (ours, written at spawn, or redis-server's own).
pub fn nodes_under(nodes_dir: &Path) -> Vec<(u32, PathBuf)> {
    let Ok(root) = nodes_dir.canonicalize() else {
        return vec![];
    };
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    let mut out = vec![];
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if let Some(cwd) = running_in(pid)
            && cwd.starts_with(&root)
            && node_in(&cwd) == Some(pid)
        {
            out.push((pid, cwd));
        }
    }
    out
}

pub fn signal(pid: u32, sig: Signal) -> bool {
    pid != 0 && pid <= i32::MAX as u32 && kill(Pid::from_raw(pid as i32), sig).is_ok()
}

/// The stopped (`T`) state: a node paused with SIGSTOP answers nothing until SIGCONT.
pub fn is_stopped(pid: u32) -> bool {
    std::fs::read_to_string(proc_path(pid, "stat"))
        .ok()
        .and_then(|s| {
            let after = &s[s.rfind(')')? + 1..];
            after
                .split_whitespace()
                .next()
                .map(|st| st == "T" || st == "t")
        })
        .unwrap_or(false)
}

/// The process listening on a TCP address, if the kernel says (Linux, IPv4): its pid and name.
pub fn listener_of(addr: &crate::model::addr::NodeAddr) -> Option<(u32, String)> {
    let ip: std::net::Ipv4Addr = addr.host.parse().ok()?;
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    // /proc/net/tcp writes the address as little-endian hex, then `:PORT` in hex.
    let want = format!("{:08X}:{:04X}", u32::from_le_bytes(ip.octets()), addr.port);
    let any = format!("{:08X}:{:04X}", 0, addr.port);
    let inode = table.lines().skip(1).find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        let listening = f.get(3) == Some(&"0A");
        (listening && (f.get(1) == Some(&want.as_str()) || f.get(1) == Some(&any.as_str())))
            .then(|| f.get(9).map(|s| s.to_string()))
            .flatten()
    })?;
    let socket = format!("socket:[{inode}]");
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(proc_path(pid, "fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if std::fs::read_link(fd.path()).is_ok_and(|l| l.as_os_str() == socket.as_str()) {
                let name = std::fs::read_to_string(proc_path(pid, "comm")).unwrap_or_default();
                return Some((pid, name.trim().to_string()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_itself() {
        let me = std::process::id();
        let t = started(me);
        if std::path::Path::new("/proc/self/stat").exists() {
            assert!(t.is_some());
        }
        assert!(same_process(me, t));
        assert!(!same_process(me, t.map(|t| t + 1)));
    }

    #[test]
    fn our_own_process_is_alive_but_not_a_node() {
        let me = std::process::id();
        assert!(alive(me));
        assert_eq!(node_in(&std::env::current_dir().unwrap()), None);
        assert!(!alive(0));
        assert!(!alive(u32::MAX));
    }

    #[test]
    fn finds_the_listener_of_a_port() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let found = listener_of(&crate::model::addr::NodeAddr::new("127.0.0.1", port));
        assert_eq!(found.map(|(pid, _)| pid), Some(std::process::id()));
    }
}
