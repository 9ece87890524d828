//! The result of pairing two captures: one row per segment with its one-way delay and fate,
//! and per connection the delay percentiles and loss counts of each direction.

use std::net::SocketAddr;

use super::clock::{upstream, ClockEstimate};
use super::connections::ConnMatch;
use super::fate::{DirView, Fate};
use super::segments::{DirMatch, MatchHow};
use super::tap::{TapCapture, TapId, TapSegment};
use crate::analysis::Direction;
use crate::decode::TcpFlags;

/// One segment: where each capture point saw it and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentRow {
    /// Direction, in A's orientation of the connection.
    pub dir: Direction,
    /// The capture point it passes first.
    pub upstream: TapId,
    /// Its frame in A (the first copy, when A saw several).
    pub frame_a: Option<u64>,
    /// Its frame in B (the first copy).
    pub frame_b: Option<u64>,
    /// Further frames in A: duplicates, or the pieces it was cut into.
    pub more_frames_a: Vec<u64>,
    /// Further frames in B.
    pub more_frames_b: Vec<u64>,
    /// Capture time at A (ns, A's clock).
    pub ts_a: Option<i64>,
    /// Capture time at B (ns, B's clock).
    pub ts_b: Option<i64>,
    /// When it passed (or, lost before it, should have passed) the upstream point, on A's
    /// clock (ns): rows are in this order.
    pub time: i64,
    /// Relative sequence number (A's numbering).
    pub seq: u32,
    /// Relative acknowledgment number (A's numbering; 0 without ACK).
    pub ack: u32,
    /// Payload length (for a hole: the bytes missing).
    pub len: u32,
    /// TCP flags (none for a hole).
    pub flags: TcpFlags,
    /// Downstream time minus upstream time, B's timestamps moved onto A's clock (ns).
    pub one_way_ns: Option<i64>,
    /// What happened to it.
    pub fate: Fate,
    /// How the copies were recognised.
    pub how: Option<MatchHow>,
}

impl SegmentRow {
    /// The fate as printed ("lost between A and B", "lost before A", ...).
    pub fn fate_label(&self) -> String {
        self.fate.label(self.upstream)
    }

    /// The fate in the reader's language ([`Fate::message`]).
    pub fn fate_text(&self) -> String {
        self.fate.message(self.upstream).text()
    }
}

/// Percentiles of the one-way delays of one direction (ns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DelayStats {
    /// Delays measured.
    pub n: usize,
    /// Smallest.
    pub min: i64,
    /// Median.
    pub p50: i64,
    /// 90th percentile.
    pub p90: i64,
    /// 99th percentile.
    pub p99: i64,
    /// Largest.
    pub max: i64,
}

impl DelayStats {
    /// Nearest-rank percentiles of `delays` (sorted here); `None` when empty.
    pub fn of(delays: &mut [i64]) -> Option<DelayStats> {
        if delays.is_empty() {
            return None;
        }
        delays.sort_unstable();
        let rank = |p: usize| delays[(delays.len() * p).div_ceil(100).clamp(1, delays.len()) - 1];
        Some(DelayStats {
            n: delays.len(),
            min: delays[0],
            p50: rank(50),
            p90: rank(90),
            p99: rank(99),
            max: delays[delays.len() - 1],
        })
    }
}

/// One direction of a connection, summed up.
#[derive(Debug, Clone, PartialEq)]
pub struct DirSummary {
    /// The capture point this direction passes first.
    pub upstream: TapId,
    /// Rows per fate, indexed like [`Fate::ALL`].
    pub fates: [usize; Fate::ALL.len()],
    /// One-way delays.
    pub delay: Option<DelayStats>,
}

impl DirSummary {
    /// Rows with fate `f`.
    pub fn count(&self, f: Fate) -> usize {
        self.fates[Fate::ALL.iter().position(|&x| x == f).unwrap_or(0)]
    }
}

/// A connection as one capture point saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnSide {
    /// Stream number in that file.
    pub stream: u32,
    /// The client (originator, in A's orientation) as seen there.
    pub client: SocketAddr,
    /// The server as seen there.
    pub server: SocketAddr,
}

