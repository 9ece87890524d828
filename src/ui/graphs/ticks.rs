//! Grid marks at round steps from an origin, for the plots whose labels must line up with
//! each other: the side-by-side graphs (each graph's time from its own zero) and the kernel
//! panel (egui_plot's own grid steps by powers of ten only, which leaves a short plot one
//! label, or a dense column of them).

use egui_plot::{AxisHints, GridInput, GridMark};

/// Least distance between two grid lines, in points: what egui_plot's [`GridInput`]'s
/// `base_step_size` is computed for (plots using [`marks`] set it with `grid_spacing`).
pub const GRID_MIN_SPACING: f32 = 8.0;

/// Least distance between two labelled marks on a time axis, in points (its labels, such as
/// `0.10`, are about 30 wide).
pub const X_LABEL_SPACING: f64 = 48.0;

/// Least distance between two labelled marks on a y axis, in points.
pub const Y_LABEL_SPACING: f64 = 36.0;

/// Labelled marks at `origin` plus multiples of a round step (1, 2 or 5 × 10ⁿ) at least
/// `label_points` apart on screen, and finer unlabelled lines between them. Two plots with
/// different origins and the same span and size get the same marks at the same places.
pub fn marks(origin: f64, input: &GridInput, label_points: f64) -> Vec<GridMark> {
    let per_point = input.base_step_size / f64::from(GRID_MIN_SPACING);
    let (b0, b1) = input.bounds;
    if !(per_point > 0.0 && per_point.is_finite() && b1 > b0) {
        return Vec::new();
    }
    let least = per_point * label_points;
    let decade = 10f64.powf(least.log10().floor());
    let (major, parts) = [(1.0, 5.0), (2.0, 4.0), (5.0, 5.0), (10.0, 5.0)]
        .into_iter()
        .map(|(m, parts)| (m * decade, parts))
        .find(|(step, _)| *step >= least * (1.0 - 1e-9))
        .unwrap_or((10.0 * decade, 5.0));
    let minor = major / parts;
    let first = ((b0 - origin) / minor).ceil() as i64;
    let last = ((b1 - origin) / minor).floor() as i64;
    if last - first > 10_000 {
        return Vec::new();
    }
    (first..=last)
        .map(|k| GridMark {
            value: origin + k as f64 * minor,
            step_size: if k % parts as i64 == 0 { major } else { minor },
        })
        .collect()
}

/// A mark's label counted from `origin`, with the decimals its step needs (0.05 s steps:
/// two).
pub fn label(mark: GridMark, origin: f64) -> String {
    let decimals = (-mark.step_size.log10() - 1e-9).ceil().max(0.0) as usize;
    let v = mark.value - origin;
    // No "-0.00" for a zero computed a hair below it.
    let v = if v.abs() < mark.step_size * 1e-6 {
        0.0
    } else {
        v
    };
    format!("{v:.decimals$}")
}

/// An x axis whose labels `text` writes, shown wherever two labelled marks of [`marks`]
/// are [`X_LABEL_SPACING`] apart (egui_plot would fade them out below 80 points) and never
/// at the finer lines between them. Give it to `Plot::custom_x_axes` before setting the
/// axis's title.
pub fn x_axis<'a>(text: impl Fn(GridMark) -> String + 'a) -> AxisHints<'a> {
    AxisHints::new_x()
        .formatter(move |mark, _| text(mark))
        .label_spacing(spacing(X_LABEL_SPACING))
}

/// A y axis labelling the marks of [`marks`] made with [`Y_LABEL_SPACING`], and not the
/// finer lines between them. Give it to `Plot::custom_y_axes` before setting the axis's
/// title and width.
pub fn y_axis<'a>() -> AxisHints<'a> {
    AxisHints::new_y().label_spacing(spacing(Y_LABEL_SPACING))
}

/// Labels fade in from 8 points under `label_points` and are whole from 4 under it: the
/// labelled marks of [`marks`] (at least `label_points` apart) are shown whole, its finer
/// lines (less than half of that apart) not at all.
fn spacing(label_points: f64) -> egui::Rangef {
    let p = label_points as f32;
    egui::Rangef::new(p - 8.0, p - 4.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two graphs 1.53 s apart in the capture, each 400 points wide over the same 0.16 s
    /// span (what the side-by-side row draws): the same labels at the same places.
    #[test]
    fn two_origins_get_the_same_labels_at_the_same_places() {
        let (span, width) = (0.16, 400.0);
        let labelled = |t0: f64| {
            let input = GridInput {
                bounds: (t0 - 0.02 * span, t0 + 1.02 * span),
                base_step_size: 1.04 * span / width * f64::from(GRID_MIN_SPACING),
            };
            let marks = marks(t0, &input, X_LABEL_SPACING);
            let major = marks.iter().map(|m| m.step_size).fold(0.0, f64::max);
            let labels: Vec<(String, f64)> = marks
                .iter()
                .filter(|m| m.step_size == major)
                .map(|m| {
                    (
                        label(*m, t0),
                        (m.value - input.bounds.0) / 1.04 / span * width,
                    )
                })
                .collect();
            (major, labels, marks.len())
        };
        let (step_a, a, lines_a) = labelled(0.5);
        let (step_b, b, lines_b) = labelled(2.03);
        assert_eq!(step_a, step_b);
        assert_eq!(lines_a, lines_b, "the same grid lines");
        // 0.16 s over 400 points: 0.02 s steps, 48 points apart (0.01 s: 24, too close).
        assert!((step_a - 0.02).abs() < 1e-12, "{step_a}");
        let names: Vec<&str> = a.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            names,
            ["0.00", "0.02", "0.04", "0.06", "0.08", "0.10", "0.12", "0.14", "0.16"]
        );
        for ((la, xa), (lb, xb)) in a.iter().zip(&b) {
            assert_eq!(la, lb);
            assert!(
                (xa - xb).abs() < 1e-6,
                "{la}: {xa} and {xb} points into the frame"
            );
        }
        for w in a.windows(2) {
            assert!(w[1].1 - w[0].1 >= X_LABEL_SPACING - 1e-6, "{w:?}");
        }
    }

    #[test]
    fn steps_are_round_and_labels_carry_the_decimals_they_need() {
        let step = |span: f64, points: f64| {
            let input = GridInput {
                bounds: (0.0, span),
                base_step_size: span / 500.0 * f64::from(GRID_MIN_SPACING),
            };
            marks(0.0, &input, points)
                .iter()
                .map(|m| m.step_size)
                .fold(0.0, f64::max)
        };
        // 500 points, labels at least 80 apart: at most 6 intervals.
        assert!((step(0.16, 80.0) - 0.05).abs() < 1e-12);
        assert!((step(1.0, 80.0) - 0.2).abs() < 1e-12);
        assert!((step(30.0, 80.0) - 5.0).abs() < 1e-9);
        // A byte axis of 130 000 over 500 points, labels 36 apart: 10 000.
        assert!((step(130_000.0, 36.0) - 10_000.0).abs() < 1e-6);
        let mark = |value: f64, step_size: f64| GridMark { value, step_size };
        assert_eq!(label(mark(1.25, 0.05), 1.0), "0.25");
        assert_eq!(label(mark(12.0, 2.0), 2.0), "10");
        assert_eq!(label(mark(0.999_999_999_9, 0.1), 1.0), "0.0");
        // Nothing for a degenerate axis.
        let flat = GridInput {
            bounds: (1.0, 1.0),
            base_step_size: 0.0,
        };
        assert!(marks(0.0, &flat, 40.0).is_empty());
    }
}
