//! A live source on its own thread, feeding a bounded channel.
//!
//! The kernel ring must be drained at wire speed whatever the consumer does (print, analyse,
//! redraw a GUI). The capture thread copies each packet into a pooled buffer and hands it to a
//! bounded channel with `try_send`: when the consumer falls behind and the channel is full
//! (in frames or in bytes), the packet is dropped *and counted*, so the loss is reported
//! instead of hidden in a silently blocked kernel ring.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, Sender, TrySendError};

use super::{KernelStats, LiveSource, StopHandle, TimestampSource, POLL_INTERVAL};
use crate::capture::{CaptureError, Frame, FrameSource, LinkType, RecordKind, Timestamp};

/// Frames the channel holds before the capture thread starts dropping.
pub const QUEUE_FRAMES: usize = 65_536;
/// Bytes the channel holds before the capture thread starts dropping (bounds memory when the
/// consumer stalls on large frames).
pub const QUEUE_BYTES: usize = 256 << 20;
/// Buffers larger than this are freed instead of pooled, so one jumbo burst does not pin
/// memory for the rest of the capture.
const POOL_MAX_BUFFER: usize = 16 << 10;
/// How often the capture thread refreshes the kernel counters.
const STATS_INTERVAL: Duration = Duration::from_millis(250);

/// One packet travelling from the capture thread to the consumer.
struct Captured {
    ts: Timestamp,
    len: u32,
    data: Vec<u8>,
}

#[derive(Debug, Default)]
struct SharedStats {
    captured: AtomicU64,
    delivered: AtomicU64,
    queue_dropped: AtomicU64,
    queued_bytes: AtomicUsize,
    kernel: Mutex<Option<KernelStats>>,
}

/// A snapshot of a live capture's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CaptureStats {
    /// Packets the capture thread read from the kernel.
    pub captured: u64,
    /// Packets handed to the consumer (frames numbered 1..=delivered).
    pub delivered: u64,
    /// Packets dropped because the consumer fell behind and the channel was full.
    pub queue_dropped: u64,
    /// The kernel's counters (libpcap's `pcap_stats`, or `PACKET_STATISTICS` for pnet).
    pub kernel: Option<KernelStats>,
}

impl CaptureStats {
    /// All packets lost anywhere: kernel buffer, interface, and synack's own channel.
    pub fn total_dropped(&self) -> u64 {
        let k = self.kernel.unwrap_or_default();
        k.dropped + k.if_dropped + self.queue_dropped
    }
}

/// A cloneable, thread-safe view of a capture's counters, for a GUI's status bar.
#[derive(Debug, Clone)]
pub struct StatsHandle(Arc<SharedStats>);

impl StatsHandle {
    /// The counters now (kernel counters are at most 250 ms old).
    pub fn snapshot(&self) -> CaptureStats {
        let s = &self.0;
        CaptureStats {
            captured: s.captured.load(Ordering::Relaxed),
            delivered: s.delivered.load(Ordering::Relaxed),
            queue_dropped: s.queue_dropped.load(Ordering::Relaxed),
            kernel: s.kernel.lock().map(|k| *k).unwrap_or(None),
        }
    }

    fn set_kernel(&self, k: Option<KernelStats>) {
        if let (Some(k), Ok(mut slot)) = (k, self.0.kernel.lock()) {
            *slot = Some(k);
        }
    }
}

/// What [`LiveCapture::next_timeout`] found.
#[derive(Debug)]
pub enum Next<'a> {
    /// A frame.
    Frame(Frame<'a>),
    /// Nothing within the timeout; the capture goes on.
    Idle,
    /// The capture ended (stopped, or the source failed: then the error came first).
    End,
}

enum Filled {
    Frame,
    Idle,
    End,
}

/// A live source running on a capture thread, read through a bounded channel.
pub struct LiveCapture {
    rx: Receiver<Captured>,
    pool: Sender<Vec<u8>>,
    current: Option<Captured>,
    number: u64,
    link: LinkType,
    timestamps: TimestampSource,
    snaplen: u32,
    stop: StopHandle,
    stats: StatsHandle,
    thread: Option<JoinHandle<Result<(), CaptureError>>>,
}

impl std::fmt::Debug for LiveCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveCapture")
            .field("link", &self.link)
            .field("number", &self.number)
            .finish_non_exhaustive()
    }
}

impl LiveCapture {
    /// Starts the capture thread on `source` with the default queue bounds.
    pub fn start(source: Box<dyn LiveSource>) -> Result<LiveCapture, CaptureError> {
        LiveCapture::with_queue(source, QUEUE_FRAMES, QUEUE_BYTES)
    }