/// One connection seen at both capture points.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedConnection {
    /// How it was recognised.
    pub matched: ConnMatch,
    /// As A saw it.
    pub a: ConnSide,
    /// As B saw it (client and server in A's orientation).
    pub b: ConnSide,
    /// A is on the client's side of B (the client's segments pass A first); `None` when no
    /// segment was seen at both points (then A is taken to be on the client's side).
    pub a_client_side: Option<bool>,
    /// The clock offset this connection alone gives (B minus A, ns), when it has segments
    /// matched both ways: a check on [`ClockEstimate::offset_ns`], which the delays use.
    pub own_offset_ns: Option<i64>,
    /// Segments, by the time they passed the upstream point.
    pub rows: Vec<SegmentRow>,
    /// Client→server and server→client summaries.
    pub dirs: [DirSummary; 2],
}

/// Everything `synack pair` finds.
#[derive(Debug, Clone, PartialEq)]
pub struct PairReport {
    /// The clock offset between the capture points.
    pub clock: ClockEstimate,
    /// Connections seen at both points, in A's stream order.
    pub connections: Vec<PairedConnection>,
    /// Connections only A saw.
    pub only_a: Vec<ConnSide>,
    /// Connections only B saw.
    pub only_b: Vec<ConnSide>,
}

impl PairReport {
    /// Index of the connection with the most losses (the first of those with as many): the
    /// one to show first, since that is what one looks for.
    pub fn most_lost(&self) -> Option<usize> {
        let n = self.connections.len();
        (0..n).rev().max_by_key(|&i| self.connections[i].losses())
    }
}

impl PairedConnection {
    /// Rows lost anywhere (before, between or after the points).
    pub fn losses(&self) -> usize {
        self.rows.iter().filter(|r| r.fate.is_loss()).count()
    }
}

/// Everything the rows of one connection pair are built from.
pub(super) struct ConnInput<'a> {
    pub a: &'a TapCapture,
    pub b: &'a TapCapture,
    pub matched: &'a ConnMatch,
    pub dirs: &'a [DirMatch; 2],
    pub a_client_side: Option<bool>,
    pub offset_ns: i64,
    /// Typical one-way delay A→B and B→A (ns).
    pub typical_ns: [i64; 2],
}

/// Relative numbering of A's connection: (seq base, ack base) per direction, from A's
/// segments (raw minus relative).
fn a_bases(a: &TapCapture, dirs: &[DirMatch; 2]) -> [(Option<u32>, Option<u32>); 2] {
    let mut out = [(None, None); 2];
    for (k, dm) in dirs.iter().enumerate() {
        for &i in &dm.a {
            let s = &a.segments[i as usize];
            out[k].0.get_or_insert(s.seq.wrapping_sub(s.rel_seq));
            if s.has_ack() {
                out[k].1.get_or_insert(s.ack.wrapping_sub(s.rel_ack));
            }
        }
    }
    out
}

impl ConnInput<'_> {
    fn tap(&self, t: TapId) -> &TapCapture {
        match t {
            TapId::A => self.a,
            TapId::B => self.b,
        }
    }

    /// A capture time moved onto A's clock.
    fn on_a(&self, t: TapId, ts: i64) -> i64 {
        match t {
            TapId::A => ts,
            TapId::B => ts - self.offset_ns,
        }
    }

    /// A capture point's span on A's clock.
    fn span_on_a(&self, t: TapId) -> Option<(i64, i64)> {
        self.tap(t)
            .span
            .map(|(x, y)| (self.on_a(t, x), self.on_a(t, y)))
    }

    /// The connection and direction of A's direction `dir` at capture point `t`.
    fn conn_dir(&self, t: TapId, dir: Direction) -> (usize, Direction) {
        match t {
            TapId::A => (self.matched.a, dir),
            TapId::B => (self.matched.b, self.matched.b_dir(dir)),
        }
    }

    /// Builds the rows and summaries of both directions.
    pub(super) fn build(&self) -> (Vec<SegmentRow>, [DirSummary; 2]) {
        let bases = a_bases(self.a, self.dirs);
        let mut rows = Vec::new();
        let mut sums = Vec::new();
        for dir in [Direction::ClientToServer, Direction::ServerToClient] {
            let start = rows.len();
            self.build_dir(dir, &bases, &mut rows);
            let mut fates = [0; Fate::ALL.len()];
            let mut delays = Vec::new();
            for r in &rows[start..] {
                if let Some(k) = Fate::ALL.iter().position(|&f| f == r.fate) {
                    fates[k] += 1;
                }
                delays.extend(r.one_way_ns);
            }
            sums.push(DirSummary {
                upstream: upstream(self.a_client_side.unwrap_or(true), dir),
                fates,
                delay: DelayStats::of(&mut delays),
            });
        }
        rows.sort_by_key(|r| r.time);
        let [c2s, s2c]: [DirSummary; 2] = sums.try_into().expect("two directions");
        (rows, [c2s, s2c])
    }

    /// The rows of direction `dir`: every segment seen upstream (its fate decided by what
    /// the downstream point saw), those seen downstream only, and the bytes neither saw.
    fn build_dir(
        &self,
        dir: Direction,
        bases: &[(Option<u32>, Option<u32>); 2],
        rows: &mut Vec<SegmentRow>,
    ) {
        let (pass, downs, down_paired) = DirPass::new(self, dir, bases[dir.index()]);
        let start = rows.len();
        let arrivals = pass.upstream_rows(&downs, rows);
        mark_overtaken(&mut rows[start..], &arrivals);
        let down_only = pass.downstream_only_rows(&down_paired, rows);
        pass.hole_rows(&down_only, rows);
    }
}

