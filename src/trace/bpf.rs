//! Just enough eBPF to run [`super::kcount`]'s three small programs: an instruction
//! assembler with labels, maps, loading a tracepoint program, attaching it, and reading a
//! `BPF_MAP_TYPE_RINGBUF` from user space.
//!
//! Written by hand rather than taken from a crate: the crates that load eBPF (`aya`,
//! `libbpf-rs`) expect a program compiled to a BPF object by clang or a nightly Rust with
//! `bpf-linker`, which the machines synack is built on do not have; the programs here are
//! a few dozen instructions, assembled at run time with the tracepoints' field offsets read
//! from tracefs (no BTF needed).

use std::collections::HashMap;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// Registers: `R0` results, `R1`..`R5` arguments (clobbered by calls), `R6`..`R9` kept
/// across calls, `R10` the frame pointer (read only).
pub const R0: u8 = 0;
/// First argument; the context on entry.
pub const R1: u8 = 1;
/// Second argument.
pub const R2: u8 = 2;
/// Third argument.
pub const R3: u8 = 3;
/// Fourth argument.
pub const R4: u8 = 4;
/// Kept across calls.
pub const R6: u8 = 6;
/// Kept across calls.
pub const R7: u8 = 7;
/// Kept across calls.
pub const R8: u8 = 8;
/// Kept across calls.
pub const R9: u8 = 9;
/// The frame pointer: 512 bytes of stack below it.
pub const R10: u8 = 10;

/// Kernel helpers the programs call (`enum bpf_func_id`).
pub mod helper {
    /// `bpf_map_lookup_elem(map, key)`: a pointer to the value or null.
    pub const MAP_LOOKUP_ELEM: i32 = 1;
    /// `bpf_map_update_elem(map, key, value, flags)`.
    pub const MAP_UPDATE_ELEM: i32 = 2;
    /// `bpf_map_delete_elem(map, key)`.
    pub const MAP_DELETE_ELEM: i32 = 3;
    /// `bpf_ktime_get_ns()`: `CLOCK_MONOTONIC`.
    pub const KTIME_GET_NS: i32 = 5;
    /// `bpf_get_current_pid_tgid()`: tgid in the high 32 bits, tid in the low.
    pub const GET_CURRENT_PID_TGID: i32 = 14;
    /// `bpf_probe_read_user(dst, size, user_src)`: 0, or negative with `dst` zeroed.
    pub const PROBE_READ_USER: i32 = 112;
    /// `bpf_ringbuf_reserve(ringbuf, size, flags)`: room for a record or null.
    pub const RINGBUF_RESERVE: i32 = 131;
    /// `bpf_ringbuf_submit(record, flags)`.
    pub const RINGBUF_SUBMIT: i32 = 132;
}

/// Conditional jumps (`BPF_JMP` operations).
#[derive(Debug, Clone, Copy)]
pub enum Cmp {
    /// `==`
    Eq = 0x10,
    /// unsigned `>`
    Gt = 0x20,
    /// `!=`
    Ne = 0x50,
    /// signed `>`
    Sgt = 0x60,
}

/// Access sizes.
#[derive(Debug, Clone, Copy)]
pub enum Size {
    /// 4 bytes.
    W = 0x00,
    /// 8 bytes.
    Dw = 0x18,
}

/// One `struct bpf_insn`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insn {
    code: u8,
    /// `dst` in the low four bits, `src` in the high four.
    regs: u8,
    off: i16,
    imm: i32,
}

const CLASS_LD: u8 = 0x00;
const CLASS_LDX: u8 = 0x01;
const CLASS_STX: u8 = 0x03;
const CLASS_JMP: u8 = 0x05;
const CLASS_ALU64: u8 = 0x07;
const MODE_MEM: u8 = 0x60;
const MODE_ATOMIC: u8 = 0xc0;
const SRC_X: u8 = 0x08;
const OP_ADD: u8 = 0x00;
const OP_RSH: u8 = 0x70;
const OP_MOV: u8 = 0xb0;
const OP_CALL: u8 = 0x80;
const OP_EXIT: u8 = 0x90;
const OP_JA: u8 = 0x00;
/// `src` of a 64-bit immediate load that names a map by descriptor.
const PSEUDO_MAP_FD: u8 = 1;

