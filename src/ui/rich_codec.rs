//! A compact byte encoding of the parts of a [`TcpAnnotation`] the store's row does not
//! already hold, so the store keeps the full annotation of ~10 % of packets in tens of
//! bytes instead of the struct's 520 (the store's budget is 64 bytes per packet beyond the
//! file).
//!
//! Kept: raw seq/ack, window scale, every tag with its facts (its reason is text made from
//! those facts on demand), every event, the initial RTT and the ack facts. Not kept: the
//! relative seq/ack, length, next seq, window and states, which [`decode`]'s caller passes
//! back from the packet's compact row. Integers are LEB128 varints (zigzag for signed), so
//! frame numbers and small deltas take a few bytes. Decoding never panics: bytes that do not
//! parse give `None`.

use super::store::TcpSummary;
use crate::analysis::{
    AckFacts, Event, Events, Flag, Side, TagInfo, Tags, TcpAnnotation, WindowScale,
};

/// Header bits.
const INITIAL_RTT: u8 = 1;
const ACKS_FRAME: u8 = 2;
const IN_FLIGHT: u8 = 4;
const PAST_SEEN: u8 = 8;
const ACK_RTT: u8 = 16;
/// Window scale kind, two bits from bit 5: 0 unknown, 1 not used, 2 shift (a byte follows).
const WS_SHIFT: u8 = 5;
const IN_FLIGHT_COUNTED: u8 = 128;

fn put(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn put_i(out: &mut Vec<u8>, v: i64) {
    put(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// Reads values back from an encoded annotation.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(b)
    }

    fn u64(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.u64()?).ok()
    }

    fn i64(&mut self) -> Option<i64> {
        let z = self.u64()?;
        Some(((z >> 1) as i64) ^ -((z & 1) as i64))
    }
}

fn side_bit(s: Side) -> u8 {
    match s {
        Side::Originator => 0,
        Side::Responder => 1,
    }
}

fn side_of(bit: u8) -> Side {
    if bit & 1 == 0 {
        Side::Originator
    } else {
        Side::Responder
    }
}

fn put_event(out: &mut Vec<u8>, e: &Event) {
    match *e {
        Event::Syn => out.push(0),
        Event::SynAck => out.push(1),
        Event::HandshakeAck { rtt_ns } => {
            out.push(2);
            put_i(out, rtt_ns);
        }
        Event::SynRetransmit => out.push(3),
        Event::SimultaneousOpen => out.push(4),
        Event::Fin { side, second } => out.push(5 | side_bit(side) << 4 | u8::from(second) << 5),
        Event::FinAck { of } => out.push(6 | side_bit(of) << 4),
        Event::CloseComplete => out.push(7),
        Event::Rst { side } => out.push(8 | side_bit(side) << 4),
        Event::Reject => out.push(9),
    }
}

fn event(r: &mut Reader<'_>) -> Option<Event> {
    let b = r.byte()?;
    Some(match b & 0x0f {
        0 => Event::Syn,
        1 => Event::SynAck,
        2 => Event::HandshakeAck { rtt_ns: r.i64()? },
        3 => Event::SynRetransmit,
        4 => Event::SimultaneousOpen,
        5 => Event::Fin {
            side: side_of(b >> 4),
            second: b & 0x20 != 0,
        },
        6 => Event::FinAck {
            of: side_of(b >> 4),
        },
        7 => Event::CloseComplete,
        8 => Event::Rst {
            side: side_of(b >> 4),
        },
        9 => Event::Reject,
        _ => return None,
    })
}

/// Appends the encoding of `t` (minus the fields of its [`TcpSummary`], kept in the row) to `out`.
pub fn encode(t: &TcpAnnotation, out: &mut Vec<u8>) {
    let a = &t.acked;
    let mut h = 0u8;
    if t.initial_rtt_ns.is_some() {
        h |= INITIAL_RTT;
    }
    if a.acks_frame.is_some() {
        h |= ACKS_FRAME;
    }
    if a.bytes_in_flight.is_some() {
        h |= IN_FLIGHT;
    }
    if a.ack_past_seen_data {
        h |= PAST_SEEN;
    }
    if a.in_flight_counted {
        h |= IN_FLIGHT_COUNTED;
    }
    if a.ack_rtt_ns != 0 {
        h |= ACK_RTT;
    }
    h |= match t.window_scale {
        WindowScale::Unknown => 0,
        WindowScale::NotUsed => 1,
        WindowScale::Shift(_) => 2,
    } << WS_SHIFT;
    out.push(h);
    if let WindowScale::Shift(s) = t.window_scale {
        out.push(s);
    }
    put(out, u64::from(t.seq_raw));
    put(out, u64::from(t.ack_raw));
    if let Some(rtt) = t.initial_rtt_ns {
        put_i(out, rtt);
    }
    if let Some(f) = a.acks_frame {
        put(out, f);
    }
    if a.ack_rtt_ns != 0 {
        put_i(out, a.ack_rtt_ns);
    }
    if let Some(b) = a.bytes_in_flight {
        put(out, u64::from(b));
    }
    let tags = t.tags.as_slice();
    out.push(tags.len() as u8);
    for tag in tags {
        let flag = Flag::ALL.iter().position(|f| *f == tag.flag).unwrap_or(0);
        out.push(flag as u8);
        let i = &tag.info;
        put(out, i.frame);
        put_i(out, i.delta_ns);
        put(out, u64::from(i.num));
        put(out, u64::from(i.seq));
        put(out, u64::from(i.end));
    }
    let events = t.events.as_slice();
    out.push(events.len() as u8);
    for e in events {
        put_event(out, e);
    }
}

