//! TCP stream graphs of the selected connection (Wireshark's Statistics › TCP Stream Graphs):
//! time-sequence in Stevens and tcptrace styles, throughput and round-trip time.
//!
//! [`model`] computes the series (pure); this module draws them with egui_plot and handles
//! hover (the nearest segment's frame) and click (selects its packet); [`svg`] writes the same
//! series as a figure. Large connections are decimated for drawing only: hover and click search
//! every point.

pub mod compare;
pub mod kernel;
pub mod kernel_view;
pub mod model;
pub mod svg;
pub mod ticks;

use egui::{Pos2, Rect, Stroke};
use egui_plot::{Corner, Legend, Line, MarkerShape, Plot, PlotPoints, Points};

use self::kernel::KernelOverlay;
use self::kernel_view::OverlayToggles;
use self::model::{decimate, steps, with_idle_drops, SeqModel};
use super::file_dialog::FigureKind;
use super::selection::{ConnRef, Selection};
use super::store::StoreData;
use crate::analysis::{Direction, FlowProto};
use crate::i18n::tr;
use crate::ui::palette;

/// Most points drawn per series (hover and click still use all of them).
const MAX_DRAWN: usize = 20_000;
/// Farthest distance (points) from a segment at which hover and click pick it.
const PICK_DISTANCE: f32 = 14.0;

/// Which graph is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphKind {
    /// Sequence number against time, one dot per data segment.
    Stevens,
    /// tcptrace: I-bars per segment, ACK and window lines, SACK blocks.
    Tcptrace,
    /// Bits per second over a sliding window, with goodput.
    Throughput,
    /// Round-trip time per ACKed segment.
    Rtt,
}

impl GraphKind {
    /// Every graph, in tab order.
    pub const ALL: [GraphKind; 4] = [
        GraphKind::Stevens,
        GraphKind::Tcptrace,
        GraphKind::Throughput,
        GraphKind::Rtt,
    ];

    /// Tab label, in the interface's language.
    pub fn label(self) -> String {
        tr!(match self {
            GraphKind::Stevens => "graph-stevens",
            GraphKind::Tcptrace => "graph-tcptrace",
            GraphKind::Throughput => "graph-throughput",
            GraphKind::Rtt => "graph-rtt",
        })
    }

    /// Short name for file names.
    pub fn slug(self) -> &'static str {
        match self {
            GraphKind::Stevens => "stevens",
            GraphKind::Tcptrace => "tcptrace",
            GraphKind::Throughput => "throughput",
            GraphKind::Rtt => "rtt",
        }
    }

    /// The y axis' label, in the interface's language.
    pub fn y_label(self) -> String {
        tr!(match self {
            GraphKind::Stevens | GraphKind::Tcptrace => "graph-y-seq",
            GraphKind::Throughput => "graph-y-bits",
            GraphKind::Rtt => "graph-y-rtt",
        })
    }
}

/// What the graphs view asks the window to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphAction {
    /// Save the graph (the window asks for a path).
    Export(FigureKind),
    /// Show the packet list (the selected packet is there).
    OpenPackets,
}

/// What a study view shows when no TCP connection is selected: how to pick one, so the empty
/// tab is not mistaken for an empty capture. `what` names the view's content ("its graphs"),
/// already in the interface's language.
pub fn no_connection_notice(ui: &mut egui::Ui, what: &str) {
    ui.add_space(20.0);
    ui.heading(tr!("graph-no-connection"));
    ui.label(tr!("graph-no-connection-text", what = what.to_owned()));
}

/// The TCP connection the study views show: the selected connection, else the selected
/// packet's.
pub fn selected_tcp_connection(data: &StoreData, selection: &Selection) -> Option<ConnRef> {
    selection
        .connection
        .filter(|c| c.proto == FlowProto::Tcp)
        .or_else(|| {
            let f = data.analysis(selection.packet?).flow?;
            (f.proto == FlowProto::Tcp).then_some(ConnRef {
                proto: f.proto,
                stream: f.stream,
            })
        })
}

