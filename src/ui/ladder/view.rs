//! The ladder on screen: an egui painter as a [`Canvas`] (the library lays out and paints;
//! this only turns its shapes into egui's), and the legend.

use egui::{Color32, Stroke, Vec2};

use crate::figure::{Anchor, Canvas, Color, Point, Rect, TextStyle};
use crate::ladder::paint;

use super::super::figure::{color32, pos2};

/// Draws on the screen: figure coordinates are moved by `offset`.
pub struct ScreenCanvas<'a> {
    /// Where to paint.
    pub painter: &'a egui::Painter,
    /// Figure origin on screen.
    pub offset: Vec2,
}

impl ScreenCanvas<'_> {
    fn at(&self, p: Point) -> egui::Pos2 {
        pos2(p) + self.offset
    }

    fn stroke(s: crate::figure::Stroke) -> Stroke {
        Stroke::new(s.width, color32(s.color))
    }
}

impl Canvas for ScreenCanvas<'_> {
    fn line(&mut self, a: Point, b: Point, stroke: crate::figure::Stroke) {
        self.painter
            .line_segment([self.at(a), self.at(b)], Self::stroke(stroke));
    }

    fn dashed(&mut self, a: Point, b: Point, stroke: crate::figure::Stroke) {
        self.painter.extend(egui::Shape::dashed_line(
            &[self.at(a), self.at(b)],
            Self::stroke(stroke),
            4.0,
            3.0,
        ));
    }

    fn arrow(&mut self, a: Point, b: Point, stroke: crate::figure::Stroke) {
        self.line(a, b, stroke);
        // The same head as the SVG's.
        if let Some(head) = crate::figure::arrow_head(a, b, stroke.width) {
            self.painter.add(egui::Shape::convex_polygon(
                head.iter().map(|p| self.at(*p)).collect(),
                color32(stroke.color),
                Stroke::NONE,
            ));
        }
    }

    fn fill(&mut self, r: Rect, color: Color) {
        self.painter.rect_filled(
            egui::Rect::from_min_max(self.at(r.min), self.at(r.max)),
            0.0,
            color32(color),
        );
    }

    fn text(&mut self, pos: Point, anchor: Anchor, text: &str, style: TextStyle) {
        let galley = self.painter.layout_no_wrap(
            text.to_string(),
            egui::FontId::proportional(style.size),
            color32(style.color),
        );
        let size = galley.size();
        let r = anchor.rect(pos, size.x, size.y);
        let rect = egui::Rect::from_min_max(self.at(r.min), self.at(r.max));
        if let Some(bg) = style.bg {
            self.painter.rect_filled(rect.expand(1.0), 2.0, color32(bg));
        }
        self.painter.galley(rect.min, galley, color32(style.color));
    }

    fn mono_text(&mut self, pos: Point, anchor: Anchor, text: &str, style: TextStyle) {
        self.painter.text(
            self.at(pos),
            egui::Align2([align(anchor.0), align(anchor.1)]),
            text,
            egui::FontId::monospace(style.size),
            color32(style.color),
        );
    }
}

/// egui's alignment of a figure alignment.
fn align(a: crate::figure::Align) -> egui::Align {
    match a {
        crate::figure::Align::Min => egui::Align::Min,
        crate::figure::Align::Center => egui::Align::Center,
        crate::figure::Align::Max => egui::Align::Max,
    }
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
                for (color, dashed, crossed, label) in paint::legend() {
                    let color = color32(color);
                    let (rect, _) =
                        ui.allocate_exact_size(Vec2::new(18.0, 12.0), egui::Sense::hover());
                    let (a, b) = (rect.left_center(), rect.right_center());
                    let stroke = Stroke::new(2.5, color);
                    if dashed {
                        ui.painter()
                            .extend(egui::Shape::dashed_line(&[a, b], stroke, 3.0, 2.0));
                    } else {
                        ui.painter().line_segment([a, b], stroke);
                    }
                    if crossed {
                        let c = rect.right_center() - Vec2::new(3.0, 0.0);
                        let d = 3.5;
                        let s = Stroke::new(1.8, color);
                        ui.painter()
                            .line_segment([c - Vec2::splat(d), c + Vec2::splat(d)], s);
                        ui.painter()
                            .line_segment([c + Vec2::new(-d, d), c + Vec2::new(d, -d)], s);
                    }
                    ui.label(egui::RichText::new(label).color(color).small());
                }
            });
        });
}

#[cfg(test)]
mod tests {
    use crate::analysis::FlowProto;
    use crate::ladder::layout::BASE_ROW;
    use crate::ladder::{Geometry, LadderModel};

    /// Every text the ladder draws on screen has glyphs in egui's built-in font (egui
    /// panics on a missing glyph).
    #[test]
    fn every_drawn_text_has_glyphs() {
        let ctx = egui::Context::default();
        let font = egui::FontId::proportional(crate::ladder::layout::FONT);
        let mut texts: Vec<String> = crate::ladder::words::legend().to_vec();
        texts.push(crate::ladder::words::replay_cut());
        texts.push(crate::ladder::words::run_expand_hint());
        for (file, proto) in [
            ("captures/demo.pcap", FlowProto::Tcp),
            (
                "tests/captures/synack-netns-loss-client.pcap",
                FlowProto::Tcp,
            ),
            ("tests/captures/zeek-reassembly.pcap", FlowProto::Tcp),
            ("captures/udp-chat.pcap", FlowProto::Udp),
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            let got = crate::ladder::collect(&path, proto, 0).unwrap();
            let m = LadderModel::build(got.info.unwrap(), &got.seen);
            let g = Geometry::new(&m, 1000.0, BASE_ROW, &[]);
            texts.extend(g.labels.iter().flat_map(|l| l.lines.clone()));
            texts.extend(g.side.iter().map(|s| s.text.clone()));
            texts.extend(g.breaks.iter().flat_map(|b| b.lines.clone()));
            texts.extend(g.brackets.iter().flat_map(|b| b.lines.clone()));
            texts.extend(g.header_note(&m));
            texts.push(m.info.client.clone());
        }
        ctx.begin_pass(Default::default());
        for t in &texts {
            for c in t.chars() {
                assert!(
                    ctx.fonts_mut(|f| f.has_glyph(&font, c)),
                    "no glyph for {c:?} in {t:?}"
                );
            }
        }
        let mut out = ctx.end_pass();
        out.textures_delta.clear();
    }
}
