//! The text of the packet list's columns, shared by the table and "copy as text".

use crate::i18n::tr;
use std::fmt::Write as _;

use crate::analysis::{Flag, TcpAnnotation};
use crate::capture::Frame;
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

pub use crate::pipeline::details::words::{
    absolute_time, event_text, seconds_between, seconds_text,
};

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
