//! Fuzz target bodies, shared by the cargo-fuzz targets in `fuzz/` and by the corpus replay
//! test (`tests/fuzz_corpus.rs`), so CI re-runs every saved input through exactly the code
//! the fuzzer ran.
//!
//! Each function takes arbitrary bytes, drives one stage of the data path with them, and
//! panics only when synack breaks one of its own promises: the stage itself panicking, or an
//! invariant (memory caps, frame numbering, stream offsets, message bounds) not holding.
//! Input layouts are documented per target; [`frames_input`] and [`reassembly_input`] build
//! inputs from real captures for the seed corpora.

use std::io::{self, Cursor};
use std::path::{Path, PathBuf};

use crate::analysis::Config;
use crate::capture::{
    BlockEnd, FileReader, Frame, FrameSource, LinkType, OwnedFrame, RecordKind, Timestamp,
};
use crate::cli::{flow_row, FramePrinter};
use crate::decode::decode;
use crate::pipeline::Pipeline;
use crate::stream::follow::{
    frame_connection, frame_events, FollowLimits, Follower, FramingChoice,
};
use crate::stream::{
    annotate, frame_stream, DirectionStream, Framer, Framing, GapReason, Limits, MemoryBudget,
    Reassembler, SegmentIn, SegmentSpan, Step, StreamSink,
};

/// Link types a fuzz input can select with one byte (every decoded type, plus one synack
/// does not decode).
pub const LINKS: [LinkType; 9] = [
    LinkType::Ethernet,
    LinkType::Raw,
    LinkType::LinuxSll,
    LinkType::LinuxSll2,
    LinkType::Null,
    LinkType::Loop,
    LinkType::Ipv4,
    LinkType::Ipv6,
    LinkType::Other(147),
];

fn link_of(selector: u8) -> LinkType {
    LINKS[usize::from(selector) % LINKS.len()]
}

fn link_index(link: LinkType) -> u8 {
    LINKS.iter().position(|&l| l == link).unwrap_or(0) as u8
}

/// Target `file_reader`: the bytes are a whole capture file (pcap or pcapng).
///
/// Every frame is decoded and printed (text and JSON, as `synack read` does). Checks: frame
/// numbers count up from 1, the captured bytes never exceed the original length, a read
/// error is final, and no more frames come out than 16-byte records fit in the file.
pub fn file_reader(data: &[u8]) {
    let Ok(mut reader) = FileReader::from_reader("fuzz.pcap", Cursor::new(data.to_vec())) else {
        return;
    };
    let mut text = FramePrinter::new(io::sink(), false, true, false);
    let mut json = FramePrinter::new(io::sink(), true, true, true);
    let mut n = 0u64;
    loop {
        match reader.next_frame() {
            Ok(Some(frame)) => {
                n += 1;
                assert_eq!(frame.number, n, "frame numbers count up from 1");
                assert!(
                    frame.data.len() as u64 <= u64::from(frame.len),
                    "caplen {} above len {}",
                    frame.data.len(),
                    frame.len
                );
                assert!(
                    n as usize <= data.len() / 12 + 1,
                    "more frames than records fit"
                );
                text.frame(&frame).expect("sink write");
                json.frame(&frame).expect("sink write");
            }
            Ok(None) => break,
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.contains("fuzz.pcap"), "error names the file: {msg}");
                assert!(
                    matches!(reader.next_frame(), Ok(None)),
                    "a read error is final"
                );
                break;
            }
        }
    }
    assert_eq!(reader.frames_read(), n);
}

/// What a whole read of a capture file gave: the frames, the error that ended it (as the
/// user reads it), and the reader's frame count.
pub type ReadOutcome = (Vec<OwnedFrame>, Option<String>, u64);

/// Reads the file at `path` frame by frame ([`FileReader::next_frame`]). `None` when the
/// file cannot be opened as a capture.
pub fn read_by_frames(path: &Path) -> Option<ReadOutcome> {
    let mut r = FileReader::open(path).ok()?;
    let mut out = vec![];
    let error = loop {
        match r.next_frame() {
            Ok(Some(f)) => out.push(f.to_owned()),
            Ok(None) => break None,
            Err(e) => break Some(e.to_string()),
        }
    };
    Some((out, error, r.frames_read()))
}

