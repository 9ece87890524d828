//! Analysis flags (Wireshark's `tcp.analysis.*` names) and the reasons attached to them.
//!
//! A [`Tag`] stores only numbers, so tagging a packet allocates nothing; [`Tag::reason`]
//! turns them into a sentence when someone wants to read it.

use std::fmt;

use crate::i18n::{Lang, Message};

/// One Wireshark-compatible analysis flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Flag {
    /// `tcp.analysis.retransmission` (also set on fast and spurious retransmissions).
    #[default]
    Retransmission,
    /// `tcp.analysis.fast_retransmission`.
    FastRetransmission,
    /// `tcp.analysis.spurious_retransmission`.
    SpuriousRetransmission,
    /// `tcp.analysis.out_of_order`.
    OutOfOrder,
    /// `tcp.analysis.lost_segment` (previous segment not captured).
    LostSegment,
    /// `tcp.analysis.duplicate_ack`.
    DuplicateAck,
    /// `tcp.analysis.ack_lost_segment` (ACKed segment not captured).
    AckLostSegment,
    /// `tcp.analysis.zero_window`.
    ZeroWindow,
    /// `tcp.analysis.zero_window_probe`.
    ZeroWindowProbe,
    /// `tcp.analysis.zero_window_probe_ack`.
    ZeroWindowProbeAck,
    /// `tcp.analysis.window_full`.
    WindowFull,
    /// `tcp.analysis.window_update`.
    WindowUpdate,
    /// `tcp.analysis.keep_alive`.
    KeepAlive,
    /// `tcp.analysis.keep_alive_ack`.
    KeepAliveAck,
    /// `tcp.analysis.reused_ports`.
    ReusedPorts,
}

impl Flag {
    /// Every flag, in the order of the `flows` columns.
    pub const ALL: [Flag; 15] = [
        Flag::Retransmission,
        Flag::FastRetransmission,
        Flag::SpuriousRetransmission,
        Flag::OutOfOrder,
        Flag::LostSegment,
        Flag::DuplicateAck,
        Flag::AckLostSegment,
        Flag::ZeroWindow,
        Flag::ZeroWindowProbe,
        Flag::ZeroWindowProbeAck,
        Flag::WindowFull,
        Flag::WindowUpdate,
        Flag::KeepAlive,
        Flag::KeepAliveAck,
        Flag::ReusedPorts,
    ];

