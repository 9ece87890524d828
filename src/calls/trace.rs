//! The trace's types and its JSON form (the format is described in [`crate::calls`]).

use std::io::{self, Write};
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use super::tcp_info::TcpInfoSample;

/// Version string written in the `format` field; bumped on incompatible changes.
///
/// Version 2 (`synack run`) added the call kinds after `setsockopt`, and the fields `pid`,
/// `tid`, `comm`, `fd`, `proto`, `t_enter_ns`, `asked`, `ret`, `addr` and `ready` to calls and
/// `programs` to the trace; all are optional, so a version 1 trace reads as version 2.
pub const CALLS_FORMAT: &str = "synack-calls/2";

/// The versions [`CallTrace::read_json`] reads.
pub const CALLS_FORMATS_READ: [&str; 2] = ["synack-calls/1", "synack-calls/2"];

/// The kind of socket call recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    /// `socket()` (the domain and type are in `note`).
    Socket,
    /// `bind()` (the address asked for is in `addr`, the one given in `local`).
    Bind,
    /// `sendmsg()`.
    Sendmsg,
    /// `recvmsg()`.
    Recvmsg,
    /// One message of a `sendmmsg()`.
    Sendmmsg,
    /// One message of a `recvmmsg()`.
    Recvmmsg,
    /// `write()` on a socket.
    Write,
    /// `read()` on a socket (`bytes` 0 = end of stream).
    Read,
    /// `writev()` on a socket.
    Writev,
    /// `readv()` on a socket.
    Readv,
    /// `sendfile()` into a socket.
    Sendfile,
    /// `select()`/`pselect6()`: the ready descriptors are in `ready`.
    Select,
    /// `poll()`/`ppoll()`: the ready descriptors are in `ready`.
    Poll,
    /// `epoll_wait()` (and `epoll_pwait`, `epoll_pwait2`): the ready descriptors are in
    /// `ready`.
    EpollWait,
    /// `epoll_ctl()` on a socket (the operation is in `note`, the events asked in `ready`).
    EpollCtl,
}

impl CallKind {
    /// True for calls that hand bytes to the kernel to send (`send`, `write`, `sendmsg`,
    /// ...): on TCP their `offset` places them in the sending direction's stream.
    pub fn sends_data(self) -> bool {
        matches!(
            self,
            CallKind::Send
                | CallKind::Sendto
                | CallKind::Sendmsg
                | CallKind::Sendmmsg
                | CallKind::Write
                | CallKind::Writev
                | CallKind::Sendfile
        )
    }

    /// True for calls that take received bytes from the kernel (`recv`, `read`, ...).
    pub fn receives_data(self) -> bool {
        matches!(
            self,
            CallKind::Recv
                | CallKind::Recvfrom
                | CallKind::Recvmsg
                | CallKind::Recvmmsg
                | CallKind::Read
                | CallKind::Readv
        )
    }

    /// True for the readiness calls (`select`, `poll`, `epoll_wait`).
    pub fn is_readiness(self) -> bool {
        matches!(
            self,
            CallKind::Select | CallKind::Poll | CallKind::EpollWait
        )
    }

    /// The call's name as written in the trace (`send`, `epoll_wait`).
    pub fn name(self) -> &'static str {
        match self {
            CallKind::Listen => "listen",
            CallKind::Connect => "connect",
            CallKind::Accept => "accept",
            CallKind::Send => "send",
            CallKind::Recv => "recv",
            CallKind::Sendto => "sendto",
            CallKind::Recvfrom => "recvfrom",
            CallKind::Shutdown => "shutdown",
            CallKind::Close => "close",
            CallKind::Setsockopt => "setsockopt",
            CallKind::Socket => "socket",
            CallKind::Bind => "bind",
            CallKind::Sendmsg => "sendmsg",
            CallKind::Recvmsg => "recvmsg",
            CallKind::Sendmmsg => "sendmmsg",
            CallKind::Recvmmsg => "recvmmsg",
            CallKind::Write => "write",
            CallKind::Read => "read",
            CallKind::Writev => "writev",
            CallKind::Readv => "readv",
            CallKind::Sendfile => "sendfile",
            CallKind::Select => "select",
            CallKind::Poll => "poll",
            CallKind::EpollWait => "epoll_wait",
            CallKind::EpollCtl => "epoll_ctl",
        }
    }
}

