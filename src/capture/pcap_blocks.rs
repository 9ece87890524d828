//! Classic pcap files read in large blocks, for the two-thread pipeline.
//!
//! [`FileReader`] hands out one frame at a time from pcap-parser's buffer, so a consumer on
//! another thread needs a copy of every frame. [`PcapBlocks`] instead reads the file with
//! `read()` straight into a caller's buffer of up to 256 KiB and says where each record of
//! that block lies; the whole buffer then travels to the consumer, and only the record cut by
//! the block's end is copied, into the next block.
//!
//! It reads every file exactly as [`FileReader`] does: the same frames and, at a damaged
//! record, the same error at the same offset. Which error FileReader reports there depends on
//! how pcap-parser's buffer was filled and grown (1 MiB, doubled up to [`MAX_BUFFER`] for a
//! long record, refilled whenever the next record is not all in it), so this reader keeps a
//! model of that buffer (its capacity and how far into the file it reached) and replays
//! FileReader's decisions on it; the tests compare both readers on damaged files.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;

use super::file::{garbage_record, scale_to_nanos, too_large, MAX_BUFFER};
use super::{CaptureError, LinkType, Timestamp};

/// Most bytes read into one block: few system calls, and a block with its decoded frames
/// (about 800 bytes each) still fits in the consumer's L2 cache: on the 2-core development
/// VM (1 MiB L2 per core) 256 KiB blocks took ~20% less worker CPU than 1 MiB ones.
const BLOCK_BYTES: usize = 256 << 10;
/// Fewest bytes read into one block (files of small records).
const MIN_BLOCK_BYTES: usize = 64 << 10;
/// Most records per block: bounds the per-frame results (decoded packet, annotation) that
/// travel with a block. The block size follows the records' mean size so it is rarely hit.
const MAX_RECORDS: usize = 2048;
/// Bytes asked of each `read()`: the kernel's copy of a small read stays in the cache for
/// the decoder that reads it next.
const READ_BYTES: usize = 32 << 10;
/// Bytes of a classic pcap record header.
const RECORD_HEADER: usize = 16;

/// Where one frame lies in a block filled by [`PcapBlocks::fill`], with its metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockRecord {
    /// 1-based frame number, as [`super::Frame::number`].
    pub number: u64,
    /// Capture time.
    pub ts: Timestamp,
    /// Original length (at least the captured length), as [`super::Frame::len`].
    pub len: u32,
    /// The frame's bytes are `block[start..end]`.
    pub start: usize,
    /// End of the frame's bytes in the block.
    pub end: usize,
    /// Offset of the frame's bytes in the file (so a reader can find them again).
    pub offset: u64,
}

/// What [`PcapBlocks::fill`] found after the records it returned.
#[derive(Debug)]
pub enum BlockEnd {
    /// More records may follow: call `fill` again.
    More,
    /// The file ends here: cleanly (`None`) or with the error [`FileReader`] reports there.
    ///
    /// [`FileReader`]: super::FileReader
    Done(Option<CaptureError>),
}

/// What is known about the record at the start of the unparsed bytes.
enum Step {
    /// A whole record, `size` bytes with its header.
    Record(BlockRecord, usize),
    /// More bytes must be read before this record can be judged.
    NeedMore,
    /// No record here: the file ends, cleanly or not.
    End(Option<CaptureError>),
}

/// The bytes of one block: `data[..len]` are valid and hold file bytes from offset `base`.
/// `data.len()` is how much of the buffer is initialised, so reads need no zeroing.
struct Buf<'a> {
    data: &'a mut Vec<u8>,
    len: usize,
    base: u64,
}

/// A classic pcap file read block by block; made by [`super::FileReader::into_blocks`].
pub struct PcapBlocks {
    path: PathBuf,
    input: File,
    big_endian: bool,
    ts_units: u64,
    link: LinkType,
    snaplen: u32,
    /// File offset of the next record; `carry` holds the file's bytes from there on.
    pos: u64,
    carry: Vec<u8>,
    /// The input returned 0 bytes: everything is read.
    eof: bool,
    frames: u64,
    /// Bytes to read into the next block.
    want: usize,
    done: bool,
    /// Model of pcap-parser's buffer in FileReader: its capacity, the file offset its
    /// data reached (may exceed the file's length: then it reached the end), and whether
    /// it has seen the end of the input.
    cap: usize,
    filled: u64,
    exhausted: bool,
}

