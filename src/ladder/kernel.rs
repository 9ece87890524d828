//! The kernel's state beside synack's on the ladder. When the calls trace holds the kernel's
//! readings of the connection's sockets (`tcp_info`, read while `synack gen` or `synack run`
//! ran them), each time line gets a note `kernel: FIN_WAIT_2` wherever the state the kernel
//! reported differs from the state synack inferred from the packets, beyond what the
//! readings' timing explains: a reading agrees when synack's state of that side was the same
//! at some moment within [`TOLERANCE_NS`] of it (the sampler reads every millisecond, and at
//! least every 5 ms, so a reading may show a change a little before or after the ladder
//! places the packet that caused it). One note marks where a disagreement starts, or where
//! the kernel's state changes during one.

use std::net::SocketAddr;

use crate::analysis::TcpState;
use crate::calls::tcp_info::TcpInfoSample;
use crate::calls::CallTrace;
use crate::i18n::tr;

use super::model::{End, LadderModel};

/// How far (ns) from a reading synack's state may match it.
pub const TOLERANCE_NS: i64 = 5_000_000;

/// The kernel's name of a state as synack names it (`NEW_SYN_RECV`, the kernel's request
/// socket, is synack's `SYN_RECEIVED`).
fn as_synack(kernel: &str) -> &str {
    match kernel {
        "NEW_SYN_RECV" => TcpState::SynReceived.name(),
        k => k,
    }
}

/// Synack's state of `end` over time: (from ns after the first packet, state), in order,
/// starting with the state before the first row.
fn inferred(model: &LadderModel, end: End) -> Vec<(i64, TcpState)> {
    let mut out = vec![(i64::MIN, model.initial[end.index()])];
    for m in model.marks.iter().filter(|m| m.end == end) {
        let Some(r) = model.rows.get(m.row) else {
            continue;
        };
        let t = if m.at_departure {
            r.depart_ns
        } else {
            r.arrive_ns.unwrap_or(r.reach_ns)
        };
        out.push((t, m.state));
    }
    out
}

/// Whether synack's state `timeline` was `state` at some moment in `[t0, t1]`.
fn held_within(timeline: &[(i64, TcpState)], state: &str, t0: i64, t1: i64) -> bool {
    timeline.iter().enumerate().any(|(i, (from, s))| {
        let until = timeline.get(i + 1).map_or(i64::MAX, |n| n.0);
        s.name() == state && *from <= t1 && until >= t0
    })
}

/// The notes of one side: (ns after the first packet, kernel state) where a disagreement
/// starts or changes.
pub fn disagreements(
    model: &LadderModel,
    end: End,
    readings: &[&TcpInfoSample],
) -> Vec<(i64, String)> {
    let timeline = inferred(model, end);
    let mut out = Vec::new();
    let mut last: Option<&str> = None;
    for r in readings {
        let t = r.t_ns - model.start_ns;
        let state = as_synack(&r.state);
        if held_within(&timeline, state, t - TOLERANCE_NS, t + TOLERANCE_NS) {
            last = None;
            continue;
        }
        if last != Some(state) {
            out.push((t, state.to_owned()));
        }
        last = Some(state);
    }
    out
}

