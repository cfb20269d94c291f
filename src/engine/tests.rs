//! The engine driven by scripted events, with hand-built snapshots: no terminal, no Redis.

use std::sync::Arc;

use super::*;
use crate::i18n::{Lang, Localizer};
use crate::model::consistency::{ConsistencySummary, Live, Report};
use crate::model::state::tests::course_state;
use crate::model::topology::DEFAULT_LOCAL_BASE;

fn lab(id: &str) -> Lab {
    Lab::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("labs")
            .join(id),
    )
    .unwrap()
}

fn en(m: &Msg) -> String {
    m.text_in(&Localizer::new(Lang::En))
}

/// The course's cluster holding the manual-failover lab's 6557 keys.
fn initial(at_ms: u64) -> ClusterState {
    let mut s = course_state();
    for (n, keys) in s.nodes.iter_mut().zip([2400, 1785, 2372, 0, 0, 0]) {
        n.keys = Some(keys);
    }
    s.taken_ms = at_ms;
    s
}

/// After CLUSTER FAILOVER on c:6380: b:6379 follows it, its epoch raised.
fn failed_over(at_ms: u64, accepted: u64) -> ClusterState {
    let mut s = crate::model::state::tests::failed_over();
    for n in &mut s.nodes {
        n.keys = Some(match n.id.as_str() {
            "a6379" => 2400,
            "c6380" => 1785,
            "c6379" => 2372,
            _ => 0,
        });
    }
    s.nodes[4].failover_accepted = accepted;
    s.taken_ms = at_ms;
    s
}

/// And back again: b:6379 master with a higher epoch than c:6380's.
fn failed_back(at_ms: u64) -> ClusterState {
    let mut s = initial(at_ms);
    s.nodes[1].config_epoch = 8;
    s.nodes[1].failover_accepted = 1;
    s.nodes[4].config_epoch = 7;
    s.nodes[4].failover_accepted = 1;
    s
}

struct Script {
    e: Engine,
    effects: Vec<Effect>,
}

impl Script {
    fn new(id: &str, mode: Mode) -> Script {
        Script::of(Plan::new(lab(id), Lang::En).unwrap(), mode)
    }

    fn of(plan: Plan, mode: Mode) -> Script {
        let progress = Progress::new(&plan.manifest, "en", 1_000);
        let layout = Layout::local(&plan.manifest.topology, DEFAULT_LOCAL_BASE);
        Script {
            e: Engine::new(plan, progress, mode, layout, 1_000),
            effects: vec![],
        }
    }

    fn send(&mut self, ev: Event) -> Vec<Effect> {
        let out = self.e.handle(ev);
        self.effects.extend(out.clone());
        out
    }

    fn key(&mut self, c: Command) -> Vec<Effect> {
        self.send(Event::Command(c))
    }

    fn ready(&mut self, s: ClusterState) {
        let layout = self.e.layout().clone();
        self.send(Event::Ready {
            layout,
            came: Came::Created,
            snapshot: Arc::new(s),
            took_ms: 2_100,
        });
    }

    fn look(&mut self, s: ClusterState) -> Vec<Effect> {
        self.send(Event::Snapshot(Arc::new(s)))
    }

    fn step(&self) -> Option<&str> {
        self.e.current().map(|(_, s)| s.id.as_str())
    }

    /// Next until the slide on screen belongs to `step`.
    fn to(&mut self, step: &str) {
        for _ in 0..30 {
            if self
                .e
                .step_of(self.e.slide())
                .is_some_and(|(_, s)| s.id == step)
            {
                return;
            }
            self.key(Command::Next);
        }
        panic!("never reached {step}; on {:?}", self.step());
    }

    fn count(&self, effect: &Effect) -> usize {
        self.effects.iter().filter(|e| *e == effect).count()
    }

    fn saved(&self) -> Option<&Progress> {
        self.effects.iter().rev().find_map(|e| match e {
            Effect::Save(p) => Some(&**p),
            _ => None,
        })
    }
}

