//! Data calls counted by the kernel: the `read`, `write`, `send` and `recv` calls of the
//! traced programs recorded from the kernel's system-call tracepoints, so that the calls a
//! program makes thousands of times a second no longer stop it.
//!
//! A ptrace stop costs two switches between the program and the tracer at every call; on
//! a program that sends 10,000 small messages that made it ten times slower. The kernel's
//! `syscalls:sys_enter_*`/`sys_exit_*` tracepoints write each call's arguments and result
//! into a ring buffer per processor while the program runs on (`perf_event_open`, the
//! mechanism `perf trace` uses). They cannot read the program's memory, so the calls they
//! cover are the ones whose memory the trace does not need: `read`, `write`, and `sendto`/
//! `recvfrom` without an address (`send()`/`recv()`); the first bytes moved are taken from
//! the capture instead ([`crate::run::previews`]). Every other call still stops the program
//! ([`super::syscalls::filter`]).
//!
//! Needs root (or `CAP_PERFMON` with tracefs readable); where the kernel refuses,
//! [`KernelCounter::open`] says why and the tracer stops on every call as before.

use std::collections::HashMap;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Arc, Mutex};

use super::syscalls::Sys;

/// One tracepoint record of a traced thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    /// The thread.
    pub tid: i32,
    /// When the kernel wrote the record (ns since the epoch, `CLOCK_REALTIME`, the capture's
    /// clock; the kernel stamps `CLOCK_MONOTONIC`, the only clocks tracepoints may use being
    /// the ones safe in any context, and [`KernelCounter::take`] moves it to the epoch).
    pub t_ns: i64,
    /// The call.
    pub sys: Sys,
    /// Its entry (with the arguments) or its exit (with the result).
    pub edge: Edge,
}

/// The two records of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// Entered, with its six arguments.
    Enter([u64; 6]),
    /// Returned this value (`-errno` on failure).
    Exit(i64),
}

/// The calls counted by the kernel rather than stopped on.
pub const COUNTED: [Sys; 4] = [Sys::Read, Sys::Write, Sys::Sendto, Sys::Recvfrom];

/// The tracepoint name of a counted call.
fn tracepoint_name(sys: Sys) -> &'static str {
    match sys {
        Sys::Read => "read",
        Sys::Write => "write",
        Sys::Sendto => "sendto",
        _ => "recvfrom",
    }
}

/// `struct perf_event_attr` (`PERF_ATTR_SIZE_VER8`, the fields this module sets).
#[repr(C)]
#[derive(Default)]
struct PerfEventAttr {
    kind: u32,
    size: u32,
    config: u64,
    sample_period: u64,
    sample_type: u64,
    read_format: u64,
    flags: u64,
    wakeup: u32,
    bp_type: u32,
    config1: u64,
    config2: u64,
    branch_sample_type: u64,
    sample_regs_user: u64,
    sample_stack_user: u32,
    clockid: i32,
    sample_regs_intr: u64,
    aux_watermark: u32,
    sample_max_stack: u16,
    reserved_2: u16,
    aux_sample_size: u32,
    reserved_3: u32,
    sig_data: u64,
    config3: u64,
}

const PERF_TYPE_SOFTWARE: u32 = 1;
const PERF_TYPE_TRACEPOINT: u32 = 2;
const PERF_COUNT_SW_DUMMY: u64 = 9;
const PERF_SAMPLE_TID: u64 = 1 << 1;
const PERF_SAMPLE_TIME: u64 = 1 << 2;
const PERF_SAMPLE_RAW: u64 = 1 << 10;
const FLAG_INHERIT: u64 = 1 << 1;
const FLAG_WATERMARK: u64 = 1 << 14;
const FLAG_USE_CLOCKID: u64 = 1 << 25;
const PERF_FLAG_FD_CLOEXEC: libc::c_ulong = 8;
const PERF_EVENT_IOC_SET_OUTPUT: libc::c_ulong = 0x2405;
const PERF_RECORD_LOST: u32 = 2;
const PERF_RECORD_SAMPLE: u32 = 9;
/// Where `data_head` sits in `struct perf_event_mmap_page`.
const DATA_HEAD: usize = 1024;
/// Where `data_tail` sits.
const DATA_TAIL: usize = 1032;
/// Pages of records per processor (a power of two): 4 MiB holds about 70,000 calls, more
/// than a program makes between two of the reader thread's wake-ups.
const RING_PAGES: usize = 1024;

