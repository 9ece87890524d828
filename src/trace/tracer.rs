//! The tracer's loop: start the programs, wait for their stops, turn each traced call's entry
//! and exit into a [`TracedCall`], follow new processes and threads, and end the run.
//!
//! A traced call stops the program twice: at its entry (the seccomp stop, where the data a
//! send passes and the address a connect names are read) and at its exit (a syscall-exit
//! stop requested with `PTRACE_SYSCALL`, where the result, the received bytes and the ready
//! descriptors are read). Calls on descriptors that are not network sockets are let go at
//! their entry, with no second stop. Calls recorded in the kernel ([`super::kcount`]) do not
//! stop at all: their records are read at every stop and every tick, before anything else,
//! so that a thread's calls are handled in the order it made them.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::ptrace::{self, Event};
use nix::sys::signal::{self, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;
use seccompiler::BpfProgram;

use crate::calls::event_words;

use super::event::{ProgramExit, Proto, Ready, Report, TracedCall, DATA_PREVIEW};
use super::kcount::{Counted, KernelCounter};
use super::sockets::{FdKind, FdTable, SockState, Sockets};
use super::spawn::{self, Program};
use super::syscalls::{self, Sys};
use super::tracee::{self, SyscallStop};
use super::FastMap;

/// What to run: an optional server started first, then the clients once it listens.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The programs; the first is the server when `server` is true.
    pub programs: Vec<Program>,
    /// `programs[0]` is a server: the others start when it has a listening socket (or a
    /// bound UDP socket), or after `wait`.
    pub server: bool,
    /// The longest the clients wait for the server to listen.
    pub wait: Duration,
    /// After the last client ends, how long the server (and any process left) may go on
    /// before it is asked to stop (SIGTERM; SIGKILL one second later).
    pub linger: Duration,
    /// Stop the programs on every data call too (`read`, `write`, `send`, `recv`), as when
    /// the kernel cannot record them ([`super::kcount`]): several times slower; for
    /// comparing the two ways.
    pub ptrace_only: bool,
}

/// How the run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Each program's end (`None`: it never started or its end was not seen).
    pub exits: Vec<Option<ProgramExit>>,
    /// The run's exit status: the client's, or the first non-zero among the clients (the
    /// server's when no client ran).
    pub status: i32,
    /// Calls reported.
    pub calls: u64,
    /// TCP connections seen.
    pub connections: usize,
    /// How the data calls were recorded: `Ok` when the kernel counted them, `Err(why)` when
    /// they stopped the programs like every other call (`--ptrace-only`, or why the kernel
    /// could not count them).
    pub counted: Result<(), String>,
    /// Data calls the kernel could not record because its buffers were full.
    pub lost: u64,
}

/// A handle to stop a run from another thread (Ctrl-C, `--timeout`, a Stop button).
#[derive(Debug, Clone, Default)]
pub struct Control(Arc<Shared>);

#[derive(Debug, Default)]
struct Shared {
    stop: AtomicBool,
    stop_at: Mutex<Option<Instant>>,
    pids: Mutex<HashSet<i32>>,
    tracer_tid: AtomicI32,
}

impl Control {
    /// A handle for a run not started yet.
    pub fn new() -> Control {
        Control::default()
    }

    /// Stops the run: every traced process gets SIGTERM now and SIGKILL one second later.
    pub fn stop(&self) {
        if !self.0.stop.swap(true, Ordering::SeqCst) {
            if let Ok(mut at) = self.0.stop_at.lock() {
                *at = Some(Instant::now());
            }
            self.signal_all(Signal::SIGTERM);
        }
    }

    /// True once [`Control::stop`] was called.
    pub fn is_stopped(&self) -> bool {
        self.0.stop.load(Ordering::SeqCst)
    }

    /// Processes being traced now.
    pub fn processes(&self) -> Vec<i32> {
        self.0
            .pids
            .lock()
            .map(|p| p.iter().copied().collect())
            .unwrap_or_default()
    }

    fn signal_all(&self, sig: Signal) {
        for pid in self.processes() {
            let _ = signal::kill(Pid::from_raw(pid), sig);
        }
    }

    fn stop_requested_at(&self) -> Option<Instant> {
        self.0.stop_at.lock().ok().and_then(|a| *a)
    }

    fn add(&self, pid: i32) {
        if let Ok(mut p) = self.0.pids.lock() {
            p.insert(pid);
        }
    }

    fn remove(&self, pid: i32) {
        if let Ok(mut p) = self.0.pids.lock() {
            p.remove(&pid);
        }
    }
}

/// How often the tracer's wait is interrupted to look at the clock (start the clients after
/// `--wait`, end a lingering server, escalate a stop).
const TICK: Duration = Duration::from_millis(50);
/// Between SIGTERM and SIGKILL.
const GRACE: Duration = Duration::from_secs(1);
/// How often the tracer reports its watermark ([`Report::Progress`]), ns.
const PROGRESS_EVERY: i64 = 20_000_000;
/// A call blocked longer than this at its entry (a send into a full buffer) no longer holds
/// the watermark back: it is placed late rather than everything after it held, ns.
const PROGRESS_HOLD: i64 = 2_000_000_000;

/// Calls placed at their entry among the packets (they act on the network); receives,
/// accepts and readiness calls are placed at their return.
fn shown_at_entry(sys: Sys) -> bool {
    !sys.reports_arrivals()
}

/// The signal that interrupts the tracer's `waitpid` (a real-time signal nothing else uses).
fn wake_signal() -> i32 {
    libc::SIGRTMIN() + 4
}

extern "C" fn on_wake(_: libc::c_int) {}

/// Installs the no-op handler without `SA_RESTART`, so the signal makes `waitpid` return
/// `EINTR` in the thread it is sent to.
fn install_wake_handler() {
    // SAFETY: a zeroed sigaction with a handler that does nothing is valid; sigaction only
    // reads it.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_wake as *const () as usize;
        libc::sigemptyset(&mut sa.sa_mask);
        sa.sa_flags = 0;
        libc::sigaction(wake_signal(), &sa, std::ptr::null_mut());
    }
}

