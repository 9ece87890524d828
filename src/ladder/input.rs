//! What the ladder is built from: one record per captured packet of the connection, as the
//! analysis engine annotated it, whoever read the packets (the desktop view's store, or
//! [`collect`] reading a capture file for `synack ladder`).

use std::path::Path;

use crate::analysis::{
    endpoint_string, ClosePattern, Direction, Events, FlowProto, Tags, TcpState,
};
use crate::capture::{CaptureInput, FileReader};
use crate::decode::{Packet, TcpFlags, Transport};

use super::model::End;

/// The connection the ladder draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnInfo {
    /// TCP or UDP.
    pub proto: FlowProto,
    /// Stream number (tshark's `tcp.stream` / `udp.stream`).
    pub stream: u32,
    /// Client address (`ip:port`): the side that sent the first SYN (or datagram).
    pub client: String,
    /// Server address.
    pub server: String,
    /// How the TCP connection ended, when known.
    pub close: Option<ClosePattern>,
}

impl ConnInfo {
    /// The description of a connection record of the engine.
    pub fn of(c: &crate::analysis::Connection) -> ConnInfo {
        ConnInfo {
            proto: c.proto,
            stream: c.stream,
            client: endpoint_string(c.originator),
            server: endpoint_string(c.responder),
            close: c.close_pattern(),
        }
    }
}

/// What the engine said about one TCP segment, as far as the ladder needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpSeen {
    /// TCP header flags.
    pub flags: TcpFlags,
    /// Relative sequence number.
    pub seq: u32,
    /// Relative acknowledgment number.
    pub ack: u32,
    /// Relative sequence number after the segment (SYN and FIN count one).
    pub next_seq: u32,
    /// Calculated window.
    pub window: u32,
    /// Analysis flags with their facts.
    pub tags: Tags,
    /// Handshake and teardown events.
    pub events: Events,
    /// States of (client, server) after the segment.
    pub states: [TcpState; 2],
}

/// One captured packet of the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The caller's handle of the packet (the store index in the desktop view, the frame's
    /// position in the file for the command line): what selecting an arrow selects.
    pub index: usize,
    /// Frame number.
    pub number: u64,
    /// Capture time (ns since the epoch), when the file has one.
    pub ts_ns: Option<i64>,
    /// Sender.
    pub from: End,
    /// Payload length.
    pub len: u32,
    /// TCP facts (None for UDP).
    pub tcp: Option<TcpSeen>,
    /// For UDP: the payload's beginning when it is text (shown in the label).
    pub preview: Option<String>,
}

/// The beginning of a payload when it reads as text (at most `max` characters).
pub fn text_preview(payload: &[u8], max: usize) -> Option<String> {
    if payload.is_empty() {
        return None;
    }
    let head = &payload[..payload.len().min(max * 4)];
    let text = String::from_utf8_lossy(head);
    let printable = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\r' || *c == '\t')
        .count();
    if printable * 10 < text.chars().count() * 9 || text.contains('\u{fffd}') {
        return None;
    }
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if text.chars().count() > max || payload.len() > head.len() {
        out.push('…');
    }
    Some(out.trim_end().to_string())
}

/// The record of one packet of the connection, from its decode and annotation.
pub fn seen(
    index: usize,
    number: u64,
    ts_ns: Option<i64>,
    packet: &Packet,
    payload: &[u8],
    direction: Direction,
    tcp: Option<&crate::analysis::TcpAnnotation>,
) -> Seen {
    let from = match direction {
        Direction::ClientToServer => End::Client,
        Direction::ServerToClient => End::Server,
    };
    let (len, tcp_seen, preview) = match (&packet.transport, tcp) {
        (Transport::Tcp(t), Some(a)) => (
            a.len,
            Some(TcpSeen {
                flags: t.flags,
                seq: a.seq,
                ack: a.ack,
                next_seq: a.next_seq,
                window: a.window,
                tags: a.tags,
                events: a.events,
                states: a.states,
            }),
            None,
        ),
        (Transport::Udp(u), _) => (u.len, None, text_preview(payload, 24)),
        _ => (0, None, None),
    };
    Seen {
        index,
        number,
        ts_ns,
        from,
        len,
        tcp: tcp_seen,
        preview,
    }
}

/// One connection's packets read from a capture file.
#[derive(Debug, Clone)]
pub struct Collected {
    /// The connection, when the file has it.
    pub info: Option<ConnInfo>,
    /// Its packets, in capture order.
    pub seen: Vec<Seen>,
    /// The read error that stopped the file early, if any.
    pub damaged: Option<String>,
    /// How many connections of the protocol the file has.
    pub streams: usize,
}

/// Reads a capture file and returns the connection `stream` of `proto` and its packets.
pub fn collect(path: &Path, proto: FlowProto, stream: u32) -> anyhow::Result<Collected> {
    Ok(collect_from(FileReader::open(path)?.into(), proto, stream))
}

/// [`collect`] from any capture input (standard input, a FIFO, several files merged), read
/// once.
pub fn collect_from(reader: CaptureInput, proto: FlowProto, stream: u32) -> Collected {
    let mut out = Vec::new();
    let mut position = 0usize;
    let done = crate::pipeline::analyse_file(reader, 1, |frame, packet, ann| {
        if let Some(flow) = ann.flow.filter(|f| f.proto == proto && f.stream == stream) {
            out.push(seen(
                position,
                frame.number,
                frame.ts.map(|t| t.as_nanos()),
                packet,
                packet.payload(frame.data),
                flow.direction,
                ann.tcp.as_ref(),
            ));
        }
        position += 1;
        std::ops::ControlFlow::Continue(())
    });
    Collected {
        info: done.engine.connection(proto, stream).map(ConnInfo::of),
        seen: out,
        damaged: done.error.map(|e| e.to_string()),
        streams: done
            .engine
            .connections()
            .iter()
            .filter(|c| c.proto == proto)
            .count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_only_text() {
        assert_eq!(
            text_preview(b"hello world\n", 24).as_deref(),
            Some("hello world")
        );
        assert_eq!(text_preview(&[0, 1, 2, 3, 0xff, 0x80], 24), None);
        assert_eq!(
            text_preview(b"abcdefghijklmnopqrstuvwxyz0123", 10).as_deref(),
            Some("abcdefghij…")
        );
        assert_eq!(text_preview(b"", 10), None);
    }
}
