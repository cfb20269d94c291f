//! The built-in redis-cli-like prompt, as part of the runner's own screen: the slide's place
//! shows the prompt's transcript, the status area keeps refreshing above the line being
//! typed, and a command runs in a task of its own (the node may take its time; the screen
//! does not wait).

use std::path::PathBuf;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input as Line;
use tui_input::backend::crossterm::EventHandler;

use crate::cluster::conn::Target;
use crate::shell::{self, Session};

/// What a key did at the prompt.
#[derive(Debug, PartialEq, Eq)]
pub enum Typed {
    /// Nothing the loop needs to do (the line was edited).
    Edited,
    /// Enter on a line to run.
    Submit(String),
    /// `exit`, Esc or Ctrl-D: back to the slides.
    Close,
}

pub struct Prompt {
    pub line: Line,
    /// Away while a command runs.
    session: Option<Session>,
    /// What was typed and answered, oldest first.
    pub transcript: Vec<String>,
    history: Vec<String>,
    /// Where ↑/↓ are in the history.
    at: Option<usize>,
    history_file: Option<PathBuf>,
    pub prompt: String,
}

/// Lines of history kept.
const HISTORY: usize = 500;

impl Prompt {
    pub fn open(target: Target, history_file: Option<PathBuf>) -> Prompt {
        let history: Vec<String> = history_file
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .map(|t| {
                t.lines()
                    // rustyline's file starts with a header line.
                    .filter(|l| !l.starts_with("#V"))
                    // An older file may hold a line a newer filter would have kept out.
                    .filter(|l| !shell::holds_secret(l))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let session = Session::new(target);
        Prompt {
            prompt: session.prompt(),
            line: Line::default(),
            session: Some(session),
            transcript: vec![],
            history,
            at: None,
            history_file,
        }
    }

    pub fn busy(&self) -> bool {
        self.session.is_none()
    }

    pub fn key(&mut self, k: &KeyEvent) -> Typed {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Esc => Typed::Close,
            KeyCode::Char('d') if ctrl && self.line.value().is_empty() => Typed::Close,
            KeyCode::Char('c') if ctrl => {
                self.line.reset();
                Typed::Edited
            }
            KeyCode::Enter => {
                let line = self.line.value().to_string();
                self.line.reset();
                self.at = None;
                self.submit(line)
            }
            KeyCode::Up | KeyCode::Down => {
                self.browse(k.code == KeyCode::Up);
                Typed::Edited
            }
            _ => {
                self.line.handle_event(&Event::Key(*k));
                Typed::Edited
            }
        }
    }

    /// A line given whole (line mode, or Enter).
    pub fn submit(&mut self, line: String) -> Typed {
        if shell::is_exit(&line) {
            return Typed::Close;
        }
        if line.trim().is_empty() || self.busy() {
            return Typed::Edited;
        }
        self.transcript.push(format!("{}{line}", self.prompt));
        if !shell::holds_secret(&line) {
            self.history.retain(|h| h != &line);
            self.history.push(line.clone());
            let skip = self.history.len().saturating_sub(HISTORY);
            self.history.drain(..skip);
        }
        Typed::Submit(line)
    }

    fn browse(&mut self, up: bool) {
        if self.history.is_empty() {
            return;
        }
        let last = self.history.len() - 1;
        self.at = match (self.at, up) {
            (None, true) => Some(last),
            (Some(0), true) => Some(0),
            (Some(i), true) => Some(i - 1),
            (Some(i), false) if i < last => Some(i + 1),
            _ => None,
        };
        let text = self.at.map(|i| self.history[i].clone()).unwrap_or_default();
        self.line = Line::new(text);
    }

    /// The session, for a command to run with; it comes back with [`Prompt::answered`].
    pub fn take_session(&mut self) -> Option<Session> {
        self.session.take()
    }

    pub fn answered(&mut self, session: Session, output: &str) {
        self.prompt = session.prompt();
        self.session = Some(session);
        self.transcript
            .extend(output.trim_end_matches('\n').lines().map(str::to_string));
        let skip = self.transcript.len().saturating_sub(2_000);
        self.transcript.drain(..skip);
    }

    /// Keeps the history (never a line that gives a password).
    pub fn close(self) {
        let Some(path) = self.history_file else {
            return;
        };
        let mut text = self.history.join("\n");
        text.push('\n');
        let _ = crate::fsutil::write_atomic(&path, text.as_bytes());
    }
}
