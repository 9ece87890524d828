//! Geometry and painting of the ladder: where each row, arrow, state and bracket goes, and
//! one drawing routine that paints either on screen or into an SVG, so an export looks
//! exactly like the view.
//!
//! Time runs down. Rows are spaced evenly by capture order (so labels never collide and an
//! idle minute does not push the rest off the page); between two rows time is linear, and
//! an arrow's ends (when the segment left its sender, when it reached the receiver) are
//! placed on that warped axis, so segments in flight cross as they do in the textbook.

use std::ops::Range;

use egui::{Align2, Color32, Pos2, Rect, Stroke, Vec2};

use crate::analysis::TcpState;

use super::super::colors;
use super::super::figure::Svg;
use super::model::{ArrowKind, End, LadderModel};

/// Height of the fixed header (addresses, initial states, slope note).
pub const HEADER: f32 = 74.0;
/// Row spacing at zoom 1.
pub const BASE_ROW: f32 = 40.0;
/// Width of the time column.
const TIME_COL: f32 = 92.0;
/// Width of each side's state column.
const STATE_COL: f32 = 118.0;
/// Width of the bracket column (bracket and its name).
const BRACKET_COL: f32 = 250.0;
/// Font size of labels.
const FONT: f32 = 11.5;

/// Colour of an arrow class on the white figure background.
pub fn arrow_color(kind: ArrowKind, len: u32) -> Color32 {
    match kind {
        ArrowKind::Normal if len > 0 => Color32::from_rgb(0x1f, 0x4e, 0x9c),
        ArrowKind::Normal => Color32::from_rgb(0x6a, 0x6a, 0x6a),
        ArrowKind::Control => Color32::from_rgb(0x10, 0x10, 0x10),
        // The packet list's RST row colour.
        ArrowKind::Reset => colors::RULES[2].bg,
        ArrowKind::Retransmission => Color32::from_rgb(0xe0, 0x1b, 0x1b),
        ArrowKind::DupAck => Color32::from_rgb(0xd9, 0x75, 0x00),
        ArrowKind::Lost => Color32::from_rgb(0xb0, 0x1e, 0xa8),
        ArrowKind::ZeroWindow => Color32::from_rgb(0x5b, 0x2d, 0xc8),
        ArrowKind::Problem => Color32::from_rgb(0x8a, 0x5a, 0x00),
    }
}

/// Colour of state names along the lines.
const STATE_COLOR: Color32 = Color32::from_rgb(0x0b, 0x6e, 0x35);
/// Colour of brackets and their names.
const BRACKET_COLOR: Color32 = Color32::from_rgb(0x44, 0x44, 0x99);
/// Secondary text (times, frame numbers, notes).
const WEAK: Color32 = Color32::from_rgb(0x70, 0x70, 0x70);
/// Background of the selected row.
const SELECTED_BG: Color32 = Color32::from_rgb(0xff, 0xf0, 0xa8);
/// Background of rows the guided tour points at.
const HIGHLIGHT_BG: Color32 = Color32::from_rgb(0xd6, 0xf0, 0xff);

/// Where everything goes, in figure coordinates (origin at the top left of the whole
/// diagram, header included).
#[derive(Debug, Clone, PartialEq)]
pub struct Geometry {
    /// Row spacing.
    pub row_h: f32,
    /// Figure width.
    pub width: f32,
    /// Figure height (all rows).
    pub height: f32,
    /// The client's line.
    pub x_client: f32,
    /// The server's line.
    pub x_server: f32,
    /// The capture point's line (between the two, by the measured travel times).
    pub x_capture: f32,
    /// Per row: y where the arrow leaves, where it passes the capture point, where it lands.
    pub ys: Vec<[f32; 3]>,
    /// Culling index: the lowest point drawn by rows 0..=i (a running maximum, so it can
    /// be binary-searched even though one long arrow may reach past later rows).
    reach_down: Vec<f32>,
    /// The highest point drawn by rows i.. (a running minimum from the end).
    reach_up: Vec<f32>,
}

