//! The clock offset between the two capture points, from segments seen at both.
//!
//! A segment travelling from A to B is stamped `ta` by A's clock and `tb` by B's, so
//! `tb − ta = delay(A→B) + θ`, where θ is how far B's clock is ahead of A's; one travelling
//! the other way gives `ta − tb = delay(B→A) − θ`. The smallest of each (the packets that
//! met no queue) are `m₁ = d₁ + θ` and `m₂ = d₂ − θ`, so, as NTP does,
//! `θ = (m₁ − m₂) / 2` exactly when the fastest trip takes as long each way (`d₁ = d₂`).
//!
//! What this assumes, and what breaks it:
//! - the minimum one-way delay is the same in both directions; an asymmetric path (a slow
//!   uplink, a longer route back) shifts θ by half the difference, and every one-way delay
//!   by as much, in opposite senses for the two directions (round trips stay exact);
//! - the offset is constant over the captures: the clocks do not drift. The estimate is
//!   also made over the first and the last quarter of the matched segments, and their
//!   difference reported ([`ClockEstimate::drift_ns`]) so a drift does not go unnoticed;
//! - at least one segment each way met no queue, which any TCP connection's handshake and
//!   ACKs provide.
//!
//! Which capture point is on the client's side comes first, and needs no clock: seen from
//! A, `tb − ta` of the client's segments exceeds that of the server's segments by the sum of
//! both one-way delays when A is on the client's side, and falls short of it otherwise.

use super::tap::TapId;
use crate::analysis::Direction;

/// One segment seen at both capture points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation {
    /// Index of the connection pair.
    pub conn: usize,
    /// Direction, in A's orientation of the connection.
    pub dir: Direction,
    /// Capture time at A (ns, A's clock).
    pub ta: i64,
    /// Capture time at B (ns, B's clock).
    pub tb: i64,
}

/// Where the offset came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockBasis {
    /// Estimated from segments matched in both directions.
    Measured,
    /// Given by the user (`--offset`).
    Given,
    /// No segment was matched in both directions: the clocks are assumed equal.
    Assumed,
}

impl ClockBasis {
    /// `measured`, `given` or `assumed`.
    pub fn name(self) -> &'static str {
        match self {
            ClockBasis::Measured => "measured",
            ClockBasis::Given => "given",
            ClockBasis::Assumed => "assumed",
        }
    }
}

/// The clock offset between the capture points and what it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockEstimate {
    /// B's clock minus A's, in ns: subtract it from B's timestamps to read them on A's clock.
    pub offset_ns: i64,
    /// Where it came from.
    pub basis: ClockBasis,
    /// Segments seen at both points travelling A→B and B→A.
    pub pairs: [usize; 2],
    /// The smallest one-way delay A→B and B→A after the offset (equal to each other when
    /// measured: that is the assumption).
    pub min_one_way_ns: [Option<i64>; 2],
    /// Offset over the last quarter of the matched segments minus the offset over the first
    /// quarter, when both quarters have segments both ways: far from zero, the clocks drift.
    pub drift_ns: Option<i64>,
    /// Time between the middles of those two quarters (ns, A's clock).
    pub drift_span_ns: Option<i64>,
}

/// Per connection pair: is A on the client's side (A sees the client's segments first)?
/// `None` when no segment of the connection was seen at both points.
pub type Sides = Vec<Option<bool>>;

/// Travel of a segment: 0 for A→B (B downstream), 1 for B→A.
fn travel(a_client_side: bool, dir: Direction) -> usize {
    usize::from((dir == Direction::ClientToServer) != a_client_side)
}

/// The capture point a segment passes first.
pub fn upstream(a_client_side: bool, dir: Direction) -> TapId {
    if travel(a_client_side, dir) == 0 {
        TapId::A
    } else {
        TapId::B
    }
}

fn median(v: &mut [i64]) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    Some(v[v.len() / 2])
}

/// The minimum trip time each way, `(tb − ta)` for A→B and `(ta − tb)` for B→A, over `obs`.
fn minima(obs: &[Observation], sides: &Sides) -> [Option<i64>; 2] {
    let mut m = [None, None];
    for o in obs {
        let Some(Some(side)) = sides.get(o.conn) else {
            continue;
        };
        let t = travel(*side, o.dir);
        let d = if t == 0 { o.tb - o.ta } else { o.ta - o.tb };
        m[t] = Some(m[t].map_or(d, |x: i64| x.min(d)));
    }
    m
}