fn perf_event_open(
    attr: &PerfEventAttr,
    pid: i32,
    cpu: i32,
    group: RawFd,
) -> Result<OwnedFd, String> {
    // SAFETY: attr is a valid perf_event_attr of the size it states; the kernel only reads it.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            attr as *const PerfEventAttr,
            pid,
            cpu,
            group,
            PERF_FLAG_FD_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(last_os_error());
    }
    // SAFETY: a new descriptor the kernel just gave us, owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// The layout of one tracepoint's record, read from its `format` file.
#[derive(Debug, Clone)]
struct Layout {
    sys: Sys,
    enter: bool,
    /// Byte offsets of the arguments (entry) or of `ret` (exit, one offset).
    offsets: Vec<usize>,
}

/// Reads `events/syscalls/sys_{enter,exit}_NAME/{id,format}` below a tracefs mount.
fn read_layouts(tracefs: &std::path::Path) -> Result<HashMap<u16, Layout>, String> {
    let mut out = HashMap::new();
    for sys in COUNTED {
        for enter in [true, false] {
            let name = format!(
                "sys_{}_{}",
                if enter { "enter" } else { "exit" },
                tracepoint_name(sys)
            );
            let dir = tracefs.join("events/syscalls").join(&name);
            let id: u16 = std::fs::read_to_string(dir.join("id"))
                .map_err(|e| format!("{}: {e}", dir.join("id").display()))?
                .trim()
                .parse()
                .map_err(|_| format!("{name}: the tracepoint's id is not a number"))?;
            let format = std::fs::read_to_string(dir.join("format"))
                .map_err(|e| format!("{}: {e}", dir.join("format").display()))?;
            let offsets = field_offsets(&format);
            let want = if enter { 1..=6 } else { 1..=1 };
            if !want.contains(&offsets.len()) {
                return Err(format!("{name}: unexpected record layout"));
            }
            out.insert(
                id,
                Layout {
                    sys,
                    enter,
                    offsets,
                },
            );
        }
    }
    Ok(out)
}

/// The offsets of a syscall tracepoint's own fields (after `__syscall_nr`), in order.
fn field_offsets(format: &str) -> Vec<usize> {
    let mut after_nr = false;
    let mut out = Vec::new();
    for line in format.lines() {
        let Some(field) = line.trim().strip_prefix("field:") else {
            continue;
        };
        if field.contains("__syscall_nr;") {
            after_nr = true;
            continue;
        }
        if !after_nr {
            continue;
        }
        let offset = field
            .split(';')
            .find_map(|p| p.trim().strip_prefix("offset:"))
            .and_then(|o| o.parse().ok());
        if let Some(o) = offset {
            out.push(o);
        }
    }
    out
}

/// A tracefs mount made for reading the tracepoints' ids, removed when dropped.
struct TempTracefs(std::path::PathBuf);

