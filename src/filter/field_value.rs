//! A field of one packet named as a display filter names it: what a details line or a packet
//! list cell stands for, so "Apply as filter" (the window) and the JSON details (`synack read
//! -V --json`) say `ip.src == 10.0.0.1`, as Wireshark does.

use crate::analysis::FlowProto;

/// A field of one packet as a display filter names it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldValue {
    /// The filter field's name (`ip.src`, `tcp.stream`, `tcp`).
    pub name: String,
    /// Its value in filter syntax; `None` for a protocol, which is tested by presence.
    pub value: Option<String>,
}

impl FieldValue {
    /// `name == value` (or the protocol's name alone).
    pub fn new(name: impl Into<String>, value: impl ToString) -> FieldValue {
        FieldValue {
            name: name.into(),
            value: Some(value.to_string()),
        }
    }

    /// A protocol tested by presence (`tcp`).
    pub fn protocol(name: impl Into<String>) -> FieldValue {
        FieldValue {
            name: name.into(),
            value: None,
        }
    }

    /// A conversation: `tcp.stream == 3` or `udp.stream == 3`.
    pub fn stream(proto: FlowProto, stream: u32) -> FieldValue {
        let name = match proto {
            FlowProto::Tcp => "tcp.stream",
            FlowProto::Udp => "udp.stream",
        };
        FieldValue::new(name, stream)
    }

    /// The filter selecting packets with this value: `ip.src == 10.0.0.1`, `tcp`.
    pub fn filter(&self) -> String {
        match &self.value {
            Some(v) => format!("{} == {}", self.name, v),
            None => self.name.clone(),
        }
    }
}
