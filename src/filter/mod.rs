//! Display filters: the small Wireshark-like language of `synack read -Y` and the GUI's
//! filter bar.
//!
//! Users who know Wireshark should guess right: `tcp`, `ip.addr == 10.0.0.1`,
//! `tcp.port == 80 && !tcp.analysis.flags`, `tcp.flags.syn == 1 and tcp.len > 0`,
//! `(udp || icmp) and not vlan`. Field names and semantics follow Wireshark: a field that
//! occurs several times in a packet (`ip.addr`, `tcp.port`, `vlan.id`) matches `==` when any
//! occurrence does, and `a != b` means `!(a == b)`. A bare field tests presence.
//!
//! A filter is parsed once ([`Filter::parse`], errors carry the byte span to underline) and
//! evaluated per packet against [`FilterInput`], which sees the decoded packet and, when an
//! analysis has run, its per-packet results through [`AnalysisFields`].

mod annotation;
mod eval;
mod field_value;
mod fields;
mod parse;

pub use eval::{AnalysisFields, FilterInput};
pub use field_value::FieldValue;
pub use fields::{Field, FieldInfo, FieldType};
pub use parse::{Filter, FilterError};

#[cfg(test)]
mod tests;
