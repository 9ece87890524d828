//! The display filter bar and the list of rows it lets through.
//!
//! A filter is applied incrementally: each UI frame scans newly stored frames for at most a
//! few milliseconds, so a million-packet capture never freezes the window and live capture
//! keeps filtering as frames arrive. An empty filter needs no scan at all. The store keeps
//! only part of each packet's analysis; a filter naming a wire metric
//! (`tcp.analysis.bytes_in_flight`, `ack_rtt`, `acks_frame`) runs the engine again alongside
//! its scan, which visits every frame in order anyway.

use std::ops::Range;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::analysis::{AckFacts, Config, Engine};
use crate::capture::Frame;
use crate::decode::Packet;
use crate::filter::{AnalysisFields, Field, Filter, FilterInput};

use super::store::{RowFields, StoreData};
use crate::i18n::tr;

/// The filter bar's text field, so commands can give it the keyboard focus.
const BAR_ID: &str = "display_filter";

/// Time spent filtering per UI frame, at most.
const SCAN_BUDGET: Duration = Duration::from_millis(6);

/// Whether the packet at store index `index` passes `filter`, with the store's analysis of
/// it and, when computed, its wire metrics (`acked`; see the module doc).
pub fn row_matches(
    filter: &Filter,
    data: &StoreData,
    index: usize,
    acked: Option<AckFacts>,
) -> bool {
    data.packet(index).is_some_and(|(frame, packet)| {
        frame_matches(filter, data, index, (&frame.as_frame(), &packet), acked)
    })
}

fn frame_matches(
    filter: &Filter,
    data: &StoreData,
    index: usize,
    (frame, packet): (&Frame<'_>, &Packet),
    acked: Option<AckFacts>,
) -> bool {
    let fields = RowFields {
        row: data.analysis(index),
        rich: data.rich(index),
        acked,
    };
    filter.matches(&FilterInput {
        frame,
        packet,
        analysis: Some(&fields as &dyn AnalysisFields),
        start: data.frame(0).and_then(|f| f.ts),
    })
}

/// A parse error to draw under the bar.
#[derive(Debug, Clone, PartialEq)]
pub struct InlineError {
    /// What is wrong (rendered when drawn, in the window's language).
    pub message: crate::i18n::Message,
    /// Byte span in the text.
    pub span: Range<usize>,
}

/// The filter being typed, the filter applied and the rows it matched so far.
#[derive(Debug, Default)]
pub struct FilterState {
    /// Text in the bar.
    pub text: String,
    /// Error of the text in the bar, shown inline.
    pub error: Option<InlineError>,
    applied: Option<Filter>,
    /// Store indices of matching rows (unused while no filter is applied).
    matches: Vec<u32>,
    scanned: usize,
    /// The engine run again for a filter naming wire metrics (see the module doc).
    wire: Option<Engine>,
    /// Bumped whenever the applied filter changes, so views can reset scroll positions.
    pub generation: u64,
    /// The field-name completions offered under the bar, and the one highlighted.
    pub completion: Completion,
}

/// The field names offered while a name is typed in the bar (Wireshark's completion list):
/// every name of the filter language's one table ([`Field::names`]) that starts with the word
/// before the cursor. Up/Down move the highlight, Tab or a click takes it.
#[derive(Debug, Default)]
pub struct Completion {
    /// Names offered, in the table's order.
    pub offered: Vec<&'static str>,
    /// The highlighted one.
    pub pick: usize,
    /// Byte offset in the text where the word being completed starts.
    word_start: usize,
    /// Shown last frame (a click on the list takes the focus from the bar first).
    shown: bool,
}

/// At most this many names are offered at once.
const MAX_OFFERED: usize = 12;

/// Every field and protocol name, once.
fn field_names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(Field::names)
}

impl Completion {
    /// Offers the names that complete the word at the end of `text`.
    fn update(&mut self, text: &str) {
        let word_start = text
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
            .map_or(0, |i| {
                i + text[i..].chars().next().map_or(1, char::len_utf8)
            });
        let word = &text[word_start..];
        let offered: Vec<&'static str> =
            if word.is_empty() || word.starts_with(|c: char| c.is_ascii_digit()) {
                Vec::new()
            } else {
                field_names()
                    .iter()
                    .filter(|n| n.len() > word.len() && n.starts_with(word))
                    .map(String::as_str)
                    .take(MAX_OFFERED)
                    .collect()
            };
        if offered != self.offered {
            self.pick = 0;
        }
        self.offered = offered;
        self.word_start = word_start;
    }

    /// `text` with the word being completed replaced by `name`.
    fn complete(&self, text: &str, name: &str) -> String {
        format!("{}{name}", &text[..self.word_start.min(text.len())])
    }
}

