//! `synack stream`, and the sticky-packet parts of `synack read` and `synack flows`, on the
//! whole corpus: every capture with every framing runs to the end, and the three views agree.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use support::{corpus, json_lines, Run};

fn captures() -> Vec<PathBuf> {
    corpus()
}

/// Runs synack in the repository's root.
fn run(args: &[&str]) -> Run {
    support::synack(args)
}

#[test]
fn every_capture_with_every_framing_runs_to_the_end() {
    // Generic length prefixes and fixed sizes are exercised on random bytes by the unit
    // property tests; here one of each kind keeps the run short.
    let framings = [
        "auto",
        "line",
        "u32le:off=2:incl",
        "http",
        "tls",
        "dns",
        "resp",
        "mysql",
        "fixed:3",
    ];
    for cap in captures() {
        let damaged = cap.to_str().unwrap().contains("option-too-long");
        for f in framings {
            let out = run(&["stream", cap.to_str().unwrap(), "--json", "--framing", f]);
            let code = out.code;
            if damaged {
                assert_eq!(code, Some(1), "{cap:?} is damaged: exit 1");
                continue;
            }
            assert_eq!(code, Some(0), "{cap:?} --framing {f}: {}", &out.stderr);
            // Per direction: messages, unparsed and incomplete bytes never overlap and stay
            // inside the stream.
            let items = json_lines(out.text());
            let mut spans: BTreeMap<(u64, String), Vec<(u64, u64)>> = BTreeMap::new();
            let mut lens = BTreeMap::new();
            for o in &items {
                let key = || (o["stream"].as_u64().unwrap(), o["dir"].to_string());
                let off = o["offset"].as_u64().unwrap_or(0);
                match o["kind"].as_str().unwrap() {
                    "message" | "unparsed" => spans
                        .entry(key())
                        .or_default()
                        .push((off, off + o["len"].as_u64().unwrap())),
                    "incomplete" => spans
                        .entry(key())
                        .or_default()
                        .push((off, off + o["present"].as_u64().unwrap())),
                    "summary" => {
                        lens.insert(key(), o["bytes"].as_u64().unwrap());
                    }
                    _ => {}
                }
            }
            for (k, mut v) in spans {
                v.sort_unstable();
                for w in v.windows(2) {
                    assert!(w[0].1 <= w[1].0, "{cap:?} {f} {k:?}: overlap {w:?}");
                }
                assert!(v.last().unwrap().1 <= lens[&k], "{cap:?} {f} {k:?}");
            }
        }
    }
}

#[test]
fn text_views_and_dump_and_raw_work() {
    let cap = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/captures/zeek-mysql.pcap");
    let cap = cap.to_str().unwrap();
    let out = run(&["stream", cap]);
    assert!(out.code == Some(0));
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(list.contains("mysql"), "{list}");
    let out = run(&["stream", cap, "--stream", "0", "--dump"]);
    assert!(out.code == Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("framing: mysql (auto)"), "{text}");
    assert!(text.contains("coalesced ×5"), "{text}");
    assert!(text.contains("00000000  "), "hex dump: {text}");
    let out = run(&["stream", cap, "--stream", "0", "--raw", "-", "--dir", "s2c"]);
    assert!(out.code == Some(0));
    assert_eq!(out.stdout.len(), 1194, "s2c bytes");
    let file = std::env::temp_dir().join(format!("synack-raw-{}.bin", std::process::id()));
    let out = run(&[
        "stream",
        cap,
        "--stream",
        "0",
        "--raw",
        file.to_str().unwrap(),
        "--dir",
        "c2s",
    ]);
    assert!(out.code == Some(0));
    assert_eq!(std::fs::read(&file).unwrap().len(), 659, "c2s bytes");
    let _ = std::fs::remove_file(&file);
    // Asking for a stream the capture does not have is a usage error (2), not damage (1).
    let out = run(&["stream", cap, "--stream", "7"]);
    assert_eq!(out.code, Some(2));
    assert!(&out.stderr.contains("no TCP stream 7"));
    let out = run(&["stream", cap, "--framing", "u24"]);
    assert_ne!(out.code, Some(0));
    assert!(&out.stderr.contains("unknown framing"));
}

