//! Painting the laid-out ladder on a [`Canvas`]: the screen (in `ui`) or an SVG document,
//! with the same shapes, colours and text.

use std::ops::Range;

use crate::figure::{
    text_height, text_width, Anchor, Canvas, Color, Point, Rect, Stroke, Svg, TextStyle,
};

use super::layout::{Geometry, Owner, FONT, HEADER, STATE_COL};
use super::model::{ArrowKind, End, LadderModel};
use super::words;

/// Colour of an arrow class on the white figure background (`data`: it carries bytes).
pub fn arrow_color(kind: ArrowKind, data: bool) -> Color {
    match kind {
        ArrowKind::Normal if data => Color::from_rgb(0x1f, 0x4e, 0x9c),
        ArrowKind::Normal => Color::from_rgb(0x6a, 0x6a, 0x6a),
        ArrowKind::Control => Color::from_rgb(0x10, 0x10, 0x10),
        // The packet list's RST row colour.
        ArrowKind::Reset => Color::from_rgb(0xa4, 0x00, 0x00),
        ArrowKind::Retransmission => Color::from_rgb(0xe0, 0x1b, 0x1b),
        ArrowKind::DupAck => Color::from_rgb(0xd9, 0x75, 0x00),
        ArrowKind::Lost => Color::from_rgb(0xb0, 0x1e, 0xa8),
        ArrowKind::ZeroWindow => Color::from_rgb(0x5b, 0x2d, 0xc8),
        ArrowKind::Problem => Color::from_rgb(0x8a, 0x5a, 0x00),
    }
}

/// Colour of state names along the lines.
pub const STATE_COLOR: Color = Color::from_rgb(0x0b, 0x6e, 0x35);
/// Colour of notes other tools put on the lines.
pub const NOTE_COLOR: Color = Color::from_rgb(0x6b, 0x3f, 0x00);
/// Colour of brackets and their names.
pub const BRACKET_COLOR: Color = Color::from_rgb(0x44, 0x44, 0x99);
/// Secondary text (times, frame numbers, notes).
pub const WEAK: Color = Color::from_rgb(0x70, 0x70, 0x70);
/// Colour of break marks and their text.
pub const BREAK_COLOR: Color = Color::from_rgb(0x80, 0x60, 0x20);
/// Background of the selected row.
pub const SELECTED_BG: Color = Color::from_rgb(0xff, 0xf0, 0xa8);
/// Background of rows the guided tour points at.
pub const HIGHLIGHT_BG: Color = Color::from_rgb(0xd6, 0xf0, 0xff);
/// Label boxes: white, slightly see-through so crossing arrows still show.
const LABEL_BG: Color = Color {
    r: 255,
    g: 255,
    b: 255,
    a: 225,
};

/// The legend's entries: colour, dashed, crossed, words.
pub fn legend() -> Vec<(Color, bool, bool, String)> {
    let w = words::legend();
    vec![
        (
            arrow_color(ArrowKind::Normal, true),
            false,
            false,
            w[0].clone(),
        ),
        (
            arrow_color(ArrowKind::Normal, false),
            false,
            false,
            w[1].clone(),
        ),
        (
            arrow_color(ArrowKind::Control, false),
            false,
            false,
            w[2].clone(),
        ),
        (
            arrow_color(ArrowKind::Reset, false),
            false,
            false,
            w[3].clone(),
        ),
        (
            arrow_color(ArrowKind::Retransmission, false),
            false,
            false,
            w[4].clone(),
        ),
        (
            arrow_color(ArrowKind::DupAck, false),
            false,
            false,
            w[5].clone(),
        ),
        (
            arrow_color(ArrowKind::Lost, false),
            false,
            false,
            w[6].clone(),
        ),
        (
            arrow_color(ArrowKind::ZeroWindow, false),
            false,
            false,
            w[7].clone(),
        ),
        (
            arrow_color(ArrowKind::Problem, false),
            false,
            false,
            w[8].clone(),
        ),
        (
            arrow_color(ArrowKind::Normal, true),
            false,
            true,
            w[9].clone(),
        ),
        (
            arrow_color(ArrowKind::Lost, false),
            true,
            false,
            w[10].clone(),
        ),
    ]
}

/// What to emphasise besides the content.
#[derive(Debug, Clone, Copy, Default)]
pub struct Emphasis<'a> {
    /// Handle (store index) of the selected packet.
    pub selected: Option<usize>,
    /// Handles the guided tour points at.
    pub highlight: &'a [usize],
}

/// An X of `size` points centred on `p`.
fn cross(c: &mut dyn Canvas, p: Point, size: f32, stroke: Stroke) {
    let d = size / 2.0;
    c.line(
        Point::new(p.x - d, p.y - d),
        Point::new(p.x + d, p.y + d),
        stroke,
    );
    c.line(
        Point::new(p.x - d, p.y + d),
        Point::new(p.x + d, p.y - d),
        stroke,
    );
}

