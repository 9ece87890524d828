//! Wireshark's sequence analysis, ported check by check from `packet-tcp.c`
//! (`tcp_analyze_sequence_number`, tshark 4.0 behaviour), so that synack flags exactly the
//! packets tshark flags.
//!
//! Each direction keeps a [`FlowSeq`]: base sequence number, highest sequence number sent,
//! last ACK and window sent, duplicate-ACK counter and the list of unacknowledged segments
//! (bounded: beyond the cap new segments are not remembered, as in Wireshark, and the
//! omission is counted).

use super::seq::{gt, le, lt};
use super::tags::{Flag, FlagSet, TagInfo, Tags};
use crate::decode::TcpFlags;

/// Window-scale knowledge of one direction (Wireshark's `win_scale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WindowScale {
    /// The handshake was not seen: the scale is unknown (-1).
    #[default]
    Unknown,
    /// The handshake showed that scaling is not used (-2).
    NotUsed,
    /// The shift count from the SYN's option.
    Shift(u8),
}

impl WindowScale {
    /// The shift to apply to a non-SYN window (0 when unknown or not used).
    pub fn shift(self) -> u8 {
        match self {
            WindowScale::Shift(s) => s,
            _ => 0,
        }
    }
}

/// One segment sent and not yet acknowledged.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unacked {
    pub frame: u64,
    pub seq: u32,
    pub nextseq: u32,
    pub ts: i64,
}

/// Per-direction state of the sequence analysis.
#[derive(Debug, Clone)]
pub(crate) struct FlowSeq {
    pub base_set: bool,
    pub base_seq: u32,
    pub win_scale: WindowScale,
    /// Last raw window sent (u32::MAX before any packet, like Wireshark).
    pub window: u32,
    /// The last packet of this direction was a SYN: its window is never scaled.
    pub window_from_syn: bool,
    pub nextseq: u32,
    pub nextseq_frame: u64,
    pub nextseq_time: i64,
    pub maxseqtobeacked: u32,
    pub lastack: u32,
    pub lastack_time: i64,
    /// Duplicate-ACK counter; `u32::MAX` is Wireshark's `-1` ("an ACK of an unseen
    /// segment was reported"), stored in an unsigned field as in Wireshark, so it also
    /// satisfies the fast-retransmission test `dupacknum >= 2`.
    pub dupacknum: u32,
    pub lastnondupack: u64,
    pub lastsegmentflags: FlagSet,
    pub segments: Vec<Unacked>,
    /// Segments not remembered because the unacked list was full.
    pub segments_dropped: u64,
    /// Bytes in flight can be computed (Wireshark's `valid_bif`): cleared by a gap, set again
    /// by an ACK from the peer.
    pub valid_bif: bool,
    /// Bytes the SACK blocks of this direction's latest packet cover (Wireshark keeps the
    /// first three blocks of the last packet, none when it had no SACK option); the peer's
    /// bytes in flight leave them out.
    pub sacked: u32,
}

impl Default for FlowSeq {
    fn default() -> Self {
        FlowSeq {
            base_set: false,
            base_seq: 0,
            win_scale: WindowScale::Unknown,
            window: u32::MAX,
            window_from_syn: false,
            nextseq: 0,
            nextseq_frame: 0,
            nextseq_time: 0,
            maxseqtobeacked: 0,
            lastack: 0,
            lastack_time: 0,
            dupacknum: 0,
            lastnondupack: 0,
            lastsegmentflags: FlagSet::default(),
            segments: Vec::new(),
            segments_dropped: 0,
            valid_bif: true,
            sacked: 0,
        }
    }
}

impl FlowSeq {
    /// Relative form of a sequence number of this direction.
    pub(crate) fn rel(&self, seq: u32) -> u32 {
        seq.wrapping_sub(self.base_seq)
    }
}

/// The TCP fields the analysis reads from one packet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SegmentFacts {
    pub frame: u64,
    pub ts: i64,
    pub seq: u32,
    pub ack: u32,
    pub seglen: u32,
    pub flags: TcpFlags,
    /// The raw 16-bit window field.
    pub window: u32,
    /// Bytes covered by the packet's SACK blocks ([`sacked_bytes`]).
    pub sacked: u32,
}

