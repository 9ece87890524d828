//! The flow graph (Wireshark's Statistics › Flow Graph): every frame of the capture, or of
//! the display filter, as an arrow between the columns of all its hosts, one row per frame
//! in capture order, with the time on the left and the Info column on the right. The host
//! names stay on top while scrolling; clicking a row selects its packet.
//!
//! Unlike the ladder (one connection, arrows placed where the segments travelled), rows here
//! are evenly spaced at the capture point: the graph answers "who talked to whom, when, in
//! which order" for the whole capture.

pub mod model;

use egui::{Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2};

use self::model::{FlowGraph, Hosts};
use crate::analysis::Flag;
use crate::decode::{Packet, Transport};
use crate::i18n::tr;
use crate::ladder::model::ArrowKind;
use crate::ladder::paint::arrow_color;
use crate::ui::columns;
use crate::ui::figure::color32;
use crate::ui::filter_bar::FilterState;
use crate::ui::selection::Selection;
use crate::ui::store::StoreData;

/// Height of one row (one frame).
pub const ROW_HEIGHT: f32 = 26.0;
/// Height of the host names' strip.
pub const HEADER_HEIGHT: f32 = 30.0;
/// Width of the time column on the left.
pub const TIME_WIDTH: f32 = 96.0;
/// Narrowest distance between two host columns.
pub const MIN_SPACING: f32 = 150.0;
const FONT: f32 = 11.0;

/// Where the last frame drew things (for clicks and the tests).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlowLayout {
    /// The x of each host column's line, in host column order.
    pub column_x: Vec<f32>,
    /// Host names, in the same order.
    pub columns: Vec<String>,
    /// Rows drawn: store index, the arrow's start and end.
    pub arrows: Vec<(usize, Pos2, Pos2)>,
    /// Rows in the graph.
    pub rows: usize,
}

/// The flow graph tab's state.
#[derive(Debug, Default)]
pub struct FlowGraphView {
    hosts: Hosts,
    /// Only the frames the display filter keeps (Wireshark's "Limit to display filter").
    pub limit_to_filter: bool,
    graph: FlowGraph,
    key: Option<(usize, u64, bool, Option<usize>)>,
    /// What the last frame drew.
    pub layout: FlowLayout,
}

/// The label on an arrow: TCP flags and length, UDP ports and length, else the protocol.
fn arrow_label(p: &Packet) -> String {
    match &p.transport {
        Transport::Tcp(t) => {
            let mut s = t.flags.names().to_string();
            if t.len > 0 {
                s.push_str(&format!(" Len={}", t.len));
            }
            s
        }
        Transport::Udp(u) => format!("UDP Len={}", u.len),
        _ => p.protocol_column(),
    }
}

/// The two ports of a TCP or UDP packet.
fn ports(p: &Packet) -> Option<(u16, u16)> {
    match &p.transport {
        Transport::Tcp(t) => Some((t.sport, t.dport)),
        Transport::Udp(u) => Some((u.sport, u.dport)),
        _ => None,
    }
}

impl FlowGraphView {
    /// Brings the graph up to date with the store and the filter; true when every frame's
    /// hosts are known (otherwise the caller asks for another frame).
    fn refresh(&mut self, data: &StoreData, filter: &FilterState, until: Option<usize>) -> bool {
        let complete = self.hosts.learn(data);
        let key = (
            self.hosts.known(),
            filter.generation,
            self.limit_to_filter,
            until,
        );
        if self.key != Some(key) {
            let last = until.map_or(usize::MAX, |u| u);
            let indices: Box<dyn Iterator<Item = usize>> = if self.limit_to_filter {
                filter.visible_indices(data)
            } else {
                Box::new(0..data.len())
            };
            self.graph = FlowGraph::of(&self.hosts, indices.take_while(|&i| i <= last));
            self.key = Some(key);
        }
        complete
    }

