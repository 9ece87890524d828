//! The Two points tab driven headless with egui_kittest on the real `SynackApp`: the file on
//! display paired with a second capture point's file, the two-tap ladder's geometry on
//! screen, and File > Open second capture point.
//!
//! The second point is made from `captures/loss.pcap` (tshark: 10.0.0.1:56285 → 10.0.0.2:7070,
//! frame 8 the client's data segment seq 4345, len 1448): frame 8 left out of B is a segment
//! lost between the points, and B's clock runs 250 ms ahead.

mod support;
mod ui_common;

use std::path::{Path, PathBuf};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use support::Scratch;
use synack::capture::{FileReader, FrameSource, LinkType, OwnedFrame, Timestamp};
use synack::i18n::Lang;
use synack::pair::Fate;
use synack::ui::{StartSource, SynackApp, Tab, ViewOptions};

const LOSS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/loss.pcap");
const LOST_FRAME: u64 = 8;
const SHIFT_NS: i64 = 250_000_000;

/// loss.pcap without frame 8, every timestamp 250 ms later: the second capture point.
fn second_point(dir: &Scratch) -> PathBuf {
    let mut r = FileReader::open(LOSS).expect("opens");
    let mut frames: Vec<OwnedFrame> = Vec::new();
    while let Some(f) = r.next_frame().expect("intact") {
        let mut f: OwnedFrame = f.to_owned();
        if f.number == LOST_FRAME {
            continue;
        }
        f.ts = f.ts.map(|t| Timestamp(t.as_nanos() + SHIFT_NS));
        frames.push(f);
    }
    let path = dir.file("b.pcap");
    synack::gen::write_frames(&path, LinkType::Ethernet, &frames).expect("written");
    path
}

/// The window (in English) on loss.pcap with `second` paired, stepped until the pairing is
/// shown.
fn paired(second: &Path) -> Harness<'static, SynackApp> {
    paired_in(second, Lang::En)
}

/// [`paired`] with the window in `lang`.
fn paired_in(second: &Path, lang: Lang) -> Harness<'static, SynackApp> {
    let mut options = ViewOptions::new(StartSource::File(LOSS.into()));
    options.second = Some(second.to_path_buf());
    options.lang = Some(lang);
    let mut h = ui_common::loaded(options, egui::vec2(1500.0, 1000.0));
    for _ in 0..500 {
        h.run_steps(1);
        if !h.state().pair.busy() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run_steps(3);
    assert!(
        h.state().pair.paired.is_some(),
        "{:?}",
        h.state().pair.error
    );
    h
}

#[test]
fn the_segment_lost_between_the_points_never_reaches_bs_rail() {
    let dir = Scratch::new("ui-pair-geometry");
    let b = second_point(&dir);
    let h = paired(&b);
    let app = h.state();
    assert_eq!(app.tab, Tab::Pair);
    let p = app.pair.paired.as_ref().unwrap();
    // The clock offset is recovered from the timestamps.
    assert!(
        (p.report.clock.offset_ns - SHIFT_NS).abs() < 1_000,
        "{:?}",
        p.report.clock
    );
    let c = &p.report.connections[app.pair.connection];
    let geo = app.pair.geometry.as_ref().expect("the ladder was placed");
    let rails = geo.rails;
    let (a_x, b_x) = (
        rails.tap(synack::pair::TapId::A),
        rails.tap(synack::pair::TapId::B),
    );
    assert!(
        rails.client < a_x && a_x < b_x && b_x < rails.server,
        "{rails:?}"
    );
    let lost: Vec<usize> = c
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.fate == Fate::LostBetween)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(lost.len(), 1, "one segment left out of B");
    assert_eq!(c.rows[lost[0]].frame_a, Some(LOST_FRAME));
    let arrow = &geo.arrows[lost[0]];
    for piece in &arrow.pieces {
        assert!(
            piece.from.x < b_x && piece.to.x < b_x,
            "{piece:?} reaches B at {b_x}"
        );
    }
    let cross = arrow.lost_at.expect("its loss is marked");
    assert!(a_x < cross.x && cross.x < b_x);
    // Every delivered segment crosses both rails, the slope being its measured delay
    // (the 250 ms of B's clock taken off: a few µs on loopback).
    let mut delivered = 0;
    for (r, a) in c.rows.iter().zip(&geo.arrows) {
        if r.fate != Fate::Delivered {
            continue;
        }
        delivered += 1;
        let between = a.pieces[1];
        let (from, to) = if r.upstream == synack::pair::TapId::A {
            (a_x, b_x)
        } else {
            (b_x, a_x)
        };
        assert_eq!((between.from.x, between.to.x), (from, to));
        let dy = f64::from(between.to.y - between.from.y);
        let want = r.one_way_ns.expect("a delay") as f64 * geo.px_per_ns;
        assert!((dy - want).abs() < 0.05, "{dy} vs {want}");
    }
    assert_eq!(delivered, c.rows.len() - 1);
    // Drawn on screen: the ladder's rectangle holds the rails, and arrows were painted.
    let rect = app.pair.last_rect.expect("drawn");
    assert!(rect.width() >= rails.server);
    assert!(!app.pair.drawn.is_empty());
}

