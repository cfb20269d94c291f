//! `lab export`: the slides as reveal.js Markdown with the addresses of a topology filled in
//! and the runner's step markers taken out, so an instructor presents the lab the students run;
//! with `-o DIR`, also a page per language on the embedded reveal.js that opens from file://.

use std::path::Path;

use console::style;

use super::common;
use crate::cli::{ExportArgs, TopologyArg};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::lab::Lab;
use crate::lab::slides::Deck;
use crate::model::topology::Layout;
use crate::serve::{assets, page};
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
            let written = |path: &Path| {
                crate::outln!(
                    "{} {}",
                    style("✓").green(),
                    t!("export-written", path = path.display().to_string())
                );
            };
            let shown = lab.deck(config.lang).map(|(l, _)| l.to_string());
            for (lang, deck) in &lab.decks {
                let suffix = if lang.is_empty() {
                    String::new()
                } else {
                    format!(".{lang}")
                };
                let markdown = export(&lab, deck, &layout)?;
                let path = dir.join(format!("{}{suffix}.md", lab.id));
                crate::fsutil::write_atomic(&path, markdown.as_bytes())?;
                written(&path);
                let lang_of_page = Lang::parse(lang).unwrap_or(config.lang);
                let page = page::html(&page::Page {
                    lang: lang_of_page.code(),
                    title: &lab.title(lang_of_page),
                    markdown: &markdown,
                    assets: "reveal/",
                    init: "init.js",
                });
                let mut names = vec![format!("index{suffix}.html")];
                // The page in the language asked for is also the directory's index.html.
                if shown.as_deref() == Some(lang.as_str()) && !suffix.is_empty() {
                    names.push("index.html".into());
                }
                for name in names {
                    let path = dir.join(name);
                    crate::fsutil::write_atomic(&path, page.as_bytes())?;
                    written(&path);
                }
            }
            write_assets(dir)?;
        }
    }
    Ok(())
}

/// reveal.js beside the pages (`reveal/`) and the script that starts it: the directory opens
/// from file:// with no network.
fn write_assets(dir: &Path) -> Result<()> {
    for a in assets::ASSETS {
        crate::fsutil::write_atomic(&dir.join("reveal").join(a.path), a.bytes)?;
    }
    crate::fsutil::write_atomic(&dir.join("init.js"), page::INIT_JS.as_bytes())
}