    /// Starts the capture thread with a channel of at most `frames` frames and `bytes` bytes.
    pub fn with_queue(
        mut source: Box<dyn LiveSource>,
        frames: usize,
        bytes: usize,
    ) -> Result<LiveCapture, CaptureError> {
        let (tx, rx) = bounded::<Captured>(frames.max(1));
        let (pool_tx, pool_rx) = bounded::<Vec<u8>>(frames.clamp(1, 4096));
        let stop = StopHandle::new();
        let stats = StatsHandle(Arc::new(SharedStats::default()));
        let link = source.link_type();
        let timestamps = source.timestamps();
        let snaplen = source.snaplen();
        let thread_stop = stop.clone();
        let thread_stats = stats.clone();
        let thread = std::thread::Builder::new()
            .name("synack-capture".into())
            .spawn(move || {
                capture_loop(
                    source.as_mut(),
                    &tx,
                    &pool_rx,
                    &thread_stop,
                    &thread_stats,
                    bytes,
                )
            })
            .map_err(|e| CaptureError::Live(format!("cannot start the capture thread: {e}")))?;
        Ok(LiveCapture {
            rx,
            pool: pool_tx,
            current: None,
            number: 0,
            link,
            timestamps,
            snaplen,
            stop,
            stats,
            thread: Some(thread),
        })
    }

    /// The handle that stops this capture (for signal handlers, timers, UI buttons). Frames
    /// already captured are still delivered before [`Next::End`].
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// A handle to read the counters from any thread while the capture runs.
    pub fn stats_handle(&self) -> StatsHandle {
        self.stats.clone()
    }

    /// The counters now.
    pub fn stats(&self) -> CaptureStats {
        self.stats.snapshot()
    }

    /// Link type of the frames (needed to write a pcap header).
    pub fn link_type(&self) -> LinkType {
        self.link
    }

    /// Where the timestamps come from.
    pub fn timestamps(&self) -> TimestampSource {
        self.timestamps
    }

    /// Effective snapshot length.
    pub fn snaplen(&self) -> u32 {
        self.snaplen
    }

    /// Stops the capture, waits for the capture thread, and returns the final counters
    /// (the kernel's included). Frames still queued are discarded.
    pub fn finish(mut self) -> CaptureStats {
        self.stop.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.stats.snapshot()
    }

    /// Waits up to `timeout` for the next frame, so a caller can flush output while idle.
    pub fn next_timeout(&mut self, timeout: Duration) -> Result<Next<'_>, CaptureError> {
        match self.fill(timeout)? {
            Filled::Idle => Ok(Next::Idle),
            Filled::End => Ok(Next::End),
            Filled::Frame => Ok(self.current_frame().map_or(Next::End, Next::Frame)),
        }
    }

    fn current_frame(&self) -> Option<Frame<'_>> {
        self.current.as_ref().map(|c| Frame {
            number: self.number,
            ts: Some(c.ts),
            len: c.len,
            link: self.link,
            interface: 0,
            kind: RecordKind::Packet,
            data: &c.data,
        })
    }

    fn fill(&mut self, timeout: Duration) -> Result<Filled, CaptureError> {
        if let Some(prev) = self.current.take() {
            if prev.data.capacity() <= POOL_MAX_BUFFER {
                let _ = self.pool.try_send(prev.data);
            }
        }
        match self.rx.recv_timeout(timeout) {
            Ok(c) => {
                self.stats
                    .0
                    .queued_bytes
                    .fetch_sub(c.data.len(), Ordering::Relaxed);
                self.stats.0.delivered.fetch_add(1, Ordering::Relaxed);
                self.number += 1;
                self.current = Some(c);
                Ok(Filled::Frame)
            }
            Err(RecvTimeoutError::Timeout) => Ok(Filled::Idle),
            Err(RecvTimeoutError::Disconnected) => match self.thread.take().map(|t| t.join()) {
                Some(Ok(Err(e))) => Err(e),
                Some(Err(_)) => Err(CaptureError::Live("the capture thread crashed".into())),
                _ => Ok(Filled::End),
            },
        }
    }
}

impl FrameSource for LiveCapture {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        loop {
            match self.fill(POLL_INTERVAL)? {
                Filled::Idle => continue,
                Filled::End => return Ok(None),
                Filled::Frame => return Ok(self.current_frame()),
            }
        }
    }
}

