//! Sockets that record every call they make: the calls trace of the live and netns runs.
//!
//! A lesson's real client and server talk through [`Sock`] (TCP) and [`Recorder::sendto`] /
//! [`Recorder::recvfrom`] (UDP); each system call that returns is added to the run's shared
//! [`CallTrace`] with its entry and return times, actor, connection, addresses, bytes, stream
//! offset and result, and reported to the run's [`Tap`] at once. Every socket has read/write
//! timeouts, so no call of a lesson blocks longer than [`IO_TIMEOUT`].
//!
//! [`Setup`] holds the server's sockets, reserved before the capture starts so that its
//! filter can name their ports.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::tap::{LiveEvent, Tap};
use crate::calls::{CallKind, CallTrace, Traced};
use crate::kernel::SamplerHandle;

/// Socket timeouts: no call of a lesson blocks longer than this.
pub(crate) const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// Nanoseconds since the epoch, the clock of kernel capture timestamps: taken before a call
/// as its entry time, and by [`Recorder::push`] as its return.
pub(crate) fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

/// Who made a call: the actor, its connection (0 for UDP) and the socket's two addresses.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller<'a> {
    /// `client`, `server`, `server-thread1`, `alice`, ...
    pub actor: &'a str,
    /// Connection number within the run (1-based), 0 for UDP.
    pub conn: u32,
    /// The socket's own address.
    pub local: SocketAddr,
    /// The peer's address.
    pub remote: SocketAddr,
}

/// One call a lesson made, as [`Recorder::push`] takes it: what, when it was entered, what
/// it moved and how it ended.
pub(crate) struct Made<'a> {
    kind: CallKind,
    entered_ns: i64,
    data: &'a [u8],
    offset: Option<u64>,
    error: Option<String>,
    note: Option<&'a str>,
}

impl<'a> Made<'a> {
    /// A call of `kind` entered at `entered_ns` (a [`now_ns`] taken just before it) that
    /// moved no bytes and succeeded.
    pub(crate) fn entered(kind: CallKind, entered_ns: i64) -> Made<'a> {
        Made {
            kind,
            entered_ns,
            data: &[],
            offset: None,
            error: None,
            note: None,
        }
    }

    /// The same call, having moved `data` (sent or received) at stream offset `offset`
    /// (`None` for UDP).
    pub(crate) fn moving(mut self, data: &'a [u8], offset: Option<u64>) -> Made<'a> {
        self.data = data;
        self.offset = offset;
        self
    }

    /// The same call, failed with `e`.
    fn failed(mut self, e: &io::Error) -> Made<'a> {
        self.error = Some(err_name(e));
        self
    }

    /// The same call with a detail: the option set, the shutdown direction.
    pub(crate) fn noted(mut self, note: &'a str) -> Made<'a> {
        self.note = Some(note);
        self
    }
}

/// The shared calls trace of a run (its threads record into it), and the tap it reports to.
#[derive(Clone)]
pub(crate) struct Recorder {
    trace: Arc<Mutex<CallTrace>>,
    tap: Option<Tap>,
    /// The kernel-state samplers to poke after each call (one per namespace).
    samplers: Arc<Vec<SamplerHandle>>,
    /// The congestion control every TCP socket of the run is set to (`TCP_CONGESTION`).
    congestion: Option<Arc<str>>,
    /// Until when a `send()` or `recv()` that timed out without progress is tried again
    /// (a lossy path's retransmission timer may back off past [`IO_TIMEOUT`]); `None`:
    /// never, the timeout is the call's error.
    deadline: Option<Instant>,
}

impl Recorder {
    /// An empty trace of `scenario` run in `mode` (`live` or `netns`).
    pub(crate) fn new(scenario: &str, mode: &str, tap: Option<Tap>) -> Recorder {
        Recorder {
            trace: Arc::new(Mutex::new(CallTrace::new(scenario, mode, None))),
            tap,
            samplers: Arc::new(Vec::new()),
            congestion: None,
            deadline: None,
        }
    }

