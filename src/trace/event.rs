//! What the tracer reports: one [`TracedCall`] per socket-related system call that returned,
//! and the programs' starts and exits.

use std::net::SocketAddr;

use super::syscalls::Sys;

/// The transport of a traced socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    /// `SOCK_STREAM` over IP.
    Tcp,
    /// `SOCK_DGRAM` over IP.
    Udp,
    /// Another IP socket type (raw, SCTP, ...).
    Other,
}

/// A socket as it stood when a call on it returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SockView {
    /// The socket's inode: the same socket however many descriptors or processes use it.
    pub inode: u64,
    /// TCP, UDP or other.
    pub proto: Proto,
    /// Its local address once bound.
    pub local: Option<SocketAddr>,
    /// Its peer once connected (or the listening socket's: none).
    pub remote: Option<SocketAddr>,
}

/// A descriptor that `select`, `poll` or `epoll_wait` reported ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ready {
    /// The descriptor.
    pub fd: i32,
    /// What it is ready for: `in`, `out`, `err`, `hup`, `rdhup`, `pri`, joined by `|`.
    pub events: String,
    /// The socket behind it, when it is a network socket.
    pub sock: Option<SockView>,
}

/// One system call that returned, with everything the tracer could read about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracedCall {
    /// When the program entered the call (ns since the epoch, `CLOCK_REALTIME`: the clock of
    /// the capture's timestamps).
    pub t_enter_ns: i64,
    /// When the call returned (same clock).
    pub t_exit_ns: i64,
    /// Index of the program (in the plan) whose process made it.
    pub program: usize,
    /// Process id.
    pub pid: i32,
    /// Thread id.
    pub tid: i32,
    /// The process's command name (`/proc/PID/comm`).
    pub comm: String,
    /// The call.
    pub sys: Sys,
    /// The descriptor it was made on (the listening socket for `accept`, the epoll instance
    /// for `epoll_wait`, -1 for `socket`, `select`, `poll`).
    pub fd: i32,
    /// The socket, after the call (for `accept`: the new connection's).
    pub sock: Option<SockView>,
    /// TCP connection number within the run (1-based, the same for both ends), 0 for UDP and
    /// sockets without a peer.
    pub conn: u32,
    /// Bytes asked for (the length passed to a send or a receive).
    pub asked: u64,
    /// Bytes moved (sent or received); 0 for calls that move none.
    pub moved: u64,
    /// TCP stream offset of the first byte moved, counted from the byte after the SYN in the
    /// direction the bytes went.
    pub offset: Option<u64>,
    /// The call's return value (`-errno` on failure).
    pub ret: i64,
    /// The error, when the call failed.
    pub errno: Option<i32>,
    /// The first bytes moved (at most [`DATA_PREVIEW`]).
    pub data: Vec<u8>,
    /// The address given or returned: `connect`/`bind`/`sendto` target, `recvfrom` source,
    /// `accept` peer.
    pub addr: Option<SocketAddr>,
    /// Ready descriptors of `select`, `poll` and `epoll_wait`.
    pub ready: Vec<Ready>,
    /// Detail: the option set, the shutdown direction, the socket type, flags.
    pub note: Option<String>,
}

/// Bytes of data kept per call.
pub const DATA_PREVIEW: usize = 64;

impl TracedCall {
    /// True for calls that hand data or intent to the kernel (their effect on the wire
    /// follows their entry: send, connect, shutdown, close, ...), false for calls that
    /// report what already happened (receive, accept, readiness), which belong at their
    /// return.
    pub fn acts_at_entry(&self) -> bool {
        !self.sys.reports_arrivals()
    }

    /// The time at which the call is shown among packets: its entry for calls that act, its
    /// return for calls that report.
    pub fn t_shown_ns(&self) -> i64 {
        if self.acts_at_entry() {
            self.t_enter_ns
        } else {
            self.t_exit_ns
        }
    }

    /// The error's name (`ECONNREFUSED`), when the call failed.
    pub fn error_name(&self) -> Option<String> {
        self.errno.map(errno_name)
    }
}

/// The symbolic name of an errno value (`ECONNRESET`), or `E<number>`.
pub fn errno_name(e: i32) -> String {
    let name = format!("{:?}", nix::errno::Errno::from_raw(e));
    if name.starts_with('E') {
        name
    } else {
        format!("E{e}")
    }
}

/// How a program ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramExit {
    /// It exited with this status.
    Code(i32),
    /// A signal killed it.
    Signal(i32),
}

impl ProgramExit {
    /// The shell's exit status for it (128 + signal for a signal).
    pub fn status(self) -> i32 {
        match self {
            ProgramExit::Code(c) => c,
            ProgramExit::Signal(s) => 128 + s,
        }
    }
}

/// What the tracer reports while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// Program `program` started as process `pid`.
    Started {
        /// Program index.
        program: usize,
        /// Its process id.
        pid: i32,
    },
    /// The server has a listening (or bound UDP) socket: the clients start now.
    Listening {
        /// Program index.
        program: usize,
        /// The address it listens on.
        addr: Option<SocketAddr>,
    },
    /// A call returned.
    Call(Box<TracedCall>),
    /// Every call placed before `t_ns` (at its entry or its return, as
    /// `calls::Call::t_shown_ns` places it) has been reported: the tracer's watermark, sent
    /// at least every 50 ms, so a merge with the capture can hand out what is older.
    Progress {
        /// ns since the epoch, the capture's clock.
        t_ns: i64,
    },
    /// A program's first process ended.
    Exited {
        /// Program index.
        program: usize,
        /// How.
        how: ProgramExit,
    },
    /// A program could not be started.
    Failed {
        /// Program index.
        program: usize,
        /// Why.
        error: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_names_are_symbolic() {
        assert_eq!(errno_name(libc::ECONNREFUSED), "ECONNREFUSED");
        assert_eq!(errno_name(libc::EAGAIN), "EAGAIN");
        assert_eq!(errno_name(99999), "E99999");
    }
}
