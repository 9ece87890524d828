//! The packet list: a virtualized table (only rows on screen are decoded and laid out).
//! A click on a column header sorts by it ([`packet_sort`](super::packet_sort)); a
//! right-click on a cell offers that cell's field as a filter
//! ([`filter_menu`]).

use crate::analysis::FlowRef;
use crate::capture::Frame;
use crate::decode::{Net, Packet, Transport};
use crate::i18n::tr;
use egui::{Align, Color32, Key, RichText};
use egui_extras::{Column, TableBuilder};

use super::colors;
use super::columns::{self, TimeMode};
use super::filter_bar::FilterState;
use super::filter_menu::{self, FieldValue, FilterAction};
use super::packet_sort::{SortColumn, SortOrder, SortedRows};
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
    /// The column the list is sorted by (`None`: capture order).
    pub sort: Option<SortOrder>,
    sorted: SortedRows,
    /// The list's height and the first and last rows drawn last frame: when a bar opens
    /// above the list (find, a filter's error lines) the list loses height, and a selected
    /// row that was in view is scrolled back into it.
    last_view: Option<(f32, usize, usize)>,
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
        self.sync_sort(data, filter, n);
        let page = self.page_rows.max(1);
        let current = sel.packet.and_then(|i| self.row_of(filter, i));
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
        if let Some(row) = target.and_then(|r| self.index(filter, r)) {
            sel.select_packet(row, true);
        }
    }

    /// Sorts the `n` shown rows when the list is sorted and they changed.
    fn sync_sort(&mut self, data: &StoreData, filter: &FilterState, n: usize) {
        match self.sort {
            Some(order) => self.sorted.update(order, data, filter, n, self.time_mode),
            None => self.sorted.clear(),
        }
    }

    /// Store index of the `row`-th row shown (in the sorted order when sorted).
    pub fn index(&self, filter: &FilterState, row: usize) -> Option<usize> {
        match self.sort {
            Some(_) => self.sorted.index(row),
            None => filter.visible(row),
        }
    }

    /// Shown position of store index `index`.
    pub fn row_of(&self, filter: &FilterState, index: usize) -> Option<usize> {
        match self.sort {
            Some(_) => self.sorted.row_of(index),
            None => filter.row_of(index),
        }
    }

    /// Sorts by `column` as a click on its header does, keeping the selected packet in view.
    pub fn click_header(&mut self, column: SortColumn, sel: &mut Selection) {
        self.sort = SortOrder::after_click(self.sort, column);
        sel.reveal = sel.packet.is_some();
    }

    /// Draws the table; returns what a cell's right-click menu asked of the filter bar.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &StoreData,
        filter: &FilterState,
        sel: &mut Selection,
    ) -> Option<FilterAction> {
        // Replay: rows after the cursor are hidden.
        let n = filter.visible_len_until(data, sel.until);
        self.sync_sort(data, filter, n);
        let height = ui.available_height();
        if let Some((last_height, first, last)) = self.last_view {
            let row = sel.packet.and_then(|i| self.row_of(filter, i));
            if (last_height - height).abs() > 0.5
                && row.is_some_and(|r| (first..=last).contains(&r))
            {
                sel.reveal = true;
            }
        }
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
            if let Some(row) = sel
                .packet
                .and_then(|i| self.row_of(filter, i))
                .filter(|&r| r < n)
            {
                table = table.scroll_to_row(row, None);
            }
            sel.reveal = false;
        }
        let time_mode = self.time_mode;
        let sort = self.sort;
        let mut first_row = usize::MAX;
        let mut last_row = 0usize;
        let mut clicked: Option<usize> = None;
        let mut header_clicked: Option<SortColumn> = None;
        let mut action: Option<FilterAction> = None;
        table
            .header(20.0, |mut h| {
                for column in SortColumn::ALL {
                    h.col(|ui| {
                        let mut name = column_name(column);
                        match sort {
                            Some(o) if o.column == column && o.descending => name.push_str(" ↓"),
                            Some(o) if o.column == column => name.push_str(" ↑"),
                            _ => {}
                        }
                        let button = egui::Button::new(RichText::new(name).strong()).frame(false);
                        if ui
                            .add(button)
                            .on_hover_text(tr!("list-sort-hover"))
                            .clicked()
                        {
                            header_clicked = Some(column);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, n, |mut row| {
                    let r = row.index();
                    first_row = first_row.min(r);
                    last_row = last_row.max(r);
                    let Some(idx) = self.index(filter, r) else {
                        return;
                    };
                    let Some((owned, packet)) = data.packet(idx) else {
                        return;
                    };
                    let frame = owned.as_frame();
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
                        // The packet before it in capture order, whatever the sort.
                        (TimeMode::Delta, Some(t)) => filter
                            .row_of(idx)
                            .and_then(|r| r.checked_sub(1))
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
                    for (column, text) in SortColumn::ALL.into_iter().zip(cells) {
                        let (_, cell) = row.col(|ui| {
                            if let Some(bg) = bg {
                                ui.painter().rect_filled(
                                    ui.max_rect().expand2(egui::vec2(4.0, 1.0)),
                                    0.0,
                                    bg,
                                );
                            }
                            let mut t = RichText::new(&text).monospace();
                            if let Some(fg) = fg {
                                t = t.color(fg);
                            }
                            ui.add(egui::Label::new(t).truncate().selectable(false));
                        });
                        // Wireshark selects the row a right-click opens a menu on.
                        if cell.secondary_clicked() {
                            clicked = Some(idx);
                        }
                        cell.context_menu(|ui| {
                            let field = cell_field(column, &frame, &packet, a.flow);
                            if let Some(act) =
                                filter_menu::menu_ui(ui, field.as_ref(), &text, &filter.text)
                            {
                                action = Some(act);
                            }
                        });
                    }
                    if row.response().clicked() {
                        clicked = Some(idx);
                    }
                });
            });
        self.last_view = (first_row != usize::MAX).then_some((height, first_row, last_row));
        if first_row != usize::MAX {
            self.page_rows = last_row.saturating_sub(first_row).max(1);
        }
        if let Some(idx) = clicked {
            sel.select_packet(idx, false);
        }
        if let Some(column) = header_clicked {
            self.click_header(column, sel);
        }
        if n == 0 && !data.is_empty() {
            ui.colored_label(Color32::GRAY, crate::i18n::text("msg-no-match"));
        }
        action
    }
}

/// A column's header text.
fn column_name(column: SortColumn) -> String {
    tr!(match column {
        SortColumn::Number => "list-col-number",
        SortColumn::Time => "list-col-time",
        SortColumn::Source => "list-col-source",
        SortColumn::Destination => "list-col-destination",
        SortColumn::Protocol => "list-col-protocol",
        SortColumn::Length => "list-col-length",
        SortColumn::Info => "list-col-info",
    })
}

/// The filter field a cell of the packet list shows: the frame number, the addresses, the
/// protocol, the length; the Info column stands for the packet's conversation
/// (`tcp.stream == 3`). `None` for the time and for what the filter language cannot name.
fn cell_field(
    column: SortColumn,
    frame: &Frame<'_>,
    packet: &Packet,
    flow: Option<FlowRef>,
) -> Option<FieldValue> {
    let ip = match &packet.net {
        Net::Ip(ip) => Some(ip),
        _ => None,
    };
    let ip_prefix = |v: u8| if v == 4 { "ip" } else { "ipv6" };
    match column {
        SortColumn::Number => Some(FieldValue::new("frame.number", frame.number)),
        SortColumn::Time => None,
        SortColumn::Source => {
            ip.map(|ip| FieldValue::new(format!("{}.src", ip_prefix(ip.version)), ip.src))
        }
        SortColumn::Destination => {
            ip.map(|ip| FieldValue::new(format!("{}.dst", ip_prefix(ip.version)), ip.dst))
        }
        SortColumn::Protocol => match (&packet.transport, &packet.net) {
            (Transport::Tcp(_), _) => Some(FieldValue::protocol("tcp")),
            (Transport::Udp(_), _) => Some(FieldValue::protocol("udp")),
            (Transport::Icmp(_), _) => Some(FieldValue::protocol("icmp")),
            (Transport::Icmpv6(_), _) => Some(FieldValue::protocol("icmpv6")),
            (_, Net::Arp(_)) => Some(FieldValue::protocol("arp")),
            (_, Net::Ip(ip)) => Some(FieldValue::protocol(ip_prefix(ip.version))),
            _ => None,
        },
        SortColumn::Length => Some(FieldValue::new("frame.len", frame.len)),
        SortColumn::Info => flow.map(|f| FieldValue::stream(f.proto, f.stream)),
    }
}
