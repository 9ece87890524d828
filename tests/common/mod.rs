//! Shared helpers for the generator tests: decode a capture into segments and check that it
//! shows what each scenario teaches. The same checks run on synthetic, live and committed
//! captures, so they test the lesson, not one particular timing.

#![allow(dead_code)]

pub mod analysis;

use std::net::SocketAddr;

use synack::calls::{Call, CallKind, CallTrace};
use synack::capture::{FileReader, FrameSource, OwnedFrame};
use synack::decode::{decode, TcpFlags};
use synack::gen::{Scenario, MESSAGES};

/// Declares one `#[test]` per lesson, named after it, each calling `$run(Scenario::...)`
/// (the one list of lessons the generator tests share; a test checks it is complete).
#[macro_export]
macro_rules! test_each_lesson {
    ($run:ident) => {
        $crate::test_each_lesson!(@ $run;
            handshake => Handshake, echo => Echo, close_client_first => CloseClientFirst,
            close_server_first => CloseServerFirst, close_combined => CloseCombined,
            close_simultaneous => CloseSimultaneous, half_close => HalfClose,
            rst_abort => RstAbort, refused => Refused, sticky => Sticky, split => Split,
            fix_length_prefix => FixLengthPrefix, fix_delimiter => FixDelimiter,
            fix_delay => FixDelay, fix_ack => FixAck, nodelay => Nodelay,
            file_transfer => FileTransfer, http => Http, concurrent => Concurrent,
            multiplex => Multiplex,
            udp_chat => UdpChat, udp_broadcast => UdpBroadcast, zero_window => ZeroWindow,
            keep_alive => KeepAlive, loss => Loss, cc_compare => CcCompare, send_buffer => SendBuffer,
            reorder => Reorder, flood => Flood,
            demo => Demo,
        );
    };
    (@ $run:ident; $($name:ident => $sc:ident,)*) => {
        $(#[test] fn $name() { $run(synack::gen::Scenario::$sc); })*

        #[test]
        fn every_lesson_is_in_the_list_above() {
            let listed = [$(synack::gen::Scenario::$sc),*];
            assert_eq!(listed.as_slice(), synack::gen::Scenario::ALL.as_slice());
        }
    };
}

/// Lessons and a capture of a neighbouring lesson that lacks them: the segment checks
/// ([`check`]) reject every pair, the analysis checks ([`analysis::lesson`]) the first
/// [`ANALYSIS_TELLS_APART`] (in the others the engine sees the same flags and close pattern).
pub const WRONG_CAPTURES: [(Scenario, Scenario); 23] = [
    (Scenario::CloseCombined, Scenario::CloseClientFirst),
    (Scenario::CloseClientFirst, Scenario::CloseCombined),
    (Scenario::HalfClose, Scenario::Echo),
    (Scenario::HalfClose, Scenario::CloseClientFirst),
    (Scenario::RstAbort, Scenario::Echo),
    (Scenario::Refused, Scenario::Handshake),
    (Scenario::Loss, Scenario::Reorder),
    (Scenario::Loss, Scenario::Split),
    (Scenario::Reorder, Scenario::Loss),
    (Scenario::Reorder, Scenario::Split),
    (Scenario::ZeroWindow, Scenario::Split),
    (Scenario::KeepAlive, Scenario::Echo),
    (Scenario::Echo, Scenario::Loss),
    (Scenario::Concurrent, Scenario::Echo),
    (Scenario::Sticky, Scenario::FixDelay),
    (Scenario::FixDelay, Scenario::Sticky),
    (Scenario::Nodelay, Scenario::Sticky),
    (Scenario::FixLengthPrefix, Scenario::Sticky),
    (Scenario::FixDelimiter, Scenario::Sticky),
    (Scenario::Http, Scenario::Echo),
    (Scenario::UdpBroadcast, Scenario::UdpChat),
    (Scenario::Split, Scenario::Echo),
    (Scenario::Multiplex, Scenario::Concurrent),
];

/// How many of [`WRONG_CAPTURES`], from the first, the analysis checks reject.
pub const ANALYSIS_TELLS_APART: usize = 14;

/// The committed capture of lesson `sc`: `captures/SC.pcap`, or for a lesson about real
/// kernels (no synthetic form: `cc-compare`) `tests/captures/kernel/SC.pcap`, whose calls
/// trace with the kernel's readings would outgrow `captures/`.
pub fn committed_capture(sc: Scenario) -> std::path::PathBuf {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if sc.synthetic_capable() {
        root.join("captures").join(format!("{sc}.pcap"))
    } else {
        root.join("tests/captures/kernel")
            .join(format!("{sc}.pcap"))
    }
}

/// The calls of `kind` in `trace`.
pub fn calls_of(trace: &CallTrace, kind: CallKind) -> Vec<&Call> {
    trace.calls.iter().filter(|k| k.call == kind).collect()
}

/// One decoded TCP segment or UDP datagram.
#[derive(Debug, Clone)]
pub struct Seg {
    pub n: usize,
    pub t: i64,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub udp: bool,
    pub flags: u16,
    pub seq: u32,
    pub ack: u32,
    pub win: u16,
    pub payload: Vec<u8>,
    pub sack: usize,
    pub dst_mac: Option<[u8; 6]>,
    /// TCP timestamp option (TSval, TSecr).
    pub ts: Option<(u32, u32)>,
}

impl Seg {
    pub fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }
    pub fn syn(&self) -> bool {
        self.has(TcpFlags::SYN)
    }
    pub fn fin(&self) -> bool {
        self.has(TcpFlags::FIN)
    }
    pub fn rst(&self) -> bool {
        self.has(TcpFlags::RST)
    }
    pub fn is_ack(&self) -> bool {
        self.has(TcpFlags::ACK)
    }
    /// Sequence space consumed.
    pub fn seg_len(&self) -> u32 {
        self.payload.len() as u32 + u32::from(self.syn()) + u32::from(self.fin())
    }
}

