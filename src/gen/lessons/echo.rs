//! `echo`: a TCP echo server; each request and reply is a segment, and the reply carries
//! the ACK of the request (piggy-backing).

use std::io;

use super::shared::{close4, echo_round, echo_server, pause};
use super::Scripted;
use crate::gen::socket::Sock;
use crate::gen::synth::{Sim, C};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str =
    "each request and reply is a segment; replies carry the ACK of the request (piggy-backing)";

/// Several request/replies on one connection.
pub(super) static LESSON: Scripted = Scripted::tcp(TEACHES, synthetic, echo_server, client);

/// The client's `i`th request.
fn request(i: u32) -> String {
    format!("echo request {i}\n")
}

/// Synthetic: three echo rounds, the client's delayed ACK of the last reply, the close.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut c = sim.conn(1, 2, 7007);
    sim.open(&mut c);
    for i in 1..=3 {
        sim.wait_ms(2);
        echo_round(sim, &mut c, request(i).as_bytes());
    }
    sim.wait_ms(40);
    sim.pure_ack(&mut c, C);
    sim.wait_ms(5);
    close4(sim, &mut c, C);
}

/// The real client: three requests, each read back whole.
fn client(mut c: Sock) -> io::Result<()> {
    for i in 1..=3 {
        pause(2);
        let m = request(i);
        c.exchange(m.as_bytes())?;
    }
    pause(50);
    c.close();
    Ok(())
}
