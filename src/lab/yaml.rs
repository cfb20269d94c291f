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

/// The message of a serde-saphyr error, in our words where we know the phrasing.
fn message(text: &str) -> Msg {
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
    // serde's own phrasings: "unknown field `x`, expected one of `a`, `b`", "missing field `x`".
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
    msg!("yaml-invalid", detail = text)
}

pub fn pos_of(loc: &Location) -> Option<Pos> {
    (loc.line() > 0).then(|| Pos {
        line: loc.line() as usize,
        col: loc.column().max(1) as usize,
    })
}

/// Reads a YAML file into `T`, or a single diagnostic saying where and why not.
pub fn parse<T: DeserializeOwned>(src: &SourceFile) -> Result<T, Diagnostic> {
    let options = serde_saphyr::options! { with_snippet: false };
    serde_saphyr::from_str_with_options::<T>(&src.text, options).map_err(|e| {
        let e = e.without_snippet();
        let text = serde_saphyr::DefaultMessageFormatter.format_message(e);
        let pos = e
            .location()
            .and_then(|l| pos_of(&l))
            .unwrap_or(Pos { line: 1, col: 1 });
        Diagnostic::error(&src.path, pos, message(&text))
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
        assert_eq!(d.msg.id, "yaml-invalid");
        assert_eq!(d.pos.line, 1);
    }

    #[test]
    fn coded_errors_round_trip() {
        let e: serde_saphyr::Error =
            crate::i18n::serde_error(msg!("yaml-node-name", value = "x y"));
        let text = serde_saphyr::DefaultMessageFormatter.format_message(&e);
        let m = message(&text);
        assert_eq!(m.id, "yaml-node-name");
        assert_eq!(m.args, vec![("value", Arg::Str("x y".into()))]);
    }
}