pub fn segments(frames: &[OwnedFrame]) -> Vec<Seg> {
    let mut out = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        let fr = f.as_frame();
        let p = decode(&fr);
        let Some(ip) = p.ip() else { continue };
        let dst_mac = match p.link {
            synack::decode::LinkInfo::Ethernet { dst, .. } => Some(dst),
            _ => None,
        };
        let payload = p.payload(fr.data).to_vec();
        let t = fr.ts.map_or(0, |t| t.as_nanos());
        if let Some(tcp) = p.tcp() {
            out.push(Seg {
                n: i + 1,
                t,
                src: SocketAddr::new(ip.src, tcp.sport),
                dst: SocketAddr::new(ip.dst, tcp.dport),
                udp: false,
                flags: tcp.flags.0,
                seq: tcp.seq,
                ack: tcp.ack,
                win: tcp.window,
                payload,
                sack: tcp.options.sack_blocks().len(),
                dst_mac,
                ts: tcp.options.timestamp,
            });
        } else if let Some((sport, dport)) = p.ports() {
            out.push(Seg {
                n: i + 1,
                t,
                src: SocketAddr::new(ip.src, sport),
                dst: SocketAddr::new(ip.dst, dport),
                udp: true,
                flags: 0,
                seq: 0,
                ack: 0,
                win: 0,
                payload,
                sack: 0,
                dst_mac,
                ts: None,
            });
        }
    }
    out
}

pub fn read_capture(path: &std::path::Path) -> Vec<OwnedFrame> {
    let mut r = FileReader::open(path).expect("open capture");
    let mut v = Vec::new();
    while let Some(f) = r.next_frame().expect("read frame") {
        v.push(f.to_owned());
    }
    v
}

/// The client of the first connection: the sender of the first SYN.
fn client(segs: &[Seg]) -> Option<SocketAddr> {
    segs.iter().find(|s| s.syn() && !s.is_ack()).map(|s| s.src)
}

/// Segments with data from `from`.
fn data_from(segs: &[Seg], from: SocketAddr) -> Vec<&Seg> {
    segs.iter()
        .filter(|s| !s.udp && s.src == from && !s.payload.is_empty())
        .collect()
}

/// Like [`data_from`] without retransmissions (a real kernel may send a tail-loss probe).
fn first_copies(segs: &[Seg], from: SocketAddr) -> Vec<&Seg> {
    let mut seen = std::collections::HashSet::new();
    data_from(segs, from)
        .into_iter()
        .filter(|s| seen.insert((s.seq, s.payload.len())))
        .collect()
}

/// The byte stream `from` sent, in sequence order, each byte once (retransmissions folded).
fn stream(segs: &[Seg], from: SocketAddr) -> Vec<u8> {
    let Some(isn) = segs
        .iter()
        .find(|s| s.src == from && s.syn())
        .map(|s| s.seq)
    else {
        return Vec::new();
    };
    let mut out: Vec<u8> = Vec::new();
    let mut data: Vec<(u32, &[u8])> = data_from(segs, from)
        .iter()
        .map(|s| {
            (
                s.seq.wrapping_sub(isn).wrapping_sub(1),
                s.payload.as_slice(),
            )
        })
        .collect();
    data.sort_by_key(|d| d.0);
    for (off, bytes) in data {
        let off = off as usize;
        if off + bytes.len() > out.len() {
            out.resize(off + bytes.len(), 0);
        }
        out[off..off + bytes.len()].copy_from_slice(bytes);
    }
    out
}

fn framed(m: &str, how: &str) -> Vec<u8> {
    match how {
        "lp" => {
            let mut v = (m.len() as u32).to_be_bytes().to_vec();
            v.extend_from_slice(m.as_bytes());
            v
        }
        "nl" => format!("{m}\n").into_bytes(),
        _ => m.as_bytes().to_vec(),
    }
}

