//! The ladder's content, free of any drawing: one row per captured packet (who sent it, when
//! it left and reached the other side or that it never did), the segments never captured
//! (ghosts), each side's state changes, the handshake and teardown brackets, runs of
//! similar segments that a summary may stand for, idle gaps, and notes that other tools
//! attach to one side's time line.

use crate::analysis::{ClosePattern, Event, Flag, FlagSet, FlowProto, TcpState};
use crate::decode::TcpFlags;

use super::input::{ConnInfo, Seen};
use super::timing::{self, Delays, Fact};
use super::words;

/// Fewest equal data segments in a row that a summary stands for.
pub const MIN_RUN: usize = 6;
/// An idle gap is drawn as a break when it is at least this long (ns) ...
const BREAK_MIN_NS: i64 = 1_000_000;
/// ... and this many times the median gap between packets ...
const BREAK_MEDIANS: i64 = 10;
/// ... and this many round trips.
const BREAK_RTTS: i64 = 4;
/// How far a ghost looks ahead for the retransmission that fills it (its sender's packets).
const GHOST_LOOKAHEAD: usize = 4096;

/// The two ends of the ladder. The client is the side that sent the first SYN (the engine's
/// originator), so the diagram reads like the textbook's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum End {
    /// Left line: the originator.
    Client,
    /// Right line: the responder.
    Server,
}

impl End {
    /// Index into `[client, server]` arrays (states).
    pub fn index(self) -> usize {
        match self {
            End::Client => 0,
            End::Server => 1,
        }
    }

    /// `client` / `server` (JSON).
    pub fn name(self) -> &'static str {
        match self {
            End::Client => "client",
            End::Server => "server",
        }
    }

    /// The other end.
    pub fn other(self) -> End {
        match self {
            End::Client => End::Server,
            End::Server => End::Client,
        }
    }
}

/// What colour an arrow gets: the most important thing about the segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArrowKind {
    /// Data or a plain ACK (or a UDP datagram).
    Normal,
    /// SYN or FIN (the connection's control segments).
    Control,
    /// RST.
    Reset,
    /// A retransmission (plain, fast or spurious).
    Retransmission,
    /// A duplicate ACK.
    DupAck,
    /// The segment before this one was not captured.
    Lost,
    /// The sender advertises a zero window (or probes one).
    ZeroWindow,
    /// Another analysis problem (out of order, ACKed unseen segment, window full, ...).
    Problem,
}

impl ArrowKind {
    /// Every kind, in legend order.
    pub const ALL: [ArrowKind; 8] = [
        ArrowKind::Normal,
        ArrowKind::Control,
        ArrowKind::Reset,
        ArrowKind::Retransmission,
        ArrowKind::DupAck,
        ArrowKind::Lost,
        ArrowKind::ZeroWindow,
        ArrowKind::Problem,
    ];

    /// The class of a segment from its TCP flags and analysis flags (first match wins, so
    /// a retransmitted FIN shows as a retransmission).
    pub fn classify(tcp_flags: TcpFlags, has: impl Fn(Flag) -> bool) -> ArrowKind {
        if has(Flag::Retransmission)
            || has(Flag::FastRetransmission)
            || has(Flag::SpuriousRetransmission)
        {
            ArrowKind::Retransmission
        } else if has(Flag::LostSegment) {
            ArrowKind::Lost
        } else if has(Flag::DuplicateAck) {
            ArrowKind::DupAck
        } else if has(Flag::ZeroWindow) || has(Flag::ZeroWindowProbe) {
            ArrowKind::ZeroWindow
        } else if has(Flag::OutOfOrder) || has(Flag::AckLostSegment) || has(Flag::WindowFull) {
            ArrowKind::Problem
        } else if tcp_flags.has(TcpFlags::RST) {
            ArrowKind::Reset
        } else if tcp_flags.has(TcpFlags::SYN) || tcp_flags.has(TcpFlags::FIN) {
            ArrowKind::Control
        } else {
            ArrowKind::Normal
        }
    }
}

/// What became of a captured segment after the capture point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fate {
    /// It reached the receiver.
    Delivered,
    /// It never reached the receiver: the sender had to send its bytes again.
    LostAfterCapture,
}

/// One captured packet.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The caller's handle (store index): what selecting the arrow selects.
    pub index: usize,
    /// Frame number.
    pub number: u64,
    /// Capture time, ns after the connection's first packet.
    pub t_ns: i64,
    /// Sender.
    pub from: End,
    /// When it left the sender (ns, same origin).
    pub depart_ns: i64,
    /// When it reached the receiver; `None` when it never did.
    pub arrive_ns: Option<i64>,
    /// When it would have reached the receiver (where a lost arrow is drawn towards).
    pub reach_ns: i64,
    /// Delivered or lost after the capture point.
    pub fate: Fate,
    /// The earlier row whose bytes this one sends again.
    pub resends: Option<usize>,
    /// The arrow's label: flags, relative seq/ack, length (or the UDP length).
    pub label: String,
    /// Analysis markers and what became of it, shown under the label.
    pub notes: Vec<String>,
    /// Colour class.
    pub kind: ArrowKind,
    /// Payload length.
    pub len: u32,
    /// TCP flags (none for UDP).
    pub flags: TcpFlags,
    /// Relative seq, ack and next seq (TCP).
    pub seq: u32,
    /// See `seq`.
    pub ack: u32,
    /// See `seq`.
    pub next_seq: u32,
    /// States of (client, server) after this packet (TCP).
    pub states: [TcpState; 2],
    /// The analysis flags of the packet.
    pub analysis: FlagSet,
}

