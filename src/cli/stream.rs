//! `synack stream FILE [--stream N]`: reassembled TCP streams, their messages and where the
//! segments cut them (sticky packets), like Wireshark's Follow TCP Stream plus a ruler.
//!
//! Without `--stream`, one summary line (or JSON object) per TCP stream. With it, per
//! direction: the segments and messages side by side, gaps, unparseable bytes, and counts;
//! `--dump` adds a hex/ASCII dump per message, `--raw` writes the reassembled bytes.

use super::usage::usage;
use super::usage::usage_bail;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::input::InputArgs;
use super::table::{TableArgs, Target};
use anyhow::Context as _;
use clap::{Args, ValueEnum};
use serde_json::json;

use crate::analysis::{endpoint_string, Config, Direction};
use crate::calls::CallTrace;
use crate::capture::Timestamp;
use crate::i18n::{self, Message};
use crate::pipeline::Pipeline;
use crate::stream::follow::{
    frame_connection_with_calls, ConnMessages, FollowLimits, FollowedConn, Follower, FramingChoice,
};
use crate::stream::framing::{Framed, Framing, FRAMING_HELP};
use crate::stream::text::{self, EncodingChoice, TextEncoding};
use crate::stream::{Annotation, DirectionStream};

/// Arguments of `synack stream`.
#[derive(Debug, Args)]
pub struct StreamArgs {
    /// The capture: one or more files, directories of them, or `-`.
    #[command(flatten)]
    pub input: InputArgs,
    /// TCP stream number (tshark's `tcp.stream`, in order of first appearance). Without it,
    /// every stream is summarised.
    #[arg(long, value_name = "N")]
    pub stream: Option<u32>,
    /// How to cut the bytes into messages: line, u8, u16be, u16le, u32be, u32le (with
    /// `:off=N` for a header offset and `:incl` when the length includes the header, e.g.
    /// `u16be:off=2:incl`), http, tls, dns, resp, mysql (switches to TLS records after an
    /// SSL request), fixed:N, none (no messages), or auto (the framing that explains the
    /// stream best; the reason is printed).
    /// Example: `synack stream dns.pcap --stream 0 --framing dns --json`
    #[arg(long, value_name = "F", default_value = "auto")]
    pub framing: String,
    /// JSON Lines: `stream`, `segment`, `message`, `gap`, `duplicate`, `conflict`,
    /// `unparsed`, `incomplete` and `summary` objects, each with a `kind` field.
    #[arg(long)]
    pub json: bool,
    /// Hex/ASCII dump of every message (Follow TCP Stream style); needs --stream N.
    #[arg(long, requires = "stream")]
    pub dump: bool,
    /// Write the reassembled bytes (gaps left out): `-` for stdout (the `--dir` direction,
    /// c2s by default); with `--dir`, a file (unless PATH is an existing directory);
    /// otherwise a directory that receives `stream-N-c2s.bin` and `stream-N-s2c.bin`.
    /// Needs --stream N.
    #[arg(long, value_name = "PATH|-", requires = "stream")]
    pub raw: Option<PathBuf>,
    /// Only this direction (c2s: from the originator, normally the side that sent the SYN).
    /// Needs --stream N.
    #[arg(long, value_enum, requires = "stream")]
    pub dir: Option<DirArg>,
    /// The generator's calls trace for this capture: one message per `send()` call
    /// (`--framing calls`). Without it, `FILE.calls.json` beside the capture is read when it
    /// exists, and `auto` uses its send() calls when no framing explains the bytes.
    /// Example: `synack stream sticky.pcap --calls sticky.pcap.calls.json --stream 0`
    #[arg(long, value_name = "CALLS.json")]
    pub calls: Option<PathBuf>,
    /// Print each message's bytes as text in the chosen encoding (with `--stream`).
    ///
    /// Bytes no message explains are printed too (all of a stream no framing fits, such as
    /// a chat of bare `send()` calls). With `--json`, message and unparsed objects gain
    /// `text` and `encoding` when their bytes decode.
    /// Example: `synack stream chat.pcap --stream 0 --text --encoding gbk`
    #[arg(long)]
    pub text: bool,
    /// Encoding of `--text` and of the messages' `text` in JSON: auto (UTF-8 when the stream's bytes are valid UTF-8, else GBK/GB18030 when they decode cleanly, else Latin-1), utf-8, gbk (GB18030) or latin1.
    #[arg(long, value_name = "E", default_value = "auto", value_parser = parse_encoding)]
    pub encoding: EncodingChoice,
    /// The messages as a table (Parquet, CSV, JSON Lines): one row per message of every
    /// stream (or of `--stream N`), with its connection, frames and times.
    #[command(flatten)]
    pub(super) table: TableArgs,
}

