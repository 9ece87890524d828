//! The desktop view driven headless with egui_kittest: the real `SynackApp`, the real
//! ingestion of the built-in demo, clicks and typing through the accessibility tree.
//!
//! Expected counts come from tshark 4.0 on `tests/captures/pcpp-three_http_streams.pcap`
//! (`tshark -r FILE -Y FILTER | wc -l`), not from synack. That file is opened through the
//! same threaded loader as `synack view FILE`; the embedded demo (which the generator may
//! replace) is checked against the capture reader's own frame count.

mod ui_common;

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use synack::ui::{StartSource, SynackApp, Tab, ViewOptions};

fn harness(source: StartSource) -> Harness<'static, SynackApp> {
    // Tall enough that the whole details tree of a SYN is on screen (clicks land on what is
    // visible, like a user's).
    ui_common::loaded(ViewOptions::new(source), egui::vec2(1400.0, 2000.0))
}

/// Three HTTP connections (the demo of the foundation issue).
fn demo_harness() -> Harness<'static, SynackApp> {
    harness(StartSource::File(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/captures/pcpp-three_http_streams.pcap"
        )
        .into(),
    ))
}

/// Frames in that capture (tshark: 28).
const DEMO_FRAMES: usize = 28;

#[test]
fn embedded_demo_opens_with_every_packet_listed() {
    use synack::capture::{FileReader, FrameSource};
    let mut reader =
        FileReader::from_reader("demo", std::io::Cursor::new(synack::capture::demo::PCAP))
            .expect("demo readable");
    let mut frames = 0;
    while let Ok(Some(_)) = reader.next_frame() {
        frames += 1;
    }
    assert!(frames > 0);
    let h = harness(StartSource::Demo);
    h.get_by_label(&format!("Packets: {frames}"));
    h.get_by_label("No.");
    h.get_by_label("Info");
    assert!(!h
        .get_all_by_label_contains("[SYN]")
        .collect::<Vec<_>>()
        .is_empty());
}

#[test]
fn capture_opens_with_tags_and_markers() {
    let h = demo_harness();
    h.get_by_label(&format!("Packets: {DEMO_FRAMES}"));
    // Frame 1 is the first SYN of stream 0 (client port 54615), with its handshake marker.
    h.get_by_label_contains("54615 → 80 [SYN] Seq=0 Win=5840 Len=0 MSS=1460 SACK_PERM");
    // One handshake marker per connection (three).
    assert_eq!(
        h.get_all_by_label_contains("«handshake 1/3: SYN»").count(),
        3
    );
}

#[test]
fn selecting_a_packet_shows_its_details_tree_and_bytes() {
    let mut h = demo_harness();
    h.get_by_label_contains("54615 → 80 [SYN]").click();
    h.run_steps(3);
    assert_eq!(h.state().selection.packet, Some(0));
    h.get_by_label_contains("Frame 1: 74 bytes on wire");
    h.get_by_label_contains("Ethernet II, Src:");
    h.get_by_label_contains("Internet Protocol Version 4, Src: 172.16.133.132, Dst: 98.139.161.29");
    h.get_by_label_contains("Transmission Control Protocol, Src Port: 54615, Dst Port: 80");
    h.get_by_label("Maximum segment size: 1460 bytes");
    h.get_by_label("Window scale: 10 (multiply by 1024)");
    h.get_by_label_contains("Analysis (synack)");
    h.get_by_label("State after this packet: client SYN_SENT · server LISTEN");

    // Selecting a field highlights its bytes: the MSS option is kind 2, length 4, 1460.
    h.get_by_label("Maximum segment size: 1460 bytes").click();
    h.run_steps(2);
    let range = h
        .state()
        .selection
        .field
        .clone()
        .expect("a field is selected");
    let bytes = h.state().details.bytes[range].to_vec();
    assert_eq!(bytes, vec![0x02, 0x04, 0x05, 0xb4]);

    // And back: the byte offset inside the MSS option maps to the MSS field.
    let nodes = h.state().details.nodes.clone();
    let tcp_opts_start = 14 + 20 + 20;
    assert_eq!(
        synack::ui::details::field_at(&nodes, tcp_opts_start + 2),
        Some(tcp_opts_start..tcp_opts_start + 4)
    );
}

