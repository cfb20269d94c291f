//! `cluster up` and `cluster down`: the cluster of a state directory, from nothing to healthy
//! and back to nothing.
//!
//! - A healthy cluster made for the same lab is reused as it is.
//! - A broken one is reported; `fresh` re-forms it on the running nodes (CLUSTER RESET, no
//!   restart), starting only the nodes that are missing.
//! - An interrupted `up` (Ctrl-C, SIGTERM, SIGHUP) stops every node it started before returning.
//! - `down` stops every node of the state directory, including those of a runner that was
//!   killed, and removes their files.

use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::conn::{Auth, Target};
use super::form::{self, Member, Phase, Progress};
use super::inspect::Inspector;
use super::local::{self, AddrProblem, LocalNode, Spawned, Stopped};
use super::process;
use super::replicate;
use super::server::RedisServer;
use super::setup;
use super::statedir::{Backend, ClusterRecord, RecordNode, StateDir};
use crate::error::{Error, Result};
use crate::i18n::Msg;
use crate::model::addr::NodeAddr;
use crate::model::dataset::Dataset;
use crate::model::setup::{SetupAction, Stage};
use crate::model::state::ClusterState;

use crate::model::node::NodeRef;
use crate::model::topology::{Layout, Topology};
use crate::msg;

/// What a lab needs from its cluster.
#[derive(Clone, Debug)]
pub struct Spec {
    pub lab: String,
    pub topology: Topology,
    pub data: Option<Dataset>,
    /// How far provisioning goes: nodes only, formed, or formed and loaded.
    pub stage: Stage,
    /// Changes made after forming: the lab's starting state.
    pub setup: Vec<SetupAction<NodeRef>>,
}

impl Spec {
    pub fn prefix(&self) -> Option<String> {
        self.data.as_ref().map(|d| d.prefix.clone())
    }

    /// A lab whose starting state is not a healthy cluster of its own layout: the cluster
    /// is never judged "broken" for being unhealthy, since the student is meant to fix it.
    pub fn starts_unhealthy(&self) -> bool {
        !self.setup.is_empty() || self.stage != Stage::Data
    }

    /// The lab's own password, for nodes its setup or steps protected.
    pub fn lab_auth(&self) -> Option<Auth> {
        self.topology
            .password
            .as_ref()
            .map(|p| Auth::password(p.expose()))
    }

    /// The nodes and Sentinels the lab's setup shuts down: not running is their start.
    pub fn stopped_by_setup(&self) -> Vec<NodeRef> {
        self.setup
            .iter()
            .filter_map(|a| match a {
                SetupAction::Stop(n) => Some(n.clone()),
                _ => None,
            })
            .collect()
    }

    /// Forms, loads and sets up as the lab asks, on empty nodes.
    async fn build(&self, members: &[Member], progress: &dyn Progress) -> Result<ClusterState> {
        let kind = self.topology.kind;
        if self.stage == Stage::NodesOnly {
            let targets = members.iter().map(|m| m.target.clone()).collect();
            return Ok(Inspector::new(targets, self.prefix())
                .of_kind(kind)
                .snapshot()
                .await);
        }
        let data = if self.stage == Stage::Data {
            self.data.as_ref()
        } else {
            None
        };
        if !kind.is_cluster() {
            return replicate::form(members, &self.topology, data, progress, FORM_DEADLINE).await;
        }
        let snapshot = form::form(members, &self.topology, data, progress, FORM_DEADLINE).await?;
        if self.setup.is_empty() {
            return Ok(snapshot);
        }
        progress.phase(Phase::Setup);
        // Each setup action waits until every node agrees on it; at the lab's node-timeout the
        // gossip takes seconds, at the forming one a fraction of a second.
        let conns = form::connect_all(members).await?;
        form::set_node_timeout(members, &conns, form::FORMING_NODE_TIMEOUT_MS).await?;
        let applied = setup::apply(members, &self.setup).await;
        form::set_node_timeout(members, &conns, self.topology.node_timeout_ms).await?;
        applied?;
        let targets = members.iter().map(|m| m.target.clone()).collect();
        Ok(Inspector::new(targets, self.prefix()).snapshot().await)
    }
}