    /// The name after `tcp.analysis.`: `retransmission`, `duplicate_ack`, ...
    pub fn name(self) -> &'static str {
        &self.filter_name()["tcp.analysis.".len()..]
    }

    /// The display-filter field: `tcp.analysis.retransmission`, ...
    pub fn filter_name(self) -> &'static str {
        match self {
            Flag::Retransmission => "tcp.analysis.retransmission",
            Flag::FastRetransmission => "tcp.analysis.fast_retransmission",
            Flag::SpuriousRetransmission => "tcp.analysis.spurious_retransmission",
            Flag::OutOfOrder => "tcp.analysis.out_of_order",
            Flag::LostSegment => "tcp.analysis.lost_segment",
            Flag::DuplicateAck => "tcp.analysis.duplicate_ack",
            Flag::AckLostSegment => "tcp.analysis.ack_lost_segment",
            Flag::ZeroWindow => "tcp.analysis.zero_window",
            Flag::ZeroWindowProbe => "tcp.analysis.zero_window_probe",
            Flag::ZeroWindowProbeAck => "tcp.analysis.zero_window_probe_ack",
            Flag::WindowFull => "tcp.analysis.window_full",
            Flag::WindowUpdate => "tcp.analysis.window_update",
            Flag::KeepAlive => "tcp.analysis.keep_alive",
            Flag::KeepAliveAck => "tcp.analysis.keep_alive_ack",
            Flag::ReusedPorts => "tcp.analysis.reused_ports",
        }
    }

    /// Wireshark's Info-column marker: `[TCP Retransmission]`, or for a duplicate ACK
    /// `[TCP Dup ACK 12#2]` (the ACK it repeats, and how many times so far).
    pub fn marker(self, frame: u64, num: u32) -> String {
        match self {
            Flag::DuplicateAck => format!("[TCP Dup ACK {frame}#{num}]"),
            f => format!("[{}]", f.label()),
        }
    }

    /// Wireshark's Info-column label, e.g. `TCP Retransmission`.
    pub fn label(self) -> &'static str {
        match self {
            Flag::Retransmission => "TCP Retransmission",
            Flag::FastRetransmission => "TCP Fast Retransmission",
            Flag::SpuriousRetransmission => "TCP Spurious Retransmission",
            Flag::OutOfOrder => "TCP Out-Of-Order",
            Flag::LostSegment => "TCP Previous segment not captured",
            Flag::DuplicateAck => "TCP Dup ACK",
            Flag::AckLostSegment => "TCP ACKed unseen segment",
            Flag::ZeroWindow => "TCP ZeroWindow",
            Flag::ZeroWindowProbe => "TCP ZeroWindowProbe",
            Flag::ZeroWindowProbeAck => "TCP ZeroWindowProbeAck",
            Flag::WindowFull => "TCP Window Full",
            Flag::WindowUpdate => "TCP Window Update",
            Flag::KeepAlive => "TCP Keep-Alive",
            Flag::KeepAliveAck => "TCP Keep-Alive ACK",
            Flag::ReusedPorts => "TCP Port numbers reused",
        }
    }

    /// The catalogue key of the flag's name for people ([`crate::i18n`]): `flag-retransmission`,
    /// `flag-duplicate-ack`, ...
    pub fn text_key(self) -> &'static str {
        match self {
            Flag::Retransmission => "flag-retransmission",
            Flag::FastRetransmission => "flag-fast-retransmission",
            Flag::SpuriousRetransmission => "flag-spurious-retransmission",
            Flag::OutOfOrder => "flag-out-of-order",
            Flag::LostSegment => "flag-lost-segment",
            Flag::DuplicateAck => "flag-duplicate-ack",
            Flag::AckLostSegment => "flag-ack-lost-segment",
            Flag::ZeroWindow => "flag-zero-window",
            Flag::ZeroWindowProbe => "flag-zero-window-probe",
            Flag::ZeroWindowProbeAck => "flag-zero-window-probe-ack",
            Flag::WindowFull => "flag-window-full",
            Flag::WindowUpdate => "flag-window-update",
            Flag::KeepAlive => "flag-keep-alive",
            Flag::KeepAliveAck => "flag-keep-alive-ack",
            Flag::ReusedPorts => "flag-reused-ports",
        }
    }

    /// Bit of this flag in a [`FlagSet`].
    pub fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of flags as bits: cheap to store per direction (Wireshark's `lastsegmentflags`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlagSet(pub u16);

impl FlagSet {
    /// True when `flag` is in the set.
    pub fn has(self, flag: Flag) -> bool {
        self.0 & flag.bit() != 0
    }

    /// Adds `flag`.
    pub fn insert(&mut self, flag: Flag) {
        self.0 |= flag.bit();
    }
}

/// The numbers behind a flag, all relative to the connection (relative sequence numbers,
/// frame numbers, nanoseconds). Unused fields are zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TagInfo {
    /// A frame the flag refers to (the original transmission, the ACK duplicated, ...).
    pub frame: u64,
    /// Time since that frame, in nanoseconds.
    pub delta_ns: i64,
    /// A count (duplicate ACK number) or a window value.
    pub num: u32,
    /// First relative sequence number concerned.
    pub seq: u32,
    /// Relative sequence number after the last byte concerned.
    pub end: u32,
}

/// One analysis flag on one packet, with the facts that explain it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tag {
    /// The flag.
    pub flag: Flag,
    /// The numbers behind it.
    pub info: TagInfo,
}

fn ms(ns: i64) -> String {
    let v = ns as f64 / 1e6;
    if v.abs() >= 10.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.3} ms")
    }
}

