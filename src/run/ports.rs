//! `--host-net`: the host's `lo` carries other programs' traffic too; only frames to or
//! from a port one of the traced programs' sockets has are theirs.

use std::collections::HashSet;
use std::net::SocketAddr;

use crate::calls::Call;
use crate::capture::OwnedFrame;

/// The ports of the traced programs' sockets, learnt from their calls.
#[derive(Debug, Clone, Default)]
pub struct ProgramPorts {
    ports: HashSet<u16>,
}

impl ProgramPorts {
    /// Remembers the port of the caller's socket.
    pub fn note(&mut self, call: &Call) {
        if let Ok(a) = call.local.parse::<SocketAddr>() {
            if a.port() != 0 {
                self.ports.insert(a.port());
            }
        }
    }

    /// True when `f` comes from or goes to one of the programs' ports.
    pub fn ours(&self, f: &OwnedFrame) -> bool {
        crate::decode::decode(&f.as_frame())
            .ports()
            .is_some_and(|(a, b)| self.ports.contains(&a) || self.ports.contains(&b))
    }
}
