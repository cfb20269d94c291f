//! Connecting to one node: address, optional credentials, timeouts, and errors that say which.
//!
//! Credentials come from a `redis://user:pass@host:port` address or from `REDISCLI_AUTH` (the
//! variable redis-cli reads). They are kept out of every `Display` and `Debug`, so a password
//! never reaches output, logs or saved files.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, ConnectionAddr, ConnectionInfo, IntoConnectionInfo};

use super::guard::{self, Guarded, Limits};

use crate::i18n::Msg;
use crate::model::addr::NodeAddr;
pub use crate::model::state::ConnError;
use crate::msg;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Auth {
    pub username: Option<String>,
    password: Option<String>,
}

impl Auth {
    pub fn password(password: impl Into<String>) -> Auth {
        Auth {
            username: None,
            password: Some(password.into()),
        }
    }

    pub fn is_set(&self) -> bool {
        self.password.is_some()
    }

    /// What to hand on to a Sentinel (`auth-user`, `auth-pass`) so it can log in too.
    pub(crate) fn parts(&self) -> (Option<&str>, Option<&str>) {
        (self.username.as_deref(), self.password.as_deref())
    }

    /// `REDISCLI_AUTH`, as redis-cli reads it.
    pub fn from_env() -> Auth {
        match std::env::var("REDISCLI_AUTH") {
            Ok(p) if !p.is_empty() => Auth::password(p),
            _ => Auth::default(),
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_set() {
            "Auth(***)"
        } else {
            "Auth(none)"
        })
    }
}

/// A node to talk to.
#[derive(Clone, PartialEq, Eq)]
pub struct Target {
    pub addr: NodeAddr,
    pub auth: Auth,
}

impl Target {
    pub fn new(addr: NodeAddr, auth: Auth) -> Target {
        Target { addr, auth }
    }

    fn connection_info(&self) -> redis::RedisResult<ConnectionInfo> {
        let base =
            ConnectionAddr::Tcp(self.addr.host.clone(), self.addr.port).into_connection_info()?;
        // `lib-name=lab` in CLIENT LIST tells the runner's connections from the student's.
        let mut redis = base
            .redis_settings()
            .clone()
            .set_lib_name("lab", env!("CARGO_PKG_VERSION"));
        if let Some(u) = &self.auth.username {
            redis = redis.set_username(u);
        }
        if let Some(p) = &self.auth.password {
            redis = redis.set_password(p);
        }
        Ok(base.set_redis_settings(redis))
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.addr.fmt(f)
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({}, {:?})", self.addr, self.auth)
    }
}

/// `host:port` or `redis://[user][:password@]host:port`. Without a password in the address,
/// `REDISCLI_AUTH` is used if set.
impl FromStr for Target {
    type Err = Msg;

