//! Unit tests of the engine with crafted packets (etherparse's `PacketBuilder`): every flag,
//! event, close pattern and Zeek state, sequence wrap-around and a mid-stream capture.

use etherparse::{PacketBuilder, TcpOptionElement};

use super::*;
use crate::capture::{LinkType, OwnedFrame, Timestamp};
use crate::decode::decode;

const CLIENT: [u8; 4] = [10, 0, 0, 1];
const SERVER: [u8; 4] = [10, 0, 0, 2];
const CI: u32 = 1000; // client ISN
const SI: u32 = 5000; // server ISN

/// A simulated link: builds frames, feeds them to an engine, returns TCP annotations.
struct Sim {
    engine: Engine,
    frame: u64,
    ts: i64,
    cport: u16,
    vlan: Option<u16>,
    /// TCP options of the next segment sent (taken by it).
    options: Vec<TcpOptionElement>,
    /// The flow of the last segment sent.
    flow: Option<FlowRef>,
}

impl Sim {
    fn new() -> Sim {
        Sim::with(Config::default())
    }

    fn with(config: Config) -> Sim {
        Sim {
            engine: Engine::new(config),
            frame: 0,
            ts: 1_700_000_000_000_000_000,
            cport: 40000,
            vlan: None,
            options: Vec::new(),
            flow: None,
        }
    }

    /// Sends one TCP segment `dt_us` µs after the previous one.
    #[allow(clippy::too_many_arguments)]
    fn tx(
        &mut self,
        dt_us: i64,
        from_client: bool,
        flags: &str,
        seq: u32,
        ack: u32,
        win: u16,
        len: usize,
    ) -> TcpAnnotation {
        self.ts = self.ts.saturating_add(dt_us.saturating_mul(1000));
        self.frame += 1;
        let (src, dst, sp, dp) = if from_client {
            (CLIENT, SERVER, self.cport, 80)
        } else {
            (SERVER, CLIENT, 80, self.cport)
        };
        let eth = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]);
        let ip = match self.vlan {
            Some(v) => eth
                .single_vlan(etherparse::VlanId::try_new(v).unwrap())
                .ipv4(src, dst, 64),
            None => eth.ipv4(src, dst, 64),
        };
        let mut b = ip.tcp(sp, dp, seq, win);
        for c in flags.chars() {
            b = match c {
                'S' => b.syn(),
                'A' => b.ack(ack),
                'F' => b.fin(),
                'R' => b.rst(),
                'P' => b.psh(),
                _ => panic!("flag {c}"),
            };
        }
        let options = std::mem::take(&mut self.options);
        if !options.is_empty() {
            b = b.options(&options).unwrap();
        }
        let payload = vec![0x61u8; len];
        let mut data = Vec::new();
        b.write(&mut data, &payload).unwrap();
        let f = OwnedFrame::packet(self.frame, Timestamp(self.ts), LinkType::Ethernet, data);
        let frame = f.as_frame();
        let pkt = decode(&frame);
        let a = self.engine.process(&frame, &pkt);
        self.flow = a.flow;
        a.tcp.expect("every TCP segment is annotated")
    }

    /// SYN, SYN+ACK, ACK with a 2 ms RTT; no options.
    /// A simulation whose connection has just finished its handshake (frames 1-3).
    fn established() -> Sim {
        let mut s = Sim::new();
        s.handshake();
        s
    }

    /// The client sends `len` bytes starting at relative seq `rel` (1 is its first byte),
    /// acknowledging the server's SYN.
    fn c_data(&mut self, dt_us: i64, rel: u32, len: usize) -> TcpAnnotation {
        self.tx(dt_us, true, "PA", CI + rel, SI + 1, 8192, len)
    }

    /// The server acknowledges the client's bytes before relative seq `rel`.
    fn s_ack(&mut self, dt_us: i64, rel: u32) -> TcpAnnotation {
        self.tx(dt_us, false, "A", SI + 1, CI + rel, 8192, 0)
    }

    fn handshake(&mut self) {
        self.tx(0, true, "S", CI, 0, 8192, 0);
        self.tx(1000, false, "SA", SI, CI + 1, 8192, 0);
        self.tx(1000, true, "A", CI + 1, SI + 1, 8192, 0);
    }

    fn conn(&self, stream: u32) -> &Connection {
        let c = self
            .engine
            .connection(FlowProto::Tcp, stream)
            .expect("connection");
        assert_eq!(c.stream, stream);
        c
    }
}

fn flags_of(a: &TcpAnnotation) -> Vec<Flag> {
    a.tags.as_slice().iter().map(|t| t.flag).collect()
}

/// Fails (at the caller's line) unless `a` carries exactly the flags `want`, in order.
#[track_caller]
fn assert_flags(a: &TcpAnnotation, want: &[Flag]) {
    assert_eq!(flags_of(a), want, "seq {} ack {}", a.seq, a.ack);
}

fn names(a: &TcpAnnotation) -> Vec<&'static str> {
    a.events.as_slice().iter().map(|e| e.name()).collect()
}

// ---- handshake, teardown, states, close patterns, Zeek ----

