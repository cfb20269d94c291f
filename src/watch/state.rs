//! What the runner shows, drawn from the engine: on a terminal a full screen — a header
//! (slide N/M · step · its state) and a footer (keys) that stay, the slide between them
//! scrolling, and a status area that refreshes on every slide; without one, a plain
//! transcript that prints each slide and each new status line once.
//!
//! Everything here only reads the engine; what the student asks of the view alone (scroll,
//! notes, copy, the log pager, help) stays here.

use std::io::Write;

use console::{measure_text_width, style};

use super::prompt::Prompt;
use super::terminal::Action;
use crate::engine::{Cluster, Command, Engine, Measured, Notice, PassNote, Test};
use crate::i18n::Msg;
use crate::lab::manifest::StepKind;
use crate::render::markdown::RenderStyle;
use crate::render::wrap::wrap;
use crate::render::{consistency, slide};
use crate::t;

/// How often a transcript repeats the consistency test's live line.
const LIVE_EVERY_MS: u64 = 5_000;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// What covers the slide for a while.
enum Overlay {
    /// A node's log, from when the step began.
    Log {
        title: String,
        lines: Vec<String>,
    },
    Help,
}

pub struct View {
    tty: bool,
    color: bool,
    cols: usize,
    rows: usize,
    /// Where status and notice lines wrap: the screen's width, or never in a transcript
    /// (a script reads whole lines).
    wrap_cols: usize,
    /// The size changed: the next frame starts from a cleared screen, since the terminal has
    /// reflowed (or cut) what the last one drew at the old width.
    resized: bool,
    /// The first body line shown.
    scroll: usize,
    /// End was pressed: the slide stays at its end while the status area under it grows or
    /// shrinks (an error arriving after the key would otherwise hide its last lines).
    pinned: bool,
    /// Body lines of the last frame, and rows for them: for paging.
    body_len: usize,
    body_room: usize,
    notes: bool,
    overlay: Option<(Overlay, usize)>,
    pub prompt: Option<Prompt>,
    /// A word from the view itself (copied, no notes…), until the next action.
    said: Option<String>,
    /// Line mode: the slide last printed, and the status and notice lines printed since.
    printed_slide: Option<(usize, bool)>,
    printed: Vec<String>,
    /// The notices last seen: new ones scroll into view.
    last_notices: usize,
    /// Line mode: when the consistency test's live line was last printed.
    live_printed_ms: u64,
    raw: bool,
}

impl View {
    pub fn new(tty: bool, color: bool, cols: usize, rows: usize) -> View {
        View {
            tty,
            color,
            cols: cols.max(20),
            rows: rows.max(8),
            wrap_cols: if tty { cols.max(20) } else { usize::MAX / 4 },
            resized: false,
            scroll: 0,
            pinned: false,
            body_len: 0,
            body_room: 0,
            notes: false,
            overlay: None,
            prompt: None,
            said: None,
            printed_slide: None,
            printed: vec![],
            last_notices: 0,
            live_printed_ms: 0,
            raw: false,
        }
    }

    /// Takes the terminal: raw keys, the alternate screen, no cursor.
    pub fn enter(&mut self) {
        if !self.tty {
            return;
        }
        if crossterm::terminal::enable_raw_mode().is_ok() {
            self.raw = true;
        }
        let mut out = std::io::stdout().lock();
        let _ = crossterm::execute!(
            out,
            crossterm::terminal::EnterAlternateScreen,
            crossterm::cursor::Hide
        );
    }

