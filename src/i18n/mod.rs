//! Interface text in English and Simplified Chinese (简体中文).
//!
//! Every sentence a person reads (menus, tabs, buttons, lessons, the tour, analysis reasons,
//! state names, the command line's help) lives in one [Fluent](https://projectfluent.org)
//! catalogue per language: `src/i18n/en.ftl` and `src/i18n/zh.ftl`, compiled into the binary.
//! Code names a message by a stable key and never holds the sentence itself; a unit test fails
//! when a key (or a message's variables) exists in one catalogue and not the other.
//!
//! The language is chosen once per process ([`set_lang`]: the command line's `--lang zh|en`,
//! else the locale from `LC_ALL`/`LC_MESSAGES`/`LANG`, see [`Lang::from_env`]); a thread may
//! override it ([`set_thread_lang`]: the window draws in its own language, so two windows
//! in one test process do not disturb each other).
//!
//! Adding a string: add `my-key = Text with { $count } things` to **both** `en.ftl` and
//! `zh.ftl`, then write `tr!("my-key", count = n)` (inside the crate: `use crate::i18n::tr;`)
//! or [`text`]`("my-key")`. Library stages that explain themselves (analysis reasons) return a
//! [`Message`] (key and arguments) and let the consumer render it in its language.

use std::borrow::Cow;
use std::cell::Cell;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The English catalogue (also the fallback for a key missing elsewhere).
pub const EN_FTL: &str = include_str!("en.ftl");
/// The Simplified Chinese catalogue.
pub const ZH_FTL: &str = include_str!("zh.ftl");

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese (简体中文).
    Zh,
}

impl Lang {
    /// Every language, in menu order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The short code used by `--lang`: `en`, `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The language's name in itself, as a language menu shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }

    /// The catalogue's source text.
    pub fn catalogue(self) -> &'static str {
        match self {
            Lang::En => EN_FTL,
            Lang::Zh => ZH_FTL,
        }
    }

    /// Reads `en`, `zh`, `zh-CN`, or a POSIX locale such as `zh_CN.UTF-8`, `en_US.UTF-8`,
    /// `C`, `POSIX` (English). `None` for another language.
    pub fn parse(code: &str) -> Option<Lang> {
        let lower = code.trim().to_ascii_lowercase();
        let base = lower.split(['_', '-', '.', '@']).next().unwrap_or_default();
        match base {
            "zh" => Some(Lang::Zh),
            "en" | "c" | "posix" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of the locale: the first set of `LC_ALL`, `LC_MESSAGES`, `LANG` (POSIX
    /// order), English when unset or not a language synack speaks.
    pub fn from_env() -> Lang {
        Self::from_locale_vars(|name| std::env::var(name).ok())
    }

    /// [`Lang::from_env`] over any variable source (testable without touching the process's
    /// environment).
    pub fn from_locale_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| get(v).filter(|s| !s.is_empty()))
            .next()
            .and_then(|s| Lang::parse(&s))
            .unwrap_or_default()
    }
}

static PROCESS_LANG: AtomicU8 = AtomicU8::new(0);

thread_local! {
    static THREAD_LANG: Cell<Option<Lang>> = const { Cell::new(None) };
}

/// Sets the process's language (the command line does, from `--lang` or the locale).
pub fn set_lang(lang: Lang) {
    PROCESS_LANG.store(lang as u8, Ordering::Relaxed);
}

/// Sets (or with `None` clears) this thread's language, which wins over the process's.
pub fn set_thread_lang(lang: Option<Lang>) {
    THREAD_LANG.with(|l| l.set(lang));
}

/// The language text is rendered in on this thread.
pub fn lang() -> Lang {
    THREAD_LANG.with(|l| l.get()).unwrap_or({
        match PROCESS_LANG.load(Ordering::Relaxed) {
            1 => Lang::Zh,
            _ => Lang::En,
        }
    })
}

/// One argument of a message: a number or a piece of text.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A number (printed without grouping: `1449`, not `1,449`).
    Num(f64),
    /// Text, inserted as is.
    Text(Cow<'static, str>),
}

macro_rules! num_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Arg {
                Arg::Num(v as f64)
            }
        }
    )*};
}
num_arg!(u8, u16, u32, u64, usize, i32, i64, f32, f64);

impl From<&'static str> for Arg {
    fn from(v: &'static str) -> Arg {
        Arg::Text(Cow::Borrowed(v))
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(Cow::Owned(v))
    }
}

impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Text(Cow::Owned(v.clone()))
    }
}

/// A sentence not yet rendered: a catalogue key and its arguments. Library stages return
/// these so that each consumer renders them in its own language.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The catalogue key.
    pub key: &'static str,
    /// Named arguments, as the catalogue's `{ $name }` placeables use them.
    pub args: Vec<(&'static str, Arg)>,
}

impl Message {
    /// A message without arguments.
    pub fn new(key: &'static str) -> Message {
        Message {
            key,
            args: Vec::new(),
        }
    }

    /// Adds an argument.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Message {
        self.args.push((name, value.into()));
        self
    }

    /// The sentence in this thread's language.
    pub fn text(&self) -> String {
        self.text_in(lang())
    }

    /// The sentence in `lang`.
    pub fn text_in(&self, lang: Lang) -> String {
        let args: Vec<(&str, Arg)> = self.args.iter().map(|(k, v)| (*k, v.clone())).collect();
        text_in(lang, self.key, &args)
    }
}

