//! Every string a user sees comes from `locales/{en,es}/*.ftl`.
//!
//! Modules below the CLI return [`Msg`] values (a message id plus arguments) instead of text, so
//! the language is decided once, at the edge, and a test can prove both languages have the same
//! message ids.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The languages the runner speaks. Labs may be written in any subset of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// Accepts `es`, `ES`, `es-MX`, `es_ES.UTF-8`, `es_ES@euro`.
    pub fn parse(s: &str) -> Option<Lang> {
        let base = s
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match base.as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }

    /// `--lang`, else `LAB_LANG`, else the locale variables in gettext's order, else English.
    /// `C`/`POSIX` stop the search: they are an explicit request for untranslated output.
    pub fn detect(flag: Option<&str>, env: impl Fn(&str) -> Option<String>) -> Lang {
        if let Some(l) = flag.and_then(Lang::parse) {
            return l;
        }
        if let Some(l) = env("LAB_LANG").as_deref().and_then(Lang::parse) {
            return l;
        }
        if let Some(list) = env("LANGUAGE").filter(|v| !v.is_empty())
            && let Some(l) = list.split(':').find_map(Lang::parse)
        {
            return l;
        }
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(value) = env(var).filter(|v| !v.is_empty()) {
                if value == "C" || value == "POSIX" || value.starts_with("C.") {
                    return Lang::En;
                }
                return Lang::parse(&value).unwrap_or(Lang::En);
            }
        }
        Lang::En
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One catalogue file, compiled in so the binary works from any directory.
macro_rules! ftl {
    ($lang:literal, $file:literal) => {
        (
            $lang,
            $file,
            include_str!(concat!("../locales/", $lang, "/", $file)),
        )
    };
}

/// The message catalogues. `tests/i18n.rs` checks that this list names every file under
/// `locales/`.
pub const CATALOGUES: &[(&str, &str, &str)] = &[
    ftl!("en", "main.ftl"),
    ftl!("en", "cli.ftl"),
    ftl!("en", "lab.ftl"),
    ftl!("en", "cluster.ftl"),
    ftl!("en", "verify.ftl"),
    ftl!("en", "runner.ftl"),
    ftl!("en", "shell.ftl"),
    ftl!("en", "consistency.ftl"),
    ftl!("es", "main.ftl"),
    ftl!("es", "cli.ftl"),
    ftl!("es", "lab.ftl"),
    ftl!("es", "cluster.ftl"),
    ftl!("es", "verify.ftl"),
    ftl!("es", "runner.ftl"),
    ftl!("es", "shell.ftl"),
    ftl!("es", "consistency.ftl"),
];

pub struct Localizer {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl Localizer {
    pub fn new(lang: Lang) -> Localizer {
        Localizer::with_invocation(lang, "lab")
    }

    /// Messages that name a command to type write it `{ -lab } …`: here, how the user runs
    /// `lab` (`cargo run --release --` before it is installed).
    pub fn with_invocation(lang: Lang, invocation: &str) -> Localizer {
        let langid = match lang {
            Lang::En => unic_langid::langid!("en"),
            Lang::Es => unic_langid::langid!("es"),
        };
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        // Unicode isolation marks around arguments confuse terminals and `grep`.
        bundle.set_use_isolating(false);
        for (code, _, text) in CATALOGUES.iter().filter(|(c, _, _)| *c == lang.code()) {
            debug_assert_eq!(*code, lang.code());
            // The catalogues are ours and tested; a broken entry is reported by tests, and
            // at run time the rest of the file still loads.
            let res = FluentResource::try_new((*text).to_string()).unwrap_or_else(|(res, _)| res);
            let _ = bundle.add_resource(res);
        }
        // A line break or a brace would end the term or start a placeable.
        let invocation: String = invocation
            .chars()
            .filter(|c| !matches!(c, '\n' | '\r' | '{' | '}'))
            .collect();
        if let Ok(res) = FluentResource::try_new(format!("-lab = {invocation}\n")) {
            let _ = bundle.add_resource(res);
        }
        Localizer { lang, bundle }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// Formats a message; an unknown id comes back as the id itself so nothing is lost.
    pub fn format(&self, id: &str, args: &[(&str, Arg)]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            let value = match v {
                Arg::Str(s) => FluentValue::String(Cow::Owned(s.clone())),
                Arg::Int(n) => FluentValue::from(*n),
                Arg::Float(x) => FluentValue::from(*x),
                Arg::Msg(m) => FluentValue::String(Cow::Owned(self.format(m.id, &m.args))),
            };
            fargs.set(*k, value);
        }
        let mut errors = vec![];
        self.bundle
            .format_pattern(pattern, Some(&fargs), &mut errors)
            .into_owned()
    }
}

static LOCALIZER: OnceLock<Localizer> = OnceLock::new();

/// Chooses the language for this process, and how its messages name `lab`. Later calls are
/// ignored.
pub fn init(lang: Lang, invocation: &str) {
    let _ = LOCALIZER.set(Localizer::with_invocation(lang, invocation));
}

pub fn current() -> &'static Localizer {
    LOCALIZER.get_or_init(|| Localizer::new(Lang::En))
}

