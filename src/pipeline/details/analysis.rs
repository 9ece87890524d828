//! synack's own section of the details tree: the analysis flags with their reasons, the
//! events, the wire metrics, both sides' states and the connection.

use super::words;
use super::RowAnalysis;
use crate::analysis::{endpoint_string, AckFacts, Connection, Direction, TcpAnnotation};
use crate::filter::FieldValue;
use crate::i18n::tr;

use super::node::{Node, NodeKind};

/// The "Analysis" section. `wire` holds the SEQ/ACK analysis lines ([`wire_lines`]),
/// `messages` the application messages of the segment, when known.
pub(super) fn analysis_node(
    a: &RowAnalysis,
    rich: Option<&TcpAnnotation>,
    conn: Option<&Connection>,
    wire: Vec<Node>,
    messages: Option<Node>,
) -> Node {
    let mut l = Node::section(NodeKind::Analysis, tr!("details-analysis"), None);
    if let Some(r) = rich {
        for t in r.tags.as_slice() {
            l.push(
                Node::line(
                    tr!(
                        "details-flag",
                        label = tr!(t.flag.text_key(), frame = t.info.frame, num = t.info.num),
                        reason = t.reason_message().text(),
                        name = t.flag.name()
                    ),
                    None,
                )
                .filtered(FieldValue::protocol(format!(
                    "tcp.analysis.{}",
                    t.flag.name()
                ))),
            );
        }
        for e in r.events.as_slice() {
            l.push(Node::line(
                tr!(
                    "details-event",
                    name = words::event_text(e),
                    detail = e.describe()
                ),
                None,
            ));
        }
    }
    if a.tcp.is_some_and(|t| t.flags.0 == 0) && rich.is_none_or(|r| r.tags.is_empty()) {
        l.push(Node::line(tr!("details-no-flags"), None));
    }
    l.children.extend(wire);
    if let Some(t) = a.tcp {
        l.push(Node::line(
            tr!(
                "details-states",
                client = tr!(t.states[0].text_key()),
                server = tr!(t.states[1].text_key())
            ),
            None,
        ));
    }
    if let (Some(c), Some(f)) = (conn, a.flow) {
        l.push(connection_node(c, f.direction));
    }
    l.children.extend(messages);
    l
}

/// The packet's connection: endpoints, Zeek state and history, handshake RTT, close.
fn connection_node(c: &Connection, direction: Direction) -> Node {
    let mut cn = Node::section(
        NodeKind::Connection,
        tr!(
            "details-connection",
            stream = c.stream,
            client = endpoint_string(c.originator),
            server = endpoint_string(c.responder),
            zeek = c.zeek_state().to_string(),
            direction = tr!(match direction {
                Direction::ClientToServer => "details-client-to-server",
                Direction::ServerToClient => "details-server-to-client",
            })
        ),
        None,
    );
    cn.push(Node::line(
        tr!("details-history", history = c.history().to_string()),
        None,
    ));
    if let Some(rtt) = c.handshake_rtt_ms() {
        cn.push(Node::line(
            tr!("details-handshake-rtt", ms = format!("{rtt:.3}")),
            None,
        ));
    }
    if let Some(cp) = c.close_pattern() {
        cn.push(Node::line(
            tr!(
                "details-close",
                close = tr!(cp.text_key()),
                name = cp.name()
            ),
            None,
        ));
    }
    cn
}

/// The line that stands for the SEQ/ACK analysis lines of a connection too long to analyse
/// again when one of its packets is selected.
pub fn wire_too_long_line() -> Node {
    Node::line(tr!("details-wire-too-long"), None)
}

/// The SEQ/ACK analysis lines of a packet (which segment it acknowledges, the RTT, bytes in
/// flight), as Wireshark words them.
pub fn wire_lines(a: &AckFacts) -> Vec<Node> {
    let mut out = Vec::new();
    if let Some(f) = a.acks_frame {
        out.push(wire_line(
            "This is an ACK to the segment in frame",
            f,
            "",
            "tcp.analysis.acks_frame",
        ));
    }
    if let Some(ns) = a.ack_rtt() {
        out.push(wire_line(
            "The RTT to ACK the segment was",
            words::seconds_text(ns),
            " seconds",
            "tcp.analysis.ack_rtt",
        ));
    }
    if let Some(b) = a.bytes_in_flight {
        out.push(wire_line(
            "Bytes in flight",
            b,
            "",
            "tcp.analysis.bytes_in_flight",
        ));
    }
    out
}

/// One SEQ/ACK analysis line as Wireshark words it, `LABEL: VALUE[UNIT]  (FILTER)`, with
/// its filter `FILTER == VALUE`.
fn wire_line(label: &str, value: impl std::fmt::Display, unit: &str, filter: &str) -> Node {
    Node::line(format!("{label}: {value}{unit}  ({filter})"), None)
        .filtered(FieldValue::new(filter, value))
}
