//! Ethernet II: the header's layout and the MAC address text every view prints.
//!
//! The decoded header is [`super::LinkInfo::Ethernet`].

use std::fmt::Write as _;

/// Byte ranges of the Ethernet II header (IEEE 802.3 clause 3.1.1).
pub mod field {
    use crate::decode::Field;

    /// Destination MAC address.
    pub const DESTINATION: Field = 0..6;
    /// Source MAC address.
    pub const SOURCE: Field = 6..12;
    /// EtherType (or an 802.3 length below 0x600).
    pub const ETHER_TYPE: Field = 12..14;
    /// Length of the header; the payload (or the first VLAN tag) starts here.
    pub const HEADER_LEN: usize = 14;
}

/// A MAC address as Wireshark and tcpdump print it: `02:00:00:00:00:01`.
pub fn mac_text(mac: &[u8]) -> String {
    let mut s = String::with_capacity(mac.len() * 3);
    for (i, b) in mac.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_text_is_lower_case_hex_with_colons() {
        assert_eq!(mac_text(&[2, 0, 0, 0xab, 0, 1]), "02:00:00:ab:00:01");
        assert_eq!(mac_text(&[0xff; 6]), "ff:ff:ff:ff:ff:ff");
        assert_eq!(mac_text(&[]), "");
    }

    #[test]
    fn fields_tile_the_header() {
        assert_eq!(field::DESTINATION.end, field::SOURCE.start);
        assert_eq!(field::SOURCE.end, field::ETHER_TYPE.start);
        assert_eq!(field::ETHER_TYPE.end, field::HEADER_LEN);
    }
}
