//! Replay: walk through the capture (or one connection) packet by packet.
//!
//! The replay owns only the controls; the cursor itself is [`Selection::until`], which
//! every view honours (the packet list, the details, the ladder and the connection table
//! show the capture as it stood after that packet). Playing advances the cursor with the
//! capture's own timing scaled by the speed, or at a constant rate.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::selection::{ConnRef, Selection};
use super::store::StoreData;
use crate::i18n::tr;

/// Speed factors offered.
pub const SPEEDS: [f32; 7] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];
/// Longest real wait between two packets while playing with real timing (seconds); longer
/// idle gaps are shortened to this.
pub const MAX_WAIT: f64 = 2.0;
/// Packets per second in constant-rate mode at speed 1×.
pub const CONSTANT_RATE: f64 = 2.0;

/// Play / pause.
pub const KEY_PLAY: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Space);
/// One packet forward.
pub const KEY_NEXT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::ALT, Key::ArrowRight);
/// One packet back.
pub const KEY_PREV: KeyboardShortcut = KeyboardShortcut::new(Modifiers::ALT, Key::ArrowLeft);
/// To the first packet.
pub const KEY_START: KeyboardShortcut = KeyboardShortcut::new(Modifiers::ALT, Key::Home);
/// To the last packet.
pub const KEY_END: KeyboardShortcut = KeyboardShortcut::new(Modifiers::ALT, Key::End);

/// The shortcuts, for the tooltip.
pub fn shortcuts() -> String {
    tr!("replay-shortcuts")
}

/// What the replay walks through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayScope {
    /// Every packet of the capture.
    Capture,
    /// One connection's packets only.
    Connection(ConnRef),
}

/// The replay controls' state.
#[derive(Debug, Clone)]
pub struct Replay {
    /// True while replaying (the toolbar is shown and `until` is set).
    pub active: bool,
    /// True while playing.
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Constant packets per second instead of the capture's timing.
    pub constant_rate: bool,
    /// What is walked through.
    pub scope: ReplayScope,
    last_step: Option<f64>,
}

impl Default for Replay {
    fn default() -> Self {
        Replay {
            active: false,
            playing: false,
            speed: 2,
            constant_rate: false,
            scope: ReplayScope::Capture,
            last_step: None,
        }
    }
}

/// The store indices a scope walks through (for a connection, its frame list).
fn positions(data: &StoreData, scope: ReplayScope) -> Option<&[u32]> {
    match scope {
        ReplayScope::Capture => None,
        ReplayScope::Connection(c) => Some(data.connection_frames(c.proto, c.stream)),
    }
}

/// Store index `steps` packets from `from` within the scope (clamped to its ends).
fn neighbour(
    data: &StoreData,
    scope: ReplayScope,
    from: Option<usize>,
    steps: isize,
) -> Option<usize> {
    match positions(data, scope) {
        None => {
            let n = data.len();
            if n == 0 {
                return None;
            }
            let cur = from.map_or(-1, |u| u as isize);
            Some((cur + steps).clamp(0, n as isize - 1) as usize)
        }
        Some(frames) => {
            if frames.is_empty() {
                return None;
            }
            // Position of the last frame at or before the cursor.
            let pos = from.map_or(-1, |u| {
                frames.partition_point(|&i| i as usize <= u) as isize - 1
            });
            let p = (pos + steps).clamp(0, frames.len() as isize - 1) as usize;
            Some(frames[p] as usize)
        }
    }
}

impl Replay {
    /// Starts replaying `scope` from its first packet.
    pub fn start(&mut self, data: &StoreData, sel: &mut Selection, scope: ReplayScope) {
        self.active = true;
        self.playing = false;
        self.scope = scope;
        self.last_step = None;
        self.jump(data, sel, isize::MIN / 2);
    }

    /// Starts (or moves) the replay with the cursor on store index `at`.
    pub fn start_at(&mut self, sel: &mut Selection, scope: ReplayScope, at: usize) {
        self.active = true;
        self.playing = false;
        self.scope = scope;
        self.last_step = None;
        sel.until = Some(at);
        sel.select_packet(at, true);
    }

    /// Leaves the replay: every packet is shown again.
    pub fn stop(&mut self, sel: &mut Selection) {
        self.active = false;
        self.playing = false;
        sel.until = None;
    }

    /// Moves the cursor by `steps` packets of the scope and selects the packet there.
    /// Returns false at either end.
    pub fn step(&mut self, data: &StoreData, sel: &mut Selection, steps: isize) -> bool {
        let Some(to) = neighbour(data, self.scope, sel.until, steps) else {
            return false;
        };
        let moved = sel.until != Some(to);
        sel.until = Some(to);
        sel.select_packet(to, true);
        moved
    }

    fn jump(&mut self, data: &StoreData, sel: &mut Selection, steps: isize) {
        if let Some(to) = neighbour(data, self.scope, None, steps) {
            sel.until = Some(to);
            sel.select_packet(to, true);
        }
    }

