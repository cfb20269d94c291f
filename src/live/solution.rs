//! Running a step's solution, line by line, as the lab declares it:
//!
//! - `redis-cli` lines go through the built-in client (the redis crate), to the named node,
//!   so `lab test` needs no redis-cli; a reply that is an error fails the line (see
//!   `cluster::command` for what CLUSTER FAILOVER needs);
//! - `lab` lines run this same `lab` binary, pointed at the same state directory;
//! - `shell` lines run with `sh -c`; a non-zero exit fails the line.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use super::session::Session;
use crate::cluster::command::{self, Purpose};
use crate::engine::{Line, Run};
use crate::i18n::Msg;
use crate::lab::solution::{Solution, words};
use crate::msg;

/// What the child `lab` and shell commands need to find the same cluster.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub state_dir: Option<PathBuf>,
    pub labs_dir: Option<PathBuf>,
    pub redis_server: Option<PathBuf>,
    pub password: Option<String>,
}

/// How long one line may take (a `--cluster reshard` of hundreds of slots included).
const LINE_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs one solution line (its templates already filled in); its output, or why it failed.
pub async fn run(session: &Session, line: &Line, run: Run, env: &Env) -> Result<String, Msg> {
    match &line.how {
        Solution::RedisCli { node, error, .. } => {
            let all = session
                .cluster
                .members
                .iter()
                .chain(&session.cluster.sentinels);
            let Some(member) = all.clone().find(|m| &m.name == node) else {
                return Err(msg!("solution-unknown-node", node = node.to_string()));
            };
            let purpose = match run {
                Run::Solve => Purpose::Solve,
                Run::Replay => Purpose::Replay,
            };
            let words = words(&line.text)?;
            command::send(
                &member.target,
                &words,
                purpose,
                LINE_TIMEOUT,
                error.as_deref(),
                session.lab_password.as_ref(),
            )
            .await
        }
        Solution::Lab(_) => {
            let exe = std::env::current_exe().map_err(|e| {
                msg!(
                    "solution-failed",
                    line = line.text.as_str(),
                    reason = e.to_string()
                )
            })?;
            let mut cmd = tokio::process::Command::new(exe);
            cmd.args(words(&line.text)?);
            bounded(child(cmd, &line.text, env), &line.text).await
        }
        Solution::Shell(_) => {
            let mut cmd = tokio::process::Command::new("sh");
            cmd.arg("-c").arg(&line.text);
            bounded(child(cmd, &line.text, env), &line.text).await
        }
    }
}

/// A line as printed: the lab's password, if it has one, masked.
fn hidden(text: &str, session: &Session) -> String {
    match session
        .lab
        .manifest
        .as_ref()
        .and_then(|m| m.topology.password.as_ref())
    {
        Some(p) => text.replace(p.expose(), "********"),
        None => text.to_string(),
    }
}

/// A solution line as it runs, with the node's address: `redis-cli (127.0.158.102:6380) >
/// CLUSTER FAILOVER`.
pub fn describe(line: &Line, session: &Session) -> String {
    match &line.how {
        Solution::RedisCli { node, error, .. } => {
            let addr = session
                .layout
                .addr(node)
                .map(|a| a.to_string())
                .unwrap_or_else(|| node.to_string());
            // What redis-cli would print for the refusal the line expects.
            let refused = error
                .as_ref()
                .map(|e| format!("  → (error) {e}"))
                .unwrap_or_default();
            format!(
                "redis-cli ({addr}) > {}{refused}",
                hidden(&line.text, session)
            )
        }
        Solution::Lab(_) => format!("lab {}", hidden(&line.text, session)),
        Solution::Shell(_) => format!("$ {}", hidden(&line.text, session)),
    }
}

async fn bounded(
    job: impl std::future::Future<Output = Result<String, Msg>>,
    text: &str,
) -> Result<String, Msg> {
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

async fn child(mut cmd: tokio::process::Command, text: &str, env: &Env) -> Result<String, Msg> {
    // A line that runs out of time is not left behind.
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
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
