//! `multiplex`: one thread serves several clients with `epoll` (I/O multiplexing). Each
//! `epoll_wait` reports which sockets are ready (the listener: a connection to accept; a
//! connection: bytes or its end to read), and the server accepts or reads only those, so
//! requests are answered in the order they arrive, whichever connection they came on.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::Barrier;
use std::thread;

use nix::sys::epoll::{Epoll, EpollCreateFlags, EpollEvent, EpollFlags};

use super::shared::{pause, send_one, HALF_RTT};
use super::{join_all, Scripted, Stage};
use crate::calls::{event_words, CallKind, CallTrace, ReadyFd, Traced};
use crate::gen::socket::{now_ns, Caller, Made, Recorder, Sock, IO_TIMEOUT};
use crate::gen::synth::{Conn, Sim, C, S};
use crate::gen::GenOptions;

/// Clients.
const CLIENTS: u32 = 3;

/// The descriptor numbers of the synthetic server: its epoll instance, its listener, and
/// the connections from 5 on (as a fresh Python or C server would get them).
const EPFD: i32 = 3;
const LISTENER_FD: i32 = 4;

/// What the lesson teaches.
const TEACHES: &str = "one thread serves several clients with epoll: epoll_wait reports \
                       the ready sockets and the server reads only those";

/// One thread, several clients, epoll.
pub(super) static LESSON: Scripted = Scripted::whole(TEACHES, synthetic, run);

/// What client `i` asks in `round`.
fn ask(i: u32, round: u32) -> String {
    format!("client {i} asks #{round}\n")
}

/// A ready descriptor as a readiness call reports it: `local` its socket's address,
/// `remote` its peer (none for the listener).
fn ready_fd(fd: i32, events: &str, local: SocketAddr, remote: Option<SocketAddr>) -> ReadyFd {
    ReadyFd {
        fd,
        events: events.to_owned(),
        local: Some(local.to_string()),
        remote: remote.map(|r| r.to_string()),
    }
}

/// The descriptor-level fields of a lesson's `epoll_*` call: made on `epfd`, returning
/// `ret`, naming `ready`. A lesson's calls have no process of their own (pid 0).
fn on_epoll(actor: &str, epfd: i32, ret: i64, ready: Vec<ReadyFd>) -> Box<Traced> {
    Box::new(Traced {
        pid: 0,
        tid: 0,
        comm: actor.to_owned(),
        fd: Some(epfd),
        proto: Some("tcp".to_owned()),
        asked: None,
        ret,
        addr: None,
        ready,
    })
}

/// Records a synthetic `epoll_wait` of the server returning `ready`.
fn sim_wait(sim: &mut Sim<'_>, server: SocketAddr, ready: Vec<ReadyFd>) {
    if sim.record_calls {
        let t = sim.now;
        push_epoll(
            &mut sim.calls,
            t,
            "server",
            CallKind::EpollWait,
            server,
            None,
            ready,
        );
    }
}

/// Records a synthetic `epoll_ctl` of the server on connection `c` (descriptor `fd`).
fn sim_ctl(sim: &mut Sim<'_>, c: &Conn, fd: i32, op: &str) {
    if !sim.record_calls {
        return;
    }
    let t = sim.now;
    let (local, remote) = (c.ep[S].addr, c.ep[C].addr);
    let watched = vec![ready_fd(fd, "in|rdhup", local, Some(remote))];
    let calls = &mut sim.calls;
    push_epoll(
        calls,
        t,
        "server",
        CallKind::EpollCtl,
        local,
        Some(remote),
        watched,
    );
    if let Some(call) = calls.calls.last_mut() {
        call.conn = c.id;
        call.note = Some(op.to_owned());
    }
}

/// Adds an `epoll_wait`/`epoll_ctl` call to `trace`.
fn push_epoll(
    trace: &mut CallTrace,
    t: i64,
    actor: &str,
    kind: CallKind,
    local: SocketAddr,
    remote: Option<SocketAddr>,
    ready: Vec<ReadyFd>,
) {
    let unspecified = SocketAddr::new(local.ip(), 0);
    trace.push(
        t,
        actor,
        0,
        kind,
        local,
        remote.unwrap_or(unspecified),
        &[],
        None,
    );
    if let Some(call) = trace.calls.last_mut() {
        let ret = if kind == CallKind::EpollWait {
            ready.len() as i64
        } else {
            0
        };
        call.t_enter_ns = Some(t);
        call.traced = Some(on_epoll(actor, EPFD, ret, ready));
    }
}

