//! Live capture from a network interface: two backends behind one pull interface.
//!
//! * [`PcapSource`] (default) uses libpcap: kernel timestamps (nanoseconds where the OS gives
//!   them), BPF capture filters, snaplen, promiscuous and immediate mode, kernel buffer size,
//!   and libpcap's received/dropped counters.
//! * [`PnetSource`] uses `pnet_datalink` (an `AF_PACKET` socket): no BPF and no kernel
//!   timestamps, so the time is taken when synack receives the packet.
//!
//! Both implement [`LiveSource`] (poll with a timeout, statistics) and [`FrameSource`](crate::capture::FrameSource), so the
//! pipeline that reads files reads interfaces too. [`LiveCapture`] runs a source on its own
//! thread feeding a bounded channel: the kernel ring is drained at full speed even when
//! printing or analysis falls behind, and what the channel cannot hold is counted as dropped
//! instead of silently blocking the kernel ring.

mod interfaces;
mod pcap_backend;
mod pnet_backend;
mod threaded;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub use interfaces::{capture_permission, interfaces, InterfaceInfo, Permission};
pub use pcap_backend::{probe, PcapSource};
pub use pnet_backend::PnetSource;
pub use threaded::{CaptureStats, LiveCapture, Next, StatsHandle};

use super::{CaptureError, Frame, LinkType, RecordKind, Timestamp};

/// Which library opens the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// libpcap through the `pcap` crate: filters, kernel timestamps, kernel statistics.
    #[default]
    Pcap,
    /// `pnet_datalink`: a raw `AF_PACKET` socket; no filters, time taken at receive.
    Pnet,
}

impl Backend {
    /// The name used on the command line and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Pcap => "pcap",
            Backend::Pnet => "pnet",
        }
    }
}

/// Everything needed to open a live capture.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// Interface name (`eth0`, `lo`, ...).
    pub interface: String,
    /// BPF capture filter in tcpdump syntax (pcap backend only).
    pub filter: Option<String>,
    /// Bytes kept of each packet; tcpdump's default is 262144.
    pub snaplen: u32,
    /// Promiscuous mode: see traffic not addressed to this host (needs `cap_net_admin`).
    pub promisc: bool,
    /// Deliver packets as they arrive instead of batching them (lower latency, more wakeups).
    pub immediate: bool,
    /// Kernel ring buffer size in bytes (`None`: the library default, 2 MiB for libpcap).
    pub buffer_size: Option<u32>,
    /// Which backend to use.
    pub backend: Backend,
}

impl LiveConfig {
    /// A configuration for `interface` with tcpdump's defaults, except an 8 MiB kernel buffer.
    pub fn new(interface: impl Into<String>) -> LiveConfig {
        LiveConfig {
            interface: interface.into(),
            filter: None,
            snaplen: DEFAULT_SNAPLEN,
            promisc: true,
            immediate: true,
            buffer_size: Some(DEFAULT_BUFFER_SIZE),
            backend: Backend::Pcap,
        }
    }
}

/// Kernel ring size synack asks for by default (8 MiB): libpcap's 2 MiB holds only a few
/// blocks with whole-packet snaplen, too little for bursts while the consumer is busy.
pub const DEFAULT_BUFFER_SIZE: u32 = 8 << 20;

/// tcpdump's default snapshot length: whole packets, even 64 KiB loopback/GSO ones.
pub const DEFAULT_SNAPLEN: u32 = 262_144;

/// Where a source's timestamps come from; shown to the user so they can judge the times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampSource {
    /// Stamped by the kernel when the packet arrived, at the given precision.
    Kernel {
        /// Nanosecond precision (else microseconds).
        nanos: bool,
    },
    /// Taken by synack when it received the packet from the socket (later than the wire time,
    /// and affected by scheduling).
    Receive,
}

/// Counters kept by the kernel or the capture library, as libpcap's `pcap_stats` gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KernelStats {
    /// Packets that passed the filter (libpcap's `ps_recv`; on Linux also those later dropped).
    pub received: u64,
    /// Packets dropped because the kernel buffer was full (`ps_drop`).
    pub dropped: u64,
    /// Packets dropped by the interface or driver (`ps_ifdrop`).
    pub if_dropped: u64,
}

/// Metadata of one packet copied out by [`LiveSource::recv_into`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketMeta {
    /// Capture time.
    pub ts: Timestamp,
    /// Original length on the wire (the copied bytes may be fewer: snaplen).
    pub len: u32,
}

