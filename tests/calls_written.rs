//! The calls trace file keeps the kernel readings that say something: a stall read every
//! millisecond is written as its first and last reading, and every figure derived from the
//! readings (the time per limiting cause and its phases) is the same as from all of them.

use synack::analysis::Direction;
use synack::calls::CallTrace;
use synack::kernel::limits::limited_by;
use synack::kernel::{CaState, TcpInfo, TcpInfoSample};

const T0: i64 = 1_767_225_600_000_000_000;
const MS: i64 = 1_000_000;

/// One reading of the client's socket at `ms`.
fn reading(ms: i64, info: TcpInfo) -> TcpInfoSample {
    TcpInfoSample {
        t_ns: T0 + ms * MS,
        actor: "client".into(),
        conn: 1,
        local: "10.77.1.2:40000".into(),
        remote: "10.77.2.2:7070".into(),
        state: "ESTABLISHED".into(),
        wqueue: 14_480,
        cong: Some("cubic".into()),
        sndbuf: Some(87_040),
        wmem_queued: Some(20_000),
        info: Some(info),
        ..TcpInfoSample::default()
    }
}

/// A sender read every millisecond for 1.2 s: slow start, a 400 ms stall waiting for a
/// retransmission timeout (data in flight, nothing else moving but the ages and the busy
/// chrono's 4 ms jiffies), the timeout (Loss) for 200 ms, recovery, then idle with the
/// receiver's window and send buffer chronos growing; a reading after a call in the middle
/// of the stall, the peer's socket read alongside, and the socket gone at the end.
fn readings() -> Vec<TcpInfoSample> {
    let mut out = Vec::new();
    for ms in 0..1200i64 {
        let mut i = TcpInfo {
            snd_mss: 1448,
            snd_cwnd: 10,
            snd_ssthresh: 0x7fff_ffff,
            rtt: 1000,
            rto: 204_000,
            bytes_sent: 1448 * 10,
            data_segs_out: 10,
            unacked: 10,
            busy_time: (ms as u64 / 4) * 4000,
            last_data_sent: (ms % 400) as u32,
            last_ack_recv: ms as u32,
            ..TcpInfo::default()
        };
        match ms {
            0..=99 => {
                i.snd_cwnd = 2 + ms as u32 / 10;
                i.bytes_acked = ms as u64 * 1448;
            }
            100..=499 => {}
            500..=699 => {
                i.ca_state = CaState::Loss;
                i.snd_cwnd = 1;
                i.retransmits = 1;
                i.backoff = 1;
            }
            700..=899 => {
                i.ca_state = CaState::Recovery;
                i.snd_cwnd = 5;
                i.bytes_acked = 14_480 + (ms as u64 - 700) * 10;
            }
            _ => {
                i.unacked = 0;
                i.busy_time = 900_000;
                i.rwnd_limited = (ms as u64 - 900) / 4 * 4000;
                i.sndbuf_limited = (ms as u64 - 900) / 8 * 4000;
            }
        }
        let mut r = reading(ms, i);
        r.at_call = ms == 300;
        if ms >= 900 {
            r.wqueue = 0;
        }
        out.push(r);
        // The peer: idle, the same every reading but for its ages.
        let mut peer = reading(
            ms,
            TcpInfo {
                last_data_recv: ms as u32,
                bytes_received: 14_480,
                ..TcpInfo::default()
            },
        );
        peer.local = "10.77.2.2:7070".into();
        peer.remote = "10.77.1.2:40000".into();
        peer.actor = "server".into();
        peer.wqueue = 0;
        out.push(peer);
    }
    let mut gone = reading(1200, TcpInfo::default());
    gone.state = "CLOSED".into();
    gone.gone = true;
    gone.info = None;
    out.push(gone);
    out
}

fn client(samples: &[TcpInfoSample]) -> Vec<&TcpInfoSample> {
    samples.iter().filter(|s| s.actor == "client").collect()
}

#[test]
fn a_trace_file_keeps_each_runs_ends_and_every_figure() {
    let all = readings();
    let mut trace = CallTrace::new("loss", "netns", None);
    trace.tcp_info = all.clone();
    let mut file = Vec::new();
    trace.write_json(&mut file).expect("written");
    let back = CallTrace::read_json(file.as_slice()).expect("reads back");
    let written = back.tcp_info;

    // Far fewer readings: the stall, the timeout and the idle peer are a few each.
    assert!(
        written.len() * 5 < all.len(),
        "{} of {} readings written",
        written.len(),
        all.len()
    );
    // Every written reading is one of the readings, unchanged, in the same order.
    let mut rest = all.iter();
    for w in &written {
        assert!(
            rest.any(|r| r == w),
            "{w:?} is not a reading, or out of order"
        );
    }
    // What a reading says is always there: the first and last of each run, the reading
    // after a call, the socket gone.
    let times = |v: &[&TcpInfoSample]| v.iter().map(|s| (s.t_ns - T0) / MS).collect::<Vec<_>>();
    let kept = times(&client(&written));
    for ms in [0, 99, 100, 300, 499, 500, 699, 700, 899, 900, 1199, 1200] {
        assert!(kept.contains(&ms), "reading at {ms} ms left out: {kept:?}");
    }
    let peer: Vec<&TcpInfoSample> = written.iter().filter(|s| s.actor == "server").collect();
    assert_eq!(
        times(&peer),
        [0, 1199],
        "the idle peer: its first and last reading"
    );

    // The kernel's verdict (time per cause and phases) is the same from the file.
    let (full, full_phases) = limited_by(&client(&all), Direction::ClientToServer);
    let (thin, thin_phases) = limited_by(&client(&written), Direction::ClientToServer);
    assert!(full.total_ns() > 0);
    assert_eq!(thin, full);
    assert_eq!(thin_phases, full_phases);

    // A trace read back and written again is the same file.
    let mut again = Vec::new();
    let mut reread = CallTrace::read_json(file.as_slice()).expect("reads back");
    reread.tcp_info = written.clone();
    reread.write_json(&mut again).expect("written");
    assert_eq!(again, file);
}
