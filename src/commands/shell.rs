//! `lab shell [host:port]`: the built-in prompt, for students without redis-cli.

use super::common;
use crate::cli::ShellArgs;
use crate::cluster::conn::{Auth, Target};
use crate::cluster::provision;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::msg;

pub fn run(config: &Config, args: &ShellArgs) -> Result<()> {
    let rt = common::runtime()?;
    let target = match &args.node {
        Some(n) => {
            // A lab name (`b:6380`) of the running cluster, or any address.
            let cluster = provision::current(&config.state, &Auth::from_env())?;
            match cluster
                .as_ref()
                .and_then(|c| super::cluster::find_node(c, n))
            {
                Some(addr) => Target::new(addr, Auth::from_env()),
                None => n.parse::<Target>().map_err(Error::Usage)?,
            }
        }
        None => provision::current(&config.state, &Auth::from_env())?
            .and_then(|c| c.members.first().map(|m| m.target.clone()))
            .ok_or_else(|| Error::Usage(msg!("error-no-cluster")))?,
    };
    let history = Some(config.state.root.join("shell_history"));
    rt.block_on(crate::shell::repl(target, history))
}
