//! Draws the [`super::kernel`] overlay: the kernel's cwnd and ssthresh over the
//! time-sequence graphs, the verdict bands under them, the verdict's legend line, and the
//! panel under the graph (cwnd, bytes in flight from the kernel and the wire, srtt and rto,
//! the congestion states as bands). The panel's x axis is linked to the graph's.

use egui::{Color32, Id};
use egui_plot::{Corner, Legend, Line, LineStyle, Plot, PlotPoints, Points, Span};

use super::kernel::{KernelOverlay, VerdictSource};
use super::model::decimate;
use crate::analysis::Cause;
use crate::calls::tcp_info::CaState;
use crate::i18n::tr;
use crate::ui::palette;

/// One of the kernel's lines in the panel's plots: its name, its runs of points, its colour.
type KernelLine<'a> = (String, &'a [Vec<[f64; 2]>], Color32);

/// Most points drawn per kernel line.
const MAX_DRAWN: usize = 20_000;
/// Height of each of the panel's two plots.
pub const PANEL_PLOT_HEIGHT: f32 = 120.0;
/// Width kept at least for the y axes of the graph and the panel (the widest label of either
/// widens all three, so their linked time axes line up).
pub const Y_AXIS_WIDTH: f32 = 70.0;

/// The x axis the graph and its panel share.
pub fn x_link() -> Id {
    Id::unique("synack_graph_kernel_x")
}

/// A sender-limit cause's name in the interface's language (`congestion window`, `拥塞窗口`).
pub fn cause_text(cause: Cause) -> String {
    tr!(match cause {
        Cause::Application => "cause-application",
        Cause::ReceiverWindow => "cause-receiver-window",
        Cause::CongestionWindow => "cause-congestion-window",
        Cause::LossRecovery => "cause-loss-recovery",
        Cause::RetransmissionTimeout => "cause-retransmission-timeout",
        Cause::SendBuffer => "cause-send-buffer",
    })
}

/// A Linux congestion state's name in the interface's language (the kernel's name kept in
/// Chinese: `Recovery（快速恢复）`).
pub fn ca_state_text(state: CaState) -> String {
    tr!(match state {
        CaState::Open => "ca-open",
        CaState::Disorder => "ca-disorder",
        CaState::Cwr => "ca-cwr",
        CaState::Recovery => "ca-recovery",
        CaState::Loss => "ca-loss",
        CaState::Unknown(_) => "ca-unknown",
    })
}

/// The band colour of a cause (translucent, so the graph's points stay readable).
pub fn cause_color(cause: Cause) -> Color32 {
    cause_solid(cause).gamma_multiply_u8(40)
}

/// A cause's colour, opaque (the legend's swatches).
pub fn cause_solid(cause: Cause) -> Color32 {
    let (r, g, b) = match cause {
        Cause::Application => (150, 150, 150),
        Cause::ReceiverWindow => (230, 180, 0),
        Cause::CongestionWindow => (0, 170, 180),
        Cause::LossRecovery => (230, 60, 40),
        Cause::RetransmissionTimeout => (150, 0, 150),
        Cause::SendBuffer => (40, 90, 220),
    };
    Color32::from_rgb(r, g, b)
}

/// The band colour of a congestion state (`Open` is not shaded).
fn ca_color(state: CaState) -> Option<Color32> {
    ca_solid(state).map(|c| c.gamma_multiply_u8(60))
}

/// A congestion state's colour, opaque (the panel's legend).
fn ca_solid(state: CaState) -> Option<Color32> {
    let (r, g, b) = match state {
        CaState::Open => return None,
        CaState::Disorder => (230, 180, 0),
        CaState::Cwr => (40, 90, 220),
        CaState::Recovery => (230, 60, 40),
        CaState::Loss => (150, 0, 150),
        CaState::Unknown(_) => (120, 120, 120),
    };
    Some(Color32::from_rgb(r, g, b))
}

