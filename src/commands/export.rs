//! `lab export`: the slides as reveal.js Markdown with the addresses of a topology filled in
//! and the runner's step markers taken out, so an instructor presents the lab the students run.

use std::path::Path;

use console::style;

use super::common;
use crate::cli::{ExportArgs, TopologyArg};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::lab::Lab;
use crate::lab::slides::Deck;
use crate::model::topology::Layout;
use crate::{msg, t};

/// One deck, rendered for a layout, its step markers removed.
pub fn export(lab: &Lab, deck: &Deck, layout: &Layout) -> Result<String> {
    // Markers go first, by their source positions: a marker is a whole line of its own.
    let mut text = deck.source.text.clone();
    let mut offsets: Vec<usize> = deck
        .slides
        .iter()
        .filter_map(|s| s.step.as_ref().map(|m| m.offset))
        .collect();
    offsets.sort_unstable_by(|a, b| b.cmp(a));
    for at in offsets {
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        if text[start..end].trim().starts_with("<!--") && text[start..end].trim().ends_with("-->") {
            text.replace_range(start..end, "");
        }
    }
    lab.renderer(layout).render(&text).map_err(|e| {
        let pos = deck.source.pos(e.offset);
        Error::Usage(msg!(
            "export-template",
            file = deck.source.path.display().to_string(),
            pos = pos.to_string(),
            reason = e.msg.text()
        ))
    })
}

pub fn run(config: &Config, args: &ExportArgs) -> Result<()> {
    let lab = config.catalog.load(&args.lab)?;
    let topology = lab.topology();
    let targets = common::parse_nodes(&args.nodes)?;
    let layout = if !targets.is_empty() {
        let addrs: Vec<_> = targets.iter().map(|t| t.addr.clone()).collect();
        Layout::given(&topology, &addrs).ok_or_else(|| {
            Error::Usage(msg!(
                "error-nodes-count",
                given = addrs.len(),
                needed = topology.nodes().len(),
                order = topology
                    .nodes()
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?
    } else {
        match args.topology {
            TopologyArg::Local => config.local_layout(&topology),
            TopologyArg::Vagrant => Layout::vagrant(&topology),
        }
    };
    match &args.out {
        None => {
            let (_, deck) = lab
                .deck(config.lang)
                .ok_or_else(|| Error::Usage(msg!("show-no-slides", lab = lab.id.as_str())))?;
            crate::out!("{}", export(&lab, deck, &layout)?);
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            for (lang, deck) in &lab.decks {
                let name = if lang.is_empty() {
                    format!("{}.md", lab.id)
                } else {
                    format!("{}.{lang}.md", lab.id)
                };
                let path: &Path = &dir.join(name);
                crate::fsutil::write_atomic(path, export(&lab, deck, &layout)?.as_bytes())?;
                crate::outln!(
                    "{} {}",
                    style("✓").green(),
                    t!("export-written", path = path.display().to_string())
                );
            }
        }
    }
    Ok(())
}