impl Geometry {
    /// Lays out `model` for a view `width` points wide with rows `row_h` apart.
    pub fn new(model: &LadderModel, width: f32, row_h: f32) -> Geometry {
        let width = width.max(TIME_COL + 2.0 * STATE_COL + BRACKET_COL + 300.0);
        let x_client = TIME_COL + STATE_COL;
        let x_server = width - BRACKET_COL - STATE_COL;
        let x_capture = x_client + (x_server - x_client) * model.slope.capture_fraction() as f32;
        // Capture times, made non-decreasing (a capture's clock may step back).
        let times: Vec<f64> = model
            .rows
            .iter()
            .scan(f64::NEG_INFINITY, |m, r| {
                *m = m.max(r.t);
                Some(*m)
            })
            .collect();
        let knot = |i: usize| HEADER + row_h * (i as f32 + 1.0);
        let ys: Vec<[f32; 3]> = model
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let y = knot(i);
                let (y_dep, y_arr) = if model.slope.measured {
                    (
                        walk(&times, i, r.depart - r.t, row_h),
                        walk(&times, i, r.arrive - r.t, row_h),
                    )
                } else {
                    (y - row_h * 0.3, y + row_h * 0.3)
                };
                [y_dep, y, y_arr]
            })
            .collect();
        // A row draws its arrow and, around its capture y, its label and band.
        let half = row_h * 0.5;
        let mut reach_down: Vec<f32> = ys.iter().map(|[a, y, b]| a.max(*b).max(y + half)).collect();
        for i in 1..reach_down.len() {
            reach_down[i] = reach_down[i].max(reach_down[i - 1]);
        }
        let mut reach_up: Vec<f32> = ys.iter().map(|[a, y, b]| a.min(*b).min(y - half)).collect();
        for i in (0..reach_up.len().saturating_sub(1)).rev() {
            reach_up[i] = reach_up[i].min(reach_up[i + 1]);
        }
        Geometry {
            row_h,
            width,
            height: knot(model.rows.len()) + row_h,
            x_client,
            x_server,
            x_capture,
            ys,
            reach_down,
            reach_up,
        }
    }

    /// x of an end's line.
    pub fn x_of(&self, end: End) -> f32 {
        match end {
            End::Client => self.x_client,
            End::Server => self.x_server,
        }
    }

    /// The arrow of row `i`: from its sender's line to its receiver's.
    pub fn arrow(&self, model: &LadderModel, i: usize) -> Option<(Pos2, Pos2)> {
        let r = model.rows.get(i)?;
        let [a, _, b] = *self.ys.get(i)?;
        let to = match r.from {
            End::Client => End::Server,
            End::Server => End::Client,
        };
        Some((Pos2::new(self.x_of(r.from), a), Pos2::new(self.x_of(to), b)))
    }

    /// Where row `i`'s arrow crosses the capture point (its label's anchor).
    pub fn capture_point(&self, i: usize) -> Option<Pos2> {
        self.ys.get(i).map(|y| Pos2::new(self.x_capture, y[1]))
    }

    /// Each side's state at figure height `y`: after the last row captured above it.
    pub fn states_at(&self, model: &LadderModel, y: f32) -> [TcpState; 2] {
        let above = self.ys.partition_point(|r| r[1] < y);
        above
            .checked_sub(1)
            .and_then(|i| model.rows.get(i))
            .map_or(model.initial, |r| r.states)
    }

    /// Rows whose drawing may touch the band `top..bottom` (figure y).
    pub fn rows_in(&self, top: f32, bottom: f32) -> Range<usize> {
        // Rows before `start` all end above the band; rows from `end` all start below it.
        let start = self.reach_down.partition_point(|&y| y < top);
        let end = self.reach_up.partition_point(|&y| y <= bottom);
        start..end.max(start)
    }

    /// The row whose arrow (or label) is nearest to `p`, within a few points.
    pub fn hit(&self, model: &LadderModel, p: Pos2, rows: Range<usize>) -> Option<usize> {
        let mut best: Option<(f32, usize)> = None;
        for i in rows {
            let Some((a, b)) = self.arrow(model, i) else {
                continue;
            };
            let mut d = distance_to_segment(p, a, b);
            if let Some(c) = self.capture_point(i) {
                // The label above the arrow counts too.
                let label = Rect::from_center_size(c - Vec2::new(0.0, 8.0), Vec2::new(240.0, 16.0));
                if label.contains(p) {
                    d = d.min(2.0);
                }
            }
            if d <= 6.0 && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, i));
            }
        }
        best.map(|(_, i)| i)
    }
}

