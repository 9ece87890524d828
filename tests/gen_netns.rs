//! `--netns`: scenarios between namespaces through a router, with nftables loss. Needs root;
//! skips with a printed reason otherwise (CI runs as root).

mod common;

use std::process::Command;
use std::sync::Mutex;

/// The tests share one process: serialize them so "no namespace of this process is left"
/// is checked while no other run is alive.
static SERIAL: Mutex<()> = Mutex::new(());

use common::{check, segments};
use synack::gen::{live, netns, GenOptions, Scenario};

fn namespaces_of_this_process() -> Vec<String> {
    let out = Command::new("ip")
        .args(["netns", "list"])
        .output()
        .expect("ip netns list");
    let prefix = format!("synack-gen-{}x", std::process::id());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with(&prefix))
        .map(str::to_owned)
        .collect()
}

/// Holds the lock that serializes the tests.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn assert_no_namespaces_left() {
    assert!(
        namespaces_of_this_process().is_empty(),
        "namespaces left behind"
    );
}

fn run(sc: Scenario, loss_pct: u32) -> Option<Vec<common::Seg>> {
    if !netns::available() {
        eprintln!("SKIPPED {sc} --netns: needs root with ip and nft");
        return None;
    }
    let opts = GenOptions {
        loss_pct,
        ..GenOptions::default()
    };
    let r = live::run_netns(sc, &opts).unwrap_or_else(|e| panic!("{sc} --netns: {e:#}"));
    let frames = r
        .frames
        .unwrap_or_else(|| panic!("{sc}: no capture: {:?}", r.no_capture));
    let segs = segments(&frames);
    if let Err(e) = check(sc, &segs, Some(&r.trace)) {
        panic!("{sc} (netns, loss {loss_pct}%): {e}");
    }
    let a = common::analysis::analyze(&frames);
    if sc == Scenario::Loss {
        use synack::analysis::Flag;
        // With a sub-millisecond RTT Wireshark (and synack) call many repairs out-of-order.
        let repaired = a.count(Flag::Retransmission) + a.count(Flag::OutOfOrder);
        assert!(
            repaired >= 1 && a.count(Flag::DuplicateAck) >= 1,
            "{sc}: analysis sees the recovery"
        );
    } else if let Err(e) = common::analysis::lesson(sc, &a) {
        panic!("{sc} (netns, analysis): {e}");
    }
    Some(segs)
}

#[test]
fn netns_scenarios_show_their_lessons_and_clean_up() {
    let _guard = serial();
    for sc in [
        Scenario::Handshake,
        Scenario::Sticky,
        Scenario::HalfClose,
        Scenario::Refused,
        Scenario::CloseCombined,
    ] {
        let Some(segs) = run(sc, 0) else { return };
        // Wire-sized: between namespaces the MSS is 1460, not loopback's 65483.
        assert!(segs.iter().all(|s| s.payload.len() <= 1448), "{sc}");
    }
    assert_no_namespaces_left();
}

#[test]
fn netns_loss_shows_the_kernels_recovery() {
    let _guard = serial();
    let Some(segs) = run(Scenario::Loss, 5) else {
        return;
    };
    // Through the router every data segment is at most one MSS.
    assert!(segs.iter().filter(|s| !s.payload.is_empty()).count() > 200);
    assert_no_namespaces_left();
}

#[test]
fn netns_refuses_what_it_cannot_force() {
    let _guard = serial();
    // Every lesson without a netns form, among them these three.
    let refused: Vec<Scenario> = Scenario::ALL
        .into_iter()
        .filter(|sc| !sc.netns_capable())
        .collect();
    for sc in [
        Scenario::Reorder,
        Scenario::CloseSimultaneous,
        Scenario::UdpChat,
    ] {
        assert!(refused.contains(&sc), "{sc}");
    }
    for sc in refused {
        assert!(live::run_netns(sc, &GenOptions::default()).is_err(), "{sc}");
    }
}

#[test]
fn cc_compare_runs_each_algorithm_and_the_kernel_confirms_it() {
    let _guard = serial();
    if !netns::available() {
        eprintln!("SKIPPED cc-compare --netns: needs root with ip and nft");
        return;
    }
    let opts = GenOptions {
        loss_pct: 1,
        ..GenOptions::default()
    };
    let r = live::run_netns(Scenario::CcCompare, &opts).expect("cc-compare --netns");
    let frames = r.frames.expect("captured");
    check(Scenario::CcCompare, &segments(&frames), Some(&r.trace)).unwrap();
    // The algorithm each client set is the one the kernel read on its socket while it sent.
    let set: Vec<(u32, String)> = r
        .trace
        .calls
        .iter()
        .filter_map(|c| {
            let name = c.note.as_deref()?.strip_prefix("TCP_CONGESTION=")?;
            Some((c.conn, name.to_owned()))
        })
        .collect();
    assert!(set.len() >= 2, "{set:?}");
    for (conn, name) in &set {
        let read: Vec<&str> = r
            .trace
            .tcp_info
            .iter()
            .filter(|s| s.actor == "client" && s.conn == *conn)
            .filter(|s| s.info.is_some_and(|i| i.unacked > 0))
            .filter_map(|s| s.cong.as_deref())
            .collect();
        assert!(
            read.len() > 20,
            "connection {conn}: {} readings",
            read.len()
        );
        assert!(
            read.iter().all(|c| c == name),
            "connection {conn} set {name}, the kernel read {read:?}"
        );
    }
    assert_no_namespaces_left();
}