fn parse_encoding(s: &str) -> Result<EncodingChoice, String> {
    s.parse()
}

/// A direction on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DirArg {
    /// Client to server.
    C2s,
    /// Server to client.
    S2c,
}

/// One direction after framing.
struct DirView<'a> {
    dir: Direction,
    stream: &'a DirectionStream,
    framed: &'a Framed,
    marks: &'a Annotation,
}

/// Runs `synack stream`.
pub(super) fn run(args: &StreamArgs) -> anyhow::Result<ExitCode> {
    let target = args.table.target()?;
    let mut choice = if args.framing.eq_ignore_ascii_case("auto") {
        FramingChoice::Auto
    } else {
        FramingChoice::Use(args.framing.parse::<Framing>().map_err(|e| {
            usage(format!(
                "--framing {}: {e}\n  known framings: {FRAMING_HELP}",
                args.framing
            ))
        })?)
    };
    let trace = load_trace(args)?;
    match (&choice, &trace, &args.calls) {
        (FramingChoice::Auto, _, Some(_)) => choice = FramingChoice::Use(Framing::Calls),
        (FramingChoice::Use(f), _, Some(p)) if *f != Framing::Calls => usage_bail!(
            "--calls {} frames by the send() calls; it cannot be combined with --framing {}",
            p.display(),
            args.framing
        ),
        (FramingChoice::Use(Framing::Calls), None, _) => usage_bail!(
            "--framing calls needs the generator's calls trace: no {} beside the capture; \
             give one with --calls FILE",
            crate::calls::calls_path(&args.input.single().unwrap_or_else(|| "FILE".into()))
                .display()
        ),
        _ => {}
    }
    let trace = trace.map(|(path, t)| CallsSource { path, trace: t });
    let mut reader = args.input.open()?;
    let mut pipeline = Pipeline::new(Config::default())
        .following(Follower::new(args.stream, FollowLimits::default()));
    let (_, damaged) = pipeline.run(&mut reader);
    let (engine, table) = pipeline.finish();
    let table = table.expect("the pipeline follows");
    let summary =
        super::summary::Summary::new(&args.input.name(), reader.frames_read(), engine.stats())
            .with_follower(&table)
            .with_damage(damaged.as_ref());
    if let Some(target) = &target {
        write_messages(&table, &choice, trace.as_ref(), target)?;
        return Ok(summary.report(false));
    }
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let written = match args.stream {
        None => list(&table, &choice, trace.as_ref(), args.json, &mut out),
        Some(n) => {
            let Some(ts) = table.get(n) else {
                usage_bail!(
                    "{}: no TCP stream {n} (the capture has {} TCP streams, numbered from 0)",
                    args.input.name().display(),
                    engine
                        .connections()
                        .iter()
                        .filter(|c| c.tcp.is_some())
                        .count()
                );
            };
            if let Some(raw) = &args.raw {
                write_raw(ts, raw, args.dir, &mut out)?;
                Ok(())
            } else {
                show(ts, &choice, trace.as_ref(), args, &mut out)
            }
        }
    };
    match written.and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e).context("writing output"),
        Ok(()) => {}
    }
    Ok(summary.report(args.json))
}

/// `synack stream --format`: the messages of every followed stream as a table, framed the
/// way the listing frames them.
fn write_messages(
    table: &Follower,
    choice: &FramingChoice,
    trace: Option<&CallsSource>,
    target: &Target,
) -> anyhow::Result<()> {
    use crate::columnar::{messages_schema, MessagesTable, BATCH_ROWS};
    let mut writer = super::table::open(messages_schema(), target)?;
    let mut rows = MessagesTable::new();
    for ts in table.connections() {
        let msgs = frame_connection_with_calls(ts, *choice, trace.map(|t| &t.trace));
        rows.push_connection(ts, &msgs);
        if rows.rows() >= BATCH_ROWS {
            writer.write(&rows.take_batch())?;
        }
    }
    writer.write(&rows.take_batch())?;
    writer.finish()?;
    Ok(())
}

