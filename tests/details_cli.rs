//! `synack read -V` / `-v`: the window's packet details tree printed as text (tshark -V's
//! layout) and, with `--json`, as a `details` array. Section titles and field values are
//! compared with tshark's (`tests/truth/details/`, made by `tests/truth/make_details.sh`).

mod support;

use support::synack;

/// The section titles both print (tshark's words), by their start.
const TITLES: [&str; 5] = [
    "Frame ",
    "Ethernet II, ",
    "Internet Protocol Version ",
    "Transmission Control Protocol, ",
    "User Datagram Protocol, ",
];

/// Field lines directly under a section: synack's words and tshark's for the same value.
const FIELDS: [(&str, &str); 7] = [
    ("Source port: ", "Source Port: "),
    ("Destination port: ", "Destination Port: "),
    ("Sequence number: ", "Sequence Number: "),
    ("Acknowledgment number: ", "Acknowledgment Number: "),
    ("Time to live: ", "Time to Live: "),
    ("Hop limit: ", "Hop Limit: "),
    ("Window: ", "Window: "),
];

/// What one frame's tree says that tshark's says too: its titles and (field, number) pairs,
/// in order. `tshark` selects which words the lines use.
fn comparable(lines: &[&str], tshark: bool) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines {
        if let Some(title) = TITLES.iter().find(|t| line.starts_with(*t)) {
            let mut text = line.to_string();
            // pcapng: tshark names the interface; synack's title stops before.
            if *title == "Frame " {
                if let Some(i) = text.find(" on interface ") {
                    text.truncate(i);
                }
            }
            out.push(text);
            continue;
        }
        let Some(field) = line.strip_prefix("    ").filter(|l| !l.starts_with(' ')) else {
            continue;
        };
        for (ours, theirs) in FIELDS {
            let name = if tshark { theirs } else { ours };
            if let Some(rest) = field.strip_prefix(name) {
                let number: String = rest.chars().take_while(char::is_ascii_digit).collect();
                out.push(format!("{} {number}", ours.trim_end()));
            }
        }
    }
    out
}

/// The lines of each frame (a frame starts at its `Frame N:` title).
fn frames(text: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    for line in text.lines() {
        if line.starts_with("Frame ") {
            out.push(Vec::new());
        }
        if let Some(f) = out.last_mut() {
            f.push(line);
        }
    }
    out
}

/// Every capture with tshark truth (`tests/truth/details/`: the corpus and the lessons but
/// for tunnels and the other exceptions `make_details.sh` gives reasons for): synack's tree
/// has tshark's section titles and field values, frame by frame.
#[test]
fn the_details_tree_says_what_tshark_v_says_for_titles_and_field_values() {
    let dir = support::root().join("tests/truth/details");
    let mut truths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/truth/details")
        .map(|e| e.expect("entry").path())
        .collect();
    truths.sort();
    assert!(truths.len() > 60, "the truth files are committed");
    let mut compared = 0;
    for truth_path in &truths {
        let name = truth_path.file_stem().expect("name").to_string_lossy();
        let capture = ["captures", "tests/captures"]
            .map(|d| format!("{d}/{name}"))
            .into_iter()
            .find(|c| support::root().join(c).exists())
            .unwrap_or_else(|| panic!("no capture for {}", truth_path.display()));
        let truth = std::fs::read_to_string(truth_path).expect("truth file");
        let run = synack(&["read", &capture, "-V"]);
        let ours = frames(run.ok());
        let theirs = frames(&truth);
        assert_eq!(ours.len(), theirs.len(), "{capture}: frame count");
        for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
            let (o, t) = (comparable(o, false), comparable(t, true));
            // Every line synack prints in these forms is tshark's, in tshark's order.
            assert_eq!(o, t, "{capture} frame {}", i + 1);
            compared += o.len();
        }
    }
    assert!(compared > 20_000, "only {compared} lines compared");
}

#[test]
fn v_prints_the_tree_with_the_analysis_section_like_the_window() {
    // captures/loss.pcap: retransmissions and duplicate ACKs, each with its reason.
    let text = synack(&["read", "captures/loss.pcap", "-V"])
        .ok()
        .to_string();
    // Sections sit at the margin, their lines four spaces in per level; an empty line ends
    // each frame's tree, and every TCP frame's tree opens with synack's analysis.
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        assert_eq!(indent % 4, 0, "{line:?}");
    }
    let trees: Vec<&str> = text.split_terminator("\n\n").collect();
    assert_eq!(trees.len(), frames(&text).len());
    assert!(trees.iter().all(|t| t.starts_with("Analysis (synack)\n")));
    let retransmissions = text
        .lines()
        .filter(|l| l.starts_with("    [") && l.contains("(tcp.analysis.retransmission)"))
        .count();
    assert!(
        retransmissions > 0,
        "no retransmission line in the analysis"
    );
    assert!(text.contains("    State after this packet: client "));
    assert!(text.contains("(tcp.analysis.ack_rtt)"));
    assert!(text.contains("    Messages in this segment"));
}

#[test]
fn lowercase_v_prints_each_line_then_its_tree_and_json_carries_the_tree() {
    let capture = "tests/captures/pcpp-three_http_streams.pcap";
    let lines = synack(&["read", capture, "-c", "3"]).ok().to_string();
    let verbose = synack(&["read", capture, "-c", "3", "-v"]).ok().to_string();
    let tree = synack(&["read", capture, "-c", "3", "-V"]).ok().to_string();
    // -v = each frame's line, then the same tree -V prints for it.
    let mut rebuilt = String::new();
    let mut trees = tree.split("\n\n");
    for line in lines.lines() {
        rebuilt.push_str(line);
        rebuilt.push('\n');
        rebuilt.push_str(trees.next().expect("a tree per frame"));
        rebuilt.push_str("\n\n");
    }
    assert_eq!(verbose, rebuilt);
    // --json -V: each object gains `details`, the same tree as nodes with their bytes.
    let json = synack(&["read", capture, "-c", "3", "-V", "--json"])
        .ok()
        .to_string();
    let objects = support::json_lines(&json);
    assert_eq!(objects.len(), 3);
    let mut from_json = String::new();
    fn render(n: &serde_json::Value, depth: usize, out: &mut String, caplen: u64) {
        out.push_str(&" ".repeat(depth * 4));
        out.push_str(n["text"].as_str().expect("text"));
        out.push('\n');
        if let Some(r) = n["range"].as_object() {
            let (s, e) = (r["start"].as_u64(), r["end"].as_u64());
            assert!(s < e && e.is_some_and(|e| e <= caplen), "{n}");
        }
        for c in n["children"].as_array().into_iter().flatten() {
            render(c, depth + 1, out, caplen);
        }
    }
    for o in &objects {
        let caplen = o["caplen"].as_u64().expect("caplen");
        for n in o["details"].as_array().expect("details") {
            render(n, 0, &mut from_json, caplen);
        }
        from_json.push('\n');
    }
    assert_eq!(from_json, tree);
    // A line names the display-filter field it shows.
    assert!(json.contains(r#""filter":{"name":"tcp.srcport","value":"#));
    // Without -V nothing changes.
    assert!(!synack(&["read", capture, "-c", "1", "--json"])
        .ok()
        .contains("details"));
}

#[test]
fn the_tree_does_not_go_with_tshark_fields() {
    let run = synack(&[
        "read",
        "captures/demo.pcap",
        "-V",
        "-T",
        "fields",
        "-e",
        "frame.number",
    ]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("-V"), "{}", run.stderr);
}
