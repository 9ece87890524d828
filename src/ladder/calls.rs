//! The programs' socket calls on a connection's ladder: each call made on the connection's
//! socket becomes a mark on its side's time line, saying what it did to the wire
//! (`send(14) → frames 4-5`, `recv → 6 bytes`, `close()`, `recv → EAGAIN`).
//!
//! A call belongs to the connection when its socket's addresses are the connection's two
//! ends (its local address tells the side); a readiness call belongs to it when it named the
//! connection's socket ready. The same matching serves the details pane ("these bytes were
//! written by send() #3 of client pid 4242"), through [`connection_calls`].

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;

use crate::calls::{Call, CallKind, CallTrace};
use crate::decode::TcpFlags;
use crate::i18n::tr;

use super::model::{End, LadderModel, Row};

/// A call made on one connection's socket.
#[derive(Debug, Clone, Copy)]
pub struct ConnCall<'a> {
    /// Its index in the trace.
    pub index: usize,
    /// The call.
    pub call: &'a Call,
    /// The end whose program made it.
    pub end: End,
    /// Its number among the same process's calls of the same kind on this connection, from
    /// 1 (`send() #3`).
    pub ordinal: usize,
    /// For a readiness call: what it reported the socket ready for (`in`, `out|hup`).
    pub ready: Option<&'a str>,
}

/// A program's role in the interface's language: the calls trace names them `server`,
/// `client`, `client2`, ... (English keeps the trace's word); any other name as it is.
pub fn actor_text(actor: &str) -> String {
    let (role, rest) = if let Some(rest) = actor.strip_prefix("client") {
        ("call-actor-client", rest)
    } else if let Some(rest) = actor.strip_prefix("server") {
        ("call-actor-server", rest)
    } else {
        return actor.to_owned();
    };
    if rest.chars().all(|c| c.is_ascii_digit()) {
        format!("{}{rest}", crate::i18n::text(role))
    } else {
        actor.to_owned()
    }
}

impl ConnCall<'_> {
    /// "client pid 4242" (a traced run), or "client" (a lesson's calls have no process of
    /// their own: no traced fields, or pid 0 on its readiness calls).
    pub fn who(&self) -> String {
        let actor = actor_text(&self.call.actor);
        match &self.call.traced {
            Some(t) if t.pid != 0 => tr!("call-who-pid", actor = actor, pid = t.pid),
            _ => actor,
        }
    }

    /// The stream offsets of the bytes a TCP data call moved.
    pub fn span(&self) -> Option<(u64, u64)> {
        let c = self.call;
        let data = c.call.sends_data() || c.call.receives_data();
        let offset = c.offset.filter(|_| data && c.bytes > 0)?;
        Some((offset, offset + c.bytes))
    }
}

/// The side of the connection `client` ↔ `server` whose socket has the addresses
/// `local` → `remote`.
fn side(local: &str, remote: &str, client: SocketAddr, server: SocketAddr) -> Option<End> {
    let (Ok(l), Ok(r)) = (local.parse::<SocketAddr>(), remote.parse::<SocketAddr>()) else {
        return None;
    };
    if is_end(l, client) && r == server {
        Some(End::Client)
    } else if is_end(l, server) && r == client {
        Some(End::Server)
    } else {
        None
    }
}

/// A socket's local address `local` is the connection's `end`: the same, or the same port
/// on the unspecified address (Linux keeps only the port of a socket whose connect()
/// failed: `0.0.0.0:60850 → 127.0.0.1:9` for the SYN that 127.0.0.1:9 refused).
fn is_end(local: SocketAddr, end: SocketAddr) -> bool {
    local == end || (local.ip().is_unspecified() && local.port() != 0 && local.port() == end.port())
}

/// The calls of the connection `client` ↔ `server`, in the trace's order.
pub fn connection_calls(
    trace: &CallTrace,
    client: SocketAddr,
    server: SocketAddr,
) -> Vec<ConnCall<'_>> {
    let mut counts: HashMap<(i32, &str, CallKind), usize> = HashMap::new();
    let mut out = Vec::new();
    for (index, call) in trace.calls.iter().enumerate() {
        let (end, ready) = if call.call.is_readiness() {
            let named = call.traced.iter().flat_map(|t| &t.ready).find_map(|r| {
                let end = side(r.local.as_deref()?, r.remote.as_deref()?, client, server)?;
                Some((end, r.events.as_str()))
            });
            match named {
                Some((end, events)) => (end, Some(events)),
                None => continue,
            }
        } else {
            match side(&call.local, &call.remote, client, server) {
                Some(end) => (end, None),
                None => continue,
            }
        };
        let pid = call.traced.as_ref().map_or(0, |t| t.pid);
        let n = counts
            .entry((pid, call.actor.as_str(), call.call))
            .or_default();
        *n += 1;
        out.push(ConnCall {
            index,
            call,
            end,
            ordinal: *n,
            ready,
        });
    }
    out
}

