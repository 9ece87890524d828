//! The lines of the details tree: what each says, which bytes it covers, and what kind of
//! line it is (the view opens and remembers sections by kind, never by their text).

use std::ops::Range;

use crate::decode::Field;
use crate::filter::FieldValue;

/// What a line of the tree is: a protocol layer, one of synack's sections, or a plain line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A field or a remark.
    Line,
    /// The frame: lengths, times, capture remarks.
    Frame,
    /// The link header (Ethernet II, or a line for other link types).
    Link,
    /// One 802.1Q tag.
    Vlan,
    /// Another outer layer of a tunnelled frame (MPLS, PPPoE, outer IP and UDP, GRE, ERSPAN,
    /// VXLAN, Geneve, GTP-U, an inner Ethernet header).
    Encap,
    /// IPv4 or IPv6.
    Ip,
    /// ARP.
    Arp,
    /// An EtherType synack does not decode.
    OtherNetwork,
    /// TCP.
    Tcp,
    /// The TCP options.
    TcpOptions,
    /// UDP.
    Udp,
    /// ICMP or ICMPv6.
    Icmp,
    /// A later IP fragment, or an IP protocol synack does not decode.
    OtherTransport,
    /// synack's analysis of the packet.
    Analysis,
    /// The packet's connection, inside the analysis.
    Connection,
    /// The application messages the segment carries, inside the analysis.
    Messages,
    /// The programs' calls behind the segment (a calls trace beside the capture).
    Calls,
}

impl NodeKind {
    /// Whether the section starts open: like Wireshark the lower layers start closed and
    /// TCP/UDP/ICMP open; synack also opens its analysis, the connection, the messages and
    /// the TCP options, which are what a learner looks for.
    pub fn opens_by_default(self) -> bool {
        !matches!(
            self,
            NodeKind::Line
                | NodeKind::Frame
                | NodeKind::Link
                | NodeKind::Vlan
                | NodeKind::Encap
                | NodeKind::Ip
        )
    }
}

/// One line of the details tree. In JSON (`synack read -V --json`): `kind`, `text`,
/// `range` (`{"start", "end"}`: the frame bytes, end excluded, or null), `filter` (the
/// display-filter field `{"name", "value"}` the line shows, when it names one) and
/// `children` (when it has sub-lines).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Node {
    /// What the line is.
    pub kind: NodeKind,
    /// Text shown.
    pub text: String,
    /// Bytes of the frame this line describes.
    pub range: Option<Range<usize>>,
    /// Sub-lines.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
    /// The display-filter field the line shows, for its right-click menu.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<FieldValue>,
}

impl Node {
    /// A plain line that covers `range` of the frame, or no byte.
    pub fn line(text: impl Into<String>, range: Option<Range<usize>>) -> Node {
        Node::section(NodeKind::Line, text, range)
    }

    /// A line of kind `kind` (its sub-lines are pushed to [`Node::children`]).
    pub fn section(kind: NodeKind, text: impl Into<String>, range: Option<Range<usize>>) -> Node {
        Node {
            kind,
            text: text.into(),
            range,
            children: Vec::new(),
            filter: None,
        }
    }

    /// The line with the filter field it shows (`Source port: 80` is `tcp.srcport == 80`).
    pub fn filtered(mut self, field: FieldValue) -> Node {
        self.filter = Some(field);
        self
    }

    /// Adds a sub-line.
    pub fn push(&mut self, child: Node) {
        self.children.push(child);
    }

    /// All lines in depth-first order (for tests and text export).
    pub fn flatten<'a>(&'a self, out: &mut Vec<&'a Node>) {
        out.push(self);
        for c in &self.children {
            c.flatten(out);
        }
    }
}

/// A header inside the frame: turns a protocol's field ranges (relative to the header's start,
/// from `decode`'s `field` modules) into byte ranges of the frame, clipped to what was captured.
#[derive(Debug, Clone, Copy)]
pub(super) struct Header {
    start: usize,
    captured: usize,
}

impl Header {
    /// The header starting at `start` of a frame of which `captured` bytes are present.
    pub(super) fn at(start: usize, captured: usize) -> Header {
        Header { start, captured }
    }

    /// The frame bytes of `field`, `None` when none of them was captured.
    pub(super) fn bytes(&self, field: Field) -> Option<Range<usize>> {
        let s = (self.start + field.start).min(self.captured);
        let e = (self.start + field.end).min(self.captured);
        (s < e).then_some(s..e)
    }

    /// A line describing `field` of this header.
    pub(super) fn field(&self, text: impl Into<String>, field: Field) -> Node {
        Node::line(text, self.bytes(field))
    }

    /// A `LABEL: VALUE` line describing `field` of this header, with its filter
    /// `FILTER == VALUE` (`Time to live: 64` is `ip.ttl == 64`).
    pub(super) fn value_field(
        &self,
        label: &str,
        filter: &str,
        value: impl std::fmt::Display,
        field: Field,
    ) -> Node {
        self.field(format!("{label}: {value}"), field)
            .filtered(FieldValue::new(filter, value))
    }

    /// A section of kind `kind` covering the header's first `len` bytes.
    pub(super) fn section(&self, kind: NodeKind, text: impl Into<String>, len: usize) -> Node {
        Node::section(kind, text, self.bytes(0..len))
    }
}

/// The smallest node range that contains `offset`.
pub fn field_at(nodes: &[Node], offset: usize) -> Option<Range<usize>> {
    let mut best: Option<Range<usize>> = None;
    let mut all = Vec::new();
    for n in nodes {
        n.flatten(&mut all);
    }
    for n in all {
        if let Some(r) = &n.range {
            if r.contains(&offset) && best.as_ref().is_none_or(|b| r.len() < b.len()) {
                best = Some(r.clone());
            }
        }
    }
    best
}
