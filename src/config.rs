//! The validated configuration every command runs with, built once from the arguments and the
//! environment so the core never reads either.

use std::io::IsTerminal;
use std::net::Ipv4Addr;
use std::path::PathBuf;

use crate::cli::{Cli, ColorArg};
use crate::cluster::statedir::StateDir;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::lab::catalog::Catalog;
use crate::model::topology::{DEFAULT_LOCAL_BASE, DEFAULT_SHARED_PORT, Layout};
use crate::msg;

#[derive(Clone, Debug)]
pub struct Config {
    pub lang: Lang,
    /// ANSI colours on stdout.
    pub color: bool,
    /// Columns available for text.
    pub width: usize,
    pub catalog: Catalog,
    pub state: StateDir,
    /// `--redis-server` / `LAB_REDIS_SERVER`; otherwise found on PATH when needed.
    pub redis_server: Option<PathBuf>,
    /// First loopback address of the local cluster's hosts (127.0.158.100).
    pub base_ip: Ipv4Addr,
    /// First port when the nodes share 127.0.0.1 (`LAB_BASE_PORT`, 7000).
    pub shared_port: u16,
    pub shared_loopback: bool,
    /// No spinners.
    pub quiet: bool,
    /// How the user runs `lab` here, for messages that name a command to type.
    pub invocation: String,
}

/// How the user can run this `lab` from here: `lab` when that is on PATH and is this binary;
/// `cargo run --release --` from the repository it was built in (after a quick start);
/// otherwise its path. Messages and slides name commands this way.
pub fn invocation() -> String {
    let Ok(exe) = std::env::current_exe().and_then(|e| e.canonicalize()) else {
        return "lab".into();
    };
    let on_path = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path)
            .any(|d| d.join("lab").canonicalize().is_ok_and(|found| found == exe))
    });
    if on_path {
        return "lab".into();
    }
    // <repo>/target/<profile>/lab, run from <repo>: the quick start's own command.
    let profile = exe.parent();
    let repo = profile.and_then(|p| p.parent()).and_then(|t| t.parent());
    let here = std::env::current_dir().and_then(|d| d.canonicalize()).ok();
    if let (Some(profile), Some(repo)) = (profile, repo)
        && profile.parent().and_then(|t| t.file_name()) == Some(std::ffi::OsStr::new("target"))
        && repo.join("Cargo.toml").is_file()
        && here.as_deref() == Some(repo)
    {
        let release = profile.file_name() == Some(std::ffi::OsStr::new("release"));
        return if release {
            "cargo run --release --".into()
        } else {
            "cargo run --".into()
        };
    }
    exe.display().to_string()
}

impl Config {
    /// Where the local cluster's nodes go for this configuration (`--base-ip`,
    /// `--shared-loopback`), before any of them runs.
    pub fn local_layout(&self, topo: &crate::model::topology::Topology) -> Layout {
        if self.shared_loopback {
            Layout::shared_loopback(topo, self.shared_port)
        } else {
            Layout::local(topo, self.base_ip)
        }
    }

    pub fn new(cli: &Cli, lang: Lang) -> Result<Config> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let tty = std::io::stdout().is_terminal();
        let color = match cli.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                tty && env("NO_COLOR").is_none() && env("TERM").is_none_or(|t| t != "dumb")
            }
        };
        console::set_colors_enabled(color);
        console::set_colors_enabled_stderr(color && std::io::stderr().is_terminal());
        let width = console::Term::stdout()
            .size_checked()
            .map(|(_, w)| usize::from(w))
            .or_else(|| env("COLUMNS").and_then(|c| c.parse().ok()))
            .unwrap_or(80)
            .clamp(40, 120);
        // The local cluster binds loopback only: anything else would expose it, or reach a
        // machine that is not ours.
        let base_ip = match cli.base_ip.as_deref() {
            None => DEFAULT_LOCAL_BASE,
            Some(s) => match s.parse::<Ipv4Addr>() {
                Ok(ip) if ip.is_loopback() && ip.octets()[3] <= 250 => ip,
                _ => return Err(Error::Usage(msg!("error-base-ip", value = s))),
            },
        };
        let shared_port = env("LAB_BASE_PORT")
            .and_then(|p| p.parse().ok())
            .filter(|p| (1024..60000).contains(p))
            .unwrap_or(DEFAULT_SHARED_PORT);
        Ok(Config {
            lang,
            color,
            width,
            catalog: Catalog::locate(cli.labs_dir.as_deref()),
            state: StateDir::locate(cli.state_dir.as_deref()),
            redis_server: cli.redis_server.clone(),
            base_ip,
            shared_port,
            shared_loopback: cli.shared_loopback,
            quiet: cli.quiet,
            invocation: invocation(),
        })
    }
}
