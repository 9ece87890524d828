//! Link layers: Ethernet II, Linux cooked v1/v2, BSD/OpenBSD loopback, raw IP, PPP (also in
//! HDLC framing and PPPoE without Ethernet), Cisco HDLC, ARCNET, IP over InfiniBand, 802.11 data
//! frames (with or without a radiotap header), OpenBSD pflog and encapsulating interfaces,
//! Linux NFLOG and RFC 1483 LLC/SNAP.
//!
//! Each link header is a few fixed fields; this module reads them and says where the next
//! layer starts and how to recognise it (an EtherType, "IP, version in the first nibble",
//! PPP, ...).

use super::Packet;
use crate::capture::{Frame, LinkType};

/// The link-layer header of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkInfo {
    /// Ethernet II.
    Ethernet {
        /// Source MAC.
        src: [u8; 6],
        /// Destination MAC.
        dst: [u8; 6],
        /// EtherType (or 802.3 length when < 0x600).
        ether_type: u16,
    },
    /// Linux cooked capture v1.
    LinuxSll {
        /// 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us.
        packet_type: u16,
        /// Link-layer address type (ARPHRD_*).
        arphrd: u16,
        /// Link-layer source address (first `addr_len` bytes, up to 8).
        addr: [u8; 8],
        /// Length of the link-layer address.
        addr_len: u16,
        /// Protocol (an EtherType for IP).
        protocol: u16,
    },
    /// Linux cooked capture v2.
    LinuxSll2 {
        /// Protocol (an EtherType for IP).
        protocol: u16,
        /// Interface index.
        ifindex: u32,
        /// Link-layer address type (ARPHRD_*).
        arphrd: u16,
        /// Packet type, as in SLL v1.
        packet_type: u8,
        /// Link-layer source address.
        addr: [u8; 8],
        /// Length of the link-layer address.
        addr_len: u8,
    },
    /// BSD NULL / OpenBSD LOOP: an address family number.
    Loopback {
        /// AF_* value (2 IPv4; 24, 28, 30 IPv6 depending on the OS).
        family: u32,
    },
    /// Raw IP, no link header.
    Raw,
    /// PPP (LINKTYPE_PPP 9, PPP_HDLC 50) or PPPoE without Ethernet (PPP_ETHER 51); the PPP
    /// and PPPoE headers are outer layers of the packet.
    Ppp {
        /// The LINKTYPE number.
        link_type: u16,
    },
    /// Cisco HDLC (LINKTYPE_C_HDLC 104).
    CiscoHdlc {
        /// Address byte (0x0f unicast, 0x8f broadcast).
        address: u8,
        /// Protocol (an EtherType).
        protocol: u16,
    },
    /// ARCNET (LINKTYPE_ARCNET_BSD 7, LINKTYPE_ARCNET_LINUX 129).
    Arcnet {
        /// Source station id.
        src: u8,
        /// Destination station id.
        dst: u8,
        /// Protocol id (0xd4/0xf0 IPv4, 0xc4 IPv6, 0xd5/0xf1 ARP).
        protocol: u8,
        /// Header length.
        header_len: u16,
    },
    /// IP over InfiniBand (LINKTYPE_IPOIB 242): a 44-byte pseudo-header.
    IpOverIb {
        /// Protocol (an EtherType).
        protocol: u16,
    },
    /// IEEE 802.11 (LINKTYPE_IEEE802_11 105, or 127 with a radiotap header first).
    Ieee80211 {
        /// Length of the radiotap header (0 without one).
        radiotap_len: u16,
        /// Frame control field (type, subtype and flags), as on the wire.
        frame_control: u16,
        /// Length of the 802.11 MAC header.
        header_len: u16,
    },
    /// A link header of a fixed or self-described length before IP: OpenBSD pflog (117) and
    /// enc (109), Linux NFLOG (239), LLC/SNAP (ATM RFC 1483, 100).
    Pseudo {
        /// The LINKTYPE number.
        link_type: u16,
        /// Length of the header(s) before the network layer.
        header_len: u16,
    },
    /// The link header is cut short by the capture.
    Truncated,
    /// A link type synack does not decode (the LINKTYPE number).
    Unsupported(u32),
    /// Not a packet (a pcapng custom block or journal entry).
    NotAPacket,
}

/// What follows the link header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// An EtherType-identified payload (IP, ARP, VLAN, ...).
    EtherType(u16),
    /// IP, version from the first nibble.
    Ip,
    /// An Ethernet II header (inside a tunnel).
    Ethernet,
    /// A PPP header.
    Ppp,
    /// An MPLS label stack.
    Mpls,
}

fn be16(d: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([d[at], d[at + 1]])
}

fn be32(d: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]])
}

fn addr8(d: &[u8]) -> [u8; 8] {
    let mut a = [0u8; 8];
    a.copy_from_slice(&d[..8]);
    a
}