/// A finished run that lost nothing.
fn clean_report(run_id: &str) -> Report {
    serde_json::from_value(serde_json::json!({
        "run_id": run_id, "elapsed_ms": 9000, "keys": 16384, "workers": 4, "rate": 50000,
        "reads": 5000, "read_errors": 0, "writes": 5000, "write_errors": 0, "lost": 0,
        "explained": 0, "gone": 0, "noack": 0, "maybe": 0, "errors": {}, "owner_changes": [],
        "swept": 16384, "sweep_ms": 40, "unverified": 0, "windows": [],
        "longest_unavailable_ms": 0, "round_trip_p50_us": 1, "round_trip_p99_us": 1,
        "round_trip_max_us": 1, "ops_per_sec": 1.0, "leftovers_removed": 0
    }))
    .unwrap()
}

#[test]
fn a_whole_lab_from_the_first_slide_to_the_closing_screen() {
    let mut r = Script::new("manual-failover", Mode::Student);
    assert!(matches!(r.e.cluster(), Cluster::Coming(None)));
    // The student reads while the cluster comes up; the first step waits for it.
    r.key(Command::Next);
    assert_eq!(r.step(), Some("check-cluster"));
    r.ready(initial(3_100));
    assert_eq!(r.step(), Some("connect"), "{:?}", r.e.outcome());
    let note = r.e.passed_note().unwrap();
    assert_eq!(note.title, "Check the cluster");
    assert!(matches!(r.e.notices()[0], Notice::Good(_)));

    // The failover step, reached; the student takes 15 s before sending CLUSTER FAILOVER.
    r.to("failover");
    r.look(initial(3_200));
    let waiting = r.e.outcome().unwrap().failures().next().map(en).unwrap();
    assert!(
        waiting.contains("127.0.158.102:6380 to be master of 6461-10922"),
        "{waiting}"
    );
    // Looks every 100 ms meanwhile.
    r.look(initial(18_100));
    let mut asked = initial(18_200);
    asked.nodes[4].failover_accepted = 1;
    r.look(asked);
    assert_eq!(r.step(), Some("failover"));
    r.send(Event::Tick(18_250));
    r.look(failed_over(18_300, 1));
    assert_eq!(r.step(), Some("logs"));
    let note = r.e.passed_note().unwrap().clone();
    // The cluster's time, from the first look where the request showed to the new roles.
    assert_eq!((note.took_ms, note.resolution_ms), (100, 100));
    assert_eq!(
        note.measured,
        Measured::Request {
            node: "127.0.158.102:6380".into()
        }
    );
    assert!(note.spent_ms >= 15_000, "{note:?}");
    // An action done moves on to the next step's slides.
    assert_eq!(r.e.step_of(r.e.slide()).unwrap().1.id, "logs");

    // The new roles hold already: the observe step passes as soon as it is reached.
    r.to("new-roles");
    r.look(failed_over(19_000, 1));
    assert_eq!(r.step(), Some("consistency-start"));

    // The background test starts when its step's slides are reached, not before.
    assert!(!r.effects.contains(&Effect::StartBackground));
    r.to("consistency-start");
    assert!(r.effects.contains(&Effect::StartBackground));
    r.send(Event::Background(Background::Started {
        run_id: "t1".into(),
    }));
    r.to("failback");
    r.look(failed_over(25_000, 1));
    assert_eq!(r.step(), Some("failback"));
    r.look(failed_back(26_000));
    assert_eq!(r.step(), Some("initial-roles"));
    r.to("initial-roles");
    r.look(failed_back(26_500));
    assert_eq!(r.step(), Some("consistency-result"));

    r.to("consistency-result");
    // The failover was seen and nothing lost so far, but keys of the moved shard are still to
    // be read on their new master: the step waits for them.
    let counters = ConsistencySummary {
        lost: 0,
        saw_failover: true,
        owner_changes: 1,
        writes: 5_000,
        unverified: 1200,
        ..Default::default()
    };
    r.send(Event::Background(Background::Counters {
        live: Live::default(),
        summary: counters.clone(),
    }));
    r.look(failed_back(26_800));
    assert_eq!(r.step(), Some("consistency-result"));
    let counters = ConsistencySummary {
        unverified: 0,
        ..counters
    };
    r.send(Event::Background(Background::Counters {
        live: Live::default(),
        summary: counters,
    }));
    let before = r.effects.len();
    r.look(failed_back(27_000));
    assert_eq!(r.step(), None, "{:?}", r.e.outcome());
    assert!(r.effects[before..].contains(&Effect::StopBackground));
    r.send(Event::Background(Background::Stopped(Box::new(
        clean_report("t1"),
    ))));
    assert!(matches!(r.e.notices().last(), Some(Notice::Consistency(_))));
    let started = r.count(&Effect::StartBackground);
    r.look(failed_back(27_500));

    // The end waits for a key.
    while !r.e.closing() {
        r.key(Command::Next);
    }
    // A test a check has read is not started again: no later step starts one.
    assert_eq!(r.count(&Effect::StartBackground), started);
    assert!(!r.effects.contains(&Effect::Quit));
    assert!(r.key(Command::Next).contains(&Effect::Quit));
    let saved = r.saved().unwrap();
    assert_eq!(saved.passed.len(), 9);
    assert!(saved.finished());
}

