//! Reading pcap and pcapng files with `pcap-parser` (pure Rust, streaming, zero-copy).
//!
//! libpcap cannot read pcapng files whose interfaces have different link types, so files are
//! read here and libpcap is kept for live capture. The reader keeps per-section interface
//! tables (link type, timestamp resolution and offset, snaplen), so every frame is decoded
//! with its own interface's link type.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use pcap_parser::pcapng::Block;
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{create_reader, PcapBlockOwned, PcapError};

use super::pcapng_length::block_length_problem;
use super::{Frame, FrameSource, LinkType, PcapBlocks, RecordKind, Timestamp};
use crate::i18n::{self, Lang, Message};

/// Initial read buffer; grown (up to [`MAX_BUFFER`]) when one block does not fit.
pub(super) const INITIAL_BUFFER: usize = 1 << 20;
/// Largest block synack accepts: Wireshark's pcapng limit (16 MiB), far above any real
/// snaplen (256 KiB). A larger length field means the file is damaged.
pub(super) const MAX_BUFFER: usize = 16 << 20;
/// The first read, which tells the format; a file shorter than this is read whole.
pub(super) const HEAD_BYTES: usize = 64 * 1024;

/// Why a capture could not be read (further). Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The file holds no bytes.
    #[error("{path}: the file is empty (not a pcap or pcapng capture)")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Neither a pcap nor a pcapng magic number.
    #[error("{path}: not a pcap or pcapng file (magic number {magic})")]
    NotACapture {
        /// The file.
        path: PathBuf,
        /// The first bytes, in hex.
        magic: String,
    },
    /// The structure is broken at some point; frames before it were read.
    #[error("{path}: the file is damaged or corrupt at byte {offset}: {what}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Byte offset of the damaged block or record.
        offset: u64,
        /// What is wrong.
        what: String,
    },
    /// Reading the file failed part way (a disk or network file system error); frames
    /// before it were read.
    #[error("{path}: read failed: {source}, at byte {offset}")]
    ReadFailed {
        /// The file.
        path: PathBuf,
        /// Offset of the first record not read.
        offset: u64,
        /// The OS error.
        source: io::Error,
    },
    /// The file ends inside a record (a capture cut short, e.g. a copy or disk full).
    #[error("{path}: the file is cut short: the last record is incomplete ({left} bytes after frame {after_frame} at byte {offset})")]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Offset of the incomplete record.
        offset: u64,
        /// Bytes of the incomplete record present.
        left: usize,
        /// Number of the last complete frame.
        after_frame: u64,
    },
    /// A live capture source failed (used by live backends).
    #[error("{0}")]
    Live(String),
    /// This process may not open a capture socket.
    #[error("{interface}: no permission to capture ({detail}). Run synack as root, or grant the binary the capabilities once: `sudo setcap cap_net_raw,cap_net_admin=eip $(command -v synack)` (cap_net_raw is needed to capture; cap_net_admin only for promiscuous mode, so `--no-promisc` with cap_net_raw alone also works)")]
    PermissionDenied {
        /// The interface.
        interface: String,
        /// What the OS or libpcap said.
        detail: String,
    },
    /// No interface of that name exists.
    #[error("{name}: no such interface. Interfaces here: {} (see `synack ifaces`)", available.join(", "))]
    NoSuchInterface {
        /// The name asked for.
        name: String,
        /// The names that exist.
        available: Vec<String>,
    },
    /// The interface exists but is administratively down.
    #[error("{name}: the interface is down; bring it up first (`ip link set {name} up`)")]
    InterfaceDown {
        /// The interface.
        name: String,
    },
    /// libpcap rejected the capture filter.
    #[error("bad capture filter \"{filter}\": {message}")]
    BadFilter {
        /// The filter text as given.
        filter: String,
        /// libpcap's compiler message.
        message: String,
    },
    /// The backend cannot apply capture filters.
    #[error("the {backend} backend cannot apply capture filters (-f): pnet has no BPF compiler. Use the default backend (`--backend pcap`) for -f, or drop -f")]
    FilterUnsupported {
        /// The backend's name.
        backend: &'static str,
    },
}

