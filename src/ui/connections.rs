//! The connections table: the `synack flows` columns, sortable and filterable; selecting a
//! row selects the connection (the packet list then shows only its packets).

use egui::{Align, RichText};
use egui_extras::{Column, TableBuilder};

use crate::analysis::{endpoint_string, Connection, Flag};
use crate::calls::TcpInfoSample;

use super::conn_messages::MessageColumns;
use super::selection::{ConnRef, Selection};
use super::store::StoreData;

/// Number of columns.
const COLUMNS: usize = 17;

/// The columns' catalogue keys, in order.
pub const HEADER_KEYS: [&str; COLUMNS] = [
    "conn-stream",
    "conn-proto",
    "conn-client",
    "conn-server",
    "conn-state",
    "conn-history",
    "conn-close",
    "conn-pkts-c2s",
    "conn-pkts-s2c",
    "conn-bytes-c2s",
    "conn-bytes-s2c",
    "conn-duration",
    "conn-rtt",
    "conn-framing",
    "conn-messages",
    LIMITED_BY,
    "conn-problems",
];

/// The verdict column's key.
const LIMITED_BY: &str = "conn-limited-by";

/// The column headers in the interface's language.
pub fn headers() -> [String; COLUMNS] {
    HEADER_KEYS.map(crate::i18n::text)
}

/// A sender-limit cause's short name for the table in the interface's language (English:
/// `synack flows`' `app`, `rwnd`, `cwnd`, `recovery`, `rto`, `sndbuf`).
fn cause_short(cause: crate::analysis::limits::Cause) -> String {
    use crate::analysis::limits::Cause;
    crate::i18n::text(match cause {
        Cause::Application => "cause-short-application",
        Cause::ReceiverWindow => "cause-short-receiver-window",
        Cause::CongestionWindow => "cause-short-congestion-window",
        Cause::LossRecovery => "cause-short-loss-recovery",
        Cause::RetransmissionTimeout => "cause-short-retransmission-timeout",
        Cause::SendBuffer => "cause-short-send-buffer",
    })
}

/// What held each sender back, main cause and its seconds (`synack flows`' `limited_by`):
/// the kernel's verdict where `tcp_info` has readings of the sender's socket, else the wire's.
pub fn limited_cell(c: &Connection, tcp_info: &[TcpInfoSample]) -> String {
    let parts: Vec<String> = crate::kernel::limits::sender_verdicts(c, tcp_info)
        .into_iter()
        .filter_map(|(d, source, l)| {
            let m = l.main()?;
            Some(format!(
                "{} {} {:.3}s{}",
                d.short(),
                cause_short(m),
                l.seconds(m),
                if source == "kernel" {
                    crate::i18n::text("conn-kernel")
                } else {
                    String::new()
                }
            ))
        })
        .collect();
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(", ")
    }
}

/// The trace's kernel readings, if the store has a calls trace.
pub fn tcp_info(data: &StoreData) -> &[TcpInfoSample] {
    data.calls.as_ref().map_or(&[], |t| t.tcp_info.as_slice())
}

/// A connection's cells as text (the table, the filter and "copy as text" use the same);
/// `messages` holds the framing and message counts of the TCP connections framed so far.
pub(crate) fn row_cells(
    c: &Connection,
    tcp_info: &[TcpInfoSample],
    messages: &MessageColumns,
) -> [String; COLUMNS] {
    let problems: u64 = Flag::ALL
        .iter()
        .filter(|f| !matches!(f, Flag::WindowUpdate | Flag::KeepAlive | Flag::KeepAliveAck))
        .map(|f| c.flag_count(*f))
        .sum();
    let [framing, msgs] = messages.cells(c.proto, c.stream);
    [
        c.stream.to_string(),
        c.proto.name().to_string(),
        endpoint_string(c.originator),
        endpoint_string(c.responder),
        c.zeek_state().to_string(),
        c.history(),
        c.close_pattern()
            .map_or("-".into(), |p| crate::i18n::text(p.text_key())),
        c.packets[0].to_string(),
        c.packets[1].to_string(),
        c.bytes[0].to_string(),
        c.bytes[1].to_string(),
        format!("{:.6}", c.duration_ns() as f64 / 1e9),
        c.handshake_rtt_ms()
            .map_or("-".to_string(), |v| format!("{v:.3}")),
        framing,
        msgs,
        limited_cell(c, tcp_info),
        problems.to_string(),
    ]
}

/// What a click in the table asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnAction {
    /// Select the connection (the packet list shows its packets).
    Select(ConnRef),
    /// Open its ladder diagram.
    Ladder(ConnRef),
}

/// Cache key of the derived rows: recomputed only when one of these changes.
type CacheKey = (u64, u64, String, Option<(usize, bool)>, Option<u64>);

