//! The Wireshark habits of the window, driven headless with egui_kittest on the real
//! `SynackApp`: Follow TCP Stream and saving without overwriting by surprise.
//!
//! Expected bytes come from tshark 4.0 (`tshark -r captures/http.pcap -q -z
//! follow,tcp,raw,0`): the client sends 75 bytes (`GET /index.html HTTP/1.1` ...), the server
//! answers 2487 (`HTTP/1.1 200 OK` ...), then 74/686 and 111/300; 260 bytes from the client
//! and 3473 from the server in all.

mod ui_common;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use synack::ui::{Command, StartSource, SynackApp, ViewOptions};

fn http() -> Harness<'static, SynackApp> {
    let mut options = ui_common::file("captures/http.pcap");
    options.goto = Some(4);
    ui_common::loaded(options, egui::vec2(1280.0, 900.0))
}

/// A file `name` in a folder of the test `test` (tests run in parallel).
fn scratch(test: &str, name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("synack-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Types `path` into the open file dialog and presses its Save button.
fn save_in_dialog(h: &mut Harness<'static, SynackApp>, path: &std::path::Path) {
    h.get_by_label("File:").focus();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.get_by_label("File:").type_text(path.to_str().unwrap());
    h.run_steps(2);
    h.get_by_label("Save").click();
    h.run_steps(3);
}

#[test]
fn follow_tcp_stream_shows_both_sides_in_order_filters_and_saves() {
    let mut h = http();
    h.key_press_modifiers(
        Modifiers::COMMAND | Modifiers::ALT | Modifiers::SHIFT,
        Key::T,
    );
    h.run_steps(3);
    assert_eq!(h.state().follow.stream, Some(0));
    let title = h.get_by_label("Follow TCP Stream (tcp.stream eq 0)");
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 900.0));
    let window = title.rect();
    assert!(
        screen.contains_rect(window),
        "title bar {window:?} on screen"
    );
    // Both sides, the client's request before the server's answer, on the screen.
    let text = h.get_by_label_contains("GET /index.html HTTP/1.1");
    let node = text.accesskit_node();
    let label = node
        .label()
        .or(node.value())
        .unwrap_or_default()
        .to_string();
    let get = label.find("GET /index.html").unwrap();
    let ok = label
        .find("HTTP/1.1 200 OK")
        .expect("the server's answer is shown");
    assert!(get < ok, "the request comes first");
    assert!(screen.contains_rect(text.rect().intersect(screen)));
    h.get_by_label("260 bytes from the client, 3473 from the server, 6 turns");
    // Hex dump: the server's lines indented (Wireshark's layout).
    let shown = ui_common::follow_shown_as(&mut h, "Hex Dump");
    assert!(
        shown.starts_with("00000000  47 45 54 20 2f 69 6e 64"),
        "{shown}"
    );
    assert!(shown.contains("\n    00000000  48 54 54 50 2f 31 2e 31"));
    // Filter this stream: Wireshark's tcp.stream eq N.
    h.get_by_label("Filter this stream").click();
    h.run_steps(3);
    assert_eq!(h.state().filter.applied_text(), Some("tcp.stream eq 0"));
    // Save as writes what is shown; an existing file is replaced only when asked.
    let out = scratch("follow", "follow.txt");
    std::fs::write(&out, "keep me").unwrap();
    h.get_by_label("Save as…").click();
    h.run_steps(3);
    save_in_dialog(&mut h, &out);
    h.get_by_label("Replace the file?");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
    h.get_by_label("Replace").click();
    h.run_steps(4);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), shown);
    // Raw with one side saves that side's bytes themselves.
    ui_common::follow_shown_as(&mut h, "Raw");
    h.get_by_value("Entire conversation (3733 bytes)").click();
    h.run_steps(2);
    h.get_by_label_contains("(260 bytes)").click();
    h.run_steps(2);
    let raw = scratch("follow", "client.bin");
    h.state_mut().queue(Command::SaveFollow(raw.clone()));
    h.run_steps(3);
    let bytes = std::fs::read(&raw).unwrap();
    assert_eq!(bytes.len(), 260);
    assert!(bytes.starts_with(b"GET /index.html HTTP/1.1\r\n"));
    // Closing the window.
    h.state_mut().follow.stream = None;
    h.run_steps(2);
    assert!(h
        .query_by_label("Follow TCP Stream (tcp.stream eq 0)")
        .is_none());
    let _ = std::fs::remove_dir_all(out.parent().unwrap());
}

#[test]
fn follow_needs_a_tcp_packet() {
    let mut options = ui_common::file("captures/udp-chat.pcap");
    options.goto = Some(1);
    let mut h = ui_common::loaded(options, egui::vec2(1280.0, 900.0));
    h.state_mut().queue(Command::FollowStream);
    h.run_steps(3);
    assert_eq!(h.state().follow.stream, None);
    assert_eq!(
        h.state().message.as_ref().map(|m| m.0.as_str()),
        Some("Select a TCP packet first")
    );
}

