//! `close-simultaneous`: both applications close at once; the FINs cross on the wire and
//! both sides pass through CLOSING to TIME_WAIT. Synthetic only: a real stack cannot be made
//! to cross FINs on demand.

use super::shared::{echo_round, opened, HALF_RTT};
use super::Scripted;
use crate::calls::CallKind;
use crate::decode::TcpFlags;
use crate::gen::synth::{Sim, C, S};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str = "both FINs cross on the wire; both sides pass through CLOSING to TIME_WAIT";

/// Both sides close at once: FINs cross.
pub(super) static LESSON: Scripted = Scripted::synthetic_only(TEACHES, synthetic);

/// Synthetic: an echo, then both FINs sent before either arrives.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut c = opened(sim, 7070);
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
