//! What the graphs draw besides the wire: the sender's kernel state read during a `synack gen`
//! run (the calls trace's `tcp_info`) and the verdict of what limited the sender.
//!
//! Pure, like [`super::model`]: the view draws these series and the tests check them.
//!
//! - **Kernel lines.** The congestion window and ssthresh in bytes, drawn "from the ACK line
//!   up" on the time-sequence graphs (the highest sequence the window lets the sender reach:
//!   the latest wire ACK plus `snd_cwnd × snd_mss`), and, in the panel under the graph, the
//!   window, the bytes in flight (the kernel's `unacked × snd_mss` and the wire's
//!   `tcp.analysis.bytes_in_flight`), srtt and rto. The sampler stores a reading only when
//!   something changed, so a value holds until the next reading; a line runs from one of the
//!   sender's readings with `tcp_info` to the last one before a reading without it (the socket
//!   left for TIME_WAIT or closed), and is never drawn before the first or after the last.
//! - **Congestion states** (`ca_state`: Open, Disorder, CWR, Recovery, Loss) as bands from
//!   each reading to the next.
//! - **Verdict bands.** What held the sender back, phase by phase: from the kernel's readings
//!   when the trace has them ([`crate::kernel::limits`]), else from the wire
//!   ([`crate::analysis::limits`], the connection's frames analysed again with phases kept).

use std::net::SocketAddr;

use super::model::{steps, SeqModel};
use crate::analysis::{Cause, Config, Direction, Engine, FlowProto, LimitedBy, Phase};
use crate::calls::tcp_info::{CaState, TcpInfo, TcpInfoSample};
use crate::ui::selection::ConnRef;
use crate::ui::store::StoreData;

/// Connections longer than this get no wire verdict in the window (it is computed again on
/// selection); `synack flows` still gives it.
pub const MAX_VERDICT_PACKETS: usize = 1_000_000;

/// Where a verdict comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictSource {
    /// The sender's `tcp_info` readings (exact: the kernel's own timers).
    Kernel,
    /// The packets alone (bytes in flight against the windows, repairs, idle gaps).
    Wire,
}

impl VerdictSource {
    /// How the legend names it, in the interface's language.
    pub fn label(self) -> String {
        crate::i18n::text(match self {
            VerdictSource::Kernel => "graph-from-kernel",
            VerdictSource::Wire => "graph-from-wire",
        })
    }
}

/// A stretch of time with one value, seconds since the capture's first packet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band<T> {
    /// Start.
    pub t0: f64,
    /// End.
    pub t1: f64,
    /// What held during it.
    pub what: T,
}

/// What limited the graphed sender, phase by phase.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Kernel or wire.
    pub source: VerdictSource,
    /// Time per cause.
    pub totals: LimitedBy,
    /// The phases, in time order, adjacent phases of one cause merged.
    pub bands: Vec<Band<Cause>>,
}

/// Everything drawn beside the wire for one direction of one connection.
#[derive(Debug, Clone, Default)]
pub struct KernelOverlay {
    /// The sender's readings with `tcp_info` (0: the trace has none for this socket).
    pub readings: usize,
    /// The sender's congestion control, when read.
    pub congestion: Option<String>,
    /// Time-sequence graphs: the window's reach (latest ACK + cwnd bytes), one step line per
    /// run of readings.
    pub cwnd_reach: Vec<Vec<[f64; 2]>>,
    /// Time-sequence graphs: latest ACK + ssthresh bytes, where ssthresh is finite.
    pub ssthresh_reach: Vec<Vec<[f64; 2]>>,
    /// Panel: cwnd in bytes.
    pub cwnd: Vec<Vec<[f64; 2]>>,
    /// Panel: the kernel's bytes in flight (`unacked × snd_mss`).
    pub in_flight_kernel: Vec<Vec<[f64; 2]>>,
    /// Panel: the wire's bytes in flight at each of the sender's segments.
    pub in_flight_wire: Vec<[f64; 2]>,
    /// Panel: smoothed RTT, ms.
    pub srtt_ms: Vec<Vec<[f64; 2]>>,
    /// Panel: retransmission timeout, ms.
    pub rto_ms: Vec<Vec<[f64; 2]>>,
    /// Panel: the congestion state from each reading to the next.
    pub ca_states: Vec<Band<CaState>>,
    /// What limited the sender (`None`: it sent no data, or the connection is too long).
    pub verdict: Option<Verdict>,
}