#[test]
fn export_asks_before_replacing_a_file() {
    let mut h = http();
    let out = scratch("export", "all.pcap");
    std::fs::write(&out, "old").unwrap();
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Export all packets as pcap...").click();
    h.run_steps(3);
    save_in_dialog(&mut h, &out);
    // Asked, and nothing written yet; Cancel goes back to the dialog.
    h.get_by_label_contains("already exists");
    assert_eq!(std::fs::read(&out).unwrap(), b"old");
    h.get_by_label("Cancel").click();
    h.run_steps(3);
    assert!(h.query_by_label("Replace the file?").is_none());
    assert_eq!(std::fs::read(&out).unwrap(), b"old");
    // Saving again and replacing writes the capture.
    h.get_by_label("Save").click();
    h.run_steps(3);
    h.get_by_label("Replace").click();
    h.run_steps(4);
    let written = std::fs::read(&out).unwrap();
    // A classic pcap, microsecond or nanosecond magic.
    assert_eq!(&written[2..4], &[0xb2, 0xa1], "a pcap file");
    assert!(written.len() > 1000);
    // A new name is written without a question.
    let fresh = scratch("export", "fresh.pcap");
    let _ = std::fs::remove_file(&fresh);
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Export all packets as pcap...").click();
    h.run_steps(3);
    save_in_dialog(&mut h, &fresh);
    assert!(h.query_by_label("Replace the file?").is_none());
    assert!(fresh.exists());
    let _ = std::fs::remove_dir_all(out.parent().unwrap());
}

/// `tshark -r tests/captures/pcpp-three_http_streams.pcap -T fields -e _ws.col.Source -e
/// _ws.col.Destination`: frame 1 + i goes from THREE_HTTP[i].0 to THREE_HTTP[i].1 (hosts
/// numbered in order of first appearance: 172.16.133.132, 98.139.161.29, 98.138.19.88,
/// 98.139.240.23).
const THREE_HTTP: [(usize, usize); 28] = [
    (0, 1),
    (0, 2),
    (0, 3),
    (1, 0),
    (0, 1),
    (0, 1),
    (2, 0),
    (0, 2),
    (0, 2),
    (3, 0),
    (0, 3),
    (0, 3),
    (1, 0),
    (1, 0),
    (0, 1),
    (0, 1),
    (3, 0),
    (3, 0),
    (0, 3),
    (0, 3),
    (1, 0),
    (2, 0),
    (2, 0),
    (0, 2),
    (2, 0),
    (0, 2),
    (3, 0),
    (2, 0),
];