type CacheKey = (ConnRef, Direction, Option<usize>, usize);

/// The side-by-side row's cache key: store length, replay cursor, tcptrace (with ACKs).
type CompareKey = (usize, Option<usize>, bool);

/// The graphs tab.
#[derive(Debug)]
pub struct GraphsView {
    /// Graph shown.
    pub kind: GraphKind,
    /// Direction graphed; `None`: the one carrying more data.
    pub dir: Option<Direction>,
    cache: Option<(CacheKey, std::sync::Arc<SeqModel>)>,
    /// The kernel lines and the verdict of the cached model's connection and direction.
    overlay: Option<(CacheKey, std::sync::Arc<KernelOverlay>)>,
    /// Which overlays are drawn.
    pub toggles: OverlayToggles,
    /// Every connection's graph side by side (`None`: as the capture asks, on for a
    /// `cc-compare` run).
    pub side_by_side: Option<bool>,
    compare: Option<(CompareKey, std::sync::Arc<compare::Comparison>)>,
    /// Where the side-by-side graphs were drawn last frame.
    pub compare_drawn: compare::Drawn,
    /// The segment (model index) under the pointer.
    pub hovered: Option<usize>,
    /// Text describing the hovered point.
    pub hover_text: Option<String>,
    last_rect: Option<Rect>,
    last_bounds: Option<[f64; 4]>,
    last_transform: Option<egui_plot::PlotTransform>,
    /// The kernel panel's plots as drawn last frame (bytes, then times).
    panel_transforms: Vec<egui_plot::PlotTransform>,
    /// Width of the y axes of the graph and its panel: the widest either needed, so their
    /// frames start at the same x and one time falls on the same x in all three.
    y_axis_width: f32,
    reset: bool,
}

impl Default for GraphsView {
    fn default() -> Self {
        GraphsView {
            kind: GraphKind::Tcptrace,
            dir: None,
            cache: None,
            overlay: None,
            toggles: OverlayToggles::default(),
            side_by_side: None,
            compare: None,
            compare_drawn: compare::Drawn::default(),
            hovered: None,
            hover_text: None,
            last_rect: None,
            last_bounds: None,
            last_transform: None,
            panel_transforms: Vec::new(),
            y_axis_width: kernel_view::Y_AXIS_WIDTH,
            reset: false,
        }
    }
}

impl GraphsView {
    /// The range the graph showed last frame: (x0, x1, y0, y1) in seconds and the graph's
    /// y unit.
    pub fn view_bounds(&self) -> Option<[f64; 4]> {
        self.last_bounds
    }

    /// The model of the selected connection's graphed direction at the replay cursor
    /// (recomputed only when the connection, direction, cursor or store changes).
    pub fn model(&mut self, data: &StoreData, selection: &Selection) -> Option<&SeqModel> {
        let conn = selected_tcp_connection(data, selection)?;
        let dir = self
            .dir
            .unwrap_or_else(|| model::busiest_direction(data, conn));
        let key = (conn, dir, selection.until, data.len());
        if self.cache.as_ref().is_none_or(|(k, _)| *k != key) {
            self.cache = Some((
                key,
                std::sync::Arc::new(model::build(data, conn, dir, selection.until)),
            ));
        }
        self.cache.as_ref().map(|(_, m)| &**m)
    }

    /// The kernel lines and the verdict of the model's connection and direction (computed
    /// again when the model is).
    pub fn overlay(
        &mut self,
        data: &StoreData,
        selection: &Selection,
    ) -> Option<std::sync::Arc<KernelOverlay>> {
        self.model(data, selection)?;
        let (key, m) = self.cache.as_ref().map(|(k, m)| (*k, m.clone()))?;
        if self.overlay.as_ref().is_none_or(|(k, _)| *k != key) {
            let (conn, dir, until, _) = key;
            let o = kernel::build(data, conn, dir, until, &m);
            self.overlay = Some((key, std::sync::Arc::new(o)));
        }
        self.overlay.as_ref().map(|(_, o)| o.clone())
    }

