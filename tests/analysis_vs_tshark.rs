//! Golden test: synack's analysis engine against tshark 4.0, frame by frame.
//!
//! For every capture in `tests/captures/` with a committed truth file (`tests/truth/*.tsv`,
//! made by `make_truth.sh`), except `zeek-vlan-collisions.pcap` (tested on its own below:
//! tshark ignores VLAN ids there), it compares stream numbers, relative seq/ack, the
//! calculated window, duplicate-ACK numbers, the initial RTT, and computes per-flag precision
//! and recall. Every flag must reach 0.99 on both. A second test compares the per-frame wire
//! metrics `tcp.analysis.bytes_in_flight`, `tcp.analysis.ack_rtt` and `tcp.analysis.acks_frame`
//! on every frame where either tool gives them: at least 99 % must be equal.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use synack::analysis::{Annotation, ClosePattern, Engine, Flag};
use synack::capture::{FileReader, FrameSource};
use synack::decode::decode;
use synack::filter::{AnalysisFields, Filter, FilterInput};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

struct Truth {
    header: HashMap<String, usize>,
    rows: Vec<Vec<String>>,
}

impl Truth {
    fn load(path: &Path) -> Truth {
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines();
        let header = lines
            .next()
            .unwrap()
            .split('\t')
            .enumerate()
            .map(|(i, h)| (h.to_string(), i))
            .collect();
        let rows = lines
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect();
        Truth { header, rows }
    }

    fn get<'a>(&self, row: &'a [String], field: &str) -> &'a str {
        let i = self.header[field];
        row.get(i).map_or("", |s| s.as_str())
    }
}

/// Runs the engine over a capture: (frame number, annotation, is_ip_fragment, time_saturated).
fn run(path: &Path) -> Vec<(u64, Annotation, bool, bool)> {
    let mut reader = FileReader::open(path).unwrap();
    let mut engine = Engine::new(Default::default());
    let mut out = Vec::new();
    while let Ok(Some(frame)) = reader.next_frame() {
        let pkt = decode(&frame);
        let frag = pkt.ip().is_some_and(|i| i.is_fragment);
        let ann = engine.process(&frame, &pkt);
        // Times past 2262 saturate in synack's i64 nanoseconds; tshark keeps them.
        let saturated = frame.ts.is_some_and(|t| t.as_nanos() == i64::MAX);
        out.push((frame.number, ann, frag, saturated));
    }
    out
}

#[derive(Default, Clone, Copy)]
struct Score {
    tp: u64,
    fp: u64,
    fn_: u64,
}

impl Score {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

fn captures() -> Vec<(PathBuf, PathBuf)> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(root().join("captures")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let truth = root().join("truth").join(format!("{name}.tsv"));
        if truth.exists() && name != "zeek-vlan-collisions.pcap" {
            v.push((p, truth));
        }
    }
    v.sort();
    v
}

