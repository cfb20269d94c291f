//! The cluster part of `lab` on real redis-server processes: up, status, check, down; reuse;
//! failures that name the node; interruptions that leave nothing behind; `--nodes` with a
//! password.

mod common;

use std::time::{Duration, Instant};

use common::cluster::Env;
use common::cluster::signal;
use nix::sys::signal::Signal;

#[test]
fn up_check_reuse_and_down() {
    let env = Env::new(11);
    let run = env
        .lab()
        .args(["cluster", "up", "--lab", "manual-failover"])
        .run();
    run.ok();
    assert!(
        run.stdout
            .contains("6 nodes (3 masters, 3 replicas), 6557 lab keys"),
        "{}",
        run.stdout
    );
    assert_eq!(env.running().len(), 6);

    // The snapshot holds each node's replication history and the syncs it served: a master
    // gave its replica one full sync, and the replica follows the master's history.
    let status = env.lab().args(["cluster", "status", "--json"]).run();
    status.ok();
    let state: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    let nodes = state["nodes"].as_array().unwrap();
    let by_addr = |a: &str| {
        nodes
            .iter()
            .find(|n| n["addr"].as_str() == Some(a))
            .unwrap()
    };
    let master = by_addr(&env.addr('a', 6379));
    let replica = by_addr(&env.addr('b', 6380));
    assert!(
        master["replication"]["syncs"]["full"].as_u64() >= Some(1),
        "{master}"
    );
    assert_eq!(
        replica["replication"]["replid"],
        master["replication"]["replid"]
    );
    assert_ne!(master["replication"]["replid"], "");

    // Exactly the course's slot plan, as our check and redis-cli's own see it.
    let check = env.lab().args(["cluster", "check"]).run();
    check.ok();
    for (addr, slots) in [
        (env.addr('a', 6379), "slots:[0-5960] (5961 slots) master"),
        (
            env.addr('b', 6379),
            "slots:[6461-10922] (4462 slots) master",
        ),
        (
            env.addr('c', 6379),
            "slots:[5961-6460],[10923-16383] (5961 slots) master",
        ),
    ] {
        let at = check
            .stdout
            .find(&format!(" {addr}\n"))
            .unwrap_or_else(|| panic!("{addr}: {}", check.stdout));
        assert!(
            check.stdout[at..].lines().nth(1).unwrap().contains(slots),
            "{}",
            check.stdout
        );
    }
    assert!(check.stdout.contains("[OK] All 16384 slots covered."));
    assert!(!check.stdout.contains("[ERR]"));
    let redis_cli = env.redis_cli('a', 6379, &["--cluster", "check", &env.addr('a', 6379)]);
    assert!(
        redis_cli.contains("[OK] 6557 keys in 3 masters."),
        "{redis_cli}"
    );
    assert!(
        redis_cli.contains("[OK] All 16384 slots covered."),
        "{redis_cli}"
    );
    assert!(redis_cli.contains("replicates"), "{redis_cli}");

    let status = env.lab().args(["cluster", "status"]).run();
    status.ok();
    let b6380 = status
        .stdout
        .lines()
        .find(|l| l.starts_with(&env.addr('b', 6380)))
        .unwrap();
    assert!(
        b6380.contains("replica") && b6380.contains(&env.addr('a', 6379)) && b6380.contains(" up "),
        "{b6380}"
    );

    // A second `up` reuses the healthy cluster: same processes.
    let before = env.running();
    let again = env.lab().args(["cluster", "up"]).run();
    again.ok();
    assert!(
        again.stdout.contains("already running and healthy"),
        "{}",
        again.stdout
    );
    assert_eq!(env.running(), before);

    let down = env.lab().args(["cluster", "down"]).run();
    down.ok();
    assert!(env.running().is_empty());
    assert!(
        !env.state.path().join("cluster").exists(),
        "files left behind"
    );
}