/// Interrupts the tracer thread every [`TICK`] until dropped.
struct Ticker {
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Ticker {
    fn start(tid: i32) -> Ticker {
        install_wake_handler();
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        let thread = std::thread::Builder::new()
            .name("synack-trace-tick".into())
            .spawn(move || {
                // SAFETY: getpid has no preconditions.
                let pid = unsafe { libc::getpid() };
                while !flag.load(Ordering::SeqCst) {
                    std::thread::sleep(TICK);
                    if flag.load(Ordering::SeqCst) {
                        break;
                    }
                    // SAFETY: tgkill to a thread of our own process with a handled signal.
                    unsafe { libc::syscall(libc::SYS_tgkill, pid, tid, wake_signal()) };
                }
            })
            .ok();
        Ticker { done, thread }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The thread a stopped or counted call is read from: its id (for ptrace and its memory),
/// its process (for pidfd probes of its sockets) and the descriptor table it shares.
#[derive(Debug, Clone, Copy)]
struct Who {
    tid: i32,
    tgid: i32,
    table: u32,
}

/// One traced thread.
#[derive(Debug, Clone)]
struct Task {
    tgid: i32,
    program: usize,
    comm: Arc<str>,
    table: u32,
    /// False until the first stop of a thread or process the tracer attached by itself.
    started: bool,
    pending: Option<Pending>,
}

impl Task {
    /// Thread `tid` of this task's process, with its descriptor table.
    fn who(&self, tid: i32) -> Who {
        Who {
            tid,
            tgid: self.tgid,
            table: self.table,
        }
    }
}

/// A call stopped at its entry, waiting for its exit.
#[derive(Debug, Clone)]
struct Pending {
    sys: Sys,
    args: [u64; 6],
    t_enter: i64,
    inode: Option<u64>,
    asked: u64,
    data: Vec<u8>,
    addr: Option<SocketAddr>,
    /// `select`'s watched descriptors, `poll`'s array, `sendmmsg`'s messages.
    watched: Vec<(i32, u16)>,
    note: Option<String>,
    /// Recorded in the kernel ([`super::kcount`]): the program's memory was not read and
    /// must not be (it has run on since); its first bytes came with the record.
    counted: bool,
}

impl Pending {
    fn new(sys: Sys, args: [u64; 6], t_enter: i64, inode: Option<u64>) -> Pending {
        Pending {
            sys,
            args,
            t_enter,
            inode,
            asked: 0,
            data: Vec::new(),
            addr: None,
            watched: Vec::new(),
            note: None,
            counted: false,
        }
    }

    /// A readiness call (select, poll) over `watched`, not tied to one socket.
    fn watching(sys: Sys, args: [u64; 6], t_enter: i64, watched: Vec<(i32, u16)>) -> Pending {
        Pending {
            watched,
            ..Pending::new(sys, args, t_enter, None)
        }
    }
}

/// Runs `plan` on the calling thread (which becomes the tracer: it must not be used for
/// anything else until this returns), reporting starts, calls and exits to `report` as they
/// happen. Returns when every traced process has ended.
pub fn run(
    plan: &Plan,
    control: &Control,
    report: &mut dyn FnMut(Report),
) -> anyhow::Result<Outcome> {
    let counter = if plan.ptrace_only {
        Err("--ptrace-only".to_owned())
    } else {
        KernelCounter::open()
    };
    let filter = Arc::new(syscalls::filter(counter.is_ok())?);
    // SAFETY: gettid has no preconditions.
    let tid = unsafe { libc::gettid() };
    control.0.tracer_tid.store(tid, Ordering::SeqCst);
    // Orphaned grandchildren are re-parented to us, so their ends are reaped here.
    // SAFETY: prctl with integer arguments.
    unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    let mut t = Tracer {
        plan,
        control,
        report,
        filter,
        table: syscalls::table(),
        tasks: FastMap::default(),
        tables: FastMap::default(),
        next_table: 0,
        sockets: Sockets::default(),
        pidfds: FastMap::default(),
        roots: FastMap::default(),
        exits: vec![None; plan.programs.len()],
        started: vec![false; plan.programs.len()],
        early: HashSet::new(),
        clients_started: false,
        started_at: Instant::now(),
        clients_done_at: None,
        term_sent: false,
        kill_sent: false,
        calls: 0,
        progress_at: i64::MIN,
        counted: counter.as_ref().err().cloned(),
        counter: counter.ok(),
        records: Vec::new(),
    };
    let _ticker = Ticker::start(tid);
    if plan.server {
        if !t.start(0) {
            let error = "the server could not be started".to_owned();
            return Err(anyhow::anyhow!(error));
        }
    } else {
        t.start_clients();
    }
    t.run_loop();
    t.pump();
    let status = t.status();
    Ok(Outcome {
        exits: t.exits.clone(),
        status,
        calls: t.calls,
        connections: t.sockets.connections(),
        counted: t.counted.clone().map_or(Ok(()), Err),
        lost: t.counter.as_ref().map_or(0, KernelCounter::lost),
    })
}

struct Tracer<'a> {
    plan: &'a Plan,
    control: &'a Control,
    report: &'a mut dyn FnMut(Report),
    filter: Arc<BpfProgram>,
    table: Vec<(i64, Sys)>,
    tasks: FastMap<i32, Task>,
    tables: FastMap<u32, FdTable>,
    next_table: u32,
    sockets: Sockets,
    pidfds: FastMap<i32, OwnedFd>,
    roots: FastMap<i32, usize>,
    exits: Vec<Option<ProgramExit>>,
    started: Vec<bool>,
    /// Threads and processes that stopped before their parent's fork event named them.
    early: HashSet<i32>,
    clients_started: bool,
    started_at: Instant,
    clients_done_at: Option<Instant>,
    term_sent: bool,
    kill_sent: bool,
    calls: u64,
    /// When the last [`Report::Progress`] was sent.
    progress_at: i64,
    /// The kernel's records of the data calls (`None`: they stop the programs).
    counter: Option<KernelCounter>,
    /// Why the kernel does not count the data calls.
    counted: Option<String>,
    /// The kernel's records being handled (kept to reuse its room).
    records: Vec<Counted>,
}

impl Tracer<'_> {
    /// Starts program `i`; false (and reported) when it cannot start.
    fn start(&mut self, i: usize) -> bool {
        let p = &self.plan.programs[i];
        let spawned = spawn::spawn(p, &self.filter).and_then(|pid| match &self.counter {
            Some(k) => k.attach(pid).map(|()| pid).map_err(|e| {
                let _ = signal::kill(Pid::from_raw(pid), Signal::SIGKILL);
                let _ = waitpid(Pid::from_raw(pid), None);
                format!("counting its calls in the kernel: {e} (try --ptrace-only)")
            }),
            None => Ok(pid),
        });
        match spawned {
            Ok(pid) => {
                let table = self.new_table(FdTable::default());
                self.tasks.insert(
                    pid,
                    Task {
                        tgid: pid,
                        program: i,
                        comm: tracee::comm(pid).into(),
                        table,
                        started: true,
                        pending: None,
                    },
                );
                self.roots.insert(pid, i);
                self.started[i] = true;
                self.control.add(pid);
                (self.report)(Report::Started { program: i, pid });
                if self.control.is_stopped() {
                    let _ = signal::kill(Pid::from_raw(pid), Signal::SIGTERM);
                }
                let _ = ptrace::cont(Pid::from_raw(pid), None);
                true
            }
            Err(error) => {
                (self.report)(Report::Failed { program: i, error });
                self.exits[i] = Some(ProgramExit::Code(127));
                false
            }
        }
    }

    fn start_clients(&mut self) {
        if self.clients_started {
            return;
        }
        self.clients_started = true;
        let first = usize::from(self.plan.server);
        for i in first..self.plan.programs.len() {
            if self.control.is_stopped() {
                break;
            }
            self.start(i);
        }
        if self.clients_done() {
            self.clients_done_at = Some(Instant::now());
        }
    }

    fn clients_done(&self) -> bool {
        let first = usize::from(self.plan.server);
        (first..self.plan.programs.len()).all(|i| self.exits[i].is_some() || !self.started[i])
    }

    fn new_table(&mut self, t: FdTable) -> u32 {
        let id = self.next_table;
        self.next_table += 1;
        self.tables.insert(id, t);
        id
    }

    fn status(&self) -> i32 {
        let first = usize::from(self.plan.server);
        let clients: Vec<i32> = (first..self.plan.programs.len())
            .filter_map(|i| self.exits[i].map(ProgramExit::status))
            .collect();
        if self.plan.programs.len() > first {
            if let Some(&bad) = clients.iter().find(|&&s| s != 0) {
                return bad;
            }
            if clients.is_empty() {
                return 1;
            }
            return 0;
        }
        self.exits
            .first()
            .copied()
            .flatten()
            .map_or(0, ProgramExit::status)
    }

    /// Reports the tracer's watermark (at most every [`PROGRESS_EVERY`]): now, or the entry
    /// of the oldest call still running that is placed at its entry (a send, connect, close
    /// waiting for its return), but never further back than [`PROGRESS_HOLD`].
    fn progress(&mut self) {
        let now = tracee::now_ns();
        if now < self.progress_at.saturating_add(PROGRESS_EVERY) {
            return;
        }
        self.progress_at = now;
        // The counted calls still running, looked at before the records of those that
        // returned are taken: a call entered before `now` is in one or the other.
        let in_flight = self
            .counter
            .as_ref()
            .map(KernelCounter::in_flight)
            .unwrap_or_default();
        self.pump();
        let oldest = self
            .tasks
            .values()
            .filter_map(|t| t.pending.as_ref())
            .map(|p| (p.sys, p.t_enter))
            .chain(in_flight.into_iter().map(|(_, sys, t)| (sys, t)))
            .filter(|&(sys, _)| shown_at_entry(sys))
            .map(|(_, t)| t)
            .min()
            .unwrap_or(now);
        let t_ns = oldest.min(now).max(now - PROGRESS_HOLD);
        (self.report)(Report::Progress { t_ns });
    }

    /// Time-driven steps, run after every wake-up.
    fn housekeeping(&mut self) {
        self.pump();
        self.progress();
        if self.plan.server && !self.clients_started {
            let server_gone = self.exits[0].is_some();
            if server_gone {
                // The server ended before it listened: the clients are not started.
                self.clients_started = true;
                self.clients_done_at = Some(Instant::now());
            } else if self.started_at.elapsed() >= self.plan.wait && !self.control.is_stopped() {
                self.start_clients();
            }
        }
        if self.clients_done_at.is_none() && self.clients_started && self.clients_done() {
            self.clients_done_at = Some(Instant::now());
        }
        let now = Instant::now();
        if let Some(done) = self.clients_done_at {
            if !self.term_sent && now.duration_since(done) >= self.plan.linger {
                self.term_sent = true;
                self.control.signal_all(Signal::SIGTERM);
            }
            if !self.kill_sent && now.duration_since(done) >= self.plan.linger + GRACE {
                self.kill_sent = true;
                self.control.signal_all(Signal::SIGKILL);
            }
        }
        if let Some(at) = self.control.stop_requested_at() {
            if !self.kill_sent && now.duration_since(at) >= GRACE {
                self.kill_sent = true;
                self.control.signal_all(Signal::SIGKILL);
            }
        }
    }

    fn run_loop(&mut self) {
        loop {
            self.housekeeping();
            if self.tasks.is_empty() && self.early.is_empty() && self.clients_started {
                break;
            }
            let status = match waitpid(None::<Pid>, Some(WaitPidFlag::__WALL)) {
                Ok(s) => s,
                Err(Errno::EINTR) => continue,
                Err(Errno::ECHILD) => {
                    if self.clients_started {
                        break;
                    }
                    // Nothing alive yet the clients are due: they start at the next tick.
                    std::thread::sleep(TICK);
                    continue;
                }
                Err(_) => break,
            };
            self.on_status(status);
        }
    }

    fn on_status(&mut self, status: WaitStatus) {
        // The kernel's records of what the threads did before this stop come first.
        self.pump();
        match status {
            WaitStatus::Exited(pid, code) => self.gone(pid.as_raw(), ProgramExit::Code(code)),
            WaitStatus::Signaled(pid, sig, _) => {
                self.gone(pid.as_raw(), ProgramExit::Signal(sig as i32))
            }
            WaitStatus::Stopped(pid, sig) => {
                let raw = pid.as_raw();
                match self.tasks.get_mut(&raw) {
                    None => {
                        // A new thread or process stopped before its parent's event named it.
                        self.early.insert(raw);
                    }
                    Some(task) if !task.started && sig == Signal::SIGSTOP => {
                        task.started = true;
                        let _ = ptrace::cont(pid, None);
                    }
                    Some(_) => {
                        // A signal for the program: deliver it.
                        let _ = ptrace::cont(pid, sig);
                    }
                }
            }
            WaitStatus::PtraceEvent(pid, _, event) => {
                let raw = pid.as_raw();
                if event == Event::PTRACE_EVENT_SECCOMP as i32 {
                    self.on_entry(raw);
                    return;
                }
                if event == Event::PTRACE_EVENT_FORK as i32
                    || event == Event::PTRACE_EVENT_VFORK as i32
                    || event == Event::PTRACE_EVENT_CLONE as i32
                {
                    if let Ok(child) = ptrace::getevent(pid) {
                        self.new_task(raw, child as i32, event == Event::PTRACE_EVENT_CLONE as i32);
                    }
                } else if event == Event::PTRACE_EVENT_EXEC as i32 {
                    let former = ptrace::getevent(pid).map_or(raw, |f| f as i32);
                    self.exec(raw, former);
                }
                let _ = ptrace::cont(pid, None);
            }
            WaitStatus::PtraceSyscall(pid) => {
                // Everything the exit needs from the stopped program is read by now: it
                // goes on while its calls are reported.
                let calls = self.on_exit(pid.as_raw());
                let _ = ptrace::cont(pid, None);
                for call in calls {
                    self.calls += 1;
                    (self.report)(Report::Call(Box::new(call)));
                }
            }
            _ => {}
        }
    }

    fn new_task(&mut self, parent: i32, child: i32, clone_event: bool) {
        let Some(p) = self.tasks.get(&parent).cloned() else {
            return;
        };
        let thread = clone_event && tracee::tgid(child) == Some(p.tgid);
        let (tgid, table) = if thread {
            (p.tgid, p.table)
        } else {
            let copy = self.tables.get(&p.table).cloned().unwrap_or_default();
            (child, self.new_table(copy))
        };
        if !thread {
            self.control.add(child);
        }
        let started = self.early.remove(&child);
        self.tasks.insert(
            child,
            Task {
                tgid,
                program: p.program,
                comm: p.comm.clone(),
                table,
                started,
                pending: None,
            },
        );
        if started {
            let _ = ptrace::cont(Pid::from_raw(child), None);
        }
    }

    fn exec(&mut self, pid: i32, former: i32) {
        if former != pid {
            // A thread other than the leader ran exec: it now has the leader's id.
            if let Some(t) = self.tasks.remove(&former) {
                self.tasks.insert(pid, t);
            }
        }
        if let Some(t) = self.tasks.get_mut(&pid) {
            t.comm = tracee::comm(pid).into();
            t.pending = None;
            let table = t.table;
            // Close-on-exec descriptors are gone; the rest are asked again when used.
            if let Some(tab) = self.tables.get_mut(&table) {
                tab.clear();
            }
        }
    }

    fn gone(&mut self, pid: i32, how: ProgramExit) {
        self.early.remove(&pid);
        let Some(task) = self.tasks.remove(&pid) else {
            return;
        };
        if task.tgid == pid {
            self.control.remove(pid);
            self.pidfds.remove(&pid);
        }
        if let Some(program) = self.roots.remove(&pid) {
            self.exits[program] = Some(how);
            (self.report)(Report::Exited { program, how });
            if self.plan.server && program == 0 && !self.clients_started {
                self.clients_started = true;
                self.clients_done_at = Some(Instant::now());
            }
        }
    }

    /// What descriptor `fd` in the table of `who` is: a network socket (its inode) or not.
    fn classify(&mut self, who: Who, fd: i32) -> Option<u64> {
        let Who { tid, tgid, table } = who;
        if fd < 0 {
            return None;
        }
        if let Some(kind) = self.tables.get(&table).and_then(|t| t.get(fd)) {
            return match kind {
                FdKind::Net(inode) => Some(inode),
                FdKind::Other => None,
            };
        }
        let kind = match tracee::fd_socket_inode(tid, fd) {
            None => FdKind::Other,
            Some(inode) if self.sockets.get(inode).is_some() => FdKind::Net(inode),
            Some(_) => match self.probe(tgid, fd) {
                Some(inode) => FdKind::Net(inode),
                None => FdKind::Other,
            },
        };
        if let Some(t) = self.tables.get_mut(&table) {
            t.set(fd, kind);
        }
        match kind {
            FdKind::Net(inode) => Some(inode),
            FdKind::Other => None,
        }
    }

    /// Asks the socket behind `fd` of process `tgid` what it is; registers and returns its
    /// inode when it is an IP socket.
    fn probe(&mut self, tgid: i32, fd: i32) -> Option<u64> {
        if let std::collections::hash_map::Entry::Vacant(e) = self.pidfds.entry(tgid) {
            e.insert(tracee::pidfd_open(tgid)?);
        }
        let info = tracee::socket_info(self.pidfds.get(&tgid)?, fd)?;
        if info.family != libc::AF_INET && info.family != libc::AF_INET6 {
            return None;
        }
        self.sockets.insert(SockState::new(info.inode, info.stype));
        self.sockets
            .set_addresses(info.inode, info.local, info.remote);
        Some(info.inode)
    }

    /// The descriptors a readiness call (select, poll) watches, when one of them is a network
    /// socket: only then is the call worth a line in the trace.
    fn watching(&mut self, who: Who, watched: Vec<(i32, u16)>) -> Option<Vec<(i32, u16)>> {
        let any_net = watched
            .iter()
            .any(|&(f, _)| self.classify(who, f).is_some());
        any_net.then_some(watched)
    }

    /// A descriptor the kernel just made (socket, accept): probes it and, when it is an IP
    /// socket, files it in the process's descriptor table.
    fn adopt(&mut self, tgid: i32, table: u32, fd: i32) -> Option<u64> {
        let inode = self.probe(tgid, fd);
        if let (Some(i), Some(t)) = (inode, self.tables.get_mut(&table)) {
            t.set(fd, FdKind::Net(i));
        }
        inode
    }

    /// Reads the socket's addresses again (after bind, connect, the first send of an
    /// unbound UDP socket).
    fn refresh(&mut self, tgid: i32, fd: i32, inode: u64) {
        let info = self
            .pidfds
            .get(&tgid)
            .and_then(|p| tracee::socket_info(p, fd));
        if let Some(info) = info.filter(|i| i.inode == inode) {
            self.sockets.set_addresses(inode, info.local, info.remote);
        }
    }

    /// Handles the kernel's records of the counted calls made until now.
    fn pump(&mut self) {
        let Some(k) = self.counter.as_mut() else {
            return;
        };
        let cut = tracee::now_ns();
        let mut records = std::mem::take(&mut self.records);
        k.take(cut, &mut records);
        for r in records.drain(..) {
            self.on_counted(r);
        }
        self.records = records;
    }

    /// A counted call, reported as a stopped call is at its exit.
    fn on_counted(&mut self, r: Counted) {
        let Some(task) = self.tasks.get(&r.tid) else {
            return;
        };
        let (who, program, comm) = (task.who(r.tid), task.program, task.comm.clone());
        let (args, ret, t_enter) = (r.args, r.ret, r.t_enter_ns);
        // A send or receive with an address stops the program (the filter): it is reported
        // from its stops. ERESTARTSYS and friends: the call runs again (a new entry follows).
        if (matches!(r.sys, Sys::Sendto | Sys::Recvfrom) && args[4] != 0)
            || (-516..=-512).contains(&ret)
        {
            return;
        }
        let fd = args[0] as i32;
        let Some(inode) = self.classify(who, fd) else {
            return;
        };
        let mut p = Pending::new(r.sys, args, t_enter, Some(inode));
        p.asked = args[2];
        p.counted = true;
        p.data = r.data;
        let is_error = (-4095..0).contains(&ret);
        let base = TracedCall {
            t_enter_ns: t_enter,
            t_exit_ns: r.t_exit_ns,
            program,
            pid: who.tgid,
            tid: r.tid,
            comm: comm.to_string(),
            sys: r.sys,
            fd,
            sock: None,
            conn: 0,
            asked: p.asked,
            moved: 0,
            offset: None,
            ret,
            errno: is_error.then_some((-ret) as i32),
            data: Vec::new(),
            addr: None,
            ready: Vec::new(),
            note: None,
        };
        for call in self.exit(who, p, base) {
            self.calls += 1;
            (self.report)(Report::Call(Box::new(call)));
        }
    }

    fn on_entry(&mut self, tid: i32) {
        let pid = Pid::from_raw(tid);
        let go = |p| {
            let _ = ptrace::cont(p, None);
        };
        let Some(task) = self.tasks.get(&tid) else {
            return go(pid);
        };
        let who = task.who(tid);
        let Some(SyscallStop::Seccomp { nr, args }) = tracee::syscall_stop(tid) else {
            return go(pid);
        };
        let Some(sys) = syscalls::lookup(nr, &self.table) else {
            return go(pid);
        };
        let t_enter = tracee::now_ns();
        let pending = self.entry(who, sys, args, t_enter);
        match pending {
            Some(p) => {
                if let Some(task) = self.tasks.get_mut(&tid) {
                    task.pending = Some(p);
                }
                if ptrace::syscall(pid, None).is_err() {
                    if let Some(task) = self.tasks.get_mut(&tid) {
                        task.pending = None;
                    }
                }
            }
            None => go(pid),
        }
    }

    /// Decides at a call's entry whether its exit is needed, and reads what only the entry
    /// shows (the bytes a send passes, the address a connect names, the sets select
    /// watches).
    fn entry(&mut self, who: Who, sys: Sys, args: [u64; 6], t_enter: i64) -> Option<Pending> {
        let Who { tid, table, .. } = who;
        let fd = args[0] as i32;
        match sys {
            Sys::Socket => {
                let domain = args[0] as i32;
                (domain == libc::AF_INET || domain == libc::AF_INET6)
                    .then(|| Pending::new(sys, args, t_enter, None))
            }
            Sys::Close => {
                let inode = self.classify(who, fd);
                if inode.is_none() {
                    if let Some(t) = self.tables.get_mut(&table) {
                        t.remove(fd);
                    }
                }
                inode.map(|i| Pending::new(sys, args, t_enter, Some(i)))
            }
            Sys::CloseRange => {
                if args[2] & libc::CLOSE_RANGE_CLOEXEC as u64 == 0 {
                    let (first, last) = (args[0] as u32, args[1] as u32);
                    if let Some(t) = self.tables.get_mut(&table) {
                        t.remove_range(first as i32, last.min(i32::MAX as u32) as i32);
                    }
                }
                None
            }
            Sys::Dup | Sys::FcntlDup => {
                let known = self.tables.get(&table).and_then(|t| t.get(fd));
                match known {
                    Some(FdKind::Net(i)) => Some(Pending::new(sys, args, t_enter, Some(i))),
                    _ => None,
                }
            }
            Sys::Dup2 | Sys::Dup3 => {
                let new = args[1] as i32;
                let tab = self.tables.get_mut(&table)?;
                let known = tab.get(fd);
                if new != fd {
                    tab.remove(new);
                }
                match known {
                    Some(FdKind::Net(i)) => Some(Pending::new(sys, args, t_enter, Some(i))),
                    _ => None,
                }
            }
            Sys::Select | Sys::Pselect6 => {
                let watched = select_sets(tid, &args);
                self.watching(who, watched)
                    .map(|watched| Pending::watching(sys, args, t_enter, watched))
            }
            Sys::Poll | Sys::Ppoll => {
                let watched = read_pollfds(tid, &args)
                    .into_iter()
                    .map(|(fd, events, _)| (fd, events))
                    .collect();
                self.watching(who, watched)
                    .map(|watched| Pending::watching(sys, args, t_enter, watched))
            }
            Sys::EpollCtl => self.epoll_ctl_entry(who, args, t_enter),
            Sys::EpollWait | Sys::EpollPwait | Sys::EpollPwait2 => {
                let watches = self
                    .tables
                    .get(&table)
                    .is_some_and(|t| t.epoll_watches_net(fd));
                watches.then(|| Pending::new(sys, args, t_enter, None))
            }
            _ => {
                // Calls on one descriptor: only network sockets matter.
                let inode = self.classify(who, fd)?;
                Some(socket_call_entry(
                    tid,
                    Pending::new(sys, args, t_enter, Some(inode)),
                ))
            }
        }
    }

    /// `epoll_ctl` on a network socket: the event asked for, as the call's note and its
    /// watched descriptor. On anything else only the interest list is kept up to date.
    fn epoll_ctl_entry(&mut self, who: Who, args: [u64; 6], t_enter: i64) -> Option<Pending> {
        let Who { tid, table, .. } = who;
        let (epfd, op, target) = (args[0] as i32, args[1] as i32, args[2] as i32);
        let event = read_epoll_events(tid, args[3], 1).into_iter().next();
        let inode = self.classify(who, target);
        if inode.is_none() {
            if let Some(t) = self.tables.get_mut(&table) {
                t.epoll_set(epfd, target, epoll_data_after(op, event.map(|e| e.1)));
            }
            return None;
        }
        let mut p = Pending::new(Sys::EpollCtl, args, t_enter, inode);
        // EPOLL_CTL_DEL ignores its event argument.
        p.watched = event
            .filter(|_| op != libc::EPOLL_CTL_DEL)
            .map(|(ev, _)| vec![(target, ev as u16)])
            .unwrap_or_default();
        p.note = Some(
            match op {
                libc::EPOLL_CTL_ADD => "EPOLL_CTL_ADD",
                libc::EPOLL_CTL_MOD => "EPOLL_CTL_MOD",
                libc::EPOLL_CTL_DEL => "EPOLL_CTL_DEL",
                _ => "epoll_ctl",
            }
            .to_owned(),
        );
        p.asked = event.map_or(0, |e| e.1);
        Some(p)
    }

    /// The calls a syscall-exit stop completes (read from the stopped program; reported by
    /// the caller once the program runs again).
    fn on_exit(&mut self, tid: i32) -> Vec<TracedCall> {
        let Some(task) = self.tasks.get_mut(&tid) else {
            return Vec::new();
        };
        let Some(p) = task.pending.take() else {
            return Vec::new();
        };
        let (who, program, comm) = (task.who(tid), task.program, task.comm.clone());
        let Some(SyscallStop::Exit { rval, is_error }) = tracee::syscall_stop(tid) else {
            return Vec::new();
        };
        // ERESTARTSYS and friends: the call runs again (a new entry stop follows).
        if is_error && (-516..=-512).contains(&rval) {
            return Vec::new();
        }
        let t_exit = tracee::now_ns();
        let errno = is_error.then_some((-rval) as i32);
        let base = TracedCall {
            t_enter_ns: p.t_enter,
            t_exit_ns: t_exit,
            program,
            pid: who.tgid,
            tid,
            comm: comm.to_string(),
            sys: p.sys,
            fd: p.args[0] as i32,
            sock: None,
            conn: 0,
            asked: p.asked,
            moved: 0,
            offset: None,
            ret: rval,
            errno,
            data: Vec::new(),
            addr: p.addr,
            ready: Vec::new(),
            note: p.note.clone(),
        };
        self.exit(who, p, base)
    }

    /// Completes a call at its exit; most calls give one record, `sendmmsg`/`recvmmsg` one
    /// per message, bookkeeping-only calls none.
    fn exit(&mut self, who: Who, p: Pending, mut c: TracedCall) -> Vec<TracedCall> {
        let Who { tid, tgid, table } = who;
        let ok = c.errno.is_none();
        match p.sys {
            Sys::Dup | Sys::FcntlDup | Sys::Dup2 | Sys::Dup3 => {
                if let (true, Some(i)) = (ok, p.inode) {
                    if let Some(t) = self.tables.get_mut(&table) {
                        t.set(c.ret as i32, FdKind::Net(i));
                    }
                }
                Vec::new()
            }
            Sys::Socket => {
                c.fd = -1;
                c.note = Some(socket_note(&p.args));
                if ok {
                    let inode = self.adopt(tgid, table, c.ret as i32);
                    c.sock = self.view(inode);
                }
                vec![c]
            }
            Sys::Accept | Sys::Accept4 => {
                if ok {
                    let inode = self.adopt(tgid, table, c.ret as i32);
                    c.sock = self.view(inode);
                    c.addr = c.sock.and_then(|s| s.remote);
                    c.conn = self.conn_of(inode);
                } else {
                    c.sock = self.view(p.inode);
                }
                vec![c]
            }
            sys if sys.waits_for_readiness() => vec![self.readiness_exit(who, &p, c)],
            Sys::EpollCtl => {
                if ok {
                    let (fd, target) = (p.args[0] as i32, p.args[2] as i32);
                    let data = epoll_data_after(p.args[1] as i32, Some(p.asked));
                    if let Some(t) = self.tables.get_mut(&table) {
                        t.epoll_set(fd, target, data);
                    }
                }
                c.sock = self.view(p.inode);
                c.ready = p
                    .watched
                    .iter()
                    .map(|&(f, ev)| Ready {
                        fd: f,
                        events: event_words(u32::from(ev), true),
                        sock: c.sock,
                    })
                    .collect();
                c.asked = 0;
                vec![c]
            }
            Sys::Sendmmsg | Sys::Recvmmsg => self.mmsg(tid, &p, c),
            _ => self.socket_call_exit(who, p, c),
        }
    }

    /// The socket `inode` as a call record shows it.
    fn view(&self, inode: Option<u64>) -> Option<super::SockView> {
        inode.and_then(|i| self.sockets.get(i)).map(SockState::view)
    }

    /// The connection number of socket `inode` (0: none).
    fn conn_of(&self, inode: Option<u64>) -> u32 {
        inode
            .and_then(|i| self.sockets.get(i))
            .map_or(0, |s| s.conn)
    }

    /// `select`, `poll` and `epoll_wait` at their exit: the descriptors they found ready
    /// (epoll's events put down to their descriptors through the interest list's data),
    /// and what they watched.
    fn readiness_exit(&mut self, who: Who, p: &Pending, mut c: TracedCall) -> TracedCall {
        let Who { tid, table, .. } = who;
        let epoll = matches!(p.sys, Sys::EpollWait | Sys::EpollPwait | Sys::EpollPwait2);
        if c.errno.is_none() && c.ret > 0 {
            let ready: Vec<(i32, u16)> = match p.sys {
                Sys::Select | Sys::Pselect6 => select_sets(tid, &p.args),
                Sys::Poll | Sys::Ppoll => read_pollfds(tid, &p.args)
                    .into_iter()
                    .filter(|&(fd, _, revents)| revents != 0 && fd >= 0)
                    .map(|(fd, _, revents)| (fd, revents))
                    .collect(),
                _ => {
                    let epfd = p.args[0] as i32;
                    let events = read_epoll_events(tid, p.args[1], c.ret as usize);
                    let interest = self.tables.get(&table);
                    events
                        .iter()
                        .map(|&(ev, data)| {
                            let f = interest
                                .and_then(|t| t.epoll_fd(epfd, data))
                                .unwrap_or(data as i32);
                            (f, ev as u16)
                        })
                        .collect()
                }
            };
            c.ready = self.ready_list(who, &ready);
        }
        if epoll {
            c.asked = p.args[2];
        } else {
            c.fd = -1;
            c.asked = p.watched.len() as u64;
            c.note = Some(format!("watching {}", fd_list(&p.watched)));
        }
        c
    }

    /// A call on one socket at its exit: the descriptor table, the socket's addresses and
    /// byte counts kept up to date, the data moved read.
    fn socket_call_exit(&mut self, who: Who, mut p: Pending, mut c: TracedCall) -> Vec<TracedCall> {
        let Who { tid, tgid, table } = who;
        let (ok, ret, fd, inode) = (c.errno.is_none(), c.ret, p.args[0] as i32, p.inode);
        match p.sys {
            Sys::Close => {
                if let Some(t) = self.tables.get_mut(&table) {
                    t.remove(fd);
                }
            }
            Sys::Connect | Sys::Bind | Sys::Listen => {
                if let Some(i) = inode {
                    self.refresh(tgid, fd, i);
                    if p.sys == Sys::Connect {
                        // The peer is the address asked for, connected or not.
                        self.sockets.set_addresses(i, None, p.addr);
                    }
                }
                if ok && self.server_listens(&p, &c) {
                    let program = c.program;
                    let addr = inode
                        .and_then(|i| self.sockets.get(i))
                        .and_then(|s| s.local);
                    (self.report)(Report::Listening { program, addr });
                    c.sock = self.view(inode);
                    c.conn = 0;
                    // Report the call before the clients' first calls.
                    self.calls += 1;
                    (self.report)(Report::Call(Box::new(c)));
                    self.start_clients();
                    return Vec::new();
                }
            }
            Sys::Sendto | Sys::Write | Sys::Writev | Sys::Sendmsg | Sys::Sendfile
                if ok && ret > 0 =>
            {
                c.moved = ret as u64;
                c.data = p.data;
                c.data.truncate(ret as usize);
                if let Some(s) = inode.and_then(|i| self.sockets.get_mut(i)) {
                    if s.proto == Proto::Tcp {
                        c.offset = Some(s.sent);
                    }
                    s.sent += ret as u64;
                }
                let unbound = inode
                    .and_then(|i| self.sockets.get(i))
                    .is_some_and(|s| s.local.is_none_or(|l| l.port() == 0));
                if let (true, Some(i)) = (unbound, inode) {
                    self.refresh(tgid, fd, i);
                }
            }
            Sys::Read | Sys::Recvfrom | Sys::Readv | Sys::Recvmsg => {
                self.received(tid, &mut p, &mut c);
            }
            _ => {}
        }
        c.sock = self.view(inode);
        c.conn = self.conn_of(inode);
        vec![c]
    }

    /// Whether this `listen` (or a UDP server's `bind`) of the server makes it ready for
    /// its clients, which have not started yet.
    fn server_listens(&self, p: &Pending, c: &TracedCall) -> bool {
        let ready = match p.sys {
            Sys::Listen => true,
            Sys::Bind => self.view(p.inode).is_some_and(|s| s.proto == Proto::Udp),
            _ => false,
        };
        ready && self.plan.server && c.program == 0 && !self.clients_started
    }

    /// A receiving call at its exit: the peer's address and `MSG_PEEK` noted, the bytes
    /// received read (or taken from the kernel's record) and counted on the socket.
    fn received(&mut self, tid: i32, p: &mut Pending, c: &mut TracedCall) {
        let args = p.args;
        let (flags, iovs, name) = match p.sys {
            // Counted: no address was asked for (the filter stops those), and the
            // program's memory has moved on.
            Sys::Recvfrom if p.counted => (args[3] as i32, Vec::new(), None),
            Sys::Recvfrom => (args[3] as i32, Vec::new(), {
                let len = tracee::read_u32(tid, args[5]).unwrap_or(0);
                tracee::read_sockaddr(tid, args[4], len as u64)
            }),
            Sys::Recvmsg => {
                let m = read_msghdr(tid, args[1]);
                c.asked = m.iovs.iter().map(|i| i.len).sum();
                (args[2] as i32, m.iovs, m.name)
            }
            Sys::Readv => (0, tracee::read_iovs(tid, args[1], args[2]), None),
            _ => (0, Vec::new(), None),
        };
        if name.is_some() {
            c.addr = name;
        }
        if flags & libc::MSG_PEEK != 0 {
            c.note = Some("MSG_PEEK".into());
        }
        let ret = c.ret;
        if c.errno.is_some() || ret <= 0 {
            return;
        }
        c.moved = ret as u64;
        c.data = if p.counted {
            std::mem::take(&mut p.data)
        } else if iovs.is_empty() {
            tracee::read_mem(tid, args[1], (ret as usize).min(DATA_PREVIEW))
        } else {
            tracee::read_iov_data(tid, &iovs, ret as u64, DATA_PREVIEW)
        };
        if let Some(s) = p.inode.and_then(|i| self.sockets.get_mut(i)) {
            if s.proto == Proto::Tcp {
                c.offset = Some(s.received);
            }
            if flags & libc::MSG_PEEK == 0 {
                s.received += ret as u64;
            }
        }
    }

    /// One record per message of `sendmmsg`/`recvmmsg`.
    fn mmsg(&mut self, tid: i32, p: &Pending, c: TracedCall) -> Vec<TracedCall> {
        let inode = p.inode;
        let view = inode.and_then(|i| self.sockets.get(i)).map(SockState::view);
        if c.errno.is_some() || c.ret <= 0 {
            let mut c = c;
            c.sock = view;
            return vec![c];
        }
        let n = (c.ret as usize).min(1024);
        let mut out = Vec::with_capacity(n);
        for k in 0..n {
            let at = p.args[1] + (k as u64) * MMSGHDR_SIZE;
            let m = read_msghdr(tid, at);
            let moved = tracee::read_u32(tid, at + MSGHDR_SIZE).unwrap_or(0) as u64;
            let mut one = c.clone();
            one.asked = m.iovs.iter().map(|i| i.len).sum();
            one.moved = moved;
            one.addr = m.name;
            one.data = tracee::read_iov_data(tid, &m.iovs, moved, DATA_PREVIEW);
            one.note = Some(format!("message {} of {}", k + 1, n));
            if let Some(s) = inode.and_then(|i| self.sockets.get_mut(i)) {
                let counter = if p.sys == Sys::Sendmmsg {
                    &mut s.sent
                } else {
                    &mut s.received
                };
                if s.proto == Proto::Tcp {
                    one.offset = Some(*counter);
                }
                *counter += moved;
                one.sock = Some(s.view());
                one.conn = s.conn;
            }
            out.push(one);
        }
        out
    }

    fn ready_list(&mut self, who: Who, ready: &[(i32, u16)]) -> Vec<Ready> {
        ready
            .iter()
            .map(|&(f, ev)| {
                let inode = self.classify(who, f);
                Ready {
                    fd: f,
                    events: event_words(u32::from(ev), false),
                    sock: inode.and_then(|i| self.sockets.get(i)).map(SockState::view),
                }
            })
            .collect()
    }
}

/// Size of `struct msghdr` on LP64 Linux.
const MSGHDR_SIZE: u64 = 56;
/// Size of `struct mmsghdr` (msghdr, msg_len, padding).
const MMSGHDR_SIZE: u64 = 64;

/// The parts of a tracee's `struct msghdr` the tracer uses.
struct MsgHdr {
    name: Option<SocketAddr>,
    iovs: Vec<tracee::Iov>,
}

fn read_msghdr(tid: i32, addr: u64) -> MsgHdr {
    let raw = tracee::read_mem(tid, addr, MSGHDR_SIZE as usize);
    let word = |at: usize| {
        raw.get(at..at + 8)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u64::from_ne_bytes)
    };
    let namelen = raw
        .get(8..12)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_ne_bytes);
    MsgHdr {
        name: tracee::read_sockaddr(tid, word(0), namelen as u64),
        iovs: tracee::read_iovs(tid, word(16), word(24)),
    }
}

