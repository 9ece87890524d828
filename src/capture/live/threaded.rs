//! A live source on its own thread, feeding a bounded channel.
//!
//! The kernel ring must be drained at wire speed whatever the consumer does (print, analyse,
//! redraw a GUI). The capture thread copies packets into pooled buffers, groups them in
//! batches (one channel operation and at most one wakeup per batch, not per packet), and hands
//! each batch to a bounded channel with `try_send`: when the consumer falls behind and the
//! channel is full (in frames or in bytes), the packets are dropped *and counted*, so the loss
//! is reported instead of hidden in a silently blocked kernel ring. A partial batch is sent as
//! soon as the kernel has nothing more ready, so batching adds no latency on a quiet link.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, Sender, TrySendError};

use super::{KernelStats, LiveSource, StopHandle, TimestampSource, POLL_INTERVAL};
use crate::capture::{CaptureError, Frame, FrameSource, LinkType, RecordKind, Timestamp};

/// Frames the channel holds before the capture thread starts dropping.
pub(super) const QUEUE_FRAMES: usize = 65_536;
/// Bytes the channel holds before the capture thread starts dropping (bounds memory when the
/// consumer stalls on large frames).
pub(super) const QUEUE_BYTES: usize = 256 << 20;
/// Buffers larger than this are freed instead of pooled, so one jumbo burst does not pin
/// memory for the rest of the capture.
const POOL_MAX_BUFFER: usize = 16 << 10;
/// Packets per batch sent through the channel.
const BATCH: usize = 64;
/// Empty batches (with their buffers) kept for reuse.
const POOL_BATCHES: usize = 16;
/// How long the capture thread keeps reading after a stop (one kernel block timeout, plus
/// margin), so packets captured before the stop are delivered.
const FINAL_DRAIN: Duration = Duration::from_millis(250);
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
    queued_frames: AtomicUsize,
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
    rx: Receiver<Vec<Captured>>,
    pool: Sender<Vec<Captured>>,
    /// The batch being handed out, and the index of the current frame in it.
    batch: Vec<Captured>,
    index: usize,
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
        let (tx, rx) = bounded::<Vec<Captured>>(frames.div_ceil(BATCH).max(1));
        let (pool_tx, pool_rx) = bounded::<Vec<Captured>>(POOL_BATCHES);
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
                    Limits {
                        frames: frames.max(1),
                        bytes,
                    },
                )
            })
            .map_err(|e| CaptureError::Live(format!("cannot start the capture thread: {e}")))?;
        Ok(LiveCapture {
            rx,
            pool: pool_tx,
            batch: Vec::new(),
            index: 0,
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
        self.batch.get(self.index).map(|c| Frame {
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
        if self.index + 1 < self.batch.len() {
            self.index += 1;
            self.delivered();
            return Ok(Filled::Frame);
        }
        let mut done = std::mem::take(&mut self.batch);
        if !done.is_empty() {
            for c in &mut done {
                if c.data.capacity() > POOL_MAX_BUFFER {
                    c.data = Vec::new();
                }
            }
            let _ = self.pool.try_send(done);
        }
        match self.rx.recv_timeout(timeout) {
            Ok(batch) => {
                let bytes: usize = batch.iter().map(|c| c.data.len()).sum();
                let shared = &self.stats.0;
                shared.queued_bytes.fetch_sub(bytes, Ordering::Relaxed);
                shared
                    .queued_frames
                    .fetch_sub(batch.len(), Ordering::Relaxed);
                self.batch = batch;
                self.index = 0;
                if self.batch.is_empty() {
                    return Ok(Filled::Idle);
                }
                self.delivered();
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

    fn delivered(&mut self) {
        self.stats.0.delivered.fetch_add(1, Ordering::Relaxed);
        self.number += 1;
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

/// Bounds of the channel between the capture thread and the consumer.
struct Limits {
    frames: usize,
    bytes: usize,
}

/// The batch the capture thread is filling.
struct Filling {
    batch: Vec<Captured>,
    filled: usize,
    bytes: usize,
}

impl Filling {
    fn new(pool: &Receiver<Vec<Captured>>) -> Filling {
        Filling {
            batch: pool
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(BATCH)),
            filled: 0,
            bytes: 0,
        }
    }

    /// The buffer for the next packet (a recycled one when the batch has it).
    fn next_buffer(&mut self) -> &mut Vec<u8> {
        if self.filled == self.batch.len() {
            self.batch.push(Captured {
                ts: Timestamp(0),
                len: 0,
                data: Vec::with_capacity(2048),
            });
        }
        &mut self.batch[self.filled].data
    }
}

/// Sends the filled part of the batch, or counts it dropped when the consumer is behind.
/// Returns false when the consumer is gone.
fn send_batch(
    filling: &mut Filling,
    tx: &Sender<Vec<Captured>>,
    pool: &Receiver<Vec<Captured>>,
    shared: &SharedStats,
    limits: &Limits,
) -> bool {
    if filling.filled == 0 {
        return true;
    }
    let n = filling.filled;
    let bytes = filling.bytes;
    let over = shared.queued_bytes.load(Ordering::Relaxed) + bytes > limits.bytes
        || shared.queued_frames.load(Ordering::Relaxed) + n > limits.frames;
    if over {
        shared.queue_dropped.fetch_add(n as u64, Ordering::Relaxed);
        filling.filled = 0;
        filling.bytes = 0;
        return true;
    }
    let mut batch = std::mem::replace(filling, Filling::new(pool)).batch;
    batch.truncate(n);
    shared.queued_bytes.fetch_add(bytes, Ordering::Relaxed);
    shared.queued_frames.fetch_add(n, Ordering::Relaxed);
    match tx.try_send(batch) {
        Ok(()) => true,
        Err(TrySendError::Full(batch)) => {
            shared.queued_bytes.fetch_sub(bytes, Ordering::Relaxed);
            shared.queued_frames.fetch_sub(n, Ordering::Relaxed);
            shared.queue_dropped.fetch_add(n as u64, Ordering::Relaxed);
            // Reuse the dropped batch's buffers.
            filling.batch = batch;
            true
        }
        Err(TrySendError::Disconnected(_)) => false,
    }
}

fn capture_loop(
    source: &mut dyn LiveSource,
    tx: &Sender<Vec<Captured>>,
    pool: &Receiver<Vec<Captured>>,
    stop: &StopHandle,
    stats: &StatsHandle,
    limits: Limits,
) -> Result<(), CaptureError> {
    let shared = &stats.0;
    let mut filling = Filling::new(pool);
    let mut last_stats = Instant::now();
    let mut stopping: Option<Instant> = None;
    let result = loop {
        // After a stop, keep reading for one kernel block timeout: without immediate mode
        // the kernel hands over packets in blocks up to 100 ms late, and those captured
        // before the stop belong to the capture.
        if stop.is_stopped() {
            let deadline = *stopping.get_or_insert_with(|| Instant::now() + FINAL_DRAIN);
            if Instant::now() >= deadline {
                break Ok(());
            }
        }
        if last_stats.elapsed() >= STATS_INTERVAL {
            stats.set_kernel(source.kernel_stats());
            last_stats = Instant::now();
        }
        // With a partial batch pending, only take what is ready; send when nothing is.
        let timeout = if filling.filled > 0 {
            Duration::ZERO
        } else if stopping.is_some() {
            Duration::from_millis(10)
        } else {
            POLL_INTERVAL
        };
        let got = source.recv_into(filling.next_buffer(), timeout);
        match got {
            Ok(Some(meta)) => {
                shared.captured.fetch_add(1, Ordering::Relaxed);
                let slot = &mut filling.batch[filling.filled];
                slot.ts = meta.ts;
                slot.len = meta.len;
                filling.bytes += slot.data.len();
                filling.filled += 1;
                if filling.filled == BATCH && !send_batch(&mut filling, tx, pool, shared, &limits) {
                    break Ok(());
                }
            }
            Ok(None) => {
                if !send_batch(&mut filling, tx, pool, shared, &limits) {
                    break Ok(());
                }
            }
            Err(e) => break Err(e),
        }
    };
    // Deliver what was captured before the stop or the error.
    send_batch(&mut filling, tx, pool, shared, &limits);
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

    /// Stops the capture once it has captured `n` packets and its queue had time to settle,
    /// then reads what was queued; returns how many frames that was.
    fn stop_after_and_drain(cap: &mut LiveCapture, n: u64) -> u64 {
        wait_captured(cap, n);
        std::thread::sleep(Duration::from_millis(50));
        cap.stop_handle().stop();
        let mut delivered = 0;
        while cap.next_frame().expect("no error").is_some() {
            delivered += 1;
        }
        delivered
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
        // A 100-frame queue nobody reads while 1000 packets arrive: what does not fit is
        // dropped and counted, and every packet is either delivered or counted.
        let mut cap = LiveCapture::with_queue(
            Box::new(Counting {
                left: 1000,
                sent: 0,
            }),
            100,
            1 << 20,
        )
        .expect("thread starts");
        let delivered = stop_after_and_drain(&mut cap, 1000);
        let st = cap.stats();
        assert_eq!(st.captured, 1000);
        assert!(delivered > 0 && delivered <= 100, "{delivered}");
        assert_eq!(st.delivered, delivered);
        assert_eq!(st.queue_dropped, 1000 - delivered);
        assert_eq!(st.total_dropped(), 1000 - delivered);
    }

    #[test]
    fn the_byte_bound_also_drops() {
        let mut cap = LiveCapture::with_queue(Box::new(Counting { left: 20, sent: 0 }), 100, 8)
            .expect("thread starts");
        let delivered = stop_after_and_drain(&mut cap, 20);
        // 4-byte packets, 8-byte budget: at most two are queued, the rest are dropped.
        assert!(delivered <= 2, "{delivered}");
        assert_eq!(cap.stats().queue_dropped, 20 - delivered);
    }
}
