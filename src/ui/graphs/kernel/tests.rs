//! The overlay's series against the readings as the trace file holds them (read as plain
//! JSON, not through the overlay's code), and its verdict bands against the verdict's totals
//! and the sender's first data segment.

use std::path::PathBuf;

use serde_json::Value;

use super::*;
use crate::ui::graphs::model::{self, AckPoint};
use crate::ui::ingest::demo_store;
use crate::ui::store::PacketStore;

const CONN: ConnRef = ConnRef::tcp(0);

/// `synack gen loss --netns --loss 2 --rate 20 --cc cubic`: 400 kB from 10.77.1.2 with the
/// client's kernel read every millisecond.
fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/captures/kernel/loss-cubic.pcap")
}

fn store(with_trace: bool) -> PacketStore {
    // Leaked once per test: the loader keeps 'static bytes.
    let bytes: &'static [u8] = Vec::leak(std::fs::read(fixture()).unwrap());
    let s = demo_store("loss-cubic.pcap", bytes);
    if with_trace {
        s.write().calls = crate::calls::read_beside(&fixture()).unwrap();
    }
    s
}

/// The graph of the client's data up to the store index `until` (all of it for `None`):
/// its sequence series and its kernel overlay.
fn client_graph(data: &StoreData, until: Option<usize>) -> (SeqModel, KernelOverlay) {
    let m = model::build(data, CONN, Direction::ClientToServer, until);
    let o = build(data, CONN, Direction::ClientToServer, until, &m);
    (m, o)
}

/// The client's readings in the trace file: (t_ns, Some((cwnd bytes, ssthresh segments)) or
/// None for a reading without tcp_info).
fn client_readings() -> Vec<(i64, Option<(f64, u64)>)> {
    let text = std::fs::read_to_string(crate::calls::calls_path(&fixture())).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["tcp_info"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["actor"] == "client" && r["local"].as_str().unwrap().starts_with("10.77.1.2:")
        })
        .map(|r| {
            let info = r.get("snd_cwnd").map(|c| {
                (
                    (c.as_u64().unwrap() * r["snd_mss"].as_u64().unwrap()) as f64,
                    r["snd_ssthresh"].as_u64().unwrap(),
                )
            });
            (r["t_ns"].as_i64().unwrap(), info)
        })
        .collect()
}

#[test]
fn the_window_line_is_the_latest_ack_plus_the_latest_readings_cwnd_and_only_where_read() {
    let s = store(true);
    let data = s.read();
    let (m, o) = client_graph(&data, None);
    let first_ns = data.first_ts.unwrap().as_nanos();
    let readings = client_readings();
    let with_info = readings.iter().filter(|r| r.1.is_some()).count();
    assert!(with_info > 100, "{with_info} readings of the client");
    assert_eq!(o.readings, with_info);
    assert_eq!(o.congestion.as_deref(), Some("cubic"));
    let x = |ns: i64| (ns - first_ns) as f64 / 1e9;
    let (first, last) = (
        readings.iter().find(|r| r.1.is_some()).unwrap().0,
        readings.iter().rev().find(|r| r.1.is_some()).unwrap().0,
    );
    let mut points = 0;
    for run in &o.cwnd_reach {
        for p in run {
            points += 1;
            assert!(p[0] >= x(first) && p[0] <= x(last), "drawn at {} s", p[0]);
            // The reading in force at p: the latest at or before it. It has tcp_info.
            let k = readings.partition_point(|r| x(r.0) <= p[0]) - 1;
            let (cwnd, _) = readings[k]
                .1
                .expect("a line where the socket had no tcp_info");
            let ack = m.acks.iter().rev().find(|a| a.t <= p[0]).unwrap().ack;
            // A step line also holds the previous value up to each new point: accept both.
            let prev = readings[k.saturating_sub(1)].1.map_or(cwnd, |r| r.0);
            let prev_ack = m
                .acks
                .iter()
                .rev()
                .find(|a| a.t < p[0])
                .map_or(ack, |a| a.ack);
            let y = p[1];
            assert!(
                [
                    f64::from(ack) + cwnd,
                    f64::from(prev_ack) + cwnd,
                    f64::from(ack) + prev,
                    f64::from(prev_ack) + prev
                ]
                .contains(&y),
                "point {p:?}: cwnd {cwnd}, ack {ack}"
            );
        }
    }
    assert!(points > 2 * with_info / 3, "{points} points");
    // The window fell at least once (the run lost segments), and ssthresh became finite.
    let cwnds: Vec<f64> = readings.iter().filter_map(|r| r.1.map(|i| i.0)).collect();
    assert!(cwnds.windows(2).any(|w| w[1] < w[0]));
    assert!(!o.ssthresh_reach.is_empty());
    // Congestion states: from each reading to the next, without overlap.
    for w in o.ca_states.windows(2) {
        assert!(w[0].t1 <= w[1].t0 + 1e-12);
    }
    assert!(o
        .ca_states
        .iter()
        .any(|b| b.what == CaState::Recovery || b.what == CaState::Loss));
}

