//! Outer layers: each encapsulation decoded down to the inner TCP segment, on frames built
//! by hand around etherparse-built inner packets.

use std::net::{IpAddr, Ipv4Addr};

use etherparse::PacketBuilder;

use super::*;
use crate::capture::{LinkType, OwnedFrame, Timestamp};

const INNER_SRC: [u8; 4] = [192, 168, 1, 10];
const INNER_DST: [u8; 4] = [192, 168, 1, 20];

/// An IPv4/TCP packet (no link header) from 192.168.1.10:40000 to 192.168.1.20:80.
fn inner_ipv4_tcp() -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv4(INNER_SRC, INNER_DST, 64)
        .tcp(40000, 80, 1000, 64240)
        .ack(2000)
        .psh()
        .write(&mut v, b"hello")
        .unwrap();
    v
}

fn inner_ipv6_tcp() -> Vec<u8> {
    let mut v = Vec::new();
    let a = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    let b = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
    PacketBuilder::ipv6(a, b, 64)
        .tcp(5000, 443, 7, 1024)
        .syn()
        .write(&mut v, &[])
        .unwrap();
    v
}

/// An Ethernet II header with this EtherType.
fn eth(ether_type: u16) -> Vec<u8> {
    let mut v = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
    v.extend_from_slice(&ether_type.to_be_bytes());
    v
}

/// An outer IPv4 header (10.0.0.1 → 10.0.0.2) of `protocol` around `payload`.
fn outer_ipv4(protocol: u8, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut v = vec![0x45, 0];
    v.extend_from_slice(&total.to_be_bytes());
    v.extend_from_slice(&[0, 1, 0, 0, 64, protocol, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
    v.extend_from_slice(payload);
    v
}

/// A UDP header (length and checksum filled, checksum 0) around `payload`.
fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&sport.to_be_bytes());
    v.extend_from_slice(&dport.to_be_bytes());
    v.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    v.extend_from_slice(&[0, 0]);
    v.extend_from_slice(payload);
    v
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn decode_as(link: LinkType, data: Vec<u8>) -> Packet {
    decode(&OwnedFrame::packet(1, Timestamp(0), link, data).as_frame())
}

/// The layer names, outermost first.
fn names(p: &Packet) -> Vec<&'static str> {
    p.encap.iter().map(|l| l.kind.name()).collect()
}

