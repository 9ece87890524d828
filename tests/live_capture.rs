//! Live capture end to end: `synack capture` on `lo` and on a veth pair between two network
//! namespaces, with both backends, stopped by SIGINT like a user's Ctrl-C.
//!
//! These tests need root (raw sockets, namespaces). Without it they print why and return;
//! CI runs as root, so they run there. Traffic goes only to 127.0.0.1 and to the test's own
//! namespaces.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;
use synack::capture::{FileReader, FrameSource};

const BIN: &str = env!("CARGO_BIN_EXE_synack");

/// Tests that capture or flood `lo` take turns: a flood from one test would otherwise fill
/// the unfiltered capture of another (a debug build printing JSON for every packet falls
/// behind, and counts drops, exactly as designed, but then "every packet" cannot hold).
static LO: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn lo_turn() -> std::sync::MutexGuard<'static, ()> {
    LO.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

macro_rules! require_root {
    () => {
        if !is_root() {
            eprintln!("SKIPPED: live capture needs root (raw sockets, network namespaces); CI runs as root");
            return;
        }
    };
}

fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synack-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

/// A running `synack capture`, its output collected by threads.
struct Running {
    child: Child,
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
}

/// The finished capture.
struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Starts `prefix... synack capture args...` and waits until it says it is capturing.
fn start_capture(prefix: &[&str], args: &[&str]) -> Running {
    let mut cmd = match prefix.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(BIN);
            c
        }
        None => Command::new(BIN),
    };
    let mut child = cmd
        .arg("capture")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("synack starts");
    let mut out = child.stdout.take().expect("piped stdout");
    let err = child.stderr.take().expect("piped stderr");
    let stdout = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let (ready_tx, ready_rx) = mpsc::channel();
    let stderr = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if line.contains("capturing on") {
                let _ = ready_tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    if ready_rx.recv_timeout(Duration::from_secs(10)).is_err() {
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "synack capture did not start: {}",
            stderr.join().unwrap_or_default()
        );
    }
    Running {
        child,
        stdout,
        stderr,
    }
}

impl Running {
    /// Sends SIGINT (what Ctrl-C sends) and waits for a clean exit.
    fn interrupt(self) -> Finished {
        // Only a moment for the kernel to queue the last packets: synack itself must deliver
        // everything captured before the signal (without immediate mode the kernel hands
        // packets over in blocks up to 100 ms late; the capture keeps reading after a stop).
        std::thread::sleep(Duration::from_millis(20));
        // SAFETY: plain kill(2) on our own child.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGINT) };
        self.wait()
    }

    fn wait(mut self) -> Finished {
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("wait works") {
                break s;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("synack capture did not stop within 10 s of SIGINT");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        Finished {
            status,
            stdout: self.stdout.join().unwrap_or_default(),
            stderr: self.stderr.join().unwrap_or_default(),
        }
    }
}

/// Frames of a capture file, read by synack's own reader (fails on any damage).
fn file_frame_count(path: &Path) -> u64 {
    let mut r = FileReader::open(path).expect("the written file opens");
    let mut n = 0;
    while r
        .next_frame()
        .expect("the written file is complete")
        .is_some()
    {
        n += 1;
    }
    n
}

fn json_lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).expect("each line is a JSON object"))
        .collect()
}

/// The traffic the lo test makes, to be found in the capture.
struct LoTraffic {
    udp_src: u16,
    udp_dst: u16,
    udp_count: usize,
    udp_size: u64,
    tcp_client: u16,
    tcp_server: u16,
    tcp_bytes: u64,
}