/// y of the moment `dt` seconds after row `i`'s capture time on the warped axis: linear
/// between two rows, extrapolated past the ends with the nearest gap (or half a row).
/// `times` must not decrease (see [`Geometry::new`]); the search starts from row `i`, so rows
/// with equal timestamps stay in their own order. O(log n) per arrow end.
fn walk(times: &[f64], i: usize, dt: f64, row_h: f32) -> f32 {
    let knot = |j: usize| HEADER + row_h * (j as f32 + 1.0);
    let n = times.len();
    let target = times[i] + dt;
    let lerp = |j: usize, k: usize| {
        let gap = times[k] - times[j];
        let frac = if gap > 0.0 {
            ((target - times[j]) / gap).clamp(0.0, 1.0) as f32
        } else {
            0.0
        };
        knot(j) + frac * (knot(k) - knot(j))
    };
    if dt >= 0.0 {
        // First row after `i` captured later than the target.
        let k = i + 1 + times[i + 1..].partition_point(|&t| t <= target);
        if k < n {
            return lerp(k - 1, k);
        }
        // Past the last row.
        let last = n - 1;
        let over = target - times[last];
        let frac = match last.checked_sub(1).map(|p| times[last] - times[p]) {
            Some(g) if g > 0.0 => (over / g).min(1.0),
            _ if over > 0.0 => 0.5,
            _ => 0.0,
        } as f32;
        knot(last) + frac * row_h
    } else {
        // Last row up to `i` captured earlier than the target.
        let j = times[..=i].partition_point(|&t| t < target);
        if j > 0 {
            return lerp(j - 1, j);
        }
        let under = times[0] - target;
        let frac = match times.get(1).map(|t1| t1 - times[0]) {
            Some(g) if g > 0.0 => (under / g).min(1.0),
            _ if under > 0.0 => 0.5,
            _ => 0.0,
        } as f32;
        knot(0) - frac * row_h
    }
}

fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let len2 = ab.length_sq();
    if len2 <= f32::EPSILON {
        return p.distance(a);
    }
    let t = ((p - a).dot(ab) / len2).clamp(0.0, 1.0);
    p.distance(a + ab * t)
}

/// A surface the ladder is drawn on: the screen or an SVG document.
pub trait Canvas {
    /// A line.
    fn line(&mut self, a: Pos2, b: Pos2, stroke: Stroke);
    /// A dashed line.
    fn dashed(&mut self, a: Pos2, b: Pos2, stroke: Stroke);
    /// A line with an arrow head at `b`.
    fn arrow(&mut self, a: Pos2, b: Pos2, stroke: Stroke);
    /// A filled rectangle.
    fn fill(&mut self, r: Rect, color: Color32);
    /// Text, optionally on a background box (so crossing arrows do not hide it).
    fn text(&mut self, pos: Pos2, anchor: Align2, text: &str, color: Color32, bg: Option<Color32>);
}

/// Draws on the screen: figure coordinates are moved by `offset`.
pub struct ScreenCanvas<'a> {
    /// Where to paint.
    pub painter: &'a egui::Painter,
    /// Figure origin on screen.
    pub offset: Vec2,
}

impl Canvas for ScreenCanvas<'_> {
    fn line(&mut self, a: Pos2, b: Pos2, stroke: Stroke) {
        self.painter
            .line_segment([a + self.offset, b + self.offset], stroke);
    }

    fn dashed(&mut self, a: Pos2, b: Pos2, stroke: Stroke) {
        self.painter.extend(egui::Shape::dashed_line(
            &[a + self.offset, b + self.offset],
            stroke,
            4.0,
            3.0,
        ));
    }

    fn arrow(&mut self, a: Pos2, b: Pos2, stroke: Stroke) {
        let (a, b) = (a + self.offset, b + self.offset);
        self.painter.line_segment([a, b], stroke);
        let dir = (b - a).normalized();
        if !dir.x.is_finite() || !dir.y.is_finite() {
            return;
        }
        // The same head as `Svg::arrow`.
        let size = 4.0 + 2.0 * stroke.width;
        let back = b - dir * size;
        let normal = Vec2::new(-dir.y, dir.x) * (size * 0.5);
        self.painter.add(egui::Shape::convex_polygon(
            vec![b, back + normal, back - normal],
            stroke.color,
            Stroke::NONE,
        ));
    }

    fn fill(&mut self, r: Rect, color: Color32) {
        self.painter
            .rect_filled(r.translate(self.offset), 0.0, color);
    }

    fn text(&mut self, pos: Pos2, anchor: Align2, text: &str, color: Color32, bg: Option<Color32>) {
        let galley =
            self.painter
                .layout_no_wrap(text.to_string(), egui::FontId::proportional(FONT), color);
        let rect = anchor.anchor_size(pos + self.offset, galley.size());
        if let Some(bg) = bg {
            self.painter.rect_filled(rect.expand(1.0), 2.0, bg);
        }
        self.painter.galley(rect.min, galley, color);
    }
}

