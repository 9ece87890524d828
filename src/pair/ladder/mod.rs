//! The ladder of two capture points, without a window: where it puts things: four vertical rails (the client, the capture point
//! on its side, the other capture point, the server) and, per segment, the pieces of its
//! arrow at the times the two captures measured.
//!
//! Between the capture points an arrow runs from the time the first point saw the segment
//! to the time the second did (B's timestamps moved onto A's clock by the estimated
//! offset): its slope is the measured one-way delay, not an estimate. Outside the points
//! nothing was measured, so the pieces from the sender to the first point and from the
//! second point to the receiver are drawn flat. A loss is marked where it happened and the
//! arrow stops there: a segment lost between A and B never reaches the second rail, one
//! lost after B stops between B and the receiver, one lost before A between the sender and
//! A.

mod axis;
pub mod paint;

use axis::TimeAxis;
pub use axis::{Break, BREAK_PX};

use crate::analysis::Direction;
use crate::figure::Point;

use super::{Fate, PairedConnection, SegmentRow, TapId};

fn pos2(x: f32, y: f32) -> Point {
    Point::new(x, y)
}

/// Width of the text column left of the rails (time, frames, seq, delay, fate).
pub const TEXT_W: f32 = 400.0;
/// Space above the first row (rail titles).
pub const HEADER: f32 = 46.0;
/// Space below the last row.
const FOOTER: f32 = 24.0;
/// Rows are this far apart on average at the default scale.
pub const ROW_GAP: f32 = 18.0;
/// Font size of the rows' text lines.
pub const ROW_TEXT: f32 = 11.0;
/// How near an arrow a pointer must be to pick it (px).
const PICK: f32 = 5.0;

/// One straight piece of an arrow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Piece {
    /// Where it starts.
    pub from: Point,
    /// Where it ends.
    pub to: Point,
    /// Drawn dashed: not seen where it would start or end (a capture missed it).
    pub dashed: bool,
    /// Ends in an arrowhead (it reached the receiver).
    pub head: bool,
}

/// The arrow of one segment row.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrow {
    /// Index of the row in the connection's rows.
    pub row: usize,
    /// Its pieces, from the sender towards the receiver.
    pub pieces: Vec<Piece>,
    /// Where it was lost (a cross is drawn there), for the three kinds of loss.
    pub lost_at: Option<Point>,
    /// Height of its text line in the left column (the time it passed the first point).
    pub y: f32,
    /// Extra arrival marks at the second point (duplicates seen there).
    pub extra_arrivals: Vec<Point>,
}

/// The x positions of the four rails, left to right.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rails {
    /// The client (left edge of the path).
    pub client: f32,
    /// The capture point on the client's side.
    pub near_client: f32,
    /// The capture point on the server's side.
    pub near_server: f32,
    /// The server.
    pub server: f32,
    /// Which capture point is on the client's side.
    pub client_side_tap: TapId,
}

impl Rails {
    /// The rail of capture point `t`.
    pub fn tap(&self, t: TapId) -> f32 {
        if t == self.client_side_tap {
            self.near_client
        } else {
            self.near_server
        }
    }
}

/// The placed ladder of one connection.
#[derive(Debug, Clone, PartialEq)]
pub struct TwoTapGeometry {
    /// The rails.
    pub rails: Rails,
    /// One arrow per row, in row order (rows are in time order, so `y` ascends).
    pub arrows: Vec<Arrow>,
    /// Pixels per nanosecond of time going down.
    pub px_per_ns: f64,
    /// Time (A's clock, ns) at the top of the rows.
    pub t0: i64,
    /// Height of the whole figure.
    pub height: f32,
    /// Idle stretches squeezed out of the time axis (nothing on its way).
    pub breaks: Vec<Break>,
}

