//! The stream ribbon's model: a connection's two directions reassembled and framed by
//! [`crate::stream`] (the same code as `synack stream`), with the generator's calls placed in
//! each direction, as the capture stood at the replay cursor.

use std::net::SocketAddr;

use crate::analysis::{Annotation, Direction, FlowProto};
use crate::capture::Timestamp;
use crate::decode::decode;
use crate::stream::calls::{calls_by_direction, DirCalls};
use crate::stream::follow::{
    frame_connection_with_calls, ConnMessages, DirMessages, FollowLimits, Follower, FramingChoice,
};
use crate::stream::framing::{Framed, Framing, Message};
use crate::stream::sticky::annotate;
use crate::stream::{DirectionStream, Gap, GapReason, Run, SegmentSpan};
use crate::ui::selection::ConnRef;
use crate::ui::store::StoreData;

/// One direction of the ribbon.
#[derive(Debug, Clone)]
pub struct RibbonDir {
    /// Which direction.
    pub dir: Direction,
    /// Sender and receiver.
    pub from: SocketAddr,
    /// Receiver.
    pub to: SocketAddr,
    /// The reassembled bytes, segments and gaps.
    pub stream: DirectionStream,
    /// The direction's `send()` and `recv()` calls that had returned by the cursor.
    pub calls: DirCalls,
}

/// Both directions of a connection, framed.
#[derive(Debug, Clone)]
pub struct RibbonModel {
    /// Stream number.
    pub stream: u32,
    /// Per direction ([`Direction::index`]).
    pub dirs: [RibbonDir; 2],
    /// Messages and sticky marks per direction, with the framing used and why.
    pub msgs: ConnMessages,
    /// The capture came with a calls trace.
    pub has_trace: bool,
    /// TCP (a byte stream, framed) or UDP (datagrams, each its own message).
    pub proto: FlowProto,
    /// The text encoding of both directions' bytes ([`crate::stream::text::detect`]).
    pub encoding: crate::stream::text::TextEncoding,
}

impl RibbonModel {
    /// The ribbon of conversation `stream`, its text encoding detected from the bytes of
    /// both directions together (one reading for the byte rows and the message panel).
    fn new(
        stream: u32,
        dirs: [RibbonDir; 2],
        msgs: ConnMessages,
        has_trace: bool,
        proto: FlowProto,
    ) -> RibbonModel {
        let encoding = crate::stream::text::detect(
            dirs.iter()
                .flat_map(|d| d.stream.runs.iter().map(|r| r.data.as_slice())),
        );
        RibbonModel {
            stream,
            dirs,
            msgs,
            has_trace,
            proto,
            encoding,
        }
    }

    /// A direction's ends only (`c2s 10.0.0.1:56285 -> 10.0.0.2:7070`), where its
    /// [`RibbonModel::summary`] would not fit.
    pub fn heading(&self, d: usize) -> String {
        let r = &self.dirs[d];
        format!(
            "{} {} -> {}",
            r.dir.short(),
            crate::analysis::endpoint_string(r.from),
            crate::analysis::endpoint_string(r.to)
        )
    }

    /// One line per direction, the numbers `synack stream` prints in its ruler header.
    pub fn summary(&self, d: usize) -> String {
        let r = &self.dirs[d];
        let m = &self.msgs.dirs[d];
        let gap_bytes: u64 = r.stream.gaps.iter().map(|g| g.len).sum();
        let mut args: Vec<(&str, crate::i18n::Arg)> = vec![
            ("dir", r.dir.short().into()),
            ("from", crate::analysis::endpoint_string(r.from).into()),
            ("to", crate::analysis::endpoint_string(r.to).into()),
            ("bytes", r.stream.len.into()),
            ("gapbytes", gap_bytes.into()),
        ];
        if self.proto == FlowProto::Udp {
            args.push(("datagrams", r.stream.segments.len().into()));
            return crate::i18n::text_in(crate::i18n::lang(), "ribbon-summary-udp", &args);
        }
        args.extend([
            ("segments", r.stream.segments.len().into()),
            ("messages", m.framed.messages.len().into()),
            ("coalesced", m.marks.coalesced_segments().into()),
            ("split", m.marks.split_messages().into()),
            ("gaps", r.stream.gaps.len().into()),
        ]);
        let mut s = crate::i18n::text_in(crate::i18n::lang(), "ribbon-summary", &args);
        if self.has_trace {
            s.push_str(&crate::i18n::text_in(
                crate::i18n::lang(),
                "ribbon-summary-calls",
                &[
                    ("sends", r.calls.sends.len().into()),
                    ("recvs", r.calls.recvs.len().into()),
                ],
            ));
        }
        s
    }

