//! A thread that reads the kernel's state of the traced TCP sockets every period and
//! whenever a traced call asks (see [`SamplerHandle::poke`]), inside the network namespace
//! where the sockets live, until it is stopped.
//!
//! ```no_run
//! use std::time::Duration;
//! use synack::kernel::{Sampler, SamplerOptions, Watch};
//!
//! // The sockets of a server on port 7070 in namespace `synack-gen-1x0-s`.
//! let sampler = Sampler::start(SamplerOptions {
//!     netns: Some("/run/netns/synack-gen-1x0-s".into()),
//!     period: Duration::from_millis(1),
//!     watch: Watch::Ports(vec![7070]),
//! })?;
//! let handle = sampler.handle(); // cheap to clone: give it to the threads making calls
//! // ... after each traced call: handle.poke();
//! let samples = sampler.stop()?; // joins the thread; its netlink socket is closed
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Only changes are stored: a reading is kept when the socket is new, when anything but the
//! `last_*` ages changed since the previous kept reading of that socket, when a call asked
//! for it, and at least every [`HEARTBEAT`] otherwise, so a long idle connection costs a few
//! readings, not thousands. A socket that leaves the kernel's table gets one last reading
//! with state `CLOSED` and `gone` set. At most [`MAX_SAMPLES`] are kept (then readings stop
//! being stored and [`Sampled::dropped`] counts them).

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use super::diag::{DiagSocket, SocketReading};
use super::sample::TcpInfoSample;

/// An idle socket's state is still written this often.
pub const HEARTBEAT: Duration = Duration::from_millis(100);

/// Readings kept at most per sampler (about 1 KiB each in memory).
pub const MAX_SAMPLES: usize = 500_000;

/// Which sockets of the namespace to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Watch {
    /// Every TCP socket (a namespace made for the run holds only its own).
    All,
    /// Sockets whose local or remote port is one of these (a server's port covers both
    /// its accepted sockets and the clients connected to it); more can be added while
    /// running ([`SamplerHandle::watch_port`]).
    Ports(Vec<u16>),
}

/// Where and how often to read.
#[derive(Debug, Clone)]
pub struct SamplerOptions {
    /// The network namespace to read (a file such as `/run/netns/NAME` or
    /// `/proc/PID/ns/net`); `None` for the namespace of the thread calling
    /// [`Sampler::start`].
    pub netns: Option<PathBuf>,
    /// Time between readings (`--sample-ms`, default 1 ms).
    pub period: Duration,
    /// The sockets to read.
    pub watch: Watch,
}

impl Default for SamplerOptions {
    fn default() -> Self {
        SamplerOptions {
            netns: None,
            period: Duration::from_millis(1),
            watch: Watch::All,
        }
    }
}

enum Control {
    Poke,
    WatchPort(u16),
    Stop,
}

/// What a sampler read.
#[derive(Debug, Clone, Default)]
pub struct Sampled {
    /// The readings kept, in time order.
    pub samples: Vec<TcpInfoSample>,
    /// Readings taken (dumps of the namespace).
    pub readings: u64,
    /// Readings not kept because [`MAX_SAMPLES`] was reached.
    pub dropped: u64,
}

/// A running sampler; stop it with [`Sampler::stop`] (dropping it stops it too, and
/// discards what it read).
pub struct Sampler {
    control: Sender<Control>,
    thread: Option<JoinHandle<io::Result<Sampled>>>,
    netlink_fd: i32,
}

/// A cheap, clonable handle to a running sampler for the threads that make the calls.
#[derive(Clone)]
pub struct SamplerHandle {
    control: Sender<Control>,
}

impl SamplerHandle {
    /// Asks for a reading now (call it right after a traced call returns). Never blocks;
    /// does nothing once the sampler has stopped.
    pub fn poke(&self) {
        let _ = self.control.send(Control::Poke);
    }

    /// Adds a port to [`Watch::Ports`] (a server's port once it is bound).
    pub fn watch_port(&self, port: u16) {
        let _ = self.control.send(Control::WatchPort(port));
    }
}

impl Sampler {
    /// Starts the sampling thread: it enters the namespace, opens its netlink socket (errors
    /// of either are returned here) and takes a first reading.
    pub fn start(options: SamplerOptions) -> io::Result<Sampler> {
        let (control, rx) = crossbeam_channel::unbounded();
        let (ready_tx, ready_rx) = crossbeam_channel::bounded(1);
        let thread = std::thread::Builder::new()
            .name("tcp_info sampler".into())
            .spawn(move || run(options, rx, ready_tx))?;
        match ready_rx.recv() {
            Ok(Ok(fd)) => Ok(Sampler {
                control,
                thread: Some(thread),
                netlink_fd: fd,
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(io::Error::other("the sampler thread ended before starting"))
            }
        }
    }

    /// A handle for the threads that make the calls.
    pub fn handle(&self) -> SamplerHandle {
        SamplerHandle {
            control: self.control.clone(),
        }
    }

    /// The file descriptor of the sampler's netlink socket while it runs (closed by
    /// [`Sampler::stop`]; tests check that).
    pub fn netlink_fd(&self) -> i32 {
        self.netlink_fd
    }

    /// Takes a last reading, stops the thread, closes its netlink socket and returns what
    /// it read.
    pub fn stop(mut self) -> io::Result<Sampled> {
        self.finish()
    }

    fn finish(&mut self) -> io::Result<Sampled> {
        let _ = self.control.send(Control::Stop);
        match self.thread.take() {
            Some(t) => t
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the sampler thread panicked"))),
            None => Ok(Sampled::default()),
        }
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

/// Nanoseconds since the Unix epoch on CLOCK_REALTIME, the clock of capture timestamps.
fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// Moves the calling thread into the network namespace of `file`.
pub fn enter_netns(file: &std::path::Path) -> io::Result<()> {
    let f = File::open(file).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("opening network namespace {}: {e}", file.display()),
        )
    })?;
    // SAFETY: setns on an open namespace file descriptor; it affects only this thread.
    if unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        let e = io::Error::last_os_error();
        return Err(io::Error::new(
            e.kind(),
            format!("entering network namespace {}: {e}", file.display()),
        ));
    }
    Ok(())
}