impl Drop for TempTracefs {
    fn drop(&mut self) {
        if let Ok(c) = std::ffi::CString::new(self.0.as_os_str().as_encoded_bytes()) {
            // SAFETY: umount2 of a path we mounted, with a valid C string.
            unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) };
        }
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// The syscall tracepoints' layouts: from the mounted tracefs, or from one mounted for the
/// moment in a directory of our own.
fn layouts() -> Result<HashMap<u16, Layout>, String> {
    for dir in ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"] {
        let dir = std::path::Path::new(dir);
        if dir.join("events/syscalls").is_dir() {
            return read_layouts(dir);
        }
    }
    let dir = std::env::temp_dir().join(format!("synack-tracefs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mount = TempTracefs(dir);
    let target = std::ffi::CString::new(mount.0.as_os_str().as_encoded_bytes())
        .map_err(|e| e.to_string())?;
    // SAFETY: mount with valid C strings and no data.
    let rc = unsafe {
        libc::mount(
            c"nodev".as_ptr(),
            target.as_ptr(),
            c"tracefs".as_ptr(),
            0,
            std::ptr::null(),
        )
    };
    if rc != 0 {
        return Err(format!(
            "tracefs is not mounted and cannot be: {}",
            last_os_error()
        ));
    }
    read_layouts(&mount.0)
}

/// One processor's ring buffer.
struct Ring {
    /// The per-processor event the ring belongs to (records of every traced program on
    /// this processor are sent into it).
    lead: OwnedFd,
    base: *mut u8,
    len: usize,
}

// SAFETY: the mapping is only read and written through &mut self (behind the counter's
// mutex); the pointer is valid until Drop unmaps it.
unsafe impl Send for Ring {}

impl Ring {
    fn open(cpu: i32) -> Result<Ring, String> {
        let attr = PerfEventAttr {
            kind: PERF_TYPE_SOFTWARE,
            size: std::mem::size_of::<PerfEventAttr>() as u32,
            config: PERF_COUNT_SW_DUMMY,
            flags: FLAG_USE_CLOCKID | FLAG_WATERMARK,
            // Wake the reader when a quarter of the ring is full.
            wakeup: (RING_PAGES * page_size() / 4) as u32,
            clockid: libc::CLOCK_MONOTONIC,
            ..PerfEventAttr::default()
        };
        let lead = perf_event_open(&attr, -1, cpu, -1)?;
        let len = (RING_PAGES + 1) * page_size();
        // SAFETY: mapping a perf event's ring, shared, of the size the kernel expects
        // (1 + 2^n pages).
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                lead.as_raw_fd(),
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(format!(
                "mapping the kernel's ring buffer: {}",
                last_os_error()
            ));
        }
        Ok(Ring {
            lead,
            base: base.cast(),
            len,
        })
    }

    /// Hands every sample's body in the ring to `each`, in the order written; frees their
    /// room.
    fn drain(&mut self, each: &mut dyn FnMut(&[u8]), lost: &mut u64) {
        let page = page_size();
        let size = self.len - page;
        // SAFETY: data_head/data_tail are u64 fields of the mapped control page; the
        // kernel writes head, we write tail (the perf ring protocol: acquire head, release
        // tail).
        let (head, tail) = unsafe {
            let head = (*(self.base.add(DATA_HEAD) as *const std::sync::atomic::AtomicU64))
                .load(std::sync::atomic::Ordering::Acquire);
            let tail = *(self.base.add(DATA_TAIL) as *const u64);
            (head, tail)
        };
        // SAFETY: the data area follows the control page and is `size` bytes long.
        let data = unsafe { std::slice::from_raw_parts(self.base.add(page), size) };
        let mut at = tail;
        let mut wrapped = Vec::new();
        while at + 8 <= head {
            let header = read_wrapped(data, at, 8, &mut wrapped);
            let kind = u32::from_ne_bytes(header[0..4].try_into().unwrap_or_default());
            let len = u16::from_ne_bytes(header[6..8].try_into().unwrap_or_default()) as u64;
            if len < 8 || at + len > head {
                break;
            }
            match kind {
                PERF_RECORD_SAMPLE => {
                    each(read_wrapped(data, at + 8, (len - 8) as usize, &mut wrapped))
                }
                PERF_RECORD_LOST => {
                    let body = read_wrapped(data, at + 8, 16, &mut wrapped);
                    *lost += u64::from_ne_bytes(body[8..16].try_into().unwrap_or_default());
                }
                _ => {}
            }
            at += len;
        }
        // SAFETY: as above; releasing the room we read.
        unsafe {
            (*(self.base.add(DATA_TAIL) as *const std::sync::atomic::AtomicU64))
                .store(at, std::sync::atomic::Ordering::Release);
        }
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: unmapping the mapping made in open.
        unsafe { libc::munmap(self.base.cast(), self.len) };
    }
}

/// The OS's words for the last error, without Rust's " (os error N)".
fn last_os_error() -> String {
    let text = std::io::Error::last_os_error().to_string();
    text.split(" (os error ")
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn clock_ns(clock: libc::clockid_t) -> i64 {
    // SAFETY: clock_gettime writes into a zeroed timespec we own.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 {
        p as usize
    } else {
        4096
    }
}

/// `len` bytes at ring position `at`: in place, or copied into `scratch` when they wrap
/// at the end of the data area.
fn read_wrapped<'a>(data: &'a [u8], at: u64, len: usize, scratch: &'a mut Vec<u8>) -> &'a [u8] {
    let size = data.len();
    let start = (at % size as u64) as usize;
    let len = len.min(size);
    if start + len <= size {
        return &data[start..start + len];
    }
    let first = size - start;
    scratch.clear();
    scratch.extend_from_slice(&data[start..]);
    scratch.extend_from_slice(&data[..len - first]);
    scratch
}

/// What the reader thread and the tracer share.
struct Inner {
    rings: Vec<Ring>,
    layouts: HashMap<u16, Layout>,
    /// Records read from the rings, not yet taken.
    read: Vec<Counted>,
    lost: u64,
    /// The per-program tracepoint events (kept open while the run lasts).
    events: Vec<OwnedFd>,
}