/// State of the connections view.
#[derive(Debug, Default)]
pub struct ConnectionsView {
    /// Substring filter over all cells.
    pub search: String,
    /// Sort column and ascending flag.
    pub sort: Option<(usize, bool)>,
    cache_key: Option<CacheKey>,
    cache: Vec<(ConnRef, [String; COLUMNS])>,
    /// The longest cell of each column, in characters (columns are at least that wide).
    longest: [usize; COLUMNS],
    /// The framing and messages columns, filled a few connections per frame.
    messages: MessageColumns,
}

impl ConnectionsView {
    /// Recomputes the shown rows when the connections, the search or the order changed.
    fn refresh(&mut self, data: &StoreData, until: Option<u64>) {
        let key = (
            data.conn_version,
            self.messages.version,
            self.search.clone(),
            self.sort,
            until,
        );
        if self.cache_key.as_ref() == Some(&key) {
            return;
        }
        self.cache = self
            .rows(data)
            .into_iter()
            // Replay: connections that had not started at the cursor are not there yet.
            .filter(|c| until.is_none_or(|u| c.first_frame <= u))
            .map(|c| {
                (
                    ConnRef {
                        proto: c.proto,
                        stream: c.stream,
                    },
                    row_cells(c, tcp_info(data), &self.messages),
                )
            })
            .collect();
        self.longest = [0; COLUMNS];
        for (_, cells) in &self.cache {
            for (l, cell) in self.longest.iter_mut().zip(cells) {
                *l = (*l).max(cell.chars().count());
            }
        }
        self.cache_key = Some(key);
    }

