//! Ingestion: the threads that read a source (file or live interface), decode and analyse each
//! frame, and append to a [`PacketStore`] in batches.
//!
//! A capture file is read, decoded and analysed on one core while the loading thread stores
//! the results on the other ([`analyse_file_located`]); the store keeps where each frame's
//! bytes are in the file, not the bytes. Sources that cannot be read again (a pipe, several
//! files merged, a live capture, a generator run) go through `decode` → `Engine::process` on
//! one thread and their frames are spilled to a temporary pcap file by the store. Batches
//! keep the store's write lock short (the UI reads it every frame); connection records are
//! copied from the engine at most twice a second, and once at the end.

use std::cell::Cell;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::analysis::{Annotation, Config, Connection, Engine};
use crate::capture::live::{self, LiveCapture, LiveConfig, Next, StatsHandle, StopHandle};
use crate::capture::{
    capture_files, CaptureError, CaptureInput, FileReader, Frame, FrameSource, OwnedFrame,
};
use crate::decode::Packet;
use crate::pipeline::{analyse_file_located, default_threads, Kept, Pipeline};

use super::frame_bytes::FrameBytes;
use super::store::{PacketStore, Progress, SourceInfo};

/// Frames appended per write-lock.
const BATCH: usize = 4096;
/// Longest time a batch waits before it is published (keeps live capture lively).
const BATCH_AGE: Duration = Duration::from_millis(50);
/// How often connection records are copied from the engine while loading.
const CONN_REFRESH: Duration = Duration::from_millis(500);
/// Frames between two looks at the clock on the loader's analysing thread.
const CLOCK_EVERY: u32 = 4096;

/// A reader that counts bytes, so the UI can show a progress bar without touching the store.
struct CountingReader<R> {
    inner: R,
    progress: Arc<Progress>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress
            .bytes_read
            .fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// One analysed frame waiting to be stored: where its bytes are in the file being loaded,
/// or (sources read once) the bytes themselves, to spill.
struct Queued {
    /// The frame, without its bytes when they are in the file.
    frame: OwnedFrame,
    caplen: u32,
    at: Option<u64>,
    ann: Annotation,
}

/// Collects analysed frames and publishes them to the store in batches.
struct Batcher {
    store: PacketStore,
    pending: Vec<Queued>,
    since: Instant,
    notify: Box<dyn Fn() + Send>,
    /// Storing failed (the spill file could not be written): the source must stop.
    failed: bool,
}

impl Batcher {
    fn new(store: PacketStore, notify: Box<dyn Fn() + Send>) -> Batcher {
        Batcher {
            store,
            pending: Vec::with_capacity(BATCH),
            since: Instant::now(),
            notify,
            failed: false,
        }
    }

    /// Queues a frame whose bytes are at `at` in the store's file (else copied to spill).
    fn queue(&mut self, frame: &Frame<'_>, at: Option<u64>, ann: Annotation) {
        let kept = if at.is_some() { &[][..] } else { frame.data };
        self.pending.push(Queued {
            frame: Frame {
                data: kept,
                ..*frame
            }
            .to_owned(),
            caplen: frame.caplen(),
            at,
            ann,
        });
    }

    /// True when the pending frames should be published now.
    fn due(&self) -> bool {
        self.pending.len() >= BATCH || self.since.elapsed() >= BATCH_AGE
    }

    /// Publishes the pending frames, and `conns` when given; marks the store finished when
    /// `finished`.
    fn publish(&mut self, conns: Option<Vec<Connection>>, finished: bool) {
        {
            let mut data = self.store.write();
            for q in self.pending.drain(..) {
                if self.failed {
                    break;
                }
                let frame = q.frame.as_frame();
                let stored = match q.at {
                    Some(at) => data.push_at(&frame, q.caplen, at, &q.ann),
                    None => data.push(&frame, &q.ann),
                };
                if let Err(e) = stored {
                    data.error = Some(e);
                    self.failed = true;
                }
            }
            self.pending.clear();
            if let Some(c) = conns {
                data.set_connections(c);
            }
            if finished || self.failed {
                if let Err(e) = data.finish_bytes() {
                    data.error
                        .get_or_insert(format!("cannot write the temporary capture file: {e}"));
                }
                data.finished = true;
            }
        }
        self.since = Instant::now();
        (self.notify)();
    }

