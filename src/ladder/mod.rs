//! The ladder diagram of one connection, without a window: client and server as two time
//! lines, one arrow per segment placed where it physically travelled, each side's TCP state
//! where it changes, the handshake and the teardown bracketed, losses, ghosts of segments
//! never captured, idle gaps, and runs of similar segments summarized.
//!
//! A consumer of the analysis: [`input`] turns the engine's annotations into records,
//! [`timing`] finds when each segment left and arrived (so that no answer leaves before its
//! question arrived), [`model`] holds the content, [`layout`] places it (labels included),
//! [`paint`] draws it on any [`crate::figure::Canvas`] (the desktop view's screen, or SVG),
//! and [`export`] writes JSON, Mermaid and PlantUML. `synack ladder` and the desktop view's
//! Ladder tab both draw from here, so the two show the same thing.

pub mod calls;
pub mod export;
pub mod input;
pub mod kernel;
pub mod layout;
pub mod model;
pub mod paint;
pub mod timing;
pub mod words;

pub use input::{collect, collect_from, Collected, ConnInfo, Seen, TcpSeen};
pub use layout::Geometry;
pub use model::{ArrowKind, End, Fate, LadderModel};
pub use timing::Delays;
