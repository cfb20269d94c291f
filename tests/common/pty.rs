//! `lab` in a real pseudo-terminal, its screen read back as a terminal would show it.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

use super::cluster::Env;

pub struct Pty {
    master: Box<dyn portable_pty::MasterPty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    pub cols: u16,
    pub rows: u16,
}

/// With `PTY_DUMP=file`, what the terminal received is appended to the file, resizes marked,
/// to replay a screen that came out wrong once in many runs.
fn dump(bytes: &[u8]) {
    if let Some(path) = std::env::var_os("PTY_DUMP") {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
            .unwrap();
        f.write_all(bytes).unwrap();
    }
}

impl Pty {
    pub fn start(env: &Env, args: &[&str], cols: u16, rows: u16) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
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
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(rows).unwrap(),
            NonZeroU16::new(cols).unwrap(),
            0,
        )));
        {
            let screen = screen.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let mut screen = screen.lock().unwrap();
                    screen.process(&buf[..n]);
                    dump(&buf[..n]);
                }
            });
        }
        Pty {
            master: pair.master,
            child,
            writer,
            screen,
            cols,
            rows,
        }
    }

    /// The terminal changes size, as a window does.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        dump(format!("\n@@ resized to {cols}x{rows} @@\n").as_bytes());
        self.screen.lock().unwrap().screen_mut().set_size(
            NonZeroU16::new(rows).unwrap(),
            NonZeroU16::new(cols).unwrap(),
        );
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        self.cols = cols;
        self.rows = rows;
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    /// The screen's lines, rows the terminal wrapped joined into one.
    pub fn lines(&self) -> Vec<String> {
        let p = self.screen.lock().unwrap();
        let s = p.screen();
        let rows: Vec<String> = s.rows(0, self.cols).collect();
        let mut out: Vec<String> = vec![];
        let mut joining = false;
        for (i, r) in rows.iter().enumerate() {
            if joining && let Some(last) = out.last_mut() {
                last.push_str(r);
            } else {
                out.push(r.clone());
            }
            joining = s.row_wrapped(i as u16);
        }
        out
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
        let deadline = Instant::now() + timeout;
        loop {
            let lines = self.lines();
            if ok(&lines) {
                return lines;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen:\n{}",
                lines.join("\n")
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn exited(&mut self) -> Option<u32> {
        self.child.try_wait().ok().flatten().map(|s| s.exit_code())
    }

    pub fn wait_exit(&mut self, timeout: Duration) -> Option<u32> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(c) = self.exited() {
                return Some(c);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
