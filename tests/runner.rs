//! `lab start` without a terminal (line mode, scripted stdin), with the test acting as the
//! student's second terminal: the whole manual-failover lab, a wrong replica, a step's time
//! when its change happened while the student read; progress that survives a killed runner;
//! the second-terminal commands `lab check`, `hint`, `status`, `reset`, `stop`.

mod common;

use std::process::Child;
use std::time::Duration;

use common::cluster::Env;
use common::runner::Runner;

const LONG: Duration = Duration::from_secs(30);

/// Walks from the start of the lab to the failover step.
fn to_failover(r: &mut Runner) {
    r.wait(0, "1/15", LONG);
    r.send(""); // 2/15: check-cluster
    let at = r.wait(0, "Check the cluster: done", LONG);
    r.send(""); // 3/15: connect
    r.wait(at, "3/15", LONG);
    r.send(""); // 4/15: failover
    r.wait(at, "4/15 · step failover", LONG);
    r.wait(at, "waiting: expected", LONG);
}

#[test]
fn the_failover_step_waits_names_a_wrong_replica_and_passes() {
    let env = Env::new(30);
    let mut r = Runner::start(&env, &["start", "manual-failover", "--lang", "en"]);
    to_failover(&mut r);

    // The wrong replica: 127.0.30.101:6380 replicates 127.0.30.100:6379, not .101:6379.
    let from = r.len();
    env.redis_cli('b', 6380, &["CLUSTER", "FAILOVER"]);
    let line = r.wait(from, "took over from", LONG);
    let advice = r.transcript().lines().nth(line).unwrap().to_string();
    assert!(advice.contains(&env.addr('b', 6380)), "{advice}");
    let undo = "redis-cli -h 127.0.30.100 -p 6379 CLUSTER FAILOVER";
    assert!(advice.contains(undo), "{advice}");

    // The undo it gave, once the nodes agree (before that, the new master ignores the
    // request and it times out, as the advice says); then a request to a master, then the
    // right command.
    env.wait_for("the nodes to agree", LONG, || {
        env.lab().args(["cluster", "check"]).run().code == Some(0)
    });
    env.redis_cli('a', 6379, &["CLUSTER", "FAILOVER"]);
    env.wait_for("the undo", LONG, || {
        env.redis_cli('a', 6379, &["ROLE"]).starts_with("master")
    });
    std::thread::sleep(Duration::from_millis(500));
    let from = r.len();
    env.redis_cli('b', 6379, &["CLUSTER", "FAILOVER"]);
    r.wait(from, "is a master, so it refused CLUSTER FAILOVER", LONG);
    let from = r.len();
    env.redis_cli('c', 6380, &["CLUSTER", "FAILOVER"]);
    r.wait(from, "Fail over: done", LONG);
    r.wait(from, "5/15 · step logs", LONG);
    r.send("q");
    let (code, transcript) = r.finish();
    assert_eq!(code, Some(0), "{transcript}");
    assert!(transcript.contains("Progress saved"), "{transcript}");
}

