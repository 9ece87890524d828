//! `send-buffer`: the same bulk transfer twice, first with the kernel's own send buffer,
//! then with `SO_SNDBUF` set to 4 KiB. The first `send()` hands all its bytes to the kernel
//! at once and the congestion window paces them; the second waits inside `send()` for room
//! in its buffer, again and again, so the application, not the network, holds the sender
//! back. The kernel counts that wait (`tcp_info`'s `sndbuf_limited`) and `synack flows`
//! names it `send_buffer`. Between namespaces through the router's bottleneck (10 Mbit/s
//! unless `--rate` says otherwise): the wait is a kernel fact no wire shows, so real
//! kernels only.

use std::thread;

use super::shared::{pause, text_block};
use super::split::{reader, send_and_close};
use super::{join, Scripted, Stage};
use crate::gen::socket::Sock;

/// What the lesson teaches.
const TEACHES: &str = "a small send buffer (SO_SNDBUF 4 KiB): send() waits for room in it, \
     so the sender is held back by its buffer, not by the network";

/// Bytes each connection sends.
pub(crate) const BYTES: usize = 200_000;

/// The second connection's `SO_SNDBUF` (the kernel keeps twice this).
pub(crate) const SMALL_SNDBUF: i32 = 4096;

/// The router's rate towards the server when `--rate` gives none, Mbit/s.
const RATE_MBIT: u32 = 10;

/// The same transfer with the default send buffer, then with a small one.
pub(super) static LESSON: Scripted = Scripted::kernels_only(TEACHES, RATE_MBIT, run);

/// Connection 1 sends [`BYTES`] with the kernel's send buffer, connection 2 the same with
/// `SO_SNDBUF` [`SMALL_SNDBUF`]; the server reads each to its end. A pause between them
/// keeps their segments apart on the wire.
fn run(stage: &Stage) -> anyhow::Result<()> {
    let l = stage.listener()?;
    let rec = &stage.rec;
    for (conn, sndbuf) in [(1u32, None), (2, Some(SMALL_SNDBUF))] {
        thread::scope(|scope| -> anyhow::Result<()> {
            let server = scope.spawn(move || reader(Sock::accept(l, "server", conn, rec)?));
            let client = Sock::connect(stage.server, "client", conn, rec).and_then(|c| {
                if let Some(bytes) = sndbuf {
                    c.set_send_buffer(bytes)?;
                }
                send_and_close(c, text_block(BYTES, conn as usize))
            });
            let s = join(server);
            client?;
            s?;
            Ok(())
        })?;
        pause(50);
    }
    Ok(())
}
