//! What happened to each segment, and the receiver's evidence for losses outside the stretch
//! between the two capture points.
//!
//! Between the points the captures say it directly: a segment seen upstream and not
//! downstream was lost there. Outside that stretch only the receiver's acknowledgments can
//! tell, read at the capture point nearer to it:
//!
//! - **lost after the downstream point**, proven one of two ways:
//!   1. the receiver's cumulative ACK stops inside the segment in an ACK that is the first
//!      to acknowledge (cumulatively or by SACK) bytes whose first copy passed the point
//!      *after* it: the receiver had processed that later copy, so it would have had this
//!      segment had it arrived. A receiver's CPUs can take two packets of a flow out of the
//!      order the capture saw them (by microseconds, or milliseconds on a loaded host), so
//!      a segment acknowledged before another copy of its bytes passed the point counts as
//!      delivered all the same, and so does one whose bytes the receiver later reports
//!      received twice (a D-SACK) when only two copies of them passed: the SACK blocks
//!      showed later data first, but the first copy arrived too;
//!   2. at the end of a flight, with no later data: another copy of its bytes came before
//!      the receiver had acknowledged them, alone between two of the receiver's ACKs, and
//!      the ACK that answered it acknowledges the bytes for the first time without
//!      reporting that copy as a duplicate, from a receiver that reports duplicates (it
//!      sent D-SACKs in this connection). "Alone" (the first copy may be in between, a
//!      millisecond or more earlier), because Linux reports only the last duplicate of a
//!      batch and may answer a batch before its end. A later D-SACK of the bytes (the
//!      first copy came after the second) vetoes it, as in 1.
//!
//!   The edges of SACK blocks are not taken as proof of missing bytes: Linux reports the
//!   four blocks it touched last, which are not always whole received ranges (a duplicate
//!   inside a range it no longer lists gets a block of its own);
//! - **lost before the upstream point**: the sender's bytes reached the upstream point
//!   with a hole (TCP sends new data in order, so the hole's first transmission was lost
//!   before that point), and the downstream point did not see them either;
//! - **not captured**: a copy at the downstream point only, or bytes acknowledged by the
//!   receiver before any copy of them passed the downstream point: the packet went by and
//!   the capture missed it (a full capture buffer, or a capture started late).

use std::collections::BTreeMap;
use std::collections::HashSet;

use super::tap::{TapCapture, TapId, TapSegment};
use crate::analysis::Direction;
use crate::decode::TcpFlags;
use crate::i18n::Message;

/// The largest segment considered when looking for the segment holding a byte (a TSO
/// super-segment captured before the NIC cut it is at most 256 KiB).
const MAX_SEGMENT: i64 = 256 * 1024;

/// Packets further apart than this at a capture point are not taken by the receiver in one
/// batch (a batch of a softirq lasts microseconds).
const BATCH_GAP_NS: i64 = 1_000_000;

/// What happened to one segment between the sender and the receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fate {
    /// Seen at both capture points, once at the downstream one.
    Delivered,
    /// Seen once upstream and more than once downstream: duplicated on the way.
    Duplicated,
    /// Delivered, but overtaken between the points by a segment sent after it.
    Reordered,
    /// Seen upstream, not downstream, while the downstream point was capturing.
    LostBetween,
    /// Never seen: the sender's bytes reached the upstream point with a hole.
    LostBefore,
    /// Seen at both points, but the receiver's ACKs prove it never arrived.
    LostAfter,
    /// Seen downstream only (or acknowledged without being seen upstream): it went past the
    /// upstream point, whose capture missed it.
    NotCapturedUpstream,
    /// Seen upstream only, but acknowledged by the receiver before any other copy went
    /// past the downstream point, whose capture missed it.
    NotCapturedDownstream,
    /// The other point was not capturing when it would have passed there.
    OutsideCapture,
}

impl Fate {
    /// Every fate, in the order summaries list them.
    pub const ALL: [Fate; 9] = [
        Fate::Delivered,
        Fate::Duplicated,
        Fate::Reordered,
        Fate::LostBetween,
        Fate::LostBefore,
        Fate::LostAfter,
        Fate::NotCapturedUpstream,
        Fate::NotCapturedDownstream,
        Fate::OutsideCapture,
    ];

