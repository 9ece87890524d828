//! The committed generator captures (`captures/<scenario>.pcap` + `.calls.json`): each shows
//! its lesson, synack decodes every frame as tshark 4.0 did (truth in `tests/truth/gen/`,
//! made by `captures/make_captures.sh`), tshark's analysis flags confirm the lesson, and the
//! synthetic ones are exactly what the generator makes today.

mod common;

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use common::{calls_account_for_bytes, check, consistent, read_capture, segments};
use synack::calls::CallTrace;
use synack::decode::decode;
use synack::gen::{synthesize_frames, GenOptions, Scenario};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn capture(sc: Scenario) -> PathBuf {
    common::committed_capture(sc)
}

fn trace(sc: Scenario) -> Option<CallTrace> {
    let p = synack::calls::calls_path(&capture(sc));
    let f = File::open(p).ok()?;
    Some(CallTrace::read_json(f).expect("calls trace parses"))
}

/// tshark truth rows as maps from field name to value.
fn truth(sc: Scenario) -> Vec<HashMap<String, String>> {
    let p = root()
        .join("tests/truth/gen")
        .join(format!("{sc}.pcap.tsv"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().expect("header").split('\t').collect();
    lines
        .map(|l| {
            head.iter()
                .zip(l.split('\t').chain(std::iter::repeat("")))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn flagged(rows: &[HashMap<String, String>], field: &str) -> usize {
    rows.iter()
        .filter(|r| r.get(field).is_some_and(|v| !v.is_empty()))
        .count()
}

#[test]
fn every_scenario_has_a_capture_showing_its_lesson() {
    for sc in Scenario::ALL {
        let frames = read_capture(&capture(sc));
        let segs = segments(&frames);
        let t = trace(sc);
        if sc != Scenario::Flood {
            assert!(t.is_some(), "{sc}: calls trace committed");
        }
        if let Err(e) = check(sc, &segs, t.as_ref()) {
            panic!("captures/{sc}.pcap: {e}");
        }
        if let Err(e) = consistent(&segs) {
            panic!("captures/{sc}.pcap: inconsistent TCP arithmetic: {e}");
        }
    }
}

#[test]
fn sticky_capture_calls_account_for_every_byte() {
    let frames = read_capture(&capture(Scenario::Sticky));
    let t = trace(Scenario::Sticky).expect("sticky trace");
    calls_account_for_bytes(&segments(&frames), &t, "client").unwrap();
}

#[test]
fn decode_matches_tshark_on_every_frame() {
    for sc in Scenario::ALL {
        let frames = read_capture(&capture(sc));
        let rows = truth(sc);
        assert_eq!(frames.len(), rows.len(), "{sc}: frame count vs tshark");
        for (f, row) in frames.iter().zip(&rows) {
            let fr = f.as_frame();
            let p = decode(&fr);
            let n = &row["frame.number"];
            assert_eq!(fr.number.to_string(), *n, "{sc}");
            if let Some(t) = p.tcp() {
                assert_eq!(
                    format!("0x{:04x}", t.flags.0),
                    row["tcp.flags"],
                    "{sc} #{n} flags"
                );
                assert_eq!(t.seq.to_string(), row["tcp.seq_raw"], "{sc} #{n} seq");
                assert_eq!(t.ack.to_string(), row["tcp.ack_raw"], "{sc} #{n} ack");
                assert_eq!(t.len.to_string(), row["tcp.len"], "{sc} #{n} len");
                assert_eq!(
                    t.window.to_string(),
                    row["tcp.window_size_value"],
                    "{sc} #{n} win"
                );
                assert_eq!(t.sport.to_string(), row["tcp.srcport"], "{sc} #{n}");
            } else if let Some((s, d)) = p.ports() {
                assert_eq!(s.to_string(), row["udp.srcport"], "{sc} #{n}");
                assert_eq!(d.to_string(), row["udp.dstport"], "{sc} #{n}");
            } else {
                panic!("{sc} #{n}: not TCP/UDP");
            }
            assert!(
                row["_ws.malformed"].is_empty(),
                "{sc} #{n}: tshark calls it malformed"
            );
        }
    }
}

#[test]
fn tshark_analysis_confirms_the_lessons() {
    let loss = truth(Scenario::Loss);
    assert!(flagged(&loss, "tcp.analysis.fast_retransmission") >= 1);
    assert!(
        flagged(&loss, "tcp.analysis.retransmission") >= 2,
        "fast + timeout"
    );
    assert!(flagged(&loss, "tcp.analysis.duplicate_ack") >= 3);
    let zw = truth(Scenario::ZeroWindow);
    assert!(flagged(&zw, "tcp.analysis.zero_window") >= 1);
    assert!(flagged(&zw, "tcp.analysis.window_update") >= 1);
    assert!(flagged(&zw, "tcp.analysis.window_full") >= 1);
    let ro = truth(Scenario::Reorder);
    assert_eq!(flagged(&ro, "tcp.analysis.out_of_order"), 1);
    assert_eq!(flagged(&ro, "tcp.analysis.retransmission"), 0);
    let ka = truth(Scenario::KeepAlive);
    assert!(flagged(&ka, "tcp.analysis.keep_alive") >= 2);
    assert_eq!(
        flagged(&ka, "tcp.analysis.keep_alive"),
        flagged(&ka, "tcp.analysis.keep_alive_ack")
    );
    let demo = truth(Scenario::Demo);
    assert!(flagged(&demo, "tcp.analysis.fast_retransmission") >= 1);
    let flood = truth(Scenario::Flood);
    assert!(flagged(&flood, "tcp.analysis.retransmission") >= 1);
    // The clean scenarios have no analysis warnings at all (nothing lost, nothing missed).
    for sc in [
        Scenario::Handshake,
        Scenario::Echo,
        Scenario::CloseClientFirst,
        Scenario::CloseServerFirst,
        Scenario::CloseCombined,
        Scenario::CloseSimultaneous,
        Scenario::HalfClose,
        Scenario::Sticky,
        Scenario::FixLengthPrefix,
        Scenario::FixDelimiter,
        Scenario::FixDelay,
        Scenario::FixAck,
        Scenario::FileTransfer,
        Scenario::Http,
        Scenario::Concurrent,
    ] {
        let rows = truth(sc);
        for f in [
            "tcp.analysis.retransmission",
            "tcp.analysis.lost_segment",
            "tcp.analysis.ack_lost_segment",
            "tcp.analysis.duplicate_ack",
            "tcp.analysis.out_of_order",
        ] {
            assert_eq!(flagged(&rows, f), 0, "{sc}: {f}");
        }
    }
}

#[test]
fn synthetic_captures_are_what_the_generator_makes() {
    for sc in [
        Scenario::CloseSimultaneous,
        Scenario::Loss,
        Scenario::Reorder,
        Scenario::Demo,
    ] {
        let (made, _) = synthesize_frames(sc, &GenOptions::default());
        let committed = read_capture(&capture(sc));
        assert_eq!(made.len(), committed.len(), "{sc}");
        for (a, b) in made.iter().zip(&committed) {
            assert_eq!(a.data, b.data, "{sc} frame {}", a.number);
            assert_eq!(a.ts, b.ts, "{sc} frame {}", a.number);
        }
    }
}

#[test]
fn captures_stay_small() {
    let total: u64 = std::fs::read_dir(root().join("captures"))
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    assert!(total < 2 * 1024 * 1024, "captures/ is {total} bytes");
}

#[test]
fn demo_is_the_built_in_capture() {
    let on_disk = std::fs::read(capture(Scenario::Demo)).unwrap();
    assert!(!on_disk.is_empty());
    assert!(Path::new(&capture(Scenario::Demo)).exists());
}
