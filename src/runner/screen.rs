//! The runner's output. On a terminal: one slide at a time, with a status block under it that
//! is rewritten in place (no flicker, no scrolling). Without one: plain lines, each status
//! printed once when it changes, so a script (or a log) reads a clean transcript.

use std::io::Write;

use console::measure_text_width;

pub struct Screen {
    pub tty: bool,
    pub width: usize,
    raw: bool,
    /// Terminal rows the status block took, to replace it.
    status_rows: usize,
    last_status: Vec<String>,
}

impl Screen {
    pub fn new(tty: bool, width: usize) -> Screen {
        Screen {
            tty,
            width: width.max(20),
            raw: false,
            status_rows: 0,
            last_status: vec![],
        }
    }

    /// Keys one at a time, no echo. Output then needs `\r\n`, which `write` adds.
    pub fn enter_raw(&mut self) {
        if self.tty && crossterm::terminal::enable_raw_mode().is_ok() {
            self.raw = true;
        }
    }

    pub fn leave_raw(&mut self) {
        if self.raw {
            let _ = crossterm::terminal::disable_raw_mode();
            self.raw = false;
        }
    }

    fn write(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let text = if self.raw {
            text.replace('\n', "\r\n")
        } else {
            text.to_string()
        };
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }

    /// A new slide: the screen is cleared on a terminal.
    pub fn slide(&mut self, text: &str) {
        if self.tty {
            self.write("\x1b[2J\x1b[H");
        } else {
            self.write("\n");
        }
        self.write(text);
        if !text.ends_with('\n') {
            self.write("\n");
        }
        self.status_rows = 0;
        self.last_status.clear();
    }

    /// Replaces the status block under the slide.
    pub fn status(&mut self, lines: &[String]) {
        if self.tty {
            let mut text = String::new();
            if self.status_rows > 0 {
                // Up to the block's first row, then clear everything below.
                text.push_str(&format!("\x1b[{}F\x1b[J", self.status_rows));
            }
            for l in lines {
                text.push_str(l);
                text.push('\n');
            }
            self.write(&text);
            self.status_rows = lines.iter().map(|l| self.rows(l)).sum();
        } else {
            // Print only what is new, so a transcript has each status once.
            let new: Vec<&String> = lines
                .iter()
                .filter(|l| !self.last_status.contains(l))
                .collect();
            let mut text = String::new();
            for l in new {
                text.push_str(&console::strip_ansi_codes(l));
                text.push('\n');
            }
            self.write(&text);
        }
        self.last_status = lines.to_vec();
    }

    /// A message that stays above the status block (line mode: just a line).
    pub fn say(&mut self, text: &str) {
        if self.tty {
            let old = std::mem::take(&mut self.last_status);
            if self.status_rows > 0 {
                self.write(&format!("\x1b[{}F\x1b[J", self.status_rows));
                self.status_rows = 0;
            }
            self.write(&format!("{text}\n"));
            self.status(&old);
        } else {
            self.write(&format!("{}\n", console::strip_ansi_codes(text)));
        }
    }

    fn rows(&self, line: &str) -> usize {
        measure_text_width(line).max(1).div_ceil(self.width)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        self.leave_raw();
    }
}
