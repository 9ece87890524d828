//! Reading a stopped tracee: which system call it is in (`PTRACE_GET_SYSCALL_INFO`, the same
//! on every architecture), its memory (`process_vm_readv`), and its sockets (a duplicate of
//! the descriptor through `pidfd_getfd`, asked for its addresses and closed again at once).

use std::io::IoSliceMut;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use nix::sys::uio::{process_vm_readv, RemoteIoVec};
use nix::unistd::Pid;

/// What `PTRACE_GET_SYSCALL_INFO` says about a stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyscallStop {
    /// A seccomp stop: the call `nr` with `args` is about to run.
    Seccomp {
        /// The call's number.
        nr: u64,
        /// Its six arguments.
        args: [u64; 6],
    },
    /// A syscall-exit stop: the call returned `rval` (a negative errno when `is_error`).
    Exit {
        /// Return value.
        rval: i64,
        /// True when `rval` is `-errno`.
        is_error: bool,
    },
    /// Another kind of stop (entry without seccomp, or none).
    Other,
}

/// The system call a stopped task is in.
pub fn syscall_stop(tid: i32) -> Option<SyscallStop> {
    // SAFETY: an all-zero ptrace_syscall_info is a valid value of this plain C struct.
    let mut info: libc::ptrace_syscall_info = unsafe { std::mem::zeroed() };
    // SAFETY: the kernel writes at most `size` bytes into `info`, which outlives the call.
    let r = unsafe {
        libc::ptrace(
            libc::PTRACE_GET_SYSCALL_INFO,
            tid,
            std::mem::size_of::<libc::ptrace_syscall_info>(),
            &mut info as *mut libc::ptrace_syscall_info,
        )
    };
    if r < 0 {
        return None;
    }
    // SAFETY: the union member read is the one the kernel filled, named by `op`.
    Some(unsafe {
        match info.op {
            libc::PTRACE_SYSCALL_INFO_SECCOMP => SyscallStop::Seccomp {
                nr: info.u.seccomp.nr,
                args: info.u.seccomp.args,
            },
            libc::PTRACE_SYSCALL_INFO_EXIT => SyscallStop::Exit {
                rval: info.u.exit.sval,
                is_error: info.u.exit.is_error != 0,
            },
            _ => SyscallStop::Other,
        }
    })
}

/// Reads up to `len` bytes at `addr` in task `tid` (fewer when the range ends in unmapped
/// memory; empty on error).
pub fn read_mem(tid: i32, addr: u64, len: usize) -> Vec<u8> {
    if addr == 0 || len == 0 {
        return Vec::new();
    }
    let mut buf = vec![0u8; len];
    let remote = [RemoteIoVec {
        base: addr as usize,
        len,
    }];
    let got = process_vm_readv(
        Pid::from_raw(tid),
        &mut [IoSliceMut::new(&mut buf)],
        &remote,
    )
    .unwrap_or(0);
    buf.truncate(got);
    buf
}

/// Reads a native-endian u32 at `addr`.
pub fn read_u32(tid: i32, addr: u64) -> Option<u32> {
    let b = read_mem(tid, addr, 4);
    Some(u32::from_ne_bytes(b.get(..4)?.try_into().ok()?))
}

/// One `struct iovec` of the tracee.
#[derive(Debug, Clone, Copy)]
pub struct Iov {
    /// Start address.
    pub base: u64,
    /// Length in bytes.
    pub len: u64,
}

/// Reads `count` iovecs at `addr` (at most 1024, as `IOV_MAX`).
pub fn read_iovs(tid: i32, addr: u64, count: u64) -> Vec<Iov> {
    let count = count.min(1024) as usize;
    let raw = read_mem(tid, addr, count * 16);
    raw.chunks_exact(16)
        .map(|c| Iov {
            base: u64::from_ne_bytes(c[..8].try_into().unwrap_or_default()),
            len: u64::from_ne_bytes(c[8..].try_into().unwrap_or_default()),
        })
        .collect()
}

