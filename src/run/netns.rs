//! The network a run's programs see: by default a network namespace of their own with only
//! a loopback interface, so a capture on its `lo` holds exactly their traffic.
//!
//! The namespace is anonymous (no name under `/run/netns`): it exists while a descriptor of
//! it or a process in it does, so nothing is left behind whatever way synack ends, even
//! killed. Without root, synack first moves itself into a user namespace of its own where
//! it is root ([`enter_user_namespace`]), as `unshare -rn` does.

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::Command;
use std::sync::Arc;

use anyhow::Context as _;

use super::PairNet;
use crate::gen::netns::{self as topo, Host, Topology};

/// Buckets of the isolated namespace's own TCP connection table (see [`isolated`]).
const PRIVATE_EHASH_BUCKETS: &str = "1024";

/// Creates a network namespace with its loopback interface up; returns a descriptor that
/// keeps it alive (programs join it with `setns`, the capture thread too).
///
/// The namespace gets a small TCP connection table of its own where the kernel allows it
/// (`net.ipv4.tcp_child_ehash_entries`, Linux 6.1): by default a new namespace shares the
/// host's table (262 144 buckets here), and every listing of the namespace's sockets the
/// kernel-state sampler makes walks all of it (milliseconds; with 1024 buckets,
/// microseconds). The setting is read when a namespace is created, from the namespace
/// that creates it, so an intermediate namespace is made first and set, and the programs'
/// namespace is made from inside it: the host's own setting is never touched. Where it
/// cannot be set (an unprivileged user namespace, an older kernel) the run goes on with
/// the shared table.
pub fn isolated() -> io::Result<OwnedFd> {
    // Namespaces are per thread: a short-lived thread moves into a new one, brings lo up
    // and hands back a descriptor of it.
    std::thread::spawn(|| -> io::Result<OwnedFd> {
        let unshare = || {
            // SAFETY: unshare with a flag only changes this thread's namespaces.
            if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
                let e = io::Error::last_os_error();
                return Err(io::Error::new(
                    e.kind(),
                    format!("creating a network namespace: {e}"),
                ));
            }
            Ok(())
        };
        unshare()?;
        // The intermediate namespace: ours only while this thread is in it.
        // (/proc/sys/net is the calling thread's namespace's.)
        let set = std::fs::write(
            "/proc/sys/net/ipv4/tcp_child_ehash_entries",
            PRIVATE_EHASH_BUCKETS,
        );
        if set.is_ok() {
            unshare()?;
        }
        loopback_up()?;
        let f = File::open("/proc/thread-self/ns/net")?;
        Ok(OwnedFd::from(f))
    })
    .join()
    .map_err(|_| io::Error::other("the namespace thread panicked"))?
}

/// The `--net pair` network: server and client hosts joined through a router that applies
/// `net`'s loss, delay and rate. Returns the topology (dropping it deletes the namespaces)
/// and descriptors of the server's and the client's namespaces.
pub fn pair(net: &PairNet) -> anyhow::Result<(Topology, Arc<OwnedFd>, Arc<OwnedFd>)> {
    if !topo::available() {
        anyhow::bail!(
            "--net pair needs root and the `ip` and `nft` commands (named network namespaces \
             joined by veth pairs); run synack with sudo"
        );
    }
    if net.loss_pct > 100 {
        anyhow::bail!("--loss is a percentage (0-100), got {}", net.loss_pct);
    }
    let t = Topology::create("synack-run", net.loss_pct)?;
    if net.delay_ms > 0 {
        delay(&t, net)?;
    } else if net.rate_mbit > 0 {
        t.limit_rate(net.rate_mbit)?;
    }
    let open = |h: Host| -> anyhow::Result<Arc<OwnedFd>> {
        let f =
            File::open(t.path(h)).with_context(|| format!("opening {}", t.path(h).display()))?;
        Ok(Arc::new(OwnedFd::from(f)))
    };
    let (server, client) = (open(Host::Server)?, open(Host::Client)?);
    Ok((t, server, client))
}

/// Delays the router's traffic by `net.delay_ms` each way (and limits it towards the server
/// to `net.rate_mbit`) with the netem qdisc; says so plainly when the kernel has none.
fn delay(t: &Topology, net: &PairNet) -> anyhow::Result<()> {
    let router = t.namespace(Host::Router);
    let ms = format!("{}ms", net.delay_ms);
    for (dev, rate) in [("r-c", 0), ("r-s", net.rate_mbit)] {
        let mut args = vec![
            "netns", "exec", router, "tc", "qdisc", "add", "dev", dev, "root", "netem", "delay",
            &ms, "limit", "10000",
        ];
        let rate = format!("{rate}mbit");
        if net.rate_mbit > 0 && dev == "r-s" {
            args.extend(["rate", &rate]);
        }
        let out = Command::new("ip")
            .args(&args)
            .output()
            .context("running tc")?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            if err.contains("unknown") {
                anyhow::bail!(
                    "--delay needs the kernel's netem qdisc (sch_netem), which this kernel \
                     does not have; --loss (nftables) and --rate (tbf) work without it"
                );
            }
            anyhow::bail!("adding the router's delay (tc netem): {}", err.trim());
        }
    }
    Ok(())
}