#[test]
fn the_flow_graph_draws_every_frame_between_all_its_hosts() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/captures/pcpp-three_http_streams.pcap"
    );
    let mut options = ViewOptions::new(StartSource::File(path.into()));
    options.tab = Some(synack::ui::Tab::Flows);
    let size = egui::vec2(1280.0, 900.0);
    let mut h = ui_common::loaded(options, size);
    h.get_by_label(
        "Flow graph: 28 frames between 172.16.133.132, 98.139.161.29, 98.138.19.88, \
         98.139.240.23",
    );
    let layout = h.state().flows.layout.clone();
    assert_eq!(layout.rows, 28);
    // Columns left to right, apart enough for their names, all on the screen at 1280.
    let x = &layout.column_x;
    assert_eq!(x.len(), 4);
    for w in x.windows(2) {
        assert!(w[1] - w[0] >= synack::ui::flow_graph::MIN_SPACING, "{x:?}");
    }
    assert!(x[0] > 0.0 && x[3] < size.x, "{x:?}");
    // Every frame on screen is one arrow from its source's column to its destination's,
    // level, one row lower than the frame before.
    assert!(
        layout.arrows.len() >= 20,
        "{} rows drawn",
        layout.arrows.len()
    );
    let mut last_y = f32::MIN;
    for &(index, a, b) in &layout.arrows {
        let (from, to) = THREE_HTTP[index];
        assert_eq!((a.x, b.x), (x[from], x[to]), "frame {}", index + 1);
        assert_eq!(a.y, b.y);
        assert!(a.y > last_y + synack::ui::flow_graph::ROW_HEIGHT - 0.5);
        last_y = a.y;
    }
    // Exported as SVG: every frame's arrow with the screen's geometry (the columns the
    // same distance apart), its Info, and the four host names.
    let path = scratch("flow_graph", "flow-graph.svg");
    let ctx = h.ctx.clone();
    h.state_mut().save_figure(
        &ctx,
        synack::ui::file_dialog::FigureKind::FlowsSvg,
        path.clone(),
    );
    let msg = h.state().message.clone().unwrap();
    assert!(!msg.1 && msg.0.contains("flow-graph.svg"), "{msg:?}");
    let svg = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<[f32; 4]> = svg
        .lines()
        .filter(|l| l.starts_with("<line "))
        .map(|l| {
            ["x1", "y1", "x2", "y2"].map(|k| {
                let at = l.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
                l[at..].split('"').next().unwrap().parse().unwrap()
            })
        })
        .collect();
    for (i, &(from, to)) in THREE_HTTP.iter().enumerate() {
        let y = synack::ui::flow_graph::HEADER_HEIGHT
            + synack::ui::flow_graph::ROW_HEIGHT * (i as f32 + 0.5)
            + 5.0;
        let dx = x[to] - x[from];
        assert!(
            lines.iter().any(|l| (l[1] - y).abs() < 0.01
                && (l[3] - y).abs() < 0.01
                && (l[2] - l[0] - dx).abs() < 0.01),
            "frame {}'s arrow in the SVG",
            i + 1
        );
        assert!(
            svg.contains(&format!(">#{}  ", i + 1)),
            "frame {}'s Info",
            i + 1
        );
    }
    for host in [
        "172.16.133.132",
        "98.139.161.29",
        "98.138.19.88",
        "98.139.240.23",
    ] {
        assert!(svg.contains(&format!(">{host}</text>")), "{host}");
    }
    std::fs::remove_dir_all(path.parent().unwrap()).ok();
    // Clicking a row selects its frame (the 7th: 98.138.19.88 answers).
    let (index, a, b) = layout.arrows[6];
    h.get_by_label_contains("Flow graph:").hover();
    h.run_steps(1);
    ui_common::click_at(&mut h, a.lerp(b, 0.5));
    assert_eq!(h.state().selection.packet, Some(index));
    // Limited to the display filter: only stream 1's ten frames (tshark -Y 'tcp.stream eq 1'),
    // between its two hosts.
    h.state_mut()
        .queue(Command::ApplyFilter("tcp.stream eq 1".into()));
    h.run_steps(4);
    h.get_by_label("Limit to display filter").click();
    h.run_steps(4);
    h.get_by_label("Flow graph: 10 frames between 172.16.133.132, 98.138.19.88");
}

#[test]
fn ctrl_g_goes_to_a_frame_and_says_when_there_is_none() {
    let mut h = http();
    h.key_press_modifiers(Modifiers::COMMAND, Key::G);
    h.run_steps(3);
    h.get_by_label("Packet number:").type_text("9");
    h.run_steps(2);
    h.key_press(Key::Enter);
    h.run_steps(4);
    let selected = h.state().selection.packet.expect("a packet is selected");
    assert_eq!(h.state().store.read().record(selected).unwrap().number, 9);
    assert!(
        h.query_by_label("Go to packet number").is_none(),
        "the bar closes"
    );
    // The selected row is in the packet list, on the screen.
    let row = h.get_by_label_contains("Seq=2488 Ack=150").rect();
    assert!(row.min.y >= 0.0 && row.max.y <= 900.0, "{row:?}");
    // A frame the capture does not have (14 frames): said in the status bar.
    h.key_press_modifiers(Modifiers::COMMAND, Key::G);
    h.run_steps(3);
    h.get_by_label("Packet number:").type_text("99");
    h.run_steps(2);
    h.get_by_label("Go to packet").click();
    h.run_steps(4);
    assert_eq!(
        h.state().message.as_ref().map(|m| m.0.as_str()),
        Some("There is no frame 99 (the capture has 14)")
    );
    assert_eq!(h.state().selection.packet, Some(selected));
}

#[test]
fn a_refused_connection_s_server_is_not_drawn_listening() {
    // tshark: frame 1 SYN to port 43599, frame 2 RST/ACK from it: nobody listens there, so
    // the server is CLOSED throughout (RFC 9293: a closed port answers a SYN with RST).
    let mut options = ui_common::file("captures/refused.pcap");
    options.goto = Some(1);
    options.tab = Some(synack::ui::Tab::Ladder);
    let mut h = ui_common::loaded(options, egui::vec2(1280.0, 900.0));
    h.run_steps(3);
    let drawing = h.get_by_label_contains("server: CLOSED");
    let node = drawing.accesskit_node();
    let summary = node.label().unwrap_or_default().to_string();
    assert!(!summary.contains("LISTEN"), "{summary}");
    // After the RST both ends are closed.
    h.get_by_label("States at frame 2: client CLOSED · server CLOSED");
}

/// tests/captures/pcpp-three_http_streams.pcap (three HTTP connections from 172.16.133.132)
/// at `size`, loaded, on the Packets tab.
fn three_streams(size: egui::Vec2) -> Harness<'static, SynackApp> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/captures/pcpp-three_http_streams.pcap"
    );
    ui_common::loaded(ViewOptions::new(StartSource::File(path.into())), size)
}

