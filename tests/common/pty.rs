//! `lab` in a real pseudo-terminal (the library's `pty::Terminal`), started in a test's
//! environment; every failure panics with the screen.

#![allow(dead_code)]

use std::time::Duration;

use lab::pty::{CommandBuilder, Terminal};

use super::cluster::Env;

pub struct Pty {
    t: Terminal,
    pub cols: u16,
    pub rows: u16,
}

impl Pty {
    /// With `PTY_DUMP=file`, what the terminal received is appended to the file, resizes
    /// marked, to replay a screen that came out wrong once in many runs.
    pub fn start(env: &Env, args: &[&str], cols: u16, rows: u16) -> Pty {
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_lab"));
        cmd.args(args);
        cmd.cwd(super::repo());
        cmd.env("LAB_STATE_DIR", env.state.path());
        cmd.env("LAB_BASE_IP", env.base_ip());
        cmd.env("PATH", super::path_with_lab());
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env_remove("LAB_LANG");
        cmd.env_remove("NO_COLOR");
        let dump = std::env::var_os("PTY_DUMP").map(Into::into);
        Pty {
            t: Terminal::start(cmd, cols, rows, dump).expect("a pseudo-terminal"),
            cols,
            rows,
        }
    }

    /// The terminal changes size, as a window does.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.t.resize(cols, rows).expect("a resize");
        self.cols = cols;
        self.rows = rows;
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.t.send(bytes).expect("keys sent");
    }

    /// The screen's lines, rows the terminal wrapped joined into one.
    pub fn lines(&self) -> Vec<String> {
        self.t.lines()
    }

    pub fn text(&self) -> String {
        self.lines().join("\n")
    }

    /// Waits until the screen shows what `ok` looks for; the screen, or a panic with it.
    #[track_caller]
    pub fn wait(
        &self,
        what: &str,
        timeout: Duration,
        ok: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        match self.t.wait(timeout, Duration::from_millis(10), ok) {
            Ok(lines) => lines,
            Err(lines) => panic!(
                "timed out waiting for {what}; the screen:\n{}",
                lines.join("\n")
            ),
        }
    }

    pub fn exited(&mut self) -> Option<u32> {
        self.t.exited()
    }

    pub fn wait_exit(&mut self, timeout: Duration) -> Option<u32> {
        self.t.wait_exit(timeout)
    }
}