#[test]
fn a_step_that_must_hold_passes_once_it_held_that_long_without_a_break() {
    let mut plan = Plan::new(lab("manual-failover"), Lang::En).unwrap();
    let failover = plan.manifest.steps.iter_mut().find(|s| s.id == "failover");
    failover.unwrap().hold = std::time::Duration::from_secs(10);
    let mut r = Script::of(plan, Mode::Student);
    r.key(Command::Next);
    r.ready(initial(3_100));
    r.to("failover");
    r.look(initial(3_200));
    r.look(failed_over(5_000, 1));
    assert_eq!(r.step(), Some("failover"));
    let holding = r.e.advice().iter().map(en).collect::<Vec<_>>().join(" ");
    assert!(holding.contains("0 of the 10 s"), "{holding}");
    r.look(failed_over(9_000, 1));
    // It broke: the hold starts over.
    r.look(initial(10_000));
    r.look(failed_over(11_000, 1));
    r.look(failed_over(20_900, 1));
    assert_eq!(r.step(), Some("failover"));
    let holding = r.e.advice().iter().map(en).collect::<Vec<_>>().join(" ");
    assert!(holding.contains("9 of the 10 s"), "{holding}");
    // `c` says so too, and does not pass it early.
    r.key(Command::Check);
    assert!(matches!(&r.e.notices()[0], Notice::Info(m) if en(m).contains("of the 10 s")));
    assert_eq!(r.step(), Some("failover"));
    r.look(failed_over(21_000, 1));
    assert_eq!(r.step(), Some("logs"));
}

#[test]
fn a_step_that_does_not_hold_blocks_and_says_why() {
    let mut r = Script::new("manual-failover", Mode::Student);
    r.key(Command::Next);
    let mut broken = initial(2_000);
    broken.nodes[4].replication.link_up = Some(false);
    r.ready(broken);
    assert_eq!(r.step(), Some("check-cluster"));
    r.key(Command::Next);
    let Notice::Blocked { step, why } = &r.e.notices()[0] else {
        panic!("{:?}", r.e.notices())
    };
    assert_eq!(step, "check-cluster");
    assert!(en(why).contains("127.0.158.102:6380"), "{}", en(why));
    assert_eq!(r.e.slide(), 1);
    // `c` says what differs, all of it.
    r.key(Command::Check);
    assert!(matches!(&r.e.notices()[0], Notice::Failures(f) if !f.is_empty()));
}

