//! Per-direction TCP reassembly: segments in, an ordered byte stream (with marked gaps) out.
//!
//! A [`Reassembler`] follows one direction of one connection. It is fed every segment of that
//! direction ([`SegmentIn`]: raw sequence number, captured payload, the payload length the IP
//! header claims, frame number, time, SYN/FIN) and hands the stream, in order, to a
//! [`StreamSink`]: `data(offset, bytes, frame, time)` and `gap(offset, len, reason)`.
//!
//! Rules, chosen to match Wireshark's view of a stream:
//! - Sequence numbers are compared with serial arithmetic relative to the next expected byte,
//!   so streams that wrap past 2³² (or start near it) are handled; stream offsets are `u64`.
//! - **First copy wins**: bytes already received (delivered, or buffered out of order) are
//!   never replaced by a later copy. A later copy whose bytes differ is reported as a conflict
//!   ([`Conflict`]). Delivered bytes are compared within a history window
//!   ([`Limits::history`]); older overlaps are counted as unchecked.
//! - Out-of-order data is buffered until the hole before it is filled.
//! - A hole is declared a **gap** (never invented bytes) when the peer acknowledges past it
//!   ([`Reassembler::ack`]: the capture missed data the receiver got), when a buffer cap
//!   forces it, or at the end ([`Reassembler::flush`]). Bytes the sender sent but the capture
//!   cut (snapshot length) are a gap of reason [`GapReason::NotCaptured`].
//! - Memory is bounded per direction ([`Limits::max_buffered`]) and across all directions
//!   ([`MemoryBudget`]); when a cap is hit the oldest hole is skipped as a
//!   [`GapReason::BufferLimit`] gap and counted in [`DirectionStats::cap_cuts`].

use std::collections::{BTreeMap, VecDeque};

use crate::capture::Timestamp;

/// One TCP segment of a direction, as the reassembler needs it.
#[derive(Debug, Clone, Copy)]
pub struct SegmentIn<'a> {
    /// Raw sequence number from the header.
    pub seq: u32,
    /// Captured payload bytes (may be fewer than `claimed_len` when the snapshot length cut
    /// the frame).
    pub payload: &'a [u8],
    /// Payload length according to the IP header.
    pub claimed_len: u32,
    /// Frame number (tshark's `frame.number`).
    pub frame: u64,
    /// Capture time of the frame.
    pub ts: Timestamp,
    /// SYN flag: the stream starts at `seq + 1`.
    pub syn: bool,
    /// FIN flag: the stream ends after this segment's payload.
    pub fin: bool,
}

/// Why a range of the stream has no bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GapReason {
    /// The segment was captured but the snapshot length cut its payload.
    NotCaptured,
    /// The peer acknowledged bytes the capture never saw (tshark: "ACKed unseen segment").
    AckedUnseen,
    /// A buffer cap forced the reassembler to give up waiting for the hole.
    BufferLimit,
    /// The hole was still open when the direction was flushed (end of capture).
    Unfilled,
}

impl GapReason {
    /// Short name used in text and JSON output.
    pub fn name(self) -> &'static str {
        match self {
            GapReason::NotCaptured => "not_captured",
            GapReason::AckedUnseen => "acked_unseen",
            GapReason::BufferLimit => "buffer_limit",
            GapReason::Unfilled => "lost",
        }
    }
}

/// Receives a direction's stream in order.
pub trait StreamSink {
    /// Bytes at stream `offset`, first carried by `frame` at time `ts`.
    fn data(&mut self, offset: u64, bytes: &[u8], frame: u64, ts: Timestamp);
    /// `len` bytes at stream `offset` that will never be known.
    fn gap(&mut self, offset: u64, len: u64, reason: GapReason);
}

/// Bookkeeping charged per buffered out-of-order piece on top of its bytes (map node,
/// allocation header, frame and time), so that a "reassembly bomb" of 1-byte (or 0-byte,
/// snapshot-cut) segments separated by holes cannot hold millions of pieces under a cap
/// meant for bytes.
pub const PIECE_OVERHEAD: usize = 64;

/// Per-direction limits.
///
/// Buffered memory is counted as each out-of-order piece's captured bytes plus
/// [`PIECE_OVERHEAD`]; the same count is charged to the shared [`MemoryBudget`]. When either
/// cap is passed the oldest hole is skipped ([`GapReason::BufferLimit`]), counted in
/// [`DirectionStats::cap_cuts`] (and [`MemoryBudget::cuts`] for the total cap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most out-of-order memory (bytes plus [`PIECE_OVERHEAD`] per piece) buffered for one
    /// direction before the oldest hole is skipped.
    pub max_buffered: usize,
    /// Delivered bytes kept to check retransmissions for conflicting content.
    pub history: usize,
}

