//! Writing captures as classic pcap files (what tcpdump `-w` writes), with ring rotation.
//!
//! A small writer instead of libpcap's `pcap_dump`: `pcap_dump` cannot report a failed write
//! (it returns nothing), and a capture that hits a full disk must stop, say so, and leave a
//! file that still reads. This writer buffers whole records, tracks where the last complete
//! record ends on disk, and on a write error truncates the file back to that point, so the
//! file always ends on a record boundary.
//!
//! Files use the nanosecond pcap magic (`a1b23c4d`) when the source's timestamps are
//! nanosecond, else the microsecond one, like libpcap; tcpdump, tshark and synack read both.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{Frame, LinkType};

/// Bytes buffered before a write to the file.
const BUFFER: usize = 1 << 16;
/// Size of a pcap file header.
const FILE_HEADER: u64 = 24;
/// Size of a pcap record header.
const RECORD_HEADER: usize = 16;

/// Why writing a capture file failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file could not be created.
    #[error("{path}: cannot create: {error}")]
    Create {
        /// The file.
        path: PathBuf,
        /// The OS error.
        error: io::Error,
    },
    /// A write failed (disk full, I/O error); the file keeps the `frames` complete records.
    #[error("{path}: write failed after {frames} frames: {error}; the file was cut back to its last complete frame and reads without error")]
    Write {
        /// The file.
        path: PathBuf,
        /// Complete frames in the file.
        frames: u64,
        /// The OS error.
        error: io::Error,
    },
    /// `--ring` was given without a sane size or count.
    #[error(
        "bad ring specification {0:?}: expected SIZE_MB:COUNT with both at least 1, e.g. 100:10"
    )]
    BadRing(String),
}

/// Parameters of a pcap file: its link type, snapshot length and timestamp precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcapFormat {
    /// Link type of every record.
    pub link: LinkType,
    /// Snapshot length written in the header.
    pub snaplen: u32,
    /// Nanosecond timestamps (else microseconds).
    pub nanos: bool,
}

impl PcapFormat {
    fn header(&self) -> [u8; FILE_HEADER as usize] {
        let magic: u32 = if self.nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
        let mut h = [0u8; FILE_HEADER as usize];
        h[0..4].copy_from_slice(&magic.to_le_bytes());
        h[4..6].copy_from_slice(&2u16.to_le_bytes());
        h[6..8].copy_from_slice(&4u16.to_le_bytes());
        // thiszone and sigfigs stay 0.
        h[16..20].copy_from_slice(&self.snaplen.to_le_bytes());
        h[20..24].copy_from_slice(&self.link.number().to_le_bytes());
        h
    }
}

/// A pcap writer over any byte sink, keeping the file on record boundaries.
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    sink: W,
    format: PcapFormat,
    buf: Vec<u8>,
    /// Offsets (within `buf`) where each buffered record ends.
    ends: Vec<usize>,
    /// Bytes known to be on the sink.
    on_disk: u64,
    /// Bytes on the sink that end a complete record (or the header).
    complete: u64,
    frames: u64,
    written_frames: u64,
    /// The file header's end is still the first entry of `ends`.
    header_pending: bool,
}

impl<W: Write> PcapWriter<W> {
    /// Starts a file: the header is buffered and written with the first flush.
    pub fn new(sink: W, format: PcapFormat) -> PcapWriter<W> {
        let mut buf = Vec::with_capacity(BUFFER + 4096);
        buf.extend_from_slice(&format.header());
        PcapWriter {
            sink,
            format,
            ends: vec![buf.len()],
            buf,
            on_disk: 0,
            complete: 0,
            frames: 0,
            written_frames: 0,
            header_pending: true,
        }
    }