/// Where the nodes come from.
#[derive(Clone, Debug)]
pub enum Source {
    /// redis-server processes owned by the state directory.
    Local {
        server: RedisServer,
        base_ip: Ipv4Addr,
        shared_port: u16,
        /// Use 127.0.0.1 with distinct ports even where 127.0.158.x works.
        shared_loopback: bool,
    },
    /// Existing nodes, in topology order, used through the protocol only.
    Remote { targets: Vec<Target> },
}

impl Source {
    /// The addresses this source will give the lab's nodes, known before any node runs (for
    /// slides shown while the cluster starts). A local cluster that has to fall back to a
    /// shared 127.0.0.1 gets other ports; the slides follow once it is up.
    pub fn layout(&self, topo: &Topology) -> Option<Layout> {
        match self {
            Source::Local {
                shared_loopback: true,
                shared_port,
                ..
            } => Some(Layout::shared_loopback(topo, *shared_port)),
            Source::Local { base_ip, .. } => Some(Layout::local(topo, *base_ip)),
            Source::Remote { targets } => {
                let addrs: Vec<NodeAddr> = targets.iter().map(|t| t.addr.clone()).collect();
                Layout::given(topo, &addrs)
            }
        }
    }
}

/// A cluster to talk to: its record and how to reach each node.

#[derive(Clone, Debug)]
pub struct Cluster {
    pub record: ClusterRecord,
    /// The Redis nodes.
    pub members: Vec<Member>,
    /// A `sentinel` lab's Sentinels.
    pub sentinels: Vec<Member>,
}

impl Cluster {
    pub fn from_record(record: ClusterRecord, auth: &Auth) -> Cluster {
        let member = |n: &RecordNode| Member {
            name: n.name.clone(),
            target: Target::new(n.addr.clone(), auth.clone()),
        };
        let members = record.nodes.iter().map(member).collect();
        // Sentinels here run without a password of their own.
        let sentinels = record
            .sentinels
            .iter()
            .map(|n| Member {
                name: n.name.clone(),
                target: Target::new(n.addr.clone(), Auth::default()),
            })
            .collect();
        Cluster {
            record,
            members,
            sentinels,
        }
    }

    pub fn targets(&self) -> Vec<Target> {
        self.members.iter().map(|m| m.target.clone()).collect()
    }

    pub fn inspector(&self) -> Inspector {
        let sentinels = self.sentinels.iter().map(|m| m.target.clone()).collect();
        Inspector::new(self.targets(), self.record.prefix.clone())
            .of_kind(self.record.kind)
            .with_sentinels(sentinels, &self.record.monitored)
    }

    pub fn layout(&self, topo: &Topology) -> Option<Layout> {
        let addrs: Vec<NodeAddr> = topo
            .nodes()
            .iter()
            .map(|n| self.addr(n))
            .collect::<Option<_>>()?;
        let mut layout = Layout::given(topo, &addrs)?;
        layout.kind = self.layout_kind();
        for n in topo.sentinels() {
            layout.insert(n.clone(), self.addr(&n)?);
        }
        Some(layout)
    }

    fn layout_kind(&self) -> crate::model::topology::LayoutKind {
        use crate::model::topology::LayoutKind;
        match self.record.backend {
            Backend::Remote => LayoutKind::Given,
            Backend::Local => match self.record.nodes.first().map(|n| n.addr.host.as_str()) {
                Some("127.0.0.1") => LayoutKind::SharedLoopback {
                    base_port: self.record.nodes.first().map_or(0, |n| n.addr.port),
                },
                Some(h) => LayoutKind::Local {
                    base: h
                        .parse()
                        .unwrap_or(crate::model::topology::DEFAULT_LOCAL_BASE),
                },
                None => LayoutKind::Given,
            },
        }
    }

    pub fn addr(&self, n: &NodeRef) -> Option<NodeAddr> {
        self.members
            .iter()
            .chain(&self.sentinels)
            .find(|m| &m.name == n)
            .map(|m| m.target.addr.clone())
    }

