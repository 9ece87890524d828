//! `refused`: a SYN to a port nobody listens on is answered by RST, and connect() fails
//! with ECONNREFUSED.

use super::shared::HALF_RTT;
use super::{Scripted, Stage};
use crate::calls::CallKind;
use crate::decode::TcpFlags;
use crate::gen::socket::{Setup, Sock};
use crate::gen::synth::{Sim, C, S};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str =
    "a SYN to a port nobody listens on is answered by RST: connect() fails with ECONNREFUSED";

/// SYN to a closed port.
pub(super) static LESSON: Scripted =
    Scripted::whole(TEACHES, synthetic, run).reserving(|ip| Ok(Setup::closed_port(ip)?));

/// Synthetic: SYN, RST+ACK, the failed connect.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut c = sim.conn(1, 2, 7070);
    sim.syn(&mut c);
    sim.wait_us(HALF_RTT);
    c.ep[S].win = 0;
    sim.raw(&mut c, S, 0, TcpFlags::RST | TcpFlags::ACK, &[], true);
    sim.wait_us(HALF_RTT);
    sim.call(&c, C, CallKind::Connect, &[], None);
    sim.calls.fail_last("ECONNREFUSED");
    sim.call(&c, C, CallKind::Close, &[], None);
}

/// The real client connects to the closed port; the failed connect() is recorded.
fn run(stage: &Stage) -> anyhow::Result<()> {
    match Sock::connect(stage.server, "client", 1, &stage.rec) {
        Err(_) => Ok(()),
        Ok(_) => anyhow::bail!(
            "port {} unexpectedly accepted a connection",
            stage.server.port()
        ),
    }
}
