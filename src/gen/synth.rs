//! The synthetic wire: TCP and UDP frames crafted with etherparse, as a Linux host sends them.
//!
//! Scenarios script both endpoints of a connection through [`Sim`]; it keeps the state a real
//! stack keeps (ISNs, next sequence numbers, what each side has received, SACK blocks for
//! holes, the timestamp clock, advertised windows with window scaling) so that every crafted
//! segment is consistent with the ones before it, and writes each frame to a [`FrameSink`]
//! the moment it is made (nothing is buffered, which lets `flood` stream a million frames).
//!
//! The hosts imitate Linux 6.x on an Ethernet LAN (MTU 1500): SYNs carry MSS 1460,
//! SACK-permitted, timestamps and window scale 7 in Linux's option order, the SYN window is
//! 64240 (SYN-ACK 65160), data segments carry the 12-byte timestamp option (so a full segment
//! holds 1448 bytes), IPv4 has DF set and a per-socket ID counter, TTL is 64.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use etherparse::{
    IpHeaders, Ipv4Extensions, Ipv4Header, Ipv6Extensions, Ipv6Header, PacketBuilder, TcpHeader,
};

use crate::analysis::seq;
use crate::calls::{CallKind, CallTrace};
use crate::capture::writer::PcapWriter;
use crate::capture::{Frame, LinkType, OwnedFrame, RecordKind, Timestamp};
use crate::decode::TcpFlags;

/// Where crafted frames go (a pcap writer, or a vector in tests).
pub trait FrameSink {
    /// Takes one Ethernet frame captured at `ts`.
    fn frame(&mut self, ts: Timestamp, data: &[u8]) -> io::Result<()>;
}

impl<W: io::Write> FrameSink for PcapWriter<W> {
    fn frame(&mut self, ts: Timestamp, data: &[u8]) -> io::Result<()> {
        self.write_frame(&Frame {
            number: self.frames() + 1,
            ts: Some(ts),
            len: data.len() as u32,
            link: LinkType::Ethernet,
            interface: 0,
            kind: RecordKind::Packet,
            data,
        })
    }
}

impl FrameSink for Vec<OwnedFrame> {
    fn frame(&mut self, ts: Timestamp, data: &[u8]) -> io::Result<()> {
        let n = self.len() as u64 + 1;
        self.push(OwnedFrame::packet(n, ts, LinkType::Ethernet, data.to_vec()));
        Ok(())
    }
}

/// A small deterministic generator (SplitMix64): the same `--seed` gives the same capture on
/// every machine, without a dependency whose output could change between versions.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeds the generator.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5eed_5eed_5eed_5eed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// Client side of a connection (index into [`Conn::ep`]).
pub const C: usize = 0;
/// Server side of a connection.
pub const S: usize = 1;

/// Payload bytes in a full-sized segment: MSS 1460 minus the 12-byte timestamp option.
pub const SEG: usize = 1448;

/// Start of every synthetic capture: 2026-01-01T00:00:00Z (fixed, so captures are stable).
pub const EPOCH_NS: i64 = 1_767_225_600_000_000_000;

/// One endpoint's TCP state, as its stack would keep it.
#[derive(Debug, Clone)]
pub struct Ep {
    /// Address and port.
    pub addr: SocketAddr,
    /// Ethernet address.
    pub mac: [u8; 6],
    /// Initial sequence number.
    pub isn: u32,
    /// Next sequence number to send (SND.NXT).
    pub nxt: u32,
    /// Next sequence number expected (RCV.NXT).
    pub rcv_nxt: u32,
    /// Received out-of-order ranges `[start, end)` (reported as SACK blocks).
    pub ooo: Vec<(u32, u32)>,
    /// Receive window in bytes that this side advertises.
    pub win: u32,
    /// Window scale shift this side announced in its SYN.
    pub wscale: u8,
    /// Offset of this host's timestamp clock (Linux randomizes it per connection).
    pub ts_off: u32,
    /// The peer's last timestamp value received (echoed as TSecr).
    pub ts_recent: u32,
    /// IPv4 identification counter.
    pub ip_id: u16,
    /// Application bytes sent so far (stream offset of the next `send`).
    pub app_sent: u64,
    /// Application bytes read so far (stream offset of the next `recv`).
    pub app_read: u64,
    /// Whether timestamps/SACK were negotiated (both SYNs carried them).
    pub options: bool,
}

