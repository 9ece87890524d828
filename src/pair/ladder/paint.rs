//! Painting the two-tap ladder on a [`Canvas`]: the window's screen or an SVG document, with
//! the same shapes, colours and text.

use std::ops::Range;

use crate::analysis::Direction;
use crate::figure::{Anchor, Canvas, Color, Point, Rect, Stroke, Svg, TextStyle};

use super::{TwoTapGeometry, BREAK_PX, HEADER, ROW_GAP, ROW_TEXT};
use crate::i18n::{text, Message};
use crate::pair::{Fate, PairedConnection, SegmentRow, TapId};

/// Client -> server arrows (and the delay graph's line).
pub const C2S: Color = Color::from_rgb(0x1f, 0x4e, 0x9c);
/// Server -> client arrows.
pub const S2C: Color = Color::from_rgb(0x1e, 0x7a, 0x46);
/// Losses: the arrow and its cross.
pub const LOST: Color = Color::from_rgb(0xd0, 0x1b, 0x1b);
/// Reordered between the points.
const REORDERED: Color = Color::from_rgb(0xd9, 0x75, 0x00);
/// Duplicated on the way.
const DUPLICATED: Color = Color::from_rgb(0x8a, 0x2d, 0xb8);
/// Copies a capture missed.
const UNSEEN: Color = Color::from_gray(0x90);
/// The rails and secondary text.
const RAIL: Color = Color::from_gray(0x70);
/// Titles.
const INK: Color = Color::from_gray(0x10);
/// Font size of the titles and of the rows' text.
const TITLE_SIZE: f32 = 13.0;
const ROW_SIZE: f32 = ROW_TEXT;
/// Squeezed idle stretches.
const IDLE: Color = Color::from_gray(0xee);
/// The band behind the selected row.
const SELECTED: Color = Color::from_rgb(0xd6, 0xe6, 0xfb);
/// The text column's fields: x of each (time, frames in A/B, seq, len, one-way, fate).
const COLUMNS: [f32; 6] = [4.0, 78.0, 160.0, 220.0, 262.0, 326.0];

/// The colour of a row's arrow.
pub fn colour(r: &SegmentRow) -> Color {
    match r.fate {
        f if f.is_loss() => LOST,
        Fate::Reordered => REORDERED,
        Fate::Duplicated => DUPLICATED,
        Fate::NotCapturedUpstream | Fate::NotCapturedDownstream | Fate::OutsideCapture => UNSEEN,
        _ if r.dir == Direction::ClientToServer => C2S,
        _ => S2C,
    }
}