/// The main job, as a student does it from a second terminal: every step to the end, the
/// background consistency test started on its step (not before), seeing the failback and
/// losing nothing.
#[test]
fn the_whole_lab_ends_with_the_consistency_test_seeing_the_failback() {
    let env = Env::new(35);
    let mut r = Runner::start(&env, &["start", "manual-failover", "--lang", "en"]);
    to_failover(&mut r);
    let from = r.len();
    env.redis_cli('c', 6380, &["CLUSTER", "FAILOVER"]);
    r.wait(from, "Fail over: done", LONG);
    for slide in 5..=9 {
        r.send("");
        r.wait(from, &format!("{slide}/15 · step"), LONG);
    }
    r.wait(from, "Check the new roles: done", LONG);
    // The runner ticks every 100 ms: give it time to (wrongly) start the test.
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        !r.transcript().contains("consistency test is running"),
        "started before its step:\n{}",
        r.transcript()
    );
    r.send(""); // 10/15: consistency-start
    r.wait(from, "The consistency test is running", LONG);
    r.send("");
    r.send(""); // 12/15: failback
    let at = r.wait(from, "12/15 · step failback", LONG);
    r.wait(at, "waiting: expected", LONG);
    // Let it count some writes before the roles change.
    std::thread::sleep(Duration::from_secs(1));
    env.redis_cli('b', 6379, &["CLUSTER", "FAILOVER"]);
    r.wait(at, "Fail back: done", LONG);
    r.send("");
    r.send(""); // 14/15: initial-roles
    r.wait(at, "Back to the initial state: done", LONG);
    r.send(""); // 15/15: consistency-result
    let done = r.wait(at, "Check the consistency test: done", LONG);
    // The test is stopped once its step passed; its report follows.
    let end = r.wait(done, "No acknowledged write was lost", LONG);
    r.wait(done, "Press any key to leave", LONG);
    let transcript = r.transcript();
    let summary: Vec<&str> = transcript.lines().take(end + 1).skip(at).collect();
    let summary = summary.join("\n");
    assert!(
        summary.contains("Acknowledged writes lost: 0."),
        "{summary}"
    );
    let moved = format!(
        "moved from {} to {}",
        env.addr('c', 6380),
        env.addr('b', 6379)
    );
    assert!(summary.contains(&moved), "{summary}");
    r.send("q");
    let (code, _) = r.finish();
    assert_eq!(code, Some(0));
    let status = env.lab().args(["status"]).run();
    assert!(status.stdout.contains("9/9"), "{}", status.stdout);
}

/// A step's time is the cluster's: a promotion that happened while the student was still
/// reading the slides before it is reported with the time it took, not the reading time.
#[test]
fn a_promotion_seen_late_reports_when_it_happened() {
    let env = Env::new(36);
    let mut r = Runner::start(&env, &["start", "automatic-failover", "--lang", "en"]);
    r.wait(0, "1/28", LONG);
    for slide in 2..=6 {
        r.send("");
        r.wait(0, &format!("{slide}/28 "), LONG);
    }
    // Past the step's last slide only once it holds.
    r.wait(0, "Check the cluster: done", LONG);
    r.send("");
    r.wait(0, "7/28 ", LONG);
    let from = r.len();
    let killed = std::time::Instant::now();
    env.lab().args(["node", "kill", "b:6379"]).run().code(0);
    let at = r.wait(from, "Crash the master: done", LONG);
    let crash = took(r.transcript().lines().nth(at).unwrap());
    // Slides 8-11 still belong to the crash: the student reads them while c:6380 takes over.
    env.wait_for("the promotion", LONG, || {
        env.redis_cli('c', 6380, &["ROLE"]).starts_with("master")
    });
    let promoted = killed.elapsed().as_secs_f64();
    std::thread::sleep(Duration::from_secs(8));
    for slide in 8..=12 {
        r.send("");
        r.wait(from, &format!("{slide}/28 "), LONG);
    }
    let at = r.wait(from, "Watch the replica's promotion: done", LONG);
    let line = r.transcript().lines().nth(at).unwrap().to_string();
    // The cluster's time, from the kill: not the 8 s more the student read.
    assert!(line.contains("from `lab node kill b:6379`"), "{line}");
    let secs = took(&line);
    assert!(
        secs > crash && secs < promoted + 1.0,
        "{secs} s reported; promoted {promoted:.1} s after the kill: {line}"
    );
    r.send("q");
    let (code, _) = r.finish();
    assert_eq!(code, Some(0));
}

