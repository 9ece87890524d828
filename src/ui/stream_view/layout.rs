//! The ribbon's geometry: primitives (rectangles, hatching, lines, text) and click targets in
//! the ribbon's own coordinates, computed from the model and the visible byte range. The view
//! paints these primitives and the SVG export writes the same ones, so the figure is what the
//! user saw.

use egui::{Align2, Color32, Pos2, Rect, Stroke};

use super::model::{RibbonDir, RibbonModel};
use crate::analysis::FlowProto;
use crate::stream::calls::CallSpan;
use crate::stream::follow::DirMessages;
use crate::stream::text::TextEncoding;
use crate::ui::figure::Svg;
use crate::ui::palette;

/// Width of the row labels on the left.
pub const MARGIN: f32 = 84.0;
/// Height of the legend line.
pub const LEGEND_H: f32 = 26.0;
/// Height of each further line of a wrapped legend.
const LEGEND_LINE: f32 = 18.0;
/// Height of one direction's block.
pub const BLOCK_H: f32 = 168.0;

/// Height of a direction that carried no bytes (its title line only).
pub const EMPTY_H: f32 = 24.0;

/// The legend's entries: catalogue key and colour.
pub const LEGEND: [(&str, Color32); 9] = [
    ("ribbon-segment", palette::RIBBON_SEGMENT),
    ("ribbon-coalesced", palette::COALESCED),
    ("ribbon-message", palette::MESSAGE),
    ("ribbon-split", palette::SPLIT),
    ("ribbon-incomplete", palette::INCOMPLETE),
    ("ribbon-unparsed", palette::UNPARSED),
    ("ribbon-gap", palette::GAP),
    ("ribbon-send", palette::SEND_CALL),
    ("ribbon-recv", palette::RECV_CALL),
];

/// A drawing primitive.
#[derive(Debug, Clone, PartialEq)]
pub enum Prim {
    /// Filled, outlined rectangle.
    Rect(Rect, Color32, Stroke),
    /// Grey hatched rectangle (a gap).
    Hatch(Rect),
    /// Straight line.
    Line(Pos2, Pos2, Stroke),
    /// Text.
    Text(Pos2, Align2, String, f32, Color32),
}

/// What a click at a place hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// A segment: direction index and frame number.
    Segment(usize, u64),
    /// A message: direction index and message index.
    Message(usize, usize),
    /// A call: direction index and index in the calls trace.
    Call(usize, usize),
    /// A gap: direction index and gap index.
    Gap(usize, usize),
}

/// A laid-out ribbon.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// What to draw, in order.
    pub prims: Vec<Prim>,
    /// Click targets, later ones on top.
    pub hits: Vec<(Rect, Hit)>,
    /// Total height.
    pub height: f32,
    /// The drawn directions' blocks: (direction index, top, bottom), for zoom and pan.
    pub blocks: Vec<(usize, f32, f32)>,
}

impl Layout {
    /// The direction whose block covers height `y`, if any.
    pub fn block_at(&self, y: f32) -> Option<usize> {
        self.blocks
            .iter()
            .find(|(_, a, b)| (*a..*b).contains(&y))
            .map(|(d, _, _)| *d)
    }

    /// The target under `p`, if any.
    pub fn hit(&self, p: Pos2) -> Option<Hit> {
        self.hits
            .iter()
            .rev()
            .find(|(r, _)| r.contains(p))
            .map(|(_, h)| *h)
    }

    /// Writes the primitives as an SVG figure.
    pub fn svg(&self, width: f32) -> Svg {
        let mut svg = Svg::new(width, self.height);
        for p in &self.prims {
            match p {
                Prim::Rect(r, fill, stroke) => svg.rect(*r, *fill, *stroke),
                Prim::Hatch(r) => {
                    svg.rect(*r, Color32::from_gray(225), Stroke::new(0.5, palette::GAP));
                    for (a, b) in hatch_lines(*r) {
                        svg.line(a, b, Stroke::new(1.0, palette::GAP));
                    }
                }
                Prim::Line(a, b, s) => svg.line(*a, *b, *s),
                Prim::Text(pos, anchor, text, size, color) => {
                    svg.text(*pos, *anchor, text, *size, *color)
                }
            }
        }
        svg
    }

