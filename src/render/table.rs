//! Plain aligned tables for the terminal: columns padded by display width (colours and wide
//! characters allowed), two spaces between columns.

use console::{measure_text_width, style};

pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: Vec<String>) -> Table {
        Table {
            header,
            rows: vec![],
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let cols = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| measure_text_width(h)).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(cols) {
                widths[i] = widths[i].max(measure_text_width(c));
            }
        }
        let line = |cells: &[String], bold: bool| {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate().take(cols) {
                let last = i + 1 == cols;
                let pad = widths[i] - measure_text_width(c);
                let cell = if bold {
                    style(c).bold().to_string()
                } else {
                    c.clone()
                };
                s.push_str(&cell);
                if !last {
                    s.push_str(&" ".repeat(pad + 2));
                }
            }
            s.trim_end().to_string()
        };
        let mut out = line(&self.header, true);
        out.push('\n');
        for r in &self.rows {
            out.push_str(&line(r, false));
            out.push('\n');
        }
        out
    }
}
