//! UDP (RFC 768): the header's layout. The decoded header is [`super::UdpInfo`].

/// Byte ranges of the UDP header.
pub mod field {
    use crate::decode::Field;

    /// Source port.
    pub const SRC_PORT: Field = 0..2;
    /// Destination port.
    pub const DST_PORT: Field = 2..4;
    /// Length of header and payload.
    pub const LENGTH: Field = 4..6;
    /// Checksum (0: none, over IPv4).
    pub const CHECKSUM: Field = 6..8;
    /// Length of the header; the payload starts here.
    pub const HEADER_LEN: usize = 8;
}