#[test]
fn details_list_the_messages_a_segment_carries() {
    let mut h = demo_harness();
    // Frame 6 is the HTTP request of stream 0: one whole message (as `synack read` says).
    h.get_by_label_contains("54615 → 80 [PSH, ACK] Seq=1 Ack=1")
        .click();
    h.run_steps(3);
    h.get_by_label("Messages in this segment (framing: http)");
    h.get_by_label("message_boundary: 1 start, 1 end");
}

#[test]
fn time_column_switches_between_relative_absolute_and_delta() {
    use synack::ui::columns::TimeMode;
    let mut h = demo_harness();
    // tshark -t r / -t ud / -t dd on frame 2: 0.015827, 2013-02-26 22:02:36.693315, 0.015827;
    // frame 3: delta 0.023632.
    h.get_by_label("0.039459");
    h.state_mut().list.time_mode = TimeMode::Absolute;
    h.run_steps(2);
    h.get_by_label("2013-02-26 22:02:36.693315");
    h.state_mut().list.time_mode = TimeMode::Delta;
    h.run_steps(2);
    h.get_by_label("0.023632");
    assert!(h.query_by_label("0.039459").is_none());
}

#[test]
fn keyboard_moves_the_selection() {
    let mut h = demo_harness();
    h.key_press(egui::Key::ArrowDown);
    h.run_steps(2);
    h.key_press(egui::Key::ArrowDown);
    h.run_steps(2);
    assert_eq!(h.state().selection.packet, Some(1));
    h.key_press(egui::Key::End);
    h.run_steps(2);
    assert_eq!(h.state().selection.packet, Some(DEMO_FRAMES - 1));
}

fn type_filter(h: &mut Harness<'static, SynackApp>, text: &str) {
    h.get_by_role(egui::accesskit::Role::TextInput).focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text(text);
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(4);
}

#[test]
fn display_filter_valid_then_invalid() {
    let mut h = demo_harness();
    type_filter(&mut h, "tcp.flags.syn == 1");
    assert_eq!(h.state().filter.applied_text(), Some("tcp.flags.syn == 1"));
    // tshark: 6 frames.
    h.get_by_label("Displayed: 6 (21.4%)");

    type_filter(&mut h, "tcp.port == ");
    // The error is shown inline, the previous filter stays applied.
    h.get_by_label_contains("Filter error:");
    assert!(h.state().filter.error.is_some());
    h.get_by_label("Displayed: 6 (21.4%)");

    type_filter(&mut h, "tcp.port == 54615 and !tcp.flags.syn == 1");
    // tshark: tcp.port == 54615 → 9 frames, two of them SYNs.
    h.get_by_label("Displayed: 7 (25.0%)");
    assert!(h.query_by_label_contains("Filter error:").is_none());
}

#[test]
fn display_filter_on_wire_metrics_counts_what_tshark_counts() {
    let mut h = demo_harness();
    // tshark -Y on the same file: 7, 3 and 1 frames.
    type_filter(&mut h, "tcp.analysis.ack_rtt > 0.04");
    h.get_by_label("Displayed: 7 (25.0%)");
    type_filter(&mut h, "tcp.analysis.bytes_in_flight >= 400");
    h.get_by_label("Displayed: 3 (10.7%)");
    type_filter(&mut h, "tcp.analysis.acks_frame == 6");
    h.get_by_label("Displayed: 1 (3.6%)");
}