#[test]
fn handshake_data_and_four_way_close() {
    let mut s = Sim::new();
    let syn = s.tx(0, true, "S", CI, 0, 8192, 0);
    assert_eq!(names(&syn), ["syn"]);
    assert_eq!(syn.seq, 0);
    assert_eq!(syn.states, [TcpState::SynSent, TcpState::Listen]);
    let sa = s.tx(1000, false, "SA", SI, CI + 1, 8192, 0);
    assert_eq!(names(&sa), ["syn_ack"]);
    assert_eq!((sa.seq, sa.ack), (0, 1));
    assert_eq!(sa.states, [TcpState::Established, TcpState::SynReceived]);
    let ha = s.tx(1000, true, "A", CI + 1, SI + 1, 8192, 0);
    assert_eq!(
        ha.events.as_slice(),
        [Event::HandshakeAck { rtt_ns: 2_000_000 }]
    );
    assert_eq!(ha.states, [TcpState::Established, TcpState::Established]);
    let d = s.c_data(1000, 1, 100);
    assert_eq!((d.seq, d.ack, d.next_seq, d.len), (1, 1, 101, 100));
    assert!(d.tags.is_empty());
    // Each close step: what the engine said, then both ends' states.
    let steps = [
        (
            s.tx(1000, true, "FA", CI + 101, SI + 1, 8192, 0),
            Event::Fin {
                side: Side::Originator,
                second: false,
            },
            [TcpState::FinWait1, TcpState::CloseWait],
        ),
        (
            s.s_ack(1000, 102),
            Event::FinAck {
                of: Side::Originator,
            },
            [TcpState::FinWait2, TcpState::CloseWait],
        ),
        (
            s.tx(1000, false, "FA", SI + 1, CI + 102, 8192, 0),
            Event::Fin {
                side: Side::Responder,
                second: true,
            },
            [TcpState::TimeWait, TcpState::LastAck],
        ),
    ];
    for (a, event, states) in steps {
        assert_eq!(a.events.as_slice(), [event], "seq {}", a.seq);
        assert_eq!(a.states, states, "seq {}", a.seq);
    }
    let a2 = s.tx(1000, true, "A", CI + 102, SI + 2, 8192, 0);
    assert_eq!(names(&a2), ["fin_ack", "close_complete"]);
    assert_eq!(a2.states, [TcpState::TimeWait, TcpState::Closed]);

    let c = s.conn(0);
    assert_eq!(c.close_pattern(), Some(ClosePattern::FourWay));
    assert_eq!(c.zeek_state(), "SF");
    assert_eq!(c.history(), "ShADFaf");
    assert_eq!(c.isns(), [Some(CI), Some(SI)]);
    assert_eq!(c.packets, [5, 3]);
    assert_eq!(c.bytes, [100, 0]);
    assert_eq!(c.handshake_rtt_ms(), Some(2.0));
    assert_eq!(c.originator.port(), 40000);
    // Transitions are recorded with their frames.
    let t = c.transitions();
    assert_eq!(t[0].frame, 1);
    assert_eq!(t[0].to, TcpState::SynSent);
    assert!(t.iter().any(|t| t.frame == 8 && t.to == TcpState::Closed));
}

#[test]
fn three_way_close() {
    let mut s = Sim::established();
    s.tx(1000, true, "FA", CI + 1, SI + 1, 8192, 0);
    let fa = s.tx(1000, false, "FA", SI + 1, CI + 2, 8192, 0);
    assert_eq!(names(&fa), ["fin_ack", "fin"]);
    assert_eq!(fa.states, [TcpState::TimeWait, TcpState::LastAck]);
    s.tx(1000, true, "A", CI + 2, SI + 2, 8192, 0);
    assert_eq!(s.conn(0).close_pattern(), Some(ClosePattern::ThreeWay));
    assert_eq!(s.conn(0).zeek_state(), "SF");
}

#[test]
fn simultaneous_close() {
    let mut s = Sim::established();
    s.tx(1000, true, "FA", CI + 1, SI + 1, 8192, 0);
    let f2 = s.tx(10, false, "FA", SI + 1, CI + 1, 8192, 0);
    assert_eq!(f2.states, [TcpState::Closing, TcpState::Closing]);
    s.tx(1000, true, "A", CI + 2, SI + 2, 8192, 0);
    let last = s.tx(10, false, "A", SI + 2, CI + 2, 8192, 0);
    assert_eq!(last.states, [TcpState::TimeWait, TcpState::TimeWait]);
    assert_eq!(
        s.conn(0).close_pattern(),
        Some(ClosePattern::SimultaneousClose)
    );
}

#[test]
fn half_close_with_data_after_fin() {
    let mut s = Sim::established();
    s.tx(1000, true, "FA", CI + 1, SI + 1, 8192, 0);
    s.s_ack(1000, 2);
    s.tx(1000, false, "PA", SI + 1, CI + 2, 8192, 500);
    s.tx(1000, true, "A", CI + 2, SI + 501, 8192, 0);
    s.tx(1000, false, "FA", SI + 501, CI + 2, 8192, 0);
    s.tx(1000, true, "A", CI + 2, SI + 502, 8192, 0);
    assert_eq!(s.conn(0).close_pattern(), Some(ClosePattern::HalfClose));
    assert_eq!(s.conn(0).zeek_state(), "SF");
}

#[test]
fn reset_by_originator_and_by_responder() {
    let mut s = Sim::established();
    let r = s.tx(1000, true, "RA", CI + 1, SI + 1, 0, 0);
    assert_eq!(
        r.events.as_slice(),
        [Event::Rst {
            side: Side::Originator
        }]
    );
    assert_eq!(r.states, [TcpState::Closed, TcpState::Closed]);
    assert_eq!(
        s.conn(0).close_pattern(),
        Some(ClosePattern::Reset {
            by: Side::Originator
        })
    );
    assert_eq!(s.conn(0).zeek_state(), "RSTO");

    let mut s = Sim::established();
    s.c_data(1000, 1, 10);
    s.tx(1000, false, "R", SI + 1, 0, 0, 0);
    assert_eq!(
        s.conn(0).close_pattern(),
        Some(ClosePattern::Reset {
            by: Side::Responder
        })
    );
    assert_eq!(s.conn(0).zeek_state(), "RSTR");
}

