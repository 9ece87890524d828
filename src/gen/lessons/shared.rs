//! Pieces several lessons share: synthetic exchanges (a request, an echo round, the closes,
//! a bulk transfer with loss), live server and client steps, and payloads.

use std::io;
use std::net::SocketAddr;
use std::thread;
use std::time::Duration;

use crate::calls::CallKind;
use crate::decode::TcpFlags;
use crate::gen::socket::Sock;
use crate::gen::synth::{Conn, Sim, C, S, SEG};

/// One-way delay on the synthetic LAN, µs.
pub(super) const HALF_RTT: i64 = 100;

/// A connection from host 1 to host 2's `port`, opened (handshake, `connect`, `accept`),
/// 1 ms before the first data: how most synthetic lessons begin.
pub(super) fn opened(sim: &mut Sim<'_>, port: u16) -> Conn {
    let mut c = sim.conn(1, 2, port);
    sim.open(&mut c);
    sim.wait_ms(1);
    c
}

/// One `send()` by `from` that leaves at once as one PSH segment.
pub(super) fn send_one(sim: &mut Sim<'_>, c: &mut Conn, from: usize, data: &[u8]) {
    sim.app_send(c, from, data);
    sim.data(c, from, data);
}

/// Client sends `req`, server echoes it (the echo carries the ACK), client reads it.
pub(super) fn echo_round(sim: &mut Sim<'_>, c: &mut Conn, req: &[u8]) {
    request(sim, c, req);
    sim.wait_us(30);
    send_one(sim, c, S, req);
    sim.wait_us(HALF_RTT);
    sim.app_recv(c, C, req);
}

/// Client sends `req`, server reads it (no reply yet).
pub(super) fn request(sim: &mut Sim<'_>, c: &mut Conn, req: &[u8]) {
    send_one(sim, c, C, req);
    sim.wait_us(HALF_RTT);
    sim.app_recv(c, S, req);
}

/// Four-way close started by `first`: FIN, ACK, (the peer reads EOF, closes) FIN, ACK.
pub(super) fn close4(sim: &mut Sim<'_>, c: &mut Conn, first: usize) {
    close(sim, c, first, true);
}

/// Three-segment close: the peer closes as soon as it reads EOF, inside the delayed-ACK
/// time, so its ACK rides on its FIN.
pub(super) fn close3(sim: &mut Sim<'_>, c: &mut Conn, first: usize) {
    close(sim, c, first, false);
}

/// `first` closes; the peer reads end of stream and closes too, 1 ms later after ACKing
/// the FIN alone (`ack_alone`), or 15 µs later with the ACK on its own FIN.
fn close(sim: &mut Sim<'_>, c: &mut Conn, first: usize, ack_alone: bool) {
    let other = 1 - first;
    sim.call(c, first, CallKind::Close, &[], None);
    sim.fin(c, first);
    sim.wait_us(HALF_RTT);
    if ack_alone {
        sim.pure_ack(c, other);
    }
    sim.app_recv(c, other, b"");
    if ack_alone {
        sim.wait_ms(1);
    } else {
        sim.wait_us(15);
    }
    sim.call(c, other, CallKind::Close, &[], None);
    sim.fin(c, other);
    sim.wait_us(HALF_RTT);
    sim.pure_ack(c, first);
}

/// Deterministic printable text of `len` bytes (lines of words), so payloads are readable.
pub(super) fn text_block(len: usize, salt: usize) -> Vec<u8> {
    const WORDS: [&str; 12] = [
        "tcp", "segment", "window", "ack", "byte", "stream", "socket", "kernel", "buffer",
        "packet", "wire", "lesson",
    ];
    let mut out = Vec::with_capacity(len + 16);
    let mut i = salt;
    let mut col = 0;
    while out.len() < len {
        let w = WORDS[i % WORDS.len()];
        out.extend_from_slice(w.as_bytes());
        col += w.len() + 1;
        if col > 60 {
            out.push(b'\n');
            col = 0;
        } else {
            out.push(b' ');
        }
        i = i.wrapping_mul(7).wrapping_add(3);
    }
    out.truncate(len);
    out
}

