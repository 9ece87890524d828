//! The command line's conventions (issue 23): exit statuses (0 done, 1 unreadable or damaged
//! input, 2 usage errors), no panic on a closed stdout or stderr, every input form (a file,
//! `-`, `/dev/stdin`, a FIFO, gzip) read the same, flags tcpdump and tshark users type.

mod support;

use std::io::Write as _;
use std::os::fd::{FromRawFd as _, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use support::{root, synack};

const BIN: &str = env!("CARGO_BIN_EXE_synack");

/// A scratch directory for one test, removed when dropped.
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// The demo capture cut inside its last record: frames, then damage.
fn cut_capture(dir: &Path) -> PathBuf {
    let bytes = std::fs::read(root().join("captures/demo.pcap")).expect("demo");
    let path = dir.join("cut.pcap");
    std::fs::write(&path, &bytes[..bytes.len() - 7]).expect("write");
    path
}

/// A pipe whose read end is already closed: writing to its write end fails with EPIPE.
fn closed_pipe() -> Stdio {
    let mut fds = [0; 2];
    // SAFETY: pipe() fills two valid descriptors on success; each is owned exactly once.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    unsafe {
        libc::close(fds[0]);
        Stdio::from(OwnedFd::from_raw_fd(fds[1]))
    }
}

/// Runs synack with stdout and/or stderr a closed pipe; returns the exit code.
fn run_closed(args: &[&str], close_stdout: bool) -> Option<i32> {
    let mut cmd = Command::new(BIN);
    cmd.args(args).current_dir(root()).stdin(Stdio::null());
    cmd.stderr(closed_pipe());
    if close_stdout {
        cmd.stdout(closed_pipe());
    } else {
        cmd.stdout(Stdio::null());
    }
    cmd.status().expect("synack runs").code()
}