#[test]
fn flags_streams_and_sequence_numbers_match_tshark() {
    let mut scores: Vec<Score> = vec![Score::default(); Flag::ALL.len()];
    let mut mismatches: Vec<String> = Vec::new();
    let mut checked = [0u64; 6]; // tcp.stream, udp.stream, seq, ack, window, rtt
    let files = captures();
    assert!(files.len() >= 20, "test corpus missing: {}", files.len());
    for (cap, truth_path) in &files {
        let truth = Truth::load(truth_path);
        let ours = run(cap);
        let name = cap.file_name().unwrap().to_string_lossy();
        let by_frame: HashMap<u64, &(u64, Annotation, bool, bool)> =
            ours.iter().map(|x| (x.0, x)).collect();
        for row in &truth.rows {
            let n: u64 = truth.get(row, "frame.number").parse().unwrap();
            let protos = truth.get(row, "frame.protocols");
            let Some((_, ann, frag, saturated)) = by_frame.get(&n) else {
                mismatches.push(format!("{name} #{n}: frame not read"));
                continue;
            };
            if *frag || protos.contains("icmp") {
                continue; // tshark reassembles fragments / dissects ICMP-quoted headers
            }
            let ctx = format!("{name} #{n}");
            let bad = |m: &mut Vec<String>, what: &str, want: &str, got: String| {
                if want != got {
                    m.push(format!("{ctx}: {what} tshark={want} synack={got}"));
                }
            };
            let tcp_stream = truth.get(row, "tcp.stream");
            if !tcp_stream.is_empty() {
                checked[0] += 1;
                let got = ann.flow.map_or(String::new(), |f| f.stream.to_string());
                bad(&mut mismatches, "tcp.stream", tcp_stream, got);
            }
            let udp_stream = truth.get(row, "udp.stream");
            // The truth holds the last udp.stream of the frame: a tunnel's outer UDP header
            // when nothing UDP is inside (ARP in VXLAN), which this test does not compare.
            let inner = protos
                .rsplit(':')
                .take_while(|p| *p != "ip" && *p != "ipv6");
            let udp_inside =
                inner.clone().any(|p| p == "udp") && !inner.clone().any(|p| p == "eth");
            if !udp_stream.is_empty() && tcp_stream.is_empty() && udp_inside {
                checked[1] += 1;
                let got = ann.flow.map_or(String::new(), |f| f.stream.to_string());
                bad(&mut mismatches, "udp.stream", udp_stream, got);
            }
            let Some(t) = ann.tcp else {
                if !tcp_stream.is_empty() {
                    mismatches.push(format!("{name} #{n}: no TCP annotation"));
                }
                continue;
            };
            if tcp_stream.is_empty() {
                continue;
            }
            checked[2] += 1;
            bad(
                &mut mismatches,
                "tcp.seq",
                truth.get(row, "tcp.seq"),
                t.seq.to_string(),
            );
            let ack = truth.get(row, "tcp.ack");
            if !ack.is_empty() {
                checked[3] += 1;
                bad(&mut mismatches, "tcp.ack", ack, t.ack.to_string());
            }
            let win = truth.get(row, "tcp.window_size");
            if !win.is_empty() {
                checked[4] += 1;
                bad(
                    &mut mismatches,
                    "tcp.window_size",
                    win,
                    t.window.to_string(),
                );
            }
            let rtt = truth.get(row, "tcp.analysis.initial_rtt");
            let got_rtt = match t.initial_rtt_ns {
                Some(ns) if t.has_seq_ack_analysis() => format!("{:.9}", ns as f64 / 1e9),
                _ => String::new(),
            };
            if (!rtt.is_empty() || !got_rtt.is_empty()) && !saturated {
                checked[5] += 1;
                bad(&mut mismatches, "initial_rtt", rtt, got_rtt);
            }
            for (i, flag) in Flag::ALL.iter().enumerate() {
                let want = !truth
                    .get(row, &format!("tcp.analysis.{}", flag.name()))
                    .is_empty();
                let got = t.tags.has(*flag);
                match (want, got) {
                    (true, true) => scores[i].tp += 1,
                    (false, true) => {
                        scores[i].fp += 1;
                        mismatches.push(format!("{name} #{n}: extra {flag}"));
                    }
                    (true, false) => {
                        scores[i].fn_ += 1;
                        mismatches.push(format!("{name} #{n}: missing {flag}"));
                    }
                    _ => {}
                }
            }
            if let Some(tag) = t.tags.get(Flag::DuplicateAck) {
                bad(
                    &mut mismatches,
                    "duplicate_ack_num",
                    truth.get(row, "tcp.analysis.duplicate_ack_num"),
                    tag.info.num.to_string(),
                );
                bad(
                    &mut mismatches,
                    "duplicate_ack_frame",
                    truth.get(row, "tcp.analysis.duplicate_ack_frame"),
                    tag.info.frame.to_string(),
                );
            }
        }
    }
    println!(
        "{:<26} {:>6} {:>6} {:>6} {:>9} {:>7}",
        "flag", "tp", "fp", "fn", "precision", "recall"
    );
    for (i, flag) in Flag::ALL.iter().enumerate() {
        let s = scores[i];
        println!(
            "{:<26} {:>6} {:>6} {:>6} {:>9.4} {:>7.4}",
            flag.name(),
            s.tp,
            s.fp,
            s.fn_,
            s.precision(),
            s.recall()
        );
    }
    println!(
        "checked: tcp.stream {} udp.stream {} seq {} ack {} window {} initial_rtt {}",
        checked[0], checked[1], checked[2], checked[3], checked[4], checked[5]
    );
    for m in mismatches.iter().take(80) {
        println!("MISMATCH {m}");
    }
    println!("{} mismatches", mismatches.len());
    for (i, flag) in Flag::ALL.iter().enumerate() {
        assert!(
            scores[i].precision() >= 0.99 && scores[i].recall() >= 0.99,
            "{flag}: precision {:.4} recall {:.4}",
            scores[i].precision(),
            scores[i].recall()
        );
    }
    assert!(
        checked[0] > 1000 && checked[2] > 1000,
        "too little compared: {checked:?}"
    );
    let non_flag: Vec<&String> = mismatches
        .iter()
        .filter(|m| !m.contains(" extra ") && !m.contains(" missing "))
        .collect();
    assert!(
        non_flag.is_empty(),
        "{} field mismatches, first: {:?}",
        non_flag.len(),
        non_flag.first()
    );
}