#[test]
fn a_killed_node_is_named_by_check_and_fresh_restarts_it() {
    let env = Env::new(12);
    env.lab().args(["cluster", "up"]).run().ok();
    signal(env.pid('b', 6380), Signal::SIGKILL);
    let check = env.lab().args(["cluster", "check"]).run();
    check.code(1);
    let line = check
        .stdout
        .lines()
        .find(|l| l.starts_with("[ERR]") && l.contains(&env.addr('b', 6380)));
    assert!(line.is_some(), "{}", check.stdout);

    // `up` reports the broken cluster; `--fresh` starts the missing node and re-forms.
    let up = env.lab().args(["cluster", "up"]).run();
    up.code(1);
    assert!(
        up.stderr
            .contains(&format!("{} is not running", env.addr('b', 6380))),
        "{}",
        up.stderr
    );
    let fresh = env.lab().args(["cluster", "up", "--fresh"]).run();
    fresh.ok();
    assert!(
        fresh.stdout.contains("(1 node restarted)"),
        "{}",
        fresh.stdout
    );
    env.lab().args(["cluster", "check"]).run().ok();
}

/// Interrupting `up` stops every node it had started, and forgets the cluster.
fn interrupt_up(net: u8, sig: Signal, code: i32) {
    let env = Env::new(net);
    let child = env.lab().args(["cluster", "up"]).spawn();
    env.wait_for("nodes to start", Duration::from_secs(10), || {
        env.running().len() == 6
    });
    signal(child.id(), sig);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(env.running().is_empty(), "orphans: {:?}", env.running());
    assert!(!env.state.path().join("cluster/cluster.json").exists());
}

#[test]
fn sigint_during_up_leaves_nothing_running() {
    interrupt_up(13, Signal::SIGINT, 130);
}

#[test]
fn sigterm_during_up_leaves_nothing_running() {
    interrupt_up(14, Signal::SIGTERM, 143);
}

#[test]
fn down_removes_the_nodes_of_a_killed_runner() {
    let env = Env::new(15);
    let mut child = env.lab().args(["cluster", "up"]).spawn();
    env.wait_for("nodes to start", Duration::from_secs(10), || {
        env.running().len() == 6
    });
    signal(child.id(), Signal::SIGKILL);
    let _ = child.wait();
    assert_eq!(env.running().len(), 6, "the nodes outlive their runner");
    env.lab().args(["cluster", "down"]).run().ok();
    assert!(env.running().is_empty());
}

#[test]
fn lab_test_stops_its_cluster_when_interrupted_and_down_sweeps_a_killed_one() {
    let env = Env::new(26);
    // Ctrl-C in the middle of the test: its private cluster goes with it.
    let child = env.lab().args(["test", "automatic-failover"]).spawn();
    // Past provisioning (which has its own clean-up, tested above): the steps are running.
    env.wait_for("the test's steps", Duration::from_secs(30), || {
        env.redis_cli('b', 6379, &["DBSIZE"]).trim() != ""
            && env
                .redis_cli('b', 6379, &["CLUSTER", "INFO"])
                .contains("cluster_state:ok")
            && env.redis_cli('c', 6380, &["ROLE"]).starts_with("slave")
            && env
                .redis_cli('c', 6380, &["DBSIZE"])
                .trim()
                .parse::<u32>()
                .unwrap_or(0)
                > 1000
    });
    std::thread::sleep(Duration::from_millis(300));
    signal(child.id(), Signal::SIGINT);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    assert!(env.all_nodes().is_empty(), "orphans: {:?}", env.all_nodes());
    assert!(
        !env.state
            .path()
            .join("private")
            .read_dir()
            .unwrap()
            .any(|_| true)
    );

    // kill -9 leaves them; the next `cluster down` on this state directory stops them.
    let mut child = env.lab().args(["test", "automatic-failover"]).spawn();
    env.wait_for("the test's nodes", Duration::from_secs(20), || {
        env.all_nodes().len() == 6
    });
    signal(child.id(), Signal::SIGKILL);
    let _ = child.wait();
    assert_eq!(env.all_nodes().len(), 6);
    let down = env.lab().args(["cluster", "down", "--lang", "en"]).run();
    down.ok();
    assert!(
        down.stdout
            .contains("Also stopped 6 nodes left by an interrupted `lab test`"),
        "{}",
        down.stdout
    );
    assert!(env.all_nodes().is_empty());
}

#[test]
fn down_finishes_quickly_with_a_paused_node() {
    let env = Env::new(16);
    env.lab().args(["cluster", "up"]).run().ok();
    signal(env.pid('c', 6379), Signal::SIGSTOP);
    let started = Instant::now();
    env.lab().args(["cluster", "down"]).run().ok();
    // Generous: the point is not waiting SHUTDOWN's 10 s nor hanging on the paused node.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert!(env.running().is_empty());
}

