//! ARCNET link headers (LINKTYPE_ARCNET_BSD 7 and LINKTYPE_ARCNET_LINUX 129), read as
//! Wireshark reads them: source and destination station ids, the Linux form's 2-byte offset,
//! a protocol id, then (except for RFC 1051 and a few others) RFC 1201's split flag and
//! sequence number; the BSD form may carry an exception header (split flag 0xff, 2 padding
//! bytes, the protocol id again and the real split flag).

/// Byte ranges of an ARCNET header, counted from its start.
pub mod field {
    use crate::decode::Field;

    /// Source station id.
    pub const SOURCE: usize = 0;
    /// Destination station id.
    pub const DESTINATION: usize = 1;
    /// The hardware packet's offset field (Linux form only).
    pub const OFFSET: Field = 2..4;
    /// The split flag, sequence number and (BSD exception frames) padding after the
    /// protocol id: flag (1 byte), sequence (2).
    pub const FRAGMENT_LEN: usize = 3;
    /// An exception frame's extra bytes: flag 0xff, padding (2), protocol id again (1).
    pub const EXCEPTION_LEN: usize = 4;
}

/// RFC 1051 IPv4.
pub const PROTO_IP_1051: u8 = 0xf0;
/// RFC 1051 ARP.
pub const PROTO_ARP_1051: u8 = 0xf1;
/// RFC 1201 IPv4.
pub const PROTO_IP_1201: u8 = 0xd4;
/// RFC 1201 ARP.
pub const PROTO_ARP_1201: u8 = 0xd5;
/// RFC 1201 RARP.
pub const PROTO_RARP_1201: u8 = 0xd6;
/// IPv6 (RFC 2497).
pub const PROTO_IPV6: u8 = 0xc4;
/// Diagnose.
const PROTO_DIAGNOSE: u8 = 0x80;
/// BACnet.
const PROTO_BACNET: u8 = 0xcd;

/// A decoded ARCNET header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Source station id.
    pub src: u8,
    /// Destination station id.
    pub dst: u8,
    /// Protocol id of the payload.
    pub protocol: u8,
    /// Header length in bytes (where the payload starts).
    pub len: usize,
}

impl Header {
    /// Parses the header of a frame; `linux` selects LINKTYPE 129's form (with the offset
    /// field, never an exception header). `None` when the captured bytes end inside it.
    pub fn parse(d: &[u8], linux: bool) -> Option<Header> {
        let src = *d.get(field::SOURCE)?;
        let dst = *d.get(field::DESTINATION)?;
        let mut at = if linux { field::OFFSET.end } else { 2 };
        let mut protocol = *d.get(at)?;
        at += 1;
        if !matches!(
            protocol,
            PROTO_IP_1051 | PROTO_ARP_1051 | PROTO_DIAGNOSE | PROTO_BACNET
        ) {
            if !linux && *d.get(at)? == 0xff {
                protocol = *d.get(at + 3)?;
                at += field::EXCEPTION_LEN;
            }
            at += field::FRAGMENT_LEN;
            if d.len() < at {
                return None;
            }
        }
        Some(Header {
            src,
            dst,
            protocol,
            len: at,
        })
    }

    /// The EtherType of what the protocol id carries, for the ones decoded here.
    pub fn ether_type(&self) -> Option<u16> {
        match self.protocol {
            PROTO_IP_1051 | PROTO_IP_1201 => Some(0x0800),
            PROTO_IPV6 => Some(0x86dd),
            PROTO_ARP_1051 | PROTO_ARP_1201 => Some(0x0806),
            PROTO_RARP_1201 => Some(0x8035),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_rfc1201_header_has_offset_split_flag_and_sequence() {
        let d = [0x50, 0xbe, 0xea, 0x08, PROTO_IP_1201, 0, 0x01, 0x65, 0x45];
        let h = Header::parse(&d, true).unwrap();
        assert_eq!((h.src, h.dst, h.protocol, h.len), (0x50, 0xbe, 0xd4, 8));
        assert_eq!(h.ether_type(), Some(0x0800));
    }

    #[test]
    fn rfc1051_header_has_no_fragment_fields() {
        let d = [0x50, 0xbe, 0, 0, PROTO_IP_1051, 0x45];
        assert_eq!(Header::parse(&d, true).unwrap().len, 5);
        let bsd = [0x50, 0xbe, PROTO_ARP_1051, 0x00];
        let h = Header::parse(&bsd, false).unwrap();
        assert_eq!((h.len, h.ether_type()), (3, Some(0x0806)));
    }

    #[test]
    fn bsd_exception_frame_repeats_the_protocol_after_padding() {
        let d = [1, 2, PROTO_IP_1201, 0xff, 0, 0, PROTO_IPV6, 0, 0, 1, 0x60];
        let h = Header::parse(&d, false).unwrap();
        assert_eq!((h.protocol, h.len), (PROTO_IPV6, 10));
        // The Linux form has no exception header: 0xff is just the split flag.
        assert_eq!(
            Header::parse(&[1, 2, 0, 0, PROTO_IP_1201, 0xff, 0, 0], true)
                .unwrap()
                .len,
            8
        );
    }

    #[test]
    fn cut_headers_are_refused() {
        assert_eq!(Header::parse(&[1, 2, 0, 0, PROTO_IP_1201, 0], true), None);
        assert_eq!(Header::parse(&[1], false), None);
    }
}
