//! The Graphs tab's kernel overlays, driven headless with egui_kittest through the real
//! `SynackApp::show`: what is painted (the shapes egui hands the renderer) against the
//! capture and its calls trace read independently (the capture reader; the trace as plain
//! JSON).
//!
//! Fixture: `tests/captures/kernel/loss-cubic.pcap` and its `.calls.json`, made by
//! `synack gen loss --netns --loss 2 --rate 20 --cc cubic -w loss-cubic.pcap` (400 kB from
//! 10.77.1.2 through a lossy 20 Mbit/s router, both kernels read every millisecond).

mod ui_common;

use std::path::{Path, PathBuf};

use egui::epaint::{ColorMode, Shape};
use egui::{Color32, Rect};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use serde_json::Value;
use synack::analysis::Cause;
use synack::capture::{FileReader, FrameSource};
use synack::decode::decode;
use synack::ui::graphs::kernel_view::cause_color;
use synack::ui::graphs::GraphKind;
use synack::ui::palette;
use synack::ui::{StartSource, SynackApp, Tab, ViewOptions};

fn manifest(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// Frame number and time (ns) of the first client payload segment, and the capture's first
/// packet's time, read with the capture reader only.
fn first_data(cap: &Path, client_ip: &str) -> (u64, i64, i64) {
    let mut r = FileReader::open(cap).unwrap();
    let mut first_ts = None;
    let mut n = 0;
    while let Some(f) = r.next_frame().unwrap() {
        n += 1;
        let ts = f.ts.unwrap().as_nanos();
        first_ts.get_or_insert(ts);
        let p = decode(&f);
        if let (Some(ip), Some(t)) = (p.ip(), p.tcp()) {
            if ip.src.to_string() == client_ip && t.len > 0 {
                return (n, ts, first_ts.unwrap());
            }
        }
    }
    panic!("no client data in {}", cap.display());
}

fn harness(cap: &Path, goto: u64) -> Harness<'static, SynackApp> {
    let mut options = ViewOptions::new(StartSource::File(cap.to_path_buf()));
    options.goto = Some(goto);
    options.tab = Some(Tab::Graphs);
    let mut h = ui_common::loaded(options, egui::vec2(1400.0, 1000.0));
    h.state_mut().graphs.kind = GraphKind::Tcptrace;
    h.run_steps(4);
    h
}

