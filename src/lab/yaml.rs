//! YAML reading for manifests, with errors turned into localized diagnostics.
//!
//! serde-saphyr reports a line and column for every error. Its messages are English, so the
//! common serde phrasings are recognised and said again through our catalogues; errors raised
//! by our own `Deserialize` impls carry a message id directly (see [`coded`]).

use serde::de::DeserializeOwned;
use serde_saphyr::{Location, MessageFormatter};

use super::source::{Diagnostic, Pos, SourceFile};
use crate::i18n::{Arg, Msg, SERDE_MARK as MARK};
use crate::msg;

fn decode(text: &str) -> Option<Msg> {
    let start = text.find(MARK)?;
    let mut parts = text[start + MARK.len_utf8()..].split(MARK);
    let id = parts.next()?;
    // Message ids are static in the catalogue; find ours by value.
    let id = KNOWN_CODED.iter().find(|k| **k == id)?;
    let mut m = Msg::new(id);
    for p in parts {
        let (k, v) = p.split_once('=')?;
        let k = ARG_NAMES.iter().find(|n| **n == k)?;
        // Arguments that were numbers go back as numbers, for plural rules.
        let v = v
            .parse::<i64>()
            .map(Arg::Int)
            .unwrap_or_else(|_| Arg::Str(v.trim_end().to_string()));
        m.args.push((k, v));
    }
    Some(m)
}

/// Every id [`coded`] is used with, so decoding can hand back `&'static str`.
const KNOWN_CODED: &[&str] = &[
    "yaml-slot-range",
    "yaml-node-name",
    "yaml-expected-kind",
    "yaml-role",
    "yaml-data-type",
    "yaml-check-two-kinds",
];
const ARG_NAMES: &[&str] = &["value", "known", "what"];

fn backticked(s: &str) -> Option<(&str, &str)> {
    let start = s.find('`')? + 1;
    let end = start + s[start..].find('`')?;
    Some((&s[start..end], &s[end + 1..]))
}

/// The message of a serde-saphyr error in our words: by its variant where the library gives
/// one, by serde's phrasing in a free-form message, and otherwise the library's English inside
/// a localized frame, so a message is never wholly untranslated.
fn message(err: &serde_saphyr::Error) -> Msg {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach;
    match err {
        E::AliasError { error, .. } | E::WithSnippet { error, .. } => message(error),
        E::Message { msg, .. } => free_form(msg),
        E::SerdeUnknownField {
            field, expected, ..
        } => msg!(
            "yaml-unknown-field",
            name = field.as_str(),
            known = expected.join(", ")
        ),
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => msg!(
            "yaml-unknown-value",
            name = variant.as_str(),
            known = expected.join(", ")
        ),
        E::SerdeMissingField { field, .. } => msg!("yaml-missing-field", name = *field),
        E::DuplicateMappingKey { key, .. } => match key {
            Some(k) => msg!("yaml-duplicate-field", name = k.as_str()),
            None => msg!("yaml-duplicate-key"),
        },
        E::InvalidScalar { ty, .. } => msg!("yaml-expected", what = expected_kind(ty)),
        E::Unexpected { expected, .. } => msg!("yaml-expected", what = expected_kind(expected)),
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | E::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => msg!(
            "yaml-expected-found",
            what = expected_kind(expected),
            found = found_kind(unexpected)
        ),
        E::Eof { .. } => msg!("yaml-eof"),
        E::UnknownAnchor { .. } => msg!("yaml-unknown-anchor"),
        E::Budget { breach, .. } => match breach {
            BudgetBreach::Depth { depth } => msg!("yaml-too-deep", depth = *depth),
            _ => msg!("yaml-too-big"),
        },
        E::MultipleDocuments { .. } => msg!("yaml-many-documents"),
        E::ExternalMessage { msg, .. } => syntax(msg),
        other => {
            let text = serde_saphyr::DefaultMessageFormatter.format_message(other);
            msg!("yaml-invalid", detail = text.as_ref())
        }
    }
}

/// What a type or token name from the library or serde asks for, in our words.
fn expected_kind(name: &str) -> Msg {
    let n = name
        .trim()
        .trim_start_matches("a ")
        .trim_start_matches("an ");
    let id = match n {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128"
        | "isize" => "yaml-kind-whole-number",
        "f32" | "f64" | "float" | "number" => "yaml-kind-number",
        "bool" | "boolean" => "yaml-kind-bool",
        _ if n.starts_with("str") || n == "char" || n.contains("scalar") => "yaml-kind-text",
        _ if n.contains("mapping") || n.starts_with("map") || n.starts_with("struct ") => {
            "yaml-kind-mapping"
        }
        _ if n.contains("sequence") || n.contains("list") || n.starts_with("tuple") => {
            "yaml-kind-list"
        }
        _ => return msg!("yaml-kind-other", name = name.trim()),
    };
    Msg::new(id)
}