/// Reads the file at `path` block by block ([`crate::capture::PcapBlocks`], what `flows`
/// and `read` use on classic pcap). `None` when it cannot be opened, or is not classic
/// pcap (then there is no block reader).
pub fn read_by_blocks(path: &Path) -> Option<ReadOutcome> {
    let mut blocks = FileReader::open(path).ok()?.into_blocks().ok()?;
    let (mut block, mut records, mut out) = (Vec::new(), Vec::new(), vec![]);
    let error = loop {
        let end = blocks.fill(&mut block, &mut records);
        for r in &records {
            out.push(OwnedFrame {
                number: r.number,
                ts: Some(r.ts),
                len: r.len,
                link: blocks.link(),
                interface: 0,
                kind: RecordKind::Packet,
                data: block[r.start..r.end].to_vec(),
            });
        }
        if let BlockEnd::Done(e) = end {
            break e.map(|e| e.to_string());
        }
    };
    Some((out, error, blocks.frames_read()))
}

/// A file of `bytes` in the temporary directory, named uniquely for this process (the
/// block reader reads a file, not a buffer).
pub fn temp_capture(bytes: &[u8]) -> io::Result<PathBuf> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let path = std::env::temp_dir().join(format!(
        "synack-fuzz-{}-{}.pcap",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, bytes)?;
    Ok(path)
}

/// Target `block_reader`: byte 0 is a mode, the rest a whole capture file, written to a
/// temporary file.
///
/// With bit 7 of the mode set, filler records (zeros, in the byte order of the file's
/// header) are put between the 24-byte header and the rest, so that the fuzzed records start
/// just before one of the block reader's boundaries: 64 KiB and 256 KiB (its blocks), 1 MiB
/// and 1.25 MiB (the frame reader's first buffer, whose size the block reader mirrors in
/// its error offsets); bits 0-4 move the start back by 8-byte steps.
///
/// Differential: when the file is classic pcap, the block reader (the fast path of `flows`
/// and `read`) must give exactly the frames, the error text (file and byte offset) and the
/// frame count that the frame-by-frame reader gives.
pub fn block_reader(data: &[u8]) {
    let [mode, rest @ ..] = data else {
        return;
    };
    let file = if mode & 0x80 == 0 {
        rest.to_vec()
    } else {
        let Some((header, tail)) = rest.split_first_chunk::<24>() else {
            return;
        };
        let boundary =
            [64 << 10, 256 << 10, 1 << 20, (1 << 20) + (256 << 10)][usize::from((mode >> 5) & 3)];
        let start = boundary - usize::from(mode & 0x1f) * 8;
        let mut file = Vec::with_capacity(start + tail.len());
        file.extend_from_slice(header);
        filler_records(&mut file, header, start);
        file.extend_from_slice(tail);
        file
    };
    let Ok(path) = temp_capture(&file) else {
        return;
    };
    let (frames, blocks) = (read_by_frames(&path), read_by_blocks(&path));
    let _ = std::fs::remove_file(&path);
    let (Some(frames), Some(blocks)) = (frames, blocks) else {
        return;
    };
    assert_eq!(frames.1, blocks.1, "the two readers end differently");
    assert_eq!(frames.2, blocks.2, "the two readers count differently");
    assert_eq!(
        frames.0.len(),
        blocks.0.len(),
        "frame lists differ in length"
    );
    for (a, b) in frames.0.iter().zip(&blocks.0) {
        assert!(a == b, "frame {} differs between the readers", a.number);
    }
}

/// Appends records of zeros to `file` until it is `end` bytes long: 64-byte frames, the
/// last one shorter, each record's header in the byte order `header`'s magic number says.
fn filler_records(file: &mut Vec<u8>, header: &[u8; 24], end: usize) {
    let big = matches!(
        header[..4],
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d]
    );
    let word = |v: u32| {
        if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut second = 0u32;
    while file.len() + 16 <= end {
        let left = end - file.len() - 16;
        // A full 64-byte frame, unless what is left after it could not hold a record header.
        let caplen = if left >= 64 + 16 { 64 } else { left };
        second += 1;
        for v in [second, 0, caplen as u32, caplen as u32] {
            file.extend_from_slice(&word(v));
        }
        file.resize(file.len() + caplen, 0);
    }
}