#[test]
fn a_reading_without_tcp_info_breaks_every_kernel_line() {
    let ack = |t: f64, ack: u32| AckPoint {
        index: 0,
        number: 0,
        t,
        ack,
        window_edge: u64::from(ack) + 65_535,
        sacks: Vec::new(),
    };
    let m = SeqModel {
        acks: vec![
            ack(0.0, 1),
            ack(0.015, 1449),
            ack(0.035, 2897),
            ack(0.045, 4345),
        ],
        ..SeqModel::default()
    };
    let reading = |ms: i64, cwnd: Option<u32>| TcpInfoSample {
        t_ns: ms * 1_000_000,
        actor: "client".into(),
        conn: 1,
        state: if cwnd.is_some() {
            "ESTABLISHED"
        } else {
            "TIME_WAIT"
        }
        .into(),
        info: cwnd.map(|c| TcpInfo {
            snd_cwnd: c,
            snd_mss: 1000,
            snd_ssthresh: crate::calls::tcp_info::INFINITE_SSTHRESH,
            ..TcpInfo::default()
        }),
        ..TcpInfoSample::default()
    };
    let samples = [
        reading(10, Some(10)),
        reading(20, Some(20)),
        reading(30, None),
        reading(40, Some(5)),
    ];
    let refs: Vec<&TcpInfoSample> = samples.iter().collect();
    let mut o = KernelOverlay::default();
    for run in runs(&refs) {
        add_run(&mut o, &run, &m, &|ns| ns as f64 / 1e9);
    }
    // Two lines: 10..20 ms (the ACK at 15 ms moves the reach) and the lone reading at 40.
    assert_eq!(
        o.cwnd_reach,
        vec![
            vec![
                [0.010, 1.0 + 10_000.0],
                [0.015, 1.0 + 10_000.0],
                [0.015, 1449.0 + 10_000.0],
                [0.020, 1449.0 + 10_000.0],
                [0.020, 1449.0 + 20_000.0]
            ],
            vec![[0.040, 2897.0 + 5_000.0]]
        ]
    );
    assert_eq!(
        o.cwnd,
        vec![
            vec![[0.010, 10_000.0], [0.020, 10_000.0], [0.020, 20_000.0]],
            vec![[0.040, 5_000.0]]
        ]
    );
    // Nothing between 20 and 40 ms, in any series; infinite ssthresh is never drawn.
    for line in o
        .cwnd
        .iter()
        .chain(&o.in_flight_kernel)
        .chain(&o.srtt_ms)
        .chain(&o.rto_ms)
    {
        assert!(
            line.iter().all(|p| p[0] <= 0.020 || p[0] >= 0.040),
            "{line:?}"
        );
    }
    assert!(o.ssthresh_reach.is_empty());
    assert_eq!(o.ca_states.len(), 1, "one band, 10..20 ms");
}

