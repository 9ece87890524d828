//! The series of the time-sequence, throughput and RTT graphs, computed from the store for
//! one connection and one direction (pure: no egui, so the tests check it headless and the
//! SVG export draws exactly what the view draws).
//!
//! Conventions follow Wireshark's TCP Stream Graphs: x is seconds since the first packet of
//! the capture, y is the relative sequence number of the chosen direction; the ACK and window
//! lines and the SACK blocks come from the *other* direction's packets; an RTT sample is
//! taken when an ACK exactly acknowledges a segment (`tcp.analysis.ack_rtt`: the time since
//! the first segment in the list of unacknowledged segments whose end equals the ACK).

use crate::analysis::{seq, Direction, Flag, FlowProto};
use crate::decode::TcpFlags;
use crate::ui::selection::ConnRef;
use crate::ui::store::StoreData;

/// One data segment (payload > 0) of the graphed direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegPoint {
    /// Store index (for selection).
    pub index: usize,
    /// Frame number.
    pub number: u64,
    /// Seconds since the capture's first packet.
    pub t: f64,
    /// Relative sequence number of the first byte.
    pub seq: u32,
    /// Payload length.
    pub len: u32,
    /// TCP flags of the segment.
    pub tcp_flags: TcpFlags,
    /// Flagged as a retransmission (plain, fast or spurious).
    pub retransmission: bool,
    /// Flagged out of order.
    pub out_of_order: bool,
    /// Flagged "previous segment not captured".
    pub lost_before: bool,
}

impl SegPoint {
    /// Relative sequence number just past the segment.
    pub fn end(&self) -> u64 {
        u64::from(self.seq) + u64::from(self.len)
    }
}

/// One ACK of the reverse direction.
#[derive(Debug, Clone, PartialEq)]
pub struct AckPoint {
    /// Store index.
    pub index: usize,
    /// Frame number.
    pub number: u64,
    /// Seconds since the capture's first packet.
    pub t: f64,
    /// Relative acknowledgment number (in the graphed direction's sequence space).
    pub ack: u32,
    /// Right edge of the receive window: ack + window (scaled).
    pub window_edge: u64,
    /// SACK blocks (relative left, right) carried by the ACK.
    pub sacks: Vec<(u32, u32)>,
}

/// One RTT sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RttPoint {
    /// Store index of the ACK.
    pub index: usize,
    /// Frame number of the ACK.
    pub number: u64,
    /// Frame it acknowledges (`tcp.analysis.acks_frame`).
    pub acks_frame: u64,
    /// Seconds since the capture's first packet (the ACK's time).
    pub t: f64,
    /// Round-trip time in seconds (`tcp.analysis.ack_rtt`).
    pub rtt: f64,
    /// Relative sequence number acknowledged.
    pub ack: u32,
}

/// Everything the graphs of one direction draw.
#[derive(Debug, Clone, Default)]
pub struct SeqModel {
    /// The direction graphed (data from it, ACKs from the other).
    pub dir: Option<Direction>,
    /// Data segments, in capture order.
    pub segments: Vec<SegPoint>,
    /// ACKs of the reverse direction, in capture order.
    pub acks: Vec<AckPoint>,
    /// RTT samples, in capture order.
    pub rtt: Vec<RttPoint>,
    /// Throughput (bits/s) at each data segment, over [`SeqModel::window`].
    pub throughput: Vec<[f64; 2]>,
    /// Goodput (bits/s, retransmissions left out) at each first transmission.
    pub goodput: Vec<[f64; 2]>,
    /// Width of the throughput's sliding window, seconds.
    pub window: f64,
}

impl SeqModel {
    /// Segments flagged as retransmissions.
    pub fn retransmissions(&self) -> usize {
        self.segments.iter().filter(|s| s.retransmission).count()
    }