#[test]
fn details_show_bytes_in_flight_and_the_ack_rtt() {
    let mut h = demo_harness();
    // Frame 13, the first HTTP response: tshark gives bytes_in_flight 441, and it ACKs the
    // request in frame 6 after 0.043791000 s.
    h.state_mut().selection.packet = Some(12);
    h.run_steps(3);
    h.get_by_label("This is an ACK to the segment in frame: 6  (tcp.analysis.acks_frame)");
    h.get_by_label("The RTT to ACK the segment was: 0.043791000 seconds  (tcp.analysis.ack_rtt)");
    h.get_by_label("Bytes in flight: 441  (tcp.analysis.bytes_in_flight)");
    // Frame 3, the handshake's ACK, carries neither.
    h.state_mut().selection.packet = Some(2);
    h.run_steps(3);
    assert!(h.query_by_label_contains("Bytes in flight").is_none());
    assert!(h.query_by_label_contains("tcp.analysis.ack_rtt").is_none());
}

#[test]
fn selecting_a_connection_filters_the_packet_list() {
    let mut h = demo_harness();
    h.state_mut().tab = Tab::Connections;
    h.run_steps(3);
    h.get_by_label("98.138.19.88:80").click();
    h.run_steps(4);
    let app = h.state();
    assert_eq!(app.tab, Tab::Packets);
    assert_eq!(app.filter.applied_text(), Some("tcp.stream == 1"));
    assert_eq!(
        app.selection.connection.map(|c| c.stream),
        Some(1),
        "the selection names the connection"
    );
    // tshark -Y 'tcp.stream == 1': 10 frames; stream 0's SYN is gone from the list.
    h.get_by_label("Displayed: 10 (35.7%)");
    assert!(h.query_by_label_contains("54615 → 80 [SYN]").is_none());
    h.get_by_label_contains("44305 → 80 [SYN]");
}

#[test]
fn info_column_matches_tshark_on_dup_acks() {
    let mut h = harness(StartSource::File(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/captures/sanders-tcp_dupack.pcapng"
        )
        .into(),
    ));
    // tshark 4.0's Info column of frame 5, word for word.
    h.get_by_label_contains(
        "[TCP Dup ACK 1#2] 38760 → 80 [ACK] Seq=1 Ack=1 Win=382 Len=0 TSval=22247173 TSecr=1332354 SLE=5473 SRE=13681",
    );
    h.get_by_label_contains("[TCP Fast Retransmission] 80 → 38760 [ACK] Seq=1 Ack=1");
    type_filter(&mut h, "tcp.analysis.duplicate_ack");
    // tshark -Y tcp.analysis.duplicate_ack: frames 3, 5, 7.
    h.get_by_label("Displayed: 3 (33.3%)");
}

#[test]
fn without_a_display_view_exits_with_a_clear_message() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
        .arg("view")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run synack");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no graphical display"), "stderr: {err}");
    assert!(err.contains("synack read"), "suggests the text view: {err}");
    // A missing file is reported before any window is attempted.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["view", "/nonexistent/x.pcap"])
        .output()
        .expect("run synack");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/x.pcap: cannot open"));
}

#[test]
fn view_of_a_file_that_is_no_capture_fails_as_read_does_before_any_window() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty.pcap");
    std::fs::write(&empty, b"").expect("write");
    let garbage = dir.path().join("garbage.pcap");
    std::fs::write(&garbage, [0x5au8; 4096]).expect("write");
    for (file, why) in [
        (&empty, "the file is empty"),
        (&garbage, "not a pcap or pcapng file"),
    ] {
        let run = |sub: &str| {
            std::process::Command::new(env!("CARGO_BIN_EXE_synack"))
                .arg(sub)
                .arg(file)
                .env_remove("DISPLAY")
                .env_remove("WAYLAND_DISPLAY")
                .output()
                .expect("run synack")
        };
        let view = run("view");
        let err = String::from_utf8_lossy(&view.stderr);
        assert_eq!(view.status.code(), Some(1), "stderr: {err}");
        assert!(err.contains(why), "{}: {err}", file.display());
        // The same words and status as `synack read` of the file.
        let read = run("read");
        assert_eq!(read.status.code(), Some(1));
        assert_eq!(String::from_utf8_lossy(&read.stderr), err);
    }
}