impl FilterState {
    /// Parses the text in the bar; applies it when valid, keeps the previous filter and shows
    /// the error when not. Returns true when applied.
    pub fn apply_text(&mut self) -> bool {
        match Filter::parse(&self.text) {
            Ok(f) => {
                self.error = None;
                self.wire = f
                    .uses_wire_metrics()
                    .then(|| Engine::new(Config::default()));
                self.applied = (!f.is_empty()).then_some(f);
                self.matches.clear();
                self.scanned = 0;
                self.generation += 1;
                true
            }
            Err(e) => {
                self.error = Some(InlineError {
                    message: e.message.clone(),
                    span: e.span.clone(),
                });
                false
            }
        }
    }

    /// Sets the text and applies it (used by the connection table and tests).
    pub fn set(&mut self, text: &str) -> bool {
        self.text = text.to_string();
        self.apply_text()
    }

    /// Puts `text` in the bar without applying it, checked as if typed, with the keyboard
    /// focus in the bar to edit it (Wireshark's "Prepare as filter").
    pub fn prepare(&mut self, ctx: &egui::Context, text: &str) {
        self.text = text.to_string();
        self.validate();
        ctx.memory_mut(|m| m.request_focus(egui::Id::unique(BAR_ID)));
    }

    /// Checks the text in the bar as it is typed (Wireshark's green/red bar; applied on
    /// Enter).
    fn validate(&mut self) {
        self.error = Filter::parse(&self.text).err().map(|e| InlineError {
            message: e.message,
            span: e.span,
        });
    }

