//! Command-line interface: `synack read`, and the other subcommands as they land.
//!
//! Thin over the library: each subcommand opens a source, runs the pipeline and formats the
//! results. Exit status: 0 on success, 1 when the input was damaged (after printing everything
//! that could be read), 2 on usage errors (clap's convention).

/// `eprintln!` that never panics: a closed or full stderr loses the message, nothing else
/// (the standard macro panics with "failed printing to stderr").
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `println!` that never panics: a closed stdout (`| head`) ends the output quietly.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod capture;
mod fields;
mod flows;
mod format;
mod gen;
mod help;
mod ifaces;
mod input;
mod ladder;
mod output;
mod pair;
mod pipeline;
mod read;
#[cfg(target_os = "linux")]
mod run;
mod stream;
mod summary;
mod table;
mod time;
mod usage;
#[cfg(feature = "gui")]
mod view;

use std::process::ExitCode;

use clap::{FromArgMatches, Parser, Subcommand};

use crate::i18n::Lang;

pub use fields::FieldsFormat;
pub use flows::{flow_row, FlowRow};
pub use format::{
    frame_json, frame_json_analyzed, frame_line, frame_line_analyzed, summary, summary_with,
    FrameView,
};
pub use output::{OutputFormat, PrintArgs};
pub use pipeline::{FramePrinter, StickyByFrame, Style};
pub use summary::{Damage, Summary, EXIT_DAMAGED};
pub use time::TimeFormat;
pub use usage::EXIT_USAGE;

/// synack: see TCP. Reads pcap/pcapng files and explains every packet.
#[derive(Debug, Parser)]
#[command(name = "synack", version, about, long_about = None)]
pub struct Cli {
    /// Language of the output meant for people and of the window: `en` or `zh` (简体中文).
    /// Default: from the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, e.g. `LANG=zh_CN.UTF-8`).
    #[arg(long, global = true, value_name = "en|zh", value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the frames of a capture file, one line (or one JSON object) each.
    ///
    /// Example: `synack read captures/handshake.pcap --json | head`
    Read(read::ReadArgs),
    /// Reassembled TCP streams: messages, and the segments that glued or split them.
    ///
    /// Example: `synack stream capture.pcap --stream 0 --framing auto`
    Stream(stream::StreamArgs),
    /// List the connections of a capture file: state, history, close pattern, counters.
    ///
    /// Example: `synack flows captures/demo.pcap --json`
    Flows(flows::FlowsArgs),
    /// The ladder diagram of one connection: listing, SVG, Mermaid, PlantUML or JSON.
    ///
    /// Example: `synack ladder captures/demo.pcap --stream 0 --svg demo.svg`
    Ladder(ladder::LadderArgs),
    /// Open the desktop view on a capture file, a live interface, or the built-in demo.
    ///
    /// Example: `synack view captures/demo.pcap`; `synack view --live lo -f 'tcp port 80'`.
    #[cfg(feature = "gui")]
    View(view::ViewArgs),
    /// Open the desktop view (not in this build: synack was built without the `gui` feature).
    #[cfg(not(feature = "gui"))]
    View(NoGuiArgs),
    /// Run a socket lesson (echo, sticky packets, half-close, loss, ...) and capture it.
    ///
    /// Example: `synack gen sticky --synthetic --write sticky.pcap`; `synack gen --list`.
    Gen(gen::GenArgs),
    /// Capture live on an interface; print like `read`, write pcap like tcpdump -w.
    ///
    /// Example: `synack capture -i eth0 -f 'tcp port 443' -w https.pcap --print`
    Capture(capture::CaptureArgs),
    /// List interfaces: addresses, up/down, loopback, and whether synack may capture there.
    Ifaces(ifaces::IfacesArgs),
    /// Run programs traced in a network of their own: their socket calls and their packets
    /// on one time line; writes the pcap and its calls trace.
    ///
    /// Example: `synack run --server 'python3 server.py' --client 'python3 client.py' -w run.pcap`
    #[cfg(target_os = "linux")]
    Run(run::RunArgs),
    /// List every field display filters (-Y) and -T fields -e know, with its type.
    ///
    /// Example: `synack fields tcp.analysis`
    Fields(fields::FieldsArgs),
    /// Two captures of the same traffic (e.g. at the client and at the server): where each
    /// segment was lost, and how long each direction took.
    ///
    /// Example: `synack pair client.pcap server.pcap --problems`
    Pair(pair::PairArgs),
}

/// Arguments of `view` in a build without the desktop view: accepted (so the message says
/// what is missing instead of clap's "unrecognized subcommand"), then refused.
#[cfg(not(feature = "gui"))]
#[derive(Debug, clap::Args)]
pub struct NoGuiArgs {
    /// Whatever `synack view` would take.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub rest: Vec<String>,
}

/// `synack` without arguments in a build without the desktop view: the demo capture listed
/// in the terminal (`read`, then `flows`), like `./dev demo` does without a display.
#[cfg(not(feature = "gui"))]
fn terminal_demo() -> anyhow::Result<ExitCode> {
    note!(
        "synack: built without the desktop view; the built-in demo in the terminal \
         (see `synack --help` for the subcommands)"
    );
    read::run_demo_text()
}

