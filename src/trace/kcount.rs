//! Data calls recorded in the kernel: the `read`, `write`, `send` and `recv` calls of the
//! traced programs recorded by a small eBPF program at the kernel's system-call
//! tracepoints, so that the calls a program makes thousands of times a second no longer
//! stop it.
//!
//! A ptrace stop costs two switches between the program and the tracer at every call; on
//! a program that sends 10,000 small messages that made it ten times slower. Instead, at
//! `syscalls:sys_enter_*` of the four calls a program (`enter_program`) notes the
//! arguments and the time for the traced processes only, and at `sys_exit_*` another
//! (`exit_program`) writes one record per call — entry and return times, arguments,
//! result and the first [`DATA_PREVIEW`] bytes moved, read from the program's buffer while
//! the call still owns it — into a ring buffer this process reads without waking on every
//! record ([`super::bpf::RingReader`]). A third program at `sched:sched_process_fork`
//! follows the processes the traced ones start, before they run.
//!
//! `sendto`/`recvfrom` with an address still stop the program (the address is read at the
//! stop; [`super::syscalls::filter`]); their records here are dropped by the tracer.
//!
//! Needs root (or `CAP_BPF` with `CAP_PERFMON`) and tracefs; where the kernel refuses,
//! [`KernelCounter::open`] says why and the tracer stops on every call as before.

use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::sync::{Arc, Mutex};

use super::bpf::{self, helper, Asm, Cmp, Map, MapKind, RingReader, Size};
use super::bpf::{R0, R1, R10, R2, R3, R6, R7, R8, R9};
use super::event::DATA_PREVIEW;
use super::syscalls::Sys;

/// One data call of a traced thread, as the kernel recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    /// The thread.
    pub tid: i32,
    /// When it was entered (ns since the epoch, `CLOCK_REALTIME`, the capture's clock; the
    /// kernel stamps `CLOCK_MONOTONIC`, and [`KernelCounter::take`] moves it to the epoch).
    pub t_enter_ns: i64,
    /// When it returned (same clock).
    pub t_exit_ns: i64,
    /// The call.
    pub sys: Sys,
    /// Its first five arguments (the sixth, an address length, is not needed: calls with an
    /// address stop the program).
    pub args: [u64; 6],
    /// Its result (`-errno` on failure).
    pub ret: i64,
    /// The first bytes it moved (empty when none, or when the kernel could not read them).
    pub data: Vec<u8>,
}

/// The calls recorded in the kernel rather than stopped on.
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

/// `struct perf_event_attr` (`PERF_ATTR_SIZE_VER8`; only the tracepoint's id is set).
#[repr(C)]
#[derive(Default)]
struct PerfEventAttr {
    kind: u32,
    size: u32,
    config: u64,
    rest: [u64; 14],
}

const PERF_TYPE_TRACEPOINT: u32 = 2;
const PERF_FLAG_FD_CLOEXEC: libc::c_ulong = 8;

/// A perf event on tracepoint `id` (every process, processor 0: the handle an eBPF program
/// is attached through; the program itself runs on every processor).
pub(crate) fn open_tracepoint_event(id: u32) -> Result<OwnedFd, String> {
    let attr = PerfEventAttr {
        kind: PERF_TYPE_TRACEPOINT,
        size: std::mem::size_of::<PerfEventAttr>() as u32,
        config: u64::from(id),
        ..PerfEventAttr::default()
    };
    // SAFETY: attr is a valid perf_event_attr of the size it states; the kernel only reads it.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            &attr as *const PerfEventAttr,
            -1,
            0,
            -1,
            PERF_FLAG_FD_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(format!("perf events: {}", last_os_error()));
    }
    // SAFETY: a new descriptor the kernel just gave us, owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// A counted call's tracepoint: its id and the offsets of its fields in the record.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CallPoint {
    id: u32,
    sys: Sys,
    enter: bool,
    /// Byte offsets of the arguments (entry) or of `ret` (exit, one offset).
    offsets: Vec<usize>,
}