/// Paints the rails, their titles (kept at `top`, the figure y at the top of what is
/// shown), the arrows `rows` and their text lines, on a white ground; the `selected` row
/// on a band of its own with a bolder arrow.
pub fn ladder(
    c: &mut dyn Canvas,
    geo: &TwoTapGeometry,
    conn: &PairedConnection,
    rows: Range<usize>,
    top: f32,
    width: f32,
    selected: Option<usize>,
) {
    let shown = Rect::from_min_max(Point::new(0.0, top.max(0.0)), Point::new(width, geo.height));
    c.fill(shown, Color::WHITE);
    if let Some(arrow) = selected.and_then(|i| geo.arrows.get(i)) {
        let half = ROW_GAP / 2.0;
        c.fill(
            Rect::from_min_max(
                Point::new(0.0, arrow.y - half),
                Point::new(width, arrow.y + half),
            ),
            SELECTED,
        );
    }
    let rails = &geo.rails;
    let near = rails.client_side_tap;
    let titles = [
        (rails.client, text("pair-rail-client"), false),
        (rails.near_client, tap_title(near), true),
        (rails.near_server, tap_title(near.other()), true),
        (rails.server, text("pair-rail-server"), false),
    ];
    for (x, _, dashed) in &titles {
        let (a, b) = (Point::new(*x, HEADER - 8.0), Point::new(*x, geo.height));
        if *dashed {
            c.dashed(a, b, Stroke::new(1.5, RAIL));
        } else {
            c.line(a, b, Stroke::new(2.0, RAIL));
        }
    }
    // Squeezed idle stretches: the rails broken by a grey band saying how long it was.
    for b in geo
        .breaks
        .iter()
        .filter(|b| b.y + BREAK_PX >= top && b.y <= geo.height)
    {
        c.fill(
            Rect::from_min_max(
                Point::new(0.0, b.y + 4.0),
                Point::new(width, b.y + BREAK_PX - 4.0),
            ),
            IDLE,
        );
        let idle = Message::new("pair-idle")
            .arg("ms", format!("{:.3}", b.idle_ns as f64 / 1e6))
            .text();
        c.text(
            Point::new(COLUMNS[0], b.y + BREAK_PX / 2.0),
            Anchor::LEFT_CENTER,
            &idle,
            TextStyle::new(ROW_SIZE, RAIL),
        );
    }
    // Losses last, so the arrows around them do not hide them.
    let lost_last = geo.arrows[rows.clone()]
        .iter()
        .filter(|a| a.lost_at.is_none())
        .chain(
            geo.arrows[rows.clone()]
                .iter()
                .filter(|a| a.lost_at.is_some()),
        );
    for arrow in lost_last {
        let r = &conn.rows[arrow.row];
        let bold = Some(arrow.row) == selected;
        let stroke = Stroke::new(if bold { 3.0 } else { 1.6 }, colour(r));
        for p in &arrow.pieces {
            match (p.dashed, p.head) {
                (_, true) if !p.dashed => c.arrow(p.from, p.to, stroke),
                (true, _) => c.dashed(p.from, p.to, stroke),
                (false, _) => c.line(p.from, p.to, stroke),
            }
        }
        if let Some(x) = arrow.lost_at {
            cross(c, x);
        }
        for m in &arrow.extra_arrivals {
            c.fill(
                Rect::from_min_max(*m - Point::new(2.5, 2.5), *m + Point::new(2.5, 2.5)),
                DUPLICATED,
            );
        }
    }
    // One text line per row where there is room for it.
    let labelled = geo.labelled(rows, top, selected);
    for arrow in labelled.into_iter().map(|i| &geo.arrows[i]) {
        let r = &conn.rows[arrow.row];
        for (x, text) in COLUMNS.iter().zip(row_fields(r, geo.t0)) {
            c.text(
                Point::new(*x, arrow.y),
                Anchor::LEFT_CENTER,
                &text,
                TextStyle::new(ROW_SIZE, colour(r)),
            );
        }
    }
    // Titles last, on a band of their own, so rows scrolled under them stay readable.
    let band = top.max(0.0);
    c.fill(
        Rect::from_min_max(
            Point::new(0.0, band),
            Point::new(width, band + HEADER - 12.0),
        ),
        Color::WHITE,
    );
    for (x, title, _) in &titles {
        c.text(
            Point::new(*x, band + 6.0),
            Anchor::CENTER_TOP,
            title,
            TextStyle::new(TITLE_SIZE, INK),
        );
    }
    let heads = [
        "pair-column-time",
        "pair-column-frames",
        "pair-column-seq",
        "pair-column-len",
        "pair-column-one-way",
        "pair-column-fate",
    ];
    for (x, h) in COLUMNS.iter().zip(heads) {
        c.text(
            Point::new(*x, band + 8.0),
            Anchor::LEFT_TOP,
            &text(h),
            TextStyle::new(ROW_SIZE, RAIL),
        );
    }
}

/// A cross where a segment was lost.
fn cross(c: &mut dyn Canvas, at: Point) {
    let d = 5.0;
    let s = Stroke::new(2.5, LOST);
    c.line(at + Point::new(-d, -d), at + Point::new(d, d), s);
    c.line(at + Point::new(-d, d), at + Point::new(d, -d), s);
}

/// The text column of a row: time on A's clock since the first row, frames in A and B,
/// direction and relative seq, length, one-way delay, fate.
fn row_fields(r: &SegmentRow, t0: i64) -> [String; 6] {
    let frame = |f: Option<u64>| f.map_or("-".to_string(), |n| n.to_string());
    let arrow = if r.dir == Direction::ClientToServer {
        "->"
    } else {
        "<-"
    };
    [
        format!("{:.6}", (r.time - t0) as f64 / 1e9),
        format!("{}/{}", frame(r.frame_a), frame(r.frame_b)),
        format!("{arrow} {}", r.seq),
        r.len.to_string(),
        r.one_way_ns
            .map_or("-".to_string(), |d| format!("{:.3} ms", d as f64 / 1e6)),
        r.fate_text(),
    ]
}

/// "capture point A", in the reader's language.
fn tap_title(tap: TapId) -> String {
    Message::new("pair-rail-tap").arg("tap", tap.name()).text()
}

/// The whole ladder of one connection as an SVG document `width` wide.
pub fn svg(geo: &TwoTapGeometry, conn: &PairedConnection, width: f32) -> Svg {
    let mut svg = Svg::new(width, geo.height);
    ladder(&mut svg, geo, conn, 0..geo.arrows.len(), 0.0, width, None);
    svg
}
