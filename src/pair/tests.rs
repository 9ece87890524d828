//! The matcher on crafted two-point captures: a path with capture point A next to the client
//! and B next to the server, where each test decides what happens to each packet.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use etherparse::{IpHeaders, Ipv4Extensions, Ipv4Header, PacketBuilder, TcpHeader};

use super::*;
use crate::analysis::{Config, Engine};
use crate::capture::{LinkType, OwnedFrame, Timestamp};
use crate::decode::{decode, TcpFlags};

const MS: i64 = 1_000_000;
const T0: i64 = 1_767_225_600 * 1_000_000_000;
const CLIENT: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 2), 40_000);
const SERVER: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(10, 0, 9, 2), 80);
const ISN_C: u32 = 1_000;
const ISN_S: u32 = 5_000_000;
const SYN: u16 = TcpFlags::SYN;
const ACK: u16 = TcpFlags::ACK;
const PSH_ACK: u16 = TcpFlags::PSH | TcpFlags::ACK;
const FIN_ACK: u16 = TcpFlags::FIN | TcpFlags::ACK;

/// Where a packet is seen, beyond the normal (both points, once each).
#[derive(Debug, Clone, Copy)]
struct Path {
    at_a: bool,
    at_b: bool,
    /// Copies at the downstream point.
    copies: usize,
    /// Extra time before the downstream point (reordering).
    late: i64,
}

const BOTH: Path = Path {
    at_a: true,
    at_b: true,
    copies: 1,
    late: 0,
};
const NOT_AT_A: Path = Path {
    at_a: false,
    ..BOTH
};
const NOT_AT_B: Path = Path {
    at_b: false,
    ..BOTH
};
const NOWHERE: Path = Path {
    at_a: false,
    at_b: false,
    ..BOTH
};

/// A path client — A — (1 ms) — B — server; B's clock runs `b_clock` ns ahead and, behind a
/// NAT, B sees the client as `b_client`.
struct Sim {
    a: Vec<(i64, Vec<u8>)>,
    b: Vec<(i64, Vec<u8>)>,
    b_clock: i64,
    b_client: SocketAddrV4,
    /// B sees other IP ids (a NAT rewriting them).
    b_ip_id_xor: u16,
    timestamps: bool,
    ip_id: [u16; 2],
    delay: i64,
}

impl Sim {
    fn new() -> Sim {
        Sim {
            a: Vec::new(),
            b: Vec::new(),
            b_clock: 0,
            b_client: CLIENT,
            b_ip_id_xor: 0,
            timestamps: true,
            ip_id: [100, 700],
            delay: MS,
        }
    }

    fn frame(
        &self,
        from_client: bool,
        client: SocketAddrV4,
        id: u16,
        seg: &Seg,
        t: i64,
    ) -> Vec<u8> {
        let (src, dst) = if from_client {
            (client, SERVER)
        } else {
            (SERVER, client)
        };
        let mut tcp = TcpHeader::new(src.port(), dst.port(), seg.seq, 502);
        tcp.acknowledgment_number = seg.ack;
        tcp.syn = seg.flags & SYN != 0;
        tcp.ack = seg.flags & ACK != 0;
        tcp.fin = seg.flags & TcpFlags::FIN != 0;
        tcp.psh = seg.flags & TcpFlags::PSH != 0;
        let mut opts = Vec::new();
        if self.timestamps {
            let tsval = (t / MS) as u32;
            opts.extend_from_slice(&[1, 1, 8, 10]);
            opts.extend_from_slice(&tsval.to_be_bytes());
            opts.extend_from_slice(&0u32.to_be_bytes());
        }
        if !seg.sack.is_empty() {
            opts.extend_from_slice(&[1, 1, 5, 2 + 8 * seg.sack.len() as u8]);
            for (l, r) in &seg.sack {
                opts.extend_from_slice(&l.to_be_bytes());
                opts.extend_from_slice(&r.to_be_bytes());
            }
        }
        tcp.set_options_raw(&opts).expect("options fit");
        let mut ip = Ipv4Header::new(
            0,
            64,
            etherparse::IpNumber::TCP,
            src.ip().octets(),
            dst.ip().octets(),
        )
        .expect("header");
        ip.dont_fragment = true;
        ip.identification = id;
        let mut buf = Vec::new();
        PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ip(IpHeaders::Ipv4(ip, Ipv4Extensions::default()))
            .tcp_header(tcp)
            .write(&mut buf, &seg.payload)
            .expect("frame builds");
        buf
    }

