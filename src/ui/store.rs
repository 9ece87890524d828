//! The packet store: everything the views draw, written by an ingestion thread.
//!
//! Rerun's split: ingestion (a file loader, later a live capture) owns the data source and
//! appends to the store in batches; views take a read lock once per frame and draw only the
//! rows they show. Per packet the store keeps the captured bytes (one arena), a few fixed
//! fields and a compact copy of the analysis; the full [`TcpAnnotation`] is kept only for
//! packets that carry tags or events, so a million packets stay well under 200 MB.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::analysis::{
    Annotation, Connection, Flag, FlagSet, FlowProto, FlowRef, TcpAnnotation, TcpState,
};
use crate::capture::{Frame, LinkType, RecordKind, Timestamp};
use crate::decode::{decode, Packet};
use crate::filter::AnalysisFields;

/// Fixed fields of one stored frame; its bytes live in the store's arena.
#[derive(Debug, Clone, Copy)]
pub struct FrameRecord {
    /// Frame number in the source (1-based, tshark's `frame.number`).
    pub number: u64,
    /// Capture timestamp.
    pub ts: Option<Timestamp>,
    /// Original length on the wire.
    pub len: u32,
    /// Link type of the frame.
    pub link: LinkType,
    /// pcapng interface id.
    pub interface: u32,
    /// Packet or other record.
    pub kind: RecordKind,
    start: u64,
    caplen: u32,
}

/// The analysis of one TCP segment, compact enough to keep for every packet.
#[derive(Debug, Clone, Copy)]
pub struct TcpSummary {
    /// Relative sequence number.
    pub seq: u32,
    /// Relative acknowledgment number.
    pub ack: u32,
    /// Segment length.
    pub len: u32,
    /// Relative sequence number after this segment.
    pub next_seq: u32,
    /// Window after scaling.
    pub window: u32,
    /// TCP state of (originator, responder) after this packet.
    pub states: [TcpState; 2],
    /// Analysis flags present on the packet.
    pub flags: FlagSet,
    /// Index into the store's full annotations, when the packet has tags or events.
    rich: Option<u32>,
}

/// The analysis of one packet as the store keeps it.
#[derive(Debug, Clone, Copy, Default)]
pub struct RowAnalysis {
    /// Connection and direction, when the packet belongs to one.
    pub flow: Option<FlowRef>,
    /// TCP facts, for TCP packets.
    pub tcp: Option<TcpSummary>,
}

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
}

impl SourceInfo {
    /// A short name for titles and status lines.
    pub fn label(&self) -> String {
        match self {
            SourceInfo::None => "no capture".into(),
            SourceInfo::Demo => "demo.pcap (built-in)".into(),
            SourceInfo::File(p) => p.display().to_string(),
            SourceInfo::Live(i) => format!("live on {i}"),
            SourceInfo::Generator(run) => format!("synack gen {run}"),
        }
    }
}

/// What a store holds. Read it through [`PacketStore::read`].
#[derive(Debug, Default)]
pub struct StoreData {
    frames: Vec<FrameRecord>,
    analysis: Vec<RowAnalysis>,
    rich: Vec<TcpAnnotation>,
    bytes: Vec<u8>,
    /// Connection records (the `synack flows` rows), refreshed by the ingestion thread.
    pub connections: Vec<Connection>,
    /// Bumped each time the connection records are replaced (views cache derived rows).
    pub conn_version: u64,
    /// Store indices of each connection's frames, in order (4 bytes per packet), so
    /// per-connection work never scans the whole capture.
    conn_frames: HashMap<(FlowProto, u32), Vec<u32>>,
    /// Where connections[i] is, by (protocol, stream number).
    conn_index: HashMap<(FlowProto, u32), usize>,
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
    pub calls: Option<crate::gen::calls::CallTrace>,
}

