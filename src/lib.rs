//! synack: a packet-level network inspector and TCP handshake visualizer.
//!
//! The data path runs one way, one module per stage:
//! [`capture`] (files and live sources → frames) → [`decode`] (frame → layered packet) →
//! [`analysis`] (connections, TCP state, Wireshark-compatible flags) → [`stream`] (reassembly
//! and message framing) → consumers (`cli`, the GUI `ui`, the generator [`gen`], the
//! [`ladder`] diagram drawn through [`figure`], and [`pair`], which lines up two captures of
//! the same traffic). [`pipeline`] is the one loop that drives the stages for every consumer.
//!
//! Features: `live` (live capture through libpcap or pnet), `cli` (the `synack` binary) and
//! `gui` (the desktop view), all on by default. Without them the library reads files,
//! decodes, analyses, reassembles and pairs captures without libpcap, clap or egui.

#![warn(missing_docs, unreachable_pub)]

pub mod analysis;
pub mod calls;
pub mod capture;
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "columnar")]
pub mod columnar;
pub mod decode;
pub mod figure;
pub mod filter;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod fuzzing;
pub mod gen;
pub mod i18n;
pub mod kernel;
pub mod ladder;
pub mod pair;
pub mod pipeline;
#[cfg(all(target_os = "linux", feature = "live"))]
pub mod run;
pub mod stream;
#[cfg(target_os = "linux")]
pub mod trace;
#[cfg(feature = "gui")]
pub mod ui;
