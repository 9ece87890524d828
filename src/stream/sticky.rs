//! Sticky-packet annotation: which messages each segment carries, which segments each message
//! spans.
//!
//! A segment is **coalesced** when it carries bytes of more than one message (several `send()`
//! calls glued together, 粘包); a message is **split** when its bytes came in more than one
//! segment. Both lists are in stream-offset order, so one merge pass relates them.

use std::ops::Range;

use super::framing::Message;
use super::store::SegmentSpan;
use crate::capture::Timestamp;

/// What one segment carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentMarks {
    /// Index into the segment list.
    pub segment: usize,
    /// Indices of the messages with bytes in this segment.
    pub messages: Range<usize>,
    /// Messages that start in this segment.
    pub starts: u32,
    /// Messages that end in this segment.
    pub ends: u32,
    /// Carries bytes of more than one message.
    pub coalesced: bool,
}

/// Where one message travelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageMarks {
    /// Index into the message list.
    pub message: usize,
    /// Frames carrying its bytes, in stream order (a frame appears once).
    pub frames: Vec<u64>,
    /// Arrival of the segment with its first byte.
    pub first_ts: Option<Timestamp>,
    /// When its last missing byte arrived (the latest of its segments).
    pub complete_ts: Option<Timestamp>,
    /// Its bytes came in more than one segment.
    pub split: bool,
}

impl MessageMarks {
    /// Time from the first byte's arrival to the message being complete, in nanoseconds.
    pub fn span_ns(&self) -> Option<i64> {
        Some(self.complete_ts?.0 - self.first_ts?.0)
    }
}

/// The annotation of one direction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotation {
    /// One entry per segment, same order.
    pub segments: Vec<SegmentMarks>,
    /// One entry per message, same order.
    pub messages: Vec<MessageMarks>,
}

impl Annotation {
    /// Segments carrying more than one message.
    pub fn coalesced_segments(&self) -> usize {
        self.segments.iter().filter(|s| s.coalesced).count()
    }

    /// Messages spread over more than one segment.
    pub fn split_messages(&self) -> usize {
        self.messages.iter().filter(|m| m.split).count()
    }
}

/// Relates `segments` and `messages` (both sorted by offset, non-overlapping).
pub fn annotate(segments: &[SegmentSpan], messages: &[Message]) -> Annotation {
    let mut out = Annotation {
        segments: Vec::with_capacity(segments.len()),
        messages: messages
            .iter()
            .enumerate()
            .map(|(i, _)| MessageMarks {
                message: i,
                frames: Vec::new(),
                first_ts: None,
                complete_ts: None,
                split: false,
            })
            .collect(),
    };
    let mut first_msg = 0usize;
    for (si, seg) in segments.iter().enumerate() {
        let (s_start, s_end) = (seg.offset, seg.offset + seg.len);
        while first_msg < messages.len()
            && messages[first_msg].offset + messages[first_msg].len <= s_start
        {
            first_msg += 1;
        }
        let mut m = first_msg;
        let mut marks = SegmentMarks {
            segment: si,
            messages: first_msg..first_msg,
            starts: 0,
            ends: 0,
            coalesced: false,
        };
        while m < messages.len() && messages[m].offset < s_end {
            let msg = &messages[m];
            let m_end = msg.offset + msg.len;
            if m_end > s_start {
                if msg.offset >= s_start {
                    marks.starts += 1;
                }
                if m_end <= s_end {
                    marks.ends += 1;
                }
                let mm = &mut out.messages[m];
                if mm.frames.last() != Some(&seg.frame) {
                    if !mm.frames.is_empty() {
                        mm.split = true;
                    }
                    mm.frames.push(seg.frame);
                }
                if msg.offset >= s_start && msg.offset < s_end {
                    mm.first_ts = Some(seg.ts);
                }
                mm.complete_ts = Some(mm.complete_ts.map_or(seg.ts, |t| t.max(seg.ts)));
                marks.messages.end = m + 1;
            }
            m += 1;
        }
        if marks.messages.start == marks.messages.end {
            marks.messages = m..m;
        }
        marks.coalesced = marks.messages.len() > 1;
        out.segments.push(marks);
    }
    out
}