    /// Gives the terminal back as it was.
    pub fn leave(&mut self) {
        if !self.tty || !self.raw {
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = crossterm::execute!(
            out,
            crossterm::cursor::Show,
            crossterm::terminal::LeaveAlternateScreen
        );
        let _ = crossterm::terminal::disable_raw_mode();
        self.raw = false;
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.cols = usize::from(cols).max(20);
        self.rows = usize::from(rows).max(8);
        self.wrap_cols = self.cols;
        self.resized = true;
    }

    pub fn tty(&self) -> bool {
        self.tty
    }

    /// What an action asks of the view; the engine's part of it is handed back.
    pub fn action(&mut self, a: Action, e: &Engine) -> Option<Command> {
        self.said = None;
        if let Some((overlay, scroll)) = &mut self.overlay {
            let len = match overlay {
                Overlay::Log { lines, .. } => lines.len(),
                Overlay::Help => 0,
            };
            match a {
                Action::Scroll(n) => *scroll = step(*scroll, n, len),
                Action::Page(n) => *scroll = step(*scroll, n * self.body_room.max(1) as i32, len),
                Action::Top => *scroll = 0,
                Action::Bottom => *scroll = len.saturating_sub(self.body_room),
                // Anything else closes it: q and Esc the overlay only.
                Action::Quit => self.overlay = None,
                _ => {
                    self.overlay = None;
                    return self.action(a, e);
                }
            }
            return None;
        }
        match a {
            Action::Next => Some(Command::Next),
            Action::Back => Some(Command::Back),
            Action::Check => Some(Command::Check),
            Action::Hint => Some(Command::Hint),
            Action::Log => Some(Command::Log),
            Action::Grade => Some(Command::Grade),
            Action::Quit => Some(Command::Quit),
            Action::Shell => None,
            Action::Scroll(n) => {
                self.pinned = false;
                self.scroll = step(self.scroll.min(self.body_len), n, self.body_len);
                None
            }
            Action::Page(n) => {
                // Space at the bottom of a slide goes on to the next one, as in a reader.
                if n > 0 && self.scroll + self.body_room >= self.body_len {
                    return Some(Command::Next);
                }
                let by = n * self.body_room.saturating_sub(1).max(1) as i32;
                self.pinned = false;
                self.scroll = step(self.scroll.min(self.body_len), by, self.body_len);
                None
            }
            Action::Top => {
                self.pinned = false;
                self.scroll = 0;
                None
            }
            Action::Bottom => {
                // Worked out by each frame, which knows the rows its lines take.
                self.scroll = usize::MAX;
                self.pinned = true;
                None
            }
            Action::Notes => {
                let has = e
                    .plan()
                    .deck
                    .slides
                    .get(e.slide())
                    .is_some_and(|s| s.notes.is_some());
                if has {
                    self.notes = !self.notes;
                } else {
                    self.said = Some(t!("start-no-notes"));
                }
                None
            }
            Action::Copy => {
                self.copy(e);
                None
            }
            Action::Help => {
                self.overlay = Some((Overlay::Help, 0));
                None
            }
        }
    }

    /// The slide changed: back to its top.
    pub fn slide_changed(&mut self) {
        self.pinned = false;
        self.scroll = 0;
        self.notes = false;
        self.overlay = None;
    }

    pub fn open_log(&mut self, title: String, lines: Vec<String>) {
        if self.tty {
            let len = lines.len();
            self.overlay = Some((
                Overlay::Log { title, lines },
                len.saturating_sub(self.body_room.max(1)),
            ));
            // From what happened since the step began: the top of it.
            if let Some((_, scroll)) = &mut self.overlay {
                *scroll = 0;
            }
        } else {
            self.line(&title);
            for l in &lines {
                self.line(l);
            }
        }
    }

    /// Says something of the view's own.
    pub fn say(&mut self, text: String) {
        self.said = Some(text);
    }

    /// The first command on the slide on screen, to the clipboard (OSC 52: the terminal
    /// copies it, over ssh too).
    fn copy(&mut self, e: &Engine) {
        let Some(s) = e.plan().deck.slides.get(e.slide()) else {
            return;
        };
        let r = e.renderer();
        let cmd = s
            .code
            .iter()
            .filter_map(|c| r.render(&c.text).ok().map(|t| (c.lang.clone(), t)))
            .find_map(|(lang, text)| first_command(&lang, &text));
        match cmd {
            Some(cmd) => {
                if self.tty {
                    let mut out = std::io::stdout().lock();
                    let _ = crossterm::execute!(
                        out,
                        crossterm::clipboard::CopyToClipboard::to_clipboard_from(cmd.clone())
                    );
                }
                self.said = Some(t!("start-copied", command = cmd));
            }
            None => self.said = Some(t!("start-nothing-to-copy")),
        }
    }

    // ---- drawing

    pub fn draw(&mut self, e: &Engine) {
        if self.tty {
            self.frame(e);
        } else {
            self.transcript(e);
        }
    }

    fn style(&self) -> RenderStyle {
        RenderStyle {
            color: self.color,
            width: self.cols.min(100),
            dim: false,
        }
    }

    /// `── 4/15 · step failover · waiting ──────`
    fn header(&self, e: &Engine) -> String {
        let mut label = format!("{}/{}", e.slide() + 1, e.slides());
        if let Some((i, step)) = e.step_of(e.slide()) {
            label.push_str(&format!(" · {}", t!("show-step", step = step.id.as_str())));
            let current = e.current().map(|(c, _)| c);
            let state = match current {
                _ if step.kind == StepKind::Read => None,
                Some(c) if c == i && matches!(e.cluster(), Cluster::Failed(_)) => {
                    Some(t!("start-state-no-cluster"))
                }
                Some(c) if c == i && !matches!(e.cluster(), Cluster::Ready { .. }) => {
                    Some(t!("start-state-cluster"))
                }
                Some(c) if c == i => Some(t!("start-state-waiting")),
                Some(c) if c < i => Some(t!("start-state-later")),
                _ => Some(t!("start-state-done")),
            };
            if let Some(s) = state {
                label.push_str(&format!(" · {s}"));
            }
        }
        let line = rule(&label, self.cols.min(100));
        if self.color {
            style(line).dim().force_styling(true).to_string()
        } else {
            line
        }
    }

    fn spin(&self, e: &Engine) -> &'static str {
        if self.tty {
            SPINNER[(e.now_ms() / 100) as usize % SPINNER.len()]
        } else {
            "…"
        }
    }