/// The frame numbers of the packet list's rows, top to bottom, in the order it shows them.
fn shown_numbers(h: &Harness<'static, SynackApp>) -> Vec<u64> {
    let app = h.state();
    let data = app.store.read();
    let n = app.filter.visible_len(&data);
    (0..n)
        .map(|r| {
            let i = app.list.index(&app.filter, r).expect("a row");
            data.record(i).unwrap().number
        })
        .collect()
}

/// The cells labelled `text` in the packet-list column headed `header` (the header button's
/// whole label), top to bottom.
fn cells_in_column(h: &Harness<'static, SynackApp>, header: &str, text: &str) -> Vec<egui::Rect> {
    let column = h.get_by_role_and_label(Role::Button, header).rect();
    let mut cells: Vec<egui::Rect> = h
        .query_all_by_label(text)
        .map(|n| n.rect())
        .filter(|r| r.center().x > column.left() - 4.0 && r.left() < column.right() + 40.0)
        .filter(|r| r.top() > column.bottom())
        .collect();
    cells.sort_by(|a, b| a.top().total_cmp(&b.top()));
    cells
}

/// The text the last frame copied to the clipboard, if any.
fn copied(h: &Harness<'static, SynackApp>) -> Option<String> {
    h.output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
}

/// Right-clicks the centre of `rect`.
fn right_click_at(h: &mut Harness<'static, SynackApp>, rect: egui::Rect) {
    ui_common::press_at(h, rect.center(), egui::PointerButton::Secondary);
}

#[test]
fn right_click_applies_prepares_and_copies_a_field() {
    let mut h = three_streams(egui::vec2(1280.0, 900.0));
    // The first Source cell reading 98.138.19.88 is frame 7's (the SYN-ACK of stream 1).
    let source = cells_in_column(&h, "Source", "98.138.19.88")[0];
    right_click_at(&mut h, source);
    let selected = h.state().selection.packet.expect("the row is selected");
    assert_eq!(h.state().store.read().record(selected).unwrap().number, 7);
    h.get_by_label("ip.src == 98.138.19.88");
    h.get_by_label("Apply as Filter").hover();
    h.run_steps(2);
    h.get_by_label("Selected").click();
    h.run_steps(6);
    assert_eq!(
        h.state().filter.applied_text(),
        Some("ip.src == 98.138.19.88")
    );
    // tshark -Y 'ip.src == 98.138.19.88': frames 7, 22, 23, 25 and 28.
    assert_eq!(shown_numbers(&h), vec![7, 22, 23, 25, 28]);
    assert!(
        h.query_by_label("Apply as Filter").is_none(),
        "the menu closes"
    );

    // Prepare: joined to the bar's filter, put in the bar, not applied, the bar focused.
    let protocol = cells_in_column(&h, "Protocol", "TCP")[0];
    right_click_at(&mut h, protocol);
    h.get_by_label("Prepare as Filter").hover();
    h.run_steps(2);
    h.get_by_label("…and Selected").click();
    h.run_steps(3);
    assert_eq!(h.state().filter.text, "(ip.src == 98.138.19.88) && (tcp)");
    assert_eq!(
        h.state().filter.applied_text(),
        Some("ip.src == 98.138.19.88")
    );
    h.key_press(Key::Enter);
    h.run_steps(6);
    assert_eq!(shown_numbers(&h), vec![7, 22, 23, 25, 28]);

    // A details line: Copy its field name, its value, or it as a filter.
    h.get_by_label("Source port: 80").scroll_to_me();
    h.run_steps(3);
    let port = h.get_by_label("Source port: 80").rect();
    for (entry, expected) in [
        ("Field Name", "tcp.srcport"),
        ("As Filter", "tcp.srcport == 80"),
        ("Value", "Source port: 80"),
    ] {
        right_click_at(&mut h, port);
        h.get_by_label("Copy").hover();
        h.run_steps(2);
        h.get_by_label(entry).click();
        h.step();
        assert_eq!(copied(&h).as_deref(), Some(expected), "Copy > {entry}");
        h.run_steps(2);
    }
    // Not this stream, from the details' stream line: tshark -Y '!(tcp.stream == 1)' on
    // those frames leaves none.
    h.get_by_label("Stream index: 1").scroll_to_me();
    h.run_steps(3);
    let stream = h.get_by_label("Stream index: 1").rect();
    right_click_at(&mut h, stream);
    h.get_by_label("Apply as Filter").hover();
    h.run_steps(2);
    h.get_by_label("Not Selected").click();
    h.run_steps(6);
    assert_eq!(h.state().filter.applied_text(), Some("!(tcp.stream == 1)"));
    assert_eq!(shown_numbers(&h).len(), 28 - 10);
}

