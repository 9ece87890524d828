//! The `calls` framing: message boundaries taken from the application's own `send()` calls.
//!
//! Some byte streams carry no framing at all (the sticky-packet lesson writes unframed text on
//! purpose): the only record of where one message ends and the next begins is what the
//! program passed to each `send()`. The generator writes those calls beside its captures
//! (`FILE.calls.json`, [`crate::calls`]); each data call knows its stream offset, so the
//! sender's calls cut a direction into messages exactly, and the receiver's `recv()` calls
//! show how the same bytes were read back.

use std::net::SocketAddr;

use super::framing::{Framed, Incomplete, Message, Unparsed};
use super::store::DirectionStream;
use crate::calls::{CallKind, CallTrace};

/// Protocol label of messages cut by the calls framing.
pub const SEND_LABEL: &str = "send";

/// One `send()` or `recv()` placed in a direction's stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallSpan {
    /// Index of the call in the trace.
    pub index: usize,
    /// `send` (by the direction's sender) or `recv` (by its receiver).
    pub kind: CallKind,
    /// Stream offset of the first byte moved.
    pub offset: u64,
    /// Bytes moved.
    pub len: u64,
    /// When the call returned (ns since the epoch, the capture's clock).
    pub t_ns: i64,
}

impl CallSpan {
    /// Stream offset just past the call's bytes.
    pub fn end(&self) -> u64 {
        self.offset + self.len
    }
}

/// The data calls of one direction: the sender's sends and the receiver's recvs, each sorted
/// by offset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirCalls {
    /// `send()` calls that wrote this direction's bytes.
    pub sends: Vec<CallSpan>,
    /// `recv()` calls that read them.
    pub recvs: Vec<CallSpan>,
}

impl DirCalls {
    /// True when no data call belongs to this direction.
    pub fn is_empty(&self) -> bool {
        self.sends.is_empty() && self.recvs.is_empty()
    }
}

/// The data calls of the connection `client` → `server`, per direction (index 0: client to
/// server, 1: server to client, as [`crate::analysis::Direction::index`]). Calls of other
/// connections in the trace, calls that move no bytes and calls without an offset are left
/// out; addresses are compared as socket addresses, so the trace must come from the same run
/// as the capture.
pub fn calls_by_direction(
    trace: &CallTrace,
    client: SocketAddr,
    server: SocketAddr,
) -> [DirCalls; 2] {
    let mut out = [DirCalls::default(), DirCalls::default()];
    for (index, c) in trace.calls.iter().enumerate() {
        let kind = c.call;
        if !(kind.sends_data() || kind.receives_data()) || c.bytes == 0 {
            continue;
        }
        let (Some(offset), Ok(local), Ok(remote)) = (
            c.offset,
            c.local.parse::<SocketAddr>(),
            c.remote.parse::<SocketAddr>(),
        ) else {
            continue;
        };
        // The direction the bytes travelled: a send goes local → remote, a recv remote → local.
        let (from, to) = if kind.sends_data() {
            (local, remote)
        } else {
            (remote, local)
        };
        let d = if (from, to) == (client, server) {
            0
        } else if (from, to) == (server, client) {
            1
        } else {
            continue;
        };
        let span = CallSpan {
            index,
            kind,
            offset,
            len: c.bytes,
            t_ns: c.t_ns,
        };
        if kind.sends_data() {
            out[d].sends.push(span);
        } else {
            out[d].recvs.push(span);
        }
    }
    for d in &mut out {
        d.sends.sort_by_key(|s| (s.offset, s.index));
        d.recvs.sort_by_key(|s| (s.offset, s.index));
    }
    out
}

/// Cuts `stream` into one message per `send()` call (`sends` sorted by offset).
///
/// A send whose bytes are all in the stream is a whole message; one that a gap or the end of
/// the stream cuts is [`Incomplete`]; sends that start past the stream's end (not on the wire
/// yet) are left out. Known bytes no send covers are [`Unparsed`], and a send overlapping an
/// earlier one (a trace that does not match the capture) is skipped, so messages stay sorted
/// and disjoint as [`super::sticky::annotate`] needs.
pub fn frame_by_sends(stream: &DirectionStream, sends: &[CallSpan]) -> Framed {
    let mut out = Framed::default();
    let mut covered_to = 0u64;
    for s in sends {
        if s.len == 0 || s.offset < covered_to || s.offset >= stream.len {
            continue;
        }
        let present = known_bytes(stream, s.offset, s.len);
        if present == s.len {
            out.messages.push(Message {
                offset: s.offset,
                len: s.len,
                proto: SEND_LABEL,
                until_close: false,
            });
        } else {
            out.incomplete.push(Incomplete {
                offset: s.offset,
                present,
                total: Some(s.len),
                proto: SEND_LABEL,
                cut_by: if s.end() > stream.len { "end" } else { "gap" },
            });
        }
        covered_to = s.end();
    }
    // Known bytes outside every send.
    let mut spans: Vec<(u64, u64)> = out
        .messages
        .iter()
        .map(|m| (m.offset, m.offset + m.len))
        .chain(
            out.incomplete
                .iter()
                .map(|i| (i.offset, i.offset + i.total.unwrap_or(i.present))),
        )
        .collect();
    spans.sort_unstable();
    for run in &stream.runs {
        let mut pos = run.offset;
        for &(a, b) in &spans {
            if b <= pos || a >= run.end() {
                continue;
            }
            if a > pos {
                out.unparsed.push(Unparsed {
                    offset: pos,
                    len: a - pos,
                    reason: "no send() call in the calls trace covers these bytes",
                });
            }
            pos = pos.max(b);
        }
        if pos < run.end() {
            out.unparsed.push(Unparsed {
                offset: pos,
                len: run.end() - pos,
                reason: "no send() call in the calls trace covers these bytes",
            });
        }
    }
    out.unparsed.sort_by_key(|u| u.offset);
    out
}

