//! Slides in the course's reveal.js style.
//!
//! reveal.js splits the raw Markdown on separator lines before any Markdown is parsed, so we do
//! the same: `^^^^^^` starts a vertical slide, `---` a horizontal one, a line starting `notes:`
//! begins the speaker notes. Unlike reveal.js we ignore separators inside fenced code blocks,
//! where they are sample output. Each slide's text is then parsed with pulldown-cmark, keeping
//! byte offsets into the file so errors can name `file:line:col`.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::source::{Diagnostic, SourceFile};
use crate::msg;

pub const VERTICAL_SEPARATOR: &str = "^^^^^^";
pub const HORIZONTAL_SEPARATOR: &str = "---";

/// One language's slides of a lab.
#[derive(Clone, Debug)]
pub struct Deck {
    pub source: SourceFile,
    pub slides: Vec<Slide>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Slide {
    /// 0-based position in the deck.
    pub index: usize,
    /// reveal.js coordinates: horizontal and vertical index.
    pub h: usize,
    pub v: usize,
    /// What the audience sees (without notes), as a byte range of the file.
    pub body: Range<usize>,
    /// Speaker notes, after the `notes:` line, if any.
    pub notes: Option<Range<usize>>,
    /// The text of the first heading.
    pub title: Option<String>,
    /// `<!-- step: id -->`, joining this slide to a step of the manifest.
    pub step: Option<Marker>,
    pub code: Vec<CodeBlock>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub step: String,
    /// Byte offset of the step id in the file.
    pub offset: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CodeBlock {
    /// The first word of the fence's info string (`bash`, `redis-cli`), empty if none.
    pub lang: String,
    pub text: String,
    /// Byte offset of the fence in the file.
    pub offset: usize,
}

impl Deck {
    /// Parses a slide file. Never fails: anything odd becomes a diagnostic.
    pub fn parse(source: SourceFile) -> (Deck, Vec<Diagnostic>) {
        let mut diags = vec![];
        let raw = split(&source.text);
        let mut slides = Vec::with_capacity(raw.len());
        for (index, r) in raw.into_iter().enumerate() {
            let mut slide = Slide {
                index,
                h: r.h,
                v: r.v,
                body: r.body.clone(),
                notes: r.notes.clone(),
                title: None,
                step: None,
                code: vec![],
            };
            scan(&source, &mut slide, r.body.clone(), true, &mut diags);
            if let Some(notes) = r.notes {
                scan(&source, &mut slide, notes, false, &mut diags);
            }
            slides.push(slide);
        }
        if let Some(open) = unclosed_fence(&source.text) {
            diags.push(Diagnostic::warning(
                &source.path,
                source.pos(open),
                msg!("lint-unclosed-fence"),
            ));
        }
        (Deck { source, slides }, diags)
    }

    pub fn text(&self, range: &Range<usize>) -> &str {
        &self.source.text[range.clone()]
    }

    /// The slides of a step, in order.
    pub fn slides_of<'a>(&'a self, step: &'a str) -> impl Iterator<Item = &'a Slide> + 'a {
        let mut current: Option<&str> = None;
        self.slides.iter().filter(move |s| {
            if let Some(m) = &s.step {
                current = Some(m.step.as_str());
            }
            current == Some(step)
        })
    }

    /// The step each slide belongs to: a slide without a marker continues the previous
    /// slide's step; slides before the first marker belong to none (the lab's introduction).
    pub fn step_of_each(&self) -> Vec<Option<&str>> {
        let mut current = None;
        self.slides
            .iter()
            .map(|s| {
                if let Some(m) = &s.step {
                    current = Some(m.step.as_str());
                }
                current
            })
            .collect()
    }
}

struct RawSlide {
    h: usize,
    v: usize,
    body: Range<usize>,
    notes: Option<Range<usize>>,
}

/// Where a fenced code block opens: its fence character and length.
fn fence_of(line: &str) -> Option<(char, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let c = rest.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = rest.chars().take_while(|&x| x == c).count();
    if n < 3 {
        return None;
    }
    // A backtick fence's info string may not contain backticks.
    if c == '`' && rest[n..].contains('`') {
        return None;
    }
    Some((c, n))
}

fn closes_fence(line: &str, open: (char, usize)) -> bool {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 {
        return false;
    }
    let n = t.chars().take_while(|&x| x == open.0).count();
    n >= open.1 && t[n * open.0.len_utf8()..].trim().is_empty()
}

/// Lines of a text with their byte ranges (without the line ending).
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |l| {
        let s = start;
        start += l.len();
        (s, l.trim_end_matches('\n').trim_end_matches('\r'))
    })
}

