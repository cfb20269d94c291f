//! The state directory: the cluster's nodes and record, and each lab's progress.
//!
//! ```text
//! <state>/cluster/cluster.json        what the cluster is: lab, backend, addresses
//! <state>/cluster/lock                held while a command changes the cluster
//! <state>/cluster/nodes/<ip>-<port>/  one node: redis.conf, nodes.conf, redis.log, pids
//! <state>/progress/<lab>.json         a student's progress in a lab
//! ```

use std::fs::File;
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsutil;
use crate::model::addr::NodeAddr;
use crate::model::node::NodeRef;
use crate::msg;

enum Unreadable {
    Damaged(String),
    Io(Error),
}

#[derive(Clone, Debug)]
pub struct StateDir {
    pub root: PathBuf,
}

impl StateDir {
    /// `--state-dir`, else `LAB_STATE_DIR`, else `$XDG_STATE_HOME/lab`, else
    /// `~/.local/state/lab`.
    pub fn locate(explicit: Option<&Path>) -> StateDir {
        let env = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let root = explicit
            .map(Path::to_path_buf)
            .or_else(|| env("LAB_STATE_DIR"))
            .or_else(|| env("XDG_STATE_HOME").map(|d| d.join("lab")))
            .or_else(|| env("HOME").map(|h| h.join(".local/state/lab")))
            .unwrap_or_else(|| PathBuf::from(".lab-state"));
        // Once, here: the nodes run in their own directories and would read a relative
        // path from there.
        let root = std::path::absolute(&root).unwrap_or(root);
        StateDir { root }
    }

    pub fn cluster_dir(&self) -> PathBuf {
        self.root.join("cluster")
    }

    pub fn nodes_dir(&self) -> PathBuf {
        self.cluster_dir().join("nodes")
    }

    pub fn node_dir(&self, addr: &NodeAddr) -> PathBuf {
        self.nodes_dir()
            .join(format!("{}-{}", addr.host.replace(':', "_"), addr.port))
    }

    pub fn record_path(&self) -> PathBuf {
        self.cluster_dir().join("cluster.json")
    }

    pub fn progress_dir(&self) -> PathBuf {
        self.root.join("progress")
    }

    /// The cluster's record. One that cannot be read as a record (empty, cut short by a
    /// full disk, edited by hand) is an error that says how to get rid of it.
    pub fn record(&self) -> Result<Option<ClusterRecord>> {
        self.read_record().map_err(|d| match d {
            Unreadable::Damaged(reason) => Error::Environment(msg!(
                "error-record-damaged",
                path = self.record_path().display().to_string(),
                reason = reason
            )),
            Unreadable::Io(e) => e,
        })
    }

    /// The record for commands that stop or replace the cluster: a damaged one counts as
    /// none (said on stderr), since the node directories and pidfiles know what runs.
    pub fn record_for_teardown(&self) -> Result<Option<ClusterRecord>> {
        match self.read_record() {
            Ok(r) => Ok(r),
            Err(Unreadable::Damaged(_)) => {
                crate::errln!(
                    "{}",
                    msg!(
                        "cluster-record-damaged-ignored",
                        path = self.record_path().display().to_string()
                    )
                    .text()
                );
                Ok(None)
            }
            Err(Unreadable::Io(e)) => Err(e),
        }
    }

    fn read_record(&self) -> std::result::Result<Option<ClusterRecord>, Unreadable> {
        let path = self.record_path();
        match std::fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Unreadable::Io(Error::io(&path, e))),
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| Unreadable::Damaged(e.to_string())),
        }
    }

    pub fn save_record(&self, r: &ClusterRecord) -> Result<()> {
        fsutil::write_json(&self.record_path(), r)
    }

    /// Held while a command starts, re-forms or stops the cluster, so two commands never do it
    /// at once. Waits for the other command rather than failing.
    pub fn lock(&self) -> Result<Flock<File>> {
        let dir = self.cluster_dir();
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = dir.join("lock");
        let f = File::create(&path).map_err(|e| Error::io(&path, e))?;
        match Flock::lock(f, FlockArg::LockExclusiveNonblock) {
            Ok(l) => Ok(l),
            Err((f, _)) => {
                crate::errln!("{}", msg!("cluster-waiting-for-lock").text());
                Flock::lock(f, FlockArg::LockExclusive)
                    .map_err(|(_, e)| Error::io(&path, std::io::Error::from(e)))
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// redis-server processes this state directory owns.
    Local,
    /// A cluster given with `--nodes`: only the protocol is used.
    Remote,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordNode {
    pub name: NodeRef,
    pub addr: NodeAddr,
}

/// What the cluster in this state directory is. Never holds a password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterRecord {
    pub lab: String,
    pub backend: Backend,
    pub nodes: Vec<RecordNode>,
    pub prefix: Option<String>,
    pub node_timeout_ms: u64,
    /// The cluster needs a password (given again each time, never stored).
    #[serde(default)]
    pub auth: bool,
    #[serde(default)]
    pub redis_server: Option<PathBuf>,
    /// The lab's own directives the nodes were started with (never a password: lint refuses
    /// those).
    #[serde(default)]
    pub config: Vec<crate::model::topology::Directive>,
    /// A cluster, or plain Redis nodes (records from before kinds are clusters).
    #[serde(default)]
    pub kind: crate::model::topology::Kind,
    /// A `sentinel` lab's Sentinels, and the name they monitor the master by.
    #[serde(default)]
    pub sentinels: Vec<RecordNode>,
    #[serde(default)]
    pub monitored: String,
}

impl ClusterRecord {
    pub fn addrs(&self) -> Vec<NodeAddr> {
        self.nodes.iter().map(|n| n.addr.clone()).collect()
    }
}