    /// The kernel panel goes under the graph: the sender was read and its lines are on.
    fn with_panel(&self, overlay: Option<&KernelOverlay>) -> bool {
        overlay.is_some_and(|o| o.readings > 0 && self.toggles.kernel)
    }

    /// Where the plot was last drawn (for PNG export).
    pub fn last_rect(&self) -> Option<Rect> {
        self.last_rect
    }

    /// Where plot value (x, y) was on screen in the last frame (tests aim hover and clicks
    /// with it).
    pub fn screen_pos(&self, x: f64, y: f64) -> Option<Pos2> {
        self.last_transform
            .map(|t| t.position_from_point(&egui_plot::PlotPoint::new(x, y)))
    }

    /// Where time `x` was on screen in each plot of the kernel panel last frame (bytes,
    /// then times; empty without the panel).
    pub fn panel_screen_x(&self, x: f64) -> Vec<f32> {
        self.panel_transforms
            .iter()
            .map(|t| t.position_from_point(&egui_plot::PlotPoint::new(x, 0.0)).x)
            .collect()
    }

    /// A file name for an export of the current graph (without extension).
    pub fn file_stem(&self) -> String {
        match &self.cache {
            Some(((c, d, _, _), _)) => {
                format!("{}-stream{}-{}", self.kind.slug(), c.stream, d.short())
            }
            None => self.kind.slug().to_string(),
        }
    }

    /// The current graph as an SVG figure (the view's visible range when it was drawn),
    /// with the kernel's lines and the verdict bands as the view draws them.
    pub fn svg(
        &mut self,
        data: &StoreData,
        selection: &Selection,
    ) -> anyhow::Result<super::figure::Svg> {
        let kind = self.kind;
        let bounds = self.last_bounds;
        let title = self.title(data, selection);
        if self.model(data, selection).is_none() {
            anyhow::bail!(tr!("graph-select-first"));
        }
        let overlay = match kind {
            GraphKind::Stevens | GraphKind::Tcptrace => self.overlay(data, selection),
            GraphKind::Throughput | GraphKind::Rtt => None,
        };
        let m = self
            .cache
            .as_ref()
            .map(|(_, m)| m.clone())
            .ok_or_else(|| anyhow::anyhow!(tr!("graph-select-first")))?;
        let beside = overlay.as_deref().map(|o| svg::Beside {
            overlay: o,
            toggles: self.toggles,
        });
        Ok(svg::graph(&m, kind, bounds, &title, (900.0, 560.0), beside))
    }

    fn title(&mut self, data: &StoreData, selection: &Selection) -> String {
        let Some(conn) = selected_tcp_connection(data, selection) else {
            return String::new();
        };
        let dir = self
            .dir
            .unwrap_or_else(|| model::busiest_direction(data, conn));
        let ends = data.connection(conn.proto, conn.stream).map(|c| {
            let (a, b) = match dir {
                Direction::ClientToServer => (c.originator, c.responder),
                Direction::ServerToClient => (c.responder, c.originator),
            };
            format!(
                "{} -> {}",
                crate::analysis::endpoint_string(a),
                crate::analysis::endpoint_string(b)
            )
        });
        tr!(
            "graph-title",
            graph = self.kind.label(),
            stream = conn.stream,
            dir = dir.short(),
            ends = ends.map_or(String::new(), |e| format!(" ({e})"))
        )
    }

