//! A thread that reads the kernel's state of the traced TCP sockets every period and
//! whenever a traced call asks (see [`SamplerHandle::poke`]), inside the network namespace
//! where the sockets live, until it is stopped.
//!
//! ```no_run
//! use std::time::Duration;
//! use synack::kernel::{Netns, Sampler, SamplerOptions, Watch};
//!
//! // The sockets of a server on port 7070 in namespace `synack-gen-1x0-s`.
//! let sampler = Sampler::start(SamplerOptions {
//!     netns: Some(Netns::Path("/run/netns/synack-gen-1x0-s".into())),
//!     period: Duration::from_millis(1),
//!     watch: Watch::Ports(vec![7070]),
//!     ..SamplerOptions::default() // lists the namespace's sockets every DISCOVERY
//! })?;
//! let handle = sampler.handle(); // cheap to clone: give it to the threads making calls
//! // ... after each traced call: handle.poke();
//! let samples = sampler.stop()?; // joins the thread; its netlink socket is closed
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Each period the sampler reads every socket it knows with an exact lookup (a hash lookup in
//! the kernel, a few µs). Sockets become known when a caller names them
//! ([`SamplerHandle::watch_socket`], right after `connect` or `accept`) and through a
//! second thread that lists the namespace's sockets every [`SamplerOptions::discovery`]
//! and whenever a caller asks ([`SamplerHandle::discover`], after a call that can make or
//! end a connection). A listing walks the kernel's whole connection table (milliseconds:
//! the table is the host's, shared by every namespace), so it never delays a reading, and a
//! caller that knows when connections can appear lists rarely otherwise.
//!
//! Every reading is kept while the socket has data queued or in flight; otherwise a reading
//! is kept when the socket is new, when anything but the `last_*` ages changed since the
//! previous kept reading of that socket, when a call asked for it (unless the socket has no `tcp_info`, as in TIME_WAIT), and at least every
//! [`HEARTBEAT`], so a long idle connection costs a few readings, not thousands. A socket that leaves the kernel's table gets one last reading
//! with state `CLOSED` and `gone` set. At most [`MAX_SAMPLES`] are kept (then readings stop
//! being stored and [`Sampled::dropped`] counts them).

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use super::diag::{DiagSocket, SocketReading};
use crate::calls::tcp_info::TcpInfoSample;

/// An idle socket's state is still written this often.
pub const HEARTBEAT: Duration = Duration::from_millis(100);

/// Readings kept at most per sampler (about 1 KiB each in memory).
pub const MAX_SAMPLES: usize = 500_000;

/// How often the namespace's sockets are listed to find new ones, by default.
pub const DISCOVERY: Duration = Duration::from_millis(20);

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

/// A network namespace the sampler reads in.
#[derive(Debug, Clone)]
pub enum Netns {
    /// A namespace file such as `/run/netns/NAME` or `/proc/PID/ns/net`.
    Path(PathBuf),
    /// An open descriptor of a namespace: an anonymous one (such as `synack run`'s
    /// isolated network) has no file to open by name.
    Fd(Arc<OwnedFd>),
}

impl Netns {
    /// Moves the calling thread into this namespace.
    pub fn enter(&self) -> io::Result<()> {
        match self {
            Netns::Path(p) => enter_netns(p),
            Netns::Fd(fd) => setns(fd.as_raw_fd(), "(descriptor)"),
        }
    }
}

/// Where and how often to read.
#[derive(Debug, Clone)]
pub struct SamplerOptions {
    /// The network namespace to read; `None` for the namespace of the thread calling
    /// [`Sampler::start`].
    pub netns: Option<Netns>,
    /// Time between readings (`--sample-ms`, default 1 ms).
    pub period: Duration,
    /// The sockets to read.
    pub watch: Watch,
    /// How often the namespace's sockets are listed to find new ones when no caller asked
    /// ([`SamplerHandle::discover`]); [`DISCOVERY`] by default.
    pub discovery: Duration,
}

impl Default for SamplerOptions {
    fn default() -> Self {
        SamplerOptions {
            netns: None,
            period: Duration::from_millis(1),
            watch: Watch::All,
            discovery: DISCOVERY,
        }
    }
}

/// What the discovery thread is asked.
enum Listing {
    /// List the namespace's sockets now.
    Now,
    /// End.
    Stop,
}

enum Control {
    Poke,
    WatchPort(u16),
    WatchSocket(SocketAddr, SocketAddr),
    Found(Vec<(SocketAddr, SocketAddr)>),
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
    /// The longest time between two consecutive readings, ns (how punctual the thread was).
    pub widest_gap_ns: i64,
    /// Consecutive readings more than 5 ms apart. A kernel without preemption
    /// (`PREEMPT_NONE`) running other work in kernel mode on every core can wake the
    /// sampler late even at real-time priority; on an idle machine readings are 1 ms apart.
    pub gaps_over_5ms: u64,
}

/// A running sampler; stop it with [`Sampler::stop`] (dropping it stops it too, and
/// discards what it read).
pub struct Sampler {
    control: Sender<Control>,
    listing: Sender<Listing>,
    thread: Option<JoinHandle<io::Result<Sampled>>>,
    netlink_fds: Vec<i32>,
}

/// A cheap, clonable handle to a running sampler for the threads that make the calls.
#[derive(Clone)]
pub struct SamplerHandle {
    control: Sender<Control>,
    listing: Sender<Listing>,
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

    /// Reads the socket with these addresses from now on, starting at once (call it when
    /// `connect` or `accept` returns, so the first reading does not wait for discovery).
    pub fn watch_socket(&self, local: SocketAddr, remote: SocketAddr) {
        let _ = self.control.send(Control::WatchSocket(local, remote));
    }

    /// Asks for a listing of the namespace's sockets now (call it after a call that can make
    /// or end a connection: socket, bind, listen, connect, accept, shutdown, close), so a
    /// connection nobody named is found without waiting for
    /// [`SamplerOptions::discovery`]. Requests made while a listing runs are answered by
    /// the next one. Never blocks.
    pub fn discover(&self) {
        let _ = self.listing.send(Listing::Now);
    }
}

impl Sampler {
    /// Starts the sampling thread and its discovery thread: both enter the namespace and
    /// open their netlink socket (errors of either are returned here); the first listing of
    /// the namespace is done before this returns.
    pub fn start(options: SamplerOptions) -> io::Result<Sampler> {
        let (control, rx) = crossbeam_channel::unbounded();
        let (listing, listing_rx) = crossbeam_channel::unbounded::<Listing>();
        let stop_discovery = listing.clone();
        let watch = Arc::new(Mutex::new(options.watch.clone()));
        let (ready_tx, ready_rx) = crossbeam_channel::bounded(2);
        let discovery = {
            let every = options.discovery;
            let (netns, watch, found, ready) = (
                options.netns.clone(),
                watch.clone(),
                control.clone(),
                ready_tx.clone(),
            );
            std::thread::Builder::new()
                .name("tcp_info discovery".into())
                .spawn(move || discover(netns, watch, found, listing_rx, ready, every))?
        };
        let thread = std::thread::Builder::new()
            .name("tcp_info sampler".into())
            .spawn(move || run(options, watch, rx, ready_tx, discovery, stop_discovery))?;
        let mut fds = Vec::new();
        for _ in 0..2 {
            match ready_rx.recv() {
                Ok(Ok(fd)) => fds.push(fd),
                Ok(Err(e)) => {
                    let _ = control.send(Control::Stop);
                    let _ = thread.join();
                    return Err(e);
                }
                Err(_) => {
                    let _ = thread.join();
                    return Err(io::Error::other("the sampler thread ended before starting"));
                }
            }
        }
        Ok(Sampler {
            control,
            listing,
            thread: Some(thread),
            netlink_fds: fds,
        })
    }

    /// A handle for the threads that make the calls.
    pub fn handle(&self) -> SamplerHandle {
        SamplerHandle {
            control: self.control.clone(),
            listing: self.listing.clone(),
        }
    }

    /// The file descriptors of the sampler's two netlink sockets while it runs (closed by
    /// [`Sampler::stop`]; tests check that).
    pub fn netlink_fds(&self) -> &[i32] {
        &self.netlink_fds
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
    setns(f.as_raw_fd(), &file.display().to_string())
}

/// Moves the calling thread into the network namespace of descriptor `fd` (named `what` in
/// errors).
fn setns(fd: i32, what: &str) -> io::Result<()> {
    // SAFETY: setns on an open namespace file descriptor; it affects only this thread.
    if unsafe { libc::setns(fd, libc::CLONE_NEWNET) } != 0 {
        let e = io::Error::last_os_error();
        return Err(io::Error::new(
            e.kind(),
            format!("entering network namespace {what}: {e}"),
        ));
    }
    Ok(())
}

/// Asks the scheduler to run the calling thread ahead of ordinary ones (SCHED_FIFO, a low
/// real-time priority) so a busy machine does not stretch its 1 ms period: the thread
/// sleeps nearly all the time, and each reading takes tens of µs. Needs root or
/// CAP_SYS_NICE; without them the thread stays an ordinary one.
fn prefer_punctual_wakeups() {
    let param = libc::sched_param { sched_priority: 1 };
    // SAFETY: sched_setscheduler on the calling thread (pid 0) with a valid parameter.
    let _ = unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO, &param) };
}