/// Synthetic: three clients connect one after another (each accept follows an epoll_wait
/// naming the listener); clients 1 and 2 ask at the same moment, so one epoll_wait reports
/// both and the server answers them in turn; client 3 asks later on its own; then each
/// client closes and the server, told by epoll_wait, reads the end and closes too.
fn synthetic(sim: &mut Sim<'_>, _: &GenOptions) {
    let mut conns: Vec<Conn> = (1..=CLIENTS)
        .map(|i| {
            let mut c = sim.conn(1, 2, 7007);
            c.actors[C] = format!("client{i}");
            c.actors[S] = "server".to_owned();
            c
        })
        .collect();
    let server = conns[0].ep[S].addr;
    let fd_of = |i: usize| LISTENER_FD + 1 + i as i32;
    for (i, c) in conns.iter_mut().enumerate() {
        sim.syn(c);
        sim.wait_us(HALF_RTT);
        sim.syn_ack(c);
        sim.wait_us(HALF_RTT);
        sim.pure_ack(c, C);
        sim.call(c, C, CallKind::Connect, &[], None);
        sim.wait_us(10);
        sim_wait(sim, server, vec![ready_fd(LISTENER_FD, "in", server, None)]);
        sim.wait_us(5);
        sim.call(c, S, CallKind::Accept, &[], None);
        sim.wait_us(5);
        sim_ctl(sim, c, fd_of(i), "EPOLL_CTL_ADD");
        sim.wait_ms(1);
    }
    for round in 1..=2 {
        // Clients 1 and 2 at once: one wake-up, two ready sockets.
        for (i, c) in (1..).zip(conns.iter_mut()).take(2) {
            send_one(sim, c, C, ask(i, round).as_bytes());
            sim.wait_us(8);
        }
        sim.wait_us(HALF_RTT);
        let both = conns[..2]
            .iter()
            .enumerate()
            .map(|(i, c)| ready_fd(fd_of(i), "in", c.ep[S].addr, Some(c.ep[C].addr)))
            .collect();
        sim_wait(sim, server, both);
        for (i, c) in (1..).zip(conns.iter_mut()).take(2) {
            let m = ask(i, round);
            sim.wait_us(5);
            sim.app_recv(c, S, m.as_bytes());
            send_one(sim, c, S, m.as_bytes());
        }
        sim.wait_us(HALF_RTT);
        for (i, c) in (1..).zip(conns.iter_mut()).take(2) {
            sim.app_recv(c, C, ask(i, round).as_bytes());
        }
        sim.wait_ms(2);
        // Client 3 on its own.
        let c = &mut conns[2];
        let m = ask(3, round);
        send_one(sim, c, C, m.as_bytes());
        sim.wait_us(HALF_RTT);
        let one = vec![ready_fd(fd_of(2), "in", c.ep[S].addr, Some(c.ep[C].addr))];
        sim_wait(sim, server, one);
        sim.wait_us(5);
        sim.app_recv(c, S, m.as_bytes());
        send_one(sim, c, S, m.as_bytes());
        sim.wait_us(HALF_RTT);
        sim.app_recv(c, C, m.as_bytes());
        sim.wait_ms(40);
        // The delayed ACKs of the answers.
        for c in conns.iter_mut() {
            sim.pure_ack(c, C);
            sim.wait_us(10);
        }
        sim.wait_ms(5);
    }
    for (i, c) in conns.iter_mut().enumerate() {
        sim.call(c, C, CallKind::Close, &[], None);
        sim.fin(c, C);
        sim.wait_us(HALF_RTT);
        let end = vec![ready_fd(
            fd_of(i),
            "in|rdhup",
            c.ep[S].addr,
            Some(c.ep[C].addr),
        )];
        sim_wait(sim, server, end);
        sim.wait_us(5);
        sim.app_recv(c, S, b"");
        sim.wait_us(5);
        sim_ctl(sim, c, fd_of(i), "EPOLL_CTL_DEL");
        sim.wait_us(5);
        sim.call(c, S, CallKind::Close, &[], None);
        sim.fin(c, S);
        sim.wait_us(HALF_RTT);
        sim.pure_ack(c, C);
        sim.wait_ms(1);
    }
}