    /// The row choosing the graph.
    fn kind_row(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            for k in GraphKind::ALL {
                if ui.selectable_label(self.kind == k, k.label()).clicked() {
                    self.kind = k;
                    self.reset = true;
                }
            }
        });
    }

    /// Whether the side-by-side row is shown: a time-sequence graph of a capture with
    /// several TCP connections, asked for (or a `cc-compare` run's, until turned off).
    pub fn showing_side_by_side(&self, data: &StoreData) -> bool {
        matches!(self.kind, GraphKind::Stevens | GraphKind::Tcptrace)
            && compare::candidates(data).len() > 1
            && self
                .side_by_side
                .unwrap_or_else(|| compare::wanted_at_first(data))
    }

    /// The side-by-side row at the replay cursor (computed again when the store, the
    /// cursor or the graph style changes).
    pub fn comparison(
        &mut self,
        data: &StoreData,
        selection: &Selection,
    ) -> std::sync::Arc<compare::Comparison> {
        let key = (
            data.len(),
            selection.until,
            self.kind == GraphKind::Tcptrace,
        );
        if self.compare.as_ref().is_none_or(|(k, _)| *k != key) {
            let c = compare::build(data, selection.until, key.2);
            self.compare = Some((key, std::sync::Arc::new(c)));
        }
        self.compare
            .as_ref()
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    }

    /// The side-by-side row drawn last (tests compare it with where it was drawn).
    pub fn last_comparison(&self) -> Option<std::sync::Arc<compare::Comparison>> {
        self.compare.as_ref().map(|(_, c)| c.clone())
    }

    /// The tab as the side-by-side row; a click on a graph shows that connection alone.
    fn compare_ui(&mut self, ui: &mut egui::Ui, data: &StoreData, selection: &mut Selection) {
        self.kind_row(ui);
        let mut on = true;
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut on, tr!("graph-side-by-side"));
            ui.separator();
            ui.checkbox(&mut self.toggles.kernel, tr!("graph-compare-kernel"));
            ui.checkbox(&mut self.toggles.verdict, tr!("graph-compare-verdict"));
            ui.weak(tr!("graph-compare-hint"));
        });
        if !on {
            self.side_by_side = Some(false);
            return;
        }
        let c = self.comparison(data, selection);
        let clicked = compare::show(ui, &c, self.kind, self.toggles, &mut self.compare_drawn);
        if let Some(conn) = clicked {
            selection.connection = Some(conn);
            self.side_by_side = Some(false);
            self.dir = None;
            self.reset = true;
        }
    }

    /// Draws the tab. Returns what the window should do.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &StoreData,
        selection: &mut Selection,
    ) -> Option<GraphAction> {
        let mut action = None;
        if self.showing_side_by_side(data) {
            self.compare_ui(ui, data, selection);
            return None;
        }
        self.compare_drawn = compare::Drawn::default();
        let Some(conn) = selected_tcp_connection(data, selection) else {
            no_connection_notice(ui, &tr!("graph-its-graphs"));
            return None;
        };
        let title = self.title(data, selection);
        self.kind_row(ui);
        let comparable = matches!(self.kind, GraphKind::Stevens | GraphKind::Tcptrace)
            && compare::candidates(data).len() > 1;
        ui.horizontal(|ui| {
            ui.label(tr!("graph-stream", stream = conn.stream));
            let current = self
                .dir
                .unwrap_or_else(|| model::busiest_direction(data, conn));
            for (d, label) in [
                (Direction::ClientToServer, tr!("graph-c2s")),
                (Direction::ServerToClient, tr!("graph-s2c")),
            ] {
                if ui.radio(current == d, label).clicked() {
                    self.dir = Some(d);
                    self.reset = true;
                }
            }
            ui.separator();
            if ui.button(tr!("graph-reset")).clicked() {
                self.reset = true;
            }
            if ui.button(tr!("graph-export-svg")).clicked() {
                action = Some(GraphAction::Export(FigureKind::GraphSvg));
            }
            if ui.button(tr!("graph-export-png")).clicked() {
                action = Some(GraphAction::Export(FigureKind::GraphPng));
            }
            if selection.packet.is_some() && ui.button(tr!("graph-show-packet")).clicked() {
                action = Some(GraphAction::OpenPackets);
            }
            if comparable {
                let mut on = false;
                if ui.checkbox(&mut on, tr!("graph-side-by-side")).changed() {
                    self.side_by_side = Some(on);
                }
            }
        });
        let kind = self.kind;
        let reset = std::mem::take(&mut self.reset);
        if self.model(data, selection).is_none() {
            return action;
        }
        // Shared, not copied: a big connection's model is large.
        let Some(m) = self.cache.as_ref().map(|(_, m)| m.clone()) else {
            return action;
        };
        ui.label(tr!(
            "graph-counts",
            title = title,
            segments = m.segments.len(),
            retransmissions = m.retransmissions(),
            acks = m.acks.len(),
            samples = m.rtt.len(),
            window = if kind == GraphKind::Throughput {
                tr!("graph-window", seconds = format!("{:.3}", m.window))
            } else {
                String::new()
            }
        ));
        let hover_line = self
            .hover_text
            .clone()
            .unwrap_or_else(|| tr!("graph-hover-help"));
        ui.label(hover_line);
        let seq_graph = matches!(kind, GraphKind::Stevens | GraphKind::Tcptrace);
        let overlay = if seq_graph {
            self.overlay(data, selection)
        } else {
            None
        };
        if let Some(o) = &overlay {
            kernel_view::verdict_row(ui, o, &mut self.toggles);
        }
        let drawn = overlay.filter(|o| o.readings > 0 || o.verdict.is_some());
        let with_panel = self.with_panel(drawn.as_deref());
        self.plot_ui(ui, &m, kind, reset, selection, drawn.clone());
        self.panel_transforms.clear();
        if let (Some(o), true) = (&drawn, with_panel) {
            let drawn = kernel_view::panel(ui, o, self.y_axis_width);
            for (_, axis) in &drawn {
                self.y_axis_width = self.y_axis_width.max(*axis);
            }
            self.panel_transforms = drawn.into_iter().map(|(t, _)| t).collect();
        }
        action
    }

    fn plot_ui(
        &mut self,
        ui: &mut egui::Ui,
        m: &std::sync::Arc<SeqModel>,
        kind: GraphKind,
        reset: bool,
        selection: &mut Selection,
        overlay: Option<std::sync::Arc<KernelOverlay>>,
    ) {
        let with_panel = self.with_panel(overlay.as_deref());
        let mut plot = Plot::new(("synack_graph", kind.slug()))
            .legend(Legend::default().position(Corner::LeftTop))
            .x_axis_label(tr!("graph-x"))
            .y_axis_label(kind.y_label())
            .show_x(false)
            .show_y(false)
            .y_axis_formatter(|mark, range| {
                svg::tick_label(
                    mark.value,
                    mark.step_size,
                    range.start().abs().max(range.end().abs()),
                )
            })
            .label_formatter(|_| None);
        // The home view from the whole model: the items are thinned to the visible range,
        // so bounds taken from them would stop where the previous view stopped.
        let [x0, x1, y0, y1] = svg::data_bounds(m, kind);
        plot = plot.default_x_bounds(x0, x1).default_y_bounds(y0, y1);
        if reset {
            plot = plot.reset();
        }
        if with_panel {
            // Room for the panel's two plots under the graph, on the graph's time axis.
            let panel = 2.0 * (kernel_view::PANEL_PLOT_HEIGHT + ui.spacing().item_spacing.y)
                + 2.0 * ui.spacing().interact_size.y;
            plot = plot
                .height((ui.available_height() - panel).max(200.0))
                .y_axis_min_width(self.y_axis_width)
                .link_axis(kernel_view::x_link(), [true, false]);
        }
        let toggles = self.toggles;
        let drawn = m.clone();
        // The scope's rectangle holds the axes and their labels too (the PNG export's area).
        let scoped = ui.scope(|ui| {
            plot.show(ui, move |pui| {
                let b = pui.plot_bounds();
                let (x0, x1) = (b.min()[0], b.max()[0]);
                if let (Some(o), true) = (&overlay, toggles.verdict) {
                    kernel_view::add_bands(pui, o);
                }
                add_items(pui, &drawn, kind, x0, x1);
                if let (Some(o), true) = (&overlay, toggles.kernel) {
                    kernel_view::add_reach_lines(pui, o, x0, x1);
                }
            })
        });
        let resp = scoped.inner;
        let t = resp.transform;
        let frame = *t.frame();
        if with_panel {
            // The y axis took what its labels needed, at least the width asked for.
            let axis = frame.min.x - scoped.response.rect.min.x;
            self.y_axis_width = self.y_axis_width.max(axis);
        }
        self.last_rect = Some(scoped.response.rect);
        self.last_transform = Some(t);
        let b = t.bounds();
        self.last_bounds = Some([b.min()[0], b.max()[0], b.min()[1], b.max()[1]]);
        if kind == GraphKind::Tcptrace {
            paint_tcptrace(&ui.painter_at(frame), m, &|x, y| {
                t.position_from_point(&egui_plot::PlotPoint::new(x, y))
            });
        }
        // Hover and click: the nearest point over every segment (or sample).
        let pointer = resp.response.hover_pos();
        let picked = pointer.and_then(|p| {
            let v = t.value_from_position(p);
            let [px, py] = t.dpos_dvalue();
            pick(m, kind, v.x, v.y, px.abs(), py.abs())
        });
        self.hovered = None;
        self.hover_text = None;
        if let Some((index, text, pos)) = picked {
            let screen = t.position_from_point(&egui_plot::PlotPoint::new(pos[0], pos[1]));
            ui.painter_at(frame).circle_stroke(
                screen,
                6.0,
                Stroke::new(2.0, ui.visuals().strong_text_color()),
            );
            self.hover_text = Some(text.clone());
            if let Some(seg) = m.segments.iter().position(|s| s.index == index) {
                self.hovered = Some(seg);
            }
            resp.response.clone().on_hover_text_at_pointer(text);
            if resp.response.clicked() {
                selection.select_packet(index, true);
            }
        }
        if let Some(sel) = selection.packet {
            if let Some(s) = m.segments.iter().find(|s| s.index == sel) {
                let (a, b) = (
                    t.position_from_point(&egui_plot::PlotPoint::new(s.t, f64::from(s.seq))),
                    t.position_from_point(&egui_plot::PlotPoint::new(s.t, s.end() as f64)),
                );
                ui.painter_at(frame).rect_stroke(
                    Rect::from_two_pos(a, b).expand(4.0),
                    2.0,
                    Stroke::new(1.5, ui.visuals().strong_text_color()),
                    egui::StrokeKind::Outside,
                );
            }
        }
    }
}

