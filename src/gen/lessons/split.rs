//! `split`: one large `send()` leaves as many MSS-sized segments, and `recv()` gets it in
//! pieces. The same bulk transfer with segments lost on the way is `loss`.

use std::io;

use super::shared::{close4, opened, pause, text_block, transfer};
use super::Scripted;
use crate::gen::socket::Sock;
use crate::gen::synth::{Sim, C, S};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str =
    "one large send() leaves as many MSS-sized segments, and recv() gets it in pieces";

/// One large message across many segments.
pub(super) static LESSON: Scripted = Scripted::tcp(TEACHES, synthetic, reader, client);

/// Synthetic: 20 kB in one `send()`, read 4 KiB at a time.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    bulk_transfer(sim, text_block(20_000, 3), &[], 4096);
}

/// The client sends `data` in one `send()` (segments whose index is in `lose` are lost the
/// first time), the server reads it `read_chunk` bytes at a time, the client closes.
pub(super) fn bulk_transfer(sim: &mut Sim<'_>, data: Vec<u8>, lose: &[usize], read_chunk: usize) {
    let mut c = opened(sim, 7070);
    transfer(sim, &mut c, C, &data, lose);
    for chunk in data.chunks(read_chunk) {
        sim.app_recv(&mut c, S, chunk);
    }
    sim.wait_ms(1);
    close4(sim, &mut c, C);
}

/// The real server reads to end of stream and closes.
pub(super) fn reader(mut s: Sock) -> io::Result<()> {
    let _ = s.recv_to_end(4096)?;
    s.close();
    Ok(())
}

/// The real client sends 200 kB in one `send()` and closes.
fn client(c: Sock) -> io::Result<()> {
    send_and_close(c, text_block(200_000, 3))
}

/// One `send()` of `data`, then `close()`.
pub(super) fn send_and_close(mut c: Sock, data: Vec<u8>) -> io::Result<()> {
    pause(1);
    c.send(&data)?;
    c.close();
    Ok(())
}