/// What a call on one socket passes at its entry: the bytes a send sends (the first
/// [`DATA_PREVIEW`] of them), the address a connect or sendto names, the size a receive
/// asks for, and the option, direction or backlog a setsockopt, shutdown or listen sets.
fn socket_call_entry(tid: i32, mut p: Pending) -> Pending {
    let (sys, args) = (p.sys, p.args);
    match sys {
        Sys::Sendto | Sys::Write => {
            p.asked = args[2];
            p.data = tracee::read_mem(tid, args[1], (args[2] as usize).min(DATA_PREVIEW));
            if sys == Sys::Sendto {
                p.addr = tracee::read_sockaddr(tid, args[4], args[5]);
            }
        }
        Sys::Writev => {
            let iovs = tracee::read_iovs(tid, args[1], args[2]);
            p.asked = iovs.iter().map(|i| i.len).sum();
            p.data = tracee::read_iov_data(tid, &iovs, p.asked, DATA_PREVIEW);
        }
        Sys::Sendmsg => {
            let m = read_msghdr(tid, args[1]);
            p.asked = m.iovs.iter().map(|i| i.len).sum();
            p.data = tracee::read_iov_data(tid, &m.iovs, p.asked, DATA_PREVIEW);
            p.addr = m.name;
        }
        Sys::Connect | Sys::Bind => {
            p.addr = tracee::read_sockaddr(tid, args[1], args[2]);
        }
        Sys::Sendfile => p.asked = args[3],
        Sys::Read | Sys::Recvfrom => p.asked = args[2],
        Sys::Readv => {
            p.asked = tracee::read_iovs(tid, args[1], args[2])
                .iter()
                .map(|i| i.len)
                .sum()
        }
        Sys::Setsockopt => p.note = Some(sockopt_note(tid, &args)),
        Sys::Shutdown => {
            p.note = Some(
                match args[1] as i32 {
                    libc::SHUT_RD => "SHUT_RD",
                    libc::SHUT_WR => "SHUT_WR",
                    libc::SHUT_RDWR => "SHUT_RDWR",
                    _ => "shutdown",
                }
                .to_owned(),
            )
        }
        Sys::Listen => p.note = Some(format!("backlog {}", args[1] as i32)),
        _ => {}
    }
    p
}

