//! The ladder diagram's content, computed from the store and free of any drawing: one row
//! per segment of a connection (who sent it, when it left and reached each side, its label
//! and colour class), each side's state changes, and the handshake / teardown brackets.
//!
//! Kept pure so the rules (slope from the handshake, where a state changes, what a bracket
//! spans) are unit-tested without a window, and so the SVG export and the screen draw the
//! same thing.

use crate::analysis::{
    endpoint_string, Direction, Event, Flag, FlowProto, TcpAnnotation, TcpState,
};
use crate::decode::{TcpFlags, Transport};

use super::super::selection::ConnRef;
use super::super::store::StoreData;

/// Travel time assumed on each side of the capture point when no handshake was captured
/// (seconds). Small on purpose: the arrows only need to show a direction.
pub const DEFAULT_HALF_TRAVEL: f64 = 50e-6;

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
    /// Index into `[originator, responder]` arrays (states).
    pub fn index(self) -> usize {
        match self {
            End::Client => 0,
            End::Server => 1,
        }
    }

    /// `client` / `server`.
    pub fn name(self) -> &'static str {
        match self {
            End::Client => "client",
            End::Server => "server",
        }
    }
}

/// Where the capture point sits between the two ends, as travel times (seconds).
///
/// One capture point sees each segment once. From the handshake, a = t(SYN-ACK) − t(SYN) is
/// the round trip capture → server → capture and b = t(ACK) − t(SYN-ACK) the round trip
/// capture → client → capture, so the capture sits a/2 from the server and b/2 from the
/// client.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slope {
    /// One-way travel between the client and the capture point (b/2).
    pub client_half: f64,
    /// One-way travel between the capture point and the server (a/2).
    pub server_half: f64,
    /// False when no complete handshake was captured and the fixed default is used.
    pub measured: bool,
}

impl Slope {
    /// The slope measured from the handshake's capture times (seconds), or the fixed default
    /// when they are missing or out of order.
    pub fn estimate(syn: Option<f64>, syn_ack: Option<f64>, ack: Option<f64>) -> Slope {
        match (syn, syn_ack, ack) {
            (Some(s), Some(sa), Some(a)) if sa >= s && a >= sa => Slope {
                client_half: (a - sa) / 2.0,
                server_half: (sa - s) / 2.0,
                measured: true,
            },
            _ => Slope {
                client_half: DEFAULT_HALF_TRAVEL,
                server_half: DEFAULT_HALF_TRAVEL,
                measured: false,
            },
        }
    }

    /// When a segment captured at `t` left its sender and reached its receiver.
    pub fn travel(&self, from: End, t: f64) -> (f64, f64) {
        match from {
            End::Client => (t - self.client_half, t + self.server_half),
            End::Server => (t - self.server_half, t + self.client_half),
        }
    }

    /// Where the capture point sits on the way from the client (0) to the server (1).
    pub fn capture_fraction(&self) -> f64 {
        let total = self.client_half + self.server_half;
        if total > 0.0 {
            self.client_half / total
        } else {
            0.5
        }
    }
}

/// What colour an arrow gets: the most important thing about the segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArrowKind {
    /// Data or a plain ACK.
    Normal,
    /// SYN or FIN (the connection's control segments).
    Control,
    /// RST.
    Reset,
    /// A retransmission (plain, fast or spurious).
    Retransmission,
    /// A duplicate ACK.
    DupAck,
    /// The segment before this one was not captured (lost before the capture point).
    Lost,
    /// The sender advertises a zero window (or probes one).
    ZeroWindow,
    /// Another analysis problem (out of order, ACKed unseen segment, window full, ...).
    Problem,
}

impl ArrowKind {
    /// Words for the legend.
    pub fn label(self) -> &'static str {
        match self {
            ArrowKind::Normal => "data / ACK",
            ArrowKind::Control => "SYN / FIN",
            ArrowKind::Reset => "RST",
            ArrowKind::Retransmission => "retransmission",
            ArrowKind::DupAck => "duplicate ACK",
            ArrowKind::Lost => "previous segment not captured",
            ArrowKind::ZeroWindow => "zero window",
            ArrowKind::Problem => "other analysis flag",
        }
    }

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

