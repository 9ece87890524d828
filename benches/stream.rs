//! Reassembly and framing throughput (`cargo bench --bench stream`).
//!
//! The per-packet hot path: in-order and reordered segments through a `Reassembler` into a
//! `DirectionStream`, then framing and sticky-packet annotation of the result, and the whole
//! per-packet path of `synack flows` after the engine (follow, frame at close, release) on a
//! generator flood. Reassembly, annotation and following report packets (segments) per
//! second; framing reports bytes per second (it reads reassembled streams, not packets).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use synack::analysis::{Config, Engine};
use synack::capture::Timestamp;
use synack::decode::decode;
use synack::gen::{synthesize_frames, GenOptions, Scenario};
use synack::stream::follow::{frame_connection, FollowLimits, Follower, FramingChoice};
use synack::stream::{
    annotate, frame_stream, DirectionStream, Framing, Limits, MemoryBudget, Reassembler, SegmentIn,
};

const MSS: usize = 1448;

/// 4 MiB of u32be-framed messages of 1 to 300 bytes.
fn stream_bytes() -> Vec<u8> {
    let mut v = Vec::with_capacity(4 << 20);
    let mut i = 0u32;
    while v.len() < 4 << 20 {
        let n = (i * 7919) % 300 + 1;
        v.extend_from_slice(&n.to_be_bytes());
        v.extend(std::iter::repeat_n(i as u8, n as usize));
        i += 1;
    }
    v
}

fn reassemble(bytes: &[u8], order: &[usize]) -> DirectionStream {
    let mut r = Reassembler::new(Limits::default());
    let mut budget = MemoryBudget::default();
    let mut d = DirectionStream::default();
    for (k, &i) in order.iter().enumerate() {
        let start = i * MSS;
        let end = (start + MSS).min(bytes.len());
        let seg = SegmentIn {
            seq: 1000u32.wrapping_add(start as u32),
            payload: &bytes[start..end],
            claimed_len: (end - start) as u32,
            frame: k as u64,
            ts: Timestamp(k as i64),
            syn: false,
            fin: false,
        };
        r.push(seg, &mut budget, &mut d);
    }
    r.flush(&mut budget, &mut d);
    d
}

fn bench(c: &mut Criterion) {
    let bytes = stream_bytes();
    let n = bytes.len().div_ceil(MSS);
    let in_order: Vec<usize> = (0..n).collect();
    // Every 8 segments arrive reversed: constant out-of-order buffering.
    let reordered: Vec<usize> = in_order
        .chunks(8)
        .flat_map(|c| c.iter().rev().copied())
        .collect();
    let mut g = c.benchmark_group("reassembly");
    // Segments per second (one segment = one packet).
    g.throughput(Throughput::Elements(n as u64));
    for (name, order) in [("in_order", &in_order), ("reordered_by_8", &reordered)] {
        g.bench_with_input(BenchmarkId::from_parameter(name), order, |b, o| {
            b.iter(|| black_box(reassemble(&bytes, o)))
        });
    }
    g.finish();

    let d = reassemble(&bytes, &in_order);
    let mut g = c.benchmark_group("framing");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    for f in ["u32be", "line", "resp"] {
        let framing: Framing = f.parse().unwrap();
        g.bench_function(f, |b| b.iter(|| black_box(frame_stream(&d, framing))));
    }
    g.finish();
    let framed = frame_stream(&d, "u32be".parse().unwrap());
    let mut g = c.benchmark_group("sticky");
    g.throughput(Throughput::Elements(d.segments.len() as u64));
    g.bench_function("annotate", |b| {
        b.iter(|| black_box(annotate(&d.segments, &framed.messages)))
    });
    g.finish();

    // What `synack flows` does per packet after the engine: every TCP connection of a lossy
    // generator flood followed, framed (auto) at its close and released.
    let opts = GenOptions {
        connections: 200,
        packets: 20_000,
        loss_pct: 2,
        ..GenOptions::default()
    };
    let (frames, _) = synthesize_frames(Scenario::Flood, &opts);
    let mut engine = Engine::new(Config::default());
    let analysed: Vec<_> = frames
        .iter()
        .map(|f| {
            let p = decode(&f.as_frame());
            let a = engine.process(&f.as_frame(), &p);
            (p, a)
        })
        .collect();
    let limits = FollowLimits {
        kept_per_direction: 16 << 20,
        kept_total: 256 << 20,
        ..FollowLimits::default()
    };
    let mut g = c.benchmark_group("follow");
    g.throughput(Throughput::Elements(frames.len() as u64));
    g.bench_function("flood_follow_frame_release", |b| {
        b.iter(|| {
            let mut f = Follower::releasing(limits);
            let mut messages = 0usize;
            for (fr, (p, a)) in frames.iter().zip(&analysed) {
                f.process(&fr.as_frame(), p, a);
                if let Some(conn) = f.take_finished() {
                    let m = frame_connection(&conn, FramingChoice::Auto);
                    messages += m.dirs[0].framed.messages.len();
                }
            }
            black_box(messages)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
