//! Heap bytes the desktop view's packet store holds per packet of a capture file, the time
//! it takes to load it and the process's peak RSS meanwhile: `store_bytes FILE` (used by
//! `benches/compare.sh`; the goals are at most 64 bytes per packet, the captured bytes
//! staying in the file, and for the 1 M-packet, 1.3 GB flood a load under 2 s with a peak
//! RSS under 350 MB).
//!
//! Loads FILE with the view's own loader (`ui::ingest::load_file`) and counts every
//! allocation with a global allocator that tracks live bytes, so the figure is what the
//! store really allocated (per-packet records, analysis, per-connection indices, connection
//! records, the block cache), not an estimate from type sizes. Peak RSS is the kernel's
//! (`VmHWM`), which also counts the program's code and the loader's buffers. The CPU time
//! the load took (user and system, both threads) is printed beside its wall time: on a
//! shared machine the wall time mostly says how busy the other processes kept the cores.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Wraps the system allocator and keeps the number of live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// User and system CPU time this process has used so far, in seconds.
fn cpu_seconds() -> (f64, f64) {
    // SAFETY: getrusage fills the zeroed struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a rusage struct.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (s(u.ru_utime), s(u.ru_stime))
}

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: store_bytes FILE");
        return std::process::ExitCode::from(2);
    };
    let path = std::path::PathBuf::from(path);
    let file_size = match std::fs::metadata(&path) {
        Ok(m) => m.len(),
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            return std::process::ExitCode::from(2);
        }
    };
    let store = synack::ui::store::PacketStore::new();
    let before = LIVE.load(Ordering::Relaxed);
    let cpu_before = cpu_seconds();
    let started = std::time::Instant::now();
    if let Err(e) = synack::ui::ingest::load_file(&path, &store, || {}) {
        eprintln!("{e}");
        return std::process::ExitCode::from(1);
    }
    while !store.read().finished {
        std::thread::sleep(Duration::from_millis(20));
    }
    let load_time = started.elapsed();
    let cpu_after = cpu_seconds();
    let (user, system) = (cpu_after.0 - cpu_before.0, cpu_after.1 - cpu_before.1);
    let load_avg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    // The loading thread drops its engine and reader right after marking the store finished.
    std::thread::sleep(Duration::from_millis(300));
    let held = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    // The connection table's share: what clearing it frees.
    let conn_count = store.read().connections.len();
    store.write().set_connections(Vec::new());
    let store_alone = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    let conn_bytes = held.saturating_sub(store_alone);
    let data = store.read();
    let packets = data.len() as u64;
    if let Some(e) = &data.error {
        eprintln!("load error: {e}");
    }
    let per_packet = held as f64 / packets.max(1) as f64;
    let alone_per_packet = store_alone as f64 / packets.max(1) as f64;
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_rss_kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    println!(
        "store: {packets} packets, file {:.1} MB, heap held {:.1} MB (peak while loading {:.1} MB), \
         captured bytes in memory {:.1} MB, loaded in {:.2} s, peak RSS {:.1} MB",
        file_size as f64 / 1e6,
        held as f64 / 1e6,
        peak as f64 / 1e6,
        data.bytes_in_memory() as f64 / 1e6,
        load_time.as_secs_f64(),
        peak_rss_kb * 1024.0 / 1e6,
    );
    let rich = (0..data.len()).filter(|&i| data.rich(i).is_some()).count();
    println!(
        "store: {rich} packets keep a full annotation (encoded; {} bytes once decoded), {} \
         connection records ({} bytes each, plus their heap)",
        std::mem::size_of::<synack::analysis::TcpAnnotation>(),
        conn_count,
        std::mem::size_of::<synack::analysis::Connection>(),
    );
    println!(
        "store: packet store alone {:.1} MB = {alone_per_packet:.1} bytes per packet; \
         connection table {:.1} MB = {:.1} bytes per packet ({:.0} bytes per connection)",
        store_alone as f64 / 1e6,
        conn_bytes as f64 / 1e6,
        conn_bytes as f64 / packets.max(1) as f64,
        conn_bytes as f64 / conn_count.max(1) as f64,
    );
    println!(
        "store: {per_packet:.1} bytes per packet in all (goal <= 64): {}",
        if per_packet <= 64.0 { "met" } else { "NOT met" }
    );
    println!(
        "store: the load used {:.2} s of CPU ({user:.2} s user, {system:.2} s system, both \
         threads) in {:.2} s of wall time; load average then {}",
        user + system,
        load_time.as_secs_f64(),
        load_avg
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    );
    println!(
        "store: loaded in {:.2} s (goal < 2 s on the 1 M-packet flood): {}; peak RSS {:.0} MB \
         (goal < 350 MB): {}",
        load_time.as_secs_f64(),
        if load_time.as_secs_f64() < 2.0 {
            "met"
        } else {
            "NOT met"
        },
        peak_rss_kb * 1024.0 / 1e6,
        if peak_rss_kb * 1024.0 < 350e6 {
            "met"
        } else {
            "NOT met"
        },
    );
    std::process::ExitCode::SUCCESS
}
