//! The state directory's files that belong to labs rather than to the cluster:
//!
//! ```text
//! <state>/progress/<lab>.json       a student's progress (written whole: temp file, rename)
//! <state>/progress/<lab>.lock       held for a moment by whoever reads, merges and writes it
//! <state>/progress/<lab>.front      the front-end running the lab: pid, start time, since when
//! <state>/progress/<lab>.take-over  a request, from `lab start --take-over`, that it quit
//! <state>/faults.json               the faults `lab node` made, newest last
//! <state>/consistency/<lab>.json    the counters of the runner's background test
//! <state>/grades/<lab>/             grade reports, JSON and text
//! ```
//!
//! Several commands write one lab's progress (the runner, `lab hint`, `lab check`, `lab grade`,
//! `lab reset`): each reads what is on disk, merges it into its own (hints and grades only go
//! up, a reset wins) and writes the result under the lock, so none undoes another.

use std::fs::File;
use std::path::PathBuf;

use nix::fcntl::{Flock, FlockArg};
use serde::{Deserialize, Serialize};

use crate::cluster::process;
use crate::cluster::statedir::StateDir;
use crate::engine::Progress;
use crate::engine::event::Fault;
use crate::error::{Error, Result};
use crate::fsutil;
use crate::grade::Grade;
use crate::grade::report::Report;
use crate::lab::manifest::Manifest;
use crate::model::consistency::ConsistencySummary;
use crate::msg;

pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn locked(path: &std::path::Path, arg: FlockArg) -> Result<std::result::Result<Flock<File>, File>> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    match Flock::lock(f, arg) {
        Ok(l) => Ok(Ok(l)),
        Err((f, nix::errno::Errno::EWOULDBLOCK)) => Ok(Err(f)),
        Err((_, e)) => Err(Error::io(path, std::io::Error::from(e))),
    }
}

/// One lab's progress file.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
    lab: String,
}

