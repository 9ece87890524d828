//! Wire metrics of one connection (`tcp.analysis.bytes_in_flight`, `ack_rtt`, `acks_frame`),
//! computed again from the store's frames.
//!
//! The store keeps the full annotation only of packets with flags or events (a few bytes per
//! packet instead of hundreds), and these metrics are on nearly every TCP packet, so the
//! details pane and the graphs run the engine over the one connection they show: its frames
//! in order give the same sequence analysis as the whole capture did.

use std::collections::HashMap;

use crate::analysis::{AckFacts, Config, Engine, FlowProto};

use super::store::StoreData;

/// Connections longer than this are not analysed again on selection (the time would show).
pub const MAX_WIRE_PACKETS: usize = 1_000_000;

/// The wire metrics of each stored frame of TCP connection `stream`, by store index, for the
/// frames that carry any; `None` when the connection is longer than [`MAX_WIRE_PACKETS`].
pub fn connection_ack_facts(data: &StoreData, stream: u32) -> Option<Vec<(u32, AckFacts)>> {
    let indices = data.connection_frames(FlowProto::Tcp, stream);
    if indices.len() > MAX_WIRE_PACKETS {
        return None;
    }
    let mut engine = Engine::new(Config::default());
    let mut out = Vec::new();
    for &i in indices {
        if let Some((owned, packet)) = data.packet(i as usize) {
            let frame = owned.as_frame();
            if let Some(t) = engine.process(&frame, &packet).tcp {
                let a = t.acked;
                if a.bytes_in_flight.is_some() || a.acks_frame.is_some() {
                    out.push((i, a));
                }
            }
        }
    }
    Some(out)
}

/// The metrics of the selected packet's connection, kept until another connection is
/// selected or more of its frames arrive.
#[derive(Debug, Default)]
pub struct WireCache {
    /// Stream and number of its frames the facts were computed from.
    key: Option<(u32, usize)>,
    facts: HashMap<u32, AckFacts>,
    too_long: bool,
}

impl WireCache {
    /// Computes the metrics of connection `stream` unless they are current.
    pub fn sync(&mut self, data: &StoreData, stream: u32) {
        let key = (stream, data.connection_frames(FlowProto::Tcp, stream).len());
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        let facts = connection_ack_facts(data, stream);
        self.too_long = facts.is_none();
        self.facts = facts.unwrap_or_default().into_iter().collect();
    }

    /// The metrics of the frame at store index `index` (default: none on that frame).
    pub fn get(&self, index: usize) -> AckFacts {
        u32::try_from(index)
            .ok()
            .and_then(|i| self.facts.get(&i))
            .copied()
            .unwrap_or_default()
    }

    /// True when the connection was too long to analyse again.
    pub fn too_long(&self) -> bool {
        self.too_long
    }
}