/// Rebuilds the annotation from its encoding and the packet's row fields; `None` when the
/// bytes do not parse.
pub fn decode(bytes: &[u8], row: TcpSummary) -> Option<TcpAnnotation> {
    let mut r = Reader { bytes };
    let h = r.byte()?;
    let window_scale = match (h >> WS_SHIFT) & 3 {
        0 => WindowScale::Unknown,
        1 => WindowScale::NotUsed,
        2 => WindowScale::Shift(r.byte()?),
        _ => return None,
    };
    let seq_raw = r.u32()?;
    let ack_raw = r.u32()?;
    let initial_rtt_ns = if h & INITIAL_RTT != 0 {
        Some(r.i64()?)
    } else {
        None
    };
    let acks_frame = if h & ACKS_FRAME != 0 {
        Some(r.u64()?)
    } else {
        None
    };
    let ack_rtt_ns = if h & ACK_RTT != 0 { r.i64()? } else { 0 };
    let bytes_in_flight = if h & IN_FLIGHT != 0 {
        Some(r.u32()?)
    } else {
        None
    };
    let mut tags = Tags::default();
    for _ in 0..r.byte()? {
        let flag = *Flag::ALL.get(usize::from(r.byte()?))?;
        let info = TagInfo {
            frame: r.u64()?,
            delta_ns: r.i64()?,
            num: r.u32()?,
            seq: r.u32()?,
            end: r.u32()?,
        };
        tags.push(flag, info);
    }
    let mut events = Events::default();
    for _ in 0..r.byte()? {
        events.push(event(&mut r)?);
    }
    Some(TcpAnnotation {
        seq: row.seq,
        ack: row.ack,
        seq_raw,
        ack_raw,
        len: row.len,
        next_seq: row.next_seq,
        window: row.window,
        window_scale,
        tags,
        events,
        states: row.states,
        initial_rtt_ns,
        acked: AckFacts {
            acks_frame,
            ack_rtt_ns,
            bytes_in_flight,
            ack_past_seen_data: h & PAST_SEEN != 0,
            in_flight_counted: h & IN_FLIGHT_COUNTED != 0,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An annotation with every optional part present and extreme values.
    fn full() -> TcpAnnotation {
        let mut tags = Tags::default();
        tags.push(
            Flag::Retransmission,
            TagInfo {
                frame: u64::MAX,
                delta_ns: i64::MIN,
                num: u32::MAX,
                seq: 1449,
                end: 2897,
            },
        );
        tags.push(
            Flag::DuplicateAck,
            TagInfo {
                frame: 12,
                delta_ns: -5,
                num: 3,
                seq: 0,
                end: 0,
            },
        );
        let mut events = Events::default();
        for e in [
            Event::Syn,
            Event::HandshakeAck { rtt_ns: i64::MAX },
            Event::Fin {
                side: Side::Responder,
                second: true,
            },
            Event::FinAck {
                of: Side::Originator,
            },
            Event::Rst {
                side: Side::Responder,
            },
            Event::Reject,
        ] {
            events.push(e);
        }
        TcpAnnotation {
            seq: 1,
            ack: 2,
            seq_raw: u32::MAX,
            ack_raw: 7,
            len: 1448,
            next_seq: 1449,
            window: 65535 << 7,
            window_scale: WindowScale::Shift(7),
            tags,
            events,
            states: [
                crate::analysis::TcpState::Established,
                crate::analysis::TcpState::CloseWait,
            ],
            initial_rtt_ns: Some(-1),
            acked: AckFacts {
                acks_frame: Some(99),
                ack_rtt_ns: 123_456,
                bytes_in_flight: Some(0),
                ack_past_seen_data: true,
                in_flight_counted: true,
            },
        }
    }

    #[test]
    fn round_trips_every_part() {
        let t = full();
        let mut buf = Vec::new();
        encode(&t, &mut buf);
        assert_eq!(decode(&buf, TcpSummary::from(&t)), Some(t));
        // Every flag and a bare annotation too.
        for (n, flag) in Flag::ALL.iter().enumerate() {
            let mut tags = Tags::default();
            tags.push(
                *flag,
                TagInfo {
                    frame: n as u64,
                    ..TagInfo::default()
                },
            );
            let t = TcpAnnotation {
                tags,
                window_scale: WindowScale::NotUsed,
                initial_rtt_ns: None,
                acked: AckFacts::default(),
                ..full()
            };
            buf.clear();
            encode(&t, &mut buf);
            assert_eq!(decode(&buf, TcpSummary::from(&t)), Some(t), "{flag:?}");
        }
    }

    #[test]
    fn a_typical_annotation_is_small() {
        // A retransmission 200 ms after frame 40 000: far below the struct's size.
        let mut tags = Tags::default();
        tags.push(
            Flag::Retransmission,
            TagInfo {
                frame: 40_000,
                delta_ns: 200_000_000,
                num: 0,
                seq: 14_481,
                end: 15_929,
            },
        );
        let t = TcpAnnotation {
            tags,
            events: Events::default(),
            ..full()
        };
        let mut buf = Vec::new();
        encode(&t, &mut buf);
        assert!(buf.len() <= 48, "{} bytes", buf.len());
    }

    #[test]
    fn truncated_or_garbage_bytes_give_none() {
        let t = full();
        let mut buf = Vec::new();
        encode(&t, &mut buf);
        for cut in 0..buf.len() {
            assert_eq!(
                decode(&buf[..cut], TcpSummary::from(&t)),
                None,
                "cut at {cut}"
            );
        }
        assert_eq!(
            decode(&[0x60], TcpSummary::from(&t)),
            None,
            "window scale kind 3"
        );
        assert_eq!(
            decode(&[0xff; 12], TcpSummary::from(&t)),
            None,
            "endless varint"
        );
    }
}
