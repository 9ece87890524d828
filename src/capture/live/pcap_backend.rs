//! The libpcap backend (`pcap` crate): what tcpdump uses, so synack captures what it captures.
//!
//! The handle runs in non-blocking mode and waits with `poll(2)` on its descriptor: on Linux a
//! blocking read with a timeout never returns on an idle `lo`, which would make Ctrl-C hang.

use std::os::unix::io::AsRawFd;
use std::time::Duration;

use pcap::{Active, Capture, Precision};

use super::{
    check_interface, next_frame_with, KernelStats, LiveConfig, LiveSource, PacketMeta, PullState,
    StopHandle, TimestampSource,
};
use crate::capture::{CaptureError, Frame, FrameSource, LinkType, Timestamp};

/// libpcap's `PCAP_TSTAMP_PRECISION_NANO`.
const PCAP_TSTAMP_PRECISION_NANO: libc::c_int = 1;

extern "C" {
    // Not wrapped by the `pcap` crate; libpcap ≥ 1.5 has it (the crate links libpcap anyway).
    fn pcap_get_tstamp_precision(p: *mut libc::c_void) -> libc::c_int;
}

/// A live capture through libpcap.
pub struct PcapSource {
    cap: Capture<Active>,
    link: LinkType,
    nanos: bool,
    snaplen: u32,
    pull: PullState,
}

impl std::fmt::Debug for PcapSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcapSource")
            .field("link", &self.link)
            .field("nanos", &self.nanos)
            .field("snaplen", &self.snaplen)
            .finish_non_exhaustive()
    }
}

/// Turns libpcap's open/activate message into the error a user can act on.
fn open_error(interface: &str, message: String) -> CaptureError {
    let lower = message.to_ascii_lowercase();
    if lower.contains("permission") || lower.contains("not permitted") {
        CaptureError::PermissionDenied {
            interface: interface.to_string(),
            detail: message,
        }
    } else if lower.contains("no such device") {
        match check_interface(interface) {
            Err(e) => e,
            Ok(()) => CaptureError::Live(format!("{interface}: {message}")),
        }
    } else if lower.contains("not up") {
        CaptureError::InterfaceDown {
            name: interface.to_string(),
        }
    } else {
        CaptureError::Live(format!("{interface}: cannot open for capture: {message}"))
    }
}

fn pcap_message(e: pcap::Error) -> String {
    match e {
        pcap::Error::PcapError(m) => m,
        other => other.to_string(),
    }
}

/// Opens `interface` as a capture would (not promiscuous, nothing read) and closes it
/// again: whether libpcap can capture there, and its link type. The error is libpcap's
/// own message ("That device is not up", "Can't create raw socket: ...").
pub fn probe(interface: &str) -> Result<LinkType, String> {
    let cap = Capture::from_device(interface)
        .map_err(pcap_message)?
        .snaplen(262_144)
        .promisc(false)
        .timeout(100)
        .open()
        .map_err(pcap_message)?;
    Ok(LinkType::from_number(cap.get_datalink().0 as u32))
}

/// Packets at most discarded by [`drain_unfiltered`], so a flood cannot keep `open` busy.
const DRAIN_LIMIT: usize = 100_000;

/// Empties the kernel ring of what it took between activation and the filter being set.
///
/// libpcap can only set a filter on an active handle, so on a busy interface the ring fills
/// with unfiltered packets in the meantime; with whole-packet snaplen the ring has few blocks,
/// and packets that match the filter right after `open` would be dropped for lack of room.
/// What is discarded here was captured before the capture (as the caller sees it) started.
fn drain_unfiltered(cap: &mut Capture<Active>) {
    for _ in 0..DRAIN_LIMIT {
        if cap.next_packet().is_err() {
            break;
        }
    }
}

