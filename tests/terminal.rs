//! The terminal view in a real pseudo-terminal, read back as the terminal shows it: at 80×24
//! and 100×40, over every slide of every lab, the header stays on screen and no address or
//! command is split across lines; with a node paused (SIGSTOP), a key still redraws at once.

mod common;

use std::time::{Duration, Instant};

use common::cluster::Env;
use common::pty::Pty;
use lab::pty::header_of;

const LONG: Duration = Duration::from_secs(30);

/// Six loopback addresses where nothing listens: the cluster cannot come up, which the
/// runner says, and the slides stay readable.
fn nowhere() -> String {
    (0..6)
        .map(|i| format!("127.0.250.{}:{}", 10 + i / 2, 7001 + i % 2))
        .collect::<Vec<_>>()
        .join(",")
}

/// Progress at the lab's last step, every earlier step passed, on its last slide: going back,
/// every slide is reachable without doing the lab. (An exercise has no steps: it starts at
/// its first slide.) How many slides, and whether they are walked back.
fn at_the_end(env: &Env, lab: &str) -> (usize, bool) {
    let dir = common::repo().join("labs").join(lab);
    let text = std::fs::read_to_string(dir.join("lab.yaml")).unwrap();
    let m =
        lab::lab::manifest::Manifest::parse(&lab::lab::source::SourceFile::new("lab.yaml", text))
            .0
            .unwrap();
    let slides = lab::lab::Lab::load(&dir)
        .unwrap()
        .deck(lab::i18n::Lang::En)
        .unwrap()
        .1
        .slides
        .len();
    if m.steps.is_empty() {
        return (slides, false);
    }
    let passed: Vec<serde_json::Value> = m
        .steps
        .iter()
        .take(m.steps.len().saturating_sub(1))
        .map(|s| serde_json::json!({ "step": s.id, "at_ms": 1, "took_ms": 1 }))
        .collect();
    let progress = serde_json::json!({
        "lab": m.id, "lang": "en", "step": m.steps.last().map(|s| s.id.clone()),
        "slide": slides - 1, "passed": passed, "hints": {}, "started_ms": 1,
        "step_started_ms": 1, "step_start": null, "finished_ms": null,
    });
    let path = env
        .state
        .path()
        .join("progress")
        .join(format!("{lab}.json"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, progress.to_string()).unwrap();
    (slides, true)
}

/// An address broken across two lines (`127.0.158` / `.101:6379`), a port parted from its
/// digits (`-p 63` / `80`), or a redis-cli option parted from its value.
fn split_at(lines: &[String]) -> Option<String> {
    let addr = |s: &str| {
        s.trim_end_matches(['.', ',', ')', ':'])
            .parse::<lab::model::NodeAddr>()
            .is_ok_and(|a| a.host.parse::<std::net::Ipv4Addr>().is_ok())
    };
    for pair in lines.windows(2) {
        let (a, b) = (pair[0].trim_end(), pair[1].trim_start());
        let mut words = a.split(' ').rev();
        let last = words.next().unwrap_or("");
        let before = words.next().unwrap_or("");
        let first = b.split(' ').next().unwrap_or("");
        let address = !last.is_empty()
            && !first.is_empty()
            && addr(&format!("{last}{first}"))
            && !addr(last)
            && !addr(first);
        let port = matches!(before, "-p" | "-h")
            && first.starts_with(|c: char| c.is_ascii_digit() || c == '.');
        let option = a.contains("redis-cli") && matches!(last, "-h" | "-p" | "-c");
        if address || port || option {
            return Some(format!("{a:?} / {b:?}"));
        }
    }
    None
}

/// Every slide of `lab` at one size, from the last back to the first.
fn every_slide(lab: &str, net: u8, cols: u16, rows: u16) {
    let env = Env::new(net);
    let (slides, back) = at_the_end(&env, lab);
    let nodes = nowhere();
    let mut t = Pty::start(
        &env,
        &["start", lab, "--lang", "en", "--nodes", &nodes],
        cols,
        rows,
    );
    let order: Vec<usize> = if back {
        (1..=slides).rev().collect()
    } else {
        (1..=slides).collect()
    };
    for n in order {
        let screen = t.wait(&format!("slide {n}/{slides} of {lab}"), LONG, |l| {
            header_of(l) == Some((n, slides))
        });
        assert!(
            screen.last().is_some_and(|l| l.contains("q")),
            "{lab} {n}: no keys at the bottom:\n{}",
            screen.join("\n")
        );
        if let Some(s) = split_at(&screen) {
            panic!(
                "{lab} slide {n} at {cols}×{rows}: split {s}:\n{}",
                screen.join("\n")
            );
        }
        // A long slide scrolls under its header: its end too.
        if screen.iter().any(|l| l.contains("more line")) {
            t.send(b"\x1b[F");
            let end = t.wait("the end of the slide", LONG, |l| {
                !l.iter().any(|x| x.contains("more line"))
            });
            assert_eq!(header_of(&end), Some((n, slides)), "{}", end.join("\n"));
            if let Some(s) = split_at(&end) {
                panic!("{lab} slide {n} (end) at {cols}×{rows}: split {s}");
            }
        }
        t.send(if back { b"b" } else { b"\r" });
    }
    t.send(b"q");
    assert_eq!(
        t.wait_exit(LONG),
        Some(1),
        "the cluster could not come up: exit 1"
    );
}

macro_rules! every_slide_of {
    ($name:ident, $lab:expr, $net:expr) => {
        #[test]
        fn $name() {
            every_slide($lab, $net, 80, 24);
            every_slide($lab, $net, 100, 40);
        }
    };
}

every_slide_of!(manual_failover_fits, "manual-failover", 90);
every_slide_of!(automatic_failover_fits, "automatic-failover", 91);
every_slide_of!(resharding_fits, "resharding", 92);
every_slide_of!(cluster_create_fits, "cluster-create", 93);
every_slide_of!(failover_selfcheck_fits, "failover-selfcheck", 94);
every_slide_of!(broken_cluster_fits, "broken-cluster", 95);

/// A terminal that changes size re-wraps what it shows.
#[test]
fn a_resize_rewraps() {
    let env = Env::new(96);
    let (slides, _) = at_the_end(&env, "manual-failover");
    let nodes = nowhere();
    let mut t = Pty::start(
        &env,
        &[
            "start",
            "manual-failover",
            "--lang",
            "en",
            "--nodes",
            &nodes,
        ],
        100,
        40,
    );
    t.wait("the last slide", LONG, |l| {
        header_of(l) == Some((slides, slides))
    });
    t.resize(60, 20);
    let narrow = t.wait("the header at 60 columns", LONG, |l| {
        l.first()
            .is_some_and(|h| h.chars().count() <= 60 && h.starts_with("── "))
            && header_of(l) == Some((slides, slides))
    });
    assert!(split_at(&narrow).is_none(), "{}", narrow.join("\n"));
    t.send(b"q");
    t.wait_exit(LONG);
}

/// With a node paused, looking at the cluster takes its time (the paused node's timeout),
/// but the screen answers a key at once: snapshots reach the engine as events.
#[test]
fn a_paused_node_does_not_freeze_the_screen() {
    let env = Env::new(97);
    let mut t = Pty::start(&env, &["start", "manual-failover", "--lang", "en"], 80, 24);
    t.wait("the first slide", LONG, |l| header_of(l) == Some((1, 15)));
    t.send(b"\r");
    t.wait("the cluster, and the first step done", LONG, |l| {
        l.iter().any(|x| x.contains("Check the cluster: done"))
    });
    // The log of the step's node, over the slide; Esc gives the slide back.
    t.send(b"l");
    t.wait("the log", LONG, |l| l.iter().any(|x| x.contains("log")));
    t.send(b"\x1b");
    t.wait("the slide again", LONG, |l| header_of(l) == Some((2, 15)));

    env.lab().args(["node", "pause", "b:6379"]).run().ok();
    // Long enough for snapshots to be slow.
    std::thread::sleep(Duration::from_secs(2));
    let mut worst = Duration::ZERO;
    for (key, slide) in [(b"b", 1), (b"\r", 2), (b"b", 1), (b"\r", 2)] {
        let sent = Instant::now();
        t.send(key);
        t.wait("the key's slide", LONG, |l| {
            header_of(l) == Some((slide, 15))
        });
        worst = worst.max(sent.elapsed());
    }
    env.lab().args(["node", "resume", "b:6379"]).run().ok();
    println!("key to screen with a paused node: at most {worst:?}");
    assert!(worst < Duration::from_millis(500), "{worst:?}");
    t.send(b"q");
    assert_eq!(t.wait_exit(LONG), Some(0));
}

/// The check above finds the splits students saw, and not table rows or lists.
#[test]
fn splits_are_found() {
    let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(split_at(&l(&["expected 127.0.158", ".101:6379 to be master"])).is_some());
    assert!(
        split_at(&l(&[
            "redis-cli -h 127.0.158.102 -p 63",
            "80 CLUSTER FAILOVER"
        ]))
        .is_some()
    );
    assert!(split_at(&l(&["run redis-cli -h", "127.0.158.102 -p 6380"])).is_some());
    assert!(
        split_at(&l(&[
            "127.0.158.100:6379 │ master │ 0-5960",
            "127.0.158.101:6379 │ master"
        ]))
        .is_none()
    );
    assert!(split_at(&l(&["1. Find the key mf:user:1000.", "2. Fail it over."])).is_none());
}
