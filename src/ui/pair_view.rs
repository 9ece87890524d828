//! The Two points tab: the capture on display (A) paired with a second capture of the same
//! traffic taken elsewhere on its path (B, *File > Open second capture point*), as
//! [`crate::pair`] pairs them for `synack pair`.
//!
//! A ladder with both capture points as dashed rails between the client and the server:
//! each segment's arrow crosses them at the times the two captures measured, losses are
//! crossed out where they happened, and a graph below plots the one-way delay of each
//! direction over time. A text column on the left gives each row's time, frames in A and
//! B, sequence numbers, delay and fate, as `synack pair` prints them. The ladder is laid out
//! and painted by the library ([`crate::pair::ladder`], also `synack pair --svg`); this
//! module holds the tab's state and puts it on screen.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use egui::{Rect, Sense};
use egui_plot::{Corner, Legend, Line, Plot, PlotPoints};

use super::figure::color32;
use super::ladder::view::ScreenCanvas;
use crate::analysis::Direction;
use crate::i18n::tr;
use crate::pair::ladder::{self as geometry, paint, TwoTapGeometry};
use crate::pair::{pair, PairOptions, PairReport, TapCapture, TapLimits};

/// How far under the rail titles "Next loss" puts the loss.
const LEAD: f32 = 80.0;
/// Zoom limits of the ladder's time scale.
const ZOOM: (f32, f32) = (0.01, 10_000.0);

/// Two captures paired.
#[derive(Debug, Clone)]
pub struct Paired {
    /// The first capture point's file (the one on display).
    pub a: PathBuf,
    /// The second capture point's file.
    pub b: PathBuf,
    /// What pairing them found.
    pub report: PairReport,
    /// Why one file was read only in part (damaged), when it was.
    pub warning: Option<String>,
}

/// What the tab asks of the window.
#[derive(Debug, Clone, PartialEq)]
pub enum PairAction {
    /// Select frame `frame` of the file on display (A) in the Packets tab; with `show`,
    /// switch to that tab too (a double click).
    Select {
        /// The frame number in A.
        frame: u64,
        /// Switch to the Packets tab.
        show: bool,
    },
    /// A row without a frame in A was picked: say why nothing is selected.
    Explain(String),
}

/// A pairing running in the background: its result once there.
type Job = Arc<Mutex<Option<Result<Paired, String>>>>;

/// State of the Two points tab.
#[derive(Default)]
pub struct PairView {
    /// The last pairing, once done.
    pub paired: Option<Paired>,
    /// Why the last pairing failed.
    pub error: Option<String>,
    job: Option<Job>,
    /// Index of the connection shown (in the report's connections).
    pub connection: usize,
    /// Multiplies the default time scale.
    pub zoom: f32,
    /// The placed ladder of the shown connection, as drawn last frame.
    pub geometry: Option<TwoTapGeometry>,
    geometry_key: Option<(usize, u32, u32)>,
    /// Screen rectangle of the ladder last frame (tests map figure to screen with it).
    pub last_rect: Option<Rect>,
    /// Arrows drawn last frame (only those near the visible band are).
    pub drawn: std::ops::Range<usize>,
    /// Figure y at the top of the ladder's viewport last frame.
    pub scroll: f32,
    /// Height of the ladder's viewport last frame.
    pub view_height: f32,
    /// Where the next frame scrolls the ladder to (figure y), after "Next loss".
    scroll_to: Option<f32>,
    /// The selected row of the shown connection (highlighted), if any.
    pub selected: Option<usize>,
    /// The window's selected frame (in A) last frame, to follow it when it changes.
    followed_frame: Option<u64>,
    /// A row selected from outside, to scroll into view once the ladder is placed.
    scroll_to_row: Option<usize>,
}

impl PairView {
    /// Starts pairing `a` (the capture on display) with `b` in a background thread; the
    /// tab shows progress until it is done.
    pub fn open(&mut self, ctx: &egui::Context, a: PathBuf, b: PathBuf) {
        let job: Job = Arc::default();
        let out = job.clone();
        let ctx = ctx.clone();
        let lang = crate::i18n::lang();
        std::thread::spawn(move || {
            // Its messages (a damaged file) in the window's language.
            crate::i18n::set_thread_lang(Some(lang));
            let result = pair_files(&a, &b);
            if let Ok(mut slot) = out.lock() {
                *slot = Some(result);
            }
            ctx.request_repaint();
        });
        self.job = Some(job);
        self.error = None;
    }

