//! A streaming pcap writer: one global header, then one record per frame.
//!
//! The generator and the live capture both need to *save* frames; the classic pcap format
//! (nanosecond variant, magic `a1b23c4d`) is read by every tool (tcpdump, Wireshark, tshark,
//! synack) and needs nothing but a header per record, so frames go straight to the output with
//! no buffering beyond the `Write` given (wrap a file in `BufWriter`). Memory does not grow
//! with the number of frames, which is what lets `synack gen flood` write a million packets.

use std::io::{self, Write};

use super::{LinkType, Timestamp};

/// Magic number of a pcap file with nanosecond timestamps, written in native order as
/// libpcap does (readers detect the byte order from it).
const MAGIC_NANOS: u32 = 0xa1b2_3c4d;

/// Writes frames to a classic pcap stream (nanosecond timestamps, one link type).
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
    snaplen: u32,
    frames: u64,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the global header. `snaplen` is only recorded (frames are never cut here).
    pub fn new(mut out: W, link: LinkType, snaplen: u32) -> io::Result<Self> {
        let mut h = [0u8; 24];
        h[0..4].copy_from_slice(&MAGIC_NANOS.to_ne_bytes());
        h[4..6].copy_from_slice(&2u16.to_ne_bytes());
        h[6..8].copy_from_slice(&4u16.to_ne_bytes());
        // thiszone and sigfigs are 0.
        h[16..20].copy_from_slice(&snaplen.to_ne_bytes());
        h[20..24].copy_from_slice(&link.number().to_ne_bytes());
        out.write_all(&h)?;
        Ok(PcapWriter {
            out,
            snaplen,
            frames: 0,
        })
    }

    /// Appends one frame captured at `ts` whose original length was `orig_len` (at least
    /// `data.len()`). Data longer than the snapshot length is cut to it, as libpcap would.
    pub fn write_frame(&mut self, ts: Timestamp, orig_len: u32, data: &[u8]) -> io::Result<()> {
        let caplen = data.len().min(self.snaplen as usize);
        let (secs, nanos) = ts.split();
        let mut h = [0u8; 16];
        h[0..4].copy_from_slice(&(secs.clamp(0, i64::from(u32::MAX)) as u32).to_ne_bytes());
        h[4..8].copy_from_slice(&nanos.to_ne_bytes());
        h[8..12].copy_from_slice(&(caplen as u32).to_ne_bytes());
        h[12..16].copy_from_slice(&orig_len.max(caplen as u32).to_ne_bytes());
        self.out.write_all(&h)?;
        self.out.write_all(&data[..caplen])?;
        self.frames += 1;
        Ok(())
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{FileReader, FrameSource};

    #[test]
    fn round_trips_through_the_reader() {
        let mut w = PcapWriter::new(Vec::new(), LinkType::Ethernet, 65535).unwrap();
        w.write_frame(
            Timestamp::from_parts(1_700_000_000, 123_456_789),
            60,
            &[7u8; 60],
        )
        .unwrap();
        w.write_frame(Timestamp::from_parts(1_700_000_001, 5), 1514, &[1u8; 64])
            .unwrap();
        assert_eq!(w.frames(), 2);
        let bytes = w.finish().unwrap();
        let mut r = FileReader::from_reader("mem", io::Cursor::new(bytes)).unwrap();
        let f = r.next_frame().unwrap().unwrap();
        assert_eq!(
            f.ts,
            Some(Timestamp::from_parts(1_700_000_000, 123_456_789))
        );
        assert_eq!((f.data.len(), f.len, f.link), (60, 60, LinkType::Ethernet));
        let f = r.next_frame().unwrap().unwrap();
        assert_eq!((f.data.len(), f.len), (64, 1514));
        assert!(f.is_truncated());
        assert!(r.next_frame().unwrap().is_none());
    }

    #[test]
    fn cuts_at_the_snapshot_length() {
        let mut w = PcapWriter::new(Vec::new(), LinkType::Raw, 10).unwrap();
        w.write_frame(Timestamp(0), 0, &[0u8; 40]).unwrap();
        let bytes = w.finish().unwrap();
        assert_eq!(bytes.len(), 24 + 16 + 10);
        assert_eq!(
            u32::from_ne_bytes(bytes[24 + 12..24 + 16].try_into().unwrap()),
            40
        );
    }
}
