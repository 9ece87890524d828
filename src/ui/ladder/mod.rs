//! The Ladder tab: the ladder diagram of one TCP connection (or UDP conversation) from the
//! library's [`crate::ladder`], drawn on screen.
//!
//! [`model`] turns the store's packets into the library's model; the library lays it out
//! and paints it (the same geometry as `synack ladder --svg`); [`view`] is the egui canvas.
//! This module holds the view's state (zoom, scroll, expanded runs, the selection history
//! behind "Back") and draws its toolbar.

pub mod model;
pub mod view;

use egui::{Pos2, Rect, Sense, Vec2};

use super::selection::{ConnRef, Selection};
use super::store::StoreData;
use crate::figure::Point;
use crate::i18n::tr;
use crate::ladder::layout::{Owner, BASE_ROW, HEADER};
use crate::ladder::paint::{self, Emphasis};
use crate::ladder::Geometry;

pub use model::{End, LadderModel};
use view::ScreenCanvas;

/// Zoom limits (row spacing factor).
const ZOOM: (f32, f32) = (0.3, 3.0);
/// Selections remembered for "Back".
const HISTORY_MAX: usize = 100;

/// What the ladder's toolbar asks the window to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LadderAction {
    /// Export the ladder as SVG (the window asks for a file name).
    ExportSvg,
    /// Export the ladder as PNG.
    ExportPng,
    /// Start replaying this connection.
    Replay(ConnRef),
}

/// Cache key of the whole connection's model: rebuilt when one of these changes.
type FullKey = (ConnRef, usize, u64, crate::i18n::Lang, usize);
/// While packets are still arriving, the whole model is rebuilt at most this often.
const LIVE_REBUILD: std::time::Duration = std::time::Duration::from_millis(300);

/// State of the ladder view.
#[derive(Debug)]
pub struct LadderView {
    /// The whole connection (decoded once); `model` is its prefix at the replay cursor.
    full: Option<LadderModel>,
    full_key: Option<FullKey>,
    built_at: Option<std::time::Instant>,
    model: Option<LadderModel>,
    until: Option<Option<usize>>,
    geo: Option<Geometry>,
    /// Row spacing factor.
    pub zoom: f32,
    /// Scroll position (figure y at the top of the rows area).
    pub scroll: f32,
    /// Previously selected packets, newest last ("Back").
    pub history: Vec<usize>,
    seen: Option<usize>,
    /// Store indices the guided tour points at.
    pub highlight: Vec<usize>,
    /// Screen rectangle of the diagram last frame (PNG export, tests).
    pub last_rect: Option<Rect>,
    /// Rows drawn last frame (virtualisation; tests check it stays small).
    pub drawn: std::ops::Range<usize>,
    scroll_to_selected: bool,
    reveal_request: Option<usize>,
    /// Runs shown row by row (indices into the model's runs).
    pub expanded: Vec<usize>,
}

impl Default for LadderView {
    fn default() -> Self {
        LadderView {
            full: None,
            full_key: None,
            built_at: None,
            model: None,
            until: None,
            geo: None,
            zoom: 1.0,
            scroll: 0.0,
            history: Vec::new(),
            seen: None,
            highlight: Vec::new(),
            last_rect: None,
            drawn: 0..0,
            scroll_to_selected: true,
            reveal_request: None,
            expanded: Vec::new(),
        }
    }
}

/// The connection the ladder shows: the selected one, else the selected packet's (TCP or
/// UDP).
pub fn connection_of(data: &StoreData, sel: &Selection) -> Option<ConnRef> {
    sel.connection.or_else(|| {
        let f = data.analysis(sel.packet?).flow?;
        Some(ConnRef {
            proto: f.proto,
            stream: f.stream,
        })
    })
}

impl LadderView {
    /// The model drawn last (tests and exports read it).
    pub fn model(&self) -> Option<&LadderModel> {
        self.model.as_ref()
    }

