//! Two captures of the same traffic, taken at two points of its path (the client and the
//! server, or either side of a firewall): which segment was lost where, and how long each
//! direction took.
//!
//! A consumer of [`capture`](crate::capture), [`decode`](crate::decode) and
//! [`analysis`](crate::analysis), like the command line and the window; nothing in the
//! stages imports it. The steps:
//!
//! 1. [`TapCapture`]: each capture point's TCP segments, with the fields that identify a
//!    segment at the other point (sequence and acknowledgment numbers, length, flags, IP id,
//!    timestamp option, SACK blocks, payload) — [`TapCapture::read_file`], or
//!    [`TapCapture::push`] frame by frame;
//! 2. [`match_connections`]: the same connections in both, by the signatures of their
//!    segments, which a NAT on the way leaves alone (ISNs, data, ACKs), so a connection is
//!    found whatever addresses and ports each point saw;
//! 3. each segment of one point paired with its copies at the other, retransmissions
//!    included (each has its own IP id and timestamp);
//! 4. [`ClockEstimate`]: which point each direction passes first, and the offset between
//!    the points' clocks, as NTP estimates it (see [`clock`] for what that assumes);
//! 5. per segment its one-way delay (B's timestamps moved onto A's clock) and its
//!    [`Fate`]: delivered, duplicated, reordered between the points, lost between them, or,
//!    from the receiver's ACKs and SACKs, lost before the first point or after the second;
//! 6. [`ladder`]: the ladder of a paired connection with both capture points as rails,
//!    drawn on a [`crate::figure::Canvas`] (the window's Two points tab, or SVG).
//!
//! ```
//! use std::path::Path;
//! use synack::pair::{pair, PairOptions, TapCapture, TapLimits};
//!
//! // A capture paired with itself: every segment delivered in no time.
//! let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/captures/demo.pcap"));
//! let (a, _) = TapCapture::read_file(path, TapLimits::default()).unwrap();
//! let (b, _) = TapCapture::read_file(path, TapLimits::default()).unwrap();
//! let report = pair(&a, &b, &PairOptions::default());
//! assert_eq!(report.connections.len(), 3);
//! assert_eq!(report.clock.offset_ns, 0);
//! assert!(report.connections.iter().flat_map(|c| &c.rows).all(|r| r.one_way_ns == Some(0)));
//! ```

pub mod clock;
mod connections;
mod fate;
pub mod ladder;
mod report;
mod segments;
mod tap;

#[cfg(test)]
mod tests;

pub use clock::{ClockBasis, ClockEstimate, Observation};
pub use connections::{match_connections, ConnMatch, ConnPairing};
pub use fate::Fate;
pub use report::{ConnSide, DelayStats, DirSummary, PairReport, PairedConnection, SegmentRow};
pub use segments::MatchHow;
pub use tap::{ReadEnd, TapCapture, TapConn, TapId, TapLimits, TapSegment, PAYLOAD_HEAD};

use clock::upstream;
use report::ConnInput;
use segments::{DirMatch, Timing};

use crate::analysis::Direction;

/// Choices for [`pair`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairOptions {
    /// The clock offset, B's clock minus A's (ns), when it is known (e.g. both captures
    /// were taken on one host): it is then not estimated.
    pub offset_ns: Option<i64>,
}

const DIRECTIONS: [Direction; 2] = [Direction::ClientToServer, Direction::ServerToClient];

/// Segments seen at both points, for the clock: one per pair recognised by its header (the
/// first copy of a duplicate; resegmented pieces left out).
fn observations(a: &TapCapture, b: &TapCapture, dirs: &[[DirMatch; 2]]) -> Vec<Observation> {
    let mut obs = Vec::new();
    for (conn, pair) in dirs.iter().enumerate() {
        for (dm, dir) in pair.iter().zip(DIRECTIONS) {
            for &(x, y, how) in &dm.pairs {
                if how == MatchHow::Resegmented {
                    continue;
                }
                obs.push(Observation {
                    conn,
                    dir,
                    ta: a.segments[dm.a[x as usize] as usize].ts,
                    tb: b.segments[dm.b[y as usize] as usize].ts,
                });
            }
        }
    }
    obs
}

