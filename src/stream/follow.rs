//! Following a capture's TCP connections through reassembly and framing, driven by the
//! analysis engine (stream numbers and directions come from its [`Annotation`]).
//!
//! [`Follower`] is fed every packet with the engine's annotation and keeps, per connection
//! and direction, a [`Reassembler`] and the [`DirectionStream`] it produced. After the last
//! packet, [`Follower::finish`] closes the holes and [`frame_connection`] cuts each direction
//! into messages and relates them to the segments. [`frame_events`] turns that into the
//! per-frame events `synack read` shows (`message_boundary`, `coalesced`, `split`), and
//! [`ConnMessages::counts`] into the connection summary's counts.

use std::collections::{HashMap, HashSet};

use foldhash::fast::RandomState;
use std::net::SocketAddr;

use super::calls::{calls_by_direction, frame_by_sends, DirCalls};
use super::framing::{
    auto, choose, frame_stream, frame_stream_with, Framed, Framer, Framing, FramingReason,
};
use super::reassembly::{Limits, MemoryBudget, Reassembler, SegmentIn};
use super::sticky::{annotate, Annotation as Marks};
use super::store::{DirectionStream, DuplicateSegment};
use crate::analysis::{Annotation, Direction, FlowProto, FlowRef};
use crate::calls::CallTrace;
use crate::capture::{Frame, Timestamp};
use crate::decode::{Packet, TcpFlags};

/// One direction of a followed connection.
#[derive(Debug)]
pub struct FollowedDir {
    /// The reassembler (for its counters).
    pub reasm: Reassembler,
    /// The reassembled stream.
    pub store: DirectionStream,
}

/// A followed TCP connection.
#[derive(Debug)]
pub struct FollowedConn {
    /// Stream number (tshark's `tcp.stream`).
    pub stream: u32,
    /// VLAN ids, outermost first.
    pub vlan: Vec<u16>,
    /// The originator (client).
    pub client: SocketAddr,
    /// The responder (server).
    pub server: SocketAddr,
    /// Per direction, indexed by [`Direction::index`].
    pub dirs: [FollowedDir; 2],
}

/// Bytes of buffers a [`Follower`] keeps for reuse ([`Follower::recycle`]): 8 MiB, room
/// for the streams of the dozens of connections that a busy capture closes together, small
/// next to the bytes the open connections hold.
pub const POOL_BYTES: usize = 8 << 20;

/// Limits of a [`Follower`]: together they bound its memory on any input (a SYN flood, a
/// reassembly bomb). Streams past [`FollowLimits::max_connections`] are not followed and
/// counted ([`Follower::not_followed`]); buffer caps skip holes as `buffer_limit` gaps;
/// byte caps stop keeping bytes and say where ([`DirectionStream::cut_at`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowLimits {
    /// TCP streams followed (about 1 KiB of state each before any byte is kept); later
    /// streams are skipped and counted. Default 100 000.
    pub max_connections: usize,
    /// Per-direction reassembly limits.
    pub reassembly: Limits,
    /// Out-of-order bytes buffered across all connections.
    pub total_buffered: usize,
    /// Bytes of each direction kept for framing and display.
    pub kept_per_direction: usize,
    /// Bytes kept across all directions; past it, directions stop keeping bytes (each
    /// reports where it was cut).
    pub kept_total: usize,
}

impl Default for FollowLimits {
    fn default() -> Self {
        FollowLimits {
            max_connections: 100_000,
            reassembly: Limits::default(),
            total_buffered: 256 << 20,
            kept_per_direction: 64 << 20,
            kept_total: 1 << 30,
        }
    }
}

/// Reassembles the TCP connections of a capture (all, or one stream).
#[derive(Debug)]
pub struct Follower {
    only: Option<u32>,
    limits: FollowLimits,
    by_stream: HashMap<u32, usize, RandomState>,
    conns: Vec<FollowedConn>,
    budget: MemoryBudget,
    kept: usize,
    /// Buffers of released streams, for the next streams' bytes ([`Follower::recycle`]).
    pool: Vec<Vec<u8>>,
    /// Capacity of the pooled buffers.
    pool_bytes: usize,
    /// Streams seen after the connection cap was reached, and the last one counted.
    not_followed: u64,
    last_skipped: Option<u32>,
    /// Hand connections back once they are over ([`Follower::releasing`]).
    release: bool,
    /// Streams handed back: their later packets are ignored.
    released: HashSet<u32, RandomState>,
    /// Index of the connection the last packet finished, when releasing.
    finished: Option<usize>,
}

