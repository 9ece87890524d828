//! The capture of a run: libpcap on `lo` of the programs' namespace (or the host's), on a
//! thread of its own, each frame handed on as it arrives.

use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::Sender;

use super::RunEvent;
use crate::capture::live::{self, CaptureStats, LiveCapture, LiveConfig, Next, StopHandle};
use crate::capture::LinkType;

/// A capture running on its own thread.
pub struct RunCapture {
    /// Link type of its frames.
    pub link: LinkType,
    stop: StopHandle,
    thread: JoinHandle<CaptureStats>,
}

impl RunCapture {
    /// Opens `lo` inside namespace `ns` (the host's when `None`) and starts forwarding its
    /// frames to `tx`. Returns once the capture is open: every packet sent afterwards is
    /// captured (no BPF filter is set, so libpcap flushes nothing).
    pub fn start(ns: Option<Arc<OwnedFd>>, tx: Sender<RunEvent>) -> anyhow::Result<RunCapture> {
        let (ready_tx, ready_rx) = crossbeam_channel::bounded(1);
        let thread = std::thread::Builder::new()
            .name("synack-run-capture".into())
            .spawn(move || {
                let opened = (|| -> anyhow::Result<LiveCapture> {
                    if let Some(ns) = &ns {
                        super::netns::enter(ns)
                            .map_err(|e| anyhow::anyhow!("joining the run's namespace: {e}"))?;
                    }
                    let mut cfg = LiveConfig::new("lo");
                    cfg.promisc = false;
                    cfg.immediate = true;
                    // Loopback frames are at most 64 KiB + headers; libpcap's ring slots are
                    // snaplen-sized, so a smaller snaplen means more slots per MiB.
                    cfg.snaplen = 65_536 + 64;
                    cfg.buffer_size = Some(32 << 20);
                    Ok(LiveCapture::start(live::open(&cfg)?)?)
                })();
                let mut cap = match opened {
                    Ok(c) => {
                        let _ = ready_tx.send(Ok((c.stop_handle(), c.link_type())));
                        c
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return CaptureStats::default();
                    }
                };
                loop {
                    match cap.next_timeout(Duration::from_millis(50)) {
                        Ok(Next::Frame(f)) => {
                            if tx.send(RunEvent::Frame(f.to_owned())).is_err() {
                                cap.stop_handle().stop();
                            }
                        }
                        Ok(Next::Idle) => {}
                        Ok(Next::End) | Err(_) => break,
                    }
                }
                cap.finish()
            })?;
        match ready_rx.recv() {
            Ok(Ok((stop, link))) => Ok(RunCapture { link, stop, thread }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e.context("capturing on the run's loopback"))
            }
            Err(_) => {
                let _ = thread.join();
                anyhow::bail!("the capture thread ended before it opened lo")
            }
        }
    }

    /// Lets the last packets arrive, stops, and returns the capture's counters.
    pub fn finish(self) -> CaptureStats {
        std::thread::sleep(Duration::from_millis(150));
        self.stop.stop();
        self.thread.join().unwrap_or_default()
    }
}
