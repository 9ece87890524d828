//! Where the packet store's captured bytes live: in the capture file itself, in a temporary
//! spill file, or in static memory (the built-in demo). The store keeps only each frame's
//! offset and length, and reads a frame's bytes here when a view needs them.
//!
//! A capture file on disk is read where it is, with positioned reads (`pread`), so a file
//! larger than the process's memory, or than its address space (`ulimit -v`), opens: nothing
//! is mapped, and only the blocks read lately stay in memory (a small LRU cache of 64 KiB
//! blocks, so scrolling, filtering and following a stream read the file in large pieces).
//! Sources that cannot be read again (a pipe, standard input, several files merged, a live
//! capture, a generator run) are written to a temporary pcap file as they arrive (its
//! records' bytes at the offsets the store keeps), deleted when the store is dropped; the
//! most recent megabyte waits in memory until it is written.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::Mutex;

use crate::capture::writer::{PcapFormat, PcapWriter};
use crate::capture::Frame;

/// Bytes per cached block of the file.
const BLOCK: u64 = 64 << 10;
/// Blocks kept in the cache (4 MiB).
const CACHED_BLOCKS: usize = 64;
/// Bytes of a classic pcap record header (before each spilled frame's bytes).
const RECORD_HEADER: u64 = 16;
/// Snapshot length of the spill file: the largest record synack reads (pcapng's limit), so
/// no frame is cut.
const SPILL_SNAPLEN: u32 = 16 << 20;

#[derive(Debug)]
enum Source {
    /// Nothing stored yet; the first spilled frame creates the spill file.
    Empty,
    /// A capture file, read where it is.
    File(File),
    /// Bytes compiled into the program.
    Static(&'static [u8]),
    /// A temporary pcap file written as frames arrive (unlinked: it goes when closed).
    Spill(PcapWriter<File>),
}

/// Recently read blocks of the file, least recently used evicted first.
#[derive(Debug, Default)]
struct BlockCache {
    /// (block index, last use, bytes); a block at the end of the file may be shorter.
    blocks: Vec<(u64, u64, Vec<u8>)>,
    clock: u64,
}

impl BlockCache {
    fn get(&mut self, block: u64) -> Option<&[u8]> {
        self.clock += 1;
        let clock = self.clock;
        let entry = self.blocks.iter_mut().find(|b| b.0 == block)?;
        entry.1 = clock;
        Some(&entry.2)
    }

    fn insert(&mut self, block: u64, bytes: Vec<u8>) -> &[u8] {
        self.clock += 1;
        let slot = if self.blocks.len() < CACHED_BLOCKS {
            self.blocks.push((block, self.clock, bytes));
            self.blocks.len() - 1
        } else {
            let oldest = (0..self.blocks.len())
                .min_by_key(|&i| self.blocks[i].1)
                .unwrap_or(0);
            self.blocks[oldest] = (block, self.clock, bytes);
            oldest
        };
        &self.blocks[slot].2
    }
}

/// The store's captured bytes: see the module documentation.
#[derive(Debug)]
pub struct FrameBytes {
    source: Source,
    cache: Mutex<BlockCache>,
}

impl Default for FrameBytes {
    fn default() -> Self {
        FrameBytes {
            source: Source::Empty,
            cache: Mutex::default(),
        }
    }
}

impl FrameBytes {
    /// Frames read from `file` at their offsets in it.
    pub fn file(file: File) -> FrameBytes {
        FrameBytes {
            source: Source::File(file),
            cache: Mutex::default(),
        }
    }

    /// Frames read from `bytes` at their offsets in it.
    pub fn from_static(bytes: &'static [u8]) -> FrameBytes {
        FrameBytes {
            source: Source::Static(bytes),
            cache: Mutex::default(),
        }
    }

    /// True when frames are appended to a spill file (or will be, from the first one).
    pub fn spills(&self) -> bool {
        matches!(self.source, Source::Empty | Source::Spill(_))
    }

