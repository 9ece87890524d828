//! The synthetic form of every scenario: a script of socket calls and the segments a Linux
//! stack would put on the wire for them (see [`super::synth`] for the host model).

use std::net::SocketAddr;

use super::synth::{Conn, Sim, C, S, SEG};
use super::Scenario;
use crate::calls::CallKind;
use crate::decode::TcpFlags;

/// The messages of `sticky`, `nodelay` and the four `fix-*` scenarios (the same words in
/// each, so the captures differ only by the technique).
pub const MESSAGES: [&str; 8] = [
    "hello",
    "how are you?",
    "fine, thanks",
    "what time is it?",
    "half past ten",
    "see you later",
    "bye",
    "ok",
];

/// Server port of each synthetic scenario (stable, so captures are easy to filter).
pub fn server_port(sc: Scenario) -> u16 {
    match sc {
        Scenario::Echo | Scenario::Concurrent => 7007,
        Scenario::Http => 8080,
        Scenario::FileTransfer => 9090,
        Scenario::UdpChat => 4040,
        Scenario::UdpBroadcast => 9876,
        _ => 7070,
    }
}

/// One-way delay on the synthetic LAN, µs.
const HALF_RTT: i64 = 100;

/// Runs the synthetic script of `sc` (everything but `flood`, which streams on its own).
pub fn run(sim: &mut Sim<'_>, sc: Scenario) {
    let port = server_port(sc);
    match sc {
        Scenario::Handshake => {
            let mut c = sim.conn(1, 2, port);
            sim.open(&mut c);
            sim.wait_ms(1);
            close4(sim, &mut c, C);
        }
        Scenario::Echo => {
            let mut c = sim.conn(1, 2, port);
            sim.open(&mut c);
            for i in 1..=3 {
                sim.wait_ms(2);
                echo_round(sim, &mut c, format!("echo request {i}\n").as_bytes());
            }
            sim.wait_ms(40);
            sim.pure_ack(&mut c, C);
            sim.wait_ms(5);
            close4(sim, &mut c, C);
        }
        Scenario::CloseClientFirst => {
            let mut c = sim.conn(1, 2, port);
            sim.open(&mut c);
            sim.wait_ms(1);
            echo_round(sim, &mut c, b"quit\n");
            sim.wait_ms(1);
            close4(sim, &mut c, C);
        }
        Scenario::CloseServerFirst => {
            let mut c = sim.conn(1, 2, port);
            sim.open(&mut c);
            sim.wait_ms(1);
            request(sim, &mut c, b"GET /bye HTTP/1.0\r\n\r\n");
            sim.wait_us(50);
            let body = b"HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nbye\n";
            sim.app_send(&mut c, S, body);
            sim.data(&mut c, S, body);
            sim.wait_us(10);
            close4(sim, &mut c, S);
        }
        Scenario::CloseCombined => {
            let mut c = sim.conn(1, 2, port);
            sim.open(&mut c);
            sim.wait_ms(1);
            echo_round(sim, &mut c, b"quit\n");
            sim.wait_ms(1);
            close3(sim, &mut c, C);
        }
        Scenario::CloseSimultaneous => {
            let mut c = sim.conn(1, 2, port);
            sim.open(&mut c);
            sim.wait_ms(1);
            echo_round(sim, &mut c, b"bye\n");
            sim.wait_ms(40);
            // Both applications call close() within a few µs: each FIN leaves before the
            // other arrives, so neither acknowledges the other's FIN.
            sim.call(&c, C, CallKind::Close, &[], None);
            let seq = c.ep[C].nxt;
            sim.raw(&mut c, C, seq, TcpFlags::FIN | TcpFlags::ACK, &[], false);
            sim.wait_us(5);
            sim.call(&c, S, CallKind::Close, &[], None);
            let seq = c.ep[S].nxt;
            sim.raw(&mut c, S, seq, TcpFlags::FIN | TcpFlags::ACK, &[], false);
            sim.wait_us(HALF_RTT);
            c.ep[C].rcv_nxt = c.ep[C].rcv_nxt.wrapping_add(1);
            c.ep[S].rcv_nxt = c.ep[S].rcv_nxt.wrapping_add(1);
            sim.pure_ack(&mut c, S);
            sim.wait_us(5);
            sim.pure_ack(&mut c, C);
        }
        Scenario::HalfClose => {
            let mut c = sim.conn(1, 2, port);
            sim.open(&mut c);
            sim.wait_ms(1);
            let req = b"GET report.txt\n";
            sim.app_send(&mut c, C, req);
            sim.data(&mut c, C, req);
            sim.wait_us(10);
            sim.call(&c, C, CallKind::Shutdown, &[], None);
            sim.calls.note_last("SHUT_WR");
            sim.fin(&mut c, C);
            sim.wait_us(HALF_RTT);
            sim.pure_ack(&mut c, S);
            sim.app_recv(&mut c, S, req);
            sim.app_recv(&mut c, S, b"");
            sim.wait_ms(1);
            let report = text_block(4000, 7);
            sim.write_all(&mut c, S, &report);
            sim.wait_us(HALF_RTT);
            sim.pure_ack(&mut c, C);
            for chunk in report.chunks(2048) {
                sim.app_recv(&mut c, C, chunk);
            }
            sim.wait_us(20);
            sim.call(&c, S, CallKind::Close, &[], None);
            sim.fin(&mut c, S);
            sim.wait_us(HALF_RTT);
            sim.app_recv(&mut c, C, b"");
            sim.pure_ack(&mut c, C);
            sim.call(&c, C, CallKind::Close, &[], None);
        }
        Scenario::RstAbort => {
            let mut c = sim.conn(1, 2, port);
            sim.open(&mut c);
            sim.wait_ms(1);
            echo_round(sim, &mut c, b"about to abort\n");
            sim.wait_ms(1);
            sim.call(&c, C, CallKind::Setsockopt, &[], None);
            sim.calls.note_last("SO_LINGER {l_onoff: 1, l_linger: 0}");
            sim.call(&c, C, CallKind::Close, &[], None);
            sim.rst(&mut c, C);
            sim.wait_us(HALF_RTT);
            sim.app_recv(&mut c, S, b"");
            sim.calls.fail_last("ECONNRESET");
            sim.call(&c, S, CallKind::Close, &[], None);
        }
        Scenario::Refused => {
            let mut c = sim.conn(1, 2, port);
            sim.syn(&mut c);
            sim.wait_us(HALF_RTT);
            c.ep[S].win = 0;
            sim.raw(&mut c, S, 0, TcpFlags::RST | TcpFlags::ACK, &[], true);
            sim.wait_us(HALF_RTT);
            sim.call(&c, C, CallKind::Connect, &[], None);
            sim.calls.fail_last("ECONNREFUSED");
            sim.call(&c, C, CallKind::Close, &[], None);
        }
        Scenario::Sticky => sticky_family(sim, port, Framing::Plain, 45, false),
        Scenario::Nodelay => sticky_family(sim, port, Framing::Plain, 45, true),
        Scenario::FixLengthPrefix => sticky_family(sim, port, Framing::LengthPrefix, 45, false),
        Scenario::FixDelimiter => sticky_family(sim, port, Framing::Delimiter, 45, false),
        Scenario::FixDelay => sticky_family(sim, port, Framing::Plain, 50_000, false),
        Scenario::FixAck => fix_ack(sim, port),
        Scenario::Split => {
            let mut c = sim.conn(1, 2, port);
            sim.open(&mut c);
            sim.wait_ms(1);
            let msg = text_block(20_000, 3);
            transfer(sim, &mut c, C, &msg, &[]);
            for chunk in msg.chunks(4096) {
                sim.app_recv(&mut c, S, chunk);
            }
            sim.wait_ms(1);
            close4(sim, &mut c, C);
        }
        Scenario::FileTransfer => file_transfer(sim, port),
        Scenario::Http => http(sim, port),
        Scenario::Concurrent => concurrent(sim, port, 3),
        Scenario::UdpChat => udp_chat(sim, port),
        Scenario::UdpBroadcast => udp_broadcast(sim, port),
        Scenario::ZeroWindow => zero_window(sim, port),
        Scenario::KeepAlive => keep_alive(sim, port),
        Scenario::Loss => {
            let mut c = sim.conn(1, 2, port);
            sim.open(&mut c);
            sim.wait_ms(1);
            let msg = text_block(30_000, 11);
            transfer(sim, &mut c, C, &msg, &[3, 20]);
            for chunk in msg.chunks(8192) {
                sim.app_recv(&mut c, S, chunk);
            }
            sim.wait_ms(1);
            close4(sim, &mut c, C);
        }
        Scenario::Reorder => reorder(sim, port),
        Scenario::Demo => demo(sim),
        Scenario::Flood => {
            // Streams on its own (see `flood`); a small default here keeps `run` total.
            super::flood::flood(sim, 4, 200, 1);
        }
    }
}

