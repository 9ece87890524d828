//! One capture point's view of the traffic: every TCP segment of a capture, with the fields
//! that identify it at the other capture point and the facts the fate inference reads.
//!
//! Built frame by frame from the analysis engine's output ([`TapCapture::push`]), so a file,
//! a live capture or the desktop view's store can feed it. Memory is bounded by
//! [`TapLimits::max_segments`]; segments past it are counted, not kept.

use std::collections::HashMap;
use std::hash::BuildHasher as _;
use std::net::SocketAddr;
use std::ops::ControlFlow;
use std::path::Path;

use foldhash::fast::FixedState;

use crate::analysis::{Annotation, Direction, EngineStats, Flag, FlowProto};
use crate::capture::{CaptureError, CaptureInput, Frame};
use crate::decode::{Packet, TcpFlags};

/// Payload bytes kept per segment to check that two copies carry the same data when one
/// capture cut the payload short (snapshot length): the first bytes are compared.
pub const PAYLOAD_HEAD: usize = 16;

/// Which of the two capture points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TapId {
    /// The first file given (`synack pair A B`).
    A,
    /// The second file given.
    B,
}

impl TapId {
    /// `A` or `B`, as printed in fates ("lost before A").
    pub fn name(self) -> &'static str {
        match self {
            TapId::A => "A",
            TapId::B => "B",
        }
    }

    /// The other capture point.
    pub fn other(self) -> TapId {
        match self {
            TapId::A => TapId::B,
            TapId::B => TapId::A,
        }
    }
}

/// One TCP segment as one capture point saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapSegment {
    /// Frame number in its file (tshark's `frame.number`).
    pub frame: u64,
    /// Capture time in ns since the epoch, in this capture point's clock.
    pub ts: i64,
    /// Index of its connection in [`TapCapture::conns`].
    pub conn: u32,
    /// Direction relative to the connection's originator at this capture point.
    pub dir: Direction,
    /// Raw sequence number.
    pub seq: u32,
    /// Raw acknowledgment number (0 without the ACK flag).
    pub ack: u32,
    /// Sequence number relative to the direction's start (the analysis engine's `tcp.seq`).
    pub rel_seq: u32,
    /// Relative acknowledgment number (`tcp.ack`).
    pub rel_ack: u32,
    /// Sequence number unwrapped to 64 bits in its direction's sequence space (equal to `seq`
    /// until the space wraps past 2^32), so ranges compare with plain integer order.
    pub useq: i64,
    /// Acknowledgment number unwrapped in the other direction's sequence space.
    pub uack: i64,
    /// Payload length (from the IP header).
    pub len: u32,
    /// TCP flags.
    pub flags: TcpFlags,
    /// Window field as sent (unscaled).
    pub window: u16,
    /// IPv4 identification (IPv6: the fragment header's, normally 0).
    pub ip_id: u32,
    /// TCP timestamp option (TSval, TSecr).
    pub tsopt: Option<(u32, u32)>,
    /// SACK blocks, raw edges, as sent.
    pub sack: [(u32, u32); 4],
    /// Number of SACK blocks.
    pub sack_count: u8,
    /// The first payload bytes captured (up to [`PAYLOAD_HEAD`]).
    pub payload_head: [u8; PAYLOAD_HEAD],
    /// How many of `payload_head` are valid.
    pub head_len: u8,
    /// Hash of the whole payload, when all of it was captured.
    pub payload_hash: Option<u64>,
    /// The analysis engine tagged it a retransmission.
    pub retransmission: bool,
    /// The analysis engine tagged it a zero-window probe (the receiver discards its byte on
    /// purpose, so its missing acknowledgment proves no loss).
    pub window_probe: bool,
}

impl TapSegment {
    /// Sequence space the segment occupies (payload, plus one for SYN and for FIN).
    pub fn seg_len(&self) -> u32 {
        self.len
            + u32::from(self.flags.has(TcpFlags::SYN))
            + u32::from(self.flags.has(TcpFlags::FIN))
    }

    /// Unwrapped end of the segment (`useq + seg_len`).
    pub fn uend(&self) -> i64 {
        self.useq + i64::from(self.seg_len())
    }

    /// True when the ACK flag is set (`ack`/`uack` are meaningful).
    pub fn has_ack(&self) -> bool {
        self.flags.has(TcpFlags::ACK)
    }

