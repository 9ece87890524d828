//! Headers between the link layer and IP, walked one by one: VLAN and 802.1ad service tags,
//! 802.1ah (PBB) service tags, Cisco FabricPath, MPLS label stacks (and Ethernet
//! pseudowires), PPPoE sessions, PPP, and Ethernet headers inside tunnels.
//!
//! [`decode_from`] follows the chain from a link header's payload until it reaches a network
//! header ([`super::ip`] decodes IP, ARP and the rest), pushing each layer it crosses onto
//! [`Packet::encap`]. Each step checks its header fits the captured bytes and the bytes on the
//! wire; a cut header ends the walk (marked malformed unless the snapshot length cut it).

use super::encap::{EncapKind, EncapLayer, MAX_LAYERS};
use super::ip;
use super::link::Next;
use super::Packet;

fn be16(d: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([d[at], d[at + 1]])
}

/// True when `need` bytes from `at` are captured and on the wire; otherwise marks the packet
/// (malformed unless the capture's snapshot length explains the cut) and returns false.
pub(super) fn fits(
    d: &[u8],
    wire_end: u32,
    at: usize,
    need: usize,
    what: &str,
    pkt: &mut Packet,
) -> bool {
    let end = at.saturating_add(need);
    if end as u64 > u64::from(wire_end) {
        pkt.mark_malformed(format!(
            "{what} header needs {need} bytes, {} left",
            (wire_end as usize).saturating_sub(at)
        ));
        return false;
    }
    if end > d.len() {
        pkt.mark_malformed_unless_truncated(format!(
            "{what} header needs {need} bytes, {} captured",
            d.len().saturating_sub(at)
        ));
        return false;
    }
    true
}

/// Records an outer layer of `len` bytes at `at`.
pub(super) fn push(pkt: &mut Packet, kind: EncapKind, at: usize, len: usize) {
    pkt.encap.push(EncapLayer {
        kind,
        start: at as u32,
        len: len.min(usize::from(u16::MAX)) as u16,
    });
}

/// Decodes from `at` (whose type `next` tells) to the innermost network layer. `wire_end` is
/// where the enclosing layer's payload ends on the wire (the frame's length at the top).
pub(super) fn decode_from(
    d: &[u8],
    mut wire_end: u32,
    mut at: usize,
    mut next: Next,
    pkt: &mut Packet,
) {
    loop {
        if pkt.encap.len() >= MAX_LAYERS {
            pkt.mark_malformed(format!("more than {MAX_LAYERS} nested layers"));
            return;
        }
        let step = match next {
            Next::Ip => return ip::decode_network(d, wire_end, at, next, pkt),
            Next::Ethernet => ethernet(d, wire_end, at, pkt),
            Next::Ppp => ppp(d, wire_end, at, pkt),
            Next::Mpls => mpls(d, wire_end, at, pkt),
            Next::EtherType(et) => match et {
                0x8100 | 0x88a8 | 0x9100 => vlan(d, wire_end, at, et, pkt),
                0x88e7 => pbb(d, wire_end, at, pkt),
                0x8903 => fabricpath(d, &mut wire_end, at, pkt),
                0x8847 | 0x8848 => mpls(d, wire_end, at, pkt),
                0x8864 => pppoe(d, &mut wire_end, at, pkt),
                0x6558 => Some((at, Next::Ethernet)),
                _ => return ip::decode_network(d, wire_end, at, next, pkt),
            },
        };
        match step {
            Some((a, n)) => (at, next) = (a, n),
            None => return,
        }
    }
}

/// An Ethernet II header inside a tunnel (no FCS).
fn ethernet(d: &[u8], wire_end: u32, at: usize, pkt: &mut Packet) -> Option<(usize, Next)> {
    if !fits(d, wire_end, at, 14, "inner Ethernet", pkt) {
        return None;
    }
    let mut dst = [0u8; 6];
    let mut src = [0u8; 6];
    dst.copy_from_slice(&d[at..at + 6]);
    src.copy_from_slice(&d[at + 6..at + 12]);
    let ether_type = be16(d, at + 12);
    push(
        pkt,
        EncapKind::Ethernet {
            src,
            dst,
            ether_type,
        },
        at,
        14,
    );
    // Below 0x600 the field is an 802.3 length (LLC follows): nothing we decode.
    if ether_type < 0x0600 {
        pkt.offsets.net = Some((at + 14) as u32);
        return None;
    }
    Some((at + 14, Next::EtherType(ether_type)))
}

/// One 802.1Q / 802.1ad tag (the TPID was the EtherType that led here).
fn vlan(d: &[u8], wire_end: u32, at: usize, tpid: u16, pkt: &mut Packet) -> Option<(usize, Next)> {
    if !fits(d, wire_end, at, 4, "VLAN", pkt) {
        return None;
    }
    let tci = be16(d, at);
    let id = tci & 0x0fff;
    pkt.vlan.push(id);
    push(
        pkt,
        EncapKind::Vlan {
            tpid,
            id,
            pcp: (tci >> 13) as u8,
        },
        at,
        4,
    );
    let ether_type = be16(d, at + 2);
    if ether_type < 0x0600 {
        pkt.offsets.net = Some((at + 4) as u32);
        return None;
    }
    Some((at + 4, Next::EtherType(ether_type)))
}

