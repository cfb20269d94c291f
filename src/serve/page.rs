//! A deck's reveal.js page: the lab's Markdown inlined in the page (`<textarea data-template>`,
//! since a page opened from file:// may not load a separate .md file), with the separators the
//! lab format uses, speaker notes after `notes:`, and the embedded reveal.js and plugins. No
//! inline script: the page starts reveal.js from `init.js`, so a Content-Security-Policy of
//! 'self' holds.

/// What starts the deck: hash URLs (`#/h/v`), Markdown, code highlighting, speaker view (`s`).
pub const INIT_JS: &str = "Reveal.initialize({\n  hash: true,\n  plugins: [RevealMarkdown, RevealHighlight, RevealNotes],\n});\n";

/// The stylesheets and scripts of a deck, relative to the directory of assets.
const STYLES: &[&str] = &[
    "dist/reset.css",
    "dist/reveal.css",
    "dist/theme/white.css",
    "plugin/highlight/monokai.css",
];
const SCRIPTS: &[&str] = &[
    "dist/reveal.js",
    "plugin/markdown/markdown.js",
    "plugin/highlight/highlight.js",
    "plugin/notes/notes.js",
];

pub struct Page<'a> {
    pub lang: &'a str,
    pub title: &'a str,
    /// The deck's Markdown, addresses filled in and step markers out.
    pub markdown: &'a str,
    /// Where the assets are, ending in `/`: `reveal/` beside an exported page.
    pub assets: &'a str,
    /// The script that starts reveal.js.
    pub init: &'a str,
}

/// Text for HTML: in a textarea (RCDATA) the entities come back as the characters, so the
/// Markdown reaches reveal.js unchanged and no `</textarea>` in it can end the element.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

pub fn html(p: &Page) -> String {
    let mut head = String::new();
    for s in STYLES {
        head.push_str(&format!(
            "  <link rel=\"stylesheet\" href=\"{}{s}\">\n",
            escape(p.assets)
        ));
    }
    let mut scripts = String::new();
    let srcs = SCRIPTS.iter().map(|s| format!("{}{s}", p.assets));
    for src in srcs.chain([p.init.to_string()]) {
        scripts.push_str(&format!("  <script src=\"{}\"></script>\n", escape(&src)));
    }
    // The lab format: a line `---` parts slides, `^^^^^^` stacks one below the last, and a
    // line `notes:` starts the speaker notes (reveal.js reads these as regular expressions).
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n  <meta charset=\"utf-8\">\n  \
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n  \
         <meta name=\"referrer\" content=\"no-referrer\">\n  <title>{title}</title>\n{head}\
         </head>\n<body>\n<div class=\"reveal\"><div class=\"slides\">\n\
         <section data-markdown data-separator=\"^---$\" \
         data-separator-vertical=\"^\\^\\^\\^\\^\\^\\^$\" data-separator-notes=\"^notes?:\">\n\
         <textarea data-template>\n{markdown}</textarea>\n</section>\n</div></div>\n{scripts}\
         </body>\n</html>\n",
        lang = escape(p.lang),
        title = escape(p.title),
        markdown = escape(p.markdown),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_markdown_is_inlined_whole_and_cannot_end_its_element() {
        let md = "# A & B\n\n<b>x</b> </textarea><script>alert(1)</script>\n";
        let page = html(&Page {
            lang: "en",
            title: "T <1>",
            markdown: md,
            assets: "reveal/",
            init: "init.js",
        });
        assert_eq!(page.matches("</textarea>").count(), 1);
        assert!(!page.contains("<script>alert"));
        assert!(page.contains("&lt;/textarea&gt;&lt;script&gt;"));
        assert!(page.contains("<title>T &lt;1&gt;</title>"));
        // Every asset the page names is embedded, and the starter comes last.
        for s in STYLES.iter().chain(SCRIPTS) {
            assert!(super::super::assets::get(s).is_some(), "{s}");
            assert!(page.contains(&format!("\"reveal/{s}\"")), "{s}");
        }
        let last = page.rfind("<script src=").unwrap();
        assert!(page[last..].starts_with("<script src=\"init.js\""));
    }

    #[test]
    fn escaping_is_undone_by_the_browser() {
        let s = "a < b && c > \"d\"";
        let back = escape(s)
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        assert_eq!(back, s);
    }
}