impl Row {
    /// Capture time in seconds after the connection's first packet.
    pub fn t(&self) -> f64 {
        secs(self.t_ns)
    }
}

/// Seconds of a nanosecond count.
pub fn secs(ns: i64) -> f64 {
    ns as f64 / 1e9
}

/// Bytes the capture never saw, which the next captured segment of the sender reveals
/// ("previous segment not captured").
#[derive(Debug, Clone, PartialEq)]
pub struct Ghost {
    /// The row flagged `previous segment not captured`.
    pub before: usize,
    /// Sender.
    pub from: End,
    /// First missing sequence number.
    pub seq: u32,
    /// Sequence number after the missing bytes.
    pub end: u32,
    /// When it would have passed the capture point (ns): between the sender's two
    /// captured neighbours.
    pub t_ns: i64,
    /// When it left the sender.
    pub depart_ns: i64,
    /// When it reached the receiver, when it did (acknowledged without being sent again).
    pub arrive_ns: Option<i64>,
    /// Its label.
    pub label: String,
}

/// A place where one side's state changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateMark {
    /// Row whose segment caused it.
    pub row: usize,
    /// Whose state.
    pub end: End,
    /// The new state.
    pub state: TcpState,
    /// True when the change is where the segment leaves this side (it sent it); false when
    /// the segment arrives there.
    pub at_departure: bool,
}

/// A named group of rows (the handshake, the teardown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bracket {
    /// Name written beside it.
    pub name: String,
    /// First row.
    pub first: usize,
    /// Last row (inclusive).
    pub last: usize,
}

/// Consecutive rows that one summary can stand for: equal data segments from one sender
/// and the other side's pure ACKs between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// First row (a data segment).
    pub first: usize,
    /// Last row (inclusive).
    pub last: usize,
    /// Sender of the data.
    pub from: End,
    /// Data segments.
    pub data: usize,
    /// Their length.
    pub len: u32,
    /// First relative seq and the seq after the last byte.
    pub seq: (u32, u32),
    /// The ACKs among the rows.
    pub acks: usize,
    /// First and last ack number of those.
    pub ack: (u32, u32),
}

impl Run {
    /// The summary of the data.
    pub fn data_label(&self) -> String {
        words::run_data_label(self.data, self.len, self.seq.0, self.seq.1)
    }

    /// The summary of the ACKs (when there are any).
    pub fn ack_label(&self) -> Option<String> {
        (self.acks > 0).then(|| words::run_ack_label(self.acks, self.ack.0, self.ack.1))
    }

    /// True when row `i` belongs to the run.
    pub fn contains(&self, i: usize) -> bool {
        (self.first..=self.last).contains(&i)
    }
}

/// A long idle gap between two rows, drawn as a break with its duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    /// The gap is between this row and the next.
    pub after: usize,
    /// Its length (ns).
    pub ns: i64,
    /// A retransmission ends it: the retransmission timer ran out.
    pub timeout: bool,
}

impl Break {
    /// Its text.
    pub fn label(&self) -> String {
        words::break_label(secs(self.ns), self.timeout)
    }
}

/// A note another tool attaches to one side's time line at a moment, e.g. the program
/// call that made the segments (`send(14) → frames 4-5`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideNote {
    /// Whose line.
    pub end: End,
    /// When (ns after the connection's first packet, on the diagram's time axis).
    pub t_ns: i64,
    /// The words.
    pub text: String,
}

/// Everything the ladder shows for one connection.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderModel {
    /// The connection.
    pub info: ConnInfo,
    /// Segments (datagrams) in capture order.
    pub rows: Vec<Row>,
    /// Segments never captured.
    pub ghosts: Vec<Ghost>,
    /// Each side's state before the first row (client, server).
    pub initial: [TcpState; 2],
    /// State changes, in row order.
    pub marks: Vec<StateMark>,
    /// Handshake and teardown.
    pub brackets: Vec<Bracket>,
    /// Runs a summary may stand for.
    pub runs: Vec<Run>,
    /// Idle gaps.
    pub breaks: Vec<Break>,
    /// Notes on the time lines.
    pub side_notes: Vec<SideNote>,
    /// The one-way delays.
    pub delays: Delays,
    /// Capture time of the first row (absolute, ns).
    pub start_ns: i64,
    /// True when rows after the replay cursor were left out.
    pub cut: bool,
    /// What the engine said about each row (for the brackets of a shorter prefix).
    pub events: Vec<RowEvents>,
    /// Name of the connection's close, used once the teardown is complete.
    pub close_name: String,
}