impl Inner {
    fn drain(&mut self) {
        let to_epoch = clock_ns(libc::CLOCK_REALTIME) - clock_ns(libc::CLOCK_MONOTONIC);
        let (layouts, read) = (&self.layouts, &mut self.read);
        let mut each = |body: &[u8]| {
            if let Some(mut c) = parse_sample(body, layouts) {
                c.t_ns += to_epoch;
                read.push(c);
            }
        };
        for r in &mut self.rings {
            r.drain(&mut each, &mut self.lost);
        }
    }
}

/// A sample's body (`PERF_SAMPLE_TID | TIME | RAW`) as a record of a counted call.
fn parse_sample(b: &[u8], layouts: &HashMap<u16, Layout>) -> Option<Counted> {
    let u32_at = |o: usize| {
        b.get(o..o + 4)
            .map(|s| u32::from_ne_bytes(s.try_into().unwrap_or_default()))
    };
    let tid = u32_at(4)? as i32;
    let t_ns = u64::from_ne_bytes(b.get(8..16)?.try_into().ok()?) as i64;
    let raw_len = u32_at(16)? as usize;
    let raw = b.get(20..20 + raw_len)?;
    let id = u16::from_ne_bytes(raw.get(0..2)?.try_into().ok()?);
    let layout = layouts.get(&id)?;
    let field = |o: usize| {
        raw.get(o..o + 8)
            .map(|s| u64::from_ne_bytes(s.try_into().unwrap_or_default()))
    };
    let edge = if layout.enter {
        let mut args = [0u64; 6];
        for (a, &o) in args.iter_mut().zip(&layout.offsets) {
            *a = field(o)?;
        }
        Edge::Enter(args)
    } else {
        Edge::Exit(field(layout.offsets[0])? as i64)
    };
    Some(Counted {
        tid,
        t_ns,
        sys: layout.sys,
        edge,
    })
}

/// The kernel's records of the counted calls of every program attached; a thread reads the
/// rings as they fill, [`KernelCounter::take`] hands the records on in time order.
pub struct KernelCounter {
    inner: Arc<Mutex<Inner>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
    /// Records later than the last cut, kept for the next [`KernelCounter::take`].
    carry: Vec<Counted>,
}

impl std::fmt::Debug for KernelCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KernelCounter").finish_non_exhaustive()
    }
}

impl KernelCounter {
    /// Opens a ring buffer on every processor; `Err` says why the kernel cannot count
    /// calls here (not root, no tracepoints, perf events refused).
    pub fn open() -> Result<KernelCounter, String> {
        let layouts = layouts()?;
        // SAFETY: sysconf has no preconditions.
        let cpus = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_CONF) }.max(1) as i32;
        let rings = (0..cpus)
            .map(Ring::open)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("perf events: {e}"))?;
        let inner = Arc::new(Mutex::new(Inner {
            rings,
            layouts,
            read: Vec::new(),
            lost: 0,
            events: Vec::new(),
        }));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (inner, stop) = (inner.clone(), stop.clone());
            let fds: Vec<RawFd> = inner
                .lock()
                .map_err(|_| "poisoned".to_owned())?
                .rings
                .iter()
                .map(|r| r.lead.as_raw_fd())
                .collect();
            std::thread::Builder::new()
                .name("synack-kcount".into())
                .spawn(move || read_while_running(&inner, &stop, &fds))
                .map_err(|e| e.to_string())?
        };
        Ok(KernelCounter {
            inner,
            stop,
            reader: Some(reader),
            carry: Vec::new(),
        })
    }

    /// Starts counting the calls of process `pid` and of every process and thread it
    /// starts from now on. Call it before the process runs (stopped before its `exec`).
    pub fn attach(&self, pid: i32) -> Result<(), String> {
        let mut inner = self.inner.lock().map_err(|_| "poisoned".to_owned())?;
        let ids: Vec<u16> = inner.layouts.keys().copied().collect();
        let leads: Vec<(i32, RawFd)> = inner
            .rings
            .iter()
            .enumerate()
            .map(|(cpu, r)| (cpu as i32, r.lead.as_raw_fd()))
            .collect();
        for (cpu, lead) in leads {
            for &id in &ids {
                let attr = PerfEventAttr {
                    kind: PERF_TYPE_TRACEPOINT,
                    size: std::mem::size_of::<PerfEventAttr>() as u32,
                    config: u64::from(id),
                    sample_period: 1,
                    sample_type: PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW,
                    flags: FLAG_INHERIT | FLAG_USE_CLOCKID,
                    clockid: libc::CLOCK_MONOTONIC,
                    ..PerfEventAttr::default()
                };
                let fd = perf_event_open(&attr, pid, cpu, -1)?;
                // SAFETY: an ioctl on our own perf event with another perf event's fd.
                if unsafe { libc::ioctl(fd.as_raw_fd(), PERF_EVENT_IOC_SET_OUTPUT, lead) } != 0 {
                    return Err(format!("perf events: {}", last_os_error()));
                }
                inner.events.push(fd);
            }
        }
        Ok(())
    }

    /// Moves the records written before `cut_ns` (read the clock before calling) into
    /// `out`, in time order; later ones wait for the next call.
    pub fn take(&mut self, cut_ns: i64, out: &mut Vec<Counted>) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.drain();
            self.carry.append(&mut inner.read);
        }
        // Each ring is in time order already: a stable sort merges them cheaply.
        self.carry.sort_by_key(|c| c.t_ns);
        let split = self.carry.partition_point(|c| c.t_ns < cut_ns);
        out.extend(self.carry.drain(..split));
    }

    /// Records the kernel could not write because a ring was full.
    pub fn lost(&self) -> u64 {
        self.inner.lock().map_or(0, |i| i.lost)
    }
}

