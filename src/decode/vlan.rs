//! IEEE 802.1Q VLAN tags: the layout of one tag as it follows the Ethernet addresses.
//!
//! The decoded ids are [`super::Vlans`]; a tag's bytes start at [`super::ethernet::field::HEADER_LEN`]
//! plus [`field::TAG_LEN`] per tag before it.

/// Byte ranges of one 802.1Q tag, counted from the tag's TCI (the TPID is the EtherType
/// before it).
pub mod field {
    use crate::decode::Field;

    /// Tag control information: priority (3 bits), drop eligible (1), VLAN id (12).
    pub const TCI: Field = 0..2;
    /// The EtherType of what follows the tag.
    pub const ETHER_TYPE: Field = 2..4;
    /// Length of one tag.
    pub const TAG_LEN: usize = 4;
}

/// The priority code point of a TCI.
pub fn priority(tci: u16) -> u8 {
    (tci >> 13) as u8
}

/// The VLAN id of a TCI.
pub fn id(tci: u16) -> u16 {
    tci & 0x0fff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tci_splits_into_priority_and_id() {
        // PCP 5, DEI 0, id 100.
        let tci = (5 << 13) | 100;
        assert_eq!(priority(tci), 5);
        assert_eq!(id(tci), 100);
    }
}