/// Adds the kernel-state notes of `trace`'s readings to `model`'s TCP connection.
pub fn add_kernel_notes(model: &mut LadderModel, trace: &CallTrace) {
    if !model.is_tcp() || trace.tcp_info.is_empty() {
        return;
    }
    let (Ok(client), Ok(server)) = (
        model.info.client.parse::<SocketAddr>(),
        model.info.server.parse::<SocketAddr>(),
    ) else {
        return;
    };
    for (end, local, remote) in [(End::Client, client, server), (End::Server, server, client)] {
        let readings = crate::kernel::limits::readings_of(&trace.tcp_info, local, remote);
        for (t, state) in disagreements(model, end, &readings) {
            model.add_side_note(end, t, tr!("ladder-kernel-state", state = state));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::FlowProto;

    /// The ladder of a shipped lesson capture, and its first and last row's times (absolute).
    fn ladder(name: &str) -> LadderModel {
        let path = std::path::PathBuf::from(format!(
            "{}/captures/{name}.pcap",
            env!("CARGO_MANIFEST_DIR")
        ));
        let got = crate::ladder::collect(&path, FlowProto::Tcp, 0).unwrap();
        LadderModel::build(got.info.unwrap(), &got.seen)
    }

    fn reading(m: &LadderModel, end: End, t_rel: i64, state: &str) -> TcpInfoSample {
        let (l, r) = match end {
            End::Client => (&m.info.client, &m.info.server),
            End::Server => (&m.info.server, &m.info.client),
        };
        TcpInfoSample {
            t_ns: m.start_ns + t_rel,
            local: l.clone(),
            remote: r.clone(),
            state: state.into(),
            ..TcpInfoSample::default()
        }
    }

    /// When synack's state of `end` becomes `state` (ns after the first packet).
    fn change(m: &LadderModel, end: End, state: TcpState) -> i64 {
        inferred(m, end)
            .into_iter()
            .find(|(_, s)| *s == state)
            .map(|(t, _)| t)
            .unwrap_or_else(|| panic!("{end:?} never {state:?}"))
    }

    fn kernel_notes(m: &LadderModel) -> Vec<(End, String)> {
        m.side_notes
            .iter()
            .filter(|n| n.text.starts_with("kernel"))
            .map(|n| (n.end, n.text.clone()))
            .collect()
    }

    #[test]
    fn readings_that_agree_within_the_tolerance_write_nothing() {
        let mut m = ladder("close-client-first");
        let fw1 = change(&m, End::Client, TcpState::FinWait1);
        let tw = change(&m, End::Client, TcpState::TimeWait);
        let mut trace = CallTrace::new("close-client-first", "live", None);
        trace.tcp_info = vec![
            reading(&m, End::Client, fw1 - 1_000_000, "ESTABLISHED"),
            // 2 ms before the ladder places the client's FIN, the kernel already says
            // FIN_WAIT_1: within the tolerance.
            reading(&m, End::Client, fw1 - 2_000_000, "FIN_WAIT_1"),
            reading(&m, End::Client, tw + 3_000_000, "TIME_WAIT"),
            reading(&m, End::Client, tw + 50_000_000, "TIME_WAIT"),
        ];
        trace.tcp_info.sort_by_key(|s| s.t_ns);
        add_kernel_notes(&mut m, &trace);
        assert_eq!(kernel_notes(&m), []);
    }

    #[test]
    fn a_state_the_wire_never_showed_then_is_written_once_beside_the_line() {
        let mut m = ladder("close-client-first");
        let fw1 = change(&m, End::Client, TcpState::FinWait1);
        let mut trace = CallTrace::new("close-client-first", "live", None);
        // Long before the client's FIN, the server's kernel says CLOSE_WAIT (twice: one
        // note), then ESTABLISHED again (agrees: no note).
        trace.tcp_info = vec![
            reading(&m, End::Server, fw1 - 40_000_000, "CLOSE_WAIT"),
            reading(&m, End::Server, fw1 - 30_000_000, "CLOSE_WAIT"),
            reading(&m, End::Server, fw1 - 20_000_000, "ESTABLISHED"),
        ];
        add_kernel_notes(&mut m, &trace);
        assert_eq!(
            kernel_notes(&m),
            [(End::Server, "kernel: CLOSE_WAIT".to_string())]
        );
        let note = m
            .side_notes
            .iter()
            .find(|n| n.text.starts_with("kernel"))
            .unwrap();
        assert_eq!(note.t_ns, fw1 - 40_000_000);
    }
}

#[cfg(test)]
mod real_readings {
    use super::*;
    use crate::analysis::FlowProto;

    /// `cc-compare`'s committed capture: real kernels read every millisecond.
    fn ladder(stream: u32) -> LadderModel {
        let path = std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/captures/kernel/cc-compare.pcap"
        ));
        let got = crate::ladder::collect(&path, FlowProto::Tcp, stream).unwrap();
        let mut m = LadderModel::build(got.info.unwrap(), &got.seen);
        let trace = crate::calls::read_beside(&path).unwrap().unwrap();
        add_kernel_notes(&mut m, &trace);
        m
    }

    #[test]
    fn a_close_with_data_queued_and_a_fin_held_in_the_routers_queue_are_written() {
        for stream in 0..3 {
            let m = ladder(stream);
            let notes = |end: End| -> Vec<(i64, &str)> {
                m.side_notes
                    .iter()
                    .filter(|n| n.end == end && n.text.starts_with("kernel"))
                    .map(|n| (n.t_ns, n.text.as_str()))
                    .collect()
            };
            let fin = m
                .rows
                .iter()
                .find(|r| r.from == End::Client && r.flags.has(crate::decode::tcp::TcpFlags::FIN))
                .expect("the client's FIN");
            // close() returned with data still queued: the kernel is in FIN_WAIT_1 while
            // the wire still shows data, before the FIN leaves.
            let client = notes(End::Client);
            assert_eq!(client.len(), 1, "stream {stream}: {client:?}");
            assert_eq!(client[0].1, "kernel: FIN_WAIT_1");
            assert!(client[0].0 < fin.depart_ns, "stream {stream}: {client:?}");
            // The FIN waits in the router's 50 ms queue: the server's kernel is still
            // ESTABLISHED after the ladder shows the FIN arrived (its delays are the
            // quickest answers'), never longer than the queue holds.
            for (t, text) in notes(End::Server) {
                assert_eq!(text, "kernel: ESTABLISHED", "stream {stream}");
                assert!(
                    t > fin.t_ns && t < fin.t_ns + 60_000_000,
                    "stream {stream}: {t} vs FIN {}",
                    fin.t_ns
                );
            }
        }
    }
}
