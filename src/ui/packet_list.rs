//! The packet list: a virtualized table (only rows on screen are decoded and laid out).

use egui::{Align, Color32, Key, RichText};
use egui_extras::{Column, TableBuilder};

use super::colors;
use super::columns::{self, TimeMode};
use super::filter_bar::FilterState;
use super::selection::Selection;
use super::store::StoreData;

/// Height of one row in points.
const ROW_HEIGHT: f32 = 18.0;

/// State of the packet list view.
#[derive(Debug, Default)]
pub struct PacketList {
    /// Time column format.
    pub time_mode: TimeMode,
    /// Keep the newest packet in view (live capture).
    pub auto_scroll: bool,
    /// Rows on screen last frame (for Page Up / Page Down).
    page_rows: usize,
    /// Scroll so that this row is visible next frame, without selecting it (benchmark,
    /// "go to" without changing the selection).
    pub scroll_to: Option<usize>,
}

impl PacketList {
    /// Moves the selection with the keyboard: arrows, Page Up/Down, Home/End. Skipped while
    /// a text field has focus, so typing a filter never moves the selection.
    pub fn keyboard(
        &mut self,
        ctx: &egui::Context,
        data: &StoreData,
        filter: &FilterState,
        sel: &mut Selection,
    ) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let n = filter.visible_len_until(data, sel.until);
        if n == 0 {
            return;
        }
        let page = self.page_rows.max(1);
        let current = sel.packet.and_then(|i| filter.row_of(i));
        let target = ctx.input(|i| {
            let cur = current.unwrap_or(0);
            if i.key_pressed(Key::ArrowDown) {
                Some(if current.is_none() {
                    0
                } else {
                    (cur + 1).min(n - 1)
                })
            } else if i.key_pressed(Key::ArrowUp) {
                Some(cur.saturating_sub(1))
            } else if i.key_pressed(Key::PageDown) {
                Some((cur + page).min(n - 1))
            } else if i.key_pressed(Key::PageUp) {
                Some(cur.saturating_sub(page))
            } else if i.key_pressed(Key::Home) {
                Some(0)
            } else if i.key_pressed(Key::End) {
                Some(n - 1)
            } else {
                None
            }
        });
        if let Some(row) = target.and_then(|r| filter.visible(r)) {
            sel.select_packet(row, true);
        }
    }

    /// Draws the table.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &StoreData,
        filter: &FilterState,
        sel: &mut Selection,
    ) {
        // Replay: rows after the cursor are hidden.
        let n = filter.visible_len_until(data, sel.until);
        let mut table = TableBuilder::new(ui)
            .id_salt("packet_list")
            .striped(false)
            .resizable(true)
            .sense(egui::Sense::click())
            .cell_layout(egui::Layout::left_to_right(Align::Center))
            .column(Column::initial(70.0).at_least(40.0))
            .column(Column::initial(110.0).at_least(50.0))
            .column(Column::initial(130.0).at_least(50.0))
            .column(Column::initial(130.0).at_least(50.0))
            .column(Column::initial(60.0).at_least(40.0))
            .column(Column::initial(60.0).at_least(40.0))
            .column(Column::remainder().at_least(200.0))
            .min_scrolled_height(0.0)
            .stick_to_bottom(self.auto_scroll);
        if let Some(row) = self.scroll_to.take() {
            table = table.scroll_to_row(row.min(n.saturating_sub(1)), Some(Align::TOP));
        }
        if sel.reveal {
            if let Some(row) = sel.packet.and_then(|i| filter.row_of(i)).filter(|&r| r < n) {
                table = table.scroll_to_row(row, None);
            }
            sel.reveal = false;
        }
        let time_mode = self.time_mode;
        let mut first_row = usize::MAX;
        let mut last_row = 0usize;
        let mut clicked: Option<usize> = None;
        table
            .header(20.0, |mut h| {
                for name in [
                    "No.",
                    "Time",
                    "Source",
                    "Destination",
                    "Protocol",
                    "Length",
                    "Info",
                ] {
                    h.col(|ui| {
                        ui.strong(name);
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, n, |mut row| {
                    let r = row.index();
                    first_row = first_row.min(r);
                    last_row = last_row.max(r);
                    let Some(idx) = filter.visible(r) else {
                        return;
                    };
                    let Some((frame, packet)) = data.packet(idx) else {
                        return;
                    };
                    let a = data.analysis(idx);
                    let rule = colors::rule_for(&packet, &a);
                    let selected = sel.packet == Some(idx);
                    row.set_selected(selected);
                    let (bg, fg) = match (selected, rule) {
                        (true, _) => (None, None),
                        (false, Some(rule)) => (Some(rule.bg), Some(rule.fg)),
                        (false, None) => (None, None),
                    };
                    let time = match (time_mode, frame.ts) {
                        (_, None) => "-".to_string(),
                        (TimeMode::Relative, Some(t)) => data
                            .first_ts
                            .map_or("-".into(), |t0| columns::seconds_between(t0, t)),
                        (TimeMode::Absolute, Some(t)) => columns::absolute_time(t),
                        (TimeMode::Delta, Some(t)) => r
                            .checked_sub(1)
                            .and_then(|p| filter.visible(p))
                            .and_then(|p| data.record(p))
                            .and_then(|p| p.ts)
                            .map_or("0.000000".into(), |prev| columns::seconds_between(prev, t)),
                    };
                    let (src, dst) = packet.address_columns();
                    let cells = [
                        frame.number.to_string(),
                        time,
                        src,
                        dst,
                        packet.protocol_column(),
                        frame.len.to_string(),
                        columns::info(&frame, &packet, &a, data.rich(idx).as_ref()),
                    ];
                    for text in cells {
                        row.col(|ui| {
                            if let Some(bg) = bg {
                                ui.painter().rect_filled(
                                    ui.max_rect().expand2(egui::vec2(4.0, 1.0)),
                                    0.0,
                                    bg,
                                );
                            }
                            let mut t = RichText::new(text).monospace();
                            if let Some(fg) = fg {
                                t = t.color(fg);
                            }
                            ui.add(egui::Label::new(t).truncate().selectable(false));
                        });
                    }
                    if row.response().clicked() {
                        clicked = Some(idx);
                    }
                });
            });
        if first_row != usize::MAX {
            self.page_rows = last_row.saturating_sub(first_row).max(1);
        }
        if let Some(idx) = clicked {
            sel.select_packet(idx, false);
        }
        if n == 0 && !data.is_empty() {
            ui.colored_label(Color32::GRAY, "No packets match the display filter.");
        }
    }
}
