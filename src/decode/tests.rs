//! Decoding rules, one test each, on frames built with etherparse's `PacketBuilder`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use etherparse::{IpHeaders, PacketBuilder, PacketBuilderStep, TcpOptionElement, VlanId};

use super::*;
use crate::capture::{LinkType, OwnedFrame, Timestamp};

const MAC_A: [u8; 6] = [2, 0, 0, 0, 0, 1];
const MAC_B: [u8; 6] = [2, 0, 0, 0, 0, 2];
const IP_A: [u8; 4] = [10, 0, 0, 1];
const IP_B: [u8; 4] = [10, 0, 0, 2];

fn frame(link: LinkType, data: Vec<u8>) -> OwnedFrame {
    OwnedFrame::packet(1, Timestamp(0), link, data)
}

fn dec(f: &OwnedFrame) -> Packet {
    decode(&f.as_frame())
}

/// The start of an Ethernet/IPv4 frame from A to B (TTL 64); the transport follows.
fn eth_ipv4() -> PacketBuilderStep<IpHeaders> {
    PacketBuilder::ethernet2(MAC_A, MAC_B).ipv4(IP_A, IP_B, 64)
}

/// An Ethernet/IPv4 SYN carrying the options Linux sends: MSS 1460, SACK permitted, a
/// timestamp (`ts_val`, echo 0), a NOP and window scale `wscale`.
fn eth_syn_with_linux_options(
    sport: u16,
    dport: u16,
    seq: u32,
    window: u16,
    ts_val: u32,
    wscale: u8,
) -> Vec<u8> {
    let mut v = Vec::new();
    eth_ipv4()
        .tcp(sport, dport, seq, window)
        .syn()
        .options(&[
            TcpOptionElement::MaximumSegmentSize(1460),
            TcpOptionElement::SelectiveAcknowledgementPermitted,
            TcpOptionElement::Timestamp(ts_val, 0),
            TcpOptionElement::Noop,
            TcpOptionElement::WindowScale(wscale),
        ])
        .unwrap()
        .write(&mut v, &[])
        .unwrap();
    v
}

/// An Ethernet/IPv4/TCP frame with the given payload.
fn eth_tcp(payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    eth_ipv4()
        .tcp(40000, 80, 1000, 64240)
        .ack(2000)
        .psh()
        .write(&mut v, payload)
        .unwrap();
    v
}

/// The same TCP segment as raw IPv4 bytes (no link header).
fn ipv4_tcp(payload: &[u8]) -> Vec<u8> {
    eth_tcp(payload)[14..].to_vec()
}

fn ipv6_tcp(payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    PacketBuilder::ipv6(
        Ipv6Addr::LOCALHOST.octets(),
        Ipv6Addr::LOCALHOST.octets(),
        64,
    )
    .tcp(5000, 6379, 7, 1024)
    .ack(9)
    .write(&mut v, payload)
    .unwrap();
    v
}

#[test]
fn ethernet_ipv4_tcp_fields_and_every_option() {
    let v = eth_syn_with_linux_options(40000, 80, 0xfffffff0, 29200, 111, 7);
    let f = frame(LinkType::Ethernet, v);
    let p = dec(&f);
    assert!(
        matches!(p.link, LinkInfo::Ethernet { src, dst, ether_type: 0x0800 } if src == MAC_A && dst == MAC_B)
    );
    let ip = p.ip().unwrap();
    assert_eq!(ip.src, IpAddr::V4(Ipv4Addr::from(IP_A)));
    assert_eq!(ip.dst, IpAddr::V4(Ipv4Addr::from(IP_B)));
    let t = p.tcp().unwrap();
    assert_eq!(
        (t.sport, t.dport, t.seq, t.window),
        (40000, 80, 0xfffffff0, 29200)
    );
    assert_eq!(t.flags.letters(), "S");
    assert_eq!(t.flags.tcpdump(), "[S]");
    assert_eq!(t.header_len, 40);
    assert_eq!(t.len, 0);
    assert_eq!(t.options.mss, Some(1460));
    assert_eq!(t.options.window_scale, Some(7));
    assert!(t.options.sack_permitted);
    assert_eq!(t.options.timestamp, Some((111, 0)));
    let listed: Vec<String> = t.options.iter(&f.data).map(|o| o.describe()).collect();
    assert_eq!(
        listed,
        ["mss 1460", "sackOK", "TS val 111 ecr 0", "nop", "wscale 7"]
    );
    assert_eq!(p.proto_name(), "tcp");
    assert!(!p.truncated && p.malformed.is_none());
}