    /// The status area: what is live (the cluster, the step, the test, the clock).
    fn status(&self, e: &Engine) -> Vec<String> {
        let mut lines = vec![];
        let w = self.wrap_cols;
        let mut add = |text: String, rest: &str| lines.extend(wrap(&text, w, "", rest));
        match e.cluster() {
            Cluster::Coming(phase) => {
                let what = phase
                    .as_ref()
                    .map(Msg::text)
                    .unwrap_or_else(|| t!("phase-checking"));
                add(format!("{} {what}", style(self.spin(e)).cyan()), "  ");
            }
            Cluster::Failed(m) => {
                add(format!("{} {}", style("✗").red().bold(), m.text()), "  ");
                add(t!("start-cluster-failed-hint"), "  ");
            }
            Cluster::Ready { .. } => {}
        }
        if let Some(err) = e.save_error() {
            add(
                format!(
                    "{} {}",
                    style("✗").red().bold(),
                    t!("start-not-saved", why = err.text())
                ),
                "  ",
            );
        }
        // On the closing screen the last ✓ is part of the closing words.
        if let Some(p) = e.passed_note().filter(|_| !e.closing()) {
            add(
                format!("{} {}", style("✓").green().bold(), passed_text(p)),
                "  ",
            );
        }
        if let Some((i, step)) = e.current()
            && step.kind != StepKind::Read
        {
            let on_it = e.step_of(e.slide()).is_some_and(|(s, _)| s == i);
            let ready = matches!(e.cluster(), Cluster::Ready { .. });
            if ready && (on_it || step.kind == StepKind::Action) {
                let label = t!(
                    "start-step",
                    n = i + 1,
                    total = e.plan().manifest.steps.len(),
                    title = e.plan().title_of(step),
                    kind = kind_word(step.kind)
                );
                add(
                    format!("{} {}", style(self.spin(e)).yellow(), style(label).bold()),
                    "  ",
                );
                if let Some(first) = e.outcome().and_then(|o| o.failures().next()) {
                    add(
                        format!("  {}", t!("start-waiting-for", what = first.text())),
                        "    ",
                    );
                }
                for a in e.advice() {
                    add(
                        format!("  {} {}", style("!").yellow().bold(), a.text()),
                        "    ",
                    );
                }
            } else if on_it && matches!(e.cluster(), Cluster::Coming(_)) {
                add(
                    format!("{} {}", style("…").dim(), t!("start-waiting-cluster")),
                    "  ",
                );
            }
        }
        if let Test::Running {
            live: Some(live), ..
        } = e.test()
        {
            add(
                format!("{} {}", style("⇄").cyan(), consistency::live_line(live)),
                "  ",
            );
        }
        if let Some(ex) = &e.plan().manifest.exercise {
            let left = e
                .time_left_s()
                .map(|s| {
                    t!(
                        "start-time-left",
                        left = format!("{}:{:02}", s / 60, s % 60)
                    )
                })
                .unwrap_or_default();
            add(
                style(t!(
                    "start-exercise",
                    cost = ex.scheme.hint_cost,
                    left = left
                ))
                .cyan()
                .to_string(),
                "  ",
            );
        }
        if let Some(s) = &self.said {
            add(style(s).cyan().to_string(), "  ");
        }
        lines
    }