impl Drop for LiveCapture {
    fn drop(&mut self) {
        self.stop.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn capture_loop(
    source: &mut dyn LiveSource,
    tx: &Sender<Captured>,
    pool: &Receiver<Vec<u8>>,
    stop: &StopHandle,
    stats: &StatsHandle,
    max_bytes: usize,
) -> Result<(), CaptureError> {
    let shared = &stats.0;
    let mut spare: Option<Vec<u8>> = None;
    let mut last_stats = Instant::now();
    let result = loop {
        if stop.is_stopped() {
            break Ok(());
        }
        if last_stats.elapsed() >= STATS_INTERVAL {
            stats.set_kernel(source.kernel_stats());
            last_stats = Instant::now();
        }
        let mut buf = spare
            .take()
            .or_else(|| pool.try_recv().ok())
            .unwrap_or_else(|| Vec::with_capacity(2048));
        let meta = match source.recv_into(&mut buf, POLL_INTERVAL) {
            Ok(Some(meta)) => meta,
            Ok(None) => {
                spare = Some(buf);
                continue;
            }
            Err(e) => break Err(e),
        };
        shared.captured.fetch_add(1, Ordering::Relaxed);
        let size = buf.len();
        if shared.queued_bytes.load(Ordering::Relaxed) + size > max_bytes {
            shared.queue_dropped.fetch_add(1, Ordering::Relaxed);
            spare = Some(buf);
            continue;
        }
        shared.queued_bytes.fetch_add(size, Ordering::Relaxed);
        let packet = Captured {
            ts: meta.ts,
            len: meta.len,
            data: buf,
        };
        match tx.try_send(packet) {
            Ok(()) => {}
            Err(TrySendError::Full(p)) => {
                shared.queued_bytes.fetch_sub(size, Ordering::Relaxed);
                shared.queue_dropped.fetch_add(1, Ordering::Relaxed);
                spare = Some(p.data);
            }
            // The consumer is gone: nobody wants more frames.
            Err(TrySendError::Disconnected(_)) => break Ok(()),
        }
    };
    stats.set_kernel(source.kernel_stats());
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::live::PacketMeta;

    /// A source that yields `n` numbered packets as fast as asked, then idles.
    struct Counting {
        left: u32,
        sent: u32,
    }

    impl LiveSource for Counting {
        fn recv_into(
            &mut self,
            buf: &mut Vec<u8>,
            timeout: Duration,
        ) -> Result<Option<PacketMeta>, CaptureError> {
            if self.left == 0 {
                std::thread::sleep(timeout.min(Duration::from_millis(5)));
                return Ok(None);
            }
            self.left -= 1;
            self.sent += 1;
            buf.clear();
            buf.extend_from_slice(&self.sent.to_be_bytes());
            Ok(Some(PacketMeta {
                ts: Timestamp(i64::from(self.sent)),
                len: 4,
            }))
        }
        fn kernel_stats(&mut self) -> Option<KernelStats> {
            None
        }
        fn link_type(&self) -> LinkType {
            LinkType::Raw
        }
        fn timestamps(&self) -> TimestampSource {
            TimestampSource::Receive
        }
        fn snaplen(&self) -> u32 {
            65535
        }
    }

    fn wait_captured(cap: &LiveCapture, n: u64) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while cap.stats().captured < n && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn delivers_in_order_then_ends_on_stop() {
        let mut cap =
            LiveCapture::start(Box::new(Counting { left: 100, sent: 0 })).expect("thread starts");
        wait_captured(&cap, 100);
        cap.stop_handle().stop();
        let mut seen = Vec::new();
        while let Some(f) = cap.next_frame().expect("no error") {
            assert_eq!(f.number as usize, seen.len() + 1);
            seen.push(u32::from_be_bytes([
                f.data[0], f.data[1], f.data[2], f.data[3],
            ]));
        }
        assert_eq!(seen, (1..=100).collect::<Vec<_>>());
        let st = cap.stats();
        assert_eq!((st.captured, st.delivered, st.queue_dropped), (100, 100, 0));
    }

    #[test]
    fn a_slow_consumer_makes_counted_drops_not_a_block() {
        // A 10-frame queue nobody reads while 50 packets arrive: 40 must be counted dropped.
        let mut cap =
            LiveCapture::with_queue(Box::new(Counting { left: 50, sent: 0 }), 10, 1 << 20)
                .expect("thread starts");
        wait_captured(&cap, 50);
        cap.stop_handle().stop();
        let mut delivered = 0;
        while cap.next_frame().expect("no error").is_some() {
            delivered += 1;
        }
        let st = cap.stats();
        assert_eq!(st.captured, 50);
        assert_eq!(delivered, 10);
        assert_eq!(st.queue_dropped, 40);
        assert_eq!(st.total_dropped(), 40);
    }

    #[test]
    fn the_byte_bound_also_drops() {
        let mut cap = LiveCapture::with_queue(Box::new(Counting { left: 20, sent: 0 }), 100, 8)
            .expect("thread starts");
        wait_captured(&cap, 20);
        cap.stop_handle().stop();
        let mut delivered = 0;
        while cap.next_frame().expect("no error").is_some() {
            delivered += 1;
        }
        // 4-byte packets, 8-byte budget: two fit, the rest are dropped.
        assert_eq!(delivered, 2);
        assert_eq!(cap.stats().queue_dropped, 18);
    }
}