impl Drop for KernelCounter {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}

/// The reader thread: waits for a ring to fill a quarter and moves its records out, so the
/// kernel never runs out of room while the tracer waits for a program.
fn read_while_running(inner: &Mutex<Inner>, stop: &std::sync::atomic::AtomicBool, fds: &[RawFd]) {
    let mut polls: Vec<libc::pollfd> = fds
        .iter()
        .map(|&fd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        // SAFETY: polls is a valid array of pollfd of the length given.
        let n = unsafe { libc::poll(polls.as_mut_ptr(), polls.len() as libc::nfds_t, 20) };
        if n > 0 {
            if let Ok(mut i) = inner.lock() {
                i.drain();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_offsets_follow_the_syscall_number() {
        let format = "name: sys_enter_recvfrom\nID: 2222\nformat:\n\
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n\
            \tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n\
            \tfield:int fd;\toffset:16;\tsize:8;\tsigned:0;\n\
            \tfield:void * ubuf;\toffset:24;\tsize:8;\tsigned:0;\n";
        assert_eq!(field_offsets(format), [16, 24]);
    }

    #[test]
    fn a_record_that_wraps_the_ring_is_read_whole() {
        let data: Vec<u8> = (0..16).collect();
        let mut scratch = Vec::new();
        assert_eq!(read_wrapped(&data, 14, 4, &mut scratch), [14, 15, 0, 1]);
        assert_eq!(read_wrapped(&data, 16 + 3, 2, &mut scratch), [3, 4]);
    }

    #[test]
    fn a_sample_is_parsed_into_an_entry_or_an_exit() {
        let mut layouts = HashMap::new();
        layouts.insert(
            7,
            Layout {
                sys: Sys::Sendto,
                enter: true,
                offsets: vec![16, 24, 32, 40, 48, 56],
            },
        );
        layouts.insert(
            8,
            Layout {
                sys: Sys::Sendto,
                enter: false,
                offsets: vec![16],
            },
        );
        let sample = |id: u16, fields: &[u64]| {
            let mut raw = vec![0u8; 16];
            raw[0..2].copy_from_slice(&id.to_ne_bytes());
            for f in fields {
                raw.extend_from_slice(&f.to_ne_bytes());
            }
            let mut b = Vec::new();
            b.extend_from_slice(&41u32.to_ne_bytes()); // pid
            b.extend_from_slice(&42u32.to_ne_bytes()); // tid
            b.extend_from_slice(&1_000u64.to_ne_bytes());
            b.extend_from_slice(&(raw.len() as u32).to_ne_bytes());
            b.extend_from_slice(&raw);
            b
        };
        let enter = parse_sample(&sample(7, &[3, 0xdead, 14, 0, 0, 0]), &layouts).unwrap();
        assert_eq!(enter.tid, 42);
        assert_eq!(enter.t_ns, 1_000);
        assert_eq!(enter.edge, Edge::Enter([3, 0xdead, 14, 0, 0, 0]));
        let exit = parse_sample(&sample(8, &[(-32i64) as u64]), &layouts).unwrap();
        assert_eq!(exit.edge, Edge::Exit(-32));
        assert_eq!(parse_sample(&sample(9, &[1]), &layouts), None, "unknown id");
        assert_eq!(parse_sample(&sample(7, &[3]), &layouts), None, "cut short");
    }
}
