//! Live scenarios: real sockets on loopback, captured on `lo`, show what they teach.
//!
//! Capturing needs root (or CAP_NET_RAW); without it each test prints why it is skipped and
//! returns (CI runs as root, so there they run).

mod common;

use common::{calls_account_for_bytes, check, segments};
use synack::gen::{live, GenOptions, Scenario};

fn run(sc: Scenario, ipv6: bool) {
    let opts = GenOptions {
        ipv6,
        ..GenOptions::default()
    };
    let r = match live::run(sc, &opts) {
        Ok(r) => r,
        Err(e) => panic!("{sc}: live run failed: {e:#}"),
    };
    let Some(frames) = r.frames else {
        eprintln!("SKIPPED {sc} live: {}", r.no_capture.unwrap_or_default());
        return;
    };
    let segs = segments(&frames);
    assert!(
        !segs.is_empty(),
        "{sc}: nothing captured with `{}`",
        r.filter
    );
    if let Err(e) = check(sc, &segs, Some(&r.trace)) {
        for s in &segs {
            eprintln!("{s:?}");
        }
        panic!("{sc} (live): {e}");
    }
    if let Err(e) = common::analysis::lesson(sc, &common::analysis::analyze(&frames)) {
        panic!("{sc} (live, analysis): {e}");
    }
    if let Err(e) = common::consistent(&segs) {
        panic!("{sc} (live): {e}");
    }
    if sc == Scenario::Sticky {
        calls_account_for_bytes(&segs, &r.trace, "client").unwrap();
    }
}

macro_rules! live_tests {
    ($($name:ident => $sc:expr,)*) => {
        $(#[test] fn $name() { run($sc, false); })*
    };
}

live_tests! {
    handshake => Scenario::Handshake,
    echo => Scenario::Echo,
    close_client_first => Scenario::CloseClientFirst,
    close_server_first => Scenario::CloseServerFirst,
    close_combined => Scenario::CloseCombined,
    half_close => Scenario::HalfClose,
    rst_abort => Scenario::RstAbort,
    refused => Scenario::Refused,
    sticky => Scenario::Sticky,
    split => Scenario::Split,
    fix_length_prefix => Scenario::FixLengthPrefix,
    fix_delimiter => Scenario::FixDelimiter,
    fix_delay => Scenario::FixDelay,
    fix_ack => Scenario::FixAck,
    nodelay => Scenario::Nodelay,
    file_transfer => Scenario::FileTransfer,
    http => Scenario::Http,
    concurrent => Scenario::Concurrent,
    udp_chat => Scenario::UdpChat,
    udp_broadcast => Scenario::UdpBroadcast,
    zero_window => Scenario::ZeroWindow,
    keep_alive => Scenario::KeepAlive,
}

#[test]
fn echo_over_ipv6() {
    run(Scenario::Echo, true);
}

#[test]
fn scenarios_loopback_cannot_force_are_refused_live() {
    for sc in [
        Scenario::CloseSimultaneous,
        Scenario::Loss,
        Scenario::Reorder,
    ] {
        assert!(live::run(sc, &GenOptions::default()).is_err(), "{sc}");
    }
}