    /// The geometry drawn last (tests read where labels went).
    pub fn geometry_drawn(&self) -> Option<&Geometry> {
        self.geo.as_ref()
    }

    /// Rebuilds the model when the connection or the data changed (decoding the
    /// connection's packets once), and cuts it at the replay cursor when that moved (no
    /// decoding), so stepping through a long connection stays cheap.
    pub fn sync(&mut self, data: &StoreData, sel: &Selection) {
        let Some(conn) = connection_of(data, sel) else {
            self.full = None;
            self.full_key = None;
            self.model = None;
            self.until = None;
            self.geo = None;
            return;
        };
        let key = (
            conn,
            data.connection_frames(conn.proto, conn.stream).len(),
            data.conn_version,
            // The model's labels are words in the interface's language.
            crate::i18n::lang(),
            // A traced run's calls arrive after the frames they made.
            data.calls.as_ref().map_or(0, |t| t.calls.len()),
        );
        let same_conn = self.full_key.is_some_and(|k| k.0 == conn);
        let throttled = same_conn
            && !data.finished
            && self.built_at.is_some_and(|t| t.elapsed() < LIVE_REBUILD);
        let mut changed = false;
        if self.full_key != Some(key) && !throttled {
            if !same_conn {
                self.scroll = 0.0;
                self.scroll_to_selected = true;
                self.expanded.clear();
            }
            self.full_key = Some(key);
            self.full = model::full(data, conn);
            self.built_at = Some(std::time::Instant::now());
            changed = true;
        }
        if changed || self.until != Some(sel.until) {
            self.until = Some(sel.until);
            self.model = self.full.as_ref().map(|f| match sel.until {
                Some(u) => f.prefix(f.rows.partition_point(|r| r.index <= u)),
                None => f.clone(),
            });
            self.geo = None;
        }
    }

    /// Remembers the previous selection when it changes, for "Back".
    fn track(&mut self, sel: &Selection) {
        if sel.packet != self.seen {
            if let Some(prev) = self.seen {
                self.history.push(prev);
                if self.history.len() > HISTORY_MAX {
                    self.history.remove(0);
                }
            }
            self.seen = sel.packet;
            self.scroll_to_selected = true;
        }
    }

    /// Scrolls so the row of store index `index` is near the top of the view next frame
    /// (the tour shows a group of rows from its first one, above its own window).
    pub fn reveal(&mut self, index: usize) {
        self.reveal_request = Some(index);
    }

    /// Goes back to the previous selection.
    pub fn back(&mut self, sel: &mut Selection) {
        if let Some(prev) = self.history.pop() {
            self.seen = Some(prev);
            sel.select_packet(prev, true);
            self.scroll_to_selected = true;
        }
    }

    fn geometry(&mut self, width: f32) -> Option<&Geometry> {
        let model = self.model.as_ref()?;
        let row_h = BASE_ROW * self.zoom;
        let stale = self.geo.as_ref().is_none_or(|g| {
            g.row_h != row_h || (g.width - width).abs() > 0.5 || g.expanded != self.expanded
        });
        if stale {
            self.geo = Some(Geometry::new(model, width, row_h, &self.expanded));
        }
        self.geo.as_ref()
    }

    /// The figure of the whole connection as SVG (same geometry as the screen).
    pub fn svg(&mut self, sel: &Selection) -> Option<super::figure::Svg> {
        let width = self.geo.as_ref().map_or(1100.0, |g| g.width);
        let highlight = self.highlight.clone();
        self.geometry(width)?;
        let (model, geo) = (self.model.as_ref()?, self.geo.as_ref()?);
        Some(
            paint::svg(
                model,
                geo,
                Emphasis {
                    selected: sel.packet,
                    highlight: &highlight,
                },
            )
            .into(),
        )
    }

