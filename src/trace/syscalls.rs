//! The system calls the tracer stops on, their numbers on this architecture, and the
//! seccomp filter that makes only them stop the program.
//!
//! The filter returns `SECCOMP_RET_TRACE` for these calls and `ALLOW` for every other, so
//! a program pays for a ptrace stop only on network-relevant calls (and on `read`, `write`
//! and `close`, which cannot be told apart from file I/O inside a filter: the tracer lets
//! those go on at once when the descriptor is not a socket). `fcntl` stops only for
//! `F_DUPFD`/`F_DUPFD_CLOEXEC`, the two commands that create a descriptor.

use std::collections::BTreeMap;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};

/// A traced system call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sys {
    /// `read(fd, buf, len)`.
    Read,
    /// `write(fd, buf, len)`.
    Write,
    /// `readv(fd, iov, n)`.
    Readv,
    /// `writev(fd, iov, n)`.
    Writev,
    /// `close(fd)`.
    Close,
    /// `close_range(first, last, flags)`.
    CloseRange,
    /// `dup(fd)`.
    Dup,
    /// `dup2(old, new)`.
    Dup2,
    /// `dup3(old, new, flags)`.
    Dup3,
    /// `fcntl(fd, F_DUPFD[_CLOEXEC], min)`.
    FcntlDup,
    /// `socket(domain, type, protocol)`.
    Socket,
    /// `connect(fd, addr, len)`.
    Connect,
    /// `accept(fd, addr, len)`.
    Accept,
    /// `accept4(fd, addr, len, flags)`.
    Accept4,
    /// `bind(fd, addr, len)`.
    Bind,
    /// `listen(fd, backlog)`.
    Listen,
    /// `sendto(fd, buf, len, flags, addr, addrlen)` (libc's `send` too).
    Sendto,
    /// `recvfrom(fd, buf, len, flags, addr, addrlen)` (libc's `recv` too).
    Recvfrom,
    /// `sendmsg(fd, msg, flags)`.
    Sendmsg,
    /// `recvmsg(fd, msg, flags)`.
    Recvmsg,
    /// `sendmmsg(fd, msgs, n, flags)`.
    Sendmmsg,
    /// `recvmmsg(fd, msgs, n, flags, timeout)`.
    Recvmmsg,
    /// `sendfile(out, in, offset, count)`.
    Sendfile,
    /// `shutdown(fd, how)`.
    Shutdown,
    /// `setsockopt(fd, level, name, value, len)`.
    Setsockopt,
    /// `select(n, r, w, x, timeout)`.
    Select,
    /// `pselect6(n, r, w, x, timeout, sigmask)`.
    Pselect6,
    /// `poll(fds, n, timeout)`.
    Poll,
    /// `ppoll(fds, n, timeout, sigmask, size)`.
    Ppoll,
    /// `epoll_ctl(epfd, op, fd, event)`.
    EpollCtl,
    /// `epoll_wait(epfd, events, max, timeout)`.
    EpollWait,
    /// `epoll_pwait(epfd, events, max, timeout, sigmask, size)`.
    EpollPwait,
    /// `epoll_pwait2(epfd, events, max, timeout, sigmask, size)`.
    EpollPwait2,
}

impl Sys {
    /// Calls that report what arrived (receives, accepts, readiness): shown among packets
    /// at their return; the others act on the network and are shown at their entry.
    pub fn reports_arrivals(self) -> bool {
        self.receives() || self.waits_for_readiness() || matches!(self, Sys::Accept | Sys::Accept4)
    }

    /// `read`, `readv` and the `recv` family.
    pub fn receives(self) -> bool {
        matches!(
            self,
            Sys::Read | Sys::Readv | Sys::Recvfrom | Sys::Recvmsg | Sys::Recvmmsg
        )
    }

    /// `write`, `writev`, `sendfile` and the `send` family.
    pub fn sends(self) -> bool {
        matches!(
            self,
            Sys::Write | Sys::Writev | Sys::Sendto | Sys::Sendmsg | Sys::Sendmmsg | Sys::Sendfile
        )
    }

    /// Calls after which a connection may have appeared, changed its ends or gone: socket,
    /// bind, listen, connect, accept, shutdown, close.
    pub fn may_make_or_end_connections(self) -> bool {
        matches!(
            self,
            Sys::Socket
                | Sys::Bind
                | Sys::Listen
                | Sys::Connect
                | Sys::Accept
                | Sys::Accept4
                | Sys::Shutdown
                | Sys::Close
        )
    }

    /// `select`, `poll` and `epoll_wait` and their variants.
    pub fn waits_for_readiness(self) -> bool {
        matches!(
            self,
            Sys::Select
                | Sys::Pselect6
                | Sys::Poll
                | Sys::Ppoll
                | Sys::EpollWait
                | Sys::EpollPwait
                | Sys::EpollPwait2
        )
    }
}