#[test]
fn sack_blocks_and_unknown_options_are_kept() {
    let mut v = Vec::new();
    // kind 30 (MPTCP) with 4 data bytes, then a SACK with two blocks.
    let opts = [
        30, 6, 0xde, 0xad, 0xbe, 0xef, 1, 1, 5, 18, 0, 0, 0, 10, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0,
        40,
    ];
    let mut padded = opts.to_vec();
    padded.resize(28, 1);
    eth_ipv4()
        .tcp(1, 2, 3, 4)
        .ack(5)
        .options_raw(&padded)
        .unwrap()
        .write(&mut v, &[])
        .unwrap();
    let f = frame(LinkType::Ethernet, v);
    let p = dec(&f);
    let t = p.tcp().unwrap();
    assert_eq!(t.options.sack_blocks(), &[(10, 20), (30, 40)]);
    let first = t.options.iter(&f.data).next().unwrap();
    assert_eq!(
        first,
        TcpOption::Unknown {
            kind: 30,
            data: &[0xde, 0xad, 0xbe, 0xef]
        }
    );
    assert!(p.malformed.is_none());
}

#[test]
fn ethernet_padding_is_not_payload() {
    let mut v = eth_tcp(&[]);
    assert_eq!(v.len(), 54);
    v.resize(60, 0); // minimum Ethernet frame: 6 bytes of padding
    let f = frame(LinkType::Ethernet, v);
    let p = dec(&f);
    assert_eq!(p.tcp().unwrap().len, 0);
    assert!(p.payload(&f.data).is_empty());
}

#[test]
fn payload_length_comes_from_ip_total_length() {
    let f = frame(LinkType::Ethernet, eth_tcp(b"hello world"));
    let p = dec(&f);
    assert_eq!(p.tcp().unwrap().len, 11);
    assert_eq!(p.payload(&f.data), b"hello world");
}

#[test]
fn snaplen_cut_is_truncated_not_malformed_and_keeps_segment_length() {
    let full = eth_tcp(&[7u8; 1000]);
    let mut f = frame(LinkType::Ethernet, full[..96].to_vec());
    f.len = full.len() as u32;
    let p = dec(&f);
    assert!(p.truncated);
    assert!(p.malformed.is_none(), "{:?}", p.malformed);
    let t = p.tcp().unwrap();
    assert_eq!(
        t.len, 1000,
        "segment length from the IP header, not the capture"
    );
    assert_eq!(p.payload(&f.data).len(), 96 - 54);
}

#[test]
fn header_cut_inside_tcp_options_still_gives_fixed_fields() {
    let v = eth_syn_with_linux_options(60827, 25, 1041724894, 5840, 1, 2);
    let mut f = frame(LinkType::Ethernet, v[..68].to_vec());
    f.len = v.len() as u32;
    let p = dec(&f);
    let t = p.tcp().unwrap();
    assert_eq!(t.seq, 1041724894);
    assert_eq!(t.options.mss, Some(1460));
    assert!(t.options.cut);
    assert!(t
        .options
        .iter(&f.data)
        .any(|o| matches!(o, TcpOption::Cut { kind: 8 })));
    assert!(p.malformed.is_none());
}