    fn from_str(s: &str) -> Result<Target, Msg> {
        let bad = || msg!("error-bad-address", value = redact(s));
        let s = s.trim();
        let Some(rest) = s.strip_prefix("redis://") else {
            let addr = s.parse().map_err(|_| bad())?;
            return Ok(Target::new(addr, Auth::from_env()));
        };
        let (userinfo, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let hostport = hostport.split('/').next().unwrap_or(hostport);
        let addr: NodeAddr = hostport.parse().map_err(|_| bad())?;
        let mut auth = Auth::from_env();
        if let Some(u) = userinfo {
            let (user, pass) = match u.split_once(':') {
                Some((user, pass)) => (user, Some(pass)),
                None => (u, None),
            };
            if !user.is_empty() {
                auth.username = Some(percent_decode(user));
            }
            if let Some(p) = pass {
                auth.password = Some(percent_decode(p));
            }
        }
        Ok(Target::new(addr, auth))
    }
}

/// Whether an address (as `Target` reads it) carries a password of its own, which anyone can
/// then read in `ps` while `lab` runs.
pub fn gives_password(s: &str) -> bool {
    s.trim()
        .strip_prefix("redis://")
        .and_then(|rest| rest.rsplit_once('@'))
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

/// `redis://user:secret@h:1` → `redis://***@h:1`, for messages about bad addresses: whatever
/// comes before the last `@` may be a password, however the address was mistyped
/// (`:secret@h:1`, `secret@h:1`, `redis:/:secret@h:1`).
pub fn redact(s: &str) -> String {
    let Some(at) = s.rfind('@') else {
        return s.to_string();
    };
    let scheme = match s.find("://") {
        Some(i) if i < at => &s[..i + 3],
        _ => "",
    };
    format!("{scheme}***{}", &s[at..])
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(Ok(b)) = s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a failed exchange with a node means to the user.
pub fn classify(e: &redis::RedisError) -> ConnError {
    let text = e.to_string();
    if text.contains(guard::NOT_RESP) || e.kind() == redis::ErrorKind::Parse {
        return ConnError::NotRedis;
    }
    if text.contains(guard::TOO_LARGE) {
        return ConnError::TooLarge;
    }
    let code = e.code().unwrap_or("");
    if code == "NOAUTH" || e.to_string().contains("NOAUTH") {
        ConnError::AuthRequired
    } else if code == "WRONGPASS"
        || text.contains("WRONGPASS")
        || e.kind() == redis::ErrorKind::AuthenticationFailed
    {
        ConnError::AuthFailed
    } else if e.is_connection_refusal() {
        ConnError::Refused
    } else if e.is_timeout() {
        ConnError::Timeout
    } else {
        ConnError::Other(e.to_string())
    }
}

pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(1500);
pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);

pub async fn connect(t: &Target) -> Result<MultiplexedConnection, ConnError> {
    connect_with(t, CONNECT_TIMEOUT, RESPONSE_TIMEOUT).await
}

/// A connection for the runner's own questions, with [`Limits::ADMIN`] on what the node may
/// send.
pub async fn connect_with(
    t: &Target,
    connect: Duration,
    response: Duration,
) -> Result<MultiplexedConnection, ConnError> {
    connect_limited(t, connect, response, Limits::ADMIN).await
}

/// A connection whose replies are read through [`guard::Guarded`]: a peer that does not speak
/// RESP, or a reply past `limits`, ends it with an error instead of filling memory.
pub async fn connect_limited(
    t: &Target,
    connect: Duration,
    response: Duration,
    limits: Limits,
) -> Result<MultiplexedConnection, ConnError> {
    let info = t.connection_info().map_err(|e| classify(&e))?;
    let job = async {
        let stream = tokio::net::TcpStream::connect((t.addr.host.as_str(), t.addr.port))
            .await
            .map_err(|e| classify(&redis::RedisError::from(e)))?;
        let _ = stream.set_nodelay(true);
        let config = AsyncConnectionConfig::new().set_response_timeout(Some(response));
        let (conn, driver) = MultiplexedConnection::new_with_config(
            info.redis_settings(),
            Guarded::new(stream, limits),
            config,
        )
        .await
        .map_err(|e| classify(&e))?;
        tokio::spawn(driver);
        Ok(conn)
    };
    tokio::time::timeout(connect, job)
        .await
        .unwrap_or(Err(ConnError::Timeout))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_urls() {
        let t: Target = "127.0.0.1:7000".parse().unwrap();
        assert_eq!(t.addr, NodeAddr::new("127.0.0.1", 7000));
        let t: Target = "redis://:s3cr%40t@192.168.158.100:6379".parse().unwrap();
        assert_eq!(t.auth.password.as_deref(), Some("s3cr@t"));
        assert_eq!(t.to_string(), "192.168.158.100:6379");
        assert!(!format!("{t:?}").contains("s3cr"));
        let t: Target = "redis://admin:pw@h:1/0".parse().unwrap();
        assert_eq!(t.auth.username.as_deref(), Some("admin"));
        let e = "redis://u:topsecret@nohost".parse::<Target>().unwrap_err();
        assert!(!format!("{e:?}").contains("topsecret"));
        assert_eq!(redact("redis://u:topsecret@h:1"), "redis://***@h:1");
        assert_eq!(redact(":topsecret@h:1"), "***@h:1");
        assert_eq!(redact("redis:/:topsecret@h:1"), "***@h:1");
        assert_eq!(redact("h:1"), "h:1");
    }
}
