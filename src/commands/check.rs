//! `lab check`: the current step's checks, once, on the live cluster (exit 0 when they hold).
//! For students who work in a second terminal: a passing step is recorded and the lab moves on,
//! as in `lab start` (whose runner, if open, follows).

use console::style;

use super::common::{self, Once};
use crate::cli::LabCheckArgs;
use crate::config::Config;
use crate::engine::{Command, Notice};
use crate::error::{Error, Result};
use crate::{msg, t};

pub fn run(config: &Config, args: &LabCheckArgs) -> Result<()> {
    let rt = common::runtime()?;
    let lab = common::current_lab(config, args.lab.as_deref())?;
    let mut once = Once::new(config, lab, true)?;
    let Some((i, step)) = once.engine.current() else {
        crate::outln!(
            "{}",
            t!(
                "check-lab-finished",
                lab = once.engine.plan().lab.id.as_str()
            )
        );
        return Ok(());
    };
    let (before, title) = (i, once.engine.plan().title_of(step));
    once.look(&rt)?;
    if once.engine.current().map(|(i, _)| i) == Some(before) {
        once.command(Command::Check)?;
    }
    let e = &once.engine;
    if e.current().map(|(i, _)| i) != Some(before) {
        crate::outln!(
            "{} {}",
            style("✓").green().bold(),
            t!("check-passed", title = title.as_str())
        );
        match e.current() {
            Some((_, next)) => {
                crate::outln!("  {}", t!("check-next", title = e.plan().title_of(next)))
            }
            None => crate::outln!(
                "  {}",
                t!("check-lab-finished", lab = e.plan().lab.id.as_str())
            ),
        }
        return Ok(());
    }
    crate::outln!(
        "{} {}",
        style("✗").red().bold(),
        t!("check-failed-step", title = title.as_str())
    );
    for n in e
        .notices()
        .iter()
        .filter(|n| matches!(n, Notice::Failures(_)))
    {
        for l in crate::watch::notice::lines(n, common::notice_width(config)) {
            crate::outln!("{l}");
        }
    }
    for a in e.advice() {
        crate::outln!("  {} {}", style("!").yellow().bold(), a.text());
    }
    Err(Error::Failed(msg!("check-not-yet")))
}