/// Message boundaries (end offsets) of MESSAGES framed `how`.
fn boundaries(how: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut at = 0;
    for m in MESSAGES {
        at += framed(m, how).len();
        ends.push(at);
    }
    ends
}

/// Segments of `from` as (start, end) stream offsets.
fn ranges(segs: &[Seg], from: SocketAddr) -> Vec<(usize, usize)> {
    let isn = segs
        .iter()
        .find(|s| s.src == from && s.syn())
        .map(|s| s.seq)
        .unwrap_or(0);
    first_copies(segs, from)
        .iter()
        .map(|s| {
            let a = s.seq.wrapping_sub(isn).wrapping_sub(1) as usize;
            (a, a + s.payload.len())
        })
        .collect()
}

/// How many whole messages each data segment holds, or None when one cuts a message.
fn messages_per_segment(segs: &[Seg], from: SocketAddr, how: &str) -> Vec<Option<usize>> {
    let ends = boundaries(how);
    let starts: Vec<usize> = std::iter::once(0).chain(ends.iter().copied()).collect();
    ranges(segs, from)
        .iter()
        .map(|&(a, b)| {
            if starts.contains(&a) && ends.contains(&b) {
                Some(ends.iter().filter(|&&e| e > a && e <= b).count())
            } else {
                None
            }
        })
        .collect()
}

/// Every sent byte of `actor` is in the capture and every captured byte of its direction
/// was sent by one of its `send` calls: sends and segments tile the same stream.
pub fn calls_account_for_bytes(segs: &[Seg], trace: &CallTrace, actor: &str) -> Result<(), String> {
    let sends: Vec<_> = trace
        .calls
        .iter()
        .filter(|c| c.actor == actor && c.call == CallKind::Send)
        .collect();
    if sends.is_empty() {
        return Err(format!("no send calls by {actor}"));
    }
    let from: SocketAddr = sends[0].local.parse().map_err(|e| format!("{e}"))?;
    let st = stream(segs, from);
    let mut at = 0u64;
    for c in &sends {
        if c.offset != Some(at) {
            return Err(format!("send at offset {:?}, expected {at}", c.offset));
        }
        at += c.bytes;
    }
    if at != st.len() as u64 {
        return Err(format!(
            "sends total {at} bytes, the capture carries {}",
            st.len()
        ));
    }
    // Every captured range lies within the sent bytes, and the ranges cover them without gaps.
    let mut r = ranges(segs, from);
    r.sort();
    let mut covered = 0;
    for (a, b) in r {
        if a > covered {
            return Err(format!("bytes {covered}..{a} were sent but never captured"));
        }
        covered = covered.max(b);
    }
    if covered as u64 != at {
        return Err(format!("captured up to {covered}, sent {at}"));
    }
    // The previews of the calls match the captured bytes.
    for c in &sends {
        if let (Some(off), Some(d)) = (c.offset, &c.data) {
            let off = off as usize;
            let got = String::from_utf8_lossy(&st[off..off + d.len().min(c.bytes as usize)]);
            if c.bytes as usize <= 64 && got != *d {
                return Err(format!(
                    "send at {off}: trace says {d:?}, capture has {got:?}"
                ));
            }
        }
    }
    Ok(())
}

/// A live run's calls were each entered before they returned, and nothing a call put on
/// the wire was captured before the call was entered (the calls and the capture share the
/// clock): a `connect()`'s SYN, the first copy of each byte a `send()` passed, a
/// `sendto()`'s datagram.
pub fn calls_entered_before_their_frames(segs: &[Seg], trace: &CallTrace) -> Result<(), String> {
    let mut sends = 0;
    for c in &trace.calls {
        let Some(entered) = c.t_enter_ns else {
            return Err(format!(
                "{} {:?} at {} has no entry time",
                c.actor, c.call, c.t_ns
            ));
        };
        if entered > c.t_ns {
            return Err(format!(
                "{} {:?} entered after it returned",
                c.actor, c.call
            ));
        }
        let (Ok(local), Ok(remote)) = (c.local.parse::<SocketAddr>(), c.remote.parse()) else {
            continue;
        };
        // The frames of this call's socket (a server's connections share its address).
        let mine = segs.iter().filter(|s| s.src == local && s.dst == remote);
        let made: Vec<&Seg> = match c.call {
            CallKind::Connect if c.result == "ok" => mine.filter(|s| s.syn()).collect(),
            CallKind::Send if c.bytes > 0 => {
                let (Some(isn), Some(off)) =
                    (mine.clone().find(|s| s.syn()).map(|s| s.seq), c.offset)
                else {
                    continue;
                };
                let (a, b) = (off, off + c.bytes);
                mine.filter(|s| !s.payload.is_empty())
                    .filter(|s| {
                        let start = u64::from(s.seq.wrapping_sub(isn).wrapping_sub(1));
                        start < b && start + s.payload.len() as u64 > a
                    })
                    .collect()
            }
            CallKind::Sendto if c.result == "ok" => {
                let data = c.data.as_deref().unwrap_or_default().as_bytes();
                mine.filter(|s| s.udp && s.payload.len() as u64 == c.bytes)
                    .filter(|s| s.payload.starts_with(data))
                    .collect()
            }
            _ => continue,
        };
        let Some(first) = made.iter().map(|s| s.t).min() else {
            continue;
        };
        sends += 1;
        if first < entered {
            return Err(format!(
                "{} {:?} was entered at {entered}, after the frame it made was captured at {first}",
                c.actor, c.call
            ));
        }
    }
    let puts_on_wire =
        |c: &&Call| c.result == "ok" && matches!(c.call, CallKind::Connect | CallKind::Sendto);
    ensure(
        sends > 0 || !trace.calls.iter().any(|c| puts_on_wire(&c)),
        "the frames of the run's connects, sends and sendtos were found",
    )
}