/// The sender's and receiver's addresses of direction `dir` of `conn`.
fn ends(data: &StoreData, conn: ConnRef, dir: Direction) -> Option<(SocketAddr, SocketAddr)> {
    let c = data.connection(conn.proto, conn.stream)?;
    Some(match dir {
        Direction::ClientToServer => (c.originator, c.responder),
        Direction::ServerToClient => (c.responder, c.originator),
    })
}

/// Builds the overlay of `conn`'s direction `dir` over the time-sequence model `m` (its ACK
/// line), up to the replay cursor `until` (store index; `None`: all).
pub fn build(
    data: &StoreData,
    conn: ConnRef,
    dir: Direction,
    until: Option<usize>,
    m: &SeqModel,
) -> KernelOverlay {
    let mut o = KernelOverlay::default();
    if conn.proto != FlowProto::Tcp {
        return o;
    }
    let first_ns = data.first_ts.map_or(0, |t| t.as_nanos());
    let x = |ns: i64| (ns - first_ns) as f64 / 1e9;
    // The replay cursor's time: nothing read after it is shown.
    let until_ns = until
        .and_then(|u| data.record(u))
        .and_then(|r| r.ts)
        .map_or(i64::MAX, |t| t.as_nanos());
    let readings: Vec<&TcpInfoSample> = match (&data.calls, ends(data, conn, dir)) {
        (Some(trace), Some((from, to))) => {
            crate::kernel::limits::readings_of(&trace.tcp_info, from, to)
                .into_iter()
                .filter(|s| s.t_ns <= until_ns)
                .collect()
        }
        _ => Vec::new(),
    };
    o.readings = readings.iter().filter(|s| s.info.is_some()).count();
    o.congestion = readings.iter().rev().find_map(|s| s.cong.clone());
    for run in runs(&readings) {
        add_run(&mut o, &run, m, &x);
    }
    o.in_flight_wire = wire_in_flight(data, conn, dir, until);
    o.verdict = if o.readings > 0 {
        let (totals, phases) = crate::kernel::limits::limited_by(&readings, dir);
        (totals.total_ns() > 0).then(|| Verdict {
            source: VerdictSource::Kernel,
            totals,
            bands: bands(&phases, &x),
        })
    } else {
        wire_verdict(data, conn, dir, until, &x)
    };
    o
}

