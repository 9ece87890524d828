//! The graphs as SVG figures: the same series, colours and visible range as the view, with
//! axes, ticks, labels and a legend, drawn from the model (no renderer needed).

use egui::{Align2, Color32, Pos2, Rect, Stroke};

use super::kernel::KernelOverlay;
use super::kernel_view::{cause_color, cause_solid, cause_text, OverlayToggles};
use super::model::{steps, with_idle_drops, SeqModel};
use super::GraphKind;
use crate::analysis::Cause;
use crate::i18n::tr;
use crate::ui::figure::Svg;
use crate::ui::palette;

/// About `n` round tick values covering `[lo, hi]` (1, 2, 5 × 10^k steps).
pub fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if hi <= lo || hi.is_nan() || lo.is_nan() || !lo.is_finite() || !hi.is_finite() || n == 0 {
        return Vec::new();
    }
    let raw = (hi - lo) / n as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A tick label on an axis whose largest magnitude is `top`: from 10 000 on in thousands,
/// millions or billions with the SI prefix (`1.5 M` for 1 500 000, as Wireshark's graphs
/// write it), with as many decimals as the step needs in that unit; below, integers without
/// decimals and small values with as many as the step needs.
pub(super) fn tick_label(v: f64, step: f64, top: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let (unit, prefix) = si_unit(top);
    let (v, step) = (v / unit, step / unit);
    let decimals = if step >= 1.0 || !step.is_finite() || step <= 0.0 {
        0
    } else {
        (-step.log10().floor()).clamp(0.0, 9.0) as usize
    };
    let text = if decimals == 0 && v.abs() < 1e15 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.decimals$}")
    };
    if prefix.is_empty() || v == 0.0 {
        text
    } else {
        format!("{text} {prefix}")
    }
}

/// What a time-sequence figure draws beside the wire, as the view does: the kernel's
/// lines and the verdict bands, each when its check box is on.
#[derive(Debug, Clone, Copy)]
pub struct Beside<'a> {
    /// The overlay of the graphed connection and direction.
    pub overlay: &'a KernelOverlay,
    /// Which parts are drawn.
    pub toggles: OverlayToggles,
}

/// The SI unit an axis reaching `top` is written in: (divisor, prefix).
fn si_unit(top: f64) -> (f64, &'static str) {
    let top = top.abs();
    if top >= 1e9 {
        (1e9, "G")
    } else if top >= 1e6 {
        (1e6, "M")
    } else if top >= 1e4 {
        (1e3, "k")
    } else {
        (1.0, "")
    }
}

/// A rate in bits per second with its unit: `850 bit/s`, `16.0 kbit/s`, `1.52 Mbit/s`.
pub(super) fn rate_text(bits_per_s: f64) -> String {
    let (unit, prefix) = match bits_per_s.abs() {
        r if r >= 1e9 => (1e9, "G"),
        r if r >= 1e6 => (1e6, "M"),
        r if r >= 1e3 => (1e3, "k"),
        _ => (1.0, ""),
    };
    let v = bits_per_s / unit;
    let decimals = match v.abs() {
        _ if unit == 1.0 => 0,
        r if r >= 100.0 => 0,
        r if r >= 10.0 => 1,
        _ => 2,
    };
    format!("{v:.decimals$} {prefix}bit/s")
}

/// The graph `kind` of `m` as a `width` × `height` figure. `bounds` is the visible range
/// `[x0, x1, y0, y1]` (the view's, so the figure shows what the user saw), else the data's;
/// `beside` adds the kernel's lines and the verdict bands to a time-sequence graph.
pub fn graph(
    m: &SeqModel,
    kind: GraphKind,
    bounds: Option<[f64; 4]>,
    title: &str,
    size: (f32, f32),
    beside: Option<Beside<'_>>,
) -> Svg {
    let (width, height) = size;
    let mut svg = Svg::new(width, height);
    let plot = Plot::new(size, bounds.unwrap_or_else(|| data_bounds(m, kind)));
    svg.text(
        Pos2::new(width / 2.0, 12.0),
        Align2::CENTER_TOP,
        title,
        14.0,
        Color32::BLACK,
    );
    plot.axes(&mut svg, kind, height);
    let beside = beside.filter(|_| matches!(kind, GraphKind::Stevens | GraphKind::Tcptrace));
    // The verdict bands go under the series (as in the view), their names at the legend's end.
    let causes = match beside.filter(|b| b.toggles.verdict) {
        Some(b) => plot.verdict_bands(&mut svg, b.overlay),
        None => Vec::new(),
    };
    let mut legend = match kind {
        GraphKind::Stevens | GraphKind::Tcptrace => plot.sequence_series(&mut svg, m, kind),
        GraphKind::Throughput => plot.throughput_series(&mut svg, m),
        GraphKind::Rtt => plot.rtt_series(&mut svg, m),
    };
    // The kernel's window lines over the series, named as in the view.
    if let Some(b) = beside.filter(|b| b.toggles.kernel) {
        legend.extend(plot.kernel_lines(&mut svg, b.overlay));
    }
    let source = beside
        .and_then(|b| b.overlay.verdict.as_ref())
        .map(|v| v.source);
    for c in causes {
        legend.push((
            format!(
                "{} ({})",
                cause_text(c),
                source.map_or(String::new(), |s| s.label())
            ),
            cause_solid(c),
        ));
    }
    plot.legend(&mut svg, legend);
    svg
}