/// The command line as tcpdump and tshark users type it, made into synack's: `synack -r
/// FILE ...` is `synack read -r FILE ...`, `synack -i IFACE ...` is `synack capture -i
/// IFACE ...`, `synack -D` lists the interfaces; a bare `-t` (tcpdump: no time column)
/// becomes `-t none`, since `-t` otherwise takes a format (`-t ad`, `-tttt`); an `-e` that
/// names no field (last, before an option, or before an existing file) is tcpdump's -e,
/// `--link-header`, since `-e FIELD` is otherwise tshark's.
fn tcpdump_habits(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let first = args.get(1).and_then(|a| a.to_str()).unwrap_or("");
    let subcommand = if first.starts_with("-r") {
        Some("read")
    } else if first.starts_with("-i") {
        Some("capture")
    } else if first == "-D" {
        args.remove(1);
        Some("ifaces")
    } else {
        None
    };
    if let Some(sub) = subcommand {
        args.insert(1, sub.into());
    }
    let mut out = Vec::with_capacity(args.len());
    let mut iter = args.into_iter().peekable();
    while let Some(a) = iter.next() {
        let next_is_format = iter
            .peek()
            .and_then(|n| n.to_str())
            .is_some_and(|n| time::TimeFormat::parse(n).is_some() && !n.is_empty());
        if a == "-t" && !next_is_format {
            out.push("-tnone".into());
        } else if a == "-e"
            && iter.peek().and_then(|n| n.to_str()).is_none_or(|n| {
                // The next word names no field: nothing, an option, or a file.
                n.starts_with('-') || std::path::Path::new(n).exists()
            })
        {
            out.push("--link-header".into());
        } else {
            out.push(a);
        }
    }
    out
}

/// Parses the command line and runs it; returns the process exit code: 0 on success, 1 when
/// the input was damaged or could not be read, [`EXIT_USAGE`] when the command line asked for
/// something wrong (clap's errors included). Nothing here panics on a closed stdout or stderr.
pub fn run() -> ExitCode {
    // The language first, so that clap's help and errors already speak it.
    let args = tcpdump_habits(std::env::args_os().collect());
    let lang_args = args.iter().map(|a| a.to_string_lossy().into_owned());
    crate::i18n::set_lang(lang_of_args(lang_args).unwrap_or_else(Lang::from_env));
    let cli = match help::localized_command().try_get_matches_from(args) {
        Ok(m) => Cli::from_arg_matches(&m),
        Err(e) => Err(e),
    };
    let cli = match cli {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" that print to stdout and exit 0; a failed
            // print (a closed pipe) is not worth a panic.
            let code = e.exit_code();
            let _ = match crate::i18n::lang() {
                Lang::En => e.print(),
                _ => help::localized_error(e).print(),
            };
            return ExitCode::from(u8::try_from(code).unwrap_or(EXIT_USAGE));
        }
    };
    if let Some(lang) = cli.lang {
        crate::i18n::set_lang(lang);
    }
    let result = match cli.command {
        Some(Command::Read(args)) => read::run(&args),
        Some(Command::Stream(args)) => stream::run(&args),
        Some(Command::Gen(args)) => gen::run(&args),
        Some(Command::Flows(args)) => flows::run(&args),
        Some(Command::Ladder(args)) => ladder::run(&args),
        Some(Command::Capture(args)) => capture::run(&args),
        Some(Command::Ifaces(args)) => ifaces::run(&args),
        Some(Command::Pair(args)) => pair::run(&args),
        #[cfg(target_os = "linux")]
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Fields(args)) => fields::run(&args),
        #[cfg(feature = "gui")]
        Some(Command::View(args)) => view::run(&args),
        #[cfg(feature = "gui")]
        None => crate::ui::run_demo(),
        #[cfg(not(feature = "gui"))]
        Some(Command::View(_)) => Err(anyhow::anyhow!(
            "this synack was built without the desktop view (the `gui` cargo feature); \
             rebuild with default features (`cargo build --release`), or use `synack read FILE` \
             and `synack flows FILE` in the terminal"
        )),
        #[cfg(not(feature = "gui"))]
        None => terminal_demo(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            note!("synack: {}", usage::error_text(&e));
            ExitCode::from(usage::exit_status(&e))
        }
    }
}

/// `--lang` values: `en`, `zh` (or a locale name such as `zh_CN.UTF-8`).
fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("unknown language `{s}` (expected en or zh)"))
}

/// The `--lang X` or `--lang=X` of a command line, read before clap parses it (so that the
/// help text is in that language). An unknown value is left for clap to report.
fn lang_of_args(args: impl IntoIterator<Item = String>) -> Option<Lang> {
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        if a == "--" {
            break;
        }
        if a == "--lang" {
            return args.next().and_then(|v| Lang::parse(&v));
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return Lang::parse(v);
        }
    }
    None
}
