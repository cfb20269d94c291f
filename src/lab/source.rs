//! Source files with positions, so every complaint about a lab names `file:line:col`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::i18n::Msg;

const BOM: &str = "\u{feff}";

/// Replaced bytes reported per file: a file in another encoding would give one per accent.
const MAX_NOT_UTF8: usize = 5;

/// A 1-based line and column; the column counts characters, as editors do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A file's text, kept with the start of each line.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
    /// Offsets in `text` of the replacement characters put where the file's bytes were not
    /// UTF-8 (the first few), for lint to warn about.
    pub not_utf8: Vec<usize>,
}

impl SourceFile {
    /// Reads a file. Bytes that are not UTF-8 are replaced rather than refused, so lint can
    /// still point at the rest of the file; lint warns about each replacement.
    pub fn read(path: &Path) -> Result<SourceFile> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Ok(SourceFile::from_bytes(path, &bytes))
    }

    /// A file's bytes as text: what is not UTF-8 replaced by U+FFFD and remembered.
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: &[u8]) -> SourceFile {
        let mut text = String::with_capacity(bytes.len());
        let mut not_utf8 = vec![];
        for chunk in bytes.utf8_chunks() {
            text.push_str(chunk.valid());
            if !chunk.invalid().is_empty() {
                if not_utf8.len() < MAX_NOT_UTF8 {
                    not_utf8.push(text.len());
                }
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
        let mut src = SourceFile::new(path, text);
        // `new` may have dropped a byte-order mark in front.
        let shift = if bytes.starts_with(BOM.as_bytes()) {
            BOM.len()
        } else {
            0
        };
        src.not_utf8 = not_utf8.into_iter().map(|o| o - shift).collect();
        src
    }

    /// A file's text. A byte-order mark in front is dropped: editors do not count it as a
    /// column, and neither do the positions here.
    pub fn new(path: impl Into<PathBuf>, text: String) -> SourceFile {
        let text = match text.strip_prefix(BOM) {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: path.into(),
            text,
            line_starts,
            not_utf8: vec![],
        }
    }

    /// The position of a byte offset (clamped to the text, and to a character boundary).
    pub fn pos(&self, offset: usize) -> Pos {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let col = self.text[self.line_starts[line]..offset].chars().count() + 1;
        Pos {
            line: line + 1,
            col,
        }
    }

    /// The byte offset of a 1-based line and character column (the inverse of [`pos`]).
    pub fn offset(&self, pos: Pos) -> usize {
        let Some(&start) = self.line_starts.get(pos.line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line_text = self.line(pos.line);
        start
            + line_text
                .char_indices()
                .nth(pos.col.saturating_sub(1))
                .map_or(line_text.len(), |(i, _)| i)
    }

    /// A line's text without its ending.
    pub fn line(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&e| e - 1);
        self.text[start..end.max(start)].trim_end_matches('\r')
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    /// Neither wrong nor suspicious: what lint could not judge, said so it is not assumed.
    Note,
}

/// One finding about a lab file.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: PathBuf,
    pub pos: Pos,
    pub msg: Msg,
}

impl Diagnostic {
    pub fn error(path: &Path, pos: Pos, msg: Msg) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            path: path.to_path_buf(),
            pos,
            msg,
        }
    }

    pub fn warning(path: &Path, pos: Pos, msg: Msg) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            path: path.to_path_buf(),
            pos,
            msg,
        }
    }

    pub fn note(path: &Path, pos: Pos, msg: Msg) -> Diagnostic {
        Diagnostic {
            severity: Severity::Note,
            path: path.to_path_buf(),
            pos,
            msg,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let f = SourceFile::new("x", "ab\nñé x\n\nlast".to_string());
        assert_eq!(f.pos(0), Pos { line: 1, col: 1 });
        assert_eq!(f.pos(3), Pos { line: 2, col: 1 });
        // "ñé " is 5 bytes, 3 characters.
        assert_eq!(f.pos(3 + 5), Pos { line: 2, col: 4 });
        assert_eq!(f.pos(10), Pos { line: 3, col: 1 });
        assert_eq!(f.pos(11), Pos { line: 4, col: 1 });
        assert_eq!(f.pos(999), Pos { line: 4, col: 5 });
        assert_eq!(f.line(2), "ñé x");
        assert_eq!(f.offset(Pos { line: 2, col: 4 }), 8);
        // Inside a multi-byte character: the character's own column.
        assert_eq!(f.pos(4), Pos { line: 2, col: 1 });
    }

    #[test]
    fn a_byte_order_mark_is_no_column_and_bytes_not_utf8_are_remembered() {
        let f = SourceFile::new("x", "\u{feff}ab".to_string());
        assert_eq!(f.text, "ab");
        let f = SourceFile::from_bytes("x", b"\xef\xbb\xbfid: caf\xe9\nx: \xff\xfe\n");
        assert_eq!(f.text, "id: caf\u{fffd}\nx: \u{fffd}\u{fffd}\n");
        let at: Vec<Pos> = f.not_utf8.iter().map(|o| f.pos(*o)).collect();
        assert_eq!(
            at,
            [
                Pos { line: 1, col: 8 },
                Pos { line: 2, col: 4 },
                Pos { line: 2, col: 5 }
            ]
        );
        let many = SourceFile::from_bytes("x", &[0xe9; 100]);
        assert_eq!(many.not_utf8.len(), MAX_NOT_UTF8);
    }
}
