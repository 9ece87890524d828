//! Classic pcap files read through a memory map, records parsed in place.
//!
//! The streaming reader copies every byte twice (the kernel's `read()` into its buffer, then
//! the buffer's shifts); on a page-cached file that was a third of `synack flows`. Mapping the
//! file lets the frames borrow the page cache directly. Pages already parsed are handed back
//! to the kernel every [`RELEASE_EVERY`] bytes, so the resident set stays the same whatever the
//! file's size. Only regular classic-pcap files take this path; pcapng, pipes and in-memory
//! inputs keep the streaming reader, which reports damage the same way.

use std::fs::File;
use std::path::Path;

use memmap2::{Advice, Mmap, UncheckedAdvice};
use pcap_parser::nom;
use pcap_parser::{parse_pcap_frame, parse_pcap_frame_be, parse_pcap_header};

use super::file::{garbage_message, CaptureError, Pending, MAX_BUFFER};
use super::{LinkType, RecordKind, Timestamp};

/// Parsed bytes kept mapped before they are released (a multiple of every page size).
const RELEASE_EVERY: usize = 4 << 20;
/// A classic pcap file header's size.
const HEADER: usize = 24;
/// A classic pcap record header's size.
const RECORD_HEADER: usize = 16;

/// A mapped classic pcap file and the position of its next record.
pub(super) struct MappedPcap {
    map: Mmap,
    /// Offset of the next record.
    pos: usize,
    /// Bytes before this offset were released (`MADV_DONTNEED`).
    released: usize,
    big_endian: bool,
    snaplen: u32,
    link: LinkType,
    /// Timestamp units per second.
    ts_units: u64,
}

impl MappedPcap {
    /// Maps `file` when it is a regular classic pcap file whose header parses; `None` sends
    /// the caller to the streaming reader (pcapng, pipes, damaged headers, empty files).
    pub(super) fn open(file: &File) -> Option<MappedPcap> {
        let meta = file.metadata().ok()?;
        if !meta.is_file() || meta.len() < HEADER as u64 {
            return None;
        }
        // SAFETY: the map is only read. Another process truncating the file while synack
        // reads it would fault (SIGBUS), as with any mmap reader (libpcap's included); the
        // bytes themselves are never trusted: every record is parsed with bounds checks.
        let map = unsafe { Mmap::map(file) }.ok()?;
        let (_, header) = parse_pcap_header(&map).ok()?;
        if header.is_modified_format() {
            return None;
        }
        // Purely a hint (more read-ahead); failing changes nothing.
        let _ = map.advise(Advice::Sequential);
        Some(MappedPcap {
            big_endian: header.is_bigendian(),
            snaplen: header.snaplen,
            link: LinkType::from_number(header.network.0 as u32),
            ts_units: if header.is_nanosecond_precision() {
                1_000_000_000
            } else {
                1_000_000
            },
            map,
            pos: HEADER,
            released: 0,
        })
    }

    /// The mapped file.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// Finds the next record; `frames` is the number of frames returned so far (for errors).
    pub(super) fn advance(
        &mut self,
        path: &Path,
        frames: u64,
    ) -> Result<Option<Pending>, CaptureError> {
        self.release_parsed();
        let rest = &self.map[self.pos..];
        if rest.is_empty() {
            return Ok(None);
        }
        let parsed = if self.big_endian {
            parse_pcap_frame_be(rest)
        } else {
            parse_pcap_frame(rest)
        };
        let corrupt = |what: String| CaptureError::Corrupt {
            path: path.to_path_buf(),
            offset: self.pos as u64,
            what,
        };
        match parsed {
            Ok((after, b)) => {
                let size = rest.len() - after.len();
                // The streaming reader's limit, kept so both paths accept the same files.
                if size >= MAX_BUFFER {
                    return Err(corrupt(format!(
                        "a block is larger than {} MiB",
                        MAX_BUFFER >> 20
                    )));
                }
                let ts = Timestamp::from_parts(
                    i64::from(b.ts_sec),
                    super::file::scale_to_nanos(u64::from(b.ts_usec), self.ts_units),
                );
                let pending = Pending {
                    ts: Some(ts),
                    len: b.origlen,
                    link: self.link,
                    interface: 0,
                    kind: RecordKind::Packet,
                    start: self.pos + RECORD_HEADER,
                    caplen: (b.caplen as usize).min(b.data.len()),
                };
                self.pos += size;
                Ok(Some(pending))
            }
            Err(nom::Err::Incomplete(_)) => {
                let big_endian = self.big_endian;
                if let Some(what) = garbage_message(rest, big_endian, self.snaplen, frames) {
                    return Err(corrupt(what));
                }
                Err(CaptureError::Truncated {
                    path: path.to_path_buf(),
                    offset: self.pos as u64,
                    left: rest.len(),
                    after_frame: frames,
                })
            }
            Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => {
                Err(corrupt(super::file::describe_parse_error(&e)))
            }
        }
    }

