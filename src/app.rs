//! The edge: language, arguments, configuration, then a command; errors become a message and
//! an exit code here and nowhere else.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::FromArgMatches;
use console::style;

use crate::cli::{self, Cli, LangArg};
use crate::config::Config;
use crate::error::exit;
use crate::i18n::{self, Lang};
use crate::{commands, t};

pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let lang = Lang::detect(cli::prescan_lang(&args).as_deref(), |k| {
        std::env::var(k).ok()
    });
    i18n::init(lang, &crate::config::invocation());

    let matches = match cli::command().try_get_matches_from(&args) {
        Ok(m) => m,
        Err(e) if e.use_stderr() => {
            crate::errout!("{}", cli::render_error(&e));
            return ExitCode::from(exit::USAGE);
        }
        Err(e) => {
            // --help and --version.
            let _ = e.print();
            return ExitCode::from(exit::OK);
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(exit::USAGE);
        }
    };
    let lang = match cli.lang {
        Some(LangArg::En) => Lang::En,
        Some(LangArg::Es) => Lang::Es,
        None => lang,
    };
    let result = Config::new(&cli, lang).and_then(|config| commands::run(&config, cli.command));
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(e) => {
            crate::errln!("{}: {}", style(t!("error-prefix")).red().bold(), e);
            ExitCode::from(e.exit_code())
        }
    }
}