    /// Appends `frame` to the spill file (made at the first frame, a pcap file of the first
    /// frame's link type) and returns the offset of its bytes there.
    pub fn spill(&mut self, frame: &Frame<'_>) -> io::Result<u64> {
        if let Source::Empty = self.source {
            let format = PcapFormat {
                link: frame.link,
                snaplen: SPILL_SNAPLEN,
                nanos: true,
            };
            self.source = Source::Spill(PcapWriter::new(tempfile::tempfile()?, format));
        }
        let Source::Spill(spill) = &mut self.source else {
            return Err(io::Error::other(
                "the store reads a capture file: it takes no other frames",
            ));
        };
        let at = spill.size() + RECORD_HEADER;
        spill.write_frame(frame)?;
        Ok(at)
    }

    /// The `len` bytes at `offset`, or `None` when they cannot be read (the file shrank or
    /// a read failed).
    pub fn read(&self, offset: u64, len: usize) -> Option<Vec<u8>> {
        let end = offset.checked_add(len as u64)?;
        match &self.source {
            Source::Empty => (len == 0).then(Vec::new),
            Source::Static(bytes) => bytes
                .get(usize::try_from(offset).ok()?..usize::try_from(end).ok()?)
                .map(<[u8]>::to_vec),
            Source::File(file) => self.read_file(file, u64::MAX, offset, len),
            Source::Spill(spill) => {
                let (written, tail) = spill.pending();
                if end <= written {
                    return self.read_file(spill.get_ref(), written, offset, len);
                }
                // Wholly or partly still in the writer's buffer.
                let mut out = vec![0; len];
                let split = usize::try_from(written.saturating_sub(offset)).ok()?;
                if split > 0 {
                    spill
                        .get_ref()
                        .read_exact_at(&mut out[..split], offset)
                        .ok()?;
                }
                let from = usize::try_from(offset.max(written) - written).ok()?;
                out[split..].copy_from_slice(tail.get(from..from + (len - split))?);
                Some(out)
            }
        }
    }

    /// Reads from `file` (whose first `valid` bytes may be cached) through the block cache
    /// when the bytes lie in one block, else directly.
    fn read_file(&self, file: &File, valid: u64, offset: u64, len: usize) -> Option<Vec<u8>> {
        let block = offset / BLOCK;
        let within = usize::try_from(offset % BLOCK).ok()?;
        let block_end = (block + 1) * BLOCK;
        if offset + len as u64 > block_end || block_end > valid {
            let mut out = vec![0; len];
            file.read_exact_at(&mut out, offset).ok()?;
            return Some(out);
        }
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bytes) = cache.get(block) {
            if let Some(b) = bytes.get(within..within + len) {
                return Some(b.to_vec());
            }
        }
        let bytes = read_block(file, block * BLOCK).ok()?;
        let bytes = cache.insert(block, bytes);
        bytes.get(within..within + len).map(<[u8]>::to_vec)
    }

    /// Writes what waits in memory to the spill file: called when a source ends, so all of
    /// a spill's bytes are read from the file afterwards.
    pub fn finish(&mut self) -> io::Result<()> {
        match &mut self.source {
            Source::Spill(spill) => spill.flush(),
            _ => Ok(()),
        }
    }

    /// Bytes held in memory: the cached blocks and spilled bytes not yet written.
    pub fn memory(&self) -> usize {
        let cached: usize = self
            .cache
            .lock()
            .map(|c| c.blocks.iter().map(|b| b.2.capacity()).sum())
            .unwrap_or(0);
        let pending = match &self.source {
            Source::Spill(s) => s.pending().1.len(),
            _ => 0,
        };
        cached + pending
    }
}

