//! A lab tied to a running cluster: the addresses its names stand for and a kept-open
//! inspector.

use crate::cluster::conn::Auth;
use crate::cluster::inspect::Inspector;
use crate::cluster::provision::Cluster;
use crate::error::{Error, Result};
use crate::lab::Lab;
use crate::model::reply::ProbeAt;
use crate::model::{ClusterState, Layout};
use crate::msg;

pub struct Session {
    pub lab: Lab,
    pub cluster: Cluster,
    pub layout: Layout,
    pub inspector: Inspector,
    /// The password the lab's steps set, for nodes that come to ask for one.
    pub lab_password: Option<Auth>,
}

impl Session {
    pub fn new(lab: Lab, cluster: Cluster) -> Result<Session> {
        let manifest = lab.runnable()?;
        let topology = manifest.topology.clone();
        let keys = manifest.keys_read();
        let lab_password = topology
            .password
            .as_ref()
            .map(|p| Auth::password(p.expose()));
        let layout = cluster.layout(&topology).ok_or_else(|| {
            Error::Usage(msg!(
                "error-cluster-other-lab",
                lab = cluster.record.lab.as_str()
            ))
        })?;
        let probes = manifest
            .probes()
            .into_iter()
            .filter_map(|p| {
                Some(ProbeAt {
                    addr: layout.addr(&p.node)?.clone(),
                    words: p.words,
                    bare: p.bare,
                })
            })
            .collect();
        let inspector = cluster
            .inspector()
            .watching(keys)
            .probing(probes)
            .reading_config(manifest.config_read())
            .with_fallback(lab_password.clone());
        Ok(Session {
            lab,
            cluster,
            layout,
            inspector,
            lab_password,
        })
    }

    pub async fn snapshot(&self) -> ClusterState {
        self.inspector.snapshot().await
    }
}

/// How often the cluster is looked at while a lab runs: the resolution of every ✓ time.
pub const POLL: std::time::Duration = std::time::Duration::from_millis(100);
