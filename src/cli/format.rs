//! Formatting one frame as a text line (tcpdump/tshark-like) or as a JSON object.
//!
//! Shared by `read` and live `capture`, so that both print exactly the same thing.

use std::fmt::Write as _;
use std::net::IpAddr;

use serde::Serialize;

use crate::analysis::{Annotation, Flag, TcpAnnotation};
use crate::capture::{Frame, RecordKind, Timestamp};
use crate::decode::{hex_text, icmp_summary, LinkInfo, Net, Packet, TcpOption, Transport};

/// Everything printed about one frame.
#[derive(Debug, Clone, Copy)]
pub struct FrameView<'a> {
    /// The captured frame.
    pub frame: &'a Frame<'a>,
    /// Its decoding.
    pub packet: &'a Packet,
}

fn with_port(addr: &IpAddr, port: u16) -> String {
    match addr {
        IpAddr::V4(a) => format!("{a}:{port}"),
        IpAddr::V6(a) => format!("[{a}]:{port}"),
    }
}

/// The notes attached to a frame: `truncated`, `malformed: …`, fragment and link remarks.
pub(super) fn notes(view: &FrameView<'_>) -> Vec<String> {
    let p = view.packet;
    let mut n = Vec::new();
    if p.truncated {
        n.push(format!(
            "truncated ({} of {} bytes captured)",
            view.frame.caplen(),
            view.frame.len
        ));
    }
    if let Some(why) = &p.malformed {
        n.push(format!("malformed: {why}"));
    }
    if let LinkInfo::Unsupported(lt) = p.link {
        n.push(format!("unsupported link type {lt}"));
    }
    if let Some(ip) = p.ip() {
        if ip.is_fragment {
            n.push(format!(
                "fragment id {:#x} offset {}{}",
                ip.ident,
                ip.frag_offset,
                if ip.more_fragments { " MF" } else { "" }
            ));
        }
    }
    if let Some(t) = p.tcp() {
        if t.options.cut {
            n.push("tcp options cut by snaplen".into());
        }
    }
    if view.frame.ts.is_none() && view.frame.kind == RecordKind::Packet {
        n.push("no timestamp (pcapng simple packet block)".into());
    }
    n
}

/// What SACK edges are shown minus: the raw ACK's distance from the relative one, so the
/// edges are relative like the ACK they extend (tcpdump and tshark do so); 0 when `absolute`
/// or without the engine's annotation.
fn sack_base(t: &crate::decode::TcpInfo, tcp_ann: Option<&TcpAnnotation>, absolute: bool) -> u32 {
    match tcp_ann {
        Some(a) if !absolute => t.ack.wrapping_sub(a.ack),
        _ => 0,
    }
}

/// The tcpdump-like summary after addresses: flags, seq/ack, window, length, options.
pub fn summary(view: &FrameView<'_>) -> String {
    summary_with(view, None, true)
}

/// [`summary`] with the engine's annotation: relative seq/ack unless `absolute`.
pub fn summary_with(
    view: &FrameView<'_>,
    tcp_ann: Option<&TcpAnnotation>,
    absolute: bool,
) -> String {
    let p = view.packet;
    let mut s = String::new();
    match &p.transport {
        Transport::Tcp(t) => {
            let (seq, ack) = match tcp_ann {
                Some(a) if !absolute => (a.seq, a.ack),
                _ => (t.seq, t.ack),
            };
            let _ = write!(s, "{} seq {}", t.flags.tcpdump(), seq);
            if t.flags.has(crate::decode::TcpFlags::ACK) {
                let _ = write!(s, " ack {}", ack);
            }
            let _ = write!(s, " win {} len {}", t.window, t.len);
            let sack_base = sack_base(t, tcp_ann, absolute);
            let opts: Vec<String> = t
                .options
                .iter(view.frame.data)
                .map(|o| o.describe_relative(sack_base))
                .collect();
            if !opts.is_empty() {
                let _ = write!(s, " options [{}]", opts.join(","));
            }
        }
        Transport::Udp(u) => {
            let _ = write!(s, "len {}", u.len);
        }
        Transport::Icmp(i) => s.push_str(&icmp_summary(false, *i)),
        Transport::Icmpv6(i) => s.push_str(&icmp_summary(true, *i)),
        _ => {}
    }
    if let Net::Arp(a) = &p.net {
        s.push_str(&a.summary());
    }
    if let RecordKind::CustomBlock { pen } = view.frame.kind {
        let _ = write!(
            s,
            "pcapng custom block, PEN {pen}, {} bytes",
            view.frame.len
        );
    } else if view.frame.kind == RecordKind::JournalEntry {
        let _ = write!(s, "systemd journal entry, {} bytes", view.frame.len);
    }
    s
}

