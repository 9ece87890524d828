//! Criterion benchmarks of the first two stages: reading a capture file and decoding frames,
//! in frames per second, so regressions show.

use std::hint::black_box;
use std::io::Cursor;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use synack::capture::{FileReader, FrameSource, OwnedFrame};
use synack::decode::decode;

/// A real lossy bulk transfer (672 frames, 631 KB) from the test corpus.
const CAPTURE: &[u8] = include_bytes!("../tests/captures/zeek-206_example_a.pcap");

fn frames() -> Vec<OwnedFrame> {
    let mut r = FileReader::from_reader("bench.pcap", Cursor::new(CAPTURE)).unwrap();
    let mut v = Vec::new();
    while let Some(f) = r.next_frame().unwrap() {
        v.push(f.to_owned());
    }
    v
}

fn bench(c: &mut Criterion) {
    let owned = frames();
    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Elements(owned.len() as u64));
    g.bench_function("read_file", |b| {
        b.iter(|| {
            let mut r = FileReader::from_reader("bench.pcap", Cursor::new(CAPTURE)).unwrap();
            let mut n = 0usize;
            while let Some(f) = r.next_frame().unwrap() {
                n += f.data.len();
            }
            black_box(n)
        })
    });
    g.bench_function("decode", |b| {
        b.iter(|| {
            let mut n = 0u32;
            for f in &owned {
                let p = decode(&f.as_frame());
                n = n.wrapping_add(p.tcp().map_or(0, |t| t.len));
            }
            black_box(n)
        })
    });
    g.bench_function("read_and_decode", |b| {
        b.iter(|| {
            let mut r = FileReader::from_reader("bench.pcap", Cursor::new(CAPTURE)).unwrap();
            let mut n = 0u32;
            while let Some(f) = r.next_frame().unwrap() {
                n = n.wrapping_add(decode(&f).tcp().map_or(0, |t| t.len));
            }
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
