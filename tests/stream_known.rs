//! Known-boundary captures (tests/captures/gen/known_boundaries.py): a client sending many
//! small length-prefixed messages, or lines, with Nagle on, and a server answering each. The
//! messages `synack stream` finds must be exactly the messages sent, `auto` must find the
//! framing used, and segments carrying several messages must be reported.

mod support;

use std::path::PathBuf;

use serde_json::Value;

fn capture(name: &str) -> PathBuf {
    support::root().join("tests/captures").join(name)
}

/// Runs synack; asserts it succeeded and returns its standard output.
fn synack(args: &[&str]) -> Vec<u8> {
    let out = support::synack(args);
    out.ok();
    out.stdout
}

/// (direction, length, first byte) of every message sent, from the generator's list.
fn sent(name: &str) -> Vec<(String, u64, u8)> {
    let text = std::fs::read_to_string(capture(&format!("{name}.messages"))).unwrap();
    text.lines()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            (
                f[0].to_string(),
                f[1].parse().unwrap(),
                u8::from_str_radix(f[2], 16).unwrap(),
            )
        })
        .collect()
}

struct Found {
    framing: String,
    messages: Vec<(String, u64, u64)>,
    coalesced: [u64; 2],
    split: [u64; 2],
    bytes: [Vec<u8>; 2],
}

fn found(name: &str) -> Found {
    let path = capture(name);
    let path = path.to_str().unwrap();
    let json = synack(&["stream", path, "--stream", "0", "--json"]);
    let items: Vec<Value> = String::from_utf8(json)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let head = items.iter().find(|o| o["kind"] == "stream").unwrap();
    assert!(
        !head["auto_reason"]
            .as_str()
            .unwrap()
            .starts_with("(inconsistent)"),
        "{}",
        head["auto_reason"]
    );
    let mut f = Found {
        framing: head["framing"].as_str().unwrap().to_string(),
        messages: Vec::new(),
        coalesced: [0; 2],
        split: [0; 2],
        bytes: [Vec::new(), Vec::new()],
    };
    for o in &items {
        let d = usize::from(o["dir"] == "s2c");
        match o["kind"].as_str().unwrap() {
            "message" => f.messages.push((
                o["dir"].as_str().unwrap().to_string(),
                o["offset"].as_u64().unwrap(),
                o["len"].as_u64().unwrap(),
            )),
            "summary" => {
                f.coalesced[d] = o["coalesced_segments"].as_u64().unwrap();
                f.split[d] = o["split_messages"].as_u64().unwrap();
                assert_eq!(o["gaps"], 0, "{name}: loopback capture has no loss");
                assert_eq!(o["unparsed_bytes"], 0);
                assert_eq!(o["incomplete_messages"], 0);
            }
            "segment" => {
                // The flag agrees with the message list it carries.
                let n = o["messages"].as_array().unwrap().len();
                assert_eq!(o["coalesced"], n > 1);
            }
            _ => {}
        }
    }
    let dir = std::env::temp_dir().join(format!("synack-known-{}-{name}", std::process::id()));
    synack(&[
        "stream",
        path,
        "--stream",
        "0",
        "--raw",
        dir.to_str().unwrap(),
    ]);
    for (d, n) in ["c2s", "s2c"].iter().enumerate() {
        f.bytes[d] = std::fs::read(dir.join(format!("stream-0-{n}.bin"))).unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
    f
}

fn check_lengths(name: &str, f: &Found) {
    let sent = sent(name);
    assert_eq!(f.messages.len(), sent.len(), "{name}: message count");
    let mut next = [0u64; 2];
    for ((dir, off, len), (sdir, slen, first)) in f.messages.iter().zip(&sent) {
        assert_eq!(dir, sdir);
        assert_eq!(len, slen, "{name}: {dir} message at {off}");
        let d = usize::from(dir == "s2c");
        assert_eq!(*off, next[d], "{name}: messages tile the stream");
        next[d] += len;
        assert_eq!(f.bytes[d][*off as usize], *first);
    }
    for (n, bytes) in next.iter().zip(&f.bytes) {
        assert_eq!(*n, bytes.len() as u64, "{name}: nothing left over");
    }
}

#[test]
fn length_prefixed_messages_found_equal_messages_sent() {
    let name = "synack-known-u32be.pcap";
    let f = found(name);
    assert_eq!(f.framing, "u32be");
    check_lengths(name, &f);
    // Bodies: message i of each direction is (i % 251) repeated.
    for d in 0..2 {
        let msgs = f.messages.iter().filter(|m| (m.0 == "s2c") == (d == 1));
        for (i, (_, off, len)) in msgs.enumerate() {
            let body = &f.bytes[d][*off as usize + 4..(*off + *len) as usize];
            assert!(
                body.iter().all(|&b| usize::from(b) == i % 251),
                "message {i}"
            );
        }
    }
    assert!(f.coalesced[0] > 0, "Nagle glued client messages together");
    assert!(f.split[0] > 0, "messages longer than the MSS were split");
}

#[test]
fn lines_found_equal_lines_sent() {
    let name = "synack-known-lines.pcap";
    let f = found(name);
    assert_eq!(f.framing, "line");
    check_lengths(name, &f);
    for d in 0..2 {
        let msgs = f.messages.iter().filter(|m| (m.0 == "s2c") == (d == 1));
        for (i, (_, off, len)) in msgs.enumerate() {
            let line = &f.bytes[d][*off as usize..(*off + *len) as usize];
            let prefix = if d == 0 {
                format!("line {i} ")
            } else {
                format!("ok {i}\n")
            };
            assert!(line.starts_with(prefix.as_bytes()), "{d} {i}");
            assert!(line.ends_with(b"\n"));
        }
    }
    assert!(f.coalesced[0] > 0, "Nagle glued client lines together");
    assert!(f.split[0] > 0, "long lines were split");
}