impl CaptureError {
    /// The error in `lang`, from the catalogue (`cap-err-*`), so that the command line says
    /// it in its language; in English it reads exactly as `Display` (a unit test checks).
    pub fn text_in(&self, lang: Lang) -> String {
        let path = |p: &Path| p.display().to_string();
        let io = |e: &io::Error| i18n::io_error_text_in(lang, e);
        let words = |s: &str| i18n::library_text_in(lang, s);
        let message = match self {
            CaptureError::Io { path: p, source } => Message::new("cap-err-io")
                .arg("path", path(p))
                .arg("error", io(source)),
            CaptureError::Empty { path: p } => Message::new("cap-err-empty").arg("path", path(p)),
            CaptureError::NotACapture { path: p, magic } => Message::new("cap-err-not-capture")
                .arg("path", path(p))
                .arg("magic", magic),
            CaptureError::Corrupt {
                path: p,
                offset,
                what,
            } => Message::new("cap-err-corrupt")
                .arg("path", path(p))
                .arg("offset", offset.to_string())
                .arg("what", words(what)),
            CaptureError::ReadFailed {
                path: p,
                offset,
                source,
            } => Message::new("cap-err-read-failed")
                .arg("path", path(p))
                .arg("error", io(source))
                .arg("offset", offset.to_string()),
            CaptureError::Truncated {
                path: p,
                offset,
                left,
                after_frame,
            } => Message::new("cap-err-truncated")
                .arg("path", path(p))
                .arg("left", left.to_string())
                .arg("frame", after_frame.to_string())
                .arg("offset", offset.to_string()),
            CaptureError::Live(what) => Message::new("cap-err-live").arg("what", words(what)),
            CaptureError::PermissionDenied { interface, detail } => {
                Message::new("cap-err-permission")
                    .arg("interface", interface)
                    .arg("detail", detail)
            }
            CaptureError::NoSuchInterface { name, available } => {
                Message::new("cap-err-no-interface")
                    .arg("name", name)
                    .arg("available", available.join(", "))
            }
            CaptureError::InterfaceDown { name } => {
                Message::new("cap-err-interface-down").arg("name", name)
            }
            CaptureError::BadFilter { filter, message } => Message::new("cap-err-bad-filter")
                .arg("filter", filter)
                .arg("message", message),
            CaptureError::FilterUnsupported { backend } => {
                Message::new("cap-err-filter-unsupported").arg("backend", *backend)
            }
        };
        message.text_in(lang)
    }

    /// [`CaptureError::text_in`] in this thread's language.
    pub fn text(&self) -> String {
        self.text_in(i18n::lang())
    }

    /// Byte offset in the file where it is damaged or cut, for errors that have one.
    pub fn offset(&self) -> Option<u64> {
        match self {
            CaptureError::Corrupt { offset, .. }
            | CaptureError::Truncated { offset, .. }
            | CaptureError::ReadFailed { offset, .. } => Some(*offset),
            _ => None,
        }
    }
}

/// One interface of a pcapng section (or the single "interface" of a pcap file).
#[derive(Debug, Clone, Copy)]
struct Interface {
    link: LinkType,
    /// Timestamp units per second.
    ts_units: u64,
    /// Seconds added to every timestamp (`if_tsoffset`).
    ts_offset: i64,
    snaplen: u32,
}

/// Where the next frame sits in the reader's buffer, decided before it is borrowed.
struct Pending {
    ts: Option<Timestamp>,
    len: u32,
    link: LinkType,
    interface: u32,
    kind: RecordKind,
    start: usize,
    caplen: usize,
}

/// A pcap/pcapng file as a [`FrameSource`].
pub struct FileReader {
    path: PathBuf,
    reader: Box<dyn PcapReaderIterator + Send>,
    interfaces: Vec<Interface>,
    /// Bytes of the last returned block, consumed at the next call (the frame borrowed them).
    to_consume: usize,
    frames: u64,
    buffer_size: usize,
    failed: bool,
    /// Classic pcap only: the records' byte order (true = big-endian) and the snaplen.
    legacy: Option<(bool, u32)>,
    /// pcapng only: the current section's byte order (true = big-endian).
    section_big_endian: bool,
    /// A second handle on the opened file, positioned where pcap-parser's first read ended,
    /// so [`FileReader::into_blocks`] can go on reading it without pcap-parser.
    file: Option<File>,
    /// The last read error of the input (pcap-parser reports a failed read without it).
    read_error: ReadError,
}

/// Where [`KeepError`] leaves the input's last read error.
type ReadError = std::sync::Arc<std::sync::Mutex<Option<io::Error>>>;

/// A reader that keeps its last error for the [`FileReader`], so that a disk error is
/// reported as such (pcap-parser only says that a read failed).
struct KeepError<R> {
    inner: R,
    error: ReadError,
}

impl<R: Read> Read for KeepError<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            // pcap-parser drops the error it is given: it gets a stand-in of the same kind.
            let stand_in = io::Error::from(e.kind());
            if let Ok(mut slot) = self.error.lock() {
                *slot = Some(e);
            }
            stand_in
        })
    }
}

impl FileReader {
    /// Opens a capture file and reads its header. `-` is standard input; a pipe, a FIFO or
    /// `/dev/stdin` is read once from start to end; a gzip-compressed capture is
    /// decompressed as it is read (as tshark and tcpdump do).
    pub fn open(path: impl AsRef<Path>) -> Result<FileReader, CaptureError> {
        let path = path.as_ref().to_path_buf();
        if path.as_os_str() == STDIN {
            return FileReader::from_input(path, io::stdin());
        }
        let file = File::open(&path).map_err(|source| CaptureError::Io {
            path: path.clone(),
            source,
        })?;
        FileReader::from_file(path, file)
    }

