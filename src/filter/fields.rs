//! The fields a filter can name, with Wireshark's names and types, in one table
//! ([`Field::table`]): the parser looks names up in it once, when the filter is parsed
//! (`tcp.analysis.retransmission` becomes [`Flag::Retransmission`]: no string is compared
//! per packet), `synack read -T fields -e NAME` prints through it, and `synack fields` lists
//! it.

use crate::analysis::Flag;

/// A field (or protocol) a filter can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A protocol name: present when the packet has that layer; its bytes (from the layer's
    /// start to the frame's end) can be sliced (`tcp[13]`) or searched (`frame contains`).
    Proto(Proto),
    /// `frame.number`.
    FrameNumber,
    /// `frame.len` (original length).
    FrameLen,
    /// `frame.cap_len`.
    FrameCapLen,
    /// `frame.time_relative`: seconds since the first frame.
    FrameTimeRelative,
    /// `frame.time_epoch`: seconds since 1970.
    FrameTimeEpoch,
    /// `eth.src`.
    EthSrc,
    /// `eth.dst`.
    EthDst,
    /// `eth.addr` (source or destination).
    EthAddr,
    /// `eth.type`.
    EthType,
    /// `ip.addr` (source or destination, IPv4).
    IpAddr,
    /// `ip.src`.
    IpSrc,
    /// `ip.dst`.
    IpDst,
    /// `ip.len` (total length as sent).
    IpLen,
    /// `ip.id`.
    IpId,
    /// `ip.hdr_len`.
    IpHdrLen,
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
    /// `ip.flags.df`.
    IpDontFragment,
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
    /// `tcp.nxtseq`: the sequence number after this segment (relative when analysis ran).
    TcpNextSeq,
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
    /// `tcp.payload`: the segment's bytes.
    TcpPayload,
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
    /// `tcp.options.sack_le`: left edges of the SACK blocks (relative when analysis ran).
    TcpSackLe,
    /// `tcp.options.sack_re`: right edges of the SACK blocks (relative when analysis ran).
    TcpSackRe,
    /// `udp.length` (payload + 8).
    UdpLength,
    /// `udp.payload`: the datagram's bytes.
    UdpPayload,
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

/// A field's type, as Wireshark names it (`tshark -G fields`): what its values are, how
/// they print, and which literals compare with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A protocol (present or not; its bytes can be sliced).
    Protocol,
    /// A marker without a value (an analysis flag); prints `1` when present.
    None,
    /// 0 or 1.
    Boolean,
    /// An unsigned integer of `bits` bits, printed in hex when `hex`.
    Unsigned {
        /// Width in bits (8, 16, 32, 64).
        bits: u8,
        /// Printed as `0x...` (Wireshark's BASE_HEX).
        hex: bool,
    },
    /// A frame number.
    FrameNum,
    /// An IPv4 address.
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// A MAC address.
    Ether,
    /// A byte string.
    Bytes,
    /// A time in seconds, relative to something.
    RelativeTime,
    /// A point in time (seconds since 1970).
    AbsoluteTime,
}

impl FieldType {
    /// Wireshark's name of the type (`FT_UINT16`, ...).
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Protocol => "FT_PROTOCOL",
            FieldType::None => "FT_NONE",
            FieldType::Boolean => "FT_BOOLEAN",
            FieldType::Unsigned { bits: 8, .. } => "FT_UINT8",
            FieldType::Unsigned { bits: 16, .. } => "FT_UINT16",
            FieldType::Unsigned { bits: 32, .. } => "FT_UINT32",
            FieldType::Unsigned { .. } => "FT_UINT64",
            FieldType::FrameNum => "FT_FRAMENUM",
            FieldType::Ipv4 => "FT_IPv4",
            FieldType::Ipv6 => "FT_IPv6",
            FieldType::Ether => "FT_ETHER",
            FieldType::Bytes => "FT_BYTES",
            FieldType::RelativeTime => "FT_RELATIVE_TIME",
            FieldType::AbsoluteTime => "FT_ABSOLUTE_TIME",
        }
    }
}

/// One row of the field table.
#[derive(Debug, Clone, Copy)]
pub struct FieldInfo {
    /// The name in filters and `-e`.
    pub name: &'static str,
    /// The field it names.
    pub field: Field,
    /// Its type.
    pub ty: FieldType,
    /// What it is, for people.
    pub what: &'static str,
}

const fn uint(bits: u8, hex: bool) -> FieldType {
    FieldType::Unsigned { bits, hex }
}

// The table's type column, one word each, so that a row reads as name, field, type, meaning.
/// `FT_UINT8`, printed in decimal.
const U8: FieldType = uint(8, false);
/// `FT_UINT16`, printed in decimal.
const U16: FieldType = uint(16, false);
/// `FT_UINT32`, printed in decimal.
const U32: FieldType = uint(32, false);
/// `FT_UINT16`, printed in hex.
const HEX16: FieldType = uint(16, true);
/// `FT_NONE`: a marker without a value.
const MARKER: FieldType = FieldType::None;