#[test]
fn vlan_and_qinq_ids_are_kept() {
    let mut v = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .single_vlan(VlanId::try_new(42).unwrap())
        .ipv4(IP_A, IP_B, 64)
        .tcp(1, 2, 3, 4)
        .write(&mut v, &[])
        .unwrap();
    let p = dec(&frame(LinkType::Ethernet, v));
    assert_eq!(p.vlan.as_slice(), &[42]);
    assert_eq!(p.proto_name(), "tcp");

    let mut v = Vec::new();
    PacketBuilder::ethernet2(MAC_A, MAC_B)
        .double_vlan(VlanId::try_new(10).unwrap(), VlanId::try_new(20).unwrap())
        .ipv4(IP_A, IP_B, 64)
        .udp(53, 5353)
        .write(&mut v, b"x")
        .unwrap();
    let p = dec(&frame(LinkType::Ethernet, v));
    assert_eq!(p.vlan.as_slice(), &[10, 20]);
    assert_eq!(p.ports(), Some((53, 5353)));
}

#[test]
fn ipv6_extension_headers_are_walked() {
    let base = ipv6_tcp(b"PING\r\n");
    // Insert a hop-by-hop header (8 bytes: next=TCP, len 0, PadN of 4) after the fixed header.
    let mut v = base[..40].to_vec();
    v[6] = 0; // next header: hop-by-hop
    let plen = u16::from_be_bytes([v[4], v[5]]) + 8;
    v[4..6].copy_from_slice(&plen.to_be_bytes());
    v.extend_from_slice(&[6, 0, 1, 4, 0, 0, 0, 0]);
    v.extend_from_slice(&base[40..]);
    let f = frame(LinkType::Raw, v);
    let p = dec(&f);
    let ip = p.ip().unwrap();
    assert_eq!(ip.version, 6);
    assert_eq!(ip.extension_headers(), &[0]);
    assert_eq!(ip.header_len, 48);
    let t = p.tcp().unwrap();
    assert_eq!((t.sport, t.dport, t.len), (5000, 6379, 6));
    assert_eq!(p.payload(&f.data), b"PING\r\n");
}

#[test]
fn every_supported_link_type_reaches_tcp() {
    let v4 = ipv4_tcp(b"abc");
    let v6 = ipv6_tcp(b"abc");
    let mut sll = vec![0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00];
    sll.extend_from_slice(&v4);
    let mut sll2 = vec![
        0x86, 0xdd, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0,
    ];
    sll2.extend_from_slice(&v6);
    let mut null = 2u32.to_le_bytes().to_vec();
    null.extend_from_slice(&v4);
    let mut null6_be = 30u32.to_be_bytes().to_vec();
    null6_be.extend_from_slice(&v6);
    let mut lo = 24u32.to_be_bytes().to_vec();
    lo.extend_from_slice(&v6);
    let cases = [
        (LinkType::Ethernet, eth_tcp(b"abc"), 4),
        (LinkType::LinuxSll, sll, 4),
        (LinkType::LinuxSll2, sll2, 6),
        (LinkType::Null, null, 4),
        (LinkType::Null, null6_be, 6),
        (LinkType::Loop, lo, 6),
        (LinkType::Raw, v4.clone(), 4),
        (LinkType::Raw, v6.clone(), 6),
        (LinkType::Ipv4, v4, 4),
        (LinkType::Ipv6, v6, 6),
    ];
    for (link, data, version) in cases {
        let f = frame(link, data);
        let p = dec(&f);
        assert_eq!(p.ip().map(|i| i.version), Some(version), "{link:?}");
        assert_eq!(p.tcp().map(|t| t.len), Some(3), "{link:?}");
        assert_eq!(p.payload(&f.data), b"abc", "{link:?}");
        assert!(p.malformed.is_none(), "{link:?}: {:?}", p.malformed);
    }
}

#[test]
fn unsupported_link_type_is_kept_and_named() {
    let p = dec(&frame(LinkType::Other(147), vec![1, 2, 3]));
    assert_eq!(p.link, LinkInfo::Unsupported(147));
    assert_eq!(p.proto_name(), "other");
}

