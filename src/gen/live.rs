//! Live mode: the scenarios with real sockets and the real kernel's TCP on loopback.
//!
//! The server and the client run in threads of this process on `127.0.0.1` (or `::1`), on
//! ports the kernel picks. Before the first packet, a libpcap capture opens on `lo` with a
//! BPF filter on the scenario's ports (via [`crate::capture::live`]), so the capture holds
//! this run's traffic and nothing else. Capturing needs root or `CAP_NET_RAW`; without it
//! the scenario still runs (the calls trace is still written) and the user is told how to
//! get the capture. Every socket has read/write timeouts and every scenario moves a fixed,
//! small amount of data, so a run always ends by itself within seconds.
//!
//! Some lessons cannot be forced on loopback (crossing FINs, loss, reordering): those run
//! synthetic, or in namespaces ([`super::netns`]).

use std::io::{self, Read, Write};
use std::net::{
    IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket,
};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::scripts::{text_block, MESSAGES};
use super::{GenOptions, Scenario};
use crate::calls::{Call, CallKind, CallTrace};
use crate::capture::live::{self as cap, LiveConfig};
use crate::capture::{LinkType, OwnedFrame};

/// Socket timeouts: no call of a scenario blocks longer than this.
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// What a live run produced.
#[derive(Debug)]
pub struct LiveRun {
    /// The captured frames, when this process could capture.
    pub frames: Option<Vec<OwnedFrame>>,
    /// Link type of the frames.
    pub link: LinkType,
    /// The application calls.
    pub trace: CallTrace,
    /// Why there is no capture (how to get one), when there is none.
    pub no_capture: Option<String>,
    /// The BPF filter used.
    pub filter: String,
    /// Packets the kernel dropped from the capture (the capture misses them).
    pub dropped: u64,
}

/// Nanoseconds since the epoch, the clock of kernel capture timestamps.
pub fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

/// What a run reports while it runs, so a viewer (the desktop's generator panel) can show
/// packets and calls as they happen rather than after the run.
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// A frame the capture kept (numbered in capture order from 1).
    Frame(OwnedFrame),
    /// A socket call that returned.
    Call(Call),
}

/// Where a run sends its [`LiveEvent`]s; a closed receiver is ignored (the run goes on).
pub type Tap = std::sync::mpsc::Sender<LiveEvent>;

/// The shared calls trace of a run (threads record into it), and the tap it reports to.
#[derive(Clone)]
pub struct Rec {
    trace: Arc<Mutex<CallTrace>>,
    tap: Option<Tap>,
}

