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

fn cli(env: &Env, host: char, args: &[&str]) -> String {
    let out = std::process::Command::new("redis-cli")
        .args(["-h", &plain(env, host), "-p", "6379"])
        .args(args)
        .output()
        .expect("redis-cli runs (install redis-tools)");
    String::from_utf8_lossy(&out.stdout).into_owned()
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
    let stop = env.lab().args(["node", "stop", "a:6379"]).run();
    stop.ok();
    assert!(cli(&env, 'a', &["PING"]).trim().is_empty());
    // A password the lab does not know is asked for, as before.
    cli(&env, 'b', &["CONFIG", "SET", "requirepass", "other-pw"]);
    let status = env.lab().args(["cluster", "status", "--lang", "en"]).run();
    assert!(status.stdout.contains("password"), "{}", status.stdout);
}