/// The first `max` bytes of the `total` bytes spread over `iovs`.
pub fn read_iov_data(tid: i32, iovs: &[Iov], total: u64, max: usize) -> Vec<u8> {
    let mut want = (total as usize).min(max);
    let mut out = Vec::new();
    for iov in iovs {
        if want == 0 {
            break;
        }
        let n = (iov.len as usize).min(want);
        out.extend(read_mem(tid, iov.base, n));
        want -= n;
    }
    out
}

/// A socket address from the bytes of a `struct sockaddr` (IPv4 and IPv6 only).
pub fn sockaddr(b: &[u8]) -> Option<SocketAddr> {
    let family = u16::from_ne_bytes(b.get(..2)?.try_into().ok()?) as i32;
    let port = u16::from_be_bytes(b.get(2..4)?.try_into().ok()?);
    match family {
        libc::AF_INET => {
            let ip: [u8; 4] = b.get(4..8)?.try_into().ok()?;
            Some(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::from(ip), port)))
        }
        libc::AF_INET6 => {
            let flow = u32::from_ne_bytes(b.get(4..8)?.try_into().ok()?);
            let ip: [u8; 16] = b.get(8..24)?.try_into().ok()?;
            let scope = b
                .get(24..28)
                .and_then(|s| s.try_into().ok())
                .map_or(0, u32::from_ne_bytes);
            Some(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(ip),
                port,
                u32::from_be(flow),
                scope,
            )))
        }
        _ => None,
    }
}

/// Reads a `struct sockaddr` of `len` bytes at `addr` in the tracee.
pub fn read_sockaddr(tid: i32, addr: u64, len: u64) -> Option<SocketAddr> {
    if addr == 0 {
        return None;
    }
    sockaddr(&read_mem(tid, addr, (len as usize).min(128)))
}

/// A `pidfd` for process `tgid` (for [`socket_info`]).
pub fn pidfd_open(tgid: i32) -> Option<OwnedFd> {
    // SAFETY: pidfd_open has no memory arguments; a non-negative result is a new descriptor.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, tgid, 0) };
    // SAFETY: the kernel just returned this descriptor to us; nothing else owns it.
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// What a tracee's socket is, read from a duplicate of its descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SocketInfo {
    /// The socket's inode (`socket:[N]`): one socket however many descriptors name it.
    pub inode: u64,
    /// `AF_INET`, `AF_INET6`, `AF_UNIX`, ...
    pub family: i32,
    /// `SOCK_STREAM`, `SOCK_DGRAM`, ...
    pub stype: i32,
    /// Local address (IP sockets).
    pub local: Option<SocketAddr>,
    /// Peer address (connected IP sockets).
    pub remote: Option<SocketAddr>,
}

/// Duplicates descriptor `fd` of the process behind `pidfd` and asks the copy what it is;
/// `None` when it is not a socket (or is gone). The copy is closed before returning, so the
/// tracee's own `close()` still closes the socket.
pub fn socket_info(pidfd: &OwnedFd, fd: i32) -> Option<SocketInfo> {
    // SAFETY: pidfd_getfd has no memory arguments; a non-negative result is a new descriptor.
    let dup = unsafe { libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), fd, 0) };
    if dup < 0 {
        return None;
    }
    // SAFETY: the kernel just returned this descriptor to us; the OwnedFd closes it.
    let dup = unsafe { OwnedFd::from_raw_fd(dup as i32) };
    let raw = dup.as_raw_fd();
    // SAFETY: fstat writes into a zeroed stat buffer we own.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::fstat(raw, &mut st) } != 0 || st.st_mode & libc::S_IFMT != libc::S_IFSOCK {
        return None;
    }
    let int_opt = |name| {
        let mut v: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: getsockopt writes at most `len` bytes into `v`.
        let r = unsafe {
            libc::getsockopt(
                raw,
                libc::SOL_SOCKET,
                name,
                &mut v as *mut libc::c_int as *mut libc::c_void,
                &mut len,
            )
        };
        (r == 0).then_some(v)
    };
    let family = int_opt(libc::SO_DOMAIN)?;
    let stype = int_opt(libc::SO_TYPE).unwrap_or(0);
    let name = |peer: bool| {
        // SAFETY: a zeroed sockaddr_storage is valid; the call writes at most `len` bytes.
        let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        let p = &mut ss as *mut libc::sockaddr_storage as *mut libc::sockaddr;
        // SAFETY: as above.
        let r = unsafe {
            if peer {
                libc::getpeername(raw, p, &mut len)
            } else {
                libc::getsockname(raw, p, &mut len)
            }
        };
        if r != 0 {
            return None;
        }
        // SAFETY: sockaddr_storage is plain bytes of at least `len` (≤ its size).
        let bytes = unsafe {
            std::slice::from_raw_parts(&ss as *const _ as *const u8, (len as usize).min(128))
        };
        sockaddr(bytes)
    };
    let ip = family == libc::AF_INET || family == libc::AF_INET6;
    Some(SocketInfo {
        inode: st.st_ino,
        family,
        stype,
        local: if ip { name(false) } else { None },
        remote: if ip { name(true) } else { None },
    })
}