/// One segment of the connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Store index (what selecting it selects).
    pub index: usize,
    /// Frame number.
    pub number: u64,
    /// Capture time, seconds after the connection's first packet.
    pub t: f64,
    /// Sender.
    pub from: End,
    /// When it left the sender and reached the receiver (seconds, same origin as `t`).
    pub depart: f64,
    /// See `depart`.
    pub arrive: f64,
    /// The arrow's label: flags, relative seq/ack, length.
    pub label: String,
    /// Analysis markers (`TCP Dup ACK`, `TCP Retransmission`, ...), shown after the label.
    pub notes: Vec<String>,
    /// Colour class.
    pub kind: ArrowKind,
    /// Payload length (data arrows and pure ACKs are drawn differently).
    pub len: u32,
    /// States of (client, server) after this packet.
    pub states: [TcpState; 2],
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

/// Everything the ladder shows for one connection.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderModel {
    /// The connection.
    pub conn: ConnRef,
    /// Client address (`ip:port`).
    pub client: String,
    /// Server address.
    pub server: String,
    /// Segments in capture order.
    pub rows: Vec<Row>,
    /// Each side's state before the first row (client, server).
    pub initial: [TcpState; 2],
    /// State changes, in row order.
    pub marks: Vec<StateMark>,
    /// Handshake and teardown.
    pub brackets: Vec<Bracket>,
    /// Travel times.
    pub slope: Slope,
    /// Capture time of the first row (absolute, ns), for the time axis.
    pub start_ns: i64,
    /// True when rows after the replay cursor were left out.
    pub cut: bool,
    /// What the engine said about each row (for the brackets of a shorter prefix).
    pub events: Vec<RowEvents>,
    /// Name of the connection's close, used once the teardown is complete.
    pub close_name: String,
}

/// The text of a segment's flags: `SYN`, `SYN, ACK`, `PSH, ACK`, `FIN, ACK`, `RST`.
pub fn flag_words(f: TcpFlags) -> String {
    let names = [
        (TcpFlags::SYN, "SYN"),
        (TcpFlags::FIN, "FIN"),
        (TcpFlags::RST, "RST"),
        (TcpFlags::PSH, "PSH"),
        (TcpFlags::URG, "URG"),
        (TcpFlags::ACK, "ACK"),
    ];
    let words: Vec<&str> = names
        .iter()
        .filter(|(b, _)| f.has(*b))
        .map(|(_, n)| *n)
        .collect();
    if words.is_empty() {
        "none".into()
    } else {
        words.join(", ")
    }
}

/// The state changes along the rows, given each side's state before the first row.
pub fn state_marks(initial: [TcpState; 2], rows: &[Row]) -> Vec<StateMark> {
    let mut prev = initial;
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        for end in [End::Client, End::Server] {
            let s = r.states[end.index()];
            if s != prev[end.index()] {
                out.push(StateMark {
                    row: i,
                    end,
                    state: s,
                    at_departure: r.from == end,
                });
            }
        }
        prev = r.states;
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
            Some(r) => ("Connection refused (SYN, RST)".to_string(), r.max(last)),
            None if complete => ("Three-way handshake".to_string(), last),
            None => ("Handshake (incomplete)".to_string(), last),
        };
        out.push(Bracket { name, first, last });
    }
    let td: Vec<usize> = (0..events.len()).filter(|&i| events[i].teardown).collect();
    if let (Some(&first), Some(&last)) = (td.first(), td.last()) {
        out.push(Bracket {
            name: format!("Teardown: {close_name}"),
            first,
            last,
        });
    } else if let Some(r) = events.iter().position(|e| e.reset) {
        out.push(Bracket {
            name: "Reset (RST)".into(),
            first: r,
            last: r,
        });
    }
    out
}

