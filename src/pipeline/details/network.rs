//! The network-layer section of the details tree: IPv4, IPv6, ARP.

use crate::decode::{arp, ipv4, ipv6, mac_text, ArpInfo, IpInfo, Net};

use super::node::{Header, Node, NodeKind};
use crate::decode::Field;
use crate::filter::FieldValue;

/// The network section of a packet whose network header starts at `start` of a frame of
/// which `captured` bytes are present.
pub(super) fn network_node(net: &Net, start: usize, captured: usize) -> Option<Node> {
    let h = Header::at(start, captured);
    match net {
        Net::Ip(ip) if ip.version == 4 => Some(ipv4_node(ip, h)),
        Net::Ip(ip) => Some(ipv6_node(ip, h)),
        Net::Arp(a) => Some(arp_node(a, h)),
        Net::Other { ether_type } => Some(Node::section(
            NodeKind::OtherNetwork,
            format!("EtherType 0x{ether_type:04x} (not decoded)"),
            None,
        )),
        Net::None => None,
    }
}

fn ip_section(ip: &IpInfo, h: Header) -> Node {
    h.section(
        NodeKind::Ip,
        format!(
            "Internet Protocol Version {}, Src: {}, Dst: {}",
            ip.version, ip.src, ip.dst
        ),
        ip.header_len as usize,
    )
    .filtered(FieldValue::protocol(ip_name(ip, "")))
}

fn ipv4_node(ip: &IpInfo, h: Header) -> Node {
    use ipv4::field;
    let hl = ip.header_len as usize;
    let mut l = ip_section(ip, h);
    l.push(h.field(format!("Header length: {hl} bytes"), field::VERSION_IHL));
    l.push(h.field(format!("Total length: {}", ip.total_len), field::TOTAL_LEN));
    l.push(h.field(format!("Identification: 0x{:04x}", ip.ident), field::IDENT));
    l.push(h.field(
        format!(
            "Flags: DF={} MF={}, fragment offset {}",
            u8::from(ip.dont_fragment),
            u8::from(ip.more_fragments),
            ip.frag_offset
        ),
        field::FLAGS_FRAG_OFFSET,
    ));
    l.push(h.value_field("Time to live", "ip.ttl", ip.ttl, field::TTL));
    l.push(h.value_field("Protocol", "ip.proto", ip.protocol, field::PROTOCOL));
    let options = (ip.options_len > 0).then(|| {
        let text = format!("Options: {} bytes", ip.options_len);
        (text, field::OPTIONS..hl)
    });
    push_addresses_and_rest(&mut l, ip, h, [field::SRC_ADDR, field::DST_ADDR], options);
    l
}

fn ipv6_node(ip: &IpInfo, h: Header) -> Node {
    use ipv6::field;
    let mut l = ip_section(ip, h);
    l.push(h.field(
        format!(
            "Payload length: {}",
            ip.total_len.saturating_sub(field::HEADER_LEN as u32)
        ),
        field::PAYLOAD_LEN,
    ));
    l.push(h.value_field("Next header", "ipv6.nxt", ip.protocol, field::NEXT_HEADER));
    l.push(h.value_field("Hop limit", "ipv6.hlim", ip.ttl, field::HOP_LIMIT));
    let extensions = (ip.ext_count > 0).then(|| {
        let text = format!("Extension headers: {:?}", ip.extension_headers());
        (text, field::HEADER_LEN..ip.header_len as usize)
    });
    push_addresses_and_rest(
        &mut l,
        ip,
        h,
        [field::SRC_ADDR, field::DST_ADDR],
        extensions,
    );
    l
}

fn arp_node(a: &ArpInfo, h: Header) -> Node {
    use arp::field;
    let mut l = h
        .section(
            NodeKind::Arp,
            "Address Resolution Protocol",
            field::PACKET_LEN,
        )
        .filtered(FieldValue::protocol("arp"));
    l.push(h.field(format!("Opcode: {}", a.operation_text()), field::OPERATION));
    if let Some(m) = a.sender_mac {
        l.push(h.field(format!("Sender MAC: {}", mac_text(&m)), field::SENDER_MAC));
    }
    if let Some(ip) = a.sender_ip {
        l.push(h.field(format!("Sender IP: {ip}"), field::SENDER_IP));
    }
    if let Some(ip) = a.target_ip {
        l.push(h.field(format!("Target IP: {ip}"), field::TARGET_IP));
    }
    l
}

/// `ip` or `ipv6` followed by `suffix` (`.src`), the filter names of this header's version.
fn ip_name(ip: &IpInfo, suffix: &str) -> String {
    let proto = if ip.version == 4 { "ip" } else { "ipv6" };
    format!("{proto}{suffix}")
}

/// The Source and Destination lines, each with its filter (`ip.src == …`), then the line of
/// what follows the fixed header (IPv4 options, IPv6 extension headers) when there is any.
fn push_addresses_and_rest(
    l: &mut Node,
    ip: &IpInfo,
    h: Header,
    [src, dst]: [Field; 2],
    rest: Option<(String, Field)>,
) {
    l.push(h.value_field("Source", &ip_name(ip, ".src"), ip.src, src));
    l.push(h.value_field("Destination", &ip_name(ip, ".dst"), ip.dst, dst));
    if let Some((text, range)) = rest {
        l.push(h.field(text, range));
    }
}