    /// A screen point on row `index`'s arrow (three quarters of the way to the receiver,
    /// clear of the label), as drawn last frame; tests click there.
    pub fn arrow_screen_pos(&self, index: usize) -> Option<Pos2> {
        let (model, geo, rect) = (self.model.as_ref()?, self.geo.as_ref()?, self.last_rect?);
        let a = geo.arrows.get(model.row_of(index)?)?;
        // The first point along the arrow that no label covers.
        let on = (1..20)
            .map(|k| a.from.lerp(a.to, 0.95 - 0.045 * k as f32))
            .find(|p| {
                !geo.labels
                    .iter()
                    .any(|l| l.rect.width() > 0.0 && l.rect.expand(2.0).contains(*p))
            })?;
        let y = on.y - self.scroll;
        (y >= HEADER).then_some(rect.min + Vec2::new(on.x, y))
    }

    /// A screen point on the summary label of run `k` as drawn last frame (tests click it).
    pub fn run_label_screen_pos(&self, k: usize) -> Option<Pos2> {
        let (geo, rect) = (self.geo.as_ref()?, self.last_rect?);
        let l = geo.labels.iter().find(|l| l.owner == Owner::Run(k))?;
        let c = l.rect.center();
        let y = c.y - self.scroll;
        (y >= HEADER).then_some(rect.min + Vec2::new(c.x, y))
    }

    fn zoom_by(&mut self, factor: f32, anchor_y: f32) {
        let old = self.zoom;
        self.zoom = (self.zoom * factor).clamp(ZOOM.0, ZOOM.1);
        // Keep the row under the pointer in place.
        let fig_y = anchor_y + self.scroll;
        let scaled = HEADER + (fig_y - HEADER) * self.zoom / old;
        self.scroll = scaled - anchor_y;
    }