/// A live source: wait for packets with a timeout, ask for the kernel's counters.
///
/// The timeout lets the caller notice a stop request or flush output while the interface is
/// idle (a blocking read on an idle `lo` never returns). Packets are copied into a buffer the
/// caller owns, so a capture thread can hand that buffer to a channel without a second copy.
pub trait LiveSource: Send {
    /// Waits up to `timeout` for a packet and copies its captured bytes into `buf` (cleared
    /// first); `Ok(None)` when none arrived in time.
    fn recv_into(
        &mut self,
        buf: &mut Vec<u8>,
        timeout: Duration,
    ) -> Result<Option<PacketMeta>, CaptureError>;
    /// The kernel's counters since the capture started (`None` where the backend has none).
    fn kernel_stats(&mut self) -> Option<KernelStats>;
    /// Link type of the frames.
    fn link_type(&self) -> LinkType;
    /// Where timestamps come from.
    fn timestamps(&self) -> TimestampSource;
    /// Effective snapshot length.
    fn snaplen(&self) -> u32;
}

/// The state a backend keeps to serve [`FrameSource::next_frame`]: the last packet's bytes
/// and the frame counter.
#[derive(Debug, Default)]
struct PullState {
    buf: Vec<u8>,
    number: u64,
    stop: StopHandle,
}

/// Waits on `source` until a packet arrives (copied into `buf`) or `stop` is set (`None`).
fn pull<S: LiveSource + ?Sized>(
    source: &mut S,
    buf: &mut Vec<u8>,
    stop: &StopHandle,
) -> Result<Option<PacketMeta>, CaptureError> {
    while !stop.is_stopped() {
        if let Some(meta) = source.recv_into(buf, POLL_INTERVAL)? {
            return Ok(Some(meta));
        }
    }
    Ok(None)
}

/// [`FrameSource::next_frame`] for a backend whose [`PullState`] `state` returns.
fn next_frame_with<S: LiveSource>(
    source: &mut S,
    state: fn(&mut S) -> &mut PullState,
) -> Result<Option<Frame<'_>>, CaptureError> {
    let mut buf = std::mem::take(&mut state(source).buf);
    let stop = state(source).stop.clone();
    let got = pull(source, &mut buf, &stop);
    let link = source.link_type();
    let st = state(source);
    st.buf = buf;
    match got? {
        None => Ok(None),
        Some(meta) => {
            st.number += 1;
            Ok(Some(Frame {
                number: st.number,
                ts: Some(meta.ts),
                len: meta.len,
                link,
                interface: 0,
                kind: RecordKind::Packet,
                data: &st.buf,
            }))
        }
    }
}

/// How long one poll waits before the stop flag is checked again.
pub const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// A shared flag asking a capture to stop (set from a signal handler, a UI button, a timer).
#[derive(Debug, Clone, Default)]
pub struct StopHandle(Arc<AtomicBool>);

impl StopHandle {
    /// A flag not yet set.
    pub fn new() -> StopHandle {
        StopHandle::default()
    }

    /// Asks the capture to stop; frames already captured are still delivered.
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// True once [`StopHandle::stop`] was called.
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Opens `config.interface` with the configured backend.
pub fn open(config: &LiveConfig) -> Result<Box<dyn LiveSource>, CaptureError> {
    match config.backend {
        Backend::Pcap => Ok(Box::new(PcapSource::open(config)?)),
        Backend::Pnet => Ok(Box::new(PnetSource::open(config)?)),
    }
}

/// True for a kernel network interface (as opposed to a libpcap pseudo-device).
pub fn is_network_interface(name: &str) -> bool {
    std::path::Path::new("/sys/class/net").join(name).exists()
}

/// Checks that the interface exists and is up, so errors name the real problem instead of
/// a library's generic message.
fn check_interface(name: &str) -> Result<(), CaptureError> {
    let all = interfaces()?;
    match all.iter().find(|i| i.name == name) {
        None => Err(CaptureError::NoSuchInterface {
            name: name.to_string(),
            available: all.into_iter().map(|i| i.name).collect(),
        }),
        // Pseudo-devices (nflog, dbus-system, ...) have no "up" flag but can be captured on.
        Some(i) if !i.up && is_network_interface(name) => Err(CaptureError::InterfaceDown {
            name: name.to_string(),
        }),
        Some(_) => Ok(()),
    }
}