/// Every traced call with its number on this architecture (calls the architecture lacks,
/// such as `select` on aarch64, are left out).
pub fn table() -> Vec<(i64, Sys)> {
    use libc as l;
    #[allow(clippy::useless_conversion)]
    let mut t: Vec<(i64, Sys)> = vec![
        (l::SYS_read.into(), Sys::Read),
        (l::SYS_write.into(), Sys::Write),
        (l::SYS_readv.into(), Sys::Readv),
        (l::SYS_writev.into(), Sys::Writev),
        (l::SYS_close.into(), Sys::Close),
        (l::SYS_close_range.into(), Sys::CloseRange),
        (l::SYS_dup.into(), Sys::Dup),
        (l::SYS_dup3.into(), Sys::Dup3),
        (l::SYS_fcntl.into(), Sys::FcntlDup),
        (l::SYS_socket.into(), Sys::Socket),
        (l::SYS_connect.into(), Sys::Connect),
        (l::SYS_accept.into(), Sys::Accept),
        (l::SYS_accept4.into(), Sys::Accept4),
        (l::SYS_bind.into(), Sys::Bind),
        (l::SYS_listen.into(), Sys::Listen),
        (l::SYS_sendto.into(), Sys::Sendto),
        (l::SYS_recvfrom.into(), Sys::Recvfrom),
        (l::SYS_sendmsg.into(), Sys::Sendmsg),
        (l::SYS_recvmsg.into(), Sys::Recvmsg),
        (l::SYS_sendmmsg.into(), Sys::Sendmmsg),
        (l::SYS_recvmmsg.into(), Sys::Recvmmsg),
        (l::SYS_sendfile.into(), Sys::Sendfile),
        (l::SYS_shutdown.into(), Sys::Shutdown),
        (l::SYS_setsockopt.into(), Sys::Setsockopt),
        (l::SYS_pselect6.into(), Sys::Pselect6),
        (l::SYS_ppoll.into(), Sys::Ppoll),
        (l::SYS_epoll_ctl.into(), Sys::EpollCtl),
        (l::SYS_epoll_pwait.into(), Sys::EpollPwait),
        (l::SYS_epoll_pwait2.into(), Sys::EpollPwait2),
    ];
    #[cfg(target_arch = "x86_64")]
    t.extend([
        (l::SYS_dup2, Sys::Dup2),
        (l::SYS_select, Sys::Select),
        (l::SYS_poll, Sys::Poll),
        (l::SYS_epoll_wait, Sys::EpollWait),
    ]);
    t
}

/// Why tracing cannot work on this machine, or `None` when it can.
pub fn unsupported() -> Option<String> {
    if cfg!(not(target_os = "linux")) {
        return Some("tracing system calls needs Linux (ptrace and seccomp)".into());
    }
    if cfg!(not(any(target_arch = "x86_64", target_arch = "aarch64"))) {
        return Some(format!(
            "tracing system calls is supported on x86_64 and aarch64, not {}",
            std::env::consts::ARCH
        ));
    }
    None
}

/// The seccomp program: `SECCOMP_RET_TRACE` for the calls of [`table`], allow the rest.
///
/// With `counted` (the data calls are recorded in the kernel, [`super::kcount`]),
/// `read` and `write` are allowed, and `sendto`/`recvfrom` stop only when they pass an
/// address (the trace needs it from the program's memory); `send()`/`recv()` run on.
///
/// Calls of another ABI (a 32-bit program on x86_64) are allowed untraced; seccompiler's
/// architecture check would kill them.
pub fn filter(counted: bool) -> anyhow::Result<BpfProgram> {
    if let Some(why) = unsupported() {
        anyhow::bail!(why);
    }
    let arch = TargetArch::try_from(std::env::consts::ARCH)
        .map_err(|e| anyhow::anyhow!("seccomp: {e}"))?;
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    for (nr, sys) in table() {
        if counted && matches!(sys, Sys::Read | Sys::Write) {
            continue;
        }
        let r = if counted && matches!(sys, Sys::Sendto | Sys::Recvfrom) {
            // The address argument (5th) is not NULL.
            vec![SeccompRule::new(vec![SeccompCondition::new(
                4,
                SeccompCmpArgLen::Qword,
                SeccompCmpOp::Ne,
                0,
            )?])?]
        } else if sys == Sys::FcntlDup {
            // fcntl stops only for the commands that create a descriptor.
            [libc::F_DUPFD, libc::F_DUPFD_CLOEXEC]
                .into_iter()
                .map(|cmd| {
                    SeccompCondition::new(1, SeccompCmpArgLen::Dword, SeccompCmpOp::Eq, cmd as u64)
                        .and_then(|c| SeccompRule::new(vec![c]))
                })
                .collect::<Result<Vec<_>, _>>()?
        } else {
            Vec::new()
        };
        rules.insert(nr, r);
    }
    let f = SeccompFilter::new(rules, SeccompAction::Allow, SeccompAction::Trace(0), arch)?;
    let mut prog: BpfProgram = f.try_into()?;
    // The program starts with seccompiler's architecture check: load arch, jump over the
    // next instruction when it matches, else return KILL_PROCESS. Allow instead.
    if let Some(kill) = prog.get_mut(2) {
        if kill.code == 0x06 && kill.k == libc::SECCOMP_RET_KILL_PROCESS {
            kill.k = libc::SECCOMP_RET_ALLOW;
        }
    }
    Ok(prog)
}

/// The traced call with number `nr`, if it is one.
pub fn lookup(nr: u64, table: &[(i64, Sys)]) -> Option<Sys> {
    table.iter().find(|(n, _)| *n as u64 == nr).map(|&(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_call_has_one_number_and_the_filter_builds() {
        let t = table();
        let mut nrs: Vec<i64> = t.iter().map(|(n, _)| *n).collect();
        nrs.sort_unstable();
        nrs.dedup();
        assert_eq!(nrs.len(), t.len(), "a number listed twice");
        assert_eq!(lookup(libc::SYS_sendto as u64, &t), Some(Sys::Sendto));
        assert_eq!(lookup(libc::SYS_openat as u64, &t), None);
        let prog = filter(false).expect("filter builds");
        filter(true).expect("the counted filter builds");
        // The architecture check no longer kills.
        assert!(prog
            .iter()
            .all(|i| !(i.code == 0x06 && i.k == libc::SECCOMP_RET_KILL_PROCESS)));
    }
}