impl TwoTapGeometry {
    /// Places connection `c` in a figure `width` wide, with `offset_ns` (B's clock minus
    /// A's) to move B's timestamps onto A's clock; `zoom` multiplies the default scale, at
    /// which rows are [`ROW_GAP`] apart on average (at most 2 px per µs).
    pub fn new(c: &PairedConnection, offset_ns: i64, width: f32, zoom: f32) -> TwoTapGeometry {
        let left = TEXT_W + 70.0;
        let span = (width - left - 70.0).max(240.0);
        let client_side_tap = if c.a_client_side == Some(false) {
            TapId::B
        } else {
            TapId::A
        };
        let rails = Rails {
            client: left,
            near_client: left + span * 0.25,
            near_server: left + span * 0.75,
            server: left + span,
            client_side_tap,
        };
        let times = |r: &SegmentRow| {
            [r.ts_a, r.ts_b.map(|t| t - offset_ns), Some(r.time)]
                .into_iter()
                .flatten()
        };
        let t0 = c.rows.iter().flat_map(times).min().unwrap_or(0);
        let t1 = c.rows.iter().flat_map(times).max().unwrap_or(t0);
        let typical = typical_delays(c);
        let spans: Vec<(i64, i64)> = c
            .rows
            .iter()
            .map(|r| row_span(r, offset_ns, &typical))
            .collect();
        let default_px_per_ns = default_scale(c, axis::busy_ns(&spans).min(t1 - t0));
        let px_per_ns = default_px_per_ns * f64::from(zoom.max(1e-3));
        let squeeze_ns = (f64::from(axis::SQUEEZE_OVER) / default_px_per_ns) as i64;
        let axis = TimeAxis::new(spans, t0, HEADER, px_per_ns, squeeze_ns);
        let y = |t: i64| axis.y(t);
        let arrows = c
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| place(i, r, &rails, offset_ns, &typical, &y))
            .collect();
        TwoTapGeometry {
            rails,
            arrows,
            px_per_ns,
            t0,
            height: y(t1) + FOOTER,
            breaks: axis.breaks().copied().collect(),
        }
    }

    /// The rows among `rows` that get a text line when `top` is the figure y at the top of
    /// the view: one per line where there is room, a loss taking the place of another row
    /// it would overlap and the `selected` row taking anyone's.
    pub fn labelled(
        &self,
        rows: std::ops::Range<usize>,
        top: f32,
        selected: Option<usize>,
    ) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for i in rows {
            let arrow = &self.arrows[i];
            if arrow.y < top + HEADER - ROW_TEXT {
                continue;
            }
            match out.last_mut() {
                Some(last) if arrow.y - self.arrows[*last].y < ROW_TEXT + 2.0 => {
                    let shown = &self.arrows[*last];
                    let wins = Some(i) == selected
                        || (Some(*last) != selected
                            && arrow.lost_at.is_some()
                            && shown.lost_at.is_none());
                    if wins {
                        *last = i;
                    }
                }
                _ => out.push(i),
            }
        }
        out
    }

    /// The row under figure point `p` (what a click picks): in the text column the row whose
    /// text line is there, elsewhere the arrow within a few pixels, the nearest; none in the
    /// titles' band.
    pub fn row_at(
        &self,
        p: Point,
        rows: std::ops::Range<usize>,
        top: f32,
        selected: Option<usize>,
    ) -> Option<usize> {
        if p.y < top.max(0.0) + HEADER - 12.0 {
            return None;
        }
        let nearest = |it: &mut dyn Iterator<Item = (usize, f32)>| {
            it.min_by(|a, b| a.1.total_cmp(&b.1)).map(|(i, _)| i)
        };
        if p.x < TEXT_W {
            let half = (ROW_TEXT + 2.0) / 2.0;
            return nearest(
                &mut self
                    .labelled(rows, top, selected)
                    .into_iter()
                    .map(|i| (i, (self.arrows[i].y - p.y).abs()))
                    .filter(|&(_, d)| d <= half),
            );
        }
        nearest(
            &mut rows
                .map(|i| {
                    let d = self.arrows[i]
                        .pieces
                        .iter()
                        .map(|pc| p.distance_to_segment(pc.from, pc.to))
                        .fold(f32::INFINITY, f32::min);
                    (i, d)
                })
                .filter(|&(_, d)| d <= PICK),
        )
    }

    /// The arrows whose text line lies within `[top, bottom]` (figure coordinates), with a
    /// margin for arrows that start above and slope into it.
    pub fn visible(&self, top: f32, bottom: f32) -> std::ops::Range<usize> {
        let margin = 400.0;
        let from = self.arrows.partition_point(|a| a.y < top - margin);
        let to = self.arrows.partition_point(|a| a.y <= bottom + margin);
        from..to.max(from)
    }
}

