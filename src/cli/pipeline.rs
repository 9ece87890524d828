//! The per-frame pipeline shared by `synack read` and `synack capture`: decode, account,
//! format, write. One function for files and live capture, so live output equals `synack
//! read` on the written file; the analysis engine plugs in here (see [`FramePrinter::frame`]).

use std::collections::HashSet;
use std::io::{self, Write};
use std::net::IpAddr;

use super::format::{frame_json, frame_line, FrameView};
use crate::capture::{Frame, Timestamp};
use crate::decode::{decode, Packet, Transport, Vlans};

/// Distinct connections remembered before the count is reported as a lower bound (memory
/// stays bounded under a port scan or spoofed flood).
pub const MAX_TRACKED_CONNECTIONS: usize = 1 << 20;

/// A connection key independent of direction: protocol, both endpoints (sorted), VLANs.
type ConnKey = (u8, (IpAddr, u16), (IpAddr, u16), Vlans);

/// Counts TCP and UDP connections (both directions of a 5-tuple + VLANs are one).
#[derive(Debug, Default)]
pub struct ConnectionCounter {
    seen: HashSet<ConnKey>,
    overflowed: bool,
}

impl ConnectionCounter {
    /// Accounts one decoded packet.
    pub fn see(&mut self, p: &Packet) {
        let proto = match p.transport {
            Transport::Tcp(_) => 6,
            Transport::Udp(_) => 17,
            _ => return,
        };
        let (Some(ip), Some((sp, dp))) = (p.ip(), p.ports()) else {
            return;
        };
        let a = (ip.src, sp);
        let b = (ip.dst, dp);
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let key = (proto, lo, hi, p.vlan);
        if self.seen.contains(&key) {
            return;
        }
        if self.seen.len() >= MAX_TRACKED_CONNECTIONS {
            self.overflowed = true;
            return;
        }
        self.seen.insert(key);
    }

    /// Connections seen, and whether the count is a lower bound (the cap was reached).
    pub fn count(&self) -> (usize, bool) {
        (self.seen.len(), self.overflowed)
    }
}

/// Decodes, counts and (optionally) prints frames, in text or JSON Lines.
#[derive(Debug)]
pub struct FramePrinter<W: Write> {
    out: W,
    json: bool,
    print: bool,
    t0: Option<Timestamp>,
    connections: ConnectionCounter,
    frames: u64,
}

impl<W: Write> FramePrinter<W> {
    /// A printer writing to `out`; with `print` false frames are only decoded and counted.
    pub fn new(out: W, json: bool, print: bool) -> FramePrinter<W> {
        FramePrinter {
            out,
            json,
            print,
            t0: None,
            connections: ConnectionCounter::default(),
            frames: 0,
        }
    }

    /// Runs one frame through the pipeline and prints its line (or JSON object).
    pub fn frame(&mut self, frame: &Frame<'_>) -> io::Result<()> {
        let packet = decode(frame);
        self.frames += 1;
        if self.t0.is_none() {
            self.t0 = frame.ts;
        }
        self.connections.see(&packet);
        if !self.print {
            return Ok(());
        }
        let view = FrameView {
            frame,
            packet: &packet,
        };
        if self.json {
            serde_json::to_writer(&mut self.out, &frame_json(&view)).map_err(io::Error::from)?;
            self.out.write_all(b"\n")
        } else {
            writeln!(self.out, "{}", frame_line(&view, self.t0))
        }
    }

    /// Flushes the output (live capture calls this when idle so lines appear promptly).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Frames processed.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Connections seen (and whether that is a lower bound).
    pub fn connections(&self) -> (usize, bool) {
        self.connections.count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{FileReader, FrameSource};

    #[test]
    fn demo_capture_has_three_connections_and_prints_every_frame() {
        let mut reader =
            FileReader::from_reader("demo", io::Cursor::new(crate::cli::read::DEMO_CAPTURE))
                .expect("demo capture reads");
        let mut printer = FramePrinter::new(Vec::new(), false, true);
        while let Some(f) = reader.next_frame().expect("demo is intact") {
            printer.frame(&f).expect("memory write");
        }
        let text = String::from_utf8(printer.out.clone()).expect("utf-8");
        assert_eq!(text.lines().count() as u64, printer.frames());
        assert!(printer.frames() > 0);
        assert_eq!(printer.connections(), (3, false));
    }
}
