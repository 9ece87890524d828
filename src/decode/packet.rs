//! The owned result of decoding one frame.

use std::net::IpAddr;

use super::{EncapLayer, LinkInfo, TcpInfo};
use crate::capture::Frame;

/// VLAN ids of a frame, outermost first (802.1Q and QinQ; at most three are decoded).
///
/// Kept as part of a connection's key: two flows that differ only by VLAN are two flows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Vlans {
    ids: [u16; 3],
    len: u8,
}

impl Vlans {
    /// Appends a tag (ignored past three).
    pub fn push(&mut self, id: u16) {
        if (self.len as usize) < self.ids.len() {
            self.ids[self.len as usize] = id;
            self.len += 1;
        }
    }

    /// The ids, outermost first.
    pub fn as_slice(&self) -> &[u16] {
        &self.ids[..self.len as usize]
    }

    /// True when the frame carried no VLAN tag.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Byte offsets of each layer inside the frame, for hex views and payload access.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LayerOffsets {
    /// Start of the network header (IP/ARP), when one was found.
    pub net: Option<u32>,
    /// Start of the transport header (TCP/UDP/ICMP).
    pub transport: Option<u32>,
    /// Start of the transport payload.
    pub payload: Option<u32>,
}

/// IPv4 or IPv6 header fields that the views and the analysis need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpInfo {
    /// 4 or 6.
    pub version: u8,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Transport protocol number (after IPv6 extension headers).
    pub protocol: u8,
    /// TTL / hop limit.
    pub ttl: u8,
    /// IPv4 identification, or the IPv6 fragment header's identification.
    pub ident: u32,
    /// IPv4 don't-fragment bit.
    pub dont_fragment: bool,
    /// More-fragments bit (IPv4 flag or IPv6 fragment header).
    pub more_fragments: bool,
    /// Fragment offset in bytes.
    pub frag_offset: u32,
    /// True when the packet is a fragment (MF set or offset non-zero).
    pub is_fragment: bool,
    /// Bytes of IP header including options / extension headers.
    pub header_len: u32,
    /// IPv4 options length in bytes.
    pub options_len: u32,
    /// Total length according to the header (IPv4 total length, IPv6 40 + payload length);
    /// when the header says 0 (TSO / jumbogram) the frame's length is used.
    pub total_len: u32,
    /// IPv6 extension header protocol numbers, in order (hop-by-hop 0, routing 43, ...).
    pub ext_headers: [u8; 8],
    /// Number of valid entries in `ext_headers`.
    pub ext_count: u8,
}

impl IpInfo {
    /// The IPv6 extension headers walked, in order.
    pub fn extension_headers(&self) -> &[u8] {
        &self.ext_headers[..self.ext_count as usize]
    }
}

/// The network layer of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Net {
    /// Nothing decodable above the link layer.
    None,
    /// ARP.
    Arp(super::ArpInfo),
    /// IPv4 or IPv6 (see [`IpInfo::version`]).
    Ip(IpInfo),
    /// Another EtherType, kept.
    Other {
        /// The EtherType / protocol number.
        ether_type: u16,
    },
}

/// UDP header fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpInfo {
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Payload length (from the IP length; the UDP length field is checked against it).
    pub len: u32,
}

/// ICMP / ICMPv6 type and code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IcmpInfo {
    /// Message type.
    pub icmp_type: u8,
    /// Message code.
    pub code: u8,
    /// The TCP or UDP packet an error message quotes (its IP header and ports), when whole
    /// enough to read them.
    pub quoted: Option<Quoted>,
}

/// The endpoints of the packet an ICMP error quotes. Wireshark files the quoted TCP or UDP
/// header under its connection (which takes a stream number when it is the first seen),
/// without analysing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quoted {
    /// Source of the quoted packet.
    pub src: IpAddr,
    /// Destination of the quoted packet.
    pub dst: IpAddr,
    /// 6 (TCP) or 17 (UDP).
    pub protocol: u8,
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
}