/// Target `decode`: byte 0 selects the link type ([`LINKS`]), byte 1 how many bytes the
/// snapshot length cut (times 16; 0 = whole frame), the rest is the frame.
///
/// The frame is decoded and printed in text and JSON. Checks: the payload slice is within
/// the captured bytes. (Layer offsets may point past the frame: they say where a header's
/// lengths put the next layer, also when the frame is shorter than the headers claim.)
pub fn decode_frame(data: &[u8]) {
    let [selector, cut, bytes @ ..] = data else {
        return;
    };
    let frame = Frame {
        number: 1,
        ts: Some(Timestamp::from_parts(1, 0)),
        len: bytes.len() as u32 + u32::from(*cut) * 16,
        link: link_of(*selector),
        interface: 0,
        kind: RecordKind::Packet,
        data: bytes,
    };
    let packet = decode(&frame);
    let payload = packet.payload(frame.data);
    assert!(payload.len() <= bytes.len());
    let mut text = FramePrinter::new(io::sink(), false, true, false);
    text.frame(&frame).expect("sink write");
    let mut json = FramePrinter::new(io::sink(), true, true, true);
    json.frame(&frame).expect("sink write");
}

/// Splits an engine input into frames: `[len: u16 le][time step: u8 ms][len bytes]...`, the
/// last frame taking what is left when its length runs past the end.
pub fn split_frames(link: LinkType, mut rest: &[u8]) -> Vec<OwnedFrame> {
    let mut frames = Vec::new();
    let mut ts = Timestamp::from_parts(1_000_000, 0);
    while rest.len() >= 3 {
        let len = usize::from(u16::from_le_bytes([rest[0], rest[1]]));
        ts = Timestamp(ts.as_nanos() + i64::from(rest[2]) * 1_000_000);
        rest = &rest[3..];
        let take = len.min(rest.len());
        frames.push(OwnedFrame::packet(
            frames.len() as u64 + 1,
            ts,
            link,
            rest[..take].to_vec(),
        ));
        rest = &rest[take..];
    }
    frames
}

/// Builds an engine/decoder input from frames of one link type (for seed corpora): the
/// inverse of [`split_frames`] after the two header bytes `[link][options]`.
pub fn frames_input(link: LinkType, options: u8, frames: &[(Option<Timestamp>, &[u8])]) -> Vec<u8> {
    let mut out = vec![link_index(link), options];
    let mut last: Option<i64> = None;
    for (ts, data) in frames {
        let data = &data[..data.len().min(usize::from(u16::MAX))];
        let now = ts.map(Timestamp::as_nanos);
        let step = match (last, now) {
            (Some(a), Some(b)) => ((b - a) / 1_000_000).clamp(0, 255) as u8,
            _ => 0,
        };
        if now.is_some() {
            last = now;
        }
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.push(step);
        out.extend_from_slice(data);
    }
    out
}

/// Small limits so that short inputs reach every cap and eviction path.
const SMALL_ENGINE: Config = Config {
    max_connections: 4,
    max_unacked_per_direction: 8,
    record_limit_phases: true,
};

fn small_follow() -> FollowLimits {
    FollowLimits {
        max_connections: 3,
        reassembly: Limits {
            max_buffered: 200,
            history: 32,
        },
        total_buffered: 300,
        kept_per_direction: 512,
        kept_total: 1024,
    }
}

/// Target `engine`: byte 0 selects the link type, byte 1 options (bit 0: tiny limits, bit 1:
/// JSON output, bit 2: absolute sequence numbers), the rest is split into frames by
/// [`split_frames`].
///
/// Every frame goes through decode → analysis engine → stream follower (reassembly) → the
/// `synack read` printer; at the end every connection is framed (auto), its sticky-packet
/// events computed and its `flows` row built. Checks: the connections held and the bytes
/// buffered never exceed their caps, and every annotated packet's stream is known.
pub fn engine(data: &[u8]) {
    let [selector, options, rest @ ..] = data else {
        return;
    };
    let link = link_of(*selector);
    let small = options & 1 != 0;
    let (config, limits) = if small {
        (SMALL_ENGINE, small_follow())
    } else {
        (Config::default(), FollowLimits::default())
    };
    let mut pipeline = Pipeline::new(config).following(Follower::new(None, limits));
    let mut printer = FramePrinter::new(io::sink(), options & 2 != 0, true, options & 4 != 0);
    for owned in split_frames(link, rest) {
        let frame = owned.as_frame();
        let (_, ann) = pipeline.frame(&frame);
        let (engine, follower) = (
            pipeline.engine(),
            pipeline.follower().expect("the pipeline follows"),
        );
        printer.frame(&frame).expect("sink write");
        assert!(engine.connections().len() <= config.max_connections.max(1));
        assert!(
            follower.budget().used() <= limits.total_buffered,
            "reassembly buffers {} above the total cap {}",
            follower.budget().used(),
            limits.total_buffered
        );
        for conn in follower.connections() {
            for dir in &conn.dirs {
                assert!(dir.reasm.buffered() <= limits.reassembly.max_buffered);
                assert!(dir.store.kept_bytes() <= limits.kept_per_direction);
            }
        }
        if let Some(flow) = ann.flow {
            let evicted = engine.stats().connections_evicted > 0;
            assert!(
                evicted || engine.connection(flow.proto, flow.stream).is_some(),
                "annotated stream {} is not held",
                flow.stream
            );
        }
    }
    let (engine, follower) = pipeline.finish();
    let follower = follower.expect("the pipeline follows");
    let mut events = std::collections::HashMap::new();
    for conn in follower.connections() {
        let msgs = frame_connection(conn, FramingChoice::Auto);
        let quick = frame_connection(conn, FramingChoice::AutoUnexplained);
        assert_eq!(
            (quick.framing, quick.consistent, quick.counts(conn)),
            (msgs.framing, msgs.consistent, msgs.counts(conn)),
            "the quick auto framed stream {} otherwise",
            conn.stream
        );
        let _ = msgs.counts(conn);
        frame_events(conn, &msgs, &mut events);
        for d in 0..2 {
            check_stream(&conn.dirs[d].store);
        }
    }
    for c in engine.connections() {
        let row = flow_row(c);
        serde_json::to_string(&row).expect("a flows row serialises");
    }
}

