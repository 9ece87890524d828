//! The Connections table's framing and message columns (`synack flows`' `framing` and
//! `msgs`): each TCP connection of the store reassembled and framed (auto) on its own, a
//! few per frame, and kept until it gains packets.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::analysis::{Config, FlowProto};
use crate::pipeline::{message_counts, MessageCounts, Pipeline};
use crate::stream::follow::{frame_connection_with_calls, FollowLimits, Follower, FramingChoice};

use super::store::StoreData;

/// Connections larger than this are not reassembled in the window (it would stall a frame):
/// `synack flows` counts their messages.
pub(crate) const MAX_FOLLOW_PACKETS: usize = 200_000;

/// Time the table spends framing connections in one frame; the rest waits for the next.
const FRAME_BUDGET: Duration = Duration::from_millis(15);

/// TCP stream `stream` of the store reassembled: its frames through a fresh engine (where
/// it is stream 0, [`Follower::get`]`(0)`) and the stream module's follower. `Err` with the
/// packet count when the connection has more than [`MAX_FOLLOW_PACKETS`].
pub(crate) fn follow_tcp(data: &StoreData, stream: u32) -> Result<Option<Follower>, usize> {
    let indices = data.connection_frames(FlowProto::Tcp, stream);
    if indices.len() > MAX_FOLLOW_PACKETS {
        return Err(indices.len());
    }
    let mut pipeline =
        Pipeline::new(Config::default()).following(Follower::new(Some(0), FollowLimits::default()));
    for &i in indices {
        if let Some((owned, packet)) = data.packet(i as usize) {
            let frame = owned.as_frame();
            pipeline.decoded(&frame, &packet);
        }
    }
    Ok(pipeline.finish().1)
}

/// The message counts of TCP stream `stream` framed as `synack flows` frames it (auto, the
/// calls trace for streams no framing explains); `None` when it is too large or empty.
fn counts(data: &StoreData, stream: u32) -> Option<MessageCounts> {
    let follower = follow_tcp(data, stream).ok()??;
    let conn = follower.get(0)?;
    let msgs =
        frame_connection_with_calls(conn, FramingChoice::AutoUnexplained, data.calls.as_ref());
    Some(message_counts(conn, &msgs))
}

/// Framing and message counts by TCP stream, with the packet count each was taken at.
#[derive(Debug, Default)]
pub(crate) struct MessageColumns {
    counts: HashMap<u32, (u64, Option<MessageCounts>)>,
    /// The store's `conn_version` when every connection was last up to date.
    complete_at: Option<u64>,
    /// Bumped whenever a count is added or replaced (the table's rows then change).
    pub(crate) version: u64,
}

impl MessageColumns {
    /// Frames the TCP connections not yet framed, or grown since, within this frame's
    /// budget (`all`: every one, for a copy of the whole table). Returns true when every
    /// connection is up to date.
    pub(crate) fn fill(&mut self, data: &StoreData, all: bool) -> bool {
        if self.complete_at == Some(data.conn_version) {
            return true;
        }
        let start = Instant::now();
        for c in &data.connections {
            if c.proto != FlowProto::Tcp {
                continue;
            }
            let packets = c.packets[0] + c.packets[1];
            if matches!(self.counts.get(&c.stream), Some((n, _)) if *n == packets) {
                continue;
            }
            if !all && start.elapsed() > FRAME_BUDGET {
                return false;
            }
            self.counts
                .insert(c.stream, (packets, counts(data, c.stream)));
            self.version += 1;
        }
        self.complete_at = Some(data.conn_version);
        true
    }

    /// The framing and `c2s/s2c` message cells of a connection: `…` while not framed yet,
    /// `-` for UDP or a connection too large to reassemble here.
    pub(crate) fn cells(&self, proto: FlowProto, stream: u32) -> [String; 2] {
        if proto != FlowProto::Tcp {
            return ["-".into(), "-".into()];
        }
        match self.counts.get(&stream) {
            None => ["…".into(), "…".into()],
            Some((_, None)) => ["-".into(), "-".into()],
            Some((_, Some(m))) => [
                m.framing.clone(),
                format!("{}/{}", m.messages[0], m.messages[1]),
            ],
        }
    }

    /// Forgets everything (another capture was opened).
    pub(crate) fn clear(&mut self) {
        self.counts.clear();
        self.complete_at = None;
        self.version += 1;
    }
}