    /// Hands the pages of records already returned back to the kernel, so the resident set
    /// does not grow with the file. No frame borrows them any more: the caller's borrow of the
    /// previous frame ended when it asked for the next one.
    fn release_parsed(&mut self) {
        // Half a step of slack behind the next record.
        let upto = self.pos.saturating_sub(RECORD_HEADER + RELEASE_EVERY / 2);
        if upto < self.released + RELEASE_EVERY {
            return;
        }
        let len = (upto - self.released) / RELEASE_EVERY * RELEASE_EVERY;
        // SAFETY: the range is inside the map and read-only; no reference into it is alive
        // (see above). A dropped page of a file mapping reads back the same file bytes if it
        // were ever touched again, so this cannot change what any slice sees.
        let _ = unsafe {
            self.map
                .unchecked_advise_range(UncheckedAdvice::DontNeed, self.released, len)
        };
        self.released += len;
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;
    use std::path::PathBuf;

    use crate::capture::{CaptureError, FileReader, FrameSource, OwnedFrame};

    /// A classic pcap header (`magic` written little-endian, fields in the magic's order).
    fn header(big_endian: bool, nanos: bool) -> Vec<u8> {
        let magic: u32 = if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
        let fields: [u32; 4] = [0, 0, 65535, 1];
        let mut v = Vec::new();
        let u16s = |x: u16| {
            if big_endian {
                x.to_be_bytes()
            } else {
                x.to_le_bytes()
            }
        };
        let u32s = |x: u32| {
            if big_endian {
                x.to_be_bytes()
            } else {
                x.to_le_bytes()
            }
        };
        v.extend(u32s(magic));
        v.extend(u16s(2));
        v.extend(u16s(4));
        for f in fields {
            v.extend(u32s(f));
        }
        v
    }

    fn record(big_endian: bool, sec: u32, frac: u32, data: &[u8], orig: u32) -> Vec<u8> {
        let u32s = |x: u32| {
            if big_endian {
                x.to_be_bytes()
            } else {
                x.to_le_bytes()
            }
        };
        let mut v = Vec::new();
        v.extend(u32s(sec));
        v.extend(u32s(frac));
        v.extend(u32s(data.len() as u32));
        v.extend(u32s(orig));
        v.extend_from_slice(data);
        v
    }

    fn drain(mut r: FileReader) -> (Vec<OwnedFrame>, Option<CaptureError>) {
        let mut out = vec![];
        loop {
            match r.next_frame() {
                Ok(Some(f)) => out.push(f.to_owned()),
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    /// Reads `bytes` from a real file (mapped) and from memory (streamed); both must agree
    /// frame for frame and on the error. Returns the mapped result.
    fn both(name: &str, bytes: &[u8]) -> (Vec<OwnedFrame>, Option<CaptureError>) {
        let path: PathBuf =
            std::env::temp_dir().join(format!("synack-mapped-{}-{name}.pcap", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        let mapped = FileReader::open(&path).unwrap();
        assert!(
            mapped.mapped.is_some(),
            "{name}: a regular pcap file is mapped"
        );
        let (frames, err) = drain(mapped);
        std::fs::remove_file(&path).unwrap();
        let streamed = FileReader::from_reader(path.clone(), Cursor::new(bytes.to_vec())).unwrap();
        assert!(streamed.mapped.is_none());
        let (s_frames, s_err) = drain(streamed);
        assert_eq!(frames, s_frames, "{name}: frames differ");
        assert_eq!(
            err.as_ref().map(|e| e.to_string()),
            s_err.as_ref().map(|e| e.to_string()),
            "{name}: errors differ"
        );
        (frames, err)
    }

    #[test]
    fn mapped_and_streamed_read_the_same_frames_in_both_byte_orders() {
        for big_endian in [false, true] {
            for nanos in [false, true] {
                let mut f = header(big_endian, nanos);
                f.extend(record(big_endian, 10, 123_456, &[1, 2, 3], 3));
                f.extend(record(big_endian, 11, 7, &[4; 60], 1500));
                f.extend(record(big_endian, 12, 8, &[], 0));
                let (frames, err) = both(&format!("ok-{big_endian}-{nanos}"), &f);
                assert!(err.is_none(), "{err:?}");
                assert_eq!(frames.len(), 3);
                assert_eq!(frames[1].data, vec![4; 60]);
                assert_eq!(frames[1].len, 1500);
                assert_eq!(frames[2].number, 3);
                let nanos_of_first = if nanos { 123_456 } else { 123_456_000 };
                assert_eq!(
                    frames[0].ts,
                    Some(crate::capture::Timestamp::from_parts(10, nanos_of_first))
                );
            }
        }
    }

    #[test]
    fn a_cut_last_record_keeps_every_complete_frame_and_its_offset() {
        let mut f = header(false, false);
        f.extend(record(false, 1, 0, &[9; 20], 20));
        let cut_at = f.len() as u64;
        let second = record(false, 2, 0, &[8; 40], 40);
        // Cut inside the record header, then inside its data.
        for keep in [7, 30] {
            let mut g = f.clone();
            g.extend(&second[..keep]);
            let (frames, err) = both(&format!("cut-{keep}"), &g);
            assert_eq!(frames.len(), 1);
            match err {
                Some(CaptureError::Truncated {
                    offset,
                    left,
                    after_frame,
                    ..
                }) => {
                    assert_eq!((offset, left, after_frame), (cut_at, keep, 1));
                }
                other => panic!("expected a truncation, got {other:?}"),
            }
        }
    }

    #[test]
    fn garbage_after_the_records_is_reported_at_its_offset() {
        let mut f = header(true, false);
        f.extend(record(true, 1, 0, &[9; 20], 20));
        let at = f.len() as u64;
        f.extend([0xff; 40]);
        let (frames, err) = both("garbage", &f);
        assert_eq!(frames.len(), 1);
        let err = err.expect("damage reported");
        assert_eq!(err.offset(), Some(at));
        assert!(err.to_string().contains("garbage where a record should be"));
    }

    #[test]
    fn a_file_larger_than_the_release_step_reads_through_to_the_end() {
        // 40 MB of 1400-byte records: pages are released several times on the way.
        let mut f = header(false, false);
        let n = 40_000_000 / 1416;
        for i in 0..n {
            let fill = (i % 251) as u8;
            f.extend(record(false, i, 0, &[fill; 1400], 1400));
        }
        let (frames, err) = both("large", &f);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(frames.len(), n as usize);
        assert!(frames
            .iter()
            .enumerate()
            .all(|(i, fr)| fr.data[0] == (i % 251) as u8 && fr.data[1399] == (i % 251) as u8));
    }

    #[test]
    fn a_cut_header_is_left_to_the_streaming_reader() {
        let path =
            std::env::temp_dir().join(format!("synack-mapped-{}-cut-header", std::process::id()));
        // A pcap magic with the header cut short: the streaming reader explains it.
        std::fs::write(&path, [0xd4, 0xc3, 0xb2, 0xa1, 2, 0]).unwrap();
        let err = FileReader::open(&path)
            .err()
            .expect("cut header is an error");
        assert!(err.to_string().contains("header is cut short"), "{err}");
        std::fs::remove_file(&path).unwrap();
    }
}