    /// Sends `seg` from the client (or the server), passing its first point at `t` ms.
    fn send(&mut self, t_ms: f64, from_client: bool, seg: Seg, path: Path) {
        let t = T0 + (t_ms * MS as f64) as i64;
        let side = usize::from(!from_client);
        let id = self.ip_id[side];
        self.ip_id[side] = id.wrapping_add(1);
        let fa = self.frame(from_client, CLIENT, id, &seg, t);
        let fb = self.frame(from_client, self.b_client, id ^ self.b_ip_id_xor, &seg, t);
        let down_t = t + self.delay + path.late;
        let (ta, tb) = if from_client {
            (t, down_t)
        } else {
            (down_t, t)
        };
        let copies = |up: bool| if up { 1 } else { path.copies };
        if path.at_a {
            for k in 0..copies(from_client) {
                self.a.push((ta + k as i64 * 1000, fa.clone()));
            }
        }
        if path.at_b {
            for k in 0..copies(!from_client) {
                self.b
                    .push((tb + self.b_clock + k as i64 * 1000, fb.clone()));
            }
        }
    }

    fn client(&mut self, t_ms: f64, seg: Seg) {
        self.send(t_ms, true, seg, BOTH);
    }

    fn client_via(&mut self, t_ms: f64, seg: Seg, path: Path) {
        self.send(t_ms, true, seg, path);
    }

    fn server(&mut self, t_ms: f64, seg: Seg) {
        self.send(t_ms, false, seg, BOTH);
    }

    fn handshake(&mut self) {
        self.client(0.0, seg(ISN_C, 0, SYN, 0));
        self.server(1.0, seg(ISN_S, ISN_C + 1, SYN | ACK, 0));
        self.client(2.0, seg(ISN_C + 1, ISN_S + 1, ACK, 0));
    }

    fn tap(frames: &[(i64, Vec<u8>)], name: &str) -> TapCapture {
        let mut sorted = frames.to_vec();
        sorted.sort_by_key(|f| f.0);
        let mut tap = TapCapture::new(name, TapLimits::default());
        let mut engine = Engine::new(Config::default());
        for (n, (t, data)) in sorted.into_iter().enumerate() {
            let f = OwnedFrame::packet(n as u64 + 1, Timestamp(t), LinkType::Ethernet, data);
            let frame = f.as_frame();
            let packet = decode(&frame);
            let ann = engine.process(&frame, &packet);
            tap.push(&frame, &packet, &ann);
        }
        tap
    }

    fn run(&self) -> PairReport {
        let (a, b) = (Self::tap(&self.a, "a"), Self::tap(&self.b, "b"));
        pair(&a, &b, &PairOptions::default())
    }
}

/// A segment: seq, ack, flags, payload bytes (filled with a pattern of the seq).
#[derive(Debug, Clone)]
struct Seg {
    seq: u32,
    ack: u32,
    flags: u16,
    payload: Vec<u8>,
    sack: Vec<(u32, u32)>,
}

fn seg(seq: u32, ack: u32, flags: u16, len: usize) -> Seg {
    Seg {
        seq,
        ack,
        flags,
        payload: (0..len).map(|i| (seq as usize + i) as u8).collect(),
        sack: Vec::new(),
    }
}

fn sacked(mut s: Seg, blocks: &[(u32, u32)]) -> Seg {
    s.sack = blocks.to_vec();
    s
}

/// Client data at relative seq `rel` (1-based after the SYN), 100 bytes.
fn data(rel: u32) -> Seg {
    seg(ISN_C + rel, ISN_S + 1, PSH_ACK, 100)
}

/// The server's ACK of client bytes up to relative `rel`.
fn ack(rel: u32) -> Seg {
    seg(ISN_S + 1, ISN_C + rel, ACK, 0)
}

fn only(report: &PairReport) -> &PairedConnection {
    assert_eq!(report.connections.len(), 1, "{report:#?}");
    &report.connections[0]
}

