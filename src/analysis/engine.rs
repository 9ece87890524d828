//! The incremental engine: one decoded packet in, one annotation out, connection records
//! kept up to date. Pure: no I/O, no clock (time comes from the frames).

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use foldhash::fast::RandomState;
use std::net::SocketAddr;

use super::conn::{Connection, Limits, SynOptions};
use super::flags::{analyze, sacked_bytes, AckFacts, SegmentFacts, WindowScale};
use super::identity::StackIndex;
use super::key::{ConnKey, Direction, FlowProto};
use super::limits::{LimitFacts, LimitTracker};
use super::state::{Events, PacketFacts, Side, TcpState};
use super::tags::{Flag, TagInfo, Tags};
use super::zeek::ZeekFacts;
use crate::capture::Frame;
use crate::decode::{EncapKind, Packet, TcpFlags, Transport};

/// Limits that keep memory bounded on hostile traffic (README, "Limits").
///
/// The engine's memory is about `max_connections` connection records plus the unacked
/// segments they remember, whatever the length of the input: a flood of new connections
/// evicts the least recently seen ones ([`EngineStats::connections_evicted`]), a flood of
/// unacknowledged data stops being remembered ([`EngineStats::segments_not_tracked`]).
/// Every packet is still processed and annotated; `synack flows`/`read`/`stream` report both
/// counters on stderr (and in the `--json` summary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Connections kept (live plus finished); beyond it the least recently seen are evicted.
    /// Default 500 000.
    pub max_connections: usize,
    /// Unacknowledged segments remembered per direction (Wireshark: 10 000, the default).
    pub max_unacked_per_direction: usize,
    /// Keep every phase of what limited each sender, not only the totals (for the views
    /// that draw them; memory grows with the phases). Default false.
    pub record_limit_phases: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_connections: 500_000,
            max_unacked_per_direction: 10_000,
            record_limit_phases: false,
        }
    }
}

/// Which connection a packet belongs to and which way it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowRef {
    /// Protocol.
    pub proto: FlowProto,
    /// Stream number (equal to tshark's `tcp.stream` / `udp.stream`).
    pub stream: u32,
    /// Direction relative to the originator.
    pub direction: Direction,
}

/// What the engine says about one TCP packet. This is what reassembly consumes: stream,
/// direction, relative `seq`, `len` and [`TcpAnnotation::is_retransmission`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpAnnotation {
    /// Relative sequence number (Wireshark's rules: ISN → 0; mid-stream first seq → 1).
    pub seq: u32,
    /// Relative acknowledgment number (the raw field when the ACK flag is not set).
    pub ack: u32,
    /// Raw sequence number.
    pub seq_raw: u32,
    /// Raw acknowledgment number.
    pub ack_raw: u32,
    /// Payload length.
    pub len: u32,
    /// Relative sequence number after this segment (SYN and FIN count one).
    pub next_seq: u32,
    /// Calculated window (scaled when the scale is known; raw on SYNs).
    pub window: u32,
    /// Window scale known for this direction.
    pub window_scale: WindowScale,
    /// Analysis flags with their facts.
    pub tags: Tags,
    /// Handshake / teardown events.
    pub events: Events,
    /// States of (originator, responder) after this packet.
    pub states: [TcpState; 2],
    /// Wireshark's initial RTT once known, in ns.
    pub initial_rtt_ns: Option<i64>,
    /// Which segment this packet acknowledges, and bytes in flight.
    pub acked: AckFacts,
}

impl TcpAnnotation {
    /// True for any retransmission (plain, fast or spurious): reassembly should not append
    /// these bytes again.
    pub fn is_retransmission(&self) -> bool {
        self.tags.has(Flag::Retransmission)
    }

    /// True when tshark would show a "SEQ/ACK analysis" tree for this packet (it has flags,
    /// acknowledges a segment exactly, or had its bytes in flight counted): tshark prints
    /// `tcp.analysis.initial_rtt` only on such packets.
    pub fn has_seq_ack_analysis(&self) -> bool {
        !self.tags.is_empty()
            || self.acked.acks_frame.is_some()
            || self.acked.in_flight_counted
            || self.acked.ack_past_seen_data
    }
}

/// The engine's annotation of one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Annotation {
    /// The connection, for TCP and UDP packets.
    pub flow: Option<FlowRef>,
    /// TCP details.
    pub tcp: Option<TcpAnnotation>,
}