/// A legend's entries: a series' name and colour, in the order they are listed.
type Legend = Vec<(String, Color32)>;

/// Where a figure's data go: the plot's rectangle on the page and the data range
/// `[x0, x1, y0, y1]` it shows, with the scale between them.
struct Plot {
    rect: Rect,
    range: [f64; 4],
    /// Points per data unit along x and along y.
    scale: (f64, f64),
}

impl Plot {
    /// The plot of a `size` figure: margins for the title, the tick labels and the axis names.
    fn new((width, height): (f32, f32), range: [f64; 4]) -> Plot {
        let rect = Rect::from_min_max(
            Pos2::new(80.0, 40.0),
            Pos2::new(width - 20.0, height - 60.0),
        );
        let [x0, x1, y0, y1] = range;
        let scale = (
            f64::from(rect.width()) / (x1 - x0).max(1e-12),
            f64::from(rect.height()) / (y1 - y0).max(1e-12),
        );
        Plot { rect, range, scale }
    }

    /// Where data point (`x`, `y`) is on the page.
    fn at(&self, x: f64, y: f64) -> Pos2 {
        let [x0, _, y0, _] = self.range;
        Pos2::new(
            self.rect.min.x + ((x - x0) * self.scale.0) as f32,
            self.rect.max.y - ((y - y0) * self.scale.1) as f32,
        )
    }

    /// Whether a mark at `p` is drawn (half a point of slack at the frame).
    fn inside(&self, p: Pos2) -> bool {
        self.rect.expand(0.5).contains(p)
    }

    /// A data line, cut where it leaves the plot.
    fn polyline(&self, svg: &mut Svg, pts: &[[f64; 2]], color: Color32) {
        let screen: Vec<Pos2> = pts.iter().map(|p| self.at(p[0], p[1])).collect();
        for run in clip_polyline(&screen, self.rect) {
            svg.polyline(&run, Stroke::new(1.5, color));
        }
    }

    /// The grid, the ticks and their labels, the frame and the two axis names.
    fn axes(&self, svg: &mut Svg, kind: GraphKind, height: f32) {
        let [x0, x1, y0, y1] = self.range;
        let plot = self.rect;
        let axis = Stroke::new(1.0, Color32::BLACK);
        let grid = Stroke::new(0.5, Color32::from_gray(220));
        let xt = ticks(x0, x1, 8);
        let xstep = if xt.len() > 1 { xt[1] - xt[0] } else { 1.0 };
        for x in &xt {
            let p = self.at(*x, y0);
            svg.line(Pos2::new(p.x, plot.min.y), Pos2::new(p.x, plot.max.y), grid);
            svg.line(p, p + egui::vec2(0.0, 5.0), axis);
            svg.text(
                p + egui::vec2(0.0, 8.0),
                Align2::CENTER_TOP,
                &tick_label(*x, xstep, x0.abs().max(x1.abs())),
                11.0,
                Color32::BLACK,
            );
        }
        let yt = ticks(y0, y1, 8);
        let ystep = if yt.len() > 1 { yt[1] - yt[0] } else { 1.0 };
        for y in &yt {
            let p = self.at(x0, *y);
            svg.line(Pos2::new(plot.min.x, p.y), Pos2::new(plot.max.x, p.y), grid);
            svg.line(p, p - egui::vec2(5.0, 0.0), axis);
            svg.text(
                p - egui::vec2(8.0, 0.0),
                Align2::RIGHT_CENTER,
                &tick_label(*y, ystep, y0.abs().max(y1.abs())),
                11.0,
                Color32::BLACK,
            );
        }
        // The frame as lines: an unfilled rectangle would need `fill="none"`, which some
        // renderers (ImageMagick) do not infer from a zero fill opacity.
        let [a, b, c, d] = [
            plot.left_top(),
            plot.right_top(),
            plot.right_bottom(),
            plot.left_bottom(),
        ];
        for (p, q) in [(a, b), (b, c), (c, d), (d, a)] {
            svg.line(p, q, axis);
        }
        svg.text(
            Pos2::new(plot.center().x, height - 22.0),
            Align2::CENTER_CENTER,
            &tr!("graph-x"),
            12.0,
            Color32::BLACK,
        );
        svg.text(
            Pos2::new(8.0, plot.min.y - 14.0),
            Align2::LEFT_CENTER,
            &kind.y_label(),
            12.0,
            Color32::BLACK,
        );
    }

