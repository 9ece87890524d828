//! Minimal TCP connection keying for `synack stream`, until the analysis engine provides
//! stream numbers and directions.
//!
//! Streams are numbered in order of first appearance of their 5-tuple plus VLAN tags, like
//! tshark's `tcp.stream`; the client is the side that sent the first SYN without ACK (or, in
//! a capture that starts mid-connection, the sender of the first segment). Only the selected
//! stream (or every stream, when none is selected) is reassembled.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::capture::{Frame, Timestamp};
use crate::decode::{Packet, TcpFlags, Vlans};
use crate::stream::{DirectionStream, Limits, MemoryBudget, Reassembler, SegmentIn};

/// A direction of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// From the client (the SYN sender).
    C2s = 0,
    /// From the server.
    S2c = 1,
}

impl Dir {
    /// `c2s` or `s2c`.
    pub fn name(self) -> &'static str {
        match self {
            Dir::C2s => "c2s",
            Dir::S2c => "s2c",
        }
    }
}

/// One direction: its reassembler and the stream it produced.
#[derive(Debug)]
pub struct DirState {
    /// The reassembler (for its counters).
    pub reasm: Reassembler,
    /// The reassembled stream.
    pub store: DirectionStream,
}

/// One TCP connection.
#[derive(Debug)]
pub struct TrackedStream {
    /// Stream number.
    pub index: u64,
    /// VLAN ids, outermost first.
    pub vlan: Vec<u16>,
    /// Client address and port.
    pub client: (IpAddr, u16),
    /// Server address and port.
    pub server: (IpAddr, u16),
    /// Per direction, indexed by [`Dir`].
    pub dirs: [DirState; 2],
}

impl TrackedStream {
    /// `addr:port` of the side that sends in direction `d`.
    pub fn endpoint(&self, d: Dir) -> String {
        let (a, p) = match d {
            Dir::C2s => self.client,
            Dir::S2c => self.server,
        };
        match a {
            IpAddr::V4(a) => format!("{a}:{p}"),
            IpAddr::V6(a) => format!("[{a}]:{p}"),
        }
    }
}

type Key = (Vlans, (IpAddr, u16), (IpAddr, u16));

/// Streams of a capture, keyed and reassembled.
#[derive(Debug)]
pub struct StreamTable {
    only: Option<u64>,
    /// Stream number and, when reassembled, position in `streams`.
    index: HashMap<Key, (u64, Option<usize>)>,
    streams: Vec<TrackedStream>,
    budget: MemoryBudget,
    next_index: u64,
}

impl StreamTable {
    /// A table that reassembles only stream `only`, or every stream.
    pub fn new(only: Option<u64>) -> Self {
        StreamTable {
            only,
            index: HashMap::new(),
            streams: Vec::new(),
            budget: MemoryBudget::default(),
            next_index: 0,
        }
    }

    /// Streams seen so far.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> u64 {
        self.next_index
    }

    /// The reassembled streams, by number.
    pub fn iter(&self) -> impl Iterator<Item = &TrackedStream> {
        self.streams.iter()
    }

    /// Stream `n`, if it exists and was reassembled.
    pub fn get(&self, n: u64) -> Option<&TrackedStream> {
        self.streams.iter().find(|s| s.index == n)
    }

    /// Feeds one decoded frame.
    pub fn push(&mut self, frame: &Frame<'_>, packet: &Packet) {
        let (Some(ip), Some(tcp)) = (packet.ip(), packet.tcp()) else {
            return;
        };
        if ip.is_fragment || !tcp.header_complete {
            return;
        }
        let src = (ip.src, tcp.sport);
        let dst = (ip.dst, tcp.dport);
        let key = if src <= dst {
            (packet.vlan, src, dst)
        } else {
            (packet.vlan, dst, src)
        };
        let pos = match self.index.get(&key) {
            Some(&(_, pos)) => pos,
            None => {
                let n = self.next_index;
                self.next_index += 1;
                let mut pos = None;
                if self.only.is_none_or(|o| o == n) {
                    pos = Some(self.streams.len());
                    let syn = tcp.flags.has(TcpFlags::SYN);
                    let syn_ack = syn && tcp.flags.has(TcpFlags::ACK);
                    // Without a SYN, the side on the lower (service) port is the server.
                    let (client, server) = if syn_ack || (!syn && src.1 < dst.1) {
                        (dst, src)
                    } else {
                        (src, dst)
                    };
                    let new_dir = || DirState {
                        reasm: Reassembler::new(Limits::default()),
                        store: DirectionStream::default(),
                    };
                    self.streams.push(TrackedStream {
                        index: n,
                        vlan: packet.vlan.as_slice().to_vec(),
                        client,
                        server,
                        dirs: [new_dir(), new_dir()],
                    });
                }
                self.index.insert(key, (n, pos));
                pos
            }
        };
        let Some(ts) = pos.and_then(|p| self.streams.get_mut(p)) else {
            return;
        };
        let d = if src == ts.client { 0 } else { 1 };
        let payload = packet.payload(frame.data);
        // Like tshark, a frame shorter on the wire than its IP header claims carries only
        // what the wire length allows (the rest was never sent in this frame).
        let on_wire = packet
            .offsets
            .payload
            .map_or(tcp.len, |p| frame.len.saturating_sub(p));
        let seg = SegmentIn {
            seq: tcp.seq,
            payload,
            claimed_len: tcp.len.min(on_wire),
            frame: frame.number,
            ts: frame.ts.unwrap_or(Timestamp(0)),
            syn: tcp.flags.has(TcpFlags::SYN),
            fin: tcp.flags.has(TcpFlags::FIN),
        };
        let rst = tcp.flags.has(TcpFlags::RST);
        if tcp.len > 0 || seg.syn || seg.fin {
            let DirState { reasm, store } = &mut ts.dirs[d];
            if seg.fin && store.fin_frame.is_none() {
                store.fin_frame = Some(frame.number);
            }
            reasm.push(seg, &mut self.budget, store);
        }
        if tcp.flags.has(TcpFlags::ACK) && !rst {
            let DirState { reasm, store } = &mut ts.dirs[1 - d];
            reasm.ack(tcp.ack, &mut self.budget, store);
        }
    }

    /// End of capture: flushes every direction (open holes become gaps).
    pub fn finish(&mut self) {
        for ts in &mut self.streams {
            for DirState { reasm, store } in &mut ts.dirs {
                reasm.flush(&mut self.budget, store);
                store.closed = reasm.is_closed();
            }
        }
    }
}
