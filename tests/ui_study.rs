//! The study views driven headless with egui_kittest: the ladder diagram, the replay, the
//! ladder export and the guided tour, on the real `SynackApp`.
//!
//! Expected packets and states come from tshark 4.0 and the TCP state machine (RFC 9293),
//! not from synack's output:
//! - `close-client-first.pcap` (`tshark -r FILE`): 1 SYN, 2 SYN-ACK, 3 ACK, 4/6 data with
//!   5/7 their ACKs, 8 FIN from the client (40416), 9 ACK, 10 FIN from the server, 11 ACK.
//!   So the client goes SYN_SENT (1) → ESTABLISHED (2) → FIN_WAIT_1 (8) → FIN_WAIT_2 (9) →
//!   TIME_WAIT (10), the server LISTEN → SYN_RECEIVED (2) → ESTABLISHED (3) → CLOSE_WAIT
//!   (8) → LAST_ACK (10) → CLOSED (11).
//! - `demo.pcap` (`tshark -r captures/demo.pcap -Y 'tcp.analysis.flags || tcp.flags.syn==1
//!   || tcp.flags.fin==1 || tcp.flags.reset==1'`): stream 0 opens with 1-3, its first data
//!   segment is 4 (len 14) acknowledged by 5 (ack 15); duplicate ACKs 15, 17, 19, fast
//!   retransmission 20 (of frame 13), cumulative ACK 21 (ack 8733); FINs 32 and 34 with
//!   the last ACK 35; stream 1 is reset by frame 41; stream 2's SYN 42 is refused by 43.
//!   The generator's trace `demo.pcap.calls.json` has the client send `msg-2;` to `msg-5;`
//!   (4 × 6 bytes) which tshark shows as the single 24-byte segment 8.

mod ui_common;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use synack::analysis::TcpState;
use synack::ui::ladder::End;
use synack::ui::{StartSource, SynackApp, Tab, ViewOptions};

fn harness_with(options: ViewOptions) -> Harness<'static, SynackApp> {
    ui_common::loaded(options, egui::vec2(1400.0, 1800.0))
}

/// `capture` on the Ladder tab with frame `goto`'s connection drawn.
fn ladder_of(capture: &str, goto: u64) -> Harness<'static, SynackApp> {
    let mut options = ui_common::file(capture);
    options.tab = Some(Tab::Ladder);
    options.goto = Some(goto);
    let mut h = harness_with(options);
    h.run_steps(2);
    h
}

fn close_client_first() -> Harness<'static, SynackApp> {
    harness_with(ui_common::file("captures/close-client-first.pcap"))
}

fn index_of(h: &Harness<'static, SynackApp>, frame: u64) -> usize {
    h.state()
        .store
        .read()
        .index_of_number(frame)
        .expect("frame present")
}

/// Frame number of the selected packet.
fn selected_frame(h: &Harness<'static, SynackApp>) -> Option<u64> {
    let i = h.state().selection.packet?;
    h.state().store.read().record(i).map(|r| r.number)
}

/// Selects the only connection in the Connections tab and opens its ladder from there.
fn open_ladder_from_connections(h: &mut Harness<'static, SynackApp>) {
    h.get_by_label("Connections").click();
    h.run_steps(2);
    h.get_by_label_contains("127.0.0.1:40416").click();
    h.run_steps(2);
    // Selecting a row shows its packets; back to the table, where its ladder button is.
    h.get_by_label("Connections").click();
    h.run_steps(2);
    h.get_by_label("Ladder of stream 0").click();
    h.run_steps(3);
    assert_eq!(h.state().tab, Tab::Ladder);
}