    /// Draws the tab. Returns the store index of a clicked row.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &StoreData,
        filter: &FilterState,
        selection: &Selection,
    ) -> Option<usize> {
        if !self.refresh(data, filter, selection.until) {
            ui.ctx().request_repaint();
        }
        ui.horizontal(|ui| {
            ui.strong(tr!("tab-flows"));
            ui.checkbox(&mut self.limit_to_filter, tr!("flows-limit"));
            ui.weak(tr!(
                "flows-count",
                frames = self.graph.rows.len(),
                hosts = self.graph.columns.len()
            ));
        });
        if self.graph.rows.is_empty() {
            ui.label(tr!("flows-empty"));
            self.layout = FlowLayout::default();
            return None;
        }
        let font = FontId::proportional(FONT);
        let widest = self
            .graph
            .columns
            .iter()
            .map(|c| {
                ui.painter()
                    .layout_no_wrap(c.clone(), font.clone(), Color32::BLACK)
                    .size()
                    .x
            })
            .fold(0.0f32, f32::max);
        let n = self.graph.columns.len();
        let avail = ui.available_width();
        // Columns share the width left of a 320-point Info column, never closer than a
        // host name (or MIN_SPACING) apart; beyond that the graph scrolls sideways.
        let spacing = if n > 1 {
            ((avail - TIME_WIDTH - 320.0) / (n - 1) as f32)
                .clamp(MIN_SPACING.max(widest + 16.0), 420.0)
        } else {
            MIN_SPACING
        };
        let first_x = TIME_WIDTH + widest / 2.0 + 12.0;
        let info_x = first_x + spacing * (n - 1) as f32 + widest / 2.0 + 24.0;
        let total = Vec2::new(
            (info_x + 600.0).max(avail),
            HEADER_HEIGHT + ROW_HEIGHT * self.graph.rows.len() as f32,
        );
        let mut clicked = None;
        let mut layout = FlowLayout {
            columns: self.graph.columns.clone(),
            rows: self.graph.rows.len(),
            ..FlowLayout::default()
        };
        egui::Frame::new().fill(Color32::WHITE).show(ui, |ui| {
            egui::ScrollArea::both()
                .auto_shrink([false, false])
                .show_viewport(ui, |ui, viewport| {
                    let (rect, response) = ui.allocate_exact_size(total, Sense::click());
                    let origin = rect.min;
                    let col_x: Vec<f32> = (0..n)
                        .map(|c| origin.x + first_x + spacing * c as f32)
                        .collect();
                    layout.column_x = col_x.clone();
                    let painter = ui.painter_at(rect);
                    let first = ((viewport.min.y - HEADER_HEIGHT) / ROW_HEIGHT)
                        .floor()
                        .max(0.0) as usize;
                    let last = (((viewport.max.y - HEADER_HEIGHT) / ROW_HEIGHT).ceil() as usize
                        + 1)
                    .min(self.graph.rows.len());
                    // Host lines.
                    for &x in &col_x {
                        painter.line_segment(
                            [
                                Pos2::new(x, origin.y + viewport.min.y),
                                Pos2::new(x, origin.y + viewport.max.y),
                            ],
                            Stroke::new(1.0, Color32::from_gray(170)),
                        );
                    }
                    let t0 = data.record(0).and_then(|r| r.ts);
                    let first = first.min(last);
                    for (k, r) in self.graph.rows[first..last].iter().enumerate() {
                        let row = first + k;
                        let y = origin.y + HEADER_HEIGHT + ROW_HEIGHT * (row as f32 + 0.5);
                        if let Some((a, b)) = self.draw_row(
                            &painter,
                            data,
                            r.index,
                            (col_x[r.from], col_x[r.to]),
                            (origin.x, y, origin.x + info_x),
                            t0,
                            selection.packet == Some(r.index),
                        ) {
                            layout.arrows.push((r.index, a, b));
                        }
                    }
                    // Host names on top, wherever the view is scrolled to.
                    let strip = Rect::from_min_size(
                        Pos2::new(origin.x + viewport.min.x, origin.y + viewport.min.y),
                        Vec2::new(viewport.width(), HEADER_HEIGHT),
                    );
                    painter.rect_filled(strip, 0.0, Color32::from_gray(240));
                    for (c, &x) in col_x.iter().enumerate() {
                        painter.text(
                            Pos2::new(x, strip.center().y),
                            egui::Align2::CENTER_CENTER,
                            &self.graph.columns[c],
                            FontId::proportional(FONT + 1.0),
                            Color32::BLACK,
                        );
                    }
                    painter.text(
                        Pos2::new(origin.x + info_x, strip.center().y),
                        egui::Align2::LEFT_CENTER,
                        tr!("flows-comment"),
                        FontId::proportional(FONT + 1.0),
                        Color32::from_gray(90),
                    );
                    if response.clicked() {
                        if let Some(p) = response.interact_pointer_pos() {
                            let row = ((p.y - origin.y - HEADER_HEIGHT) / ROW_HEIGHT).floor();
                            if row >= 0.0 {
                                clicked = self.graph.rows.get(row as usize).map(|r| r.index);
                            }
                        }
                    }
                    let summary = tr!(
                        "flows-summary",
                        frames = self.graph.rows.len(),
                        hosts = self.graph.columns.join(", ")
                    );
                    response.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::Image, true, summary.clone())
                    });
                });
        });
        self.layout = layout;
        clicked
    }

    /// One row: time, the arrow with its label and ports, the Info text. Returns the arrow.
    #[allow(clippy::too_many_arguments)]
    fn draw_row(
        &self,
        painter: &egui::Painter,
        data: &StoreData,
        index: usize,
        (from_x, to_x): (f32, f32),
        (left, y, info_x): (f32, f32, f32),
        t0: Option<crate::capture::Timestamp>,
        selected: bool,
    ) -> Option<(Pos2, Pos2)> {
        let (owned, packet) = data.packet(index)?;
        let frame = owned.as_frame();
        let analysis = data.analysis(index);
        let rich = data.rich(index);
        if selected {
            painter.rect_filled(
                Rect::from_min_max(
                    Pos2::new(left, y - ROW_HEIGHT / 2.0),
                    Pos2::new(painter.clip_rect().max.x, y + ROW_HEIGHT / 2.0),
                ),
                0.0,
                Color32::from_rgb(0xff, 0xf0, 0xa8),
            );
        }
        let small = FontId::proportional(FONT);
        let weak = Color32::from_gray(100);
        if let (Some(t), Some(t0)) = (frame.ts, t0) {
            painter.text(
                Pos2::new(left + 6.0, y),
                egui::Align2::LEFT_CENTER,
                format!("{:.6}", (t.as_nanos() - t0.as_nanos()) as f64 / 1e9),
                small.clone(),
                weak,
            );
        }
        let kind = match &packet.transport {
            Transport::Tcp(t) => ArrowKind::classify(t.flags, |f: Flag| {
                rich.as_ref().is_some_and(|r| r.tags.has(f))
            }),
            _ => ArrowKind::Normal,
        };
        let color = color32(arrow_color(kind, !packet.payload(frame.data).is_empty()));
        let a = Pos2::new(from_x, y + 5.0);
        let b = Pos2::new(to_x, y + 5.0);
        if (from_x - to_x).abs() < 1.0 {
            // A host talking to itself (loopback): a small loop on its line.
            let r = Rect::from_center_size(Pos2::new(from_x + 14.0, y + 2.0), Vec2::splat(12.0));
            painter.rect_stroke(r, 6.0, Stroke::new(1.5, color), egui::StrokeKind::Middle);
        } else {
            // A fixed-size head (egui's `arrow` scales its head with the length).
            let stroke = Stroke::new(1.5, color);
            let back = if b.x > a.x { -8.0 } else { 8.0 };
            painter.line_segment([a, b], stroke);
            painter.line_segment([b, b + Vec2::new(back, -4.0)], stroke);
            painter.line_segment([b, b + Vec2::new(back, 4.0)], stroke);
        }
        // The label on a white box, so host lines it sits across do not strike it through.
        let galley = painter.layout_no_wrap(arrow_label(&packet), small.clone(), color);
        let label = egui::Align2::CENTER_BOTTOM
            .anchor_size(Pos2::new((from_x + to_x) / 2.0, y - 1.0), galley.size());
        painter.rect_filled(label.expand2(Vec2::new(3.0, 0.0)), 2.0, Color32::WHITE);
        painter.galley(label.min, galley, color);
        if let Some((sp, dp)) = ports(&packet) {
            let (sa, da) = if to_x >= from_x {
                (egui::Align2::RIGHT_CENTER, egui::Align2::LEFT_CENTER)
            } else {
                (egui::Align2::LEFT_CENTER, egui::Align2::RIGHT_CENTER)
            };
            let off = if to_x >= from_x { -4.0 } else { 4.0 };
            painter.text(
                Pos2::new(from_x + off, y + 5.0),
                sa,
                sp.to_string(),
                small.clone(),
                weak,
            );
            painter.text(
                Pos2::new(to_x - off, y + 5.0),
                da,
                dp.to_string(),
                small.clone(),
                weak,
            );
        }
        painter.text(
            Pos2::new(info_x, y),
            egui::Align2::LEFT_CENTER,
            format!(
                "#{}  {}",
                frame.number,
                columns::info(&frame, &packet, &analysis, rich.as_ref())
            ),
            // The packet list's font (it has the Info column's arrows).
            FontId::monospace(FONT),
            Color32::from_gray(40),
        );
        Some((a, b))
    }
}