/// Checks that a reassembled direction is consistent: runs, gaps and segments in offset
/// order, within the stream's length.
fn check_stream(s: &DirectionStream) {
    let mut end = 0;
    for r in &s.runs {
        assert!(r.offset >= end, "runs overlap or go backwards");
        end = r.end();
    }
    assert!(end <= s.len);
    let mut end = 0;
    for g in &s.gaps {
        assert!(g.offset >= end, "gaps overlap or go backwards");
        end = g.offset + g.len;
    }
    assert!(end <= s.len);
    let mut end = 0;
    for seg in &s.segments {
        assert!(seg.offset >= end, "segments overlap or go backwards");
        end = seg.offset + seg.len;
    }
    assert!(end <= s.len);
}

/// The framings a fuzz input can select with one byte: every decoder of `src/stream`, some
/// with options taken from the next bytes.
fn framing_of(selector: u8, arg: u8) -> Framing {
    let off = arg & 7;
    let incl = if arg & 8 != 0 { ":incl" } else { "" };
    let text = match selector % 13 {
        0 => "line".to_string(),
        1 => format!("u8:off={off}{incl}"),
        2 => format!("u16be:off={off}{incl}"),
        3 => format!("u16le:off={off}{incl}"),
        4 => format!("u32be:off={off}{incl}"),
        5 => format!("u32le:off={off}{incl}"),
        6 => "http".to_string(),
        7 => "tls".to_string(),
        8 => "dns".to_string(),
        9 => "resp".to_string(),
        10 => "mysql".to_string(),
        11 => format!("fixed:{}", u32::from(arg).max(1)),
        _ => "none".to_string(),
    };
    text.parse().expect("the fuzz framings parse")
}

/// Target `framing`: byte 0 selects the framing (13 rules; every one of `src/stream`), byte
/// 1 its option (length-prefix offset and `:incl`, or the `fixed:N` size), byte 2 where the
/// byte stream is split into two directions and cut by gaps; the rest is the stream.
///
/// Runs [`Framer::step`] over the bytes directly (with and without end of stream), then
/// frames both directions as `synack stream` does ([`frame_stream`], [`auto`](crate::stream::framing::auto), sticky
/// annotation). Checks: a message is at least one byte and no longer than the buffer,
/// framed messages lie inside the stream, every segment's marks are in range, and
/// [`choose`](crate::stream::framing::choose) picks what [`auto`](crate::stream::framing::auto) picks.
pub fn framing(data: &[u8]) {
    let [selector, arg, split, bytes @ ..] = data else {
        return;
    };
    let framing = framing_of(*selector, *arg);
    for at_end in [false, true] {
        let mut framer = Framer::new(framing);
        let mut pos = 0;
        while pos < bytes.len() {
            match framer.step(&bytes[pos..], at_end) {
                Step::Message(n) => {
                    assert!(n >= 1, "{framing}: empty message");
                    assert!(n <= bytes.len() - pos, "{framing}: message past the buffer");
                    pos += n;
                }
                Step::NeedMore { .. } | Step::Invalid(_) => break,
            }
        }
    }
    // Two directions (cut at `split`), each with a gap every `split % 7 + 1` runs of bytes.
    let cut = usize::from(*split).min(bytes.len());
    let dirs = [&bytes[..cut], &bytes[cut..]].map(|b| direction_of(b, *split));
    let choice = crate::stream::framing::auto(&[&dirs[0], &dirs[1]]);
    assert_eq!(
        crate::stream::framing::choose(&[&dirs[0], &dirs[1]]),
        (choice.framing, choice.consistent),
        "the quick auto chose otherwise: {}",
        choice.reason
    );
    for f in [framing, choice.framing] {
        for d in &dirs {
            let framed = frame_stream(d, f);
            for m in &framed.messages {
                assert!(
                    m.len >= 1 && m.offset + m.len <= d.len,
                    "{f}: message out of range"
                );
            }
            let marks = annotate(&d.segments, &framed.messages);
            assert_eq!(marks.segments.len(), d.segments.len());
            assert_eq!(marks.messages.len(), framed.messages.len());
        }
    }
}

