//! A small builder around the real `lab` binary, so tests read like the commands a user types.

#![allow(dead_code)]

pub mod browser;
pub mod cluster;
pub mod pty;
pub mod runner;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures").join(rel)
}

pub struct Lab {
    cmd: Command,
    stdin: Option<String>,
}

/// PATH with the built `lab` first: as once installed, so messages name `lab …`.
pub fn path_with_lab() -> std::ffi::OsString {
    let dir = Path::new(env!("CARGO_BIN_EXE_lab"))
        .parent()
        .unwrap()
        .to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(dir).chain(std::env::split_paths(&rest))).unwrap()
}

/// `lab` with a predictable environment: English unless a test says otherwise, no colours,
/// the repository's labs, on PATH as once installed.
pub fn lab() -> Lab {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lab"));
    cmd.env("PATH", path_with_lab());
    for var in [
        "LANG",
        "LANGUAGE",
        "LC_ALL",
        "LC_MESSAGES",
        "LAB_LANG",
        "LAB_LABS_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("NO_COLOR", "1").current_dir(repo());
    Lab { cmd, stdin: None }
}

impl Lab {
    pub fn args<I, S>(mut self, args: I) -> Lab
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub fn arg(mut self, a: impl AsRef<std::ffi::OsStr>) -> Lab {
        self.cmd.arg(a);
        self
    }

    pub fn env(mut self, k: &str, v: impl AsRef<std::ffi::OsStr>) -> Lab {
        self.cmd.env(k, v);
        self
    }

    pub fn dir(mut self, d: &Path) -> Lab {
        self.cmd.current_dir(d);
        self
    }

    /// Starts the command without waiting, its output discarded.
    pub fn spawn(mut self) -> std::process::Child {
        self.cmd
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the lab binary starts")
    }

    /// Runs the command with its stdout already closed by the reader, like `lab … | head -0`.
    pub fn run_into_closed_pipe(mut self) -> Run {
        let mut child = self
            .cmd
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the lab binary starts");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("the lab binary runs");
        Run {
            code: out.status.code(),
            stdout: String::new(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// What the command reads on stdin (with `run_with_timeout`).
    pub fn stdin_text(mut self, text: &str) -> Lab {
        self.stdin = Some(text.to_string());
        self
    }

    /// Runs the command, killing it if it takes longer than `limit` (then `code` is `None`).
    pub fn run_with_timeout(mut self, limit: std::time::Duration) -> Run {
        let input = if self.stdin.is_some() {
            std::process::Stdio::piped()
        } else {
            std::process::Stdio::null()
        };
        let mut child = self
            .cmd
            .stdin(input)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the lab binary starts");
        if let (Some(text), Some(mut stdin)) = (self.stdin.take(), child.stdin.take()) {
            use std::io::Write;
            let _ = stdin.write_all(text.as_bytes());
        }
        let deadline = std::time::Instant::now() + limit;
        while child.try_wait().ok().flatten().is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = child.kill();
        let out = child.wait_with_output().expect("the lab binary runs");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn run(mut self) -> Run {
        let out: Output = self.cmd.output().expect("the lab binary runs");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(expected),
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn ok(&self) -> &Run {
        self.code(0)
    }
}

/// A copy of a shipped lab in a temporary directory, to break on purpose.
pub struct LabCopy {
    pub tmp: tempfile::TempDir,
}

impl LabCopy {
    pub fn of(id: &str) -> LabCopy {
        let tmp = tempfile::tempdir().unwrap();
        let src = repo().join("labs").join(id);
        let dst = tmp.path().join(id);
        std::fs::create_dir_all(&dst).unwrap();
        for e in std::fs::read_dir(&src).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
        }
        LabCopy { tmp }
    }

    pub fn dir(&self) -> PathBuf {
        std::fs::read_dir(self.tmp.path())
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path()
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.dir().join(file)
    }

    pub fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.path(file)).unwrap()
    }

    /// Replaces the one occurrence of `from` (a test that edits the wrong place should fail).
    #[track_caller]
    pub fn edit(&self, file: &str, from: &str, to: &str) {
        let text = self.read(file);
        assert_eq!(text.matches(from).count(), 1, "{from:?} in {file}");
        std::fs::write(self.path(file), text.replacen(from, to, 1)).unwrap();
    }

    /// The 1-based line and column where `needle` starts in `file`.
    #[track_caller]
    pub fn pos_of(&self, file: &str, needle: &str) -> (usize, usize) {
        let text = self.read(file);
        let at = text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in {file}"));
        let line = text[..at].matches('\n').count() + 1;
        let col = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
        (line, col)
    }
}
