//! The least any ptrace + seccomp tracer costs: the floor `benches/run_overhead.sh` puts next
//! to `synack run`'s figure.
//!
//! Usage: `ptrace_floor [--entry-only] CMD [ARGS...]`. Runs the command (and every process and thread it
//! starts) with `synack run`'s own seccomp filter, so exactly the same system calls stop it
//! (`SECCOMP_RET_TRACE`), and does only what any tracer of those calls must: at each
//! seccomp stop it reads the call (`PTRACE_GET_SYSCALL_INFO`, one request) and resumes with
//! `PTRACE_SYSCALL` to stop again at the call's exit, where it reads the result the same
//! way and lets the program go on. Nothing is recorded, no memory of the program is read, no
//! socket is looked up, no capture runs. Exits with the command's status.
//!
//! `--entry-only` skips the exit stop (one stop per call, as a tracer that gave up each
//! call's result and errno would): the least any ptrace design could cost.

#[cfg(target_os = "linux")]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    use std::sync::Arc;

    use nix::errno::Errno;
    use nix::sys::ptrace::{self, Event};
    use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
    use synack::trace::{spawn, syscalls, tracee, Program};

    let mut argv: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let entry_only = argv.first().is_some_and(|a| a == "--entry-only");
    if entry_only {
        argv.remove(0);
    }
    if argv.is_empty() {
        return Err("usage: ptrace_floor [--entry-only] CMD [ARGS...]".into());
    }
    let filter = Arc::new(syscalls::filter(false)?);
    let root = spawn::spawn(&Program::new("program", argv), &filter)?;
    ptrace::cont(nix::unistd::Pid::from_raw(root), None)?;
    let (mut stops, mut status) = (0u64, 0);
    loop {
        match waitpid(None::<nix::unistd::Pid>, Some(WaitPidFlag::__WALL)) {
            Ok(WaitStatus::Exited(pid, code)) if pid.as_raw() == root => status = code,
            Ok(WaitStatus::Signaled(pid, sig, _)) if pid.as_raw() == root => {
                status = 128 + sig as i32
            }
            Ok(WaitStatus::PtraceEvent(pid, _, event)) => {
                if event == Event::PTRACE_EVENT_SECCOMP as i32 {
                    stops += 1;
                    let _ = tracee::syscall_stop(pid.as_raw());
                    let _ = if entry_only {
                        ptrace::cont(pid, None)
                    } else {
                        ptrace::syscall(pid, None)
                    };
                } else {
                    let _ = ptrace::cont(pid, None);
                }
            }
            Ok(WaitStatus::PtraceSyscall(pid)) => {
                stops += 1;
                let _ = tracee::syscall_stop(pid.as_raw());
                let _ = ptrace::cont(pid, None);
            }
            // A new process or thread's first stop, or a signal for the program.
            Ok(WaitStatus::Stopped(pid, sig)) => {
                let sig = (sig != nix::sys::signal::Signal::SIGSTOP).then_some(sig);
                let _ = ptrace::cont(pid, sig);
            }
            Ok(_) | Err(Errno::EINTR) => {}
            Err(_) => break, // ECHILD: every traced process has ended
        }
    }
    eprintln!("ptrace_floor: {stops} stops");
    std::process::exit(status);
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("ptrace_floor needs Linux (ptrace and seccomp)");
    std::process::exit(2);
}
