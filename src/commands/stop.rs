//! `lab stop`: progress is already saved; the cluster is torn down.

use console::style;

use super::common;
use crate::cluster::provision;
use crate::config::Config;
use crate::error::Result;
use crate::t;

pub fn run(config: &Config) -> Result<()> {
    let rt = common::runtime()?;
    let lab = config
        .state
        .record_for_teardown()?
        .map(|r| r.lab)
        .filter(|l| !l.is_empty());
    let report = rt.block_on(provision::down(&config.state))?;
    rt.block_on(common::sweep_private(config));

    let stopped = report.shut_down + report.killed;
    match lab {
        Some(lab) => crate::outln!(
            "{} {}",
            style("✓").green().bold(),
            t!("stop-done", lab = lab.as_str(), count = stopped)
        ),
        None if stopped > 0 => crate::outln!(
            "{} {}",
            style("✓").green().bold(),
            t!("down-done", count = stopped, killed = report.killed)
        ),
        None => crate::outln!("{}", t!("down-nothing")),
    }
    Ok(())
}
