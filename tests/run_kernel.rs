//! `synack run` reads the kernel's state of the programs' sockets while they run
//! (`tcp_info` in the calls trace), in the run's own namespaces: the isolated one (an
//! anonymous namespace, read through a descriptor) and the two hosts of `--net pair`.
//! Needs root (namespaces, ptrace, capture); skips with a printed reason otherwise.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// Sets congestion control cubic by name (TCP_CONGESTION: the system's default may be bbr,
/// whose window does not fall after a loss), sends `bytes` bytes to the server, then closes
/// (first: the client ends in TIME_WAIT).
const BULK_CLIENT: &str = "import os, socket, sys\n\
s = socket.socket()\n\
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b'cubic')\n\
s.connect((os.environ['SYNACK_SERVER'], 7001))\n\
s.sendall(b'x' * int(sys.argv[1]))\n\
s.close()\n";

struct Run {
    pcap: PathBuf,
    trace: Value,
    stderr: String,
}

impl Run {
    /// The readings of `actor`'s connection 1.
    fn readings(&self, actor: &str) -> Vec<&Value> {
        self.trace["tcp_info"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["actor"] == actor && s["conn"] == 1)
            .collect()
    }
}

/// `synack run -q -w DIR/run.pcap ARGS --server sink_server.py --client BULK_CLIENT bytes`.
fn run(name: &str, args: &[&str], bytes: u32) -> Run {
    let dir = std::env::temp_dir().join(format!("synack-run-kernel-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let client = dir.join("bulk_client.py");
    std::fs::write(&client, BULK_CLIENT).unwrap();
    let pcap = dir.join("run.pcap");
    let server = support::root().join("examples/course/sink_server.py");
    let mut a: Vec<String> = ["run", "-q", "--wait", "30", "--timeout", "60", "-w"]
        .map(String::from)
        .to_vec();
    a.push(pcap.display().to_string());
    a.extend(args.iter().map(|s| s.to_string()));
    a.extend([
        "--server".into(),
        format!("python3 {}", server.display()),
        "--client".into(),
        format!("python3 {} {bytes}", client.display()),
    ]);
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(&a)
        .env_remove("PYTHONUNBUFFERED")
        .stdin(Stdio::null())
        .output()
        .expect("the synack binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "synack run: {stderr}");
    let trace: Value =
        serde_json::from_slice(&std::fs::read(synack::calls::calls_path(&pcap)).unwrap())
            .expect("calls trace is JSON");
    Run {
        pcap,
        trace,
        stderr,
    }
}

/// The final states synack infers from the wire for the capture's first connection.
fn inferred_final_states(pcap: &Path) -> [String; 2] {
    let flows = support::synack(&["flows", pcap.to_str().unwrap(), "--json"]);
    let v: Value = support::json_lines(flows.ok())
        .into_iter()
        .find(|f| f["proto"] == "tcp" || f["final_states"].is_array())
        .expect("a TCP flow");
    let s = v["final_states"].as_array().expect("final states");
    [0, 1].map(|i| s[i].as_str().unwrap().to_string())
}

#[test]
fn an_isolated_run_reads_both_sides_and_their_last_states_are_synacks() {
    if let Some(why) = support::programs_cannot_run() {
        eprintln!("SKIPPED isolated run kernel readings: {why}");
        return;
    }
    let r = run("isolated", &[], 200_000);
    assert!(
        r.stderr.contains("kernel readings"),
        "the summary counts the readings: {}",
        r.stderr
    );
    let inferred = inferred_final_states(&r.pcap);
    for (actor, side) in [("client", 0), ("server", 1)] {
        let read = r.readings(actor);
        assert!(
            read.len() >= 3,
            "{} readings of the {actor}: {}",
            read.len(),
            r.stderr
        );
        // Once its last write returned, everything the client wrote is in its kernel:
        // acknowledged or still queued (its last readings before TIME_WAIT, which has no
        // tcp_info, may come before the rest leaves). The server's readings show what it
        // received, all of it before it read the end of the stream.
        // (The tcp_info fields are flattened into the reading.)
        let held = |s: &Value| {
            if actor == "client" {
                s["bytes_acked"]
                    .as_u64()?
                    .checked_add(s["wqueue"].as_u64()?)
            } else {
                s["bytes_received"].as_u64()
            }
        };
        let moved = read.iter().filter_map(|s| held(s)).max().unwrap_or(0);
        assert!(moved >= 200_000, "the {actor} moved {moved} bytes");
        let last = read.last().unwrap();
        assert_eq!(
            last["state"].as_str().unwrap(),
            inferred[side],
            "the {actor}'s last kernel state against synack's"
        );
    }
    assert_eq!(inferred[0], "TIME_WAIT", "the client closed first");
}

#[test]
fn a_lossy_pair_run_is_read_every_few_ms_and_the_window_falls_after_a_retransmission() {
    if let Some(why) = support::programs_cannot_run() {
        eprintln!("SKIPPED pair run kernel readings: {why}");
        return;
    }
    if Command::new("nft").arg("--version").output().is_err() {
        eprintln!("SKIPPED pair run kernel readings: needs nft");
        return;
    }
    // Loss is random: a run may need no repair; try a few.
    for attempt in 1..=4 {
        let r = run(
            "pair",
            &["--net", "pair", "--loss", "3", "--rate", "20"],
            600_000,
        );
        let client = r.readings("client");
        let info = |s: &Value, k: &str| s[k].as_u64();
        let sending: Vec<i64> = client
            .iter()
            .filter(|s| s["wqueue"].as_u64() > Some(0) || info(s, "unacked") > Some(0))
            .map(|s| s["t_ns"].as_i64().unwrap())
            .collect();
        // As `synack gen`: a reading at least every 5 ms but for a few late wake-ups.
        support::assert_read_every_5ms(&format!("attempt {attempt}"), &sending);
        // The first retransmission of the client's data, on the wire, that the window was
        // read before: one read since the previous retransmission (so before this loss
        // episode), within 100 ms. The sampler names the socket a ms or so after
        // `connect` returns, and a loss in the first burst can be repaired before that.
        let frames = support::json_lines(
            support::synack(&["read", r.pcap.to_str().unwrap(), "--json"]).ok(),
        );
        let repairs: Vec<(i64, &Value)> = frames
            .iter()
            .filter(|f| {
                let flags = f.to_string();
                f["tcp"]["len"].as_u64() > Some(0)
                    && (flags.contains("\"retransmission\"")
                        || flags.contains("fast_retransmission"))
            })
            .map(|f| ((f["time"].as_f64().expect("frame time") * 1e9) as i64, f))
            .collect();
        let read_between = |from: i64, to: i64| {
            client.iter().any(|s| {
                let t = s["t_ns"].as_i64().unwrap();
                t > from && t <= to
            })
        };
        let repair = repairs.iter().enumerate().find_map(|(i, &(t, frame))| {
            let previous = if i == 0 { i64::MIN } else { repairs[i - 1].0 };
            let from = previous.max(t - 100_000_000);
            read_between(from, t).then_some((from, t, frame))
        });
        let Some((read_from, t_repair, repair)) = repair else {
            eprintln!(
                "attempt {attempt}: {} retransmissions on the wire, none with a reading \
                 of the window before it, again",
                repairs.len()
            );
            continue;
        };
        let cwnd = |s: &&Value| info(s, "snd_cwnd");
        let before_max = client
            .iter()
            .filter(|s| {
                let t = s["t_ns"].as_i64().unwrap();
                t <= t_repair && t > read_from
            })
            .filter_map(cwnd)
            .max()
            .expect("the window read before the retransmission");
        let after_min = client
            .iter()
            .filter(|s| {
                let t = s["t_ns"].as_i64().unwrap();
                t > t_repair && t < t_repair + 500_000_000
            })
            .filter_map(cwnd)
            .min()
            .expect("readings after the retransmission");
        assert!(
            after_min < before_max,
            "frame {}: cwnd {before_max} before, {after_min} at least after",
            repair["frame"]
        );
        // The server's side is read in its own namespace too.
        assert!(!r.readings("server").is_empty(), "no reading of the server");
        return;
    }
    panic!("no retransmission the window was read before, in four lossy runs");
}
