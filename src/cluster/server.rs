//! Finding `redis-server` and making sure it can run a lab's cluster.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::msg;

/// Redis 7 brought CLUSTER ADDSLOTSRANGE, CLUSTER SHARDS and SHUTDOWN NOW, which forming,
/// inspecting and stopping rely on.
pub const MIN_MAJOR: u32 = 7;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedisServer {
    pub path: PathBuf,
    pub version: String,
}

/// `--redis-server`, else `LAB_REDIS_SERVER`, else `redis-server` on PATH.
pub fn locate(explicit: Option<&Path>) -> Result<RedisServer> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => find_on_path("redis-server")
            .ok_or_else(|| Error::Environment(msg!("error-redis-server-missing")))?,
    };
    let out = Command::new(&path).arg("--version").output().map_err(|_| {
        Error::Environment(msg!(
            "error-redis-server-not-runnable",
            path = path.display().to_string()
        ))
    })?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version = parse_version(&text).ok_or_else(|| {
        Error::Environment(msg!(
            "error-redis-server-not-runnable",
            path = path.display().to_string()
        ))
    })?;
    let major: u32 = version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < MIN_MAJOR {
        return Err(Error::Environment(msg!(
            "error-redis-server-too-old",
            path = path.display().to_string(),
            version = version.as_str()
        )));
    }
    Ok(RedisServer { path, version })
}

/// `Redis server v=7.0.15 sha=…` → `7.0.15`.
fn parse_version(text: &str) -> Option<String> {
    let v = text.split_whitespace().find_map(|w| w.strip_prefix("v="))?;
    v.chars().next()?.is_ascii_digit().then(|| v.to_string())
}

pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(
            parse_version("Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64"),
            Some("7.0.15".into())
        );
        assert_eq!(parse_version("something else"), None);
    }

    #[test]
    fn a_missing_binary_says_how_to_install() {
        let e = locate(Some(Path::new("/nonexistent/redis-server"))).unwrap_err();
        assert_eq!(e.msg().id, "error-redis-server-not-runnable");
    }
}