    /// The fate as printed, naming the capture points for a segment that passes `upstream`
    /// first: "lost between A and B", "lost before B", "not captured at A", ...
    pub fn label(self, upstream: TapId) -> String {
        let (up, down) = (upstream.name(), upstream.other().name());
        match self {
            Fate::Delivered => "delivered".into(),
            Fate::Duplicated => "duplicated".into(),
            Fate::Reordered => "reordered between the taps".into(),
            Fate::LostBetween => "lost between A and B".into(),
            Fate::LostBefore => format!("lost before {up}"),
            Fate::LostAfter => format!("lost after {down}"),
            Fate::NotCapturedUpstream => format!("not captured at {up}"),
            Fate::NotCapturedDownstream => format!("not captured at {down}"),
            Fate::OutsideCapture => format!("outside {down}'s capture"),
        }
    }

    /// The fate for people, in the reader's language ([`crate::i18n`]); its English text is
    /// [`Fate::label`], which `--json` keeps whatever the language.
    pub fn message(self, upstream: TapId) -> Message {
        let (up, down) = (upstream.name(), upstream.other().name());
        match self {
            Fate::Delivered => Message::new("pair-fate-delivered"),
            Fate::Duplicated => Message::new("pair-fate-duplicated"),
            Fate::Reordered => Message::new("pair-fate-reordered"),
            Fate::LostBetween => Message::new("pair-fate-lost-between"),
            Fate::LostBefore => Message::new("pair-fate-lost-before").arg("up", up),
            Fate::LostAfter => Message::new("pair-fate-lost-after").arg("down", down),
            Fate::NotCapturedUpstream => Message::new("pair-fate-not-captured").arg("tap", up),
            Fate::NotCapturedDownstream => Message::new("pair-fate-not-captured").arg("tap", down),
            Fate::OutsideCapture => Message::new("pair-fate-outside-capture").arg("down", down),
        }
    }

    /// True for the three kinds of loss.
    pub fn is_loss(self) -> bool {
        matches!(self, Fate::LostBetween | Fate::LostBefore | Fate::LostAfter)
    }
}

/// The segments of one direction of one connection at one capture point, in capture order,
/// and the receiver's ACKs coming back the other way.
pub(super) struct DirView<'a> {
    tap: &'a TapCapture,
    /// Indices of the connection's segments (both directions), capture order.
    conn: &'a [u32],
    dir: Direction,
    /// The receiver's ACKs: (time, highest cumulative ACK so far), capture order.
    acked: Vec<(i64, i64)>,
    /// This direction's data segments by start: (start, end, time).
    by_start: Vec<(i64, i64, i64)>,
    /// When this direction's data segments passed, in order.
    arrival_times: Vec<i64>,
    /// The receiver's ACKs (segment indices), capture order.
    replies: Vec<u32>,
    /// The receiver sent a D-SACK (RFC 2883: a report of bytes received twice) in this
    /// connection, so it reports duplicates.
    reports_duplicates: bool,
}

impl<'a> DirView<'a> {
    /// Direction `dir` of connection `conn` of `tap`.
    pub(super) fn new(tap: &'a TapCapture, conn: usize, dir: Direction) -> DirView<'a> {
        let conn = &tap.conns[conn].segments;
        let mut acked = Vec::new();
        let mut by_start = Vec::new();
        let mut replies = Vec::new();
        let mut reports_duplicates = false;
        let mut arrival_times = Vec::new();
        let mut high = i64::MIN;
        for &i in conn {
            let s = &tap.segments[i as usize];
            if s.dir == dir && Self::is_data(s) {
                by_start.push((s.useq, s.uend(), s.ts));
                arrival_times.push(s.ts);
            } else if s.dir != dir && s.has_ack() {
                high = high.max(s.uack);
                acked.push((s.ts, high));
                replies.push(i);
                reports_duplicates |= s
                    .sack_blocks()
                    .next()
                    .is_some_and(|(l, r)| is_dsack(s, l, r));
            }
        }
        by_start.sort_unstable();
        arrival_times.sort_unstable();
        DirView {
            tap,
            conn,
            dir,
            acked,
            by_start,
            arrival_times,
            replies,
            reports_duplicates,
        }
    }

    fn seg(&self, i: u32) -> &'a TapSegment {
        &self.tap.segments[i as usize]
    }

