//! Which connection of one capture is which connection of the other.
//!
//! Addresses are not enough: a NAT between the capture points rewrites one side's address
//! and port, and a busy server reuses 4-tuples. What a NAT leaves alone is the TCP header
//! inside: sequence and acknowledgment numbers (whose initial values are random 32-bit
//! numbers), flags and the timestamp option. So every segment gets a signature of those
//! fields, and two connections are the same when they share signatures, in the same or the
//! swapped orientation (a capture that missed the SYN may call the other side originator).
//! The ISNs are the SYNs' signatures; captures without the handshake still match on their
//! data and ACKs.

use std::collections::HashMap;
use std::hash::BuildHasher as _;

use foldhash::fast::FixedState;

use super::tap::{TapCapture, TapSegment};
use crate::analysis::Direction;
use crate::decode::TcpFlags;

/// Segments of each direction of an A connection that are looked up in B.
const SAMPLE_PER_DIRECTION: usize = 64;

/// One connection found in both captures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnMatch {
    /// Index in A's [`TapCapture::conns`].
    pub a: usize,
    /// Index in B's.
    pub b: usize,
    /// A's originator is B's originator (false: B calls the other side the originator,
    /// because it missed the SYN).
    pub same_orientation: bool,
    /// Both endpoints are the same addresses and ports in both captures (false: a NAT
    /// between the capture points rewrote one side).
    pub same_endpoints: bool,
    /// Both captures saw both SYNs, with the same initial sequence numbers.
    pub isns_equal: bool,
    /// Sampled segments of A's connection found in B's.
    pub common_segments: u32,
}

impl ConnMatch {
    /// B's direction for A's direction `dir`.
    pub fn b_dir(&self, dir: Direction) -> Direction {
        if self.same_orientation {
            dir
        } else {
            dir.reverse()
        }
    }
}

/// The connections of both captures, paired.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnPairing {
    /// Connections in both, in A's order.
    pub matched: Vec<ConnMatch>,
    /// Indices of A's connections not found in B.
    pub only_a: Vec<usize>,
    /// Indices of B's connections not found in A.
    pub only_b: Vec<usize>,
}

/// A segment's identity as a NAT leaves it: sequence and acknowledgment numbers, length,
/// the SYN/FIN/RST/ACK flags and the timestamp option.
fn signature(s: &TapSegment) -> u64 {
    let flags = s.flags.0 & (TcpFlags::SYN | TcpFlags::FIN | TcpFlags::RST | TcpFlags::ACK);
    FixedState::default().hash_one((s.seq, s.ack, s.seg_len(), flags, s.tsopt))
}

/// Pairs the connections of `a` and `b`: each A connection with the B connection sharing
/// most segment signatures (each used once, best pairs first).
pub fn match_connections(a: &TapCapture, b: &TapCapture) -> ConnPairing {
    // Every B segment's signature → its connection and direction (first one wins).
    let mut index: HashMap<u64, (u32, Direction)> = HashMap::with_capacity(b.segments.len());
    for s in &b.segments {
        index.entry(signature(s)).or_insert((s.conn, s.dir));
    }
    // Votes per (A connection, B connection, same orientation).
    let mut candidates: Vec<(u32, usize, usize, bool)> = Vec::new();
    for (ai, conn) in a.conns.iter().enumerate() {
        let mut votes: HashMap<(usize, bool), u32> = HashMap::new();
        for dir in [Direction::ClientToServer, Direction::ServerToClient] {
            // Spread over the whole connection: the captures may overlap only in part.
            let of_dir: Vec<&TapSegment> = conn
                .segments
                .iter()
                .map(|&i| &a.segments[i as usize])
                .filter(|s| s.dir == dir)
                .collect();
            let stride = of_dir.len().div_ceil(SAMPLE_PER_DIRECTION).max(1);
            for s in of_dir.into_iter().step_by(stride) {
                if let Some(&(bc, bdir)) = index.get(&signature(s)) {
                    *votes.entry((bc as usize, bdir == dir)).or_default() += 1;
                }
            }
        }
        for ((bi, same), n) in votes {
            candidates.push((n, ai, bi, same));
        }
    }
    // Best evidence first; ties broken by the endpoints being equal, then by order.
    let endpoints_equal = |ai: usize, bi: usize, same: bool| {
        let (ca, cb) = (&a.conns[ai], &b.conns[bi]);
        if same {
            ca.client == cb.client && ca.server == cb.server
        } else {
            ca.client == cb.server && ca.server == cb.client
        }
    };
    candidates.sort_by_key(|&(n, ai, bi, same)| {
        (std::cmp::Reverse(n), !endpoints_equal(ai, bi, same), ai, bi)
    });
    let mut a_used = vec![false; a.conns.len()];
    let mut b_used = vec![false; b.conns.len()];
    let mut matched = Vec::new();
    for (n, ai, bi, same) in candidates {
        if a_used[ai] || b_used[bi] {
            continue;
        }
        a_used[ai] = true;
        b_used[bi] = true;
        let (ca, cb) = (&a.conns[ai], &b.conns[bi]);
        let b_isn = if same { cb.isn } else { [cb.isn[1], cb.isn[0]] };
        matched.push(ConnMatch {
            a: ai,
            b: bi,
            same_orientation: same,
            same_endpoints: endpoints_equal(ai, bi, same),
            isns_equal: ca.isn.iter().all(Option::is_some) && ca.isn == b_isn,
            common_segments: n,
        });
    }
    matched.sort_by_key(|m| m.a);
    ConnPairing {
        matched,
        only_a: (0..a.conns.len()).filter(|&i| !a_used[i]).collect(),
        only_b: (0..b.conns.len()).filter(|&i| !b_used[i]).collect(),
    }
}