/// The seconds a ✓ reports: "… The cluster took 5.3 s from …".
fn took(line: &str) -> f64 {
    line.split_once("took ")
        .and_then(|(_, t)| t.split_once(" s "))
        .map(|(n, _)| n.trim_start_matches("under "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no time in {line:?}"))
}

/// A CLUSTER FAILOVER sent long after the step began: the ✓ says how long the cluster took
/// from the command, not how long the student waited.
#[test]
fn a_failover_s_time_runs_from_the_command() {
    let env = Env::new(37);
    let mut r = Runner::start(&env, &["start", "manual-failover", "--lang", "en"]);
    to_failover(&mut r);
    std::thread::sleep(Duration::from_secs(10));
    let from = r.len();
    env.redis_cli('c', 6380, &["CLUSTER", "FAILOVER"]);
    let at = r.wait(from, "Fail over: done", LONG);
    let line = r.transcript().lines().nth(at).unwrap().to_string();
    assert!(line.contains("from CLUSTER FAILOVER on"), "{line}");
    assert!(took(&line) < 2.0, "{line}");
    // The student's own time is said apart.
    let you: f64 = line
        .split_once("You: ")
        .and_then(|(_, t)| t.split_once(" s"))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("no student time in {line:?}"));
    assert!(you >= 10.0, "{line}");
    r.send("q");
    assert_eq!(r.finish().0, Some(0));
}

#[test]
fn a_killed_runner_resumes_at_the_same_step() {
    let env = Env::new(31);
    let mut r = Runner::start(&env, &["start", "manual-failover", "--lang", "es"]);
    r.wait(0, "1/15", LONG);
    r.send("");
    r.wait(0, "Revisar el cluster: hecho", LONG);
    r.send("");
    r.send("");
    r.wait(0, "4/15 · paso failover", LONG);
    // Killed without warning: what was saved must be whole and current.
    unsafe_kill(&r.child);
    drop(r);
    let progress = env.state.path().join("progress/manual-failover.json");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&progress).unwrap()).unwrap();
    assert_eq!(saved["step"], "failover");
    let leftovers: Vec<_> = std::fs::read_dir(progress.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());

    let mut r = Runner::start(&env, &["start", "manual-failover", "--lang", "es"]);
    r.wait(0, "Se continúa en el paso «Hacer el failover»", LONG);
    r.wait(0, "4/15 · paso failover", LONG);
    // The cluster was reused as it was, not rebuilt under the student.
    r.wait(0, "El cluster del laboratorio está en marcha y sano", LONG);
    r.send("q");
    let (code, _) = r.finish();
    assert_eq!(code, Some(0));
}

fn unsafe_kill(child: &Child) {
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
}

#[test]
fn a_second_terminal_checks_hints_resets_and_stops() {
    let env = Env::new(32);
    let mut r = Runner::start(&env, &["start", "manual-failover", "--lang", "en"]);
    to_failover(&mut r);
    r.send("q");
    let (code, _) = r.finish();
    assert_eq!(code, Some(0));

    let check = env.lab().args(["check"]).run();
    check.code(1);
    assert!(
        check.stdout.contains(&format!(
            "expected {} to be master of 6461-10922; it is a replica of {}",
            env.addr('c', 6380),
            env.addr('b', 6379)
        )),
        "{}",
        check.stdout
    );
    let hint = env.lab().args(["hint"]).run();
    hint.ok();
    assert!(hint.stdout.contains("Hint 1/2"), "{}", hint.stdout);
    let hint = env.lab().args(["hint"]).run();
    assert!(
        hint.stdout
            .contains("redis-cli -h 127.0.32.102 -p 6380 CLUSTER FAILOVER"),
        "{}",
        hint.stdout
    );

    env.redis_cli('c', 6380, &["CLUSTER", "FAILOVER"]);
    env.wait_for("the failover", LONG, || {
        env.lab().args(["check"]).run().code == Some(0)
    });
    let status = env.lab().args(["status"]).run();
    status.ok();
    assert!(status.stdout.contains("4/9 logs"), "{}", status.stdout);

    // Back to the failover's start: the roles are put back (TAKEOVER, no restart).
    let reset = env.lab().args(["reset", "failover"]).run();
    reset.ok();
    assert!(
        reset
            .stdout
            .contains("Back at the start of step “failover”"),
        "{}",
        reset.stdout
    );
    assert!(reset.stdout.contains("TAKEOVER"), "{}", reset.stdout);
    env.lab().args(["check"]).run().code(1);
    env.lab().args(["cluster", "check"]).run().ok();

    let stop = env.lab().args(["stop"]).run();
    stop.ok();
    assert!(env.running().is_empty());
    assert!(
        env.state
            .path()
            .join("progress/manual-failover.json")
            .exists()
    );
}

