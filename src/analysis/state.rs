//! Handshake and teardown: per-frame events, each endpoint's RFC 793 state over time, and the
//! connection's close pattern.
//!
//! States are inferred from what the capture shows each side sending and receiving; the
//! capture point sees a packet when it is sent, so the receiver's state changes at the same
//! frame (the best a passive observer can do).

use super::key::Direction;
use super::seq::ge;
use crate::decode::TcpFlags;

/// RFC 793 connection states, as inferred for one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TcpState {
    /// No connection (before anything, or after a reset / final ACK).
    #[default]
    Closed,
    /// Waiting for a SYN (the responder, once the originator's SYN is seen).
    Listen,
    /// SYN sent, waiting for SYN+ACK.
    SynSent,
    /// SYN received and SYN+ACK sent, waiting for the ACK.
    SynReceived,
    /// Data transfer.
    Established,
    /// FIN sent, not yet acknowledged.
    FinWait1,
    /// Own FIN acknowledged, waiting for the peer's FIN.
    FinWait2,
    /// Peer's FIN received, own FIN not sent yet.
    CloseWait,
    /// Both FINs sent, own FIN not yet acknowledged (simultaneous close).
    Closing,
    /// Own FIN sent after the peer's, waiting for its ACK.
    LastAck,
    /// Both FINs acknowledged; waiting 2 MSL.
    TimeWait,
}

impl TcpState {
    /// Every state, in discriminant order (`ALL[s as usize] == s`).
    pub const ALL: [TcpState; 11] = [
        TcpState::Closed,
        TcpState::Listen,
        TcpState::SynSent,
        TcpState::SynReceived,
        TcpState::Established,
        TcpState::FinWait1,
        TcpState::FinWait2,
        TcpState::CloseWait,
        TcpState::Closing,
        TcpState::LastAck,
        TcpState::TimeWait,
    ];

    /// The catalogue key of the state's name for people ([`crate::i18n`]), e.g.
    /// `state-syn-sent`; the English text is [`TcpState::name`].
    pub fn text_key(self) -> &'static str {
        match self {
            TcpState::Closed => "state-closed",
            TcpState::Listen => "state-listen",
            TcpState::SynSent => "state-syn-sent",
            TcpState::SynReceived => "state-syn-received",
            TcpState::Established => "state-established",
            TcpState::FinWait1 => "state-fin-wait-1",
            TcpState::FinWait2 => "state-fin-wait-2",
            TcpState::CloseWait => "state-close-wait",
            TcpState::Closing => "state-closing",
            TcpState::LastAck => "state-last-ack",
            TcpState::TimeWait => "state-time-wait",
        }
    }

    /// Upper-case RFC name: `SYN_SENT`, `ESTABLISHED`, ...
    pub fn name(self) -> &'static str {
        match self {
            TcpState::Closed => "CLOSED",
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynReceived => "SYN_RECEIVED",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN_WAIT_1",
            TcpState::FinWait2 => "FIN_WAIT_2",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::Closing => "CLOSING",
            TcpState::LastAck => "LAST_ACK",
            TcpState::TimeWait => "TIME_WAIT",
        }
    }
}

/// The two ends of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The side that sent the first SYN (else the first packet).
    Originator,
    /// The other side.
    Responder,
}

impl Side {
    /// The side sending in `dir`.
    pub fn sender(dir: Direction) -> Side {
        match dir {
            Direction::ClientToServer => Side::Originator,
            Direction::ServerToClient => Side::Responder,
        }
    }

    /// 0 for the originator, 1 for the responder.
    pub fn index(self) -> usize {
        match self {
            Side::Originator => 0,
            Side::Responder => 1,
        }
    }

    fn from_index(i: usize) -> Side {
        if i == 0 {
            Side::Originator
        } else {
            Side::Responder
        }
    }

    /// `originator` or `responder`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Originator => "originator",
            Side::Responder => "responder",
        }
    }
}

