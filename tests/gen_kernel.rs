//! The kernel's state of a generated run, read while it runs (`tcp_info` in the calls
//! trace), against what synack infers from the wire: live `--netns` runs with loss and the
//! close lessons. Needs root (namespaces); skips with a printed reason otherwise (CI is root).

mod support;

use std::sync::Mutex;

use synack::analysis::{Cause, Config, Direction, Engine, Flag};
use synack::calls::TcpInfoSample;
use synack::capture::OwnedFrame;
use synack::decode::decode;
use synack::gen::{live, netns, GenOptions, Scenario};

/// Runs share the namespaces' names and the process's file table: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn run(sc: Scenario, loss_pct: u32, rate_mbit: u32, cc: Option<&str>) -> Option<live::LiveRun> {
    if !netns::available() {
        eprintln!("SKIPPED {sc} --netns: needs root with ip and nft");
        return None;
    }
    let opts = GenOptions {
        loss_pct,
        congestion: cc.map(str::to_owned),
        rate_mbit,
        ..GenOptions::default()
    };
    let r = live::run_netns(sc, &opts).unwrap_or_else(|e| panic!("{sc} --netns: {e:#}"));
    assert!(r.no_tcp_info.is_none(), "{sc}: {:?}", r.no_tcp_info);
    assert!(r.frames.is_some(), "{sc}: no capture: {:?}", r.no_capture);
    Some(r)
}

/// Every socket this process holds open (`socket:[inode]`).
fn open_sockets() -> Vec<String> {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| {
            let link = std::fs::read_link(e.ok()?.path()).ok()?;
            let s = link.to_string_lossy().to_string();
            s.starts_with("socket:").then_some(s)
        })
        .collect()
}

fn readings<'a>(r: &'a live::LiveRun, actor: &str) -> Vec<&'a TcpInfoSample> {
    r.trace
        .tcp_info
        .iter()
        .filter(|s| s.actor == actor && s.conn == 1)
        .collect()
}

/// The first repair of the client's data (Wireshark: retransmission, fast retransmission or
/// out-of-order), and its time.
fn first_repair(frames: &[OwnedFrame]) -> Option<(u64, i64)> {
    let mut engine = Engine::new(Config::default());
    for f in frames {
        let frame = f.as_frame();
        let p = decode(&frame);
        let a = engine.process(&frame, &p);
        if let (Some(flow), Some(t)) = (a.flow, a.tcp) {
            let repair = t.tags.has(Flag::Retransmission)
                || t.tags.has(Flag::FastRetransmission)
                || t.tags.has(Flag::OutOfOrder);
            if flow.direction == Direction::ClientToServer && t.len > 0 && repair {
                return Some((frame.number, frame.ts.map_or(0, |ts| ts.as_nanos())));
            }
        }
    }
    None
}

#[test]
fn a_lossy_transfer_is_read_every_few_ms_and_its_window_falls_after_the_repair() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let before = open_sockets();
    // Loss is random: a run may lose nothing that needs a repair; try a few.
    for attempt in 1..=4 {
        // 20 Mbit/s: 400 kB take ~160 ms, and the bottleneck's queue makes the round trip
        // (and so each recovery) last milliseconds, longer than a reading's period.
        let Some(r) = run(Scenario::Loss, 3, 20, Some("cubic")) else {
            return;
        };
        let frames = r.frames.as_ref().unwrap();
        let Some((frame, t_repair)) = first_repair(frames) else {
            eprintln!("attempt {attempt}: no repair on the wire, again");
            continue;
        };
        let client = readings(&r, "client");
        assert!(client
            .iter()
            .all(|s| s.cong.is_none() || s.cong.as_deref() == Some("cubic")));
        let sending: Vec<i64> = client
            .iter()
            .filter(|s| s.wqueue > 0 || s.info.is_some_and(|i| i.unacked > 0))
            .map(|s| s.t_ns)
            .collect();
        // While the client had data in flight or queued, a reading at least every 5 ms.
        support::assert_read_every_5ms(&format!("attempt {attempt}"), &sending);
        // The congestion window before the repair (frame `frame`) and after it.
        let cwnd = |s: &&&TcpInfoSample| s.info.map(|i| i.snd_cwnd);
        let before_max = client
            .iter()
            .filter(|s| s.t_ns <= t_repair && s.t_ns > t_repair - 100_000_000)
            .filter_map(|s| cwnd(&s))
            .max()
            .expect("readings before the repair");
        let after: Vec<&&TcpInfoSample> = client
            .iter()
            .filter(|s| s.t_ns > t_repair && s.t_ns < t_repair + 500_000_000)
            .collect();
        let after_min = after.iter().filter_map(cwnd).min().expect("readings after");
        assert!(
            after_min < before_max,
            "frame {frame}: cwnd {before_max} before the repair, {after_min} at least after"
        );
        assert!(
            after.iter().any(|s| s.info.is_some_and(|i| matches!(
                i.ca_state,
                synack::kernel::CaState::Recovery | synack::kernel::CaState::Loss
            ))),
            "the kernel went through Recovery or Loss after frame {frame}"
        );
        // What limited the sender, from the kernel: time in recovery or after a timeout.
        let (l, _) = synack::kernel::limits::limited_by(&client, Direction::ClientToServer);
        assert!(
            l.ns(Cause::LossRecovery) + l.ns(Cause::RetransmissionTimeout) > 0,
            "{l:?}"
        );
        // The samplers stopped: no socket of theirs is left open.
        assert_eq!(open_sockets(), before, "netlink sockets left open");
        return;
    }
    panic!("no repair in four lossy runs");
}