/// `synack read` events and `synack flows` counts agree with `synack stream`.
#[test]
fn read_events_and_flows_counts_agree_with_stream() {
    let cap = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/captures/synack-known-u32be.pcap");
    let cap = cap.to_str().unwrap();
    let stream = json_lines(run(&["stream", cap, "--stream", "0", "--json"]).text());
    let mut coalesced_frames: Vec<u64> = stream
        .iter()
        .filter(|o| o["kind"] == "segment" && o["coalesced"] == true)
        .map(|o| o["frame"].as_u64().unwrap())
        .collect();
    coalesced_frames.sort_unstable();
    let split_done: Vec<u64> = stream
        .iter()
        .filter(|o| o["kind"] == "message" && o["split"] == true)
        .map(|o| {
            o["frames"]
                .as_array()
                .unwrap()
                .last()
                .unwrap()
                .as_u64()
                .unwrap()
        })
        .collect();
    assert!(!coalesced_frames.is_empty() && !split_done.is_empty());

    let read = json_lines(run(&["read", cap, "--json"]).text());
    let with = |name: &str| -> Vec<u64> {
        read.iter()
            .filter(|o| {
                o["events"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["name"] == name)
            })
            .map(|o| o["frame"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(with("coalesced"), coalesced_frames);
    let mut split_frames = split_done.clone();
    split_frames.sort_unstable();
    split_frames.dedup();
    assert_eq!(with("split"), split_frames);
    assert!(with("message_boundary").len() >= coalesced_frames.len());
    // Pure ACKs carry no boundary.
    assert!(read
        .iter()
        .filter(|o| o["tcp"]["len"] == 0)
        .all(|o| o["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["name"] != "message_boundary")));

    let flows = json_lines(run(&["flows", cap, "--json"]).text());
    let m = &flows[0]["messages"];
    assert_eq!(m["framing"], "u32be");
    assert_eq!(m["messages"], serde_json::json!([160, 160]));
    let summary = |dir: &str| {
        stream
            .iter()
            .find(|o| o["kind"] == "summary" && o["dir"] == dir)
            .unwrap()
            .clone()
    };
    assert_eq!(
        m["coalesced_segments"][0],
        summary("c2s")["coalesced_segments"]
    );
    assert_eq!(m["split_messages"][1], summary("s2c")["split_messages"]);
    let out = run(&["read", cap, "--no-messages", "--json"]);
    assert!(json_lines(out.text()).iter().all(|o| o["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["name"] != "coalesced")));
}

#[test]
fn auto_framing_resumes_after_a_lost_segment_in_stream_and_flows() {
    // A line-framed stream whose capture missed one segment that ended inside a line.
    let capture = "tests/captures/resync/line-gap.pcap";
    let golden_path = support::root().join("tests/captures/resync/line-gap.golden.txt");
    let mut got = String::new();
    for args in [
        &["stream", capture][..],
        &["stream", capture, "--stream", "0"],
        &["flows", capture, "--json"],
    ] {
        let out = run(args);
        got.push_str(&format!("--- synack {}\n", args.join(" ")));
        got.push_str(out.ok());
    }
    // What the golden output must say, checked on its own so a failure names it.
    assert!(
        got.contains("framing: line (auto)")
            && got.contains(
                "it resumes after 1 gap, at the next message start (401 bytes cut by it left out)"
            ),
        "{got}"
    );
    assert!(got.contains("rest of a line cut by a gap"), "{got}");
    let flows = json_lines(got.rsplit("--json\n").next().expect("flows output"));
    let messages = &flows[0]["messages"];
    assert_eq!(messages["framing"], "line", "{messages}");
    assert_eq!(
        messages["messages"],
        serde_json::json!([146, 160]),
        "{messages}"
    );
    assert_eq!(messages["gaps"], serde_json::json!([1, 0]), "{messages}");
    if std::env::var_os("SYNACK_BLESS").is_some() {
        std::fs::write(&golden_path, &got).expect("write the golden output");
    }
    let golden = std::fs::read_to_string(&golden_path).expect("golden output committed");
    assert!(
        got == golden,
        "output differs from {} (SYNACK_BLESS=1 regenerates it)",
        golden_path.display()
    );
}
