//! One file per command: each takes the validated [`Config`] and its own arguments, does the
//! work through the core modules, and prints. Nothing below this layer prints.

mod bench;
mod cluster;
mod common;
mod lint;
mod list;
mod logs;
mod progress;
mod show;
mod table;
mod test;

use crate::cli::Command;
use crate::config::Config;
use crate::error::Result;

pub fn run(config: &Config, command: Command) -> Result<()> {
    match command {
        Command::List => list::run(config),
        Command::Show(args) => show::run(config, &args),
        Command::Lint(args) => lint::run(config, &args),
        Command::Cluster(c) => cluster::run(config, c),
        Command::Logs(args) => logs::run(config, &args),
        Command::Bench(args) => bench::run(config, &args),
        Command::Test(args) => test::run(config, &args),
    }
}
