//! Test support shared by the integration tests: running the binary, the capture corpus,
//! tshark's truth files. One copy here instead of one per test binary (see tests/README.md).

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository's root (where `Cargo.toml` is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What a run of the `synack` binary printed and how it ended.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output, as bytes (output is compared byte for byte).
    pub stdout: Vec<u8>,
    /// Standard error, lossy UTF-8.
    pub stderr: String,
}

impl Run {
    /// Standard output as text (panics on invalid UTF-8: synack prints UTF-8).
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.stdout).expect("synack prints UTF-8")
    }

    /// Asserts the run succeeded (exit 0) and returns its standard output as text.
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, Some(0), "synack failed: {}", self.stderr);
        self.text()
    }
}

/// Runs the `synack` binary with `args` in the repository's root, stdin closed.
pub fn synack(args: &[&str]) -> Run {
    synack_in(&root(), args)
}

/// Runs the `synack` binary with `args` in `dir`, stdin closed.
pub fn synack_in(dir: &Path, args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("the synack binary runs");
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Parses JSON Lines output: one value per line (panics, naming the line, on bad JSON).
pub fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("invalid JSON {e}: {l}")))
        .collect()
}

/// The public corpus: every capture in `tests/captures/` (pcap and pcapng), sorted, as paths
/// relative to the root.
pub fn corpus() -> Vec<PathBuf> {
    captures_in("tests/captures")
}

/// The generator's committed lesson captures in `captures/`, sorted, relative to the root.
pub fn lesson_captures() -> Vec<PathBuf> {
    captures_in("captures")
}

fn captures_in(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .expect("capture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .map(|p| p.strip_prefix(root()).expect("under root").to_owned())
        .collect();
    v.sort();
    v
}

/// One tshark truth file (`tests/truth/*.tsv`, made by `tests/truth/make_truth.sh`): the
/// header's field names and one row per frame.
pub struct Truth {
    cols: HashMap<String, usize>,
    /// The rows, one per frame, fields in the header's order.
    pub rows: Vec<Vec<String>>,
}

impl Truth {
    /// Loads a truth file.
    pub fn load(path: &Path) -> Truth {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut lines = text.lines();
        let cols = lines
            .next()
            .expect("a header line")
            .split('\t')
            .enumerate()
            .map(|(i, n)| (n.to_string(), i))
            .collect();
        let rows = lines
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect();
        Truth { cols, rows }
    }

    /// The truth file of a capture (`tests/truth/NAME.tsv`), if one was made.
    pub fn of(capture: &Path) -> Option<Truth> {
        let name = capture.file_name()?.to_string_lossy().into_owned();
        let p = root().join("tests/truth").join(format!("{name}.tsv"));
        p.exists().then(|| Truth::load(&p))
    }

    /// True when the file has a column for `name`.
    pub fn has(&self, name: &str) -> bool {
        self.cols.contains_key(name)
    }

    /// The field `name` of `row` (empty when tshark printed nothing).
    pub fn get<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        let i = *self
            .cols
            .get(name)
            .unwrap_or_else(|| panic!("truth has no column {name}"));
        row.get(i).map_or("", String::as_str)
    }
}

/// The course's chat (its notes: `send_data.encode("gbk")`, and the server's
/// `"您好，这里是服务端，收到你的信息".encode("gbk")`): what the client and the server send.
pub const CHAT_CLIENT: &str = "你好，我是客户端，请问现在几点了？";
/// The server's reply in the course's chat.
pub const CHAT_SERVER: &str = "您好，这里是服务端，收到你的信息";

/// Writes to `path` a capture of one TCP connection (handshake, the client's message, the
/// server's reply, teardown) whose messages are [`CHAT_CLIENT`] and [`CHAT_SERVER`]
/// encoded by `encode` (e.g. GBK as Python's `encode("gbk")` does, or UTF-8).
pub fn write_chat_capture(path: &Path, encode: impl Fn(&str) -> Vec<u8>) {
    use synack::calls::CallTrace;
    use synack::capture::writer::{PcapFormat, PcapWriter};
    use synack::capture::LinkType;
    use synack::gen::synth::Sim;
    let file = std::fs::File::create(path).expect("capture file is writable");
    let mut writer = PcapWriter::new(
        std::io::BufWriter::new(file),
        PcapFormat {
            link: LinkType::Ethernet,
            snaplen: 65535,
            nanos: false,
        },
    );
    let mut sim = Sim::new(&mut writer, 1, CallTrace::default(), false);
    let mut c = sim.conn(1, 2, 7788);
    sim.open(&mut c);
    sim.wait_ms(5);
    sim.data(&mut c, 0, &encode(CHAT_CLIENT));
    sim.wait_ms(1);
    sim.data(&mut c, 1, &encode(CHAT_SERVER));
    sim.wait_ms(1);
    sim.pure_ack(&mut c, 0);
    sim.wait_ms(5);
    sim.fin(&mut c, 0);
    sim.fin(&mut c, 1);
    sim.pure_ack(&mut c, 0);
    sim.finish().expect("the capture is written");
    writer.flush().expect("the capture is written");
}

/// GBK bytes of `s`, as Python's `s.encode("gbk")` gives them (GB18030 agrees with GBK on
/// every character GBK has).
pub fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(s).0.into_owned()
}