    /// Real seconds to wait before the packet after the cursor.
    fn wait(&self, data: &StoreData, sel: &Selection) -> Option<f64> {
        let speed = f64::from(SPEEDS[self.speed.min(SPEEDS.len() - 1)]);
        let cur = sel.until?;
        let next = neighbour(data, self.scope, Some(cur), 1).filter(|&n| n != cur)?;
        if self.constant_rate {
            return Some(1.0 / (CONSTANT_RATE * speed));
        }
        let t = |i: usize| data.record(i).and_then(|r| r.ts).map(|t| t.as_nanos());
        let gap = match (t(cur), t(next)) {
            (Some(a), Some(b)) => (b - a).max(0) as f64 / 1e9,
            _ => 0.0,
        };
        Some((gap / speed).min(MAX_WAIT))
    }

    /// Advances the cursor while playing; `now` is the UI clock in seconds.
    pub fn tick(&mut self, ctx: &egui::Context, data: &StoreData, sel: &mut Selection, now: f64) {
        if !(self.active && self.playing) {
            self.last_step = None;
            return;
        }
        let last = *self.last_step.get_or_insert(now);
        match self.wait(data, sel) {
            None => self.playing = false,
            Some(w) if now - last >= w => {
                self.step(data, sel, 1);
                self.last_step = Some(now);
                ctx.request_repaint();
            }
            Some(w) => {
                ctx.request_repaint_after(std::time::Duration::from_secs_f64(w - (now - last)))
            }
        }
    }

    /// The replay's keyboard shortcuts ([`shortcuts`]); skipped while a text field has focus.
    pub fn keyboard(&mut self, ctx: &egui::Context, data: &StoreData, sel: &mut Selection) {
        if !self.active || ctx.egui_wants_keyboard_input() {
            return;
        }
        let (play, next, prev, start, end, esc) = ctx.input_mut(|i| {
            (
                i.consume_shortcut(&KEY_PLAY),
                i.consume_shortcut(&KEY_NEXT),
                i.consume_shortcut(&KEY_PREV),
                i.consume_shortcut(&KEY_START),
                i.consume_shortcut(&KEY_END),
                i.consume_key(Modifiers::NONE, Key::Escape),
            )
        });
        if play {
            self.playing = !self.playing;
        }
        if next {
            self.playing = false;
            self.step(data, sel, 1);
        }
        if prev {
            self.playing = false;
            self.step(data, sel, -1);
        }
        if start {
            self.jump(data, sel, isize::MIN / 2);
        }
        if end {
            self.jump(data, sel, isize::MAX / 2);
        }
        if esc {
            self.stop(sel);
        }
    }

    /// Where the cursor is, in words: `frame 9 (5 of 11 in stream 0)`.
    pub fn position_text(&self, data: &StoreData, sel: &Selection) -> String {
        let Some(u) = sel.until else {
            return tr!("replay-not-started");
        };
        let number = data.record(u).map_or(0, |r| r.number);
        match positions(data, self.scope) {
            None => tr!(
                "replay-position",
                frame = number,
                index = u + 1,
                total = data.len()
            ),
            Some(frames) => tr!(
                "replay-position-stream",
                frame = number,
                index = frames.partition_point(|&i| i as usize <= u),
                total = frames.len(),
                stream = match self.scope {
                    ReplayScope::Connection(c) => c.stream,
                    ReplayScope::Capture => 0,
                }
            ),
        }
    }