#[test]
fn a_port_in_use_is_named_with_its_process() {
    let env = Env::new(17);
    let squatter = std::net::TcpListener::bind(env.addr('b', 6380)).unwrap();
    let run = env.lab().args(["cluster", "up"]).run();
    run.code(2);
    assert!(
        run.stderr
            .contains(&format!("{} is already in use", env.addr('b', 6380))),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("pid {}", std::process::id())),
        "{}",
        run.stderr
    );
    drop(squatter);
    assert!(env.running().is_empty());
}

#[test]
fn a_missing_redis_server_says_how_to_install_it() {
    let env = Env::new(18);
    let run = env
        .lab()
        .env("PATH", "/nonexistent")
        .args(["cluster", "up"])
        .run();
    run.code(2);
    assert!(
        run.stderr.contains("redis-server was not found on PATH"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("apt install redis-server"),
        "{}",
        run.stderr
    );
    let run = env
        .lab()
        .args([
            "cluster",
            "up",
            "--redis-server",
            "/nonexistent/redis-server",
        ])
        .run();
    run.code(2);
    assert!(
        run.stderr
            .contains("/nonexistent/redis-server could not be run"),
        "{}",
        run.stderr
    );
    let es = env
        .lab()
        .env("LANG", "es_ES.UTF-8")
        .env("PATH", "/nonexistent")
        .args(["cluster", "up"])
        .run();
    assert!(
        es.stderr.contains("no se encuentra redis-server"),
        "{}",
        es.stderr
    );
}

#[test]
fn status_without_a_cluster_says_what_to_do() {
    let env = Env::new(19);
    let run = env.lab().args(["cluster", "status"]).run();
    run.code(2);
    assert!(run.stderr.contains("lab cluster up"), "{}", run.stderr);
}

/// Six empty nodes that need a password, started by the test the way the course's VMs run
/// them: requirepass and masterauth, announce addresses set.
struct PasswordNodes {
    children: Vec<std::process::Child>,
    // Kept until the nodes are gone: it holds their data.
    _dir: tempfile::TempDir,
}

const SECRET: &str = "s3cret-Pass-4-lab";

impl PasswordNodes {
    fn start(env: &Env) -> PasswordNodes {
        let dir = tempfile::tempdir().unwrap();
        let mut children = vec![];
        for host in ['a', 'b', 'c'] {
            for port in [6379u16, 6380] {
                let addr = env.addr(host, port);
                let ip = addr.split(':').next().unwrap();
                let d = dir.path().join(addr.replace(':', "-"));
                std::fs::create_dir_all(&d).unwrap();
                let child = std::process::Command::new("redis-server")
                    .args(["--bind", ip, "--port", &port.to_string()])
                    .args([
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                    ])
                    .args(["--cluster-announce-ip", ip, "--replica-announce-ip", ip])
                    .args(["--requirepass", SECRET, "--masterauth", SECRET])
                    .args([
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--repl-diskless-sync-delay",
                        "0",
                    ])
                    .arg("--dir")
                    .arg(&d)
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap();
                children.push(child);
            }
        }
        PasswordNodes {
            children,
            _dir: dir,
        }
    }
}

impl Drop for PasswordNodes {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[test]
fn a_password_protected_cluster_through_nodes() {
    let env = Env::new(20);
    let nodes = PasswordNodes::start(&env);
    let addrs: Vec<String> = ['a', 'b', 'c']
        .iter()
        .flat_map(|h| [6379, 6380].map(|p| env.addr(*h, p)))
        .collect();
    env.wait_for("nodes to listen", Duration::from_secs(5), || {
        addrs
            .iter()
            .all(|a| std::net::TcpStream::connect(a).is_ok())
    });
    let with_pw: Vec<String> = addrs
        .iter()
        .map(|a| format!("redis://:{SECRET}@{a}"))
        .collect();
    let up = env
        .lab()
        .args([
            "cluster",
            "up",
            "--lab",
            "manual-failover",
            "--nodes",
            &with_pw.join(","),
        ])
        .run();
    up.ok();
    assert!(up.stdout.contains("6557 lab keys"), "{}", up.stdout);

    // Without the password the nodes say so, and say how to give it.
    let check = env.lab().args(["cluster", "check", &addrs[0]]).run();
    check.code(2);
    assert!(
        check.stderr.contains("needs a password"),
        "{}",
        check.stderr
    );
    let check = env
        .lab()
        .env("REDISCLI_AUTH", SECRET)
        .args(["cluster", "check", &addrs[0]])
        .run();
    check.ok();
    let status = env
        .lab()
        .env("REDISCLI_AUTH", SECRET)
        .args(["cluster", "status"])
        .run();
    status.ok();

    // The password is nowhere: not in output, not in the state directory.
    for out in [
        &up.stdout,
        &up.stderr,
        &check.stdout,
        &status.stdout,
        &status.stderr,
    ] {
        assert!(!out.contains(SECRET));
    }
    for entry in walk(env.state.path()) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(
            !text.contains(SECRET),
            "{} holds the password",
            entry.display()
        );
    }
    let down = env.lab().args(["cluster", "down"]).run();
    down.ok();
    assert!(down.stdout.contains("not ours to stop"), "{}", down.stdout);
    drop(nodes);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn shared_loopback_runs_every_node_on_127_0_0_1() {
    let env = Env::new(21);
    let run = env
        .lab()
        .env("LAB_BASE_PORT", "27100")
        .args(["cluster", "up", "--shared-loopback"])
        .run();
    run.ok();
    assert!(run.stderr.contains("127.0.0.1:27100"), "{}", run.stderr);
    let status = env.lab().args(["cluster", "status"]).run();
    status.ok();
    for port in 27100..27106 {
        assert!(
            status.stdout.contains(&format!("127.0.0.1:{port}")),
            "{}",
            status.stdout
        );
    }
    env.lab().args(["cluster", "check"]).run().ok();
}

#[test]
fn a_node_that_does_not_start_shows_its_log() {
    let env = Env::new(22);
    // A redis-server that passes the version check, then fails like a bad config would.
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("redis-server");
    std::fs::write(
        &fake,
        "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'Redis server v=7.0.15 sha=0'; exit 0; fi\n\
         echo '*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***' >&2\necho 'Bad directive or wrong number of arguments' >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let run = env
        .lab()
        .arg("--redis-server")
        .arg(&fake)
        .args(["cluster", "up"])
        .run();
    run.code(2);
    assert!(run.stderr.contains("did not come up"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("Bad directive or wrong number of arguments"),
        "{}",
        run.stderr
    );
    assert!(env.running().is_empty());
}

#[test]
fn node_faults_leave_no_orphans() {
    let env = Env::new(23);
    env.lab().args(["cluster", "up"]).run().ok();
    let b = env.pid('b', 6379);
    env.lab().args(["node", "pause", "b:6379"]).run().ok();
    let status = env.lab().args(["cluster", "status"]).run();
    assert!(status.stdout.contains("paused"), "{}", status.stdout);
    env.lab().args(["node", "resume", "b:6379"]).run().ok();
    // A clean stop keeps its data and nodes.conf; start brings it back as the same node.
    let id = env.redis_cli('b', 6379, &["CLUSTER", "MYID"]);
    env.lab().args(["node", "stop", "b:6379"]).run().ok();
    assert!(!env.running().contains(&b));
    env.lab()
        .args(["node", "start", &env.addr('b', 6379)])
        .run()
        .ok();
    assert_eq!(env.redis_cli('b', 6379, &["CLUSTER", "MYID"]), id);
    env.lab()
        .args(["cluster", "check", "--wait", "30s"])
        .run()
        .ok();
    assert_eq!(env.redis_cli('b', 6379, &["DBSIZE"]).trim(), "1792");
    // A crash: the process is gone at once; `start` on a running node is refused.
    env.lab().args(["node", "kill", "c:6380"]).run().ok();
    assert_eq!(env.running().len(), 5);
    let again = env.lab().args(["node", "start", "b:6379"]).run();
    again.code(2);
    assert!(again.stderr.contains("already running"), "{}", again.stderr);
    env.lab().args(["node", "pause", "a:6380"]).run().ok();
    env.lab().args(["cluster", "down"]).run().ok();
    assert!(env.running().is_empty(), "orphans: {:?}", env.running());
}

#[test]
fn export_fills_in_the_course_vms() {
    let env = Env::new(24);
    let dir = env.state.path().join("export");
    env.lab()
        .args(["export", "manual-failover", "--topology", "vagrant", "-o"])
        .arg(&dir)
        .run()
        .ok();
    for lang in ["es", "en"] {
        let text = std::fs::read_to_string(dir.join(format!("manual-failover.{lang}.md"))).unwrap();
        assert!(
            text.contains("redis-cli --cluster check 192.168.158.100:6379"),
            "{lang}"
        );
        assert!(
            text.contains("(nodeX) > redis-cli -c -h 192.168.158.102 -p 6380"),
            "{lang}"
        );
        assert!(
            !text.contains("{{") && !text.contains("{%"),
            "{lang}: template syntax left"
        );
        assert!(!text.contains("<!-- step:"), "{lang}: step markers left");
        assert!(!text.contains("127.0."), "{lang}: a local address left");
        assert_eq!(text.matches("^^^^^^").count(), 14, "{lang}: slides kept");
    }
}

/// A lab's own redis.conf directives reach its nodes, everyone's and one node's own; changed
/// ones give new nodes rather than reusing those started with the old ones.
#[test]
fn a_lab_s_own_node_settings() {
    let env = Env::new(29);
    let copy = common::LabCopy::of("manual-failover");
    copy.edit(
        "lab.yaml",
        "  node-timeout: 5000\n",
        "  node-timeout: 5000\n  config:\n    all: { repl-backlog-size: 2mb, maxmemory-policy: allkeys-lru }\n    b:6380: { replica-priority: 0 }\n",
    );
    let labs = copy.dir().parent().unwrap().to_path_buf();
    let up = || {
        let run = env
            .lab()
            .env("LAB_LABS_DIR", &labs)
            .args(["cluster", "up", "--lab", "manual-failover", "--lang", "en"])
            .run();
        run.ok();
        run.stdout
    };
    up();
    let get = |h, p, name| env.redis_cli(h, p, &["CONFIG", "GET", name]);
    assert!(get('a', 6379, "repl-backlog-size").contains("2097152"));
    assert!(get('c', 6380, "maxmemory-policy").contains("allkeys-lru"));
    assert!(get('b', 6380, "replica-priority").ends_with("\n0\n"));
    assert!(get('a', 6380, "replica-priority").ends_with("\n100\n"));

    // A replica whose link drops comes back with a partial resync, which its master counts.
    env.redis_cli('b', 6380, &["CLIENT", "KILL", "TYPE", "master"]);
    env.wait_for("the partial resync", Duration::from_secs(10), || {
        let run = env.lab().args(["cluster", "status", "--json"]).run();
        let state: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        state["nodes"].as_array().unwrap().iter().any(|n| {
            n["addr"].as_str() == Some(env.addr('a', 6379).as_str())
                && n["replication"]["syncs"]["partial_ok"].as_u64() == Some(1)
                // The same count as `info` checks read it, beside the persistence fields.
                && n["info_fields"]["sync_partial_ok"] == "1"
                && n["info_fields"]["rdb_bgsave_in_progress"] == "0"
        })
    });

    copy.edit("lab.yaml", "replica-priority: 0", "replica-priority: 7");
    let again = up();
    assert!(!again.contains("reused"), "{again}");
    assert!(get('b', 6380, "replica-priority").ends_with("\n7\n"));
}

/// A solution line may expect a refusal: it succeeds only when the node refuses the command
/// with an error starting so.
#[test]
fn a_solution_line_that_expects_an_error() {
    use lab::cluster::command::{Purpose, send};
    let env = Env::new(28);
    let node = common::cluster::bare_node(&env, 7001);
    let target: lab::cluster::conn::Target = node.addr().parse().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let run = |line: &str, expect: Option<&str>| {
        let words: Vec<String> = line.split(' ').map(str::to_string).collect();
        rt.block_on(send(
            &target,
            &words,
            Purpose::Solve,
            Duration::from_secs(5),
            expect,
            None,
        ))
        .map_err(|m| m.text_in(&lab::i18n::Localizer::new(lab::i18n::Lang::En)))
    };
    // A node of a cluster without slots refuses every write.
    let refused = run("SET k v", Some("clusterdown")).unwrap();
    assert!(refused.starts_with("CLUSTERDOWN"), "{refused}");
    let wrong = run("SET k v", Some("NOREPLICAS")).unwrap_err();
    assert!(wrong.contains("CLUSTERDOWN"), "{wrong}");
    let answered = run("PING", Some("ERR")).unwrap_err();
    assert!(
        answered.contains("should have been refused with ERR"),
        "{answered}"
    );
    assert_eq!(run("PING", None).unwrap(), "PONG");
}
