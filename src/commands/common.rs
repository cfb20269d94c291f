//! What several commands need: a runtime, a lab that can run, and the cluster to use.

use crate::cli::NodesArg;
use crate::cluster::conn::{Auth, Target};
use crate::cluster::provision::{self, Cluster, Source, Spec};
use crate::cluster::server;
use crate::cluster::statedir::{Backend, ClusterRecord, RecordNode};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::lab::Lab;
use crate::lab::lint::lint_with;
use crate::{msg, t};
use console::style;

/// The lab the default cluster is made for: the course's layout.
pub const DEFAULT_LAB: &str = "manual-failover";

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("tokio", e))
}

/// Lint, addresses rendered for the user's local range and `lab` solution lines judged by this
/// binary's own argument parser.
pub fn lint_lab(config: &Config, lab: &Lab) -> Vec<crate::lab::source::Diagnostic> {
    lint_with(lab, config.base_ip, &lab_line)
}

/// Whether `lab <words>` is a command this `lab` would run (its help and version included).
fn lab_line(words: &[String]) -> Result<(), crate::i18n::Msg> {
    use clap::Parser;
    use clap::error::{ContextKind, ErrorKind};
    let Err(e) = crate::cli::Cli::try_parse_from(
        std::iter::once("lab").chain(words.iter().map(String::as_str)),
    ) else {
        return Ok(());
    };
    let context = |kind| e.get(kind).map(|v| v.to_string()).unwrap_or_default();
    Err(match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return Ok(()),
        ErrorKind::InvalidSubcommand => msg!(
            "lint-lab-line-command",
            name = context(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            msg!("lint-lab-line-incomplete")
        }
        ErrorKind::UnknownArgument => msg!(
            "lint-lab-line-argument",
            name = context(ContextKind::InvalidArg)
        ),
        ErrorKind::MissingRequiredArgument => msg!("lint-lab-line-incomplete"),
        _ => msg!(
            "lint-lab-line-value",
            name = context(ContextKind::InvalidArg),
            value = context(ContextKind::InvalidValue)
        ),
    })
}

/// A lab that can run: it has a manifest and lint finds no errors in it.
pub fn runnable_lab(config: &Config, id: &str) -> Result<Lab> {
    let lab = config.catalog.load(id)?;
    lab.runnable()?;
    let errors = lint_lab(config, &lab)
        .iter()
        .filter(|d| d.is_error())
        .count();
    if errors > 0 {
        return Err(Error::Usage(msg!(
            "error-lab-has-errors",
            lab = lab.id.as_str(),
            count = errors
        )));
    }
    Ok(lab)
}

pub fn spec(lab: &Lab) -> Spec {
    let m = lab.manifest.as_ref();
    Spec {
        lab: lab.id.clone(),
        topology: lab.topology(),
        data: m.and_then(|m| m.data.clone()),
        stage: m.map(|m| m.stage).unwrap_or_default(),
        setup: m.map(|m| m.setup.clone()).unwrap_or_default(),
    }
}

/// The nodes `--nodes` names (checked when parsed), or none. A password written into an
/// address is used, with a warning: every user of the machine can read it in `ps`.
pub fn parse_nodes(nodes: &NodesArg) -> Result<Vec<Target>> {
    let Some(list) = &nodes.nodes else {
        return Ok(vec![]);
    };
    if list.password_in_argv {
        crate::errln!("{}", t!("nodes-password-in-argv"));
    }
    Ok(list.targets.clone())
}

/// Where `up` gets its nodes: `--nodes`, or redis-server processes of our own.
pub fn source(config: &Config, nodes: &NodesArg) -> Result<Source> {
    let targets = parse_nodes(nodes)?;
    if !targets.is_empty() {
        return Ok(Source::Remote { targets });
    }
    local_source(config, config.base_ip)
}

/// Our own redis-server processes, with their hosts from `base_ip` (private clusters of
/// `lab test` and `lab bench` use their own range).
pub fn local_source(config: &Config, base_ip: std::net::Ipv4Addr) -> Result<Source> {
    Ok(Source::Local {
        server: server::locate(config.redis_server.as_deref())?,
        base_ip,
        shared_port: config.shared_port,
        shared_loopback: config.shared_loopback,
    })
}

/// The cluster to look at: the one `--nodes` names (in topology order when it fits the
/// default lab), else the state directory's.
pub fn cluster(config: &Config, nodes: &NodesArg) -> Result<Cluster> {
    let targets = parse_nodes(nodes)?;
    if targets.is_empty() {
        return provision::current(&config.state, &Auth::from_env())?
            .ok_or_else(|| Error::Usage(msg!("error-no-cluster")));
    }
    let topo = config
        .catalog
        .load(DEFAULT_LAB)
        .map(|l| l.topology())
        .unwrap_or_else(|_| crate::lab::default_topology());
    let names = topo.nodes();
    let record = ClusterRecord {
        lab: String::new(),
        backend: Backend::Remote,
        nodes: targets
            .iter()
            .enumerate()
            .map(|(i, t)| RecordNode {
                name: names.get(i).cloned().unwrap_or_else(|| {
                    crate::model::node::NodeRef::new(format!("n{i}"), t.addr.port)
                }),
                addr: t.addr.clone(),
            })
            .collect(),
        prefix: None,
        node_timeout_ms: topo.node_timeout_ms,
        auth: targets[0].auth.is_set(),
        redis_server: None,
        config: vec![],
        kind: topo.kind,
        sentinels: vec![],
        monitored: String::new(),
    };
    let mut cluster = Cluster::from_record(record, &targets[0].auth);
    for (m, t) in cluster.members.iter_mut().zip(&targets) {
        m.target = t.clone();
    }
    Ok(cluster)
}