impl Default for Limits {
    /// 4 MiB buffered and 256 KiB of history per direction (a few windows of a fast flow).
    fn default() -> Self {
        Limits {
            max_buffered: 4 << 20,
            history: 256 << 10,
        }
    }
}

/// The buffer budget shared by every direction of a capture (gopacket's total page limit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryBudget {
    limit: usize,
    used: usize,
    cuts: u64,
}

impl MemoryBudget {
    /// A budget of `limit` buffered bytes (plus [`PIECE_OVERHEAD`] per piece) in total.
    pub fn new(limit: usize) -> Self {
        MemoryBudget {
            limit,
            used: 0,
            cuts: 0,
        }
    }

    /// Memory buffered now across directions (bytes plus [`PIECE_OVERHEAD`] per piece).
    pub fn used(&self) -> usize {
        self.used
    }

    /// The total limit.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// How many times the total limit forced a direction to skip a hole.
    pub fn cuts(&self) -> u64 {
        self.cuts
    }

    fn over(&self) -> bool {
        self.used > self.limit
    }
}

impl Default for MemoryBudget {
    /// 256 MiB in total.
    fn default() -> Self {
        MemoryBudget::new(256 << 20)
    }
}

/// A retransmitted copy whose bytes differ from the first copy (first copy kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conflict {
    /// Stream offset of the first differing range.
    pub offset: u64,
    /// Length of the compared overlap that differed.
    pub len: u64,
    /// Frame of the later (discarded) copy.
    pub frame: u64,
}

/// What one [`Reassembler::push`] did with a segment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushOutcome {
    /// Bytes never seen before (delivered now or buffered).
    pub new_bytes: u64,
    /// Bytes already received (retransmitted or overlapping).
    pub duplicate_bytes: u64,
    /// Some of the new bytes wait for a hole to be filled.
    pub buffered: bool,
    /// The overlap with earlier data differed.
    pub conflict: Option<Conflict>,
    /// Stream offset of the segment's first payload byte (None without payload, or when it
    /// lies wholly before the start of a stream picked up mid-way).
    pub offset: Option<u64>,
}

/// Counters of one direction, for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirectionStats {
    /// Segments pushed (with or without payload).
    pub segments: u64,
    /// Bytes delivered in order (gaps excluded).
    pub bytes: u64,
    /// Bytes received more than once.
    pub duplicate_bytes: u64,
    /// Overlaps whose content differed.
    pub conflicts: u64,
    /// Overlapping bytes too old to compare (outside the history window).
    pub unchecked_bytes: u64,
    /// Segments that arrived ahead of a hole.
    pub out_of_order: u64,
    /// Gaps declared.
    pub gaps: u64,
    /// Bytes in gaps.
    pub gap_bytes: u64,
    /// Holes skipped because a buffer cap was hit.
    pub cap_cuts: u64,
    /// Payload bytes that lay before the first byte of a stream picked up mid-way.
    pub before_start: u64,
}

#[derive(Debug)]
struct Piece {
    /// Captured bytes; fewer than `len` when the snapshot length cut them.
    data: Vec<u8>,
    /// Stream bytes the piece covers.
    len: u64,
    frame: u64,
    ts: Timestamp,
}

/// Reassembles one direction of a TCP connection (see the module documentation).
#[derive(Debug)]
pub struct Reassembler {
    limits: Limits,
    /// Raw sequence number of stream offset 0.
    base: Option<u32>,
    /// Offset of the next byte to deliver.
    next: u64,
    /// Out-of-order pieces by offset: all at or after `next`, never overlapping.
    pending: BTreeMap<u64, Piece>,
    buffered: usize,
    /// The last delivered bytes (ending at `next`), for conflict checks.
    history: VecDeque<u8>,
    fin_at: Option<u64>,
    syn_seen: bool,
    stats: DirectionStats,
}

