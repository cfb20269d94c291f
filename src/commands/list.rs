//! `lab list`: the labs, with their titles in the user's language and their step counts.

use console::style;

use crate::config::Config;
use crate::error::Result;
use crate::lab::Lab;
use crate::t;

pub fn run(config: &Config) -> Result<()> {
    let ids = config.catalog.ids();
    if ids.is_empty() {
        crate::outln!(
            "{}",
            t!("list-empty", dir = config.catalog.dir.display().to_string())
        );
        return Ok(());
    }
    let mut labs: Vec<Lab> = ids
        .iter()
        .filter_map(|id| Lab::load(&config.catalog.dir.join(id)).ok())
        .collect();
    // In course order, then by id.
    labs.sort_by_key(|l| {
        let order = l.manifest.as_ref().and_then(|m| m.order);
        (order.unwrap_or(u32::MAX), l.id.clone())
    });
    let id_width = labs.iter().map(|l| l.id.chars().count()).max().unwrap_or(0);
    let titles: Vec<String> = labs.iter().map(|l| l.title(config.lang)).collect();
    let title_width = titles
        .iter()
        .map(|t| console::measure_text_width(t))
        .max()
        .unwrap_or(0);
    for (lab, title) in labs.iter().zip(&titles) {
        let steps = lab.manifest.as_ref().map_or(0, |m| m.steps.len());
        let what = match lab.manifest.as_ref().and_then(|m| m.exercise.as_ref()) {
            Some(ex) => t!("list-exercise", criteria = ex.scheme.criteria.len()),
            None => t!("list-steps", count = steps),
        };
        let pad_id = id_width - lab.id.chars().count();
        let pad_title = title_width - console::measure_text_width(title);
        crate::outln!(
            "{}{}  {}{}  {}  {}",
            style(&lab.id).bold(),
            " ".repeat(pad_id),
            title,
            " ".repeat(pad_title),
            style(what).dim(),
            style(lab.languages().join(", ")).dim(),
        );
    }
    Ok(())
}
