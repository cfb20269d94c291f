//! `lab start <lab>`: the guided lab on the live cluster.

use std::io::IsTerminal;

use super::common;
use crate::cli::StartArgs;
use crate::config::Config;
use crate::error::Result;
use crate::runner::start::{self, Options};

pub fn run(config: &Config, args: &StartArgs) -> Result<()> {
    let rt = common::runtime()?;
    let lab = common::runnable_lab(config, &args.lab)?;
    let tty = std::io::stdout().is_terminal();
    let opts = Options {
        lang: config.lang,
        state: config.state.clone(),
        spec: common::spec(&lab),
        source: common::source(config, &args.nodes)?,
        color: config.color,
        width: config.width,
        keys: tty && std::io::stdin().is_terminal(),
        tty,
        env: common::solution_env(config),
    };

    rt.block_on(start::start(lab, opts))
}
