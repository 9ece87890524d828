//! Golden test: what synack prints for every committed capture, byte for byte.
//!
//! For each capture in `captures/` and `tests/captures/`, the output of `read`, `read --json`,
//! `flows --json`, `stream --json` and `stream` (stdout, stderr and exit status) must equal
//! the committed `tests/golden/NAME.txt`. Outputs over 64 KiB are kept as their SHA-256.
//! Refactoring must not change a byte; a change that means to alter output regenerates the
//! files with `SYNACK_BLESS=1 cargo test --test golden_output` and says why in its commit
//! (the diff of `tests/golden/` shows what changed).

mod support;

use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};

const COMMANDS: &[&[&str]] = &[
    &["read"],
    &["read", "--json"],
    &["flows", "--json"],
    &["stream", "--json"],
    &["stream"],
];

/// Outputs larger than this are recorded by hash.
const INLINE_MAX: usize = 64 * 1024;

fn section(out: &mut String, what: &str, bytes: &[u8]) {
    if bytes.len() > INLINE_MAX {
        let hash = Sha256::digest(bytes);
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        writeln!(out, "--- {what}: sha256 {hex} ({} bytes)", bytes.len()).unwrap();
    } else {
        writeln!(out, "--- {what}").unwrap();
        out.push_str(&String::from_utf8_lossy(bytes));
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            out.push_str("\n--- (no newline at end)\n");
        }
    }
}

/// Everything synack prints for one capture, in the golden file's form.
fn render(capture: &Path) -> String {
    let mut out = String::new();
    let file = capture.to_str().expect("UTF-8 path");
    for cmd in COMMANDS {
        let mut args = cmd.to_vec();
        args.insert(1, file);
        let run = support::synack(&args);
        writeln!(out, "### synack {} (exit {:?})", args.join(" "), run.code).unwrap();
        section(&mut out, "stdout", &run.stdout);
        section(&mut out, "stderr", run.stderr.as_bytes());
    }
    out
}

#[test]
fn every_capture_prints_what_it_printed_before() {
    let bless = std::env::var_os("SYNACK_BLESS").is_some();
    let dir = support::root().join("tests/golden");
    let mut captures = support::lesson_captures();
    captures.extend(support::corpus());
    let mut differ = Vec::new();
    for cap in &captures {
        let name = cap.to_string_lossy().replace('/', "__");
        let golden = dir.join(format!("{name}.txt"));
        let now = render(cap);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&golden, &now).unwrap();
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Ok(before) if before == now => {}
            Ok(before) => {
                let line = before
                    .lines()
                    .zip(now.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(before.lines().count().min(now.lines().count()));
                differ.push(format!(
                    "{}: differs from {} at line {} (now: {:?})",
                    cap.display(),
                    golden.display(),
                    line + 1,
                    now.lines()
                        .nth(line)
                        .unwrap_or("<end>")
                        .chars()
                        .take(160)
                        .collect::<String>()
                ));
            }
            Err(e) => differ.push(format!("{}: {e}", golden.display())),
        }
    }
    assert!(
        differ.is_empty(),
        "output changed (if on purpose: SYNACK_BLESS=1 cargo test --test golden_output, and \
         say why in the commit):\n{}",
        differ.join("\n")
    );
    // Every golden file belongs to a capture (a deleted capture takes its golden file along).
    let names: Vec<String> = captures
        .iter()
        .map(|c| format!("{}.txt", c.to_string_lossy().replace('/', "__")))
        .collect();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let f = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !f.ends_with(".txt") || names.contains(&f),
            "tests/golden/{f} has no capture any more"
        );
    }
}
