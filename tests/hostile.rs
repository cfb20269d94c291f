//! Hostile input and hostile environments: each class of attack that once broke `lab` has a
//! test here, named `hostile_<class>`. Nothing may panic, hang, leak a secret or leave a node
//! behind.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::cluster::{Env, signal};
use common::{LabCopy, lab};

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

/// A password written into `--nodes` works but is warned about (`ps` shows it), and
/// REDISCLI_AUTH is named as the way to give it instead.
#[test]
fn hostile_secrets_in_argv() {
    let env = Env::new(101);
    let run = env
        .lab()
        .args([
            "cluster",
            "check",
            "--nodes",
            "redis://:s3cret@127.0.101.10:7001",
        ])
        .run();
    no_panic(&run);
    assert!(run.stderr.contains("REDISCLI_AUTH"), "{}", run.stderr);
    assert!(!run.stderr.contains("s3cret"), "{}", run.stderr);
    let run = env
        .lab()
        .args(["cluster", "check", "--nodes", "127.0.101.10:7001"])
        .env("REDISCLI_AUTH", "s3cret")
        .run();
    assert!(!run.stderr.contains("REDISCLI_AUTH"), "{}", run.stderr);
}

/// Lines that give a password or a user to log in as never reach the shell's history file,
/// and such a line already in an older file is dropped from it.
#[test]
fn hostile_secrets_in_history() {
    let env = Env::new(107);
    let node = common::cluster::bare_node(&env, 7001);
    let history = env.state.path().join("shell_history");
    std::fs::write(&history, "#V2\nPING\nAUTH old-s3cret\n").unwrap();
    let mut pty = common::pty::Pty::start(&env, &["shell", &node.addr()], 100, 30);
    pty.wait("the prompt", Duration::from_secs(10), |l| {
        l.iter().any(|l| l.contains("> "))
    });
    let secret = [
        "AUTH s3cret",
        "auth default s3cret",
        "HELLO 3 AUTH default s3cret",
        "MIGRATE 127.0.107.100 1 k 0 100 AUTH s3cret",
        "MIGRATE 127.0.107.100 1 \"\" 0 100 AUTH2 bob s3cret KEYS a",
        "CONFIG SET masterauth s3cret",
        "CONFIG SET maxmemory 0 requirepass s3cret",
        "config set masteruser s3cret",
        "ACL SETUSER s3cret on >pw",
        "SENTINEL SET mymaster auth-pass s3cret",
        "SENTINEL CONFIG SET sentinel-pass s3cret",
    ];
    for line in secret.iter().chain(&["ECHO kept"]) {
        pty.send(format!("{line}\r").as_bytes());
        std::thread::sleep(Duration::from_millis(100));
    }
    pty.wait("the echo", Duration::from_secs(10), |l| {
        l.iter().any(|l| l.contains("\"kept\""))
    });
    pty.send(b"exit\r");
    assert!(pty.wait_exit(Duration::from_secs(10)).is_some());
    let saved = std::fs::read_to_string(&history).unwrap();
    assert!(
        saved.contains("ECHO kept") && saved.contains("PING"),
        "{saved}"
    );
    assert!(!saved.contains("s3cret"), "{saved}");
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

/// A node binary of another name is still known by what was recorded about its processes:
/// `down` stops them, an interrupted `up` stops them, and a process that merely sits in a node
/// directory is left alone.
#[test]
fn hostile_node_binary_of_another_name() {
    let env = Env::new(105);
    let bin = tempfile::tempdir().unwrap();
    let real = which("redis-server");
    let valkey = bin.path().join("valkey-server");
    std::os::unix::fs::symlink(&real, &valkey).unwrap();

    env.lab()
        .args(["cluster", "up", "--redis-server"])
        .arg(&valkey)
        .run()
        .ok();
    assert_eq!(env.processes().len(), 6);
    // A shell the student left in a node's directory is not a node.
    let bystander = std::process::Command::new("sleep")
        .arg("60")
        .current_dir(
            env.nodes_dir()
                .read_dir()
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path(),
        )
        .spawn()
        .unwrap();
    let down = env.lab().args(["cluster", "down"]).run();
    down.ok();
    assert!(down.stdout.contains("Stopped 6 nodes"), "{}", down.stdout);
    assert!(env.processes().is_empty(), "left: {:?}", env.processes());
    // Its directory is gone with the nodes', but the shell itself still runs.
    let mut bystander = bystander;
    assert!(
        bystander.try_wait().unwrap().is_none(),
        "the bystander was killed"
    );
    bystander.kill().unwrap();
    bystander.wait().unwrap();

    // An `up` interrupted once its nodes run stops them itself.
    let child = env
        .lab()
        .args(["cluster", "up", "--redis-server"])
        .arg(&valkey)
        .spawn();
    env.wait_for("nodes to start", Duration::from_secs(10), || {
        env.processes().len() == 6
    });
    signal(child.id(), nix::sys::signal::Signal::SIGTERM);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(143));
    assert!(env.processes().is_empty(), "orphans: {:?}", env.processes());
}