/// The multiplexing lesson: three clients of one server thread, and every accept and
/// receive of that thread comes after an `epoll_wait` that reported its socket ready (the
/// listener for an accept), at least one of them reporting two sockets at once.
fn multiplexed(tcp: &[&Seg], trace: Option<&CallTrace>) -> Result<(), String> {
    let syns: Vec<_> = tcp.iter().filter(|s| s.syn() && !s.is_ack()).collect();
    ensure(syns.len() == 3, "three clients")?;
    ensure(syns.iter().all(|s| s.dst == syns[0].dst), "one server")?;
    let Some(t) = trace else {
        return Ok(());
    };
    let server = syns[0].dst.to_string();
    let waits = calls_of(t, CallKind::EpollWait);
    ensure(!waits.is_empty(), "epoll_wait calls recorded")?;
    ensure(
        t.calls
            .iter()
            .filter(|c| c.actor.starts_with("server"))
            .all(|c| c.actor == "server"),
        "one server thread",
    )?;
    let mut ready_seen: Vec<(String, Option<String>)> = Vec::new();
    let mut several = false;
    for c in &t.calls {
        match c.call {
            CallKind::EpollWait => {
                let r = &c
                    .traced
                    .as_ref()
                    .ok_or("epoll_wait without its ready list")?
                    .ready;
                ensure(!r.is_empty(), "epoll_wait names what is ready")?;
                several |= r.len() >= 2;
                ready_seen = r
                    .iter()
                    .map(|r| (r.local.clone().unwrap_or_default(), r.remote.clone()))
                    .collect();
            }
            CallKind::Accept => ensure(
                ready_seen.iter().any(|(l, r)| *l == server && r.is_none()),
                "accept after epoll_wait reported the listener",
            )?,
            CallKind::Recv if c.actor == "server" => ensure(
                ready_seen
                    .iter()
                    .any(|(l, r)| *l == c.local && r.as_deref() == Some(c.remote.as_str())),
                &format!("recv on {} after epoll_wait reported it", c.remote),
            )?,
            _ => {}
        }
    }
    ensure(several, "an epoll_wait reporting two sockets at once")
}

fn ensure(cond: bool, what: &str) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(what.to_owned())
    }
}

/// The teardown segments: from the first FIN (or RST) to the end, for the connection.
fn first_fin(segs: &[Seg]) -> Option<usize> {
    segs.iter().position(|s| !s.udp && s.fin())
}