    /// The same recorder, its sockets' `send()` and `recv()` waiting through timeouts until
    /// `deadline` (then failing with [`io::ErrorKind::TimedOut`]): bounded retries for runs
    /// across a lossy router, where a call may wait longer than [`IO_TIMEOUT`] for progress.
    pub(crate) fn with_deadline(mut self, deadline: Instant) -> Recorder {
        self.deadline = Some(deadline);
        self
    }

    /// The same recorder, setting every TCP socket of the run to congestion control `name`.
    pub(crate) fn with_congestion(mut self, name: Option<String>) -> Recorder {
        self.congestion = name.map(Arc::from);
        self
    }

    /// The same recorder, poking `samplers` after each call (and naming new connections to
    /// them, so their first reading does not wait for the samplers' own discovery).
    pub(crate) fn with_samplers(mut self, samplers: Vec<SamplerHandle>) -> Recorder {
        self.samplers = Arc::new(samplers);
        self
    }

    /// Records one call `by` made, returning now.
    pub(crate) fn push(&self, by: Caller<'_>, made: Made<'_>) {
        for s in self.samplers.iter() {
            if matches!(made.kind, CallKind::Connect | CallKind::Accept) && made.error.is_none() {
                s.watch_socket(by.local, by.remote);
            }
            s.poke();
        }
        self.record(by, made, None);
    }

    /// Records a call returning now with its descriptor-level fields (a lesson's
    /// `epoll_wait` and the descriptors it reported).
    pub(crate) fn push_traced(&self, by: Caller<'_>, made: Made<'_>, traced: Box<Traced>) {
        self.record(by, made, Some(traced));
    }

    /// Adds the call to the trace and tells the tap.
    fn record(&self, by: Caller<'_>, made: Made<'_>, traced: Option<Box<Traced>>) {
        let t = now_ns();
        let Ok(mut tr) = self.trace.lock() else {
            return;
        };
        let (local, remote) = (by.local, by.remote);
        tr.push(
            t,
            by.actor,
            by.conn,
            made.kind,
            local,
            remote,
            made.data,
            made.offset,
        );
        if let Some(r) = &made.error {
            tr.fail_last(r);
        }
        if let Some(c) = tr.calls.last_mut() {
            c.note = made.note.map(str::to_owned);
            c.t_enter_ns = Some(made.entered_ns.min(t));
            c.traced = traced;
        }
        if let (Some(tap), Some(call)) = (&self.tap, tr.calls.last()) {
            let _ = tap.send(LiveEvent::Call(call.clone()));
        }
    }

    /// The trace so far, sorted by time.
    pub(crate) fn take(&self) -> CallTrace {
        let mut t = self.trace.lock().map(|t| t.clone()).unwrap_or_default();
        t.sort();
        t
    }

    /// `sendto()` of `data` from `u` to `to`, recorded (also when it fails).
    pub(crate) fn sendto(
        &self,
        actor: &str,
        u: &UdpSocket,
        to: SocketAddr,
        data: &[u8],
    ) -> io::Result<()> {
        let local = u.local_addr()?;
        let entered = now_ns();
        let r = u.send_to(data, to);
        let by = Caller {
            actor,
            conn: 0,
            local,
            remote: to,
        };
        let made = Made::entered(CallKind::Sendto, entered);
        match &r {
            Ok(_) => self.push(by, made.moving(data, None)),
            Err(e) => self.push(by, made.failed(e)),
        }
        r.map(|_| ())
    }

    /// One `recvfrom()` on `u`, recorded when it returns a datagram.
    pub(crate) fn recvfrom(&self, actor: &str, u: &UdpSocket) -> io::Result<()> {
        let mut buf = [0u8; 2048];
        let local = u.local_addr()?;
        let entered = now_ns();
        let (n, from) = u.recv_from(&mut buf)?;
        let by = Caller {
            actor,
            conn: 0,
            local,
            remote: from,
        };
        let made = Made::entered(CallKind::Recvfrom, entered).moving(&buf[..n], None);
        self.push(by, made);
        Ok(())
    }
}

