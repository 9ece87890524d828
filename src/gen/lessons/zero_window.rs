//! `zero-window`: a slow reader fills its receive buffer; the window closes (0), the
//! sender probes with the persist timer, and a window update reopens the flow.

use std::io;

use super::shared::{close4, pause, text_block, HALF_RTT};
use super::Scripted;
use crate::calls::CallKind;
use crate::decode::TcpFlags;
use crate::gen::socket::{Setup, Sock};
use crate::gen::synth::{Sim, C, S, SEG};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str =
    "a slow reader fills its receive buffer: window 0, probes, then a window update";

/// Small receive buffer, paused reader: zero window.
pub(super) static LESSON: Scripted = Scripted::tcp(TEACHES, synthetic, server, client)
    .reserving(|ip| Ok(Setup::small_receive_buffer(ip)?));

/// The server's receive buffer is 8 KiB and its reader sleeps; the client's 20 KB write
/// fills the window, the server advertises 0, the client probes with the persist timer
/// (200, 400, 800 ms), the reader wakes and a window update reopens the flow.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut c = sim.conn(1, 2, 7070);
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

/// The real server sleeps while the client fills its small buffer, then reads it all.
fn server(mut s: Sock) -> io::Result<()> {
    // The reader sleeps while the client fills the small buffer.
    pause(1500);
    let _ = s.recv_to_end(4096)?;
    s.close();
    Ok(())
}

/// The real client writes 40 kB, blocking while the window is closed.
fn client(mut c: Sock) -> io::Result<()> {
    pause(1);
    // Blocks until the reader drains (bounded by the socket's write timeout).
    c.send(&text_block(40_000, 4))?;
    c.close();
    Ok(())
}
