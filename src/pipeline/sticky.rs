//! The sticky-packet pass: every TCP connection reassembled and framed (auto) as it ends,
//! its bytes forgotten at once, so memory holds only the open connections. Gives `read` its
//! per-frame message events and `flows` its message counts.

use crate::calls::CallTrace;
use crate::capture::CaptureInput;
use crate::stream::follow::{
    frame_connection, frame_connection_with_calls, ConnMessages, FollowLimits, FollowedConn,
    Follower, FramingChoice,
};

/// The stream follower's limit counters of a run whose connections were handed back as they
/// closed (so no follower holds them all at the end).
#[derive(Debug, Clone, Copy, Default)]
pub struct FollowCounts {
    /// TCP streams not reassembled (`FollowLimits::max_connections`).
    pub streams_not_followed: u64,
    /// Holes skipped because a reassembly buffer cap was hit.
    pub reassembly_cap_cuts: u64,
}

/// The sticky-packet pass of `synack read` and `synack flows`: follows every TCP connection
/// and frames it (auto) as soon as it is over, then forgets its bytes, so memory holds only
/// the open connections whatever the file's size. Fed by [`super::analyse_file_keeping`].
pub struct StickyPass {
    follower: Follower,
    /// Reassembly cap cuts of the connections already handed back.
    cap_cuts: u64,
    /// The generator's calls trace: where no framing explains a stream's bytes, its send()
    /// calls give the messages (as `synack stream` does).
    trace: Option<CallTrace>,
}

impl Default for StickyPass {
    fn default() -> StickyPass {
        StickyPass::new()
    }
}

impl StickyPass {
    /// A pass over a new file.
    pub fn new() -> StickyPass {
        let limits = FollowLimits {
            kept_per_direction: 16 << 20,
            kept_total: 256 << 20,
            // Only message framing is asked of this pass, never the conflicts of overlapping
            // retransmissions: no second copy of delivered bytes (it was 8% of `flows`).
            reassembly: crate::stream::reassembly::Limits {
                history: 0,
                ..Default::default()
            },
            ..FollowLimits::default()
        };
        StickyPass {
            follower: Follower::releasing(limits),
            cap_cuts: 0,
            trace: None,
        }
    }

    /// The same pass framing by a calls trace where no framing explains the bytes, so `read`,
    /// `flows` and `stream` tell the same story of a lesson capture.
    pub fn with_calls(mut self, trace: Option<CallTrace>) -> StickyPass {
        self.trace = trace;
        self
    }

    /// Frames one connection: auto, falling back to the calls trace when there is one.
    fn frame(&self, conn: &FollowedConn) -> ConnMessages {
        match &self.trace {
            Some(t) => frame_connection_with_calls(conn, FramingChoice::Auto, Some(t)),
            None => frame_connection(conn, FramingChoice::AutoUnexplained),
        }
    }

    /// Feeds one analysed frame; `each` gets every connection this frame finished, framed.
    pub fn packet(
        &mut self,
        frame: &crate::capture::Frame<'_>,
        packet: &crate::decode::Packet,
        flow: Option<crate::analysis::FlowRef>,
        each: &mut impl FnMut(&FollowedConn, &ConnMessages),
    ) {
        self.follower.process_flow(frame, packet, flow);
        if let Some(conn) = self.follower.take_finished() {
            self.cap_cuts += cap_cuts(&conn);
            each(&conn, &self.frame(&conn));
            self.follower.recycle(conn);
        }
    }

    /// End of the file: frames the connections still open. Returns the reassembly's limit
    /// counters (streams not followed, cap cuts) for the run summary.
    pub fn finish(mut self, each: &mut impl FnMut(&FollowedConn, &ConnMessages)) -> FollowCounts {
        self.follower.finish();
        for conn in self.follower.connections() {
            self.cap_cuts += cap_cuts(conn);
            each(conn, &self.frame(conn));
        }
        FollowCounts {
            streams_not_followed: self.follower.not_followed(),
            reassembly_cap_cuts: self.cap_cuts,
        }
    }
}

/// Bytes-cap cuts of a followed connection's two directions.
fn cap_cuts(conn: &FollowedConn) -> u64 {
    conn.dirs.iter().map(|d| d.reasm.stats().cap_cuts).sum()
}

/// The sticky-packet events (`message_boundary`, `coalesced`, `split`) of every frame of a
/// capture, each connection framed by `auto`. Read errors end the pass quietly: the caller
/// reports them from its own pass over the same file.
pub fn sticky_events(
    reader: impl Into<CaptureInput>,
    threads: usize,
) -> std::collections::HashMap<u64, Vec<crate::stream::follow::StickyEvent>> {
    sticky_events_with_calls(reader, threads, None)
}

/// [`sticky_events`] with the generator's calls trace for streams no framing explains.
pub fn sticky_events_with_calls(
    reader: impl Into<CaptureInput>,
    threads: usize,
    trace: Option<CallTrace>,
) -> std::collections::HashMap<u64, Vec<crate::stream::follow::StickyEvent>> {
    let mut pass = StickyPass::new().with_calls(trace);
    let mut events = std::collections::HashMap::new();
    let mut each = |conn: &FollowedConn, msgs: &ConnMessages| {
        crate::stream::follow::frame_events(conn, msgs, &mut events)
    };
    super::analyse_file_keeping(
        reader,
        threads,
        |frame, packet, flow: &Option<crate::analysis::FlowRef>| {
            pass.packet(frame, packet, *flow, &mut each);
            std::ops::ControlFlow::Continue(())
        },
    );
    pass.finish(&mut each);
    events
}
