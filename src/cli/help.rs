//! The command line's help and errors in the interface's language. clap takes its help from
//! the doc comments (English); for another language each subcommand's description, example
//! and closing notes and each option's help are replaced by the catalogue's messages:
//! `cli-SUB-about`, `cli-SUB-example`, `cli-SUB-after-help`, and for an option `cli-SUB-ID`,
//! else `cli-opt-ID` (the words an option shares with the same option of other subcommands),
//! its values' help `KEY--VALUE` (root: `cli-about`, `cli-ID`). clap's own words (the Usage /
//! Commands / Arguments / Options headings, `-h`, `-V`, the `help` subcommand, "[default:
//! ...]", the possible values) come from the `clap-*` messages, and its errors are written
//! in the language by [`LocalizedErrors`].
//! English keeps the doc comments and clap's words; unit tests check that the English
//! catalogue repeats the doc comments word for word (so the two languages say the same
//! thing) and that every option has a message in every catalogue.

use clap::builder::PossibleValue;
use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};
use clap::CommandFactory;

use super::Cli;
use crate::i18n::{self, Arg, Lang};

/// `synack`'s clap command with help in this thread's language.
pub(super) fn localized_command() -> clap::Command {
    let cmd = Cli::command();
    match i18n::lang() {
        Lang::En => cmd,
        lang => localized(cmd, lang),
    }
}

/// `cmd` with every help text in `lang`, clap's generated `--help` and `--version` flags
/// replaced by the same flags with help in `lang`, and its `help` subcommand described in
/// `lang` (clap adds that one when the command is built, so it is built here).
fn localized(cmd: clap::Command, lang: Lang) -> clap::Command {
    let mut cmd = localize(cmd, lang, None);
    cmd.build();
    if cmd.find_subcommand("help").is_some() {
        let about = i18n::text_in(lang, "clap-help-subcommand", &[]);
        let arg_help = i18n::text_in(lang, "clap-help-subcommand-arg", &[]);
        cmd = cmd.mut_subcommand("help", |s| {
            let ids: Vec<String> = s
                .get_arguments()
                .map(|a| a.get_id().as_str().to_owned())
                .collect();
            let mut s = s.about(about.clone());
            for id in ids {
                s = s.mut_arg(id, |a| a.help(arg_help.clone()));
            }
            // It lists itself among the commands it gives the help of.
            if s.find_subcommand("help").is_some() {
                s = s.mut_subcommand("help", |h| h.about(about));
            }
            headings(s, lang)
        });
    }
    cmd
}

/// A clap error in this thread's language: clap's own text in English, the
/// [`LocalizedErrors`] formatter's otherwise. Help and version "errors" are already in the
/// language (they carry the localized help).
pub(super) fn localized_error(e: clap::Error) -> clap::error::Error<LocalizedErrors> {
    e.apply::<LocalizedErrors>()
}

/// A heading as clap keeps it (`&'static str` without clap's `string` feature): the help is
/// built once per process, so the few headings leaked are bounded.
fn forever(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// clap's words for a command in `lang`: its [`headings`], and the generated flags (replaced
/// by the same flags: clap adds its own only when the command is built).
fn clap_words(mut cmd: clap::Command, lang: Lang) -> clap::Command {
    use clap::{Arg, ArgAction};
    let word = |k: &str| i18n::text_in(lang, k, &[]);
    cmd = cmd.disable_help_flag(true).arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help(word("clap-help-flag")),
    );
    if cmd.get_version().is_some() {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(word("clap-version-flag")),
        );
    }
    headings(cmd, lang)
}

/// clap's headings in `lang`: the help template with the usage heading, the headings of
/// commands, arguments and options.
fn headings(mut cmd: clap::Command, lang: Lang) -> clap::Command {
    let word = |k: &str| i18n::text_in(lang, k, &[]);
    cmd = cmd
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
            word("clap-usage")
        ))
        .subcommand_help_heading(forever(word("clap-commands")));
    let args: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().as_str().to_owned(), a.is_positional()))
        .collect();
    for (id, positional) in args {
        let heading = forever(word(if positional {
            "clap-arguments"
        } else {
            "clap-options"
        }));
        cmd = cmd.mut_arg(&id, |a| a.help_heading(heading));
    }
    cmd
}

