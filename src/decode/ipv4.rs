//! IPv4 (RFC 791): the header's layout. The decoded header is [`super::IpInfo`] (version 4).

/// Byte ranges of the IPv4 header.
pub mod field {
    use crate::decode::Field;

    /// Version (high nibble) and header length in 32-bit words (low nibble).
    pub const VERSION_IHL: Field = 0..1;
    /// DSCP and ECN.
    pub const DSCP_ECN: Field = 1..2;
    /// Total length of the datagram.
    pub const TOTAL_LEN: Field = 2..4;
    /// Identification.
    pub const IDENT: Field = 4..6;
    /// Flags (reserved, DF, MF) and fragment offset in 8-byte units.
    pub const FLAGS_FRAG_OFFSET: Field = 6..8;
    /// Time to live.
    pub const TTL: Field = 8..9;
    /// Protocol of the payload.
    pub const PROTOCOL: Field = 9..10;
    /// Header checksum.
    pub const CHECKSUM: Field = 10..12;
    /// Source address.
    pub const SRC_ADDR: Field = 12..16;
    /// Destination address.
    pub const DST_ADDR: Field = 16..20;
    /// Where the options start (and, without options, the payload).
    pub const OPTIONS: usize = 20;
}

/// The header length the low nibble of [`field::VERSION_IHL`] gives, in bytes.
pub fn header_len(version_ihl: u8) -> usize {
    usize::from(version_ihl & 0x0f) * 4
}