/// True for a blocking call's timeout (`SO_RCVTIMEO`/`SO_SNDTIMEO`: `EAGAIN`).
fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// The name a calls trace gives an error: the errno's symbol for the usual ones.
fn err_name(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::ECONNREFUSED) => "ECONNREFUSED".into(),
        Some(libc::ECONNRESET) => "ECONNRESET".into(),
        Some(libc::EPIPE) => "EPIPE".into(),
        Some(libc::ETIMEDOUT) => "ETIMEDOUT".into(),
        Some(libc::EAGAIN) => "EAGAIN".into(),
        _ => e.to_string(),
    }
}

/// A connected TCP socket that records every call it makes.
pub(crate) struct Sock {
    s: TcpStream,
    actor: String,
    conn: u32,
    rec: Recorder,
    local: SocketAddr,
    peer: SocketAddr,
    sent: u64,
    read: u64,
}

/// The descriptor, for a multiplexing server's epoll set.
impl std::os::fd::AsFd for Sock {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.s.as_fd()
    }
}

impl Sock {
    fn wrap(s: TcpStream, actor: &str, conn: u32, rec: &Recorder) -> io::Result<Sock> {
        if let Some(cc) = &rec.congestion {
            set_congestion(s.as_raw_fd(), cc)?;
        }
        s.set_read_timeout(Some(IO_TIMEOUT))?;
        s.set_write_timeout(Some(IO_TIMEOUT))?;
        Ok(Sock {
            local: s.local_addr()?,
            peer: s.peer_addr()?,
            s,
            actor: actor.to_owned(),
            conn,
            rec: rec.clone(),
            sent: 0,
            read: 0,
        })
    }

    /// `connect()`; a failed connect is recorded with its error (local port 0).
    pub(crate) fn connect(
        to: SocketAddr,
        actor: &str,
        conn: u32,
        rec: &Recorder,
    ) -> io::Result<Sock> {
        let made = Made::entered(CallKind::Connect, now_ns());
        let s = match TcpStream::connect_timeout(&to, IO_TIMEOUT) {
            Ok(s) => s,
            Err(e) => {
                let by = Caller {
                    actor,
                    conn,
                    local: SocketAddr::new(to.ip(), 0),
                    remote: to,
                };
                rec.push(by, made.failed(&e));
                return Err(e);
            }
        };
        let sock = Sock::wrap(s, actor, conn, rec)?;
        rec.push(sock.caller(), made);
        Ok(sock)
    }

    /// `accept()`.
    pub(crate) fn accept(
        l: &TcpListener,
        actor: &str,
        conn: u32,
        rec: &Recorder,
    ) -> io::Result<Sock> {
        let made = Made::entered(CallKind::Accept, now_ns());
        let (s, _) = l.accept()?;
        let sock = Sock::wrap(s, actor, conn, rec)?;
        rec.push(sock.caller(), made);
        Ok(sock)
    }

    /// The peer's address.
    pub(crate) fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// The socket's own address.
    pub(crate) fn local(&self) -> SocketAddr {
        self.local
    }

