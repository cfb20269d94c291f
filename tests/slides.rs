//! The course's own slides parse the way reveal.js shows them.

mod common;

use common::{fixture, repo};
use lab::lab::Lab;
use lab::lab::slides::Deck;
use lab::lab::source::SourceFile;

fn course() -> Deck {
    let (deck, diags) =
        Deck::parse(SourceFile::read(&fixture("course/manual_failover.md")).unwrap());
    assert!(diags.is_empty(), "{diags:?}");
    deck
}

#[test]
fn the_course_has_fifteen_vertical_slides() {
    let deck = course();
    assert_eq!(deck.slides.len(), 15);
    assert!(deck.slides.iter().all(|s| s.h == 0));
    let v: Vec<_> = deck.slides.iter().map(|s| s.v).collect();
    assert_eq!(v, (0..15).collect::<Vec<_>>());
    assert_eq!(deck.slides[0].title.as_deref(), Some("Manual failover"));
    assert!(
        deck.slides[1..]
            .iter()
            .all(|s| s.title.as_deref() == Some("💻️ Manual failover"))
    );
}

#[test]
fn code_blocks_keep_their_languages() {
    let deck = course();
    let langs: Vec<Vec<&str>> = deck
        .slides
        .iter()
        .map(|s| s.code.iter().map(|c| c.lang.as_str()).collect())
        .collect();
    let bash = vec!["bash"];
    let none: Vec<&str> = vec![];
    let expected = vec![
        none.clone(),
        bash.clone(),
        bash.clone(),
        vec!["redis-cli"],
        bash.clone(),
        bash.clone(),
        bash.clone(),
        bash.clone(),
        none.clone(),
        none.clone(),
        bash.clone(),
        bash.clone(),
        vec!["redis-cli"],
        bash.clone(),
        none.clone(),
    ];
    assert_eq!(langs, expected);
    assert!(deck.slides[3].code[0].text.contains("CLUSTER FAILOVER"));
    // Sample output is kept verbatim, separators and all.
    assert!(
        deck.slides[1].code[0]
            .text
            .contains("[OK] All 16384 slots covered.")
    );
}

#[test]
fn notes_are_split_from_the_slide() {
    let deck = course();
    let with_notes: Vec<usize> = deck
        .slides
        .iter()
        .filter(|s| s.notes.is_some())
        .map(|s| s.index)
        .collect();
    assert_eq!(with_notes, vec![8, 9]);
    let s = &deck.slides[9];
    assert!(
        deck.text(s.notes.as_ref().unwrap())
            .contains("/usr/local/redis-db-cluster")
    );
    assert!(!deck.text(&s.body).contains("redis-db-cluster"));
    assert!(deck.text(&s.body).contains("consistency-test.rb"));
}

#[test]
fn the_course_has_no_step_markers_and_the_lab_has_one_per_step() {
    assert!(course().slides.iter().all(|s| s.step.is_none()));
    let lab = Lab::load(&repo().join("labs/manual-failover")).unwrap();
    let manifest = lab.manifest.as_ref().unwrap();
    let steps: Vec<&str> = manifest.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        steps,
        [
            "check-cluster",
            "connect",
            "failover",
            "logs",
            "new-roles",
            "consistency-start",
            "failback",
            "initial-roles",
            "consistency-result"
        ]
    );
    for (lang, deck) in &lab.decks {
        let markers: Vec<&str> = deck
            .slides
            .iter()
            .filter_map(|s| s.step.as_ref().map(|m| m.step.as_str()))
            .collect();
        assert_eq!(markers, steps, "{lang}");
        // The lab keeps the course's fifteen slides.
        assert_eq!(deck.slides.len(), 15, "{lang}");
    }
}
