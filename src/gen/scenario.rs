//! The scenario catalogue: names, lessons, and which modes can run each.

use std::fmt;
use std::str::FromStr;

/// A runnable lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// Connect, then close.
    Handshake,
    /// TCP echo: several request/replies.
    Echo,
    /// Four-way teardown started by the client.
    CloseClientFirst,
    /// Four-way teardown started by the server.
    CloseServerFirst,
    /// The peer's ACK piggy-backed on its FIN: a three-segment close.
    CloseCombined,
    /// Both sides close at once: FINs cross.
    CloseSimultaneous,
    /// `shutdown(SHUT_WR)`, the peer keeps sending.
    HalfClose,
    /// `close()` with `SO_LINGER` 0: abort with RST.
    RstAbort,
    /// SYN to a closed port.
    Refused,
    /// Many small sends with Nagle and a slow reader: messages coalesce.
    Sticky,
    /// One large message across many segments.
    Split,
    /// Fix 1: a length prefix before each message.
    FixLengthPrefix,
    /// Fix 2: a delimiter after each message.
    FixDelimiter,
    /// Fix 3: a pause between sends.
    FixDelay,
    /// Fix 4: wait for an application-level acknowledgement.
    FixAck,
    /// `TCP_NODELAY`: no Nagle.
    Nodelay,
    /// list/get/put file server with length-prefixed framing.
    FileTransfer,
    /// HTTP/1.1 keep-alive and pipelining.
    Http,
    /// Threaded server, several clients at once.
    Concurrent,
    /// UDP chat: datagrams keep their boundaries.
    UdpChat,
    /// UDP broadcast to every host on the LAN.
    UdpBroadcast,
    /// Small receive buffer, paused reader: zero window.
    ZeroWindow,
    /// `SO_KEEPALIVE` with a short idle time.
    KeepAlive,
    /// Loss: retransmissions, fast retransmission, dup ACKs.
    Loss,
    /// Out-of-order arrival.
    Reorder,
    /// N connections × M segments with loss, for benchmarks.
    Flood,
    /// The built-in demo: handshake, data, a sticky burst, loss and a teardown.
    Demo,
}

impl Scenario {
    /// Every scenario, in `--list` order.
    pub const ALL: [Scenario; 27] = [
        Scenario::Handshake,
        Scenario::Echo,
        Scenario::CloseClientFirst,
        Scenario::CloseServerFirst,
        Scenario::CloseCombined,
        Scenario::CloseSimultaneous,
        Scenario::HalfClose,
        Scenario::RstAbort,
        Scenario::Refused,
        Scenario::Sticky,
        Scenario::Split,
        Scenario::FixLengthPrefix,
        Scenario::FixDelimiter,
        Scenario::FixDelay,
        Scenario::FixAck,
        Scenario::Nodelay,
        Scenario::FileTransfer,
        Scenario::Http,
        Scenario::Concurrent,
        Scenario::UdpChat,
        Scenario::UdpBroadcast,
        Scenario::ZeroWindow,
        Scenario::KeepAlive,
        Scenario::Loss,
        Scenario::Reorder,
        Scenario::Flood,
        Scenario::Demo,
    ];