    /// Who makes this socket's calls.
    pub(crate) fn caller(&self) -> Caller<'_> {
        Caller {
            actor: &self.actor,
            conn: self.conn,
            local: self.local,
            remote: self.peer,
        }
    }

    fn push(&self, made: Made<'_>) {
        self.rec.push(self.caller(), made);
    }

    /// One `send()` of all of `data` (loops on partial writes, each recorded). A write that
    /// times out and waits again (see [`Sock::may_wait_again`]) is still the one call, entered
    /// when it was first made.
    pub(crate) fn send(&mut self, data: &[u8]) -> io::Result<()> {
        let mut at = 0;
        let mut made = Made::entered(CallKind::Send, now_ns());
        while at < data.len() {
            match self.s.write(&data[at..]) {
                Ok(n) => {
                    self.push(made.moving(&data[at..at + n], Some(self.sent)));
                    self.sent += n as u64;
                    at += n;
                    made = Made::entered(CallKind::Send, now_ns());
                }
                Err(e) if self.may_wait_again(&e) => {}
                Err(e) => {
                    let e = self.past_deadline(e);
                    self.push(made.moving(&[], Some(self.sent)).failed(&e));
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// One `recv()` of up to `max` bytes (empty = end of stream), entered when first made
    /// (waiting again through timeouts, as [`Sock::send`] does).
    pub(crate) fn recv(&mut self, max: usize) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; max];
        let made = Made::entered(CallKind::Recv, now_ns());
        loop {
            match self.s.read(&mut buf) {
                Ok(n) => {
                    buf.truncate(n);
                    self.push(made.moving(&buf, Some(self.read)));
                    self.read += n as u64;
                    return Ok(buf);
                }
                Err(e) if self.may_wait_again(&e) => {}
                Err(e) => {
                    let e = self.past_deadline(e);
                    self.push(made.moving(&[], Some(self.read)).failed(&e));
                    return Err(e);
                }
            }
        }
    }

    /// Sends `m` and reads as many bytes back: one round of a lesson whose server echoes or
    /// answers each request with a reply of the same length.
    pub(crate) fn exchange(&mut self, m: &[u8]) -> io::Result<Vec<u8>> {
        self.send(m)?;
        self.recv_exact(m.len())
    }

    /// True when `e` is a socket timeout (no progress for [`IO_TIMEOUT`]) and the run's
    /// deadline has not passed: the call waits again (the kernel is still retransmitting).
    /// The next wait ends at the deadline at the latest.
    fn may_wait_again(&self, e: &io::Error) -> bool {
        let Some(left) = self
            .rec
            .deadline
            .and_then(|d| d.checked_duration_since(Instant::now()))
            .filter(|left| is_timeout(e) && !left.is_zero())
        else {
            return false;
        };
        let wait = Some(left.min(IO_TIMEOUT));
        self.s.set_read_timeout(wait).is_ok() && self.s.set_write_timeout(wait).is_ok()
    }

    /// A timeout past the run's deadline as [`io::ErrorKind::TimedOut`], saying how far this
    /// socket got (other errors unchanged).
    fn past_deadline(&self, e: io::Error) -> io::Error {
        if !is_timeout(&e) || self.rec.deadline.is_none() {
            return e;
        }
        io::Error::new(
            io::ErrorKind::TimedOut,
            format!(
                "{} made no progress before the run's deadline ({} bytes sent, {} received)",
                self.actor, self.sent, self.read
            ),
        )
    }

    /// `recv()` until exactly `n` bytes arrived (each call recorded).
    pub(crate) fn recv_exact(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let got = self.recv(n - out.len())?;
            if got.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "peer closed early",
                ));
            }
            out.extend_from_slice(&got);
        }
        Ok(out)
    }

    /// `recv()` until end of stream.
    pub(crate) fn recv_to_end(&mut self, chunk: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        loop {
            let got = self.recv(chunk)?;
            if got.is_empty() {
                return Ok(out);
            }
            out.extend_from_slice(&got);
        }
    }

    /// `shutdown(SHUT_WR)`.
    pub(crate) fn shutdown_write(&mut self) -> io::Result<()> {
        let made = Made::entered(CallKind::Shutdown, now_ns());
        self.s.shutdown(Shutdown::Write)?;
        self.push(made.noted("SHUT_WR"));
        Ok(())
    }

    /// `close()`.
    pub(crate) fn close(self) {
        let made = Made::entered(CallKind::Close, now_ns());
        let Sock {
            s,
            actor,
            conn,
            rec,
            local,
            peer,
            ..
        } = self;
        drop(s);
        let by = Caller {
            actor: &actor,
            conn,
            local,
            remote: peer,
        };
        rec.push(by, made);
    }

    /// `setsockopt()` with an int value, recorded with `note`.
    pub(crate) fn setsockopt(
        &self,
        level: i32,
        name: i32,
        value: i32,
        note: &str,
    ) -> io::Result<()> {
        let entered = now_ns();
        set_int(self.s.as_raw_fd(), level, name, value)?;
        self.record_option(entered, note);
        Ok(())
    }

    /// `setsockopt(TCP_CONGESTION, name)`, recorded: this connection's congestion control
    /// algorithm from now on (one of the kernel's `tcp_available_congestion_control`).
    pub(crate) fn set_congestion(&self, name: &str) -> io::Result<()> {
        let entered = now_ns();
        set_congestion(self.s.as_raw_fd(), name)?;
        self.record_option(entered, &format!("TCP_CONGESTION={name}"));
        Ok(())
    }

    /// `setsockopt(SO_SNDBUF, bytes)`, recorded: the kernel keeps twice `bytes` (its
    /// bookkeeping) and stops growing the buffer by itself; send() then waits whenever that
    /// much is queued or unacknowledged.
    pub(crate) fn set_send_buffer(&self, bytes: i32) -> io::Result<()> {
        let entered = now_ns();
        set_int(self.s.as_raw_fd(), libc::SOL_SOCKET, libc::SO_SNDBUF, bytes)?;
        self.record_option(entered, &format!("SO_SNDBUF={bytes}"));
        Ok(())
    }

    /// `SO_LINGER {on, 0}`, recorded: close() then sends RST and discards unsent data.
    pub(crate) fn set_linger_zero(&self) -> io::Result<()> {
        let l = libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        let entered = now_ns();
        // SAFETY: the socket is open for the duration of the call, and the option value is
        // a live `linger` struct whose size is passed alongside it.
        let r = unsafe {
            libc::setsockopt(
                self.s.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&l as *const libc::linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            )
        };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
        self.record_option(entered, "SO_LINGER {l_onoff: 1, l_linger: 0}");
        Ok(())
    }

    /// Records a `setsockopt()` entered at `entered`, setting what `note` says.
    fn record_option(&self, entered: i64, note: &str) {
        self.push(Made::entered(CallKind::Setsockopt, entered).noted(note));
    }
}

