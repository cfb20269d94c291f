//! `lab grade`: the exercise graded from the live cluster, a table and a report (JSON and
//! text) in the state directory; `--verify` checks a report's integrity.

use console::style;

use super::common::{self, Once};
use crate::app_state;
use crate::cli::GradeArgs;
use crate::config::Config;
use crate::engine::{Command, Effect, Event};
use crate::error::{Error, Result};
use crate::grade::report::{self, Report, Verdict};
use crate::render::grade as grade_text;
use crate::{msg, t};

/// The instructor's key: `--key-file`, else `LAB_GRADE_KEY`.
fn key(args: &GradeArgs) -> Result<Option<Vec<u8>>> {
    if let Some(path) = &args.key_file {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let trimmed = String::from_utf8_lossy(&bytes).trim().as_bytes().to_vec();
        return Ok(Some(trimmed));
    }
    Ok(std::env::var("LAB_GRADE_KEY")
        .ok()
        .filter(|k| !k.is_empty())
        .map(String::into_bytes))
}

pub fn run(config: &Config, args: &GradeArgs) -> Result<()> {
    if let Some(file) = &args.verify {
        return verify(args, file);
    }
    let rt = common::runtime()?;
    let lab = common::current_lab(config, args.lab.as_deref())?;
    if lab.runnable()?.exercise.is_none() {
        return Err(Error::Usage(msg!(
            "error-not-an-exercise",
            lab = lab.id.as_str()
        )));
    }
    let mut once = Once::new(config, lab.clone(), true)?;
    if once.engine.progress().baseline.is_none() {
        return Err(Error::Usage(msg!(
            "error-lab-not-started",
            lab = lab.id.as_str()
        )));
    }
    once.look(&rt)?;
    // The runner's background test, as it last published its counters.
    let started_ms = once.engine.progress().started_ms;
    if let Some(p) = once
        .store
        .published(&config.state)
        .filter(|p| p.started_ms >= started_ms)
    {
        use crate::engine::event::Background;
        once.engine.handle(Event::Background(Background::Started {
            run_id: p.run_id.clone(),
        }));
        once.engine.handle(Event::Background(Background::Counters {
            live: Default::default(),
            summary: p.summary,
        }));
    }
    let effects = once.command(Command::Grade)?;
    let Some((g, progress)) = effects.into_iter().find_map(|e| match e {
        Effect::SaveGrade { grade, progress } => Some((grade, progress)),
        _ => None,
    }) else {
        return Err(Error::Usage(msg!("start-waiting-cluster")));
    };
    let key = key(args)?;
    let report = app_state::report_of(&g, &lab, &progress, key.as_deref())?;
    let text = grade_text::text_report(&report, &g);
    let saved = app_state::save_report(&config.state, &report, &text)?;
    if let Some(out) = &args.out {
        crate::fsutil::write_atomic(out, saved.json.as_bytes())?;
    }
    if args.json {
        crate::outln!("{}", saved.json);
    } else {
        crate::out!("{}", grade_text::table(&g, config.width));
        crate::outln!(
            "{}",
            style(t!("grade-saved", path = saved.path.display().to_string())).dim()
        );
    }
    if g.passed {
        Ok(())
    } else {
        Err(Error::Failed(msg!("grade-not-passed", mark = g.pass_mark)))
    }
}

fn verify(args: &GradeArgs, file: &std::path::Path) -> Result<()> {
    let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
    let report: Report = serde_json::from_str(&text).map_err(|e| {
        Error::Failed(msg!(
            "grade-verify-unreadable",
            path = file.display().to_string(),
            reason = e.to_string()
        ))
    })?;
    let key = key(args)?;
    let ok = |m: String| crate::outln!("{} {m}", style("✓").green().bold());
    match (report::verify(&report, key.as_deref()), key.is_some()) {
        (Verdict::Authentic, _) => {
            ok(t!(
                "grade-verify-authentic",
                lab = report.lab.as_str(),
                percent = format!("{:.0}", report.percent)
            ));
            Ok(())
        }
        (Verdict::ChecksumOk, false) => {
            ok(t!(
                "grade-verify-checksum",
                lab = report.lab.as_str(),
                percent = format!("{:.0}", report.percent)
            ));
            Ok(())
        }
        // With a key, an unsigned report proves nothing: anyone can compute a checksum.
        (Verdict::ChecksumOk, true) => Err(Error::Failed(msg!("grade-verify-unsigned"))),
        (Verdict::NeedsKey, _) => Err(Error::Usage(msg!("grade-verify-needs-key"))),
        (Verdict::Altered, _) => Err(Error::Failed(msg!(
            "grade-verify-altered",
            path = file.display().to_string()
        ))),
    }
}