/// The transport layer of a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// No transport header (not IP, or nothing captured).
    None,
    /// TCP.
    Tcp(TcpInfo),
    /// UDP.
    Udp(UdpInfo),
    /// ICMP for IPv4.
    Icmp(IcmpInfo),
    /// ICMPv6.
    Icmpv6(IcmpInfo),
    /// A fragment after the first: the transport header is in another frame.
    Fragment {
        /// The protocol number of the fragmented datagram.
        protocol: u8,
    },
    /// Another IP protocol, kept by number.
    Other {
        /// IP protocol number.
        protocol: u8,
    },
}

/// A decoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// Link-layer header.
    pub link: LinkInfo,
    /// VLAN ids of every 802.1Q/802.1ad tag in the frame (tunnels included), outermost first.
    pub vlan: Vlans,
    /// The outer layers between the link header and [`Packet::net`], outermost first
    /// (VLAN tags, MPLS labels, PPPoE, outer IP and UDP headers, GRE, VXLAN, ...). Empty for
    /// a plain frame (no allocation).
    pub encap: Vec<EncapLayer>,
    /// Network layer (the innermost one of a tunnelled packet).
    pub net: Net,
    /// Transport layer.
    pub transport: Transport,
    /// Where each layer starts in the frame.
    pub offsets: LayerOffsets,
    /// The frame was cut by the snapshot length (captured length < original length).
    pub truncated: bool,
    /// A header contradicts itself or the frame; the reason, for people.
    pub malformed: Option<String>,
}

impl Packet {
    pub(super) fn empty(frame: &Frame<'_>) -> Packet {
        Packet {
            link: LinkInfo::Unsupported(frame.link.number()),
            vlan: Vlans::default(),
            encap: Vec::new(),
            net: Net::None,
            transport: Transport::None,
            offsets: LayerOffsets::default(),
            truncated: frame.is_truncated(),
            malformed: None,
        }
    }

    /// Records a malformation (the first reason wins: later ones usually follow from it).
    pub(super) fn mark_malformed(&mut self, why: impl Into<String>) {
        if self.malformed.is_none() {
            self.malformed = Some(why.into());
        }
    }

    /// Records a header cut short as a malformation, unless the capture's snapshot length
    /// cut the frame (then a missing header is expected, not the sender's fault).
    pub(super) fn mark_malformed_unless_truncated(&mut self, why: impl Into<String>) {
        if !self.truncated {
            self.mark_malformed(why);
        }
    }

    /// The IP layer, if any.
    pub fn ip(&self) -> Option<&IpInfo> {
        match &self.net {
            Net::Ip(ip) => Some(ip),
            _ => None,
        }
    }

    /// The TCP layer, if any.
    pub fn tcp(&self) -> Option<&TcpInfo> {
        match &self.transport {
            Transport::Tcp(t) => Some(t),
            _ => None,
        }
    }

    /// Source and destination ports for TCP and UDP.
    pub fn ports(&self) -> Option<(u16, u16)> {
        match &self.transport {
            Transport::Tcp(t) => Some((t.sport, t.dport)),
            Transport::Udp(u) => Some((u.sport, u.dport)),
            _ => None,
        }
    }

    /// The protocol name used in listings and JSON: `tcp`, `udp`, `icmp`, `icmpv6`, `arp`,
    /// `ip` (IP with another or fragmented payload) or `other`.
    pub fn proto_name(&self) -> &'static str {
        match (&self.net, &self.transport) {
            (_, Transport::Tcp(_)) => "tcp",
            (_, Transport::Udp(_)) => "udp",
            (_, Transport::Icmp(_)) => "icmp",
            (_, Transport::Icmpv6(_)) => "icmpv6",
            (Net::Arp(_), _) => "arp",
            (Net::Ip(_), _) => "ip",
            _ => "other",
        }
    }

    /// The captured transport payload, as far as it is in the frame.
    pub fn payload<'a>(&self, frame: &'a [u8]) -> &'a [u8] {
        let Some(start) = self.offsets.payload else {
            return &[];
        };
        let len = match &self.transport {
            Transport::Tcp(t) => t.len,
            Transport::Udp(u) => u.len,
            _ => return &[],
        };
        let start = (start as usize).min(frame.len());
        let end = start.saturating_add(len as usize).min(frame.len());
        &frame[start..end]
    }
}