/// Sends 40 UDP datagrams and one TCP connection carrying 20 × 1000 bytes over 127.0.0.1.
fn make_lo_traffic() -> LoTraffic {
    let rx = UdpSocket::bind("127.0.0.1:0").expect("bind udp");
    let tx = UdpSocket::bind("127.0.0.1:0").expect("bind udp");
    rx.set_read_timeout(Some(Duration::from_secs(2)))
        .expect("timeout");
    let dst = rx.local_addr().expect("addr");
    let payload = [0x5au8; 100];
    let mut buf = [0u8; 200];
    for _ in 0..40 {
        tx.send_to(&payload, dst).expect("udp send");
        rx.recv(&mut buf).expect("udp datagram arrives");
    }

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind tcp");
    let server_addr = listener.local_addr().expect("addr");
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        let mut got = Vec::new();
        s.read_to_end(&mut got).expect("read");
        got.len()
    });
    let mut c = TcpStream::connect(server_addr).expect("connect");
    let client_port = c.local_addr().expect("addr").port();
    for _ in 0..20 {
        c.write_all(&[0xa5u8; 1000]).expect("tcp send");
        std::thread::sleep(Duration::from_millis(2));
    }
    drop(c);
    assert_eq!(server.join().expect("server thread"), 20_000);
    LoTraffic {
        udp_src: tx.local_addr().expect("addr").port(),
        udp_dst: dst.port(),
        udp_count: 40,
        udp_size: 100,
        tcp_client: client_port,
        tcp_server: server_addr.port(),
        tcp_bytes: 20_000,
    }
}

fn port(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or(0)
}