/// `poll`'s array (`args[0]`, `args[1]` entries, at most 4096): each entry's descriptor,
/// the events it asks for and the events returned.
fn read_pollfds(tid: i32, args: &[u64; 6]) -> Vec<(i32, u16, u16)> {
    let n = (args[1] as usize).min(4096);
    tracee::read_mem(tid, args[0], n * 8)
        .chunks_exact(8)
        .map(|c| {
            (
                i32::from_ne_bytes(c[..4].try_into().unwrap_or_default()),
                u16::from_ne_bytes(c[4..6].try_into().unwrap_or_default()),
                u16::from_ne_bytes(c[6..8].try_into().unwrap_or_default()),
            )
        })
        .collect()
}

/// The descriptors in `select()`'s three sets (`args[1..4]`: read, write, except; `args[0]`
/// is nfds), each with poll's bits (`POLLIN` 1, `POLLOUT` 4, `POLLPRI` 2): on entry the
/// watched ones, on return the ready ones (the kernel rewrites the sets in place).
fn select_sets(tid: i32, args: &[u64; 6]) -> Vec<(i32, u16)> {
    let nfds = (args[0] as usize).min(1024);
    let mut out: Vec<(i32, u16)> = Vec::new();
    for (set, bit) in [(args[1], 1u16), (args[2], 4), (args[3], 2)] {
        for f in fd_set_members(tid, set, nfds) {
            match out.iter_mut().find(|(o, _)| *o == f) {
                Some(o) => o.1 |= bit,
                None => out.push((f, bit)),
            }
        }
    }
    out
}