impl Canvas for Svg {
    fn line(&mut self, a: Pos2, b: Pos2, stroke: Stroke) {
        Svg::line(self, a, b, stroke);
    }

    fn dashed(&mut self, a: Pos2, b: Pos2, stroke: Stroke) {
        self.dashed_line(a, b, stroke);
    }

    fn arrow(&mut self, a: Pos2, b: Pos2, stroke: Stroke) {
        Svg::arrow(self, a, b, stroke);
    }

    fn fill(&mut self, r: Rect, color: Color32) {
        self.rect(r, color, Stroke::NONE);
    }

    fn text(&mut self, pos: Pos2, anchor: Align2, text: &str, color: Color32, bg: Option<Color32>) {
        if let Some(bg) = bg {
            // No text metrics here: the usual width of this font's characters.
            let size = Vec2::new(text.chars().count() as f32 * FONT * 0.56, FONT + 3.0);
            self.rect(anchor.anchor_size(pos, size).expand(1.0), bg, Stroke::NONE);
        }
        Svg::text(self, pos, anchor, text, FONT, color);
    }
}

/// What to emphasise besides the content.
#[derive(Debug, Clone, Copy, Default)]
pub struct Emphasis<'a> {
    /// Store index of the selected packet.
    pub selected: Option<usize>,
    /// Store indices the guided tour points at.
    pub highlight: &'a [usize],
}

/// Draws the rows `rows` (their arrows, labels, states and the brackets touching them) and
/// the lines between `top` and `bottom` (figure y).
pub fn paint_rows(
    model: &LadderModel,
    geo: &Geometry,
    c: &mut dyn Canvas,
    rows: Range<usize>,
    band: (f32, f32),
    emph: Emphasis<'_>,
) {
    let (top, bottom) = band;
    // Never past the rows the geometry and the model both have.
    let n = model.rows.len().min(geo.ys.len());
    let rows = rows.start.min(n)..rows.end.min(n);
    let line_end = geo.height - geo.row_h * 0.5;
    let (y0, y1) = (top.max(HEADER), bottom.min(line_end));
    // Row backgrounds first (selection, tour highlights): a band around the row's capture
    // time (its label and time), and a halo under its arrow, which may reach other rows.
    for i in rows.clone() {
        let r = &model.rows[i];
        let bg = if emph.selected == Some(r.index) {
            Some(SELECTED_BG)
        } else if emph.highlight.contains(&r.index) {
            Some(HIGHLIGHT_BG)
        } else {
            None
        };
        if let Some(bg) = bg {
            let y = geo.ys[i][1];
            let half = geo.row_h * 0.45;
            c.fill(
                Rect::from_x_y_ranges(4.0..=geo.width - 4.0, (y - half)..=(y + half)),
                bg,
            );
            if let Some((a, b)) = geo.arrow(model, i) {
                c.line(a, b, Stroke::new(8.0, bg.gamma_multiply(0.9)));
            }
        }
    }
    // The two time lines and the capture point.
    if y1 > y0 {
        let line = Stroke::new(2.0, Color32::from_gray(0x30));
        c.line(
            Pos2::new(geo.x_client, y0),
            Pos2::new(geo.x_client, y1),
            line,
        );
        c.line(
            Pos2::new(geo.x_server, y0),
            Pos2::new(geo.x_server, y1),
            line,
        );
        c.dashed(
            Pos2::new(geo.x_capture, y0),
            Pos2::new(geo.x_capture, y1),
            Stroke::new(1.0, Color32::from_gray(0xb8)),
        );
    }
    let show_labels = geo.row_h >= 22.0;
    let show_notes = geo.row_h >= 34.0;
    // Arrows first, then every label on top (a label's white box must not be crossed by
    // the next row's arrow).
    for i in rows.clone() {
        let r = &model.rows[i];
        let Some((a, b)) = geo.arrow(model, i) else {
            continue;
        };
        let color = arrow_color(r.kind, r.len);
        let width = if emph.selected == Some(r.index) {
            2.6
        } else {
            1.5
        };
        if r.kind == ArrowKind::Lost {
            // The segment before was lost: a dashed stub where it would have been.
            let gap = Vec2::new(0.0, geo.row_h * 0.35);
            c.dashed(a - gap, b - gap, Stroke::new(1.0, color));
        }
        c.arrow(a, b, Stroke::new(width, color));
    }
    for i in rows.clone() {
        let r = &model.rows[i];
        let color = arrow_color(r.kind, r.len);
        let y = geo.ys[i][1];
        c.text(
            Pos2::new(8.0, y),
            Align2::LEFT_CENTER,
            &format!("#{} {:.6}", r.number, r.t),
            WEAK,
            None,
        );
        if show_labels {
            let p = Pos2::new(geo.x_capture, y - 2.0);
            c.text(
                p,
                Align2::CENTER_BOTTOM,
                &r.label,
                color,
                Some(Color32::WHITE),
            );
            if show_notes && !r.notes.is_empty() {
                c.text(
                    Pos2::new(geo.x_capture, y + 2.0),
                    Align2::CENTER_TOP,
                    &r.notes.join(" "),
                    color,
                    Some(Color32::WHITE),
                );
            }
        }
    }
    paint_states(model, geo, c, &rows);
    paint_brackets(model, geo, c, &rows);
    if model.cut && !model.rows.is_empty() && bottom >= line_end - geo.row_h {
        c.text(
            Pos2::new((geo.x_client + geo.x_server) / 2.0, line_end),
            Align2::CENTER_TOP,
            "replay cursor: later packets are hidden",
            Color32::from_rgb(0xa0, 0x50, 0x00),
            Some(Color32::WHITE),
        );
    }
}