pub fn lang() -> Lang {
    current().lang()
}

/// One message argument. Numbers stay numbers so plural rules (`[one]`) work.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Str(String),
    Int(i64),
    Float(f64),
    /// Another message, put into words in the same language as the one that holds it.
    Msg(Box<Msg>),
}

impl From<Msg> for Arg {
    fn from(m: Msg) -> Arg {
        Arg::Msg(Box::new(m))
    }
}

macro_rules! arg_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Arg { Arg::Int(v as i64) }
        }
    )*};
}
arg_from_int!(i32, i64, u16, u32);

/// Numbers past `i64::MAX` go as their digits: Fluent takes signed numbers, and a cast would
/// show `u64::MAX` as -1.
macro_rules! arg_from_wide {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Arg {
                i64::try_from(v).map_or_else(|_| Arg::Str(v.to_string()), Arg::Int)
            }
        }
    )*};
}
arg_from_wide!(u64, usize);

impl From<f64> for Arg {
    fn from(v: f64) -> Arg {
        Arg::Float(v)
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Str(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Str(v.to_string())
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Str(v.clone())
    }
}

/// A message to be shown to the user, not yet put into words.
#[derive(Clone, Debug, PartialEq)]
pub struct Msg {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl Msg {
    pub fn new(id: &'static str) -> Msg {
        Msg { id, args: vec![] }
    }

    pub fn arg(mut self, key: &'static str, value: impl Into<Arg>) -> Msg {
        self.args.push((key, value.into()));
        self
    }

    /// The message in the process's language.
    pub fn text(&self) -> String {
        current().format(self.id, &self.args)
    }

    pub fn text_in(&self, l: &Localizer) -> String {
        l.format(self.id, &self.args)
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// `t!("id")` or `t!("id", name = value, ...)`: the message in the process's language.
#[macro_export]
macro_rules! t {
    ($id:literal) => {
        $crate::i18n::current().format($id, &[])
    };
    ($id:literal, $($k:ident = $v:expr),+ $(,)?) => {
        $crate::i18n::current().format($id, &[$((stringify!($k), $crate::i18n::Arg::from($v))),+])
    };
}

/// `msg!("id", name = value, ...)`: a [`Msg`] to return now and put into words later.
#[macro_export]
macro_rules! msg {
    ($id:literal) => {
        $crate::i18n::Msg::new($id)
    };
    ($id:literal, $($k:ident = $v:expr),+ $(,)?) => {
        $crate::i18n::Msg { id: $id, args: vec![$((stringify!($k), $crate::i18n::Arg::from($v))),+] }
    };
}

/// Marks a serde error message that carries one of our message ids (see [`serde_error`]).
pub const SERDE_MARK: char = '\u{1f}';

/// A serde error that carries one of our message ids, for custom `Deserialize` impls.
pub fn serde_error<E: serde::de::Error>(m: Msg) -> E {
    let mut s = format!("{SERDE_MARK}{}", m.id);
    for (k, v) in &m.args {
        let v = match v {
            Arg::Str(s) => s.clone(),
            Arg::Int(n) => n.to_string(),
            Arg::Float(x) => x.to_string(),
            Arg::Msg(m) => m.text(),
        };
        s.push_str(&format!("{SERDE_MARK}{k}={v}"));
    }
    E::custom(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn wide_numbers_keep_their_digits() {
        assert_eq!(Arg::from(u64::MAX), Arg::Str("18446744073709551615".into()));
        assert_eq!(Arg::from(5000u64), Arg::Int(5000));
        assert_eq!(Arg::from(usize::MAX), Arg::Str(usize::MAX.to_string()));
    }

    #[test]
    fn detection_order() {
        assert_eq!(Lang::detect(Some("es"), env_of(&[])), Lang::Es);
        assert_eq!(
            Lang::detect(Some("en"), env_of(&[("LAB_LANG", "es")])),
            Lang::En
        );
        assert_eq!(
            Lang::detect(None, env_of(&[("LAB_LANG", "es"), ("LANG", "en_US")])),
            Lang::Es
        );
        assert_eq!(
            Lang::detect(None, env_of(&[("LANG", "es_ES.UTF-8")])),
            Lang::Es
        );
        assert_eq!(
            Lang::detect(None, env_of(&[("LANGUAGE", "fr:es:en"), ("LANG", "en_US")])),
            Lang::Es
        );
        assert_eq!(
            Lang::detect(None, env_of(&[("LC_ALL", "C"), ("LANG", "es_ES")])),
            Lang::En
        );
        assert_eq!(
            Lang::detect(None, env_of(&[("LC_MESSAGES", "es_AR"), ("LANG", "en")])),
            Lang::Es
        );
        assert_eq!(Lang::detect(None, env_of(&[])), Lang::En);
        assert_eq!(Lang::detect(Some("xx"), env_of(&[])), Lang::En);
    }
}
