//! What held each sender back: for every TCP connection and direction, the time the sender
//! spent limited by the application, the receiver's window, the congestion window, loss
//! recovery or a retransmission timeout, from the wire alone.
//!
//! Time is counted from the direction's first data segment to its FIN (or the end of the
//! capture), leaving out the idle tail after its last data was acknowledged. Between two
//! packets of the connection, the sender is in the state the earlier packet left it in:
//!
//! - **loss_recovery**: from a retransmission answered to duplicate ACKs (a fast
//!   retransmission, or a repair Wireshark calls out-of-order) until the ACK covers
//!   everything sent before it; **retransmission_timeout**: the silence that ended with a
//!   retransmission no duplicate ACK asked for, and the recovery after it (Linux's Loss
//!   state);
//! - **receiver_window**: the peer advertises a zero window, or the bytes in flight leave less
//!   than one segment of the advertised window;
//! - **application**: nothing in flight (everything sent is acknowledged) and the sender then
//!   sends new data: it had nothing to send (when it repeats old data instead, the ACKs it
//!   waited for were lost after the capture point: the silence was its timer's);
//! - **congestion_window**: data in flight below the advertised window, the sender waiting
//!   for ACKs; unless its next new segment comes well after the last ACK (more than
//!   max(1 ms, 1.5 × the initial RTT)), in which case the wait past that point goes to the
//!   application (it did not send when the window allowed).
//!
//! The send buffer cannot be told from the congestion window on the wire; the kernel's
//! `tcp_info` can (`crate::kernel::limits`), and `synack flows` uses it when the capture
//! has a calls trace with `tcp_info` readings.

use super::flags::FlowSeq;
use super::key::Direction;
use super::seq::lt;

/// Phases kept per connection when recording; later ones are merged into the totals only.
pub const MAX_PHASES: usize = 100_000;

/// A cause that held a sender back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cause {
    /// Nothing to send: idle between the application's writes, or an empty send queue.
    Application,
    /// The receiver's advertised window is full or zero.
    ReceiverWindow,
    /// Waiting for ACKs with the congestion window full.
    CongestionWindow,
    /// Fast retransmission and recovery after a loss.
    LossRecovery,
    /// Waiting for the retransmission timer, and recovering after it fired.
    RetransmissionTimeout,
    /// The application's writes wait for room in the socket's send buffer (kernel only).
    SendBuffer,
}

impl Cause {
    /// Every cause, in the order of [`LimitedBy`]'s slots.
    pub const ALL: [Cause; 6] = [
        Cause::Application,
        Cause::ReceiverWindow,
        Cause::CongestionWindow,
        Cause::LossRecovery,
        Cause::RetransmissionTimeout,
        Cause::SendBuffer,
    ];

    /// The name in `synack flows --json` (`congestion_window`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Cause::Application => "application",
            Cause::ReceiverWindow => "receiver_window",
            Cause::CongestionWindow => "congestion_window",
            Cause::LossRecovery => "loss_recovery",
            Cause::RetransmissionTimeout => "retransmission_timeout",
            Cause::SendBuffer => "send_buffer",
        }
    }

    /// A short label for tables and legends.
    pub fn short(self) -> &'static str {
        match self {
            Cause::Application => "app",
            Cause::ReceiverWindow => "rwnd",
            Cause::CongestionWindow => "cwnd",
            Cause::LossRecovery => "recovery",
            Cause::RetransmissionTimeout => "rto",
            Cause::SendBuffer => "sndbuf",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Time per cause for one sender, in ns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LimitedBy {
    ns: [i64; 6],
}

impl LimitedBy {
    /// Adds `ns` of `cause`.
    pub fn add(&mut self, cause: Cause, ns: i64) {
        self.ns[cause.index()] = self.ns[cause.index()].saturating_add(ns.max(0));
    }

    /// Time limited by `cause`, ns.
    pub fn ns(&self, cause: Cause) -> i64 {
        self.ns[cause.index()]
    }

    /// Time limited by `cause`, seconds.
    pub fn seconds(&self, cause: Cause) -> f64 {
        self.ns(cause) as f64 / 1e9
    }

    /// All the time counted, ns.
    pub fn total_ns(&self) -> i64 {
        self.ns.iter().fold(0i64, |a, b| a.saturating_add(*b))
    }

    /// The cause that took the most time (`None` when no time was counted).
    pub fn main(&self) -> Option<Cause> {
        Cause::ALL
            .into_iter()
            .filter(|c| self.ns(*c) > 0)
            .max_by_key(|c| self.ns(*c))
    }
}

/// A stretch of time with one cause, ns since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phase {
    /// Sender direction.
    pub dir: Direction,
    /// Start, ns.
    pub start_ns: i64,
    /// End, ns.
    pub end_ns: i64,
    /// What limited the sender.
    pub cause: Cause,
}

