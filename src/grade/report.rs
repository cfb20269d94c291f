//! The grade report: JSON for machines (its schema is in the README), text for people, and an
//! integrity field. With an instructor's key (`--key-file`, `LAB_GRADE_KEY`) the report is
//! signed with HMAC-SHA256, which `lab grade --verify` checks; without one it carries a plain
//! SHA-256 checksum, which catches accidental edits but not deliberate ones.

use std::path::Path;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Grade;
use crate::error::{Error, Result};

pub const SCHEMA: &str = "lab-grade/1";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CriterionReport {
    pub id: String,
    pub description: String,
    pub points: u32,
    pub earned: u32,
    pub passed: bool,
    /// What differs, in the report's language.
    pub failures: Vec<String>,
    /// The slice of cluster state the criterion's checks looked at.
    pub evidence: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Integrity {
    /// `hmac-sha256` (keyed) or `sha256` (a checksum).
    pub kind: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub lab: String,
    /// SHA-256 of the lab's files, so a grade names the exact exercise it graded.
    pub content_hash: String,
    pub lang: String,
    pub started_ms: u64,
    pub graded_ms: u64,
    pub attempt: u32,
    pub hints_used: u32,
    pub hint_penalty: u32,
    pub points: u32,
    pub max_points: u32,
    pub percent: f64,
    pub pass_mark: u32,
    pub passed: bool,
    pub criteria: Vec<CriterionReport>,
    pub integrity: Integrity,
}

pub struct Meta<'a> {
    pub lab: &'a str,
    pub content_hash: String,
    pub lang: &'a str,
    pub started_ms: u64,
    pub graded_ms: u64,
    pub attempt: u32,
}

impl Report {
    pub fn new(g: &Grade, meta: Meta, key: Option<&[u8]>) -> Report {
        let mut r = Report {
            schema: SCHEMA.into(),
            lab: meta.lab.into(),
            content_hash: meta.content_hash,
            lang: meta.lang.into(),
            started_ms: meta.started_ms,
            graded_ms: meta.graded_ms,
            attempt: meta.attempt,
            hints_used: g.hints_used,
            hint_penalty: g.hint_penalty,
            points: g.points,
            max_points: g.max_points,
            percent: (g.percent * 10.0).round() / 10.0,
            pass_mark: g.pass_mark,
            passed: g.passed,
            criteria: g
                .results
                .iter()
                .map(|c| CriterionReport {
                    id: c.id.clone(),
                    description: c.description.clone(),
                    points: c.points,
                    earned: c.earned,
                    passed: c.passed(),
                    failures: c.failures.iter().map(|m| m.text()).collect(),
                    evidence: c.evidence.clone(),
                })
                .collect(),
            integrity: Integrity {
                kind: String::new(),
                value: String::new(),
            },
        };
        r.integrity = sign(&r, key);
        r
    }

    /// The bytes the integrity value covers: the report with an empty integrity field.
    fn canonical(&self) -> Vec<u8> {
        let mut copy = self.clone();
        copy.integrity = Integrity {
            kind: String::new(),
            value: String::new(),
        };
        serde_json::to_vec(&copy).unwrap_or_default()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    s.len()
        .is_multiple_of(2)
        .then(|| {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
                .collect()
        })
        .flatten()
}

fn sign(r: &Report, key: Option<&[u8]>) -> Integrity {
    let bytes = r.canonical();
    match key.and_then(|k| Hmac::<Sha256>::new_from_slice(k).ok()) {
        Some(mut mac) => {
            mac.update(&bytes);
            Integrity {
                kind: "hmac-sha256".into(),
                value: hex(&mac.finalize().into_bytes()),
            }
        }
        None => Integrity {
            kind: "sha256".into(),
            value: hex(&Sha256::digest(&bytes)),
        },
    }
}

/// What `--verify` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Signed with this key and unchanged.
    Authentic,
    /// The checksum matches: unchanged by accident, but anyone could have written it.
    ChecksumOk,
    /// It was changed after it was written, or signed with another key.
    Altered,
    /// Signed, but no key was given to check it with.
    NeedsKey,
}

pub fn verify(r: &Report, key: Option<&[u8]>) -> Verdict {
    match r.integrity.kind.as_str() {
        "hmac-sha256" => {
            let Some(key) = key else {
                return Verdict::NeedsKey;
            };
            let (Ok(mut mac), Some(tag)) = (
                Hmac::<Sha256>::new_from_slice(key),
                unhex(&r.integrity.value),
            ) else {
                return Verdict::Altered;
            };
            mac.update(&r.canonical());
            if mac.verify_slice(&tag).is_ok() {
                Verdict::Authentic
            } else {
                Verdict::Altered
            }
        }
        "sha256" if hex(&Sha256::digest(r.canonical())) == r.integrity.value => Verdict::ChecksumOk,
        _ => Verdict::Altered,
    }
}

/// SHA-256 over a lab's files (name and content, in name order).
pub fn content_hash(dir: &Path) -> Result<String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        let bytes = std::fs::read(&f).map_err(|e| Error::io(&f, e))?;
        h.update(
            f.file_name()
                .map(|n| n.as_encoded_bytes())
                .unwrap_or_default(),
        );
        h.update([0]);
        h.update(&bytes);
    }
    Ok(hex(&h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(key: Option<&[u8]>) -> Report {
        let g = Grade {
            results: vec![],
            hints_used: 1,
            hint_penalty: 5,
            points: 75,
            max_points: 100,
            percent: 75.0,
            pass_mark: 70,
            passed: true,
        };
        let meta = Meta {
            lab: "x",
            content_hash: "abc".into(),
            lang: "en",
            started_ms: 1,
            graded_ms: 2,
            attempt: 1,
        };
        Report::new(&g, meta, key)
    }

    #[test]
    fn a_keyed_report_detects_any_edit() {
        let key = b"instructor secret";
        let r = report(Some(key));
        assert_eq!(r.integrity.kind, "hmac-sha256");
        assert_eq!(verify(&r, Some(key)), Verdict::Authentic);
        assert_eq!(verify(&r, Some(b"other key")), Verdict::Altered);
        assert_eq!(verify(&r, None), Verdict::NeedsKey);
        let mut edited = r.clone();
        edited.points = 100;
        assert_eq!(verify(&edited, Some(key)), Verdict::Altered);
        // Re-signing without the key is a checksum, not a signature.
        let forged = Report {
            integrity: sign(&edited, None),
            ..edited
        };
        assert_eq!(verify(&forged, Some(key)), Verdict::ChecksumOk);
    }

    #[test]
    fn an_unkeyed_report_carries_a_checksum() {
        let r = report(None);
        assert_eq!(r.integrity.kind, "sha256");
        assert_eq!(verify(&r, None), Verdict::ChecksumOk);
        let mut edited = r.clone();
        edited.passed = false;
        assert_eq!(verify(&edited, None), Verdict::Altered);
        let json = serde_json::to_string(&r).unwrap();
        let back: Report = serde_json::from_str(&json).unwrap();
        assert_eq!(verify(&back, None), Verdict::ChecksumOk);
    }
}