    /// True while a pairing runs.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    fn finish(&mut self, result: Result<Paired, String>) {
        self.job = None;
        match result {
            Ok(p) => {
                // The connection with the most losses first: that is what one looks for.
                self.connection = p.report.most_lost().unwrap_or(0);
                self.paired = Some(p);
                self.error = None;
                self.zoom = 1.0;
                self.geometry = None;
                self.geometry_key = None;
                self.selected = None;
                self.followed_frame = None;
            }
            Err(e) => self.error = Some(e),
        }
    }

    fn poll(&mut self) {
        let done = self
            .job
            .as_ref()
            .and_then(|j| j.lock().ok().and_then(|mut s| s.take()));
        if let Some(result) = done {
            self.finish(result);
        }
    }

    /// Follows the window's selection: when the frame `number` of A gets selected elsewhere
    /// (the Packets tab), its row is selected here (in its connection) and scrolled into view.
    fn follow(&mut self, number: Option<u64>) {
        if number == self.followed_frame {
            return;
        }
        self.followed_frame = number;
        let (Some(n), Some(p)) = (number, &self.paired) else {
            return;
        };
        let found = p
            .report
            .connections
            .iter()
            .enumerate()
            .find_map(|(c, conn)| {
                conn.rows
                    .iter()
                    .position(|r| r.frame_a == Some(n) || r.more_frames_a.contains(&n))
                    .map(|row| (c, row))
            });
        let Some((c, row)) = found else { return };
        if Some(row) == self.selected && c == self.connection {
            return;
        }
        self.connection = c;
        self.selected = Some(row);
        self.scroll_to_row = Some(row);
    }

    /// Draws the tab; `selected_frame` is the number (in A, the file on display) of the
    /// window's selected packet. Returns what a click on a row asks for.
    pub fn ui(&mut self, ui: &mut egui::Ui, selected_frame: Option<u64>) -> Option<PairAction> {
        self.poll();
        self.follow(selected_frame);
        if self.busy() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr!("pair-pairing"));
            });
            return None;
        }
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        let Some(p) = &self.paired else {
            ui.label(tr!("pair-intro"));
            return None;
        };
        let report = &p.report;
        ui.horizontal_wrapped(|ui| {
            ui.strong("A:");
            ui.label(p.a.display().to_string());
            ui.strong("B:");
            ui.label(p.b.display().to_string());
            ui.separator();
            ui.label(clock_line(report));
        });
        if let Some(w) = &p.warning {
            ui.colored_label(ui.visuals().warn_fg_color, w);
        }
        if report.connections.is_empty() {
            ui.label(tr!(
                "pair-no-connection",
                only_a = report.only_a.len(),
                only_b = report.only_b.len()
            ));
            return None;
        }
        self.connection = self.connection.min(report.connections.len() - 1);
        let mut connection = self.connection;
        let mut zoom = if self.zoom > 0.0 { self.zoom } else { 1.0 };
        let mut next_loss = false;
        ui.horizontal(|ui| {
            egui::ComboBox::from_label(tr!("pair-connection"))
                .selected_text(conn_name(report, connection))
                .show_ui(ui, |ui| {
                    for i in 0..report.connections.len() {
                        ui.selectable_value(&mut connection, i, conn_name(report, i));
                    }
                });
            ui.separator();
            if ui.button("−").on_hover_text(tr!("pair-zoom-out")).clicked() {
                zoom /= 1.5;
            }
            if ui.button("+").on_hover_text(tr!("pair-zoom-in")).clicked() {
                zoom *= 1.5;
            }
            if ui
                .button("1:1")
                .on_hover_text(tr!("pair-zoom-reset"))
                .clicked()
            {
                zoom = 1.0;
            }
            ui.separator();
            if ui
                .button(tr!("pair-next-loss"))
                .on_hover_text(tr!("pair-next-loss-hover"))
                .clicked()
            {
                next_loss = true;
            }
        });
        let c = &report.connections[connection];
        ui.label(dir_line(c, Direction::ClientToServer));
        ui.label(dir_line(c, Direction::ServerToClient));
        if connection != self.connection {
            self.selected = None;
        }
        self.connection = connection;
        let zoom = zoom.clamp(ZOOM.0, ZOOM.1);
        if zoom != self.zoom && self.zoom > 0.0 && self.scroll_to.is_none() {
            // Keep the time at the top of the view where it was.
            let top = (self.scroll - geometry::HEADER).max(0.0);
            self.scroll_to = Some(top * zoom / self.zoom);
        }
        self.zoom = zoom;

        // The delay graph at the bottom, the ladder above it.
        egui::Panel::bottom("pair_delay_graph")
            .resizable(true)
            .default_size(220.0)
            .show(ui, |ui| delay_graph(ui, c));
        let width = ui.available_width();
        let key = (connection, self.zoom.to_bits(), width.to_bits());
        if self.geometry_key != Some(key) {
            self.geometry = Some(TwoTapGeometry::new(
                c,
                report.clock.offset_ns,
                width,
                self.zoom,
            ));
            self.geometry_key = Some(key);
        }
        let Some(geo) = &self.geometry else {
            return None;
        };
        if next_loss {
            // The first loss below where "Next loss" puts one (LEAD under the titles).
            let top = self.scroll + geometry::HEADER + LEAD + 1.0;
            let next = geo
                .arrows
                .iter()
                .find(|a| a.lost_at.is_some() && a.y > top)
                .or_else(|| geo.arrows.iter().find(|a| a.lost_at.is_some()));
            self.scroll_to = next.map(|a| (a.y - geometry::HEADER - LEAD).max(0.0));
        }
        if let Some(row) = self.scroll_to_row.take() {
            // A row selected elsewhere: into view, unless it is already.
            let y = geo.arrows.get(row).map_or(0.0, |a| a.y);
            let shown = self.scroll + geometry::HEADER..self.scroll + self.view_height - 20.0;
            if !shown.contains(&y) {
                self.scroll_to = Some((y - geometry::HEADER - LEAD).max(0.0));
            }
        }
        let mut area = egui::ScrollArea::both()
            .id_salt("pair_ladder")
            .auto_shrink([false, false]);
        if let Some(y) = self.scroll_to.take() {
            area = area.vertical_scroll_offset(y);
        }
        let (mut scroll, mut view_height) = (self.scroll, self.view_height);
        let mut drawn = 0..0;
        let mut rect = None;
        let mut picked = None;
        let selected = self.selected;
        area.show_viewport(ui, |ui, viewport| {
            scroll = viewport.min.y;
            view_height = viewport.height();
            let size = egui::vec2(width, geo.height);
            let (resp, painter) = ui.allocate_painter(size, Sense::click());
            let origin = resp.rect.min;
            rect = Some(resp.rect);
            drawn = geo.visible(viewport.min.y, viewport.max.y);
            let row_under = |pos: egui::Pos2| {
                let p = pos - origin;
                geo.row_at(
                    crate::figure::Point::new(p.x, p.y),
                    drawn.clone(),
                    viewport.min.y,
                    selected,
                )
            };
            if resp.hover_pos().and_then(row_under).is_some() {
                ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
            }
            if resp.clicked() || resp.double_clicked() {
                picked = resp
                    .interact_pointer_pos()
                    .and_then(row_under)
                    .map(|row| (row, resp.double_clicked()));
            }
            let mut canvas = ScreenCanvas {
                painter: &painter,
                offset: origin.to_vec2(),
            };
            paint::ladder(
                &mut canvas,
                geo,
                c,
                drawn.clone(),
                viewport.min.y,
                width,
                selected,
            );
            resp.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Image, true, summary_text(c, geo))
            });
        });
        self.drawn = drawn;
        self.last_rect = rect;
        self.scroll = scroll;
        self.view_height = view_height;
        let (row, show) = picked?;
        self.selected = Some(row);
        let r = &c.rows[row];
        match r.frame_a {
            Some(frame) => {
                self.followed_frame = Some(frame);
                Some(PairAction::Select { frame, show })
            }
            None => Some(PairAction::Explain(match r.frame_b {
                Some(frame_b) => tr!("pair-not-in-a", fate = r.fate_text(), frame_b = frame_b),
                None => tr!("pair-in-neither", fate = r.fate_text()),
            })),
        }
    }
}