#[test]
fn ladder_lists_handshake_teardown_and_both_sides_states() {
    let mut h = close_client_first();
    open_ladder_from_connections(&mut h);
    use TcpState::*;
    // What the drawing says, through its accessibility label.
    h.get_by_label_contains(
        "client: CLOSED → SYN_SENT → ESTABLISHED → FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT.",
    );
    h.get_by_label_contains(
        "server: LISTEN → SYN_RECEIVED → ESTABLISHED → CLOSE_WAIT → LAST_ACK → CLOSED.",
    );
    h.get_by_label_contains("Three-way handshake (frames 1–3)");
    h.get_by_label_contains("Teardown: four-way (FIN, ACK, FIN, ACK) (frames 8–11)");
    h.get_by_label("States at frame 11: client TIME_WAIT · server CLOSED");
    // And where each change is drawn: the sender's changes where its segment leaves.
    let app = h.state();
    let m = app.ladder.model().expect("ladder drawn");
    assert_eq!(m.rows.len(), 11);
    let marks: Vec<(u64, End, TcpState)> = m
        .marks
        .iter()
        .map(|k| (m.rows[k.row].number, k.end, k.state))
        .collect();
    assert_eq!(
        marks,
        vec![
            (1, End::Client, SynSent),
            (2, End::Client, Established),
            (2, End::Server, SynReceived),
            (3, End::Server, Established),
            (8, End::Client, FinWait1),
            (8, End::Server, CloseWait),
            (9, End::Client, FinWait2),
            (10, End::Client, TimeWait),
            (10, End::Server, LastAck),
            (11, End::Server, Closed),
        ]
    );
    // Loopback: both sides answer within microseconds; both delays are measured and the
    // capture point lies between the two.
    assert_eq!(m.delays.measured, [true, true]);
    let f = m.delays.capture_fraction();
    assert!(f > 0.2 && f < 0.8, "{f}");
}

#[test]
fn replay_steps_and_the_views_show_that_moment() {
    let mut h = ladder_of("captures/close-client-first.pcap", 1);
    h.get_by_label("Replay this connection").click();
    h.run_steps(2);
    h.get_by_label("States at frame 1: client SYN_SENT · server LISTEN");
    // Alt+Right seven times: frame 8, the client's FIN.
    for _ in 0..7 {
        h.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
        h.run_steps(1);
    }
    h.run_steps(1);
    h.get_by_label("States at frame 8: client FIN_WAIT_1 · server CLOSE_WAIT");
    assert_eq!(selected_frame(&h), Some(8));
    h.get_by_label("Step >").click();
    h.run_steps(2);
    h.get_by_label("States at frame 9: client FIN_WAIT_2 · server CLOSE_WAIT");
    // The ladder draws only what had happened.
    assert_eq!(h.state().ladder.model().unwrap().rows.len(), 9);
    h.get_by_label_contains("client: CLOSED → SYN_SENT → ESTABLISHED → FIN_WAIT_1 → FIN_WAIT_2.");
    // The packet list hides frames 10 and 11 (the server's FIN and the last ACK).
    h.get_by_label("Packets").click();
    h.run_steps(3);
    assert_eq!(
        h.query_all_by_label_contains("42473 → 40416 [FIN, ACK]")
            .count(),
        0
    );
    h.get_by_label_contains("40416 → 42473 [FIN, ACK]");
    h.get_by_label_contains("State after this packet: client FIN_WAIT_2 · server CLOSE_WAIT");
    // Back one step, then leave the replay: everything is there again.
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowLeft);
    h.run_steps(2);
    assert_eq!(selected_frame(&h), Some(8));
    h.get_by_label("Exit replay").click();
    h.run_steps(3);
    assert_eq!(h.state().selection.until, None);
    h.get_by_label_contains("42473 → 40416 [FIN, ACK]");
}

#[test]
fn clicking_an_arrow_selects_its_packet_and_back_returns() {
    let mut h = ladder_of("captures/close-client-first.pcap", 2);
    let target = index_of(&h, 10);
    let pos = h
        .state()
        .ladder
        .arrow_screen_pos(target)
        .expect("frame 10's arrow is on screen");
    h.hover_at(pos);
    h.run_steps(1);
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.run_steps(1);
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run_steps(3);
    assert_eq!(selected_frame(&h), Some(10));
    h.get_by_label("< Back").click();
    h.run_steps(2);
    assert_eq!(selected_frame(&h), Some(2));
    // The details follow the selection made in the ladder.
    h.get_by_label("Packets").click();
    h.run_steps(2);
    h.get_by_label_contains("State after this packet: client ESTABLISHED · server SYN_RECEIVED");
}