/// The tracepoints the programs are attached to, read from tracefs.
#[derive(Debug, Clone)]
struct Tracepoints {
    calls: Vec<CallPoint>,
    /// `sched:sched_process_fork`'s id and the offset of its `child_pid`.
    fork: (u32, usize),
}

fn read_id(dir: &std::path::Path) -> Result<u32, String> {
    std::fs::read_to_string(dir.join("id"))
        .map_err(|e| format!("{}: {e}", dir.join("id").display()))?
        .trim()
        .parse()
        .map_err(|_| format!("{}: the tracepoint's id is not a number", dir.display()))
}

fn read_format(dir: &std::path::Path) -> Result<String, String> {
    std::fs::read_to_string(dir.join("format"))
        .map_err(|e| format!("{}: {e}", dir.join("format").display()))
}

/// Reads the ids and layouts below a tracefs mount.
fn read_tracepoints(tracefs: &std::path::Path) -> Result<Tracepoints, String> {
    let mut calls = Vec::new();
    for sys in COUNTED {
        for enter in [true, false] {
            let name = format!(
                "sys_{}_{}",
                if enter { "enter" } else { "exit" },
                tracepoint_name(sys)
            );
            let dir = tracefs.join("events/syscalls").join(&name);
            let id = read_id(&dir)?;
            let offsets = field_offsets(&read_format(&dir)?);
            let want = if enter { 3..=6 } else { 1..=1 };
            if !want.contains(&offsets.len()) {
                return Err(format!("{name}: unexpected record layout"));
            }
            calls.push(CallPoint {
                id,
                sys,
                enter,
                offsets,
            });
        }
    }
    let dir = tracefs.join("events/sched/sched_process_fork");
    let child = field_offset(&read_format(&dir)?, "child_pid")
        .ok_or("sched_process_fork: no child_pid field")?;
    Ok(Tracepoints {
        calls,
        fork: (read_id(&dir)?, child),
    })
}

