//! Every shipped lab passes `lab test` in every language it has, on a cluster of its own.

mod common;

use common::{lab, repo};

/// Each (lab, language) pair gets its own loopback range (127.0.70.x and up).
fn test_lab(id: &str, lang: &str, net: u8) {
    let state = tempfile::tempdir().unwrap();
    let run = lab()
        .env("LAB_STATE_DIR", state.path())
        .env("LAB_BASE_IP", format!("127.0.{net}.100"))
        .args(["test", id, "--lang", lang, "--quiet"])
        .run();
    run.ok();
    assert!(run.stdout.contains(&format!("✓ {id}: ")), "{}", run.stdout);
}

#[test]
fn every_lab_passes_in_every_language() {
    let mut net = 70;
    let mut pairs = vec![];
    for entry in std::fs::read_dir(repo().join("labs")).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("lab.yaml").exists() {
            continue;
        }
        let id = dir.file_name().unwrap().to_string_lossy().into_owned();
        for lang in ["es", "en"] {
            if dir.join(format!("{lang}.md")).exists() {
                pairs.push((id.clone(), lang, net));
                net += 1;
            }
        }
    }
    assert!(pairs.len() >= 2, "{pairs:?}");
    // Three at a time: each pair has its own cluster and addresses, and two cores carry them.
    let queue = std::sync::Mutex::new(pairs.into_iter());
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                loop {
                    let next = queue.lock().unwrap().next();
                    let Some((id, lang, net)) = next else { break };
                    test_lab(&id, lang, net);
                }
            });
        }
    });
}
