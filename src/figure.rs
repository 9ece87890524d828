//! Figures without a window: points, colours, a [`Canvas`] trait that a diagram paints on,
//! and an SVG writer that implements it.
//!
//! The study views (the ladder first) compute their geometry here, in the library, so that
//! `synack ladder --svg` draws without the desktop view and the window's screen canvas (in
//! `ui`) receives exactly the same shapes. Text is measured with [`text_width`], a
//! deliberately generous estimate, so that boxes laid out from it hold the real text in any
//! of the usual sans-serif fonts.

use std::fmt::Write as _;
use std::ops::{Add, Mul, Sub};
use std::path::Path;

/// A point (or an offset) in figure coordinates: points, origin at the top left, y down.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Horizontal position.
    pub x: f32,
    /// Vertical position (down).
    pub y: f32,
}

impl Point {
    /// The point `(x, y)`.
    pub const fn new(x: f32, y: f32) -> Point {
        Point { x, y }
    }

    /// Length of this point taken as an offset.
    pub fn length(self) -> f32 {
        self.x.hypot(self.y)
    }

    /// The point `t` of the way from `self` to `other`.
    pub fn lerp(self, other: Point, t: f32) -> Point {
        self + (other - self) * t
    }

    /// Distance to the segment `a`–`b`.
    pub fn distance_to_segment(self, a: Point, b: Point) -> f32 {
        let ab = b - a;
        let len2 = ab.x * ab.x + ab.y * ab.y;
        if len2 <= f32::EPSILON {
            return (self - a).length();
        }
        let ap = self - a;
        let t = ((ap.x * ab.x + ap.y * ab.y) / len2).clamp(0.0, 1.0);
        (self - (a + ab * t)).length()
    }
}

impl Add for Point {
    type Output = Point;
    fn add(self, o: Point) -> Point {
        Point::new(self.x + o.x, self.y + o.y)
    }
}

impl Sub for Point {
    type Output = Point;
    fn sub(self, o: Point) -> Point {
        Point::new(self.x - o.x, self.y - o.y)
    }
}

impl Mul<f32> for Point {
    type Output = Point;
    fn mul(self, k: f32) -> Point {
        Point::new(self.x * k, self.y * k)
    }
}

/// An axis-aligned rectangle.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    /// Top left corner.
    pub min: Point,
    /// Bottom right corner.
    pub max: Point,
}

impl Rect {
    /// The rectangle between two corners.
    pub fn from_min_max(min: Point, max: Point) -> Rect {
        Rect { min, max }
    }

    /// The rectangle with top left `min` and the given size.
    pub fn from_min_size(min: Point, w: f32, h: f32) -> Rect {
        Rect {
            min,
            max: Point::new(min.x + w, min.y + h),
        }
    }

    /// Width.
    pub fn width(&self) -> f32 {
        self.max.x - self.min.x
    }

    /// Height.
    pub fn height(&self) -> f32 {
        self.max.y - self.min.y
    }

    /// The centre.
    pub fn center(&self) -> Point {
        self.min.lerp(self.max, 0.5)
    }

    /// True when `p` is inside (edges included).
    pub fn contains(&self, p: Point) -> bool {
        p.x >= self.min.x && p.x <= self.max.x && p.y >= self.min.y && p.y <= self.max.y
    }

    /// The part of the segment `a`–`b` inside this rectangle (Liang–Barsky), `None` when
    /// the segment misses it: clips plot lines to their frame and tells whether a label
    /// would sit on an arrow.
    pub fn clip_segment(&self, a: Point, b: Point) -> Option<(Point, Point)> {
        let d = b - a;
        let (mut t0, mut t1) = (0.0f32, 1.0f32);
        for (p, q) in [
            (-d.x, a.x - self.min.x),
            (d.x, self.max.x - a.x),
            (-d.y, a.y - self.min.y),
            (d.y, self.max.y - a.y),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
            }
        }
        (t0 <= t1).then(|| (a + d * t0, a + d * t1))
    }

    /// True when the two rectangles share more than an edge.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.min.x < o.max.x && o.min.x < self.max.x && self.min.y < o.max.y && o.min.y < self.max.y
    }

    /// The rectangle grown by `d` on every side.
    pub fn expand(&self, d: f32) -> Rect {
        Rect {
            min: Point::new(self.min.x - d, self.min.y - d),
            max: Point::new(self.max.x + d, self.max.y + d),
        }
    }

    /// The rectangle moved by `d`.
    pub fn translate(&self, d: Point) -> Rect {
        Rect {
            min: self.min + d,
            max: self.max + d,
        }
    }
}

/// An sRGB colour with straight (not premultiplied) alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Color {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Opacity (255 opaque).
    pub a: u8,
}