impl PcapBlocks {
    /// Takes over a classic pcap file whose first `head` bytes (from offset 0, with the
    /// 24-byte file header) are read and whose `input` continues after them; `buffer` is
    /// the capacity of FileReader's buffer holding `head`. `None` when the header is not one
    /// of the four classic magic numbers.
    pub(super) fn new(path: PathBuf, input: File, head: &[u8], buffer: usize) -> Option<Self> {
        let header = head.get(..24)?;
        let word = |at: usize, big: bool| {
            let b: [u8; 4] = header[at..at + 4].try_into().unwrap_or_default();
            if big {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        };
        let (big_endian, ts_units) = match word(0, false) {
            0xa1b2_c3d4 => (false, 1_000_000),
            0xa1b2_3c4d => (false, 1_000_000_000),
            0xd4c3_b2a1 => (true, 1_000_000),
            0x4d3c_b2a1 => (true, 1_000_000_000),
            _ => return None,
        };
        Some(PcapBlocks {
            path,
            input,
            big_endian,
            ts_units,
            link: LinkType::from_number(word(20, big_endian)),
            snaplen: word(16, big_endian),
            pos: 24,
            carry: head[24..].to_vec(),
            eof: false,
            frames: 0,
            want: BLOCK_BYTES,
            done: false,
            cap: buffer,
            filled: head.len() as u64,
            exhausted: false,
        })
    }

    /// Link type of every frame (a classic pcap file has one).
    pub fn link(&self) -> LinkType {
        self.link
    }

    /// Number of frames returned so far.
    pub fn frames_read(&self) -> u64 {
        self.frames
    }

    /// Reads the next block of records into `block` and lists them in `records` (cleared
    /// first); their bytes stay in `block` until the next call with it. `block` can be any
    /// buffer (recycled ones keep their size, so reading does not touch fresh memory); it is
    /// sized to 256 KiB, more for a longer record.
    pub fn fill(&mut self, block: &mut Vec<u8>, records: &mut Vec<BlockRecord>) -> BlockEnd {
        records.clear();
        if self.done {
            return BlockEnd::Done(None);
        }
        if block.len() > 4 * BLOCK_BYTES {
            // A huge record grew this buffer once: give the memory back.
            block.truncate(BLOCK_BYTES);
            block.shrink_to_fit();
        }
        let carried = self.carry.len();
        if block.len() < carried.max(BLOCK_BYTES) {
            block.resize(carried.max(BLOCK_BYTES), 0);
        }
        block[..carried].copy_from_slice(&self.carry);
        self.carry.clear();
        let mut buf = Buf {
            data: block,
            len: carried,
            base: self.pos,
        };
        let mut at = 0;
        // `Some` when the file ends here, with its error if any.
        let end = match self.read_to(&mut buf, self.pos + self.want as u64) {
            Err(e) => Some(Some(self.read_failed(e))),
            Ok(_) => loop {
                if records.len() >= MAX_RECORDS {
                    break None;
                }
                match self.step(&mut buf, at) {
                    Step::Record(record, size) => {
                        records.push(record);
                        self.frames += 1;
                        at += size;
                    }
                    Step::NeedMore if records.is_empty() => {
                        let more = buf.base + (buf.len + BLOCK_BYTES) as u64;
                        if let Err(e) = self.read_to(&mut buf, more) {
                            break Some(Some(self.read_failed(e)));
                        }
                    }
                    Step::NeedMore => break None,
                    Step::End(error) => break Some(error),
                }
            },
        };
        self.carry.extend_from_slice(&buf.data[at..buf.len]);
        self.pos += at as u64;
        if !records.is_empty() {
            let mean = at / records.len();
            self.want = (mean * MAX_RECORDS).clamp(MIN_BLOCK_BYTES, BLOCK_BYTES);
        }
        match end {
            Some(error) => {
                self.done = true;
                BlockEnd::Done(error)
            }
            None => BlockEnd::More,
        }
    }

    fn word(&self, bytes: &[u8], at: usize) -> u32 {
        let b = [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]];
        if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }

    /// The record at `buf.data[at..]`, whose header is there and which is `size` bytes.
    fn record(&self, buf: &Buf<'_>, at: usize, size: usize) -> Step {
        let d = &buf.data[at..at + RECORD_HEADER];
        let caplen = (size - RECORD_HEADER) as u32;
        let ts = Timestamp::from_parts(
            i64::from(self.word(d, 0)),
            scale_to_nanos(u64::from(self.word(d, 4)), self.ts_units),
        );
        let record = BlockRecord {
            number: self.frames + 1,
            ts,
            len: self.word(d, 12).max(caplen),
            start: at + RECORD_HEADER,
            end: at + size,
            offset: buf.base + (at + RECORD_HEADER) as u64,
        };
        Step::Record(record, size)
    }

