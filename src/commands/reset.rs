//! `lab reset [<step>]`: the cluster and the progress back to a step's start (the current
//! step when none is named), on the running nodes.

use console::style;

use super::common;
use crate::cli::ResetArgs;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::runner::progress::Progress;
use crate::runner::reset::{self, Reached};
use crate::{msg, t};

pub fn run(config: &Config, args: &ResetArgs) -> Result<()> {
    let rt = common::runtime()?;
    let lab = common::current_lab(config, args.lab.as_deref())?;
    let manifest = lab.runnable()?.clone();
    let mut progress = Progress::load(&config.state, &manifest)?
        .unwrap_or_else(|| Progress::new(&manifest, config.lang.code()));
    let target = match &args.step {
        Some(s) => manifest
            .steps
            .iter()
            .position(|x| &x.id == s)
            .ok_or_else(|| {
                let known = manifest
                    .steps
                    .iter()
                    .map(|x| x.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                Error::Usage(msg!("error-unknown-step", step = s.as_str(), known = known))
            })?,
        None => progress
            .step_index(&manifest)
            .min(manifest.steps.len().saturating_sub(1)),
    };
    let spec = common::spec(&lab);
    let source = common::source(config, &Default::default())?;
    let session = common::session(config, lab.clone())?;
    let (reached, replayed) = rt.block_on(async {
        let reached = reset::initial_layout(&session, &config.state, &spec, &source).await?;
        let replayed = reset::replay(&session, target, &common::solution_env(config)).await?;
        Ok::<_, Error>((reached, replayed))
    })?;
    let start = rt.block_on(session.snapshot());
    progress
        .passed
        .retain(|p| manifest.steps.iter().take(target).any(|s| s.id == p.step));
    progress.enter(&manifest, target);
    progress.finished_ms = None;
    progress.step_start = Some(start);
    progress.slide = lab
        .deck(config.lang)
        .and_then(|(_, d)| {
            d.slides.iter().position(|s| {
                s.step
                    .as_ref()
                    .is_some_and(|m| m.step == manifest.steps[target].id)
            })
        })
        .unwrap_or(0);
    progress.save(&config.state)?;
    let mut how = match reached {
        Reached::AlreadyThere => t!("reset-already"),
        Reached::Takeover(n) => t!("reset-takeover", count = n),
        Reached::Reformed => t!("reset-reformed"),
    };
    if replayed > 0 {
        how = t!("reset-and-replayed", how = how, count = replayed);
    }

    crate::outln!(
        "{} {}",
        style("✓").green().bold(),
        t!(
            "reset-done",
            step = manifest.steps[target].id.as_str(),
            how = how
        )
    );
    Ok(())
}
