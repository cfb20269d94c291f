//! `lab lint` finds each class of mistake and names `file:line:col`, exiting 1.

mod common;

use common::{LabCopy, fixture, lab};

/// Lints a lab copy and returns (exit code, stderr).
fn lint(copy: &LabCopy) -> (Option<i32>, String) {
    let run = lab().arg("lint").arg(copy.dir()).run();
    (run.code, run.stderr)
}

#[track_caller]
fn assert_error_at(copy: &LabCopy, file: &str, (line, col): (usize, usize), words: &str) {
    let (code, stderr) = lint(copy);
    assert_eq!(code, Some(1), "{stderr}");
    let at = format!("{}:{line}:{col}: error: ", copy.path(file).display());
    let hit = stderr.lines().find(|l| l.starts_with(&at));
    let Some(hit) = hit else {
        panic!("no error at {at}\n{stderr}")
    };
    assert!(hit.contains(words), "{hit:?} does not say {words:?}");
}

#[test]
fn the_shipped_lab_is_clean() {
    let run = lab().args(["lint", "manual-failover"]).run();
    run.ok();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("no errors, 0 warnings (30 slides, 9 steps)"),
        "{}",
        run.stdout
    );
}

#[test]
fn without_arguments_every_shipped_lab_is_linted_and_clean() {
    let run = lab().arg("lint").run();
    run.ok();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let labs = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/labs"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join("lab.yaml").is_file())
        .count();
    assert!(labs >= 3);
    assert_eq!(run.stdout.matches("✓").count(), labs, "{}", run.stdout);
}

#[test]
fn a_lab_with_an_error_fails_the_whole_catalog() {
    let copy = LabCopy::of("manual-failover");
    copy.edit("lab.yaml", "\nsteps:", "\nsteps: [");
    let run = lab()
        .arg("--labs-dir")
        .arg(copy.tmp.path())
        .arg("lint")
        .run();
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stdout.contains("✗"), "{}", run.stdout);
}

#[test]
fn bad_yaml() {
    let copy = LabCopy::of("manual-failover");
    copy.edit("lab.yaml", "ports: [6379, 6380]", "ports: [6379, 6380]]");
    let at = copy.pos_of("lab.yaml", "]\n  node-timeout");
    assert_error_at(&copy, "lab.yaml", at, "bracket");
}

#[test]
fn unknown_template_variable() {
    let copy = LabCopy::of("manual-failover");
    copy.edit(
        "en.md",
        "We connect to `{{ node(\"c\", 6380) }}`",
        "We connect to `{{ nodo }}`",
    );
    let at = copy.pos_of("en.md", "nodo }}");
    assert_error_at(&copy, "en.md", at, "nodo");
}

#[test]
fn unknown_template_function_in_a_hint() {
    let copy = LabCopy::of("manual-failover");
    copy.edit(
        "lab.yaml",
        "The replica of {{ node('b', 6379) }}",
        "The replica of {{ nod('b', 6379) }}",
    );
    let at = copy.pos_of("lab.yaml", "nod('b', 6379) }}");
    assert_error_at(&copy, "lab.yaml", at, "nod");
}

#[test]
fn unknown_node_in_a_check() {
    let copy = LabCopy::of("manual-failover");
    copy.edit(
        "lab.yaml",
        "replica-of: { node: b:6380, master: a:6379 }",
        "replica-of: { node: b:6380, master: d:6379 }",
    );
    let at = copy.pos_of("lab.yaml", "d:6379 }");
    assert_error_at(&copy, "lab.yaml", at, "d:6379");
}

#[test]
fn unknown_check_kind() {
    let copy = LabCopy::of("manual-failover");
    copy.edit(
        "lab.yaml",
        "&initial-layout\n      - cluster-ok\n",
        "&initial-layout\n      - cluster-okk\n",
    );
    let at = copy.pos_of("lab.yaml", "cluster-okk\n");
    assert_error_at(&copy, "lab.yaml", at, "cluster-okk");
}

#[test]
fn unequal_steps_between_languages() {
    let copy = LabCopy::of("manual-failover");
    copy.edit("en.md", "<!-- step: logs -->\n", "");
    // The marker belongs before the next step's first slide.
    let next = copy.pos_of(
        "en.md",
        "#### 💻️ _Manual failover_\n<!-- step: new-roles -->",
    );
    assert_error_at(&copy, "en.md", next, "logs");
    let (_, stderr) = lint(&copy);
    assert!(!stderr.contains("es.md"), "es.md is fine: {stderr}");
}

#[test]
fn step_without_any_marker() {
    let copy = LabCopy::of("manual-failover");
    copy.edit("en.md", "<!-- step: failover -->\n", "");
    copy.edit("es.md", "<!-- step: failover -->\n", "");
    let (_, stderr) = lint(&copy);
    for file in ["en.md", "es.md"] {
        let next = copy.pos_of(file, "#### 💻️ _Manual failover_\n<!-- step: logs -->");
        assert_error_at(&copy, file, next, "failover");
    }
    assert_eq!(stderr.matches("error: no slide").count(), 2, "{stderr}");
}

