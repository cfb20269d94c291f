//! `lab grade`: the exercise graded from the live cluster, a table and a report (JSON and
//! text) in the state directory; `--verify` checks a report's integrity.

use console::style;

use super::common;
use crate::cli::GradeArgs;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::grade::report::{self, Meta, Report, Verdict};
use crate::grade::{self, Inputs};
use crate::runner::grading;
use crate::runner::progress::{Progress, now_ms};
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
    let session = common::session(config, lab.clone())?;
    let manifest = session.manifest.clone();
    let exercise = manifest
        .exercise
        .clone()
        .ok_or_else(|| Error::Usage(msg!("error-not-an-exercise", lab = lab.id.as_str())))?;
    let mut progress = Progress::load(&config.state, &manifest)?
        .ok_or_else(|| Error::Usage(msg!("error-lab-not-started", lab = lab.id.as_str())))?;
    let baseline = progress
        .baseline
        .clone()
        .ok_or_else(|| Error::Usage(msg!("error-lab-not-started", lab = lab.id.as_str())))?;
    let now = rt.block_on(session.snapshot());
    let consistency = crate::runner::consistency::published(&config.state, &lab.id)
        .filter(|p| p.started_ms >= progress.started_ms)
        .map(|p| p.summary);
    let hints = progress.hints.values().sum::<usize>() as u32;
    let renderer = session.renderer(Some(&now));
    let g = grade::grade(&Inputs {
        scheme: &exercise.scheme,
        layout: &session.layout,
        baseline: &baseline,
        now: &now,
        consistency: consistency.as_ref(),
        hints_used: hints,
        lang: config.lang.code(),
        render: Some(&|t: &str| renderer.render(t).unwrap_or_else(|_| t.to_string())),
        key_slots: Some(&session.key_slots),
    });
    progress.attempts += 1;
    progress.best_percent = Some(
        progress
            .best_percent
            .map_or(g.percent, |b| b.max(g.percent)),
    );
    if g.passed && progress.finished_ms.is_none() {
        progress.finished_ms = Some(now_ms());
    }
    progress.save(&config.state)?;
    let key = key(args)?;
    let report = Report::new(
        &g,
        Meta {
            lab: &lab.id,
            content_hash: report::content_hash(&lab.dir)?,
            lang: config.lang.code(),
            started_ms: progress.started_ms,
            graded_ms: now_ms(),
            attempt: progress.attempts,
        },
        key.as_deref(),
    );
    let saved = grading::save(&config.state, &report, &g)?;
    if let Some(out) = &args.out {
        crate::fsutil::write_atomic(out, saved.json.as_bytes())?;
    }
    if args.json {
        crate::outln!("{}", saved.json);
    } else {
        crate::out!("{}", grading::table(&g));
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
