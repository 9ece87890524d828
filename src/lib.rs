//! synack: a packet-level network inspector and TCP handshake visualizer.
//!
//! The data path runs one way, one module per stage:
//! [`capture`] (files and live sources → frames) → [`decode`] (frame → layered packet) →
//! [`analysis`] (connections, TCP state, Wireshark-compatible flags) → stream (reassembly and
//! message framing) → consumers ([`cli`], the GUI (`ui`, behind the default `gui` feature),
//! the generator, and [`pair`], which lines up two captures of the same traffic).

pub mod analysis;
pub mod calls;
pub mod capture;
#[cfg(feature = "cli")]
pub mod cli;
pub mod decode;
pub mod filter;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod fuzzing;
pub mod gen;
pub mod kernel;
pub mod pair;
pub mod pipeline;
pub mod stream;
#[cfg(feature = "gui")]
pub mod ui;
