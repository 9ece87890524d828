//! `handshake`: connect() is the three-way handshake, close() the FIN/ACK pairs.

use std::io;

use super::shared::{close4, opened, pause};
use super::Scripted;
use crate::gen::socket::Sock;
use crate::gen::synth::{Sim, C};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str =
    "connect() is the three-way handshake SYN, SYN-ACK, ACK; close() the FIN/ACK pairs";

/// Connect, then close.
pub(super) static LESSON: Scripted = Scripted::tcp(TEACHES, synthetic, server, client);

/// Synthetic: handshake, 1 ms, four-way close.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut c = opened(sim, 7070);
    close4(sim, &mut c, C);
}

/// The real server waits for the client's end of stream, then closes.
fn server(mut s: Sock) -> io::Result<()> {
    s.recv(1024)?;
    s.close();
    Ok(())
}

/// The real client connects and closes.
fn client(c: Sock) -> io::Result<()> {
    pause(1);
    c.close();
    Ok(())
}