    /// Appends one frame (its captured bytes, original length and timestamp).
    pub fn write_frame(&mut self, frame: &Frame<'_>) -> io::Result<()> {
        let (secs, nanos) = frame.ts.unwrap_or_default().split();
        let frac = if self.format.nanos {
            nanos
        } else {
            nanos / 1000
        };
        let caplen = frame.data.len().min(self.format.snaplen as usize);
        self.buf.reserve(RECORD_HEADER + caplen);
        self.buf
            .extend_from_slice(&(secs.clamp(0, i64::from(u32::MAX)) as u32).to_le_bytes());
        self.buf.extend_from_slice(&frac.to_le_bytes());
        self.buf.extend_from_slice(&(caplen as u32).to_le_bytes());
        self.buf
            .extend_from_slice(&frame.len.max(caplen as u32).to_le_bytes());
        self.buf.extend_from_slice(&frame.data[..caplen]);
        self.ends.push(self.buf.len());
        self.frames += 1;
        if self.buf.len() >= BUFFER {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes everything buffered. On error, [`PcapWriter::complete_len`] tells how many bytes
    /// of the sink hold complete records.
    pub fn flush(&mut self) -> io::Result<()> {
        let mut done = 0;
        while done < self.buf.len() {
            match self.sink.write(&self.buf[done..]) {
                Ok(0) => {
                    self.account(done);
                    return Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "the device accepted no more bytes",
                    ));
                }
                Ok(n) => done += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.account(done);
                    return Err(e);
                }
            }
        }
        self.account(done);
        self.sink.flush()
    }

    /// Records that `done` buffered bytes reached the sink.
    fn account(&mut self, done: usize) {
        let complete_records = self.ends.partition_point(|&end| end <= done);
        if let Some(&end) = self.ends[..complete_records].last() {
            self.complete = self.on_disk + end as u64;
        }
        let records_done = if self.header_pending && complete_records > 0 {
            // The first end is the file header's, not a frame's.
            self.header_pending = false;
            complete_records - 1
        } else {
            complete_records
        };
        self.written_frames += records_done as u64;
        self.on_disk += done as u64;
        self.buf.drain(..done);
        self.ends.drain(..complete_records);
        for end in &mut self.ends {
            *end -= done;
        }
    }

    /// Bytes at the start of the sink that form a valid file (header + complete records).
    pub fn complete_len(&self) -> u64 {
        self.complete
    }

    /// Frames handed to the writer.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Frames completely written to the sink.
    pub fn written_frames(&self) -> u64 {
        self.written_frames
    }

    /// Bytes in the file so far, counting the buffer (for rotation by size).
    pub fn size(&self) -> u64 {
        self.on_disk + self.buf.len() as u64
    }

    /// The bytes buffered and not yet on the sink, and the file offset where they start
    /// (so a reader can see a record before it is flushed).
    pub fn pending(&self) -> (u64, &[u8]) {
        (self.on_disk, &self.buf)
    }

    /// The sink.
    pub fn get_ref(&self) -> &W {
        &self.sink
    }
}

/// How `-w` files rotate: a new file when one reaches `size_bytes` or spans `seconds` of
/// capture, keeping the newest `count` (Wireshark's ring buffer, `dumpcap -b filesize -b
/// duration -b files`; tcpdump's `-C`, `-G` and `-W`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ring {
    /// Size at which a file is closed and the next one started (`u64::MAX`: no limit).
    pub size_bytes: u64,
    /// Files kept; older ones are deleted (`u32::MAX`: all).
    pub count: u32,
    /// Seconds of capture (packet time) per file, if rotating by time.
    pub seconds: Option<u64>,
    /// Stop after `count` files instead of deleting the oldest (tcpdump's `-G` with `-W`).
    pub stop_after_count: bool,
}

impl Ring {
    /// Parses `SIZE_MB:COUNT` (sizes in megabytes of 1,000,000 bytes, like tcpdump `-C`).
    pub fn parse(spec: &str) -> Result<Ring, WriteError> {
        let bad = || WriteError::BadRing(spec.to_string());
        let (size, count) = spec.split_once(':').ok_or_else(bad)?;
        let size: f64 = size.trim().parse().map_err(|_| bad())?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        if count == 0 {
            return Err(bad());
        }
        let size_bytes = Ring::megabytes(size).ok_or_else(bad)?;
        Ok(Ring {
            size_bytes,
            count,
            seconds: None,
            stop_after_count: false,
        })
    }

