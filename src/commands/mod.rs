//! One file per command: each takes the validated [`Config`] and its own arguments, does the
//! work through the core modules, and prints. Nothing below this layer prints.

mod bench;
mod check;
mod cluster;
mod common;
mod consistency;
mod export;
mod grade;
mod hint;
mod lint;
mod list;
mod logs;
mod node;
mod progress;
mod reset;
mod shell;
mod show;
mod start;
mod status;
mod stop;
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
        Command::Start(args) => start::run(config, &args),
        Command::Status => status::run(config),
        Command::Check(args) => check::run(config, &args),
        Command::Hint(args) => hint::run(config, &args),
        Command::Reset(args) => reset::run(config, &args),
        Command::Stop => stop::run(config),
        Command::Shell(args) => shell::run(config, &args),
        Command::Consistency(args) => consistency::run(config, &args),
        Command::Grade(args) => grade::run(config, &args),
        Command::Node(args) => node::run(config, &args),
        Command::Export(args) => export::run(config, &args),
    }
}
