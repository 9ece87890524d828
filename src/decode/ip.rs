//! Network layer with etherparse: ARP, IPv4 (options, fragments) and IPv6 (extension headers
//! walked), parsed laxly so that cut frames decode as far as they go; a plain IPv4 header is
//! read directly (the fast path). IP payloads that are tunnels go to [`super::tunnel`].

use std::net::{IpAddr, Ipv4Addr};

use etherparse::err::packet::SliceError;
use etherparse::{EtherType, LaxIpPayloadSlice, LaxNetSlice, LaxSlicedPacket};

use super::link::Next;
use super::packet::{IpInfo, Net, Packet};
use super::transport;
use super::tunnel;
use super::ArpInfo;

/// Offset of `inner` inside `outer` (both slices of the same frame).
pub(super) fn offset_in(outer: &[u8], inner: &[u8]) -> u32 {
    (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize) as u32
}

/// Decodes everything from the network layer up, starting at `start` in `frame`.
///
/// `wire_len` is the frame's original length: an IP length beyond what was on the wire is a
/// lie, and the segment is measured by the wire (as Wireshark does).
pub(super) fn decode_network(
    frame: &[u8],
    wire_len: u32,
    start: usize,
    next: Next,
    pkt: &mut Packet,
) {
    let slice = &frame[start.min(frame.len())..];
    let on_wire = wire_len.saturating_sub(start as u32);
    let ipv4_next = matches!(next, Next::EtherType(0x0800) | Next::Ip);
    if fast_path_on() && ipv4_next && plain_ipv4(frame, slice, on_wire, pkt) {
        return;
    }
    let lax = match next {
        Next::EtherType(et) => LaxSlicedPacket::from_ether_type(EtherType(et), slice),
        Next::Ip => match LaxSlicedPacket::from_ip(slice) {
            Ok(p) => p,
            Err(e) => {
                if !pkt.truncated || !matches!(e, etherparse::err::ip::LaxHeaderSliceError::Len(_))
                {
                    pkt.mark_malformed(format!("IP header: {e}"));
                }
                return;
            }
        },
        // Handled before the network layer (super::shim).
        Next::Ethernet | Next::Ppp | Next::Mpls => return,
    };
    for id in lax.vlan_ids() {
        pkt.vlan.push(id.value());
    }
    if let Some((err, layer)) = &lax.stop_err {
        // A header cut by the snapshot length is expected; anything else means the bytes lie.
        let cut_by_snaplen = pkt.truncated && matches!(err, SliceError::Len(_));
        if !cut_by_snaplen && lax.net.is_none() {
            pkt.mark_malformed(format!("{layer}: {err}"));
        }
    }
    match &lax.net {
        None => {
            if let Some(ep) = lax.ether_payload() {
                pkt.offsets.net = Some(offset_in(frame, ep.payload));
                let is_ip_or_arp = matches!(ep.ether_type.0, 0x0800 | 0x86dd | 0x0806);
                if !is_ip_or_arp {
                    pkt.net = Net::Other {
                        ether_type: ep.ether_type.0,
                    };
                }
            }
        }
        Some(LaxNetSlice::Arp(arp)) => {
            pkt.offsets.net = Some(offset_in(frame, arp.slice()));
            let v4 =
                |a: &[u8]| -> Option<Ipv4Addr> { <[u8; 4]>::try_from(a).ok().map(Ipv4Addr::from) };
            pkt.net = Net::Arp(ArpInfo {
                operation: arp.operation().0,
                sender_ip: v4(arp.sender_protocol_addr()),
                target_ip: v4(arp.target_protocol_addr()),
                sender_mac: <[u8; 6]>::try_from(arp.sender_hw_addr()).ok(),
            });
        }
        Some(LaxNetSlice::Ipv4(v4)) => {
            let h = v4.header();
            pkt.offsets.net = Some(offset_in(frame, h.slice()));
            let ihl_len = u32::from(h.ihl()) * 4;
            let auth_len = v4.extensions().auth.map_or(0, |a| a.slice().len() as u32);
            let available = h.slice().len() as u32 + v4.payload().payload.len() as u32 + auth_len;
            let mut total_len = u32::from(h.total_len());
            let mut bogus_length = false;
            if total_len == 0 {
                // TSO/GSO: the stack had not filled the length in yet; the frame tells.
                total_len = available;
            } else if total_len < ihl_len {
                // Wireshark's "bogus IP length": the payload is not decoded.
                pkt.mark_malformed(format!(
                    "bogus IPv4 total length {total_len} (less than its header length {ihl_len})"
                ));
                bogus_length = true;
                total_len = ihl_len;
            } else if total_len > on_wire {
                pkt.mark_malformed(format!(
                    "IPv4 total length {total_len} exceeds the {on_wire} bytes on the wire"
                ));
                total_len = on_wire.max(ihl_len);
            }
            let frag_offset = u32::from(h.fragments_offset().value()) * 8;
            let more_fragments = h.more_fragments();
            let info = IpInfo {
                version: 4,
                src: IpAddr::V4(h.source_addr()),
                dst: IpAddr::V4(h.destination_addr()),
                protocol: v4.payload().ip_number.0,
                ttl: h.ttl(),
                ident: u32::from(h.identification()),
                dont_fragment: h.dont_fragment(),
                more_fragments,
                frag_offset,
                is_fragment: more_fragments || frag_offset > 0,
                header_len: ihl_len + auth_len,
                options_len: ihl_len.saturating_sub(20),
                total_len,
                ext_headers: [0; 8],
                ext_count: 0,
            };
            if bogus_length {
                pkt.net = Net::Ip(info);
                return;
            }
            let payload_len = total_len.saturating_sub(ihl_len + auth_len);
            decode_ip_payload(frame, info, v4.payload(), payload_len, pkt);
        }
        Some(LaxNetSlice::Ipv6(v6)) => {
            let h = v6.header();
            pkt.offsets.net = Some(offset_in(frame, h.slice()));
            let exts = v6.extensions();
            let ext_len = exts.slice().len() as u32;
            let mut info = IpInfo {
                version: 6,
                src: IpAddr::V6(h.source_addr()),
                dst: IpAddr::V6(h.destination_addr()),
                protocol: v6.payload().ip_number.0,
                ttl: h.hop_limit(),
                ident: 0,
                dont_fragment: false,
                more_fragments: false,
                frag_offset: 0,
                is_fragment: false,
                header_len: 40 + ext_len,
                options_len: 0,
                total_len: 0,
                ext_headers: [0; 8],
                ext_count: 0,
            };
            walk_ipv6_extensions(h.next_header().0, exts.slice(), &mut info);
            let available = 40 + ext_len + v6.payload().payload.len() as u32;
            let payload_length = u32::from(h.payload_length());
            info.total_len = if payload_length == 0 {
                available
            } else {
                if 40 + payload_length > on_wire {
                    pkt.mark_malformed(format!(
                        "IPv6 payload length {payload_length} exceeds the {} bytes on the wire",
                        on_wire.saturating_sub(40)
                    ));
                    on_wire.max(40 + ext_len)
                } else {
                    40 + payload_length
                }
            };
            let payload_len = info.total_len.saturating_sub(40 + ext_len);
            decode_ip_payload(frame, info, v6.payload(), payload_len, pkt);
        }
    }
}