    /// A file size in megabytes (tcpdump's `-C`) as bytes; `None` unless it leaves room
    /// for at least one record after the file header.
    pub fn megabytes(size: f64) -> Option<u64> {
        if !(size.is_finite() && size > 0.0) {
            return None;
        }
        let size_bytes = (size * 1e6) as u64;
        (size_bytes > FILE_HEADER).then_some(size_bytes)
    }

    /// The name of ring file number `n` (1-based) for the base path `cap.pcap`:
    /// `cap_00001.pcap` (numbers grow forever, so names sort in capture order).
    pub fn file_name(base: &Path, n: u64) -> PathBuf {
        let stem = base
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "capture".into());
        let name = match base.extension() {
            Some(ext) => format!("{stem}_{n:05}.{}", ext.to_string_lossy()),
            None => format!("{stem}_{n:05}"),
        };
        base.with_file_name(name)
    }
}

/// Writes `-w FILE` captures: one file, or a ring of files; keeps files whole on errors.
#[derive(Debug)]
pub struct CaptureWriter {
    base: PathBuf,
    format: PcapFormat,
    ring: Option<Ring>,
    file_number: u64,
    path: PathBuf,
    writer: PcapWriter<File>,
    kept: std::collections::VecDeque<PathBuf>,
    frames_before: u64,
    /// A write failed: the file was cut back and nothing more is written.
    failed: bool,
    /// The ring wrote its last file (`stop_after_count`): nothing more is written.
    done: bool,
    /// Packet time of the current file's first frame (rotation by time).
    file_start: Option<crate::capture::Timestamp>,
}

impl CaptureWriter {
    /// Creates the first file (`base`, or `base_00001.ext` with a ring).
    pub fn create(
        base: &Path,
        format: PcapFormat,
        ring: Option<Ring>,
    ) -> Result<CaptureWriter, WriteError> {
        let path = match ring {
            Some(_) => Ring::file_name(base, 1),
            None => base.to_path_buf(),
        };
        let writer = open_file(&path, format)?;
        let mut w = CaptureWriter {
            base: base.to_path_buf(),
            format,
            ring,
            file_number: 1,
            path: path.clone(),
            writer,
            kept: Default::default(),
            frames_before: 0,
            failed: false,
            done: false,
            file_start: None,
        };
        w.kept.push_back(path);
        // Write the header now, so a capture stopped before any packet leaves a valid file.
        w.flush()?;
        Ok(w)
    }

    /// Appends a frame, rotating first when the current ring file is full.
    pub fn write_frame(&mut self, frame: &Frame<'_>) -> Result<(), WriteError> {
        if self.failed || self.done {
            return Ok(());
        }
        if let Some(ring) = self.ring {
            let next = RECORD_HEADER as u64 + frame.data.len() as u64;
            let full = self.writer.size().saturating_add(next) > ring.size_bytes;
            let elapsed = match (ring.seconds, self.file_start, frame.ts) {
                (Some(s), Some(start), Some(t)) => {
                    t.as_nanos().saturating_sub(start.as_nanos())
                        >= (s as i64).saturating_mul(1_000_000_000)
                }
                _ => false,
            };
            if self.writer.frames() > 0 && (full || elapsed) {
                if ring.stop_after_count && self.file_number >= u64::from(ring.count) {
                    self.done = true;
                    return Ok(());
                }
                self.rotate(ring)?;
            }
            if self.writer.frames() == 0 {
                self.file_start = frame.ts;
            }
        }
        let result = self.writer.write_frame(frame);
        result.map_err(|e| self.fail(e))
    }

    fn rotate(&mut self, ring: Ring) -> Result<(), WriteError> {
        self.flush()?;
        self.frames_before += self.writer.frames();
        self.file_number += 1;
        let path = Ring::file_name(&self.base, self.file_number);
        self.writer = open_file(&path, self.format)?;
        self.path = path.clone();
        self.kept.push_back(path);
        while self.kept.len() > ring.count as usize {
            if let Some(old) = self.kept.pop_front() {
                let _ = std::fs::remove_file(old);
            }
        }
        self.flush()
    }