#[test]
fn clicking_a_column_header_sorts_stably_and_keeps_the_selection() {
    // Wireshark's order: tshark -T fields -e frame.number -e frame.len, sorted by length
    // with equal lengths in capture order (60: six frames, 66: eleven, 74: five, then the
    // data segments).
    const ASCENDING: [u64; 28] = [
        10, 11, 18, 19, 20, 27, 5, 8, 14, 15, 16, 21, 22, 24, 25, 26, 28, 1, 2, 3, 4, 7, 17, 6, 9,
        13, 23, 12,
    ];
    const DESCENDING: [u64; 28] = [
        12, 23, 13, 9, 6, 17, 1, 2, 3, 4, 7, 5, 8, 14, 15, 16, 21, 22, 24, 25, 26, 28, 10, 11, 18,
        19, 20, 27,
    ];
    let mut h = three_streams(egui::vec2(1024.0, 700.0));
    h.state_mut().queue(Command::GoTo {
        number: 26,
        replay: false,
    });
    h.run_steps(3);
    let capture_order: Vec<u64> = (1..=28).collect();
    assert_eq!(shown_numbers(&h), capture_order);

    h.get_by_label("Length").click();
    h.run_steps(3);
    assert_eq!(shown_numbers(&h), ASCENDING);
    h.get_by_label("Length ↑");
    // The rows on screen, top to bottom, are a run of that order, and the selected frame
    // stays selected and in view.
    let mut on_screen: Vec<(f32, u64)> = (1..=28u64)
        .flat_map(|n| {
            cells_in_column(&h, "No.", &n.to_string())
                .into_iter()
                .map(move |r| (r.top(), n))
        })
        .filter(|&(y, _)| y < 700.0)
        .collect();
    on_screen.sort_by(|a, b| a.0.total_cmp(&b.0));
    let on_screen: Vec<u64> = on_screen.into_iter().map(|(_, n)| n).collect();
    assert!(on_screen.len() >= 5, "{on_screen:?}");
    assert!(
        ASCENDING.windows(on_screen.len()).any(|w| w == on_screen),
        "{on_screen:?}"
    );
    assert!(on_screen.contains(&26), "{on_screen:?}");
    let selected = h.state().selection.packet.unwrap();
    assert_eq!(h.state().store.read().record(selected).unwrap().number, 26);
    // The keyboard follows the shown order: after 26 comes 28, the last 66-byte frame.
    h.key_press(Key::ArrowDown);
    h.run_steps(3);
    let selected = h.state().selection.packet.unwrap();
    assert_eq!(h.state().store.read().record(selected).unwrap().number, 28);

    h.get_by_label("Length ↑").click();
    h.run_steps(3);
    assert_eq!(shown_numbers(&h), DESCENDING);
    h.get_by_label("Length ↓").click();
    h.run_steps(3);
    assert_eq!(shown_numbers(&h), capture_order);
    h.get_by_label("Length");

    // Sorting what the filter shows: stream 0's frames by source, addresses as addresses.
    h.state_mut()
        .queue(Command::ApplyFilter("tcp.stream == 0".into()));
    h.run_steps(4);
    h.get_by_label("Source").click();
    h.run_steps(3);
    // tshark -Y 'tcp.stream == 0': 172.16.133.132 sends 1 5 6 15 16, 98.139.161.29 sends
    // 4 13 14 21; 98.139.161.29 < 172.16.133.132 as addresses (as text it would follow).
    assert_eq!(shown_numbers(&h), vec![4, 13, 14, 21, 1, 5, 6, 15, 16]);
}

/// Selects all of the focused text field and types `text` over it.
fn retype(h: &mut Harness<'static, SynackApp>, text: &str) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.event(egui::Event::Text(text.into()));
    h.run_steps(2);
}

/// The selected packet's frame number.
fn selected_number(h: &Harness<'static, SynackApp>) -> Option<u64> {
    let app = h.state();
    let i = app.selection.packet?;
    let number = app.store.read().record(i).map(|r| r.number);
    number
}

/// The find bar's status line.
fn find_status(h: &Harness<'static, SynackApp>) -> String {
    h.state()
        .find
        .status
        .as_ref()
        .map_or(String::new(), |s| s.0.clone())
}