/// A calls trace and where it was read from.
struct CallsSource {
    path: PathBuf,
    trace: CallTrace,
}

/// The calls trace of `--calls`, or the one beside the capture.
fn load_trace(args: &StreamArgs) -> anyhow::Result<Option<(PathBuf, CallTrace)>> {
    super::input::calls_trace(&args.input, args.calls.as_deref())
}

fn views<'a>(
    msgs: &'a ConnMessages,
    ts: &'a FollowedConn,
    only: Option<DirArg>,
) -> Vec<DirView<'a>> {
    [Direction::ClientToServer, Direction::ServerToClient]
        .into_iter()
        .filter(|d| match only {
            Some(DirArg::C2s) => *d == Direction::ClientToServer,
            Some(DirArg::S2c) => *d == Direction::ServerToClient,
            None => true,
        })
        .map(|dir| DirView {
            dir,
            stream: &ts.dirs[dir.index()].store,
            framed: &msgs.dirs[dir.index()].framed,
            marks: &msgs.dirs[dir.index()].marks,
        })
        .collect()
}

fn why(msgs: &ConnMessages) -> Option<String> {
    msgs.reason.as_ref().map(|r| {
        if msgs.consistent {
            r.to_string()
        } else {
            format!("(inconsistent) {r}")
        }
    })
}

fn stream_json(ts: &FollowedConn, msgs: &ConnMessages) -> serde_json::Value {
    json!({
        "kind": "stream", "stream": ts.stream, "client": endpoint_string(ts.client),
        "server": endpoint_string(ts.server), "vlan": ts.vlan,
        "framing": msgs.framing.to_string(), "auto_reason": why(msgs),
    })
}

fn time(t: Option<Timestamp>) -> serde_json::Value {
    t.map_or(serde_json::Value::Null, |t| json!(t.as_secs_f64()))
}

fn summary_json(ts: &FollowedConn, v: &DirView<'_>) -> serde_json::Value {
    let st = ts.dirs[v.dir.index()].reasm.stats();
    json!({
        "kind": "summary", "stream": ts.stream, "dir": v.dir.short(),
        "bytes": v.stream.len, "segments": v.stream.segments.len(),
        "messages": v.framed.messages.len(),
        "coalesced_segments": v.marks.coalesced_segments(),
        "split_messages": v.marks.split_messages(),
        "incomplete_messages": v.framed.incomplete.len(),
        "unparsed_bytes": v.framed.unparsed_bytes(),
        "gaps": v.stream.gaps.len(), "gap_bytes": st.gap_bytes,
        "duplicate_bytes": st.duplicate_bytes, "conflicts": st.conflicts,
        "out_of_order": st.out_of_order, "cap_cuts": st.cap_cuts,
        "kept_until": v.stream.cut_at(), "closed": v.stream.closed,
    })
}