#[test]
fn marker_for_a_step_the_manifest_lacks() {
    let copy = LabCopy::of("manual-failover");
    copy.edit("es.md", "<!-- step: logs -->", "<!-- step: log -->");
    let at = copy.pos_of("es.md", "log -->");
    assert_error_at(&copy, "es.md", at, "log");
}

#[test]
fn errors_are_localized() {
    let copy = LabCopy::of("manual-failover");
    copy.edit(
        "lab.yaml",
        "&initial-layout\n      - cluster-ok\n",
        "&initial-layout\n      - cluster-okk\n",
    );
    let run = lab()
        .env("LANG", "es_ES.UTF-8")
        .arg("lint")
        .arg(copy.dir())
        .run();
    run.code(1);
    assert!(
        run.stderr.contains("no es un tipo de comprobación"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bare_slide_file_lints_as_a_read_only_lab() {
    let run = lab()
        .arg("lint")
        .arg(fixture("course/manual_failover.md"))
        .run();
    run.ok();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(run.stdout.contains("15 slides, 0 steps"), "{}", run.stdout);
}

#[test]
fn double_encoded_text_is_a_warning_with_a_position() {
    let file = fixture("course/manual_failover.mac-roman.md");
    let run = lab().arg("lint").arg(&file).run();
    run.ok();
    let text = std::fs::read_to_string(&file).unwrap();
    let first = text.find("√©").unwrap();
    let line = text[..first].matches('\n').count() + 1;
    let col = text[..first].rsplit('\n').next().unwrap().chars().count() + 1;
    let at = format!("manual_failover.mac-roman.md:{line}:{col}: warning: ");
    let hit = run.stderr.lines().find(|l| l.contains(&at));
    assert!(hit.is_some_and(|h| h.contains("“é”")), "{}", run.stderr);
    assert!(
        run.stderr.contains("“💻️”") || run.stderr.contains("“💻"),
        "{}",
        run.stderr
    );
}

#[test]
fn node_settings_that_would_break_isolation_are_refused_with_a_reason() {
    let cases = [
        (
            "all: { bind: 0.0.0.0 }",
            "0.0.0.0",
            "listens only on its own loopback",
        ),
        ("all: { loadmodule: /tmp/x.so }", "/tmp/x.so", "load code"),
        ("all: { dir: /etc }", "/etc", "stay in its directory"),
        ("all: { requirepass: pw }", "pw", "passwords a lab sets"),
        ("all: { cluster-node-timeout: 100 }", "100", "node-timeout:"),
        ("all: { tls-port: 6390 }", "6390", "loopback"),
        (
            "all: { Maxmemory: 1mb }",
            "1mb",
            "not a redis.conf directive name",
        ),
        (
            "d:6379: { maxmemory: 1mb }",
            "1mb",
            "neither “all” nor a node",
        ),
    ];
    for (config, value, words) in cases {
        let copy = LabCopy::of("manual-failover");
        copy.edit(
            "lab.yaml",
            "  node-timeout: 5000\n",
            &format!("  node-timeout: 5000\n  config:\n    {config}\n"),
        );
        let at = copy.pos_of("lab.yaml", &format!("{value} }}"));
        assert_error_at(&copy, "lab.yaml", at, words);
    }
    // Settings a lab may change are fine.
    let copy = LabCopy::of("manual-failover");
    copy.edit(
        "lab.yaml",
        "  node-timeout: 5000\n",
        "  node-timeout: 5000\n  config:\n    all: { repl-backlog-size: 1mb, appendonly: no, save: \"\" }\n    c:6380: { replica-priority: 0, cluster-allow-replica-migration: yes }\n",
    );
    let (code, stderr) = lint(&copy);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn info_and_syncs_checks_are_read_and_their_mistakes_placed() {
    let add = |check: &str| {
        let copy = LabCopy::of("manual-failover");
        copy.edit(
            "lab.yaml",
            "checks: &initial-layout\n",
            &format!("checks: &initial-layout\n      - {check}\n"),
        );
        copy
    };
    for good in [
        "info: { node: a:6379, field: connected_slaves, eq: 1 }",
        "info: { node: a:6379, field: master_link_status, ne: down }",
    ] {
        let (code, stderr) = lint(&add(good));
        assert_eq!(code, Some(0), "{good}: {stderr}");
    }
    // What compares with the step's start belongs in an action step.
    for good in [
        "syncs: { node: a:6379, full: 0 }",
        "info: { node: c:6380, field: sync_full, increased: 0 }",
    ] {
        let copy = LabCopy::of("manual-failover");
        copy.edit(
            "lab.yaml",
            "      - epoch-rose: c:6380\n",
            &format!("      - epoch-rose: c:6380\n      - {good}\n"),
        );
        let (code, stderr) = lint(&copy);
        assert_eq!(code, Some(0), "{good}: {stderr}");
    }
    let copy = add("info: { node: a:6379, field: sync_full }");
    let at = copy.pos_of("lab.yaml", "{ node: a:6379, field: sync_full }");
    assert_error_at(&copy, "lab.yaml", at, "a map with one of eq, ne");
    let copy = add("syncs: { node: a:6379 }");
    let at = copy.pos_of("lab.yaml", "{ node: a:6379 }");
    assert_error_at(&copy, "lab.yaml", at, "full:, partial: or both");
}
