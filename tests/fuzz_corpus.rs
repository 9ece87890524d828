//! CI replays the fuzz corpora (not a fuzzing run): every input in `fuzz/corpus/<target>/`
//! (the minimised corpus the fuzzer reached its plateau with) and in
//! `fuzz/regressions/<target>/` (inputs that once crashed synack) goes through the same
//! function the cargo-fuzz target runs (`synack::fuzzing`). A panic is a regression.

use std::path::{Path, PathBuf};

use synack::fuzzing::TARGETS;

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => Vec::new(),
    };
    files.retain(|p| p.is_file());
    files.sort();
    files
}

/// Runs every input of `kind` (`corpus` or `regressions`) of every target; returns how many
/// ran per target.
fn replay(kind: &str) -> Vec<(&'static str, usize)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind);
    TARGETS
        .iter()
        .map(|(name, run)| {
            let files = inputs(&root.join(name));
            for f in &files {
                let data = std::fs::read(f).expect("corpus file reads");
                let outcome = std::panic::catch_unwind(|| run(&data));
                assert!(
                    outcome.is_ok(),
                    "fuzz target {name} panics on {}",
                    f.display()
                );
            }
            (*name, files.len())
        })
        .collect()
}

#[test]
fn every_corpus_input_runs_clean() {
    let counts = replay("corpus");
    eprintln!("corpus inputs replayed: {counts:?}");
    for (name, n) in counts {
        assert!(
            n > 0,
            "fuzz/corpus/{name}/ is empty: the committed corpus is missing"
        );
    }
}

#[test]
fn every_regression_input_runs_clean() {
    let counts = replay("regressions");
    eprintln!("regression inputs replayed: {counts:?}");
}

fn regression(target: &str, name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target)
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Found by the `decode` target in its first seconds (a frame of zeek-truncated-header.pcap):
/// the IP header claims 60 bytes but the frame holds 54, and the TCP header claims 40. The
/// payload offset points past the frame (where the headers put it); the fix was in the
/// target's invariant, and this checks what synack does: no payload bytes invented.
#[test]
fn decode_regression_offset_past_short_frame() {
    let input = regression("decode", "offset-past-short-frame");
    synack::fuzzing::decode_frame(&input);
    let frame = synack::capture::Frame {
        number: 1,
        ts: None,
        len: input.len() as u32 - 2,
        link: synack::capture::LinkType::Ethernet,
        interface: 0,
        kind: synack::capture::RecordKind::Packet,
        data: &input[2..],
    };
    let packet = synack::decode::decode(&frame);
    assert!(packet.offsets.payload.unwrap() as usize > frame.data.len());
    assert!(packet.payload(frame.data).is_empty());
}
