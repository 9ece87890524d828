//! Property tests: random and mutated bytes never make the decoder or the file reader panic,
//! and the reader never returns more frames than fit in the bytes it was given.

use std::io::Cursor;

use proptest::prelude::*;
use synack::capture::{FileReader, FrameSource, LinkType, OwnedFrame, Timestamp};
use synack::decode::decode;

const LINKS: [u32; 10] = [0, 1, 12, 101, 108, 113, 228, 229, 276, 147];

fn seed_files() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/captures");
    [
        "tcpdump-dns_tcp.pcap",
        "sanders-tcp_dupack.pcapng",
        "gopacket-be-test202.pcapng",
        "pcpp-nanosecs_big_endian.pcap",
        "zeek-pipelining-example.pcap",
    ]
    .iter()
    .map(|f| std::fs::read(format!("{dir}/{f}")).unwrap())
    .collect()
}

/// Reads a whole in-memory file, decoding every frame; returns the frame count.
fn read_all(bytes: Vec<u8>) -> usize {
    let len = bytes.len();
    let Ok(mut r) = FileReader::from_reader("fuzz.pcap", Cursor::new(bytes)) else {
        return 0;
    };
    let mut n = 0;
    while let Ok(Some(f)) = r.next_frame() {
        let p = decode(&f);
        let _ = p.payload(f.data);
        n += 1;
        assert!(n <= len, "more frames than bytes");
    }
    n
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn decoder_survives_random_bytes(link in prop::sample::select(&LINKS[..]),
                                     data in prop::collection::vec(any::<u8>(), 0..200),
                                     extra in 0u32..2000) {
        let mut f = OwnedFrame::packet(1, Timestamp(0), LinkType::from_number(link), data);
        f.len += extra;
        let p = decode(&f.as_frame());
        let _ = p.payload(&f.data);
        if let Some(t) = p.tcp() {
            for o in t.options.iter(&f.data) { let _ = o.describe(); }
        }
    }

    #[test]
    fn decoder_survives_mutated_ipv4_tcp(flips in prop::collection::vec((0usize..80, any::<u8>()), 1..8),
                                         cut in 0usize..80) {
        // A valid Ethernet/IPv4/TCP SYN with options, then corrupted and cut.
        let mut v = Vec::new();
        etherparse::PacketBuilder::ethernet2([1; 6], [2; 6])
            .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
            .tcp(1, 2, 3, 4)
            .syn()
            .options(&[etherparse::TcpOptionElement::MaximumSegmentSize(1460),
                       etherparse::TcpOptionElement::Timestamp(1, 2)])
            .unwrap()
            .write(&mut v, b"payload")
            .unwrap();
        for (i, b) in flips { let n = v.len(); v[i % n] = b; }
        let wire = v.len() as u32;
        v.truncate(v.len().saturating_sub(cut));
        let mut f = OwnedFrame::packet(1, Timestamp(0), LinkType::Ethernet, v);
        f.len = wire;
        let p = decode(&f.as_frame());
        let _ = p.payload(&f.data);
    }

    #[test]
    fn reader_survives_mutated_files(which in 0usize..5,
                                     flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..12),
                                     cut in any::<prop::sample::Index>()) {
        let mut files = seed_files();
        let mut bytes = std::mem::take(&mut files[which]);
        for (at, b) in flips { let i = at.index(bytes.len()); bytes[i] = b; }
        let keep = cut.index(bytes.len() + 1);
        bytes.truncate(keep.max(1));
        read_all(bytes);
    }

    #[test]
    fn reader_survives_random_bytes(data in prop::collection::vec(any::<u8>(), 0..600),
                                    magic in prop::sample::select(vec![
                                        vec![0xd4, 0xc3, 0xb2, 0xa1], vec![0xa1, 0xb2, 0xc3, 0xd4],
                                        vec![0x4d, 0x3c, 0xb2, 0xa1], vec![0x0a, 0x0d, 0x0d, 0x0a],
                                        vec![]])) {
        let mut bytes = magic;
        bytes.extend(data);
        read_all(bytes);
    }
}

#[test]
fn unmutated_seed_files_read_completely() {
    let counts: Vec<usize> = seed_files().into_iter().map(read_all).collect();
    assert_eq!(counts, [11, 9, 11, 10, 12]);
}