impl Follower {
    /// Follows every TCP stream, or only stream `only`.
    pub fn new(only: Option<u32>, limits: FollowLimits) -> Self {
        Follower {
            only,
            limits,
            by_stream: HashMap::default(),
            conns: Vec::new(),
            budget: MemoryBudget::new(limits.total_buffered),
            kept: 0,
            pool: Vec::new(),
            pool_bytes: 0,
            not_followed: 0,
            last_skipped: None,
            release: false,
            released: HashSet::default(),
            finished: None,
        }
    }

    /// Follows every TCP stream and hands each connection back as soon as it is over, so
    /// that memory holds only the open connections whatever the file's size (`synack flows`
    /// and the sticky-packet events of `synack read`). A connection is over when both
    /// directions reached their FIN and a packet without SYN, FIN, RST or payload (the last
    /// ACK) followed: take it with [`Follower::take_finished`] after each packet. Later
    /// packets of a released stream (retransmissions after the close) are ignored. Released
    /// connections leave [`Follower::connections`], which is then no longer in stream order.
    pub fn releasing(limits: FollowLimits) -> Self {
        Follower {
            release: true,
            ..Follower::new(None, limits)
        }
    }

    /// The connection the last packet finished (see [`Follower::releasing`]), its holes
    /// closed as by [`Follower::finish`]; it is no longer followed.
    pub fn take_finished(&mut self) -> Option<FollowedConn> {
        let i = self.finished.take()?;
        let mut conn = self.conns.swap_remove(i);
        if let Some(moved) = self.conns.get(i) {
            self.by_stream.insert(moved.stream, i);
        }
        self.by_stream.remove(&conn.stream);
        self.released.insert(conn.stream);
        for FollowedDir { reasm, store } in &mut conn.dirs {
            reasm.flush(&mut self.budget, store);
            store.closed = reasm.is_closed();
            self.kept = self.kept.saturating_sub(store.kept_bytes());
        }
        Some(conn)
    }

    /// Takes back the buffers of a connection handed out by [`Follower::take_finished`]
    /// once the caller is done with it: the next streams fill them instead of growing new
    /// ones from nothing (each doubling copies the stream; fresh memory page-faults). At
    /// most [`POOL_BYTES`] are kept, and a buffer is handed only to a direction about to
    /// receive its first bytes, so the pool bounds the memory it holds.
    pub fn recycle(&mut self, conn: FollowedConn) {
        let [a, b] = conn.dirs;
        for dir in [a, b] {
            for buffer in dir.store.into_buffers() {
                let size = buffer.capacity();
                if size > 0 && self.pool_bytes + size <= POOL_BYTES {
                    self.pool_bytes += size;
                    self.pool.push(buffer);
                }
            }
        }
    }

    /// The followed connections, in order of first appearance (stream order).
    pub fn connections(&self) -> &[FollowedConn] {
        &self.conns
    }

    /// Stream `n`, if it was followed.
    pub fn get(&self, n: u32) -> Option<&FollowedConn> {
        self.by_stream.get(&n).map(|&i| &self.conns[i])
    }

    /// TCP streams not followed because [`FollowLimits::max_connections`] was reached.
    pub fn not_followed(&self) -> u64 {
        self.not_followed
    }

    /// The shared reassembly budget (for its cut counter).
    pub fn budget(&self) -> &MemoryBudget {
        &self.budget
    }

    /// Feeds one packet with the engine's annotation of it.
    pub fn process(&mut self, frame: &Frame<'_>, packet: &Packet, ann: &Annotation) {
        self.process_flow(frame, packet, ann.flow);
    }