/// The state changes along the rows, given each side's state before the first row.
///
/// The rows' states are the engine's, which sees each segment at the capture point. A side
/// whose change came with a segment lost after the capture point never received it (a FIN
/// that dropped on its way): its line keeps its state until a segment of the peer arrives
/// there (the retransmission) or it changes by a segment it sends itself.
pub fn state_marks(initial: [TcpState; 2], rows: &[Row]) -> Vec<StateMark> {
    let mut engine = initial;
    let mut shown = initial;
    let mut waiting = [false; 2];
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        for end in [End::Client, End::Server] {
            let k = end.index();
            let s = r.states[k];
            let sent = r.from == end;
            let changed = s != engine[k];
            if !sent && r.fate == Fate::LostAfterCapture {
                waiting[k] |= changed;
            } else if waiting[k] && (!sent || changed) {
                waiting[k] = false;
            }
            if !waiting[k] && s != shown[k] {
                out.push(StateMark {
                    row: i,
                    end,
                    state: s,
                    at_departure: sent,
                });
                shown[k] = s;
            }
        }
        engine = r.states;
    }
    out
}

/// What the engine said about each row, as far as brackets need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RowEvents {
    /// SYN, SYN-ACK or the handshake's ACK.
    pub handshake: bool,
    /// The handshake's last step (its ACK).
    pub handshake_done: bool,
    /// A FIN, the ACK of a FIN, or the close.
    pub teardown: bool,
    /// A reset.
    pub reset: bool,
    /// A refusal (RST answering a SYN).
    pub reject: bool,
    /// Both FINs acknowledged: the teardown is complete.
    pub closed: bool,
}

impl RowEvents {
    /// The bracket-relevant events of one annotation.
    pub fn of(events: &[Event]) -> RowEvents {
        let mut e = RowEvents::default();
        for ev in events {
            match ev {
                Event::Syn | Event::SynAck | Event::SynRetransmit | Event::SimultaneousOpen => {
                    e.handshake = true;
                }
                Event::HandshakeAck { .. } => {
                    e.handshake = true;
                    e.handshake_done = true;
                }
                Event::Fin { .. } | Event::FinAck { .. } => e.teardown = true,
                Event::CloseComplete => {
                    e.teardown = true;
                    e.closed = true;
                }
                Event::Rst { .. } => e.reset = true,
                Event::Reject => e.reject = true,
            }
        }
        e
    }

    fn any(&self) -> bool {
        *self != RowEvents::default()
    }
}

/// The handshake and teardown brackets from the rows' events. `close_name` names the
/// teardown (e.g. the connection's close pattern).
pub fn brackets(events: &[RowEvents], close_name: &str) -> Vec<Bracket> {
    let mut out = Vec::new();
    let hs: Vec<usize> = (0..events.len()).filter(|&i| events[i].handshake).collect();
    if let (Some(&first), Some(&last)) = (hs.first(), hs.last()) {
        let complete = events.iter().any(|e| e.handshake_done);
        let refused = events.iter().position(|e| e.reject);
        let (name, last) = match refused {
            Some(r) => (crate::i18n::text("ladder-refused"), r.max(last)),
            None if complete => (crate::i18n::text("ladder-handshake"), last),
            None => (crate::i18n::text("ladder-handshake-incomplete"), last),
        };
        out.push(Bracket { name, first, last });
    }
    let td: Vec<usize> = (0..events.len()).filter(|&i| events[i].teardown).collect();
    if let (Some(&first), Some(&last)) = (td.first(), td.last()) {
        out.push(Bracket {
            name: crate::i18n::text_in(
                crate::i18n::lang(),
                "ladder-teardown",
                &[("close", close_name.to_owned().into())],
            ),
            first,
            last,
        });
    } else if let Some(r) = events.iter().position(|e| e.reset) {
        out.push(Bracket {
            name: crate::i18n::text("ladder-reset"),
            first: r,
            last: r,
        });
    }
    out
}

/// Plain words for the engine's close patterns.
pub fn close_words(close: Option<ClosePattern>) -> String {
    match close {
        Some(ClosePattern::FourWay) => crate::i18n::text("ladder-close-four-way"),
        Some(ClosePattern::ThreeWay) => crate::i18n::text("ladder-close-three-way"),
        Some(p) => crate::i18n::text(p.text_key()),
        None => crate::i18n::text("ladder-close-fin"),
    }
}

/// Unwraps 32-bit sequence numbers into a 64-bit line, given the previous unwrapped value.
fn unwrap(prev: i64, v: u32) -> i64 {
    prev + i64::from(v.wrapping_sub(prev as u32) as i32)
}

