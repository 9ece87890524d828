//! One captured record: bytes plus the metadata needed to decode and order it.

use super::LinkType;

/// A capture timestamp in nanoseconds since the Unix epoch.
///
/// Nanoseconds in an `i64` cover 1678–2262, enough for any capture, and keep arithmetic on
/// time differences exact (microsecond and nanosecond files both fit without rounding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Builds a timestamp from seconds and nanoseconds.
    pub fn from_parts(secs: i64, nanos: i64) -> Timestamp {
        Timestamp(secs.saturating_mul(1_000_000_000).saturating_add(nanos))
    }

    /// Seconds since the epoch as a float, as tshark prints `frame.time_epoch`.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }

    /// Nanoseconds since the epoch.
    pub fn as_nanos(self) -> i64 {
        self.0
    }

    /// Whole seconds and the nanosecond remainder (non-negative), for exact printing.
    pub fn split(self) -> (i64, u32) {
        (
            self.0.div_euclid(1_000_000_000),
            self.0.rem_euclid(1_000_000_000) as u32,
        )
    }
}

/// What kind of record a frame is.
///
/// pcapng files can hold records that are not packets (custom blocks, systemd journal
/// entries); Wireshark numbers them as frames, so synack keeps them too, to keep frame numbers
/// equal to `frame.number`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// A network packet.
    Packet,
    /// A pcapng custom block (vendor data, Private Enterprise Number given).
    CustomBlock {
        /// The vendor's IANA Private Enterprise Number.
        pen: u32,
    },
    /// A pcapng systemd journal export block.
    JournalEntry,
}

/// A captured record: its metadata and its bytes, held as `B`.
///
/// One definition serves every holder of a frame, so the metadata fields are written once:
/// a source hands out [`Frame`] (bytes borrowed from its buffer), stores and channels keep
/// [`OwnedFrame`], and a store that keeps the bytes elsewhere keeps `FrameOf<()>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameOf<B> {
    /// 1-based record number in the source, equal to tshark's `frame.number`.
    pub number: u64,
    /// Capture time; `None` for records without one (pcapng simple packet and custom blocks).
    pub ts: Option<Timestamp>,
    /// Original length of the packet on the wire (`len`); the captured length is the bytes'.
    pub len: u32,
    /// Link type of the interface the frame was captured on.
    pub link: LinkType,
    /// Interface index within the file (pcapng) or 0.
    pub interface: u32,
    /// Packet or another kind of record.
    pub kind: RecordKind,
    /// The captured bytes (`caplen` = their length), or where they are kept.
    pub data: B,
}

/// A captured frame borrowed from its source's buffer.
pub type Frame<'a> = FrameOf<&'a [u8]>;

/// A frame that owns its bytes: for stores, channels between threads and tests.
pub type OwnedFrame = FrameOf<Vec<u8>>;

impl<B> FrameOf<B> {
    /// The same metadata with other bytes (or a place where the bytes are kept).
    pub fn with_data<C>(&self, data: C) -> FrameOf<C> {
        FrameOf {
            number: self.number,
            ts: self.ts,
            len: self.len,
            link: self.link,
            interface: self.interface,
            kind: self.kind,
            data,
        }
    }
}

impl<B: AsRef<[u8]>> FrameOf<B> {
    /// Captured length.
    pub fn caplen(&self) -> u32 {
        self.data.as_ref().len() as u32
    }

    /// True when the snapshot length cut the frame (captured length below original length).
    pub fn is_truncated(&self) -> bool {
        (self.data.as_ref().len() as u64) < u64::from(self.len)
    }

    /// Borrows this frame in the form sources hand out.
    pub fn as_frame(&self) -> Frame<'_> {
        self.with_data(self.data.as_ref())
    }
}

impl Frame<'_> {
    /// Copies the frame out of the source's buffer.
    pub fn to_owned(&self) -> OwnedFrame {
        self.with_data(self.data.to_vec())
    }
}

impl OwnedFrame {
    /// A packet frame with full capture (`len` = bytes given), for tests and generators.
    pub fn packet(number: u64, ts: Timestamp, link: LinkType, data: Vec<u8>) -> OwnedFrame {
        OwnedFrame {
            number,
            ts: Some(ts),
            len: data.len() as u32,
            link,
            interface: 0,
            kind: RecordKind::Packet,
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_split_and_float() {
        let t = Timestamp::from_parts(1_340_954_905, 298_858_000);
        assert_eq!(t.split(), (1_340_954_905, 298_858_000));
        assert!((t.as_secs_f64() - 1_340_954_905.298858).abs() < 1e-6);
        assert_eq!(Timestamp(-1).split(), (-1, 999_999_999));
    }

    #[test]
    fn truncation_is_caplen_below_len() {
        let mut f = OwnedFrame::packet(1, Timestamp(0), LinkType::Ethernet, vec![0; 60]);
        assert!(!f.as_frame().is_truncated());
        f.len = 1514;
        assert!(f.as_frame().is_truncated());
        assert_eq!(f.as_frame().caplen(), 60);
    }
}