    /// Segments of this direction that occupy sequence space (data, SYN, FIN), not RSTs
    /// nor zero-window probes.
    fn is_data(s: &TapSegment) -> bool {
        s.seg_len() > 0 && !s.flags.has(TcpFlags::RST) && !s.window_probe
    }

    /// Segments of this direction proven lost after this capture point by the receiver's
    /// ACKs (see the module documentation), as segment indices.
    pub(super) fn lost_after(&self) -> HashSet<u32> {
        let mut lost = HashSet::new();
        // Arrivals so far (start, end, segment); those not yet cumulatively acknowledged,
        // and the first copies of some bytes not yet acknowledged at all, by (start, number).
        let mut arrivals: Vec<(i64, i64, u32)> = Vec::new();
        let mut pending: BTreeMap<(i64, usize), i64> = BTreeMap::new();
        let mut fresh: BTreeMap<(i64, usize), i64> = BTreeMap::new();
        let mut seen = Ranges::default();
        for &i in self.conn {
            let s = self.seg(i);
            if s.dir == self.dir {
                if Self::is_data(s) {
                    let n = arrivals.len();
                    arrivals.push((s.useq, s.uend(), i));
                    pending.insert((s.useq, n), s.uend());
                    if !seen.covers(s.useq, s.uend()) {
                        fresh.insert((s.useq, n), s.uend());
                    }
                    seen.add(s.useq, s.uend());
                }
                continue;
            }
            if !s.has_ack() {
                continue;
            }
            let cum = s.uack;
            // What this ACK acknowledges: below `cum`, and the SACK blocks above it (a
            // D-SACK reports a duplicate, nothing new).
            let mut spans = vec![(i64::MIN, cum)];
            spans.extend(
                s.sack_blocks()
                    .enumerate()
                    .filter(|&(k, (l, r))| l < r && l > cum && !(k == 0 && is_dsack(s, l, r)))
                    .map(|(_, b)| b),
            );
            // The latest first copy that this ACK is the first to acknowledge.
            let mut newest: Option<usize> = None;
            for (l, r) in spans {
                let covered: Vec<(i64, usize)> = fresh
                    .range((l, 0)..(r, 0))
                    .filter(|&(_, &en)| en <= r)
                    .map(|(&key, _)| key)
                    .collect();
                for key in covered {
                    fresh.remove(&key);
                    newest = newest.max(Some(key.1));
                }
            }
            if let Some(k) = newest {
                // The cumulative ACK number is a byte the receiver lacks.
                let hit: Vec<(i64, usize)> = pending
                    .range((cum - MAX_SEGMENT, 0)..=(cum, usize::MAX))
                    .filter(|&(&(st, n), &en)| st <= cum && cum < en && n < k)
                    .map(|(&key, _)| key)
                    .collect();
                for key in hit {
                    pending.remove(&key);
                    lost.insert(arrivals[key.1].2);
                }
            }
            // Forget what is cumulatively acknowledged.
            let done: Vec<(i64, usize)> = pending
                .range(..(cum, 0))
                .filter(|&(_, &en)| en <= cum)
                .map(|(&key, _)| key)
                .collect();
            for key in done {
                pending.remove(&key);
            }
        }
        // Acknowledged before any other copy of its bytes passed: it did arrive, only later
        // than a segment behind it (two CPUs of the receiver can take packets of one flow
        // out of the order the capture saw them, by microseconds).
        lost.retain(|&i| {
            let x = self.seg(i);
            let acked = self.first_acked(x.uend());
            let again = self.first_copy_after(x.useq, x.uend(), x.ts);
            match (acked, again) {
                (Some(a), Some(c)) => a >= c && !self.both_copies_reported(x, c),
                (Some(_), None) => false,
                (None, _) => true,
            }
        });
        self.unreported_duplicates(&arrivals, &mut lost);
        lost
    }