/// The nearest pickable point to plot value (x, y) within [`PICK_DISTANCE`]: store index,
/// description, and the point's plot position.
fn pick(
    m: &SeqModel,
    kind: GraphKind,
    x: f64,
    y: f64,
    px: f64,
    py: f64,
) -> Option<(usize, String, [f64; 2])> {
    let max = f64::from(PICK_DISTANCE);
    match kind {
        GraphKind::Stevens | GraphKind::Tcptrace => {
            let (i, d) = m.nearest_segment(x, y, px, py, kind == GraphKind::Tcptrace)?;
            if d > max {
                return None;
            }
            let s = &m.segments[i];
            let mut notes = Vec::new();
            if s.retransmission {
                notes.push(tr!("graph-retransmission"));
            }
            if s.out_of_order {
                notes.push(tr!("graph-out-of-order"));
            }
            if s.lost_before {
                notes.push(tr!("graph-not-captured"));
            }
            let text = tr!(
                "graph-hover-segment",
                frame = s.number,
                seq = s.seq,
                len = s.len,
                flags = s.tcp_flags.names(),
                notes = if notes.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", notes.join(", "))
                },
                time = format!("{:.6}", s.t)
            );
            let y = if kind == GraphKind::Stevens {
                f64::from(s.seq)
            } else {
                s.end() as f64
            };
            Some((s.index, text, [s.t, y]))
        }
        GraphKind::Rtt => {
            let (r, d) = m
                .rtt
                .iter()
                .map(|r| {
                    let dx = (r.t - x) * px;
                    let dy = (r.rtt * 1e3 - y) * py;
                    (r, (dx * dx + dy * dy).sqrt())
                })
                .min_by(|a, b| a.1.total_cmp(&b.1))?;
            (d <= max).then(|| {
                (
                    r.index,
                    tr!(
                        "graph-hover-rtt",
                        frame = r.number,
                        ack = r.ack,
                        acked = r.acks_frame,
                        rtt = format!("{:.3}", r.rtt * 1e3),
                        time = format!("{:.6}", r.t)
                    ),
                    [r.t, r.rtt * 1e3],
                )
            })
        }
        GraphKind::Throughput => {
            let (k, d) = m
                .throughput
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    let dx = (p[0] - x) * px;
                    let dy = (p[1] - y) * py;
                    (k, (dx * dx + dy * dy).sqrt())
                })
                .min_by(|a, b| a.1.total_cmp(&b.1))?;
            let s = m.segments.get(k)?;
            let p = m.throughput[k];
            (d <= max).then(|| {
                (
                    s.index,
                    tr!(
                        "graph-hover-throughput",
                        frame = s.number,
                        rate = svg::rate_text(p[1]),
                        window = format!("{:.3}", m.window),
                        seq = s.seq,
                        len = s.len
                    ),
                    p,
                )
            })
        }
    }
}

