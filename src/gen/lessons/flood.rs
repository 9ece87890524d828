//! `flood`: N connections x M segments with loss, a big capture for benchmarks, streamed
//! straight to the sink. Synthetic only, and it records no calls (its trace would dwarf the
//! capture).
//!
//! Up to [`LANES`] connections are open at once and take turns putting a few segments on
//! the wire (a "round"), so their packets interleave as on a busy server; finished
//! connections are replaced by new ones. Memory holds only the open connections, never the
//! frames, so a million-packet capture costs a few hundred kilobytes and a few seconds.
//! The run stops at exactly `packets` frames (or earlier when every connection has closed
//! and nothing is left to send).

use super::Scripted;
use crate::gen::synth::{Conn, Sim, C, S, SEG};
use crate::gen::GenOptions;

/// Connections open at the same time.
const LANES: usize = 64;

/// Server port of the flood connections.
const FLOOD_PORT: u16 = 7100;

/// What the lesson teaches.
const TEACHES: &str = "N connections x M segments with loss: a big capture for benchmarks";

/// N connections × M segments with loss, for benchmarks.
pub(super) static LESSON: Scripted = Scripted::synthetic_only(TEACHES, synthetic);

/// `--connections`, `--packets` and `--loss` shape the run.
fn synthetic(sim: &mut Sim<'_>, opts: &GenOptions) {
    flood(sim, opts.connections, opts.packets, opts.loss_pct);
}

/// Where a flood connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Handshake,
    Data,
    Close,
    Done,
}

/// One open flood connection.
struct Lane {
    conn: Conn,
    phase: Phase,
    rounds_left: u64,
}

/// Streams `connections` connections and at most `packets` frames; `loss_pct` (0–100) is the
/// chance that a data round loses a segment and repairs it by fast retransmission.
fn flood(sim: &mut Sim<'_>, connections: u64, packets: u64, loss_pct: u32) {
    let saved = sim.record_calls;
    sim.record_calls = false;
    sim.limit = sim.frames() + packets;
    let packets = sim.limit;
    let payload = [b'x'; SEG];
    let loss_pct = u64::from(loss_pct.min(100));
    // Frames per connection: handshake 3 + close 4, a round 3 (two segments and an ACK),
    // a lossy round 6 more (the lost segment, two more segments, dup ACKs, the repair).
    let per_conn = packets / connections.max(1);
    let per_round_x100 = 300 + 6 * loss_pct;
    let rounds_for = |budget: u64| (budget.saturating_sub(7) * 100 / per_round_x100).max(1);
    let mut lanes: Vec<Lane> = Vec::with_capacity(LANES);
    let mut started = 0u64;
    let mut turn = 0usize;
    while sim.frames() < packets && !sim.failed() {
        // Fill free lanes with new connections.
        while lanes.len() < LANES && started < connections {
            let host = 10 + (started % 200) as u8;
            let mut conn = sim.conn(host, 2, FLOOD_PORT);
            conn.id = (started + 1) as u32;
            lanes.push(Lane {
                conn,
                phase: Phase::Handshake,
                rounds_left: rounds_for(per_conn),
            });
            started += 1;
        }
        if lanes.is_empty() {
            break;
        }
        turn %= lanes.len();
        let all_started = started >= connections;
        let open = lanes.len() as u64;
        let lane = &mut lanes[turn];
        match lane.phase {
            Phase::Handshake => {
                sim.syn(&mut lane.conn);
                sim.wait_us(20);
                sim.syn_ack(&mut lane.conn);
                sim.wait_us(20);
                sim.pure_ack(&mut lane.conn, C);
                lane.phase = Phase::Data;
            }
            Phase::Data => {
                let lossy = loss_pct > 0 && sim.rng.below(100) < loss_pct;
                if lossy {
                    let hole = lane.conn.ep[C].nxt;
                    sim.data_lost(&mut lane.conn, C, &payload);
                    for _ in 0..3 {
                        sim.data_more(&mut lane.conn, C, &payload);
                        sim.pure_ack(&mut lane.conn, S);
                    }
                    sim.resend(&mut lane.conn, C, hole, &payload);
                    sim.pure_ack(&mut lane.conn, S);
                } else {
                    sim.data_more(&mut lane.conn, C, &payload);
                    sim.data(&mut lane.conn, C, &payload);
                    sim.pure_ack(&mut lane.conn, S);
                }
                lane.rounds_left = lane.rounds_left.saturating_sub(1);
                // Once every connection has started, the open ones keep sending until the
                // frame budget (minus their closes) is used, so the file has `packets` frames.
                let tail_room = packets.saturating_sub(sim.frames() + 4 * open + 9);
                if lane.rounds_left == 0 && !(all_started && tail_room > 0) {
                    lane.phase = Phase::Close;
                }
            }
            Phase::Close => {
                sim.fin(&mut lane.conn, C);
                sim.pure_ack(&mut lane.conn, S);
                sim.fin(&mut lane.conn, S);
                sim.pure_ack(&mut lane.conn, C);
                lane.phase = Phase::Done;
            }
            Phase::Done => {}
        }
        if lanes[turn].phase == Phase::Done {
            lanes.swap_remove(turn);
        } else {
            turn += 1;
        }
        sim.wait_us(3);
    }
    sim.record_calls = saved;
    sim.limit = u64::MAX;
}
