//! The validated configuration every command runs with, built once from the arguments and the
//! environment so the core never reads either.

use std::io::IsTerminal;

use crate::cli::{Cli, ColorArg};
use crate::i18n::Lang;
use crate::lab::catalog::Catalog;

#[derive(Clone, Debug)]
pub struct Config {
    pub lang: Lang,
    /// ANSI colours on stdout.
    pub color: bool,
    /// Columns available for text.
    pub width: usize,
    pub catalog: Catalog,
}

impl Config {
    pub fn new(cli: &Cli, lang: Lang) -> Config {
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
        Config {
            lang,
            color,
            width,
            catalog: Catalog::locate(cli.labs_dir.as_deref()),
        }
    }
}