    fn fail(&mut self, error: String, conns: Option<Vec<Connection>>) {
        self.publish(conns, true);
        self.store.write().error.get_or_insert(error);
        (self.notify)();
    }
}

/// A [`Batcher`] fed by a [`Pipeline`] on the same thread (sources read once).
struct Analysing {
    pipeline: Pipeline,
    batcher: Batcher,
    conns_at: Instant,
}

impl Analysing {
    fn new(store: PacketStore, notify: Box<dyn Fn() + Send>) -> Analysing {
        Analysing {
            pipeline: Pipeline::new(Config::default()),
            batcher: Batcher::new(store, notify),
            conns_at: Instant::now(),
        }
    }

    fn add(&mut self, frame: &Frame<'_>) {
        let (_, ann) = self.pipeline.frame(frame);
        self.batcher.queue(frame, None, ann);
        if self.batcher.due() {
            self.flush(false, false);
        }
    }

    fn connections(&mut self, now: bool) -> Option<Vec<Connection>> {
        (now || self.conns_at.elapsed() >= CONN_REFRESH).then(|| {
            self.conns_at = Instant::now();
            connections_of(self.pipeline.engine())
        })
    }

    /// Publishes the pending frames; the connection records too when `conns_now`, at the
    /// end, or when they were last copied long ago.
    fn flush(&mut self, finished: bool, conns_now: bool) {
        let conns = self.connections(finished || conns_now);
        self.batcher.publish(conns, finished);
    }