/// A handshake or teardown event seen on one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// First SYN of the connection.
    Syn,
    /// SYN+ACK answering it.
    SynAck,
    /// The ACK completing the three-way handshake; RTT from the last SYN, in ns.
    HandshakeAck {
        /// SYN → this ACK, nanoseconds (tshark's `tcp.analysis.initial_rtt`).
        rtt_ns: i64,
    },
    /// A SYN or SYN+ACK sent again with the same ISN.
    SynRetransmit,
    /// Both sides sent a SYN without ACK.
    SimultaneousOpen,
    /// A FIN.
    Fin {
        /// Who sent it.
        side: Side,
        /// False for the first FIN of the connection, true for the second.
        second: bool,
    },
    /// The ACK that acknowledges a FIN.
    FinAck {
        /// Whose FIN it acknowledges.
        of: Side,
    },
    /// Both FINs are acknowledged: the connection is closed.
    CloseComplete,
    /// A RST (other than a rejection).
    Rst {
        /// Who sent it.
        side: Side,
    },
    /// A RST answering a SYN: the connection was refused.
    Reject,
}

impl Event {
    /// Short name for JSON: `syn`, `syn_ack`, `handshake_ack`, `fin`, ...
    pub fn name(&self) -> &'static str {
        match self {
            Event::Syn => "syn",
            Event::SynAck => "syn_ack",
            Event::HandshakeAck { .. } => "handshake_ack",
            Event::SynRetransmit => "syn_retransmit",
            Event::SimultaneousOpen => "simultaneous_open",
            Event::Fin { .. } => "fin",
            Event::FinAck { .. } => "fin_ack",
            Event::CloseComplete => "close_complete",
            Event::Rst { .. } => "rst",
            Event::Reject => "reject",
        }
    }

    /// Text form with details, e.g. `fin (originator, first)`, `handshake_ack (rtt 1.2 ms)`.
    pub fn describe(&self) -> String {
        match self {
            Event::HandshakeAck { rtt_ns } => {
                format!("handshake_ack (rtt {:.3} ms)", *rtt_ns as f64 / 1e6)
            }
            Event::Fin { side, second } => format!(
                "fin ({}, {})",
                side.name(),
                if *second { "second" } else { "first" }
            ),
            Event::FinAck { of } => format!("fin_ack (of {}'s FIN)", of.name()),
            Event::Rst { side } => format!("rst ({})", side.name()),
            e => e.name().to_string(),
        }
    }
}

/// Capacity of an [`Events`] list.
pub const MAX_EVENTS: usize = 6;

/// The events of one frame (fixed capacity, no allocation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Events {
    items: [Event; MAX_EVENTS],
    len: u8,
}

impl Default for Events {
    fn default() -> Self {
        Events {
            items: [Event::Syn; MAX_EVENTS],
            len: 0,
        }
    }
}

impl Events {
    pub(crate) fn push(&mut self, e: Event) {
        if (self.len as usize) < MAX_EVENTS {
            self.items[self.len as usize] = e;
            self.len += 1;
        }
    }

    /// The events in order.
    pub fn as_slice(&self) -> &[Event] {
        &self.items[..self.len as usize]
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// How a connection ended (or did not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosePattern {
    /// FIN, ACK, FIN, ACK.
    FourWay,
    /// FIN, FIN+ACK, ACK (the second FIN acknowledges the first).
    ThreeWay,
    /// Both sides sent FIN before seeing the other's.
    SimultaneousClose,
    /// Data kept flowing after one side's FIN.
    HalfClose,
    /// Aborted by a RST.
    Reset {
        /// Who sent the first RST.
        by: Side,
    },
    /// The SYN was answered by a RST.
    Rejected,
    /// Never closed within the capture.
    Open,
    /// The handshake was not seen (capture started mid-connection or the attempt got no
    /// answer).
    Incomplete,
}

impl ClosePattern {
    /// The catalogue key of the pattern's name for people ([`crate::i18n`]), e.g.
    /// `close-four-way` (四次挥手); the JSON name is [`ClosePattern::name`].
    pub fn text_key(self) -> &'static str {
        match self {
            ClosePattern::FourWay => "close-four-way",
            ClosePattern::ThreeWay => "close-three-way",
            ClosePattern::SimultaneousClose => "close-simultaneous",
            ClosePattern::HalfClose => "close-half-close",
            ClosePattern::Reset { .. } => "close-reset",
            ClosePattern::Rejected => "close-rejected",
            ClosePattern::Open => "close-open",
            ClosePattern::Incomplete => "close-incomplete",
        }
    }