    /// The toolbar shown above the views while replaying.
    pub fn ui(&mut self, ui: &mut egui::Ui, data: &StoreData, sel: &mut Selection) {
        ui.horizontal_wrapped(|ui| {
            ui.strong(tr!("replay-title")).on_hover_text(shortcuts());
            if ui
                .button(tr!("replay-first"))
                .on_hover_text(tr!("replay-first-hover"))
                .clicked()
            {
                self.jump(data, sel, isize::MIN / 2);
            }
            if ui
                .button(tr!("replay-back"))
                .on_hover_text(tr!("replay-back-hover"))
                .clicked()
            {
                self.playing = false;
                self.step(data, sel, -1);
            }
            let play = tr!(if self.playing {
                "replay-pause"
            } else {
                "replay-play"
            });
            if ui
                .button(play)
                .on_hover_text(format!("{}\n\n{}", tr!("replay-play-hover"), shortcuts()))
                .clicked()
            {
                self.playing = !self.playing;
            }
            if ui
                .button(tr!("replay-step"))
                .on_hover_text(tr!("replay-step-hover"))
                .clicked()
            {
                self.playing = false;
                self.step(data, sel, 1);
            }
            if ui
                .button(tr!("replay-last"))
                .on_hover_text(tr!("replay-last-hover"))
                .clicked()
            {
                self.jump(data, sel, isize::MAX / 2);
            }
            ui.separator();
            egui::ComboBox::from_label(tr!("replay-speed"))
                .width(70.0)
                .selected_text(format!("{}×", SPEEDS[self.speed.min(SPEEDS.len() - 1)]))
                .show_ui(ui, |ui| {
                    for (i, s) in SPEEDS.iter().enumerate() {
                        ui.selectable_value(&mut self.speed, i, format!("{s}×"));
                    }
                });
            ui.checkbox(&mut self.constant_rate, tr!("replay-constant-rate"))
                .on_hover_text(tr!(
                    "replay-constant-rate-hover",
                    wait = MAX_WAIT,
                    rate = CONSTANT_RATE
                ));
            ui.separator();
            let mut whole = self.scope == ReplayScope::Capture;
            let conn = match self.scope {
                ReplayScope::Connection(c) => Some(c),
                ReplayScope::Capture => sel.connection,
            };
            ui.radio_value(&mut whole, true, tr!("replay-whole"));
            ui.add_enabled_ui(conn.is_some(), |ui| {
                let label = conn.map_or(tr!("replay-selected-connection"), |c| {
                    tr!("replay-stream", stream = c.stream)
                });
                ui.radio_value(&mut whole, false, label);
            });
            self.scope = match (whole, conn) {
                (false, Some(c)) => ReplayScope::Connection(c),
                _ => ReplayScope::Capture,
            };
            ui.separator();
            ui.label(tr!("replay-at", position = self.position_text(data, sel)));
            if ui
                .button(tr!("replay-exit"))
                .on_hover_text(tr!("replay-exit-hover"))
                .clicked()
            {
                self.stop(sel);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ui::store::store_of_file as store;

    #[test]
    fn stepping_a_connection_visits_only_its_frames() {
        // demo.pcap: stream 1 is frames 36-41 (`synack read captures/demo.pcap`).
        let data = store(concat!(env!("CARGO_MANIFEST_DIR"), "/captures/demo.pcap"));
        let conn = ConnRef {
            proto: crate::analysis::FlowProto::Tcp,
            stream: 1,
        };
        let mut sel = Selection::default();
        let mut r = Replay::default();
        r.start(&data, &mut sel, ReplayScope::Connection(conn));
        let number = |s: &Selection| data.record(s.until.unwrap()).unwrap().number;
        assert_eq!(number(&sel), 36);
        let mut seen = vec![36];
        while r.step(&data, &mut sel, 1) {
            seen.push(number(&sel));
        }
        assert_eq!(seen, vec![36, 37, 38, 39, 40, 41]);
        assert_eq!(sel.packet, sel.until);
        assert!(r.step(&data, &mut sel, -2));
        assert_eq!(number(&sel), 39);
        r.stop(&mut sel);
        assert_eq!(sel.until, None);
    }

    #[test]
    fn playing_steps_when_the_scaled_gap_has_passed() {
        let data = store(concat!(env!("CARGO_MANIFEST_DIR"), "/captures/demo.pcap"));
        let ctx = egui::Context::default();
        let mut sel = Selection::default();
        let mut r = Replay::default();
        r.start(&data, &mut sel, ReplayScope::Capture);
        r.playing = true;
        // Frame 1 → 2 is 101 µs apart (tshark frame.time_relative 0.000101).
        r.tick(&ctx, &data, &mut sel, 10.0);
        assert_eq!(sel.until, Some(0), "the first tick only starts the clock");
        r.tick(&ctx, &data, &mut sel, 10.00005);
        assert_eq!(sel.until, Some(0), "50 µs is not enough");
        r.tick(&ctx, &data, &mut sel, 10.0002);
        assert_eq!(sel.until, Some(1));
        // Pausing stops it.
        r.playing = false;
        r.tick(&ctx, &data, &mut sel, 20.0);
        assert_eq!(sel.until, Some(1));
        // At the end, playing stops by itself.
        sel.until = Some(data.len() - 1);
        r.playing = true;
        r.tick(&ctx, &data, &mut sel, 30.0);
        assert!(!r.playing);
    }

    #[test]
    fn real_timing_waits_scale_with_speed_and_are_capped() {
        let data = store(concat!(env!("CARGO_MANIFEST_DIR"), "/captures/demo.pcap"));
        let mut sel = Selection::default();
        let mut r = Replay::default();
        r.start(&data, &mut sel, ReplayScope::Capture);
        // Frames 29 → 30 are 0.209578 − 0.009465 = 0.200113 s apart.
        sel.until = data.index_of_number(29);
        r.speed = SPEEDS.iter().position(|&s| s == 1.0).unwrap();
        assert!((r.wait(&data, &sel).unwrap() - 0.200113).abs() < 1e-6);
        r.speed = SPEEDS.iter().position(|&s| s == 4.0).unwrap();
        assert!((r.wait(&data, &sel).unwrap() - 0.200113 / 4.0).abs() < 1e-6);
        r.constant_rate = true;
        assert!((r.wait(&data, &sel).unwrap() - 1.0 / (CONSTANT_RATE * 4.0)).abs() < 1e-9);
        // At the last packet there is nothing to wait for.
        sel.until = Some(data.len() - 1);
        assert_eq!(r.wait(&data, &sel), None);
    }
}
