//! IPv6 (RFC 8200): the fixed header's layout. The decoded header is [`super::IpInfo`]
//! (version 6); extension headers are listed in [`super::IpInfo::extension_headers`].

/// Byte ranges of the fixed IPv6 header.
pub mod field {
    use crate::decode::Field;

    /// Version, traffic class and flow label.
    pub const VERSION_CLASS_FLOW: Field = 0..4;
    /// Payload length (extension headers included).
    pub const PAYLOAD_LEN: Field = 4..6;
    /// Next header: the first extension header or the transport protocol.
    pub const NEXT_HEADER: Field = 6..7;
    /// Hop limit.
    pub const HOP_LIMIT: Field = 7..8;
    /// Source address.
    pub const SRC_ADDR: Field = 8..24;
    /// Destination address.
    pub const DST_ADDR: Field = 24..40;
    /// Length of the fixed header; extension headers (or the payload) start here.
    pub const HEADER_LEN: usize = 40;
}
