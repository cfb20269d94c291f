//! The spinner shown while a cluster comes up, one line per phase of [`form::Phase`].

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cluster::form::{Phase, Progress};

pub struct Spinner {
    bar: ProgressBar,
}

impl Spinner {
    /// Hidden with `--quiet`, and by indicatif itself when stderr is not a terminal.
    pub fn new(quiet: bool) -> Spinner {
        let bar = if quiet {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
        } else {
            ProgressBar::new_spinner()
        };
        if let Ok(style) = ProgressStyle::with_template("{spinner:.cyan} {msg} {elapsed:.dim}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(80));
        Spinner { bar }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Spinner {
    fn phase(&self, phase: Phase) {
        let msg = phase.text();
        self.bar.set_message(msg);
    }
}
