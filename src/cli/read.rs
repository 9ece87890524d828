//! `synack read FILE`: list every frame of a capture file.

use super::usage::usage;
use std::io::{self, BufWriter};
use std::ops::ControlFlow;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use super::input::InputArgs;
use super::pipeline::{FramePrinter, StickyByFrame};
use crate::capture::{CaptureInput, RereadableCapture};
use crate::filter::Filter;
use crate::pipeline::{analyse_file, default_threads};

/// Arguments of `synack read`.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// The capture: one or more files, or directories of them.
    #[command(flatten)]
    pub input: InputArgs,
    /// Print JSON Lines: one object per frame (fields: frame, time, caplen, len, link, vlan,
    /// src, dst, proto, sport, dport, tcp{flags,seq,ack,seq_raw,ack_raw,win,win_calc,states,
    /// len,options}, stream, direction, tags[{name,reason}], events[{name,detail}], notes, ...).
    #[arg(long)]
    pub json: bool,
    /// Stop after N frames.
    #[arg(short = 'c', long = "count", value_name = "N")]
    pub count: Option<u64>,
    /// Print raw TCP sequence and acknowledgment numbers instead of relative ones.
    #[arg(long)]
    pub absolute: bool,
    /// Display filter (Wireshark syntax): print only matching frames, e.g.
    /// `-Y 'tcp.port == 80 && tcp.flags.syn == 1'`, `-Y 'ip.addr == 10.0.0.0/8 and !vlan'`.
    #[arg(short = 'Y', long = "filter", value_name = "FILTER")]
    pub filter: Option<String>,
    /// Skip the sticky-packet events (`message_boundary`, `coalesced`, `split`), which need
    /// a first pass that reassembles and frames every TCP stream (framing chosen by auto).
    #[arg(long)]
    pub no_messages: bool,
    /// Threads: 1 runs everything on one thread; 2 or more reads, decodes and analyses on
    /// one thread while another frames the streams, then formats and writes (same output).
    /// Default: 2 on a machine with two or more cores.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Parses a `-Y` display filter, underlining the error's position.
pub(super) fn parse_display_filter(text: Option<&str>) -> anyhow::Result<Filter> {
    match text {
        Some(text) => Filter::parse(text).map_err(|e| {
            usage(format!(
                "bad display filter: {e}\n  {text}\n  {}^",
                " ".repeat(e.span.start)
            ))
        }),
        None => Ok(Filter::parse("")?),
    }
}

/// Runs `synack read`.
pub(super) fn run(args: &ReadArgs) -> anyhow::Result<ExitCode> {
    let filter = parse_display_filter(args.filter.as_deref())?;
    let threads = args.threads.unwrap_or_else(default_threads);
    let (sticky, reader) = if args.no_messages {
        (StickyByFrame::new(), args.input.open()?)
    } else {
        // Two passes (framing needs every stream's bytes); a pipe is read only once.
        let capture = RereadableCapture::new(&args.input.files)?;
        let sticky = crate::pipeline::sticky_events(capture.open()?, threads);
        (sticky, capture.open()?)
    };
    let options = ListOptions {
        json: args.json,
        count: args.count,
        absolute: args.absolute,
        threads,
    };
    list(reader, &options, filter, sticky)
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
        absolute: false,
        threads: 1,
    };
    let code = list(demo()?, &options, Filter::parse("")?, sticky)?;
    say!();
    let run = crate::pipeline::analyse_flows(demo()?, 1);
    {
        use std::io::Write as _;
        let table = super::flows::table(&run.connections, &run.messages, &[]);
        let _ = write!(io::stdout(), "{table}");
    }
    Ok(code)
}

/// How `synack read` prints.
struct ListOptions {
    json: bool,
    count: Option<u64>,
    absolute: bool,
    threads: usize,
}

/// Prints every frame of `reader` (with its analysis and sticky events), then the summary.
fn list(
    reader: impl Into<CaptureInput>,
    args: &ListOptions,
    filter: Filter,
    sticky: StickyByFrame,
) -> anyhow::Result<ExitCode> {
    let reader = reader.into();
    let path = reader.name();
    let threads = args.threads;
    let stdout = io::stdout();
    let mut printer = FramePrinter::new(
        BufWriter::with_capacity(1 << 16, stdout.lock()),
        args.json,
        true,
        args.absolute,
    )
    .with_filter(filter)
    .with_sticky(sticky);
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
    // With -c, the file may have been left before its end (and before a damaged part).
    let stopped_early = args.count.is_some_and(|c| printer.printed() >= c);
    let damage = done.error.as_ref().filter(|_| !stopped_early);
    let summary =
        super::summary::Summary::new(&path, done.frames, done.engine.stats()).with_damage(damage);
    Ok(summary.report(args.json))
}
