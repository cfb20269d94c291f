//! `lab lint`: every problem of a lab as `path:line:col: severity: message`.

use std::path::Path;

use console::style;

use crate::cli::LintArgs;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::lab::source::{Diagnostic, Severity};
use crate::{msg, t};

/// Paths are shown relative to the current directory when they are below it.
pub fn display_path(p: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = cwd
        .as_deref()
        .and_then(|c| p.strip_prefix(c).ok())
        .unwrap_or(p);
    rel.display().to_string()
}

pub fn print_diagnostic(d: &Diagnostic) {
    let severity = match d.severity {
        Severity::Error => style(t!("lint-error")).red().bold(),
        Severity::Warning => style(t!("lint-warning")).yellow().bold(),
        Severity::Note => {
            // Not a problem: on stdout, beside the summary.
            crate::outln!(
                "{}:{}: {}: {}",
                display_path(&d.path),
                d.pos,
                style(t!("lint-note")).cyan(),
                d.msg.text()
            );
            return;
        }
    };
    crate::errln!(
        "{}:{}: {}: {}",
        display_path(&d.path),
        d.pos,
        severity,
        d.msg.text()
    );
}

pub fn run(config: &Config, args: &LintArgs) -> Result<()> {
    let mut errors = 0;
    // With no argument an instructor wants the whole catalog checked, like `cargo check`.
    let targets = if args.labs.is_empty() {
        config.catalog.ids()
    } else {
        args.labs.clone()
    };
    if targets.is_empty() {
        return Err(Error::Usage(msg!(
            "list-empty",
            dir = config.catalog.dir.display().to_string()
        )));
    }
    for target in &targets {
        let lab = config.catalog.load(target)?;
        let diags = super::common::lint_lab(config, &lab);
        for d in &diags {
            print_diagnostic(d);
        }
        let e = diags.iter().filter(|d| d.is_error()).count();
        let w = diags
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        let slides: usize = lab.decks.iter().map(|(_, d)| d.slides.len()).sum();
        let steps = lab.manifest.as_ref().map_or(0, |m| m.steps.len());
        let summary = t!(
            "lint-summary",
            lab = lab.id.as_str(),
            errors = e,
            warnings = w,
            slides = slides,
            steps = steps
        );
        if e == 0 {
            crate::outln!("{} {summary}", style("✓").green());
        } else {
            crate::outln!("{} {summary}", style("✗").red());
        }
        errors += e;
    }
    if errors > 0 {
        return Err(Error::LintFailed { errors });
    }
    Ok(())
}