    /// What the engine said under the slide: hints, failures, grades, messages.
    fn notices(&self, e: &Engine) -> Vec<String> {
        e.notices()
            .iter()
            .flat_map(|n| super::notice::lines(n, self.wrap_cols))
            .collect()
    }

    /// The slide on screen, rendered for the terminal (its notes too, when shown).
    fn slide_lines(&self, e: &Engine) -> Vec<String> {
        let Some(s) = e.plan().deck.slides.get(e.slide()) else {
            return vec![];
        };
        let r = slide::render(&e.plan().deck, s, &e.renderer(), self.style(), self.notes);
        r.text.lines().map(str::to_string).collect()
    }

    fn closing_lines(&self, e: &Engine) -> Vec<String> {
        let mut out = vec![String::new()];
        // The last step's ✓ and what was said with it (the consistency test's report).
        if let Some(p) = e.passed_note() {
            out.extend(wrap(
                &format!("{} {}", style("✓").green().bold(), passed_text(p)),
                self.wrap_cols,
                "",
                "  ",
            ));
        }
        out.extend(self.notices(e));
        out.push(String::new());
        for l in summary(e) {
            out.extend(wrap(&l, self.wrap_cols, "", "  "));
        }
        out.push(String::new());
        out.extend(wrap(
            &style(t!("start-closing-key")).dim().to_string(),
            self.wrap_cols,
            "",
            "",
        ));
        out
    }

    fn footer(&self, e: &Engine) -> String {
        let keys = if self.prompt.is_some() {
            t!("start-keys-prompt")
        } else if self.overlay.is_some() {
            t!("start-keys-overlay")
        } else if e.closing() {
            t!("start-keys-closing")
        } else {
            t!("start-keys")
        };
        // One row: the last keys (help, quit) always, as many of the others as fit, whole.
        let parts: Vec<&str> = keys.split(" · ").collect();
        let keep = parts.len().min(2);
        let (others, last) = parts.split_at(parts.len() - keep);
        let tail = last.join(" · ");
        let mut line = String::new();
        for part in others {
            let next = if line.is_empty() {
                part.to_string()
            } else {
                format!("{line} · {part}")
            };
            if measure_text_width(&next) + measure_text_width(&tail) + 4 > self.cols {
                break;
            }
            line = next;
        }
        let line = if line.is_empty() {
            tail
        } else {
            format!("{line} · {tail}")
        };
        style(line).dim().to_string()
    }