/// What the tracker reads from one packet (after the sequence analysis ran on it).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LimitFacts {
    pub ts: i64,
    pub dir: Direction,
    /// Payload length.
    pub len: u32,
    pub syn: bool,
    pub fin: bool,
    pub rst: bool,
    /// A data segment that repeats bytes already sent (retransmission or out-of-order).
    pub repair: bool,
    /// Wireshark called it a fast retransmission.
    pub fast: bool,
    /// A duplicate ACK.
    pub dup_ack: bool,
    /// A probe, not data (keep-alive, zero-window probe).
    pub probe: bool,
    /// The sender's highest sequence number sent after this packet (Wireshark's `nextseq`).
    pub sent_high: u32,
    /// The acknowledgment number, when the ACK flag is set.
    pub ack: Option<u32>,
    /// The window this packet advertises, bytes (scaled as Wireshark does).
    pub window: u64,
    /// Wireshark's initial RTT, ns (0 when unknown).
    pub first_rtt: i64,
}

/// The state of one sender between two packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Now {
    /// Not counting (no data sent yet, or finished).
    #[default]
    Off,
    /// Nothing in flight: application time if the sender sends again, else the tail.
    Idle,
    /// Waiting with data in flight: congestion window, or the application when the next
    /// segment comes late.
    Waiting,
    /// A settled cause.
    Is(Cause),
}

/// One direction's tracker. The current state lasts from `since`; time is committed to a
/// cause only when the state changes (or a wait is settled by the next segment), so a
/// steady transfer costs a few comparisons per packet.
#[derive(Debug, Clone, Default)]
struct Sender {
    now: Now,
    since: i64,
    /// In a wait: up to here it is already known to be the congestion window's (each
    /// segment sent promptly after an ACK settles the wait before it).
    settled: i64,
    started: bool,
    finished: bool,
    totals: LimitedBy,
    /// The recovery in progress: everything below this sequence number must be
    /// acknowledged, and which cause it is.
    recovery: Option<(u32, Cause)>,
    /// Duplicate ACKs from the peer since its ACK last advanced.
    dup_acks: bool,
    /// The highest sequence number sent.
    sent_high: u32,
    /// The peer's latest ACK, once it sent one.
    last_acked: Option<u32>,
    /// The window the peer advertised last, bytes.
    rwnd: Option<u64>,
    /// When the peer's ACK last advanced.
    last_advance: i64,
    /// Largest payload sent.
    smss: u32,
}

/// Per connection: the two senders.
#[derive(Debug, Clone, Default)]
pub(crate) struct LimitTracker {
    senders: [Sender; 2],
    /// Time of the latest packet.
    last_ts: i64,
    /// Phases, when recording (see [`LimitTracker::record_phases`]).
    phases: Option<Vec<Phase>>,
}

impl LimitTracker {
    /// A tracker starting mid-connection, from what the sequence analysis knows of both
    /// directions: the highest sequence sent, the peer's latest ACK and window.
    pub(crate) fn starting(seq: &[FlowSeq; 2]) -> LimitTracker {
        let mut t = LimitTracker::default();
        for (i, s) in t.senders.iter_mut().enumerate() {
            let (own, peer) = (&seq[i], &seq[1 - i]);
            s.sent_high = own.nextseq;
            // Nothing seen from the peer yet: nothing known of its ACK and window.
            if peer.window != u32::MAX {
                // A pure SYN's zero ACK field is no acknowledgment.
                let in_flight = own.nextseq.wrapping_sub(peer.lastack) as i32;
                s.last_acked = (0..1 << 30).contains(&in_flight).then_some(peer.lastack);
                let shift = if peer.window_from_syn {
                    0
                } else {
                    peer.win_scale.shift()
                };
                s.rwnd = Some(u64::from(peer.window) << shift);
            }
        }
        t
    }