/// Poll and epoll event bits (the two share their values: `POLLIN` is `EPOLLIN`, ...) as a
/// trace writes them, in bit order: `in|out`, `in|rdhup`. `asked`: the events a caller waits
/// for, where err, hup and nval are always implied and left out.
pub fn event_words(bits: u32, asked: bool) -> String {
    const WORDS: [(u32, &str); 7] = [
        (0x001, "in"),
        (0x002, "pri"),
        (0x004, "out"),
        (0x008, "err"),
        (0x010, "hup"),
        (0x020, "nval"),
        (0x2000, "rdhup"),
    ];
    let implied = |name: &str| matches!(name, "err" | "hup" | "nval");
    let words: Vec<&str> = WORDS
        .into_iter()
        .filter(|&(bit, name)| bits & bit != 0 && !(asked && implied(name)))
        .map(|(_, name)| name)
        .collect();
    words.join("|")
}

/// A descriptor a readiness call reported ready (or `epoll_ctl` registered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadyFd {
    /// The descriptor.
    pub fd: i32,
    /// What for: `in`, `pri`, `out`, `err`, `hup`, `rdhup`, joined by `|` ([`event_words`]).
    pub events: String,
    /// The socket's local address, when the descriptor is a network socket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
    /// The socket's peer, when connected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote: Option<String>,
}

/// One program of a `synack run` (the trace's `programs` list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramInfo {
    /// Its name in the calls' `actor`: `server`, `client`, `client2`, `program`.
    pub actor: String,
    /// The command line.
    pub command: String,
    /// The process id of its first process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<i32>,
    /// Its exit status (128 + N when killed by signal N).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit: Option<i32>,
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
    /// When the call was entered (same clock as `t_ns`): a call acting on the network is
    /// shown there, before the frames it made. Absent in traces written before calls kept
    /// it (lessons before this field, and synthetic lessons, whose calls take no time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t_enter_ns: Option<i64>,
    /// What a traced run (`synack run`) knows beside: process, descriptor, return value,
    /// ready descriptors. Written flat into the call's object; absent in traces of the
    /// generator's lessons (but for a multiplexing lesson's readiness calls).
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub traced: Option<Box<Traced>>,
}

/// The fields of a call recorded by the system-call tracer (`synack run`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Traced {
    /// Process id of the caller (0 for a lesson's readiness calls, made by a thread of the
    /// generator rather than a process of their own).
    pub pid: i32,
    /// Thread id of the caller.
    pub tid: i32,
    /// The caller's command name.
    pub comm: String,
    /// The descriptor the call was made on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fd: Option<i32>,
    /// `tcp` or `udp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proto: Option<String>,
    /// Bytes asked for: the length given to a send or a receive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked: Option<u64>,
    /// The raw return value (-1 on error; the new descriptor of `accept`, the number of
    /// ready descriptors of `select`).
    pub ret: i64,
    /// The address the call named: `connect`/`bind`/`sendto` target, `recvfrom` source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
    /// Ready descriptors of `select`, `poll`, `epoll_wait` (the registration of
    /// `epoll_ctl`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ready: Vec<ReadyFd>,
}

impl Call {
    /// A call with the fields every trace has; the traced-run fields are empty.
    pub fn new(t_ns: i64, actor: &str, conn: u32, call: CallKind) -> Call {
        Call {
            t_ns,
            actor: actor.to_owned(),
            conn,
            call,
            local: String::new(),
            remote: String::new(),
            bytes: 0,
            offset: None,
            result: "ok".to_owned(),
            data: None,
            note: None,
            t_enter_ns: None,
            traced: None,
        }
    }

