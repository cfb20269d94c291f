//! The one error type of `lab`. Each variant knows its exit code and how to say itself in the
//! user's language; callers attach facts, never sentences.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::i18n::Msg;
use crate::msg;

/// Exit codes, as documented in the README.
pub mod exit {
    /// Everything asked for was done and every check passed.
    pub const OK: u8 = 0;
    /// A check, a lint or a test failed: the tool worked, the lab or the cluster did not.
    pub const FAILED: u8 = 1;
    /// The command could not run: bad usage, a missing program, an unreachable node.
    pub const USAGE: u8 = 2;
    /// Stopped by Ctrl-C (128 + SIGINT).
    pub const INTERRUPTED: u8 = 130;
    /// Stopped by SIGTERM (128 + SIGTERM).
    pub const TERMINATED: u8 = 143;
    /// Stopped by SIGHUP, its terminal closed (128 + SIGHUP).
    pub const HUNG_UP: u8 = 129;
}

#[derive(Debug)]
pub enum Error {
    /// Bad arguments or a request that makes no sense; the message says which.
    Usage(Msg),
    /// The machine lacks something `lab` needs, or a service is not where it should be.
    Environment(Msg),
    /// A file could not be read or written.
    Io { path: PathBuf, source: io::Error },
    /// No lab of that id or path.
    LabNotFound { id: String, searched: Vec<PathBuf> },
    /// The lab has errors; they were already printed one per line.
    LintFailed { errors: usize },
    /// A check or test did not pass; the details were already printed.
    Failed(Msg),
    /// A signal asked us to stop; what we started has been stopped.
    Interrupted { signal: i32 },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl AsRef<Path>, source: io::Error) -> Error {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::LintFailed { .. } | Error::Failed(_) => exit::FAILED,
            Error::Interrupted { signal: 15 } => exit::TERMINATED,
            Error::Interrupted { signal: 1 } => exit::HUNG_UP,
            Error::Interrupted { .. } => exit::INTERRUPTED,
            Error::Usage(_)
            | Error::Environment(_)
            | Error::Io { .. }
            | Error::LabNotFound { .. } => exit::USAGE,
        }
    }

    /// The message, not yet in words.
    pub fn msg(&self) -> Msg {
        match self {
            Error::Usage(m) | Error::Environment(m) | Error::Failed(m) => m.clone(),
            Error::Io { path, source } => io_msg(path, source),
            Error::LabNotFound { id, searched } => msg!(
                "error-lab-not-found",
                id = id.as_str(),
                searched = searched
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Error::LintFailed { errors } => msg!("error-lint-failed", count = *errors),
            Error::Interrupted { .. } => msg!("error-interrupted"),
        }
    }
}

fn io_msg(path: &Path, source: &io::Error) -> Msg {
    let path = path.display().to_string();
    match source.kind() {
        io::ErrorKind::NotFound => msg!("error-io-not-found", path = path),
        io::ErrorKind::PermissionDenied => msg!("error-io-permission", path = path),
        _ => msg!("error-io", path = path, reason = source.to_string()),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg().text())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
