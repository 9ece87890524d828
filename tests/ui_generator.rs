//! The generator panel driven headless with egui_kittest: the real `SynackApp`, clicks on
//! the scenario list and the Run button, the run's thread feeding the store while the test
//! steps frames.
//!
//! What the panel stores is checked against what `synack gen SCENARIO --synthetic --write`
//! (the CLI binary) writes, not against the panel's own code; the lessons against
//! `Scenario::lesson`, so a changed lesson cannot be shown stale.

mod ui_common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use synack::analysis::FlowProto;
use synack::calls::CallTrace;
use synack::capture::live::{capture_permission, Permission};
use synack::capture::{FileReader, FrameSource, OwnedFrame};
use synack::decode::decode;
use synack::gen::{Mode, Scenario};
use synack::ui::gen_runner::Phase;
use synack::ui::{StartSource, SynackApp, Tab, ViewOptions};

fn harness(source: StartSource) -> Harness<'static, SynackApp> {
    ui_common::harness(ViewOptions::new(source), egui::vec2(1400.0, 1400.0))
}

/// The generator panel on an empty window (the demo is replaced by the run).
fn panel() -> Harness<'static, SynackApp> {
    let mut h = harness(StartSource::Demo);
    h.get_by_label("Generator").click();
    h.run_steps(2);
    assert_eq!(h.state().tab, Tab::Generator);
    h
}

