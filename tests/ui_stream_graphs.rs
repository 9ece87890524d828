//! The Stream and Graphs tabs driven headless with egui_kittest through the real
//! `SynackApp::show`, on the generator's committed captures.
//!
//! Expected values do not come from the views' code: coalesced segments come from the
//! `synack stream` binary *and* from an independent count (the calls trace read as plain JSON,
//! segments from the capture reader and decoder); per-segment facts of `loss.pcap` from
//! tshark 4.0's committed truth (`tests/truth/gen/loss.pcap.tsv`, and
//! `loss.pcap.ack_rtt.tsv` made by `tshark -r captures/loss.pcap -T fields -e frame.number
//! -e tcp.srcport -e tcp.analysis.acks_frame -e tcp.analysis.ack_rtt -Y tcp.analysis.ack_rtt`).

mod support;
mod ui_common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use serde_json::Value;
use synack::ui::file_dialog::FigureKind;
use synack::ui::graphs::GraphKind;
use synack::ui::stream_view::layout::Hit;
use synack::ui::{StartSource, SynackApp, ViewOptions};

fn manifest(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn harness(file: &Path, goto: u64) -> Harness<'static, SynackApp> {
    let mut options = ViewOptions::new(StartSource::File(file.to_path_buf()));
    options.goto = Some(goto);
    ui_common::loaded(options, egui::vec2(1400.0, 900.0))
}

/// The first connection's client and server, and its c2s payload segments as (relative
/// offset, length), read with the capture reader and decoder only.
fn c2s_segments(cap: &Path) -> (SocketAddr, SocketAddr, Vec<(u64, u64)>) {
    let (c, s, [c2s, _]) = support::first_connection_segments(cap).expect("a TCP connection");
    (c, s, c2s)
}

/// The client's `send()` calls (offset, bytes) and the server's `recv()` count of the trace.
fn trace_calls(trace: &Path, client: SocketAddr) -> (Vec<(u64, u64)>, usize) {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(trace).unwrap()).unwrap();
    let mut sends = Vec::new();
    let mut recvs = 0;
    for c in v["calls"].as_array().unwrap() {
        let bytes = c["bytes"].as_u64().unwrap();
        if bytes == 0 {
            continue;
        }
        let local: SocketAddr = c["local"].as_str().unwrap().parse().unwrap();
        let remote: SocketAddr = c["remote"].as_str().unwrap().parse().unwrap();
        if c["call"] == "send" && local == client {
            sends.push((c["offset"].as_u64().unwrap(), bytes));
        }
        if c["call"] == "recv" && remote == client {
            recvs += 1;
        }
    }
    (sends, recvs)
}

/// `synack stream FILE --stream 0 --json`: c2s coalesced segments.
fn cli_coalesced(cap: &Path) -> u64 {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["stream", cap.to_str().unwrap(), "--stream", "0", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["kind"] == "summary" && v["dir"] == "c2s")
        .unwrap()["coalesced_segments"]
        .as_u64()
        .unwrap()
}