/// The timing facts of the rows (unwrapped sequence space per direction).
fn facts(seen: &[Seen], t_ns: &[i64]) -> Vec<Fact> {
    let mut seq_ref = [0i64; 2];
    let mut ack_ref = [0i64; 2];
    seen.iter()
        .zip(t_ns)
        .map(|(s, &t)| {
            let me = s.from.index();
            let Some(tcp) = s.tcp else {
                return Fact {
                    t,
                    from_server: me == 1,
                    udp: true,
                    ..Fact::default()
                };
            };
            let seq = unwrap(seq_ref[me], tcp.seq);
            seq_ref[me] = seq;
            let next = seq + i64::from(tcp.next_seq.wrapping_sub(tcp.seq));
            let ack = tcp.flags.has(TcpFlags::ACK).then(|| {
                let a = unwrap(ack_ref[me], tcp.ack);
                ack_ref[me] = a;
                a
            });
            let has = |f| tcp.tags.has(f);
            Fact {
                t,
                from_server: me == 1,
                seq,
                next,
                ack,
                retransmission: has(Flag::Retransmission) || has(Flag::FastRetransmission),
                spurious: has(Flag::SpuriousRetransmission),
                dup_ack: has(Flag::DuplicateAck),
                probe: has(Flag::KeepAlive) || has(Flag::ZeroWindowProbe),
                probe_ack: has(Flag::KeepAliveAck) || has(Flag::ZeroWindowProbeAck),
                udp: false,
            }
        })
        .collect()
}

/// The analysis markers of a segment (`[TCP Dup ACK 12#2]`, ...).
fn markers(tags: &crate::analysis::Tags) -> Vec<String> {
    // "Fast retransmission" already says "retransmission".
    let specific = tags.has(Flag::FastRetransmission) || tags.has(Flag::SpuriousRetransmission);
    tags.as_slice()
        .iter()
        .filter(|tag| !(specific && tag.flag == Flag::Retransmission))
        .map(|tag| tag.flag.marker(tag.info.frame, tag.info.num))
        .collect()
}

/// A row is plain when a summary may stand for it: no flags, notes, events, state change.
fn plain(model_rows: &[Row], events: &[RowEvents], i: usize) -> bool {
    let r = &model_rows[i];
    let changed = i
        .checked_sub(1)
        .is_some_and(|p| model_rows[p].states != r.states);
    r.kind == ArrowKind::Normal
        && r.notes.is_empty()
        && r.fate == Fate::Delivered
        && r.resends.is_none()
        && !events[i].any()
        && !changed
}

/// Runs of at least [`MIN_RUN`] equal data segments from one sender with only the other
/// side's pure ACKs between them, not crossing a break.
pub fn find_runs(rows: &[Row], events: &[RowEvents], breaks: &[Break]) -> Vec<Run> {
    let broken: std::collections::HashSet<usize> = breaks.iter().map(|b| b.after).collect();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let r = &rows[i];
        if r.len == 0 || !plain(rows, events, i) {
            i += 1;
            continue;
        }
        let (from, len) = (r.from, r.len);
        let mut run = Run {
            first: i,
            last: i,
            from,
            data: 1,
            len,
            seq: (r.seq, r.next_seq),
            acks: 0,
            ack: (0, 0),
        };
        let mut j = i + 1;
        while j < rows.len() && !broken.contains(&(j - 1)) && plain(rows, events, j) {
            let s = &rows[j];
            if s.from == from && s.len == len {
                run.data += 1;
                run.seq.1 = s.next_seq;
            } else if s.from != from && s.len == 0 && s.flags.has(TcpFlags::ACK) {
                if run.acks == 0 {
                    run.ack.0 = s.ack;
                }
                run.acks += 1;
                run.ack.1 = s.ack;
            } else {
                break;
            }
            run.last = j;
            j += 1;
        }
        if run.data >= MIN_RUN {
            runs.push(run);
            i = j;
        } else {
            i += 1;
        }
    }
    runs
}

/// Gaps between consecutive rows long enough to be drawn as breaks: longer than
/// `BREAK_MIN_NS`, `BREAK_MEDIANS` median gaps and `BREAK_RTTS` round trips.
pub fn find_breaks(rows: &[Row], delays: &Delays) -> Vec<Break> {
    let gaps: Vec<i64> = rows.windows(2).map(|w| w[1].t_ns - w[0].t_ns).collect();
    let mut positive: Vec<i64> = gaps.iter().copied().filter(|&g| g > 0).collect();
    positive.sort_unstable();
    let median = positive.get(positive.len() / 2).copied().unwrap_or(0);
    let rtt = 2 * (delays.client_ns + delays.server_ns);
    let threshold = BREAK_MIN_NS
        .max(median.saturating_mul(BREAK_MEDIANS))
        .max(rtt.saturating_mul(BREAK_RTTS));
    gaps.iter()
        .enumerate()
        .filter(|(_, &g)| g >= threshold)
        .map(|(i, &g)| Break {
            after: i,
            ns: g,
            timeout: rows[i + 1].analysis.has(Flag::Retransmission)
                && !rows[i + 1].analysis.has(Flag::FastRetransmission),
        })
        .collect()
}

