//! A capture larger than the memory the process may use opens in the desktop view's store.
//!
//! The tests make a capture of about 540 MB (one TCP connection of 64 KB segments, written
//! by a small generator here) and load it with the view's loader in a child process (this
//! test binary again) held below the file's size in two ways: its address space limited
//! (`setrlimit(RLIMIT_AS)`, what `ulimit -v` sets) to 320 MiB, so a store holding the
//! captured bytes cannot even reserve them; and, in a memory cgroup limited to 192 MiB
//! (cgroup v2 `memory.max`, or v1 `memory.limit_in_bytes` on a machine whose memory
//! controller is still on the v1 hierarchy), which counts what the child really uses,
//! page cache of the file included, so the file cannot be held in memory by any means.
//! The child checks that every packet is listed and that packets' bytes, read back from the
//! file on demand, are the ones written. The file is deleted afterwards. The cgroup test
//! needs root and a memory controller; it says why and passes without checking anything
//! when it cannot make the cgroup.

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
/// Memory the cgroup lets the child use (anonymous memory and page cache together).
const CGROUP_LIMIT: u64 = 192 << 20;
/// The child's environment variable naming the capture to load.
const CHILD: &str = "SYNACK_STORE_LIMIT_CHILD";
/// The child's environment variable naming the file that holds its cgroup's limit (set in
/// the cgroup test only).
const CHILD_CGROUP_LIMIT: &str = "SYNACK_STORE_LIMIT_CGROUP";

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

/// A fresh capture of more than `at_least` bytes in the temporary directory (deleted when
/// the guard drops), and its frame count.
fn big_capture(what: &str, at_least: u64) -> (Remove, u64) {
    let path = std::env::temp_dir().join(format!(
        "synack-store-limit-{what}-{}.pcap",
        std::process::id()
    ));
    let remove = Remove(path.clone());
    let frames = write_capture(&path);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(
        size > at_least + (128 << 20),
        "the capture ({size} bytes) must exceed the limit"
    );
    (remove, frames)
}

/// This test binary running only `test` on the capture at `path`.
fn child_command(test: &str, path: &Path, frames: u64) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD, path)
        .env("SYNACK_STORE_LIMIT_FRAMES", frames.to_string())
        // glibc reserves 64 MiB of address space per thread arena: two are plenty.
        .env("MALLOC_ARENA_MAX", "2");
    cmd
}

/// Runs the child and checks it listed every frame; prints its report line.
fn expect_loaded(mut cmd: Command, frames: u64) {
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "child failed ({}):\n{text}\n{err}",
        out.status
    );
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

#[test]
fn a_capture_larger_than_the_address_space_opens() {
    const TEST: &str = "a_capture_larger_than_the_address_space_opens";
    if let Some(path) = std::env::var_os(CHILD) {
        child(Path::new(&path));
        return;
    }
    let (capture, frames) = big_capture("as", LIMIT);
    let mut cmd = child_command(TEST, &capture.0, frames);
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
    expect_loaded(cmd, frames);
}

/// A memory cgroup made for one child, removed when dropped.
struct MemoryCgroup {
    dir: PathBuf,
    /// The file holding the limit (`memory.max` or `memory.limit_in_bytes`).
    limit_file: PathBuf,
    /// How often usage hit the limit: v2 `memory.events`' `max` line, v1 `memory.failcnt`.
    hits: Box<dyn Fn() -> u64>,
    /// Peak usage when the kernel keeps it (v2 `memory.peak`, v1 `memory.max_usage_in_bytes`).
    peak_file: PathBuf,
}