/// An assembler: instructions appended in order, jumps to named labels resolved by
/// [`Asm::finish`].
#[derive(Debug, Default)]
pub struct Asm {
    insns: Vec<Insn>,
    labels: HashMap<&'static str, usize>,
    jumps: Vec<(usize, &'static str)>,
}

impl Asm {
    fn push(&mut self, code: u8, dst: u8, src: u8, off: i16, imm: i32) -> &mut Self {
        self.insns.push(Insn {
            code,
            regs: (src << 4) | (dst & 0x0f),
            off,
            imm,
        });
        self
    }

    /// `dst = src`.
    pub fn mov(&mut self, dst: u8, src: u8) -> &mut Self {
        self.push(CLASS_ALU64 | OP_MOV | SRC_X, dst, src, 0, 0)
    }

    /// `dst = imm` (sign-extended).
    pub fn mov_imm(&mut self, dst: u8, imm: i32) -> &mut Self {
        self.push(CLASS_ALU64 | OP_MOV, dst, 0, 0, imm)
    }

    /// `dst += imm`.
    pub fn add_imm(&mut self, dst: u8, imm: i32) -> &mut Self {
        self.push(CLASS_ALU64 | OP_ADD, dst, 0, 0, imm)
    }

    /// `dst >>= imm` (logical).
    pub fn rsh_imm(&mut self, dst: u8, imm: i32) -> &mut Self {
        self.push(CLASS_ALU64 | OP_RSH, dst, 0, 0, imm)
    }

    /// `dst = *(size *)(src + off)`.
    pub fn load(&mut self, size: Size, dst: u8, src: u8, off: i16) -> &mut Self {
        self.push(CLASS_LDX | MODE_MEM | size as u8, dst, src, off, 0)
    }

    /// `*(size *)(dst + off) = src`.
    pub fn store(&mut self, size: Size, dst: u8, off: i16, src: u8) -> &mut Self {
        self.push(CLASS_STX | MODE_MEM | size as u8, dst, src, off, 0)
    }

    /// `*(u64 *)(dst + off) += src`, atomically.
    pub fn atomic_add(&mut self, dst: u8, off: i16, src: u8) -> &mut Self {
        self.push(
            CLASS_STX | MODE_ATOMIC | Size::Dw as u8,
            dst,
            src,
            off,
            OP_ADD as i32,
        )
    }

    /// `dst = &map` (a map named by its descriptor, bound at load time).
    pub fn load_map(&mut self, dst: u8, map: &Map) -> &mut Self {
        self.push(
            CLASS_LD | Size::Dw as u8,
            dst,
            PSEUDO_MAP_FD,
            0,
            map.fd.as_raw_fd(),
        )
        .push(0, 0, 0, 0, 0)
    }

    /// Calls a kernel helper (arguments in `R1`..`R5`, result in `R0`).
    pub fn call(&mut self, helper: i32) -> &mut Self {
        self.push(CLASS_JMP | OP_CALL, 0, 0, 0, helper)
    }

    /// Returns `R0`.
    pub fn exit(&mut self) -> &mut Self {
        self.push(CLASS_JMP | OP_EXIT, 0, 0, 0, 0)
    }

    /// `if dst <cmp> imm goto label`.
    pub fn jump_if(&mut self, cmp: Cmp, dst: u8, imm: i32, label: &'static str) -> &mut Self {
        self.jumps.push((self.insns.len(), label));
        self.push(CLASS_JMP | cmp as u8, dst, 0, 0, imm)
    }

    /// `goto label`.
    pub fn jump(&mut self, label: &'static str) -> &mut Self {
        self.jumps.push((self.insns.len(), label));
        self.push(CLASS_JMP | OP_JA, 0, 0, 0, 0)
    }

    /// `dst = R10 + off`: a pointer into the stack.
    pub fn stack_ptr(&mut self, dst: u8, off: i16) -> &mut Self {
        self.mov(dst, R10).add_imm(dst, i32::from(off))
    }

    /// `R0 = bpf_map_lookup_elem(map, stack + key)`.
    pub fn map_lookup(&mut self, map: &Map, key: i16) -> &mut Self {
        self.load_map(R1, map)
            .stack_ptr(R2, key)
            .call(helper::MAP_LOOKUP_ELEM)
    }

    /// `bpf_map_update_elem(map, stack + key, stack + value, BPF_ANY)`.
    pub fn map_update(&mut self, map: &Map, key: i16, value: i16) -> &mut Self {
        self.load_map(R1, map)
            .stack_ptr(R2, key)
            .stack_ptr(R3, value)
            .mov_imm(R4, 0)
            .call(helper::MAP_UPDATE_ELEM)
    }

