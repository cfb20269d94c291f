//! What the engine says under a slide, in lines for the terminal: the runner shows them under
//! the slide, and the commands of a second terminal (`lab check`, `lab hint`) print them.

use console::style;

use crate::engine::Notice;
use crate::render::wrap::wrap;
use crate::render::{consistency, grade};
use crate::t;

/// One notice, wrapped to `width` at spaces only.
pub fn lines(n: &Notice, width: usize) -> Vec<String> {
    let mut out = vec![];
    let mut add = |text: String, rest: &str| out.extend(wrap(&text, width, "", rest));
    match n {
        Notice::Info(m) => add(m.text(), ""),
        Notice::Good(m) => add(format!("{} {}", style("✓").green(), m.text()), "  "),
        Notice::Warn(m) => add(format!("{} {}", style("!").yellow(), m.text()), "  "),
        Notice::Error(m) => add(format!("{} {}", style("✗").red(), m.text()), "  "),
        Notice::Hints {
            shown,
            total,
            exhausted,
        } => {
            for (i, h) in shown.iter().enumerate() {
                let label = style(t!("start-hint", n = i + 1, total = *total))
                    .cyan()
                    .bold();
                add(format!("{label} {h}"), "  ");
            }
            if *exhausted {
                add(
                    style(t!("start-no-more-hints", total = *total))
                        .dim()
                        .to_string(),
                    "",
                );
            }
        }
        Notice::Failures(f) => {
            for m in f {
                add(format!("  {} {}", style("✗").red(), m.text()), "    ");
            }
        }
        Notice::Blocked { step, why } => add(
            format!(
                "{} {}",
                style("✗").red(),
                t!("start-finish-first", step = step.as_str(), why = why.text())
            ),
            "  ",
        ),
        Notice::Grade {
            grade: g,
            saved,
            time_up,
        } => {
            if *time_up {
                add(style(t!("start-time-up")).yellow().bold().to_string(), "");
            }
            out.extend(grade::table(g, width).lines().map(str::to_string));
            if g.passed {
                out.push(format!(
                    "{} {}",
                    style("★").yellow().bold(),
                    t!("start-exercise-passed")
                ));
            }
            if let Some(p) = saved {
                out.extend(wrap(
                    &style(t!("grade-saved", path = p.as_str()))
                        .dim()
                        .to_string(),
                    width,
                    "",
                    "",
                ));
            }
        }
        Notice::Consistency(r) => {
            for l in consistency::summary(r) {
                out.extend(wrap(&l, width, "", "    "));
            }
        }
    }
    out
}
