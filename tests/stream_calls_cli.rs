//! `synack stream` with the generator's calls trace (`--calls`, `--framing calls`, and `auto`
//! falling back to the trace beside the capture).
//!
//! The expected counts are computed here, independently of `synack::stream`: the trace is
//! read as plain JSON (serde_json, not `CallTrace`), the segments with the capture reader and
//! the packet decoder only (raw sequence numbers made relative to the SYN), and a segment is
//! coalesced when more than one `send()` overlaps its bytes, a send split when more than one
//! segment carries its bytes.

mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn manifest() -> PathBuf {
    support::root()
}

/// Runs synack in the repository's root.
fn run(args: &[&str]) -> support::Run {
    support::synack(args)
}

/// The client's and server's `send()` calls of the trace, per direction, as (offset, len).
fn sends(trace: &Path, client: SocketAddr, server: SocketAddr) -> [Vec<(u64, u64)>; 2] {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(trace).unwrap()).unwrap();
    let mut out = [Vec::new(), Vec::new()];
    for c in v["calls"].as_array().unwrap() {
        if c["call"] != "send" || c["bytes"].as_u64() == Some(0) {
            continue;
        }
        let local: SocketAddr = c["local"].as_str().unwrap().parse().unwrap();
        let remote: SocketAddr = c["remote"].as_str().unwrap().parse().unwrap();
        let d = if (local, remote) == (client, server) {
            0
        } else if (local, remote) == (server, client) {
            1
        } else {
            continue;
        };
        out[d].push((c["offset"].as_u64().unwrap(), c["bytes"].as_u64().unwrap()));
    }
    for d in &mut out {
        d.sort_unstable();
    }
    out
}

fn overlaps(a: (u64, u64), b: (u64, u64)) -> bool {
    a.0 < b.0 + b.1 && b.0 < a.0 + a.1
}

/// (messages, coalesced segments, split messages) of one direction, or None when a segment
/// repeats bytes of an earlier one (retransmissions: first-copy rules are the reassembler's
/// business, not recomputed here).
fn expected(segs: &[(u64, u64)], sends: &[(u64, u64)]) -> Option<(usize, usize, usize)> {
    let mut sorted = segs.to_vec();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0].0 + w[0].1 > w[1].0) {
        return None;
    }
    let coalesced = segs
        .iter()
        .filter(|&&s| sends.iter().filter(|&&m| overlaps(s, m)).count() > 1)
        .count();
    let split = sends
        .iter()
        .filter(|&&m| segs.iter().filter(|&&s| overlaps(s, m)).count() > 1)
        .count();
    Some((sends.len(), coalesced, split))
}

/// Summary lines of `synack stream FILE --stream 0 --json ARGS`, per direction.
fn summaries(cap: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["stream", cap.to_str().unwrap(), "--stream", "0", "--json"];
    args.extend_from_slice(extra);
    support::json_lines(run(&args).ok())
        .into_iter()
        .filter(|v| v["kind"] == "summary")
        .collect()
}

fn counts(v: &Value) -> (usize, usize, usize) {
    let n = |k: &str| v[k].as_u64().unwrap() as usize;
    (n("messages"), n("coalesced_segments"), n("split_messages"))
}

#[test]
fn sticky_auto_falls_back_to_the_calls_and_finds_the_coalesced_segment() {
    let cap = manifest().join("captures/sticky.pcap");
    let (c, s, segs) = support::first_connection_segments(&cap).expect("a TCP connection");
    let sends = sends(&crate_path("captures/sticky.pcap.calls.json"), c, s);
    let want = expected(&segs[0], &sends[0]).expect("no repeated bytes in sticky.pcap");
    // The lesson: several send() calls leave glued together in one segment.
    assert!(
        want.1 >= 1,
        "the capture shows no coalesced segment: {want:?}"
    );
    let sums = summaries(&cap, &[]);
    assert_eq!(counts(&sums[0]), want);
    // The text output says the framing came from the calls, and why.
    let out = run(&["stream", cap.to_str().unwrap(), "--stream", "0"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("framing: calls (auto)"), "{text}");
    assert!(
        text.contains(&format!("the {} send() calls", sends[0].len())),
        "{text}"
    );
    assert!(text.contains("calls trace: "), "{text}");
    assert!(
        text.contains(&format!("{} coalesced segments", want.1)),
        "{text}"
    );
    // The summary list agrees.
    let out = run(&["stream", cap.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "calls  c2s 76B {} msg {} coalesced",
            want.0, want.1
        )),
        "{text}"
    );
}

fn crate_path(p: &str) -> PathBuf {
    manifest().join(p)
}

#[test]
fn every_generated_capture_framed_by_its_calls_matches_the_trace() {
    let mut checked = 0;
    let mut with_coalesced = 0;
    let mut with_split = 0;
    let mut dir: Vec<PathBuf> = std::fs::read_dir(manifest().join("captures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
        .collect();
    dir.sort();
    for cap in dir {
        let trace = synack::calls::calls_path(&cap);
        if !trace.exists() {
            continue;
        }
        let name = cap.file_name().unwrap().to_string_lossy().into_owned();
        // UDP lessons have no connection to frame.
        let Some((c, s, segs)) = support::first_connection_segments(&cap) else {
            continue;
        };
        let sends = sends(&trace, c, s);
        if sends.iter().all(Vec::is_empty) {
            continue;
        }
        let sums = summaries(&cap, &["--calls", trace.to_str().unwrap()]);
        assert_eq!(sums.len(), 2, "{name}");
        for d in 0..2 {
            let Some(want) = expected(&segs[d], &sends[d]) else {
                continue;
            };
            assert_eq!(counts(&sums[d]), want, "{name} direction {d}");
            checked += 1;
            with_coalesced += usize::from(want.1 > 0);
            with_split += usize::from(want.2 > 0);
        }
    }
    // sticky (coalesced) and split (one send over many segments) at least.
    assert!(checked >= 10, "only {checked} directions checked");
    assert!(
        with_coalesced >= 1 && with_split >= 1,
        "{with_coalesced} {with_split}"
    );
}

#[test]
fn calls_framing_needs_a_trace_and_excludes_other_framings() {
    let http = manifest().join("tests/captures/pcpp-three_http_streams.pcap");
    let out = run(&["stream", http.to_str().unwrap(), "--framing", "calls"]);
    assert_ne!(out.code, Some(0));
    let err = &out.stderr;
    assert!(err.contains("--calls FILE"), "{err}");
    let sticky = manifest().join("captures/sticky.pcap");
    let trace = synack::calls::calls_path(&sticky);
    let out = run(&[
        "stream",
        sticky.to_str().unwrap(),
        "--calls",
        trace.to_str().unwrap(),
        "--framing",
        "line",
    ]);
    assert_ne!(out.code, Some(0));
    assert!(&out.stderr.contains("cannot be combined"));
    // An explicit framing still wins over the sibling trace.
    let sums = summaries(&sticky, &["--framing", "fixed:4"]);
    assert_eq!(counts(&sums[0]).0, 76 / 4);
}