/// True when the frame `d` holds the `need` bytes of its link header (named `header` in the
/// malformation); otherwise marks the link truncated and returns false.
fn link_header_fits(
    d: &[u8],
    need: usize,
    pkt: &mut Packet,
    header: std::fmt::Arguments<'_>,
) -> bool {
    if d.len() >= need {
        return true;
    }
    pkt.link = LinkInfo::Truncated;
    pkt.mark_malformed_unless_truncated(format!(
        "{header} header needs {need} bytes, frame has {}",
        d.len()
    ));
    false
}

/// Decodes the link header into `pkt.link`; returns where the network layer starts.
pub(super) fn decode_link(frame: &Frame<'_>, pkt: &mut Packet) -> Option<(usize, Next)> {
    let d = frame.data;
    let need = |n: usize, pkt: &mut Packet| -> bool {
        link_header_fits(d, n, pkt, format_args!("{}", frame.link))
    };
    match frame.link {
        LinkType::Ethernet => {
            use super::ethernet::field;
            if !need(field::HEADER_LEN, pkt) {
                return None;
            }
            let mut dst = [0u8; 6];
            let mut src = [0u8; 6];
            dst.copy_from_slice(&d[field::DESTINATION]);
            src.copy_from_slice(&d[field::SOURCE]);
            let ether_type = be16(d, field::ETHER_TYPE.start);
            pkt.link = LinkInfo::Ethernet {
                src,
                dst,
                ether_type,
            };
            // Below 0x600 the field is an 802.3 length (LLC follows): nothing we decode.
            (ether_type >= 0x0600).then_some((field::HEADER_LEN, Next::EtherType(ether_type)))
        }
        LinkType::LinuxSll => {
            if !need(16, pkt) {
                return None;
            }
            let protocol = be16(d, 14);
            pkt.link = LinkInfo::LinuxSll {
                packet_type: be16(d, 0),
                arphrd: be16(d, 2),
                addr_len: be16(d, 4),
                addr: addr8(&d[6..14]),
                protocol,
            };
            Some((16, Next::EtherType(protocol)))
        }
        LinkType::LinuxSll2 => {
            if !need(20, pkt) {
                return None;
            }
            let protocol = be16(d, 0);
            pkt.link = LinkInfo::LinuxSll2 {
                protocol,
                ifindex: be32(d, 4),
                arphrd: be16(d, 8),
                packet_type: d[10],
                addr_len: d[11],
                addr: addr8(&d[12..20]),
            };
            Some((20, Next::EtherType(protocol)))
        }
        LinkType::Null | LinkType::Loop => {
            if !need(4, pkt) {
                return None;
            }
            let raw = [d[0], d[1], d[2], d[3]];
            let family = if frame.link == LinkType::Loop {
                u32::from_be_bytes(raw)
            } else {
                // NULL is in the capturing host's byte order: take the reading that gives a
                // small number (address families are < 256).
                let le = u32::from_le_bytes(raw);
                if le < 0x100 {
                    le
                } else {
                    u32::from_be_bytes(raw)
                }
            };
            pkt.link = LinkInfo::Loopback { family };
            match family {
                2 => Some((4, Next::EtherType(0x0800))),
                10 | 24 | 28 | 30 => Some((4, Next::EtherType(0x86dd))),
                _ => None,
            }
        }
        LinkType::Raw => {
            pkt.link = LinkInfo::Raw;
            Some((0, Next::Ip))
        }
        LinkType::Ipv4 => {
            pkt.link = LinkInfo::Raw;
            Some((0, Next::EtherType(0x0800)))
        }
        LinkType::Ipv6 => {
            pkt.link = LinkInfo::Raw;
            Some((0, Next::EtherType(0x86dd)))
        }
        LinkType::Other(n) => other_link(n, d, pkt),
    }
}