impl Drop for MemoryCgroup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// A number read from a cgroup file.
fn read_number(path: &Path) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Where this process sits in the cgroup hierarchies: (cgroup2 mount, path in it) and the
/// v1 memory controller's (mount, path), from /proc/self/mountinfo and /proc/self/cgroup.
fn cgroup_places() -> (Option<PathBuf>, Option<PathBuf>) {
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mut v2_mount = None;
    let mut v1_memory_mount = None;
    for line in mounts.lines() {
        // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS...] - FSTYPE SOURCE SUPEROPTIONS
        let Some((left, right)) = line.split_once(" - ") else {
            continue;
        };
        let mount_point = left.split_whitespace().nth(4).map(PathBuf::from);
        let mut r = right.split_whitespace();
        let fstype = r.next().unwrap_or_default();
        let super_options = r.nth(1).unwrap_or_default();
        if fstype == "cgroup2" && v2_mount.is_none() {
            v2_mount = mount_point;
        } else if fstype == "cgroup" && super_options.split(',').any(|o| o == "memory") {
            v1_memory_mount = mount_point;
        }
    }
    let own = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let mut v2 = None;
    let mut v1 = None;
    for line in own.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let rel = path.trim_start_matches('/');
        if id == "0" && controllers.is_empty() {
            v2 = v2_mount.as_ref().map(|m| m.join(rel));
        } else if controllers.split(',').any(|c| c == "memory") {
            v1 = v1_memory_mount.as_ref().map(|m| m.join(rel));
        }
    }
    (v2, v1)
}

/// Makes a cgroup limited to [`CGROUP_LIMIT`] under this process's own, cgroup v2 if its
/// memory controller can be had, else v1's memory controller; the reason when neither can.
fn memory_cgroup() -> Result<MemoryCgroup, String> {
    let name = format!("synack-store-limit-{}", std::process::id());
    let (v2, v1) = cgroup_places();
    let mut reasons = Vec::new();
    match v2 {
        Some(parent) => {
            let controllers =
                std::fs::read_to_string(parent.join("cgroup.controllers")).unwrap_or_default();
            if controllers.split_whitespace().any(|c| c == "memory") {
                // Children get memory.max once the parent hands the controller down.
                let _ = std::fs::write(parent.join("cgroup.subtree_control"), "+memory");
                let dir = parent.join(&name);
                match std::fs::create_dir(&dir) {
                    Ok(()) if dir.join("memory.max").exists() => {
                        let events = dir.join("memory.events");
                        let cg = MemoryCgroup {
                            limit_file: dir.join("memory.max"),
                            peak_file: dir.join("memory.peak"),
                            hits: Box::new(move || {
                                std::fs::read_to_string(&events)
                                    .unwrap_or_default()
                                    .lines()
                                    .find_map(|l| l.strip_prefix("max "))
                                    .and_then(|v| v.trim().parse().ok())
                                    .unwrap_or(0)
                            }),
                            dir,
                        };
                        let _ = std::fs::write(cg.dir.join("memory.swap.max"), "0");
                        std::fs::write(&cg.limit_file, CGROUP_LIMIT.to_string())
                            .map_err(|e| format!("cannot set memory.max: {e}"))?;
                        return Ok(cg);
                    }
                    Ok(()) => {
                        let _ = std::fs::remove_dir(&dir);
                        reasons.push(format!(
                            "cgroup v2 at {} does not hand its memory controller down",
                            parent.display()
                        ));
                    }
                    Err(e) => reasons.push(format!(
                        "cannot make a cgroup v2 under {}: {e}",
                        parent.display()
                    )),
                }
            } else {
                reasons.push(format!(
                    "the cgroup v2 hierarchy ({}) has no memory controller",
                    parent.display()
                ));
            }
        }
        None => reasons.push("no cgroup v2 hierarchy".into()),
    }
    match v1 {
        Some(parent) => {
            let dir = parent.join(&name);
            std::fs::create_dir(&dir).map_err(|e| {
                reasons.push(format!(
                    "cannot make a v1 memory cgroup under {}: {e}",
                    parent.display()
                ));
                reasons.join("; ")
            })?;
            let failcnt = dir.join("memory.failcnt");
            let cg = MemoryCgroup {
                limit_file: dir.join("memory.limit_in_bytes"),
                peak_file: dir.join("memory.max_usage_in_bytes"),
                hits: Box::new(move || read_number(&failcnt).unwrap_or(0)),
                dir,
            };
            std::fs::write(&cg.limit_file, CGROUP_LIMIT.to_string())
                .map_err(|e| format!("cannot set memory.limit_in_bytes: {e}"))?;
            // With swap accounting, swap counts too (no swapping the store out).
            let _ = std::fs::write(
                cg.dir.join("memory.memsw.limit_in_bytes"),
                CGROUP_LIMIT.to_string(),
            );
            Ok(cg)
        }
        None => {
            reasons.push("no v1 memory controller either".into());
            Err(reasons.join("; "))
        }
    }
}