/// Pixels per ns at zoom 1: rows ROW_GAP apart on average over the time something was on
/// its way (`span_ns`), at most 2 px per µs (a burst of rows microseconds apart then
/// overlaps, and zooming in separates it).
fn default_scale(c: &PairedConnection, span_ns: i64) -> f64 {
    let wanted = f64::from(ROW_GAP) * c.rows.len().max(1) as f64 / span_ns.max(1) as f64;
    wanted.min(2.0 / 1_000.0)
}

/// The median measured one-way delay of each direction (ns), for drawing where a lost
/// segment would have been.
fn typical_delays(c: &PairedConnection) -> [i64; 2] {
    let mut out = [0; 2];
    for (k, d) in c.dirs.iter().enumerate() {
        out[k] = d.delay.map_or(0, |s| s.p50);
    }
    out
}

/// When row `r` is on its way (A's clock): from the first point (or its sender) to the
/// second point, or to where it is drawn lost, as [`place`] places it.
fn row_span(r: &SegmentRow, offset_ns: i64, typical: &[i64; 2]) -> (i64, i64) {
    let typical = typical[usize::from(r.dir != Direction::ClientToServer)];
    let on_a = |t: TapId| match t {
        TapId::A => r.ts_a,
        TapId::B => r.ts_b.map(|x| x - offset_ns),
    };
    let t_up = on_a(r.upstream).unwrap_or(r.time);
    let t_down = on_a(r.upstream.other()).unwrap_or(t_up + typical);
    let times = [t_up, t_down, r.time];
    let first = times.iter().copied().min().unwrap_or(r.time);
    let last = times.iter().copied().max().unwrap_or(r.time);
    (first, last)
}

