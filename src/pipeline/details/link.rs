//! The frame and link-layer sections of the details tree: Frame, Ethernet II, 802.1Q tags.

use crate::capture::{Frame, Timestamp};
use crate::decode::ethernet::{self, mac_text};
use crate::decode::{read_u16, vlan, EncapKind, LinkInfo, Packet};

use super::node::{Header, Node, NodeKind};
use super::words;
use crate::filter::FieldValue;

/// The "Frame" section: lengths, arrival time, capture remarks. `first_ts` is the
/// capture's first timestamp.
pub(super) fn frame_node(frame: &Frame<'_>, p: &Packet, first_ts: Option<Timestamp>) -> Node {
    let n = frame.data.len();
    let mut fr = Node::section(
        NodeKind::Frame,
        // tshark's words, so `synack read -V` and `tshark -V` titles compare line for line.
        format!(
            "Frame {}: {} bytes on wire ({} bits), {} bytes captured ({} bits)",
            frame.number,
            frame.len,
            u64::from(frame.len) * 8,
            n,
            n * 8
        ),
        Some(0..n),
    )
    .filtered(FieldValue::new("frame.number", frame.number));
    if let Some(ts) = frame.ts {
        fr.push(Node::line(
            format!("Arrival time: {} UTC", words::absolute_time(ts)),
            None,
        ));
        if let Some(t0) = first_ts {
            fr.push(Node::line(
                format!(
                    "Time since first frame: {} s",
                    words::seconds_between(t0, ts)
                ),
                None,
            ));
        }
    }
    fr.push(Node::line(format!("Link type: {:?}", frame.link), None));
    if p.truncated {
        fr.push(Node::line(
            "Truncated: frame cut by the snapshot length",
            None,
        ));
    }
    if let Some(m) = &p.malformed {
        fr.push(Node::line(format!("Malformed: {m}"), None));
    }
    fr
}

/// The link-layer sections: Ethernet II and its VLAN tags, or one line naming another link
/// header (which runs up to `net_start`).
pub(super) fn link_nodes(frame: &Frame<'_>, p: &Packet, net_start: usize) -> Vec<Node> {
    let n = frame.data.len();
    let LinkInfo::Ethernet {
        src,
        dst,
        ether_type,
    } = &p.link
    else {
        // The link header runs up to the first outer layer, else to the network header.
        let end = p
            .encap
            .first()
            .map_or(net_start, |l| l.start as usize)
            .min(n);
        let mut out = vec![Node::section(
            NodeKind::Link,
            format!("Link: {:?}", p.link),
            (end > 0).then_some(0..end),
        )];
        out.extend(encap_nodes(frame.data, p));
        return out;
    };
    use ethernet::field;
    let h = Header::at(0, n);
    let mut l = h.section(
        NodeKind::Link,
        format!(
            "Ethernet II, Src: {}, Dst: {}",
            mac_text(src),
            mac_text(dst)
        ),
        field::HEADER_LEN,
    );
    l.push(h.field(
        format!("Destination: {}", mac_text(dst)),
        field::DESTINATION,
    ));
    l.push(h.field(format!("Source: {}", mac_text(src)), field::SOURCE));
    l.push(h.field(format!("Type: 0x{ether_type:04x}"), field::ETHER_TYPE));
    let mut out = vec![l];
    if p.encap.is_empty() {
        // VLAN tags follow the Ethernet addresses, one after the other.
        for (i, id) in p.vlan.as_slice().iter().enumerate() {
            let start = field::HEADER_LEN + vlan::field::TAG_LEN * i;
            out.push(vlan_node(frame.data, start, *id));
        }
    }
    out.extend(encap_nodes(frame.data, p));
    out
}

/// The outer layers of a tunnelled or tagged frame, outermost first, each over its header's
/// bytes (the innermost IP header and what it carries follow as usual).
pub(super) fn encap_nodes(data: &[u8], p: &Packet) -> Vec<Node> {
    p.encap
        .iter()
        .map(|layer| {
            let start = layer.start as usize;
            match layer.kind {
                EncapKind::Vlan {
                    tpid: 0x8100, id, ..
                } => vlan_node(data, start, id),
                kind => {
                    let end = (start + usize::from(layer.len)).min(data.len());
                    Node::section(
                        NodeKind::Encap,
                        kind.describe(),
                        (start < end).then_some(start..end),
                    )
                }
            }
        })
        .collect()
}

/// One 802.1Q tag starting at `start` of the frame.
fn vlan_node(data: &[u8], start: usize, id: u16) -> Node {
    use vlan::field;
    let h = Header::at(start, data.len());
    let tag = data.get(start..).unwrap_or_default();
    let mut v = Node::section(
        NodeKind::Vlan,
        format!("802.1Q Virtual LAN, ID: {id}"),
        h.bytes(0..field::TAG_LEN),
    );
    if let Some(tci) = read_u16(tag, field::TCI) {
        v.push(h.field(format!("Priority: {}", vlan::priority(tci)), field::TCI));
        v.push(h.field(format!("ID: {}", vlan::id(tci)), field::TCI));
    }
    if let Some(t) = read_u16(tag, field::ETHER_TYPE) {
        v.push(h.field(format!("Type: 0x{t:04x}"), field::ETHER_TYPE));
    }
    v
}