    fn fail(&mut self, error: String) {
        let conns = self.connections(true);
        self.batcher.fail(error, conns);
    }
}

/// A copy of the engine's connection records, without the engine's working state
/// ([`Connection::compact`]).
fn connections_of(engine: &Engine) -> Vec<Connection> {
    engine
        .connections()
        .into_iter()
        .map(|c| {
            let mut c = c.clone();
            c.compact();
            c
        })
        .collect()
}

/// What the loader's analysing thread hands over with each frame: its annotation and, about
/// twice a second, a copy of the connection records, so the connections table fills while
/// a long file loads.
struct Loaded {
    ann: Annotation,
    /// Taken by the storing thread (a `Cell`, as it receives the frame by reference).
    conns: Cell<Option<Vec<Connection>>>,
}

thread_local! {
    /// Frames since the clock was last read, and when connections were last copied, on the
    /// loader's analysing thread.
    static CONN_CLOCK: Cell<(u32, Option<Instant>)> = const { Cell::new((0, None)) };
}

impl Kept for Loaded {
    fn analyse(engine: &mut Engine, frame: &Frame<'_>, packet: &Packet) -> Self {
        let ann = engine.process(frame, packet);
        let due = CONN_CLOCK.with(|c| {
            let (n, at) = c.get();
            if n + 1 < CLOCK_EVERY {
                c.set((n + 1, at));
                return false;
            }
            let now = Instant::now();
            let due = at.is_some_and(|at| now.duration_since(at) >= CONN_REFRESH);
            c.set((0, if due || at.is_none() { Some(now) } else { at }));
            due
        });
        Loaded {
            ann,
            conns: Cell::new(due.then(|| connections_of(engine))),
        }
    }
}

/// Reads, decodes and analyses every frame of `input` on `threads` threads and stores them:
/// by offset when `input` is a single file (whose bytes the store reads, see
/// [`PacketStore`]), else spilled. With `count`, the progress counts each frame's record
/// (a source that does not count the bytes it reads).
fn load(
    input: CaptureInput,
    threads: usize,
    store: &PacketStore,
    notify: Box<dyn Fn() + Send>,
    count: bool,
) {
    let progress = store.progress.clone();
    let mut b = Batcher::new(store.clone(), notify);
    CONN_CLOCK.with(|c| c.set((0, None)));
    let done = analyse_file_located(input, threads, |frame, _, loaded: &Loaded, at| {
        if progress.cancel.load(Ordering::Relaxed) || b.failed {
            return ControlFlow::Break(());
        }
        let caplen = u64::from(frame.caplen());
        if count {
            // A pcap record: 16 bytes of header and the captured bytes.
            progress
                .bytes_read
                .fetch_add(16 + caplen, Ordering::Relaxed);
        } else if let Some(at) = at {
            progress.bytes_read.store(at + caplen, Ordering::Relaxed);
        }
        b.queue(frame, at, loaded.ann);
        let conns = loaded.conns.take();
        if conns.is_some() || b.due() {
            b.publish(conns, false);
        }
        ControlFlow::Continue(())
    });
    let conns = Some(connections_of(&done.engine));
    match done.error {
        Some(e) if !progress.cancel.load(Ordering::Relaxed) => b.fail(e.to_string(), conns),
        _ => b.publish(conns, true),
    }
}

/// Reads every frame of `reader` into the store (on the calling thread), spilling them.
fn pump(mut reader: impl FrameSource, store: &PacketStore, notify: Box<dyn Fn() + Send>) {
    let progress = store.progress.clone();
    let mut a = Analysing::new(store.clone(), notify);
    loop {
        if progress.cancel.load(Ordering::Relaxed) || a.batcher.failed {
            a.flush(true, false);
            return;
        }
        match reader.next_frame() {
            Ok(Some(f)) => a.add(&f),
            Ok(None) => break,
            Err(e) => {
                a.fail(e.to_string());
                return;
            }
        }
    }
    a.flush(true, false);
}

/// Starts `job` on the loading thread.
fn spawn(path: &Path, job: impl FnOnce() + Send + 'static) -> Result<(), CaptureError> {
    std::thread::Builder::new()
        .name("synack-load".into())
        .spawn(job)
        .map(|_| ())
        .map_err(|e| CaptureError::Io {
            path: PathBuf::from(path),
            source: e,
        })
}

/// Opens a capture file and loads it into `store` on a new thread. Errors opening the file
/// are returned at once (so the caller can show them); later read errors land in the store.
/// A regular file is read where it is: the store keeps each frame's offset and reads its
/// bytes back on demand. A pipe or device (`/dev/stdin`) cannot be read twice, so its
/// frames are spilled to a temporary file.
pub fn load_file(
    path: &Path,
    store: &PacketStore,
    notify: impl Fn() + Send + 'static,
) -> Result<(), CaptureError> {
    let io_error = |source| CaptureError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let meta = file.metadata().map_err(io_error)?;
    store.progress.bytes_total.store(
        if meta.is_file() { meta.len() } else { 0 },
        Ordering::Relaxed,
    );
    store.write().source = Some(SourceInfo::File(path.to_path_buf()));
    if !meta.is_file() {
        let counting = CountingReader {
            inner: file,
            progress: store.progress.clone(),
        };
        let reader = FileReader::from_reader(path.to_path_buf(), counting)?;
        let store = store.clone();
        return spawn(path, move || pump(reader, &store, Box::new(notify)));
    }
    let reader = FileReader::open(path)?;
    store.write().set_bytes(FrameBytes::file(file));
    let store = store.clone();
    spawn(path, move || {
        load(
            reader.into(),
            default_threads(),
            &store,
            Box::new(notify),
            false,
        )
    })
}

/// Opens several capture files (or directories of them, see [`capture_files`]) as one
/// capture merged in time order and loads it into `store` on a new thread, like
/// [`load_file`] (which it is for a single file). The merged frames are spilled to a
/// temporary file.
pub fn load_files(
    paths: &[PathBuf],
    store: &PacketStore,
    notify: impl Fn() + Send + 'static,
) -> Result<(), CaptureError> {
    let files = capture_files(paths)?;
    if let [one] = files.as_slice() {
        return load_file(one, store, notify);
    }
    let input = CaptureInput::open(&files)?;
    let total = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    store.progress.bytes_total.store(total, Ordering::Relaxed);
    store.write().source = Some(SourceInfo::File(input.name()));
    let store = store.clone();
    spawn(&input_name(&files), move || {
        load(input, default_threads(), &store, Box::new(notify), true)
    })
}

/// The first of several files, for an error that concerns them all.
fn input_name(files: &[PathBuf]) -> PathBuf {
    files.first().cloned().unwrap_or_default()
}

/// Loads an in-memory capture (the built-in demo) on the calling thread: it is small, and
/// tests want it loaded before the first frame. The store reads its frames' bytes from
/// `bytes`.
pub fn load_bytes(
    name: &str,
    bytes: &'static [u8],
    store: &PacketStore,
    source: SourceInfo,
) -> Result<(), CaptureError> {
    store
        .progress
        .bytes_total
        .store(bytes.len() as u64, Ordering::Relaxed);
    let reader = FileReader::from_reader(name, io::Cursor::new(bytes))?;
    {
        let mut data = store.write();
        data.source = Some(source);
        data.set_bytes(FrameBytes::from_static(bytes));
    }
    load(reader.into(), 1, store, Box::new(|| {}), false);
    Ok(())
}

/// A fresh store holding the capture `bytes` (called `name`), loaded as the window loads its
/// demo: how unit tests put a capture behind the views' models.
#[cfg(test)]
pub(crate) fn demo_store(name: &str, bytes: &'static [u8]) -> PacketStore {
    let store = PacketStore::new();
    load_bytes(name, bytes, &store, SourceInfo::Demo).expect("the test capture loads");
    store
}

/// Frames handed over one at a time by code that is not a capture source (the generator
/// panel's runs), analysed and stored by the same `decode` → `Engine::process` → store path
/// as files and live captures, so a generated run looks exactly like its saved capture
/// opened as a file.
pub struct Feeder {
    analysing: Analysing,
}

impl Feeder {
    /// A feeder appending to `store`; `notify` is called after each publication (the UI
    /// asks for a repaint there).
    pub fn new(store: &PacketStore, notify: impl Fn() + Send + 'static) -> Feeder {
        Feeder {
            analysing: Analysing::new(store.clone(), Box::new(notify)),
        }
    }