/// Enters the namespace (when given) and opens a netlink socket there.
fn open_in(netns: Option<&Netns>) -> io::Result<DiagSocket> {
    netns
        .map_or(Ok(()), Netns::enter)
        .and_then(|()| DiagSocket::open())
}

/// Tells `Sampler::start`, waiting on `ready`, that a thread is ready (its netlink socket) or
/// failed (a copy of its error: `io::Error` is not `Clone`).
fn tell(ready: &Sender<io::Result<i32>>, result: Result<i32, &io::Error>) {
    let _ = ready.send(result.map_err(|e| io::Error::new(e.kind(), e.to_string())));
}

/// The discovery thread: lists the namespace's sockets `every` period and when asked, and
/// reports the watched ones, until told to stop.
fn discover(
    netns: Option<Netns>,
    watch: Arc<Mutex<Watch>>,
    found: Sender<Control>,
    asks: Receiver<Listing>,
    ready: Sender<io::Result<i32>>,
    every: Duration,
) -> io::Result<()> {
    let mut diag = open_in(netns.as_ref()).inspect_err(|e| tell(&ready, Err(e)))?;
    // Told once the first listing is done, so that `Sampler::start` returns after it.
    let mut ready = Some(ready);
    loop {
        let w = watch.lock().map(|w| w.clone()).unwrap_or(Watch::All);
        let keys: Vec<_> = match diag.dump(&|l, r| watched(&w, l, r)) {
            Ok(rows) => rows.into_iter().map(|r| (r.local, r.remote)).collect(),
            Err(e) => {
                if let Some(ready) = ready.take() {
                    tell(&ready, Err(&e));
                }
                return Err(e);
            }
        };
        if found.send(Control::Found(keys)).is_err() {
            return Ok(());
        }
        if let Some(ready) = ready.take() {
            tell(&ready, Ok(diag.raw_fd()));
        }
        let asked = match asks.recv_timeout(every) {
            Ok(ask) => Some(ask),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        // Asks made during the listing just done are answered by the next one.
        if asked
            .into_iter()
            .chain(asks.try_iter())
            .any(|a| matches!(a, Listing::Stop))
        {
            return Ok(());
        }
    }
}

fn watched(w: &Watch, local: SocketAddr, remote: SocketAddr) -> bool {
    match w {
        Watch::All => true,
        Watch::Ports(p) => p.contains(&local.port()) || p.contains(&remote.port()),
    }
}

fn run(
    options: SamplerOptions,
    watch: Arc<Mutex<Watch>>,
    rx: Receiver<Control>,
    ready: Sender<io::Result<i32>>,
    discovery: JoinHandle<io::Result<()>>,
    stop_discovery: Sender<Listing>,
) -> io::Result<Sampled> {
    prefer_punctual_wakeups();
    let result = sample(&options, &watch, &rx, &ready);
    let _ = stop_discovery.send(Listing::Stop);
    let discovered = discovery
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("the discovery thread panicked")));
    let out = result?;
    discovered?;
    Ok(out)
}

