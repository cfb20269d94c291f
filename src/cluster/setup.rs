//! Reaching a lab's setup state on a formed cluster: each set-up action run on the live
//! nodes, waiting after each until they show it. (`verify::simulate` pictures the same state
//! without a cluster.)

use std::time::{Duration, Instant};

use redis::cmd;

use super::command::{self, Purpose};
use super::conn::{Auth, connect};
use super::form::Member;
use super::inspect::Inspector;
use crate::error::{Error, Result};
use crate::model::node::NodeRef;
use crate::model::setup::SetupAction;
use crate::model::slots::SlotSet;
use crate::model::state::ClusterState;
use crate::model::topology::Secret;
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
            // Replication and Sentinel labs' actions: [`apply_plain`].
            SetupAction::ConfigSet { .. }
            | SetupAction::SentinelSet { .. }
            | SetupAction::Protect { .. }
            | SetupAction::Stop(_) => {}
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

/// How long one set-up command may take.
const COMMAND: Duration = Duration::from_secs(5);

/// One command, with the lab's password on a node that asks for it.
async fn send_plain(m: &Member, words: &[&str], password: Option<&Auth>) -> Result<String> {
    let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    command::send(&m.target, &words, Purpose::Replay, COMMAND, None, password)
        .await
        .map_err(Error::Environment)
}

/// A replication or Sentinel lab's set-up, once its nodes and Sentinels are ready: settings
/// changed, the lab's password set where it says, processes shut down.
pub async fn apply_plain(
    nodes: &[Member],
    sentinels: &[Member],
    monitored: &str,
    password: Option<&Secret>,
    actions: &[SetupAction<NodeRef>],
) -> Result<()> {
    let auth = password.map(|p| Auth::password(p.expose()));
    let auth = auth.as_ref();
    let all: Vec<&Member> = nodes.iter().chain(sentinels).collect();
    let find = |n: &NodeRef| -> Result<&Member> {
        all.iter()
            .copied()
            .find(|m| &m.name == n)
            .ok_or_else(|| Error::Usage(msg!("solution-unknown-node", node = n.to_string())))
    };
    for action in actions {
        match action {
            SetupAction::ConfigSet { node, name, value } => {
                send_plain(find(node)?, &["CONFIG", "SET", name, value], auth).await?;
            }
            SetupAction::SentinelSet {
                node,
                option,
                value,
            } => {
                let targets: Vec<&Member> = match node {
                    Some(n) => vec![find(n)?],
                    None => sentinels.iter().collect(),
                };
                for m in targets {
                    send_plain(m, &["SENTINEL", "SET", monitored, option, value], auth).await?;
                }
            }
            SetupAction::Protect { sentinels: with } => {
                let Some(pw) = password else {
                    return Err(Error::Usage(msg!("lint-protect-no-password")));
                };
                let pw = pw.expose();
                // Replicas learn the password before the master asks for it.
                for m in nodes {
                    send_plain(m, &["CONFIG", "SET", "masterauth", pw], auth).await?;
                }
                for m in nodes {
                    send_plain(m, &["CONFIG", "SET", "requirepass", pw], auth).await?;
                }
                // Connections made before the password stay in; the Sentinels' are dropped,
                // so a Sentinel without auth-pass finds itself refused.
                for m in nodes {
                    for kind in ["normal", "pubsub"] {
                        send_plain(m, &["CLIENT", "KILL", "TYPE", kind], auth).await?;
                    }
                }
                for n in with {
                    send_plain(
                        find(n)?,
                        &["SENTINEL", "SET", monitored, "auth-pass", pw],
                        auth,
                    )
                    .await?;
                }
            }
            SetupAction::Stop(n) => {
                let m = find(n)?;
                let is_sentinel = sentinels.iter().any(|s| &s.name == n);
                let words: &[&str] = if is_sentinel {
                    &["SHUTDOWN"]
                } else {
                    &["SHUTDOWN", "SAVE"]
                };
                // The node closes the connection instead of answering: the port going quiet
                // is the answer.
                let _ = send_plain(m, words, auth).await;
                let deadline = Instant::now() + Duration::from_secs(10);
                let at = (m.target.addr.host.clone(), m.target.addr.port);
                // Its port refusing connections is the sign: a node that asks for a password
                // still accepts them.
                while tokio::net::TcpStream::connect(at.clone()).await.is_ok() {
                    if Instant::now() >= deadline {
                        return Err(Error::Environment(msg!(
                            "error-setup-stuck",
                            action = format!("stop {n}")
                        )));
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
            SetupAction::Failover(_)
            | SetupAction::Replicate { .. }
            | SetupAction::OpenSlot { .. }
            | SetupAction::Uncover(_) => {}
        }
    }
    Ok(())
}