    /// Analyses one frame and queues it (published in batches, or by [`Feeder::publish`]).
    pub fn add(&mut self, frame: &Frame<'_>) {
        self.analysing.add(frame);
    }

    /// Publishes what is queued at once, with fresh connection records: a run's frames
    /// come slowly and the user watches each one appear.
    pub fn publish(&mut self) {
        self.analysing.flush(false, true);
    }

    /// Publishes the rest and marks the store finished.
    pub fn finish(mut self) {
        self.analysing.flush(true, false);
    }

    /// Publishes the rest, marks the store finished and records the error that ended it.
    pub fn fail(mut self, error: String) {
        self.analysing.fail(error);
    }
}

/// A running live capture feeding a store; dropping it does not stop it, [`LiveSession::stop`]
/// does (frames already captured are still stored).
#[derive(Debug)]
pub struct LiveSession {
    /// The interface name.
    pub interface: String,
    stop: StopHandle,
    stats: StatsHandle,
}

impl LiveSession {
    /// Opens `config.interface` and starts storing its frames. Errors (permissions, unknown
    /// interface, bad BPF) come back at once for the UI to show.
    pub fn start(
        config: &LiveConfig,
        store: &PacketStore,
        notify: impl Fn() + Send + 'static,
    ) -> Result<LiveSession, CaptureError> {
        let source = live::open(config)?;
        let mut capture = LiveCapture::start(source)?;
        let stop = capture.stop_handle();
        let stop_on_failure = capture.stop_handle();
        let stats = capture.stats_handle();
        store.write().source = Some(SourceInfo::Live(config.interface.clone()));
        let store = store.clone();
        std::thread::Builder::new()
            .name("synack-live-ingest".into())
            .spawn(move || {
                let mut a = Analysing::new(store, Box::new(notify));
                loop {
                    if a.batcher.failed {
                        // The spill file cannot grow (a full disk): stop capturing.
                        stop_on_failure.stop();
                        break;
                    }
                    match capture.next_timeout(Duration::from_millis(100)) {
                        Ok(Next::Frame(f)) => a.add(&f),
                        Ok(Next::Idle) => {
                            if !a.batcher.pending.is_empty() {
                                a.flush(false, false);
                            }
                        }
                        Ok(Next::End) => break,
                        Err(e) => {
                            a.fail(e.to_string());
                            return;
                        }
                    }
                }
                a.flush(true, false);
            })
            .map_err(|e| CaptureError::Live(format!("cannot start the ingest thread: {e}")))?;
        Ok(LiveSession {
            interface: config.interface.clone(),
            stop,
            stats,
        })
    }

    /// Asks the capture to stop; the store is marked finished once the queue is drained.
    pub fn stop(&self) {
        self.stop.stop();
    }

    /// True once stop was requested.
    pub fn is_stopping(&self) -> bool {
        self.stop.is_stopped()
    }

    /// Received / dropped counters.
    pub fn stats(&self) -> live::CaptureStats {
        self.stats.snapshot()
    }
}
