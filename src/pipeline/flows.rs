//! The pass behind `synack flows`: every connection analysed, every TCP stream framed (auto)
//! as it ends, on one thread or two.

use std::ops::ControlFlow;

use serde::Serialize;

use super::sticky::{FollowCounts, StickyPass};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::analysis::{Connection, EngineStats, FlowProto, FlowRef};
use crate::capture::{CaptureError, CaptureInput, FileReader};
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
    /// Bytes in those gaps (Zeek's `missed_bytes`, split by direction). Not in `flows
    /// --json`, whose rows stay as they were; the columnar tables carry it.
    #[serde(skip)]
    pub missed_bytes: [u64; 2],
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
        missed_bytes: [
            conn.dirs[0].reasm.stats().gap_bytes,
            conn.dirs[1].reasm.stats().gap_bytes,
        ],
    }
}

/// One pass over the file: the analysis engine, and every TCP stream reassembled and framed
/// (auto) for its message counts, each connection framed and forgotten as soon as it closes.
pub fn analyse_flows(reader: impl Into<CaptureInput>, threads: usize) -> FlowsRun {
    analyse_flows_with_calls(reader, threads, None)
}

/// [`analyse_flows`] with the generator's calls trace for streams no framing explains.
pub fn analyse_flows_with_calls(
    reader: impl Into<CaptureInput>,
    threads: usize,
    trace: Option<crate::calls::CallTrace>,
) -> FlowsRun {
    let mut pass = StickyPass::new().with_calls(trace);
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

/// `synack flows -j N`: each file analysed on its own, `jobs` files at a time (each on
/// `threads` threads), the runs returned in the order of `files`. Right for files whose
/// connections do not run from one into the next (separate captures); a connection that
/// spans files is split into one part per file (see [`spanning_connections`]).
pub fn analyse_flows_each(
    files: &[PathBuf],
    jobs: usize,
    threads: usize,
) -> Vec<Result<FlowsRun, CaptureError>> {
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Result<FlowsRun, CaptureError>>>> =
        files.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, files.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(file) = files.get(i) else { break };
                let run = FileReader::open(file).map(|reader| analyse_flows(reader, threads));
                if let Ok(mut slot) = results[i].lock() {
                    *slot = Some(run);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .ok()
                .flatten()
                .expect("every file was analysed by a job")
        })
        .collect()
}

/// Connections of `runs` (one per file, in time order) whose endpoints appear again in a
/// later file while still open at the end of theirs: the connections that analysing the files
/// separately (`-j`) cut in two. Each is `(file index, stream)` of the first part.
pub fn spanning_connections(runs: &[&FlowsRun]) -> Vec<(usize, Connection)> {
    let mut found = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let later: std::collections::HashSet<(FlowProto, SocketAddr, SocketAddr)> = runs[i + 1..]
            .iter()
            .flat_map(|r| r.connections.iter())
            .flat_map(|c| {
                [
                    (c.proto, c.originator, c.responder),
                    (c.proto, c.responder, c.originator),
                ]
            })
            .collect();
        for c in &run.connections {
            // UDP has no close: the same endpoints later are the same conversation.
            let closed = c.tcp.is_some()
                && matches!(
                    c.zeek_state(),
                    "SF" | "RSTO" | "RSTR" | "RSTOS0" | "RSTRH" | "REJ"
                );
            let open = !closed;
            if open && later.contains(&(c.proto, c.originator, c.responder)) {
                found.push((i, c.clone()));
            }
        }
    }
    found
}

impl FlowsRun {
    /// Appends the run of the next file, as if its frames followed this run's: its stream
    /// numbers continue this run's (TCP and UDP separately), its frame numbers follow this
    /// run's frames, its counters add up; the first read error is kept.
    pub fn append(&mut self, next: FlowsRun) {
        let mut after = [0u32; 2];
        for c in &self.connections {
            let slot = &mut after[usize::from(c.proto != FlowProto::Tcp)];
            *slot = (*slot).max(c.stream + 1);
        }
        let frames = self.frames;
        for mut c in next.connections {
            let shift = after[usize::from(c.proto != FlowProto::Tcp)];
            if c.proto == FlowProto::Tcp {
                if let Some(m) = next.messages.get(&c.stream) {
                    self.messages.insert(c.stream + shift, m.clone());
                }
            }
            c.stream += shift;
            c.first_frame += frames;
            c.last_frame += frames;
            self.connections.push(c);
        }
        self.stats.packets += next.stats.packets;
        self.stats.connections += next.stats.connections;
        self.stats.connections_evicted += next.stats.connections_evicted;
        self.stats.segments_not_tracked += next.stats.segments_not_tracked;
        self.follow.streams_not_followed += next.follow.streams_not_followed;
        self.follow.reassembly_cap_cuts += next.follow.reassembly_cap_cuts;
        self.frames += next.frames;
        if self.error.is_none() {
            self.error = next.error;
        }
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