    /// Draws the toolbar and the diagram. Returns what the toolbar asked for.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &StoreData,
        sel: &mut Selection,
    ) -> Option<LadderAction> {
        self.sync(data, sel);
        self.track(sel);
        self.last_rect = None;
        let Some(conn) = connection_of(data, sel) else {
            ui.add_space(20.0);
            ui.vertical_centered(|ui| {
                ui.heading(tr!("ladder-title"));
                ui.label(tr!("ladder-select"));
            });
            return None;
        };
        let action = self.toolbar(ui, conn, sel);
        let Some(model) = self.model.as_ref() else {
            ui.label(tr!("ladder-no-packets"));
            return action;
        };
        states_line(ui, model, &mut self.expanded);
        ui.separator();

        let avail = ui.available_size();
        let (response, painter) = ui.allocate_painter(avail, Sense::click_and_drag());
        let rect = response.rect;
        self.last_rect = Some(rect);
        if let Some(m) = self.model.as_ref() {
            let summary = m.summary();
            response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Image, true, summary.clone())
            });
        }
        painter.rect_filled(rect, 0.0, egui::Color32::WHITE);
        self.zoom_and_pan(ui, &response);
        if self.geometry(rect.width()).is_none() {
            return action;
        }
        let Some(geo) = self.geo.take() else {
            return action;
        };
        let visible_h = (rect.height() - HEADER).max(0.0);
        self.scroll_into_view(&geo, sel, visible_h);
        let model = self.model.as_ref()?;
        let top = self.scroll + HEADER;
        let bottom = top + visible_h;
        let rows = geo.rows_in(top, bottom);
        self.drawn = rows.clone();
        let clip = Rect::from_min_max(rect.min + Vec2::new(0.0, HEADER), rect.max);
        let body_painter = painter.with_clip_rect(clip);
        let emph = Emphasis {
            selected: sel.packet,
            highlight: &self.highlight,
        };
        paint::paint_rows(
            model,
            &geo,
            &mut ScreenCanvas {
                painter: &body_painter,
                offset: rect.min.to_vec2() - Vec2::new(0.0, self.scroll),
            },
            rows.clone(),
            (top, bottom),
            emph,
        );
        paint::paint_header(
            model,
            &geo,
            &mut ScreenCanvas {
                painter: &painter.with_clip_rect(rect),
                offset: rect.min.to_vec2(),
            },
            geo.states_at(model, top),
        );
        let to_fig = |p: Pos2| Point::new(p.x - rect.left(), p.y - rect.top() + self.scroll);
        let below_header = |p: Pos2| p.y - rect.top() >= HEADER;
        if let Some(p) = response.hover_pos().filter(|p| below_header(*p)) {
            if let Some(owner) = geo.hit(to_fig(p), rows.clone()) {
                let tip = hover_text(model, &self.expanded, owner);
                response.clone().on_hover_text_at_pointer(tip);
            }
        }
        if response.clicked() {
            if let Some(p) = response.interact_pointer_pos().filter(|p| below_header(*p)) {
                if let Some(owner) = geo.hit(to_fig(p), rows) {
                    clicked(model, &mut self.expanded, sel, owner);
                }
            }
        }
        self.geo = Some(geo);
        action
    }

    /// The first line: which conversation, back, zoom, replay and export.
    fn toolbar(
        &mut self,
        ui: &mut egui::Ui,
        conn: ConnRef,
        sel: &mut Selection,
    ) -> Option<LadderAction> {
        let mut action = None;
        ui.horizontal_wrapped(|ui| {
            let proto = match conn.proto {
                crate::analysis::FlowProto::Tcp => "TCP",
                crate::analysis::FlowProto::Udp => "UDP",
            };
            ui.strong(tr!("ladder-of", proto = proto, stream = conn.stream));
            ui.separator();
            if ui
                .add_enabled(
                    !self.history.is_empty(),
                    egui::Button::new(tr!("ladder-back")),
                )
                .on_hover_text(tr!("ladder-back-hover"))
                .clicked()
            {
                self.back(sel);
            }
            if ui
                .button("−")
                .on_hover_text(tr!("ladder-zoom-out"))
                .clicked()
            {
                self.zoom_by(1.0 / 1.25, 0.0);
            }
            ui.label(format!("{:.0}%", self.zoom * 100.0));
            if ui
                .button("+")
                .on_hover_text(tr!("ladder-zoom-in"))
                .clicked()
            {
                self.zoom_by(1.25, 0.0);
            }
            if ui
                .button("1:1")
                .on_hover_text(tr!("ladder-zoom-reset"))
                .clicked()
            {
                self.zoom = 1.0;
            }
            ui.separator();
            if ui
                .button(tr!("ladder-replay"))
                .on_hover_text(tr!("ladder-replay-hover"))
                .clicked()
            {
                action = Some(LadderAction::Replay(conn));
            }
            if ui.button(tr!("graph-export-svg")).clicked() {
                action = Some(LadderAction::ExportSvg);
            }
            if ui.button(tr!("graph-export-png")).clicked() {
                action = Some(LadderAction::ExportPng);
            }
            ui.weak("(?)").on_hover_text(tr!("ladder-help"));
        });
        action
    }

    /// Pinch or Ctrl+wheel zooms about the pointer's row; the wheel and dragging scroll.
    fn zoom_and_pan(&mut self, ui: &egui::Ui, response: &egui::Response) {
        let rect = response.rect;
        if response.hovered() {
            let (zoom, scroll) = ui.input(|i| (i.zoom_delta(), i.smooth_scroll_delta()));
            let anchor = response
                .hover_pos()
                .map_or(0.0, |p| (p.y - rect.top() - HEADER).max(0.0) + HEADER);
            if zoom != 1.0 {
                self.zoom_by(zoom, anchor);
            } else if scroll.y != 0.0 {
                self.scroll -= scroll.y;
            }
        }
        if response.dragged() {
            self.scroll -= response.drag_delta().y;
        }
    }

    /// Scrolls to the selected row when it was asked for and is out of view, or to a row
    /// asked to be revealed; then keeps the scroll inside the figure.
    fn scroll_into_view(&mut self, geo: &Geometry, sel: &Selection, visible_h: f32) {
        let Some(model) = self.model.as_ref() else {
            return;
        };
        if self.scroll_to_selected {
            if let Some(row) = sel.packet.and_then(|i| model.row_of(i)) {
                let y = geo.knots[row];
                if y - HEADER < self.scroll + geo.row_h
                    || y > self.scroll + HEADER + visible_h - geo.row_h
                {
                    self.scroll = y - HEADER - visible_h / 2.0;
                }
            }
            self.scroll_to_selected = false;
        }
        if let Some(row) = self.reveal_request.take().and_then(|i| model.row_of(i)) {
            self.scroll = geo.knots[row] - HEADER - geo.row_h;
        }
        let max_scroll = (geo.height - HEADER - visible_h).max(0.0);
        self.scroll = self.scroll.clamp(0.0, max_scroll);
    }
}

