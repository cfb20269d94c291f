//! No input makes the parsers panic: random bytes and Markdown-ish noise through the slide
//! parser, the manifest reader, the template renderer and lint.

use lab::lab::Lab;
use lab::lab::manifest::Manifest;
use lab::lab::slides::Deck;
use lab::lab::source::SourceFile;
use proptest::prelude::*;

fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("^^^^^^\n".to_string()),
        Just("---\n".to_string()),
        Just("notes:\n".to_string()),
        Just("```bash\n".to_string()),
        Just("```\n".to_string()),
        Just("~~~\n".to_string()),
        Just("<!-- step: a -->".to_string()),
        Just("<!-- step:".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("#### 💻️ _x_\n".to_string()),
        Just("{{ node('a', 6379) }}".to_string()),
        Just("{{".to_string()),
        Just("}}".to_string()),
        Just("{%".to_string()),
        Just("√©Ã©".to_string()),
        Just("\r\n".to_string()),
        Just("\n".to_string()),
        "[ -~]{0,12}",
        "\\PC{0,4}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn slide_parser_takes_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let (deck, _) = Deck::parse(SourceFile::new("x.md", text.clone()));
        for s in &deck.slides {
            prop_assert!(s.body.end <= text.len());
        }
    }

    #[test]
    fn slide_parser_and_lint_take_markdownish_text(text in markdownish()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("es.md");
        std::fs::write(&path, &text).unwrap();
        let lab = Lab::load(&path).unwrap();
        let _ = lab::lab::lint::lint(&lab);
    }

    #[test]
    fn manifest_reader_takes_random_text(text in "\\PC{0,300}") {
        let _ = Manifest::parse(&SourceFile::new("lab.yaml", text));
    }

    #[test]
    fn manifest_reader_takes_mangled_manifests(cut in 0usize..4000, insert in "[ -~\n]{0,8}") {
        let good = include_str!("../labs/manual-failover/lab.yaml");
        let mut cut = cut.min(good.len());
        while !good.is_char_boundary(cut) {
            cut -= 1;
        }
        let text = format!("{}{}{}", &good[..cut], insert, &good[cut..]);
        let _ = Manifest::parse(&SourceFile::new("lab.yaml", text));
    }
}

/// A RESP value, written out, for the scanner to read back.
fn resp() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        "[a-zA-Z ]{0,20}".prop_map(|s| format!("+{s}\r\n").into_bytes()),
        "[a-zA-Z ]{0,20}".prop_map(|s| format!("-ERR {s}\r\n").into_bytes()),
        any::<i64>().prop_map(|n| format!(":{n}\r\n").into_bytes()),
        prop::collection::vec(any::<u8>(), 0..64).prop_map(|b| {
            let mut out = format!("${}\r\n", b.len()).into_bytes();
            out.extend(b);
            out.extend(b"\r\n");
            out
        }),
        Just(b"$-1\r\n".to_vec()),
        Just(b"_\r\n".to_vec()),
        Just(b"#t\r\n".to_vec()),
        Just(b",1.5\r\n".to_vec()),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop::collection::vec(inner, 0..8).prop_map(|items| {
            let mut out = format!("*{}\r\n", items.len()).into_bytes();
            for i in items {
                out.extend(i);
            }
            out
        })
    })
}

/// Cuts `bytes` at the given points (taken modulo its length), as reads from a socket would.
fn chunks(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut at: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    at.push(0);
    at.push(bytes.len());
    at.sort_unstable();
    at.windows(2).map(|w| bytes[w[0]..w[1]].to_vec()).collect()
}

