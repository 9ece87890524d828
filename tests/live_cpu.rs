//! The window must not spin the CPU while a live capture waits for traffic: `synack view
//! --live lo` on an idle interface (a BPF filter no packet matches) is run under Xvfb, and its
//! CPU time over 10 s is read from `/proc/PID/stat` (user + system ticks). Needs root (live
//! capture) and `xvfb-run` (`apt-get install xvfb`); skipped with the reason printed
//! otherwise. What Stop does (no repaint asked at all afterwards) is checked in
//! tests/ui_habits.rs, driving the same window headless.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// User + system CPU ticks of process `pid` (fields 14 and 15 of `/proc/PID/stat`).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// The parent pid and command name of process `pid`.
fn parent_and_name(pid: u32) -> Option<(u32, String)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let name = stat[stat.find('(')? + 1..stat.rfind(')')?].to_string();
    let ppid = stat[stat.rfind(')')? + 2..]
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some((ppid, name))
}

/// The `synack` process started under `root` (xvfb-run runs it as its child).
fn synack_under(root: u32) -> Option<u32> {
    let mut wanted = vec![root];
    // Breadth-first over /proc: children of the processes found so far.
    for _ in 0..4 {
        let mut next = Vec::new();
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            if let Some((ppid, name)) = parent_and_name(pid) {
                if wanted.contains(&ppid) {
                    if name == "synack" {
                        return Some(pid);
                    }
                    next.push(pid);
                }
            }
        }
        wanted = next;
    }
    None
}

/// Kills the window and its X server when the test ends, whatever happens.
struct Session {
    xvfb_run: Child,
    synack: Option<u32>,
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(pid) = self.synack {
            // SAFETY: sending a signal to a process this test started.
            unsafe {
                libc::kill(pid as libc::pid_t, libc::SIGTERM);
            }
        }
        std::thread::sleep(Duration::from_millis(500));
        let _ = self.xvfb_run.kill();
        let _ = self.xvfb_run.wait();
    }
}

#[test]
fn an_idle_live_capture_stays_under_5_percent_cpu() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: live capture on lo needs root");
        return;
    }
    if Command::new("xvfb-run").arg("--help").output().is_err() {
        eprintln!("skipped: no xvfb-run (apt-get install xvfb) to give the window a display");
        return;
    }
    let xvfb_run = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1024x700x24"])
        .arg(env!("CARGO_BIN_EXE_synack"))
        // IP protocol 253 (reserved for experiments): the capture stays idle whatever runs on lo.
        .args(["view", "--live", "lo", "-f", "ip proto 253"])
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("xvfb-run starts");
    let mut session = Session {
        xvfb_run,
        synack: None,
    };
    let root = session.xvfb_run.id();
    for _ in 0..100 {
        session.synack = synack_under(root);
        if session.synack.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let pid = session.synack.expect("synack view started under xvfb-run");
    // The window opens, loads its fonts and draws its first frames.
    std::thread::sleep(Duration::from_secs(5));
    if let Ok(Some(status)) = session.xvfb_run.try_wait() {
        panic!("synack view --live lo ended early ({status})");
    }
    let before = cpu_ticks(pid).expect("the window is running");
    std::thread::sleep(Duration::from_secs(10));
    let after = cpu_ticks(pid).expect("the window is still running");
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let percent = (after - before) as f64 / per_second / 10.0 * 100.0;
    eprintln!("synack view --live lo, idle: {percent:.1} % CPU over 10 s");
    assert!(percent < 5.0, "{percent:.1} % CPU while idle");
}
