//! `lab lint`: everything that can be known about a lab without a cluster.
//!
//! Loading already reported YAML, schema and slide-structure problems; here the manifest and
//! the slides are checked against each other (every step has slides in every language, in
//! order), templates are rendered with strict undefined, and text that looks double-encoded is
//! pointed out.

use std::net::Ipv4Addr;

use super::Lab;
use super::encoding::find_mojibake;
use super::manifest::Manifest;
use super::slides::Deck;
use super::solution::{Solution, words};
use super::source::{Diagnostic, Pos, SourceFile};
use super::template::Renderer;
use crate::i18n::Lang;
use crate::model::commands::{self, Unknown};
use crate::model::topology::{DEFAULT_LOCAL_BASE, Layout};
use crate::msg;
use crate::verify::Simulation;

/// How a `lab` solution line is judged: the words after `lab`, and why they are not a
/// command `lab` would run. The edge passes its argument parser, which lab/ does not know.
pub type LabLine<'a> = &'a dyn Fn(&[String]) -> Result<(), crate::i18n::Msg>;

/// Every finding, sorted by file and position (`lab` solution lines only split, not parsed;
/// addresses those of the default local range).
pub fn lint(lab: &Lab) -> Vec<Diagnostic> {
    lint_with(lab, DEFAULT_LOCAL_BASE, &|_| Ok(()))
}

/// Every finding, templates rendered for the local range from `base` (the one the user's
/// cluster uses, so messages show its addresses) and `lab` solution lines judged by
/// `lab_line`.
pub fn lint_with(lab: &Lab, base: Ipv4Addr, lab_line: LabLine) -> Vec<Diagnostic> {
    let mut out = lab.diagnostics.clone();
    let layout = Layout::local(&lab.topology(), base);
    let renderer = lab.renderer(&layout);
    if let Some(src) = &lab.manifest_src {
        mojibake(src, &mut out);
    }
    if lab.manifest_src.is_some() && lab.decks.is_empty() {
        out.push(Diagnostic::error(
            &lab.dir.join(super::MANIFEST),
            Pos { line: 1, col: 1 },
            msg!("lint-no-slides"),
        ));
    }
    for (lang, deck) in &lab.decks {
        if lab.manifest_src.is_some() && Lang::parse(lang).is_none_or(|l| l.code() != lang) {
            out.push(Diagnostic::warning(
                &deck.source.path,
                Pos { line: 1, col: 1 },
                msg!("lint-unknown-language", value = lang.as_str()),
            ));
        }
        mojibake(&deck.source, &mut out);
        slide_templates(deck, &renderer, &mut out);
        if let Some(m) = &lab.manifest {
            markers(m, deck, &mut out);
        }
    }
    if let (Some(m), Some(src)) = (&lab.manifest, &lab.manifest_src) {
        manifest_texts(m, src, &renderer, &lab.languages(), &mut out);
        let lines = m
            .steps
            .iter()
            .flat_map(|s| &s.solution)
            .chain(m.exercise.iter().flat_map(|e| &e.solution));
        for (how, text) in lines {
            solution_line(how, text, src, &renderer, lab_line, &mut out);
        }
        if let Some(ex) = &m.exercise {
            exercise(m, ex, src, &renderer, &layout, &lab.languages(), &mut out);
        }
    }

    out.sort_by(|a, b| (&a.path, a.pos).cmp(&(&b.path, b.pos)));
    out.dedup();
    out
}