#[test]
fn the_tab_says_what_it_found_in_words() {
    let dir = Scratch::new("ui-pair-words");
    let b = second_point(&dir);
    let h = paired(&b);
    h.get_by_label_contains("Two-tap ladder of stream 0:");
    h.get_by_label_contains("1 lost between A and B");
    h.get_by_label_contains("clock: B is 250.000 ms ahead of A");
}

#[test]
fn the_tab_speaks_chinese_in_the_course_words() {
    let dir = Scratch::new("ui-pair-zh");
    let b = second_point(&dir);
    let h = paired_in(&b, Lang::Zh);
    h.get_by_label("两点对照");
    h.get_by_label_contains("流 0 的两点时序图");
    h.get_by_label_contains("在 A 与 B 之间丢失 1 个");
    // Both directions' lines, each with its delays.
    assert_eq!(
        h.query_all_by_label_contains("单向时延（ms）p50").count(),
        2
    );
    h.get_by_label_contains("时钟：B 比 A 快 250.000 ms");
    h.get_by_label("下一个丢失");
    for english in ["Two points", "Next loss", "lost between A and B"] {
        assert!(
            h.query_by_label_contains(english).is_none(),
            "English left: {english}"
        );
    }
}

#[test]
fn file_menu_opens_a_second_capture_point_for_the_file_on_display() {
    let dir = Scratch::new("ui-pair-menu");
    let b = second_point(&dir);
    let mut h = ui_common::loaded(
        ViewOptions::new(StartSource::File(LOSS.into())),
        egui::vec2(1500.0, 1000.0),
    );
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Open second capture point...").click();
    h.run_steps(3);
    // The file dialog opens for it (its Open button, then its Cancel).
    assert!(h.query_by_label("Open").is_some() && h.query_by_label("Cancel").is_some());
    // What the dialog's Open button then queues.
    h.state_mut()
        .queue(synack::ui::app::Command::OpenSecondPoint(b.clone()));
    for _ in 0..500 {
        h.run_steps(1);
        if h.state().pair.paired.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run_steps(2);
    assert_eq!(h.state().tab, Tab::Pair);
    assert_eq!(h.state().pair.paired.as_ref().unwrap().b, b);
}

#[test]
fn without_a_file_on_display_the_second_point_is_refused_with_a_reason() {
    let mut h = ui_common::loaded(
        ViewOptions::new(StartSource::Demo),
        egui::vec2(1200.0, 800.0),
    );
    h.state_mut()
        .queue(synack::ui::app::Command::OpenSecondPoint(LOSS.into()));
    h.run_steps(2);
    let msg = h.state().message.clone().expect("a message");
    assert!(msg.1 && msg.0.contains("first capture point"), "{msg:?}");
    assert!(h.state().pair.paired.is_none());
}

#[test]
fn next_loss_scrolls_the_ladder_to_the_lost_segment() {
    let dir = Scratch::new("ui-pair-next");
    let b = second_point(&dir);
    let mut h = paired(&b);
    // Zoomed in far enough that the lost segment starts outside the view.
    for _ in 0..20 {
        h.get_by_label("+").click();
        h.run_steps(1);
    }
    h.run_steps(2);
    let lost = {
        let app = h.state();
        let c = &app.pair.paired.as_ref().unwrap().report.connections[app.pair.connection];
        c.rows
            .iter()
            .position(|r| r.fate == Fate::LostBetween)
            .unwrap()
    };
    let geo = h.state().pair.geometry.clone().expect("placed");
    let view_h = h.state().pair.view_height;
    assert!(view_h > 100.0);
    assert!(
        geo.arrows[lost].y > view_h,
        "the loss is already in view: y {} zoom {} px/ns {}",
        geo.arrows[lost].y,
        h.state().pair.zoom,
        geo.px_per_ns
    );
    h.get_by_label("Next loss").click();
    h.run_steps(3);
    let top = h.state().pair.scroll;
    let y = geo.arrows[lost].y;
    assert!(
        top < y && y < top + view_h,
        "{y} not within {top}..{}",
        top + view_h
    );
    assert!(h.state().pair.drawn.contains(&lost));
    // The only loss: pressed again, it stays there.
    h.get_by_label("Next loss").click();
    h.run_steps(3);
    assert!((h.state().pair.scroll - top).abs() < 1.0);
}

/// Two clicks of the primary button at `pos`, a double click.
fn double_click_at(h: &mut Harness<'static, SynackApp>, pos: egui::Pos2) {
    h.hover_at(pos);
    h.run_steps(1);
    // Press and release in one frame (straight into the frame's input: queued events get a
    // frame each): frames are 0.25 s apart in the harness, and a double click's clicks must
    // come within 0.3 s.
    for _ in 0..2 {
        for pressed in [true, false] {
            h.input_mut().events.push(egui::Event::PointerButton {
                pos,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: egui::Modifiers::NONE,
            });
        }
        h.step();
    }
    h.run_steps(3);
}

/// The number of the packet selected in the window (the Packets tab's selection).
fn selected_number(h: &Harness<'static, SynackApp>) -> Option<u64> {
    let app = h.state();
    let data = app.store.read();
    app.selection
        .packet
        .and_then(|i| data.record(i).map(|r| r.number))
}

#[test]
fn picking_a_row_selects_its_packet_and_a_packet_picked_elsewhere_its_row() {
    let dir = Scratch::new("ui-pair-select");
    let b = second_point(&dir);
    let mut h = paired(&b);
    let (lost, delivered, delivered_frame) = {
        let app = h.state();
        let c = &app.pair.paired.as_ref().unwrap().report.connections[app.pair.connection];
        let lost = c
            .rows
            .iter()
            .position(|r| r.fate == Fate::LostBetween)
            .unwrap();
        assert_eq!(c.rows[lost].frame_a, Some(LOST_FRAME));
        let delivered = c
            .rows
            .iter()
            .position(|r| r.fate == Fate::Delivered && r.len > 0 && r.frame_a != Some(1))
            .unwrap();
        (lost, delivered, c.rows[delivered].frame_a.unwrap())
    };
    let geo = h.state().pair.geometry.clone().expect("placed");
    let origin = h.state().pair.last_rect.expect("drawn").min;
    let on_screen = |x: f32, y: f32| origin + egui::vec2(x, y);

    // The lost segment's text line: its frame is selected, the tab stays.
    ui_common::click_at(&mut h, on_screen(30.0, geo.arrows[lost].y));
    assert_eq!(selected_number(&h), Some(LOST_FRAME));
    assert_eq!(h.state().pair.selected, Some(lost));
    assert_eq!(h.state().tab, Tab::Pair);

    // A delivered segment's arrow, halfway between the capture points.
    let piece = geo.arrows[delivered]
        .pieces
        .iter()
        .find(|p| p.from.x != p.to.x && p.from.y != p.to.y)
        .copied()
        .unwrap_or(geo.arrows[delivered].pieces[1]);
    let mid = piece.from.lerp(piece.to, 0.5);
    ui_common::click_at(&mut h, on_screen(mid.x, mid.y));
    assert_eq!(selected_number(&h), Some(delivered_frame));
    assert_eq!(h.state().pair.selected, Some(delivered));

    // Empty space (right of the server's rail, between rows) picks nothing.
    let empty = on_screen(geo.rails.server + 40.0, geo.arrows[lost].y);
    ui_common::click_at(&mut h, empty);
    assert_eq!(selected_number(&h), Some(delivered_frame));

    // Selected elsewhere (the Packets tab, Go to packet): the row follows.
    h.state_mut().queue(synack::ui::app::Command::GoTo {
        number: LOST_FRAME,
        replay: false,
    });
    h.run_steps(4);
    assert_eq!(selected_number(&h), Some(LOST_FRAME));
    assert_eq!(h.state().pair.selected, Some(lost));

    // A double click shows the packet in the Packets tab.
    double_click_at(&mut h, on_screen(mid.x, mid.y));
    assert_eq!(h.state().tab, Tab::Packets);
    assert_eq!(selected_number(&h), Some(delivered_frame));
}