    /// SACK blocks, unwrapped in the same space as [`TapSegment::uack`].
    pub fn sack_blocks(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.sack[..usize::from(self.sack_count)]
            .iter()
            .map(|&(l, r)| {
                let at = |edge: u32| self.uack + i64::from(edge.wrapping_sub(self.ack) as i32);
                (at(l), at(r))
            })
    }

    /// True when the two captured payloads can be the same bytes: equal hashes when both
    /// captures kept the whole payload, otherwise equal leading bytes as far as both go.
    pub fn payload_compatible(&self, other: &TapSegment) -> bool {
        if self.len != other.len {
            return false;
        }
        if let (Some(x), Some(y)) = (self.payload_hash, other.payload_hash) {
            return x == y;
        }
        let n = usize::from(self.head_len.min(other.head_len));
        self.payload_head[..n] == other.payload_head[..n]
    }
}

/// One TCP connection at one capture point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapConn {
    /// Stream number in its file (tshark's `tcp.stream`).
    pub stream: u32,
    /// The originator's address as seen here (the side that sent the first SYN).
    pub client: SocketAddr,
    /// The responder's address as seen here.
    pub server: SocketAddr,
    /// Initial sequence numbers of (client, server), when their SYNs were seen.
    pub isn: [Option<u32>; 2],
    /// Its segments, indices into [`TapCapture::segments`], in capture order.
    pub segments: Vec<u32>,
}

/// How reading a capture file ended.
#[derive(Debug)]
pub struct ReadEnd {
    /// The error that stopped the file early (damage), if any.
    pub error: Option<CaptureError>,
    /// The analysis engine's counters (connections, evictions).
    pub stats: EngineStats,
}

/// Memory bounds of one capture point's segment table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TapLimits {
    /// Segments kept (about 150 bytes each); later ones are counted in
    /// [`TapCapture::segments_not_kept`]. Default 2 000 000 (about 300 MB).
    pub max_segments: usize,
}

impl Default for TapLimits {
    fn default() -> Self {
        TapLimits {
            max_segments: 2_000_000,
        }
    }
}

/// Unwraps 32-bit sequence numbers of one direction's space to 64 bits, around the
/// furthest value seen so far.
#[derive(Debug, Clone, Copy, Default)]
struct Unwrap {
    last_raw: u32,
    last: i64,
    started: bool,
}

impl Unwrap {
    fn get(&mut self, raw: u32) -> i64 {
        if !self.started {
            *self = Unwrap {
                last_raw: raw,
                last: i64::from(raw),
                started: true,
            };
            return self.last;
        }
        let d = i64::from(raw.wrapping_sub(self.last_raw) as i32);
        let v = self.last + d;
        if d > 0 {
            self.last_raw = raw;
            self.last = v;
        }
        v
    }
}

/// Every TCP segment one capture point saw, grouped by connection.
#[derive(Debug, Clone, Default)]
pub struct TapCapture {
    /// A name for messages (the file name).
    pub name: String,
    /// Segments in capture order.
    pub segments: Vec<TapSegment>,
    /// Connections, in order of first appearance.
    pub conns: Vec<TapConn>,
    /// First and last capture times (ns), of any frame.
    pub span: Option<(i64, i64)>,
    /// Frames read.
    pub frames: u64,
    /// TCP segments not kept because of [`TapLimits::max_segments`].
    pub segments_not_kept: u64,
    limits: TapLimits,
    by_stream: HashMap<u32, u32>,
    spaces: Vec<[Unwrap; 2]>,
    last_ts: i64,
}

impl TapCapture {
    /// An empty table named `name` (shown in messages).
    pub fn new(name: impl Into<String>, limits: TapLimits) -> TapCapture {
        TapCapture {
            name: name.into(),
            limits,
            ..TapCapture::default()
        }
    }