    /// The known bytes of `[offset, offset + len)` in direction `d` (empty where a gap is).
    pub fn bytes(&self, d: usize, offset: u64, len: u64) -> Vec<u8> {
        let mut out = Vec::new();
        let end = offset + len;
        for run in &self.dirs[d].stream.runs {
            let a = run.offset.max(offset);
            let b = run.end().min(end);
            if a < b {
                out.extend_from_slice(
                    &run.data[(a - run.offset) as usize..(b - run.offset) as usize],
                );
            }
        }
        out
    }
}

/// Reassembles and frames connection `conn` from the store's packets up to the cursor `until`
/// (store index; `None`: all). `None` when the connection has no packet yet.
pub fn build(
    data: &StoreData,
    conn: ConnRef,
    choice: FramingChoice,
    until: Option<usize>,
) -> Option<RibbonModel> {
    let limits = FollowLimits {
        kept_per_direction: 16 << 20,
        kept_total: 64 << 20,
        ..FollowLimits::default()
    };
    let mut follower = Follower::new(Some(conn.stream), limits);
    let mut cursor_ts: Option<Timestamp> = None;
    for &i in data.connection_frames(conn.proto, conn.stream) {
        let i = i as usize;
        if until.is_some_and(|u| i > u) {
            break;
        }
        let Some(owned) = data.frame(i) else { continue };
        let frame = owned.as_frame();
        let packet = decode(&frame);
        let ann = Annotation {
            flow: data.analysis(i).flow,
            tcp: None,
        };
        follower.process(&frame, &packet, &ann);
    }
    if let Some(u) = until {
        cursor_ts = data.record(u).and_then(|r| r.ts);
    }
    follower.finish();
    let fc = follower.get(conn.stream)?;
    let msgs = frame_connection_with_calls(fc, choice, data.calls.as_ref());
    let calls = data
        .calls
        .as_ref()
        .map(|t| calls_by_direction(t, fc.client, fc.server))
        .unwrap_or_default();
    let dirs = [Direction::ClientToServer, Direction::ServerToClient].map(|dir| {
        let d = dir.index();
        let (from, to) = match dir {
            Direction::ClientToServer => (fc.client, fc.server),
            Direction::ServerToClient => (fc.server, fc.client),
        };
        let mut c = calls[d].clone();
        if let Some(ts) = cursor_ts {
            // Only calls that had returned when the cursor's packet was captured.
            c.sends.retain(|s| s.t_ns <= ts.as_nanos());
            c.recvs.retain(|s| s.t_ns <= ts.as_nanos());
        }
        RibbonDir {
            dir,
            from,
            to,
            stream: fc.dirs[d].store.clone(),
            calls: c,
        }
    });
    Some(RibbonModel::new(
        conn.stream,
        dirs,
        msgs,
        data.calls.is_some(),
        FlowProto::Tcp,
    ))
}

/// UDP conversation `conn` up to the cursor `until` as a ribbon: each direction's datagrams
/// laid end to end, each datagram one message (UDP keeps the boundaries TCP loses), bytes
/// the snapshot length cut off a gap. `None` before its first datagram.
pub fn build_udp(data: &StoreData, conn: ConnRef, until: Option<usize>) -> Option<RibbonModel> {
    let c = data.connection(FlowProto::Udp, conn.stream)?;
    let datagrams = crate::ui::follow::udp_datagrams(data, conn.stream, until);
    if datagrams.is_empty() {
        return None;
    }
    let mut streams: [DirectionStream; 2] = Default::default();
    let mut messages: [Vec<Message>; 2] = Default::default();
    for g in datagrams {
        let d = g.dir.index();
        let s = &mut streams[d];
        let offset = s.len;
        let captured = g.bytes.len() as u64;
        if captured > 0 {
            match s.runs.last_mut() {
                Some(run) if run.end() == offset => run.data.extend_from_slice(&g.bytes),
                _ => s.runs.push(Run {
                    offset,
                    data: g.bytes,
                }),
            }
            s.segments.push(SegmentSpan {
                frame: g.number,
                ts: g.ts.unwrap_or_default(),
                offset,
                len: captured,
            });
        }
        if captured < g.len {
            s.gaps.push(Gap {
                offset: offset + captured,
                len: g.len - captured,
                reason: GapReason::NotCaptured,
            });
        }
        if captured == g.len && g.len > 0 {
            messages[d].push(Message {
                offset,
                len: g.len,
                proto: Framing::Datagram.label(),
                until_close: false,
            });
        }
        s.len += g.len;
    }
    let dirs_msgs = [0, 1].map(|d| {
        let framed = Framed {
            messages: std::mem::take(&mut messages[d]),
            ..Framed::default()
        };
        DirMessages {
            marks: annotate(&streams[d].segments, &framed.messages),
            framed,
        }
    });
    let [c2s, s2c] = streams;
    let dirs = [
        (Direction::ClientToServer, c2s),
        (Direction::ServerToClient, s2c),
    ]
    .map(|(dir, stream)| {
        let (from, to) = match dir {
            Direction::ClientToServer => (c.originator, c.responder),
            Direction::ServerToClient => (c.responder, c.originator),
        };
        RibbonDir {
            dir,
            from,
            to,
            stream,
            calls: DirCalls::default(),
        }
    });
    let msgs = ConnMessages {
        framing: Framing::Datagram,
        reason: None,
        consistent: true,
        dirs: dirs_msgs,
    };
    Some(RibbonModel::new(
        conn.stream,
        dirs,
        msgs,
        false,
        FlowProto::Udp,
    ))
}