/// One text line: `No. Time Source → Destination Protocol Summary {notes}`.
/// `t0` is the first frame's time, for the relative time column.
pub fn frame_line(view: &FrameView<'_>, t0: Option<Timestamp>) -> String {
    frame_line_analyzed(view, None, t0, true)
}

/// The markers printed for a TCP annotation: like Wireshark, a fast or spurious
/// retransmission shows only its specific marker.
fn markers(a: &TcpAnnotation) -> Vec<String> {
    let specific = a.tags.has(Flag::FastRetransmission) || a.tags.has(Flag::SpuriousRetransmission);
    a.tags
        .as_slice()
        .iter()
        .filter(|t| !(specific && t.flag == Flag::Retransmission))
        .map(|t| t.flag.marker(t.info.frame, t.info.num))
        .collect()
}

/// [`frame_line`] with the engine's annotation: stream and direction, analysis markers
/// (`[TCP Retransmission]`), handshake/teardown events (`<syn>`, `<fin (originator, first)>`),
/// relative seq/ack unless `absolute`, and each flag's reason as a note.
pub fn frame_line_analyzed(
    view: &FrameView<'_>,
    ann: Option<&Annotation>,
    t0: Option<Timestamp>,
    absolute: bool,
) -> String {
    let rel = match (view.frame.ts, t0) {
        (Some(t), Some(t0)) => format!("{:.6}", (t.as_nanos() - t0.as_nanos()) as f64 / 1e9),
        _ => "-".into(),
    };
    frame_line_timed(view, ann, Some(&rel), false, absolute)
}

/// [`frame_line_analyzed`] with the time column's text given (`None`: no time column, as
/// tcpdump -t prints), and with `link_header` the link-level header before the addresses
/// (tcpdump -e).
pub(super) fn frame_line_timed(
    view: &FrameView<'_>,
    ann: Option<&Annotation>,
    time: Option<&str>,
    link_header: bool,
    absolute: bool,
) -> String {
    let p = view.packet;
    let tcp_ann = ann.and_then(|a| a.tcp.as_ref());
    let (src, dst) = match (p.ip(), p.ports()) {
        (Some(ip), Some((sp, dp))) => (with_port(&ip.src, sp), with_port(&ip.dst, dp)),
        _ => {
            let (s, d) = p.addresses();
            (
                s.unwrap_or_else(|| "-".into()),
                d.unwrap_or_else(|| "-".into()),
            )
        }
    };
    let mut line = format!("{:>6} ", view.frame.number);
    if let Some(time) = time {
        let _ = write!(line, "{time:>12} ");
    }
    if let Some(link) = link_header
        .then(|| p.link_header_text(view.frame.len))
        .flatten()
    {
        let _ = write!(line, "{link}: ");
    }
    let _ = write!(line, "{} → {} {}", src, dst, p.protocol_text());
    if let Some(flow) = ann.and_then(|a| a.flow) {
        let _ = write!(line, " s{} {}", flow.stream, flow.direction.short());
    }
    if let Some(a) = tcp_ann {
        for m in markers(a) {
            let _ = write!(line, " {m}");
        }
    }
    let _ = write!(line, " {}", summary_with(view, tcp_ann, absolute));
    if let Some(a) = tcp_ann {
        for e in a.events.as_slice() {
            let _ = write!(line, " <{}>", e.describe());
        }
    }
    for n in notes(view) {
        let _ = write!(line, " {{{n}}}");
    }
    if let Some(a) = tcp_ann {
        for t in a.tags.as_slice() {
            let _ = write!(line, " {{{}: {}}}", t.flag.name(), t.reason());
        }
    }
    line
}

/// JSON form of a TCP option.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum OptionJson {
    Eol,
    Nop,
    Mss {
        value: u16,
    },
    Wscale {
        value: u8,
    },
    SackPerm,
    /// `blocks` relative to the ACK's base like `seq`/`ack` (tshark's `tcp.options.sack_le`
    /// and `sack_re`), `blocks_raw` as sent.
    Sack {
        blocks: Vec<[u32; 2]>,
        blocks_raw: Vec<[u32; 2]>,
    },
    Ts {
        val: u32,
        ecr: u32,
    },
    Unknown {
        code: u8,
        data: String,
    },
    BadLength {
        code: u8,
        data: String,
    },
    Malformed {
        code: u8,
        len: u8,
    },
    Cut {
        code: u8,
    },
}