/// An 802.1ah I-TAG (4 bytes) and the customer addresses after it.
fn pbb(d: &[u8], wire_end: u32, at: usize, pkt: &mut Packet) -> Option<(usize, Next)> {
    if !fits(d, wire_end, at, 4, "802.1ah", pkt) {
        return None;
    }
    let tag = u32::from_be_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]]);
    push(
        pkt,
        EncapKind::Pbb {
            isid: tag & 0x00ff_ffff,
            pcp: (tag >> 29) as u8,
        },
        at,
        4,
    );
    Some((at + 4, Next::Ethernet))
}

/// A Cisco FabricPath tag (2 bytes after EtherType 0x8903), then the original frame, whose
/// last 4 bytes on the wire are its frame check sequence (Wireshark always takes them so).
fn fabricpath(d: &[u8], wire_end: &mut u32, at: usize, pkt: &mut Packet) -> Option<(usize, Next)> {
    if !fits(d, *wire_end, at, 2, "FabricPath", pkt) {
        return None;
    }
    let tag = be16(d, at);
    push(
        pkt,
        EncapKind::FabricPath {
            ftag: tag >> 6,
            ttl: (tag & 0x3f) as u8,
        },
        at,
        2,
    );
    *wire_end = wire_end.saturating_sub(FCS_LEN).max((at + 2) as u32);
    Some((at + 2, Next::Ethernet))
}

/// Length of an Ethernet frame check sequence.
const FCS_LEN: u32 = 4;

/// An MPLS label stack down to its bottom entry, then what it carries (Wireshark's choice:
/// first nibble 4 IPv4, 6 IPv6, otherwise an Ethernet pseudowire, with a control word when
/// the first nibble is 0 and the bytes read as Ethernet only after it).
fn mpls(d: &[u8], wire_end: u32, mut at: usize, pkt: &mut Packet) -> Option<(usize, Next)> {
    loop {
        if pkt.encap.len() >= MAX_LAYERS {
            pkt.mark_malformed(format!("more than {MAX_LAYERS} nested layers"));
            return None;
        }
        if !fits(d, wire_end, at, 4, "MPLS", pkt) {
            return None;
        }
        let e = u32::from_be_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]]);
        let bottom = e & 0x100 != 0;
        push(
            pkt,
            EncapKind::Mpls {
                label: e >> 12,
                tc: ((e >> 9) & 7) as u8,
                bottom,
                ttl: e as u8,
            },
            at,
            4,
        );
        at += 4;
        if bottom {
            break;
        }
    }
    let first = *d.get(at)?;
    match first >> 4 {
        4 => Some((at, Next::EtherType(0x0800))),
        6 => Some((at, Next::EtherType(0x86dd))),
        nibble => {
            let looks_like_ethernet = |o: usize| {
                d.get(o + 12..o + 14).is_some_and(|t| {
                    matches!(
                        u16::from_be_bytes([t[0], t[1]]),
                        0x0800 | 0x86dd | 0x0806 | 0x8100 | 0x88a8 | 0x8847 | 0x8848
                    )
                })
            };
            if nibble == 0 && !looks_like_ethernet(at) && looks_like_ethernet(at + 4) {
                push(
                    pkt,
                    EncapKind::PwControlWord {
                        sequence: be16(d, at + 2),
                    },
                    at,
                    4,
                );
                Some((at + 4, Next::Ethernet))
            } else if looks_like_ethernet(at) {
                Some((at, Next::Ethernet))
            } else {
                pkt.offsets.net = Some(at as u32);
                None
            }
        }
    }
}

/// A PPPoE session header (6 bytes), then PPP. Its payload length ends the payload (as in
/// Wireshark: what follows is padding even when the IP header claims more).
fn pppoe(d: &[u8], wire_end: &mut u32, at: usize, pkt: &mut Packet) -> Option<(usize, Next)> {
    if !fits(d, *wire_end, at, 6, "PPPoE", pkt) {
        return None;
    }
    let payload_end = (at + 6) as u32 + u32::from(be16(d, at + 4));
    *wire_end = (*wire_end).min(payload_end);
    let wire_end = *wire_end;
    push(
        pkt,
        EncapKind::Pppoe {
            session: be16(d, at + 2),
        },
        at,
        6,
    );
    ppp(d, wire_end, at + 6, pkt)
}

/// A PPP header: optional HDLC address and control bytes (0xff 0x03), then the protocol
/// (one byte when compressed: an odd first byte).
pub(super) fn ppp(
    d: &[u8],
    wire_end: u32,
    mut at: usize,
    pkt: &mut Packet,
) -> Option<(usize, Next)> {
    let start = at;
    if d.get(at..at + 2) == Some(&[0xff, 0x03]) {
        at += 2;
    }
    if !fits(d, wire_end, at, 1, "PPP", pkt) {
        return None;
    }
    let (protocol, len) = if d[at] & 1 == 1 {
        (u16::from(d[at]), 1)
    } else {
        if !fits(d, wire_end, at, 2, "PPP", pkt) {
            return None;
        }
        (be16(d, at), 2)
    };
    at += len;
    push(pkt, EncapKind::Ppp { protocol }, start, at - start);
    match protocol {
        0x0021 => Some((at, Next::EtherType(0x0800))),
        0x0057 => Some((at, Next::EtherType(0x86dd))),
        0x0281 | 0x0283 => Some((at, Next::Mpls)),
        _ => {
            pkt.offsets.net = Some(at as u32);
            None
        }
    }
}