/// The median one-way delay A→B and B→A over `obs`, given the sides and the offset.
fn typical_delays(obs: &[Observation], sides: &clock::Sides, offset_ns: i64) -> [i64; 2] {
    let mut d: [Vec<i64>; 2] = [Vec::new(), Vec::new()];
    for o in obs {
        let side = sides.get(o.conn).copied().flatten().unwrap_or(true);
        match upstream(side, o.dir) {
            TapId::A => d[0].push(o.tb - offset_ns - o.ta),
            TapId::B => d[1].push(o.ta - (o.tb - offset_ns)),
        }
    }
    d.map(|mut v| {
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    })
}

/// Pairs two captures of the same traffic: connections, segments, clock offset, one-way
/// delays and fates.
pub fn pair(a: &TapCapture, b: &TapCapture, opts: &PairOptions) -> PairReport {
    let conns = match_connections(a, b);
    let mut dirs: Vec<[DirMatch; 2]> = conns
        .matched
        .iter()
        .map(|m| {
            DIRECTIONS.map(|dir| {
                let mut dm = DirMatch::new(a, m.a, dir, b, m.b, m.b_dir(dir));
                dm.pair_unique(a, b);
                dm
            })
        })
        .collect();
    // A first clock from the unambiguous pairs resolves the rest by time.
    let obs = observations(a, b, &dirs);
    let (first, sides) = clock::estimate(&obs, dirs.len(), opts.offset_ns);
    let typical = typical_delays(&obs, &sides, first.offset_ns);
    for (k, pair) in dirs.iter_mut().enumerate() {
        for (dm, dir) in pair.iter_mut().zip(DIRECTIONS) {
            let up = upstream(sides[k].unwrap_or(true), dir);
            let timing = Timing {
                upstream: up,
                offset_ns: first.offset_ns,
                typical_ns: typical[usize::from(up == TapId::B)],
            };
            dm.pair_rest(a, b, timing);
        }
    }
    let obs = observations(a, b, &dirs);
    let (clock, sides) = clock::estimate(&obs, dirs.len(), opts.offset_ns);
    let typical = typical_delays(&obs, &sides, clock.offset_ns);
    let connections = conns
        .matched
        .iter()
        .zip(&dirs)
        .enumerate()
        .map(|(k, (m, pair))| {
            let own: Vec<Observation> = obs
                .iter()
                .filter(|o| o.conn == k)
                .map(|o| Observation { conn: 0, ..*o })
                .collect();
            let (own_clock, _) = clock::estimate(&own, 1, None);
            let input = ConnInput {
                a,
                b,
                matched: m,
                dirs: pair,
                a_client_side: sides[k],
                offset_ns: clock.offset_ns,
                typical_ns: typical,
            };
            let (rows, dir_sums) = input.build();
            let (ca, cb) = (&a.conns[m.a], &b.conns[m.b]);
            let (b_client, b_server) = if m.same_orientation {
                (cb.client, cb.server)
            } else {
                (cb.server, cb.client)
            };
            PairedConnection {
                matched: m.clone(),
                a: ConnSide {
                    stream: ca.stream,
                    client: ca.client,
                    server: ca.server,
                },
                b: ConnSide {
                    stream: cb.stream,
                    client: b_client,
                    server: b_server,
                },
                a_client_side: sides[k],
                own_offset_ns: (own_clock.basis == ClockBasis::Measured)
                    .then_some(own_clock.offset_ns),
                rows,
                dirs: dir_sums,
            }
        })
        .collect();
    let side = |tap: &TapCapture, i: usize| ConnSide {
        stream: tap.conns[i].stream,
        client: tap.conns[i].client,
        server: tap.conns[i].server,
    };
    PairReport {
        clock,
        connections,
        only_a: conns.only_a.iter().map(|&i| side(a, i)).collect(),
        only_b: conns.only_b.iter().map(|&i| side(b, i)).collect(),
    }
}