    /// The verdict's bands (what limited the sender, over time), full height; returns the
    /// causes shown, in the order they first appear.
    fn verdict_bands(&self, svg: &mut Svg, overlay: &KernelOverlay) -> Vec<Cause> {
        let (y0, plot) = (self.range[2], self.rect);
        let mut causes = Vec::new();
        for b in overlay.verdict.iter().flat_map(|v| &v.bands) {
            let (l, r) = (
                self.at(b.t0, y0).x.max(plot.min.x),
                self.at(b.t1, y0).x.min(plot.max.x),
            );
            if r > l {
                svg.rect(
                    Rect::from_x_y_ranges(l..=r, plot.min.y..=plot.max.y),
                    cause_color(b.what),
                    Stroke::NONE,
                );
            }
            if !causes.contains(&b.what) {
                causes.push(b.what);
            }
        }
        causes
    }

    /// A time-sequence graph's series: the segments (dots for Stevens, I-bars for tcptrace,
    /// a cross where one was lost before the capture point) and, for tcptrace, the ACK line,
    /// the receive window's edge and the SACK blocks.
    fn sequence_series(&self, svg: &mut Svg, m: &SeqModel, kind: GraphKind) -> Legend {
        let mut legend = vec![(tr!("graph-data-segment"), palette::SEGMENT)];
        if kind == GraphKind::Tcptrace {
            legend.extend(self.acks_and_window(svg, m));
        }
        for s in &m.segments {
            let color = if s.retransmission {
                palette::RETRANSMISSION
            } else if s.out_of_order {
                palette::OUT_OF_ORDER
            } else {
                palette::SEGMENT
            };
            let a = self.at(s.t, f64::from(s.seq));
            if !self.inside(a) {
                continue;
            }
            if kind == GraphKind::Stevens {
                svg.circle(a, 2.5, color);
            } else {
                let b = self.at(s.t, s.end() as f64);
                let st = Stroke::new(if color == palette::SEGMENT { 1.5 } else { 2.5 }, color);
                svg.line(a, b, st);
                svg.line(a - egui::vec2(3.0, 0.0), a + egui::vec2(3.0, 0.0), st);
                svg.line(b - egui::vec2(3.0, 0.0), b + egui::vec2(3.0, 0.0), st);
            }
            if s.lost_before {
                let c = Stroke::new(1.5, palette::LOST);
                svg.line(a + egui::vec2(-4.0, -4.0), a + egui::vec2(4.0, 4.0), c);
                svg.line(a + egui::vec2(-4.0, 4.0), a + egui::vec2(4.0, -4.0), c);
            }
        }
        if m.segments.iter().any(|s| s.retransmission) {
            legend.push((tr!("graph-retransmission"), palette::RETRANSMISSION));
        }
        if m.segments.iter().any(|s| s.out_of_order) {
            legend.push((tr!("graph-out-of-order"), palette::OUT_OF_ORDER));
        }
        if m.segments.iter().any(|s| s.lost_before) {
            legend.push((tr!("graph-segment-lost"), palette::LOST));
        }
        legend
    }

    /// tcptrace's ACK line and receive-window edge as steps, and each ACK's SACK blocks as
    /// short bars beside it.
    fn acks_and_window(&self, svg: &mut Svg, m: &SeqModel) -> Legend {
        let ack: Vec<[f64; 2]> = m.acks.iter().map(|a| [a.t, f64::from(a.ack)]).collect();
        let win: Vec<[f64; 2]> = m.acks.iter().map(|a| [a.t, a.window_edge as f64]).collect();
        self.polyline(svg, &steps(&ack), palette::ACK);
        self.polyline(svg, &steps(&win), palette::WINDOW);
        let mut legend = vec![
            (tr!("graph-ack"), palette::ACK),
            (tr!("graph-receive-window"), palette::WINDOW),
        ];
        for a in &m.acks {
            for &(l, r) in &a.sacks {
                let (p, q) = (self.at(a.t, f64::from(l)), self.at(a.t, f64::from(r)));
                if self.inside(p) && self.inside(q) {
                    svg.line(
                        p + egui::vec2(2.0, 0.0),
                        q + egui::vec2(2.0, 0.0),
                        Stroke::new(3.0, palette::SACK),
                    );
                }
            }
        }
        if m.acks.iter().any(|a| !a.sacks.is_empty()) {
            legend.push((tr!("graph-sack"), palette::SACK));
        }
        legend
    }

