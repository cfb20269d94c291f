//! The cluster a student's lab runs on: reused, rebuilt for a new attempt, or built again and
//! brought to the step the student had reached.

use super::drive;
use super::session::Session;
use super::solution::Env;
use crate::cluster::form::{Expected, Phase, Progress as FormProgress};
use crate::cluster::provision::{self, Cluster, Source, Spec, UpOutcome};
use crate::cluster::statedir::StateDir;
use crate::engine::{Came, Plan};
use crate::error::{Error, Result};
use crate::i18n::Msg;
use crate::lab::Lab;
use crate::model::ClusterState;

/// How the lab's cluster is to be brought up.
#[derive(Clone, Debug)]
pub struct Provision {
    pub state: StateDir,
    pub spec: Spec,
    pub source: Source,
    /// A new attempt: it starts from the lab's initial layout.
    pub fresh_start: bool,
    /// A resumed lab on a cluster that had to be built again gets the steps done so far
    /// replayed (up to this step), in this language's plan.
    pub replay: Option<(usize, crate::i18n::Lang)>,
    /// How solutions reach the cluster when replayed.
    pub env: Env,
}

/// Phases of `up`, said as messages.
struct Say<'a>(&'a (dyn Fn(Msg) + Sync));

impl FormProgress for Say<'_> {
    fn phase(&self, p: Phase) {
        (self.0)(p.msg());
    }
}

/// The lab's layout and data exactly as the manifest plans them.
pub fn is_initial(cluster: &Cluster, spec: &Spec, s: &ClusterState) -> bool {
    let expected = Expected::of(&spec.topology, |n| cluster.addr(n));
    let keys_ok = spec
        .data
        .as_ref()
        .is_none_or(|d| s.lab_keys() == Some(d.count));
    expected.missing(s).is_empty() && keys_ok && s.is_healthy()
}

/// This lab's own nodes as they are, if the state directory holds them and one answers.
async fn as_left(state: &StateDir, spec: &Spec) -> Result<Option<(Cluster, ClusterState)>> {
    let auth = crate::cluster::conn::Auth::from_env();
    let Some(cluster) = provision::current(state, &auth)? else {
        return Ok(None);
    };
    if cluster.record.lab != spec.lab {
        return Ok(None);
    }
    let snap = cluster
        .inspector()
        .with_fallback(spec.lab_auth())
        .snapshot()
        .await;
    Ok((!snap.nodes.is_empty()).then_some((cluster, snap)))
}

pub async fn provision(
    lab: Lab,
    how: Provision,
    say: &(dyn Fn(Msg) + Sync),
) -> Result<(Session, Came, ClusterState)> {
    let progress = Say(say);
    let Provision {
        state,
        spec,
        source,
        fresh_start,
        replay,
        env,
    } = how;
    let mut as_left_now = false;
    let (cluster, outcome, snap) =
        match provision::up(&state, &spec, &source, false, &progress).await {
            Ok((cluster, outcome, snap)) => {
                // A lab that starts from a set-up state (a fault to repair, bare nodes) cannot
                // tell its start from what the last attempt left: a new attempt rebuilds it.
                let left_over = outcome == UpOutcome::Reused && spec.starts_unhealthy();
                if fresh_start && (left_over || !is_initial(&cluster, &spec, &snap)) {
                    provision::up(&state, &spec, &source, true, &progress).await?
                } else {
                    (cluster, outcome, snap)
                }
            }
            // A broken cluster cannot be resumed, but a lab starting over may rebuild it.
            Err(Error::Failed(_)) if fresh_start => {
                provision::up(&state, &spec, &source, true, &progress).await?
            }
            // Part-way through, what looks broken is often the lesson (a Sentinel the
            // student stopped): the lab resumes on the nodes as they were left, and says so.
            Err(Error::Failed(why)) if replay.as_ref().is_some_and(|(t, _)| *t > 0) => {
                match as_left(&state, &spec).await? {
                    Some((cluster, snap)) => {
                        as_left_now = true;
                        (cluster, UpOutcome::Reused, snap)
                    }
                    None => return Err(Error::Failed(why)),
                }
            }
            Err(e) => return Err(e),
        };
    let session = Session::new(lab.clone(), cluster)?;
    let came = match outcome {
        UpOutcome::Reused if as_left_now => Came::AsLeft,
        UpOutcome::Reused => Came::Reused,
        UpOutcome::Created { .. } => Came::Created,
        UpOutcome::Reformed { .. } => Came::Reformed,
    };
    match replay {
        Some((target, lang)) if target > 0 && !came.kept() => {
            say(Phase::Replaying.msg());
            drive::replay(&session, Plan::new(lab, lang)?, target, &env).await?;
            let snap = session.snapshot().await;
            Ok((session, Came::Replayed, snap))
        }
        _ => Ok((session, came, snap)),
    }
}