/// One wire metric's agreement: frames where tshark or synack gives it, and equal ones.
#[derive(Default)]
struct Agreement {
    compared: u64,
    equal: u64,
    first_differences: Vec<String>,
}

impl Agreement {
    fn check(&mut self, ctx: &str, want: &str, got: &str) {
        if want.is_empty() && got.is_empty() {
            return;
        }
        self.compared += 1;
        if want == got {
            self.equal += 1;
        } else if self.first_differences.len() < 40 {
            self.first_differences
                .push(format!("{ctx}: tshark={want:?} synack={got:?}"));
        }
    }

    fn ratio(&self) -> f64 {
        self.equal as f64 / self.compared.max(1) as f64
    }
}

#[test]
fn bytes_in_flight_and_ack_rtt_match_tshark() {
    let names = ["bytes_in_flight", "ack_rtt", "acks_frame"];
    let mut metrics: Vec<Agreement> = names.iter().map(|_| Agreement::default()).collect();
    // Display filters on the metrics: synack's verdict against tshark's value of the field.
    let filters: [(&str, ExpectedFromValue); 4] = [
        ("tcp.analysis.bytes_in_flight > 10000", |v| {
            v.parse::<u64>().is_ok_and(|b| b > 10000)
        }),
        ("tcp.analysis.bytes_in_flight", |v| !v.is_empty()),
        ("tcp.analysis.ack_rtt >= 0.001", |v| {
            v.parse::<f64>().is_ok_and(|s| s >= 0.001)
        }),
        ("tcp.analysis.acks_frame < 100", |v| {
            v.parse::<u64>().is_ok_and(|f| f < 100)
        }),
    ];
    let compiled: Vec<Filter> = filters
        .iter()
        .map(|f| Filter::parse(f.0).unwrap())
        .collect();
    let mut filter_agreement = Agreement::default();
    let mut files = captures();
    files.extend(generator_captures());
    for (cap, truth_path) in &files {
        let truth = Truth::load(truth_path);
        let ours = run(cap);
        let verdicts = filter_verdicts(cap, &compiled);
        let name = cap.file_name().unwrap().to_string_lossy();
        let by_frame: HashMap<u64, &(u64, Annotation, bool, bool)> =
            ours.iter().map(|x| (x.0, x)).collect();
        for row in &truth.rows {
            let n: u64 = truth.get(row, "frame.number").parse().unwrap();
            let Some((_, ann, frag, saturated)) = by_frame.get(&n) else {
                continue;
            };
            if *frag || *saturated || truth.get(row, "frame.protocols").contains("icmp") {
                continue;
            }
            for (i, (text, expected)) in filters.iter().enumerate() {
                let field = text.split(' ').next().unwrap();
                let want = expected(truth.get(row, field));
                let got = verdicts.get(&n).is_some_and(|v| v[i]);
                if want || got {
                    filter_agreement.check(
                        &format!("{name} #{n} {text}"),
                        &want.to_string(),
                        &got.to_string(),
                    );
                }
            }
            let acked = ann.tcp.map(|t| t.acked).unwrap_or_default();
            let ctx = format!("{name} #{n}");
            let got = [
                acked
                    .bytes_in_flight
                    .map_or(String::new(), |b| b.to_string()),
                match acked.acks_frame {
                    // tshark shows the RTT only when it is not zero.
                    Some(_) if acked.ack_rtt_ns != 0 => seconds(acked.ack_rtt_ns),
                    _ => String::new(),
                },
                acked.acks_frame.map_or(String::new(), |f| f.to_string()),
            ];
            for (i, metric) in names.iter().enumerate() {
                let want = truth.get(row, &format!("tcp.analysis.{metric}"));
                metrics[i].check(&ctx, want, &got[i]);
            }
        }
    }
    for (name, m) in names.iter().zip(&metrics) {
        println!(
            "{name:<16} compared {:>6} equal {:>6} ({:.4})",
            m.compared,
            m.equal,
            m.ratio()
        );
        for d in &m.first_differences {
            println!("  DIFF {name} {d}");
        }
    }
    println!(
        "filters          compared {:>6} equal {:>6} ({:.4})",
        filter_agreement.compared,
        filter_agreement.equal,
        filter_agreement.ratio()
    );
    for d in &filter_agreement.first_differences {
        println!("  DIFF filter {d}");
    }
    assert!(filter_agreement.compared > 1000);
    assert_eq!(
        filter_agreement.ratio(),
        1.0,
        "filters disagree with the values"
    );
    for (name, m) in names.iter().zip(&metrics) {
        assert!(
            m.compared > 1000,
            "{name}: too little compared ({})",
            m.compared
        );
        assert!(
            m.ratio() >= 0.99,
            "{name}: {:.4} equal to tshark",
            m.ratio()
        );
    }
}