/// Reads the block at `offset` (shorter at the end of the file).
fn read_block(file: &File, offset: u64) -> io::Result<Vec<u8>> {
    let mut out = vec![0; BLOCK as usize];
    let mut got = 0;
    while got < out.len() {
        match file.read_at(&mut out[got..], offset + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    out.truncate(got);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::capture::{LinkType, OwnedFrame, Timestamp};

    fn frame(n: u64, size: usize) -> OwnedFrame {
        let data = (0..size).map(|i| (i as u64 * 7 + n) as u8).collect();
        OwnedFrame::packet(n, Timestamp(n as i64 * 1000), LinkType::Ethernet, data)
    }

    /// Spilled frames read back equal, from the writer's buffer before it is flushed, from
    /// the file after, and across the boundary between the two.
    #[test]
    fn spilled_frames_read_back_from_memory_and_from_the_file() {
        let mut bytes = FrameBytes::default();
        assert!(bytes.spills());
        let frames: Vec<_> = (1..400)
            .map(|n| frame(n, 40 + (n as usize * 37) % 1500))
            .collect();
        let mut at = Vec::new();
        for f in &frames {
            at.push(bytes.spill(&f.as_frame()).unwrap());
            // Every frame so far reads back at each step, wherever it is.
            let last = at.len() - 1;
            assert_eq!(bytes.read(at[last], f.data.len()).as_ref(), Some(&f.data));
            let first = &frames[0];
            assert_eq!(
                bytes.read(at[0], first.data.len()).as_ref(),
                Some(&first.data)
            );
        }
        for (f, &a) in frames.iter().zip(&at) {
            assert_eq!(
                bytes.read(a, f.data.len()).as_ref(),
                Some(&f.data),
                "{}",
                f.number
            );
        }
        bytes.finish().unwrap();
        assert!(bytes.memory() < 8 << 20);
        for (f, &a) in frames.iter().zip(&at).rev() {
            assert_eq!(
                bytes.read(a, f.data.len()).as_ref(),
                Some(&f.data),
                "{}",
                f.number
            );
        }
        // Past the end: nothing, no panic.
        let end = at[at.len() - 1] + frames[frames.len() - 1].data.len() as u64;
        assert_eq!(bytes.read(end, 1), None);
        assert_eq!(bytes.read(u64::MAX, 2), None);
    }

    /// The spill file is a pcap file the capture reader reads back frame for frame.
    #[test]
    fn the_spill_file_is_a_pcap_file() {
        let mut bytes = FrameBytes::default();
        let frames: Vec<_> = (1..50).map(|n| frame(n, 100 + n as usize)).collect();
        for f in &frames {
            bytes.spill(&f.as_frame()).unwrap();
        }
        bytes.finish().unwrap();
        let Source::Spill(w) = &bytes.source else {
            panic!("spilled")
        };
        let mut file = w.get_ref().try_clone().unwrap();
        let mut whole = Vec::new();
        std::io::Seek::rewind(&mut file).unwrap();
        std::io::Read::read_to_end(&mut file, &mut whole).unwrap();
        let mut reader =
            crate::capture::FileReader::from_reader("spill", std::io::Cursor::new(whole)).unwrap();
        for f in &frames {
            let got = crate::capture::FrameSource::next_frame(&mut reader)
                .unwrap()
                .unwrap()
                .to_owned();
            assert_eq!((got.ts, got.len, &got.data), (f.ts, f.len, &f.data));
        }
    }

    /// Reads through the block cache, in any order and more blocks than it keeps, give the
    /// file's bytes; a range cut by the file's end gives nothing.
    #[test]
    fn cached_reads_equal_the_file() {
        let mut file = tempfile::tempfile().unwrap();
        let content: Vec<u8> = (0..(BLOCK as usize * (CACHED_BLOCKS + 9) + 123))
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        file.write_all(&content).unwrap();
        let bytes = FrameBytes::file(file);
        let len = content.len() as u64;
        let mut x = 12345u64;
        for _ in 0..3000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let at = (x >> 11) % len;
            let n = ((x >> 3) % 3000) as usize;
            let want = content
                .get(at as usize..at as usize + n)
                .map(<[u8]>::to_vec);
            assert_eq!(bytes.read(at, n), want, "{n} bytes at {at}");
        }
        assert!(bytes.memory() <= CACHED_BLOCKS * BLOCK as usize);
    }
}