/// Checks that a capture shows what `sc` teaches (on any path: synthetic, loopback or
/// namespaces; nothing here depends on one timing).
pub fn check(sc: Scenario, segs: &[Seg], trace: Option<&CallTrace>) -> Result<(), String> {
    let tcp: Vec<&Seg> = segs.iter().filter(|s| !s.udp).collect();
    let handshake = || -> Result<SocketAddr, String> {
        let syn = tcp
            .iter()
            .find(|s| s.syn() && !s.is_ack())
            .ok_or("no SYN")?;
        let sa = tcp
            .iter()
            .find(|s| s.syn() && s.is_ack() && s.ack == syn.seq.wrapping_add(1))
            .ok_or("no SYN-ACK acknowledging the SYN")?;
        ensure(
            tcp.iter()
                .any(|s| s.src == syn.src && !s.syn() && s.ack == sa.seq.wrapping_add(1)),
            "no ACK of the SYN-ACK",
        )?;
        Ok(syn.src)
    };
    match sc {
        Scenario::Handshake => {
            let c = handshake()?;
            let fins: Vec<_> = tcp.iter().filter(|s| s.fin()).collect();
            ensure(fins.len() == 2, "two FINs")?;
            ensure(fins[0].src == c, "the client closes first")?;
            ensure(data_from(segs, c).is_empty(), "no data")?;
        }
        Scenario::Echo => {
            let c = handshake()?;
            let reqs = data_from(segs, c);
            ensure(reqs.len() >= 3, "at least three requests")?;
            let server = reqs[0].dst;
            // Each request is answered by the same bytes, on a segment that ACKs it.
            for r in &reqs {
                let end = r.seq.wrapping_add(r.payload.len() as u32);
                ensure(
                    tcp.iter()
                        .any(|s| s.src == server && s.payload == r.payload && s.ack == end),
                    "a reply echoes the request and carries its ACK",
                )?;
            }
        }
        Scenario::CloseClientFirst | Scenario::CloseServerFirst => {
            let c = handshake()?;
            let i = first_fin(segs).ok_or("no FIN")?;
            let first = &segs[i];
            let want_client = sc == Scenario::CloseClientFirst;
            ensure(
                (first.src == c) == want_client,
                "the right side sends the first FIN",
            )?;
            let rest: Vec<&Seg> = segs[i + 1..].iter().filter(|s| !s.udp).collect();
            // The peer ACKs the FIN, later sends its own FIN, which is ACKed: four segments.
            let fin_end = first.seq.wrapping_add(first.seg_len());
            ensure(
                rest.iter()
                    .any(|s| s.src == first.dst && !s.fin() && s.ack == fin_end),
                "a separate ACK of the first FIN",
            )?;
            let second = rest.iter().find(|s| s.fin()).ok_or("no second FIN")?;
            ensure(second.src == first.dst, "the peer's FIN")?;
            ensure(
                rest.iter()
                    .any(|s| s.src == first.src && s.ack == second.seq.wrapping_add(1)),
                "the last ACK",
            )?;
        }
        Scenario::CloseCombined => {
            handshake()?;
            let i = first_fin(segs).ok_or("no FIN")?;
            let rest: Vec<&Seg> = segs[i..]
                .iter()
                .filter(|s| !s.udp && s.src.port() != 0)
                .collect();
            ensure(
                rest.len() == 3,
                &format!("three-segment close, got {}", rest.len()),
            )?;
            ensure(
                rest[1].fin() && rest[1].is_ack() && rest[1].ack == rest[0].seq.wrapping_add(1),
                "FIN+ACK acknowledging the first FIN",
            )?;
            ensure(
                !rest[2].fin() && rest[2].ack == rest[1].seq.wrapping_add(1),
                "final ACK",
            )?;
        }
        Scenario::CloseSimultaneous => {
            handshake()?;
            let fins: Vec<_> = tcp.iter().filter(|s| s.fin()).collect();
            ensure(
                fins.len() == 2 && fins[0].src != fins[1].src,
                "one FIN from each side",
            )?;
            ensure(
                fins[1].ack == fins[0].seq,
                "the second FIN does not acknowledge the first (they crossed)",
            )?;
            for f in &fins {
                ensure(
                    tcp.iter().any(|s| {
                        s.src == f.dst && s.ack == f.seq.wrapping_add(1) && s.n > fins[1].n
                    }),
                    "each FIN is ACKed after both were sent",
                )?;
            }
        }
        Scenario::HalfClose => {
            let c = handshake()?;
            let i = first_fin(segs).ok_or("no FIN")?;
            ensure(segs[i].src == c, "the client half-closes")?;
            ensure(
                segs[i + 1..]
                    .iter()
                    .any(|s| s.src != c && !s.payload.is_empty()),
                "the server sends data after the client's FIN",
            )?;
            ensure(
                segs[i + 1..]
                    .iter()
                    .any(|s| s.src == c && !s.fin() && s.ack > segs[i].ack),
                "the half-closed client still ACKs data",
            )?;
        }
        Scenario::RstAbort => {
            let c = handshake()?;
            ensure(
                tcp.iter().any(|s| s.src == c && s.rst()),
                "the client aborts with RST",
            )?;
            ensure(!tcp.iter().any(|s| s.fin()), "no FIN")?;
        }
        Scenario::Refused => {
            let syn = tcp.iter().find(|s| s.syn()).ok_or("no SYN")?;
            ensure(
                tcp.iter().any(|s| {
                    s.rst() && s.is_ack() && s.ack == syn.seq.wrapping_add(1) && s.src == syn.dst
                }),
                "the SYN is answered by RST+ACK",
            )?;
            ensure(!tcp.iter().any(|s| s.syn() && s.is_ack()), "no SYN-ACK")?;
        }
        Scenario::Sticky => {
            let c = handshake()?;
            let per = messages_per_segment(segs, c, "plain");
            ensure(
                per.iter().any(|n| n.unwrap_or(0) >= 2),
                "a segment carries several messages",
            )?;
            if let Some(t) = trace {
                calls_account_for_bytes(segs, t, "client")?;
                ensure(
                    t.calls.iter().any(|k| {
                        k.actor == "server"
                            && k.call == CallKind::Recv
                            && k.bytes > MESSAGES[0].len() as u64 + MESSAGES[1].len() as u64
                    }),
                    "a recv returns several messages glued together",
                )?;
            }
        }
        Scenario::Split => {
            let c = handshake()?;
            let d = data_from(segs, c);
            ensure(d.len() >= 3, "one message in many segments")?;
            if let Some(t) = trace {
                let sends = calls_of(t, CallKind::Send);
                ensure(sends.len() == 1, "one send")?;
                ensure(
                    d.len() > 1 && sends[0].bytes > d[0].payload.len() as u64,
                    "the send is larger than a segment",
                )?;
                ensure(
                    t.calls
                        .iter()
                        .filter(|k| k.call == CallKind::Recv && k.bytes > 0)
                        .count()
                        > 1,
                    "the reader needs several recv calls",
                )?;
            }
        }
        Scenario::FixLengthPrefix | Scenario::FixDelimiter => {
            let c = handshake()?;
            let how = if sc == Scenario::FixLengthPrefix {
                "lp"
            } else {
                "nl"
            };
            let want: Vec<u8> = MESSAGES.iter().flat_map(|m| framed(m, how)).collect();
            ensure(stream(segs, c) == want, "the stream is the framed messages")?;
            // The framing lets the reader cut the stream: parse it back.
            let st = stream(segs, c);
            let parsed: Vec<String> = if how == "lp" {
                let mut v = Vec::new();
                let mut at = 0;
                while at + 4 <= st.len() {
                    let n =
                        u32::from_be_bytes([st[at], st[at + 1], st[at + 2], st[at + 3]]) as usize;
                    v.push(String::from_utf8_lossy(&st[at + 4..at + 4 + n]).into_owned());
                    at += 4 + n;
                }
                v
            } else {
                String::from_utf8_lossy(&st)
                    .lines()
                    .map(str::to_owned)
                    .collect()
            };
            ensure(parsed == MESSAGES, "the framing recovers every message")?;
            let per = messages_per_segment(segs, c, how);
            ensure(
                per.iter().all(Option::is_some),
                &format!("no segment cuts a framed message: {per:?}"),
            )?;
        }
        Scenario::FixDelay | Scenario::FixAck | Scenario::Nodelay => {
            let c = handshake()?;
            let per = messages_per_segment(segs, c, "plain");
            ensure(
                per.len() == MESSAGES.len(),
                &format!("one segment per message, got {per:?}"),
            )?;
            ensure(
                per.iter().all(|n| *n == Some(1)),
                "no segment breaks or glues messages",
            )?;
            if sc == Scenario::FixAck {
                let server = data_from(segs, c)[0].dst;
                let acks = data_from(segs, server);
                ensure(
                    acks.len() == MESSAGES.len(),
                    "an application ACK per message",
                )?;
                let mine = data_from(segs, c);
                for w in mine.windows(2) {
                    ensure(
                        acks.iter().any(|a| a.n > w[0].n && a.n < w[1].n),
                        "each message waits for the previous one's reply",
                    )?;
                }
            }
        }
        Scenario::FileTransfer => {
            let c = handshake()?;
            let st = stream(segs, c);
            let mut at = 0;
            let mut cmds = Vec::new();
            while at + 4 <= st.len() {
                let n = u32::from_be_bytes([st[at], st[at + 1], st[at + 2], st[at + 3]]) as usize;
                cmds.push(
                    String::from_utf8_lossy(&st[at + 4..(at + 4 + n).min(st.len())]).into_owned(),
                );
                at += 4 + n;
            }
            ensure(
                at == st.len(),
                "the client stream is whole length-prefixed frames",
            )?;
            ensure(cmds.first().is_some_and(|s| s == "LIST"), "LIST first")?;
            ensure(cmds.iter().any(|s| s.starts_with("GET ")), "a GET")?;
            ensure(cmds.iter().any(|s| s.starts_with("PUT ")), "a PUT")?;
            let server = data_from(segs, c)[0].dst;
            ensure(stream(segs, server).len() > 5000, "the file comes back")?;
        }
        Scenario::Http => {
            let c = handshake()?;
            ensure(
                tcp.iter().filter(|s| s.syn() && !s.is_ack()).count() == 1,
                "one connection (keep-alive)",
            )?;
            let gets = data_from(segs, c)
                .iter()
                .map(|s| String::from_utf8_lossy(&s.payload).matches("GET ").count())
                .collect::<Vec<_>>();
            ensure(gets.iter().sum::<usize>() == 4, "four requests")?;
            ensure(gets.contains(&2), "a pipelined pair in one segment")?;
        }
        Scenario::CcCompare => {
            // One connection per algorithm, one after the other, each carrying the whole
            // transfer (the lesson's 300 kB), then closed.
            let syns: Vec<_> = tcp.iter().filter(|s| s.syn() && !s.is_ack()).collect();
            ensure(
                syns.len() >= 2,
                "a connection per algorithm (cubic and reno at least)",
            )?;
            for syn in &syns {
                let end = data_from(segs, syn.src)
                    .iter()
                    .map(|s| s.seq.wrapping_sub(syn.seq) + s.payload.len() as u32)
                    .max();
                ensure(end == Some(300_001), "each connection sends the 300 kB")?;
            }
            for w in syns.windows(2) {
                ensure(
                    tcp.iter()
                        .any(|s| s.src == w[0].src && s.fin() && s.n < w[1].n),
                    "a connection starts after the previous one closed",
                )?;
            }
            if let Some(t) = trace {
                let names: Vec<&str> = calls_of(t, CallKind::Setsockopt)
                    .iter()
                    .filter_map(|c| c.note.as_deref()?.strip_prefix("TCP_CONGESTION="))
                    .collect();
                ensure(
                    names.len() == syns.len(),
                    "each sender sets its algorithm (TCP_CONGESTION)",
                )?;
                ensure(names[..2] == ["cubic", "reno"], "cubic, then reno")?;
                let mut distinct = names.clone();
                distinct.sort_unstable();
                distinct.dedup();
                ensure(distinct.len() == names.len(), "a different algorithm each")?;
            }
        }
        Scenario::SendBuffer => {
            // The same 200 kB twice, one connection after the other; the second sender's
            // bytes in flight stay within its 4 KiB send buffer (8 KiB as the kernel keeps
            // it, headers and bookkeeping included) while the first one's grow far beyond.
            let syns: Vec<_> = tcp.iter().filter(|s| s.syn() && !s.is_ack()).collect();
            ensure(syns.len() == 2, "two connections")?;
            let in_flight = |syn: &Seg| {
                let (mut sent, mut acked, mut most) = (0u32, 0u32, 0u32);
                for s in &tcp {
                    if s.src == syn.src && !s.payload.is_empty() {
                        let end = s.seq.wrapping_sub(syn.seq) + s.payload.len() as u32;
                        sent = sent.max(end);
                    } else if s.dst == syn.src && s.is_ack() {
                        acked = acked.max(s.ack.wrapping_sub(syn.seq));
                    }
                    most = most.max(sent.saturating_sub(acked));
                }
                (sent, most)
            };
            let ((sent1, most1), (sent2, most2)) = (in_flight(syns[0]), in_flight(syns[1]));
            ensure(
                sent1 == 200_001 && sent2 == 200_001,
                "each connection sends the 200 kB",
            )?;
            ensure(
                tcp.iter()
                    .any(|s| s.src == syns[0].src && s.fin() && s.n < syns[1].n),
                "the second connection starts after the first closed",
            )?;
            ensure(most2 <= 8192, "the small buffer bounds the bytes in flight")?;
            ensure(
                most1 > 2 * most2,
                "the default buffer lets far more fly than the small one",
            )?;
            if let Some(t) = trace {
                let set: Vec<(u32, Option<&str>)> = calls_of(t, CallKind::Setsockopt)
                    .iter()
                    .map(|c| (c.conn, c.note.as_deref()))
                    .filter(|(_, note)| note.is_some_and(|n| n.starts_with("SO_SNDBUF")))
                    .collect();
                ensure(
                    set == [(2, Some("SO_SNDBUF=4096"))],
                    "only the second sender sets SO_SNDBUF 4096",
                )?;
            }
        }
        Scenario::Concurrent => {
            let syns: Vec<_> = tcp.iter().filter(|s| s.syn() && !s.is_ack()).collect();
            ensure(syns.len() >= 3, "several clients")?;
            let mut ports: Vec<u16> = syns.iter().map(|s| s.src.port()).collect();
            ports.sort();
            ports.dedup();
            ensure(ports.len() == syns.len(), "one 4-tuple per client")?;
            ensure(syns.iter().all(|s| s.dst == syns[0].dst), "one server")?;
            // Interleaving: a second connection opens before the first closes.
            let first_fin = tcp.iter().find(|s| s.fin()).map_or(usize::MAX, |s| s.n);
            ensure(syns[1].n < first_fin, "connections overlap in time")?;
        }
        Scenario::Multiplex => multiplexed(&tcp, trace)?,
        Scenario::UdpChat => {
            let d: Vec<_> = segs.iter().filter(|s| s.udp).collect();
            ensure(d.len() >= 4, "several datagrams")?;
            if let Some(t) = trace {
                let sends = calls_of(t, CallKind::Sendto);
                ensure(sends.len() == d.len(), "one datagram per sendto")?;
                for (s, k) in d.iter().zip(&sends) {
                    ensure(
                        k.bytes == s.payload.len() as u64,
                        "each datagram is one message",
                    )?;
                }
            }
        }
        Scenario::UdpBroadcast => {
            let d: Vec<_> = segs.iter().filter(|s| s.udp).collect();
            ensure(!d.is_empty(), "datagrams")?;
            ensure(
                d.iter().all(|s| match s.dst.ip() {
                    std::net::IpAddr::V4(a) => a.is_broadcast() || a.octets()[3] == 255,
                    std::net::IpAddr::V6(a) => a.is_multicast(),
                }),
                "sent to a broadcast address",
            )?;
        }
        Scenario::ZeroWindow => {
            let c = handshake()?;
            let zero = tcp
                .iter()
                .find(|s| s.src != c && s.win == 0 && !s.syn() && !s.rst() && !s.fin())
                .ok_or("no zero-window segment")?;
            ensure(
                tcp.iter()
                    .any(|s| s.src == zero.src && s.n > zero.n && s.ack == zero.ack && s.win > 0),
                "a window update (same ACK, window opened)",
            )?;
        }
        Scenario::KeepAlive => {
            let c = handshake()?;
            let probes: Vec<_> = tcp
                .iter()
                .filter(|s| s.src == c && s.payload.len() <= 1 && !s.fin() && !s.syn() && !s.rst())
                .filter(|s| {
                    tcp.iter().any(|p| {
                        p.src == c
                            && p.n < s.n
                            && p.seq.wrapping_add(p.seg_len()) == s.seq.wrapping_add(1)
                    })
                })
                .collect();
            ensure(
                probes.len() >= 2,
                &format!("keep-alive probes (SND.NXT-1), got {}", probes.len()),
            )?;
            ensure(
                probes[1].t - probes[0].t >= 500_000_000,
                "probes are spaced by the interval",
            )?;
        }
        Scenario::Loss | Scenario::Flood | Scenario::Demo => {
            handshake()?;
            let mut seen = std::collections::HashSet::new();
            let mut retrans = 0;
            for s in tcp.iter().filter(|s| !s.payload.is_empty()) {
                if !seen.insert((s.src, s.seq, s.payload.len())) {
                    retrans += 1;
                }
            }
            ensure(retrans >= 1, "a retransmission")?;
            let mut dups = 0;
            let mut last: std::collections::HashMap<SocketAddr, u32> = Default::default();
            for s in tcp
                .iter()
                .filter(|s| s.is_ack() && s.payload.is_empty() && !s.syn() && !s.fin() && !s.rst())
            {
                if last.get(&s.src) == Some(&s.ack) && s.sack > 0 {
                    dups += 1;
                }
                last.insert(s.src, s.ack);
            }
            ensure(dups >= 2, "duplicate ACKs with SACK")?;
        }
        Scenario::Reorder => {
            let c = handshake()?;
            let d = data_from(segs, c);
            let mut max = 0u32;
            let isn = tcp
                .iter()
                .find(|s| s.syn() && s.src == c)
                .map_or(0, |s| s.seq);
            let mut late = 0;
            for s in &d {
                let rel = s.seq.wrapping_sub(isn);
                if rel < max {
                    late += 1;
                }
                max = max.max(rel);
            }
            ensure(late >= 1, "a segment arrives after a later one")?;
            let mut seen = std::collections::HashSet::new();
            ensure(
                d.iter().all(|s| seen.insert(s.seq)),
                "nothing is retransmitted",
            )?;
        }
    }
    Ok(())
}