/// Bytes a packet's SACK blocks cover, as Wireshark 4.0 counts them for bytes in flight: the
/// first three blocks only (its array keeps slots 1 to 3), each `right - left` on the 32-bit
/// circle, summed with wrap-around.
pub(crate) fn sacked_bytes(blocks: &[(u32, u32)]) -> u32 {
    blocks.iter().take(3).fold(0u32, |sum, (left, right)| {
        sum.wrapping_add(right.wrapping_sub(*left))
    })
}

/// What the ACK side of the analysis found (Wireshark's "SEQ/ACK analysis" tree).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AckFacts {
    /// The frame whose segment this packet acknowledges exactly (`tcp.analysis.acks_frame`).
    pub acks_frame: Option<u64>,
    /// Time since that segment, ns (`tcp.analysis.ack_rtt`).
    pub ack_rtt_ns: i64,
    /// Unacknowledged bytes of this direction after this segment (`bytes_in_flight`).
    pub bytes_in_flight: Option<u32>,
    /// The ACK went past the peer's data seen so far (whether or not it was flagged).
    pub ack_past_seen_data: bool,
    /// Bytes in flight were counted for this segment, whether or not any were left to show
    /// (tshark then has a SEQ/ACK analysis for it, and shows the initial RTT).
    pub in_flight_counted: bool,
}

impl AckFacts {
    /// `tcp.analysis.ack_rtt` as tshark shows it, in ns: on a packet that acknowledges a
    /// segment exactly, and only when the time is not zero.
    pub fn ack_rtt(&self) -> Option<i64> {
        self.acks_frame
            .filter(|_| self.ack_rtt_ns != 0)
            .map(|_| self.ack_rtt_ns)
    }
}

