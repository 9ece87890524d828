//! A capture larger than the memory the process may use opens in the desktop view's store.
//!
//! The test makes a capture of about 540 MB (one TCP connection of 64 KB segments, written
//! by a small generator here) and loads it with the view's loader in a child process (this
//! test binary again) whose address space is limited (`setrlimit(RLIMIT_AS)`, what
//! `ulimit -v` sets) to 320 MiB, well below the file's size: a store holding the captured
//! bytes cannot even reserve them. The child checks that every packet is listed and that
//! packets' bytes, read back from the file on demand, are the ones written. The file is
//! deleted afterwards.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use synack::capture::writer::{PcapFormat, PcapWriter};
use synack::capture::{LinkType, OwnedFrame, Timestamp};
use synack::ui::details::DetailsView;
use synack::ui::ingest::load_file;
use synack::ui::store::PacketStore;

/// Address space the child may use.
const LIMIT: u64 = 320 << 20;
/// Payload bytes of each data segment (the IPv4 packet stays under 65,535 bytes).
const PAYLOAD: usize = 64_000;
/// Data segments: about 540 MB of capture.
const SEGMENTS: u32 = 8_400;
/// The child's environment variable naming the capture to load.
const CHILD: &str = "SYNACK_STORE_LIMIT_CHILD";

/// Payload byte `i` of data segment `n`: differs between segments and along each one.
fn payload_byte(n: u32, i: usize) -> u8 {
    ((i + (n % 251) as usize) * 31) as u8
}

/// A segment from 10.0.0.1:40000 to 10.0.0.2:80.
fn tcp_frame(number: u64, seq: u32, flags: u8, payload: &[u8]) -> OwnedFrame {
    let data = support::tcp_frame(
        ([10, 0, 0, 1], 40000),
        ([10, 0, 0, 2], 80),
        seq,
        0,
        flags,
        payload,
    );
    OwnedFrame::packet(
        number,
        Timestamp(number as i64 * 1_000_000),
        LinkType::Ethernet,
        data,
    )
}

/// Writes the capture: a handshake (SYN from the client only, enough for the analysis) and
/// [`SEGMENTS`] data segments. Returns the number of frames.
fn write_capture(path: &Path) -> u64 {
    let file = std::fs::File::create(path).unwrap();
    let format = PcapFormat {
        link: LinkType::Ethernet,
        snaplen: 262_144,
        nanos: true,
    };
    let mut w = PcapWriter::new(std::io::BufWriter::new(file), format);
    w.write_frame(&tcp_frame(1, 0, 0x02, &[]).as_frame())
        .unwrap();
    // Segment n's payload is this pattern from byte n % 251 on.
    let pattern: Vec<u8> = (0..PAYLOAD + 251).map(|i| payload_byte(0, i)).collect();
    for n in 0..SEGMENTS {
        let from = (n % 251) as usize;
        let payload = &pattern[from..from + PAYLOAD];
        let seq = 1u32.wrapping_add(n.wrapping_mul(PAYLOAD as u32));
        let f = tcp_frame(u64::from(n) + 2, seq, 0x18, payload);
        w.write_frame(&f.as_frame()).unwrap();
    }
    w.flush().unwrap();
    w.get_ref().get_ref().sync_all().ok();
    u64::from(SEGMENTS) + 1
}

/// Deletes the capture however the test ends.
struct Remove(PathBuf);

impl Drop for Remove {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn a_capture_larger_than_the_address_space_opens() {
    if let Some(path) = std::env::var_os(CHILD) {
        child(Path::new(&path));
        return;
    }
    let dir = std::env::temp_dir();
    let path = dir.join(format!("synack-store-limit-{}.pcap", std::process::id()));
    let _remove = Remove(path.clone());
    let frames = write_capture(&path);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(
        size > LIMIT + (128 << 20),
        "the capture ({size} bytes) must exceed the limit"
    );
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new(exe);
    cmd.args([
        "--exact",
        "a_capture_larger_than_the_address_space_opens",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD, &path)
    .env("SYNACK_STORE_LIMIT_FRAMES", frames.to_string())
    // glibc reserves 64 MiB of address space per thread arena: two are plenty.
    .env("MALLOC_ARENA_MAX", "2");
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            let lim = libc::rlimit {
                rlim_cur: LIMIT as libc::rlim_t,
                rlim_max: LIMIT as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{text}\n{err}");
    println!(
        "{}",
        text.lines()
            .find(|l| l.contains("loaded"))
            .unwrap_or_default()
    );
    assert!(
        text.contains(&format!("loaded {frames} frames")),
        "child did not load:\n{text}\n{err}"
    );
}

/// In the limited child: loads the capture and checks what the view would show.
fn child(path: &Path) {
    let frames: usize = std::env::var("SYNACK_STORE_LIMIT_FRAMES")
        .unwrap()
        .parse()
        .unwrap();
    // The limit holds: a buffer the size of the capture cannot be had.
    let size = std::fs::metadata(path).unwrap().len() as usize;
    let mut probe: Vec<u8> = Vec::new();
    assert!(
        probe.try_reserve_exact(size).is_err(),
        "the address space limit is not in force"
    );
    let store = PacketStore::new();
    let started = Instant::now();
    load_file(path, &store, || {}).unwrap();
    while !store.read().finished {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "loading never finished"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let data = store.read();
    assert_eq!(data.error, None);
    assert_eq!(data.len(), frames);
    assert_eq!(data.connections.len(), 1);
    for i in [1, 2, frames / 2, frames - 1] {
        let f = data.frame(i).expect("frame bytes read from the file");
        let n = (i - 1) as u32;
        let payload = &f.data[54..];
        assert_eq!(payload.len(), PAYLOAD, "frame {i}");
        assert!(
            payload
                .iter()
                .enumerate()
                .all(|(k, &b)| b == payload_byte(n, k)),
            "frame {i}: bytes differ from the ones written"
        );
        let mut details = DetailsView::default();
        details.sync(&data, Some(i), None);
        assert_eq!(details.bytes, f.data, "frame {i}");
        assert!(!details.nodes.is_empty());
    }
    assert!(data.bytes_in_memory() <= 8 << 20);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find(|l| l.starts_with("VmPeak"))
        .unwrap_or_default();
    println!(
        "loaded {} frames in {:.1} s ({})",
        data.len(),
        started.elapsed().as_secs_f64(),
        peak.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    std::io::stdout().flush().ok();
}