    /// Every process of the lab: the Redis nodes, then the Sentinels.
    pub fn local_nodes(&self, state: &StateDir) -> Vec<LocalNode> {
        self.record
            .nodes
            .iter()
            .chain(&self.record.sentinels)
            .map(|n| LocalNode::new(state, n.name.clone(), n.addr.clone()))
            .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpOutcome {
    /// New nodes were started and formed; `shared_loopback` when 127.0.158.x could not be
    /// bound and 127.0.0.1 with distinct ports was used instead.
    Created { shared_loopback: bool },
    /// A healthy cluster for this lab was already running.
    Reused,
    /// The nodes were running; the cluster was re-formed on them.
    Reformed { restarted: usize },
}

/// How long forming may take before it is reported as stuck.
const FORM_DEADLINE: Duration = Duration::from_secs(30);

/// The current cluster of a state directory, if one was made.
pub fn current(state: &StateDir, auth: &Auth) -> Result<Option<Cluster>> {
    Ok(state.record()?.map(|r| Cluster::from_record(r, auth)))
}

/// Brings up the lab's cluster: reuses, re-forms or creates it. Returns once every node is
/// `ok`, every replica is linked and the data is loaded.
pub async fn up(
    state: &StateDir,
    spec: &Spec,
    source: &Source,
    fresh: bool,
    progress: &dyn Progress,
) -> Result<(Cluster, UpOutcome, ClusterState)> {
    let _lock = state.lock()?;
    let started: Arc<Mutex<Vec<(u32, LocalNode)>>> = Arc::default();
    let work = up_locked(state, spec, source, fresh, progress, started.clone());
    let mut stop = crate::signals::Stop::listen()?;
    let error = tokio::select! {
        r = work => match r {
            Ok(done) => return Ok(done),
            Err(e) => e,
        },
        e = stop.interrupted() => e,
    };
    // Interrupted or failed: stop what this command started, and forget a cluster it was
    // making, so nothing half-made is left running.
    let nodes: Vec<(u32, LocalNode)> =
        std::mem::take(&mut *started.lock().unwrap_or_else(|p| p.into_inner()));
    let stops = nodes
        .iter()
        .map(|(pid, n)| local::stop(Some(*pid), &n.dir, Some(&n.addr)));
    futures::future::join_all(stops).await;
    if !nodes.is_empty() && !formed(state) {
        let _ = std::fs::remove_file(state.record_path());
    }
    Err(error)
}

async fn up_locked(
    state: &StateDir,
    spec: &Spec,
    source: &Source,
    fresh: bool,
    progress: &dyn Progress,
    started: Arc<Mutex<Vec<(u32, LocalNode)>>>,
) -> Result<(Cluster, UpOutcome, ClusterState)> {
    progress.phase(Phase::Checking);
    let auth = match source {
        Source::Remote { targets } => targets.first().map(|t| t.auth.clone()).unwrap_or_default(),
        Source::Local { .. } => Auth::default(),
    };
    // A damaged record: whatever runs in the node directories is stopped, and the cluster made
    // anew.
    let record = match state.record_for_teardown()? {
        None if state.record_path().exists() => {
            stop_all(state).await;
            let _ = std::fs::remove_dir_all(state.nodes_dir());
            let _ = std::fs::remove_file(state.record_path());
            None
        }
        r => r,
    };
    if let Some(record) = record {
        let same_place = match source {
            Source::Local { .. } => record.backend == Backend::Local,
            Source::Remote { targets } => {
                record.backend == Backend::Remote
                    && record.addrs() == targets.iter().map(|t| t.addr.clone()).collect::<Vec<_>>()
            }
        };
        let cluster = Cluster::from_record(record.clone(), &auth);
        if !same_place {
            // Another cluster is recorded here: a local one must be stopped first.
            if record.backend == Backend::Local {
                return Err(Error::Usage(msg!("error-other-cluster-running")));
            }
            let _ = std::fs::remove_file(state.record_path());
        } else if let Some(done) =
            existing(state, spec, source, &cluster, fresh, progress, &started).await?
        {
            return Ok(done);
        }
    }
    create(state, spec, source, progress, &started).await
}

/// Reuses or re-forms the recorded cluster; `None` when nothing of it is left to reuse.
async fn existing(
    state: &StateDir,
    spec: &Spec,
    source: &Source,
    cluster: &Cluster,
    fresh: bool,
    progress: &dyn Progress,
    started: &Arc<Mutex<Vec<(u32, LocalNode)>>>,
) -> Result<Option<(Cluster, UpOutcome, ClusterState)>> {
    let record = &cluster.record;
    let mut missing: Vec<LocalNode> = vec![];
    if record.backend == Backend::Local {
        let nodes = cluster.local_nodes(state);
        let stopped = spec.stopped_by_setup();
        missing = nodes
            .iter()
            .filter(|n| n.pid().is_none() && !stopped.contains(&n.name))
            .cloned()
            .collect();
        if missing.len() == nodes.len() {
            // Nothing runs: the record is stale (the machine rebooted, say).
            let _ = std::fs::remove_dir_all(state.cluster_dir().join("nodes"));
            let _ = std::fs::remove_file(state.record_path());
            return Ok(None);
        }
    }
    let same_lab = record.lab == spec.lab && record.nodes.len() == spec.topology.nodes().len();
    if same_lab && record.config != spec.topology.config {
        // The lab's node settings changed since its nodes started: our own nodes are started
        // anew with them; on nodes we were given they are set at run time.
        if record.backend == Backend::Local {
            stop_all(state).await;
            return Ok(None);
        }
        form::apply_config(&cluster.members, &spec.topology).await?;
        let mut updated = record.clone();
        updated.config = spec.topology.config.clone();
        state.save_record(&updated)?;
    }
    // A node the student protected with the lab's password is still this lab's, not broken.
    let snapshot = cluster
        .inspector()
        .with_fallback(spec.lab_auth())
        .snapshot()
        .await;
    let stopped: Vec<NodeAddr> = spec
        .stopped_by_setup()
        .iter()
        .filter_map(|n| cluster.addr(n))
        .collect();
    let usable = snapshot.is_healthy()
        || (spec.starts_unhealthy()
            && snapshot
                .unreachable
                .iter()
                .all(|u| stopped.contains(&u.addr)));
    if !fresh && same_lab && missing.is_empty() && formed(state) && usable {
        return Ok(Some((cluster.clone(), UpOutcome::Reused, snapshot)));
    }
    // Our own half-made cluster (an interrupted or killed `up`) is simply made again.
    if !fresh && formed(state) {
        let problems = if !same_lab {
            vec![msg!("problem-other-lab", lab = record.lab.as_str())]
        } else {
            let mut p: Vec<Msg> = missing
                .iter()
                .map(|n| msg!("problem-node-not-running", addr = n.addr.to_string()))
                .collect();
            p.extend(
                crate::model::health::problems(&snapshot)
                    .iter()
                    .map(|p| p.msg()),
            );
            p
        };
        let list = problems
            .iter()
            .map(|m| format!("\n  - {}", m.text()))
            .collect::<String>();
        return Err(Error::Failed(msg!("error-cluster-broken", problems = list)));
    }
    if !same_lab {
        // A different topology: the nodes themselves do not fit; start over.
        if record.backend == Backend::Local {
            stop_all(state).await;
            return Ok(None);
        }
        return Err(Error::Usage(msg!(
            "error-remote-other-lab",
            lab = record.lab.as_str()
        )));
    }
    // Plain Redis nodes are started anew: a node's config file may hold what the student
    // made permanent (`replicaof`), which no command at run time takes back.
    if !spec.topology.kind.is_cluster() && record.backend == Backend::Local {
        stop_all(state).await;
        return Ok(None);
    }
    // Re-form on the running nodes; start only the missing ones.
    let Source::Local { server, .. } = source else {
        return reform(state, spec, cluster, 0, progress).await.map(Some);
    };
    if !missing.is_empty() {
        progress.phase(Phase::Starting);
        let mut spawned = vec![];
        for n in &missing {
            let s = local::spawn(&server.path, n, &spec.topology)?;
            started
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((s.pid, n.clone()));
            spawned.push(s);
        }
        local::wait_ready(&mut spawned, Duration::from_secs(5)).await?;
    }
    reform(state, spec, cluster, missing.len(), progress)
        .await
        .map(Some)
}

async fn reform(
    state: &StateDir,
    spec: &Spec,
    cluster: &Cluster,
    restarted: usize,
    progress: &dyn Progress,
) -> Result<(Cluster, UpOutcome, ClusterState)> {
    set_formed(state, false)?;
    if spec.topology.kind.is_cluster() {
        form::reset(&cluster.members, progress).await?;
    } else {
        replicate::reset(&cluster.members, progress).await?;
    }
    let snapshot = spec.build(&cluster.members, progress).await?;
    set_formed(state, true)?;
    Ok((cluster.clone(), UpOutcome::Reformed { restarted }, snapshot))
}

fn formed_marker(state: &StateDir) -> std::path::PathBuf {
    state.cluster_dir().join("formed")
}

/// Whether the last formation finished: an `up` killed half-way leaves this unset.
fn formed(state: &StateDir) -> bool {
    formed_marker(state).exists()
}

fn set_formed(state: &StateDir, yes: bool) -> Result<()> {
    let p = formed_marker(state);
    if yes {
        std::fs::write(&p, b"").map_err(|e| Error::io(&p, e))
    } else {
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&p, e)),
            _ => Ok(()),
        }
    }
}