/// Both endpoints of one TCP connection.
#[derive(Debug, Clone)]
pub struct Conn {
    /// Client ([`C`]) and server ([`S`]).
    pub ep: [Ep; 2],
    /// Connection number in the calls trace (1-based).
    pub id: u32,
    /// Window scaling is in effect (after the handshake).
    pub scaled: bool,
    /// Actor names for the calls trace.
    pub actors: [String; 2],
}

/// The synthetic world: a clock, a random generator, the calls trace and the frame sink.
pub struct Sim<'s> {
    sink: &'s mut dyn FrameSink,
    /// Current time, ns since the epoch.
    pub now: i64,
    /// Random numbers for ISNs, ports, loss.
    pub rng: Rng,
    /// The application calls recorded so far.
    pub calls: CallTrace,
    /// Use IPv6 addresses.
    pub ipv6: bool,
    /// Record calls (off for `flood`, where a trace would be larger than the capture).
    pub record_calls: bool,
    /// Stop writing after this many frames (`flood --packets`).
    pub limit: u64,
    buf: Vec<u8>,
    frames: u64,
    error: Option<io::Error>,
    next_conn: u32,
}

impl<'s> Sim<'s> {
    /// A world writing to `sink`, starting at [`EPOCH_NS`].
    pub fn new(sink: &'s mut dyn FrameSink, seed: u64, calls: CallTrace, ipv6: bool) -> Sim<'s> {
        Sim {
            sink,
            now: EPOCH_NS,
            rng: Rng::new(seed),
            calls,
            ipv6,
            record_calls: true,
            limit: u64::MAX,
            buf: Vec::with_capacity(2048),
            frames: 0,
            error: None,
            next_conn: 1,
        }
    }

    /// Frames written.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Ends the run: the first write error, if any, and the calls trace.
    pub fn finish(self) -> io::Result<CallTrace> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.calls),
        }
    }

    /// Advances the clock by `us` microseconds.
    pub fn wait_us(&mut self, us: i64) {
        self.now += us * 1000;
    }

    /// Advances the clock by `ms` milliseconds.
    pub fn wait_ms(&mut self, ms: i64) {
        self.now += ms * 1_000_000;
    }

    /// Host `n`'s address (1 = client, 2 = server, 3... = more clients), on `10.0.0.0/24` or
    /// `fd00::/64`.
    pub fn host(&self, n: u8) -> IpAddr {
        if self.ipv6 {
            IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, u16::from(n)))
        } else {
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, n))
        }
    }

    /// A Linux ephemeral port (32768–60999).
    pub fn ephemeral_port(&mut self) -> u16 {
        32768 + self.rng.below(28232) as u16
    }

    /// Records a call made by `side` of `c` (if calls are recorded).
    pub fn call(
        &mut self,
        c: &Conn,
        side: usize,
        kind: CallKind,
        data: &[u8],
        offset: Option<u64>,
    ) {
        if self.record_calls {
            let (l, r) = (c.ep[side].addr, c.ep[1 - side].addr);
            self.calls
                .push(self.now, &c.actors[side], c.id, kind, l, r, data, offset);
        }
    }

    /// A new connection between client host `client` and server host `server` (not yet
    /// opened: call [`Sim::open`] or craft the SYN yourself).
    pub fn conn(&mut self, client: u8, server: u8, server_port: u16) -> Conn {
        let cport = self.ephemeral_port();
        let ep = |sim: &mut Sim, host: u8, port: u16, win: u32| Ep {
            addr: SocketAddr::new(sim.host(host), port),
            mac: [0x02, 0, 0, 0, 0, host],
            isn: sim.rng.next_u64() as u32,
            nxt: 0,
            rcv_nxt: 0,
            ooo: Vec::new(),
            win,
            wscale: 7,
            ts_off: sim.rng.next_u64() as u32,
            ts_recent: 0,
            ip_id: sim.rng.next_u64() as u16,
            app_sent: 0,
            app_read: 0,
            options: true,
        };
        let mut cl = ep(self, client, cport, 64240);
        let mut sv = ep(self, server, server_port, 65160);
        cl.nxt = cl.isn;
        sv.nxt = sv.isn;
        let id = self.next_conn;
        self.next_conn += 1;
        let actor = if client == 1 {
            "client".to_owned()
        } else {
            format!("client{}", client - 1)
        };
        Conn {
            ep: [cl, sv],
            id,
            scaled: false,
            actors: [actor, "server".to_owned()],
        }
    }

    /// The three-way handshake (SYN, SYN-ACK, ACK) with `connect`/`accept` calls, on a LAN
    /// with a 100 µs one-way delay.
    pub fn open(&mut self, c: &mut Conn) {
        self.syn(c);
        self.wait_us(100);
        self.syn_ack(c);
        self.wait_us(100);
        self.pure_ack(c, C);
        self.call(c, C, CallKind::Connect, &[], None);
        self.wait_us(20);
        self.call(c, S, CallKind::Accept, &[], None);
    }

    /// The client's SYN.
    pub fn syn(&mut self, c: &mut Conn) {
        let seq = c.ep[C].isn;
        self.raw(c, C, seq, TcpFlags::SYN, &[], true);
    }

    /// The server's SYN-ACK.
    pub fn syn_ack(&mut self, c: &mut Conn) {
        let seq = c.ep[S].isn;
        self.raw(c, S, seq, TcpFlags::SYN | TcpFlags::ACK, &[], true);
        c.scaled = true;
    }

    /// A segment carrying `data` (ACK+PSH) at `from`'s next sequence number, delivered.
    pub fn data(&mut self, c: &mut Conn, from: usize, data: &[u8]) {
        let seq = c.ep[from].nxt;
        self.raw(c, from, seq, TcpFlags::ACK | TcpFlags::PSH, data, true);
    }

    /// Like [`Sim::data`] without PSH (a full segment followed by more of the same write).
    pub fn data_more(&mut self, c: &mut Conn, from: usize, data: &[u8]) {
        let seq = c.ep[from].nxt;
        self.raw(c, from, seq, TcpFlags::ACK, data, true);
    }

    /// A data segment that is captured but lost on the way (the peer never sees it).
    pub fn data_lost(&mut self, c: &mut Conn, from: usize, data: &[u8]) {
        let seq = c.ep[from].nxt;
        self.raw(c, from, seq, TcpFlags::ACK | TcpFlags::PSH, data, false);
    }

    /// A retransmission of `data` at `seq` (an earlier sequence number), delivered.
    pub fn resend(&mut self, c: &mut Conn, from: usize, seq: u32, data: &[u8]) {
        self.raw(c, from, seq, TcpFlags::ACK | TcpFlags::PSH, data, true);
    }

    /// A pure ACK from `from` (with SACK blocks when it holds out-of-order data).
    pub fn pure_ack(&mut self, c: &mut Conn, from: usize) {
        let seq = c.ep[from].nxt;
        self.raw(c, from, seq, TcpFlags::ACK, &[], true);
    }

    /// FIN+ACK from `from`.
    pub fn fin(&mut self, c: &mut Conn, from: usize) {
        let seq = c.ep[from].nxt;
        self.raw(c, from, seq, TcpFlags::FIN | TcpFlags::ACK, &[], true);
    }

    /// RST+ACK from `from` (what `close()` with `SO_LINGER` 0 sends).
    pub fn rst(&mut self, c: &mut Conn, from: usize) {
        let seq = c.ep[from].nxt;
        self.raw(c, from, seq, TcpFlags::RST | TcpFlags::ACK, &[], true);
    }

    /// Application `send()` of `data` by `from`, recorded, without putting anything on the
    /// wire (the script decides how the stack segments it).
    pub fn app_send(&mut self, c: &mut Conn, from: usize, data: &[u8]) {
        let off = c.ep[from].app_sent;
        self.call(c, from, CallKind::Send, data, Some(off));
        c.ep[from].app_sent += data.len() as u64;
    }

    /// Application `recv()` by `side` returning `data` (empty = end of stream), recorded.
    pub fn app_recv(&mut self, c: &mut Conn, side: usize, data: &[u8]) {
        let off = c.ep[side].app_read;
        self.call(c, side, CallKind::Recv, data, Some(off));
        c.ep[side].app_read += data.len() as u64;
    }

    /// Sends `data` as one write: full segments then the rest with PSH, each delivered, and
    /// the `send()` call recorded. No ACKs: the script adds them where the receiver would.
    pub fn write_all(&mut self, c: &mut Conn, from: usize, data: &[u8]) {
        self.app_send(c, from, data);
        let mut chunks = data.chunks(SEG).peekable();
        while let Some(chunk) = chunks.next() {
            if chunks.peek().is_some() {
                self.data_more(c, from, chunk);
                self.wait_us(12);
            } else {
                self.data(c, from, chunk);
            }
        }
    }

    /// Crafts, sends and (when `deliver`) applies one TCP segment with explicit sequence
    /// number and flags ([`TcpFlags`] bits); the other methods are its common cases.
    pub fn raw(
        &mut self,
        c: &mut Conn,
        from: usize,
        seq: u32,
        flags: u16,
        data: &[u8],
        deliver: bool,
    ) {
        let to = 1 - from;
        let now_ms = (self.now / 1_000_000) as u32;
        let tsval = c.ep[from].ts_off.wrapping_add(now_ms);
        let bits = TcpFlags(flags);
        let (syn, rst, fin) = (
            bits.has(TcpFlags::SYN),
            bits.has(TcpFlags::RST),
            bits.has(TcpFlags::FIN),
        );
        let ack_flag = bits.has(TcpFlags::ACK);
        let e = &c.ep[from];
        let ack = if ack_flag { e.rcv_nxt } else { 0 };
        let window = if syn {
            e.win.min(65535) as u16
        } else if c.scaled {
            (e.win >> e.wscale).min(65535) as u16
        } else {
            e.win.min(65535) as u16
        };
        let mut opts = [0u8; 40];
        let mut n = 0;
        if syn {
            // Linux order: MSS, SACK_PERM, TS, NOP, WS.
            opts[..4].copy_from_slice(&[2, 4, 0x05, 0xb4]);
            opts[4..6].copy_from_slice(&[4, 2]);
            opts[6..8].copy_from_slice(&[8, 10]);
            opts[8..12].copy_from_slice(&tsval.to_be_bytes());
            let ecr = if ack_flag { e.ts_recent } else { 0 };
            opts[12..16].copy_from_slice(&ecr.to_be_bytes());
            opts[16..20].copy_from_slice(&[1, 3, 3, e.wscale]);
            n = 20;
            if self.ipv6 {
                opts[2..4].copy_from_slice(&1440u16.to_be_bytes());
            }
        } else if !rst && e.options {
            opts[..4].copy_from_slice(&[1, 1, 8, 10]);
            opts[4..8].copy_from_slice(&tsval.to_be_bytes());
            opts[8..12].copy_from_slice(&e.ts_recent.to_be_bytes());
            n = 12;
            if !e.ooo.is_empty() {
                // NOP NOP SACK, most recent block first (at most 3 fit beside timestamps).
                let blocks = e.ooo.len().min(3);
                opts[n..n + 4].copy_from_slice(&[1, 1, 5, 2 + 8 * blocks as u8]);
                n += 4;
                for &(l, r) in e.ooo.iter().rev().take(blocks) {
                    opts[n..n + 4].copy_from_slice(&l.to_be_bytes());
                    opts[n + 4..n + 8].copy_from_slice(&r.to_be_bytes());
                    n += 8;
                }
            }
        }
        let mut tcp = TcpHeader::new(e.addr.port(), c.ep[to].addr.port(), seq, window);
        tcp.acknowledgment_number = ack;
        tcp.ack = ack_flag;
        tcp.syn = syn;
        tcp.rst = rst;
        tcp.fin = fin;
        tcp.psh = bits.has(TcpFlags::PSH);
        // Options are built above in multiples of four bytes, at most 40: this cannot fail,
        // but an error would only drop the options, never the segment.
        let _ = tcp.set_options_raw(&opts[..n]);
        let (src_mac, dst_mac) = (e.mac, c.ep[to].mac);
        let (src, dst) = (e.addr.ip(), c.ep[to].addr.ip());
        let ip_id = e.ip_id;
        c.ep[from].ip_id = ip_id.wrapping_add(1);
        self.emit_tcp(src_mac, dst_mac, src, dst, ip_id, tcp, data);

        // Sender state: advance SND.NXT when this is new data.
        let len = data.len() as u32 + u32::from(syn) + u32::from(fin);
        let end = seq.wrapping_add(len);
        if !rst && seq::gt(end, c.ep[from].nxt) {
            c.ep[from].nxt = end;
        }
        if !deliver {
            return;
        }
        // Receiver state.
        let r = &mut c.ep[to];
        if !rst {
            r.ts_recent = tsval;
        }
        if syn {
            r.rcv_nxt = end;
            return;
        }
        if len == 0 || rst {
            return;
        }
        if seq::le(seq, r.rcv_nxt) {
            if seq::gt(end, r.rcv_nxt) {
                r.rcv_nxt = end;
            }
            // Pull in out-of-order ranges the new data made contiguous.
            while let Some(pos) = r.ooo.iter().position(|&(l, _)| seq::le(l, r.rcv_nxt)) {
                let (_, right) = r.ooo.remove(pos);
                if seq::gt(right, r.rcv_nxt) {
                    r.rcv_nxt = right;
                }
            }
        } else if let Some(b) = r.ooo.iter_mut().find(|b| b.1 == seq) {
            b.1 = end;
        } else {
            r.ooo.push((seq, end));
        }
    }

    /// Builds the Ethernet/IP/TCP frame and hands it to the sink.
    #[allow(clippy::too_many_arguments)]
    fn emit_tcp(
        &mut self,
        src_mac: [u8; 6],
        dst_mac: [u8; 6],
        src: IpAddr,
        dst: IpAddr,
        ip_id: u16,
        tcp: TcpHeader,
        data: &[u8],
    ) {
        let Some(ip) = ip_headers(src, dst, ip_id, etherparse::IpNumber::TCP) else {
            return;
        };
        self.buf.clear();
        let res = PacketBuilder::ethernet2(src_mac, dst_mac)
            .ip(ip)
            .tcp_header(tcp)
            .write(&mut self.buf, data);
        self.flush_frame(res.is_ok());
    }

    /// Sends one UDP datagram from `src` to `dst` (`dst_mac` all ones for broadcast).
    pub fn udp(&mut self, src: SocketAddr, dst: SocketAddr, dst_mac: [u8; 6], data: &[u8]) {
        let src_mac = match src.ip() {
            IpAddr::V4(a) => [0x02, 0, 0, 0, 0, a.octets()[3]],
            IpAddr::V6(a) => [0x02, 0, 0, 0, 0, a.octets()[15]],
        };
        let id = self.rng.next_u64() as u16;
        let Some(ip) = ip_headers(src.ip(), dst.ip(), id, etherparse::IpNumber::UDP) else {
            return;
        };
        self.buf.clear();
        let res = PacketBuilder::ethernet2(src_mac, dst_mac)
            .ip(ip)
            .udp(src.port(), dst.port())
            .write(&mut self.buf, data);
        self.flush_frame(res.is_ok());
    }

    fn flush_frame(&mut self, built: bool) {
        if !built || self.error.is_some() || self.frames >= self.limit {
            return;
        }
        if let Err(e) = self.sink.frame(Timestamp(self.now), &self.buf) {
            self.error = Some(e);
        } else {
            self.frames += 1;
        }
        // Frames are never simultaneous: a NIC serializes them.
        self.now += 1000;
    }

    /// True once a write failed (scripts may stop early).
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }
}

/// IPv4 (DF, TTL 64) or IPv6 (hop limit 64) headers; `None` for mixed families.
fn ip_headers(src: IpAddr, dst: IpAddr, id: u16, proto: etherparse::IpNumber) -> Option<IpHeaders> {
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let mut h = Ipv4Header::new(0, 64, proto, s.octets(), d.octets()).ok()?;
            h.dont_fragment = true;
            h.identification = id;
            Some(IpHeaders::Ipv4(h, Ipv4Extensions::default()))
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let h = Ipv6Header {
                traffic_class: 0,
                flow_label: etherparse::Ipv6FlowLabel::try_new(u32::from(id)).ok()?,
                payload_length: 0,
                next_header: proto,
                hop_limit: 64,
                source: s.octets(),
                destination: d.octets(),
            };
            Some(IpHeaders::Ipv6(h, Ipv6Extensions::default()))
        }
        _ => None,
    }
}
