//! Analysis: the incremental engine that turns decoded packets into connections and
//! per-packet annotations (stream numbers, relative sequence numbers, Wireshark-compatible
//! analysis flags with reasons, handshake/teardown events, per-endpoint TCP state, Zeek
//! summaries).
//!
//! Pure and incremental: [`Engine::process`] takes one `(&Frame, &Packet)` at a time, the same
//! for files and live capture, and never does I/O or reads a clock. Memory is bounded by
//! [`Config`]; evictions are counted in [`EngineStats`].

mod conn;
mod engine;
mod flags;
mod key;
pub mod seq;
mod state;
mod tags;
mod zeek;

pub use conn::{Connection, Negotiated, SynOptions, TcpConn};
pub use engine::{Annotation, Config, Engine, EngineStats, FlowRef, TcpAnnotation};
pub use flags::{AckFacts, WindowScale};
pub use key::{endpoint_string, ConnKey, Direction, FlowProto};
pub use state::{
    ClosePattern, Event, Events, Lifecycle, Side, TcpState, Transition, MAX_EVENTS, MAX_TRANSITIONS,
};
pub use tags::{Flag, FlagSet, Tag, TagInfo, Tags, MAX_TAGS};
pub use zeek::{Zeek, ZeekEndpoint, MAX_HISTORY};

#[cfg(test)]
mod tests;