/// Which overlays are on (the row of check boxes over the graph).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverlayToggles {
    /// The kernel's cwnd and ssthresh lines, and the panel.
    pub kernel: bool,
    /// The verdict bands.
    pub verdict: bool,
}

impl Default for OverlayToggles {
    fn default() -> Self {
        OverlayToggles {
            kernel: true,
            verdict: true,
        }
    }
}

/// The verdict line over the graph: what limited the sender, where it comes from, the
/// seconds per cause (main one first), and the check boxes.
pub fn verdict_row(ui: &mut egui::Ui, o: &KernelOverlay, toggles: &mut OverlayToggles) {
    ui.horizontal_wrapped(|ui| {
        if o.readings > 0 {
            ui.checkbox(
                &mut toggles.kernel,
                tr!(
                    "graph-kernel-state",
                    readings = o.readings,
                    algorithm = o
                        .congestion
                        .as_ref()
                        .map_or(String::new(), |c| format!(", {c}"))
                ),
            );
        } else {
            ui.label(tr!("graph-no-kernel"));
        }
        let Some(v) = &o.verdict else {
            return;
        };
        ui.separator();
        ui.checkbox(
            &mut toggles.verdict,
            tr!("graph-limited", source = v.source.label()),
        );
        let mut causes: Vec<Cause> = Cause::ALL
            .into_iter()
            .filter(|c| v.totals.ns(*c) > 0)
            .collect();
        causes.sort_by_key(|c| std::cmp::Reverse(v.totals.ns(*c)));
        for (k, c) in causes.into_iter().enumerate() {
            let text = format!("{} {:.3} s", cause_text(c), v.totals.seconds(c));
            let (swatch, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter().rect_filled(swatch, 1.0, cause_solid(c));
            let rich = egui::RichText::new(text);
            ui.label(if k == 0 { rich.strong() } else { rich });
        }
        if v.source == VerdictSource::Wire {
            ui.weak(tr!("graph-wire-caveat"));
        }
    });
}

/// Adds the verdict bands (under everything else: call first). They are unnamed: the
/// verdict row over the graph is their legend (a name would be written in every band).
pub fn add_bands(pui: &mut egui_plot::PlotUi<'_>, o: &KernelOverlay) {
    let Some(v) = &o.verdict else { return };
    for b in &v.bands {
        pui.span(
            Span::new("", b.t0..=b.t1)
                .fill(cause_color(b.what))
                .border_width(0.0),
        );
    }
}

fn lines(
    pui: &mut egui_plot::PlotUi<'_>,
    name: &str,
    runs: &[Vec<[f64; 2]>],
    color: Color32,
    style: LineStyle,
    x: (f64, f64),
) {
    for run in runs {
        pui.line(
            Line::new(name, PlotPoints::from(decimate(run, x.0, x.1, MAX_DRAWN)))
                .color(color)
                .width(1.5)
                .style(style)
                .allow_band(false),
        );
    }
}

/// Adds the kernel's cwnd and ssthresh reach to a time-sequence graph.
pub fn add_reach_lines(pui: &mut egui_plot::PlotUi<'_>, o: &KernelOverlay, x0: f64, x1: f64) {
    let name = |what: &str| match &o.congestion {
        Some(c) => tr!(
            "graph-kernel-algorithm",
            what = what.to_owned(),
            algorithm = c.clone()
        ),
        None => tr!("graph-kernel", what = what.to_owned()),
    };
    lines(
        pui,
        &name(&tr!("graph-ack-cwnd")),
        &o.cwnd_reach,
        palette::CWND,
        LineStyle::Solid,
        (x0, x1),
    );
    lines(
        pui,
        &name(&tr!("graph-ack-ssthresh")),
        &o.ssthresh_reach,
        palette::SSTHRESH,
        LineStyle::dashed_loose(),
        (x0, x1),
    );
}

/// The panel under the graph: bytes (cwnd, in flight kernel and wire) and times (srtt,
/// rto), congestion states shaded in both, their y axes `y_axis_width` wide at least (the
/// graph's, so the time axes line up). Returns each plot's transform and the width its y
/// axis took (more when its labels needed it).
pub fn panel(
    ui: &mut egui::Ui,
    o: &KernelOverlay,
    y_axis_width: f32,
) -> Vec<(egui_plot::PlotTransform, f32)> {
    ui.horizontal_wrapped(|ui| {
        ui.label(tr!("graph-panel-title"));
        for s in [
            CaState::Disorder,
            CaState::Cwr,
            CaState::Recovery,
            CaState::Loss,
        ] {
            let secs: f64 = o
                .ca_states
                .iter()
                .filter(|b| b.what == s)
                .map(|b| b.t1 - b.t0)
                .sum();
            let Some(color) = ca_solid(s).filter(|_| secs > 0.0) else {
                continue;
            };
            let (swatch, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter().rect_filled(swatch, 1.0, color);
            ui.label(format!("{} {:.3} s", ca_state_text(s), secs));
        }
    });
    // What each plot draws first: the congestion-state bands, then two of the kernel's
    // lines (name, runs of points, colour). Returns the x range shown, for what follows.
    let bands_and_lines = |pui: &mut egui_plot::PlotUi<'_>, kernel_lines: [KernelLine<'_>; 2]| {
        for b in &o.ca_states {
            if let Some(color) = ca_color(b.what) {
                pui.span(Span::new("", b.t0..=b.t1).fill(color).border_width(0.0));
            }
        }
        let b = pui.plot_bounds();
        let x = (b.min()[0], b.max()[0]);
        for (name, runs, color) in kernel_lines {
            lines(pui, &name, runs, color, LineStyle::Solid, x);
        }
        x
    };
    let plot = |id: &str, y: &str| {
        Plot::new(("synack_kernel_panel", id.to_owned()))
            .height(PANEL_PLOT_HEIGHT)
            .link_axis(x_link(), [true, false])
            .legend(Legend::default().position(Corner::LeftTop))
            // Round steps on the short y axes (powers of ten alone often left one label).
            .custom_y_axes(vec![super::ticks::y_axis()])
            .grid_spacing(egui::Rangef::new(super::ticks::GRID_MIN_SPACING, 300.0))
            .y_grid_spacer(|input| super::ticks::marks(0.0, &input, super::ticks::Y_LABEL_SPACING))
            .y_axis_label(y)
            .y_axis_min_width(y_axis_width)
            .include_y(0.0)
            .show_x(false)
            .show_y(false)
            .label_formatter(|_| None)
    };
    // The plots start at the panel's left edge: their y axis is what lies before the frame.
    let left = ui.max_rect().left();
    let drawn = |r: egui_plot::PlotResponse<()>| (r.transform, r.transform.frame().min.x - left);
    let bytes = plot("bytes", &tr!("graph-bytes")).show(ui, |pui| {
        let x = bands_and_lines(
            pui,
            [
                (
                    tr!("graph-kernel", what = tr!("graph-cwnd")),
                    &o.cwnd,
                    palette::CWND,
                ),
                (
                    tr!("graph-kernel", what = tr!("graph-in-flight")),
                    &o.in_flight_kernel,
                    palette::IN_FLIGHT_KERNEL,
                ),
            ],
        );
        if !o.in_flight_wire.is_empty() {
            pui.points(
                Points::new(
                    tr!("graph-in-flight-wire"),
                    PlotPoints::from(decimate(&o.in_flight_wire, x.0, x.1, MAX_DRAWN)),
                )
                .color(palette::IN_FLIGHT_WIRE)
                .radius(1.5),
            );
        }
    });
    let times = plot("times", &tr!("graph-ms")).show(ui, |pui| {
        bands_and_lines(
            pui,
            [
                (
                    tr!("graph-kernel", what = "srtt"),
                    &o.srtt_ms,
                    palette::SRTT,
                ),
                (tr!("graph-kernel", what = "rto"), &o.rto_ms, palette::RTO),
            ],
        );
    });
    vec![drawn(bytes), drawn(times)]
}
