//! `lab start` driven through its stdin (line mode), its output collected line by line.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::cluster::Env;

/// A running `lab start` whose output is collected line by line.
pub struct Runner {
    pub child: Child,
    stdin: Option<ChildStdin>,
    lines: Arc<(Mutex<Vec<String>>, Condvar)>,
}

impl Runner {
    pub fn start(env: &Env, args: &[&str]) -> Runner {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_lab"));
        cmd.args(args)
            .env("LAB_STATE_DIR", env.state.path())
            .env("LAB_BASE_IP", env.base_ip())
            .env("NO_COLOR", "1")
            .env("PATH", super::path_with_lab())
            .env_remove("LANG")
            .env_remove("LANGUAGE")
            .env_remove("LC_ALL")
            .env_remove("LAB_LANG")
            .current_dir(super::repo())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let lines: Arc<(Mutex<Vec<String>>, Condvar)> = Arc::default();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    let (l, cv) = &*lines;
                    l.lock().unwrap().push(line);
                    cv.notify_all();
                }
            });
        }
        let stdin = child.stdin.take();
        Runner {
            child,
            stdin,
            lines,
        }
    }

    pub fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    pub fn transcript(&self) -> String {
        self.lines.0.lock().unwrap().join("\n")
    }

    /// Waits for a line containing `text` after line `from`; returns its index.
    #[track_caller]
    pub fn wait(&self, from: usize, text: &str, timeout: Duration) -> usize {
        let deadline = Instant::now() + timeout;
        let (l, cv) = &*self.lines;
        let mut lines = l.lock().unwrap();
        loop {
            if let Some(i) = lines.iter().skip(from).position(|x| x.contains(text)) {
                return from + i;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "no {text:?} in:\n{}", lines.join("\n"));
            lines = cv.wait_timeout(lines, left).unwrap().0;
        }
    }

    pub fn len(&self) -> usize {
        self.lines.0.lock().unwrap().len()
    }

    pub fn finish(mut self) -> (Option<i32>, String) {
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        // Let the readers drain.
        std::thread::sleep(Duration::from_millis(100));
        (status.code(), self.transcript())
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