#[test]
fn ctrl_f_finds_by_filter_string_and_hex_and_scrolls_to_the_match() {
    // tshark -r pcpp-three_http_streams.pcap -Y ...: 'tcp.len > 500' 12 23;
    // 'tcp.flags.fin == 1' 14 16 18 20 25 26 (Info "[FIN, ACK]");
    // 'frame matches "(?i)get /"' 6 9 12, 'frame contains "get /"' none;
    // 'frame contains 48:54:54:50:2f:31:2e:31:20:32:30:30' ("HTTP/1.1 200") 13 23.
    let mut h = three_streams(egui::vec2(1024.0, 700.0));
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(3);
    assert!(h.state().find.open);
    h.get_by_role_and_label(Role::ComboBox, "Find by");
    // The keyboard is in the bar: typing and Enter search by display filter.
    retype(&mut h, "tcp.len > 500");
    h.key_press(Key::Enter);
    h.run_steps(3);
    assert_eq!(selected_number(&h), Some(12));
    assert_eq!(find_status(&h), "Found frame 12.");
    h.key_press(Key::Enter);
    h.run_steps(4);
    assert_eq!(selected_number(&h), Some(23));
    // The match is scrolled into the list's view (28 rows do not fit at 700 points): above
    // the details pane, under the header.
    let header = h.get_by_role_and_label(Role::Button, "No.").rect();
    let details = h.get_by_label("Packet details").rect();
    let row = cells_in_column(&h, "No.", "23");
    assert!(
        row.iter()
            .any(|r| r.top() >= header.bottom() && r.bottom() <= details.top()),
        "frame 23's row between {header:?} and {details:?}: {row:?}"
    );
    h.key_press(Key::Enter);
    h.run_steps(3);
    assert_eq!(selected_number(&h), Some(12));
    assert!(
        find_status(&h).contains("continued at the top"),
        "{}",
        find_status(&h)
    );

    // A string in the Info column, without case, down then up (wrapping to the end).
    h.get_by_role_and_label(Role::ComboBox, "Find by").click();
    h.run_steps(2);
    h.get_by_label("String").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::ComboBox, "Search in");
    h.get_by_label("Find next").click();
    h.run_steps(2);
    // The filter text is not a string anybody's Info holds.
    assert_eq!(find_status(&h), "No shown packet matches.");
    assert_eq!(selected_number(&h), Some(12));
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    retype(&mut h, "fin, ack");
    h.get_by_label("Find next").click();
    h.run_steps(3);
    assert_eq!(selected_number(&h), Some(14));
    h.get_by_label("Find previous").click();
    h.run_steps(3);
    assert_eq!(selected_number(&h), Some(26));
    assert!(find_status(&h).contains("continued at the end"));
    h.get_by_label("Case sensitive").click();
    h.run_steps(2);
    h.get_by_label("Find next").click();
    h.run_steps(3);
    assert_eq!(find_status(&h), "No shown packet matches.");
    assert_eq!(selected_number(&h), Some(26));

    // A string in the bytes, without case: the three requests.
    h.get_by_label("Case sensitive").click();
    h.get_by_role_and_label(Role::ComboBox, "Search in").click();
    h.run_steps(2);
    h.get_by_label("Packet bytes").click();
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    retype(&mut h, "get /");
    let mut found = Vec::new();
    for _ in 0..4 {
        h.get_by_label("Find next").click();
        h.run_steps(3);
        found.extend(selected_number(&h));
    }
    assert_eq!(found, vec![6, 9, 12, 6]);

    // Hex bytes: the two "HTTP/1.1 200" answers; a bad sequence is said.
    h.get_by_role_and_label(Role::ComboBox, "Find by").click();
    h.run_steps(2);
    h.get_by_label("Hex value").click();
    h.run_steps(2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    retype(&mut h, "48 54 54 50 2f 31 2e 31 20 32 30 30");
    h.key_press(Key::Enter);
    h.run_steps(3);
    assert_eq!(selected_number(&h), Some(13));
    h.key_press(Key::Enter);
    h.run_steps(3);
    assert_eq!(selected_number(&h), Some(23));
    retype(&mut h, "4");
    h.key_press(Key::Enter);
    h.run_steps(3);
    assert!(find_status(&h).starts_with("Not a hex byte sequence"));
    assert_eq!(selected_number(&h), Some(23));
    // Escape closes the bar.
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(!h.state().find.open);
}

