//! Every word the ladder shows people, in one place, so that a translation catalogue can
//! take them over: arrow labels, notes, summaries, the header's explanation of the delays,
//! the legend and the text diagrams' captions.

use crate::decode::TcpFlags;

/// The two ends' names in the header, JSON and text diagrams.
pub const CLIENT: &str = "Client";
/// See [`CLIENT`].
pub const SERVER: &str = "Server";
/// Caption of the capture point's line.
pub const CAPTURE_POINT: &str = "capture point";
/// Caption over the time column.
pub const TIME_COLUMN: &str = "frame  time (s, from the connection's first packet)";
/// Shown under the last row while a replay hides later packets.
pub const REPLAY_CUT: &str = "replay cursor: later packets are hidden";
/// Hover text of a collapsed run's summary (screen only).
pub const RUN_EXPAND_HINT: &str = "Click to show each segment of this run";
/// Hover text of an expanded run's first label (screen only).
pub const RUN_COLLAPSE_HINT: &str = "Click to summarize this run again";

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

/// A TCP arrow's label: flags, relative seq/ack, length, a zero window.
pub fn tcp_label(flags: TcpFlags, seq: u32, ack: u32, len: u32, window: u32) -> String {
    let mut label = format!("{} seq={seq}", flag_words(flags));
    if flags.has(TcpFlags::ACK) {
        label.push_str(&format!(" ack={ack}"));
    }
    label.push_str(&format!(" len={len}"));
    if window == 0 && !flags.has(TcpFlags::RST) {
        label.push_str(" win=0");
    }
    label
}

/// A UDP arrow's label: the length and, when the payload is text, its beginning.
pub fn udp_label(len: u32, preview: Option<&str>) -> String {
    match preview {
        Some(p) => format!("UDP len={len} \"{p}\""),
        None => format!("UDP len={len}"),
    }
}

/// Note on a retransmission: which frame's bytes it sends again.
pub fn resends(frame: u64) -> String {
    format!("resends #{frame}")
}

/// Note on a segment that left the sender but never reached the receiver.
pub const LOST_AFTER_CAPTURE: &str = "lost after the capture point";

/// Note on a packet whose capture time is out of order with its neighbours'.
pub const TIME_OUT_OF_ORDER: &str = "capture time out of order: drawn at its neighbours' time";

/// Label of a segment that was never captured (a ghost).
pub fn ghost_label(bytes: u32, seq: u32, end: u32, arrived: bool) -> String {
    if arrived {
        format!("{bytes} B not captured (seq {seq}–{end}), acknowledged later")
    } else {
        format!("{bytes} B not captured (seq {seq}–{end}), lost before the capture point")
    }
}

/// The summary label of a run of equal data segments.
pub fn run_data_label(count: usize, len: u32, first_seq: u32, end_seq: u32) -> String {
    format!("{count} data segments, {len} B each (seq {first_seq}–{end_seq})")
}

/// The summary label of the ACKs inside a run.
pub fn run_ack_label(count: usize, first_ack: u32, last_ack: u32) -> String {
    if count == 1 {
        format!("1 ACK (ack {first_ack})")
    } else {
        format!("{count} ACKs (ack {first_ack}–{last_ack})")
    }
}

/// A duration for people: `850 µs`, `12.3 ms`, `4.80 s`, `3 min 20 s`.
pub fn duration(seconds: f64) -> String {
    let s = seconds.abs();
    if s < 1e-3 {
        format!("{:.0} µs", s * 1e6)
    } else if s < 0.1 {
        format!("{:.1} ms", s * 1e3)
    } else if s < 1.0 {
        format!("{:.0} ms", s * 1e3)
    } else if s < 120.0 {
        format!("{s:.2} s")
    } else {
        format!("{} min {:.0} s", (s / 60.0).floor(), s % 60.0)
    }
}

/// The text of an idle gap drawn as a break; `timeout` when a retransmission ends it.
pub fn break_label(seconds: f64, timeout: bool) -> String {
    if timeout {
        format!(
            "{} idle, then the retransmission timer fires",
            duration(seconds)
        )
    } else {
        format!("{} idle", duration(seconds))
    }
}

/// The header's account of the one-way delays the arrows are drawn with.
pub fn delays_note(
    client: f64,
    server: f64,
    measured: [bool; 2],
    exchanges: usize,
    udp: bool,
) -> String {
    let ms = |v: f64| format!("{:.3} ms", v * 1e3);
    let part = |name: &str, v: f64, known: bool| {
        if known {
            format!("{name} to capture point {}", ms(v))
        } else {
            format!(
                "{name} to capture point unknown (drawn as {}, a guess)",
                ms(v)
            )
        }
    };
    let basis = match (measured, udp) {
        ([false, false], _) => {
            "No answer captured: arrow slopes are a guess, not measured".to_string()
        }
        (_, false) => format!(
            "One-way delays from the quickest of {exchanges} answers, so that nothing is sent \
             before what it answers arrives"
        ),
        (_, true) => format!(
            "One-way delays from the quickest of {exchanges} turns, assuming each datagram may \
             answer the one before it"
        ),
    };
    format!(
        "{basis}: {}, {}",
        part("client", client, measured[0]),
        part("server", server, measured[1])
    )
}

/// Plain words for the legend entries, in drawing order.
pub const LEGEND: [&str; 11] = [
    "data",
    "ACK",
    "SYN / FIN",
    "RST",
    "retransmission",
    "duplicate ACK",
    "after a capture gap",
    "zero window",
    "other analysis flag",
    "lost after capture",
    "not captured",
];

/// Caption of a text diagram (Mermaid / PlantUML) when runs were summarized.
pub const TEXT_RUNS_NOTE: &str = "runs of equal segments are summarized; --expand lists each";
