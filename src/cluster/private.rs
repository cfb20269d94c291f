//! Private clusters: the throwaway clusters of `lab test` and `lab bench`.
//!
//! Each lives in `<state>/private/<name>-<pid>/`, a state directory of its own, so it never
//! meets the student's cluster, and belongs to the command through a lock held while it runs.
//! When that command dies without cleaning up (kill -9, a closed terminal), the kernel drops
//! the lock; the next `lab cluster down`, `lab stop`, `lab test` or `lab bench` on the same
//! state directory finds the unlocked directory and stops what it left.

use std::fs::File;
use std::future::Future;
use std::path::PathBuf;

use nix::fcntl::{Flock, FlockArg};

use super::provision;
use super::statedir::StateDir;
use crate::error::{Error, Result};

const OWNER: &str = "owner.lock";

pub struct Private {
    pub state: StateDir,
    _owner: Flock<File>,
}

fn parent_dir(state: &StateDir) -> PathBuf {
    state.root.join("private")
}

impl Private {
    /// A new private state directory under `state`, owned by this process.
    pub fn create(state: &StateDir, name: &str) -> Result<Private> {
        let root = parent_dir(state).join(format!("{name}-{}", std::process::id()));
        std::fs::create_dir_all(&root).map_err(|e| Error::io(&root, e))?;
        let path = root.join(OWNER);
        let f = File::create(&path).map_err(|e| Error::io(&path, e))?;
        let owner = Flock::lock(f, FlockArg::LockExclusiveNonblock)
            .map_err(|(_, e)| Error::io(&path, std::io::Error::from(e)))?;
        Ok(Private {
            state: StateDir { root },
            _owner: owner,
        })
    }

    /// Runs `work` on the private cluster, then stops its nodes and removes its directory,
    /// whether `work` succeeded, failed, or was interrupted by Ctrl-C, SIGTERM or SIGHUP.
    pub async fn run<T>(self, work: impl Future<Output = Result<T>>) -> Result<T> {
        let mut stop = crate::signals::Stop::listen()?;
        let result = tokio::select! {
            r = work => r,
            e = stop.interrupted() => Err(e),
        };
        self.remove().await;
        result
    }

    async fn remove(self) {
        let _ = provision::down(&self.state).await;
        let _ = std::fs::remove_dir_all(&self.state.root);
    }
}

/// Stops the nodes of private clusters whose command is gone and removes their directories.
/// Returns how many nodes were stopped.
pub async fn sweep(state: &StateDir) -> usize {
    let Ok(entries) = std::fs::read_dir(parent_dir(state)) else {
        return 0;
    };
    let mut stopped = 0;
    for entry in entries.flatten() {
        let root = entry.path();
        let Ok(f) = File::open(root.join(OWNER)) else {
            // Not created by `Private::create` (or half-removed): only a dir without nodes
            // is safe to drop.
            let orphan = StateDir { root: root.clone() };
            if super::process::nodes_under(&orphan.nodes_dir()).is_empty() {
                let _ = std::fs::remove_dir_all(&root);
            }
            continue;
        };
        // Still locked: its command is running.
        let Ok(_abandoned) = Flock::lock(f, FlockArg::LockExclusiveNonblock) else {
            continue;
        };
        let orphan = StateDir { root: root.clone() };
        if let Ok(r) = provision::down(&orphan).await {
            stopped += r.shut_down + r.killed;
        }
        let _ = std::fs::remove_dir_all(&root);
    }
    stopped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_running_owner_keeps_its_directory_and_a_gone_one_does_not() {
        let tmp = tempfile::tempdir().unwrap();
        let state = StateDir {
            root: tmp.path().to_path_buf(),
        };
        let mine = Private::create(&state, "test-x").unwrap();
        assert_eq!(sweep(&state).await, 0);
        assert!(mine.state.root.exists(), "the owner is alive");
        // The owner's lock goes away with it (here: dropped, as the kernel does at exit).
        let root = mine.state.root.clone();
        drop(mine);
        sweep(&state).await;
        assert!(!root.exists());
    }
}
