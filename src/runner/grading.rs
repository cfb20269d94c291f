//! A grade shown and kept: the table students read, and the report files (JSON and text) saved
//! in the state directory, for `lab grade` and the runner's `g` key alike.

use std::path::PathBuf;

use console::style;

use crate::cluster::statedir::StateDir;
use crate::error::{Error, Result};
use crate::grade::Grade;
use crate::grade::report::Report;
use crate::render::table::Table;
use crate::t;

/// The grade as a table: criterion, points, ✓/✗, what differs.
pub fn table(g: &Grade) -> String {
    let mut t = Table::new(vec![
        t!("grade-criterion"),
        t!("grade-points"),
        String::new(),
        t!("grade-differs"),
    ]);
    for r in &g.results {
        let mark = if r.passed() {
            style("✓").green().to_string()
        } else {
            style("✗").red().to_string()
        };
        let why = r
            .failures
            .iter()
            .map(|m| m.text())
            .collect::<Vec<_>>()
            .join("; ");
        t.row(vec![
            r.description.clone(),
            format!("{}/{}", r.earned, r.points),
            mark,
            why,
        ]);
    }
    let mut out = t.render();
    if g.hint_penalty > 0 {
        out.push_str(&t!(
            "grade-hint-penalty",
            hints = g.hints_used,
            points = g.hint_penalty
        ));
        out.push('\n');
    }
    let verdict = if g.passed {
        style(t!("grade-passed")).green().bold().to_string()
    } else {
        style(t!("grade-not-passed", mark = g.pass_mark))
            .red()
            .bold()
            .to_string()
    };
    out.push_str(&t!(
        "grade-total",
        points = g.points,
        max = g.max_points,
        percent = format!("{:.0}", g.percent),
        verdict = verdict
    ));
    out.push('\n');
    out
}

/// The readable form kept beside the JSON: the same facts, no colours.
pub fn text_report(r: &Report, g: &Grade) -> String {
    let mut out = t!(
        "grade-text-head",
        lab = r.lab.as_str(),
        hash = r.content_hash.as_str(),
        lang = r.lang.as_str(),
        attempt = r.attempt
    );
    out.push('\n');
    out.push_str(&console::strip_ansi_codes(&table(g)));
    out.push_str(&format!(
        "{}: {} {}\n",
        t!("grade-integrity"),
        r.integrity.kind,
        r.integrity.value
    ));
    out
}

/// Where a report was saved, and its JSON.
pub struct Saved {
    pub path: PathBuf,
    pub json: String,
}

/// Writes the report as `<state>/grades/<lab>/<time>-<attempt>.json`, and its text form beside.
pub fn save(state: &StateDir, report: &Report, g: &Grade) -> Result<Saved> {
    let json = serde_json::to_string_pretty(report)
        .map_err(|e| Error::io("json", std::io::Error::other(e)))?;
    let dir = state.root.join("grades").join(&report.lab);
    let stem = dir.join(format!("{}-{}", report.graded_ms, report.attempt));
    let path = stem.with_extension("json");
    crate::fsutil::write_atomic(&path, json.as_bytes())?;
    crate::fsutil::write_atomic(
        &stem.with_extension("txt"),
        text_report(report, g).as_bytes(),
    )?;
    Ok(Saved { path, json })
}

/// The best percentage among the saved reports of a lab.
pub fn best(state: &StateDir, lab: &str) -> Option<f64> {
    let dir = state.root.join("grades").join(lab);
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| crate::fsutil::read_json::<Report>(&e.path()).ok().flatten())
        .map(|r| r.percent)
        .fold(None, |best: Option<f64>, p| {
            Some(best.map_or(p, |b| b.max(p)))
        })
}