/// Chooses addresses: the lab's loopback hosts, or 127.0.0.1 with distinct ports where those
/// cannot be bound. An address in use is an error that names who uses it.
fn local_layout(
    topo: &Topology,
    base_ip: Ipv4Addr,
    shared_port: u16,
    shared: bool,
) -> Result<(Layout, bool)> {
    let check = |layout: &Layout| -> Result<bool> {
        for (_, addr) in layout.iter() {
            match local::probe(addr, topo.kind.is_cluster()) {
                Ok(()) => {}
                Err(AddrProblem::Unavailable) => return Ok(false),
                Err(AddrProblem::InUse(busy, by)) => return Err(local::in_use_error(&busy, &by)),
            }
        }
        Ok(true)
    };
    if !shared {
        let layout = Layout::local(topo, base_ip);
        if check(&layout)? {
            return Ok((layout, false));
        }
    }
    let layout = Layout::shared_loopback(topo, shared_port);
    if !check(&layout)? {
        return Err(Error::Environment(msg!(
            "error-no-loopback",
            base = base_ip.to_string()
        )));
    }
    Ok((layout, true))
}

async fn create(
    state: &StateDir,
    spec: &Spec,
    source: &Source,
    progress: &dyn Progress,
    started: &Arc<Mutex<Vec<(u32, LocalNode)>>>,
) -> Result<(Cluster, UpOutcome, ClusterState)> {
    let topo = &spec.topology;
    let (record, shared) = match source {
        Source::Local {
            server,
            base_ip,
            shared_port,
            shared_loopback,
        } => {
            // Nodes left by a runner killed before it recorded anything are ours: stop them.
            stop_all(state).await;
            let (layout, shared) = local_layout(topo, *base_ip, *shared_port, *shared_loopback)?;
            let record = record_for(spec, Backend::Local, &layout, false, Some(server));
            set_formed(state, false).ok();
            state.save_record(&record)?;
            progress.phase(Phase::Starting);
            let mut spawned: Vec<Spawned> = vec![];
            for n in &record.nodes {
                let node = LocalNode::new(state, n.name.clone(), n.addr.clone());
                let s = local::spawn(&server.path, &node, topo)?;
                started
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((s.pid, node));
                spawned.push(s);
            }
            local::wait_ready(&mut spawned, Duration::from_secs(5)).await?;
            (record, shared)
        }
        Source::Remote { targets } => {
            let addrs: Vec<NodeAddr> = targets.iter().map(|t| t.addr.clone()).collect();
            // A Sentinel lab needs its Sentinels too, after its nodes.
            let needed = topo.nodes().len() + topo.sentinels().len();
            let layout = Layout::given(topo, &addrs)
                .filter(|_| addrs.len() == needed)
                .ok_or_else(|| {
                    Error::Usage(msg!(
                        "error-nodes-count",
                        given = addrs.len(),
                        needed = topo.nodes().len() + topo.sentinels().len(),
                        order = topo
                            .nodes()
                            .iter()
                            .chain(&topo.sentinels())
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
            let auth = targets.first().is_some_and(|t| t.auth.is_set());
            let record = record_for(spec, Backend::Remote, &layout, auth, None);
            let cluster = Cluster::from_record(record.clone(), &targets[0].auth);
            if topo.kind.is_cluster() {
                form::ensure_empty(&cluster.members).await?;
            } else {
                replicate::ensure_empty(&cluster.members).await?;
            }
            form::apply_config(&cluster.members, topo).await?;
            set_formed(state, false).ok();
            state.save_record(&record)?;
            (record, false)
        }
    };
    let auth = match source {
        Source::Remote { targets } => targets[0].auth.clone(),
        Source::Local { .. } => Auth::default(),
    };
    let cluster = Cluster::from_record(record, &auth);
    let mut snapshot = spec.build(&cluster.members, progress).await?;
    match (&topo.sentinel, source) {
        (Some(spec_s), Source::Local { server, .. }) => {
            snapshot =
                start_sentinels(state, spec, &cluster, spec_s, server, progress, started).await?;
        }
        (Some(spec_s), Source::Remote { targets }) => {
            let auth = targets.first().map(|t| t.auth.clone()).unwrap_or_default();
            snapshot = monitor_given(spec, &cluster, spec_s, &auth, progress).await?;
        }
        (None, _) => {}
    }
    if !topo.kind.is_cluster() && !spec.setup.is_empty() {
        progress.phase(Phase::Setup);
        setup::apply_plain(
            &cluster.members,
            &cluster.sentinels,
            &cluster.record.monitored,
            topo.password.as_ref(),
            &spec.setup,
        )
        .await?;
        let inspector = cluster.inspector().with_fallback(spec.lab_auth());
        // A Sentinel left without the password finds out at its next ping, and calls the
        // master down after down-after: the lab begins once it has.
        let refused = refused_sentinels(spec, &cluster);
        snapshot = form::wait_for(
            &inspector,
            std::time::Instant::now() + FORM_DEADLINE,
            Duration::from_millis(50),
            "error-sentinels-not-ready",
            |s| {
                refused
                    .iter()
                    .filter(|a| {
                        !s.sentinels.iter().any(|v| {
                            &v.addr == *a && v.master.as_ref().is_some_and(|m| m.has_flag("s_down"))
                        })
                    })
                    .map(|a| msg!("problem-sentinel-not-refused", addr = a.to_string()))
                    .collect()
            },
        )
        .await?;
    }
    set_formed(state, true)?;
    Ok((
        cluster,
        UpOutcome::Created {
            shared_loopback: shared,
        },
        snapshot,
    ))
}

/// Starts the lab's Sentinels on the formed replication and waits until each sees the master
/// up, its replicas and the other Sentinels (their hellos come every 2 s).
async fn start_sentinels(
    state: &StateDir,
    spec: &Spec,
    cluster: &Cluster,
    s: &crate::model::topology::SentinelSpec,
    server: &RedisServer,
    progress: &dyn Progress,
    started: &Arc<Mutex<Vec<(u32, LocalNode)>>>,
) -> Result<ClusterState> {
    let master = lab_master(spec, cluster)?;
    progress.phase(Phase::Sentinels);
    let mut spawned = vec![];
    for m in &cluster.sentinels {
        let node = LocalNode::new(state, m.name.clone(), m.target.addr.clone());
        let sp = local::spawn_sentinel(&server.path, &node, s, &master)?;
        started
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((sp.pid, node));
        spawned.push(sp);
    }
    local::wait_ready(&mut spawned, Duration::from_secs(5)).await?;
    wait_sentinels(spec, cluster, &master).await
}

/// The master a Sentinel lab's Sentinels watch: its only one.
fn lab_master(spec: &Spec, cluster: &Cluster) -> Result<NodeAddr> {
    spec.topology
        .masters
        .first()
        .and_then(|(n, _)| cluster.addr(n))
        .ok_or_else(|| Error::Usage(msg!("lint-sentinel-one-master")))
}

/// Sentinels given with `--nodes` (running, not ours) told to watch the lab's master as the
/// lab says: whatever they monitored under its name is replaced.
async fn monitor_given(
    spec: &Spec,
    cluster: &Cluster,
    s: &crate::model::topology::SentinelSpec,
    auth: &Auth,
    progress: &dyn Progress,
) -> Result<ClusterState> {
    let master = lab_master(spec, cluster)?;
    progress.phase(Phase::Sentinels);
    let port = master.port.to_string();
    let quorum = s.quorum.to_string();
    let down_after = s.down_after_ms.to_string();
    let failover_timeout = s.failover_timeout_ms.to_string();
    let parallel = s.parallel_syncs.to_string();
    for m in &cluster.sentinels {
        let mut c = super::conn::connect(&m.target)
            .await
            .map_err(|e| Error::Environment(e.unreachable(&m.target.addr)))?;
        let failed = |what: &str, e: redis::RedisError| {
            Error::Environment(msg!(
                "error-cluster-command",
                addr = m.target.addr.to_string(),
                command = what,
                reason = e.to_string()
            ))
        };
        // Not monitored yet is what REMOVE answers on a fresh Sentinel: that is fine.
        let _: redis::RedisResult<()> = redis::cmd("SENTINEL")
            .arg("REMOVE")
            .arg(&s.name)
            .query_async(&mut c)
            .await;
        redis::cmd("SENTINEL")
            .arg("MONITOR")
            .arg(&s.name)
            .arg(&master.host)
            .arg(&port)
            .arg(&quorum)
            .query_async::<()>(&mut c)
            .await
            .map_err(|e| failed("SENTINEL MONITOR", e))?;
        let mut set = redis::cmd("SENTINEL");
        set.arg("SET")
            .arg(&s.name)
            .arg("down-after-milliseconds")
            .arg(&down_after)
            .arg("failover-timeout")
            .arg(&failover_timeout)
            .arg("parallel-syncs")
            .arg(&parallel);
        let (user, password) = auth.parts();
        if let Some(u) = user {
            set.arg("auth-user").arg(u);
        }
        if let Some(pw) = password {
            set.arg("auth-pass").arg(pw);
        }
        set.query_async::<()>(&mut c)
            .await
            .map_err(|e| failed("SENTINEL SET", e))?;
    }
    wait_sentinels(spec, cluster, &master).await
}

/// Until every Sentinel sees the master up, its replicas and the other Sentinels.
async fn wait_sentinels(spec: &Spec, cluster: &Cluster, master: &NodeAddr) -> Result<ClusterState> {
    let topo = &spec.topology;
    let replicas = topo
        .replicas
        .iter()
        .filter(|(_, of)| Some(of) == topo.masters.first().map(|(n, _)| n))
        .count() as u32;
    let inspector = cluster.inspector();
    let sentinels = cluster.sentinels.len() as u32;
    // Sentinels say hello every 2 s: a look every 50 ms sees the last one arrive.
    form::wait_for(
        &inspector,
        std::time::Instant::now() + FORM_DEADLINE,
        Duration::from_millis(50),
        "error-sentinels-not-ready",
        |s| super::sentinel::not_ready(s, master, replicas, sentinels),
    )
    .await
}

/// The running Sentinels a `protect` set-up leaves without the password.
fn refused_sentinels(spec: &Spec, cluster: &Cluster) -> Vec<NodeAddr> {
    let stopped = spec.stopped_by_setup();
    spec.setup
        .iter()
        .filter_map(|a| match a {
            SetupAction::Protect { sentinels } => Some(sentinels),
            _ => None,
        })
        .flat_map(|with| {
            cluster
                .sentinels
                .iter()
                .filter(|m| !with.contains(&m.name) && !stopped.contains(&m.name))
                .map(|m| m.target.addr.clone())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn record_for(
    spec: &Spec,
    backend: Backend,
    layout: &Layout,
    auth: bool,
    server: Option<&RedisServer>,
) -> ClusterRecord {
    // The layout's address of each process, nodes and Sentinels alike.
    let placed = |names: Vec<NodeRef>| -> Vec<RecordNode> {
        names
            .into_iter()
            .filter_map(|n| {
                let addr = layout.addr(&n)?.clone();
                Some(RecordNode { name: n, addr })
            })
            .collect()
    };
    ClusterRecord {
        lab: spec.lab.clone(),
        backend,
        nodes: placed(spec.topology.nodes()),
        prefix: spec.prefix(),
        node_timeout_ms: spec.topology.node_timeout_ms,
        auth,
        redis_server: server.map(|s| s.path.clone()),
        config: spec.topology.config.clone(),
        kind: spec.topology.kind,
        sentinels: placed(spec.topology.sentinels()),
        monitored: spec
            .topology
            .sentinel
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
    }
}

/// What `down` did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DownReport {
    pub shut_down: usize,
    pub killed: usize,
    /// A `--nodes` cluster: forgotten, not stopped (it is not ours).
    pub forgot_remote: bool,
}

/// Every node process of the state directory: from pidfiles, and from the processes running
/// in its node directories (a runner killed mid-start leaves no pidfile).
fn all_local_nodes(state: &StateDir) -> Vec<(Option<u32>, std::path::PathBuf, Option<NodeAddr>)> {
    let mut out: Vec<(Option<u32>, std::path::PathBuf, Option<NodeAddr>)> = vec![];
    if let Ok(entries) = std::fs::read_dir(state.nodes_dir()) {
        for e in entries.flatten() {
            let dir = e.path();
            let addr = dir
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.rsplit_once('-'))
                .and_then(|(h, p)| Some(NodeAddr::new(h.replace('_', ":"), p.parse().ok()?)));
            let node = LocalNode {
                name: NodeRef::new("x", 1),
                addr: addr.clone().unwrap_or_else(|| NodeAddr::new("0.0.0.0", 1)),
                dir: dir.clone(),
            };
            out.push((node.pid(), dir, addr));
        }
    }
    for (pid, cwd) in process::nodes_under(&state.nodes_dir()) {
        let known = out
            .iter()
            .any(|(p, d, _)| *p == Some(pid) || d.canonicalize().ok().as_ref() == Some(&cwd));
        if known {
            if let Some(entry) = out
                .iter_mut()
                .find(|(p, d, _)| p.is_none() && d.canonicalize().ok().as_ref() == Some(&cwd))
            {
                entry.0 = Some(pid);
            }
        } else {
            out.push((Some(pid), cwd, None));
        }
    }
    out
}

async fn stop_all(state: &StateDir) -> DownReport {
    let nodes = all_local_nodes(state);
    let stops = nodes
        .iter()
        .map(|(pid, dir, addr)| local::stop(*pid, dir, addr.as_ref()));
    let mut report = DownReport::default();
    for s in futures::future::join_all(stops).await {
        match s {
            Stopped::Shutdown => report.shut_down += 1,
            Stopped::Killed => report.killed += 1,
            Stopped::NotRunning => {}
        }
    }
    report
}

/// Stops every node of the state directory and removes the cluster's files.
pub async fn down(state: &StateDir) -> Result<DownReport> {
    let lock = state.lock()?;
    let record = state.record_for_teardown()?;
    let mut report = stop_all(state).await;
    report.forgot_remote = record.is_some_and(|r| r.backend == Backend::Remote);
    drop(lock);
    let dir = state.cluster_dir();
    match std::fs::remove_dir_all(&dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&dir, e)),
        _ => Ok(report),
    }
}