/// Counters the engine reports (evictions and limits hit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EngineStats {
    /// Packets fed.
    pub packets: u64,
    /// Connections created.
    pub connections: u64,
    /// Connections evicted because of [`Config::max_connections`].
    pub connections_evicted: u64,
    /// Segments not remembered because of [`Config::max_unacked_per_direction`].
    pub segments_not_tracked: u64,
}

/// The incremental analysis engine.
#[derive(Debug, Default)]
pub struct Engine {
    config: Config,
    live: HashMap<ConnKey, Connection, RandomState>,
    /// Stream number → key of the live connection, for lookups by stream.
    by_stream: HashMap<(FlowProto, u32), ConnKey, RandomState>,
    /// Connections replaced by a new one on the same ports (port reuse).
    retired: Vec<Connection>,
    /// Connections whose directions carry different VLAN stacks ([`super::identity`]).
    stacks: StackIndex,
    next_stream: [u32; 2],
    stats: EngineStats,
}

fn proto_index(p: FlowProto) -> usize {
    match p {
        FlowProto::Tcp => 0,
        FlowProto::Udp => 1,
    }
}

impl Engine {
    /// An engine with the given limits.
    pub fn new(config: Config) -> Engine {
        Engine {
            config,
            ..Engine::default()
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> EngineStats {
        self.stats
    }

    /// Connections currently held (live and finished), ordered by protocol (TCP first) and
    /// stream number.
    pub fn connections(&self) -> Vec<&Connection> {
        let mut v: Vec<&Connection> = self.live.values().chain(self.retired.iter()).collect();
        v.sort_by_key(|c| (proto_index(c.proto), c.stream));
        v
    }

    /// Consumes the engine and returns its connections, ordered like [`Engine::connections`].
    pub fn into_connections(self) -> Vec<Connection> {
        let mut v: Vec<Connection> = self.live.into_values().chain(self.retired).collect();
        v.sort_by_key(|c| (proto_index(c.proto), c.stream));
        v
    }

    /// The connection with this stream number, if still held (evicted ones are gone).
    pub fn connection(&self, proto: FlowProto, stream: u32) -> Option<&Connection> {
        match self.by_stream.get(&(proto, stream)) {
            Some(key) => self.live.get(key),
            None => self
                .retired
                .iter()
                .find(|c| c.proto == proto && c.stream == stream),
        }
    }

    fn held(&self) -> usize {
        self.live.len() + self.retired.len()
    }

    /// Makes room for one more connection: drops finished ones first, then the least recently
    /// seen sixteenth of the live ones (a batch, so the scan is amortised).
    fn make_room(&mut self) {
        if self.held() < self.config.max_connections.max(1) {
            return;
        }
        if !self.retired.is_empty() {
            let n = self.retired.len().div_ceil(2);
            self.retired.drain(..n);
            self.stats.connections_evicted += n as u64;
            return;
        }
        let n = (self.live.len() / 16).max(1);
        let mut last: Vec<u64> = self.live.values().map(|c| c.last_frame).collect();
        let idx = n - 1;
        last.select_nth_unstable(idx);
        let threshold = last[idx];
        let mut removed = 0usize;
        let (by_stream, stacks) = (&mut self.by_stream, &mut self.stacks);
        self.live.retain(|key, c| {
            if removed < n && c.last_frame <= threshold {
                removed += 1;
                by_stream.remove(&(c.proto, c.stream));
                stacks.removed(*key, c);
                false
            } else {
                true
            }
        });
        self.stats.connections_evicted += removed as u64;
    }

    fn new_stream(&mut self, proto: FlowProto) -> u32 {
        take_stream(&mut self.next_stream, &mut self.stats, proto)
    }

    /// Feeds one packet; returns what the engine concluded about it.
    pub fn process(&mut self, frame: &Frame<'_>, packet: &Packet) -> Annotation {
        self.analyse::<true>(frame, packet)
    }

    /// [`Engine::process`] for callers that need only the packet's connection and direction
    /// (reassembly): the same analysis, without building the per-packet
    /// [`TcpAnnotation`] (over 500 bytes, copied twice on its way out).
    pub fn process_flow(&mut self, frame: &Frame<'_>, packet: &Packet) -> Option<FlowRef> {
        self.analyse::<false>(frame, packet).flow
    }

    /// The analysis; the TCP annotation is built only when `FULL`.
    #[inline(always)]
    fn analyse<const FULL: bool>(&mut self, frame: &Frame<'_>, packet: &Packet) -> Annotation {
        self.stats.packets += 1;
        let Some(ip) = packet.ip() else {
            return Annotation::default();
        };
        if ip.is_fragment && ip.frag_offset != 0 {
            return Annotation::default();
        }
        if !packet.encap.is_empty() {
            self.outer_udp(frame, packet);
        }
        let ts = frame.ts.map_or(0, |t| t.as_nanos());
        match &packet.transport {
            Transport::Udp(u) => {
                let src = SocketAddr::new(ip.src, u.sport);
                let dst = SocketAddr::new(ip.dst, u.dport);
                let (c, dir) = self.udp_connection(frame, packet, src, dst, u.len);
                Annotation {
                    flow: Some(FlowRef {
                        proto: FlowProto::Udp,
                        stream: c.stream,
                        direction: dir,
                    }),
                    tcp: None,
                }
            }
            Transport::Tcp(t) => {
                let src = SocketAddr::new(ip.src, t.sport);
                let dst = SocketAddr::new(ip.dst, t.dport);
                let (mut key, _) = ConnKey::new(FlowProto::Tcp, packet.vlan, src, dst);
                if !self.live.contains_key(&key) {
                    if let Some(k) = self.stacks.resolve(&mut self.live, key, src) {
                        key = k;
                    }
                }
                if t.short_segment {
                    return self.short_segment(frame, packet, key, t, src, dst);
                }
                // Payload length as tshark counts it: never more than the frame carried on the
                // wire (an IP length larger than the frame is cut to the frame).
                let seglen = match packet.offsets.payload {
                    Some(off) => t.len.min(frame.len.saturating_sub(off)),
                    None => t.len,
                };
                let max_unacked = self.config.max_unacked_per_direction;
                let pure_syn = t.flags.0 & (TcpFlags::SYN | TcpFlags::ACK) == TcpFlags::SYN;
                let mut reused_from = None;
                let at_cap = self.held() >= self.config.max_connections.max(1);
                let c = if pure_syn || at_cap {
                    // A SYN may reuse the ports of an earlier connection, and a full table
                    // must make room first: the general path (two lookups).
                    let known = match self.live.get(&key) {
                        Some(c) => {
                            let tc = c.tcp.as_ref().expect("tcp connection");
                            let fwd = &tc.seq[c.direction_of(src).index()];
                            if pure_syn && fwd.base_set && t.seq != fwd.base_seq {
                                reused_from = Some(c.stream);
                            }
                            reused_from.is_none()
                        }
                        None => false,
                    };
                    if reused_from.is_some() {
                        if let Some(old) = self.live.remove(&key) {
                            self.by_stream.remove(&(old.proto, old.stream));
                            self.stacks.removed(key, &old);
                            self.retired.push(old);
                        }
                    }
                    if !known {
                        self.make_room();
                        let stream = self.new_stream(FlowProto::Tcp);
                        let c = tcp_connection(stream, packet, t.flags, src, dst, frame);
                        self.insert(key, c);
                    }
                    self.live.get_mut(&key).expect("inserted above")
                } else {
                    // Every other packet: one lookup, inserting when the key is new.
                    let (live, by_stream) = (&mut self.live, &mut self.by_stream);
                    let (next_stream, stats) = (&mut self.next_stream, &mut self.stats);
                    match live.entry(key) {
                        Entry::Occupied(e) => e.into_mut(),
                        Entry::Vacant(v) => {
                            let stream = take_stream(next_stream, stats, FlowProto::Tcp);
                            let c = tcp_connection(stream, packet, t.flags, src, dst, frame);
                            by_stream.insert((c.proto, c.stream), key);
                            self.stacks.inserted(key);
                            v.insert(c)
                        }
                    }
                };
                let dir = c.direction_of(src);
                learn_stack(c, dir, packet);
                touch(c, frame, dir, seglen);
                let stream = c.stream;
                let tc = c.tcp.as_mut().expect("tcp connection");
                let syn = t.flags.has(TcpFlags::SYN);
                let ackf = t.flags.has(TcpFlags::ACK);
                let (d, r) = (dir.index(), dir.reverse().index());

                // Options of the SYN, and Wireshark's window-scale bookkeeping.
                if syn {
                    let o = &t.options;
                    tc.syn_options[d] = SynOptions {
                        mss: o.mss,
                        window_scale: o.window_scale,
                        sack_permitted: o.sack_permitted,
                        timestamps: o.timestamp.is_some(),
                    };
                    if let Some(ws) = o.window_scale {
                        tc.seq[d].win_scale = WindowScale::Shift(ws.min(14));
                    }
                    if tc.seq[d].win_scale == WindowScale::Unknown {
                        tc.seq[d].win_scale = WindowScale::NotUsed;
                        tc.seq[r].win_scale = WindowScale::NotUsed;
                    } else if ackf && tc.seq[r].win_scale == WindowScale::NotUsed {
                        tc.seq[d].win_scale = WindowScale::NotUsed;
                    }
                }

                let before = tc.seq[d].segments_dropped;
                let mut tags = Tags::default();
                if let Some(old) = reused_from {
                    tags.push(
                        Flag::ReusedPorts,
                        TagInfo {
                            num: old,
                            ..Default::default()
                        },
                    );
                }
                // A SYN+ACK with another initial sequence number than the one already seen
                // from its sender (port reuse, a middlebox, an answer after a bare RST):
                // Wireshark flags it and counts relative numbers from the new one.
                if syn && ackf && tc.seq[d].base_set && t.seq != tc.seq[d].base_seq {
                    tags.push(
                        Flag::ReusedPorts,
                        TagInfo {
                            num: stream,
                            ..Default::default()
                        },
                    );
                    tc.seq[d].base_seq = t.seq;
                }
                let facts = SegmentFacts {
                    frame: frame.number,
                    ts,
                    seq: t.seq,
                    ack: t.ack,
                    seglen,
                    flags: t.flags,
                    window: u32::from(t.window),
                    sacked: sacked_bytes(t.options.sack_blocks()),
                };
                let first_rtt = tc.first_rtt;
                let acked = {
                    let [a, b] = &mut tc.seq;
                    let (fwd, rev) = if d == 0 { (a, b) } else { (b, a) };
                    analyze(fwd, rev, first_rtt, max_unacked, &facts, &mut tags)
                };
                self.stats.segments_not_tracked += tc.seq[d].segments_dropped - before;
                if t.header_len < 20 {
                    // Wireshark analyses a segment whose header length is below 20 (its length
                    // counted from that header length) but shows none of its flags.
                    tags = Tags::default();
                }

                // What limits the senders: tracked from the first data segment on (a SYN
                // flood allocates nothing for it).
                if matches!(tc.limits, Limits::Off) && seglen > 0 && !syn {
                    let mut l = LimitTracker::starting(&tc.seq);
                    if self.config.record_limit_phases {
                        l.record_phases();
                    }
                    tc.limits = Limits::Tracking(Box::new(l));
                }
                let sent_high = tc.seq[d].nextseq;
                let window_shift = tc.seq[d].win_scale.shift();
                // This packet's flags as a bit set (the sequence analysis keeps them).
                let flags = tc.seq[d].lastsegmentflags;
                if let Limits::Tracking(limits) = &mut tc.limits {
                    limits.on_packet(&LimitFacts {
                        ts,
                        dir,
                        len: seglen,
                        syn,
                        fin: t.flags.has(TcpFlags::FIN),
                        rst: t.flags.has(TcpFlags::RST),
                        repair: flags.has(Flag::Retransmission) || flags.has(Flag::OutOfOrder),
                        fast: flags.has(Flag::FastRetransmission),
                        dup_ack: flags.has(Flag::DuplicateAck),
                        probe: flags.has(Flag::KeepAlive) || flags.has(Flag::ZeroWindowProbe),
                        sent_high,
                        ack: ackf.then_some(t.ack),
                        window: if syn {
                            u64::from(t.window)
                        } else {
                            u64::from(t.window) << window_shift
                        },
                        first_rtt: tc.first_rtt,
                    });
                }

                // Wireshark's initial RTT: most recent SYN → first ACK without SYN.
                if syn && !ackf {
                    tc.mru_syn = ts;
                } else if ackf && !syn && tc.mru_syn != 0 && tc.first_rtt == 0 {
                    tc.first_rtt = ts.saturating_sub(tc.mru_syn);
                }

                let side = Side::sender(dir);
                let was_done = tc.lifecycle.handshake_complete();
                let events = tc.lifecycle.on_packet(&PacketFacts {
                    frame: frame.number,
                    ts,
                    side,
                    flags: t.flags,
                    seq: t.seq,
                    ack: t.ack,
                    len: seglen,
                });
                tc.zeek.on_packet(&ZeekFacts {
                    side: side.index(),
                    flags: t.flags,
                    seq: t.seq,
                    len: seglen,
                    retransmission: tags.has(Flag::Retransmission),
                    zero_window: tags.has(Flag::ZeroWindow),
                    gap: tags.has(Flag::LostSegment),
                    handshake_done_now: !was_done && tc.lifecycle.handshake_complete(),
                });

                for tag in tags.as_slice() {
                    c.flag_counts[tag.flag as usize] += 1;
                }
                let flow = Some(FlowRef {
                    proto: FlowProto::Tcp,
                    stream,
                    direction: dir,
                });
                if !FULL {
                    return Annotation { flow, tcp: None };
                }
                let tc = c.tcp.as_ref().expect("tcp connection");
                let fwd = &tc.seq[d];
                let rev = &tc.seq[r];
                let scale = fwd.win_scale;
                let window = if syn {
                    u32::from(t.window)
                } else {
                    u32::from(t.window) << scale.shift()
                };
                let seq_rel = fwd.rel(t.seq);
                let syn_fin = u32::from(syn || t.flags.has(TcpFlags::FIN));
                let ann = TcpAnnotation {
                    seq: seq_rel,
                    // Without the ACK flag the field is shown raw, as Wireshark does.
                    ack: if ackf { rev.rel(t.ack) } else { t.ack },
                    seq_raw: t.seq,
                    ack_raw: t.ack,
                    len: seglen,
                    next_seq: seq_rel.wrapping_add(seglen).wrapping_add(syn_fin),
                    window,
                    window_scale: scale,
                    tags,
                    events,
                    states: tc.lifecycle.states,
                    initial_rtt_ns: tc.initial_rtt_ns(),
                    acked,
                };
                Annotation {
                    flow,
                    tcp: Some(ann),
                }
            }
            Transport::Icmp(i) | Transport::Icmpv6(i) => {
                if let Some(q) = i.quoted {
                    self.quoted(frame, packet, q);
                }
                Annotation::default()
            }
            _ => Annotation::default(),
        }
    }
}

impl Engine {
    /// Adds a new connection to the live table under `key`.
    fn insert(&mut self, key: ConnKey, c: Connection) {
        self.by_stream.insert((c.proto, c.stream), key);
        self.stacks.inserted(key);
        self.live.insert(key, c);
    }

    /// The UDP connection of a datagram from `src` to `dst` (created when new), counted with
    /// `len` payload bytes; and the datagram's direction in it.
    fn udp_connection(
        &mut self,
        frame: &Frame<'_>,
        packet: &Packet,
        src: SocketAddr,
        dst: SocketAddr,
        len: u32,
    ) -> (&mut Connection, Direction) {
        let (mut key, _) = ConnKey::new(FlowProto::Udp, packet.vlan, src, dst);
        if !self.live.contains_key(&key) {
            match self.stacks.resolve(&mut self.live, key, src) {
                Some(k) => key = k,
                None => {
                    self.make_room();
                    let stream = self.new_stream(FlowProto::Udp);
                    let c = Connection::new(
                        stream,
                        FlowProto::Udp,
                        packet.vlan,
                        src,
                        dst,
                        frame.number,
                        frame.ts,
                    );
                    self.insert(key, c);
                }
            }
        }
        let c = self.live.get_mut(&key).expect("inserted above");
        let dir = c.direction_of(src);
        learn_stack(c, dir, packet);
        touch(c, frame, dir, len);
        (c, dir)
    }

    /// The UDP headers of tunnels (VXLAN, Geneve, GTP-U, Teredo) are UDP conversations of
    /// their own for Wireshark, numbered before the inner packet's: so are they here.
    fn outer_udp(&mut self, frame: &Frame<'_>, packet: &Packet) {
        let mut addrs = None;
        for layer in &packet.encap {
            match layer.kind {
                EncapKind::Ip { src, dst, .. } => addrs = Some((src, dst)),
                EncapKind::Udp { sport, dport } => {
                    let Some((s, d)) = addrs else { continue };
                    let src = SocketAddr::new(s, sport);
                    let dst = SocketAddr::new(d, dport);
                    self.udp_connection(frame, packet, src, dst, 0);
                }
                _ => {}
            }
        }
    }

    /// The TCP or UDP packet quoted by an ICMP error: Wireshark files it under its
    /// connection, creating it (and so taking a stream number) when it is the first seen, but
    /// does not analyse or count it.
    fn quoted(&mut self, frame: &Frame<'_>, packet: &Packet, q: crate::decode::Quoted) {
        let proto = if q.protocol == 6 {
            FlowProto::Tcp
        } else {
            FlowProto::Udp
        };
        let src = SocketAddr::new(q.src, q.sport);
        let dst = SocketAddr::new(q.dst, q.dport);
        let (key, _) = ConnKey::new(proto, packet.vlan, src, dst);
        if self.live.contains_key(&key) || self.stacks.resolve(&mut self.live, key, src).is_some() {
            return;
        }
        self.make_room();
        let stream = self.new_stream(proto);
        let c = match proto {
            FlowProto::Tcp => tcp_connection(stream, packet, TcpFlags(0), src, dst, frame),
            FlowProto::Udp => {
                Connection::new(stream, proto, packet.vlan, src, dst, frame.number, frame.ts)
            }
        };
        self.insert(key, c);
    }

    /// A TCP segment whose IP payload is shorter than its header length ("short segment"):
    /// like Wireshark, it belongs to its connection but is not analysed (its length is
    /// unknown); seq and ack stay raw.
    fn short_segment(
        &mut self,
        frame: &Frame<'_>,
        packet: &Packet,
        key: ConnKey,
        t: &crate::decode::TcpInfo,
        src: SocketAddr,
        dst: SocketAddr,
    ) -> Annotation {
        if !self.live.contains_key(&key) {
            self.make_room();
            let stream = self.new_stream(FlowProto::Tcp);
            let c = tcp_connection(stream, packet, t.flags, src, dst, frame);
            self.insert(key, c);
        }
        let c = self.live.get_mut(&key).expect("inserted above");
        let dir = c.direction_of(src);
        learn_stack(c, dir, packet);
        touch(c, frame, dir, 0);
        let tc = c.tcp.as_ref().expect("tcp connection");
        let ann = TcpAnnotation {
            seq: t.seq,
            ack: t.ack,
            seq_raw: t.seq,
            ack_raw: t.ack,
            len: 0,
            next_seq: t.seq,
            window: u32::from(t.window),
            window_scale: tc.seq[dir.index()].win_scale,
            tags: Tags::default(),
            events: Events::default(),
            states: tc.lifecycle.states,
            initial_rtt_ns: None,
            acked: AckFacts::default(),
        };
        Annotation {
            flow: Some(FlowRef {
                proto: FlowProto::Tcp,
                stream: c.stream,
                direction: dir,
            }),
            tcp: Some(ann),
        }
    }
}

/// Records the VLAN stack of the first packet in each direction of a connection.
#[inline(always)]
fn learn_stack(c: &mut Connection, dir: Direction, packet: &Packet) {
    let seen = &mut c.vlan_seen[dir.index()];
    if seen.is_none() {
        *seen = Some(packet.vlan);
    }
}

/// The next stream number of `proto` (numbers count connections in order of appearance).
fn take_stream(next: &mut [u32; 2], stats: &mut EngineStats, proto: FlowProto) -> u32 {
    let i = proto_index(proto);
    let s = next[i];
    next[i] = s.wrapping_add(1);
    stats.connections += 1;
    s
}

/// A new TCP connection first seen in `frame`, a segment from `src` to `dst`.
fn tcp_connection(
    stream: u32,
    packet: &Packet,
    flags: TcpFlags,
    src: SocketAddr,
    dst: SocketAddr,
    frame: &Frame<'_>,
) -> Connection {
    // A first SYN+ACK answers an unseen SYN: its receiver is the originator.
    let synack = flags.has(TcpFlags::SYN | TcpFlags::ACK);
    let (orig, resp) = if synack { (dst, src) } else { (src, dst) };
    Connection::new(
        stream,
        FlowProto::Tcp,
        packet.vlan,
        orig,
        resp,
        frame.number,
        frame.ts,
    )
}

fn touch(c: &mut Connection, frame: &Frame<'_>, dir: Direction, len: u32) {
    c.last_frame = frame.number;
    if frame.ts.is_some() {
        c.last_ts = frame.ts;
        if c.first_ts.is_none() {
            c.first_ts = frame.ts;
        }
    }
    c.packets[dir.index()] += 1;
    c.bytes[dir.index()] += u64::from(len);
}
