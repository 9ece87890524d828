//! The ladder's time axis: linear wherever a segment is on its way, with long idle stretches
//! (nothing in flight anywhere) squeezed to a short break, so that a pause of the
//! application does not leave screens of empty ladder between the handshake and the data.
//! Every arrow lies within a busy stretch, so its slope is still its measured delay.

/// Idle stretches taller than this at the default scale (zoom 1) are squeezed, at any zoom:
/// zooming in spreads a burst without squeezing the pauses between bursts.
pub(super) const SQUEEZE_OVER: f32 = 120.0;
/// Height of a squeezed stretch (px).
pub const BREAK_PX: f32 = 36.0;

/// A squeezed idle stretch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// Figure y where it starts.
    pub y: f32,
    /// How long nothing was on its way (ns).
    pub idle_ns: i64,
}

/// Time (A's clock, ns) to figure y.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TimeAxis {
    /// y of `t0`.
    top: f32,
    /// Earliest time.
    t0: i64,
    /// Pixels per ns within busy stretches.
    px_per_ns: f64,
    /// Squeezed stretches `(start, end)` in time order, with their breaks.
    gaps: Vec<(i64, i64, Break)>,
}

impl TimeAxis {
    /// The axis of `spans` (each a `(start, end)` time something was on its way), `t0` at
    /// `top`, `px_per_ns` where something is; idle stretches longer than `squeeze_ns` are
    /// squeezed.
    pub(super) fn new(
        mut spans: Vec<(i64, i64)>,
        t0: i64,
        top: f32,
        px_per_ns: f64,
        squeeze_ns: i64,
    ) -> TimeAxis {
        spans.sort_unstable();
        let mut axis = TimeAxis {
            top,
            t0,
            px_per_ns,
            gaps: Vec::new(),
        };
        let mut busy_until: Option<i64> = None;
        for (start, end) in spans {
            if let Some(until) = busy_until {
                let idle = start - until;
                if idle > squeeze_ns && idle as f64 * px_per_ns > f64::from(BREAK_PX) {
                    let y = axis.y(until);
                    axis.gaps.push((until, start, Break { y, idle_ns: idle }));
                }
            }
            busy_until = Some(busy_until.map_or(end, |u| u.max(end)));
        }
        axis
    }

    /// The figure y of time `t`: linear inside busy stretches, proportional inside a break.
    pub(super) fn y(&self, t: i64) -> f32 {
        let mut removed = 0.0f64;
        for (start, end, _) in &self.gaps {
            if t <= *start {
                break;
            }
            let full = (*end - *start) as f64 * self.px_per_ns;
            if t < *end {
                // Inside the break: spread over its height.
                let into = (t - start) as f64 / (end - start) as f64;
                let linear = (t - self.t0) as f64 * self.px_per_ns - removed;
                let at_start = linear - (t - start) as f64 * self.px_per_ns;
                return self.top + (at_start + into * f64::from(BREAK_PX)) as f32;
            }
            removed += full - f64::from(BREAK_PX);
        }
        self.top + ((t - self.t0) as f64 * self.px_per_ns - removed) as f32
    }

    /// The squeezed stretches.
    pub(super) fn breaks(&self) -> impl Iterator<Item = &Break> {
        self.gaps.iter().map(|(_, _, b)| b)
    }
}

/// How long something was on its way in `spans` (the length of their union, ns).
pub(super) fn busy_ns(spans: &[(i64, i64)]) -> i64 {
    let mut sorted = spans.to_vec();
    sorted.sort_unstable();
    let mut total = 0;
    let mut current: Option<(i64, i64)> = None;
    for (start, end) in sorted {
        match &mut current {
            Some((_, e)) if start <= *e => *e = (*e).max(end),
            _ => {
                if let Some((s, e)) = current {
                    total += e - s;
                }
                current = Some((start, end));
            }
        }
    }
    total + current.map_or(0, |(s, e)| e - s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: i64 = 1_000_000;

    #[test]
    fn busy_stretches_stay_linear_and_a_long_idle_one_is_squeezed() {
        // 1 px per µs: a 50 ms pause between two busy stretches of 2 ms.
        let px = 1.0 / 1_000.0;
        let axis = TimeAxis::new(vec![(0, 2 * MS), (52 * MS, 54 * MS)], 0, 10.0, px, MS);
        assert_eq!(axis.y(0), 10.0);
        assert!((axis.y(MS) - 1010.0).abs() < 1e-3);
        let b: Vec<_> = axis.breaks().copied().collect();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].idle_ns, 50 * MS);
        assert!((b[0].y - 2010.0).abs() < 1e-3);
        // After the break: its height, then linear again at the same scale.
        assert!((axis.y(52 * MS) - (2010.0 + BREAK_PX)).abs() < 1e-3);
        let slope = axis.y(53 * MS) - axis.y(52 * MS);
        assert!((slope - 1000.0).abs() < 1e-3);
        // Monotonic through the break.
        let ys: Vec<f32> = (0..=54).map(|k| axis.y(k * MS)).collect();
        assert!(ys.windows(2).all(|w| w[0] <= w[1]), "{ys:?}");
    }

    #[test]
    fn short_pauses_and_overlapping_spans_are_not_squeezed() {
        let px = 1.0 / 1_000.0;
        // A 100 µs pause under the 120 µs threshold; spans overlapping one another.
        let axis = TimeAxis::new(
            vec![(0, 5 * MS), (MS, 3 * MS), (5 * MS + 100_000, 6 * MS)],
            0,
            0.0,
            px,
            120_000,
        );
        assert_eq!(axis.breaks().count(), 0);
        assert_eq!(
            busy_ns(&[(0, 5 * MS), (MS, 3 * MS), (5 * MS + 100_000, 6 * MS)]),
            5 * MS + 900_000
        );
        assert!((axis.y(6 * MS) - 6000.0).abs() < 1e-3);
    }
}