/// Reads both files and pairs them.
fn pair_files(a: &Path, b: &Path) -> Result<Paired, String> {
    let limits = TapLimits::default();
    let (tb, end_b) = std::thread::scope(|s| {
        let other = s.spawn(|| TapCapture::read_file(b, limits));
        let mine = TapCapture::read_file(a, limits);
        (other.join(), mine)
    });
    let read = |r: Result<_, crate::capture::CaptureError>, path: &Path| {
        r.map_err(|e| format!("{}: {e}", path.display()))
    };
    let (ta, end_a) = read(end_b, a)?;
    let (tb, end_b) = read(
        tb.map_err(|_| tr!("pair-read-failed", file = b.display().to_string()))?,
        b,
    )?;
    let warning = [(end_a, a), (end_b, b)]
        .into_iter()
        .filter_map(|(end, path)| {
            end.error.map(|e| {
                tr!(
                    "pair-damaged",
                    file = path.display().to_string(),
                    error = e.to_string()
                )
            })
        })
        .collect::<Vec<_>>();
    let report = pair(&ta, &tb, &PairOptions::default());
    Ok(Paired {
        a: a.to_path_buf(),
        b: b.to_path_buf(),
        report,
        warning: (!warning.is_empty()).then(|| warning.join("; ")),
    })
}

