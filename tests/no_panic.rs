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