#[test]
fn ipv4_total_length_smaller_than_header_is_malformed() {
    let mut v = ipv4_tcp(b"");
    v[2..4].copy_from_slice(&12u16.to_be_bytes());
    let p = dec(&frame(LinkType::Raw, v));
    let why = p.malformed.expect("must be malformed");
    assert!(why.contains("less than its header"), "{why}");
}

#[test]
fn ipv4_total_length_zero_means_use_the_frame() {
    let mut v = ipv4_tcp(b"0123456789");
    v[2..4].copy_from_slice(&0u16.to_be_bytes());
    let f = frame(LinkType::Raw, v);
    let p = dec(&f);
    assert!(p.malformed.is_none());
    assert_eq!(p.tcp().unwrap().len, 10);
}

#[test]
fn tcp_data_offset_below_five_is_malformed() {
    let mut v = ipv4_tcp(b"xyz");
    v[20 + 12] = 0x30; // data offset 3 words
    let p = dec(&frame(LinkType::Raw, v));
    assert_eq!(p.proto_name(), "tcp");
    assert!(p.malformed.unwrap().contains("less than 20"));
}

#[test]
fn ip_length_beyond_an_uncut_frame_is_malformed() {
    let mut v = ipv4_tcp(b"xyz");
    v.truncate(v.len() - 2); // frame shorter than the IP header says, but len == caplen
    let p = dec(&frame(LinkType::Raw, v));
    assert!(p.malformed.unwrap().contains("exceeds"));
}

#[test]
fn ipv4_fragments_are_marked() {
    let mut v = ipv4_tcp(b"abcdefgh");
    v[6] = 0x20; // MF, offset 0
    let p = dec(&frame(LinkType::Raw, v.clone()));
    let ip = p.ip().unwrap();
    assert!(ip.is_fragment && ip.more_fragments && ip.frag_offset == 0);
    v[6] = 0x00;
    v[7] = 0xb9; // offset 185 * 8 = 1480, last fragment
    let p = dec(&frame(LinkType::Raw, v));
    let ip = p.ip().unwrap();
    assert_eq!(ip.frag_offset, 1480);
    assert!(matches!(p.transport, Transport::Fragment { protocol: 6 }));
    assert_eq!(p.proto_name(), "ip");
}

#[test]
fn udp_icmp_and_arp_are_summarised() {
    let mut v = Vec::new();
    eth_ipv4().udp(5353, 53).write(&mut v, b"query").unwrap();
    let p = dec(&frame(LinkType::Ethernet, v));
    assert_eq!(p.proto_name(), "udp");
    assert!(matches!(
        p.transport,
        Transport::Udp(UdpInfo {
            sport: 5353,
            dport: 53,
            len: 5
        })
    ));

    let mut v = Vec::new();
    eth_ipv4()
        .icmpv4_echo_request(1, 1)
        .write(&mut v, b"ping")
        .unwrap();
    let p = dec(&frame(LinkType::Ethernet, v));
    assert_eq!(p.proto_name(), "icmp");
    let Transport::Icmp(i) = p.transport else {
        panic!("not icmp")
    };
    assert_eq!(icmp_summary(false, i), "echo request");

    // ARP who-has 10.0.0.2 tell 10.0.0.1
    let mut arp = vec![0xff; 6];
    arp.extend_from_slice(&MAC_A);
    arp.extend_from_slice(&[0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1]);
    arp.extend_from_slice(&MAC_A);
    arp.extend_from_slice(&IP_A);
    arp.extend_from_slice(&[0; 6]);
    arp.extend_from_slice(&IP_B);
    let p = dec(&frame(LinkType::Ethernet, arp));
    let Net::Arp(a) = p.net else {
        panic!("not arp: {:?}", p.net)
    };
    assert_eq!(a.operation, 1);
    assert_eq!(a.sender_ip, Some(Ipv4Addr::from(IP_A)));
    assert_eq!(a.target_ip, Some(Ipv4Addr::from(IP_B)));
    // tcpdump names an ARP packet by its protocol addresses, Wireshark's columns by the
    // Ethernet addresses (here a broadcast request).
    assert_eq!(
        p.addresses(),
        (Some("10.0.0.1".into()), Some("10.0.0.2".into()))
    );
    assert_eq!(
        p.address_columns(),
        ("02:00:00:00:00:01".into(), "ff:ff:ff:ff:ff:ff".into())
    );
    assert_eq!(
        (p.protocol_text(), p.protocol_column()),
        ("ARP".into(), "ARP".into())
    );
}

