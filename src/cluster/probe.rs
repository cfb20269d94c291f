//! The commands `reply` checks send: each on a connection of its own, so one sent without a
//! password (to see NOAUTH) is never answered on a connection that authenticated before.

use std::time::Duration;

use redis::Value;

use super::conn::{Auth, ConnError, Target, connect_with};
use super::parse;
use crate::model::reply::Answer;

/// A probe waits no longer than a snapshot does for a slow node.
const CONNECT: Duration = Duration::from_millis(800);
const RESPONSE: Duration = Duration::from_millis(1500);

/// What `target` answers to `words`; `None` when it cannot be asked (down, paused, not Redis).
/// Refused with NOAUTH, it is asked once more with `fallback` (the lab's password), unless
/// `bare`: then the refusal is the answer.
pub async fn ask(
    target: &Target,
    words: &[String],
    bare: bool,
    fallback: Option<&Auth>,
) -> Option<Answer> {
    let first = once(target, words).await?;
    match (&first, fallback) {
        (a, Some(auth)) if !bare && a.is_error_starting("NOAUTH") => {
            once(&Target::new(target.addr.clone(), auth.clone()), words).await
        }
        _ => Some(first),
    }
}

async fn once(target: &Target, words: &[String]) -> Option<Answer> {
    let (name, rest) = words.split_first()?;
    let mut c = match connect_with(target, CONNECT, RESPONSE).await {
        Ok(c) => c,
        Err(ConnError::AuthRequired) => {
            return Some(Answer::Error("NOAUTH Authentication required.".into()));
        }
        Err(_) => return None,
    };
    let mut cmd = redis::cmd(name);
    for a in rest {
        cmd.arg(a);
    }
    let refused = |code: &str, detail: Option<&str>| {
        Some(Answer::Error(
            format!("{code} {}", detail.unwrap_or(""))
                .trim()
                .to_string(),
        ))
    };
    match cmd.query_async::<Value>(&mut c).await {
        Ok(Value::ServerError(e)) => refused(e.code(), e.details()),
        Err(e) if e.code().is_some() => refused(e.code().unwrap_or(""), e.detail()),
        Err(_) => None,
        Ok(v) => Some(Answer::Value(
            parse::text(&v).unwrap_or_else(|| format!("{v:?}")),
        )),
    }
}
