//! The words the details tree and the packet list share: times as Wireshark prints them and
//! the plain-language names of handshake and teardown events.

use crate::analysis::{Event, Side};
use crate::capture::Timestamp;

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
