//! The transport-layer section of the details tree: TCP (with its options), UDP, ICMP.

use super::RowAnalysis;
use crate::decode::{icmp, icmp_summary, tcp, udp, Packet, TcpFlags, TcpInfo, Transport, UdpInfo};

use super::node::{Header, Node, NodeKind};
use crate::filter::FieldValue;

/// The transport section of `p`, whose frame has `frame.len()` captured bytes; `a` adds the
/// analysis' relative numbers and stream index.
pub(super) fn transport_node(frame: &[u8], p: &Packet, a: &RowAnalysis) -> Option<Node> {
    let captured = frame.len();
    let start = p.offsets.transport.map_or(captured, |o| o as usize);
    let h = Header::at(start, captured);
    let payload_start = p.offsets.payload.map(|o| o as usize);
    match &p.transport {
        Transport::Tcp(t) => {
            let mut l = tcp_node(frame, t, a, h);
            if t.len > 0 {
                if let Some(ps) = payload_start {
                    l.push(payload_line("TCP", ps, t.len, captured));
                }
            }
            Some(l)
        }
        Transport::Udp(u) => {
            let mut l = udp_node(u, h);
            l.children.extend(stream_line(a));
            if let Some(ps) = payload_start {
                l.push(payload_line("UDP", ps, u.len, captured));
            }
            Some(l)
        }
        Transport::Icmp(i) | Transport::Icmpv6(i) => {
            use icmp::field;
            let v6 = matches!(p.transport, Transport::Icmpv6(_));
            let proto = if v6 { "icmpv6" } else { "icmp" };
            let mut l = h
                .section(
                    NodeKind::Icmp,
                    format!(
                        "{}: {}",
                        if v6 { "ICMPv6" } else { "ICMP" },
                        icmp_summary(v6, *i)
                    ),
                    captured.saturating_sub(start),
                )
                .filtered(FieldValue::protocol(proto));
            l.push(h.value_field("Type", &format!("{proto}.type"), i.icmp_type, field::TYPE));
            l.push(h.value_field("Code", &format!("{proto}.code"), i.code, field::CODE));
            Some(l)
        }
        Transport::Fragment { protocol } => Some(Node::section(
            NodeKind::OtherTransport,
            format!("IP fragment of protocol {protocol}; the header is in the first fragment"),
            None,
        )),
        Transport::Other { protocol } => Some(Node::section(
            NodeKind::OtherTransport,
            format!("IP protocol {protocol} (not decoded)"),
            None,
        )),
        Transport::None => None,
    }
}

/// `Stream index: 3` (Wireshark's `tcp.stream` / `udp.stream`), when the analysis gave one.
fn stream_line(a: &RowAnalysis) -> Option<Node> {
    a.flow.map(|flow| {
        Node::line(format!("Stream index: {}", flow.stream), None)
            .filtered(FieldValue::stream(flow.proto, flow.stream))
    })
}

/// `TCP payload: 14 bytes`, covering the payload's captured bytes.
fn payload_line(proto: &str, start: usize, len: u32, captured: usize) -> Node {
    Node::line(
        format!("{proto} payload: {len} bytes"),
        Some(start.min(captured)..(start + len as usize).min(captured)),
    )
}

fn tcp_node(frame: &[u8], t: &TcpInfo, a: &RowAnalysis, h: Header) -> Node {
    use tcp::field;
    let hl = t.header_len as usize;
    let (rseq, rack) = a.tcp.map_or((t.seq, t.ack), |x| (x.seq, x.ack));
    // tshark's title: the acknowledgment number only when the ACK flag is set.
    let ack = if t.flags.has(TcpFlags::ACK) {
        format!("Ack: {rack}, ")
    } else {
        String::new()
    };
    let mut l = h
        .section(
            NodeKind::Tcp,
            format!(
                "Transmission Control Protocol, Src Port: {}, Dst Port: {}, Seq: {rseq}, {ack}Len: {}",
                t.sport, t.dport, t.len
            ),
            hl,
        )
        .filtered(FieldValue::protocol("tcp"));
    l.push(h.value_field("Source port", "tcp.srcport", t.sport, field::SRC_PORT));
    l.push(h.value_field("Destination port", "tcp.dstport", t.dport, field::DST_PORT));
    l.children.extend(stream_line(a));
    l.push(
        h.field(
            format!("Sequence number: {rseq} (relative), raw {}", t.seq),
            field::SEQ,
        )
        .filtered(FieldValue::new("tcp.seq", rseq)),
    );
    if let Some(x) = a.tcp {
        l.push(Node::line(
            format!("Next sequence number: {} (relative)", x.next_seq),
            None,
        ));
    }
    l.push(
        h.field(
            format!("Acknowledgment number: {rack} (relative), raw {}", t.ack),
            field::ACK,
        )
        .filtered(FieldValue::new("tcp.ack", rack)),
    );
    l.push(
        h.field(format!("Header length: {hl} bytes"), field::DATA_OFFSET)
            .filtered(FieldValue::new("tcp.hdr_len", hl)),
    );
    l.push(
        h.field(
            format!("Flags: 0x{:03x} [{}]", t.flags.0, t.flags.names()),
            field::ALL_FLAGS,
        )
        .filtered(FieldValue::new("tcp.flags", format!("0x{:03x}", t.flags.0))),
    );
    let win = a.tcp.map_or(u32::from(t.window), |x| x.window);
    l.push(
        h.field(
            format!("Window: {} (calculated window size {win})", t.window),
            field::WINDOW,
        )
        .filtered(FieldValue::new("tcp.window_size_value", t.window)),
    );
    l.push(h.field(format!("Checksum: 0x{:04x}", t.checksum), field::CHECKSUM));
    l.push(h.field(format!("Urgent pointer: {}", t.urgent), field::URGENT));
    if t.options.len > 0 {
        let os = t.options.start as usize;
        let mut opts = Node::section(
            NodeKind::TcpOptions,
            format!("Options: {} bytes", t.options.len),
            Some(os.min(frame.len())..(os + t.options.len as usize).min(frame.len())),
        );
        for (o, r) in t.options.spans(frame) {
            opts.push(Node::line(o.detail(), Some(r)));
        }
        l.push(opts);
    }
    l
}

fn udp_node(u: &UdpInfo, h: Header) -> Node {
    use udp::field;
    let mut l = h
        .section(
            NodeKind::Udp,
            format!(
                "User Datagram Protocol, Src Port: {}, Dst Port: {}",
                u.sport, u.dport
            ),
            field::HEADER_LEN,
        )
        .filtered(FieldValue::protocol("udp"));
    l.push(h.value_field("Source port", "udp.srcport", u.sport, field::SRC_PORT));
    l.push(h.value_field("Destination port", "udp.dstport", u.dport, field::DST_PORT));
    let length = u.len + field::HEADER_LEN as u32;
    l.push(h.value_field("Length", "udp.length", length, field::LENGTH));
    l.push(h.field("Checksum", field::CHECKSUM));
    l
}