    /// A whole screen, written row by row over the last one (no clearing, no flicker). A line
    /// longer than the screen is written whole and the terminal wraps it, so a long command
    /// copies as one line.
    fn frame(&mut self, e: &Engine) {
        let cols = self.cols;
        let rows_of = |l: &str| measure_text_width(l).max(1).div_ceil(cols);
        let header = self.header(e);
        let footer = self.footer(e);
        let mut status = self.status(e);
        // The slide keeps at least a third of the screen.
        let most = (self.rows.saturating_sub(2)) * 2 / 3;
        let mut status_rows: usize = status.iter().map(|l| rows_of(l)).sum();
        while status_rows > most && status.len() > 1 {
            status.remove(status.len() - 2);
            status_rows = status.iter().map(|l| rows_of(l)).sum();
        }
        let prompt_rows = usize::from(self.prompt.is_some());
        let room = self
            .rows
            .saturating_sub(2 + status_rows + prompt_rows)
            .max(1);
        self.body_room = room;

        // The body, and where it starts.
        let (body, scroll): (Vec<String>, usize) = if let Some((o, scroll)) = &self.overlay {
            let lines = match o {
                Overlay::Log { title, lines } => {
                    let mut out = vec![style(title).bold().to_string()];
                    for l in lines {
                        out.extend(wrap(&style(l).dim().to_string(), cols, "", "    "));
                    }
                    out
                }
                Overlay::Help => help_lines(cols),
            };
            (lines, *scroll)
        } else if let Some(p) = &self.prompt {
            let mut out = vec![style(t!("start-shell-enter")).dim().to_string()];
            out.extend(p.transcript.iter().cloned());
            // The prompt's transcript ends at the bottom, like a terminal.
            let scroll = out.len().saturating_sub(room);
            (out, scroll)
        } else if e.closing() {
            let lines = self.closing_lines(e);
            if self.scroll == usize::MAX {
                self.scroll = lines_back(&lines, room, rows_of);
            }
            let scroll = self.scroll;
            (lines, scroll)
        } else {
            let mut out = self.slide_lines(e);
            let notices = self.notices(e);
            if !notices.is_empty() {
                out.push(String::new());
                let at = out.len();
                out.extend(notices);
                // New answers to the student (a hint, a grade, what differs) scroll into view;
                // what the runner says by itself does not move the slide.
                let answer = e.notices().last().is_some_and(|n| {
                    !matches!(n, Notice::Info(_) | Notice::Good(_) | Notice::Warn(_))
                });
                if answer && e.notices().len() != self.last_notices {
                    let rows: usize = out[at..].iter().map(|l| rows_of(l)).sum();
                    if rows <= room {
                        let total: usize = out.iter().map(|l| rows_of(l)).sum();
                        if total > room {
                            self.scroll = lines_back(&out, room, rows_of);
                        }
                    } else {
                        self.pinned = false;
                        self.scroll = at;
                    }
                }
            }
            self.last_notices = e.notices().len();
            if self.scroll == usize::MAX || self.pinned {
                self.scroll = lines_back(&out, room, rows_of);
            }
            let scroll = self.scroll;
            (out, scroll)
        };
        self.body_len = body.len();
        let scroll = scroll.min(body.len().saturating_sub(1));
        if self.overlay.is_none() && self.prompt.is_none() {
            self.scroll = scroll;
        }

        let mut frame: Vec<String> = vec![header];
        let mut used = 0;
        let mut last = scroll;
        for l in body.iter().skip(scroll) {
            let r = rows_of(l);
            if used + r > room {
                break;
            }
            frame.push(l.clone());
            used += r;
            last += 1;
        }
        if last < body.len() {
            // The mark that there is more, on the body's last row.
            let more = style(t!("start-more-below", count = body.len() - last))
                .reverse()
                .to_string();
            if used >= room {
                let dropped = frame.pop().map_or(1, |l| rows_of(&l));
                used -= dropped;
            }
            frame.push(more);
            used += 1;
        }
        frame.extend(std::iter::repeat_n(
            String::new(),
            room.saturating_sub(used),
        ));
        frame.extend(status);
        let input_row = if let Some(p) = &self.prompt {
            let row: usize = frame.iter().map(|l| rows_of(l)).sum();
            let mark = if p.busy() { "… " } else { "" };
            frame.push(format!("{mark}{}{}", p.prompt, p.line.value()));
            Some((
                row,
                measure_text_width(mark) + measure_text_width(&p.prompt) + p.line.visual_cursor(),
            ))
        } else {
            None
        };
        frame.push(footer);

        let mut out = String::new();
        if std::mem::take(&mut self.resized) {
            out.push_str("\x1b[2J");
        }
        let mut row = 0;
        for l in &frame {
            if row >= self.rows {
                break;
            }
            out.push_str(&format!("\x1b[{};1H", row + 1));
            // A line that ends at the last column gets no erase after it, so the row is erased
            // first: what an earlier frame left there (text, a wrap) does not survive.
            if measure_text_width(l).is_multiple_of(cols) && !l.is_empty() {
                out.push_str("\x1b[2K");
            }
            out.push_str(l);
            // Clear what the last frame left; not after a line that ends at the last column
            // (the cursor waits there to wrap, and clearing would take its last character).
            if !measure_text_width(l).is_multiple_of(cols) || l.is_empty() {
                out.push_str("\x1b[K");
            }
            row += rows_of(l);
        }
        for r in row..self.rows {
            out.push_str(&format!("\x1b[{};1H\x1b[K", r + 1));
        }
        match input_row {
            Some((r, c)) => out.push_str(&format!("\x1b[{};{}H\x1b[?25h", r + 1, c + 1)),
            None => out.push_str("\x1b[?25l"),
        }
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(out.as_bytes());
        let _ = stdout.flush();
    }

