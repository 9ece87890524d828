//! Each segment of one capture paired with its copies in the other, within one direction of
//! one connection found in both.
//!
//! A copy carries the same TCP header and payload; the IP header changes on the way (TTL,
//! checksum, addresses behind a NAT) except its identification, which most stacks and NATs
//! keep and which differs between a segment and its retransmission. So segments are grouped
//! by their whole identity (sequence and acknowledgment numbers, length, flags, window,
//! timestamp option, SACK blocks, IP id) and the payload checked. In order:
//!
//! 1. a group with one segment on each side is a pair (nearly all of them);
//! 2. a group with several on a side (identical packets sent twice, duplicates made on the
//!    way) is resolved by time: each downstream copy goes to the upstream segment whose
//!    delay is nearest the typical delay of that direction, an unclaimed one first, and an
//!    upstream segment with several copies was duplicated;
//! 3. when the IP ids do not agree for most segments (a NAT that rewrites them), the same
//!    is done with the IP id left out of the identity;
//! 4. segments cut or merged between the points (TSO before, GRO/LRO at a capture point)
//!    are paired when several segments on one side tile one segment's range on the other.

use std::collections::{BTreeMap, HashMap};

use super::tap::{TapCapture, TapId, TapSegment};
use crate::analysis::Direction;

/// How a pair was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchHow {
    /// Same header, IP id and payload.
    Exact,
    /// Same header and payload; the IP id was rewritten on the way.
    IpIdRewritten,
    /// Cut or merged on the way: several segments on one side carry exactly the range of
    /// one segment on the other.
    Resegmented,
}

impl MatchHow {
    /// `exact`, `ip_id_rewritten` or `resegmented`.
    pub fn name(self) -> &'static str {
        match self {
            MatchHow::Exact => "exact",
            MatchHow::IpIdRewritten => "ip_id_rewritten",
            MatchHow::Resegmented => "resegmented",
        }
    }
}

/// One direction of one connection pair: its segments on both sides and their pairs.
#[derive(Debug, Clone, Default)]
pub(super) struct DirMatch {
    /// A's segments in this direction (indices into A's segment table), capture order.
    pub a: Vec<u32>,
    /// B's segments in the same direction of travel, capture order.
    pub b: Vec<u32>,
    /// Pairs: (position in `a`, position in `b`, how).
    pub pairs: Vec<(u32, u32, MatchHow)>,
}

/// A segment's identity, IP id included or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Identity {
    seq: u32,
    ack: u32,
    len: u32,
    flags: u16,
    window: u16,
    ip_id: u32,
    tsopt: Option<(u32, u32)>,
    sack: [(u32, u32); 4],
}

fn identity(s: &TapSegment, with_ip_id: bool) -> Identity {
    Identity {
        seq: s.seq,
        ack: s.ack,
        len: s.len,
        flags: s.flags.0,
        window: s.window,
        ip_id: if with_ip_id { s.ip_id } else { 0 },
        tsopt: s.tsopt,
        sack: s.sack,
    }
}

/// Groups of positions in `a` and `b` with equal identity, over the positions not yet paired.
fn groups(
    a: &TapCapture,
    b: &TapCapture,
    dm: &DirMatch,
    with_ip_id: bool,
) -> Vec<(Vec<usize>, Vec<usize>)> {
    let (a_done, b_done) = dm.paired();
    let mut map: HashMap<Identity, usize> = HashMap::new();
    let mut out: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    for (pos, &i) in dm.a.iter().enumerate() {
        if a_done[pos] {
            continue;
        }
        let g = *map
            .entry(identity(&a.segments[i as usize], with_ip_id))
            .or_insert_with(|| {
                out.push((Vec::new(), Vec::new()));
                out.len() - 1
            });
        out[g].0.push(pos);
    }
    for (pos, &i) in dm.b.iter().enumerate() {
        if b_done[pos] {
            continue;
        }
        if let Some(&g) = map.get(&identity(&b.segments[i as usize], with_ip_id)) {
            out[g].1.push(pos);
        }
    }
    out.retain(|(x, y)| !x.is_empty() && !y.is_empty());
    out
}

