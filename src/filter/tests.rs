//! Filter language tests on packets built with etherparse.

use etherparse::{PacketBuilder, VlanId};

use super::*;
use crate::capture::{LinkType, OwnedFrame, Timestamp};
use crate::decode::decode;

fn tcp_frame(sport: u16, dport: u16, syn: bool, payload: &[u8]) -> OwnedFrame {
    let mut v = Vec::new();
    let b = PacketBuilder::ethernet2([1; 6], [2; 6])
        .single_vlan(VlanId::try_new(42).unwrap())
        .ipv4([10, 0, 0, 1], [192, 168, 1, 9], 64)
        .tcp(sport, dport, 100, 500);
    let b = if syn { b.syn() } else { b.ack(7) };
    b.write(&mut v, payload).unwrap();
    OwnedFrame::packet(3, Timestamp(0), LinkType::Ethernet, v)
}

fn udp6_frame() -> OwnedFrame {
    let mut v = Vec::new();
    PacketBuilder::ipv6([0; 16], std::net::Ipv6Addr::LOCALHOST.octets(), 9)
        .udp(5353, 53)
        .write(&mut v, b"q")
        .unwrap();
    OwnedFrame::packet(4, Timestamp(0), LinkType::Raw, v)
}

struct FakeAnalysis;

impl AnalysisFields for FakeAnalysis {
    fn tcp_stream(&self) -> Option<u64> {
        Some(5)
    }
    fn udp_stream(&self) -> Option<u64> {
        Some(0)
    }
    fn rel_seq(&self) -> Option<u32> {
        Some(1)
    }
    fn rel_ack(&self) -> Option<u32> {
        Some(1)
    }
    fn window_size(&self) -> Option<u64> {
        Some(64000)
    }
    fn has_flag(&self, flag: crate::analysis::Flag) -> bool {
        flag == crate::analysis::Flag::Retransmission
    }
    fn any_flag(&self) -> bool {
        true
    }
    fn bytes_in_flight(&self) -> Option<u32> {
        Some(2896)
    }
    fn ack_rtt_ns(&self) -> Option<i64> {
        Some(43_791_000)
    }
}

fn check(filter: &str, f: &OwnedFrame, analysis: bool) -> bool {
    let flt = Filter::parse(filter).unwrap_or_else(|e| panic!("{filter}: {e}"));
    let frame = f.as_frame();
    let packet = decode(&frame);
    let fake = FakeAnalysis;
    flt.matches(&FilterInput {
        frame: &frame,
        packet: &packet,
        analysis: analysis.then_some(&fake as &dyn AnalysisFields),
        start: Some(Timestamp(0)),
    })
}

#[test]
fn protocols_fields_and_boolean_logic() {
    let syn = tcp_frame(40000, 80, true, b"");
    let data = tcp_frame(40000, 80, false, b"hello");
    let udp = udp6_frame();
    for (filter, on_syn, on_data, on_udp) in [
        ("", true, true, true),
        ("tcp", true, true, false),
        ("udp", false, false, true),
        ("ip", true, true, false),
        ("ipv6", false, false, true),
        ("ip.addr == 10.0.0.1", true, true, false),
        ("ip.addr == 192.168.0.0/16", true, true, false),
        ("ip.src == 192.168.1.9", false, false, false),
        ("ip.dst == 192.168.1.9", true, true, false),
        ("ip.addr != 10.0.0.1", false, false, true),
        ("ipv6.dst == ::1", false, false, true),
        ("tcp.port == 80", true, true, false),
        (
            "tcp.dstport == 80 && tcp.srcport == 40000",
            true,
            true,
            false,
        ),
        ("udp.port == 53", false, false, true),
        ("tcp.flags.syn == 1", true, false, false),
        (
            "tcp.flags.syn == 1 and tcp.flags.ack == 0",
            true,
            false,
            false,
        ),
        ("tcp.flags.ack == 1", false, true, false),
        ("tcp.len > 0", false, true, false),
        ("tcp.len >= 5 and tcp.len <= 5", false, true, false),
        ("frame.len == 58", true, false, false),
        ("frame.len > 58", false, true, false),
        ("vlan.id == 42", true, true, false),
        ("vlan", true, true, false),
        ("!vlan", false, false, true),
        ("not tcp or udp", false, false, true),
        (
            "(tcp.flags.syn == 1 || tcp.len > 0) && !udp",
            true,
            true,
            false,
        ),
        ("tcp.flags == 0x002", true, false, false),
        ("frame.number == 3", true, true, false),
    ] {
        assert_eq!(check(filter, &syn, false), on_syn, "{filter} on SYN");
        assert_eq!(check(filter, &data, false), on_data, "{filter} on data");
        assert_eq!(check(filter, &udp, false), on_udp, "{filter} on UDP");
    }
}