    // ---- without a terminal

    fn line(&mut self, text: &str) {
        crate::outln!("{}", console::strip_ansi_codes(text));
    }

    /// A transcript: each slide once, with its header; then each status or notice line once
    /// as it appears.
    fn transcript(&mut self, e: &Engine) {
        let key = (e.slide(), self.notes);
        if e.closing() {
            if self.printed_slide != Some((usize::MAX, false)) {
                self.printed_slide = Some((usize::MAX, false));
                self.printed.clear();
            }
            // What arrives later (the test's report) is printed when it does.
            for l in self.closing_lines(e) {
                let plain = console::strip_ansi_codes(&l).into_owned();
                if plain.trim().is_empty() || !self.printed.contains(&plain) {
                    self.line(&plain);
                    self.printed.push(plain);
                }
            }
            return;
        }
        if self.printed_slide != Some(key) {
            self.printed_slide = Some(key);
            self.printed.clear();
            self.line("");
            let header = self.header(e);
            self.line(&header);
            self.line("");
            for l in self.slide_lines(e) {
                self.line(&l);
            }
        }
        let mut lines = self.status(e);
        lines.extend(self.notices(e));
        for l in lines {
            let plain = console::strip_ansi_codes(&l).into_owned();
            // The test's live line changes four times a second: a transcript gets it every
            // few seconds.
            if plain.starts_with('⇄') {
                if e.now_ms().saturating_sub(self.live_printed_ms) < LIVE_EVERY_MS {
                    continue;
                }
                self.live_printed_ms = e.now_ms();
            }
            if !self.printed.contains(&plain) {
                self.line(&plain);
                self.printed.push(plain);
            }
        }
    }