/// The descriptors set in a tracee's `fd_set` of `nfds` bits at `addr`.
fn fd_set_members(tid: i32, addr: u64, nfds: usize) -> Vec<i32> {
    if addr == 0 || nfds == 0 {
        return Vec::new();
    }
    let bytes = nfds.div_ceil(64) * 8;
    let raw = tracee::read_mem(tid, addr, bytes);
    let mut out = Vec::new();
    for (w, chunk) in raw.chunks_exact(8).enumerate() {
        let word = u64::from_ne_bytes(chunk.try_into().unwrap_or_default());
        for b in 0..64 {
            let fd = w * 64 + b;
            if fd < nfds && word & (1 << b) != 0 {
                out.push(fd as i32);
            }
        }
    }
    out
}

/// Size of `struct epoll_event` (packed on x86_64).
#[cfg(target_arch = "x86_64")]
const EPOLL_EVENT_SIZE: usize = 12;
#[cfg(not(target_arch = "x86_64"))]
const EPOLL_EVENT_SIZE: usize = 16;

/// `n` epoll events (events, user data) at `addr`.
fn read_epoll_events(tid: i32, addr: u64, n: usize) -> Vec<(u32, u64)> {
    let n = n.min(4096);
    let raw = tracee::read_mem(tid, addr, n * EPOLL_EVENT_SIZE);
    let data_at = EPOLL_EVENT_SIZE - 8;
    raw.chunks_exact(EPOLL_EVENT_SIZE)
        .map(|c| {
            (
                u32::from_ne_bytes(c[..4].try_into().unwrap_or_default()),
                u64::from_ne_bytes(c[data_at..].try_into().unwrap_or_default()),
            )
        })
        .collect()
}

