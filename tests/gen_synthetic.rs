//! Every scenario's synthetic capture shows what the scenario teaches.

mod common;

use common::{calls_account_for_bytes, check, consistent, segments};
use synack::gen::{synthesize_frames, GenOptions, Scenario};

fn run(sc: Scenario) {
    let opts = GenOptions {
        connections: 20,
        packets: 3000,
        ..GenOptions::default()
    };
    if !sc.synthetic_capable() {
        // A lesson about real kernels: refused, saying where it runs.
        let e = synack::gen::synthesize(sc, &opts, &mut Vec::new()).expect_err("no synthetic form");
        assert!(e.to_string().contains("--netns"), "{sc}: {e}");
        return;
    }
    let (frames, trace) = synthesize_frames(sc, &opts);
    assert!(!frames.is_empty(), "{sc}: no frames");
    let segs = segments(&frames);
    assert_eq!(
        segs.len(),
        frames.len(),
        "{sc}: every frame decodes as TCP/UDP over IP"
    );
    if let Err(e) = check(sc, &segs, Some(&trace)) {
        panic!("{sc}: {e}");
    }
    if let Err(e) = consistent(&segs) {
        panic!("{sc}: inconsistent TCP arithmetic: {e}");
    }
    if sc != Scenario::Flood {
        assert!(!trace.calls.is_empty(), "{sc}: calls recorded");
        assert!(
            trace.calls.windows(2).all(|w| w[0].t_ns <= w[1].t_ns),
            "{sc}: calls in time order"
        );
    }
}

test_each_lesson!(run);

#[test]
fn every_scenario_has_a_test_above() {
    // The lesson list and Scenario::ALL must not drift apart.
    assert_eq!(Scenario::ALL.len(), 30);
}

#[test]
fn sticky_calls_account_for_every_byte() {
    let (frames, trace) = synthesize_frames(Scenario::Sticky, &GenOptions::default());
    let segs = segments(&frames);
    calls_account_for_bytes(&segs, &trace, "client").unwrap();
    // And the check does fail when a byte is missing.
    let mut broken = trace.clone();
    if let Some(c) = broken
        .calls
        .iter_mut()
        .find(|c| c.call == synack::calls::CallKind::Send)
    {
        c.bytes += 1;
    }
    assert!(calls_account_for_bytes(&segs, &broken, "client").is_err());
}

#[test]
fn same_seed_same_bytes_other_seed_other_isns() {
    let a = synthesize_frames(Scenario::Echo, &GenOptions::default()).0;
    let b = synthesize_frames(Scenario::Echo, &GenOptions::default()).0;
    assert_eq!(a, b);
    let c = synthesize_frames(
        Scenario::Echo,
        &GenOptions {
            seed: 2,
            ..GenOptions::default()
        },
    )
    .0;
    assert_eq!(a.len(), c.len());
    assert_ne!(segments(&a)[0].seq, segments(&c)[0].seq);
}

#[test]
fn syn_options_are_linux_like() {
    let frames = synthesize_frames(Scenario::Handshake, &GenOptions::default()).0;
    let f = frames[0].as_frame();
    let p = synack::decode::decode(&f);
    let tcp = p.tcp().unwrap();
    assert_eq!(tcp.options.mss, Some(1460));
    assert_eq!(tcp.options.window_scale, Some(7));
    assert!(tcp.options.sack_permitted);
    assert!(tcp.options.timestamp.is_some());
    assert_eq!(tcp.window, 64240);
    assert!(p.ip().unwrap().dont_fragment);
}

#[test]
fn ipv6_synthetic_works() {
    let opts = GenOptions {
        ipv6: true,
        ..GenOptions::default()
    };
    for sc in Scenario::ALL
        .into_iter()
        .filter(|sc| sc.synthetic_capable())
    {
        let (frames, trace) = synthesize_frames(sc, &opts);
        let segs = segments(&frames);
        assert_eq!(segs.len(), frames.len(), "{sc}");
        assert!(segs.iter().all(|s| s.src.is_ipv6()), "{sc}");
        check(sc, &segs, Some(&trace)).unwrap_or_else(|e| panic!("{sc} v6: {e}"));
        consistent(&segs).unwrap_or_else(|e| panic!("{sc} v6: {e}"));
    }
}

#[test]
fn flood_has_exact_frames_and_all_connections() {
    let opts = GenOptions {
        connections: 50,
        packets: 5000,
        loss_pct: 5,
        ..GenOptions::default()
    };
    let (frames, _) = synthesize_frames(Scenario::Flood, &opts);
    assert_eq!(frames.len(), 5000);
    let segs = segments(&frames);
    let syns = segs.iter().filter(|s| s.syn() && !s.is_ack()).count();
    assert_eq!(syns, 50);
    // Connections interleave: the second SYN comes before the first FIN.
    let first_fin = segs.iter().position(|s| s.fin()).unwrap();
    let second_syn = segs
        .iter()
        .filter(|s| s.syn() && !s.is_ack())
        .nth(1)
        .unwrap();
    assert!(second_syn.n < first_fin);
}

#[test]
fn checks_fail_on_the_wrong_capture() {
    // Each lesson check rejects a capture of a neighbouring scenario that lacks the lesson.
    for (lesson, other) in common::WRONG_CAPTURES {
        let (frames, trace) = synthesize_frames(other, &GenOptions::default());
        let segs = segments(&frames);
        assert!(
            check(lesson, &segs, Some(&trace)).is_err(),
            "the {lesson} check accepted a {other} capture"
        );
    }
}

#[test]
fn consistency_check_rejects_impossible_segments() {
    let (frames, _) = synthesize_frames(Scenario::Echo, &GenOptions::default());
    let segs = segments(&frames);
    consistent(&segs).unwrap();
    let i = segs.iter().position(|s| !s.payload.is_empty()).unwrap() + 1;
    let mut bad = segs.clone();
    bad[i].ack = bad[i].ack.wrapping_add(100_000);
    assert!(consistent(&bad).is_err(), "ACK of unsent bytes");
    let mut bad = segs.clone();
    if let Some(ts) = bad[i].ts.as_mut() {
        ts.1 ^= 0x5555;
    }
    assert!(consistent(&bad).is_err(), "TSecr of nothing sent");
}