fn is_notes_line(line: &str) -> bool {
    let t = line.trim_start().as_bytes();
    let lower = |n: usize| -> Vec<u8> { t[..n.min(t.len())].to_ascii_lowercase() };
    lower(6) == b"notes:" || lower(5) == b"note:"
}

fn unclosed_fence(text: &str) -> Option<usize> {
    let mut open: Option<((char, usize), usize)> = None;
    for (start, line) in lines(text) {
        match open {
            Some((f, _)) if closes_fence(line, f) => open = None,
            Some(_) => {}
            None => open = fence_of(line).map(|f| (f, start)),
        }
    }
    open.map(|(_, at)| at)
}

fn split(text: &str) -> Vec<RawSlide> {
    let mut out = vec![];
    let (mut h, mut v) = (0, 0);
    let mut start = 0;
    let mut notes_at: Option<(usize, usize)> = None;
    let mut fence: Option<(char, usize)> = None;
    // `notes_at` is (start of the `notes:` line, start of the notes' text).
    let finish = |out: &mut Vec<RawSlide>,
                  start: usize,
                  end: usize,
                  notes_at: Option<(usize, usize)>,
                  h,
                  v| {
        let body = start..notes_at.map_or(end, |(line, _)| line);
        let notes = notes_at.map(|(_, text)| text..end);
        out.push(RawSlide { h, v, body, notes });
    };
    for (line_start, line) in lines(text) {
        let line_end = line_start + line.len();
        if let Some(f) = fence {
            if closes_fence(line, f) {
                fence = None;
            }
            continue;
        }
        if let Some(f) = fence_of(line) {
            fence = Some(f);
            continue;
        }
        let trimmed = line.trim();
        let separator = if trimmed == VERTICAL_SEPARATOR {
            Some(false)
        } else if trimmed == HORIZONTAL_SEPARATOR {
            Some(true)
        } else {
            None
        };
        if let Some(horizontal) = separator {
            finish(&mut out, start, line_start, notes_at.take(), h, v);
            start = (line_end + 1).min(text.len());
            if horizontal {
                h += 1;
                v = 0;
            } else {
                v += 1;
            }
        } else if notes_at.is_none() && is_notes_line(line) {
            let colon = line.find(':').map_or(0, |c| c + 1);
            notes_at = Some((line_start, line_start + colon));
        }
    }
    finish(&mut out, start, text.len(), notes_at, h, v);
    out
}

/// Reads headings, code blocks and step markers from one part of a slide.
fn scan(
    source: &SourceFile,
    slide: &mut Slide,
    range: Range<usize>,
    is_body: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let text = &source.text[range.clone()];
    let base = range.start;
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut heading: Option<String> = None;
    let mut code: Option<CodeBlock> = None;
    for (event, span) in Parser::new_ext(text, opts).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) if is_body && slide.title.is_none() => {
                heading = Some(String::new());
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(t) = heading.take() {
                    slide.title = Some(t.trim().to_string());
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some(CodeBlock {
                    lang,
                    text: String::new(),
                    offset: base + span.start,
                });
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(c) = code.take() {
                    slide.code.push(c);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = code.as_mut() {
                    c.text.push_str(&t);
                } else if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                for (at, marker) in markers(&html) {
                    let offset = base + span.start + at;
                    match marker {
                        Ok(id) if slide.step.is_some() => diags.push(Diagnostic::error(
                            &source.path,
                            source.pos(offset),
                            msg!("lint-marker-twice", step = id),
                        )),
                        Ok(id) => {
                            slide.step = Some(Marker {
                                step: id.to_string(),
                                offset,
                            })
                        }
                        Err(()) => diags.push(Diagnostic::error(
                            &source.path,
                            source.pos(offset),
                            msg!("lint-marker-malformed"),
                        )),
                    }
                }
            }
            _ => {}
        }
    }
}