fn key(sub: Option<&str>, what: &str) -> String {
    match sub {
        Some(s) => format!("cli-{s}-{what}"),
        None => format!("cli-{what}"),
    }
}

/// The keys that may hold the help of option `id` of `sub`, most specific first: its own,
/// then the one shared by the options of that id in every subcommand.
fn arg_keys(sub: Option<&str>, id: &str) -> [String; 2] {
    [key(sub, id), format!("cli-opt-{id}")]
}

/// The message for option `id` of `sub` (with `suffix`, e.g. `--VALUE` for one of its
/// values) in `lang`, from the first of [`arg_keys`] that `lang`'s catalogue has.
fn arg_text(lang: Lang, sub: Option<&str>, id: &str, suffix: &str) -> Option<String> {
    arg_keys(sub, id)
        .iter()
        .find_map(|k| i18n::lookup(lang, &format!("{k}{suffix}")))
}

/// The values clap would list for `a` ("[possible values: ...]" or the long help's list).
fn listed_values(a: &clap::Arg) -> Vec<PossibleValue> {
    if !a.get_action().takes_values() || a.is_hide_possible_values_set() {
        return Vec::new();
    }
    a.get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .collect()
}

/// `a` with its help, its default and its possible values in `lang`: clap writes the latter
/// two in English, so they are hidden from clap and written into the help here.
fn localize_arg(a: clap::Arg, lang: Lang, sub: Option<&str>) -> clap::Arg {
    let id = a.get_id().as_str().to_owned();
    let Some(help) = arg_text(lang, sub, &id, "").or_else(|| a.get_help().map(|h| h.to_string()))
    else {
        return a;
    };
    let mut short = help.clone();
    let mut long = help;
    let defaults: Vec<String> = if a.get_action().takes_values() && !a.is_hide_default_value_set() {
        a.get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect()
    } else {
        Vec::new()
    };
    if !defaults.is_empty() {
        let shown = i18n::text_in(
            lang,
            "clap-default-value",
            &[("value", Arg::from(defaults.join(", ")))],
        );
        short = format!("{short} {shown}");
        long = format!("{long} {shown}");
    }
    let values = listed_values(&a);
    if !values.is_empty() {
        let names: Vec<&str> = values.iter().map(|v| v.get_name()).collect();
        let inline = i18n::text_in(
            lang,
            "clap-possible-values-inline",
            &[("values", Arg::from(names.join(", ")))],
        );
        short = format!("{short} {inline}");
        if values.iter().any(|v| v.get_help().is_some()) {
            let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
            long.push_str("\n\n");
            long.push_str(&i18n::text_in(lang, "clap-possible-values", &[]));
            for v in &values {
                let name = v.get_name();
                let help = arg_text(lang, sub, &id, &format!("--{name}"))
                    .or_else(|| v.get_help().map(|h| h.to_string()))
                    .unwrap_or_default();
                long.push_str(&format!(
                    "\n- {name}:{:pad$} {help}",
                    "",
                    pad = width - name.len()
                ));
            }
        } else {
            long = format!("{long} {inline}");
        }
    }
    let a = a.help(short).long_help(long);
    if a.get_action().takes_values() {
        a.hide_default_value(true).hide_possible_values(true)
    } else {
        a
    }
}

