//! The packet store: everything the views draw, written by an ingestion thread.
//!
//! Rerun's split: ingestion (a file loader, a live capture, a generator run) owns the data
//! source and appends to the store in batches; views take a read lock once per frame and draw
//! only the rows they show. Per packet the store keeps where its captured bytes are (an
//! offset in the capture file, or in a temporary spill file for sources that cannot be read
//! again: [`FrameBytes`]), a few fixed fields and a compact copy of the analysis, and reads
//! the bytes back when a view needs them, so memory does not grow with the capture's bytes.
//! The full [`TcpAnnotation`] is kept only for packets that carry tags or events, encoded in
//! a few dozen bytes ([`rich_codec`]) and rebuilt on demand. A packet costs 48 bytes
//! (20 of frame fields, 24 of analysis, 4 in its connection's frame list) plus its share of
//! encoded annotations and connection records, measured by `examples/store_bytes.rs`
//! (`benches/compare.sh`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::analysis::{
    AckFacts, Annotation, Connection, Direction, Flag, FlagSet, FlowProto, FlowRef, TcpAnnotation,
    TcpState,
};
use crate::capture::{Frame, FrameOf, LinkType, OwnedFrame, RecordKind, Timestamp};
use crate::decode::{decode, Packet};
use crate::filter::AnalysisFields;

use super::frame_bytes::FrameBytes;
use super::rich_codec;

/// Fixed fields of one stored frame; its bytes live in the store's arena.
pub type FrameRecord = FrameOf<()>;

pub use crate::pipeline::details::{RowAnalysis, TcpSummary};

/// Where the store's contents came from, for the title bar and the export dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceInfo {
    /// Nothing loaded yet.
    None,
    /// The built-in demo capture.
    Demo,
    /// A capture file.
    File(std::path::PathBuf),
    /// A live capture on an interface.
    Live(String),
    /// A run of the traffic generator started from the generator panel ("sticky
    /// (synthetic, seed 1)").
    Generator(String),
    /// The user's programs run traced from the generator panel ("python3 echo_server.py +
    /// python3 echo_client.py hi").
    Run(String),
}

impl SourceInfo {
    /// A short name for titles and status lines.
    pub fn label(&self) -> String {
        match self {
            SourceInfo::None => crate::i18n::text("source-none"),
            SourceInfo::Demo => crate::i18n::text("source-demo"),
            SourceInfo::File(p) => p.display().to_string(),
            SourceInfo::Live(i) => crate::i18n::tr!("source-live", iface = i.clone()),
            SourceInfo::Generator(run) => format!("synack gen {run}"),
            SourceInfo::Run(cmds) => format!("synack run {cmds}"),
        }
    }
}

/// Entries per chunk of the per-packet tables: chunks are allocated whole, so a table never
/// holds more than one chunk of unused room (a doubling `Vec` can hold as much as it uses).
const CHUNK: usize = 16 * 1024;

/// An append-only table in chunks of `N` entries.
#[derive(Debug)]
struct Chunked<T, const N: usize = CHUNK> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T, const N: usize> Default for Chunked<T, N> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T, const N: usize> Chunked<T, N> {
    fn push(&mut self, v: T) {
        if self.len.is_multiple_of(N) {
            self.chunks.push(Vec::with_capacity(N));
        }
        if let Some(c) = self.chunks.last_mut() {
            c.push(v);
            self.len += 1;
        }
    }

    fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / N)?.get(i % N)
    }

    fn len(&self) -> usize {
        self.len
    }
}

/// A stored frame's fixed fields, packed: 20 bytes. Its bytes are its captured length's
/// worth at `offset` in the store's [`FrameBytes`] (the capture file, or the spill file);
/// link type, interface, kind and how the frame was cut (the same for almost every frame)
/// are an index into [`StoreData`]'s small table of distinct combinations ([`Meta`]), kept in
/// the offset's top bits; frame numbers are kept apart only when they stop being
/// consecutive.
#[derive(Debug, Clone, Copy)]
#[repr(C, packed(4))]
struct Slot {
    /// Offset in the low [`OFFSET_BITS`], meta index above.
    at: u64,
    /// Nanoseconds, or [`NO_TS`].
    ts: i64,
    len: u32,
}

