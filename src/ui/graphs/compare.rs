//! Side by side: the time-sequence graphs of a capture's TCP connections next to each other,
//! on the same scales (each graph's time counted from its own connection's first packet, one
//! sequence range for all), each with the kernel's lines and the verdict bands. It is the view
//! of the `cc-compare` lesson, where each connection made the same transfer with another
//! congestion control algorithm, and works for any capture of similar transfers.
//!
//! [`build`] is pure (the graphs' series and the shared scales); [`show`] draws them.

use std::sync::Arc;

use egui::{Pos2, Rect};
use egui_plot::{Legend, Plot, PlotTransform};

use super::kernel::{self, KernelOverlay};
use super::kernel_view::{self, cause_text, OverlayToggles};
use super::model::{self, SeqModel};
use super::ticks;
use super::GraphKind;
use crate::analysis::{Direction, FlowProto};
use crate::i18n::tr;
use crate::ui::selection::ConnRef;
use crate::ui::store::StoreData;

/// Most graphs in the row (the first connections by stream number).
pub const MAX_COMPARED: usize = 6;

/// One connection's graph in the row.
#[derive(Debug, Clone)]
pub struct Compared {
    /// The connection.
    pub conn: ConnRef,
    /// The direction graphed: the one that carried more data.
    pub dir: Direction,
    /// Its series.
    pub model: Arc<SeqModel>,
    /// Its kernel lines and verdict.
    pub overlay: Arc<KernelOverlay>,
    /// Its zero on the time axis: the connection's first packet, seconds since the
    /// capture's first.
    pub t0: f64,
}

/// The graphs of the row and their shared scales.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// One per connection, by stream number.
    pub graphs: Vec<Compared>,
    /// The longest connection's duration to its last segment or ACK, seconds: every graph
    /// shows this much time from its zero.
    pub span: f64,
    /// The highest sequence number reached by any graph's data (segments, and the ACKs in
    /// a tcptrace graph): every graph's y axis runs from 0 to a little above this. The
    /// receive window's and the kernel's lines run off the top where they go higher (a
    /// window far ahead of the data would squash the transfers into the bottom).
    pub top: f64,
}

/// The first TCP connections that carried data, by stream number (at most
/// [`MAX_COMPARED`]; the search stops there, so a capture of a million connections costs
/// no more).
pub fn candidates(data: &StoreData) -> Vec<ConnRef> {
    let mut out: Vec<ConnRef> = data
        .connections
        .iter()
        .filter(|c| c.proto == FlowProto::Tcp && c.bytes.iter().sum::<u64>() > 0)
        .map(|c| ConnRef {
            proto: c.proto,
            stream: c.stream,
        })
        .take(MAX_COMPARED)
        .collect();
    out.sort_by_key(|c| c.stream);
    out
}

/// Whether the capture asks to be seen side by side at first: a `cc-compare` run.
pub fn wanted_at_first(data: &StoreData) -> bool {
    data.calls
        .as_ref()
        .is_some_and(|t| t.scenario == "cc-compare")
        && candidates(data).len() > 1
}

/// The row's graphs up to the replay cursor `until` (store index; `None`: all), for a
/// Stevens (`with_acks` false) or tcptrace graph.
pub fn build(data: &StoreData, until: Option<usize>, with_acks: bool) -> Comparison {
    let first_ns = data.first_ts.map_or(0, |t| t.as_nanos());
    let mut c = Comparison::default();
    for conn in candidates(data) {
        let dir = model::busiest_direction(data, conn);
        let m = model::build(data, conn, dir, until);
        let Some((_, x1, _, y1)) = m.data_extent(with_acks) else {
            continue;
        };
        let overlay = kernel::build(data, conn, dir, until, &m);
        let t0 = data
            .connection(conn.proto, conn.stream)
            .and_then(|k| k.first_ts)
            .map_or(0.0, |t| (t.as_nanos() - first_ns) as f64 / 1e9);
        c.top = c.top.max(y1);
        c.span = c.span.max(x1 - t0);
        c.graphs.push(Compared {
            conn,
            dir,
            model: Arc::new(m),
            overlay: Arc::new(overlay),
            t0,
        });
    }
    c
}

impl Comparison {
    /// Graph `i`'s plot bounds: [x0, x1, y0, y1] (its zero and the shared span and top, with
    /// a small margin).
    pub fn bounds(&self, i: usize) -> Option<[f64; 4]> {
        let g = self.graphs.get(i)?;
        let span = self.span.max(1e-6);
        let top = self.top.max(1.0);
        Some([
            g.t0 - 0.02 * span,
            g.t0 + 1.02 * span,
            -0.02 * top,
            1.05 * top,
        ])
    }
}

/// One graph's header: its stream, the sender's algorithm, what limited it most.
pub fn header(g: &Compared) -> String {
    let o = &g.overlay;
    let main = o.verdict.as_ref().and_then(|v| {
        let c = v.totals.main()?;
        Some(format!("{} {:.3} s", cause_text(c), v.totals.seconds(c)))
    });
    tr!(
        "graph-compare-header",
        stream = g.conn.stream,
        dir = g.dir.short(),
        algorithm = o
            .congestion
            .clone()
            .unwrap_or_else(|| tr!("graph-compare-no-algorithm")),
        limited = main.unwrap_or_default()
    )
}