/// The link types decoded beyond the common ones (by LINKTYPE number).
fn other_link(n: u32, d: &[u8], pkt: &mut Packet) -> Option<(usize, Next)> {
    let short = |need: usize, pkt: &mut Packet| -> bool {
        !link_header_fits(d, need, pkt, format_args!("link type {n}"))
    };
    let pseudo = |header_len: usize, pkt: &mut Packet| {
        pkt.link = LinkInfo::Pseudo {
            link_type: n as u16,
            header_len: header_len as u16,
        };
    };
    match n {
        9 | 50 => {
            // Some routers write Cisco HDLC frames under the PPP link types; Wireshark tells
            // them by their address byte (0x0f unicast, 0x8f broadcast).
            if matches!(d.first(), Some(0x0f | 0x8f)) && d.len() >= 4 {
                let protocol = be16(d, 2);
                pkt.link = LinkInfo::CiscoHdlc {
                    address: d[0],
                    protocol,
                };
                return Some((4, Next::EtherType(protocol)));
            }
            pkt.link = LinkInfo::Ppp {
                link_type: n as u16,
            };
            Some((0, Next::Ppp))
        }
        51 => {
            pkt.link = LinkInfo::Ppp {
                link_type: n as u16,
            };
            Some((0, Next::EtherType(0x8864)))
        }
        104 => {
            if short(4, pkt) {
                return None;
            }
            let protocol = be16(d, 2);
            pkt.link = LinkInfo::CiscoHdlc {
                address: d[0],
                protocol,
            };
            Some((4, Next::EtherType(protocol)))
        }
        242 => {
            if short(44, pkt) {
                return None;
            }
            let protocol = be16(d, 40);
            pkt.link = LinkInfo::IpOverIb { protocol };
            Some((44, Next::EtherType(protocol)))
        }
        105 | 127 => wlan(n, d, pkt),
        7 | 129 => {
            let Some(h) = super::arcnet::Header::parse(d, n == 129) else {
                short(d.len() + 1, pkt);
                return None;
            };
            pkt.link = LinkInfo::Arcnet {
                src: h.src,
                dst: h.dst,
                protocol: h.protocol,
                header_len: h.len as u16,
            };
            h.ether_type().map(|et| (h.len, Next::EtherType(et)))
        }
        100 => {
            if short(8, pkt) {
                return None;
            }
            pseudo(8, pkt);
            llc_snap(d, 0)
        }
        109 => {
            if short(12, pkt) {
                return None;
            }
            pseudo(12, pkt);
            // The address family in the capturing host's byte order.
            let raw = [d[0], d[1], d[2], d[3]];
            let le = u32::from_le_bytes(raw);
            let family = if le < 0x100 {
                le
            } else {
                u32::from_be_bytes(raw)
            };
            family_next(family).map(|next| (12, next))
        }
        117 => {
            if short(2, pkt) {
                return None;
            }
            // Header length rounded up to 4 bytes, as the capturing BPF aligned it.
            let len = (usize::from(d[0]) + 3) & !3;
            if short(len.max(2), pkt) {
                return None;
            }
            pseudo(len, pkt);
            family_next(u32::from(d[1])).map(|next| (len, next))
        }
        239 => nflog(d, pkt),
        _ => {
            pkt.link = LinkInfo::Unsupported(n);
            None
        }
    }
}

/// What an address family number carries (BSD and Linux values).
fn family_next(family: u32) -> Option<Next> {
    match family {
        2 => Some(Next::EtherType(0x0800)),
        10 | 24 | 28 | 30 => Some(Next::EtherType(0x86dd)),
        _ => None,
    }
}

/// An 802.2 LLC/SNAP header (AA AA 03, OUI 0) naming an EtherType.
fn llc_snap(d: &[u8], at: usize) -> Option<(usize, Next)> {
    let h = d.get(at..at + 8)?;
    (h[..6] == [0xaa, 0xaa, 0x03, 0, 0, 0]).then(|| (at + 8, Next::EtherType(be16(h, 6))))
}

/// Linux NFLOG: a 4-byte header, then type-length-value attributes (lengths little-endian,
/// padded to 4 bytes); the packet is attribute 9 (NFULA_PAYLOAD).
fn nflog(d: &[u8], pkt: &mut Packet) -> Option<(usize, Next)> {
    if d.len() < 4 {
        pkt.link = LinkInfo::Truncated;
        return None;
    }
    let next = family_next(u32::from(d[0]));
    let mut at = 4;
    while let Some(h) = d.get(at..at + 4) {
        let len = usize::from(u16::from_le_bytes([h[0], h[1]]));
        let kind = u16::from_le_bytes([h[2], h[3]]) & 0x7fff;
        if len < 4 {
            break;
        }
        if kind == 9 {
            pkt.link = LinkInfo::Pseudo {
                link_type: 239,
                header_len: (at + 4) as u16,
            };
            return next.map(|n| (at + 4, n));
        }
        at += (len + 3) & !3;
    }
    pkt.link = LinkInfo::Pseudo {
        link_type: 239,
        header_len: at.min(d.len()) as u16,
    };
    None
}

/// An 802.11 frame (after a radiotap header for link type 127): data frames that are not
/// protected and carry LLC/SNAP go on to their EtherType.
fn wlan(n: u32, d: &[u8], pkt: &mut Packet) -> Option<(usize, Next)> {
    let mut at = 0;
    if n == 127 {
        let h = d.get(..4)?;
        at = usize::from(u16::from_le_bytes([h[2], h[3]]));
    }
    let Some(fc) = d.get(at..at + 2) else {
        pkt.link = LinkInfo::Truncated;
        return None;
    };
    let (fc0, fc1) = (fc[0], fc[1]);
    let frame_type = (fc0 >> 2) & 3;
    let subtype = fc0 >> 4;
    let mut header_len = 24;
    if frame_type == 2 {
        if fc1 & 3 == 3 {
            header_len += 6; // four addresses
        }
        if subtype & 0x8 != 0 {
            header_len += 2; // QoS control
            if fc1 & 0x80 != 0 {
                header_len += 4; // HT control
            }
        }
    }
    pkt.link = LinkInfo::Ieee80211 {
        radiotap_len: at as u16,
        frame_control: u16::from_be_bytes([fc0, fc1]),
        header_len: header_len as u16,
    };
    // Data frames with a body (not the null-function subtypes), not encrypted.
    if frame_type != 2 || subtype & 0x4 != 0 || fc1 & 0x40 != 0 {
        return None;
    }
    llc_snap(d, at + header_len)
}