fn which(name: &str) -> std::path::PathBuf {
    let out = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .unwrap();
    std::path::PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// A cluster record that is empty or garbage: `down`, `stop` and `up` go by the node
/// directories, and nothing is left running.
#[test]
fn hostile_damaged_cluster_record() {
    let env = Env::new(106);
    let record = env.state.path().join("cluster/cluster.json");
    env.lab().args(["cluster", "up"]).run().ok();

    std::fs::write(&record, "").unwrap();
    let status = env.lab().args(["cluster", "status"]).run();
    no_panic(&status);
    assert_eq!(status.code, Some(2));
    assert!(status.stderr.contains("damaged") && status.stderr.contains("cluster down"));
    let down = env.lab().args(["cluster", "down"]).run();
    down.ok();
    assert!(down.stdout.contains("Stopped 6 nodes"), "{}", down.stdout);
    assert!(env.processes().is_empty());

    env.lab().args(["cluster", "up"]).run().ok();
    std::fs::write(&record, "{\"lab\": \"manual-fail").unwrap();
    let stop = env.lab().arg("stop").run();
    stop.ok();
    assert!(stop.stdout.contains("6 nodes"), "{}", stop.stdout);
    assert!(env.processes().is_empty());

    env.lab().args(["cluster", "up"]).run().ok();
    std::fs::write(&record, [0xff, 0xfe, 0x00]).unwrap();
    let up = env.lab().args(["cluster", "up"]).run();
    up.ok();
    assert!(up.stderr.contains("damaged"), "{}", up.stderr);
    assert_eq!(env.processes().len(), 6);
    env.lab().args(["cluster", "check"]).run().ok();
    env.lab().args(["cluster", "down"]).run().ok();
    assert!(env.processes().is_empty());
}

/// A closed terminal (SIGHUP) stops `up`, `lab test` and `lab bench` as SIGTERM does: exit
/// 129, every node they started stopped, no private directory left.
#[test]
fn hostile_sighup() {
    let env = Env::new(108);
    for args in [
        &["cluster", "up"][..],
        &["test", "manual-failover"],
        &["bench", "provision", "--runs", "1"],
    ] {
        let child = env.lab().args(args).spawn();
        env.wait_for("nodes to start", Duration::from_secs(20), || {
            env.all_nodes().len() == 6
        });
        std::thread::sleep(Duration::from_millis(200));
        signal(child.id(), nix::sys::signal::Signal::SIGHUP);
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(129),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            env.all_nodes().is_empty(),
            "{args:?} left {:?}",
            env.all_nodes()
        );
        let private = env.state.path().join("private");
        assert!(
            !private.exists() || private.read_dir().unwrap().next().is_none(),
            "{args:?} left its private directory"
        );
    }
}

/// Keys of every run on the cluster's masters.
fn counter_keys(env: &Env) -> usize {
    common::cluster::NODES
        .iter()
        .filter(|(h, p)| env.redis_cli(*h, *p, &["ROLE"]).starts_with("master"))
        .map(|(h, p)| {
            env.redis_cli(*h, *p, &["--scan", "--pattern", "lc:*"])
                .lines()
                .filter(|l| !l.is_empty())
                .count()
        })
        .sum()
}

/// A consistency run killed with SIGKILL leaves its keys; the next run removes them however
/// soon after it starts (the killed run's heartbeat has not expired yet).
#[test]
fn hostile_consistency_leftovers() {
    let env = Env::new(109);
    env.lab().args(["cluster", "up"]).run().ok();
    let mut killed = env.lab().args(["consistency"]).spawn();
    env.wait_for("the run's keys", Duration::from_secs(20), || {
        counter_keys(&env) >= 16_384
    });
    signal(killed.id(), nix::sys::signal::Signal::SIGKILL);
    let _ = killed.wait();
    let next = env
        .lab()
        .args(["consistency", "--duration", "2s", "--lang", "en"])
        .run();
    next.ok();
    assert!(
        next.stdout.contains("keys left by an earlier run"),
        "{}",
        next.stdout
    );
    assert_eq!(counter_keys(&env), 0);
    env.lab().args(["cluster", "down"]).run().ok();
}

/// Lints `copy` in `lang`; stderr.
fn lint_in(copy: &LabCopy, lang: &str) -> String {
    let run = lab().args(["lint", "--lang", lang]).arg(copy.dir()).run();
    no_panic(&run);
    run.stderr
}