    /// Writes buffered frames to disk (call when idle, so the file is readable while live).
    pub fn flush(&mut self) -> Result<(), WriteError> {
        if self.failed {
            return Ok(());
        }
        let result = self.writer.flush();
        result.map_err(|e| self.fail(e))
    }

    /// Cuts the file back to its last complete record after a failed write.
    fn fail(&mut self, source: io::Error) -> WriteError {
        self.failed = true;
        let keep = self.writer.complete_len();
        let file = self.writer.get_ref();
        // Only regular files can be cut (not /dev/null or a pipe).
        if file.metadata().map(|m| m.is_file()).unwrap_or(false) {
            let _ = file.set_len(keep);
        }
        WriteError::Write {
            path: self.path.clone(),
            frames: self.writer.written_frames(),
            error: source,
        }
    }

    /// Frames handed to the writer over all files.
    pub fn frames(&self) -> u64 {
        self.frames_before + self.writer.frames()
    }

    /// Frames completely on disk over all files (after a failure: what the files keep).
    pub fn written_frames(&self) -> u64 {
        self.frames_before + self.writer.written_frames()
    }

    /// True once a ring that stops after its last file (tcpdump's `-G` with `-W`) is
    /// complete: the capture should end.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Files started so far (ring files deleted since included).
    pub fn files_started(&self) -> u64 {
        self.file_number
    }

    /// The files written and still present, oldest first.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.kept.iter().map(PathBuf::as_path)
    }
}

