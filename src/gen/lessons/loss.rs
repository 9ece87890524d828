//! `loss`: a lost segment brings duplicate ACKs (with SACK), a fast retransmission, and at
//! the tail a retransmission timeout. Synthetic (segments 3 and 20 lost), or with real
//! kernels between namespaces through the router's random drops (`--netns --loss PCT`);
//! loopback never loses. The transfer is `split`'s.

use std::io;

use super::shared::text_block;
use super::split::{bulk_transfer, reader, send_and_close};
use super::Scripted;
use crate::gen::socket::Sock;
use crate::gen::synth::Sim;
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str =
    "a lost segment brings duplicate ACKs (with SACK), a fast retransmission and a timeout";

/// Loss: retransmissions, fast retransmission, dup ACKs.
pub(super) static LESSON: Scripted =
    Scripted::tcp(TEACHES, synthetic, reader, client).only_between_namespaces();

/// Synthetic: 30 kB, segments 3 (repaired by fast retransmission) and 20 (the tail: by a
/// timeout) lost, read 8 KiB at a time.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    bulk_transfer(sim, text_block(30_000, 11), &[3, 20], 8192);
}

/// The real client sends 400 kB through the lossy router.
fn client(c: Sock) -> io::Result<()> {
    send_and_close(c, text_block(400_000, 11))
}
