//! Per-connection records: endpoints, counters, negotiated options and the TCP trackers.

use std::net::SocketAddr;

use super::flags::{FlowSeq, WindowScale};
use super::key::{ConnKey, Direction, FlowProto};
use super::limits::{LimitTracker, LimitedBy, Phase};
use super::state::{ClosePattern, Lifecycle, TcpState, Transition};
use super::tags::Flag;
use super::zeek::Zeek;
use crate::capture::Timestamp;
use crate::decode::Vlans;

/// Options each side announced in its SYN.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SynOptions {
    /// MSS option.
    pub mss: Option<u16>,
    /// Window scale shift.
    pub window_scale: Option<u8>,
    /// SACK permitted.
    pub sack_permitted: bool,
    /// Timestamps option present.
    pub timestamps: bool,
}

/// TCP-only part of a connection.
#[derive(Debug, Clone, Default)]
pub struct TcpConn {
    /// Sequence analysis per direction (index: [`Direction::index`]).
    pub(crate) seq: [FlowSeq; 2],
    /// Handshake, teardown and endpoint states.
    pub lifecycle: Lifecycle,
    /// Zeek summary.
    pub zeek: Zeek,
    /// SYN options of (originator, responder).
    pub syn_options: [SynOptions; 2],
    /// Time of the most recent SYN (Wireshark's `ts_mru_syn`), ns; 0 when none.
    pub(crate) mru_syn: i64,
    /// Wireshark's `ts_first_rtt`: most recent SYN → first ACK, ns; 0 when unknown.
    pub(crate) first_rtt: i64,
    /// What held each sender back (from the first data segment on).
    pub(crate) limits: Limits,
}

/// A connection's limit tracking: not started (no data yet), in progress, or settled into
/// its totals by [`Connection::compact`] (a record kept after the analysis, with no
/// packets to come: 96 bytes instead of the tracker's working state).
#[derive(Debug, Clone, Default)]
pub(crate) enum Limits {
    /// No data segment seen yet.
    #[default]
    Off,
    /// The tracker the engine feeds.
    Tracking(Box<LimitTracker>),
    /// Each sender's totals, the open stretch counted (index: [`Direction::index`]).
    Settled(Box<[LimitedBy; 2]>),
}

impl TcpConn {
    /// Window scale in force for `dir` (unknown when the handshake was not seen).
    pub fn window_scale(&self, dir: Direction) -> WindowScale {
        self.seq[dir.index()].win_scale
    }

    /// Negotiated options: MSS per side, window scale used per side (only when both SYNs
    /// carried the option), SACK and timestamps when both sides offered them.
    pub fn negotiated(&self) -> Negotiated {
        let [o, r] = self.syn_options;
        let ws = |d: Direction| match self.seq[d.index()].win_scale {
            WindowScale::Shift(s) => Some(s),
            _ => None,
        };
        Negotiated {
            mss: [o.mss, r.mss],
            window_scale: [ws(Direction::ClientToServer), ws(Direction::ServerToClient)],
            sack_permitted: o.sack_permitted && r.sack_permitted,
            timestamps: o.timestamps && r.timestamps,
        }
    }

    /// Wireshark's initial RTT (`tcp.analysis.initial_rtt`) in ns, when known.
    pub fn initial_rtt_ns(&self) -> Option<i64> {
        (self.first_rtt != 0).then_some(self.first_rtt)
    }

    /// What held the sender of direction `dir` back, from the wire (see
    /// [`super::limits`]): time per cause from its first data segment on.
    pub fn limited_by(&self, dir: Direction) -> LimitedBy {
        match &self.limits {
            Limits::Off => LimitedBy::default(),
            Limits::Tracking(l) => l.limited_by(dir),
            Limits::Settled(totals) => totals[dir.index()],
        }
    }

    /// The phases of both senders, when the engine recorded them
    /// ([`super::Config::record_limit_phases`]); empty otherwise.
    pub fn limit_phases(&self) -> Vec<Phase> {
        match &self.limits {
            Limits::Tracking(l) => l.phases(),
            Limits::Off | Limits::Settled(_) => Vec::new(),
        }
    }

    /// Unacknowledged segments not tracked because a direction hit the cap.
    pub fn segments_not_tracked(&self) -> u64 {
        self.seq[0].segments_dropped + self.seq[1].segments_dropped
    }
}

/// What the handshake settled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Negotiated {
    /// MSS announced by (originator, responder).
    pub mss: [Option<u16>; 2],
    /// Window scale shift applied to (originator's, responder's) windows.
    pub window_scale: [Option<u8>; 2],
    /// Both sides permitted SACK.
    pub sack_permitted: bool,
    /// Both sides sent timestamps.
    pub timestamps: bool,
}

