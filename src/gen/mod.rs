//! Traffic generator: the classic socket-programming lessons as runnable, capturable
//! scenarios (`synack gen`).
//!
//! Learners understand TCP best on traffic whose cause they know. Each [`Scenario`] is one
//! lesson (an echo server, a half-close, the sticky-packet problem and its four fixes, ...),
//! written in one file of `src/gen/lessons/` with its script for each of three [`Mode`]s:
//!
//! - **live**: real sockets on loopback, server and client threads, the real kernel's TCP;
//!   the traffic is captured on `lo` (needs root or `CAP_NET_RAW`) — see [`live::run`];
//! - **netns**: two hosts in network namespaces joined by a router namespace that can drop
//!   packets at random with nftables (root) — see [`live::run_netns`] and, for the
//!   namespaces themselves (reusable on their own), [`netns`];
//! - **synthetic**: frames crafted with etherparse as a Linux host would send them, written
//!   straight to a pcap; no privileges, deterministic with a seed — see [`synth`].
//!
//! The pieces: `lessons/` (what each lesson does, one file each), [`synth`] (the synthetic wire),
//! `socket.rs` (sockets that record every call into the calls trace), `capture_session.rs`
//! (the capture of a real run), [`live`] (runs a lesson with real sockets, on loopback or
//! between namespaces), [`netns`] (the namespaces, router and loss).
//!
//! Beside every capture the generator writes the lesson's socket calls ([`crate::calls`]).
//! `flood` records none (its trace would dwarf the capture).
//!
//! Usage, the modes in detail and the committed captures: `src/gen/README.md`.

// Without `live` the lessons' real-socket scripts still compile (they need no libpcap) but
// nothing runs them: only the synthetic mode is reachable.
#![cfg_attr(not(feature = "live"), allow(dead_code, unreachable_pub))]

#[cfg(feature = "live")]
mod capture_session;
mod kernel_state;
mod lessons;
#[cfg(feature = "live")]
pub mod live;
pub mod netns;
mod scenario;
mod socket;
pub mod synth;
mod tap;

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub use lessons::MESSAGES;
pub use scenario::Scenario;

use crate::calls::CallTrace;

use crate::capture::writer::{PcapFormat, PcapWriter};
use crate::capture::{LinkType, OwnedFrame};
use synth::{FrameSink, Sim};

/// How a scenario is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Real sockets on loopback.
    Live,
    /// Real sockets between network namespaces, with optional loss in a router namespace.
    Netns,
    /// Crafted frames, no sockets.
    Synthetic,
}

impl Mode {
    /// The name written in the calls trace.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Netns => "netns",
            Mode::Synthetic => "synthetic",
        }
    }
}

/// Options shared by every scenario.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Seed of synthetic runs (ISNs, ports, loss).
    pub seed: u64,
    /// Use IPv6 (`::1`, or `fd00::/64` in synthetic captures).
    pub ipv6: bool,
    /// `flood`: connections.
    pub connections: u64,
    /// `flood`: frames in total.
    pub packets: u64,
    /// Loss in percent (`flood` synthetic, `--netns` router).
    pub loss_pct: u32,
    /// Live and netns runs: read the kernel's state of the run's TCP sockets every this many
    /// ms (and after every call) into the calls trace's `tcp_info`; 0 reads nothing.
    pub sample_ms: u64,
    /// `--netns`: the congestion control both hosts use (`cubic`, `reno`, `bbr`, ... as in
    /// `/proc/sys/net/ipv4/tcp_available_congestion_control`); `None` keeps the system's.
    pub congestion: Option<String>,
    /// `--netns`: the router forwards towards the server at most this many Mbit/s (a token
    /// bucket with a 50 ms queue), a bottleneck where congestion control shows; 0: no limit.
    pub rate_mbit: u32,
    /// `--netns`: percent of the data segments reaching the server dropped in its input
    /// chain, after the server-side capture point (lost after it); 0: none.
    pub server_loss_pct: u32,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            seed: 1,
            ipv6: false,
            connections: 100,
            packets: 10_000,
            loss_pct: 1,
            sample_ms: 1,
            congestion: None,
            rate_mbit: 0,
            server_loss_pct: 0,
        }
    }
}