/// Each upstream segment's downstream copies, earliest first: (position downstream, how
/// matched).
type Copies = Vec<Vec<(usize, MatchHow)>>;

/// One direction of a matched connection, seen from its upstream capture point (the one
/// its segments pass first): what each step of [`ConnInput::build_dir`] reads.
struct DirPass<'a> {
    input: &'a ConnInput<'a>,
    dir: Direction,
    dm: &'a DirMatch,
    up: TapId,
    down: TapId,
    /// The typical one-way delay from `up` to `down` (ns).
    typical: i64,
    /// Downstream unwrapped sequence numbers minus upstream ones.
    shift: i64,
    /// A's relative numbering of this direction (seq base, ack base).
    base: (Option<u32>, Option<u32>),
    up_view: DirView<'a>,
    down_view: DirView<'a>,
}

impl<'a> DirPass<'a> {
    /// The pass over `dir`, with every upstream segment's downstream copies and which
    /// downstream segments were paired at all.
    fn new(
        input: &'a ConnInput<'a>,
        dir: Direction,
        base: (Option<u32>, Option<u32>),
    ) -> (DirPass<'a>, Copies, Vec<bool>) {
        let dm = &input.dirs[dir.index()];
        let up = upstream(input.a_client_side.unwrap_or(true), dir);
        let down = up.other();
        let view = |t: TapId| {
            let (conn, d) = input.conn_dir(t, dir);
            DirView::new(input.tap(t), conn, d)
        };
        let mut pass = DirPass {
            input,
            dir,
            dm,
            up,
            down,
            typical: input.typical_ns[usize::from(up == TapId::B)],
            shift: 0,
            base,
            up_view: view(up),
            down_view: view(down),
        };
        let mut downs: Copies = vec![Vec::new(); pass.list(up).len()];
        let mut down_paired = vec![false; pass.list(down).len()];
        let mut shift = None;
        for &(x, y, how) in &dm.pairs {
            let (u, d) = match up {
                TapId::A => (x as usize, y as usize),
                TapId::B => (y as usize, x as usize),
            };
            downs[u].push((d, how));
            down_paired[d] = true;
            if how != MatchHow::Resegmented && shift.is_none() {
                shift = Some(pass.seg(down, d).useq - pass.seg(up, u).useq);
            }
        }
        for v in &mut downs {
            v.sort_by_key(|&(d, _)| pass.seg(down, d).ts);
        }
        pass.shift = shift.unwrap_or(0);
        (pass, downs, down_paired)
    }