/// Plain words for the engine's close patterns.
fn close_words(data: &StoreData, conn: ConnRef) -> String {
    use crate::analysis::ClosePattern;
    match data
        .connection(conn.proto, conn.stream)
        .and_then(|c| c.close_pattern())
    {
        Some(ClosePattern::FourWay) => "four-way (FIN, ACK, FIN, ACK)".into(),
        Some(ClosePattern::ThreeWay) => "three-way (FIN, FIN+ACK, ACK)".into(),
        Some(p) => p.name().replace('_', " "),
        None => "FIN exchange".into(),
    }
}

impl LadderModel {
    /// Builds the ladder of `conn` from the store, leaving out packets after the replay
    /// cursor `until`. Returns `None` for UDP or unknown connections.
    pub fn build(data: &StoreData, conn: ConnRef, until: Option<usize>) -> Option<LadderModel> {
        let full = LadderModel::full(data, conn)?;
        Some(match until {
            Some(u) => full.prefix(full.rows.partition_point(|r| r.index <= u)),
            None => full,
        })
    }

    /// The ladder as it stood after its first `shown` rows (the replay cursor): rows, state
    /// changes and brackets of that prefix only; a teardown not finished by then is named
    /// "in progress". The slope stays the one measured on the whole handshake, so arrows do
    /// not change angle while stepping.
    pub fn prefix(&self, shown: usize) -> LadderModel {
        let k = shown.min(self.rows.len());
        let rows = self.rows[..k].to_vec();
        let events = self.events[..k].to_vec();
        let closed = events.iter().any(|e| e.closed);
        let name = if closed || k == self.rows.len() {
            self.close_name.clone()
        } else {
            "in progress".to_string()
        };
        LadderModel {
            marks: state_marks(self.initial, &rows),
            brackets: brackets(&events, &name),
            rows,
            events,
            cut: k < self.rows.len() || self.cut,
            conn: self.conn,
            client: self.client.clone(),
            server: self.server.clone(),
            initial: self.initial,
            slope: self.slope,
            start_ns: self.start_ns,
            close_name: self.close_name.clone(),
        }
    }