/// The offset of one field of a tracepoint's `format`.
fn field_offset(format: &str, name: &str) -> Option<usize> {
    format.lines().find_map(|line| {
        let field = line.trim().strip_prefix("field:")?;
        let decl = field.split(';').next()?;
        if decl.rsplit([' ', '*']).next()? != name {
            return None;
        }
        field
            .split(';')
            .find_map(|p| p.trim().strip_prefix("offset:"))?
            .parse()
            .ok()
    })
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

/// The tracepoints: from the mounted tracefs, or from one mounted for the moment in a
/// directory of our own.
fn tracepoints() -> Result<Tracepoints, String> {
    for dir in ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"] {
        let dir = std::path::Path::new(dir);
        if dir.join("events/syscalls").is_dir() {
            return read_tracepoints(dir);
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
    read_tracepoints(&mount.0)
}

/// The maps the programs share with this process.
struct Maps {
    /// Traced processes (key: tgid).
    tgids: Map,
    /// Calls entered and not returned (key: tid; value: [`Entry`]).
    pending: Map,
    /// Records of whole calls.
    ring: RingReader,
    /// Records the ring had no room for (one `u64` at key 0).
    lost: Map,
}

/// A pending call, as [`enter_program`] stores it: entry time, index in [`COUNTED`], then
/// five arguments, each a `u64`.
const ENTRY_SIZE: i32 = 56;
/// A record, as [`exit_program`] writes it: entry time, return time, pid and tid, index
/// in [`COUNTED`], five arguments, result, bytes read, then the bytes.
const RECORD_SIZE: i32 = RECORD_DATA + DATA_PREVIEW as i32;
/// Where a record's bytes start.
const RECORD_DATA: i32 = 88;
/// The ring's size: 8 MiB holds about 50,000 calls, far more than the programs make
/// between two of the reader thread's looks.
const RING_SIZE: u32 = 8 << 20;
/// Processes followed at once; threads of busy servers stay in their process's entry.
const MAX_PROCESSES: u32 = 4096;
/// Calls in progress at once (least recently entered forgotten beyond this).
const MAX_PENDING: u32 = 16384;
/// `BPF_RB_NO_WAKEUP`: the reader looks on its own schedule.
const RB_NO_WAKEUP: i32 = 1;

/// Jumps to `out` unless the current process is traced; leaves pid/tid in `R7`, the
/// context in `R6`.
fn only_traced(a: &mut Asm, maps: &Maps) {
    a.mov(R6, R1)
        .call(helper::GET_CURRENT_PID_TGID)
        .mov(R7, R0)
        .rsh_imm(R0, 32)
        .store(Size::W, R10, -4, R0)
        .map_lookup(&maps.tgids, -4)
        .jump_if(Cmp::Eq, R0, 0, "out");
}

/// At a counted call's entry: note the time and the arguments under the thread's id.
fn enter_program(maps: &Maps, index: usize, args: &[usize]) -> Result<Vec<bpf::Insn>, String> {
    let mut a = Asm::default();
    only_traced(&mut a, maps);
    a.call(helper::KTIME_GET_NS)
        .store(Size::Dw, R10, -64, R0)
        .mov_imm(R1, index as i32)
        .store(Size::Dw, R10, -56, R1);
    for i in 0..5 {
        match args.get(i) {
            Some(&o) => a.load(Size::Dw, R1, R6, o as i16),
            None => a.mov_imm(R1, 0),
        };
        a.store(Size::Dw, R10, -48 + 8 * i as i16, R1);
    }
    a.store(Size::W, R10, -72, R7)
        .map_update(&maps.pending, -72, -64)
        .label("out")
        .return_zero();
    a.finish()
}

/// At a counted call's return: one record of the whole call, with its first bytes.
fn exit_program(maps: &Maps, ret: usize) -> Result<Vec<bpf::Insn>, String> {
    let mut a = Asm::default();
    a.mov(R6, R1)
        .call(helper::GET_CURRENT_PID_TGID)
        .mov(R7, R0)
        .store(Size::W, R10, -4, R7)
        .map_lookup(&maps.pending, -4)
        .jump_if(Cmp::Eq, R0, 0, "out")
        .mov(R8, R0)
        .load_map(R1, maps.ring.map())
        .mov_imm(R2, RECORD_SIZE)
        .mov_imm(R3, 0)
        .call(helper::RINGBUF_RESERVE)
        .jump_if(Cmp::Eq, R0, 0, "lost")
        .mov(R9, R0)
        .load(Size::Dw, R1, R8, 0)
        .store(Size::Dw, R9, 0, R1)
        .call(helper::KTIME_GET_NS)
        .store(Size::Dw, R9, 8, R0)
        .store(Size::Dw, R9, 16, R7);
    // The call's index and its five arguments.
    for i in 0..6 {
        a.load(Size::Dw, R1, R8, 8 + 8 * i)
            .store(Size::Dw, R9, 24 + 8 * i, R1);
    }
    // The bytes moved: the result, when positive, at most DATA_PREVIEW.
    a.load(Size::Dw, R1, R6, ret as i16)
        .store(Size::Dw, R9, 72, R1)
        .mov(R2, R1)
        .jump_if(Cmp::Sgt, R2, 0, "moved")
        .mov_imm(R2, 0)
        .jump("sized")
        .label("moved")
        .jump_if(Cmp::Gt, R2, DATA_PREVIEW as i32, "cap")
        .jump("sized")
        .label("cap")
        .mov_imm(R2, DATA_PREVIEW as i32)
        .label("sized")
        .store(Size::Dw, R9, 80, R2)
        .jump_if(Cmp::Eq, R2, 0, "submit")
        .mov(R1, R9)
        .add_imm(R1, RECORD_DATA)
        .load(Size::Dw, R3, R8, 24)
        .call(helper::PROBE_READ_USER)
        .jump_if(Cmp::Eq, R0, 0, "submit")
        .mov_imm(R1, 0)
        .store(Size::Dw, R9, 80, R1)
        .label("submit")
        .mov(R1, R9)
        .mov_imm(R2, RB_NO_WAKEUP)
        .call(helper::RINGBUF_SUBMIT)
        .label("forget")
        .map_delete(&maps.pending, -4)
        .label("out")
        .return_zero()
        .label("lost")
        .mov_imm(R1, 0)
        .store(Size::W, R10, -8, R1)
        .map_lookup(&maps.lost, -8)
        .jump_if(Cmp::Eq, R0, 0, "forget")
        .mov_imm(R1, 1)
        .atomic_add(R0, 0, R1)
        .jump("forget");
    a.finish()
}

/// At every fork: a child of a traced process is traced too, before it runs.
fn fork_program(maps: &Maps, child_pid: usize) -> Result<Vec<bpf::Insn>, String> {
    let mut a = Asm::default();
    only_traced(&mut a, maps);
    a.load(Size::W, R1, R6, child_pid as i16)
        .store(Size::W, R10, -8, R1)
        .map_update(&maps.tgids, -8, -4)
        .label("out")
        .return_zero();
    a.finish()
}

/// A record's bytes as a call (`None` when cut short or of an unknown call).
fn parse_record(b: &[u8]) -> Option<Counted> {
    let u64_at = |i: usize| {
        b.get(i * 8..i * 8 + 8)
            .map(|s| u64::from_ne_bytes(s.try_into().unwrap_or_default()))
    };
    let pid_tgid = u64_at(2)?;
    let sys = *COUNTED.get(usize::try_from(u64_at(3)?).ok()?)?;
    let mut args = [0u64; 6];
    for (i, a) in args.iter_mut().take(5).enumerate() {
        *a = u64_at(4 + i)?;
    }
    let len = (u64_at(10)? as usize).min(DATA_PREVIEW);
    Some(Counted {
        tid: pid_tgid as u32 as i32,
        t_enter_ns: u64_at(0)? as i64,
        t_exit_ns: u64_at(1)? as i64,
        sys,
        args,
        ret: u64_at(9)? as i64,
        data: b
            .get(RECORD_DATA as usize..RECORD_DATA as usize + len)?
            .to_vec(),
    })
}

/// What the reader thread and the tracer share.
struct Inner {
    maps: Maps,
    /// Records read from the ring, not yet taken.
    read: Vec<Counted>,
}

impl Inner {
    fn drain(&mut self) {
        let to_epoch = monotonic_to_epoch();
        let read = &mut self.read;
        self.maps.ring.drain(&mut |b| {
            if let Some(mut c) = parse_record(b) {
                c.t_enter_ns += to_epoch;
                c.t_exit_ns += to_epoch;
                read.push(c);
            }
        });
    }
}

/// The kernel's records of the counted calls of every program attached; a thread reads the
/// ring as it fills, [`KernelCounter::take`] hands the records on in time order.
pub struct KernelCounter {
    inner: Arc<Mutex<Inner>>,
    /// The programs and the events they are attached through (detached when closed).
    _attached: Vec<(OwnedFd, OwnedFd)>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
    /// Records returned later than the last cut, kept for the next [`KernelCounter::take`].
    carry: Vec<Counted>,
}

impl std::fmt::Debug for KernelCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KernelCounter").finish_non_exhaustive()
    }
}