    /// Reads a capture from an opened file (see [`FileReader::open`]); `name` is used in
    /// error messages. A regular file is read from its current offset on.
    pub fn from_file(name: impl Into<PathBuf>, file: File) -> Result<FileReader, CaptureError> {
        let path = name.into();
        let regular = file.metadata().is_ok_and(|m| m.is_file());
        if !regular || is_gzip_file(&file) {
            return FileReader::from_input(path, file);
        }
        let second = file.try_clone().ok();
        let mut reader = FileReader::from_reader(path, file)?;
        reader.file = second;
        Ok(reader)
    }

    /// A capture from a byte stream that may be gzip-compressed (told by its magic number).
    fn from_input(
        path: PathBuf,
        mut input: impl Read + Send + 'static,
    ) -> Result<FileReader, CaptureError> {
        let mut magic = [0u8; 2];
        let got = read_up_to(&mut input, &mut magic).map_err(|source| CaptureError::Io {
            path: path.clone(),
            source,
        })?;
        let input = io::Cursor::new(magic[..got].to_vec()).chain(input);
        if magic[..got] == GZIP_MAGIC {
            let unzipped = flate2::read::MultiGzDecoder::new(io::BufReader::new(input));
            FileReader::from_reader(path, unzipped)
        } else {
            FileReader::from_reader(path, input)
        }
    }

    /// Reads a capture from any byte stream; `name` is used in error messages.
    pub fn from_reader(
        name: impl Into<PathBuf>,
        mut input: impl Read + Send + 'static,
    ) -> Result<FileReader, CaptureError> {
        let path = name.into();
        // Read the first chunk ourselves: it tells the format for precise errors, and
        // pcap-parser detects the format from a single read of its input.
        let mut magic = vec![0u8; HEAD_BYTES];
        let got = read_up_to(&mut input, &mut magic).map_err(|source| CaptureError::Io {
            path: path.clone(),
            source,
        })?;
        if got == 0 {
            return Err(CaptureError::Empty { path });
        }
        // A short read means the whole input is in `head`: a buffer of that size does (a
        // 1 MiB buffer per small in-memory capture was most of the fuzzer's time).
        let buffer_size = if got < magic.len() {
            magic.len()
        } else {
            INITIAL_BUFFER
        };
        magic.truncate(got);
        let head = magic;
        let read_error = ReadError::default();
        let input = KeepError {
            inner: input,
            error: read_error.clone(),
        };
        let chained = io::Cursor::new(head.clone()).chain(input);
        let reader = match create_reader(buffer_size, chained) {
            Ok(r) => r,
            Err(e) => return Err(header_error(path, &head, e)),
        };
        Ok(FileReader {
            path,
            reader,
            interfaces: Vec::new(),
            to_consume: 0,
            frames: 0,
            buffer_size,
            failed: false,
            legacy: None,
            section_big_endian: false,
            file: None,
            read_error,
        })
    }

    /// Turns a freshly opened classic pcap file (either byte order, µs or ns) into a
    /// [`PcapBlocks`] reader, which reads the file in large blocks instead of frame by frame;
    /// it reads the same frames and reports the same errors. Anything else (pcapng, the
    /// modified pcap format, a reader made by [`FileReader::from_reader`] or one that has
    /// already returned frames) is handed back unchanged.
    pub fn into_blocks(mut self) -> Result<PcapBlocks, FileReader> {
        if self.frames > 0 || self.to_consume > 0 || self.reader.consumed() > 0 {
            return Err(self);
        }
        // Nothing is consumed yet, so the buffer holds pcap-parser's first read: the head,
        // from byte 0; the second handle continues right after it.
        let head = self.reader.data();
        let Some(file) = self.file.take() else {
            return Err(self);
        };
        match PcapBlocks::new(self.path.clone(), file, head, self.buffer_size) {
            Some(blocks) => Ok(blocks),
            None => Err(self),
        }
    }

    /// The file's path (or the name given to [`FileReader::from_reader`]).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of frames returned so far.
    pub fn frames_read(&self) -> u64 {
        self.frames
    }

    /// A failed read: the input's own error when it left one, else damage where reading
    /// stopped.
    fn read_failed(&mut self) -> CaptureError {
        self.failed = true;
        let kept = self.read_error.lock().ok().and_then(|mut e| e.take());
        match kept {
            Some(source) => CaptureError::ReadFailed {
                path: self.path.clone(),
                offset: self.reader.consumed() as u64,
                source,
            },
            None => self.corrupt("read failed".into()),
        }
    }

