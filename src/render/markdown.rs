//! Renders one slide's Markdown for a terminal.
//!
//! pulldown-cmark events become styled spans; prose is word-wrapped to the
//! terminal width and prefixed by its enclosing containers (block quotes, list
//! items). Code blocks are never wrapped: students copy their lines verbatim.

use console::{Style, measure_text_width};
use pulldown_cmark::{Alignment, CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// How to render.
#[derive(Clone, Copy, Debug)]
pub struct RenderStyle {
    /// ANSI colours and attributes; false = plain text (stdout not a terminal, or NO_COLOR).
    pub color: bool,
    /// Terminal width in columns; paragraphs wrap to it. Must work well at 80 and down to 40.
    pub width: usize,
    /// Render everything dimmed (used for speaker notes).
    pub dim: bool,
}

/// Narrower widths are treated as this so wrapping always has room to work.
const MIN_WIDTH: usize = 20;
/// Thematic breaks never get longer than this, however wide the terminal.
const MAX_RULE_WIDTH: usize = 80;
/// Put before every code-block line.
const CODE_BAR: &str = "▏  ";
/// Put before every line inside a block quote.
const QUOTE_BAR: &str = "│ ";
/// Bullets for unordered lists, by nesting level.
const BULLETS: [&str; 3] = ["•", "◦", "▪"];
/// Text of the span standing for a hard line break; cleaned text never holds a newline.
const HARD_BREAK: &str = "\n";
/// Code-block languages whose `# ` lines are root prompts rather than comments.
const SHELL_LANGS: [&str; 10] = [
    "bash",
    "sh",
    "shell",
    "zsh",
    "ksh",
    "fish",
    "console",
    "terminal",
    "shell-session",
    "shellsession",
];

/// Renders one slide's Markdown for a terminal. Never panics on any input.
///
/// The result ends with exactly one newline, has no trailing spaces and no runs
/// of blank lines. Without `style.color` it holds no escape sequences at all.
pub fn render_markdown(markdown: &str, style: RenderStyle) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut renderer = Renderer::new(style);
    for event in Parser::new_ext(markdown, options) {
        renderer.event(event);
    }
    renderer.finish()
}

/// What a span is, which decides its colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Role {
    #[default]
    Text,
    Heading(u8),
    Url,
    Image,
    QuoteBar,
    Marker,
    CodeBar,
    Prompt,
    Command,
    Output,
    TableSep,
    Rule,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Attrs {
    role: Role,
    bold: bool,
    italic: bool,
    strike: bool,
    code: bool,
    link: bool,
}

impl Attrs {
    fn of(role: Role) -> Self {
        Attrs {
            role,
            ..Attrs::default()
        }
    }
}

/// A run of unstyled text and how to style it. Styling is applied only when a
/// line is complete, so widths are always measured on plain text.
#[derive(Clone, Debug)]
struct Span {
    text: String,
    attrs: Attrs,
}

impl Span {
    fn new(text: impl Into<String>, attrs: Attrs) -> Self {
        Span {
            text: text.into(),
            attrs,
        }
    }
}

/// Blocks that put a prefix before each of their lines.
enum Container {
    Quote,
    /// `next` is the next item number of an ordered list; `loose` once an item holds a paragraph.
    List {
        next: Option<u64>,
        loose: bool,
    },
    /// `pending` until the marker has been shown on the item's first line.
    Item {
        marker: String,
        pending: bool,
    },
}

struct CodeBlock {
    lang: String,
    text: String,
}

#[derive(Default)]
struct Table {
    aligns: Vec<Alignment>,
    head: Vec<Vec<Span>>,
    rows: Vec<Vec<Vec<Span>>>,
    row: Vec<Vec<Span>>,
}

struct Renderer {
    style: RenderStyle,
    width: usize,
    lines: Vec<String>,
    containers: Vec<Container>,
    /// Inline content of the block being read, flushed (wrapped) when it ends.
    inline: Vec<Span>,
    need_blank: bool,
    bold: usize,
    italic: usize,
    strike: usize,
    heading: Option<u8>,
    /// Open links: destination and where their text starts in `inline`.
    links: Vec<(String, usize)>,
    /// Open images: where their `[image: ` span is in `inline`.
    images: Vec<usize>,
    code: Option<CodeBlock>,
    table: Option<Table>,
}

