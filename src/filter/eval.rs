//! Evaluating a parsed filter against one packet, and the values of a field as text
//! (`synack read -T fields -e NAME`).

use std::fmt::Write as _;
use std::net::IpAddr;

use super::fields::{Field, FieldType, Proto};
use super::parse::{Expr, Filter, Member, Op, Target, Value};
use crate::analysis::Flag;
use crate::capture::{Frame, Timestamp};
use crate::decode::{LinkInfo, Net, Packet, TcpFlags, Transport};

/// What the analysis engine knows about a packet, as far as filters need it.
///
/// Kept as a trait so the filter language does not depend on the engine's types: the engine's
/// per-packet annotation implements it.
pub trait AnalysisFields {
    /// `tcp.stream`.
    fn tcp_stream(&self) -> Option<u64>;
    /// `udp.stream`.
    fn udp_stream(&self) -> Option<u64>;
    /// Relative sequence number.
    fn rel_seq(&self) -> Option<u32>;
    /// Relative acknowledgment number.
    fn rel_ack(&self) -> Option<u32>;
    /// Window after scaling (`tcp.window_size`).
    fn window_size(&self) -> Option<u64>;
    /// True when the packet carries `flag` (`tcp.analysis.<name>`).
    fn has_flag(&self, flag: Flag) -> bool;
    /// True when the packet carries any analysis flag.
    fn any_flag(&self) -> bool;
    /// `tcp.analysis.bytes_in_flight` (None where tshark shows none).
    fn bytes_in_flight(&self) -> Option<u32> {
        None
    }
    /// `tcp.analysis.ack_rtt` in nanoseconds (None where tshark shows none).
    fn ack_rtt_ns(&self) -> Option<i64> {
        None
    }
    /// `tcp.analysis.acks_frame`.
    fn acks_frame(&self) -> Option<u64> {
        None
    }
}

/// One packet as a filter sees it.
#[derive(Clone, Copy)]
pub struct FilterInput<'a> {
    /// The frame (number, lengths).
    pub frame: &'a Frame<'a>,
    /// Its decoding.
    pub packet: &'a Packet,
    /// Analysis results, when an engine ran.
    pub analysis: Option<&'a dyn AnalysisFields>,
    /// The capture's first timestamp, for `frame.time_relative` (absent: no value).
    pub start: Option<Timestamp>,
}

/// A value of a field in one packet (borrowing the packet's bytes).
#[derive(Debug, Clone, Copy)]
enum Have<'a> {
    Int(u64),
    Time(i64),
    Addr(IpAddr),
    Bytes(&'a [u8]),
}

/// Up to four occurrences of a field's value in one packet, without allocating.
struct Values<'a> {
    items: [Have<'a>; 4],
    len: usize,
}

impl<'a> Values<'a> {
    fn new() -> Values<'a> {
        Values {
            items: [Have::Int(0); 4],
            len: 0,
        }
    }

    fn push(&mut self, v: Have<'a>) {
        if self.len < self.items.len() {
            self.items[self.len] = v;
            self.len += 1;
        }
    }

    fn int(&mut self, v: Option<impl Into<u64>>) {
        if let Some(v) = v {
            self.push(Have::Int(v.into()));
        }
    }

    fn bytes(&mut self, v: Option<&'a [u8]>) {
        if let Some(v) = v {
            self.push(Have::Bytes(v));
        }
    }

    fn as_slice(&self) -> &[Have<'a>] {
        &self.items[..self.len]
    }
}

impl Filter {
    /// True when the packet passes the filter (the empty filter passes everything).
    pub fn matches(&self, input: &FilterInput<'_>) -> bool {
        self.expr.as_ref().is_none_or(|e| eval(e, input))
    }
}