#[test]
fn ladder_exports_as_svg_with_every_arrow() {
    let mut h = close_client_first();
    open_ladder_from_connections(&mut h);
    let dir = std::env::temp_dir().join(format!("synack-ladder-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ladder.svg");
    h.state_mut().export_ladder_svg(path.clone());
    h.run_steps(1);
    h.get_by_label_contains("Ladder saved as SVG to");
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<?xml"));
    // One arrow head per segment (11), the labels, the states and the brackets.
    assert_eq!(svg.matches("<polygon").count(), 11);
    assert!(svg.contains("FIN, ACK seq=6 ack=6 len=0"));
    assert!(svg.contains("SYN seq=0 len=0"));
    assert!(svg.contains(">TIME_WAIT<") && svg.contains(">LAST_ACK<"));
    assert!(svg.contains("Three-way handshake"));
    if let Some(keep) = std::env::var_os("SYNACK_KEEP_SVG") {
        std::fs::copy(&path, keep).ok();
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn tour_steps_select_the_right_packets_on_the_demo() {
    let mut h = harness_with(ViewOptions::new(StartSource::Demo));
    h.get_by_label("Start the guided tour").click();
    h.run_steps(3);
    let highlighted = |h: &Harness<'static, SynackApp>| -> Vec<u64> {
        let data = h.state().store.read();
        let mut v: Vec<u64> = h
            .state()
            .ladder
            .highlight
            .iter()
            .filter_map(|&i| data.record(i).map(|r| r.number))
            .collect();
        v.sort_unstable();
        v
    };
    let until = |h: &Harness<'static, SynackApp>| {
        let i = h.state().selection.until.expect("replay cursor set");
        h.state().store.read().record(i).unwrap().number
    };
    // (title, selected frame, replay cursor frame, highlighted frames, tab)
    let expected: [(&str, u64, u64, &[u64], Tab); 7] = [
        ("The three-way handshake", 3, 3, &[1, 2, 3], Tab::Ladder),
        ("Data and its acknowledgment", 4, 5, &[4, 5], Tab::Ladder),
        ("A sticky burst", 8, 8, &[8], Tab::Stream),
        (
            "Loss and recovery",
            20,
            21,
            &[13, 15, 17, 19, 20, 21],
            Tab::Ladder,
        ),
        ("The teardown", 35, 35, &[32, 33, 34, 35], Tab::Ladder),
        ("A reset", 41, 41, &[41], Tab::Ladder),
        ("A refused connection", 43, 43, &[42, 43], Tab::Ladder),
    ];
    for (n, (title, sel, cur, hl, tab)) in expected.iter().enumerate() {
        h.get_by_label(&format!("Step {}/{}", n + 1, expected.len()));
        h.get_by_label(title);
        assert_eq!(selected_frame(&h), Some(*sel), "{title}");
        assert_eq!(until(&h), *cur, "{title}");
        assert_eq!(highlighted(&h), hl.to_vec(), "{title}");
        assert_eq!(h.state().tab, *tab, "{title}");
        if *title == "A sticky burst" {
            // The four writes of the calls trace, glued in frame 8.
            h.get_by_label_contains(
                "send() 4 times (\"msg-2;\", \"msg-3;\", \"msg-4;\", \"msg-5;\")",
            );
            // The ribbon shows them: framed by the send() calls, four 6-byte messages at
            // offsets 20, 26, 32 and 38, inside frame 8's bytes 20..44 (tshark: seq 21,
            // len 24), where line framing saw one incomplete message.
            assert_eq!(h.state().stream_view.framing, "calls");
            for offset in [20, 26, 32, 38] {
                h.get_by_label(&format!("c2s #{} send 6 B @{offset}", (offset - 8) / 6));
            }
        }
        if n + 1 < expected.len() {
            h.get_by_label("Next >").click();
            h.run_steps(3);
        }
    }
    h.get_by_label("Finish").click();
    h.run_steps(2);
    assert!(h.state().tour.is_none());
}

#[test]
fn closing_the_tour_puts_back_the_filter_the_ladder_s_connection_and_the_tab() {
    // demo.pcap: the sticky step (3) filters `tcp.stream == 0`, pins stream 0 and opens the
    // Stream tab framed by calls. Closing the tour must leave none of it behind.
    let mut h = harness_with(ViewOptions::new(StartSource::Demo));
    h.run_steps(2);
    h.state_mut().filter.set("tcp.len > 0");
    h.state_mut().tab = Tab::Packets;
    let before = h.state().selection.packet;
    h.state_mut().start_tour();
    h.run_steps(2);
    h.state_mut().go_tour_step(2);
    h.run_steps(2);
    h.get_by_label("A sticky burst");
    assert_eq!(h.state().filter.applied_text(), Some("tcp.stream == 0"));
    assert_eq!(h.state().tab, Tab::Stream);
    h.get_by_label("Close").click();
    h.run_steps(2);
    assert!(h.state().tour.is_none());
    assert_eq!(h.state().filter.applied_text(), Some("tcp.len > 0"));
    assert_eq!(h.state().filter.text, "tcp.len > 0");
    assert_eq!(h.state().selection.connection, None, "no connection pinned");
    assert_eq!(h.state().selection.packet, before);
    assert_eq!(h.state().selection.until, None);
    assert_eq!(h.state().tab, Tab::Packets);
    assert_eq!(h.state().stream_view.framing, "auto");

    // Without a filter before, none after; the ladder follows the selected packet again:
    // frame 36 opens stream 1 (tshark: tcp.stream == 1 starts at 36).
    h.state_mut().filter.set("");
    h.state_mut().start_tour();
    h.run_steps(2);
    h.state_mut().go_tour_step(2);
    h.run_steps(2);
    h.get_by_label("Close").click();
    h.run_steps(2);
    assert_eq!(h.state().filter.applied_text(), None);
    let i = index_of(&h, 36);
    h.state_mut().selection.select_packet(i, true);
    h.state_mut().tab = Tab::Ladder;
    h.run_steps(3);
    let model = h.state().ladder.model().expect("a ladder drawn");
    assert_eq!(
        model.info.stream, 1,
        "the ladder follows frame 36, not the tour"
    );
}

#[test]
fn connections_that_had_not_started_are_hidden_during_replay() {
    // demo.pcap (tshark): stream 1 starts at frame 36, stream 2 (10.0.0.1:34002) at 42.
    let mut options = ViewOptions::new(StartSource::Demo);
    options.tab = Some(Tab::Connections);
    options.goto = Some(36);
    options.replay = true;
    let mut h = harness_with(options);
    h.run_steps(2);
    h.get_by_label_contains("Replay at frame 36");
    h.get_by_label("10.0.0.1:34611");
    assert_eq!(h.query_all_by_label("10.0.0.1:34002").count(), 0);
    // Walk the whole capture to its end: the refused connection appears.
    h.get_by_label("whole capture").click();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::ALT, Key::End);
    h.run_steps(2);
    h.get_by_label_contains("Replay at frame 43");
    h.get_by_label("10.0.0.1:34002");
}

