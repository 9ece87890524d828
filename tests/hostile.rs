//! Hostile input stays bounded (README, "Limits"): a SYN flood of a million connections, a
//! stream whose sequence numbers jump by 2³¹, a reassembly bomb, a file cut inside its last
//! record, and garbage after valid records. Each test checks that memory stays under the
//! documented caps (by the counts and sizes the engine and reassembler report, and for the
//! flood by the peak RSS of the `synack` process), that every valid packet is kept, that
//! evictions and damage are reported, and that the exit status says the file was damaged.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use support::tcp_frame;
use synack::analysis::{Config, Engine};
use synack::capture::writer::{PcapFormat, PcapWriter};
use synack::capture::{FileReader, FrameSource, LinkType, OwnedFrame, Timestamp};
use synack::decode::decode;
use synack::stream::follow::{FollowLimits, Follower};
use synack::stream::{
    DirectionStream, Limits, MemoryBudget, Reassembler, SegmentIn, PIECE_OVERHEAD,
};

const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const PSH_ACK: u8 = 0x18;

/// The SYN of flood connection `i`: every one a distinct (address, port) pair.
fn flood_syn(i: u32) -> Vec<u8> {
    let src = [10, (i >> 16) as u8, (i >> 8) as u8, i as u8];
    tcp_frame(
        (src, 40_000 + (i % 20_000) as u16),
        ([192, 0, 2, 1], 80),
        i.wrapping_mul(7919),
        0,
        SYN,
        &[],
    )
}

fn ts(i: u64) -> Timestamp {
    Timestamp::from_parts(
        1_700_000_000 + (i / 1000) as i64,
        ((i % 1000) * 1_000_000) as i64,
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("synack-hostile-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Writes frames to a pcap file; returns the byte offset where each record starts.
fn write_pcap(path: &Path, frames: impl IntoIterator<Item = Vec<u8>>) -> Vec<u64> {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let format = PcapFormat {
        link: LinkType::Ethernet,
        snaplen: 65535,
        nanos: false,
    };
    let mut w = PcapWriter::new(file, format);
    let mut offsets = Vec::new();
    let mut at = 24u64;
    for (i, data) in frames.into_iter().enumerate() {
        offsets.push(at);
        at += 16 + data.len() as u64;
        let f = OwnedFrame::packet(i as u64 + 1, ts(i as u64), LinkType::Ethernet, data);
        w.write_frame(&f.as_frame()).unwrap();
    }
    w.flush().unwrap();
    offsets
}

/// Runs the `synack` binary; returns (exit code, stdout, stderr, peak RSS in KiB).
///
/// The peak is the child's own `VmHWM` (/proc/PID/status), polled every 2 ms while it runs
/// synack:
/// it only grows, so the last reading is the peak up to a few milliseconds before the exit.
/// (wait4's `ru_maxrss` would not do: the child is spawned by vfork, so it inherits this test
/// process's peak.)
fn synack(args: &[&str]) -> (Option<i32>, String, String, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("synack runs");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).unwrap();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).unwrap();
        s
    });
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let status = loop {
        // Until exec the vforked child shares this process's memory (and its VmHWM): count
        // only readings taken once it runs synack.
        let text = std::fs::read_to_string(&status_file).unwrap_or_default();
        if text.lines().any(|l| l == "Name:\tsynack") {
            if let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak_kib = peak_kib.max(kib);
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    (
        status.code(),
        t_out.join().unwrap(),
        t_err.join().unwrap(),
        peak_kib,
    )
}

/// The `{"summary": ...}` object `--json` runs print on stderr.
fn json_summary(stderr: &str) -> serde_json::Value {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("{\"summary\""))
        .unwrap_or_else(|| panic!("no JSON summary on stderr: {stderr}"));
    serde_json::from_str::<serde_json::Value>(line).unwrap()["summary"].clone()
}

const FLOOD: u32 = 1_000_000;

