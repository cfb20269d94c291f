//! `lab hint`: the next hint of the current step, for students in a second terminal; kept in
//! the progress (a runner open meanwhile keeps it too).

use super::common::{self, Once};
use crate::cli::LabArg;
use crate::config::Config;
use crate::engine::Command;
use crate::error::{Error, Result};
use crate::watch::notice;
use crate::{msg, t};

pub fn run(config: &Config, args: &LabArg) -> Result<()> {
    let lab = common::current_lab(config, args.lab.as_deref())?;
    let started = crate::app_state::Store::new(&config.state, &lab.id)
        .load(lab.runnable()?)?
        .is_some();
    if !started {
        return Err(Error::Usage(msg!(
            "error-lab-not-started",
            lab = lab.id.as_str()
        )));
    }
    let mut once = Once::new(config, lab, false)?;
    if once.engine.current().is_none() && once.engine.plan().manifest.exercise.is_none() {
        crate::outln!(
            "{}",
            t!(
                "check-lab-finished",
                lab = once.engine.plan().lab.id.as_str()
            )
        );
        return Ok(());
    }
    once.command(Command::Hint)?;
    for n in once.engine.notices() {
        for l in notice::lines(n, common::notice_width(config)) {
            crate::outln!("{l}");
        }
    }
    Ok(())
}