impl Color {
    /// Opaque white.
    pub const WHITE: Color = Color::from_rgb(255, 255, 255);
    /// Opaque black.
    pub const BLACK: Color = Color::from_rgb(0, 0, 0);

    /// An opaque colour.
    pub const fn from_rgb(r: u8, g: u8, b: u8) -> Color {
        Color { r, g, b, a: 255 }
    }

    /// An opaque grey.
    pub const fn from_gray(v: u8) -> Color {
        Color::from_rgb(v, v, v)
    }
}

/// A line's width and colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    /// Width in points.
    pub width: f32,
    /// Colour.
    pub color: Color,
}

impl Stroke {
    /// No line.
    pub const NONE: Stroke = Stroke {
        width: 0.0,
        color: Color::BLACK,
    };

    /// A line of `width` points in `color`.
    pub const fn new(width: f32, color: Color) -> Stroke {
        Stroke { width, color }
    }
}

/// Alignment along one axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left or top.
    Min,
    /// Centre.
    Center,
    /// Right or bottom.
    Max,
}

/// Which point of a text box sits at the given position (horizontal, vertical).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor(pub Align, pub Align);

impl Anchor {
    /// Left edge, vertical centre.
    pub const LEFT_CENTER: Anchor = Anchor(Align::Min, Align::Center);
    /// Top left corner.
    pub const LEFT_TOP: Anchor = Anchor(Align::Min, Align::Min);
    /// Bottom left corner.
    pub const LEFT_BOTTOM: Anchor = Anchor(Align::Min, Align::Max);
    /// Right edge, vertical centre.
    pub const RIGHT_CENTER: Anchor = Anchor(Align::Max, Align::Center);
    /// The centre.
    pub const CENTER_CENTER: Anchor = Anchor(Align::Center, Align::Center);
    /// Top edge, horizontal centre.
    pub const CENTER_TOP: Anchor = Anchor(Align::Center, Align::Min);
    /// Bottom edge, horizontal centre.
    pub const CENTER_BOTTOM: Anchor = Anchor(Align::Center, Align::Max);

    /// The box of `w` × `h` whose anchor point is `pos`.
    pub fn rect(self, pos: Point, w: f32, h: f32) -> Rect {
        let x = match self.0 {
            Align::Min => pos.x,
            Align::Center => pos.x - w / 2.0,
            Align::Max => pos.x - w,
        };
        let y = match self.1 {
            Align::Min => pos.y,
            Align::Center => pos.y - h / 2.0,
            Align::Max => pos.y - h,
        };
        Rect::from_min_size(Point::new(x, y), w, h)
    }
}

/// Advance of one character as a fraction of the font size, generous for the common
/// sans-serif faces (DejaVu Sans, the widest usual one, and egui's default font).
fn advance(c: char) -> f32 {
    match c {
        ' ' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'i' | 'j' | 'l' | 'I' | '(' | ')'
        | '[' | ']' | '/' => 0.40,
        'f' | 't' | 'r' => 0.45,
        'm' | 'w' | 'M' | 'W' | '=' | '+' | '<' | '>' | '%' | '&' | '@' | '→' | '←' | '×' | '…'
        | '—' => 0.90,
        'A'..='Z' => 0.76,
        '0'..='9' => 0.66,
        'a'..='z' => 0.64,
        '-' | '_' | '–' | '"' | '*' => 0.55,
        c if c.is_ascii() => 0.66,
        // CJK and other wide scripts take a full em.
        _ => 1.0,
    }
}

/// Width of `text` at font size `size` (points): an upper estimate shared by every
/// surface, so that a layout computed once holds on screen and in an SVG viewer alike.
pub fn text_width(text: &str, size: f32) -> f32 {
    text.chars().map(advance).sum::<f32>() * size
}

/// Height of a line of text at font size `size`.
pub fn text_height(size: f32) -> f32 {
    size * 1.3
}

/// A surface a diagram is drawn on: the screen (in `ui`) or an SVG document.
pub trait Canvas {
    /// A line.
    fn line(&mut self, a: Point, b: Point, stroke: Stroke);
    /// A dashed line.
    fn dashed(&mut self, a: Point, b: Point, stroke: Stroke);
    /// A line with an arrow head at `b`.
    fn arrow(&mut self, a: Point, b: Point, stroke: Stroke);
    /// A filled rectangle.
    fn fill(&mut self, r: Rect, color: Color);
    /// One line of text whose `anchor` point is `pos`, drawn as `style` says.
    fn text(&mut self, pos: Point, anchor: Anchor, text: &str, style: TextStyle);
    /// One line of text in a fixed-width font (a packet's Info, whose arrows only the
    /// screen's monospace font has); figures without one write it like [`Canvas::text`].
    fn mono_text(&mut self, pos: Point, anchor: Anchor, text: &str, style: TextStyle) {
        self.text(pos, anchor, text, style);
    }
}

