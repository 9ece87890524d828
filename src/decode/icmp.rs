//! ICMP and ICMPv6 (RFC 792, RFC 4443): the common header's layout. The decoded header is
//! [`super::IcmpInfo`]; [`super::icmp_summary`] words it.

/// Byte ranges of the header ICMP and ICMPv6 share.
pub mod field {
    use crate::decode::Field;

    /// Message type.
    pub const TYPE: Field = 0..1;
    /// Message code.
    pub const CODE: Field = 1..2;
    /// Checksum.
    pub const CHECKSUM: Field = 2..4;
}