    /// The time to show the call among packets: its entry for calls that act on the
    /// network (send, connect, close, ...), its return for calls that report what arrived
    /// (receive, accept, readiness). Traces without entry times use `t_ns`.
    pub fn t_shown_ns(&self) -> i64 {
        let reports =
            self.call.receives_data() || self.call.is_readiness() || self.call == CallKind::Accept;
        match self.t_enter_ns {
            Some(t) if !reports => t,
            _ => self.t_ns,
        }
    }
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
    /// The programs of a `synack run`, in the order they were given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<ProgramInfo>,
    /// The calls.
    pub calls: Vec<Call>,
    /// The kernel's readings of the traced sockets, in time order (empty when none were
    /// taken; older traces have none). Written without the readings inside runs that say
    /// the same ([`super::tcp_info::written_readings`]).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "serialize_readings"
    )]
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
            programs: Vec::new(),
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
        let mut c = Call::new(t_ns, actor, conn, call);
        c.local = local.to_string();
        c.remote = remote.to_string();
        c.bytes = data.len() as u64;
        c.offset = offset;
        c.data = preview(data);
        self.calls.push(c);
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
        if !CALLS_FORMATS_READ.contains(&t.format.as_str()) {
            let what = if t.format.starts_with("synack-calls/") {
                format!(
                    "calls trace format {:?} is newer than this synack reads ({}); update synack",
                    t.format,
                    CALLS_FORMATS_READ.join(", ")
                )
            } else {
                format!("not a synack calls trace (format {:?})", t.format)
            };
            return Err(io::Error::new(io::ErrorKind::InvalidData, what));
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

/// Writes the readings a trace file keeps.
fn serialize_readings<S: serde::Serializer>(
    samples: &[TcpInfoSample],
    ser: S,
) -> Result<S::Ok, S::Error> {
    ser.collect_seq(super::tcp_info::written_readings(samples))
}

/// Up to 64 bytes of data, lossy UTF-8; `None` for empty data.
pub fn preview(data: &[u8]) -> Option<String> {
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
        assert_eq!(v["format"], "synack-calls/2");
        assert_eq!(v["calls"][0]["call"], "send");
        assert_eq!(v["calls"][0]["bytes"], 2);
        assert_eq!(v["calls"][0]["offset"], 0);
        assert_eq!(v["calls"][0]["data"], "hi");
        assert_eq!(v["calls"][1]["result"], "ECONNREFUSED");
        assert!(v["calls"][1].get("offset").is_none());
        // Fields of traced runs are left out when empty.
        assert!(v["calls"][0].get("pid").is_none());
        assert!(v["calls"][0].get("ready").is_none());
        assert!(v.get("programs").is_none());
    }

    #[test]
    fn version_1_traces_read_and_newer_versions_are_refused_by_name() {
        let v1 = r#"{"format": "synack-calls/1", "scenario": "echo", "mode": "live",
            "calls": [{"t_ns": 5, "actor": "client", "conn": 1, "call": "send",
            "local": "127.0.0.1:4000", "remote": "127.0.0.1:7", "bytes": 2, "offset": 0,
            "result": "ok", "data": "hi"}]}"#;
        let t = CallTrace::read_json(v1.as_bytes()).unwrap();
        assert_eq!(t.calls[0].call, CallKind::Send);
        assert_eq!(t.calls[0].traced, None);
        assert_eq!(t.calls[0].t_shown_ns(), 5);
        let v3 = v1.replace("calls/1", "calls/3");
        let e = CallTrace::read_json(v3.as_bytes()).unwrap_err();
        assert!(
            e.to_string().contains("newer than this synack reads"),
            "{e}"
        );
    }

    #[test]
    fn version_2_kinds_and_fields_round_trip() {
        let mut t = CallTrace::new("run", "isolated", None);
        let traced = || Traced {
            pid: 42,
            tid: 42,
            comm: "python3".into(),
            fd: Some(5),
            proto: None,
            asked: None,
            ret: 1,
            addr: None,
            ready: Vec::new(),
        };
        let mut c = Call::new(10, "server", 0, CallKind::EpollWait);
        c.t_enter_ns = Some(4);
        let mut tr = traced();
        tr.ready.push(ReadyFd {
            fd: 4,
            events: "in".into(),
            local: Some("127.0.0.1:7000".into()),
            remote: None,
        });
        c.traced = Some(Box::new(tr));
        t.calls.push(c);
        let mut w = Call::new(12, "client", 1, CallKind::Write);
        w.t_enter_ns = Some(11);
        w.traced = Some(Box::new(traced()));
        t.calls.push(w);
        let mut out = Vec::new();
        t.write_json(&mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["calls"][0]["call"], "epoll_wait");
        assert_eq!(v["calls"][0]["ready"][0]["fd"], 4);
        assert_eq!(v["calls"][0]["pid"], 42, "written flat into the call");
        assert_eq!(v["calls"][1]["t_enter_ns"], 11);
        let back = CallTrace::read_json(out.as_slice()).unwrap();
        assert_eq!(back.calls, t.calls);
        // Readiness is shown when it returned, a write when it was entered.
        assert_eq!(back.calls[0].t_shown_ns(), 10);
        assert_eq!(back.calls[1].t_shown_ns(), 11);
        assert!(CallKind::Write.sends_data() && CallKind::Readv.receives_data());
        assert!(CallKind::Select.is_readiness() && !CallKind::Send.is_readiness());
    }
}
