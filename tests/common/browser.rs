//! A real Chromium, headless: the page's DOM once its scripts have run.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// `$CHROMIUM`, else `chromium` on PATH (Debian's package; `.ci/run` installs it).
fn binary() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into())
}

/// The DOM of `url` after it loaded and its scripts ran (5 s of the page's own time, so
/// reveal.js has built the slides), read with `--dump-dom`.
pub fn dom(url: &str, profile: &Path) -> String {
    let mut child = Command::new(binary())
        .args([
            "--headless",
            // A root user (CI) gets no sandbox; the page is our own file.
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}; install Chromium (apt-get install chromium) or set CHROMIUM",
                binary()
            )
        });
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish loading {url} within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    out
}

/// The slides of a reveal.js DOM: the sections that hold no section (a vertical stack is a
/// section of sections).
pub fn leaf_sections(dom: &str) -> usize {
    let mut stack: Vec<bool> = vec![];
    let mut leaves = 0;
    let mut rest = dom;
    loop {
        let open = rest.find("<section");
        let close = rest.find("</section>");
        match (open, close) {
            (Some(o), c) if c.is_none_or(|c| o < c) => {
                if let Some(parent) = stack.last_mut() {
                    *parent = true;
                }
                stack.push(false);
                rest = &rest[o + 8..];
            }
            (_, Some(c)) => {
                if stack.pop() == Some(false) {
                    leaves += 1;
                }
                rest = &rest[c + 10..];
            }
            _ => return leaves,
        }
    }
}