fn list(
    table: &Follower,
    choice: &FramingChoice,
    trace: Option<&CallsSource>,
    json_out: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    if !json_out {
        writeln!(
            out,
            "stream  client → server  framing  per direction: bytes, messages, coalesced \
             segments, split messages, gaps  (details: --stream N)"
        )?;
    }
    for ts in table.connections() {
        let msgs = frame_connection_with_calls(ts, *choice, trace.map(|t| &t.trace));
        let vs = views(&msgs, ts, None);
        if json_out {
            writeln!(out, "{}", stream_json(ts, &msgs))?;
            for v in &vs {
                for line in detail_json(ts, v, None) {
                    writeln!(out, "{line}")?;
                }
                writeln!(out, "{}", summary_json(ts, v))?;
            }
        } else {
            let mut line = format!(
                "{:>4}  {} → {}  {}",
                ts.stream,
                endpoint_string(ts.client),
                endpoint_string(ts.server),
                msgs.framing
            );
            for v in &vs {
                let _ = write!(
                    line,
                    "  {} {}B {} msg{}{}{}",
                    v.dir.short(),
                    v.stream.len,
                    v.framed.messages.len(),
                    if v.marks.coalesced_segments() > 0 {
                        format!(" {} coalesced", v.marks.coalesced_segments())
                    } else {
                        String::new()
                    },
                    if v.marks.split_messages() > 0 {
                        format!(" {} split", v.marks.split_messages())
                    } else {
                        String::new()
                    },
                    if v.stream.gaps.is_empty() {
                        String::new()
                    } else {
                        format!(" {} gaps", v.stream.gaps.len())
                    }
                );
            }
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// The JSON objects of one direction, in stream order.
fn detail_json(ts: &FollowedConn, v: &DirView<'_>, encoding: Option<TextEncoding>) -> Vec<String> {
    let dir = v.dir.short();
    // Each line is kept as compact text, not as a `serde_json::Value` (several times larger):
    // a stream of 100 000 tiny segments and gaps lists 300 000 lines.
    let mut items: Vec<(u64, u8, String)> = Vec::new();
    for (seg, m) in v.stream.segments.iter().zip(&v.marks.segments) {
        items.push((
            seg.offset,
            0,
            json!({
                "kind": "segment", "stream": ts.stream, "dir": dir, "frame": seg.frame,
                "time": seg.ts.as_secs_f64(), "offset": seg.offset, "len": seg.len,
                "messages": m.messages.clone().collect::<Vec<_>>(),
                "starts": m.starts, "ends": m.ends, "coalesced": m.coalesced,
            })
            .to_string(),
        ));
    }
    for (i, (msg, m)) in v.framed.messages.iter().zip(&v.marks.messages).enumerate() {
        let mut j = json!({
            "kind": "message", "stream": ts.stream, "dir": dir, "index": i,
            "proto": msg.proto, "offset": msg.offset, "len": msg.len, "frames": m.frames,
            "complete_frame": if msg.until_close {
                v.stream.fin_frame.or(m.frames.last().copied())
            } else {
                m.frames.last().copied()
            },
            "until_close": msg.until_close,
            "split": m.split, "first_time": time(m.first_ts),
            "complete_time": time(m.complete_ts), "span_ns": m.span_ns(),
        });
        add_text(&mut j, v, msg.offset, msg.len, encoding);
        items.push((msg.offset, 1, j.to_string()));
    }
    for g in &v.stream.gaps {
        items.push((
            g.offset,
            2,
            json!({"kind": "gap", "stream": ts.stream, "dir": dir, "offset": g.offset,
                   "len": g.len, "reason": g.reason.name()})
            .to_string(),
        ));
    }
    for r in &v.stream.duplicates {
        items.push((
            r.offset,
            2,
            json!({"kind": "duplicate", "stream": ts.stream, "dir": dir,
                   "frame": r.frame, "time": r.ts.as_secs_f64(), "offset": r.offset,
                   "len": r.len})
            .to_string(),
        ));
    }
    for c in &v.stream.conflicts {
        items.push((
            c.offset,
            2,
            json!({"kind": "conflict", "stream": ts.stream, "dir": dir, "offset": c.offset,
                   "len": c.len, "frame": c.frame})
            .to_string(),
        ));
    }
    for u in &v.framed.unparsed {
        let mut j = json!({"kind": "unparsed", "stream": ts.stream, "dir": dir, "offset": u.offset,
               "len": u.len, "reason": u.reason});
        add_text(&mut j, v, u.offset, u.len, encoding);
        items.push((u.offset, 3, j.to_string()));
    }
    for inc in &v.framed.incomplete {
        items.push((
            inc.offset,
            3,
            json!({"kind": "incomplete", "stream": ts.stream, "dir": dir, "offset": inc.offset,
                   "present": inc.present, "total": inc.total, "proto": inc.proto,
                   "cut_by": inc.cut_by})
            .to_string(),
        ));
    }
    items.sort_by_key(|(o, k, _)| (*o, *k));
    items.into_iter().map(|(_, _, v)| v).collect()
}

fn show(
    ts: &FollowedConn,
    choice: &FramingChoice,
    trace: Option<&CallsSource>,
    args: &StreamArgs,
    out: &mut impl Write,
) -> io::Result<()> {
    let msgs = frame_connection_with_calls(ts, *choice, trace.map(|t| &t.trace));
    let vs = views(&msgs, ts, args.dir);
    let framing = msgs.framing;
    let encoding = args.text.then(|| stream_encoding(ts, args.encoding));
    if args.json {
        writeln!(out, "{}", stream_json(ts, &msgs))?;
        for v in &vs {
            for line in detail_json(ts, v, encoding) {
                writeln!(out, "{line}")?;
            }
            writeln!(out, "{}", summary_json(ts, v))?;
        }
        return Ok(());
    }
    let title = Message::new("out-stream-title")
        .arg("stream", ts.stream.to_string())
        .arg("client", endpoint_string(ts.client))
        .arg("server", endpoint_string(ts.server))
        .arg(
            "vlan",
            if ts.vlan.is_empty() {
                String::new()
            } else {
                format!(" vlan {:?}", ts.vlan)
            },
        );
    writeln!(out, "{}", title.text())?;
    let framing_line = match &msgs.reason {
        Some(r) if msgs.consistent => Message::new("out-framing-auto").arg("reason", r.text()),
        Some(r) => Message::new("out-framing-auto-inconsistent").arg("reason", r.text()),
        None => Message::new("out-framing"),
    };
    writeln!(
        out,
        "{}",
        framing_line.arg("framing", framing.to_string()).text()
    )?;
    if let (Framing::Calls, Some(t)) = (framing, trace) {
        let line = Message::new("out-calls-trace").arg("path", t.path.display().to_string());
        writeln!(out, "{}", line.text())?;
    }
    for v in &vs {
        writeln!(out)?;
        ruler(ts, v, out)?;
        if args.dump {
            dump(v, out)?;
        }
        if let Some(e) = encoding {
            print_text(v, e, args.encoding, out)?;
        }
    }
    Ok(())
}

/// The encoding of a followed connection's text: `choice`, or detected over both
/// directions' bytes.
fn stream_encoding(ts: &FollowedConn, choice: EncodingChoice) -> TextEncoding {
    let runs: Vec<&[u8]> = ts.dirs.iter().flat_map(|d| d.store.bytes()).collect();
    choice.resolve(runs.iter().copied())
}

/// The kept bytes of `len` bytes at stream `offset` (up to the end of their run).
fn bytes_at<'a>(v: &DirView<'a>, offset: u64, len: u64) -> Option<&'a [u8]> {
    let run = v
        .stream
        .runs
        .iter()
        .find(|r| r.offset <= offset && offset < r.end())?;
    let s = (offset - run.offset) as usize;
    let e = (s as u64 + len).min(run.data.len() as u64) as usize;
    Some(&run.data[s..e])
}

/// `--text`: each message (and each stretch of bytes no message explains) decoded, after a
/// line naming it; the text itself unindented so that it reads (and copies) exactly as the
/// program sent it.
fn print_text(
    v: &DirView<'_>,
    encoding: TextEncoding,
    choice: EncodingChoice,
    out: &mut impl Write,
) -> io::Result<()> {
    let key = if choice == EncodingChoice::Auto {
        "out-text-auto"
    } else {
        "out-text"
    };
    let title = Message::new(key).arg("encoding", encoding.to_string());
    writeln!(out, "  {}", title.text())?;
    let mut spans: Vec<(u64, u64, String)> = v
        .framed
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| (m.offset, m.len, format!("#{i} {}", m.proto)))
        .collect();
    spans.extend(
        v.framed
            .unparsed
            .iter()
            .map(|u| (u.offset, u.len, i18n::text("out-text-unparsed"))),
    );
    spans.sort_by_key(|s| s.0);
    for (offset, len, what) in spans {
        let Some(b) = bytes_at(v, offset, len) else {
            continue;
        };
        let d = text::decode(b, encoding);
        let bad = if d.replaced > 0 {
            Message::new("out-text-undecodable")
                .arg("count", d.replaced)
                .text()
        } else {
            String::new()
        };
        writeln!(out, "  ── {} {what} {len} B @{offset}{bad}", v.dir.short())?;
        let t = text::printable(&d.text);
        writeln!(out, "{}", t.trim_end_matches(['\n', '\r']))?;
    }
    Ok(())
}