/// What resolving ambiguous groups by time needs to know about the direction.
#[derive(Debug, Clone, Copy)]
pub(super) struct Timing {
    /// The capture point these segments pass first.
    pub upstream: TapId,
    /// B's clock minus A's (ns).
    pub offset_ns: i64,
    /// The typical one-way delay of this direction (ns), from the unambiguous pairs.
    pub typical_ns: i64,
}

/// A delay this far below zero is impossible even with an imperfect offset: such a copy is
/// not of that segment.
const NEGATIVE_DELAY_TOLERANCE_NS: i64 = 1_000_000;

impl DirMatch {
    /// The segments of A's direction `a_dir` of connection `ca`, and of B's direction
    /// `b_dir` of connection `cb`.
    pub(super) fn new(
        a: &TapCapture,
        ca: usize,
        a_dir: Direction,
        b: &TapCapture,
        cb: usize,
        b_dir: Direction,
    ) -> DirMatch {
        let of = |tap: &TapCapture, c: usize, dir: Direction| -> Vec<u32> {
            tap.conns[c]
                .segments
                .iter()
                .copied()
                .filter(|&i| tap.segments[i as usize].dir == dir)
                .collect()
        };
        DirMatch {
            a: of(a, ca, a_dir),
            b: of(b, cb, b_dir),
            pairs: Vec::new(),
        }
    }

    /// Which positions of `a` and `b` are in a pair.
    pub(super) fn paired(&self) -> (Vec<bool>, Vec<bool>) {
        let mut a = vec![false; self.a.len()];
        let mut b = vec![false; self.b.len()];
        for &(x, y, _) in &self.pairs {
            a[x as usize] = true;
            b[y as usize] = true;
        }
        (a, b)
    }

    /// Step 1: groups of exactly one segment each side, payloads agreeing.
    pub(super) fn pair_unique(&mut self, a: &TapCapture, b: &TapCapture) {
        for (xs, ys) in groups(a, b, self, true) {
            if let ([x], [y]) = (xs.as_slice(), ys.as_slice()) {
                let (sa, sb) = (
                    &a.segments[self.a[*x] as usize],
                    &b.segments[self.b[*y] as usize],
                );
                if sa.payload_compatible(sb) {
                    self.pairs.push((*x as u32, *y as u32, MatchHow::Exact));
                }
            }
        }
    }

    /// Steps 2 to 4, once the clock and the side of each capture point are known.
    pub(super) fn pair_rest(&mut self, a: &TapCapture, b: &TapCapture, timing: Timing) {
        for (xs, ys) in groups(a, b, self, true) {
            self.resolve(a, b, &xs, &ys, timing, MatchHow::Exact);
        }
        let matched = self.pairs.len();
        if matched * 2 < self.a.len().min(self.b.len()) {
            for (xs, ys) in groups(a, b, self, false) {
                self.resolve(a, b, &xs, &ys, timing, MatchHow::IpIdRewritten);
            }
        }
        self.pair_resegmented(a, b);
    }