#[track_caller]
fn said_at(stderr: &str, copy: &LabCopy, file: &str, (line, col): (usize, usize), words: &str) {
    let at = format!("{}:{line}:{col}: ", copy.path(file).display());
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with(&at) && l.contains(words)),
        "no “{words}” at {at}\n{stderr}"
    );
}

/// Template errors inside block, folded, plain multi-line and escaped scalars are placed where
/// they were written; a byte-order mark is no column; a byte that is not UTF-8 is warned about.
#[test]
fn hostile_lint_locations() {
    let copy = LabCopy::of("manual-failover");
    copy.edit(
        "lab.yaml",
        "        - \"In another terminal, run: redis-cli --cluster check {{ node('a', 6379) }}\"",
        "        - |\n          In another terminal, run:\n            redis-cli --cluster check {{ noda('a', 6379) }}",
    );
    copy.edit(
        "lab.yaml",
        "        - \"Ejecuta en otra terminal: redis-cli --cluster check {{ node('a', 6379) }}\"",
        "        - >\n          Ejecuta en otra terminal:\n          redis-cli --cluster check {{ nodb('a', 6379) }}",
    );
    copy.edit(
        "lab.yaml",
        "      es:\n        - \"redis-cli -c -h {{ host('c') }} -p {{ port('c', 6380) }}\"",
        "      es:\n        - redis-cli -c -h {{ host('c') }}\n          -p {{ nodc('c', 6380) }}",
    );
    copy.edit(
        "lab.yaml",
        "      en:\n        - \"redis-cli -c -h {{ host('c') }} -p {{ port('c', 6380) }}\"",
        "      en:\n        - \"redis-cli\\t-c \\u00e9 -h {{ host('c') }} {{ nodd('c', 6380) }}\"",
    );
    let en = copy.read("en.md");
    let first = en.lines().next().unwrap().to_string();
    std::fs::write(
        copy.path("en.md"),
        format!("\u{feff}{first} {{{{ node_x() }}}}{}", &en[first.len()..]),
    )
    .unwrap();
    let mut es = std::fs::read(copy.path("es.md")).unwrap();
    let e_acute = es.windows(2).position(|w| w == "é".as_bytes()).unwrap();
    es.splice(e_acute..e_acute + 2, [0xe9]);
    std::fs::write(copy.path("es.md"), &es).unwrap();
    let es_text = String::from_utf8_lossy(&es[..e_acute]).into_owned();
    let es_at = (
        es_text.matches('\n').count() + 1,
        es_text.rsplit('\n').next().unwrap().chars().count() + 1,
    );

    let stderr = lint_in(&copy, "en");
    for f in ["noda(", "nodb(", "nodc(", "nodd("] {
        said_at(&stderr, &copy, "lab.yaml", copy.pos_of("lab.yaml", f), f);
    }
    // After the heading and " {{ ", and not one further for the mark.
    let col = first.chars().count() + " {{ ".len() + 1;
    said_at(&stderr, &copy, "en.md", (1, col), "node_x");
    said_at(&stderr, &copy, "es.md", es_at, "not UTF-8");
}