/// Rows of client data (payload), in order: (frame_a, frame_b, fate label).
fn data_rows(c: &PairedConnection) -> Vec<(u32, String)> {
    c.rows
        .iter()
        .filter(|r| r.dir == Direction::ClientToServer && r.len > 0)
        .map(|r| (r.seq, r.fate_label()))
        .collect()
}

/// Three data segments of which the server misses the middle one, which takes `path`: the
/// server ACKs the first, SACKs the third, and the client retransmits the middle one (same
/// header, new IP id and TSval).
fn middle_of_three_retransmitted(path: Path) -> PairReport {
    let mut sim = Sim::new();
    sim.handshake();
    sim.client(3.0, data(1));
    sim.client_via(3.1, data(101), path);
    sim.client(3.2, data(201));
    sim.server(4.0, ack(101));
    sim.server(4.25, sacked(ack(101), &[(ISN_C + 201, ISN_C + 301)]));
    sim.client(5.0, data(101));
    sim.server(6.05, ack(301));
    sim.run()
}

/// A clean transfer: handshake, three data segments, ACKs, FINs.
fn clean(sim: &mut Sim) {
    sim.handshake();
    sim.client(3.0, data(1));
    sim.client(3.1, data(101));
    sim.client(3.2, data(201));
    sim.server(4.2, ack(301));
    sim.client(5.0, seg(ISN_C + 301, ISN_S + 1, FIN_ACK, 0));
    sim.server(6.0, seg(ISN_S + 1, ISN_C + 302, FIN_ACK, 0));
    sim.client(7.0, seg(ISN_C + 302, ISN_S + 2, ACK, 0));
}

#[test]
fn clean_transfer_is_delivered_with_the_path_delay() {
    let mut sim = Sim::new();
    clean(&mut sim);
    let r = sim.run();
    let c = only(&r);
    assert_eq!(r.clock.basis, ClockBasis::Measured);
    assert_eq!(r.clock.offset_ns, 0);
    assert_eq!(c.a_client_side, Some(true));
    assert!(c.matched.same_endpoints && c.matched.isns_equal);
    assert_eq!(c.rows.len(), 10);
    for row in &c.rows {
        assert_eq!(row.fate, Fate::Delivered, "{row:?}");
        assert_eq!(row.one_way_ns, Some(MS));
        assert!(row.frame_a.is_some() && row.frame_b.is_some());
        let up = if row.dir == Direction::ClientToServer {
            TapId::A
        } else {
            TapId::B
        };
        assert_eq!(row.upstream, up);
    }
    let d = c.dirs[0].delay.expect("delays");
    assert_eq!((d.n, d.min, d.p50, d.max), (7, MS, MS, MS));
    assert_eq!(c.dirs[1].count(Fate::Delivered), 3);
    assert!(r.only_a.is_empty() && r.only_b.is_empty());
}

#[test]
fn a_shifted_clock_is_recovered_and_delays_unchanged() {
    for shift in [5_000 * MS, -123_456_789, 3] {
        let mut sim = Sim::new();
        sim.b_clock = shift;
        clean(&mut sim);
        let r = sim.run();
        assert_eq!(r.clock.offset_ns, shift);
        assert!(only(&r).rows.iter().all(|row| row.one_way_ns == Some(MS)));
    }
}

#[test]
fn asymmetric_minimum_delays_split_the_difference() {
    // 1 ms client→server, 3 ms back: the offset comes out 1 ms wrong (the stated
    // assumption), the round trip between the points stays 4 ms.
    let mut sim = Sim::new();
    sim.client(0.0, seg(ISN_C, 0, SYN, 0));
    sim.delay = 3 * MS;
    sim.server(1.0, seg(ISN_S, ISN_C + 1, SYN | ACK, 0));
    sim.delay = MS;
    sim.client(5.0, seg(ISN_C + 1, ISN_S + 1, ACK, 0));
    let r = sim.run();
    assert_eq!(r.clock.offset_ns, -MS);
    assert_eq!(r.clock.min_one_way_ns, [Some(2 * MS), Some(2 * MS)]);
}

