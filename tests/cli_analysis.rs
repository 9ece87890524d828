//! `synack read` (stream, tags, events, relative/absolute numbers) and `synack flows`, run as
//! the real binary.

mod support;

use support::json_lines;

/// Runs synack in the repository's root; asserts it succeeded and returns its output.
fn synack(args: &[&str]) -> String {
    support::synack(args).ok().to_string()
}

#[test]
fn read_json_has_relative_numbers_stream_tags_and_events() {
    let rows = json_lines(&synack(&[
        "read",
        "tests/captures/sanders-tcp_dupack.pcapng",
        "--json",
    ]));
    assert_eq!(rows.len(), 9);
    let f3 = &rows[2];
    assert_eq!(f3["stream"], 0);
    assert_eq!(f3["direction"], "c2s");
    assert_eq!(f3["tcp"]["seq"], 1);
    assert_eq!(f3["tcp"]["seq_raw"], 704338729u32);
    assert_eq!(f3["tags"][0]["name"], "duplicate_ack");
    assert_eq!(f3["tags"][0]["num"], 1);
    assert_eq!(f3["tags"][0]["frame"], 1);
    assert!(f3["tags"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("duplicate #1"));
    let f8 = &rows[7];
    let names: Vec<&str> = f8["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["fast_retransmission", "retransmission"]);

    let raw = json_lines(&synack(&[
        "read",
        "tests/captures/sanders-tcp_dupack.pcapng",
        "--json",
        "--absolute",
    ]));
    assert_eq!(raw[2]["tcp"]["seq"], 704338729u32);
}

#[test]
fn read_json_has_tsharks_wire_metrics() {
    // tshark on this capture: frame 8 has bytes_in_flight 5472 (what the SACK blocks of
    // frame 7 cover left out), frame 9 ACKs it after 0.000010000 s; no other frame has
    // any of the three fields.
    let rows = json_lines(&synack(&[
        "read",
        "tests/captures/sanders-tcp_dupack.pcapng",
        "--json",
    ]));
    for (i, row) in rows.iter().enumerate() {
        let tcp = &row["tcp"];
        let (bif, acks, rtt) = (&tcp["bytes_in_flight"], &tcp["acks_frame"], &tcp["ack_rtt"]);
        match i + 1 {
            8 => assert_eq!((bif.as_u64(), acks.is_null()), (Some(5472), true)),
            9 => {
                assert!(bif.is_null());
                assert_eq!(acks, 8);
                assert!((rtt.as_f64().unwrap() - 0.000010).abs() < 1e-12, "{rtt}");
            }
            n => assert!(
                bif.is_null() && acks.is_null() && rtt.is_null(),
                "frame {n}: {tcp}"
            ),
        }
    }
    let text = synack(&[
        "read",
        "tests/captures/sanders-tcp_dupack.pcapng",
        "-Y",
        "tcp.analysis.bytes_in_flight > 5000 or tcp.analysis.ack_rtt < 0.001",
    ]);
    assert_eq!(text.lines().count(), 2, "{text}");
}

#[test]
fn read_text_shows_markers_and_events() {
    let text = synack(&["read", "tests/captures/sanders-tcp_dupack.pcapng"]);
    assert!(text.contains("[TCP Dup ACK 1#2]"), "{text}");
    assert!(text.contains("[TCP Fast Retransmission]"));
    let text = synack(&["read", "tests/captures/pcpp-three_http_streams.pcap"]);
    assert!(text.contains("<syn>") && text.contains("<syn_ack>"));
    assert!(text.contains("<handshake_ack (rtt 44.260 ms)>"), "{text}");
    assert!(
        text.contains("<fin (originator, first)>") || text.contains("<fin (responder, first)>")
    );
    let events = json_lines(&synack(&[
        "read",
        "tests/captures/pcpp-three_http_streams.pcap",
        "--json",
        "-c",
        "5",
    ]));
    assert_eq!(events[4]["events"][0]["name"], "handshake_ack");
    assert_eq!(events[4]["events"][0]["rtt_ms"], 44.26);
}

#[test]
fn flows_table_and_json() {
    let text = synack(&[
        "flows",
        "tests/captures/sanders-tcp_refuseconnection.pcapng",
    ]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("stream  proto"));
    assert!(
        lines[1].contains("REJ") && lines[1].contains("rejected"),
        "{text}"
    );
    // Aligned: every row has the state column at the same offset.
    let col = lines[0].find("state").unwrap();
    assert_eq!(&lines[1][col..col + 3], "REJ");

    let rows = json_lines(&synack(&[
        "flows",
        "tests/captures/zeek-206_example_a.pcap",
        "--json",
    ]));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["state"], "SF");
    assert_eq!(rows[1]["flags"]["retransmission"], 14);
    assert_eq!(rows[1]["flags"]["fast_retransmission"], 12);
    assert_eq!(rows[1]["flags"]["duplicate_ack"], 80);
    assert_eq!(rows[1]["flags"]["out_of_order"], 5);
    assert_eq!(rows[0]["handshake_rtt_ms"], 368.612);
}

#[test]
fn flows_of_vlan_collisions_are_three() {
    let rows = json_lines(&synack(&[
        "flows",
        "tests/captures/zeek-vlan-collisions.pcap",
        "--json",
    ]));
    assert_eq!(rows.len(), 3);
    let vlans: Vec<String> = rows.iter().map(|r| r["vlan"].to_string()).collect();
    assert_eq!(vlans, ["[]", "[42]", "[10,20]"]);
}

#[test]
fn flows_name_what_limited_each_sender() {
    // Committed generator captures, one per cause the wire can tell (see captures/README.md):
    // fix-delay sleeps between its sends, zero-window's reader stops reading, loss (synthetic)
    // loses a last segment that only the retransmission timer repairs, file-transfer streams
    // a file waiting for ACKs.
    for (file, sender, cause) in [
        ("captures/fix-delay.pcap", "c2s", "application"),
        ("captures/zero-window.pcap", "c2s", "receiver_window"),
        ("captures/loss.pcap", "c2s", "retransmission_timeout"),
        ("captures/file-transfer.pcap", "s2c", "congestion_window"),
    ] {
        let rows = json_lines(&synack(&["flows", file, "--json"]));
        let l = rows[0]["limited_by"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["sender"] == sender)
            .unwrap_or_else(|| panic!("{file}: no {sender} sender"));
        assert_eq!(l["main"], cause, "{file}: {l}");
        assert_eq!(l["source"], "wire");
        let secs = l["seconds"].as_object().unwrap();
        assert_eq!(secs.len(), 6, "every cause is listed");
        let main = secs[cause].as_f64().unwrap();
        assert!(secs.values().all(|v| v.as_f64().unwrap() <= main));
        // The table shows the same verdict.
        let table = synack(&["flows", file]);
        let short = match cause {
            "application" => "app ",
            "receiver_window" => "rwnd ",
            "retransmission_timeout" => "rto ",
            _ => "cwnd ",
        };
        assert!(table.contains(short), "{file}:\n{table}");
    }
}
