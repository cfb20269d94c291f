//! A private cluster environment per test: its own state directory and its own loopback range
//! (127.0.N.100-102), so tests run in parallel without meeting. Dropping it stops every node
//! the test left, even when the test failed.

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{Lab, lab};

/// The course's six nodes, host by host: masters on 6379, replicas on 6380.
pub const NODES: [(char, u16); 6] = [
    ('a', 6379),
    ('b', 6379),
    ('c', 6379),
    ('a', 6380),
    ('b', 6380),
    ('c', 6380),
];

/// Sends `s` to `pid`.
pub fn signal(pid: u32, s: nix::sys::signal::Signal) {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), s).unwrap();
}

/// Loopback ranges in use, one per test, so no two tests share an address:
/// tests/cluster.rs 11-24 and 26-29, tests/runner.rs 30-49, tests/consistency.rs 50-59,
/// tests/shell.rs 25, tests/exercises.rs 60-69, tests/labs.rs 70-89, tests/topologies.rs
/// 120-129 (a replication lab's hosts are .10-.12 of the range).
pub struct Env {
    pub state: tempfile::TempDir,
    pub net: u8,
}

impl Env {
    pub fn new(net: u8) -> Env {
        Env {
            state: tempfile::tempdir().unwrap(),
            net,
        }
    }

    pub fn base_ip(&self) -> String {
        format!("127.0.{}.100", self.net)
    }

    /// The address of host `a`, `b` or `c` of the course's layout.
    pub fn addr(&self, host: char, port: u16) -> String {
        let i = host as u8 - b'a';
        format!("127.0.{}.{}:{port}", self.net, 100 + i)
    }

    pub fn lab(&self) -> Lab {
        lab()
            .env("LAB_STATE_DIR", self.state.path())
            .env("LAB_BASE_IP", self.base_ip())
    }

    pub fn nodes_dir(&self) -> PathBuf {
        self.state.path().join("cluster/nodes")
    }

    /// redis-server processes running in this environment's node directories.
    pub fn running(&self) -> Vec<u32> {
        lab::cluster::process::nodes_under(&self.nodes_dir())
            .into_iter()
            .map(|(pid, _)| pid)
            .collect()
    }

    /// Nodes anywhere under the state directory, as `lab` knows them: the lab's cluster and
    /// private ones of `lab test` and `lab bench`.
    pub fn all_nodes(&self) -> Vec<u32> {
        lab::cluster::process::nodes_under(self.state.path())
            .into_iter()
            .map(|(pid, _)| pid)
            .collect()
    }

    /// Every process whose working directory is under the node directories, whatever its
    /// name or environment: what the test sees, not what `lab` thinks are its nodes.
    pub fn processes(&self) -> Vec<u32> {
        let Ok(root) = self.nodes_dir().canonicalize() else {
            return vec![];
        };
        std::fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .map(|s| {
                        s.rsplit(')')
                            .next()
                            .unwrap_or("")
                            .trim_start()
                            .starts_with('Z')
                    })
                    .unwrap_or(true);
                !zombie
                    && std::fs::read_link(format!("/proc/{pid}/cwd"))
                        .is_ok_and(|cwd| cwd.starts_with(&root))
            })
            .collect()
    }

    /// The pid of one node, from its pidfile.
    pub fn pid(&self, host: char, port: u16) -> u32 {
        let addr = self.addr(host, port).replace(':', "-");
        let text = std::fs::read_to_string(self.nodes_dir().join(addr).join("lab.pid")).unwrap();
        text.split_whitespace().next().unwrap().parse().unwrap()
    }

    #[track_caller]
    pub fn wait_for(&self, what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
        let deadline = Instant::now() + timeout;
        while !cond() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Runs redis-cli against a node of this environment.
    pub fn redis_cli(&self, host: char, port: u16, args: &[&str]) -> String {
        let addr = self.addr(host, port);
        let (h, p) = addr.split_once(':').unwrap();
        let out = std::process::Command::new("redis-cli")
            .args(["-h", h, "-p", p])
            .args(args)
            .output()
            .expect("redis-cli runs (install redis-tools)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = self.lab().args(["cluster", "down"]).run();
        for pid in self.running() {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

/// One bare cluster-enabled redis-server of a test's own, on host `a` of its range, in a
/// directory of its own; stopped when dropped.
pub struct BareNode {
    child: std::process::Child,
    host: String,
    port: u16,
    _dir: tempfile::TempDir,
}

pub fn bare_node(env: &Env, port: u16) -> BareNode {
    let dir = tempfile::tempdir().unwrap();
    let host = env.base_ip();
    let child = std::process::Command::new("redis-server")
        .args(["--bind", &host, "--port", &port.to_string()])
        .args([
            "--cluster-enabled",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .args(["--cluster-config-file", "nodes.conf"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server starts (install redis-server)");
    let node = BareNode {
        child,
        host,
        port,
        _dir: dir,
    };
    env.wait_for("the bare node", Duration::from_secs(10), || {
        node.cli(&["PING"]).starts_with("PONG")
    });
    node
}

impl BareNode {
    pub fn addr(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    pub fn cli(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("redis-cli")
            .args(["-h", &self.host, "-p", &self.port.to_string()])
            .args(args)
            .output()
            .expect("redis-cli runs (install redis-tools)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for BareNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
