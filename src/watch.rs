//! `lab start`: the lab at a terminal (or through a pipe), on the lab engine.
//!
//! One loop over one event enum, fed by one channel: what the student types (from the
//! terminal thread), what the engine's tasks see (snapshots, the consistency test's counters,
//! the clock, files changed by other commands), the built-in prompt's answers and signals.
//! The engine decides; `state` draws; `app_state` keeps the progress. Nothing in the loop
//! waits on the network.

pub mod log;
pub mod notice;
mod prompt;
pub mod state;
mod terminal;

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::app_state::{Store, now_ms};
use crate::cluster::local::LocalNode;
use crate::cluster::provision::{Source, Spec};
use crate::cluster::statedir::{Backend, StateDir};
use crate::engine::{Command, Effect, Engine, Event, Mode, Notice, Plan, Progress};
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::lab::Lab;
use crate::live::start::Provision;
use crate::live::{Live, Sink, solution};
use crate::model::NodeRef;
use crate::{msg, t};
use prompt::{Prompt, Typed};
use state::View;
use terminal::{Action, Input, action_of_key, action_of_line};

pub struct Options {
    pub lang: Lang,
    pub state: StateDir,
    pub spec: Spec,
    pub source: Source,
    pub color: bool,
    /// Stdout is a terminal: the full-screen view.
    pub tty: bool,
    /// Keys from a terminal; `false` reads lines from stdin.
    pub keys: bool,
    pub cols: usize,
    pub rows: usize,
    /// How solutions run when a resumed lab's steps are replayed on a new cluster.
    pub env: solution::Env,
    /// Ask another runner of this lab to save and quit, and take its place.
    pub take_over: bool,
    /// How the user runs `lab` here (`lab`, `cargo run --release --`).
    pub invocation: String,
}

/// Everything the loop hears.
enum Ev {
    Input(Input),
    Engine(Event),
    /// The built-in prompt's session back, with what its command printed.
    Shell(crate::shell::Session, String),
    Signal(i32),
}

