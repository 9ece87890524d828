//! The data flows one way (README, "How it is built"): capture → decode → analysis → stream →
//! consumers. This test reads `src/` and fails when a module imports one that comes later in
//! that flow, or a consumer imports the command line, so that the library's stages stay
//! usable without what is built on them. Unit tests at the end of a file (`#[cfg(test)] mod
//! tests`) and `tests.rs` files are test support and are not checked.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each top-level module of the crate and the modules it may import. A new module must be
/// added here, in its place in the flow.
const ALLOWED: &[(&str, &[&str])] = &[
    // What a program did beside its capture: a leaf input, like the capture itself.
    ("calls", &[]),
    // The interface's sentences in each language: a leaf every stage may name messages from.
    ("i18n", &[]),
    // Sources of frames (files, live interfaces; the built-in demo and its calls trace).
    ("capture", &["calls", "i18n"]),
    ("decode", &["capture", "i18n"]),
    ("analysis", &["capture", "decode", "i18n"]),
    // The display-filter language evaluates decoded fields and the engine's annotations.
    ("filter", &["capture", "decode", "analysis", "i18n"]),
    (
        "stream",
        &["calls", "capture", "decode", "analysis", "i18n"],
    ),
    // The stages driven together (one or two threads) for every consumer.
    (
        "pipeline",
        &[
            "calls", "capture", "decode", "filter", "analysis", "stream", "i18n",
        ],
    ),
    // The system-call tracer of `synack run`: a source of what programs did, like the capture;
    // it writes the calls-trace format's words (event names).
    ("trace", &["calls"]),
    // Readers of the kernel's TCP state, beside the capture: they name states as analysis does.
    ("kernel", &["analysis", "calls", "capture", "i18n"]),
    // Consumers: they may use every stage, never the command line.
    (
        "gen",
        &[
            "pipeline", "calls", "capture", "decode", "analysis", "filter", "stream", "kernel",
            "i18n",
        ],
    ),
    // `synack run`: programs traced in a network of their own while it is captured.
    (
        "run",
        &[
            "trace", "pipeline", "calls", "capture", "decode", "analysis", "filter", "stream",
            "gen", "kernel",
        ],
    ),
    // Figures without a window: geometry, colours, a canvas, SVG. A leaf.
    ("figure", &["i18n"]),
    // Two capture points paired, and their ladder drawn through `figure`.
    (
        "pair",
        &[
            "pipeline", "calls", "capture", "decode", "analysis", "filter", "stream", "figure",
            "i18n",
        ],
    ),
    // Tables as columns (Parquet, CSV, JSON Lines) for Spark and DuckDB.
    (
        "columnar",
        &[
            "pipeline", "calls", "capture", "decode", "analysis", "stream", "kernel",
        ],
    ),
    // The ladder diagram, a consumer of the analysis drawn through `figure`.
    (
        "ladder",
        &[
            "pipeline", "calls", "capture", "decode", "analysis", "filter", "stream", "figure",
            "kernel", "i18n",
        ],
    ),
    // Support of the fuzz targets, which exercise the command line's printing too.
    (
        "fuzzing",
        &[
            "cli", "pipeline", "calls", "capture", "decode", "analysis", "filter", "stream", "i18n",
        ],
    ),
    (
        "ui",
        &[
            "calls", "capture", "decode", "analysis", "filter", "stream", "pipeline", "kernel",
            "gen", "pair", "figure", "ladder", "i18n", "trace", "run",
        ],
    ),
    // The command line drives everything (and opens the window).
    (
        "cli",
        &[
            "calls", "capture", "decode", "analysis", "filter", "stream", "pipeline", "kernel",
            "gen", "pair", "fuzzing", "ui", "figure", "ladder", "i18n", "trace", "run", "columnar",
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules named by `crate::NAME` in the code of `text` (comments and trailing
/// unit tests left out).
fn imports(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod tests"))
        {
            break;
        }
        if code.starts_with("//") {
            continue;
        }
        let code = code.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

#[test]
fn no_module_imports_against_the_data_flow() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src");
        let top = rel
            .components()
            .next()
            .expect("a path")
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if matches!(top.as_str(), "lib" | "main") || rel.ends_with("tests.rs") {
            continue;
        }
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == top) else {
            wrong.push(format!(
                "src/{top}: a module this test does not know; add it to ALLOWED in its place \
                 in the data flow"
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("source is readable");
        for used in imports(&text) {
            if used != top && !allowed.contains(&used.as_str()) {
                wrong.push(format!("{} imports crate::{used}", rel.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the data flow:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_checker_sees_imports_and_skips_comments_and_unit_tests() {
    let text = "use crate::decode::x;\n// crate::ui is only named here\nfn f() { crate::stream::g(); } // crate::cli\n#[cfg(test)]\nmod tests {\n    use crate::gen::y;\n}\n";
    let got: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(got, ["decode", "stream"]);
}
