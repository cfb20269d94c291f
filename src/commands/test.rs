//! `lab test`: every step of a lab proved on a fresh cluster of its own.

use console::style;

use super::common;
use super::progress::Spinner;
use crate::cli::TestArgs;
use crate::cluster::private::{self, Private};
use crate::cluster::provision::{self};

use crate::config::Config;
use crate::engine::{AutoKind, AutoReport, ExerciseReport, Plan, StepReport};
use crate::error::{Error, Result};
use crate::lab::manifest::StepKind;
use crate::live::drive::{Reporter, drive};
use crate::live::session::Session;
use crate::live::solution::Env;
use crate::render::table::Table;
use crate::{msg, t};

/// `lab test` runs its own cluster here unless `--base-ip` says otherwise, so it never
/// disturbs a student's cluster on 127.0.158.x.
pub const TEST_BASE_IP: std::net::Ipv4Addr = std::net::Ipv4Addr::new(127, 0, 161, 100);

fn kind_word(k: StepKind) -> String {
    match k {
        StepKind::Action => t!("kind-action"),
        StepKind::Observe => t!("kind-observe"),
        StepKind::Read => t!("kind-read"),
    }
}

struct Printer;

impl Reporter for Printer {
    fn test(&self, report: &crate::model::consistency::Report) {
        for line in crate::render::consistency::summary(report) {
            crate::outln!("    {line}");
        }
    }

    fn running(&self, step: &str, line: &str) {
        crate::outln!("  {} {}  {}", style("▶").cyan(), step, style(line).dim());
    }

    fn step(&self, r: &StepReport) {
        match &r.result {
            Ok(None) => {
                crate::outln!("{} {} ({})", style("·").dim(), r.step, kind_word(r.kind))
            }
            Ok(Some(ms)) => crate::outln!(
                "{} {} ({}) {}",
                style("✓").green().bold(),
                r.step,
                kind_word(r.kind),
                style(format!("{:.2} s", *ms as f64 / 1000.0)).dim()
            ),
            Err(why) => {
                crate::outln!(
                    "{} {} ({})",
                    style("✗").red().bold(),
                    r.step,
                    kind_word(r.kind)
                );
                for w in why {
                    crate::outln!("    {}", w.text());
                }
            }
        }
    }
}

pub fn run(config: &Config, args: &TestArgs) -> Result<()> {
    let rt = common::runtime()?;
    let lab = common::runnable_lab(config, &args.lab)?;
    if !lab.decks.iter().any(|(l, _)| l == config.lang.code()) {
        return Err(Error::Usage(msg!(
            "test-no-language",
            lab = lab.id.as_str(),
            lang = config.lang.code()
        )));
    }
    let base_ip = if config.base_ip == crate::model::topology::DEFAULT_LOCAL_BASE {
        TEST_BASE_IP
    } else {
        config.base_ip
    };
    rt.block_on(private::sweep(&config.state));
    let private = Private::create(&config.state, &format!("test-{}", lab.id))?;
    let state = private.state.clone();
    let dir = state.root.clone();
    let spec = common::spec(&lab);
    let source = common::local_source(config, base_ip)?;
    crate::outln!(
        "{}",
        t!(
            "test-start",
            lab = lab.id.as_str(),
            lang = config.lang.code()
        )
    );
    let result = rt.block_on(private.run(async {
        let spinner = Spinner::new(config.quiet);
        let up = provision::up(&state, &spec, &source, true, &spinner).await;
        spinner.finish();
        let (cluster, _, _) = up?;
        let plan = Plan::new(lab.clone(), config.lang)?;
        let session = Session::new(lab, cluster)?;
        let env = Env {
            state_dir: Some(dir.clone()),
            labs_dir: Some(config.catalog.dir.clone()),
            redis_server: config.redis_server.clone(),
            password: None,
        };
        drive(&session, plan, AutoKind::Prove, &env, &Printer).await
    }));
    let reports = match result?.report() {
        AutoReport::Steps(r) => r,
        AutoReport::Exercise(r) => return exercise_result(&r, &args.lab, config.width),
    };

    let mut table = Table::new(vec![
        t!("test-step"),
        t!("test-kind"),
        t!("test-result"),
        t!("test-time"),
    ]);
    for r in &reports {
        let (mark, time) = match &r.result {
            Ok(None) => ("·".to_string(), "-".to_string()),
            Ok(Some(ms)) => (
                style("✓").green().to_string(),
                format!("{:.2} s", *ms as f64 / 1000.0),
            ),
            Err(_) => (style("✗").red().to_string(), "-".to_string()),
        };
        table.row(vec![r.step.clone(), kind_word(r.kind), mark, time]);
    }
    crate::outln!();
    crate::out!("{}", table.render());
    if reports.iter().any(|r| r.result.is_err()) {
        return Err(Error::Failed(msg!("test-failed", lab = args.lab.as_str())));
    }
    crate::outln!(
        "{} {}",
        style("✓").green().bold(),
        t!(
            "test-passed",
            lab = args.lab.as_str(),
            steps = reports.len()
        )
    );
    Ok(())
}

fn exercise_result(r: &ExerciseReport, lab: &str, width: usize) -> Result<()> {
    let Some(u) = &r.unsolved else {
        for p in &r.problems {
            crate::outln!("    {}", p.text());
        }
        return Err(Error::Failed(msg!("test-failed", lab = lab)));
    };
    crate::outln!(
        "{} {}",
        if u.passed {
            style("✗").red().bold()
        } else {
            style("✓").green().bold()
        },
        t!(
            "test-exercise-unsolved",
            points = u.points,
            max = u.max_points,
            percent = format!("{:.0}", u.percent),
            mark = u.pass_mark
        )
    );
    if let Some(s) = &r.solved {
        let full = s.points == s.max_points;
        crate::outln!(
            "{} {}",
            if full {
                style("✓").green().bold()
            } else {
                style("✗").red().bold()
            },
            t!(
                "test-exercise-solved",
                points = s.points,
                max = s.max_points,
                percent = format!("{:.0}", s.percent),
                secs = format!("{:.2}", r.took_ms as f64 / 1000.0)
            )
        );
        crate::out!("{}", crate::render::grade::table(s, width));
    }
    for p in &r.problems {
        crate::outln!("    {}", p.text());
    }
    if r.passed() {
        crate::outln!(
            "{} {}",
            style("✓").green().bold(),
            t!("test-exercise-passed", lab = lab)
        );
        Ok(())
    } else {
        Err(Error::Failed(msg!("test-failed", lab = lab)))
    }
}