/// The `layer` of each outer layer in JSON.
fn json_names(p: &Packet) -> Vec<String> {
    p.encap
        .iter()
        .map(|l| {
            serde_json::to_value(l).unwrap()["layer"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// The inner segment is found whole: addresses, ports, payload.
fn assert_inner_tcp(p: &Packet) {
    assert!(p.malformed.is_none(), "{:?}", p.malformed);
    let ip = p.ip().expect("inner IP");
    assert_eq!(ip.src, IpAddr::V4(Ipv4Addr::from(INNER_SRC)));
    assert_eq!(ip.dst, IpAddr::V4(Ipv4Addr::from(INNER_DST)));
    let t = p.tcp().expect("inner TCP");
    assert_eq!(
        (t.sport, t.dport, t.seq, t.ack, t.len),
        (40000, 80, 1000, 2000, 5)
    );
}

#[test]
fn mpls_label_stack_then_ipv4() {
    let labels = [0x0001_0000u32 | 64, 0x0002_0100 | 63]; // label 16, then 32 bottom-of-stack
    let mut v = eth(0x8847);
    for l in labels {
        v.extend_from_slice(&l.to_be_bytes());
    }
    v.extend_from_slice(&inner_ipv4_tcp());
    let p = decode_as(LinkType::Ethernet, v);
    assert_inner_tcp(&p);
    assert_eq!(names(&p), ["mpls", "mpls"]);
    assert!(matches!(
        p.encap[1].kind,
        EncapKind::Mpls {
            label: 32,
            bottom: true,
            ttl: 63,
            ..
        }
    ));
    assert_eq!((p.encap[1].start, p.encap[1].len), (18, 4));
}

#[test]
fn mpls_ethernet_pseudowire_with_control_word() {
    let mut v = eth(0x8847);
    v.extend_from_slice(&(0x0001_0100u32 | 64).to_be_bytes());
    v.extend_from_slice(&[0, 0, 0, 7]); // control word, sequence 7
    v.extend_from_slice(&eth(0x0800));
    v.extend_from_slice(&inner_ipv4_tcp());
    let p = decode_as(LinkType::Ethernet, v);
    assert_inner_tcp(&p);
    assert_eq!(names(&p), ["mpls", "pw_control_word", "ethernet"]);
}

#[test]
fn pppoe_session_over_qinq() {
    let mut v = eth(0x88a8);
    v.extend_from_slice(&[0x00, 100, 0x81, 0x00]); // S-tag 100, then a C-tag
    v.extend_from_slice(&[0x20, 200, 0x88, 0x64]); // C-tag 200 (pcp 1), then PPPoE
    let inner = inner_ipv4_tcp();
    v.extend_from_slice(&[0x11, 0x00, 0x12, 0x34]);
    v.extend_from_slice(&((inner.len() + 2) as u16).to_be_bytes());
    v.extend_from_slice(&[0x00, 0x21]);
    v.extend_from_slice(&inner);
    let p = decode_as(LinkType::Ethernet, v);
    assert_inner_tcp(&p);
    assert_eq!(names(&p), ["svlan", "vlan", "pppoe", "ppp"]);
    assert_eq!(json_names(&p), names(&p));
    assert_eq!(p.vlan.as_slice(), [100, 200]);
    assert!(matches!(
        p.encap[2].kind,
        EncapKind::Pppoe { session: 0x1234 }
    ));
    assert!(matches!(
        p.encap[1].kind,
        EncapKind::Vlan {
            id: 200,
            pcp: 1,
            ..
        }
    ));
}

#[test]
fn gre_with_key_and_sequence_number() {
    let mut gre = vec![0x30, 0x00, 0x08, 0x00];
    gre.extend_from_slice(&0xabcdu32.to_be_bytes());
    gre.extend_from_slice(&9u32.to_be_bytes());
    let v = cat(&[
        &eth(0x0800),
        &outer_ipv4(47, &cat(&[&gre, &inner_ipv4_tcp()])),
    ]);
    let p = decode_as(LinkType::Ethernet, v);
    assert_inner_tcp(&p);
    assert_eq!(names(&p), ["ip", "gre"]);
    assert!(matches!(
        p.encap[1].kind,
        EncapKind::Gre {
            version: 0,
            protocol: 0x0800,
            key: Some(0xabcd),
            sequence: Some(9)
        }
    ));
    assert_eq!((p.encap[1].start, p.encap[1].len), (34, 12));
    assert!(matches!(
        p.encap[0].kind,
        EncapKind::Ip { protocol: 47, .. }
    ));
}

#[test]
fn gre_transparent_ethernet_bridging() {
    let gre = [0x00, 0x00, 0x65, 0x58];
    let inner = cat(&[&eth(0x0800), &inner_ipv4_tcp()]);
    let v = cat(&[&eth(0x0800), &outer_ipv4(47, &cat(&[&gre, &inner]))]);
    let p = decode_as(LinkType::Ethernet, v);
    assert_inner_tcp(&p);
    assert_eq!(names(&p), ["ip", "gre", "ethernet"]);
}

#[test]
fn erspan_types_one_two_and_three() {
    let mirrored = cat(&[&eth(0x0800), &inner_ipv4_tcp()]);
    // Type I: no sequence number in GRE, no ERSPAN header.
    let t1 = cat(&[&[0x00, 0x00, 0x88, 0xbe], mirrored.as_slice()]);
    // Type II: GRE sequence number, 8-byte header (version 1, vlan 5, session 77).
    let t2 = cat(&[
        &[0x10, 0x00, 0x88, 0xbe, 0, 0, 0, 1],
        &[0x10, 0x05, 0x00, 77, 0, 0, 0, 0],
        &mirrored,
    ]);
    // Type III: 12-byte header, frame type 0 (Ethernet), no optional subheader.
    let t3 = cat(&[
        &[0x10, 0x00, 0x22, 0xeb, 0, 0, 0, 1],
        &[0x20, 0x05, 0x00, 78, 0, 0, 0, 0, 0, 0, 0, 0],
        &mirrored,
    ]);
    for (gre, kind) in [(t1, 1u8), (t2, 2), (t3, 3)] {
        let v = cat(&[&eth(0x0800), &outer_ipv4(47, &gre)]);
        let p = decode_as(LinkType::Ethernet, v);
        assert_inner_tcp(&p);
        assert_eq!(
            names(&p),
            ["ip", "gre", "erspan", "ethernet"],
            "type {kind}"
        );
        match p.encap[2].kind {
            EncapKind::Erspan {
                erspan_type,
                session,
                vlan,
            } => {
                assert_eq!(erspan_type, kind);
                if kind > 1 {
                    assert_eq!((session, vlan), (75 + u16::from(kind), 5));
                }
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn vxlan_and_geneve_carry_ethernet() {
    let inner = cat(&[&eth(0x0800), &inner_ipv4_tcp()]);
    let vxlan = cat(&[&[0x08, 0, 0, 0, 0, 0x12, 0x34, 0], inner.as_slice()]);
    let p = decode_as(
        LinkType::Ethernet,
        cat(&[&eth(0x0800), &outer_ipv4(17, &udp(51000, 4789, &vxlan))]),
    );
    assert_inner_tcp(&p);
    assert_eq!(names(&p), ["ip", "udp", "vxlan", "ethernet"]);
    assert!(matches!(p.encap[2].kind, EncapKind::Vxlan { vni: 0x1234 }));
    // Geneve with one 8-byte option.
    let geneve = cat(&[
        &[0x02, 0x00, 0x65, 0x58, 0, 0, 0x2a, 0],
        &[0x01, 0x02, 0x03, 0x01, 0, 0, 0, 0],
        &inner,
    ]);
    let p = decode_as(
        LinkType::Ethernet,
        cat(&[&eth(0x0800), &outer_ipv4(17, &udp(6081, 6081, &geneve))]),
    );
    assert_inner_tcp(&p);
    assert_eq!(names(&p), ["ip", "udp", "geneve", "ethernet"]);
    assert_eq!(p.encap[2].len, 16);
}

#[test]
fn gtp_u_with_an_extension_header() {
    let inner = inner_ipv4_tcp();
    let mut gtp = vec![0x34, 0xff];
    gtp.extend_from_slice(&((inner.len() + 8) as u16).to_be_bytes());
    gtp.extend_from_slice(&0x0102_0304u32.to_be_bytes());
    gtp.extend_from_slice(&[0, 0, 0, 0x85]); // seq, N-PDU, next: PDU session container
    gtp.extend_from_slice(&[1, 0x10, 0x05, 0]); // 4-byte extension, no next
    gtp.extend_from_slice(&inner);
    let p = decode_as(
        LinkType::Ethernet,
        cat(&[&eth(0x0800), &outer_ipv4(17, &udp(2152, 2152, &gtp))]),
    );
    assert_inner_tcp(&p);
    assert_eq!(names(&p), ["ip", "udp", "gtp_u"]);
    assert!(matches!(
        p.encap[2].kind,
        EncapKind::GtpU { teid: 0x0102_0304 }
    ));
    assert_eq!(p.encap[2].len, 16);
}

#[test]
fn ip_in_ip_and_ipv6_in_ipv4() {
    let p = decode_as(
        LinkType::Ethernet,
        cat(&[&eth(0x0800), &outer_ipv4(4, &inner_ipv4_tcp())]),
    );
    assert_inner_tcp(&p);
    assert_eq!(names(&p), ["ip"]);
    let p = decode_as(
        LinkType::Ethernet,
        cat(&[&eth(0x0800), &outer_ipv4(41, &inner_ipv6_tcp())]),
    );
    assert_eq!(p.ip().unwrap().version, 6);
    assert_eq!(p.tcp().unwrap().dport, 443);
    assert!(matches!(
        p.encap[0].kind,
        EncapKind::Ip {
            version: 4,
            protocol: 41,
            ..
        }
    ));
}

#[test]
fn provider_backbone_bridge_tag() {
    let mut v = eth(0x88e7);
    v.extend_from_slice(&[0x00, 0x01, 0x00, 0x05]); // I-SID 0x010005
    v.extend_from_slice(&eth(0x0800));
    v.extend_from_slice(&inner_ipv4_tcp());
    let p = decode_as(LinkType::Ethernet, v);
    assert_inner_tcp(&p);
    assert_eq!(names(&p), ["pbb", "ethernet"]);
    assert!(matches!(
        p.encap[0].kind,
        EncapKind::Pbb { isid: 0x010005, .. }
    ));
}

#[test]
fn other_link_types_carrying_ip() {
    // IP over InfiniBand: a 44-byte pseudo-header, protocol at 40.
    let mut v = vec![0u8; 40];
    v.extend_from_slice(&[0x08, 0x00, 0, 0]);
    v.extend_from_slice(&inner_ipv4_tcp());
    let p = decode_as(LinkType::Other(242), v);
    assert!(matches!(p.link, LinkInfo::IpOverIb { protocol: 0x0800 }));
    assert_inner_tcp(&p);
    // Cisco HDLC, alone and under the PPP link type.
    for lt in [104, 9] {
        let v = cat(&[&[0x0f, 0x00, 0x08, 0x00], inner_ipv4_tcp().as_slice()]);
        let p = decode_as(LinkType::Other(lt), v);
        assert!(
            matches!(
                p.link,
                LinkInfo::CiscoHdlc {
                    protocol: 0x0800,
                    ..
                }
            ),
            "{lt}"
        );
        assert_inner_tcp(&p);
    }
    // PPP in HDLC-like framing.
    let v = cat(&[&[0xff, 0x03, 0x00, 0x21], inner_ipv4_tcp().as_slice()]);
    let p = decode_as(LinkType::Other(9), v);
    assert_eq!(names(&p), ["ppp"]);
    assert_inner_tcp(&p);
    // 802.11 QoS data frame with LLC/SNAP behind an 8-byte radiotap header.
    let mut v = vec![0, 0, 8, 0, 0, 0, 0, 0];
    v.extend_from_slice(&[0x88, 0x01]); // QoS data, to DS
    v.extend_from_slice(&[0u8; 22]);
    v.extend_from_slice(&[0, 0]); // QoS control
    v.extend_from_slice(&[0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]);
    v.extend_from_slice(&inner_ipv4_tcp());
    let p = decode_as(LinkType::Other(127), v);
    assert!(matches!(
        p.link,
        LinkInfo::Ieee80211 {
            radiotap_len: 8,
            header_len: 26,
            ..
        }
    ));
    assert_inner_tcp(&p);
}

#[test]
fn a_udp_length_below_8_or_a_cut_tunnel_header_is_no_tunnel() {
    let inner = cat(&[&eth(0x0800), &inner_ipv4_tcp()]);
    let vxlan = cat(&[&[0x08, 0, 0, 0, 0, 0, 1, 0], inner.as_slice()]);
    let mut dgram = udp(51000, 4789, &vxlan);
    dgram[4..6].copy_from_slice(&[0, 0]); // BIG TCP: UDP length 0
    let p = decode_as(
        LinkType::Ethernet,
        cat(&[&eth(0x0800), &outer_ipv4(17, &dgram)]),
    );
    assert!(p.encap.is_empty());
    assert_eq!(p.proto_name(), "udp");
    // Only 4 bytes of a VXLAN header.
    let p = decode_as(
        LinkType::Ethernet,
        cat(&[
            &eth(0x0800),
            &outer_ipv4(17, &udp(51000, 4789, &[8, 0, 0, 0])),
        ]),
    );
    assert!(p.encap.is_empty());
    assert_eq!(p.proto_name(), "udp");
}

#[test]
fn nesting_is_bounded() {
    let mut v = eth(0x8847);
    for _ in 0..100 {
        v.extend_from_slice(&(0x0001_0000u32 | 64).to_be_bytes());
    }
    v.extend_from_slice(&(0x0001_0100u32 | 64).to_be_bytes());
    v.extend_from_slice(&inner_ipv4_tcp());
    let p = decode_as(LinkType::Ethernet, v);
    assert_eq!(p.encap.len(), encap::MAX_LAYERS);
    assert!(p.malformed.as_deref().unwrap().contains("nested layers"));
    assert!(p.tcp().is_none());
}

#[test]
fn a_fragmented_outer_packet_is_not_entered() {
    let mut outer = outer_ipv4(4, &inner_ipv4_tcp());
    outer[6] = 0x20; // more fragments
    let p = decode_as(LinkType::Ethernet, cat(&[&eth(0x0800), &outer]));
    assert!(p.encap.is_empty());
    assert!(p.ip().unwrap().is_fragment);
}

#[test]
fn cisco_fabricpath_then_the_original_frame() {
    let mut v = eth(0x8903);
    v.extend_from_slice(&[0x40, 0x20]); // ftag 256, ttl 32
    v.extend_from_slice(&eth(0x8100));
    v.extend_from_slice(&[0x00, 0x07, 0x08, 0x00]);
    v.extend_from_slice(&inner_ipv4_tcp());
    v.extend_from_slice(&[0x11, 0x22, 0x33, 0x44]); // the inner frame's FCS
    let p = decode_as(LinkType::Ethernet, v);
    assert_inner_tcp(&p);
    assert_eq!(names(&p), ["fabricpath", "ethernet", "vlan"]);
    assert_eq!(json_names(&p), names(&p));
    let json = serde_json::to_value(p.encap[0]).unwrap();
    assert_eq!(json["ftag"], 256);
    assert_eq!(json["ttl"], 32);
    assert!(matches!(
        p.encap[0].kind,
        EncapKind::FabricPath { ftag: 256, ttl: 32 }
    ));
    assert_eq!(p.vlan.as_slice(), [7]);
}

#[test]
fn gre_in_udp_on_port_4754() {
    let gre = cat(&[&[0x00, 0x00, 0x08, 0x00], inner_ipv4_tcp().as_slice()]);
    let p = decode_as(
        LinkType::Ethernet,
        cat(&[&eth(0x0800), &outer_ipv4(17, &udp(40987, 4754, &gre))]),
    );
    assert_inner_tcp(&p);
    assert_eq!(names(&p), ["ip", "udp", "gre"]);
    // Not GRE (a reserved version): the datagram stays plain UDP.
    let bad = [0x00, 0x07, 0x08, 0x00, 0x45];
    let p = decode_as(
        LinkType::Ethernet,
        cat(&[&eth(0x0800), &outer_ipv4(17, &udp(40987, 4754, &bad))]),
    );
    assert!(p.encap.is_empty());
    assert_eq!(p.proto_name(), "udp");
    assert_eq!(p.ports(), Some((40987, 4754)));
}

#[test]
fn arcnet_links_carry_ip() {
    // Linux form (129): source, destination, offset, RFC 1201 IPv4 (0xd4), split flag,
    // sequence.
    let v = cat(&[
        &[0x50, 0xbe, 0xea, 0x08, 0xd4, 0x00, 0x01, 0x65],
        inner_ipv4_tcp().as_slice(),
    ]);
    let p = decode_as(LinkType::Other(129), v);
    assert_inner_tcp(&p);
    assert!(matches!(
        p.link,
        LinkInfo::Arcnet {
            src: 0x50,
            dst: 0xbe,
            protocol: 0xd4,
            header_len: 8
        }
    ));
    // BSD form (7), RFC 1051 IPv4 (0xf0): no offset, no fragmentation fields.
    let v = cat(&[&[0x50, 0xbe, 0xf0], inner_ipv4_tcp().as_slice()]);
    assert_inner_tcp(&decode_as(LinkType::Other(7), v));
    // A cut header is marked, not read past.
    let p = decode_as(
        LinkType::Other(129),
        vec![0x50, 0xbe, 0xea, 0x08, 0xd4, 0x00],
    );
    assert!(p.malformed.is_some());
    assert!(p.tcp().is_none());
}