impl LadderModel {
    /// The ladder of a connection from its captured packets, in capture order.
    pub fn build(info: ConnInfo, seen: &[Seen]) -> LadderModel {
        let (abs_ns, repaired) = diagram_times(seen);
        let start_ns = abs_ns.first().copied().unwrap_or(0);
        let t_ns: Vec<i64> = abs_ns.iter().map(|t| t - start_ns).collect();
        let facts = facts(seen, &t_ns);
        let timing = timing::resolve(&facts);
        let delays = timing.delays;
        let refused = seen.iter().any(|s| {
            s.tcp
                .is_some_and(|t| t.events.as_slice().contains(&Event::Reject))
        });
        let mut rows = Vec::with_capacity(seen.len());
        let mut events = Vec::with_capacity(seen.len());
        for (i, s) in seen.iter().enumerate() {
            let t = t_ns[i];
            let (depart_ns, reach_ns) = delays.travel(s.from, t);
            let lost = timing.lost[i];
            let resends = timing.resends[i];
            let (label, mut notes, kind, flags, seq, ack, next_seq, mut states, ev) = match s.tcp {
                Some(tcp) => (
                    words::tcp_label(tcp.flags, tcp.seq, tcp.ack, s.len, tcp.window),
                    markers(&tcp.tags),
                    ArrowKind::classify(tcp.flags, |f| tcp.tags.has(f)),
                    tcp.flags,
                    tcp.seq,
                    tcp.ack,
                    tcp.next_seq,
                    tcp.states,
                    RowEvents::of(tcp.events.as_slice()),
                ),
                None => (
                    words::udp_label(s.len, s.preview.as_deref()),
                    Vec::new(),
                    ArrowKind::Normal,
                    TcpFlags(0),
                    0,
                    0,
                    0,
                    [TcpState::Closed; 2],
                    RowEvents::default(),
                ),
            };
            // Nobody listens on a port that refuses the connection.
            if refused && states[1] == TcpState::Listen {
                states[1] = TcpState::Closed;
            }
            if let Some(o) = resends {
                notes.push(words::resends(seen[o].number));
            }
            if lost {
                notes.push(words::lost_after_capture());
            }
            if repaired[i] {
                notes.push(words::time_out_of_order());
            }
            rows.push(Row {
                index: s.index,
                number: s.number,
                t_ns: t,
                from: s.from,
                depart_ns,
                arrive_ns: (!lost).then_some(reach_ns),
                reach_ns,
                fate: if lost {
                    Fate::LostAfterCapture
                } else {
                    Fate::Delivered
                },
                resends,
                label,
                notes,
                kind,
                len: s.len,
                flags,
                seq,
                ack,
                next_seq,
                states,
                analysis: s.tcp.map_or(FlagSet::default(), |t| t.tags.set()),
            });
            events.push(ev);
        }
        let ghosts = ghosts(seen, &rows, &delays);
        let tcp = info.proto == FlowProto::Tcp;
        // Before anything the client is CLOSED; the server is LISTEN when the capture opens
        // with the client's SYN (the engine puts it there on that SYN), else as first seen.
        let initial = match rows.first() {
            _ if !tcp => [TcpState::Closed; 2],
            Some(r) if r.from == End::Client && r.states[0] == TcpState::SynSent => {
                [TcpState::Closed, r.states[1]]
            }
            Some(r) => r.states,
            None => [TcpState::Closed, TcpState::Listen],
        };
        let close_name = close_words(info.close);
        let breaks = find_breaks(&rows, &delays);
        LadderModel {
            marks: if tcp {
                state_marks(initial, &rows)
            } else {
                Vec::new()
            },
            brackets: brackets(&events, &close_name),
            runs: find_runs(&rows, &events, &breaks),
            breaks,
            info,
            rows,
            ghosts,
            initial,
            side_notes: Vec::new(),
            delays,
            start_ns,
            cut: false,
            events,
            close_name,
        }
    }

    /// True for a TCP connection (UDP ladders have no states or brackets).
    pub fn is_tcp(&self) -> bool {
        self.info.proto == FlowProto::Tcp
    }

    /// The client's and the server's titles, as the header and the text exports write them:
    /// `client 10.0.0.1:40000` (`UDP client …` for a UDP conversation).
    pub fn end_titles(&self) -> [String; 2] {
        let proto = if self.is_tcp() { "" } else { "UDP " };
        [
            format!("{proto}{} {}", words::client(), self.info.client),
            format!("{proto}{} {}", words::server(), self.info.server),
        ]
    }

    /// Draws the arrows with `delays` instead of the ones the capture alone gave (tighter
    /// ones, from the programs' calls): each segment's and ghost's departure and arrival,
    /// and the breaks and runs, which depend on the round trip.
    pub fn retime(&mut self, delays: Delays) {
        for r in &mut self.rows {
            (r.depart_ns, r.reach_ns) = delays.travel(r.from, r.t_ns);
            if r.arrive_ns.is_some() {
                r.arrive_ns = Some(r.reach_ns);
            }
        }
        for g in &mut self.ghosts {
            let (depart, reach) = delays.travel(g.from, g.t_ns);
            g.depart_ns = depart;
            if g.arrive_ns.is_some() {
                g.arrive_ns = Some(reach);
            }
        }
        self.breaks = find_breaks(&self.rows, &delays);
        self.runs = find_runs(&self.rows, &self.events, &self.breaks);
        self.delays = delays;
    }