/// The user data an `epoll_ctl` leaves registered (`None` after `EPOLL_CTL_DEL`).
fn epoll_data_after(op: i32, data: Option<u64>) -> Option<u64> {
    if op == libc::EPOLL_CTL_DEL {
        None
    } else {
        data
    }
}

/// `3 5(out) 7` for a watched list.
fn fd_list(watched: &[(i32, u16)]) -> String {
    let parts: Vec<String> = watched
        .iter()
        .map(|&(f, ev)| {
            let e = event_words(u32::from(ev), true);
            if e.is_empty() || e == "in" {
                f.to_string()
            } else {
                format!("{f}({e})")
            }
        })
        .collect();
    if parts.is_empty() {
        "nothing".into()
    } else {
        format!("fds {}", parts.join(" "))
    }
}

/// `AF_INET SOCK_STREAM` (with `NONBLOCK`/`CLOEXEC`).
fn socket_note(args: &[u64; 6]) -> String {
    let domain = match args[0] as i32 {
        libc::AF_INET => "AF_INET",
        libc::AF_INET6 => "AF_INET6",
        _ => "AF_?",
    };
    let t = args[1] as i32;
    let kind = match t & 0xf {
        libc::SOCK_STREAM => "SOCK_STREAM",
        libc::SOCK_DGRAM => "SOCK_DGRAM",
        libc::SOCK_RAW => "SOCK_RAW",
        _ => "SOCK_?",
    };
    let mut s = format!("{domain} {kind}");
    if t & libc::SOCK_NONBLOCK != 0 {
        s.push_str("|SOCK_NONBLOCK");
    }
    if t & libc::SOCK_CLOEXEC != 0 {
        s.push_str("|SOCK_CLOEXEC");
    }
    s
}