#[test]
fn rejected_connection() {
    let mut s = Sim::new();
    s.tx(0, true, "S", CI, 0, 8192, 0);
    let r = s.tx(300, false, "RA", 0, CI + 1, 0, 0);
    assert_eq!(names(&r), ["reject"]);
    let c = s.conn(0);
    assert_eq!(c.close_pattern(), Some(ClosePattern::Rejected));
    assert_eq!(c.zeek_state(), "REJ");
    assert_eq!(c.history(), "Sr");
    assert_eq!(c.handshake_rtt_ms(), None);
}

#[test]
fn unanswered_syn_is_s0_and_its_resend_a_retransmission() {
    let mut s = Sim::new();
    s.tx(0, true, "S", CI, 0, 8192, 0);
    let again = s.tx(1_000_000, true, "S", CI, 0, 8192, 0);
    assert_eq!(names(&again), ["syn_retransmit"]);
    assert_flags(&again, &[Flag::Retransmission]);
    let c = s.conn(0);
    assert_eq!(c.zeek_state(), "S0");
    assert_eq!(c.history(), "S");
    assert_eq!(c.close_pattern(), Some(ClosePattern::Incomplete));
}

#[test]
fn open_connection_is_s1() {
    let mut s = Sim::established();
    s.c_data(1000, 1, 10);
    s.s_ack(1000, 11);
    assert_eq!(s.conn(0).zeek_state(), "S1");
    assert_eq!(s.conn(0).close_pattern(), Some(ClosePattern::Open));
    assert_eq!(s.conn(0).history(), "ShADa");
}

