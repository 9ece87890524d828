//! The fields a filter can name, with Wireshark's names. Names are resolved once, when the
//! filter is parsed (`tcp.analysis.retransmission` becomes [`Flag::Retransmission`]): no
//! string is compared per packet.

use crate::analysis::Flag;

/// A field (or protocol) a filter can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A protocol name: present when the packet has that layer.
    Proto(Proto),
    /// `frame.number`.
    FrameNumber,
    /// `frame.len` (original length).
    FrameLen,
    /// `frame.cap_len`.
    FrameCapLen,
    /// `ip.addr` (source or destination, IPv4).
    IpAddr,
    /// `ip.src`.
    IpSrc,
    /// `ip.dst`.
    IpDst,
    /// `ipv6.addr`.
    Ipv6Addr,
    /// `ipv6.src`.
    Ipv6Src,
    /// `ipv6.dst`.
    Ipv6Dst,
    /// `ip.ttl` / `ipv6.hlim`.
    Ttl,
    /// `ip.proto` / `ipv6.nxt`.
    IpProto,
    /// `ip.flags.mf`.
    IpMoreFragments,
    /// `ip.frag_offset` (in bytes, like Wireshark).
    IpFragOffset,
    /// `tcp.port`.
    TcpPort,
    /// `tcp.srcport`.
    TcpSrcPort,
    /// `tcp.dstport`.
    TcpDstPort,
    /// `udp.port`.
    UdpPort,
    /// `udp.srcport`.
    UdpSrcPort,
    /// `udp.dstport`.
    UdpDstPort,
    /// `tcp.stream` (needs analysis).
    TcpStream,
    /// `udp.stream` (needs analysis).
    UdpStream,
    /// `tcp.len`.
    TcpLen,
    /// `tcp.seq` (relative when analysis ran).
    TcpSeq,
    /// `tcp.ack` (relative when analysis ran).
    TcpAck,
    /// `tcp.seq_raw`.
    TcpSeqRaw,
    /// `tcp.ack_raw`.
    TcpAckRaw,
    /// `tcp.window_size_value` (as sent).
    TcpWindowValue,
    /// `tcp.window_size` (scaled, needs analysis; else as sent).
    TcpWindowSize,
    /// `tcp.hdr_len`.
    TcpHdrLen,
    /// `tcp.flags` (numeric).
    TcpFlags,
    /// `tcp.flags.<name>`: the bit given.
    TcpFlag(u16),
    /// `tcp.analysis.flags`: any analysis flag.
    AnalysisAny,
    /// `tcp.analysis.<name>`: that flag (names from [`Flag::name`]).
    Analysis(Flag),
    /// `tcp.analysis.bytes_in_flight` (needs analysis).
    BytesInFlight,
    /// `tcp.analysis.ack_rtt`, a time in seconds (needs analysis).
    AckRtt,
    /// `tcp.analysis.acks_frame` (needs analysis).
    AcksFrame,
    /// `tcp.options.mss_val`.
    TcpMss,
    /// `tcp.options.wscale.shift`.
    TcpWscale,
    /// `udp.length` (payload + 8).
    UdpLength,
    /// `icmp.type` / `icmpv6.type`.
    IcmpType,
    /// `icmp.code` / `icmpv6.code`.
    IcmpCode,
    /// `vlan.id`.
    VlanId,
    /// `_ws.malformed` / `malformed`.
    Malformed,
    /// `frame.truncated` (synack's name: caplen < len).
    Truncated,
}

/// Protocol names usable alone (`tcp`, `arp`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    /// Every frame.
    Frame,
    /// Ethernet.
    Eth,
    /// 802.1Q.
    Vlan,
    /// ARP.
    Arp,
    /// IPv4.
    Ip,
    /// IPv6.
    Ipv6,
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP.
    Icmp,
    /// ICMPv6.
    Icmpv6,
}