impl Tag {
    /// A one-line explanation for people, in English, e.g. "seq 1449–2897 already sent in
    /// frame 12, 203 ms earlier" (the command line's output; the window renders
    /// [`Tag::reason_message`] in its language).
    pub fn reason(&self) -> String {
        self.reason_message().text_in(Lang::En)
    }

    /// The explanation as a catalogue key and its numbers, for a consumer to render in its
    /// language ([`crate::i18n`]).
    pub fn reason_message(&self) -> Message {
        let i = &self.info;
        let m = Message::new;
        // The sequence range `seq..end` most reasons name.
        let span = |key| m(key).arg("seq", i.seq).arg("end", i.end);
        match self.flag {
            Flag::Retransmission if i.frame != 0 => span("reason-retransmission-of")
                .arg("frame", i.frame)
                .arg("delta", ms(i.delta_ns)),
            Flag::Retransmission => span("reason-retransmission-below").arg("highest", i.num),
            Flag::FastRetransmission => m("reason-fast-retransmission")
                .arg("seq", i.seq)
                .arg("dups", i.num)
                .arg("delta", ms(i.delta_ns)),
            Flag::SpuriousRetransmission => {
                span("reason-spurious-retransmission").arg("ack", i.num)
            }
            Flag::OutOfOrder => span("reason-out-of-order")
                .arg("delta", ms(i.delta_ns))
                .arg("frame", i.frame),
            Flag::LostSegment => m("reason-lost-segment")
                .arg("seq", i.seq)
                .arg("expected", i.end)
                .arg("missing", i.seq.wrapping_sub(i.end)),
            Flag::DuplicateAck => m("reason-duplicate-ack")
                .arg("ack", i.seq)
                .arg("count", i.num)
                .arg("frame", i.frame),
            Flag::AckLostSegment => m("reason-ack-lost-segment")
                .arg("ack", i.seq)
                .arg("seen", i.end),
            Flag::ZeroWindow => m("reason-zero-window"),
            Flag::ZeroWindowProbe => m("reason-zero-window-probe").arg("seq", i.seq),
            Flag::ZeroWindowProbeAck => m("reason-zero-window-probe-ack"),
            Flag::WindowFull => m("reason-window-full").arg("end", i.end),
            Flag::WindowUpdate => m("reason-window-update")
                .arg("from", i.seq)
                .arg("to", i.num),
            Flag::KeepAlive if i.end == 1 => m("reason-keep-alive-zero-window")
                .arg("seq", i.seq)
                .arg("bytes", i.num),
            Flag::KeepAlive => m("reason-keep-alive").arg("seq", i.seq).arg("bytes", i.num),
            Flag::KeepAliveAck => m("reason-keep-alive-ack"),
            Flag::ReusedPorts => m("reason-reused-ports").arg("stream", i.num),
        }
    }
}

/// Capacity of a [`Tags`] list: more flags than can co-occur on one packet.
pub const MAX_TAGS: usize = 8;

/// The flags of one packet, in a fixed-size list (no allocation per packet).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tags {
    items: [Tag; MAX_TAGS],
    len: u8,
}

impl Tags {
    /// Adds a tag (ignored when full, which the checks cannot reach).
    pub fn push(&mut self, flag: Flag, info: TagInfo) {
        if (self.len as usize) < MAX_TAGS {
            self.items[self.len as usize] = Tag { flag, info };
            self.len += 1;
        }
    }

    /// The tags in the order the checks found them.
    pub fn as_slice(&self) -> &[Tag] {
        &self.items[..self.len as usize]
    }

    /// True when `flag` is present.
    pub fn has(&self, flag: Flag) -> bool {
        self.as_slice().iter().any(|t| t.flag == flag)
    }

    /// The tag for `flag`, if present.
    pub fn get(&self, flag: Flag) -> Option<&Tag> {
        self.as_slice().iter().find(|t| t.flag == flag)
    }

    /// True when there are no tags.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The flags as a bit set.
    pub fn set(&self) -> FlagSet {
        let mut s = FlagSet::default();
        for t in self.as_slice() {
            s.insert(t.flag);
        }
        s
    }
}