fn localize(mut cmd: clap::Command, lang: Lang, sub: Option<&str>) -> clap::Command {
    if let Some(about) = i18n::lookup(lang, &key(sub, "about")) {
        let long = match i18n::lookup(lang, &key(sub, "example")) {
            Some(example) => format!("{about}\n\n{example}"),
            None => about.clone(),
        };
        cmd = cmd.about(about).long_about(long);
    }
    if let Some(after) = i18n::lookup(lang, &key(sub, "after-help")) {
        cmd = cmd.after_help(after);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().as_str().to_owned())
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(id, |a| localize_arg(a, lang, sub));
    }
    if sub.is_none() {
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|s| s.get_name().to_owned())
            .collect();
        for name in names {
            cmd = cmd.mut_subcommand(&name, |s| localize(s, lang, Some(&name)));
        }
    }
    clap_words(cmd, lang)
}

/// clap's errors written in this thread's language, with clap's context (the argument, the
/// value, the valid values, the suggestions and the usage).
#[derive(Debug)]
pub(super) struct LocalizedErrors;

impl ErrorFormatter for LocalizedErrors {
    fn format_error(error: &clap::error::Error<Self>) -> clap::builder::StyledStr {
        let mut out = clap::builder::StyledStr::new();
        out.push_str(&error_text(i18n::lang(), error));
        out
    }
}

/// The context value as text (a list joined by ", ").
fn context_text(error: &clap::error::Error<LocalizedErrors>, kind: ContextKind) -> Option<String> {
    match error.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::Bool(b) => Some(b.to_string()),
        ContextValue::None => None,
        _ => None,
    }
}

/// One of clap's tips in `lang`: the two clap writes (a value that looks like an option, a
/// subcommand after `--`) are in the catalogue, others keep clap's English.
fn tip_text(lang: Lang, tip: &str) -> String {
    let quoted = |s: &str| -> Vec<String> {
        s.split('\'')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    };
    let parts = quoted(tip);
    let (key, args): (&str, Vec<(&str, Arg)>) = match parts.as_slice() {
        [arg, with] if tip.starts_with("to pass '") && tip.contains("' as a value, use '") => (
            "clap-error-tip-as-value",
            vec![("arg", Arg::from(arg)), ("with", Arg::from(with))],
        ),
        [sub, _] if tip.starts_with("subcommand '") && tip.contains("' exists; to use it") => {
            ("clap-error-tip-double-dash", vec![("sub", Arg::from(sub))])
        }
        _ => ("clap-error-tip", vec![("tip", Arg::from(tip.to_owned()))]),
    };
    i18n::text_in(lang, key, &args)
}