macro_rules! table {
    ($($name:literal => $field:expr, $ty:expr, $what:literal;)*) => {
        &[$(FieldInfo { name: $name, field: $field, ty: $ty, what: $what }),*]
    };
}

/// Every field but the analysis flags (those come from [`Flag::ALL`]).
const TABLE: &[FieldInfo] = {
    use crate::decode::TcpFlags as F;
    use Field::*;
    use FieldType::{
        AbsoluteTime, Boolean, Bytes, Ether, FrameNum, Ipv4, Ipv6, Protocol, RelativeTime,
    };
    table! {
        "frame" => Proto(self::Proto::Frame), Protocol, "Frame (every packet)";
        "eth" => Proto(self::Proto::Eth), Protocol, "Ethernet";
        "vlan" => Proto(self::Proto::Vlan), Protocol, "802.1Q Virtual LAN";
        "arp" => Proto(self::Proto::Arp), Protocol, "Address Resolution Protocol";
        "ip" => Proto(self::Proto::Ip), Protocol, "Internet Protocol Version 4";
        "ipv6" => Proto(self::Proto::Ipv6), Protocol, "Internet Protocol Version 6";
        "tcp" => Proto(self::Proto::Tcp), Protocol, "Transmission Control Protocol";
        "udp" => Proto(self::Proto::Udp), Protocol, "User Datagram Protocol";
        "icmp" => Proto(self::Proto::Icmp), Protocol, "Internet Control Message Protocol";
        "icmpv6" => Proto(self::Proto::Icmpv6), Protocol, "Internet Control Message Protocol v6";
        "frame.number" => FrameNumber, U32, "Frame number";
        "frame.len" => FrameLen, U32, "Frame length on the wire";
        "frame.cap_len" => FrameCapLen, U32, "Frame length captured";
        "frame.time_relative" => FrameTimeRelative, RelativeTime, "Time since the first frame";
        "frame.time_epoch" => FrameTimeEpoch, AbsoluteTime, "Epoch time";
        "frame.truncated" => Truncated, Boolean, "Cut by the snapshot length (synack)";
        "eth.src" => EthSrc, Ether, "Source MAC address";
        "eth.dst" => EthDst, Ether, "Destination MAC address";
        "eth.addr" => EthAddr, Ether, "Source or destination MAC address";
        "eth.type" => EthType, HEX16, "EtherType";
        "vlan.id" => VlanId, U16, "VLAN identifier (each tag)";
        "ip.addr" => IpAddr, Ipv4, "Source or destination address";
        "ip.src" => IpSrc, Ipv4, "Source address";
        "ip.dst" => IpDst, Ipv4, "Destination address";
        "ip.len" => IpLen, U16, "Total length";
        "ip.id" => IpId, HEX16, "Identification";
        "ip.hdr_len" => IpHdrLen, U8, "Header length";
        "ip.ttl" => Ttl, U8, "Time to live";
        "ip.proto" => IpProto, U8, "Protocol";
        "ip.flags.df" => IpDontFragment, Boolean, "Don't fragment";
        "ip.flags.mf" => IpMoreFragments, Boolean, "More fragments";
        "ip.frag_offset" => IpFragOffset, U16, "Fragment offset (bytes)";
        "ipv6.addr" => Ipv6Addr, Ipv6, "Source or destination address";
        "ipv6.src" => Ipv6Src, Ipv6, "Source address";
        "ipv6.dst" => Ipv6Dst, Ipv6, "Destination address";
        "ipv6.hlim" => Ttl, U8, "Hop limit";
        "ipv6.nxt" => IpProto, U8, "Next header";
        "tcp.port" => TcpPort, U16, "Source or destination port";
        "tcp.srcport" => TcpSrcPort, U16, "Source port";
        "tcp.dstport" => TcpDstPort, U16, "Destination port";
        "tcp.stream" => TcpStream, U32, "Stream index";
        "tcp.len" => TcpLen, U32, "TCP segment length";
        "tcp.seq" => TcpSeq, U32, "Sequence number (relative)";
        "tcp.nxtseq" => TcpNextSeq, U32, "Next sequence number (relative)";
        "tcp.ack" => TcpAck, U32, "Acknowledgment number (relative)";
        "tcp.seq_raw" => TcpSeqRaw, U32, "Sequence number (raw)";
        "tcp.ack_raw" => TcpAckRaw, U32, "Acknowledgment number (raw)";
        "tcp.hdr_len" => TcpHdrLen, U8, "Header length";
        "tcp.flags" => TcpFlags, HEX16, "Flags";
        "tcp.flags.ae" => TcpFlag(F::NS), Boolean, "Accurate ECN";
        "tcp.flags.ns" => TcpFlag(F::NS), Boolean, "Nonce (now Accurate ECN)";
        "tcp.flags.cwr" => TcpFlag(F::CWR), Boolean, "Congestion Window Reduced";
        "tcp.flags.ece" => TcpFlag(F::ECE), Boolean, "ECN-Echo";
        "tcp.flags.ecn" => TcpFlag(F::ECE), Boolean, "ECN-Echo";
        "tcp.flags.urg" => TcpFlag(F::URG), Boolean, "Urgent";
        "tcp.flags.ack" => TcpFlag(F::ACK), Boolean, "Acknowledgment";
        "tcp.flags.push" => TcpFlag(F::PSH), Boolean, "Push";
        "tcp.flags.psh" => TcpFlag(F::PSH), Boolean, "Push";
        "tcp.flags.reset" => TcpFlag(F::RST), Boolean, "Reset";
        "tcp.flags.rst" => TcpFlag(F::RST), Boolean, "Reset";
        "tcp.flags.syn" => TcpFlag(F::SYN), Boolean, "Syn";
        "tcp.flags.fin" => TcpFlag(F::FIN), Boolean, "Fin";
        "tcp.window_size_value" => TcpWindowValue, U16, "Window (as sent)";
        "tcp.window_size" => TcpWindowSize, U32, "Calculated window size";
        "tcp.options.mss_val" => TcpMss, U16, "MSS value";
        "tcp.options.wscale.shift" => TcpWscale, U8, "Window scale shift count";
        "tcp.options.sack_le" => TcpSackLe, U32, "SACK left edge (relative)";
        "tcp.options.sack_re" => TcpSackRe, U32, "SACK right edge (relative)";
        "tcp.payload" => TcpPayload, Bytes, "TCP payload";
        "tcp.analysis.flags" => AnalysisAny, MARKER, "Any TCP analysis flag";
        "tcp.analysis.bytes_in_flight" => BytesInFlight, U32, "Bytes in flight";
        "tcp.analysis.ack_rtt" => AckRtt, RelativeTime, "RTT to ACK the segment";
        "tcp.analysis.acks_frame" => AcksFrame, FrameNum, "The frame this ACK acknowledges";
        "udp.port" => UdpPort, U16, "Source or destination port";
        "udp.srcport" => UdpSrcPort, U16, "Source port";
        "udp.dstport" => UdpDstPort, U16, "Destination port";
        "udp.stream" => UdpStream, U32, "Stream index";
        "udp.length" => UdpLength, U16, "Length (header and payload)";
        "udp.payload" => UdpPayload, Bytes, "UDP payload";
        "icmp.type" => IcmpType, U8, "Type";
        "icmp.code" => IcmpCode, U8, "Code";
        "icmpv6.type" => IcmpType, U8, "Type";
        "icmpv6.code" => IcmpCode, U8, "Code";
        "_ws.malformed" => Malformed, Protocol, "Malformed packet";
        "malformed" => Malformed, Protocol, "Malformed packet";
    }
};

