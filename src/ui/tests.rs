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

/// Everything a frame says about itself but its bytes, to compare frames field by field.
fn meta_of(
    f: &crate::capture::Frame<'_>,
) -> (
    u64,
    Option<Timestamp>,
    u32,
    crate::capture::LinkType,
    u32,
    crate::capture::RecordKind,
) {
    (f.number, f.ts, f.len, f.link, f.interface, f.kind)
}

/// The demo capture pushed into a packed store frame by frame: each frame renumbered by
/// `number` before the engine sees it, its annotation changed by `alter` (with the frame's
/// index) before it is stored. Returns the store and what was pushed.
fn demo_store(
    number: impl Fn(u64) -> u64,
    mut alter: impl FnMut(usize, &mut crate::analysis::Annotation),
) -> (
    super::store::StoreData,
    Vec<(crate::capture::OwnedFrame, crate::analysis::Annotation)>,
) {
    use crate::analysis::{Config, Engine};
    use crate::capture::{FileReader, FrameSource};
    use crate::decode::decode;

    let mut reader =
        FileReader::from_reader("demo", std::io::Cursor::new(crate::capture::demo::PCAP))
            .expect("demo reads");
    let mut engine = Engine::new(Config::default());
    let mut data = super::store::StoreData::default();
    let mut kept = Vec::new();
    while let Some(f) = reader.next_frame().expect("demo is intact") {
        let mut owned = f.to_owned();
        owned.number = number(owned.number);
        let frame = owned.as_frame();
        let mut ann = engine.process(&frame, &decode(&frame));
        alter(kept.len(), &mut ann);
        data.push(&frame, &ann).expect("spilled");
        kept.push((owned, ann));
    }
    (data, kept)
}

/// The packed store gives back exactly what was pushed: every frame's fields and bytes, the
/// analysis summary, the full annotation of packets with tags or events, and the frame
/// numbers (also when they stop being consecutive).
#[test]
fn packed_store_returns_what_was_pushed() {
    // Frame numbers 1, 2, 3, then 1001, 1002, ...: the store must switch to explicit numbers.
    let (data, kept) = demo_store(|n| if n > 3 { n + 997 } else { n }, |_, _| {});
    assert!(kept.len() > 20);
    let mut rich = 0;
    for (i, (owned, ann)) in kept.iter().enumerate() {
        let want = owned.as_frame();
        let got = data.frame(i).expect("stored");
        assert_eq!(
            (meta_of(&got.as_frame()), got.data.as_slice()),
            (meta_of(&want), want.data),
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
    use crate::analysis::{Flag, TagInfo};

    let (data, kept) = demo_store(
        |n| n,
        |i, ann| {
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
        },
    );
    let mut odd = 0;
    for (i, (_, ann)) in kept.iter().enumerate() {
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

/// Captures of every kind the loader reads in its own way: classic pcap (read in blocks,
/// both byte orders, ns), pcapng with several interfaces and link types.
const BACKED: [&str; 5] = [
    "pcpp-three_http_streams.pcap",
    "pcpp-nanosecs_big_endian.pcap",
    "pcpp-pcapng-example.pcapng",
    "sanders-http_ip4and6.pcapng",
    "gopacket-be-test202.pcapng",
];

fn capture_path(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/captures")
        .join(name)
}

/// Waits for a loading thread to finish the store.
fn loaded(store: &super::store::PacketStore) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !store.read().finished {
        assert!(std::time::Instant::now() < until, "loading never finished");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// The file read directly, frame by frame.
fn frames_of(path: &std::path::Path) -> Vec<crate::capture::OwnedFrame> {
    use crate::capture::{FileReader, FrameSource};
    let mut r = FileReader::open(path).unwrap();
    let mut out = Vec::new();
    while let Ok(Some(f)) = r.next_frame() {
        out.push(f.to_owned());
    }
    out
}

/// The three ways a capture reaches the store: a file read where it is (the store keeps
/// offsets), a pipe (spilled to a temporary file) and bytes in memory (the demo).
fn stores_of(name: &str) -> [super::store::PacketStore; 3] {
    use super::ingest::{demo_store, load_file};
    use super::store::PacketStore;
    let path = capture_path(name);
    let file = PacketStore::new();
    load_file(&path, &file, || {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let writer = {
        let (fifo, path) = (fifo.clone(), path.clone());
        std::thread::spawn(move || {
            let bytes = std::fs::read(path).unwrap();
            std::fs::write(fifo, bytes).unwrap();
        })
    };
    let piped = PacketStore::new();
    load_file(&fifo, &piped, || {}).unwrap();
    let bytes: &'static [u8] = Vec::leak(std::fs::read(&path).unwrap());
    let memory = demo_store(name, bytes);
    loaded(&file);
    loaded(&piped);
    writer.join().unwrap();
    [file, piped, memory]
}

/// Every frame read back through the store (from the file at its offset, from the spill
/// file, from memory) equals the frame read from the file directly, fields and bytes.
#[test]
fn the_store_reads_back_every_frame_of_the_file() {
    for name in BACKED {
        let want = frames_of(&capture_path(name));
        assert!(!want.is_empty(), "{name}");
        for (how, store) in ["file", "pipe", "memory"].iter().zip(stores_of(name)) {
            let data = store.read();
            assert_eq!(data.error, None, "{name} through the {how}");
            assert_eq!(data.len(), want.len(), "{name} through the {how}");
            for (i, w) in want.iter().enumerate() {
                let got = data.frame(i).expect("stored");
                assert_eq!(
                    meta_of(&got.as_frame()),
                    meta_of(&w.as_frame()),
                    "{name} frame {i} through the {how}"
                );
                assert!(
                    got.data == w.data,
                    "{name} frame {i} bytes through the {how}"
                );
            }
            assert!(data.frame(want.len()).is_none());
            assert!(
                data.bytes_in_memory() <= 4 << 20,
                "{name}: {}",
                data.bytes_in_memory()
            );
        }
    }
}

/// The details tree and the bytes pane of every packet are the same whether the store
/// reads its bytes from the file, from the spill file or from memory.
#[test]
fn details_and_bytes_through_the_file_equal_those_from_memory() {
    use super::details::DetailsView;
    for name in BACKED {
        let [file, piped, memory] = stores_of(name);
        let want = frames_of(&capture_path(name));
        let (file, piped, memory) = (file.read(), piped.read(), memory.read());
        let mut shown = 0;
        for (i, w) in want.iter().enumerate() {
            let mut in_memory = DetailsView::default();
            in_memory.sync(&memory, Some(i), None);
            assert_eq!(in_memory.bytes, w.data, "{name} frame {i}");
            for (how, data) in [("file", &file), ("pipe", &piped)] {
                let mut backed = DetailsView::default();
                backed.sync(data, Some(i), None);
                assert_eq!(backed.bytes, in_memory.bytes, "{name} frame {i} via {how}");
                assert!(
                    backed.nodes == in_memory.nodes,
                    "{name} frame {i}: details via {how} differ"
                );
            }
            shown += usize::from(!in_memory.nodes.is_empty());
        }
        assert_eq!(shown, want.len(), "{name}: every packet has details");
    }
}