/// The real server: one thread, one epoll instance watching the listener and every
/// connection; each epoll_wait recorded with the descriptors it reported.
fn serve(l: &std::net::TcpListener, rec: &Recorder) -> io::Result<()> {
    let epoll = Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC)?;
    let epfd = epoll.0.as_raw_fd();
    let listen_fd = l.as_raw_fd();
    let listen_addr = l.local_addr()?;
    epoll.add(l, EpollEvent::new(EpollFlags::EPOLLIN, listen_fd as u64))?;
    let mut conns: HashMap<i32, Sock> = HashMap::new();
    let (mut accepted, mut ended) = (0, 0);
    let timeout = u16::try_from(IO_TIMEOUT.as_millis()).unwrap_or(u16::MAX);
    while ended < CLIENTS {
        let mut events = [EpollEvent::empty(); 8];
        let entered = now_ns();
        let n = epoll.wait(&mut events, timeout)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "no client is ready",
            ));
        }
        let ready: Vec<ReadyFd> = events[..n]
            .iter()
            .map(|e| {
                let fd = e.data() as i32;
                let (local, remote) = match conns.get(&fd) {
                    Some(s) => (s.local(), Some(s.peer())),
                    None => (listen_addr, None),
                };
                ready_fd(
                    fd,
                    &event_words(e.events().bits() as u32, false),
                    local,
                    remote,
                )
            })
            .collect();
        let by = Caller {
            actor: "server",
            conn: 0,
            local: listen_addr,
            remote: SocketAddr::new(listen_addr.ip(), 0),
        };
        let made = Made::entered(CallKind::EpollWait, entered);
        rec.push_traced(by, made, on_epoll("server", epfd, n as i64, ready));
        for e in &events[..n] {
            let fd = e.data() as i32;
            if fd == listen_fd {
                accepted += 1;
                let s = Sock::accept(l, "server", accepted, rec)?;
                let sfd = s.as_fd().as_raw_fd();
                let flags = EpollFlags::EPOLLIN | EpollFlags::EPOLLRDHUP;
                let entered = now_ns();
                epoll.add(s.as_fd(), EpollEvent::new(flags, sfd as u64))?;
                ctl(rec, &s, epfd, "EPOLL_CTL_ADD", entered);
                conns.insert(sfd, s);
                continue;
            }
            let Some(s) = conns.get_mut(&fd) else {
                continue;
            };
            let got = s.recv(4096)?;
            if got.is_empty() {
                let entered = now_ns();
                epoll.delete(s.as_fd())?;
                if let Some(s) = conns.remove(&fd) {
                    ctl(rec, &s, epfd, "EPOLL_CTL_DEL", entered);
                    s.close();
                }
                ended += 1;
            } else {
                // The work a request takes: whatever becomes ready meanwhile waits for
                // the next epoll_wait, which reports it all at once.
                pause(WORK_MS);
                s.send(&got)?;
            }
        }
    }
    Ok(())
}

/// Records an `epoll_ctl` of `op` on `s`'s descriptor, entered at `entered`.
fn ctl(rec: &Recorder, s: &Sock, epfd: i32, op: &str, entered: i64) {
    let fd = s.as_fd().as_raw_fd();
    let watched = vec![ready_fd(fd, "in|rdhup", s.local(), Some(s.peer()))];
    let made = Made::entered(CallKind::EpollCtl, entered).noted(op);
    rec.push_traced(s.caller(), made, on_epoll("server", epfd, 0, watched));
}

/// How long the real server works on a request before answering, ms.
const WORK_MS: u64 = 25;

/// The real run: the epoll server on a thread of its own; three clients, each asking twice,
/// 2 ms apart: the server wakes for client 1, and while it works on that request clients
/// 2 and 3 ask, so its next epoll_wait reports both (the second round comes as each
/// client's first answer does, again while the server is busy).
fn run(stage: &Stage) -> anyhow::Result<()> {
    let l = stage.listener()?;
    let rec = &stage.rec;
    let together = Barrier::new(CLIENTS as usize);
    let together = &together;
    thread::scope(|scope| -> anyhow::Result<()> {
        let server = scope.spawn(move || serve(l, rec));
        let clients: Vec<_> = (1..=CLIENTS)
            .map(|i| {
                scope.spawn(move || -> io::Result<()> {
                    pause(u64::from(i) * 5);
                    let connected = Sock::connect(stage.server, &format!("client{i}"), i, rec);
                    together.wait();
                    let mut c = connected?;
                    for round in 1..=2 {
                        pause(5 + 2 * u64::from(i - 1));
                        let m = ask(i, round);
                        c.exchange(m.as_bytes())?;
                    }
                    pause(u64::from(i) * 5);
                    c.close();
                    Ok(())
                })
            })
            .collect();
        Ok(join_all(server, clients)?)
    })
}