/// How often the reader thread empties the ring (records wake nobody: a wake-up per call
/// would cost the traced program as much as the record itself).
const READ_EVERY: std::time::Duration = std::time::Duration::from_millis(10);

impl KernelCounter {
    /// Loads and attaches the programs; `Err` says why the kernel cannot record calls here
    /// (not root, no tracefs, eBPF refused).
    pub fn open() -> Result<KernelCounter, String> {
        let points = tracepoints()?;
        let maps = Maps {
            tgids: Map::create(MapKind::Hash, 4, 4, MAX_PROCESSES)?,
            pending: Map::create(MapKind::LruHash, 4, ENTRY_SIZE as u32, MAX_PENDING)?,
            ring: RingReader::create(RING_SIZE)?,
            lost: Map::create(MapKind::Array, 4, 8, 1)?,
        };
        let mut attached = Vec::new();
        for p in &points.calls {
            let index = COUNTED.iter().position(|&s| s == p.sys).unwrap_or(0);
            let insns = if p.enter {
                enter_program(&maps, index, &p.offsets)?
            } else {
                exit_program(&maps, p.offsets[0])?
            };
            let prog = bpf::load_tracepoint_program(&insns)?;
            let event = bpf::attach_tracepoint(p.id, &prog)?;
            attached.push((prog, event));
        }
        let prog = bpf::load_tracepoint_program(&fork_program(&maps, points.fork.1)?)?;
        let event = bpf::attach_tracepoint(points.fork.0, &prog)?;
        attached.push((prog, event));
        let inner = Arc::new(Mutex::new(Inner {
            maps,
            read: Vec::new(),
        }));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (inner, stop) = (inner.clone(), stop.clone());
            std::thread::Builder::new()
                .name("synack-kcount".into())
                .spawn(move || {
                    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                        std::thread::sleep(READ_EVERY);
                        if let Ok(mut i) = inner.lock() {
                            i.drain();
                        }
                    }
                })
                .map_err(|e| e.to_string())?
        };
        Ok(KernelCounter {
            inner,
            _attached: attached,
            stop,
            reader: Some(reader),
            carry: Vec::new(),
        })
    }

    /// Starts recording the calls of process `pid` and of every process it starts from now
    /// on. Call it before the process runs (stopped before its `exec`).
    pub fn attach(&self, pid: i32) -> Result<(), String> {
        let inner = self.inner.lock().map_err(|_| "poisoned".to_owned())?;
        inner
            .maps
            .tgids
            .update(&pid.to_ne_bytes(), &pid.to_ne_bytes())
    }

    /// Moves the calls that returned before `cut_ns` (read the clock before calling) into
    /// `out`, in order of return; later ones wait for the next call.
    pub fn take(&mut self, cut_ns: i64, out: &mut Vec<Counted>) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.drain();
            self.carry.append(&mut inner.read);
        }
        // The ring is nearly in order of return already (records are reserved at return).
        self.carry.sort_by_key(|c| c.t_exit_ns);
        let split = self.carry.partition_point(|c| c.t_exit_ns < cut_ns);
        out.extend(self.carry.drain(..split));
    }

    /// The calls entered and not yet returned (thread, call, entry time): a send in
    /// progress holds back what may be shown after it.
    pub fn in_flight(&self) -> Vec<(i32, Sys, i64)> {
        let Ok(inner) = self.inner.lock() else {
            return Vec::new();
        };
        let to_epoch = monotonic_to_epoch();
        let pending = &inner.maps.pending;
        let mut out = Vec::new();
        let mut key = [0u8; 4];
        let mut at: Option<[u8; 4]> = None;
        let mut value = [0u8; ENTRY_SIZE as usize];
        while out.len() < MAX_PENDING as usize
            && pending.next_key(at.as_ref().map(|k| &k[..]), &mut key)
        {
            at = Some(key);
            if !pending.lookup(&key, &mut value) {
                continue;
            }
            let word = |i: usize| {
                u64::from_ne_bytes(value[i * 8..i * 8 + 8].try_into().unwrap_or_default())
            };
            if let Some(&sys) = COUNTED.get(word(1) as usize) {
                out.push((i32::from_ne_bytes(key), sys, word(0) as i64 + to_epoch));
            }
        }
        out
    }

    /// Records the kernel could not write because the ring was full.
    pub fn lost(&self) -> u64 {
        let Ok(inner) = self.inner.lock() else {
            return 0;
        };
        let mut value = [0u8; 8];
        if inner.maps.lost.lookup(&0u32.to_ne_bytes(), &mut value) {
            u64::from_ne_bytes(value)
        } else {
            0
        }
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

/// The OS's words for the last error, without Rust's " (os error N)".
pub(crate) fn last_os_error() -> String {
    let text = std::io::Error::last_os_error().to_string();
    text.split(" (os error ")
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// What to add to a `CLOCK_MONOTONIC` time (the kernel's stamps) to put it on the capture's
/// clock (`CLOCK_REALTIME`). Each reading of the real-time clock is bracketed by two of the
/// monotonic one and the tightest bracket of a few is kept: a thread preempted between two
/// plain readings would put every call it converts earlier by the pause, ahead of the
/// packets it answered.
fn monotonic_to_epoch() -> i64 {
    (0..4)
        .map(|_| {
            let before = clock_ns(libc::CLOCK_MONOTONIC);
            let real = clock_ns(libc::CLOCK_REALTIME);
            let after = clock_ns(libc::CLOCK_MONOTONIC);
            (after - before, real - before - (after - before) / 2)
        })
        .min_by_key(|&(width, _)| width)
        .map_or(0, |(_, offset)| offset)
}

fn clock_ns(clock: libc::clockid_t) -> i64 {
    // SAFETY: clock_gettime writes into a zeroed timespec we own.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

/// The size of a memory page.
pub(crate) fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 {
        p as usize
    } else {
        4096
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECVFROM: &str = "name: sys_enter_recvfrom\nID: 2222\nformat:\n\
        \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\
        \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n\
        \tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n\
        \tfield:int fd;\toffset:16;\tsize:8;\tsigned:0;\n\
        \tfield:void * ubuf;\toffset:24;\tsize:8;\tsigned:0;\n";

    #[test]
    fn monotonic_times_move_onto_the_real_time_clock() {
        let to_epoch = monotonic_to_epoch();
        let mono = clock_ns(libc::CLOCK_MONOTONIC);
        let real = clock_ns(libc::CLOCK_REALTIME);
        // A monotonic reading taken just before a real-time one lands just before it.
        let moved = mono + to_epoch;
        assert!(moved <= real + 1_000_000, "{moved} after {real}");
        assert!(real - moved < 50_000_000, "{moved} long before {real}");
    }

    #[test]
    fn field_offsets_follow_the_syscall_number() {
        assert_eq!(field_offsets(RECVFROM), [16, 24]);
    }

    #[test]
    fn a_field_is_found_by_its_name_not_by_a_longer_one_ending_alike() {
        assert_eq!(field_offset(RECVFROM, "ubuf"), Some(24));
        assert_eq!(
            field_offset(RECVFROM, "pid"),
            None,
            "common_pid is another field"
        );
        assert_eq!(field_offset(RECVFROM, "common_pid"), Some(4));
    }

    #[test]
    fn a_record_is_parsed_into_a_whole_call() {
        let mut b = Vec::new();
        for w in [
            1_000u64,
            3_000,
            (41u64 << 32) | 42,
            2, // COUNTED[2], sendto
            3,
            0xdead,
            14,
            0,
            0,
            5, // ret
            5, // bytes read
        ] {
            b.extend_from_slice(&w.to_ne_bytes());
        }
        b.extend_from_slice(b"hello");
        b.resize(RECORD_SIZE as usize, 0);
        let c = parse_record(&b).unwrap();
        assert_eq!((c.tid, c.t_enter_ns, c.t_exit_ns), (42, 1_000, 3_000));
        assert_eq!(c.sys, Sys::Sendto);
        assert_eq!(c.args, [3, 0xdead, 14, 0, 0, 0]);
        assert_eq!((c.ret, c.data.as_slice()), (5, &b"hello"[..]));
        let mut unknown = b.clone();
        unknown[24..32].copy_from_slice(&9u64.to_ne_bytes());
        assert_eq!(parse_record(&unknown), None, "no fifth counted call");
        assert_eq!(parse_record(&b[..40]), None, "cut short");
    }

    #[test]
    fn the_programs_are_accepted_by_the_kernel_where_it_allows_ebpf() {
        // Loading needs root (CAP_BPF and CAP_PERFMON); the verifier is the test.
        // Loading needs root (CAP_BPF and CAP_PERFMON) and a kernel with eBPF; where it is
        // refused for that, the test says so; a program the verifier rejects is a failure.
        match KernelCounter::open() {
            Ok(k) => assert_eq!(k.lost(), 0),
            Err(e) if e.starts_with("eBPF program refused") => panic!("{e}"),
            Err(e) => eprintln!("skipped: the kernel does not let this user load eBPF: {e}"),
        }
    }
}
