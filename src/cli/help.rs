//! The command line's help in the interface's language. clap takes its help from the doc
//! comments (English); for another language each subcommand's description and each option's
//! help are replaced by the catalogue's `cli-SUB-about` and `cli-SUB-ARG` messages (root:
//! `cli-about`, `cli-ARG`), and clap's own words (the Usage / Commands / Arguments /
//! Options headings, `-h` and `-V`) by the `clap-*` messages.
//! English keeps the doc comments and clap's words; a unit test checks that the English
//! catalogue repeats the doc comments word for word, so the two languages say the same
//! thing. An option without a `cli-SUB-ID` message keeps its English help.

use clap::CommandFactory;

use super::Cli;
use crate::i18n::{self, Lang};

/// `synack`'s clap command with help in this thread's language.
pub(super) fn localized_command() -> clap::Command {
    let cmd = Cli::command();
    match i18n::lang() {
        Lang::En => cmd,
        lang => localized(cmd, lang),
    }
}

/// `cmd` with every help text in `lang`, clap's generated `--help` and `--version` flags
/// replaced by the same flags with help in `lang`.
fn localized(cmd: clap::Command, lang: Lang) -> clap::Command {
    localize(cmd, lang, None)
}

/// A heading as clap keeps it (`&'static str` without clap's `string` feature): the help is
/// built once per process, so the few headings leaked are bounded.
fn forever(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// clap's words for a command in `lang`: the help template with the usage heading, the
/// headings of commands, arguments and options, and the generated flags (replaced by the
/// same flags: clap adds its own only when the command is built).
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

fn localize(mut cmd: clap::Command, lang: Lang, sub: Option<&str>) -> clap::Command {
    if let Some(about) = i18n::lookup(lang, &key(sub, "about")) {
        cmd = cmd.about(about.clone()).long_about(about);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().as_str().to_owned())
        .collect();
    for id in ids {
        if let Some(help) = i18n::lookup(lang, &key(sub, &id)) {
            cmd = cmd.mut_arg(id, |a| a.help(help.clone()).long_help(help));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `cli-*` key of the English catalogue, with the (sub)command and argument it
    /// names and clap's English help for it.
    fn english_help() -> Vec<(String, String, String)> {
        let cmd = Cli::command();
        let mut out = Vec::new();
        let first_paragraph =
            |s: Option<&clap::builder::StyledStr>| s.map(|t| t.to_string()).unwrap_or_default();
        out.push((
            "cli-about".to_owned(),
            i18n::text_in(Lang::En, "cli-about", &[]),
            first_paragraph(cmd.get_about()),
        ));
        for a in cmd.get_arguments() {
            let k = key(None, a.get_id().as_str());
            if let Some(en) = i18n::lookup(Lang::En, &k) {
                out.push((k, en, first_paragraph(a.get_help())));
            }
        }
        for s in cmd.get_subcommands() {
            let name = s.get_name();
            let k = key(Some(name), "about");
            if let Some(en) = i18n::lookup(Lang::En, &k) {
                out.push((k, en, first_paragraph(s.get_about())));
            }
            for a in s.get_arguments() {
                let k = key(Some(name), a.get_id().as_str());
                if let Some(en) = i18n::lookup(Lang::En, &k) {
                    out.push((k, en, first_paragraph(a.get_help())));
                }
            }
        }
        out
    }

    #[test]
    fn the_english_catalogue_repeats_the_doc_comments() {
        let all = english_help();
        assert!(all.len() >= 10, "{all:?}");
        // clap drops the final period of a one-paragraph help.
        let differ: Vec<String> = all
            .iter()
            .filter(|(_, en, clap)| en.trim_end_matches('.') != clap.trim_end_matches('.'))
            .map(|(k, en, clap)| format!("{k}:\n  catalogue:   {en}\n  doc comment: {clap}"))
            .collect();
        assert!(
            differ.is_empty(),
            "catalogue and doc comment differ (update both catalogues):\n{}",
            differ.join("\n")
        );
        // Every cli-* key names something clap has.
        let known: Vec<&str> = all.iter().map(|(k, _, _)| k.as_str()).collect();
        for line in i18n::EN_FTL.lines() {
            if let Some(k) = line.strip_prefix("cli-").and_then(|l| l.split(' ').next()) {
                let k = format!("cli-{k}");
                assert!(
                    known.contains(&k.as_str()),
                    "{k} names no command or option"
                );
            }
        }
    }

    #[test]
    fn chinese_help_has_chinese_headings_and_generated_flags() {
        let mut cmd = localized(Cli::command(), Lang::Zh);
        let help = cmd.render_help().to_string();
        for word in ["用法：", "命令:", "选项:", "打印帮助", "打印版本"] {
            assert!(help.contains(word), "{word} missing from:\n{help}");
        }
        for word in [
            "Usage:",
            "Commands:",
            "Options:",
            "Print help",
            "Print version",
        ] {
            assert!(!help.contains(word), "{word} left in:\n{help}");
        }
        let stream = cmd
            .find_subcommand_mut("stream")
            .expect("stream subcommand");
        let help = stream.render_help().to_string();
        for word in ["用法：", "参数:", "选项:", "抓包文件"] {
            assert!(help.contains(word), "{word} missing from:\n{help}");
        }
        assert!(!help.contains("Arguments:"), "{help}");
    }

    #[test]
    fn chinese_help_replaces_the_descriptions() {
        let cmd = localize(Cli::command(), Lang::Zh, None);
        let help = cmd.clone().render_long_help().to_string();
        assert!(help.contains("读取"), "{help}");
        let mut cmd = cmd;
        let stream = cmd
            .find_subcommand_mut("stream")
            .expect("stream subcommand");
        let help = stream.render_long_help().to_string();
        assert!(help.contains("粘包"), "{help}");
    }
}