/// Which side A is on, per connection pair, and the offset (given, or estimated from `obs`).
pub fn estimate(obs: &[Observation], conns: usize, given: Option<i64>) -> (ClockEstimate, Sides) {
    // Sides from connections matched both ways: no clock needed.
    let mut diffs: Vec<[Vec<i64>; 2]> = vec![[Vec::new(), Vec::new()]; conns];
    for o in obs {
        if let Some(d) = diffs.get_mut(o.conn) {
            d[o.dir.index()].push(o.tb - o.ta);
        }
    }
    let mut sides: Sides = diffs
        .iter_mut()
        .map(|[c2s, s2c]| match (median(c2s), median(s2c)) {
            (Some(x), Some(y)) => Some(x >= y),
            _ => None,
        })
        .collect();
    let m = minima(obs, &sides);
    let (offset_ns, basis) = match (given, m) {
        (Some(g), _) => (g, ClockBasis::Given),
        (None, [Some(ab), Some(ba)]) => ((ab - ba) / 2, ClockBasis::Measured),
        _ => (0, ClockBasis::Assumed),
    };
    // Connections seen one way only: the sign of the corrected difference says which way.
    for (side, d) in sides.iter_mut().zip(&mut diffs) {
        if side.is_some() {
            continue;
        }
        if let Some(x) = median(&mut d[0]) {
            *side = Some(x - offset_ns >= 0);
        } else if let Some(y) = median(&mut d[1]) {
            *side = Some(y - offset_ns < 0);
        }
    }
    let m = minima(obs, &sides);
    let mut pairs = [0, 0];
    for o in obs {
        if let Some(Some(side)) = sides.get(o.conn) {
            pairs[travel(*side, o.dir)] += 1;
        }
    }
    let (drift_ns, drift_span_ns) = drift(obs, &sides).unzip();
    let estimate = ClockEstimate {
        offset_ns,
        basis,
        pairs,
        min_one_way_ns: [m[0].map(|x| x - offset_ns), m[1].map(|x| x + offset_ns)],
        drift_ns,
        drift_span_ns,
    };
    (estimate, sides)
}

/// The offset over the last quarter of `obs` (by A's time) minus the offset over the first
/// quarter, and the time between the quarters' middles.
fn drift(obs: &[Observation], sides: &Sides) -> Option<(i64, i64)> {
    if obs.len() < 8 {
        return None;
    }
    let mut sorted = obs.to_vec();
    sorted.sort_by_key(|o| o.ta);
    let q = sorted.len() / 4;
    let (first, last) = (&sorted[..q], &sorted[sorted.len() - q..]);
    let offset = |part: &[Observation]| match minima(part, sides) {
        [Some(ab), Some(ba)] => Some((ab - ba) / 2),
        _ => None,
    };
    let mid = |part: &[Observation]| (part[0].ta + part[part.len() - 1].ta) / 2;
    Some((offset(last)? - offset(first)?, mid(last) - mid(first)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const C2S: Direction = Direction::ClientToServer;
    const S2C: Direction = Direction::ServerToClient;

    fn obs(dir: Direction, ta: i64, tb: i64) -> Observation {
        Observation {
            conn: 0,
            dir,
            ta,
            tb,
        }
    }

    #[test]
    fn offset_is_half_the_difference_of_the_minima() {
        // B's clock is 5 000 ns ahead; 1 000 ns each way at best, queues add more.
        let theta = 5_000;
        let v = vec![
            obs(C2S, 0, 1_000 + theta),
            obs(S2C, 10_000 + 1_000, 10_000 + theta),
            obs(C2S, 20_000, 20_000 + 3_000 + theta),
            obs(S2C, 30_000 + 7_000, 30_000 + theta),
        ];
        let (e, sides) = estimate(&v, 1, None);
        assert_eq!(sides, vec![Some(true)]);
        assert_eq!(e.basis, ClockBasis::Measured);
        assert_eq!(e.offset_ns, theta);
        assert_eq!(e.min_one_way_ns, [Some(1_000), Some(1_000)]);
        assert_eq!(e.pairs, [2, 2]);
    }

    #[test]
    fn a_on_the_server_side_is_recognised_whatever_the_offset() {
        // A sits next to the server: client segments reach B first. B's clock is 3 s behind.
        let theta = -3_000_000_000;
        let v = vec![
            obs(C2S, 2_000, theta),           // B at 0, A 2 µs later
            obs(S2C, 10_000, 12_000 + theta), // A at 10 µs, B 2 µs later
        ];
        let (e, sides) = estimate(&v, 1, None);
        assert_eq!(sides, vec![Some(false)]);
        assert_eq!(e.offset_ns, theta);
        assert_eq!(e.min_one_way_ns, [Some(2_000), Some(2_000)]);
    }

    #[test]
    fn one_direction_only_assumes_equal_clocks() {
        let v = vec![obs(C2S, 0, 4_000), obs(C2S, 100, 4_200)];
        let (e, sides) = estimate(&v, 1, None);
        assert_eq!(e.basis, ClockBasis::Assumed);
        assert_eq!(e.offset_ns, 0);
        assert_eq!(sides, vec![Some(true)]);
        let (g, _) = estimate(&v, 1, Some(1_000));
        assert_eq!((g.basis, g.offset_ns), (ClockBasis::Given, 1_000));
        assert_eq!(g.min_one_way_ns[0], Some(3_000));
    }

    #[test]
    fn drifting_clocks_are_reported() {
        // B gains 1 µs per 100 µs of A time (10 000 ppm, to be visible with few points).
        let mut v = Vec::new();
        for i in 0..40i64 {
            let t = i * 100_000;
            let theta = i * 1_000;
            v.push(obs(C2S, t, t + 2_000 + theta));
            v.push(obs(S2C, t + 50_000, t + 50_000 - 2_000 + theta));
        }
        let (e, _) = estimate(&v, 1, None);
        let drift = e.drift_ns.expect("both quarters have both directions");
        let span = e.drift_span_ns.expect("span");
        // 30 points of 40 apart: about 30 µs over 3 ms.
        assert!((drift - span / 100).abs() <= 1_000, "{drift} over {span}");
    }
}
