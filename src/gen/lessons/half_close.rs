//! `half-close`: shutdown(SHUT_WR) sends a FIN, but the peer can keep sending data after it.

use std::io;

use super::shared::{opened, pause, send_one, text_block, HALF_RTT};
use super::Scripted;
use crate::calls::CallKind;
use crate::gen::socket::Sock;
use crate::gen::synth::{Sim, C, S};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str = "shutdown(SHUT_WR) sends a FIN but the peer can keep sending data after it";

/// `shutdown(SHUT_WR)`, the peer keeps sending.
pub(super) static LESSON: Scripted = Scripted::tcp(TEACHES, synthetic, server, client);

/// The client's request, after which it shuts down its sending side.
const REQUEST: &[u8] = b"GET report.txt\n";

/// Synthetic: request and FIN, then a 4000-byte report after the FIN, then the server's FIN.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut c = opened(sim, 7070);
    send_one(sim, &mut c, C, REQUEST);
    sim.wait_us(10);
    sim.call(&c, C, CallKind::Shutdown, &[], None);
    sim.calls.note_last("SHUT_WR");
    sim.fin(&mut c, C);
    sim.wait_us(HALF_RTT);
    sim.pure_ack(&mut c, S);
    sim.app_recv(&mut c, S, REQUEST);
    sim.app_recv(&mut c, S, b"");
    sim.wait_ms(1);
    let report = text_block(4000, 7);
    sim.write_all(&mut c, S, &report);
    sim.wait_us(HALF_RTT);
    sim.pure_ack(&mut c, C);
    for chunk in report.chunks(2048) {
        sim.app_recv(&mut c, C, chunk);
    }
    sim.wait_us(20);
    sim.call(&c, S, CallKind::Close, &[], None);
    sim.fin(&mut c, S);
    sim.wait_us(HALF_RTT);
    sim.app_recv(&mut c, C, b"");
    sim.pure_ack(&mut c, C);
    sim.call(&c, C, CallKind::Close, &[], None);
}

/// The real server reads to end of stream, then sends three blocks and closes.
fn server(mut s: Sock) -> io::Result<()> {
    let _ = s.recv_to_end(1024)?;
    for i in 0..3 {
        pause(5);
        s.send(&text_block(1500, i))?;
    }
    s.close();
    Ok(())
}

/// The real client sends its request, shuts down writing, and reads to the end.
fn client(mut c: Sock) -> io::Result<()> {
    c.send(REQUEST)?;
    pause(1);
    c.shutdown_write()?;
    let _ = c.recv_to_end(2048)?;
    c.close();
    Ok(())
}
