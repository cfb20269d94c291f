//! What the student types, from a terminal's keys or, without a terminal, from lines on stdin
//! (so a script can drive the runner with the same letters), read on a thread of its own and
//! sent to the runner's loop.

use std::io::BufRead;

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// One thing the student did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A key, as the terminal sent it.
    Key(KeyEvent),
    /// A line, without a terminal.
    Line(String),
    Resize(u16, u16),
    /// Stdin closed, or the terminal went away.
    Eof,
}

/// Starts the reader thread: keys when stdin and stdout are terminals, lines otherwise.
pub fn start(keys: bool, send: impl Fn(Input) -> bool + Send + 'static) {
    std::thread::spawn(move || {
        if keys {
            key_loop(send)
        } else {
            line_loop(send)
        }
    });
}

fn key_loop(send: impl Fn(Input) -> bool) {
    loop {
        let input = match event::read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => Input::Key(k),
            Ok(Event::Resize(w, h)) => Input::Resize(w, h),
            Ok(_) => continue,
            Err(_) => Input::Eof,
        };
        let eof = input == Input::Eof;
        if !send(input) || eof {
            return;
        }
    }
}

fn line_loop(send: impl Fn(Input) -> bool) {
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if !send(Input::Line(line.trim_end_matches(['\r', '\n']).to_string())) {
            return;
        }
    }
    send(Input::Eof);
}

/// What a key or a line asks of the runner, outside the built-in prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Next,
    Back,
    /// Scroll the slide by lines (negative: up).
    Scroll(i32),
    /// Scroll by pages.
    Page(i32),
    Top,
    Bottom,
    Check,
    Hint,
    Notes,
    Shell,
    Log,
    Grade,
    Copy,
    Help,
    Quit,
}

/// Keys on a terminal: Enter/→ next, ←/Backspace back, ↑↓ PgUp/PgDn Space to page, one
/// letter per action.
pub fn action_of_key(k: &KeyEvent) -> Option<Action> {
    if k.modifiers.contains(KeyModifiers::CONTROL) {
        return match k.code {
            KeyCode::Char('c' | 'd') => Some(Action::Quit),
            KeyCode::Char('f') => Some(Action::Page(1)),
            KeyCode::Char('b') => Some(Action::Page(-1)),
            _ => None,
        };
    }
    Some(match k.code {
        KeyCode::Enter | KeyCode::Right => Action::Next,
        KeyCode::Left | KeyCode::Backspace | KeyCode::Char('b') => Action::Back,
        KeyCode::Down | KeyCode::Char('j') => Action::Scroll(1),
        KeyCode::Up | KeyCode::Char('k') => Action::Scroll(-1),
        KeyCode::PageDown | KeyCode::Char(' ') => Action::Page(1),
        KeyCode::PageUp => Action::Page(-1),
        KeyCode::Home => Action::Top,
        KeyCode::End => Action::Bottom,
        KeyCode::Char('c') => Action::Check,
        KeyCode::Char('h') => Action::Hint,
        KeyCode::Char('n') => Action::Notes,
        KeyCode::Char('s') => Action::Shell,
        KeyCode::Char('l') => Action::Log,
        KeyCode::Char('g') => Action::Grade,
        KeyCode::Char('y') => Action::Copy,
        KeyCode::Char('?') => Action::Help,
        KeyCode::Char('q') | KeyCode::Esc => Action::Quit,
        _ => return None,
    })
}

/// Lines without a terminal: an empty line is "next", a word or its first letter the rest.
pub fn action_of_line(line: &str) -> Option<Action> {
    Some(match line.trim().to_ascii_lowercase().as_str() {
        "" | "next" => Action::Next,
        "b" | "back" => Action::Back,
        "c" | "check" => Action::Check,
        "h" | "hint" => Action::Hint,
        "n" | "notes" => Action::Notes,
        "s" | "shell" => Action::Shell,
        "l" | "log" => Action::Log,
        "g" | "grade" => Action::Grade,
        "y" | "copy" => Action::Copy,
        "?" | "help" => Action::Help,
        "q" | "quit" => Action::Quit,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_keys() {
        assert_eq!(action_of_line(""), Some(Action::Next));
        assert_eq!(action_of_line("H"), Some(Action::Hint));
        assert_eq!(action_of_line("quit\r"), Some(Action::Quit));
        assert_eq!(action_of_line("CLUSTER INFO"), None);
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(action_of_key(&key(KeyCode::Enter)), Some(Action::Next));
        assert_eq!(
            action_of_key(&key(KeyCode::PageDown)),
            Some(Action::Page(1))
        );
        assert_eq!(action_of_key(&key(KeyCode::Char('c'))), Some(Action::Check));
        assert_eq!(action_of_key(&key(KeyCode::Char('x'))), None);
        assert_eq!(
            action_of_key(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
    }
}