/// The sampling loop: a reading of every known socket each period and on each poke.
fn sample(
    options: &SamplerOptions,
    watch: &Mutex<Watch>,
    rx: &Receiver<Control>,
    ready: &Sender<io::Result<i32>>,
) -> io::Result<Sampled> {
    let mut diag = open_in(options.netns.as_ref()).inspect_err(|e| tell(ready, Err(e)))?;
    tell(ready, Ok(diag.raw_fd()));
    let mut state = State {
        known: Vec::new(),
        last: HashMap::new(),
        last_reading: 0,
        out: Sampled::default(),
    };
    let period = options.period.max(Duration::from_micros(100));
    let mut next = Instant::now();
    let mut stop = false;
    while !stop {
        let timeout = next.saturating_duration_since(Instant::now());
        let mut at_call = false;
        let mut tick = false;
        let handle = |c: Control, state: &mut State, at_call: &mut bool, stop: &mut bool| match c {
            Control::Poke => *at_call = true,
            Control::WatchPort(p) => {
                if let Ok(mut w) = watch.lock() {
                    if let Watch::Ports(ports) = &mut *w {
                        if !ports.contains(&p) {
                            ports.push(p);
                        }
                    }
                }
            }
            Control::WatchSocket(l, r) => {
                state.know(l, r);
                *at_call = true;
            }
            Control::Found(keys) => {
                for (l, r) in keys {
                    state.know(l, r);
                }
            }
            Control::Stop => *stop = true,
        };
        match rx.recv_timeout(timeout) {
            Ok(c) => handle(c, &mut state, &mut at_call, &mut stop),
            Err(RecvTimeoutError::Disconnected) => stop = true,
            Err(RecvTimeoutError::Timeout) => tick = true,
        }
        // Several requests waiting are answered by one reading.
        for c in rx.try_iter() {
            handle(c, &mut state, &mut at_call, &mut stop);
        }
        if !(tick || at_call || stop) {
            continue;
        }
        let t0 = now_ns();
        let mut readings = Vec::with_capacity(state.known.len());
        let mut gone = Vec::new();
        for &(l, r) in &state.known {
            match diag.query(l, r)? {
                Some(reading) => readings.push(reading),
                None => gone.push((l, r)),
            }
        }
        let t1 = now_ns();
        state.record(t0 + (t1 - t0) / 2, readings, &gone, at_call);
        if tick {
            let now = Instant::now();
            next = if next + period > now {
                next + period
            } else {
                now + period
            };
        }
    }
    Ok(state.out)
}

