//! The details tree against the bytes: every field's range holds the value its line shows.

use std::net::IpAddr;

use super::RowAnalysis;
use super::{build_tree, Node, NodeKind, TreeInput};
use crate::capture::{FileReader, Frame, FrameSource};
use crate::decode::{decode, Packet};

/// Every frame of the captures `names` (paths below the crate's root), decoded.
fn each_frame(names: &[&str], mut f: impl FnMut(&str, &Frame<'_>, &Packet)) {
    for name in names {
        let path = format!("{}/{name}", env!("CARGO_MANIFEST_DIR"));
        let mut reader = FileReader::open(&path).expect("capture opens");
        while let Some(frame) = reader.next_frame().expect("capture reads") {
            f(name, &frame, &decode(&frame));
        }
    }
}

/// The tree of a frame on its own (no analysis, connection, messages or calls).
fn bare_tree(frame: &Frame<'_>, packet: &Packet) -> Vec<Node> {
    build_tree(TreeInput {
        frame,
        packet,
        analysis: &RowAnalysis::default(),
        rich: None,
        connection: None,
        first_ts: None,
        wire: Vec::new(),
        messages: None,
    })
}

/// The number after `prefix` in `text` (`"Source port: 80"` → 80).
fn number_after(text: &str, prefix: &str) -> Option<u64> {
    text.strip_prefix(prefix)?
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |v, b| (v << 8) | u64::from(*b))
}

/// Checks `n` and its sub-lines: inside the frame, inside the parent's bytes (but for the
/// payload lines, which follow the header), and holding the values their text names.
fn check(n: &Node, parent: Option<&std::ops::Range<usize>>, data: &[u8], checked: &mut usize) {
    if let Some(r) = &n.range {
        assert!(r.end <= data.len(), "{} past the frame: {r:?}", n.text);
        if let Some(p) = parent.filter(|_| !n.text.contains("payload")) {
            assert!(
                p.start <= r.start && r.end <= p.end,
                "{} ({r:?}) outside its section ({p:?})",
                n.text
            );
        }
        let bytes = &data[r.clone()];
        for prefix in [
            "Source port: ",
            "Destination port: ",
            "Time to live: ",
            "Hop limit: ",
            "Urgent pointer: ",
        ] {
            if let Some(v) = number_after(&n.text, prefix) {
                assert_eq!(be(bytes), v, "{}", n.text);
                *checked += 1;
            }
        }
        if let Some(v) = number_after(&n.text, "Header length: ").filter(|_| bytes.len() == 1) {
            // IPv4's IHL is the low nibble, TCP's data offset the high one (in 32-bit words).
            let words = if bytes[0] >> 4 == 4 {
                bytes[0] & 0x0f
            } else {
                bytes[0] >> 4
            };
            assert_eq!(u64::from(words) * 4, v, "{}", n.text);
            *checked += 1;
        }
        for prefix in ["Source: ", "Destination: "] {
            if let Some(Ok(addr)) = n.text.strip_prefix(prefix).map(str::parse::<IpAddr>) {
                let octets = match addr {
                    IpAddr::V4(a) => a.octets().to_vec(),
                    IpAddr::V6(a) => a.octets().to_vec(),
                };
                assert_eq!(bytes, octets, "{}", n.text);
                *checked += 1;
            }
        }
    }
    for c in &n.children {
        check(c, n.range.as_ref().or(parent), data, checked);
    }
}

#[test]
fn every_field_of_the_tree_holds_the_value_its_line_shows() {
    let mut checked = 0;
    let mut kinds = std::collections::HashSet::new();
    let corpus = [
        "captures/demo.pcap",
        "captures/udp-chat.pcap",
        "tests/captures/zeek-vlan-collisions.pcap",
        "tests/captures/sanders-http_ip4and6.pcapng",
        "tests/captures/pcpp-ip4_fragments.pcap",
    ];
    each_frame(&corpus, |_, frame, packet| {
        for n in &bare_tree(frame, packet) {
            kinds.insert(n.kind);
            check(n, None, frame.data, &mut checked);
        }
    });
    for kind in [
        NodeKind::Frame,
        NodeKind::Link,
        NodeKind::Vlan,
        NodeKind::Ip,
        NodeKind::Tcp,
        NodeKind::Udp,
        NodeKind::Analysis,
    ] {
        assert!(kinds.contains(&kind), "no {kind:?} section in the corpus");
    }
    assert!(checked > 1000, "only {checked} values checked");
}

#[test]
fn tcp_options_are_listed_with_their_own_bytes() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/demo.pcap");
    let mut reader = FileReader::open(path).expect("demo opens");
    let frame = reader.next_frame().expect("reads").expect("a first frame");
    let nodes = bare_tree(&frame, &decode(&frame));
    let mut all = Vec::new();
    for n in &nodes {
        n.flatten(&mut all);
    }
    let options = all
        .iter()
        .find(|n| n.kind == NodeKind::TcpOptions)
        .expect("the SYN has options");
    // The demo's SYN: MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
    let lines: Vec<(&str, &[u8])> = options
        .children
        .iter()
        .map(|c| {
            (
                c.text.as_str(),
                &frame.data[c.range.clone().expect("bytes")],
            )
        })
        .collect();
    assert_eq!(
        lines[0],
        ("Maximum segment size: 1460 bytes", &[2, 4, 0x05, 0xb4][..])
    );
    assert_eq!(lines[1], ("SACK permitted", &[4, 2][..]));
    assert_eq!(lines[2].1.len(), 10);
    assert_eq!(lines[3], ("No-Operation (NOP)", &[1][..]));
    assert_eq!(
        lines[4],
        ("Window scale: 7 (multiply by 128)", &[3, 3, 7][..])
    );
}

/// A tunnelled frame shows each outer layer as its own section, outermost first, each over
/// its own header's bytes: the sections follow each other without overlapping, after the
/// link header and before the innermost IP header, and their words are the decoder's.
#[test]
fn tunnel_layers_are_sections_over_their_own_bytes() {
    let mut seen_kinds = std::collections::BTreeSet::new();
    let tunnels = [
        "tests/captures/tcpdump-vxlan.pcap",
        "tests/captures/zeek-gre-sample.pcap",
        "tests/captures/tcpdump-geneve.pcap",
        "tests/captures/tcpdump-mpls-traceroute.pcap",
    ];
    each_frame(&tunnels, |name, frame, p| {
        if p.encap.is_empty() {
            return;
        }
        let tree = bare_tree(frame, p);
        let outer: Vec<&Node> = tree
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::Encap | NodeKind::Vlan))
            .collect();
        assert_eq!(outer.len(), p.encap.len(), "{name} frame {}", frame.number);
        let net_start = p.offsets.net.map_or(frame.data.len(), |o| o as usize);
        let mut at = 0;
        for (node, layer) in outer.iter().zip(&p.encap) {
            let r = node.range.clone().expect("an outer layer has bytes");
            assert_eq!(r.start, layer.start as usize, "{name}: {}", node.text);
            assert!(
                r.start >= at && r.end <= net_start,
                "{name}: {} {r:?}",
                node.text
            );
            at = r.end;
            if node.kind == NodeKind::Encap {
                assert_eq!(node.text, layer.kind.describe());
                seen_kinds.insert(layer.kind.name());
            }
        }
    });
    for kind in ["vxlan", "gre", "geneve", "mpls", "ip", "udp", "ethernet"] {
        assert!(
            seen_kinds.contains(kind),
            "no {kind} layer among {seen_kinds:?}"
        );
    }
}