/// A solution line that would fail before it reached a node: empty, unbalanced quotes, a
/// Redis command Redis does not have, a `lab` line `lab` would refuse. (Its templates were
/// checked with the other texts; one that does not render is not judged again here.)
fn solution_line(
    how: &Solution<crate::model::node::NodeRef>,
    text: &super::step::Text,
    src: &SourceFile,
    renderer: &Renderer,
    lab_line: LabLine,
    out: &mut Vec<Diagnostic>,
) {
    let Ok(rendered) = renderer.render(&text.value) else {
        return;
    };
    let at = src.pos(text.source_offset(&src.text, 0));
    let mut error = |m| out.push(Diagnostic::error(&src.path, at, m));
    let words = match words(&rendered) {
        Ok(w) if w.is_empty() => return error(msg!("lint-solution-empty", kind = how.kind())),
        Ok(w) => w,
        // The splitter's own message: the one running the line would give.
        Err(m) => return error(m),
    };
    match how {
        Solution::RedisCli { .. } => match commands::check(&words) {
            Some(Unknown::Command(c)) => error(msg!("lint-solution-unknown-command", command = c)),
            Some(Unknown::Subcommand(c, sub)) => error(msg!(
                "lint-solution-unknown-subcommand",
                command = c,
                sub = sub
            )),
            None => {}
        },
        Solution::Lab(_) => {
            if let Err(m) = lab_line(&words) {
                error(msg!("lint-solution-lab", line = rendered.as_str(), why = m));
            }
        }
        Solution::Shell(_) => {}
    }
}

fn mojibake(src: &SourceFile, out: &mut Vec<Diagnostic>) {
    for at in &src.not_utf8 {
        out.push(Diagnostic::warning(
            &src.path,
            src.pos(*at),
            msg!("lint-not-utf8"),
        ));
    }
    for m in find_mojibake(&src.text) {
        out.push(Diagnostic::warning(
            &src.path,
            src.pos(m.offset),
            msg!(
                "lint-mojibake",
                found = m.found.as_str(),
                fixed = m.fixed.as_str()
            ),
        ));
    }
}

/// Each slide (body and notes) must render: a typo in a function or variable name is an error.
fn slide_templates(deck: &Deck, renderer: &Renderer, out: &mut Vec<Diagnostic>) {
    for slide in &deck.slides {
        let end = slide.notes.as_ref().map_or(slide.body.end, |n| n.end);
        let range = slide.body.start..end;
        if let Err(e) = renderer.render(deck.text(&range)) {
            out.push(Diagnostic::error(
                &deck.source.path,
                deck.source.pos(range.start + e.offset),
                e.msg,
            ));
        }
    }
}

/// Markers name steps of the manifest, in the manifest's order, each once; every step has one.
fn markers(m: &Manifest, deck: &Deck, out: &mut Vec<Diagnostic>) {
    let path = &deck.source.path;
    let mut last: Option<usize> = None;
    // (step index, slide start) of each marker that names a known step.
    let mut found: Vec<(usize, usize)> = vec![];
    for slide in &deck.slides {
        let Some(marker) = &slide.step else { continue };
        let pos = deck.source.pos(marker.offset);
        let Some(index) = m.steps.iter().position(|s| s.id == marker.step) else {
            let known = m
                .steps
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            out.push(Diagnostic::error(
                path,
                pos,
                msg!(
                    "lint-marker-unknown-step",
                    step = marker.step.as_str(),
                    known = known
                ),
            ));
            continue;
        };
        match last {
            Some(l) if l == index || found.iter().any(|(i, _)| *i == index) => {
                out.push(Diagnostic::error(
                    path,
                    pos,
                    msg!("lint-marker-repeated", step = marker.step.as_str()),
                ));
                continue;
            }
            Some(l) if l > index => out.push(Diagnostic::error(
                path,
                pos,
                msg!(
                    "lint-marker-order",
                    step = marker.step.as_str(),
                    after = m.steps[l].id.as_str()
                ),
            )),
            _ => {}
        }
        last = Some(index);
        // Point at the slide's first words, not at the blank line after a separator.
        let text = deck.text(&slide.body);
        let lead = text.len() - text.trim_start().len();
        found.push((index, slide.body.start + lead));
    }
    for (index, step) in m.steps.iter().enumerate() {
        if found.iter().any(|(i, _)| *i == index) {
            continue;
        }
        // The marker belongs before the first slide of a later step.
        let at = found
            .iter()
            .filter(|(i, _)| *i > index)
            .map(|(_, start)| *start)
            .min()
            .unwrap_or(deck.source.text.len());
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push(Diagnostic::error(
            path,
            deck.source.pos(at),
            msg!(
                "lint-step-without-slide",
                step = step.id.as_str(),
                file = file
            ),
        ));
    }
}