    /// The next frame and the offset of its bytes in the input, so a reader of a file can
    /// read them again later instead of keeping them.
    pub fn next_located(&mut self) -> Result<Option<(Frame<'_>, u64)>, CaptureError> {
        if self.failed {
            return Ok(None);
        }
        let Some(p) = self.advance()? else {
            return Ok(None);
        };
        self.frames += 1;
        let offset = self.reader.consumed() as u64 + p.start as u64;
        let data = &self.reader.data()[p.start..p.start + p.caplen];
        let frame = Frame {
            number: self.frames,
            ts: p.ts,
            len: p.len.max(p.caplen as u32),
            link: p.link,
            interface: p.interface,
            kind: p.kind,
            data,
        };
        Ok(Some((frame, offset)))
    }

    fn corrupt(&mut self, what: String) -> CaptureError {
        self.failed = true;
        CaptureError::Corrupt {
            path: self.path.clone(),
            offset: self.reader.consumed() as u64,
            what,
        }
    }

    /// At an incomplete classic-pcap record: says so when its header cannot be a record's
    /// (a captured length beyond any snaplen), i.e. garbage follows the valid records rather
    /// than a record cut short.
    fn garbage_record(&self) -> Option<String> {
        let (big_endian, snaplen) = self.legacy?;
        garbage_record(self.reader.data(), big_endian, snaplen, self.frames)
    }

    /// At a pcapng block pcap-parser could not take: says so when its length fields lie
    /// (tshark's words), naming the last frame before it.
    fn lying_block(&self) -> Option<String> {
        if self.legacy.is_some() {
            return None;
        }
        let problem = block_length_problem(self.reader.data(), self.section_big_endian)?;
        Some(format!(
            "pcapng block after frame {}: {problem}",
            self.frames
        ))
    }

    /// Finds the next record and where its bytes are, without keeping a borrow.
    fn advance(&mut self) -> Result<Option<Pending>, CaptureError> {
        loop {
            if self.to_consume > 0 {
                self.reader.consume(self.to_consume);
                self.to_consume = 0;
            }
            let base = self.reader.data().as_ptr() as usize;
            let step = match self.reader.next() {
                Ok((size, block)) => {
                    let pending = match block {
                        PcapBlockOwned::LegacyHeader(h) => {
                            let ts_units = if h.is_nanosecond_precision() {
                                1_000_000_000
                            } else {
                                1_000_000
                            };
                            self.legacy = Some((h.is_bigendian(), h.snaplen));
                            self.interfaces = vec![Interface {
                                link: LinkType::from_number(h.network.0 as u32),
                                ts_units,
                                ts_offset: 0,
                                snaplen: h.snaplen,
                            }];
                            Ok(None)
                        }
                        PcapBlockOwned::Legacy(b) => match self.interfaces.first() {
                            Some(iface) => {
                                let ts = Timestamp::from_parts(
                                    i64::from(b.ts_sec),
                                    scale_to_nanos(u64::from(b.ts_usec), iface.ts_units),
                                );
                                let caplen = (b.caplen as usize).min(b.data.len());
                                Ok(Some(Pending {
                                    ts: Some(ts),
                                    len: b.origlen,
                                    link: iface.link,
                                    interface: 0,
                                    kind: RecordKind::Packet,
                                    start: b.data.as_ptr() as usize - base,
                                    caplen,
                                }))
                            }
                            None => Err("a packet record before the file header".to_string()),
                        },
                        PcapBlockOwned::NG(block) => {
                            if let Block::SectionHeader(shb) = &block {
                                self.section_big_endian = shb.big_endian();
                            }
                            ng_block(&mut self.interfaces, block, base)
                        }
                    };
                    pending.map(|p| (size, p))
                }
                Err(PcapError::Eof) => return Ok(None),
                Err(PcapError::Incomplete(_)) | Err(PcapError::UnexpectedEof) => {
                    if let Some(what) = self.lying_block() {
                        self.failed = true;
                        return Err(self.corrupt(what));
                    }
                    if self.reader.reader_exhausted() {
                        let left = self.reader.data().len();
                        if left == 0 {
                            return Ok(None);
                        }
                        self.failed = true;
                        if let Some(what) = self.garbage_record() {
                            return Err(self.corrupt(what));
                        }
                        return Err(CaptureError::Truncated {
                            path: self.path.clone(),
                            offset: self.reader.consumed() as u64,
                            left,
                            after_frame: self.frames,
                        });
                    }
                    if self.reader.refill().is_err() {
                        return Err(self.read_failed());
                    }
                    continue;
                }
                Err(PcapError::BufferTooSmall) => {
                    if let Some(what) = self.lying_block() {
                        return Err(self.corrupt(what));
                    }
                    let bigger = self.buffer_size * 2;
                    if bigger > MAX_BUFFER || !self.reader.grow(bigger) {
                        return Err(self.corrupt(too_large()));
                    }
                    self.buffer_size = bigger;
                    if self.reader.refill().is_err() {
                        return Err(self.read_failed());
                    }
                    continue;
                }
                Err(PcapError::ReadError) => return Err(self.read_failed()),
                Err(e) => {
                    let what = describe_parse_error(&e, self.legacy.is_none());
                    Err(self.lying_block().unwrap_or(what))
                }
            };
            match step {
                Ok((size, None)) => self.to_consume = size,
                Ok((size, Some(p))) => {
                    self.to_consume = size;
                    return Ok(Some(p));
                }
                Err(what) => return Err(self.corrupt(what)),
            }
        }
    }
}