/// A zigzag across a time line at `y`: the break mark.
fn zigzag(c: &mut dyn Canvas, x: f32, y: f32, stroke: Stroke) {
    let pts = [
        Point::new(x - 8.0, y - 5.0),
        Point::new(x + 8.0, y - 9.0),
        Point::new(x - 8.0, y + 1.0),
        Point::new(x + 8.0, y - 3.0),
    ];
    c.line(pts[0], pts[1], stroke);
    c.line(pts[2], pts[3], stroke);
    // The line is interrupted between the two strokes.
    c.fill(
        Rect::from_min_max(Point::new(x - 3.0, y - 5.0), Point::new(x + 3.0, y - 1.0)),
        Color::WHITE,
    );
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
    let n = model.rows.len().min(geo.arrows.len());
    let rows = rows.start.min(n)..rows.end.min(n);
    let line_end = geo.height - geo.row_h * 0.5;
    paint_row_backgrounds(model, geo, c, rows.clone(), emph);
    paint_time_lines(geo, c, (top.max(HEADER), bottom.min(line_end)));
    paint_breaks(geo, c, band);
    paint_resend_links(model, geo, c, rows.clone());
    paint_ghosts(model, geo, c, rows.clone());
    // Arrows, then every label on top (a label's box must not be crossed by the next
    // row's arrow).
    paint_arrows(model, geo, c, rows.clone(), emph.selected);
    paint_row_times(model, geo, c, rows.clone());
    paint_labels(model, geo, c, rows);
    paint_side(geo, c, band);
    paint_brackets(geo, c, band);
    if model.cut && !model.rows.is_empty() && bottom >= line_end - geo.row_h {
        c.text(
            Point::new((geo.x_client + geo.x_server) / 2.0, line_end),
            Anchor::CENTER_TOP,
            &words::replay_cut(),
            TextStyle::new(FONT, Color::from_rgb(0xa0, 0x50, 0x00)).on(Color::WHITE),
        );
    }
}

/// Row backgrounds (selection, tour highlights), under everything: a band around the row's
/// capture moment, and a halo under its arrow, which may reach other rows.
fn paint_row_backgrounds(
    model: &LadderModel,
    geo: &Geometry,
    c: &mut dyn Canvas,
    rows: Range<usize>,
    emph: Emphasis<'_>,
) {
    for i in rows {
        let r = &model.rows[i];
        let bg = if emph.selected == Some(r.index) {
            Some(SELECTED_BG)
        } else if emph.highlight.contains(&r.index) {
            Some(HIGHLIGHT_BG)
        } else {
            None
        };
        if let Some(bg) = bg {
            let y = geo.knots[i];
            let half = geo.row_h * 0.45;
            c.fill(
                Rect::from_min_max(
                    Point::new(4.0, y - half),
                    Point::new(geo.width - 4.0, y + half),
                ),
                bg,
            );
            let a = &geo.arrows[i];
            c.line(a.from, a.to, Stroke::new(8.0, bg));
        }
    }
}

/// The two ends' time lines and the capture point's, from `y0` to `y1`.
fn paint_time_lines(geo: &Geometry, c: &mut dyn Canvas, (y0, y1): (f32, f32)) {
    if y1 <= y0 {
        return;
    }
    let line = Stroke::new(2.0, Color::from_gray(0x30));
    for x in [geo.x_client, geo.x_server] {
        c.line(Point::new(x, y0), Point::new(x, y1), line);
    }
    c.dashed(
        Point::new(geo.x_capture, y0),
        Point::new(geo.x_capture, y1),
        Stroke::new(1.0, Color::from_gray(0xb8)),
    );
}

/// Breaks near the band: the lines are cut and the idle time written in the time column.
fn paint_breaks(geo: &Geometry, c: &mut dyn Canvas, (top, bottom): (f32, f32)) {
    for b in &geo.breaks {
        if b.y < top - 40.0 || b.y > bottom + 40.0 {
            continue;
        }
        let s = Stroke::new(1.5, BREAK_COLOR);
        zigzag(c, geo.x_client, b.y, s);
        zigzag(c, geo.x_server, b.y, s);
        let h = text_height(FONT);
        let first = b.y - h * (b.lines.len() as f32 - 1.0) / 2.0;
        for (k, line) in b.lines.iter().enumerate() {
            c.text(
                Point::new(8.0, first + h * k as f32),
                Anchor::LEFT_CENTER,
                line,
                TextStyle::new(FONT, BREAK_COLOR),
            );
        }
    }
}