    /// Feeds one packet with the only part of the engine's annotation reassembly reads: its
    /// stream and direction.
    pub fn process_flow(&mut self, frame: &Frame<'_>, packet: &Packet, flow: Option<FlowRef>) {
        let (Some(flow), Some(tcp), Some(ip)) = (flow, packet.tcp(), packet.ip()) else {
            return;
        };
        if flow.proto != FlowProto::Tcp
            || self.only.is_some_and(|o| o != flow.stream)
            || (self.release && self.released.contains(&flow.stream))
        {
            return;
        }
        let i = match self.by_stream.get(&flow.stream) {
            Some(&i) => i,
            None if self.conns.len() >= self.limits.max_connections => {
                // Stream numbers only grow, so a new number is a stream not counted yet.
                if self.last_skipped.is_none_or(|s| flow.stream > s) {
                    self.not_followed += 1;
                    self.last_skipped = Some(flow.stream);
                }
                return;
            }
            None => {
                let src = SocketAddr::new(ip.src, tcp.sport);
                let dst = SocketAddr::new(ip.dst, tcp.dport);
                let (client, server) = match flow.direction {
                    Direction::ClientToServer => (src, dst),
                    Direction::ServerToClient => (dst, src),
                };
                let new_dir = || FollowedDir {
                    reasm: Reassembler::new(self.limits.reassembly),
                    store: DirectionStream::with_cap(self.limits.kept_per_direction),
                };
                self.conns.push(FollowedConn {
                    stream: flow.stream,
                    vlan: packet.vlan.as_slice().to_vec(),
                    client,
                    server,
                    dirs: [new_dir(), new_dir()],
                });
                self.by_stream.insert(flow.stream, self.conns.len() - 1);
                self.conns.len() - 1
            }
        };
        let conn = &mut self.conns[i];
        let d = flow.direction.index();
        // Like tshark, a frame shorter on the wire than its IP header claims carries only
        // what the wire length allows.
        let claimed = packet
            .offsets
            .payload
            .map_or(tcp.len, |p| tcp.len.min(frame.len.saturating_sub(p)));
        let seg = SegmentIn {
            seq: tcp.seq,
            payload: packet.payload(frame.data),
            claimed_len: claimed,
            frame: frame.number,
            ts: frame.ts.unwrap_or(Timestamp(0)),
            syn: tcp.flags.has(TcpFlags::SYN),
            fin: tcp.flags.has(TcpFlags::FIN),
        };
        if claimed > 0 || seg.syn || seg.fin {
            let FollowedDir { reasm, store } = &mut conn.dirs[d];
            if claimed > 0 && store.wants_buffer() {
                if let Some(buffer) = self.pool.pop() {
                    self.pool_bytes -= buffer.capacity();
                    store.give_buffer(buffer);
                }
            }
            if seg.fin && store.fin_frame.is_none() {
                store.fin_frame = Some(frame.number);
            }
            if self.kept >= self.limits.kept_total {
                store.freeze();
            }
            let before = store.kept_bytes();
            let outcome = reasm.push(seg, &mut self.budget, store);
            self.kept += store.kept_bytes() - before;
            // Bounded lists: at most 10 000 entries each per direction.
            if let Some(c) = outcome.conflict {
                if store.conflicts.len() < 10_000 {
                    store.conflicts.push(c);
                }
            }
            if let (0, Some(offset)) = (outcome.new_bytes, outcome.offset) {
                if outcome.duplicate_bytes > 0 && store.duplicates.len() < 10_000 {
                    store.duplicates.push(DuplicateSegment {
                        frame: frame.number,
                        ts: seg.ts,
                        offset,
                        len: outcome.duplicate_bytes,
                    });
                }
            }
        }
        if tcp.flags.has(TcpFlags::ACK) && !tcp.flags.has(TcpFlags::RST) {
            let FollowedDir { reasm, store } = &mut conn.dirs[1 - d];
            reasm.ack(tcp.ack, &mut self.budget, store);
        }
        let last_ack =
            claimed == 0 && tcp.flags.0 & (TcpFlags::SYN | TcpFlags::FIN | TcpFlags::RST) == 0;
        if self.release
            && last_ack
            && conn.dirs[0].reasm.is_closed()
            && conn.dirs[1].reasm.is_closed()
        {
            self.finished = Some(i);
        }
    }

    /// End of input: open holes become gaps, buffered data is delivered.
    pub fn finish(&mut self) {
        for conn in &mut self.conns {
            for FollowedDir { reasm, store } in &mut conn.dirs {
                reasm.flush(&mut self.budget, store);
                store.closed = reasm.is_closed();
            }
        }
    }
}