/// What most frames of a capture share: link type, interface, record kind, and the
/// snapshot length that cut them, so that a frame's captured length is `min(len, snap)`:
/// [`WHOLE`] for frames kept whole, [`ODD_CAPLEN`] for frames whose captured length is kept
/// apart (`StoreData::odd_caplen`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Meta {
    link: LinkType,
    interface: u32,
    kind: RecordKind,
    snap: u32,
}

/// `Meta::snap` of frames captured whole.
const WHOLE: u32 = u32::MAX;
/// `Meta::snap` of frames whose captured length is in `StoreData::odd_caplen`.
const ODD_CAPLEN: u32 = u32::MAX - 1;
/// Snapshot lengths told apart per (link type, interface, kind) before further odd
/// captured lengths are kept one by one (a file whose frames are cut at random lengths
/// must not grow the metas table, searched on every push).
const MAX_SNAPS: usize = 8;

/// Bits of [`Slot::at`] holding the offset (16 TiB); the 20 above index the metas table.
const OFFSET_BITS: u32 = 44;
/// Distinct (link type, interface, kind) combinations a store can tell apart.
const MAX_METAS: usize = 1 << (64 - OFFSET_BITS);

impl Slot {
    fn offset(self) -> u64 {
        self.at & ((1 << OFFSET_BITS) - 1)
    }

    fn meta(self) -> usize {
        (self.at >> OFFSET_BITS) as usize
    }
}

/// `Slot::ts` of a frame without a timestamp.
const NO_TS: i64 = i64::MIN;
/// Size of the blocks holding encoded annotations (at most one block is partly unused).
const RICH_BLOCK: usize = 64 * 1024;

/// A packet's analysis, packed: 24 bytes instead of [`RowAnalysis`]'s 60. The next
/// sequence number is `seq + len` plus one for a SYN or FIN (the engine's rule), kept as
/// one bit; an annotation breaking that rule keeps its value in `StoreData::odd_next`.
#[derive(Debug, Clone, Copy)]
struct Row {
    stream: u32,
    seq: u32,
    ack: u32,
    len: u32,
    window: u32,
    flags: u16,
    /// Originator's state in the low four bits, responder's in the high four.
    states: u8,
    /// See the bit constants below.
    bits: u8,
}

/// The packet has a flow.
const HAS_FLOW: u8 = 1;
/// The flow is UDP (else TCP).
const UDP: u8 = 2;
/// Responder → originator.
const REVERSE: u8 = 4;
/// The packet has TCP facts.
const HAS_TCP: u8 = 8;
/// `next_seq = seq + len + 1` (SYN or FIN) rather than `seq + len`.
const SYN_FIN: u8 = 16;
/// `next_seq` follows neither rule: it is in `StoreData::odd_next`.
const ODD_NEXT: u8 = 32;
/// A full annotation is kept (its position in `StoreData::rich_rows`).
const RICH: u8 = 64;

fn state_of(b: u8) -> TcpState {
    TcpState::ALL
        .get(usize::from(b))
        .copied()
        .unwrap_or_default()
}

impl Row {
    /// Packs `ann`; false in the second place when its next sequence number must be kept
    /// apart.
    fn pack(ann: &Annotation, rich: bool) -> (Row, bool) {
        let mut r = Row {
            stream: 0,
            seq: 0,
            ack: 0,
            len: 0,
            window: 0,
            flags: 0,
            states: 0,
            bits: if rich { RICH } else { 0 },
        };
        let mut regular = true;
        if let Some(f) = ann.flow {
            r.bits |= HAS_FLOW;
            if f.proto == FlowProto::Udp {
                r.bits |= UDP;
            }
            if f.direction == Direction::ServerToClient {
                r.bits |= REVERSE;
            }
            r.stream = f.stream;
        }
        if let Some(t) = &ann.tcp {
            r.bits |= HAS_TCP;
            r.seq = t.seq;
            r.ack = t.ack;
            r.len = t.len;
            let plain = t.seq.wrapping_add(t.len);
            if t.next_seq == plain.wrapping_add(1) {
                r.bits |= SYN_FIN;
            } else if t.next_seq != plain {
                r.bits |= ODD_NEXT;
                regular = false;
            }
            r.window = t.window;
            r.flags = t.tags.set().0;
            r.states = (t.states[0] as u8 & 0x0f) | (t.states[1] as u8) << 4;
        }
        (r, regular)
    }