#[test]
fn sticky_ribbon_shows_the_coalesced_segments_calls_and_message_bytes() {
    let cap = manifest("captures/sticky.pcap");
    let trace = synack::calls::calls_path(&cap);
    let (client, _, segs) = c2s_segments(&cap);
    let (sends, recvs) = trace_calls(&trace, client);
    let independent = segs
        .iter()
        .filter(|s| {
            sends
                .iter()
                .filter(|m| s.0 < m.0 + m.1 && m.0 < s.0 + s.1)
                .count()
                > 1
        })
        .count() as u64;
    let cli = cli_coalesced(&cap);
    assert_eq!(
        cli, independent,
        "synack stream disagrees with the calls trace"
    );
    assert!(cli >= 1, "the lesson's capture has a coalesced segment");

    let mut h = harness(&cap, 4);
    h.get_by_label("Stream").click();
    h.run_steps(3);
    assert!(
        h.state().store.read().calls.is_some(),
        "calls.json was not loaded"
    );
    h.get_by_label_contains("framing: calls (auto)");
    let plural = if cli == 1 { "" } else { "s" };
    h.get_by_label_contains(&format!("{cli} coalesced segment{plural},"));
    h.get_by_label_contains(&format!("calls: {} send(), {recvs} recv()", sends.len()));
    // The ribbon laid out one send() box per call.
    let app = h.state();
    for k in 0..sends.len() {
        let idx = {
            let data = app.store.read();
            let t = data.calls.as_ref().unwrap();
            t.calls
                .iter()
                .enumerate()
                .filter(|(_, c)| c.call == synack::calls::CallKind::Send)
                .nth(k)
                .unwrap()
                .0
        };
        assert!(
            app.stream_view.hit_rect(Hit::Call(0, idx)).is_some(),
            "send() #{k} is not drawn"
        );
    }
    // Click message #1 in the ribbon: its bytes appear in the side panel.
    let r = h
        .state()
        .stream_view
        .hit_rect(Hit::Message(0, 1))
        .expect("message #1 drawn");
    h.hover_at(r.center());
    h.run_steps(1);
    h.drag_at(r.center());
    h.run_steps(1);
    h.drop_at(r.center());
    h.run_steps(3);
    assert_eq!(h.state().stream_view.selected, Some((0, 1)));
    let (off, len) = sends[1];
    h.get_by_label_contains(&format!("c2s message #1: {len} B at offset {off}"));
    // The bytes: the send() call's preview in the trace is its data.
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&trace).unwrap()).unwrap();
    let data = v["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["call"] == "send" && c["offset"].as_u64() == Some(off))
        .unwrap()["data"]
        .as_str()
        .unwrap()
        .to_string();
    // The panel shows a message as text first, then as a hex dump.
    h.get_by_label_contains(&data);
    h.get_by_label("Hex").click();
    h.run_steps(2);
    let hex: String = data.bytes().take(4).map(|b| format!("{b:02x} ")).collect();
    h.get_by_label_contains(hex.trim_end());
    h.get_by_label_contains(&data);
    // Clicking a segment selects its packet.
    let seg_frame = 6;
    let r = h
        .state()
        .stream_view
        .hit_rect(Hit::Segment(0, seg_frame))
        .expect("segment drawn");
    h.hover_at(r.center());
    h.run_steps(1);
    h.drag_at(r.center());
    h.run_steps(1);
    h.drop_at(r.center());
    h.run_steps(2);
    let sel = h.state().selection.packet.unwrap();
    assert_eq!(
        h.state().store.read().record(sel).unwrap().number,
        seg_frame
    );
}

/// Rows of tshark's truth for `loss.pcap`: (frame, srcport, tcp.len, retransmission).
fn loss_truth() -> Vec<(u64, u16, u32, bool)> {
    let text = std::fs::read_to_string(manifest("tests/truth/gen/loss.pcap.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (nr, sp, len, re) = (
        col("frame.number"),
        col("tcp.srcport"),
        col("tcp.len"),
        col("tcp.analysis.retransmission"),
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[nr].parse().unwrap(),
                f[sp].parse().unwrap(),
                f[len].parse().unwrap_or(0),
                !f[re].is_empty(),
            )
        })
        .collect()
}