/// The lab the student is doing: the one named, else the cluster's, else the one whose progress
/// changed last.
pub fn current_lab(config: &Config, named: Option<&str>) -> Result<Lab> {
    if let Some(id) = named {
        return runnable_lab(config, id);
    }
    if let Some(r) = config.state.record()?
        && !r.lab.is_empty()
    {
        return runnable_lab(config, &r.lab);
    }
    let latest = std::fs::read_dir(config.state.progress_dir())
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max()
        .and_then(|(_, p)| p.file_stem().map(|s| s.to_string_lossy().into_owned()));
    match latest {
        Some(id) => runnable_lab(config, &id),
        None => Err(Error::Usage(msg!("error-no-lab-started"))),
    }
}

/// The lab on the state directory's running cluster.
pub fn session(config: &Config, lab: Lab) -> Result<crate::live::session::Session> {
    let cluster = provision::current(&config.state, &Auth::from_env())?
        .ok_or_else(|| Error::Usage(msg!("error-no-cluster")))?;
    if cluster.record.lab != lab.id {
        return Err(Error::Usage(msg!(
            "error-cluster-other-lab",
            lab = cluster.record.lab.as_str()
        )));
    }
    crate::live::session::Session::new(lab, cluster)
}

/// What solutions run by this process need to reach the same cluster.
pub fn solution_env(config: &Config) -> crate::live::solution::Env {
    crate::live::solution::Env {
        state_dir: Some(config.state.root.clone()),
        labs_dir: Some(config.catalog.dir.clone()),
        redis_server: config.redis_server.clone(),
        password: None,
    }
}

/// Stops what an interrupted `lab test` or `lab bench` left on this state directory, and says so.
pub async fn sweep_private(config: &Config) {
    let stopped = crate::cluster::private::sweep(&config.state).await;
    if stopped > 0 {
        crate::outln!(
            "{} {}",
            style("✓").green().bold(),
            t!("down-private", count = stopped)
        );
    }
}

/// Where a command's notices wrap: the terminal's width, or never when piped (a script
/// reads whole lines).
pub fn notice_width(config: &Config) -> usize {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        config.width
    } else {
        usize::MAX / 4
    }
}

/// The lab's engine for one command from a second terminal (`lab check`, `lab hint`, `lab
/// grade`): its saved progress (or a new one), on the running cluster when there is one.
pub struct Once {
    pub engine: crate::engine::Engine,
    pub store: crate::app_state::Store,
    pub session: Option<crate::live::session::Session>,
}

impl Once {
    pub fn new(config: &Config, lab: Lab, need_cluster: bool) -> Result<Once> {
        use crate::engine::{Engine, Mode, Plan, Progress};
        let manifest = lab.runnable()?.clone();
        let store = crate::app_state::Store::new(&config.state, &lab.id);
        let plan = Plan::new(lab.clone(), config.lang)?;
        let now = crate::app_state::now_ms();
        let progress = store
            .load(&manifest)?
            .unwrap_or_else(|| Progress::new(&manifest, &plan.lang, now));
        let session = match session(config, lab) {
            Ok(s) => Some(s),
            Err(e) if need_cluster => return Err(e),
            Err(_) => None,
        };
        let layout = session
            .as_ref()
            .map(|s| s.layout.clone())
            .unwrap_or_else(|| config.local_layout(&manifest.topology));
        let engine = Engine::new(plan, progress, Mode::Student, layout, now);
        Ok(Once {
            engine,
            store,
            session,
        })
    }

    /// Tells the engine the cluster is up, as it is now.
    pub fn look(&mut self, rt: &tokio::runtime::Runtime) -> Result<()> {
        let Some(s) = &self.session else {
            return Ok(());
        };
        let snapshot = std::sync::Arc::new(rt.block_on(s.snapshot()));
        let fx = self.engine.handle(crate::engine::Event::Ready {
            layout: s.layout.clone(),
            came: crate::engine::Came::Reused,
            snapshot,
            took_ms: 0,
        });
        self.apply(fx)?;
        Ok(())
    }

    /// Sends a command; saves what it changed. The effects other than saving are returned.
    pub fn command(&mut self, c: crate::engine::Command) -> Result<Vec<crate::engine::Effect>> {
        let fx = self.engine.handle(crate::engine::Event::Command(c));
        self.apply(fx)
    }

    fn apply(&mut self, fx: Vec<crate::engine::Effect>) -> Result<Vec<crate::engine::Effect>> {
        let mut rest = vec![];
        for e in fx {
            match e {
                crate::engine::Effect::Save(p) => {
                    self.store.save(&self.engine.plan().manifest, &p)?;
                }
                other => rest.push(other),
            }
        }
        Ok(rest)
    }
}

/// The password a lab's steps set on its nodes (`topology.password`), if it has one.
pub fn lab_password(config: &Config, lab: &str) -> Option<Auth> {
    config
        .catalog
        .load(lab)
        .ok()?
        .manifest?
        .topology
        .password
        .map(|p| Auth::password(p.expose()))
}
