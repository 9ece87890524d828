//! Every word the ladder shows people, in one place, so that a translation catalogue can
//! take them over: arrow labels, notes, summaries, the header's explanation of the delays,
//! the legend and the text diagrams' captions. The sentences live in the i18n catalogues
//! (`ladder-*` keys of `src/i18n/en.ftl` and `zh.ftl`) and come out in the thread's language;
//! protocol words (flag names, `seq=`, `ack=`, `len=`) stay as Wireshark writes them.

use crate::decode::TcpFlags;
use crate::i18n::{text, tr};

/// The client end's name in the header, JSON and text diagrams.
pub fn client() -> String {
    text("ladder-client")
}
/// The server end's name, see [`client`].
pub fn server() -> String {
    text("ladder-server")
}
/// Caption of the capture point's line.
pub fn capture_point() -> String {
    text("ladder-capture-point")
}
/// Caption over the time column.
pub fn time_column() -> String {
    text("ladder-time-column")
}
/// Shown under the last row while a replay hides later packets.
pub fn replay_cut() -> String {
    text("ladder-replay-cut")
}
/// Hover text of a collapsed run's summary (screen only).
pub fn run_expand_hint() -> String {
    text("ladder-run-expand")
}
/// Hover text of an expanded run's first label (screen only).
pub fn run_collapse_hint() -> String {
    text("ladder-run-collapse")
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
    tr!("ladder-resends", frame = frame)
}

/// Note on a segment that left the sender but never reached the receiver.
pub fn lost_after_capture() -> String {
    text("ladder-lost-after-capture")
}

/// Note on a packet whose capture time is out of order with its neighbours'.
pub fn time_out_of_order() -> String {
    text("ladder-time-out-of-order")
}

/// Label of a segment that was never captured (a ghost).
pub fn ghost_label(bytes: u32, seq: u32, end: u32, arrived: bool) -> String {
    let key = if arrived {
        "ladder-ghost-acked"
    } else {
        "ladder-ghost-lost"
    };
    tr!(key, bytes = bytes, seq = seq, end = end)
}

/// The summary label of a run of equal data segments.
pub fn run_data_label(count: usize, len: u32, first_seq: u32, end_seq: u32) -> String {
    tr!(
        "ladder-run-data",
        count = count,
        len = len,
        first = first_seq,
        end = end_seq
    )
}

/// The summary label of the ACKs inside a run.
pub fn run_ack_label(count: usize, first_ack: u32, last_ack: u32) -> String {
    if count == 1 {
        tr!("ladder-run-one-ack", ack = first_ack)
    } else {
        tr!(
            "ladder-run-acks",
            count = count,
            first = first_ack,
            last = last_ack
        )
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
        tr!(
            "ladder-minutes",
            min = (s / 60.0).floor(),
            s = format!("{:.0}", s % 60.0)
        )
    }
}

/// The text of an idle gap drawn as a break; `timeout` when a retransmission ends it.
pub fn break_label(seconds: f64, timeout: bool) -> String {
    let key = if timeout {
        "ladder-idle-timeout"
    } else {
        "ladder-idle"
    };
    tr!(key, duration = duration(seconds))
}

/// The header's account of the one-way delays the arrows are drawn with.
pub fn delays_note(d: &super::Delays, udp: bool) -> String {
    let ms = |ns: i64| format!("{:.3} ms", ns as f64 / 1e6);
    let part = |name: String, ns: i64, known: bool| {
        let key = if known {
            "ladder-delay-known"
        } else {
            "ladder-delay-guess"
        };
        tr!(key, name = name, delay = ms(ns))
    };
    let basis = match (d.measured, udp) {
        ([false, false], _) => text("ladder-delays-guess"),
        (_, false) => tr!("ladder-delays-tcp", exchanges = d.exchanges),
        (_, true) => tr!("ladder-delays-udp", exchanges = d.exchanges),
    };
    let basis = match d.calls {
        0 => basis,
        n => tr!("ladder-delays-calls", basis = basis, calls = n),
    };
    tr!(
        "ladder-delays-note",
        basis = basis,
        client = part(text("ladder-end-client"), d.client_ns, d.measured[0]),
        server = part(text("ladder-end-server"), d.server_ns, d.measured[1])
    )
}

/// The legend entries' catalogue keys, in drawing order.
const LEGEND_KEYS: [&str; 11] = [
    "ladder-legend-data",
    "ladder-legend-ack",
    "ladder-legend-syn-fin",
    "ladder-legend-rst",
    "ladder-legend-retransmission",
    "ladder-legend-dup-ack",
    "ladder-legend-after-gap",
    "ladder-legend-zero-window",
    "ladder-legend-other",
    "ladder-legend-lost",
    "ladder-legend-not-captured",
];

/// Plain words for the legend entries, in drawing order.
pub fn legend() -> [String; 11] {
    LEGEND_KEYS.map(text)
}

/// Caption of a text diagram (Mermaid / PlantUML) when runs were summarized.
pub fn text_runs_note() -> String {
    text("ladder-text-runs-note")
}
