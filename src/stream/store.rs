//! A whole direction kept in memory: bytes, the segments that carried them, and the gaps.
//!
//! [`DirectionStream`] is the [`StreamSink`] that `synack stream`, the framing decoders and
//! the sticky-packet annotation read from. Bytes are kept as contiguous runs split at gaps
//! (a gap is never filled with invented bytes). The bytes kept are capped
//! ([`DirectionStream::with_cap`]); past the cap the stream is still counted but its bytes are
//! dropped, and [`DirectionStream::cut_at`] says where.

use super::reassembly::{Conflict, GapReason, StreamSink};
use crate::capture::Timestamp;

/// The bytes one frame added to the stream (first copies only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentSpan {
    /// Frame that carried the bytes first.
    pub frame: u64,
    /// Its capture time.
    pub ts: Timestamp,
    /// Stream offset of the first byte.
    pub offset: u64,
    /// Bytes added.
    pub len: u64,
}

/// A segment that brought no new byte: all of it had been received before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuplicateSegment {
    /// Frame of the copy.
    pub frame: u64,
    /// Its capture time.
    pub ts: Timestamp,
    /// Stream offset of its first byte.
    pub offset: u64,
    /// Its payload length.
    pub len: u64,
}

/// Bytes that will never be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    /// Stream offset.
    pub offset: u64,
    /// Missing bytes.
    pub len: u64,
    /// Why they are missing.
    pub reason: GapReason,
}

/// A contiguous run of known bytes (between gaps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Stream offset of the run's first byte.
    pub offset: u64,
    /// The bytes.
    pub data: Vec<u8>,
}

impl Run {
    /// Stream offset just past the run.
    pub fn end(&self) -> u64 {
        self.offset + self.data.len() as u64
    }
}

/// One direction's reassembled stream, kept whole (up to a cap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectionStream {
    /// Runs of known bytes, in offset order.
    pub runs: Vec<Run>,
    /// Segments that added bytes, in offset order.
    pub segments: Vec<SegmentSpan>,
    /// Gaps, in offset order.
    pub gaps: Vec<Gap>,
    /// Total stream length (bytes and gaps).
    pub len: u64,
    /// The direction ended with a FIN whose position was reached.
    pub closed: bool,
    /// The frame of the first FIN (set by whoever feeds the reassembler).
    pub fin_frame: Option<u64>,
    /// DuplicateSegment copies whose bytes differed from the first copy (recorded by whoever
    /// feeds the reassembler, from [`PushOutcome::conflict`](super::PushOutcome)).
    pub conflicts: Vec<Conflict>,
    /// Segments whose bytes had all been received before (retransmissions that brought
    /// nothing new, duplicated frames), recorded by whoever feeds the reassembler.
    pub duplicates: Vec<DuplicateSegment>,
    cap: usize,
    kept: usize,
    cut_at: Option<u64>,
    /// A kept byte is a line feed (see [`DirectionStream::has_line_feed`]).
    line_feed: bool,
    /// An empty buffer (with capacity) for the first run, handed over by whoever recycles
    /// the buffers of finished streams ([`DirectionStream::give_buffer`]).
    spare: Vec<u8>,
}

impl Default for DirectionStream {
    fn default() -> Self {
        DirectionStream::with_cap(64 << 20)
    }
}

impl DirectionStream {
    /// A store that keeps at most `cap` bytes (64 MiB by default).
    pub fn with_cap(cap: usize) -> Self {
        DirectionStream {
            runs: Vec::new(),
            segments: Vec::new(),
            gaps: Vec::new(),
            len: 0,
            closed: false,
            fin_frame: None,
            conflicts: Vec::new(),
            duplicates: Vec::new(),
            cap,
            kept: 0,
            cut_at: None,
            line_feed: false,
            spare: Vec::new(),
        }
    }

    /// Offers an empty buffer for the first run of bytes: a stream that grows into a buffer
    /// some finished stream left behind is not copied at each doubling, and touches memory
    /// that is already mapped. Ignored once the stream has a run or a buffer.
    pub fn give_buffer(&mut self, mut buffer: Vec<u8>) {
        if self.runs.is_empty() && self.spare.capacity() == 0 {
            buffer.clear();
            self.spare = buffer;
        }
    }

    /// True when [`DirectionStream::give_buffer`] would take a buffer.
    pub fn wants_buffer(&self) -> bool {
        self.runs.is_empty() && self.spare.capacity() == 0
    }

    /// The buffers of this stream's runs (emptied), for the next streams.
    pub fn into_buffers(self) -> impl Iterator<Item = Vec<u8>> {
        self.runs
            .into_iter()
            .map(|r| r.data)
            .chain(Some(self.spare))
    }

    /// Keeps no more bytes from now on (a total cap across directions was reached); the
    /// cut is reported by [`DirectionStream::cut_at`] at the next data.
    pub fn freeze(&mut self) {
        self.cap = self.kept;
    }

    /// Where the byte cap stopped keeping bytes, if it did.
    pub fn cut_at(&self) -> Option<u64> {
        self.cut_at
    }

    /// Bytes known (not in gaps) and kept.
    pub fn kept_bytes(&self) -> usize {
        self.kept
    }

    /// True when a kept byte is `\n`. Line and RESP framing need one to frame anything, so
    /// a binary stream skips them without a second scan; the bytes are checked as they
    /// arrive, while they are still in the cache, not when the stream is framed.
    pub fn has_line_feed(&self) -> bool {
        self.line_feed
    }

    /// All kept bytes in order with gaps removed (for `--raw`).
    pub fn bytes(&self) -> impl Iterator<Item = &[u8]> {
        self.runs.iter().map(|r| r.data.as_slice())
    }
}

impl StreamSink for DirectionStream {
    fn data(&mut self, offset: u64, bytes: &[u8], frame: u64, ts: Timestamp) {
        self.len = self.len.max(offset + bytes.len() as u64);
        match self.segments.last_mut() {
            Some(s) if s.frame == frame && s.offset + s.len == offset => {
                s.len += bytes.len() as u64
            }
            _ => self.segments.push(SegmentSpan {
                frame,
                ts,
                offset,
                len: bytes.len() as u64,
            }),
        }
        if self.cut_at.is_some() {
            return;
        }
        let room = self.cap - self.kept;
        let take = bytes.len().min(room);
        if take < bytes.len() {
            self.cut_at = Some(offset + take as u64);
        }
        if take == 0 {
            return;
        }
        let kept = &bytes[..take];
        if !self.line_feed {
            self.line_feed = memchr::memchr(b'\n', kept).is_some();
        }
        match self.runs.last_mut() {
            Some(r) if r.end() == offset => r.data.extend_from_slice(kept),
            _ => {
                let mut data = std::mem::take(&mut self.spare);
                data.extend_from_slice(kept);
                self.runs.push(Run { offset, data });
            }
        }
        self.kept += take;
    }

    fn gap(&mut self, offset: u64, len: u64, reason: GapReason) {
        self.len = self.len.max(offset + len);
        match self.gaps.last_mut() {
            Some(g) if g.offset + g.len == offset && g.reason == reason => g.len += len,
            _ => self.gaps.push(Gap {
                offset,
                len,
                reason,
            }),
        }
    }
}
