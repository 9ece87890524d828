//! The trace's types and its JSON form (the format is described in [`crate::calls`]).

use std::io::{self, Write};
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use super::tcp_info::TcpInfoSample;

/// Version string written in the `format` field; bumped on incompatible changes.
pub const CALLS_FORMAT: &str = "synack-calls/1";

/// The kind of socket call recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallKind {
    /// `listen()` on the server socket.
    Listen,
    /// `connect()` (TCP) returning.
    Connect,
    /// `accept()` returning a connection.
    Accept,
    /// `send()`/`write()` on a TCP socket.
    Send,
    /// `recv()`/`read()` on a TCP socket (`bytes` 0 = end of stream).
    Recv,
    /// `sendto()` of one UDP datagram.
    Sendto,
    /// `recvfrom()` of one UDP datagram.
    Recvfrom,
    /// `shutdown(SHUT_WR)`: half-close, a FIN follows.
    Shutdown,
    /// `close()`.
    Close,
    /// `setsockopt()` that changes what goes on the wire (the option is in `note`).
    Setsockopt,
}

/// One recorded call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// When the call returned, nanoseconds since the Unix epoch (the capture's clock).
    pub t_ns: i64,
    /// Who made it: `client`, `server`, `client2`, ...
    pub actor: String,
    /// Connection number within the scenario (1-based; 0 for UDP and listening sockets).
    pub conn: u32,
    /// What was called.
    pub call: CallKind,
    /// The caller's address.
    pub local: String,
    /// The peer's address (the destination for `sendto`, the source for `recvfrom`).
    pub remote: String,
    /// Bytes passed (send) or returned (recv); 0 for calls that move no data.
    pub bytes: u64,
    /// TCP stream offset of the first byte moved, counted from the first byte after the SYN
    /// in the caller's sending (send) or receiving (recv) direction; `null` for UDP and calls
    /// that move no data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// `ok`, or the error the call returned (`ECONNREFUSED`, `ECONNRESET`, ...).
    pub result: String,
    /// The first bytes moved (up to 64), as lossy UTF-8, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// Extra detail (the socket option set, the shutdown direction, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The calls of one generator run, in the order they returned.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CallTrace {
    /// Always [`CALLS_FORMAT`].
    pub format: String,
    /// Scenario name.
    pub scenario: String,
    /// `synthetic`, `live` or `netns`.
    pub mode: String,
    /// The seed of a synthetic run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The calls.
    pub calls: Vec<Call>,
    /// The kernel's readings of the traced sockets, in time order (empty when none were
    /// taken; older traces have none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tcp_info: Vec<TcpInfoSample>,
}

impl CallTrace {
    /// An empty trace for a run.
    pub fn new(scenario: &str, mode: &str, seed: Option<u64>) -> CallTrace {
        CallTrace {
            format: CALLS_FORMAT.to_owned(),
            scenario: scenario.to_owned(),
            mode: mode.to_owned(),
            seed,
            calls: Vec::new(),
            tcp_info: Vec::new(),
        }
    }

    /// Records a call.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        t_ns: i64,
        actor: &str,
        conn: u32,
        call: CallKind,
        local: SocketAddr,
        remote: SocketAddr,
        data: &[u8],
        offset: Option<u64>,
    ) {
        self.calls.push(Call {
            t_ns,
            actor: actor.to_owned(),
            conn,
            call,
            local: local.to_string(),
            remote: remote.to_string(),
            bytes: data.len() as u64,
            offset,
            result: "ok".to_owned(),
            data: preview(data),
            note: None,
        });
    }

    /// Sets the result of the last call (an error name such as `ECONNREFUSED`).
    pub fn fail_last(&mut self, error: &str) {
        if let Some(c) = self.calls.last_mut() {
            c.result = error.to_owned();
        }
    }

    /// Adds a note to the last call.
    pub fn note_last(&mut self, note: &str) {
        if let Some(c) = self.calls.last_mut() {
            c.note = Some(note.to_owned());
        }
    }

    /// Sorts calls by time (live runs record from several threads).
    pub fn sort(&mut self) {
        self.calls.sort_by_key(|c| c.t_ns);
    }

    /// Reads a trace written by [`CallTrace::write_json`].
    pub fn read_json(input: impl io::Read) -> io::Result<CallTrace> {
        let t: CallTrace =
            serde_json::from_reader(io::BufReader::new(input)).map_err(io::Error::from)?;
        if !t.format.starts_with("synack-calls/") {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not a synack calls trace (format {:?})", t.format),
            ));
        }
        Ok(t)
    }

    /// Writes the trace as pretty JSON (one call per line would be easier to grep, but pretty
    /// JSON is what people open in an editor; both are valid JSON).
    pub fn write_json(&self, out: impl Write) -> io::Result<()> {
        let mut out = io::BufWriter::new(out);
        serde_json::to_writer_pretty(&mut out, self).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
        out.flush()
    }
}

/// Up to 64 bytes of data, lossy UTF-8; `None` for empty data.
fn preview(data: &[u8]) -> Option<String> {
    if data.is_empty() {
        return None;
    }
    let cut = &data[..data.len().min(64)];
    Some(String::from_utf8_lossy(cut).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_documented_fields() {
        let mut t = CallTrace::new("echo", "synthetic", Some(1));
        let a: SocketAddr = "10.0.0.1:40000".parse().unwrap();
        let b: SocketAddr = "10.0.0.2:7".parse().unwrap();
        t.push(5, "client", 1, CallKind::Send, a, b, b"hi", Some(0));
        t.push(6, "client", 1, CallKind::Connect, a, b, b"", None);
        t.fail_last("ECONNREFUSED");
        let mut out = Vec::new();
        t.write_json(&mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["format"], "synack-calls/1");
        assert_eq!(v["calls"][0]["call"], "send");
        assert_eq!(v["calls"][0]["bytes"], 2);
        assert_eq!(v["calls"][0]["offset"], 0);
        assert_eq!(v["calls"][0]["data"], "hi");
        assert_eq!(v["calls"][1]["result"], "ECONNREFUSED");
        assert!(v["calls"][1].get("offset").is_none());
    }
}
