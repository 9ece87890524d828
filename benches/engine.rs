//! Throughput of the analysis engine alone (packets per second): frames are read and decoded
//! before timing, so only `Engine::process` is measured.
//!
//! `cargo bench --bench engine`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use etherparse::PacketBuilder;
use synack::analysis::{Config, Engine};
use synack::capture::{FileReader, FrameSource, LinkType, OwnedFrame, Timestamp};
use synack::decode::{decode, Packet};

/// Every frame of the test corpus, decoded.
fn corpus() -> Vec<(OwnedFrame, Packet)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/captures");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let Ok(mut r) = FileReader::open(&p) else {
            continue;
        };
        while let Ok(Some(f)) = r.next_frame() {
            let pkt = decode(&f);
            out.push((f.to_owned(), pkt));
        }
    }
    out
}

/// Many short TCP connections: handshake, request, response in 10 segments, close.
fn synthetic(conns: u16) -> Vec<(OwnedFrame, Packet)> {
    let mut out = Vec::new();
    let mut n = 0u64;
    let mut push = |sp: u16, from_client: bool, f: &str, seq: u32, ack: u32, len: usize| {
        n += 1;
        let (src, dst, a, b) = if from_client {
            ([10, 0, 0, 1], [10, 0, 0, 2], sp, 80)
        } else {
            ([10, 0, 0, 2], [10, 0, 0, 1], 80, sp)
        };
        let mut bld = PacketBuilder::ethernet2([0; 6], [0; 6])
            .ipv4(src, dst, 64)
            .tcp(a, b, seq, 8192);
        for c in f.chars() {
            bld = match c {
                'S' => bld.syn(),
                'A' => bld.ack(ack),
                'F' => bld.fin(),
                _ => bld.psh(),
            };
        }
        let mut data = Vec::new();
        bld.write(&mut data, &vec![0u8; len]).unwrap();
        let fr = OwnedFrame::packet(n, Timestamp(n as i64 * 10_000), LinkType::Ethernet, data);
        let pkt = decode(&fr.as_frame());
        out.push((fr, pkt));
    };
    for c in 0..conns {
        let sp = 10000 + c;
        let (ci, si) = (1000u32, 90000u32);
        push(sp, true, "S", ci, 0, 0);
        push(sp, false, "SA", si, ci + 1, 0);
        push(sp, true, "A", ci + 1, si + 1, 0);
        push(sp, true, "PA", ci + 1, si + 1, 200);
        for k in 0..10u32 {
            push(sp, false, "A", si + 1 + k * 1400, ci + 201, 1400);
            if k % 2 == 1 {
                push(sp, true, "A", ci + 201, si + 1 + (k + 1) * 1400, 0);
            }
        }
        push(sp, true, "FA", ci + 201, si + 14001, 0);
        push(sp, false, "FA", si + 14001, ci + 202, 0);
        push(sp, true, "A", ci + 202, si + 14002, 0);
    }
    out
}

fn run(frames: &[(OwnedFrame, Packet)]) -> u64 {
    let mut e = Engine::new(Config::default());
    let mut flagged = 0u64;
    for (f, p) in frames {
        let a = e.process(&f.as_frame(), p);
        if let Some(t) = a.tcp {
            flagged += t.tags.as_slice().len() as u64;
        }
    }
    flagged
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine");
    let corpus = corpus();
    g.throughput(Throughput::Elements(corpus.len() as u64));
    g.bench_function("test_corpus", |b| {
        b.iter(|| run(std::hint::black_box(&corpus)))
    });
    let synth = synthetic(2000);
    g.throughput(Throughput::Elements(synth.len() as u64));
    g.bench_function("synthetic_2000_connections", |b| {
        b.iter(|| run(std::hint::black_box(&synth)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
