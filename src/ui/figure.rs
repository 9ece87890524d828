//! Exporting the study views (ladder, graphs, stream ribbon) as figures.
//!
//! Two formats for two uses: SVG is drawn from the same shapes a view paints, so it stays
//! sharp in lecture slides and needs no renderer (the tests check it headless); PNG is a
//! screenshot of the view's rectangle, exactly what the user sees, taken by the renderer at
//! the end of the frame and written from its callback.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use egui::{Align2, Color32, ColorImage, Pos2, Rect, Stroke};

use crate::figure;

/// An SVG document under construction, in the view's own coordinates (points): the
/// library's [`crate::figure::Svg`] taking egui's types, for the views still drawn in them.
#[derive(Debug, Clone)]
pub struct Svg(figure::Svg);

/// The library's colour of an egui colour.
pub fn color(c: Color32) -> figure::Color {
    let [r, g, b, a] = c.to_srgba_unmultiplied();
    figure::Color { r, g, b, a }
}

/// The egui colour of a library colour.
pub fn color32(c: figure::Color) -> Color32 {
    Color32::from_rgba_unmultiplied(c.r, c.g, c.b, c.a)
}

/// The library's point of an egui position.
pub fn point(p: Pos2) -> figure::Point {
    figure::Point::new(p.x, p.y)
}

/// The egui position of a library point.
pub fn pos2(p: figure::Point) -> Pos2 {
    Pos2::new(p.x, p.y)
}

/// The library's stroke of an egui stroke.
pub fn stroke(s: Stroke) -> figure::Stroke {
    figure::Stroke::new(s.width, color(s.color))
}

/// The library's anchor of an egui alignment.
pub fn anchor(a: Align2) -> figure::Anchor {
    let one = |a: egui::Align| match a {
        egui::Align::Min => figure::Align::Min,
        egui::Align::Center => figure::Align::Center,
        egui::Align::Max => figure::Align::Max,
    };
    figure::Anchor(one(a.x()), one(a.y()))
}

fn rect(r: Rect) -> figure::Rect {
    figure::Rect::from_min_max(point(r.min), point(r.max))
}

impl Svg {
    /// A blank figure of `width` × `height` points with a white background.
    pub fn new(width: f32, height: f32) -> Svg {
        Svg(figure::Svg::new(width, height))
    }

    /// A straight line.
    pub fn line(&mut self, a: Pos2, b: Pos2, s: Stroke) {
        self.0.line(point(a), point(b), stroke(s));
    }

    /// A dashed straight line (brackets, guides).
    pub fn dashed_line(&mut self, a: Pos2, b: Pos2, s: Stroke) {
        self.0.dashed_line(point(a), point(b), stroke(s));
    }

    /// An open polyline (graph series).
    pub fn polyline(&mut self, points: &[Pos2], s: Stroke) {
        let pts: Vec<figure::Point> = points.iter().map(|p| point(*p)).collect();
        self.0.polyline(&pts, stroke(s));
    }

    /// A line from `from` to `to` with an arrow head at `to`.
    pub fn arrow(&mut self, from: Pos2, to: Pos2, s: Stroke) {
        self.0.arrow(point(from), point(to), stroke(s));
    }

    /// A rectangle, filled and/or outlined.
    pub fn rect(&mut self, r: Rect, fill: Color32, s: Stroke) {
        self.0.rect(rect(r), color(fill), stroke(s));
    }

    /// A filled circle (graph markers).
    pub fn circle(&mut self, center: Pos2, radius: f32, fill: Color32) {
        self.0.circle(point(center), radius, color(fill));
    }

    /// Text anchored like egui's `painter.text` (e.g. `Align2::CENTER_BOTTOM` at `pos`).
    pub fn text(&mut self, pos: Pos2, a: Align2, text: &str, size: f32, c: Color32) {
        self.0.text(point(pos), anchor(a), text, size, color(c));
    }

    /// The finished document.
    pub fn finish(&self) -> String {
        self.0.finish()
    }

    /// Writes the finished document to `path`.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        self.0.save(path)
    }
}

impl From<figure::Svg> for Svg {
    fn from(svg: figure::Svg) -> Svg {
        Svg(svg)
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