/// A million SYNs of distinct connections through the engine and the stream follower, in
/// memory: every packet is processed, connections held never exceed `Config::max_connections`
/// (the rest are evicted and counted), streams followed never exceed
/// `FollowLimits::max_connections` (the rest are counted).
#[test]
fn syn_flood_of_a_million_connections_is_capped_and_counted() {
    let config = Config::default();
    let limits = FollowLimits::default();
    let mut engine = Engine::new(config);
    let mut follower = Follower::new(None, limits);
    let mut peak_held = 0;
    for i in 0..FLOOD {
        let f = OwnedFrame::packet(
            u64::from(i) + 1,
            ts(u64::from(i)),
            LinkType::Ethernet,
            flood_syn(i),
        );
        let frame = f.as_frame();
        let p = decode(&frame);
        let ann = engine.process(&frame, &p);
        assert!(ann.tcp.is_some(), "SYN {i} is annotated");
        follower.process(&frame, &p, &ann);
        // (connections() sorts what is held: sample it, the cap is checked at the end too.)
        if i % 100_000 == 0 {
            peak_held = peak_held.max(engine.connections().len());
        }
    }
    let stats = engine.stats();
    let held = engine.connections().len();
    eprintln!(
        "flood: {} packets, {} connections, {held} held, {} evicted; {} streams followed, {} not",
        stats.packets,
        stats.connections,
        stats.connections_evicted,
        follower.connections().len(),
        follower.not_followed()
    );
    assert_eq!(stats.packets, u64::from(FLOOD), "every packet processed");
    assert_eq!(
        stats.connections,
        u64::from(FLOOD),
        "every SYN is a new connection"
    );
    assert!(held <= config.max_connections && peak_held <= config.max_connections);
    assert_eq!(stats.connections_evicted, u64::from(FLOOD) - held as u64);
    assert_eq!(follower.connections().len(), limits.max_connections);
    assert_eq!(
        follower.not_followed(),
        u64::from(FLOOD) - limits.max_connections as u64
    );
}

/// Peak memory of `synack flows --json` on a file of a million SYNs. The bound (documented
/// in the README's Limits section) is 1.5 GiB: about 2 KiB for each of the 500 000
/// connections the engine holds at most (its default cap), whatever the file size
/// (measured: 1.07 GiB).
#[test]
fn syn_flood_file_flows_reports_evictions_under_a_memory_bound() {
    let dir = temp_dir("flood");
    let path = dir.join("flood.pcap");
    write_pcap(&path, (0..FLOOD).map(flood_syn));
    let (code, out, err, peak_kib) = synack(&["flows", path.to_str().unwrap(), "--json"]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, Some(0), "{err}");
    let rows = out.lines().count() as u64;
    let s = json_summary(&err);
    eprintln!(
        "flows on a 1 M SYN flood: peak RSS {} MiB, {rows} rows, summary {s}",
        peak_kib / 1024
    );
    assert_eq!(s["frames"], u64::from(FLOOD), "every packet read");
    assert_eq!(s["connections"], u64::from(FLOOD));
    assert_eq!(
        s["connections_evicted"].as_u64().unwrap() + rows,
        u64::from(FLOOD)
    );
    assert!(rows <= Config::default().max_connections as u64);
    assert_eq!(
        s["streams_not_followed"],
        u64::from(FLOOD) - FollowLimits::default().max_connections as u64
    );
    assert!(s["damaged"].is_null());
    assert!(
        peak_kib < 3 << 19,
        "peak RSS {peak_kib} KiB above the 1.5 GiB bound"
    );
}