impl StoreData {
    /// Number of stored frames.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// The frame at `index` (0-based store position), borrowing the arena.
    pub fn frame(&self, index: usize) -> Option<Frame<'_>> {
        let r = self.frames.get(index)?;
        let start = usize::try_from(r.start).ok()?;
        let data = self.bytes.get(start..start + r.caplen as usize)?;
        Some(Frame {
            number: r.number,
            ts: r.ts,
            len: r.len,
            link: r.link,
            interface: r.interface,
            kind: r.kind,
            data,
        })
    }

    /// Fixed fields of the frame at `index`.
    pub fn record(&self, index: usize) -> Option<&FrameRecord> {
        self.frames.get(index)
    }

    /// The compact analysis of the frame at `index`.
    pub fn analysis(&self, index: usize) -> RowAnalysis {
        self.analysis.get(index).copied().unwrap_or_default()
    }

    /// The full TCP annotation, kept only for packets with tags or events.
    pub fn rich(&self, index: usize) -> Option<&TcpAnnotation> {
        let i = self.analysis.get(index)?.tcp?.rich?;
        self.rich.get(i as usize)
    }

    /// Decodes the frame at `index` (cheap: only done for rows on screen and the selection).
    pub fn packet(&self, index: usize) -> Option<(Frame<'_>, Packet)> {
        let f = self.frame(index)?;
        let p = decode(&f);
        Some((f, p))
    }

    /// The connection record of a flow.
    pub fn connection(&self, proto: FlowProto, stream: u32) -> Option<&Connection> {
        self.conn_index
            .get(&(proto, stream))
            .and_then(|&i| self.connections.get(i))
    }

    /// Store indices of one connection's frames, in capture order.
    pub fn connection_frames(&self, proto: FlowProto, stream: u32) -> &[u32] {
        self.conn_frames
            .get(&(proto, stream))
            .map_or(&[][..], Vec::as_slice)
    }

    /// Store position of the frame with number `number` (frames are stored in order).
    pub fn index_of_number(&self, number: u64) -> Option<usize> {
        self.frames.binary_search_by_key(&number, |r| r.number).ok()
    }

    /// Bytes held in the arena.
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// Reserves arena space for about `bytes` of captured data (a file's size).
    pub fn reserve_bytes(&mut self, bytes: u64) {
        if let Ok(b) = usize::try_from(bytes) {
            self.bytes.reserve(b);
        }
    }

    /// Appends one frame with its annotation.
    pub fn push(&mut self, frame: &Frame<'_>, ann: &Annotation) {
        let start = self.bytes.len() as u64;
        self.bytes.extend_from_slice(frame.data);
        if self.first_ts.is_none() {
            self.first_ts = frame.ts;
        }
        if self.link.is_none() {
            self.link = Some(frame.link);
        }
        self.frames.push(FrameRecord {
            number: frame.number,
            ts: frame.ts,
            len: frame.len,
            link: frame.link,
            interface: frame.interface,
            kind: frame.kind,
            start,
            caplen: frame.data.len() as u32,
        });
        let tcp = ann.tcp.map(|t| {
            let rich = if t.tags.is_empty() && t.events.is_empty() {
                None
            } else {
                self.rich.push(t);
                Some((self.rich.len() - 1) as u32)
            };
            TcpSummary {
                seq: t.seq,
                ack: t.ack,
                len: t.len,
                next_seq: t.next_seq,
                window: t.window,
                states: t.states,
                flags: t.tags.set(),
                rich,
            }
        });
        if let Some(f) = ann.flow {
            self.conn_frames
                .entry((f.proto, f.stream))
                .or_default()
                .push((self.frames.len() - 1) as u32);
        }
        self.analysis.push(RowAnalysis {
            flow: ann.flow,
            tcp,
        });
    }

    /// Replaces the connection records (taken from the engine every so often).
    pub fn set_connections(&mut self, conns: Vec<Connection>) {
        self.conn_index = conns
            .iter()
            .enumerate()
            .map(|(i, c)| ((c.proto, c.stream), i))
            .collect();
        self.connections = conns;
        self.conn_version += 1;
    }

    /// Byte range of the frame at `index` in the arena (for exports).
    pub fn data_range(&self, index: usize) -> Option<Range<usize>> {
        let r = self.frames.get(index)?;
        let s = usize::try_from(r.start).ok()?;
        Some(s..s + r.caplen as usize)
    }
}

/// The analysis of one stored packet seen through the filter's [`AnalysisFields`].
pub struct RowFields<'a> {
    /// The compact analysis.
    pub row: RowAnalysis,
    /// The full annotation when kept.
    pub rich: Option<&'a TcpAnnotation>,
}

impl AnalysisFields for RowFields<'_> {
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

    fn has_flag(&self, name: &str) -> bool {
        let Some(t) = self.row.tcp else {
            return false;
        };
        Flag::ALL
            .iter()
            .any(|f| f.name() == name && t.flags.has(*f))
    }

    fn any_flag(&self) -> bool {
        self.row.tcp.is_some_and(|t| t.flags.0 != 0)
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