impl Reassembler {
    /// A reassembler for one direction.
    pub fn new(limits: Limits) -> Self {
        Reassembler {
            limits,
            base: None,
            next: 0,
            pending: BTreeMap::new(),
            buffered: 0,
            history: VecDeque::new(),
            fin_at: None,
            syn_seen: false,
            stats: DirectionStats::default(),
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> &DirectionStats {
        &self.stats
    }

    /// Offset of the next byte expected (everything before it was delivered or gapped).
    pub fn next_offset(&self) -> u64 {
        self.next
    }

    /// Out-of-order memory waiting for a hole: bytes plus [`PIECE_OVERHEAD`] per piece.
    pub fn buffered(&self) -> usize {
        self.buffered
    }

    /// True when every byte up to the FIN was delivered or gapped.
    pub fn is_closed(&self) -> bool {
        self.fin_at.is_some_and(|f| self.next >= f)
    }

    /// Stream offset of a raw sequence number, by serial arithmetic around the next byte.
    fn offset_of(&self, seq: u32, base: u32) -> i64 {
        let next_seq = base.wrapping_add(self.next as u32);
        self.next as i64 + i64::from(seq.wrapping_sub(next_seq) as i32)
    }

    /// Feeds one segment; delivers whatever became contiguous to `sink`.
    pub fn push(
        &mut self,
        seg: SegmentIn<'_>,
        budget: &mut MemoryBudget,
        sink: &mut impl StreamSink,
    ) -> PushOutcome {
        self.stats.segments += 1;
        let mut out = PushOutcome::default();
        let mut seq = seg.seq;
        if seg.syn {
            seq = seq.wrapping_add(1);
            if !self.syn_seen && self.next == 0 && self.pending.is_empty() {
                self.base = Some(seq);
            }
            self.syn_seen = true;
        }
        let base = *self.base.get_or_insert(seq);
        let claimed = u64::from(seg.claimed_len);
        let mut start = self.offset_of(seq, base);
        if seg.fin && start + claimed as i64 >= 0 {
            let f = (start + claimed as i64) as u64;
            self.fin_at = Some(self.fin_at.map_or(f, |old| old.min(f)));
        }
        if claimed == 0 {
            return out;
        }
        let mut payload = &seg.payload[..seg.payload.len().min(claimed as usize)];
        let mut len = claimed;
        if start < 0 {
            let skip = start.unsigned_abs().min(len);
            self.stats.before_start += skip;
            len -= skip;
            payload = payload.get(skip as usize..).unwrap_or(&[]);
            start = 0;
        }
        if len == 0 {
            return out;
        }
        let start = start as u64;
        let end = start + len;
        out.offset = Some(start);

        // Bytes before `next` were delivered already: compare with the history window.
        if start < self.next {
            let old_end = end.min(self.next);
            let dup = old_end - start;
            out.duplicate_bytes += dup;
            let cap_end = (start + payload.len() as u64).min(old_end);
            if let Some(c) = self.compare_history(
                start,
                cap_end,
                &payload[..(cap_end.saturating_sub(start)) as usize],
                seg.frame,
            ) {
                out.conflict.get_or_insert(c);
            }
        }

        // Bytes from `next` on: split around buffered pieces (first copy wins).
        let mut pos = start.max(self.next);
        while pos < end {
            let covering = self
                .pending
                .range(..=pos)
                .next_back()
                .filter(|(&o, p)| o + p.len > pos)
                .map(|(&o, p)| (o, o + p.len));
            if let Some((o, o_end)) = covering {
                let stop = o_end.min(end);
                out.duplicate_bytes += stop - pos;
                if let Some(c) = self.compare_piece(o, pos, stop, start, payload, seg.frame) {
                    out.conflict.get_or_insert(c);
                }
                pos = stop;
                continue;
            }
            let stop = self
                .pending
                .range(pos..)
                .next()
                .map_or(end, |(&o, _)| o.min(end));
            let cap = start + payload.len() as u64;
            let bytes = if pos < cap {
                &payload[(pos - start) as usize..(stop.min(cap) - start) as usize]
            } else {
                &[][..]
            };
            out.new_bytes += stop - pos;
            if pos == self.next {
                self.deliver(pos, bytes, stop - pos, seg.frame, seg.ts, sink);
            } else {
                out.buffered = true;
                self.buffered += bytes.len() + PIECE_OVERHEAD;
                budget.used += bytes.len() + PIECE_OVERHEAD;
                self.pending.insert(
                    pos,
                    Piece {
                        data: bytes.to_vec(),
                        len: stop - pos,
                        frame: seg.frame,
                        ts: seg.ts,
                    },
                );
            }
            pos = stop;
        }
        if out.buffered {
            self.stats.out_of_order += 1;
        }
        self.stats.duplicate_bytes += out.duplicate_bytes;
        if out.conflict.is_some() {
            self.stats.conflicts += 1;
        }
        self.drain(budget, sink);
        while !self.pending.is_empty()
            && (self.buffered > self.limits.max_buffered || budget.over())
        {
            if budget.over() && self.buffered <= self.limits.max_buffered {
                budget.cuts += 1;
            }
            self.stats.cap_cuts += 1;
            self.skip_to_first_pending(GapReason::BufferLimit, budget, sink);
        }
        out
    }

    /// The peer acknowledged `ack` (raw): data before it that the capture never saw is a gap.
    pub fn ack(&mut self, ack: u32, budget: &mut MemoryBudget, sink: &mut impl StreamSink) {
        let Some(base) = self.base else { return };
        let off = self.offset_of(ack, base);
        if off <= self.next as i64 {
            return;
        }
        let mut target = off as u64;
        if let Some(f) = self.fin_at {
            // The FIN takes one sequence number: acking it does not ack a data byte.
            target = target.min(f);
        }
        while self.next < target {
            match self.pending.keys().next() {
                Some(&o) if o <= target => {
                    self.skip_to_first_pending(GapReason::AckedUnseen, budget, sink)
                }
                _ => {
                    self.gap(target - self.next, GapReason::AckedUnseen, sink);
                }
            }
        }
    }

    /// End of input: every remaining hole becomes a gap and buffered data is delivered.
    pub fn flush(&mut self, budget: &mut MemoryBudget, sink: &mut impl StreamSink) {
        while !self.pending.is_empty() {
            self.skip_to_first_pending(GapReason::Unfilled, budget, sink);
        }
        if let Some(f) = self.fin_at {
            if f > self.next {
                self.gap(f - self.next, GapReason::Unfilled, sink);
            }
        }
    }

    fn skip_to_first_pending(
        &mut self,
        reason: GapReason,
        budget: &mut MemoryBudget,
        sink: &mut impl StreamSink,
    ) {
        if let Some(&o) = self.pending.keys().next() {
            if o > self.next {
                self.gap(o - self.next, reason, sink);
            }
            self.drain(budget, sink);
        }
    }

    fn gap(&mut self, len: u64, reason: GapReason, sink: &mut impl StreamSink) {
        sink.gap(self.next, len, reason);
        self.stats.gaps += 1;
        self.stats.gap_bytes += len;
        self.next += len;
        self.history.clear();
    }

    fn drain(&mut self, budget: &mut MemoryBudget, sink: &mut impl StreamSink) {
        while let Some(entry) = self.pending.first_entry() {
            if *entry.key() != self.next {
                break;
            }
            let piece = entry.remove();
            self.buffered -= piece.data.len() + PIECE_OVERHEAD;
            budget.used -= piece.data.len() + PIECE_OVERHEAD;
            self.deliver(
                self.next,
                &piece.data,
                piece.len,
                piece.frame,
                piece.ts,
                sink,
            );
        }
    }

    /// Delivers `len` stream bytes at `offset == next`, of which `bytes` were captured.
    fn deliver(
        &mut self,
        offset: u64,
        bytes: &[u8],
        len: u64,
        frame: u64,
        ts: Timestamp,
        sink: &mut impl StreamSink,
    ) {
        debug_assert_eq!(offset, self.next);
        if !bytes.is_empty() {
            sink.data(offset, bytes, frame, ts);
            self.stats.bytes += bytes.len() as u64;
            self.next += bytes.len() as u64;
            let keep = self.limits.history;
            if bytes.len() >= keep {
                self.history.clear();
                self.history.extend(&bytes[bytes.len() - keep..]);
            } else {
                let excess = (self.history.len() + bytes.len()).saturating_sub(keep);
                self.history.drain(..excess);
                self.history.extend(bytes);
            }
        }
        let uncaptured = len - bytes.len() as u64;
        if uncaptured > 0 {
            self.gap(uncaptured, GapReason::NotCaptured, sink);
        }
    }

    /// Compares a copy of delivered bytes `[start, start + bytes.len())` with the history.
    fn compare_history(
        &mut self,
        start: u64,
        end: u64,
        bytes: &[u8],
        frame: u64,
    ) -> Option<Conflict> {
        let hist_start = self.next - self.history.len() as u64;
        let from = start.max(hist_start);
        if end > start {
            self.stats.unchecked_bytes += from.min(end) - start;
        }
        if from >= end {
            return None;
        }
        let h = (from - hist_start) as usize;
        let b = (from - start) as usize;
        let n = (end - from) as usize;
        let (h1, h2) = self.history.as_slices();
        let differs = (0..n).any(|i| {
            let hi = h + i;
            let hb = if hi < h1.len() {
                h1[hi]
            } else {
                h2[hi - h1.len()]
            };
            hb != bytes[b + i]
        });
        differs.then_some(Conflict {
            offset: from,
            len: n as u64,
            frame,
        })
    }

    /// Compares the new copy's bytes in `[pos, stop)` with the buffered piece at `piece_off`.
    fn compare_piece(
        &self,
        piece_off: u64,
        pos: u64,
        stop: u64,
        seg_start: u64,
        payload: &[u8],
        frame: u64,
    ) -> Option<Conflict> {
        let piece = self.pending.get(&piece_off)?;
        let piece_cap = piece_off + piece.data.len() as u64;
        let new_cap = seg_start + payload.len() as u64;
        let end = stop.min(piece_cap).min(new_cap);
        if pos >= end {
            return None;
        }
        let a = &piece.data[(pos - piece_off) as usize..(end - piece_off) as usize];
        let b = &payload[(pos - seg_start) as usize..(end - seg_start) as usize];
        (a != b).then_some(Conflict {
            offset: pos,
            len: end - pos,
            frame,
        })
    }
}
