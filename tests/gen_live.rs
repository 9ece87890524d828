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
    if let Err(e) = common::calls_entered_before_their_frames(&segs, &r.trace) {
        panic!("{sc} (live, call times): {e}");
    }
    if sc == Scenario::Sticky {
        calls_account_for_bytes(&segs, &r.trace, "client").unwrap();
    }
}

/// One test per lesson: the live ones run; the rest must be refused on loopback.
fn lesson(sc: Scenario) {
    if sc.live_capable() {
        run(sc, false);
    } else {
        let e = live::run(sc, &GenOptions::default()).expect_err("no live form");
        let elsewhere = if sc.synthetic_capable() {
            "--synthetic"
        } else {
            "--netns"
        };
        assert!(e.to_string().contains(elsewhere), "{sc}: {e}");
    }
}

test_each_lesson!(lesson);

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
