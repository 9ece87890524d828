//! Filter language tests on packets built with etherparse.

use etherparse::{PacketBuilder, VlanId};

use super::*;
use crate::capture::{LinkType, OwnedFrame, Timestamp};
use crate::decode::decode;
use crate::i18n::Lang;

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
    assert!(e.to_string().contains("time in seconds"), "{e}");
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
    assert!(e.to_string().contains("tcp.prot"), "{e}");
    let e = Filter::parse("tcp.port = 80").unwrap_err();
    assert!(e.to_string().contains("=="));
    let e = Filter::parse("(tcp").unwrap_err();
    assert!(e.to_string().contains("unclosed"));
    let e = Filter::parse("ip.addr == 10.0.0.300").unwrap_err();
    assert!(e.to_string().contains("IP address"));
    let e = Filter::parse("ip.addr > 10.0.0.1").unwrap_err();
    assert!(e.to_string().contains("== or !="));
    let e = Filter::parse("tcp.len >").unwrap_err();
    assert!(e.to_string().contains("value expected"));
    let e = Filter::parse("tcp udp").unwrap_err();
    assert_eq!(e.span, 4..7);
    let e = Filter::parse("tcp.analysis.bogus").unwrap_err();
    assert!(e.to_string().contains("tcp.analysis.bogus"));
    assert!(Filter::parse("  ").unwrap().is_empty());
}

