//! The kernel-state sampler on real sockets: a bulk transfer on loopback read through
//! NETLINK_SOCK_DIAG (no privileges needed), and the same in a network namespace of its own
//! (root; skipped with a reason otherwise).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use synack::kernel::{
    Netns, Sampled, Sampler, SamplerHandle, SamplerOptions, TcpInfoSample, Watch,
};

/// The socket inode behind file descriptor `fd` of this process, if it is a socket.
fn socket_inode(fd: i32) -> Option<String> {
    let link = std::fs::read_link(format!("/proc/self/fd/{fd}")).ok()?;
    let s = link.to_string_lossy().to_string();
    s.starts_with("socket:").then_some(s)
}

/// Every socket this process holds open.
fn open_sockets() -> Vec<String> {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| {
            let fd: i32 = e.ok()?.file_name().to_string_lossy().parse().ok()?;
            socket_inode(fd)
        })
        .collect()
}

/// A client sends `total` bytes in 16 KiB writes 1 ms apart (so the transfer lasts long
/// enough to be read many times) to a server that reads them all, then the client closes
/// first (shutdown, close) and the server closes after reading the end of the stream. Each
/// call is followed by a poke. Returns (client address, server-side address, seconds the
/// transfer took).
fn transfer(listener: TcpListener, handle: SamplerHandle, total: usize) -> (String, String, f64) {
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn({
        let handle = handle.clone();
        move || {
            let (mut s, peer) = listener.accept().unwrap();
            handle.poke();
            let mut buf = vec![0u8; 65536];
            let mut got = 0;
            loop {
                let n = s.read(&mut buf).unwrap();
                handle.poke();
                if n == 0 {
                    break;
                }
                got += n;
            }
            drop(s);
            handle.poke();
            (got, peer)
        }
    });
    let start = Instant::now();
    let mut c = TcpStream::connect(addr).unwrap();
    handle.poke();
    let chunk = vec![b'x'; 16384];
    let mut sent = 0;
    while sent < total {
        c.write_all(&chunk).unwrap();
        handle.poke();
        sent += chunk.len();
        std::thread::sleep(Duration::from_millis(1));
    }
    c.shutdown(Shutdown::Write).unwrap();
    handle.poke();
    let (got, peer) = server.join().unwrap();
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(got, sent);
    let local = c.local_addr().unwrap().to_string();
    drop(c);
    // Let the sampler see the last states (the client's TIME_WAIT, the server gone).
    std::thread::sleep(Duration::from_millis(30));
    let _ = peer;
    (local, addr.to_string(), secs)
}

fn of_socket<'a>(s: &'a Sampled, local: &str, remote: &str) -> Vec<&'a TcpInfoSample> {
    s.samples
        .iter()
        .filter(|x| x.local == local && x.remote == remote)
        .collect()
}

#[test]
fn sampler_reads_a_loopback_transfer_and_closes_its_socket() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let before = open_sockets();
    let sampler = Sampler::start(SamplerOptions {
        netns: None,
        period: Duration::from_millis(1),
        watch: Watch::Ports(vec![port]),
        ..SamplerOptions::default()
    })
    .unwrap();
    let netlink: Vec<String> = sampler
        .netlink_fds()
        .iter()
        .map(|fd| socket_inode(*fd).expect("the sampler holds its sockets"))
        .collect();
    assert_eq!(netlink.len(), 2);
    assert!(netlink.iter().all(|n| !before.contains(n)));
    let (client, server, secs) = transfer(listener, sampler.handle(), 1 << 20);
    let s = sampler.stop().unwrap();
    assert!(
        open_sockets().iter().all(|s| !netlink.contains(s)),
        "the netlink sockets are closed once stopped"
    );
    // One reading per millisecond at most, and one per call: at least one per 5 ms.
    assert!(
        s.readings as f64 >= secs * 1000.0 / 5.0,
        "{} readings in {secs} s",
        s.readings
    );
    assert_eq!(s.dropped, 0);

    let client_side = of_socket(&s, &client, &server);
    let server_side = of_socket(&s, &server, &client);
    assert!(!client_side.is_empty() && !server_side.is_empty());
    // Times are in order and on the real-time clock (within a minute of now).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as i64;
    assert!(s.samples.windows(2).all(|w| w[0].t_ns <= w[1].t_ns));
    assert!(s
        .samples
        .iter()
        .all(|x| (now - x.t_ns).abs() < 60_000_000_000));
    // While established, the sender has a window, an MSS, an RTT and an algorithm.
    let est = client_side
        .iter()
        .find(|x| x.state == "ESTABLISHED" && x.info.is_some_and(|i| i.bytes_acked > 1))
        .expect("an established reading of the client");
    let info = est.info.unwrap();
    assert!(
        info.snd_cwnd >= 1 && info.snd_mss > 0 && info.rto > 0,
        "{info:?}"
    );
    assert!(est.cong.is_some(), "the congestion algorithm is read");
    assert!(est.sndbuf.is_some_and(|b| b > 0));
    // The client's acknowledged bytes only grow, and reach most of the 1 MiB before its
    // last reading with tcp_info.
    let acked: Vec<u64> = client_side
        .iter()
        .filter_map(|x| x.info)
        .map(|i| i.bytes_acked)
        .collect();
    assert!(acked.windows(2).all(|w| w[0] <= w[1]));
    assert!(*acked.last().unwrap() > 1 << 19, "bytes_acked {acked:?}");
    // Calls asked for readings.
    assert!(s.samples.iter().any(|x| x.at_call));
    // The client closed first: TIME_WAIT; the server's socket left the table.
    assert_eq!(client_side.last().unwrap().state, "TIME_WAIT");
    let last = server_side.last().unwrap();
    assert!(last.gone && last.state == "CLOSED", "{last:?}");
}

