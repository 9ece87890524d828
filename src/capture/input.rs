//! A capture read more than once (`synack read` frames every stream first, then lists the
//! frames): a regular file is opened again for each pass; standard input, a pipe or a FIFO
//! can be read only once, so its bytes are copied into an unnamed temporary file first.
//! Several inputs (files, directories, `-`) are read as one capture, merged in time order,
//! on every pass.

use std::fs::File;
use std::io::{self, Seek as _};
use std::path::{Path, PathBuf};

use super::file::STDIN;
use super::{capture_files, CaptureError, CaptureInput, FileReader};

/// A capture that can be opened once per pass, whatever it comes from.
pub struct RereadableCapture {
    /// Each capture file, with the copy of an input that cannot be read twice.
    files: Vec<(PathBuf, Option<File>)>,
}

impl RereadableCapture {
    /// Prepares `paths` (files, directories of captures, `-` for standard input) to be read
    /// several times: copies each input that is not a regular file.
    pub fn new(paths: &[PathBuf]) -> Result<RereadableCapture, CaptureError> {
        let mut files = Vec::new();
        for path in capture_files(paths)? {
            let copy = copy_unless_regular(&path)?;
            files.push((path, copy));
        }
        Ok(RereadableCapture { files })
    }

    /// Prepares the one capture `path` (`-` for standard input) to be read several times.
    pub fn of(path: impl AsRef<Path>) -> Result<RereadableCapture, CaptureError> {
        RereadableCapture::new(&[path.as_ref().to_path_buf()])
    }

    /// Opens the capture from its start (one pass at a time: the copies share an offset):
    /// one file as it is, several merged in time order.
    pub fn open(&self) -> Result<CaptureInput, CaptureError> {
        let mut readers = Vec::with_capacity(self.files.len());
        for (path, copy) in &self.files {
            readers.push(reopen(path, copy.as_ref())?);
        }
        Ok(CaptureInput::from_readers(readers))
    }
}

/// The unnamed copy of `path` when it is standard input, a pipe or a FIFO.
fn copy_unless_regular(path: &Path) -> Result<Option<File>, CaptureError> {
    let io_error = |source| CaptureError::Io {
        path: path.to_path_buf(),
        source,
    };
    if path.as_os_str() == STDIN {
        return Ok(Some(copy_of(&mut io::stdin().lock()).map_err(io_error)?));
    }
    let mut file = File::open(path).map_err(io_error)?;
    if file.metadata().is_ok_and(|m| m.is_file()) {
        Ok(None)
    } else {
        Ok(Some(copy_of(&mut file).map_err(io_error)?))
    }
}

/// Opens `path` again, or rewinds its copy.
fn reopen(path: &Path, copy: Option<&File>) -> Result<FileReader, CaptureError> {
    match copy {
        None => FileReader::open(path),
        Some(copy) => {
            let io_error = |source| CaptureError::Io {
                path: path.to_path_buf(),
                source,
            };
            let mut file = copy.try_clone().map_err(io_error)?;
            file.rewind().map_err(io_error)?;
            FileReader::from_file(path.to_path_buf(), file)
        }
    }
}

/// Copies everything `input` holds into an unnamed temporary file.
fn copy_of(input: &mut impl io::Read) -> io::Result<File> {
    let mut copy = tempfile::tempfile()?;
    io::copy(input, &mut copy)?;
    Ok(copy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::FrameSource as _;

    fn frames(r: impl Into<CaptureInput>) -> u64 {
        let mut r = r.into();
        while let Ok(Some(_)) = r.next_frame() {}
        r.frames_read()
    }

    #[test]
    fn a_fifo_is_read_twice_with_the_same_frames() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("cap.fifo");
        let c = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("no NUL");
        // SAFETY: mkfifo with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let src = crate::capture::demo::PCAP;
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::write(fifo, src).expect("write the FIFO"))
        };
        let capture = RereadableCapture::of(&fifo).expect("the FIFO opens");
        writer.join().expect("writer");
        let first = frames(capture.open().expect("first pass"));
        let second = frames(capture.open().expect("second pass"));
        let direct =
            frames(FileReader::from_reader("demo", io::Cursor::new(src)).expect("the demo reads"));
        assert!(direct > 0);
        assert_eq!((first, second), (direct, direct));
    }

    #[test]
    fn a_gzip_compressed_capture_reads_like_the_plain_one() {
        use std::io::Write as _;
        let src = crate::capture::demo::PCAP;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(src).expect("compress");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("demo.pcap.gz");
        std::fs::write(&path, gz.finish().expect("compress")).expect("write");
        let direct =
            frames(FileReader::from_reader("demo", io::Cursor::new(src)).expect("the demo reads"));
        assert_eq!(frames(FileReader::open(&path).expect("gzip opens")), direct);
        let twice = RereadableCapture::of(&path).expect("opens");
        assert_eq!(frames(twice.open().expect("pass")), direct);
    }
}