impl PcapSource {
    /// Opens the interface with libpcap: snaplen, promiscuous and immediate mode, buffer
    /// size, nanosecond timestamps where available, then compiles and sets the filter.
    pub fn open(config: &LiveConfig) -> Result<PcapSource, CaptureError> {
        check_interface(&config.interface)?;
        let name = config.interface.as_str();
        let snaplen = i32::try_from(config.snaplen.clamp(1, 262_144)).unwrap_or(262_144);
        let mut inactive = Capture::from_device(name)
            .map_err(|e| open_error(name, pcap_message(e)))?
            .snaplen(snaplen)
            .promisc(config.promisc)
            .immediate_mode(config.immediate)
            .precision(Precision::Nano)
            .timeout(100);
        if let Some(size) = config.buffer_size {
            inactive = inactive.buffer_size(i32::try_from(size).unwrap_or(i32::MAX));
        }
        let cap = inactive
            .open()
            .map_err(|e| open_error(name, pcap_message(e)))?;
        let mut cap = cap
            .setnonblock()
            .map_err(|e| CaptureError::Live(format!("{name}: {}", pcap_message(e))))?;
        if let Some(filter) = &config.filter {
            cap.filter(filter, true)
                .map_err(|e| CaptureError::BadFilter {
                    filter: filter.clone(),
                    message: pcap_message(e),
                })?;
        }
        if config.filter.is_some() {
            drain_unfiltered(&mut cap);
        }
        // SAFETY: `as_ptr` is the live handle owned by `cap`; the call only reads a field.
        let nanos =
            unsafe { pcap_get_tstamp_precision(cap.as_ptr().cast()) } == PCAP_TSTAMP_PRECISION_NANO;
        let link = LinkType::from_number(cap.get_datalink().0 as u32);
        Ok(PcapSource {
            cap,
            link,
            nanos,
            snaplen: snaplen as u32,
            pull: PullState::default(),
        })
    }

    /// The flag that ends [`FrameSource::next_frame`] on this source.
    pub fn stop_handle(&self) -> StopHandle {
        self.pull.stop.clone()
    }

    fn wait_readable(&self, timeout: Duration) -> Result<(), CaptureError> {
        let mut fds = libc::pollfd {
            fd: self.cap.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
        // SAFETY: one valid pollfd, count 1.
        let rc = unsafe { libc::poll(&mut fds, 1, ms) };
        if rc < 0 {
            let err = std::io::Error::last_os_error();
            if err.kind() != std::io::ErrorKind::Interrupted {
                return Err(CaptureError::Live(format!("poll: {err}")));
            }
        }
        Ok(())
    }
}

impl LiveSource for PcapSource {
    fn recv_into(
        &mut self,
        buf: &mut Vec<u8>,
        timeout: Duration,
    ) -> Result<Option<PacketMeta>, CaptureError> {
        for attempt in 0..2 {
            match self.cap.next_packet() {
                Ok(p) => {
                    buf.clear();
                    buf.extend_from_slice(p.data);
                    let secs = p.header.ts.tv_sec;
                    let frac = p.header.ts.tv_usec;
                    let ts = if self.nanos {
                        Timestamp::from_parts(secs, frac)
                    } else {
                        Timestamp::from_parts(secs, frac.saturating_mul(1000))
                    };
                    return Ok(Some(PacketMeta {
                        ts,
                        len: p.header.len,
                    }));
                }
                // Some pseudo-devices (nflog) report "nothing yet" in non-blocking mode as
                // EAGAIN instead of a zero count.
                Err(pcap::Error::TimeoutExpired) => {
                    if attempt == 0 && !timeout.is_zero() {
                        self.wait_readable(timeout)?;
                    }
                }
                Err(pcap::Error::PcapError(m)) if m.contains("temporarily unavailable") => {
                    if attempt == 0 && !timeout.is_zero() {
                        self.wait_readable(timeout)?;
                    }
                }
                Err(e) => {
                    return Err(CaptureError::Live(format!(
                        "reading from the interface: {}",
                        pcap_message(e)
                    )))
                }
            }
        }
        Ok(None)
    }

    fn kernel_stats(&mut self) -> Option<KernelStats> {
        self.cap.stats().ok().map(|s| KernelStats {
            received: u64::from(s.received),
            dropped: u64::from(s.dropped),
            if_dropped: u64::from(s.if_dropped),
        })
    }

    fn link_type(&self) -> LinkType {
        self.link
    }

    fn timestamps(&self) -> TimestampSource {
        TimestampSource::Kernel { nanos: self.nanos }
    }

    fn snaplen(&self) -> u32 {
        self.snaplen
    }
}

impl FrameSource for PcapSource {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        next_frame_with(self, |s| &mut s.pull)
    }
}