fn eval(e: &Expr, input: &FilterInput<'_>) -> bool {
    match e {
        Expr::Or(a, b) => eval(a, input) || eval(b, input),
        Expr::And(a, b) => eval(a, input) && eval(b, input),
        Expr::Not(a) => !eval(a, input),
        Expr::Present(t) if t.slice.is_none() => present(t.field, input),
        Expr::Present(t) => target_values(*t, input).len > 0,
        Expr::Cmp(t, Op::Ne, v) => !compare(*t, Op::Eq, v, input),
        Expr::Cmp(t, op, v) => compare(*t, *op, v, input),
        Expr::Contains(t, needle) => target_values(*t, input).as_slice().iter().any(|h| match h {
            Have::Bytes(b) => memchr::memmem::find(b, needle).is_some(),
            _ => false,
        }),
        Expr::Matches(t, re) => target_values(*t, input)
            .as_slice()
            .iter()
            .any(|h| matches!(h, Have::Bytes(b) if re.0.is_match(b))),
        Expr::In(t, set) => set.iter().any(|m| match m {
            Member::One(v) => compare(*t, Op::Eq, v, input),
            Member::Range(low, high) => {
                let have = target_values(*t, input);
                have.as_slice()
                    .iter()
                    .any(|h| test(h, Op::Ge, low) && test(h, Op::Le, high))
            }
        }),
    }
}

fn present(f: Field, input: &FilterInput<'_>) -> bool {
    let p = input.packet;
    match f {
        Field::Proto(proto) => match proto {
            Proto::Frame => true,
            Proto::Eth => matches!(p.link, LinkInfo::Ethernet { .. }),
            Proto::Vlan => !p.vlan.is_empty(),
            Proto::Arp => matches!(p.net, Net::Arp(_)),
            Proto::Ip => p.ip().is_some_and(|i| i.version == 4),
            Proto::Ipv6 => p.ip().is_some_and(|i| i.version == 6),
            Proto::Tcp => matches!(p.transport, Transport::Tcp(_)),
            Proto::Udp => matches!(p.transport, Transport::Udp(_)),
            Proto::Icmp => matches!(p.transport, Transport::Icmp(_)),
            Proto::Icmpv6 => matches!(p.transport, Transport::Icmpv6(_)),
        },
        Field::Malformed => p.malformed.is_some(),
        Field::Truncated => p.truncated,
        Field::AnalysisAny => input.analysis.is_some_and(|a| a.any_flag()),
        Field::Analysis(flag) => input.analysis.is_some_and(|a| a.has_flag(flag)),
        // A boolean flag field is present whenever its header is (Wireshark semantics).
        other => values(other, input).len > 0,
    }
}

/// Presence-only fields compared with numbers: 1 when present, 0 when absent.
fn presence_only(f: Field) -> bool {
    matches!(
        f,
        Field::Proto(_)
            | Field::Malformed
            | Field::Truncated
            | Field::AnalysisAny
            | Field::Analysis(_)
    )
}

/// The values a test looks at: the field's, sliced when the target has a slice (a value
/// too short for the slice drops out, as in Wireshark).
fn target_values<'a>(t: Target, input: &FilterInput<'a>) -> Values<'a> {
    let whole = values(t.field, input);
    let Some(slice) = t.slice else {
        return whole;
    };
    let mut out = Values::new();
    if t.field.is_address() {
        for b in address_bytes(t.field, input).as_slice() {
            if let Have::Bytes(b) = b {
                out.bytes(slice.apply(b));
            }
        }
        return out;
    }
    for h in whole.as_slice() {
        if let Have::Bytes(b) = h {
            out.bytes(slice.apply(b));
        }
    }
    out
}

/// An address field's values as the header's bytes (for slices: `ip.src[0] == 0a`).
fn address_bytes<'a>(f: Field, input: &FilterInput<'a>) -> Values<'a> {
    use crate::decode::{ipv4, ipv6};
    let mut out = Values::new();
    let Some(ip) = input.packet.ip() else {
        return out;
    };
    let (src, dst, v4) = if ip.version == 4 {
        (ipv4::field::SRC_ADDR, ipv4::field::DST_ADDR, true)
    } else {
        (ipv6::field::SRC_ADDR, ipv6::field::DST_ADDR, false)
    };
    let wants_v4 = matches!(f, Field::IpAddr | Field::IpSrc | Field::IpDst);
    if wants_v4 != v4 {
        return out;
    }
    let Some(net) = input.packet.offsets.net.map(|o| o as usize) else {
        return out;
    };
    let trio = if v4 {
        [Field::IpSrc, Field::IpDst]
    } else {
        [Field::Ipv6Src, Field::Ipv6Dst]
    };
    for range in named_ends(f, trio, Some((src, dst))) {
        out.bytes(input.frame.data.get(net + range.start..net + range.end));
    }
    out
}