/// The clock line: the offset and what it rests on.
fn clock_line(r: &PairReport) -> String {
    tr!(
        "pair-clock",
        offset = format!("{:.3}", r.clock.offset_ns as f64 / 1e6),
        ab = r.clock.pairs[0],
        ba = r.clock.pairs[1]
    )
}

/// "stream 0: 10.77.1.2:60030 -> 10.77.2.2:35763 (6 lost)".
fn conn_name(r: &PairReport, i: usize) -> String {
    let c = &r.connections[i];
    tr!(
        "pair-connection-name",
        stream = c.a.stream,
        client = c.a.client.to_string(),
        server = c.a.server.to_string(),
        lost = c.losses()
    )
}

/// One direction's counts and delays, as `synack pair --summary` prints them.
fn dir_line(c: &crate::pair::PairedConnection, dir: Direction) -> String {
    let k = usize::from(dir != Direction::ClientToServer);
    let d = &c.dirs[k];
    let arrow = format!("{} -> {}", d.upstream.name(), d.upstream.other().name());
    let name = if k == 0 {
        tr!("pair-client-to-server")
    } else {
        tr!("pair-server-to-client")
    };
    let fates: Vec<String> = crate::pair::Fate::ALL
        .iter()
        .filter(|&&f| d.count(f) > 0)
        .map(|&f| {
            tr!(
                "pair-fate-count",
                count = d.count(f),
                fate = f.message(d.upstream).text()
            )
        })
        .collect();
    let ms = |ns: i64| format!("{:.3}", ns as f64 / 1e6);
    let delay = d.delay.map_or(String::new(), |s| {
        tr!(
            "pair-delays",
            p50 = ms(s.p50),
            p90 = ms(s.p90),
            max = ms(s.max)
        )
    });
    let fates = fates.join(if crate::i18n::lang() == crate::i18n::Lang::Zh {
        "，"
    } else {
        ", "
    });
    tr!(
        "pair-direction-line",
        name = name,
        arrow = arrow,
        fates = fates
    ) + &delay
}

/// What the ladder shows, in words (its accessibility label; tests read it).
fn summary_text(c: &crate::pair::PairedConnection, geo: &TwoTapGeometry) -> String {
    tr!(
        "pair-summary",
        stream = c.a.stream,
        segments = c.rows.len(),
        lost = c.losses(),
        near = geo.rails.client_side_tap.name(),
        far = geo.rails.client_side_tap.other().name()
    )
}

/// One-way delay over time, one line per direction.
fn delay_graph(ui: &mut egui::Ui, c: &crate::pair::PairedConnection) {
    let t0 = c.rows.first().map_or(0, |r| r.time);
    let points = |dir: Direction| -> Vec<[f64; 2]> {
        c.rows
            .iter()
            .filter(|r| r.dir == dir)
            .filter_map(|r| Some([(r.time - t0) as f64 / 1e9, r.one_way_ns? as f64 / 1e6]))
            .collect()
    };
    Plot::new("pair_one_way_delay")
        .legend(Legend::default().position(Corner::LeftTop))
        .x_axis_label(tr!("pair-graph-time"))
        .y_axis_label(tr!("pair-graph-delay"))
        .show(ui, |pui| {
            pui.line(
                Line::new(
                    tr!("pair-client-to-server"),
                    PlotPoints::from(points(Direction::ClientToServer)),
                )
                .color(color32(paint::C2S)),
            );
            pui.line(
                Line::new(
                    tr!("pair-server-to-client"),
                    PlotPoints::from(points(Direction::ServerToClient)),
                )
                .color(color32(paint::S2C)),
            );
        });
}