/// Client sends `req`, server echoes it (the echo carries the ACK), client reads it.
fn echo_round(sim: &mut Sim<'_>, c: &mut Conn, req: &[u8]) {
    request(sim, c, req);
    sim.wait_us(30);
    sim.app_send(c, S, req);
    sim.data(c, S, req);
    sim.wait_us(HALF_RTT);
    sim.app_recv(c, C, req);
}

/// Client sends `req`, server reads it (no reply yet).
fn request(sim: &mut Sim<'_>, c: &mut Conn, req: &[u8]) {
    sim.app_send(c, C, req);
    sim.data(c, C, req);
    sim.wait_us(HALF_RTT);
    sim.app_recv(c, S, req);
}

/// Four-way close started by `first`: FIN, ACK, (the peer reads EOF, closes) FIN, ACK.
pub fn close4(sim: &mut Sim<'_>, c: &mut Conn, first: usize) {
    let other = 1 - first;
    sim.call(c, first, CallKind::Close, &[], None);
    sim.fin(c, first);
    sim.wait_us(HALF_RTT);
    sim.pure_ack(c, other);
    sim.app_recv(c, other, b"");
    sim.wait_ms(1);
    sim.call(c, other, CallKind::Close, &[], None);
    sim.fin(c, other);
    sim.wait_us(HALF_RTT);
    sim.pure_ack(c, first);
}