    /// `bpf_map_delete_elem(map, stack + key)`.
    pub fn map_delete(&mut self, map: &Map, key: i16) -> &mut Self {
        self.load_map(R1, map)
            .stack_ptr(R2, key)
            .call(helper::MAP_DELETE_ELEM)
    }

    /// `return 0`.
    pub fn return_zero(&mut self) -> &mut Self {
        self.mov_imm(R0, 0).exit()
    }

    /// Names the next instruction.
    pub fn label(&mut self, name: &'static str) -> &mut Self {
        self.labels.insert(name, self.insns.len());
        self
    }

    /// The program, with every jump pointed at its label.
    pub fn finish(&self) -> Result<Vec<Insn>, String> {
        let mut out = self.insns.clone();
        for &(at, name) in &self.jumps {
            let to = *self
                .labels
                .get(name)
                .ok_or_else(|| format!("eBPF: no label {name}"))?;
            let off = to as i64 - at as i64 - 1;
            out[at].off = i16::try_from(off).map_err(|_| "eBPF: jump too far".to_owned())?;
        }
        Ok(out)
    }
}

/// `bpf(2)` with an attribute block of 128 bytes (zero beyond the fields a command reads,
/// as the kernel requires).
fn bpf(cmd: i32, attr: &mut [u64; 16]) -> Result<i64, String> {
    // SAFETY: attr is a valid, zero-padded union bpf_attr of the size given; pointers in it
    // point at memory that outlives the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            cmd,
            attr.as_mut_ptr(),
            std::mem::size_of_val(attr),
        )
    };
    if rc < 0 {
        Err(super::kcount::last_os_error())
    } else {
        Ok(rc)
    }
}

/// Writes a `u32` at byte `at` of an attribute block.
fn put_u32(attr: &mut [u64; 16], at: usize, v: u32) {
    let word = &mut attr[at / 8];
    let mut bytes = word.to_ne_bytes();
    bytes[at % 8..at % 8 + 4].copy_from_slice(&v.to_ne_bytes());
    *word = u64::from_ne_bytes(bytes);
}

const CMD_MAP_CREATE: i32 = 0;
const CMD_MAP_LOOKUP_ELEM: i32 = 1;
const CMD_MAP_UPDATE_ELEM: i32 = 2;
const CMD_MAP_GET_NEXT_KEY: i32 = 4;
const CMD_PROG_LOAD: i32 = 5;

/// Map kinds (`enum bpf_map_type`).
#[derive(Debug, Clone, Copy)]
pub enum MapKind {
    /// A hash table.
    Hash = 1,
    /// A fixed array, indexed by a `u32`.
    Array = 2,
    /// A hash table that evicts its least recently used entry when full.
    LruHash = 9,
    /// A ring buffer shared by every processor, read from user space.
    RingBuf = 27,
}

/// A map: kernel memory shared by the programs and this process.
#[derive(Debug)]
pub struct Map {
    fd: OwnedFd,
}

impl Map {
    /// Creates a map (`key`, `value` bytes; ring buffers take 0, 0 and their size).
    pub fn create(kind: MapKind, key: u32, value: u32, entries: u32) -> Result<Map, String> {
        let mut attr = [0u64; 16];
        put_u32(&mut attr, 0, kind as u32);
        put_u32(&mut attr, 4, key);
        put_u32(&mut attr, 8, value);
        put_u32(&mut attr, 12, entries);
        let fd = bpf(CMD_MAP_CREATE, &mut attr)?;
        // SAFETY: a new descriptor the kernel just gave us.
        Ok(Map {
            fd: unsafe { OwnedFd::from_raw_fd(fd as RawFd) },
        })
    }

    /// Sets `key` to `value`.
    pub fn update(&self, key: &[u8], value: &[u8]) -> Result<(), String> {
        let mut attr = [0u64; 16];
        put_u32(&mut attr, 0, self.fd.as_raw_fd() as u32);
        attr[1] = key.as_ptr() as u64;
        attr[2] = value.as_ptr() as u64;
        bpf(CMD_MAP_UPDATE_ELEM, &mut attr).map(|_| ())
    }

    /// Reads `key`'s value into `value`; false when the key is absent.
    pub fn lookup(&self, key: &[u8], value: &mut [u8]) -> bool {
        let mut attr = [0u64; 16];
        put_u32(&mut attr, 0, self.fd.as_raw_fd() as u32);
        attr[1] = key.as_ptr() as u64;
        attr[2] = value.as_mut_ptr() as u64;
        bpf(CMD_MAP_LOOKUP_ELEM, &mut attr).is_ok()
    }