    /// Adds a note on `end`'s time line at `t_ns` (ns after the first packet).
    pub fn add_side_note(&mut self, end: End, t_ns: i64, text: impl Into<String>) {
        let note = SideNote {
            end,
            t_ns,
            text: text.into(),
        };
        let at = self.side_notes.partition_point(|n| n.t_ns <= t_ns);
        self.side_notes.insert(at, note);
    }

    /// The ladder as it stood after its first `shown` rows (the replay cursor): rows, state
    /// changes, brackets, runs and breaks of that prefix only; a teardown not finished by
    /// then is named "in progress". The delays and what became of each segment stay those
    /// of the whole connection, so arrows do not change angle while stepping.
    pub fn prefix(&self, shown: usize) -> LadderModel {
        let k = shown.min(self.rows.len());
        let rows = self.rows[..k].to_vec();
        let events = self.events[..k].to_vec();
        let closed = events.iter().any(|e| e.closed);
        let name = if closed || k == self.rows.len() {
            self.close_name.clone()
        } else {
            crate::i18n::text("ladder-in-progress")
        };
        let breaks: Vec<Break> = self
            .breaks
            .iter()
            .copied()
            .filter(|b| b.after + 1 < k)
            .collect();
        let last_t = rows.last().map_or(0, |r| r.t_ns);
        LadderModel {
            marks: if self.is_tcp() {
                state_marks(self.initial, &rows)
            } else {
                Vec::new()
            },
            brackets: brackets(&events, &name),
            runs: find_runs(&rows, &events, &breaks),
            breaks,
            ghosts: self
                .ghosts
                .iter()
                .filter(|g| g.before < k)
                .cloned()
                .collect(),
            side_notes: self
                .side_notes
                .iter()
                .filter(|n| n.t_ns <= last_t)
                .cloned()
                .collect(),
            rows,
            events,
            cut: k < self.rows.len() || self.cut,
            info: self.info.clone(),
            initial: self.initial,
            delays: self.delays,
            start_ns: self.start_ns,
            close_name: self.close_name.clone(),
        }
    }

    /// The sequence of states one side goes through, starting with its initial state
    /// (what the ladder writes along that side's line, top to bottom).
    pub fn state_sequence(&self, end: End) -> Vec<TcpState> {
        let mut v = vec![self.initial[end.index()]];
        v.extend(self.marks.iter().filter(|m| m.end == end).map(|m| m.state));
        v
    }

    /// The diagram in words (the accessibility label of the drawing, which screen readers
    /// read and tests query): both sides' state sequences, the brackets, the losses.
    pub fn summary(&self) -> String {
        use crate::i18n::Message;
        if !self.is_tcp() {
            return Message::new("ladder-summary-udp")
                .arg("count", self.rows.len())
                .arg("client", &self.info.client)
                .arg("server", &self.info.server)
                .text();
        }
        let seq = |end: End| {
            self.state_sequence(end)
                .iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(" → ")
        };
        let brackets: Vec<String> = self
            .brackets
            .iter()
            .map(|b| {
                let n = |i: usize| self.rows.get(i).map_or(0, |r| r.number);
                Message::new("ladder-summary-bracket")
                    .arg("name", &b.name)
                    .arg("first", n(b.first).to_string())
                    .arg("last", n(b.last).to_string())
                    .text()
            })
            .collect();
        let lost: Vec<String> = self
            .rows
            .iter()
            .filter(|r| r.fate == Fate::LostAfterCapture)
            .map(|r| r.number.to_string())
            .collect();
        let mut text = Message::new("ladder-summary")
            .arg("count", self.rows.len())
            .arg("client", seq(End::Client))
            .arg("server", seq(End::Server))
            .arg(
                "brackets",
                brackets.join(&crate::i18n::text("ladder-summary-separator")),
            )
            .text();
        if !lost.is_empty() {
            text.push_str(
                &Message::new("ladder-summary-lost")
                    .arg(
                        "frames",
                        lost.join(&crate::i18n::text("ladder-summary-list-separator")),
                    )
                    .text(),
            );
        }
        if !self.ghosts.is_empty() {
            text.push_str(
                &Message::new("ladder-summary-ghosts")
                    .arg("count", self.ghosts.len())
                    .text(),
            );
        }
        text
    }

    /// Each side's state after the last row shown (client, server).
    pub fn current_states(&self) -> [TcpState; 2] {
        self.rows.last().map_or(self.initial, |r| r.states)
    }

    /// Row of a caller's handle (store index).
    pub fn row_of(&self, index: usize) -> Option<usize> {
        self.rows.binary_search_by_key(&index, |r| r.index).ok()
    }

    /// The run that row `i` belongs to.
    pub fn run_of(&self, i: usize) -> Option<usize> {
        let k = self.runs.partition_point(|r| r.last < i);
        self.runs.get(k).filter(|r| r.contains(i)).map(|_| k)
    }
}