/// How a line of text is drawn: one value for what every label of a figure shares, so that
/// a call names only where the text goes and what it says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    /// Font size (points).
    pub size: f32,
    /// Colour of the letters.
    pub color: Color,
    /// A box behind the text, so that lines crossing it do not hide it.
    pub bg: Option<Color>,
}

impl TextStyle {
    /// Text of `size` in `color`, with nothing behind it.
    pub const fn new(size: f32, color: Color) -> Self {
        Self {
            size,
            color,
            bg: None,
        }
    }

    /// The same text on a box of `bg`.
    pub const fn on(self, bg: Color) -> Self {
        Self {
            bg: Some(bg),
            ..self
        }
    }
}

/// The three corners of the arrow head of a line ending at `to` drawn with `width`.
pub fn arrow_head(from: Point, to: Point, width: f32) -> Option<[Point; 3]> {
    let d = to - from;
    let len = d.length();
    if len.is_nan() || len <= f32::EPSILON {
        return None;
    }
    let dir = d * (1.0 / len);
    let size = 4.0 + 2.0 * width;
    let back = to - dir * size;
    let normal = Point::new(-dir.y, dir.x) * (size * 0.5);
    Some([to, back + normal, back - normal])
}

/// An SVG document under construction, in the diagram's own coordinates (points).
#[derive(Debug, Clone)]
pub struct Svg {
    width: f32,
    height: f32,
    body: String,
}

/// `#rrggbb` plus an opacity attribute value.
fn paint(c: Color) -> (String, f32) {
    (
        format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b),
        f32::from(c.a) / 255.0,
    )
}

/// Escapes text for an SVG text node or attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

impl Svg {
    /// A blank figure of `width` × `height` points with a white background.
    pub fn new(width: f32, height: f32) -> Svg {
        let mut svg = Svg {
            width,
            height,
            body: String::new(),
        };
        svg.rect(
            Rect::from_min_size(Point::default(), width, height),
            Color::WHITE,
            Stroke::NONE,
        );
        svg
    }

    fn stroke_attrs(stroke: Stroke) -> String {
        let (color, opacity) = paint(stroke.color);
        format!(
            r#"stroke="{color}" stroke-opacity="{opacity:.3}" stroke-width="{:.2}""#,
            stroke.width
        )
    }

    /// A straight line.
    pub fn line(&mut self, a: Point, b: Point, stroke: Stroke) {
        let _ = writeln!(
            self.body,
            r#"<line x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" {}/>"#,
            a.x,
            a.y,
            b.x,
            b.y,
            Self::stroke_attrs(stroke)
        );
    }

    /// A dashed straight line (brackets, guides).
    pub fn dashed_line(&mut self, a: Point, b: Point, stroke: Stroke) {
        let _ = writeln!(
            self.body,
            r#"<line x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" {} stroke-dasharray="4 3"/>"#,
            a.x,
            a.y,
            b.x,
            b.y,
            Self::stroke_attrs(stroke)
        );
    }

    /// An open polyline (graph series).
    pub fn polyline(&mut self, points: &[Point], stroke: Stroke) {
        if points.len() < 2 {
            return;
        }
        let mut pts = String::new();
        for p in points {
            let _ = write!(pts, "{:.2},{:.2} ", p.x, p.y);
        }
        let _ = writeln!(
            self.body,
            r#"<polyline points="{}" fill="none" {}/>"#,
            pts.trim_end(),
            Self::stroke_attrs(stroke)
        );
    }

    /// A line from `from` to `to` with an arrow head at `to` (ladder segments).
    pub fn arrow(&mut self, from: Point, to: Point, stroke: Stroke) {
        self.line(from, to, stroke);
        let Some([tip, left, right]) = arrow_head(from, to, stroke.width) else {
            return;
        };
        let (color, opacity) = paint(stroke.color);
        let _ = writeln!(
            self.body,
            r#"<polygon points="{:.2},{:.2} {:.2},{:.2} {:.2},{:.2}" fill="{color}" fill-opacity="{opacity:.3}"/>"#,
            tip.x, tip.y, left.x, left.y, right.x, right.y,
        );
    }

    /// A rectangle, filled and/or outlined.
    pub fn rect(&mut self, rect: Rect, fill: Color, stroke: Stroke) {
        let (fill, fill_opacity) = paint(fill);
        let outline = if stroke.width > 0.0 {
            Self::stroke_attrs(stroke)
        } else {
            String::new()
        };
        let _ = writeln!(
            self.body,
            r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{fill}" fill-opacity="{fill_opacity:.3}" {outline}/>"#,
            rect.min.x,
            rect.min.y,
            rect.width(),
            rect.height()
        );
    }