/// Moves the calling thread into the network namespace `ns`.
pub fn enter(ns: &OwnedFd) -> io::Result<()> {
    // SAFETY: setns on a namespace descriptor we own; affects only this thread.
    if unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Sets `lo` up in the calling thread's network namespace (SIOCSIFFLAGS, as `ip link set lo
/// up` does).
fn loopback_up() -> io::Result<()> {
    // SAFETY: a datagram socket for the interface ioctls; closed by OwnedFd.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel just returned this descriptor; nothing else owns it.
    let sock = unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) };
    // SAFETY: a zeroed ifreq is valid; the name fits in IFNAMSIZ.
    let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
    for (d, s) in req.ifr_name.iter_mut().zip(b"lo\0") {
        *d = *s as libc::c_char;
    }
    // SAFETY: SIOCGIFFLAGS/SIOCSIFFLAGS read and write the ifreq we own.
    unsafe {
        if libc::ioctl(sock.as_raw_fd(), libc::SIOCGIFFLAGS, &mut req) != 0 {
            return Err(io::Error::last_os_error());
        }
        req.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
        if libc::ioctl(sock.as_raw_fd(), libc::SIOCSIFFLAGS, &mut req) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// True when this process may create network namespaces and capture in them as it is
/// (root, or CAP_SYS_ADMIN and CAP_NET_RAW).
pub fn privileged() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Makes this process root of a new user namespace (uid and gid mapped to the caller's), so
/// that it may create a network namespace, capture in it and trace its own children
/// without privileges, as `unshare -r` does. Must run before any thread is started (the
/// kernel refuses a multi-threaded caller).
pub fn enter_user_namespace() -> io::Result<()> {
    let threads = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .and_then(|v| v.trim().parse::<u32>().ok())
        })
        .unwrap_or(1);
    if threads > 1 {
        return Err(io::Error::other(
            "a user namespace can only be entered by a single-threaded process",
        ));
    }
    // SAFETY: getuid/getgid have no preconditions.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    // SAFETY: unshare with a flag only changes this process's namespaces.
    if unsafe { libc::unshare(libc::CLONE_NEWUSER) } != 0 {
        let e = io::Error::last_os_error();
        let hint = match std::fs::read_to_string("/proc/sys/kernel/unprivileged_userns_clone") {
            Ok(v) if v.trim() == "0" => {
                " (unprivileged user namespaces are disabled: sysctl kernel.unprivileged_userns_clone=1)"
            }
            _ => " (check sysctl user.max_user_namespaces, or AppArmor's kernel.apparmor_restrict_unprivileged_userns)",
        };
        return Err(io::Error::new(
            e.kind(),
            format!("creating a user namespace: {e}{hint}"),
        ));
    }
    std::fs::write("/proc/self/setgroups", "deny")?;
    std::fs::write("/proc/self/uid_map", format!("0 {uid} 1"))?;
    std::fs::write("/proc/self/gid_map", format!("0 {gid} 1"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_isolated_namespace_has_only_loopback_up_and_a_connection_table_of_its_own() {
        if !privileged() {
            eprintln!("SKIPPED isolated namespace: needs root");
            return;
        }
        let setting = "/proc/sys/net/ipv4/tcp_child_ehash_entries";
        let host_before = std::fs::read_to_string(setting);
        let ns = isolated().expect("namespace");
        let names = std::thread::scope(|s| {
            s.spawn(|| {
                enter(&ns).expect("setns");
                // A socket bound here is reachable over this namespace's loopback.
                let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                let a = l.local_addr().unwrap();
                let c = std::net::TcpStream::connect(a).unwrap();
                drop(c);
                (
                    std::fs::read_to_string("/proc/thread-self/net/dev").unwrap(),
                    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_ehash_entries").ok(),
                )
            })
            .join()
            .unwrap()
        });
        let (names, ehash) = names;
        // Its own small connection table (a negative size is the host's shared one), where
        // the kernel has the setting (Linux 6.1).
        if let Ok(before) = host_before {
            assert_eq!(ehash.as_deref().map(str::trim), Some(PRIVATE_EHASH_BUCKETS));
            let after = std::fs::read_to_string(setting).unwrap();
            assert_eq!(after, before, "the host's setting is left alone");
        }
        let ifaces: Vec<&str> = names
            .lines()
            .skip(2)
            .filter_map(|l| l.split(':').next())
            .map(str::trim)
            .collect();
        assert_eq!(ifaces, ["lo"]);
    }
}
