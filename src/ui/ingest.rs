//! Ingestion: the threads that read a source (file or live interface), decode and analyse each
//! frame, and append to a [`PacketStore`] in batches.
//!
//! The loop is the same for files and live capture: `decode` → `Engine::process` → store.
//! Batches keep the store's write lock short (the UI reads it every frame); connection
//! records are copied from the engine at most twice a second, and once at the end.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::analysis::{Annotation, Config};
use crate::capture::live::{self, LiveCapture, LiveConfig, Next, StatsHandle, StopHandle};
use crate::capture::{
    capture_files, CaptureError, CaptureInput, FileReader, Frame, FrameSource, OwnedFrame,
};
use crate::pipeline::Pipeline;

use super::store::{PacketStore, Progress, SourceInfo};

/// Frames appended per write-lock.
const BATCH: usize = 4096;
/// Longest time a batch waits before it is published (keeps live capture lively).
const BATCH_AGE: Duration = Duration::from_millis(50);
/// How often connection records are copied from the engine while loading.
const CONN_REFRESH: Duration = Duration::from_millis(500);

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

/// Collects analysed frames and publishes them to the store in batches.
struct Batcher {
    store: PacketStore,
    pipeline: Pipeline,
    pending: Vec<(OwnedFrame, Annotation)>,
    since: Instant,
    conns_at: Instant,
    notify: Box<dyn Fn() + Send>,
}

impl Batcher {
    fn new(store: PacketStore, notify: Box<dyn Fn() + Send>) -> Batcher {
        Batcher {
            store,
            pipeline: Pipeline::new(Config::default()),
            pending: Vec::with_capacity(BATCH),
            since: Instant::now(),
            conns_at: Instant::now(),
            notify,
        }
    }

    fn add(&mut self, frame: &Frame<'_>) {
        let (_, ann) = self.pipeline.frame(frame);
        self.pending.push((frame.to_owned(), ann));
        if self.pending.len() >= BATCH || self.since.elapsed() >= BATCH_AGE {
            self.flush(false);
        }
    }

    fn flush(&mut self, finished: bool) {
        self.flush_with(finished, false);
    }

    /// Publishes the pending frames; the connection records too when `conns_now`, at the
    /// end, or when they were last copied long ago.
    fn flush_with(&mut self, finished: bool, conns_now: bool) {
        let conns = if finished || conns_now || self.conns_at.elapsed() >= CONN_REFRESH {
            self.conns_at = Instant::now();
            Some(
                self.pipeline
                    .engine()
                    .connections()
                    .into_iter()
                    .cloned()
                    .collect(),
            )
        } else {
            None
        };
        {
            let mut data = self.store.write();
            for (f, a) in self.pending.drain(..) {
                data.push(&f.as_frame(), &a);
            }
            if let Some(c) = conns {
                data.set_connections(c);
            }
            if finished {
                data.trim_bytes();
                data.finished = true;
            }
        }
        self.since = Instant::now();
        (self.notify)();
    }

    fn fail(&mut self, error: String) {
        self.flush(true);
        self.store.write().error = Some(error);
        (self.notify)();
    }
}

/// Reads every frame of `reader` into the store (on the calling thread). With `count`, the
/// progress counts each frame's record (a source that does not count the bytes it reads).
fn pump(
    mut reader: impl FrameSource,
    store: &PacketStore,
    notify: Box<dyn Fn() + Send>,
    count: bool,
) {
    let progress = store.progress.clone();
    let mut b = Batcher::new(store.clone(), notify);
    loop {
        if progress.cancel.load(Ordering::Relaxed) {
            b.flush(true);
            return;
        }
        match reader.next_frame() {
            Ok(Some(f)) => {
                if count {
                    // A pcap record: 16 bytes of header and the captured bytes.
                    let record = 16 + f.data.len() as u64;
                    progress.bytes_read.fetch_add(record, Ordering::Relaxed);
                }
                b.add(&f)
            }
            Ok(None) => break,
            Err(e) => {
                b.fail(e.to_string());
                return;
            }
        }
    }
    b.flush(true);
}