    /// The list of completions under the field at `field`; returns the name clicked.
    fn completion_ui(&mut self, ctx: &egui::Context, field: egui::Rect) -> Option<&'static str> {
        let mut clicked = None;
        egui::Area::new(egui::Id::unique("display_filter_completion"))
            .order(egui::Order::Foreground)
            .fixed_pos(field.left_bottom())
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_min_width(field.width().min(360.0));
                    for (i, name) in self.completion.offered.iter().enumerate() {
                        let label = egui::RichText::new(*name).monospace();
                        if ui
                            .selectable_label(i == self.completion.pick, label)
                            .clicked()
                        {
                            clicked = Some(*name);
                        }
                    }
                });
            });
        clicked
    }

    /// The applied filter's text, if any.
    pub fn applied_text(&self) -> Option<&str> {
        self.applied.as_ref().map(Filter::text)
    }

    /// Forgets scan results (the store was replaced).
    pub fn reset_scan(&mut self) {
        self.matches.clear();
        self.scanned = 0;
        if self.wire.is_some() {
            self.wire = Some(Engine::new(Config::default()));
        }
        self.generation += 1;
    }

    /// Scans frames stored since the last call, within the time budget. Returns true when
    /// the scan is complete (nothing more to do until new frames arrive).
    pub fn advance(&mut self, data: &StoreData) -> bool {
        let Some(filter) = &self.applied else {
            self.scanned = data.len();
            return true;
        };
        let start = Instant::now();
        while self.scanned < data.len() {
            let i = self.scanned;
            if let Some((owned, packet)) = data.packet(i) {
                let frame = owned.as_frame();
                let acked = self
                    .wire
                    .as_mut()
                    .and_then(|e| e.process(&frame, &packet).tcp)
                    .map(|t| t.acked);
                if frame_matches(filter, data, i, (&frame, &packet), acked) {
                    self.matches.push(i as u32);
                }
            }
            self.scanned += 1;
            if self.scanned.is_multiple_of(1024) && start.elapsed() >= SCAN_BUDGET {
                break;
            }
        }
        self.scanned >= data.len()
    }

    /// Fraction of stored frames scanned (1 when no filter).
    pub fn scan_fraction(&self, data: &StoreData) -> f32 {
        if self.applied.is_none() || data.is_empty() {
            1.0
        } else {
            self.scanned as f32 / data.len() as f32
        }
    }

    /// Number of rows shown.
    pub fn visible_len(&self, data: &StoreData) -> usize {
        if self.applied.is_some() {
            self.matches.len()
        } else {
            data.len()
        }
    }

    /// Number of rows shown with the replay cursor at store index `until` (rows after it
    /// are hidden).
    pub fn visible_len_until(&self, data: &StoreData, until: Option<usize>) -> usize {
        let n = self.visible_len(data);
        match until {
            None => n,
            Some(u) if self.applied.is_some() => self.matches.partition_point(|&i| i as usize <= u),
            Some(u) => n.min(u.saturating_add(1)),
        }
    }

    /// Store index of the `row`-th shown row.
    pub fn visible(&self, row: usize) -> Option<usize> {
        if self.applied.is_some() {
            self.matches.get(row).map(|&i| i as usize)
        } else {
            Some(row)
        }
    }

    /// Row position of a store index among the shown rows.
    pub fn row_of(&self, index: usize) -> Option<usize> {
        if self.applied.is_some() {
            self.matches.binary_search(&(index as u32)).ok()
        } else {
            Some(index)
        }
    }

    /// Store indices of all shown rows (for exports), without copying when unfiltered.
    pub fn visible_indices<'a>(&'a self, data: &StoreData) -> Box<dyn Iterator<Item = usize> + 'a> {
        if self.applied.is_some() {
            Box::new(self.matches.iter().map(|&i| i as usize))
        } else {
            Box::new(0..data.len())
        }
    }

    /// Draws the bar: text field (red when invalid) with the field names completing the word
    /// typed listed under it, Apply and Clear buttons, and the error under it with a caret at
    /// its position.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let id = egui::Id::unique(BAR_ID);
        let focused = ui.ctx().memory(|m| m.has_focus(id));
        // The list's keys, taken before the text field sees them (Tab would move the focus).
        let mut taken = None;
        if focused && !self.completion.offered.is_empty() {
            let n = self.completion.offered.len();
            ui.input_mut(|i| {
                if i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown) {
                    self.completion.pick = (self.completion.pick + 1) % n;
                }
                if i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp) {
                    self.completion.pick = (self.completion.pick + n - 1) % n;
                }
                if i.consume_key(egui::Modifiers::NONE, egui::Key::Tab) {
                    taken = self.completion.offered.get(self.completion.pick).copied();
                }
            });
        }
        let mut field_rect = None;
        ui.horizontal(|ui| {
            ui.label(tr!("filter-label"));
            let bg = match (&self.error, self.applied.is_some()) {
                (Some(_), _) => Some(egui::Color32::from_rgb(255, 200, 200)),
                (None, true) => Some(egui::Color32::from_rgb(200, 255, 200)),
                (None, false) => None,
            };
            let mut edit = egui::TextEdit::singleline(&mut self.text)
                .id(id)
                .hint_text(tr!("filter-hint"))
                .font(egui::TextStyle::Monospace)
                .desired_width(ui.available_width() - 130.0);
            if let Some(bg) = bg {
                edit = edit.background_color(bg).text_color(egui::Color32::BLACK);
            }
            let resp = ui.add(edit);
            field_rect = Some(resp.rect);
            if resp.changed() {
                self.validate();
            }
            let enter = resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button(tr!("filter-apply")).clicked() || enter {
                self.apply_text();
            }
            if ui.button(tr!("filter-clear")).clicked() {
                self.set("");
            }
        });
        let list_open = focused
            || (self.completion.shown
                && ui.input(|i| i.pointer.any_down() || i.pointer.any_released()));
        if list_open {
            self.completion.update(&self.text);
        } else {
            self.completion.offered.clear();
        }
        self.completion.shown = list_open && !self.completion.offered.is_empty();
        if let (true, Some(rect)) = (self.completion.shown, field_rect) {
            if let Some(name) = self.completion_ui(ui.ctx(), rect) {
                taken = Some(name);
            }
        }
        if let Some(name) = taken {
            self.text = self.completion.complete(&self.text, name);
            self.validate();
            self.completion.offered.clear();
            // The cursor after the name, the keyboard back in the bar to go on typing.
            let ctx = ui.ctx();
            if let Some(mut state) = egui::TextEdit::load_state(ctx, id) {
                let end = egui::text::CCursor::new(self.text.chars().count());
                state
                    .cursor
                    .set_char_range(Some(egui::text::CCursorRange::one(end)));
                state.store(ctx, id);
            }
            ctx.memory_mut(|m| m.request_focus(id));
        }
        if let Some(err) = &self.error {
            let start = err.span.start.min(self.text.len());
            let width = err.span.len().max(1);
            let caret = format!(
                "{}{}",
                " ".repeat(self.text.get(..start).map_or(start, |s| s.chars().count())),
                "^".repeat(width)
            );
            ui.horizontal(|ui| {
                ui.add_space(ui.spacing().item_spacing.x);
                ui.vertical(|ui| {
                    ui.label(
                        egui::RichText::new(&self.text)
                            .monospace()
                            .color(ui.visuals().weak_text_color()),
                    );
                    ui.label(
                        egui::RichText::new(caret)
                            .monospace()
                            .color(egui::Color32::RED),
                    );
                    ui.label(
                        egui::RichText::new(tr!("filter-error", message = err.message.text()))
                            .color(egui::Color32::RED),
                    );
                });
            });
        }
    }
}