/// How to choose a connection's framing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FramingChoice {
    /// [`auto`]: the framing that explains both directions best.
    Auto,
    /// The same choice as `Auto` found faster ([`choose`]), without the sentence saying why
    /// ([`ConnMessages::reason`] is `None`): for passes that only count messages.
    AutoUnexplained,
    /// This framing.
    Use(Framing),
}

/// One direction cut into messages.
#[derive(Debug, Clone)]
pub struct DirMessages {
    /// Messages, unparsed and incomplete bytes.
    pub framed: Framed,
    /// Segments ↔ messages.
    pub marks: Marks,
}

/// Per-direction counts for a connection summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StickyCounts {
    /// Whole messages.
    pub messages: usize,
    /// Segments carrying more than one message.
    pub coalesced_segments: usize,
    /// Messages spread over more than one segment.
    pub split_messages: usize,
    /// Gaps (missing bytes) in the stream.
    pub gaps: usize,
}

/// A connection cut into messages.
#[derive(Debug, Clone)]
pub struct ConnMessages {
    /// The framing used.
    pub framing: Framing,
    /// Why `auto` chose it (None when it was given).
    pub reason: Option<FramingReason>,
    /// `auto` found a framing that explains every byte (true when the framing was given).
    pub consistent: bool,
    /// Per direction, indexed by [`Direction::index`].
    pub dirs: [DirMessages; 2],
}

impl ConnMessages {
    /// Counts for the connection summary, per direction.
    pub fn counts(&self, conn: &FollowedConn) -> [StickyCounts; 2] {
        [0, 1].map(|d| StickyCounts {
            messages: self.dirs[d].framed.messages.len(),
            coalesced_segments: self.dirs[d].marks.coalesced_segments(),
            split_messages: self.dirs[d].marks.split_messages(),
            gaps: conn.dirs[d].store.gaps.len(),
        })
    }
}

/// Frames both directions of `conn`.
pub fn frame_connection(conn: &FollowedConn, choice: FramingChoice) -> ConnMessages {
    let (framing, reason, consistent) = match choice {
        FramingChoice::Use(f) => (f, None, true),
        FramingChoice::Auto => {
            let c = auto(&[&conn.dirs[0].store, &conn.dirs[1].store]);
            (c.framing, Some(c.reason), c.consistent)
        }
        FramingChoice::AutoUnexplained => {
            let (framing, consistent) = choose(&[&conn.dirs[0].store, &conn.dirs[1].store]);
            (framing, None, consistent)
        }
    };
    let c2s = frame_stream(&conn.dirs[0].store, framing);
    let mut s2c_framer = Framer::new(framing);
    if framing == Framing::Http {
        // Pair responses with requests: a response to HEAD has no body.
        let store = &conn.dirs[0].store;
        s2c_framer.expect_responses_to(
            c2s.messages
                .iter()
                .map(|m| starts_with_at(store, m.offset, b"HEAD ")),
        );
    }
    let s2c = frame_stream_with(&conn.dirs[1].store, s2c_framer);
    let with_marks = |d: usize, framed: Framed| DirMessages {
        marks: annotate(&conn.dirs[d].store.segments, &framed.messages),
        framed,
    };
    let dirs = [with_marks(0, c2s), with_marks(1, s2c)];
    ConnMessages {
        framing,
        reason,
        consistent,
        dirs,
    }
}

/// Frames both directions of `conn` with one message per `send()` call (`calls` from
/// [`calls_by_direction`]); `reason` is what the summary says about the choice.
pub fn frame_connection_by_calls(
    conn: &FollowedConn,
    calls: &[DirCalls; 2],
    reason: Option<FramingReason>,
) -> ConnMessages {
    let dirs = [0, 1].map(|d| {
        let framed = frame_by_sends(&conn.dirs[d].store, &calls[d].sends);
        DirMessages {
            marks: annotate(&conn.dirs[d].store.segments, &framed.messages),
            framed,
        }
    });
    let consistent = dirs.iter().all(|d| d.framed.unparsed.is_empty());
    ConnMessages {
        framing: Framing::Calls,
        reason,
        consistent,
        dirs,
    }
}

