//! `synack gen` on the command line: listing, writing, errors, unprivileged runs, Ctrl-C.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::synack as run;
use synack::calls::{CallKind, CallTrace};
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
        .stderr(Stdio::piped())
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
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    assert_eq!(ours(), 0, "namespaces left after Ctrl-C");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("synack: interrupted: the run stops unfinished, nothing is saved; deleting its network namespaces (synack-gen-"),
        "{said}"
    );
}

#[test]
fn ctrl_c_during_a_synthetic_run_says_the_file_is_incomplete() {
    let file = tmp("interrupted.pcap");
    let child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["gen", "flood", "--synthetic", "--packets", "50000000", "-w"])
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once the file is being written.
    for _ in 0..100 {
        if std::fs::metadata(&file).is_ok_and(|m| m.len() > 0) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: signalling our own child by pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        said.trim_end(),
        format!(
            "synack gen: interrupted before `flood` ended; {} is incomplete",
            file.display()
        )
    );
    let _ = std::fs::remove_file(&file);
}

/// Per frame of `pcap` (by `synack read -T fields`): number, seconds since the first frame,
/// source port, relative sequence number, payload length.
fn segment_table(pcap: &str) -> Vec<(u64, f64, u16, u64, u64)> {
    let out = run(&[
        "read",
        pcap,
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "frame.time_relative",
        "-e",
        "tcp.srcport",
        "-e",
        "tcp.seq",
        "-e",
        "tcp.len",
    ]);
    out.ok()
        .lines()
        .filter_map(|l| {
            let v: Vec<&str> = l.split('\t').collect();
            Some((
                v[0].parse().ok()?,
                v[1].parse().ok()?,
                v[2].parse().ok()?,
                v[3].parse().ok()?,
                v[4].parse().ok()?,
            ))
        })
        .collect()
}

#[test]
fn gen_loss_netns_at_5_and_40_percent_finishes_with_retransmissions_and_a_timeout() {
    if !synack::gen::netns::available() {
        eprintln!("SKIPPED: --netns needs root with ip and nft");
        return;
    }
    for loss in ["5", "40"] {
        let file = tmp(&format!("loss-{loss}.pcap"));
        let f = file.to_string_lossy().into_owned();
        // Loss is random: at 40 % a run now and then stalls in backed-off timeouts past the
        // lesson's deadline, which synack reports as not finished; such a run is tried again.
        let mut gen = run(&["gen", "loss", "--netns", "--loss", loss, "-w", &f]);
        for attempt in 2..=3 {
            if gen.code == Some(0) || !gen.stderr.contains("did not finish") {
                break;
            }
            println!("--loss {loss}: the lesson did not finish in time, attempt {attempt}");
            gen = run(&["gen", "loss", "--netns", "--loss", loss, "-w", &f]);
        }
        assert_eq!(gen.code, Some(0), "--loss {loss}: {}", gen.stderr);
        let retransmissions: Vec<u64> = run(&[
            "read",
            &f,
            "-Y",
            "tcp.analysis.retransmission",
            "-T",
            "fields",
            "-e",
            "frame.number",
        ])
        .ok()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
        assert!(
            !retransmissions.is_empty(),
            "--loss {loss}: no tcp.analysis.retransmission frame"
        );
        // A retransmission timeout: a segment sent again at least Linux's minimum RTO
        // (200 ms) after its first transmission (a fast retransmission takes well under
        // a millisecond on this path), as the router's 100 ms outage forces.
        let table = segment_table(&f);
        let first_sent = |port: u16, seq: u64| {
            table
                .iter()
                .find(|s| s.2 == port && s.3 == seq && s.4 > 0)
                .map(|s| s.1)
        };
        let timeouts = retransmissions
            .iter()
            .filter_map(|n| table.iter().find(|s| s.0 == *n))
            .filter(|s| first_sent(s.2, s.3).is_some_and(|t0| s.1 - t0 >= 0.2))
            .count();
        assert!(
            timeouts >= 1,
            "--loss {loss}: {} retransmissions, none after a timeout",
            retransmissions.len()
        );
        println!(
            "--loss {loss}: {} retransmissions, {timeouts} of them after >= 200 ms",
            retransmissions.len()
        );
        // The calls trace holds the kernel's readings (1 ms apart) but not the thousands
        // that only repeat themselves during the timeouts' stalls: it was 11-20 MB at 40 %.
        let trace = std::fs::metadata(format!("{f}.calls.json")).map_or(0, |m| m.len());
        println!("--loss {loss}: calls trace {trace} bytes");
        assert!(
            (1..2_000_000).contains(&trace),
            "--loss {loss}: calls trace {trace} bytes"
        );
        for extra in [".calls.json", ".server.pcap"] {
            let _ = std::fs::remove_file(format!("{f}{extra}"));
        }
        let _ = std::fs::remove_file(&file);
    }
}

