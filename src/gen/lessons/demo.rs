//! `demo`: the built-in demo capture (what `synack` with no arguments shows): one
//! connection with a handshake, an echo, a sticky burst, a lossy transfer and a four-way
//! close; then an aborted (RST) connection and a refused one. Synthetic only.

use super::shared::{close4, echo_round, text_block, transfer, HALF_RTT};
use super::Scripted;
use crate::calls::CallKind;
use crate::decode::TcpFlags;
use crate::gen::synth::{Sim, C, S, SEG};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str =
    "the built-in demo: handshake, data, a sticky burst, loss and a teardown in one capture";

/// The built-in demo.
pub(super) static LESSON: Scripted = Scripted::synthetic_only(TEACHES, synthetic);

/// Synthetic: the one connection, the aborted one, the refused one.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
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
