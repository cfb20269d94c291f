//! The README's quick start stays true: CI runs exactly its test command.

mod common;

use common::repo;

/// The command inside the README's quick start block that follows a line containing `marker`.
fn quick_start_line(marker: &str) -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut lines = readme.lines().skip_while(|l| !l.contains(marker));
    lines.next();
    lines
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("```"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn ci_runs_the_readme_test_command() {
    let test_command = quick_start_line("<!-- quick-start: tests -->");
    assert!(test_command.starts_with("cargo test"), "{test_command:?}");
    let ci = std::fs::read_to_string(repo().join(".ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l.trim() == test_command),
        ".ci/run does not run the README's test command {test_command:?}"
    );
}

#[test]
fn the_main_job_is_lab_start() {
    let main_job = quick_start_line("<!-- quick-start: lab -->");
    assert!(main_job.contains("start manual-failover"), "{main_job:?}");
}
