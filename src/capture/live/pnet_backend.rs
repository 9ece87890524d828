//! The pnet backend (`pnet_datalink`): a raw `AF_PACKET` socket, no libpcap involved.
//!
//! Useful where libpcap is missing or to cross-check it. Two limits, both told to the user:
//! no BPF filters (pnet has no filter compiler), and no kernel timestamps (pnet's receiver
//! does not return them), so the time is taken when synack receives the packet.
//!
//! On a loopback interface an `AF_PACKET` socket sees every packet twice (once going out,
//! once coming in). synack opens the socket itself and sets `PACKET_IGNORE_OUTGOING` on
//! loopback before handing it to pnet, so each packet is seen exactly once, as with libpcap.

use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pnet_datalink::{Channel, Config, DataLinkReceiver};

use super::{
    check_interface, next_frame_with, KernelStats, LiveConfig, LiveSource, PacketMeta, PullState,
    StopHandle, TimestampSource, POLL_INTERVAL,
};
use crate::capture::{CaptureError, Frame, FrameSource, LinkType, Timestamp};

/// `SOL_PACKET` option (Linux ≥ 4.20): do not deliver outgoing packets to this socket.
const PACKET_IGNORE_OUTGOING: libc::c_int = 23;
/// `SOL_PACKET` option: read (and reset) the socket's packet/drop counters.
const PACKET_STATISTICS: libc::c_int = 6;
/// Receive buffer for one packet: whole 64 KiB GSO/loopback frames fit.
const READ_BUFFER: usize = 262_144;

/// `struct tpacket_stats` from `<linux/if_packet.h>`.
#[repr(C)]
#[derive(Default)]
struct TpacketStats {
    tp_packets: libc::c_uint,
    tp_drops: libc::c_uint,
}

/// A live capture through a pnet datalink channel.
pub struct PnetSource {
    rx: Box<dyn DataLinkReceiver>,
    fd: libc::c_int,
    link: LinkType,
    snaplen: u32,
    totals: KernelStats,
    pull: PullState,
}

impl std::fmt::Debug for PnetSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PnetSource")
            .field("snaplen", &self.snaplen)
            .finish_non_exhaustive()
    }
}

fn os_error(interface: &str, what: &str, err: io::Error) -> CaptureError {
    if err.kind() == io::ErrorKind::PermissionDenied {
        CaptureError::PermissionDenied {
            interface: interface.to_string(),
            detail: format!("{what}: {err}"),
        }
    } else {
        CaptureError::Live(format!("{interface}: {what}: {err}"))
    }
}

/// The frames' link type from the interface's ARPHRD type (`/sys/class/net/NAME/type`):
/// Ethernet and loopback give Ethernet headers, `none` (tun, wireguard) gives raw IP.
fn link_type_of(name: &str) -> LinkType {
    let hw = std::fs::read_to_string(format!("/sys/class/net/{name}/type")).unwrap_or_default();
    match hw.trim() {
        "65534" => LinkType::Raw,
        _ => LinkType::Ethernet,
    }
}

/// Discards what the socket queued before pnet bound it to the interface: between socket(2)
/// and bind(2) an `AF_PACKET` socket receives from *every* interface.
fn drain_unbound(fd: libc::c_int) {
    let mut scratch = [0u8; 64];
    loop {
        // SAFETY: valid descriptor and buffer; MSG_TRUNC discards the rest of each packet.
        let n = unsafe {
            libc::recv(
                fd,
                scratch.as_mut_ptr().cast(),
                scratch.len(),
                libc::MSG_DONTWAIT | libc::MSG_TRUNC,
            )
        };
        if n < 0 {
            break;
        }
    }
}