#[test]
fn a_bad_namespace_is_an_error_at_start() {
    let e = Sampler::start(SamplerOptions {
        netns: Some(Netns::Path(PathBuf::from(
            "/run/netns/synack-no-such-namespace",
        ))),
        ..SamplerOptions::default()
    })
    .err()
    .expect("no such namespace");
    assert!(e.to_string().contains("synack-no-such-namespace"), "{e}");
}

/// Root only: the sampler enters a namespace that the test thread is not in.
#[test]
fn sampler_reads_inside_another_network_namespace() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("SKIPPED: needs root to create a network namespace");
        return;
    }
    let name = format!("synack-test-kernel-{}", std::process::id());
    let ok = Command::new("ip")
        .args(["netns", "add", &name])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("SKIPPED: `ip netns add` failed");
        return;
    }
    struct Cleanup(String);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
        }
    }
    let _cleanup = Cleanup(name.clone());
    let up = Command::new("ip")
        .args(["-n", &name, "link", "set", "lo", "up"])
        .status();
    assert!(up.is_ok_and(|s| s.success()));
    let ns = PathBuf::from(format!("/run/netns/{name}"));
    // Started from this thread, which stays in the host's namespace.
    let sampler = Sampler::start(SamplerOptions {
        netns: Some(Netns::Path(ns.clone())),
        period: Duration::from_millis(1),
        watch: Watch::All,
        ..SamplerOptions::default()
    })
    .unwrap();
    let handle = sampler.handle();
    // The sockets live in the namespace: made by a thread that entered it.
    let (client, server, _) = std::thread::spawn(move || {
        synack::kernel::enter_netns(&ns).unwrap();
        let up = Command::new("ip")
            .args(["link", "set", "lo", "up"])
            .status();
        assert!(up.is_ok_and(|s| s.success()));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        transfer(listener, handle, 1 << 20)
    })
    .join()
    .unwrap();
    let s = sampler.stop().unwrap();
    assert!(of_socket(&s, &client, &server)
        .iter()
        .any(|x| x.state == "ESTABLISHED"));
    assert_eq!(
        of_socket(&s, &client, &server).last().unwrap().state,
        "TIME_WAIT"
    );
    // A reading at least every 5 ms (the sampler runs ahead of ordinary threads as root),
    // but for the rare wake-up a busy non-preemptive kernel delays: at most 2 % of them.
    eprintln!(
        "{} readings, {} more than 5 ms apart, widest gap {} µs",
        s.readings,
        s.gaps_over_5ms,
        s.widest_gap_ns / 1000
    );
    assert!(
        s.gaps_over_5ms * 50 <= s.readings,
        "{} of {} readings more than 5 ms apart",
        s.gaps_over_5ms,
        s.readings
    );
    // Nothing of the host namespace was read: every socket is the test's pair.
    assert!(s
        .samples
        .iter()
        .all(|x| (x.local == client && x.remote == server)
            || (x.local == server && x.remote == client)));
}

#[test]
fn a_connection_nobody_named_is_found_when_a_listing_is_asked_for() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Listed once at start (nothing connected yet), then only when asked.
    let sampler = Sampler::start(SamplerOptions {
        netns: None,
        period: Duration::from_millis(1),
        watch: Watch::Ports(vec![port]),
        discovery: Duration::from_secs(3600),
    })
    .unwrap();
    let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (accepted, _) = listener.accept().unwrap();
    let (local, remote) = (
        client.local_addr().unwrap().to_string(),
        client.peer_addr().unwrap().to_string(),
    );
    // Long enough for several periodic readings and a 20 ms listing: none may name it.
    std::thread::sleep(Duration::from_millis(100));
    let asked_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as i64;
    sampler.handle().discover();
    std::thread::sleep(Duration::from_millis(100));
    let s = sampler.stop().unwrap();
    drop((client, accepted));
    let client_side = of_socket(&s, &local, &remote);
    let server_side = of_socket(&s, &remote, &local);
    assert!(
        !client_side.is_empty() && !server_side.is_empty(),
        "the asked-for listing found both ends: {:?}",
        s.samples
    );
    assert!(
        client_side
            .iter()
            .chain(&server_side)
            .all(|x| x.t_ns >= asked_at),
        "nothing read the connection before the listing was asked for"
    );
    assert!(client_side.iter().all(|x| x.state == "ESTABLISHED"));
}
