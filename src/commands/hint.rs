//! `lab hint`: the next hint of the current step, for students in a second terminal.

use console::style;

use super::common;
use crate::cli::LabArg;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::lab::topology::{DEFAULT_LOCAL_BASE, Layout};
use crate::runner::progress::Progress;
use crate::{msg, t};

pub fn run(config: &Config, args: &LabArg) -> Result<()> {
    let lab = common::current_lab(config, args.lab.as_deref())?;
    let manifest = lab
        .manifest
        .clone()
        .ok_or_else(|| Error::Usage(msg!("error-lab-not-runnable", lab = lab.id.as_str())))?;
    let mut progress = Progress::load(&config.state, &manifest)?
        .ok_or_else(|| Error::Usage(msg!("error-lab-not-started", lab = lab.id.as_str())))?;
    let Some(step) = progress
        .step
        .as_ref()
        .and_then(|s| manifest.step(s))
        .cloned()
    else {
        println!("{}", t!("check-lab-finished", lab = lab.id.as_str()));
        return Ok(());
    };
    let hints = step
        .hints
        .get(config.lang.code())
        .or_else(|| step.hints.values().next())
        .cloned()
        .unwrap_or_default();
    if hints.is_empty() {
        println!("{}", t!("start-no-hints"));
        return Ok(());
    }
    let n = (progress.hints_used(&step.id) + 1).min(hints.len());
    progress.hints.insert(step.id.clone(), n);
    progress.save(&config.state)?;
    // Addresses of the running cluster when there is one.
    let layout = common::session(config, lab.clone())
        .map(|s| s.layout.clone())
        .unwrap_or_else(|_| Layout::local(&lab.topology(), DEFAULT_LOCAL_BASE));
    let renderer = lab.renderer(&layout);
    for (i, h) in hints[..n].iter().enumerate() {
        let text = renderer
            .render(&h.value)
            .unwrap_or_else(|_| h.value.clone());
        println!(
            "{} {text}",
            style(t!("start-hint", n = i + 1, total = hints.len()))
                .cyan()
                .bold()
        );
    }
    Ok(())
}
