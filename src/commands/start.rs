//! `lab start <lab>`: the guided lab on the live cluster, at a terminal or through a pipe.

use std::io::IsTerminal;

use super::common;
use crate::cli::StartArgs;
use crate::config::Config;
use crate::error::Result;
use crate::watch::{self, Options};

pub fn run(config: &Config, args: &StartArgs) -> Result<()> {
    let rt = common::runtime()?;
    let lab = common::runnable_lab(config, &args.lab)?;
    let tty = std::io::stdout().is_terminal();
    let (cols, rows) = crossterm::terminal::size()
        .map(|(c, r)| (usize::from(c), usize::from(r)))
        .unwrap_or((config.width, 24));
    let opts = Options {
        lang: config.lang,
        state: config.state.clone(),
        spec: common::spec(&lab),
        source: common::source(config, &args.nodes)?,
        color: config.color,
        tty,
        keys: tty && std::io::stdin().is_terminal(),
        cols: if tty { cols } else { config.width },
        rows,
        env: common::solution_env(config),
        take_over: args.take_over,
        invocation: config.invocation.clone(),
    };
    rt.block_on(watch::run(lab, opts))
}