    /// The ladder of every packet of `conn` stored so far.
    pub fn full(data: &StoreData, conn: ConnRef) -> Option<LadderModel> {
        if conn.proto != FlowProto::Tcp {
            return None;
        }
        let record = data.connection(conn.proto, conn.stream)?;
        let frames = data.connection_frames(conn.proto, conn.stream);
        let shown = frames.len();
        let start_ns = frames
            .first()
            .and_then(|&i| data.record(i as usize))
            .and_then(|r| r.ts)
            .map_or(0, |t| t.as_nanos());
        struct Raw {
            index: usize,
            number: u64,
            t: f64,
            from: End,
            label: String,
            notes: Vec<String>,
            kind: ArrowKind,
            len: u32,
            states: [TcpState; 2],
            events: RowEvents,
        }
        let mut raw = Vec::with_capacity(shown);
        let (mut syn, mut syn_ack, mut ack) = (None, None, None);
        for &i in &frames[..shown] {
            let i = i as usize;
            let a = data.analysis(i);
            let (Some(flow), Some(tcp)) = (a.flow, a.tcp) else {
                continue;
            };
            let Some((frame, packet)) = data.packet(i) else {
                continue;
            };
            let tcp_flags = match &packet.transport {
                Transport::Tcp(t) => t.flags,
                _ => TcpFlags(0),
            };
            let t = frame
                .ts
                .map_or(0.0, |ts| (ts.as_nanos() - start_ns) as f64 / 1e9);
            let rich: Option<TcpAnnotation> = data.rich(i);
            let events = rich.as_ref().map_or(&[][..], |r| r.events.as_slice());
            for e in events {
                match e {
                    Event::Syn if syn.is_none() => syn = Some(t),
                    // The last SYN-ACK before the handshake's ACK (a retransmitted SYN-ACK
                    // would otherwise stretch b).
                    Event::SynAck if ack.is_none() => syn_ack = Some(t),
                    Event::HandshakeAck { .. } if ack.is_none() => ack = Some(t),
                    _ => {}
                }
            }
            let notes = rich.map_or_else(Vec::new, |r| {
                // "Fast retransmission" already says "retransmission".
                let specific = r.tags.has(Flag::FastRetransmission)
                    || r.tags.has(Flag::SpuriousRetransmission);
                r.tags
                    .as_slice()
                    .iter()
                    .filter(|tag| !(specific && tag.flag == Flag::Retransmission))
                    .map(|tag| tag.flag.marker(tag.info.frame, tag.info.num))
                    .collect()
            });
            let mut label = format!("{} seq={}", flag_words(tcp_flags), tcp.seq);
            if tcp_flags.has(TcpFlags::ACK) {
                label.push_str(&format!(" ack={}", tcp.ack));
            }
            label.push_str(&format!(" len={}", tcp.len));
            if tcp.window == 0 && !tcp_flags.has(TcpFlags::RST) {
                label.push_str(" win=0");
            }
            raw.push(Raw {
                index: i,
                number: frame.number,
                t,
                from: match flow.direction {
                    Direction::ClientToServer => End::Client,
                    Direction::ServerToClient => End::Server,
                },
                label,
                notes,
                kind: ArrowKind::classify(tcp_flags, |f| tcp.flags.has(f)),
                len: tcp.len,
                states: tcp.states,
                events: RowEvents::of(events),
            });
        }
        let slope = Slope::estimate(syn, syn_ack, ack);
        let events: Vec<RowEvents> = raw.iter().map(|r| r.events).collect();
        let rows: Vec<Row> = raw
            .into_iter()
            .map(|r| {
                let (depart, arrive) = slope.travel(r.from, r.t);
                Row {
                    index: r.index,
                    number: r.number,
                    t: r.t,
                    from: r.from,
                    depart,
                    arrive,
                    label: r.label,
                    notes: r.notes,
                    kind: r.kind,
                    len: r.len,
                    states: r.states,
                }
            })
            .collect();
        // Before anything the client is CLOSED; the server is LISTEN when the capture opens
        // with the client's SYN (the engine puts it there on that SYN), else as first seen.
        let initial = match rows.first() {
            Some(r) if r.from == End::Client && r.states[0] == TcpState::SynSent => {
                [TcpState::Closed, r.states[1]]
            }
            Some(r) => r.states,
            None => [TcpState::Closed, TcpState::Listen],
        };
        let marks = state_marks(initial, &rows);
        let close_name = close_words(data, conn);
        let brackets = brackets(&events, &close_name);
        Some(LadderModel {
            conn,
            client: endpoint_string(record.originator),
            server: endpoint_string(record.responder),
            rows,
            initial,
            marks,
            brackets,
            slope,
            start_ns,
            cut: false,
            events,
            close_name,
        })
    }

    /// The sequence of states one side goes through, starting with its initial state
    /// (what the ladder writes along that side's line, top to bottom).
    pub fn state_sequence(&self, end: End) -> Vec<TcpState> {
        let mut v = vec![self.initial[end.index()]];
        v.extend(self.marks.iter().filter(|m| m.end == end).map(|m| m.state));
        v
    }