#[test]
fn exports_one_connection_and_the_filtered_packets_as_pcap() {
    use synack::capture::{FileReader, FrameSource};
    use synack::ui::export::ExportScope;
    let count = |p: &std::path::Path| {
        let mut r = FileReader::open(p).expect("export readable");
        let mut n = 0;
        while let Ok(Some(_)) = r.next_frame() {
            n += 1;
        }
        n
    };
    let dir = std::env::temp_dir().join(format!("synack-ui-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut h = demo_harness();
    h.state_mut().tab = Tab::Connections;
    h.run_steps(3);
    h.get_by_label("98.138.19.88:80").click();
    h.run_steps(3);
    let conn = dir.join("stream1.pcap");
    h.state_mut().save(ExportScope::Connection, conn.clone());
    // tshark -Y 'tcp.stream == 1': 10 frames.
    assert_eq!(count(&conn), 10);
    type_filter(&mut h, "tcp.flags.syn == 1");
    let filtered = dir.join("syn.pcap");
    h.state_mut().save(ExportScope::Filtered, filtered.clone());
    assert_eq!(count(&filtered), 6);
    let all = dir.join("all.pcap");
    h.state_mut().save(ExportScope::All, all.clone());
    assert_eq!(count(&all), DEMO_FRAMES);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn connection_table_copies_as_text() {
    let mut h = demo_harness();
    h.state_mut().tab = Tab::Connections;
    h.run_steps(3);
    h.get_by_label("Copy table as text").click();
    h.step();
    let copied: Vec<String> = h
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    let text = copied.first().expect("the table was copied");
    let lines: Vec<&str> = text.lines().collect();
    // A header and one line per connection (tshark -z conv,tcp: three).
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("Stream\tProto\tClient\tServer"));
    assert!(
        lines[2].contains("172.16.133.132:44305\t98.138.19.88:80"),
        "{text}"
    );
}

/// Commands that need what is not loaded yet wait in the queue instead of being lost: a
/// frame number selects its packet once loaded, a frame number the capture does not have is
/// dropped once loading ends (the queue empties), and a tour asked for before the demo is
/// loaded starts when it is: Help > Guided tour on a file queues "open the demo" then "start
/// the tour", and the second waits for the first's loading.
#[test]
fn queued_commands_wait_for_the_capture_and_run_in_order() {
    use synack::ui::Command;
    let mut h = demo_harness();
    let demo_len = h.state().store.read().len() as u64;
    h.state_mut().queue(Command::GoTo {
        number: demo_len + 100,
        replay: false,
    });
    h.state_mut().queue(Command::GoTo {
        number: 5,
        replay: false,
    });
    h.run_steps(2);
    {
        let app = h.state();
        let data = app.store.read();
        let selected = app.selection.packet.expect("frame 5 selected");
        assert_eq!(data.record(selected).map(|r| r.number), Some(5));
    }
    // A file is open; Help > Guided tour opens the demo, and the tour starts once the demo
    // is loaded.
    assert!(h.state().tour.is_none());
    h.get_by_label("Help").click();
    h.run_steps(3);
    h.get_by_label("Guided tour").click();
    for _ in 0..500 {
        h.run_steps(1);
        if h.state().tour.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let app = h.state();
    assert!(
        matches!(
            app.store.read().source,
            Some(synack::ui::store::SourceInfo::Demo)
        ),
        "the tour opened the demo"
    );
    let tour = app
        .tour
        .as_ref()
        .expect("the tour started once the demo was loaded");
    assert_eq!(tour.current, 0);
}

#[test]
fn several_files_open_as_one_capture_merged_in_time_order() {
    // Two captures whose times do not overlap: the merge lists both files' frames, and the
    // connections of both (tshark: 28 and 2 frames).
    let root = env!("CARGO_MANIFEST_DIR");
    let h = harness(StartSource::Files(vec![
        format!("{root}/tests/captures/pcpp-three_http_streams.pcap").into(),
        format!("{root}/tests/captures/sanders-tcp_refuseconnection.pcapng").into(),
    ]));
    let frames = DEMO_FRAMES + 2;
    h.get_by_label(&format!("Packets: {frames}"));
}