impl Rec {
    fn new(sc: Scenario, mode: &str, tap: Option<Tap>) -> Rec {
        Rec {
            trace: Arc::new(Mutex::new(CallTrace::new(sc.name(), mode, None))),
            tap,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &self,
        actor: &str,
        conn: u32,
        kind: CallKind,
        local: SocketAddr,
        remote: SocketAddr,
        data: &[u8],
        offset: Option<u64>,
        result: Option<&str>,
        note: Option<&str>,
    ) {
        let t = now_ns();
        if let Ok(mut tr) = self.trace.lock() {
            tr.push(t, actor, conn, kind, local, remote, data, offset);
            if let Some(r) = result {
                tr.fail_last(r);
            }
            if let Some(n) = note {
                tr.note_last(n);
            }
            if let (Some(tap), Some(call)) = (&self.tap, tr.calls.last()) {
                let _ = tap.send(LiveEvent::Call(call.clone()));
            }
        }
    }

    fn take(&self) -> CallTrace {
        let mut t = self.trace.lock().map(|t| t.clone()).unwrap_or_default();
        t.sort();
        t
    }
}

/// A connected TCP socket that records every call it makes.
pub struct Sock {
    s: TcpStream,
    actor: String,
    conn: u32,
    rec: Rec,
    local: SocketAddr,
    peer: SocketAddr,
    sent: u64,
    read: u64,
}

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

impl Sock {
    fn wrap(s: TcpStream, actor: &str, conn: u32, rec: &Rec) -> io::Result<Sock> {
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

    /// `connect()`.
    fn connect(to: SocketAddr, actor: &str, conn: u32, rec: &Rec) -> io::Result<Sock> {
        let s = TcpStream::connect_timeout(&to, IO_TIMEOUT)?;
        let sock = Sock::wrap(s, actor, conn, rec)?;
        rec.push(
            actor,
            conn,
            CallKind::Connect,
            sock.local,
            to,
            &[],
            None,
            None,
            None,
        );
        Ok(sock)
    }

    /// `accept()`.
    fn accept(l: &TcpListener, actor: &str, conn: u32, rec: &Rec) -> io::Result<Sock> {
        let (s, _) = l.accept()?;
        let sock = Sock::wrap(s, actor, conn, rec)?;
        rec.push(
            actor,
            conn,
            CallKind::Accept,
            sock.local,
            sock.peer,
            &[],
            None,
            None,
            None,
        );
        Ok(sock)
    }

    fn push(
        &self,
        kind: CallKind,
        data: &[u8],
        off: Option<u64>,
        res: Option<&str>,
        note: Option<&str>,
    ) {
        self.rec.push(
            &self.actor,
            self.conn,
            kind,
            self.local,
            self.peer,
            data,
            off,
            res,
            note,
        );
    }

    /// One `send()` of all of `data` (loops on partial writes, each recorded).
    fn send(&mut self, data: &[u8]) -> io::Result<()> {
        let mut at = 0;
        while at < data.len() {
            match self.s.write(&data[at..]) {
                Ok(n) => {
                    self.push(
                        CallKind::Send,
                        &data[at..at + n],
                        Some(self.sent),
                        None,
                        None,
                    );
                    self.sent += n as u64;
                    at += n;
                }
                Err(e) => {
                    self.push(
                        CallKind::Send,
                        &[],
                        Some(self.sent),
                        Some(&err_name(&e)),
                        None,
                    );
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// One `recv()` of up to `max` bytes (empty = end of stream).
    fn recv(&mut self, max: usize) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; max];
        match self.s.read(&mut buf) {
            Ok(n) => {
                buf.truncate(n);
                self.push(CallKind::Recv, &buf, Some(self.read), None, None);
                self.read += n as u64;
                Ok(buf)
            }
            Err(e) => {
                self.push(
                    CallKind::Recv,
                    &[],
                    Some(self.read),
                    Some(&err_name(&e)),
                    None,
                );
                Err(e)
            }
        }
    }

    /// `recv()` until exactly `n` bytes arrived (each call recorded).
    fn recv_exact(&mut self, n: usize) -> io::Result<Vec<u8>> {
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
    fn recv_to_end(&mut self, chunk: usize) -> io::Result<Vec<u8>> {
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
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.s.shutdown(Shutdown::Write)?;
        self.push(CallKind::Shutdown, &[], None, None, Some("SHUT_WR"));
        Ok(())
    }

    /// `close()`.
    fn close(self) {
        self.push(CallKind::Close, &[], None, None, None);
        drop(self.s);
    }

    /// `setsockopt()` with an int value, recorded with a note.
    fn setsockopt(&self, level: i32, name: i32, value: i32, note: &str) -> io::Result<()> {
        set_int(self.s.as_raw_fd(), level, name, value)?;
        self.push(CallKind::Setsockopt, &[], None, None, Some(note));
        Ok(())
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

/// `SO_LINGER {on, 0}`: close() then sends RST and discards unsent data.
fn set_linger_zero(fd: i32) -> io::Result<()> {
    let l = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: as in `set_int`, with a live `linger` struct and its size.
    let r = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&l as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The loopback address of the run.
fn loopback(ipv6: bool) -> IpAddr {
    if ipv6 {
        IpAddr::V6(Ipv6Addr::LOCALHOST)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    }
}

/// A running capture on `lo`.
struct Capture {
    stop: Arc<AtomicBool>,
    thread: thread::JoinHandle<(Vec<OwnedFrame>, u64)>,
    link: LinkType,
}

impl Capture {
    /// Opens `lo` with `filter` and waits until the capture demonstrably sees packets (a
    /// marker datagram to a port of our own is captured), so the scenario's first SYN is
    /// not lost to capture start-up; the error says how to get permission.
    fn start(
        iface: &str,
        filter: &str,
        ip: IpAddr,
        marker_to: Option<IpAddr>,
        tap: Option<Tap>,
    ) -> Result<Capture, String> {
        let marker = UdpSocket::bind((ip, 0)).map_err(|e| e.to_string())?;
        let mport = marker.local_addr().map_err(|e| e.to_string())?.port();
        // On lo the marker goes to itself; elsewhere to a neighbour, so it crosses `iface`.
        let marker_addr = SocketAddr::new(
            marker_to.unwrap_or(ip),
            if marker_to.is_some() { 9 } else { mport },
        );
        let mut cfg = LiveConfig::new(iface);
        cfg.filter = Some(format!("({filter}) or (udp port {mport})"));
        cfg.promisc = false;
        cfg.immediate = true;
        // libpcap's ring slots are snaplen-sized: with the default 256 KiB snaplen a 2 MiB
        // ring holds 8 packets and a burst overflows it. Loopback frames are at most
        // 65536 + 14 bytes; a 32 MiB ring then holds hundreds.
        cfg.snaplen = 65_536 + 64;
        cfg.buffer_size = Some(32 << 20);
        let mut src = cap::open(&cfg).map_err(|e| e.to_string())?;
        let link = src.link_type();
        let stop = Arc::new(AtomicBool::new(false));
        let synced = Arc::new(AtomicBool::new(false));
        let (flag, seen) = (stop.clone(), synced.clone());
        let thread = thread::spawn(move || {
            let mut frames = Vec::new();
            let mut buf = Vec::with_capacity(65536);
            // Frames past this many are not kept (a run moves far fewer).
            const CAP: usize = 100_000;
            // Drops counted before the marker arrived belong to capture start-up.
            let mut baseline: Option<u64> = None;
            loop {
                match src.recv_into(&mut buf, Duration::from_millis(20)) {
                    Ok(Some(meta)) => {
                        if baseline.is_none() {
                            baseline =
                                Some(src.kernel_stats().map_or(0, |k| k.dropped + k.if_dropped));
                        }
                        let mut f =
                            OwnedFrame::packet(frames.len() as u64 + 1, meta.ts, link, buf.clone());
                        f.len = meta.len.max(buf.len() as u32);
                        let is_marker = crate::decode::decode(&f.as_frame())
                            .ports()
                            .is_some_and(|(a, b)| a == mport || b == mport);
                        if is_marker {
                            seen.store(true, Ordering::SeqCst);
                        } else if frames.len() < CAP {
                            if let Some(tap) = &tap {
                                let _ = tap.send(LiveEvent::Frame(f.clone()));
                            }
                            frames.push(f);
                        }
                    }
                    Ok(None) => {
                        if flag.load(Ordering::SeqCst) {
                            break;
                        }
                    }
                    Err(_) => break,
                }
            }
            let dropped = src.kernel_stats().map_or(0, |k| k.dropped + k.if_dropped);
            (frames, dropped.saturating_sub(baseline.unwrap_or(dropped)))
        });
        for _ in 0..100 {
            let _ = marker.send_to(b"synack-gen capture sync", marker_addr);
            thread::sleep(Duration::from_millis(10));
            if synced.load(Ordering::SeqCst) {
                return Ok(Capture { stop, thread, link });
            }
        }
        stop.store(true, Ordering::SeqCst);
        let _ = thread.join();
        Err(format!(
            "the capture on {iface} saw none of its own marker packets within 1 s"
        ))
    }

    /// Lets the last packets arrive, stops, returns the frames (renumbered from 1) and the
    /// number the kernel dropped.
    fn finish(self) -> (Vec<OwnedFrame>, u64) {
        thread::sleep(Duration::from_millis(100));
        self.stop.store(true, Ordering::SeqCst);
        let (mut frames, dropped) = self.thread.join().unwrap_or_default();
        for (i, f) in frames.iter_mut().enumerate() {
            f.number = i as u64 + 1;
        }
        (frames, dropped)
    }
}

/// The ports a scenario needs, reserved before the capture starts so the filter names them.
pub struct Setup {
    listener: Option<TcpListener>,
    udp: Vec<UdpSocket>,
    port: u16,
}

/// Runs `sc` live. Errors are setup failures (no loopback, no ports); a missing capture
/// permission is not an error (see [`LiveRun::no_capture`]).
pub fn run(sc: Scenario, opts: &GenOptions) -> anyhow::Result<LiveRun> {
    run_on_loopback(sc, opts, None)
}

/// [`run`], reporting each captured frame and each call to `tap` as it happens (the frames
/// and the trace are also returned at the end, as by [`run`]).
pub fn run_tapped(sc: Scenario, opts: &GenOptions, tap: Tap) -> anyhow::Result<LiveRun> {
    run_on_loopback(sc, opts, Some(tap))
}

fn run_on_loopback(sc: Scenario, opts: &GenOptions, tap: Option<Tap>) -> anyhow::Result<LiveRun> {
    if !sc.live_capable() {
        anyhow::bail!("`{sc}` has no live form on loopback: use --synthetic (or --netns)");
    }
    if sc == Scenario::UdpBroadcast && opts.ipv6 {
        anyhow::bail!(
            "IPv6 has no broadcast: drop --ipv6, or use --synthetic --ipv6 (all-nodes multicast ff02::1)"
        );
    }
    let ip = loopback(opts.ipv6);
    let setup = prepare(sc, ip)?;
    run_prepared_tapped(sc, opts, setup, ip, Where::Loopback, tap)
}

/// Where a run's sockets live and where it captures.
#[derive(Debug, Clone, Copy)]
pub enum Where<'a> {
    /// Loopback: capture on `lo`.
    Loopback,
    /// A namespace host: capture on `iface`, sending the start-up marker to `neighbour`.
    Host {
        /// Interface to capture on (the client's veth).
        iface: &'a str,
        /// The client's own address.
        local: IpAddr,
        /// An address across `iface` (the router).
        neighbour: IpAddr,
    },
}

/// Reserves the ports of `sc` on `ip` (call it in the server's network namespace).
pub fn prepare_on(sc: Scenario, ip: IpAddr) -> anyhow::Result<Setup> {
    prepare(sc, ip)
}

/// Runs a prepared scenario: the server's sockets are in `setup` (already bound, in
/// whatever namespace they were made), the client connects to `ip` from the calling
/// thread's namespace.
pub fn run_prepared(
    sc: Scenario,
    opts: &GenOptions,
    setup: Setup,
    ip: IpAddr,
    at: Where<'_>,
) -> anyhow::Result<LiveRun> {
    run_prepared_tapped(sc, opts, setup, ip, at, None)
}

/// [`run_prepared`], reporting frames and calls to `tap` (when given) as they happen.
pub fn run_prepared_tapped(
    sc: Scenario,
    opts: &GenOptions,
    setup: Setup,
    ip: IpAddr,
    at: Where<'_>,
    tap: Option<Tap>,
) -> anyhow::Result<LiveRun> {
    let mode = match at {
        Where::Loopback => "live",
        Where::Host { .. } => "netns",
    };
    let filter = match sc {
        Scenario::UdpChat | Scenario::UdpBroadcast => setup
            .udp
            .iter()
            .filter_map(|u| u.local_addr().ok())
            .map(|a| a.port())
            .chain(std::iter::once(setup.port))
            .collect::<std::collections::BTreeSet<u16>>()
            .iter()
            .map(|p| format!("udp port {p}"))
            .collect::<Vec<_>>()
            .join(" or "),
        _ => format!("tcp port {}", setup.port),
    };
    let started = match at {
        Where::Loopback => Capture::start("lo", &filter, ip, None, tap.clone()),
        Where::Host {
            iface,
            local,
            neighbour,
        } => Capture::start(iface, &filter, local, Some(neighbour), tap.clone()),
    };
    let (cap, no_capture) = {
        match started {
            Ok(c) => (Some(c), None),
            Err(e) => (
                None,
                Some(format!(
                    "no capture ({e}). The scenario still runs; to capture it yourself: \
                     `sudo tcpdump -i lo -w FILE '{filter}'`; `--synthetic` needs no privileges."
                )),
            ),
        }
    };
    let rec = Rec::new(sc, mode, tap);
    let result = scenario(sc, opts, setup, ip, &rec);
    let (frames, link, dropped) = match cap {
        Some(c) => {
            let link = c.link;
            let (frames, dropped) = c.finish();
            (Some(frames), link, dropped)
        }
        None => (None, LinkType::Ethernet, 0),
    };
    result?;
    Ok(LiveRun {
        frames,
        link,
        trace: rec.take(),
        no_capture,
        filter,
        dropped,
    })
}

fn prepare(sc: Scenario, ip: IpAddr) -> anyhow::Result<Setup> {
    match sc {
        Scenario::UdpChat => {
            let a = UdpSocket::bind((ip, 0))?;
            let b = UdpSocket::bind((ip, 0))?;
            let port = a.local_addr()?.port();
            Ok(Setup {
                listener: None,
                udp: vec![a, b],
                port,
            })
        }
        Scenario::UdpBroadcast => {
            // Listeners on the wildcard address receive broadcasts to 127.255.255.255.
            let l1 = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))?;
            let port = l1.local_addr()?.port();
            let sender = UdpSocket::bind((ip, 0))?;
            Ok(Setup {
                listener: None,
                udp: vec![sender, l1],
                port,
            })
        }
        Scenario::Refused => {
            // A port nobody listens on: bind one, note it, close it.
            let l = TcpListener::bind((ip, 0))?;
            let port = l.local_addr()?.port();
            drop(l);
            Ok(Setup {
                listener: None,
                udp: Vec::new(),
                port,
            })
        }
        Scenario::ZeroWindow => {
            let l = small_rcvbuf_listener(ip)?;
            let port = l.local_addr()?.port();
            Ok(Setup {
                listener: Some(l),
                udp: Vec::new(),
                port,
            })
        }
        _ => {
            let l = TcpListener::bind((ip, 0))?;
            let port = l.local_addr()?.port();
            Ok(Setup {
                listener: Some(l),
                udp: Vec::new(),
                port,
            })
        }
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
    let addr = socket2_addr(SocketAddr::new(ip, 0));
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
fn socket2_addr(a: SocketAddr) -> ([u8; 28], libc::socklen_t) {
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

fn ms(n: u64) {
    thread::sleep(Duration::from_millis(n));
}

/// Joins a server thread, turning its panic or error into an error.
fn join(h: thread::ScopedJoinHandle<'_, io::Result<()>>) -> io::Result<()> {
    h.join()
        .unwrap_or_else(|_| Err(io::Error::other("server thread panicked")))
}

fn framed(m: &str, how: u8) -> Vec<u8> {
    match how {
        b'l' => {
            let mut v = (m.len() as u32).to_be_bytes().to_vec();
            v.extend_from_slice(m.as_bytes());
            v
        }
        b'n' => format!("{m}\n").into_bytes(),
        _ => m.as_bytes().to_vec(),
    }
}

fn lp(body: &[u8]) -> Vec<u8> {
    let mut v = (body.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(body);
    v
}

/// Reads one length-prefixed frame.
fn read_lp(s: &mut Sock) -> io::Result<Vec<u8>> {
    let h = s.recv_exact(4)?;
    let n = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
    if n > 1 << 20 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "frame too large",
        ));
    }
    s.recv_exact(n)
}

/// The scenarios themselves.
fn scenario(
    sc: Scenario,
    _opts: &GenOptions,
    setup: Setup,
    ip: IpAddr,
    rec: &Rec,
) -> anyhow::Result<()> {
    let port = setup.port;
    let to = SocketAddr::new(ip, port);
    if sc == Scenario::Refused {
        let r = TcpStream::connect_timeout(&to, IO_TIMEOUT);
        let local = SocketAddr::new(ip, 0);
        match r {
            Err(e) => rec.push(
                "client",
                1,
                CallKind::Connect,
                local,
                to,
                &[],
                None,
                Some(&err_name(&e)),
                None,
            ),
            Ok(_) => anyhow::bail!("port {port} unexpectedly accepted a connection"),
        }
        return Ok(());
    }
    if sc == Scenario::UdpChat || sc == Scenario::UdpBroadcast {
        return udp(sc, setup, rec);
    }
    let Some(l) = setup.listener else {
        anyhow::bail!("no listener");
    };
    l.set_nonblocking(false)?;
    let l = &l;
    thread::scope(|scope| -> anyhow::Result<()> {
        if sc == Scenario::Concurrent {
            let server = scope.spawn(move || -> io::Result<()> {
                thread::scope(|inner| {
                    let mut hs = Vec::new();
                    for i in 1..=3u32 {
                        let mut s = Sock::accept(l, &format!("server-thread{i}"), i, rec)?;
                        hs.push(inner.spawn(move || -> io::Result<()> {
                            loop {
                                let m = s.recv(1024)?;
                                if m.is_empty() {
                                    break;
                                }
                                s.send(&m)?;
                            }
                            s.close();
                            Ok(())
                        }));
                    }
                    for h in hs {
                        join(h)?;
                    }
                    Ok(())
                })
            });
            let clients: Vec<_> = (1..=3u32)
                .map(|i| {
                    scope.spawn(move || -> io::Result<()> {
                        let mut c = Sock::connect(to, &format!("client{i}"), i, rec)?;
                        for round in 1..=2 {
                            ms(5);
                            let m = format!("client {i} says hello #{round}\n");
                            c.send(m.as_bytes())?;
                            c.recv_exact(m.len())?;
                        }
                        c.close();
                        Ok(())
                    })
                })
                .collect();
            for c in clients {
                join(c)?;
            }
            join(server)?;
            return Ok(());
        }
        let server = scope.spawn(move || -> io::Result<()> { serve(sc, l, rec) });
        let client = client(sc, to, rec);
        let s = join(server);
        client?;
        s?;
        Ok(())
    })
}

/// The server side of the single-connection scenarios.
fn serve(sc: Scenario, l: &TcpListener, rec: &Rec) -> io::Result<()> {
    let mut s = Sock::accept(l, "server", 1, rec)?;
    match sc {
        Scenario::Handshake => {
            s.recv(1024)?;
            s.close();
        }
        Scenario::Echo
        | Scenario::CloseClientFirst
        | Scenario::CloseCombined
        | Scenario::KeepAlive => {
            loop {
                let m = s.recv(1024)?;
                if m.is_empty() {
                    break;
                }
                s.send(&m)?;
            }
            if sc == Scenario::CloseClientFirst {
                // Not closing at once lets the kernel ACK the FIN alone (its delayed-ACK timer is at
                // most 200 ms): four segments.
                ms(250);
            }
            s.close();
        }
        Scenario::CloseServerFirst => {
            s.recv(1024)?;
            s.send(b"HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nbye\n")?;
            s.close();
        }
        Scenario::HalfClose => {
            let _ = s.recv_to_end(1024)?;
            for i in 0..3 {
                ms(5);
                s.send(&text_block(1500, i))?;
            }
            s.close();
        }
        Scenario::RstAbort => {
            let m = s.recv(1024)?;
            s.send(&m)?;
            // The client aborts: this recv fails with ECONNRESET.
            let _ = s.recv(1024);
            s.close();
        }
        Scenario::Sticky | Scenario::Nodelay | Scenario::FixDelimiter => {
            delayed_acks(&s)?;
            ms(50);
            let total: usize = MESSAGES
                .iter()
                .map(|m| m.len() + usize::from(sc == Scenario::FixDelimiter))
                .sum();
            let mut got = 0;
            while got < total {
                let b = s.recv(1024)?;
                if b.is_empty() {
                    break;
                }
                got += b.len();
            }
            s.recv(1024)?;
            s.close();
        }
        Scenario::FixLengthPrefix => {
            delayed_acks(&s)?;
            ms(50);
            for _ in MESSAGES {
                read_lp(&mut s)?;
            }
            s.recv(1024)?;
            s.close();
        }
        Scenario::FixDelay => {
            for m in MESSAGES {
                s.recv_exact(m.len())?;
            }
            s.recv(1024)?;
            s.close();
        }
        Scenario::FixAck => {
            for m in MESSAGES {
                s.recv_exact(m.len())?;
                s.send(b"ok\n")?;
            }
            s.recv(1024)?;
            s.close();
        }
        Scenario::Split | Scenario::Loss => {
            let _ = s.recv_to_end(4096)?;
            s.close();
        }
        Scenario::FileTransfer => {
            loop {
                let cmd = match read_lp(&mut s) {
                    Ok(c) => c,
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
                    Err(e) => return Err(e),
                };
                let cmd = String::from_utf8_lossy(&cmd).into_owned();
                if cmd == "LIST" {
                    s.send(&lp(b"notes.txt 1200\nreport.txt 5000\n"))?;
                } else if cmd.starts_with("GET ") {
                    s.send(&lp(b"OK 5000"))?;
                    s.send(&lp(&text_block(5000, 5)))?;
                } else if cmd.starts_with("PUT ") {
                    let body = read_lp(&mut s)?;
                    s.send(&lp(format!("OK stored {} bytes", body.len()).as_bytes()))?;
                }
            }
            s.close();
        }
        Scenario::Http => {
            let mut pending = Vec::new();
            let mut served = 0;
            while served < 4 {
                let b = s.recv(4096)?;
                if b.is_empty() {
                    break;
                }
                pending.extend_from_slice(&b);
                let mut out = Vec::new();
                while let Some(end) = find(&pending, b"\r\n\r\n") {
                    let req: Vec<u8> = pending.drain(..end + 4).collect();
                    let len = if req.starts_with(b"GET /index") {
                        2400
                    } else if req.starts_with(b"GET /style") {
                        600
                    } else {
                        40 + 10 * served
                    };
                    out.extend_from_slice(&http_response(len, served));
                    served += 1;
                }
                if !out.is_empty() {
                    s.send(&out)?;
                }
            }
            // The last request said "Connection: close".
            s.close();
        }
        Scenario::ZeroWindow => {
            // The reader sleeps while the client fills the small buffer.
            ms(1500);
            let _ = s.recv_to_end(4096)?;
            s.close();
        }
        _ => s.close(),
    }
    Ok(())
}

/// Leaves quick-ACK mode: the server's kernel delays its ACKs (up to 40 ms) as on a busy
/// host, so the client's Nagle algorithm has unacknowledged data to wait behind. On
/// loopback the ACK would otherwise return within microseconds and nothing would coalesce.
fn delayed_acks(s: &Sock) -> io::Result<()> {
    s.setsockopt(
        libc::IPPROTO_TCP,
        libc::TCP_QUICKACK,
        0,
        "TCP_QUICKACK 0 (delayed ACKs)",
    )
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

fn http_response(len: usize, salt: usize) -> Vec<u8> {
    let mut v = format!(
        "HTTP/1.1 200 OK\r\nServer: synack-gen\r\nContent-Type: text/plain\r\nContent-Length: {len}\r\n\r\n"
    )
    .into_bytes();
    v.extend_from_slice(&text_block(len, salt));
    v
}

/// The client side of the single-connection scenarios.
fn client(sc: Scenario, to: SocketAddr, rec: &Rec) -> anyhow::Result<()> {
    let mut c = Sock::connect(to, "client", 1, rec)?;
    match sc {
        Scenario::Handshake => {
            ms(1);
            c.close();
        }
        Scenario::Echo => {
            for i in 1..=3 {
                ms(2);
                let m = format!("echo request {i}\n");
                c.send(m.as_bytes())?;
                c.recv_exact(m.len())?;
            }
            ms(50);
            c.close();
        }
        Scenario::CloseClientFirst | Scenario::CloseCombined => {
            c.send(b"quit\n")?;
            c.recv_exact(5)?;
            ms(50);
            c.close();
        }
        Scenario::CloseServerFirst => {
            c.send(b"GET /bye HTTP/1.0\r\n\r\n")?;
            let _ = c.recv_to_end(1024)?;
            // Reading EOF but closing later: the FIN is ACKed alone first.
            ms(250);
            c.close();
        }
        Scenario::HalfClose => {
            c.send(b"GET report.txt\n")?;
            ms(1);
            c.shutdown_write()?;
            let _ = c.recv_to_end(2048)?;
            c.close();
        }
        Scenario::RstAbort => {
            c.send(b"about to abort\n")?;
            c.recv_exact(15)?;
            ms(5);
            set_linger_zero(c.s.as_raw_fd())?;
            c.push(
                CallKind::Setsockopt,
                &[],
                None,
                None,
                Some("SO_LINGER {l_onoff: 1, l_linger: 0}"),
            );
            c.close();
        }
        Scenario::Sticky
        | Scenario::Nodelay
        | Scenario::FixLengthPrefix
        | Scenario::FixDelimiter
        | Scenario::FixDelay => {
            if sc == Scenario::Nodelay {
                c.s.set_nodelay(true)?;
                c.push(CallKind::Setsockopt, &[], None, None, Some("TCP_NODELAY 1"));
            }
            ms(1);
            let how = match sc {
                Scenario::FixLengthPrefix => b'l',
                Scenario::FixDelimiter => b'n',
                _ => b'p',
            };
            for m in MESSAGES {
                c.send(&framed(m, how))?;
                if sc == Scenario::FixDelay {
                    ms(50);
                }
            }
            ms(80);
            c.close();
        }
        Scenario::FixAck => {
            ms(1);
            for m in MESSAGES {
                c.send(m.as_bytes())?;
                c.recv_exact(3)?;
            }
            ms(50);
            c.close();
        }
        Scenario::Split => {
            ms(1);
            c.send(&text_block(200_000, 3))?;
            c.close();
        }
        Scenario::Loss => {
            // Between namespaces only: a bulk transfer through the lossy router.
            ms(1);
            c.send(&text_block(400_000, 11))?;
            c.close();
        }
        Scenario::FileTransfer => {
            ms(1);
            c.send(&lp(b"LIST"))?;
            read_lp(&mut c)?;
            ms(2);
            c.send(&lp(b"GET report.txt"))?;
            read_lp(&mut c)?;
            read_lp(&mut c)?;
            ms(2);
            let mut put = lp(b"PUT upload.txt");
            put.extend_from_slice(&lp(&text_block(3000, 9)));
            c.send(&put)?;
            read_lp(&mut c)?;
            ms(1);
            c.close();
        }
        Scenario::Http => {
            ms(1);
            for path in ["/index.html", "/style.css"] {
                let req =
                    format!("GET {path} HTTP/1.1\r\nHost: {to}\r\nUser-Agent: synack-gen\r\n\r\n");
                c.send(req.as_bytes())?;
                let n = if path == "/index.html" { 2400 } else { 600 };
                let head = http_response(n, 0).len() - n;
                c.recv_exact(head + n)?;
                ms(20);
            }
            let pair = format!(
                "GET /a.txt HTTP/1.1\r\nHost: {to}\r\n\r\nGET /b.txt HTTP/1.1\r\nHost: {to}\r\nConnection: close\r\n\r\n"
            );
            c.send(pair.as_bytes())?;
            let _ = c.recv_to_end(4096)?;
            c.close();
        }
        Scenario::ZeroWindow => {
            ms(1);
            // Blocks until the reader drains (bounded by the socket's write timeout).
            c.send(&text_block(40_000, 4))?;
            c.close();
        }
        Scenario::KeepAlive => {
            c.setsockopt(libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1, "SO_KEEPALIVE 1")?;
            c.setsockopt(libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, 1, "TCP_KEEPIDLE 1")?;
            c.setsockopt(libc::IPPROTO_TCP, libc::TCP_KEEPINTVL, 1, "TCP_KEEPINTVL 1")?;
            c.setsockopt(libc::IPPROTO_TCP, libc::TCP_KEEPCNT, 3, "TCP_KEEPCNT 3")?;
            c.send(b"ping\n")?;
            c.recv_exact(5)?;
            // Idle: the kernel probes after 1 s, then every second (each probe is ACKed).
            ms(3500);
            c.close();
        }
        _ => c.close(),
    }
    Ok(())
}

/// `udp-chat` and `udp-broadcast`.
fn udp(sc: Scenario, setup: Setup, rec: &Rec) -> anyhow::Result<()> {
    for u in &setup.udp {
        u.set_read_timeout(Some(IO_TIMEOUT))?;
    }
    let sendto = |actor: &str, u: &UdpSocket, to: SocketAddr, text: &str| -> io::Result<()> {
        let local = u.local_addr()?;
        let r = u.send_to(text.as_bytes(), to);
        rec.push(
            actor,
            0,
            CallKind::Sendto,
            local,
            to,
            text.as_bytes(),
            None,
            r.as_ref().err().map(err_name).as_deref(),
            None,
        );
        r.map(|_| ())
    };
    let recvfrom = |actor: &str, u: &UdpSocket| -> io::Result<()> {
        let mut buf = [0u8; 2048];
        let local = u.local_addr()?;
        let (n, from) = u.recv_from(&mut buf)?;
        rec.push(
            actor,
            0,
            CallKind::Recvfrom,
            local,
            from,
            &buf[..n],
            None,
            None,
            None,
        );
        Ok(())
    };
    if sc == Scenario::UdpChat {
        let (alice, bob) = (&setup.udp[0], &setup.udp[1]);
        let (a, b) = (alice.local_addr()?, bob.local_addr()?);
        let lines = super::scripts::UDP_CHAT_LINES;
        let mut i = 0;
        while i < lines.len() {
            // Back-to-back sends go out before the peer reads.
            let mut j = i;
            while j < lines.len() && lines[j].0 == lines[i].0 {
                let (from, to, name) = if lines[j].0 {
                    (alice, b, "alice")
                } else {
                    (bob, a, "bob")
                };
                sendto(name, from, to, lines[j].1)?;
                j += 1;
            }
            for line in &lines[i..j] {
                let (sock, name) = if line.0 {
                    (bob, "bob")
                } else {
                    (alice, "alice")
                };
                recvfrom(name, sock)?;
            }
            ms(20);
            i = j;
        }
        return Ok(());
    }
    // Broadcast on loopback: 127.255.255.255 is lo's broadcast address.
    let sender = &setup.udp[0];
    let listener = &setup.udp[1];
    sender.set_broadcast(true)?;
    rec.push(
        "announcer",
        0,
        CallKind::Setsockopt,
        sender.local_addr()?,
        sender.local_addr()?,
        &[],
        None,
        None,
        Some("SO_BROADCAST 1"),
    );
    let dst = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 255, 255, 255)), setup.port);
    for i in 1..=3 {
        sendto(
            "announcer",
            sender,
            dst,
            &format!("announce #{i}: file server here"),
        )?;
        recvfrom("listener1", listener)?;
        ms(100);
    }
    Ok(())
}