    /// The key after `key` (the first key when `None`) into `next`; false at the end.
    pub fn next_key(&self, key: Option<&[u8]>, next: &mut [u8]) -> bool {
        let mut attr = [0u64; 16];
        put_u32(&mut attr, 0, self.fd.as_raw_fd() as u32);
        attr[1] = key.map_or(0, |k| k.as_ptr() as u64);
        attr[2] = next.as_mut_ptr() as u64;
        bpf(CMD_MAP_GET_NEXT_KEY, &mut attr).is_ok()
    }
}

/// Loads a tracepoint program; on refusal, the verifier's last words say why.
pub fn load_tracepoint_program(insns: &[Insn]) -> Result<OwnedFd, String> {
    const PROG_TYPE_TRACEPOINT: u32 = 5;
    // The helpers that read user memory are for GPL-compatible programs only.
    let license = c"Dual MIT/GPL";
    let mut log = vec![0u8; 64 * 1024];
    let mut attr = [0u64; 16];
    put_u32(&mut attr, 0, PROG_TYPE_TRACEPOINT);
    put_u32(&mut attr, 4, insns.len() as u32);
    attr[1] = insns.as_ptr() as u64;
    attr[2] = license.as_ptr() as u64;
    put_u32(&mut attr, 24, 1);
    put_u32(&mut attr, 28, log.len() as u32);
    attr[4] = log.as_mut_ptr() as u64;
    match bpf(CMD_PROG_LOAD, &mut attr) {
        // SAFETY: a new descriptor the kernel just gave us.
        Ok(fd) => Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) }),
        Err(e) => {
            let end = log.iter().position(|&b| b == 0).unwrap_or(log.len());
            let text = String::from_utf8_lossy(&log[..end]);
            let last: Vec<&str> = text.lines().rev().take(3).collect();
            Err(format!(
                "eBPF program refused: {e}: {}",
                last.into_iter().rev().collect::<Vec<_>>().join(" | ")
            ))
        }
    }
}

/// Runs `program` at every hit of tracepoint `id` (any process, any processor) until the
/// returned descriptor is closed.
pub fn attach_tracepoint(id: u32, program: &OwnedFd) -> Result<OwnedFd, String> {
    const PERF_EVENT_IOC_SET_BPF: libc::c_ulong = 0x4004_2408;
    const PERF_EVENT_IOC_ENABLE: libc::c_ulong = 0x2400;
    let event = super::kcount::open_tracepoint_event(id)?;
    // SAFETY: ioctls on our own perf event with our own program's descriptor.
    unsafe {
        if libc::ioctl(
            event.as_raw_fd(),
            PERF_EVENT_IOC_SET_BPF,
            program.as_raw_fd(),
        ) != 0
            || libc::ioctl(event.as_raw_fd(), PERF_EVENT_IOC_ENABLE, 0) != 0
        {
            return Err(format!(
                "attaching an eBPF program: {}",
                super::kcount::last_os_error()
            ));
        }
    }
    Ok(event)
}

/// A `BPF_MAP_TYPE_RINGBUF` mapped into this process: records are read in the order they
/// were reserved, across all processors.
#[derive(Debug)]
pub struct RingReader {
    map: Map,
    consumer: *mut u8,
    producer: *mut u8,
    size: usize,
}

// SAFETY: the mappings are only used through &mut self; valid until Drop unmaps them.
unsafe impl Send for RingReader {}

const RINGBUF_BUSY: u32 = 1 << 31;
const RINGBUF_DISCARD: u32 = 1 << 30;
const RINGBUF_HEADER: usize = 8;