/// `setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name)`.
fn set_congestion(fd: i32, name: &str) -> io::Result<()> {
    // SAFETY: `fd` is an open socket owned by the caller for the duration of the call, and
    // the option value is `name`'s bytes with their length passed alongside.
    let r = unsafe {
        libc::setsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_CONGESTION,
            name.as_ptr().cast(),
            name.len() as libc::socklen_t,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// `setsockopt(fd, level, name, &value)` for an int option.
fn set_int(fd: i32, level: i32, name: i32, value: i32) -> io::Result<()> {
    // SAFETY: `fd` is an open socket owned by the caller for the duration of the call, and
    // the option value is a live `c_int` whose size is passed alongside it.
    let r = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (&value as *const i32).cast(),
            std::mem::size_of::<i32>() as libc::socklen_t,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The sockets a lesson's server side needs, reserved before the capture starts so the
/// capture's filter names their ports.
pub(crate) struct Setup {
    /// The TCP listener, for TCP lessons.
    pub listener: Option<TcpListener>,
    /// The UDP sockets, for UDP lessons.
    pub udp: Vec<UdpSocket>,
    /// The server's port: clients connect or send to it.
    pub port: u16,
}

impl Setup {
    /// A TCP listener on `ip`, on a port the kernel picks.
    pub(crate) fn listener(ip: IpAddr) -> io::Result<Setup> {
        Setup::with_listener(TcpListener::bind((ip, 0))?)
    }

    /// A listener whose accepted sockets have a small (4 KiB) receive buffer.
    pub(crate) fn small_receive_buffer(ip: IpAddr) -> io::Result<Setup> {
        Setup::with_listener(small_rcvbuf_listener(ip)?)
    }

    fn with_listener(l: TcpListener) -> io::Result<Setup> {
        let port = l.local_addr()?.port();
        Ok(Setup {
            listener: Some(l),
            udp: Vec::new(),
            port,
        })
    }

    /// A port on `ip` that nobody listens on (bound, noted, closed).
    pub(crate) fn closed_port(ip: IpAddr) -> io::Result<Setup> {
        let l = TcpListener::bind((ip, 0))?;
        let port = l.local_addr()?.port();
        drop(l);
        Ok(Setup {
            listener: None,
            udp: Vec::new(),
            port,
        })
    }

    /// UDP sockets (given read timeouts), the server's port being `port`.
    pub(crate) fn udp(sockets: Vec<UdpSocket>, port: u16) -> io::Result<Setup> {
        for u in &sockets {
            u.set_read_timeout(Some(IO_TIMEOUT))?;
        }
        Ok(Setup {
            listener: None,
            udp: sockets,
            port,
        })
    }

    /// The capture filter that selects this run's traffic.
    pub(crate) fn filter(&self) -> String {
        if self.udp.is_empty() {
            return format!("tcp port {}", self.port);
        }
        self.udp
            .iter()
            .filter_map(|u| u.local_addr().ok())
            .map(|a| a.port())
            .chain(std::iter::once(self.port))
            .collect::<std::collections::BTreeSet<u16>>()
            .iter()
            .map(|p| format!("udp port {p}"))
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

/// A listener whose accepted sockets have a small receive buffer (SO_RCVBUF must be set
/// before listen() to shape the window announced in the SYN-ACK).
fn small_rcvbuf_listener(ip: IpAddr) -> io::Result<TcpListener> {
    let domain = if ip.is_ipv6() {
        libc::AF_INET6
    } else {
        libc::AF_INET
    };
    // SAFETY: plain socket(2) call; the returned fd is checked and owned below.
    let fd = unsafe { libc::socket(domain, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is a fresh socket nobody else owns; TcpListener takes ownership.
    let listener = unsafe { <TcpListener as std::os::fd::FromRawFd>::from_raw_fd(fd) };
    set_int(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, 4096)?;
    let addr = sockaddr_bytes(SocketAddr::new(ip, 0));
    // SAFETY: `addr` holds a valid sockaddr of the given length for the socket's family.
    let r = unsafe { libc::bind(fd, addr.0.as_ptr().cast(), addr.1) };
    if r != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: listening on our bound socket.
    if unsafe { libc::listen(fd, 16) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(listener)
}

/// A `sockaddr_in`/`sockaddr_in6` as bytes plus its length.
fn sockaddr_bytes(a: SocketAddr) -> ([u8; 28], libc::socklen_t) {
    let mut buf = [0u8; 28];
    match a {
        SocketAddr::V4(v4) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: v4.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(v4.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            let n = std::mem::size_of::<libc::sockaddr_in>();
            // SAFETY: copying the bytes of a plain-old-data struct into a large enough buffer.
            let bytes = unsafe {
                std::slice::from_raw_parts((&sin as *const libc::sockaddr_in).cast::<u8>(), n)
            };
            buf[..n].copy_from_slice(bytes);
            (buf, n as libc::socklen_t)
        }
        SocketAddr::V6(v6) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: v6.port().to_be(),
                sin6_flowinfo: 0,
                sin6_addr: libc::in6_addr {
                    s6_addr: v6.ip().octets(),
                },
                sin6_scope_id: 0,
            };
            let n = std::mem::size_of::<libc::sockaddr_in6>();
            // SAFETY: as above.
            let bytes = unsafe {
                std::slice::from_raw_parts((&sin6 as *const libc::sockaddr_in6).cast::<u8>(), n)
            };
            buf[..n].copy_from_slice(bytes);
            (buf, n as libc::socklen_t)
        }
    }
}