fn run(
    options: SamplerOptions,
    rx: Receiver<Control>,
    ready: Sender<io::Result<i32>>,
) -> io::Result<Sampled> {
    let opened = options
        .netns
        .as_deref()
        .map_or(Ok(()), enter_netns)
        .and_then(|()| DiagSocket::open());
    let mut diag = match opened {
        Ok(d) => {
            let _ = ready.send(Ok(d.raw_fd()));
            d
        }
        Err(e) => {
            let _ = ready.send(Err(io::Error::new(e.kind(), e.to_string())));
            return Err(e);
        }
    };
    let mut state = State {
        watch: options.watch,
        last: HashMap::new(),
        out: Sampled::default(),
    };
    let period = options.period.max(Duration::from_micros(100));
    let mut next = Instant::now();
    loop {
        let timeout = next.saturating_duration_since(Instant::now());
        let mut at_call = false;
        let mut stop = false;
        match rx.recv_timeout(timeout) {
            Ok(Control::Poke) => at_call = true,
            Ok(Control::WatchPort(p)) => {
                state.add_port(p);
                continue;
            }
            Ok(Control::Stop) | Err(RecvTimeoutError::Disconnected) => stop = true,
            Err(RecvTimeoutError::Timeout) => {}
        }
        // Several pokes waiting are answered by one reading.
        for c in rx.try_iter() {
            match c {
                Control::Poke => at_call = true,
                Control::WatchPort(p) => state.add_port(p),
                Control::Stop => stop = true,
            }
        }
        let t0 = now_ns();
        let readings = diag.dump(&|l, r| state.watched(l, r))?;
        let t1 = now_ns();
        state.record(t0 + (t1 - t0) / 2, readings, at_call);
        if stop {
            break;
        }
        let now = Instant::now();
        next = if next + period > now {
            next + period
        } else {
            now + period
        };
    }
    drop(diag);
    Ok(state.out)
}

/// The sampler thread's memory between readings.
struct State {
    watch: Watch,
    /// Per socket: the last kept reading and when it was kept.
    last: HashMap<(SocketAddr, SocketAddr), TcpInfoSample>,
    out: Sampled,
}

impl State {
    fn add_port(&mut self, port: u16) {
        if let Watch::Ports(ports) = &mut self.watch {
            if !ports.contains(&port) {
                ports.push(port);
            }
        }
    }

    fn watched(&self, local: SocketAddr, remote: SocketAddr) -> bool {
        match &self.watch {
            Watch::All => true,
            Watch::Ports(p) => p.contains(&local.port()) || p.contains(&remote.port()),
        }
    }

    fn record(&mut self, t_ns: i64, readings: Vec<SocketReading>, at_call: bool) {
        self.out.readings += 1;
        let mut seen = Vec::with_capacity(readings.len());
        for r in readings {
            let key = (r.local, r.remote);
            seen.push(key);
            let sample = TcpInfoSample {
                t_ns,
                actor: String::new(),
                conn: 0,
                local: r.local.to_string(),
                remote: r.remote.to_string(),
                state: r.state.to_string(),
                gone: false,
                at_call,
                rqueue: r.rqueue,
                wqueue: r.wqueue,
                cong: r.cong,
                sndbuf: r.sndbuf,
                wmem_queued: r.wmem_queued,
                info: r.info,
            };
            let keep = match self.last.get(&key) {
                None => true,
                Some(prev) => {
                    at_call
                        || prev.gone
                        || changed(prev, &sample)
                        || t_ns - prev.t_ns >= HEARTBEAT.as_nanos() as i64
                }
            };
            if keep {
                self.keep(key, sample);
            }
        }
        // Sockets that were there and are not any more: closed.
        let vanished: Vec<(SocketAddr, SocketAddr)> = self
            .last
            .iter()
            .filter(|(k, s)| !s.gone && !seen.contains(k))
            .map(|(k, _)| *k)
            .collect();
        for key in vanished {
            let sample = TcpInfoSample {
                t_ns,
                actor: String::new(),
                conn: 0,
                local: key.0.to_string(),
                remote: key.1.to_string(),
                state: "CLOSED".into(),
                gone: true,
                at_call,
                rqueue: 0,
                wqueue: 0,
                cong: None,
                sndbuf: None,
                wmem_queued: None,
                info: None,
            };
            self.keep(key, sample);
        }
    }

    fn keep(&mut self, key: (SocketAddr, SocketAddr), sample: TcpInfoSample) {
        if self.out.samples.len() >= MAX_SAMPLES {
            self.out.dropped += 1;
            return;
        }
        self.out.samples.push(sample.clone());
        self.last.insert(key, sample);
    }
}

/// True when `now` says something `prev` did not (the ages aside).
fn changed(prev: &TcpInfoSample, now: &TcpInfoSample) -> bool {
    let info_changed = match (&prev.info, &now.info) {
        (Some(a), Some(b)) => !a.same_state(b),
        (a, b) => a.is_some() != b.is_some(),
    };
    info_changed
        || prev.state != now.state
        || prev.rqueue != now.rqueue
        || prev.wqueue != now.wqueue
        || prev.cong != now.cong
        || prev.sndbuf != now.sndbuf
        || prev.wmem_queued != now.wmem_queued
}