#[test]
fn hints_one_at_a_time_then_none_left() {
    let mut r = Script::new("manual-failover", Mode::Student);
    r.key(Command::Next);
    for n in 1..=3 {
        r.key(Command::Hint);
        let Notice::Hints {
            shown,
            total,
            exhausted,
        } = &r.e.notices()[0]
        else {
            panic!()
        };
        assert_eq!(*total, 2);
        assert_eq!(shown.len(), n.min(2));
        assert_eq!(*exhausted, n > 2);
        assert!(shown[0].contains("redis-cli --cluster check 127.0.158.100:6379"));
    }
    assert_eq!(r.saved().unwrap().hints_used("check-cluster"), 2);
}

#[test]
fn what_another_terminal_saved_is_kept() {
    let mut r = Script::new("failover-selfcheck", Mode::Student);
    let mut elsewhere = r.e.progress().clone();
    elsewhere.hints.insert("failover-selfcheck".into(), 2);
    r.send(Event::ProgressChanged(Box::new(elsewhere)));
    r.key(Command::Hint);
    // The third hint: the two taken in another terminal are not given back.
    assert_eq!(r.saved().unwrap().hints_used("failover-selfcheck"), 3);
}

#[test]
fn a_failed_save_is_said_until_one_succeeds() {
    let mut r = Script::new("manual-failover", Mode::Student);
    let m = msg!(
        "error-io-permission",
        path = "/x/progress/manual-failover.json"
    );
    assert!(r.send(Event::Saved(Err(m.clone()))).contains(&Effect::Draw));
    assert_eq!(r.e.save_error(), Some(&m));
    r.send(Event::Saved(Ok(())));
    assert_eq!(r.e.save_error(), None);
}

#[test]
fn a_fault_made_earlier_times_the_promotion() {
    let mut r = Script::new("automatic-failover", Mode::Student);
    let mut s = initial(2_000);
    for n in &mut s.nodes {
        n.keys = Some(if n.slots.is_empty() { 0 } else { 2185 });
    }
    s.nodes[0].keys = Some(2187);
    r.key(Command::Next);
    r.to("check-cluster");
    r.ready(s.clone());
    assert_eq!(r.step(), Some("kill-master"));
    r.to("kill-master");
    r.look({
        let mut s = s.clone();
        s.taken_ms = 3_000;
        s
    });
    // `lab node kill b:6379` at 10 s; the others suspect it 3.5 s later.
    r.send(Event::Fault(Fault {
        node: NodeRef::new("b", 6379),
        action: "kill".into(),
        at_ms: 10_000,
    }));
    let down = |at: u64, flag: &str| {
        let mut d = s.clone();
        let b = d.nodes.remove(1);
        d.unreachable.push(crate::model::state::Unreachable {
            addr: b.addr,
            reason: crate::model::state::ConnError::Refused,
        });
        for n in &mut d.nodes {
            for l in n.view.iter_mut().filter(|l| l.id == "b6379") {
                l.flags = vec!["master".into(), flag.into()];
            }
        }
        d.taken_ms = at;
        d
    };
    r.look(down(13_500, "fail?"));
    assert_eq!(r.step(), Some("promotion"), "{:?}", r.e.outcome());
    let kill = r.e.passed_note().unwrap().clone();
    assert_eq!(kill.took_ms, 3_500);
    // The promotion, 5.3 s after the kill: its time runs from the kill, not the step.
    let mut promoted = down(15_300, "fail");
    let c = promoted.nodes.iter_mut().find(|n| n.id == "c6380").unwrap();
    c.role = crate::model::Role::Master;
    c.master_id = None;
    c.slots = crate::model::SlotSet::from_ranges([crate::model::SlotRange::new(6461, 10922)]);
    c.keys = Some(2185);
    r.to("promotion");
    r.look(promoted);
    assert_eq!(r.step(), Some("restart-old-master"), "{:?}", r.e.outcome());
    let note = r.e.passed_note().unwrap();
    assert_eq!(note.took_ms, 5_300);
    assert!(matches!(&note.measured, Measured::Fault { action, .. } if action == "kill"));
}

