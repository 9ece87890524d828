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
}
