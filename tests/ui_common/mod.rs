//! The desktop view driven headless for the `ui_*` tests: a kittest harness over
//! `SynackApp::show`, the same call eframe makes, so the tests drive the real window.

#![allow(dead_code)]

use egui_kittest::Harness;
use synack::ui::{StartSource, SynackApp, ViewOptions};

/// The options that open `capture`, a path from the project's root
/// (`"captures/demo.pcap"`).
pub fn file(capture: &str) -> ViewOptions {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(capture);
    ViewOptions::new(StartSource::File(path))
}

/// A harness of `size` points on the app opened with `options`, stepped twice. Recent files
/// are off so tests never touch the home directory.
pub fn harness(mut options: ViewOptions, size: egui::Vec2) -> Harness<'static, SynackApp> {
    let ctx = egui::Context::default();
    options.recent_files = false;
    let app = SynackApp::new(&ctx, options);
    let mut h = Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut SynackApp| app.show(ui), app);
    h.run_steps(2);
    h
}

/// [`harness`], stepped until the loader thread has read the whole source (bounded: 5 s).
pub fn loaded(options: ViewOptions, size: egui::Vec2) -> Harness<'static, SynackApp> {
    let mut h = harness(options, size);
    for _ in 0..500 {
        h.run_steps(1);
        if h.state().loaded() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(h.state().loaded(), "the capture did not finish loading");
    h.run_steps(3);
    h
}

/// Clicks at a screen point (press and release).
pub fn click_at(h: &mut Harness<'static, SynackApp>, pos: egui::Pos2) {
    press_at(h, pos, egui::PointerButton::Primary);
}

/// Presses and releases `button` at a screen point (a right-click with `Secondary`).
pub fn press_at(h: &mut Harness<'static, SynackApp>, pos: egui::Pos2, button: egui::PointerButton) {
    h.hover_at(pos);
    h.run_steps(1);
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(1);
    }
    h.run_steps(2);
}

/// The text the Follow window shows now (`None`: nothing followed).
pub fn followed_text(h: &mut Harness<'static, SynackApp>) -> Option<String> {
    let app = h.state_mut();
    let data = app.store.read();
    app.follow.clone().shown_text(&data, None)
}

/// Picks `choice` (its label: "Hex Dump", "UTF-8", ...) in the Follow window's "Show data
/// as" list and returns the text then shown.
pub fn follow_shown_as(h: &mut Harness<'static, SynackApp>, choice: &str) -> String {
    use egui::accesskit::Role;
    use egui_kittest::kittest::Queryable;
    h.get_by_role_and_label(Role::ComboBox, "Show data as")
        .click();
    h.run_steps(2);
    h.get_by_label(choice).click();
    h.run_steps(2);
    followed_text(h).expect("a stream is followed")
}
