//! Unit tests of the view helpers that do not need a window.

use super::columns::absolute_time;
use crate::capture::Timestamp;

#[test]
fn absolute_time_is_utc_calendar_time() {
    // `date -u -d @1700000000.123456` → Tue Nov 14 22:13:20 UTC 2023.
    let ts = Timestamp::from_parts(1_700_000_000, 123_456_789);
    assert_eq!(absolute_time(ts), "2023-11-14 22:13:20.123456");
    // Leap day and the epoch.
    assert_eq!(
        absolute_time(Timestamp::from_parts(951_782_400, 0)),
        "2000-02-29 00:00:00.000000"
    );
    assert_eq!(
        absolute_time(Timestamp::from_parts(0, 0)),
        "1970-01-01 00:00:00.000000"
    );
}

/// The packed store gives back exactly what was pushed: every frame's fields and bytes, the
/// analysis summary, the full annotation of packets with tags or events, and the frame
/// numbers (also when they stop being consecutive).
#[test]
fn packed_store_returns_what_was_pushed() {
    use crate::analysis::{Config, Engine};
    use crate::capture::{FileReader, FrameSource};
    use crate::decode::decode;

    let mut reader =
        FileReader::from_reader("demo", std::io::Cursor::new(crate::capture::demo::PCAP))
            .expect("demo reads");
    let mut engine = Engine::new(Config::default());
    let mut data = super::store::StoreData::default();
    let mut kept = Vec::new();
    // Frame numbers 1, 2, 3, then 1001, 1002, ...: the store must switch to explicit numbers.
    while let Some(f) = reader.next_frame().expect("demo is intact") {
        let mut owned = f.to_owned();
        if owned.number > 3 {
            owned.number += 997;
        }
        let frame = owned.as_frame();
        let ann = engine.process(&frame, &decode(&frame));
        data.push(&frame, &ann);
        kept.push((owned, ann));
    }
    assert!(kept.len() > 20);
    let mut rich = 0;
    for (i, (owned, ann)) in kept.iter().enumerate() {
        let want = owned.as_frame();
        let got = data.frame(i).expect("stored");
        assert_eq!(
            (
                got.number,
                got.ts,
                got.len,
                got.link,
                got.interface,
                got.kind,
                got.data
            ),
            (
                want.number,
                want.ts,
                want.len,
                want.link,
                want.interface,
                want.kind,
                want.data
            ),
            "frame {i}"
        );
        assert_eq!(data.index_of_number(want.number), Some(i));
        let a = data.analysis(i);
        assert_eq!(a.flow, ann.flow, "flow of frame {i}");
        match (a.tcp, ann.tcp) {
            (Some(s), Some(t)) => {
                assert_eq!(
                    (s.seq, s.ack, s.len, s.next_seq, s.window, s.states, s.flags),
                    (
                        t.seq,
                        t.ack,
                        t.len,
                        t.next_seq,
                        t.window,
                        t.states,
                        t.tags.set()
                    ),
                    "tcp summary of frame {i}"
                );
                let has_rich = !(t.tags.is_empty() && t.events.is_empty());
                assert_eq!(data.rich(i), has_rich.then_some(t), "rich of frame {i}");
                rich += usize::from(has_rich);
            }
            (None, None) => assert!(data.rich(i).is_none()),
            other => panic!("frame {i}: tcp summary {other:?}"),
        }
    }
    assert!(rich > 0, "the demo has handshake events");
    assert_eq!(data.index_of_number(4), None);
    assert_eq!(data.index_of_number(999), None);
    assert!(data.frame(kept.len()).is_none());
}

/// Annotations the engine never makes still round-trip through the packed store: a next
/// sequence number off the `seq + len (+1 for SYN/FIN)` rule and tags added to packets
/// that had none (their full annotation is then kept, encoded).
#[test]
fn packed_store_keeps_irregular_annotations() {
    use crate::analysis::{Config, Engine, Flag, TagInfo};
    use crate::capture::{FileReader, FrameSource};
    use crate::decode::decode;

    let mut reader =
        FileReader::from_reader("demo", std::io::Cursor::new(crate::capture::demo::PCAP))
            .expect("demo reads");
    let mut engine = Engine::new(Config::default());
    let mut data = super::store::StoreData::default();
    let mut kept = Vec::new();
    while let Some(f) = reader.next_frame().expect("demo is intact") {
        let frame = f.to_owned();
        let mut ann = engine.process(&frame.as_frame(), &decode(&frame.as_frame()));
        let i = kept.len();
        if let Some(t) = &mut ann.tcp {
            if i % 3 == 0 {
                t.next_seq = t.next_seq.wrapping_add(1000);
            }
            if i % 4 == 0 {
                t.tags.push(
                    Flag::OutOfOrder,
                    TagInfo {
                        frame: i as u64 + 1,
                        delta_ns: -(i as i64),
                        num: 2,
                        seq: 100,
                        end: 200,
                    },
                );
            }
        }
        data.push(&frame.as_frame(), &ann);
        kept.push(ann);
    }
    let mut odd = 0;
    for (i, ann) in kept.iter().enumerate() {
        let Some(t) = ann.tcp else {
            assert!(data.analysis(i).tcp.is_none());
            continue;
        };
        let s = data.analysis(i).tcp.expect("tcp summary");
        assert_eq!(s.next_seq, t.next_seq, "next_seq of frame {i}");
        odd += usize::from(i % 3 == 0);
        let has_rich = !(t.tags.is_empty() && t.events.is_empty());
        assert_eq!(data.rich(i), has_rich.then_some(t), "rich of frame {i}");
        if i % 4 == 0 {
            assert!(s.flags.has(Flag::OutOfOrder), "flags of frame {i}");
        }
    }
    assert!(odd > 3, "the demo has TCP frames with odd next_seq: {odd}");
}