    /// Paints the primitives with their origin at `origin`.
    pub fn paint(&self, painter: &egui::Painter, origin: Pos2) {
        let off = origin.to_vec2();
        for p in &self.prims {
            match p {
                Prim::Rect(r, fill, stroke) => {
                    painter.rect(
                        r.translate(off),
                        2.0,
                        *fill,
                        *stroke,
                        egui::StrokeKind::Inside,
                    );
                }
                Prim::Hatch(r) => {
                    let r = r.translate(off);
                    painter.rect_filled(r, 0.0, Color32::from_gray(225));
                    for (a, b) in hatch_lines(r) {
                        painter.line_segment([a, b], Stroke::new(1.0, palette::GAP));
                    }
                }
                Prim::Line(a, b, s) => {
                    painter.line_segment([*a + off, *b + off], *s);
                }
                Prim::Text(pos, anchor, text, size, color) => {
                    painter.text(
                        *pos + off,
                        *anchor,
                        text,
                        egui::FontId::proportional(*size),
                        *color,
                    );
                }
            }
        }
    }
}

/// Diagonal hatching lines clipped to `r`, every 6 points.
fn hatch_lines(r: Rect) -> Vec<(Pos2, Pos2)> {
    let mut out = Vec::new();
    let h = r.height();
    let mut x = r.min.x - h;
    while x < r.max.x {
        // Line from (x, bottom) to (x + h, top), clipped horizontally.
        let (mut x0, mut y0, mut x1, mut y1) = (x, r.max.y, x + h, r.min.y);
        if x0 < r.min.x {
            y0 -= r.min.x - x0;
            x0 = r.min.x;
        }
        if x1 > r.max.x {
            y1 += x1 - r.max.x;
            x1 = r.max.x;
        }
        if x1 > x0 {
            out.push((Pos2::new(x0, y0), Pos2::new(x1, y1)));
        }
        x += 6.0;
    }
    out
}

/// Rough width of `text` at `size` points (proportional font), to decide whether a label fits.
fn text_width(text: &str, size: f32) -> f32 {
    // East Asian characters are square; Latin ones about half as wide.
    text.chars()
        .map(|c| if u32::from(c) >= 0x1100 { 1.0 } else { 0.55 })
        .sum::<f32>()
        * size
}

/// Lays out both directions of `m` in `width` points, direction `d` over the byte range
/// `ranges[d]` (each direction has its own scale: a 14-byte reply next to a 17 kB request
/// would otherwise be invisible). `selected`: the message shown in the side panel;
/// `encoding`: how the byte row reads the bytes as characters (the stream's own, or the one
/// chosen by hand in the message panel).
pub fn layout(
    m: &RibbonModel,
    ranges: [(f64, f64); 2],
    width: f32,
    selected: Option<(usize, usize)>,
    encoding: crate::stream::text::TextEncoding,
) -> Layout {
    let mut out = Layout::default();
    let mut next_top = legend(&mut out, width);
    for (d, &range) in ranges.iter().enumerate() {
        let top = next_top;
        out.prims.push(direction_title(m, d, top, width));
        let dir = &m.dirs[d];
        if dir.stream.len == 0 && dir.calls.is_empty() {
            // Nothing travelled this way: the title line says so, no empty rows.
            next_top += EMPTY_H;
            continue;
        }
        next_top += BLOCK_H;
        out.blocks.push((d, top, top + BLOCK_H));
        let block = Block::new(d, top, range, width, m.proto);
        let marks = &m.msgs.dirs[d];
        block.row_names(&mut out);
        block.segments(&mut out, dir, marks);
        block.bytes(&mut out, dir, encoding);
        block.messages(&mut out, marks, selected);
        block.incomplete_and_unparsed(&mut out, marks);
        block.calls(
            &mut out,
            &dir.calls.sends,
            SEND_ROW,
            palette::SEND_CALL,
            "send",
        );
        block.calls(
            &mut out,
            &dir.calls.recvs,
            RECV_ROW,
            palette::RECV_CALL,
            "recv",
        );
        block.gaps(&mut out, dir);
        block.offset_axis(&mut out);
    }
    out.height = next_top;
    out
}

