//! The flow graph (Wireshark's Statistics › Flow Graph): every frame of the capture, or of
//! the display filter, as an arrow between the columns of all its hosts, one row per frame
//! in capture order, with the time on the left and the Info column on the right. The host
//! names stay on top while scrolling; clicking a row selects its packet.
//!
//! Unlike the ladder (one connection, arrows placed where the segments travelled), rows here
//! are evenly spaced at the capture point: the graph answers "who talked to whom, when, in
//! which order" for the whole capture.

pub mod model;

use egui::{Pos2, Rect, Sense, Vec2};

use self::model::{FlowGraph, FlowRow, Hosts};
use crate::analysis::Flag;
use crate::decode::{Packet, Transport};
use crate::figure::{self, Align, Anchor, Canvas, Color, Point, Stroke, TextStyle};
use crate::i18n::tr;
use crate::ladder::model::ArrowKind;
use crate::ladder::paint::arrow_color;
use crate::ui::columns;
use crate::ui::filter_bar::FilterState;
use crate::ui::ladder::view::ScreenCanvas;
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
/// Width given to the Info column.
const INFO_WIDTH: f32 = 600.0;
/// Most frames an SVG export draws (each is a row of text and lines).
pub const MAX_SVG_ROWS: usize = 20_000;

const WHITE: Color = Color::WHITE;
const BLACK: Color = Color::BLACK;
const HOST_LINE: Color = Color::from_gray(170);
const STRIP: Color = Color::from_gray(240);
const WEAK: Color = Color::from_gray(100);
const INFO: Color = Color::from_gray(40);
const SELECTED: Color = Color::from_rgb(0xff, 0xf0, 0xa8);

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

/// What the flow graph tab asks the window to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowAction {
    /// Select this packet (store index): a row was clicked.
    Select(usize),
    /// Save the graph as SVG (the window asks for a path).
    ExportSvg,
    /// Save the graph as shown as PNG.
    ExportPng,
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
    /// The graph's width on screen last frame (the SVG is laid out the same).
    width: Option<f32>,
    /// The rectangle the graph took on screen last frame (the PNG export's area).
    pub last_rect: Option<Rect>,
}

/// The graph's horizontal layout, the same on screen and in the SVG: the x of each host
/// column's line, of the Info column, and the whole width, in figure points.
#[derive(Debug, Clone, PartialEq)]
struct Geometry {
    col_x: Vec<f32>,
    info_x: f32,
    width: f32,
}

impl Geometry {
    /// Columns share the width left of a 320-point Info column, never closer than a host
    /// name (or [`MIN_SPACING`]) apart; beyond that the graph scrolls sideways.
    fn of(columns: &[String], avail: f32) -> Geometry {
        let widest = columns
            .iter()
            .map(|c| figure::text_width(c, FONT + 1.0))
            .fold(0.0f32, f32::max);
        let n = columns.len();
        let least = MIN_SPACING.max(widest + 16.0);
        let spacing = if n > 1 {
            ((avail - TIME_WIDTH - 320.0) / (n - 1) as f32).clamp(least, least.max(420.0))
        } else {
            MIN_SPACING
        };
        let first_x = TIME_WIDTH + widest / 2.0 + 12.0;
        let col_x: Vec<f32> = (0..n).map(|c| first_x + spacing * c as f32).collect();
        let info_x = first_x + spacing * n.saturating_sub(1) as f32 + widest / 2.0 + 24.0;
        Geometry {
            col_x,
            info_x,
            width: (info_x + INFO_WIDTH).max(avail),
        }
    }
}