#[test]
fn zeek_s2_s3_sh_shr_rstos0_rstrh_oth() {
    /// One segment: from the client, flags, seq, ack, payload length.
    type Seg = (bool, &'static str, u32, u32, usize);
    // What happened, after a handshake or from nothing, and Zeek's name for it.
    let cases: [(&str, bool, &[Seg], &str); 7] = [
        (
            "originator closes, responder silent afterwards",
            true,
            &[(true, "FA", CI + 1, SI + 1, 0)],
            "S2",
        ),
        (
            "responder closes",
            true,
            &[(false, "FA", SI + 1, CI + 1, 0)],
            "S3",
        ),
        (
            "SYN then FIN, no SYN+ACK",
            false,
            &[(true, "S", CI, 0, 0), (true, "F", CI + 1, 0, 0)],
            "SH",
        ),
        (
            "SYN+ACK then FIN from the responder, no SYN seen",
            false,
            &[
                (false, "SA", SI, CI + 1, 0),
                (false, "FA", SI + 1, CI + 1, 0),
            ],
            "SHR",
        ),
        (
            "SYN then RST from the originator",
            false,
            &[(true, "S", CI, 0, 0), (true, "R", CI + 1, 0, 0)],
            "RSTOS0",
        ),
        (
            "SYN+ACK then RST from the responder",
            false,
            &[(false, "SA", SI, CI + 1, 0), (false, "R", SI + 1, 0, 0)],
            "RSTRH",
        ),
        (
            "mid-stream traffic only",
            false,
            &[(true, "PA", 7777, 9999, 10), (false, "A", 9999, 7787, 0)],
            "OTH",
        ),
    ];
    for (what, after_handshake, segs, zeek) in cases {
        let mut s = if after_handshake {
            Sim::established()
        } else {
            Sim::new()
        };
        for &(from_client, flags, seq, ack, len) in segs {
            let win = if flags.contains('R') { 0 } else { 8192 };
            s.tx(1000, from_client, flags, seq, ack, win, len);
        }
        assert_eq!(s.conn(0).zeek_state(), zeek, "{what}");
        // The SYN+ACK's receiver is taken for the originator.
        assert_eq!(s.conn(0).originator.port(), 40000, "{what}");
    }
}

#[test]
fn simultaneous_open() {
    let mut s = Sim::new();
    s.tx(0, true, "S", CI, 0, 8192, 0);
    let b = s.tx(10, false, "S", SI, 0, 8192, 0);
    assert_eq!(names(&b), ["simultaneous_open"]);
    assert_eq!(b.states, [TcpState::SynReceived, TcpState::SynReceived]);
    let c = s.tx(10, true, "SA", CI, SI + 1, 8192, 0);
    assert_eq!(names(&c), ["syn_ack"]);
    assert_eq!(c.states, [TcpState::SynReceived, TcpState::Established]);
    let d = s.tx(10, false, "SA", SI, CI + 1, 8192, 0);
    assert_eq!(names(&d), ["syn_ack", "handshake_ack"]);
    assert_eq!(d.states, [TcpState::Established, TcpState::Established]);
    assert_eq!(s.conn(0).close_pattern(), Some(ClosePattern::Open));
    let again = s.tx(10, false, "SA", SI, CI + 1, 8192, 0);
    assert_eq!(names(&again), ["syn_retransmit"]);
}

#[test]
fn mid_stream_capture_uses_first_seq_minus_one() {
    let mut s = Sim::new();
    let a = s.tx(0, true, "PA", 7777, 9999, 8192, 10);
    assert_eq!((a.seq, a.ack, a.seq_raw), (1, 1, 7777));
    assert_eq!(a.states, [TcpState::Established, TcpState::Established]);
    assert_eq!(a.window_scale, WindowScale::Unknown);
    let b = s.tx(1000, false, "A", 9999, 7787, 8192, 0);
    assert_eq!((b.seq, b.ack), (1, 11));
    let c = s.tx(1000, true, "PA", 7787, 9999, 8192, 5);
    assert_eq!(c.seq, 11);
    assert!(c.tags.is_empty());
    assert_eq!(s.conn(0).close_pattern(), Some(ClosePattern::Incomplete));
    assert_eq!(s.conn(0).history(), "Da");
}

#[test]
fn sequence_wrap_around() {
    let isn = 0xffff_ff80u32;
    let mut s = Sim::new();
    s.tx(0, true, "S", isn, 0, 8192, 0);
    s.tx(1000, false, "SA", SI, isn.wrapping_add(1), 8192, 0);
    s.tx(1000, true, "A", isn.wrapping_add(1), SI + 1, 8192, 0);
    let a = s.tx(1000, true, "PA", isn.wrapping_add(1), SI + 1, 8192, 200);
    assert_eq!(a.seq, 1);
    let b = s.tx(1000, true, "PA", isn.wrapping_add(201), SI + 1, 8192, 200);
    assert_eq!(b.seq, 201);
    assert!(
        b.tags.is_empty(),
        "crossing 2^32 is not a gap: {:?}",
        flags_of(&b)
    );
    let ack = s.tx(1000, false, "A", SI + 1, isn.wrapping_add(401), 8192, 0);
    assert_eq!(ack.ack, 401);
    assert!(ack.tags.is_empty());
    let again = s.tx(
        300_000,
        true,
        "PA",
        isn.wrapping_add(201),
        SI + 1,
        8192,
        200,
    );
    assert_flags(
        &again,
        &[Flag::SpuriousRetransmission, Flag::Retransmission],
    );
}

// ---- analysis flags ----

#[test]
fn retransmission_after_timeout_names_the_original() {
    let mut s = Sim::established();
    s.c_data(1000, 1, 100); // frame 4
    let r = s.c_data(200_000, 1, 100);
    assert_flags(&r, &[Flag::Retransmission]);
    assert!(r.is_retransmission());
    let tag = r.tags.get(Flag::Retransmission).unwrap();
    assert_eq!(tag.info.frame, 4);
    assert_eq!(
        tag.reason(),
        "seq 1–101 already sent in frame 4, 200 ms earlier"
    );
}

#[test]
fn duplicate_acks_and_fast_retransmission() {
    let mut s = Sim::established();
    s.c_data(1000, 1, 100);
    s.c_data(10, 101, 100);
    s.c_data(10, 201, 100);
    let first = s.s_ack(1000, 101); // frame 7
    assert!(first.tags.is_empty());
    let d1 = s.s_ack(10, 101);
    let d2 = s.s_ack(10, 101);
    assert_flags(&d1, &[Flag::DuplicateAck]);
    let t2 = d2.tags.get(Flag::DuplicateAck).unwrap();
    assert_eq!((t2.info.num, t2.info.frame), (2, 7));
    let fr = s.c_data(1000, 101, 100);
    assert_flags(&fr, &[Flag::FastRetransmission, Flag::Retransmission]);
    assert_eq!(s.conn(0).flag_count(Flag::DuplicateAck), 2);
}

#[test]
fn spurious_retransmission_of_acknowledged_data() {
    let mut s = Sim::established();
    s.c_data(1000, 1, 100);
    s.s_ack(1000, 101);
    let sp = s.c_data(500_000, 1, 100);
    assert_flags(&sp, &[Flag::SpuriousRetransmission, Flag::Retransmission]);
}

#[test]
fn lost_segment_then_out_of_order() {
    let mut s = Sim::established();
    s.c_data(1000, 1, 100);
    let gap = s.c_data(100, 201, 100);
    assert_flags(&gap, &[Flag::LostSegment]);
    assert_eq!(
        gap.tags.as_slice()[0].reason(),
        "seq 201 jumps past the next expected seq 101: 100 bytes not captured"
    );
    let ooo = s.c_data(100, 101, 100);
    assert_flags(&ooo, &[Flag::OutOfOrder]);
    assert!(!ooo.is_retransmission());
}

#[test]
fn ack_of_unseen_segment() {
    let mut s = Sim::established();
    s.c_data(1000, 1, 100);
    let a = s.s_ack(1000, 1001);
    assert_flags(&a, &[Flag::AckLostSegment]);
}

#[test]
fn zero_window_probe_probe_ack_and_window_update() {
    let mut s = Sim::established();
    s.c_data(1000, 1, 100);
    let zw = s.tx(1000, false, "A", SI + 1, CI + 101, 0, 0);
    assert_flags(&zw, &[Flag::ZeroWindow]);
    let probe = s.tx(200_000, true, "A", CI + 101, SI + 1, 8192, 1);
    assert_flags(&probe, &[Flag::ZeroWindowProbe]);
    let pa = s.tx(1000, false, "A", SI + 1, CI + 101, 0, 0);
    assert_flags(&pa, &[Flag::ZeroWindow, Flag::ZeroWindowProbeAck]);
    let wu = s.tx(1000, false, "A", SI + 1, CI + 101, 4096, 0);
    assert_flags(&wu, &[Flag::WindowUpdate]);
}

#[test]
fn window_full_at_the_advertised_edge() {
    let mut s = Sim::new();
    s.tx(0, true, "S", CI, 0, 8192, 0);
    s.tx(1000, false, "SA", SI, CI + 1, 300, 0);
    s.tx(1000, true, "A", CI + 1, SI + 1, 8192, 0);
    let full = s.c_data(1000, 1, 300);
    assert_flags(&full, &[Flag::WindowFull]);
}

#[test]
fn keep_alive_and_its_ack() {
    let mut s = Sim::established();
    s.c_data(1000, 1, 100);
    s.s_ack(1000, 101);
    let ka = s.tx(45_000_000, true, "A", CI + 100, SI + 1, 8192, 0);
    assert_flags(&ka, &[Flag::KeepAlive]);
    let kaa = s.s_ack(100, 101);
    assert_flags(&kaa, &[Flag::KeepAliveAck]);
}

#[test]
fn reused_ports_start_a_new_connection() {
    let mut s = Sim::established();
    s.tx(1000, true, "FA", CI + 1, SI + 1, 8192, 0);
    s.tx(1000, false, "FA", SI + 1, CI + 2, 8192, 0);
    s.tx(1000, true, "A", CI + 2, SI + 2, 8192, 0);
    let t = s.tx(5_000_000, true, "S", 90_000, 0, 8192, 0);
    assert_eq!(s.flow.unwrap().stream, 1);
    assert_flags(&t, &[Flag::ReusedPorts]);
    assert_eq!(t.seq, 0);
    assert_eq!(names(&t), ["syn"]);
    let conns = s.engine.connections();
    assert_eq!(conns.len(), 2);
    assert_eq!(conns[0].close_pattern(), Some(ClosePattern::ThreeWay));
    // The replaced connection is still found by its stream number.
    assert_eq!(s.conn(0).close_pattern(), Some(ClosePattern::ThreeWay));
    assert_eq!(s.conn(1).isns()[0], Some(90_000));
}

#[test]
fn window_scaling_from_the_handshake() {
    let mut s = Sim::new();
    let ws = |n| {
        vec![
            TcpOptionElement::MaximumSegmentSize(1460),
            TcpOptionElement::WindowScale(n),
        ]
    };
    s.options = ws(7);
    s.tx(0, true, "S", CI, 0, 64240, 0);
    s.options = ws(2);
    s.tx(1000, false, "SA", SI, CI + 1, 65160, 0);
    let a = s.tx(1000, true, "A", CI + 1, SI + 1, 502, 0);
    assert_eq!(a.window, 502 << 7);
    let b = s.tx(1000, false, "A", SI + 1, CI + 1, 1000, 0);
    assert_eq!(b.window, 4000);
    let n = s.conn(0).tcp.as_ref().unwrap().negotiated();
    assert_eq!(n.window_scale, [Some(7), Some(2)]);
    assert_eq!(n.mss, [Some(1460), Some(1460)]);

    // SYN+ACK without the option: scaling is off in both directions.
    let mut s = Sim::new();
    s.options = ws(7);
    s.tx(0, true, "S", CI, 0, 64240, 0);
    s.tx(1000, false, "SA", SI, CI + 1, 65160, 0);
    let a = s.tx(1000, true, "A", CI + 1, SI + 1, 502, 0);
    assert_eq!(a.window, 502);
    assert_eq!(a.window_scale, WindowScale::NotUsed);
}

// ---- keys, UDP, limits ----

#[test]
fn vlan_ids_separate_connections() {
    let mut s = Sim::established();
    s.vlan = Some(42);
    let a = s.tx(1000, true, "S", CI, 0, 8192, 0);
    assert_eq!(s.flow.unwrap().stream, 1);
    assert!(a.tags.is_empty(), "not a retransmission");
}

#[test]
fn one_connection_when_only_one_direction_is_tagged() {
    // A trunk where the client's packets carry VLAN 42 and the replies come back untagged;
    // and the mirror case (client untagged, replies tagged).
    for tagged_client in [true, false] {
        let mut s = Sim::new();
        let tx = |s: &mut Sim, client: bool, flags: &str, seq: u32, ack: u32, len: usize| {
            s.vlan = (client == tagged_client).then_some(42);
            let a = s.tx(1000, client, flags, seq, ack, 8192, len);
            (s.flow.unwrap().stream, a)
        };
        let mut all = vec![
            tx(&mut s, true, "S", CI, 0, 0),
            tx(&mut s, false, "SA", SI, CI + 1, 0),
            tx(&mut s, true, "A", CI + 1, SI + 1, 0),
            tx(&mut s, true, "PA", CI + 1, SI + 1, 100),
            tx(&mut s, false, "A", SI + 1, CI + 101, 0),
        ];
        all.push(tx(&mut s, false, "A", SI + 1, CI + 101, 0));
        for (i, (stream, _)) in all.iter().enumerate() {
            assert_eq!(*stream, 0, "frame {i}");
        }
        let dup = all[5].1;
        assert!(dup.tags.has(Flag::DuplicateAck), "{:?}", dup.tags);
        assert_eq!(all[4].1.ack, 101);
        let conns = s.engine.into_connections();
        assert_eq!(conns.len(), 1);
        let mut v = crate::decode::Vlans::default();
        v.push(42);
        let [c2s, s2c] = conns[0].vlans();
        let none = crate::decode::Vlans::default();
        let want = if tagged_client { [v, none] } else { [none, v] };
        assert_eq!([c2s.unwrap(), s2c.unwrap()], want);
    }
}

#[test]
fn the_same_endpoints_on_two_vlans_are_two_connections() {
    // Both directions of each copy tagged consistently, packets interleaved.
    let mut s = Sim::new();
    let both = |s: &mut Sim, client: bool, flags: &str, seq: u32, ack: u32| {
        s.vlan = Some(10);
        let a = s.tx(1000, client, flags, seq, ack, 8192, 0);
        let a_stream = s.flow.unwrap().stream;
        s.vlan = Some(20);
        let b = s.tx(1000, client, flags, seq, ack, 8192, 0);
        ((a_stream, a), (s.flow.unwrap().stream, b))
    };
    for (client, flags, seq, ack) in [
        (true, "S", CI, 0),
        (false, "SA", SI, CI + 1),
        (true, "A", CI + 1, SI + 1),
        (true, "FA", CI + 1, SI + 1),
        (false, "FA", SI + 1, CI + 2),
        (true, "A", CI + 2, SI + 2),
    ] {
        let ((a_stream, a), (b_stream, b)) = both(&mut s, client, flags, seq, ack);
        assert_eq!((a_stream, b_stream), (0, 1));
        assert!(a.tags.is_empty() && b.tags.is_empty());
    }
}

#[test]
fn a_syn_ack_with_a_new_isn_restarts_relative_numbers() {
    let mut s = Sim::new();
    s.tx(0, true, "S", CI, 0, 8192, 0);
    s.tx(1000, false, "SA", SI, CI + 1, 8192, 0);
    let again = s.tx(1000, false, "SA", SI + 777, CI + 1, 8192, 0);
    assert!(again.tags.has(Flag::ReusedPorts), "{:?}", again.tags);
    assert_eq!(again.seq, 0);
    let ack = s.tx(1000, true, "A", CI + 1, SI + 778, 8192, 0);
    assert_eq!(ack.ack, 1);
    let data = s.tx(1000, false, "PA", SI + 778, CI + 1, 8192, 10);
    assert_eq!(data.seq, 1);
    assert!(!data.tags.has(Flag::Retransmission));
}

#[test]
fn a_bare_rst_with_sequence_zero_then_a_syn_ack() {
    // The responder's first packet is a RST with sequence 0 (relative 1, as Wireshark counts
    // from a first packet without SYN); its later SYN+ACK has the real ISN.
    let mut s = Sim::new();
    s.tx(0, true, "S", CI, 0, 8192, 0);
    let rst = s.tx(1000, false, "R", 0, 0, 0, 0);
    assert_eq!(rst.seq, 1);
    s.tx(1000, true, "S", CI, 0, 8192, 0);
    let sa = s.tx(1000, false, "SA", SI, CI + 1, 8192, 0);
    assert!(sa.tags.has(Flag::ReusedPorts));
    assert_eq!((sa.seq, sa.ack), (0, 1));
    let ack = s.tx(1000, true, "A", CI + 1, SI + 1, 8192, 0);
    assert_eq!(ack.ack, 1);
}

/// Feeds a client→server segment after `patch` changed its bytes (offsets in the frame).
fn tx_patched(
    s: &mut Sim,
    seq: u32,
    ack: u32,
    len: usize,
    patch: impl Fn(&mut Vec<u8>),
) -> Annotation {
    s.frame += 1;
    s.ts += 1_000_000;
    let mut data = Vec::new();
    PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4(CLIENT, SERVER, 64)
        .tcp(s.cport, 80, seq, 8192)
        .ack(ack)
        .psh()
        .write(&mut data, &vec![0x61u8; len])
        .unwrap();
    patch(&mut data);
    let f = OwnedFrame::packet(s.frame, Timestamp(s.ts), LinkType::Ethernet, data);
    let frame = f.as_frame();
    let pkt = decode(&frame);
    s.engine.process(&frame, &pkt)
}

#[test]
fn lying_tcp_header_lengths_are_analysed_as_tshark_4_0_does() {
    let mut s = Sim::established();
    // Data offset 4: analysed with 4 bytes of "payload" (the rest of the 20-byte header), no
    // flag shown on it; the same bytes sent properly afterwards are a retransmission.
    let bogus = tx_patched(&mut s, CI + 1, SI + 1, 0, |d| d[46] = 0x40);
    let t = bogus.tcp.unwrap();
    assert_eq!((bogus.flow.unwrap().stream, t.seq, t.len), (0, 1, 4));
    assert!(t.tags.is_empty());
    // A header longer than the segment: its stream, raw numbers, no analysis.
    let short = tx_patched(&mut s, CI + 1, SI + 1, 3, |d| d[46] = 0xf0);
    let t = short.tcp.unwrap();
    assert_eq!(
        (short.flow.unwrap().stream, t.seq, t.ack),
        (0, CI + 1, SI + 1)
    );
    assert!(t.tags.is_empty());
    let again = s.c_data(1000, 1, 4);
    assert!(again.tags.has(Flag::Retransmission), "{:?}", again.tags);
}

#[test]
fn an_icmp_error_quoting_tcp_takes_the_stream_number_like_tshark() {
    let mut e = Engine::new(Config::default());
    // ICMP port unreachable from a router, quoting a TCP segment 10.0.0.1:1234 → 10.0.0.9:80.
    let mut quoted = Vec::new();
    PacketBuilder::ipv4(CLIENT, [10, 0, 0, 9], 64)
        .tcp(1234, 80, 1, 100)
        .write(&mut quoted, &[])
        .unwrap();
    let mut data = Vec::new();
    PacketBuilder::ethernet2([0; 6], [0; 6])
        .ipv4([10, 0, 0, 254], CLIENT, 64)
        .icmpv4(etherparse::Icmpv4Type::DestinationUnreachable(
            etherparse::icmpv4::DestUnreachableHeader::Port,
        ))
        .write(&mut data, &quoted[..28])
        .unwrap();
    let f = OwnedFrame::packet(1, Timestamp(1), LinkType::Ethernet, data);
    let pkt = decode(&f.as_frame());
    assert!(e.process(&f.as_frame(), &pkt).flow.is_none());
    // The next TCP connection is stream 1; the quoted one, when it shows up, is stream 0.
    let mut s = Sim {
        engine: e,
        ..Sim::new()
    };
    s.tx(1000, true, "S", CI, 0, 8192, 0);
    assert_eq!(s.flow.unwrap().stream, 1);
}

#[test]
fn udp_streams_are_numbered_separately() {
    let mut e = Engine::new(Config::default());
    let mut feed = |sport: u16, n: u64| {
        let b = PacketBuilder::ethernet2([0; 6], [0; 6])
            .ipv4(CLIENT, SERVER, 64)
            .udp(sport, 53);
        let mut data = Vec::new();
        b.write(&mut data, &[1, 2, 3]).unwrap();
        let f = OwnedFrame::packet(n, Timestamp(n as i64), LinkType::Ethernet, data);
        let frame = f.as_frame();
        e.process(&frame, &decode(&frame))
    };
    assert_eq!(feed(1000, 1).flow.unwrap().stream, 0);
    assert_eq!(feed(1001, 2).flow.unwrap().stream, 1);
    let again = feed(1000, 3).flow.unwrap();
    assert_eq!((again.stream, again.proto), (0, FlowProto::Udp));
    assert_eq!(e.connections()[0].bytes[0], 6);
}

#[test]
fn unacked_segments_are_capped_and_counted() {
    let mut s = Sim::with(Config {
        max_unacked_per_direction: 5,
        ..Config::default()
    });
    s.handshake();
    for i in 0..10 {
        s.tx(10, true, "PA", CI + 1 + i * 10, SI + 1, 8192, 10);
    }
    // The client's SYN was acknowledged; its 10 data segments are not.
    assert_eq!(s.engine.stats().segments_not_tracked, 5);
    assert_eq!(s.conn(0).tcp.as_ref().unwrap().segments_not_tracked(), 5);
}

#[test]
fn connections_are_capped_and_evictions_counted() {
    let mut s = Sim::with(Config {
        max_connections: 4,
        ..Config::default()
    });
    for p in 0..20 {
        s.cport = 30000 + p;
        s.tx(10, true, "S", CI, 0, 8192, 0);
    }
    let st = s.engine.stats();
    assert_eq!(st.connections, 20);
    assert!(st.connections_evicted >= 16, "{st:?}");
    assert!(s.engine.connections().len() <= 4);
    // The newest connection survives; the oldest were evicted.
    assert!(s.engine.connection(FlowProto::Tcp, 19).is_some());
    assert!(s.engine.connection(FlowProto::Tcp, 0).is_none());
}

#[test]
fn non_ip_and_fragments_get_no_flow() {
    let mut e = Engine::new(Config::default());
    let f = OwnedFrame::packet(1, Timestamp(0), LinkType::Ethernet, vec![0xff; 20]);
    let frame = f.as_frame();
    assert_eq!(e.process(&frame, &decode(&frame)), Annotation::default());
}

// ---- hostile input ----

mod hostile {
    use super::*;
    use proptest::prelude::*;

    fn segment() -> impl Strategy<Value = (bool, u8, u32, u32, u16, usize, i64)> {
        (
            any::<bool>(),
            any::<u8>(),
            prop_oneof![any::<u32>(), 0u32..4000, (u32::MAX - 3000)..=u32::MAX],
            prop_oneof![any::<u32>(), 0u32..4000],
            prop_oneof![Just(0u16), any::<u16>()],
            0usize..40,
            prop_oneof![
                Just(0i64),
                0i64..50_000,
                Just(-1_000_000i64),
                Just(i64::MAX / 2)
            ],
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Random segments (any flags, seqs, windows, times going backwards or jumping) never
        /// panic, and the caps hold.
        #[test]
        fn random_segments_never_panic_and_stay_bounded(
            segs in proptest::collection::vec(segment(), 1..200),
        ) {
            let mut s = Sim::with(Config { max_connections: 3, max_unacked_per_direction: 8, record_limit_phases: true });
            for (from_client, bits, seq, ack, win, len, dt) in segs {
                let mut flags = String::new();
                for (b, c) in [(1u8, 'S'), (2, 'A'), (4, 'F'), (8, 'R'), (16, 'P')] {
                    if bits & b != 0 {
                        flags.push(c);
                    }
                }
                s.cport = 40000 + u16::from(bits >> 6);
                // Every TCP segment is annotated (`tx` fails the case otherwise).
                let t = s.tx(dt, from_client, &flags, seq, ack, win, len);
                prop_assert!(t.tags.as_slice().len() <= MAX_TAGS);
                for tag in t.tags.as_slice() {
                    prop_assert!(!tag.reason().is_empty());
                }
            }
            prop_assert!(s.engine.connections().len() <= 3);
            for c in s.engine.connections() {
                let found = s.engine.connection(c.proto, c.stream).map(|f| f.first_frame);
                prop_assert_eq!(found, Some(c.first_frame));
                let tc = c.tcp.as_ref().unwrap();
                prop_assert!(tc.seq[0].segments.len() <= 8 && tc.seq[1].segments.len() <= 8);
                prop_assert!(c.transitions().len() <= MAX_TRANSITIONS);
                prop_assert!(c.history().len() <= MAX_HISTORY);
                let _ = (c.zeek_state(), c.close_pattern());
            }
        }
    }
}

/// `process_flow` runs the same analysis as `process` without building the annotation: on
/// every capture of the corpus both engines give each packet the same flow and end with the
/// same connections and counters.
#[test]
fn process_flow_analyses_as_process_does_on_the_corpus() {
    use crate::capture::{FileReader, FrameSource};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (mut files, mut packets, mut tagged) = (0, 0, 0u64);
    for dir in ["captures", "tests/captures"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ext != "pcap" && ext != "pcapng" {
                continue;
            }
            let Ok(mut r) = FileReader::open(&p) else {
                continue;
            };
            files += 1;
            let (mut full, mut lean) = (Engine::default(), Engine::default());
            while let Ok(Some(f)) = r.next_frame() {
                let packet = decode(&f);
                let ann = full.process(&f, &packet);
                assert_eq!(lean.process_flow(&f, &packet), ann.flow, "{}", p.display());
                packets += 1;
                tagged += ann.tcp.map_or(0, |t| t.tags.as_slice().len() as u64);
            }
            assert_eq!(full.stats(), lean.stats(), "{}", p.display());
            let (a, b) = (full.into_connections(), lean.into_connections());
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{}", p.display());
        }
    }
    assert!(
        files > 40 && packets > 5_000 && tagged > 100,
        "{files} {packets} {tagged}"
    );
}

// What limited each sender (`limits`): one crafted connection per cause.

fn limits_of(s: &Sim) -> LimitedBy {
    s.conn(0)
        .tcp
        .as_ref()
        .unwrap()
        .limited_by(Direction::ClientToServer)
}

fn ms(l: &LimitedBy, c: Cause) -> f64 {
    l.seconds(c) * 1000.0
}

#[test]
fn a_sender_that_sleeps_between_sends_is_limited_by_the_application() {
    let mut s = Sim::established();
    let mut seq = CI + 1;
    for _ in 0..5 {
        // 100 bytes, acknowledged 1 ms later, then 100 ms of sleep.
        s.tx(100_000, true, "PA", seq, SI + 1, 8192, 100);
        seq += 100;
        s.tx(1000, false, "A", SI + 1, seq, 8192, 0);
    }
    s.tx(100_000, true, "FA", seq, SI + 1, 8192, 0);
    let l = limits_of(&s);
    assert_eq!(l.main(), Some(Cause::Application), "{l:?}");
    // Four sleeps between the five sends (the tail before the FIN is not counted).
    assert!((ms(&l, Cause::Application) - 400.0).abs() < 1.0, "{l:?}");
    assert!(
        (ms(&l, Cause::CongestionWindow) - 5.0).abs() < 0.01,
        "{l:?}"
    );
}

#[test]
fn a_closed_receive_window_is_the_receivers_limit() {
    let mut s = Sim::established();
    // Two full segments fill the server's 2000-byte window; it answers with a zero window,
    // opens it 300 ms later, and the client sends the rest at once.
    s.tx(10, true, "A", CI + 1, SI + 1, 8192, 1000);
    s.tx(10, true, "A", CI + 1001, SI + 1, 8192, 1000);
    s.tx(1000, false, "A", SI + 1, CI + 2001, 0, 0);
    s.tx(300_000, false, "A", SI + 1, CI + 2001, 2000, 0);
    s.tx(50, true, "A", CI + 2001, SI + 1, 8192, 1000);
    s.tx(1000, false, "A", SI + 1, CI + 3001, 2000, 0);
    let l = limits_of(&s);
    assert_eq!(l.main(), Some(Cause::ReceiverWindow), "{l:?}");
    assert!(ms(&l, Cause::ReceiverWindow) >= 300.0, "{l:?}");
}

#[test]
fn a_bulk_sender_waiting_for_acks_is_limited_by_the_congestion_window() {
    let mut s = Sim::established();
    let mut seq = CI + 1;
    for _ in 0..6 {
        // A burst of 4 segments, its ACK 10 ms later, the next burst right away.
        for _ in 0..4 {
            s.tx(5, true, "A", seq, SI + 1, 8192, 1000);
            seq += 1000;
        }
        s.tx(10_000, false, "A", SI + 1, seq, 65535, 0);
    }
    let l = limits_of(&s);
    assert_eq!(l.main(), Some(Cause::CongestionWindow), "{l:?}");
    assert!(ms(&l, Cause::Application) < 0.1, "{l:?}");
    assert_eq!(l.ns(Cause::ReceiverWindow), 0);
}

#[test]
fn losses_are_recovery_after_duplicate_acks_and_timeouts_without() {
    let mut s = Sim::established();
    // Four segments; the first is lost: three duplicate ACKs, a fast retransmission
    // 1 ms later, and the ACK of everything 10 ms after it.
    let base = CI + 1;
    for k in 0..4 {
        s.tx(5, true, "A", base + k * 1000, SI + 1, 8192, 1000);
    }
    for _ in 0..3 {
        s.tx(100, false, "A", SI + 1, base, 65535, 0);
    }
    let fr = s.tx(1000, true, "A", base, SI + 1, 8192, 1000);
    assert!(fr.tags.has(Flag::FastRetransmission));
    s.tx(10_000, false, "A", SI + 1, base + 4000, 65535, 0);
    let l = limits_of(&s);
    assert!((ms(&l, Cause::LossRecovery) - 10.0).abs() < 0.01, "{l:?}");
    assert_eq!(l.ns(Cause::RetransmissionTimeout), 0);

    // Then one segment lost with nothing after it: no duplicate ACK, the timer fires 200 ms
    // later and the retransmission is acknowledged 10 ms after that.
    let next = base + 4000;
    s.tx(100, true, "A", next, SI + 1, 8192, 1000);
    s.tx(200_000, true, "A", next, SI + 1, 8192, 1000);
    s.tx(10_000, false, "A", SI + 1, next + 1000, 65535, 0);
    let l = limits_of(&s);
    assert!(
        (ms(&l, Cause::RetransmissionTimeout) - 210.0).abs() < 0.01,
        "{l:?}"
    );
    assert_eq!(l.main(), Some(Cause::RetransmissionTimeout));
}

#[test]
fn recorded_phases_add_up_to_the_totals() {
    let mut s = Sim::with(Config {
        record_limit_phases: true,
        ..Config::default()
    });
    s.handshake();
    let mut seq = CI + 1;
    for round in 0..4u32 {
        s.tx(
            if round == 2 { 50_000 } else { 10 },
            true,
            "PA",
            seq,
            SI + 1,
            8192,
            500,
        );
        seq += 500;
        s.tx(2000, false, "A", SI + 1, seq, 8192, 0);
    }
    let tc = s.conn(0).tcp.as_ref().unwrap();
    let phases = tc.limit_phases();
    let l = tc.limited_by(Direction::ClientToServer);
    for c in Cause::ALL {
        let sum: i64 = phases
            .iter()
            .filter(|p| p.cause == c && p.dir == Direction::ClientToServer)
            .map(|p| p.end_ns - p.start_ns)
            .sum();
        assert_eq!(sum, l.ns(c), "{c:?}: {phases:?}");
    }
    // In time order, not overlapping, and the 50 ms sleep is one application phase.
    assert!(phases.windows(2).all(|w| w[0].end_ns <= w[1].start_ns));
    assert!(phases
        .iter()
        .any(|p| p.cause == Cause::Application && p.end_ns - p.start_ns >= 48_000_000));
}