#[test]
fn usage_errors_exit_2_input_errors_1_with_the_os_error_once() {
    // clap's own errors and synack's checks of what was asked.
    for args in [
        &["read"][..],
        &["read", "captures/demo.pcap", "--no-such-flag"],
        &["read", "captures/demo.pcap", "-Y", "tcp.port =="],
        &["stream", "captures/demo.pcap", "--framing", "nonsense"],
        &["gen", "--loss", "101", "loss", "--synthetic"],
        &["gen"],
    ] {
        let run = synack(args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    let run = synack(&["read", "/nonexistent/x.pcap"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr.trim_end(),
        "synack: /nonexistent/x.pcap: cannot read: No such file or directory (os error 2)"
    );
    let dir = scratch();
    let cut = cut_capture(dir.path());
    let run = synack(&["read", cut.to_str().expect("utf-8")]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("cut short"), "{}", run.stderr);
    assert_eq!(synack(&["read", "captures/demo.pcap"]).code, Some(0));
    assert_eq!(synack(&["--version"]).code, Some(0));
}

#[test]
fn a_closed_stderr_or_stdout_never_panics() {
    let dir = scratch();
    let cut = cut_capture(dir.path());
    let cut = cut.to_str().expect("utf-8");
    let out = dir.path().join("out.pcap");
    let out = out.to_str().expect("utf-8");
    let runs: Vec<Vec<&str>> = vec![
        vec!["read", cut],
        vec!["read", cut, "--json"],
        vec!["flows", cut],
        vec!["stream", cut],
        vec!["stream", "captures/demo.pcap", "--stream", "0", "--dump"],
        vec!["capture", "-r", cut, "--print"],
        vec!["gen", "sticky", "--synthetic", "--write", out],
        vec!["gen", "--list"],
        vec!["ifaces"],
        vec!["pair", "captures/demo.pcap", cut],
        vec!["read", "captures/demo.pcap", "-Y", "tcp.port =="],
        vec!["read"],
        vec!["--help"],
        vec!["ladder", cut],
        vec!["ladder", "captures/demo.pcap", "--json"],
        vec!["fields"],
        vec!["view", "captures/demo.pcap.calls.json"],
    ];
    // `run`'s exit status is its program's; one that exits 0 (root: its own namespace).
    let root_run = ["run", "--client", "true"];
    let runs: Vec<Vec<&str>> = if unsafe { libc::geteuid() } == 0 {
        runs.into_iter().chain([root_run.to_vec()]).collect()
    } else {
        println!("skipping `synack run` under closed pipes: needs root");
        runs
    };
    for args in &runs {
        for close_stdout in [false, true] {
            let code = run_closed(args, close_stdout);
            assert!(
                matches!(code, Some(0..=2)),
                "{args:?} (stdout closed: {close_stdout}) exited {code:?}"
            );
        }
    }
}

/// `read`'s output for the capture given as `how`, with the capture's bytes on stdin.
fn read_via(stdin_bytes: &[u8], args: &[&str]) -> (Option<i32>, Vec<u8>) {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("synack runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let bytes = stdin_bytes.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&bytes);
    });
    let out = child.wait_with_output().expect("synack ends");
    feeder.join().expect("feeder");
    (out.status.code(), out.stdout)
}

/// A FIFO at `path` and a thread writing `bytes` into it (it ends when a reader took them).
fn fifo_of(path: &Path, bytes: &[u8]) -> (PathBuf, std::thread::JoinHandle<()>) {
    let c = std::ffi::CString::new(path.to_str().expect("utf-8")).expect("no NUL");
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let (fifo, bytes) = (path.to_path_buf(), bytes.to_vec());
    let writer = std::thread::spawn(move || std::fs::write(fifo, bytes).expect("write the FIFO"));
    (path.to_path_buf(), writer)
}

#[test]
fn read_of_stdin_a_fifo_and_gzip_equals_read_of_the_file() {
    // No calls trace beside it (stdin has none): the outputs can be equal.
    let file = "tests/captures/pcpp-three_http_streams.pcap";
    let bytes = std::fs::read(root().join(file)).expect("capture");
    for sub in ["read", "flows", "stream", "ladder"] {
        let expected = synack(&[sub, file]);
        let expected = expected.ok();
        assert!(!expected.is_empty());
        assert_eq!(
            synack(&[sub, "-n", "-r", file]).ok(),
            expected,
            "{sub} -n -r"
        );
        for path in ["-", "/dev/stdin"] {
            let (code, out) = read_via(&bytes, &[sub, path]);
            assert_eq!(code, Some(0), "{sub} {path}");
            assert_eq!(String::from_utf8_lossy(&out), expected, "{sub} {path}");
        }
        // A FIFO: opened once, read once (read's two passes go through a copy).
        let dir = scratch();
        let (fifo, writer) = fifo_of(&dir.path().join("cap.fifo"), &bytes);
        let run = synack(&[sub, fifo.to_str().expect("utf-8")]);
        writer.join().expect("writer");
        assert_eq!(run.ok(), expected, "{sub} of a FIFO");
        // gzip, as tshark and tcpdump read it.
        let gz = dir.path().join("pcpp-three_http_streams.pcap.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&bytes).expect("compress");
        std::fs::write(&gz, enc.finish().expect("compress")).expect("write");
        let run = synack(&[sub, gz.to_str().expect("utf-8")]);
        assert_eq!(run.ok(), expected, "{sub} of gzip");
    }
}

#[test]
fn pair_reads_its_two_captures_as_every_subcommand_reads_its_input() {
    // A client-side and a router-side capture of one lossy transfer.
    let (a, b) = (
        "tests/captures/synack-netns-loss-client.pcap",
        "tests/captures/synack-netns-loss-router.pcap",
    );
    let expected = synack(&["pair", a, b]).ok().to_string();
    assert!(expected.contains("lost between A and B"), "{expected}");
    assert_eq!(
        synack(&["pair", "-n", "-r", a, b]).ok(),
        expected,
        "-n -r A B"
    );
    let (a_bytes, b_bytes) = (
        std::fs::read(root().join(a)).expect("A"),
        std::fs::read(root().join(b)).expect("B"),
    );
    for args in [["-", b], ["/dev/stdin", b]] {
        let (code, out) = read_via(&a_bytes, &["pair", args[0], args[1]]);
        assert_eq!(code, Some(0), "pair {args:?}");
        assert_eq!(String::from_utf8_lossy(&out), expected, "pair {args:?}");
    }
    let (code, out) = read_via(&b_bytes, &["pair", a, "-"]);
    assert_eq!(
        (code, String::from_utf8_lossy(&out).into_owned()),
        (Some(0), expected.clone()),
        "pair A -"
    );
    // A as a FIFO (opened once, read once), B gzip-compressed in a directory of ring files.
    let dir = scratch();
    let (fifo, writer) = fifo_of(&dir.path().join("a.fifo"), &a_bytes);
    let ring = dir.path().join("ring");
    std::fs::create_dir(&ring).expect("mkdir");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&b_bytes).expect("compress");
    std::fs::write(ring.join("b.pcap.gz"), enc.finish().expect("compress")).expect("write");
    let run = synack(&[
        "pair",
        fifo.to_str().expect("utf-8"),
        ring.to_str().expect("utf-8"),
    ]);
    writer.join().expect("writer");
    assert_eq!(run.ok(), expected, "pair FIFO DIR-of-gzip");
    // Two captures, at most one of them standard input: usage errors otherwise.
    for args in [
        &["pair", a][..],
        &["pair", "-", "/dev/stdin"],
        &["pair", "-r", a],
    ] {
        let run = synack(args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}");
    }
    assert!(synack(&["pair", a]).stderr.contains("give A and B"));
    assert!(synack(&["pair", "-", "-"])
        .stderr
        .contains("standard input can be only one of the two captures"));
}

#[test]
fn stdin_is_one_of_several_inputs_and_words_after_them_are_tcpdumps_filter() {
    // Several inputs are one capture (merged in time order); `-` is one of them, `-r FILE`
    // the first; in `read`, the words after the inputs that name no file are a BPF filter.
    let (a, b) = (
        "tests/captures/pcpp-three_http_streams.pcap",
        "tests/captures/zeek-syn-synack.pcap",
    );
    let a_bytes = std::fs::read(root().join(a)).expect("capture");
    for sub in ["read", "flows", "stream"] {
        let expected = synack(&[sub, a, b]).ok().to_string();
        assert!(expected.lines().count() > 1, "{sub}: {expected}");
        let (code, out) = read_via(&a_bytes, &[sub, "-", b]);
        assert_eq!(code, Some(0), "{sub} - {b}");
        assert_eq!(String::from_utf8_lossy(&out), expected, "{sub} - {b}");
        assert_eq!(
            synack(&[sub, "-r", a, b]).ok(),
            expected,
            "{sub} -r {a} {b}"
        );
    }
    let filtered = synack(&["read", a, b, "-f", "host 141.142.228.5"])
        .ok()
        .to_string();
    assert_eq!(filtered.lines().count(), 2, "{filtered}");
    assert_ne!(
        filtered,
        synack(&["read", a, b]).ok(),
        "the filter leaves frames out"
    );
    assert_eq!(
        synack(&["read", a, b, "host", "141.142.228.5"]).ok(),
        filtered
    );
    // Standard input twice cannot be read: said, not an empty second file.
    let (code, _) = read_via(&a_bytes, &["read", "-", "-"]);
    assert_eq!(code, Some(1));
    let twice = synack(&["flows", "-", "-"]);
    assert!(twice.stderr.contains("standard input"), "{}", twice.stderr);
}

#[test]
fn the_sticky_lesson_tells_the_same_story_in_read_flows_and_stream() {
    // captures/sticky.pcap is unframed: only its calls trace (beside it) knows the message
    // boundaries. Every view frames it by the trace, so each shows the same coalesced frames.
    let file = "captures/sticky.pcap";
    let coalesced_in_read: Vec<u64> = support::json_lines(synack(&["read", file, "--json"]).ok())
        .iter()
        .filter(|f| {
            f["events"]
                .as_array()
                .is_some_and(|e| e.iter().any(|e| e["name"] == "coalesced"))
        })
        .map(|f| f["frame"].as_u64().expect("frame number"))
        .collect();
    let stream = support::json_lines(synack(&["stream", file, "--stream", "0", "--json"]).ok());
    let coalesced_in_stream: Vec<u64> = stream
        .iter()
        .filter(|o| o["kind"] == "segment" && o["coalesced"] == true)
        .map(|o| o["frame"].as_u64().expect("frame number"))
        .collect();
    let flows = support::json_lines(synack(&["flows", file, "--json"]).ok());
    let m = &flows[0]["messages"];
    assert!(
        !coalesced_in_read.is_empty(),
        "read shows the coalesced segment"
    );
    assert_eq!(coalesced_in_read, coalesced_in_stream);
    assert_eq!(m["framing"], "calls");
    assert_eq!(
        m["coalesced_segments"][0].as_u64(),
        Some(coalesced_in_read.len() as u64)
    );
    let summary = stream
        .iter()
        .find(|o| o["kind"] == "summary" && o["dir"] == "c2s");
    assert_eq!(m["messages"][0], summary.expect("c2s summary")["messages"]);
    // --calls names the trace explicitly; a missing one is an error, not a silent no-op.
    let run = synack(&["read", file, "--calls", "/nonexistent.calls.json"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
}

#[test]
fn options_that_do_not_apply_are_usage_errors_not_silent_no_ops() {
    let file = "captures/demo.pcap";
    for args in [
        &["stream", file, "--raw", "-"][..],
        &["stream", file, "--dump"],
        &["stream", file, "--dir", "c2s"],
        &["gen", "flood", "--synthetic", "--connections", "0"],
        &["gen", "loss", "--netns", "--loss", "100"],
        &["capture", "-r", file, "-s", "100"],
        &["capture", "-r", file, "-C", "10"],
        &["read", file, "-T", "text", "-e", "frame.number"],
        &["read", file, "-e", "no.such.field"],
        &["read", file, "-f", "tcp port eighty"],
        &["read", file, "-f", "tcp", "udp"],
        &["read", file, "-tsideways"],
    ] {
        let run = synack(args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?} printed before refusing");
    }
    // tshark's own words for a number the field cannot hold.
    let run = synack(&["read", file, "-Y", "tcp.port == 99999"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("\"99999\" too big for this field, maximum 65535"),
        "{}",
        run.stderr
    );
}

#[test]
fn capture_w_dash_into_a_full_or_closed_stdout_speaks_of_standard_output() {
    // Copying a file (any user) and capturing live (root) into `-w -`.
    let mut runs = vec![vec!["capture", "-r", "captures/demo.pcap", "-w", "-"]];
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        runs.push(vec![
            "capture",
            "-i",
            "lo",
            "-c",
            "1",
            "--duration",
            "5",
            "-w",
            "-",
        ]);
    } else {
        eprintln!("SKIPPED (live part): capturing on lo needs root; CI runs as root");
    }
    for args in runs {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = Command::new(BIN)
            .args(&args)
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(full)
            .output()
            .expect("synack runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains(
                "synack: writing the capture to standard output failed after 0 packets: \
                 No space left on device"
            ),
            "{args:?}: {err}"
        );
        assert!(
            !err.contains("/dev/stdout") && !err.contains("os error"),
            "{err}"
        );
        // A reader that went away: the capture ends quietly, as printing does.
        let out = Command::new(BIN)
            .args(&args)
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(closed_pipe())
            .output()
            .expect("synack runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            !err.contains("failed") && !err.contains("error"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn gen_w_dash_writes_the_pcap_to_stdout() {
    let run = synack(&["gen", "sticky", "--synthetic", "-w", "-"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!root().join("-").exists(), "no file named '-'");
    assert_eq!(
        &run.stdout[..4],
        &0xa1b23c4du32.to_le_bytes(),
        "a ns pcap header"
    );
    let (code, listed) = read_via(
        &run.stdout,
        &["read", "-", "-q", "-T", "fields", "-e", "frame.number"],
    );
    assert_eq!(code, Some(0));
    assert!(listed.is_empty(), "-q prints no frames");
    let (code, listed) = read_via(
        &run.stdout,
        &["read", "-", "-T", "fields", "-e", "frame.number"],
    );
    assert_eq!(code, Some(0));
    assert!(String::from_utf8_lossy(&listed).lines().count() > 5);
}

#[test]
fn capture_r_w_copies_what_a_bpf_filter_accepts_like_tcpdump() {
    let dir = scratch();
    let out = dir.path().join("syn.pcap");
    let out = out.to_str().expect("utf-8");
    let file = "captures/demo.pcap";
    let run = synack(&[
        "capture",
        "-r",
        file,
        "-w",
        out,
        "tcp[tcpflags] & tcp-syn != 0",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let syns = synack(&[
        "read",
        file,
        "-Y",
        "tcp.flags.syn == 1",
        "-T",
        "fields",
        "-e",
        "frame.number",
    ]);
    let copied = synack(&["read", out, "-T", "fields", "-e", "tcp.flags.syn"]);
    let copied = copied.ok();
    assert_eq!(copied.lines().count(), syns.ok().lines().count());
    assert!(copied.lines().all(|l| l == "1"), "{copied}");
    // The same filter as read's trailing words and as -f select the same frames.
    let trailing = synack(&[
        "read",
        file,
        "tcp",
        "port",
        "7070",
        "-T",
        "fields",
        "-e",
        "frame.number",
    ]);
    let dash_f = synack(&[
        "read",
        file,
        "-f",
        "tcp port 7070",
        "-T",
        "fields",
        "-e",
        "frame.number",
    ]);
    let display = synack(&[
        "read",
        file,
        "-Y",
        "tcp.port == 7070",
        "-T",
        "fields",
        "-e",
        "frame.number",
    ]);
    assert_eq!(trailing.ok(), dash_f.ok());
    assert_eq!(dash_f.ok(), display.ok());
    // `synack -r FILE` is `synack read -r FILE`; -n is accepted.
    assert_eq!(
        synack(&["-r", file, "-n"]).ok(),
        synack(&["read", file]).ok()
    );
}

/// tcpdump's `-e` habit: `read --link-header` prints each frame's link-level header as
/// tcpdump -e does (Ethernet, Linux cooked v1/v2, BSD loopback), frame by frame equal to
/// tcpdump's text in `tests/truth/link_header/` (made by `tests/truth/make_link_header.sh`);
/// `-e` alone keeps tshark's meaning and says where tcpdump's went.
#[test]
fn link_header_equals_tcpdump_e_frame_by_frame() {
    let truth_dir = root().join("tests/truth/link_header");
    let mut files = 0;
    let mut frames = 0;
    for entry in std::fs::read_dir(&truth_dir).unwrap() {
        let truth_path = entry.unwrap().path();
        let name = truth_path
            .file_stem()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let capture = [
            root().join("tests/captures").join(&name),
            root().join("captures").join(&name),
        ]
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{name}: no capture for this truth file"));
        let truth = std::fs::read_to_string(&truth_path).unwrap();
        let expected: Vec<&str> = truth.lines().collect();
        let run = synack(&[
            "read",
            capture.to_str().unwrap(),
            "--link-header",
            "-t",
            "none",
            "-c",
            "300",
        ]);
        let lines: Vec<&str> = run.ok().lines().collect();
        assert_eq!(lines.len(), expected.len(), "{name}: frame count");
        for (i, (line, want)) in lines.iter().zip(&expected).enumerate() {
            // `NUMBER LINK: ADDRESSES ...`: the link header runs from after the frame number
            // to the first ": ".
            let rest = line.trim_start().split_once(' ').map_or("", |(_, r)| r);
            let got = rest.split_once(": ").map_or(rest, |(link, _)| link);
            let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(squeeze(got), squeeze(want), "{name} frame {}", i + 1);
            frames += 1;
        }
        files += 1;
    }
    assert!(
        files >= 50 && frames >= 3000,
        "{files} files, {frames} frames compared"
    );
    println!("{files} captures, {frames} frames: link headers equal to tcpdump -e");

    // tcpdump's habit: an -e that names no field is --link-header.
    let long = synack(&["read", "captures/handshake.pcap", "--link-header"]);
    for habit in [
        &["read", "-e", "captures/handshake.pcap"][..],
        &["read", "-n", "captures/handshake.pcap", "-e"],
        &["-r", "captures/handshake.pcap", "-n", "-e"],
    ] {
        assert_eq!(synack(habit).ok(), long.ok(), "{habit:?}");
    }
    let no_field = synack(&["read", "captures/handshake.pcap", "-e", "link"]);
    assert_eq!(no_field.code, Some(2), "{}", no_field.stderr);
    assert!(
        no_field.stderr.contains("--link-header"),
        "{}",
        no_field.stderr
    );
    let json = synack(&["read", "captures/handshake.pcap", "--link-header", "--json"]);
    assert_eq!(json.code, Some(2), "{}", json.stderr);
}