#[test]
fn a_segment_dropped_between_the_points_is_lost_between_and_its_retransmission_delivered() {
    let r = middle_of_three_retransmitted(NOT_AT_B);
    let c = only(&r);
    assert_eq!(
        data_rows(c),
        vec![
            (1, "delivered".to_string()),
            (101, "lost between A and B".to_string()),
            (201, "delivered".to_string()),
            (101, "delivered".to_string()),
        ]
    );
    let lost = c
        .rows
        .iter()
        .find(|r| r.fate == Fate::LostBetween)
        .expect("lost row");
    assert!(lost.frame_a.is_some() && lost.frame_b.is_none() && lost.one_way_ns.is_none());
    assert_eq!(c.dirs[0].count(Fate::LostBetween), 1);
    assert_eq!(c.dirs[1].count(Fate::LostBetween), 0);
}

#[test]
fn a_lost_ack_from_the_server_is_lost_between_b_and_a() {
    let mut sim = Sim::new();
    clean(&mut sim);
    // A window update after the data, while A still captures (its last frame is at 7 ms).
    sim.send(4.5, false, ack(301), NOT_AT_A);
    let r = sim.run();
    let c = only(&r);
    let lost: Vec<&SegmentRow> = c
        .rows
        .iter()
        .filter(|r| r.fate == Fate::LostBetween)
        .collect();
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].upstream, TapId::B);
    assert_eq!(lost[0].dir, Direction::ServerToClient);
    assert!(lost[0].frame_a.is_none() && lost[0].frame_b.is_some());
    // The same ACK later, when A had stopped capturing, would have reached A too late.
    let mut late = Sim::new();
    clean(&mut late);
    late.send(8.0, false, ack(302), NOT_AT_A);
    let r = late.run();
    let fates: Vec<Fate> = only(&r).rows.iter().map(|r| r.fate).collect();
    assert_eq!(
        fates.iter().filter(|&&f| f == Fate::OutsideCapture).count(),
        1
    );
    assert!(!fates.contains(&Fate::LostBetween));
}

#[test]
fn nat_on_one_side_is_matched_by_isns_and_segments() {
    let mut sim = Sim::new();
    sim.b_client = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), 61_000);
    sim.b_clock = 2_000 * MS;
    clean(&mut sim);
    let r = sim.run();
    let c = only(&r);
    assert!(!c.matched.same_endpoints);
    assert!(c.matched.isns_equal);
    assert_eq!(c.b.client, SocketAddr::V4(sim.b_client));
    assert_eq!(c.a.client, SocketAddr::V4(CLIENT));
    assert_eq!(r.clock.offset_ns, 2_000 * MS);
    assert!(c.rows.iter().all(|row| row.fate == Fate::Delivered));
}

#[test]
fn a_nat_rewriting_ip_ids_is_tolerated() {
    let mut sim = Sim::new();
    sim.b_ip_id_xor = 0x5a5a;
    clean(&mut sim);
    let r = sim.run();
    let c = only(&r);
    assert!(
        c.rows.iter().all(|row| row.fate == Fate::Delivered),
        "{:#?}",
        c.rows
    );
    assert!(c
        .rows
        .iter()
        .all(|row| row.how == Some(MatchHow::IpIdRewritten)));
}

#[test]
fn captures_without_the_handshake_are_matched_by_their_segments() {
    let mut sim = Sim::new();
    clean(&mut sim);
    // B started capturing after the handshake.
    sim.b.sort_by_key(|f| f.0);
    sim.b.drain(..3);
    let r = sim.run();
    let c = only(&r);
    assert!(!c.matched.isns_equal);
    assert!(c.matched.common_segments >= 5);
    // The handshake happened before B's capture started.
    let outside = c
        .rows
        .iter()
        .filter(|r| r.fate == Fate::OutsideCapture)
        .count();
    assert_eq!(outside, 3, "{:#?}", c.rows);
    assert_eq!(
        c.rows.iter().filter(|r| r.fate == Fate::Delivered).count(),
        7
    );
}

#[test]
fn a_duplicate_made_on_the_way_is_duplicated() {
    let mut sim = Sim::new();
    sim.handshake();
    sim.client_via(3.0, data(1), Path { copies: 2, ..BOTH });
    sim.server(4.5, ack(101));
    let r = sim.run();
    let c = only(&r);
    assert_eq!(data_rows(c), vec![(1, "duplicated".to_string())]);
    let row = c
        .rows
        .iter()
        .find(|r| r.fate == Fate::Duplicated)
        .expect("row");
    assert_eq!(row.more_frames_b.len(), 1);
    assert_eq!(row.one_way_ns, Some(MS));
}

