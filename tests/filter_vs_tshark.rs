//! Display filters against tshark: for every readable capture, the number of frames matching
//! each filter equals the count tshark 4.0 gave for the same filter (tests/truth/groundtruth.tsv,
//! made by the corpus' groundtruth.sh with `tshark -Y FILTER | wc -l`).

use std::collections::HashMap;
use std::path::PathBuf;

use synack::capture::{FileReader, FrameSource};
use synack::decode::decode;
use synack::filter::{Filter, FilterInput};

/// groundtruth.tsv column → the display filter tshark counted for it.
const FILTERS: &[(&str, &str)] = &[
    ("tcp_frames", "tcp"),
    ("syn", "tcp.flags.syn==1 && tcp.flags.ack==0"),
    ("synack", "tcp.flags.syn==1 && tcp.flags.ack==1"),
    ("fin", "tcp.flags.fin==1"),
    ("rst", "tcp.flags.reset==1"),
    ("vlan", "vlan"),
    ("ipv6", "ipv6"),
    ("ipv4_frag", "ip.flags.mf==1 || ip.frag_offset>0"),
    ("truncated", "frame.cap_len < frame.len"),
];

fn count(path: &PathBuf, filter: &Filter) -> usize {
    let mut r = FileReader::open(path).unwrap();
    let mut n = 0;
    while let Some(f) = r.next_frame().unwrap() {
        let p = decode(&f);
        if filter.matches(&FilterInput {
            frame: &f,
            packet: &p,
            analysis: None,
            start: None,
        }) {
            n += 1;
        }
    }
    n
}

#[test]
fn filter_counts_equal_tshark_counts() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/truth/groundtruth.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (*h, i)).collect();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in lines {
        let row: Vec<&str> = line.split('\t').collect();
        if row[col["status"]] != "ok" {
            continue;
        }
        let path = root.join("tests/captures").join(row[0]);
        for (column, text) in FILTERS {
            // "frame.cap_len < frame.len" is written with synack's field for the same thing.
            let text = if *column == "truncated" {
                "frame.truncated"
            } else {
                text
            };
            let filter = Filter::parse(text).unwrap();
            let ours = count(&path, &filter);
            let theirs: usize = row[col[column]].parse().unwrap();
            checked += 1;
            if ours != theirs {
                wrong.push(format!("{} {text}: synack {ours}, tshark {theirs}", row[0]));
            }
        }
    }
    assert!(checked >= 25 * FILTERS.len(), "only {checked} checks");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