/// `TCP_NODELAY=1`, `SO_LINGER={on,5}`, ... for a setsockopt call.
fn sockopt_note(tid: i32, args: &[u64; 6]) -> String {
    let (level, name, val, len) = (args[1] as i32, args[2] as i32, args[3], args[4]);
    let opt = match (level, name) {
        (libc::IPPROTO_TCP, libc::TCP_NODELAY) => "TCP_NODELAY",
        (libc::IPPROTO_TCP, libc::TCP_CORK) => "TCP_CORK",
        (libc::IPPROTO_TCP, libc::TCP_KEEPIDLE) => "TCP_KEEPIDLE",
        (libc::IPPROTO_TCP, libc::TCP_KEEPINTVL) => "TCP_KEEPINTVL",
        (libc::IPPROTO_TCP, libc::TCP_KEEPCNT) => "TCP_KEEPCNT",
        (libc::IPPROTO_TCP, libc::TCP_MAXSEG) => "TCP_MAXSEG",
        (libc::IPPROTO_TCP, libc::TCP_QUICKACK) => "TCP_QUICKACK",
        (libc::SOL_SOCKET, libc::SO_LINGER) => "SO_LINGER",
        (libc::SOL_SOCKET, libc::SO_KEEPALIVE) => "SO_KEEPALIVE",
        (libc::SOL_SOCKET, libc::SO_RCVBUF) => "SO_RCVBUF",
        (libc::SOL_SOCKET, libc::SO_SNDBUF) => "SO_SNDBUF",
        (libc::SOL_SOCKET, libc::SO_REUSEADDR) => "SO_REUSEADDR",
        (libc::SOL_SOCKET, libc::SO_REUSEPORT) => "SO_REUSEPORT",
        (libc::SOL_SOCKET, libc::SO_BROADCAST) => "SO_BROADCAST",
        (libc::SOL_SOCKET, libc::SO_RCVTIMEO_NEW | libc::SO_RCVTIMEO) => "SO_RCVTIMEO",
        (libc::SOL_SOCKET, libc::SO_SNDTIMEO_NEW | libc::SO_SNDTIMEO) => "SO_SNDTIMEO",
        (libc::IPPROTO_IPV6, libc::IPV6_V6ONLY) => "IPV6_V6ONLY",
        _ => "",
    };
    let opt = if opt.is_empty() {
        format!("option {level}/{name}")
    } else {
        opt.to_owned()
    };
    if opt == "SO_LINGER" && len >= 8 {
        let raw = tracee::read_mem(tid, val, 8);
        if raw.len() == 8 {
            let on = i32::from_ne_bytes(raw[..4].try_into().unwrap_or_default());
            let secs = i32::from_ne_bytes(raw[4..].try_into().unwrap_or_default());
            return format!("SO_LINGER={{onoff={on}, linger={secs}}}");
        }
    }
    if len == 4 {
        if let Some(v) = tracee::read_u32(tid, val) {
            return format!("{opt}={}", v as i32);
        }
    }
    opt
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_words_and_watch_lists_read_naturally() {
        assert_eq!(
            event_words((libc::POLLIN | libc::POLLOUT) as u32, false),
            "in|out"
        );
        assert_eq!(
            event_words((libc::POLLIN | libc::POLLHUP) as u32, false),
            "in|hup"
        );
        // The words' bits are the kernel's, for epoll as for poll; a watch list leaves out
        // what is always reported.
        assert_eq!(
            event_words((libc::EPOLLIN | libc::EPOLLRDHUP) as u32, false),
            "in|rdhup"
        );
        let asked = libc::EPOLLPRI | libc::EPOLLOUT | libc::EPOLLERR | libc::EPOLLHUP;
        assert_eq!(event_words(asked as u32, true), "pri|out");
        assert_eq!(event_words(libc::POLLNVAL as u32, false), "nval");
        assert_eq!(fd_list(&[(3, 1), (5, 4)]), "fds 3 5(out)");
        assert_eq!(fd_list(&[]), "nothing");
        let args = [
            libc::AF_INET as u64,
            (libc::SOCK_STREAM | libc::SOCK_CLOEXEC) as u64,
            0,
            0,
            0,
            0,
        ];
        assert_eq!(socket_note(&args), "AF_INET SOCK_STREAM|SOCK_CLOEXEC");
        assert_eq!(epoll_data_after(libc::EPOLL_CTL_DEL, Some(4)), None);
        assert_eq!(epoll_data_after(libc::EPOLL_CTL_ADD, Some(4)), Some(4));
    }
}
