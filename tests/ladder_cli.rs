//! `synack ladder` on every capture of `captures/` and `tests/captures/` (the lessons, the
//! public corpus and the lossy captures of real Linux TCP): the ladder never draws the
//! impossible.
//!
//! The checks read the segments from `synack read --json` (raw sequence numbers, unwrapped
//! here) and the ladder from `synack ladder --json`, and hold the ladder to physics:
//! - no ACK (or reply, which carries one) leaves its host before the bytes it acknowledges
//!   have arrived there, counting only copies captured before the ACK;
//! - every segment the ladder calls lost after the capture point has no arrival, and
//!   every segment without an arrival is one it calls lost;
//! - a UDP datagram leaves after the other side's previous datagram arrived (the ladder's
//!   stated assumption for conversations without sequence numbers).
//!
//! The geometry is checked through the library: labels inside the corridor, apart from
//! each other and from the crosses of lost segments, at 1024 and 1600 points wide.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use synack::analysis::FlowProto;
use synack::figure::Rect;
use synack::ladder::layout::{Owner, BASE_ROW};
use synack::ladder::{Geometry, LadderModel};

fn captures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut v = Vec::new();
    for dir in ["captures", "tests/captures"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("pcap" | "pcapng")
            ) {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

fn synack(args: &[&str]) -> (Option<i32>, Vec<Value>) {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .output()
        .expect("run synack");
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    (out.status.code(), lines)
}

/// What `synack ARGS` prints, when it succeeds.
fn text_of(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .output()
        .expect("run synack");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("UTF-8")
}

/// One segment as `synack read --json` shows it.
#[derive(Debug, Clone)]
struct Seg {
    frame: u64,
    client: bool,
    seq: i64,
    end: i64,
    ack: Option<i64>,
}

/// Unwraps a 32-bit number against the previous unwrapped one.
fn unwrap(prev: i64, v: u64) -> i64 {
    prev + i64::from((v as u32).wrapping_sub(prev as u32) as i32)
}

/// The stream's TCP segments with unwrapped raw numbers (each side's first seq is the
/// origin of its space, acks are unwrapped into the peer's).
fn segments(frames: &[Value], stream: u64) -> Vec<Seg> {
    let mut base: [Option<u64>; 2] = [None, None];
    let mut last_seq = [0i64; 2];
    let mut last_ack = [0i64; 2];
    let mut out = Vec::new();
    for f in frames {
        if f["proto"] != "tcp" || f["stream"].as_u64() != Some(stream) {
            continue;
        }
        let t = &f["tcp"];
        let me = usize::from(f["direction"] != "c2s");
        let flags = t["flags"].as_str().unwrap_or("");
        let raw = t["seq_raw"].as_u64().unwrap();
        let b = *base[me].get_or_insert(raw);
        let seq = unwrap(last_seq[me], raw.wrapping_sub(b) & 0xffff_ffff);
        last_seq[me] = seq;
        let len = t["len"].as_i64().unwrap();
        let end = seq + len + i64::from(flags.contains('S')) + i64::from(flags.contains('F'));
        let ack = flags.contains('A').then(|| {
            let raw_ack = t["ack_raw"].as_u64().unwrap();
            // Acks count in the peer's space, which may not have started yet (its SYN was
            // not captured): then they cannot be related to captured data anyway.
            let pb = base[1 - me].unwrap_or(raw_ack);
            let a = unwrap(last_ack[me], raw_ack.wrapping_sub(pb) & 0xffff_ffff);
            last_ack[me] = a;
            a
        });
        out.push(Seg {
            frame: f["frame"].as_u64().unwrap(),
            client: me == 0,
            seq,
            end,
            ack: base[1 - me].and(ack),
        });
    }
    out
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// True when `[seq, end)` is covered by the union of `copies`.
fn covered(seq: i64, end: i64, mut copies: Vec<(i64, i64)>) -> bool {
    copies.sort_unstable();
    let mut reach = seq;
    for (s, e) in copies {
        if s > reach {
            break;
        }
        reach = reach.max(e);
        if reach >= end {
            return true;
        }
    }
    reach >= end
}

fn check_tcp(name: &str, stream: u64, frames: &[Value], arrows: &[Value]) -> (usize, usize) {
    let segs = segments(frames, stream);
    assert_eq!(
        segs.len(),
        arrows.len(),
        "{name} stream {stream}: one arrow per segment"
    );
    let mut checked = 0;
    let mut lost = 0;
    for (s, a) in segs.iter().zip(arrows) {
        assert_eq!(
            a["frame"].as_u64(),
            Some(s.frame),
            "{name}: arrows in capture order"
        );
        assert_eq!(a["from"] == "client", s.client, "{name} frame {}", s.frame);
        let is_lost = a["fate"] == "lost_after_capture";
        assert_eq!(
            a["arrive_s"].is_null(),
            is_lost,
            "{name} frame {}: arrive_s is null exactly for lost segments",
            s.frame
        );
        lost += usize::from(is_lost);
    }
    // For each ACK, the bytes it newly acknowledges (beyond what its side acknowledged
    // before) must have arrived before it left: an ACK that leaves later inherits the
    // earlier ones' checks, as each side's ACKs leave in capture order.
    let mut acked: [Option<i64>; 2] = [None, None];
    for (k, r) in segs.iter().enumerate() {
        let Some(ack) = r.ack else { continue };
        let me = usize::from(!r.client);
        let from = acked[me].unwrap_or(i64::MIN);
        acked[me] = Some(from.max(ack));
        if ack <= from {
            continue;
        }
        let depart = num(&arrows[k]["depart_s"]).unwrap();
        let capture = num(&arrows[k]["capture_s"]).unwrap();
        for (j, s) in segs.iter().enumerate() {
            // Data of the peer, first captured before the ACK, newly acknowledged by it.
            if s.client == r.client || s.end <= s.seq || j >= k || s.end > ack || s.end <= from {
                continue;
            }
            if num(&arrows[j]["capture_s"]).unwrap() > capture {
                continue;
            }
            let copies: Vec<(i64, i64)> = segs[..k]
                .iter()
                .enumerate()
                .filter(|(i, c)| {
                    c.client == s.client
                        && num(&arrows[*i]["arrive_s"]).is_some_and(|t| t <= depart)
                })
                .map(|(_, c)| (c.seq, c.end))
                .collect();
            assert!(
                covered(s.seq, s.end, copies),
                "{name} stream {stream}: frame {} (ack {ack}, leaves at {depart}) leaves \
                 before frame {}'s bytes {}..{} arrived ({})",
                r.frame,
                s.frame,
                s.seq,
                s.end,
                arrows[j]
            );
            checked += 1;
        }
    }
    (checked, lost)
}

fn check_udp(name: &str, arrows: &[Value]) {
    let mut last_arrival: [Option<f64>; 2] = [None, None];
    for a in arrows {
        let me = usize::from(a["from"] != "client");
        let depart = num(&a["depart_s"]).unwrap();
        let arrive = num(&a["arrive_s"]).expect("UDP datagrams are drawn delivered");
        if let Some(t) = last_arrival[1 - me] {
            assert!(
                depart >= t,
                "{name}: datagram {} leaves before the previous one from the other side arrived",
                a["frame"]
            );
        }
        last_arrival[me] = Some(arrive);
    }
}

fn streams(frames: &[Value], proto: &str) -> Vec<u64> {
    let mut v: Vec<u64> = frames
        .iter()
        .filter(|f| f["proto"] == proto)
        .filter_map(|f| f["stream"].as_u64())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
fn no_answer_leaves_before_its_question_arrives_and_lost_segments_never_arrive() {
    let mut total_checked = 0;
    let mut total_lost = 0;
    let mut total_streams = 0;
    for cap in captures() {
        let path = cap.to_str().unwrap();
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        let (_, frames) = synack(&["read", path, "--json"]);
        for stream in streams(&frames, "tcp") {
            let n = stream.to_string();
            let (code, lines) = synack(&["ladder", path, "--stream", &n, "--json"]);
            assert!(matches!(code, Some(0 | 1)), "{name}: exit {code:?}");
            assert_eq!(lines[0]["kind"], "ladder");
            let arrows: Vec<Value> = lines
                .iter()
                .filter(|l| l["kind"] == "arrow")
                .cloned()
                .collect();
            let (checked, lost) = check_tcp(&name, stream, &frames, &arrows);
            total_checked += checked;
            total_lost += lost;
            total_streams += 1;
        }
        for stream in streams(&frames, "udp") {
            let n = stream.to_string();
            let (_, lines) = synack(&["ladder", path, "--udp", "--stream", &n, "--json"]);
            let arrows: Vec<Value> = lines
                .iter()
                .filter(|l| l["kind"] == "arrow")
                .cloned()
                .collect();
            check_udp(&name, &arrows);
        }
    }
    eprintln!(
        "{total_streams} TCP streams, {total_checked} acknowledged segments checked, \
         {total_lost} segments lost after the capture point"
    );
    assert!(
        total_streams > 50 && total_checked > 1000,
        "the corpus was read"
    );
    // The demo, the loss lesson and the lossy real captures lose segments.
    assert!(total_lost >= 10, "{total_lost}");
}

#[test]
fn known_losses_of_the_demo_are_crossed_and_their_retransmissions_linked() {
    // tshark: frame 20 is the fast retransmission of frame 13's bytes (seq 2941), frame 30
    // the RTO retransmission of frame 29's (seq 15973); frame 21 acknowledges 8733 only
    // after frame 20 arrived.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/demo.pcap");
    let (code, lines) = synack(&["ladder", path, "--stream", "0", "--json"]);
    assert_eq!(code, Some(0));
    let arrow = |f: u64| {
        lines
            .iter()
            .find(|l| l["kind"] == "arrow" && l["frame"] == f)
            .unwrap()
            .clone()
    };
    for (orig, again) in [(13, 20), (29, 30)] {
        assert_eq!(arrow(orig)["fate"], "lost_after_capture");
        assert!(arrow(orig)["arrive_s"].is_null());
        assert_eq!(arrow(again)["resends"], orig);
        assert!(arrow(again)["arrive_s"].is_number());
    }
    assert!(arrow(21)["depart_s"].as_f64() >= arrow(20)["arrive_s"].as_f64());
    let timeout = lines
        .iter()
        .find(|l| l["kind"] == "break" && l["after_frame"] == 29)
        .expect("the RTO gap is a break");
    assert_eq!(timeout["timeout"], true);
    assert!(timeout["label"]
        .as_str()
        .unwrap()
        .starts_with("200 ms idle"));
    // The handshake's states and the close.
    assert_eq!(arrow(1)["states"]["client"], "SYN_SENT");
    assert_eq!(arrow(35)["states"]["server"], "CLOSED");
}

#[test]
fn a_refused_connection_has_nobody_listening() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/refused.pcap");
    let (_, lines) = synack(&["ladder", path, "--json"]);
    assert_eq!(lines[0]["initial_states"]["server"], "CLOSED");
    for l in lines.iter().filter(|l| l["kind"] == "arrow") {
        assert_ne!(l["states"]["server"], "LISTEN", "{l}");
    }
}

#[test]
fn text_diagrams_and_svg() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/demo.pcap");
    let out = text_of;
    let m = out(&["ladder", path, "--mermaid"]);
    assert!(m.starts_with("sequenceDiagram\n"));
    assert!(m.contains("participant C as Client 10.0.0.1:56285"));
    assert!(m.contains("    C->>S: [1] SYN seq=0 len=0"));
    assert!(m.contains("    C-xS: [13] ACK seq=2941 ack=15 len=1448 lost after the capture point"));
    assert!(m.contains("Note left of C: SYN_SENT"));
    assert!(m.contains("Note over C,S: … 200 ms idle, then the retransmission timer fires …"));
    assert!(
        !m.contains('#') && !m.contains(';'),
        "no Mermaid markup in labels"
    );
    let p = out(&["ladder", path, "--plantuml"]);
    assert!(p.starts_with("@startuml\n") && p.ends_with("@enduml\n"));
    assert!(p.contains("C ->x S: [29] PSH, ACK seq=15973"), "{p}");
    assert!(p.contains("== Three-way handshake =="));
    assert!(p.contains("...200 ms idle, then the retransmission timer fires..."));
    // A bulk transfer: the run is summarized unless --expand.
    let bulk = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/captures/synack-netns-loss-client.pcap"
    );
    let short = out(&["ladder", bulk, "--mermaid"]);
    let long = out(&["ladder", bulk, "--mermaid", "--expand"]);
    assert!(short.contains("data segments,"), "{short}");
    assert!(short.lines().count() < long.lines().count());
    assert!(!long.contains("data segments,"));
    // SVG: a file with one arrow head per delivered segment.
    let dir = std::env::temp_dir().join(format!("synack-ladder-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("demo.svg");
    out(&["ladder", path, "--svg", svg.to_str().unwrap()]);
    let doc = std::fs::read_to_string(&svg).unwrap();
    assert!(doc.starts_with("<?xml"));
    assert!(doc.contains("SYN seq=0 len=0"));
    assert!(doc.contains("lost after the capture point"));
    std::fs::remove_dir_all(&dir).ok();
    // A missing stream is an error that says how many there are.
    let o = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["ladder", path, "--stream", "9"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("the capture has 3 TCP streams"));
}

#[test]
fn a_runs_calls_are_listed_on_their_side_between_the_frames_around_them() {
    // `synack run` of the course's epoll server and echo client (tests/captures/run): the
    // server's four calls between the client's FIN (frame 10) and its own (frame 11).
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/captures/run/epoll-echo.pcap"
    );
    let listing = text_of(&["ladder", path]);
    let lines: Vec<&str> = listing.lines().skip(2).collect();
    let frame = |n: &str| {
        lines
            .iter()
            .position(|l| l.split_whitespace().next() == Some(n))
            .unwrap_or_else(|| panic!("frame {n}:\n{listing}"))
    };
    let (fin, fin_ack) = (frame("10"), frame("11"));
    let calls: Vec<&str> = lines[fin + 1..fin_ack]
        .iter()
        .map(|l| l.split_once("  S  ").expect("a server call").1)
        .collect();
    assert_eq!(
        calls,
        [
            "epoll_wait → ready (in)",
            "recv → 0 (end of stream)",
            "epoll_ctl(DEL)",
            "close()"
        ],
        "{listing}"
    );
    // The client's connect() before its SYN, its send(3) before the frame it made.
    assert!(lines[..frame("1")]
        .iter()
        .any(|l| l.ends_with("C        connect()")));
    assert!(lines[frame("3")..frame("4")]
        .iter()
        .any(|l| l.ends_with("C        send(3) → frame 4")));
    // Down the listing, time never goes back (calls and frames alike).
    let times: Vec<f64> = lines
        .iter()
        .filter_map(|l| {
            l.split_whitespace()
                .find_map(|w| w.parse::<f64>().ok().filter(|_| w.contains('.')))
        })
        .collect();
    assert_eq!(times.len(), lines.len(), "{listing}");
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{listing}");
    // JSON: one note object per call line, in the same order.
    let (code, json) = synack(&["ladder", path, "--json"]);
    assert_eq!(code, Some(0));
    let notes: Vec<(String, String)> = json
        .iter()
        .filter(|l| l["kind"] == "note")
        .map(|l| {
            (
                l["end"].as_str().unwrap().to_owned(),
                l["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let listed: Vec<(String, String)> = lines
        .iter()
        .filter_map(|l| {
            let (end, text) = l
                .split_once("  C        ")
                .map(|(_, t)| ("client", t))
                .or_else(|| l.split_once("        S  ").map(|(_, t)| ("server", t)))?;
            Some((end.to_owned(), text.to_owned()))
        })
        .collect();
    assert_eq!(notes, listed);
    // 26 calls in the trace; socket, setsockopt, bind, listen, the listener's epoll_ctl(ADD)
    // and epoll_wait, the client's socket and the interrupted last epoll_wait are no call on
    // this connection.
    assert_eq!(notes.len(), 18, "{listing}");
}

#[test]
fn a_break_is_listed_at_the_middle_of_its_idle_time_among_the_calls() {
    // The sticky lesson: the client's eight sends right after frame 4, then Nagle holds the
    // rest for 40.8 ms (frame 5 at 0.041975 s); the server's recv at 0.050 s, then 40.1 ms
    // idle until the client's close() at 0.082 s just before its FIN (frame 8).
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/sticky.pcap");
    let listing = text_of(&["ladder", path]);
    let at = |needle: &str| {
        listing
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in\n{listing}"))
    };
    assert!(at("send(2) → frame 6") < at("⋮ 40.8 ms idle"), "{listing}");
    assert!(
        at("⋮ 40.8 ms idle") < at("C ◀── S  ACK seq=1 ack=6"),
        "{listing}"
    );
    assert!(at("recv → 76 bytes") < at("⋮ 40.1 ms idle"), "{listing}");
    assert!(at("⋮ 40.1 ms idle") < at("close()"), "{listing}");
    // The Mermaid diagram says the same.
    let mermaid = text_of(&["ladder", path, "--mermaid"]);
    let pause = mermaid.find("40.1 ms idle").expect("the pause");
    assert!(
        mermaid.find("recv → 76 bytes").unwrap() < pause,
        "{mermaid}"
    );
    assert!(
        pause < mermaid.find("Note left of C: close()").unwrap(),
        "{mermaid}"
    );
}

/// The rectangle of a label whatever the order of its corners.
fn norm(r: &Rect) -> Rect {
    let (x0, x1) = (r.min.x.min(r.max.x), r.min.x.max(r.max.x));
    let (y0, y1) = (r.min.y.min(r.max.y), r.min.y.max(r.max.y));
    Rect::from_min_max(
        synack::figure::Point::new(x0, y0),
        synack::figure::Point::new(x1, y1),
    )
}

#[test]
fn labels_never_overlap_each_other_the_lines_or_the_crosses() {
    let mut labels = 0;
    let mut over_arrows = 0;
    for cap in captures() {
        let name = cap.file_name().unwrap().to_string_lossy().to_string();
        for proto in [FlowProto::Tcp, FlowProto::Udp] {
            for stream in 0.. {
                let got = synack::ladder::collect(&cap, proto, stream).unwrap();
                let Some(info) = got.info else { break };
                let model = LadderModel::build(info, &got.seen);
                for width in [1024.0 - 40.0, 1600.0 - 40.0] {
                    let geo = Geometry::new(&model, width, BASE_ROW, &[]);
                    assert_eq!(geo.crowded, 0, "{name} {proto:?} {stream} at {width}");
                    let rects: Vec<Rect> = geo.labels.iter().map(|l| norm(&l.rect)).collect();
                    let crosses: Vec<Rect> = geo
                        .arrows
                        .iter()
                        .chain(&geo.ghosts)
                        .filter(|a| a.lost)
                        .map(|a| Rect::from_min_max(a.to, a.to).expand(5.0))
                        .collect();
                    for (i, (l, r)) in geo.labels.iter().zip(&rects).enumerate() {
                        assert!(
                            r.min.x > geo.x_client + 4.0 && r.max.x < geo.x_server - 4.0,
                            "{name} {stream}: label {:?} leaves the corridor",
                            l.lines
                        );
                        for o in &rects[i + 1..] {
                            assert!(!r.overlaps(o), "{name} {stream}: {:?} overlaps", l.lines);
                        }
                        for c in &crosses {
                            assert!(
                                !r.overlaps(c),
                                "{name} {stream}: {:?} hides a cross",
                                l.lines
                            );
                        }
                        // The label is on its arrow.
                        if let Owner::Row(k) = l.owner {
                            let a = &geo.arrows[k];
                            assert!(l.anchor.distance_to_segment(a.from, a.to) < 0.5);
                            // Centred on it, or just above or below it.
                            assert!(
                                l.anchor.y >= r.min.y - 9.0 && l.anchor.y <= r.max.y + 9.0,
                                "{name} {stream}: {:?} away from its arrow",
                                l.lines
                            );
                        }
                    }
                    labels += rects.len();
                    over_arrows += geo.over_arrows;
                }
            }
        }
    }
    eprintln!("{labels} labels, {over_arrows} of them over another arrow");
    assert!(labels > 1000, "{labels}");
}