/// The inode of the socket behind descriptor `fd` of task `tid`, from `/proc` (`None` when
/// the descriptor is not a socket or does not exist).
pub fn fd_socket_inode(tid: i32, fd: i32) -> Option<u64> {
    let link = std::fs::read_link(format!("/proc/{tid}/fd/{fd}")).ok()?;
    let s = link.to_str()?;
    s.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
}

/// The task's command name (`/proc/TID/comm`).
pub fn comm(tid: i32) -> String {
    std::fs::read_to_string(format!("/proc/{tid}/comm"))
        .map(|s| s.trim_end().to_owned())
        .unwrap_or_default()
}

/// The thread-group id (process id) of task `tid`.
pub fn tgid(tid: i32) -> Option<i32> {
    let s = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("Tgid:"))
        .and_then(|v| v.trim().parse().ok())
}

/// The time now on the capture's clock (`CLOCK_REALTIME`), ns since the epoch.
pub fn now_ns() -> i64 {
    // SAFETY: clock_gettime writes into a zeroed timespec we own.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut ts) };
    ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockaddr_bytes_decode_for_both_families() {
        let mut v4 = vec![0u8; 16];
        v4[..2].copy_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
        v4[2..4].copy_from_slice(&7000u16.to_be_bytes());
        v4[4..8].copy_from_slice(&[127, 0, 0, 1]);
        assert_eq!(sockaddr(&v4), Some("127.0.0.1:7000".parse().unwrap()));
        let mut v6 = vec![0u8; 28];
        v6[..2].copy_from_slice(&(libc::AF_INET6 as u16).to_ne_bytes());
        v6[2..4].copy_from_slice(&443u16.to_be_bytes());
        v6[23] = 1;
        assert_eq!(sockaddr(&v6), Some("[::1]:443".parse().unwrap()));
        let mut unix = vec![0u8; 16];
        unix[..2].copy_from_slice(&(libc::AF_UNIX as u16).to_ne_bytes());
        assert_eq!(sockaddr(&unix), None);
        assert_eq!(sockaddr(&v4[..3]), None);
    }

    #[test]
    fn a_socket_of_our_own_is_described_through_its_pidfd() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let me = pidfd_open(std::process::id() as i32).expect("pidfd_open (Linux >= 5.6)");
        let info = socket_info(&me, l.as_raw_fd()).expect("a socket");
        assert_eq!(info.family, libc::AF_INET);
        assert_eq!(info.stype, libc::SOCK_STREAM);
        assert_eq!(info.local, Some(l.local_addr().unwrap()));
        assert_eq!(info.remote, None);
        let inode = fd_socket_inode(std::process::id() as i32, l.as_raw_fd());
        assert_eq!(inode, Some(info.inode));
        // A file is not a socket.
        let f = std::fs::File::open("/proc/self/comm").unwrap();
        assert!(socket_info(&me, f.as_raw_fd()).is_none());
    }
}
