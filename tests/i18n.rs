//! Both languages say everything: same message ids, every id the code uses exists, and the
//! language is picked from the environment the way the README says.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{lab, repo};
use fluent_bundle::FluentResource;

fn ids(lang: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(repo().join("locales").join(lang)).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let res = FluentResource::try_new(text)
            .unwrap_or_else(|(_, errs)| panic!("{}: {errs:?}", path.display()));
        for entry in res.entries() {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                assert!(out.insert(m.id.name.to_string()), "{} twice", m.id.name);
            }
        }
    }
    out
}

#[test]
fn english_and_spanish_have_the_same_message_ids() {
    let en = ids("en");
    let es = ids("es");
    let only_en: Vec<_> = en.difference(&es).collect();
    let only_es: Vec<_> = es.difference(&en).collect();
    assert!(
        only_en.is_empty() && only_es.is_empty(),
        "only en: {only_en:?}\nonly es: {only_es:?}"
    );
}

#[test]
fn every_catalogue_file_is_compiled_in() {
    for lang in ["en", "es"] {
        for entry in std::fs::read_dir(repo().join("locales").join(lang)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                lab::i18n::CATALOGUES
                    .iter()
                    .any(|(l, f, _)| *l == lang && *f == name),
                "locales/{lang}/{name} is not in i18n::CATALOGUES"
            );
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Message ids written literally in the code: `t!("x"`, `msg!("x"`, `format("x"`, `text("x"`,
/// `Msg::new("x"`.
#[test]
fn every_message_the_code_names_exists() {
    let known = ids("en");
    let mut files = vec![];
    rust_files(&repo().join("src"), &mut files);
    let mut missing = vec![];
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for opener in ["t!(\"", "msg!(\"", "format(\"", "text(\"", "Msg::new(\""] {
            for (at, _) in text.match_indices(opener) {
                let rest = &text[at + opener.len()..];
                let id: String = rest.chars().take_while(|c| *c != '"').collect();
                let looks_like_id = id.contains('-')
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if looks_like_id && !known.contains(&id) {
                    missing.push(format!("{}: {id}", f.display()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn lang_env_gives_spanish() {
    let run = lab().env("LANG", "es_ES.UTF-8").arg("list").run();
    run.ok();
    assert!(run.stdout.contains("Failover manual"), "{}", run.stdout);
    assert!(run.stdout.contains("9 pasos"), "{}", run.stdout);
    let run = lab()
        .env("LANG", "es_ES.UTF-8")
        .args(["--lang", "en", "list"])
        .run();
    assert!(run.stdout.contains("Manual failover") && run.stdout.contains("9 steps"));
    let run = lab()
        .env("LAB_LANG", "es")
        .env("LANG", "en_US.UTF-8")
        .arg("list")
        .run();
    assert!(run.stdout.contains("9 pasos"));
}

#[test]
fn help_is_localized() {
    let run = lab().env("LANG", "es_ES.UTF-8").arg("--help").run();
    run.ok();
    assert!(
        run.stdout.contains("Uso: lab [OPCIONES] <ORDEN>"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Órdenes"));
    let run = lab().args(["show", "--help"]).run();
    assert!(
        run.stdout.contains("Usage: lab show [OPTIONS] <LAB>"),
        "{}",
        run.stdout
    );
    let run = lab().env("LANG", "es_ES.UTF-8").args(["show"]).run();
    run.code(2);
    assert!(
        run.stderr.contains("falta un argumento obligatorio"),
        "{}",
        run.stderr
    );
}
