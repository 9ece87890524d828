//! `--threads 2` (reading, decoding and analysis on a worker thread) prints exactly what
//! `--threads 1` prints: the flows table, flows JSON and `read --json`, byte for byte, on a
//! lossy flood made by the generator and on every capture of the corpus.

mod support;

use std::path::{Path, PathBuf};

use synack::gen::{synthesize_to_file, GenOptions, Scenario};

/// Runs synack with `args` and `--threads N`; returns (exit code, stdout, stderr).
fn run(args: &[&str], file: &Path, threads: usize) -> (Option<i32>, Vec<u8>, String) {
    let file = file.to_str().expect("UTF-8 path");
    let threads = threads.to_string();
    let mut all = args.to_vec();
    all.extend_from_slice(&[file, "--threads", &threads]);
    let out = support::synack(&all);
    (out.code, out.stdout, out.stderr)
}

/// Compares single- and multi-threaded output of every command on `file`; returns the
/// single-threaded `flows --json` output for further checks.
fn same_output(file: &Path) -> String {
    let mut flows_json = String::new();
    for args in [&["flows"][..], &["flows", "--json"], &["read", "--json"]] {
        let one = run(args, file, 1);
        let two = run(args, file, 2);
        assert_eq!(
            one.0,
            two.0,
            "{} {args:?}: exit status differs (stderr: {} / {})",
            file.display(),
            one.2,
            two.2
        );
        assert!(
            one.1 == two.1,
            "{} {args:?}: output differs between --threads 1 ({} bytes) and --threads 2 ({} bytes)",
            file.display(),
            one.1.len(),
            two.1.len()
        );
        assert_eq!(one.2, two.2, "{} {args:?}: stderr differs", file.display());
        if args == ["flows", "--json"] {
            flows_json = String::from_utf8(one.1).expect("utf-8");
        }
    }
    flows_json
}

#[test]
fn flood_with_loss_is_identical_with_two_threads() {
    let dir = std::env::temp_dir().join(format!("synack-threads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("flood.pcap");
    let opts = GenOptions {
        connections: 500,
        packets: 120_000,
        loss_pct: 3,
        ..GenOptions::default()
    };
    let frames = synthesize_to_file(Scenario::Flood, &opts, &file).expect("flood written");
    assert!(frames >= 100_000, "flood has {frames} frames");
    let flows = same_output(&file);
    std::fs::remove_dir_all(&dir).ok();
    // The input really is what the test claims: 500 connections, losses repaired.
    assert_eq!(flows.lines().count(), 500);
    let fast_rt: u64 = flows
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json row");
            v["flags"]["fast_retransmission"].as_u64().expect("count")
        })
        .sum();
    assert!(fast_rt > 100, "only {fast_rt} fast retransmissions");
}

#[test]
fn corpus_captures_are_identical_with_two_threads() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/captures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/captures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pcap" || x == "pcapng"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "corpus has {} captures", files.len());
    for f in &files {
        same_output(f);
    }
}

/// Offsets of the records of a little-endian classic pcap file.
fn record_starts(bytes: &[u8]) -> Vec<usize> {
    let mut at = 24;
    let mut starts = vec![];
    while at + 16 <= bytes.len() {
        starts.push(at);
        let caplen = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().expect("4 bytes"));
        at += 16 + caplen as usize;
    }
    starts
}

#[test]
fn damaged_files_are_identical_with_two_threads() {
    let dir = std::env::temp_dir().join(format!("synack-threads-damaged-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let clean = dir.join("clean.pcap");
    let opts = GenOptions {
        connections: 50,
        packets: 20_000,
        loss_pct: 2,
        ..GenOptions::default()
    };
    synthesize_to_file(Scenario::Flood, &opts, &clean).expect("flood written");
    let bytes = std::fs::read(&clean).expect("flood read");
    let magic = u32::from_le_bytes(bytes[..4].try_into().expect("4 bytes"));
    assert!(
        magic == 0xa1b2_c3d4 || magic == 0xa1b2_3c4d,
        "a little-endian pcap"
    );
    let starts = record_starts(&bytes);
    assert!(bytes.len() > 10 << 20, "the flood is {} bytes", bytes.len());
    // A record header claiming a 4 GiB packet, at a record boundary.
    let huge = |at: usize, after: &[u8]| {
        let mut f = bytes[..at].to_vec();
        f.extend([0u8; 8]);
        f.extend(u32::MAX.to_le_bytes());
        f.extend([0u8; 4]);
        f.extend(after);
        f
    };
    let early = starts[starts.len() / 10];
    let late = *starts.last().expect("records");
    let mut garbage = bytes.clone();
    garbage.extend([0xff; 40]);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("cut-in-data", bytes[..bytes.len() - 7].to_vec()),
        ("cut-in-header", bytes[..late + 9].to_vec()),
        ("garbage-after", garbage),
        // FileReader gives up on the length once 16 MiB do not hold it...
        ("huge-length-early", huge(early, &bytes[early..])),
        // ...and calls it garbage when the file ends first.
        ("huge-length-late", huge(late, &bytes[late..])),
        ("empty", vec![]),
        (
            "not-a-capture",
            b"hello, this is not a capture file at all".to_vec(),
        ),
        ("header-only", bytes[..24].to_vec()),
        ("header-cut", bytes[..20].to_vec()),
    ];
    let mut seen = String::new();
    for (name, content) in &cases {
        let file = dir.join(format!("{name}.pcap"));
        std::fs::write(&file, content).expect("case written");
        same_output(&file);
        let (status, _, stderr) = run(&["flows"], &file, 2);
        seen.push_str(&stderr);
        if *name != "header-only" {
            assert_ne!(
                status,
                Some(0),
                "{name}: the damage shows in the exit status"
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    for says in [
        "cut short",
        "garbage",
        "larger than 16 MiB",
        "empty",
        "not a pcap",
    ] {
        assert!(seen.contains(says), "no case reported \"{says}\": {seen}");
    }
}