/// One connection (TCP or UDP) as the engine sees it.
#[derive(Debug, Clone)]
pub struct Connection {
    /// 0-based stream number (tshark's `tcp.stream` / `udp.stream`).
    pub stream: u32,
    /// Protocol.
    pub proto: FlowProto,
    /// VLAN ids of its first packet (the other direction may differ: [`Connection::vlans`]).
    pub vlan: Vlans,
    /// The VLAN stack seen in each direction (c2s, s2c), once a packet went that way.
    pub(crate) vlan_seen: [Option<Vlans>; 2],
    /// The key of the connection's other VLAN stack, when its directions differ.
    pub(crate) alias: Option<ConnKey>,
    /// The side that sent the first SYN, else the first packet's sender.
    pub originator: SocketAddr,
    /// The other side.
    pub responder: SocketAddr,
    /// First and last frame numbers.
    pub first_frame: u64,
    /// Last frame seen.
    pub last_frame: u64,
    /// First timestamp seen.
    pub first_ts: Option<Timestamp>,
    /// Last timestamp seen.
    pub last_ts: Option<Timestamp>,
    /// Packets per direction (c2s, s2c).
    pub packets: [u64; 2],
    /// Payload bytes per direction (c2s, s2c).
    pub bytes: [u64; 2],
    /// Count of each analysis flag, indexed like [`Flag::ALL`].
    pub flag_counts: [u64; Flag::ALL.len()],
    /// TCP details (None for UDP).
    pub tcp: Option<Box<TcpConn>>,
}

impl Connection {
    pub(crate) fn new(
        stream: u32,
        proto: FlowProto,
        vlan: Vlans,
        originator: SocketAddr,
        responder: SocketAddr,
        frame: u64,
        ts: Option<Timestamp>,
    ) -> Connection {
        Connection {
            stream,
            proto,
            vlan,
            vlan_seen: [None; 2],
            alias: None,
            originator,
            responder,
            first_frame: frame,
            last_frame: frame,
            first_ts: ts,
            last_ts: ts,
            packets: [0; 2],
            bytes: [0; 2],
            flag_counts: [0; Flag::ALL.len()],
            tcp: (proto == FlowProto::Tcp).then(Box::default),
        }
    }

    /// The VLAN stacks of (c2s, s2c), when packets went that way: they differ on a trunk
    /// where one direction is tagged and the other is not.
    pub fn vlans(&self) -> [Option<Vlans>; 2] {
        self.vlan_seen
    }

    /// Direction of a packet sent from `src`.
    pub fn direction_of(&self, src: SocketAddr) -> Direction {
        if src == self.originator {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        }
    }

    /// Count of one flag.
    pub fn flag_count(&self, flag: Flag) -> u64 {
        self.flag_counts[flag as usize]
    }

    /// Time between first and last packet, in ns.
    pub fn duration_ns(&self) -> i64 {
        match (self.first_ts, self.last_ts) {
            (Some(a), Some(b)) => b.as_nanos().saturating_sub(a.as_nanos()),
            _ => 0,
        }
    }

    /// Handshake RTT (SYN → ACK completing the handshake) in ms, when the handshake was seen.
    pub fn handshake_rtt_ms(&self) -> Option<f64> {
        let ns = self.tcp.as_ref()?.lifecycle.handshake_rtt_ns?;
        Some(ns as f64 / 1e6)
    }

    /// Zeek `conn_state` (UDP: `S0` one-way, `SF` when both sides sent, Zeek's UDP rule).
    pub fn zeek_state(&self) -> &'static str {
        match &self.tcp {
            Some(t) => t.zeek.conn_state(),
            None => {
                if self.packets[1] > 0 {
                    "SF"
                } else {
                    "S0"
                }
            }
        }
    }

    /// Zeek history letters (UDP: `D`/`d` for each side that sent data).
    pub fn history(&self) -> String {
        match &self.tcp {
            Some(t) => t.zeek.history.clone(),
            None => {
                let mut h = String::new();
                if self.packets[0] > 0 {
                    h.push('D');
                }
                if self.packets[1] > 0 {
                    h.push('d');
                }
                h
            }
        }
    }

    /// Close pattern (TCP only).
    pub fn close_pattern(&self) -> Option<ClosePattern> {
        self.tcp.as_ref().map(|t| t.lifecycle.close_pattern())
    }

    /// Current states of (originator, responder) (TCP only).
    pub fn states(&self) -> Option<[TcpState; 2]> {
        self.tcp.as_ref().map(|t| t.lifecycle.states)
    }

    /// State changes with the frames that caused them (TCP only; empty for UDP).
    pub fn transitions(&self) -> &[Transition] {
        match &self.tcp {
            Some(t) => &t.lifecycle.transitions,
            None => &[],
        }
    }

    /// Drops what only the engine needs to go on analysing (the unacknowledged segments, the
    /// limit tracker's working state, its recorded phases and the list of state
    /// transitions), keeping every figure the record's readers show: for copies kept once
    /// the analysis is done with them (the window's store keeps one per connection, and
    /// refreshes them while loading). A compacted record must not be fed to the engine.
    pub fn compact(&mut self) {
        let Some(t) = &mut self.tcp else {
            return;
        };
        for s in &mut t.seq {
            s.segments = Vec::new();
        }
        t.lifecycle.transitions = Vec::new();
        t.zeek.history.shrink_to_fit();
        if let Limits::Tracking(l) = &t.limits {
            let totals =
                [Direction::ClientToServer, Direction::ServerToClient].map(|d| l.limited_by(d));
            t.limits = Limits::Settled(Box::new(totals));
        }
    }

    /// Initial sequence numbers of (originator, responder), when their SYNs were seen.
    pub fn isns(&self) -> [Option<u32>; 2] {
        match &self.tcp {
            Some(t) => t.lifecycle.isn,
            None => [None, None],
        }
    }
}