/// Whether a filter should pass a frame, from tshark's value of the field it names.
type ExpectedFromValue = fn(&str) -> bool;

/// Per frame number, whether each filter passes the frame (evaluated as `read -Y` does).
fn filter_verdicts(path: &Path, filters: &[Filter]) -> HashMap<u64, Vec<bool>> {
    let mut reader = FileReader::open(path).unwrap();
    let mut engine = Engine::new(Default::default());
    let mut out = HashMap::new();
    while let Ok(Some(frame)) = reader.next_frame() {
        let pkt = decode(&frame);
        let ann = engine.process(&frame, &pkt);
        let input = FilterInput {
            frame: &frame,
            packet: &pkt,
            analysis: Some(&ann as &dyn AnalysisFields),
            start: None,
        };
        out.insert(
            frame.number,
            filters.iter().map(|f| f.matches(&input)).collect(),
        );
    }
    out
}

/// Nanoseconds as tshark prints a relative time: seconds with nine decimals, exactly.
fn seconds(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.unsigned_abs();
    format!("{sign}{}.{:09}", abs / 1_000_000_000, abs % 1_000_000_000)
}

/// The generator's captures (`captures/*.pcap`) with their truth files (`tests/truth/gen/`).
fn generator_captures() -> Vec<(PathBuf, PathBuf)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut v = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let truth = root().join("truth/gen").join(format!("{name}.tsv"));
        if name.ends_with(".pcap") && truth.exists() {
            v.push((p, truth));
        }
    }
    v.sort();
    v
}

#[test]
fn vlan_collisions_are_three_clean_connections() {
    let path = root().join("captures/zeek-vlan-collisions.pcap");
    let mut reader = FileReader::open(&path).unwrap();
    let mut engine = Engine::new(Default::default());
    let mut flagged = 0;
    while let Ok(Some(frame)) = reader.next_frame() {
        let pkt = decode(&frame);
        let ann = engine.process(&frame, &pkt);
        if let Some(t) = ann.tcp {
            flagged += t.tags.as_slice().len();
        }
    }
    let conns = engine.into_connections();
    assert_eq!(conns.len(), 3, "three connections, one per VLAN");
    let mut vlans: Vec<Vec<u16>> = conns.iter().map(|c| c.vlan.as_slice().to_vec()).collect();
    vlans.sort();
    vlans.dedup();
    assert_eq!(vlans.len(), 3, "each connection on its own VLAN: {vlans:?}");
    for c in &conns {
        assert_eq!(c.zeek_state(), "SF", "stream {}: {}", c.stream, c.history());
        assert!(
            matches!(
                c.close_pattern(),
                Some(ClosePattern::FourWay | ClosePattern::ThreeWay)
            ),
            "stream {} closed {:?}",
            c.stream,
            c.close_pattern()
        );
        assert!(c.handshake_rtt_ms().is_some());
    }
    assert_eq!(
        flagged, 0,
        "no retransmissions or other flags on clean connections"
    );
}
