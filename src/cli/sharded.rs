//! `synack flows` on two cores, split by connection: the reading thread and a second one
//! each analyse, reassemble and frame their own share of the connections, on the same
//! blocks of the file, and their results are merged.
//!
//! Connections do not interact in the engine or in reassembly except through limits shared
//! by all of them (connections held, streams followed, buffered and kept bytes). Each share
//! gets half of every such limit; when no share reached its half, the whole capture stayed
//! under the whole limit too, so each connection was analysed exactly as one thread would
//! have, and the merge (stream numbers given again in order of first frame) prints the same
//! bytes. When a share reached a shared limit (a SYN flood, a reassembly bomb), the caller
//! runs the file again on one engine. `tests/threads_identity.rs` compares the outputs.
//!
//! The pipeline of [`super::parallel`] splits by stage instead; here, unlike there, no
//! decoded packet crosses between the cores, which is what made its second thread cost
//! almost as much as it gained on `flows`.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::Arc;

use crossbeam_channel::{bounded, unbounded};
use foldhash::fast::FixedState;

use super::flows::{message_counts, FlowsRun, MessageTable};
use super::stream::StickyPass;
use super::summary::FollowCounts;
use crate::analysis::{flow_key, Config, Connection, Engine, EngineStats, FlowProto};
use crate::capture::{
    BlockEnd, BlockRecord, CaptureError, Frame, LinkType, PcapBlocks, RecordKind,
};
use crate::decode::{decode, Packet};
use crate::stream::follow::{ConnMessages, FollowLimits, FollowedConn};

/// Sixteenths of the connections the reading thread analyses itself: fewer than half, as it
/// also reads the file (tuned on the million-packet flood of `benches/compare.sh`).
const READER_SIXTEENTHS: u64 = 7;
/// Blocks handed to the second thread and not yet analysed by it: bounds the memory.
const BLOCKS_IN_FLIGHT: usize = 4;

/// One block of the file and where its frames are.
#[derive(Default)]
struct Block {
    data: Vec<u8>,
    records: Vec<BlockRecord>,
}

/// What one share learnt.
struct Part {
    connections: Vec<Connection>,
    messages: MessageTable,
    stats: EngineStats,
    follow: FollowCounts,
}

/// The share (0: the reading thread, 1: the other) a packet belongs to. Packets outside
/// any connection go to share 0, whose engine counts them.
fn share_of(packet: &Packet, hasher: &FixedState) -> usize {
    match flow_key(packet) {
        Some(key) if (hasher.hash_one(key) >> 32) % 16 >= READER_SIXTEENTHS => 1,
        _ => 0,
    }
}

/// One share's engine and reassembly.
struct Share {
    index: usize,
    hasher: FixedState,
    engine: Engine,
    pass: StickyPass,
    messages: MessageTable,
}

impl Share {
    fn new(index: usize, config: Config, limits: FollowLimits) -> Share {
        Share {
            index,
            hasher: FixedState::with_seed(0x5eed_5eed),
            engine: Engine::new(config),
            pass: StickyPass::with_limits(limits),
            messages: MessageTable::new(),
        }
    }

    /// Analyses the frames of `block` that belong to this share.
    fn block(&mut self, block: &Block, link: LinkType) {
        let messages = &mut self.messages;
        let mut each = |conn: &FollowedConn, msgs: &ConnMessages| {
            messages.insert(conn.stream, message_counts(conn, msgs));
        };
        for r in &block.records {
            let Some(data) = block.data.get(r.start..r.end) else {
                continue;
            };
            let frame = Frame {
                number: r.number,
                ts: Some(r.ts),
                len: r.len,
                link,
                interface: 0,
                kind: RecordKind::Packet,
                data,
            };
            let packet = decode(&frame);
            if share_of(&packet, &self.hasher) != self.index {
                continue;
            }
            let ann = self.engine.process(&frame, &packet);
            self.pass.packet(&frame, &packet, ann.flow, &mut each);
        }
    }

    /// The share's results, or `None` when it reached a limit shared by all connections.
    fn finish(self) -> Option<Part> {
        let Share {
            engine,
            pass,
            mut messages,
            ..
        } = self;
        if pass.shared_limit_reached() || engine.stats().connections_evicted > 0 {
            return None;
        }
        let follow = pass.finish(&mut |conn: &FollowedConn, msgs: &ConnMessages| {
            messages.insert(conn.stream, message_counts(conn, msgs));
        });
        Some(Part {
            stats: engine.stats(),
            connections: engine.into_connections(),
            messages,
            follow,
        })
    }
}

