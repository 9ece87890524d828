//! Analysis: the incremental engine that turns decoded packets into connections and
//! per-packet annotations (stream numbers, relative sequence numbers, Wireshark-compatible
//! analysis flags with reasons, handshake/teardown events, per-endpoint TCP state, Zeek
//! summaries).
//!
//! Pure and incremental: [`Engine::process`] takes one `(&Frame, &Packet)` at a time, the same
//! for files and live capture, and never does I/O or reads a clock. Memory is bounded by
//! [`Config`]; evictions are counted in [`EngineStats`].
//!
//! Stream reassembly reads, per TCP packet, the stream and direction ([`FlowRef`]), the
//! relative sequence number and payload length, and whether the bytes are a retransmission
//! ([`TcpAnnotation::is_retransmission`]):
//!
//! ```
//! use synack::analysis::{Config, Engine};
//! use synack::capture::{FileReader, FrameSource};
//! use synack::decode::decode;
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/demo.pcap");
//! let mut reader = FileReader::open(path).unwrap();
//! let mut engine = Engine::new(Config::default());
//! let mut first_data = None;
//! while let Some(frame) = reader.next_frame().unwrap() {
//!     let packet = decode(&frame);
//!     let ann = engine.process(&frame, &packet);
//!     if let (Some(flow), Some(tcp)) = (ann.flow, ann.tcp) {
//!         if tcp.len > 0 && !tcp.is_retransmission() && first_data.is_none() {
//!             first_data = Some((flow.stream, flow.direction.short(), tcp.seq, tcp.len));
//!         }
//!     }
//! }
//! // The demo (made by `synack gen demo`) opens with a 14-byte echo request.
//! assert_eq!(first_data, Some((0, "c2s", 1, 14)));
//! assert_eq!(engine.connections().len(), 3);
//! ```

mod community_id;
mod conn;
mod engine;
mod flags;
mod identity;
mod key;
pub mod limits;
pub mod seq;
mod state;
mod tags;
mod zeek;

pub use community_id::community_id_v1;
pub use conn::{Connection, Negotiated, SynOptions, TcpConn};
pub use engine::{Annotation, Config, Engine, EngineStats, FlowRef, TcpAnnotation};
pub use flags::{AckFacts, WindowScale};
pub use key::{endpoint_string, ConnKey, Direction, FlowProto};
pub use limits::{Cause, LimitedBy, Phase};
pub use state::{
    ClosePattern, Event, Events, Lifecycle, Side, TcpState, Transition, MAX_EVENTS, MAX_TRANSITIONS,
};
pub use tags::{Flag, FlagSet, Tag, TagInfo, Tags, MAX_TAGS};
pub use zeek::{Zeek, ZeekEndpoint, MAX_HISTORY};

#[cfg(test)]
mod tests;