    /// Throughput and goodput, each dropping to zero across idle stretches.
    fn throughput_series(&self, svg: &mut Svg, m: &SeqModel) -> Legend {
        self.polyline(
            svg,
            &with_idle_drops(&m.throughput, m.window),
            palette::SEGMENT,
        );
        self.polyline(
            svg,
            &with_idle_drops(&m.goodput, m.window),
            palette::GOODPUT,
        );
        vec![
            (tr!("graph-throughput-line"), palette::SEGMENT),
            (tr!("graph-goodput"), palette::GOODPUT),
        ]
    }

    /// One dot per round-trip sample, in milliseconds.
    fn rtt_series(&self, svg: &mut Svg, m: &SeqModel) -> Legend {
        for r in &m.rtt {
            let q = self.at(r.t, r.rtt * 1e3);
            if self.inside(q) {
                svg.circle(q, 2.5, palette::SEGMENT);
            }
        }
        vec![(tr!("graph-rtt-sample"), palette::SEGMENT)]
    }

    /// The kernel's congestion window (solid) and slow-start threshold (dashed), where it
    /// was read, named after the congestion control when known.
    fn kernel_lines(&self, svg: &mut Svg, o: &KernelOverlay) -> Legend {
        let name = |what: String| match &o.congestion {
            Some(c) => tr!("graph-kernel-algorithm", what = what, algorithm = c.clone()),
            None => tr!("graph-kernel", what = what),
        };
        for run in &o.cwnd_reach {
            self.polyline(svg, run, palette::CWND);
        }
        for run in &o.ssthresh_reach {
            let screen: Vec<Pos2> = run.iter().map(|p| self.at(p[0], p[1])).collect();
            for part in clip_polyline(&screen, self.rect) {
                for w in part.windows(2) {
                    svg.dashed_line(w[0], w[1], Stroke::new(1.5, palette::SSTHRESH));
                }
            }
        }
        let mut legend = Vec::new();
        if !o.cwnd_reach.is_empty() {
            legend.push((name(tr!("graph-ack-cwnd")), palette::CWND));
        }
        if !o.ssthresh_reach.is_empty() {
            legend.push((name(tr!("graph-ack-ssthresh")), palette::SSTHRESH));
        }
        legend
    }

    /// The legend, top left inside the plot, on a white box as wide as its longest name
    /// (about 6 points a character at 11 points).
    fn legend(&self, svg: &mut Svg, legend: Legend) {
        let mut y = self.rect.min.y + 12.0;
        let x = self.rect.min.x + 10.0;
        let legend_width = legend
            .iter()
            .map(|(n, _)| {
                let w: f32 = n
                    .chars()
                    .map(|c| if c.is_ascii() { 6.2 } else { 11.0 })
                    .sum();
                36.0 + w
            })
            .fold(210.0, f32::max);
        svg.rect(
            Rect::from_min_size(
                Pos2::new(x - 6.0, y - 8.0),
                egui::vec2(legend_width, 16.0 * legend.len() as f32 + 4.0),
            ),
            Color32::from_white_alpha(220),
            Stroke::new(0.5, Color32::GRAY),
        );
        for (name, color) in legend {
            svg.line(
                Pos2::new(x, y),
                Pos2::new(x + 18.0, y),
                Stroke::new(3.0, color),
            );
            svg.text(
                Pos2::new(x + 24.0, y),
                Align2::LEFT_CENTER,
                &name,
                11.0,
                Color32::BLACK,
            );
            y += 16.0;
        }
    }
}

/// Clips segment `a`-`b` to `r`; `None` when it lies outside.
fn clip_segment(a: Pos2, b: Pos2, r: Rect) -> Option<(Pos2, Pos2)> {
    let point = |p: Pos2| crate::figure::Point::new(p.x, p.y);
    let frame = crate::figure::Rect::from_min_max(point(r.min), point(r.max));
    let (a, b) = frame.clip_segment(point(a), point(b))?;
    Some((Pos2::new(a.x, a.y), Pos2::new(b.x, b.y)))
}

