//! `loss`: a lost segment brings duplicate ACKs (with SACK), a fast retransmission, and at
//! the tail a retransmission timeout. Synthetic (segments 3 and 20 lost), or with real
//! kernels between namespaces (`--netns --loss PCT`): the router drops that share of
//! segments at random (repaired from duplicate ACKs and SACK) and, once, every data segment
//! for 100 ms (a burst loss that takes the whole flight and its tail loss probe: only the
//! retransmission timer repairs it); loopback never loses. The transfer is `split`'s,
//! smaller at high loss so the run ends within seconds.

use std::io;

use super::shared::{pause, text_block};
use super::split::{bulk_transfer, reader};
use super::{Outage, Scripted, Stage};
use crate::gen::socket::Sock;
use crate::gen::synth::Sim;
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str =
    "a lost segment brings duplicate ACKs (with SACK), a fast retransmission and a timeout";

/// Loss: retransmissions, fast retransmission, dup ACKs, a retransmission timeout.
pub(super) static LESSON: Scripted = Scripted::whole(TEACHES, synthetic, real)
    .only_between_namespaces()
    .with_outage(OUTAGE);

/// The router's outage: 100 ms (shorter than Linux's minimum retransmission timeout of
/// 200 ms, longer than a tail loss probe's 10 ms or so on this short path), after 30 kB.
const OUTAGE: Outage = Outage {
    after_bytes: 30_000,
    ms: 100,
};

/// Synthetic: 30 kB, segments 3 (repaired by fast retransmission) and 20 (the tail: by a
/// timeout) lost, read 8 KiB at a time.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    bulk_transfer(sim, text_block(30_000, 11), &[3, 20], 8192);
}

/// Bytes the real client sends through a router losing `loss_pct` percent: 400 kB up to
/// 5 %, less above (each lost segment costs a repair, each lost repair a doubled timeout),
/// so the run takes seconds: 80 kB at 25 %, 50 kB at 40 %, 20 kB at 99 %.
fn transfer_bytes(loss_pct: u32) -> usize {
    400_000usize.min(2_000_000 / loss_pct.max(1) as usize)
}

/// The real run: the server reads to end of stream and closes, the client sends.
fn real(stage: &Stage) -> anyhow::Result<()> {
    let data = text_block(transfer_bytes(stage.loss_pct), 11);
    stage.one_connection(reader, |c| client(c, &data))
}

/// The real client sends `data` through the lossy router, half-closes and waits for the
/// server's close: a socket closed with data still unacknowledged would be orphaned, and
/// the kernel gives an orphan few retransmissions (`tcp_orphan_retries`) before it drops
/// the connection without a word, leaving the server waiting.
fn client(mut c: Sock, data: &[u8]) -> io::Result<()> {
    pause(1);
    c.send(data)?;
    c.shutdown_write()?;
    c.recv_to_end(64)?;
    c.close();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::transfer_bytes;

    #[test]
    fn the_transfer_shrinks_with_the_loss() {
        assert_eq!(transfer_bytes(0), 400_000);
        assert_eq!(transfer_bytes(5), 400_000);
        assert_eq!(transfer_bytes(25), 80_000);
        assert_eq!(transfer_bytes(40), 50_000);
        assert_eq!(transfer_bytes(99), 20_202);
    }
}