    /// The segment whose point (x = time, y = seq) is nearest to `(t, seq)` once both are
    /// scaled to screen units (`per_x`, `per_y`: screen units per second and per byte), for
    /// hover and click. Every segment is searched, whatever was drawn. With `bar`, the
    /// distance is to the segment's I-bar (tcptrace), else to its first byte (Stevens).
    pub fn nearest_segment(
        &self,
        t: f64,
        seq: f64,
        per_x: f64,
        per_y: f64,
        bar: bool,
    ) -> Option<(usize, f64)> {
        self.segments
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let dx = (s.t - t) * per_x;
                // Distance to the I-bar (seq .. seq+len), not only its foot.
                let lo = f64::from(s.seq);
                let hi = if bar { s.end() as f64 } else { lo };
                let dy = if seq < lo {
                    lo - seq
                } else if seq > hi {
                    seq - hi
                } else {
                    0.0
                } * per_y;
                (i, (dx * dx + dy * dy).sqrt())
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The time and sequence range of the data alone: segments, and with `with_acks` the
    /// ACKs (no window line): (t0, t1, y0, y1); `None` without segments or ACKs.
    pub fn data_extent(&self, with_acks: bool) -> Option<(f64, f64, f64, f64)> {
        let acks = if with_acks { &self.acks[..] } else { &[] };
        let ts = self
            .segments
            .iter()
            .map(|s| s.t)
            .chain(acks.iter().map(|a| a.t));
        let (mut t0, mut t1) = (f64::INFINITY, f64::NEG_INFINITY);
        for t in ts {
            t0 = t0.min(t);
            t1 = t1.max(t);
        }
        if !t0.is_finite() {
            return None;
        }
        let (mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY);
        for s in &self.segments {
            y0 = y0.min(f64::from(s.seq));
            y1 = y1.max(s.end() as f64);
        }
        for a in acks {
            y0 = y0.min(f64::from(a.ack));
            y1 = y1.max(f64::from(a.ack));
        }
        if !y0.is_finite() {
            (y0, y1) = (0.0, 1.0);
        }
        Some((t0, t1, y0, y1))
    }

    /// Bounds of what a sequence graph draws: (t_min, t_max, seq_min, seq_max). The Stevens
    /// graph (`with_acks` false) draws only the data segments, so its ACKs, which may come
    /// long after the last data (a late close), do not stretch its time range. With ACKs
    /// (tcptrace), the receive window's edge is included while the data keeps at least a
    /// quarter of the height, else only up to half the data's height above it: a 64 KiB
    /// window over a 500-byte exchange would flatten the data into one line at the bottom
    /// of the graph (the window line leaves the first view instead).
    pub fn bounds(&self, with_acks: bool) -> Option<(f64, f64, f64, f64)> {
        let (t0, t1, y0, mut y1) = self.data_extent(with_acks)?;
        let acks = if with_acks { &self.acks[..] } else { &[] };
        let span = (y1 - y0).max(1.0);
        let window_top = acks
            .iter()
            .map(|a| a.window_edge as f64)
            .fold(f64::NEG_INFINITY, f64::max);
        // The window line whole while the data keeps a quarter of the height, else only up
        // to half the data's height above it.
        let window_shown = if window_top <= y1 + 3.0 * span {
            window_top
        } else {
            y1 + 0.5 * span
        };
        y1 = y1.max(window_shown);
        Some((t0, t1, y0, y1))
    }
}

/// Seconds since the capture's first packet of the frame at `i`.
fn rel_time(data: &StoreData, i: usize) -> f64 {
    let first = data.first_ts.map_or(0, |t| t.as_nanos());
    data.record(i)
        .and_then(|r| r.ts)
        .map_or(0.0, |t| (t.as_nanos() - first) as f64 / 1e9)
}

/// The direction with more payload bytes (the one worth graphing first).
pub fn busiest_direction(data: &StoreData, conn: ConnRef) -> Direction {
    let mut bytes = [0u64; 2];
    for &i in data.connection_frames(conn.proto, conn.stream) {
        let a = data.analysis(i as usize);
        if let (Some(f), Some(t)) = (a.flow, a.tcp) {
            bytes[f.direction.index()] += u64::from(t.len);
        }
    }
    if bytes[1] > bytes[0] {
        Direction::ServerToClient
    } else {
        Direction::ClientToServer
    }
}

/// Computes the series of `conn`'s direction `dir` from the packets visible at the replay
/// cursor `until` (store index; `None`: all).
pub fn build(data: &StoreData, conn: ConnRef, dir: Direction, until: Option<usize>) -> SeqModel {
    let mut m = SeqModel {
        dir: Some(dir),
        ..SeqModel::default()
    };
    if conn.proto != FlowProto::Tcp {
        return m;
    }
    // Raw ISN of the graphed direction (raw seq − relative seq of any of its packets), to
    // make the reverse direction's SACK edges relative.
    let mut base: Option<u32> = None;
    // Unacknowledged segments of the graphed direction: (seq, next_seq, t, frame).
    let mut unacked: Vec<(u32, u32, f64, u64)> = Vec::new();
    for &i in data.connection_frames(conn.proto, conn.stream) {
        let i = i as usize;
        if until.is_some_and(|u| i > u) {
            break;
        }
        let a = data.analysis(i);
        let (Some(flow), Some(tcp)) = (a.flow, a.tcp) else {
            continue;
        };
        let Some((_, packet)) = data.packet(i) else {
            continue;
        };
        let Some(info) = packet.tcp() else { continue };
        let number = data.record(i).map_or(0, |r| r.number);
        let t = rel_time(data, i);
        if flow.direction == dir {
            if base.is_none() {
                base = Some(info.seq.wrapping_sub(tcp.seq));
            }
            let syn_fin = info.flags.has(TcpFlags::SYN) || info.flags.has(TcpFlags::FIN);
            if tcp.len > 0 || syn_fin {
                unacked.push((tcp.seq, tcp.next_seq, t, number));
            }
            if tcp.len > 0 {
                let retransmission = tcp.flags.has(Flag::Retransmission)
                    || tcp.flags.has(Flag::FastRetransmission)
                    || tcp.flags.has(Flag::SpuriousRetransmission);
                m.segments.push(SegPoint {
                    index: i,
                    number,
                    t,
                    seq: tcp.seq,
                    len: tcp.len,
                    tcp_flags: info.flags,
                    retransmission,
                    out_of_order: tcp.flags.has(Flag::OutOfOrder),
                    lost_before: tcp.flags.has(Flag::LostSegment),
                });
            }
        } else if info.flags.has(TcpFlags::ACK) && !info.flags.has(TcpFlags::RST) {
            let ack = tcp.ack;
            let sacks = base.map_or_else(Vec::new, |b| {
                info.options
                    .sack_blocks()
                    .iter()
                    .map(|&(l, r)| (l.wrapping_sub(b), r.wrapping_sub(b)))
                    .collect()
            });
            m.acks.push(AckPoint {
                index: i,
                number,
                t,
                ack,
                window_edge: u64::from(ack) + u64::from(tcp.window),
                sacks,
            });
            // Wireshark's ack_rtt: the first unacked segment ending exactly at the ACK.
            let mut sample = None;
            unacked.retain_mut(|u| {
                if u.1 == ack {
                    if sample.is_none() {
                        sample = Some((t - u.2, u.3));
                    }
                    false
                } else if seq::gt(ack, u.0) && seq::le(ack, u.1) {
                    u.0 = ack;
                    true
                } else {
                    seq::gt(u.1, ack)
                }
            });
            if let Some((rtt, acks_frame)) = sample {
                m.rtt.push(RttPoint {
                    index: i,
                    number,
                    acks_frame,
                    t,
                    rtt,
                    ack,
                });
            }
        }
    }
    let (throughput, goodput, window) = throughput(&m.segments);
    m.throughput = throughput;
    m.goodput = goodput;
    m.window = window;
    m
}

/// Throughput and goodput (bits/s) over a sliding window ending at each segment. The window
/// is a twentieth of the connection's duration, between 1 ms and 1 s, so short lessons and
/// long transfers both give a readable curve.
fn throughput(segs: &[SegPoint]) -> (Vec<[f64; 2]>, Vec<[f64; 2]>, f64) {
    let (Some(first), Some(last)) = (segs.first(), segs.last()) else {
        return (Vec::new(), Vec::new(), 0.0);
    };
    let window = ((last.t - first.t) / 20.0).clamp(0.001, 1.0);
    let series = |keep: &dyn Fn(&SegPoint) -> bool| {
        let kept: Vec<&SegPoint> = segs.iter().filter(|s| keep(s)).collect();
        let mut out = Vec::with_capacity(kept.len());
        let mut start = 0;
        let mut bytes = 0u64;
        for (k, s) in kept.iter().enumerate() {
            bytes += u64::from(s.len);
            while kept[start].t <= s.t - window {
                bytes -= u64::from(kept[start].len);
                start += 1;
            }
            let _ = k;
            out.push([s.t, bytes as f64 * 8.0 / window]);
        }
        out
    };
    (series(&|_| true), series(&|s| !s.retransmission), window)
}

/// At most about `max` points of `points` (sorted by x) between `x0` and `x1`, keeping each
/// bucket's lowest and highest y so spikes survive; the full list stays in the model for
/// hover and click.
pub fn decimate(points: &[[f64; 2]], x0: f64, x1: f64, max: usize) -> Vec<[f64; 2]> {
    let lo = points.partition_point(|p| p[0] < x0).saturating_sub(1);
    let hi = (points.partition_point(|p| p[0] <= x1) + 1).min(points.len());
    let visible = &points[lo..hi.max(lo)];
    if visible.len() <= max || max < 4 || x1 <= x0 {
        return visible.to_vec();
    }
    let buckets = max / 2;
    let width = (x1 - x0) / buckets as f64;
    let mut out = Vec::with_capacity(max + 2);
    let mut i = 0;
    while i < visible.len() {
        let b = ((visible[i][0] - x0) / width).floor();
        let mut j = i;
        let (mut min, mut maxp) = (visible[i], visible[i]);
        while j < visible.len() && ((visible[j][0] - x0) / width).floor() == b {
            if visible[j][1] < min[1] {
                min = visible[j];
            }
            if visible[j][1] > maxp[1] {
                maxp = visible[j];
            }
            j += 1;
        }
        if min[0] <= maxp[0] {
            out.push(min);
            if maxp != min {
                out.push(maxp);
            }
        } else {
            out.push(maxp);
            out.push(min);
        }
        i = j;
    }
    out
}

/// The throughput or goodput line as drawn: each point holds the rate over the window ending
/// there, so where no segment comes for longer than `window` the rate falls to zero when the
/// window empties and stays there until the next segment (a straight line across the
/// silence would invent traffic).
pub fn with_idle_drops(points: &[[f64; 2]], window: f64) -> Vec<[f64; 2]> {
    let mut out = Vec::with_capacity(points.len() + 8);
    for (k, p) in points.iter().enumerate() {
        if k > 0 {
            let prev = points[k - 1][0];
            if p[0] - prev > window {
                out.push([prev + window, 0.0]);
                out.push([p[0], 0.0]);
            }
        }
        out.push(*p);
    }
    out
}

/// A step line through `points` (each value holds until the next x), for the ACK and window
/// lines: tcptrace draws them as steps, not slopes.
pub fn steps(points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (k, p) in points.iter().enumerate() {
        if k > 0 {
            out.push([p[0], points[k - 1][1]]);
        }
        out.push(*p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::ingest::demo_store;
    use crate::ui::store::PacketStore;

    /// `captures/loss.pcap` loaded the way the window loads it.
    fn loss() -> PacketStore {
        demo_store("loss.pcap", include_bytes!("../../../captures/loss.pcap"))
    }

    const CONN: ConnRef = ConnRef::tcp(0);

    #[test]
    fn the_replay_cursor_cuts_every_series() {
        // tshark on loss.pcap: client data segments (1448 B) in frames 4, 5, 7, 8, 9, 11,
        // 13, 15, 17, 19 up to frame 20; frame 17 is the fast retransmission; the server's
        // duplicate ACK in frame 10 carries SACK 5793-7241 (relative); ack_rtt samples on
        // server packets 2, 6, 10, 18 and 20.
        let store = loss();
        let data = store.read();
        let until = data.index_of_number(20).unwrap();
        let m = build(&data, CONN, Direction::ClientToServer, Some(until));
        let frames: Vec<u64> = m.segments.iter().map(|s| s.number).collect();
        assert_eq!(frames, [4, 5, 7, 8, 9, 11, 13, 15, 17, 19]);
        assert!(m.segments.iter().all(|s| s.len == 1448));
        let retrans: Vec<u64> = m
            .segments
            .iter()
            .filter(|s| s.retransmission)
            .map(|s| s.number)
            .collect();
        assert_eq!(retrans, [17]);
        let f10 = m.acks.iter().find(|a| a.number == 10).unwrap();
        assert_eq!(f10.sacks, [(5793, 7241)]);
        let rtt: Vec<u64> = m.rtt.iter().map(|r| r.number).collect();
        assert_eq!(rtt, [2, 6, 10, 18, 20]);
        assert!(m.acks.iter().all(|a| a.number <= 20));
        // Without the cursor the whole connection is there, and the other direction
        // carries no data.
        let all = build(&data, CONN, Direction::ClientToServer, None);
        assert_eq!(all.segments.len(), 23);
        assert!(build(&data, CONN, Direction::ServerToClient, None)
            .segments
            .is_empty());
        assert_eq!(busiest_direction(&data, CONN), Direction::ClientToServer);
    }

    fn seg(t: f64, seq: u32, len: u32, retransmission: bool) -> SegPoint {
        SegPoint {
            index: 0,
            number: 0,
            t,
            seq,
            len,
            tcp_flags: TcpFlags(0),
            retransmission,
            out_of_order: false,
            lost_before: false,
        }
    }

    #[test]
    fn throughput_counts_the_window_and_goodput_skips_retransmissions() {
        // 11 segments of 100 bytes every 0.1 s over 1 s: the window is 1 s / 20 = 50 ms, so
        // each point holds exactly its own segment: 800 bits / 0.05 s = 16 kbit/s.
        let mut segs: Vec<SegPoint> = (0..11)
            .map(|k| seg(k as f64 * 0.1, k * 100, 100, false))
            .collect();
        segs[5].retransmission = true;
        let (tp, gp, w) = throughput(&segs);
        assert!((w - 0.05).abs() < 1e-12);
        assert_eq!(tp.len(), 11);
        assert_eq!(gp.len(), 10);
        assert!(tp.iter().all(|p| (p[1] - 16_000.0).abs() < 1e-6));
        assert!(gp.iter().all(|p| (p[0] - 0.5).abs() > 1e-9));
    }

    #[test]
    fn throughput_sums_segments_inside_the_window() {
        // Two segments 1 ms apart in a 2 s connection (window 0.1 s): the second point sees
        // both: 2 × 1000 bytes × 8 / 0.1 s.
        let segs = [
            seg(0.0, 0, 1000, false),
            seg(0.001, 1000, 1000, false),
            seg(2.0, 2000, 10, false),
        ];
        let (tp, _, w) = throughput(&segs);
        assert!((w - 0.1).abs() < 1e-12);
        assert!((tp[1][1] - 160_000.0).abs() < 1e-6);
        assert!((tp[2][1] - 800.0).abs() < 1e-6);
    }

    #[test]
    fn decimation_keeps_extremes_and_bounds_the_count() {
        let pts: Vec<[f64; 2]> = (0..10_000)
            .map(|k| [k as f64, if k == 5_000 { 1e9 } else { (k % 7) as f64 }])
            .collect();
        let d = decimate(&pts, 0.0, 9_999.0, 200);
        assert!(d.len() <= 202, "{}", d.len());
        assert!(d.iter().any(|p| p[1] == 1e9), "the spike was dropped");
        assert!(d.windows(2).all(|w| w[0][0] <= w[1][0]));
        // Small inputs pass through.
        assert_eq!(decimate(&pts[..50], 0.0, 49.0, 200).len(), 50);
    }

    #[test]
    fn idle_periods_drop_to_zero() {
        let d = with_idle_drops(&[[0.0, 5.0], [0.05, 7.0], [1.0, 3.0]], 0.1);
        assert_eq!(
            d,
            vec![
                [0.0, 5.0],
                [0.05, 7.0],
                [0.15000000000000002, 0.0],
                [1.0, 0.0],
                [1.0, 3.0]
            ]
        );
    }

    #[test]
    fn steps_hold_each_value_until_the_next_point() {
        let s = steps(&[[0.0, 1.0], [1.0, 5.0], [3.0, 7.0]]);
        assert_eq!(
            s,
            vec![[0.0, 1.0], [1.0, 1.0], [1.0, 5.0], [3.0, 5.0], [3.0, 7.0]]
        );
    }

    #[test]
    fn nearest_segment_measures_to_the_bar() {
        let m = SeqModel {
            segments: vec![seg(0.0, 0, 1000, false), seg(1.0, 1000, 1000, false)],
            ..SeqModel::default()
        };
        // Inside the second bar's span, near its time.
        let (i, d) = m.nearest_segment(0.9, 1500.0, 100.0, 0.01, true).unwrap();
        assert_eq!(
            m.nearest_segment(0.9, 1500.0, 100.0, 0.01, false)
                .unwrap()
                .0,
            1
        );
        assert_eq!(i, 1);
        assert!((d - 10.0).abs() < 1e-9);
    }
}