#[test]
fn identical_packets_sent_twice_are_each_delivered() {
    // Two identical pure ACKs (same IP id, no timestamps): each copy goes to the nearest.
    let mut sim = Sim::new();
    sim.timestamps = false;
    sim.handshake();
    sim.client(3.0, data(1));
    sim.server(4.0, ack(101));
    sim.ip_id[1] -= 1;
    sim.server(9.0, ack(101));
    let r = sim.run();
    let c = only(&r);
    let acks: Vec<&SegmentRow> = c
        .rows
        .iter()
        .filter(|r| r.dir == Direction::ServerToClient && r.ack == 101)
        .collect();
    assert_eq!(acks.len(), 2);
    assert!(
        acks.iter()
            .all(|r| r.fate == Fate::Delivered && r.one_way_ns == Some(MS)),
        "{acks:#?}"
    );
}

#[test]
fn a_segment_overtaken_between_the_points_is_reordered() {
    let mut sim = Sim::new();
    sim.handshake();
    sim.client_via(
        3.0,
        data(1),
        Path {
            late: MS / 2,
            ..BOTH
        },
    );
    sim.client(3.1, data(101));
    sim.server(5.0, ack(201));
    let r = sim.run();
    let c = only(&r);
    assert_eq!(
        data_rows(c),
        vec![
            (1, "reordered between the taps".to_string()),
            (101, "delivered".to_string())
        ]
    );
    assert_eq!(
        c.rows
            .iter()
            .find(|r| r.seq == 1 && r.len > 0)
            .and_then(|r| r.one_way_ns),
        Some(MS + MS / 2)
    );
}

#[test]
fn a_hole_upstream_is_lost_before_a() {
    // A sits mid-path: the client's segment 101 never reached it, nor B.
    let r = middle_of_three_retransmitted(NOWHERE);
    let c = only(&r);
    let before: Vec<&SegmentRow> = c
        .rows
        .iter()
        .filter(|r| r.fate == Fate::LostBefore)
        .collect();
    assert_eq!(before.len(), 1, "{:#?}", c.rows);
    assert_eq!((before[0].seq, before[0].len), (101, 100));
    assert_eq!(before[0].fate_label(), "lost before A");
    assert!(before[0].frame_a.is_none() && before[0].frame_b.is_none());
    assert_eq!(c.rows.iter().filter(|r| r.fate.is_loss()).count(), 1);
}

#[test]
fn a_segment_the_receiver_never_got_is_lost_after_b() {
    // 101 passes both points and is lost before the server.
    let r = middle_of_three_retransmitted(BOTH);
    let c = only(&r);
    assert_eq!(
        data_rows(c),
        vec![
            (1, "delivered".to_string()),
            (101, "lost after B".to_string()),
            (201, "delivered".to_string()),
            (101, "delivered".to_string()),
        ]
    );
}

#[test]
fn an_ack_sent_before_a_segment_arrived_proves_nothing() {
    // The server's ACK of 101 crossed segment 201 on the way: it covers nothing that
    // arrived after 201, so 201 is not declared lost.
    let mut sim = Sim::new();
    sim.handshake();
    sim.client(3.0, data(1));
    sim.client(3.1, data(101));
    sim.server(4.05, ack(101)); // after 1 (4.0 at B) but acks only it
    sim.server(4.2, ack(201));
    let r = sim.run();
    let c = only(&r);
    assert!(
        data_rows(c).iter().all(|(_, f)| f == "delivered"),
        "{:#?}",
        c.rows
    );
}

#[test]
fn a_segment_acknowledged_but_not_seen_at_b_was_not_captured_there() {
    let mut sim = Sim::new();
    sim.handshake();
    sim.client(3.0, data(1));
    sim.client_via(3.1, data(101), NOT_AT_B);
    sim.server(4.2, ack(201));
    let r = sim.run();
    let c = only(&r);
    assert_eq!(
        data_rows(c),
        vec![
            (1, "delivered".to_string()),
            (101, "not captured at B".to_string())
        ]
    );
}

