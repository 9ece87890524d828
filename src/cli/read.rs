//! `synack read FILE`: list every frame of a capture file.

use super::usage::usage;
use std::io::{self, BufWriter};
use std::ops::ControlFlow;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use super::input::InputArgs;
use super::output::PrintArgs;
use super::pipeline::FramePrinter;
use super::table::{TableArgs, Target};
use super::usage::usage_bail;
use crate::capture::CaptureInput;
use crate::pipeline::{analyse_file, default_threads};

/// Arguments of `synack read`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    synack read capture.pcap -Y 'tcp.analysis.flags'\n  \
    synack read -r capture.pcap.gz -n -c 20 -t ad\n  \
    synack read capture.pcap tcp port 80            (tcpdump's trailing BPF filter)\n  \
    synack read capture.pcap -T fields -e frame.number -e tcp.stream -e tcp.analysis.flags\n  \
    cat capture.pcap | synack read - -X")]
pub struct ReadArgs {
    /// The capture: one or more files, directories of them, or `-`. Words after the
    /// files that name no file are tcpdump's trailing BPF filter, e.g.
    /// `synack read f.pcap tcp port 80` (same as -f 'tcp port 80').
    #[command(flatten)]
    pub input: InputArgs,
    /// BPF filter (tcpdump syntax), compiled by libpcap: print only the frames it accepts;
    /// like -Y, the analysis still sees every frame.
    #[arg(short = 'f', long = "bpf", value_name = "BPF")]
    pub bpf: Option<String>,
    /// How frames are printed.
    #[command(flatten)]
    pub print: PrintArgs,
    /// The generator's calls trace: its send() calls give the messages of streams no
    /// framing explains (default: FILE.calls.json beside the capture, when it exists).
    #[arg(long, value_name = "CALLS.json")]
    pub calls: Option<std::path::PathBuf>,
    /// Skip the sticky-packet events (`message_boundary`, `coalesced`, `split`), which need
    /// a first pass that reassembles and frames every TCP stream (framing chosen by auto).
    #[arg(long)]
    pub no_messages: bool,
    /// Threads: 1 runs everything on one thread; 2 or more reads, decodes and analyses on
    /// one thread while another frames the streams, then formats and writes (same output).
    /// Default: 2 on a machine with two or more cores.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// The frames as a table (Parquet, CSV, JSON Lines): one row per frame.
    #[command(flatten)]
    pub(super) table: TableArgs,
}

impl ReadArgs {
    /// `read FILE` with default options.
    pub fn of(file: impl Into<std::path::PathBuf>) -> ReadArgs {
        ReadArgs {
            input: InputArgs::path_of(file),
            bpf: None,
            print: PrintArgs::default(),
            calls: None,
            no_messages: false,
            threads: None,
            table: TableArgs::default(),
        }
    }

    /// The capture's inputs and the BPF filter: `-f`, or tcpdump's trailing filter (the
    /// words after the inputs that name no file), not both.
    pub fn inputs_and_bpf(&self) -> anyhow::Result<(InputArgs, Option<String>)> {
        let (inputs, words) = self.input.split_trailing_words();
        let bpf = match (&self.bpf, words.is_empty()) {
            (Some(f), false) => {
                let words = words.join(" ");
                usage_bail!(
                    "two BPF filters: -f '{f}' and '{words}' after the file; give one{}",
                    no_such_file_hint(&words)
                )
            }
            (Some(f), true) => Some(f.clone()),
            (None, false) => Some(words.join(" ")),
            (None, true) => None,
        };
        Ok((inputs, bpf))
    }
}

/// Runs `synack read`.
pub(super) fn run(args: &ReadArgs) -> anyhow::Result<ExitCode> {
    let mut printer = args
        .print
        .printer(BufWriter::with_capacity(1 << 16, io::stdout().lock()), true)?;
    let (input, bpf) = args.inputs_and_bpf()?;
    let bpf = match bpf {
        Some(text) => Some(crate::capture::bpf::OfflineBpf::new(&text).map_err(|e| {
            usage(format!(
                "bad BPF filter '{text}': {e}{}",
                no_such_file_hint(&text)
            ))
        })?),
        None => None,
    };
    let threads = args.threads.unwrap_or_else(default_threads);
    if let Some(target) = args.table.target()? {
        return write_packets(args, &input, bpf, threads, &target);
    }
    if let Some(bpf) = bpf {
        printer = printer.with_bpf(bpf);
    }
    let reader = if args.no_messages {
        input.open()?
    } else {
        // Two passes (framing needs every stream's bytes); a pipe is read only once.
        let capture = input.rereadable()?;
        let trace = super::input::calls_trace(&input, args.calls.as_deref())?.map(|(_, t)| t);
        let sticky = crate::pipeline::sticky_events_with_calls(capture.open()?, threads, trace);
        printer = printer.with_sticky(sticky);
        capture.open()?
    };
    let options = ListOptions {
        json: args.print.json(),
        count: args.print.count,
        threads,
    };
    list(reader, &options, printer)
}

/// When a trailing filter does not compile and its first word looks like a path, the user
/// most likely mistyped a capture file's name: say so.
fn no_such_file_hint(filter: &str) -> String {
    let first = filter.split_whitespace().next().unwrap_or_default();
    if first.contains(['.', '/']) {
        format!(" ('{first}' is not an existing file either)")
    } else {
        String::new()
    }
}

/// `synack read --format`: every frame (that passes `-f`/the trailing BPF filter and `-Y`,
/// up to `-c`) as a row of the packets table, written in batches while the capture is read.
fn write_packets(
    args: &ReadArgs,
    input: &InputArgs,
    mut bpf: Option<crate::capture::bpf::OfflineBpf>,
    threads: usize,
    target: &Target,
) -> anyhow::Result<ExitCode> {
    use crate::columnar::{packets_schema, PacketsTable, BATCH_ROWS};
    let filter = super::output::parse_display_filter(args.print.display_filter.as_deref())?;
    let count = args.print.count;
    let reader = input.open()?;
    let mut start = None;
    let mut writer = super::table::open(packets_schema(), target)?;
    let mut table = PacketsTable::new();
    let (mut rows, mut failed) = (0u64, None);
    let done = analyse_file(reader, threads, |frame, packet, ann| {
        if count.is_some_and(|c| rows >= c) {
            return ControlFlow::Break(());
        }
        if start.is_none() {
            start = frame.ts;
        }
        if bpf.as_mut().is_some_and(|b| !b.matches(frame)) {
            return ControlFlow::Continue(());
        }
        let input = crate::filter::FilterInput {
            frame,
            packet,
            analysis: Some(ann),
            start,
        };
        if !filter.matches(&input) {
            return ControlFlow::Continue(());
        }
        rows += 1;
        table.push(frame, packet, ann);
        if table.rows() >= BATCH_ROWS {
            if let Err(e) = writer.write(&table.take_batch()) {
                failed = Some(e);
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    if let Some(e) = failed {
        return Err(e.into());
    }
    writer.write(&table.take_batch())?;
    writer.finish()?;
    let stopped_early = count.is_some_and(|c| rows >= c);
    let damage = done.error.as_ref().filter(|_| !stopped_early);
    let summary = super::summary::Summary::new(&input.name(), done.frames, done.engine.stats())
        .with_damage(damage);
    Ok(summary.report(false))
}

/// The built-in demo listed in the terminal: its frames (like `synack read`), then its
/// connections (like `synack flows`). What `synack` without arguments does in a build
/// without the desktop view.
#[cfg(not(feature = "gui"))]
pub(super) fn run_demo_text() -> anyhow::Result<ExitCode> {
    let demo = crate::capture::demo::reader;
    let sticky = crate::pipeline::sticky_events(demo()?, 1);
    let options = ListOptions {
        json: false,
        count: None,
        threads: 1,
    };
    let printer = FramePrinter::new(BufWriter::new(io::stdout().lock()), false, true, false)
        .with_sticky(sticky);
    let code = list(demo()?, &options, printer)?;
    say!();
    let run = crate::pipeline::analyse_flows(demo()?, 1);
    {
        use std::io::Write as _;
        let table = super::flows::table(&run.connections, &run.messages, &[]);
        let _ = write!(io::stdout(), "{table}");
    }
    Ok(code)
}

/// How `synack read` lists.
struct ListOptions {
    json: bool,
    count: Option<u64>,
    threads: usize,
}

/// Prints every frame of `reader` through `printer` (analysis, filters, sticky events), then
/// the summary.
fn list<W: io::Write>(
    reader: impl Into<CaptureInput>,
    args: &ListOptions,
    mut printer: FramePrinter<W>,
) -> anyhow::Result<ExitCode> {
    let reader = reader.into();
    let path = reader.name();
    let threads = args.threads;
    let mut write_error = None;
    let done = analyse_file(reader, threads, |frame, packet, ann| {
        if args.count.is_some_and(|c| printer.printed() >= c) {
            return ControlFlow::Break(());
        }
        match printer.analysed(frame, packet, ann) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                write_error = Some(e);
                ControlFlow::Break(())
            }
        }
    });
    if let Some(e) = write_error {
        if e.kind() == io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(e).context("writing output");
    }
    if let Err(e) = printer.flush() {
        if e.kind() != io::ErrorKind::BrokenPipe {
            return Err(e).context("writing output");
        }
    }
    for why in printer.bpf_refused() {
        note!("synack: {why} (its frames were left out)");
    }
    // With -c, the file may have been left before its end (and before a damaged part).
    let stopped_early = args.count.is_some_and(|c| printer.printed() >= c);
    let damage = done.error.as_ref().filter(|_| !stopped_early);
    let summary =
        super::summary::Summary::new(&path, done.frames, done.engine.stats()).with_damage(damage);
    Ok(summary.report(args.json))
}
