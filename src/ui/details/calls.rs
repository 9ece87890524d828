//! The programs' calls behind a TCP segment, for the details pane: which `send()` wrote the
//! bytes it carries and which `recv()` read them (with the process that made them), the
//! `connect()` behind a SYN, the `close()` or `shutdown()` behind a FIN or a reset, and the
//! calls that failed because of a reset. Found by [`crate::ladder::calls`], as the ladder's
//! call marks are.

use std::net::SocketAddr;

use crate::analysis::Direction;
use crate::calls::{CallKind, CallTrace};
use crate::capture::Timestamp;
use crate::i18n::tr;
use crate::ladder::calls::{connection_calls, ConnCall};
use crate::ladder::model::End;

use crate::pipeline::details::{Node, NodeKind};

/// What the details know of the segment.
pub(super) struct Segment {
    /// The connection's client and server.
    pub client: SocketAddr,
    /// See `client`.
    pub server: SocketAddr,
    /// Who sent it.
    pub direction: Direction,
    /// Relative sequence number and payload length.
    pub seq: u32,
    /// See `seq`.
    pub len: u32,
    /// SYN, FIN, RST.
    pub syn: bool,
    /// See `syn`.
    pub fin: bool,
    /// See `syn`.
    pub rst: bool,
    /// Capture time.
    pub ts: Option<Timestamp>,
}

/// The "Program calls" section of a segment, or `None` when no call of the trace concerns
/// it.
pub(super) fn calls_node(trace: &CallTrace, seg: &Segment) -> Option<Node> {
    let calls = connection_calls(trace, seg.client, seg.server);
    if calls.is_empty() {
        return None;
    }
    let sender = match seg.direction {
        Direction::ClientToServer => End::Client,
        Direction::ServerToClient => End::Server,
    };
    let t = seg.ts.map(|t| t.as_nanos());
    let mut lines = Vec::new();
    // Stream offsets of the payload: relative seq 1 is offset 0.
    let (a, b) = (
        u64::from(seg.seq).saturating_sub(1),
        u64::from(seg.seq).saturating_sub(1) + u64::from(seg.len),
    );
    for cc in &calls {
        let Some((from, to)) = cc.span() else {
            continue;
        };
        if seg.len == 0 || from >= b || to <= a {
            continue;
        }
        let (lo, hi) = (from.max(a) - from, to.min(b) - from);
        let args = |key: &str| {
            tr!(
                key,
                call = cc.call.call.name(),
                n = cc.ordinal,
                who = cc.who(),
                first = lo + 1,
                last = hi,
                total = cc.call.bytes
            )
        };
        if cc.end == sender && cc.call.call.sends_data() {
            lines.push(args("details-call-written"));
        } else if cc.end != sender && cc.call.call.receives_data() {
            lines.push(args("details-call-read"));
        }
    }
    // The call that made the kernel send a FIN or RST: the sender's last shutdown or close
    // entered before the segment was captured.
    let cause = |kinds: &[CallKind]| -> Option<&ConnCall<'_>> {
        calls
            .iter()
            .filter(|cc| cc.end == sender && kinds.contains(&cc.call.call))
            .rfind(|cc| t.is_none_or(|t| cc.call.t_shown_ns() <= t))
    };
    let by = |cc: &ConnCall<'_>| {
        tr!(
            "details-call-caused",
            call = cc.call.call.name(),
            who = cc.who(),
            result = &cc.call.result
        )
    };
    // A connection has one connect(), whatever its time says (a lesson's trace has only
    // its return, after the handshake).
    if seg.syn && sender == End::Client {
        lines.extend(
            calls
                .iter()
                .find(|cc| cc.end == End::Client && cc.call.call == CallKind::Connect)
                .map(by),
        );
    }
    if seg.fin || seg.rst {
        lines.extend(cause(&[CallKind::Close, CallKind::Shutdown]).map(by));
    }
    if seg.rst {
        // The receiver's calls that failed after the reset arrived.
        let failed = calls.iter().find(|cc| {
            cc.end != sender && cc.call.result != "ok" && t.is_none_or(|t| cc.call.t_ns >= t)
        });
        if let Some(cc) = failed {
            lines.push(tr!(
                "details-call-failed",
                call = cc.call.call.name(),
                n = cc.ordinal,
                who = cc.who(),
                error = &cc.call.result
            ));
        }
    }
    if lines.is_empty() {
        return None;
    }
    let mut node = Node::section(NodeKind::Calls, tr!("details-calls"), None);
    node.children = lines.into_iter().map(|l| Node::line(l, None)).collect();
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::Call;

    #[test]
    fn a_syn_is_put_down_to_the_connect_that_returned_after_the_handshake() {
        let (client, server): (SocketAddr, SocketAddr) = (
            "127.0.0.1:40000".parse().unwrap(),
            "127.0.0.1:7000".parse().unwrap(),
        );
        let mut connect = Call::new(2_000, "client", 1, CallKind::Connect);
        connect.local = client.to_string();
        connect.remote = server.to_string();
        let trace = CallTrace {
            calls: vec![connect],
            ..CallTrace::default()
        };
        let syn = Segment {
            client,
            server,
            direction: Direction::ClientToServer,
            seq: 0,
            len: 0,
            syn: true,
            fin: false,
            rst: false,
            ts: Some(Timestamp::from_parts(0, 1_000)),
        };
        let node = calls_node(&trace, &syn).expect("a calls section");
        let text: Vec<&str> = node.children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(text.len(), 1, "{text:?}");
        assert!(text[0].contains("connect()"), "{text:?}");
        // The server's SYN-ACK is the kernel's, not a call's.
        let syn_ack = Segment {
            direction: Direction::ServerToClient,
            ..syn
        };
        assert!(calls_node(&trace, &syn_ack).is_none());
    }
}
