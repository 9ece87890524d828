//! `reorder`: a segment that arrives late is out of order, not lost: the receiver SACKs
//! what came after it, then one cumulative ACK covers both. Synthetic only (a real path
//! cannot be made to reorder without netem); captured at the receiver.

use super::shared::{close4, opened, text_block};
use super::Scripted;
use crate::decode::TcpFlags;
use crate::gen::synth::{Sim, C, S, SEG};
use crate::gen::GenOptions;

/// What the lesson teaches.
const TEACHES: &str =
    "a segment that arrives late is out of order, not lost: SACK, then one cumulative ACK";

/// Out-of-order arrival.
pub(super) static LESSON: Scripted = Scripted::synthetic_only(TEACHES, synthetic);

/// The fourth segment is delayed on the path and arrives after the fifth.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut c = opened(sim, 7070);
    let data = text_block(8 * SEG, 2);
    sim.app_send(&mut c, C, &data);
    let segs: Vec<&[u8]> = data.chunks(SEG).collect();
    let base = c.ep[C].nxt;
    for i in 0..segs.len() {
        if i == 3 {
            // Segment 4 takes the slow path: it is sent now but arrives after segment 5.
            continue;
        }
        let seq = base.wrapping_add((i * SEG) as u32);
        sim.raw(&mut c, C, seq, TcpFlags::ACK, segs[i], true);
        sim.wait_us(12);
        if i == 4 {
            // Out-of-order arrival: an immediate duplicate ACK with a SACK block.
            sim.pure_ack(&mut c, S);
            sim.wait_us(30);
            let seq3 = base.wrapping_add((3 * SEG) as u32);
            sim.raw(&mut c, C, seq3, TcpFlags::ACK, segs[3], true);
            sim.wait_us(5);
            // The hole is filled: one cumulative ACK covers both.
            sim.pure_ack(&mut c, S);
        } else if i % 2 == 1 || i + 1 == segs.len() {
            sim.pure_ack(&mut c, S);
        }
    }
    c.ep[C].nxt = base.wrapping_add(data.len() as u32);
    for chunk in data.chunks(4096) {
        sim.app_recv(&mut c, S, chunk);
    }
    sim.wait_ms(1);
    close4(sim, &mut c, C);
}
