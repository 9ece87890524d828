//! Several capture files read as one capture: the files a command line names, and the
//! captures in the directories it names, merged in time order as `mergecap` merges them, so a
//! connection that runs across the files of a ring buffer is one connection.
//!
//! [`CaptureInput::open`] takes the paths as typed. One file is read as it always is (the
//! block reader of classic pcap stays available); several are read together by a
//! [`MergedReader`], which holds the next frame of each file and hands out the earliest,
//! numbering the merged frames 1, 2, ... like the file `mergecap` would write. Of frames of
//! equal time, the one from the file that started first goes first, then the one from the file
//! named first (mergecap takes the file named first; starting time first keeps a ring buffer's
//! files in order whatever order they are named in, even when a timestamp repeats across the
//! cut between two files). A record without a timestamp (a pcapng simple packet block) stays
//! right after its file's previous frame.
//!
//! A file that turns out damaged part way ends only its own share: the frames read from it
//! stay, the other files are read to their end, and its error is reported after the last
//! frame, naming the file.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::file::STDIN;
use super::{CaptureError, FileReader, Frame, FrameSource, LinkType, RecordKind, Timestamp};

/// The first bytes of the files a directory may hold as captures: pcap (both byte orders,
/// µs and ns), pcapng, and gzip (a compressed capture).
const CAPTURE_MAGICS: [[u8; 4]; 5] = [
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0x4d, 0x3c, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
    [0x0a, 0x0d, 0x0d, 0x0a],
];
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The capture files named by `paths`: files as given, and for each directory the capture
/// files in it (not its subdirectories; files that do not start like a pcap, pcapng or gzip
/// file, such as the `.calls.json` traces beside captures, are left out), in natural name
/// order (`ring_2.pcap` before `ring_10.pcap`).
pub fn capture_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CaptureError> {
    let mut files = Vec::new();
    if paths.iter().filter(|p| p.as_os_str() == STDIN).count() > 1 {
        return Err(CaptureError::Io {
            path: PathBuf::from(STDIN),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "standard input can be one of the inputs only once",
            ),
        });
    }
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let io_error = |source| CaptureError::Io {
            path: path.clone(),
            source,
        };
        let mut found: Vec<PathBuf> = Vec::new();
        for entry in std::fs::read_dir(path).map_err(io_error)? {
            let entry = entry.map_err(io_error)?;
            let p = entry.path();
            if p.is_file() && starts_like_a_capture(&p) {
                found.push(p);
            }
        }
        if found.is_empty() {
            return Err(CaptureError::Io {
                path: path.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "the directory holds no pcap or pcapng file",
                ),
            });
        }
        found.sort_by(|a, b| natural_order(&a.to_string_lossy(), &b.to_string_lossy()));
        files.extend(found);
    }
    Ok(files)
}

/// True when the file's first bytes are a capture's (or gzip's) magic number.
fn starts_like_a_capture(path: &Path) -> bool {
    let mut head = [0u8; 4];
    let Ok(mut f) = File::open(path) else {
        return false;
    };
    match f.read_exact(&mut head) {
        Ok(()) => CAPTURE_MAGICS.contains(&head) || head[..2] == GZIP_MAGIC,
        Err(_) => false,
    }
}

/// Compares names with their digit runs as numbers: `a2` < `a10`.
fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (trim_zeros(&a[..da]), trim_zeros(&b[..db]));
                let order = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if order.is_ne() {
                    return order;
                }
                (a, b) = (&a[da..], &b[db..]);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                (a, b) = (&a[1..], &b[1..]);
            }
        }
    }
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|c| **c == b'0').count();
    &digits[zeros.min(digits.len().saturating_sub(1))..]
}

/// The capture a command reads: one file, or several merged in time order.
pub enum CaptureInput {
    /// A single file, read as it is.
    One(FileReader),
    /// Several files merged in time order.
    Merged(Box<MergedReader>),
}