    /// True when the receiver reported `x`'s bytes as received twice (a D-SACK) in an ACK
    /// passing after `again`, the next copy of them, with no third copy passed by then: both
    /// copies arrived, so `x` was only late (taken by the receiver after later segments).
    fn both_copies_reported(&self, x: &TapSegment, again: i64) -> bool {
        let (start, end) = (x.useq, x.uend());
        self.replies.iter().map(|&r| self.seg(r)).any(|ack| {
            ack.ts >= again
                && ack
                    .sack_blocks()
                    .next()
                    .is_some_and(|(l, r)| is_dsack(ack, l, r) && l <= start && end <= r)
                && self.copies_until(start, end, ack.ts) == 2
        })
    }

    /// How many segments of this direction carrying bytes of `[start, end)` passed this
    /// point up to time `until`.
    fn copies_until(&self, start: i64, end: i64, until: i64) -> usize {
        self.copy_times(start, end)
            .filter(|&ts| ts <= until)
            .count()
    }

    /// When each segment of this direction carrying any byte of `[start, end)` passed.
    fn copy_times(&self, start: i64, end: i64) -> impl Iterator<Item = i64> + '_ {
        let from = self
            .by_start
            .partition_point(|&(st, _, _)| st < start - MAX_SEGMENT);
        self.by_start[from..]
            .iter()
            .take_while(move |&&(st, _, _)| st < end)
            .filter(move |&&(_, en, _)| en > start)
            .map(|&(_, _, ts)| ts)
    }

    /// The second proof, for a segment with no later data behind it (the end of a flight):
    /// another copy of its bytes came before the receiver had acknowledged them, alone
    /// between two of the receiver's ACKs, and the ACK that answered it acknowledges the
    /// bytes for the first time without reporting the copy as a duplicate (a D-SACK), from
    /// a receiver seen to report duplicates. Had the first copy arrived, the second would
    /// have been one. A D-SACK of the bytes in a later ACK vetoes it: the first copy came
    /// after the second (the ACK was the answer to it).
    fn unreported_duplicates(&self, arrivals: &[(i64, i64, u32)], lost: &mut HashSet<u32>) {
        if !self.reports_duplicates {
            return;
        }
        for &(start, end, i) in arrivals {
            let x = self.seg(i);
            if lost.contains(&i) || x.window_probe {
                continue;
            }
            let Some(again) = self.first_copy_after(start, end, x.ts) else {
                continue;
            };
            if self.first_acked(end).is_none_or(|acked| acked < again)
                || self.both_copies_reported(x, again)
            {
                continue;
            }
            // The receiver's ACKs just before and just after the copy.
            let k = self.replies.partition_point(|&r| self.seg(r).ts <= again);
            let (Some(&before), Some(&after)) = (
                k.checked_sub(1).and_then(|k| self.replies.get(k)),
                self.replies.get(k),
            ) else {
                continue;
            };
            let (before, after) = (self.seg(before), self.seg(after));
            // Nothing else arrived between them, but the first copy itself, long before: the
            // answer is to this copy alone (another duplicate could have replaced its D-SACK:
            // Linux reports the last one only; and packets taken in one batch can be
            // answered before the batch ends).
            let first = self.arrival_times.partition_point(|&t| t <= before.ts);
            let alone = self.arrival_times[first..]
                .iter()
                .take_while(|&&t| t < after.ts)
                .all(|&t| t == again || (t == x.ts && again - t >= BATCH_GAP_NS));
            let answered = acknowledges(after, start, end) && !acknowledges(before, start, end);
            let reported = after
                .sack_blocks()
                .next()
                .is_some_and(|(l, r)| is_dsack(after, l, r) && l < end && r > start);
            if alone && answered && !reported {
                lost.insert(i);
            }
        }
    }

    /// Holes in this direction's byte stream as it passed this point: ranges `[start, end)`
    /// that bytes above them reached first, with the time and frame where each showed.
    pub(super) fn holes(&self) -> Vec<Hole> {
        let mut holes = Vec::new();
        let mut top: Option<i64> = None;
        for &i in self.conn {
            let s = self.seg(i);
            if s.dir != self.dir || !Self::is_data(s) {
                continue;
            }
            if let Some(t) = top {
                if s.useq > t {
                    holes.push(Hole {
                        start: t,
                        end: s.useq,
                        ts: s.ts,
                        after: i,
                    });
                }
            }
            top = Some(top.map_or(s.uend(), |t| t.max(s.uend())));
        }
        holes
    }

    /// When the receiver first acknowledged all bytes below `end` cumulatively, at this
    /// point (ns, this point's clock).
    pub(super) fn first_acked(&self, end: i64) -> Option<i64> {
        let k = self.acked.partition_point(|&(_, high)| high < end);
        self.acked.get(k).map(|&(ts, _)| ts)
    }

    /// When a segment of this direction carrying any byte of `[start, end)` first passed.
    pub(super) fn first_copy(&self, start: i64, end: i64) -> Option<i64> {
        self.first_copy_after(start, end, i64::MIN)
    }

    /// When a segment of this direction carrying any byte of `[start, end)` first passed
    /// after time `after`.
    fn first_copy_after(&self, start: i64, end: i64, after: i64) -> Option<i64> {
        self.copy_times(start, end).filter(|&ts| ts > after).min()
    }
}

