//! `lab bench screen`: how long the runner takes to redraw after a key, `lab start` in a real
//! pseudo-terminal on the benchmark's private cluster — at a step with nothing in the
//! background, and at the step whose consistency test is running at its default pace. The
//! test is meant to leave the screen its headroom; this is where that is measured.

use std::time::{Duration, Instant};

use super::{Figure, common};
use crate::app_state::{Store, now_ms};
use crate::cluster::statedir::StateDir;
use crate::config::Config;
use crate::engine::progress::{Passed, Progress};
use crate::error::{Error, Result};
use crate::lab::Lab;
use crate::lab::manifest::Manifest;
use crate::pty::{CommandBuilder, Terminal, header_of};
use crate::t;

/// Provisioning included: a cold cluster comes up well within this.
const READY_WITHIN: Duration = Duration::from_secs(90);
const KEY_WITHIN: Duration = Duration::from_secs(10);
/// Key presses timed per run.
const PRESSES: usize = 10;

pub async fn figures(
    config: &Config,
    state: &StateDir,
    base_ip: std::net::Ipv4Addr,
    runs: usize,
) -> Result<Vec<Figure>> {
    let lab = common::runnable_lab(config, common::DEFAULT_LAB)?;
    let manifest = lab.runnable()?.clone();
    let mut idle = Figure::new(t!("bench-screen-idle"), None);
    let mut busy = Figure::new(t!("bench-screen-test"), None);
    for _ in 0..runs {
        // Alternated, so both see the same machine.
        for (step, figure, test) in [
            ("logs", &mut idle, false),
            ("consistency-start", &mut busy, true),
        ] {
            // Each session builds the cluster and replays the steps before its own, as a
            // student resuming on a fresh machine would see.
            crate::cluster::provision::down(state).await?;
            let slide = at_step(state, &lab, &manifest, step)?;
            let mut term = runner(config, state, base_ip)?;
            ready(&term, slide, test).await?;
            for i in 0..PRESSES {
                // Back one slide and forward again, each press timed to its redrawn header.
                let (key, want): (&[u8], usize) = if i % 2 == 0 {
                    (b"b", slide - 1)
                } else {
                    (b"\r", slide)
                };
                let sent = Instant::now();
                term.send(key).map_err(|e| Error::io("pty", e))?;
                until(&term, KEY_WITHIN, |l| {
                    header_of(l).is_some_and(|(n, _)| n == want)
                })
                .await
                .map_err(|screen| stuck(&t!("bench-screen-key"), &screen))?;
                figure.push(sent.elapsed());
            }
            let _ = term.send(b"q");
            tokio::task::spawn_blocking(move || term.wait_exit(Duration::from_secs(15)))
                .await
                .ok();
        }
    }
    Ok(vec![idle, busy])
}

/// Saves progress at `step`, every earlier step passed, on the step's slide: `lab start`
/// resumes there. The slide's number as the header counts (1-based).
fn at_step(state: &StateDir, lab: &Lab, m: &Manifest, step: &str) -> Result<usize> {
    let bad = || Error::Failed(crate::msg!("bench-bad-snapshot"));
    let index = lab
        .deck(crate::i18n::Lang::En)
        .and_then(|(_, d)| {
            d.slides
                .iter()
                .find(|s| s.step.as_ref().is_some_and(|mk| mk.step == step))
                .map(|s| s.index)
        })
        .filter(|i| *i > 0)
        .ok_or_else(bad)?;
    let now = now_ms();
    let mut p = Progress::new(m, "en", now);
    while p.step.as_deref().is_some_and(|s| s != step) {
        let passed = Passed {
            step: String::new(),
            began_ms: Some(now),
            at_ms: now,
            took_ms: 0,
            measured: Default::default(),
            resolution_ms: None,
            spent_ms: None,
        };
        p.pass_current(m, passed, None);
    }
    if p.step.is_none() {
        return Err(bad());
    }
    p.slide = index;
    Store::new(state, &m.id).save(m, &p)?;
    Ok(index + 1)
}

/// `lab start` of the default lab, in English at 100×40, on the private state directory.
fn runner(config: &Config, state: &StateDir, base_ip: std::net::Ipv4Addr) -> Result<Terminal> {
    let exe = std::env::current_exe().map_err(|e| Error::io("lab", e))?;
    let mut cmd = CommandBuilder::new(exe);
    cmd.args(["start", common::DEFAULT_LAB, "--lang", "en"]);
    if let Ok(dir) = std::env::current_dir() {
        cmd.cwd(dir);
    }
    cmd.env("LAB_STATE_DIR", &state.root);
    cmd.env("LAB_BASE_IP", base_ip.to_string());
    cmd.env("LAB_LABS_DIR", &config.catalog.dir);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("LAB_LANG");
    Terminal::start(cmd, 100, 40, None).map_err(|e| Error::io("pty", e))
}

/// On the step's slide with the cluster up (its ✓ line: built, or its earlier steps replayed)
/// — and, with `test`, the consistency test's line counting operations.
async fn ready(term: &Terminal, slide: usize, test: bool) -> Result<()> {
    until(term, READY_WITHIN, |l| {
        header_of(l).is_some_and(|(n, _)| n == slide)
            && l.iter().any(|x| x.starts_with("✓ "))
            && (!test || l.iter().any(|x| counting(x)))
    })
    .await
    .map(|_| ())
    .map_err(|screen| stuck(&t!("bench-screen-ready"), &screen))
}

/// The test's live line (`⇄ … | 48213 ops/s`) with operations counted.
fn counting(line: &str) -> bool {
    line.trim()
        .strip_prefix('⇄')
        .and_then(|l| l.strip_suffix(" ops/s"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.replace(',', "").parse::<f64>().ok())
        .is_some_and(|n| n > 0.0)
}

/// Waits, looking every millisecond, until the screen shows what `ok` looks for.
async fn until(
    term: &Terminal,
    within: Duration,
    ok: impl Fn(&[String]) -> bool,
) -> std::result::Result<Vec<String>, Vec<String>> {
    let deadline = Instant::now() + within;
    loop {
        let lines = term.lines();
        if ok(&lines) {
            return Ok(lines);
        }
        if Instant::now() >= deadline {
            return Err(lines);
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

fn stuck(what: &str, screen: &[String]) -> Error {
    Error::Failed(crate::msg!(
        "bench-screen-stuck",
        what = what,
        screen = screen.join("\n")
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_live_line_counts_once_it_has_operations() {
        assert!(super::counting(
            "⇄ 10 R (0 err) | 9 W (0 err) | 0 lost | 0 noack | 48213 ops/s"
        ));
        assert!(!super::counting(
            "⇄ 0 R (0 err) | 0 W (0 err) | 0 lost | 0 noack | 0 ops/s"
        ));
        assert!(!super::counting("Paced at no more than 50000 ops/s"));
    }
}