#[test]
fn a_lab_resumed_on_a_new_cluster_gets_its_steps_replayed() {
    let env = Env::new(33);
    let mut r = Runner::start(&env, &["start", "manual-failover", "--lang", "en"]);
    to_failover(&mut r);
    let from = r.len();
    env.redis_cli('c', 6380, &["CLUSTER", "FAILOVER"]);
    r.wait(from, "Fail over: done", LONG);
    r.send("q");
    assert_eq!(r.finish().0, Some(0));

    // The student's cluster goes away under the saved progress.
    env.lab().args(["cluster", "down"]).run().ok();
    assert!(env.running().is_empty());

    let mut r = Runner::start(&env, &["start", "manual-failover", "--lang", "en"]);
    r.wait(0, "5/15 · step logs", LONG);
    r.wait(0, "had to be built again", LONG);
    // The failover the student had done is there again, so the next steps make sense.
    assert!(env.redis_cli('c', 6380, &["ROLE"]).starts_with("master"));
    assert!(env.redis_cli('b', 6379, &["ROLE"]).starts_with("slave"));
    r.send("q");
    assert_eq!(r.finish().0, Some(0));
    env.lab().args(["stop"]).run().ok();
}

#[test]
fn a_lab_resumed_with_a_node_the_student_stopped_goes_on_as_left() {
    let env = Env::new(41);
    let mut r = Runner::start(&env, &["start", "manual-failover", "--lang", "en"]);
    to_failover(&mut r);
    env.lab().args(["node", "stop", "a:6380"]).run().ok();
    r.send("q");
    assert_eq!(r.finish().0, Some(0));

    // Not healthy, but the student's own doing: resumed as it is, not rebuilt or refused.
    let mut r = Runner::start(&env, &["start", "manual-failover", "--lang", "en"]);
    r.wait(0, "Resumed on the nodes as you left them", LONG);
    r.wait(0, "4/15 · step failover", LONG);
    assert!(env.redis_cli('a', 6380, &["PING"]).trim().is_empty());
    r.send("q");
    assert_eq!(r.finish().0, Some(0));
    env.lab().args(["stop"]).run().ok();
    assert!(env.running().is_empty());
}

#[test]
fn a_lab_that_starts_before_forming_resets_to_fresh_nodes() {
    let env = Env::new(34);
    env.lab()
        .args(["cluster", "up", "--lab", "cluster-create"])
        .run()
        .ok();
    let known = |host, port| env.redis_cli(host, port, &["CLUSTER", "INFO"]);
    assert!(known('a', 6379).contains("cluster_known_nodes:1"));

    // MEET, slots and replicas replayed: a formed cluster.
    let reset = env
        .lab()
        .args(["reset", "reset", "--lab", "cluster-create", "--lang", "en"])
        .run();
    reset.ok();
    assert!(
        reset
            .stdout
            .contains("the cluster was already at the lab's start, then 3 earlier steps replayed"),
        "{}",
        reset.stdout
    );
    assert!(known('a', 6379).contains("cluster_known_nodes:6"));

    // Back to the beginning means six nodes that know only themselves again.
    let reset = env
        .lab()
        .args([
            "reset",
            "nodes-up",
            "--lab",
            "cluster-create",
            "--lang",
            "en",
        ])
        .run();
    reset.ok();
    assert!(reset.stdout.contains("re-formed"), "{}", reset.stdout);
    for host in ['a', 'b', 'c'] {
        for port in [6379, 6380] {
            let info = known(host, port);
            assert!(
                info.contains("cluster_known_nodes:1"),
                "{host}:{port} {info}"
            );
            assert!(
                info.contains("cluster_slots_assigned:0"),
                "{host}:{port} {info}"
            );
        }
    }
    let check = env.lab().args(["cluster", "check", "--lang", "en"]).run();
    // Nodes that never met are not "disagreeing": only the missing slots are errors.
    assert!(check.stdout.contains("All nodes agree"), "{}", check.stdout);
    assert!(!check.stdout.contains("sees"), "{}", check.stdout);
    env.lab().args(["stop"]).run().ok();
}