/// State names along each line where they change; a name that would overlap the previous
/// one on the same side moves down.
fn paint_states(model: &LadderModel, geo: &Geometry, c: &mut dyn Canvas, rows: &Range<usize>) {
    let mut last_y = [f32::NEG_INFINITY; 2];
    for m in &model.marks {
        if m.row + 2 < rows.start || m.row >= rows.end + 2 {
            continue;
        }
        let Some(&[dep, _, arr]) = geo.ys.get(m.row) else {
            continue;
        };
        let y_touch = if m.at_departure { dep } else { arr };
        let k = m.end.index();
        let y = y_touch.max(last_y[k] + FONT + 4.0);
        last_y[k] = y;
        let x = geo.x_of(m.end);
        c.line(
            Pos2::new(x - 5.0, y_touch),
            Pos2::new(x + 5.0, y_touch),
            Stroke::new(2.0, STATE_COLOR),
        );
        let (pos, anchor) = match m.end {
            End::Client => (Pos2::new(x - 8.0, y), Align2::RIGHT_CENTER),
            End::Server => (Pos2::new(x + 8.0, y), Align2::LEFT_CENTER),
        };
        c.text(
            pos,
            anchor,
            state_name(m.state),
            STATE_COLOR,
            Some(Color32::WHITE),
        );
    }
}

fn state_name(s: TcpState) -> &'static str {
    s.name()
}

fn paint_brackets(model: &LadderModel, geo: &Geometry, c: &mut dyn Canvas, rows: &Range<usize>) {
    let x = geo.x_server + STATE_COL + 6.0;
    let stroke = Stroke::new(1.5, BRACKET_COLOR);
    for b in &model.brackets {
        if b.last < rows.start || b.first >= rows.end {
            continue;
        }
        let (Some(first), Some(last)) = (geo.ys.get(b.first), geo.ys.get(b.last)) else {
            continue;
        };
        let top = first[0].min(first[2]) - 4.0;
        let bottom = last[0].max(last[2]) + 4.0;
        c.line(Pos2::new(x, top), Pos2::new(x, bottom), stroke);
        c.line(Pos2::new(x - 6.0, top), Pos2::new(x, top), stroke);
        c.line(Pos2::new(x - 6.0, bottom), Pos2::new(x, bottom), stroke);
        let mid = (top + bottom) / 2.0;
        let (head, rest) = match b.name.split_once(": ") {
            Some((h, r)) => (h.to_string(), Some(r.to_string())),
            None => (b.name.clone(), None),
        };
        match rest {
            Some(rest) => {
                c.text(
                    Pos2::new(x + 6.0, mid - 1.0),
                    Align2::LEFT_BOTTOM,
                    &head,
                    BRACKET_COLOR,
                    None,
                );
                c.text(
                    Pos2::new(x + 6.0, mid + 1.0),
                    Align2::LEFT_TOP,
                    &rest,
                    BRACKET_COLOR,
                    None,
                );
            }
            None => c.text(
                Pos2::new(x + 6.0, mid),
                Align2::LEFT_CENTER,
                &head,
                BRACKET_COLOR,
                None,
            ),
        }
    }
}

