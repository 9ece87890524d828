//! The kernel's own view of TCP sockets, beside what the wire shows.
//!
//! The congestion window, the slow-start threshold, the smoothed RTT or the sender's
//! congestion state are in no packet; when synack runs the traffic itself (`synack gen` live
//! and `--netns`, `synack run`) it reads them from the kernel while the connections run.
//! [`Sampler`] reads every traced TCP socket's `struct tcp_info`, congestion algorithm,
//! queue lengths and send-buffer memory through NETLINK_SOCK_DIAG (what `ss -tie` shows),
//! inside the network namespace where the sockets live, every period (1 ms by default) and
//! right after traced calls, on CLOCK_REALTIME, the clock of the capture's timestamps.
//! The readings ([`TcpInfoSample`], fields by their kernel names, defined with the calls
//! trace) go into the calls trace as its `tcp_info` list.

use std::collections::HashMap;

use crate::calls::{Call, CallKind};

#[cfg(target_os = "linux")]
mod diag;
pub mod limits;
#[cfg(target_os = "linux")]
pub mod sampler;

pub use crate::calls::tcp_info::{state_name, CaState, TcpInfo, TcpInfoSample, INFINITE_SSTHRESH};
#[cfg(target_os = "linux")]
pub use diag::{DiagSocket, SocketReading};
#[cfg(target_os = "linux")]
pub use sampler::{enter_netns, Netns, Sampled, Sampler, SamplerHandle, SamplerOptions, Watch};

/// Starts a sampler for each of `options`, all or none: when one cannot start, the error
/// is the note a run gives instead of kernel readings (`kernel state not read: …`).
#[cfg(target_os = "linux")]
pub fn start_samplers(
    options: impl IntoIterator<Item = SamplerOptions>,
) -> Result<Vec<Sampler>, String> {
    options
        .into_iter()
        .map(|o| Sampler::start(o).map_err(|e| format!("kernel state not read: {e}")))
        .collect()
}

/// Names each sample after the calls made on its socket: the actor and connection number
/// of the `connect` or `accept` that made it (else of any call with the same addresses).
/// Samples of sockets no traced call touched keep an empty actor.
pub fn label_from_calls(samples: &mut [TcpInfoSample], calls: &[Call]) {
    let makes = |c: &Call| matches!(c.call, CallKind::Connect | CallKind::Accept);
    // One pass over the calls (a run has tens of thousands of calls and of readings).
    let mut owners: HashMap<(&str, &str), &Call> = HashMap::new();
    for c in calls {
        owners
            .entry((c.local.as_str(), c.remote.as_str()))
            .and_modify(|o| {
                if makes(c) && !makes(o) {
                    *o = c;
                }
            })
            .or_insert(c);
    }
    for s in samples {
        if let Some(c) = owners.get(&(s.local.as_str(), s.remote.as_str())) {
            s.actor = c.actor.clone();
            s.conn = c.conn;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(kind: CallKind, actor: &str, conn: u32, local: &str, remote: &str) -> Call {
        let mut c = Call::new(0, actor, conn, kind);
        c.local = local.into();
        c.remote = remote.into();
        c
    }

    fn sample(local: &str, remote: &str) -> TcpInfoSample {
        TcpInfoSample {
            local: local.into(),
            remote: remote.into(),
            ..TcpInfoSample::default()
        }
    }

    #[test]
    fn a_sample_is_named_after_the_call_that_made_its_connection() {
        let (c, s) = ("127.0.0.1:40000", "127.0.0.1:7000");
        let calls = [
            // A call on the same addresses before the connect (a setsockopt) names it only
            // when no connect or accept did.
            call(CallKind::Setsockopt, "client", 9, c, s),
            call(CallKind::Connect, "client", 1, c, s),
            call(CallKind::Accept, "server", 1, s, c),
            call(CallKind::Accept, "server", 7, s, c),
            call(CallKind::Send, "client2", 2, "127.0.0.1:40001", s),
        ];
        let mut samples = [
            sample(c, s),
            sample(s, c),
            sample("127.0.0.1:40001", s),
            sample("127.0.0.1:40002", s),
        ];
        label_from_calls(&mut samples, &calls);
        let named: Vec<(&str, u32)> = samples.iter().map(|s| (s.actor.as_str(), s.conn)).collect();
        assert_eq!(
            named,
            [("client", 1), ("server", 1), ("client2", 2), ("", 0)],
            "connect/accept first, else any call; untouched sockets stay unnamed"
        );
    }
}