impl Renderer {
    fn new(style: RenderStyle) -> Self {
        Renderer {
            style,
            width: style.width.max(MIN_WIDTH),
            lines: Vec::new(),
            containers: Vec::new(),
            inline: Vec::new(),
            need_blank: false,
            bold: 0,
            italic: 0,
            strike: 0,
            heading: None,
            links: Vec::new(),
            images: Vec::new(),
            code: None,
            table: None,
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => self.inline_code(&code),
            Event::SoftBreak => self.push(" ", self.attrs()),
            Event::HardBreak => self.push(HARD_BREAK, self.attrs()),
            Event::Rule => self.rule(),
            // HTML (slide directives such as `<!-- step: x -->` included) is not for
            // the audience; the remaining events need options we do not enable.
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                self.mark_loose();
                self.start_block();
            }
            Tag::Heading { level, .. } => {
                self.start_block();
                self.heading = Some(level as u8);
            }
            Tag::BlockQuote(_) => {
                self.start_block();
                self.containers.push(Container::Quote);
            }
            Tag::CodeBlock(kind) => {
                self.start_block();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some(CodeBlock {
                    lang,
                    text: String::new(),
                });
            }
            Tag::List(start) => {
                self.start_block();
                self.containers.push(Container::List {
                    next: start,
                    loose: false,
                });
            }
            Tag::Item => self.start_item(),
            Tag::Table(aligns) => {
                self.start_block();
                self.table = Some(Table {
                    aligns,
                    ..Table::default()
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.row.clear();
                }
            }
            Tag::TableCell => self.inline.clear(),
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Strikethrough => self.strike += 1,
            Tag::Link { dest_url, .. } => {
                self.links.push((dest_url.to_string(), self.inline.len()))
            }
            Tag::Image { .. } => {
                self.images.push(self.inline.len());
                self.push("[image: ", Attrs::of(Role::Image));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush_inline();
                self.need_blank = true;
            }
            TagEnd::Heading(_) => {
                self.flush_inline();
                self.heading = None;
                self.need_blank = true;
            }
            TagEnd::BlockQuote(_) => {
                self.flush_inline();
                self.containers.pop();
                self.need_blank = true;
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    self.code_block(&code);
                }
                self.need_blank = true;
            }
            TagEnd::List(_) => {
                self.flush_inline();
                self.containers.pop();
                // A nested list inside a tight item runs straight on to the next item.
                self.need_blank = !self.in_tight_item();
            }
            TagEnd::Item => self.end_item(),
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.render_table(table);
                }
                self.need_blank = true;
            }
            TagEnd::TableHead => {
                if let Some(table) = &mut self.table {
                    table.head = std::mem::take(&mut table.row);
                }
            }
            TagEnd::TableRow => {
                if let Some(table) = &mut self.table {
                    let row = std::mem::take(&mut table.row);
                    table.rows.push(row);
                }
            }
            TagEnd::TableCell => {
                let mut cell = std::mem::take(&mut self.inline);
                // Table rows are single lines.
                for span in &mut cell {
                    if span.text == HARD_BREAK {
                        span.text = " ".to_string();
                    }
                }
                if let Some(table) = &mut self.table {
                    table.row.push(cell);
                }
            }
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            TagEnd::Link => self.end_link(),
            TagEnd::Image => self.end_image(),
            _ => {}
        }
    }

    /// Attributes for inline text at the current point.
    fn attrs(&self) -> Attrs {
        let role = if !self.images.is_empty() {
            Role::Image
        } else if let Some(level) = self.heading {
            Role::Heading(level)
        } else {
            Role::Text
        };
        Attrs {
            role,
            bold: self.bold > 0,
            italic: self.italic > 0,
            strike: self.strike > 0,
            code: false,
            link: !self.links.is_empty(),
        }
    }

    fn push(&mut self, text: &str, attrs: Attrs) {
        if !text.is_empty() {
            self.inline.push(Span::new(text, attrs));
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(code) = &mut self.code {
            code.text.push_str(text);
        } else {
            self.push(&clean(text), self.attrs());
        }
    }

    fn inline_code(&mut self, code: &str) {
        let attrs = Attrs {
            code: true,
            ..self.attrs()
        };
        let code = clean(code);
        if self.style.color {
            self.push(&code, attrs);
        } else {
            // Without colour the backticks are what marks it as code.
            self.push(&format!("`{code}`"), attrs);
        }
    }

    fn end_link(&mut self) {
        let Some((url, start)) = self.links.pop() else {
            return;
        };
        let start = start.min(self.inline.len());
        let text: String = self.inline[start..]
            .iter()
            .map(|span| span.text.as_str())
            .collect();
        let text = text.trim().trim_matches('`');
        let url = clean(&url);
        let url = url.trim();
        let is_autolink = text == url || url.strip_prefix("mailto:") == Some(text);
        if url.is_empty() || is_autolink {
            return;
        }
        self.push(" ", self.attrs());
        self.push(&format!("({url})"), Attrs::of(Role::Url));
    }

    fn end_image(&mut self) {
        let Some(start) = self.images.pop() else {
            return;
        };
        if self.inline.len() <= start + 1 {
            // No alt text: do not leave a dangling "[image: ".
            if let Some(span) = self.inline.get_mut(start) {
                span.text = "[image]".to_string();
            }
        } else {
            self.push("]", Attrs::of(Role::Image));
        }
    }

    /// Ends the inline content before a new block and separates blocks by one blank line.
    fn start_block(&mut self) {
        self.flush_inline();
        if self.need_blank {
            self.blank();
            self.need_blank = false;
        }
    }

    fn start_item(&mut self) {
        self.start_block();
        let depth = self
            .containers
            .iter()
            .filter(|c| matches!(c, Container::List { .. }))
            .count();
        let marker = match self.containers.last_mut() {
            Some(Container::List { next: Some(n), .. }) => {
                let marker = format!("{n}. ");
                *n = n.saturating_add(1);
                marker
            }
            _ => format!("{} ", BULLETS[depth.saturating_sub(1) % BULLETS.len()]),
        };
        self.containers.push(Container::Item {
            marker,
            pending: true,
        });
    }

    fn end_item(&mut self) {
        self.flush_inline();
        if let Some(Container::Item { pending: true, .. }) = self.containers.last() {
            // An empty item still shows its marker.
            self.emit(Vec::new());
        }
        self.containers.pop();
    }

    /// A paragraph directly inside an item makes its list loose (blank lines between items).
    fn mark_loose(&mut self) {
        if let [.., Container::List { loose, .. }, Container::Item { .. }] =
            self.containers.as_mut_slice()
        {
            *loose = true;
        }
    }

    fn in_tight_item(&self) -> bool {
        matches!(
            self.containers.as_slice(),
            [
                ..,
                Container::List { loose: false, .. },
                Container::Item { .. }
            ]
        )
    }

    /// Prefix of the next line. With `markers`, pending list markers are shown;
    /// otherwise their place is kept blank.
    fn prefix(&self, markers: bool) -> Vec<Span> {
        // Deep nesting must not eat the room the text itself needs.
        let budget = self.width / 2;
        let mut used = 0;
        let mut pieces = Vec::new();
        for container in &self.containers {
            let (text, role) = match container {
                Container::Quote => (QUOTE_BAR.to_string(), Role::QuoteBar),
                Container::List { .. } => continue,
                Container::Item { marker, pending } if markers && *pending => {
                    (marker.clone(), Role::Marker)
                }
                Container::Item { marker, .. } => {
                    (" ".repeat(measure_text_width(marker)), Role::Text)
                }
            };
            let width = measure_text_width(&text);
            if used + width > budget {
                break;
            }
            used += width;
            pieces.push(Span::new(text, Attrs::of(role)));
        }
        pieces
    }

    /// Columns left for content after the prefix; at least half the width.
    fn avail(&self) -> usize {
        let prefix: usize = self
            .prefix(false)
            .iter()
            .map(|span| measure_text_width(&span.text))
            .sum();
        self.width - prefix
    }

    fn emit(&mut self, content: Vec<Span>) {
        let mut pieces = self.prefix(true);
        for container in &mut self.containers {
            if let Container::Item { pending, .. } = container {
                *pending = false;
            }
        }
        pieces.extend(content);
        let line = self.paint(pieces);
        self.lines.push(line);
    }

    fn blank(&mut self) {
        let line = self.paint(self.prefix(false));
        self.lines.push(line);
    }

    fn flush_inline(&mut self) {
        if self.inline.is_empty() {
            return;
        }
        let spans = std::mem::take(&mut self.inline);
        for line in wrap(&spans, self.avail()) {
            self.emit(line);
        }
    }

    fn rule(&mut self) {
        self.start_block();
        let width = self.avail().min(MAX_RULE_WIDTH);
        self.emit(vec![Span::new("─".repeat(width), Attrs::of(Role::Rule))]);
        self.need_blank = true;
    }

    fn code_block(&mut self, block: &CodeBlock) {
        let text = block.text.strip_suffix('\n').unwrap_or(&block.text);
        if text.is_empty() {
            return;
        }
        let lines: Vec<String> = text.split('\n').map(clean_code).collect();
        let shell = SHELL_LANGS.contains(&block.lang.as_str());
        let detect = |hash| -> Vec<Option<usize>> {
            lines.iter().map(|line| prompt_len(line, hash)).collect()
        };
        // `# ` is a root prompt only in shell blocks with no other prompt: next to
        // `> ` it is output, such as the section titles of `INFO`.
        let mut prompts = detect(false);
        if shell && prompts.iter().all(Option::is_none) {
            prompts = detect(true);
        }
        let any_prompt = prompts.iter().any(Option::is_some);
        // Without prompts, a redis-cli block is a list of commands; a shell block mixes
        // commands with their output (the course's logs and `--cluster check` results), so
        // only lines that start with a program name at the margin count as commands.
        let redis = block.lang.starts_with("redis");
        let looks_like_command =
            |line: &str| !any_prompt && (redis || (shell && starts_with_program(line)));
        let mut continued = false;
        for (line, prompt) in lines.iter().zip(prompts) {
            let mut spans = vec![Span::new(CODE_BAR, Attrs::of(Role::CodeBar))];
            let command = match prompt {
                Some(end) => {
                    spans.push(Span::new(&line[..end], Attrs::of(Role::Prompt)));
                    spans.push(Span::new(&line[end..], Attrs::of(Role::Command)));
                    true
                }
                None if continued || looks_like_command(line) => {
                    spans.push(Span::new(line, Attrs::of(Role::Command)));
                    true
                }
                None => {
                    let role = if any_prompt { Role::Output } else { Role::Text };
                    spans.push(Span::new(line, Attrs::of(role)));
                    false
                }
            };
            // `\` at the end continues the command on the next line.
            continued = command && line.ends_with('\\');
            self.emit(spans);
        }
    }

    fn render_table(&mut self, table: Table) {
        let Table {
            aligns,
            mut head,
            rows,
            ..
        } = table;
        for span in head.iter_mut().flatten() {
            span.attrs.bold = true;
        }
        let columns = rows.iter().chain([&head]).map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return;
        }
        let mut widths = vec![0; columns];
        for row in rows.iter().chain([&head]) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(spans_width(cell));
            }
        }
        let total = widths.iter().sum::<usize>() + 3 * (columns - 1);
        let has_head = head.iter().any(|cell| spans_width(cell) > 0);
        if total <= self.avail() {
            if has_head {
                self.table_row(&head, &widths, &aligns);
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                self.emit(vec![Span::new(rule.join("─┼─"), Attrs::of(Role::TableSep))]);
            }
            for row in &rows {
                self.table_row(row, &widths, &aligns);
            }
        } else {
            self.stacked_table(&head, &rows);
        }
    }

    fn table_row(&mut self, cells: &[Vec<Span>], widths: &[usize], aligns: &[Alignment]) {
        let mut line = Vec::new();
        for (i, width) in widths.iter().enumerate() {
            if i > 0 {
                line.push(Span::new(" │ ", Attrs::of(Role::TableSep)));
            }
            let cell = cells.get(i).map(Vec::as_slice).unwrap_or_default();
            let pad = width.saturating_sub(spans_width(cell));
            let (before, after) = match aligns.get(i) {
                Some(Alignment::Right) => (pad, 0),
                Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                _ => (0, pad),
            };
            line.push(Span::new(" ".repeat(before), Attrs::default()));
            line.extend(cell.iter().cloned());
            line.push(Span::new(" ".repeat(after), Attrs::default()));
        }
        self.emit(line);
    }

    /// A table too wide for the terminal: one `Header: value` paragraph per cell.
    fn stacked_table(&mut self, head: &[Vec<Span>], rows: &[Vec<Vec<Span>>]) {
        if rows.is_empty() {
            for cell in head {
                self.emit_wrapped(cell);
            }
            return;
        }
        let label = Attrs {
            bold: true,
            ..Attrs::default()
        };
        for (r, row) in rows.iter().enumerate() {
            if r > 0 {
                self.blank();
            }
            for (i, cell) in row.iter().enumerate() {
                let mut spans = Vec::new();
                if let Some(name) = head.get(i).filter(|name| spans_width(name) > 0) {
                    spans.extend(name.iter().cloned());
                    spans.push(Span::new(": ", label));
                }
                spans.extend(cell.iter().cloned());
                self.emit_wrapped(&spans);
            }
        }
    }

    fn emit_wrapped(&mut self, spans: &[Span]) {
        for line in wrap(spans, self.avail()) {
            self.emit(line);
        }
    }

    /// Drops trailing blanks, merges equally styled neighbours and styles them.
    fn paint(&self, mut pieces: Vec<Span>) -> String {
        while let Some(last) = pieces.last_mut() {
            let kept = last.text.trim_end().len();
            last.text.truncate(kept);
            if !last.text.is_empty() {
                break;
            }
            pieces.pop();
        }
        let mut merged: Vec<Span> = Vec::new();
        for piece in pieces {
            match merged.last_mut() {
                Some(last) if last.attrs == piece.attrs => last.text.push_str(&piece.text),
                _ if piece.text.is_empty() => {}
                _ => merged.push(piece),
            }
        }
        if !self.style.color {
            return merged.into_iter().map(|span| span.text).collect();
        }
        merged
            .iter()
            .map(|span| {
                self.console_style(span.attrs)
                    .apply_to(&span.text)
                    .to_string()
            })
            .collect()
    }

    fn console_style(&self, attrs: Attrs) -> Style {
        let base = Style::new().force_styling(true);
        let mut style = match attrs.role {
            Role::Text | Role::Output => base,
            Role::Heading(1 | 2) => base.cyan().bold(),
            Role::Heading(_) => base.bold(),
            Role::Url => base.dim().underlined(),
            Role::Image => base.dim().italic(),
            Role::QuoteBar | Role::CodeBar | Role::Prompt | Role::TableSep | Role::Rule => {
                base.dim()
            }
            Role::Marker => base.cyan(),
            Role::Command => base.green().bold(),
        };
        if attrs.bold {
            style = style.bold();
        }
        if attrs.italic {
            style = style.italic();
        }
        if attrs.strike {
            style = style.strikethrough();
        }
        if attrs.code {
            style = style.yellow();
        } else if attrs.link {
            style = style.blue();
        }
        if attrs.link {
            style = style.underlined();
        }
        if self.style.dim {
            style = style.dim();
        }
        style
    }

    fn finish(mut self) -> String {
        self.flush_inline();
        let mut out = String::new();
        // Starting "in" a blank run also drops leading blank lines.
        let mut in_blank_run = true;
        for line in &self.lines {
            if line.is_empty() {
                if in_blank_run {
                    continue;
                }
                in_blank_run = true;
            } else {
                in_blank_run = false;
            }
            out.push_str(line);
            out.push('\n');
        }
        while out.ends_with("\n\n") {
            out.pop();
        }
        if out.is_empty() {
            out.push('\n');
        }
        out
    }
}