/// The parts of a polyline inside `r`, as separate runs (a line leaving the plot and coming
/// back is two runs, each ending at the frame).
pub fn clip_polyline(points: &[Pos2], r: Rect) -> Vec<Vec<Pos2>> {
    let mut runs: Vec<Vec<Pos2>> = Vec::new();
    for w in points.windows(2) {
        let Some((a, b)) = clip_segment(w[0], w[1], r) else {
            continue;
        };
        match runs.last_mut() {
            Some(run) if run.last().is_some_and(|l| l.distance(a) < 1e-3) => run.push(b),
            _ => runs.push(vec![a, b]),
        }
    }
    runs
}

/// The graph's home view: the data's range with a 5% margin (x0, x1, y0, y1). The window
/// opens on it and Reset view returns to it; an export without a view uses it.
pub(super) fn data_bounds(m: &SeqModel, kind: GraphKind) -> [f64; 4] {
    let pts: Vec<[f64; 2]> = match kind {
        GraphKind::Stevens | GraphKind::Tcptrace => {
            let b = m
                .bounds(kind == GraphKind::Tcptrace)
                .unwrap_or((0.0, 1.0, 0.0, 1.0));
            vec![[b.0, b.2], [b.1, b.3]]
        }
        GraphKind::Throughput => m.throughput.iter().chain(&m.goodput).copied().collect(),
        GraphKind::Rtt => m.rtt.iter().map(|r| [r.t, r.rtt * 1e3]).collect(),
    };
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for p in &pts {
        x0 = x0.min(p[0]);
        x1 = x1.max(p[0]);
        y0 = y0.min(p[1]);
        y1 = y1.max(p[1]);
    }
    if !x0.is_finite() {
        return [0.0, 1.0, 0.0, 1.0];
    }
    if matches!(kind, GraphKind::Throughput | GraphKind::Rtt) {
        y0 = y0.min(0.0);
    }
    let (dx, dy) = ((x1 - x0).max(1e-6) * 0.05, (y1 - y0).max(1.0) * 0.05);
    [x0 - dx, x1 + dx, y0 - dy, y1 + dy]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polylines_are_cut_at_the_frame() {
        let r = Rect::from_min_max(Pos2::new(0.0, 0.0), Pos2::new(10.0, 10.0));
        let pts = [
            Pos2::new(-5.0, 5.0),
            Pos2::new(5.0, 5.0),
            Pos2::new(5.0, 20.0),
            Pos2::new(8.0, 20.0),
            Pos2::new(8.0, 2.0),
        ];
        let runs = clip_polyline(&pts, r);
        assert_eq!(
            runs,
            vec![
                vec![
                    Pos2::new(0.0, 5.0),
                    Pos2::new(5.0, 5.0),
                    Pos2::new(5.0, 10.0)
                ],
                vec![Pos2::new(8.0, 10.0), Pos2::new(8.0, 2.0)],
            ]
        );
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        // (0.47 - 0.013) / 8 ≈ 0.057: the next round step is 0.1.
        let t = ticks(0.013, 0.47, 8);
        assert_eq!(t.len(), 4);
        for (got, want) in t.iter().zip([0.1, 0.2, 0.3, 0.4]) {
            assert!((got - want).abs() < 1e-9, "{t:?}");
        }
        assert!(ticks(1.0, 1.0, 5).is_empty());
        assert_eq!(tick_label(0.25, 0.05, 0.5), "0.25");
        assert_eq!(tick_label(3000.0, 500.0, 9000.0), "3000");
    }

    #[test]
    fn large_ticks_and_rates_carry_their_si_prefix() {
        // 0 .. 1.5 M in steps of 500 k: "1.5 M", not "1500000".
        let labels: Vec<String> = ticks(0.0, 1.6e6, 4)
            .iter()
            .map(|v| tick_label(*v, 5e5, 1.6e6))
            .collect();
        assert_eq!(labels, ["0", "0.5 M", "1.0 M", "1.5 M"]);
        assert_eq!(tick_label(1.5e7, 5e6, 2e7), "15 M");
        assert_eq!(tick_label(1.5e7, 5e5, 2e7), "15.0 M");
        assert_eq!(tick_label(20000.0, 5000.0, 40000.0), "20 k");
        assert_eq!(tick_label(2.5e10, 5e9, 3e10), "25 G");
        assert_eq!(rate_text(850.0), "850 bit/s");
        assert_eq!(rate_text(16_000.0), "16.0 kbit/s");
        assert_eq!(rate_text(1_523_000.0), "1.52 Mbit/s");
        assert_eq!(rate_text(250e6), "250 Mbit/s");
    }
}