/// The sampler thread's memory between readings.
struct State {
    /// Sockets read each period.
    known: Vec<(SocketAddr, SocketAddr)>,
    /// Per socket: the last kept reading.
    last: HashMap<(SocketAddr, SocketAddr), TcpInfoSample>,
    /// When the previous reading was taken.
    last_reading: i64,
    out: Sampled,
}

impl State {
    fn know(&mut self, local: SocketAddr, remote: SocketAddr) {
        let key = (local, remote);
        if !self.known.contains(&key) {
            self.known.push(key);
        }
    }

    fn record(
        &mut self,
        t_ns: i64,
        readings: Vec<SocketReading>,
        gone: &[(SocketAddr, SocketAddr)],
        at_call: bool,
    ) {
        if self.out.readings > 0 {
            let gap = t_ns - self.last_reading;
            self.out.widest_gap_ns = self.out.widest_gap_ns.max(gap);
            self.out.gaps_over_5ms += u64::from(gap > 5_000_000);
        }
        self.last_reading = t_ns;
        self.out.readings += 1;
        for r in readings {
            let key = (r.local, r.remote);
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
                    // A call asks for every socket's state, but a socket without
                    // tcp_info (TIME_WAIT) has nothing new to say unless it changed.
                    (at_call && sample.info.is_some())
                        || sending(&sample)
                        || prev.gone
                        || changed(prev, &sample)
                        || t_ns - prev.t_ns >= HEARTBEAT.as_nanos() as i64
                }
            };
            if keep {
                self.keep(key, sample);
            }
        }
        // Sockets the kernel no longer has: closed. Only those that were read before.
        for &key in gone {
            self.known.retain(|k| *k != key);
            // Never read, or already reported closed (a listing older than the close).
            if self.last.get(&key).is_none_or(|s| s.gone) {
                continue;
            }
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

/// True while the socket has data queued or in flight: then every reading is kept.
fn sending(s: &TcpInfoSample) -> bool {
    s.wqueue > 0 || s.info.is_some_and(|i| i.unacked > 0 || i.notsent_bytes > 0)
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
