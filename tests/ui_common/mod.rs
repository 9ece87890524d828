//! The desktop view driven headless for the `ui_*` tests: a kittest harness over
//! `SynackApp::show`, the same call eframe makes, so the tests drive the real window.

#![allow(dead_code)]

use egui_kittest::Harness;
use synack::ui::{SynackApp, ViewOptions};

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
