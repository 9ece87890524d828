//! Golden tests for `synack stream`: application PDUs per frame equal tshark's dissectors
//! (truth in tests/truth/pdus/, made by make_pdus.py), and gaps in a lossy capture are exactly
//! the byte ranges no frame carried (truth in tests/truth/<capture>.tsv).

mod support;

use std::collections::BTreeMap;

use serde_json::Value;
use support::{json_lines, root};

/// `synack stream tests/captures/CAPTURE --json EXTRA...`, one value per line.
fn synack_stream(capture: &str, extra: &[&str]) -> Vec<Value> {
    let path = format!("tests/captures/{capture}");
    let mut args = vec!["stream", path.as_str(), "--json"];
    args.extend_from_slice(extra);
    json_lines(support::synack(&args).ok())
}

fn port(endpoint: &Value) -> u64 {
    let s = endpoint.as_str().unwrap();
    s.rsplit(':').next().unwrap().parse().unwrap()
}

/// PDUs per (tcp.stream, source port, frame that completes them).
type PduCounts = BTreeMap<(u64, u64, u64), u64>;

fn tshark_pdus(capture: &str, proto: &str) -> PduCounts {
    let path = root()
        .join("tests/truth/pdus")
        .join(format!("{capture}.{proto}.tsv"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = PduCounts::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let key = (
            f[1].parse().unwrap(),
            f[3].parse().unwrap(),
            f[0].parse().unwrap(),
        );
        *out.entry(key).or_default() += f[4].parse::<u64>().unwrap();
    }
    out
}

fn synack_pdus(items: &[Value], label: &str) -> PduCounts {
    let mut ports = BTreeMap::new();
    let mut out = PduCounts::new();
    for o in items {
        match o["kind"].as_str().unwrap() {
            "stream" => {
                ports.insert(
                    o["stream"].as_u64().unwrap(),
                    (port(&o["client"]), port(&o["server"])),
                );
            }
            "message" if o["proto"] == label => {
                let (c, s) = ports[&o["stream"].as_u64().unwrap()];
                let sport = if o["dir"] == "c2s" { c } else { s };
                let key = (
                    o["stream"].as_u64().unwrap(),
                    sport,
                    o["complete_frame"].as_u64().unwrap(),
                );
                *out.entry(key).or_default() += 1;
            }
            _ => {}
        }
    }
    out
}

/// (capture, truth protocol, --framing, message label)
const CASES: &[(&str, &str, &str, &str)] = &[
    ("tcpdump-dns_tcp.pcap", "dns", "dns", "dns"),
    ("zeek-openjdk-25.0.2-zeek.org.pcap", "tls", "tls", "tls"),
    // MySQL that switches to TLS after the client's SSL request.
    ("pcpp-pcapng-example.pcapng", "tls", "mysql", "tls"),
    ("pcpp-pcapng-example.pcapng", "mysql", "mysql", "mysql"),
    ("zeek-mysql.pcap", "mysql", "mysql", "mysql"),
    ("tcpdump-resp_1_benchmark.pcap", "resp", "resp", "resp"),
    ("zeek-pipelining-example.pcap", "resp", "resp", "resp"),
    ("pcpp-three_http_streams.pcap", "http", "http", "http"),
    ("sanders-http_ip4and6.pcapng", "http", "http", "http"),
    ("pcpp-nanosecs_big_endian.pcap", "http", "http", "http"),
    ("pcpp-raw_ip.pcap", "http", "http", "http"),
    ("zeek-206_example_a.pcap", "http", "http", "http"),
    ("zeek-docker-http-upgrade.pcap", "http", "http", "http"),
];

#[test]
fn pdus_match_tshark_per_frame() {
    let mut failures = Vec::new();
    for &(capture, proto, framing, label) in CASES {
        let truth = tshark_pdus(capture, proto);
        let ours = synack_pdus(&synack_stream(capture, &["--framing", framing]), label);
        assert!(!truth.is_empty(), "{capture}: empty truth");
        if truth != ours {
            failures.push(format!(
                "{capture} {proto}: tshark {} PDUs, synack {}\n  tshark {truth:?}\n  synack {ours:?}",
                truth.values().sum::<u64>(),
                ours.values().sum::<u64>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn auto_picks_the_protocol_tshark_dissects() {
    // (capture, stream, expected framing)
    let cases = [
        ("tcpdump-dns_tcp.pcap", 0, "dns"),
        ("zeek-openjdk-25.0.2-zeek.org.pcap", 0, "tls"),
        ("pcpp-pcapng-example.pcapng", 0, "mysql"),
        ("zeek-mysql.pcap", 0, "mysql"),
        ("tcpdump-resp_1_benchmark.pcap", 3, "resp"),
        ("zeek-pipelining-example.pcap", 0, "resp"),
        ("pcpp-three_http_streams.pcap", 1, "http"),
        ("zeek-206_example_a.pcap", 0, "http"),
        // The capture ends inside the last response: still HTTP, not lines.
        ("pcpp-raw_ip.pcap", 1, "http"),
        ("synack-known-u32be.pcap", 0, "u32be"),
        ("synack-known-lines.pcap", 0, "line"),
    ];
    for (capture, stream, expected) in cases {
        let items = synack_stream(capture, &["--stream", &stream.to_string()]);
        let head = items.iter().find(|o| o["kind"] == "stream").unwrap();
        assert_eq!(
            head["framing"], expected,
            "{capture} stream {stream}: {}",
            head["auto_reason"]
        );
    }
}

/// Byte ranges of a direction that no frame carried, from tshark's per-frame truth.
fn holes_from_truth(capture: &str, sport: &str) -> Vec<(u64, u64)> {
    let path = root().join("tests/truth").join(format!("{capture}.tsv"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (c_sport, c_seq, c_len) = (col("tcp.srcport"), col("tcp.seq"), col("tcp.len"));
    let mut spans: Vec<(u64, u64)> = lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f[c_sport] == sport)
        .filter_map(|f| {
            let seq: u64 = f[c_seq].parse().ok()?;
            let len: u64 = f[c_len].parse().ok()?;
            (len > 0).then(|| (seq - 1, seq - 1 + len))
        })
        .collect();
    spans.sort_unstable();
    let mut holes = Vec::new();
    let mut end = 0;
    for (s, e) in spans {
        if s > end {
            holes.push((end, s));
        }
        end = end.max(e);
    }
    holes
}

#[test]
fn lossy_capture_gaps_are_the_bytes_no_frame_carried() {
    let capture = "zeek-reassembly.pcap";
    let items = synack_stream(capture, &["--stream", "0"]);
    let gaps: Vec<(u64, u64)> = items
        .iter()
        .filter(|o| o["kind"] == "gap" && o["dir"] == "c2s")
        .map(|o| {
            let off = o["offset"].as_u64().unwrap();
            (off, off + o["len"].as_u64().unwrap())
        })
        .collect();
    // Adjacent gaps of different reasons are one hole.
    let mut merged: Vec<(u64, u64)> = Vec::new();
    for g in gaps {
        match merged.last_mut() {
            Some(last) if last.1 == g.0 => last.1 = g.1,
            _ => merged.push(g),
        }
    }
    let holes = holes_from_truth(capture, "2564");
    assert!(holes.len() >= 5, "the capture is lossy: {holes:?}");
    assert_eq!(merged, holes);
    let summary = items
        .iter()
        .find(|o| o["kind"] == "summary" && o["dir"] == "c2s")
        .unwrap();
    let hole_bytes: u64 = holes.iter().map(|(s, e)| e - s).sum();
    assert_eq!(summary["gap_bytes"].as_u64().unwrap(), hole_bytes);
    // tshark finds no HTTP PDU in this upload (its start is binary); neither may synack,
    // and the bytes are reported as unparseable, not forced into messages.
    let http = synack_stream(capture, &["--stream", "0", "--framing", "http"]);
    assert!(!http.iter().any(|o| o["kind"] == "message"));
    assert!(http.iter().any(|o| o["kind"] == "unparsed"));
}

/// Frames tshark flags as (any kind of) retransmission, from the per-frame truth.
fn tshark_retransmissions(capture: &str) -> Vec<u64> {
    let path = root().join("tests/truth").join(format!("{capture}.tsv"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let flags = [
        col("tcp.analysis.retransmission"),
        col("tcp.analysis.fast_retransmission"),
        col("tcp.analysis.spurious_retransmission"),
    ];
    let len = col("tcp.len");
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| flags.iter().any(|&c| !f[c].is_empty()) && f[len] != "0")
        .map(|f| f[0].parse().unwrap())
        .collect()
}

#[test]
fn duplicate_segments_are_tsharks_retransmissions_when_nothing_new_came() {
    // Captures where every retransmission repeats bytes already seen.
    for capture in [
        "sanders-tcp_retransmissions.pcapng",
        "tcpdump-pptp.pcap",
        "sanders-inconsistent_printer.pcapng",
    ] {
        let mut ours: Vec<u64> = synack_stream(capture, &[])
            .iter()
            .filter(|o| o["kind"] == "duplicate")
            .map(|o| o["frame"].as_u64().unwrap())
            .collect();
        ours.sort_unstable();
        let truth = tshark_retransmissions(capture);
        assert!(!truth.is_empty());
        assert_eq!(ours, truth, "{capture}");
    }
}
