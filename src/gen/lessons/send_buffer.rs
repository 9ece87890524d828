//! `send-buffer`: the same bulk transfer twice, first with the kernel's own send buffer,
//! then with `SO_SNDBUF` set to 4 KiB. The first `send()` hands all its bytes to the kernel
//! at once and the congestion window paces them; the second waits inside `send()` for room
//! in its buffer, again and again, so its buffer, not the network, holds the sender
//! back. The kernel counts that wait (`tcp_info`'s `sndbuf_limited`) and `synack flows`
//! names it `send_buffer`. Between namespaces through the router's bottleneck (10 Mbit/s
//! unless `--rate` says otherwise): the wait is a kernel fact no wire shows, so real
//! kernels only.

use super::shared::transfers_in_turn;
use super::{Scripted, Stage};

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
/// `SO_SNDBUF` [`SMALL_SNDBUF`], one after the other.
fn run(stage: &Stage) -> anyhow::Result<()> {
    transfers_in_turn(stage, 2, BYTES, &|conn, c| match conn {
        1 => Ok(()),
        _ => c.set_send_buffer(SMALL_SNDBUF),
    })
}