    /// Capture point `t`'s segments in this direction (indices into its segment table).
    fn list(&self, t: TapId) -> &'a [u32] {
        match t {
            TapId::A => &self.dm.a,
            TapId::B => &self.dm.b,
        }
    }

    /// The segment at position `pos` of `t`'s list.
    fn seg(&self, t: TapId, pos: usize) -> &'a TapSegment {
        &self.input.tap(t).segments[self.list(t)[pos] as usize]
    }

    /// Relative numbers in A's numbering, from raw ones (`fallback` without a base).
    fn rel(&self, raw_seq: u32, raw_ack: u32, fallback: (u32, u32)) -> (u32, u32) {
        match self.base {
            (Some(sb), ab) => (
                raw_seq.wrapping_sub(sb),
                ab.map_or(fallback.1, |b| raw_ack.wrapping_sub(b)),
            ),
            (None, _) => fallback,
        }
    }

    /// A row of this direction with nothing matched: only what one point saw, or neither.
    fn row(&self, time: i64, (seq, ack): (u32, u32), len: u32, fate: Fate) -> SegmentRow {
        SegmentRow {
            dir: self.dir,
            upstream: self.up,
            frame_a: None,
            frame_b: None,
            more_frames_a: Vec::new(),
            more_frames_b: Vec::new(),
            ts_a: None,
            ts_b: None,
            time,
            seq,
            ack,
            len,
            flags: TcpFlags(0),
            one_way_ns: None,
            fate,
            how: None,
        }
    }

    /// One row per upstream segment, its fate from its downstream copies (or from what the
    /// downstream point saw instead); returns when each first arrived downstream (A's clock).
    fn upstream_rows(&self, downs: &Copies, rows: &mut Vec<SegmentRow>) -> Vec<Option<i64>> {
        let (up, down, input) = (self.up, self.down, self.input);
        let lost_after = self.down_view.lost_after();
        let down_span = input.span_on_a(down);
        let mut arrivals = Vec::with_capacity(downs.len());
        for (u, copies) in downs.iter().enumerate() {
            let s = self.seg(up, u);
            let t_up = input.on_a(up, s.ts);
            let first = copies.first().map(|&(d, _)| self.seg(down, d));
            let t_down = first.map(|d| input.on_a(down, d.ts));
            arrivals.push(t_down);
            let fate = match first {
                None if !within(down_span, t_up + self.typical) => Fate::OutsideCapture,
                None => {
                    let (st, en) = (s.useq + self.shift, s.uend() + self.shift);
                    let acked = (s.seg_len() > 0 && !s.flags.has(TcpFlags::RST))
                        .then(|| self.down_view.first_acked(en))
                        .flatten()
                        .map(|t| input.on_a(down, t))
                        .filter(|&t| t > t_up);
                    let copy = self
                        .down_view
                        .first_copy(st, en)
                        .map(|t| input.on_a(down, t));
                    match acked {
                        Some(ta) if copy.is_none_or(|c| ta < c) => Fate::NotCapturedDownstream,
                        _ => Fate::LostBetween,
                    }
                }
                Some(d) => {
                    if copies.iter().all(|&(_, how)| how != MatchHow::Resegmented)
                        && copies.len() > 1
                    {
                        Fate::Duplicated
                    } else if lost_after.contains(&self.list(down)[copies[0].0]) && !d.window_probe
                    {
                        Fate::LostAfter
                    } else {
                        Fate::Delivered
                    }
                }
            };
            let more: Vec<u64> = copies
                .iter()
                .skip(1)
                .map(|c| self.seg(down, c.0).frame)
                .collect();
            let (a_seg, b_seg, more_a, more_b) = match up {
                TapId::A => (Some(s), first, Vec::new(), more),
                TapId::B => (first, Some(s), more, Vec::new()),
            };
            let (seq, ack) = match a_seg {
                Some(x) => (x.rel_seq, x.rel_ack),
                None => self.rel(s.seq, s.ack, (s.rel_seq, s.rel_ack)),
            };
            rows.push(SegmentRow {
                frame_a: a_seg.map(|x| x.frame),
                frame_b: b_seg.map(|x| x.frame),
                more_frames_a: more_a,
                more_frames_b: more_b,
                ts_a: a_seg.map(|x| x.ts),
                ts_b: b_seg.map(|x| x.ts),
                flags: s.flags,
                one_way_ns: t_down.map(|t| t - t_up),
                how: copies.first().map(|c| c.1),
                ..self.row(t_up, (seq, ack), s.len, fate)
            });
        }
        arrivals
    }

    /// One row per downstream segment no upstream one matched; returns the byte ranges
    /// (upstream numbering) they carried.
    fn downstream_only_rows(
        &self,
        down_paired: &[bool],
        rows: &mut Vec<SegmentRow>,
    ) -> Vec<(i64, i64)> {
        let (down, input) = (self.down, self.input);
        let up_span = input.span_on_a(self.up);
        let mut down_only: Vec<(i64, i64)> = Vec::new();
        for (d, _) in down_paired.iter().enumerate().filter(|(_, &p)| !p) {
            let s = self.seg(down, d);
            let t_down = input.on_a(down, s.ts);
            let fate = if within(up_span, t_down - self.typical) {
                Fate::NotCapturedUpstream
            } else {
                Fate::OutsideCapture
            };
            if s.seg_len() > 0 {
                down_only.push((s.useq - self.shift, s.uend() - self.shift));
            }
            let (fa, fb, ta, tb) = match down {
                TapId::A => (Some(s.frame), None, Some(s.ts), None),
                TapId::B => (None, Some(s.frame), None, Some(s.ts)),
            };
            let numbers = if down == TapId::A {
                (s.rel_seq, s.rel_ack)
            } else {
                self.rel(s.seq, s.ack, (s.rel_seq, s.rel_ack))
            };
            rows.push(SegmentRow {
                frame_a: fa,
                frame_b: fb,
                ts_a: ta,
                ts_b: tb,
                flags: s.flags,
                ..self.row(t_down - self.typical, numbers, s.len, fate)
            });
        }
        down_only
    }

    /// Bytes that skipped the upstream point and that the downstream one did not see
    /// either (`down_only`): lost before the upstream point (or acknowledged: missed by
    /// both captures).
    fn hole_rows(&self, down_only: &[(i64, i64)], rows: &mut Vec<SegmentRow>) {
        let (down, input, shift) = (self.down, self.input, self.shift);
        for hole in self.up_view.holes() {
            for (st, en) in subtract(hole.start, hole.end, down_only) {
                let acked = self
                    .down_view
                    .first_acked(en + shift)
                    .map(|t| input.on_a(down, t));
                let copy = self
                    .down_view
                    .first_copy(st + shift, en + shift)
                    .map(|t| input.on_a(down, t));
                let fate = match acked {
                    Some(ta) if copy.is_none_or(|c| ta < c) => Fate::NotCapturedUpstream,
                    _ => Fate::LostBefore,
                };
                // The low 32 bits of an unwrapped number are the raw one.
                let raw = st as u32;
                let (seq, _) = self.rel(raw, 0, (raw, 0));
                let len = u32::try_from(en - st).unwrap_or(u32::MAX);
                rows.push(self.row(input.on_a(self.up, hole.ts), (seq, 0), len, fate));
            }
        }
    }
}

