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

#[cfg(target_os = "linux")]
mod diag;
pub mod limits;
#[cfg(target_os = "linux")]
pub mod sampler;

pub use crate::calls::tcp_info::{state_name, CaState, TcpInfo, TcpInfoSample, INFINITE_SSTHRESH};
#[cfg(target_os = "linux")]
pub use diag::{DiagSocket, SocketReading};
#[cfg(target_os = "linux")]
pub use sampler::{enter_netns, Sampled, Sampler, SamplerHandle, SamplerOptions, Watch};

/// Names each sample's owner: `who(local, remote)` gives the actor and connection number of
/// the socket with those addresses (from the calls made on it), if any.
pub fn label_samples(
    samples: &mut [TcpInfoSample],
    who: impl Fn(&str, &str) -> Option<(String, u32)>,
) {
    for s in samples {
        if let Some((actor, conn)) = who(&s.local, &s.remote) {
            s.actor = actor;
            s.conn = conn;
        }
    }
}