/// `<!-- step: id -->` comments in an HTML fragment: the offset of each id and the id, or an
/// error for a `step` comment without a usable id. Other comments are left alone.
fn markers(html: &str) -> Vec<(usize, Result<&str, ()>)> {
    let mut out = vec![];
    let mut rest = 0;
    while let Some(open) = html[rest..].find("<!--") {
        let inner_start = rest + open + 4;
        let Some(close) = html[inner_start..].find("-->") else {
            break;
        };
        let inner = &html[inner_start..inner_start + close];
        rest = inner_start + close + 3;
        let trimmed = inner.trim_start();
        let lead = inner.len() - trimmed.len();
        let Some(after) = trimmed.strip_prefix("step") else {
            continue;
        };
        let Some(after) = after.trim_start().strip_prefix(':') else {
            // `<!-- steps are ... -->` is prose, not a marker.
            if after.trim().is_empty() {
                out.push((inner_start + lead, Err(())));
            }
            continue;
        };
        let id = after.trim();
        let id_at = inner_start
            + lead
            + (trimmed.len() - after.len())
            + (after.len() - after.trim_start().len());
        if is_step_id(id) {
            out.push((id_at, Ok(id)));
        } else {
            out.push((id_at, Err(())));
        }
    }
    out
}

/// Step ids are short kebab-case words: they appear in markers, progress files and commands.
pub fn is_step_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && id.as_bytes()[0].is_ascii_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deck(text: &str) -> (Deck, Vec<Diagnostic>) {
        Deck::parse(SourceFile::new("t.md", text.to_string()))
    }

    #[test]
    fn splits_vertical_and_horizontal() {
        let (d, diags) = deck("# A\n\n^^^^^^\n\n# B\n\n---\n\n# C\n");
        assert!(diags.is_empty());
        let coords: Vec<_> = d.slides.iter().map(|s| (s.h, s.v)).collect();
        assert_eq!(coords, vec![(0, 0), (0, 1), (1, 0)]);
        let titles: Vec<_> = d.slides.iter().map(|s| s.title.clone().unwrap()).collect();
        assert_eq!(titles, vec!["A", "B", "C"]);
    }

    #[test]
    fn separators_inside_code_are_content() {
        let (d, _) = deck("# A\n\n```yaml\n---\n^^^^^^\n```\n\n^^^^^^\n# B\n");
        assert_eq!(d.slides.len(), 2);
        assert_eq!(d.slides[0].code[0].lang, "yaml");
        assert_eq!(d.slides[0].code[0].text, "---\n^^^^^^\n");
    }

    #[test]
    fn notes_and_markers() {
        let text =
            "#### 💻️ _Manual failover_\n<!-- step: failover -->\n\nBody\n\nnotes:\n\nSay this.\n";
        let (d, diags) = deck(text);
        assert!(diags.is_empty(), "{diags:?}");
        let s = &d.slides[0];
        assert_eq!(s.title.as_deref(), Some("💻️ Manual failover"));
        assert_eq!(s.step.as_ref().unwrap().step, "failover");
        let at = s.step.as_ref().unwrap().offset;
        assert_eq!(&text[at..at + 8], "failover");
        assert!(d.text(s.notes.as_ref().unwrap()).contains("Say this."));
        assert!(!d.text(&s.body).contains("Say this."));
        assert!(!d.text(&s.body).contains("notes:"));
    }

    #[test]
    fn malformed_and_double_markers_are_reported_with_positions() {
        let (_, diags) =
            deck("# A\n<!-- step: -->\n\n^^^^^^\n<!-- step: a -->\n<!-- step: b -->\n");
        assert_eq!(diags.len(), 2);
        assert_eq!(diags[0].pos.line, 2);
        assert_eq!(diags[0].msg.id, "lint-marker-malformed");
        assert_eq!(diags[1].pos, crate::lab::source::Pos { line: 6, col: 12 });
        assert_eq!(diags[1].msg.id, "lint-marker-twice");
    }

    #[test]
    fn prose_comments_are_not_markers() {
        let (d, diags) = deck("<!-- steps are listed in lab.yaml -->\n# A\n");
        assert!(diags.is_empty());
        assert!(d.slides[0].step.is_none());
    }

    #[test]
    fn slides_of_a_step_include_unmarked_followers() {
        let (d, _) =
            deck("intro\n^^^^^^\n<!-- step: a -->\nx\n^^^^^^\ny\n^^^^^^\n<!-- step: b -->\nz\n");
        assert_eq!(
            d.slides_of("a").map(|s| s.index).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(
            d.step_of_each(),
            vec![None, Some("a"), Some("a"), Some("b")]
        );
    }

    #[test]
    fn unclosed_fence_is_a_warning() {
        let (d, diags) = deck("# A\n```bash\n^^^^^^\n");
        assert_eq!(d.slides.len(), 1);
        assert_eq!(diags[0].msg.id, "lint-unclosed-fence");
        assert_eq!(diags[0].pos.line, 2);
    }
}
