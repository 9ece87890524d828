//! Makes the fuzz seed corpora from real captures (see `fuzz/README.md`).
//!
//! `cargo run --no-default-features --example fuzz_seeds -- OUT_DIR CAPTURE_DIR...` writes
//! `OUT_DIR/<target>/<name>` for every target of `synack::fuzzing`: whole files for
//! `file_reader`, single frames for `decode`, runs of frames for `engine`, reassembled
//! directions for `framing` and `reassembly_order`, and TCP segments for `reassembly`.
//! `cargo fuzz cmin` then keeps the inputs that add coverage.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use synack::analysis::{Config, Engine};
use synack::capture::{FileReader, FrameSource, LinkType, OwnedFrame};
use synack::decode::{decode, TcpFlags};
use synack::fuzzing::{frames_input, reassembly_input};
use synack::stream::follow::{FollowLimits, Follower};

/// Frames per `engine` seed: enough for handshakes and a few exchanges, small enough to
/// fuzz fast.
const FRAMES_PER_ENGINE_SEED: usize = 48;

fn write(out: &Path, target: &str, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let dir = out.join(target);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(name), bytes)
}

fn read_frames(path: &Path) -> Vec<OwnedFrame> {
    let Ok(mut r) = FileReader::open(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while let Ok(Some(f)) = r.next_frame() {
        out.push(f.to_owned());
    }
    out
}

/// A TCP segment as the `reassembly` target takes it: raw seq, flags (bit 0 SYN, bit 1 FIN),
/// payload.
type Segment = (u32, u8, Vec<u8>);

fn seeds_of(path: &Path, out: &Path) -> std::io::Result<()> {
    let stem = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("capture")
        .to_string();
    let bytes = std::fs::read(path)?;
    if bytes.len() <= 256 << 10 {
        write(out, "file_reader", &stem, &bytes)?;
    } else {
        // The head of a big file: its header and first records.
        write(out, "file_reader", &stem, &bytes[..256 << 10])?;
    }
    let frames = read_frames(path);
    // decode: every distinct frame start (first 200 frames).
    for (i, f) in frames.iter().take(200).enumerate() {
        let one = frames_input(f.link, 0, &[]);
        let mut input = vec![one[0], 0];
        input.extend_from_slice(&f.data);
        write(out, "decode", &format!("{stem}-{i}"), &input)?;
    }
    // engine: runs of frames of one link type.
    let mut by_link: HashMap<LinkType, Vec<&OwnedFrame>> = HashMap::new();
    for f in &frames {
        by_link.entry(f.link).or_default().push(f);
    }
    for (link, fs) in &by_link {
        for (i, chunk) in fs.chunks(FRAMES_PER_ENGINE_SEED).take(8).enumerate() {
            let items: Vec<_> = chunk.iter().map(|f| (f.ts, f.data.as_slice())).collect();
            let options = (i % 2) as u8;
            write(
                out,
                "engine",
                &format!("{stem}-{}-{i}", link.number()),
                &frames_input(*link, options, &items),
            )?;
        }
    }
    // reassembly: each direction's first TCP segments; framing / order: its bytes.
    let mut engine = Engine::new(Config::default());
    let mut follower = Follower::new(None, FollowLimits::default());
    let mut segs: HashMap<(u32, usize), Vec<Segment>> = HashMap::new();
    for f in &frames {
        let frame = f.as_frame();
        let p = decode(&frame);
        let ann = engine.process(&frame, &p);
        follower.process(&frame, &p, &ann);
        if let (Some(flow), Some(t)) = (ann.flow, p.tcp()) {
            let list = segs
                .entry((flow.stream, flow.direction.index()))
                .or_default();
            if list.len() < 40 {
                let flags = u8::from(t.flags.has(TcpFlags::SYN))
                    | u8::from(t.flags.has(TcpFlags::FIN)) << 1;
                list.push((t.seq, flags, p.payload(&f.data).to_vec()));
            }
        }
    }
    follower.finish();
    for ((stream, dir), list) in segs.iter().take(16) {
        let items: Vec<_> = list
            .iter()
            .map(|(s, fl, p)| (*s, *fl, p.as_slice()))
            .collect();
        write(
            out,
            "reassembly",
            &format!("{stem}-{stream}-{dir}"),
            &reassembly_input(128, 64, &items),
        )?;
    }
    for conn in follower.connections().iter().take(16) {
        for (d, dir) in conn.dirs.iter().enumerate() {
            let Some(run) = dir.store.runs.first() else {
                continue;
            };
            let data = &run.data[..run.data.len().min(2048)];
            let auto = synack::stream::framing::auto(&[&conn.dirs[0].store, &conn.dirs[1].store]);
            let selector = framing_selector(&auto.framing.to_string());
            let mut input = vec![selector, 0, 255];
            input.extend_from_slice(data);
            write(
                out,
                "framing",
                &format!("{stem}-{}-{d}", conn.stream),
                &input,
            )?;
            let mut order = vec![(conn.stream % 64) as u8, 0xff, 0x12, 0x34];
            order.extend_from_slice(data);
            write(
                out,
                "reassembly_order",
                &format!("{stem}-{}-{d}", conn.stream),
                &order,
            )?;
        }
    }
    Ok(())
}

/// The `framing` target's selector byte for a framing name (see `synack::fuzzing`).
fn framing_selector(name: &str) -> u8 {
    let base = name.split(':').next().unwrap_or("none");
    [
        "line", "u8", "u16be", "u16le", "u32be", "u32le", "http", "tls", "dns", "resp", "mysql",
        "fixed", "none",
    ]
    .iter()
    .position(|&n| n == base)
    .unwrap_or(12) as u8
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let Some(out) = args.next() else {
        eprintln!("usage: fuzz_seeds OUT_DIR CAPTURE_DIR...");
        std::process::exit(2);
    };
    for dir in args {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
            .collect();
        files.sort();
        for f in files {
            seeds_of(&f, &out)?;
        }
    }
    Ok(())
}