impl PnetSource {
    /// Opens the interface; refuses a capture filter (pnet cannot apply one).
    pub fn open(config: &LiveConfig) -> Result<PnetSource, CaptureError> {
        if config.filter.is_some() {
            return Err(CaptureError::FilterUnsupported { backend: "pnet" });
        }
        check_interface(&config.interface)?;
        let name = config.interface.as_str();
        let iface = pnet_datalink::interfaces()
            .into_iter()
            .find(|i| i.name == name)
            .ok_or_else(|| {
                CaptureError::Live(format!(
                    "{name}: pnet captures only on kernel network interfaces, not on libpcap \
                     pseudo-devices (any, nflog, ...); use --backend pcap"
                ))
            })?;
        // SAFETY: plain socket(2) call; the descriptor is handed to pnet, which owns and closes it.
        let fd = unsafe {
            libc::socket(
                libc::AF_PACKET,
                libc::SOCK_RAW,
                i32::from((libc::ETH_P_ALL as u16).to_be()),
            )
        };
        if fd < 0 {
            return Err(os_error(name, "socket", io::Error::last_os_error()));
        }
        let set = |opt: libc::c_int, level: libc::c_int, value: libc::c_int| -> io::Result<()> {
            // SAFETY: valid descriptor, pointer to a c_int of the given size.
            let rc = unsafe {
                libc::setsockopt(
                    fd,
                    level,
                    opt,
                    (&value as *const libc::c_int).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                )
            };
            if rc == 0 {
                Ok(())
            } else {
                Err(io::Error::last_os_error())
            }
        };
        let close = || {
            // SAFETY: closing the descriptor created above, not yet handed to pnet.
            unsafe { libc::close(fd) };
        };
        if iface.is_loopback() {
            if let Err(e) = set(PACKET_IGNORE_OUTGOING, libc::SOL_PACKET, 1) {
                close();
                return Err(CaptureError::Live(format!(
                    "{name}: cannot ask the kernel to skip outgoing loopback copies \
                     (PACKET_IGNORE_OUTGOING needs Linux 4.20 or later): {e}; every packet \
                     would be seen twice. Use --backend pcap"
                )));
            }
        }
        if let Some(size) = config.buffer_size {
            let size = libc::c_int::try_from(size).unwrap_or(libc::c_int::MAX);
            // SO_RCVBUFFORCE (root) ignores rmem_max; fall back to the capped SO_RCVBUF.
            if set(libc::SO_RCVBUFFORCE, libc::SOL_SOCKET, size).is_err() {
                let _ = set(libc::SO_RCVBUF, libc::SOL_SOCKET, size);
            }
        }
        let pnet_config = Config {
            read_buffer_size: READ_BUFFER,
            read_timeout: Some(POLL_INTERVAL),
            promiscuous: config.promisc,
            socket_fd: Some(fd),
            ..Config::default()
        };
        let rx = match pnet_datalink::channel(&iface, pnet_config) {
            Ok(Channel::Ethernet(_tx, rx)) => rx,
            Ok(_) => {
                return Err(CaptureError::Live(format!(
                    "{name}: pnet returned an unknown channel type"
                )))
            }
            Err(e) => return Err(os_error(name, "opening the pnet channel", e)),
        };
        drain_unbound(fd);
        Ok(PnetSource {
            rx,
            fd,
            link: link_type_of(name),
            snaplen: config.snaplen.clamp(1, READ_BUFFER as u32),
            totals: KernelStats::default(),
            pull: PullState::default(),
        })
    }

    /// The flag that ends [`FrameSource::next_frame`] on this source.
    pub fn stop_handle(&self) -> StopHandle {
        self.pull.stop.clone()
    }
}

impl LiveSource for PnetSource {
    fn recv_into(
        &mut self,
        buf: &mut Vec<u8>,
        timeout: Duration,
    ) -> Result<Option<PacketMeta>, CaptureError> {
        // pnet's own timeout is fixed when the channel is made; wait here with the caller's,
        // so that a zero timeout only takes what is already queued.
        let mut fds = libc::pollfd {
            fd: self.fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
        // SAFETY: one valid pollfd (the socket owned by `self.rx`), count 1.
        if unsafe { libc::poll(&mut fds, 1, ms) } <= 0 {
            return Ok(None);
        }
        match self.rx.next() {
            Ok(data) => {
                let ts = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| Timestamp::from_parts(d.as_secs() as i64, i64::from(d.subsec_nanos())))
                    .unwrap_or_default();
                let keep = data.len().min(self.snaplen as usize);
                buf.clear();
                buf.extend_from_slice(&data[..keep]);
                Ok(Some(PacketMeta {
                    ts,
                    len: u32::try_from(data.len()).unwrap_or(u32::MAX),
                }))
            }
            Err(e)
                if e.kind() == io::ErrorKind::TimedOut
                    || e.kind() == io::ErrorKind::Interrupted =>
            {
                Ok(None)
            }
            Err(e) => Err(CaptureError::Live(format!(
                "reading from the interface: {e}"
            ))),
        }
    }

    fn kernel_stats(&mut self) -> Option<KernelStats> {
        let mut st = TpacketStats::default();
        let mut len = std::mem::size_of::<TpacketStats>() as libc::socklen_t;
        // SAFETY: the descriptor is owned by `self.rx` and open; `st` has the kernel's layout.
        let rc = unsafe {
            libc::getsockopt(
                self.fd,
                libc::SOL_PACKET,
                PACKET_STATISTICS,
                (&mut st as *mut TpacketStats).cast(),
                &mut len,
            )
        };
        if rc != 0 {
            return None;
        }
        // The kernel resets the counters on each read; keep running totals. Like libpcap,
        // tp_packets already includes the drops.
        self.totals.received += u64::from(st.tp_packets);
        self.totals.dropped += u64::from(st.tp_drops);
        Some(self.totals)
    }

    fn link_type(&self) -> LinkType {
        self.link
    }

    fn timestamps(&self) -> TimestampSource {
        TimestampSource::Receive
    }

    fn snaplen(&self) -> u32 {
        self.snaplen
    }
}

impl FrameSource for PnetSource {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        next_frame_with(self, |s| &mut s.pull)
    }
}
