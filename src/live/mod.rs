//! The engine wired to a real cluster, for a front-end: the tasks that bring the cluster up,
//! look at it every [`POLL`], run the background consistency test, tick the clock and watch
//! the state directory, each sending [`Event`]s through one [`Sink`]; and [`Live::apply`], which
//! carries out the engine's effects that need the outside world (saving, the test, grades) and
//! hands back those only a front-end can (draw, open a log, quit).
//!
//! Nothing here draws: a terminal and a browser use it the same way.

pub mod drive;
pub mod session;
pub mod solution;
pub mod start;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::app_state::{self, Published, Store, now_ms};
use crate::cluster::statedir::StateDir;
use crate::consistency::{self, Running};
use crate::engine::event::Background;
use crate::engine::{Effect, Event, Fault, Progress};
use crate::lab::Lab;
use crate::lab::manifest::Manifest;
use session::Session;

pub use session::POLL;

/// Where the tasks send what they see.
pub type Sink = Arc<dyn Fn(Event) + Send + Sync>;

/// How often the counters of the background test are sent, and published for `lab grade`.
const COUNTERS: Duration = Duration::from_millis(250);
const PUBLISH_EVERY: u32 = 4;
/// The clock's tick.
const TICK: Duration = Duration::from_millis(100);

/// What the tasks share.
#[derive(Default)]
struct Shared {
    session: Mutex<Option<Arc<Session>>>,
    test: tokio::sync::Mutex<Option<Running>>,
    test_started_ms: AtomicU64,
}

pub struct Live {
    lab: Lab,
    manifest: Manifest,
    state: StateDir,
    store: Store,
    sink: Sink,
    shared: Arc<Shared>,
    /// Bringing the cluster up: waited for, never cut short, when the front-end ends.
    provisioning: Option<JoinHandle<()>>,
    tasks: Vec<JoinHandle<()>>,
    _watcher: Option<notify::RecommendedWatcher>,
}