/// The ends of a source/destination `pair` that `f` names, `f` being one of a trio like
/// `ip.src`, `ip.dst`, `ip.addr` whose first two are `[src_field, dst_field]`: the source,
/// the destination, or both for the third.
fn named_ends<T>(
    f: Field,
    [src_field, dst_field]: [Field; 2],
    pair: Option<(T, T)>,
) -> impl Iterator<Item = T> {
    pair.into_iter().flat_map(move |(src, dst)| {
        let src = (f != dst_field).then_some(src);
        let dst = (f != src_field).then_some(dst);
        src.into_iter().chain(dst)
    })
}

fn compare(t: Target, op: Op, want: &Value, input: &FilterInput<'_>) -> bool {
    if t.slice.is_none() && presence_only(t.field) && matches!(want, Value::Int(_)) {
        let have = Have::Int(u64::from(present(t.field, input)));
        return test(&have, op, want);
    }
    target_values(t, input)
        .as_slice()
        .iter()
        .any(|h| test(h, op, want))
}

/// `have op want` for one value.
fn test(have: &Have<'_>, op: Op, want: &Value) -> bool {
    match (have, want) {
        (Have::Int(a), Value::Int(b)) => ordered(op, a, b),
        (Have::Time(a), Value::Time(b)) => ordered(op, a, b),
        (Have::Addr(a), Value::Addr(b)) => a == b,
        (Have::Addr(a), Value::Net(net, bits)) => in_network(*a, *net, *bits),
        (Have::Bytes(a), Value::Bytes(b)) => ordered(op, *a, b.as_slice()),
        // `tcp[13] == 0x12`: bytes read as a big-endian number.
        (Have::Bytes(a), Value::Int(b)) if !a.is_empty() && a.len() <= 8 => {
            let n = a.iter().fold(0u64, |n, &x| n << 8 | u64::from(x));
            ordered(op, &n, b)
        }
        _ => false,
    }
}

/// `a op b` for ordered values (`!=` is evaluated as the negation of `==` by the caller).
fn ordered<T: PartialOrd + ?Sized>(op: Op, a: &T, b: &T) -> bool {
    match op {
        Op::Eq | Op::Ne => a == b,
        Op::Gt => a > b,
        Op::Lt => a < b,
        Op::Ge => a >= b,
        Op::Le => a <= b,
    }
}

fn in_network(a: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (a, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// The bytes of a protocol layer: from its first byte to the end of the frame.
fn layer_bytes<'a>(proto: Proto, input: &FilterInput<'a>) -> Option<&'a [u8]> {
    let p = input.packet;
    let data = input.frame.data;
    let from = |offset: Option<u32>| offset.and_then(|o| data.get(o as usize..));
    if !present(Field::Proto(proto), input) {
        return None;
    }
    match proto {
        Proto::Frame => Some(data),
        Proto::Eth => (input.frame.link == crate::capture::LinkType::Ethernet).then_some(data),
        Proto::Vlan => None,
        Proto::Arp | Proto::Ip | Proto::Ipv6 => from(p.offsets.net),
        Proto::Tcp | Proto::Udp | Proto::Icmp | Proto::Icmpv6 => from(p.offsets.transport),
    }
}

/// Relative number of a raw one in the peer's sequence space, from this packet's ACK (its
/// raw and relative values): how SACK edges are shown relative, as tshark does.
fn relative_to_ack(raw: u32, ack_raw: u32, rel_ack: Option<u32>) -> u32 {
    match rel_ack {
        Some(rel) => raw.wrapping_sub(ack_raw.wrapping_sub(rel)),
        None => raw,
    }
}