fn open_file(path: &Path, format: PcapFormat) -> Result<PcapWriter<File>, WriteError> {
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .map_err(|error| WriteError::Create {
            path: path.to_path_buf(),
            error,
        })?;
    Ok(PcapWriter::new(file, format))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{FileReader, FrameSource, OwnedFrame, Timestamp};

    fn frame(n: u64, size: usize) -> OwnedFrame {
        OwnedFrame::packet(
            n,
            Timestamp::from_parts(1_700_000_000 + n as i64, 123_456_789),
            LinkType::Ethernet,
            vec![n as u8; size],
        )
    }

    const NS: PcapFormat = PcapFormat {
        link: LinkType::Ethernet,
        snaplen: 262_144,
        nanos: true,
    };

    fn read_back(bytes: Vec<u8>) -> Vec<OwnedFrame> {
        let mut r = FileReader::from_reader("mem", io::Cursor::new(bytes)).expect("valid header");
        let mut out = Vec::new();
        while let Some(f) = r.next_frame().expect("no damage") {
            out.push(f.to_owned());
        }
        out
    }

    #[test]
    fn frames_round_trip_with_nanoseconds() {
        let mut w = PcapWriter::new(Vec::new(), NS);
        let frames: Vec<_> = (1..=3).map(|n| frame(n, 60 + n as usize)).collect();
        for f in &frames {
            w.write_frame(&f.as_frame()).expect("memory write");
        }
        w.flush().expect("memory write");
        assert_eq!(w.written_frames(), 3);
        let back = read_back(w.get_ref().clone());
        assert_eq!(back, frames);
    }

    #[test]
    fn microsecond_files_keep_microseconds() {
        let fmt = PcapFormat { nanos: false, ..NS };
        let mut w = PcapWriter::new(Vec::new(), fmt);
        w.write_frame(&frame(1, 60).as_frame())
            .expect("memory write");
        w.flush().expect("memory write");
        let back = read_back(w.get_ref().clone());
        assert_eq!(
            back[0].ts,
            Some(Timestamp::from_parts(1_700_000_001, 123_456_000))
        );
    }

    /// A sink that accepts `room` bytes, then fails like a full disk.
    struct Full {
        data: Vec<u8>,
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            let n = b.len().min(self.room - self.data.len());
            if n == 0 {
                return Err(io::Error::from_raw_os_error(libc::ENOSPC));
            }
            self.data.extend_from_slice(&b[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_full_disk_leaves_a_prefix_of_complete_records() {
        // Header 24 + records of 16+100: room for 2 complete records and part of a third.
        let room = 24 + 2 * 116 + 50;
        let mut w = PcapWriter::new(Vec::new(), NS);
        let mut w_full = PcapWriter::new(
            Full {
                data: Vec::new(),
                room,
            },
            NS,
        );
        for n in 1..=5 {
            w.write_frame(&frame(n, 100).as_frame()).expect("memory");
            w_full
                .write_frame(&frame(n, 100).as_frame())
                .expect("buffered");
        }
        let err = w_full.flush().expect_err("disk is full");
        assert_eq!(err.raw_os_error(), Some(libc::ENOSPC));
        assert_eq!(w_full.written_frames(), 2);
        assert_eq!(w_full.complete_len(), 24 + 2 * 116);
        let mut kept = w_full.get_ref().data.clone();
        kept.truncate(w_full.complete_len() as usize);
        let back = read_back(kept);
        assert_eq!(back.len(), 2);
        assert_eq!(back[1], frame(2, 100));
    }

    #[test]
    fn ring_spec_and_names() {
        assert_eq!(
            Ring::parse("10:3").expect("valid"),
            Ring {
                size_bytes: 10_000_000,
                count: 3,
                seconds: None,
                stop_after_count: false,
            }
        );
        assert!(Ring::parse("0:3").is_err());
        assert!(Ring::parse("10:0").is_err());
        assert!(Ring::parse("10").is_err());
        assert_eq!(
            Ring::file_name(Path::new("/tmp/cap.pcap"), 7),
            PathBuf::from("/tmp/cap_00007.pcap")
        );
    }

    #[test]
    fn ring_rotates_and_keeps_the_newest_files() {
        let dir = std::env::temp_dir().join(format!("synack-ring-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let base = dir.join("cap.pcap");
        // 0.001 MB = 1000 bytes: header 24 + 8 records of 116 bytes = 952 per file.
        let ring = Ring::parse("0.001:2").expect("valid");
        let mut w = CaptureWriter::create(&base, NS, Some(ring)).expect("create");
        for n in 1..=20 {
            w.write_frame(&frame(n, 100).as_frame()).expect("write");
        }
        w.flush().expect("flush");
        let files: Vec<PathBuf> = w.files().map(Path::to_path_buf).collect();
        assert_eq!(
            files,
            vec![Ring::file_name(&base, 2), Ring::file_name(&base, 3)]
        );
        assert!(!Ring::file_name(&base, 1).exists());
        let second = read_back(std::fs::read(&files[0]).expect("ring file"));
        let third = read_back(std::fs::read(&files[1]).expect("ring file"));
        assert_eq!(second.len(), 8);
        // Each file numbers its frames from 1; the 9th frame written opens the second file.
        assert_eq!(second[0].data, frame(9, 100).data);
        assert_eq!(second[0].ts, frame(9, 100).ts);
        assert_eq!(third.len(), 4);
        assert_eq!(w.frames(), 20);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_time_ring_rotates_by_packet_time_and_can_stop_after_its_files() {
        let dir = std::env::temp_dir().join(format!("synack-ring-time-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let base = dir.join("cap.pcap");
        // One frame per second, three seconds per file, stop after two files (tcpdump -G 3 -W 2).
        let ring = Ring {
            size_bytes: u64::MAX,
            count: 2,
            seconds: Some(3),
            stop_after_count: true,
        };
        let mut w = CaptureWriter::create(&base, NS, Some(ring)).expect("create");
        for n in 1..=10 {
            w.write_frame(&frame(n, 100).as_frame()).expect("write");
        }
        w.flush().expect("flush");
        assert!(w.is_done());
        let files: Vec<PathBuf> = w.files().map(Path::to_path_buf).collect();
        assert_eq!(files.len(), 2);
        let counts: Vec<usize> = files
            .iter()
            .map(|f| read_back(std::fs::read(f).expect("ring file")).len())
            .collect();
        assert_eq!(counts, [3, 3]);
        assert_eq!(w.frames(), 6);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