/// The legend, wrapped onto further lines when the view is narrow (never cut); returns
/// where the first direction's block starts.
fn legend(out: &mut Layout, width: f32) -> f32 {
    let (mut lx, mut ly) = (6.0, 7.0);
    for (key, color) in LEGEND {
        let name = crate::i18n::text(key);
        let item = 26.0 + text_width(&name, 12.0);
        if lx > 6.0 && lx + item > width {
            (lx, ly) = (6.0, ly + LEGEND_LINE);
        }
        out.prims.push(Prim::Rect(
            Rect::from_min_size(Pos2::new(lx, ly), egui::vec2(14.0, 12.0)),
            color,
            OUTLINE,
        ));
        out.prims.push(Prim::Text(
            Pos2::new(lx + 18.0, ly + 6.0),
            Align2::LEFT_CENTER,
            name.clone(),
            12.0,
            Color32::BLACK,
        ));
        lx += item;
    }
    ly - 7.0 + LEGEND_H
}

/// Direction `d`'s title line at `top`: its counts, or only its ends where the counts
/// would be cut (the header above the ribbon lists them).
fn direction_title(m: &RibbonModel, d: usize, top: f32, width: f32) -> Prim {
    let summary = m.summary(d);
    let title = if text_width(&summary, 12.0) + 12.0 > width {
        m.heading(d)
    } else {
        summary
    };
    Prim::Text(
        Pos2::new(6.0, top + 8.0),
        Align2::LEFT_CENTER,
        title,
        12.0,
        Color32::BLACK,
    )
}

/// The outline of the ribbon's boxes.
const OUTLINE: Stroke = Stroke {
    width: 0.8,
    color: Color32::from_gray(90),
};