impl Field {
    /// Looks a name up; `None` when synack does not know it.
    pub fn lookup(name: &str) -> Option<Field> {
        use crate::decode::TcpFlags as F;
        use Field::*;
        if let Some(flag) = name.strip_prefix("tcp.analysis.") {
            match flag {
                "flags" => return Some(AnalysisAny),
                "bytes_in_flight" => return Some(BytesInFlight),
                "ack_rtt" => return Some(AckRtt),
                "acks_frame" => return Some(AcksFrame),
                _ => {}
            }
            return Flag::ALL
                .into_iter()
                .find(|f| f.name() == flag)
                .map(Analysis);
        }
        Some(match name {
            "frame" => Proto(self::Proto::Frame),
            "eth" => Proto(self::Proto::Eth),
            "vlan" => Proto(self::Proto::Vlan),
            "arp" => Proto(self::Proto::Arp),
            "ip" => Proto(self::Proto::Ip),
            "ipv6" => Proto(self::Proto::Ipv6),
            "tcp" => Proto(self::Proto::Tcp),
            "udp" => Proto(self::Proto::Udp),
            "icmp" => Proto(self::Proto::Icmp),
            "icmpv6" => Proto(self::Proto::Icmpv6),
            "frame.number" => FrameNumber,
            "frame.len" => FrameLen,
            "frame.cap_len" => FrameCapLen,
            "frame.truncated" => Truncated,
            "ip.addr" => IpAddr,
            "ip.src" => IpSrc,
            "ip.dst" => IpDst,
            "ipv6.addr" => Ipv6Addr,
            "ipv6.src" => Ipv6Src,
            "ipv6.dst" => Ipv6Dst,
            "ip.ttl" | "ipv6.hlim" => Ttl,
            "ip.proto" | "ipv6.nxt" => IpProto,
            "ip.flags.mf" => IpMoreFragments,
            "ip.frag_offset" => IpFragOffset,
            "tcp.port" => TcpPort,
            "tcp.srcport" => TcpSrcPort,
            "tcp.dstport" => TcpDstPort,
            "udp.port" => UdpPort,
            "udp.srcport" => UdpSrcPort,
            "udp.dstport" => UdpDstPort,
            "tcp.stream" => TcpStream,
            "udp.stream" => UdpStream,
            "tcp.len" => TcpLen,
            "tcp.seq" => TcpSeq,
            "tcp.ack" => TcpAck,
            "tcp.seq_raw" => TcpSeqRaw,
            "tcp.ack_raw" => TcpAckRaw,
            "tcp.window_size_value" => TcpWindowValue,
            "tcp.window_size" => TcpWindowSize,
            "tcp.hdr_len" => TcpHdrLen,
            "tcp.flags" => TcpFlags,
            "tcp.flags.fin" => TcpFlag(F::FIN),
            "tcp.flags.syn" => TcpFlag(F::SYN),
            "tcp.flags.reset" | "tcp.flags.rst" => TcpFlag(F::RST),
            "tcp.flags.push" | "tcp.flags.psh" => TcpFlag(F::PSH),
            "tcp.flags.ack" => TcpFlag(F::ACK),
            "tcp.flags.urg" => TcpFlag(F::URG),
            "tcp.flags.ece" | "tcp.flags.ecn" => TcpFlag(F::ECE),
            "tcp.flags.cwr" => TcpFlag(F::CWR),
            "tcp.flags.ae" | "tcp.flags.ns" => TcpFlag(F::NS),
            "tcp.options.mss_val" => TcpMss,
            "tcp.options.wscale.shift" => TcpWscale,
            "udp.length" => UdpLength,
            "icmp.type" | "icmpv6.type" => IcmpType,
            "icmp.code" | "icmpv6.code" => IcmpCode,
            "vlan.id" => VlanId,
            "_ws.malformed" | "malformed" => Malformed,
            _ => return None,
        })
    }

    /// True for fields that hold addresses (so values parse as IP addresses).
    pub fn is_address(self) -> bool {
        matches!(
            self,
            Field::IpAddr
                | Field::IpSrc
                | Field::IpDst
                | Field::Ipv6Addr
                | Field::Ipv6Src
                | Field::Ipv6Dst
        )
    }

    /// True for fields that hold a relative time (values parse as decimal seconds).
    pub fn is_time(self) -> bool {
        self == Field::AckRtt
    }

    /// True for fields computed from the packets before this one by the sequence analysis
    /// (a view that keeps only part of each packet's analysis must run it again).
    pub fn is_wire_metric(self) -> bool {
        matches!(
            self,
            Field::BytesInFlight | Field::AckRtt | Field::AcksFrame
        )
    }

    /// Every name [`Field::lookup`] accepts, for completion and error hints.
    pub fn names() -> Vec<String> {
        let mut v: Vec<String> = [
            "frame",
            "eth",
            "vlan",
            "arp",
            "ip",
            "ipv6",
            "tcp",
            "udp",
            "icmp",
            "icmpv6",
            "frame.number",
            "frame.len",
            "frame.cap_len",
            "frame.truncated",
            "ip.addr",
            "ip.src",
            "ip.dst",
            "ipv6.addr",
            "ipv6.src",
            "ipv6.dst",
            "ip.ttl",
            "ip.proto",
            "ip.flags.mf",
            "ip.frag_offset",
            "tcp.port",
            "tcp.srcport",
            "tcp.dstport",
            "udp.port",
            "udp.srcport",
            "udp.dstport",
            "tcp.stream",
            "udp.stream",
            "tcp.len",
            "tcp.seq",
            "tcp.ack",
            "tcp.seq_raw",
            "tcp.ack_raw",
            "tcp.window_size_value",
            "tcp.window_size",
            "tcp.hdr_len",
            "tcp.flags",
            "tcp.flags.fin",
            "tcp.flags.syn",
            "tcp.flags.reset",
            "tcp.flags.push",
            "tcp.flags.ack",
            "tcp.flags.urg",
            "tcp.flags.ece",
            "tcp.flags.cwr",
            "tcp.options.mss_val",
            "tcp.options.wscale.shift",
            "udp.length",
            "icmp.type",
            "icmp.code",
            "vlan.id",
            "_ws.malformed",
            "tcp.analysis.flags",
            "tcp.analysis.bytes_in_flight",
            "tcp.analysis.ack_rtt",
            "tcp.analysis.acks_frame",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(
            Flag::ALL
                .iter()
                .map(|f| format!("tcp.analysis.{}", f.name())),
        );
        v
    }
}
