//! Processes of the local backend: is this pid really our node, which nodes are left over from
//! a runner that was killed, and signals.
//!
//! Pids are reused, so a pidfile alone proves nothing: a process is one of our nodes only when
//! it is a redis-server whose working directory is that node's directory (redis-server
//! changes into its `dir` at start-up). That is checked through /proc on Linux.

use std::path::{Path, PathBuf};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// Whether `pid` is a live redis-server running in `node_dir`.
pub fn is_node(pid: u32, node_dir: &Path) -> bool {
    let Ok(dir) = node_dir.canonicalize() else {
        return false;
    };
    running_in(pid).is_some_and(|cwd| cwd == dir) && is_redis(pid)
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

fn is_redis(pid: u32) -> bool {
    // redis-server rewrites its command line to `redis-server ip:port [cluster]`; `comm` keeps
    // the executable's name.
    let comm = std::fs::read_to_string(proc_path(pid, "comm")).unwrap_or_default();
    let cmdline = std::fs::read(proc_path(pid, "cmdline")).unwrap_or_default();
    comm.trim().starts_with("redis-server")
        || String::from_utf8_lossy(&cmdline).starts_with("redis-server")
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

/// Live redis-server processes whose working directory is under `nodes_dir`: every node of
/// this state directory, whatever pidfiles say (a runner killed between spawning a node and
/// recording it leaves no pidfile).
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
            && is_redis(pid)
            && !is_zombie(pid)
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
        assert!(!is_node(me, &std::env::current_dir().unwrap()));
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