#[test]
fn analysis_fields_need_an_analysis() {
    let data = tcp_frame(40000, 80, false, b"hello");
    assert!(!check("tcp.analysis.retransmission", &data, false));
    assert!(check("tcp.analysis.retransmission", &data, true));
    assert!(!check("tcp.analysis.duplicate_ack", &data, true));
    assert!(check("tcp.analysis.flags", &data, true));
    assert!(check("tcp.stream == 5", &data, true));
    assert!(!check("tcp.stream == 5", &data, false));
    assert!(check("tcp.seq == 1", &data, true));
    assert!(check("tcp.seq == 100", &data, false));
    assert!(check("tcp.window_size == 64000", &data, true));
}

#[test]
fn wire_metrics_compare_as_numbers_and_times() {
    let data = tcp_frame(40000, 80, false, b"hello");
    assert!(check("tcp.analysis.bytes_in_flight == 2896", &data, true));
    assert!(check("tcp.analysis.bytes_in_flight > 2000", &data, true));
    assert!(!check("tcp.analysis.bytes_in_flight > 2896", &data, true));
    assert!(!check("tcp.analysis.bytes_in_flight", &data, false));
    // ack_rtt is a time in seconds, compared exactly to the nanosecond.
    assert!(check("tcp.analysis.ack_rtt", &data, true));
    assert!(check("tcp.analysis.ack_rtt == 0.043791", &data, true));
    assert!(check("tcp.analysis.ack_rtt > 0.04", &data, true));
    assert!(check("tcp.analysis.ack_rtt < .05", &data, true));
    assert!(!check("tcp.analysis.ack_rtt > 0.043791001", &data, true));
    assert!(check("tcp.analysis.ack_rtt >= 0.0437910009", &data, true));
    assert!(!check("tcp.analysis.ack_rtt > 1", &data, true));
    // FakeAnalysis gives no acks_frame.
    assert!(!check("tcp.analysis.acks_frame", &data, true));
    let e = Filter::parse("tcp.analysis.ack_rtt > 1e-3").unwrap_err();
    assert!(e.message.contains("time in seconds"), "{}", e.message);
    assert!(
        Filter::parse("tcp.analysis.ack_rtt > 0.1 or tcp.port == 80")
            .unwrap()
            .uses_wire_metrics()
    );
    assert!(!Filter::parse("tcp.port == 80").unwrap().uses_wire_metrics());
}

#[test]
fn errors_point_at_the_problem() {
    let e = Filter::parse("tcp.port == 80 && tcp.prot == 1").unwrap_err();
    assert_eq!(e.span, 18..26);
    assert!(e.message.contains("tcp.prot"), "{}", e.message);
    let e = Filter::parse("tcp.port = 80").unwrap_err();
    assert!(e.message.contains("=="));
    let e = Filter::parse("(tcp").unwrap_err();
    assert!(e.message.contains("unclosed"));
    let e = Filter::parse("ip.addr == 10.0.0.300").unwrap_err();
    assert!(e.message.contains("IP address"));
    let e = Filter::parse("ip.addr > 10.0.0.1").unwrap_err();
    assert!(e.message.contains("== or !="));
    let e = Filter::parse("tcp.len >").unwrap_err();
    assert!(e.message.contains("value expected"));
    let e = Filter::parse("tcp udp").unwrap_err();
    assert_eq!(e.span, 4..7);
    let e = Filter::parse("tcp.analysis.bogus").unwrap_err();
    assert!(e.message.contains("tcp.analysis.bogus"));
    assert!(Filter::parse("  ").unwrap().is_empty());
}