    /// Keeps every phase as well as the totals (for views that draw them).
    pub(crate) fn record_phases(&mut self) {
        self.phases.get_or_insert_with(Vec::new);
    }

    /// Feeds one packet.
    pub(crate) fn on_packet(&mut self, f: &LimitFacts) {
        self.last_ts = self.last_ts.max(f.ts);
        let d = f.dir.index();
        let p = 1 - d;
        // The sender of this packet.
        if f.len > 0 && !f.probe && !f.syn {
            self.on_data(d, f);
        }
        self.senders[d].sent_high = f.sent_high;
        // A FIN ends this direction's sending, a RST both.
        if f.fin || f.rst {
            self.finish(d, f.ts);
            if f.rst {
                self.finish(p, f.ts);
            }
        }
        // This packet as an ACK of the peer's data, and the window it opens.
        let peer = &mut self.senders[p];
        peer.rwnd = Some(f.window);
        if f.dup_ack {
            peer.dup_acks = true;
        }
        if let Some(a) = f.ack {
            if peer.last_acked.is_none_or(|prev| lt(prev, a)) {
                peer.last_acked = Some(a);
                peer.last_advance = f.ts;
                peer.dup_acks = false;
            }
        }
        for i in [d, p] {
            if self.senders[i].now != Now::Off {
                self.settle(i, f.ts);
            }
        }
    }

    /// A new or repaired data segment from sender `d`.
    fn on_data(&mut self, d: usize, f: &LimitFacts) {
        let t = f.ts;
        let s = &mut self.senders[d];
        if s.finished {
            return;
        }
        s.smss = s.smss.max(f.len);
        if !s.started {
            s.started = true;
            s.now = Now::Waiting;
            s.since = t;
            s.settled = t;
            return;
        }
        let kind = if f.fast || s.dup_acks {
            Cause::LossRecovery
        } else {
            Cause::RetransmissionTimeout
        };
        match s.now {
            // The sender sent after a silence with nothing in flight: the application had
            // nothing to send, or, when it repeats bytes no duplicate ACK asked for, its
            // timer was running (the ACKs it waited for were lost after the capture point).
            Now::Idle => {
                let cause = if f.repair && kind == Cause::RetransmissionTimeout {
                    kind
                } else {
                    Cause::Application
                };
                let since = s.since;
                s.now = Now::Waiting;
                s.since = t;
                s.settled = t;
                self.commit(d, since, t, cause);
            }
            Now::Waiting if f.repair => {
                // The wait before a timeout was the timer's; before a fast retransmission,
                // the network's.
                let (since, settled) = (s.since, s.settled);
                s.since = t;
                s.settled = t;
                let cause = if kind == Cause::RetransmissionTimeout {
                    kind
                } else {
                    Cause::CongestionWindow
                };
                self.commit(d, since, settled, Cause::CongestionWindow);
                self.commit(d, settled, t, cause);
            }
            Now::Waiting => {
                // New data: sent as soon as an ACK made room, the wait was the network's;
                // sent well after, the wait past that point was the application's.
                let tol = f.first_rtt.saturating_add(f.first_rtt / 2).max(1_000_000);
                let prompt_until = s.last_advance.saturating_add(tol);
                if prompt_until >= t {
                    s.settled = t;
                } else {
                    let (since, split) = (s.since, prompt_until.max(s.settled));
                    s.since = t;
                    s.settled = t;
                    self.commit(d, since, split, Cause::CongestionWindow);
                    self.commit(d, split, t, Cause::Application);
                }
            }
            Now::Is(_) | Now::Off => {}
        }
        let s = &mut self.senders[d];
        if f.repair && s.recovery.is_none() {
            s.recovery = Some((f.sent_high, kind));
        }
    }