/// The capture times the diagram uses (absolute ns) and which of them were repaired: a
/// packet without a time takes its predecessor's; a time far off its neighbours (a clock
/// that jumped for one packet) takes the next packet's; a time before its predecessor's
/// takes the predecessor's. The diagram's time never runs backwards.
fn diagram_times(seen: &[Seen]) -> (Vec<i64>, Vec<bool>) {
    let mut last = seen.iter().find_map(|s| s.ts_ns).unwrap_or(0);
    let raw: Vec<i64> = seen
        .iter()
        .map(|s| {
            if let Some(t) = s.ts_ns {
                last = t;
            }
            last
        })
        .collect();
    let mut out = Vec::with_capacity(raw.len());
    let mut repaired = vec![false; raw.len()];
    for (i, &t) in raw.iter().enumerate() {
        let prev = out.last().copied();
        let next = raw.get(i + 1).copied();
        let fixed = match (prev, next) {
            // A spike: later than the next packet, which itself follows the previous one.
            (p, Some(n)) if t > n && p.is_none_or(|p| n >= p) => n,
            (Some(p), _) if t < p => p,
            _ => t,
        };
        repaired[i] = fixed != t;
        out.push(fixed);
    }
    (out, repaired)
}

/// The ghosts of the rows flagged "previous segment not captured".
fn ghosts(seen: &[Seen], rows: &[Row], delays: &Delays) -> Vec<Ghost> {
    let mut out = Vec::new();
    let mut prev_t: [Option<i64>; 2] = [None, None];
    for (i, r) in rows.iter().enumerate() {
        let side = r.from.index();
        let before = prev_t[side];
        prev_t[side] = Some(r.t_ns);
        let Some(tag) = seen[i]
            .tcp
            .and_then(|t| t.tags.get(Flag::LostSegment).copied())
        else {
            continue;
        };
        let (seq, end) = (tag.info.end, tag.info.seq);
        let t_ns = before.map_or(r.t_ns, |p| p + (r.t_ns - p) / 2);
        // Sent again later: it was lost before the capture point; otherwise the receiver
        // got it and only the capture missed it.
        let resent = rows[i + 1..]
            .iter()
            .filter(|s| s.from == r.from)
            .take(GHOST_LOOKAHEAD)
            .any(|s| {
                s.len > 0
                    && crate::analysis::seq::lt(s.seq, end)
                    && crate::analysis::seq::lt(seq, s.next_seq)
            });
        let (depart_ns, reach_ns) = delays.travel(r.from, t_ns);
        out.push(Ghost {
            before: i,
            from: r.from,
            seq,
            end,
            t_ns,
            depart_ns,
            arrive_ns: (!resent).then_some(reach_ns),
            label: words::ghost_label(end.wrapping_sub(seq), seq, end, !resent),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(from: End, states: [TcpState; 2]) -> Row {
        Row {
            index: 0,
            number: 0,
            t_ns: 0,
            from,
            depart_ns: 0,
            arrive_ns: Some(0),
            reach_ns: 0,
            fate: Fate::Delivered,
            resends: None,
            label: String::new(),
            notes: Vec::new(),
            kind: ArrowKind::Normal,
            len: 0,
            flags: TcpFlags(TcpFlags::ACK),
            seq: 0,
            ack: 0,
            next_seq: 0,
            states,
            analysis: FlagSet::default(),
        }
    }

    /// The state marks of `rows` on a connection established at both ends, as
    /// (row, end, state, at departure).
    fn marks_after_established(rows: &[Row]) -> Vec<(usize, End, TcpState, bool)> {
        state_marks([TcpState::Established, TcpState::Established], rows)
            .iter()
            .map(|m| (m.row, m.end, m.state, m.at_departure))
            .collect()
    }

    #[test]
    fn state_marks_sit_where_each_side_changes() {
        use TcpState::*;
        // Client-first close: FIN from the client, ACK, FIN from the server, last ACK.
        let rows = vec![
            row(End::Client, [FinWait1, CloseWait]),
            row(End::Server, [FinWait2, CloseWait]),
            row(End::Server, [TimeWait, LastAck]),
            row(End::Client, [TimeWait, Closed]),
        ];
        assert_eq!(
            marks_after_established(&rows),
            vec![
                (0, End::Client, FinWait1, true),
                (0, End::Server, CloseWait, false),
                (1, End::Client, FinWait2, false),
                (2, End::Client, TimeWait, false),
                (2, End::Server, LastAck, true),
                (3, End::Server, Closed, false),
            ]
        );
    }

    #[test]
    fn a_fin_lost_after_the_capture_point_changes_its_receiver_when_resent() {
        use TcpState::*;
        // The server closes first; its FIN (row 0) and the first resend (row 2) drop after
        // the capture point, the client keeps sending data with ack=1 (it never saw them),
        // the second resend (row 3) arrives and the client acknowledges the FIN (row 4).
        let mut rows = vec![
            row(End::Server, [CloseWait, FinWait1]),
            row(End::Client, [CloseWait, FinWait1]),
            row(End::Server, [CloseWait, FinWait1]),
            row(End::Server, [CloseWait, FinWait1]),
            row(End::Client, [CloseWait, FinWait2]),
        ];
        rows[0].fate = Fate::LostAfterCapture;
        rows[2].fate = Fate::LostAfterCapture;
        assert_eq!(
            marks_after_established(&rows),
            vec![
                (0, End::Server, FinWait1, true),
                (3, End::Client, CloseWait, false),
                (4, End::Server, FinWait2, false),
            ]
        );
    }

    #[test]
    fn brackets_span_handshake_and_teardown() {
        let hs = RowEvents::of(&[Event::Syn]);
        let done = RowEvents::of(&[Event::HandshakeAck { rtt_ns: 5 }]);
        let fin = RowEvents::of(&[Event::Fin {
            side: crate::analysis::Side::Originator,
            second: false,
        }]);
        let close = RowEvents::of(&[Event::CloseComplete]);
        let none = RowEvents::default();
        let ev = [
            hs,
            RowEvents::of(&[Event::SynAck]),
            done,
            none,
            fin,
            none,
            close,
        ];
        let b = brackets(&ev, "four-way");
        assert_eq!(b.len(), 2);
        assert_eq!((b[0].first, b[0].last), (0, 2));
        assert_eq!(b[0].name, "Three-way handshake");
        assert_eq!((b[1].first, b[1].last), (4, 6));
        assert!(b[1].name.contains("four-way"));
        // A refused connection: SYN then the rejecting RST, no teardown.
        let b = brackets(&[hs, RowEvents::of(&[Event::Reject])], "-");
        assert_eq!(b.len(), 1);
        assert_eq!((b[0].first, b[0].last), (0, 1));
        assert!(b[0].name.contains("refused"));
        // A reset without FINs gets its own bracket.
        let b = brackets(
            &[
                hs,
                done,
                RowEvents::of(&[Event::Rst {
                    side: crate::analysis::Side::Originator,
                }]),
            ],
            "-",
        );
        assert_eq!(b[1].name, "Reset (RST)");
        assert_eq!((b[1].first, b[1].last), (2, 2));
    }

    #[test]
    fn classification_puts_problems_before_flags() {
        let fin = TcpFlags(TcpFlags::FIN | TcpFlags::ACK);
        assert_eq!(ArrowKind::classify(fin, |_| false), ArrowKind::Control);
        assert_eq!(
            ArrowKind::classify(fin, |f| f == Flag::Retransmission),
            ArrowKind::Retransmission
        );
        assert_eq!(
            ArrowKind::classify(TcpFlags(TcpFlags::ACK), |f| f == Flag::DuplicateAck),
            ArrowKind::DupAck
        );
        assert_eq!(
            ArrowKind::classify(TcpFlags(TcpFlags::RST), |_| false),
            ArrowKind::Reset
        );
        assert_eq!(words::flag_words(fin), "FIN, ACK");
    }

    #[test]
    fn unwrapping_follows_sequence_numbers_across_zero() {
        assert_eq!(unwrap(0, 5), 5);
        assert_eq!(unwrap(i64::from(u32::MAX) - 2, 3), i64::from(u32::MAX) + 4);
        assert_eq!(unwrap(10, 8), 8);
    }

    fn data_rows(n: usize) -> (Vec<Row>, Vec<RowEvents>) {
        let mut rows = Vec::new();
        for i in 0..n {
            let mut d = row(End::Server, [TcpState::Established; 2]);
            d.len = 1448;
            d.seq = 1 + 1448 * i as u32;
            d.next_seq = d.seq + 1448;
            d.t_ns = i as i64 * 1000;
            rows.push(d);
            if i % 2 == 1 {
                let mut a = row(End::Client, [TcpState::Established; 2]);
                a.ack = 1 + 1448 * (i as u32 + 1);
                a.t_ns = i as i64 * 1000 + 500;
                rows.push(a);
            }
        }
        let events = vec![RowEvents::default(); rows.len()];
        (rows, events)
    }

    #[test]
    fn runs_group_equal_data_and_the_acks_between() {
        let (rows, events) = data_rows(8);
        let runs = find_runs(&rows, &events, &[]);
        assert_eq!(runs.len(), 1);
        let r = &runs[0];
        assert_eq!((r.first, r.last, r.data, r.acks), (0, rows.len() - 1, 8, 4));
        assert_eq!(r.data_label(), "8 data segments, 1448 B each (seq 1–11585)");
        assert_eq!(r.ack_label().unwrap(), "4 ACKs (ack 2897–11585)");
        // Too short, or cut by a break: no run.
        let (short, ev) = data_rows(5);
        assert!(find_runs(&short, &ev, &[]).is_empty());
        let cut = Break {
            after: 5,
            ns: 1,
            timeout: false,
        };
        assert!(find_runs(&rows, &events, &[cut]).is_empty());
    }

    #[test]
    fn breaks_mark_gaps_far_longer_than_usual() {
        let (mut rows, _) = data_rows(8);
        for r in rows.iter_mut().skip(6) {
            r.t_ns += 200_000_000;
        }
        let b = find_breaks(&rows, &Delays::guessed());
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].after, 5);
        assert!(b[0].label().starts_with("200 ms idle"), "{}", b[0].label());
    }
}