#[test]
fn empty_and_tiny_frames_do_not_panic() {
    for link in [
        LinkType::Ethernet,
        LinkType::LinuxSll,
        LinkType::LinuxSll2,
        LinkType::Null,
        LinkType::Raw,
    ] {
        for n in 0..4 {
            let p = dec(&frame(link, vec![0x45; n]));
            assert_eq!(p.proto_name(), "other", "{link:?} {n}");
        }
    }
}

#[test]
fn cut_and_lying_ipv6_extension_chains_never_panic() {
    // Hop-by-hop (8) → fragment (8) → destination options (16) → TCP.
    let base = ipv6_tcp(b"data");
    let mut v = base[..40].to_vec();
    v[6] = 0;
    v.extend_from_slice(&[44, 0, 1, 4, 0, 0, 0, 0]);
    v.extend_from_slice(&[60, 0, 0, 0, 0, 0, 0, 9]);
    v.extend_from_slice(&[6, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    v.extend_from_slice(&base[40..]);
    let plen = (v.len() - 40) as u16;
    v[4..6].copy_from_slice(&plen.to_be_bytes());
    let p = dec(&frame(LinkType::Raw, v.clone()));
    assert_eq!(p.ip().unwrap().extension_headers(), &[0, 44, 60]);
    assert_eq!(p.ip().unwrap().ident, 9);
    assert_eq!(p.tcp().unwrap().len, 4);
    // Every cut, and every value of every extension length byte, on a cut or whole frame.
    for cut in 40..v.len() {
        let mut f = frame(LinkType::Raw, v[..cut].to_vec());
        f.len = v.len() as u32;
        let _ = dec(&f);
    }
    for at in [41, 49, 57] {
        for b in 0..=255u8 {
            let mut w = v.clone();
            w[at] = b;
            for cut in [w.len(), 60, 52, 47] {
                let _ = dec(&frame(LinkType::Raw, w[..cut].to_vec()));
            }
        }
    }
}

/// Every frame decoded with the plain-IPv4 fast path and with etherparse alone.
fn both_ways(f: &crate::capture::Frame<'_>) -> (Packet, Packet) {
    set_fast_path(true);
    let fast = decode(f);
    set_fast_path(false);
    let lax = decode(f);
    set_fast_path(true);
    (fast, lax)
}

#[test]
fn fast_ipv4_path_decodes_every_corpus_frame_as_etherparse_does() {
    use crate::capture::{FileReader, FrameSource};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["captures", "tests/captures"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ext == "pcap" || ext == "pcapng" {
                files.push(p);
            }
        }
    }
    let (mut frames, mut ipv4) = (0, 0);
    for p in &files {
        let Ok(mut r) = FileReader::open(p) else {
            continue;
        };
        while let Ok(Some(f)) = r.next_frame() {
            let (fast, lax) = both_ways(&f);
            assert_eq!(fast, lax, "{} frame {}", p.display(), f.number);
            frames += 1;
            ipv4 += usize::from(matches!(fast.net, Net::Ip(IpInfo { version: 4, .. })));
        }
    }
    assert!(
        files.len() > 40 && frames > 5_000 && ipv4 > 3_000,
        "{} files, {frames} frames, {ipv4} IPv4",
        files.len()
    );
}

proptest::proptest! {
    /// IPv4 headers with random fields (lengths that lie, fragments, options, any protocol)
    /// behind Ethernet and as raw IP, cut anywhere: the fast path agrees with etherparse.
    #[test]
    fn fast_ipv4_path_agrees_with_etherparse_on_random_headers(
        mut ip in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..120),
        plain in proptest::prelude::any::<bool>(),
        total in 0u16..140,
        proto in proptest::sample::select(vec![6u8, 17, 1, 51, 58, 0]),
        cut in 0usize..140,
        wire_extra in 0u32..40,
    ) {
        if plain && ip.len() >= 20 {
            ip[0] = 0x45;
            ip[2..4].copy_from_slice(&total.to_be_bytes());
            ip[9] = proto;
            if proto == 6 && ip.len() >= 33 {
                ip[32] = 0x50; // a 20-byte TCP header
            }
        }
        let mut eth = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00];
        eth.extend_from_slice(&ip);
        for (link, data) in [(LinkType::Ethernet, eth), (LinkType::Raw, ip.clone())] {
            let wire = data.len() as u32 + wire_extra;
            let data = data[..cut.min(data.len())].to_vec();
            let mut f = frame(link, data);
            f.len = wire;
            let (fast, lax) = both_ways(&f.as_frame());
            proptest::prop_assert_eq!(fast, lax);
        }
    }
}

