//! reveal.js and its plugins, embedded in the binary (vendor/reveal.js, unmodified): the deck
//! opens with no network, and the page loads nothing from outside 127.0.0.1.

/// The version vendored, as reveal.js states it.
pub const REVEAL_VERSION: &str = "5.2.1";

pub struct Asset {
    /// The path it is served at, under `/reveal/`.
    pub path: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $type:expr) => {
        Asset {
            path: $path,
            content_type: $type,
            bytes: include_bytes!(concat!("../../vendor/reveal.js/", $path)),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const WOFF: &str = "font/woff";

pub static ASSETS: &[Asset] = &[
    asset!("dist/reveal.js", JS),
    asset!("dist/reveal.css", CSS),
    asset!("dist/reset.css", CSS),
    asset!("dist/theme/white.css", CSS),
    asset!("dist/theme/fonts/source-sans-pro/source-sans-pro.css", CSS),
    asset!(
        "dist/theme/fonts/source-sans-pro/source-sans-pro-regular.woff",
        WOFF
    ),
    asset!(
        "dist/theme/fonts/source-sans-pro/source-sans-pro-italic.woff",
        WOFF
    ),
    asset!(
        "dist/theme/fonts/source-sans-pro/source-sans-pro-semibold.woff",
        WOFF
    ),
    asset!(
        "dist/theme/fonts/source-sans-pro/source-sans-pro-semibolditalic.woff",
        WOFF
    ),
    asset!("plugin/markdown/markdown.js", JS),
    asset!("plugin/notes/notes.js", JS),
    asset!("plugin/highlight/highlight.js", JS),
    asset!("plugin/highlight/monokai.css", CSS),
    asset!("LICENSE", "text/plain; charset=utf-8"),
];

/// The asset at `path` (relative to `/reveal/`), if it is one.
pub fn get(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_there_with_its_type() {
        for a in ASSETS {
            assert!(!a.bytes.is_empty(), "{}", a.path);
            let ext = a.path.rsplit('.').next().unwrap_or("");
            let want = match ext {
                "js" => JS,
                "css" => CSS,
                "woff" => WOFF,
                _ => "text/plain; charset=utf-8",
            };
            assert_eq!(a.content_type, want, "{}", a.path);
        }
        assert!(get("dist/reveal.js").is_some());
        assert!(get("../Cargo.toml").is_none());
    }

    #[test]
    fn the_vendored_core_is_the_version_stated_with_its_licence() {
        let core = std::str::from_utf8(get("dist/reveal.js").unwrap().bytes).unwrap();
        assert!(core.contains(&format!("\"{REVEAL_VERSION}\"")));
        let licence = std::str::from_utf8(get("LICENSE").unwrap().bytes).unwrap();
        assert!(licence.contains("Hakim El Hattab"));
    }

    /// Every font the theme names in a format Chromium loads is embedded.
    #[test]
    fn the_theme_finds_its_fonts() {
        let css = std::str::from_utf8(
            get("dist/theme/fonts/source-sans-pro/source-sans-pro.css")
                .unwrap()
                .bytes,
        )
        .unwrap();
        for url in css.split("url('./").skip(1) {
            let file = url.split('\'').next().unwrap();
            if file.ends_with(".woff") {
                assert!(
                    get(&format!("dist/theme/fonts/source-sans-pro/{file}")).is_some(),
                    "{file}"
                );
            }
        }
    }
}