    /// States of (originator, responder).
    fn states(self) -> [TcpState; 2] {
        [state_of(self.states & 0x0f), state_of(self.states >> 4)]
    }

    /// The next sequence number when it follows the rule (see [`Row`]).
    fn next_seq(self) -> u32 {
        self.seq
            .wrapping_add(self.len)
            .wrapping_add(u32::from(self.bits & SYN_FIN != 0))
    }

    fn unpack(self, odd_next: Option<u32>) -> RowAnalysis {
        RowAnalysis {
            flow: (self.bits & HAS_FLOW != 0).then_some(FlowRef {
                proto: if self.bits & UDP != 0 {
                    FlowProto::Udp
                } else {
                    FlowProto::Tcp
                },
                stream: self.stream,
                direction: if self.bits & REVERSE != 0 {
                    Direction::ServerToClient
                } else {
                    Direction::ClientToServer
                },
            }),
            tcp: (self.bits & HAS_TCP != 0).then_some(TcpSummary {
                seq: self.seq,
                ack: self.ack,
                len: self.len,
                next_seq: odd_next.unwrap_or_else(|| self.next_seq()),
                window: self.window,
                states: self.states(),
                flags: FlagSet(self.flags),
            }),
        }
    }
}

/// The index of a protocol's tables in [`StoreData`]'s per-connection tables.
fn proto_slot(proto: FlowProto) -> usize {
    match proto {
        FlowProto::Tcp => 0,
        FlowProto::Udp => 1,
    }
}

/// `StoreData::conn_index` of a stream without a connection record (yet).
const NO_RECORD: u32 = u32::MAX;

/// What a store holds. Read it through [`PacketStore::read`].
#[derive(Debug, Default)]
pub struct StoreData {
    frames: Chunked<Slot>,
    /// Distinct (link type, interface, kind) of the frames, indexed by `Slot::meta`.
    metas: Vec<Meta>,
    last_meta: u32,
    /// Captured lengths that no snapshot length in `metas` explains, by store index.
    odd_caplen: HashMap<u32, u32>,
    /// Frame numbers, once they stop being `first_number + index`.
    numbers: Option<Chunked<u64>>,
    first_number: u64,
    analysis: Chunked<Row>,
    /// Full annotations of the packets with tags or events, encoded by [`rich_codec`] (tens
    /// of bytes instead of the struct's 520) in blocks of [`RICH_BLOCK`] bytes; an
    /// encoding never spans two blocks.
    rich_blocks: Vec<Vec<u8>>,
    /// Where each encoded annotation starts: block index << 32 | offset in the block.
    rich_at: Chunked<u64>,
    /// Store indices of the packets with a full annotation, ascending (`rich_at` in the
    /// same order).
    rich_rows: Chunked<u32>,
    /// Next sequence numbers that do not follow [`Row`]'s rule, by store index (none from
    /// the engine; kept so any annotation round-trips).
    odd_next: HashMap<u32, u32>,
    /// Encoding buffer reused across pushes.
    rich_scratch: Vec<u8>,
    /// Where the frames' bytes are read from.
    bytes: FrameBytes,
    /// Connection records (the `synack flows` rows), refreshed by the ingestion thread.
    pub connections: Vec<Connection>,
    /// Bumped each time the connection records are replaced (views cache derived rows).
    pub conn_version: u64,
    /// Store indices of each connection's frames, in order (4 bytes per packet), so
    /// per-connection work never scans the whole capture: per protocol ([`proto_slot`]),
    /// by stream number (the engine numbers each protocol's streams from 0 up, one per
    /// connection, so the lists are dense).
    conn_frames: [Vec<Vec<u32>>; 2],
    /// Where each connection's record is in `connections`, per protocol and by stream
    /// number ([`NO_RECORD`] for none).
    conn_index: [Vec<u32>; 2],
    /// First timestamp seen, for relative times.
    pub first_ts: Option<Timestamp>,
    /// The error that ended ingestion, if any (frames read before it stay).
    pub error: Option<String>,
    /// True once the source is exhausted or stopped.
    pub finished: bool,
    /// Where the data came from.
    pub source: Option<SourceInfo>,
    /// Link type of the first frame (the pcap header of exports).
    pub link: Option<LinkType>,
    /// The generator's socket-call trace for this capture (`FILE.calls.json` next to a file,
    /// or the calls of a run started from the generator panel), so the stream view can lay
    /// the application's `send()`/`recv()` calls against the segments.
    pub calls: Option<crate::calls::CallTrace>,
}

