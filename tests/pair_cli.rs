//! `synack pair A B` on captures whose second point is made from the first: frames removed
//! (lost between the points), timestamps shifted (another clock), the file cut (damage).

mod support;

use std::path::PathBuf;

use serde_json::Value;
use support::{synack as run, Run, Scratch};
use synack::capture::{FileReader, FrameSource, LinkType, OwnedFrame, Timestamp};

const LOSS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/loss.pcap");

fn json_lines(out: &Run) -> Vec<Value> {
    out.text()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

/// Runs synack, expects success, and returns its JSON lines.
fn json_ok(args: &[&str]) -> Vec<Value> {
    let out = run(args);
    out.ok();
    json_lines(&out)
}

fn frames(path: &str) -> Vec<OwnedFrame> {
    let mut r = FileReader::open(path).expect("opens");
    let mut v = Vec::new();
    while let Some(f) = r.next_frame().expect("intact") {
        v.push(f.to_owned());
    }
    v
}

/// Writes `frames` as a nanosecond pcap in a fresh scratch directory.
fn write(test: &str, name: &str, frames: &[OwnedFrame]) -> (Scratch, PathBuf) {
    let dir = Scratch::new(&format!("pair-cli-{test}"));
    let path = dir.path().join(name);
    synack::gen::write_frames(&path, LinkType::Ethernet, frames).expect("written");
    (dir, path)
}

/// loss.pcap's frames with frame `drop` left out and every timestamp moved by `shift_ns`.
fn second_point(drop: u64, shift_ns: i64) -> Vec<OwnedFrame> {
    frames(LOSS)
        .into_iter()
        .filter(|f| f.number != drop)
        .map(|mut f| {
            f.ts = f.ts.map(|t| Timestamp(t.as_nanos() + shift_ns));
            f
        })
        .collect()
}

fn rows(lines: &[Value]) -> Vec<&Value> {
    lines.iter().filter(|l| l.get("fate").is_some()).collect()
}

#[test]
fn a_capture_paired_with_itself_is_delivered_in_no_time() {
    let lines = json_ok(&["pair", LOSS, LOSS, "--json"]);
    assert_eq!(lines[0]["clock"]["offset_ms"], 0.0);
    let rows = rows(&lines);
    assert_eq!(rows.len() as u64, frames(LOSS).len() as u64);
    for r in &rows {
        assert_eq!(r["frame_a"], r["frame_b"], "{r}");
        assert_eq!(r["one_way_ms"], 0.0);
        // Frame 8 never reached the receiver (the capture is the sender's): the receiver's
        // SACKs prove it, seen at either point.
        let expected = if r["frame_a"] == 8 {
            "lost after B"
        } else {
            "delivered"
        };
        assert_eq!(r["fate"], expected, "{r}");
    }
}

#[test]
fn a_frame_missing_at_b_is_lost_between_and_the_shifted_clock_is_recovered() {
    // B's clock 2.5 s ahead; frame 8 (data the receiver never got) missing at B.
    let shift = 2_500_000_000;
    let (_dir, b) = write("shift", "b.pcap", &second_point(8, shift));
    let lines = json_ok(&["pair", LOSS, b.to_str().unwrap(), "--json"]);
    let offset = lines[0]["clock"]["offset_ms"].as_f64().expect("offset");
    assert!((offset - 2500.0).abs() < 1e-6, "{offset}");
    let rows = rows(&lines);
    let lost: Vec<&&Value> = rows.iter().filter(|r| r["fate"] != "delivered").collect();
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert_eq!(lost[0]["frame_a"], 8);
    assert_eq!(lost[0]["frame_b"], Value::Null);
    assert_eq!(lost[0]["fate"], "lost between A and B");
    assert_eq!(lost[0]["dir"], "c2s");
    for r in rows.iter().filter(|r| r["fate"] == "delivered") {
        let d = r["one_way_ms"].as_f64().expect("delay");
        assert!(d.abs() < 1e-6, "{r}");
    }
    let conn = lines
        .iter()
        .find_map(|l| l.get("connection"))
        .expect("summary");
    assert_eq!(conn["c2s"]["lost"]["between A and B"], 1);
    assert_eq!(conn["s2c"]["lost"]["between A and B"], 0);
    assert_eq!(conn["a_side"], "client");

    // The text form says the same.
    let out = run(&["pair", LOSS, b.to_str().unwrap(), "--problems"]);
    let text = out.ok();
    assert!(
        text.contains("B's clock is 2500.000 ms ahead of A's"),
        "{text}"
    );
    assert!(text.contains("lost between A and B"), "{text}");
    assert_eq!(
        text.matches("lost between A and B").count(),
        2,
        "row and summary: {text}"
    );
}

#[test]
fn usage_errors_exit_2_and_unreadable_files_1() {
    assert_eq!(run(&["pair", LOSS]).code, Some(2));
    assert_eq!(run(&["pair", LOSS, LOSS, "--offset", "x"]).code, Some(2));
    let out = run(&["pair", LOSS, LOSS, "--stream", "99"]);
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("no TCP stream 99"));
    let out = run(&["pair", LOSS, "/nonexistent/b.pcap"]);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("/nonexistent/b.pcap"));
    // A negative offset is a value, not a flag.
    assert_eq!(
        run(&["pair", LOSS, LOSS, "--offset", "-1.5", "--summary"]).code,
        Some(0)
    );
}

#[test]
fn a_damaged_capture_is_paired_as_far_as_it_goes_then_exits_1() {
    let (dir, b) = write("cut", "b.pcap", &second_point(0, 0));
    let bytes = std::fs::read(&b).expect("read");
    let cut = dir.path().join("cut.pcap");
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).expect("write");
    let out = run(&["pair", LOSS, cut.to_str().unwrap(), "--json"]);
    assert_eq!(out.code, Some(1));
    let stderr = &out.stderr;
    assert!(stderr.contains("cut.pcap"), "{stderr}");
    // Every frame but the cut last one was paired.
    let lines = json_lines(&out);
    let delivered = rows(&lines)
        .iter()
        .filter(|r| r["frame_b"] != Value::Null)
        .count();
    assert_eq!(delivered, frames(LOSS).len() - 1);
}

#[test]
fn svg_draws_the_two_tap_ladder_of_the_connection_with_the_loss() {
    let (dir, b) = write("svg", "b.pcap", &second_point(8, 0));
    let svg = dir.path().join("ladder.svg");
    let out = run(&[
        "pair",
        LOSS,
        b.to_str().unwrap(),
        "--summary",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    out.ok();
    let text = std::fs::read_to_string(&svg).expect("the SVG was written");
    assert!(
        text.starts_with("<svg") || text.starts_with("<?xml"),
        "{}",
        &text[..80]
    );
    for words in ["capture point A", "capture point B", "client", "server"] {
        assert!(text.contains(&format!(">{words}<")), "{words}");
    }
    // The lost segment's row, and both dashed rails.
    assert_eq!(text.matches(">lost between A and B<").count(), 1);
    assert!(text.matches("stroke-dasharray").count() >= 2);
    // A stream A does not have is refused before anything is drawn.
    let bad = dir.path().join("none.svg");
    let out = run(&[
        "pair",
        LOSS,
        b.to_str().unwrap(),
        "--stream",
        "7",
        "--svg",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.code, Some(2));
}