#[test]
fn a_segment_seen_only_downstream_was_not_captured_upstream() {
    let mut sim = Sim::new();
    sim.handshake();
    sim.client_via(3.0, data(1), NOT_AT_A);
    sim.client(3.1, data(101));
    sim.server(4.2, ack(201));
    let r = sim.run();
    let c = only(&r);
    let rows = data_rows(c);
    assert_eq!(
        rows,
        vec![
            (1, "not captured at A".to_string()),
            (101, "delivered".to_string())
        ]
    );
    // Not also reported as a hole lost before A.
    assert!(c.rows.iter().all(|r| r.fate != Fate::LostBefore));
}

#[test]
fn segments_merged_at_the_receiving_point_are_delivered() {
    // GRO at B: two 100-byte segments arrive as one 200-byte segment.
    let mut sim = Sim::new();
    sim.handshake();
    sim.client_via(3.0, data(1), NOT_AT_B);
    sim.client_via(3.01, data(101), NOT_AT_B);
    // The payload pattern follows the sequence number, so the merged bytes are the same.
    let merged = seg(ISN_C + 1, ISN_S + 1, PSH_ACK, 200);
    sim.client_via(3.0, merged, NOT_AT_A);
    sim.server(4.5, ack(201));
    let r = sim.run();
    let c = only(&r);
    let rows = data_rows(c);
    assert_eq!(
        rows,
        vec![(1, "delivered".to_string()), (101, "delivered".to_string())],
        "{:#?}",
        c.rows
    );
    assert!(c
        .rows
        .iter()
        .filter(|r| r.len > 0)
        .all(|r| r.how == Some(MatchHow::Resegmented)));
}

#[test]
fn connections_in_one_capture_only_are_listed() {
    let mut sim = Sim::new();
    clean(&mut sim);
    // A second connection that B never saw (another port).
    let mut other = Sim::new();
    other.handshake();
    let a_only: Vec<(i64, Vec<u8>)> = other
        .a
        .iter()
        .map(|(t, f)| {
            let mut f = f.clone();
            // Source/destination port 40000 → 40001 in both directions (byte 34..36 or 36..38).
            for off in [34, 36] {
                if f[off..off + 2] == 40_000u16.to_be_bytes() {
                    f[off..off + 2].copy_from_slice(&40_001u16.to_be_bytes());
                }
            }
            (*t + 100 * MS, f)
        })
        .collect();
    sim.a.extend(a_only);
    let r = sim.run();
    // Port change leaves ISNs equal but the checksum is wrong; the signature is still the
    // same, so the second connection competes for B's only one and loses (fewer segments).
    assert_eq!(r.connections.len(), 1);
    assert_eq!(r.only_a.len(), 1);
    assert_eq!(r.only_a[0].client.port(), 40_001);
    assert!(r.only_b.is_empty());
}

#[test]
fn sack_block_edges_prove_nothing_missing() {
    // Linux lists the SACK blocks it touched last, not always whole ranges: here a block
    // ends where segment 201, which the server holds, begins. Only the cumulative ACK
    // counts as proof, and it says nothing against 201.
    let mut sim = Sim::new();
    sim.handshake();
    sim.client_via(3.0, data(1), NOT_AT_B);
    sim.client(3.1, data(101));
    sim.client(3.2, data(201));
    sim.client(3.3, data(301));
    let blocks = [(ISN_C + 301, ISN_C + 401), (ISN_C + 101, ISN_C + 201)];
    sim.server(4.35, sacked(ack(1), &blocks));
    sim.client(5.0, data(1));
    sim.server(6.05, ack(401));
    let r = sim.run();
    let rows = data_rows(only(&r));
    assert_eq!(rows[0], (1, "lost between A and B".to_string()));
    assert!(rows[1..].iter().all(|(_, f)| f == "delivered"), "{rows:?}");
}

#[test]
fn a_segment_acknowledged_before_any_other_copy_arrived_was_delivered() {
    // The server's CPUs took 201 before 101 (an ACK stops at 101 while SACKing 201), but
    // the next ACK covers 101 before any retransmission of it: it had arrived.
    let mut sim = Sim::new();
    sim.handshake();
    sim.client(3.0, data(1));
    sim.client(3.1, data(101));
    sim.client(3.2, data(201));
    sim.server(4.25, sacked(ack(101), &[(ISN_C + 201, ISN_C + 301)]));
    sim.server(4.3, ack(301));
    let r = sim.run();
    let rows = data_rows(only(&r));
    assert!(rows.iter().all(|(_, f)| f == "delivered"), "{rows:?}");
}