/// Runs Wireshark's checks for one packet travelling `fwd`; `rev` is the other direction.
/// `first_rtt` is the connection's handshake RTT in ns (0 when unknown), `max_unacked` the
/// cap on remembered segments.
pub(crate) fn analyze(
    fwd: &mut FlowSeq,
    rev: &mut FlowSeq,
    first_rtt: i64,
    max_unacked: usize,
    p: &SegmentFacts,
    tags: &mut Tags,
) -> AckFacts {
    let mut out = AckFacts::default();
    let f = p.flags;
    let syn = f.has(TcpFlags::SYN);
    let fin = f.has(TcpFlags::FIN);
    let rst = f.has(TcpFlags::RST);
    let ackf = f.has(TcpFlags::ACK);
    let sfr = syn || fin || rst;
    let (seq, ack, seglen, window) = (p.seq, p.ack, p.seglen, p.window);

    if !fwd.base_set {
        fwd.base_seq = if syn { seq } else { seq.wrapping_sub(1) };
        fwd.base_set = true;
    }
    if !rev.base_set && ackf {
        rev.base_seq = ack.wrapping_sub(1);
        rev.base_set = true;
    }
    if ackf {
        rev.valid_bif = true;
    }

    let mut set = FlagSet::default();
    let add = |tags: &mut Tags, set: &mut FlagSet, flag: Flag, info: TagInfo| {
        set.insert(flag);
        tags.push(flag, info);
    };

    'fwd: {
        // ZERO WINDOW PROBE
        if seglen == 1 && seq == fwd.nextseq && rev.window == 0 {
            let info = TagInfo {
                seq: fwd.rel(seq),
                ..Default::default()
            };
            add(tags, &mut set, Flag::ZeroWindowProbe, info);
            break 'fwd;
        }
        // ZERO WINDOW
        if window == 0 && !sfr {
            add(tags, &mut set, Flag::ZeroWindow, TagInfo::default());
        }
        // LOST PACKET
        if fwd.nextseq != 0 && gt(seq, fwd.nextseq) && !rst {
            let info = TagInfo {
                seq: fwd.rel(seq),
                end: fwd.rel(fwd.nextseq),
                ..Default::default()
            };
            add(tags, &mut set, Flag::LostSegment, info);
            fwd.valid_bif = false;
        }
        // KEEP ALIVE
        if (seglen == 0 || seglen == 1) && seq == fwd.nextseq.wrapping_sub(1) && !sfr {
            let info = TagInfo {
                seq: fwd.rel(seq),
                num: seglen,
                // Remember whether the peer's window was closed: then this is how Linux
                // probes a zero window.
                end: u32::from(rev.window == 0),
                ..Default::default()
            };
            add(tags, &mut set, Flag::KeepAlive, info);
        }
        // WINDOW UPDATE
        if seglen == 0
            && window != 0
            && window != fwd.window
            && seq == fwd.nextseq
            && ack == fwd.lastack
            && !sfr
        {
            let scale = if fwd.window_from_syn {
                0
            } else {
                fwd.win_scale.shift()
            };
            let info = TagInfo {
                seq: fwd.window << scale,
                num: window << fwd.win_scale.shift(),
                ..Default::default()
            };
            add(tags, &mut set, Flag::WindowUpdate, info);
        }
        // WINDOW FULL
        if seglen > 0 && rev.win_scale != WindowScale::Unknown && !sfr {
            let shift = if rev.window_from_syn {
                0
            } else {
                rev.win_scale.shift()
            };
            let edge = rev
                .lastack
                .wrapping_add(rev.window.checked_shl(u32::from(shift)).unwrap_or(0));
            if seq.wrapping_add(seglen) == edge {
                let info = TagInfo {
                    end: fwd.rel(edge),
                    ..Default::default()
                };
                add(tags, &mut set, Flag::WindowFull, info);
            }
        }
        let same_as_last = seglen == 0 && seq == fwd.nextseq && ack == fwd.lastack && !sfr;
        // KEEP ALIVE ACK
        if same_as_last
            && window != 0
            && window == fwd.window
            && rev.lastsegmentflags.has(Flag::KeepAlive)
        {
            add(tags, &mut set, Flag::KeepAliveAck, TagInfo::default());
            break 'fwd;
        }
        // ZERO WINDOW PROBE ACK
        if same_as_last
            && window == 0
            && window == fwd.window
            && rev.lastsegmentflags.has(Flag::ZeroWindowProbe)
        {
            add(tags, &mut set, Flag::ZeroWindowProbeAck, TagInfo::default());
            break 'fwd;
        }
        // DUPLICATE ACK
        if same_as_last && window != 0 && window == fwd.window {
            fwd.dupacknum = if fwd.dupacknum == u32::MAX {
                1
            } else {
                fwd.dupacknum + 1
            };
            let info = TagInfo {
                frame: fwd.lastnondupack,
                num: fwd.dupacknum,
                seq: rev.rel(ack),
                ..Default::default()
            };
            add(tags, &mut set, Flag::DuplicateAck, info);
        }
    }

    // finished_fwd: a changed ACK resets the duplicate counter.
    if ack != fwd.lastack {
        fwd.lastnondupack = p.frame;
        fwd.dupacknum = 0;
    }

    // ACKED LOST PACKET
    if rev.maxseqtobeacked != 0 && gt(ack, rev.maxseqtobeacked) && ackf {
        out.ack_past_seen_data = true;
        let info = TagInfo {
            seq: rev.rel(ack),
            end: rev.rel(rev.maxseqtobeacked),
            ..Default::default()
        };
        if gt(rev.nextseq, rev.maxseqtobeacked) {
            rev.maxseqtobeacked = rev.nextseq;
            add(tags, &mut set, Flag::AckLostSegment, info);
        } else {
            if rev.dupacknum == 0 {
                add(tags, &mut set, Flag::AckLostSegment, info);
            }
            rev.dupacknum = u32::MAX;
        }
    }

    // RETRANSMISSION / FAST RETRANSMISSION / OUT-OF-ORDER / SPURIOUS
    'retrans: {
        if !(seglen > 0 || syn || fin) {
            break 'retrans;
        }
        let mut seq_not_advanced = fwd.nextseq != 0 && lt(seq, fwd.nextseq);
        if set.has(Flag::KeepAlive) {
            break 'retrans;
        }
        if seglen > 1 && fwd.nextseq.wrapping_sub(1) == seq {
            seq_not_advanced = false;
        }
        let synfin = u32::from(syn || fin);
        let span = TagInfo {
            seq: fwd.rel(seq),
            end: fwd.rel(seq.wrapping_add(seglen)),
            ..Default::default()
        };
        // Spurious: everything in it was already acknowledged.
        if seglen > 0 && rev.lastack != 0 && le(seq.wrapping_add(seglen), rev.lastack) {
            // The peer's ACK is in this direction's numbering.
            let info = TagInfo {
                num: fwd.rel(rev.lastack),
                ..span
            };
            add(tags, &mut set, Flag::SpuriousRetransmission, info);
            add(tags, &mut set, Flag::Retransmission, original(fwd, p, span));
            break 'retrans;
        }
        // Fast retransmission (takes precedence over out-of-order, tshark's default).
        let since_ack = p.ts.saturating_sub(rev.lastack_time);
        if seq_not_advanced && rev.dupacknum >= 2 && rev.lastack == seq && since_ack < 20_000_000 {
            let info = TagInfo {
                num: rev.dupacknum.min(1_000_000),
                delta_ns: since_ack,
                ..span
            };
            add(tags, &mut set, Flag::FastRetransmission, info);
            add(tags, &mut set, Flag::Retransmission, original(fwd, p, span));
            break 'retrans;
        }
        let since_high = p.ts.saturating_sub(fwd.nextseq_time);
        let threshold = if first_rtt == 0 { 3_000_000 } else { first_rtt };
        if seq_not_advanced
            && since_high < threshold
            && fwd.nextseq != seq.wrapping_add(seglen).wrapping_add(synfin)
        {
            let info = TagInfo {
                frame: fwd.nextseq_frame,
                delta_ns: since_high,
                ..span
            };
            add(tags, &mut set, Flag::OutOfOrder, info);
            break 'retrans;
        }
        if seq_not_advanced {
            add(tags, &mut set, Flag::Retransmission, original(fwd, p, span));
        }
    }

    // Remember the segment.
    let mut nextseq = seq.wrapping_add(seglen);
    if seglen > 0 || syn || fin {
        if syn || fin {
            nextseq = nextseq.wrapping_add(1);
        }
        if fwd.segments.len() < max_unacked {
            fwd.segments.push(Unacked {
                frame: p.frame,
                seq,
                nextseq,
                ts: p.ts,
            });
        } else {
            fwd.segments_dropped += 1;
        }
    }
    let zwp = set.has(Flag::ZeroWindowProbe);
    if (gt(nextseq, fwd.nextseq) || fwd.nextseq == 0) && !zwp {
        fwd.nextseq = nextseq;
        fwd.nextseq_frame = p.frame;
        fwd.nextseq_time = p.ts;
    }
    if (seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && !zwp {
        fwd.maxseqtobeacked = fwd.nextseq;
    }
    fwd.window = window;
    fwd.window_from_syn = syn;
    fwd.lastack = ack;
    fwd.lastack_time = p.ts;
    fwd.lastsegmentflags = set;

    // Forget what this ACK covers in the other direction.
    rev.segments.retain_mut(|u| {
        if ack == u.nextseq {
            if out.acks_frame.is_none() {
                out.acks_frame = Some(u.frame);
                out.ack_rtt_ns = p.ts.saturating_sub(u.ts);
            }
            false
        } else if gt(ack, u.seq) && le(ack, u.nextseq) {
            u.seq = ack;
            true
        } else {
            gt(u.nextseq, ack)
        }
    });

    // Bytes in flight, Wireshark's payload-based method: the span of this direction's
    // unacknowledged segments, less what the peer's latest SACK blocks cover.
    if seglen != 0 && fwd.valid_bif {
        if let Some(first) = fwd.segments.first() {
            let (mut lo, mut hi) = (fwd.rel(first.seq), fwd.rel(first.nextseq));
            for u in &fwd.segments {
                lo = lo.min(fwd.rel(u.seq));
                hi = hi.max(fwd.rel(u.nextseq));
            }
            out.in_flight_counted = true;
            let in_flight = hi.wrapping_sub(lo).wrapping_sub(rev.sacked);
            if in_flight > 0 && in_flight < 2_000_000_000 {
                // A SYN or FIN counts one sequence number that is not a byte; Wireshark
                // shows nothing when that leaves zero.
                let bytes = in_flight - u32::from(syn || fin);
                out.bytes_in_flight = (bytes != 0).then_some(bytes);
            }
        }
    }
    // This packet's own SACK blocks replace the direction's previous ones (Wireshark reads
    // them after the analysis of the packet that carries them).
    fwd.sacked = p.sacked;
    out
}

/// Where the retransmitted bytes were first seen: the latest remembered segment holding the
/// packet's first byte.
fn original(fwd: &FlowSeq, p: &SegmentFacts, span: TagInfo) -> TagInfo {
    let hit = fwd
        .segments
        .iter()
        .rev()
        .find(|u| le(u.seq, p.seq) && lt(p.seq, u.nextseq));
    match hit {
        Some(u) => TagInfo {
            frame: u.frame,
            delta_ns: p.ts.saturating_sub(u.ts),
            ..span
        },
        None => TagInfo {
            num: fwd.rel(fwd.nextseq),
            ..span
        },
    }
}
