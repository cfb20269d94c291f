//! `lab.yaml`: what a lab needs (topology, data) and what it asks (steps, checks, solutions).
//!
//! Reading happens in two passes: serde-saphyr reads the YAML into `Raw*` types that keep
//! source positions, then [`Manifest::validate`] checks what the types cannot (names that
//! resolve, slots that do not overlap, steps that can be checked) and reports every problem
//! it finds, not just the first.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use super::exercise::{Exercise, RawExercise};
use super::slides::is_step_id;
use super::solution::Solution;
use super::source::{Diagnostic, Pos, SourceFile};
pub use super::step::{Background, Step, StepKind, Text};
use super::yaml;
use crate::grade::{Criterion, Scheme};
use crate::i18n::Msg;
use crate::model::dataset::{DataType, Dataset};
use crate::model::node::{NodeRef, is_host_id};
use crate::model::setup::{SetupAction, Stage};
use crate::model::slots::{SLOTS, SlotRange, SlotSet};
use crate::model::topology::{Directive, Kind, Topology};
use crate::msg;
use crate::verify::args::Build;
use crate::verify::{Check, RawCheck, reads_consistency};

#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    pub id: String,
    pub kind: LabKind,
    pub id_pos: Pos,
    pub title: BTreeMap<String, String>,
    pub title_pos: Pos,
    pub summary: BTreeMap<String, String>,
    /// Where the lab comes in the course: `lab list` sorts by it (labs without one go last).
    pub order: Option<u32>,
    pub topology: Topology,
    pub data: Option<Dataset>,
    pub stage: Stage,
    /// How the cluster differs from the initial layout when the lab begins.
    pub setup: Vec<SetupAction<NodeRef>>,
    pub steps: Vec<Step>,
    pub exercise: Option<Exercise>,
}

/// A guided lab (steps checked one by one) or a graded exercise (a goal, criteria, a grade).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabKind {
    #[default]
    Lab,
    Exercise,
}

pub const DEFAULT_STEP_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_NODE_TIMEOUT_MS: u64 = 5000;

