//! The pass behind `synack flows`: every connection analysed, every TCP stream framed (auto)
//! as it ends, on one thread or two.

use std::ops::ControlFlow;

use serde::Serialize;

use super::sticky::{FollowCounts, StickyPass};
use crate::analysis::{Connection, EngineStats, FlowRef};
use crate::capture::FileReader;
use crate::stream::follow::{ConnMessages, FollowedConn};

/// A connection's messages per direction, `[c2s, s2c]` (see `synack stream`).
#[derive(Debug, Clone, Serialize)]
pub struct MessageCounts {
    /// Framing chosen by auto (`http`, `tls`, `line`, ..., `none`).
    pub framing: String,
    /// Whole messages.
    pub messages: [usize; 2],
    /// Segments carrying more than one message.
    pub coalesced_segments: [usize; 2],
    /// Messages spread over more than one segment.
    pub split_messages: [usize; 2],
    /// Gaps (bytes missing from the capture).
    pub gaps: [usize; 2],
}

/// Message counts by stream number.
pub type MessageTable = std::collections::HashMap<u32, MessageCounts>;

/// The message counts of one framed connection.
pub fn message_counts(conn: &FollowedConn, msgs: &ConnMessages) -> MessageCounts {
    let c = msgs.counts(conn);
    let pick = |f: fn(&crate::stream::follow::StickyCounts) -> usize| [f(&c[0]), f(&c[1])];
    MessageCounts {
        framing: msgs.framing.to_string(),
        messages: pick(|x| x.messages),
        coalesced_segments: pick(|x| x.coalesced_segments),
        split_messages: pick(|x| x.split_messages),
        gaps: pick(|x| x.gaps),
    }
}

/// One pass over the file: the analysis engine, and every TCP stream reassembled and framed
/// (auto) for its message counts, each connection framed and forgotten as soon as it closes.
pub fn analyse_flows(reader: FileReader, threads: usize) -> FlowsRun {
    let mut pass = StickyPass::new();
    let mut messages = MessageTable::new();
    let mut each = |conn: &FollowedConn, msgs: &ConnMessages| {
        messages.insert(conn.stream, message_counts(conn, msgs));
    };
    // Reassembly reads only the stream and direction of each annotation.
    let done =
        super::analyse_file_keeping(reader, threads, |frame, packet, flow: &Option<FlowRef>| {
            pass.packet(frame, packet, *flow, &mut each);
            ControlFlow::Continue(())
        });
    let follow = pass.finish(&mut each);
    FlowsRun {
        stats: done.engine.stats(),
        connections: done.engine.into_connections(),
        messages,
        follow,
        frames: done.frames,
        error: done.error,
    }
}

/// Everything one pass of `synack flows` learns about a file.
#[derive(Debug)]
pub struct FlowsRun {
    /// Connection records, in stream order.
    pub connections: Vec<Connection>,
    /// Message counts of each TCP stream (auto framing).
    pub messages: MessageTable,
    /// The engine's counters (evictions, untracked segments).
    pub stats: EngineStats,
    /// The stream follower's limit counters.
    pub follow: FollowCounts,
    /// Frames read.
    pub frames: u64,
    /// The read error that ended the file early, if any.
    pub error: Option<crate::capture::CaptureError>,
}