/// The second line: both ends' states at the last row shown, the runs' switch, the replay
/// cut and the legend.
fn states_line(ui: &mut egui::Ui, model: &LadderModel, expanded: &mut Vec<usize>) {
    let [c, s] = model.current_states();
    let at = model.rows.last().map_or(tr!("ladder-at-start"), |r| {
        tr!("ladder-at-frame", frame = r.number)
    });
    let runs = model.runs.len();
    ui.horizontal_wrapped(|ui| {
        if model.is_tcp() {
            ui.label(tr!(
                "ladder-states-at",
                at = at.clone(),
                client = tr!(c.text_key()),
                server = tr!(s.text_key())
            ));
        }
        if runs > 0 {
            let all = expanded.len() == runs;
            if ui
                .button(tr!(if all {
                    "ladder-summarize-runs"
                } else {
                    "ladder-expand-runs"
                }))
                .on_hover_text(tr!("ladder-runs-hover"))
                .clicked()
            {
                *expanded = if all { Vec::new() } else { (0..runs).collect() };
            }
        }
        if model.cut {
            ui.colored_label(
                egui::Color32::from_rgb(0xa0, 0x50, 0x00),
                tr!("ladder-replay-hidden"),
            );
        }
        ui.separator();
        view::legend_ui(ui);
    });
}

/// The tooltip of what the pointer is over: a row's frame, label and notes (and how to
/// summarize its run again), a run's summary (and how to expand it), a ghost's label.
fn hover_text(model: &LadderModel, expanded: &[usize], owner: Owner) -> String {
    match owner {
        Owner::Row(i) => {
            let r = &model.rows[i];
            let mut t = format!("#{} {}", r.number, r.label);
            for n in &r.notes {
                t.push('\n');
                t.push_str(n);
            }
            if let Some(k) = model.run_of(i) {
                if expanded.contains(&k) {
                    t.push('\n');
                    t.push_str(&crate::ladder::words::run_collapse_hint());
                }
            }
            t
        }
        Owner::Run(k) | Owner::RunAcks(k) => format!(
            "{}\n{}",
            model.runs[k].data_label(),
            &crate::ladder::words::run_expand_hint()
        ),
        Owner::Ghost(g) => model.ghosts[g].label.clone(),
    }
}

/// A click on `owner`: a row selects its packet (or, already selected in an expanded run,
/// summarizes the run again), a summarized run expands, a ghost selects the row after it.
fn clicked(model: &LadderModel, expanded: &mut Vec<usize>, sel: &mut Selection, owner: Owner) {
    match owner {
        Owner::Row(row) => {
            let r = &model.rows[row];
            let run = model.run_of(row).filter(|k| expanded.contains(k));
            if let (Some(k), true) = (run, sel.packet == Some(r.index)) {
                expanded.retain(|e| *e != k);
            } else {
                sel.select_packet(r.index, true);
            }
        }
        Owner::Run(k) | Owner::RunAcks(k) if !expanded.contains(&k) => {
            expanded.push(k);
            expanded.sort_unstable();
        }
        Owner::Ghost(g) => {
            let index = model.rows[model.ghosts[g].before].index;
            sel.select_packet(index, true);
        }
        _ => {}
    }
}
