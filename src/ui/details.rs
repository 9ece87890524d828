//! Packet details: a tree per layer whose fields know their bytes, and the hex + ASCII pane.
//!
//! Selecting a field highlights its bytes; clicking a byte selects the smallest field that
//! covers it (Wireshark's two-way link). The tree is built once per selected packet.

use std::fmt::Write as _;
use std::ops::Range;

use egui::{Color32, RichText};

use std::collections::HashMap;

use crate::analysis::{Config, Connection, FlowProto, TcpAnnotation};
use crate::capture::Frame;
use crate::decode::{LinkInfo, Net, Packet, TcpOption, Transport};
use crate::pipeline::Pipeline;
use crate::stream::follow::{
    frame_connection, frame_events, FollowLimits, Follower, FramingChoice, StickyEvent,
};

use super::columns;
use super::store::{RowAnalysis, StoreData};
use super::wire::WireCache;

/// One line of the details tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Text shown.
    pub text: String,
    /// Bytes of the frame this line describes.
    pub range: Option<Range<usize>>,
    /// Sub-lines.
    pub children: Vec<Node>,
}

impl Node {
    fn leaf(text: impl Into<String>, range: Option<Range<usize>>) -> Node {
        Node {
            text: text.into(),
            range,
            children: Vec::new(),
        }
    }

    fn at(text: impl Into<String>, base: usize, r: Range<usize>, limit: usize) -> Node {
        let s = (base + r.start).min(limit);
        let e = (base + r.end).min(limit);
        Node::leaf(text, (s < e).then_some(s..e))
    }

    /// All lines in depth-first order (for tests and text export).
    pub fn flatten<'a>(&'a self, out: &mut Vec<&'a Node>) {
        out.push(self);
        for c in &self.children {
            c.flatten(out);
        }
    }
}

fn be16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(at)?, *d.get(at + 1)?]))
}