impl Store {
    pub fn new(state: &StateDir, lab: &str) -> Store {
        Store {
            dir: state.progress_dir(),
            lab: lab.to_string(),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(format!("{}.json", self.lab))
    }

    fn file(&self, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{ext}", self.lab))
    }

    /// The saved progress, if any and if it still fits the lab. A file that cannot be read as
    /// progress (damaged by hand or by a disk) is moved aside, kept for whoever wants to look,
    /// and said so: the lab starts over rather than refusing every command until it is deleted.
    pub fn load(&self, m: &Manifest) -> Result<Option<Progress>> {
        let path = self.path();
        let p: Option<Progress> = match fsutil::read_json(&path) {
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::InvalidData => {
                let aside = self.file(&format!("json.damaged-{}", now_ms()));
                std::fs::rename(&path, &aside).map_err(|e| Error::io(&path, e))?;
                crate::errln!(
                    "{}",
                    crate::t!(
                        "progress-damaged",
                        path = path.display().to_string(),
                        aside = aside.display().to_string()
                    )
                );
                None
            }
            other => other?,
        };
        Ok(p.filter(|p| p.fits(m)))
    }

    /// Writes `mine` after taking in what was saved since; returns what was written (which
    /// differs from `mine` when another command saved something in the meantime).
    pub fn save(&self, m: &Manifest, mine: &Progress) -> Result<Progress> {
        let _lock = locked(&self.file("lock"), FlockArg::LockExclusive)?;
        let mut out = mine.clone();
        if let Ok(Some(saved)) = self.load(m) {
            out.merge(m, &saved);
        }
        fsutil::write_json(&self.path(), &out)?;
        Ok(out)
    }

    /// Loads (or starts) the progress, changes it and saves it, all under the lock: for
    /// commands that change one thing (`lab hint`, `lab check`).
    pub fn update<T>(
        &self,
        m: &Manifest,
        fresh: impl FnOnce() -> Progress,
        change: impl FnOnce(&mut Progress) -> T,
    ) -> Result<(Progress, T)> {
        let _lock = locked(&self.file("lock"), FlockArg::LockExclusive)?;
        let mut p = self.load(m)?.unwrap_or_else(fresh);
        let out = change(&mut p);
        fsutil::write_json(&self.path(), &p)?;
        Ok((p, out))
    }

    pub fn remove(&self) {
        let _ = std::fs::remove_file(self.path());
    }

    /// Becomes the lab's one front-end, or says who is. With `take_over`, asks that one to
    /// save and quit, and waits for it.
    pub fn front_end(&self, what: &str, take_over: bool) -> Result<FrontEnd> {
        let path = self.file("front");
        let deadline = std::time::Instant::now() + TAKE_OVER_WAIT;
        let mut asked = false;
        loop {
            match locked(&path, FlockArg::LockExclusiveNonblock)? {
                Ok(lock) => {
                    let me = Holder::me(what);
                    fsutil::write_json(&path.with_extension("front.json"), &me)?;
                    let _ = std::fs::remove_file(self.file("take-over"));
                    return Ok(FrontEnd {
                        _lock: lock,
                        info: path.with_extension("front.json"),
                        request: self.file("take-over"),
                    });
                }
                Err(_) => {
                    let holder: Option<Holder> =
                        fsutil::read_json(&path.with_extension("front.json"))
                            .ok()
                            .flatten();
                    let holder = holder.filter(Holder::alive);
                    if !take_over {
                        return Err(match holder {
                            Some(h) => Error::Usage(msg!(
                                "start-already-running",
                                lab = self.lab.as_str(),
                                pid = h.pid,
                                what = h.what.as_str(),
                                since = clock(h.since_ms)
                            )),
                            None => Error::Usage(msg!(
                                "start-already-running-unknown",
                                lab = self.lab.as_str()
                            )),
                        });
                    }
                    if !asked {
                        fsutil::write_json(&self.file("take-over"), &Holder::me(what))?;
                        asked = true;
                    }
                    if std::time::Instant::now() >= deadline {
                        return Err(Error::Environment(msg!(
                            "start-take-over-no-answer",
                            pid = holder.map_or(0, |h| h.pid),
                            secs = TAKE_OVER_WAIT.as_secs()
                        )));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
            }
        }
    }

    /// A take-over request made since this front-end started, and by whom.
    pub fn take_over_request(&self) -> Option<Holder> {
        fsutil::read_json::<Holder>(&self.file("take-over"))
            .ok()
            .flatten()
            .filter(|h| h.pid != std::process::id())
    }

    /// The counters of the runner's background test, published once a second so that
    /// `lab grade` in another terminal grades what the runner's test saw.
    pub fn publish(&self, state: &StateDir, p: &Published) {
        // Best effort: a missed second is replaced by the next.
        let _ = fsutil::write_json(&published_path(state, &self.lab), p);
    }

    pub fn published(&self, state: &StateDir) -> Option<Published> {
        fsutil::read_json(&published_path(state, &self.lab))
            .ok()
            .flatten()
    }
}

/// How long `--take-over` waits for the other front-end to save and quit.
const TAKE_OVER_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// `19:42` (local time is not known without a time zone database; UTC, marked as such).
fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02} UTC", (s / 3600) % 24, (s / 60) % 60)
}

/// Who runs a lab: recorded so another command can name it, and tell it from a later process
/// that reused its pid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub pid: u32,
    pub started: Option<u64>,
    pub since_ms: u64,
    /// `terminal`, `browser`.
    pub what: String,
}

impl Holder {
    fn me(what: &str) -> Holder {
        let pid = std::process::id();
        Holder {
            pid,
            started: process::started(pid),
            since_ms: now_ms(),
            what: what.to_string(),
        }
    }

    fn alive(&self) -> bool {
        process::same_process(self.pid, self.started)
    }
}

/// Held while a front-end runs the lab; released when dropped (or when the process dies).
pub struct FrontEnd {
    _lock: Flock<File>,
    info: PathBuf,
    request: PathBuf,
}

impl FrontEnd {
    /// The file a take-over request appears as: watch it.
    pub fn request_path(&self) -> &std::path::Path {
        &self.request
    }
}

impl Drop for FrontEnd {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.info);
    }
}

/// The counters the runner's background test publishes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Published {
    pub run_id: String,
    pub summary: ConsistencySummary,
    pub started_ms: u64,
    pub updated_ms: u64,
    /// False once the runner stopped it (the numbers are then final).
    pub running: bool,
}

fn published_path(state: &StateDir, lab: &str) -> PathBuf {
    state.root.join("consistency").join(format!("{lab}.json"))
}

fn faults_path(state: &StateDir) -> PathBuf {
    state.root.join("faults.json")
}

/// Faults kept on disk: the newest are all anyone times against.
const FAULTS_KEPT: usize = 32;

/// Records a fault made with `lab node`, for the runner to time the change from it.
pub fn record_fault(state: &StateDir, f: Fault) -> Result<()> {
    let path = faults_path(state);
    let _lock = locked(&path.with_extension("lock"), FlockArg::LockExclusive)?;
    let mut all = faults(state);
    all.push(f);
    let skip = all.len().saturating_sub(FAULTS_KEPT);
    fsutil::write_json(&path, &all[skip..].to_vec())
}