/// One runner per lab: a second is refused, naming the first; `--take-over` makes the first
/// save and quit, and the second goes on from there.
#[test]
fn one_runner_per_lab_and_taking_over() {
    let env = Env::new(38);
    let mut first = Runner::start(&env, &["start", "manual-failover", "--lang", "en"]);
    first.wait(0, "1/15", LONG);
    first.send(""); // 2/15
    first.wait(0, "Check the cluster: done", LONG);
    let second = env
        .lab()
        .args(["start", "manual-failover", "--lang", "en"])
        .run();
    second.code(2);
    assert!(
        second.stderr.contains(&format!(
            "already running in another terminal (pid {}",
            first.child.id()
        )),
        "{}",
        second.stderr
    );
    assert!(second.stderr.contains("--take-over"), "{}", second.stderr);

    let mut second = Runner::start(
        &env,
        &["start", "manual-failover", "--lang", "en", "--take-over"],
    );
    first.wait(0, "took this lab over", LONG);
    let (code, _) = first.finish();
    assert_eq!(code, Some(0));
    // It resumes where the first one was.
    second.wait(0, "Resuming at step", LONG);
    second.wait(0, "2/15", LONG);
    second.send("q");
    assert_eq!(second.finish().0, Some(0));
}

/// A hint taken with `lab hint` in another terminal while the runner is open is kept: the
/// runner's next save does not undo it, and the grade counts it.
#[test]
fn a_hint_from_another_terminal_is_kept() {
    let env = Env::new(39);
    let mut r = Runner::start(&env, &["start", "failover-selfcheck", "--lang", "en"]);
    r.wait(0, "The lab's cluster is ready", LONG);
    let hint = env.lab().args(["hint", "failover-selfcheck"]).run();
    hint.ok();
    assert!(hint.stdout.contains("Hint 1/"), "{}", hint.stdout);
    // The runner saw it: its own hint is the second.
    std::thread::sleep(Duration::from_millis(300));
    let from = r.len();
    r.send("h");
    r.wait(from, "Hint 2/", LONG);
    r.send("q");
    assert_eq!(r.finish().0, Some(0));
    let grade = env.lab().args(["grade", "--json"]).run();
    let report: serde_json::Value = serde_json::from_str(&grade.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", grade.stdout, grade.stderr);
    });
    assert_eq!(report["hints_used"], 2, "{report:#}");
}

/// A progress directory that cannot be written any more (here it becomes a file, which even
/// root cannot write into) is said at once, and at the end: a step is never reported as saved
/// when it is not.
#[test]
fn a_save_that_fails_is_said_at_once() {
    let env = Env::new(40);
    let mut r = Runner::start(&env, &["start", "manual-failover", "--lang", "en"]);
    r.wait(0, "1/15", LONG);
    r.send("");
    r.wait(0, "Check the cluster: done", LONG);
    let dir = env.state.path().join("progress");
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::write(&dir, b"not a directory").unwrap();
    let from = r.len();
    r.send(""); // 3/15: its progress cannot be saved
    r.wait(from, "Progress not saved", LONG);
    r.send("q");
    let (code, transcript) = r.finish();
    assert!(
        transcript.contains("Progress could not be saved"),
        "{transcript}"
    );
    assert!(!transcript.contains("Progress saved;"), "{transcript}");
    assert_eq!(code, Some(2));
    std::fs::remove_file(&dir).unwrap();
}
