//! The calls trace: what the *program* did, beside what the wire carried (`FILE.calls.json`).
//!
//! A capture shows segments; a learner also needs to see which `send()` calls ended up in
//! which segment and what each `recv()` returned. Whatever produced the traffic (the
//! generator's lessons, today) records its socket calls with the same clock as the capture's
//! timestamps and the stream offset of the bytes each call moved, so every view (the `calls`
//! framing in [`crate::stream`], the desktop view, the CLI) can map calls onto segments
//! exactly. The trace sits below `stream` in the data flow: it is an input, like the capture.
//!
//! ```json
//! { "format": "synack-calls/1", "scenario": "sticky", "mode": "synthetic", "seed": 1,
//!   "calls": [
//!     { "t_ns": 1767225600001234000, "actor": "client", "conn": 1, "call": "send",
//!       "local": "10.0.0.1:40312", "remote": "10.0.0.2:7000", "bytes": 5, "offset": 0,
//!       "result": "ok", "data": "hello" } ] }
//! ```
//!
//! - `t_ns`: when the call returned, ns since the Unix epoch, on the capture's clock;
//! - `t_enter_ns` (optional): when the call was entered, same clock. Live and netns lessons
//!   and `synack run` write it; a synthetic lesson's calls take no time and leave it out, as
//!   do lessons recorded before it was written. Views show a call that acts on the network
//!   (send, connect, close) at its entry, a call that reports (receive, accept, readiness)
//!   at its return;
//! - `actor`: `client`, `server`, `client2`, `server-thread1`, `alice`, ...;
//! - `conn`: connection number within the run (1-based), 0 for UDP;
//! - `call`: `listen`, `connect`, `accept`, `send`, `recv`, `sendto`, `recvfrom`,
//!   `shutdown`, `close` or `setsockopt`;
//! - `local`, `remote`: socket addresses (`ip:port`, `[ip6]:port`);
//! - `bytes`: bytes passed to `send`/`sendto` or returned by `recv`/`recvfrom` (a `recv` of
//!   0 is end of stream);
//! - `offset` (TCP data calls only): stream offset of the first byte, counted from the byte
//!   after the SYN in that direction, so a send covers relative sequence numbers
//!   `offset+1 ..= offset+bytes` exactly as Wireshark numbers them;
//! - `result`: `ok` or the error (`ECONNREFUSED`, `ECONNRESET`, ...);
//! - `data` (optional): the first 64 bytes, lossy UTF-8; `note` (optional): detail such as
//!   the socket option set or the shutdown direction.
//!
//! Calls are sorted by time.
//!
//! Format 2 (`synack-calls/2`, written since `synack run`; version 1 traces still read) adds
//! call kinds — `socket`, `bind`, `sendmsg`, `recvmsg`, `sendmmsg`, `recvmmsg` (one record
//! per message), `write`, `read`, `writev`, `readv`, `sendfile`, `select`, `poll`,
//! `epoll_wait`, `epoll_ctl` — the field `t_enter_ns` (above), and, on calls recorded by
//! the system-call tracer, the fields `pid`, `tid`, `comm` (the process), `fd`, `proto`
//! (`tcp`/`udp`), `asked` (bytes asked for), `ret` (the raw return value), `addr` (the
//! address a `connect`/`bind`/`sendto` named or a `recvfrom` returned) and `ready`
//! (`[{fd, events, local, remote}]`: the descriptors a readiness call reported, with
//! `events` such as `in|out`), and a `programs` list on the trace (`[{actor, command, pid,
//! exit}]`). `actor` names the program (`server`, `client`, `client2`, or `program` for a
//! single command).
//!
//! When synack ran the traffic itself and could read the kernel's state of its sockets, the
//! trace also has a `tcp_info` list: one object per reading of one socket, sorted by time,
//! with `t_ns`, `actor`, `conn`, `local`, `remote` and the kernel's fields by their kernel
//! names ([`tcp_info::TcpInfoSample`]): `state`, `ca_state`, `snd_cwnd`, `snd_ssthresh`,
//! `rtt`, `rttvar`, `rto`, `unacked`, `sacked`, `lost`, `retrans`, `total_retrans`,
//! `snd_wnd`, `pacing_rate`, `delivery_rate`, `bytes_acked`, `bytes_received`, `busy_time`,
//! `rwnd_limited`, `sndbuf_limited`, `rqueue`, `wqueue`, `cong`, `sndbuf`, ...
//! A run of readings of one socket that say the same (only the `last_*` ages, and
//! `busy_time` while data is in flight, grew with the clock) is written as its first and
//! last reading ([`tcp_info::written_readings`]): a stall read every millisecond costs two
//! readings, and every figure derived from the readings is unchanged.

pub mod tcp_info;
mod trace;

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

pub use tcp_info::TcpInfoSample;
pub use trace::{
    event_words, preview, Call, CallKind, CallTrace, ProgramInfo, ReadyFd, Traced, CALLS_FORMAT,
    CALLS_FORMATS_READ,
};

/// The calls-trace path for a capture path: `FILE.calls.json`.
pub fn calls_path(capture: &Path) -> PathBuf {
    let mut s = capture.as_os_str().to_owned();
    s.push(".calls.json");
    PathBuf::from(s)
}

/// Why a calls trace could not be used; names the file.
#[derive(Debug, thiserror::Error)]
#[error("{}: {what}", path.display())]
pub struct CallsError {
    /// The trace file.
    pub path: PathBuf,
    /// What went wrong (the OS error, or why the JSON is not a calls trace).
    pub what: String,
}

/// Reads the calls trace at `path` (given explicitly, e.g. `--calls FILE`): it must exist
/// and parse.
pub fn read_file(path: &Path) -> Result<CallTrace, CallsError> {
    let err = |what: String| CallsError {
        path: path.to_owned(),
        what,
    };
    let f = File::open(path).map_err(|e| err(format!("cannot open: {e}")))?;
    CallTrace::read_json(f).map_err(|e| err(format!("not a calls trace: {e}")))
}

/// Reads the calls trace beside a capture (`FILE.calls.json`), when there is one. A missing
/// file is normal (most captures come with no trace) and gives `Ok(None)`; an unreadable or
/// invalid one is an error the caller reports (and usually ignores).
pub fn read_beside(capture: &Path) -> Result<Option<CallTrace>, CallsError> {
    let path = calls_path(capture);
    match read_file(&path) {
        Ok(t) => Ok(Some(t)),
        Err(_) if !path.exists() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes `trace` beside the capture `capture` (`FILE.calls.json`).
pub fn write_beside(trace: &CallTrace, capture: &Path) -> io::Result<()> {
    let p = calls_path(capture);
    let f = File::create(&p)
        .map_err(|e| io::Error::new(e.kind(), format!("creating {}: {e}", p.display())))?;
    trace.write_json(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beside_a_capture_missing_is_none_and_garbage_is_an_error_naming_the_file() {
        let dir = std::env::temp_dir().join(format!("synack-calls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let cap = dir.join("x.pcap");
        assert!(read_beside(&cap).unwrap().is_none());
        std::fs::write(calls_path(&cap), b"{\"format\": 3}").unwrap();
        let e = read_beside(&cap).unwrap_err();
        assert!(e.to_string().contains("x.pcap.calls.json"), "{e}");
        let trace = CallTrace::new("echo", "synthetic", Some(1));
        write_beside(&trace, &cap).unwrap();
        assert_eq!(read_beside(&cap).unwrap().unwrap().scenario, "echo");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
