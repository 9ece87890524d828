//! Decoding: a captured frame into a layered, owned description of the packet.
//!
//! [`decode`] never fails and never panics: it decodes as far as the bytes go. A frame cut by
//! the snapshot length is marked `truncated`; a header whose fields contradict each other or
//! the frame is marked `malformed` with the reason. Everything that could be read is kept.
//!
//! The result ([`Packet`]) owns no bytes: it holds the decoded header fields plus byte offsets
//! into the frame (for the payload, TCP options and the GUI's field highlighting), so it is
//! small, `Clone`, and can be stored next to the raw frames.

mod encap;
mod ip;
mod link;
mod packet;
mod shim;
mod tcp;
mod transport;
mod tunnel;

pub use encap::{EncapKind, EncapLayer};
#[cfg(test)]
use ip::set_fast_path;
pub use link::LinkInfo;
pub use packet::{
    ArpInfo, IcmpInfo, IpInfo, LayerOffsets, Net, Packet, Quoted, Transport, UdpInfo, Vlans,
};
pub use tcp::{TcpFlags, TcpInfo, TcpOption, TcpOptionIter, TcpOptions};
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