    /// Judges the record at `buf.data[at..]`. Common records are decided from the block
    /// alone; long ones and the file's end go through [`PcapBlocks::replay`].
    fn step(&mut self, buf: &mut Buf<'_>, at: usize) -> Step {
        let have = buf.len - at;
        let x = buf.base + at as u64;
        if have >= RECORD_HEADER {
            let size = RECORD_HEADER as u64 + u64::from(self.word(buf.data, at + 8));
            if size < self.cap as u64 {
                if have as u64 >= size {
                    // pcap-parser refills its buffer when the record is not all in it;
                    // the record fits, as it is shorter than the buffer.
                    if x + size > self.filled {
                        self.filled = x + self.cap as u64;
                    }
                    return self.record(buf, at, size as usize);
                }
                if !self.eof {
                    return Step::NeedMore;
                }
            }
        } else if !self.eof {
            return Step::NeedMore;
        }
        self.replay(buf, at)
    }

    /// FileReader's loop at one record, step by step on the model of its buffer: parse what
    /// the buffer holds; at the input's end report the record as missing, garbage or cut;
    /// grow the buffer (up to [`MAX_BUFFER`]) when the record cannot fit; refill; repeat.
    fn replay(&mut self, buf: &mut Buf<'_>, at: usize) -> Step {
        let x = buf.base + at as u64;
        loop {
            let filled = match self.read_to(buf, self.filled) {
                Ok(v) => v,
                Err(e) => return Step::End(Some(self.read_failed_at(e, x))),
            };
            let avail = (filled - x) as usize;
            let need = if avail >= RECORD_HEADER {
                RECORD_HEADER as u64 + u64::from(self.word(buf.data, at + 8))
            } else {
                RECORD_HEADER as u64
            };
            if avail >= RECORD_HEADER && avail as u64 >= need {
                self.filled = filled;
                return self.record(buf, at, need as usize);
            }
            if self.exhausted {
                if avail == 0 {
                    return Step::End(None);
                }
                let rest = &buf.data[at..at + avail];
                let error = match garbage_record(rest, self.big_endian, self.snaplen, self.frames) {
                    Some(what) => CaptureError::Corrupt {
                        path: self.path.clone(),
                        offset: x,
                        what,
                    },
                    None => CaptureError::Truncated {
                        path: self.path.clone(),
                        offset: x,
                        left: avail,
                        after_frame: self.frames,
                    },
                };
                return Step::End(Some(error));
            }
            if need >= self.cap as u64 {
                if self.cap * 2 > MAX_BUFFER {
                    return Step::End(Some(CaptureError::Corrupt {
                        path: self.path.clone(),
                        offset: x,
                        what: too_large(),
                    }));
                }
                self.cap *= 2;
            }
            // A refill moves the data to the buffer's start and reads into all the rest.
            let space = (self.cap - avail) as u64;
            match self.read_to(buf, filled + space) {
                Ok(reach) if reach == filled => self.exhausted = true,
                Ok(reach) => self.filled = reach,
                Err(e) => return Step::End(Some(self.read_failed_at(e, x))),
            }
        }
    }