#[test]
fn the_filter_bar_completes_field_names() {
    let mut h = three_streams(egui::vec2(1024.0, 700.0));
    let bar = h.get_by_role(Role::TextInput).rect();
    ui_common::click_at(&mut h, bar.center());
    h.event(egui::Event::Text(
        "tcp.port == 80 && tcp.analysis.re".into(),
    ));
    h.run_steps(2);
    // The names of the filter language that go on from "tcp.analysis.re", each a valid filter
    // alone, listed under the bar.
    let offered = h.state().filter.completion.offered.clone();
    assert!(
        offered.contains(&"tcp.analysis.retransmission"),
        "{offered:?}"
    );
    for name in &offered {
        assert!(name.starts_with("tcp.analysis.re"), "{name}");
        assert!(synack::filter::Filter::parse(name).is_ok(), "{name}");
        let shown = h.get_by_label(name).rect();
        assert!(shown.top() >= bar.bottom() - 1.0, "{name} under the bar");
    }
    // Down moves the highlight, Tab takes it and the cursor stays at the end for typing on.
    let second = offered[1];
    h.key_press(Key::ArrowDown);
    h.run_steps(1);
    h.key_press(Key::Tab);
    h.run_steps(2);
    assert_eq!(h.state().filter.text, format!("tcp.port == 80 && {second}"));
    h.event(egui::Event::Text(" || tcp.flags.sy".into()));
    h.run_steps(2);
    // A click takes a name too.
    h.get_by_label("tcp.flags.syn").click();
    h.run_steps(3);
    assert_eq!(
        h.state().filter.text,
        format!("tcp.port == 80 && {second} || tcp.flags.syn")
    );
    assert!(h.state().filter.completion.offered.is_empty());
    h.event(egui::Event::Text(" == 1".into()));
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(4);
    // tshark -Y 'tcp.port == 80 && tcp.analysis.<second> || tcp.flags.syn == 1': the six
    // SYN and SYN-ACK frames (the capture has no retransmission nor reused ports).
    assert_eq!(shown_numbers(&h), vec![1, 2, 3, 4, 7, 10]);
}

/// How long after the last frame the window asked to be drawn again.
fn repaint_delay(h: &Harness<'static, SynackApp>) -> std::time::Duration {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map_or(std::time::Duration::ZERO, |v| v.repaint_delay)
}

#[test]
fn an_idle_live_capture_redraws_once_a_second_and_a_stopped_one_never() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: live capture on lo needs root");
        return;
    }
    let mut h = http();
    // IP protocol 253 (for experiments): nothing on lo matches, the capture stays idle.
    h.state_mut().queue(Command::StartLive {
        interface: "lo".into(),
        bpf: "ip proto 253".into(),
    });
    h.run_steps(3);
    assert_eq!(h.state().message, None);
    h.get_by_label("Capturing live…");
    // No spinner asking for every frame: the next one is a second away.
    for _ in 0..3 {
        h.step();
        let delay = repaint_delay(&h);
        assert!(delay >= std::time::Duration::from_millis(900), "{delay:?}");
    }
    h.state_mut().queue(Command::StopLive);
    for _ in 0..200 {
        h.run_steps(1);
        if h.state().loaded() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(h.state().loaded(), "the capture stopped");
    h.run_steps(2);
    assert_eq!(repaint_delay(&h), std::time::Duration::MAX);
    assert!(h.query_by_label("Capturing live…").is_none());
}

#[test]
fn follow_udp_stream_shows_each_datagram_in_order() {
    // tshark -r captures/udp-chat.pcap -q -z follow,udp,raw,0: six datagrams, node 0
    // 127.0.0.1:57841 (alice), node 1 127.0.0.1:33239 (bob, indented by tshark); alice's two
    // in a row (frames 3 and 4) stay two datagrams.
    const TSHARK_RAW: [&str; 6] = [
        "616c6963653a20686920626f62",
        "\t626f623a20686920616c696365",
        "616c6963653a2074776f206d65737361676573",
        "616c6963653a2073656e74206261636b20746f206261636b",
        "\t626f623a20616e64204920676f742074776f20646174616772616d73",
        "616c6963653a20627965",
    ];
    let mut options = ui_common::file("captures/udp-chat.pcap");
    options.goto = Some(2);
    let mut h = ui_common::loaded(options, egui::vec2(1024.0, 700.0));
    // Follow TCP Stream has nothing to follow here; Follow UDP Stream does.
    h.key_press_modifiers(
        Modifiers::COMMAND | Modifiers::ALT | Modifiers::SHIFT,
        Key::U,
    );
    h.run_steps(3);
    h.get_by_label("Follow UDP Stream (udp.stream eq 0)");
    h.get_by_label("66 bytes from the client, 41 from the server, 6 datagrams");
    let text = {
        let app = h.state_mut();
        let data = app.store.clone();
        let data = data.read();
        let until = app.selection.until;
        app.follow.shown_text(&data, until).unwrap()
    };
    assert!(
        text.starts_with("alice: hi bobbob: hi alicealice: two messages"),
        "{text}"
    );
    ui_common::follow_shown_as(&mut h, "Raw");
    let raw = {
        let app = h.state_mut();
        let data = app.store.clone();
        let data = data.read();
        app.follow.shown_text(&data, None).unwrap()
    };
    let ours: Vec<&str> = raw.lines().collect();
    let theirs: Vec<String> = TSHARK_RAW
        .iter()
        .map(|l| l.trim_start().to_string())
        .collect();
    assert_eq!(
        ours.iter().map(|l| l.trim_start()).collect::<Vec<_>>(),
        theirs
    );
    h.get_by_label("Filter this stream").click();
    h.run_steps(4);
    assert_eq!(h.state().filter.applied_text(), Some("udp.stream eq 0"));
}