/// What serde found (its `Unexpected`: `string "x"`, `integer `5``, `map`…), in our words.
fn found_kind(unexpected: &str) -> Msg {
    let u = unexpected.trim();
    let value = u
        .split_once(' ')
        .map(|(_, v)| v.trim_matches(['`', '"']))
        .unwrap_or("");
    let kind = u.split(' ').next().unwrap_or("");
    match kind {
        "string" | "character" => msg!("yaml-found-text", value = value),
        "integer" | "floating" => msg!(
            "yaml-found-number",
            value = value.trim_start_matches("point ").trim_matches('`')
        ),
        "boolean" => msg!("yaml-found-bool", value = value),
        "map" => msg!("yaml-found-mapping"),
        "sequence" => msg!("yaml-found-list"),
        "unit" | "null" | "none" | "Option" => msg!("yaml-found-nothing"),
        _ => msg!("yaml-kind-other", name = u),
    }
}

/// The parser's syntax errors authors meet, by their phrasing; the rest framed as a syntax
/// error with the parser's words.
fn syntax(text: &str) -> Msg {
    const PHRASES: &[(&str, &str)] = &[
        ("mapping values are not allowed", "yaml-syntax-colon"),
        ("illegal placement of ':'", "yaml-syntax-colon"),
        ("invalid indentation", "yaml-syntax-indent"),
        ("did not find expected key", "yaml-syntax-indent"),
        ("did not find expected '-' indicator", "yaml-syntax-indent"),
        ("tab", "yaml-syntax-tab"),
        ("expected ',' or ']'", "yaml-syntax-bracket"),
        ("expected ',' or '}'", "yaml-syntax-bracket"),
        ("unclosed bracket", "yaml-syntax-bracket"),
        ("unclosed quote", "yaml-syntax-quote"),
        (
            "quoted scalar, found unexpected document",
            "yaml-syntax-quote",
        ),
        ("escape", "yaml-syntax-escape"),
        ("hexadecimal", "yaml-syntax-escape"),
        ("trailing content after", "yaml-syntax-after-quote"),
        ("unknown anchor", "yaml-unknown-anchor"),
        ("EOF", "yaml-eof"),
        ("eof", "yaml-eof"),
    ];
    match PHRASES.iter().find(|(p, _)| text.contains(p)) {
        Some((_, id)) => Msg::new(id),
        None => msg!("yaml-syntax", detail = text),
    }
}

/// A free-form message: one of ours (see [`coded`]) or serde's own phrasing ("unknown field
/// `x`, expected one of `a`, `b`", "missing field `x`").
fn free_form(text: &str) -> Msg {
    if let Some(m) = decode(text) {
        return m;
    }
    let expected = |rest: &str| {
        rest.split_once("expected")
            .map(|(_, e)| {
                e.trim()
                    .trim_start_matches("one of")
                    .trim()
                    .replace('`', "")
            })
            .unwrap_or_default()
    };
    let phrasings = [
        ("unknown field ", "yaml-unknown-field"),
        ("unknown variant ", "yaml-unknown-value"),
        ("missing field ", "yaml-missing-field"),
        ("duplicate field ", "yaml-duplicate-field"),
    ];
    for (prefix, id) in phrasings {
        if let Some(rest) = text.strip_prefix(prefix)
            && let Some((name, rest)) = backticked(rest)
        {
            let m = Msg::new(id).arg("name", name);
            return if id == "yaml-unknown-field" || id == "yaml-unknown-value" {
                m.arg("known", expected(rest))
            } else {
                m
            };
        }
    }
    if let Some(rest) = text.strip_prefix("invalid type: ")
        && let Some((found, exp)) = rest.split_once(", expected ")
    {
        return msg!(
            "yaml-expected-found",
            what = expected_kind(exp),
            found = found_kind(found)
        );
    }
    msg!("yaml-invalid", detail = text)
}

pub fn pos_of(loc: &Location) -> Option<Pos> {
    (loc.line() > 0).then(|| Pos {
        line: loc.line() as usize,
        col: loc.column().max(1) as usize,
    })
}

/// Where in the file byte `at` of a scalar's value was written, the value's text starting at
/// or after `from`: the value is walked beside the file's text, skipping what YAML drops
/// (indentation, the quotes and block indicators, a folded line break that became a space) and
/// reading a double-quoted scalar's escapes (`\t`, `\u00e9`) as the one character they make.
pub fn source_offset(
    file: &str,
    from: usize,
    value: &str,
    double_quoted: bool,
    at: usize,
) -> usize {
    let raw = file.get(from..).unwrap_or("");
    let mut r = 0;
    for (i, d) in value.char_indices() {
        // Find the raw character that became `d`.
        loop {
            let Some(c) = raw[r..].chars().next() else {
                return from + r;
            };
            if c == d {
                break;
            }
            if double_quoted && c == '\\' {
                let len = escape_len(&raw[r..]);
                if raw[r + 1..].starts_with(['\n', '\r']) {
                    // An escaped line break makes nothing: go on looking for `d`.
                    r += len;
                    continue;
                }
                break;
            }
            if c.is_whitespace() && d.is_whitespace() {
                // A line break folded into a space, with the next line's indentation.
                break;
            }
            r += c.len_utf8();
        }
        if i >= at {
            return from + r;
        }
        let c = raw[r..].chars().next().unwrap_or(' ');
        r += if double_quoted && c == '\\' {
            escape_len(&raw[r..])
        } else if c != d && c.is_whitespace() {
            raw[r..].len() - raw[r..].trim_start().len()
        } else {
            c.len_utf8()
        };
    }
    from + r
}