#[test]
fn tour_on_another_capture_keeps_only_the_steps_it_can_show() {
    // close-client-first has a handshake, data (frame 4, 5 bytes, acked by 5) and a
    // four-way close, but no loss, reset or refusal, and no calls trace in the store.
    let mut h = close_client_first();
    h.state_mut().start_tour();
    h.run_steps(2);
    let titles: Vec<String> = h
        .state()
        .tour
        .as_ref()
        .expect("tour open")
        .steps
        .iter()
        .map(|s| s.title.clone())
        .collect();
    assert_eq!(
        titles,
        [
            "The three-way handshake",
            "Data and its acknowledgment",
            "The teardown"
        ]
    );
    h.get_by_label("Step 1/3");
    h.get_by_label("Next >").click();
    h.run_steps(2);
    assert_eq!(selected_frame(&h), Some(4));
    h.get_by_label("Close").click();
    h.run_steps(2);
    assert!(h.state().tour.is_none());
    assert!(h.state().ladder.highlight.is_empty());
    assert_eq!(
        h.state().selection.until,
        None,
        "closing the tour leaves its replay"
    );
}

#[test]
fn view_rejects_an_unknown_tab_with_the_list_of_tabs() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["view", "--tab", "nope"])
        .output()
        .expect("synack runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid value 'nope'")
            && err.contains("packets, connections, ladder, live, graphs, stream, generator"),
        "{err}"
    );
}