/// The bands tile the verdict: no overlap, in order, their lengths summing to its totals.
fn check_tiles(v: &Verdict) {
    let mut sum = 0.0;
    for w in v.bands.windows(2) {
        assert!(w[0].t1 <= w[1].t0 + 1e-9, "{:?} overlaps {:?}", w[0], w[1]);
    }
    for b in &v.bands {
        assert!(b.t1 > b.t0);
        sum += b.t1 - b.t0;
    }
    let total = v.totals.total_ns() as f64 / 1e9;
    assert!(
        (sum - total).abs() < 1e-6,
        "bands {sum} s, verdict {total} s"
    );
}

#[test]
fn the_wire_verdict_bands_start_at_the_senders_first_data_and_tile_its_time() {
    let s = store(false);
    let data = s.read();
    let (m, o) = client_graph(&data, None);
    assert_eq!(o.readings, 0);
    let v = o.verdict.expect("a wire verdict");
    assert_eq!(v.source, VerdictSource::Wire);
    check_tiles(&v);
    let first_data = m.segments.first().unwrap().t;
    assert!(
        (v.bands[0].t0 - first_data).abs() < 1e-9,
        "{} vs {first_data}",
        v.bands[0].t0
    );
    // Contiguous: the wire counts every moment from the first data segment on.
    for w in v.bands.windows(2) {
        assert!((w[0].t1 - w[1].t0).abs() < 1e-9);
    }
    // The last band ends no later than the last ACK of the sender's data.
    let last_ack = m.acks.last().unwrap().t;
    assert!(v.bands.last().unwrap().t1 <= last_ack + 1e-9);
    // A lossy transfer: some time in recovery, or after a timeout.
    assert!(v.totals.ns(Cause::LossRecovery) + v.totals.ns(Cause::RetransmissionTimeout) > 0);
    // The receiver (server) sent nothing: no verdict for it.
    let m2 = model::build(&data, CONN, Direction::ServerToClient, None);
    assert!(build(&data, CONN, Direction::ServerToClient, None, &m2)
        .verdict
        .is_none());
}

#[test]
fn with_the_trace_the_verdict_is_the_kernels_and_lies_within_its_readings() {
    let s = store(true);
    let data = s.read();
    let (_, o) = client_graph(&data, None);
    let v = o.verdict.expect("a kernel verdict");
    assert_eq!(v.source, VerdictSource::Kernel);
    check_tiles(&v);
    // A bulk writer with data always queued (notsent_bytes > 0 in every reading while it
    // sends): the window or the repairs held it back, not the application.
    assert_ne!(v.totals.main(), Some(Cause::Application), "{:?}", v.totals);
    let first_ns = data.first_ts.unwrap().as_nanos();
    let readings = client_readings();
    let x = |ns: i64| (ns - first_ns) as f64 / 1e9;
    assert!(v.bands[0].t0 >= x(readings[0].0));
    assert!(v.bands.last().unwrap().t1 <= x(readings.last().unwrap().0));
    // A lossy transfer: some time in recovery, or after a timeout.
    assert!(v.totals.ns(Cause::LossRecovery) + v.totals.ns(Cause::RetransmissionTimeout) > 0);
}

#[test]
fn the_replay_cursor_hides_later_readings() {
    let s = store(true);
    let data = s.read();
    let until = data.index_of_number(100).unwrap();
    let t_until = data.record(until).unwrap().ts.unwrap().as_nanos();
    let x_until = (t_until - data.first_ts.unwrap().as_nanos()) as f64 / 1e9;
    let (_, o) = client_graph(&data, Some(until));
    assert!(o.readings > 0);
    let all = o.cwnd_reach.iter().chain(&o.cwnd).flatten();
    assert!(all.clone().all(|p| p[0] <= x_until + 1e-9));
    assert!(o.in_flight_wire.iter().all(|p| p[0] <= x_until + 1e-9));
}
