//! `synack gen` on the command line: listing, writing, errors, unprivileged runs, Ctrl-C.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::synack as run;
use synack::calls::CallTrace;
use synack::gen::Scenario;

mod support;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("synack-gen-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

#[test]
fn list_shows_every_scenario_with_its_lesson_and_modes() {
    let out = run(&["gen", "--list"]);
    let text = out.ok();
    assert_eq!(text.lines().count(), Scenario::ALL.len());
    for sc in Scenario::ALL {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(sc.name()))
            .unwrap_or_else(|| panic!("{sc} missing"));
        assert!(line.contains(sc.lesson()), "{line}");
        assert!(line.contains(sc.modes()), "{line}");
        assert_eq!(line.contains("synthetic"), sc.synthetic_capable(), "{line}");
    }
}

#[test]
fn synthetic_write_makes_a_capture_and_a_calls_trace() {
    let p = tmp("sticky.pcap");
    let path = p.to_str().unwrap();
    run(&[
        "gen",
        "sticky",
        "--synthetic",
        "--seed",
        "7",
        "--write",
        path,
    ])
    .ok();
    assert!(run(&["read", path]).ok().lines().count() > 5);
    let trace =
        CallTrace::read_json(std::fs::File::open(synack::calls::calls_path(&p)).unwrap()).unwrap();
    assert_eq!(trace.scenario, "sticky");
    assert_eq!(trace.seed, Some(7));
}

#[test]
fn unknown_scenario_and_bad_loss_are_usage_errors() {
    let out = run(&["gen", "nosuch", "--synthetic"]);
    assert_ne!(out.code, Some(0));
    assert!(out.stderr.contains("synack gen --list"));
    let out = run(&["gen", "loss", "--synthetic", "--loss", "300"]);
    assert_ne!(out.code, Some(0));
}

#[test]
fn flood_writes_exactly_the_frames_asked_for() {
    let p = tmp("flood.pcap");
    let path = p.to_str().unwrap();
    let args = ["--connections", "30", "--packets", "20000", "--write", path];
    let out = run(&[&["gen", "flood", "--synthetic"][..], &args].concat());
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(run(&["read", path]).text().lines().count(), 20000);
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn unprivileged_live_run_explains_and_still_runs() {
    if !is_root() || Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("SKIPPED: needs root (to drop to nobody) and setpriv");
        return;
    }
    let dir = std::env::temp_dir().join(format!("synack-gen-nobody-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    Command::new("chmod").arg("777").arg(&dir).status().unwrap();
    // The test binary may sit under a root-only directory: copy it somewhere nobody can run.
    let exe = dir.join("synack");
    std::fs::copy(env!("CARGO_BIN_EXE_synack"), &exe).unwrap();
    Command::new("chmod").arg("755").arg(&exe).status().unwrap();
    let p = dir.join("sticky.pcap");
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&exe)
        .args(["gen", "sticky", "--write"])
        .arg(&p)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    // The lesson ran (its calls trace is written) but the capture asked for was not: exit
    // 1 and say so, rather than 0 as if FILE had been written.
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("setcap") && err.contains("tcpdump"), "{err}");
    assert!(err.contains("was not written"), "{err}");
    assert!(!p.exists(), "no capture without permission");
    let trace =
        CallTrace::read_json(std::fs::File::open(synack::calls::calls_path(&p)).unwrap()).unwrap();
    assert!(trace
        .calls
        .iter()
        .any(|c| c.call == synack::calls::CallKind::Send));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ctrl_c_during_netns_run_removes_the_namespaces() {
    if !synack::gen::netns::available() {
        eprintln!("SKIPPED: --netns needs root with ip and nft");
        return;
    }
    let child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["gen", "keep-alive", "--netns"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let prefix = format!("synack-gen-{pid}x");
    let ours = || {
        let out = Command::new("ip").args(["netns", "list"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with(&prefix))
            .count()
    };
    // Wait until the namespaces exist, then interrupt.
    let mut seen = false;
    for _ in 0..40 {
        std::thread::sleep(Duration::from_millis(50));
        if ours() == 3 {
            seen = true;
            break;
        }
    }
    assert!(seen, "the run created its namespaces");
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: signalling our own child by pid.
    unsafe { libc::kill(pid as i32, libc::SIGINT) };
    let status = child.wait_with_output().unwrap().status;
    assert_eq!(status.code(), Some(130));
    assert_eq!(ours(), 0, "namespaces left after Ctrl-C");
}