    /// `four_way`, `three_way`, `simultaneous_close`, `half_close`, `reset`, `rejected`,
    /// `open` or `incomplete`.
    pub fn name(self) -> &'static str {
        match self {
            ClosePattern::FourWay => "four_way",
            ClosePattern::ThreeWay => "three_way",
            ClosePattern::SimultaneousClose => "simultaneous_close",
            ClosePattern::HalfClose => "half_close",
            ClosePattern::Reset { .. } => "reset",
            ClosePattern::Rejected => "rejected",
            ClosePattern::Open => "open",
            ClosePattern::Incomplete => "incomplete",
        }
    }
}

/// One state change of one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// Frame that caused it.
    pub frame: u64,
    /// Whose state changed.
    pub side: Side,
    /// Previous state.
    pub from: TcpState,
    /// New state.
    pub to: TcpState,
}

/// Cap on recorded transitions per connection (a hostile peer can cycle states forever).
pub const MAX_TRANSITIONS: usize = 64;

#[derive(Debug, Clone, Copy, Default)]
struct FinSeen {
    /// Sequence number of the FIN itself (seq + payload length), raw.
    seq: u32,
    frame: u64,
    acked_frame: Option<u64>,
}

/// Handshake and teardown tracker of one TCP connection.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    /// ISN of each side (originator, responder) when its SYN was seen.
    pub isn: [Option<u32>; 2],
    /// Time of each side's most recent SYN (ns).
    syn_time: [i64; 2],
    /// Frame of the first SYN+ACK, and who sent it.
    synack: Option<(u64, Side)>,
    /// The other side's SYN+ACK of a simultaneous open was seen.
    synack_second: bool,
    /// Frame of the ACK completing the handshake.
    pub handshake_frame: Option<u64>,
    /// Handshake RTT (SYN → completing ACK) in ns.
    pub handshake_rtt_ns: Option<i64>,
    fin: [Option<FinSeen>; 2],
    first_fin: Option<Side>,
    rst: Option<(Side, u64)>,
    rejected: bool,
    data_after_fin: bool,
    close_complete: bool,
    simultaneous_open: bool,
    /// Current state of (originator, responder).
    pub states: [TcpState; 2],
    /// Recorded state changes (at most [`MAX_TRANSITIONS`]).
    pub transitions: Vec<Transition>,
    /// Transitions not recorded because of the cap.
    pub transitions_dropped: u32,
    started: bool,
}

/// What the lifecycle needs from one packet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PacketFacts {
    pub frame: u64,
    pub ts: i64,
    pub side: Side,
    pub flags: TcpFlags,
    pub seq: u32,
    pub ack: u32,
    pub len: u32,
}

impl Lifecycle {
    fn set(&mut self, frame: u64, side: Side, to: TcpState) {
        let from = self.states[side.index()];
        if from == to {
            return;
        }
        self.states[side.index()] = to;
        if self.transitions.len() < MAX_TRANSITIONS {
            self.transitions.push(Transition {
                frame,
                side,
                from,
                to,
            });
        } else {
            self.transitions_dropped += 1;
        }
    }

    fn state(&self, side: Side) -> TcpState {
        self.states[side.index()]
    }