#[test]
fn after_every_close_lesson_the_kernels_last_states_are_synacks() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for sc in [
        Scenario::CloseClientFirst,
        Scenario::CloseServerFirst,
        Scenario::CloseCombined,
        Scenario::HalfClose,
    ] {
        let Some(r) = run(sc, 0, 0, None) else {
            return;
        };
        let frames = r.frames.as_ref().unwrap();
        let mut engine = Engine::new(Config::default());
        for f in frames {
            let frame = f.as_frame();
            let p = decode(&frame);
            engine.process(&frame, &p);
        }
        let conns = engine.into_connections();
        let c = conns.first().expect("a connection");
        let inferred = c.states().expect("tcp");
        for (actor, side) in [("client", 0), ("server", 1)] {
            let last = readings(&r, actor)
                .last()
                .copied()
                .unwrap_or_else(|| panic!("{sc}: no reading of the {actor}"));
            assert_eq!(
                last.state,
                inferred[side].name(),
                "{sc}: the {actor}'s kernel state against synack's"
            );
        }
    }
}

/// The kernel's verdict for the client's sending on each of the run's TCP connections, in
/// stream order: (main cause, seconds per cause).
fn client_verdicts(r: &live::LiveRun) -> Vec<(Option<Cause>, synack::analysis::LimitedBy)> {
    let mut engine = Engine::new(Config::default());
    for f in r.frames.as_ref().unwrap() {
        let frame = f.as_frame();
        let p = decode(&frame);
        engine.process(&frame, &p);
    }
    engine
        .into_connections()
        .iter()
        .filter(|c| c.tcp.is_some())
        .map(|c| {
            let v = synack::kernel::limits::sender_verdicts(c, &r.trace.tcp_info);
            let (_, source, l) = v
                .into_iter()
                .find(|v| v.0 == Direction::ClientToServer)
                .expect("the client sent data");
            let of_client: Vec<_> = r
                .trace
                .tcp_info
                .iter()
                .filter(|s| s.actor == "client")
                .map(|s| {
                    (
                        s.conn,
                        s.t_ns,
                        &s.state,
                        s.info.map(|i| (i.unacked, i.notsent_bytes)),
                    )
                })
                .collect();
            assert_eq!(
                source, "kernel",
                "{}: the verdict comes from the readings of the client's socket {} -> {}; the \
                 client's readings (conn, time, state, unacked and unsent): {of_client:?}",
                r.trace.scenario, c.originator, c.responder
            );
            (l.main(), l)
        })
        .collect()
}

#[test]
fn the_kernels_verdict_names_the_cause_each_lesson_was_built_for() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // A sender that sleeps between its sends; a reader that stops reading.
    for (sc, cause) in [
        (Scenario::FixDelay, Cause::Application),
        (Scenario::ZeroWindow, Cause::ReceiverWindow),
    ] {
        let Some(r) = run(sc, 0, 0, None) else {
            return;
        };
        let v = client_verdicts(&r);
        assert_eq!(v.len(), 1, "{sc}");
        assert_eq!(v[0].0, Some(cause), "{sc}: {:?}", v[0].1);
    }
    // The same 200 kB through 10 Mbit/s, with the kernel's own send buffer, then with
    // SO_SNDBUF 4 KiB: the second waits for room in its buffer most of its time.
    let Some(r) = run(Scenario::SendBuffer, 0, 0, None) else {
        return;
    };
    let v = client_verdicts(&r);
    assert_eq!(v.len(), 2, "two connections");
    let (default, small) = (&v[0].1, &v[1].1);
    assert_eq!(
        v[1].0,
        Some(Cause::SendBuffer),
        "SO_SNDBUF 4 KiB: {small:?}"
    );
    assert!(
        small.ns(Cause::SendBuffer) * 2 > small.total_ns(),
        "most of the small buffer's time: {small:?}"
    );
    assert_ne!(
        v[0].0,
        Some(Cause::SendBuffer),
        "default buffer: {default:?}"
    );
    assert!(
        default.ns(Cause::SendBuffer) * 10 < default.total_ns(),
        "the default buffer hardly waits: {default:?}"
    );
    // The kernel counted the wait itself (its sndbuf_limited chrono), on the second
    // connection only.
    let counted = |conn: u32| {
        r.trace
            .tcp_info
            .iter()
            .filter(|s| s.actor == "client" && s.conn == conn)
            .filter_map(|s| s.info.map(|i| i.sndbuf_limited))
            .max()
            .unwrap_or(0)
    };
    assert!(counted(2) > 0, "sndbuf_limited on the small buffer");
}