/// `o` in JSON, SACK edges minus `sack_base` (see [`sack_base`]).
fn option_json(o: TcpOption<'_>, sack_base: u32) -> OptionJson {
    match o {
        TcpOption::EndOfList => OptionJson::Eol,
        TcpOption::Nop => OptionJson::Nop,
        TcpOption::Mss(value) => OptionJson::Mss { value },
        TcpOption::WindowScale(value) => OptionJson::Wscale { value },
        TcpOption::SackPermitted => OptionJson::SackPerm,
        TcpOption::Sack(blocks) => OptionJson::Sack {
            blocks: blocks
                .iter()
                .map(|(l, r)| [l.wrapping_sub(sack_base), r.wrapping_sub(sack_base)])
                .collect(),
            blocks_raw: blocks.iter().map(|(l, r)| [l, r]).collect(),
        },
        TcpOption::Timestamp { value, echo } => OptionJson::Ts {
            val: value,
            ecr: echo,
        },
        TcpOption::Unknown { kind, data } => OptionJson::Unknown {
            code: kind,
            data: hex_text(data),
        },
        TcpOption::BadLength { kind, data } => OptionJson::BadLength {
            code: kind,
            data: hex_text(data),
        },
        TcpOption::Malformed { kind, len } => OptionJson::Malformed { code: kind, len },
        TcpOption::Cut { kind } => OptionJson::Cut { code: kind },
    }
}

/// TCP part of a frame's JSON.
#[derive(Debug, Serialize)]
pub struct TcpJson {
    /// Flags as letters in `FSRPAUEC` order.
    pub flags: String,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number.
    pub ack: u32,
    /// Raw sequence number.
    pub seq_raw: u32,
    /// Raw acknowledgment number.
    pub ack_raw: u32,
    /// Window field as sent.
    pub win: u16,
    /// Calculated window (scaled by the handshake's window scale when known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub win_calc: Option<u32>,
    /// Window scale of this direction: the shift, `none` (handshake showed no scaling) or
    /// `unknown` (handshake not seen: `win_calc` is then the raw field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub win_scale: Option<String>,
    /// States of (originator, responder) after this packet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub states: Option<[&'static str; 2]>,
    /// Unacknowledged bytes of this direction after this segment
    /// (`tcp.analysis.bytes_in_flight`), on data segments where tshark gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_in_flight: Option<u32>,
    /// The frame whose segment this packet acknowledges exactly (`tcp.analysis.acks_frame`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acks_frame: Option<u64>,
    /// Seconds from that segment to this ACK (`tcp.analysis.ack_rtt`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack_rtt: Option<f64>,
    /// Segment payload length.
    pub len: u32,
    /// Header length.
    pub hdr_len: u8,
    /// Options in order.
    options: Vec<OptionJson>,
}

/// One analysis flag in JSON.
#[derive(Debug, Serialize)]
pub struct TagJson {
    /// Flag name (`retransmission`, `duplicate_ack`, ...).
    pub name: &'static str,
    /// Why, in one line.
    pub reason: String,
    /// Related frame (original transmission, duplicated ACK, ...), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<u64>,
    /// Duplicate ACK number (`duplicate_ack` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num: Option<u32>,
}

/// One handshake/teardown event in JSON.
#[derive(Debug, Serialize)]
pub struct EventJson {
    /// Event name (`syn`, `handshake_ack`, `fin`, ...).
    pub name: &'static str,
    /// The event with its details, as text.
    pub detail: String,
    /// Handshake RTT in ms (`handshake_ack` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rtt_ms: Option<f64>,
}

fn tags_json(a: &TcpAnnotation) -> Vec<TagJson> {
    a.tags
        .as_slice()
        .iter()
        .map(|t| TagJson {
            name: t.flag.name(),
            reason: t.reason(),
            frame: (t.info.frame != 0
                && matches!(
                    t.flag,
                    Flag::Retransmission | Flag::DuplicateAck | Flag::OutOfOrder
                ))
            .then_some(t.info.frame),
            num: (t.flag == Flag::DuplicateAck).then_some(t.info.num),
        })
        .collect()
}

fn events_json(a: &TcpAnnotation) -> Vec<EventJson> {
    a.events
        .as_slice()
        .iter()
        .map(|e| EventJson {
            name: e.name(),
            detail: e.describe(),
            rtt_ms: match e {
                crate::analysis::Event::HandshakeAck { rtt_ns } => Some(*rtt_ns as f64 / 1e6),
                _ => None,
            },
        })
        .collect()
}