    /// Updates the tracker with one packet and returns its events.
    pub(crate) fn on_packet(&mut self, p: &PacketFacts) -> Events {
        let mut ev = Events::default();
        let s = p.side;
        let o = Side::from_index(1 - s.index());
        let syn = p.flags.has(TcpFlags::SYN);
        let ack = p.flags.has(TcpFlags::ACK);
        let fin = p.flags.has(TcpFlags::FIN);
        let rst = p.flags.has(TcpFlags::RST);
        let frame = p.frame;

        if !self.started {
            self.started = true;
            if !syn && !rst {
                // Capture started mid-connection.
                self.set(frame, Side::Originator, TcpState::Established);
                self.set(frame, Side::Responder, TcpState::Established);
            }
        }

        if syn && !ack {
            match self.isn[s.index()] {
                None => {
                    self.isn[s.index()] = Some(p.seq);
                    if self.isn[o.index()].is_some() && self.synack.is_none() {
                        self.simultaneous_open = true;
                        ev.push(Event::SimultaneousOpen);
                        self.set(frame, s, TcpState::SynReceived);
                        self.set(frame, o, TcpState::SynReceived);
                    } else {
                        ev.push(Event::Syn);
                        self.set(frame, s, TcpState::SynSent);
                        if self.state(o) == TcpState::Closed {
                            self.set(frame, o, TcpState::Listen);
                        }
                    }
                }
                Some(_) => ev.push(Event::SynRetransmit),
            }
            self.syn_time[s.index()] = p.ts;
        } else if syn && ack {
            if self.isn[s.index()].is_none() {
                self.isn[s.index()] = Some(p.seq);
            }
            if self.synack.is_none() {
                self.synack = Some((frame, s));
                ev.push(Event::SynAck);
                if !self.simultaneous_open {
                    self.set(frame, s, TcpState::SynReceived);
                }
                if matches!(self.state(o), TcpState::SynSent | TcpState::SynReceived) {
                    self.set(frame, o, TcpState::Established);
                }
            } else if self.simultaneous_open
                && self.synack.is_some_and(|(_, side)| side == o)
                && !self.synack_second
            {
                // Simultaneous open (RFC 9293 figure 7): the second SYN+ACK completes the
                // handshake without a separate ACK.
                self.synack_second = true;
                ev.push(Event::SynAck);
                self.set(frame, o, TcpState::Established);
                if self.handshake_frame.is_none() {
                    self.handshake_frame = Some(frame);
                    let first = self.syn_time[0].min(self.syn_time[1]);
                    let rtt = p.ts.saturating_sub(first);
                    self.handshake_rtt_ns = Some(rtt);
                    ev.push(Event::HandshakeAck { rtt_ns: rtt });
                }
            } else {
                ev.push(Event::SynRetransmit);
            }
        }

        if ack && !syn && !rst {
            // The ACK completing the handshake: from the SYN sender, acknowledging the
            // peer's SYN+ACK.
            if self.handshake_frame.is_none() {
                if let (Some((_, synack_side)), Some(peer_isn)) = (self.synack, self.isn[o.index()])
                {
                    if synack_side == o && p.ack == peer_isn.wrapping_add(1) {
                        self.handshake_frame = Some(frame);
                        let t0 = self.syn_time[s.index()];
                        let rtt = if self.isn[s.index()].is_some() {
                            p.ts.saturating_sub(t0)
                        } else {
                            0
                        };
                        self.handshake_rtt_ns = Some(rtt);
                        ev.push(Event::HandshakeAck { rtt_ns: rtt });
                        self.set(frame, o, TcpState::Established);
                        if self.state(s) != TcpState::Established {
                            self.set(frame, s, TcpState::Established);
                        }
                    }
                }
            }
        }

        if ack && !rst {
            if let Some(f) = self.fin[o.index()] {
                if f.acked_frame.is_none() && ge(p.ack, f.seq.wrapping_add(1)) {
                    self.fin[o.index()] = Some(FinSeen {
                        acked_frame: Some(frame),
                        ..f
                    });
                    ev.push(Event::FinAck { of: o });
                    match self.state(o) {
                        TcpState::FinWait1 => self.set(frame, o, TcpState::FinWait2),
                        TcpState::Closing => self.set(frame, o, TcpState::TimeWait),
                        TcpState::LastAck => self.set(frame, o, TcpState::Closed),
                        _ => {}
                    }
                }
            }
        }

        if p.len > 0 && self.fin[o.index()].is_some() && self.fin[s.index()].is_none() {
            self.data_after_fin = true;
        }

        if fin && !rst && self.fin[s.index()].is_none() {
            let second = self.fin[o.index()].is_some();
            self.fin[s.index()] = Some(FinSeen {
                seq: p.seq.wrapping_add(p.len),
                frame,
                acked_frame: None,
            });
            if self.first_fin.is_none() {
                self.first_fin = Some(s);
            }
            ev.push(Event::Fin { side: s, second });
            // A FIN that does not acknowledge the peer's FIN was sent before receiving it:
            // both sides closed at once (simultaneous close).
            let crossed =
                self.fin[o.index()].is_some_and(|f| !(ack && ge(p.ack, f.seq.wrapping_add(1))));
            match self.state(s) {
                TcpState::CloseWait if crossed => self.set(frame, s, TcpState::Closing),
                TcpState::CloseWait => self.set(frame, s, TcpState::LastAck),
                _ => self.set(frame, s, TcpState::FinWait1),
            }
            match self.state(o) {
                TcpState::FinWait1 => self.set(frame, o, TcpState::Closing),
                TcpState::FinWait2 => self.set(frame, o, TcpState::TimeWait),
                TcpState::TimeWait | TcpState::Closing | TcpState::LastAck => {}
                _ => self.set(frame, o, TcpState::CloseWait),
            }
        }

        if !self.close_complete {
            if let (Some(a), Some(b)) = (self.fin[0], self.fin[1]) {
                if a.acked_frame.is_some() && b.acked_frame.is_some() {
                    self.close_complete = true;
                    ev.push(Event::CloseComplete);
                }
            }
        }

        if rst {
            let answering_syn = self.handshake_frame.is_none()
                && self.isn[o.index()].is_some()
                && self.synack.is_none();
            if answering_syn && self.rst.is_none() {
                self.rejected = true;
                ev.push(Event::Reject);
            } else {
                ev.push(Event::Rst { side: s });
            }
            if self.rst.is_none() {
                self.rst = Some((s, frame));
            }
            self.set(frame, s, TcpState::Closed);
            self.set(frame, o, TcpState::Closed);
        }
        ev
    }