/// Sends `data` from `from` as one `send()` with an initial window of 10 segments; the
/// receiver ACKs every second segment. Segments whose index is in `lose` are lost the first
/// time: a loss with three segments behind it is repaired by fast retransmission after three
/// duplicate ACKs, a loss at the tail by a retransmission timeout (200 ms, Linux's minimum).
pub(super) fn transfer(sim: &mut Sim<'_>, c: &mut Conn, from: usize, data: &[u8], lose: &[usize]) {
    let to = 1 - from;
    sim.app_send(c, from, data);
    let segs: Vec<&[u8]> = data.chunks(SEG).collect();
    let base = c.ep[from].nxt;
    let seq_of = |i: usize| base.wrapping_add((i * SEG) as u32);
    let mut pending: Vec<usize> = Vec::new();
    let mut cwnd = 10usize;
    let mut next = 0usize;
    while next < segs.len() {
        let end = (next + cwnd).min(segs.len());
        let mut since_ack = 0;
        let mut dups = 0;
        let mut last_ack = c.ep[to].rcv_nxt;
        for i in next..end {
            let last = i + 1 == segs.len();
            if lose.contains(&i) {
                if last {
                    sim.data_lost(c, from, segs[i]);
                } else {
                    let seq = c.ep[from].nxt;
                    sim.raw(c, from, seq, TcpFlags::ACK, segs[i], false);
                }
                pending.push(i);
                sim.wait_us(12);
                continue;
            }
            if last {
                sim.data(c, from, segs[i]);
            } else {
                sim.data_more(c, from, segs[i]);
            }
            sim.wait_us(12);
            if !c.ep[to].ooo.is_empty() {
                // Out-of-order arrival: an immediate duplicate ACK carrying SACK.
                sim.wait_us(HALF_RTT / 4);
                if c.ep[to].rcv_nxt == last_ack {
                    dups += 1;
                }
                last_ack = c.ep[to].rcv_nxt;
                sim.pure_ack(c, to);
                if dups == 3 {
                    let hole = c.ep[to].rcv_nxt;
                    if let Some(pos) = pending.iter().position(|&h| seq_of(h) == hole) {
                        let h = pending.remove(pos);
                        sim.wait_us(HALF_RTT / 4);
                        sim.resend(c, from, seq_of(h), segs[h]);
                        sim.wait_us(HALF_RTT);
                        sim.pure_ack(c, to);
                        last_ack = c.ep[to].rcv_nxt;
                        cwnd = (cwnd / 2).max(4);
                        dups = 0;
                    }
                }
            } else {
                since_ack += 1;
                if since_ack == 2 || last || i + 1 == end {
                    sim.wait_us(HALF_RTT / 4);
                    last_ack = c.ep[to].rcv_nxt;
                    sim.pure_ack(c, to);
                    since_ack = 0;
                }
            }
        }
        next = end;
        sim.wait_us(HALF_RTT);
        // Holes the duplicate ACKs could not repair: the retransmission timer fires.
        while let Some(pos) = pending.iter().position(|&h| seq_of(h) == c.ep[to].rcv_nxt) {
            let h = pending.remove(pos);
            sim.wait_ms(200);
            sim.resend(c, from, seq_of(h), segs[h]);
            sim.wait_us(HALF_RTT);
            sim.pure_ack(c, to);
            cwnd = 4;
        }
        cwnd = (cwnd + 4).min(20);
    }
}

/// Records a UDP call of the synthetic run (UDP calls have no connection: `conn` 0).
pub(super) fn udp_call(
    sim: &mut Sim<'_>,
    actor: &str,
    kind: CallKind,
    local: SocketAddr,
    remote: SocketAddr,
    data: &[u8],
) {
    if sim.record_calls {
        sim.calls
            .push(sim.now, actor, 0, kind, local, remote, data, None);
    }
}

/// A length-prefixed frame: a 4-byte big-endian length, then `body`.
pub(super) fn length_prefixed(body: &[u8]) -> Vec<u8> {
    let mut v = (body.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(body);
    v
}

/// Reads one length-prefixed frame (live).
pub(super) fn read_length_prefixed(s: &mut Sock) -> io::Result<Vec<u8>> {
    let h = s.recv_exact(4)?;
    let n = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
    if n > 1 << 20 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "frame too large",
        ));
    }
    s.recv_exact(n)
}

/// Echoes what arrives until the peer's end of stream (live).
pub(super) fn echo_until_eof(s: &mut Sock) -> io::Result<()> {
    loop {
        let m = s.recv(1024)?;
        if m.is_empty() {
            return Ok(());
        }
        s.send(&m)?;
    }
}

/// The real echo server: echoes until end of stream, then closes.
pub(super) fn echo_server(mut s: Sock) -> io::Result<()> {
    echo_until_eof(&mut s)?;
    s.close();
    Ok(())
}

/// Sleeps `n` ms in a live script (the pauses that shape what the kernel sends).
pub(super) fn pause(n: u64) {
    thread::sleep(Duration::from_millis(n));
}

/// Real lessons comparing one transfer under several settings: connection `n` (1-based)
/// sends `bytes` after `setup(n, its socket)` sets what it compares, then closes; the
/// server reads each to its end. One connection after the other, a pause between them
/// keeping their segments apart on the wire.
pub(super) fn transfers_in_turn(
    stage: &super::Stage,
    connections: u32,
    bytes: usize,
    setup: &(dyn Fn(u32, &Sock) -> io::Result<()> + Sync),
) -> anyhow::Result<()> {
    let l = stage.listener()?;
    let rec = &stage.rec;
    for conn in 1..=connections {
        thread::scope(|scope| -> anyhow::Result<()> {
            let server =
                scope.spawn(move || super::split::reader(Sock::accept(l, "server", conn, rec)?));
            let client = Sock::connect(stage.server, "client", conn, rec).and_then(|c| {
                setup(conn, &c)?;
                super::split::send_and_close(c, text_block(bytes, conn as usize))
            });
            let s = super::join(server);
            client?;
            s?;
            Ok(())
        })?;
        pause(50);
    }
    Ok(())
}