/// The header: both ends' addresses and their states at the top of the view (the initial
/// states when scrolled to the top, as in an export), the capture point, how the slope was
/// found.
pub fn paint_header(
    model: &LadderModel,
    geo: &Geometry,
    c: &mut dyn Canvas,
    states: [TcpState; 2],
) {
    c.fill(
        Rect::from_min_size(Pos2::ZERO, Vec2::new(geo.width, HEADER)),
        Color32::WHITE,
    );
    let strong = Color32::from_gray(0x10);
    c.text(
        Pos2::new(geo.x_client, 6.0),
        Align2::CENTER_TOP,
        &format!("Client {}", model.client),
        strong,
        None,
    );
    c.text(
        Pos2::new(geo.x_server, 6.0),
        Align2::CENTER_TOP,
        &format!("Server {}", model.server),
        strong,
        None,
    );
    c.text(
        Pos2::new(geo.x_client, 24.0),
        Align2::CENTER_TOP,
        states[0].name(),
        STATE_COLOR,
        None,
    );
    c.text(
        Pos2::new(geo.x_server, 24.0),
        Align2::CENTER_TOP,
        states[1].name(),
        STATE_COLOR,
        None,
    );
    c.text(
        Pos2::new(geo.x_capture, 24.0),
        Align2::CENTER_TOP,
        "capture point",
        WEAK,
        None,
    );
    let s = &model.slope;
    let note = if s.measured {
        format!(
            "Slope from the handshake: client to capture {:.3} ms, capture to server {:.3} ms",
            s.client_half * 1e3,
            s.server_half * 1e3
        )
    } else {
        "No handshake captured: arrow slopes are a fixed guess, not measured".to_string()
    };
    c.text(Pos2::new(8.0, 44.0), Align2::LEFT_TOP, &note, WEAK, None);
    c.text(
        Pos2::new(8.0, 58.0),
        Align2::LEFT_TOP,
        "frame  time (s, from the connection's first packet)",
        WEAK,
        None,
    );
    c.line(
        Pos2::new(0.0, HEADER - 1.0),
        Pos2::new(geo.width, HEADER - 1.0),
        Stroke::new(1.0, Color32::from_gray(0xd0)),
    );
}

/// Draws the legend of arrow colours: a short line of each colour on white, as in the
/// diagram, with its meaning.
pub fn legend_ui(ui: &mut egui::Ui) {
    egui::Frame::new()
        .fill(Color32::WHITE)
        .inner_margin(egui::Margin::symmetric(6, 2))
        .corner_radius(3.0)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                for (kind, len) in [
                    (ArrowKind::Normal, 1),
                    (ArrowKind::Normal, 0),
                    (ArrowKind::Control, 0),
                    (ArrowKind::Reset, 0),
                    (ArrowKind::Retransmission, 0),
                    (ArrowKind::DupAck, 0),
                    (ArrowKind::Lost, 0),
                    (ArrowKind::ZeroWindow, 0),
                    (ArrowKind::Problem, 0),
                ] {
                    let label = match (kind, len) {
                        (ArrowKind::Normal, 0) => "ACK",
                        (ArrowKind::Normal, _) => "data",
                        (k, _) => k.label(),
                    };
                    let color = arrow_color(kind, len);
                    let (rect, _) =
                        ui.allocate_exact_size(Vec2::new(18.0, 12.0), egui::Sense::hover());
                    ui.painter().line_segment(
                        [rect.left_center(), rect.right_center()],
                        Stroke::new(2.5, color),
                    );
                    ui.label(egui::RichText::new(label).color(color).small());
                }
            });
        });
}