/// A direction holding `bytes` in segments of `split % 23 + 1` bytes, with a 5-byte gap
/// before every `split % 7 + 2`th segment and the stream closed when `split` is odd.
fn direction_of(bytes: &[u8], split: u8) -> DirectionStream {
    let mut d = DirectionStream::with_cap(1 << 20);
    let seg = usize::from(split % 23) + 1;
    let gap_every = usize::from(split % 7) + 2;
    let mut offset = 0u64;
    for (i, chunk) in bytes.chunks(seg).enumerate() {
        if i > 0 && i % gap_every == 0 {
            d.gap(offset, 5, GapReason::Unfilled);
            offset += 5;
        }
        d.data(offset, chunk, i as u64 + 1, Timestamp(i as i64));
        offset += chunk.len() as u64;
    }
    d.closed = split & 1 == 1;
    d
}

/// Checks the sink side of reassembly: data and gaps arrive in order, back to back.
#[derive(Default)]
struct OrderedSink {
    next: u64,
    bytes: Vec<u8>,
    gaps: u64,
}

impl StreamSink for OrderedSink {
    fn data(&mut self, offset: u64, bytes: &[u8], _frame: u64, _ts: Timestamp) {
        assert_eq!(offset, self.next, "data delivered out of order");
        assert!(!bytes.is_empty(), "empty data delivery");
        self.next += bytes.len() as u64;
        self.bytes.extend_from_slice(bytes);
    }

    fn gap(&mut self, offset: u64, len: u64, _reason: GapReason) {
        assert_eq!(offset, self.next, "gap delivered out of order");
        assert!(len > 0, "empty gap");
        self.next += len;
        self.gaps += len;
    }
}

/// Target `reassembly`: byte 0 the per-direction buffer cap (×8 bytes), byte 1 the history
/// window, then segments `[seq: u32 le][flags: u8][len: u8][payload]`: flags bit 0 SYN,
/// bit 1 FIN, bit 2 "the snapshot length cut the payload in half", bit 3 "then acknowledge
/// this seq + 1000 from the peer". Sequence numbers are arbitrary, so segments come in any
/// order, overlap, wrap around 2³² and jump by 2³¹.
///
/// Checks: bytes and gaps reach the sink in order and back to back; the buffered bytes stay
/// under the per-direction and total caps after every segment; after the flush nothing is
/// buffered and the stream is fully accounted (bytes + gaps = stream length).
pub fn reassembly(data: &[u8]) {
    let [cap, history, rest @ ..] = data else {
        return;
    };
    let mut rest: &[u8] = rest;
    let limits = Limits {
        max_buffered: usize::from(*cap) * 8,
        history: usize::from(*history),
    };
    let mut reasm = Reassembler::new(limits);
    let mut budget = MemoryBudget::new(1024);
    let mut sink = OrderedSink::default();
    let mut frame = 0u64;
    while rest.len() >= 6 {
        let seq = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let flags = rest[4];
        let len = usize::from(rest[5]).min(rest.len() - 6);
        let payload = &rest[6..6 + len];
        rest = &rest[6 + len..];
        frame += 1;
        let captured = if flags & 4 != 0 {
            &payload[..len / 2]
        } else {
            payload
        };
        let seg = SegmentIn {
            seq,
            payload: captured,
            claimed_len: len as u32,
            frame,
            ts: Timestamp(frame as i64),
            syn: flags & 1 != 0,
            fin: flags & 2 != 0,
        };
        reasm.push(seg, &mut budget, &mut sink);
        assert!(
            reasm.buffered() <= limits.max_buffered,
            "{} bytes buffered over the cap {}",
            reasm.buffered(),
            limits.max_buffered
        );
        assert!(budget.used() <= budget.limit(), "total budget exceeded");
        if flags & 8 != 0 {
            reasm.ack(seq.wrapping_add(1000), &mut budget, &mut sink);
        }
    }
    reasm.flush(&mut budget, &mut sink);
    assert_eq!(reasm.buffered(), 0, "bytes left buffered after the flush");
    assert_eq!(budget.used(), 0, "budget not returned after the flush");
    assert_eq!(
        sink.bytes.len() as u64 + sink.gaps,
        reasm.next_offset(),
        "stream not fully accounted"
    );
    assert_eq!(reasm.stats().bytes, sink.bytes.len() as u64);
}

