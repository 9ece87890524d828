//! `synack read FILE`: list every frame of a capture file.

use std::io::{self, BufWriter};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use super::pipeline::{FramePrinter, StickyByFrame};
use crate::capture::{FileReader, FrameSource};
use crate::filter::Filter;

/// The built-in demo capture, made by `synack gen demo --synthetic`: a handshake, an echo, a
/// sticky burst, a lossy transfer with fast retransmission and timeout, a four-way close,
/// an aborted (RST) connection and a refused one (three connections in all).
pub const DEMO_CAPTURE: &[u8] = include_bytes!("../../captures/demo.pcap");

/// Arguments of `synack read`.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Capture file (pcap or pcapng, any byte order, µs or ns timestamps).
    pub file: PathBuf,
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
}

/// Parses a `-Y` display filter, underlining the error's position.
pub fn parse_display_filter(text: Option<&str>) -> anyhow::Result<Filter> {
    match text {
        Some(text) => Filter::parse(text).map_err(|e| {
            anyhow::anyhow!(
                "bad display filter: {e}\n  {text}\n  {}^",
                " ".repeat(e.span.start)
            )
        }),
        None => Ok(Filter::parse("")?),
    }
}

/// Runs `synack read`.
pub fn run(args: &ReadArgs) -> anyhow::Result<ExitCode> {
    let filter = parse_display_filter(args.filter.as_deref())?;
    let sticky = if args.no_messages {
        StickyByFrame::new()
    } else {
        super::stream::sticky_events(&mut FileReader::open(&args.file)?)
    };
    let reader = FileReader::open(&args.file)?;
    list(reader, args.json, args.count, args.absolute, filter, sticky)
}

/// The built-in demo listed in the terminal: its frames (like `synack read`), then its
/// connections (like `synack flows`). What `synack` without arguments does in a build
/// without the desktop view.
#[cfg(not(feature = "gui"))]
pub fn run_demo_text() -> anyhow::Result<ExitCode> {
    let demo = || FileReader::from_reader("demo.pcap", io::Cursor::new(DEMO_CAPTURE));
    let sticky = super::stream::sticky_events(&mut demo()?);
    let code = list(demo()?, false, None, false, Filter::parse("")?, sticky)?;
    println!();
    let (messages, _) = super::flows::message_table_of(&mut demo()?);
    let (conns, _, _) = super::flows::analyze_file(&mut demo()?);
    print!("{}", super::flows::table(&conns, &messages));
    Ok(code)
}

fn list(
    mut reader: FileReader,
    json: bool,
    count: Option<u64>,
    absolute: bool,
    filter: Filter,
    sticky: StickyByFrame,
) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    let mut printer = FramePrinter::new(
        BufWriter::with_capacity(1 << 16, stdout.lock()),
        json,
        true,
        absolute,
    )
    .with_filter(filter)
    .with_sticky(sticky);
    let status = loop {
        if count.is_some_and(|c| printer.printed() >= c) {
            break Ok(());
        }
        let frame = match reader.next_frame() {
            Ok(Some(f)) => f,
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        };
        if let Err(e) = printer.frame(&frame) {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return Ok(ExitCode::SUCCESS);
            }
            return Err(e).context("writing output");
        }
    };
    if let Err(e) = printer.flush() {
        if e.kind() != io::ErrorKind::BrokenPipe {
            return Err(e).context("writing output");
        }
    }
    let summary =
        super::summary::Summary::new(reader.path(), reader.frames_read(), printer.engine_stats())
            .with_damage(status.as_ref().err());
    Ok(summary.report(json))
}