/// The rows of a direction's block: name, offset below the block's top, height.
type Rows = [(&'static str, f32, f32); 5];

/// Row indices in [`Rows`].
const SEGMENT_ROW: usize = 0;
const BYTE_ROW: usize = 1;
const MESSAGE_ROW: usize = 2;
const SEND_ROW: usize = 3;
const RECV_ROW: usize = 4;

/// One direction's block: where its rows are and how its byte range maps onto the width.
struct Block {
    /// Direction index.
    d: usize,
    top: f32,
    /// The byte range shown, left to right.
    range: (f64, f64),
    /// Points per byte.
    scale: f64,
    plot_w: f32,
    /// The right end of the plot.
    right: f32,
    rows: Rows,
}

impl Block {
    fn new(d: usize, top: f32, range: (f64, f64), width: f32, proto: FlowProto) -> Block {
        let plot_w = (width - MARGIN - 10.0).max(50.0);
        let first_row = if proto == FlowProto::Udp {
            "ribbon-row-datagrams"
        } else {
            "ribbon-row-segments"
        };
        Block {
            d,
            top,
            range,
            scale: f64::from(plot_w) / (range.1 - range.0).max(1e-9),
            plot_w,
            right: MARGIN + plot_w,
            rows: [
                (first_row, 20.0, 24.0),
                ("ribbon-row-bytes", 48.0, 18.0),
                ("ribbon-row-messages", 70.0, 24.0),
                ("ribbon-send", 100.0, 16.0),
                ("ribbon-recv", 120.0, 16.0),
            ],
        }
    }

    /// Where stream offset `off` is across the block.
    fn xof(&self, off: u64) -> f32 {
        MARGIN + ((off as f64 - self.range.0) * self.scale) as f32
    }

    /// Row `i`'s top and bottom.
    fn row(&self, i: usize) -> (f32, f32) {
        let (_, y, h) = self.rows[i];
        (self.top + y, self.top + y + h)
    }

    /// The box of bytes `a..b` over the heights `y0..y1`.
    fn rect(&self, a: u64, b: u64, (y0, y1): (f32, f32)) -> Rect {
        Rect::from_x_y_ranges(self.xof(a)..=self.xof(b), y0..=y1)
    }

    /// Whether any of `r` is inside the plot.
    fn visible(&self, r: &Rect) -> bool {
        r.max.x > MARGIN && r.min.x < self.right && r.width() > 0.0
    }

    /// `r` cut to the plot's width.
    fn clamp(&self, r: Rect) -> Rect {
        Rect::from_x_y_ranges(r.min.x.max(MARGIN)..=r.max.x.min(self.right), r.y_range())
    }

    /// The rows' names in the left margin.
    fn row_names(&self, out: &mut Layout) {
        for (key, y, h) in self.rows {
            out.prims.push(Prim::Text(
                Pos2::new(MARGIN - 6.0, self.top + y + h / 2.0),
                Align2::RIGHT_CENTER,
                crate::i18n::text(key),
                12.0,
                Color32::from_gray(60),
            ));
        }
    }

    /// The segments (or datagrams), coalesced ones in their own colour, each named by
    /// its frame (and how many messages it carries, when coalesced).
    fn segments(&self, out: &mut Layout, dir: &RibbonDir, marks: &DirMessages) {
        let mut px = PixelColumn::default();
        for (seg, sm) in dir.stream.segments.iter().zip(&marks.marks.segments) {
            let r = self.rect(seg.offset, seg.offset + seg.len, self.row(SEGMENT_ROW));
            if !self.visible(&r) || px.crowded(&r) {
                continue;
            }
            let r = self.clamp(r);
            let fill = if sm.coalesced {
                palette::COALESCED
            } else {
                palette::RIBBON_SEGMENT
            };
            out.prims.push(Prim::Rect(r, fill, edge(r, OUTLINE)));
            let label = if sm.coalesced {
                crate::i18n::text_in(
                    crate::i18n::lang(),
                    "ribbon-frame-coalesced",
                    &[
                        ("frame", seg.frame.into()),
                        ("messages", sm.messages.len().into()),
                    ],
                )
            } else {
                crate::i18n::text_in(
                    crate::i18n::lang(),
                    "ribbon-frame",
                    &[("frame", seg.frame.into())],
                )
            };
            label_inside(out, r, label);
            out.hits.push((r, Hit::Segment(self.d, seg.frame)));
        }
    }

    /// The bytes: the characters when they fit, else a plain band.
    fn bytes(&self, out: &mut Layout, dir: &RibbonDir, encoding: TextEncoding) {
        let (by0, by1) = self.row(BYTE_ROW);
        let (x0, x1) = self.range;
        for run in &dir.stream.runs {
            let r = self.rect(run.offset, run.end(), (by0, by1));
            if !self.visible(&r) {
                continue;
            }
            out.prims.push(Prim::Rect(
                self.clamp(r),
                Color32::from_gray(245),
                Stroke::new(0.5, Color32::from_gray(160)),
            ));
            if self.scale < 7.0 {
                continue;
            }
            let first = x0.max(run.offset as f64).floor() as u64;
            let last = (x1.min(run.end() as f64)).ceil() as u64;
            for (off, len, ch) in shown_chars(run, first, last.min(run.end()), encoding) {
                let cx = self.xof(off) + (self.scale * len as f64 / 2.0) as f32;
                if cx > MARGIN && cx < self.right {
                    out.prims.push(Prim::Text(
                        Pos2::new(cx, (by0 + by1) / 2.0),
                        Align2::CENTER_CENTER,
                        ch,
                        11.0,
                        Color32::BLACK,
                    ));
                }
            }
        }
    }

    /// The framed messages, split ones in their own colour, the `selected` one outlined.
    fn messages(&self, out: &mut Layout, marks: &DirMessages, selected: Option<(usize, usize)>) {
        let mut px = PixelColumn::default();
        let framed = marks.framed.messages.iter().zip(&marks.marks.messages);
        for (i, (msg, mm)) in framed.enumerate() {
            let r = self.rect(msg.offset, msg.offset + msg.len, self.row(MESSAGE_ROW));
            if !self.visible(&r) || px.crowded(&r) {
                continue;
            }
            let r = self.clamp(r);
            let fill = if mm.split {
                palette::SPLIT
            } else {
                palette::MESSAGE
            };
            let stroke = if selected == Some((self.d, i)) {
                Stroke::new(2.5, Color32::BLACK)
            } else {
                edge(r, OUTLINE)
            };
            out.prims.push(Prim::Rect(r, fill, stroke));
            label_inside(out, r, format!("#{i} {} B", msg.len));
            out.hits.push((r, Hit::Message(self.d, i)));
        }
    }

    /// Messages the capture cuts short, then bytes the framing cannot explain: outlined
    /// boxes on the message row, each with its explanation inside when it fits.
    fn incomplete_and_unparsed(&self, out: &mut Layout, marks: &DirMessages) {
        let incomplete = marks.framed.incomplete.iter().map(|inc| {
            let label = crate::i18n::text_in(
                crate::i18n::lang(),
                "ribbon-incomplete-label",
                &[
                    ("proto", inc.proto.to_string().into()),
                    ("cut", inc.cut_by.to_string().into()),
                ],
            );
            (
                inc.offset,
                inc.offset + inc.present,
                palette::INCOMPLETE,
                label,
            )
        });
        let unparsed = marks.framed.unparsed.iter().map(|u| {
            let label = crate::i18n::text_in(
                crate::i18n::lang(),
                "ribbon-unparsed-label",
                &[("reason", crate::i18n::library_text(u.reason).into())],
            );
            (u.offset, u.offset + u.len, palette::UNPARSED, label)
        });
        for (start, end, fill, label) in incomplete.chain(unparsed) {
            let r = self.rect(start, end, self.row(MESSAGE_ROW));
            if self.visible(&r) {
                let r = self.clamp(r);
                out.prims.push(Prim::Rect(r, fill, OUTLINE));
                label_inside(out, r, label);
            }
        }
    }

    /// One row of `send()` or `recv()` calls over the bytes each moved.
    fn calls(&self, out: &mut Layout, spans: &[CallSpan], row: usize, color: Color32, name: &str) {
        let mut px = PixelColumn::default();
        for c in spans {
            let r = self.rect(c.offset, c.end(), self.row(row));
            if !self.visible(&r) || px.crowded(&r) {
                continue;
            }
            let r = self.clamp(r);
            out.prims.push(Prim::Rect(r, color, edge(r, OUTLINE)));
            label_inside(out, r, format!("{name} {} B", c.len));
            out.hits.push((r, Hit::Call(self.d, c.index)));
        }
    }

    /// Gaps over the segment, byte and message rows, hatched, with their size and cause.
    fn gaps(&self, out: &mut Layout, dir: &RibbonDir) {
        let (rows_top, rows_bottom) = (self.row(SEGMENT_ROW).0, self.row(MESSAGE_ROW).1);
        for (k, g) in dir.stream.gaps.iter().enumerate() {
            let r = Rect::from_x_y_ranges(
                self.xof(g.offset)..=self.xof(g.offset + g.len),
                rows_top..=rows_bottom,
            );
            if !self.visible(&r) {
                continue;
            }
            let r = self.clamp(r);
            out.prims.push(Prim::Hatch(r));
            // Size and cause on two lines, each only when it fits.
            let lines = [
                crate::i18n::text_in(
                    crate::i18n::lang(),
                    "ribbon-gap-label",
                    &[("bytes", g.len.into())],
                ),
                gap_name(g.reason),
            ];
            for (text, dy) in lines.into_iter().zip([-7.0, 7.0]) {
                if r.width() > text_width(&text, 11.0) {
                    out.prims.push(Prim::Text(
                        r.center() + egui::vec2(0.0, dy),
                        Align2::CENTER_CENTER,
                        text,
                        11.0,
                        Color32::BLACK,
                    ));
                }
            }
            out.hits.push((r, Hit::Gap(self.d, k)));
        }
    }

    /// The stream-offset axis under the rows, with round ticks (whole bytes only).
    fn offset_axis(&self, out: &mut Layout) {
        let ay = self.top + 142.0;
        let (x0, x1) = self.range;
        let axis = Stroke::new(1.0, Color32::from_gray(80));
        out.prims.push(Prim::Line(
            Pos2::new(MARGIN, ay),
            Pos2::new(self.right, ay),
            axis,
        ));
        let ticks =
            crate::ui::graphs::svg::ticks(x0.max(0.0), x1, ((self.plot_w / 90.0) as usize).max(2));
        let step = if ticks.len() > 1 {
            ticks[1] - ticks[0]
        } else {
            1.0
        };
        for t in ticks {
            if step < 1.0 && t.fract() != 0.0 {
                continue;
            }
            let x = self.xof(t as u64);
            out.prims
                .push(Prim::Line(Pos2::new(x, ay), Pos2::new(x, ay + 4.0), axis));
            out.prims.push(Prim::Text(
                Pos2::new(x, ay + 6.0),
                Align2::CENTER_TOP,
                format!("{}", t as u64),
                10.0,
                Color32::from_gray(60),
            ));
        }
        out.prims.push(Prim::Text(
            Pos2::new(MARGIN - 6.0, ay),
            Align2::RIGHT_CENTER,
            crate::i18n::text("ribbon-offset"),
            11.0,
            Color32::from_gray(60),
        ));
    }
}

/// The outline of a box `r` wide: none for a box a few pixels wide, so a dense run of
/// segments shows its colour (outlines side by side would paint it the grey of a gap).
fn edge(r: Rect, outline: Stroke) -> Stroke {
    if r.width() < 4.0 {
        Stroke::NONE
    } else {
        outline
    }
}

/// Thins a row of boxes narrower than a point: one per pixel column is drawn (zoom in to
/// see the others), so a million segments cost what the screen can show.
#[derive(Default)]
struct PixelColumn {
    last: Option<i32>,
}

impl PixelColumn {
    /// True when `r` is thin and the previous thin box was in the same pixel column.
    fn crowded(&mut self, r: &Rect) -> bool {
        let col = r.min.x.floor() as i32;
        let thin = r.width() < 1.0;
        let crowded = thin && self.last == Some(col);
        self.last = thin.then_some(col);
        crowded
    }
}

/// A label centred in `r` when it fits.
fn label_inside(out: &mut Layout, r: Rect, text: String) {
    if r.width() > text_width(&text, 11.0) + 4.0 {
        out.prims.push(Prim::Text(
            r.center(),
            Align2::CENTER_CENTER,
            text,
            11.0,
            Color32::BLACK,
        ));
    }
}

/// The characters the byte row draws over the bytes `first..last` of `run`: each with its
/// stream offset and byte count, decoded in `encoding` as the text view does
/// (a GBK or UTF-8 character over its two or three bytes). Decoding starts at the nearest
/// byte before `first` that cannot be inside a character (below 0x30: neither a UTF-8
/// continuation nor a GBK/GB18030 trail byte), looked for at most 1 KiB back, so a
/// character cut by the view's left edge is still read whole. A space is `_`; a control
/// character, an undecodable byte and (in Latin-1, the encoding of binary streams) every
/// byte outside printable ASCII are `.`.
fn shown_chars(
    run: &crate::stream::store::Run,
    first: u64,
    last: u64,
    encoding: crate::stream::text::TextEncoding,
) -> Vec<(u64, usize, String)> {
    use crate::stream::text::{char_spans, TextEncoding};
    let (lo, hi) = ((first - run.offset) as usize, (last - run.offset) as usize);
    let back = lo.saturating_sub(1024);
    let start = run.data[back..lo]
        .iter()
        .rposition(|&b| b < 0x30)
        .map_or(back, |i| back + i);
    // A character cut by the right edge is read whole too.
    let end = (hi + 3).min(run.data.len());
    char_spans(&run.data[start..end], encoding)
        .into_iter()
        .filter(|c| start + c.start + c.len > lo && start + c.start < hi)
        .map(|c| {
            let shown = match c.ch {
                Some(' ') => "_".to_owned(),
                Some(ch) if encoding == TextEncoding::Latin1 && !ch.is_ascii_graphic() => {
                    ".".to_owned()
                }
                Some(ch) if ch.is_control() || ch.is_whitespace() => ".".to_owned(),
                Some(ch) => ch.to_string(),
                None => ".".to_owned(),
            };
            (run.offset + (start + c.start) as u64, c.len, shown)
        })
        .collect()
}

/// The short name of a gap's cause, as the ribbon writes it inside the gap and in its
/// tooltip (English: the JSON's name).
pub(super) fn gap_name(reason: crate::stream::GapReason) -> String {
    use crate::stream::GapReason;
    crate::i18n::text(match reason {
        GapReason::NotCaptured => "ribbon-gap-name-not-captured",
        GapReason::AckedUnseen => "ribbon-gap-name-acked-unseen",
        GapReason::BufferLimit => "ribbon-gap-name-buffer-limit",
        GapReason::Unfilled => "ribbon-gap-name-unfilled",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::follow::FramingChoice;
    use crate::ui::ingest::demo_store;
    use crate::ui::selection::ConnRef;

    #[test]
    fn every_gap_is_hatched_and_clicks_find_what_is_drawn() {
        // `synack stream` on this capture: stream 1, s2c 8256 bytes with 6 gaps.
        let store = demo_store(
            "pcapng-example",
            include_bytes!("../../../tests/captures/pcpp-pcapng-example.pcapng"),
        );
        let data = store.read();
        let conn = ConnRef::tcp(1);
        let m = super::super::model::build(&data, conn, FramingChoice::Auto, None).unwrap();
        assert_eq!(m.dirs[1].stream.len, 8256);
        assert_eq!(m.dirs[1].stream.gaps.len(), 6);
        let len = m.dirs[1].stream.len as f64;
        let lay = layout(&m, [(0.0, 1.0), (0.0, len)], 1200.0, None, m.encoding);
        let hatches = lay
            .prims
            .iter()
            .filter(|p| matches!(p, Prim::Hatch(_)))
            .count();
        assert_eq!(hatches, 6);
        // The c2s direction carried nothing: one line, no block.
        assert_eq!(lay.blocks.len(), 1);
        assert_eq!(lay.blocks[0].0, 1);
        // Every segment box can be clicked at its centre and names its own frame.
        let mut checked = 0;
        for (r, h) in &lay.hits {
            if let Hit::Segment(d, frame) = h {
                assert_eq!(*d, 1);
                assert_eq!(lay.hit(r.center()), Some(*h));
                assert!(m.dirs[1].stream.segments.iter().any(|s| s.frame == *frame));
                checked += 1;
            }
        }
        assert!(checked > 0);
    }

    #[test]
    fn a_narrow_ribbon_cuts_no_text_and_dense_segments_keep_their_colour() {
        // demo.pcap stream 0 (tshark: 8732 bytes client to server in 1448-byte segments).
        let store = demo_store("demo", include_bytes!("../../../captures/demo.pcap"));
        let data = store.read();
        let conn = ConnRef::tcp(0);
        let m = super::super::model::build(&data, conn, FramingChoice::Auto, None).unwrap();
        let lens = [0, 1].map(|d| m.dirs[d].stream.len as f64);
        // The Stream tab's left pane at 1024x700 is about 410 points wide.
        let width = 410.0;
        let lay = layout(
            &m,
            [(0.0, lens[0]), (0.0, lens[1])],
            width,
            None,
            m.encoding,
        );
        let mut titles = 0;
        for p in &lay.prims {
            if let Prim::Text(pos, Align2::LEFT_CENTER, text, size, _) = p {
                assert!(
                    pos.x + text_width(text, *size) <= width,
                    "{text:?} runs past {width}"
                );
                titles += usize::from(text.starts_with("c2s ") || text.starts_with("s2c "));
            }
        }
        assert_eq!(titles, 2, "each direction keeps a title");
        // Zoomed out 100 times, the segments are thinner than 4 points: drawn without the
        // grey outline (the gaps' colour), in their own colour.
        let lay = layout(
            &m,
            [(0.0, lens[0] * 100.0), (0.0, lens[1] * 100.0)],
            width,
            None,
            m.encoding,
        );
        let thin: Vec<_> = lay
            .prims
            .iter()
            .filter_map(|p| match p {
                Prim::Rect(r, fill, stroke)
                    if r.width() < 4.0
                        && [
                            palette::RIBBON_SEGMENT,
                            palette::COALESCED,
                            palette::MESSAGE,
                            palette::SPLIT,
                            palette::SEND_CALL,
                            palette::RECV_CALL,
                        ]
                        .contains(fill) =>
                {
                    Some(*stroke)
                }
                _ => None,
            })
            .collect();
        assert!(!thin.is_empty());
        for stroke in thin {
            assert_eq!(stroke, Stroke::NONE);
        }
    }

    #[test]
    fn hatching_stays_inside_its_rectangle() {
        let r = Rect::from_min_max(Pos2::new(10.0, 10.0), Pos2::new(50.0, 30.0));
        let lines = hatch_lines(r);
        assert!(lines.len() >= 6);
        for (a, b) in lines {
            for p in [a, b] {
                assert!(r.expand(0.01).contains(p), "{p:?}");
            }
        }
    }
}