impl CaptureInput {
    /// Opens the capture named by `paths` (files and directories, see [`capture_files`]).
    /// Every file is opened and its first frame read before anything is returned, so a
    /// missing file or one that is not a capture is reported at once.
    pub fn open(paths: &[PathBuf]) -> Result<CaptureInput, CaptureError> {
        let files = capture_files(paths)?;
        match files.as_slice() {
            [] => Err(CaptureError::Io {
                path: PathBuf::from("(no input)"),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no capture file given"),
            }),
            [one] => Ok(CaptureInput::One(FileReader::open(one)?)),
            _ => {
                let readers = files
                    .iter()
                    .map(FileReader::open)
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(CaptureInput::Merged(Box::new(MergedReader::new(readers))))
            }
        }
    }

    /// The capture read from `readers` (freshly opened): one as it is, several merged.
    pub fn from_readers(mut readers: Vec<FileReader>) -> CaptureInput {
        if readers.len() == 1 {
            if let Some(one) = readers.pop() {
                return CaptureInput::One(one);
            }
        }
        CaptureInput::Merged(Box::new(MergedReader::new(readers)))
    }

    /// The name to print for the capture: the file's path, or the first file's path and the
    /// number of others.
    pub fn name(&self) -> PathBuf {
        match self {
            CaptureInput::One(r) => r.path().to_path_buf(),
            CaptureInput::Merged(m) => m.name(),
        }
    }

    /// Frames returned so far.
    pub fn frames_read(&self) -> u64 {
        match self {
            CaptureInput::One(r) => r.frames_read(),
            CaptureInput::Merged(m) => m.frames_read(),
        }
    }

    /// The next frame and the offset of its bytes in its file: for a single file only
    /// (merged frames come from several files).
    pub fn next_located(&mut self) -> Result<Option<(Frame<'_>, Option<u64>)>, CaptureError> {
        match self {
            CaptureInput::One(r) => Ok(r.next_located()?.map(|(f, at)| (f, Some(at)))),
            CaptureInput::Merged(m) => Ok(m.next_frame()?.map(|f| (f, None))),
        }
    }
}

impl From<FileReader> for CaptureInput {
    fn from(reader: FileReader) -> CaptureInput {
        CaptureInput::One(reader)
    }
}

impl FrameSource for CaptureInput {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        match self {
            CaptureInput::One(r) => r.next_frame(),
            CaptureInput::Merged(m) => m.next_frame(),
        }
    }
}

/// A frame held back until it is the earliest of all files.
struct Held {
    ts: Option<Timestamp>,
    len: u32,
    link: LinkType,
    interface: u32,
    kind: RecordKind,
    data: Vec<u8>,
}

impl Held {
    fn empty() -> Held {
        Held {
            ts: None,
            len: 0,
            link: LinkType::Other(0),
            interface: 0,
            kind: RecordKind::Packet,
            data: Vec::new(),
        }
    }
}

/// One file of a merge and its next frame.
struct Member {
    reader: FileReader,
    next: Held,
    /// Time of this file's latest frame: a frame without a timestamp sorts at it.
    last: Timestamp,
}

impl Member {
    /// Reads this file's next frame into `next`; returns its sort time, `None` at the end.
    fn advance(&mut self) -> Result<Option<Timestamp>, CaptureError> {
        let Some(frame) = self.reader.next_frame()? else {
            return Ok(None);
        };
        let held = &mut self.next;
        held.ts = frame.ts;
        held.len = frame.len;
        held.link = frame.link;
        held.interface = frame.interface;
        held.kind = frame.kind;
        held.data.clear();
        held.data.extend_from_slice(frame.data);
        if let Some(ts) = frame.ts {
            self.last = ts;
        }
        Ok(Some(self.last))
    }
}

/// Several capture files read as one, in time order (see the module documentation).
pub struct MergedReader {
    members: Vec<Member>,
    /// The next frame of each file still going, earliest first: (time, the file's rank by
    /// starting time, file index).
    queue: BinaryHeap<Reverse<(Timestamp, usize, usize)>>,
    /// Each file's rank when the files are ordered by their first frame's time.
    rank: Vec<usize>,
    /// The frame handed out last (its bytes are borrowed by the caller until the next call).
    current: Held,
    frames: u64,
    /// The first damaged file's error, reported after the last frame of the others.
    deferred: Option<CaptureError>,
    started: bool,
    names: Vec<PathBuf>,
}