/// Thins `points` to what fits the visible x range.
fn thin(points: Vec<[f64; 2]>, x0: f64, x1: f64) -> PlotPoints<'static> {
    PlotPoints::from(decimate(&points, x0, x1, MAX_DRAWN))
}

/// The crosses where the capture shows a segment before this one was lost (Stevens and
/// tcptrace graphs alike).
fn lost_markers(pui: &mut egui_plot::PlotUi<'_>, points: Vec<[f64; 2]>, x0: f64, x1: f64) {
    pui.points(
        Points::new(tr!("graph-segment-lost"), thin(points, x0, x1))
            .color(palette::LOST)
            .shape(MarkerShape::Cross)
            .radius(6.0),
    );
}

/// The egui_plot items of a graph.
pub(super) fn add_items(
    pui: &mut egui_plot::PlotUi<'_>,
    m: &SeqModel,
    kind: GraphKind,
    x0: f64,
    x1: f64,
) {
    let seq_pts = |f: &dyn Fn(&model::SegPoint) -> bool| -> Vec<[f64; 2]> {
        m.segments
            .iter()
            .filter(|s| f(s))
            .map(|s| [s.t, f64::from(s.seq)])
            .collect()
    };
    match kind {
        GraphKind::Stevens => {
            pui.points(
                Points::new(
                    tr!("graph-data-segment"),
                    thin(seq_pts(&|s| !s.retransmission && !s.out_of_order), x0, x1),
                )
                .color(palette::SEGMENT)
                .radius(2.5),
            );
            pui.points(
                Points::new(
                    tr!("graph-retransmission"),
                    thin(seq_pts(&|s| s.retransmission), x0, x1),
                )
                .color(palette::RETRANSMISSION)
                .radius(3.5),
            );
            pui.points(
                Points::new(
                    tr!("graph-out-of-order"),
                    thin(seq_pts(&|s| s.out_of_order && !s.retransmission), x0, x1),
                )
                .color(palette::OUT_OF_ORDER)
                .radius(3.5),
            );
            lost_markers(pui, seq_pts(&|s| s.lost_before), x0, x1);
        }
        GraphKind::Tcptrace => {
            let ack: Vec<[f64; 2]> = m.acks.iter().map(|a| [a.t, f64::from(a.ack)]).collect();
            let win: Vec<[f64; 2]> = m.acks.iter().map(|a| [a.t, a.window_edge as f64]).collect();
            pui.line(
                Line::new(tr!("graph-ack"), thin(steps(&ack), x0, x1))
                    .color(palette::ACK)
                    .width(1.5)
                    .allow_band(false),
            );
            pui.line(
                Line::new(tr!("graph-receive-window"), thin(steps(&win), x0, x1))
                    .color(palette::WINDOW)
                    .width(1.5)
                    .allow_band(false),
            );
            // Markers at the bar tops give the painted I-bars and SACK blocks their legend
            // entries (and auto-bounds that include them).
            let tops = |f: &dyn Fn(&model::SegPoint) -> bool| -> Vec<[f64; 2]> {
                m.segments
                    .iter()
                    .filter(|s| f(s))
                    .map(|s| [s.t, s.end() as f64])
                    .collect()
            };
            let sack: Vec<[f64; 2]> = m
                .acks
                .iter()
                .flat_map(|a| a.sacks.iter().map(move |&(_, r)| [a.t, f64::from(r)]))
                .collect();
            for (name, color, pts) in [
                (tr!("graph-data-segment"), palette::SEGMENT, tops(&|_| true)),
                (
                    tr!("graph-retransmission"),
                    palette::RETRANSMISSION,
                    tops(&|s| s.retransmission),
                ),
                (
                    tr!("graph-out-of-order"),
                    palette::OUT_OF_ORDER,
                    tops(&|s| s.out_of_order),
                ),
                (tr!("graph-sack"), palette::SACK, sack),
            ] {
                if !pts.is_empty() {
                    pui.points(
                        Points::new(name, thin(pts, x0, x1))
                            .color(color)
                            .radius(1.0),
                    );
                }
            }
            lost_markers(pui, seq_pts(&|s| s.lost_before), x0, x1);
        }
        GraphKind::Throughput => {
            pui.line(
                Line::new(
                    tr!("graph-throughput-line"),
                    thin(with_idle_drops(&m.throughput, m.window), x0, x1),
                )
                .color(palette::SEGMENT)
                .width(1.5)
                .allow_band(false),
            );
            pui.line(
                Line::new(
                    tr!("graph-goodput"),
                    thin(with_idle_drops(&m.goodput, m.window), x0, x1),
                )
                .color(palette::GOODPUT)
                .width(1.5)
                .allow_band(false),
            );
        }
        GraphKind::Rtt => {
            let pts: Vec<[f64; 2]> = m.rtt.iter().map(|r| [r.t, r.rtt * 1e3]).collect();
            pui.points(
                Points::new(tr!("graph-rtt-sample"), thin(pts, x0, x1))
                    .color(palette::SEGMENT)
                    .radius(3.0),
            );
        }
    }
}

