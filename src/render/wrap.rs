//! Wrapping for the terminal at spaces only: a word longer than the line is put whole on a
//! line of its own, and a command meant for copying (`redis-cli …`, anything in backticks)
//! keeps its spaces, so no address or command is ever split across lines.

use textwrap::{Options, WordSeparator, WordSplitter};

/// Stands for a space inside a command while wrapping.
const KEEP: char = '\u{a0}';

/// `text` in lines of at most `width` columns (a longer word or command alone on its line),
/// the first line after `first`, the others after `rest`. Colours (ANSI) take no width.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let kept = protect(text);
    if width >= usize::MAX / 8 {
        // Never wrapped: a transcript's lines stay whole.
        return text.split('\n').map(|l| format!("{first}{l}")).collect();
    }
    let options = Options::new(width.max(10))
        .initial_indent(first)
        .subsequent_indent(rest)
        .word_separator(WordSeparator::AsciiSpace)
        .word_splitter(WordSplitter::NoHyphenation)
        .break_words(false);
    let mut out = vec![];
    for para in kept.split('\n') {
        for line in textwrap::wrap(para, &options) {
            out.push(line.replace(KEEP, " "));
        }
    }
    out
}

/// Spaces inside commands become [`KEEP`]: backticked spans whole, and a `redis-cli` command
/// up to where the sentence goes on (a parenthesis, a comma or full stop before a space, the
/// end).
fn protect(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_ticks = false;
    let mut in_command = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if !in_ticks && !in_command && (rest.starts_with("redis-cli ") || rest.starts_with("$ ")) {
            let at_word = out.is_empty() || out.ends_with([' ', '\n', '(', '“', ':']);
            in_command = at_word;
        }
        if in_command
            && (rest.starts_with(" (")
                || rest.starts_with(", ")
                || rest.starts_with(". ")
                || rest.starts_with("; ")
                || rest.starts_with(" — ")
                || c == '\n')
        {
            in_command = false;
        }
        match c {
            '`' => {
                in_ticks = !in_ticks;
                out.push(c);
            }
            ' ' if in_ticks || in_command => out.push(KEEP),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_commands_are_never_split() {
        let text = "127.0.158.102:6380 accepted CLUSTER FAILOVER 8 s ago, but the roles have \
                    not changed. Run it again: redis-cli -h 127.0.158.102 -p 6380 CLUSTER FAILOVER";
        for width in [20, 30, 40, 60, 80] {
            let lines = wrap(text, width, "", "  ");
            assert!(
                lines.iter().any(|l| l.contains("127.0.158.102:6380")),
                "{lines:?}"
            );
            assert!(
                lines
                    .iter()
                    .any(|l| l.contains("redis-cli -h 127.0.158.102 -p 6380 CLUSTER FAILOVER")),
                "{width}: {lines:?}"
            );
            for l in &lines {
                let over = textwrap::core::display_width(l) > width;
                assert!(
                    !over || !l.trim().contains(' ') || l.contains("redis-cli"),
                    "{l:?}"
                );
            }
        }
    }

    #[test]
    fn backticks_and_parentheses() {
        let lines = wrap(
            "Progress saved; `cargo run --release -- start manual-failover` resumes here.",
            30,
            "",
            "",
        );
        assert!(lines.contains(&"`cargo run --release -- start manual-failover`".to_string()));
        let lines = wrap(
            "Watch it with: redis-cli -h 127.0.158.100 -p 6379 CLUSTER NODES (look for fail? on its line).",
            40,
            "",
            "",
        );
        assert!(
            lines[1].starts_with("redis-cli -h 127.0.158.100 -p 6379 CLUSTER NODES"),
            "{lines:?}"
        );
        assert!(!lines[1].contains("look"), "{lines:?}");
    }

    #[test]
    fn colours_take_no_width() {
        let red = format!(
            "{} word",
            console::style("x".repeat(8)).red().force_styling(true)
        );
        assert_eq!(wrap(&red, 14, "", "").len(), 1);
        assert_eq!(wrap(&red, 12, "", "").len(), 2);
    }
}