    /// Adds one analysed frame (every frame of the capture, in order, so stream numbers
    /// and relative sequence numbers are the engine's).
    pub fn push(&mut self, frame: &Frame<'_>, packet: &Packet, ann: &Annotation) {
        self.frames += 1;
        let ts = frame.ts.map_or(self.last_ts, |t| t.as_nanos());
        self.last_ts = ts;
        self.span = Some(match self.span {
            None => (ts, ts),
            Some((a, b)) => (a.min(ts), b.max(ts)),
        });
        let (Some(flow), Some(tann), Some(tcp), Some(ip)) =
            (ann.flow, ann.tcp, packet.tcp(), packet.ip())
        else {
            return;
        };
        if flow.proto != FlowProto::Tcp || !tcp.header_complete {
            return;
        }
        if self.segments.len() >= self.limits.max_segments {
            self.segments_not_kept += 1;
            return;
        }
        let src = SocketAddr::new(ip.src, tcp.sport);
        let dst = SocketAddr::new(ip.dst, tcp.dport);
        let conn = *self.by_stream.entry(flow.stream).or_insert_with(|| {
            let (client, server) = match flow.direction {
                Direction::ClientToServer => (src, dst),
                Direction::ServerToClient => (dst, src),
            };
            self.conns.push(TapConn {
                stream: flow.stream,
                client,
                server,
                isn: [None, None],
                segments: Vec::new(),
            });
            self.spaces.push([Unwrap::default(); 2]);
            (self.conns.len() - 1) as u32
        });
        let dir = flow.direction;
        let syn = tcp.flags.has(TcpFlags::SYN);
        let c = &mut self.conns[conn as usize];
        if syn && c.isn[dir.index()].is_none() {
            c.isn[dir.index()] = Some(tcp.seq);
        }
        let spaces = &mut self.spaces[conn as usize];
        let useq = spaces[dir.index()].get(tcp.seq);
        let has_ack = tcp.flags.has(TcpFlags::ACK);
        let uack = if has_ack {
            spaces[dir.reverse().index()].get(tcp.ack)
        } else {
            0
        };
        let payload = packet.payload(frame.data);
        let mut payload_head = [0u8; PAYLOAD_HEAD];
        let head_len = payload.len().min(PAYLOAD_HEAD);
        payload_head[..head_len].copy_from_slice(&payload[..head_len]);
        let payload_hash = (payload.len() as u64 == u64::from(tcp.len))
            .then(|| FixedState::default().hash_one(payload));
        let opts = &tcp.options;
        let mut sack = [(0, 0); 4];
        let blocks = opts.sack_blocks();
        sack[..blocks.len()].copy_from_slice(blocks);
        c.segments.push(self.segments.len() as u32);
        self.segments.push(TapSegment {
            frame: frame.number,
            ts,
            conn,
            dir,
            seq: tcp.seq,
            ack: if has_ack { tcp.ack } else { 0 },
            rel_seq: tann.seq,
            rel_ack: tann.ack,
            useq,
            uack,
            len: tcp.len,
            flags: tcp.flags,
            window: tcp.window,
            ip_id: ip.ident,
            tsopt: opts.timestamp,
            sack,
            sack_count: blocks.len() as u8,
            payload_head,
            head_len: head_len as u8,
            payload_hash,
            retransmission: tann.is_retransmission(),
            window_probe: tann.tags.has(Flag::ZeroWindowProbe),
        });
    }

    /// Reads a capture file to its end. An unreadable file is an error; a damaged one
    /// gives what was read before the damage, and the error that stopped it in [`ReadEnd`].
    pub fn read_file(
        path: &Path,
        limits: TapLimits,
    ) -> Result<(TapCapture, ReadEnd), CaptureError> {
        let input = CaptureInput::open(&[path.to_path_buf()])?;
        Ok(TapCapture::read_input(
            path.display().to_string(),
            input,
            limits,
        ))
    }

    /// Reads an opened capture (a file, standard input, files merged in time order) to its
    /// end in one pass; `name` names it in messages. A damaged capture gives what was read
    /// before the damage, and the error that stopped it in [`ReadEnd`].
    pub fn read_input(
        name: String,
        input: impl Into<CaptureInput>,
        limits: TapLimits,
    ) -> (TapCapture, ReadEnd) {
        let mut tap = TapCapture::new(name, limits);
        let done = crate::pipeline::analyse_file(input, 1, |frame, packet, ann| {
            tap.push(frame, packet, ann);
            ControlFlow::Continue(())
        });
        let end = ReadEnd {
            error: done.error,
            stats: done.engine.stats(),
        };
        (tap, end)
    }

    /// The connection whose stream number (in this file) is `stream`.
    pub fn conn_by_stream(&self, stream: u32) -> Option<usize> {
        self.by_stream.get(&stream).map(|&i| i as usize)
    }
}