/// True when ACK `s` acknowledges all of `[start, end)`, cumulatively or by a SACK block.
fn acknowledges(s: &TapSegment, start: i64, end: i64) -> bool {
    s.uack >= end || s.sack_blocks().any(|(l, r)| l <= start && end <= r)
}

/// A first SACK block reporting a duplicate (RFC 2883): below the cumulative ACK, or inside
/// the second block. Its edges say nothing about missing bytes.
fn is_dsack(s: &TapSegment, l: i64, r: i64) -> bool {
    let mut blocks = s.sack_blocks();
    let _first = blocks.next();
    r <= s.uack || blocks.next().is_some_and(|(l2, r2)| l2 <= l && r <= r2)
}

/// A set of byte ranges, kept merged: which bytes have passed a capture point.
#[derive(Debug, Default)]
struct Ranges(BTreeMap<i64, i64>);

impl Ranges {
    /// True when every byte of `[start, end)` is in the set.
    fn covers(&self, start: i64, end: i64) -> bool {
        self.0
            .range(..=start)
            .next_back()
            .is_some_and(|(_, &e)| e >= end)
    }

    /// Adds `[start, end)`, merging it with the ranges it touches.
    fn add(&mut self, mut start: i64, mut end: i64) {
        if let Some((&s, &e)) = self.0.range(..=start).next_back() {
            if e >= start {
                start = s;
                end = end.max(e);
            }
        }
        let touched: Vec<i64> = self.0.range(start..=end).map(|(&s, _)| s).collect();
        for s in touched {
            if let Some(e) = self.0.remove(&s) {
                end = end.max(e);
            }
        }
        self.0.insert(start, end);
    }
}

/// Bytes the sender's stream skipped at a capture point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Hole {
    /// First missing byte (unwrapped, this point's space).
    pub start: i64,
    /// First byte after the hole.
    pub end: i64,
    /// Capture time of the segment that showed the hole (this point's clock).
    pub ts: i64,
    /// That segment (index into the point's segment table).
    pub after: u32,
}

#[cfg(test)]
mod tests {
    use super::Ranges;

    #[test]
    fn ranges_merge_and_cover() {
        let mut r = Ranges::default();
        r.add(10, 20);
        r.add(30, 40);
        assert!(r.covers(12, 20) && !r.covers(15, 25) && !r.covers(0, 5));
        r.add(20, 30);
        assert!(r.covers(10, 40));
        assert_eq!(r.0.len(), 1);
        r.add(5, 12);
        r.add(38, 50);
        assert_eq!(r.0.iter().next(), Some((&5, &50)));
        assert!(r.covers(5, 50) && !r.covers(4, 6));
    }
}
