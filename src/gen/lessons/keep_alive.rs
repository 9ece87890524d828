//! `keep-alive`: `SO_KEEPALIVE` probes an idle connection with empty segments (at
//! SND.NXT-1) that the peer ACKs.

use std::io;

use super::shared::{close4, echo_round, echo_server, pause, HALF_RTT};
use super::Scripted;
use crate::calls::CallKind;
use crate::decode::TcpFlags;
use crate::gen::socket::Sock;
use crate::gen::synth::{Sim, C, S};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str =
    "SO_KEEPALIVE probes an idle connection with empty segments that the peer ACKs";

/// `SO_KEEPALIVE` with a short idle time.
pub(super) static LESSON: Scripted = Scripted::tcp(TEACHES, synthetic, echo_server, client);

/// After 1 s idle (TCP_KEEPIDLE 1, TCP_KEEPINTVL 1) the client probes three times; each
/// probe (SND.NXT-1, no data) is answered by an ACK.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut c = sim.conn(1, 2, 7070);
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

/// The real client turns keep-alive on (1 s idle, 1 s interval, 3 probes), pings, and
/// stays idle long enough for three probes.
fn client(mut c: Sock) -> io::Result<()> {
    c.setsockopt(libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1, "SO_KEEPALIVE 1")?;
    c.setsockopt(libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, 1, "TCP_KEEPIDLE 1")?;
    c.setsockopt(libc::IPPROTO_TCP, libc::TCP_KEEPINTVL, 1, "TCP_KEEPINTVL 1")?;
    c.setsockopt(libc::IPPROTO_TCP, libc::TCP_KEEPCNT, 3, "TCP_KEEPCNT 3")?;
    c.send(b"ping\n")?;
    c.recv_exact(5)?;
    // Idle: the kernel probes after 1 s, then every second (each probe is ACKed).
    pause(3500);
    c.close();
    Ok(())
}