/// The whole ladder as an SVG document, with the geometry the screen used.
pub fn svg(model: &LadderModel, geo: &Geometry, emph: Emphasis<'_>) -> Svg {
    let mut svg = Svg::new(geo.width, geo.height + 10.0);
    paint_rows(
        model,
        geo,
        &mut svg,
        0..model.rows.len(),
        (0.0, geo.height),
        emph,
    );
    paint_header(model, geo, &mut svg, model.initial);
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::FlowProto;
    use crate::ui::ladder::model::{Row, Slope};
    use crate::ui::selection::ConnRef;

    /// A connection of `n` segments alternating sides, 1 ms apart, with a measured slope of
    /// 0.2 ms each way.
    fn model(n: usize) -> LadderModel {
        let slope = Slope::estimate(Some(0.0), Some(0.0004), Some(0.0008));
        let rows = (0..n)
            .map(|i| {
                let from = if i % 2 == 0 { End::Client } else { End::Server };
                let t = i as f64 * 1e-3;
                let (depart, arrive) = slope.travel(from, t);
                Row {
                    index: i,
                    number: i as u64 + 1,
                    t,
                    from,
                    depart,
                    arrive,
                    label: format!("row {i}"),
                    notes: Vec::new(),
                    kind: ArrowKind::Normal,
                    len: 0,
                    states: [TcpState::Established; 2],
                }
            })
            .collect();
        LadderModel {
            conn: ConnRef {
                proto: FlowProto::Tcp,
                stream: 0,
            },
            client: "c".into(),
            server: "s".into(),
            rows,
            initial: [TcpState::Established; 2],
            marks: Vec::new(),
            brackets: Vec::new(),
            slope,
            start_ns: 0,
            cut: false,
            events: vec![Default::default(); n],
            close_name: String::new(),
        }
    }

    #[test]
    fn arrows_slope_down_by_the_travel_time() {
        let m = model(5);
        let g = Geometry::new(&m, 1200.0, 40.0);
        // Rows 1 ms apart, 0.2 ms each way: an arrow leaves 0.2 row above its capture y and
        // lands 0.2 row below it.
        let [dep, y, arr] = g.ys[2];
        assert!((y - dep - 8.0).abs() < 0.01, "{dep} {y}");
        assert!((arr - y - 8.0).abs() < 0.01, "{y} {arr}");
        let (a, b) = g.arrow(&m, 1).unwrap();
        assert_eq!((a.x, b.x), (g.x_server, g.x_client));
        // Equal halves: the capture point is midway.
        assert!((g.x_capture - (g.x_client + g.x_server) / 2.0).abs() < 0.01);
    }

    #[test]
    fn equal_and_backward_timestamps_give_finite_ordered_arrows() {
        let mut m = model(6);
        // Two packets in the same microsecond, then a clock stepping back, then a long gap.
        for (r, t) in m
            .rows
            .iter_mut()
            .zip([0.0, 0.001, 0.001, 0.0005, 0.002, 50.0])
        {
            r.t = t;
            (r.depart, r.arrive) = m.slope.travel(r.from, t);
        }
        let g = Geometry::new(&m, 1200.0, 40.0);
        for (i, [a, y, b]) in g.ys.iter().enumerate() {
            assert!(a.is_finite() && b.is_finite(), "row {i}");
            // Every arrow leaves before (or when) it passes the capture point and lands after.
            assert!(a <= y && y <= b, "row {i}: {a} {y} {b}");
        }
        // Row 1 (t = 1 ms) lands 0.2 ms later: after rows 2 and 3, which share its time
        // (row 3's clock stepped back), and before row 4 (2 ms), a fifth of the way.
        let [_, y3, _] = g.ys[3];
        let [_, y4, _] = g.ys[4];
        assert!((g.ys[1][2] - (y3 + 0.2 * (y4 - y3))).abs() < 1e-3);
        // The 50 s gap before row 5 squeezes its departure against its capture y.
        assert!(g.ys[5][1] - g.ys[5][0] < 1.0);
    }

    #[test]
    fn only_rows_near_the_visible_band_are_drawn() {
        let m = model(100_000);
        let g = Geometry::new(&m, 1200.0, 40.0);
        let top = g.ys[50_000][1];
        let rows = g.rows_in(top, top + 800.0);
        assert!(rows.contains(&50_000) && rows.contains(&50_019));
        assert!(rows.len() < 30, "{rows:?}");
        // Clicking on an arrow finds it; empty space finds nothing.
        let (a, b) = g.arrow(&m, 50_010).unwrap();
        let on = a + (b - a) * 0.75;
        assert_eq!(g.hit(&m, on, rows.clone()), Some(50_010));
        assert_eq!(g.hit(&m, Pos2::new(2.0, on.y), rows), None);
    }
}
