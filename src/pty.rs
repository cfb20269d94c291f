//! A program in a pseudo-terminal, its screen read back as a terminal would show it: how
//! `lab bench screen` times a key's redraw in the runner, and how the tests read its screen.
//!
//! portable-pty opens the terminal and starts the program as its session leader; vt100 keeps
//! the screen the program drew. Writing either by hand (ioctls, an escape-sequence parser)
//! would only repeat them.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

pub use portable_pty::CommandBuilder;
use portable_pty::{PtySize, native_pty_system};

pub struct Terminal {
    master: Box<dyn portable_pty::MasterPty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    dump: Option<PathBuf>,
    pub cols: u16,
    pub rows: u16,
}

fn io(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

fn size(cols: u16, rows: u16) -> (NonZeroU16, NonZeroU16) {
    (
        NonZeroU16::new(rows).unwrap_or(NonZeroU16::MIN),
        NonZeroU16::new(cols).unwrap_or(NonZeroU16::MIN),
    )
}

/// Appends what the terminal received to `path` (to replay a screen that came out wrong).
fn append(path: &Option<PathBuf>, bytes: &[u8]) {
    if let Some(path) = path
        && let Ok(mut f) = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
    {
        let _ = f.write_all(bytes);
    }
}

impl Terminal {
    /// Starts `cmd` on a new `cols`×`rows` terminal. With `dump`, everything the program
    /// writes is also appended to that file, resizes marked.
    pub fn start(
        cmd: CommandBuilder,
        cols: u16,
        rows: u16,
        dump: Option<PathBuf>,
    ) -> std::io::Result<Terminal> {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(io)?;
        let child = pair.slave.spawn_command(cmd).map_err(io)?;
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().map_err(io)?;
        let writer = pair.master.take_writer().map_err(io)?;
        let (r, c) = size(cols, rows);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(r, c, 0)));
        {
            let screen = screen.clone();
            let dump = dump.clone();
            // Ends when the program's side closes (it exited and the master reads EOF/EIO).
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    screen
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .process(&buf[..n]);
                    append(&dump, &buf[..n]);
                }
            });
        }
        Ok(Terminal {
            master: pair.master,
            child,
            writer,
            screen,
            dump,
            cols,
            rows,
        })
    }

    /// The terminal changes size, as a window does.
    pub fn resize(&mut self, cols: u16, rows: u16) -> std::io::Result<()> {
        append(
            &self.dump,
            format!("\n@@ resized to {cols}x{rows} @@\n").as_bytes(),
        );
        let (r, c) = size(cols, rows);
        self.screen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .screen_mut()
            .set_size(r, c);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(io)?;
        self.cols = cols;
        self.rows = rows;
        Ok(())
    }

    /// Types `bytes`, as keys.
    pub fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(bytes)?;
        self.writer.flush()
    }

    /// The screen's lines, rows the terminal wrapped joined into one.
    pub fn lines(&self) -> Vec<String> {
        let p = self.screen.lock().unwrap_or_else(PoisonError::into_inner);
        let s = p.screen();
        let mut out: Vec<String> = vec![];
        let mut joining = false;
        for (i, r) in s.rows(0, self.cols).enumerate() {
            match out.last_mut() {
                Some(last) if joining => last.push_str(&r),
                _ => out.push(r),
            }
            joining = s.row_wrapped(i as u16);
        }
        out
    }

    /// Waits until the screen shows what `ok` looks for, checking every `every`: the screen
    /// then, or the screen at the deadline as the error.
    pub fn wait(
        &self,
        timeout: Duration,
        every: Duration,
        ok: impl Fn(&[String]) -> bool,
    ) -> Result<Vec<String>, Vec<String>> {
        let deadline = Instant::now() + timeout;
        loop {
            let lines = self.lines();
            if ok(&lines) {
                return Ok(lines);
            }
            if Instant::now() >= deadline {
                return Err(lines);
            }
            std::thread::sleep(every);
        }
    }

    /// The program's exit code, once it has exited.
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

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The slide the runner's header names (`── 3/15 …`): its number and the deck's length.
pub fn header_of(lines: &[String]) -> Option<(usize, usize)> {
    let rest = lines.first()?.strip_prefix("── ")?;
    let (n, rest) = rest.split_once('/')?;
    let total: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((n.parse().ok()?, total.parse().ok()?))
}
