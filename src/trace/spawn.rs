//! Starting a program under the tracer: the child joins its network namespace, asks to be
//! traced (`PTRACE_TRACEME`) and installs the seccomp filter, then `exec`s the program,
//! which stops at once; the tracer sets its options and lets it run.

use std::ffi::OsString;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use nix::sys::ptrace::{self, Options};
use nix::sys::signal::Signal;
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;
use seccompiler::BpfProgram;

/// Where a program's standard input comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// synack's own standard input (an interactive client reads the terminal).
    Inherit,
    /// Nothing (`/dev/null`).
    Null,
    /// A file (`--input FILE`).
    File(PathBuf),
}

/// One program to run under the tracer.
#[derive(Debug, Clone)]
pub struct Program {
    /// Its name in the calls trace: `server`, `client`, `client2`, `program`.
    pub actor: String,
    /// The command and its arguments (`argv[0]` is looked up in `PATH`).
    pub argv: Vec<OsString>,
    /// Standard input.
    pub input: Input,
    /// Send its standard output to synack's standard error (so that synack's own standard
    /// output stays machine-readable with `--json`).
    pub stdout_to_stderr: bool,
    /// The network namespace to run it in (`None`: synack's own).
    pub netns: Option<Arc<OwnedFd>>,
    /// Extra environment variables.
    pub env: Vec<(OsString, OsString)>,
    /// The folder it runs in (`None`: synack's own).
    pub cwd: Option<PathBuf>,
    /// Where its standard output and error go (`None`: synack's; the desktop view gives
    /// each program a pipe of its own and shows what comes out).
    pub output: Option<Arc<OwnedFd>>,
}

impl Program {
    /// A program named `actor` running `argv` with synack's stdin and stdout.
    pub fn new(actor: &str, argv: Vec<OsString>) -> Program {
        Program {
            actor: actor.to_owned(),
            argv,
            input: Input::Inherit,
            stdout_to_stderr: false,
            netns: None,
            env: Vec::new(),
            cwd: None,
            output: None,
        }
    }

    /// The command line as the user would type it (for messages).
    pub fn command_line(&self) -> String {
        self.argv
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Where `program` would be run from, or why it cannot be (the message a shell would give,
/// with the command's name).
pub fn resolve(program: &OsString) -> Result<PathBuf, String> {
    let name = Path::new(program);
    let executable = |p: &Path| {
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if name.as_os_str().is_empty() {
        return Err("empty command".into());
    }
    if name.components().count() > 1 || program.to_string_lossy().contains('/') {
        if !name.exists() {
            return Err(format!("{}: no such file", name.display()));
        }
        if !executable(name) {
            return Err(format!("{}: not an executable file", name.display()));
        }
        return Ok(name.to_path_buf());
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| executable(p))
        .ok_or_else(|| format!("{}: command not found (searched PATH)", name.display()))
}

/// The options every tracee gets: follow forks, vforks, clones and execs, report seccomp
/// stops, mark syscall stops, and kill the tracees if the tracer dies.
pub fn trace_options() -> Options {
    Options::PTRACE_O_TRACESYSGOOD
        | Options::PTRACE_O_TRACEFORK
        | Options::PTRACE_O_TRACEVFORK
        | Options::PTRACE_O_TRACECLONE
        | Options::PTRACE_O_TRACEEXEC
        | Options::PTRACE_O_TRACESECCOMP
        | Options::PTRACE_O_EXITKILL
}

/// Starts `p` traced and filtered, and returns its pid once it has stopped at its `exec`
/// and the trace options are set (the caller continues it). Must be called on the tracer's
/// thread: ptrace requests come from the thread the tracee was started by.
pub fn spawn(p: &Program, filter: &Arc<BpfProgram>) -> Result<i32, String> {
    let Some(argv0) = p.argv.first() else {
        return Err("empty command".into());
    };
    let exe = resolve(argv0)?;
    let mut cmd = Command::new(exe);
    cmd.arg0(argv0).args(&p.argv[1..]);
    for (k, v) in &p.env {
        cmd.env(k, v);
    }
    match &p.input {
        Input::Inherit => {}
        Input::Null => {
            cmd.stdin(Stdio::null());
        }
        Input::File(path) => {
            let f = std::fs::File::open(path)
                .map_err(|e| format!("--input {}: {e}", path.display()))?;
            cmd.stdin(f);
        }
    }
    if let Some(dir) = &p.cwd {
        cmd.current_dir(dir);
    }
    if let Some(out) = &p.output {
        let copy = || out.try_clone().map_err(|e| e.to_string());
        cmd.stdout(copy()?).stderr(copy()?);
    } else if p.stdout_to_stderr {
        let err = std::io::stderr()
            .as_fd()
            .try_clone_to_owned()
            .map_err(|e| e.to_string())?;
        cmd.stdout(err);
    }
    let ns = p.netns.as_ref().map(|f| f.as_raw_fd());
    let filter = filter.clone();
    // SAFETY: the closure runs in the forked child before exec and only makes system calls
    // (setns, ptrace, prctl, seccomp); it allocates nothing and touches no lock.
    unsafe {
        cmd.pre_exec(move || {
            if let Some(fd) = ns {
                if libc::setns(fd, libc::CLONE_NEWNET) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            if libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            seccompiler::apply_filter(&filter)
                .map_err(|_| std::io::Error::from_raw_os_error(libc::EPERM))
        });
    }
    let child = cmd
        .spawn()
        .map_err(|e| format!("{}: {e}", argv0.to_string_lossy()))?;
    let pid = Pid::from_raw(child.id() as i32);
    // The child stops with SIGTRAP right after its exec.
    loop {
        match waitpid(pid, Some(WaitPidFlag::__WALL)) {
            Ok(WaitStatus::Stopped(_, Signal::SIGTRAP)) => break,
            Ok(WaitStatus::Stopped(_, sig)) => {
                let _ = ptrace::cont(pid, sig);
            }
            Ok(WaitStatus::Exited(_, code)) => {
                return Err(format!(
                    "{}: exited with status {code} before it started",
                    argv0.to_string_lossy()
                ))
            }
            Ok(WaitStatus::Signaled(_, sig, _)) => {
                return Err(format!(
                    "{}: killed by {sig} before it started",
                    argv0.to_string_lossy()
                ))
            }
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(format!("waiting for {}: {e}", argv0.to_string_lossy())),
        }
    }
    ptrace::setoptions(pid, trace_options()).map_err(|e| format!("ptrace options: {e}"))?;
    Ok(pid.as_raw())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_resolved_with_clear_errors() {
        assert!(resolve(&"sh".into()).is_ok());
        let e = resolve(&"no-such-command-synack".into()).unwrap_err();
        assert!(e.contains("command not found"), "{e}");
        let e = resolve(&"/no/such/file".into()).unwrap_err();
        assert!(e.contains("no such file"), "{e}");
        let plain = std::env::temp_dir().join(format!("synack-plain-{}", std::process::id()));
        std::fs::write(&plain, "text").unwrap();
        std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = resolve(&plain.clone().into_os_string()).unwrap_err();
        std::fs::remove_file(&plain).unwrap();
        assert!(e.contains("not an executable"), "{e}");
    }
}