/// Target `reassembly_order`: the same byte stream cut into segments and pushed in an
/// arbitrary order must come out whole and unchanged (nothing lost, nothing invented).
///
/// Byte 0: segment size (1..=64), byte 1: the initial sequence number's top byte (so some
/// streams wrap past 2³²), bytes 2..4: a seed for the order (a permutation drawn with a
/// xorshift), the rest: the stream (at most 8 KiB, so it fits under the default caps).
pub fn reassembly_order(data: &[u8]) {
    let [size, isn_hi, s0, s1, bytes @ ..] = data else {
        return;
    };
    let bytes = &bytes[..bytes.len().min(8 << 10)];
    let size = usize::from(*size % 64) + 1;
    let isn = (u32::from(*isn_hi) << 24) | 0x00ff_fff0;
    let mut segs: Vec<(usize, &[u8])> = bytes
        .chunks(size)
        .enumerate()
        .map(|(i, c)| (i * size, c))
        .collect();
    let mut state = (u32::from(*s0) << 8 | u32::from(*s1)) | 1;
    for i in (1..segs.len()).rev() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        segs.swap(i, state as usize % (i + 1));
    }
    let mut reasm = Reassembler::new(Limits::default());
    let mut budget = MemoryBudget::default();
    let mut sink = OrderedSink::default();
    // The SYN first, so the stream's start is known whatever order the data comes in.
    reasm.push(
        SegmentIn {
            seq: isn,
            payload: &[],
            claimed_len: 0,
            frame: 0,
            ts: Timestamp(0),
            syn: true,
            fin: false,
        },
        &mut budget,
        &mut sink,
    );
    let mut spans = Vec::new();
    for (n, (off, chunk)) in segs.iter().enumerate() {
        let out = reasm.push(
            SegmentIn {
                seq: isn.wrapping_add(1).wrapping_add(*off as u32),
                payload: chunk,
                claimed_len: chunk.len() as u32,
                frame: n as u64 + 1,
                ts: Timestamp(n as i64),
                syn: false,
                fin: false,
            },
            &mut budget,
            &mut sink,
        );
        assert_eq!(
            out.new_bytes,
            chunk.len() as u64,
            "a fresh segment counted as old"
        );
        spans.push(SegmentSpan {
            frame: n as u64 + 1,
            ts: Timestamp(n as i64),
            offset: *off as u64,
            len: chunk.len() as u64,
        });
    }
    reasm.flush(&mut budget, &mut sink);
    assert_eq!(sink.gaps, 0, "a gap in a complete stream");
    assert_eq!(
        sink.bytes, bytes,
        "reassembled bytes differ from the stream"
    );
    assert_eq!(reasm.stats().cap_cuts, 0);
}

/// Builds a [`reassembly`] input from `(seq, flags, payload)` triples, for the seed corpus.
pub fn reassembly_input(cap: u8, history: u8, segments: &[(u32, u8, &[u8])]) -> Vec<u8> {
    let mut out = vec![cap, history];
    for (seq, flags, payload) in segments {
        let payload = &payload[..payload.len().min(255)];
        out.extend_from_slice(&seq.to_le_bytes());
        out.push(*flags);
        out.push(payload.len() as u8);
        out.extend_from_slice(payload);
    }
    out
}

/// A fuzz target: a name (its directory under `fuzz/corpus/`) and its body.
pub type Target = (&'static str, fn(&[u8]));

/// The targets by name, as `fuzz/fuzz_targets/*.rs` and the corpus replay use them.
pub const TARGETS: [Target; 7] = [
    ("file_reader", file_reader),
    ("block_reader", block_reader),
    ("decode", decode_frame),
    ("engine", engine),
    ("framing", framing),
    ("reassembly", reassembly),
    ("reassembly_order", reassembly_order),
];
