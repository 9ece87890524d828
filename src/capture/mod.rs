//! Capture sources: where raw frames come from.
//!
//! Every source (a capture file, or a live interface behind the `live` feature) hands out [`Frame`]s: the
//! captured bytes plus the record metadata a decoder needs (timestamp, original length, link
//! type of the interface the frame was seen on). Sources are *pulled* one frame at a time, so
//! the same downstream code serves files and live capture, and memory does not grow with the
//! size of a file.

#[cfg(feature = "live")]
pub mod bpf;
pub mod demo;
mod file;
mod frame;
mod input;
mod link_type;
#[cfg(feature = "live")]
pub mod live;
mod merge;
mod pcap_blocks;
mod pcapng_length;
pub mod writer;

pub use file::{CaptureError, FileReader};
pub use frame::{Frame, FrameOf, OwnedFrame, RecordKind, Timestamp};
pub use input::RereadableCapture;
pub use link_type::LinkType;
pub use merge::{capture_files, CaptureInput, MergedReader};
pub use pcap_blocks::{BlockEnd, BlockRecord, PcapBlocks};

/// A source of frames, pulled one at a time.
///
/// The returned frame borrows the source's buffer, so it is valid until the next call; use
/// [`Frame::to_owned`] to keep one. `Ok(None)` means the source is exhausted.
pub trait FrameSource {
    /// Reads the next frame. An error is final: frames read before it remain valid.
    fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError>;
}