/// Every kind of filter error, as the command line has always written it in English (the
/// window and `synack read -Y` show these; scripts may match them).
const ENGLISH_ERRORS: &[(&str, &str)] = &[
    (r#"tcp.port == 80 )"#, r#"unexpected ")" (at column 16)"#),
    (r#"tcp.port = 80"#, r#"use == to compare (at column 10)"#),
    (
        r#"tcp.port == 80 $"#,
        r#"unexpected character '$' (at column 16)"#,
    ),
    (
        r#"tcp.port ≠ 80"#,
        r#"unexpected character '≠' (at column 10)"#,
    ),
    (
        r#"tcp.payload contains "a\q""#,
        r#"unknown escape in a string (use \" \\ \n \r \t \xHH) (at column 24)"#,
    ),
    (
        r#"tcp.payload contains "abc"#,
        r#"unterminated string (a closing " expected) (at column 22)"#,
    ),
    (
        r#"tcp.port == 80 &&"#,
        r#"a field or protocol expected at the end of the filter (at column 18)"#,
    ),
    (
        r#"tcp.payload contains"#,
        r#"a value expected at the end of the filter (at column 21)"#,
    ),
    (
        r#"tcp.payload matches"#,
        r#"a regular expression in quotes expected at the end of the filter (at column 20)"#,
    ),
    (
        r#"tcp.payload["#,
        r#"a slice like [13], [0:2] or [4-7] expected at the end of the filter (at column 13)"#,
    ),
    (
        r#"tcp.payload[0"#,
        r#""]" expected at the end of the filter (at column 14)"#,
    ),
    (
        r#"tcp.port in"#,
        r#""{" expected at the end of the filter (at column 12)"#,
    ),
    (
        r#"tcp.port in {80"#,
        r#""}" expected at the end of the filter (at column 16)"#,
    ),
    (
        r#"tcp.port =="#,
        r#"a value expected at the end of the filter (at column 12)"#,
    ),
    (
        r#"(tcp.port == 80 tcp"#,
        r#"")" expected, found "tcp" (at column 17)"#,
    ),
    (r#"(tcp.port == 80"#, r#"unclosed "(" (at column 1)"#),
    (
        r#"tcp.bogusfield"#,
        r#""tcp.bogusfield" is neither a field nor a protocol (`synack fields` lists them) (at column 1)"#,
    ),
    (
        r#"tcp.prot"#,
        r#""tcp.prot" is neither a field nor a protocol (`synack fields` lists them) (at column 1)"#,
    ),
    (
        r#"tcp.payload contains 0x20"#,
        r#"contains needs a string ("GET") or bytes (47:45:54), found "0x20" (at column 22)"#,
    ),
    (
        r#"tcp.payload matches abc"#,
        r#"matches needs a regular expression in quotes (at column 21)"#,
    ),
    (
        r#"== 80"#,
        r#"a field or protocol expected, found "==" (at column 1)"#,
    ),
    (
        r#"tcp.port[0]"#,
        r#"tcp.port is a number: only protocols, byte strings and addresses can be sliced (at column 1)"#,
    ),
    (
        r#"tcp.payload[x]"#,
        r#""x" is not a slice: use [i], [i:n], [i-j], [i:] or [:n] (at column 13)"#,
    ),
    (
        r#"tcp.payload[0 1]"#,
        r#""]" expected, found "1" (at column 15)"#,
    ),
    (
        r#"tcp.port contains "a""#,
        r#"contains works on protocols and byte fields (e.g. tcp.payload, frame), not on tcp.port (at column 10)"#,
    ),
    (
        r#"tcp.port == ("#,
        r#"a value expected after == (at column 13)"#,
    ),
    (
        r#"ip.src > 10.0.0.1"#,
        r#"ip.src can only be compared with == or != (at column 8)"#,
    ),
    (
        r#"tcp.port in 80"#,
        r#""{" expected after in, found "80" (at column 13)"#,
    ),
    (
        r#"tcp.port in {,}"#,
        r#"a value or "}" expected, found "," (at column 14)"#,
    ),
    (
        r#"tcp.payload == 0xzz"#,
        r#""0xzz" is not a number (at column 16)"#,
    ),
    (
        r#"tcp.payload == zz"#,
        r#""zz" is not a byte string (like 00:1b:21 or "text") (at column 16)"#,
    ),
    (
        r#"tcp.port == "a""#,
        r#""a" is not a value for this field: strings compare with byte fields (at column 13)"#,
    ),
    (
        r#"ip.src == 10.0.0.1/x"#,
        r#""10.0.0.1/x" is not a valid prefix (at column 11)"#,
    ),
    (
        r#"ip.src == foo/8"#,
        r#""foo/8" is not an IP address or network (at column 11)"#,
    ),
    (
        r#"ip.src == foo"#,
        r#""foo" is not an IP address (at column 11)"#,
    ),
    (
        r#"tcp.analysis.ack_rtt > abc"#,
        r#""abc" is not a time in seconds (at column 24)"#,
    ),
    (
        r#"tcp.port == abc"#,
        r#""abc" is not a number (at column 13)"#,
    ),
    (
        r#"tcp.port == 99999"#,
        r#""99999" too big for this field, maximum 65535 (at column 13)"#,
    ),
    (
        r#"tcp.payload contains "\x4""#,
        r#"unknown escape in a string (use \" \\ \n \r \t \xHH) (at column 23)"#,
    ),
    (
        r#"tcp.flags.sy"#,
        r#""tcp.flags.sy" is neither a field nor a protocol (did you mean tcp.flags, tcp.flags.syn?) (at column 1)"#,
    ),
];

#[test]
fn every_error_keeps_its_english_words() {
    for (filter, english) in ENGLISH_ERRORS {
        let e = Filter::parse(filter).unwrap_err();
        assert_eq!(e.to_string(), *english, "{filter}");
        assert_eq!(e.text_in(Lang::En), *english, "{filter}");
    }
    let e = Filter::parse(r#"tcp.payload matches "(""#).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("bad regular expression: regex parse error:"),
        "{e}"
    );
    assert!(e.to_string().ends_with("(at column 21)"), "{e}");
}

#[test]
fn every_error_speaks_chinese() {
    let e = Filter::parse("tcp.port == 99999").unwrap_err();
    assert_eq!(
        e.text_in(Lang::Zh),
        "“99999”超出此字段的范围，最大值为 65535（第 13 列）"
    );
    let e = Filter::parse("tcp.flags.sy").unwrap_err();
    assert_eq!(
        e.message.text_in(Lang::Zh),
        "“tcp.flags.sy”既不是字段也不是协议（是不是想写 tcp.flags, tcp.flags.syn？）"
    );
    // The English sentences' words are gone; what stays is the filter's own text and syntax.
    let english_words = [
        "expected",
        "found",
        " is ",
        "not ",
        "unexpected",
        "column",
        "the ",
    ];
    for (filter, english) in ENGLISH_ERRORS {
        let zh = Filter::parse(filter).unwrap_err().text_in(Lang::Zh);
        assert_ne!(&zh, english);
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{filter}: {zh}"
        );
        for word in english_words {
            assert!(!zh.contains(word), "{filter}: {zh} has {word:?}");
        }
    }
}