    /// Line mode: the prompt's answers are printed as they come.
    pub fn prompt_printed(&mut self, text: &str) {
        if !self.tty {
            for l in text.lines() {
                self.line(l);
            }
        }
    }
}

impl Drop for View {
    fn drop(&mut self) {
        self.leave();
    }
}

fn step(at: usize, by: i32, len: usize) -> usize {
    let to = at as i64 + i64::from(by);
    to.clamp(0, len.saturating_sub(1) as i64) as usize
}

/// The first line from which the last `room` rows of `lines` show.
fn lines_back(lines: &[String], room: usize, rows_of: impl Fn(&str) -> usize) -> usize {
    let mut rows = 0;
    for (i, l) in lines.iter().enumerate().rev() {
        rows += rows_of(l);
        if rows > room {
            return i + 1;
        }
    }
    0
}

fn kind_word(k: StepKind) -> String {
    match k {
        StepKind::Action => t!("kind-action"),
        StepKind::Observe => t!("kind-observe"),
        StepKind::Read => t!("kind-read"),
    }
}

/// Seconds as the ✓ says them.
fn secs(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// How long the cluster took, said with what it is measured from and how precisely.
pub fn passed_text(p: &PassNote) -> String {
    let took = if p.took_ms < p.resolution_ms {
        t!("start-took-under", secs = secs(p.resolution_ms))
    } else {
        secs(p.took_ms)
    };
    let every = secs(p.resolution_ms.max(1));
    let main = match &p.measured {
        Measured::Request { node } => t!(
            "start-passed-request",
            title = p.title.as_str(),
            took = took,
            node = node.as_str(),
            every = every
        ),
        Measured::Fault { node, action } => t!(
            "start-passed-fault",
            title = p.title.as_str(),
            took = took,
            node = node.as_str(),
            action = action.as_str()
        ),
        Measured::Step if p.took_ms <= p.resolution_ms => {
            t!("start-passed-at-once", title = p.title.as_str())
        }
        Measured::Step => t!("start-passed-step", title = p.title.as_str(), took = took),
    };
    // The student's own time, when there was any to speak of.
    if p.spent_ms < 500 {
        return main;
    }
    format!("{main} {}", t!("start-you-spent", secs = secs(p.spent_ms)))
}

/// The closing words: the lab, its steps with the cluster's times and the student's.
pub fn summary(e: &Engine) -> Vec<String> {
    let p = e.progress();
    let lab = e
        .plan()
        .lab
        .title(crate::i18n::Lang::parse(&p.lang).unwrap_or(crate::i18n::Lang::En));
    let took = p
        .finished_ms
        .unwrap_or(e.now_ms())
        .saturating_sub(p.started_ms);
    let (minutes, seconds) = (took / 60_000, (took / 1000) % 60);
    let hints = p.total_hints();
    let head = match p.best_percent {
        Some(best) if e.plan().manifest.exercise.is_some() => t!(
            "start-finished-exercise",
            lab = lab,
            percent = format!("{best:.0}"),
            minutes = minutes,
            seconds = seconds,
            hints = hints
        ),
        _ => t!(
            "start-finished",
            lab = lab,
            steps = p.passed.len(),
            minutes = minutes,
            seconds = seconds,
            hints = hints
        ),
    };
    let mut out = vec![format!("{} {head}", style("★").yellow().bold())];
    let mut table = crate::render::table::Table::new(vec![
        t!("status-step"),
        t!("start-col-cluster"),
        t!("start-col-you"),
    ]);
    for s in &e.plan().manifest.steps {
        let Some(passed) = p.passed_of(&s.id) else {
            continue;
        };
        let resolution = passed.resolution_ms.unwrap_or(0);
        let took = if passed.took_ms <= resolution && passed.measured == Measured::Step {
            t!("start-at-once")
        } else if passed.took_ms < resolution {
            t!("start-took-under", secs = secs(resolution))
        } else {
            secs(passed.took_ms)
        };
        let cluster = match (s.kind, &passed.measured) {
            (StepKind::Read, _) => "-".to_string(),
            (_, Measured::Request { .. }) => t!("start-from-request", took = took),
            (_, Measured::Fault { action, .. }) => {
                t!("start-from-fault", took = took, action = action.as_str())
            }
            (_, Measured::Step) => took,
        };
        let you = passed.spent_ms.map(secs).unwrap_or_else(|| "-".into());
        table.row(vec![e.plan().title_of(s), cluster, you]);
    }
    if !p.passed.is_empty() && e.plan().manifest.exercise.is_none() {
        out.push(String::new());
        out.extend(table.render().lines().map(str::to_string));
    }
    out
}

fn help_lines(cols: usize) -> Vec<String> {
    let mut out = vec![style(t!("start-help-title")).bold().to_string()];
    for l in t!("start-help").lines() {
        out.extend(wrap(l, cols, "", "      "));
    }
    out
}

/// The first command of a code block, as the student would type it: the text after the
/// prompt on a prompt line (`(nodeX) > redis-cli …`, `redis-cli (host:port) > CLUSTER
/// FAILOVER` becomes the redis-cli command for that node), or a prompt-less shell block's
/// first line.
pub fn first_command(lang: &str, text: &str) -> Option<String> {
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("redis-cli (")
            && let Some((addr, cmd)) = rest.split_once(") > ")
            && let Ok(a) = addr.parse::<crate::model::NodeAddr>()
        {
            return Some(format!(
                "redis-cli -h {} -p {} {}",
                a.host,
                a.port,
                cmd.trim()
            ));
        }
        if let Some((_, cmd)) = line.split_once("> ")
            && !cmd.trim().is_empty()
            && (line.starts_with('(') || line.starts_with('>') || line.starts_with('$'))
        {
            return Some(cmd.trim().to_string());
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            return Some(cmd.trim().to_string());
        }
    }
    let shell = matches!(lang, "bash" | "sh" | "shell" | "console");
    let first = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    (shell && (first.starts_with("redis-cli") || first.starts_with("lab ")))
        .then(|| first.to_string())
}

