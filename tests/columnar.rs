//! Columnar output read back by another engine: `synack flows --format parquet` over the
//! corpus, read with DuckDB's Python package, gives the same rows as `synack flows --json`;
//! the hour-partitioned dataset gives them too, with partition values matching each row's
//! time; CSV and JSON carry the same columns; `read --format parquet` gives `read --json`'s
//! frames and `stream --format parquet` its messages; the PySpark job over a directory of
//! captures (Spark's local mode) gives `flows` file by file, and the README's DuckDB queries
//! over its dataset give what the JSON rows say. The DuckDB and Spark tests skip, saying
//! why, when DuckDB's or PySpark's Python package or Java is missing (`./dev test` installs
//! them).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::{corpus, json_lines, python_with, root, synack};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("synack-columnar-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The rows of a Parquet file or dataset glob, as DuckDB reads them (`extra`: read_back.py's
/// options, `--hive`, `--order COLUMNS`).
fn duckdb_rows(python: &Path, path: &str, extra: &[&str]) -> Vec<Value> {
    let script = root().join("tests/columnar/read_back.py");
    let out = Command::new(python)
        .arg(script)
        .arg(path)
        .args(extra)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "DuckDB failed on {path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&String::from_utf8(out.stdout).expect("UTF-8"))
}

fn endpoint(host: &Value, port: &Value) -> String {
    let h = host.as_str().expect("host");
    if h.contains(':') {
        format!("[{h}]:{port}")
    } else {
        format!("{h}:{port}")
    }
}

/// `flows --json` rows in the order the read-back script gives: by protocol, then stream.
fn by_stream(mut rows: Vec<Value>) -> Vec<Value> {
    rows.sort_by_key(|r| {
        (
            r["proto"].as_str().unwrap_or("").to_string(),
            r["stream"].as_u64(),
        )
    });
    rows
}

/// Asserts a table row says what the `flows --json` row says, field by field.
fn same_row(table: &Value, json: &Value, what: &str) {
    let t = |k: &str| &table[k];
    let eq = |a: &Value, b: &Value, field: &str| {
        assert_eq!(a, b, "{what}: {field} (table {table}\n json {json})");
    };
    eq(t("stream"), &json["stream"], "stream");
    eq(t("proto"), &json["proto"], "proto");
    assert_eq!(
        endpoint(t("id_orig_h"), t("id_orig_p")),
        json["originator"],
        "{what}"
    );
    assert_eq!(
        endpoint(t("id_resp_h"), t("id_resp_p")),
        json["responder"],
        "{what}"
    );
    eq(t("conn_state"), &json["state"], "state");
    eq(t("history"), &json["history"], "history");
    eq(t("close"), &json["close"], "close");
    eq(t("orig_pkts"), &json["pkts_c2s"], "pkts_c2s");
    eq(t("resp_pkts"), &json["pkts_s2c"], "pkts_s2c");
    eq(t("orig_bytes"), &json["bytes_c2s"], "bytes_c2s");
    eq(t("resp_bytes"), &json["bytes_s2c"], "bytes_s2c");
    eq(t("duration"), &json["duration"], "duration");
    eq(
        t("handshake_rtt_ms"),
        &json["handshake_rtt_ms"],
        "handshake_rtt_ms",
    );
    eq(t("orig_mss"), &json["mss"][0], "mss");
    eq(t("resp_mss"), &json["mss"][1], "mss");
    eq(t("orig_wscale"), &json["wscale"][0], "wscale");
    eq(t("resp_wscale"), &json["wscale"][1], "wscale");
    eq(
        t("sack_permitted"),
        &json["sack_permitted"],
        "sack_permitted",
    );
    eq(t("timestamps"), &json["timestamps"], "timestamps");
    let finals = &json["final_states"];
    eq(
        t("orig_final_state"),
        if finals.is_null() { finals } else { &finals[0] },
        "final",
    );
    eq(
        t("resp_final_state"),
        if finals.is_null() { finals } else { &finals[1] },
        "final",
    );
    for (flag, count) in json["flags"].as_object().expect("flags") {
        eq(t(flag), count, flag);
    }
    let m = &json["messages"];
    if m.is_null() {
        eq(t("framing"), &Value::Null, "framing");
    } else {
        eq(t("framing"), &m["framing"], "framing");
        for what in ["messages", "coalesced_segments", "split_messages", "gaps"] {
            eq(t(&format!("orig_{what}")), &m[what][0], what);
            eq(t(&format!("resp_{what}")), &m[what][1], what);
        }
    }
    let limited = json["limited_by"].as_array().cloned().unwrap_or_default();
    for (sender, side) in [("c2s", "orig"), ("s2c", "resp")] {
        let l = limited.iter().find(|l| l["sender"] == sender);
        eq(
            t(&format!("{side}_limited_by")),
            l.map_or(&Value::Null, |l| &l["main"]),
            "limited_by",
        );
        eq(
            t(&format!("{side}_limited_source")),
            l.map_or(&Value::Null, |l| &l["source"]),
            "source",
        );
        if let Some(l) = l {
            for (cause, secs) in l["seconds"].as_object().expect("seconds") {
                eq(t(&format!("{side}_{cause}_s")), secs, cause);
            }
        }
    }
    let cid = t("community_id")
        .as_str()
        .expect("TCP/UDP rows have a Community ID");
    assert!(cid.starts_with("1:") && cid.len() == 30, "{what}: {cid}");
    assert!(t("uid")
        .as_str()
        .is_some_and(|u| u.starts_with('C') && u.len() == 18));
}

