//! Running a step's solution, line by line, as the lab declares it:
//!
//! - `redis-cli` lines go through the built-in client (the redis crate), to the named node,
//!   so `lab test` needs no redis-cli; a reply that is an error fails the line;
//! - `lab` lines run this same `lab` binary, pointed at the same state directory;
//! - `shell` lines run with `sh -c`; a non-zero exit fails the line.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use redis::Value;

use super::session::Session;
use crate::cluster::conn::{Target, connect};
use crate::cluster::parse;
use crate::i18n::Msg;
use crate::lab::solution::Solution;
use crate::model::node::NodeRef;
use crate::msg;

/// What the child `lab` and shell commands need to find the same cluster.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub state_dir: Option<PathBuf>,
    pub labs_dir: Option<PathBuf>,
    pub redis_server: Option<PathBuf>,
    pub password: Option<String>,
}

const LINE_TIMEOUT: Duration = Duration::from_secs(60);

/// Splits a command line into words: spaces separate, quotes group.
pub fn words(line: &str) -> Result<Vec<String>, Msg> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => cur.extend(chars.next()),
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(msg!("solution-unbalanced-quotes", line = line));
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// Runs one rendered solution line; its output, or why it failed.
pub async fn run(
    session: &Session,
    line: &Solution<NodeRef>,
    text: &str,
    env: &Env,
) -> Result<String, Msg> {
    let job = async {
        match line {
            Solution::RedisCli { node, .. } => redis_cli(session, node, text).await,
            Solution::Lab(_) => {
                let exe = std::env::current_exe()
                    .map_err(|e| msg!("solution-failed", line = text, reason = e.to_string()))?;
                let mut cmd = tokio::process::Command::new(exe);
                cmd.args(words(text)?);
                child(cmd, text, env).await
            }
            Solution::Shell(_) => {
                let mut cmd = tokio::process::Command::new("sh");
                cmd.arg("-c").arg(text);
                child(cmd, text, env).await
            }
        }
    };
    tokio::time::timeout(LINE_TIMEOUT, job)
        .await
        .unwrap_or_else(|_| {
            Err(msg!(
                "solution-timed-out",
                line = text,
                seconds = LINE_TIMEOUT.as_secs()
            ))
        })
}

async fn redis_cli(session: &Session, node: &NodeRef, text: &str) -> Result<String, Msg> {
    let Some(member) = session.cluster.members.iter().find(|m| &m.name == node) else {
        return Err(msg!("solution-unknown-node", node = node.to_string()));
    };
    let target: &Target = &member.target;
    let args = words(text)?;
    let Some((name, rest)) = args.split_first() else {
        return Ok(String::new());
    };
    let mut c = connect(target).await.map_err(|e| {
        msg!(
            "solution-failed",
            line = text,
            reason = e.unreachable(&target.addr).text()
        )
    })?;
    let mut cmd = redis::cmd(name);
    for a in rest {
        cmd.arg(a);
    }
    match cmd.query_async::<Value>(&mut c).await {
        Ok(Value::ServerError(e)) => Err(msg!(
            "solution-failed",
            line = text,
            reason = format!("{e:?}")
        )),
        Ok(v) => {
            let is_failover = name.eq_ignore_ascii_case("cluster")
                && rest
                    .first()
                    .is_some_and(|a| a.eq_ignore_ascii_case("failover"));
            if is_failover {
                promoted(&mut c, text).await?;
            }
            Ok(parse::text(&v).unwrap_or_else(|| format!("{v:?}")))
        }
        Err(e) => Err(msg!("solution-failed", line = text, reason = e.to_string())),
    }
}

/// CLUSTER FAILOVER answers OK before anything happens; the next line of a solution (a
/// failback, say) needs the replica to be a master already. Bounded by the line's timeout.
async fn promoted(c: &mut redis::aio::MultiplexedConnection, text: &str) -> Result<(), Msg> {
    loop {
        let role: Value = redis::cmd("ROLE")
            .query_async(c)
            .await
            .map_err(|e| msg!("solution-failed", line = text, reason = e.to_string()))?;
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

async fn child(mut cmd: tokio::process::Command, text: &str, env: &Env) -> Result<String, Msg> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = &env.state_dir {
        cmd.env("LAB_STATE_DIR", d);
    }
    if let Some(d) = &env.labs_dir {
        cmd.env("LAB_LABS_DIR", d);
    }
    if let Some(p) = &env.redis_server {
        cmd.env("LAB_REDIS_SERVER", p);
    }
    if let Some(p) = &env.password {
        cmd.env("REDISCLI_AUTH", p);
    }
    let out = cmd
        .output()
        .await
        .map_err(|e| msg!("solution-failed", line = text, reason = e.to_string()))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(stdout)
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let reason = format!(
            "exit {}: {}{}",
            out.status.code().unwrap_or(-1),
            stderr.trim(),
            stdout.trim()
        );
        Err(msg!("solution-failed", line = text, reason = reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_a_shell() {
        assert_eq!(words("cluster check").unwrap(), vec!["cluster", "check"]);
        assert_eq!(
            words("SET k \"a b\"  'c d'").unwrap(),
            vec!["SET", "k", "a b", "c d"]
        );
        assert_eq!(
            words("SET k \"say \\\"hi\\\"\"").unwrap(),
            vec!["SET", "k", "say \"hi\""]
        );
        assert_eq!(words("SET k ''").unwrap(), vec!["SET", "k", ""]);
        assert!(words("SET k \"open").is_err());
        assert!(words("   ").unwrap().is_empty());
    }
}