    /// Resolves one group by time (step 2 or 3).
    fn resolve(
        &mut self,
        a: &TapCapture,
        b: &TapCapture,
        xs: &[usize],
        ys: &[usize],
        timing: Timing,
        how: MatchHow,
    ) {
        // A position of the group on either side: its segment, and its time on A's clock.
        let seg = |tap: TapId, pos: usize| -> &TapSegment {
            match tap {
                TapId::A => &a.segments[self.a[pos] as usize],
                TapId::B => &b.segments[self.b[pos] as usize],
            }
        };
        let on_a = |tap: TapId, pos: usize| match tap {
            TapId::A => seg(tap, pos).ts,
            TapId::B => seg(tap, pos).ts - timing.offset_ns,
        };
        let (up, down) = (timing.upstream, timing.upstream.other());
        let (ups, downs) = match up {
            TapId::A => (xs, ys),
            TapId::B => (ys, xs),
        };
        let mut claimed = vec![false; ups.len()];
        let mut found = Vec::new();
        for &d in downs {
            let mut best: Option<(bool, i64, usize)> = None;
            for (k, &u) in ups.iter().enumerate() {
                let delay = on_a(down, d) - on_a(up, u);
                if delay < -NEGATIVE_DELAY_TOLERANCE_NS
                    || !seg(up, u).payload_compatible(seg(down, d))
                {
                    continue;
                }
                // Unclaimed first, then nearest the typical delay.
                let key = (claimed[k], (delay - timing.typical_ns).abs(), k);
                if best.is_none_or(|b| (key.0, key.1) < (b.0, b.1)) {
                    best = Some(key);
                }
            }
            if let Some((_, _, k)) = best {
                claimed[k] = true;
                found.push((ups[k], d));
            }
        }
        for (u, d) in found {
            let (x, y) = match up {
                TapId::A => (u, d),
                TapId::B => (d, u),
            };
            self.pairs.push((x as u32, y as u32, how));
        }
    }

    /// Step 4: several unpaired segments on one side that tile exactly the sequence range of
    /// one unpaired segment on the other.
    fn pair_resegmented(&mut self, a: &TapCapture, b: &TapCapture) {
        // The two captures' unwrapped sequence spaces differ by a multiple of 2^32 when one
        // started after a wrap: the shift comes from any pair.
        let Some(&(x, y, _)) = self.pairs.first() else {
            return;
        };
        let shift = a.segments[self.a[x as usize] as usize].useq
            - b.segments[self.b[y as usize] as usize].useq;
        let (mut a_done, mut b_done) = self.paired();
        let a_segs: Vec<&TapSegment> = self.a.iter().map(|&i| &a.segments[i as usize]).collect();
        let b_segs: Vec<&TapSegment> = self.b.iter().map(|&i| &b.segments[i as usize]).collect();
        // Several A segments making one B segment, then several B segments making one A one.
        for pieces_are_a in [true, false] {
            let (pieces, wholes, to_piece_space) = if pieces_are_a {
                (&a_segs, &b_segs, shift)
            } else {
                (&b_segs, &a_segs, -shift)
            };
            let (pieces_done, wholes_done) = if pieces_are_a {
                (&mut a_done, &mut b_done)
            } else {
                (&mut b_done, &mut a_done)
            };
            let mut by_start: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
            for (pos, s) in pieces.iter().enumerate() {
                if !pieces_done[pos] && s.len > 0 {
                    by_start.entry(s.useq).or_default().push(pos);
                }
            }
            for (wpos, w) in wholes.iter().enumerate() {
                if wholes_done[wpos] || w.len == 0 {
                    continue;
                }
                let (start, end) = (w.useq + to_piece_space, w.uend() + to_piece_space);
                let mut cursor = start;
                let mut chain = Vec::new();
                while cursor < end {
                    let next = by_start.get(&cursor).and_then(|v| {
                        v.iter()
                            .copied()
                            .find(|&p| !pieces_done[p] && pieces[p].uend() <= end)
                    });
                    let Some(p) = next else { break };
                    chain.push(p);
                    cursor = pieces[p].uend();
                }
                let head_agrees = chain.first().is_some_and(|&p| {
                    let n = usize::from(pieces[p].head_len.min(w.head_len));
                    pieces[p].payload_head[..n] == w.payload_head[..n]
                });
                if cursor != end || chain.len() < 2 || !head_agrees {
                    continue;
                }
                wholes_done[wpos] = true;
                for p in chain {
                    pieces_done[p] = true;
                    let (x, y) = if pieces_are_a { (p, wpos) } else { (wpos, p) };
                    self.pairs.push((x as u32, y as u32, MatchHow::Resegmented));
                }
            }
        }
    }
}