#[test]
fn loss_graphs_match_tshark_and_hover_click_select_the_frame() {
    let cap = manifest("captures/loss.pcap");
    let truth = loss_truth();
    let client_port = truth[0].1;
    let data_frames: Vec<u64> = truth
        .iter()
        .filter(|r| r.1 == client_port && r.2 > 0)
        .map(|r| r.0)
        .collect();
    let retrans: Vec<u64> = truth
        .iter()
        .filter(|r| r.1 == client_port && r.3)
        .map(|r| r.0)
        .collect();
    assert!(!retrans.is_empty());

    let mut h = harness(&cap, 4);
    h.get_by_label("Graphs").click();
    h.run_steps(3);
    let m = {
        let app = h.state_mut();
        let data = app.store.clone();
        let data = data.read();
        app.graphs
            .model(&data, &app.selection.clone())
            .unwrap()
            .clone()
    };
    let frames: Vec<u64> = m.segments.iter().map(|s| s.number).collect();
    assert_eq!(frames, data_frames, "one point per data segment");
    let flagged: Vec<u64> = m
        .segments
        .iter()
        .filter(|s| s.retransmission)
        .map(|s| s.number)
        .collect();
    assert_eq!(flagged, retrans);
    // RTT samples: tshark's ack_rtt on the server's ACKs.
    let rtt_truth: Vec<(u64, u64, f64)> =
        std::fs::read_to_string(manifest("tests/truth/gen/loss.pcap.ack_rtt.tsv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .filter(|f| f[1].parse::<u16>().unwrap() != client_port)
            .map(|f| {
                (
                    f[0].parse().unwrap(),
                    f[2].parse().unwrap(),
                    f[3].parse().unwrap(),
                )
            })
            .collect();
    let got: Vec<(u64, u64)> = m.rtt.iter().map(|r| (r.number, r.acks_frame)).collect();
    let want: Vec<(u64, u64)> = rtt_truth.iter().map(|r| (r.0, r.1)).collect();
    assert_eq!(got, want);
    for (r, t) in m.rtt.iter().zip(&rtt_truth) {
        assert!(
            (r.rtt - t.2).abs() < 1e-6,
            "frame {}: {} vs {}",
            r.number,
            r.rtt,
            t.2
        );
    }
    // The SACK blocks of the duplicate ACKs are there (tshark: frames 10-16 carry one).
    assert!(m.acks.iter().filter(|a| !a.sacks.is_empty()).count() >= 4);
    h.get_by_label_contains(&format!(
        "{} data segments, {} retransmissions",
        data_frames.len(),
        retrans.len()
    ));

    // Hover the retransmission's bar: its frame is described; click selects it.
    let s = *m.segments.iter().find(|s| s.retransmission).unwrap();
    let pos = h
        .state()
        .graphs
        .screen_pos(s.t, f64::from(s.seq) + f64::from(s.len) / 2.0)
        .unwrap();
    h.hover_at(pos);
    h.run_steps(2);
    let hover = h.state().graphs.hover_text.clone().unwrap_or_default();
    assert!(
        hover.starts_with(&format!("Frame {}: seq {} len {}", s.number, s.seq, s.len)),
        "{hover}"
    );
    assert!(hover.contains("retransmission"), "{hover}");
    h.drag_at(pos);
    h.run_steps(1);
    h.drop_at(pos);
    h.run_steps(2);
    assert_eq!(h.state().selection.packet, Some(s.index));

    // SVG export of the time-sequence graph holds the series.
    let dir = std::env::temp_dir().join(format!("synack-ui-graphs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tcptrace.svg");
    assert_eq!(h.state().graphs.kind, GraphKind::Tcptrace);
    let ctx = h.ctx.clone();
    h.state_mut()
        .save_figure(&ctx, FigureKind::GraphSvg, path.clone());
    let msg = h.state().message.clone().unwrap();
    assert!(!msg.1 && msg.0.contains("tcptrace.svg"), "{msg:?}");
    let svg = std::fs::read_to_string(&path).unwrap();
    // Each I-bar is three lines in the segment or retransmission colour.
    let blue = svg.matches(r##"stroke="#285ac8""##).count();
    let red = svg.matches(r##"stroke="#dc1e1e""##).count();
    assert!(red >= 3 * retrans.len(), "{red}");
    assert!(blue >= 3 * (data_frames.len() - retrans.len()), "{blue}");
    assert!(
        svg.matches("<polyline").count() >= 2,
        "ACK and window lines"
    );
    for name in [
        "ACK",
        "receive window",
        "SACK block",
        "retransmission",
        "relative sequence number",
    ] {
        assert!(
            svg.contains(&format!(">{name}</text>")),
            "legend/axis {name}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_builtin_demo_comes_with_its_calls_trace() {
    let cap = manifest("captures/demo.pcap");
    let (client, _, _) = c2s_segments(&cap);
    let (sends, recvs) = trace_calls(&synack::calls::calls_path(&cap), client);
    assert!(!sends.is_empty());
    let ctx = egui::Context::default();
    let mut options = ViewOptions::new(StartSource::Demo);
    options.recent_files = false;
    options.goto = Some(1);
    let app = SynackApp::new(&ctx, options);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut SynackApp| app.show(ui), app);
    h.run_steps(3);
    assert!(h.state().store.read().calls.is_some());
    h.get_by_label("Stream").click();
    h.run_steps(3);
    // The demo's first connection frames as lines; its coalesced segments are what
    // `synack stream` counts, and its calls row holds the client's sends.
    h.get_by_label_contains("framing: line (auto)");
    let coalesced = cli_coalesced(&cap);
    let plural = if coalesced == 1 { "" } else { "s" };
    h.get_by_label_contains(&format!("{coalesced} coalesced segment{plural},"));
    h.get_by_label_contains(&format!("calls: {} send(), {recvs} recv()", sends.len()));
}

/// The graph's range last frame, and the model it draws, for the connection of frame `goto`.
fn graph_view(
    h: &mut Harness<'static, SynackApp>,
) -> ([f64; 4], synack::ui::graphs::model::SeqModel) {
    let app = h.state_mut();
    let data = app.store.clone();
    let data = data.read();
    let selection = app.selection.clone();
    let m = app.graphs.model(&data, &selection).unwrap().clone();
    (app.graphs.view_bounds().expect("the graph was drawn"), m)
}

#[test]
fn the_graph_opens_on_every_segment_and_reset_returns_there() {
    // zero-window.pcap lasts 1.5 s (tshark: the last client data segment comes after the
    // window reopens, 1.5 s in); its first view must reach it.
    let mut h = harness(&manifest("captures/zero-window.pcap"), 4);
    h.get_by_label("Graphs").click();
    h.run_steps(4);
    let contains = |b: [f64; 4], t: f64, y: f64| b[0] <= t && t <= b[1] && b[2] <= y && y <= b[3];
    let (b, m) = graph_view(&mut h);
    let first = m.segments.first().unwrap();
    let last = m.segments.last().unwrap();
    assert!(last.t > 1.0, "the data runs past one second: {}", last.t);
    for s in [first, last] {
        assert!(
            contains(b, s.t, s.end() as f64),
            "frame {} in {b:?}",
            s.number
        );
    }
    // The Stevens graph shows data segments only: its range ends at the last one (5%
    // margin), not at a later ACK.
    let span = last.t - first.t;
    assert!(b[1] <= last.t + 0.06 * span, "{b:?}");
    // Zoomed in, then Reset view: back to the whole connection.
    let plot = h.get_by_label_contains("Hover a point").rect();
    let centre = egui::pos2(plot.center().x, plot.bottom() + 200.0);
    h.hover_at(centre);
    h.run_steps(1);
    h.event(egui::Event::Zoom(4.0));
    h.run_steps(2);
    let (zoomed, _) = graph_view(&mut h);
    assert!(
        zoomed[1] - zoomed[0] < (b[1] - b[0]) / 2.0,
        "zoomed: {zoomed:?}"
    );
    h.get_by_label("Reset view").click();
    h.run_steps(3);
    let (reset, _) = graph_view(&mut h);
    for s in [first, last] {
        assert!(
            contains(reset, s.t, s.end() as f64),
            "frame {} in {reset:?}",
            s.number
        );
    }
}

#[test]
fn the_receive_window_does_not_flatten_a_small_exchange() {
    // http.pcap's server sends 3473 bytes (tshark) against the client's 98 KiB receive
    // window: in tcptrace the data keeps most of the height, the window line leaves the first
    // view instead.
    let mut h = harness(&manifest("captures/http.pcap"), 4);
    h.get_by_label("Graphs").click();
    h.run_steps(2);
    h.state_mut().graphs.kind = GraphKind::Tcptrace;
    h.run_steps(4);
    let (b, m) = graph_view(&mut h);
    let top = m
        .segments
        .iter()
        .map(|s| s.end() as f64)
        .fold(0.0, f64::max);
    let window = m
        .acks
        .iter()
        .map(|a| a.window_edge as f64)
        .fold(0.0, f64::max);
    assert!(window > 10.0 * top, "window {window} vs data {top}");
    assert!(b[2] <= 0.0 && top <= b[3], "{b:?}");
    assert!(
        top >= 0.5 * (b[3] - b[2]),
        "the data fills half the height: {b:?}"
    );
}