    /// True once the three-way handshake completed.
    pub fn handshake_complete(&self) -> bool {
        self.handshake_frame.is_some()
    }

    /// How the connection ended, judged from everything seen so far.
    pub fn close_pattern(&self) -> ClosePattern {
        if self.rejected {
            return ClosePattern::Rejected;
        }
        let both_closed = self.close_complete;
        if let Some((by, _)) = self.rst {
            if !both_closed {
                return ClosePattern::Reset { by };
            }
        }
        if !self.handshake_complete() {
            return ClosePattern::Incomplete;
        }
        match (self.fin[0], self.fin[1], self.first_fin) {
            (Some(a), Some(b), Some(first)) => {
                if self.data_after_fin {
                    return ClosePattern::HalfClose;
                }
                let (f1, f2) = if first == Side::Originator {
                    (a, b)
                } else {
                    (b, a)
                };
                match f1.acked_frame {
                    Some(af) if af < f2.frame => ClosePattern::FourWay,
                    Some(af) if af == f2.frame => ClosePattern::ThreeWay,
                    _ => ClosePattern::SimultaneousClose,
                }
            }
            (Some(_), None, _) | (None, Some(_), _) => {
                if self.data_after_fin {
                    ClosePattern::HalfClose
                } else {
                    ClosePattern::Open
                }
            }
            _ => ClosePattern::Open,
        }
    }
}
