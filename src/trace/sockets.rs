//! Which descriptors are network sockets, and what the tracer knows about each socket.
//!
//! A process's descriptors are a table shared by its threads and copied by `fork`. The
//! tracer keeps one [`FdTable`] per table: an entry is added when a descriptor is first used
//! in a traced call (asked of `/proc`), when `socket`, `accept` or `dup` return one, and
//! removed by `close`, `close_range` and `dup2` over it, and all entries are forgotten at
//! `exec` (close-on-exec descriptors vanish there). Descriptors made by untraced calls
//! (`open`, `pipe`, ...) get a number no entry holds, so the table never names a stale one.
//!
//! A socket is known by its inode, whatever descriptor or process uses it: its byte
//! counters per direction give each TCP data call its stream offset.

use std::net::SocketAddr;

use super::event::{Proto, SockView};

/// What a descriptor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FdKind {
    /// An IPv4 or IPv6 socket, by inode.
    Net(u64),
    /// Anything else (a file, a pipe, a Unix or netlink socket).
    Other,
}

/// One descriptor table (a process's, shared by its threads).
#[derive(Debug, Clone, Default)]
pub struct FdTable {
    fds: super::FastMap<i32, FdKind>,
    /// `epoll` instances: registered descriptor by the user data given with it.
    epoll: super::FastMap<i32, super::FastMap<u64, i32>>,
}

impl FdTable {
    /// What `fd` is, if known.
    pub fn get(&self, fd: i32) -> Option<FdKind> {
        self.fds.get(&fd).copied()
    }

    /// Records what `fd` is.
    pub fn set(&mut self, fd: i32, kind: FdKind) {
        self.fds.insert(fd, kind);
    }

    /// Forgets `fd` (closed).
    pub fn remove(&mut self, fd: i32) {
        self.fds.remove(&fd);
        self.epoll.remove(&fd);
    }

    /// Forgets `first..=last`.
    pub fn remove_range(&mut self, first: i32, last: i32) {
        self.fds.retain(|&fd, _| fd < first || fd > last);
        self.epoll.retain(|&fd, _| fd < first || fd > last);
    }

    /// Forgets everything (after `exec`).
    pub fn clear(&mut self) {
        self.fds.clear();
        self.epoll.clear();
    }

    /// Notes an `epoll_ctl` registration of `fd` with user data `data` (`None`: removed).
    pub fn epoll_set(&mut self, epfd: i32, fd: i32, data: Option<u64>) {
        let reg = self.epoll.entry(epfd).or_default();
        reg.retain(|_, f| *f != fd);
        if let Some(d) = data {
            reg.insert(d, fd);
        }
    }

    /// The descriptor registered in `epfd` with user data `data`.
    pub fn epoll_fd(&self, epfd: i32, data: u64) -> Option<i32> {
        self.epoll.get(&epfd)?.get(&data).copied()
    }

    /// True when `epfd` watches at least one network socket.
    pub fn epoll_watches_net(&self, epfd: i32) -> bool {
        self.epoll.get(&epfd).is_some_and(|reg| {
            reg.values()
                .any(|fd| matches!(self.fds.get(fd), Some(FdKind::Net(_))))
        })
    }
}

/// What the tracer knows about one socket.
#[derive(Debug, Clone)]
pub struct SockState {
    /// Inode.
    pub inode: u64,
    /// TCP, UDP, other.
    pub proto: Proto,
    /// Local address once bound.
    pub local: Option<SocketAddr>,
    /// Peer once connected.
    pub remote: Option<SocketAddr>,
    /// Bytes the programs handed to it (TCP: the next send's offset).
    pub sent: u64,
    /// Bytes the programs read from it (TCP: the next receive's offset).
    pub received: u64,
    /// Connection number (TCP), 0 until it has a peer.
    pub conn: u32,
}

