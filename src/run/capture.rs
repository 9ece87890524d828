//! The capture of a run: libpcap on `lo` of the programs' namespace (or the host's, or the
//! client host's interface of a pair), on a thread of its own, each frame handed on as it
//! arrives.

use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::Sender;

use super::RunEvent;
use crate::capture::live::{self, KernelStats, LiveConfig, LiveSource};
use crate::capture::{LinkType, OwnedFrame};

/// A capture running on its own thread.
pub struct RunCapture {
    /// Link type of its frames.
    pub link: LinkType,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Option<KernelStats>>,
}

impl RunCapture {
    /// Opens `iface` inside namespace `ns` (the host's when `None`) and starts forwarding
    /// its frames to `tx`. Returns once the capture is open: every packet sent afterwards is
    /// captured (no BPF filter is set, so libpcap flushes nothing).
    pub fn start(
        ns: Option<Arc<OwnedFd>>,
        iface: &str,
        tx: Sender<RunEvent>,
    ) -> anyhow::Result<RunCapture> {
        let iface = iface.to_owned();
        let iface_name = iface.clone();
        let (ready_tx, ready_rx) = crossbeam_channel::bounded(1);
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::Builder::new()
            .name("synack-run-capture".into())
            .spawn(move || {
                let opened = (|| -> anyhow::Result<Box<dyn LiveSource>> {
                    if let Some(ns) = &ns {
                        super::netns::enter(ns)
                            .map_err(|e| anyhow::anyhow!("joining the run's namespace: {e}"))?;
                    }
                    let mut cfg = LiveConfig::new(&iface);
                    cfg.promisc = false;
                    // Batched (TPACKET_V3 blocks handed over when full or after libpcap's
                    // timeout): packets packed by their size, so a burst of small ones fits
                    // (immediate mode's slots are snaplen-sized: 32 MiB held 500 frames and
                    // dropped some under load), and one wake-up per block instead of one
                    // per packet while the traced program runs.
                    cfg.immediate = false;
                    // Frames are at most 64 KiB + headers (loopback; the pair's veths carry
                    // 1500-byte frames); libpcap's ring slots are snaplen-sized, so a smaller
                    // snaplen means more slots per MiB.
                    cfg.snaplen = SNAPLEN;
                    cfg.buffer_size = Some(32 << 20);
                    Ok(live::open(&cfg)?)
                })();
                let mut src = match opened {
                    Ok(s) => {
                        let _ = ready_tx.send(Ok(s.link_type()));
                        s
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return None;
                    }
                };
                let link = src.link_type();
                let mut buf = Vec::with_capacity(SNAPLEN as usize);
                let mut number = 0;
                let mut stop_at: Option<i64> = None;
                loop {
                    let asked_at = crate::trace::tracee::now_ns();
                    // Asked to stop: what was captured until then is handed over within the
                    // block timeout; stop once a question asked after that finds nothing.
                    if stop_at.is_none() && stopping.load(Ordering::SeqCst) {
                        stop_at = Some(asked_at + BLOCK_LAG_NS);
                    }
                    match src.recv_into(&mut buf, Duration::from_millis(20)) {
                        Ok(Some(meta)) => {
                            number += 1;
                            let mut f = OwnedFrame::packet(number, meta.ts, link, buf.clone());
                            f.len = meta.len.max(buf.len() as u32);
                            if tx.send(RunEvent::Frame(f)).is_err() {
                                break;
                            }
                        }
                        // Idle: stop once asked (everything captured before is delivered).
                        Ok(None) if stop_at.is_some_and(|at| asked_at >= at) => break,
                        // Nothing handed over: every packet older than the block timeout
                        // before the question has been.
                        Ok(None) => {
                            let mark = RunEvent::CaptureMark(asked_at - BLOCK_LAG_NS);
                            if tx.send(mark).is_err() {
                                break;
                            }
                        }
                        Err(_) => break,
                    }
                }
                src.kernel_stats()
            })?;
        match ready_rx.recv() {
            Ok(Ok(link)) => Ok(RunCapture { link, stop, thread }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e.context(format!("capturing on the run's {iface_name}")))
            }
            Err(_) => {
                let _ = thread.join();
                anyhow::bail!("the capture thread ended before it opened {iface_name}")
            }
        }
    }

    /// Stops once every packet captured before now has been handed on (within the block
    /// timeout), and returns the kernel's counters.
    pub fn finish(self) -> Option<KernelStats> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.join().unwrap_or_default()
    }
}

/// How long a captured packet may sit in libpcap's ring before it is handed over: the
/// 100 ms block timeout `capture::live` opens libpcap with, and a margin for the kernel's
/// timer, ns.
const BLOCK_LAG_NS: i64 = 150_000_000;

/// Bytes kept of each frame: a whole loopback frame.
const SNAPLEN: u32 = 65_536 + 64;
