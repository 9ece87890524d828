//! The kernel's own view of TCP sockets, beside what the wire shows.
//!
//! The congestion window, the slow-start threshold, the smoothed RTT or the sender's
//! congestion state are in no packet; when synack runs the traffic itself (`synack gen` live
//! and `--netns`, `synack run`) it reads them from the kernel while the connections run.
//! [`Sampler`] reads every traced TCP socket's `struct tcp_info`, congestion algorithm,
//! queue lengths and send-buffer memory through NETLINK_SOCK_DIAG (what `ss -tie` shows),
//! inside the network namespace where the sockets live, every period (1 ms by default) and
//! right after each traced call, on CLOCK_REALTIME, the clock of the capture's timestamps.
//! The readings ([`TcpInfoSample`], fields by their kernel names, defined with the calls
//! trace) go into the calls trace as its `tcp_info` list.

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

/// Names each sample after the calls made on its socket: the actor and connection number
/// of the `connect` or `accept` that made it (else of any call with the same addresses).
/// Samples of sockets no traced call touched keep an empty actor.
pub fn label_from_calls(samples: &mut [TcpInfoSample], calls: &[Call]) {
    for s in samples {
        let owner = calls
            .iter()
            .filter(|c| c.local == s.local && c.remote == s.remote)
            // The call that made the connection names it best.
            .min_by_key(|c| !matches!(c.call, CallKind::Connect | CallKind::Accept));
        if let Some(c) = owner {
            s.actor = c.actor.clone();
            s.conn = c.conn;
        }
    }
}