/// Three-segment close: the peer closes as soon as it reads EOF, inside the delayed-ACK
/// time, so its ACK rides on its FIN.
fn close3(sim: &mut Sim<'_>, c: &mut Conn, first: usize) {
    let other = 1 - first;
    sim.call(c, first, CallKind::Close, &[], None);
    sim.fin(c, first);
    sim.wait_us(HALF_RTT);
    sim.app_recv(c, other, b"");
    sim.wait_us(15);
    sim.call(c, other, CallKind::Close, &[], None);
    sim.fin(c, other);
    sim.wait_us(HALF_RTT);
    sim.pure_ack(c, first);
}

/// Deterministic printable text of `len` bytes (lines of words), so payloads are readable.
pub fn text_block(len: usize, salt: usize) -> Vec<u8> {
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
pub fn transfer(sim: &mut Sim<'_>, c: &mut Conn, from: usize, data: &[u8], lose: &[usize]) {
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

/// How the sticky-family scenarios frame their messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// Raw bytes: the receiver cannot tell where one message ends.
    Plain,
    /// A 4-byte big-endian length before each message.
    LengthPrefix,
    /// A newline after each message.
    Delimiter,
}

/// The bytes one message becomes on the wire under `framing`.
fn frame_message(m: &str, framing: Framing) -> Vec<u8> {
    match framing {
        Framing::Plain => m.as_bytes().to_vec(),
        Framing::LengthPrefix => {
            let mut v = (m.len() as u32).to_be_bytes().to_vec();
            v.extend_from_slice(m.as_bytes());
            v
        }
        Framing::Delimiter => {
            let mut v = m.as_bytes().to_vec();
            v.push(b'\n');
            v
        }
    }
}

/// `sticky`, `nodelay`, `fix-length-prefix`, `fix-delimiter`, `fix-delay`: the client sends
/// [`MESSAGES`] one `send()` each, `gap_us` apart; with Nagle a small segment waits while an
/// earlier one is unacknowledged, so sends made meanwhile leave together. The server reads
/// after 50 ms (a slow reader) and gets whatever has arrived.
fn sticky_family(sim: &mut Sim<'_>, port: u16, framing: Framing, gap_us: i64, nodelay: bool) {
    let mut c = sim.conn(1, 2, port);
    sim.open(&mut c);
    if nodelay {
        sim.call(&c, C, CallKind::Setsockopt, &[], None);
        sim.calls.note_last("TCP_NODELAY 1");
    }
    sim.wait_ms(1);
    let rtt_ns = 2 * HALF_RTT * 1000;
    let mut queue: Vec<u8> = Vec::new();
    let mut ack_due: Option<i64> = None;
    let start = sim.now;
    let flush = |sim: &mut Sim<'_>, c: &mut Conn, queue: &mut Vec<u8>| {
        for chunk in queue.chunks(SEG) {
            sim.data(c, C, chunk);
        }
        queue.clear();
    };
    for (i, m) in MESSAGES.iter().enumerate() {
        let t = start + i as i64 * gap_us * 1000;
        while let Some(due) = ack_due.filter(|&d| d <= t) {
            sim.now = sim.now.max(due);
            sim.pure_ack(&mut c, S);
            ack_due = None;
            if !queue.is_empty() {
                sim.wait_us(5);
                flush(sim, &mut c, &mut queue);
                ack_due = Some(sim.now + rtt_ns);
            }
        }
        sim.now = sim.now.max(t);
        let bytes = frame_message(m, framing);
        sim.app_send(&mut c, C, &bytes);
        queue.extend_from_slice(&bytes);
        if nodelay || ack_due.is_none() {
            flush(sim, &mut c, &mut queue);
            ack_due = Some(sim.now + rtt_ns);
        }
    }
    while let Some(due) = ack_due {
        sim.now = sim.now.max(due);
        sim.pure_ack(&mut c, S);
        ack_due = None;
        if !queue.is_empty() {
            sim.wait_us(5);
            flush(sim, &mut c, &mut queue);
            ack_due = Some(sim.now + rtt_ns);
        }
    }
    // The slow reader wakes up.
    sim.now = sim.now.max(start + 50_000_000);
    let total: Vec<u8> = MESSAGES
        .iter()
        .flat_map(|m| frame_message(m, framing))
        .collect();
    match framing {
        Framing::Plain => {
            if gap_us >= 50_000 {
                // fix-delay: the reader keeps up, each recv() gets one message.
                for m in MESSAGES {
                    sim.app_recv(&mut c, S, m.as_bytes());
                }
            } else {
                // One recv(1024) returns every message glued together.
                sim.app_recv(&mut c, S, &total);
            }
        }
        Framing::LengthPrefix => {
            for m in MESSAGES {
                sim.app_recv(&mut c, S, &(m.len() as u32).to_be_bytes());
                sim.app_recv(&mut c, S, m.as_bytes());
            }
        }
        Framing::Delimiter => {
            // A buffered reader: one recv() fills the buffer, the lines are cut from it.
            sim.app_recv(&mut c, S, &total);
            sim.calls.note_last(&format!(
                "split at newlines into {} messages",
                MESSAGES.len()
            ));
        }
    }
    sim.wait_ms(1);
    close4(sim, &mut c, C);
}