type Node = Spanned<String>;

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawManifest {
    id: Spanned<String>,
    #[serde(default)]
    kind: LabKind,
    title: Spanned<BTreeMap<String, String>>,
    #[serde(default)]
    summary: BTreeMap<String, String>,
    #[serde(default)]
    order: Option<u32>,
    topology: RawTopology,
    #[serde(default)]
    data: Option<RawData>,
    #[serde(default)]
    stage: Stage,
    #[serde(default)]
    setup: Vec<Spanned<SetupAction<Node>>>,
    #[serde(default)]
    steps: Vec<RawStep>,
    #[serde(default)]
    exercise: Option<RawExercise>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawTopology {
    #[serde(default)]
    kind: Option<Spanned<Kind>>,
    hosts: Vec<Node>,
    ports: Vec<Spanned<u16>>,
    #[serde(default)]
    node_timeout: Option<Spanned<u64>>,
    #[serde(default)]
    masters: Vec<RawMaster>,
    #[serde(default)]
    replicas: Vec<RawReplica>,
    /// The password the lab's steps set with requirepass/masterauth.
    #[serde(default)]
    password: Option<Spanned<String>>,
    /// A `sentinel` topology's Sentinels.
    #[serde(default)]
    sentinel: Option<Spanned<RawSentinel>>,
    /// `all:` or a node name, then directive: value.
    #[serde(default)]
    config: BTreeMap<String, BTreeMap<String, Spanned<ConfigValue>>>,
}

/// A directive's value as YAML gives it (`1mb`, `0`, `yes`, `no`), kept as the text redis.conf
/// takes.
struct ConfigValue(String);

impl<'de> Deserialize<'de> for ConfigValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ConfigValue, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = ConfigValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, v: &str) -> Result<ConfigValue, E> {
                Ok(ConfigValue(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<ConfigValue, E> {
                Ok(ConfigValue(if v { "yes" } else { "no" }.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<ConfigValue, E> {
                Ok(ConfigValue(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<ConfigValue, E> {
                Ok(ConfigValue(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<ConfigValue, E> {
                Ok(ConfigValue(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Directives a lab may not set, each group with the reason lint gives.
const REFUSED_DIRECTIVES: &[(&str, &[&str])] = &[
    (
        "lint-config-network",
        &[
            "bind",
            "bind-source-addr",
            "port",
            "protected-mode",
            "unixsocket",
            "unixsocketperm",
            "cluster-port",
            "cluster-announce-ip",
            "cluster-announce-port",
            "cluster-announce-bus-port",
            "cluster-announce-tls-port",
            "cluster-announce-hostname",
            "replica-announce-ip",
            "replica-announce-port",
            "slave-announce-ip",
            "slave-announce-port",
        ],
    ),
    (
        "lint-config-files",
        &[
            "dir",
            "include",
            "pidfile",
            "logfile",
            "aclfile",
            "cluster-config-file",
            "syslog-enabled",
            "syslog-ident",
            "syslog-facility",
        ],
    ),
    (
        "lint-config-code",
        &[
            "loadmodule",
            "rename-command",
            "enable-debug-command",
            "enable-module-command",
            "enable-protected-configs",
        ],
    ),
    ("lint-config-process", &["daemonize", "supervised"]),
    (
        "lint-config-topology",
        &["cluster-enabled", "cluster-node-timeout"],
    ),
    (
        "lint-config-password",
        &["requirepass", "masterauth", "masteruser", "user"],
    ),
];

/// The Sentinel settings a set-up may change; a password is `protect`'s.
const SENTINEL_SET_OPTIONS: [&str; 4] = [
    "quorum",
    "down-after-milliseconds",
    "failover-timeout",
    "parallel-syncs",
];

/// Whether a set-up action fits the lab's topology; says why not where it is written.
fn check_setup(
    at: &Spanned<SetupAction<Node>>,
    a: &SetupAction<NodeRef>,
    topo: &Topology,
    cx: &mut Ctx,
) -> bool {
    let kind = topo.kind.as_str();
    let bad = |cx: &mut Ctx, m: Msg| {
        cx.error(at, m);
        false
    };
    if a.is_cluster_only() != topo.kind.is_cluster() {
        let id = match a.is_cluster_only() {
            true => "lint-setup-cluster-only",
            false => "lint-setup-not-cluster",
        };
        return bad(cx, Msg::new(id).arg("kind", kind));
    }
    let sentinel_names: Vec<&NodeRef> = a.nodes();
    match a {
        SetupAction::ConfigSet { node, name, value } => {
            if topo.is_sentinel(node) {
                return bad(
                    cx,
                    msg!("lint-setup-config-sentinel", node = node.to_string()),
                );
            }
            if let Some(why) = refused_directive(name) {
                return bad(cx, Msg::new(why).arg("name", name.as_str()));
            }
            if value.chars().any(char::is_control) {
                return bad(cx, msg!("lint-config-value", name = name.as_str()));
            }
        }
        SetupAction::SentinelSet { option, value, .. } => {
            if !SENTINEL_SET_OPTIONS.contains(&option.as_str()) {
                return bad(
                    cx,
                    msg!(
                        "lint-sentinel-set-option",
                        option = option.as_str(),
                        known = SENTINEL_SET_OPTIONS.join(", ")
                    ),
                );
            }
            if value.parse::<u64>().is_err() {
                return bad(
                    cx,
                    msg!("lint-sentinel-set-value", option = option.as_str()),
                );
            }
        }
        SetupAction::Protect { .. } if topo.password.is_none() => {
            return bad(cx, msg!("lint-protect-no-password"));
        }
        _ => {}
    }
    let wants_sentinel = matches!(
        a,
        SetupAction::SentinelSet { .. } | SetupAction::Protect { .. }
    );
    if wants_sentinel && let Some(n) = sentinel_names.iter().find(|n| !topo.is_sentinel(n)) {
        return bad(cx, msg!("lint-setup-not-sentinel", node = n.to_string()));
    }
    true
}

/// Why a lab may not set `name`, if it may not.
fn refused_directive(name: &str) -> Option<&'static str> {
    if name.starts_with("tls-") {
        return Some("lint-config-network");
    }
    REFUSED_DIRECTIVES
        .iter()
        .find(|(_, names)| names.contains(&name))
        .map(|(why, _)| *why)
}

fn validate_config(raw: &RawTopology, topo: &Topology, cx: &mut Ctx) -> Vec<Directive> {
    let mut out = vec![];
    for (scope, directives) in &raw.config {
        let node = if scope == "all" {
            None
        } else {
            match scope.parse::<NodeRef>() {
                Ok(n) if topo.has_node(&n) => Some(n),
                _ => {
                    if let Some(v) = directives.values().next() {
                        cx.error(v, msg!("lint-config-scope", value = scope.as_str()));
                    }
                    continue;
                }
            }
        };
        for (name, value) in directives {
            let shape_ok = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !shape_ok {
                cx.error(value, msg!("lint-config-name", name = name.as_str()));
                continue;
            }
            if let Some(why) = refused_directive(name) {
                cx.error(value, Msg::new(why).arg("name", name.as_str()));
                continue;
            }
            if value.value.0.chars().any(char::is_control) {
                cx.error(value, msg!("lint-config-value", name = name.as_str()));
                continue;
            }
            out.push(Directive {
                node: node.clone(),
                name: name.clone(),
                value: value.value.0.clone(),
            });
        }
    }
    out
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawSentinel {
    /// The name the master is monitored by.
    name: Spanned<String>,
    #[serde(default)]
    port: Option<Spanned<u16>>,
    /// Hosts that run a Sentinel (default: every host).
    #[serde(default)]
    hosts: Vec<Node>,
    quorum: Spanned<u32>,
    down_after: Spanned<u64>,
    failover_timeout: Spanned<u64>,
    #[serde(default)]
    parallel_syncs: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMaster {
    node: Node,
    /// A cluster master's slots; a replication master has none.
    #[serde(default)]
    slots: Vec<Spanned<SlotRange>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReplica {
    node: Node,
    of: Node,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    prefix: Spanned<String>,
    count: Spanned<u64>,
    #[serde(default)]
    types: Vec<DataType>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    id: Spanned<String>,
    kind: StepKind,
    #[serde(default)]
    title: BTreeMap<String, String>,
    #[serde(default)]
    node: Option<Node>,
    #[serde(default)]
    timeout: Option<Spanned<u64>>,
    #[serde(default)]
    hold: Option<Spanned<u64>>,
    #[serde(default)]
    background: Option<Background>,
    #[serde(default)]
    checks: Vec<Spanned<RawCheck>>,
    #[serde(default)]
    solution: Vec<Spanned<Solution<Node>>>,
    #[serde(default)]
    hints: BTreeMap<String, Vec<Spanned<String>>>,
}

/// Collects diagnostics for one file.
struct Ctx<'a> {
    src: &'a SourceFile,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn pos<T>(&self, s: &Spanned<T>) -> Pos {
        yaml::pos_of(&s.referenced).unwrap_or(Pos { line: 1, col: 1 })
    }

    fn error<T>(&mut self, at: &Spanned<T>, m: crate::i18n::Msg) {
        let pos = self.pos(at);
        self.diags.push(Diagnostic::error(&self.src.path, pos, m));
    }

    fn warn<T>(&mut self, at: &Spanned<T>, m: crate::i18n::Msg) {
        let pos = self.pos(at);
        self.diags.push(Diagnostic::warning(&self.src.path, pos, m));
    }

    /// Where a string value's own text begins, past any opening quote.
    fn text(&self, s: &Spanned<String>) -> Text {
        let start = self.src.offset(self.pos(s));
        Text {
            value: s.value.clone(),
            offset: locate(&self.src.text, start, &s.value),
            double_quoted: self.src.text[start..].starts_with('"'),
        }
    }

    /// A node name that must exist in the topology.
    fn node(&mut self, n: &Node, topo: &Topology) -> Option<NodeRef> {
        self.named(n, topo, false)
    }

    /// A Redis node or, where a step may name one, a Sentinel.
    fn any_node(&mut self, n: &Node, topo: &Topology) -> Option<NodeRef> {
        self.named(n, topo, true)
    }

    fn named(&mut self, n: &Node, topo: &Topology, sentinels: bool) -> Option<NodeRef> {
        match n.value.parse::<NodeRef>() {
            Err(()) => {
                self.error(n, msg!("lint-bad-node-name", value = n.value.as_str()));
                None
            }
            Ok(r) if sentinels && topo.is_sentinel(&r) => Some(r),
            Ok(r) if !topo.has_node(&r) => {
                let mut names = topo.nodes();
                if sentinels {
                    names.extend(topo.sentinels());
                }
                let known = names
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                self.error(
                    n,
                    msg!("lint-unknown-node", value = n.value.as_str(), known = known),
                );
                None
            }
            Ok(r) => Some(r),
        }
    }
}

/// The offset of `value`'s first line at or after `from` (quotes and block indicators make the
/// scalar's position and its text's position differ).
fn locate(text: &str, from: usize, value: &str) -> usize {
    let first = value.lines().next().unwrap_or("");
    let probe: String = first.chars().take(40).collect();
    if probe.is_empty() {
        return from;
    }
    text.get(from..)
        .and_then(|rest| rest.find(&probe))
        .map_or(from, |i| from + i)
}

impl Manifest {
    /// Reads and validates `lab.yaml`. `None` when it cannot be read as a manifest at all.
    pub fn parse(src: &SourceFile) -> (Option<Manifest>, Vec<Diagnostic>) {
        match yaml::parse::<RawManifest>(src) {
            Err(d) => (None, vec![d]),
            Ok(raw) => {
                let mut cx = Ctx { src, diags: vec![] };
                let m = Manifest::validate(raw, &mut cx);
                (m, cx.diags)
            }
        }
    }

    fn validate(raw: RawManifest, cx: &mut Ctx) -> Option<Manifest> {
        if !is_step_id(&raw.id.value) {
            cx.error(
                &raw.id,
                msg!("lint-bad-lab-id", value = raw.id.value.as_str()),
            );
        }
        for lang in raw.title.value.keys() {
            if crate::i18n::Lang::parse(lang).is_none() || lang.len() != 2 {
                cx.warn(
                    &raw.title,
                    msg!("lint-unknown-language", value = lang.as_str()),
                );
            }
        }
        let topology = validate_topology(&raw.topology, cx)?;
        let data = raw.data.as_ref().map(|d| validate_data(d, cx));
        let mut seen = BTreeSet::new();
        let mut steps = vec![];
        for s in &raw.steps {
            if !is_step_id(&s.id.value) {
                cx.error(&s.id, msg!("lint-bad-step-id", value = s.id.value.as_str()));
            } else if !seen.insert(s.id.value.clone()) {
                cx.error(
                    &s.id,
                    msg!("lint-duplicate-step", step = s.id.value.as_str()),
                );
            }
            steps.push(validate_step(s, &topology, data.as_ref(), cx));
        }
        if raw.steps.is_empty() && raw.kind == LabKind::Lab {
            cx.warn(&raw.id, msg!("lint-no-steps"));
        }
        let exercise = match (&raw.exercise, raw.kind) {
            (Some(e), LabKind::Exercise) => {
                Some(validate_exercise(e, &raw.id, &topology, data.as_ref(), cx))
            }
            (None, LabKind::Exercise) => {
                cx.error(&raw.id, msg!("lint-exercise-missing"));
                None
            }
            (Some(_), LabKind::Lab) => {
                cx.error(&raw.id, msg!("lint-exercise-in-lab"));
                None
            }
            (None, LabKind::Lab) => None,
        };
        let mut setup = vec![];
        for a in &raw.setup {
            if let Ok(resolved) = a
                .value
                .clone()
                .try_map(|n| cx.any_node(&n, &topology).ok_or(()))
                && check_setup(a, &resolved, &topology, cx)
            {
                setup.push(resolved);
            }
        }
        // A consistency check reads the counters of a test a step before it started. A test
        // runs until a step that checks it passes: a `background:` step before that would find
        // it still running and start none.
        let mut started = false;
        let mut unread: Option<&str> = None;
        for (raw_step, step) in raw.steps.iter().zip(&steps) {
            if step.background == Some(Background::Consistency) {
                if let Some(first) = unread {
                    cx.error(
                        &raw_step.id,
                        msg!(
                            "lint-second-background",
                            step = step.id.as_str(),
                            first = first
                        ),
                    );
                }
                started = true;
                unread = Some(step.id.as_str());
            }
            if reads_consistency(&step.checks) {
                if !started {
                    cx.error(
                        &raw_step.id,
                        msg!("lint-consistency-not-started", step = step.id.as_str()),
                    );
                }
                unread = None;
            }
        }

        Some(Manifest {
            id: raw.id.value.clone(),
            kind: raw.kind,
            id_pos: cx.pos(&raw.id),
            title: raw.title.value.clone(),
            title_pos: cx.pos(&raw.title),
            summary: raw.summary,
            order: raw.order,
            topology,
            data,
            stage: raw.stage,
            setup,
            steps,
            exercise,
        })
    }

    fn all_checks(&self) -> impl Iterator<Item = &crate::verify::Check> {
        let steps = self.steps.iter().flat_map(|s| &s.checks);
        let graded = self
            .exercise
            .iter()
            .flat_map(|e| &e.scheme.criteria)
            .flat_map(|c| &c.checks);
        steps.chain(graded)
    }

    /// Every key the lab's checks read, once each: what its snapshots fetch.
    pub fn keys_read(&self) -> Vec<String> {
        once_each(self.all_checks().flat_map(|c| c.keys()))
    }

    /// Every CONFIG parameter the lab's checks read, once each.
    pub fn config_read(&self) -> Vec<String> {
        once_each(self.all_checks().flat_map(|c| c.config()))
    }

    /// Every command the lab's checks send, once each.
    pub fn probes(&self) -> Vec<crate::model::reply::Probe> {
        let mut all: Vec<_> = self.all_checks().flat_map(|c| c.probes()).collect();
        all.sort();
        all.dedup();
        all
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}

/// A node's cluster bus listens this far above its port.
const BUS_OFFSET: u16 = 10_000;
const MAX_CLUSTER_PORT: u16 = u16::MAX - BUS_OFFSET;

/// Sentinel's own limits, and the course's: a name Sentinel takes, a quorum the Sentinels can
/// reach, timings that keep a lab moving.
fn validate_sentinel(
    raw: &Spanned<RawSentinel>,
    topo: &Topology,
    cx: &mut Ctx,
) -> Option<crate::model::topology::SentinelSpec> {
    let r = &raw.value;
    let mut ok = true;
    let name = &r.name.value;
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        cx.error(&r.name, msg!("lint-sentinel-name", value = name.as_str()));
        ok = false;
    }
    let port = r.port.as_ref().map_or(26379, |p| p.value);
    if let Some(p) = r
        .port
        .as_ref()
        .filter(|p| p.value == 0 || topo.ports.contains(&p.value))
    {
        cx.error(p, msg!("lint-sentinel-port", value = p.value));
        ok = false;
    }
    let mut hosts = vec![];
    for h in &r.hosts {
        if !topo.hosts.contains(&h.value) {
            cx.error(h, msg!("lint-unknown-host", value = h.value.as_str()));
            ok = false;
        } else if !hosts.contains(&h.value) {
            hosts.push(h.value.clone());
        }
    }
    if r.hosts.is_empty() {
        hosts = topo.hosts.clone();
    }
    let n = hosts.len() as u32;
    if r.quorum.value == 0 || r.quorum.value > n {
        cx.error(
            &r.quorum,
            msg!(
                "lint-sentinel-quorum",
                value = r.quorum.value,
                sentinels = n
            ),
        );
        ok = false;
    }
    if !(100..=60_000).contains(&r.down_after.value) {
        cx.error(
            &r.down_after,
            msg!("lint-sentinel-down-after", value = r.down_after.value),
        );
        ok = false;
    }
    if !(1_000..=600_000).contains(&r.failover_timeout.value) {
        cx.error(
            &r.failover_timeout,
            msg!(
                "lint-sentinel-failover-timeout",
                value = r.failover_timeout.value
            ),
        );
        ok = false;
    }
    let parallel_syncs = r.parallel_syncs.as_ref().map_or(1, |p| p.value);
    if let Some(p) = r.parallel_syncs.as_ref().filter(|p| p.value == 0) {
        cx.error(p, msg!("lint-sentinel-parallel-syncs"));
        ok = false;
    }
    if topo.masters.len() != 1 {
        cx.error(raw, msg!("lint-sentinel-one-master"));
        ok = false;
    }
    ok.then(|| crate::model::topology::SentinelSpec {
        name: name.clone(),
        port,
        hosts,
        quorum: r.quorum.value,
        down_after_ms: r.down_after.value,
        failover_timeout_ms: r.failover_timeout.value,
        parallel_syncs,
    })
}

fn once_each<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for k in names {
        if !out.iter().any(|x| x == k) {
            out.push(k.to_string());
        }
    }
    out
}

fn validate_topology(raw: &RawTopology, cx: &mut Ctx) -> Option<Topology> {
    let mut ok = true;
    let kind = raw.kind.as_ref().map_or(Kind::Cluster, |k| k.value);
    let mut hosts = vec![];
    for h in &raw.hosts {
        if !is_host_id(&h.value) {
            cx.error(h, msg!("lint-bad-host-id", value = h.value.as_str()));
            ok = false;
        } else if hosts.contains(&h.value) {
            cx.error(h, msg!("lint-duplicate-host", value = h.value.as_str()));
            ok = false;
        } else {
            hosts.push(h.value.clone());
        }
    }
    let mut ports = vec![];
    for p in &raw.ports {
        if p.value == 0 || ports.contains(&p.value) {
            cx.error(p, msg!("lint-bad-port", value = p.value));
            ok = false;
        } else if kind.is_cluster() && p.value > MAX_CLUSTER_PORT {
            // Each node also listens on its cluster bus, port + 10000 (`cluster-port` unset).
            cx.error(
                p,
                msg!("lint-port-no-bus", value = p.value, max = MAX_CLUSTER_PORT),
            );
            ok = false;
        } else {
            ports.push(p.value);
        }
    }
    for p in &raw.ports {
        if kind.is_cluster()
            && ports.contains(&p.value)
            && ports.contains(&p.value.saturating_sub(BUS_OFFSET))
            && p.value > BUS_OFFSET
        {
            cx.error(
                p,
                msg!(
                    "lint-port-is-bus",
                    value = p.value,
                    of = p.value - BUS_OFFSET
                ),
            );
            ok = false;
        }
    }
    if hosts.is_empty() || ports.is_empty() {
        ok = false;
    }
    let node_timeout_ms = match &raw.node_timeout {
        Some(t) if !(100..=60_000).contains(&t.value) => {
            cx.error(t, msg!("lint-bad-node-timeout", value = t.value));
            DEFAULT_NODE_TIMEOUT_MS
        }
        Some(t) => t.value,
        None => DEFAULT_NODE_TIMEOUT_MS,
    };
    if let Some(k) = raw.kind.as_ref().filter(|k| !k.value.is_cluster())
        && let Some(t) = &raw.node_timeout
    {
        cx.error(
            t,
            msg!("lint-node-timeout-not-cluster", kind = k.value.as_str()),
        );
        ok = false;
    }
    let mut topo = Topology {
        kind,
        hosts,
        ports,
        node_timeout_ms,
        masters: vec![],
        replicas: vec![],
        config: vec![],
        sentinel: None,
        password: None,
    };
    if let Some(p) = &raw.password {
        let v = &p.value;
        if v.is_empty() || v.len() > 128 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
            cx.error(p, msg!("lint-bad-password"));
            ok = false;
        } else {
            topo.password = Some(crate::model::topology::Secret::new(v.clone()));
        }
    }
    topo.config = validate_config(raw, &topo, cx);
    let mut owned = SlotSet::new();
    let mut placed: BTreeSet<NodeRef> = BTreeSet::new();
    for m in &raw.masters {
        let Some(node) = cx.node(&m.node, &topo) else {
            ok = false;
            continue;
        };
        if !placed.insert(node.clone()) {
            cx.error(&m.node, msg!("lint-node-twice", value = node.to_string()));
            ok = false;
            continue;
        }
        if !kind.is_cluster() {
            if let Some(r) = m.slots.first() {
                cx.error(r, msg!("lint-slots-not-cluster", kind = kind.as_str()));
                ok = false;
            }
            topo.masters.push((node, SlotSet::new()));
            continue;
        }
        let mut slots = SlotSet::new();
        for r in &m.slots {
            let range = SlotSet::from_ranges([r.value]);
            let overlap = owned.intersection(&range);
            if !overlap.is_empty() {
                cx.error(r, msg!("lint-slots-overlap", slots = overlap.to_string()));
                ok = false;
            }
            owned = owned.union(&range);
            slots = slots.union(&range);
        }
        if slots.is_empty() {
            cx.error(
                &m.node,
                msg!("lint-master-without-slots", value = node.to_string()),
            );
            ok = false;
        }
        topo.masters.push((node, slots));
    }
    if ok && kind.is_cluster() && owned.len() != usize::from(SLOTS) {
        let missing = SlotSet::all().difference(&owned);
        match raw.masters.first() {
            Some(m) => cx.error(
                &m.node,
                msg!("lint-slots-uncovered", slots = missing.to_string()),
            ),
            None => cx.diags.push(Diagnostic::error(
                &cx.src.path,
                Pos { line: 1, col: 1 },
                msg!("lint-slots-uncovered", slots = missing.to_string()),
            )),
        }
        ok = false;
    }
    for r in &raw.replicas {
        if kind == Kind::Standalone {
            cx.error(&r.node, msg!("lint-replicas-standalone"));
            ok = false;
            continue;
        }
        let node = cx.node(&r.node, &topo);
        let master = cx.node(&r.of, &topo);
        let (Some(node), Some(master)) = (node, master) else {
            ok = false;
            continue;
        };
        if !placed.insert(node.clone()) {
            cx.error(&r.node, msg!("lint-node-twice", value = node.to_string()));
            ok = false;
            continue;
        }
        if topo.slots_of(&master).is_none() {
            cx.error(
                &r.of,
                msg!("lint-replica-of-non-master", value = master.to_string()),
            );
            ok = false;
            continue;
        }
        topo.replicas.push((node, master));
    }
    match (&raw.sentinel, kind) {
        (Some(raw_s), Kind::Sentinel) => match validate_sentinel(raw_s, &topo, cx) {
            Some(spec) => topo.sentinel = Some(spec),
            None => ok = false,
        },
        (Some(raw_s), _) => {
            cx.error(
                raw_s,
                msg!("lint-sentinel-not-sentinel", kind = kind.as_str()),
            );
            ok = false;
        }
        (None, Kind::Sentinel) => {
            cx.diags.push(Diagnostic::error(
                &cx.src.path,
                Pos { line: 1, col: 1 },
                msg!("lint-sentinel-missing"),
            ));
            ok = false;
        }
        (None, _) => {}
    }
    ok.then_some(topo)
}

fn validate_data(raw: &RawData, cx: &mut Ctx) -> Dataset {
    let prefix = &raw.prefix.value;
    if prefix.is_empty() || prefix.chars().any(|c| c.is_whitespace() || c == '*') {
        cx.error(
            &raw.prefix,
            msg!("lint-bad-prefix", value = prefix.as_str()),
        );
    }
    if raw.count.value > 10_000_000 {
        cx.error(
            &raw.count,
            msg!("lint-too-many-keys", value = raw.count.value),
        );
    }
    Dataset {
        prefix: prefix.clone(),
        count: raw.count.value.min(10_000_000),
        types: if raw.types.is_empty() {
            vec![DataType::String]
        } else {
            raw.types.clone()
        },
    }
}

/// Nested check lists (YAML aliases beside further checks) read as one list.
fn flatten<'a>(checks: &'a [Spanned<RawCheck>], out: &mut Vec<&'a Spanned<RawCheck>>) {
    for c in checks {
        match &c.value {
            RawCheck::Group(g) => flatten(g, out),
            _ => out.push(c),
        }
    }
}

/// What a check kind needs from the manifest while it reads its arguments: the topology's
/// nodes, and the place to report problems.
struct Resolver<'a, 'b> {
    cx: &'a mut Ctx<'b>,
    topo: &'a Topology,
}

impl Build for Resolver<'_, '_> {
    fn node(&mut self, name: &Spanned<String>) -> Option<NodeRef> {
        self.cx.any_node(name, self.topo)
    }

    fn error(&mut self, at: &serde_saphyr::Location, m: crate::i18n::Msg) {
        let pos = yaml::pos_of(at).unwrap_or(Pos { line: 1, col: 1 });
        self.cx
            .diags
            .push(Diagnostic::error(&self.cx.src.path, pos, m));
    }
}

/// Checks as written: unknown kinds reported, arguments read, nodes resolved. `changes` says
/// whether checks that compare with a start state make sense where these stand.
fn resolve_checks(
    raw: &[Spanned<RawCheck>],
    changes: bool,
    topo: &Topology,
    data: Option<&Dataset>,
    cx: &mut Ctx,
) -> Vec<Check> {
    let mut checks = vec![];
    let mut flat = vec![];
    flatten(raw, &mut flat);
    for c in flat {
        match &c.value {
            RawCheck::Group(_) => {}
            RawCheck::Unknown(kind) => {
                cx.error(
                    c,
                    msg!(
                        "lint-unknown-check-kind",
                        value = kind.as_str(),
                        known = crate::verify::kinds::names().join(", ")
                    ),
                );
            }
            RawCheck::Known { def, args } => {
                let mut r = Resolver { cx, topo };
                let Some(check) = def.read(args, &mut r) else {
                    continue;
                };
                let needs = check.needs();
                if needs.start && !changes {
                    cx.error(
                        c,
                        msg!("lint-change-check-not-action", value = check.name()),
                    );
                }
                if needs.data && data.is_none() {
                    cx.error(c, msg!("lint-keys-without-data"));
                }
                checks.push(check);
            }
        }
    }
    checks
}

fn resolve_solution(
    raw: &[Spanned<Solution<Node>>],
    topo: &Topology,
    cx: &mut Ctx,
) -> Vec<(Solution<NodeRef>, Text)> {
    let mut solution = vec![];
    for s in raw {
        let start = cx.src.offset(cx.pos(s));
        let text = Text {
            value: s.value.template().to_string(),
            offset: locate(&cx.src.text, start, s.value.template()),
            double_quoted: cx.src.text[start..].starts_with('"'),
        };
        if let Ok(resolved) = s.value.clone().try_map(|n| cx.any_node(&n, topo).ok_or(())) {
            solution.push((resolved, text));
        }
    }
    solution
}

fn resolve_hints(
    raw: &BTreeMap<String, Vec<Spanned<String>>>,
    cx: &mut Ctx,
) -> BTreeMap<String, Vec<Text>> {
    let mut hints = BTreeMap::new();
    for (lang, list) in raw {
        if (crate::i18n::Lang::parse(lang).is_none() || lang.len() != 2)
            && let Some(first) = list.first()
        {
            cx.warn(first, msg!("lint-unknown-language", value = lang.as_str()));
        }
        hints.insert(lang.clone(), list.iter().map(|h| cx.text(h)).collect());
    }
    hints
}

fn validate_step(raw: &RawStep, topo: &Topology, data: Option<&Dataset>, cx: &mut Ctx) -> Step {
    let checks = resolve_checks(&raw.checks, raw.kind == StepKind::Action, topo, data, cx);
    match raw.kind {
        StepKind::Action | StepKind::Observe if raw.checks.is_empty() => {
            cx.error(
                &raw.id,
                msg!(
                    "lint-step-needs-checks",
                    step = raw.id.value.as_str(),
                    kind = raw.kind.as_str()
                ),
            );
        }
        StepKind::Read if !raw.checks.is_empty() => {
            cx.warn(
                &raw.id,
                msg!("lint-read-step-checks", step = raw.id.value.as_str()),
            );
        }
        _ => {}
    }
    if raw.kind == StepKind::Action && raw.solution.is_empty() {
        cx.error(
            &raw.id,
            msg!("lint-action-needs-solution", step = raw.id.value.as_str()),
        );
    }
    let solution = resolve_solution(&raw.solution, topo, cx);
    let hints = resolve_hints(&raw.hints, cx);
    let timeout = match &raw.timeout {
        Some(t) if !(1..=600).contains(&t.value) => {
            cx.error(t, msg!("lint-bad-timeout", value = t.value));
            DEFAULT_STEP_TIMEOUT
        }
        Some(t) => Duration::from_secs(t.value),
        None => DEFAULT_STEP_TIMEOUT,
    };
    let hold = match &raw.hold {
        None => Duration::ZERO,
        Some(h) if raw.kind != StepKind::Action => {
            cx.error(
                h,
                msg!("lint-hold-not-action", step = raw.id.value.as_str()),
            );
            Duration::ZERO
        }
        Some(h) if !(1..=120).contains(&h.value) => {
            cx.error(h, msg!("lint-bad-hold", value = h.value));
            Duration::ZERO
        }
        Some(h) => Duration::from_secs(h.value),
    };
    Step {
        hold,
        id: raw.id.value.clone(),
        kind: raw.kind,
        title: raw.title.clone(),
        node: raw.node.as_ref().and_then(|n| cx.any_node(n, topo)),
        timeout,
        background: raw.background,
        checks,
        solution,
        hints,
        pos: cx.pos(&raw.id),
    }
}

fn validate_exercise(
    raw: &RawExercise,
    at: &Spanned<String>,
    topo: &Topology,
    data: Option<&Dataset>,
    cx: &mut Ctx,
) -> Exercise {
    if !(1..=100).contains(&raw.pass_mark.value) {
        cx.error(
            &raw.pass_mark,
            msg!("lint-bad-pass-mark", value = raw.pass_mark.value),
        );
    }
    let time_limit = match &raw.time_limit {
        Some(t) if !(10..=7200).contains(&t.value) => {
            cx.error(t, msg!("lint-bad-time-limit", value = t.value));
            None
        }
        Some(t) => Some(Duration::from_secs(t.value)),
        None => None,
    };
    if raw.criteria.is_empty() {
        cx.error(at, msg!("lint-no-criteria"));
    }
    let mut ids = BTreeSet::new();
    let mut criteria = vec![];
    for c in &raw.criteria {
        if !is_step_id(&c.id.value) {
            cx.error(&c.id, msg!("lint-bad-step-id", value = c.id.value.as_str()));
        } else if !ids.insert(c.id.value.clone()) {
            cx.error(
                &c.id,
                msg!("lint-duplicate-criterion", id = c.id.value.as_str()),
            );
        }
        if c.points.value == 0 {
            cx.error(
                &c.points,
                msg!("lint-criterion-no-points", id = c.id.value.as_str()),
            );
        }
        if c.checks.is_empty() {
            cx.error(
                &c.id,
                msg!("lint-criterion-no-checks", id = c.id.value.as_str()),
            );
        }
        let checks = resolve_checks(&c.checks, true, topo, data, cx);
        if raw.background != Some(Background::Consistency) && reads_consistency(&checks) {
            cx.error(
                &c.id,
                msg!("lint-consistency-not-started", step = c.id.value.as_str()),
            );
        }
        criteria.push(Criterion {
            id: c.id.value.clone(),
            points: c.points.value,
            description: c.description.clone(),
            checks,
        });
    }
    if raw.solution.is_empty() {
        cx.error(at, msg!("lint-exercise-needs-solution"));
    }
    Exercise {
        scheme: Scheme {
            criteria,
            pass_mark: raw.pass_mark.value,
            hint_cost: raw.hint_cost,
        },
        time_limit,
        background: raw.background,
        solution: resolve_solution(&raw.solution, topo, cx),
        hints: resolve_hints(&raw.hints, cx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"id: demo
title: { en: Demo, es: Demo }
topology:
  hosts: [a, b, c]
  ports: [6379, 6380]
  masters:
    - { node: a:6379, slots: [0-5460] }
    - { node: b:6379, slots: [5461-10922] }
    - { node: c:6379, slots: [10923-16383] }
  replicas:
    - { node: a:6380, of: b:6379 }
data: { prefix: "d:", count: 10 }
steps:
  - id: look
    kind: observe
    checks: [cluster-ok, { keys: 10 }]
  - id: act
    kind: action
    checks:
      - role: { node: a:6380, is: master }
    solution:
      - redis-cli: { node: a:6380, command: CLUSTER FAILOVER }
    hints:
      en: ["Run it on {{ node('a', 6380) }}"]
"#;

    fn parse(text: &str) -> (Option<Manifest>, Vec<Diagnostic>) {
        Manifest::parse(&SourceFile::new("lab.yaml", text.to_string()))
    }

    #[test]
    fn a_good_manifest_validates() {
        let (m, diags) = parse(GOOD);
        assert!(diags.is_empty(), "{diags:?}");
        let m = m.unwrap();
        assert_eq!(m.topology.nodes().len(), 6);
        assert_eq!(m.steps[1].kind, StepKind::Action);
        assert_eq!(m.steps[1].pos, Pos { line: 17, col: 9 });
        let hint = &m.steps[1].hints["en"][0];
        assert!(GOOD[hint.offset..].starts_with("Run it on"));
        let sol = &m.steps[1].solution[0].1;
        assert!(GOOD[sol.offset..].starts_with("CLUSTER FAILOVER"));
    }

    fn first_error(text: &str) -> Diagnostic {
        let (_, diags) = parse(text);
        diags.into_iter().find(|d| d.is_error()).expect("an error")
    }

    #[test]
    fn a_hold_belongs_to_an_action_and_is_bounded() {
        let (m, diags) = parse(&GOOD.replace("kind: action\n", "kind: action\n    hold: 10\n"));
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        assert_eq!(m.unwrap().steps[1].hold, Duration::from_secs(10));
        let d = first_error(&GOOD.replace("kind: observe\n", "kind: observe\n    hold: 10\n"));
        assert_eq!(d.msg.id, "lint-hold-not-action");
        assert_eq!(d.pos.line, 16);
        let d = first_error(&GOOD.replace("kind: action\n", "kind: action\n    hold: 0\n"));
        assert_eq!(d.msg.id, "lint-bad-hold");
    }

    #[test]
    fn unknown_nodes_and_kinds_are_located() {
        let d = first_error(&GOOD.replace("node: a:6380, is", "node: d:6380, is"));
        assert_eq!(d.msg.id, "lint-unknown-node");
        assert_eq!(d.pos, Pos { line: 20, col: 23 });
        let d = first_error(&GOOD.replace("cluster-ok,", "cluster-okay,"));
        assert_eq!(d.msg.id, "lint-unknown-check-kind");
        assert_eq!(d.pos, Pos { line: 16, col: 14 });
    }

    const SENTINEL: &str = "id: s
title: { en: S }
topology:
  kind: sentinel
  hosts: [a, b, c]
  ports: [6379]
  masters:
    - { node: a:6379 }
  replicas:
    - { node: b:6379, of: a:6379 }
  sentinel: { name: cursoredis, quorum: 2, down-after: 2000, failover-timeout: 10000 }
steps:
  - id: ask
    kind: observe
    checks:
      - sentinel: { node: c:26379, replicas: 1 }
      - down: b:26379
";

    #[test]
    fn set_up_actions_fit_the_topology_and_keep_its_safety() {
        let with = |setup: &str| SENTINEL.replace("steps:", &format!("setup:\n{setup}\nsteps:"));
        let (m, diags) = parse(&with(
            "  - sentinel-set: { option: quorum, value: \"3\" }\n  - stop: c:26379\n  - config-set: { node: c:6379, name: replica-priority, value: \"0\" }",
        ));
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        assert_eq!(m.unwrap().setup.len(), 3);
        let id = |setup: &str| first_error(&with(setup)).msg.id;
        assert_eq!(id("  - failover: b:6379"), "lint-setup-cluster-only");
        assert_eq!(
            id("  - config-set: { node: b:6379, name: bind, value: 0.0.0.0 }"),
            "lint-config-network"
        );
        assert_eq!(
            id("  - config-set: { node: a:26379, name: maxmemory, value: 1mb }"),
            "lint-setup-config-sentinel"
        );
        assert_eq!(
            id("  - sentinel-set: { option: auth-pass, value: x }"),
            "lint-sentinel-set-option"
        );
        assert_eq!(
            id("  - protect: { sentinels: [a:26379] }"),
            "lint-protect-no-password"
        );
        assert_eq!(
            id("  - sentinel-set: { node: a:6379, option: quorum, value: \"2\" }"),
            "lint-setup-not-sentinel"
        );
        let d = first_error(&GOOD.replace("steps:", "setup:\n  - stop: a:6379\nsteps:"));
        assert_eq!(d.msg.id, "lint-setup-not-cluster");
    }

    #[test]
    fn a_sentinel_topology_and_its_limits() {
        let (m, diags) = parse(SENTINEL);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        let t = m.unwrap().topology;
        assert_eq!(t.sentinels().len(), 3);
        assert_eq!(t.sentinel.as_ref().unwrap().port, 26379);
        // Sentinels are named like nodes in checks, never as masters or replicas.
        let d = first_error(&SENTINEL.replace("node: b:6379, of", "node: b:26379, of"));
        assert_eq!(d.msg.id, "lint-unknown-node");
        let d = first_error(&SENTINEL.replace("quorum: 2", "quorum: 4"));
        assert_eq!(d.msg.id, "lint-sentinel-quorum");
        let d = first_error(&SENTINEL.replace("down-after: 2000", "down-after: 99"));
        assert_eq!(d.msg.id, "lint-sentinel-down-after");
        let d = first_error(&SENTINEL.replace("name: cursoredis", "name: \"two words\""));
        assert_eq!(d.msg.id, "lint-sentinel-name");
        let d = first_error(&SENTINEL.replace("kind: sentinel", "kind: replication"));
        assert_eq!(d.msg.id, "lint-sentinel-not-sentinel");
        // Replication and standalone kinds: no slots, no node-timeout, no replicas alone.
        let plain = SENTINEL.replace("kind: sentinel", "kind: replication");
        let plain = plain.replace(
            "  sentinel: { name: cursoredis, quorum: 2, down-after: 2000, failover-timeout: 10000 }\n",
            "",
        );
        let plain = plain.replace(
            "      - sentinel: { node: c:26379, replicas: 1 }\n      - down: b:26379\n",
            "      - role: { node: b:6379, is: replica }\n",
        );
        let (m, diags) = parse(&plain);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        assert!(m.unwrap().topology.sentinels().is_empty());
        let d =
            first_error(&plain.replace("{ node: a:6379 }", "{ node: a:6379, slots: [0-16383] }"));
        assert_eq!(d.msg.id, "lint-slots-not-cluster");
        let d = first_error(&plain.replace("ports: [6379]", "ports: [6379]\n  node-timeout: 3000"));
        assert_eq!(d.msg.id, "lint-node-timeout-not-cluster");
        let d = first_error(&plain.replace("kind: replication", "kind: standalone"));
        assert_eq!(d.msg.id, "lint-replicas-standalone");
    }

    #[test]
    fn slot_plans_must_cover_without_overlap() {
        let d = first_error(&GOOD.replace("[5461-10922]", "[5400-10922]"));
        assert_eq!(d.msg.id, "lint-slots-overlap");
        assert_eq!(d.pos.line, 8);
        let d = first_error(&GOOD.replace("[5461-10922]", "[5461-10000]"));
        assert_eq!(d.msg.id, "lint-slots-uncovered");
    }

    #[test]
    fn a_consistency_check_needs_a_test_started_before() {
        let yaml = GOOD.replace(
            "    checks: [cluster-ok, { keys: 10 }]",
            "    checks: [cluster-ok, { consistency: { lost: 0 } }]",
        );
        let d = first_error(&yaml);
        assert_eq!(d.msg.id, "lint-consistency-not-started");
        let started = yaml.replace(
            "    kind: observe\n",
            "    kind: observe\n    background: consistency\n",
        );
        assert!(
            parse(&started).1.iter().all(|d| !d.is_error()),
            "{:?}",
            parse(&started).1
        );
    }

    #[test]
    fn a_test_is_checked_before_another_starts() {
        let twice = GOOD
            .replace(
                "    kind: observe\n",
                "    kind: observe\n    background: consistency\n",
            )
            .replace(
                "    kind: action\n",
                "    kind: action\n    background: consistency\n",
            );
        let d = first_error(&twice);
        assert_eq!(d.msg.id, "lint-second-background");
        assert_eq!(d.pos.line, 18);
        // Once a step has checked the first, a later step may start another.
        let checked = twice.replace(
            "    checks: [cluster-ok, { keys: 10 }]",
            "    checks: [cluster-ok, { consistency: { lost: 0 } }]",
        );
        assert!(
            parse(&checked).1.iter().all(|d| !d.is_error()),
            "{:?}",
            parse(&checked).1
        );
    }

    #[test]
    fn step_rules() {
        let d = first_error(&GOOD.replace(
            "    solution:\n      - redis-cli: { node: a:6380, command: CLUSTER FAILOVER }\n",
            "",
        ));
        assert_eq!(d.msg.id, "lint-action-needs-solution");
        let d = first_error(&GOOD.replace(
            "kind: observe\n    checks: [cluster-ok,",
            "kind: observe\n    checks: [{ epoch-rose: a:6379 },",
        ));
        assert_eq!(d.msg.id, "lint-change-check-not-action");
        let d = first_error(&GOOD.replace("id: act", "id: look"));
        assert_eq!(d.msg.id, "lint-duplicate-step");
    }
}