/// The options of `frame[start..start + len]` with the frame bytes each covers.
fn option_spans(frame: &[u8], start: u32, len: u8, cut: bool) -> Vec<(TcpOption<'_>, Field)> {
    let opts = TcpOptions {
        start,
        len,
        cut,
        ..TcpOptions::default()
    };
    opts.spans(frame).collect()
}

#[test]
fn tcp_options_get_their_byte_ranges() {
    // 10 bytes of padding before the options, then MSS, NOP, WS, SACK_PERM, TS, EOL.
    let mut frame = vec![0xee; 10];
    frame.extend_from_slice(&[2, 4, 5, 0xb4]); // 10..14
    frame.push(1); // 14..15
    frame.extend_from_slice(&[3, 3, 7]); // 15..18
    frame.extend_from_slice(&[4, 2]); // 18..20
    frame.extend_from_slice(&[8, 10, 0, 0, 0, 1, 0, 0, 0, 2]); // 20..30
    frame.extend_from_slice(&[0, 0]); // 30..32 EOL + padding
    let got = option_spans(&frame, 10, 22, false);
    let ranges: Vec<_> = got.iter().map(|(_, r)| r.clone()).collect();
    assert_eq!(ranges, vec![10..14, 14..15, 15..18, 18..20, 20..30, 30..32]);
    assert_eq!(got[0].0, TcpOption::Mss(1460));
    assert_eq!(got[2].0, TcpOption::WindowScale(7));
    assert_eq!(got[5].0, TcpOption::EndOfList);
}

#[test]
fn tcp_options_with_a_bad_length_stop_inside_the_header() {
    // Kind 5 with length 1 is malformed: one range to the end, nothing past the options.
    let frame = [2, 4, 5, 0xb4, 5, 1, 9, 9];
    let got = option_spans(&frame, 0, 8, false);
    assert_eq!(got.last().map(|(_, r)| r.clone()), Some(4..8));
    assert!(got.iter().all(|(_, r)| r.end <= 8));
    // Options claimed past the captured bytes are clipped to them.
    let got = option_spans(&frame, 4, 40, true);
    assert!(got.iter().all(|(_, r)| r.end <= frame.len()));
}