impl StoreData {
    /// Number of stored frames.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.frames.len() == 0
    }

    /// The frame at `index` (0-based store position), its bytes read from the capture (or
    /// spill) file. `None` past the end, or when the bytes cannot be read any more (the file
    /// was truncated or removed meanwhile).
    pub fn frame(&self, index: usize) -> Option<OwnedFrame> {
        let r = self.record(index)?;
        let s = *self.frames.get(index)?;
        let caplen = self.caplen(index, s)?;
        let data = self.bytes.read(s.offset(), caplen as usize)?;
        Some(r.with_data(data))
    }

    /// Fixed fields of the frame at `index`.
    pub fn record(&self, index: usize) -> Option<FrameRecord> {
        let s = *self.frames.get(index)?;
        let Meta {
            link,
            interface,
            kind,
            ..
        } = *self.metas.get(s.meta())?;
        let number = match &self.numbers {
            Some(n) => *n.get(index)?,
            None => self.first_number.wrapping_add(index as u64),
        };
        let ts = s.ts;
        Some(FrameRecord {
            number,
            ts: (ts != NO_TS).then_some(Timestamp(ts)),
            len: s.len,
            link,
            interface,
            kind,
            data: (),
        })
    }

    /// Captured length of the frame at `index`, whose slot is `s`.
    fn caplen(&self, index: usize, s: Slot) -> Option<u32> {
        match self.metas.get(s.meta())?.snap {
            ODD_CAPLEN => self.odd_caplen.get(&u32::try_from(index).ok()?).copied(),
            snap => Some(s.len.min(snap)),
        }
    }

    /// The [`Meta`] explaining a frame with these fields and captured length: the last one
    /// used, another one known, or a new one; `None` when the table is full.
    fn meta_of(&mut self, frame: &Frame<'_>, caplen: u32) -> Option<usize> {
        let explains = |m: &Meta| {
            m.link == frame.link
                && m.interface == frame.interface
                && m.kind == frame.kind
                && m.snap != ODD_CAPLEN
                && frame.len.min(m.snap) == caplen
        };
        let last = self.last_meta as usize;
        if self.metas.get(last).is_some_and(explains) {
            return Some(last);
        }
        if let Some(m) = self.metas.iter().rposition(explains) {
            return Some(m);
        }
        let same_source = |m: &&Meta| {
            m.link == frame.link && m.interface == frame.interface && m.kind == frame.kind
        };
        let snaps = self.metas.iter().filter(same_source).count();
        let snap = if caplen == frame.len {
            WHOLE
        } else if caplen < frame.len && snaps < MAX_SNAPS {
            caplen
        } else {
            ODD_CAPLEN
        };
        let meta = Meta {
            link: frame.link,
            interface: frame.interface,
            kind: frame.kind,
            snap,
        };
        if let Some(m) = self.metas.iter().rposition(|m| *m == meta) {
            return Some(m);
        }
        (self.metas.len() < MAX_METAS).then(|| {
            self.metas.push(meta);
            self.metas.len() - 1
        })
    }

    /// The compact analysis of the frame at `index`.
    pub fn analysis(&self, index: usize) -> RowAnalysis {
        self.analysis
            .get(index)
            .map_or_else(RowAnalysis::default, |r| {
                r.unpack(self.odd_next_of(*r, index))
            })
    }

    fn odd_next_of(&self, r: Row, index: usize) -> Option<u32> {
        if r.bits & ODD_NEXT == 0 {
            return None;
        }
        u32::try_from(index)
            .ok()
            .and_then(|i| self.odd_next.get(&i).copied())
    }

    /// Position of store index `index` in `rich_rows` (binary search).
    fn rich_slot(&self, index: usize) -> Option<usize> {
        let (mut lo, mut hi) = (0usize, self.rich_rows.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match (*self.rich_rows.get(mid)? as usize).cmp(&index) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// The full TCP annotation, kept only for packets with tags or events (rebuilt from its
    /// compact encoding on each call: cheap, but callers looping over many rows should call
    /// it once per row).
    pub fn rich(&self, index: usize) -> Option<TcpAnnotation> {
        let r = *self.analysis.get(index)?;
        if r.bits & HAS_TCP == 0 || r.bits & RICH == 0 {
            return None;
        }
        let at = *self.rich_at.get(self.rich_slot(index)?)?;
        let block = self.rich_blocks.get(usize::try_from(at >> 32).ok()?)?;
        let bytes = block.get(usize::try_from(at & 0xffff_ffff).ok()?..)?;
        rich_codec::decode(bytes, r.unpack(self.odd_next_of(r, index)).tcp?)
    }

    /// Encodes `t`, the annotation of store index `index`, into the annotation blocks.
    fn push_rich(&mut self, index: u32, t: &TcpAnnotation) {
        let mut buf = std::mem::take(&mut self.rich_scratch);
        buf.clear();
        rich_codec::encode(t, &mut buf);
        let fits = self
            .rich_blocks
            .last()
            .is_some_and(|b| b.capacity() - b.len() >= buf.len());
        if !fits {
            self.rich_blocks
                .push(Vec::with_capacity(RICH_BLOCK.max(buf.len())));
        }
        let block = self.rich_blocks.len() - 1;
        if let Some(b) = self.rich_blocks.last_mut() {
            self.rich_at.push((block as u64) << 32 | b.len() as u64);
            b.extend_from_slice(&buf);
        }
        self.rich_rows.push(index);
        self.rich_scratch = buf;
    }

    /// Reads and decodes the frame at `index` (cheap: only done for rows on screen and the
    /// selection, or by scans that read the file in order through the block cache).
    pub fn packet(&self, index: usize) -> Option<(OwnedFrame, Packet)> {
        let f = self.frame(index)?;
        let p = decode(&f.as_frame());
        Some((f, p))
    }

    /// The connection record of a flow.
    pub fn connection(&self, proto: FlowProto, stream: u32) -> Option<&Connection> {
        let at = *self.conn_index[proto_slot(proto)].get(stream as usize)?;
        self.connections.get(at as usize)
    }

    /// Store indices of one connection's frames, in capture order.
    pub fn connection_frames(&self, proto: FlowProto, stream: u32) -> &[u32] {
        self.conn_frames[proto_slot(proto)]
            .get(stream as usize)
            .map_or(&[][..], Vec::as_slice)
    }

    /// Store position of the frame with number `number` (frames are stored in order).
    pub fn index_of_number(&self, number: u64) -> Option<usize> {
        let Some(numbers) = &self.numbers else {
            let i = usize::try_from(number.checked_sub(self.first_number)?).ok()?;
            return (i < self.frames.len()).then_some(i);
        };
        let (mut lo, mut hi) = (0usize, numbers.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match numbers.get(mid)?.cmp(&number) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Makes the frames' bytes read from `bytes` (before the first push): the capture file
    /// when frames are pushed with [`StoreData::push_at`]; by default frames given whole
    /// to [`StoreData::push`] are spilled to a temporary file.
    pub fn set_bytes(&mut self, bytes: FrameBytes) {
        self.bytes = bytes;
    }

    /// Bytes of captured data held in memory (the block cache and spilled bytes not yet
    /// written), at most a few megabytes whatever the capture's size.
    pub fn bytes_in_memory(&self) -> usize {
        self.bytes.memory()
    }

    /// Writes spilled bytes still in memory to the spill file, once the source is exhausted,
    /// and gives back the room the connections' frame lists grew into.
    pub fn finish_bytes(&mut self) -> std::io::Result<()> {
        for lists in &mut self.conn_frames {
            lists.iter_mut().for_each(Vec::shrink_to_fit);
            lists.shrink_to_fit();
        }
        self.bytes.finish()
    }

    /// Appends one frame with its annotation, its bytes written to the spill file. An
    /// error writing them (a full disk) stores nothing.
    pub fn push(&mut self, frame: &Frame<'_>, ann: &Annotation) -> Result<(), String> {
        let offset = self
            .bytes
            .spill(frame)
            .map_err(|e| format!("cannot write the temporary capture file: {e}"))?;
        self.push_at(frame, frame.caplen(), offset, ann)
    }

    /// Appends one frame with its annotation; its `caplen` bytes are at `offset` in the
    /// store's [`FrameBytes`] (the capture file being loaded), and are not kept: only
    /// `frame`'s fields are read (its `data` may be empty).
    pub fn push_at(
        &mut self,
        frame: &Frame<'_>,
        caplen: u32,
        offset: u64,
        ann: &Annotation,
    ) -> Result<(), String> {
        if offset >> OFFSET_BITS != 0 {
            return Err(format!(
                "the capture is larger than the desktop view can index ({} TiB)",
                1u64 << (OFFSET_BITS - 40)
            ));
        }
        if self.first_ts.is_none() {
            self.first_ts = frame.ts;
        }
        if self.link.is_none() {
            self.link = Some(frame.link);
        }
        let index = self.frames.len();
        if index == 0 {
            self.first_number = frame.number;
        }
        let consecutive = frame.number == self.first_number.wrapping_add(index as u64);
        if self.numbers.is_none() && !consecutive {
            let mut numbers = Chunked::default();
            for i in 0..index {
                numbers.push(self.first_number.wrapping_add(i as u64));
            }
            self.numbers = Some(numbers);
        }
        let Some(meta) = self.meta_of(frame, caplen) else {
            return Err(format!(
                "more than {MAX_METAS} distinct interfaces and record kinds in one capture"
            ));
        };
        if self.metas[meta].snap == ODD_CAPLEN {
            self.odd_caplen.insert(index as u32, caplen);
        }
        if let Some(n) = &mut self.numbers {
            n.push(frame.number);
        }
        self.last_meta = meta as u32;
        self.frames.push(Slot {
            at: offset | (meta as u64) << OFFSET_BITS,
            ts: frame.ts.map_or(NO_TS, |t| t.0),
            len: frame.len,
        });
        let rich = ann
            .tcp
            .filter(|t| !(t.tags.is_empty() && t.events.is_empty()));
        if let Some(t) = &rich {
            self.push_rich(index as u32, t);
        }
        // A stream number beyond the frame count cannot come from the engine (each stream
        // starts at a frame); such a frame is listed but in no connection's list, so a bogus
        // number cannot make the table huge.
        if let Some(f) = ann.flow.filter(|f| f.stream as usize <= index) {
            let lists = &mut self.conn_frames[proto_slot(f.proto)];
            let stream = f.stream as usize;
            if lists.len() <= stream {
                lists.resize_with(stream + 1, Vec::new);
            }
            lists[stream].push(index as u32);
        }
        let (row, regular) = Row::pack(ann, rich.is_some());
        if !regular {
            if let Some(t) = &ann.tcp {
                self.odd_next.insert(index as u32, t.next_seq);
            }
        }
        self.analysis.push(row);
        Ok(())
    }

    /// Replaces the connection records (taken from the engine every so often). The views
    /// never read the engine's working state (unacknowledged segments, the limit tracker's
    /// state, the list of state transitions), so the store's copies drop it
    /// ([`Connection::compact`]).
    pub fn set_connections(&mut self, mut conns: Vec<Connection>) {
        for c in &mut conns {
            c.compact();
        }
        let mut index: [Vec<u32>; 2] = Default::default();
        for (i, c) in conns.iter().enumerate() {
            let slots = &mut index[proto_slot(c.proto)];
            let stream = c.stream as usize;
            // Records come from the engine, whose stream numbers are dense and below the
            // frame count (see `conn_frames`); one beyond it is not indexed.
            if stream <= self.frames.len().max(conns.len()) {
                if slots.len() <= stream {
                    slots.resize(stream + 1, NO_RECORD);
                }
                slots[stream] = i as u32;
            }
        }
        self.conn_index = index;
        self.connections = conns;
        self.conn_version += 1;
    }
}

/// The analysis of one stored packet seen through the filter's [`AnalysisFields`].
pub struct RowFields {
    /// The compact analysis.
    pub row: RowAnalysis,
    /// The full annotation when kept.
    pub rich: Option<TcpAnnotation>,
    /// The wire metrics when computed (the store does not keep them: [`super::wire`]).
    pub acked: Option<AckFacts>,
}

impl AnalysisFields for RowFields {
    fn tcp_stream(&self) -> Option<u64> {
        self.row
            .flow
            .filter(|f| f.proto == FlowProto::Tcp)
            .map(|f| u64::from(f.stream))
    }

    fn udp_stream(&self) -> Option<u64> {
        self.row
            .flow
            .filter(|f| f.proto == FlowProto::Udp)
            .map(|f| u64::from(f.stream))
    }

    fn rel_seq(&self) -> Option<u32> {
        self.row.tcp.map(|t| t.seq)
    }

    fn rel_ack(&self) -> Option<u32> {
        self.row.tcp.map(|t| t.ack)
    }

    fn window_size(&self) -> Option<u64> {
        self.row.tcp.map(|t| u64::from(t.window))
    }

    fn has_flag(&self, flag: Flag) -> bool {
        self.row.tcp.is_some_and(|t| t.flags.has(flag))
    }

    fn any_flag(&self) -> bool {
        self.row.tcp.is_some_and(|t| t.flags.0 != 0)
    }

    fn bytes_in_flight(&self) -> Option<u32> {
        self.acked.and_then(|a| a.bytes_in_flight)
    }

    fn ack_rtt_ns(&self) -> Option<i64> {
        self.acked.and_then(|a| a.ack_rtt())
    }

    fn acks_frame(&self) -> Option<u64> {
        self.acked.and_then(|a| a.acks_frame)
    }
}

/// Progress of an ingestion, readable from the UI without taking the store's lock.
#[derive(Debug, Default)]
pub struct Progress {
    /// Bytes of the source read so far.
    pub bytes_read: AtomicU64,
    /// Total bytes of the source, when known (0 otherwise).
    pub bytes_total: AtomicU64,
    /// Set by the UI to ask the ingestion thread to stop.
    pub cancel: AtomicBool,
}

impl Progress {
    /// Fraction done in 0..=1, when the total is known.
    pub fn fraction(&self) -> Option<f32> {
        let total = self.bytes_total.load(Ordering::Relaxed);
        (total > 0).then(|| {
            (self.bytes_read.load(Ordering::Relaxed) as f64 / total as f64).min(1.0) as f32
        })
    }
}

/// The shared store: cheap to clone, one writer (ingestion) and many readers (views).
#[derive(Debug, Clone, Default)]
pub struct PacketStore {
    data: Arc<RwLock<StoreData>>,
    /// Ingestion progress.
    pub progress: Arc<Progress>,
}

impl PacketStore {
    /// An empty store.
    pub fn new() -> PacketStore {
        PacketStore::default()
    }

    /// Read access for one UI frame. A poisoned lock (a panicking writer) still yields the
    /// data: the store is append-only, so what is there is consistent.
    pub fn read(&self) -> RwLockReadGuard<'_, StoreData> {
        self.data.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Write access for ingestion.
    pub fn write(&self) -> RwLockWriteGuard<'_, StoreData> {
        self.data.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// A whole capture file analysed into a store in one pass, as the window's loader does: for
/// the view tests that start from a committed capture.
#[cfg(test)]
pub(crate) fn store_of_file(path: &str) -> StoreData {
    use crate::analysis::{Config, Engine};
    use crate::capture::{FileReader, FrameSource};
    let mut reader = FileReader::open(path).expect("test capture opens");
    let mut engine = Engine::new(Config::default());
    let mut data = StoreData::default();
    while let Some(frame) = reader.next_frame().expect("test capture reads") {
        let packet = decode(&frame);
        let ann = engine.process(&frame, &packet);
        data.push(&frame, &ann)
            .expect("a test capture fits in memory");
    }
    data.set_connections(engine.connections().into_iter().cloned().collect());
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What every packet costs whatever it carries: its frame slot, its packed analysis and
    /// its place in its connection's frame list (encoded annotations and connection records
    /// come on top, shared by fewer packets: `examples/store_bytes.rs` measures them).
    #[test]
    fn a_packet_keeps_at_most_64_bytes_and_none_of_its_captured_bytes() {
        let fixed =
            std::mem::size_of::<Slot>() + std::mem::size_of::<Row>() + std::mem::size_of::<u32>();
        assert_eq!(std::mem::size_of::<Slot>(), 20);
        assert_eq!(std::mem::size_of::<Row>(), 24);
        assert_eq!(fixed, 48);
    }

    /// Captured lengths come back as pushed: frames kept whole, frames cut by a snapshot
    /// length (no per-frame cost), and cut lengths no snapshot length explains (kept one by
    /// one once a source has more than a few).
    #[test]
    fn captured_lengths_round_trip_without_a_field_per_frame() {
        let mut data = StoreData::default();
        let mut pushed = Vec::new();
        let mut push = |data: &mut StoreData, len: u32, caplen: u32, interface: u32| {
            let n = data.len() as u64 + 1;
            let mut frame = OwnedFrame::packet(n, Timestamp(0), LinkType::Ethernet, Vec::new());
            frame.len = len;
            frame.interface = interface;
            data.push_at(&frame.as_frame(), caplen, n * 2000, &Annotation::default())
                .unwrap();
            pushed.push(caplen);
        };
        for _ in 0..3 {
            push(&mut data, 60, 60, 0);
            push(&mut data, 1514, 96, 0);
            push(&mut data, 90, 90, 1);
            push(&mut data, 1514, 128, 1);
        }
        assert_eq!(data.metas.len(), 4);
        // Cut at ever other lengths: the first few become snapshot lengths, then one by one.
        for cut in 0..40 {
            push(&mut data, 1514, 200 + cut, 0);
        }
        push(&mut data, 1514, 96, 0);
        push(&mut data, 100, 120, 0);
        assert!(
            data.metas.len() <= 4 + MAX_SNAPS,
            "{} metas",
            data.metas.len()
        );
        assert!(!data.odd_caplen.is_empty());
        for (i, &caplen) in pushed.iter().enumerate() {
            let slot = *data.frames.get(i).unwrap();
            assert_eq!(data.caplen(i, slot), Some(caplen), "frame {i}");
        }
    }

    /// The offset and the meta index share a word without spilling into each other.
    #[test]
    fn offsets_and_metas_share_the_slot_word() {
        let s = Slot {
            at: ((1u64 << OFFSET_BITS) - 1) | ((MAX_METAS as u64 - 1) << OFFSET_BITS),
            ts: 0,
            len: 0,
        };
        assert_eq!(s.offset(), (1 << OFFSET_BITS) - 1);
        assert_eq!(s.meta(), MAX_METAS - 1);
        let mut data = StoreData::default();
        let frame = OwnedFrame::packet(1, Timestamp(0), LinkType::Ethernet, Vec::new());
        let too_far = data.push_at(
            &frame.as_frame(),
            60,
            1 << OFFSET_BITS,
            &Annotation::default(),
        );
        assert!(too_far.is_err());
        assert!(data.is_empty());
    }
}
