//! synack's own analysis engine confirms each scenario's lesson: Wireshark-compatible flags
//! (retransmission, duplicate ACK, zero window, ...) and the close pattern of each
//! connection, on the synthetic form of every scenario and on the committed captures. On
//! the committed captures the engine's per-frame flags must also equal tshark's.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use common::analysis::{analyze, lesson};
use common::read_capture;
use synack::analysis::Flag;
use synack::gen::{synthesize_frames, GenOptions, Scenario};

#[test]
fn analysis_confirms_every_synthetic_lesson() {
    let opts = GenOptions {
        connections: 20,
        packets: 3000,
        ..GenOptions::default()
    };
    for sc in Scenario::ALL
        .into_iter()
        .filter(|sc| sc.synthetic_capable())
    {
        let (frames, _) = synthesize_frames(sc, &opts);
        if let Err(e) = lesson(sc, &analyze(&frames)) {
            panic!("{sc} (synthetic): {e}");
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn analysis_confirms_every_committed_capture_and_agrees_with_tshark() {
    for sc in Scenario::ALL {
        let frames = read_capture(&common::committed_capture(sc));
        let a = analyze(&frames);
        if let Err(e) = lesson(sc, &a) {
            panic!("captures/{sc}.pcap: {e}");
        }
        let truth =
            std::fs::read_to_string(root().join(format!("tests/truth/gen/{sc}.pcap.tsv"))).unwrap();
        let mut lines = truth.lines();
        let head: Vec<&str> = lines.next().unwrap().split('\t').collect();
        for (i, line) in lines.enumerate() {
            let row: HashMap<&str, &str> = head
                .iter()
                .copied()
                .zip(line.split('\t').chain(std::iter::repeat("")))
                .collect();
            for f in Flag::ALL {
                let col = format!("tcp.analysis.{}", f.name());
                let Some(v) = row.get(col.as_str()) else {
                    continue;
                };
                let ours = a.flags[i].contains(&f);
                assert_eq!(
                    ours,
                    !v.is_empty(),
                    "captures/{sc}.pcap frame {}: {col}",
                    i + 1
                );
            }
        }
    }
}

#[test]
fn analysis_lessons_reject_the_wrong_capture() {
    let pairs = &common::WRONG_CAPTURES[..common::ANALYSIS_TELLS_APART];
    for &(want, other) in pairs {
        let (frames, _) = synthesize_frames(other, &GenOptions::default());
        assert!(
            lesson(want, &analyze(&frames)).is_err(),
            "the {want} lesson accepted {other}"
        );
    }
}