    /// The diagram in words (the accessibility label of the drawing, which screen readers
    /// read and tests query): both sides' state sequences and the brackets.
    pub fn summary(&self) -> String {
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
                format!("{} (frames {}–{})", b.name, n(b.first), n(b.last))
            })
            .collect();
        format!(
            "Ladder diagram, {} segments. client: {}. server: {}. {}",
            self.rows.len(),
            seq(End::Client),
            seq(End::Server),
            brackets.join("; ")
        )
    }

    /// Each side's state after the last row shown (client, server).
    pub fn current_states(&self) -> [TcpState; 2] {
        self.rows.last().map_or(self.initial, |r| r.states)
    }

    /// Row of a store index.
    pub fn row_of(&self, index: usize) -> Option<usize> {
        self.rows.binary_search_by_key(&index, |r| r.index).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(from: End, states: [TcpState; 2]) -> Row {
        Row {
            index: 0,
            number: 0,
            t: 0.0,
            from,
            depart: 0.0,
            arrive: 0.0,
            label: String::new(),
            notes: Vec::new(),
            kind: ArrowKind::Normal,
            len: 0,
            states,
        }
    }

    #[test]
    fn slope_comes_from_the_handshake_halves() {
        // Capture next to the client: SYN-ACK 10 ms after the SYN, ACK 0.2 ms after that.
        let s = Slope::estimate(Some(1.0), Some(1.010), Some(1.0102));
        assert!(s.measured);
        assert!((s.server_half - 0.005).abs() < 1e-9);
        assert!((s.client_half - 0.0001).abs() < 1e-9);
        // A client segment captured at t=2 left the client 0.1 ms before and reaches the
        // server 5 ms after; a server segment left the server 5 ms before.
        let (d, a) = s.travel(End::Client, 2.0);
        assert!((d - 1.9999).abs() < 1e-9 && (a - 2.005).abs() < 1e-9);
        let (d, a) = s.travel(End::Server, 2.0);
        assert!((d - 1.995).abs() < 1e-9 && (a - 2.0001).abs() < 1e-9);
        // The capture point is near the client end.
        assert!(s.capture_fraction() < 0.05);
    }

    #[test]
    fn slope_without_a_handshake_is_fixed_and_says_so() {
        let s = Slope::estimate(None, Some(1.0), Some(2.0));
        assert!(!s.measured);
        assert_eq!(s.client_half, DEFAULT_HALF_TRAVEL);
        assert_eq!(s.capture_fraction(), 0.5);
        // Out-of-order times are not trusted either.
        assert!(!Slope::estimate(Some(2.0), Some(1.0), Some(3.0)).measured);
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
        let marks = state_marks([Established, Established], &rows);
        let got: Vec<(usize, End, TcpState, bool)> = marks
            .iter()
            .map(|m| (m.row, m.end, m.state, m.at_departure))
            .collect();
        assert_eq!(
            got,
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

    fn store(path: &str) -> StoreData {
        use crate::analysis::{Config, Engine};
        use crate::capture::{FileReader, FrameSource};
        let mut reader = FileReader::open(path).unwrap();
        let mut engine = Engine::new(Config::default());
        let mut data = StoreData::default();
        while let Some(frame) = reader.next_frame().unwrap() {
            let packet = crate::decode::decode(&frame);
            let ann = engine.process(&frame, &packet);
            data.push(&frame, &ann);
        }
        data.set_connections(engine.connections().into_iter().cloned().collect());
        data
    }

    #[test]
    fn a_prefix_shows_only_what_had_happened() {
        // close-client-first (tshark): FIN 8 from the client, ACK 9, FIN 10, ACK 11.
        let data = store(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/captures/close-client-first.pcap"
        ));
        let conn = ConnRef {
            proto: FlowProto::Tcp,
            stream: 0,
        };
        let full = LadderModel::build(&data, conn, None).unwrap();
        assert_eq!(full.rows.len(), 11);
        assert!(!full.cut);
        assert!(full.brackets[1].name.contains("four-way"));
        let at9 = LadderModel::build(&data, conn, data.index_of_number(9)).unwrap();
        assert_eq!(at9.rows.len(), 9);
        assert!(at9.cut);
        assert_eq!(
            at9.state_sequence(End::Server).last(),
            Some(&TcpState::CloseWait)
        );
        assert_eq!(
            at9.state_sequence(End::Client).last(),
            Some(&TcpState::FinWait2)
        );
        // The teardown has begun (rows 7-8 = frames 8-9) but its kind is not known yet.
        assert_eq!(at9.brackets[1].name, "Teardown: in progress");
        assert_eq!((at9.brackets[1].first, at9.brackets[1].last), (7, 8));
        // Before the first FIN there is no teardown bracket at all.
        let at7 = LadderModel::build(&data, conn, data.index_of_number(7)).unwrap();
        assert_eq!(at7.brackets.len(), 1);
        // The slope stays the handshake's whatever the cursor.
        assert_eq!(at7.slope, full.slope);
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
        assert_eq!(flag_words(fin), "FIN, ACK");
        assert_eq!(
            flag_words(TcpFlags(TcpFlags::SYN | TcpFlags::ACK)),
            "SYN, ACK"
        );
    }
}