impl Live {
    pub fn new(lab: Lab, state: StateDir, sink: Sink) -> crate::error::Result<Live> {
        let manifest = lab.runnable()?.clone();
        let store = Store::new(&state, &lab.id);
        Ok(Live {
            lab,
            manifest,
            state,
            store,
            sink,
            shared: Arc::default(),
            provisioning: None,
            tasks: vec![],
            _watcher: None,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The session on the lab's cluster, once it is up.
    pub fn session(&self) -> Option<Arc<Session>> {
        self.shared
            .session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Sends the clock's ticks.
    pub fn tick(&mut self) {
        let sink = self.sink.clone();
        self.tasks.push(tokio::spawn(async move {
            let mut every = tokio::time::interval(TICK);
            loop {
                every.tick().await;
                sink(Event::Tick(now_ms()));
            }
        }));
    }

    /// Brings the cluster up (see [`start::provision`]), then looks at it every [`POLL`].
    pub fn provision(&mut self, how: start::Provision) {
        let sink = self.sink.clone();
        let shared = self.shared.clone();
        let lab = self.lab.clone();
        self.provisioning = Some(tokio::spawn(async move {
            let began = std::time::Instant::now();
            let progress = {
                let sink = sink.clone();
                move |m| sink(Event::Provisioning(m))
            };
            match start::provision(lab, how, &progress).await {
                Err(e) => sink(Event::ClusterFailed(e.msg())),
                Ok((session, came, snapshot)) => {
                    let session = Arc::new(session);
                    *shared.session.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(session.clone());
                    sink(Event::Ready {
                        layout: session.layout.clone(),
                        came,
                        snapshot: Arc::new(snapshot),
                        took_ms: began.elapsed().as_millis() as u64,
                    });
                    poll(session, sink).await;
                }
            }
        }));
    }

    /// Watches the state directory for what other commands do meanwhile: progress they
    /// saved, a take-over request, faults made with `lab node`. Faults already recorded are
    /// sent at once (the engine times changes only from those since an action began).
    pub fn watch_files(&mut self, take_over_file: PathBuf) {
        let progress_file = self.store.path();
        let faults_file = app_state::faults_file(&self.state);
        for dir in [progress_file.parent(), faults_file.parent()]
            .into_iter()
            .flatten()
        {
            let _ = std::fs::create_dir_all(dir);
        }
        let seen = Arc::new(Mutex::new(0u64));
        let send_faults = {
            let sink = self.sink.clone();
            let state = self.state.clone();
            let seen = seen.clone();
            move || {
                let mut last = seen.lock().unwrap_or_else(|p| p.into_inner());
                for f in app_state::faults(&state) {
                    if f.at_ms > *last {
                        *last = f.at_ms;
                        sink(Event::Fault(f));
                    }
                }
            }
        };
        send_faults();
        let sink = self.sink.clone();
        let store = self.store.clone();
        let manifest = self.manifest.clone();
        let watched = (
            progress_file.clone(),
            take_over_file.clone(),
            faults_file.clone(),
        );
        let handler = move |res: notify::Result<notify::Event>| {
            let Ok(ev) = res else { return };
            // Reading a file is an event too: reacting to our own reads would read forever.
            if matches!(ev.kind, notify::EventKind::Access(_)) {
                return;
            }
            for p in &ev.paths {
                if p == &watched.0 {
                    if let Ok(Some(saved)) = store.load(&manifest) {
                        sink(Event::ProgressChanged(Box::new(saved)));
                    }
                } else if p == &watched.1 {
                    if let Some(h) = store.take_over_request() {
                        sink(Event::TakenOver { pid: h.pid });
                    }
                } else if p == &watched.2 {
                    send_faults();
                }
            }
        };
        use notify::Watcher;
        let Ok(mut w) = notify::recommended_watcher(handler) else {
            return;
        };
        for dir in [progress_file.parent(), faults_file.parent()]
            .into_iter()
            .flatten()
        {
            let _ = w.watch(dir, notify::RecursiveMode::NonRecursive);
        }
        self._watcher = Some(w);
    }

    /// Carries out an effect that needs the outside world; hands back the ones a front-end
    /// carries out (draw, open a log, quit).
    pub fn apply(&mut self, e: Effect) -> Option<Effect> {
        match e {
            Effect::Draw | Effect::OpenLog { .. } | Effect::Quit => return Some(e),
            Effect::Save(p) => self.save(&p),
            Effect::StartBackground => self.start_test(),
            Effect::StopBackground => self.stop_test(),
            Effect::SaveGrade { grade, progress } => {
                let saved = app_state::report_of(
                    &grade,
                    &self.lab,
                    &progress,
                    app_state::grade_key_from_env().as_deref(),
                )
                .and_then(|r| {
                    let text = crate::render::grade::text_report(&r, &grade);
                    app_state::save_report(&self.state, &r, &text)
                });
                (self.sink)(Event::GradeSaved(
                    saved
                        .map(|s| s.path.display().to_string())
                        .map_err(|e| e.msg()),
                ));
            }
            // A student's engine runs no solutions; drivers run them themselves.
            Effect::RunSolution { .. } => {}
        }
        None
    }

    fn save(&self, p: &Progress) {
        match self.store.save(&self.manifest, p) {
            Ok(written) => {
                if written != *p {
                    (self.sink)(Event::ProgressChanged(Box::new(written)));
                }
                (self.sink)(Event::Saved(Ok(())));
            }
            Err(e) => (self.sink)(Event::Saved(Err(e.msg()))),
        }
    }

    fn start_test(&mut self) {
        let Some(session) = self.session() else {
            return;
        };
        let sink = self.sink.clone();
        let shared = self.shared.clone();
        let store = self.store.clone();
        let state = self.state.clone();
        self.tasks.push(tokio::spawn(async move {
            let opts = consistency::Options {
                seeds: session.cluster.targets(),
                follow: consistency::Follow::of(&session.cluster),
                ..consistency::Options::default()
            };
            match consistency::start(opts).await {
                Err(e) => sink(Event::Background(Background::Failed(e.msg()))),
                Ok(r) => {
                    let run_id = r.run_id().to_string();
                    shared.test_started_ms.store(now_ms(), Ordering::Relaxed);
                    *shared.test.lock().await = Some(r);
                    sink(Event::Background(Background::Started {
                        run_id: run_id.clone(),
                    }));
                    let mut every = tokio::time::interval(COUNTERS);
                    let mut n = 0u32;
                    loop {
                        every.tick().await;
                        let guard = shared.test.lock().await;
                        let Some(r) = guard.as_ref() else { return };
                        let summary = r.summary();
                        sink(Event::Background(Background::Counters {
                            live: r.live(),
                            summary: summary.clone(),
                        }));
                        n += 1;
                        // Published under the lock: once `stop_test` has taken the run, no
                        // running figure can land after its final one.
                        if n.is_multiple_of(PUBLISH_EVERY) {
                            store.publish(
                                &state,
                                &Published {
                                    run_id: run_id.clone(),
                                    summary,
                                    started_ms: shared.test_started_ms.load(Ordering::Relaxed),
                                    updated_ms: now_ms(),
                                    running: true,
                                },
                            );
                        }
                        drop(guard);
                    }
                }
            }
        }));
    }

    fn stop_test(&mut self) {
        let sink = self.sink.clone();
        let shared = self.shared.clone();
        let store = self.store.clone();
        let state = self.state.clone();
        self.tasks.push(tokio::spawn(async move {
            let Some(r) = shared.test.lock().await.take() else {
                return;
            };
            let report = r.stop().await;
            // The final numbers, for `lab grade` in another terminal.
            store.publish(
                &state,
                &Published {
                    run_id: report.run_id.clone(),
                    summary: report.summary(),
                    started_ms: shared.test_started_ms.load(Ordering::Relaxed),
                    updated_ms: now_ms(),
                    running: false,
                },
            );
            sink(Event::Background(Background::Stopped(Box::new(report))));
        }));
    }

    /// Waits for a cluster still coming up: it is let finish rather than left half-made (it is
    /// the lab's cluster either way), and its Ready event reaches the sink.
    pub async fn settle(&mut self) {
        if let Some(p) = &self.provisioning {
            // The poller it goes on to run is not waited for: only the bringing up.
            while !p.is_finished() && self.session().is_none() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }

    /// Ends the tasks; a running test is stopped and its keys removed (its counters would
    /// mean nothing to a later run).
    pub async fn shutdown(mut self) {
        self.settle().await;
        if let Some(p) = self.provisioning.take() {
            p.abort();
        }
        for t in self.tasks.drain(..) {
            t.abort();
        }
        if let Some(r) = self.shared.test.lock().await.take() {
            r.stop().await;
        }
    }
}

/// Looks at the cluster every [`POLL`] and sends each snapshot. A node that does not answer
/// (paused, say) makes one look take longer; nobody waits for it but this task.
async fn poll(session: Arc<Session>, sink: Sink) {
    let mut every = tokio::time::interval(POLL);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let s = session.snapshot().await;
        sink(Event::Snapshot(Arc::new(s)));
    }
}

/// A fault just made, for the record `lab node` keeps.
pub fn fault(node: crate::model::NodeRef, action: &str) -> Fault {
    Fault {
        node,
        action: action.to_string(),
        at_ms: now_ms(),
    }
}