/// `--json --text`: the `text` and `encoding` of the bytes at `offset`, when they decode.
fn add_text(
    j: &mut serde_json::Value,
    v: &DirView<'_>,
    offset: u64,
    len: u64,
    encoding: Option<TextEncoding>,
) {
    let (Some(e), Some(b), Some(obj)) = (encoding, bytes_at(v, offset, len), j.as_object_mut())
    else {
        return;
    };
    let d = text::decode(b, e);
    if d.replaced == 0 {
        obj.insert("text".into(), json!(d.text));
        obj.insert("encoding".into(), json!(e.name()));
    }
}

/// One line per boundary: segments on the left, messages on the right.
fn ruler(ts: &FollowedConn, v: &DirView<'_>, out: &mut impl Write) -> io::Result<()> {
    let st = ts.dirs[v.dir.index()].reasm.stats();
    let (from, to) = match v.dir {
        Direction::ClientToServer => (endpoint_string(ts.client), endpoint_string(ts.server)),
        Direction::ServerToClient => (endpoint_string(ts.server), endpoint_string(ts.client)),
    };
    let title = Message::new("out-direction")
        .arg("dir", v.dir.short())
        .arg("from", from)
        .arg("to", to)
        .arg("bytes", v.stream.len)
        .arg("segments", v.stream.segments.len())
        .arg("messages", v.framed.messages.len())
        .arg("coalesced", v.marks.coalesced_segments())
        .arg("split", v.marks.split_messages())
        .arg("gaps", v.stream.gaps.len())
        .arg("gap_bytes", st.gap_bytes)
        .arg("duplicate", st.duplicate_bytes)
        .arg("conflicts", st.conflicts);
    writeln!(out, "── {}", title.text())?;
    if let Some(c) = v.stream.cut_at() {
        writeln!(
            out,
            "   (bytes after offset {c} not kept: byte cap reached; messages stop there)"
        )?;
    }
    if st.cap_cuts > 0 {
        writeln!(
            out,
            "   ({} holes skipped because a reassembly buffer cap was reached)",
            st.cap_cuts
        )?;
    }
    writeln!(
        out,
        "{:>10}  {:<40} messages",
        "offset", "segments (frame, bytes)"
    )?;
    // Boundaries: (offset, order, left text, right text).
    let mut rows: Vec<(u64, u8, String, String)> = Vec::new();
    for (seg, m) in v.stream.segments.iter().zip(&v.marks.segments) {
        let mut left = format!("┬ frame {} ({} B)", seg.frame, seg.len);
        if m.coalesced {
            let _ = write!(left, " coalesced ×{}", m.messages.len());
        }
        rows.push((seg.offset, 0, left, String::new()));
    }
    for (i, (msg, m)) in v.framed.messages.iter().zip(&v.marks.messages).enumerate() {
        let mut right = format!("┬ #{i} {} {} B", msg.proto, msg.len);
        if m.split {
            let frames: Vec<String> = m.frames.iter().map(u64::to_string).collect();
            let _ = write!(right, " split over frames {}", frames.join(","));
            if let Some(ns) = m.span_ns() {
                let _ = write!(right, " in {:.6}s", ns as f64 / 1e9);
            }
        }
        rows.push((msg.offset, 1, String::new(), right));
    }
    for g in &v.stream.gaps {
        rows.push((
            g.offset,
            2,
            format!("░ gap {} B ({})", g.len, g.reason.name()),
            "░".into(),
        ));
    }
    for r in &v.stream.duplicates {
        rows.push((
            r.offset,
            2,
            format!("↺ frame {} duplicate ({} B)", r.frame, r.len),
            String::new(),
        ));
    }
    for c in &v.stream.conflicts {
        rows.push((
            c.offset,
            2,
            format!("≠ frame {} differs ({} B)", c.frame, c.len),
            String::new(),
        ));
    }
    for u in &v.framed.unparsed {
        rows.push((
            u.offset,
            3,
            String::new(),
            format!("✗ {} B unparseable: {}", u.len, u.reason),
        ));
    }
    for inc in &v.framed.incomplete {
        let total = inc.total.map_or(String::new(), |t| format!(" of {t}"));
        rows.push((
            inc.offset,
            3,
            String::new(),
            format!(
                "… {} incomplete: {} B{total} present, cut by {}",
                inc.proto, inc.present, inc.cut_by
            ),
        ));
    }
    rows.sort_by_key(|r| (r.0, r.1));
    // Rows at the same offset share lines: segment texts on the left, message texts on
    // the right.
    let mut i = 0;
    while i < rows.len() {
        let off = rows[i].0;
        let mut j = i;
        while j < rows.len() && rows[j].0 == off {
            j += 1;
        }
        let lefts: Vec<&str> = rows[i..j]
            .iter()
            .filter(|r| !r.2.is_empty())
            .map(|r| r.2.as_str())
            .collect();
        let rights: Vec<&str> = rows[i..j]
            .iter()
            .filter(|r| !r.3.is_empty())
            .map(|r| r.3.as_str())
            .collect();
        for k in 0..lefts.len().max(rights.len()) {
            let left = lefts.get(k).copied().unwrap_or("│");
            let right = rights.get(k).copied().unwrap_or("│");
            if k == 0 {
                writeln!(out, "{off:>10}  {left:<40} {right}")?;
            } else {
                writeln!(out, "{:>10}  {left:<40} {right}", "")?;
            }
        }
        i = j;
    }
    writeln!(out, "{:>10}  end", v.stream.len)?;
    Ok(())
}