/// A sentence made of catalogue messages written one after the other (each piece after the
/// first starts with its own separator, e.g. "; next: ..."), so that a library can explain
/// a choice in parts and each consumer writes it in its own language. `Display` writes
/// English (the words of the JSON and of scripts).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Phrases(pub Vec<Message>);

impl Phrases {
    /// One piece.
    pub fn of(piece: Message) -> Phrases {
        Phrases(vec![piece])
    }

    /// The sentence in `lang`.
    pub fn text_in(&self, lang: Lang) -> String {
        self.0.iter().map(|piece| piece.text_in(lang)).collect()
    }

    /// The sentence in this thread's language.
    pub fn text(&self) -> String {
        self.text_in(lang())
    }

    /// The sentence followed by `piece` (which starts with its own separator).
    pub fn then(mut self, piece: Message) -> Phrases {
        self.0.push(piece);
        self
    }
}

impl std::fmt::Display for Phrases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text_in(Lang::En))
    }
}

/// A fixed English sentence of a library (a framer's reason for stopping, ...) in `lang`:
/// the catalogue keeps it under `lib-` and the sentence's words joined by `-` (see
/// [`library_key`]); a sentence the catalogue does not know stays English.
pub fn library_text_in(lang: Lang, english: &str) -> String {
    lookup(lang, &library_key(english)).unwrap_or_else(|| english.to_owned())
}

/// [`library_text_in`] in this thread's language.
pub fn library_text(english: &str) -> String {
    library_text_in(lang(), english)
}

/// The catalogue key of a fixed library sentence: `lib-` and its ASCII letters and digits,
/// lower case, every other run of characters one `-` ("HTTP method too long" →
/// `lib-http-method-too-long`).
pub fn library_key(english: &str) -> String {
    let mut key = String::from("lib");
    let mut gap = true;
    for c in english.chars() {
        if c.is_ascii_alphanumeric() {
            if gap {
                key.push('-');
            }
            key.push(c.to_ascii_lowercase());
            gap = false;
        } else {
            gap = true;
        }
    }
    key
}

/// An I/O error in `lang`: English is the OS's own words (`No such file or directory (os
/// error 2)`, as Rust prints them); another language names the common OS errors from the
/// catalogue (`os-error-N`) with their number, and keeps the OS's words for the rest.
pub fn io_error_text_in(lang: Lang, error: &std::io::Error) -> String {
    if lang == Lang::En {
        return error.to_string();
    }
    match error.raw_os_error() {
        Some(n) => match lookup(lang, &format!("os-error-{n}")) {
            Some(words) => text_in(
                lang,
                "os-error",
                &[("words", words.into()), ("number", n.into())],
            ),
            None => error.to_string(),
        },
        None => library_text_in(lang, &error.to_string()),
    }
}

/// [`io_error_text_in`] in this thread's language.
pub fn io_error_text(error: &std::io::Error) -> String {
    io_error_text_in(lang(), error)
}

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static EN: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    static ZH: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    let cell = match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    };
    cell.get_or_init(|| build_bundle(lang))
}

fn build_bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let tag = match lang {
        Lang::En => "en-US",
        Lang::Zh => "zh-CN",
    };
    let id: unic_langid::LanguageIdentifier = tag.parse().unwrap_or_default();
    // A syntax error keeps the messages that did parse; the unit tests fail on any error.
    let resource = FluentResource::try_new(lang.catalogue().to_owned()).unwrap_or_else(|(r, _)| r);
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: egui and terminals would show them.
    bundle.set_use_isolating(false);
    // Duplicate keys are reported by the unit tests; the first definition wins here.
    let _ = bundle.add_resource(resource);
    bundle
}

/// The message `key` in `lang` with `args`; English when `lang`'s catalogue lacks it, the
/// key itself when no catalogue has it (the unit tests keep both from happening).
pub fn text_in(lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        let v = match value {
            Arg::Num(n) => FluentValue::from(*n),
            Arg::Text(t) => FluentValue::from(t.to_string()),
        };
        fluent_args.set(name.to_string(), v);
    }
    for l in [lang, Lang::En] {
        let bundle = bundle(l);
        if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let args = (!args.is_empty()).then_some(&fluent_args);
            return bundle
                .format_pattern(pattern, args, &mut errors)
                .into_owned();
        }
    }
    key.to_owned()
}

/// The message `key` in `lang` without arguments, `None` when that catalogue lacks it (no
/// fallback to English).
pub fn lookup(lang: Lang, key: &str) -> Option<String> {
    let bundle = bundle(lang);
    let pattern = bundle.get_message(key)?.value()?;
    let mut errors = Vec::new();
    Some(
        bundle
            .format_pattern(pattern, None, &mut errors)
            .into_owned(),
    )
}

/// The message `key` in this thread's language, without arguments.
pub fn text(key: &str) -> String {
    text_in(lang(), key, &[])
}

/// `tr!("key")` or `tr!("key", name = value, ...)`: the message in this thread's language.
/// Values are numbers or text (anything [`Arg`] converts from).
// Its users are the window's modules (`gui` feature) and the unit tests.
#[cfg_attr(not(feature = "gui"), allow(unused_macros))]
macro_rules! tr {
    ($key:expr) => {
        $crate::i18n::text($key)
    };
    ($key:expr, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::text_in(
            $crate::i18n::lang(),
            $key,
            &[$((stringify!($name), $crate::i18n::Arg::from($value))),+],
        )
    };
}
#[cfg_attr(not(feature = "gui"), allow(unused_imports))]
pub(crate) use tr;

#[cfg(test)]
mod tests;
