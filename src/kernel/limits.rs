//! What limited a sender, from its kernel's readings: exact where the wire can only guess.
//!
//! Linux times each socket's sending itself: `busy_time` (data queued or in flight),
//! `rwnd_limited` (the receiver's window stopped it) and `sndbuf_limited` (the application
//! waited for send-buffer room), in µs, counted in jiffies (4 ms at HZ=250, coarser than the
//! readings). Between two readings of the sender's socket, the sender is busy when the
//! earlier reading had data unacknowledged or unsent (else for the growth of `busy_time`);
//! the growth of the two limited counters is given to the busy time, what does not fit an
//! interval carried to the next; the congestion state and window name the rest:
//!
//! - in `Loss` (after a retransmission timeout): **retransmission_timeout**; in `Recovery`:
//!   **loss_recovery**;
//! - otherwise the growth of `rwnd_limited` is **receiver_window** time, of `sndbuf_limited`
//!   **send_buffer** time; the rest of the busy time is **congestion_window** when the window
//!   was full (`unacked ≥ snd_cwnd`) or written data waited unsent (`notsent_bytes`);
//!   **send_buffer** when the window had room, nothing waited unsent and the send buffer
//!   had no room for a writer (`wmem_queued` above two thirds of `sndbuf`, where the
//!   kernel stops waking writers: the conditions of its own `sndbuf_limited` chrono but the
//!   writer's wait flag, which `tcp_info` does not show; the chrono stops as soon as the
//!   writer is woken, so a writer slow to run again is not in it); else **application**
//!   (only the last flight in the air and nothing more written); time not busy is
//!   **application**.
//!
//! Counting starts at the first reading after data was sent and ends at the last reading
//! where the busy time still grew (the idle tail is left out, as on the wire).

use std::net::SocketAddr;

use crate::analysis::{Cause, Connection, Direction, LimitedBy, Phase};
use crate::calls::tcp_info::{CaState, TcpInfoSample};

/// The readings of the socket with these addresses, in time order.
pub fn readings_of(
    samples: &[TcpInfoSample],
    local: SocketAddr,
    remote: SocketAddr,
) -> Vec<&TcpInfoSample> {
    let (l, r) = (local.to_string(), remote.to_string());
    samples
        .iter()
        .filter(|s| s.local == l && s.remote == r)
        .collect()
}

/// The kernel's verdict for each sender of connection `c` whose socket was read and sent
/// data: (direction, time per cause, phases).
pub fn connection_limits(
    c: &Connection,
    samples: &[TcpInfoSample],
) -> Vec<(Direction, LimitedBy, Vec<Phase>)> {
    [Direction::ClientToServer, Direction::ServerToClient]
        .into_iter()
        .filter_map(|d| {
            let (from, to) = match d {
                Direction::ClientToServer => (c.originator, c.responder),
                Direction::ServerToClient => (c.responder, c.originator),
            };
            let readings = readings_of(samples, from, to);
            let (l, phases) = limited_by(&readings, d);
            (l.total_ns() > 0).then_some((d, l, phases))
        })
        .collect()
}

/// The socket had data unacknowledged or written and not yet sent: the kernel's busy chrono
/// runs.
fn busy_now(i: &crate::calls::tcp_info::TcpInfo) -> bool {
    i.unacked > 0 || i.notsent_bytes > 0
}

