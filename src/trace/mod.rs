//! Tracing a program's socket calls: `synack run`'s view of what the program did.
//!
//! A capture shows segments; a learner also needs the program's side: which `send()` became
//! which segment, what each `recv()` returned, when `select` said a socket was ready. This
//! module runs programs under `ptrace` with a seccomp filter that stops them only on
//! network-relevant system calls ([`syscalls`]), reads each call's arguments, data and
//! result from the stopped program ([`tracee`]), keeps track of which descriptors are
//! sockets and how many bytes each socket moved ([`sockets`]), and reports every call as a
//! [`TracedCall`] with the time it was entered and returned on the capture's clock
//! ([`tracer`]). The calls a program makes thousands of times a second — `read`, `write`,
//! `send()`, `recv()` — are recorded, where the kernel allows it (root), by a small eBPF
//! program at their system-call tracepoints, without stopping the program ([`kcount`]).
//!
//! Why ptrace with seccomp, and not the alternatives:
//! - `LD_PRELOAD` wrappers miss statically linked programs (Go, `cc -static`) and calls made
//!   by raw `syscall` instructions, which are exactly what some students' programs are;
//! - eBPF alone needs root (or CAP_BPF and CAP_PERFMON), and reading `sendmsg`'s scattered
//!   buffers, `select`'s sets or a `connect`'s address from a tracepoint needs a program per
//!   call shape; ptrace reads any call's memory, works for a user without privileges (in a
//!   user namespace), and on any kernel with seccomp. eBPF is used only for the four data
//!   calls whose arguments are flat, and only as a faster path: where it is refused, they
//!   stop the program like every other call;
//! - plain ptrace (`PTRACE_SYSCALL`, what strace did for decades) stops the program twice on
//!   *every* system call; with a seccomp filter returning `SECCOMP_RET_TRACE` only the
//!   network calls stop it (and `read`/`write`/`close`, let go at once unless the descriptor
//!   is a socket), so the program runs at nearly full speed between them.
//!
//! Works for any Linux program on x86_64 (and aarch64): dynamically or statically linked,
//! threaded, forking. Not traced: 32-bit programs on x86_64, `io_uring`, `splice`, and
//! sockets received from outside over a Unix socket before their first traced use.

pub mod bpf;
pub mod event;
pub mod kcount;
pub mod sockets;
pub mod spawn;
pub mod syscalls;
pub mod tracee;
pub mod tracer;

/// The tracer's tables (threads, descriptors, sockets), looked up at every call: a fast
/// hash rather than SipHash, whose resistance to chosen keys the kernel's own ids do not
/// need.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

pub use event::{errno_name, ProgramExit, Proto, Ready, Report, SockView, TracedCall};
pub use spawn::{Input, Program};
pub use syscalls::Sys;
pub use tracer::{run, Control, Outcome, Plan};