/// The length of the escape sequence at the start of `s` (which starts with a backslash).
fn escape_len(s: &str) -> usize {
    let mut chars = s.chars().skip(1);
    let hex = match chars.next() {
        Some('x') => 2,
        Some('u') => 4,
        Some('U') => 8,
        Some(c) => return 1 + c.len_utf8(),
        None => return 1,
    };
    let digits = s[2..]
        .chars()
        .take(hex)
        .take_while(char::is_ascii_hexdigit)
        .count();
    2 + digits
}

/// Reads a YAML file into `T`, or a single diagnostic saying where and why not.
pub fn parse<T: DeserializeOwned>(src: &SourceFile) -> Result<T, Diagnostic> {
    let options = serde_saphyr::options! { with_snippet: false };
    serde_saphyr::from_str_with_options::<T>(&src.text, options).map_err(|e| {
        let e = e.without_snippet();
        let pos = e
            .location()
            .and_then(|l| pos_of(&l))
            .unwrap_or(Pos { line: 1, col: 1 });
        Diagnostic::error(&src.path, pos, message(e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        id: String,
        n: Option<u32>,
    }

    fn err(yaml: &str) -> Diagnostic {
        parse::<T>(&SourceFile::new("x.yaml", yaml.to_string())).unwrap_err()
    }

    #[test]
    fn errors_have_positions_and_our_ids() {
        let d = err("id: a\nextra: 1\n");
        assert_eq!(d.pos, Pos { line: 2, col: 1 });
        assert_eq!(d.msg.id, "yaml-unknown-field");
        assert_eq!(d.msg.args[0].1, Arg::Str("extra".into()));
        assert_eq!(err("n: 1\n").msg.id, "yaml-missing-field");
        let d = err("id: [\n");
        assert!(
            d.msg.id.starts_with("yaml-") && d.msg.id != "yaml-invalid",
            "{:?}",
            d.msg
        );
        assert_eq!(d.pos.line, 1);
        // The library's words are ours too: types, duplicates, syntax.
        assert_eq!(err("id: a\nn: x\n").msg.id, "yaml-expected");
        assert_eq!(err("id: a\nid: b\n").msg.id, "yaml-duplicate-field");
        assert_eq!(err("id: a: b\n").msg.id, "yaml-syntax-colon");
        assert_eq!(err("id: \"a\\qb\"\n").msg.id, "yaml-syntax-escape");
        assert_eq!(err("id: a\n\tn: 1\n").msg.id, "yaml-syntax-tab");
    }

    /// Where `value[at..]` was written in `file`.
    fn written(file: &str, value: &str, quoted: bool, needle: &str) -> usize {
        let at = value.find(needle).unwrap();
        source_offset(file, file.find(": ").unwrap() + 2, value, quoted, at)
    }

    #[test]
    fn scalar_offsets_survive_folding_blocks_and_escapes() {
        let cases: &[(&str, &str, bool)] = &[
            (
                "k: |\n  first line\n  then {{ x }}\n",
                "first line\nthen {{ x }}\n",
                false,
            ),
            (
                "k: >\n  first line\n  then {{ x }}\n",
                "first line then {{ x }}\n",
                false,
            ),
            (
                "k: first line\n   then {{ x }}\n",
                "first line then {{ x }}",
                false,
            ),
            ("k: \"a\\tb \\u00e9 {{ x }}\"\n", "a\tb é {{ x }}", true),
            ("k: \"a\\\n   b {{ x }}\"\n", "ab {{ x }}", true),
            ("k: 'it''s {{ x }}'\n", "it's {{ x }}", false),
        ];
        for (file, value, quoted) in cases {
            let at = written(file, value, *quoted, "{{");
            assert!(
                file[at..].starts_with("{{ x }}"),
                "{file:?}: {:?}",
                &file[at..]
            );
        }
    }

    #[test]
    fn scalar_offsets_never_run_past_the_file() {
        for at in 0..20 {
            let o = source_offset("k: \"\\u00", 3, "ééééé", true, at);
            assert!(o <= 8);
        }
    }

    #[test]
    fn coded_errors_round_trip() {
        let e: serde_saphyr::Error =
            crate::i18n::serde_error(msg!("yaml-node-name", value = "x y"));
        let m = message(&e);
        assert_eq!(m.id, "yaml-node-name");
        assert_eq!(m.args, vec![("value", Arg::Str("x y".into()))]);
    }
}
