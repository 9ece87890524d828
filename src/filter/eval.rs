//! Evaluating a parsed filter against one packet.

use std::net::IpAddr;

use super::fields::{Field, Proto};
use super::parse::{Expr, Filter, Op, Value};
use crate::analysis::Flag;
use crate::capture::Frame;
use crate::decode::{LinkInfo, Net, Packet, Transport};

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
}

/// Up to four occurrences of a field's value in one packet, without allocating.
struct Values {
    items: [Value; 4],
    len: usize,
}

impl Values {
    fn new() -> Values {
        Values {
            items: [Value::Int(0); 4],
            len: 0,
        }
    }

    fn push(&mut self, v: Value) {
        if self.len < self.items.len() {
            self.items[self.len] = v;
            self.len += 1;
        }
    }

    fn int(&mut self, v: Option<impl Into<u64>>) {
        if let Some(v) = v {
            self.push(Value::Int(v.into()));
        }
    }

    fn as_slice(&self) -> &[Value] {
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
        Expr::Present(f) => present(*f, input),
        Expr::Cmp(f, Op::Ne, v) => !compare(*f, Op::Eq, v, input),
        Expr::Cmp(f, op, v) => compare(*f, *op, v, input),
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

fn compare(f: Field, op: Op, want: &Value, input: &FilterInput<'_>) -> bool {
    let have = match f {
        // Presence-only fields compared with numbers: 1 when present, 0 when absent.
        Field::Proto(_)
        | Field::Malformed
        | Field::Truncated
        | Field::AnalysisAny
        | Field::Analysis(_) => {
            let mut v = Values::new();
            v.push(Value::Int(u64::from(present(f, input))));
            v
        }
        _ => values(f, input),
    };
    have.as_slice().iter().any(|h| match (h, want) {
        (Value::Int(a), Value::Int(b)) => ordered(op, a, b),
        (Value::Time(a), Value::Time(b)) => ordered(op, a, b),
        (Value::Addr(a), Value::Addr(b)) => a == b,
        (Value::Addr(a), Value::Net(net, bits)) => in_network(*a, *net, *bits),
        _ => false,
    })
}

/// `a op b` for ordered values (`!=` is evaluated as the negation of `==` by the caller).
fn ordered<T: PartialOrd>(op: Op, a: T, b: T) -> bool {
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

fn values(f: Field, input: &FilterInput<'_>) -> Values {
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
    match f {
        Field::FrameNumber => v.int(Some(input.frame.number)),
        Field::FrameLen => v.int(Some(input.frame.len)),
        Field::FrameCapLen => v.int(Some(input.frame.caplen())),
        Field::IpAddr | Field::IpSrc | Field::IpDst => {
            if let Some(i) = v4 {
                if f != Field::IpDst {
                    v.push(Value::Addr(i.src));
                }
                if f != Field::IpSrc {
                    v.push(Value::Addr(i.dst));
                }
            }
        }
        Field::Ipv6Addr | Field::Ipv6Src | Field::Ipv6Dst => {
            if let Some(i) = v6 {
                if f != Field::Ipv6Dst {
                    v.push(Value::Addr(i.src));
                }
                if f != Field::Ipv6Src {
                    v.push(Value::Addr(i.dst));
                }
            }
        }
        Field::Ttl => v.int(ip.map(|i| i.ttl)),
        Field::IpProto => v.int(ip.map(|i| i.protocol)),
        Field::IpMoreFragments => v.int(v4.map(|i| u8::from(i.more_fragments))),
        Field::IpFragOffset => v.int(v4.map(|i| i.frag_offset)),
        Field::TcpPort => {
            if let Some(t) = tcp {
                v.int(Some(t.sport));
                v.int(Some(t.dport));
            }
        }
        Field::TcpSrcPort => v.int(tcp.map(|t| t.sport)),
        Field::TcpDstPort => v.int(tcp.map(|t| t.dport)),
        Field::UdpPort => {
            if let Some(u) = udp {
                v.int(Some(u.sport));
                v.int(Some(u.dport));
            }
        }
        Field::UdpSrcPort => v.int(udp.map(|u| u.sport)),
        Field::UdpDstPort => v.int(udp.map(|u| u.dport)),
        Field::UdpLength => v.int(udp.map(|u| u.len + 8)),
        Field::TcpStream => v.int(tcp.and(a.and_then(|a| a.tcp_stream()))),
        Field::UdpStream => v.int(udp.and(a.and_then(|a| a.udp_stream()))),
        Field::TcpLen => v.int(tcp.map(|t| t.len)),
        Field::TcpSeq => v.int(tcp.map(|t| a.and_then(|a| a.rel_seq()).unwrap_or(t.seq))),
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
        Field::TcpMss => v.int(tcp.and_then(|t| t.options.mss)),
        Field::BytesInFlight => v.int(tcp.and(a.and_then(|a| a.bytes_in_flight()))),
        Field::AcksFrame => v.int(tcp.and(a.and_then(|a| a.acks_frame()))),
        Field::AckRtt => {
            if let Some(ns) = tcp.and(a.and_then(|a| a.ack_rtt_ns())) {
                v.push(Value::Time(ns));
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
        Field::Proto(_)
        | Field::Malformed
        | Field::Truncated
        | Field::AnalysisAny
        | Field::Analysis(_) => {}
    }
    v
}