/// `fix-ack`: each message waits for the server's "ok\n" before the next is sent.
fn fix_ack(sim: &mut Sim<'_>, port: u16) {
    let mut c = sim.conn(1, 2, port);
    sim.open(&mut c);
    sim.wait_ms(1);
    for m in MESSAGES {
        request(sim, &mut c, m.as_bytes());
        sim.wait_us(20);
        sim.app_send(&mut c, S, b"ok\n");
        sim.data(&mut c, S, b"ok\n");
        sim.wait_us(HALF_RTT);
        sim.app_recv(&mut c, C, b"ok\n");
        sim.wait_us(30);
    }
    sim.wait_ms(40);
    sim.pure_ack(&mut c, C);
    sim.wait_ms(1);
    close4(sim, &mut c, C);
}

/// A length-prefixed frame.
fn lp(body: &[u8]) -> Vec<u8> {
    let mut v = (body.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(body);
    v
}

/// `file-transfer`: LIST, GET, PUT over one connection, each message length-prefixed.
fn file_transfer(sim: &mut Sim<'_>, port: u16) {
    let mut c = sim.conn(1, 2, port);
    sim.open(&mut c);
    sim.wait_ms(1);
    let file_b = text_block(5000, 5);
    let file_c = text_block(3000, 9);
    // LIST
    request(sim, &mut c, &lp(b"LIST"));
    sim.wait_us(200);
    let listing = lp(b"notes.txt 1200\nreport.txt 5000\n");
    sim.write_all(&mut c, S, &listing);
    sim.wait_us(HALF_RTT);
    sim.app_recv(&mut c, C, &listing);
    sim.wait_ms(2);
    // GET
    request(sim, &mut c, &lp(b"GET report.txt"));
    sim.wait_us(200);
    let head = lp(b"OK 5000");
    sim.app_send(&mut c, S, &head);
    sim.data(&mut c, S, &head);
    sim.wait_us(5);
    transfer(sim, &mut c, S, &lp(&file_b), &[]);
    sim.app_recv(&mut c, C, &head);
    sim.app_recv(&mut c, C, &lp(&file_b));
    sim.wait_ms(2);
    // PUT
    let mut put = lp(b"PUT upload.txt");
    put.extend_from_slice(&lp(&file_c));
    transfer(sim, &mut c, C, &put, &[]);
    sim.app_recv(&mut c, S, &put);
    sim.wait_us(300);
    let ok = lp(b"OK stored 3000 bytes");
    sim.app_send(&mut c, S, &ok);
    sim.data(&mut c, S, &ok);
    sim.wait_us(HALF_RTT);
    sim.app_recv(&mut c, C, &ok);
    sim.wait_ms(1);
    close4(sim, &mut c, C);
}

/// An HTTP response with a body of `len` bytes.
fn http_response(len: usize, salt: usize) -> Vec<u8> {
    let mut v = format!(
        "HTTP/1.1 200 OK\r\nServer: synack-gen\r\nContent-Type: text/plain\r\nContent-Length: {len}\r\n\r\n"
    )
    .into_bytes();
    v.extend_from_slice(&text_block(len, salt));
    v
}

/// `http`: two requests on one keep-alive connection, then a pipelined pair in one send.
fn http(sim: &mut Sim<'_>, port: u16) {
    let mut c = sim.conn(1, 2, port);
    sim.open(&mut c);
    sim.wait_ms(1);
    for (path, len) in [("/index.html", 2400usize), ("/style.css", 600)] {
        let req =
            format!("GET {path} HTTP/1.1\r\nHost: 10.0.0.2:8080\r\nUser-Agent: synack-gen\r\n\r\n");
        request(sim, &mut c, req.as_bytes());
        sim.wait_us(300);
        let resp = http_response(len, len);
        sim.write_all(&mut c, S, &resp);
        sim.wait_us(HALF_RTT);
        sim.pure_ack(&mut c, C);
        sim.app_recv(&mut c, C, &resp);
        sim.wait_ms(20);
    }
    let pair = b"GET /a.txt HTTP/1.1\r\nHost: 10.0.0.2:8080\r\n\r\nGET /b.txt HTTP/1.1\r\nHost: 10.0.0.2:8080\r\nConnection: close\r\n\r\n";
    request(sim, &mut c, pair);
    sim.wait_us(300);
    let mut both = http_response(40, 1);
    both.extend_from_slice(&http_response(50, 2));
    sim.write_all(&mut c, S, &both);
    sim.wait_us(HALF_RTT);
    sim.app_recv(&mut c, C, &both);
    sim.wait_us(10);
    // "Connection: close": the server closes after the last response.
    close4(sim, &mut c, S);
}

/// `concurrent`: `n` clients connect at once; the threads' segments interleave.
fn concurrent(sim: &mut Sim<'_>, port: u16, n: usize) {
    let mut conns: Vec<Conn> = (0..n)
        .map(|i| {
            let mut c = sim.conn(1, 2, port);
            c.actors[C] = format!("client{}", i + 1);
            c.actors[S] = format!("server-thread{}", i + 1);
            c
        })
        .collect();
    for c in conns.iter_mut() {
        sim.syn(c);
        sim.wait_us(20);
    }
    for c in conns.iter_mut() {
        sim.syn_ack(c);
        sim.wait_us(20);
    }
    for c in conns.iter_mut() {
        sim.pure_ack(c, C);
        sim.call(c, C, CallKind::Connect, &[], None);
        sim.wait_us(20);
    }
    for c in conns.iter_mut() {
        sim.call(c, S, CallKind::Accept, &[], None);
        sim.wait_us(5);
    }
    for round in 1..=2 {
        for (i, c) in conns.iter_mut().enumerate() {
            let m = format!("client {} says hello #{round}\n", i + 1);
            sim.app_send(c, C, m.as_bytes());
            sim.data(c, C, m.as_bytes());
            sim.wait_us(30);
        }
        for c in conns.iter_mut() {
            let m = last_sent(sim, c);
            sim.app_recv(c, S, &m);
            sim.app_send(c, S, &m);
            sim.data(c, S, &m);
            sim.wait_us(30);
        }
        for c in conns.iter_mut() {
            let m = last_sent(sim, c);
            sim.app_recv(c, C, &m);
        }
        sim.wait_ms(5);
    }
    for c in conns.iter_mut() {
        close4(sim, c, C);
        sim.wait_us(50);
    }
}

/// The data of the client's last recorded `send` on `c`.
fn last_sent(sim: &Sim<'_>, c: &Conn) -> Vec<u8> {
    sim.calls
        .calls
        .iter()
        .rev()
        .find(|k| k.conn == c.id && k.call == CallKind::Send && k.actor == c.actors[C])
        .and_then(|k| k.data.clone())
        .map(String::into_bytes)
        .unwrap_or_default()
}

/// The `udp-chat` conversation, shared by the live and synthetic runs so both send the
/// same datagrams: (sent by alice, text).
pub(crate) const UDP_CHAT_LINES: [(bool, &str); 6] = [
    (true, "alice: hi bob"),
    (false, "bob: hi alice"),
    (true, "alice: two messages"),
    (true, "alice: sent back to back"),
    (false, "bob: and I got two datagrams"),
    (true, "alice: bye"),
];

/// `udp-chat`: two peers exchange datagrams; two quick sends stay two datagrams.
fn udp_chat(sim: &mut Sim<'_>, port: u16) {
    let alice = SocketAddr::new(sim.host(1), port);
    let bob = SocketAddr::new(sim.host(2), port + 1);
    let lines = UDP_CHAT_LINES;
    for (from_alice, text) in lines {
        let (src, dst, sa, ra) = if from_alice {
            (alice, bob, "alice", "bob")
        } else {
            (bob, alice, "bob", "alice")
        };
        udp_call(sim, sa, CallKind::Sendto, src, dst, text.as_bytes());
        sim.udp(src, dst, mac_of(dst), text.as_bytes());
        sim.wait_us(HALF_RTT);
        udp_call(sim, ra, CallKind::Recvfrom, dst, src, text.as_bytes());
        sim.wait_ms(if from_alice { 1 } else { 300 });
    }
}

/// `udp-broadcast`: one sender announces itself three times; two hosts receive each.
fn udp_broadcast(sim: &mut Sim<'_>, port: u16) {
    let src = SocketAddr::new(sim.host(1), 40000);
    let (dst, mac) = if sim.ipv6 {
        // IPv6 has no broadcast: the all-nodes multicast group plays its role.
        (
            SocketAddr::new("ff02::1".parse().unwrap_or(sim.host(255)), port),
            [0x33, 0x33, 0, 0, 0, 1],
        )
    } else {
        (SocketAddr::new([10, 0, 0, 255].into(), port), [0xff; 6])
    };
    if sim.record_calls {
        udp_call(sim, "announcer", CallKind::Setsockopt, src, dst, &[]);
        sim.calls.note_last("SO_BROADCAST 1");
    }
    for i in 1..=3 {
        let text = format!("announce #{i}: file server at 10.0.0.1:9090");
        udp_call(
            sim,
            "announcer",
            CallKind::Sendto,
            src,
            dst,
            text.as_bytes(),
        );
        sim.udp(src, dst, mac, text.as_bytes());
        sim.wait_us(HALF_RTT);
        for host in [2u8, 3] {
            let local = SocketAddr::new(sim.host(host), port);
            udp_call(
                sim,
                &format!("listener{}", host - 1),
                CallKind::Recvfrom,
                local,
                src,
                text.as_bytes(),
            );
        }
        sim.wait_ms(500);
    }
}

fn udp_call(
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

fn mac_of(a: SocketAddr) -> [u8; 6] {
    match a.ip() {
        std::net::IpAddr::V4(v) => [2, 0, 0, 0, 0, v.octets()[3]],
        std::net::IpAddr::V6(v) => [2, 0, 0, 0, 0, v.octets()[15]],
    }
}

/// `zero-window`: the server's receive buffer is 8 KiB and its reader sleeps; the client's
/// 20 KB write fills the window, the server advertises 0, the client probes with the
/// persist timer (200, 400, 800 ms), the reader wakes and a window update reopens the flow.
fn zero_window(sim: &mut Sim<'_>, port: u16) {
    let mut c = sim.conn(1, 2, port);
    const BUF: u32 = 8192;
    sim.call(&c, S, CallKind::Setsockopt, &[], None);
    sim.calls.note_last("SO_RCVBUF 8192 (before listen)");
    c.ep[S].win = BUF;
    c.ep[S].wscale = 0;
    sim.open(&mut c);
    sim.wait_ms(1);
    let data = text_block(20_000, 4);
    sim.app_send(&mut c, C, &data);
    let mut off = 0usize;
    let mut buffered: u32 = 0;
    let mut segs_since_ack = 0;
    // Fill the window.
    while buffered < BUF && off < data.len() {
        let room = (BUF - buffered) as usize;
        let n = SEG.min(room).min(data.len() - off);
        sim.data_more(&mut c, C, &data[off..off + n]);
        off += n;
        buffered += n as u32;
        segs_since_ack += 1;
        sim.wait_us(12);
        if segs_since_ack == 2 || buffered >= BUF {
            c.ep[S].win = BUF - buffered;
            sim.wait_us(HALF_RTT / 2);
            sim.pure_ack(&mut c, S);
            segs_since_ack = 0;
        }
    }
    // Persist timer: window probes (Linux sends SND.UNA-1 with no data), each answered by
    // an ACK that still says window 0.
    let mut backoff = 200;
    for _ in 0..3 {
        sim.wait_ms(backoff);
        let seq = c.ep[C].nxt.wrapping_sub(1);
        sim.raw(&mut c, C, seq, TcpFlags::ACK, &[], true);
        sim.wait_us(HALF_RTT);
        sim.pure_ack(&mut c, S);
        backoff *= 2;
    }
    // The reader wakes and drains the buffer: a window update.
    sim.wait_ms(100);
    let first = buffered as usize;
    for chunk in data[..first].chunks(4096) {
        sim.app_recv(&mut c, S, chunk);
    }
    c.ep[S].win = BUF;
    sim.pure_ack(&mut c, S);
    sim.wait_us(HALF_RTT);
    // The rest flows; the reader keeps up now.
    while off < data.len() {
        let n = SEG.min(data.len() - off);
        let end = off + n == data.len();
        if end {
            sim.data(&mut c, C, &data[off..off + n]);
        } else {
            sim.data_more(&mut c, C, &data[off..off + n]);
        }
        sim.wait_us(12);
        off += n;
        if (off / SEG).is_multiple_of(2) || end {
            sim.wait_us(HALF_RTT / 2);
            sim.pure_ack(&mut c, S);
        }
    }
    for chunk in data[first..].chunks(4096) {
        sim.app_recv(&mut c, S, chunk);
    }
    sim.wait_ms(1);
    close4(sim, &mut c, C);
}

/// `keep-alive`: after 1 s idle (TCP_KEEPIDLE 1, TCP_KEEPINTVL 1) the client probes three
/// times; each probe (SND.NXT-1, no data) is answered by an ACK.
fn keep_alive(sim: &mut Sim<'_>, port: u16) {
    let mut c = sim.conn(1, 2, port);
    sim.open(&mut c);
    sim.call(&c, C, CallKind::Setsockopt, &[], None);
    sim.calls
        .note_last("SO_KEEPALIVE 1, TCP_KEEPIDLE 1, TCP_KEEPINTVL 1, TCP_KEEPCNT 3");
    sim.wait_ms(1);
    echo_round(sim, &mut c, b"ping\n");
    sim.wait_ms(40);
    sim.pure_ack(&mut c, C);
    for _ in 0..3 {
        sim.wait_ms(1000);
        let seq = c.ep[C].nxt.wrapping_sub(1);
        sim.raw(&mut c, C, seq, TcpFlags::ACK, &[], true);
        sim.wait_us(HALF_RTT);
        sim.pure_ack(&mut c, S);
    }
    sim.wait_ms(100);
    close4(sim, &mut c, C);
}

/// `reorder`: captured at the receiver; the fourth segment is delayed on the path and
/// arrives after the fifth.
fn reorder(sim: &mut Sim<'_>, port: u16) {
    let mut c = sim.conn(1, 2, port);
    sim.open(&mut c);
    sim.wait_ms(1);
    let data = text_block(8 * SEG, 2);
    sim.app_send(&mut c, C, &data);
    let segs: Vec<&[u8]> = data.chunks(SEG).collect();
    let base = c.ep[C].nxt;
    for i in 0..segs.len() {
        if i == 3 {
            // Segment 4 takes the slow path: it is sent now but arrives after segment 5.
            continue;
        }
        let seq = base.wrapping_add((i * SEG) as u32);
        sim.raw(&mut c, C, seq, TcpFlags::ACK, segs[i], true);
        sim.wait_us(12);
        if i == 4 {
            // Out-of-order arrival: an immediate duplicate ACK with a SACK block.
            sim.pure_ack(&mut c, S);
            sim.wait_us(30);
            let seq3 = base.wrapping_add((3 * SEG) as u32);
            sim.raw(&mut c, C, seq3, TcpFlags::ACK, segs[3], true);
            sim.wait_us(5);
            // The hole is filled: one cumulative ACK covers both.
            sim.pure_ack(&mut c, S);
        } else if i % 2 == 1 || i + 1 == segs.len() {
            sim.pure_ack(&mut c, S);
        }
    }
    c.ep[C].nxt = base.wrapping_add(data.len() as u32);
    for chunk in data.chunks(4096) {
        sim.app_recv(&mut c, S, chunk);
    }
    sim.wait_ms(1);
    close4(sim, &mut c, C);
}

/// The built-in demo: one connection with a handshake, an echo, a sticky burst, a lossy
/// transfer and a four-way close; then an aborted (RST) connection and a refused one.
fn demo(sim: &mut Sim<'_>) {
    let mut c = sim.conn(1, 2, 7070);
    sim.open(&mut c);
    sim.wait_ms(1);
    echo_round(sim, &mut c, b"hello, synack\n");
    sim.wait_ms(2);
    // A sticky burst: the first send leaves alone, the next four wait for its ACK (Nagle).
    let burst = ["msg-1;", "msg-2;", "msg-3;", "msg-4;", "msg-5;"];
    sim.app_send(&mut c, C, burst[0].as_bytes());
    sim.data(&mut c, C, burst[0].as_bytes());
    let mut glued = Vec::new();
    for m in &burst[1..] {
        sim.wait_us(20);
        sim.app_send(&mut c, C, m.as_bytes());
        glued.extend_from_slice(m.as_bytes());
    }
    sim.wait_us(HALF_RTT);
    sim.pure_ack(&mut c, S);
    sim.wait_us(HALF_RTT);
    sim.data(&mut c, C, &glued);
    sim.wait_us(2 * HALF_RTT);
    sim.pure_ack(&mut c, S);
    let all: Vec<u8> = burst.iter().flat_map(|m| m.bytes()).collect();
    sim.app_recv(&mut c, S, &all);
    sim.wait_ms(5);
    let big = text_block(12 * SEG, 8);
    transfer(sim, &mut c, C, &big, &[2, 11]);
    sim.app_recv(&mut c, S, &big);
    sim.wait_ms(2);
    close4(sim, &mut c, C);
    sim.wait_ms(10);
    // A second client aborts its connection (SO_LINGER 0): RST instead of FIN.
    let mut a = sim.conn(1, 2, 7070);
    sim.open(&mut a);
    sim.wait_ms(1);
    echo_round(sim, &mut a, b"abort me\n");
    sim.wait_ms(1);
    sim.call(&a, C, CallKind::Close, &[], None);
    sim.calls.note_last("SO_LINGER 0: abort");
    sim.rst(&mut a, C);
    sim.wait_ms(10);
    let mut r = sim.conn(1, 2, 7071);
    sim.syn(&mut r);
    sim.wait_us(HALF_RTT);
    r.ep[S].win = 0;
    sim.raw(&mut r, S, 0, TcpFlags::RST | TcpFlags::ACK, &[], true);
    sim.call(&r, C, CallKind::Connect, &[], None);
    sim.calls.fail_last("ECONNREFUSED");
}