/// Checks that every packet of `t` is in the live JSON output.
fn assert_traffic_captured(frames: &[Value], t: &LoTraffic) {
    let udp: Vec<&Value> = frames
        .iter()
        .filter(|f| {
            f["proto"] == "udp"
                && port(f, "sport") == u64::from(t.udp_src)
                && port(f, "dport") == u64::from(t.udp_dst)
        })
        .collect();
    assert_eq!(
        udp.len(),
        t.udp_count,
        "every UDP datagram sent is captured once"
    );
    assert!(udp.iter().all(|f| f["udp_len"] == t.udp_size));

    let is_conn = |f: &&Value, from: u16, to: u16| {
        f["proto"] == "tcp"
            && port(f, "sport") == u64::from(from)
            && port(f, "dport") == u64::from(to)
    };
    let client: Vec<&Value> = frames
        .iter()
        .filter(|f| is_conn(f, t.tcp_client, t.tcp_server))
        .collect();
    let server: Vec<&Value> = frames
        .iter()
        .filter(|f| is_conn(f, t.tcp_server, t.tcp_client))
        .collect();
    let flags = |f: &Value| f["tcp"]["flags"].as_str().unwrap_or("").to_string();
    assert_eq!(
        client.iter().filter(|f| flags(f) == "S").count(),
        1,
        "one SYN"
    );
    assert_eq!(
        server.iter().filter(|f| flags(f) == "SA").count(),
        1,
        "one SYN-ACK"
    );
    assert!(client.iter().any(|f| flags(f).contains('F')), "client FIN");
    assert!(server.iter().any(|f| flags(f).contains('F')), "server FIN");
    // Every payload byte sent is in some captured segment (distinct sequence ranges).
    let segments: BTreeSet<(u64, u64)> = client
        .iter()
        .map(|f| {
            (
                f["tcp"]["seq"].as_u64().unwrap_or(0),
                f["tcp"]["len"].as_u64().unwrap_or(0),
            )
        })
        .filter(|&(_, len)| len > 0)
        .collect();
    assert_eq!(segments.iter().map(|s| s.1).sum::<u64>(), t.tcp_bytes);
    // The live analysis saw one clean connection: handshake events, no retransmission (a
    // loopback duplicate would be tagged as one).
    let events = |f: &Value| -> Vec<String> {
        f["events"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["name"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let all_events: Vec<String> = client
        .iter()
        .chain(server.iter())
        .flat_map(|f| events(f))
        .collect();
    for e in ["syn", "syn_ack", "handshake_ack"] {
        assert!(
            all_events.iter().any(|x| x == e),
            "live event {e}: {all_events:?}"
        );
    }
    let streams: BTreeSet<String> = client.iter().map(|f| f["stream"].to_string()).collect();
    assert_eq!(streams.len(), 1, "one stream number for the connection");
    for f in client.iter().chain(server.iter()) {
        let tags = f["tags"].to_string();
        assert!(
            !tags.contains("retransmission"),
            "no retransmission on lo: {f}"
        );
    }
    // Each packet appears once: no loopback duplicates (pnet sees both directions otherwise).
    let mut unique = BTreeSet::new();
    for f in client.iter().chain(server.iter()) {
        assert!(
            unique.insert((f["sport"].clone().to_string(), f["tcp"].to_string())),
            "duplicate frame {f}"
        );
    }
}

fn lo_capture(backend: &str) {
    let _turn = lo_turn();
    let file = temp_path(&format!("lo-{backend}.pcap"));
    let file_s = file.to_str().expect("utf-8 path");
    let cap = start_capture(
        &[],
        &[
            "-i",
            "lo",
            "--backend",
            backend,
            "-w",
            file_s,
            "--print",
            "--json",
        ],
    );
    let traffic = make_lo_traffic();
    let done = cap.interrupt();
    assert!(done.status.success(), "clean exit: {}", done.stderr);
    let live = json_lines(&done.stdout);
    eprintln!("{backend}: {}", done.stderr);
    assert_traffic_captured(&live, &traffic);

    // The file holds exactly the frames printed live, and reads back the same.
    assert_eq!(file_frame_count(&file), live.len() as u64);
    assert!(
        done.stderr
            .contains(&format!("{} packets written to", live.len())),
        "summary: {}",
        done.stderr
    );
    let read = Command::new(BIN)
        .args(["read", file_s, "--json"])
        .output()
        .expect("synack read runs");
    assert!(read.status.success());
    let from_file = json_lines(&String::from_utf8_lossy(&read.stdout));
    assert_eq!(
        from_file, live,
        "live output equals `synack read` of the written file"
    );
    let _ = std::fs::remove_file(&file);
}

#[test]
fn lo_capture_with_pcap_gets_every_packet() {
    require_root!();
    lo_capture("pcap");
}

#[test]
fn lo_capture_with_pnet_gets_every_packet_once() {
    require_root!();
    lo_capture("pnet");
}

#[test]
fn sigint_during_write_leaves_a_complete_file() {
    require_root!();
    let _turn = lo_turn();
    let file = temp_path("sigint.pcap");
    let file_s = file.to_str().expect("utf-8 path");
    let sink = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let dst = sink.local_addr().expect("addr");
    let filter = format!("udp dst port {}", dst.port());
    let cap = start_capture(&[], &["-i", "lo", "-f", &filter, "-w", file_s]);
    // Keep packets flowing while the signal arrives.
    let stop_at = Instant::now() + Duration::from_millis(1500);
    let sender = std::thread::spawn(move || {
        let tx = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let mut sent = 0u64;
        while Instant::now() < stop_at && sent < 200_000 {
            let _ = tx.send_to(&[7u8; 200], dst);
            sent += 1;
            if sent.is_multiple_of(16) {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        sent
    });
    std::thread::sleep(Duration::from_millis(700));
    // SAFETY: kill(2) on our own child, mid-traffic.
    unsafe { libc::kill(cap.child.id() as libc::pid_t, libc::SIGINT) };
    let done = cap.wait();
    let sent = sender.join().expect("sender");
    eprintln!("{sent} datagrams sent\n{}", done.stderr);
    assert!(done.status.success(), "clean exit: {}", done.stderr);
    let frames = file_frame_count(&file);
    assert!(
        frames > 0 && frames <= sent,
        "{frames} frames of {sent} sent"
    );
    assert!(
        done.stderr
            .contains(&format!("{frames} packets written to")),
        "the summary counts what the file holds: {}",
        done.stderr
    );
    assert!(done.stderr.contains("packets dropped by kernel"));
    let _ = std::fs::remove_file(&file);
}

#[test]
fn a_full_disk_stops_the_capture_and_keeps_a_readable_file() {
    require_root!();
    let _turn = lo_turn();
    let dir = temp_path("full");
    std::fs::create_dir_all(&dir).expect("dir");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&dir)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !mounted {
        eprintln!("SKIPPED: cannot mount a small tmpfs here to fill");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(dir.clone());
    let file = dir.join("full.pcap");
    let file_s = file.to_str().expect("utf-8 path");
    let cap = start_capture(&[], &["-i", "lo", "-f", "udp", "-w", file_s]);
    let sink = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let tx = UdpSocket::bind("127.0.0.1:0").expect("bind");
    // 400 × (1000 + headers) bytes is far more than 64 KiB.
    for _ in 0..400 {
        let _ = tx.send_to(&[1u8; 1000], sink.local_addr().expect("addr"));
        std::thread::sleep(Duration::from_micros(500));
    }
    let done = cap.wait();
    eprintln!("{}", done.stderr);
    assert!(!done.status.success(), "a full disk is a failure");
    assert!(
        done.stderr.contains("No space left on device"),
        "says why: {}",
        done.stderr
    );
    let frames = file_frame_count(&file);
    assert!(frames > 10, "what fit was kept: {frames}");
    assert!(done
        .stderr
        .contains(&format!("{frames} packets written to")));
}

/// Two network namespaces joined by a veth pair, removed on drop.
struct Netns {
    a: String,
    b: String,
}

fn ip(args: &[&str]) -> bool {
    Command::new("ip")
        .args(args)
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

impl Netns {
    fn create(tag: &str) -> Option<Netns> {
        let id = std::process::id() % 100_000;
        let ns = Netns {
            a: format!("snk{tag}{id}a"),
            b: format!("snk{tag}{id}b"),
        };
        let ok = ip(&["netns", "add", &ns.a])
            && ip(&["netns", "add", &ns.b])
            && ip(&[
                "link", "add", "snkv0", "netns", &ns.a, "type", "veth", "peer", "name", "snkv1",
                "netns", &ns.b,
            ])
            && ip(&["-n", &ns.a, "addr", "add", "10.213.77.1/30", "dev", "snkv0"])
            && ip(&["-n", &ns.b, "addr", "add", "10.213.77.2/30", "dev", "snkv1"])
            && ip(&["-n", &ns.a, "link", "set", "snkv0", "up"])
            && ip(&["-n", &ns.b, "link", "set", "snkv1", "up"]);
        if ok {
            Some(ns)
        } else {
            drop(ns);
            None
        }
    }

    /// Runs `f` on a thread inside namespace `name` (sockets made there stay there).
    fn run_in<T: Send + 'static>(
        name: &str,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> JoinHandle<T> {
        let path = format!("/var/run/netns/{name}");
        std::thread::spawn(move || {
            let file = std::fs::File::open(&path).expect("namespace file");
            use std::os::unix::io::AsRawFd;
            // SAFETY: setns on this thread only, with a valid namespace descriptor.
            let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
            assert_eq!(rc, 0, "setns into {path}");
            f()
        })
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        // Deleting a namespace deletes the veth end inside it, and so the pair.
        let _ = Command::new("ip").args(["netns", "del", &self.a]).status();
        let _ = Command::new("ip").args(["netns", "del", &self.b]).status();
    }
}

#[test]
fn captures_on_a_veth_end_between_two_namespaces() {
    require_root!();
    for backend in ["pcap", "pnet"] {
        let Some(ns) = Netns::create(&backend[..2]) else {
            panic!("cannot create network namespaces and a veth pair as root");
        };
        let cap = start_capture(
            &["ip", "netns", "exec", &ns.a],
            &["-i", "snkv0", "--backend", backend, "--json"],
        );
        let receiver = Netns::run_in(&ns.a, || {
            let s = UdpSocket::bind("10.213.77.1:5555").expect("bind in ns a");
            s.set_read_timeout(Some(Duration::from_secs(3)))
                .expect("timeout");
            let mut n = 0;
            let mut buf = [0u8; 100];
            while n < 25 && s.recv(&mut buf).is_ok() {
                n += 1;
            }
            n
        });
        std::thread::sleep(Duration::from_millis(100));
        let sender = Netns::run_in(&ns.b, || {
            let s = UdpSocket::bind("10.213.77.2:6666").expect("bind in ns b");
            let to: SocketAddr = "10.213.77.1:5555".parse().expect("addr");
            for _ in 0..25 {
                s.send_to(b"over the veth", to).expect("send");
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        sender.join().expect("sender");
        assert_eq!(receiver.join().expect("receiver"), 25);
        let done = cap.interrupt();
        assert!(done.status.success(), "{backend}: {}", done.stderr);
        let frames = json_lines(&done.stdout);
        let ours = frames
            .iter()
            .filter(|f| {
                f["proto"] == "udp"
                    && f["src"] == "10.213.77.2"
                    && f["dst"] == "10.213.77.1"
                    && port(f, "dport") == 5555
            })
            .count();
        assert_eq!(ours, 25, "{backend}: every datagram seen on the veth end");
        drop(ns);
    }
}

#[test]
fn errors_name_the_problem() {
    // These need no privileges to check: unknown interfaces and bad filters are found
    // before or at open; as non-root, the permission message is checked instead.
    let out = Command::new(BIN)
        .args(["capture", "-i", "no-such-if0"])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("no-such-if0: no such interface"), "{err}");
    assert!(err.contains("lo"), "lists the interfaces: {err}");

    let out = Command::new(BIN)
        .args(["capture", "-i", "lo", "--backend", "pnet", "-f", "tcp"])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pnet backend cannot apply capture filters"),
        "{err}"
    );

    let out = Command::new(BIN)
        .args(["capture", "-i", "lo", "-f", "tcp port"])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    if is_root() {
        assert!(
            err.contains("bad capture filter \"tcp port\"") && err.contains("syntax error"),
            "{err}"
        );
    } else {
        assert!(
            err.contains("setcap cap_net_raw,cap_net_admin=eip"),
            "{err}"
        );
    }
}

#[test]
fn without_cap_net_raw_the_error_says_how_to_grant_it() {
    require_root!();
    // Root with CAP_NET_RAW and CAP_NET_ADMIN removed from the bounding set, as a user
    // without privileges would be.
    for backend in ["pcap", "pnet"] {
        let out = Command::new("setpriv")
            .args(["--bounding-set=-net_raw,-net_admin", BIN])
            .args(["capture", "-i", "lo", "--backend", backend])
            .output();
        let Ok(out) = out else {
            eprintln!("SKIPPED: setpriv (util-linux) is not installed");
            return;
        };
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{backend}: {err}");
        assert!(
            err.contains("lo: no permission to capture"),
            "{backend}: {err}"
        );
        assert!(
            err.contains("setcap cap_net_raw,cap_net_admin=eip") && err.contains("root"),
            "{backend}: {err}"
        );
    }
}

#[test]
fn an_interface_that_is_down_is_named_as_such() {
    require_root!();
    let id = std::process::id() % 100_000;
    let (a, b) = (format!("snkd{id}a"), format!("snkd{id}b"));
    assert!(
        ip(&["link", "add", &a, "type", "veth", "peer", "name", &b]),
        "veth pair"
    );
    struct Del(String);
    impl Drop for Del {
        fn drop(&mut self) {
            let _ = Command::new("ip").args(["link", "del", &self.0]).status();
        }
    }
    let _guard = Del(a.clone());
    for backend in ["pcap", "pnet"] {
        let out = Command::new(BIN)
            .args(["capture", "-i", &a, "--backend", backend])
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains(&format!("{a}: the interface is down")),
            "{backend}: {err}"
        );
    }
}

#[test]
fn dash_r_is_an_alias_of_read() {
    let cap = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/captures/pcpp-three_http_streams.pcap"
    );
    let via_capture = Command::new(BIN)
        .args(["capture", "-r", cap, "--json", "-c", "10"])
        .output()
        .expect("runs");
    let via_read = Command::new(BIN)
        .args(["read", cap, "--json", "-c", "10"])
        .output()
        .expect("runs");
    assert!(via_capture.status.success() && via_read.status.success());
    assert_eq!(
        String::from_utf8_lossy(&via_capture.stdout).lines().count(),
        10
    );
    assert_eq!(via_capture.stdout, via_read.stdout);
}

#[test]
fn count_and_duration_stop_the_capture_by_themselves() {
    require_root!();
    let _turn = lo_turn();
    let file = temp_path("count.pcap");
    let file_s = file.to_str().expect("utf-8 path");
    let cap = start_capture(&[], &["-i", "lo", "-f", "udp", "-c", "5", "-w", file_s]);
    let rx = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let tx = UdpSocket::bind("127.0.0.1:0").expect("bind");
    for _ in 0..50 {
        let _ = tx.send_to(b"count me", rx.local_addr().expect("addr"));
        std::thread::sleep(Duration::from_millis(2));
    }
    let done = cap.wait();
    assert!(done.status.success(), "{}", done.stderr);
    assert_eq!(file_frame_count(&file), 5, "-c 5 writes exactly 5 packets");

    let started = Instant::now();
    let cap = start_capture(&[], &["-i", "lo", "-f", "udp port 9", "--duration", "1"]);
    let done = cap.wait();
    let took = started.elapsed();
    assert!(done.status.success(), "{}", done.stderr);
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(5),
        "--duration 1 took {took:?}"
    );
    assert!(
        done.stderr.contains("0 packets captured"),
        "{}",
        done.stderr
    );
    let _ = std::fs::remove_file(&file);
}

#[test]
fn ifaces_shows_lo_with_its_address_state_and_permission() {
    let out = Command::new(BIN)
        .args(["ifaces", "--json"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let all = json_lines(&String::from_utf8_lossy(&out.stdout));
    let lo = all
        .iter()
        .find(|i| i["name"] == "lo")
        .expect("lo is listed");
    assert_eq!(lo["up"], true);
    assert_eq!(lo["loopback"], true);
    assert!(
        lo["addresses"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "127.0.0.1/8")),
        "{lo}"
    );
    assert_eq!(lo["can_capture"], is_root(), "{lo}");
    let text = Command::new(BIN).arg("ifaces").output().expect("runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("lo ") && l.contains("loopback")),
        "{text}"
    );
}

#[test]
fn ifaces_says_yes_only_where_libpcap_opens_it_and_synack_decodes_it() {
    require_root!();
    let json = |prefix: &[&str]| {
        let mut cmd = Command::new(prefix.first().copied().unwrap_or(BIN));
        cmd.args(prefix.iter().skip(1)).args(if prefix.is_empty() {
            vec!["ifaces", "--json"]
        } else {
            vec![BIN, "ifaces", "--json"]
        });
        let out = cmd.output().expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        json_lines(&String::from_utf8_lossy(&out.stdout))
    };
    // This machine: pseudo-devices libpcap lists but cannot open here, or whose records
    // are no packets (Bluetooth HCI, D-Bus messages, USB URBs), are never "yes".
    let here = json(&[]);
    for i in &here {
        let name = i["name"].as_str().expect("name");
        let capture = i["capture"].as_str().expect("capture");
        assert_eq!(
            i["can_capture"].as_bool(),
            Some(capture.starts_with("yes")),
            "{i}"
        );
        if ["bluetooth", "dbus", "usbmon"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            assert_eq!(i["can_capture"], false, "{i}");
            assert!(capture.starts_with("no: "), "{i}");
        }
        if i["can_capture"] == true {
            assert!(i["link_type"].is_string(), "{i}");
        }
        if name == "nflog" && i["can_capture"] == true {
            assert!(capture.contains("NFLOG group 0"), "{i}");
        }
    }
    let listed: Vec<&str> = here.iter().filter_map(|i| i["name"].as_str()).collect();
    if !listed
        .iter()
        .any(|n| n.starts_with("bluetooth") || n.starts_with("dbus"))
    {
        eprintln!("NOTE: libpcap here lists no bluetooth or dbus pseudo-device: {listed:?}");
    }
    // A fresh namespace: its lo is down, the veth end up.
    let ns = Netns::create("if").expect("network namespaces as root");
    let there = json(&["ip", "netns", "exec", &ns.a]);
    let find = |name: &str| {
        there
            .iter()
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("{name} listed: {there:?}"))
    };
    let lo = find("lo");
    assert_eq!(
        (&lo["can_capture"], &lo["capture"]),
        (
            &serde_json::json!(false),
            &serde_json::json!("no: interface down")
        ),
        "{lo}"
    );
    let veth = find("snkv0");
    assert_eq!(veth["can_capture"], true, "{veth}");
    assert_eq!(veth["link_type"], "ethernet", "{veth}");
}

#[test]
fn writing_to_stdout_gives_a_pcap_stream() {
    require_root!();
    let _turn = lo_turn();
    let mut child = Command::new(BIN)
        .args(["capture", "-i", "lo", "-f", "udp", "-c", "3", "-w", "-"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut err = BufReader::new(child.stderr.take().expect("piped"));
    let mut line = String::new();
    let _ = err.read_line(&mut line);
    assert!(line.contains("capturing on"), "{line}");
    let rx = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let tx = UdpSocket::bind("127.0.0.1:0").expect("bind");
    for _ in 0..10 {
        let _ = tx.send_to(b"to stdout", rx.local_addr().expect("addr"));
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut bytes = Vec::new();
    child
        .stdout
        .take()
        .expect("piped")
        .read_to_end(&mut bytes)
        .expect("read stdout");
    assert!(child.wait().expect("exits").success());
    let mut r = FileReader::from_reader("stdout", std::io::Cursor::new(bytes)).expect("pcap");
    let mut n = 0;
    while r.next_frame().expect("complete").is_some() {
        n += 1;
    }
    assert_eq!(n, 3);
}

/// The backends used directly as `FrameSource`s (what the GUI and other tools build on).
#[test]
fn backends_are_frame_sources_with_kernel_stats() {
    use synack::capture::live::{Backend, LiveConfig, PcapSource, PnetSource};
    use synack::decode::decode;
    require_root!();
    for backend in [Backend::Pcap, Backend::Pnet] {
        let _turn = lo_turn();
        let rx = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let port = rx.local_addr().expect("addr").port();
        let mut config = LiveConfig::new("lo");
        config.backend = backend;
        if backend == Backend::Pcap {
            config.filter = Some(format!("udp dst port {port}"));
        }
        let mut source: Box<dyn FrameSourceWithStats> = match backend {
            Backend::Pcap => Box::new(PcapSource::open(&config).expect("pcap opens lo")),
            Backend::Pnet => Box::new(PnetSource::open(&config).expect("pnet opens lo")),
        };
        let tx = UdpSocket::bind("127.0.0.1:0").expect("bind");
        for _ in 0..3 {
            tx.send_to(b"direct", ("127.0.0.1", port)).expect("send");
        }
        // A watchdog stops the source if the packets never come, so the test fails, not hangs.
        let stop = source.stop_handle();
        let watchdog = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(5));
            stop.stop();
        });
        let mut ours = 0;
        while ours < 3 {
            let Some(frame) = source.next_frame().expect("no capture error") else {
                break;
            };
            let p = decode(&frame);
            if p.ports() == Some((tx.local_addr().expect("addr").port(), port)) {
                ours += 1;
                assert!(frame.ts.is_some() && frame.number >= 1);
            }
        }
        let stats = source.stats().expect("both backends have kernel counters");
        assert_eq!(ours, 3, "{backend:?}: kernel counters {stats:?}");
        assert!(stats.received >= 3, "{backend:?}: {stats:?}");
        source.stop_handle().stop();
        assert!(source.next_frame().expect("no error").is_none(), "stopped");
        drop(watchdog);
    }
}

/// A live backend seen through what this test needs: pull, stats, stop.
trait FrameSourceWithStats: FrameSource {
    fn stats(&mut self) -> Option<synack::capture::live::KernelStats>;
    fn stop_handle(&self) -> synack::capture::live::StopHandle;
}

impl FrameSourceWithStats for synack::capture::live::PcapSource {
    fn stats(&mut self) -> Option<synack::capture::live::KernelStats> {
        synack::capture::live::LiveSource::kernel_stats(self)
    }
    fn stop_handle(&self) -> synack::capture::live::StopHandle {
        Self::stop_handle(self)
    }
}

impl FrameSourceWithStats for synack::capture::live::PnetSource {
    fn stats(&mut self) -> Option<synack::capture::live::KernelStats> {
        synack::capture::live::LiveSource::kernel_stats(self)
    }
    fn stop_handle(&self) -> synack::capture::live::StopHandle {
        Self::stop_handle(self)
    }
}