enum Token {
    Word(Vec<Span>),
    Space(Attrs),
    Break,
}

/// Splits spans into words (runs without ASCII spaces, possibly of several styles),
/// spaces and hard breaks.
fn tokens(spans: &[Span]) -> Vec<Token> {
    fn end_word(word: &mut Vec<Span>, tokens: &mut Vec<Token>) {
        if !word.is_empty() {
            tokens.push(Token::Word(std::mem::take(word)));
        }
    }
    let mut tokens = Vec::new();
    let mut word: Vec<Span> = Vec::new();
    for span in spans {
        if span.text == HARD_BREAK {
            end_word(&mut word, &mut tokens);
            tokens.push(Token::Break);
            continue;
        }
        // Inline code is a command or a name meant for copying: it is never broken.
        if span.attrs.code {
            word.push(span.clone());
            continue;
        }
        for (i, part) in span.text.split(' ').enumerate() {
            if i > 0 {
                end_word(&mut word, &mut tokens);
                tokens.push(Token::Space(span.attrs));
            }
            if !part.is_empty() {
                word.push(Span::new(part, span.attrs));
            }
        }
    }
    end_word(&mut word, &mut tokens);
    tokens
}

/// Greedy word wrap to `width` columns. A word wider than that gets a line of its
/// own rather than being broken.
fn wrap(spans: &[Span], width: usize) -> Vec<Vec<Span>> {
    let mut lines = Vec::new();
    let mut line: Vec<Span> = Vec::new();
    let mut line_width = 0;
    let mut space: Option<Attrs> = None;
    for token in tokens(spans) {
        match token {
            Token::Space(attrs) => {
                if !line.is_empty() && space.is_none() {
                    space = Some(attrs);
                }
            }
            Token::Break => {
                if !line.is_empty() || !lines.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                line_width = 0;
                space = None;
            }
            Token::Word(word) => {
                let word_width = spans_width(&word);
                match space.take() {
                    _ if line.is_empty() => {
                        line = word;
                        line_width = word_width;
                    }
                    Some(attrs) if line_width + 1 + word_width <= width => {
                        line.push(Span::new(" ", attrs));
                        line.extend(word);
                        line_width += 1 + word_width;
                    }
                    _ => {
                        lines.push(std::mem::replace(&mut line, word));
                        line_width = word_width;
                    }
                }
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    while lines.last().is_some_and(Vec::is_empty) {
        lines.pop();
    }
    lines
}

fn spans_width(spans: &[Span]) -> usize {
    let text: String = spans.iter().map(|span| span.text.as_str()).collect();
    measure_text_width(&text)
}

/// Prose text without control characters (no escape sequence gets through) and
/// with line breaks and tabs as plain spaces.
fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// A code line as typed, minus control characters and trailing blanks. Tabs are
/// expanded because the prefix would shift the terminal's tab stops.
fn clean_code(line: &str) -> String {
    let mut out = String::new();
    for c in line.trim_end().chars() {
        match c {
            '\t' => {
                let column = measure_text_width(&out);
                out.extend(std::iter::repeat_n(' ', 8 - column % 8));
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `redis-cli -c -h …`, `cd /usr/local`, `./run.sh`: a lowercase program name at the very start
/// of the line. Log lines (`4931:M …`), `--cluster check` output (`M: …`, `[OK] …`) and
/// indented continuation lines do not start that way.
fn starts_with_program(line: &str) -> bool {
    let word = line.split(' ').next().unwrap_or("");
    let mut chars = word.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '.' || c == '/')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_./-".contains(c))
}

/// Byte length of the shell or redis-cli prompt starting `line` (its trailing
/// space included), if the line has one. Recognised, after optional indentation:
/// `> `, `$ `, `# ` (only when `hash_prompt`, i.e. in shell blocks), a label stuck
/// to the sigil (`127.0.0.1:6379> `, `user@host:~$ `), and a parenthesised part
/// with an optional label before it (`(nodeX) > `, `redis-cli (host:port) > `).
fn prompt_len(line: &str, hash_prompt: bool) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line.as_bytes()[indent..];
    let is_label = |b: u8| b.is_ascii_alphanumeric() || b"_.:@~/-[]".contains(&b);
    let label_len = rest.iter().take_while(|&&b| is_label(b)).count();
    let label = rest[..label_len].iter().any(u8::is_ascii_alphanumeric);
    if label_len > 0 && !label {
        // Things like `-> ` or `--> ` in command output.
        return None;
    }
    let mut i = label_len;
    let mut paren = false;
    let open = if label && rest.get(i) == Some(&b' ') {
        i + 1
    } else {
        i
    };
    let group = rest
        .get(open..)
        .filter(|after| after.starts_with(b"("))
        .and_then(|after| after.iter().position(|&b| b == b')'));
    if let Some(close) = group {
        paren = true;
        i = open + close + 1;
        while rest.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    match rest.get(i)? {
        b'>' | b'$' => {}
        b'#' if hash_prompt || label || paren => {}
        _ => return None,
    }
    i += 1;
    match rest.get(i) {
        None => Some(indent + i),
        Some(b' ') => Some(indent + i + 1),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use console::strip_ansi_codes;
    use proptest::prelude::*;

    const SLIDE: &str = r#"#### 💻️ _Manual failover_

Redis soporta _Manual failovers_ a través del comando [`CLUSTER FAILOVER`](https://redis.io/commands/cluster-failover).

Nos conectamos a `127.0.158.102:6380`:

```bash
(nodeX) > redis-cli -c -h 127.0.158.102 -p 6380
```

```redis-cli
redis-cli (127.0.158.102:6380) > CLUSTER FAILOVER
```

```bash
> redis-cli --cluster check 127.0.158.100:6379
  127.0.158.100:6379 (640673d5...) -> 2400 keys | 5961 slots | 1 slaves.
  [OK] 6557 keys in 3 masters.
  >>> Performing Cluster Check (using node 127.0.158.100:6379)
```
<!-- step: failover -->
"#;

    const COMMANDS: [&str; 3] = [
        "(nodeX) > redis-cli -c -h 127.0.158.102 -p 6380",
        "redis-cli (127.0.158.102:6380) > CLUSTER FAILOVER",
        "> redis-cli --cluster check 127.0.158.100:6379",
    ];
    const OUTPUT: [&str; 3] = [
        "  127.0.158.100:6379 (640673d5...) -> 2400 keys | 5961 slots | 1 slaves.",
        "  [OK] 6557 keys in 3 masters.",
        "  >>> Performing Cluster Check (using node 127.0.158.100:6379)",
    ];

    fn plain(markdown: &str, width: usize) -> String {
        let style = RenderStyle {
            color: false,
            width,
            dim: false,
        };
        render_markdown(markdown, style)
    }

    fn colored(markdown: &str, width: usize) -> String {
        let style = RenderStyle {
            color: true,
            width,
            dim: false,
        };
        render_markdown(markdown, style)
    }

    fn is_code_line(line: &str) -> bool {
        line.contains(CODE_BAR.trim_end())
    }

    /// The promises every output keeps, whatever its width.
    fn check_structure(text: &str) -> Result<(), TestCaseError> {
        prop_assert!(text.ends_with('\n'));
        prop_assert!(
            text == "\n" || !text.starts_with('\n'),
            "leading blank line"
        );
        prop_assert!(!text.ends_with("\n\n"), "more than one trailing newline");
        prop_assert!(!text.contains("\n\n\n"), "run of blank lines");
        Ok(())
    }

    /// Checks the layout promises on plain (or ANSI-stripped) output.
    fn check_layout(text: &str, width: usize) -> Result<(), TestCaseError> {
        check_structure(text)?;
        let width = width.max(MIN_WIDTH);
        for line in text.lines() {
            prop_assert!(
                !line.ends_with(char::is_whitespace),
                "trailing blank: {line:?}"
            );
            // Inline code (in backticks) is never broken, spaces and all: a line that holds
            // some may overflow with it.
            if is_code_line(line) || measure_text_width(line) <= width || line.contains('`') {
                continue;
            }
            // Only a single unbreakable word may overflow, after a prefix of at
            // most half the width.
            let word = line.rsplit(' ').next().unwrap_or_default();
            let before = &line[..line.len() - word.len()];
            prop_assert!(
                measure_text_width(before) <= width / 2,
                "line wider than {width} is more than one long word: {line:?}"
            );
        }
        Ok(())
    }

    #[test]
    fn plain_slide_renders_exactly() {
        let expected = "\
💻️ Manual failover

Redis soporta Manual failovers a través del comando `CLUSTER FAILOVER`
(https://redis.io/commands/cluster-failover).

Nos conectamos a `127.0.158.102:6380`:

▏  (nodeX) > redis-cli -c -h 127.0.158.102 -p 6380

▏  redis-cli (127.0.158.102:6380) > CLUSTER FAILOVER

▏  > redis-cli --cluster check 127.0.158.100:6379
▏    127.0.158.100:6379 (640673d5...) -> 2400 keys | 5961 slots | 1 slaves.
▏    [OK] 6557 keys in 3 masters.
▏    >>> Performing Cluster Check (using node 127.0.158.100:6379)
";
        assert_eq!(plain(SLIDE, 80), expected);
    }

    #[test]
    fn plain_slide_keeps_commands_and_hides_markup() {
        for width in [40, 80, 120] {
            let out = plain(SLIDE, width);
            assert!(!out.contains('\x1b'));
            assert!(!out.contains('#'));
            assert!(!out.contains("<!--") && !out.contains("step:"));
            assert!(out.contains("https://redis.io/commands/cluster-failover"));
            assert!(out.contains("`CLUSTER FAILOVER`"));
            for line in COMMANDS.iter().chain(&OUTPUT) {
                assert!(out.lines().any(|l| l.ends_with(line)), "{line:?} in {out}");
            }
            check_layout(&out, width).unwrap();
        }
    }

    #[test]
    fn colored_slide_styles_commands_and_fits_width() {
        for width in [40, 80] {
            let out = colored(SLIDE, width);
            assert!(out.contains('\x1b'));
            let stripped = strip_ansi_codes(&out);
            for line in COMMANDS.iter().chain(&OUTPUT) {
                assert!(stripped.lines().any(|l| l.ends_with(line)), "{line:?}");
            }
            check_layout(&stripped, width).unwrap();
            if width == 80 {
                let code = stripped.lines().filter(|line| !is_code_line(line));
                assert!(code.map(measure_text_width).all(|w| w <= 80));
            }
        }
        let out = colored(SLIDE, 80);
        let command = Style::new().green().bold().force_styling(true);
        let prompt = Style::new().dim().force_styling(true);
        assert!(out.contains(&command.apply_to("CLUSTER FAILOVER").to_string()));
        assert!(out.contains(&prompt.apply_to("(nodeX) > ").to_string()));
        // Output lines are printed as they are, not as commands.
        assert!(out.contains(&format!("{}\n", OUTPUT[1])));
    }

    #[test]
    fn inline_styles_in_color() {
        let out = colored("*it* **bold** ~~gone~~ `code` [site](https://x.org)", 80);
        let style = |s: Style| s.force_styling(true);
        assert!(out.contains(&style(Style::new().italic()).apply_to("it").to_string()));
        assert!(out.contains(&style(Style::new().bold()).apply_to("bold").to_string()));
        let strike = style(Style::new().strikethrough()).apply_to("gone");
        assert!(out.contains(&strike.to_string()));
        assert!(out.contains(&style(Style::new().yellow()).apply_to("code").to_string()));
        let url = style(Style::new().dim().underlined()).apply_to("(https://x.org)");
        assert!(out.contains(&url.to_string()));
        assert_eq!(
            strip_ansi_codes(&out),
            "it bold gone code site (https://x.org)\n"
        );
    }

    #[test]
    fn headings_have_no_hashes_and_a_blank_line_after() {
        assert_eq!(
            plain("# Title\ntext\n## Sub\n", 80),
            "Title\n\ntext\n\nSub\n"
        );
        let out = colored("# Title", 80);
        let title = Style::new().cyan().bold().force_styling(true);
        assert_eq!(out, format!("{}\n", title.apply_to("Title")));
    }

    #[test]
    fn links_equal_to_their_url_are_not_repeated() {
        assert_eq!(plain("<https://redis.io>", 80), "https://redis.io\n");
        assert_eq!(plain("<a@b.org>", 80), "a@b.org\n");
        assert_eq!(plain("[x](y)", 80), "x (y)\n");
    }

    #[test]
    fn wraps_paragraphs_at_40_and_80() {
        let words: Vec<String> = (0..60)
            .map(|i| format!("word{}", "x".repeat(i % 7)))
            .collect();
        let text = words.join(" ");
        for width in [40, 80] {
            let out = plain(&text, width);
            let lines: Vec<&str> = out.lines().collect();
            assert!(lines.len() > 1);
            assert!(lines.iter().all(|line| measure_text_width(line) <= width));
            // Greedy: the next line's first word would not have fitted.
            for pair in lines.windows(2) {
                let next = pair[1].split(' ').next().unwrap();
                assert!(measure_text_width(pair[0]) + 1 + measure_text_width(next) > width);
            }
            let rejoined: Vec<&str> = out.split_whitespace().collect();
            assert_eq!(rejoined, words);
        }
    }

    #[test]
    fn soft_and_hard_breaks() {
        assert_eq!(plain("one\ntwo", 80), "one two\n");
        assert_eq!(plain("one  \ntwo\\\nthree", 80), "one\ntwo\nthree\n");
    }

    #[test]
    fn long_word_gets_its_own_line_unbroken() {
        let long = "x".repeat(50);
        assert_eq!(plain(&format!("a {long} b"), 40), format!("a\n{long}\nb\n"));
    }

    #[test]
    fn nested_lists() {
        let out = plain("- a\n  - b\n    - c\n- d\n\nafter", 80);
        assert_eq!(out, "• a\n  ◦ b\n    ▪ c\n• d\n\nafter\n");
        let loose = plain("- a\n\n- b\n", 80);
        assert_eq!(loose, "• a\n\n• b\n");
        assert_eq!(plain("-\n- x", 80), "•\n• x\n");
    }

    #[test]
    fn ordered_list_keeps_start_and_aligns_continuations() {
        let out = plain("7. seven\n8. eight\n9. nine\n10. ten", 80);
        assert_eq!(out, "7. seven\n8. eight\n9. nine\n10. ten\n");
        let long = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do";
        let out = plain(&format!("3. {long}"), 40);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "3. lorem ipsum dolor sit amet");
        assert!(
            lines[1..]
                .iter()
                .all(|line| line.starts_with("   ") && !line.starts_with("    "))
        );
        assert!(lines.iter().all(|line| measure_text_width(line) <= 40));
    }

    #[test]
    fn blockquote_has_a_bar_and_wraps_inside() {
        let text = "> a quoted paragraph that is long enough to wrap at forty\n>\n> second";
        let out = plain(text, 40);
        assert!(out.lines().all(|line| line.starts_with('│')));
        assert!(out.lines().all(|line| measure_text_width(line) <= 40));
        assert!(out.contains("\n│\n│ second\n"));
        let dimmed_bar = Style::new().dim().force_styling(true).apply_to("│ ");
        assert!(colored(text, 40).starts_with(&dimmed_bar.to_string()));
    }

    #[test]
    fn code_block_in_list_item() {
        let out = plain("- run:\n\n  ```bash\n  $ ls\n  ```\n- next", 80);
        assert_eq!(out, "• run:\n\n  ▏  $ ls\n\n• next\n");
    }

    #[test]
    fn table_is_padded_with_separators() {
        let text = "| Node | Port |\n|:-----|-----:|\n| `a` | 6379 |\n| bb | 1 |\n";
        assert_eq!(
            plain(text, 80),
            "Node │ Port\n─────┼─────\n`a`  │ 6379\nbb   │    1\n"
        );
        let bold = Style::new().bold().force_styling(true);
        assert!(colored(text, 80).contains(&bold.apply_to("Node").to_string()));
    }

    #[test]
    fn too_wide_table_is_stacked() {
        let cell = "a fairly long cell value";
        let text = format!("| One | Two | Three |\n|---|---|---|\n| {cell} | {cell} | {cell} |\n");
        let out = plain(&text, 40);
        assert!(out.starts_with("One: a fairly long cell value\nTwo: "));
        check_layout(&out, 40).unwrap();
    }

    #[test]
    fn html_images_and_rules() {
        let out = plain(
            "a <b>bold</b>\n\n<div>\nhidden\n</div>\n\n![a cat](cat.png)\n\n---",
            40,
        );
        assert_eq!(
            out,
            format!("a bold\n\n[image: a cat]\n\n{}\n", "─".repeat(40))
        );
        assert_eq!(plain("![](x.png)", 80), "[image]\n");
        assert_eq!(plain("---", 120), format!("{}\n", "─".repeat(80)));
    }

    #[test]
    fn dim_dims_everything_in_color_only() {
        let dim = RenderStyle {
            color: true,
            width: 80,
            dim: true,
        };
        let out = render_markdown("note `x`\n\n```\n$ ls\n```", dim);
        for piece in out.split("\x1b[0m").filter(|p| !p.trim().is_empty()) {
            assert!(piece.contains("\x1b[2m"), "{piece:?} not dimmed");
        }
        let plain_dim = RenderStyle {
            color: false,
            ..dim
        };
        assert_eq!(render_markdown(SLIDE, plain_dim), plain(SLIDE, 80));
    }

    #[test]
    fn prompts() {
        let cases = [
            ("> ls", Some(2)),
            ("$ ls", Some(2)),
            ("  $ ls", Some(4)),
            ("(nodeX) > redis-cli", Some(10)),
            ("(nodeX)> redis-cli", Some(9)),
            ("redis-cli (127.0.0.1:6380) > GET k", Some(29)),
            ("127.0.0.1:6379> GET k", Some(16)),
            ("127.0.0.1:6379[1]> GET k", Some(19)),
            ("root@node:~# ls", Some(13)),
            (">", Some(1)),
            ("# ls", None),
            (">>> Performing Cluster Check", None),
            ("127.0.158.100:6379 (640673d5...) -> 2400 keys", None),
            ("[OK] 6557 keys in 3 masters.", None),
            ("-> Slot 0", None),
            ("(integer) 1", None),
            ("a > b", None),
            ("OK", None),
            ("", None),
        ];
        for (line, expected) in cases {
            assert_eq!(prompt_len(line, false), expected, "{line:?}");
        }
        assert_eq!(prompt_len("# apt install redis", true), Some(2));
    }

    #[test]
    fn prompt_less_shell_blocks_mark_only_program_lines_as_commands() {
        let command = Style::new().green().bold().force_styling(true);
        let log = "```bash\n4931:M 07 Mar 2020 22:46:30.715 # Manual failover requested\n```";
        // Nothing in a log is a command: no green at all.
        assert!(!colored(log, 80).contains("\u{1b}[32m"));
        let check = "```bash\nredis-cli --cluster check 127.0.0.1:7000\nM: 6406 127.0.0.1:7000\n   slots:[0-5960]\n```";
        let out = colored(check, 80);
        assert!(
            out.contains(
                &command
                    .apply_to("redis-cli --cluster check 127.0.0.1:7000")
                    .to_string()
            )
        );
        assert!(!out.contains(&command.apply_to("M: 6406 127.0.0.1:7000").to_string()));
        assert!(starts_with_program("cd /usr/local/redis-rb-cluster"));
        assert!(starts_with_program("./consistency-test.rb"));
        assert!(!starts_with_program("  replicates 6406"));
        assert!(!starts_with_program("[OK] All 16384 slots covered."));
        assert!(!starts_with_program("M: 640673d5"));
    }

    #[test]
    fn hash_prompts_only_in_shell_blocks_without_other_prompts() {
        let command = Style::new().green().bold().force_styling(true);
        let root = colored("```bash\n# systemctl start redis\n```", 80);
        assert!(root.contains(&command.apply_to("systemctl start redis").to_string()));
        let info = "```bash\n> redis-cli INFO replication\n# Replication\nrole:master\n```";
        let info = colored(info, 80);
        assert!(info.contains(&command.apply_to("redis-cli INFO replication").to_string()));
        assert!(info.contains("# Replication\n"));
        let text = colored("```\n# not a prompt\n```", 80);
        assert!(text.contains("# not a prompt\n"));
    }

    #[test]
    fn continuation_lines_are_commands() {
        let text = "```bash\n$ redis-cli \\\n  PING\nPONG\n```";
        let out = colored(text, 80);
        let command = Style::new().green().bold().force_styling(true);
        assert!(out.contains(&command.apply_to("  PING").to_string()));
        assert!(out.contains("PONG\n"));
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let out = plain("a\x1b[31mred\x07\n\n```\n\x1b]0;title\x07x\n```", 80);
        assert!(!out.contains('\x1b') && !out.contains('\x07'));
    }

    #[test]
    fn empty_input() {
        assert_eq!(plain("", 80), "\n");
        assert_eq!(plain("<!-- only a comment -->", 80), "\n");
    }

    fn markdownish() -> impl Strategy<Value = String> {
        let fragments = prop::sample::select(vec![
            "#",
            "## ",
            "*",
            "**",
            "_",
            "__",
            "~~",
            "`",
            "```",
            "```bash\n",
            "\n```\n",
            "|",
            "| a | b |\n|---|---|\n",
            ">",
            "> ",
            "-",
            "- ",
            "1. ",
            "12) ",
            "0",
            "7",
            "\n",
            "\n\n",
            "  ",
            "    ",
            " ",
            "\t",
            "word",
            "longerword",
            "x",
            "💻️",
            "é",
            "ñandú",
            "漢字",
            "[",
            "](",
            ")",
            "<!--",
            "-->",
            "<b>",
            "![",
            "\\",
            "$ ",
            "(n) > ",
            "---",
            "https://example.org/a/very/long/path/that/does/not/fit/anywhere/at/all",
        ]);
        prop::collection::vec(fragments, 0..80).prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in any::<String>(), width in 0usize..130) {
            prop_assume!(!text.contains('▏'));
            let out = plain(&text, width);
            check_layout(&out, width)?;
            // Widths are checked on the plain output: with colour, inline code loses the
            // backticks that mark it as one word.
            let out = colored(&text, width);
            check_structure(&strip_ansi_codes(&out))?;
        }

        #[test]
        fn markdownish_text_keeps_layout(text in markdownish(), width in 20usize..130) {
            let out = plain(&text, width);
            prop_assert!(!out.contains('\x1b'));
            check_layout(&out, width)?;
            let style = RenderStyle { color: true, width, dim: true };
            check_structure(&strip_ansi_codes(&render_markdown(&text, style)))?;
        }
    }
}