#[test]
fn gen_loss_netns_that_cannot_finish_stops_at_the_deadline_and_keeps_the_capture() {
    if !synack::gen::netns::available() {
        eprintln!("SKIPPED: --netns needs root with ip and nft");
        return;
    }
    // At 99 % almost nothing arrives: the run must stop by itself (the deadline), say why
    // and keep what it captured.
    let file = tmp("loss-99.pcap");
    let f = file.to_string_lossy().into_owned();
    let gen = run(&[
        "gen",
        "loss",
        "--netns",
        "--loss",
        "99",
        "--sample-ms",
        "0",
        "-w",
        &f,
    ]);
    assert_eq!(gen.code, Some(1), "{}", gen.stderr);
    let deadline = synack::gen::live::NETNS_DEADLINE.as_secs();
    assert!(
        gen.stderr.contains("`loss` (netns) did not finish")
            && gen
                .stderr
                .contains("made no progress before the run's deadline")
            && gen.stderr.contains(&format!(
                "loses too much for the lesson to end within {deadline} s"
            ))
            && gen
                .stderr
                .contains(&format!("captured until then are saved in {f}")),
        "{}",
        gen.stderr
    );
    assert!(!gen.stderr.contains("os error"), "{}", gen.stderr);
    // The partial capture is a readable pcap holding the handshake at least.
    let frames = segment_table(&f);
    assert!(frames.len() >= 3, "{} frames saved", frames.len());
    for extra in [".calls.json", ".server.pcap"] {
        let _ = std::fs::remove_file(format!("{f}{extra}"));
    }
    let _ = std::fs::remove_file(&file);
}

/// A live lesson records when each call was entered, and the ladder draws the calls that act
/// on the network (connect, send, close) at that moment: before the frames they made, by as
/// long as the kernel took, not pulled up to the frame as for a trace with only return times.
#[test]
fn a_live_lessons_calls_are_drawn_on_the_ladder_when_they_were_entered() {
    if !is_root() {
        eprintln!("SKIPPED: capturing a live lesson on lo needs root");
        return;
    }
    let p = tmp("echo-entered.pcap");
    let path = p.to_str().unwrap();
    run(&["gen", "echo", "--write", path]).ok();
    let trace =
        CallTrace::read_json(std::fs::File::open(synack::calls::calls_path(&p)).unwrap()).unwrap();
    let first_frame_ns = {
        use synack::capture::{FileReader, FrameSource};
        let mut r = FileReader::open(&p).unwrap();
        let f = r.next_frame().unwrap().unwrap();
        f.ts.unwrap().as_nanos()
    };
    // The client's calls that act, in order, with their entries on the ladder's clock.
    let acting = [
        (CallKind::Connect, "connect"),
        (CallKind::Send, "send"),
        (CallKind::Close, "close"),
    ];
    let entered: Vec<(&str, f64)> = trace
        .calls
        .iter()
        .filter(|c| c.actor == "client")
        .filter_map(|c| {
            let (_, name) = acting.iter().find(|(k, _)| *k == c.call)?;
            let t = c.t_enter_ns.expect("a live call has its entry time");
            assert!(t <= c.t_ns, "{c:?}");
            Some((*name, (t - first_frame_ns) as f64 / 1e9))
        })
        .collect();
    assert_eq!(entered.len(), 1 + 3 + 1, "{entered:?}");
    let out = run(&["ladder", path, "--json"]);
    let ladder = out.ok();
    let lines: Vec<serde_json::Value> = ladder
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let drawn: Vec<(&str, f64)> = lines
        .iter()
        .filter(|l| l["kind"] == "note" && l["end"] == "client")
        .filter_map(|l| {
            let call = l["text"].as_str()?.split(['(', ' ']).next()?;
            let (_, name) = acting.iter().find(|(_, name)| *name == call)?;
            Some((*name, l["t_s"].as_f64().unwrap()))
        })
        .collect();
    assert_eq!(drawn.len(), entered.len(), "{ladder}");
    for ((call, at), (drawn_call, drawn_at)) in entered.iter().zip(&drawn) {
        assert_eq!(call, drawn_call);
        assert!(
            (at - drawn_at).abs() < 1e-8,
            "{call} entered at {at} s, drawn at {drawn_at} s"
        );
    }
    // No send's segment is drawn leaving before the send was entered.
    let depart_of = |n: u64| {
        lines
            .iter()
            .find(|l| l["kind"] == "arrow" && l["frame"] == n)
            .and_then(|l| l["depart_s"].as_f64())
            .unwrap()
    };
    let mut sends = 0;
    for l in lines.iter().filter(|l| l["kind"] == "note") {
        let text = l["text"].as_str().unwrap();
        let Some((_, frame)) = text.split_once(") → frame ") else {
            continue;
        };
        sends += 1;
        let depart = depart_of(frame.parse().unwrap());
        assert!(
            l["t_s"].as_f64().unwrap() <= depart,
            "{text}: its frame leaves at {depart} s"
        );
    }
    assert_eq!(sends, 6, "{ladder}");
}
