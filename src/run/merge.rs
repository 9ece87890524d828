//! Frames and calls in one time order.
//!
//! Frames come from the capture and calls from the tracer, each in its own order and a
//! little late; a call is placed at its entry or its return ([`Call::t_shown_ns`]). The
//! merger holds what arrives for a short while and hands items out once nothing earlier
//! can still come (or at the end, everything).

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

/// Items held until their turn.
#[derive(Debug)]
pub struct Merger {
    held: BTreeMap<(i64, u64), Item>,
    seq: u64,
    holdback_ns: i64,
}

impl Merger {
    /// A merger that holds items `holdback_ns` after their time (longer than the capture
    /// and the tracer take to deliver them).
    pub fn new(holdback_ns: i64) -> Merger {
        Merger {
            held: BTreeMap::new(),
            seq: 0,
            holdback_ns,
        }
    }

    /// Adds an item.
    pub fn push(&mut self, item: Item) {
        self.seq += 1;
        self.held.insert((item.t_ns(), self.seq), item);
    }

    /// The items whose time is at least the holdback before `now_ns`, in time order.
    pub fn ready(&mut self, now_ns: i64) -> Vec<Item> {
        let limit = now_ns - self.holdback_ns;
        let mut out = Vec::new();
        while let Some(entry) = self.held.first_entry() {
            if entry.key().0 > limit {
                break;
            }
            out.push(entry.remove());
        }
        out
    }

    /// Everything still held, in time order.
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
        c.traced = Some(Box::new(crate::calls::Traced {
            pid: 1,
            tid: 1,
            comm: "client".into(),
            fd: Some(3),
            proto: None,
            t_enter_ns: enter,
            asked: None,
            ret: 0,
            addr: None,
            ready: Vec::new(),
        }));
        Item::Call(Box::new(c))
    }

    #[test]
    fn a_send_precedes_its_segment_and_a_recv_follows_it() {
        let mut m = Merger::new(100);
        m.push(call(50, 400, CallKind::Recv)); // blocked from 50, returned at 400
        m.push(frame(300));
        m.push(call(200, 320, CallKind::Send)); // entered at 200
        assert!(m.ready(250).is_empty(), "nothing is 100 ns old yet");
        let first = m.ready(420);
        let times: Vec<i64> = first.iter().map(Item::t_ns).collect();
        assert_eq!(times, [200, 300], "send at its entry, then the segment");
        let rest = m.drain();
        assert_eq!(rest.iter().map(Item::t_ns).collect::<Vec<_>>(), [400]);
    }
}