#[test]
fn sack_blocks_are_read_once_for_every_view() {
    // Two blocks: 1000-2000 and 3000-4000.
    let mut data = Vec::new();
    for v in [1000u32, 2000, 3000, 4000] {
        data.extend_from_slice(&v.to_be_bytes());
    }
    let blocks = SackBlocks::new(&data);
    assert_eq!(blocks.len(), 2);
    assert_eq!(
        blocks.iter().collect::<Vec<_>>(),
        vec![(1000, 2000), (3000, 4000)]
    );
    let sack = TcpOption::Sack(blocks);
    assert_eq!(sack.describe(), "sack 2 {1000:2000} {3000:4000}");
    assert_eq!(sack.detail(), "SACK: 1000-2000 3000-4000");
    let mut info = String::new();
    sack.write_info(&mut info, 999);
    assert_eq!(info, " SLE=1 SRE=1001 SLE=2001 SRE=3001");
}

#[test]
fn ae_and_reserved_flag_bits_are_kept_and_named() {
    let mut v = eth_tcp(b"");
    // Data offset 5, the three reserved bits and AE set; ACK, ECE and CWR in byte 13.
    v[14 + 20 + 12] = 0x5f;
    v[14 + 20 + 13] = 0xd0;
    let p = dec(&frame(LinkType::Ethernet, v));
    let f = p.tcp().unwrap().flags;
    assert_eq!(f.0, 0xfd0);
    assert!(f.has(TcpFlags::AE));
    assert_eq!(f.reserved(), 7);
    assert_eq!(f.letters(), "AECerrr");
    assert_eq!(f.tcpdump(), "[.EWerrr]");
    assert_eq!(f.names(), "ACK, ECE, CWR, AE, Reserved");
    assert_eq!(TcpFlags(TcpFlags::SYN | TcpFlags::AE).tcpdump(), "[Se]");
}

#[test]
fn tcp_header_lengths_that_lie_are_handled_like_tshark() {
    // Data offset 4 (16 bytes): the segment is 4 bytes longer than its 20-byte header.
    let mut v = eth_tcp(b"");
    v[14 + 20 + 12] = 0x40;
    let p = dec(&frame(LinkType::Ethernet, v));
    let t = p.tcp().unwrap();
    assert_eq!((t.header_len, t.len, t.short_segment), (16, 4, false));
    assert!(p
        .malformed
        .as_deref()
        .unwrap()
        .contains("bogus TCP header length"));
    // Data offset 15 (60 bytes) in a 23-byte segment: a short segment, length unknown.
    let mut v = eth_tcp(b"abc");
    v[14 + 20 + 12] = 0xf0;
    let p = dec(&frame(LinkType::Ethernet, v));
    let t = p.tcp().unwrap();
    assert!(t.short_segment);
    assert_eq!(t.len, 0);
    // IPv4 total length 12, below its 20-byte header: no transport decoded.
    let mut v = eth_tcp(b"abcd");
    v[16..18].copy_from_slice(&12u16.to_be_bytes());
    let p = dec(&frame(LinkType::Ethernet, v));
    assert!(p.ip().is_some());
    assert!(matches!(p.transport, Transport::None));
    assert!(p
        .malformed
        .as_deref()
        .unwrap()
        .contains("bogus IPv4 total length"));
}

/// Inside a VXLAN tunnel an ARP packet's columns name the inner Ethernet addresses, as
/// tshark's do (`tshark -r tcpdump-vxlan.pcap`: frame 2 `Ericsson_01:00:02 → Broadcast`).
#[test]
fn tunnelled_arp_columns_name_the_inner_ethernet_addresses() {
    use crate::capture::{FileReader, FrameSource};
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/captures/tcpdump-vxlan.pcap"
    );
    let mut reader = FileReader::open(path).expect("capture opens");
    reader.next_frame().expect("frame 1");
    let frame = reader.next_frame().expect("reads").expect("frame 2");
    let p = decode(&frame);
    assert_eq!(p.protocol_column(), "ARP");
    assert_eq!(
        p.address_columns(),
        ("00:30:88:01:00:02".into(), "ff:ff:ff:ff:ff:ff".into())
    );
}
