//! The packet details tree: one section per layer (frame, link, outer encapsulation layers,
//! network, transport), each line knowing the frame bytes it describes and the display-filter
//! field it shows, and synack's own Analysis section (flags with their reasons, events, the
//! SEQ/ACK analysis, both sides' states, the connection, the messages the segment carries).
//!
//! Built once from what the pipeline produced for a frame (its decoding, the engine's
//! annotation, the stream module's message events) and shared by every view: the window
//! paints it (Wireshark's details pane, with the hex pane's two-way link through
//! [`field_at`]); `synack read -V` prints it as text ([`write_text`]), and with `--json` as
//! objects. One module per layer (`link`, `network`, `transport`, `analysis`); every
//! byte range comes from the protocol's `field` module in [`crate::decode`].

mod analysis;
mod link;
mod network;
mod node;
mod transport;
pub mod words;

#[cfg(test)]
mod tests;

use std::io::{self, Write};

use crate::analysis::{Annotation, Connection, FlagSet, FlowRef, TcpAnnotation, TcpState};
use crate::capture::{Frame, Timestamp};
use crate::decode::Packet;
use crate::i18n::tr;
use crate::stream::follow::StickyEvent;

pub use analysis::{wire_lines, wire_too_long_line};
pub use node::{field_at, Node, NodeKind};

/// The analysis of one TCP segment, compact enough for a view to keep for every packet.
#[derive(Debug, Clone, Copy)]
pub struct TcpSummary {
    /// Relative sequence number.
    pub seq: u32,
    /// Relative acknowledgment number.
    pub ack: u32,
    /// Segment length.
    pub len: u32,
    /// Relative sequence number after this segment.
    pub next_seq: u32,
    /// Window after scaling.
    pub window: u32,
    /// TCP state of (originator, responder) after this packet.
    pub states: [TcpState; 2],
    /// Analysis flags present on the packet (their facts are in the full annotation).
    pub flags: FlagSet,
}

/// The analysis of one packet as a view keeps it: its connection and TCP facts.
#[derive(Debug, Clone, Copy, Default)]
pub struct RowAnalysis {
    /// Connection and direction, when the packet belongs to one.
    pub flow: Option<FlowRef>,
    /// TCP facts, for TCP packets.
    pub tcp: Option<TcpSummary>,
}

impl From<&Annotation> for RowAnalysis {
    fn from(a: &Annotation) -> RowAnalysis {
        RowAnalysis {
            flow: a.flow,
            tcp: a.tcp.as_ref().map(TcpSummary::from),
        }
    }
}

impl From<&TcpAnnotation> for TcpSummary {
    fn from(t: &TcpAnnotation) -> TcpSummary {
        TcpSummary {
            seq: t.seq,
            ack: t.ack,
            len: t.len,
            next_seq: t.next_seq,
            window: t.window,
            states: t.states,
            flags: t.tags.set(),
        }
    }
}

/// Everything the tree of one packet is built from.
pub struct TreeInput<'a> {
    /// The frame.
    pub frame: &'a Frame<'a>,
    /// Its decoding.
    pub packet: &'a Packet,
    /// Its analysis.
    pub analysis: &'a RowAnalysis,
    /// Its full annotation, when it has flags or events.
    pub rich: Option<&'a TcpAnnotation>,
    /// Its connection (left out when it would tell what comes after this frame, as during
    /// the window's replay or in a single pass over a file).
    pub connection: Option<&'a Connection>,
    /// The capture's first timestamp.
    pub first_ts: Option<Timestamp>,
    /// The SEQ/ACK analysis lines ([`wire_lines`]).
    pub wire: Vec<Node>,
    /// The messages the segment carries ([`messages_node`]).
    pub messages: Option<Node>,
}

/// Builds the tree of one packet: synack's analysis first for TCP (what a learner opens the
/// details for), then the frame and each layer from the link up.
pub fn build_tree(input: TreeInput<'_>) -> Vec<Node> {
    let frame = input.frame;
    let p = input.packet;
    let captured = frame.data.len();
    let net_start = p.offsets.net.map_or(captured, |o| o as usize);
    let mut out = vec![link::frame_node(frame, p, input.first_ts)];
    out.extend(link::link_nodes(frame, p, net_start));
    out.extend(network::network_node(&p.net, net_start, captured));
    out.extend(transport::transport_node(frame.data, p, input.analysis));
    if p.tcp().is_some() {
        let a = analysis::analysis_node(
            input.analysis,
            input.rich,
            input.connection,
            input.wire,
            input.messages,
        );
        out.insert(0, a);
    }
    out
}

/// The "Messages" section of a segment: the message events the stream module found in it
/// (`framing` names the framing that found them, when known).
pub fn messages_node(framing: Option<&str>, events: &[StickyEvent]) -> Node {
    let title = match framing {
        Some(f) => tr!("details-messages", framing = f.to_string()),
        None => tr!("details-messages-any-framing"),
    };
    let mut n = Node::section(NodeKind::Messages, title, None);
    if events.is_empty() {
        n.push(Node::line(tr!("details-no-boundary"), None));
    }
    for e in events {
        n.push(Node::line(event_text(e), None));
    }
    n
}

/// A sticky-packet event in this thread's language (English: the event's `describe`, the
/// words of `synack read`).
fn event_text(e: &StickyEvent) -> String {
    match e {
        StickyEvent::MessageBoundary { starts, ends } => {
            tr!("details-sticky-boundary", starts = *starts, ends = *ends)
        }
        StickyEvent::Coalesced { first, count } => tr!(
            "details-sticky-coalesced",
            count = *count,
            first = *first,
            last = first + count - 1
        ),
        StickyEvent::Split { message, frames } => {
            let frames: Vec<String> = frames.iter().map(u64::to_string).collect();
            tr!(
                "details-sticky-split",
                message = *message,
                frames = frames.join(",")
            )
        }
    }
}

/// The "Messages" section when the messages were not computed, saying why.
pub fn messages_skipped(why: &str) -> Node {
    Node::section(
        NodeKind::Messages,
        tr!("details-messages-skipped", why = why.to_string()),
        None,
    )
}

/// Writes `nodes` as tshark -V prints its tree: each section's title at the left margin, its
/// lines indented by four spaces per level.
pub fn write_text(out: &mut impl Write, nodes: &[Node]) -> io::Result<()> {
    fn line(out: &mut impl Write, n: &Node, depth: usize) -> io::Result<()> {
        writeln!(out, "{:width$}{}", "", n.text, width = depth * 4)?;
        n.children.iter().try_for_each(|c| line(out, c, depth + 1))
    }
    nodes.iter().try_for_each(|n| line(out, n, 0))
}
