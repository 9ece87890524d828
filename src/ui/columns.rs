//! The text of the packet list's columns, shared by the table and "copy as text".

use crate::i18n::tr;
use std::fmt::Write as _;

use crate::analysis::{Event, Flag, Side, TcpAnnotation};
use crate::capture::{Frame, Timestamp};
use crate::decode::{icmp_summary, Net, Packet, Transport};

use super::store::RowAnalysis;

/// How the Time column is shown (Wireshark's View > Time Display Format).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeMode {
    /// Seconds since the first packet.
    #[default]
    Relative,
    /// Date and time of day, UTC.
    Absolute,
    /// Seconds since the previous displayed packet.
    Delta,
}

impl TimeMode {
    /// Menu label.
    pub fn label(self) -> String {
        tr!(match self {
            TimeMode::Relative => "time-relative",
            TimeMode::Absolute => "time-absolute",
            TimeMode::Delta => "time-delta",
        })
    }
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm), for UTC times
/// without a date-time dependency.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `2024-05-01 12:34:56.123456` (UTC).
pub fn absolute_time(ts: Timestamp) -> String {
    let (secs, nanos) = ts.split();
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{:06}",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60,
        nanos / 1000
    )
}

/// Seconds between two timestamps with microsecond digits.
pub fn seconds_between(from: Timestamp, to: Timestamp) -> String {
    format!("{:.6}", (to.as_nanos() - from.as_nanos()) as f64 / 1e9)
}

/// A relative time of `ns` nanoseconds as Wireshark prints one: seconds with nine exact
/// decimals (`0.000038000`, `-1.500000000`).
pub fn seconds_text(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.unsigned_abs();
    format!("{sign}{}.{:09}", abs / 1_000_000_000, abs % 1_000_000_000)
}

/// Client/server rather than originator/responder: the words a learner uses.
fn side(s: Side) -> &'static str {
    match s {
        Side::Originator => "client",
        Side::Responder => "server",
    }
}

/// Plain words for a handshake/teardown event, as shown in the Info column.
pub fn event_text(e: &Event) -> String {
    match e {
        Event::Syn => "«handshake 1/3: SYN»".into(),
        Event::SynAck => "«handshake 2/3: SYN-ACK»".into(),
        Event::HandshakeAck { rtt_ns } => {
            format!("«handshake 3/3: ACK, rtt {:.3} ms»", *rtt_ns as f64 / 1e6)
        }
        Event::SynRetransmit => "«SYN again»".into(),
        Event::SimultaneousOpen => "«simultaneous open»".into(),
        Event::Fin { side: s, second } => format!(
            "«teardown: {} FIN from {}»",
            if *second { "second" } else { "first" },
            side(*s)
        ),
        Event::FinAck { of } => format!("«{}'s FIN acked»", side(*of)),
        Event::CloseComplete => "«connection closed»".into(),
        Event::Rst { side: s } => format!("«reset by {}»", side(*s)),
        Event::Reject => "«connection refused»".into(),
    }
}

/// The Info column: analysis markers, then a Wireshark-like summary, then events.
pub fn info(
    frame: &Frame<'_>,
    p: &Packet,
    a: &RowAnalysis,
    rich: Option<&TcpAnnotation>,
) -> String {
    let mut s = String::new();
    if let Some(r) = rich {
        let specific =
            r.tags.has(Flag::FastRetransmission) || r.tags.has(Flag::SpuriousRetransmission);
        for t in r.tags.as_slice() {
            if specific && t.flag == Flag::Retransmission {
                continue;
            }
            s.push_str(&t.flag.marker(t.info.frame, t.info.num));
            s.push(' ');
        }
    }
    match &p.transport {
        Transport::Tcp(t) => {
            let (seq, ack, win) = match a.tcp {
                Some(x) => (x.seq, x.ack, x.window),
                None => (t.seq, t.ack, u32::from(t.window)),
            };
            // SACK edges are shown relative like the ACK number (same sequence space).
            let sack_base = t.ack.wrapping_sub(ack);
            let _ = write!(
                s,
                "{} → {} [{}] Seq={seq}",
                t.sport,
                t.dport,
                t.flags.names()
            );
            if t.flags.has(crate::decode::TcpFlags::ACK) {
                let _ = write!(s, " Ack={ack}");
            }
            let _ = write!(s, " Win={win} Len={}", t.len);
            for o in t.options.iter(frame.data) {
                o.write_info(&mut s, sack_base);
            }
        }
        Transport::Udp(u) => {
            let _ = write!(s, "{} → {} Len={}", u.sport, u.dport, u.len);
        }
        Transport::Icmp(i) => s.push_str(&icmp_summary(false, *i)),
        Transport::Icmpv6(i) => s.push_str(&icmp_summary(true, *i)),
        Transport::Fragment { protocol } => {
            let _ = write!(s, "Fragmented IP protocol (proto {protocol})");
        }
        Transport::Other { protocol } => {
            let _ = write!(s, "IP protocol {protocol}");
        }
        Transport::None => {}
    }
    if let Net::Arp(arp) = &p.net {
        s.push_str(&arp.info());
    }
    if let Some(r) = rich {
        for e in r.events.as_slice() {
            s.push(' ');
            s.push_str(&event_text(e));
        }
    }
    if let Some(m) = &p.malformed {
        let _ = write!(s, " [Malformed: {m}]");
    } else if p.truncated {
        s.push_str(" [Packet size limited during capture]");
    }
    s
}