    /// Reads into the block until it holds the file up to offset `upto` or the input ends;
    /// returns how far the file is read, at most `upto`.
    fn read_to(&mut self, buf: &mut Buf<'_>, upto: u64) -> io::Result<u64> {
        while buf.base + (buf.len as u64) < upto && !self.eof {
            let target = (upto - buf.base) as usize;
            if buf.data.len() < target {
                buf.data.resize(target, 0);
            }
            let end = target.min(buf.len + READ_BYTES);
            match self.input.read(&mut buf.data[buf.len..end]) {
                Ok(0) => self.eof = true,
                Ok(n) => buf.len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(upto.min(buf.base + buf.len as u64))
    }

    fn read_failed(&self, e: io::Error) -> CaptureError {
        self.read_failed_at(e, self.pos)
    }

    /// A failed read, with the OS error, where reading began.
    fn read_failed_at(&self, source: io::Error, offset: u64) -> CaptureError {
        CaptureError::ReadFailed {
            path: self.path.clone(),
            offset,
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{FileReader, FrameSource};

    /// A classic pcap file header: `big` byte order, `nanos` resolution.
    fn header(big: bool, nanos: bool, snaplen: u32, link: u32) -> Vec<u8> {
        let magic: u32 = if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
        let word = |w: u32| {
            if big {
                w.to_be_bytes()
            } else {
                w.to_le_bytes()
            }
        };
        let half = |h: u16| {
            if big {
                h.to_be_bytes()
            } else {
                h.to_le_bytes()
            }
        };
        let mut v = word(magic).to_vec();
        v.extend(half(2));
        v.extend(half(4));
        for w in [0, 0, snaplen, link] {
            v.extend(word(w));
        }
        v
    }

    /// One record: `caplen` bytes of data (a pattern), original length `orig`.
    fn record(big: bool, i: u32, caplen: u32, orig: u32) -> Vec<u8> {
        let mut v = Vec::new();
        for w in [
            1_600_000_000 + i,
            i.wrapping_mul(7919) % 1_000_000,
            caplen,
            orig,
        ] {
            v.extend(if big {
                w.to_be_bytes()
            } else {
                w.to_le_bytes()
            });
        }
        v.extend((0..caplen).map(|b| (b as u8) ^ (i as u8)));
        v
    }

    /// A file of `n` records of sizes 0..1600 bytes, some cut by the snaplen.
    fn capture(big: bool, nanos: bool, n: u32) -> Vec<u8> {
        let mut f = header(big, nanos, 1500, 1);
        for i in 0..n {
            let caplen = (i * 397) % 1600;
            f.extend(record(big, i, caplen, caplen + (i % 3) * 100));
        }
        f
    }

    use crate::fuzzing::{read_by_blocks, read_by_frames, temp_capture, ReadOutcome as Outcome};

    /// Both readers read `bytes` alike; returns what they read.
    fn same(bytes: &[u8]) -> Outcome {
        let path = temp_capture(bytes).expect("temp file written");
        let (frames, blocks) = (read_by_frames(&path), read_by_blocks(&path));
        std::fs::remove_file(&path).ok();
        let frames = frames.expect("header is valid");
        let blocks = blocks.expect("a classic pcap file reads in blocks");
        assert_eq!(frames.1, blocks.1, "errors differ ({} bytes)", bytes.len());
        assert_eq!(frames.2, blocks.2, "frame counts differ");
        assert!(
            frames.0 == blocks.0,
            "frames differ ({} bytes)",
            bytes.len()
        );
        frames
    }

    #[test]
    fn clean_files_in_every_byte_order_and_resolution() {
        for (big, nanos) in [(false, false), (false, true), (true, false), (true, true)] {
            let (frames, error, _) = same(&capture(big, nanos, 3000));
            assert_eq!(frames.len(), 3000);
            assert_eq!(error, None);
            assert!(frames.iter().any(|f| f.as_frame().is_truncated()));
        }
        // Only a header; and a file shorter than FileReader's first read.
        assert_eq!(same(&header(false, false, 65535, 1)).0.len(), 0);
        assert_eq!(same(&capture(true, false, 20)).0.len(), 20);
    }

    #[test]
    fn cut_files_and_garbage_end_alike() {
        let small = capture(false, false, 30);
        let big = capture(false, false, 2500);
        for (base, n) in [(&small, 30), (&big, 2500)] {
            // Every cut lands inside the last record or the one before it.
            for cut in [1, 5, 12, 15, 16, 17, 40, 300] {
                let (frames, error, _) = same(&base[..base.len() - cut]);
                assert!(frames.len() == n - 1 || frames.len() == n - 2);
                assert!(error.unwrap().contains("cut short"));
            }
            let mut garbage = base.clone();
            garbage.extend([0xff; 40]);
            let (_, error, _) = same(&garbage);
            assert!(error.unwrap().contains("garbage where a record should be"));
            let mut small_claim = base.clone();
            small_claim.extend(record(false, 1, 100, 100)[..60].iter());
            assert!(same(&small_claim).1.unwrap().contains("cut short"));
        }
    }

    #[test]
    fn huge_record_lengths_end_alike() {
        let base = capture(false, false, 1000);
        // A length claiming 4 GiB, then 9 MiB or 1 MiB of bytes: FileReader grows its buffer
        // to 16 MiB (and gives up) only when that many bytes follow.
        for (after, says) in [(9 << 20, "larger than 16 MiB"), (1 << 20, "garbage")] {
            let mut f = base.clone();
            f.extend(record(false, 5, 0, 0)[..8].iter());
            f.extend(u32::MAX.to_le_bytes());
            f.extend(vec![7u8; after]);
            let (frames, error, _) = same(&f);
            assert_eq!(frames.len(), 1000);
            assert!(error.unwrap().contains(says));
        }
        // Valid records longer than the 1 MiB buffer, between common ones, then a cut.
        let mut f = base.clone();
        f.extend(record(false, 1, 3 << 20, 3 << 20));
        f.extend(&base[24..]);
        f.extend(record(false, 2, 300_000, 300_000));
        f.extend(&base[24..]);
        f.truncate(f.len() - 3);
        let (frames, error, _) = same(&f);
        assert!(frames.iter().any(|fr| fr.data.len() == 3 << 20));
        assert!(error.unwrap().contains("cut short"));
    }

    #[test]
    fn records_as_long_as_the_buffer_read_alike() {
        // Whole records of exactly 1, 2, 8 and 16 MiB (FileReader's buffer sizes), between
        // common ones; then a record claiming 4 GiB with 5, 9 or 0 MiB after it.
        let base = capture(true, false, 300);
        let mut f = base.clone();
        for mib in [1u32, 2, 8, 16] {
            f.extend(record(true, mib, (mib << 20) - 16, mib << 20));
            f.extend(&base[24..]);
        }
        let (frames, error, _) = same(&f);
        assert_eq!((frames.len(), error), (5 * 300 + 4, None));
        for after in [5 << 20, 9 << 20, 0] {
            let mut g = f.clone();
            g.extend(record(true, 9, 0, 0)[..8].iter());
            g.extend(u32::MAX.to_be_bytes());
            g.extend(vec![1u8; after + 4]);
            assert!(same(&g).1.is_some());
        }
    }

    /// A xorshift64 generator started at `seed`: mutations that look random but are the
    /// same on every run.
    fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
        move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        }
    }

    #[test]
    fn mutated_long_files_read_alike() {
        // Lengths rewritten around FileReader's buffer sizes, in files longer than a block.
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        let base = capture(false, true, 2000);
        let starts: Vec<usize> = {
            let (mut at, mut v) = (24, vec![]);
            while at + 16 <= base.len() {
                v.push(at);
                at += 16 + u32::from_le_bytes(base[at + 8..at + 12].try_into().unwrap()) as usize;
            }
            v
        };
        for _ in 0..30 {
            let mut f = base.clone();
            let at = starts[next() as usize % starts.len()];
            let caplen = match next() % 4 {
                0 => (1 << 20) - 16 + (next() % 3) as u32 - 1,
                1 => (next() % (3 << 20)) as u32,
                2 => (16 << 20) - 16 + (next() % 3) as u32 - 1,
                _ => next() as u32,
            };
            f[at + 8..at + 12].copy_from_slice(&caplen.to_le_bytes());
            if next().is_multiple_of(2) {
                f.extend(vec![3u8; (next() % (10 << 20)) as usize]);
            }
            same(&f);
        }
    }

    #[test]
    fn mutated_files_read_alike() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        for round in 0..150 {
            let big = round % 2 == 1;
            let mut f = capture(big, round % 3 == 0, 40 + (next() % 200) as u32);
            for _ in 0..next() % 3 {
                let at = 24 + (next() as usize % (f.len() - 24));
                let len = (next() as usize % 8).min(f.len() - at);
                for b in &mut f[at..at + len] {
                    *b = next() as u8;
                }
            }
            if next().is_multiple_of(2) {
                let keep = 24 + next() as usize % (f.len() - 24);
                f.truncate(keep);
            }
            same(&f);
        }
    }

    #[test]
    fn only_opened_classic_pcap_files_read_in_blocks() {
        let bytes = capture(false, false, 3);
        let mem = FileReader::from_reader("mem.pcap", io::Cursor::new(bytes.clone()));
        assert!(mem.expect("valid").into_blocks().is_err());
        let path = temp_capture(&bytes).expect("temp file written");
        let mut used = FileReader::open(&path).expect("valid");
        assert!(used.next_frame().expect("a frame").is_some());
        assert!(used.into_blocks().is_err());
        let ng = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/captures")
            .read_dir()
            .expect("corpus")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "pcapng"))
            .expect("a pcapng capture in the corpus");
        assert!(FileReader::open(ng).expect("valid").into_blocks().is_err());
        std::fs::remove_file(&path).ok();
    }
}
