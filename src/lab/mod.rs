//! The lab format: a manifest (`lab.yaml`) and one slide file per language (`es.md`, `en.md`).
//!
//! Nothing here talks to Redis: a lab is parsed with its source positions kept, and tied to
//! real addresses only when rendered for a [`topology::Layout`].

pub mod catalog;
pub mod encoding;
pub mod exercise;
pub mod lint;
pub mod manifest;
pub mod slides;
pub mod solution;
pub mod source;
pub mod step;
pub mod template;
mod yaml;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::model::topology::{Layout, Topology};
use manifest::Manifest;
use slides::Deck;
use source::{Diagnostic, SourceFile};
use template::Vars;

pub const MANIFEST: &str = "lab.yaml";

/// A lab as read from disk. Problems found while reading are kept in `diagnostics`; a lab with
/// errors can still be listed and shown, so an instructor sees what they are fixing.
#[derive(Clone, Debug)]
pub struct Lab {
    pub id: String,
    pub dir: PathBuf,
    /// `None` for a bare slide file, which is shown and linted but has nothing to check.
    pub manifest: Option<Manifest>,
    pub manifest_src: Option<SourceFile>,
    /// Slides by language code (the file's stem), sorted by code.
    pub decks: Vec<(String, Deck)>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Lab {
    /// Loads a lab directory, its `lab.yaml`, or a bare slide file.
    pub fn load(path: &Path) -> Result<Lab> {
        if path.is_dir() {
            return Lab::load_dir(path);
        }
        match path.extension().and_then(|e| e.to_str()) {
            Some("yaml" | "yml") => Lab::load_dir(path.parent().unwrap_or(Path::new("."))),
            _ => Lab::load_slides(path),
        }
    }

    fn load_dir(dir: &Path) -> Result<Lab> {
        let manifest_path = dir.join(MANIFEST);
        let src = SourceFile::read(&manifest_path)?;
        let (manifest, mut diagnostics) = Manifest::parse(&src);
        let mut decks = vec![];
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|e| e == "md")
                    && !p
                        .file_stem()
                        .is_some_and(|s| s.eq_ignore_ascii_case("readme"))
            })
            .collect();
        files.sort();
        for path in files {
            let lang = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let (deck, diags) = Deck::parse(SourceFile::read(&path)?);
            diagnostics.extend(diags);
            decks.push((lang, deck));
        }
        let id = manifest.as_ref().map(|m| m.id.clone()).unwrap_or_else(|| {
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        Ok(Lab {
            id,
            dir: dir.to_path_buf(),
            manifest,
            manifest_src: Some(src),
            decks,
            diagnostics,
        })
    }

    fn load_slides(path: &Path) -> Result<Lab> {
        let (deck, diagnostics) = Deck::parse(SourceFile::read(path)?);
        let stem = path
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A bare file's language is unknown; its name says it when it is `es.md` or `en.md`.
        let lang = Lang::parse(&stem)
            .map(|l| l.code().to_string())
            .unwrap_or_default();
        Ok(Lab {
            id: stem,
            dir: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            manifest: None,
            manifest_src: None,
            decks: vec![(lang, deck)],
            diagnostics,
        })
    }

    /// The slides in `lang`, else the first language the lab has (the caller says so).
    pub fn deck(&self, lang: Lang) -> Option<(&str, &Deck)> {
        self.decks
            .iter()
            .find(|(l, _)| l == lang.code())
            .or_else(|| self.decks.first())
            .map(|(l, d)| (l.as_str(), d))
    }

    /// The manifest, for what only a lab with one can do (start, check, reset…); a bare slide
    /// file has none.
    pub fn runnable(&self) -> Result<&Manifest> {
        self.manifest.as_ref().ok_or_else(|| {
            Error::Usage(crate::msg!(
                "error-lab-not-runnable",
                lab = self.id.as_str()
            ))
        })
    }

    pub fn languages(&self) -> Vec<&str> {
        self.decks.iter().map(|(l, _)| l.as_str()).collect()
    }

    pub fn title(&self, lang: Lang) -> String {
        let from_manifest = self.manifest.as_ref().and_then(|m| {
            m.title
                .get(lang.code())
                .or_else(|| m.title.values().next())
                .cloned()
        });
        from_manifest
            .or_else(|| {
                self.deck(lang)
                    .and_then(|(_, d)| d.slides.iter().find_map(|s| s.title.clone()))
            })
            .unwrap_or_else(|| self.id.clone())
    }

    pub fn topology(&self) -> Topology {
        self.manifest
            .as_ref()
            .map(|m| m.topology.clone())
            .unwrap_or_else(default_topology)
    }

    /// What templates can name besides addresses.
    pub fn vars(&self) -> Vars {
        let data = self.manifest.as_ref().and_then(|m| m.data.as_ref());
        Vars {
            lab: self.id.clone(),
            prefix: data.map(|d| d.prefix.clone()).unwrap_or_default(),
            keys: data.map_or(0, |d| d.count),
            node_ids: Default::default(),
            password: self
                .manifest
                .as_ref()
                .and_then(|m| m.topology.password.as_ref())
                .map(|p| p.expose().to_string())
                .unwrap_or_default(),
        }
    }

    pub fn renderer(&self, layout: &Layout) -> template::Renderer {
        template::Renderer::new(layout, &self.vars())
    }
}

/// The course's shape: three hosts with a master on 6379 and a replica on 6380. Used for bare
/// slide files, which declare no topology of their own.
pub fn default_topology() -> Topology {
    use crate::model::NodeRef;
    use crate::model::slots::{SlotRange, SlotSet};
    let r = |a, b| SlotSet::from_ranges([SlotRange::new(a, b)]);
    Topology {
        kind: crate::model::topology::Kind::Cluster,
        hosts: vec!["a".into(), "b".into(), "c".into()],
        ports: vec![6379, 6380],
        node_timeout_ms: manifest::DEFAULT_NODE_TIMEOUT_MS,
        masters: vec![
            (NodeRef::new("a", 6379), r(0, 5460)),
            (NodeRef::new("b", 6379), r(5461, 10922)),
            (NodeRef::new("c", 6379), r(10923, 16383)),
        ],
        replicas: vec![
            (NodeRef::new("b", 6380), NodeRef::new("a", 6379)),
            (NodeRef::new("c", 6380), NodeRef::new("b", 6379)),
            (NodeRef::new("a", 6380), NodeRef::new("c", 6379)),
        ],
        config: vec![],
        sentinel: None,
        password: None,
    }
}
