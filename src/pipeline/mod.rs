//! The pipeline: a capture's frames through decode and the analysis engine, and, for TCP,
//! through the stream follower (reassembly and framing), handed to a consumer.
//!
//! Every consumer (the command line, the window, the fuzz targets, the tests) drives the
//! stages through here, so that they all see the same frames, annotations, messages and
//! errors:
//!
//! - [`Pipeline`]: one frame at a time on the caller's thread (live capture, the window's
//!   loader, a single connection re-followed), or a whole source with [`Pipeline::run`];
//! - [`analyse_file`] / [`analyse_file_keeping`]: a file read, decoded and analysed on one
//!   thread while the consumer works on another (`--threads`), with identical results;
//! - [`sticky_events`] and [`StickyPass`]: every TCP stream framed as it ends (the
//!   sticky-packet events of `synack read`); [`analyse_flows`]: the pass of `synack flows`.

pub mod details;
mod flows;
mod sticky;
mod threads;

pub use flows::{
    analyse_flows, analyse_flows_each, analyse_flows_with_calls, message_counts,
    spanning_connections, FlowsRun, MessageCounts, MessageTable,
};
pub use sticky::{sticky_events, sticky_events_with_calls, FollowCounts, StickyPass};
pub use threads::{
    analyse_file, analyse_file_keeping, analyse_file_located, default_threads, Analysed, Kept,
};

use crate::analysis::{Annotation, Config, Engine};
use crate::capture::{CaptureError, Frame, FrameSource};
use crate::decode::{decode, Packet};
use crate::stream::follow::Follower;

/// Decode → analysis engine (→ stream follower), one frame at a time, on the caller's thread.
///
/// The engine sees every frame in order, so each annotation is what is known at that frame,
/// the same for a file and a live capture.
#[derive(Debug)]
pub struct Pipeline {
    engine: Engine,
    follower: Option<Follower>,
}

impl Pipeline {
    /// Analysis only, with the engine's limits `config`.
    pub fn new(config: Config) -> Pipeline {
        Pipeline {
            engine: Engine::new(config),
            follower: None,
        }
    }

    /// Also reassembles and frames TCP streams with `follower`.
    pub fn following(mut self, follower: Follower) -> Pipeline {
        self.follower = Some(follower);
        self
    }

    /// Decodes and analyses one frame (and follows it); returns the decoded packet and its
    /// annotation.
    pub fn frame(&mut self, frame: &Frame<'_>) -> (Packet, Annotation) {
        let packet = decode(frame);
        let ann = self.decoded(frame, &packet);
        (packet, ann)
    }

    /// Analyses (and follows) a frame that was decoded already.
    pub fn decoded(&mut self, frame: &Frame<'_>, packet: &Packet) -> Annotation {
        let ann = self.engine.process(frame, packet);
        if let Some(f) = &mut self.follower {
            f.process(frame, packet, &ann);
        }
        ann
    }

    /// Runs every frame of `source` through; returns the frames read, and the read error
    /// that ended the source early, if any (frames before it were processed).
    pub fn run(&mut self, source: &mut impl FrameSource) -> (u64, Option<CaptureError>) {
        let mut frames = 0;
        loop {
            match source.next_frame() {
                Ok(Some(frame)) => {
                    frames += 1;
                    self.frame(&frame);
                }
                Ok(None) => return (frames, None),
                Err(e) => return (frames, Some(e)),
            }
        }
    }

    /// The analysis engine (connections and counters so far).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The stream follower, when following.
    pub fn follower(&self) -> Option<&Follower> {
        self.follower.as_ref()
    }

    /// The end of the input: the follower frames what is still open. Returns the engine and
    /// the follower.
    pub fn finish(self) -> (Engine, Option<Follower>) {
        let mut follower = self.follower;
        if let Some(f) = &mut follower {
            f.finish();
        }
        (self.engine, follower)
    }
}
