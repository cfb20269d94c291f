//! What goes into the engine and what comes out of it.

use std::sync::Arc;

use crate::grade::Grade;
use crate::i18n::Msg;
use crate::lab::manifest::Text;
use crate::lab::solution::Solution;
use crate::model::consistency::{ConsistencySummary, Live, Report};
use crate::model::{ClusterState, Layout, NodeRef};

use super::progress::Progress;

/// What the student asks for, from any front-end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Next,
    Back,
    /// Check the current step now, and say what differs.
    Check,
    Hint,
    /// The log of the node the slide on screen is about.
    Log,
    /// Grade an exercise now.
    Grade,
    Quit,
}

/// How the cluster came up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Came {
    Created,
    Reused,
    Reformed,
    /// Built again and the steps done so far replayed on it.
    Replayed,
    /// Resumed on the lab's nodes as the student left them, though not healthy (a process
    /// the step stopped, say).
    AsLeft,
}

impl Came {
    /// The student's nodes, as they were: their step's start still holds.
    pub fn kept(self) -> bool {
        matches!(self, Came::Reused | Came::AsLeft)
    }
}

/// A fault made with `lab node` (recorded in the state directory by whichever process made
/// it).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fault {
    pub node: NodeRef,
    /// `stop`, `kill`, `pause`, `resume`, `start`.
    pub action: String,
    pub at_ms: u64,
}

/// Events from the consistency test run in the background.
#[derive(Clone, Debug, PartialEq)]
pub enum Background {
    Started {
        run_id: String,
    },
    /// Its counters now.
    Counters {
        live: Live,
        summary: ConsistencySummary,
    },
    Failed(Msg),
    /// Stopped at the engine's request: the final report.
    Stopped(Box<Report>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Command(Command),
    /// Provisioning says what it is doing.
    Provisioning(Msg),
    Ready {
        layout: Layout,
        came: Came,
        snapshot: Arc<ClusterState>,
        /// How long bringing it up took.
        took_ms: u64,
    },
    ClusterFailed(Msg),
    Snapshot(Arc<ClusterState>),
    Background(Background),
    /// The clock (Unix ms): time limits, the spinner, deadlines of drivers.
    Tick(u64),
    /// Progress saved by another command in the meantime.
    ProgressChanged(Box<Progress>),
    /// How the last save went.
    Saved(Result<(), Msg>),
    Fault(Fault),
    /// A solution the engine asked for has run.
    SolutionDone(Result<(), Msg>),
    /// The grade report the engine asked to keep was written (its path), or not.
    GradeSaved(Result<String, Msg>),
    /// Another front-end takes this lab over (`lab start --take-over`).
    TakenOver {
        pid: u32,
    },
}

/// A solution line with its templates filled in for the cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub how: Solution<NodeRef>,
    pub text: String,
}

impl Line {
    pub fn render(
        lines: &[(Solution<NodeRef>, Text)],
        render: impl Fn(&str) -> Result<String, Msg>,
    ) -> Result<Vec<Line>, Msg> {
        lines
            .iter()
            .map(|(how, text)| {
                Ok(Line {
                    how: how.clone(),
                    text: render(&text.value)?,
                })
            })
            .collect()
    }
}

/// Why solution lines are run: as the student would type them, or to reach a step's start
/// again (see `cluster::command::Purpose`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run {
    Solve,
    Replay,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Something the views show changed.
    Draw,
    /// Write the progress (the answer comes back as [`Event::Saved`]).
    Save(Box<Progress>),
    StartBackground,
    /// Stop the background test; its report comes back as [`Background::Stopped`].
    StopBackground,
    /// Run these lines, in order; [`Event::SolutionDone`] when they have.
    RunSolution {
        step: String,
        lines: Vec<Line>,
        run: Run,
    },
    /// Show the log of this node from this time on.
    OpenLog {
        node: NodeRef,
        since_ms: u64,
    },
    /// Keep this grade as a report ([`Event::GradeSaved`] tells where), with the progress it
    /// belongs to (attempt, language, start).
    SaveGrade {
        grade: Box<Grade>,
        progress: Box<Progress>,
    },
    /// The engine has nothing more to do: the front-end or driver ends.
    Quit,
}
