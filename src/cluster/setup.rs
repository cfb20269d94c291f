//! Reaching a lab's setup state on a formed cluster: each set-up action run on the live
//! nodes, waiting after each until they show it. (`verify::simulate` pictures the same state
//! without a cluster.)

use std::time::{Duration, Instant};

use redis::cmd;

use super::conn::connect;
use super::form::Member;
use super::inspect::Inspector;
use crate::error::{Error, Result};
use crate::model::node::NodeRef;
use crate::model::setup::SetupAction;
use crate::model::slots::SlotSet;
use crate::model::state::ClusterState;
use crate::msg;

fn member<'a>(members: &'a [Member], n: &NodeRef) -> Result<&'a Member> {
    members
        .iter()
        .find(|m| &m.name == n)
        .ok_or_else(|| Error::Usage(msg!("solution-unknown-node", node = n.to_string())))
}

async fn send(m: &Member, args: &[String]) -> Result<redis::Value> {
    let mut c = connect(&m.target)
        .await
        .map_err(|e| Error::Environment(e.unreachable(&m.target.addr)))?;
    let mut command = cmd(&args[0]);
    for a in &args[1..] {
        command.arg(a);
    }
    command.query_async(&mut c).await.map_err(|e| {
        Error::Environment(msg!(
            "error-cluster-command",
            addr = m.target.addr.to_string(),
            command = args.join(" "),
            reason = e.to_string()
        ))
    })
}

async fn id_of(m: &Member) -> Result<String> {
    let v = send(m, &["CLUSTER".into(), "MYID".into()]).await?;
    Ok(super::parse::text(&v).unwrap_or_default())
}

async fn wait(members: &[Member], what: &str, done: impl Fn(&ClusterState) -> bool) -> Result<()> {
    let inspector = Inspector::new(members.iter().map(|m| m.target.clone()).collect(), None);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if done(&inspector.snapshot().await) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(Error::Environment(msg!("error-setup-stuck", action = what)));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub async fn apply(members: &[Member], actions: &[SetupAction<NodeRef>]) -> Result<()> {
    for action in actions {
        match action {
            SetupAction::Failover(n) => {
                let m = member(members, n)?;
                // TAKEOVER: the state is wanted, not an election (and no vote delay after it).
                send(m, &["CLUSTER".into(), "FAILOVER".into(), "TAKEOVER".into()]).await?;
                let addr = m.target.addr.clone();
                wait(members, &format!("failover {n}"), |s| {
                    s.node(&addr)
                        .is_some_and(|x| x.is_master() && !x.slots.is_empty())
                        && s.nodes_agree()
                })
                .await?;
            }
            SetupAction::Replicate { node, master } => {
                let (r, m) = (member(members, node)?, member(members, master)?);
                let id = id_of(m).await?;
                send(r, &["CLUSTER".into(), "REPLICATE".into(), id.clone()]).await?;
                let addr = r.target.addr.clone();
                wait(members, &format!("replicate {node} {master}"), |s| {
                    s.node(&addr).is_some_and(|x| {
                        x.master_id.as_deref() == Some(id.as_str())
                            && x.replication.link_up == Some(true)
                    }) && s.nodes_agree()
                })
                .await?;
            }
            SetupAction::OpenSlot { slot, from, to } => {
                let (f, t) = (member(members, from)?, member(members, to)?);
                let (fid, tid) = (id_of(f).await?, id_of(t).await?);
                let s = slot.to_string();
                send(
                    t,
                    &[
                        "CLUSTER".into(),
                        "SETSLOT".into(),
                        s.clone(),
                        "IMPORTING".into(),
                        fid,
                    ],
                )
                .await?;
                send(
                    f,
                    &[
                        "CLUSTER".into(),
                        "SETSLOT".into(),
                        s,
                        "MIGRATING".into(),
                        tid,
                    ],
                )
                .await?;
            }
            SetupAction::Uncover(ranges) => {
                // Every node forgets the slots' owner, the owner too, so nobody claims them.
                for m in members {
                    let mut c = connect(&m.target)
                        .await
                        .map_err(|e| Error::Environment(e.unreachable(&m.target.addr)))?;
                    let mut command = cmd("CLUSTER");
                    command.arg("DELSLOTSRANGE");
                    for r in ranges {
                        command.arg(r.start).arg(r.end);
                    }
                    match command.query_async::<()>(&mut c).await {
                        Ok(()) => {}
                        // A node that had already forgotten them says so; that is the goal.
                        Err(e) if e.to_string().contains("already unassigned") => {}
                        Err(e) => {
                            return Err(Error::Environment(msg!(
                                "error-cluster-command",
                                addr = m.target.addr.to_string(),
                                command = "CLUSTER DELSLOTSRANGE",
                                reason = e.to_string()
                            )));
                        }
                    }
                }

                let gone = SlotSet::from_ranges(ranges.iter().copied());
                wait(members, "uncover", |s| {
                    s.covered().intersection(&gone).is_empty()
                })
                .await?;
            }
        }
    }
    Ok(())
}