/// Each retransmission's link along the sender's line back to what it sends again.
fn paint_resend_links(model: &LadderModel, geo: &Geometry, c: &mut dyn Canvas, rows: Range<usize>) {
    for (i, r) in model
        .rows
        .iter()
        .enumerate()
        .take(rows.end)
        .skip(rows.start)
    {
        if r.resends.is_none() {
            continue;
        }
        if let Some(link) = geo
            .links
            .iter()
            .find(|l| (l.to.y - geo.arrows[i].from.y).abs() < 0.01)
        {
            let s = Stroke::new(1.0, arrow_color(ArrowKind::Retransmission, true));
            c.dashed(link.from, link.to, s);
            let x_line = geo.x_of(r.from);
            c.line(Point::new(x_line, link.from.y), link.from, s);
            c.line(Point::new(x_line, link.to.y), link.to, s);
        }
    }
}

/// Ghosts near the rows: segments never captured, dashed, crossed where they were lost.
fn paint_ghosts(model: &LadderModel, geo: &Geometry, c: &mut dyn Canvas, rows: Range<usize>) {
    for (g, a) in model.ghosts.iter().zip(&geo.ghosts) {
        if g.before < rows.start.saturating_sub(1) || g.before > rows.end {
            continue;
        }
        let s = Stroke::new(1.2, arrow_color(ArrowKind::Lost, true));
        c.dashed(a.from, a.to, s);
        if a.lost {
            cross(c, a.to, 9.0, Stroke::new(2.0, s.color));
        } else {
            c.arrow(a.to.lerp(a.from, 0.02), a.to, Stroke::new(1.0, s.color));
        }
    }
}

/// The rows' arrows (a lost segment's ends in a cross), the `selected` packet's thicker and
/// a summarized run's thinner.
fn paint_arrows(
    model: &LadderModel,
    geo: &Geometry,
    c: &mut dyn Canvas,
    rows: Range<usize>,
    selected: Option<usize>,
) {
    for i in rows {
        let r = &model.rows[i];
        let a = &geo.arrows[i];
        let color = arrow_color(r.kind, r.len > 0);
        let width = if selected == Some(r.index) {
            2.6
        } else if a.summarized {
            1.0
        } else {
            1.5
        };
        if a.lost {
            c.line(a.from, a.to, Stroke::new(width, color));
            cross(c, a.to, 10.0, Stroke::new(2.2, color));
        } else {
            c.arrow(a.from, a.to, Stroke::new(width, color));
        }
    }
}

/// The frame number and time of the rows that show one, in the time column.
fn paint_row_times(model: &LadderModel, geo: &Geometry, c: &mut dyn Canvas, rows: Range<usize>) {
    for (i, y) in &geo.times {
        if !rows.contains(i) {
            continue;
        }
        let r = &model.rows[*i];
        c.text(
            Point::new(8.0, *y),
            Anchor::LEFT_CENTER,
            &format!("#{} {:.6}", r.number, r.t()),
            TextStyle::new(FONT, WEAK),
        );
    }
}

/// The labels of the rows, runs and ghosts that touch `rows`, each on its box: the first
/// line in its arrow's colour, notes dimmed.
fn paint_labels(model: &LadderModel, geo: &Geometry, c: &mut dyn Canvas, rows: Range<usize>) {
    let h = text_height(FONT);
    for l in &geo.labels {
        let row = match l.owner {
            Owner::Row(i) => i,
            Owner::Run(k) | Owner::RunAcks(k) => model.runs[k].first,
            Owner::Ghost(g) => model.ghosts[g].before,
        };
        let last = match l.owner {
            Owner::Run(k) | Owner::RunAcks(k) => model.runs[k].last,
            _ => row,
        };
        if last < rows.start || row >= rows.end {
            continue;
        }
        let rect = Rect::from_min_max(
            Point::new(
                l.rect.min.x.min(l.rect.max.x),
                l.rect.min.y.min(l.rect.max.y),
            ),
            Point::new(
                l.rect.min.x.max(l.rect.max.x),
                l.rect.min.y.max(l.rect.max.y),
            ),
        );
        c.fill(rect, LABEL_BG);
        let color = arrow_color(l.kind, l.data);
        for (k, line) in l.lines.iter().enumerate() {
            c.text(
                Point::new(rect.center().x, rect.min.y + 1.0 + h * (k as f32 + 0.5)),
                Anchor::CENTER_CENTER,
                line,
                TextStyle::new(FONT, if k == 0 { color } else { darker(WEAK, color) }),
            );
        }
    }
}

/// The darker, per channel, of two colours (notes keep their arrow's hue, dimmed).
fn darker(a: Color, b: Color) -> Color {
    Color::from_rgb(a.r.min(b.r), a.g.min(b.g), a.b.min(b.b))
}

