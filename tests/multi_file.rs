//! Several files as one capture: a capture cut into ring files and read back merged (as
//! files, in any order, or as their directory) gives the same frames and the same connections
//! as the unsplit file; `flows -j` over separate captures gives each file's connections.

mod support;

use std::fs::File;
use std::path::{Path, PathBuf};

use support::{corpus, json_lines, root, synack};
use synack::capture::writer::{PcapFormat, PcapWriter};
use synack::capture::{FileReader, FrameSource, LinkType, OwnedFrame, RecordKind};

/// A scratch directory for one test, removed first if a former run left it.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synack-multi-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Every frame of a capture, when all are packets with a timestamp, of one link type, in
/// time order (what a ring buffer's writer produces), else `None`.
fn ring_ready(path: &Path) -> Option<(LinkType, Vec<OwnedFrame>)> {
    let mut reader = FileReader::open(path).ok()?;
    let mut frames: Vec<OwnedFrame> = Vec::new();
    loop {
        match reader.next_frame() {
            Ok(Some(f)) => frames.push(f.to_owned()),
            Ok(None) => break,
            Err(_) => return None,
        }
    }
    let link = frames.first()?.link;
    let uniform = frames.iter().all(|f| {
        f.link == link && f.kind == RecordKind::Packet && f.ts.is_some() && f.data.len() <= 65535
    });
    let ordered = frames.windows(2).all(|w| w[0].ts <= w[1].ts);
    (uniform && ordered && frames.len() >= 6).then_some((link, frames))
}

/// Writes `frames` as `parts` pcap files `ring_1.pcap`, ... in `dir`, cut at equal counts.
fn write_ring(dir: &Path, link: LinkType, frames: &[OwnedFrame], parts: usize) -> Vec<PathBuf> {
    let per = frames.len().div_ceil(parts);
    frames
        .chunks(per)
        .enumerate()
        .map(|(i, chunk)| {
            let path = dir.join(format!("ring_{}.pcap", i + 1));
            let format = PcapFormat {
                link,
                snaplen: 65535,
                nanos: true,
            };
            let mut w = PcapWriter::new(File::create(&path).expect("create"), format);
            for f in chunk {
                w.write_frame(&f.as_frame()).expect("write");
            }
            w.flush().expect("flush");
            path
        })
        .collect()
}

fn stdout_of(args: &[&str]) -> String {
    synack(args).ok().to_string()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[test]
fn ring_files_merged_give_the_unsplit_captures_frames_and_connections() {
    let mut tested = 0;
    for capture in corpus() {
        let path = root().join(&capture);
        let Some((link, frames)) = ring_ready(&path) else {
            continue;
        };
        let dir = scratch(&format!("ring-{tested}"));
        // The unsplit file rewritten the same way, so both sides have ns pcap timestamps.
        let whole_dir = scratch(&format!("whole-{tested}"));
        let whole_copy = write_ring(&whole_dir, link, &frames, 1).remove(0);
        let parts = write_ring(&dir, link, &frames, 3);
        let mut reversed: Vec<&str> = parts.iter().map(|p| s(p)).collect();
        // Named in reverse, the files are put back in order by their starting times, unless
        // two of them start at the same instant (then the order named decides, as mergecap).
        let per = frames.len().div_ceil(3);
        let starts: Vec<_> = frames.chunks(per).map(|c| c[0].ts).collect();
        if starts.windows(2).all(|w| w[0] < w[1]) {
            reversed.reverse();
        }

        let flows_whole = stdout_of(&["flows", "--json", s(&whole_copy)]);
        let mut args = vec!["flows", "--json"];
        args.extend(&reversed);
        assert_eq!(
            stdout_of(&args),
            flows_whole,
            "{}: flows of the ring files",
            capture.display()
        );
        assert_eq!(
            stdout_of(&["flows", "--json", s(&dir)]),
            flows_whole,
            "{}: flows of the ring's directory",
            capture.display()
        );
        let read_whole = stdout_of(&["read", "--json", s(&whole_copy)]);
        let mut args = vec!["read", "--json"];
        args.extend(&reversed);
        assert_eq!(
            stdout_of(&args),
            read_whole,
            "{}: read of the ring files",
            capture.display()
        );
        let stream_whole = stdout_of(&["stream", "--json", s(&whole_copy)]);
        assert_eq!(
            stdout_of(&["stream", "--json", s(&dir)]),
            stream_whole,
            "{}: stream of the ring's directory",
            capture.display()
        );
        std::fs::remove_dir_all(&dir).ok();
        std::fs::remove_dir_all(&whole_dir).ok();
        tested += 1;
    }
    eprintln!("{tested} captures cut into ring files and merged back");
    // Most of the corpus is single-link, time-ordered pcap: the test must not pass empty.
    assert!(
        tested >= 10,
        "only {tested} captures could be cut into ring files"
    );
}

#[test]
fn flows_jobs_reads_separate_captures_each_on_its_own() {
    let captures: Vec<PathBuf> = [
        "tests/captures/pcpp-three_http_streams.pcap",
        "tests/captures/sanders-tcp_dupack.pcapng",
        "tests/captures/sanders-tcp_retransmissions.pcapng",
    ]
    .iter()
    .map(|p| root().join(p))
    .collect();
    let mut args = vec!["flows", "--json", "-j", "2"];
    args.extend(captures.iter().map(|p| s(p)));
    let joined = json_lines(&stdout_of(&args));
    let mut expected = Vec::new();
    let mut tcp_before = 0;
    for c in &captures {
        let rows = json_lines(&stdout_of(&["flows", "--json", s(c)]));
        let tcp_here = rows.iter().filter(|r| r["proto"] == "tcp").count() as u64;
        for mut r in rows {
            if r["proto"] == "tcp" {
                r["stream"] = (r["stream"].as_u64().expect("stream") + tcp_before).into();
            }
            expected.push(r);
        }
        tcp_before += tcp_here;
    }
    assert!(expected.len() >= 5, "{} connections", expected.len());
    assert_eq!(joined, expected);
}

#[test]
fn flows_jobs_warns_about_a_connection_cut_by_the_files() {
    let path = root().join("tests/captures/sanders-tcp_retransmissions.pcapng");
    let (link, frames) = ring_ready(&path).expect("single-link, ordered capture");
    let dir = scratch("jobs-warn");
    write_ring(&dir, link, &frames, 2);
    let run = synack(&["flows", "-j", "2", s(&dir)]);
    run.ok();
    assert!(
        run.stderr.contains("runs on from") && run.stderr.contains("without -j"),
        "{}",
        run.stderr
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_directory_without_captures_and_a_missing_file_are_errors() {
    let dir = scratch("empty");
    std::fs::write(dir.join("notes.txt"), b"not a capture").expect("write");
    let run = synack(&["flows", s(&dir)]);
    assert_ne!(run.code, Some(0));
    assert!(
        run.stderr.contains("no pcap or pcapng file"),
        "{}",
        run.stderr
    );
    let run = synack(&[
        "read",
        "tests/captures/pcpp-three_http_streams.pcap",
        s(&dir.join("missing.pcap")),
    ]);
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("missing.pcap"), "{}", run.stderr);
    std::fs::remove_dir_all(&dir).ok();
}