/// Every YAML, schema and template error reads in the user's language; numbers keep their
/// digits; a port without room for its cluster bus, and solution lines that could not run, are
/// errors; addresses are those of the user's range.
#[test]
fn hostile_lint_messages() {
    let english = [
        "expected",
        "invalid",
        "budget",
        "DuplicateKeyPolicy",
        "mapping start",
        "breached",
        "template error",
        "syntax error",
    ];
    let deep = format!("      - {}{}\n", "[".repeat(70), "]".repeat(70));
    let deep = format!("checks: &initial-layout\n{deep}");
    let shell = "      - shell: redis-cli --cluster check {{ node(\"a\", 6379) }}\n    hints:";
    let failover = "c:6380, command: CLUSTER FAILOVER }";
    let cases: &[(&str, &str, &str)] = &[
        ("steps:", "steps: 5\nxsteps:", "se esperaba una lista"),
        (
            "  ports: [6379, 6380]",
            "  ports: [6379, 70000]",
            "número entero",
        ),
        ("checks: &initial-layout\n", &deep, "niveles de anidamiento"),
        ("\nsteps:", "\nid: again\nsteps:", "aparece dos veces"),
        (
            "  ports: [6379, 6380]",
            "  ports: [6379, 6380]\n   bad: 1",
            "sangría",
        ),
        (
            "  node-timeout: 5000",
            "  node-timeout: 18446744073709551615",
            "18446744073709551615 ms",
        ),
        (
            "  ports: [6379, 6380]",
            "  ports: [6379, 60000]",
            "bus de cluster",
        ),
        (
            "  ports: [6379, 6380]",
            "  ports: [6379, 16379]",
            "bus de cluster",
        ),
        (
            failover,
            "c:6380, command: CLUSTER FAILOVR }",
            "no tiene el comando «CLUSTER FAILOVR»",
        ),
        (failover, "c:6380, command: \"\" }", "vacía"),
        (
            failover,
            "c:6380, command: 'SET k \"a' }",
            "comillas sin cerrar",
        ),
        (
            shell,
            "      - lab: cluster chek\n    hints:",
            "no tiene el comando «chek»",
        ),
        (
            shell,
            "      - shell: echo {{ node(\"a\", 6379) \n    hints:",
            "no está cerrada",
        ),
        (
            shell,
            "      - shell: echo {% frob %}\n    hints:",
            "no es una instrucción",
        ),
    ];
    for (from, to, says) in cases {
        let copy = LabCopy::of("manual-failover");
        copy.edit("lab.yaml", from, to);
        let stderr = lint_in(&copy, "es");
        let first = stderr.lines().next().unwrap_or("");
        assert!(first.contains(says), "{to:?}: {stderr}");
        for word in english {
            assert!(!first.contains(word), "{to:?}: English “{word}”: {first}");
        }
    }

    // Addresses of the user's range, not the default one.
    let copy = LabCopy::of("manual-failover");
    copy.edit(
        "lab.yaml",
        "c:6380, command: CLUSTER FAILOVER }",
        "c:6380, command: 'CLUSTER \"{{ node(\"b\", 6379) }}' }",
    );
    let run = lab()
        .args(["lint", "--lang", "en"])
        .arg(copy.dir())
        .env("LAB_BASE_IP", "127.0.111.100")
        .run();
    assert!(run.stderr.contains("127.0.111.101:6379"), "{}", run.stderr);
    assert!(!run.stderr.contains("127.0.158."), "{}", run.stderr);
}

/// A refused password is said in words, not as the client library's error kind.
#[test]
fn hostile_wrong_password() {
    let env = Env::new(110);
    let dir = tempfile::tempdir().unwrap();
    let server = std::process::Command::new("redis-server")
        .args([
            "--port",
            "7011",
            "--bind",
            "127.0.110.10",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .args(["--cluster-enabled", "yes", "--requirepass", "right"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Stopped however the test ends.
    let _server = KillOnDrop(server);
    env.wait_for("the node", Duration::from_secs(5), || {
        std::net::TcpStream::connect("127.0.110.10:7011").is_ok()
    });
    for lang in ["en", "es"] {
        let run = env
            .lab()
            .args([
                "cluster",
                "status",
                "--lang",
                lang,
                "--nodes",
                "127.0.110.10:7011",
            ])
            .env("REDISCLI_AUTH", "wrong")
            .run();
        no_panic(&run);
        let said = format!("{}{}", run.stdout, run.stderr);
        assert!(!said.contains("AuthenticationFailed"), "{said}");
        assert!(
            said.contains("password was refused") || said.contains("contraseña ha sido rechazada"),
            "{said}"
        );
    }
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Progress that cannot be read is moved aside and said so, and the lab starts over, instead
/// of every command failing on it until it is deleted by hand.
#[test]
fn hostile_damaged_progress() {
    let env = Env::new(111);
    let dir = env.state.path().join("progress");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("manual-failover.json"), b"\xff{garbage").unwrap();
    let run = env
        .lab()
        .args(["hint", "manual-failover", "--lang", "en"])
        .run();
    no_panic(&run);
    assert!(run.stderr.contains("could not be read"), "{}", run.stderr);
    let kept: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        kept.iter()
            .any(|f| f.starts_with("manual-failover.json.damaged-")),
        "{kept:?}"
    );
    let again = env
        .lab()
        .args(["hint", "manual-failover", "--lang", "en"])
        .run();
    assert!(
        !again.stderr.contains("could not be read"),
        "{}",
        again.stderr
    );
}

/// A lab id that climbs out of the catalogue, or a manifest whose id would name a file
/// elsewhere, is refused.
#[test]
fn hostile_lab_ids() {
    let env = Env::new(111);
    let run = env.lab().args(["start", "../../../../etc"]).run();
    no_panic(&run);
    assert_eq!(run.code, Some(2));
    let copy = LabCopy::of("manual-failover");
    copy.edit("lab.yaml", "id: manual-failover", "id: ../../evil");
    let run = lab().args(["lint", "--lang", "en"]).arg(copy.dir()).run();
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("not a valid lab id"), "{}", run.stderr);
}
