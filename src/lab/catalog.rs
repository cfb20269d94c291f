//! Where labs live, and turning what the user typed (an id or a path) into a lab.

use std::path::{Path, PathBuf};

use super::{Lab, MANIFEST};
use crate::error::{Error, Result};

/// The labs directory in use.
#[derive(Clone, Debug)]
pub struct Catalog {
    pub dir: PathBuf,
    /// Every place that was considered, for the "not found" message.
    pub searched: Vec<PathBuf>,
}

impl Catalog {
    /// `--labs-dir` / `LAB_LABS_DIR` when given; else `./labs`, the `labs/` of the checkout the
    /// binary was built from (so `target/release/lab` works from anywhere), in that order.
    pub fn locate(explicit: Option<&Path>) -> Catalog {
        let mut candidates = vec![];
        if let Some(p) = explicit {
            candidates.push(p.to_path_buf());
        } else {
            candidates.push(PathBuf::from("labs"));
            candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("labs"));
        }
        let dir = candidates
            .iter()
            .find(|c| explicit.is_some() || has_labs(c))
            .cloned()
            .unwrap_or_else(|| candidates[0].clone());
        Catalog {
            dir,
            searched: candidates,
        }
    }

    /// Lab ids, sorted.
    pub fn ids(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return vec![];
        };
        let mut ids: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join(MANIFEST).is_file())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .collect();
        ids.sort();
        ids
    }

    /// The path for a lab id in this catalogue, or for a path the user gave.
    pub fn resolve(&self, id_or_path: &str) -> Result<PathBuf> {
        let in_catalog = self.dir.join(id_or_path);
        if !id_or_path.contains(['/', '\\']) && in_catalog.join(MANIFEST).is_file() {
            return Ok(in_catalog);
        }
        let as_path = PathBuf::from(id_or_path);
        if as_path.exists() {
            return Ok(as_path);
        }
        let mut searched = vec![self.dir.clone()];
        searched.extend(self.searched.iter().filter(|p| **p != self.dir).cloned());
        Err(Error::LabNotFound {
            id: id_or_path.to_string(),
            searched,
        })
    }

    pub fn load(&self, id_or_path: &str) -> Result<Lab> {
        Lab::load(&self.resolve(id_or_path)?)
    }
}

fn has_labs(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|mut es| es.any(|e| e.is_ok_and(|e| e.path().join(MANIFEST).is_file())))
        .unwrap_or(false)
}