#[test]
fn a_capture_larger_than_the_memory_cgroup_opens() {
    const TEST: &str = "a_capture_larger_than_the_memory_cgroup_opens";
    if let Some(path) = std::env::var_os(CHILD) {
        child(Path::new(&path));
        return;
    }
    let cgroup = match memory_cgroup() {
        Ok(c) => c,
        Err(why) => {
            println!("skipped: no memory cgroup for the test ({why})");
            return;
        }
    };
    let (capture, frames) = big_capture("cgroup", CGROUP_LIMIT);
    // The file's pages leave the page cache, so the child reads (and is charged for) them.
    let file = std::fs::File::open(&capture.0).unwrap();
    // SAFETY: a plain system call on an open descriptor.
    unsafe {
        libc::posix_fadvise(
            std::os::fd::AsRawFd::as_raw_fd(&file),
            0,
            0,
            libc::POSIX_FADV_DONTNEED,
        );
    }
    let procs = std::fs::OpenOptions::new()
        .write(true)
        .open(cgroup.dir.join("cgroup.procs"))
        .unwrap();
    let procs_fd = std::os::fd::AsRawFd::as_raw_fd(&procs);
    let mut cmd = child_command(TEST, &capture.0, frames);
    cmd.env(CHILD_CGROUP_LIMIT, &cgroup.limit_file);
    // SAFETY: write(2) is async-signal-safe; "0" moves the writing process (the child).
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, move || {
            if libc::write(procs_fd, b"0".as_ptr().cast(), 1) != 1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    expect_loaded(cmd, frames);
    drop(procs);
    let hits = (cgroup.hits)();
    println!(
        "cgroup {}: limit {} MiB, peak usage {}, usage reached the limit {hits} times",
        cgroup.dir.display(),
        CGROUP_LIMIT >> 20,
        read_number(&cgroup.peak_file).map_or("not kept".into(), |p| format!("{} MiB", p >> 20)),
    );
    // The child ran against the limit: the kernel counted a charge failing there, or (v1
    // reclaims the file's page cache without counting one) usage peaked at it.
    let peak = read_number(&cgroup.peak_file).unwrap_or(0);
    assert!(
        hits > 0 || peak >= CGROUP_LIMIT / 10 * 9,
        "the child's usage never reached the limit: the test did not hold it below the file"
    );
}

/// In the limited child: loads the capture and checks what the view would show.
fn child(path: &Path) {
    let frames: usize = std::env::var("SYNACK_STORE_LIMIT_FRAMES")
        .unwrap()
        .parse()
        .unwrap();
    let size = std::fs::metadata(path).unwrap().len();
    match std::env::var_os(CHILD_CGROUP_LIMIT) {
        // The cgroup holds this process below the file's size.
        Some(limit_file) => {
            let limit = read_number(Path::new(&limit_file)).expect("the cgroup's limit");
            assert!(limit < size, "the cgroup allows {limit} bytes");
            let procs = Path::new(&limit_file).with_file_name("cgroup.procs");
            let me = std::process::id().to_string();
            assert!(
                std::fs::read_to_string(procs)
                    .unwrap_or_default()
                    .lines()
                    .any(|p| p == me),
                "the child is not in the cgroup"
            );
        }
        // The limit holds: a buffer the size of the capture cannot be had.
        None => {
            let mut probe: Vec<u8> = Vec::new();
            assert!(
                probe.try_reserve_exact(size as usize).is_err(),
                "the address space limit is not in force"
            );
        }
    }
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