/// Bytes of `[offset, offset + len)` present in the stream's runs. Past the byte cap bytes
/// are counted as present when no gap covers them (they were received, only not kept).
fn known_bytes(stream: &DirectionStream, offset: u64, len: u64) -> u64 {
    let end = (offset + len).min(stream.len);
    if end <= offset {
        return 0;
    }
    let missing: u64 = stream
        .gaps
        .iter()
        .map(|g| {
            let a = g.offset.max(offset);
            let b = (g.offset + g.len).min(end);
            b.saturating_sub(a)
        })
        .sum();
    (end - offset).saturating_sub(missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Timestamp;
    use crate::stream::reassembly::{GapReason, StreamSink};

    fn stream(parts: &[(u64, &[u8])], gaps: &[(u64, u64)]) -> DirectionStream {
        let mut s = DirectionStream::default();
        let mut items: Vec<(u64, Option<&[u8]>, u64)> = parts
            .iter()
            .map(|(o, b)| (*o, Some(*b), b.len() as u64))
            .chain(gaps.iter().map(|(o, l)| (*o, None, *l)))
            .collect();
        items.sort_by_key(|i| i.0);
        for (i, (o, b, l)) in items.into_iter().enumerate() {
            match b {
                Some(b) => s.data(o, b, i as u64 + 1, Timestamp(i as i64)),
                None => s.gap(o, l, GapReason::NotCaptured),
            }
        }
        s
    }

    fn send(index: usize, offset: u64, len: u64) -> CallSpan {
        CallSpan {
            index,
            kind: CallKind::Send,
            offset,
            len,
            t_ns: index as i64,
        }
    }

    #[test]
    fn each_send_is_one_message() {
        let s = stream(&[(0, b"hello"), (5, b"how are you?")], &[]);
        let f = frame_by_sends(&s, &[send(0, 0, 5), send(1, 5, 3), send(2, 8, 9)]);
        let got: Vec<(u64, u64)> = f.messages.iter().map(|m| (m.offset, m.len)).collect();
        assert_eq!(got, [(0, 5), (5, 3), (8, 9)]);
        assert!(f.unparsed.is_empty() && f.incomplete.is_empty());
    }

    #[test]
    fn gaps_end_and_uncovered_bytes_are_reported() {
        // 0..4 known, 4..8 missing, 8..12 known; sends 0..6 (cut by the gap), 6..10 (cut),
        // and 14..20 past the end is not on the wire yet. Bytes 10..12 belong to no send.
        let s = stream(&[(0, b"abcd"), (8, b"ijkl")], &[(4, 4)]);
        let f = frame_by_sends(&s, &[send(0, 0, 6), send(1, 6, 4), send(2, 14, 6)]);
        assert!(f.messages.is_empty());
        let inc: Vec<(u64, u64, &str)> = f
            .incomplete
            .iter()
            .map(|i| (i.offset, i.present, i.cut_by))
            .collect();
        assert_eq!(inc, [(0, 4, "gap"), (6, 2, "gap")]);
        let un: Vec<(u64, u64)> = f.unparsed.iter().map(|u| (u.offset, u.len)).collect();
        assert_eq!(un, [(10, 2)]);
    }

    #[test]
    fn overlapping_sends_are_skipped_and_the_tail_is_cut_by_the_end() {
        let s = stream(&[(0, b"0123456789")], &[]);
        let f = frame_by_sends(&s, &[send(0, 0, 4), send(1, 2, 4), send(2, 4, 8)]);
        assert_eq!(f.messages.len(), 1);
        assert_eq!(
            (
                f.incomplete[0].offset,
                f.incomplete[0].present,
                f.incomplete[0].cut_by
            ),
            (4, 6, "end")
        );
    }

    #[test]
    fn calls_are_placed_by_address_and_kind() {
        let mut t = CallTrace::new("sticky", "live", None);
        let c: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let s: SocketAddr = "127.0.0.1:7070".parse().unwrap();
        let other: SocketAddr = "127.0.0.1:40001".parse().unwrap();
        t.push(1, "client", 1, CallKind::Connect, c, s, b"", None);
        t.push(3, "client", 1, CallKind::Send, c, s, b"world", Some(5));
        t.push(2, "client", 1, CallKind::Send, c, s, b"hello", Some(0));
        t.push(4, "server", 1, CallKind::Recv, s, c, b"helloworld", Some(0));
        t.push(5, "server", 1, CallKind::Send, s, c, b"ok", Some(0));
        t.push(
            6,
            "client",
            2,
            CallKind::Send,
            other,
            s,
            b"elsewhere",
            Some(0),
        );
        let [c2s, s2c] = calls_by_direction(&t, c, s);
        let sends: Vec<(usize, u64)> = c2s.sends.iter().map(|x| (x.index, x.offset)).collect();
        assert_eq!(sends, [(2, 0), (1, 5)]);
        assert_eq!(c2s.recvs.len(), 1);
        assert_eq!(c2s.recvs[0].len, 10);
        assert_eq!(s2c.sends.len(), 1);
        assert!(s2c.recvs.is_empty());
    }
}
