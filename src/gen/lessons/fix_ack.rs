//! `fix-ack`: fix 4 for sticky messages. The client waits for the server's application
//! reply ("ok") before sending the next message, so each message travels alone.

use std::io;

use super::shared::{close4, opened, pause, request, send_one, HALF_RTT};
use super::sticky::MESSAGES;
use super::Scripted;
use crate::gen::socket::Sock;
use crate::gen::synth::{Sim, C, S};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str =
    "fix 4: wait for the peer's application reply before sending the next message";

/// Wait for an application-level acknowledgement.
pub(super) static LESSON: Scripted = Scripted::tcp(TEACHES, synthetic, server, client);

/// Synthetic: each message, then its "ok", then the next.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut c = opened(sim, 7070);
    for m in MESSAGES {
        request(sim, &mut c, m.as_bytes());
        sim.wait_us(20);
        send_one(sim, &mut c, S, OK);
        sim.wait_us(HALF_RTT);
        sim.app_recv(&mut c, C, OK);
        sim.wait_us(30);
    }
    sim.wait_ms(40);
    sim.pure_ack(&mut c, C);
    sim.wait_ms(1);
    close4(sim, &mut c, C);
}

/// The server's reply to each message.
const OK: &[u8] = b"ok\n";

/// The real server reads each message whole and answers "ok".
fn server(mut s: Sock) -> io::Result<()> {
    for m in MESSAGES {
        s.recv_exact(m.len())?;
        s.send(OK)?;
    }
    s.recv(1024)?;
    s.close();
    Ok(())
}

/// The real client sends each message after the "ok" of the one before.
fn client(mut c: Sock) -> io::Result<()> {
    pause(1);
    for m in MESSAGES {
        c.send(m.as_bytes())?;
        c.recv_exact(OK.len())?;
    }
    pause(50);
    c.close();
    Ok(())
}