/// A connection whose sequence numbers jump by 2³¹ (the one distance serial arithmetic
/// cannot order) between segments: every packet is kept and annotated, reassembly buffers
/// stay under their caps, and the commands finish cleanly.
#[test]
fn sequence_numbers_jumping_by_2_pow_31_stay_bounded() {
    let c = ([10, 0, 0, 1], 5000);
    let s = ([10, 0, 0, 2], 80);
    let isn = 1000u32;
    let mut frames = vec![
        tcp_frame(c, s, isn, 0, SYN, &[]),
        tcp_frame(s, c, 9000, isn + 1, SYN | ACK, &[]),
        tcp_frame(c, s, isn + 1, 9001, ACK, &[]),
    ];
    let mut seq = isn + 1;
    for i in 0..2000u32 {
        frames.push(tcp_frame(
            c,
            s,
            seq,
            9001,
            PSH_ACK,
            &[b'a' + (i % 26) as u8; 100],
        ));
        seq = seq.wrapping_add(1 << 31).wrapping_add(i % 3);
    }
    let written = frames.len() as u64;
    let limits = FollowLimits::default();
    let mut engine = Engine::new(Config::default());
    let mut follower = Follower::new(None, limits);
    for (i, data) in frames.iter().enumerate() {
        let f = OwnedFrame::packet(i as u64 + 1, ts(i as u64), LinkType::Ethernet, data.clone());
        let frame = f.as_frame();
        let p = decode(&frame);
        let ann = engine.process(&frame, &p);
        assert_eq!(
            ann.flow.map(|f| f.stream),
            Some(0),
            "frame {} in stream 0",
            i + 1
        );
        follower.process(&frame, &p, &ann);
        assert!(follower.budget().used() <= limits.total_buffered);
        for d in &follower.connections()[0].dirs {
            assert!(d.reasm.buffered() <= limits.reassembly.max_buffered);
        }
    }
    follower.finish();
    assert_eq!(engine.stats().packets, written);
    let conn = &engine.connections()[0];
    assert_eq!(
        conn.packets[0] + conn.packets[1],
        written,
        "every packet counted"
    );

    let dir = temp_dir("jump");
    let path = dir.join("jump.pcap");
    write_pcap(&path, frames);
    let p = path.to_str().unwrap();
    let (code, out, err, _) = synack(&["flows", p, "--json"]);
    assert_eq!(code, Some(0), "{err}");
    let row: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(
        row["pkts_c2s"].as_u64().unwrap() + row["pkts_s2c"].as_u64().unwrap(),
        written
    );
    let (code, _, err, _) = synack(&["stream", p]);
    assert_eq!(code, Some(0), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// An IPv4 address and port, as `tcp_frame` takes them.
type Endpoint = ([u8; 4], u16);

/// The client 10.0.0.1:5000 and the server 10.0.0.2:80, and the frames of their handshake
/// (client ISN 0, server ISN 7000): what the crafted captures below start with.
fn handshake() -> (Endpoint, Endpoint, Vec<Vec<u8>>) {
    let c = ([10, 0, 0, 1], 5000);
    let s = ([10, 0, 0, 2], 80);
    let frames = vec![
        tcp_frame(c, s, 0, 0, SYN, &[]),
        tcp_frame(s, c, 7000, 1, SYN | ACK, &[]),
        tcp_frame(c, s, 1, 7001, ACK, &[]),
    ];
    (c, s, frames)
}

const BOMB: u32 = 100_000;
const BOMB_GAP: u32 = 10_000;

/// The bomb: after a handshake, 100 000 one-byte segments each 10 000 bytes past the
/// previous one, so every byte waits for a hole that never fills.
fn bomb_frames() -> Vec<Vec<u8>> {
    let (c, s, mut frames) = handshake();
    for i in 1..=BOMB {
        frames.push(tcp_frame(c, s, 1 + i * BOMB_GAP, 7001, PSH_ACK, b"x"));
    }
    frames
}

/// A reassembly bomb through the reassembler: what it buffers (bytes plus
/// `PIECE_OVERHEAD` bookkeeping per piece) never exceeds `Limits::max_buffered` or the
/// shared budget, holes are skipped as `buffer_limit` gaps and counted, and every byte is
/// still delivered.
#[test]
fn reassembly_bomb_is_capped_by_pieces_not_just_bytes() {
    let limits = Limits::default();
    let mut r = Reassembler::new(limits);
    let mut budget = MemoryBudget::default();
    let mut store = DirectionStream::default();
    let syn = SegmentIn {
        seq: 0,
        payload: &[],
        claimed_len: 0,
        frame: 1,
        ts: ts(0),
        syn: true,
        fin: false,
    };
    r.push(syn, &mut budget, &mut store);
    let mut peak = 0;
    for i in 1..=BOMB {
        let seg = SegmentIn {
            seq: 1 + i * BOMB_GAP,
            payload: b"x",
            claimed_len: 1,
            frame: u64::from(i) + 1,
            ts: ts(u64::from(i)),
            syn: false,
            fin: false,
        };
        r.push(seg, &mut budget, &mut store);
        peak = peak.max(r.buffered());
        assert!(r.buffered() <= limits.max_buffered);
        assert!(budget.used() <= budget.limit());
    }
    // Snapshot-cut segments (no captured byte) cost bookkeeping too.
    for i in 0..BOMB {
        let seg = SegmentIn {
            seq: 1 + (BOMB + 1 + i) * BOMB_GAP,
            payload: &[],
            claimed_len: 1,
            frame: u64::from(BOMB + i) + 2,
            ts: ts(0),
            syn: false,
            fin: false,
        };
        r.push(seg, &mut budget, &mut store);
        assert!(r.buffered() <= limits.max_buffered);
    }
    r.flush(&mut budget, &mut store);
    let pieces_cap = limits.max_buffered / (1 + PIECE_OVERHEAD);
    eprintln!(
        "bomb: peak {peak} bytes buffered (≤ {} pieces), {} cap cuts, {} gaps",
        pieces_cap,
        r.stats().cap_cuts,
        r.stats().gaps
    );
    assert!(r.stats().cap_cuts > 0, "the cap was reached and reported");
    assert_eq!(
        r.stats().bytes,
        u64::from(BOMB),
        "every captured byte delivered"
    );
    assert_eq!(store.kept_bytes(), BOMB as usize);
    assert_eq!(budget.used(), 0);
}

/// The same bomb as a file through `synack stream`: it finishes, reports the cap cuts (text
/// and JSON summary), and keeps every byte.
#[test]
fn reassembly_bomb_file_through_synack_stream_reports_cap_cuts() {
    let dir = temp_dir("bomb");
    let path = dir.join("bomb.pcap");
    write_pcap(&path, bomb_frames());
    let p = path.to_str().unwrap();
    let (code, _, err, peak_kib) = synack(&["stream", p, "--json"]);
    assert_eq!(code, Some(0), "{err}");
    let s = json_summary(&err);
    eprintln!(
        "stream on the bomb: peak RSS {} MiB, summary {s}",
        peak_kib / 1024
    );
    assert!(s["reassembly_cap_cuts"].as_u64().unwrap() > 0);
    // Listing all 300 000 segments and gaps of the stream (measured: 98 MiB).
    assert!(
        peak_kib < 200 << 10,
        "peak RSS {peak_kib} KiB above 200 MiB"
    );
    assert_eq!(s["frames"], u64::from(BOMB) + 3);
    let (code, _, err, _) = synack(&["stream", p]);
    assert_eq!(code, Some(0));
    assert!(err.contains("reassembly buffer cuts"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A little capture: one connection's handshake and a few data segments.
fn small_capture() -> Vec<Vec<u8>> {
    let (c, s, mut frames) = handshake();
    for i in 0..7u32 {
        frames.push(tcp_frame(c, s, 1 + i * 10, 7001, PSH_ACK, b"line data\n"));
    }
    frames
}

/// Checks a damaged file: `read` prints every complete frame then exits with the damaged
/// status, naming the file and the byte offset; `flows --json` says the same in its summary.
fn assert_damaged(path: &Path, frames: usize, offset: u64) {
    let p = path.to_str().unwrap();
    let (code, out, err, _) = synack(&["read", p]);
    assert_eq!(code, Some(i32::from(synack::cli::EXIT_DAMAGED)), "{err}");
    assert_eq!(out.lines().count(), frames, "every complete frame printed");
    assert!(err.contains(p), "message names the file: {err}");
    assert!(
        err.contains(&format!("byte {offset}")),
        "message names byte {offset}: {err}"
    );
    let (code, _, err, _) = synack(&["flows", p, "--json"]);
    assert_eq!(code, Some(i32::from(synack::cli::EXIT_DAMAGED)), "{err}");
    let s = json_summary(&err);
    assert_eq!(s["damaged"]["offset"], offset);
    assert_eq!(s["damaged"]["frames_salvaged"], frames as u64);
    assert_eq!(s["frames"], frames as u64);
    let (code, _, err, _) = synack(&["stream", p]);
    assert_eq!(code, Some(i32::from(synack::cli::EXIT_DAMAGED)), "{err}");
    assert!(err.contains(&format!("byte {offset}")), "{err}");
}

#[test]
fn last_record_cut_in_half_keeps_every_complete_frame() {
    let dir = temp_dir("cut");
    let path = dir.join("cut.pcap");
    let frames = small_capture();
    let n = frames.len();
    let offsets = write_pcap(&path, frames);
    let len = std::fs::metadata(&path).unwrap().len();
    let last = offsets[n - 1];
    let cut_at = last + (len - last) / 2;
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..cut_at as usize]).unwrap();
    assert_damaged(&path, n - 1, last);
    // The library says the same: the frames before the cut, then a final error.
    let mut r = FileReader::open(&path).unwrap();
    let mut got = 0;
    let err = loop {
        match r.next_frame() {
            Ok(Some(_)) => got += 1,
            Ok(None) => panic!("a cut file must end with an error"),
            Err(e) => break e,
        }
    };
    assert_eq!(got, n - 1);
    assert_eq!(err.offset(), Some(last));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn garbage_after_valid_records_keeps_every_valid_frame() {
    let dir = temp_dir("garbage");
    let path = dir.join("garbage.pcap");
    let frames = small_capture();
    let n = frames.len();
    write_pcap(&path, frames);
    let end = std::fs::metadata(&path).unwrap().len();
    let mut bytes = std::fs::read(&path).unwrap();
    let mut x = 0x9e37_79b9u32;
    for _ in 0..3000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.push(x as u8);
    }
    std::fs::write(&path, &bytes).unwrap();
    assert_damaged(&path, n, end);
    std::fs::remove_dir_all(&dir).ok();
}