#[test]
fn an_exercise_is_graded_on_the_latest_look_and_its_clock_runs_out() {
    let mut r = Script::new("failover-selfcheck", Mode::Student);
    r.ready(initial(2_000));
    r.send(Event::Background(Background::Started {
        run_id: "t".into(),
    }));
    assert!(r.e.time_left_s().is_some());
    let effects = r.key(Command::Grade);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveGrade { .. }))
    );
    let Notice::Grade { grade, time_up, .. } = &r.e.notices()[0] else {
        panic!()
    };
    assert!(!grade.passed && !time_up);
    // Past the limit: graded once, as it stands.
    let limit = r.e.time_left_s().unwrap() * 1000;
    r.send(Event::Tick(2_000 + limit + 5_000));
    let Notice::Grade { time_up, .. } = &r.e.notices()[0] else {
        panic!()
    };
    assert!(*time_up);
    assert_eq!(r.saved().unwrap().attempts, 2);
}

/// `lab test` on manual-failover: the engine asks for solutions and proves each step.
#[test]
fn proving_a_lab_runs_every_solution_and_times_every_step() {
    let mut r = Script::new(
        "manual-failover",
        Mode::Auto(Box::new(Auto::new(AutoKind::Prove))),
    );
    let clock = std::cell::Cell::new(2_000);
    let next = |r: &mut Script, s: fn(u64) -> ClusterState| {
        let t = clock.get() + 100;
        clock.set(t);
        r.send(Event::Tick(t));
        r.look(s(t))
    };
    r.ready(initial(clock.get()));
    // check-cluster holds on looks in a row, then its command runs.
    for _ in 0..4 {
        next(&mut r, initial);
    }
    let run = r.effects.iter().find_map(|e| match e {
        Effect::RunSolution { lines, run, .. } => Some((lines.clone(), *run)),
        _ => None,
    });
    let (lines, run) = run.unwrap();
    assert_eq!(run, Run::Solve);
    assert_eq!(
        lines[0].text,
        "redis-cli --cluster check 127.0.158.100:6379"
    );
    r.send(Event::SolutionDone(Ok(())));
    // connect is read; failover's checks fail before its solution.
    next(&mut r, initial);
    next(&mut r, initial);
    let last = r.effects.last().cloned();
    assert!(
        matches!(&last, Some(Effect::RunSolution { step, .. }) if step == "failover"),
        "{last:?}"
    );
    r.send(Event::SolutionDone(Ok(())));
    next(&mut r, |t| failed_over(t, 1));
    let a = r.e.auto().unwrap();
    // check-cluster, connect, failover (timed from its solution's start), logs.
    assert_eq!(a.steps.len(), 4, "{:?}", a.steps);
    assert_eq!(a.steps[2].result, Ok(Some(200)));
    assert_eq!(a.steps[3].result, Ok(None));
    // new-roles never holds: it fails once its settling time is over, and the walk stops.
    next(&mut r, initial);
    assert!(!r.effects.contains(&Effect::Quit));
    r.send(Event::Tick(clock.get() + 20_000));
    let a = r.e.auto().unwrap();
    let last = a.steps.last().unwrap();
    assert_eq!(last.step, "new-roles");
    assert!(last.result.is_err());
    assert!(r.effects.contains(&Effect::Quit));
}

#[test]
fn a_replay_takes_over_and_stops_at_its_target() {
    let mut r = Script::new(
        "manual-failover",
        Mode::Auto(Box::new(Auto::new(AutoKind::Replay { target: 3 }))),
    );
    r.ready(initial(2_000));
    r.look(initial(2_100));
    r.look(initial(2_200));
    let run = r.effects.iter().find_map(|e| match e {
        Effect::RunSolution { step, run, .. } => Some((step.clone(), *run)),
        _ => None,
    });
    assert_eq!(run, Some(("failover".into(), Run::Replay)));
    r.send(Event::SolutionDone(Ok(())));
    r.look(failed_over(2_300, 0));
    r.look(failed_over(2_400, 0));
    let a = r.e.auto().unwrap();
    assert_eq!((a.replayed, a.failed.clone()), (1, None));
    assert!(a.done());
}

