//! Reading, decoding and analysing a capture file on one thread while the caller consumes
//! the analysed frames on another (`--threads`), or all on the calling thread.
//!
//! The analysis engine sees every frame in file order on a single thread either way, and the
//! consumer receives exactly the same `(frame, packet, annotation)` sequence, so the output of
//! `synack flows` and `synack read` does not depend on the thread count (tests/threads_identity.rs
//! checks it byte for byte). What runs in parallel is the file reading, decoding and engine on
//! one side and the consumer (reassembly and framing, or formatting and writing) on the other.
//!
//! A classic pcap file is read in blocks of 256 KiB ([`PcapBlocks`]) that go to the
//! consumer whole, with the decoded frames pointing into them: no frame is copied (one
//! thread reads the same blocks). Other files (pcapng) are read frame by frame and each
//! frame copied into the batch. What crosses with each frame is what the consumer keeps of
//! the annotation ([`Kept`]): all of it for `read`'s listing, only the stream and direction
//! for reassembly.

use std::ops::{ControlFlow, Range};

use crossbeam_channel::{bounded, Receiver, RecvError, Sender, TryRecvError};

use crate::analysis::{Annotation, Config, Engine, FlowRef};
use crate::capture::{
    BlockEnd, BlockRecord, CaptureError, CaptureInput, Frame, FrameOf, LinkType, PcapBlocks,
    RecordKind,
};
use crate::decode::{decode, Packet};

/// Frames per batch handed between the threads when frames are copied (amortises the channel).
const BATCH_FRAMES: usize = 512;
/// Batches in flight: bounds the memory of the pipeline (a few MB) whatever the file size.
/// Eight blocks (2 MiB, about 1 ms of work) let either thread be paused by the hypervisor
/// for a moment without stalling the other: on the 2-core VM, 8 gave `flows` medians 5-10%
/// below 4 in interleaved runs (0.655 against 0.725 s), and 16 did no better than 8.
const BATCHES_IN_FLIGHT: usize = 8;

/// How long a thread waiting for the other polls before it sleeps. A batch takes the other
/// thread 50–150 µs, so waits are short; sleeping in the kernel and being woken for each of a
/// million-packet file's ~4,000 blocks cost both threads about 5% of their time (perf: futex
/// wake and task switch; waking a sleeping vCPU is dear on a VM). With 300 µs the waiting
/// thread almost never sleeps (about 170 context switches a run instead of 2,500); 50 µs
/// left about 1,000 and was as fast or up to 15% slower in interleaved runs. Short enough
/// that a thread whose partner is descheduled soon stops burning its core.
const POLL_BEFORE_SLEEP: std::time::Duration = std::time::Duration::from_micros(300);

/// `rx.recv()`, polling for [`POLL_BEFORE_SLEEP`] before sleeping.
fn recv_polling<T>(rx: &Receiver<T>) -> Result<T, RecvError> {
    let mut started = None;
    loop {
        for _ in 0..64 {
            match rx.try_recv() {
                Ok(v) => return Ok(v),
                Err(TryRecvError::Disconnected) => return Err(RecvError),
                Err(TryRecvError::Empty) => std::hint::spin_loop(),
            }
        }
        let now = std::time::Instant::now();
        if now.duration_since(*started.get_or_insert(now)) >= POLL_BEFORE_SLEEP {
            return rx.recv();
        }
    }
}

/// The thread count used when `--threads` is not given: two when the machine has two or
/// more cores (the pipeline has two stages), else one. Measured on the 2-core development
/// machine on a million-packet flood (`benches/compare.sh`, quiet runs): two threads made
/// `synack flows` about 1.15x faster (0.34 s against 0.39 s) and `synack read --json`
/// 1.05–1.15x, except while other jobs kept both cores busy, when the hand-over between
/// threads can cost more than it gains; `--threads 1` is the choice on a saturated machine.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(2))
}

/// What is left when a file has been analysed to its end (or to the consumer's stop).
#[derive(Debug)]
pub struct Analysed {
    /// The engine after the last frame (connections and counters).
    pub engine: Engine,
    /// The read error that ended the file early, if any.
    pub error: Option<CaptureError>,
    /// Frames read.
    pub frames: u64,
}