/// The whole text of `error` in `lang`: "错误：" and what went wrong, the valid values, the
/// suggestions, the usage and where to read more.
fn error_text(lang: Lang, error: &clap::error::Error<LocalizedErrors>) -> String {
    let ctx = |k| context_text(error, k).unwrap_or_default();
    let say = |key: &str, args: &[(&str, Arg)]| i18n::text_in(lang, key, args);
    let arg = || Arg::from(ctx(ContextKind::InvalidArg));
    let value = || Arg::from(ctx(ContextKind::InvalidValue));
    let what = match error.kind() {
        ErrorKind::InvalidValue if ctx(ContextKind::InvalidValue).is_empty() => {
            say("clap-error-value-missing", &[("arg", arg())])
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let mut t = say(
                "clap-error-invalid-value",
                &[("arg", arg()), ("value", value())],
            );
            if let Some(source) = std::error::Error::source(error) {
                t.push_str(&format!(": {source}"));
            }
            t
        }
        ErrorKind::UnknownArgument => say("clap-error-unknown-argument", &[("arg", arg())]),
        ErrorKind::InvalidSubcommand => say(
            "clap-error-unknown-subcommand",
            &[("sub", Arg::from(ctx(ContextKind::InvalidSubcommand)))],
        ),
        ErrorKind::NoEquals => say("clap-error-no-equals", &[("arg", arg())]),
        ErrorKind::TooManyValues => say(
            "clap-error-too-many-values",
            &[("arg", arg()), ("value", value())],
        ),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            let expected = context_text(error, ContextKind::MinValues)
                .or_else(|| context_text(error, ContextKind::ExpectedNumValues))
                .unwrap_or_default();
            say(
                "clap-error-number-of-values",
                &[
                    ("arg", arg()),
                    ("expected", Arg::from(expected)),
                    ("actual", Arg::from(ctx(ContextKind::ActualNumValues))),
                ],
            )
        }
        ErrorKind::ArgumentConflict => {
            let prior = ctx(ContextKind::PriorArg);
            let this = context_text(error, ContextKind::InvalidArg)
                .or_else(|| context_text(error, ContextKind::InvalidSubcommand))
                .unwrap_or_default();
            if prior.is_empty() || prior == this {
                say("clap-error-used-twice", &[("arg", Arg::from(this))])
            } else {
                say(
                    "clap-error-conflict",
                    &[("arg", Arg::from(this)), ("other", Arg::from(prior))],
                )
            }
        }
        ErrorKind::MissingRequiredArgument => say("clap-error-missing-argument", &[("arg", arg())]),
        ErrorKind::MissingSubcommand => say(
            "clap-error-missing-subcommand",
            &[("sub", Arg::from(ctx(ContextKind::InvalidSubcommand)))],
        ),
        ErrorKind::InvalidUtf8 => say("clap-error-invalid-utf8", &[]),
        _ => error.kind().as_str().unwrap_or_default().to_owned(),
    };
    let mut text = say("clap-error", &[("what", Arg::from(what))]);
    for (kind, key) in [
        (ContextKind::ValidValue, "clap-error-valid-values"),
        (ContextKind::ValidSubcommand, "clap-error-valid-subcommands"),
    ] {
        if let Some(valid) = context_text(error, kind).filter(|v| !v.is_empty()) {
            text.push_str("\n  ");
            text.push_str(&say(key, &[("values", Arg::from(valid))]));
        }
    }
    let mut tips: Vec<String> = [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .filter_map(|kind| context_text(error, kind).filter(|s| !s.is_empty()))
    .map(|similar| say("clap-error-similar", &[("similar", Arg::from(similar))]))
    .collect();
    if let Some(ContextValue::StyledStrs(suggested)) = error.get(ContextKind::Suggested) {
        tips.extend(suggested.iter().map(|s| tip_text(lang, &s.to_string())));
    }
    if !tips.is_empty() {
        text.push_str("\n\n  ");
        text.push_str(&tips.join("\n  "));
    }
    if let Some(usage) = context_text(error, ContextKind::Usage) {
        // clap writes the heading of the usage line itself.
        let usage = usage.trim_start();
        let line = usage.strip_prefix("Usage:").unwrap_or(usage).trim_start();
        text.push_str(&format!("\n\n{} {line}", say("clap-usage", &[])));
    }
    text.push_str("\n\n");
    text.push_str(&say("clap-error-more", &[]));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subcommand (the root as `None`) with its clap command.
    fn commands(cmd: &clap::Command) -> Vec<(Option<String>, clap::Command)> {
        let mut all = vec![(None, cmd.clone())];
        for s in cmd.get_subcommands() {
            all.push((Some(s.get_name().to_owned()), s.clone()));
        }
        all
    }

    /// Every text of `cmd` that the catalogues translate, with the key `lang` takes it
    /// from (`None` when `lang`'s catalogue has none) and clap's English.
    fn texts(lang: Lang) -> Vec<(String, Option<String>, String)> {
        let root = Cli::command();
        let mut out = Vec::new();
        let found = |keys: &[String]| {
            keys.iter()
                .find(|k| i18n::lookup(lang, k).is_some())
                .cloned()
        };
        for (sub, cmd) in commands(&root) {
            let sub = sub.as_deref();
            let about = cmd.get_about().map(|t| t.to_string()).unwrap_or_default();
            if !about.is_empty() {
                out.push((
                    key(sub, "about"),
                    found(&[key(sub, "about")]),
                    about.clone(),
                ));
            }
            if let Some(long) = cmd.get_long_about().map(|t| t.to_string()) {
                if let Some((_, example)) = long.split_once("\n\n") {
                    let k = key(sub, "example");
                    out.push((k.clone(), found(&[k]), example.to_owned()));
                }
            }
            if let Some(after) = cmd.get_after_help().map(|t| t.to_string()) {
                let k = key(sub, "after-help");
                out.push((k.clone(), found(&[k]), after));
            }
            for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
                let id = a.get_id().as_str();
                let Some(help) = a.get_help().map(|t| t.to_string()) else {
                    continue;
                };
                let keys = arg_keys(sub, id);
                let used = found(&keys);
                out.push((keys[0].clone(), used.clone(), help));
                for v in listed_values(a) {
                    if let Some(help) = v.get_help().map(|t| t.to_string()) {
                        let suffix = format!("--{}", v.get_name());
                        let keys = keys.clone().map(|k| format!("{k}{suffix}"));
                        out.push((keys[0].clone(), found(&keys), help));
                    }
                }
            }
        }
        out
    }

    /// Compares texts as clap shows them: without the final period of a one-paragraph help
    /// and without spaces at the ends of lines.
    fn same(a: &str, b: &str) -> bool {
        let norm = |s: &str| {
            s.trim_end_matches('.')
                .lines()
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join("\n")
        };
        norm(a) == norm(b)
    }

    #[test]
    fn the_english_catalogue_repeats_the_doc_comments() {
        let all = texts(Lang::En);
        assert!(all.len() >= 100, "{}", all.len());
        let differ: Vec<String> = all
            .iter()
            .filter_map(|(_, used, clap)| {
                let k = used.as_ref()?;
                let en = i18n::lookup(Lang::En, k)?;
                (!same(&en, clap))
                    .then(|| format!("{k}:\n  catalogue:   {en}\n  doc comment: {clap}"))
            })
            .collect();
        assert!(
            differ.is_empty(),
            "catalogue and doc comment differ (update both catalogues):\n{}",
            differ.join("\n")
        );
        // Every cli-* key of the catalogue is used by something clap has.
        let used: Vec<&str> = all.iter().filter_map(|(_, u, _)| u.as_deref()).collect();
        for line in i18n::EN_FTL.lines() {
            if let Some(k) = line.strip_prefix("cli-").and_then(|l| l.split(' ').next()) {
                let k = format!("cli-{k}");
                assert!(used.contains(&k.as_str()), "{k} names no command or option");
            }
        }
    }

    #[test]
    fn every_command_and_option_has_help_in_every_language() {
        for lang in Lang::ALL {
            let missing: Vec<String> = texts(lang)
                .into_iter()
                .filter(|(_, used, _)| used.is_none())
                .map(|(k, _, english)| format!("{k} = {english}"))
                .collect();
            assert!(
                missing.is_empty(),
                "{} catalogue lacks (add to src/i18n/{}.ftl, cli-opt-ID for an option \
                 several subcommands share):\n{}",
                lang.code(),
                lang.code(),
                missing.join("\n")
            );
        }
    }

    /// The help of `cmd` and every subcommand, short (-h) and long (--help).
    fn every_help(cmd: &clap::Command) -> Vec<String> {
        let mut cmd = cmd.clone();
        let mut out = vec![
            cmd.render_help().to_string(),
            cmd.render_long_help().to_string(),
        ];
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|s| s.get_name().to_owned())
            .collect();
        for name in names {
            let sub = cmd.find_subcommand_mut(&name).expect("listed subcommand");
            out.push(sub.render_help().to_string());
            out.push(sub.render_long_help().to_string());
        }
        out
    }

    #[test]
    fn chinese_help_leaves_no_english_of_clap() {
        let cmd = localized(Cli::command(), Lang::Zh);
        let helps = every_help(&cmd);
        assert!(helps.len() >= 20, "{}", helps.len());
        for help in &helps {
            for english in [
                "Usage:",
                "Commands:",
                "Options:",
                "Arguments:",
                "Print help",
                "Print version",
                "Print this message",
                "[default:",
                "[possible values",
                "Possible values",
                "Examples:",
                "Example:",
            ] {
                assert!(!help.contains(english), "{english} left in:\n{help}");
            }
        }
        let all = helps.join("\n");
        for word in [
            "用法：",
            "命令:",
            "选项:",
            "参数:",
            "打印帮助",
            "打印版本",
            "打印本帮助",
        ] {
            assert!(all.contains(word), "{word} missing");
        }
    }

    #[test]
    fn chinese_help_shows_defaults_and_values_in_chinese() {
        let mut cmd = localized(Cli::command(), Lang::Zh);
        let read = cmd.find_subcommand_mut("read").expect("read");
        let long = read.render_long_help().to_string();
        // -T's values with their help, -t's default-free help, the examples.
        for word in [
            "可选值：",
            "- text:",
            "每帧一行（默认）",
            "- fields:",
            "示例：",
            "不解析名字",
        ] {
            assert!(long.contains(word), "{word} missing from:\n{long}");
        }
        let short = read.render_help().to_string();
        assert!(short.contains("[可选值：text,"), "{short}");
        let stream = cmd.find_subcommand_mut("stream").expect("stream");
        let long = stream.render_long_help().to_string();
        assert!(long.contains("[默认值：auto]"), "{long}");
        assert!(
            long.contains("- c2s:") && long.contains("客户端到服务端"),
            "{long}"
        );
        // The root's help subcommand.
        let root = cmd.render_help().to_string();
        assert!(root.contains("打印本帮助，或给定子命令的帮助"), "{root}");
    }

    #[test]
    fn chinese_help_replaces_the_descriptions() {
        let cmd = localized(Cli::command(), Lang::Zh);
        let help = cmd.clone().render_long_help().to_string();
        assert!(help.contains("读取"), "{help}");
        let mut cmd = cmd;
        let stream = cmd
            .find_subcommand_mut("stream")
            .expect("stream subcommand");
        let help = stream.render_long_help().to_string();
        assert!(help.contains("粘包"), "{help}");
        assert!(help.contains("示例：`synack stream"), "{help}");
    }

    /// clap's error for `args` under the Chinese command, as [`LocalizedErrors`] writes it.
    fn chinese_error(args: &[&str]) -> String {
        let err = localized(Cli::command(), Lang::Zh)
            .try_get_matches_from(args)
            .expect_err("a wrong command line");
        error_text(Lang::Zh, &localized_error(err))
    }

    #[test]
    fn clap_errors_in_chinese() {
        let unknown = chinese_error(&["synack", "read", "x.pcap", "--bogus"]);
        for word in [
            "错误：无法识别的参数 '--bogus'",
            "提示：要把 '--bogus' 当作值传入，请写成 '-- --bogus'",
            "用法： synack read",
            "更多信息请用 '--help'。",
        ] {
            assert!(unknown.contains(word), "{word} missing from:\n{unknown}");
        }
        let value = chinese_error(&["synack", "stream", "x.pcap", "--dir", "up"]);
        for word in ["'--dir <DIR>' 的值 'up' 无效", "[可选值：c2s, s2c]"] {
            assert!(value.contains(word), "{word} missing from:\n{value}");
        }
        let similar = chinese_error(&["synack", "stream", "x.pcap", "--strem", "0"]);
        assert!(
            similar.contains("提示：有一个相近的：'--stream'"),
            "{similar}"
        );
        let sub = chinese_error(&["synack", "raed"]);
        assert!(sub.contains("无法识别的子命令 'raed'"), "{sub}");
        assert!(sub.contains("'read'"), "{sub}");
        for text in [&unknown, &value, &similar, &sub] {
            for english in [
                "error:",
                "Usage:",
                "For more information",
                "tip:",
                "possible values",
            ] {
                assert!(!text.contains(english), "{english} left in:\n{text}");
            }
        }
    }
}
