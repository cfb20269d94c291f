//! One slide for the terminal: its templates filled in for a layout, its Markdown rendered,
//! and its notes shown dimmed when asked for.

use console::style;

use super::markdown::{RenderStyle, render_markdown};
use crate::lab::slides::{Deck, Slide};
use crate::lab::source::Diagnostic;
use crate::lab::template::Renderer;
use crate::t;

/// A rendered slide, and the template problem met on the way (the raw text is shown instead,
/// so nothing the instructor wrote is hidden).
pub struct RenderedSlide {
    pub text: String,
    pub problem: Option<Diagnostic>,
}

fn fill(
    deck: &Deck,
    range: &std::ops::Range<usize>,
    renderer: &Renderer,
) -> (String, Option<Diagnostic>) {
    let raw = deck.text(range);
    match renderer.render(raw) {
        Ok(s) => (s, None),
        Err(e) => {
            let pos = deck.source.pos(range.start + e.offset);
            (
                raw.to_string(),
                Some(Diagnostic::error(&deck.source.path, pos, e.msg)),
            )
        }
    }
}

/// A rule across the screen naming the slide's place and step: `── 3/15 · failover ───`.
pub fn header(slide: &Slide, total: usize, step: Option<&str>, style_: RenderStyle) -> String {
    let mut label = format!("{}/{}", slide.index + 1, total);
    if let Some(step) = step {
        label.push_str(&format!(" · {}", t!("show-step", step = step)));
    }
    let width = style_.width.min(80);
    let used = console::measure_text_width(&label) + 4;
    let line = format!("── {label} {}", "─".repeat(width.saturating_sub(used)));
    if style_.color {
        style(line).dim().force_styling(true).to_string()
    } else {
        line
    }
}

pub fn render(
    deck: &Deck,
    slide: &Slide,
    renderer: &Renderer,
    style_: RenderStyle,
    notes: bool,
) -> RenderedSlide {
    let (body, mut problem) = fill(deck, &slide.body, renderer);
    let mut text = render_markdown(&body, style_);
    if notes && let Some(range) = &slide.notes {
        let (notes_text, p) = fill(deck, range, renderer);
        problem = problem.or(p);
        let label = t!("show-notes");
        let label = if style_.color {
            style(label).dim().italic().force_styling(true).to_string()
        } else {
            label
        };
        text.push('\n');
        text.push_str(&label);
        text.push('\n');
        text.push_str(&render_markdown(
            &notes_text,
            RenderStyle {
                dim: true,
                ..style_
            },
        ));
    }
    RenderedSlide { text, problem }
}