impl MergedReader {
    /// Merges the frames of `readers` (freshly opened) in time order.
    pub fn new(readers: Vec<FileReader>) -> MergedReader {
        let names = readers.iter().map(|r| r.path().to_path_buf()).collect();
        MergedReader {
            members: readers
                .into_iter()
                .map(|reader| Member {
                    reader,
                    next: Held::empty(),
                    last: Timestamp(i64::MIN),
                })
                .collect(),
            queue: BinaryHeap::new(),
            rank: Vec::new(),
            current: Held::empty(),
            frames: 0,
            deferred: None,
            started: false,
            names,
        }
    }

    /// The merged files, in the order given.
    pub fn paths(&self) -> &[PathBuf] {
        &self.names
    }

    /// `first.pcap (+N more files)`.
    pub fn name(&self) -> PathBuf {
        match self.names.as_slice() {
            [] => PathBuf::new(),
            [one] => one.clone(),
            [first, rest @ ..] => PathBuf::from(format!(
                "{} (+{} more file{})",
                first.display(),
                rest.len(),
                if rest.len() == 1 { "" } else { "s" }
            )),
        }
    }

    /// Frames returned so far.
    pub fn frames_read(&self) -> u64 {
        self.frames
    }

    /// Reads every file's first frame and ranks the files by its time (stable: files named
    /// earlier first among equals).
    fn start(&mut self) {
        let n = self.members.len();
        self.rank = vec![0; n];
        let mut firsts = Vec::with_capacity(n);
        for i in 0..n {
            match self.members[i].advance() {
                Ok(Some(at)) => firsts.push((at, i)),
                Ok(None) => {}
                Err(e) => {
                    self.deferred.get_or_insert(e);
                }
            }
        }
        firsts.sort_by_key(|&(at, _)| at);
        for (rank, &(at, i)) in firsts.iter().enumerate() {
            self.rank[i] = rank;
            self.queue.push(Reverse((at, rank, i)));
        }
    }

    /// Reads file `i`'s next frame and queues it; a damaged file leaves the merge, its error
    /// kept for the end (the first one, when several are damaged).
    fn refill(&mut self, i: usize) {
        match self.members[i].advance() {
            Ok(Some(at)) => self.queue.push(Reverse((at, self.rank[i], i))),
            Ok(None) => {}
            Err(e) => {
                self.deferred.get_or_insert(e);
            }
        }
    }
}