/// Whether frame `number`'s row lies wholly between the list header and the details pane.
fn row_in_view(h: &Harness<'static, SynackApp>, number: u64) -> bool {
    let header = h.get_by_role_and_label(Role::Button, "No.").rect();
    let details = h.get_by_label("Packet details").rect();
    cells_in_column(h, "No.", &number.to_string())
        .iter()
        .any(|r| r.top() >= header.bottom() && r.bottom() <= details.top())
}

#[test]
fn the_selected_row_stays_in_view_when_bars_open_above_the_list() {
    // 28 frames at 1024x700: the list shows about a dozen rows.
    let mut h = three_streams(egui::vec2(1024.0, 700.0));
    let numbers = shown_numbers(&h);
    let last = *numbers
        .iter()
        .rev()
        .find(|&&n| row_in_view(&h, n))
        .expect("some row in view");
    assert!(last < 28, "the list is taller than the window");
    let index = h.state().store.read().index_of_number(last).unwrap();
    h.state_mut().selection.select_packet(index, false);
    h.run_steps(2);
    assert!(row_in_view(&h, last));
    assert_eq!(selected_number(&h), Some(last));
    // Ctrl+F opens the find bar above the list: the list is shorter, the row stays in view.
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(3);
    assert!(h.state().find.open);
    assert!(
        row_in_view(&h, last),
        "frame {last} left the view when the find bar opened"
    );
    // The first search adds the bar's status line: the match stays in view too
    // (tshark -Y 'tcp.len > 500' on this file: frames 12 and 23).
    h.key_press(Key::Escape);
    h.run_steps(2);
    h.state_mut().selection.packet = None;
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    retype(&mut h, "tcp.len > 500");
    h.key_press(Key::Enter);
    h.run_steps(4);
    assert_eq!(selected_number(&h), Some(12));
    assert!(find_status(&h).starts_with("Found frame 12."));
    assert!(row_in_view(&h, 12), "the first match is in view");
    h.key_press(Key::Enter);
    h.run_steps(4);
    assert_eq!(selected_number(&h), Some(23));
    assert!(row_in_view(&h, 23), "the second match is in view");
}

#[test]
fn the_stream_tab_lays_out_a_udp_conversation_one_message_per_datagram() {
    // tshark -r captures/udp-chat.pcap -T fields -e frame.number -e udp.srcport -e udp.length:
    // alice (57841) sends frames 1, 3, 4 and 6 (13, 19, 24 and 10 payload bytes), bob
    // (33239) frames 2 and 5 (13 and 28).
    let mut options = ui_common::file("captures/udp-chat.pcap");
    options.goto = Some(2);
    options.tab = Some(synack::ui::Tab::Stream);
    let mut h = ui_common::loaded(options, egui::vec2(1024.0, 700.0));
    h.run_steps(3);
    h.get_by_label(
        "UDP stream 0: each datagram is one message (UDP keeps the boundaries a TCP byte \
         stream loses)",
    );
    h.get_by_label(
        "c2s 127.0.0.1:57841 -> 127.0.0.1:33239: 66 bytes in 4 datagrams, each its own message",
    );
    h.get_by_label(
        "s2c 127.0.0.1:33239 -> 127.0.0.1:57841: 41 bytes in 2 datagrams, each its own message",
    );
    let (selection, store) = (h.state().selection.clone(), h.state().store.clone());
    let data = store.read();
    let m = h
        .state_mut()
        .stream_view
        .model(&data, &selection)
        .expect("a ribbon of the UDP conversation")
        .clone();
    let want: [(&[u64], &[u64]); 2] = [(&[1, 3, 4, 6], &[13, 19, 24, 10]), (&[2, 5], &[13, 28])];
    for (d, (frames, lens)) in want.iter().enumerate() {
        let segs = &m.dirs[d].stream.segments;
        assert_eq!(segs.iter().map(|s| s.frame).collect::<Vec<_>>(), *frames);
        assert_eq!(segs.iter().map(|s| s.len).collect::<Vec<_>>(), *lens);
        // Each datagram is exactly one message, none glued to another, none split.
        let msgs = &m.msgs.dirs[d];
        assert_eq!(
            msgs.framed
                .messages
                .iter()
                .map(|x| (x.offset, x.len))
                .collect::<Vec<_>>(),
            segs.iter().map(|s| (s.offset, s.len)).collect::<Vec<_>>()
        );
        assert_eq!(msgs.marks.coalesced_segments(), 0);
        assert_eq!(msgs.marks.split_messages(), 0);
    }
    assert_eq!(m.bytes(0, 13, 19), b"alice: two messages");
}
