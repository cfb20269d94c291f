//! `lab reset [<step>]`: the cluster and the progress back to a step's start (the current
//! step when none is named), on the running nodes. A runner of the lab in another terminal
//! follows: the reset raises the progress's generation, which wins its next merge.

use console::style;

use super::common;
use crate::app_state::{Store, now_ms};
use crate::cli::ResetArgs;
use crate::cluster::restore::{self, Reached};
use crate::config::Config;
use crate::engine::{Plan, Progress};
use crate::error::{Error, Result};
use crate::live::drive;
use crate::{msg, t};

pub fn run(config: &Config, args: &ResetArgs) -> Result<()> {
    let rt = common::runtime()?;
    let lab = common::current_lab(config, args.lab.as_deref())?;
    let manifest = lab.runnable()?.clone();
    let store = Store::new(&config.state, &lab.id);
    let saved = store.load(&manifest)?;
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
        None => saved
            .as_ref()
            .map_or(0, |p| p.step_index(&manifest))
            .min(manifest.steps.len().saturating_sub(1)),
    };
    let spec = common::spec(&lab);
    let source = common::source(config, &Default::default())?;
    let session = common::session(config, lab.clone())?;
    let plan = Plan::new(lab.clone(), config.lang)?;
    let (reached, replayed) = rt.block_on(async {
        let reached =
            restore::initial_layout(&session.cluster, &config.state, &spec, &source).await?;
        let replayed = drive::replay(&session, plan, target, &common::solution_env(config)).await?;
        Ok::<_, Error>((reached, replayed))
    })?;
    let start = rt.block_on(session.snapshot());
    let slide = lab
        .deck(config.lang)
        .and_then(|(_, d)| {
            d.slides.iter().position(|s| {
                s.step
                    .as_ref()
                    .is_some_and(|m| m.step == manifest.steps[target].id)
            })
        })
        .unwrap_or(0);
    let now = now_ms();
    store.update(
        &manifest,
        || Progress::new(&manifest, config.lang.code(), now),
        |p| {
            p.passed
                .retain(|x| manifest.steps.iter().take(target).any(|s| s.id == x.step));
            p.enter(&manifest, target, now, Some(start));
            p.finished_ms = None;
            p.slide = slide;
            p.generation += 1;
        },
    )?;
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