    /// Sender `i`'s state after the packet at `t`; a change commits the state that ended.
    fn settle(&mut self, i: usize, t: i64) {
        let s = &mut self.senders[i];
        let in_flight = s
            .last_acked
            .map(|a| (s.sent_high.wrapping_sub(a) as i32).max(0) as u64);
        if let (Some((point, _)), Some(a)) = (s.recovery, s.last_acked) {
            if !lt(a, point) {
                s.recovery = None;
            }
        }
        let next = if let Some((_, kind)) = s.recovery {
            Now::Is(kind)
        } else if s.rwnd.is_some_and(|w| {
            w == 0 || in_flight.is_some_and(|b| b > 0 && b + u64::from(s.smss.max(1)) > w)
        }) {
            Now::Is(Cause::ReceiverWindow)
        } else if in_flight == Some(0) {
            Now::Idle
        } else {
            Now::Waiting
        };
        if next == s.now {
            return;
        }
        let (old, since) = (s.now, s.since);
        s.now = next;
        s.since = t;
        s.settled = t;
        match old {
            // A wait that ended on an ACK (or a window or loss event) was the network's.
            Now::Waiting => self.commit(i, since, t, Cause::CongestionWindow),
            Now::Is(c) => self.commit(i, since, t, c),
            // An idle stretch counts only when the sender sends again (see on_data); it
            // cannot end otherwise while nothing is in flight.
            Now::Idle | Now::Off => {}
        }
    }

    fn finish(&mut self, i: usize, t: i64) {
        let s = &mut self.senders[i];
        if s.finished {
            return;
        }
        s.finished = true;
        let (old, since) = (s.now, s.since);
        s.now = Now::Off;
        match old {
            Now::Waiting => self.commit(i, since, t, Cause::CongestionWindow),
            Now::Is(c) => self.commit(i, since, t, c),
            // The idle tail is not counted.
            Now::Idle | Now::Off => {}
        }
    }

    fn commit(&mut self, i: usize, start: i64, end: i64, cause: Cause) {
        if end <= start {
            return;
        }
        self.senders[i].totals.add(cause, end.saturating_sub(start));
        if let Some(p) = &mut self.phases {
            let dir = if i == 0 {
                Direction::ClientToServer
            } else {
                Direction::ServerToClient
            };
            let full = p.len() >= MAX_PHASES;
            match p.last_mut() {
                Some(last) if last.dir == dir && last.cause == cause && last.end_ns == start => {
                    last.end_ns = end;
                }
                _ if !full => p.push(Phase {
                    dir,
                    start_ns: start,
                    end_ns: end,
                    cause,
                }),
                _ => {}
            }
        }
    }

    /// The state still open for sender `i` at the last packet `t_last`, as a cause: a wait
    /// counts as the congestion window's, an idle tail not at all.
    fn open_stretch(&self, i: usize, t_last: i64) -> Option<(i64, i64, Cause)> {
        let s = &self.senders[i];
        match s.now {
            Now::Waiting => Some((s.since, t_last, Cause::CongestionWindow)),
            Now::Is(c) => Some((s.since, t_last, c)),
            Now::Idle | Now::Off => None,
        }
    }

    /// Totals of sender `d`, the stretch still open counted up to the last packet seen.
    pub(crate) fn limited_by(&self, d: Direction) -> LimitedBy {
        let mut t = self.senders[d.index()].totals;
        if let Some((a, b, c)) = self.open_stretch(d.index(), self.last_ts) {
            t.add(c, b.saturating_sub(a));
        }
        t
    }

    /// Recorded phases in time order per direction, the open stretch included.
    pub(crate) fn phases(&self) -> Vec<Phase> {
        let Some(recorded) = &self.phases else {
            return Vec::new();
        };
        let mut out = recorded.clone();
        for d in [Direction::ClientToServer, Direction::ServerToClient] {
            if let Some((a, b, cause)) = self.open_stretch(d.index(), self.last_ts) {
                if b > a {
                    out.push(Phase {
                        dir: d,
                        start_ns: a,
                        end_ns: b,
                        cause,
                    });
                }
            }
        }
        out.sort_by_key(|p| (p.dir.index(), p.start_ns));
        out
    }
}