/// Runs the synthetic form of `sc`, streaming frames into `sink`; returns the calls trace.
pub fn synthesize(
    sc: Scenario,
    opts: &GenOptions,
    sink: &mut dyn FrameSink,
) -> io::Result<(u64, CallTrace)> {
    if !sc.synthetic_capable() {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("`{sc}` has no synthetic form: it shows what real kernels do; use --netns"),
        ));
    }
    let trace = CallTrace::new(sc.name(), Mode::Synthetic.name(), Some(opts.seed));
    let mut sim = Sim::new(sink, opts.seed, trace, opts.ipv6);
    sc.script().synthetic(&mut sim, opts);
    let frames = sim.frames();
    let mut trace = sim.finish()?;
    trace.sort();
    Ok((frames, trace))
}

/// Runs the synthetic form of `sc` into memory (for tests and the demo).
pub fn synthesize_frames(sc: Scenario, opts: &GenOptions) -> (Vec<OwnedFrame>, CallTrace) {
    let mut frames: Vec<OwnedFrame> = Vec::new();
    // Writing to a vector cannot fail; a lesson without a synthetic form gives no frames.
    let trace = synthesize(sc, opts, &mut frames)
        .map(|(_, t)| t)
        .unwrap_or_else(|_| CallTrace::new(sc.name(), "synthetic", Some(opts.seed)));
    (frames, trace)
}

/// Writes the synthetic form of `sc` to the pcap file `path` and its calls trace beside it;
/// returns the number of frames written.
pub fn synthesize_to_file(sc: Scenario, opts: &GenOptions, path: &Path) -> io::Result<u64> {
    let file = File::create(path).map_err(|e| with_path(e, "creating", path))?;
    let format = PcapFormat {
        link: LinkType::Ethernet,
        snaplen: 262_144,
        nanos: true,
    };
    let mut writer = PcapWriter::new(file, format);
    let (frames, trace) = synthesize(sc, opts, &mut writer)?;
    writer.flush().map_err(|e| with_path(e, "writing", path))?;
    if sc != Scenario::Flood {
        crate::calls::write_beside(&trace, path)?;
    }
    Ok(frames)
}

/// Writes captured `frames` to the pcap file `path` (nanosecond timestamps).
pub fn write_frames(path: &Path, link: LinkType, frames: &[OwnedFrame]) -> io::Result<()> {
    let file = File::create(path).map_err(|e| with_path(e, "creating", path))?;
    write_frames_to(file, link, frames).map_err(|e| with_path(e, "writing", path))
}

/// Writes `frames` as a pcap file (nanosecond timestamps) to any sink, e.g. standard output.
pub fn write_frames_to(sink: impl Write, link: LinkType, frames: &[OwnedFrame]) -> io::Result<()> {
    let format = PcapFormat {
        link,
        snaplen: 262_144,
        nanos: true,
    };
    let mut writer = PcapWriter::new(sink, format);
    for f in frames {
        writer.write_frame(&f.as_frame())?;
    }
    writer.flush()
}

/// Where a netns run's second capture (at the server's veth) is saved beside the client's
/// capture `path`: `path` + `.server.pcap`, as the calls trace is `path` + `.calls.json`.
pub fn server_capture_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".server.pcap");
    PathBuf::from(s)
}

/// An I/O error that names the file and the operation.
fn with_path(e: io::Error, what: &str, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{what} {}: {e}", path.display()))
}

/// The congestion control algorithms this kernel offers (`cubic`, `reno`, `bbr`, ...).
pub fn available_congestion_control() -> Vec<String> {
    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_available_congestion_control")
        .map(|s| s.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}