/// Steps frames until the run is over (bounded); returns the store sizes seen while it was
/// still running.
fn run_to_end(h: &mut Harness<'static, SynackApp>, limit: Duration) -> Vec<usize> {
    let start = Instant::now();
    let mut seen_running = Vec::new();
    loop {
        h.run_steps(1);
        let app = h.state();
        let run = app.generator.run.as_ref().expect("a run was started");
        if !run.running() {
            break;
        }
        seen_running.push(app.store.read().len());
        assert!(
            start.elapsed() < limit,
            "the run did not end within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    h.run_steps(2);
    seen_running
}

/// Runs the CLI: `synack gen SCENARIO --synthetic --write DIR/SCENARIO.pcap`.
fn cli_synthetic(sc: Scenario, dir: &Path) -> (Vec<OwnedFrame>, CallTrace) {
    let path = dir.join(format!("{sc}.pcap"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["gen", sc.name(), "--synthetic", "--write"])
        .arg(&path)
        .output()
        .expect("run synack gen");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (read_frames(&path), read_calls(&path))
}

fn read_frames(path: &Path) -> Vec<OwnedFrame> {
    let mut r = FileReader::open(path).expect("capture readable");
    let mut frames = Vec::new();
    while let Ok(Some(f)) = r.next_frame() {
        frames.push(f.to_owned());
    }
    frames
}

fn read_calls(capture: &Path) -> CallTrace {
    let f = std::fs::File::open(synack::calls::calls_path(capture)).expect("calls written");
    CallTrace::read_json(f).expect("calls parse")
}

/// TCP flag bits of a frame (0 for non-TCP).
fn tcp_flags(data: &[u8], link: synack::capture::LinkType) -> u16 {
    let frame = synack::capture::Frame {
        number: 1,
        ts: None,
        len: data.len() as u32,
        link,
        interface: 0,
        kind: synack::capture::RecordKind::Packet,
        data,
    };
    decode(&frame).tcp().map_or(0, |t| t.flags.0)
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("synack-ui-gen-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn every_scenario_is_listed_with_its_lesson_from_the_generator() {
    let mut h = panel();
    for sc in Scenario::ALL {
        h.get_by_label(sc.name());
        h.get_by_label(sc.lesson());
    }
    // The chosen scenario's lesson is repeated above the Run button.
    h.get_by_label("sticky").click();
    h.run_steps(2);
    assert_eq!(h.state().generator.selected, Scenario::Sticky);
    h.get_by_label(&format!("Lesson: {}", Scenario::Sticky.lesson()));
}

#[test]
fn synthetic_close_client_first_matches_the_cli_and_opens_its_connection() {
    let dir = temp_dir("ccf");
    let (cli_frames, cli_calls) = cli_synthetic(Scenario::CloseClientFirst, &dir);
    let mut h = panel();
    h.get_by_label("close-client-first").click();
    h.run_steps(1);
    h.get_by_label("Synthetic").click();
    h.run_steps(1);
    h.get_by_label("Run").click();
    h.run_steps(1);
    {
        let run = h.state().generator.run.as_ref().expect("Run started a run");
        assert_eq!(run.mode, Mode::Synthetic);
        assert_eq!(run.fallback, None, "synthetic was asked for");
    }
    let seen = run_to_end(&mut h, Duration::from_secs(20));
    // Animated: the frames arrived over time, not all at once.
    assert!(
        seen.iter().any(|&n| n > 0 && n < cli_frames.len()),
        "no partial state seen while running: {seen:?}"
    );
    let app = h.state();
    assert_eq!(
        app.generator.run.as_ref().unwrap().status().phase,
        Phase::Done
    );
    {
        let data = app.store.read();
        assert_eq!(data.len(), cli_frames.len(), "same frame count as the CLI");
        for (i, f) in cli_frames.iter().enumerate() {
            let stored = data.frame(i).expect("stored frame");
            // The synthetic run is deterministic for a seed: the same bytes.
            assert_eq!(stored.data, &f.data[..], "frame {}", i + 1);
            assert_eq!(
                tcp_flags(&stored.data, stored.link),
                tcp_flags(&f.data, f.link),
                "flags of frame {}",
                i + 1
            );
            assert_eq!(stored.ts, f.ts);
        }
        let calls = data.calls.as_ref().expect("calls in the store");
        assert_eq!(calls.calls, cli_calls.calls);
        // Its first TCP connection was opened: stream 0 selected and filtered.
        let conn = app
            .selection
            .connection
            .expect("the connection was selected");
        assert_eq!((conn.proto, conn.stream), (FlowProto::Tcp, 0));
    }
    // ... and its ladder opened by itself.
    assert_eq!(app.tab, Tab::Ladder);
    // close-client-first: the client closes first, so it passes FIN_WAIT_1/2 and TIME_WAIT.
    h.get_by_label_contains(
        "client: CLOSED → SYN_SENT → ESTABLISHED → FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT.",
    );

    // Back on the panel, the calls list shows the trace's calls, one row each.
    h.get_by_label("Generator").click();
    h.run_steps(2);
    h.get_by_label(&format!("Socket calls ({})", cli_calls.calls.len()));
    for kind in ["connect", "accept", "send", "recv", "close"] {
        let want = cli_calls
            .calls
            .iter()
            .filter(|c| format!("{:?}", c.call).eq_ignore_ascii_case(kind))
            .count();
        assert!(want > 0, "the trace has {kind}");
        assert_eq!(h.get_all_by_label(kind).count(), want, "{kind} rows");
    }
    let client_rows = cli_calls
        .calls
        .iter()
        .filter(|c| c.actor == "client")
        .count();
    assert_eq!(h.get_all_by_label("client").count(), client_rows);

    // A second run (a UDP lesson) is not hidden behind the filter the first run set.
    h.get_by_label("udp-chat").click();
    h.run_steps(1);
    h.get_by_label("Run").click();
    run_to_end(&mut h, Duration::from_secs(20));
    assert_eq!(h.state().filter.applied_text(), None);
    assert_eq!(
        h.state().selection.connection,
        None,
        "no TCP connection to open"
    );
    let udp_frames = h.state().store.read().len();
    assert!(udp_frames > 0);
    h.get_by_label(&format!("Packets: {udp_frames}"));

    // Save writes the same frames and calls as the CLI (after running close-client-first
    // again, unanimated this time).
    h.get_by_label("close-client-first").click();
    h.run_steps(1);
    h.get_by_label("Animate").click();
    h.run_steps(1);
    h.get_by_label("Run").click();
    run_to_end(&mut h, Duration::from_secs(20));
    let saved = dir.join("saved.pcap");
    h.state_mut().save_run(saved.clone());
    let frames = read_frames(&saved);
    assert_eq!(frames.len(), cli_frames.len());
    assert!(frames
        .iter()
        .zip(&cli_frames)
        .all(|(a, b)| a.data == b.data));
    assert_eq!(read_calls(&saved).calls, cli_calls.calls);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unanimated_run_loads_at_once_and_a_lesson_loopback_cannot_force_says_why() {
    let mut h = panel();
    h.get_by_label("loss").click();
    h.run_steps(1);
    // Live asked for (the default), but `loss` has no loopback form.
    let expected = "`loss` cannot be forced with real sockets on loopback; ran synthetic";
    h.get_by_label(&format!("Will run synthetic: {expected}"));
    h.get_by_label("Animate").click();
    h.run_steps(1);
    assert!(!h.state().generator.animate);
    h.get_by_label("Run").click();
    run_to_end(&mut h, Duration::from_secs(20));
    let app = h.state();
    let run = app.generator.run.as_ref().unwrap();
    assert_eq!(run.mode, Mode::Synthetic);
    assert_eq!(
        run.fallback.as_ref().map(|f| f.to_string()).as_deref(),
        Some(expected)
    );
    let (frames, trace) =
        synack::gen::synthesize_frames(Scenario::Loss, &synack::gen::GenOptions::default());
    assert_eq!(app.store.read().len(), frames.len());
    assert_eq!(
        app.store.read().calls.as_ref().map(|c| c.calls.len()),
        Some(trace.calls.len())
    );
    h.get_by_label_contains("synack gen loss (synthetic, seed 1)");
    // The fallback is stated on the panel after the run too.
    h.get_by_label("Generator").click();
    h.run_steps(2);
    h.get_by_label(&format!("Mode: synthetic ({expected})"));
}

#[test]
fn live_run_on_loopback_shows_packets_and_calls_as_they_come() {
    if capture_permission() == Permission::Denied {
        eprintln!("skipped: live capture on lo needs root or CAP_NET_RAW");
        return;
    }
    // keep-alive lasts 3.5 s (three probes a second apart), long enough to watch frames
    // arrive however slowly this machine steps frames.
    let mut h = panel();
    h.get_by_label("keep-alive").click();
    h.run_steps(1);
    // Live is the default choice.
    h.get_by_label("Will run live.");
    h.get_by_label("Run").click();
    h.run_steps(1);
    {
        let run = h.state().generator.run.as_ref().expect("Run started a run");
        assert_eq!(run.mode, Mode::Live);
        assert_eq!(run.fallback, None);
    }
    // While it runs, the status bar counts the packets stored so far.
    let start = Instant::now();
    let mut shown_while_running = std::collections::BTreeSet::new();
    while h.state().generator.run.as_ref().unwrap().running() {
        h.run_steps(1);
        let n = h.state().store.read().len();
        if n > 0 && h.query_by_label(&format!("Packets: {n}")).is_some() {
            shown_while_running.insert(n);
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the run did not end"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run_steps(2);
    assert!(
        shown_while_running.len() >= 2,
        "packet counts shown while running: {shown_while_running:?}"
    );
    let app = h.state();
    let run = app.generator.run.as_ref().unwrap();
    let st = run.status();
    assert_eq!(st.phase, Phase::Done, "{:?}", st);
    assert_eq!(st.note, None, "the capture started");
    let data = app.store.read();
    // The first counts shown were partial: packets arrived during the run.
    assert!(
        shown_while_running.first().is_some_and(|&n| n < data.len()),
        "counts {shown_while_running:?}, {} at the end",
        data.len()
    );
    // Handshake, data, three keep-alive probes with their ACKs, two FINs and the last ACK.
    assert!(data.len() >= 16, "{} frames", data.len());
    let first = data.frame(0).unwrap();
    assert_eq!(
        tcp_flags(&first.data, first.link) & 0x12,
        0x02,
        "starts with a SYN"
    );
    let fins = (0..data.len())
        .filter_map(|i| data.frame(i))
        .filter(|f| tcp_flags(&f.data, f.link) & 0x01 != 0)
        .count();
    assert_eq!(fins, 2);
    let calls = data.calls.as_ref().expect("calls stored");
    assert_eq!(calls.mode, "live");
    for kind in [
        synack::calls::CallKind::Connect,
        synack::calls::CallKind::Accept,
        synack::calls::CallKind::Setsockopt,
        synack::calls::CallKind::Close,
    ] {
        assert!(
            calls.calls.iter().any(|c| c.call == kind),
            "{kind:?} recorded"
        );
    }
    assert!(calls.calls.windows(2).all(|w| w[0].t_ns <= w[1].t_ns));
    let n_calls = calls.calls.len();
    let conn = app.selection.connection.expect("its connection was opened");
    assert_eq!(conn.proto, FlowProto::Tcp);
    drop(data);
    h.get_by_label("Generator").click();
    h.run_steps(2);
    h.get_by_label(&format!("Socket calls ({n_calls})"));
    h.get_by_label("connect");
    h.get_by_label("accept");
    h.get_by_label("ok (SO_KEEPALIVE 1)");
}

#[test]
fn view_gen_opens_the_panel_running_the_scenario() {
    let mut h = harness(StartSource::Generator {
        scenario: Scenario::Handshake,
        synthetic: true,
    });
    {
        let app = h.state();
        assert_eq!(app.generator.selected, Scenario::Handshake);
        let run = app.generator.run.as_ref().expect("--gen started a run");
        assert_eq!(
            (run.scenario, run.mode),
            (Scenario::Handshake, Mode::Synthetic)
        );
    }
    run_to_end(&mut h, Duration::from_secs(20));
    let (frames, _) =
        synack::gen::synthesize_frames(Scenario::Handshake, &synack::gen::GenOptions::default());
    assert_eq!(h.state().store.read().len(), frames.len());
    assert!(h.state().selection.connection.is_some());
}

#[test]
fn view_gen_rejects_an_unknown_scenario_before_opening_a_window() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["view", "--gen", "no-such-lesson"])
        .output()
        .expect("run synack");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown scenario `no-such-lesson`"), "{err}");
    // --synthetic only means something with --gen.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["view", "--synthetic"])
        .output()
        .expect("run synack");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn netns_run_with_loss_uses_real_kernels_through_the_router() {
    if !synack::gen::netns::available() {
        eprintln!("skipped: network namespaces need root with `ip` and `nft`");
        return;
    }
    let mut h = panel();
    h.get_by_label("loss").click();
    h.run_steps(1);
    h.get_by_label("Namespaces + loss").click();
    h.run_steps(1);
    h.get_by_label("Will run netns.");
    h.state_mut().generator.loss_pct = 5;
    h.get_by_label("Run").click();
    h.run_steps(1);
    run_to_end(&mut h, Duration::from_secs(60));
    let app = h.state();
    let run = app.generator.run.as_ref().unwrap();
    assert_eq!(run.mode, Mode::Netns);
    assert_eq!(run.loss_pct, Some(5));
    let st = run.status();
    assert_eq!(st.phase, Phase::Done, "{st:?}");
    let data = app.store.read();
    assert!(data.len() > 10, "{} frames", data.len());
    let calls = data.calls.as_ref().expect("calls stored");
    assert_eq!(calls.mode, "netns");
    assert!(calls
        .calls
        .iter()
        .any(|c| c.call == synack::calls::CallKind::Connect));
    h.get_by_label_contains("synack gen loss (netns, loss 5%)");
}
