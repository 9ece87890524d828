use proptest::prelude::*;

use super::framing::{auto, frame_stream, Framer, Framing, Step};
use super::*;
use crate::capture::Timestamp;

fn seg(seq: u32, payload: &[u8], frame: u64) -> SegmentIn<'_> {
    SegmentIn {
        seq,
        payload,
        claimed_len: payload.len() as u32,
        frame,
        ts: Timestamp(frame as i64 * 1000),
        syn: false,
        fin: false,
    }
}

fn syn(seq: u32) -> SegmentIn<'static> {
    SegmentIn {
        syn: true,
        ..seg(seq, &[], 1)
    }
}

fn collect(segs: &[SegmentIn<'_>]) -> (DirectionStream, Reassembler, MemoryBudget) {
    let mut r = Reassembler::new(Limits::default());
    let mut budget = MemoryBudget::default();
    let mut d = DirectionStream::default();
    for s in segs {
        r.push(*s, &mut budget, &mut d);
    }
    r.flush(&mut budget, &mut d);
    d.closed = r.is_closed();
    (d, r, budget)
}

/// Connection `stream` from 10.0.0.1:1000 to 10.0.0.2:80 with these directions' stores and
/// reassemblers, the client's first.
fn followed(
    stream: u32,
    (c2s, c2s_reasm): (DirectionStream, Reassembler),
    (s2c, s2c_reasm): (DirectionStream, Reassembler),
) -> follow::FollowedConn {
    follow::FollowedConn {
        stream,
        vlan: Vec::new(),
        client: "10.0.0.1:1000".parse().unwrap(),
        server: "10.0.0.2:80".parse().unwrap(),
        dirs: [
            follow::FollowedDir {
                reasm: c2s_reasm,
                store: c2s,
            },
            follow::FollowedDir {
                reasm: s2c_reasm,
                store: s2c,
            },
        ],
    }
}

fn all_bytes(d: &DirectionStream) -> Vec<u8> {
    d.bytes().flatten().copied().collect()
}

#[test]
fn in_order_and_out_of_order_reassemble() {
    let (d, r, budget) = collect(&[
        syn(100),
        seg(101, b"hello ", 2),
        seg(112, b"!", 4),
        seg(107, b"world", 3),
    ]);
    assert_eq!(all_bytes(&d), b"hello world!");
    assert!(d.gaps.is_empty());
    assert_eq!(r.stats().out_of_order, 1);
    assert_eq!(budget.used(), 0);
    let frames: Vec<u64> = d.segments.iter().map(|s| s.frame).collect();
    assert_eq!(frames, vec![2, 3, 4]);
}

#[test]
fn first_copy_wins_and_conflicts_are_reported() {
    let mut r = Reassembler::new(Limits::default());
    let mut budget = MemoryBudget::default();
    let mut d = DirectionStream::default();
    r.push(seg(0, b"abcdef", 1), &mut budget, &mut d);
    let same = r.push(seg(2, b"cd", 2), &mut budget, &mut d);
    assert_eq!(same.duplicate_bytes, 2);
    assert_eq!(same.conflict, None);
    let diff = r.push(seg(4, b"XYgh", 3), &mut budget, &mut d);
    assert_eq!(diff.duplicate_bytes, 2);
    assert_eq!(diff.new_bytes, 2);
    assert_eq!(
        diff.conflict,
        Some(Conflict {
            offset: 4,
            len: 2,
            frame: 3
        })
    );
    // Buffered data is protected too.
    r.push(seg(10, b"kl", 4), &mut budget, &mut d);
    let c = r.push(seg(8, b"ijKL", 5), &mut budget, &mut d);
    assert_eq!(c.conflict.map(|c| c.offset), Some(10));
    r.flush(&mut budget, &mut d);
    assert_eq!(all_bytes(&d), b"abcdefghijkl");
    assert_eq!(r.stats().conflicts, 2);
}

#[test]
fn sequence_numbers_wrap() {
    let (d, _, _) = collect(&[
        syn(u32::MAX - 3),
        seg(u32::MAX - 2, b"abc", 2),
        seg(2, b"fg", 4),
        seg(0, b"de", 3),
    ]);
    assert_eq!(all_bytes(&d), b"abcdefg");
    assert!(d.gaps.is_empty());
}

#[test]
fn acked_unseen_data_is_a_gap_and_later_data_flows() {
    let mut r = Reassembler::new(Limits::default());
    let mut budget = MemoryBudget::default();
    let mut d = DirectionStream::default();
    r.push(syn(1000), &mut budget, &mut d);
    r.push(seg(1001, b"aaaa", 2), &mut budget, &mut d);
    // 1005..1010 never captured; the receiver acknowledges 1010.
    r.ack(1010, &mut budget, &mut d);
    r.push(seg(1010, b"bb", 4), &mut budget, &mut d);
    assert_eq!(
        d.gaps,
        vec![Gap {
            offset: 4,
            len: 5,
            reason: GapReason::AckedUnseen
        }]
    );
    assert_eq!(d.runs.len(), 2);
    assert_eq!(d.runs[1].offset, 9);
    assert_eq!(d.runs[1].data, b"bb");
}

#[test]
fn snaplen_cut_is_a_gap_never_invented_bytes() {
    let mut s = seg(0, b"abc", 1);
    s.claimed_len = 10;
    let (d, r, _) = collect(&[s, seg(10, b"k", 2)]);
    assert_eq!(
        d.gaps,
        vec![Gap {
            offset: 3,
            len: 7,
            reason: GapReason::NotCaptured
        }]
    );
    assert_eq!(all_bytes(&d), b"abck");
    assert_eq!(r.stats().gap_bytes, 7);
}

#[test]
fn buffer_cap_cuts_with_a_report() {
    // Room for two pieces of bookkeeping and 8 bytes.
    let cap = 2 * PIECE_OVERHEAD + 8;
    let limits = Limits {
        max_buffered: cap,
        history: 16,
    };
    let mut r = Reassembler::new(limits);
    let mut budget = MemoryBudget::default();
    let mut d = DirectionStream::default();
    r.push(seg(0, b"ab", 1), &mut budget, &mut d);
    r.push(seg(10, b"0123456", 2), &mut budget, &mut d);
    assert_eq!(r.buffered(), 7 + PIECE_OVERHEAD);
    r.push(seg(20, b"xyz", 3), &mut budget, &mut d);
    assert!(r.stats().cap_cuts >= 1);
    assert_eq!(d.gaps[0].reason, GapReason::BufferLimit);
    assert_eq!(d.gaps[0].offset, 2);
    assert!(r.buffered() <= cap);
    // The total budget cuts as well, and says so.
    let mut tight = MemoryBudget::new(4);
    let mut r2 = Reassembler::new(Limits::default());
    let mut d2 = DirectionStream::default();
    r2.push(seg(0, b"a", 1), &mut tight, &mut d2);
    r2.push(seg(5, b"123456", 2), &mut tight, &mut d2);
    assert_eq!(tight.cuts(), 1);
    assert_eq!(tight.used(), 0);
    assert_eq!(d2.gaps[0].reason, GapReason::BufferLimit);
}

#[test]
fn stream_store_cap_reports_the_cut() {
    let mut d = DirectionStream::with_cap(5);
    let mut r = Reassembler::new(Limits::default());
    let mut budget = MemoryBudget::default();
    r.push(seg(0, b"abcdefgh", 1), &mut budget, &mut d);
    assert_eq!(d.cut_at(), Some(5));
    assert_eq!(all_bytes(&d), b"abcde");
    assert_eq!(d.len, 8);
}

#[test]
fn midstream_start_and_bytes_before_it() {
    let (d, r, _) = collect(&[seg(500, b"cdef", 2), seg(498, b"abcd", 3)]);
    assert_eq!(all_bytes(&d), b"cdef");
    assert_eq!(r.stats().before_start, 2);
}

fn framed(bytes: &[u8], framing: Framing) -> Vec<(u64, u64)> {
    let (mut d, _, _) = collect(&[seg(0, bytes, 1)]);
    d.closed = true;
    frame_stream(&d, framing)
        .messages
        .iter()
        .map(|m| (m.offset, m.len))
        .collect()
}

#[test]
fn framing_names_round_trip() {
    for s in [
        "line",
        "u8",
        "u16be",
        "u16le",
        "u32be",
        "u32le",
        "u16be:off=2:incl",
        "http",
        "tls",
        "dns",
        "resp",
        "mysql",
        "fixed:7",
    ] {
        let f: Framing = s.parse().unwrap();
        assert_eq!(f.to_string(), s);
    }
    assert!("fixed:0".parse::<Framing>().is_err());
    assert!("u24".parse::<Framing>().is_err());
}

#[test]
fn line_and_length_prefix_framing() {
    assert_eq!(framed(b"a\nbc\r\nd", Framing::Line), vec![(0, 2), (2, 4)]);
    assert_eq!(
        framed(b"\x00\x02hi\x00\x01!", "u16be".parse().unwrap()),
        vec![(0, 4), (4, 3)]
    );
    assert_eq!(
        framed(b"\x02\x00hi", "u16le".parse().unwrap()),
        vec![(0, 4)]
    );
    // Type byte, then a length that includes the 3-byte header.
    assert_eq!(
        framed(b"T\x00\x05hiU\x00\x03", "u16be:off=1:incl".parse().unwrap()),
        vec![(0, 5), (5, 3)]
    );
    assert_eq!(framed(b"abcdefg", Framing::Fixed(3)), vec![(0, 3), (3, 3)]);
}

#[test]
fn http_bodies_content_length_chunked_until_close() {
    let req = b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n";
    assert_eq!(framed(req, Framing::Http), vec![(0, 51), (51, 18)]);
    let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
    assert_eq!(
        framed(chunked, Framing::Http),
        vec![(0, chunked.len() as u64)]
    );
    let close = b"HTTP/1.0 200 OK\r\n\r\nbody until close";
    assert_eq!(framed(close, Framing::Http), vec![(0, close.len() as u64)]);
    let not_modified = b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n";
    assert_eq!(framed(not_modified, Framing::Http).len(), 1);
    let (d, _, _) = collect(&[seg(0, b"\x16\x03\x01\x00\x01x", 1)]);
    let f = frame_stream(&d, Framing::Http);
    assert!(f.messages.is_empty());
    assert_eq!(f.unparsed_bytes(), 6);
}

#[test]
fn http_response_to_head_has_no_body() {
    use super::follow::{frame_connection, FramingChoice};
    let req = b"HEAD / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    let resp = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n\
HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    let (c2s, r1, _) = collect(&[seg(0, req, 1)]);
    let (s2c, r2, _) = collect(&[seg(0, resp, 2)]);
    let conn = followed(0, (c2s, r1), (s2c, r2));
    let msgs = frame_connection(&conn, FramingChoice::Use(Framing::Http));
    let lens: Vec<u64> = msgs.dirs[1].framed.messages.iter().map(|m| m.len).collect();
    // 100 Continue, the HEAD answer without its 5 body bytes, the GET answer with them.
    assert_eq!(lens, vec![25, 38, 43]);
    assert_eq!(msgs.dirs[1].framed.unparsed_bytes(), 0);
}

#[test]
fn resp_values_and_inline_commands() {
    let s = b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n+OK\r\nPING\r\n:12\r\n$-1\r\n%1\r\n+a\r\n:1\r\n";
    let m = framed(s, Framing::Resp);
    assert_eq!(m.len(), 6);
    assert_eq!(m[0], (0, 20));
}

#[test]
fn tls_dns_mysql() {
    let tls = b"\x16\x03\x01\x00\x02ab\x17\x03\x03\x00\x01z";
    assert_eq!(framed(tls, Framing::Tls), vec![(0, 7), (7, 6)]);
    let mut dns = vec![0, 12];
    dns.extend_from_slice(&[0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    assert_eq!(framed(&dns, Framing::Dns), vec![(0, 14)]);
    // MySQL greeting, then the client switched to TLS.
    let mut my = vec![3, 0, 0, 0, b'a', b'b', b'c'];
    my.extend_from_slice(tls);
    let (mut d, _, _) = collect(&[seg(0, &my, 1)]);
    d.closed = true;
    let f = frame_stream(&d, Framing::Mysql);
    let protos: Vec<&str> = f.messages.iter().map(|m| m.proto).collect();
    assert_eq!(protos, vec!["mysql", "tls", "tls"]);
}

#[test]
fn message_cut_by_gap_is_incomplete_and_framing_resumes() {
    // u16be messages of 6 bytes; the middle of message 2 is lost.
    let stream: Vec<u8> = (0..4u8).flat_map(|i| [0, 4, i, i, i, i]).collect();
    let mut s = seg(0, &stream[..8], 1);
    s.claimed_len = 10;
    let (d, _, _) = collect(&[s, seg(10, &stream[10..], 2)]);
    let f = frame_stream(&d, "u16be".parse().unwrap());
    let offs: Vec<u64> = f.messages.iter().map(|m| m.offset).collect();
    assert_eq!(offs, vec![0, 12, 18]);
    assert_eq!(f.incomplete.len(), 1);
    assert_eq!(f.incomplete[0].total, Some(6));
    assert_eq!(f.incomplete[0].cut_by, "gap");
}

#[test]
fn auto_resumes_line_framing_after_a_gap_and_says_so() {
    // 300 lines of 20 bytes; a segment lost in the middle cuts line 150.
    let text: Vec<u8> = (0..300)
        .flat_map(|i| format!("line {i:>6} of text\n").into_bytes())
        .collect();
    assert_eq!(text.len(), 300 * 20);
    let (lost_from, lost_to) = (2990usize, 3010usize);
    let (mut d, _, _) = collect(&[
        seg(0, &text[..lost_from], 1),
        seg(lost_to as u32, &text[lost_to..], 3),
    ]);
    d.closed = true;
    assert_eq!(d.runs.len(), 2, "one gap");
    let c = auto(&[&d]);
    assert_eq!(c.framing, Framing::Line, "{}", c.reason);
    assert!(c.consistent, "{}", c.reason);
    let reason = c.reason.to_string();
    assert!(
        reason.contains("line: 298 messages cover 100% of 5980 bytes with nothing unparseable; it resumes after 1 gap, at the next message start (10 bytes cut by it left out)"),
        "{reason}"
    );
    let f = frame_stream(&d, Framing::Line);
    // Lines 0..=148 before the gap, 151..300 after it; line 149 is cut by the gap (its
    // start is there, its end lost), line 150's end is the 10 bytes left out.
    assert!(f
        .messages
        .iter()
        .any(|m| m.offset + m.len <= lost_from as u64));
    assert!(f.messages.iter().any(|m| m.offset >= lost_to as u64));
    assert_eq!(f.messages.len(), 149 + 149);
    assert_eq!(f.unparsed.len(), 1);
    assert!(f.unparsed[0].cut_by_gap());
    assert_eq!((f.unparsed[0].offset, f.unparsed[0].len), (3010, 10));
    // `choose`, the quick form, agrees.
    assert_eq!(super::framing::choose(&[&d]), (Framing::Line, true));
}

#[test]
fn http_and_tls_framing_resume_at_the_next_message_after_a_gap() {
    // Requests without a body; the gap cuts request 2's header (its length unknown).
    let req = |i: usize| {
        format!(
            "GET /item/{i} HTTP/1.1\r\nHost: example\r\nX-Pad: {}\r\n\r\n",
            "p".repeat(40)
        )
        .into_bytes()
    };
    let all: Vec<u8> = (0..6).flat_map(req).collect();
    let one = req(0).len();
    let (gap_from, gap_to) = (one + 10, one + 30);
    let (mut d, _, _) = collect(&[
        seg(0, &all[..gap_from], 1),
        seg(gap_to as u32, &all[gap_to..], 2),
    ]);
    d.closed = true;
    let f = frame_stream(&d, Framing::Http);
    let offsets: Vec<u64> = f.messages.iter().map(|m| m.offset).collect();
    assert_eq!(
        offsets,
        (0..6)
            .filter(|&i| i != 1)
            .map(|i| (i * one) as u64)
            .collect::<Vec<_>>()
    );
    assert!(
        f.unparsed.iter().all(|u| u.cut_by_gap()),
        "{:?}",
        f.unparsed
    );
    // (`auto` prefers `line` here: it also covers the cut request's first line.)

    // TLS records of 105 bytes; the gap cuts record 3's header.
    let rec: Vec<u8> = [23u8, 3, 3, 0, 100].into_iter().chain([7u8; 100]).collect();
    let all: Vec<u8> = rec.iter().copied().cycle().take(rec.len() * 8).collect();
    let (gap_from, gap_to) = (2 * 105 + 2, 2 * 105 + 50);
    let (d, _, _) = collect(&[
        seg(0, &all[..gap_from], 1),
        seg(gap_to as u32, &all[gap_to..], 2),
    ]);
    let f = frame_stream(&d, Framing::Tls);
    let offsets: Vec<u64> = f.messages.iter().map(|m| m.offset).collect();
    assert_eq!(offsets, vec![0, 105, 315, 420, 525, 630, 735]);
    assert_eq!(f.unparsed.len(), 1);
    assert!(f.unparsed[0].cut_by_gap());
    assert_eq!((f.unparsed[0].offset, f.unparsed[0].len), (260, 55));
}

#[test]
fn sticky_annotation_marks_coalesced_and_split() {
    // Messages: [0,4) [4,6) [6,12); segments: [0,6) [6,9) [9,12).
    let (d, _, _) = collect(&[
        seg(0, b"aaaabb", 10),
        seg(6, b"ccc", 11),
        seg(9, b"ccc", 12),
    ]);
    let msgs = [(0, 4), (4, 2), (6, 6)].map(|(offset, len)| Message {
        offset,
        len,
        proto: "x",
        until_close: false,
    });
    let a = annotate(&d.segments, &msgs);
    assert!(a.segments[0].coalesced);
    assert_eq!(a.segments[0].starts, 2);
    assert_eq!(a.segments[0].ends, 2);
    assert_eq!(a.segments[0].messages, 0..2);
    assert!(!a.segments[1].coalesced);
    assert_eq!(a.segments[1].ends, 0);
    assert_eq!(a.messages[2].frames, vec![11, 12]);
    assert!(a.messages[2].split);
    assert_eq!(a.messages[2].span_ns(), Some(1000));
    assert_eq!(a.coalesced_segments(), 1);
    assert_eq!(a.split_messages(), 1);
}

#[test]
fn auto_prefers_specific_consistent_framings() {
    let mk = |b: &[u8]| {
        let (mut d, _, _) = collect(&[seg(0, b, 1)]);
        d.closed = true;
        d
    };
    let http = mk(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let resp = mk(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
    let c = auto(&[&http, &resp]);
    assert_eq!(c.framing, Framing::Http, "{}", c.reason);
    assert!(c.consistent);
    let lines = mk(b"one\ntwo\nthree\n");
    assert_eq!(auto(&[&lines]).framing, Framing::Line);
    let redis = mk(b"+PONG\r\n+PONG\r\n");
    let ping = mk(b"PING\r\nPING\r\n");
    assert_eq!(auto(&[&ping, &redis]).framing, Framing::Resp);
    let u32s: Vec<u8> = (0..5u8).flat_map(|i| [0, 0, 0, 3, i, 0xff, 0x80]).collect();
    let d = mk(&u32s);
    let c = auto(&[&d]);
    assert_eq!(c.framing, "u32be".parse().unwrap(), "{}", c.reason);
}

/// Frames the stream, returning each message's bytes.
fn messages_of(d: &DirectionStream, framing: Framing) -> Vec<Vec<u8>> {
    let run = &d.runs[0];
    frame_stream(d, framing)
        .messages
        .iter()
        .map(|m| run.data[m.offset as usize..(m.offset + m.len) as usize].to_vec())
        .collect()
}

/// Framings the split property is checked with, and how each encodes one message.
const SPLIT_FRAMINGS: [&str; 8] = [
    "u16be",
    "u32le:off=1:incl",
    "line",
    "tls",
    "resp",
    "http",
    "mysql",
    "dns",
];

fn encode(framing: usize, i: usize, body: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    match framing {
        0 => {
            v.extend_from_slice(&(body.len() as u16).to_be_bytes());
            v.extend_from_slice(body);
        }
        1 => {
            v.push(7);
            v.extend_from_slice(&(body.len() as u32 + 5).to_le_bytes());
            v.extend_from_slice(body);
        }
        2 => {
            v.extend(body.iter().map(|&b| if b == b'\n' { b'x' } else { b }));
            v.push(b'\n');
        }
        3 => {
            v.extend_from_slice(&[23, 3, 3]);
            v.extend_from_slice(&(body.len() as u16).to_be_bytes());
            v.extend_from_slice(body);
        }
        4 => {
            v.extend_from_slice(format!("${}\r\n", body.len()).as_bytes());
            v.extend_from_slice(body);
            v.extend_from_slice(b"\r\n");
        }
        5 => {
            v.extend_from_slice(
                format!(
                    "POST /{i} HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            );
            v.extend_from_slice(body);
        }
        6 => {
            v.extend_from_slice(&(body.len() as u32).to_le_bytes()[..3]);
            v.push(i as u8);
            v.extend_from_slice(body);
        }
        _ => {
            let mut m = vec![0, i as u8, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
            m.extend_from_slice(body);
            v.extend_from_slice(&(m.len() as u16).to_be_bytes());
            v.extend_from_slice(&m);
        }
    }
    v
}

prop_compose! {
    /// A framing, messages encoded with it, their byte stream, and segments (start, end)
    /// covering the stream with duplicates, overlaps and reordering.
    fn split_stream()(
        framing in 0..SPLIT_FRAMINGS.len(),
        msgs in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 1..30),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..40),
        dups in prop::collection::vec((any::<prop::sample::Index>(), 1usize..30), 0..10),
        order in any::<prop::sample::Index>(),
        isn in any::<u32>(),
        swaps in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 0..20),
    ) -> (usize, Vec<Vec<u8>>, Vec<u8>, Vec<(usize, usize)>, u32) {
        let messages: Vec<Vec<u8>> =
            msgs.iter().enumerate().map(|(i, m)| encode(framing, i, m)).collect();
        let stream: Vec<u8> = messages.concat();
        let n = stream.len();
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(n + 1)).collect();
        points.push(0);
        points.push(n);
        points.sort_unstable();
        points.dedup();
        let mut segs: Vec<(usize, usize)> = points.windows(2).map(|w| (w[0], w[1])).collect();
        for (at, len) in dups {
            let s = at.index(n);
            segs.push((s, (s + len).min(n)));
        }
        for (a, b) in swaps {
            let (a, b) = (a.index(segs.len()), b.index(segs.len()));
            segs.swap(a, b);
        }
        let rot = order.index(segs.len());
        segs.rotate_left(rot);
        (framing, messages, stream, segs, isn)
    }
}

/// Steps a `framing` framer through `bytes` message after message (`at_end`: no more bytes
/// will come) until it asks for more or stops, failing unless each message is at least a
/// byte long and within the bytes left.
fn step_through(framing: Framing, bytes: &[u8], at_end: bool) -> Result<(), TestCaseError> {
    let mut framer = Framer::new(framing);
    let mut pos = 0;
    while pos < bytes.len() {
        match framer.step(&bytes[pos..], at_end) {
            Step::Message(n) => {
                prop_assert!(n >= 1 && n <= bytes.len() - pos);
                pos += n;
            }
            _ => break,
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn random_splits_reassemble_to_the_original_messages(
        (framing, messages, stream, segs, isn) in split_stream()
    ) {
        let framing: Framing = SPLIT_FRAMINGS[framing].parse().unwrap();
        let mut r = Reassembler::new(Limits::default());
        let mut budget = MemoryBudget::default();
        let mut d = DirectionStream::default();
        r.push(syn(isn), &mut budget, &mut d);
        for (i, &(s, e)) in segs.iter().enumerate() {
            let seq = isn.wrapping_add(1).wrapping_add(s as u32);
            let out = r.push(seg(seq, &stream[s..e], i as u64 + 2), &mut budget, &mut d);
            prop_assert!(out.conflict.is_none());
        }
        r.flush(&mut budget, &mut d);
        d.closed = true;
        prop_assert_eq!(budget.used(), 0);
        prop_assert!(d.gaps.is_empty());
        prop_assert_eq!(d.runs.len(), 1);
        prop_assert_eq!(&d.runs[0].data, &stream);
        prop_assert_eq!(messages_of(&d, framing), messages.clone());
        // Each new byte is attributed to exactly one segment, in order.
        let total: u64 = d.segments.iter().map(|s| s.len).sum();
        prop_assert_eq!(total, stream.len() as u64);
        let a = annotate(&d.segments, &frame_stream(&d, framing).messages);
        prop_assert_eq!(a.messages.len(), messages.len());
        for m in &a.messages {
            prop_assert_eq!(m.split, m.frames.len() > 1);
        }
    }

    #[test]
    fn conflicting_retransmissions_are_reported_and_the_first_copy_wins(
        stream in prop::collection::vec(any::<u8>(), 2..400),
        cut in any::<prop::sample::Index>(),
        range in (any::<prop::sample::Index>(), 1usize..60),
        flip in any::<prop::sample::Index>(),
        early in any::<bool>(),
    ) {
        // The stream goes in two segments; a copy of a range with one byte changed comes
        // either after everything (compared with the history) or between the two segments
        // (compared with buffered data when it lies in the second one).
        let n = stream.len();
        let c = cut.index(n - 1) + 1;
        let start = range.0.index(n);
        let end = (start + range.1).min(n);
        let mut bad = stream[start..end].to_vec();
        let f = flip.index(bad.len());
        bad[f] ^= 0x55;
        let mut r = Reassembler::new(Limits::default());
        let mut budget = MemoryBudget::default();
        let mut d = DirectionStream::default();
        r.push(syn(u32::MAX), &mut budget, &mut d);
        r.push(seg(c as u32, &stream[c..], 2), &mut budget, &mut d);
        let mut outcomes = Vec::new();
        if early {
            outcomes.push(r.push(seg(start as u32, &bad, 3), &mut budget, &mut d));
            r.push(seg(0, &stream[..c], 1), &mut budget, &mut d);
        } else {
            r.push(seg(0, &stream[..c], 1), &mut budget, &mut d);
            outcomes.push(r.push(seg(start as u32, &bad, 3), &mut budget, &mut d));
        }
        r.flush(&mut budget, &mut d);
        let flipped = (start + f) as u64;
        // The flipped byte was already known unless it arrived first (early, before the hole).
        let known_first = !early || flipped >= c as u64;
        if known_first {
            prop_assert_eq!(&all_bytes(&d), &stream);
            let conflict = outcomes[0].conflict;
            prop_assert!(conflict.is_some(), "no conflict reported");
            let conflict = conflict.unwrap();
            prop_assert!(conflict.offset <= flipped && flipped < conflict.offset + conflict.len);
            prop_assert_eq!(conflict.frame, 3);
        } else {
            // The changed copy came first for those bytes: it wins there, and the later
            // original is what conflicts.
            prop_assert_eq!(all_bytes(&d)[flipped as usize], stream[flipped as usize] ^ 0x55);
            prop_assert!(r.stats().conflicts >= 1);
        }
    }

    #[test]
    fn reassembler_never_panics_and_releases_its_budget(
        segs in prop::collection::vec(
            (any::<u32>(), prop::collection::vec(any::<u8>(), 0..50), 0u32..80, any::<bool>(), any::<bool>(), any::<Option<u32>>()),
            0..40),
        base in any::<u32>(),
        max_buffered in 0usize..200,
        total in 0usize..300,
    ) {
        let mut r = Reassembler::new(Limits { max_buffered, history: 32 });
        let mut budget = MemoryBudget::new(total);
        let mut d = DirectionStream::with_cap(500);
        for (i, (seq, payload, claimed, s, f, ack)) in segs.iter().enumerate() {
            let seq = base.wrapping_add(seq % 400);
            r.push(SegmentIn { seq, payload, claimed_len: *claimed, frame: i as u64, ts: Timestamp(0), syn: *s, fin: *f }, &mut budget, &mut d);
            if let Some(a) = ack {
                r.ack(base.wrapping_add(a % 400), &mut budget, &mut d);
            }
            prop_assert!(r.buffered() <= max_buffered && budget.used() <= total);
        }
        r.flush(&mut budget, &mut d);
        prop_assert_eq!(budget.used(), 0);
        // Runs and gaps tile the stream without overlap.
        let mut spans: Vec<(u64, u64)> = d.runs.iter().map(|r| (r.offset, r.end())).collect();
        spans.extend(d.gaps.iter().map(|g| (g.offset, g.offset + g.len)));
        spans.sort_unstable();
        for w in spans.windows(2) {
            prop_assert!(w[0].1 <= w[1].0);
        }
    }

    #[test]
    fn every_framing_is_total_on_random_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        at_end in any::<bool>(),
        which in 0usize..14,
    ) {
        let names = ["line", "u8", "u16be", "u16le", "u32be", "u32le:off=3:incl", "u16be:off=2",
            "http", "tls", "dns", "resp", "mysql", "fixed:5", "fixed:1"];
        let framing: Framing = names[which].parse().unwrap();
        step_through(framing, &bytes, at_end)?;
        let (mut d, _, _) = collect(&[seg(0, &bytes, 1)]);
        d.closed = at_end;
        let f = frame_stream(&d, framing);
        let covered = f.covered() + f.unparsed_bytes()
            + f.incomplete.iter().map(|i| i.present).sum::<u64>();
        prop_assert_eq!(covered, bytes.len() as u64);
        let _ = auto(&[&d]);
    }

    #[test]
    fn text_framings_on_texty_random_bytes(
        bytes in prop::collection::vec(prop::sample::select(b"GET /HTTP1.\r\n:0123456789abc-+*$ChunkedTransfer-Encoding;Content-Length".to_vec()), 0..300),
        which in 0usize..3,
    ) {
        let framing = [Framing::Http, Framing::Resp, Framing::Line][which];
        step_through(framing, &bytes, true)?;
    }
}

#[test]
fn follow_frame_events_and_counts() {
    use super::follow::{frame_connection, frame_events, FramingChoice, StickyEvent};
    // c2s: three u16be messages [0,4) [4,7) [7,13) in frames 10 [0,7) and 11, 12 [7,10) [10,13).
    let bytes = b"\x00\x02ab\x00\x01c\x00\x04defg";
    let (c2s, r, _) = collect(&[
        seg(0, &bytes[..7], 10),
        seg(7, &bytes[7..10], 11),
        seg(10, &bytes[10..], 12),
    ]);
    let silent_server = (
        DirectionStream::default(),
        Reassembler::new(Limits::default()),
    );
    let conn = followed(3, (c2s, r), silent_server);
    let msgs = frame_connection(&conn, FramingChoice::Use("u16be".parse().unwrap()));
    let counts = msgs.counts(&conn);
    assert_eq!(counts[0].messages, 3);
    assert_eq!(counts[0].coalesced_segments, 1);
    assert_eq!(counts[0].split_messages, 1);
    assert_eq!(counts[1].messages, 0);
    let mut ev = std::collections::HashMap::new();
    frame_events(&conn, &msgs, &mut ev);
    assert_eq!(
        ev[&10],
        vec![
            StickyEvent::MessageBoundary { starts: 2, ends: 2 },
            StickyEvent::Coalesced { first: 0, count: 2 },
        ]
    );
    assert_eq!(
        ev[&11],
        vec![StickyEvent::MessageBoundary { starts: 1, ends: 0 }]
    );
    assert_eq!(
        ev[&12],
        vec![
            StickyEvent::MessageBoundary { starts: 0, ends: 1 },
            StickyEvent::Split {
                message: 2,
                frames: vec![11, 12]
            },
        ]
    );
    assert_eq!(ev[&12][1].describe(), "split: message #2 over frames 11,12");
}

#[test]
fn frozen_store_keeps_counting_but_reports_the_cut() {
    let mut d = DirectionStream::default();
    let mut r = Reassembler::new(Limits::default());
    let mut budget = MemoryBudget::default();
    r.push(seg(0, b"abc", 1), &mut budget, &mut d);
    d.freeze();
    r.push(seg(3, b"def", 2), &mut budget, &mut d);
    assert_eq!(d.cut_at(), Some(3));
    assert_eq!(all_bytes(&d), b"abc");
    assert_eq!(d.len, 6);
    assert_eq!(d.segments.len(), 2);
}

/// Pieces of the formats `auto` knows, and junk, to build streams it must choose among.
const AUTO_PIECES: [&[u8]; 14] = [
    b"hello world\n",
    b"+OK\r\n",
    b"$3\r\nabc\r\n",
    b"PING\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
    &[0x17, 3, 3, 0, 2, b'a', b'b'],
    &[0, 3, b'x', b'y', b'z'],
    &[0, 0, 0, 2, 0xfe, 0x01],
    &[2, 0x80, 0x81],
    &[3, 0, 0, 0, 3, b'a', b'b'],
    &[0, 0, 0, 0],
    b"xxxxxxxxxxxxxxxxxxxxxxx",
    &[0xff, 0x00, 0x7f, 0x10],
];

/// A direction made of `pieces` (indices into [`AUTO_PIECES`]) sent in segments of `seg`
/// bytes, with a gap of `gap` bytes before segment number `gap_at` (none when 0).
fn auto_direction(
    pieces: &[usize],
    seg: usize,
    gap_at: usize,
    gap: u64,
    closed: bool,
) -> DirectionStream {
    let bytes: Vec<u8> = pieces
        .iter()
        .flat_map(|&i| AUTO_PIECES[i].to_vec())
        .collect();
    let mut d = DirectionStream::default();
    let mut offset = 0u64;
    for (n, chunk) in bytes.chunks(seg.max(1)).enumerate() {
        if gap_at > 0 && n == gap_at {
            d.gap(offset, gap, reassembly::GapReason::NotCaptured);
            offset += gap;
        }
        d.data(offset, chunk, n as u64 + 1, Timestamp(n as i64));
        offset += chunk.len() as u64;
    }
    d.closed = closed;
    d
}

proptest! {
    /// `choose` (early exits, counts only) must pick exactly what `auto` picks.
    #[test]
    fn quick_auto_chooses_what_auto_chooses(
        a in prop::collection::vec(0usize..AUTO_PIECES.len(), 0..10),
        b in prop::collection::vec(0usize..AUTO_PIECES.len(), 0..10),
        same in any::<bool>(),
        seg in 1usize..40,
        gap_at in 0usize..6,
        gap in 1u64..9,
        closed in any::<(bool, bool)>(),
    ) {
        // Half the cases repeat one piece, the way real protocols repeat one message shape.
        let a = if same && !a.is_empty() { vec![a[0]; a.len()] } else { a };
        let c2s = auto_direction(&a, seg, gap_at, gap, closed.0);
        let s2c = auto_direction(&b, seg + 3, 0, 0, closed.1);
        let full = auto(&[&c2s, &s2c]);
        prop_assert_eq!(
            super::framing::choose(&[&c2s, &s2c]),
            (full.framing, full.consistent),
            "{}", full.reason
        );
    }
}

#[test]
fn a_given_buffer_holds_the_first_run_and_comes_back() {
    let mut d = DirectionStream::default();
    assert!(d.wants_buffer());
    d.give_buffer(Vec::with_capacity(4096));
    assert!(!d.wants_buffer(), "one buffer is enough");
    d.data(0, b"hello", 1, Timestamp(0));
    d.data(5, b" world", 2, Timestamp(0));
    assert_eq!(d.runs.len(), 1);
    assert_eq!(d.runs[0].data, b"hello world");
    assert!(
        d.runs[0].data.capacity() >= 4096,
        "the run grew into the given buffer"
    );
    // A stream that already has bytes takes no buffer.
    d.give_buffer(Vec::with_capacity(8192));
    assert!(d.into_buffers().all(|b| b.capacity() < 8192));
}

proptest! {
    /// The line feed noticed on arrival equals a scan of the kept bytes: across runs split
    /// by gaps, and not counting bytes past the cap (they are not kept).
    #[test]
    fn line_feed_on_arrival_equals_a_scan_of_kept_bytes(
        chunks in prop::collection::vec(
            prop::collection::vec(prop_oneof![Just(b'\n'), Just(b'x'), any::<u8>()], 0..12),
            0..8,
        ),
        gaps in prop::collection::vec(any::<bool>(), 8),
        cap in 0usize..60,
    ) {
        let mut d = DirectionStream::with_cap(cap);
        let mut offset = 0u64;
        for (i, c) in chunks.iter().enumerate() {
            if gaps[i] {
                d.gap(offset, 3, reassembly::GapReason::NotCaptured);
                offset += 3;
            }
            d.data(offset, c, i as u64 + 1, Timestamp(0));
            offset += c.len() as u64;
        }
        let scanned = d.bytes().any(|b| b.contains(&b'\n'));
        prop_assert_eq!(d.has_line_feed(), scanned);
    }
}

#[test]
fn a_line_feed_past_the_cap_is_not_seen() {
    let mut d = DirectionStream::with_cap(4);
    d.data(0, b"abc\n", 1, Timestamp(0));
    assert!(d.has_line_feed());
    let mut d = DirectionStream::with_cap(3);
    d.data(0, b"abc\n", 1, Timestamp(0));
    assert!(!d.has_line_feed(), "the \\n was cut by the cap");
}