/// `── label ───…` exactly `width` columns wide. Never wider than the screen: a header the
/// terminal wraps pushes the slide down and leaves its row marked as wrapped.
fn rule(label: &str, width: usize) -> String {
    let label = console::truncate_str(label, width.saturating_sub(4), "…");
    let used = measure_text_width(&label) + 4;
    format!("── {label} {}", "─".repeat(width.saturating_sub(used)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_fills_the_width_and_never_passes_it() {
        let label = "15/15 · step consistency-result · waiting for the cluster";
        for width in [20, 59, 60, 61, 62, 80, 100] {
            assert_eq!(measure_text_width(&rule(label, width)), width, "{width}");
        }
        assert!(rule(label, 40).contains('…'));
        assert_eq!(rule("1/15", 10), "── 1/15 ──");
    }

    #[test]
    fn commands_to_copy() {
        assert_eq!(
            first_command(
                "redis-cli",
                "redis-cli (127.0.158.102:6380) > CLUSTER FAILOVER"
            ),
            Some("redis-cli -h 127.0.158.102 -p 6380 CLUSTER FAILOVER".into())
        );
        assert_eq!(
            first_command(
                "bash",
                "> redis-cli --cluster check 127.0.158.100:6379\n  127.0.158.100:6379 (6406…)"
            ),
            Some("redis-cli --cluster check 127.0.158.100:6379".into())
        );
        assert_eq!(
            first_command("bash", "(nodeX) > lab node kill b:6379"),
            Some("lab node kill b:6379".into())
        );
        assert_eq!(
            first_command("", "4931:M 07 Mar 2020 22:46:30.715 # Manual failover"),
            None
        );
    }
}