/// Overtaken between the points: a delivered segment that left later than another but
/// arrived earlier is reordered. `rows` are the upstream rows, `arrivals` their times.
fn mark_overtaken(rows: &mut [SegmentRow], arrivals: &[Option<i64>]) {
    let mut earliest_later: Option<i64> = None;
    for (k, arrival) in arrivals.iter().enumerate().rev() {
        let row = &mut rows[k];
        if let (Some(t), Some(e)) = (arrival, earliest_later) {
            if e < *t && row.fate == Fate::Delivered {
                row.fate = Fate::Reordered;
            }
        }
        if let Some(t) = arrival {
            earliest_later = Some(earliest_later.map_or(*t, |e| e.min(*t)));
        }
    }
}

/// Whether time `t` is inside `span` (a capture point's, on A's clock).
fn within(span: Option<(i64, i64)>, t: i64) -> bool {
    span.is_some_and(|(x, y)| x <= t && t <= y)
}

/// `[start, end)` less the ranges in `cut`.
fn subtract(start: i64, end: i64, cut: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut parts = vec![(start, end)];
    for &(cs, ce) in cut {
        parts = parts
            .into_iter()
            .flat_map(|(s, e)| {
                if ce <= s || cs >= e {
                    vec![(s, e)]
                } else {
                    [(s, cs.max(s)), (ce.min(e), e)]
                        .into_iter()
                        .filter(|(x, y)| x < y)
                        .collect()
                }
            })
            .collect();
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let mut v: Vec<i64> = (1..=100).rev().collect();
        let s = DelayStats::of(&mut v).expect("non-empty");
        assert_eq!(
            (s.n, s.min, s.p50, s.p90, s.p99, s.max),
            (100, 1, 50, 90, 99, 100)
        );
        let mut one = vec![7];
        let s = DelayStats::of(&mut one).expect("non-empty");
        assert_eq!((s.p50, s.p99), (7, 7));
        assert!(DelayStats::of(&mut []).is_none());
    }

    #[test]
    fn subtracting_ranges() {
        assert_eq!(subtract(0, 10, &[(2, 4), (6, 20)]), vec![(0, 2), (4, 6)]);
        assert_eq!(subtract(0, 10, &[(-5, 15)]), vec![]);
        assert_eq!(subtract(0, 10, &[]), vec![(0, 10)]);
    }
}