#[test]
fn parquet_read_back_with_duckdb_equals_flows_json_on_the_corpus() {
    let Some(python) = python_with("duckdb") else {
        return;
    };
    let dir = scratch("corpus");
    let (mut files, mut rows) = (0, 0);
    for capture in corpus() {
        let path = root().join(&capture);
        let p = path.to_str().expect("UTF-8");
        let flows = synack(&["flows", "--json", p]);
        if flows.code != Some(0) {
            continue; // damaged captures: their tables are checked by the read tests
        }
        let json = by_stream(json_lines(flows.text()));
        let out = dir.join(format!("{files}.parquet"));
        let o = out.to_str().expect("UTF-8");
        synack(&["flows", p, "--format", "parquet", "-o", o]).ok();
        let table = duckdb_rows(&python, o, &[]);
        assert_eq!(table.len(), json.len(), "{}: rows", capture.display());
        for (t, j) in table.iter().zip(&json) {
            same_row(t, j, &capture.display().to_string());
        }
        files += 1;
        rows += json.len();
    }
    eprintln!("{files} captures, {rows} connections equal in Parquet (DuckDB) and flows --json");
    assert!(files >= 30 && rows >= 100, "{files} files, {rows} rows");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_hour_partitioned_dataset_holds_every_row_under_its_hour() {
    let Some(python) = python_with("duckdb") else {
        return;
    };
    let dir = scratch("hour");
    // Two captures four years apart, merged: two partitions.
    let a = root().join("tests/captures/pcpp-three_http_streams.pcap");
    let b = root().join("tests/captures/sanders-tcp_refuseconnection.pcapng");
    let out = dir.join("flows");
    let (a, b, o) = (
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        out.to_str().unwrap(),
    );
    synack(&[
        "flows",
        a,
        b,
        "--format",
        "parquet",
        "-o",
        o,
        "--partition",
        "hour",
    ])
    .ok();
    assert!(Path::new(o)
        .join("date=2013-02-26/hour=22/part-0.parquet")
        .is_file());
    assert!(Path::new(o)
        .join("date=2009-07-02/hour=19/part-0.parquet")
        .is_file());
    let table = duckdb_rows(&python, &format!("{o}/*/*/*.parquet"), &["--hive"]);
    let json = by_stream(json_lines(synack(&["flows", "--json", a, b]).ok()));
    assert_eq!(table.len(), json.len());
    for (t, j) in table.iter().zip(&json) {
        same_row(t, j, "partitioned");
        // The partition values are the row's own UTC date and hour.
        let ts = t["ts"].as_i64().expect("ts in µs");
        let secs = ts.div_euclid(1_000_000);
        let hour = secs.rem_euclid(86_400) / 3600;
        assert_eq!(t["hour"].as_i64(), Some(hour), "{t}");
        assert!(
            t["date"].as_str().is_some_and(|d| d.starts_with("20")),
            "{t}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn csv_and_json_carry_the_same_columns_zeeks_first() {
    let p = root().join("tests/captures/pcpp-three_http_streams.pcap");
    let p = p.to_str().unwrap();
    let csv = synack(&["flows", p, "--format", "csv"]).ok().to_string();
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    assert_eq!(&header[..15], synack::columnar::ZEEK_COLUMNS);
    assert_eq!(csv.lines().count(), 1 + 3, "{csv}");
    let json = json_lines(synack(&["flows", p, "--format", "json"]).ok());
    assert_eq!(json.len(), 3);
    for row in &json {
        for col in synack::columnar::ZEEK_COLUMNS {
            assert!(row.get(col).is_some(), "{col} missing in {row}");
        }
    }
    let run = synack(&["flows", p, "--format", "parquet"]);
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("-o"), "{}", run.stderr);
}

/// Every third corpus capture that reads without damage: a sample of every link type and
/// protocol the corpus has, in a third of the time.
fn sample() -> Vec<PathBuf> {
    corpus().into_iter().step_by(3).collect()
}

/// `a` and `b` are the same number (JSON integers and floats compare by value).
fn same_number(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

#[test]
fn read_parquet_equals_read_json_frame_by_frame() {
    let Some(python) = python_with("duckdb") else {
        return;
    };
    let dir = scratch("read");
    let (mut files, mut frames) = (0, 0);
    for capture in sample() {
        let p = root().join(&capture);
        let p = p.to_str().expect("UTF-8");
        let run = synack(&["read", "--json", "--no-messages", p]);
        if run.code != Some(0) {
            continue;
        }
        let json = json_lines(run.text());
        let out = dir.join(format!("{files}.parquet"));
        let o = out.to_str().expect("UTF-8");
        synack(&["read", p, "--format", "parquet", "-o", o]).ok();
        let table = duckdb_rows(&python, o, &["--order", "frame"]);
        let what = capture.display().to_string();
        assert_eq!(table.len(), json.len(), "{what}: rows");
        for (t, j) in table.iter().zip(&json) {
            let eq = |col: &str, v: &Value| {
                assert!(
                    same_number(&t[col], v),
                    "{what} frame {}: {col}: table {} json {v}",
                    j["frame"],
                    t[col]
                );
            };
            for (col, key) in [
                ("frame", "frame"),
                ("caplen", "caplen"),
                ("len", "len"),
                ("link", "link"),
                ("src", "src"),
                ("dst", "dst"),
                ("proto", "proto"),
                ("sport", "sport"),
                ("dport", "dport"),
                ("ip_version", "ip_version"),
                ("udp_len", "udp_len"),
                ("stream", "stream"),
                ("direction", "direction"),
            ] {
                eq(col, &j[key]);
            }
            // The table keeps whole microseconds (cut, not rounded); JSON's f64 seconds are
            // within 0.3 µs of the nanoseconds: together under 1.5 µs apart.
            match j["time"].as_f64() {
                Some(secs) => {
                    let ts = t["ts"].as_f64().expect("ts");
                    assert!((secs * 1e6 - ts).abs() < 1.5, "{what}: ts {ts} time {secs}");
                }
                None => assert!(t["ts"].is_null()),
            }
            let vlan: Vec<String> = j["vlan"]
                .as_array()
                .expect("vlan")
                .iter()
                .map(|v| v.to_string())
                .collect();
            eq(
                "vlan",
                &if vlan.is_empty() {
                    Value::Null
                } else {
                    vlan.join(".").into()
                },
            );
            eq("icmp_type", &j["icmp"][0]);
            eq("icmp_code", &j["icmp"][1]);
            let tcp = &j["tcp"];
            for (col, key) in [
                ("tcp_flags", "flags"),
                ("seq", "seq"),
                ("ack", "ack"),
                ("seq_raw", "seq_raw"),
                ("ack_raw", "ack_raw"),
                ("win", "win"),
                ("win_calc", "win_calc"),
                ("tcp_len", "len"),
                ("tcp_hdr_len", "hdr_len"),
                ("bytes_in_flight", "bytes_in_flight"),
                ("acks_frame", "acks_frame"),
                ("ack_rtt", "ack_rtt"),
            ] {
                eq(col, &tcp[key]);
            }
            eq("orig_state", &tcp["states"][0]);
            eq("resp_state", &tcp["states"][1]);
            let tags: Vec<&str> = j["tags"]
                .as_array()
                .expect("tags")
                .iter()
                .map(|t| t["name"].as_str().expect("name"))
                .collect();
            for flag in synack::analysis::Flag::ALL {
                eq(flag.name(), &Value::Bool(tags.contains(&flag.name())));
            }
            let events: Vec<&str> = j["events"]
                .as_array()
                .expect("events")
                .iter()
                .map(|e| e["name"].as_str().expect("name"))
                .collect();
            eq(
                "events",
                &if events.is_empty() {
                    Value::Null
                } else {
                    events.join(",").into()
                },
            );
        }
        files += 1;
        frames += json.len();
    }
    eprintln!("{files} captures, {frames} frames equal in Parquet (DuckDB) and read --json");
    assert!(
        files >= 15 && frames >= 1000,
        "{files} files, {frames} frames"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn stream_parquet_holds_stream_jsons_messages() {
    let Some(python) = python_with("duckdb") else {
        return;
    };
    let dir = scratch("messages");
    let (mut files, mut messages) = (0, 0);
    for capture in sample() {
        let p = root().join(&capture);
        let p = p.to_str().expect("UTF-8");
        let run = synack(&["stream", "--json", p]);
        if run.code != Some(0) {
            continue;
        }
        let json: Vec<Value> = json_lines(run.text())
            .into_iter()
            .filter(|j| j["kind"] == "message")
            .collect();
        let streams: Vec<Value> = json_lines(run.text())
            .into_iter()
            .filter(|j| j["kind"] == "stream")
            .collect();
        let out = dir.join(format!("{files}.parquet"));
        let o = out.to_str().expect("UTF-8");
        synack(&["stream", p, "--format", "parquet", "-o", o]).ok();
        let table = duckdb_rows(&python, o, &["--order", "stream, dir, \"index\""]);
        let what = capture.display().to_string();
        assert_eq!(table.len(), json.len(), "{what}: messages");
        for (t, j) in table.iter().zip(&json) {
            let eq = |col: &str, v: &Value| {
                assert!(
                    same_number(&t[col], v),
                    "{what}: {col}: table {t}\n json {j}"
                );
            };
            for key in [
                "stream",
                "dir",
                "index",
                "proto",
                "offset",
                "len",
                "complete_frame",
                "split",
                "until_close",
                "span_ns",
            ] {
                eq(key, &j[key]);
            }
            let frames = j["frames"].as_array().expect("frames");
            eq("frames", &frames.len().into());
            eq("first_frame", frames.first().unwrap_or(&Value::Null));
            for (col, key) in [("ts", "first_time"), ("complete_ts", "complete_time")] {
                match j[key].as_f64() {
                    Some(secs) => assert!(
                        (secs * 1e6 - t[col].as_f64().expect("time")).abs() < 1.5,
                        "{what}: {col}"
                    ),
                    None => assert!(t[col].is_null(), "{what}: {col}"),
                }
            }
            let s = streams
                .iter()
                .find(|s| s["stream"] == j["stream"])
                .expect("its stream object");
            eq("framing", &s["framing"]);
            assert_eq!(
                endpoint(&t["client_h"], &t["client_p"]),
                s["client"],
                "{what}"
            );
            assert_eq!(
                endpoint(&t["server_h"], &t["server_p"]),
                s["server"],
                "{what}"
            );
        }
        files += 1;
        messages += json.len();
    }
    eprintln!("{files} captures, {messages} messages equal in Parquet (DuckDB) and stream --json");
    assert!(
        files >= 15 && messages >= 200,
        "{files} files, {messages} messages"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `quantile_cont`: the linearly interpolated quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

#[test]
fn the_spark_job_over_a_directory_equals_flows_file_by_file_and_the_readme_queries_agree() {
    let Some(python) = python_with("duckdb, pyspark") else {
        return;
    };
    if Command::new("java").arg("-version").output().is_err() {
        eprintln!("skipped: no java on PATH (./dev test installs default-jre-headless)");
        return;
    }
    let dir = scratch("spark");
    let captures = dir.join("captures");
    std::fs::create_dir_all(&captures).expect("captures dir");
    // Corpus captures flows reads without damage, as a directory (links to them).
    let mut expected: Vec<(PathBuf, Vec<Value>)> = Vec::new();
    for capture in sample() {
        let src = root().join(&capture);
        let flows = synack(&["flows", "--json", src.to_str().expect("UTF-8")]);
        if flows.code != Some(0) {
            continue;
        }
        let link = captures.join(capture.file_name().expect("a file"));
        std::os::unix::fs::symlink(&src, &link).expect("link");
        expected.push((link, by_stream(json_lines(flows.text()))));
    }
    let out = dir.join("flows");
    let job = Command::new(&python)
        .arg(root().join("contrib/spark/synack_flows.py"))
        .args([
            "--master",
            "local[2]",
            "--synack",
            env!("CARGO_BIN_EXE_synack"),
        ])
        .arg(&captures)
        .arg(&out)
        .output()
        .expect("the Spark job runs");
    let stderr = String::from_utf8_lossy(&job.stderr);
    assert!(job.status.success(), "Spark job failed: {stderr}");
    let glob = format!("{}/*.parquet", out.display());
    let table = duckdb_rows(&python, &glob, &["--order", "capture, proto, stream"]);
    let mut rows = 0;
    for (capture, json) in &expected {
        let name = capture.to_str().expect("UTF-8");
        let mine: Vec<&Value> = table.iter().filter(|t| t["capture"] == name).collect();
        assert_eq!(mine.len(), json.len(), "{name}: rows in the Spark dataset");
        for (t, j) in mine.iter().zip(json) {
            same_row(t, j, name);
        }
        rows += json.len();
    }
    assert_eq!(table.len(), rows, "rows of no capture");
    eprintln!(
        "Spark: {} captures, {rows} connections equal to flows file by file",
        expected.len()
    );
    assert!(
        expected.len() >= 15 && rows >= 40,
        "{} files, {rows} rows",
        expected.len()
    );

    // The README's queries (contrib/duckdb/health.sql) over the Spark dataset.
    let sql = root().join("contrib/duckdb/health.sql");
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let text = std::fs::read_to_string(&sql).expect("health.sql");
    for query in text.split(';').map(|q| {
        q.lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n")
    }) {
        let query = query.trim();
        assert!(
            query.is_empty() || readme.contains(query),
            "the README shows the query:\n{query}"
        );
    }
    let run = Command::new(&python)
        .arg(root().join("tests/columnar/queries.py"))
        .arg(&glob)
        .arg(&sql)
        .output()
        .expect("python runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let results = json_lines(&String::from_utf8(run.stdout).expect("UTF-8"));
    let all: Vec<&Value> = expected.iter().flat_map(|(_, j)| j).collect();
    // Top connections by retransmissions: the 20 largest counts of the TCP rows.
    let mut counts: Vec<u64> = all
        .iter()
        .filter(|j| j["proto"] == "tcp")
        .map(|j| j["flags"]["retransmission"].as_u64().expect("count"))
        .collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    counts.truncate(20);
    let top: Vec<u64> = results
        .iter()
        .filter(|r| r["query"] == 0)
        .map(|r| r["row"]["retransmission"].as_u64().expect("count"))
        .collect();
    assert_eq!(top, counts);
    assert!(counts[0] > 0, "the corpus has retransmissions");
    // Handshake RTT percentiles per server.
    let mut by_server: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    for j in &all {
        if let Some(rtt) = j["handshake_rtt_ms"].as_f64() {
            by_server
                .entry(j["responder"].as_str().expect("responder").to_string())
                .or_default()
                .push(rtt);
        }
    }
    let rtt_rows: Vec<&Value> = results
        .iter()
        .filter(|r| r["query"] == 1)
        .map(|r| &r["row"])
        .collect();
    assert_eq!(rtt_rows.len(), by_server.len(), "one row per server");
    for r in rtt_rows {
        let server = endpoint(&r["server"], &r["port"]);
        let mut rtts = by_server[&server].clone();
        rtts.sort_by(f64::total_cmp);
        assert_eq!(
            r["connections"].as_u64(),
            Some(rtts.len() as u64),
            "{server}"
        );
        for (col, q) in [("p50_ms", 0.5), ("p90_ms", 0.9), ("p99_ms", 0.99)] {
            let got = r[col].as_f64().expect("quantile");
            assert!(
                (got - quantile(&rtts, q)).abs() < 1e-9,
                "{server} {col}: {got} vs {}",
                quantile(&rtts, q)
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
