//! Topologies beside the cluster, on real servers: plain Redis nodes that a lab makes into
//! masters and replicas, each announcing its own address, kept by the state directory like
//! cluster nodes.

mod common;

use std::time::Duration;

use common::cluster::Env;

/// A replication lab's host `a`, `b` or `c`: the course's 192.168.158.10-12 on this test's range.
fn plain(env: &Env, host: char) -> String {
    format!("127.0.{}.{}", env.net, 10 + (host as u8 - b'a'))
}

fn redis_cli(ip: &str, port: u16, args: &[&str]) -> String {
    let out = std::process::Command::new("redis-cli")
        .args(["-h", ip, "-p", &port.to_string()])
        .args(args)
        .output()
        .expect("redis-cli runs (install redis-tools)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn cli(env: &Env, host: char, args: &[&str]) -> String {
    redis_cli(&plain(env, host), 6379, args)
}

fn field(info: &str, name: &str) -> Option<String> {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .map(|v| v.trim().to_string())
}

#[test]
fn a_replication_lab_s_nodes_from_up_to_down() {
    let env = Env::new(120);
    let up = env
        .lab()
        .args(["cluster", "up", "--lab", "replication", "--lang", "en"])
        .run();
    up.ok();
    assert!(
        up.stdout.contains("Nodes for replication ready"),
        "{}",
        up.stdout
    );
    assert!(up.stdout.contains("INFO replication"), "{}", up.stdout);
    assert_eq!(env.running().len(), 3);

    // No cluster anywhere, and the data on the first master only.
    let info = cli(&env, 'a', &["INFO", "cluster"]);
    assert_eq!(
        field(&info, "cluster_enabled").as_deref(),
        Some("0"),
        "{info}"
    );
    assert_eq!(cli(&env, 'a', &["DBSIZE"]).trim(), "1000");
    assert_eq!(cli(&env, 'b', &["DBSIZE"]).trim(), "0");
    let status = env.lab().args(["cluster", "status", "--lang", "en"]).run();
    status.ok();
    assert!(!status.stdout.contains("SLOTS"), "{}", status.stdout);
    assert!(
        status.stdout.contains("every replica is linked"),
        "{}",
        status.stdout
    );

    // A replica is listed by its master under its own address (replica-announce-ip), not the
    // address its connection came from.
    cli(&env, 'b', &["REPLICAOF", &plain(&env, 'a'), "6379"]);
    env.wait_for("b linked", Duration::from_secs(10), || {
        field(
            &cli(&env, 'b', &["INFO", "replication"]),
            "master_link_status",
        )
        .as_deref()
            == Some("up")
    });
    let master = cli(&env, 'a', &["INFO", "replication"]);
    let slave0 = field(&master, "slave0").unwrap_or_default();
    assert!(
        slave0.starts_with(&format!("ip={},port=6379,", plain(&env, 'b'))),
        "{master}"
    );

    // What CONFIG REWRITE wrote is what `lab node start` brings back: a replica again.
    assert_eq!(cli(&env, 'b', &["CONFIG", "REWRITE"]).trim(), "OK");
    env.lab().args(["node", "stop", "b:6379"]).run().ok();
    assert!(cli(&env, 'b', &["PING"]).trim().is_empty());
    env.lab().args(["node", "start", "b:6379"]).run().ok();
    env.wait_for("b back as a replica", Duration::from_secs(10), || {
        let i = cli(&env, 'b', &["INFO", "replication"]);
        field(&i, "role").as_deref() == Some("slave")
            && field(&i, "master_link_status").as_deref() == Some("up")
    });
    let json = env.lab().args(["cluster", "status", "--json"]).run();
    let state: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let b = state["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["addr"] == format!("{}:6379", plain(&env, 'b')))
        .unwrap()
        .clone();
    assert_eq!(b["role"], "replica", "{b}");
    assert_eq!(b["master_id"], format!("{}:6379", plain(&env, 'a')), "{b}");

    // A password the student set does not keep `down` from stopping the node cleanly.
    cli(&env, 'a', &["CONFIG", "SET", "requirepass", "s3cret-pw"]);
    let started = std::time::Instant::now();
    let down = env.lab().args(["cluster", "down", "--lang", "en"]).run();
    down.ok();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(env.running().is_empty());
    assert!(!down.stdout.contains("s3cret-pw") && !down.stderr.contains("s3cret-pw"));
}

/// The replication lab's `protect` step, done by hand: the runner keeps watching a master the
/// student protected, with the lab's password, and `lab node stop` still stops it cleanly.
#[test]
fn a_master_with_the_lab_s_password_is_still_watched() {
    let env = Env::new(121);
    env.lab()
        .args(["cluster", "up", "--lab", "replication"])
        .run()
        .ok();
    cli(
        &env,
        'a',
        &["CONFIG", "SET", "requirepass", "curso-redis-4"],
    );
    // A new connection: the runner's own are new each command.
    let json = env.lab().args(["cluster", "status", "--json"]).run();
    let state: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(state["unreachable"], serde_json::json!([]), "{state}");
    assert!(!json.stdout.contains("curso-redis-4"));
    // A lab's session has it: the first step still holds on the protected master.
    let check = env
        .lab()
        .args(["check", "replication", "--lang", "en"])
        .run();
    check.ok();
    assert!(!check.stdout.contains("curso-redis-4"), "{}", check.stdout);
    // Resuming the lab finds its nodes as they are, protected: not a broken cluster.
    let again = env
        .lab()
        .args(["cluster", "up", "--lab", "replication", "--lang", "en"])
        .run();
    again.ok();
    assert!(again.stdout.contains("already running"), "{}", again.stdout);
    let stop = env.lab().args(["node", "stop", "a:6379"]).run();
    stop.ok();
    assert!(cli(&env, 'a', &["PING"]).trim().is_empty());
    // A password the lab does not know is asked for, as before.
    cli(&env, 'b', &["CONFIG", "SET", "requirepass", "other-pw"]);
    let status = env.lab().args(["cluster", "status", "--lang", "en"]).run();
    assert!(status.stdout.contains("password"), "{}", status.stdout);
}

/// A Sentinel lab's host: the course's 192.168.159.210-212 on this test's range (its third
/// octet plus one, as 192.168.158 → 159).
fn watched(env: &Env, host: char) -> String {
    format!("127.0.{}.{}", env.net + 1, 210 + (host as u8 - b'a'))
}

fn sentinel_cli(env: &Env, host: char, args: &[&str]) -> String {
    redis_cli(&watched(env, host), 26379, args)
}

/// Three real Sentinels on the lab's addresses: they list only each other and the lab's
/// replicas (never 127.0.0.1), agree with the runner on the master before and after a
/// failover, are processes of the state directory like the nodes, and go with `down`.
#[test]
fn sentinels_know_only_the_lab_s_addresses_and_agree_with_the_runner() {
    let env = Env::new(122);
    let up = env
        .lab()
        .args(["cluster", "up", "--lab", "sentinel", "--lang", "en"])
        .run();
    up.ok();
    assert_eq!(env.running().len(), 6, "3 nodes and 3 Sentinels");
    for h in ['a', 'b', 'c'] {
        let replicas = sentinel_cli(&env, h, &["SENTINEL", "REPLICAS", "cursoredis"]);
        let sentinels = sentinel_cli(&env, h, &["SENTINEL", "SENTINELS", "cursoredis"]);
        for text in [&replicas, &sentinels] {
            assert!(!text.contains("127.0.0.1"), "{text}");
        }
        for other in ['a', 'b', 'c'].into_iter().filter(|o| *o != h) {
            assert!(
                sentinels.contains(&watched(&env, other)),
                "{h}: {sentinels}"
            );
        }
        assert!(replicas.contains(&watched(&env, 'b')) && replicas.contains(&watched(&env, 'c')));
    }
    // What the runner says the master is, each Sentinel says too.
    let master_by_runner = || {
        let json = env.lab().args(["cluster", "status", "--json"]).run();
        let state: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        let masters: Vec<String> = state["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["role"] == "master")
            .map(|n| n["addr"].as_str().unwrap().to_string())
            .collect();
        let named: Vec<String> = state["sentinels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["master"]["addr"].as_str().unwrap_or("-").to_string())
            .collect();
        (masters, named)
    };
    let by_name = |h| {
        let r = sentinel_cli(
            &env,
            h,
            &["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "cursoredis"],
        );
        r.lines().collect::<Vec<_>>().join(":")
    };
    let (masters, named) = master_by_runner();
    assert_eq!(masters, [format!("{}:6379", watched(&env, 'a'))]);
    assert!(named.iter().all(|n| *n == masters[0]), "{named:?}");
    assert_eq!(by_name('c'), masters[0]);

    sentinel_cli(&env, 'a', &["SENTINEL", "FAILOVER", "cursoredis"]);
    let b = format!("{}:6379", watched(&env, 'b'));
    env.wait_for("the Sentinels to name b", Duration::from_secs(15), || {
        ['a', 'b', 'c'].into_iter().all(|h| by_name(h) == b)
    });
    env.wait_for(
        "the runner to see b as the only master",
        Duration::from_secs(15),
        || {
            let (masters, named) = master_by_runner();
            masters == [b.clone()] && named.iter().all(|n| *n == b)
        },
    );

    // A Sentinel is one of the lab's processes: stopped, started with the file it rewrote.
    env.lab().args(["node", "stop", "c:26379"]).run().ok();
    assert!(sentinel_cli(&env, 'c', &["PING"]).trim().is_empty());
    env.lab().args(["node", "start", "c:26379"]).run().ok();
    env.wait_for("c's Sentinel back", Duration::from_secs(10), || {
        by_name('c') == b
    });
    let conf = std::fs::read_to_string(
        env.nodes_dir()
            .join(format!("{}-26379", watched(&env, 'c')))
            .join("sentinel.conf"),
    )
    .unwrap();
    assert!(
        conf.contains("sentinel known-sentinel cursoredis"),
        "{conf}"
    );

    env.lab().args(["cluster", "down"]).run().ok();
    assert!(env.running().is_empty());
}

/// A process of the test's own, stopped when dropped: a node or Sentinel `lab` did not start.
struct Given {
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl Drop for Given {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn given(args: &[&str], sentinel_conf: Option<String>) -> Given {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new("redis-server");
    if let Some(conf) = sentinel_conf {
        let path = dir.path().join("sentinel.conf");
        std::fs::write(&path, conf).unwrap();
        cmd.arg(&path).arg("--sentinel");
    }
    let child = cmd
        .args(args)
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server starts (install redis-server)");
    Given { child, _dir: dir }
}

#[test]
fn sentinels_given_with_nodes_watch_the_lab_s_master() {
    let env = Env::new(123);
    let host = |i: u8| format!("127.0.123.{}", 10 + i);
    let mut procs = vec![];
    for i in 0..3 {
        let h = host(i);
        procs.push(given(
            &[
                "--bind",
                &h,
                "--port",
                "6379",
                "--replica-announce-ip",
                &h,
                "--save",
                "",
            ],
            None,
        ));
        // Already watching something else under the lab's name: it is replaced.
        let conf = format!(
            "port 26379\nbind {h}\nsentinel announce-ip {h}\n\
             sentinel monitor cursoredis 127.0.123.99 6379 2\n"
        );
        procs.push(given(&[], Some(conf)));
    }
    let all: Vec<String> = (0..3)
        .map(|i| format!("{}:6379", host(i)))
        .chain((0..3).map(|i| format!("{}:26379", host(i))))
        .collect();
    env.wait_for("the given processes", Duration::from_secs(10), || {
        all.iter().all(|a| {
            let (h, p) = a.split_once(':').unwrap();
            redis_cli(h, p.parse().unwrap(), &["PING"]).starts_with("PONG")
        })
    });
    // Too few addresses: the error lists the order, Sentinels last.
    let short = env
        .lab()
        .args([
            "cluster",
            "up",
            "--lab",
            "sentinel",
            "--nodes",
            &all[..3].join(","),
        ])
        .run();
    assert!(
        short.stderr.contains("a:26379, b:26379, c:26379"),
        "{}",
        short.stderr
    );

    env.lab()
        .args([
            "cluster",
            "up",
            "--lab",
            "sentinel",
            "--nodes",
            &all.join(","),
        ])
        .run()
        .ok();
    for i in 0..3 {
        let by_name = redis_cli(
            &host(i),
            26379,
            &["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "cursoredis"],
        );
        assert_eq!(
            by_name.lines().collect::<Vec<_>>(),
            [host(0).as_str(), "6379"]
        );
        let master = redis_cli(&host(i), 26379, &["SENTINEL", "MASTER", "cursoredis"]);
        assert!(master.contains("down-after-milliseconds\n2000"), "{master}");
    }
    let status = env.lab().args(["cluster", "status"]).run();
    status.ok();
    assert!(
        status
            .stdout
            .contains(&format!("Sentinel {}:26379", host(2))),
        "{}",
        status.stdout
    );
    // Not ours: `down` forgets them and they keep running.
    env.lab().args(["cluster", "down"]).run().ok();
    assert!(redis_cli(&host(1), 26379, &["PING"]).starts_with("PONG"));
}