/// The readings split where one has no `tcp_info`: each run's readings all have it.
fn runs<'a>(readings: &[&'a TcpInfoSample]) -> Vec<Vec<(i64, &'a TcpInfo)>> {
    let mut out: Vec<Vec<(i64, &TcpInfo)>> = vec![Vec::new()];
    for s in readings {
        match &s.info {
            Some(i) => out.last_mut().into_iter().for_each(|r| r.push((s.t_ns, i))),
            None => out.push(Vec::new()),
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

/// The relative ACK of the latest ACK at or before `t` (seconds), if any.
fn ack_at(m: &SeqModel, t: f64) -> Option<f64> {
    let k = m.acks.partition_point(|a| a.t <= t);
    k.checked_sub(1).map(|k| f64::from(m.acks[k].ack))
}

/// Adds one run of readings (all with `tcp_info`) to the overlay's lines.
fn add_run(o: &mut KernelOverlay, run: &[(i64, &TcpInfo)], m: &SeqModel, x: &dyn Fn(i64) -> f64) {
    let mut cwnd_reach = Vec::new();
    let mut ssthresh_reach = Vec::new();
    let mut series: [Vec<[f64; 2]>; 4] = Default::default();
    for (k, &(t_ns, info)) in run.iter().enumerate() {
        let t = x(t_ns);
        let mss = f64::from(info.snd_mss);
        for (line, v) in series.iter_mut().zip([
            info.cwnd_bytes() as f64,
            f64::from(info.unacked) * mss,
            f64::from(info.rtt) / 1e3,
            f64::from(info.rto) / 1e3,
        ]) {
            line.push([t, v]);
        }
        // The reach moves with every ACK while the window holds: a point at this reading
        // and at each ACK before the next one (the last reading ends the line).
        let next_t = run.get(k + 1).map(|&(n, _)| x(n));
        let ack_times = m
            .acks
            .iter()
            .map(|a| a.t)
            .filter(|&a| next_t.is_some_and(|n| a > t && a < n));
        for at in std::iter::once(t).chain(ack_times) {
            let Some(ack) = ack_at(m, at) else { continue };
            cwnd_reach.push([at, ack + info.cwnd_bytes() as f64]);
            if let Some(ss) = info.ssthresh_bytes() {
                ssthresh_reach.push([at, ack + ss as f64]);
            } else if !ssthresh_reach.is_empty() {
                o.ssthresh_reach
                    .push(steps(&std::mem::take(&mut ssthresh_reach)));
            }
        }
        if let Some(n) = next_t {
            o.ca_states.push(Band {
                t0: t,
                t1: n,
                what: info.ca_state,
            });
        }
    }
    for (dst, line) in [
        &mut o.cwnd,
        &mut o.in_flight_kernel,
        &mut o.srtt_ms,
        &mut o.rto_ms,
    ]
    .into_iter()
    .zip(series)
    {
        dst.push(steps(&line));
    }
    if !cwnd_reach.is_empty() {
        o.cwnd_reach.push(steps(&cwnd_reach));
    }
    if !ssthresh_reach.is_empty() {
        o.ssthresh_reach.push(steps(&ssthresh_reach));
    }
}

/// The wire's bytes in flight at each of the sender's frames that carry them.
fn wire_in_flight(
    data: &StoreData,
    conn: ConnRef,
    dir: Direction,
    until: Option<usize>,
) -> Vec<[f64; 2]> {
    let first_ns = data.first_ts.map_or(0, |t| t.as_nanos());
    let Some(facts) = crate::ui::wire::connection_ack_facts(data, conn.stream) else {
        return Vec::new();
    };
    facts
        .into_iter()
        .filter(|(i, _)| until.is_none_or(|u| *i as usize <= u))
        .filter(|(i, _)| data.analysis(*i as usize).flow.map(|f| f.direction) == Some(dir))
        .filter_map(|(i, a)| {
            let ts = data.record(i as usize)?.ts?.as_nanos();
            Some([(ts - first_ns) as f64 / 1e9, f64::from(a.bytes_in_flight?)])
        })
        .collect()
}

/// The wire's verdict: the connection's frames analysed again, phases kept.
fn wire_verdict(
    data: &StoreData,
    conn: ConnRef,
    dir: Direction,
    until: Option<usize>,
    x: &dyn Fn(i64) -> f64,
) -> Option<Verdict> {
    let frames = data.connection_frames(conn.proto, conn.stream);
    if frames.len() > MAX_VERDICT_PACKETS {
        return None;
    }
    let mut engine = Engine::new(Config {
        record_limit_phases: true,
        ..Config::default()
    });
    for &i in frames {
        if until.is_some_and(|u| i as usize > u) {
            break;
        }
        if let Some((owned, packet)) = data.packet(i as usize) {
            let frame = owned.as_frame();
            engine.process(&frame, &packet);
        }
    }
    let connections = engine.connections();
    let c = connections.first()?.tcp.as_deref()?;
    let totals = c.limited_by(dir);
    let phases: Vec<Phase> = c
        .limit_phases()
        .into_iter()
        .filter(|p| p.dir == dir)
        .collect();
    (totals.total_ns() > 0).then(|| Verdict {
        source: VerdictSource::Wire,
        totals,
        bands: bands(&phases, x),
    })
}

/// Phases as bands on the graphs' time axis, adjacent ones of one cause merged.
fn bands(phases: &[Phase], x: &dyn Fn(i64) -> f64) -> Vec<Band<Cause>> {
    let mut sorted: Vec<&Phase> = phases.iter().filter(|p| p.end_ns > p.start_ns).collect();
    sorted.sort_by_key(|p| p.start_ns);
    let mut out: Vec<(i64, i64, Cause)> = Vec::new();
    for p in sorted {
        match out.last_mut() {
            Some(last) if last.2 == p.cause && last.1 == p.start_ns => last.1 = p.end_ns,
            _ => out.push((p.start_ns, p.end_ns, p.cause)),
        }
    }
    out.into_iter()
        .map(|(a, b, cause)| Band {
            t0: x(a),
            t1: x(b),
            what: cause,
        })
        .collect()
}

#[cfg(test)]
mod tests;