/// Titles, hints and solutions: present for every language, and renderable.
fn manifest_texts(
    m: &Manifest,
    src: &SourceFile,
    renderer: &Renderer,
    languages: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    let path = &src.path;
    for lang in languages {
        if !m.title.contains_key(*lang) {
            out.push(Diagnostic::error(
                path,
                m.title_pos,
                msg!("lint-title-missing", lang = *lang),
            ));
        }
    }
    for step in &m.steps {
        if !step.hints.is_empty() || !step.title.is_empty() {
            for lang in languages {
                if !step.hints.is_empty() && !step.hints.contains_key(*lang) {
                    out.push(Diagnostic::warning(
                        path,
                        step.pos,
                        msg!("lint-hints-missing", step = step.id.as_str(), lang = *lang),
                    ));
                }
                if !step.title.is_empty() && !step.title.contains_key(*lang) {
                    out.push(Diagnostic::warning(
                        path,
                        step.pos,
                        msg!(
                            "lint-step-title-missing",
                            step = step.id.as_str(),
                            lang = *lang
                        ),
                    ));
                }
            }
        }
        let texts = step
            .hints
            .values()
            .flatten()
            .chain(step.solution.iter().map(|(_, t)| t));
        for text in texts {
            if let Err(e) = renderer.render(&text.value) {
                out.push(Diagnostic::error(
                    path,
                    src.pos(text.source_offset(&src.text, e.offset)),
                    e.msg,
                ));
            }
        }
    }
}

/// An exercise: descriptions and hints in every language, templates that render, and a setup
/// that does not already satisfy the criteria (graded on the setup as the plan pictures it).
fn exercise(
    m: &Manifest,
    ex: &super::exercise::Exercise,
    src: &SourceFile,
    renderer: &Renderer,
    layout: &Layout,
    languages: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    let path = &src.path;
    for c in &ex.scheme.criteria {
        for text in c.description.values() {
            if let Err(e) = renderer.render(text) {
                out.push(Diagnostic::error(path, m.id_pos, e.msg));
            }
        }
        for lang in languages {
            if !c.description.contains_key(*lang) {
                out.push(Diagnostic::warning(
                    path,
                    m.id_pos,
                    msg!("lint-description-missing", id = c.id.as_str(), lang = *lang),
                ));
            }
        }
    }
    for text in ex
        .hints
        .values()
        .flatten()
        .chain(ex.solution.iter().map(|(_, t)| t))
    {
        if let Err(e) = renderer.render(&text.value) {
            out.push(Diagnostic::error(
                path,
                src.pos(text.source_offset(&src.text, e.offset)),
                e.msg,
            ));
        }
    }
    let keys = m.data.as_ref().map_or(0, |d| d.count);
    let untouched = crate::verify::simulate::simulate(&m.topology, layout, &m.setup, keys);
    let g = crate::grade::grade(&crate::grade::Inputs {
        scheme: &ex.scheme,
        layout,
        baseline: &untouched,
        now: &untouched,
        consistency: None,
        hints_used: 0,
        lang: "en",
        render: None,
        key_slots: None,
    });
    // What the picture cannot tell is said as such: `lab test` proves it on a real cluster.
    for c in &ex.scheme.criteria {
        for check in &c.checks {
            if let Simulation::NotSimulated(why) = check.simulation() {
                out.push(Diagnostic::note(
                    path,
                    m.id_pos,
                    msg!(
                        "lint-not-simulated",
                        id = c.id.as_str(),
                        check = check.written(),
                        why = why
                    ),
                ));
            }
        }
    }
    if g.passed {
        out.push(Diagnostic::error(
            path,
            m.id_pos,
            msg!(
                "lint-exercise-solved-by-setup",
                percent = format!("{:.0}", g.percent),
                mark = ex.scheme.pass_mark
            ),
        ));
    }
}
