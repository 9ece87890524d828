//! Stream: per-direction TCP reassembly, message framing and sticky-packet boundaries.
//!
//! Three stages, each usable alone, with a narrow interface (after gopacket's `tcpassembly`):
//! - [`reassembly`]: a [`Reassembler`] per direction turns segments (raw sequence number,
//!   payload, claimed length, frame, time, SYN/FIN) into an ordered byte stream with gaps,
//!   first copy winning, under explicit memory caps. It knows nothing of links or files.
//! - [`framing`]: rules (`line`, length prefixes, `http`, `tls`, `dns`, `resp`, `mysql`,
//!   `fixed:N`, and [`auto`](framing::auto)) that cut a [`DirectionStream`] into messages.
//! - [`sticky`]: relates segments and messages: coalesced segments, split messages.
//! - [`follow`]: drives the three over a capture's connections, keyed by the analysis engine.

pub mod follow;
pub mod framing;
pub mod reassembly;
pub mod sticky;
pub mod store;

pub use framing::{
    frame_stream, frame_stream_with, AutoChoice, Framed, Framer, Framing, Message, Step,
};
pub use reassembly::{
    Conflict, DirectionStats, GapReason, Limits, MemoryBudget, PushOutcome, Reassembler, SegmentIn,
    StreamSink,
};
pub use sticky::{annotate, Annotation, MessageMarks, SegmentMarks};
pub use store::{DirectionStream, Gap, Run, SegmentSpan};

#[cfg(test)]
mod tests;
