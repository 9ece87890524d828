//! Link layers: Ethernet II, Linux cooked v1/v2, BSD/OpenBSD loopback and raw IP.
//!
//! Each link header is a few fixed fields; this module reads them and says where the network
//! layer starts and how to recognise it (an EtherType, or "IP, version in the first nibble").

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

/// Decodes the link header into `pkt.link`; returns where the network layer starts.
pub(super) fn decode_link(frame: &Frame<'_>, pkt: &mut Packet) -> Option<(usize, Next)> {
    let d = frame.data;
    let need = |n: usize, pkt: &mut Packet| -> bool {
        if d.len() < n {
            pkt.link = LinkInfo::Truncated;
            if !pkt.truncated {
                pkt.mark_malformed(format!(
                    "{} header needs {n} bytes, frame has {}",
                    frame.link,
                    d.len()
                ));
            }
            false
        } else {
            true
        }
    };
    match frame.link {
        LinkType::Ethernet => {
            if !need(14, pkt) {
                return None;
            }
            let mut dst = [0u8; 6];
            let mut src = [0u8; 6];
            dst.copy_from_slice(&d[0..6]);
            src.copy_from_slice(&d[6..12]);
            let ether_type = be16(d, 12);
            pkt.link = LinkInfo::Ethernet {
                src,
                dst,
                ether_type,
            };
            // Below 0x600 the field is an 802.3 length (LLC follows): nothing we decode.
            (ether_type >= 0x0600).then_some((14, Next::EtherType(ether_type)))
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
        LinkType::Other(n) => {
            pkt.link = LinkInfo::Unsupported(n);
            None
        }
    }
}
