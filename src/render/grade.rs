//! A grade in words: the table students read, and the text report kept beside the JSON one.

use console::style;

use super::table::Table;
use super::wrap::wrap;
use crate::grade::Grade;
use crate::grade::report::Report;
use crate::t;

/// The grade as a table (criterion, points, ✓/✗, what differs) when it fits in `width`
/// columns; otherwise each criterion on its own, what differs wrapped below it.
pub fn table(g: &Grade, width: usize) -> String {
    let mark = |passed: bool| {
        if passed {
            style("✓").green().to_string()
        } else {
            style("✗").red().to_string()
        }
    };
    let mut t = Table::new(vec![
        t!("grade-criterion"),
        t!("grade-points"),
        String::new(),
        t!("grade-differs"),
    ]);
    for r in &g.results {
        let why = r
            .failures
            .iter()
            .map(|m| m.text())
            .collect::<Vec<_>>()
            .join("; ");
        t.row(vec![
            r.description.clone(),
            format!("{}/{}", r.earned, r.points),
            mark(r.passed()),
            why,
        ]);
    }
    let mut out = t.render();
    if out.lines().any(|l| console::measure_text_width(l) > width) {
        out.clear();
        for r in &g.results {
            let head = format!(
                "{} {} {}",
                mark(r.passed()),
                style(format!("{}/{}", r.earned, r.points)).bold(),
                r.description
            );
            for l in wrap(&head, width, "", "      ") {
                out.push_str(&l);
                out.push('\n');
            }
            for f in &r.failures {
                for l in wrap(&f.text(), width, "      ", "        ") {
                    out.push_str(&l);
                    out.push('\n');
                }
            }
        }
    }
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
    out.push_str(&console::strip_ansi_codes(&table(g, usize::MAX)));
    out.push_str(&format!(
        "{}: {} {}\n",
        t!("grade-integrity"),
        r.integrity.kind,
        r.integrity.value
    ));
    out
}
