//! `synack read -T fields -e NAME ...` against tshark's `-T fields` on the same captures
//! (committed output in tests/truth/fields/, made by tests/truth/make_fields.sh), and display
//! filters beyond plain comparisons (strings, contains, matches, in, slices, the newer fields)
//! against tshark's frame counts (tests/truth/filter_syntax.tsv, make_filter_syntax.sh).

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use support::{root, synack};
use synack::analysis::Config;
use synack::capture::{FileReader, FrameSource as _};
use synack::filter::{Filter, FilterInput};
use synack::pipeline::Pipeline;

/// The capture a truth file describes (the corpus first, then the lesson captures).
fn capture_of(truth: &Path) -> PathBuf {
    let name = truth
        .file_stem()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let corpus = Path::new("tests/captures").join(&name);
    if root().join(&corpus).exists() {
        corpus
    } else {
        Path::new("captures").join(name)
    }
}

/// Where synack and tshark are known to differ for the three fields the issue names, and
/// why (the rest of the corpus must agree exactly).
const KNOWN: &[(&str, &str, &str)] = &[
    (
        "ndpi-6in4tunnel.pcap",
        "tcp.stream",
        "ICMPv6 errors quote a TCP header: tshark gives the quoted segment's tcp.stream, synack decodes the ICMP message only",
    ),
    (
        "zeek-gtp_ext_header.pcap",
        "tcp.stream",
        "a GTP-U frame whose inner TCP tshark decodes through an extension header synack stops at",
    ),
    (
        "zeek-vlan-collisions.pcap",
        "tcp.stream",
        "tshark keys this capture's connections without the VLAN id (one stream); synack keeps the VLANs' connections apart (three)",
    ),
    (
        "zeek-vlan-collisions.pcap",
        "tcp.analysis.flags",
        "tshark keys this capture's connections without the VLAN id, so retransmissions appear where synack sees separate connections",
    ),
];

/// Minimum agreement (percent of frames) per field over the corpus, measured when the test
/// was written: a ratchet (the differences are tunnels, where tshark prints every layer's
/// value and synack the innermost one, and the known cases above).
const AGREEMENT: &[(&str, f64)] = &[
    ("frame.number", 100.0),
    ("tcp.stream", 99.6),
    ("tcp.analysis.flags", 99.7),
    ("frame.len", 100.0),
    ("frame.cap_len", 100.0),
    ("frame.time_relative", 98.6),
    ("eth.src", 94.8),
    ("ip.src", 84.1),
    ("ip.len", 83.9),
    ("ipv6.src", 99.9),
    ("tcp.srcport", 99.9),
    ("tcp.len", 99.9),
    ("tcp.seq", 99.9),
    ("tcp.nxtseq", 99.9),
    ("tcp.ack", 99.9),
    ("tcp.flags", 99.9),
    ("tcp.window_size", 99.9),
    ("tcp.options.sack_le", 100.0),
    ("tcp.options.sack_re", 100.0),
    ("tcp.analysis.retransmission", 99.7),
    ("tcp.analysis.bytes_in_flight", 99.9),
    ("tcp.analysis.ack_rtt", 99.3),
    ("udp.srcport", 97.2),
    ("vlan.id", 99.9),
];

#[test]
fn read_t_fields_equals_tshark_on_the_corpus() {
    let mut truths: Vec<PathBuf> = std::fs::read_dir(root().join("tests/truth/fields"))
        .expect("tests/truth/fields")
        .map(|e| e.expect("entry").path())
        .collect();
    truths.sort();
    assert!(truths.len() > 50, "the truth files are committed");
    let mut agree: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut wrong = Vec::new();
    for truth in &truths {
        let text = std::fs::read_to_string(truth).expect("truth");
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
        let theirs: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
        let capture = capture_of(truth);
        let mut args = vec!["read", capture.to_str().expect("utf-8"), "-T", "fields"];
        for f in &header {
            args.extend(["-e", f]);
        }
        let run = synack(&args);
        let ours: Vec<Vec<&str>> = run
            .text()
            .lines()
            .map(|l| l.split('\t').collect())
            .collect();
        let name = truth
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        for (i, row) in theirs.iter().enumerate() {
            for (j, field) in header.iter().enumerate() {
                let want = row.get(j).copied().unwrap_or("");
                let have = ours.get(i).and_then(|r| r.get(j)).copied().unwrap_or("");
                let e = agree.entry(field.to_string()).or_default();
                e.1 += 1;
                if want == have {
                    e.0 += 1;
                } else if j < 3 && !KNOWN.iter().any(|(c, f, _)| *c == name && f == field) {
                    wrong.push(format!(
                        "{name} frame {}: {field} tshark {want:?} synack {have:?}",
                        i + 1
                    ));
                }
            }
        }
    }
    for (field, (same, all)) in &agree {
        println!(
            "{field:32} {same:>6}/{all} {:.2}%",
            100.0 * *same as f64 / *all as f64
        );
    }
    assert!(
        wrong.is_empty(),
        "frame.number, tcp.stream, tcp.analysis.flags differ:\n{}",
        wrong.join("\n")
    );
    for (field, min) in AGREEMENT {
        let (same, all) = agree[*field];
        let pct = 100.0 * same as f64 / all as f64;
        assert!(
            pct >= *min,
            "{field}: {pct:.2}% agreement, was at least {min}%"
        );
    }
}