/// Interprets one pcapng block: updates the section's interface table or locates a record.
fn ng_block(
    interfaces: &mut Vec<Interface>,
    block: Block<'_>,
    base: usize,
) -> Result<Option<Pending>, String> {
    match block {
        Block::SectionHeader(_) => {
            // Interface ids are per section.
            interfaces.clear();
            Ok(None)
        }
        Block::InterfaceDescription(idb) => {
            let ts_units = idb
                .ts_resolution()
                .ok_or_else(|| format!("interface has an invalid if_tsresol {}", idb.if_tsresol))?;
            interfaces.push(Interface {
                link: LinkType::from_number(u32::from(idb.linktype.0 as u16)),
                ts_units,
                ts_offset: idb.if_tsoffset,
                snaplen: idb.snaplen,
            });
            Ok(None)
        }
        Block::EnhancedPacket(epb) => {
            let iface = *interfaces.get(epb.if_id as usize).ok_or_else(|| {
                format!(
                    "packet refers to interface {} but the section describes {}",
                    epb.if_id,
                    interfaces.len()
                )
            })?;
            let raw = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
            let secs = raw / iface.ts_units;
            let frac = raw % iface.ts_units;
            let ts = Timestamp::from_parts(
                (secs as i64).saturating_add(iface.ts_offset),
                scale_to_nanos(frac, iface.ts_units),
            );
            Ok(Some(Pending {
                ts: Some(ts),
                len: epb.origlen,
                link: iface.link,
                interface: epb.if_id,
                kind: RecordKind::Packet,
                start: epb.data.as_ptr() as usize - base,
                caplen: (epb.caplen as usize).min(epb.data.len()),
            }))
        }
        Block::SimplePacket(spb) => {
            let iface = *interfaces
                .first()
                .ok_or("simple packet block in a section without interfaces")?;
            let mut caplen = (spb.origlen as usize).min(spb.data.len());
            if iface.snaplen > 0 {
                caplen = caplen.min(iface.snaplen as usize);
            }
            Ok(Some(Pending {
                ts: None,
                len: spb.origlen,
                link: iface.link,
                interface: 0,
                kind: RecordKind::Packet,
                start: spb.data.as_ptr() as usize - base,
                caplen,
            }))
        }
        Block::Custom(cb) => Ok(Some(Pending {
            ts: None,
            len: cb.data.len() as u32,
            link: LinkType::Other(0xffff_ffff),
            interface: 0,
            kind: RecordKind::CustomBlock { pen: cb.pen },
            start: cb.data.as_ptr() as usize - base,
            caplen: cb.data.len(),
        })),
        Block::SystemdJournalExport(j) => Ok(Some(Pending {
            ts: None,
            len: j.data.len() as u32,
            link: LinkType::Other(0xffff_fffe),
            interface: 0,
            kind: RecordKind::JournalEntry,
            start: j.data.as_ptr() as usize - base,
            caplen: j.data.len(),
        })),
        // Statistics, name resolution, secrets, process info and unknown blocks carry
        // no frame: skipped, like Wireshark does.
        _ => Ok(None),
    }
}

impl FrameSource for FileReader {
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        Ok(self.next_located()?.map(|(frame, _)| frame))
    }
}

/// Says why the incomplete classic-pcap record at the start of `rest` (all the bytes left in
/// the file) is garbage rather than a record cut short: its captured length is beyond any
/// snaplen. Shared with [`PcapBlocks`] so both readers word it the same.
pub(super) fn garbage_record(
    rest: &[u8],
    big_endian: bool,
    snaplen: u32,
    frames: u64,
) -> Option<String> {
    let head: [u8; 4] = rest.get(8..12)?.try_into().ok()?;
    let caplen = if big_endian {
        u32::from_be_bytes(head)
    } else {
        u32::from_le_bytes(head)
    };
    let most = snaplen.max(262_144);
    (caplen > most).then(|| {
        format!(
            "garbage where a record should be: its header claims a {caplen}-byte packet \
             (snapshot length {snaplen}); {} bytes after frame {frames} left unread",
            rest.len(),
        )
    })
}

/// The error text for a block or record longer than [`MAX_BUFFER`].
pub(super) fn too_large() -> String {
    format!("a block is larger than {} MiB", MAX_BUFFER >> 20)
}

/// Converts a fraction of a second in `units` per second into nanoseconds.
pub(super) fn scale_to_nanos(frac: u64, units: u64) -> i64 {
    if units == 1_000_000_000 {
        frac as i64
    } else {
        ((u128::from(frac) * 1_000_000_000) / u128::from(units.max(1))) as i64
    }
}

/// The path that means standard input (as for tshark -r and tcpdump -r).
pub(crate) const STDIN: &str = "-";

