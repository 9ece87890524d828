//! The capture session of a run with real sockets: libpcap on one interface, filtered to the
//! run's ports, in a thread of its own.
//!
//! [`Capture::start`] returns only once the capture demonstrably sees packets (a marker
//! datagram of its own came through), so the run's first SYN is not lost to capture
//! start-up; [`Capture::finish`] lets the last packets arrive, stops, and says how many the
//! kernel dropped. Each kept frame is also reported to the run's [`Tap`] as it arrives.

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::tap::{LiveEvent, Tap};
use crate::capture::live::{self as cap, LiveConfig};
use crate::capture::{LinkType, OwnedFrame};

/// A running capture of one run's traffic.
pub(crate) struct Capture {
    /// Link type of the captured frames.
    pub link: LinkType,
    stop: Arc<AtomicBool>,
    thread: thread::JoinHandle<(Vec<OwnedFrame>, u64)>,
}

impl Capture {
    /// Opens `iface` with `filter` and waits until the capture demonstrably sees packets (a
    /// marker datagram from `ip` to a port of our own, or to `marker_to` across `iface`, is
    /// captured), so the scenario's first SYN is not lost to capture start-up; the error
    /// says why the capture could not start (e.g. no permission).
    pub(crate) fn start(
        iface: &str,
        filter: &str,
        ip: IpAddr,
        marker_to: Option<IpAddr>,
        tap: Option<Tap>,
    ) -> Result<Capture, String> {
        let marker = UdpSocket::bind((ip, 0)).map_err(|e| e.to_string())?;
        let mport = marker.local_addr().map_err(|e| e.to_string())?.port();
        // On lo the marker goes to itself; elsewhere to a neighbour, so it crosses `iface`.
        let marker_addr = SocketAddr::new(
            marker_to.unwrap_or(ip),
            if marker_to.is_some() { 9 } else { mport },
        );
        let mut cfg = LiveConfig::new(iface);
        cfg.filter = Some(format!("({filter}) or (udp port {mport})"));
        cfg.promisc = false;
        cfg.immediate = true;
        // libpcap's ring slots are snaplen-sized: with the default 256 KiB snaplen a 2 MiB
        // ring holds 8 packets and a burst overflows it. Loopback frames are at most
        // 65536 + 14 bytes; a 32 MiB ring then holds hundreds.
        cfg.snaplen = 65_536 + 64;
        cfg.buffer_size = Some(32 << 20);
        let mut src = cap::open(&cfg).map_err(|e| e.to_string())?;
        let link = src.link_type();
        let stop = Arc::new(AtomicBool::new(false));
        let synced = Arc::new(AtomicBool::new(false));
        let (flag, seen) = (stop.clone(), synced.clone());
        let thread = thread::spawn(move || {
            let mut frames = Vec::new();
            let mut buf = Vec::with_capacity(65536);
            // Frames past this many are not kept (a run moves far fewer).
            const CAP: usize = 100_000;
            // Drops counted before the marker arrived belong to capture start-up.
            let mut baseline: Option<u64> = None;
            loop {
                match src.recv_into(&mut buf, Duration::from_millis(20)) {
                    Ok(Some(meta)) => {
                        if baseline.is_none() {
                            baseline =
                                Some(src.kernel_stats().map_or(0, |k| k.dropped + k.if_dropped));
                        }
                        let mut f =
                            OwnedFrame::packet(frames.len() as u64 + 1, meta.ts, link, buf.clone());
                        f.len = meta.len.max(buf.len() as u32);
                        let is_marker = crate::decode::decode(&f.as_frame())
                            .ports()
                            .is_some_and(|(a, b)| a == mport || b == mport);
                        if is_marker {
                            seen.store(true, Ordering::SeqCst);
                        } else if frames.len() < CAP {
                            if let Some(tap) = &tap {
                                let _ = tap.send(LiveEvent::Frame(f.clone()));
                            }
                            frames.push(f);
                        }
                    }
                    Ok(None) => {
                        if flag.load(Ordering::SeqCst) {
                            break;
                        }
                    }
                    Err(_) => break,
                }
            }
            let dropped = src.kernel_stats().map_or(0, |k| k.dropped + k.if_dropped);
            (frames, dropped.saturating_sub(baseline.unwrap_or(dropped)))
        });
        for _ in 0..100 {
            let _ = marker.send_to(b"synack-gen capture sync", marker_addr);
            thread::sleep(Duration::from_millis(10));
            if synced.load(Ordering::SeqCst) {
                return Ok(Capture { stop, thread, link });
            }
        }
        stop.store(true, Ordering::SeqCst);
        let _ = thread.join();
        Err(format!(
            "the capture on {iface} saw none of its own marker packets within 1 s"
        ))
    }

    /// Lets the last packets arrive, stops, returns the frames (renumbered from 1) and the
    /// number the kernel dropped.
    pub(crate) fn finish(self) -> (Vec<OwnedFrame>, u64) {
        thread::sleep(Duration::from_millis(100));
        self.stop.store(true, Ordering::SeqCst);
        let (mut frames, dropped) = self.thread.join().unwrap_or_default();
        for (i, f) in frames.iter_mut().enumerate() {
            f.number = i as u64 + 1;
        }
        (frames, dropped)
    }
}
