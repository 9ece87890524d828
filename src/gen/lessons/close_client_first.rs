//! `close-client-first`: the side that closes first sends the first FIN and ends in
//! TIME_WAIT; the server reads end of stream and closes after it (four segments).

use std::io;

use super::shared::{close4, echo_round, echo_until_eof, opened, pause};
use super::Scripted;
use crate::gen::socket::Sock;
use crate::gen::synth::{Conn, Sim, C};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str = "the side that closes first sends the first FIN and ends in TIME_WAIT";

/// Four-way teardown started by the client.
pub(super) static LESSON: Scripted = Scripted::tcp(TEACHES, synthetic, server, client);

/// The client's last word, echoed by the server.
const QUIT: &[u8] = b"quit\n";

/// Synthetic: an echoed "quit", then the client's four-way close.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut c = until_quit(sim);
    close4(sim, &mut c, C);
}

/// The synthetic connection up to the client's close: opened, "quit" echoed, 1 ms.
pub(super) fn until_quit(sim: &mut Sim<'_>) -> Conn {
    let mut c = opened(sim, 7070);
    echo_round(sim, &mut c, QUIT);
    sim.wait_ms(1);
    c
}

/// The real server echoes until end of stream and closes 250 ms later.
fn server(mut s: Sock) -> io::Result<()> {
    echo_until_eof(&mut s)?;
    // Not closing at once lets the kernel ACK the FIN alone (its delayed-ACK timer is at
    // most 200 ms): four segments.
    pause(250);
    s.close();
    Ok(())
}

/// The real client says "quit", reads the echo, and closes.
pub(super) fn client(mut c: Sock) -> io::Result<()> {
    c.send(QUIT)?;
    c.recv_exact(QUIT.len())?;
    pause(50);
    c.close();
    Ok(())
}