/// Filled rectangles painted in a verdict colour inside `frame`: (x0, x1, cause).
fn band_rects(h: &Harness<'_, SynackApp>, frame: Rect) -> Vec<(f32, f32, Cause)> {
    let mut out = Vec::new();
    for cs in &h.output().shapes {
        if let Shape::Rect(r) = &cs.shape {
            let c = Cause::ALL.into_iter().find(|c| cause_color(*c) == r.fill);
            if let (Some(c), true) = (c, frame.contains_rect(r.rect.shrink(0.5))) {
                out.push((r.rect.min.x, r.rect.max.x, c));
            }
        }
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// Points of the solid paths painted in `color` inside `frame`.
fn path_points(h: &Harness<'_, SynackApp>, color: Color32, frame: Rect) -> Vec<egui::Pos2> {
    let mut out = Vec::new();
    for cs in &h.output().shapes {
        if let Shape::Path(p) = &cs.shape {
            if p.stroke.color == ColorMode::Solid(color)
                && p.points.iter().all(|q| frame.expand(1.0).contains(*q))
            {
                out.extend(p.points.iter().copied());
            }
        }
    }
    out
}

/// The union of the bands: no gap wider than a pixel, from the first left edge to the last
/// right edge.
fn union(bands: &[(f32, f32, Cause)]) -> (f32, f32) {
    for w in bands.windows(2) {
        assert!(
            w[1].0 <= w[0].1 + 1.0,
            "a gap between {:?} and {:?}",
            w[0],
            w[1]
        );
    }
    (
        bands[0].0,
        bands.iter().map(|b| b.1).fold(f32::MIN, f32::max),
    )
}

#[test]
fn kernel_lines_only_where_read_and_verdict_bands_over_the_senders_data_time() {
    let cap = manifest("tests/captures/kernel/loss-cubic.pcap");
    let (frame, _, first_ns) = first_data(&cap, "10.77.1.2");
    let mut h = harness(&cap, frame);
    // The trace's client readings, as plain JSON.
    let text = std::fs::read_to_string(synack::calls::calls_path(&cap)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let client: Vec<&Value> = v["tcp_info"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["local"].as_str().unwrap().starts_with("10.77.1.2:"))
        .collect();
    let with_info: Vec<&&Value> = client
        .iter()
        .filter(|r| r.get("snd_cwnd").is_some())
        .collect();
    h.get_by_label_contains(&format!(
        "Kernel state ({} readings, cubic)",
        with_info.len()
    ));
    h.get_by_label_contains("What limited the sender (from the kernel's readings):");

    let g = &h.state().graphs;
    let frame_rect = g.last_rect().unwrap();
    let sx = |ns: i64| g.screen_pos((ns - first_ns) as f64 / 1e9, 0.0).unwrap().x;
    let t = |r: &Value| r["t_ns"].as_i64().unwrap();

    // The cwnd line: drawn, and only between the first and the last reading with tcp_info.
    let cwnd = path_points(&h, palette::CWND, frame_rect);
    assert!(cwnd.len() > 50, "{} cwnd points drawn", cwnd.len());
    let (lo, hi) = (sx(t(with_info[0])), sx(t(with_info[with_info.len() - 1])));
    for p in &cwnd {
        assert!(
            p.x >= lo - 0.5 && p.x <= hi + 0.5,
            "cwnd drawn at x {} outside {lo}..{hi}",
            p.x
        );
    }

    // Verdict bands: from the first reading after data left to the last reading where the
    // kernel's busy time still grew (or a recovery still ran), without gaps.
    let bands = band_rects(&h, frame_rect);
    assert!(!bands.is_empty(), "no verdict band painted");
    let (b0, b1) = union(&bands);
    let sent = |r: &Value| r["bytes_sent"].as_u64().unwrap_or(0) > 0;
    let start = with_info.iter().find(|r| sent(r)).map(|r| t(r)).unwrap();
    assert!(
        (b0 - sx(start)).abs() <= 1.0,
        "bands start at {b0}, data at {}",
        sx(start)
    );
    let busy = |r: &Value| r["busy_time"].as_u64().unwrap();
    let last_busy = with_info
        .windows(2)
        .filter(|w| busy(w[1]) > busy(w[0]))
        .map(|w| t(w[1]))
        .next_back()
        .unwrap();
    assert!(
        b1 >= sx(last_busy) - 1.0,
        "bands end at {b1}, busy until {}",
        sx(last_busy)
    );
    assert!(
        b1 <= hi + 1.0,
        "bands end at {b1}, after the last reading {hi}"
    );
    // A lossy transfer: time in recovery is painted.
    assert!(bands
        .iter()
        .any(|b| b.2 == Cause::LossRecovery || b.2 == Cause::RetransmissionTimeout));

    // Turned off, nothing of the kernel is painted.
    h.state_mut().graphs.toggles.kernel = false;
    h.state_mut().graphs.toggles.verdict = false;
    h.run_steps(3);
    let frame_rect = h.state().graphs.last_rect().unwrap();
    assert!(path_points(&h, palette::CWND, frame_rect).is_empty());
    assert!(band_rects(&h, frame_rect).is_empty());
}

#[test]
fn without_kernel_readings_the_wire_verdict_bands_start_at_the_first_data_segment() {
    // captures/loss.pcap: a synthetic lesson (no kernel readings in its trace).
    let cap = manifest("captures/loss.pcap");
    let (frame, data_ns, first_ns) = first_data(&cap, "10.0.0.1");
    let h = harness(&cap, frame);
    h.get_by_label_contains("No kernel readings for this sender");
    h.get_by_label_contains("What limited the sender (from the wire):");
    let g = &h.state().graphs;
    let frame_rect = g.last_rect().unwrap();
    let sx = |ns: i64| g.screen_pos((ns - first_ns) as f64 / 1e9, 0.0).unwrap().x;
    assert!(path_points(&h, palette::CWND, frame_rect).is_empty());
    let bands = band_rects(&h, frame_rect);
    assert!(!bands.is_empty());
    let (b0, _) = union(&bands);
    assert!(
        (b0 - sx(data_ns)).abs() <= 1.0,
        "bands start at {b0}, data at {}",
        sx(data_ns)
    );
    assert!(bands.iter().any(|b| b.2 == Cause::LossRecovery));
}

/// `synack flows FILE --json`: the c2s sender's (source, main cause, its seconds).
fn flows_c2s_verdict(cap: &Path) -> (String, String, f64) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["flows", cap.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_str(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let l = v["limited_by"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sender"] == "c2s")
        .unwrap();
    let main = l["main"].as_str().unwrap().to_string();
    let secs = l["seconds"][&main].as_f64().unwrap();
    (l["source"].as_str().unwrap().to_string(), main, secs)
}

#[test]
fn the_connections_tab_names_what_limited_each_sender_as_synack_flows_does() {
    // The kernel's verdict where the trace read the sender, the wire's otherwise.
    for (cap, want_source) in [
        ("tests/captures/kernel/loss-cubic.pcap", "kernel"),
        ("captures/loss.pcap", "wire"),
    ] {
        let cap = manifest(cap);
        let (source, main, secs) = flows_c2s_verdict(&cap);
        assert_eq!(source, want_source);
        let cause = Cause::ALL.into_iter().find(|c| c.name() == main).unwrap();
        let mut options = ViewOptions::new(StartSource::File(cap.clone()));
        options.tab = Some(Tab::Connections);
        let h = ui_common::loaded(options, egui::vec2(1600.0, 800.0));
        let cell = format!(
            "c2s {} {secs:.3}s{}",
            cause.short(),
            if source == "kernel" { " (kernel)" } else { "" }
        );
        h.get_by_label_contains(&cell);
    }
}

#[test]
fn the_svg_figure_draws_the_kernel_lines_and_the_verdict_bands_the_view_draws() {
    let cap = manifest("tests/captures/kernel/loss-cubic.pcap");
    let (frame, _, first_ns) = first_data(&cap, "10.77.1.2");
    let mut h = harness(&cap, frame);
    let path = std::env::temp_dir().join(format!("synack-kernel-svg-{}.svg", std::process::id()));
    let ctx = h.ctx.clone();
    h.state_mut().save_figure(
        &ctx,
        synack::ui::file_dialog::FigureKind::GraphSvg,
        path.clone(),
    );
    let svg = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).ok();
    // The figure's plot spans x 80..880 of 900 points over the view's range.
    let [x0, x1, _, _] = h.state().graphs.view_bounds().unwrap();
    let sx = |ns: i64| 80.0 + ((ns - first_ns) as f64 / 1e9 - x0) / (x1 - x0) * 800.0;
    let text = std::fs::read_to_string(synack::calls::calls_path(&cap)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let read: Vec<i64> = v["tcp_info"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["local"].as_str().unwrap().starts_with("10.77.1.2:"))
        .filter(|r| r.get("snd_cwnd").is_some())
        .map(|r| r["t_ns"].as_i64().unwrap())
        .collect();
    let (lo, hi) = (sx(read[0]), sx(read[read.len() - 1]));
    // The cwnd reach: teal polylines, every point between the first and the last reading.
    let cwnd = format!(
        "stroke=\"#{:02x}{:02x}{:02x}\"",
        palette::CWND.r(),
        palette::CWND.g(),
        palette::CWND.b()
    );
    let lines: Vec<&str> = svg
        .lines()
        .filter(|l| l.starts_with("<polyline") && l.contains(&cwnd))
        .collect();
    assert!(!lines.is_empty(), "no cwnd line in the figure");
    for l in &lines {
        let pts = l.split('"').nth(1).unwrap();
        for p in pts.split(' ') {
            let x: f64 = p.split(',').next().unwrap().parse().unwrap();
            assert!(
                x >= lo.max(80.0) - 1.0 && x <= hi.min(880.0) + 1.0,
                "{x} outside [{lo}, {hi}]"
            );
        }
    }
    // The verdict bands: rectangles in the causes' colours, the main one named in the
    // legend with its source.
    let c = synack::ui::figure::color(cause_color(Cause::CongestionWindow));
    let fill = format!("fill=\"#{:02x}{:02x}{:02x}\"", c.r, c.g, c.b);
    assert!(
        svg.lines()
            .filter(|l| l.starts_with("<rect") && l.contains(&fill))
            .count()
            > 2,
        "congestion window bands"
    );
    assert!(svg.contains(">ACK + cwnd (kernel, cubic)</text>"), "legend");
    assert!(
        svg.contains(">congestion window (from the kernel's readings)</text>"),
        "legend"
    );
}

#[test]
fn a_cc_compare_run_opens_on_its_connections_side_by_side_on_the_same_scales() {
    let cap = manifest("tests/captures/kernel/cc-compare.pcap");
    let mut options = ViewOptions::new(StartSource::File(cap.clone()));
    options.tab = Some(Tab::Graphs);
    let mut h = ui_common::loaded(options, egui::vec2(1500.0, 900.0));
    h.state_mut().graphs.kind = GraphKind::Tcptrace;
    h.run_steps(4);
    // The algorithm each sender set, from the trace's calls (plain JSON).
    let text = std::fs::read_to_string(synack::calls::calls_path(&cap)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let set: Vec<String> = v["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["note"].as_str()?.strip_prefix("TCP_CONGESTION="))
        .map(str::to_owned)
        .collect();
    assert_eq!(set.len(), 3, "{set:?}");
    for (stream, algorithm) in set.iter().enumerate() {
        h.get_by_label_contains(&format!("Stream {stream} c2s · {algorithm} · "));
    }
    let drawn = h.state().graphs.compare_drawn.clone();
    assert_eq!(drawn.frames.len(), 3);
    // Side by side, left to right by stream, the same size.
    for w in drawn.frames.windows(2) {
        let (a, b) = (w[0].1, w[1].1);
        assert!(a.max.x <= b.min.x, "{a:?} then {b:?}");
        assert!((a.top() - b.top()).abs() < 1.0 && (a.height() - b.height()).abs() < 1.0);
        assert!((a.width() - b.width()).abs() < 2.0);
        assert!(w[0].0.stream < w[1].0.stream);
    }
    // The same scales: each graph's own zero (its connection's first packet) sits at the
    // same place in its frame, and one second spans the same pixels.
    let c = h.state().graphs.last_comparison().expect("drawn");
    let px = |i: usize, dt: f64| {
        let g = &c.graphs[i];
        drawn.screen_pos(i, g.t0 + dt, 0.0).unwrap().x - drawn.frames[i].1.min.x
    };
    for i in 1..3 {
        assert!((px(i, 0.0) - px(0, 0.0)).abs() < 1.0);
        assert!((px(i, 0.1) - px(0, 0.1)).abs() < 1.0);
        let y = |i: usize| drawn.screen_pos(i, 0.0, 200_000.0).unwrap().y;
        assert!((y(i) - y(0)).abs() < 1.0, "the same sequence range");
    }
    // Each graph has its sender's kernel window line (its end may run off the top: the
    // points within the frame are counted, of the lines drawn across the frame's width).
    for (i, (_, frame, _)) in drawn.frames.iter().enumerate() {
        let across = Rect::from_x_y_ranges(frame.x_range(), f32::MIN..=f32::MAX);
        let inside = path_points(&h, palette::CWND, across)
            .into_iter()
            .filter(|p| frame.expand(1.0).contains(*p))
            .count();
        assert!(inside > 20, "graph {i}: the cwnd line ({inside} points)");
    }
    // Each graph's legend names its own sender's algorithm (one entry each).
    for algorithm in &set {
        h.get_by_label(&format!("ACK + cwnd (kernel, {algorithm})"));
    }
    // Scaled to the data: every transfer's 300 kB reach the top tenth of the frames, while
    // the receive window's edge runs far above (off the top, not setting the scale).
    for (i, (_, frame, _)) in drawn.frames.iter().enumerate() {
        let y = drawn.screen_pos(i, c.graphs[i].t0, 300_000.0).unwrap().y;
        assert!(
            y >= frame.top() && y - frame.top() < 0.1 * frame.height(),
            "graph {i}: 300 kB at y {y} in {frame:?}"
        );
        let window = c.graphs[i]
            .model
            .acks
            .iter()
            .map(|a| a.window_edge as f64)
            .fold(0.0, f64::max);
        assert!(window > 1.2 * c.top, "graph {i}: window edge {window}");
    }
    // A click on the second graph shows that connection alone.
    let target = drawn.frames[1].1.center();
    h.drag_at(target);
    h.run_steps(1);
    h.drop_at(target);
    h.run_steps(3);
    assert_eq!(h.state().selection.connection.map(|c| c.stream), Some(1));
    assert!(h.state().graphs.compare_drawn.frames.is_empty());
    h.get_by_label_contains("Kernel state (");
}

/// The graph's y axis takes what its labels need (more than the width asked for when the
/// sequence numbers are long): the panel's plots follow it, so their frames start where the
/// graph's does and a time falls on the same x in all three (it was 0.7 px off here, more
/// with longer labels).
#[test]
fn the_panel_under_the_graph_puts_each_time_at_the_graphs_x() {
    let cap = manifest("tests/captures/kernel/loss-cubic.pcap");
    let (frame, _, _) = first_data(&cap, "10.77.1.2");
    let mut h = harness(&cap, frame);
    h.run_steps(2);
    let g = &h.state().graphs;
    let [x0, x1, _, _] = g.view_bounds().expect("drawn");
    for f in [0.1, 0.5, 0.9] {
        let t = x0 + f * (x1 - x0);
        let on_graph = g.screen_pos(t, 0.0).unwrap().x;
        let on_panel = g.panel_screen_x(t);
        assert_eq!(on_panel.len(), 2, "the panel's two plots");
        for x in on_panel {
            assert!(
                (x - on_graph).abs() < 0.5,
                "time {t:.4}: x {on_graph} on the graph, {x} on the panel"
            );
        }
    }
}