/// Frame numbers as ranges: `4-5, 9`.
pub fn frame_ranges(numbers: &BTreeSet<u64>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut run: Option<(u64, u64)> = None;
    for &n in numbers {
        run = match run {
            Some((a, b)) if n == b + 1 => Some((a, n)),
            Some((a, b)) => {
                parts.push(range_text(a, b));
                Some((n, n))
            }
            None => Some((n, n)),
        };
    }
    if let Some((a, b)) = run {
        parts.push(range_text(a, b));
    }
    parts.join(", ")
}

fn range_text(a: u64, b: u64) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{a}-{b}")
    }
}

/// The frames of `rows` that carried the bytes a call sent: for TCP the segments from its
/// end overlapping its stream offsets (retransmissions too), for a datagram the first
/// datagram of its size from its end at or after the call (`used` keeps one call per
/// datagram).
fn carried_by(
    cc: &ConnCall<'_>,
    rows: &[Row],
    start_ns: i64,
    used: &mut BTreeSet<usize>,
) -> BTreeSet<u64> {
    let from_end = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.from == cc.end && r.len > 0);
    if let Some((a, b)) = cc.span() {
        // Relative sequence numbers count the SYN: stream offset o is seq o + 1.
        return from_end
            .filter(|(_, r)| {
                let s = u64::from(r.seq).saturating_sub(1);
                s < b && s + u64::from(r.len) > a
            })
            .map(|(_, r)| r.number)
            .collect();
    }
    let t = cc.call.t_shown_ns() - start_ns;
    let found = from_end
        .filter(|(i, r)| !used.contains(i) && u64::from(r.len) == cc.call.bytes && r.t_ns >= t)
        .map(|(i, r)| (i, r.number))
        .next();
    match found {
        Some((i, n)) => {
            used.insert(i);
            BTreeSet::from([n])
        }
        None => BTreeSet::new(),
    }
}

/// What the mark of a call says.
fn note_text(cc: &ConnCall<'_>, frames: &BTreeSet<u64>) -> String {
    let c = cc.call;
    let name = c.call.name();
    let failed = c.result != "ok";
    if c.call.sends_data() {
        let asked = c.traced.as_ref().and_then(|t| t.asked).unwrap_or(c.bytes);
        if failed {
            return tr!(
                "ladder-call-send-failed",
                call = name,
                asked = asked,
                error = &c.result
            );
        }
        if frames.is_empty() {
            return tr!("ladder-call-send-unseen", call = name, bytes = c.bytes);
        }
        return tr!(
            "ladder-call-send",
            call = name,
            bytes = c.bytes,
            count = frames.len(),
            frames = frame_ranges(frames)
        );
    }
    if c.call.receives_data() {
        return if failed {
            tr!("ladder-call-failed", call = name, error = &c.result)
        } else if c.bytes == 0 {
            tr!("ladder-call-recv-eof", call = name)
        } else {
            tr!("ladder-call-recv", call = name, bytes = c.bytes)
        };
    }
    if let Some(events) = cc.ready {
        return tr!("ladder-call-ready", call = name, events = events.to_owned());
    }
    if failed {
        return tr!("ladder-call-failed", call = name, error = &c.result);
    }
    match (&c.note, c.call) {
        // The operation without its prefix, to fit the state column (`epoll_ctl(ADD)`).
        (Some(n), CallKind::EpollCtl) => {
            format!("{name}({})", n.trim_start_matches("EPOLL_CTL_"))
        }
        (Some(n), CallKind::Shutdown | CallKind::Setsockopt) => format!("{name}({n})"),
        _ => format!("{name}()"),
    }
}