/// One frame as a JSON object (one line of `--json` output).
#[derive(Debug, Serialize)]
pub struct FrameJson {
    /// 1-based frame number (tshark's frame.number).
    pub frame: u64,
    /// Seconds since the epoch, or null when the record has none.
    pub time: Option<f64>,
    /// Captured length.
    pub caplen: u32,
    /// Original length.
    pub len: u32,
    /// Link type name.
    pub link: String,
    /// pcapng interface id.
    pub interface: u32,
    /// VLAN ids, outermost first.
    pub vlan: Vec<u16>,
    /// The outer layers between the link header and the network layer, outermost first
    /// (`{"layer": "mpls", "label": 16, ...}`); omitted for a plain frame.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub encap: Vec<crate::decode::EncapLayer>,
    /// Source address (IP, ARP sender, or MAC).
    pub src: Option<String>,
    /// Destination address.
    pub dst: Option<String>,
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `arp`, `ip` or `other`.
    pub proto: &'static str,
    /// Source port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sport: Option<u16>,
    /// Destination port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dport: Option<u16>,
    /// IP version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_version: Option<u8>,
    /// TCP details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpJson>,
    /// UDP payload length.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub udp_len: Option<u32>,
    /// ICMP/ICMPv6 type and code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icmp: Option<[u8; 2]>,
    /// Stream number (tshark's `tcp.stream` / `udp.stream`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<u32>,
    /// `c2s` (from the originator) or `s2c`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<&'static str>,
    /// Analysis flags with their reasons.
    pub tags: Vec<TagJson>,
    /// Handshake / teardown events.
    pub events: Vec<EventJson>,
    /// Tcpdump-like one-line summary.
    pub info: String,
    /// Remarks: `truncated (…)`, `malformed: …`, fragments, unsupported link types.
    pub notes: Vec<String>,
}

/// Builds the JSON object of one frame.
pub fn frame_json(view: &FrameView<'_>) -> FrameJson {
    frame_json_analyzed(view, None, true)
}

/// [`frame_json`] with the engine's annotation: `stream`, `direction`, `tags`, `events`,
/// relative `tcp.seq`/`tcp.ack` unless `absolute` (`seq_raw`/`ack_raw` are always raw).
pub fn frame_json_analyzed(
    view: &FrameView<'_>,
    ann: Option<&Annotation>,
    absolute: bool,
) -> FrameJson {
    let p = view.packet;
    let tcp_ann = ann.and_then(|a| a.tcp.as_ref());
    let flow = ann.and_then(|a| a.flow);
    let (src, dst) = p.addresses();
    let ports = p.ports();
    FrameJson {
        frame: view.frame.number,
        time: view.frame.ts.map(|t| t.as_secs_f64()),
        caplen: view.frame.caplen(),
        len: view.frame.len,
        link: view.frame.link.to_string(),
        interface: view.frame.interface,
        vlan: p.vlan.as_slice().to_vec(),
        encap: p.encap.clone(),
        src,
        dst,
        proto: p.proto_name(),
        sport: ports.map(|x| x.0),
        dport: ports.map(|x| x.1),
        ip_version: p.ip().map(|i| i.version),
        tcp: p.tcp().map(|t| TcpJson {
            flags: t.flags.letters(),
            seq: match tcp_ann {
                Some(a) if !absolute => a.seq,
                _ => t.seq,
            },
            ack: match tcp_ann {
                Some(a) if !absolute => a.ack,
                _ => t.ack,
            },
            seq_raw: t.seq,
            ack_raw: t.ack,
            win: t.window,
            win_calc: tcp_ann.map(|a| a.window),
            win_scale: tcp_ann.map(|a| match a.window_scale {
                crate::analysis::WindowScale::Shift(n) => n.to_string(),
                crate::analysis::WindowScale::NotUsed => "none".to_string(),
                crate::analysis::WindowScale::Unknown => "unknown".to_string(),
            }),
            states: tcp_ann.map(|a| [a.states[0].name(), a.states[1].name()]),
            bytes_in_flight: tcp_ann.and_then(|a| a.acked.bytes_in_flight),
            acks_frame: tcp_ann.and_then(|a| a.acked.acks_frame),
            ack_rtt: tcp_ann
                .and_then(|a| a.acked.ack_rtt())
                .map(|ns| ns as f64 / 1e9),
            len: t.len,
            hdr_len: t.header_len,
            options: t
                .options
                .iter(view.frame.data)
                .map(|o| option_json(o, sack_base(t, tcp_ann, absolute)))
                .collect(),
        }),
        udp_len: match &p.transport {
            Transport::Udp(u) => Some(u.len),
            _ => None,
        },
        icmp: match &p.transport {
            Transport::Icmp(i) | Transport::Icmpv6(i) => Some([i.icmp_type, i.code]),
            _ => None,
        },
        stream: flow.map(|f| f.stream),
        direction: flow.map(|f| f.direction.short()),
        tags: tcp_ann.map(tags_json).unwrap_or_default(),
        events: tcp_ann.map(events_json).unwrap_or_default(),
        info: summary_with(view, tcp_ann, absolute),
        notes: notes(view),
    }
}
