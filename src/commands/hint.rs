//! `lab hint`: the next hint of the current step, for students in a second terminal.

use console::style;

use super::common;
use crate::cli::LabArg;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::runner::progress::Progress;
use crate::{msg, t};

pub fn run(config: &Config, args: &LabArg) -> Result<()> {
    let lab = common::current_lab(config, args.lab.as_deref())?;
    let manifest = lab.runnable()?.clone();
    let mut progress = Progress::load(&config.state, &manifest)?
        .ok_or_else(|| Error::Usage(msg!("error-lab-not-started", lab = lab.id.as_str())))?;
    // An exercise's hints are its own (and cost points); a lab's are its current step's.
    let (key, all) = match (
        &manifest.exercise,
        progress.step.as_ref().and_then(|s| manifest.step(s)),
    ) {
        (Some(ex), _) => (manifest.id.clone(), ex.hints.clone()),
        (None, Some(step)) => (step.id.clone(), step.hints.clone()),
        (None, None) => {
            crate::outln!("{}", t!("check-lab-finished", lab = lab.id.as_str()));
            return Ok(());
        }
    };
    let hints = all
        .get(config.lang.code())
        .or_else(|| all.values().next())
        .cloned()
        .unwrap_or_default();
    if hints.is_empty() {
        crate::outln!("{}", t!("start-no-hints"));
        return Ok(());
    }
    let n = (progress.hints_used(&key) + 1).min(hints.len());
    progress.hints.insert(key, n);

    progress.save(&config.state)?;
    // Addresses of the running cluster when there is one.
    let layout = common::session(config, lab.clone())
        .map(|s| s.layout.clone())
        .unwrap_or_else(|_| config.local_layout(&lab.topology()));
    let renderer = lab.renderer(&layout);
    for (i, h) in hints[..n].iter().enumerate() {
        let text = renderer
            .render(&h.value)
            .unwrap_or_else(|_| h.value.clone());
        crate::outln!(
            "{} {text}",
            style(t!("start-hint", n = i + 1, total = hints.len()))
                .cyan()
                .bold()
        );
    }
    Ok(())
}