/// Each sender's verdict, for every direction of `c` that sent data: the kernel's where
/// `samples` hold readings of the sender's socket (source `"kernel"`), else the wire's
/// (`"wire"`). `synack flows` and the window's Connections tab show these.
pub fn sender_verdicts(
    c: &Connection,
    samples: &[TcpInfoSample],
) -> Vec<(Direction, &'static str, LimitedBy)> {
    let Some(t) = &c.tcp else {
        return Vec::new();
    };
    let mut out: Vec<(Direction, &'static str, LimitedBy)> =
        [Direction::ClientToServer, Direction::ServerToClient]
            .into_iter()
            .filter(|d| c.bytes[d.index()] > 0)
            .map(|d| (d, "wire", t.limited_by(d)))
            .collect();
    if samples.is_empty() {
        return out;
    }
    for (d, l, _) in connection_limits(c, samples) {
        match out.iter_mut().find(|v| v.0 == d) {
            Some(v) => *v = (d, "kernel", l),
            None => out.push((d, "kernel", l)),
        }
    }
    out
}

/// The send buffer had no room for a writer when `s` was read: the kernel wakes a writer
/// waiting for room only once the free part is at least half the queued part
/// (`sk_stream_is_writeable`: `sndbuf - wmem_queued >= wmem_queued / 2`).
fn no_room_for_a_writer(s: &TcpInfoSample) -> bool {
    match (s.wmem_queued, s.sndbuf) {
        (Some(queued), Some(size)) if queued > 0 => 3 * u64::from(queued) > 2 * u64::from(size),
        _ => false,
    }
}

/// Time per cause and the phases of one sender, from the readings of its socket (in time
/// order; readings without `tcp_info` are skipped). `dir` labels the phases.
pub fn limited_by(samples: &[&TcpInfoSample], dir: Direction) -> (LimitedBy, Vec<Phase>) {
    let with_info: Vec<(i64, &crate::calls::tcp_info::TcpInfo, bool)> = samples
        .iter()
        .filter_map(|s| {
            s.info
                .as_ref()
                .map(|i| (s.t_ns, i, no_room_for_a_writer(s)))
        })
        .collect();
    let mut totals = LimitedBy::default();
    let mut phases: Vec<Phase> = Vec::new();
    let Some(first) = with_info
        .iter()
        .position(|(_, i, _)| i.bytes_sent > 0 || i.data_segs_out > 0)
    else {
        return (totals, phases);
    };
    // The sender's time ends with its last busy interval: data unacknowledged or unsent in
    // its earlier reading, busy_time grew, data went out between the readings (sent and
    // acknowledged in less time than the reading after the send took to come: a fast path
    // and a sender that writes a little at a time), or the kernel was repairing a loss.
    let last = with_info
        .windows(2)
        .rposition(|w| {
            busy_now(w[0].1)
                || w[1].1.busy_time > w[0].1.busy_time
                || w[1].1.data_segs_out > w[0].1.data_segs_out
                || matches!(w[0].1.ca_state, CaState::Recovery | CaState::Loss)
        })
        .map_or(first, |i| i + 1);
    let mut add = |start: i64, end: i64, cause: Cause| {
        if end <= start {
            return;
        }
        totals.add(cause, end - start);
        match phases.last_mut() {
            Some(p) if p.cause == cause && p.end_ns == start => p.end_ns = end,
            _ => phases.push(Phase {
                dir,
                start_ns: start,
                end_ns: end,
                cause,
            }),
        }
    };
    // The chrono counters advance in jiffies (4 ms at HZ=250): growth that does not fit the
    // interval it shows up in is carried to the next busy intervals, so totals are kept.
    let (mut rwnd_owed, mut sndbuf_owed) = (0i64, 0i64);
    for w in with_info.get(first..=last).unwrap_or(&[]).windows(2) {
        let ((t0, a, full_buffer), (t1, b, _)) = (w[0], w[1]);
        let dt = t1 - t0;
        if dt <= 0 {
            continue;
        }
        match a.ca_state {
            CaState::Loss => {
                add(t0, t1, Cause::RetransmissionTimeout);
                continue;
            }
            CaState::Recovery => {
                add(t0, t1, Cause::LossRecovery);
                continue;
            }
            _ => {}
        }
        let grew = |x: u64, y: u64| (y.saturating_sub(x) as i64).saturating_mul(1000);
        // Busy while data was unacknowledged or unsent: the state read, since busy_time's
        // jiffies would leave most 1 ms intervals without any growth.
        let busy = if busy_now(a) {
            dt
        } else {
            grew(a.busy_time, b.busy_time).min(dt)
        };
        rwnd_owed += grew(a.rwnd_limited, b.rwnd_limited);
        sndbuf_owed += grew(a.sndbuf_limited, b.sndbuf_limited);
        let rwnd = rwnd_owed.min(busy);
        rwnd_owed -= rwnd;
        let sndbuf = sndbuf_owed.min(busy - rwnd);
        sndbuf_owed -= sndbuf;
        let rest = busy - rwnd - sndbuf;
        let network = if a.unacked >= a.snd_cwnd || a.notsent_bytes > 0 {
            Cause::CongestionWindow
        } else if full_buffer {
            Cause::SendBuffer
        } else {
            Cause::Application
        };
        // Laid out in this order inside the interval (the counters do not say when).
        let mut t = t0;
        for (len, cause) in [
            (rwnd, Cause::ReceiverWindow),
            (sndbuf, Cause::SendBuffer),
            (rest, network),
            (dt - busy, Cause::Application),
        ] {
            add(t, t + len, cause);
            t += len;
        }
    }
    (totals, phases)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::TcpInfo;

    fn reading(t_ms: i64, info: TcpInfo) -> TcpInfoSample {
        TcpInfoSample {
            t_ns: t_ms * 1_000_000,
            actor: "client".into(),
            conn: 1,
            state: "ESTABLISHED".into(),
            info: Some(info),
            ..TcpInfoSample::default()
        }
    }

    /// A reading at `t_ms` of `info` with the sender busy for `busy_us` µs in all.
    fn busy(t_ms: i64, busy_us: u64, info: TcpInfo) -> TcpInfoSample {
        reading(
            t_ms,
            TcpInfo {
                busy_time: busy_us,
                ..info
            },
        )
    }

    /// What limited the client's sending over `readings` (all of its socket), and when.
    fn client_limits(readings: &[TcpInfoSample]) -> (LimitedBy, Vec<Phase>) {
        let refs: Vec<&TcpInfoSample> = readings.iter().collect();
        limited_by(&refs, Direction::ClientToServer)
    }

    #[test]
    fn chrono_counters_split_each_interval() {
        let base = TcpInfo {
            snd_cwnd: 10,
            bytes_sent: 1000,
            ..TcpInfo::default()
        };
        // The chrono counters from 30 ms on: 4 ms rwnd-limited and 6 ms sndbuf-limited.
        let limited = TcpInfo {
            rwnd_limited: 4_000,
            sndbuf_limited: 6_000,
            ..base
        };
        let s = [
            // Before any data: not counted.
            reading(
                0,
                TcpInfo {
                    bytes_sent: 0,
                    ..base
                },
            ),
            reading(10, base),
            // 10..20: busy, the window not full, nothing unsent: application.
            busy(
                20,
                10_000,
                TcpInfo {
                    unacked: 10,
                    ..base
                },
            ),
            // 20..30: 4 ms rwnd-limited and 6 ms sndbuf-limited.
            busy(
                30,
                20_000,
                TcpInfo {
                    unacked: 10,
                    ..limited
                },
            ),
            // 30..40: busy with the window full: cwnd.
            busy(
                40,
                30_000,
                TcpInfo {
                    ca_state: CaState::Recovery,
                    ..limited
                },
            ),
            // 40..50: in Recovery.
            busy(50, 40_000, limited),
            // 50..60: idle; 60..70: busy with nothing unsent.
            busy(60, 40_000, limited),
            busy(70, 50_000, limited),
            // The idle tail: not counted.
            busy(500, 50_000, limited),
        ];
        let (l, phases) = client_limits(&s);
        let ms = |c| l.ns(c) as f64 / 1e6;
        assert_eq!(ms(Cause::ReceiverWindow), 4.0, "{l:?}");
        assert_eq!(ms(Cause::SendBuffer), 6.0);
        assert_eq!(ms(Cause::CongestionWindow), 10.0);
        assert_eq!(ms(Cause::LossRecovery), 10.0);
        assert_eq!(ms(Cause::Application), 30.0);
        assert_eq!(l.total_ns(), 60_000_000);
        assert_eq!(l.main(), Some(Cause::Application));
        let sum: i64 = phases.iter().map(|p| p.end_ns - p.start_ns).sum();
        assert_eq!(sum, l.total_ns());
        assert!(phases.windows(2).all(|w| w[0].end_ns <= w[1].start_ns));
    }

    /// A writer woken when room was made is not in the kernel's `sndbuf_limited` until it
    /// runs and fills the buffer again: busy time with room in the window, nothing unsent
    /// and the buffer past the writers' wake-up mark is the send buffer's, not the
    /// application's; below the mark (a writer with nothing more to write) it stays the
    /// application's.
    #[test]
    fn a_full_send_buffer_without_the_chrono_is_still_the_send_buffers() {
        let base = TcpInfo {
            snd_cwnd: 10,
            unacked: 4,
            bytes_sent: 1000,
            ..TcpInfo::default()
        };
        let with_buffer = |t_ms: i64, busy_us: u64, queued: u32| TcpInfoSample {
            sndbuf: Some(9000),
            wmem_queued: Some(queued),
            ..busy(t_ms, busy_us, base)
        };
        // 0..10: 6001 of 9000 queued (just past two thirds); 10..20: 6000 (just under).
        let s = [
            with_buffer(0, 0, 6001),
            with_buffer(10, 10_000, 6000),
            with_buffer(20, 20_000, 6000),
        ];
        let (l, phases) = client_limits(&s);
        assert_eq!(l.ns(Cause::SendBuffer), 10_000_000, "{l:?}");
        assert_eq!(l.ns(Cause::Application), 10_000_000, "{l:?}");
        assert_eq!(
            phases
                .iter()
                .map(|p| (p.start_ns, p.cause))
                .collect::<Vec<_>>(),
            [(0, Cause::SendBuffer), (10_000_000, Cause::Application)]
        );
        // Without the memory readings nothing is guessed.
        let bare: Vec<TcpInfoSample> = s
            .iter()
            .map(|r| TcpInfoSample {
                sndbuf: None,
                ..r.clone()
            })
            .collect();
        let (l, _) = client_limits(&bare);
        assert_eq!(l.ns(Cause::SendBuffer), 0, "{l:?}");
    }

    /// busy_time moves in jiffies: a recovery between two readings that did not move it is
    /// still the sender's time (seen in a lossy netns run read every millisecond).
    #[test]
    fn a_sender_whose_sends_are_acknowledged_before_each_reading_is_the_applications() {
        // A writer that sends one small message every 50 ms over a fast path: each reading
        // after a send already finds it acknowledged, and the busy chrono's jiffies never
        // move. The segments it sent still say it was sending until its last message.
        let sent = |t_ms: i64, segs: u32| {
            reading(
                t_ms,
                TcpInfo {
                    snd_cwnd: 10,
                    bytes_sent: u64::from(segs) * 15,
                    bytes_acked: u64::from(segs) * 15,
                    data_segs_out: segs,
                    ..TcpInfo::default()
                },
            )
        };
        let s = [
            sent(0, 1),
            sent(50, 2),
            sent(100, 3),
            sent(150, 4),
            // Idle after its last message: not its time.
            sent(200, 4),
            sent(300, 4),
        ];
        let (l, phases) = client_limits(&s);
        assert_eq!(l.main(), Some(Cause::Application), "{l:?}");
        assert_eq!(l.total_ns(), 150_000_000, "{l:?}");
        assert_eq!(phases.len(), 1, "{phases:?}");
    }

    #[test]
    fn a_recovery_at_the_end_counts_even_when_busy_time_did_not_move() {
        let base = TcpInfo {
            snd_cwnd: 10,
            bytes_sent: 1000,
            ..TcpInfo::default()
        };
        let s = [
            reading(0, base),
            busy(
                4,
                4_000,
                TcpInfo {
                    unacked: 10,
                    ..base
                },
            ),
            busy(
                5,
                4_000,
                TcpInfo {
                    unacked: 10,
                    ca_state: CaState::Recovery,
                    ..base
                },
            ),
            busy(7, 4_000, base),
        ];
        let (l, _) = client_limits(&s);
        assert_eq!(l.ns(Cause::LossRecovery), 2_000_000, "{l:?}");
        assert_eq!(l.total_ns(), 7_000_000);
    }

    #[test]
    fn a_full_window_makes_busy_time_the_congestion_windows() {
        let full = TcpInfo {
            snd_cwnd: 10,
            unacked: 10,
            bytes_sent: 5000,
            ..TcpInfo::default()
        };
        let s = [
            reading(0, full),
            busy(5, 5_000, full),
            busy(
                10,
                10_000,
                TcpInfo {
                    unacked: 3,
                    notsent_bytes: 9000,
                    ..full
                },
            ),
            busy(15, 15_000, full),
        ];
        let (l, _) = client_limits(&s);
        assert_eq!(l.main(), Some(Cause::CongestionWindow));
        assert_eq!(l.ns(Cause::CongestionWindow), 15_000_000);
    }

    #[test]
    fn jiffy_counters_do_not_turn_a_full_window_into_application_time() {
        // Readings 1 ms apart; busy_time and rwnd_limited move only every 4 ms (HZ=250).
        let s: Vec<TcpInfoSample> = (0..=12)
            .map(|ms| {
                reading(
                    ms,
                    TcpInfo {
                        snd_cwnd: 10,
                        unacked: 10,
                        notsent_bytes: 5000,
                        bytes_sent: 1000,
                        busy_time: (ms as u64 / 4) * 4000,
                        rwnd_limited: if ms >= 5 { 4000 } else { 0 },
                        ..TcpInfo::default()
                    },
                )
            })
            .collect();
        let (l, _) = client_limits(&s);
        assert_eq!(l.ns(Cause::Application), 0, "{l:?}");
        // The 4 ms of rwnd time that appeared in one 1 ms interval are all counted.
        assert_eq!(l.ns(Cause::ReceiverWindow), 4_000_000, "{l:?}");
        assert_eq!(l.ns(Cause::CongestionWindow), 8_000_000, "{l:?}");
    }
}