    /// A filled circle (graph markers).
    pub fn circle(&mut self, center: Point, radius: f32, fill: Color) {
        let (fill, opacity) = paint(fill);
        let _ = writeln!(
            self.body,
            r#"<circle cx="{:.2}" cy="{:.2}" r="{radius:.2}" fill="{fill}" fill-opacity="{opacity:.3}"/>"#,
            center.x, center.y
        );
    }

    /// Text whose `anchor` point is `pos`.
    ///
    /// The vertical anchor is turned into an explicit baseline (from the font's usual ascent
    /// and descent) rather than `dominant-baseline`, which librsvg and ImageMagick ignore:
    /// the figure then looks the same in every renderer.
    pub fn text(&mut self, pos: Point, anchor: Anchor, text: &str, size: f32, color: Color) {
        let h = match anchor.0 {
            Align::Min => "start",
            Align::Center => "middle",
            Align::Max => "end",
        };
        let baseline = match anchor.1 {
            Align::Min => pos.y + 0.8 * size,
            Align::Center => pos.y + 0.35 * size,
            Align::Max => pos.y - 0.22 * size,
        };
        let (fill, opacity) = paint(color);
        let _ = writeln!(
            self.body,
            r#"<text x="{:.2}" y="{:.2}" font-family="DejaVu Sans, Arial, sans-serif" font-size="{size:.1}" text-anchor="{h}" fill="{fill}" fill-opacity="{opacity:.3}">{}</text>"#,
            pos.x,
            baseline,
            escape(text)
        );
    }

    /// The finished document.
    pub fn finish(&self) -> String {
        format!(
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                "\n",
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.2} {h:.2}">"#,
                "\n{body}</svg>\n"
            ),
            w = self.width,
            h = self.height,
            body = self.body
        )
    }

    /// Writes the finished document to `path`.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        std::fs::write(path, self.finish())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))
    }
}

impl Canvas for Svg {
    fn line(&mut self, a: Point, b: Point, stroke: Stroke) {
        Svg::line(self, a, b, stroke);
    }

    fn dashed(&mut self, a: Point, b: Point, stroke: Stroke) {
        self.dashed_line(a, b, stroke);
    }

    fn arrow(&mut self, a: Point, b: Point, stroke: Stroke) {
        Svg::arrow(self, a, b, stroke);
    }

    fn fill(&mut self, r: Rect, color: Color) {
        self.rect(r, color, Stroke::NONE);
    }

    fn text(&mut self, pos: Point, anchor: Anchor, text: &str, style: TextStyle) {
        if let Some(bg) = style.bg {
            let r = anchor.rect(pos, text_width(text, style.size), text_height(style.size));
            self.rect(r.expand(1.0), bg, Stroke::NONE);
        }
        Svg::text(self, pos, anchor, text, style.size, style.color);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_escapes_text_and_keeps_shapes() {
        let mut svg = Svg::new(200.0, 100.0);
        svg.arrow(
            Point::new(10.0, 10.0),
            Point::new(190.0, 40.0),
            Stroke::new(1.5, Color::from_rgb(255, 0, 0)),
        );
        svg.text(
            Point::new(100.0, 50.0),
            Anchor::CENTER_BOTTOM,
            "SYN <seq=0> & len=0",
            12.0,
            Color::BLACK,
        );
        let doc = svg.finish();
        assert!(doc.starts_with("<?xml"));
        assert!(doc.contains("SYN &lt;seq=0&gt; &amp; len=0"));
        assert!(doc.contains(r##"stroke="#ff0000""##));
        assert_eq!(doc.matches("<polygon").count(), 1);
        assert!(doc.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn anchors_place_boxes_and_overlap_needs_more_than_an_edge() {
        let r = Anchor::CENTER_BOTTOM.rect(Point::new(100.0, 50.0), 40.0, 10.0);
        assert_eq!(r.min, Point::new(80.0, 40.0));
        assert_eq!(r.max, Point::new(120.0, 50.0));
        let below = Anchor::CENTER_TOP.rect(Point::new(100.0, 50.0), 40.0, 10.0);
        assert!(!r.overlaps(&below));
        assert!(r.overlaps(&below.translate(Point::new(0.0, -1.0))));
        assert!(r.contains(Point::new(80.0, 45.0)));
        assert!(
            (Point::new(0.0, 5.0).distance_to_segment(Point::default(), Point::new(10.0, 0.0))
                - 5.0)
                .abs()
                < 1e-6
        );
    }

    #[test]
    fn text_width_grows_with_wide_letters_and_stays_generous() {
        let narrow = text_width("iiii", 10.0);
        let wide = text_width("WWWW", 10.0);
        assert!(narrow < wide);
        // A typical label: DejaVu Sans at 11.5 pt draws it in about 210 points.
        assert!(text_width("PSH, ACK seq=1449 ack=1 len=1448", 11.5) >= 210.0);
        assert_eq!(arrow_head(Point::default(), Point::default(), 1.0), None);
    }
}
