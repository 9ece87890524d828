//! The connections table: the `synack flows` columns, sortable and filterable; selecting a
//! row selects the connection (the packet list then shows only its packets).

use egui::{Align, RichText};
use egui_extras::{Column, TableBuilder};

use crate::analysis::{endpoint_string, Connection, Flag};
use crate::calls::TcpInfoSample;

use super::selection::{ConnRef, Selection};
use super::store::StoreData;

/// The columns' catalogue keys, in order.
pub const HEADER_KEYS: [&str; 14] = [
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
    LIMITED_BY,
    "conn-problems",
];

/// The verdict column's key.
const LIMITED_BY: &str = "conn-limited-by";

/// The column headers in the interface's language.
pub fn headers() -> [String; 14] {
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

/// A connection's cells as text (the table, the filter and "copy as text" use the same).
pub fn row_cells(c: &Connection, tcp_info: &[TcpInfoSample]) -> [String; 14] {
    let problems: u64 = Flag::ALL
        .iter()
        .filter(|f| !matches!(f, Flag::WindowUpdate | Flag::KeepAlive | Flag::KeepAliveAck))
        .map(|f| c.flag_count(*f))
        .sum();
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
        limited_cell(c, tcp_info),
        problems.to_string(),
    ]
}

/// The whole table as tab-separated text (header line first).
pub fn table_text(conns: &[&Connection], tcp_info: &[TcpInfoSample]) -> String {
    let mut s = headers().join("\t");
    s.push('\n');
    for c in conns {
        s.push_str(&row_cells(c, tcp_info).join("\t"));
        s.push('\n');
    }
    s
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
type CacheKey = (u64, String, Option<(usize, bool)>, Option<u64>);

/// State of the connections view.
#[derive(Debug, Default)]
pub struct ConnectionsView {
    /// Substring filter over all cells.
    pub search: String,
    /// Sort column and ascending flag.
    pub sort: Option<(usize, bool)>,
    cache_key: Option<CacheKey>,
    cache: Vec<(ConnRef, [String; 14])>,
}

impl ConnectionsView {
    /// Recomputes the shown rows when the connections, the search or the order changed.
    fn refresh(&mut self, data: &StoreData, until: Option<u64>) {
        let key = (data.conn_version, self.search.clone(), self.sort, until);
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
                    row_cells(c, tcp_info(data)),
                )
            })
            .collect();
        self.cache_key = Some(key);
    }

    /// Connections that pass the search, in the chosen order.
    pub fn rows<'a>(&self, data: &'a StoreData) -> Vec<&'a Connection> {
        let needle = self.search.to_lowercase();
        let mut rows: Vec<(&Connection, [String; 14])> = data
            .connections
            .iter()
            .map(|c| (c, row_cells(c, tcp_info(data))))
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

    /// Draws the table. Returns what a click asked for, if anything.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &StoreData,
        sel: &Selection,
    ) -> Option<ConnAction> {
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
        let until = sel.until.and_then(|u| data.record(u)).map(|r| r.number);
        if let Some(n) = until {
            ui.colored_label(
                egui::Color32::from_rgb(0xa0, 0x50, 0x00),
                crate::i18n::text_in(crate::i18n::lang(), "conn-replay", &[("frame", n.into())]),
            );
        }
        if copy {
            ui.ctx()
                .copy_text(table_text(&self.rows(data), tcp_info(data)));
        }
        self.refresh(data, until);
        let rows = &self.cache;
        let mut clicked = None;
        let mut sort_clicked = None;
        let mut table = TableBuilder::new(ui)
            .id_salt("connections")
            .striped(true)
            .resizable(true)
            .sense(egui::Sense::click())
            .cell_layout(egui::Layout::left_to_right(Align::Center));
        for key in &HEADER_KEYS[..HEADER_KEYS.len() - 1] {
            // Truncated cells do not widen an auto column: the verdict gets room for both
            // senders' causes ("c2s cwnd 0.112s (kernel), s2c app 0.004s").
            let least = if *key == LIMITED_BY { 260.0 } else { 50.0 };
            table = table.column(Column::auto().at_least(least));
        }
        table
            .column(Column::remainder().at_least(60.0))
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
                                egui::Button::new(RichText::new(format!("{name}{arrow}")).strong())
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
        if let Some(i) = sort_clicked {
            self.sort = match self.sort {
                Some((c, asc)) if c == i => Some((i, !asc)),
                _ => Some((i, true)),
            };
        }
        clicked.or(ladder.map(ConnAction::Ladder))
    }
}
