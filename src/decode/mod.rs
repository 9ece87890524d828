//! Decoding: a captured frame into a layered, owned description of the packet.
//!
//! [`decode`] never fails and never panics: it decodes as far as the bytes go. A frame cut by
//! the snapshot length is marked `truncated`; a header whose fields contradict each other or
//! the frame is marked `malformed` with the reason. Everything that could be read is kept.
//!
//! The result ([`Packet`]) owns no bytes: it holds the decoded header fields plus byte offsets
//! into the frame (for the payload, TCP options and the GUI's field highlighting), so it is
//! small, `Clone`, and can be stored next to the raw frames.
//!
//! Each protocol has one home, smoltcp's way: its module holds the header's byte layout
//! (`field`, named byte ranges relative to the header's start), its decoded form and the text
//! every view prints for it ([`ethernet`], [`vlan`], [`arp`], [`ipv4`], [`ipv6`], [`tcp`],
//! [`udp`], [`icmp`]). The GUI's details tree highlights bytes through these ranges; nothing
//! outside this module writes a header offset.

pub mod arcnet;
pub mod arp;
mod encap;
pub mod ethernet;
pub mod icmp;
mod ip;
pub mod ipv4;
pub mod ipv6;
mod link;
mod packet;
mod shim;
pub mod tcp;
mod text;
mod transport;
mod tunnel;
pub mod udp;
pub mod vlan;

/// A field's byte range inside its header (smoltcp's `wire::field::Field`).
pub type Field = std::ops::Range<usize>;

/// The big-endian `u16` at `field` of `header`, when those bytes were captured.
pub fn read_u16(header: &[u8], field: Field) -> Option<u16> {
    let b = header.get(field)?;
    Some(u16::from_be_bytes([*b.first()?, *b.get(1)?]))
}

/// Bytes as lower-case hex digits without separators (`0a1b`), as option data is printed.
pub fn hex_text(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The big-endian `u32` at `field` of `header`, when those bytes were captured.
pub fn read_u32(header: &[u8], field: Field) -> Option<u32> {
    let b = header.get(field)?;
    Some(u32::from_be_bytes([
        *b.first()?,
        *b.get(1)?,
        *b.get(2)?,
        *b.get(3)?,
    ]))
}

pub use arp::ArpInfo;
pub use encap::{EncapKind, EncapLayer};
pub use ethernet::mac_text;
#[cfg(test)]
use ip::set_fast_path;
pub use link::LinkInfo;
pub use packet::{IcmpInfo, IpInfo, LayerOffsets, Net, Packet, Quoted, Transport, UdpInfo, Vlans};
pub use tcp::{SackBlocks, TcpFlags, TcpInfo, TcpOption, TcpOptionIter, TcpOptions};
pub use transport::icmp_summary;

use crate::capture::{Frame, RecordKind};

/// Decodes one frame. Never panics, whatever the bytes.
pub fn decode(frame: &Frame<'_>) -> Packet {
    let mut pkt = Packet::empty(frame);
    if frame.kind != RecordKind::Packet {
        pkt.link = LinkInfo::NotAPacket;
        return pkt;
    }
    let net_start = link::decode_link(frame, &mut pkt);
    if let Some((start, next)) = net_start {
        shim::decode_from(frame.data, frame.len, start, next, &mut pkt);
    }
    pkt
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tunnel_tests;