impl Field {
    /// Every field a filter or `-e` can name, with its type and meaning: the table above,
    /// then one `tcp.analysis.<flag>` per analysis flag.
    pub fn table() -> impl Iterator<Item = FieldInfo> {
        TABLE
            .iter()
            .copied()
            .chain(Flag::ALL.into_iter().map(|f| FieldInfo {
                name: f.filter_name(),
                field: Field::Analysis(f),
                ty: FieldType::None,
                what: f.label(),
            }))
    }

    /// Looks a name up; `None` when synack does not know it.
    pub fn lookup(name: &str) -> Option<Field> {
        Field::info(name).map(|i| i.field)
    }

    /// The table's row for a name.
    pub fn info(name: &str) -> Option<FieldInfo> {
        Field::table().find(|i| i.name == name)
    }

    /// The field's type.
    pub fn ty(self) -> FieldType {
        Field::table()
            .find(|i| i.field == self)
            .map_or(FieldType::None, |i| i.ty)
    }

    /// The largest value the field can hold, for integer fields (a literal above it can
    /// never match: the filter is refused, as tshark does).
    pub fn max_value(self) -> Option<u64> {
        match self {
            Field::VlanId => Some(4095),
            Field::TcpFlags => Some(0xfff),
            Field::IpFragOffset => Some(0x1fff * 8),
            Field::TcpHdrLen | Field::IpHdrLen => Some(60),
            _ => match self.ty() {
                FieldType::Boolean => Some(1),
                FieldType::Unsigned { bits, .. } if bits < 64 => Some((1u64 << bits) - 1),
                FieldType::FrameNum => Some(u64::from(u32::MAX)),
                _ => None,
            },
        }
    }

    /// True for fields that hold addresses (so values parse as IP addresses).
    pub fn is_address(self) -> bool {
        matches!(self.ty(), FieldType::Ipv4 | FieldType::Ipv6)
    }

    /// True for fields that hold a time (values parse as decimal seconds).
    pub fn is_time(self) -> bool {
        matches!(self.ty(), FieldType::RelativeTime | FieldType::AbsoluteTime)
    }

    /// True for fields whose values are bytes (compared with byte strings like `00:1b:21`
    /// or `"GET"`, sliced, searched with `contains` and `matches`).
    pub fn is_bytes(self) -> bool {
        matches!(
            self.ty(),
            FieldType::Protocol | FieldType::Bytes | FieldType::Ether
        )
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
        Field::table().map(|i| i.name.to_string()).collect()
    }
}