/// Analyses every frame of `reader` (a file, or several merged in time order) and hands
/// each one, decoded and annotated, to `consume`, in file order; `consume` returns `Break` to
/// stop early. With `threads` ≥ 2 the reading, decoding and analysis run on a worker thread;
/// the result is the same.
pub fn analyse_file<F>(reader: impl Into<CaptureInput>, threads: usize, consume: F) -> Analysed
where
    F: FnMut(&Frame<'_>, &Packet, &Annotation) -> ControlFlow<()>,
{
    analyse_file_keeping(reader, threads, consume)
}

/// What the engine hands the consumer for each frame: the whole annotation, or only the
/// packet's connection and direction (all reassembly reads).
pub trait Kept: Send + Sized {
    /// Runs the engine on one frame.
    fn analyse(engine: &mut Engine, frame: &Frame<'_>, packet: &Packet) -> Self;
}

impl Kept for Annotation {
    fn analyse(engine: &mut Engine, frame: &Frame<'_>, packet: &Packet) -> Self {
        engine.process(frame, packet)
    }
}

impl Kept for Option<FlowRef> {
    fn analyse(engine: &mut Engine, frame: &Frame<'_>, packet: &Packet) -> Self {
        engine.process_flow(frame, packet)
    }
}

/// [`analyse_file`] handing `consume` what `A` keeps of each annotation: a consumer that
/// needs only the stream and direction (`synack flows`) spares the engine building the
/// whole annotation and the threads moving it (528 bytes per frame, more than most
/// packets' headers).
pub fn analyse_file_keeping<A, F>(
    reader: impl Into<CaptureInput>,
    threads: usize,
    mut consume: F,
) -> Analysed
where
    A: Kept,
    F: FnMut(&Frame<'_>, &Packet, &A) -> ControlFlow<()>,
{
    analyse_file_located(reader, threads, |f, p, a, _| consume(f, p, a))
}

/// [`analyse_file_keeping`] also handing `consume` where each frame's bytes are in its file
/// (`None` for frames merged from several files), so a consumer can read them again later
/// instead of keeping them (the window's packet store).
pub fn analyse_file_located<A, F>(
    reader: impl Into<CaptureInput>,
    threads: usize,
    consume: F,
) -> Analysed
where
    A: Kept,
    F: FnMut(&Frame<'_>, &Packet, &A, Option<u64>) -> ControlFlow<()>,
{
    let reader = reader.into();
    if threads >= 2 {
        pipelined(reader, consume)
    } else {
        inline(reader, consume)
    }
}

/// A single classic pcap file as blocks; anything else frame by frame.
fn blocks_or_frames(input: CaptureInput) -> Result<PcapBlocks, CaptureInput> {
    match input {
        CaptureInput::One(reader) => reader.into_blocks().map_err(CaptureInput::One),
        merged => Err(merged),
    }
}

fn inline<A: Kept, F>(reader: CaptureInput, consume: F) -> Analysed
where
    F: FnMut(&Frame<'_>, &Packet, &A, Option<u64>) -> ControlFlow<()>,
{
    match blocks_or_frames(reader) {
        Ok(blocks) => inline_blocks(blocks, consume),
        Err(reader) => inline_frames(reader, consume),
    }
}

/// One thread over a classic pcap file read in blocks (no pcap-parser buffer to shift).
fn inline_blocks<A: Kept, F>(mut blocks: PcapBlocks, mut consume: F) -> Analysed
where
    F: FnMut(&Frame<'_>, &Packet, &A, Option<u64>) -> ControlFlow<()>,
{
    let mut engine = Engine::new(Config::default());
    let link = blocks.link();
    let (mut data, mut records) = (Vec::new(), Vec::new());
    let mut stopped_at = None;
    let error = 'blocks: loop {
        let end = blocks.fill(&mut data, &mut records);
        for r in &records {
            let frame = block_frame(r, link, &data);
            let packet = decode(&frame);
            let ann = A::analyse(&mut engine, &frame, &packet);
            if consume(&frame, &packet, &ann, Some(r.offset)).is_break() {
                stopped_at = Some(r.number);
                break 'blocks None;
            }
        }
        if let BlockEnd::Done(error) = end {
            break error;
        }
    };
    Analysed {
        engine,
        error,
        // Frames read as a frame-by-frame reader would count them when the consumer stopped.
        frames: stopped_at.unwrap_or_else(|| blocks.frames_read()),
    }
}

fn inline_frames<A: Kept, F>(mut reader: CaptureInput, mut consume: F) -> Analysed
where
    F: FnMut(&Frame<'_>, &Packet, &A, Option<u64>) -> ControlFlow<()>,
{
    let mut engine = Engine::new(Config::default());
    let error = loop {
        match reader.next_located() {
            Ok(Some((frame, offset))) => {
                let packet = decode(&frame);
                let ann = A::analyse(&mut engine, &frame, &packet);
                if consume(&frame, &packet, &ann, offset).is_break() {
                    break None;
                }
            }
            Ok(None) => break None,
            Err(e) => break Some(e),
        }
    };
    Analysed {
        engine,
        error,
        frames: reader.frames_read(),
    }
}

/// The frame a block record describes; its bytes are in `block`.
fn block_frame<'a>(r: &BlockRecord, link: LinkType, block: &'a [u8]) -> Frame<'a> {
    Frame {
        number: r.number,
        ts: Some(r.ts),
        len: r.len,
        link,
        interface: 0,
        kind: RecordKind::Packet,
        data: &block[r.start..r.end],
    }
}

/// One analysed frame in a batch; its bytes are the range `frame.data` of the batch's data.
struct Item<A> {
    frame: FrameOf<Range<usize>>,
    /// Where the frame's bytes are in its file (not for merged files).
    offset: Option<u64>,
    packet: Packet,
    ann: A,
}

/// Frames analysed by the worker, with their bytes in one buffer: a block of the file, or
/// the frames' copies. The worker prepares `data` for its use; the consumer leaves it as is.
struct Batch<A> {
    data: Vec<u8>,
    items: Vec<Item<A>>,
}

impl<A> Default for Batch<A> {
    fn default() -> Self {
        Batch {
            data: Vec::new(),
            items: Vec::new(),
        }
    }
}

fn pipelined<A: Kept, F>(reader: CaptureInput, mut consume: F) -> Analysed
where
    F: FnMut(&Frame<'_>, &Packet, &A, Option<u64>) -> ControlFlow<()>,
{
    let path = reader.name();
    let source = blocks_or_frames(reader);
    let (full_tx, full_rx) = bounded::<Batch<A>>(BATCHES_IN_FLIGHT);
    // Every batch ever used is made here and goes round between the threads: no allocation
    // (and no page faults) per batch. One more than fit in the channel, for the worker.
    let (empty_tx, empty_rx) = bounded::<Batch<A>>(BATCHES_IN_FLIGHT + 1);
    for _ in 0..=BATCHES_IN_FLIGHT {
        let batch = Batch {
            data: Vec::with_capacity(BATCH_FRAMES * 1600),
            items: Vec::with_capacity(BATCH_FRAMES),
        };
        if empty_tx.try_send(batch).is_err() {
            break;
        }
    }
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("synack-analyse".into())
            .spawn_scoped(scope, move || match source {
                Ok(blocks) => produce_blocks(blocks, &full_tx, &empty_rx),
                Err(reader) => produce(reader, &full_tx, &empty_rx),
            });
        let worker = match worker {
            Ok(w) => w,
            Err(source) => {
                return Analysed {
                    engine: Engine::new(Config::default()),
                    error: Some(CaptureError::Io { path, source }),
                    frames: 0,
                }
            }
        };
        'batches: while let Ok(mut batch) = recv_polling(&full_rx) {
            for it in &batch.items {
                let frame = it.frame.with_data(&batch.data[it.frame.data.clone()]);
                if consume(&frame, &it.packet, &it.ann, it.offset).is_break() {
                    break 'batches;
                }
            }
            batch.items.clear();
            // The worker may have finished: a closed recycling channel is fine.
            let _ = empty_tx.try_send(batch);
        }
        // Dropping the receiver stops a worker that is still reading.
        drop(full_rx);
        drop(empty_tx);
        match worker.join() {
            Ok(done) => done,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// The worker for classic pcap: reads blocks of the file into recycled batches, then decodes
/// and analyses the frames in place, sending each block until the file ends or the consumer
/// hangs up.
fn produce_blocks<A: Kept>(
    mut blocks: PcapBlocks,
    full: &Sender<Batch<A>>,
    empty: &Receiver<Batch<A>>,
) -> Analysed {
    let mut engine = Engine::new(Config::default());
    let mut records = Vec::new();
    let link = blocks.link();
    let error = loop {
        // Waits for the consumer to hand a batch back; it hung up when it stopped.
        let Ok(mut batch) = recv_polling(empty) else {
            break None;
        };
        let end = blocks.fill(&mut batch.data, &mut records);
        batch.items.clear();
        for r in &records {
            let frame = block_frame(r, link, &batch.data);
            let packet = decode(&frame);
            let ann = A::analyse(&mut engine, &frame, &packet);
            batch.items.push(Item {
                frame: frame.with_data(r.start..r.end),
                offset: Some(r.offset),
                packet,
                ann,
            });
        }
        if full.send(batch).is_err() {
            break None;
        }
        if let BlockEnd::Done(error) = end {
            break error;
        }
    };
    Analysed {
        engine,
        error,
        frames: blocks.frames_read(),
    }
}

/// The worker for other files: reads, decodes and analyses frame by frame, copying each
/// frame into the batch, sending full batches until the file ends or the consumer hangs up.
fn produce<A: Kept>(
    mut reader: CaptureInput,
    full: &Sender<Batch<A>>,
    empty: &Receiver<Batch<A>>,
) -> Analysed {
    let mut engine = Engine::new(Config::default());
    let mut batch = recv_polling(empty).unwrap_or_default();
    batch.data.clear();
    let error = loop {
        match reader.next_located() {
            Ok(Some((frame, offset))) => {
                let packet = decode(&frame);
                let ann = A::analyse(&mut engine, &frame, &packet);
                let start = batch.data.len();
                batch.data.extend_from_slice(frame.data);
                batch.items.push(Item {
                    frame: frame.with_data(start..batch.data.len()),
                    offset,
                    packet,
                    ann,
                });
                if batch.items.len() >= BATCH_FRAMES {
                    if full.send(std::mem::take(&mut batch)).is_err() {
                        break None;
                    }
                    // Waits for the consumer to hand a batch back; it hung up when it stopped.
                    match recv_polling(empty) {
                        Ok(b) => {
                            batch = b;
                            batch.data.clear();
                        }
                        Err(_) => break None,
                    }
                }
            }
            Ok(None) => break None,
            Err(e) => break Some(e),
        }
    };
    if !batch.items.is_empty() {
        let _ = full.send(batch);
    }
    Analysed {
        engine,
        error,
        frames: reader.frames_read(),
    }
}