/// A directory of a test's own under the system's temporary folder, deleted when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    /// `synack-{what}-{pid}` under the temporary folder, created empty of others' files.
    pub fn new(what: &str) -> Scratch {
        let d = std::env::temp_dir().join(format!("synack-{what}-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        Scratch(d)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// A file in it.
    pub fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An Ethernet/IPv4/TCP frame (20-byte TCP header, no options; checksums left zero, which
/// synack does not verify, like tshark by default).
pub fn tcp_frame(
    src: ([u8; 4], u16),
    dst: ([u8; 4], u16),
    seq: u32,
    ack: u32,
    flags: u8,
    payload: &[u8],
) -> Vec<u8> {
    let mut f = Vec::with_capacity(54 + payload.len());
    f.extend_from_slice(&[0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00]);
    let total = (40 + payload.len()) as u16;
    f.extend_from_slice(&[
        0x45,
        0,
        (total >> 8) as u8,
        total as u8,
        0,
        0,
        0x40,
        0,
        64,
        6,
        0,
        0,
    ]);
    f.extend_from_slice(&src.0);
    f.extend_from_slice(&dst.0);
    f.extend_from_slice(&src.1.to_be_bytes());
    f.extend_from_slice(&dst.1.to_be_bytes());
    f.extend_from_slice(&seq.to_be_bytes());
    f.extend_from_slice(&ack.to_be_bytes());
    f.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    f.extend_from_slice(payload);
    f
}

/// The Python interpreter that has the columnar and Spark tests' packages (DuckDB, PySpark):
/// `$SYNACK_PYTHON`, else the virtual environment `./dev test` makes
/// (`~/.cache/synack/venv`), else `python3`; `None`, after printing why the caller skips,
/// when it cannot import `modules`.
pub fn python_with(modules: &str) -> Option<PathBuf> {
    let venv = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cache/synack/venv/bin/python3"))
        .filter(|p| p.is_file());
    let python = std::env::var_os("SYNACK_PYTHON")
        .map(PathBuf::from)
        .or(venv)
        .unwrap_or_else(|| PathBuf::from("python3"));
    let ok = std::process::Command::new(&python)
        .args(["-c", &format!("import {modules}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "skipped: {} cannot import {modules} (./dev test installs them in ~/.cache/synack/venv)",
            python.display()
        );
    }
    ok.then_some(python)
}

/// Why `synack run` cannot run programs here, if it cannot: it needs root (network
/// namespaces, capture, ptrace) and the tests' programs need python3.
pub fn programs_cannot_run() -> Option<&'static str> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Some("needs root (network namespaces, capture, ptrace)");
    }
    if Command::new("python3").arg("--version").output().is_err() {
        return Some("needs python3");
    }
    None
}

/// Asserts that the kernel's readings of a socket taken while it was sending (times, ns)
/// came at least every 5 ms, but for a few late wake-ups (2 % of the gaps; see
/// `synack::kernel::Sampled::gaps_over_5ms`), and prints the figures after `what`.
pub fn assert_read_every_5ms(what: &str, sending: &[i64]) {
    assert!(
        sending.len() > 20,
        "{what}: {} readings while sending",
        sending.len()
    );
    let gaps: Vec<i64> = sending.windows(2).map(|w| w[1] - w[0]).collect();
    let late = gaps.iter().filter(|g| **g > 5_000_000).count();
    eprintln!(
        "{what}: {} readings while sending, {late} gaps over 5 ms, widest {} µs",
        sending.len(),
        gaps.iter().max().unwrap_or(&0) / 1000
    );
    assert!(
        late * 50 <= gaps.len(),
        "{what}: {late} of {} gaps over 5 ms",
        gaps.len()
    );
}

/// A connection's client, server, and payload segments per direction (client to server
/// first) as (relative offset, length) in capture order.
pub type Segments = (
    std::net::SocketAddr,
    std::net::SocketAddr,
    [Vec<(u64, u64)>; 2],
);

/// The segments of the connection opened by `cap`'s first SYN, read with the capture reader
/// and the decoder only (no engine: an independent view of what the analysis should find);
/// `None` without a SYN.
pub fn first_connection_segments(cap: &Path) -> Option<Segments> {
    use synack::capture::{FileReader, FrameSource};
    use synack::decode::{decode, TcpFlags};
    let mut r = FileReader::open(cap).unwrap();
    let mut ends: Option<(std::net::SocketAddr, std::net::SocketAddr)> = None;
    let mut isn = [None::<u32>; 2];
    let mut segs = [Vec::new(), Vec::new()];
    while let Some(f) = r.next_frame().unwrap() {
        let p = decode(&f);
        let (Some(ip), Some(t)) = (p.ip(), p.tcp()) else {
            continue;
        };
        let src = std::net::SocketAddr::new(ip.src, t.sport);
        let dst = std::net::SocketAddr::new(ip.dst, t.dport);
        if ends.is_none() && t.flags.has(TcpFlags::SYN) && !t.flags.has(TcpFlags::ACK) {
            ends = Some((src, dst));
        }
        let Some((c, s)) = ends else { continue };
        let d = if (src, dst) == (c, s) {
            0
        } else if (src, dst) == (s, c) {
            1
        } else {
            continue;
        };
        if t.flags.has(TcpFlags::SYN) {
            isn[d] = Some(t.seq);
        }
        if t.len > 0 {
            if let Some(i) = isn[d] {
                let off = u64::from(t.seq.wrapping_sub(i).wrapping_sub(1));
                segs[d].push((off, u64::from(t.len)));
            }
        }
    }
    let (c, s) = ends?;
    Some((c, s, segs))
}