    /// The name used on the command line and in file names.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Handshake => "handshake",
            Scenario::Echo => "echo",
            Scenario::CloseClientFirst => "close-client-first",
            Scenario::CloseServerFirst => "close-server-first",
            Scenario::CloseCombined => "close-combined",
            Scenario::CloseSimultaneous => "close-simultaneous",
            Scenario::HalfClose => "half-close",
            Scenario::RstAbort => "rst-abort",
            Scenario::Refused => "refused",
            Scenario::Sticky => "sticky",
            Scenario::Split => "split",
            Scenario::FixLengthPrefix => "fix-length-prefix",
            Scenario::FixDelimiter => "fix-delimiter",
            Scenario::FixDelay => "fix-delay",
            Scenario::FixAck => "fix-ack",
            Scenario::Nodelay => "nodelay",
            Scenario::FileTransfer => "file-transfer",
            Scenario::Http => "http",
            Scenario::Concurrent => "concurrent",
            Scenario::UdpChat => "udp-chat",
            Scenario::UdpBroadcast => "udp-broadcast",
            Scenario::ZeroWindow => "zero-window",
            Scenario::KeepAlive => "keep-alive",
            Scenario::Loss => "loss",
            Scenario::Reorder => "reorder",
            Scenario::Flood => "flood",
            Scenario::Demo => "demo",
        }
    }

    /// One line of what the scenario teaches (shown by `synack gen --list`).
    pub fn lesson(self) -> &'static str {
        match self {
            Scenario::Handshake => "connect() is the three-way handshake SYN, SYN-ACK, ACK; close() the FIN/ACK pairs",
            Scenario::Echo => "each request and reply is a segment; replies carry the ACK of the request (piggy-backing)",
            Scenario::CloseClientFirst => "the side that closes first sends the first FIN and ends in TIME_WAIT",
            Scenario::CloseServerFirst => "the server may close first (HTTP/1.0 style): the server then holds TIME_WAIT",
            Scenario::CloseCombined => "a peer that closes at once piggy-backs its ACK on its FIN: a three-segment close",
            Scenario::CloseSimultaneous => "both FINs cross on the wire; both sides pass through CLOSING to TIME_WAIT",
            Scenario::HalfClose => "shutdown(SHUT_WR) sends a FIN but the peer can keep sending data after it",
            Scenario::RstAbort => "close() with SO_LINGER 0 aborts with RST: no FIN, no TIME_WAIT, the peer gets ECONNRESET",
            Scenario::Refused => "a SYN to a port nobody listens on is answered by RST: connect() fails with ECONNREFUSED",
            Scenario::Sticky => "TCP is a byte stream: with Nagle and a slow reader small messages stick together",
            Scenario::Split => "one large send() leaves as many MSS-sized segments, and recv() gets it in pieces",
            Scenario::FixLengthPrefix => "fix 1: a 4-byte length before each message lets the reader cut the stream exactly",
            Scenario::FixDelimiter => "fix 2: a delimiter (newline) after each message lets the reader split the stream",
            Scenario::FixDelay => "fix 3 (fragile): pausing between sends keeps messages in separate segments",
            Scenario::FixAck => "fix 4: wait for the peer's application reply before sending the next message",
            Scenario::Nodelay => "TCP_NODELAY turns Nagle off: every send() leaves at once as its own segment",
            Scenario::FileTransfer => "a list/get/put file server: a length-prefixed protocol over one connection",
            Scenario::Http => "HTTP/1.1 keep-alive reuses one connection; pipelined requests share segments",
            Scenario::Concurrent => "a threaded server serves several clients at once: one connection (4-tuple) each",
            Scenario::UdpChat => "UDP has no connection and keeps message boundaries: one sendto() = one datagram",
            Scenario::UdpBroadcast => "one UDP broadcast datagram reaches every host on the LAN (SO_BROADCAST)",
            Scenario::ZeroWindow => "a slow reader fills its receive buffer: window 0, probes, then a window update",
            Scenario::KeepAlive => "SO_KEEPALIVE probes an idle connection with empty segments that the peer ACKs",
            Scenario::Loss => "a lost segment brings duplicate ACKs (with SACK), a fast retransmission and a timeout",
            Scenario::Reorder => "a segment that arrives late is out of order, not lost: SACK, then one cumulative ACK",
            Scenario::Flood => "N connections x M segments with loss: a big capture for benchmarks",
            Scenario::Demo => "the built-in demo: handshake, data, a sticky burst, loss and a teardown in one capture",
        }
    }

    /// Whether real sockets can run it on loopback (the rest are synthetic or netns only:
    /// the kernel cannot be made to cross FINs, lose or reorder segments on `lo`).
    pub fn live_capable(self) -> bool {
        !matches!(
            self,
            Scenario::CloseSimultaneous
                | Scenario::Loss
                | Scenario::Reorder
                | Scenario::Flood
                | Scenario::Demo
        )
    }
}

impl Scenario {
    /// Whether `--netns` can run it (TCP lessons with real kernels through a router; `loss`
    /// with the router's random drops).
    pub fn netns_capable(self) -> bool {
        (self.live_capable() && !matches!(self, Scenario::UdpChat | Scenario::UdpBroadcast))
            || self == Scenario::Loss
    }

    /// The modes that can run it, for `--list`.
    pub fn modes(self) -> &'static str {
        match (self.live_capable(), self.netns_capable()) {
            (true, true) => "live netns synthetic",
            (true, false) => "live synthetic",
            (false, true) => "netns synthetic",
            (false, false) => "synthetic",
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scenario {
    type Err = String;

    fn from_str(s: &str) -> Result<Scenario, String> {
        Scenario::ALL
            .iter()
            .copied()
            .find(|sc| sc.name() == s)
            .ok_or_else(|| format!("unknown scenario `{s}` (see `synack gen --list`)"))
    }
}