fn decode_ip_payload(
    frame: &[u8],
    info: IpInfo,
    payload: &LaxIpPayloadSlice<'_>,
    payload_len: u32,
    pkt: &mut Packet,
) {
    decode_ip_bytes(frame, info, payload.payload, payload_len, pkt);
}

fn decode_ip_bytes(frame: &[u8], info: IpInfo, payload: &[u8], payload_len: u32, pkt: &mut Packet) {
    pkt.net = Net::Ip(info);
    pkt.offsets.transport = Some(offset_in(frame, payload));
    if info.frag_offset > 0 {
        pkt.transport = super::Transport::Fragment {
            protocol: info.protocol,
        };
        return;
    }
    if matches!(info.protocol, 4 | 41 | 47) && !info.is_fragment {
        let at = offset_in(frame, payload);
        if tunnel::ip_payload(frame, info.protocol, at as usize, at + payload_len, pkt) {
            return;
        }
    }
    transport::decode_transport(frame, info.protocol, payload, payload_len, pkt);
}

#[cfg(test)]
thread_local! {
    /// Whether [`plain_ipv4`] may take the common case (tests turn it off to compare it with
    /// etherparse's result on the same frames).
    static FAST_PATH: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Turns the plain-IPv4 fast path off (`false`) or on for this thread (tests only).
#[cfg(test)]
pub(super) fn set_fast_path(on: bool) {
    FAST_PATH.with(|f| f.set(on));
}

/// The fast path is always on outside tests: no per-packet switch on the hot path.
#[inline(always)]
fn fast_path_on() -> bool {
    #[cfg(test)]
    return FAST_PATH.with(|f| f.get());
    #[cfg(not(test))]
    true
}

/// The common case decoded directly: an IPv4 header without options, not AH, whose total
/// length fits the captured bytes and the wire. etherparse's lax slicing copies its large
/// result structs several times per packet (a tenth of the reading thread's time on a busy
/// capture); this gives the same [`Packet`] for these frames (a test compares the two on
/// every capture of the corpus and on random headers) and leaves every other frame to it.
/// Returns false, having changed nothing, when the frame is not such a packet.
fn plain_ipv4(frame: &[u8], slice: &[u8], on_wire: u32, pkt: &mut Packet) -> bool {
    use super::ipv4::field;
    let Some(h) = slice.get(..field::OPTIONS) else {
        return false;
    };
    let be16 = |f: super::Field| u16::from_be_bytes([h[f.start], h[f.start + 1]]);
    let total_len = be16(field::TOTAL_LEN);
    let protocol = h[field::PROTOCOL.start];
    if h[field::VERSION_IHL.start] != 0x45
        || protocol == 51
        || usize::from(total_len) < field::OPTIONS
        || usize::from(total_len) > slice.len()
        || u32::from(total_len) > on_wire
    {
        return false;
    }
    let flags_frag = be16(field::FLAGS_FRAG_OFFSET);
    let frag_offset = u32::from(flags_frag & 0x1fff) * 8;
    let more_fragments = flags_frag & 0x2000 != 0;
    let addr = |f: super::Field| {
        let i = f.start;
        IpAddr::V4(Ipv4Addr::new(h[i], h[i + 1], h[i + 2], h[i + 3]))
    };
    let info = IpInfo {
        version: 4,
        src: addr(field::SRC_ADDR),
        dst: addr(field::DST_ADDR),
        protocol,
        ttl: h[field::TTL.start],
        ident: u32::from(be16(field::IDENT)),
        dont_fragment: flags_frag & 0x4000 != 0,
        more_fragments,
        frag_offset,
        is_fragment: more_fragments || frag_offset > 0,
        header_len: field::OPTIONS as u32,
        options_len: 0,
        total_len: u32::from(total_len),
        ext_headers: [0; 8],
        ext_count: 0,
    };
    pkt.offsets.net = Some(offset_in(frame, slice));
    let payload = &slice[field::OPTIONS..usize::from(total_len)];
    decode_ip_bytes(
        frame,
        info,
        payload,
        u32::from(total_len) - field::OPTIONS as u32,
        pkt,
    );
    true
}

/// Walks the IPv6 extension headers etherparse separated, recording their numbers and the
/// fragment header's fields.
///
/// Done here with bounds checks rather than with etherparse's `Ipv6ExtensionSliceIter`, which
/// (0.21) indexes past the end of a lax-parsed, cut extension chain (found by our property
/// test: an unchecked `get_unchecked` in `Ipv6RawExtHeaderSlice::from_slice_unchecked`).
fn walk_ipv6_extensions(first: u8, bytes: &[u8], info: &mut IpInfo) {
    let mut next = first;
    let mut rest = bytes;
    while !rest.is_empty() {
        let len = match next {
            // hop-by-hop, routing, destination options, mobility, HIP, shim6
            0 | 43 | 60 | 135 | 139 | 140 => rest.get(1).map(|l| (usize::from(*l) + 1) * 8),
            44 => Some(8),
            51 => rest.get(1).map(|l| (usize::from(*l) + 2) * 4),
            _ => None,
        };
        let Some(len) = len.filter(|l| *l <= rest.len()) else {
            break;
        };
        if next == 44 {
            let off_flags = u16::from_be_bytes([rest[2], rest[3]]);
            info.frag_offset = u32::from(off_flags >> 3) * 8;
            info.more_fragments = off_flags & 1 == 1;
            info.ident = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]);
            info.is_fragment = info.more_fragments || info.frag_offset > 0;
        }
        if (info.ext_count as usize) < info.ext_headers.len() {
            info.ext_headers[info.ext_count as usize] = next;
            info.ext_count += 1;
        }
        next = rest[0];
        rest = &rest[len..];
    }
}