/// The tail of a flight: 101 passes B and is lost before the server, which has nothing
/// later to acknowledge; the client retransmits it on a timeout. `dsack_before` makes the
/// server report a duplicate earlier (so it is known to report them), `dsack_after` makes
/// it report the retransmission as one.
fn tail_retransmitted(dsack_before: bool, dsack_after: bool) -> Vec<(u32, String)> {
    let mut sim = Sim::new();
    sim.handshake();
    sim.client(3.0, data(1));
    sim.server(4.05, ack(101));
    if dsack_before {
        sim.client(4.5, data(1)); // a spurious retransmission, reported as a duplicate
        sim.server(5.55, sacked(ack(101), &[(ISN_C + 1, ISN_C + 101)]));
    }
    sim.client(6.0, data(101));
    sim.client(9.0, data(101));
    let answer = if dsack_after {
        sacked(ack(201), &[(ISN_C + 101, ISN_C + 201)])
    } else {
        ack(201)
    };
    sim.server(10.05, answer);
    data_rows(only(&sim.run()))
        .into_iter()
        .filter(|(seq, _)| *seq == 101)
        .collect()
}

#[test]
fn the_tail_of_a_flight_is_lost_after_b_when_the_receiver_does_not_report_its_copy() {
    assert_eq!(
        tail_retransmitted(true, false),
        vec![
            (101, "lost after B".to_string()),
            (101, "delivered".to_string())
        ]
    );
    // The receiver reported the retransmission as a duplicate: the first had arrived.
    assert_eq!(
        tail_retransmitted(true, true),
        vec![
            (101, "delivered".to_string()),
            (101, "delivered".to_string())
        ]
    );
    // A receiver never seen reporting duplicates proves nothing by its silence.
    assert_eq!(
        tail_retransmitted(false, false),
        vec![
            (101, "delivered".to_string()),
            (101, "delivered".to_string())
        ]
    );
}

/// 101 passes B and reaches the server late (its CPUs took 201..401 first), so the server
/// SACKs three later segments while its cumulative ACK stops at 101, and the client
/// retransmits 101. The cumulative ACK then covers 101 after the retransmission passed B;
/// `dsack` makes the server report that one of the two copies of 101 came twice.
fn overtaken_in_the_receiver(dsack: bool) -> Vec<(u32, String)> {
    let mut sim = Sim::new();
    sim.handshake();
    sim.client(3.0, data(1));
    sim.client(3.1, data(101));
    sim.client(3.2, data(201));
    sim.client(3.3, data(301));
    sim.client(3.4, data(401));
    sim.server(4.05, ack(101));
    sim.server(4.25, sacked(ack(101), &[(ISN_C + 201, ISN_C + 301)]));
    sim.server(4.35, sacked(ack(101), &[(ISN_C + 201, ISN_C + 401)]));
    sim.server(4.45, sacked(ack(101), &[(ISN_C + 201, ISN_C + 501)]));
    sim.client(5.5, data(101));
    sim.server(6.52, ack(501));
    let last = if dsack {
        sacked(ack(501), &[(ISN_C + 101, ISN_C + 201)])
    } else {
        ack(501)
    };
    sim.server(6.55, last);
    data_rows(only(&sim.run()))
}

#[test]
fn a_segment_the_receiver_reports_twice_was_not_lost_after_b() {
    // The ACKs' SACK blocks say 201..501 arrived before 101; the D-SACK says both copies
    // of 101 did: the first was only late, not lost.
    let rows = overtaken_in_the_receiver(true);
    assert!(rows.iter().all(|(_, f)| f == "delivered"), "{rows:?}");
    // Without the D-SACK the cumulative ACK's stop at 101 while later data was SACKed
    // stands, and the first copy is lost after B.
    let rows = overtaken_in_the_receiver(false);
    assert_eq!(rows[1], (101, "lost after B".to_string()), "{rows:?}");
    assert_eq!(rows.iter().filter(|(_, f)| f != "delivered").count(), 1);
}
