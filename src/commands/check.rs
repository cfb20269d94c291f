//! `lab check`: the current step's checks, once, on the live cluster (exit 0 when they hold).
//! For students who work in a second terminal: a passing step is recorded and the lab moves on,
//! just as in `lab start`.

use console::style;

use super::common;
use crate::cli::LabCheckArgs;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::lab::manifest::StepKind;
use crate::runner::progress::Progress;
use crate::verify::diagnose::{self, Situation};
use crate::{msg, t};

pub fn run(config: &Config, args: &LabCheckArgs) -> Result<()> {
    let rt = common::runtime()?;
    let lab = common::current_lab(config, args.lab.as_deref())?;
    let session = common::session(config, lab)?;
    let manifest = session.manifest.clone();
    let mut progress = Progress::load(&config.state, &manifest)?
        .unwrap_or_else(|| Progress::new(&manifest, config.lang.code()));
    let Some(step) = progress
        .step
        .as_ref()
        .and_then(|s| manifest.step(s))
        .cloned()
    else {
        crate::outln!("{}", t!("check-lab-finished", lab = manifest.id.as_str()));
        return Ok(());
    };
    let title = step
        .title
        .get(config.lang.code())
        .cloned()
        .unwrap_or_else(|| step.id.clone());
    if step.kind == StepKind::Read {
        progress.pass_current(&manifest);
        progress.step_start = Some(rt.block_on(session.snapshot()));
        progress.save(&config.state)?;
        crate::outln!(
            "{} {}",
            style("✓").green().bold(),
            t!("check-read-step", title = title.as_str())
        );
        return Ok(());
    }
    let now = rt.block_on(session.snapshot());
    if progress.step_start.is_none() {
        // Nothing was recorded when the step began: from now on, changes are measured.
        progress.step_start = Some(now.clone());
        progress.save(&config.state)?;
    }
    let start = progress.step_start.clone();
    let outcome = session.evaluate(&step, start.as_ref(), &now, None);
    if outcome.passed() {
        progress.pass_current(&manifest);
        progress.step_start = Some(now);
        progress.save(&config.state)?;
        let next = progress
            .step
            .as_ref()
            .and_then(|s| manifest.step(s))
            .map(|s| {
                s.title
                    .get(config.lang.code())
                    .cloned()
                    .unwrap_or_else(|| s.id.clone())
            });
        crate::outln!(
            "{} {}",
            style("✓").green().bold(),
            t!("check-passed", title = title.as_str())
        );
        match next {
            Some(n) => crate::outln!("  {}", t!("check-next", title = n)),
            None => crate::outln!("  {}", t!("check-lab-finished", lab = manifest.id.as_str())),
        }
        return Ok(());
    }
    crate::outln!(
        "{} {}",
        style("✗").red().bold(),
        t!("check-failed-step", title = title.as_str())
    );
    for f in outcome.failures() {
        crate::outln!("  - {}", f.text());
    }
    if let Some(st) = &start {
        let situation = Situation {
            checks: &step.checks,
            layout: &session.layout,
            start: st,
            previous: None,
            now: &now,

            since_request: None,
            node_timeout_ms: manifest.topology.node_timeout_ms,
        };
        for a in diagnose::diagnose(&situation) {
            crate::outln!("  {} {}", style("!").yellow().bold(), a.text());
        }
    }
    Err(Error::Failed(msg!("check-not-yet")))
}
