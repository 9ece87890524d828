//! The built-in demo capture, made by `synack gen demo --synthetic`: a handshake, an echo, a
//! sticky burst, a lossy transfer with fast retransmission and timeout, a four-way close, an
//! aborted (RST) connection and a refused one (three connections in all).
//!
//! Built into the binary so that `synack` with no file (the window, or the terminal listing
//! of a build without it) and the guided tour always have something true to show. The one
//! place every consumer takes it from.

use std::io::Cursor;

use super::{CaptureError, FileReader};

/// The demo's pcap bytes (`captures/demo.pcap`).
pub const PCAP: &[u8] = include_bytes!("../../captures/demo.pcap");

/// The demo's calls trace (`captures/demo.pcap.calls.json`; see [`crate::calls`]).
pub const CALLS: &[u8] = include_bytes!("../../captures/demo.pcap.calls.json");

/// The name the demo goes by in messages and the window's title.
pub const NAME: &str = "demo.pcap (built-in)";

/// A reader over the demo's frames.
pub fn reader() -> Result<FileReader, CaptureError> {
    FileReader::from_reader(NAME, Cursor::new(PCAP))
}

/// The demo's calls trace, parsed.
pub fn calls() -> crate::calls::CallTrace {
    // The committed trace is checked by `tests`: parsing it cannot fail at run time unless
    // the binary was built from a damaged checkout, where an empty trace is the honest answer.
    crate::calls::CallTrace::read_json(CALLS)
        .unwrap_or_else(|_| crate::calls::CallTrace::new("demo", "synthetic", Some(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::FrameSource;

    #[test]
    fn the_demo_reads_whole_and_its_trace_parses() {
        let mut r = reader().unwrap();
        let mut n = 0;
        while r.next_frame().unwrap().is_some() {
            n += 1;
        }
        assert!(n > 40, "{n} frames");
        let t = crate::calls::CallTrace::read_json(CALLS).unwrap();
        assert_eq!(t.scenario, "demo");
        assert!(!t.calls.is_empty());
    }
}
