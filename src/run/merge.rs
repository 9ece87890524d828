//! Frames and calls in one time order.
//!
//! Frames come from the capture and calls from the tracer, each in its own order and late
//! by however long their thread waited for the processor; a call is placed at its entry or
//! its return ([`Call::t_shown_ns`]). Each source has a watermark — the time before which
//! it has delivered everything: a frame's own timestamp (the capture hands frames on in
//! time order), the capture's word while idle, the tracer's progress reports — and the
//! merger hands items out once both watermarks have passed them, however late a source is
//! (or at the end, everything). A source silent for longer than the merger's longest hold
//! no longer holds the others back.

use std::collections::BTreeMap;

use crate::calls::Call;
use crate::capture::OwnedFrame;

/// A frame or a call.
#[derive(Debug, Clone)]
pub enum Item {
    /// A captured frame.
    Frame(OwnedFrame),
    /// A traced call.
    Call(Box<Call>),
}

impl Item {
    /// The item's place in time (ns since the epoch).
    pub fn t_ns(&self) -> i64 {
        match self {
            Item::Frame(f) => f.ts.map_or(0, |t| t.as_nanos()),
            Item::Call(c) => c.t_shown_ns(),
        }
    }
}

/// Where items come from, each with its own watermark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The capture's frames.
    Capture,
    /// The tracer's calls.
    Tracer,
}

/// The longest an item waits for a silent source (`synack run` and the window's runs):
/// longer than any scheduling delay of the capture or the tracer thread seen under load.
pub const LONGEST_HOLD_NS: i64 = 2_000_000_000;

/// Frames timestamped on different processors may come a little out of order: a frame
/// vouches only for what is older than itself by this much, ns.
const FRAME_SLACK_NS: i64 = 1_000_000;

/// Items held until their turn.
#[derive(Debug)]
pub struct Merger {
    held: BTreeMap<(i64, u64), Item>,
    seq: u64,
    marks: [i64; 2],
    longest_hold_ns: i64,
}

impl Merger {
    /// A merger that holds items until both sources' watermarks pass them, but never
    /// longer than `longest_hold_ns` after their time.
    pub fn new(longest_hold_ns: i64) -> Merger {
        Merger {
            held: BTreeMap::new(),
            seq: 0,
            marks: [i64::MIN; 2],
            longest_hold_ns,
        }
    }

    /// Adds an item; a frame also moves the capture's watermark to its time.
    pub fn push(&mut self, item: Item) {
        let t = item.t_ns();
        if let Item::Frame(_) = &item {
            self.advance(Source::Capture, t.saturating_sub(FRAME_SLACK_NS));
        }
        self.seq += 1;
        self.held.insert((t, self.seq), item);
    }

    /// `source` has delivered everything placed before `t_ns`.
    pub fn advance(&mut self, source: Source, t_ns: i64) {
        let mark = &mut self.marks[source as usize];
        *mark = (*mark).max(t_ns);
    }

    /// The items both sources' watermarks have passed (or held longer than the longest
    /// hold before `now_ns`), in time order.
    pub fn ready(&mut self, now_ns: i64) -> Vec<Item> {
        let both = self.marks.iter().copied().min().unwrap_or(i64::MIN);
        let limit = both.max(now_ns.saturating_sub(self.longest_hold_ns));
        let mut out = Vec::new();
        while let Some(entry) = self.held.first_entry() {
            if entry.key().0 >= limit {
                break;
            }
            out.push(entry.remove());
        }
        out
    }

    /// Everything still held, in time order (the capture has ended: every byte a call can
    /// be given is here).
    pub fn drain(&mut self) -> Vec<Item> {
        std::mem::take(&mut self.held).into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::CallKind;
    use crate::capture::{LinkType, Timestamp};

    fn frame(ns: i64) -> Item {
        Item::Frame(OwnedFrame::packet(
            1,
            Timestamp::from_parts(0, ns),
            LinkType::Ethernet,
            vec![0; 14],
        ))
    }

    fn call(enter: i64, ret: i64, kind: CallKind) -> Item {
        let mut c = Call::new(ret, "client", 1, kind);
        c.t_enter_ns = Some(enter);
        c.traced = Some(Box::new(crate::calls::Traced {
            pid: 1,
            tid: 1,
            comm: "client".into(),
            fd: Some(3),
            proto: None,
            asked: None,
            ret: 0,
            addr: None,
            ready: Vec::new(),
        }));
        Item::Call(Box::new(c))
    }

    #[test]
    fn a_send_precedes_its_segment_and_a_recv_follows_it() {
        let mut m = Merger::new(10_000);
        m.push(call(50, 400, CallKind::Recv)); // blocked from 50, returned at 400
        m.push(frame(300));
        m.push(call(200, 320, CallKind::Send)); // entered at 200
        m.advance(Source::Tracer, 350);
        assert!(
            m.ready(420).is_empty(),
            "no word from the capture past 300 - 1 ms yet"
        );
        m.advance(Source::Capture, 350);
        let first = m.ready(420);
        let times: Vec<i64> = first.iter().map(Item::t_ns).collect();
        assert_eq!(times, [200, 300], "send at its entry, then the segment");
        let rest = m.drain();
        assert_eq!(rest.iter().map(Item::t_ns).collect::<Vec<_>>(), [400]);
    }

    #[test]
    fn a_late_source_holds_the_other_back_until_its_watermark_passes() {
        // The capture thread was not scheduled for a while: the tracer's calls wait for
        // it however late it is (up to the longest hold), and come out in time order.
        let ms = 1_000_000;
        let mut m = Merger::new(2_000 * ms);
        m.push(call(10 * ms, 11 * ms, CallKind::Send));
        m.push(call(30 * ms, 31 * ms, CallKind::Send));
        m.advance(Source::Tracer, 500 * ms);
        assert!(m.ready(500 * ms).is_empty(), "no word from the capture yet");
        // The frame of the first send arrives 480 ms late; a fixed 150 ms holdback would
        // have printed both sends before it.
        m.push(frame(12 * ms));
        let out: Vec<i64> = m.ready(500 * ms).iter().map(Item::t_ns).collect();
        assert_eq!(
            out,
            [10 * ms],
            "only what the frame vouches for (1 ms slack)"
        );
        m.advance(Source::Capture, 400 * ms);
        let out: Vec<i64> = m.ready(500 * ms).iter().map(Item::t_ns).collect();
        assert_eq!(out, [12 * ms, 30 * ms]);
        // A source that says nothing for longer than the longest hold holds nothing back.
        m.push(call(600 * ms, 601 * ms, CallKind::Send));
        m.advance(Source::Tracer, 3_000 * ms);
        assert!(m.ready(2_000 * ms).is_empty());
        assert_eq!(m.ready(2_700 * ms).len(), 1);
    }
}