/// Frames of `capture` each filter passes, evaluated as `read -Y` does (after analysis).
/// (Counts, and whether the capture has tunnelled or encapsulated frames.)
fn counts(capture: &Path, filters: &[Filter]) -> (Vec<usize>, bool) {
    let mut reader = FileReader::open(root().join(capture)).expect("capture opens");
    let mut pipeline = Pipeline::new(Config::default());
    let mut counts = vec![0; filters.len()];
    let mut start = None;
    let mut tunnelled = false;
    while let Ok(Some(frame)) = reader.next_frame() {
        start = start.or(frame.ts);
        let (packet, ann) = pipeline.frame(&frame);
        tunnelled |= !packet.encap.is_empty();
        let input = FilterInput {
            frame: &frame,
            packet: &packet,
            analysis: Some(&ann),
            start,
        };
        for (n, f) in counts.iter_mut().zip(filters) {
            *n += usize::from(f.matches(&input));
        }
    }
    (counts, tunnelled)
}

/// Captures where tshark's counts differ for a reason outside the filter language.
const KNOWN_COUNTS: &[(&str, &str)] = &[
    (
        "tests/captures/gopacket-be-test202.pcapng",
        "frames without a usable timestamp: tshark's frame.time_relative starts elsewhere",
    ),
    (
        "tests/captures/pcpp-pcapng-example.pcapng",
        "timestamps before 1970 in some blocks: tshark's frame.time_relative starts elsewhere",
    ),
    (
        "tests/captures/zeek-gtp_ext_header.pcap",
        "a GTP-U extension header synack does not decode past (its inner TCP is missing)",
    ),
    (
        "tests/captures/tcpdump-bigtcp-ipv4-vxlan-ipv4.pcap",
        "an IPv4 BIG TCP packet (total length 0): tshark stops at the outer IP header",
    ),
    (
        "tests/captures/pcpp-ip4_fragments.pcap",
        "tshark reassembles IP fragments (udp.payload only in the last one); synack decodes the first",
    ),
];

#[test]
fn display_filter_syntax_counts_equal_tshark() {
    let text =
        std::fs::read_to_string(root().join("tests/truth/filter_syntax.tsv")).expect("truth");
    let mut by_capture: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let n = cols[2].parse().expect("count");
        by_capture.entry(cols[0]).or_default().push((cols[1], n));
    }
    assert!(by_capture.len() > 50);
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (capture, expected) in &by_capture {
        let filters: Vec<Filter> = expected
            .iter()
            .map(|(f, _)| Filter::parse(f).unwrap_or_else(|e| panic!("{f}: {e}")))
            .collect();
        let (have, tunnelled) = counts(Path::new(capture), &filters);
        // In a tunnelled frame tshark tests every layer's header (an outer ip.len too);
        // synack's fields are the innermost layer's. Those captures are reported only.
        let exact = !tunnelled && !KNOWN_COUNTS.iter().any(|(c, _)| c == capture);
        for ((filter, want), have) in expected.iter().zip(have) {
            checked += 1;
            if have != *want && !exact {
                println!("(not asserted) {capture} -Y '{filter}': tshark {want}, synack {have}");
            } else if have != *want {
                wrong.push(format!(
                    "{capture} -Y '{filter}': tshark {want}, synack {have}"
                ));
            }
        }
    }
    println!("{checked} filter counts checked, {} differ", wrong.len());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `read --json`'s SACK blocks are relative like its seq/ack, as tshark's
/// `tcp.options.sack_le`/`sack_re` (and tcpdump) print them; `blocks_raw` keeps the edges as
/// sent. Checked on every corpus capture whose truth has SACK edges.
#[test]
fn json_sack_blocks_equal_tsharks_relative_edges() {
    let mut truths: Vec<PathBuf> = std::fs::read_dir(root().join("tests/truth/fields"))
        .expect("tests/truth/fields")
        .map(|e| e.expect("entry").path())
        .collect();
    truths.sort();
    let (mut frames, mut captures) = (0, 0);
    for truth in &truths {
        let text = std::fs::read_to_string(truth).expect("truth");
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
        let (le, re) = (col("tcp.options.sack_le"), col("tcp.options.sack_re"));
        let want: BTreeMap<u64, (String, String)> = lines
            .enumerate()
            .filter_map(|(i, l)| {
                let cols: Vec<&str> = l.split('\t').collect();
                let (l, r) = (cols.get(le)?, cols.get(re)?);
                (!l.is_empty()).then(|| (i as u64 + 1, (l.to_string(), r.to_string())))
            })
            .collect();
        if want.is_empty() {
            continue;
        }
        captures += 1;
        let capture = capture_of(truth);
        let run = synack(&[
            "read",
            capture.to_str().expect("utf-8"),
            "--json",
            "--no-messages",
        ]);
        let mut have: BTreeMap<u64, (String, String)> = BTreeMap::new();
        for line in run.text().lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            let frame = v["frame"].as_u64().expect("frame");
            let Some(options) = v["tcp"]["options"].as_array() else {
                continue;
            };
            let mut edges = (Vec::new(), Vec::new());
            for o in options.iter().filter(|o| o["kind"] == "sack") {
                let blocks = o["blocks"].as_array().expect("blocks");
                let raw = o["blocks_raw"].as_array().expect("blocks_raw");
                assert_eq!(blocks.len(), raw.len());
                for b in blocks {
                    edges.0.push(b[0].to_string());
                    edges.1.push(b[1].to_string());
                }
            }
            if !edges.0.is_empty() {
                have.insert(frame, (edges.0.join(","), edges.1.join(",")));
            }
        }
        assert_eq!(
            have,
            want,
            "{}: SACK edges in JSON vs tshark",
            capture.display()
        );
        frames += want.len();
    }
    println!("{frames} frames with SACK blocks in {captures} captures equal tshark's edges");
    assert!(
        frames >= 10 && captures >= 2,
        "{frames} frames, {captures} captures"
    );
}
