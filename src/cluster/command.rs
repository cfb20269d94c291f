//! One command line sent to one node the way a lab's solutions mean it.
//!
//! Two facts of Redis Cluster live here rather than in whoever runs solutions:
//! - CLUSTER FAILOVER answers OK before anything happens, so a line that sends it returns only
//!   once the node is a master: the next line (a failback, say) needs the new roles.
//! - A replay (`lab reset`, a resumed lab on a new cluster) wants the state, not an election:
//!   a plain CLUSTER FAILOVER is sent as TAKEOVER there, which needs no votes, so masters that
//!   voted for the student's own failover (and refuse a second vote for 2 × node-timeout) do
//!   not stall it.

use std::time::Duration;

use redis::Value;

use super::conn::{Auth, Target, connect};
use super::parse;
use crate::i18n::Msg;
use crate::model::state::ConnError;
use crate::msg;

/// Why a line is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// As the student would type it (`lab test`, solutions shown to work).
    Solve,
    /// To reach a step's start again.
    Replay,
}

/// `CLUSTER FAILOVER` with no option: the one that asks for an election.
fn is_plain_failover(args: &[String]) -> bool {
    args.len() == 2 && is_failover(args)
}

fn is_failover(args: &[String]) -> bool {
    args.len() >= 2
        && args[0].eq_ignore_ascii_case("cluster")
        && args[1].eq_ignore_ascii_case("failover")
}

/// The words actually sent for `purpose`.
pub fn words_for(args: &[String], purpose: Purpose) -> Vec<String> {
    let mut out = args.to_vec();
    if purpose == Purpose::Replay && is_plain_failover(args) {
        out.push("TAKEOVER".into());
    }
    out
}

/// Sends `args` to `target` and returns the reply as text; an error reply fails the line.
/// Bounded by `timeout`, the wait for a promotion included.
/// Sends one solution line; its reply as text. With `expect_error`, the line succeeds only
/// when the node refuses it with an error starting so (case aside), and the error is the text.
/// A line refused with NOAUTH (or a connection that needs a password) is sent once more with
/// `lab_password`, the one the lab's own steps set, unless the line expects that refusal.
pub async fn send(
    target: &Target,
    args: &[String],
    purpose: Purpose,
    timeout: Duration,
    expect_error: Option<&str>,
    lab_password: Option<&Auth>,
) -> Result<String, Msg> {
    let first = send_once(target, args, purpose, timeout, expect_error).await;
    match (first, lab_password) {
        (Err(Sent::NeedsAuth(_)), Some(auth)) if expect_error.is_none() => {
            let with = Target::new(target.addr.clone(), auth.clone());
            send_once(&with, args, purpose, timeout, None)
                .await
                .map_err(Sent::into_msg)
        }
        (r, _) => r.map_err(Sent::into_msg),
    }
}

/// A line that failed, and whether a password would have helped.
enum Sent {
    NeedsAuth(Msg),
    Failed(Msg),
}

impl Sent {
    fn into_msg(self) -> Msg {
        match self {
            Sent::NeedsAuth(m) | Sent::Failed(m) => m,
        }
    }
}

impl From<Msg> for Sent {
    fn from(m: Msg) -> Sent {
        Sent::Failed(m)
    }
}

async fn send_once(
    target: &Target,
    args: &[String],
    purpose: Purpose,
    timeout: Duration,
    expect_error: Option<&str>,
) -> Result<String, Sent> {
    let line = args.join(" ");
    let failed = |reason: String| msg!("solution-failed", line = line.as_str(), reason = reason);
    let job = async {
        let args = words_for(args, purpose);
        let Some((name, rest)) = args.split_first() else {
            return Ok(String::new());
        };
        let mut c = connect(target).await.map_err(|e| {
            let m = failed(e.unreachable(&target.addr).text());
            match e {
                ConnError::AuthRequired => Sent::NeedsAuth(m),
                _ => Sent::Failed(m),
            }
        })?;
        let mut cmd = redis::cmd(name);
        for a in rest {
            cmd.arg(a);
        }
        let refused = |code: &str, detail: Option<&str>| {
            let said = format!("{code} {}", detail.unwrap_or(""))
                .trim()
                .to_string();
            match expect_error {
                Some(p)
                    if said
                        .to_ascii_uppercase()
                        .starts_with(&p.to_ascii_uppercase()) =>
                {
                    Ok(said)
                }
                _ if code == "NOAUTH" => Err(Sent::NeedsAuth(failed(said))),
                _ => Err(Sent::Failed(failed(said))),
            }
        };
        let reply = match cmd.query_async::<Value>(&mut c).await {
            Ok(Value::ServerError(e)) => return refused(e.code(), e.details()),
            Err(e) if e.code().is_some() => return refused(e.code().unwrap_or(""), e.detail()),
            Err(e) => return Err(failed(e.to_string()).into()),
            Ok(v) => v,
        };
        if let Some(p) = expect_error {
            let got = parse::text(&reply).unwrap_or_else(|| format!("{reply:?}"));
            return Err(Sent::Failed(msg!(
                "solution-expected-error",
                line = line.as_str(),
                error = p,
                got = got
            )));
        }
        if is_failover(&args) {
            promoted(&mut c).await.map_err(|e| failed(e.to_string()))?;
        }
        Ok(parse::text(&reply).unwrap_or_else(|| format!("{reply:?}")))
    };
    tokio::time::timeout(timeout, job)
        .await
        .unwrap_or_else(|_| {
            Err(Sent::Failed(msg!(
                "solution-timed-out",
                line = line.as_str(),
                seconds = timeout.as_secs()
            )))
        })
}

/// Waits until the node says it is a master.
async fn promoted(c: &mut redis::aio::MultiplexedConnection) -> redis::RedisResult<()> {
    loop {
        let role: Value = redis::cmd("ROLE").query_async(c).await?;
        let first = match &role {
            Value::Array(items) => items.first().and_then(parse::text),
            _ => None,
        };
        if first.as_deref() == Some("master") {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn a_replay_takes_over_instead_of_asking_for_votes() {
        assert_eq!(
            words_for(&w("cluster failover"), Purpose::Replay),
            w("cluster failover TAKEOVER")
        );
        assert_eq!(
            words_for(&w("CLUSTER FAILOVER"), Purpose::Solve),
            w("CLUSTER FAILOVER")
        );
        // An option the instructor chose is kept.
        assert_eq!(
            words_for(&w("CLUSTER FAILOVER FORCE"), Purpose::Replay),
            w("CLUSTER FAILOVER FORCE")
        );
        assert_eq!(words_for(&w("GET k"), Purpose::Replay), w("GET k"));
    }
}