pub fn faults(state: &StateDir) -> Vec<Fault> {
    fsutil::read_json(&faults_path(state))
        .ok()
        .flatten()
        .unwrap_or_default()
}

pub fn faults_file(state: &StateDir) -> PathBuf {
    faults_path(state)
}

/// Where a report was saved, and its JSON.
pub struct SavedReport {
    pub path: PathBuf,
    pub json: String,
}

/// Writes a grade report as `<state>/grades/<lab>/<time>-<attempt>.json`, and its text form
/// (`text`) beside it.
pub fn save_report(state: &StateDir, report: &Report, text: &str) -> Result<SavedReport> {
    let json = serde_json::to_string_pretty(report)
        .map_err(|e| Error::io("json", std::io::Error::other(e)))?;
    let dir = state.root.join("grades").join(&report.lab);
    let stem = dir.join(format!("{}-{}", report.graded_ms, report.attempt));
    let path = stem.with_extension("json");
    fsutil::write_atomic(&path, json.as_bytes())?;
    fsutil::write_atomic(&stem.with_extension("txt"), text.as_bytes())?;
    Ok(SavedReport { path, json })
}

/// The best percentage among the saved reports of a lab.
pub fn best_grade(state: &StateDir, lab: &str) -> Option<f64> {
    let dir = state.root.join("grades").join(lab);
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| fsutil::read_json::<Report>(&e.path()).ok().flatten())
        .map(|r| r.percent)
        .fold(None, |best: Option<f64>, p| {
            Some(best.map_or(p, |b| b.max(p)))
        })
}

/// A grade made into its report: the lab's files by hash, the attempt, signed with the
/// instructor's key when there is one (`LAB_GRADE_KEY`).
pub fn report_of(
    g: &Grade,
    lab: &crate::lab::Lab,
    p: &Progress,
    key: Option<&[u8]>,
) -> Result<Report> {
    let meta = crate::grade::report::Meta {
        lab: &lab.id,
        content_hash: crate::grade::report::content_hash(&lab.dir)?,
        lang: &p.lang,
        started_ms: p.started_ms,
        graded_ms: now_ms(),
        attempt: p.attempts.max(1),
    };
    Ok(Report::new(g, meta, key))
}

/// The instructor's key from the environment, when set.
pub fn grade_key_from_env() -> Option<Vec<u8>> {
    std::env::var("LAB_GRADE_KEY")
        .ok()
        .filter(|k| !k.is_empty())
        .map(String::into_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/labs/manual-failover/lab.yaml"
        ))
        .unwrap();
        Manifest::parse(&crate::lab::source::SourceFile::new("lab.yaml", text))
            .0
            .unwrap()
    }

    fn state() -> (tempfile::TempDir, StateDir) {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir {
            root: dir.path().to_path_buf(),
        };
        (dir, state)
    }

    #[test]
    fn a_save_takes_in_what_another_command_saved() {
        let (_d, state) = state();
        let m = manifest();
        let store = Store::new(&state, &m.id);
        let runner = Progress::new(&m, "en", 1000);
        store.save(&m, &runner).unwrap();
        // `lab hint` in another terminal.
        store
            .update(
                &m,
                || unreachable!(),
                |p| {
                    p.hints.insert("check-cluster".into(), 2);
                },
            )
            .unwrap();
        // The runner's next save does not erase it.
        let written = store.save(&m, &runner).unwrap();
        assert_eq!(written.hints_used("check-cluster"), 2);
        assert_eq!(store.load(&m).unwrap().unwrap(), written);
    }

    #[test]
    fn one_front_end_per_lab() {
        let (_d, state) = state();
        let store = Store::new(&state, "manual-failover");
        let first = store.front_end("terminal", false).unwrap();
        // Another file description on the same file: refused, naming this process.
        let e = match store.front_end("terminal", false) {
            Err(e) => e,
            Ok(_) => panic!("a second front-end was let in"),
        };
        assert_eq!(e.msg().id, "start-already-running");
        drop(first);
        assert!(store.front_end("terminal", false).is_ok());
    }

    #[test]
    fn faults_are_kept_newest_last() {
        let (_d, state) = state();
        for i in 0..40 {
            record_fault(
                &state,
                Fault {
                    node: crate::model::NodeRef::new("b", 6379),
                    action: "kill".into(),
                    at_ms: i,
                },
            )
            .unwrap();
        }
        let all = faults(&state);
        assert_eq!(all.len(), FAULTS_KEPT);
        assert_eq!(all.last().unwrap().at_ms, 39);
    }
}
