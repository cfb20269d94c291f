//! Checks: language-neutral assertions about a cluster's state, as a lab declares them.
//!
//! Every kind of check is one self-contained unit in `kinds/`: how it is written and read, what
//! it needs around it, how it is evaluated over a snapshot and says what differs, the evidence
//! a grade keeps for it, and whether lint can judge it on a pictured state. A new kind is one
//! file there, one line in its registry and its messages.
//!
//! In YAML each check is either a bare kind (`- cluster-ok`) or a one-key map
//! (`- role: { node: c:6380, is: master }`).

use std::fmt;
use std::sync::Arc;

use serde_json::Value;
use serde_saphyr::Spanned;

use super::Context;
use super::args::{Arg, Args, Build};
use crate::i18n::Msg;
use crate::model::{ClusterState, NodeRef};

/// What a kind needs around it to be evaluated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// Compares with the state when the step began: it belongs in action steps and criteria.
    pub start: bool,
    /// Reads the counters of the consistency test running in the background.
    pub consistency: bool,
    /// Counts the lab's keys: the lab must declare its data.
    pub data: bool,
}

/// Whether lint can judge a check on a pictured state (the topology with its set-up applied).
#[derive(Clone, Debug, PartialEq)]
pub enum Simulation {
    /// The pictured state holds everything the check reads.
    Exact,
    /// It reads what no picture has (a running test, time, processes, gossip): only a real
    /// cluster (`lab test`) can tell; the message says why.
    NotSimulated(Msg),
}

/// The two states a grade's evidence is taken from.
pub struct Evidence<'a> {
    pub cx: &'a Context<'a>,
    pub baseline: &'a ClusterState,
    pub now: &'a ClusterState,
}

/// One kind of check, with its arguments.
pub trait Kind: fmt::Debug + Send + Sync {
    /// The kind as written in YAML: `role`.
    fn name(&self) -> &'static str;

    /// The check as written in `lab.yaml`: `role: { node: c:6380, is: master }`.
    fn written(&self) -> String;

    fn needs(&self) -> Needs {
        Needs::default()
    }

    /// The nodes it names, for evidence and for failover advice.
    fn nodes(&self) -> Vec<&NodeRef> {
        vec![]
    }

    /// `None` when the check holds; otherwise what was expected and what the cluster shows.
    fn evaluate(
        &self,
        cx: &Context,
        start: Option<&ClusterState>,
        now: &ClusterState,
    ) -> Option<Msg>;

    /// What a grade keeps besides the named nodes' state: the slice of cluster-wide state the
    /// check looked at, by name.
    fn evidence(&self, e: &Evidence) -> Vec<(&'static str, Value)>;

    fn simulation(&self) -> Simulation {
        Simulation::Exact
    }

    /// Keys the check reads: every snapshot of the lab fetches them.
    fn keys(&self) -> Vec<&str> {
        vec![]
    }

    /// CONFIG parameters the check reads: every snapshot of the lab fetches them.
    fn config(&self) -> Vec<&str> {
        vec![]
    }

    /// Commands the check sends: every snapshot of the lab sends them and keeps the answers.
    fn probes(&self) -> Vec<crate::model::reply::Probe> {
        vec![]
    }

    /// Nodes the check wants serving as masters: which replica a failover step is about.
    fn wants_master(&self) -> Vec<&NodeRef> {
        vec![]
    }
}

/// A check of any kind: cheap to clone, compared by how it is written.
#[derive(Clone)]
pub struct Check(Arc<dyn Kind>);

impl Check {
    pub fn new(k: impl Kind + 'static) -> Check {
        Check(Arc::new(k))
    }
}

impl std::ops::Deref for Check {
    type Target = dyn Kind;
    fn deref(&self) -> &(dyn Kind + 'static) {
        &*self.0
    }
}

impl PartialEq for Check {
    fn eq(&self, other: &Check) -> bool {
        self.written() == other.written()
    }
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written())
    }
}

/// How a kind is read: its name, whether it takes arguments, an example of it written out
/// (error messages show it), and the function that reads its arguments.
pub struct KindDef {
    pub name: &'static str,
    /// Written bare (`- cluster-ok`), or with a value that is ignored (`- cluster-ok: true`).
    pub bare: bool,
    pub usage: &'static str,
    pub build: fn(&mut Args) -> Option<Check>,
}

impl KindDef {
    /// The check these arguments make, resolving node names with `build`; `None` when they
    /// are wrong (the problem is reported to `build`, where it is written).
    pub fn read(&'static self, args: &Spanned<Arg>, build: &mut dyn Build) -> Option<Check> {
        let mut a = Args::new(self.name, self.usage, args, build);
        (self.build)(&mut a)
    }
}

impl fmt::Debug for KindDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}