fn mac(m: &[u8]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Builds the tree of one packet.
pub fn build_tree(
    frame: &Frame<'_>,
    p: &Packet,
    a: &RowAnalysis,
    rich: Option<&TcpAnnotation>,
    conn: Option<&Connection>,
    data: &StoreData,
) -> Vec<Node> {
    let n = frame.data.len();
    let mut out = Vec::new();
    let mut fr = Node::leaf(
        format!(
            "Frame {}: {} bytes on wire, {} bytes captured",
            frame.number,
            frame.len,
            frame.data.len()
        ),
        Some(0..n),
    );
    if let Some(ts) = frame.ts {
        fr.children.push(Node::leaf(
            format!("Arrival time: {} UTC", columns::absolute_time(ts)),
            None,
        ));
        if let Some(t0) = data.first_ts {
            fr.children.push(Node::leaf(
                format!(
                    "Time since first frame: {} s",
                    columns::seconds_between(t0, ts)
                ),
                None,
            ));
        }
    }
    fr.children
        .push(Node::leaf(format!("Link type: {:?}", frame.link), None));
    if p.truncated {
        fr.children.push(Node::leaf(
            "Truncated: frame cut by the snapshot length",
            None,
        ));
    }
    if let Some(m) = &p.malformed {
        fr.children
            .push(Node::leaf(format!("Malformed: {m}"), None));
    }
    out.push(fr);

    // Link layer.
    let net_start = p.offsets.net.map_or(n, |o| o as usize);
    match &p.link {
        LinkInfo::Ethernet {
            src,
            dst,
            ether_type,
        } => {
            let mut l = Node::leaf(
                format!("Ethernet II, Src: {}, Dst: {}", mac(src), mac(dst)),
                Some(0..14.min(n)),
            );
            l.children
                .push(Node::at(format!("Destination: {}", mac(dst)), 0, 0..6, n));
            l.children
                .push(Node::at(format!("Source: {}", mac(src)), 0, 6..12, n));
            l.children
                .push(Node::at(format!("Type: 0x{ether_type:04x}"), 0, 12..14, n));
            out.push(l);
            // VLAN tags follow the Ethernet header, 4 bytes each.
            for (i, id) in p.vlan.as_slice().iter().enumerate() {
                let base = 14 + 4 * i;
                let mut v = Node::at(format!("802.1Q Virtual LAN, ID: {id}"), base, 0..4, n);
                if let Some(tci) = be16(frame.data, base) {
                    v.children
                        .push(Node::at(format!("Priority: {}", tci >> 13), base, 0..2, n));
                    v.children
                        .push(Node::at(format!("ID: {}", tci & 0x0fff), base, 0..2, n));
                }
                if let Some(t) = be16(frame.data, base + 2) {
                    v.children
                        .push(Node::at(format!("Type: 0x{t:04x}"), base, 2..4, n));
                }
                out.push(v);
            }
        }
        other => {
            out.push(Node::leaf(
                format!("Link: {other:?}"),
                (net_start > 0).then_some(0..net_start.min(n)),
            ));
        }
    }

    // Network layer.
    match &p.net {
        Net::Ip(ip) => {
            let b = net_start;
            let hl = ip.header_len as usize;
            let mut l = Node::at(
                format!(
                    "Internet Protocol Version {}, Src: {}, Dst: {}",
                    ip.version, ip.src, ip.dst
                ),
                b,
                0..hl,
                n,
            );
            if ip.version == 4 {
                l.children
                    .push(Node::at(format!("Header length: {hl} bytes"), b, 0..1, n));
                l.children.push(Node::at(
                    format!("Total length: {}", ip.total_len),
                    b,
                    2..4,
                    n,
                ));
                l.children.push(Node::at(
                    format!("Identification: 0x{:04x}", ip.ident),
                    b,
                    4..6,
                    n,
                ));
                l.children.push(Node::at(
                    format!(
                        "Flags: DF={} MF={}, fragment offset {}",
                        u8::from(ip.dont_fragment),
                        u8::from(ip.more_fragments),
                        ip.frag_offset
                    ),
                    b,
                    6..8,
                    n,
                ));
                l.children
                    .push(Node::at(format!("Time to live: {}", ip.ttl), b, 8..9, n));
                l.children
                    .push(Node::at(format!("Protocol: {}", ip.protocol), b, 9..10, n));
                l.children
                    .push(Node::at(format!("Source: {}", ip.src), b, 12..16, n));
                l.children
                    .push(Node::at(format!("Destination: {}", ip.dst), b, 16..20, n));
                if ip.options_len > 0 {
                    l.children.push(Node::at(
                        format!("Options: {} bytes", ip.options_len),
                        b,
                        20..hl,
                        n,
                    ));
                }
            } else {
                l.children.push(Node::at(
                    format!("Payload length: {}", ip.total_len.saturating_sub(40)),
                    b,
                    4..6,
                    n,
                ));
                l.children.push(Node::at(
                    format!("Next header: {}", ip.protocol),
                    b,
                    6..7,
                    n,
                ));
                l.children
                    .push(Node::at(format!("Hop limit: {}", ip.ttl), b, 7..8, n));
                l.children
                    .push(Node::at(format!("Source: {}", ip.src), b, 8..24, n));
                l.children
                    .push(Node::at(format!("Destination: {}", ip.dst), b, 24..40, n));
                if ip.ext_count > 0 {
                    l.children.push(Node::at(
                        format!("Extension headers: {:?}", ip.extension_headers()),
                        b,
                        40..hl,
                        n,
                    ));
                }
            }
            out.push(l);
        }
        Net::Arp(arp) => {
            let mut l = Node::at("Address Resolution Protocol", net_start, 0..28, n);
            l.children.push(Node::at(
                format!("Opcode: {}", arp.operation),
                net_start,
                6..8,
                n,
            ));
            if let Some(m) = arp.sender_mac {
                l.children.push(Node::at(
                    format!("Sender MAC: {}", mac(&m)),
                    net_start,
                    8..14,
                    n,
                ));
            }
            if let Some(ip) = arp.sender_ip {
                l.children
                    .push(Node::at(format!("Sender IP: {ip}"), net_start, 14..18, n));
            }
            if let Some(ip) = arp.target_ip {
                l.children
                    .push(Node::at(format!("Target IP: {ip}"), net_start, 24..28, n));
            }
            out.push(l);
        }
        Net::Other { ether_type } => {
            out.push(Node::leaf(
                format!("EtherType 0x{ether_type:04x} (not decoded)"),
                None,
            ));
        }
        Net::None => {}
    }

    // Transport layer.
    let tb = p.offsets.transport.map_or(n, |o| o as usize);
    match &p.transport {
        Transport::Tcp(t) => {
            let hl = t.header_len as usize;
            let mut l = Node::at(
                format!(
                    "Transmission Control Protocol, Src Port: {}, Dst Port: {}, Len: {}",
                    t.sport, t.dport, t.len
                ),
                tb,
                0..hl,
                n,
            );
            let (rseq, rack) = a.tcp.map_or((t.seq, t.ack), |x| (x.seq, x.ack));
            l.children
                .push(Node::at(format!("Source port: {}", t.sport), tb, 0..2, n));
            l.children.push(Node::at(
                format!("Destination port: {}", t.dport),
                tb,
                2..4,
                n,
            ));
            if let Some(flow) = a.flow {
                l.children
                    .push(Node::leaf(format!("Stream index: {}", flow.stream), None));
            }
            l.children.push(Node::at(
                format!("Sequence number: {rseq} (relative), raw {}", t.seq),
                tb,
                4..8,
                n,
            ));
            if let Some(x) = a.tcp {
                l.children.push(Node::leaf(
                    format!("Next sequence number: {} (relative)", x.next_seq),
                    None,
                ));
            }
            l.children.push(Node::at(
                format!("Acknowledgment number: {rack} (relative), raw {}", t.ack),
                tb,
                8..12,
                n,
            ));
            l.children.push(Node::at(
                format!("Header length: {hl} bytes"),
                tb,
                12..13,
                n,
            ));
            l.children.push(Node::at(
                format!("Flags: 0x{:03x} [{}]", t.flags.0, t.flags.names()),
                tb,
                12..14,
                n,
            ));
            let win = a.tcp.map_or(u32::from(t.window), |x| x.window);
            l.children.push(Node::at(
                format!("Window: {} (calculated window size {win})", t.window),
                tb,
                14..16,
                n,
            ));
            l.children.push(Node::at(
                format!("Checksum: 0x{:04x}", t.checksum),
                tb,
                16..18,
                n,
            ));
            l.children.push(Node::at(
                format!("Urgent pointer: {}", t.urgent),
                tb,
                18..20,
                n,
            ));
            if t.options.len > 0 {
                let os = t.options.start as usize;
                let mut opts = Node::leaf(
                    format!("Options: {} bytes", t.options.len),
                    Some(os.min(n)..(os + t.options.len as usize).min(n)),
                );
                for (o, r) in
                    options_with_ranges(frame.data, os, t.options.len as usize, t.options.cut)
                {
                    opts.children.push(Node::leaf(option_text(&o), Some(r)));
                }
                l.children.push(opts);
            }
            if t.len > 0 {
                if let Some(ps) = p.offsets.payload {
                    let ps = ps as usize;
                    l.children.push(Node::leaf(
                        format!("TCP payload: {} bytes", t.len),
                        Some(ps.min(n)..(ps + t.len as usize).min(n)),
                    ));
                }
            }
            out.push(l);
            // synack's own findings first: they are what a learner opens the details for.
            out.insert(0, analysis_node(a, rich, conn));
        }
        Transport::Udp(u) => {
            let mut l = Node::at(
                format!(
                    "User Datagram Protocol, Src Port: {}, Dst Port: {}",
                    u.sport, u.dport
                ),
                tb,
                0..8,
                n,
            );
            l.children
                .push(Node::at(format!("Source port: {}", u.sport), tb, 0..2, n));
            l.children.push(Node::at(
                format!("Destination port: {}", u.dport),
                tb,
                2..4,
                n,
            ));
            l.children
                .push(Node::at(format!("Length: {}", u.len + 8), tb, 4..6, n));
            l.children.push(Node::at("Checksum", tb, 6..8, n));
            if let Some(flow) = a.flow {
                l.children
                    .push(Node::leaf(format!("Stream index: {}", flow.stream), None));
            }
            if let Some(ps) = p.offsets.payload {
                let ps = ps as usize;
                l.children.push(Node::leaf(
                    format!("UDP payload: {} bytes", u.len),
                    Some(ps.min(n)..(ps + u.len as usize).min(n)),
                ));
            }
            out.push(l);
        }
        Transport::Icmp(i) | Transport::Icmpv6(i) => {
            let v6 = matches!(p.transport, Transport::Icmpv6(_));
            let mut l = Node::at(
                format!(
                    "{}: {}",
                    if v6 { "ICMPv6" } else { "ICMP" },
                    crate::decode::icmp_summary(v6, *i)
                ),
                tb,
                0..n.saturating_sub(tb),
                n,
            );
            l.children
                .push(Node::at(format!("Type: {}", i.icmp_type), tb, 0..1, n));
            l.children
                .push(Node::at(format!("Code: {}", i.code), tb, 1..2, n));
            out.push(l);
        }
        Transport::Fragment { protocol } => {
            out.push(Node::leaf(
                format!("IP fragment of protocol {protocol}; the header is in the first fragment"),
                None,
            ));
        }
        Transport::Other { protocol } => {
            out.push(Node::leaf(
                format!("IP protocol {protocol} (not decoded)"),
                None,
            ));
        }
        Transport::None => {}
    }
    out
}

/// The "Analysis" section: flags with reasons, events, both sides' states, the connection.
fn analysis_node(a: &RowAnalysis, rich: Option<&TcpAnnotation>, conn: Option<&Connection>) -> Node {
    let mut l = Node::leaf("Analysis (synack)", None);
    if let Some(r) = rich {
        for t in r.tags.as_slice() {
            l.children.push(Node::leaf(
                format!(
                    "{}: {}  (tcp.analysis.{})",
                    columns::tag_marker(t.flag, t.info.frame, t.info.num),
                    t.reason(),
                    t.flag.name()
                ),
                None,
            ));
        }
        for e in r.events.as_slice() {
            l.children.push(Node::leaf(
                format!("Event: {} ({})", columns::event_text(e), e.describe()),
                None,
            ));
        }
    }
    if a.tcp.is_some_and(|t| t.flags.0 == 0) && rich.is_none_or(|r| r.tags.is_empty()) {
        l.children.push(Node::leaf("No analysis flags", None));
    }
    if let Some(t) = a.tcp {
        l.children.push(Node::leaf(
            format!(
                "State after this packet: client {} · server {}",
                t.states[0].name(),
                t.states[1].name()
            ),
            None,
        ));
    }
    if let (Some(c), Some(f)) = (conn, a.flow) {
        let mut cn = Node::leaf(
            format!(
                "Connection {}: {} <-> {} ({}), this packet {}",
                c.stream,
                crate::analysis::endpoint_string(c.originator),
                crate::analysis::endpoint_string(c.responder),
                c.zeek_state(),
                match f.direction {
                    crate::analysis::Direction::ClientToServer => "client to server",
                    crate::analysis::Direction::ServerToClient => "server to client",
                }
            ),
            None,
        );
        cn.children
            .push(Node::leaf(format!("History: {}", c.history()), None));
        if let Some(rtt) = c.handshake_rtt_ms() {
            cn.children
                .push(Node::leaf(format!("Handshake RTT: {rtt:.3} ms"), None));
        }
        if let Some(cp) = c.close_pattern() {
            cn.children
                .push(Node::leaf(format!("Close: {}", cp.name()), None));
        }
        l.children.push(cn);
    }
    l
}

/// The SEQ/ACK analysis lines of the packet at store index `index`, as Wireshark words them.
fn wire_lines(wire: &WireCache, index: usize) -> Vec<Node> {
    if wire.too_long() {
        return vec![Node::leaf(
            "Bytes in flight and ACK RTT: connection too long to analyse on selection; use `synack read --json`",
            None,
        )];
    }
    let a = wire.get(index);
    let mut out = Vec::new();
    if let Some(f) = a.acks_frame {
        out.push(Node::leaf(
            format!("This is an ACK to the segment in frame: {f}  (tcp.analysis.acks_frame)"),
            None,
        ));
    }
    if let Some(ns) = a.ack_rtt() {
        out.push(Node::leaf(
            format!(
                "The RTT to ACK the segment was: {} seconds  (tcp.analysis.ack_rtt)",
                columns::seconds_text(ns)
            ),
            None,
        ));
    }
    if let Some(b) = a.bytes_in_flight {
        out.push(Node::leaf(
            format!("Bytes in flight: {b}  (tcp.analysis.bytes_in_flight)"),
            None,
        ));
    }
    out
}

fn option_text(o: &TcpOption<'_>) -> String {
    match o {
        TcpOption::Mss(v) => format!("Maximum segment size: {v} bytes"),
        TcpOption::WindowScale(v) => {
            format!("Window scale: {v} (multiply by {})", 1u32 << (*v).min(14))
        }
        TcpOption::SackPermitted => "SACK permitted".into(),
        TcpOption::Timestamp { value, echo } => format!("Timestamps: TSval {value}, TSecr {echo}"),
        TcpOption::Nop => "No-Operation (NOP)".into(),
        TcpOption::EndOfList => "End of Option List (EOL)".into(),
        TcpOption::Sack(b) => {
            let mut s = String::from("SACK:");
            for blk in b.chunks_exact(8) {
                let l = u32::from_be_bytes([blk[0], blk[1], blk[2], blk[3]]);
                let r = u32::from_be_bytes([blk[4], blk[5], blk[6], blk[7]]);
                let _ = write!(s, " {l}-{r}");
            }
            s
        }
        other => other.describe(),
    }
}

/// Pairs each TCP option with its byte range in the frame by walking the option bytes the
/// same way the decoder does (kind, then length for everything but EOL and NOP).
pub fn options_with_ranges(
    frame: &[u8],
    start: usize,
    len: usize,
    cut: bool,
) -> Vec<(TcpOption<'_>, Range<usize>)> {
    let s = start.min(frame.len());
    let e = (start + len).min(frame.len());
    let bytes = &frame[s..e];
    let mut pos = 0usize;
    let mut out = Vec::new();
    for o in crate::decode::TcpOptionIter::new(bytes, cut) {
        let size = match o {
            TcpOption::EndOfList => bytes.len() - pos,
            TcpOption::Nop => 1,
            TcpOption::Malformed { .. } | TcpOption::Cut { .. } => bytes.len() - pos,
            _ => bytes
                .get(pos + 1)
                .map_or(bytes.len() - pos, |&l| l as usize),
        };
        let end = (pos + size).min(bytes.len());
        out.push((o, s + pos..s + end));
        pos = end;
        if pos >= bytes.len() {
            break;
        }
    }
    out
}

/// The smallest node range that contains `offset`.
pub fn field_at(nodes: &[Node], offset: usize) -> Option<Range<usize>> {
    let mut best: Option<Range<usize>> = None;
    let mut all = Vec::new();
    for n in nodes {
        n.flatten(&mut all);
    }
    for n in all {
        if let Some(r) = &n.range {
            if r.contains(&offset) && best.as_ref().is_none_or(|b| r.len() < b.len()) {
                best = Some(r.clone());
            }
        }
    }
    best
}

/// Connections larger than this are not reassembled on selection (it would stall a frame).
const MAX_FOLLOW_PACKETS: usize = 200_000;

/// The application messages of one TCP connection, per frame: reassembled and framed when
/// the connection is first selected, then kept until another connection is.
#[derive(Debug, Default)]
struct MessagesCache {
    stream: Option<u32>,
    framing: String,
    events: HashMap<u64, Vec<StickyEvent>>,
    skipped: Option<String>,
}

impl MessagesCache {
    /// Reassembles and frames TCP stream `stream` from the store: the connection's frames go
    /// through a fresh engine (where it is stream 0) and the stream module's follower.
    fn compute(data: &StoreData, stream: u32) -> MessagesCache {
        let mut cache = MessagesCache {
            stream: Some(stream),
            ..MessagesCache::default()
        };
        let indices = data.connection_frames(FlowProto::Tcp, stream);
        if indices.len() > MAX_FOLLOW_PACKETS {
            cache.skipped = Some(format!(
                "connection too large to reassemble on selection ({} packets); use `synack stream`",
                indices.len()
            ));
            return cache;
        }
        let mut pipeline = Pipeline::new(Config::default())
            .following(Follower::new(Some(0), FollowLimits::default()));
        for &i in indices {
            if let Some((frame, packet)) = data.packet(i as usize) {
                pipeline.decoded(&frame, &packet);
            }
        }
        let (_, follower) = pipeline.finish();
        if let Some(conn) = follower.as_ref().and_then(|f| f.get(0)) {
            let msgs = frame_connection(conn, FramingChoice::Auto);
            cache.framing = msgs.framing.to_string();
            frame_events(conn, &msgs, &mut cache.events);
        }
        cache
    }

    /// The "Messages" node of one frame.
    fn node(&self, frame: u64) -> Node {
        if let Some(why) = &self.skipped {
            return Node::leaf(format!("Messages: {why}"), None);
        }
        let mut n = Node::leaf(
            format!("Messages in this segment (framing: {})", self.framing),
            None,
        );
        match self.events.get(&frame) {
            Some(evs) if !evs.is_empty() => {
                for e in evs {
                    n.children.push(Node::leaf(e.describe(), None));
                }
            }
            _ => n
                .children
                .push(Node::leaf("no message boundary in this segment", None)),
        }
        n
    }
}

/// The details view: caches the tree of the selected packet.
#[derive(Debug, Default)]
pub struct DetailsView {
    /// Store index the cached tree belongs to, and whether a replay cursor cut it.
    cached: Option<usize>,
    cached_replay: bool,
    /// Tree of the selected packet.
    pub nodes: Vec<Node>,
    /// Bytes of the selected packet (copied: small, and the hex pane needs them each frame).
    pub bytes: Vec<u8>,
    messages: MessagesCache,
    wire: WireCache,
}

impl DetailsView {
    /// Rebuilds the tree when the selected packet changed.
    /// During a replay (`until` set) the connection summary, which describes the whole
    /// capture, is left out so the details show nothing from after the cursor.
    pub fn sync(&mut self, data: &StoreData, selected: Option<usize>, until: Option<usize>) {
        let replay = until.is_some();
        if self.cached == selected
            && self.cached_replay == replay
            && (selected.is_none() || !self.nodes.is_empty())
        {
            return;
        }
        self.cached = selected;
        self.cached_replay = replay;
        self.nodes.clear();
        self.bytes.clear();
        let Some(idx) = selected else {
            return;
        };
        let Some((frame, packet)) = data.packet(idx) else {
            return;
        };
        let a = data.analysis(idx);
        let conn = a
            .flow
            .and_then(|f| data.connection(f.proto, f.stream))
            .filter(|_| !replay);
        self.nodes = build_tree(&frame, &packet, &a, data.rich(idx).as_ref(), conn, data);
        self.bytes = frame.data.to_vec();
        if let Some(f) = a.flow.filter(|f| f.proto == FlowProto::Tcp) {
            self.wire.sync(data, f.stream);
            let lines = wire_lines(&self.wire, idx);
            if let Some(analysis) = self
                .nodes
                .iter_mut()
                .find(|n| n.text.starts_with("Analysis"))
            {
                // After the flags and events, before the states and the connection.
                let at = analysis
                    .children
                    .iter()
                    .position(|n| n.text.starts_with("State after"))
                    .unwrap_or(analysis.children.len());
                analysis.children.splice(at..at, lines);
            }
        }
        // Messages need the whole connection; only when its capture is complete.
        if let Some(f) = a
            .flow
            .filter(|f| f.proto == FlowProto::Tcp && data.finished)
        {
            if self.messages.stream != Some(f.stream) {
                self.messages = MessagesCache::compute(data, f.stream);
            }
            let node = self.messages.node(frame.number);
            if let Some(analysis) = self
                .nodes
                .iter_mut()
                .find(|n| n.text.starts_with("Analysis"))
            {
                analysis.children.push(node);
            }
        }
    }

    /// Draws the tree; clicking a line selects its bytes.
    pub fn tree_ui(&self, ui: &mut egui::Ui, field: &mut Option<Range<usize>>) {
        if self.nodes.is_empty() {
            ui.weak("Select a packet to see its layers.");
            return;
        }
        egui::ScrollArea::both()
            .id_salt("details_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for (i, n) in self.nodes.iter().enumerate() {
                    node_ui(ui, n, field, i, 0);
                }
            });
    }

    /// Draws the hex + ASCII pane; clicking a byte selects the field that covers it.
    pub fn hex_ui(&self, ui: &mut egui::Ui, field: &mut Option<Range<usize>>) {
        if self.bytes.is_empty() {
            return;
        }
        let hl = ui.visuals().selection.bg_fill;
        let hl_text = ui.visuals().selection.stroke.color;
        let mut clicked: Option<usize> = None;
        egui::ScrollArea::vertical()
            .id_salt("hex_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.spacing_mut().item_spacing = egui::vec2(0.0, 0.0);
                for (line, chunk) in self.bytes.chunks(16).enumerate() {
                    ui.horizontal(|ui| {
                        ui.label(
                            RichText::new(format!("{:04x}  ", line * 16))
                                .monospace()
                                .color(Color32::GRAY),
                        );
                        for i in 0..16 {
                            let off = line * 16 + i;
                            let text = chunk
                                .get(i)
                                .map_or("   ".to_string(), |b| format!("{b:02x} "));
                            let on = field.as_ref().is_some_and(|r| r.contains(&off));
                            let mut t = RichText::new(text).monospace();
                            if on {
                                t = t.background_color(hl).color(hl_text);
                            }
                            let resp = ui.add(egui::Label::new(t).sense(egui::Sense::click()));
                            if resp.clicked() && off < self.bytes.len() {
                                clicked = Some(off);
                            }
                            if i == 7 {
                                ui.label(RichText::new(" ").monospace());
                            }
                        }
                        ui.label(RichText::new("  ").monospace());
                        for (i, b) in chunk.iter().enumerate() {
                            let off = line * 16 + i;
                            let c = if b.is_ascii_graphic() || *b == b' ' {
                                *b as char
                            } else {
                                '.'
                            };
                            let on = field.as_ref().is_some_and(|r| r.contains(&off));
                            let mut t = RichText::new(c.to_string()).monospace();
                            if on {
                                t = t.background_color(hl).color(hl_text);
                            }
                            if ui
                                .add(egui::Label::new(t).sense(egui::Sense::click()))
                                .clicked()
                            {
                                clicked = Some(off);
                            }
                        }
                    });
                }
            });
        if let Some(off) = clicked {
            *field = field_at(&self.nodes, off);
        }
    }
}