/// Half of every limit shared by all connections (the other half: [`other_half`]).
fn half(config: Config, limits: FollowLimits) -> (Config, FollowLimits) {
    (
        Config {
            max_connections: config.max_connections / 2,
            ..config
        },
        FollowLimits {
            max_connections: limits.max_connections / 2,
            total_buffered: limits.total_buffered / 2,
            kept_total: limits.kept_total / 2,
            ..limits
        },
    )
}

/// What [`half`] leaves.
fn other_half(config: Config, limits: FollowLimits) -> (Config, FollowLimits) {
    let (c, l) = half(config, limits);
    (
        Config {
            max_connections: config.max_connections - c.max_connections,
            ..config
        },
        FollowLimits {
            max_connections: limits.max_connections - l.max_connections,
            total_buffered: limits.total_buffered - l.total_buffered,
            kept_total: limits.kept_total - l.kept_total,
            ..limits
        },
    )
}

/// Runs `synack flows`'s pass over a classic pcap file on two threads. `None` when a share
/// reached a shared limit (or the second thread could not start): the caller must run the
/// file again on one engine for the exact single-threaded result.
pub(super) fn flows(mut blocks: PcapBlocks) -> Option<FlowsRun> {
    let link = blocks.link();
    let (config, limits) = (Config::default(), StickyPass::limits());
    let (config0, limits0) = half(config, limits);
    let (config1, limits1) = other_half(config, limits);
    let (to_worker, from_reader) = bounded::<Arc<Block>>(BLOCKS_IN_FLIGHT);
    // Blocks the worker is done with, back to the reader for reuse.
    let (back_tx, back_rx) = unbounded::<Arc<Block>>();
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("synack-share".into())
            .spawn_scoped(scope, move || {
                let mut share = Share::new(1, config1, limits1);
                for block in from_reader.iter() {
                    share.block(&block, link);
                    let _ = back_tx.send(block);
                }
                share.finish()
            })
            .ok()?;
        let mut share = Share::new(0, config0, limits0);
        let mut spare: Vec<Block> = Vec::new();
        let error = loop {
            spare.extend(back_rx.try_iter().filter_map(|b| Arc::try_unwrap(b).ok()));
            let mut block = spare.pop().unwrap_or_default();
            let end = blocks.fill(&mut block.data, &mut block.records);
            let block = Arc::new(block);
            if to_worker.send(Arc::clone(&block)).is_err() {
                // The worker is gone (it panicked): its join below says why.
                break None;
            }
            share.block(&block, link);
            if let Ok(b) = Arc::try_unwrap(block) {
                spare.push(b);
            }
            if let BlockEnd::Done(error) = end {
                break error;
            }
        };
        drop(to_worker);
        let part1 = match worker.join() {
            Ok(part) => part,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let part0 = share.finish();
        Some(merge([part0?, part1?], blocks.frames_read(), error))
    })
}

/// One result from two shares: stream numbers given again per protocol in order of each
/// connection's first frame (as one engine numbers them), counters added up.
fn merge(parts: [Part; 2], frames: u64, error: Option<CaptureError>) -> FlowsRun {
    let proto_index = |p: FlowProto| match p {
        FlowProto::Tcp => 0usize,
        FlowProto::Udp => 1,
    };
    let mut order: Vec<(usize, u64, usize, usize)> = Vec::new();
    for (pi, part) in parts.iter().enumerate() {
        for (ci, c) in part.connections.iter().enumerate() {
            order.push((proto_index(c.proto), c.first_frame, pi, ci));
        }
    }
    order.sort_unstable();
    let mut stats = EngineStats::default();
    let mut follow = FollowCounts::default();
    let mut slots: Vec<Vec<Option<Connection>>> = Vec::with_capacity(2);
    let mut tables: Vec<MessageTable> = Vec::with_capacity(2);
    for part in parts {
        stats.packets += part.stats.packets;
        stats.connections += part.stats.connections;
        stats.connections_evicted += part.stats.connections_evicted;
        stats.segments_not_tracked += part.stats.segments_not_tracked;
        follow.streams_not_followed += part.follow.streams_not_followed;
        follow.reassembly_cap_cuts += part.follow.reassembly_cap_cuts;
        slots.push(part.connections.into_iter().map(Some).collect());
        tables.push(part.messages);
    }
    let mut next = [0u32; 2];
    let mut connections = Vec::with_capacity(order.len());
    let mut messages: MessageTable = HashMap::with_capacity(order.len());
    for (proto, _, pi, ci) in order {
        let Some(mut c) = slots[pi][ci].take() else {
            continue;
        };
        let stream = next[proto];
        next[proto] += 1;
        if c.proto == FlowProto::Tcp {
            if let Some(m) = tables[pi].remove(&c.stream) {
                messages.insert(stream, m);
            }
        }
        c.stream = stream;
        connections.push(c);
    }
    FlowsRun {
        connections,
        messages,
        stats,
        follow,
        frames,
        error,
    }
}