/// [`frame_connection`] with the generator's calls trace at hand: `calls` framing uses the
/// trace's `send()` calls, and `auto` falls back to them when no framing explains the bytes
/// (an unframed stream whose boundaries only the program knew), saying so in the reason.
pub fn frame_connection_with_calls(
    conn: &FollowedConn,
    choice: FramingChoice,
    trace: Option<&CallTrace>,
) -> ConnMessages {
    let calls = trace.map(|t| calls_by_direction(t, conn.client, conn.server));
    let has_sends = calls
        .as_ref()
        .is_some_and(|c| c.iter().any(|d| !d.sends.is_empty()));
    match (choice, calls) {
        (FramingChoice::Use(Framing::Calls), Some(c)) => frame_connection_by_calls(conn, &c, None),
        (FramingChoice::Auto, Some(c)) if has_sends => {
            let auto_msgs = frame_connection(conn, FramingChoice::Auto);
            if auto_msgs.framing != Framing::None {
                return auto_msgs;
            }
            let sends: usize = c.iter().map(|d| d.sends.len()).sum();
            let why = auto_msgs
                .reason
                .unwrap_or_default()
                .then(crate::i18n::Message::new("framing-by-calls").arg("sends", sends));
            frame_connection_by_calls(conn, &c, Some(why))
        }
        _ => frame_connection(conn, choice),
    }
}

/// True when the stream's kept bytes at `offset` start with `prefix`.
fn starts_with_at(store: &DirectionStream, offset: u64, prefix: &[u8]) -> bool {
    store
        .runs
        .iter()
        .find(|r| r.offset <= offset && offset < r.end())
        .and_then(|r| r.data.get((offset - r.offset) as usize..))
        .is_some_and(|b| b.starts_with(prefix))
}

/// A sticky-packet event attached to a frame, for `synack read`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StickyEvent {
    /// Message boundaries in this segment: how many messages start and end in it.
    MessageBoundary {
        /// Messages starting here.
        starts: u32,
        /// Messages ending here.
        ends: u32,
    },
    /// The segment carries bytes of several messages (first message index, count).
    Coalesced {
        /// Index of the first message.
        first: usize,
        /// Number of messages.
        count: usize,
    },
    /// A message ends in this segment after spanning several (its index and frames).
    Split {
        /// Message index in its direction.
        message: usize,
        /// Frames carrying it.
        frames: Vec<u64>,
    },
}

impl StickyEvent {
    /// Event name (`message_boundary`, `coalesced`, `split`).
    pub fn name(&self) -> &'static str {
        match self {
            StickyEvent::MessageBoundary { .. } => "message_boundary",
            StickyEvent::Coalesced { .. } => "coalesced",
            StickyEvent::Split { .. } => "split",
        }
    }

    /// One line for people.
    pub fn describe(&self) -> String {
        match self {
            StickyEvent::MessageBoundary { starts, ends } => {
                format!("message_boundary: {starts} start, {ends} end")
            }
            StickyEvent::Coalesced { first, count } => {
                format!(
                    "coalesced: {count} messages (#{first}..#{})",
                    first + count - 1
                )
            }
            StickyEvent::Split { message, frames } => {
                let f: Vec<String> = frames.iter().map(u64::to_string).collect();
                format!("split: message #{message} over frames {}", f.join(","))
            }
        }
    }
}

/// The sticky-packet events of every frame of a framed connection, by frame number.
pub fn frame_events(
    conn: &FollowedConn,
    msgs: &ConnMessages,
    out: &mut HashMap<u64, Vec<StickyEvent>>,
) {
    for d in 0..2 {
        let store = &conn.dirs[d].store;
        let marks = &msgs.dirs[d].marks;
        for (seg, m) in store.segments.iter().zip(&marks.segments) {
            let mut ev = Vec::new();
            if m.starts > 0 || m.ends > 0 {
                ev.push(StickyEvent::MessageBoundary {
                    starts: m.starts,
                    ends: m.ends,
                });
            }
            if m.coalesced {
                ev.push(StickyEvent::Coalesced {
                    first: m.messages.start,
                    count: m.messages.len(),
                });
            }
            for i in m.messages.clone() {
                let mm = &marks.messages[i];
                if mm.split && mm.frames.last() == Some(&seg.frame) {
                    let msg = &msgs.dirs[d].framed.messages[i];
                    if msg.offset + msg.len <= seg.offset + seg.len {
                        ev.push(StickyEvent::Split {
                            message: i,
                            frames: mm.frames.clone(),
                        });
                    }
                }
            }
            if !ev.is_empty() {
                out.entry(seg.frame).or_default().extend(ev);
            }
        }
    }
}
