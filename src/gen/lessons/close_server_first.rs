//! `close-server-first`: the server may close first (HTTP/1.0 style); the server then holds
//! TIME_WAIT.

use std::io;

use super::shared::{close4, opened, pause, request, send_one};
use super::Scripted;
use crate::gen::socket::Sock;
use crate::gen::synth::{Sim, S};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str =
    "the server may close first (HTTP/1.0 style): the server then holds TIME_WAIT";

/// Four-way teardown started by the server.
pub(super) static LESSON: Scripted = Scripted::tcp(TEACHES, synthetic, server, client);

/// The client's request.
const REQUEST: &[u8] = b"GET /bye HTTP/1.0\r\n\r\n";
/// The server's answer, after which it closes.
const ANSWER: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nbye\n";

/// Synthetic: request, answer, and the server's four-way close.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut c = opened(sim, 7070);
    request(sim, &mut c, REQUEST);
    sim.wait_us(50);
    send_one(sim, &mut c, S, ANSWER);
    sim.wait_us(10);
    close4(sim, &mut c, S);
}

/// The real server answers the request and closes.
fn server(mut s: Sock) -> io::Result<()> {
    s.recv(1024)?;
    s.send(ANSWER)?;
    s.close();
    Ok(())
}

/// The real client reads the answer to end of stream and closes 250 ms later.
fn client(mut c: Sock) -> io::Result<()> {
    c.send(REQUEST)?;
    let _ = c.recv_to_end(1024)?;
    // Reading EOF but closing later: the FIN is ACKed alone first.
    pause(250);
    c.close();
    Ok(())
}
