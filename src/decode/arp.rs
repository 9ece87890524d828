//! ARP (RFC 826) for Ethernet and IPv4: the packet's layout, its decoded form and its
//! one-line summaries.

use std::net::Ipv4Addr;

use super::ethernet::mac_text;

/// Byte ranges of an ARP packet; the addresses are those of Ethernet/IPv4 ARP (hardware
/// addresses of 6 bytes, protocol addresses of 4), the only kind synack decodes.
pub mod field {
    use crate::decode::Field;

    /// Hardware type (1 for Ethernet).
    pub const HARDWARE_TYPE: Field = 0..2;
    /// Protocol type (an EtherType, 0x0800 for IPv4).
    pub const PROTOCOL_TYPE: Field = 2..4;
    /// Hardware address length.
    pub const HARDWARE_LEN: Field = 4..5;
    /// Protocol address length.
    pub const PROTOCOL_LEN: Field = 5..6;
    /// Operation: 1 request, 2 reply.
    pub const OPERATION: Field = 6..8;
    /// Sender hardware address.
    pub const SENDER_MAC: Field = 8..14;
    /// Sender protocol address.
    pub const SENDER_IP: Field = 14..18;
    /// Target hardware address.
    pub const TARGET_MAC: Field = 18..24;
    /// Target protocol address.
    pub const TARGET_IP: Field = 24..28;
    /// Length of an Ethernet/IPv4 ARP packet.
    pub const PACKET_LEN: usize = 28;
}

/// ARP summary (who-has / is-at).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArpInfo {
    /// 1 request, 2 reply, others kept as numbers.
    pub operation: u16,
    /// Sender protocol address (IPv4 for Ethernet/IPv4 ARP).
    pub sender_ip: Option<Ipv4Addr>,
    /// Target protocol address.
    pub target_ip: Option<Ipv4Addr>,
    /// Sender hardware address when 6 bytes long.
    pub sender_mac: Option<[u8; 6]>,
}

fn or_unknown<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "?".to_string(), |v| v.to_string())
}

/// The words one tool writes an ARP packet with: `{who_has}TARGET{tell}SENDER` for a
/// request, `SENDER{is_at}MAC` for a reply, `{operation}N` for anything else.
struct Wording {
    who_has: &'static str,
    tell: &'static str,
    is_at: &'static str,
    operation: &'static str,
}

/// tcpdump's words.
const TCPDUMP: Wording = Wording {
    who_has: "who-has ",
    tell: " tell ",
    is_at: " is-at ",
    operation: "operation ",
};

/// Wireshark's Info column's words.
const WIRESHARK: Wording = Wording {
    who_has: "Who has ",
    tell: "? Tell ",
    is_at: " is at ",
    operation: "ARP operation ",
};

impl ArpInfo {
    /// tcpdump's words (`synack read`): `who-has 10.0.0.2 tell 10.0.0.1`,
    /// `10.0.0.2 is-at 02:00:00:00:00:02`, `operation 3`.
    pub fn summary(&self) -> String {
        self.sentence(&TCPDUMP)
    }

    /// Wireshark's Info column: `Who has 10.0.0.2? Tell 10.0.0.1`,
    /// `10.0.0.2 is at 02:00:00:00:00:02`, `ARP operation 3`.
    pub fn info(&self) -> String {
        self.sentence(&WIRESHARK)
    }

    /// The packet in `words`, with `?` for an address it does not carry.
    fn sentence(&self, words: &Wording) -> String {
        let Wording {
            who_has,
            tell,
            is_at,
            operation,
        } = words;
        match self.operation {
            1 => format!(
                "{who_has}{}{tell}{}",
                or_unknown(self.target_ip),
                or_unknown(self.sender_ip)
            ),
            2 => format!(
                "{}{is_at}{}",
                or_unknown(self.sender_ip),
                or_unknown(self.sender_mac.map(|m| mac_text(&m)))
            ),
            op => format!("{operation}{op}"),
        }
    }

    /// The operation's name as Wireshark's details print it: `request (1)`, `reply (2)`.
    pub fn operation_text(&self) -> String {
        match self.operation {
            1 => "request (1)".to_string(),
            2 => "reply (2)".to_string(),
            op => op.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arp(operation: u16) -> ArpInfo {
        ArpInfo {
            operation,
            sender_ip: Some(Ipv4Addr::new(10, 0, 0, 1)),
            target_ip: Some(Ipv4Addr::new(10, 0, 0, 2)),
            sender_mac: Some([2, 0, 0, 0, 0, 1]),
        }
    }

    #[test]
    fn summaries_in_tcpdump_and_wireshark_words() {
        assert_eq!(arp(1).summary(), "who-has 10.0.0.2 tell 10.0.0.1");
        assert_eq!(arp(1).info(), "Who has 10.0.0.2? Tell 10.0.0.1");
        assert_eq!(arp(2).summary(), "10.0.0.1 is-at 02:00:00:00:00:01");
        assert_eq!(arp(2).info(), "10.0.0.1 is at 02:00:00:00:00:01");
        assert_eq!(arp(9).summary(), "operation 9");
        assert_eq!(arp(9).info(), "ARP operation 9");
        let unknown = ArpInfo {
            sender_ip: None,
            sender_mac: None,
            ..arp(2)
        };
        assert_eq!(unknown.summary(), "? is-at ?");
    }
}