/// Puts the calls of `trace` made on `model`'s connection on its time lines (calls that
/// act on the network at their entry, those that report what arrived at their return).
/// `socket`, `bind` and `listen` belong to no connection and are left out.
pub fn add_call_notes(model: &mut LadderModel, trace: &CallTrace) {
    let (Ok(client), Ok(server)) = (
        model.info.client.parse::<SocketAddr>(),
        model.info.server.parse::<SocketAddr>(),
    ) else {
        return;
    };
    let mut used = BTreeSet::new();
    let calls: Vec<(ConnCall<'_>, BTreeSet<u64>)> = connection_calls(trace, client, server)
        .into_iter()
        .map(|cc| {
            let frames = if cc.call.call.sends_data() {
                carried_by(&cc, &model.rows, model.start_ns, &mut used)
            } else {
                BTreeSet::new()
            };
            (cc, frames)
        })
        .collect();
    // The calls' times bound the travel times: the arrows are drawn with the tighter ones.
    let bounds = delay_bounds(model, &calls);
    let mut delays = model.delays;
    for end in [End::Client, End::Server] {
        let k = end.index();
        if let Some(b) = bounds[k].filter(|&b| b < delays.of(end)) {
            match end {
                End::Client => delays.client_ns = b,
                End::Server => delays.server_ns = b,
            }
            delays.measured[k] = true;
            delays.calls += 1;
        }
    }
    if delays != model.delays {
        model.retime(delays);
    }
    for (cc, frames) in calls {
        let mut t = cc.call.t_shown_ns() - model.start_ns;
        if let Some(first) = first_caused(model, &cc, &frames) {
            t = t.min(first - 1);
        }
        model.add_side_note(cc.end, t, note_text(&cc, &frames));
    }
}

/// For a call without an entry time that acts on the network (a send, a connect): when the
/// first frame it made left its end. Such a call (a synthetic lesson's, or a lesson's
/// recorded before calls kept entry times) has only the time it returned, which on loopback
/// is after the segments it sent and, for the sender's next call, after the peer's answer
/// to them; the call was entered before its first frame left, so its mark is drawn no later
/// (the client's send above the server's reply to it, not below). Calls with entry times
/// are shown there: `None`.
fn first_caused(model: &LadderModel, cc: &ConnCall<'_>, frames: &BTreeSet<u64>) -> Option<i64> {
    if cc.call.t_enter_ns.is_some() {
        return None;
    }
    let from_end = model.rows.iter().filter(|r| r.from == cc.end);
    if cc.call.call.sends_data() {
        return from_end
            .filter(|r| frames.contains(&r.number))
            .map(|r| r.depart_ns)
            .min();
    }
    if cc.call.call == CallKind::Connect {
        return from_end
            .filter(|r| r.flags.has(TcpFlags::SYN) && !r.flags.has(TcpFlags::ACK))
            .map(|r| r.depart_ns)
            .min();
    }
    None
}

/// The longest each side's delay (client, server) can be by the calls: the bytes of a
/// send() cannot leave before the call was entered (bound: its first frame's capture minus
/// the entry), and a receive cannot return bytes, or the end of the stream, that have not
/// arrived (bound: its return minus the capture of the frame that brought the last of
/// them). Sends without an entry time bound nothing; bounds that are not positive (clocks
/// that disagree) are left out.
fn delay_bounds(model: &LadderModel, calls: &[(ConnCall<'_>, BTreeSet<u64>)]) -> [Option<i64>; 2] {
    let mut out: [Option<i64>; 2] = [None, None];
    let mut bound = |end: End, ns: i64| {
        if ns > 0 {
            let b = &mut out[end.index()];
            *b = Some(b.map_or(ns, |v| v.min(ns)));
        }
    };
    let captured = |n: u64| model.rows.iter().find(|r| r.number == n).map(|r| r.t_ns);
    for (cc, frames) in calls {
        let c = cc.call;
        let t = c.t_shown_ns() - model.start_ns;
        if c.call.sends_data() && c.t_enter_ns.is_some() {
            if let Some(first) = frames.iter().filter_map(|&n| captured(n)).min() {
                bound(cc.end, first - t);
            }
        } else if c.call.receives_data() && c.result == "ok" {
            let delivered = model
                .rows
                .iter()
                .filter(|r| r.from != cc.end && r.arrive_ns.is_some());
            let brought = match cc.span() {
                // Relative sequence numbers count the SYN: stream offset o is seq o + 1.
                Some((_, end)) => delivered
                    .filter(|r| {
                        let s = u64::from(r.seq).saturating_sub(1);
                        s < end && s + u64::from(r.len) >= end
                    })
                    .map(|r| r.t_ns)
                    .min(),
                None if model.is_tcp() && c.bytes == 0 => delivered
                    .filter(|r| r.flags.has(TcpFlags::FIN))
                    .map(|r| r.t_ns)
                    .min(),
                None if model.is_tcp() => None,
                None => delivered
                    .filter(|r| u64::from(r.len) == c.bytes && r.t_ns <= t)
                    .map(|r| r.t_ns)
                    .max(),
            };
            if let Some(at) = brought {
                bound(cc.end, t - at);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::FlowProto;
    use crate::ladder::model::SideNote;

    /// A shipped lesson capture's ladder with its calls trace.
    fn ladder_with_calls(name: &str) -> LadderModel {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/captures/");
        let path = std::path::PathBuf::from(format!("{dir}{name}.pcap"));
        let got = crate::ladder::collect(&path, FlowProto::Tcp, 0).unwrap();
        let mut model = LadderModel::build(got.info.unwrap(), &got.seen);
        let trace = crate::calls::read_beside(&path).unwrap().unwrap();
        add_call_notes(&mut model, &trace);
        model
    }

    fn notes(model: &LadderModel, end: End) -> Vec<&str> {
        model
            .side_notes
            .iter()
            .filter(|n| n.end == end)
            .map(|n| n.text.as_str())
            .collect()
    }

    /// The first frame number a send's mark names (`send(15) → frame 4`, `→ frames 6-8`).
    fn first_frame_named(text: &str) -> Option<u64> {
        let after = text
            .split_once("→ frame")?
            .1
            .trim_start_matches('s')
            .trim_start();
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    }

    #[test]
    fn every_lessons_sends_and_connects_are_drawn_before_the_frames_they_made() {
        // A lesson's trace has only return times; on loopback a send returns after its
        // segment (and after the peer's reply to it), a connect after the handshake.
        let mut sends = 0;
        for (path, m) in crate::ladder::lesson_ladders() {
            let depart = |end: End, n: u64| {
                m.rows
                    .iter()
                    .find(|r| r.number == n && r.from == end)
                    .map(|r| r.depart_ns)
            };
            for n in &m.side_notes {
                let made = if n.text.starts_with("connect(") {
                    m.rows
                        .iter()
                        .find(|r| r.from == n.end && r.flags.has(TcpFlags::SYN))
                        .map(|r| r.depart_ns)
                } else if n.text.starts_with("send(") {
                    sends += 1;
                    first_frame_named(&n.text).and_then(|f| depart(n.end, f))
                } else {
                    None
                };
                if let Some(d) = made {
                    assert!(
                        n.t_ns < d,
                        "{}: {n:?} drawn at or after its frame ({d})",
                        path.display()
                    );
                }
            }
        }
        assert!(sends >= 50, "{sends} sends checked");
    }

    #[test]
    fn a_marks_first_frame_is_read_from_its_words() {
        assert_eq!(first_frame_named("send(15) → frame 4"), Some(4));
        assert_eq!(first_frame_named("send(9000) → frames 6-8"), Some(6));
        assert_eq!(first_frame_named("send(3) → frames 7, 9"), Some(7));
        assert_eq!(first_frame_named("send(3) → no frame captured"), None);
    }

    #[test]
    fn the_sticky_lessons_sends_name_the_segments_tshark_shows_them_in() {
        // tshark -r captures/sticky.pcap: frame 4 carries seq 1 len 5, frame 6 seq 6 len 71
        // (the seven later sends glued by Nagle), FINs 8 and 9.
        let m = ladder_with_calls("sticky");
        assert_eq!(
            notes(&m, End::Client),
            [
                "connect()",
                "send(5) → frame 4",
                "send(12) → frame 6",
                "send(12) → frame 6",
                "send(16) → frame 6",
                "send(13) → frame 6",
                "send(13) → frame 6",
                "send(3) → frame 6",
                "send(2) → frame 6",
                "close()",
            ]
        );
        assert_eq!(
            notes(&m, End::Server),
            [
                "accept()",
                "setsockopt(TCP_QUICKACK 0 (delayed ACKs))",
                "recv → 76 bytes",
                "recv → 0 (end of stream)",
                "close()",
            ]
        );
        // Each send's mark is on the time line no later than the segment it made.
        let frame6 = m.rows.iter().find(|r| r.number == 6).unwrap();
        for n in m.side_notes.iter().filter(|n| n.text.starts_with("send(")) {
            assert!(n.t_ns <= frame6.t_ns, "{n:?}");
        }
    }

    #[test]
    fn a_call_before_the_first_packet_is_drawn_below_the_header_and_exported() {
        use crate::ladder::layout::{Geometry, HEADER};
        // The lesson's connect() is noted at its SYN's time; a traced program's is entered
        // before its SYN leaves (here 3 ms before).
        let mut m = ladder_with_calls("sticky");
        let at = m
            .side_notes
            .iter()
            .position(|n| n.text == "connect()")
            .unwrap();
        let connect = m.side_notes.remove(at);
        let t = m.rows[0].t_ns - 3_000_000;
        m.add_side_note(connect.end, t, connect.text);
        for expanded in [&[][..], &[0][..]] {
            let g = Geometry::new(&m, 900.0, 28.0, expanded);
            let line_h = crate::figure::text_height(crate::ladder::layout::FONT);
            let text = g.side.iter().find(|s| s.text == "connect()").unwrap();
            // Drawn centred on y_text: its whole line is below the header, and the mark
            // touches the client's line above the SYN's departure.
            assert!(text.y_text - line_h * 0.5 >= HEADER, "{text:?}");
            assert!(
                text.y_touch >= HEADER && text.y_touch <= g.knots[0],
                "{text:?}"
            );
            for s in &g.side {
                assert!(s.y_text - line_h * 0.5 >= HEADER, "{s:?} under the header");
            }
        }
        for out in [
            crate::ladder::export::mermaid(&m, false),
            crate::ladder::export::plantuml(&m, false),
            crate::ladder::export::mermaid(&m, true),
        ] {
            let connect = out.find("connect()").expect("connect() exported");
            let syn = out.find("[1]").expect("the SYN's arrow");
            assert!(connect < syn, "connect() comes before the SYN:\n{out}");
            // Every call of the trace is in the text, the glued sends inside a run too.
            assert_eq!(out.matches("send(").count(), 8, "{out}");
            assert_eq!(out.matches("close()").count(), 2, "{out}");
        }
    }

    #[test]
    fn the_multiplex_lessons_readiness_calls_are_marks_on_the_servers_line() {
        // captures/multiplex.pcap, stream 0 (client1): the server's epoll_wait naming the
        // connection's socket comes before each of its receives on it.
        let m = ladder_with_calls("multiplex");
        let server = notes(&m, End::Server);
        let waits = server
            .iter()
            .filter(|n| n.starts_with("epoll_wait"))
            .count();
        let recvs = server.iter().filter(|n| n.starts_with("recv")).count();
        assert_eq!(recvs, 3, "two requests and the end of stream: {server:?}");
        assert_eq!(waits, recvs, "{server:?}");
        for (i, n) in server
            .iter()
            .enumerate()
            .filter(|(_, n)| n.starts_with("recv"))
        {
            assert!(
                server[i - 1].starts_with("epoll_wait → ready (in"),
                "{server:?}"
            );
            let _ = n;
        }
        assert!(server.contains(&"epoll_ctl(ADD)"), "{server:?}");
        assert!(server.contains(&"epoll_ctl(DEL)"), "{server:?}");
    }

    #[test]
    fn a_refused_connect_is_on_its_own_connections_ladder() {
        // A program connecting twice to a port nobody listens on, under `synack run`: each
        // connect() fails with ECONNREFUSED, its socket named 0.0.0.0:PORT → 127.0.0.1:9.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let path = &root.join("tests/captures/run/refused-twice.pcap");
        let trace = crate::calls::read_beside(path).unwrap().unwrap();
        let ports: Vec<&str> = trace
            .calls
            .iter()
            .filter(|c| c.call == CallKind::Connect)
            .map(|c| c.local.as_str())
            .collect();
        assert_eq!(ports, ["0.0.0.0:60850", "0.0.0.0:60854"]);
        for (stream, port) in [(0, 60850), (1, 60854)] {
            let got = crate::ladder::collect(path, FlowProto::Tcp, stream).unwrap();
            let info = got.info.unwrap();
            assert_eq!(info.client, format!("127.0.0.1:{port}"));
            let mut m = LadderModel::build(info, &got.seen);
            add_call_notes(&mut m, &trace);
            assert_eq!(
                notes(&m, End::Client),
                ["connect → ECONNREFUSED", "close()"],
                "stream {stream}"
            );
            // The connect() was entered before its SYN left and returned after the RST.
            let connect = &m.side_notes[0];
            assert!(connect.t_ns <= m.rows[0].depart_ns, "{connect:?}");
        }
    }

    #[test]
    fn a_runs_calls_bound_the_travel_times_so_nothing_is_received_before_it_arrives() {
        // `synack run` of the course's UDP chat: four datagrams, each sent by a traced
        // sendto() and returned by a recvfrom() of the other side, in turn. The datagrams
        // alone (each may answer the one before it) allow 0.079 ms from the capture point to
        // the server, which drew the server's first recvfrom (0.072 ms after frame 1) before
        // frame 1 had arrived.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let path = &root.join("tests/captures/run/udp-chat.pcap");
        let trace = crate::calls::read_beside(path).unwrap().unwrap();
        let got = crate::ladder::collect(path, FlowProto::Udp, 0).unwrap();
        let plain = LadderModel::build(got.info.unwrap(), &got.seen);
        let mut m = plain.clone();
        add_call_notes(&mut m, &trace);
        assert_eq!(m.rows.len(), 4);
        let calls = |m: &LadderModel, name: &str| -> Vec<SideNote> {
            let notes = m.side_notes.iter();
            notes
                .filter(|n| n.text.starts_with(name))
                .cloned()
                .collect()
        };
        let recvs = calls(&m, "recvfrom");
        let sends = calls(&m, "sendto");
        assert_eq!((recvs.len(), sends.len()), (4, 4), "{:?}", m.side_notes);
        assert!(
            plain.rows[0].reach_ns > recvs[0].t_ns,
            "the capture alone: {:?}",
            plain.delays
        );
        // Datagram k was sent by send k and returned by recv k, on the other side.
        for ((r, send), recv) in m.rows.iter().zip(&sends).zip(&recvs) {
            assert_eq!((send.end, recv.end), (r.from, r.from.other()));
            assert!(
                send.t_ns <= r.depart_ns,
                "frame {}: {send:?} {r:?}",
                r.number
            );
            assert!(
                r.reach_ns <= recv.t_ns,
                "frame {}: {recv:?} {r:?}",
                r.number
            );
        }
        // Still no datagram leaves before the one it may answer arrived.
        for w in m.rows.windows(2) {
            assert!(w[1].depart_ns >= w[0].reach_ns, "{:?}", m.delays);
        }
        assert!(m.delays.calls > 0 && m.delays.measured == [true, true]);
        let note = crate::ladder::words::delays_note(&m.delays, true);
        assert!(note.contains("programs' calls bound"), "{note}");
    }

    #[test]
    fn frame_numbers_are_written_as_ranges() {
        let set = |v: &[u64]| v.iter().copied().collect::<BTreeSet<u64>>();
        assert_eq!(frame_ranges(&set(&[4])), "4");
        assert_eq!(frame_ranges(&set(&[4, 5, 6, 9, 11, 12])), "4-6, 9, 11-12");
    }

    #[test]
    fn calls_of_other_connections_and_failures_are_told_apart() {
        let client: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let server: SocketAddr = "127.0.0.1:7000".parse().unwrap();
        let mut trace = CallTrace::default();
        let mut call = |actor: &str, kind, local: &str, remote: &str, bytes, result: &str| {
            let mut c = Call::new(0, actor, 1, kind);
            c.local = local.into();
            c.remote = remote.into();
            c.bytes = bytes;
            c.result = result.into();
            trace.calls.push(c);
        };
        call(
            "client",
            CallKind::Send,
            "127.0.0.1:5000",
            "127.0.0.1:7000",
            0,
            "EAGAIN",
        );
        call(
            "client2",
            CallKind::Send,
            "127.0.0.1:5001",
            "127.0.0.1:7000",
            4,
            "ok",
        );
        call(
            "server",
            CallKind::Recv,
            "127.0.0.1:7000",
            "127.0.0.1:5000",
            0,
            "ECONNRESET",
        );
        call(
            "client",
            CallKind::Send,
            "127.0.0.1:5000",
            "127.0.0.1:7000",
            3,
            "ok",
        );
        let got = connection_calls(&trace, client, server);
        let seen: Vec<(usize, End, usize)> =
            got.iter().map(|c| (c.index, c.end, c.ordinal)).collect();
        // client2's socket is another connection; the client's sends are numbered 1, 2.
        assert_eq!(
            seen,
            [
                (0, End::Client, 1),
                (2, End::Server, 1),
                (3, End::Client, 2)
            ]
        );
        let none = BTreeSet::new();
        assert_eq!(note_text(&got[0], &none), "send(0) → EAGAIN");
        assert_eq!(note_text(&got[1], &none), "recv → ECONNRESET");
        assert_eq!(note_text(&got[2], &none), "send(3) → no frame captured");
    }
}
