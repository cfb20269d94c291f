//! What the student asks for, from a terminal's keys or, without a terminal, from lines on
//! stdin (so a script can drive the runner). Both arrive as [`Input`] from a thread of their
//! own; the thread can be paused while the built-in prompt owns the terminal.

use std::io::BufRead;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tokio::sync::mpsc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Next,
    Back,
    Check,
    Hint,
    Notes,
    Shell,
    Log,
    /// Grade an exercise now.
    Grade,
    Quit,
    /// A line mode line that is none of the above (the built-in prompt reads these).
    Line(String),
    /// Stdin closed.
    Eof,
}

/// Keys on a terminal: `→`/Enter/Space next, `←`/Backspace back, and one letter per action.
pub fn from_key(k: KeyEvent) -> Option<Input> {
    if k.kind != KeyEventKind::Press {
        return None;
    }
    if k.modifiers.contains(KeyModifiers::CONTROL) && matches!(k.code, KeyCode::Char('c' | 'd')) {
        return Some(Input::Quit);
    }
    Some(match k.code {
        KeyCode::Enter | KeyCode::Right | KeyCode::PageDown | KeyCode::Char(' ' | 'j') => {
            Input::Next
        }
        KeyCode::Left | KeyCode::Backspace | KeyCode::PageUp | KeyCode::Char('b' | 'k') => {
            Input::Back
        }
        KeyCode::Char('c') => Input::Check,
        KeyCode::Char('h') => Input::Hint,
        KeyCode::Char('n') => Input::Notes,
        KeyCode::Char('s') => Input::Shell,
        KeyCode::Char('l') => Input::Log,
        KeyCode::Char('g') => Input::Grade,
        KeyCode::Char('q') | KeyCode::Esc => Input::Quit,
        _ => return None,
    })
}

/// Lines without a terminal: an empty line is "next", a word or its first letter the rest.
pub fn from_line(line: &str) -> Input {
    match line.trim().to_ascii_lowercase().as_str() {
        "" | "next" => Input::Next,
        "b" | "back" => Input::Back,
        "c" | "check" => Input::Check,
        "h" | "hint" => Input::Hint,
        "n" | "notes" => Input::Notes,
        "s" | "shell" => Input::Shell,
        "l" | "log" => Input::Log,
        "g" | "grade" => Input::Grade,

        "q" | "quit" => Input::Quit,
        _ => Input::Line(line.trim_end_matches(['\r', '\n']).to_string()),
    }
}

/// The input thread and its pause switch.
pub struct Reader {
    pub rx: mpsc::UnboundedReceiver<Input>,
    paused: Arc<AtomicBool>,
    pub keys: bool,
}

impl Reader {
    /// Keys when stdin and stdout are terminals, lines otherwise.
    pub fn start(keys: bool) -> Reader {
        let (tx, rx) = mpsc::unbounded_channel();
        let paused = Arc::new(AtomicBool::new(false));
        let p = paused.clone();
        std::thread::spawn(move || if keys { key_loop(tx, p) } else { line_loop(tx) });
        Reader { rx, paused, keys }
    }

    /// Stops reading keys, so another reader (the built-in prompt) can have the terminal.
    pub fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
        // The key loop looks at the switch every poll interval.
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }
}

fn key_loop(tx: mpsc::UnboundedSender<Input>, paused: Arc<AtomicBool>) {
    loop {
        if paused.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        match event::poll(Duration::from_millis(50)) {
            Ok(true) => {
                if let Ok(Event::Key(k)) = event::read()
                    && let Some(i) = from_key(k)
                    && tx.send(i).is_err()
                {
                    return;
                }
            }
            Ok(false) => {
                if tx.is_closed() {
                    return;
                }
            }
            Err(_) => {
                let _ = tx.send(Input::Eof);
                return;
            }
        }
    }
}

fn line_loop(tx: mpsc::UnboundedSender<Input>) {
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if tx.send(from_line(&line)).is_err() {
            return;
        }
    }
    let _ = tx.send(Input::Eof);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_keys() {
        assert_eq!(from_line(""), Input::Next);
        assert_eq!(from_line("H"), Input::Hint);
        assert_eq!(from_line("quit\r"), Input::Quit);
        assert_eq!(
            from_line("CLUSTER INFO"),
            Input::Line("CLUSTER INFO".into())
        );
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(from_key(key(KeyCode::Enter)), Some(Input::Next));
        assert_eq!(from_key(key(KeyCode::Char('c'))), Some(Input::Check));
        assert_eq!(from_key(key(KeyCode::Char('x'))), None);
        assert_eq!(
            from_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Input::Quit)
        );
    }
}
