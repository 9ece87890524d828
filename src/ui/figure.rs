//! Exporting the study views (ladder, graphs, stream ribbon) as figures.
//!
//! Two formats for two uses: SVG is drawn from the same shapes a view paints, so it stays
//! sharp in lecture slides and needs no renderer (the tests check it headless); PNG is a
//! screenshot of the view's rectangle, exactly what the user sees, taken by the renderer at
//! the end of the frame and written from its callback.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use egui::{Align2, Color32, ColorImage, Pos2, Rect, Stroke};

/// An SVG document under construction, in the view's own coordinates (points).
#[derive(Debug, Clone)]
pub struct Svg {
    width: f32,
    height: f32,
    body: String,
}

/// `#rrggbb` plus an opacity attribute value for an egui colour.
fn paint(c: Color32) -> (String, f32) {
    let [r, g, b, a] = c.to_srgba_unmultiplied();
    (format!("#{r:02x}{g:02x}{b:02x}"), f32::from(a) / 255.0)
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
            Rect::from_min_size(Pos2::ZERO, egui::vec2(width, height)),
            Color32::WHITE,
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
    pub fn line(&mut self, a: Pos2, b: Pos2, stroke: Stroke) {
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
    pub fn dashed_line(&mut self, a: Pos2, b: Pos2, stroke: Stroke) {
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
    pub fn polyline(&mut self, points: &[Pos2], stroke: Stroke) {
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
    pub fn arrow(&mut self, from: Pos2, to: Pos2, stroke: Stroke) {
        self.line(from, to, stroke);
        let dir = (to - from).normalized();
        if !dir.x.is_finite() || !dir.y.is_finite() {
            return;
        }
        let size = 4.0 + 2.0 * stroke.width;
        let back = to - dir * size;
        let normal = egui::vec2(-dir.y, dir.x) * (size * 0.5);
        let (color, opacity) = paint(stroke.color);
        let _ = writeln!(
            self.body,
            r#"<polygon points="{:.2},{:.2} {:.2},{:.2} {:.2},{:.2}" fill="{color}" fill-opacity="{opacity:.3}"/>"#,
            to.x,
            to.y,
            (back + normal).x,
            (back + normal).y,
            (back - normal).x,
            (back - normal).y,
        );
    }

    /// A rectangle, filled and/or outlined.
    pub fn rect(&mut self, rect: Rect, fill: Color32, stroke: Stroke) {
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
    pub fn circle(&mut self, center: Pos2, radius: f32, fill: Color32) {
        let (fill, opacity) = paint(fill);
        let _ = writeln!(
            self.body,
            r#"<circle cx="{:.2}" cy="{:.2}" r="{radius:.2}" fill="{fill}" fill-opacity="{opacity:.3}"/>"#,
            center.x, center.y
        );
    }

    /// Text anchored like egui's `painter.text` (e.g. `Align2::CENTER_BOTTOM` at `pos`).
    ///
    /// The vertical anchor is turned into an explicit baseline (from the font's usual ascent
    /// and descent) rather than `dominant-baseline`, which librsvg and ImageMagick ignore:
    /// the figure then looks the same in every renderer.
    pub fn text(&mut self, pos: Pos2, anchor: Align2, text: &str, size: f32, color: Color32) {
        let h = match anchor.x() {
            egui::Align::Min => "start",
            egui::Align::Center => "middle",
            egui::Align::Max => "end",
        };
        let baseline = match anchor.y() {
            egui::Align::Min => pos.y + 0.8 * size,
            egui::Align::Center => pos.y + 0.35 * size,
            egui::Align::Max => pos.y - 0.22 * size,
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

/// Encodes an image as an 8-bit RGBA PNG file.
pub fn save_png(path: &Path, image: &ColorImage) -> anyhow::Result<()> {
    let file = std::fs::File::create(path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    let [w, h] = image.size;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), w as u32, h as u32);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    let mut rgba = Vec::with_capacity(w * h * 4);
    for px in &image.pixels {
        rgba.extend_from_slice(&px.to_srgba_unmultiplied());
    }
    writer.write_image_data(&rgba)?;
    writer.finish()?;
    Ok(())
}

/// The outcome of a PNG export, filled in by the renderer's screenshot callback.
pub type PngResult = Arc<Mutex<Option<Result<PathBuf, String>>>>;

/// Asks the renderer for a screenshot and writes the part under `region` (points) to `path`
/// as PNG. The result lands in the returned slot a frame or two later; poll it to report in
/// the status bar. Under a renderer-less test harness the slot stays empty.
pub fn request_png(ctx: &egui::Context, region: Rect, path: PathBuf) -> PngResult {
    let slot: PngResult = Arc::new(Mutex::new(None));
    let out = slot.clone();
    let ppp = ctx.pixels_per_point();
    let repaint = ctx.clone();
    ctx.request_screenshot(move |image| {
        let cropped = image.region(&region, Some(ppp));
        let result = save_png(&path, &cropped)
            .map(|()| path.clone())
            .map_err(|e| format!("{e:#}"));
        if let Ok(mut s) = out.lock() {
            *s = Some(result);
        }
        repaint.request_repaint();
    });
    slot
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_escapes_text_and_keeps_shapes() {
        let mut svg = Svg::new(200.0, 100.0);
        svg.arrow(
            Pos2::new(10.0, 10.0),
            Pos2::new(190.0, 40.0),
            Stroke::new(1.5, Color32::RED),
        );
        svg.text(
            Pos2::new(100.0, 50.0),
            Align2::CENTER_BOTTOM,
            "SYN <seq=0> & len=0",
            12.0,
            Color32::BLACK,
        );
        let doc = svg.finish();
        assert!(doc.starts_with("<?xml"));
        assert!(doc.contains("SYN &lt;seq=0&gt; &amp; len=0"));
        assert!(doc.contains(r##"stroke="#ff0000""##));
        assert_eq!(doc.matches("<polygon").count(), 1);
        assert!(doc.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn png_round_trips_size_and_pixels() {
        let dir = std::env::temp_dir().join(format!("synack-figure-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f.png");
        let mut image = ColorImage::filled([3, 2], Color32::WHITE);
        image.pixels[4] = Color32::from_rgb(10, 20, 30);
        save_png(&path, &image).unwrap();
        let decoder =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (3, 2));
        assert_eq!(&buf[16..20], &[10, 20, 30, 255]);
        std::fs::remove_dir_all(&dir).ok();
    }
}