fn values<'a>(f: Field, input: &FilterInput<'a>) -> Values<'a> {
    let p = input.packet;
    let a = input.analysis;
    let mut v = Values::new();
    let ip = p.ip();
    let v4 = ip.filter(|i| i.version == 4);
    let v6 = ip.filter(|i| i.version == 6);
    let tcp = p.tcp();
    let udp = match &p.transport {
        Transport::Udp(u) => Some(u),
        _ => None,
    };
    let eth = match &p.link {
        LinkInfo::Ethernet {
            src,
            dst,
            ether_type,
        } => Some((src, dst, *ether_type)),
        _ => None,
    };
    match f {
        Field::Proto(proto) => v.bytes(layer_bytes(proto, input)),
        Field::FrameNumber => v.int(Some(input.frame.number)),
        Field::FrameLen => v.int(Some(input.frame.len)),
        Field::FrameCapLen => v.int(Some(input.frame.caplen())),
        Field::FrameTimeRelative => {
            if let (Some(t), Some(t0)) = (input.frame.ts, input.start) {
                v.push(Have::Time(t.as_nanos() - t0.as_nanos()));
            }
        }
        Field::FrameTimeEpoch => {
            if let Some(t) = input.frame.ts {
                v.push(Have::Time(t.as_nanos()));
            }
        }
        Field::EthSrc | Field::EthDst | Field::EthAddr => {
            let macs = eth.map(|(src, dst, _)| (src, dst));
            for mac in named_ends(f, [Field::EthSrc, Field::EthDst], macs) {
                v.push(Have::Bytes(&mac[..]));
            }
        }
        Field::EthType => v.int(eth.map(|e| e.2)),
        Field::IpAddr | Field::IpSrc | Field::IpDst => {
            let addrs = v4.map(|i| (i.src, i.dst));
            for addr in named_ends(f, [Field::IpSrc, Field::IpDst], addrs) {
                v.push(Have::Addr(addr));
            }
        }
        Field::IpLen => v.int(v4.map(|i| i.total_len)),
        Field::IpId => v.int(v4.map(|i| i.ident)),
        Field::IpHdrLen => v.int(v4.map(|i| i.header_len)),
        Field::Ipv6Addr | Field::Ipv6Src | Field::Ipv6Dst => {
            let addrs = v6.map(|i| (i.src, i.dst));
            for addr in named_ends(f, [Field::Ipv6Src, Field::Ipv6Dst], addrs) {
                v.push(Have::Addr(addr));
            }
        }
        Field::Ttl => v.int(ip.map(|i| i.ttl)),
        Field::IpProto => v.int(ip.map(|i| i.protocol)),
        Field::IpDontFragment => v.int(v4.map(|i| u8::from(i.dont_fragment))),
        Field::IpMoreFragments => v.int(v4.map(|i| u8::from(i.more_fragments))),
        Field::IpFragOffset => v.int(v4.map(|i| i.frag_offset)),
        Field::TcpPort | Field::TcpSrcPort | Field::TcpDstPort => {
            let ports = tcp.map(|t| (t.sport, t.dport));
            for port in named_ends(f, [Field::TcpSrcPort, Field::TcpDstPort], ports) {
                v.int(Some(port));
            }
        }
        Field::UdpPort | Field::UdpSrcPort | Field::UdpDstPort => {
            let ports = udp.map(|u| (u.sport, u.dport));
            for port in named_ends(f, [Field::UdpSrcPort, Field::UdpDstPort], ports) {
                v.int(Some(port));
            }
        }
        Field::UdpLength => v.int(udp.map(|u| u.len + 8)),
        Field::UdpPayload => v.bytes(udp.map(|_| p.payload(input.frame.data))),
        Field::TcpStream => v.int(tcp.and(a.and_then(|a| a.tcp_stream()))),
        Field::UdpStream => v.int(udp.and(a.and_then(|a| a.udp_stream()))),
        Field::TcpLen => v.int(tcp.map(|t| t.len)),
        Field::TcpSeq => v.int(tcp.map(|t| a.and_then(|a| a.rel_seq()).unwrap_or(t.seq))),
        Field::TcpNextSeq => v.int(tcp.map(|t| {
            let seq = a.and_then(|a| a.rel_seq()).unwrap_or(t.seq);
            // SYN and FIN each take one sequence number, but tshark adds one for either.
            let phantom = u32::from(t.flags.has(TcpFlags::SYN) || t.flags.has(TcpFlags::FIN));
            seq.wrapping_add(t.len).wrapping_add(phantom)
        })),
        Field::TcpAck => v.int(tcp.map(|t| a.and_then(|a| a.rel_ack()).unwrap_or(t.ack))),
        Field::TcpSeqRaw => v.int(tcp.map(|t| t.seq)),
        Field::TcpAckRaw => v.int(tcp.map(|t| t.ack)),
        Field::TcpWindowValue => v.int(tcp.map(|t| t.window)),
        Field::TcpWindowSize => v.int(tcp.map(|t| {
            a.and_then(|a| a.window_size())
                .unwrap_or(u64::from(t.window))
        })),
        Field::TcpHdrLen => v.int(tcp.map(|t| t.header_len)),
        Field::TcpFlags => v.int(tcp.map(|t| t.flags.0)),
        Field::TcpFlag(bit) => v.int(tcp.map(|t| u8::from(t.flags.has(bit)))),
        Field::TcpPayload => v.bytes(tcp.map(|_| p.payload(input.frame.data))),
        Field::TcpMss => v.int(tcp.and_then(|t| t.options.mss)),
        Field::TcpSackLe | Field::TcpSackRe => {
            if let Some(t) = tcp {
                let rel_ack = a.and_then(|a| a.rel_ack());
                for &(le, re) in t.options.sack_blocks() {
                    let edge = if f == Field::TcpSackLe { le } else { re };
                    v.int(Some(relative_to_ack(edge, t.ack, rel_ack)));
                }
            }
        }
        Field::BytesInFlight => v.int(tcp.and(a.and_then(|a| a.bytes_in_flight()))),
        Field::AcksFrame => v.int(tcp.and(a.and_then(|a| a.acks_frame()))),
        Field::AckRtt => {
            if let Some(ns) = tcp.and(a.and_then(|a| a.ack_rtt_ns())) {
                v.push(Have::Time(ns));
            }
        }
        Field::TcpWscale => v.int(tcp.and_then(|t| t.options.window_scale)),
        Field::IcmpType | Field::IcmpCode => {
            if let Transport::Icmp(i) | Transport::Icmpv6(i) = &p.transport {
                v.int(Some(if f == Field::IcmpType {
                    i.icmp_type
                } else {
                    i.code
                }));
            }
        }
        Field::VlanId => {
            for id in p.vlan.as_slice() {
                v.int(Some(*id));
            }
        }
        Field::Malformed | Field::Truncated | Field::AnalysisAny | Field::Analysis(_) => {}
    }
    v
}