impl FrameSource for MergedReader {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        if !self.started {
            self.started = true;
            self.start();
        }
        let Some(Reverse((_, _, i))) = self.queue.pop() else {
            return match self.deferred.take() {
                Some(e) => Err(e),
                None => Ok(None),
            };
        };
        std::mem::swap(&mut self.current, &mut self.members[i].next);
        self.refill(i);
        self.frames += 1;
        let held = &self.current;
        Ok(Some(Frame {
            number: self.frames,
            ts: held.ts,
            len: held.len,
            link: held.link,
            interface: held.interface,
            kind: held.kind,
            data: &held.data,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::writer::{PcapFormat, PcapWriter};
    use crate::capture::OwnedFrame;

    fn write(path: &Path, frames: &[(i64, u8)]) {
        let format = PcapFormat {
            link: LinkType::Ethernet,
            snaplen: 65535,
            nanos: true,
        };
        let mut w = PcapWriter::new(File::create(path).expect("create"), format);
        for (n, (ts, byte)) in frames.iter().enumerate() {
            let f = OwnedFrame::packet(
                n as u64 + 1,
                Timestamp(*ts),
                LinkType::Ethernet,
                vec![*byte; 60],
            );
            w.write_frame(&f.as_frame()).expect("write");
        }
        w.flush().expect("flush");
    }

    fn read(mut source: impl FrameSource) -> (Vec<(u64, i64, u8)>, Option<CaptureError>) {
        let mut out = Vec::new();
        loop {
            match source.next_frame() {
                Ok(Some(f)) => out.push((f.number, f.ts.map_or(-1, |t| t.0), f.data[0])),
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    /// A scratch directory named after `name` holding `a.pcap` and `b.pcap` with these
    /// records; returns the directory and the two files' paths.
    fn two_files(name: &str, a: &[(i64, u8)], b: &[(i64, u8)]) -> (PathBuf, PathBuf, PathBuf) {
        let dir = tempfile_dir(name);
        let (a_path, b_path) = (dir.join("a.pcap"), dir.join("b.pcap"));
        write(&a_path, a);
        write(&b_path, b);
        (dir, a_path, b_path)
    }

    #[test]
    fn files_merge_in_time_order_with_ties_by_starting_time() {
        let (dir, a, b) = two_files(
            "order",
            &[(1_000, 1), (3_000, 2), (5_000, 3)],
            &[(2_000, 11), (3_000, 12), (9_000, 13)],
        );
        let input = CaptureInput::open(&[b.clone(), a.clone()]).expect("opens");
        let (frames, err) = read(input);
        assert!(err.is_none(), "{err:?}");
        let order: Vec<u8> = frames.iter().map(|f| f.2).collect();
        // At 3 µs both files have a frame: the one of the file that started first (a) goes
        // first, though b was named first.
        assert_eq!(order, [1, 11, 2, 12, 3, 13]);
        let numbers: Vec<u64> = frames.iter().map(|f| f.0).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn files_starting_together_break_ties_in_the_order_named() {
        let (dir, a, b) = two_files(
            "ties",
            &[(1_000, 1), (2_000, 2)],
            &[(1_000, 11), (2_000, 12)],
        );
        let (frames, _) = read(CaptureInput::open(&[b, a]).expect("opens"));
        assert_eq!(
            frames.iter().map(|f| f.2).collect::<Vec<_>>(),
            [11, 1, 12, 2]
        );
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_directory_reads_its_captures_in_natural_order_and_skips_other_files() {
        let dir = tempfile_dir("dir");
        write(&dir.join("ring_10.pcap"), &[(10_000, 10)]);
        write(&dir.join("ring_2.pcap"), &[(2_000, 2)]);
        write(&dir.join("ring_1.pcap"), &[(1_000, 1)]);
        std::fs::write(dir.join("ring_1.pcap.calls.json"), b"{}").expect("write");
        let files = capture_files(std::slice::from_ref(&dir)).expect("lists");
        let names: Vec<String> = files
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["ring_1.pcap", "ring_2.pcap", "ring_10.pcap"]);
        let (frames, _) = read(CaptureInput::open(std::slice::from_ref(&dir)).expect("opens"));
        assert_eq!(frames.iter().map(|f| f.2).collect::<Vec<_>>(), [1, 2, 10]);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_damaged_file_ends_only_its_share_and_is_reported_last() {
        let (dir, a, b) = two_files(
            "damaged",
            &[(1_000, 1), (2_000, 2), (3_000, 3)],
            &[(1_500, 11), (2_500, 12), (8_000, 13)],
        );
        // Cut a's last record in half.
        let bytes = std::fs::read(&a).expect("read");
        std::fs::write(&a, &bytes[..bytes.len() - 30]).expect("cut");
        let (frames, err) = read(CaptureInput::open(&[a.clone(), b]).expect("opens"));
        assert_eq!(
            frames.iter().map(|f| f.2).collect::<Vec<_>>(),
            [1, 11, 2, 12, 13]
        );
        let err = err.expect("the cut file is reported");
        assert!(err.to_string().contains("a.pcap"), "{err}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_missing_file_or_an_empty_directory_fails_at_open() {
        let dir = tempfile_dir("missing");
        let err = CaptureInput::open(&[dir.join("nope.pcap")])
            .err()
            .expect("fails");
        assert!(err.to_string().contains("nope.pcap"), "{err}");
        let err = CaptureInput::open(std::slice::from_ref(&dir))
            .err()
            .expect("fails");
        assert!(err.to_string().contains("no pcap or pcapng"), "{err}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn natural_order_compares_digit_runs_as_numbers() {
        use std::cmp::Ordering::*;
        assert_eq!(natural_order("a2", "a10"), Less);
        assert_eq!(natural_order("a010", "a9"), Greater);
        assert_eq!(natural_order("ring_00002.pcap", "ring_00010.pcap"), Less);
        assert_eq!(natural_order("b", "a10"), Greater);
        assert_eq!(natural_order("x1y", "x1y"), Equal);
    }

    fn tempfile_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("synack-merge-{name}-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }
}