impl RingReader {
    /// Creates a ring buffer of `size` bytes (a power of two, whole pages) and maps it.
    pub fn create(size: u32) -> Result<RingReader, String> {
        let map = Map::create(MapKind::RingBuf, 0, 0, size)?;
        let page = super::kcount::page_size();
        let fd = map.fd.as_raw_fd();
        // SAFETY: mapping the ring buffer's pages as the kernel lays them out: the
        // consumer's position (writable), then the producer's position and the data twice
        // over (read only).
        let (consumer, producer) = unsafe {
            let c = libc::mmap(
                std::ptr::null_mut(),
                page,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd,
                0,
            );
            let p = libc::mmap(
                std::ptr::null_mut(),
                page + 2 * size as usize,
                libc::PROT_READ,
                libc::MAP_SHARED,
                fd,
                page as libc::off_t,
            );
            (c, p)
        };
        if consumer == libc::MAP_FAILED || producer == libc::MAP_FAILED {
            let e = super::kcount::last_os_error();
            // SAFETY: unmapping what was mapped.
            unsafe {
                if consumer != libc::MAP_FAILED {
                    libc::munmap(consumer, page);
                }
                if producer != libc::MAP_FAILED {
                    libc::munmap(producer, page + 2 * size as usize);
                }
            }
            return Err(format!("mapping the eBPF ring buffer: {e}"));
        }
        Ok(RingReader {
            map,
            consumer: consumer.cast(),
            producer: producer.cast(),
            size: size as usize,
        })
    }

    /// The map, for programs to write into.
    pub fn map(&self) -> &Map {
        &self.map
    }

    /// Hands every complete record to `each`, in order, and frees their room.
    pub fn drain(&mut self, each: &mut dyn FnMut(&[u8])) {
        use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
        let page = super::kcount::page_size();
        // SAFETY: the positions are u64s at the start of their pages and the lengths u32s
        // at 8-byte aligned places in the data area, written by the kernel (acquire) and,
        // for the consumer's position, by us (release): the ring buffer's protocol. The
        // data area is mapped twice in a row, so a record is contiguous.
        unsafe {
            let consumer = &*(self.consumer as *const AtomicU64);
            let producer = &*(self.producer as *const AtomicU64);
            let data = self.producer.add(page);
            let mut at = consumer.load(Ordering::Acquire);
            let end = producer.load(Ordering::Acquire);
            while at < end {
                let header = data.add(at as usize & (self.size - 1));
                let len = (*(header as *const AtomicU32)).load(Ordering::Acquire);
                if len & RINGBUF_BUSY != 0 {
                    break;
                }
                let body = (len & !(RINGBUF_BUSY | RINGBUF_DISCARD)) as usize;
                if len & RINGBUF_DISCARD == 0 {
                    each(std::slice::from_raw_parts(header.add(RINGBUF_HEADER), body));
                }
                at += ((body + RINGBUF_HEADER + 7) & !7) as u64;
                consumer.store(at, Ordering::Release);
            }
        }
    }
}

impl Drop for RingReader {
    fn drop(&mut self) {
        let page = super::kcount::page_size();
        // SAFETY: unmapping the mappings made in create.
        unsafe {
            libc::munmap(self.consumer.cast(), page);
            libc::munmap(self.producer.cast(), page + 2 * self.size);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jumps_land_on_their_labels() {
        let mut a = Asm::default();
        a.mov_imm(R0, 0)
            .jump_if(Cmp::Eq, R0, 0, "out")
            .mov_imm(R0, 1)
            .jump("out")
            .label("out")
            .exit();
        let p = a.finish().unwrap();
        assert_eq!(p.len(), 5);
        assert_eq!(p[1].off, 2, "from 1 over 2 and 3 to 4");
        assert_eq!(p[3].off, 0, "to the very next instruction");
        assert_eq!(p[1].code, 0x15, "jeq with an immediate");
        assert_eq!(p[4].code, 0x95, "exit");
        let mut missing = Asm::default();
        missing.jump("nowhere");
        assert!(missing.finish().is_err());
    }

    #[test]
    fn registers_and_offsets_are_encoded_as_the_kernel_reads_them() {
        let mut a = Asm::default();
        a.store(Size::Dw, R10, -8, R7)
            .load(Size::W, R1, R6, 8)
            .atomic_add(R0, 0, R1);
        let p = a.finish().unwrap();
        assert_eq!((p[0].code, p[0].regs, p[0].off), (0x7b, 0x7a, -8));
        assert_eq!((p[1].code, p[1].regs, p[1].off), (0x61, 0x61, 8));
        assert_eq!((p[2].code, p[2].regs, p[2].imm), (0xdb, 0x10, 0));
    }

    #[test]
    fn a_u32_lands_in_its_bytes_of_the_attribute_block() {
        let mut attr = [0u64; 16];
        put_u32(&mut attr, 12, 0xa1b2_c3d4);
        let bytes: Vec<u8> = attr[1].to_ne_bytes().to_vec();
        assert_eq!(bytes[4..8], 0xa1b2_c3d4u32.to_ne_bytes());
        assert_eq!(bytes[0..4], [0, 0, 0, 0]);
    }
}
