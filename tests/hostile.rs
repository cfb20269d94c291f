//! Hostile input and hostile environments: each class of attack that once broke `lab` has a
//! test here, named `hostile_<class>`. Nothing may panic, hang, leak a secret or leave a node
//! behind.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::cluster::Env;
use common::{LabCopy, lab};

const LONG: Duration = Duration::from_secs(60);

/// Never a panic: Rust's message, or a signal's exit.
#[track_caller]
fn no_panic(run: &common::Run) {
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "{}",
        run.stderr
    );
    assert!(run.code.is_some(), "killed by a signal: {}", run.stderr);
}

/// Numbers out of range and empty lists: a clear error, exit 2, never a panic.
#[test]
fn hostile_numbers_and_empty_lists() {
    let env = Env::new(100);
    let cases: &[&[&str]] = &[
        &["cluster", "check", "--nodes", ""],
        &["cluster", "status", "--nodes", ""],
        &["cluster", "check", "--nodes", ",,"],
        &["cluster", "check", "--wait", "100000000000000000000"],
        &["cluster", "check", "--wait", "10000000000000000000"],
        &["cluster", "check", "--wait", "-5s"],
        &["consistency", "--duration", "100000000000000000000000h"],
        &["consistency", "--duration", "1e400s"],
        &["consistency", "--keys", "100000000"],
        &["consistency", "--keys", "0"],
        &["consistency", "--workers", "0"],
        &["consistency", "--workers", "100000"],
        &["logs", "a:6379", "-n", "100000000000000000000"],
        &["bench", "--runs", "0"],
        &["bench", "--runs", "100000000"],
    ];
    for args in cases {
        let run = env.lab().args(*args).run();
        no_panic(&run);
        assert_eq!(run.code, Some(2), "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.starts_with("error: ") && run.stderr.lines().count() <= 6,
            "{args:?}: {}",
            run.stderr
        );
    }
}

/// A password mistyped into an address is never printed back.
#[test]
fn hostile_secrets_in_addresses() {
    let env = Env::new(101);
    for addr in [
        ":s3cret@127.0.101.10:7001",
        "s3cret@127.0.101.10:7001",
        "redis:/:s3cret@127.0.101.10:7001",
        "redis://:s3cret@127.0.101.10",
        "rediss://user:s3cret@127.0.101.10:7001",
        "redis://:s3cret@[::1",
    ] {
        let run = env.lab().args(["cluster", "check", "--nodes", addr]).run();
        no_panic(&run);
        assert!(
            !run.stdout.contains("s3cret") && !run.stderr.contains("s3cret"),
            "{addr}: {}{}",
            run.stdout,
            run.stderr
        );
    }
}

/// The same node given twice is refused before anything is sent to any node.
#[test]
fn hostile_duplicate_nodes() {
    let env = Env::new(102);
    let node = common::cluster::bare_node(&env, 7001);
    let d = node.addr();
    let nodes = [d.as_str(); 6].join(",");
    let run = env.lab().args(["cluster", "up", "--nodes", &nodes]).run();
    no_panic(&run);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("twice"), "{}", run.stderr);
    // Untouched: no slots, no data.
    let info = node.cli(&["CLUSTER", "INFO"]);
    assert!(info.contains("cluster_slots_assigned:0"), "{info}");
    assert_eq!(node.cli(&["DBSIZE"]).trim(), "0");
}

/// A relative state directory is made absolute once: the nodes, which run in their own
/// directories, find their files.
#[test]
fn hostile_relative_state_dir() {
    let env = Env::new(103);
    let cwd = tempfile::tempdir().unwrap();
    let run = lab()
        .env("LAB_STATE_DIR", "st")
        .env("LAB_BASE_IP", env.base_ip())
        .dir(cwd.path())
        .args(["cluster", "up"])
        .run();
    let down = lab()
        .env("LAB_STATE_DIR", "st")
        .dir(cwd.path())
        .args(["cluster", "down"])
        .run();
    run.ok();
    down.ok();
    assert!(down.stdout.contains("6 nodes"), "{}", down.stdout);
}

/// A server that is not Redis, or one that announces an endless reply: a clear error, at
/// once, with bounded memory.
#[test]
fn hostile_not_redis() {
    let env = Env::new(104);
    // An HTTP server.
    let http = serve(|mut s| {
        let mut buf = [0u8; 1024];
        let _ = s.read(&mut buf);
        let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    let run = env.lab().args(["cluster", "check", "--nodes", &http]).run();
    no_panic(&run);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("not a Redis node"), "{}", run.stderr);
    // A reply that says it is 10 GB long, and keeps coming.
    let huge = serve(|mut s| {
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf);
        let _ = s.write_all(b"$9999999999\r\n");
        let chunk = vec![b'x'; 1 << 16];
        while s.write_all(&chunk).is_ok() {}
    });
    let started = Instant::now();
    let run = env.lab().args(["cluster", "check", "--nodes", &huge]).run();
    no_panic(&run);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        run.stderr.contains("larger than lab accepts"),
        "{}",
        run.stderr
    );
    // The shell takes what Redis may send, never more: a blocking command against it ends
    // with an error at once.
    let started = Instant::now();
    let run = env
        .lab()
        .args(["shell", &huge])
        .stdin_text("BLPOP x 0\nexit\n")
        .run_with_timeout(Duration::from_secs(20));
    no_panic(&run);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        run.stdout.contains("larger than lab accepts"),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

/// A one-connection-at-a-time TCP server on loopback, answering with `f`; its address.
fn serve(f: impl Fn(std::net::TcpStream) + Send + 'static) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            f(s);
        }
    });
    addr
}

/// A template that never ends is cut short by its budget, and said where it is.
#[test]
fn hostile_template_that_never_ends() {
    let copy = LabCopy::of("manual-failover");
    copy.edit(
        "en.md",
        "We look at our cluster's configuration:",
        "We look {% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}:",
    );
    let (line, col) = copy.pos_of("en.md", "We look {%");
    for args in [vec!["lint"], vec!["show", "--lang", "en"]] {
        let started = Instant::now();
        let run = lab()
            .args(&args)
            .arg(copy.dir())
            .run_with_timeout(Duration::from_secs(20));
        no_panic(&run);
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{args:?} took too long"
        );
        if args[0] == "lint" {
            assert_eq!(run.code, Some(1), "{}", run.stderr);
            let at = format!("en.md:{line}:");
            assert!(
                run.stderr
                    .lines()
                    .any(|l| l.contains(&at) && l.contains("too long")),
                "{col}: {}",
                run.stderr
            );
        }
    }
}