    /// Connections that pass the search, in the chosen order.
    pub fn rows<'a>(&self, data: &'a StoreData) -> Vec<&'a Connection> {
        let needle = self.search.to_lowercase();
        let mut rows: Vec<(&Connection, [String; COLUMNS])> = data
            .connections
            .iter()
            .map(|c| (c, row_cells(c, tcp_info(data), &self.messages)))
            .filter(|(_, cells)| {
                needle.is_empty() || cells.iter().any(|t| t.to_lowercase().contains(&needle))
            })
            .collect();
        if let Some((col, asc)) = self.sort {
            rows.sort_by(|a, b| {
                let (x, y) = (&a.1[col], &b.1[col]);
                let ord = match (x.parse::<f64>(), y.parse::<f64>()) {
                    (Ok(p), Ok(q)) => p.total_cmp(&q),
                    _ => x.cmp(y),
                };
                if asc {
                    ord
                } else {
                    ord.reverse()
                }
            });
        }
        rows.into_iter().map(|(c, _)| c).collect()
    }

    /// The shown rows as tab-separated text (header line first), every connection framed.
    pub fn table_text(&mut self, data: &StoreData) -> String {
        self.messages.fill(data, true);
        let mut s = headers().join("\t");
        s.push('\n');
        for c in self.rows(data) {
            s.push_str(&row_cells(c, tcp_info(data), &self.messages).join("\t"));
            s.push('\n');
        }
        s
    }

    /// Forgets the framed connections (another capture was opened).
    pub fn clear(&mut self) {
        self.messages.clear();
        self.cache_key = None;
    }

    /// Draws the table. Returns what a click asked for, if anything.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &StoreData,
        sel: &Selection,
    ) -> Option<ConnAction> {
        let (copy, ladder) = self.toolbar(ui, data, sel);
        let until = sel.until.and_then(|u| data.record(u)).map(|r| r.number);
        if let Some(n) = until {
            ui.colored_label(
                egui::Color32::from_rgb(0xa0, 0x50, 0x00),
                crate::i18n::text_in(crate::i18n::lang(), "conn-replay", &[("frame", n.into())]),
            );
        }
        if copy {
            let text = self.table_text(data);
            ui.ctx().copy_text(text);
        }
        if !self.messages.fill(data, false) {
            ui.ctx().request_repaint();
        }
        self.refresh(data, until);
        let widths = self.column_widths(ui);
        let (clicked, sort_clicked) = self.table(ui, &widths, sel);
        if let Some(i) = sort_clicked {
            self.sort = match self.sort {
                Some((c, asc)) if c == i => Some((i, !asc)),
                _ => Some((i, true)),
            };
        }
        clicked.or(ladder.map(ConnAction::Ladder))
    }

    /// The search field, Copy, the count and the selected connection's ladder button;
    /// returns whether Copy and the ladder button were clicked.
    fn toolbar(
        &mut self,
        ui: &mut egui::Ui,
        data: &StoreData,
        sel: &Selection,
    ) -> (bool, Option<ConnRef>) {
        let mut copy = false;
        let mut ladder = None;
        ui.horizontal(|ui| {
            ui.label(crate::i18n::text("conn-search"));
            ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    .id_salt("conn_search")
                    .hint_text(crate::i18n::text("conn-search-hint"))
                    .desired_width(260.0),
            );
            if ui.button(crate::i18n::text("conn-copy")).clicked() {
                copy = true;
            }
            ui.label(crate::i18n::text_in(
                crate::i18n::lang(),
                "conn-count",
                &[("count", data.connections.len().into())],
            ));
            if let Some(c) = sel
                .connection
                .filter(|c| c.proto == crate::analysis::FlowProto::Tcp)
            {
                if ui
                    .button(crate::i18n::text_in(
                        crate::i18n::lang(),
                        "conn-ladder-of",
                        &[("stream", c.stream.into())],
                    ))
                    .on_hover_text(crate::i18n::text("conn-ladder-hover"))
                    .clicked()
                {
                    ladder = Some(c);
                }
            }
        });
        (copy, ladder)
    }

    /// Every column as wide as its header and its longest cell (truncated cells do not
    /// widen an auto column), up to a cap; the table scrolls sideways when the window is
    /// narrower than all of them.
    fn column_widths(&self, ui: &egui::Ui) -> Vec<f32> {
        let digit = ui
            .painter()
            .layout_no_wrap(
                "0".into(),
                egui::TextStyle::Monospace.resolve(ui.style()),
                egui::Color32::BLACK,
            )
            .size()
            .x;
        let body_font = egui::TextStyle::Button.resolve(ui.style());
        headers()
            .iter()
            .zip(&self.longest)
            .zip(HEADER_KEYS)
            .map(|((name, &chars), key)| {
                let header = ui
                    .painter()
                    .layout_no_wrap(format!("{name} ^"), body_font.clone(), egui::Color32::BLACK)
                    .size()
                    .x;
                let cap = if key == LIMITED_BY { 360.0 } else { 320.0 };
                (header.max(chars as f32 * digit) + 10.0).min(cap)
            })
            .collect()
    }

    /// The table itself, sortable by its headers; returns the row action and the header
    /// clicked.
    fn table(
        &self,
        ui: &mut egui::Ui,
        widths: &[f32],
        sel: &Selection,
    ) -> (Option<ConnAction>, Option<usize>) {
        let rows = &self.cache;
        let mut clicked = None;
        let mut sort_clicked = None;
        // The sideways scroll gives its content an unbounded width, in which the last
        // (remainder) column and so every row would be infinitely wide and take no click:
        // the table is as wide as the window, or as all its columns when they need more.
        let spacing = ui.spacing().item_spacing.x;
        let table_width = ui
            .available_width()
            .max(widths.iter().map(|w| w + spacing).sum::<f32>());
        egui::ScrollArea::horizontal()
            .id_salt("connections_sideways")
            // Full height: a shrunk area puts its bar over the last rows of a short table.
            .auto_shrink([false, false])
            // Dragging a row would fight the column resizing: wheel and bar only.
            .scroll_source(
                egui::scroll_area::ScrollSource::MOUSE_WHEEL
                    | egui::scroll_area::ScrollSource::SCROLL_BAR,
            )
            .show(ui, |ui| {
                ui.set_max_width(table_width);
                let mut table = TableBuilder::new(ui)
                    .id_salt("connections")
                    .striped(true)
                    .resizable(true)
                    .sense(egui::Sense::click())
                    .cell_layout(egui::Layout::left_to_right(Align::Center));
                for w in &widths[..COLUMNS - 1] {
                    table = table.column(Column::auto().at_least(*w));
                }
                table
                    .column(Column::remainder().at_least(widths[COLUMNS - 1]))
                    .header(20.0, |mut h| {
                        for (i, name) in headers().iter().enumerate() {
                            h.col(|ui| {
                                let arrow = match self.sort {
                                    Some((c, true)) if c == i => " ^",
                                    Some((c, false)) if c == i => " v",
                                    _ => "",
                                };
                                if ui
                                    .add(
                                        egui::Button::new(
                                            RichText::new(format!("{name}{arrow}")).strong(),
                                        )
                                        .frame(false),
                                    )
                                    .clicked()
                                {
                                    sort_clicked = Some(i);
                                }
                            });
                        }
                    })
                    .body(|body| {
                        body.rows(18.0, rows.len(), |mut row| {
                            let Some((this, cells)) = rows.get(row.index()) else {
                                return;
                            };
                            let this = *this;
                            row.set_selected(sel.connection == Some(this));
                            for cell in cells {
                                row.col(|ui| {
                                    ui.add(
                                        egui::Label::new(RichText::new(cell.as_str()).monospace())
                                            .truncate()
                                            .selectable(false),
                                    );
                                });
                            }
                            let response = row.response();
                            if response.clicked() {
                                clicked = Some(ConnAction::Select(this));
                            }
                            if this.proto == crate::analysis::FlowProto::Tcp {
                                response.context_menu(|ui| {
                                    if ui.button(crate::i18n::text("conn-ladder")).clicked() {
                                        clicked = Some(ConnAction::Ladder(this));
                                        ui.close();
                                    }
                                    if ui.button(crate::i18n::text("conn-show-packets")).clicked() {
                                        clicked = Some(ConnAction::Select(this));
                                        ui.close();
                                    }
                                });
                            }
                        });
                    });
            });
        (clicked, sort_clicked)
    }
}