/// Opens a capture file and loads it into `store` on a new thread. Errors opening the file
/// are returned at once (so the caller can show them); later read errors land in the store.
pub fn load_file(
    path: &Path,
    store: &PacketStore,
    notify: impl Fn() + Send + 'static,
) -> Result<(), CaptureError> {
    let file = std::fs::File::open(path).map_err(|source| CaptureError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    store.progress.bytes_total.store(total, Ordering::Relaxed);
    let counting = CountingReader {
        inner: file,
        progress: store.progress.clone(),
    };
    let reader = FileReader::from_reader(path.to_path_buf(), counting)?;
    {
        let mut data = store.write();
        data.source = Some(SourceInfo::File(path.to_path_buf()));
        // The arena ends up about as big as the file: reserve once instead of doubling.
        data.reserve_bytes(total);
    }
    let store = store.clone();
    std::thread::Builder::new()
        .name("synack-load".into())
        .spawn(move || pump(reader, &store, Box::new(notify), false))
        .map(|_| ())
        .map_err(|e| CaptureError::Io {
            path: PathBuf::from(path),
            source: e,
        })
}

/// Opens several capture files (or directories of them, see [`capture_files`]) as one
/// capture merged in time order and loads it into `store` on a new thread, like
/// [`load_file`] (which it is for a single file).
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
    {
        let mut data = store.write();
        data.source = Some(SourceInfo::File(input.name()));
        data.reserve_bytes(total);
    }
    let store = store.clone();
    std::thread::Builder::new()
        .name("synack-load".into())
        .spawn(move || pump(input, &store, Box::new(notify), true))
        .map(|_| ())
        .map_err(|e| CaptureError::Io {
            path: input_name(&files),
            source: e,
        })
}

/// The first of several files, for an error that concerns them all.
fn input_name(files: &[PathBuf]) -> PathBuf {
    files.first().cloned().unwrap_or_default()
}

/// Loads an in-memory capture (the built-in demo) on the calling thread: it is small, and
/// tests want it loaded before the first frame.
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
    let counting = CountingReader {
        inner: io::Cursor::new(bytes),
        progress: store.progress.clone(),
    };
    let reader = FileReader::from_reader(name, counting)?;
    store.write().source = Some(source);
    pump(reader, store, Box::new(|| {}), false);
    Ok(())
}

/// Frames handed over one at a time by code that is not a capture source (the generator
/// panel's runs), analysed and stored by the same `decode` → `Engine::process` → store path
/// as files and live captures, so a generated run looks exactly like its saved capture
/// opened as a file.
pub struct Feeder {
    batcher: Batcher,
}

impl Feeder {
    /// A feeder appending to `store`; `notify` is called after each publication (the UI
    /// asks for a repaint there).
    pub fn new(store: &PacketStore, notify: impl Fn() + Send + 'static) -> Feeder {
        Feeder {
            batcher: Batcher::new(store.clone(), Box::new(notify)),
        }
    }

    /// Analyses one frame and queues it (published in batches, or by [`Feeder::publish`]).
    pub fn add(&mut self, frame: &Frame<'_>) {
        self.batcher.add(frame);
    }

    /// Publishes what is queued at once, with fresh connection records: a run's frames
    /// come slowly and the user watches each one appear.
    pub fn publish(&mut self) {
        self.batcher.flush_with(false, true);
    }

    /// Publishes the rest and marks the store finished.
    pub fn finish(mut self) {
        self.batcher.flush(true);
    }

    /// Publishes the rest, marks the store finished and records the error that ended it.
    pub fn fail(mut self, error: String) {
        self.batcher.fail(error);
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
        let stats = capture.stats_handle();
        store.write().source = Some(SourceInfo::Live(config.interface.clone()));
        let store = store.clone();
        std::thread::Builder::new()
            .name("synack-live-ingest".into())
            .spawn(move || {
                let mut b = Batcher::new(store, Box::new(notify));
                loop {
                    match capture.next_timeout(Duration::from_millis(100)) {
                        Ok(Next::Frame(f)) => b.add(&f),
                        Ok(Next::Idle) => {
                            if !b.pending.is_empty() {
                                b.flush(false);
                            }
                        }
                        Ok(Next::End) => break,
                        Err(e) => {
                            b.fail(e.to_string());
                            return;
                        }
                    }
                }
                b.flush(true);
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