pub async fn run(lab: Lab, opts: Options) -> Result<()> {
    let store = Store::new(&opts.state, &lab.id);
    // One front-end per lab: a second one is refused (or takes over) before anything starts.
    let front = store.front_end("terminal", opts.take_over)?;
    let plan = Plan::new(lab.clone(), opts.lang)?;
    let manifest = plan.manifest.clone();
    let now = now_ms();
    let saved = store.load(&manifest)?;
    // A lab resumes at its step; an exercise resumes until it has passed (then a new attempt
    // starts from its setup again).
    let unfinished = |p: &Progress| match manifest.exercise {
        Some(_) => p.finished_ms.is_none() && p.baseline.is_some(),
        None => p.step.is_some(),
    };
    let resuming = saved.as_ref().is_some_and(|p| {
        unfinished(p) && (!p.passed.is_empty() || p.slide > 0 || p.baseline.is_some())
    });
    let mut progress = match saved {
        Some(p) if unfinished(&p) => p,
        _ => Progress::new(&manifest, &plan.lang, now),
    };
    progress.lang = plan.lang.clone();
    // A progress directory that cannot be written is said now, before any work is lost.
    let progress = store.save(&manifest, &progress)?;
    let replay = (resuming && manifest.exercise.is_none()).then(|| {
        (
            progress
                .step_index(&manifest)
                .min(manifest.steps.len().saturating_sub(1)),
            opts.lang,
        )
    });
    let topology = manifest.topology.clone();
    let preview = opts.source.layout(&topology).unwrap_or_else(|| {
        crate::model::Layout::local(&topology, crate::model::topology::DEFAULT_LOCAL_BASE)
    });
    let deck_lang = plan.lang.clone();
    let mut engine = Engine::new(plan, progress, Mode::Student, preview, now);
    if deck_lang != opts.lang.code() {
        engine.tell(Notice::Info(msg!(
            "show-language-fallback",
            wanted = opts.lang.code(),
            shown = deck_lang.as_str()
        )));
    }
    if resuming {
        let note = match manifest.exercise {
            Some(_) => msg!("start-resuming-exercise"),
            None => msg!(
                "start-resuming",
                step = engine
                    .current()
                    .map(|(_, s)| engine.plan().title_of(s))
                    .unwrap_or_default()
            ),
        };
        engine.tell(Notice::Info(note));
    }
    if opts.invocation != "lab" {
        // The slides say `lab …`; here that is another command.
        engine.tell(Notice::Info(msg!(
            "start-invocation",
            invocation = opts.invocation.as_str()
        )));
    }

    let (tx, mut rx) = mpsc::unbounded_channel::<Ev>();
    let sink: Sink = {
        let tx = tx.clone();
        Arc::new(move |e| {
            let _ = tx.send(Ev::Engine(e));
        })
    };
    let mut live = Live::new(lab, opts.state.clone(), sink)?;
    live.tick();
    live.watch_files(front.request_path().to_path_buf());
    live.provision(Provision {
        state: opts.state.clone(),
        spec: opts.spec.clone(),
        source: opts.source.clone(),
        fresh_start: !resuming,
        replay,
        env: opts.env.clone(),
    });
    {
        let tx = tx.clone();
        terminal::start(opts.keys, move |i| tx.send(Ev::Input(i)).is_ok());
    }
    {
        let mut stop = crate::signals::Stop::listen()?;
        let tx = tx.clone();
        tokio::spawn(async move {
            loop {
                if tx.send(Ev::Signal(stop.next().await)).is_err() {
                    return;
                }
            }
        });
    }

    let mut view = View::new(opts.tty, opts.color, opts.cols, opts.rows);
    view.enter();
    view.draw(&engine);
    let mut interrupted = None;
    let mut slide = engine.slide();
    let history = opts.state.root.join("shell_history");
    while let Some(ev) = rx.recv().await {
        let mut effects = vec![];
        let mut redraw = false;
        match ev {
            Ev::Engine(e) => {
                // The spinner beside a step being watched turns with the clock.
                let tick = matches!(e, Event::Tick(_));
                effects = engine.handle(e);
                redraw = tick
                    && view.tty()
                    && engine.on_current()
                    && engine
                        .current()
                        .is_some_and(|(_, s)| s.kind != crate::lab::manifest::StepKind::Read);
            }
            Ev::Input(Input::Resize(c, r)) => {
                view.resize(c, r);
                redraw = true;
            }
            Ev::Input(Input::Eof) => effects = engine.handle(Event::Command(Command::Quit)),
            Ev::Input(i) if view.prompt.is_some() => {
                let typed = match &i {
                    Input::Key(k) => view.prompt.as_mut().map(|p| p.key(k)),
                    Input::Line(l) => view.prompt.as_mut().map(|p| p.submit(l.clone())),
                    _ => None,
                };
                match typed {
                    Some(Typed::Close) => {
                        if let Some(p) = view.prompt.take() {
                            p.close();
                        }
                        slide = usize::MAX;
                    }
                    Some(Typed::Submit(line)) => {
                        if !view.tty()
                            && let Some(p) = &view.prompt
                        {
                            let echo = format!("{}{line}", p.prompt);
                            view.prompt_printed(&echo);
                        }
                        if let Some(mut session) =
                            view.prompt.as_mut().and_then(Prompt::take_session)
                        {
                            let tx = tx.clone();
                            tokio::spawn(async move {
                                let out = session.execute(&line).await;
                                let _ = tx.send(Ev::Shell(session, out.output));
                            });
                        }
                    }
                    _ => {}
                }
                redraw = true;
            }
            Ev::Input(i) => {
                let action = match &i {
                    // The closing screen waits for any key.
                    Input::Key(k) if engine.closing() => action_of_key(k).or(Some(Action::Quit)),
                    Input::Key(k) => action_of_key(k),
                    Input::Line(l) => {
                        let a = action_of_line(l);
                        if a.is_none() && !engine.closing() {
                            view.say(t!("start-unknown-input", input = l.as_str()));
                        }
                        a.or(engine.closing().then_some(Action::Quit))
                    }
                    _ => None,
                };
                match action {
                    Some(Action::Shell) => open_prompt(&mut view, &live, &engine, &history),
                    Some(a) => {
                        if let Some(c) = view.action(a, &engine) {
                            effects = engine.handle(Event::Command(c));
                        }
                    }
                    None => {}
                }
                redraw = true;
            }
            Ev::Shell(session, output) => {
                view.prompt_printed(&output);
                if let Some(p) = view.prompt.as_mut() {
                    p.answered(session, &output);
                }
                redraw = true;
            }
            Ev::Signal(s) => {
                interrupted = Some(s);
                effects = engine.handle(Event::Command(Command::Quit));
            }
        }
        let mut quit = false;
        for e in effects {
            match live.apply(e) {
                Some(Effect::Draw) => redraw = true,
                Some(Effect::OpenLog { node, since_ms }) => {
                    open_log(&mut view, &live, &opts.state, &node, since_ms);
                    redraw = true;
                }
                Some(Effect::Quit) => quit = true,
                _ => {}
            }
        }
        if engine.slide() != slide {
            view.slide_changed();
            slide = engine.slide();
            redraw = true;
        }
        if redraw && !quit {
            view.draw(&engine);
        }
        if quit {
            break;
        }
    }
    if let Some(p) = view.prompt.take() {
        p.close();
    }
    view.leave();

    // A cluster still coming up is let finish: what the step or the exercise starts from is
    // recorded, as if the student had waited.
    live.settle().await;
    while let Ok(ev) = rx.try_recv() {
        if let Ev::Engine(e @ (Event::Ready { .. } | Event::ClusterFailed(_))) = ev {
            for effect in engine.handle(e) {
                live.apply(effect);
            }
        }
    }
    let saved = live
        .store()
        .save(&engine.plan().manifest, engine.progress());
    live.shutdown().await;
    drop(front);
    let id = engine.plan().lab.id.clone();
    if let crate::engine::Cluster::Failed(m) = engine.cluster() {
        crate::errln!("{} {}", console::style("✗").red().bold(), m.text());
        crate::errln!("{}", t!("start-cluster-failed-hint"));
    }
    let taken_over = engine.notices().iter().find_map(|n| match n {
        Notice::Info(m) if m.id == "start-taken-over" => Some(m.text()),
        _ => None,
    });
    match &saved {
        Ok(_) if taken_over.is_some() => crate::outln!("{}", taken_over.unwrap_or_default()),
        // Said by the edge, with exit code 2: the work is done, but not kept.
        Err(_) => {}
        Ok(_) if engine.progress().finished() => {
            for l in state::summary(&engine) {
                crate::outln!("{l}");
            }
        }
        Ok(_) if engine.plan().manifest.exercise.is_some() => {
            crate::outln!("{}", t!("start-saved-exercise", lab = id.as_str()))
        }
        Ok(_) => crate::outln!("{}", t!("start-saved", lab = id.as_str())),
    }
    if let Err(e) = saved {
        return Err(Error::Environment(msg!(
            "start-not-saved-quit",
            why = e.msg().text()
        )));
    }
    match interrupted {
        Some(signal) => Err(Error::Interrupted { signal }),
        None if matches!(engine.cluster(), crate::engine::Cluster::Failed(_)) => {
            Err(Error::Failed(msg!("start-cluster-failed")))
        }
        None => Ok(()),
    }
}