impl SockState {
    /// A socket first seen now.
    pub fn new(inode: u64, stype: i32) -> SockState {
        SockState {
            inode,
            proto: match stype {
                libc::SOCK_STREAM => Proto::Tcp,
                libc::SOCK_DGRAM => Proto::Udp,
                _ => Proto::Other,
            },
            local: None,
            remote: None,
            sent: 0,
            received: 0,
            conn: 0,
        }
    }

    /// The view reported with a call.
    pub fn view(&self) -> SockView {
        SockView {
            inode: self.inode,
            proto: self.proto,
            local: self.local,
            remote: self.remote,
        }
    }
}

/// Every socket of the run, and the TCP connection numbers.
#[derive(Debug, Default)]
pub struct Sockets {
    by_inode: super::FastMap<u64, SockState>,
    conns: super::FastMap<(SocketAddr, SocketAddr), u32>,
}

impl Sockets {
    /// The socket with this inode.
    pub fn get(&self, inode: u64) -> Option<&SockState> {
        self.by_inode.get(&inode)
    }

    /// The socket with this inode, to update.
    pub fn get_mut(&mut self, inode: u64) -> Option<&mut SockState> {
        self.by_inode.get_mut(&inode)
    }

    /// Adds a socket (keeps the known one when the inode is already there).
    pub fn insert(&mut self, s: SockState) -> &mut SockState {
        self.by_inode.entry(s.inode).or_insert(s)
    }

    /// Sets a socket's addresses and, for a TCP socket that now has a peer, its connection
    /// number: the same for the two ends of one connection, numbered in the order
    /// connections are first seen.
    pub fn set_addresses(
        &mut self,
        inode: u64,
        local: Option<SocketAddr>,
        remote: Option<SocketAddr>,
    ) {
        let next = self.conns.len() as u32 + 1;
        let Some(s) = self.by_inode.get_mut(&inode) else {
            return;
        };
        if local.is_some() {
            s.local = local;
        }
        if remote.is_some() {
            s.remote = remote;
        }
        if s.proto == Proto::Tcp && s.conn == 0 {
            if let (Some(l), Some(r)) = (s.local, s.remote) {
                if l.port() != 0 {
                    let key = if l <= r { (l, r) } else { (r, l) };
                    s.conn = *self.conns.entry(key).or_insert(next);
                }
            }
        }
    }

    /// Connections numbered so far.
    pub fn connections(&self) -> usize {
        self.conns.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ends_of_a_connection_share_its_number() {
        let mut s = Sockets::default();
        let (c, srv) = (
            "127.0.0.1:40000".parse().unwrap(),
            "127.0.0.1:7000".parse().unwrap(),
        );
        s.insert(SockState::new(1, libc::SOCK_STREAM));
        s.insert(SockState::new(2, libc::SOCK_STREAM));
        s.insert(SockState::new(3, libc::SOCK_STREAM));
        s.set_addresses(1, Some(c), Some(srv));
        s.set_addresses(2, Some(srv), Some(c));
        let other: SocketAddr = "127.0.0.1:40001".parse().unwrap();
        s.set_addresses(3, Some(other), Some(srv));
        assert_eq!(s.get(1).unwrap().conn, 1);
        assert_eq!(s.get(2).unwrap().conn, 1);
        assert_eq!(s.get(3).unwrap().conn, 2);
        assert_eq!(s.connections(), 2);
    }

    #[test]
    fn fd_tables_forget_closed_ranges_and_track_epoll() {
        let mut t = FdTable::default();
        t.set(3, FdKind::Net(9));
        t.set(4, FdKind::Other);
        t.set(5, FdKind::Other);
        t.epoll_set(5, 3, Some(3));
        assert!(t.epoll_watches_net(5));
        assert_eq!(t.epoll_fd(5, 3), Some(3));
        t.epoll_set(5, 3, None);
        assert!(!t.epoll_watches_net(5));
        t.remove_range(4, 10);
        assert_eq!(t.get(3), Some(FdKind::Net(9)));
        assert_eq!(t.get(4), None);
    }
}
