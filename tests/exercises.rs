//! An exercise graded from the live cluster, end to end: untouched it fails, solved (with the
//! runner's consistency test watching) it passes; the report validates against the schema the
//! README publishes; a signed report is verified and an edited one is caught.

mod common;

use std::time::Duration;

use common::cluster::Env;
use common::repo;
use common::runner::Runner;

const LONG: Duration = Duration::from_secs(30);

/// The JSON Schema of grade reports, as the README publishes it.
fn schema() -> serde_json::Value {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let after = readme
        .split("<!-- grade-report-schema -->")
        .nth(1)
        .expect("the README's schema");
    let body = after
        .split("```json")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    serde_json::from_str(body).unwrap()
}

#[track_caller]
fn assert_valid(report: &serde_json::Value) {
    let schema = schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{report:#}");
}

fn json_of(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn an_exercise_fails_untouched_passes_solved_and_its_report_holds() {
    let env = Env::new(60);
    let key = "instructor-key-for-tests";
    let mut r = Runner::start(&env, &["start", "failover-selfcheck", "--lang", "en"]);
    r.wait(0, "The lab's cluster is ready", LONG);
    r.wait(0, "The consistency test is running", LONG);

    // Untouched: below the pass mark; from a second terminal, the same grade as JSON.
    let from = r.len();
    r.send("g");
    r.wait(from, "Not passed yet: 70 % is needed", LONG);
    let untouched = env.lab().args(["grade", "--json"]).run();
    untouched.code(1);
    let report = json_of(&untouched.stdout);
    assert_valid(&report);
    assert_eq!(report["points"], 35, "{report:#}");
    assert_eq!(report["passed"], false);
    let right_shard = &report["criteria"][0];
    assert_eq!(right_shard["passed"], false);
    assert!(
        right_shard["failures"][0]
            .as_str()
            .unwrap()
            .contains("config epoch of 127.0.60.100:6379")
    );

    // Solved: the shard of mf:user:1000 (a:6379) fails over to b:6380 and back, while the
    // runner's consistency test watches.
    // CLUSTER FAILOVER answers OK before anything happens: the failback waits for the
    // promotion, then for every node to know of it.
    env.redis_cli('b', 6380, &["CLUSTER", "FAILOVER"]);
    env.wait_for("the promotion", LONG, || {
        env.redis_cli('b', 6380, &["ROLE"]).starts_with("master")
    });
    env.lab()
        .args(["cluster", "check", "--wait", "30s"])
        .run()
        .ok();
    env.redis_cli('a', 6379, &["CLUSTER", "FAILOVER"]);
    env.lab()
        .args(["cluster", "check", "--wait", "30s"])
        .run()
        .ok();
    // The runner publishes its test's counters once a second.
    std::thread::sleep(Duration::from_millis(1500));
    let from = r.len();
    r.send("g");
    r.wait(from, "Total: 100/100 (100 %). Passed.", LONG);

    let out = env.state.path().join("report.json");
    let solved = env
        .lab()
        .env("LAB_GRADE_KEY", key)
        .args(["grade", "--out"])
        .arg(&out)
        .run();
    solved.ok();
    assert!(
        solved.stdout.contains("Total: 100/100"),
        "{}",
        solved.stdout
    );
    let report = json_of(&std::fs::read_to_string(&out).unwrap());
    assert_valid(&report);
    assert_eq!(report["integrity"]["kind"], "hmac-sha256");
    let consistency = &report["criteria"][4]["evidence"]["cluster"]["consistency"];
    assert_eq!(consistency["lost"], 0, "{report:#}");

    // Verified with the key; caught once edited; an unsigned one proves nothing to a keyholder.
    env.lab()
        .env("LAB_GRADE_KEY", key)
        .args(["grade", "--verify"])
        .arg(&out)
        .run()
        .ok();
    let mut edited = report.clone();
    edited["hints_used"] = 0.into();
    edited["criteria"][0]["earned"] = 40.into();
    edited["points"] = 100.into();
    edited["hint_penalty"] = 0.into();
    edited["graded_ms"] = (report["graded_ms"].as_u64().unwrap() + 1).into();
    let tampered = env.state.path().join("tampered.json");
    std::fs::write(&tampered, serde_json::to_string_pretty(&edited).unwrap()).unwrap();

    let caught = env
        .lab()
        .env("LAB_GRADE_KEY", key)
        .args(["grade", "--verify"])
        .arg(&tampered)
        .run();
    caught.code(1);
    assert!(caught.stderr.contains("was changed"), "{}", caught.stderr);
    let unsigned = env.state.path().join("unsigned.json");
    env.lab().args(["grade", "--out"]).arg(&unsigned).run().ok();
    env.lab()
        .args(["grade", "--verify"])
        .arg(&unsigned)
        .run()
        .ok();
    env.lab()
        .env("LAB_GRADE_KEY", key)
        .args(["grade", "--verify"])
        .arg(&unsigned)
        .run()
        .code(1);

    let status = env.lab().args(["status"]).run();
    status.ok();
    assert!(
        status.stdout.contains("exercise passed, best 100 %"),
        "{}",
        status.stdout
    );
    r.send("q");
    let (code, transcript) = r.finish();
    assert_eq!(code, Some(0), "{transcript}");
}

/// A student who quits before the cluster is up can still be graded (the exercise's start was
/// recorded once it came up); a new attempt after passing starts from the broken setup again,
/// not from the repaired cluster.
#[test]
fn quitting_early_keeps_the_start_and_a_new_attempt_breaks_the_cluster_again() {
    let env = Env::new(61);
    let mut r = Runner::start(&env, &["start", "broken-cluster", "--lang", "en"]);
    r.wait(0, "1/3", LONG);
    r.send("q");
    let (code, transcript) = r.finish();
    assert_eq!(code, Some(0), "{transcript}");
    assert!(
        transcript.contains("lab grade broken-cluster"),
        "{transcript}"
    );
    assert!(!transcript.contains("complete"), "{transcript}");
    let untouched = env.lab().args(["grade"]).run();
    untouched.code(1);
    assert!(untouched.stdout.contains("0/100"), "{}", untouched.stdout);

    // The repair, then a passing grade.
    let b = env.redis_cli('b', 6379, &["CLUSTER", "MYID"]);
    env.redis_cli('c', 6380, &["CLUSTER", "REPLICATE", b.trim()]);
    for (h, port) in [('b', 6379), ('c', 6379)] {
        env.redis_cli(h, port, &["CLUSTER", "SETSLOT", "7000", "STABLE"]);
    }
    env.wait_for("a passing grade", LONG, || {
        env.lab().args(["grade"]).run().code == Some(0)
    });
    // Every node knows of the repair: a healthy cluster of the planned layout.
    env.wait_for("the nodes to agree", LONG, || {
        env.lab().args(["cluster", "check"]).run().code == Some(0)
    });

    // A new attempt: the faults are back.
    let mut r = Runner::start(&env, &["start", "broken-cluster", "--lang", "en"]);
    r.wait(0, "The lab's cluster is ready", LONG);
    r.send("q");
    let (code, transcript) = r.finish();
    assert_eq!(code, Some(0), "{transcript}");
    let check = env.lab().args(["cluster", "check"]).run();
    check.code(1);
    assert!(check.stdout.contains("slot 7000"), "{}", check.stdout);
    let again = env.lab().args(["grade"]).run();
    again.code(1);
    assert!(again.stdout.contains("0/100"), "{}", again.stdout);
}