/// The node the slide on screen is about: its step's node, else the current step's, else
/// the lab's first.
fn slide_node(engine: &Engine) -> Option<NodeRef> {
    engine
        .step_of(engine.slide())
        .and_then(|(_, s)| s.node.clone())
        .or_else(|| engine.current().and_then(|(_, s)| s.node.clone()))
        .or_else(|| engine.plan().manifest.topology.nodes().first().cloned())
}

fn open_prompt(view: &mut View, live: &Live, engine: &Engine, history: &std::path::Path) {
    let Some(session) = live.session() else {
        view.say(t!("start-waiting-cluster"));
        return;
    };
    let target = slide_node(engine)
        .and_then(|n| session.cluster.members.iter().find(|m| m.name == n))
        .or_else(|| session.cluster.members.first())
        .map(|m| m.target.clone());
    let Some(target) = target else { return };
    let p = Prompt::open(target, Some(PathBuf::from(history)));
    view.prompt_printed(&t!("start-shell-enter"));
    view.prompt = Some(p);
}

fn open_log(view: &mut View, live: &Live, state: &StateDir, node: &NodeRef, since_ms: u64) {
    let Some(session) = live.session() else {
        view.say(t!("start-waiting-cluster"));
        return;
    };
    if session.cluster.record.backend != Backend::Local {
        view.say(t!("error-logs-remote"));
        return;
    }
    let Some(addr) = session.layout.addr(node).cloned() else {
        return;
    };
    let local = LocalNode::new(state, node.clone(), addr.clone());
    let mut lines = log::since(&local.log(), since_ms, 2_000);
    let title = if lines.is_empty() {
        // Nothing new: the end of it, said as such.
        lines = log::since(&local.log(), 0, 40);
        t!("start-log-empty", node = addr.to_string())
    } else {
        t!("start-log", node = addr.to_string())
    };
    view.open_log(title, lines);
}
