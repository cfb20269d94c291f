//! The browser's side, in a real headless Chromium: an exported deck opens from file:// on the
//! embedded reveal.js, with every slide, its notes and its code highlighted.

mod common;

use common::browser;

fn slides(lab: &str, lang: lab::i18n::Lang) -> (usize, usize) {
    let l = lab::lab::Lab::load(&common::repo().join("labs").join(lab)).unwrap();
    let deck = &l.deck(lang).unwrap().1;
    let notes = deck.slides.iter().filter(|s| s.notes.is_some()).count();
    (deck.slides.len(), notes)
}

#[test]
fn an_exported_deck_opens_from_a_file_with_every_slide() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("deck");
    common::lab()
        .args(["export", "manual-failover", "--lang", "en", "-o"])
        .arg(&out)
        .run()
        .ok();
    for (page, lang) in [
        ("index.html", lab::i18n::Lang::En),
        ("index.es.html", lab::i18n::Lang::Es),
    ] {
        let dom = browser::dom(
            &format!("file://{}", out.join(page).display()),
            &dir.path().join("profile"),
        );
        let (want, notes) = slides("manual-failover", lang);
        assert!(want > 10);
        assert_eq!(browser::leaf_sections(&dom), want, "{page}:\n{dom}");
        assert_eq!(
            dom.matches("<aside class=\"notes\"").count(),
            notes,
            "{page}"
        );
        assert!(dom.contains("class=\"hljs"), "{page}: code highlighted");
        assert!(dom.contains("127.0.158.102"), "{page}: addresses filled in");
        assert!(!dom.contains("{{") && !dom.contains("step:"), "{page}");
        // reveal.js ran: it marks the slide on screen.
        assert!(dom.contains("class=\"present"), "{page}");
    }
}

#[test]
fn slides_are_the_sections_without_sections() {
    let dom = "<section><section>a</section><section>b</section></section><section>c</section>";
    assert_eq!(browser::leaf_sections(dom), 3);
    assert_eq!(browser::leaf_sections(""), 0);
}