/// The framings offered in the view's combo box (`auto` first), as `--framing` spells them.
pub const FRAMING_NAMES: [&str; 15] = [
    "auto", "line", "u8", "u16be", "u16le", "u32be", "u32le", "http", "tls", "dns", "resp",
    "mysql", "fixed", "none", "calls",
];

/// The choice a combo entry stands for (`fixed` takes its size from `fixed_size`).
pub fn choice_of(name: &str, fixed_size: u32) -> FramingChoice {
    if name == "auto" {
        return FramingChoice::Auto;
    }
    let text = if name == "fixed" {
        format!("fixed:{}", fixed_size.max(1))
    } else {
        name.to_string()
    };
    text.parse::<Framing>()
        .map_or(FramingChoice::Auto, FramingChoice::Use)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::CallTrace;
    use crate::ui::ingest::demo_store;
    use crate::ui::store::PacketStore;

    /// `captures/sticky.pcap` with its calls trace, loaded the way the window loads it.
    fn sticky() -> PacketStore {
        let s = demo_store(
            "sticky.pcap",
            include_bytes!("../../../captures/sticky.pcap"),
        );
        s.write().calls = Some(
            CallTrace::read_json(&include_bytes!("../../../captures/sticky.pcap.calls.json")[..])
                .unwrap(),
        );
        s
    }

    const CONN: ConnRef = ConnRef::tcp(0);

    #[test]
    fn sticky_is_framed_by_its_calls_and_cut_at_the_cursor() {
        // The trace: the client's 8 send() calls (5, 12, 12, 16, 13, 13, 3, 2 bytes); the
        // capture: frame 4 carries the first 5 bytes, frame 6 the other 71.
        let store = sticky();
        let data = store.read();
        let m = build(&data, CONN, FramingChoice::Auto, None).unwrap();
        assert_eq!(m.msgs.framing, Framing::Calls);
        let lens: Vec<u64> = m.msgs.dirs[0]
            .framed
            .messages
            .iter()
            .map(|x| x.len)
            .collect();
        assert_eq!(lens, [5, 12, 12, 16, 13, 13, 3, 2]);
        assert_eq!(m.msgs.dirs[0].marks.coalesced_segments(), 1);
        assert_eq!(m.dirs[0].calls.sends.len(), 8);
        assert_eq!(m.bytes(0, 5, 12), b"how are you?");
        // At frame 4 only "hello" is on the wire: one message, nothing coalesced.
        let at4 = data.index_of_number(4).unwrap();
        let cut = build(&data, CONN, FramingChoice::Auto, Some(at4)).unwrap();
        assert_eq!(cut.dirs[0].stream.len, 5);
        assert_eq!(cut.msgs.dirs[0].framed.messages.len(), 1);
        assert_eq!(cut.msgs.dirs[0].marks.coalesced_segments(), 0);
        assert!(
            cut.dirs[0].calls.recvs.is_empty(),
            "the server had not read yet"
        );
        // A chosen framing is used as chosen.
        let fixed = build(&data, CONN, choice_of("fixed", 4), None).unwrap();
        assert_eq!(fixed.msgs.framing, Framing::Fixed(4));
        assert_eq!(fixed.msgs.dirs[0].framed.messages.len(), 19);
    }

    #[test]
    fn every_combo_name_parses_to_its_framing() {
        for name in FRAMING_NAMES {
            match choice_of(name, 4) {
                FramingChoice::Auto => assert_eq!(name, "auto"),
                FramingChoice::Use(f) => {
                    assert_eq!(f.label(), name, "{name}");
                }
                FramingChoice::AutoUnexplained => panic!("{name}: the view always explains"),
            }
        }
        assert_eq!(choice_of("fixed", 7), FramingChoice::Use(Framing::Fixed(7)));
    }
}