/// The tcptrace I-bars and SACK blocks, painted over the plot (`to_screen` maps plot
/// values). Bars outside the visible frame are skipped by the clip; when more bars than
/// pixels are visible, only one per pixel column and colour is drawn.
pub(super) fn paint_tcptrace(
    painter: &egui::Painter,
    m: &SeqModel,
    to_screen: &dyn Fn(f64, f64) -> Pos2,
) {
    let clip = painter.clip_rect();
    let mut last_col: [Option<(i32, i32)>; 3] = [None; 3];
    for s in &m.segments {
        let a = to_screen(s.t, f64::from(s.seq));
        if a.x < clip.min.x - 4.0 || a.x > clip.max.x + 4.0 {
            continue;
        }
        let b = to_screen(s.t, s.end() as f64);
        let (color, slot) = if s.retransmission {
            (palette::RETRANSMISSION, 1)
        } else if s.out_of_order {
            (palette::OUT_OF_ORDER, 2)
        } else {
            (palette::SEGMENT, 0)
        };
        let col = (a.x as i32, b.y as i32);
        if last_col[slot] == Some(col) {
            continue;
        }
        last_col[slot] = Some(col);
        let width = if slot == 0 { 1.5 } else { 2.5 };
        let stroke = Stroke::new(width, color);
        painter.line_segment([a, b], stroke);
        painter.line_segment([a - egui::vec2(3.0, 0.0), a + egui::vec2(3.0, 0.0)], stroke);
        painter.line_segment([b - egui::vec2(3.0, 0.0), b + egui::vec2(3.0, 0.0)], stroke);
    }
    for ack in &m.acks {
        for &(l, r) in &ack.sacks {
            let a = to_screen(ack.t, f64::from(l));
            let b = to_screen(ack.t, f64::from(r));
            if a.x < clip.min.x || a.x > clip.max.x {
                continue;
            }
            let x = a.x + 2.0;
            painter.line_segment(
                [Pos2::new(x, a.y), Pos2::new(x, b.y)],
                Stroke::new(3.0, palette::SACK),
            );
        }
    }
}