impl FilterInput<'_> {
    /// The field's values in this packet as tshark's `-T fields` prints them: numbers in
    /// decimal (hex fields as `0x0012`), addresses as text, MACs with colons, bytes as hex
    /// digits, times in seconds with nine decimals, a flag present as `1`. One string per
    /// occurrence; none when the packet does not have the field.
    pub fn texts(&self, field: Field) -> Vec<String> {
        if presence_only(field) && field.ty() != FieldType::Protocol {
            return if present(field, self) {
                vec!["1".into()]
            } else {
                Vec::new()
            };
        }
        let ty = field.ty();
        values(field, self)
            .as_slice()
            .iter()
            .map(|h| match (h, ty) {
                (Have::Int(n), FieldType::Unsigned { bits, hex: true }) => {
                    format!("0x{n:0width$x}", width = usize::from(bits / 4))
                }
                (Have::Int(n), _) => n.to_string(),
                (Have::Time(ns), _) => seconds_text(*ns),
                (Have::Addr(a), _) => a.to_string(),
                (Have::Bytes(b), FieldType::Ether) => crate::decode::ethernet::mac_text(b),
                (Have::Bytes(b), _) => {
                    let mut s = String::with_capacity(b.len() * 2);
                    for x in *b {
                        let _ = write!(s, "{x:02x}");
                    }
                    s
                }
            })
            .collect()
    }
}

/// Nanoseconds as seconds with nine decimals (`-0.000001000` for a negative time).
fn seconds_text(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.unsigned_abs();
    format!("{sign}{}.{:09}", abs / 1_000_000_000, abs % 1_000_000_000)
}