/// Hex/ASCII dump of each message (and of unparsed bytes).
fn dump(v: &DirView<'_>, out: &mut impl Write) -> io::Result<()> {
    let bytes_at = |offset: u64, len: u64| bytes_at(v, offset, len);
    for (i, m) in v.framed.messages.iter().enumerate() {
        writeln!(
            out,
            "  ── {} #{i} {} {} B @{}",
            v.dir.short(),
            m.proto,
            m.len,
            m.offset
        )?;
        if let Some(b) = bytes_at(m.offset, m.len) {
            hexdump(m.offset, b, out)?;
        }
    }
    for u in &v.framed.unparsed {
        writeln!(
            out,
            "  ── {} unparseable {} B @{}: {}",
            v.dir.short(),
            u.len,
            u.offset,
            u.reason
        )?;
        if let Some(b) = bytes_at(u.offset, u.len) {
            hexdump(u.offset, b, out)?;
        }
    }
    Ok(())
}

fn hexdump(base: u64, bytes: &[u8], out: &mut impl Write) -> io::Result<()> {
    for line in crate::stream::hexdump::hex_dump(base, bytes).lines() {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

fn write_raw(
    ts: &FollowedConn,
    raw: &Path,
    only: Option<DirArg>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    if raw == Path::new("-") {
        let d = match only {
            Some(DirArg::S2c) => Direction::ServerToClient,
            _ => Direction::ClientToServer,
        };
        for b in ts.dirs[d.index()].store.bytes() {
            out.write_all(b)?;
        }
        return Ok(());
    }
    if let (Some(o), false) = (only, raw.is_dir()) {
        let d = match o {
            DirArg::C2s => Direction::ClientToServer,
            DirArg::S2c => Direction::ServerToClient,
        };
        let mut f = BufWriter::new(
            fs::File::create(raw).with_context(|| format!("creating {}", raw.display()))?,
        );
        for b in ts.dirs[d.index()].store.bytes() {
            f.write_all(b)?;
        }
        f.flush()
            .with_context(|| format!("writing {}", raw.display()))?;
        return Ok(());
    }
    fs::create_dir_all(raw).with_context(|| format!("creating {}", raw.display()))?;
    for d in [Direction::ClientToServer, Direction::ServerToClient] {
        if only.is_some_and(|o| (o == DirArg::C2s) != (d == Direction::ClientToServer)) {
            continue;
        }
        let path = raw.join(format!("stream-{}-{}.bin", ts.stream, d.short()));
        let mut f = BufWriter::new(
            fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?,
        );
        for b in ts.dirs[d.index()].store.bytes() {
            f.write_all(b)?;
        }
        f.flush()
            .with_context(|| format!("writing {}", path.display()))?;
        note!(
            "wrote {} ({} bytes{})",
            path.display(),
            ts.dirs[d.index()].store.kept_bytes(),
            if ts.dirs[d.index()].store.gaps.is_empty() {
                String::new()
            } else {
                format!(", {} gaps left out", ts.dirs[d.index()].store.gaps.len())
            }
        );
    }
    Ok(())
}