#[test]
fn ladder_zooms_with_buttons_and_ctrl_wheel_and_pans_by_dragging() {
    // demo.pcap stream 0 has 35 packets (tshark -Y 'tcp.stream == 0' | wc -l).
    let mut options = ViewOptions::new(StartSource::Demo);
    options.tab = Some(Tab::Ladder);
    options.goto = Some(1);
    let mut h = harness_with(options);
    h.get_by_label("No thanks").click();
    h.run_steps(2);
    assert_eq!(h.state().ladder.model().unwrap().rows.len(), 35);
    for _ in 0..4 {
        h.get_by_label("+").click();
        h.run_steps(1);
    }
    let zoom = h.state().ladder.zoom;
    assert!((zoom - 1.25f32.powi(4)).abs() < 1e-3, "{zoom}");
    h.run_steps(1);
    h.get_by_label("244%");
    // Ctrl+wheel (egui's zoom event) over the diagram zooms further.
    let rect = h.state().ladder.last_rect.expect("ladder drawn");
    let inside = rect.center();
    h.hover_at(inside);
    h.run_steps(1);
    h.event(egui::Event::Zoom(1.1));
    h.run_steps(2);
    assert!(h.state().ladder.zoom > zoom * 1.05);
    // Dragging up by 300 points scrolls down by as much; only the rows on screen are drawn.
    let before = h.state().ladder.scroll;
    h.drag_at(inside);
    h.run_steps(1);
    for k in 1..=6 {
        h.hover_at(inside - egui::vec2(0.0, 50.0 * k as f32));
        h.run_steps(1);
    }
    h.drop_at(inside - egui::vec2(0.0, 300.0));
    h.run_steps(2);
    let moved = h.state().ladder.scroll - before;
    assert!((moved - 300.0).abs() < 30.0, "scrolled by {moved}");
    let drawn = h.state().ladder.drawn.clone();
    assert!(drawn.start > 0 && drawn.len() < 35, "{drawn:?}");
    h.get_by_label("1:1").click();
    h.run_steps(1);
    assert_eq!(h.state().ladder.zoom, 1.0);
}

#[test]
fn a_bulk_transfer_collapses_into_runs_that_expand_on_click() {
    // synack-netns-loss-client.pcap: stream 0 is a 400 kB GET through a lossy router
    // (tshark: 1448-byte segments from the server, ACKs from the client).
    let mut h = ladder_of("tests/captures/synack-netns-loss-client.pcap", 1);
    let runs = h.state().ladder.model().unwrap().runs.len();
    assert!(runs > 0);
    let first = h.state().ladder.model().unwrap().runs[0].clone();
    assert!(first.data >= 6 && first.len == 1448, "{first:?}");
    // Scroll the run's summary into view and click it.
    let index = h.state().ladder.model().unwrap().rows[first.first].index;
    h.state_mut().ladder.reveal(index);
    h.run_steps(2);
    let pos = h
        .state()
        .ladder
        .run_label_screen_pos(0)
        .expect("the summary is on screen");
    ui_common::click_at(&mut h, pos);
    assert_eq!(h.state().ladder.expanded, vec![0]);
    // Expanded, each of its rows has a label of its own; the others stay summarized.
    let geo = h.state().ladder.geometry_drawn().unwrap().clone();
    for i in first.first..=first.last {
        assert!(geo.row_label[i].is_some(), "row {i} has no label");
    }
    let hidden = h.state().ladder.model().unwrap().runs[runs - 1].clone();
    if runs > 1 {
        assert!(geo.row_label[hidden.first].is_none());
    }
    h.get_by_label("Expand all runs").click();
    h.run_steps(2);
    assert_eq!(h.state().ladder.expanded.len(), runs);
    h.get_by_label("Summarize runs").click();
    h.run_steps(2);
    assert!(h.state().ladder.expanded.is_empty());
}

#[test]
fn a_udp_conversation_has_a_ladder() {
    // udp-chat.pcap (tshark -Y udp): datagrams both ways between two ports.
    let h = ladder_of("captures/udp-chat.pcap", 1);
    h.get_by_label_contains("Ladder of UDP stream 0");
    let m = h.state().ladder.model().expect("UDP ladder drawn");
    assert!(!m.is_tcp());
    assert!(m.rows.len() >= 2);
    assert!(m.rows.iter().any(|r| r.from == End::Server));
    assert!(m.rows.iter().all(|r| r.label.starts_with("UDP len=")));
    h.get_by_label_contains("UDP ladder,");
}

#[test]
fn the_tour_s_lost_segment_ends_in_a_cross() {
    // demo.pcap (tshark): frame 13's bytes are sent again by frame 20 after three
    // duplicate ACKs: frame 13 never reached the server.
    let mut options = ViewOptions::new(StartSource::Demo);
    options.tab = Some(Tab::Ladder);
    options.goto = Some(13);
    let mut h = harness_with(options);
    h.get_by_label("No thanks").click();
    h.run_steps(2);
    let app = h.state();
    let m = app.ladder.model().unwrap();
    let row = m.rows.iter().position(|r| r.number == 13).unwrap();
    assert_eq!(m.rows[row].fate, synack::ladder::Fate::LostAfterCapture);
    assert_eq!(m.rows[row].arrive_ns, None);
    let retrans = m.rows.iter().position(|r| r.number == 20).unwrap();
    assert_eq!(m.rows[retrans].resends, Some(row));
    h.get_by_label_contains("Lost after the capture point: frames 13, 29");
}
