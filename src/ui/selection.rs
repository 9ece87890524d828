//! What the user has selected, shared by all views.
//!
//! Views never reach into each other: the packet list writes `packet`, the details tree and
//! the hex pane write `field`, the connection table writes `connection`; each view reads what
//! it needs. Part 2's views (ladder, graphs, replay) read and write the same struct.

use std::ops::Range;

use crate::analysis::FlowProto;

/// A connection, by the stream number tshark gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConnRef {
    /// TCP or UDP.
    pub proto: FlowProto,
    /// `tcp.stream` / `udp.stream`.
    pub stream: u32,
}

impl ConnRef {
    /// TCP connection `stream` (its `tcp.stream` number).
    pub const fn tcp(stream: u32) -> ConnRef {
        ConnRef {
            proto: FlowProto::Tcp,
            stream,
        }
    }

    /// The display filter selecting this connection's packets.
    pub fn filter(&self) -> String {
        match self.proto {
            FlowProto::Tcp => format!("tcp.stream == {}", self.stream),
            FlowProto::Udp => format!("udp.stream == {}", self.stream),
        }
    }
}

/// The shared selection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Store index of the selected packet.
    pub packet: Option<usize>,
    /// Byte range of the selected field inside that packet (details ↔ hex).
    pub field: Option<Range<usize>>,
    /// The selected connection.
    pub connection: Option<ConnRef>,
    /// Set when the selection changed in a way the packet list should scroll to.
    pub reveal: bool,
    /// Replay cursor: when set, every view shows the capture as it stood after this store
    /// index (packets after it are hidden, states and streams are cut there).
    pub until: Option<usize>,
}

impl Selection {
    /// Selects a packet (clearing the field selection, which belonged to the old packet).
    pub fn select_packet(&mut self, index: usize, reveal: bool) {
        if self.packet != Some(index) {
            self.field = None;
        }
        self.packet = Some(index);
        self.reveal = reveal;
    }

    /// Whether the packet at store `index` is visible at the replay cursor.
    pub fn shows(&self, index: usize) -> bool {
        self.until.is_none_or(|u| index <= u)
    }

    /// Forgets everything (a new capture was opened).
    pub fn clear(&mut self) {
        *self = Selection::default();
    }
}