/// The arrow of row `r`.
fn place(
    row: usize,
    r: &SegmentRow,
    rails: &Rails,
    offset_ns: i64,
    typical: &[i64; 2],
    y: &dyn Fn(i64) -> f32,
) -> Arrow {
    let c2s = r.dir == Direction::ClientToServer;
    let (src, dst) = if c2s {
        (rails.client, rails.server)
    } else {
        (rails.server, rails.client)
    };
    let up = rails.tap(r.upstream);
    let down = rails.tap(r.upstream.other());
    let on_a = |t: TapId| match t {
        TapId::A => r.ts_a,
        TapId::B => r.ts_b.map(|x| x - offset_ns),
    };
    let typical = typical[usize::from(!c2s)];
    let t_up = on_a(r.upstream).unwrap_or(r.time);
    let t_down = on_a(r.upstream.other()).unwrap_or(t_up + typical);
    let (p_up, p_down) = (pos2(up, y(t_up)), pos2(down, y(t_down)));
    let mid = |a: f32, b: f32| (a + b) / 2.0;
    let piece = |from: Point, to: Point, dashed: bool, head: bool| Piece {
        from,
        to,
        dashed,
        head,
    };
    let into_up = piece(pos2(src, p_up.y), p_up, false, false);
    let out_of_down = piece(p_down, pos2(dst, p_down.y), false, true);
    let mut lost_at = None;
    let pieces = match r.fate {
        Fate::Delivered | Fate::Duplicated | Fate::Reordered => {
            vec![into_up, piece(p_up, p_down, false, false), out_of_down]
        }
        Fate::LostBetween => {
            // Half way, at half the usual delay: it stops before the second point.
            let end = pos2(mid(up, down), y(t_up + typical / 2));
            lost_at = Some(end);
            vec![into_up, piece(p_up, end, false, false)]
        }
        Fate::LostAfter => {
            let end = pos2(mid(down, dst), p_down.y);
            lost_at = Some(end);
            vec![
                into_up,
                piece(p_up, p_down, false, false),
                piece(p_down, end, false, false),
            ]
        }
        Fate::LostBefore => {
            let end = pos2(mid(src, up), y(r.time));
            lost_at = Some(end);
            vec![piece(pos2(src, end.y), end, false, false)]
        }
        Fate::NotCapturedUpstream => {
            // Seen at the second point only: it passed the first unseen.
            vec![
                piece(pos2(src, p_up.y), p_up, true, false),
                piece(p_up, p_down, true, false),
                out_of_down,
            ]
        }
        Fate::NotCapturedDownstream => vec![
            into_up,
            piece(p_up, p_down, true, false),
            piece(p_down, pos2(dst, p_down.y), true, true),
        ],
        Fate::OutsideCapture => vec![into_up, piece(p_up, p_down, true, false)],
    };
    let extra_arrivals = if r.fate == Fate::Duplicated {
        // Each further copy 1 px lower per copy at least, so they stay visible.
        let more = match r.upstream.other() {
            TapId::A => r.more_frames_a.len(),
            TapId::B => r.more_frames_b.len(),
        };
        (1..=more)
            .map(|k| pos2(down, p_down.y + 3.0 * k as f32))
            .collect()
    } else {
        Vec::new()
    };
    Arrow {
        row,
        pieces,
        lost_at,
        y: y(r.time),
        extra_arrivals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::TcpFlags;
    use crate::pair::{ConnMatch, ConnSide, DelayStats, DirSummary};

    const MS: i64 = 1_000_000;
    /// B's clock runs 5 s ahead of A's.
    const OFFSET: i64 = 5_000 * MS;

    fn row(dir: Direction, ts_a: Option<i64>, ts_b: Option<i64>, fate: Fate) -> SegmentRow {
        let upstream = if dir == Direction::ClientToServer {
            TapId::A
        } else {
            TapId::B
        };
        let time = match upstream {
            TapId::A => ts_a.unwrap_or(0),
            TapId::B => ts_b.map_or(0, |t| t - OFFSET),
        };
        SegmentRow {
            dir,
            upstream,
            frame_a: ts_a.map(|_| 1),
            frame_b: ts_b.map(|_| 1),
            more_frames_a: Vec::new(),
            more_frames_b: Vec::new(),
            ts_a,
            ts_b,
            time,
            seq: 1,
            ack: 1,
            len: 100,
            flags: TcpFlags(TcpFlags::ACK),
            one_way_ns: match (ts_a, ts_b) {
                (Some(a), Some(b)) if upstream == TapId::A => Some(b - OFFSET - a),
                (Some(a), Some(b)) => Some(a - (b - OFFSET)),
                _ => None,
            },
            fate,
            how: None,
        }
    }

    fn side() -> ConnSide {
        ConnSide {
            stream: 0,
            client: "10.0.0.1:1000".parse().unwrap(),
            server: "10.0.0.2:80".parse().unwrap(),
        }
    }

    /// Client data delivered (1 ms), lost between the points, lost after B, a server ACK
    /// delivered, and bytes lost before A.
    fn connection(a_client_side: Option<bool>) -> PairedConnection {
        use Direction::*;
        let b = |t: i64| Some(t + OFFSET);
        let mut rows = vec![
            row(ClientToServer, Some(0), b(MS), Fate::Delivered),
            row(ClientToServer, Some(MS / 10), None, Fate::LostBetween),
            row(
                ClientToServer,
                Some(2 * MS / 10),
                b(12 * MS / 10),
                Fate::LostAfter,
            ),
            row(ServerToClient, Some(3 * MS), b(2 * MS), Fate::Delivered),
            row(ClientToServer, None, None, Fate::LostBefore),
        ];
        rows[4].time = 4 * MS;
        rows.sort_by_key(|r| r.time);
        let summary = |upstream| DirSummary {
            upstream,
            fates: [0; Fate::ALL.len()],
            delay: Some(DelayStats {
                n: 2,
                min: MS,
                p50: MS,
                p90: MS,
                p99: MS,
                max: MS,
            }),
        };
        PairedConnection {
            matched: ConnMatch {
                a: 0,
                b: 0,
                same_orientation: true,
                same_endpoints: true,
                isns_equal: true,
                common_segments: 4,
            },
            a: side(),
            b: side(),
            a_client_side,
            own_offset_ns: Some(OFFSET),
            rows,
            dirs: [summary(TapId::A), summary(TapId::B)],
        }
    }

    fn arrow_of(g: &TwoTapGeometry, c: &PairedConnection, fate: Fate, dir: Direction) -> Arrow {
        let i = c
            .rows
            .iter()
            .position(|r| r.fate == fate && r.dir == dir)
            .expect("row");
        g.arrows[i].clone()
    }

    #[test]
    fn a_delivered_segment_crosses_both_rails_at_the_measured_times() {
        let c = connection(Some(true));
        let g = TwoTapGeometry::new(&c, OFFSET, 1400.0, 1.0);
        let r = g.rails;
        assert!(
            r.client < r.near_client && r.near_client < r.near_server && r.near_server < r.server
        );
        assert_eq!(
            (r.tap(TapId::A), r.tap(TapId::B)),
            (r.near_client, r.near_server)
        );
        let a = arrow_of(&g, &c, Fate::Delivered, Direction::ClientToServer);
        let between = a.pieces[1];
        assert_eq!(
            (between.from.x, between.to.x),
            (r.near_client, r.near_server)
        );
        // 1 ms of measured delay at this scale, B's 5 s offset taken off.
        let dy = between.to.y - between.from.y;
        assert!(
            (f64::from(dy) - MS as f64 * g.px_per_ns).abs() < 0.01,
            "{dy}"
        );
        assert!(dy > 0.0);
        // Flat outside the points (nothing was measured there), a head at the server.
        assert_eq!(a.pieces[0].from.y, a.pieces[0].to.y);
        assert_eq!(a.pieces[0].from.x, r.client);
        assert!(a.pieces[2].head && a.pieces[2].to.x == r.server);
        assert!(a.lost_at.is_none());
        // The server's ACK goes right to left, from B (its first point) to A.
        let back = arrow_of(&g, &c, Fate::Delivered, Direction::ServerToClient);
        assert_eq!(back.pieces[0].from.x, r.server);
        assert_eq!(
            (back.pieces[1].from.x, back.pieces[1].to.x),
            (r.near_server, r.near_client)
        );
        assert!(back.pieces[2].head && back.pieces[2].to.x == r.client);
    }

    #[test]
    fn a_segment_lost_between_the_points_never_reaches_the_second_rail() {
        let c = connection(Some(true));
        let g = TwoTapGeometry::new(&c, OFFSET, 1400.0, 1.0);
        let r = g.rails;
        let a = arrow_of(&g, &c, Fate::LostBetween, Direction::ClientToServer);
        let reach = a
            .pieces
            .iter()
            .map(|p| p.from.x.max(p.to.x))
            .fold(f32::MIN, f32::max);
        assert!(reach < r.near_server, "{reach} vs B at {}", r.near_server);
        assert!(a.pieces.iter().all(|p| !p.head));
        let x = a.lost_at.expect("a cross");
        assert!(r.near_client < x.x && x.x < r.near_server);
        assert_eq!(x, a.pieces.last().unwrap().to);
    }

    #[test]
    fn losses_after_b_and_before_a_are_marked_outside_the_points() {
        let c = connection(Some(true));
        let g = TwoTapGeometry::new(&c, OFFSET, 1400.0, 1.0);
        let r = g.rails;
        let after = arrow_of(&g, &c, Fate::LostAfter, Direction::ClientToServer);
        // It crossed both points, then stopped short of the server.
        assert_eq!(after.pieces[1].to.x, r.near_server);
        let x = after.lost_at.expect("a cross");
        assert!(r.near_server < x.x && x.x < r.server);
        assert!(after.pieces.iter().all(|p| p.to.x < r.server && !p.head));
        let before = arrow_of(&g, &c, Fate::LostBefore, Direction::ClientToServer);
        let x = before.lost_at.expect("a cross");
        assert!(r.client < x.x && x.x < r.near_client);
        assert!(before.pieces.iter().all(|p| p.to.x <= x.x));
    }

    #[test]
    fn b_on_the_clients_side_swaps_the_dashed_rails() {
        let c = connection(Some(false));
        let g = TwoTapGeometry::new(&c, OFFSET, 1400.0, 1.0);
        assert_eq!(g.rails.client_side_tap, TapId::B);
        assert_eq!(g.rails.tap(TapId::B), g.rails.near_client);
    }

    #[test]
    fn rows_go_down_in_time_and_zoom_scales_the_slope() {
        let c = connection(Some(true));
        let g1 = TwoTapGeometry::new(&c, OFFSET, 1400.0, 1.0);
        let g2 = TwoTapGeometry::new(&c, OFFSET, 1400.0, 2.0);
        assert!(g1.arrows.windows(2).all(|w| w[0].y <= w[1].y));
        let slope = |g: &TwoTapGeometry| {
            let p = arrow_of(g, &c, Fate::Delivered, Direction::ClientToServer).pieces[1];
            p.to.y - p.from.y
        };
        assert!((slope(&g2) - 2.0 * slope(&g1)).abs() < 0.01);
        assert!(g2.height > g1.height);
        // Only arrows near a band are visited.
        let all = g1.visible(f32::MIN / 2.0, f32::MAX / 2.0);
        assert_eq!(all, 0..c.rows.len());
    }

    #[test]
    fn the_ladders_words_follow_the_readers_language_and_json_keeps_english() {
        use crate::i18n::{set_thread_lang, Lang};
        let c = connection(Some(true));
        let g = TwoTapGeometry::new(&c, OFFSET, 1400.0, 1.0);
        // The English catalogue says what `--json` prints, for every fate and either order.
        for fate in Fate::ALL {
            for up in [TapId::A, TapId::B] {
                let m = fate.message(up);
                assert_eq!(m.text_in(Lang::En), fate.label(up), "{fate:?}");
                let zh = m.text_in(Lang::Zh);
                assert_ne!(zh, fate.label(up), "{fate:?}: no Chinese");
                assert!(
                    zh.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
                    "{zh}"
                );
            }
        }
        let svg_in = |lang| {
            let (g, c) = (g.clone(), c.clone());
            std::thread::spawn(move || {
                set_thread_lang(Some(lang));
                paint::svg(&g, &c, 1400.0).finish()
            })
        };
        let zh = svg_in(Lang::Zh).join().expect("drawn");
        let en = svg_in(Lang::En).join().expect("drawn");
        for word in [
            "抓包点 A",
            "客户端",
            "服务端",
            "单向时延",
            "在 A 与 B 之间丢失",
        ] {
            assert!(zh.contains(word), "{word} missing from the Chinese ladder");
        }
        assert!(
            !zh.contains("lost between"),
            "English left in the Chinese ladder"
        );
        for word in [
            "capture point A",
            "client",
            "one-way",
            "lost between A and B",
        ] {
            assert!(en.contains(word), "{word} missing from the English ladder");
        }
    }

    #[test]
    fn a_click_picks_the_row_of_its_text_line_or_the_arrow_under_it() {
        let c = connection(Some(true));
        let g = TwoTapGeometry::new(&c, OFFSET, 1400.0, 4.0);
        let all = 0..c.rows.len();
        let labelled = g.labelled(all.clone(), 0.0, None);
        assert!(labelled.len() >= 3, "{labelled:?}");
        for &i in &labelled {
            let at = Point::new(20.0, g.arrows[i].y + 3.0);
            assert_eq!(g.row_at(at, all.clone(), 0.0, None), Some(i));
        }
        let i = c
            .rows
            .iter()
            .position(|r| r.fate == Fate::Delivered && r.dir == Direction::ClientToServer)
            .unwrap();
        let between = g.arrows[i].pieces[1];
        assert!(between.to.y > between.from.y, "the measured piece slopes");
        let mid = between.from.lerp(between.to, 0.5);
        assert_eq!(g.row_at(mid, all.clone(), 0.0, None), Some(i));
        // 4 px beside it still picks it; beyond the server's rail nothing is.
        assert_eq!(
            g.row_at(mid + Point::new(4.0, 0.0), all.clone(), 0.0, None),
            Some(i)
        );
        let beyond = Point::new(g.rails.server + 30.0, mid.y);
        assert_eq!(g.row_at(beyond, all.clone(), 0.0, None), None);
        // The titles' band picks nothing.
        assert_eq!(
            g.row_at(Point::new(20.0, 10.0), all.clone(), 0.0, None),
            None
        );
        // A selected row takes the text line of a row it overlaps.
        let crowded = TwoTapGeometry::new(&c, OFFSET, 1400.0, 0.001);
        let lines = crowded.labelled(all.clone(), 0.0, None);
        let hidden = (0..c.rows.len())
            .find(|i| !lines.contains(i))
            .expect("crowded");
        assert!(crowded
            .labelled(all.clone(), 0.0, Some(hidden))
            .contains(&hidden));
    }

    #[test]
    fn a_long_pause_is_squeezed_and_slopes_after_it_are_still_the_delays() {
        let mut c = connection(Some(true));
        // The server's reply (3 ms) and what follows come a second later.
        let pause = 1_000 * MS;
        for r in c.rows.iter_mut().filter(|r| r.time >= 2 * MS) {
            r.time += pause;
            r.ts_a = r.ts_a.map(|t| t + pause);
            r.ts_b = r.ts_b.map(|t| t + pause);
        }
        let g = TwoTapGeometry::new(&c, OFFSET, 1400.0, 1.0);
        assert_eq!(g.breaks.len(), 1, "{:?}", g.breaks);
        let idle = g.breaks[0].idle_ns;
        assert!(idle > pause - 2 * MS && idle < pause + 2 * MS, "{idle}");
        // Far shorter than a linear second at this scale.
        assert!(g.height < (pause as f64 * g.px_per_ns) as f32 / 10.0);
        // Rows keep their order, and the break lies between the rows before and after it.
        assert!(g.arrows.windows(2).all(|w| w[0].y <= w[1].y));
        let b = g.breaks[0];
        assert!(g.arrows.iter().all(|a| a.y <= b.y || a.y >= b.y + BREAK_PX));
        // The server's delivered reply still slopes by its measured delay.
        let a = arrow_of(&g, &c, Fate::Delivered, Direction::ServerToClient);
        let r = c
            .rows
            .iter()
            .find(|r| r.fate == Fate::Delivered && r.dir == Direction::ServerToClient)
            .unwrap();
        let measured = (r.one_way_ns.unwrap() as f64 * g.px_per_ns) as f32;
        let piece = a.pieces[1];
        assert!((piece.to.y - piece.from.y - measured).abs() < 0.05);
    }
}