/// The y of the middle of row `row`.
fn row_y(row: usize) -> f32 {
    HEADER_HEIGHT + ROW_HEIGHT * (row as f32 + 0.5)
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

/// The host columns' lines from `top` to `bottom`.
fn host_lines(canvas: &mut dyn Canvas, geo: &Geometry, top: f32, bottom: f32) {
    for &x in &geo.col_x {
        canvas.line(
            Point::new(x, top),
            Point::new(x, bottom),
            Stroke::new(1.0, HOST_LINE),
        );
    }
}

/// The strip of host names whose top is at `top`, from `left` and `width` wide.
fn host_strip(
    canvas: &mut dyn Canvas,
    geo: &Geometry,
    columns: &[String],
    (left, top, width): (f32, f32, f32),
) {
    let strip = figure::Rect::from_min_size(Point::new(left, top), width, HEADER_HEIGHT);
    canvas.fill(strip, STRIP);
    let y = top + HEADER_HEIGHT / 2.0;
    let centre = Anchor(Align::Center, Align::Center);
    for (name, &x) in columns.iter().zip(&geo.col_x) {
        canvas.text(
            Point::new(x, y),
            centre,
            name,
            TextStyle::new(FONT + 1.0, BLACK),
        );
    }
    canvas.text(
        Point::new(geo.info_x, y),
        Anchor(Align::Min, Align::Center),
        &tr!("flows-comment"),
        TextStyle::new(FONT + 1.0, Color::from_gray(90)),
    );
}

/// One row: time, the arrow with its label and ports, the Info text. Returns the arrow's
/// ends.
fn paint_row(
    canvas: &mut dyn Canvas,
    data: &StoreData,
    row: &FlowRow,
    geo: &Geometry,
    (y, t0): (f32, Option<crate::capture::Timestamp>),
    selected: bool,
) -> Option<(Point, Point)> {
    let (owned, packet) = data.packet(row.index)?;
    let frame = owned.as_frame();
    let analysis = data.analysis(row.index);
    let rich = data.rich(row.index);
    let (from_x, to_x) = (geo.col_x[row.from], geo.col_x[row.to]);
    if selected {
        canvas.fill(
            figure::Rect::from_min_size(
                Point::new(0.0, y - ROW_HEIGHT / 2.0),
                geo.width,
                ROW_HEIGHT,
            ),
            SELECTED,
        );
    }
    let left_centre = Anchor(Align::Min, Align::Center);
    if let (Some(t), Some(t0)) = (frame.ts, t0) {
        canvas.text(
            Point::new(6.0, y),
            left_centre,
            &format!("{:.6}", (t.as_nanos() - t0.as_nanos()) as f64 / 1e9),
            TextStyle::new(FONT, WEAK),
        );
    }
    let kind = match &packet.transport {
        Transport::Tcp(t) => ArrowKind::classify(t.flags, |f: Flag| {
            rich.as_ref().is_some_and(|r| r.tags.has(f))
        }),
        _ => ArrowKind::Normal,
    };
    let color = arrow_color(kind, !packet.payload(frame.data).is_empty());
    let stroke = Stroke::new(1.5, color);
    let a = Point::new(from_x, y + 5.0);
    let b = Point::new(to_x, y + 5.0);
    if (from_x - to_x).abs() < 1.0 {
        // A host talking to itself (loopback): a small loop on its line.
        let centre = Point::new(from_x + 14.0, y + 2.0);
        let at = |k: usize| {
            let t = k as f32 / 12.0 * std::f32::consts::TAU;
            centre + Point::new(6.0 * t.cos(), 6.0 * t.sin())
        };
        for k in 0..12 {
            canvas.line(at(k), at(k + 1), stroke);
        }
    } else {
        canvas.arrow(a, b, stroke);
    }
    // The label on a white box, so host lines it sits across do not strike it through.
    canvas.text(
        Point::new((from_x + to_x) / 2.0, y - 1.0),
        Anchor(Align::Center, Align::Max),
        &arrow_label(&packet),
        TextStyle::new(FONT, color).on(WHITE),
    );
    if let Some((sp, dp)) = ports(&packet) {
        let right = to_x >= from_x;
        let (sa, da, off) = if right {
            (Align::Max, Align::Min, -4.0)
        } else {
            (Align::Min, Align::Max, 4.0)
        };
        let port = |canvas: &mut dyn Canvas, x: f32, h: Align, p: u16| {
            canvas.text(
                Point::new(x, y + 5.0),
                Anchor(h, Align::Center),
                &p.to_string(),
                TextStyle::new(FONT, WEAK),
            );
        };
        port(canvas, from_x + off, sa, sp);
        port(canvas, to_x - off, da, dp);
    }
    canvas.mono_text(
        Point::new(geo.info_x, y),
        left_centre,
        &format!(
            "#{}  {}",
            frame.number,
            columns::info(&frame, &packet, &analysis, rich.as_ref())
        ),
        TextStyle::new(FONT, INFO),
    );
    Some((a, b))
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

    /// The graph as shown (every row, the same layout as on screen) as an SVG figure.
    pub fn svg(
        &mut self,
        data: &StoreData,
        filter: &FilterState,
        selection: &Selection,
    ) -> anyhow::Result<figure::Svg> {
        self.refresh(data, filter, selection.until);
        let rows = self.graph.rows.len();
        if rows == 0 {
            anyhow::bail!(tr!("flows-empty"));
        }
        if rows > MAX_SVG_ROWS {
            anyhow::bail!(tr!("flows-svg-too-many", frames = rows, max = MAX_SVG_ROWS));
        }
        let geo = Geometry::of(&self.graph.columns, self.width.unwrap_or(1200.0));
        let height = HEADER_HEIGHT + ROW_HEIGHT * rows as f32;
        let mut svg = figure::Svg::new(geo.width, height);
        host_lines(&mut svg, &geo, HEADER_HEIGHT, height);
        let t0 = data.record(0).and_then(|r| r.ts);
        for (k, r) in self.graph.rows.iter().enumerate() {
            let selected = selection.packet == Some(r.index);
            paint_row(&mut svg, data, r, &geo, (row_y(k), t0), selected);
        }
        host_strip(&mut svg, &geo, &self.graph.columns, (0.0, 0.0, geo.width));
        Ok(svg)
    }

    /// Draws the tab. Returns what the user asked for.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &StoreData,
        filter: &FilterState,
        selection: &Selection,
    ) -> Option<FlowAction> {
        if !self.refresh(data, filter, selection.until) {
            ui.ctx().request_repaint();
        }
        let mut action = None;
        ui.horizontal(|ui| {
            ui.strong(tr!("tab-flows"));
            ui.checkbox(&mut self.limit_to_filter, tr!("flows-limit"));
            ui.weak(tr!(
                "flows-count",
                frames = self.graph.rows.len(),
                hosts = self.graph.columns.len()
            ));
            let any = !self.graph.rows.is_empty();
            if ui
                .add_enabled(any, egui::Button::new(tr!("graph-export-svg")))
                .clicked()
            {
                action = Some(FlowAction::ExportSvg);
            }
            if ui
                .add_enabled(any, egui::Button::new(tr!("graph-export-png")))
                .clicked()
            {
                action = Some(FlowAction::ExportPng);
            }
        });
        if self.graph.rows.is_empty() {
            ui.label(tr!("flows-empty"));
            self.layout = FlowLayout::default();
            self.last_rect = None;
            return action;
        }
        let avail = ui.available_width();
        self.width = Some(avail);
        let geo = Geometry::of(&self.graph.columns, avail);
        let total = Vec2::new(
            geo.width,
            HEADER_HEIGHT + ROW_HEIGHT * self.graph.rows.len() as f32,
        );
        let mut layout = FlowLayout {
            columns: self.graph.columns.clone(),
            rows: self.graph.rows.len(),
            ..FlowLayout::default()
        };
        let framed = egui::Frame::new()
            .fill(egui::Color32::WHITE)
            .show(ui, |ui| {
                egui::ScrollArea::both()
                    .auto_shrink([false, false])
                    .show_viewport(ui, |ui, viewport| {
                        let (rect, response) = ui.allocate_exact_size(total, Sense::click());
                        let origin = rect.min;
                        let painter = ui.painter_at(rect);
                        let mut canvas = ScreenCanvas {
                            painter: &painter,
                            offset: origin.to_vec2(),
                        };
                        layout.column_x = geo.col_x.iter().map(|x| origin.x + x).collect();
                        let first = ((viewport.min.y - HEADER_HEIGHT) / ROW_HEIGHT)
                            .floor()
                            .max(0.0) as usize;
                        let last =
                            (((viewport.max.y - HEADER_HEIGHT) / ROW_HEIGHT).ceil() as usize + 1)
                                .min(self.graph.rows.len());
                        host_lines(&mut canvas, &geo, viewport.min.y, viewport.max.y);
                        let t0 = data.record(0).and_then(|r| r.ts);
                        let first = first.min(last);
                        for (k, r) in self.graph.rows[first..last].iter().enumerate() {
                            let y = row_y(first + k);
                            let selected = selection.packet == Some(r.index);
                            if let Some((a, b)) =
                                paint_row(&mut canvas, data, r, &geo, (y, t0), selected)
                            {
                                let at = |p: Point| Pos2::new(origin.x + p.x, origin.y + p.y);
                                layout.arrows.push((r.index, at(a), at(b)));
                            }
                        }
                        // Host names on top, wherever the view is scrolled to.
                        host_strip(
                            &mut canvas,
                            &geo,
                            &self.graph.columns,
                            (viewport.min.x, viewport.min.y, viewport.width()),
                        );
                        if response.clicked() {
                            if let Some(p) = response.interact_pointer_pos() {
                                let row = ((p.y - origin.y - HEADER_HEIGHT) / ROW_HEIGHT).floor();
                                if row >= 0.0 {
                                    if let Some(r) = self.graph.rows.get(row as usize) {
                                        action = Some(FlowAction::Select(r.index));
                                    }
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
        self.last_rect = Some(framed.response.rect);
        self.layout = layout;
        action
    }
}