/// Where each graph was drawn last frame, for the tests and for hit-testing.
#[derive(Debug, Clone, Default)]
pub struct Drawn {
    /// Per graph: its connection, the plot's frame and its transform.
    pub frames: Vec<(ConnRef, Rect, PlotTransform)>,
}

impl Drawn {
    /// Where plot value (x, y) of graph `i` was on screen.
    pub fn screen_pos(&self, i: usize, x: f64, y: f64) -> Option<Pos2> {
        let (_, _, t) = self.frames.get(i)?;
        Some(t.position_from_point(&egui_plot::PlotPoint::new(x, y)))
    }
}

/// Draws the row: one column per graph, header over each. Returns the connection whose
/// graph was clicked (the window selects it and shows it alone).
pub fn show(
    ui: &mut egui::Ui,
    c: &Comparison,
    kind: GraphKind,
    toggles: OverlayToggles,
    drawn: &mut Drawn,
) -> Option<ConnRef> {
    drawn.frames.clear();
    let mut clicked = None;
    let n = c.graphs.len();
    if n == 0 {
        return None;
    }
    let height = (ui.available_height() - 3.0 * ui.spacing().interact_size.y).max(200.0);
    ui.columns(n, |cols| {
        for (i, (col, g)) in cols.iter_mut().zip(&c.graphs).enumerate() {
            let Some([x0, x1, y0, y1]) = c.bounds(i) else {
                continue;
            };
            col.label(egui::RichText::new(header(g)).strong());
            let t0 = g.t0;
            let plot = Plot::new(("synack_compare", i))
                .height(height)
                .default_x_bounds(x0, x1)
                .default_y_bounds(y0, y1)
                .allow_drag(false)
                .allow_zoom(false)
                .allow_scroll(false)
                .allow_boxed_zoom(false)
                .allow_double_click_reset(false)
                .show_x(false)
                .show_y(false)
                .label_formatter(|_| None)
                .custom_x_axes(vec![ticks::x_axis(move |mark| ticks::label(mark, t0))])
                .custom_y_axes(vec![ticks::y_axis()])
                .x_axis_label(tr!("graph-compare-x"))
                // The same axes in every graph, so their frames are the same size.
                .y_axis_label(kind.y_label())
                .y_axis_min_width(kernel_view::Y_AXIS_WIDTH)
                .grid_spacing(egui::Rangef::new(ticks::GRID_MIN_SPACING, 300.0))
                // Time labels from each graph's own zero, at the same places in every
                // graph; sequence labels at round steps far enough apart to read.
                .x_grid_spacer(move |input| ticks::marks(t0, &input, ticks::X_LABEL_SPACING))
                .y_grid_spacer(|input| ticks::marks(0.0, &input, ticks::Y_LABEL_SPACING))
                // Each graph's own legend: its kernel lines carry its own algorithm.
                .legend(Legend::default().position(egui_plot::Corner::LeftTop));
            let (m, o) = (g.model.clone(), g.overlay.clone());
            let resp = plot.show(col, move |pui| {
                if toggles.verdict {
                    kernel_view::add_bands(pui, &o);
                }
                super::add_items(pui, &m, kind, x0, x1);
                if toggles.kernel {
                    kernel_view::add_reach_lines(pui, &o, x0, x1);
                }
            });
            let t = resp.transform;
            if kind == GraphKind::Tcptrace {
                super::paint_tcptrace(&col.painter_at(*t.frame()), &g.model, &|x, y| {
                    t.position_from_point(&egui_plot::PlotPoint::new(x, y))
                });
            }
            drawn.frames.push((g.conn, *t.frame(), t));
            if resp.response.clicked() {
                clicked = Some(g.conn);
            }
        }
    });
    clicked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(stream: u32, t0: f64) -> Compared {
        Compared {
            conn: ConnRef::tcp(stream),
            dir: Direction::ClientToServer,
            model: Arc::new(SeqModel::default()),
            overlay: Arc::new(KernelOverlay::default()),
            t0,
        }
    }

    #[test]
    fn every_graph_shows_the_same_span_from_its_own_zero() {
        let c = Comparison {
            graphs: vec![graph(0, 0.5), graph(1, 2.0)],
            span: 1.0,
            top: 1000.0,
        };
        let (a, b) = (c.bounds(0).unwrap(), c.bounds(1).unwrap());
        assert!((a[1] - a[0] - (b[1] - b[0])).abs() < 1e-12, "same width");
        assert!((a[0] - (0.5 - 0.02)).abs() < 1e-12 && (b[0] - (2.0 - 0.02)).abs() < 1e-12);
        assert_eq!([a[2], a[3]], [b[2], b[3]], "same sequence range");
        assert!(c.bounds(2).is_none());
    }
}