/// A lab with two background tests, each read by a later step (as the Sentinel lab's two
/// failovers are): in the student's hands the first is not run again once checked, the second
/// starts on its own step's slides, and neither starts again.
#[test]
fn a_second_test_starts_after_the_first_was_checked() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("labs/manual-failover/lab.yaml"),
    )
    .unwrap();
    // The course's topology and data, then four steps of our own.
    let head = &yaml[..yaml.find("\nsteps:").unwrap()];
    let head = head.replace("id: manual-failover", &format!("id: {}", dir_name(&dir)));
    let step =
        |id: &str, body: &str| format!("  - id: {id}\n{body}    title: {{ es: {id}, en: {id} }}\n");
    let bg = "    kind: read\n    background: consistency\n";
    let read = "    kind: observe\n    checks:\n      - consistency: { lost: 0 }\n";
    let steps = [
        step("first-test", bg),
        step("first-result", read),
        step("between", "    kind: read\n"),
        step("second-test", bg),
        step("second-result", read),
    ]
    .concat();
    std::fs::write(
        dir.path().join("lab.yaml"),
        format!("{head}\nsteps:\n{steps}"),
    )
    .unwrap();
    let slides = [
        "first-test",
        "first-result",
        "between",
        "second-test",
        "second-result",
    ]
    .map(|id| format!("## {id}\n<!-- step: {id} -->\n\nText.\n"))
    .join("\n---\n\n");
    let slides = format!("# Two tests\n\n---\n\n{slides}");
    for lang in ["en", "es"] {
        std::fs::write(dir.path().join(format!("{lang}.md")), &slides).unwrap();
    }
    let lab = Lab::load(dir.path()).unwrap();
    let mut r = Script::of(Plan::new(lab, Lang::En).unwrap(), Mode::Student);
    r.ready(initial(3_100));
    let counters = |r: &mut Script| {
        r.send(Event::Background(Background::Counters {
            live: Live::default(),
            summary: ConsistencySummary {
                writes: 5_000,
                ..Default::default()
            },
        }));
    };
    let start = Effect::StartBackground;
    let stop = Effect::StopBackground;

    r.to("first-test");
    assert_eq!(r.count(&start), 1);
    r.send(Event::Background(Background::Started {
        run_id: "t1".into(),
    }));
    // The second test's slides are not reached yet: running through them starts nothing.
    r.to("first-result");
    counters(&mut r);
    r.look(initial(4_000));
    assert_eq!(r.step(), Some("between"), "{:?}", r.e.outcome());
    assert_eq!(r.count(&stop), 1);
    r.send(Event::Background(Background::Stopped(Box::new(
        clean_report("t1"),
    ))));
    // A step after the first test's check, before the second's: the first is not run again.
    r.to("between");
    r.look(initial(4_200));
    assert_eq!(r.count(&start), 1);
    r.to("second-test");
    assert_eq!(r.step(), Some("second-test"), "{:?}", r.e.outcome());
    r.look(initial(4_500));
    assert_eq!(r.count(&start), 2, "the second test, on its own step");
    r.send(Event::Background(Background::Started {
        run_id: "t2".into(),
    }));
    // Back on the first test's slide: it is not started again.
    r.key(Command::Back);
    r.key(Command::Back);
    r.look(initial(4_700));
    assert_eq!(r.count(&start), 2);
    r.to("second-result");
    counters(&mut r);
    r.look(initial(5_000));
    assert_eq!(r.step(), None, "{:?}", r.e.outcome());
    assert_eq!(r.count(&stop), 2);
    r.send(Event::Background(Background::Stopped(Box::new(
        clean_report("t2"),
    ))));
    r.look(initial(5_500));
    assert_eq!(r.count(&start), 2);
    assert!(r.saved().unwrap().finished());
}

/// A lab's id is its directory's name.
fn dir_name(dir: &tempfile::TempDir) -> String {
    dir.path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}