/// Sequence/ACK/timestamp arithmetic any real stack obeys: nobody acknowledges bytes the
/// peer has not sent, a side's cumulative ACK never goes back, and every TSecr echoes a TSval
/// the peer really sent. Holds for synthetic and live captures alike.
pub fn consistent(segs: &[Seg]) -> Result<(), String> {
    use std::collections::{HashMap, HashSet};
    let mut sent_end: HashMap<(SocketAddr, SocketAddr), u32> = HashMap::new();
    let mut last_ack: HashMap<(SocketAddr, SocketAddr), u32> = HashMap::new();
    let mut tsvals: HashMap<(SocketAddr, SocketAddr), HashSet<u32>> = HashMap::new();
    let after = |a: u32, b: u32| (a.wrapping_sub(b) as i32) > 0;
    for s in segs.iter().filter(|s| !s.udp) {
        let fwd = (s.src, s.dst);
        let rev = (s.dst, s.src);
        let end = s.seq.wrapping_add(s.seg_len());
        let e = sent_end.entry(fwd).or_insert(end);
        if after(end, *e) {
            *e = end;
        }
        if s.is_ack() && !s.rst() {
            if let Some(&peer_end) = sent_end.get(&rev) {
                if after(s.ack, peer_end) {
                    return Err(format!(
                        "frame {}: ACK {} beyond what the peer sent ({peer_end})",
                        s.n, s.ack
                    ));
                }
            }
            if let Some(&prev) = last_ack.get(&fwd) {
                if after(prev, s.ack) {
                    return Err(format!(
                        "frame {}: ACK went back from {prev} to {}",
                        s.n, s.ack
                    ));
                }
            }
            last_ack.insert(fwd, s.ack);
        }
        if let Some((val, ecr)) = s.ts {
            let peer = tsvals.get(&rev);
            if s.is_ack() && ecr != 0 && !peer.is_some_and(|p| p.contains(&ecr)) {
                return Err(format!(
                    "frame {}: TSecr {ecr} echoes no TSval of the peer",
                    s.n
                ));
            }
            tsvals.entry(fwd).or_default().insert(val);
        }
    }
    Ok(())
}
