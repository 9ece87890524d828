//! `synack read FILE`: list every frame of a capture file.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use super::format::{frame_json_analyzed, frame_line_analyzed, EventJson, FrameView};
use crate::analysis::{Config, Engine};
use crate::capture::{FileReader, FrameSource, Timestamp};
use crate::decode::decode;
use crate::filter::{Filter, FilterInput};

/// The built-in demo capture (three HTTP connections: handshakes, data, teardowns).
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
    /// Display filter (Wireshark syntax): print only matching frames, e.g.
    /// `-Y 'tcp.port == 80 && tcp.flags.syn == 1'`, `-Y 'ip.addr == 10.0.0.0/8 and !vlan'`.
    #[arg(short = 'Y', long = "filter", value_name = "FILTER")]
    pub filter: Option<String>,
    /// Print raw TCP sequence and acknowledgment numbers instead of relative ones.
    #[arg(long)]
    pub absolute: bool,
    /// Skip the sticky-packet events (`message_boundary`, `coalesced`, `split`), which need
    /// a first pass that reassembles and frames every TCP stream (framing chosen by auto).
    #[arg(long)]
    pub no_messages: bool,
}

/// Runs `synack read`.
pub fn run(args: &ReadArgs) -> anyhow::Result<ExitCode> {
    let filter = match &args.filter {
        Some(text) => Filter::parse(text).map_err(|e| {
            anyhow::anyhow!(
                "bad display filter: {e}\n  {text}\n  {}^",
                " ".repeat(e.span.start)
            )
        })?,
        None => Filter::parse("")?,
    };
    let sticky = if args.no_messages {
        Sticky::new()
    } else {
        super::stream::sticky_events(&mut FileReader::open(&args.file)?)
    };
    let reader = FileReader::open(&args.file)?;
    list(
        reader,
        args.json,
        args.count,
        &filter,
        args.absolute,
        &sticky,
    )
}

/// Sticky-packet events by frame number.
type Sticky = std::collections::HashMap<u64, Vec<crate::stream::follow::StickyEvent>>;

fn list(
    mut reader: FileReader,
    json: bool,
    count: Option<u64>,
    filter: &Filter,
    absolute: bool,
    sticky: &Sticky,
) -> anyhow::Result<ExitCode> {
    let mut engine = Engine::new(Config::default());
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut t0: Option<Timestamp> = None;
    let mut printed = 0u64;
    let status = loop {
        if count.is_some_and(|c| printed >= c) {
            break Ok(());
        }
        let frame = match reader.next_frame() {
            Ok(Some(f)) => f,
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        };
        let packet = decode(&frame);
        let ann = engine.process(&frame, &packet);
        if t0.is_none() {
            t0 = frame.ts;
        }
        let view = FrameView {
            frame: &frame,
            packet: &packet,
        };
        let input = FilterInput {
            frame: &frame,
            packet: &packet,
            analysis: Some(&ann),
        };
        if !filter.matches(&input) {
            continue;
        }
        let stuck = sticky.get(&frame.number).map_or(&[][..], Vec::as_slice);
        let written = if json {
            let mut j = frame_json_analyzed(&view, Some(&ann), absolute);
            j.events.extend(stuck.iter().map(|e| EventJson {
                name: e.name(),
                detail: e.describe(),
                rtt_ms: None,
            }));
            serde_json::to_writer(&mut out, &j)
                .map_err(io::Error::from)
                .and_then(|_| out.write_all(b"\n"))
        } else {
            let mut line = frame_line_analyzed(&view, Some(&ann), t0, absolute);
            for e in stuck {
                line.push_str(" <");
                line.push_str(&e.describe());
                line.push('>');
            }
            writeln!(out, "{line}")
        };
        if let Err(e) = written {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return Ok(ExitCode::SUCCESS);
            }
            return Err(e).context("writing output");
        }
        printed += 1;
    };
    if let Err(e) = out.flush() {
        if e.kind() != io::ErrorKind::BrokenPipe {
            return Err(e).context("writing output");
        }
    }
    match status {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("synack: {e} ({printed} frames read before the error)");
            Ok(ExitCode::from(1))
        }
    }
}