/// State names and notes along each line, with a tick where a state changes.
fn paint_side(geo: &Geometry, c: &mut dyn Canvas, band: (f32, f32)) {
    for s in &geo.side {
        if s.y_text < band.0 - 20.0 || s.y_touch > band.1 + 20.0 {
            continue;
        }
        let x = geo.x_of(s.end);
        let color = if s.state { STATE_COLOR } else { NOTE_COLOR };
        if s.state {
            c.line(
                Point::new(x - 5.0, s.y_touch),
                Point::new(x + 5.0, s.y_touch),
                Stroke::new(2.0, STATE_COLOR),
            );
        } else {
            c.line(
                Point::new(x - 3.0, s.y_touch),
                Point::new(x + 3.0, s.y_touch),
                Stroke::new(1.0, NOTE_COLOR),
            );
        }
        let (pos, anchor) = match s.end {
            End::Client => (Point::new(x - 8.0, s.y_text), Anchor::RIGHT_CENTER),
            End::Server => (Point::new(x + 8.0, s.y_text), Anchor::LEFT_CENTER),
        };
        c.text(
            pos,
            anchor,
            &s.text,
            TextStyle::new(FONT, color).on(Color::WHITE),
        );
    }
}

fn paint_brackets(geo: &Geometry, c: &mut dyn Canvas, band: (f32, f32)) {
    let x = geo.x_server + STATE_COL + 6.0;
    let stroke = Stroke::new(1.5, BRACKET_COLOR);
    let h = text_height(FONT);
    for b in &geo.brackets {
        if b.bottom < band.0 || b.top > band.1 {
            continue;
        }
        c.line(Point::new(x, b.top), Point::new(x, b.bottom), stroke);
        c.line(Point::new(x - 6.0, b.top), Point::new(x, b.top), stroke);
        c.line(
            Point::new(x - 6.0, b.bottom),
            Point::new(x, b.bottom),
            stroke,
        );
        let mid = (b.top + b.bottom) / 2.0;
        let first = mid - h * (b.lines.len() as f32 - 1.0) / 2.0;
        for (k, line) in b.lines.iter().enumerate() {
            c.text(
                Point::new(x + 6.0, first + h * k as f32),
                Anchor::LEFT_CENTER,
                line,
                TextStyle::new(FONT, BRACKET_COLOR),
            );
        }
    }
}

/// The header: both ends' addresses and their states at the top of the view (the initial
/// states when scrolled to the top, as in an export), the capture point, how the delays
/// were found.
pub fn paint_header(
    model: &LadderModel,
    geo: &Geometry,
    c: &mut dyn Canvas,
    states: [crate::analysis::TcpState; 2],
) {
    c.fill(
        Rect::from_min_size(Point::default(), geo.width, HEADER),
        Color::WHITE,
    );
    // Each end's title over its time line, then (TCP only) its state under the title.
    let strong = Color::from_gray(0x10);
    let ends = [geo.x_client, geo.x_server];
    for (x, title) in ends.into_iter().zip(model.end_titles()) {
        c.text(
            Point::new(x, 6.0),
            Anchor::CENTER_TOP,
            &title,
            TextStyle::new(FONT, strong),
        );
    }
    if model.is_tcp() {
        for (x, state) in ends.into_iter().zip(states) {
            c.text(
                Point::new(x, 24.0),
                Anchor::CENTER_TOP,
                state.name(),
                TextStyle::new(FONT, STATE_COLOR),
            );
        }
    }
    // The capture point's caption, moved clear of the states written under each end.
    let half = |t: &str| text_width(t, FONT) / 2.0 + 6.0;
    let cap = half(&words::capture_point());
    let left = geo.x_client + half(states[0].name()) + cap;
    let right = geo.x_server - half(states[1].name()) - cap;
    let x = if left <= right {
        geo.x_capture.clamp(left, right)
    } else {
        geo.x_capture
    };
    c.text(
        Point::new(x, 24.0),
        Anchor::CENTER_TOP,
        &words::capture_point(),
        TextStyle::new(FONT, WEAK),
    );
    let h = text_height(FONT);
    for (k, line) in geo.header_note(model).iter().enumerate() {
        c.text(
            Point::new(8.0, 42.0 + h * k as f32),
            Anchor::LEFT_TOP,
            line,
            TextStyle::new(FONT, WEAK),
        );
    }
    c.text(
        Point::new(8.0, HEADER - 16.0),
        Anchor::LEFT_TOP,
        &words::time_column(),
        TextStyle::new(FONT, WEAK),
    );
    c.line(
        Point::new(0.0, HEADER - 1.0),
        Point::new(geo.width, HEADER - 1.0),
        Stroke::new(1.0, Color::from_gray(0xd0)),
    );
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
