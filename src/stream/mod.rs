//! Stream: per-direction TCP reassembly, message framing and sticky-packet boundaries.
//!
//! Five parts, each usable alone, with a narrow interface (after gopacket's `tcpassembly`):
//! - [`reassembly`]: a [`Reassembler`] per direction turns segments (raw sequence number,
//!   payload, claimed length, frame, time, SYN/FIN) into an ordered byte stream with gaps,
//!   first copy winning, under explicit memory caps. It knows nothing of links or files.
//! - [`framing`]: rules (`line`, length prefixes, `http`, `tls`, `dns`, `resp`, `mysql`,
//!   `fixed:N`, and [`auto`](framing::auto)) that cut a [`DirectionStream`] into messages.
//! - [`sticky`]: relates segments and messages: coalesced segments, split messages.
//! - [`calls`]: the `calls` framing, message boundaries from the generator's `send()` calls.
//! - [`follow`]: drives reassembly, framing and the sticky marks over a capture's
//!   connections, keyed by the analysis engine; [`crate::pipeline::Pipeline`] feeds it.
//!
//! ```
//! use synack::analysis::Config;
//! use synack::capture::FileReader;
//! use synack::pipeline::Pipeline;
//! use synack::stream::follow::{frame_connection, FollowLimits, Follower, FramingChoice};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/captures/pcpp-three_http_streams.pcap");
//! let mut reader = FileReader::open(path).unwrap();
//! let mut pipeline = Pipeline::new(Config::default())
//!     .following(Follower::new(None, FollowLimits::default()));
//! let (_frames, error) = pipeline.run(&mut reader);
//! assert!(error.is_none());
//! let (_engine, follower) = pipeline.finish();
//! let follower = follower.unwrap();
//! let conn = follower.get(0).unwrap();
//! let msgs = frame_connection(conn, FramingChoice::Auto);
//! assert_eq!(msgs.framing.to_string(), "http");
//! // One request, one response; each message knows the frames that carried it.
//! let request = &msgs.dirs[0].framed.messages[0];
//! assert_eq!((request.offset, request.len), (0, 377));
//! assert!(!msgs.dirs[0].marks.messages[0].frames.is_empty());
//! ```

pub mod calls;
pub mod follow;
pub mod framing;
pub mod hexdump;
pub mod reassembly;
pub mod sticky;
pub mod store;
pub mod text;

pub use framing::{
    frame_stream, frame_stream_with, AutoChoice, Framed, Framer, Framing, FramingReason, Message,
    Step,
};
pub use reassembly::{
    Conflict, DirectionStats, GapReason, Limits, MemoryBudget, PushOutcome, Reassembler, SegmentIn,
    StreamSink, PIECE_OVERHEAD,
};
pub use sticky::{annotate, Annotation, MessageMarks, SegmentMarks};
pub use store::{DirectionStream, DuplicateSegment, Gap, Run, SegmentSpan};

#[cfg(test)]
mod tests;
