//! The words every view prints for a whole packet: its protocol and its two addresses. Two
//! conventions exist on purpose, each in one place: tcpdump's for `synack read` (ARP by its
//! protocol addresses, fragments and unknown protocols spelled out) and Wireshark's for the
//! window's columns (ARP by MAC addresses on Ethernet, the highest layer only).

use super::ethernet::mac_text;
use super::{EncapKind, LinkInfo, Net, Packet, Transport};

impl Packet {
    /// The innermost Ethernet addresses: a tunnel's inner Ethernet header (VXLAN, Geneve,
    /// GRE TEB, 802.1ah) when there is one, else the link's; as Wireshark's columns show.
    fn inner_macs(&self) -> Option<([u8; 6], [u8; 6])> {
        let inner = self.encap.iter().rev().find_map(|l| match l.kind {
            EncapKind::Ethernet { src, dst, .. } => Some((src, dst)),
            _ => None,
        });
        inner.or(match self.link {
            LinkInfo::Ethernet { src, dst, .. } => Some((src, dst)),
            _ => None,
        })
    }

    /// Wireshark's Protocol column: the highest layer decoded (`TCP`, `ARP`, `IPv6`, or an
    /// unknown EtherType as `0x88cc`); `-` when nothing was decoded.
    pub fn protocol_column(&self) -> String {
        match (&self.net, &self.transport) {
            (_, Transport::Tcp(_)) => "TCP".into(),
            (_, Transport::Udp(_)) => "UDP".into(),
            (_, Transport::Icmp(_)) => "ICMP".into(),
            (_, Transport::Icmpv6(_)) => "ICMPv6".into(),
            (Net::Arp(_), _) => "ARP".into(),
            (Net::Ip(ip), _) => format!("IPv{}", ip.version),
            (Net::Other { ether_type }, _) => format!("0x{ether_type:04x}"),
            _ => "-".into(),
        }
    }

    /// The protocol as `synack read` prints it: [`Packet::protocol_column`] with what a
    /// one-line listing should not hide: a fragment's protocol number, an IP payload synack
    /// does not decode, an unknown EtherType named as such.
    pub fn protocol_text(&self) -> String {
        match (&self.net, &self.transport) {
            (Net::Ip(ip), Transport::Fragment { protocol }) => {
                format!("IPv{} fragment (proto {protocol})", ip.version)
            }
            (Net::Ip(ip), Transport::Other { protocol }) => {
                format!("IPv{} proto {protocol}", ip.version)
            }
            (Net::Other { ether_type }, _) => format!("ethertype {ether_type:#06x}"),
            _ => self.protocol_column(),
        }
    }

    /// Source and destination as `synack read` prints them (tcpdump's way): IP addresses,
    /// an ARP packet's protocol addresses, else Ethernet MACs; `None` where there is none.
    pub fn addresses(&self) -> (Option<String>, Option<String>) {
        match (&self.net, &self.link) {
            (Net::Ip(ip), _) => (Some(ip.src.to_string()), Some(ip.dst.to_string())),
            (Net::Arp(a), _) => (
                a.sender_ip.map(|i| i.to_string()),
                a.target_ip.map(|i| i.to_string()),
            ),
            (_, LinkInfo::Ethernet { src, dst, .. }) => (Some(mac_text(src)), Some(mac_text(dst))),
            _ => (None, None),
        }
    }

    /// Wireshark's Source and Destination columns: IP addresses; for ARP and other non-IP
    /// frames the innermost Ethernet MACs (an ARP packet's protocol addresses, `?` when
    /// missing, on other links); `-` for none.
    pub fn address_columns(&self) -> (String, String) {
        if let Net::Ip(ip) = &self.net {
            return (ip.src.to_string(), ip.dst.to_string());
        }
        match (self.inner_macs(), &self.net) {
            (Some((src, dst)), _) => (mac_text(&src), mac_text(&dst)),
            (None, Net::Arp(a)) => (
                a.sender_ip.map_or("?".into(), |i| i.to_string()),
                a.target_ip.map_or("?".into(), |i| i.to_string()),
            ),
            (None, _) => ("-".into(), "-".into()),
        }
    }

    /// The link-level header as `tcpdump -e` prints it before the rest of the line
    /// (`00:11:22:33:44:55 > 66:77:88:99:aa:bb, ethertype IPv4 (0x0800), length 74`; Linux
    /// cooked captures by direction and source address, BSD loopback by address family);
    /// `None` for links without a header of their own (raw IP) or not decoded.
    pub fn link_header_text(&self, len: u32) -> Option<String> {
        let ethertype = |t: u16| format!("ethertype {} (0x{t:04x})", ether_type_name(t));
        let cooked_direction = |t: u16| match t {
            0 => "In",
            1 => "B",
            2 => "M",
            3 => "P",
            4 => "Out",
            _ => "?",
        };
        let cooked_addr = |addr: &[u8; 8], n: usize| mac_text(&addr[..n.min(8)]);
        Some(match self.link {
            LinkInfo::Ethernet {
                src,
                dst,
                ether_type,
            } if ether_type < 0x600 => format!(
                "{} > {}, 802.3, length {len}",
                mac_text(&src),
                mac_text(&dst)
            ),
            LinkInfo::Ethernet {
                src,
                dst,
                ether_type,
            } => format!(
                "{} > {}, {}, length {len}",
                mac_text(&src),
                mac_text(&dst),
                ethertype(ether_type)
            ),
            LinkInfo::LinuxSll {
                packet_type,
                addr,
                addr_len,
                protocol,
                ..
            } => format!(
                "{} {} {}, length {len}",
                cooked_direction(packet_type),
                cooked_addr(&addr, usize::from(addr_len)),
                ethertype(protocol)
            ),
            LinkInfo::LinuxSll2 {
                protocol,
                ifindex,
                packet_type,
                addr,
                addr_len,
                ..
            } => format!(
                "{} ifindex {ifindex} {} {}, length {len}",
                cooked_direction(u16::from(packet_type)),
                cooked_addr(&addr, usize::from(addr_len)),
                ethertype(protocol)
            ),
            LinkInfo::Loopback { family } => {
                let name = match family {
                    2 => "IPv4",
                    10 | 24 | 28 | 30 => "IPv6",
                    _ => "Unknown",
                };
                format!("AF {name} ({family}), length {len}")
            }
            _ => return None,
        })
    }
}

/// tcpdump's name of an EtherType (`Unknown` for those it has no name for).
fn ether_type_name(t: u16) -> &'static str {
    match t {
        0x0800 => "IPv4",
        0x86dd => "IPv6",
        0x0806 => "ARP",
        0x8035 => "Reverse ARP",
        0x8100 => "802.1Q",
        0x88a8 => "802.1Q-QinQ",
        0x8863 => "PPPoE D",
        0x8864 => "PPPoE S",
        0x8847 => "MPLS unicast",
        0x8848 => "MPLS multicast",
        0x88cc => "LLDP",
        0x888e => "EAPOL",
        0x22f0 => "AVTP",
        0x88f7 => "PTP",
        _ => "Unknown",
    }
}