fn node_ui(
    ui: &mut egui::Ui,
    n: &Node,
    field: &mut Option<Range<usize>>,
    key: usize,
    depth: usize,
) {
    let selected = n.range.is_some() && *field == n.range;
    if n.children.is_empty() {
        if ui.selectable_label(selected, &n.text).clicked() {
            *field = n.range.clone();
        }
        return;
    }
    // Keyed by the line's title (before its values), so open/closed survives packet changes.
    let title = n.text.split([',', ':']).next().unwrap_or_default();
    let id = ui.make_persistent_id(("details_node", depth, key, title));
    // Like Wireshark, the lower layers start closed and TCP/UDP/ICMP open; synack also opens
    // its Analysis section and the TCP options, which are what a learner looks for.
    let open = if depth == 0 {
        !["Frame", "Ethernet", "802.1Q", "Internet Protocol", "Link"]
            .iter()
            .any(|p| n.text.starts_with(p))
    } else {
        n.text.starts_with("Options")
            || n.text.starts_with("Connection")
            || n.text.starts_with("Messages")
    };
    egui::collapsing_header::CollapsingState::load_with_default_open(ui.ctx(), id, open)
        .show_header(ui, |ui| {
            if ui.selectable_label(selected, &n.text).clicked() {
                *field = n.range.clone();
            }
        })
        .body(|ui| {
            for (i, c) in n.children.iter().enumerate() {
                node_ui(ui, c, field, i, depth + 1);
            }
        });
}