/// The first two bytes of a gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Whether a regular file starts like gzip (read without moving its offset).
fn is_gzip_file(file: &File) -> bool {
    use std::os::unix::fs::FileExt as _;
    let mut magic = [0u8; 2];
    matches!(file.read_at(&mut magic, 0), Ok(2)) && magic == GZIP_MAGIC
}

fn read_up_to(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// What a parser error means, in words without the parser's names for its errors.
fn describe_parse_error(e: &PcapError<&[u8]>, pcapng: bool) -> String {
    match e {
        PcapError::NomError(..) | PcapError::OwnedNomError(..) if pcapng => {
            "a block is invalid (its contents or options run past its length)".to_string()
        }
        PcapError::NomError(..) | PcapError::OwnedNomError(..) => {
            "a record header is invalid".to_string()
        }
        PcapError::HeaderNotRecognized => "unrecognised block".to_string(),
        PcapError::Eof | PcapError::Incomplete(_) | PcapError::UnexpectedEof => {
            "the file ends inside a block".to_string()
        }
        PcapError::BufferTooSmall => too_large(),
        PcapError::ReadError => "the file could not be read".to_string(),
    }
}

/// Explains why the first block could not be read, using the magic number.
fn header_error(path: PathBuf, head: &[u8], e: PcapError<&[u8]>) -> CaptureError {
    let magic = head
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    match magic.as_str() {
        "0a0d0d0a" => CaptureError::Corrupt {
            path,
            offset: 0,
            what: match block_length_problem(head, false) {
                Some(problem) => format!("the pcapng section header block: {problem}"),
                None => "the pcapng section header block is invalid (its options or lengths run past the block)".into(),
            },
        },
        "d4c3b2a1" | "a1b2c3d4" | "4d3cb2a1" | "a1b23c4d" => CaptureError::Corrupt {
            path,
            offset: 0,
            what: match e {
                PcapError::Eof | PcapError::Incomplete(_) | PcapError::UnexpectedEof => {
                    "the pcap file header is cut short".into()
                }
                _ => "the pcap file header is invalid".into(),
            },
        },
        _ => CaptureError::NotACapture { path, magic },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pcap_header(magic: u32, link: u32) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&magic.to_le_bytes());
        v.extend_from_slice(&2u16.to_le_bytes());
        v.extend_from_slice(&4u16.to_le_bytes());
        v.extend_from_slice(&0i32.to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(&65535u32.to_le_bytes());
        v.extend_from_slice(&link.to_le_bytes());
        v
    }

    fn record(sec: u32, frac: u32, data: &[u8], orig: u32) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&sec.to_le_bytes());
        v.extend_from_slice(&frac.to_le_bytes());
        v.extend_from_slice(&(data.len() as u32).to_le_bytes());
        v.extend_from_slice(&orig.to_le_bytes());
        v.extend_from_slice(data);
        v
    }

    fn read_all(bytes: Vec<u8>) -> (Vec<crate::capture::OwnedFrame>, Option<CaptureError>) {
        let mut r = match FileReader::from_reader("mem.pcap", io::Cursor::new(bytes)) {
            Ok(r) => r,
            Err(e) => return (vec![], Some(e)),
        };
        let mut out = vec![];
        loop {
            match r.next_frame() {
                Ok(Some(f)) => out.push(f.to_owned()),
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    #[test]
    fn microsecond_pcap_reads_frames_and_times() {
        let mut f = pcap_header(0xa1b2c3d4, 1);
        f.extend(record(10, 500_000, &[1, 2, 3], 3));
        f.extend(record(11, 1, &[4; 10], 60));
        let (frames, err) = read_all(f);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].ts, Some(Timestamp::from_parts(10, 500_000_000)));
        assert_eq!(frames[1].ts, Some(Timestamp::from_parts(11, 1_000)));
        assert_eq!(frames[1].len, 60);
        assert_eq!(frames[1].data.len(), 10);
        assert_eq!(frames[0].link, LinkType::Ethernet);
        assert_eq!(frames[1].number, 2);
    }

    #[test]
    fn nanosecond_pcap_keeps_nanoseconds() {
        let mut f = pcap_header(0xa1b23c4d, 101);
        f.extend(record(10, 123_456_789, &[0x45], 1));
        let (frames, err) = read_all(f);
        assert!(err.is_none());
        assert_eq!(frames[0].ts, Some(Timestamp::from_parts(10, 123_456_789)));
        assert_eq!(frames[0].link, LinkType::Raw);
    }

    #[test]
    fn cut_last_record_keeps_earlier_frames_and_reports() {
        let mut f = pcap_header(0xa1b2c3d4, 1);
        f.extend(record(1, 0, &[9; 20], 20));
        let second = record(2, 0, &[8; 40], 40);
        f.extend(&second[..30]);
        let (frames, err) = read_all(f);
        assert_eq!(frames.len(), 1);
        match err {
            Some(CaptureError::Truncated { after_frame, .. }) => assert_eq!(after_frame, 1),
            other => panic!("expected a truncation error, got {other:?}"),
        }
    }

    /// Hands over `ok` bytes, then fails every read with EIO, as a failing disk does.
    struct FailingDisk {
        bytes: io::Cursor<Vec<u8>>,
        ok: u64,
    }

    impl Read for FailingDisk {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let left = self.ok.saturating_sub(self.bytes.position());
            if left == 0 {
                return Err(io::Error::from_raw_os_error(libc::EIO));
            }
            let n = buf.len().min(left as usize);
            self.bytes.read(&mut buf[..n])
        }
    }

    #[test]
    fn a_disk_error_part_way_is_reported_with_the_os_error() {
        let mut f = pcap_header(0xa1b2c3d4, 1);
        // More than the first read (HEAD_BYTES), so the error comes at a refill.
        for i in 0..3000u32 {
            f.extend(record(i, 0, &[7; 60], 60));
        }
        let ok = HEAD_BYTES as u64 + 1000;
        let disk = FailingDisk {
            bytes: io::Cursor::new(f),
            ok,
        };
        let mut r = FileReader::from_reader("disk.pcap", disk).expect("the head reads");
        let mut frames = 0u64;
        let err = loop {
            match r.next_frame() {
                Ok(Some(_)) => frames += 1,
                Ok(None) => panic!("the read error is reported"),
                Err(e) => break e,
            }
        };
        let msg = err.to_string();
        assert!(
            msg.starts_with("disk.pcap: read failed: Input/output error"),
            "{msg}"
        );
        match &err {
            CaptureError::ReadFailed { source, offset, .. } => {
                assert_eq!(source.raw_os_error(), Some(libc::EIO));
                // Every record before the failed read was handed out; the error is where
                // the first one not read starts.
                assert_eq!(*offset, 24 + frames * 76);
                assert!(*offset <= ok);
            }
            other => panic!("expected ReadFailed, got {other:?}"),
        }
        assert!(frames > 0);
        assert!(matches!(r.next_frame(), Ok(None)), "a read error is final");
    }

    #[test]
    fn garbage_after_records_is_named_with_its_offset() {
        let mut f = pcap_header(0xa1b2c3d4, 1);
        f.extend(record(1, 0, &[9; 20], 20));
        let garbage_at = f.len() as u64;
        // A "record header" claiming a 4 GB packet, then a few more bytes.
        f.extend([0xff; 40]);
        let (frames, err) = read_all(f);
        assert_eq!(frames.len(), 1);
        let err = err.expect("the garbage is reported");
        assert_eq!(err.offset(), Some(garbage_at));
        let msg = err.to_string();
        assert!(msg.contains("garbage where a record should be"), "{msg}");
        assert!(msg.contains(&format!("byte {garbage_at}")), "{msg}");
    }

    /// A pcapng block: type, the two lengths as given, the body padded to 4 bytes.
    fn ng_block(
        block_type: u32,
        body: &[u8],
        length: Option<u32>,
        trailer: Option<u32>,
    ) -> Vec<u8> {
        let mut body = body.to_vec();
        body.resize(body.len().next_multiple_of(4), 0);
        let true_length = body.len() as u32 + 12;
        let mut v = block_type.to_le_bytes().to_vec();
        v.extend_from_slice(&length.unwrap_or(true_length).to_le_bytes());
        v.extend_from_slice(&body);
        v.extend_from_slice(&trailer.unwrap_or(true_length).to_le_bytes());
        v
    }

    /// Section header, one Ethernet interface, one 60-byte packet, then a second packet
    /// block whose lengths are `length` and `trailer` (its true length is 92).
    fn pcapng_with_second_block(length: Option<u32>, trailer: Option<u32>) -> Vec<u8> {
        let mut shb = 0x1A2B_3C4Du32.to_le_bytes().to_vec();
        shb.extend_from_slice(&[1, 0, 0, 0]);
        shb.extend_from_slice(&(-1i64).to_le_bytes());
        let mut idb = vec![1, 0, 0, 0];
        idb.extend_from_slice(&65535u32.to_le_bytes());
        let mut epb = Vec::new();
        for w in [0u32, 0, 1, 60, 60] {
            epb.extend_from_slice(&w.to_le_bytes());
        }
        epb.extend_from_slice(&[0; 60]);
        let mut f = ng_block(0x0A0D_0D0A, &shb, None, None);
        f.extend(ng_block(1, &idb, None, None));
        f.extend(ng_block(6, &epb, None, None));
        f.extend(ng_block(6, &epb, length, trailer));
        f
    }

    #[test]
    fn pcapng_block_lengths_that_lie_are_said_as_tshark_says_them() {
        // Each as tshark 4.x words it; the block starts at byte 140, after frame 1.
        for (length, trailer, expected) in [
            (
                Some(0xFFFF_FFF0),
                None,
                "total block length 4294967280 is too large (> 134348832)",
            ),
            (
                Some(300_000_000),
                None,
                "total block length 300000000 is too large (> 134348832)",
            ),
            (
                Some(8),
                None,
                "total block length 8 of an EPB is less than the minimum EPB size 32",
            ),
            (
                None,
                Some(100),
                "total block lengths (first 92 and second 100) don't match",
            ),
        ] {
            let (frames, err) = read_all(pcapng_with_second_block(length, trailer));
            assert_eq!(frames.len(), 1, "{expected}");
            let err = err.expect("damage reported");
            assert_eq!(err.offset(), Some(140));
            let msg = err.to_string();
            assert_eq!(
                msg,
                format!("mem.pcap: the file is damaged or corrupt at byte 140: pcapng block after frame 1: {expected}")
            );
        }
        // A length that may be true, past the end of the file: the file is cut short.
        let (frames, err) = read_all(pcapng_with_second_block(Some(200), None));
        assert_eq!(frames.len(), 1);
        assert!(
            matches!(
                err,
                Some(CaptureError::Truncated {
                    offset: 140,
                    after_frame: 1,
                    ..
                })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn no_parser_error_name_reaches_a_message() {
        // Every way a block or record header can be invalid: the words never carry
        // pcap-parser's or nom's names ("Verify", "NomError", "Incomplete"...).
        let mut damaged: Vec<Vec<u8>> = Vec::new();
        let good = pcapng_with_second_block(None, None);
        for at in 0..good.len() {
            for byte in [0x00, 0xff, 0x7f] {
                let mut f = good.clone();
                f[at] = byte;
                damaged.push(f);
            }
        }
        let mut pcap = pcap_header(0xa1b2c3d4, 1);
        pcap.extend(record(1, 0, &[9; 20], 20));
        for at in 0..pcap.len() {
            let mut f = pcap.clone();
            f[at] = 0xff;
            damaged.push(f);
        }
        let mut errors = 0;
        for f in damaged {
            if let (_, Some(err)) = read_all(f) {
                errors += 1;
                let msg = err.to_string();
                for name in [
                    "Verify",
                    "NomError",
                    "Incomplete",
                    "Eof",
                    "ErrorKind",
                    "Needed",
                ] {
                    assert!(!msg.contains(name), "{msg}");
                }
            }
        }
        assert!(errors > 100, "{errors}");
    }

    #[test]
    fn not_a_capture_and_empty_are_clear_errors() {
        let (_, err) = read_all(b"hello world, not a pcap".to_vec());
        let msg = err.unwrap().to_string();
        assert!(
            msg.contains("mem.pcap") && msg.contains("not a pcap"),
            "{msg}"
        );
        let (_, err) = read_all(vec![]);
        assert!(err.unwrap().to_string().contains("empty"));
    }
}

#[cfg(test)]
mod error_text_tests {
    use super::*;

    fn every_error() -> Vec<CaptureError> {
        let path = PathBuf::from("/tmp/x.pcap");
        let enoent = || io::Error::from_raw_os_error(2);
        vec![
            CaptureError::Io {
                path: path.clone(),
                source: enoent(),
            },
            CaptureError::Empty { path: path.clone() },
            CaptureError::NotACapture {
                path: path.clone(),
                magic: "3c 68 74 6d".into(),
            },
            CaptureError::Corrupt {
                path: path.clone(),
                offset: 4096,
                what: "a block length of 12 is too short".into(),
            },
            CaptureError::ReadFailed {
                path: path.clone(),
                offset: 4096,
                source: io::Error::from_raw_os_error(5),
            },
            CaptureError::Truncated {
                path,
                offset: 4096,
                left: 10,
                after_frame: 7,
            },
            CaptureError::Live("eth0: the device went away".into()),
            CaptureError::PermissionDenied {
                interface: "eth0".into(),
                detail: "socket: Operation not permitted".into(),
            },
            CaptureError::NoSuchInterface {
                name: "eth9".into(),
                available: vec!["lo".into(), "eth0".into()],
            },
            CaptureError::InterfaceDown {
                name: "eth0".into(),
            },
            CaptureError::BadFilter {
                filter: "tcp port".into(),
                message: "syntax error".into(),
            },
            CaptureError::FilterUnsupported { backend: "pnet" },
        ]
    }

    #[test]
    fn english_reads_as_display_and_chinese_differs() {
        for e in every_error() {
            assert_eq!(e.text_in(Lang::En), e.to_string());
            let zh = e.text_in(Lang::Zh);
            if matches!(e, CaptureError::Live(_)) {
                // A backend's own words: kept unless the catalogue knows them.
                continue;
            }
            assert_ne!(zh, e.to_string());
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
        }
        let missing = every_error().remove(0);
        assert_eq!(
            missing.text_in(Lang::Zh),
            "/tmp/x.pcap：无法读取：没有那个文件或目录（系统错误 2）"
        );
    }
}