/// Arguments as redis-cli would want them typed: quoted, with the escapes it reads.
fn quote(arg: &[u8]) -> String {
    let mut s = String::from("\"");
    for &b in arg {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b' '..=b'~' => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s.push('"');
    s
}

fn renderer() -> lab::lab::template::Renderer {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("labs/manual-failover");
    let lab = Lab::load(&dir).unwrap();
    lab.renderer(&lab::model::topology::Layout::local(
        &lab.topology(),
        lab::model::topology::DEFAULT_LOCAL_BASE,
    ))
}

fn templatish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{{".to_string()),
        Just("}}".to_string()),
        Just("{%".to_string()),
        Just("%}".to_string()),
        Just("{#".to_string()),
        Just("#}".to_string()),
        Just("node('a', 6379)".to_string()),
        Just("host(\"b\")".to_string()),
        Just("port('c', 6380)".to_string()),
        Just(" for i in range(100000) ".to_string()),
        Just(" endfor ".to_string()),
        Just(" if ".to_string()),
        Just(" endif ".to_string()),
        Just("lab ~ lab ~ lab".to_string()),
        Just("|upper".to_string()),
        Just("'x' * 100000".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        "[ -~]{0,8}",
    ];
    prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever a node sends, in whatever pieces: the scanner answers, never panics, and
    /// real replies pass however they are cut.
    #[test]
    fn resp_scanner_takes_replies_in_any_pieces(
        replies in prop::collection::vec(resp(), 1..6),
        cuts in prop::collection::vec(any::<usize>(), 0..6),
    ) {
        use lab::cluster::guard::{Limits, Scanner};
        let all: Vec<u8> = replies.concat();
        let mut s = Scanner::new(Limits::ADMIN);
        for c in chunks(&all, &cuts) {
            prop_assert_eq!(s.feed(&c), Ok(()));
        }
    }

    #[test]
    fn resp_scanner_takes_random_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        cuts in prop::collection::vec(any::<usize>(), 0..6),
    ) {
        use lab::cluster::guard::{Limits, Scanner};
        for limits in [Limits::ADMIN, Limits::SHELL] {
            let mut s = Scanner::new(limits);
            for c in chunks(&bytes, &cuts) {
                if s.feed(&c).is_err() {
                    break;
                }
            }
        }
    }

    /// The shell's splitter never panics, and reads back any arguments quoted as redis-cli
    /// takes them.
    #[test]
    fn shell_splitter_round_trips(args in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..12), 0..6)) {
        let line = args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ");
        prop_assert_eq!(lab::shell::args::split(&line).unwrap(), args);
    }

    #[test]
    fn shell_splitter_takes_any_line(line in "\\PC{0,80}") {
        let _ = lab::shell::args::split(&line);
        let _ = lab::shell::holds_secret(&line);
        let _ = lab::lab::solution::words(&line);
    }

    /// Templates of any shape end within their budget, with an error or a bounded text.
    #[test]
    fn templates_end_and_stay_small(text in templatish()) {
        let r = renderer();
        let started = std::time::Instant::now();
        if let Ok(out) = r.render(&text) {
            prop_assert!(out.len() <= 1 << 20);
        }
        prop_assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    /// Lint of a manifest mangled anywhere — quotes, block indicators, escapes and templates
    /// put in at random — never panics, and every position it gives is inside the file.
    #[test]
    fn lint_takes_mangled_manifests(
        cut in 0usize..8000,
        insert in prop_oneof![
            Just("\"".to_string()), Just("|\n".to_string()), Just(">\n  ".to_string()),
            Just("\\u00".to_string()), Just("\\".to_string()), Just("{{ nod(".to_string()),
            Just("\u{feff}".to_string()), Just("\t".to_string()), "[ -~\n]{0,8}",
        ],
    ) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("labs/manual-failover");
        let good = std::fs::read_to_string(dir.join("lab.yaml")).unwrap();
        let mut cut = cut.min(good.len());
        while !good.is_char_boundary(cut) {
            cut -= 1;
        }
        let copy = tempfile::tempdir().unwrap();
        let text = format!("{}{}{}", &good[..cut], insert, &good[cut..]);
        std::fs::write(copy.path().join("lab.yaml"), &text).unwrap();
        for f in ["en.md", "es.md"] {
            std::fs::copy(dir.join(f), copy.path().join(f)).unwrap();
        }
        let Ok(lab) = Lab::load(copy.path()) else { return Ok(()) };
        let lines = text.lines().count() + 1;
        for d in lab::lab::lint::lint(&lab) {
            if d.path.ends_with("lab.yaml") {
                prop_assert!(d.pos.line <= lines, "{:?} past the end", d.pos);
            }
        }
    }
}
