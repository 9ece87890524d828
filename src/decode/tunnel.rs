//! Tunnels carried by IP: IP-in-IP and IPv6-in-IPv4 (protocols 4 and 41), GRE (with checksum,
//! key and sequence number; PPTP's version 1; transparent Ethernet bridging; ERSPAN types I,
//! II and III; MPLS; PPP), and UDP tunnels on their registered ports: VXLAN (4789), VXLAN-GPE
//! (4790), Geneve (6081), GTP-U (2152), Teredo (3544) and GRE-in-UDP (RFC 8086, 4754).
//!
//! Each function looks at the tunnel header first and goes in only when the header is whole
//! and what it carries is something decoded here (IP, Ethernet, MPLS, PPP with IP); then the
//! outer IP (and UDP) header becomes an [`EncapLayer`](super::encap::EncapLayer) and the
//! packet is decoded again from the inner header. Otherwise nothing changes and the outer
//! packet stays what it is (IP protocol 47, or a UDP datagram). Fragments are not entered:
//! their payload is not whole (Wireshark reassembles them first; synack does not).

use super::encap::{EncapKind, MAX_LAYERS};
use super::link::Next;
use super::packet::{LayerOffsets, Net, Packet, Transport};
use super::shim::{decode_from, push};

fn be16(d: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([d[at], d[at + 1]])
}

fn be32(d: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]])
}

/// True when the bytes at `at` start an IP header of the version `next` names (4 for
/// EtherType 0x0800, 6 for 0x86dd); other `next`s pass.
fn version_fits(d: &[u8], at: usize, next: Next) -> bool {
    let nibble = d.get(at).map(|b| b >> 4);
    match next {
        Next::EtherType(0x0800) => nibble == Some(4),
        Next::EtherType(0x86dd) => nibble == Some(6),
        _ => true,
    }
}

/// Turns the packet's outer IP (and UDP) header into outer layers and clears the inner
/// fields, so that the inner headers can be decoded into them.
fn enter(pkt: &mut Packet) {
    let ip = match pkt.net {
        Net::Ip(ip) => Some((
            EncapKind::Ip {
                version: ip.version,
                src: ip.src,
                dst: ip.dst,
                protocol: ip.protocol,
            },
            pkt.offsets.net,
            ip.header_len as usize,
        )),
        _ => None,
    };
    let udp = match pkt.transport {
        Transport::Udp(u) => Some((
            EncapKind::Udp {
                sport: u.sport,
                dport: u.dport,
            },
            pkt.offsets.transport,
            8,
        )),
        _ => None,
    };
    for (kind, start, len) in [ip, udp].into_iter().flatten() {
        push(pkt, kind, start.unwrap_or(0) as usize, len);
    }
    pkt.net = Net::None;
    pkt.transport = Transport::None;
    pkt.offsets = LayerOffsets::default();
}

/// Room for the layers a tunnel adds; a frame nested deeper is marked and not entered.
fn room(pkt: &mut Packet) -> bool {
    if pkt.encap.len() + 4 > MAX_LAYERS {
        pkt.mark_malformed(format!("more than {MAX_LAYERS} nested layers"));
        return false;
    }
    true
}

/// An IP payload of protocol 4, 41 or 47 that starts at `at` and ends at `end` on the wire.
/// Returns true when it was decoded as a tunnel.
pub(super) fn ip_payload(
    frame: &[u8],
    protocol: u8,
    at: usize,
    end: u32,
    pkt: &mut Packet,
) -> bool {
    let next = match protocol {
        4 => Next::EtherType(0x0800),
        41 => Next::EtherType(0x86dd),
        47 => return gre(frame, at, end, pkt),
        _ => return false,
    };
    if !version_fits(frame, at, next) || !room(pkt) {
        return false;
    }
    enter(pkt);
    decode_from(frame, end, at, next, pkt);
    true
}

/// GRE: a header of 4 to 16 bytes, then what its protocol type names.
fn gre(d: &[u8], at: usize, end: u32, pkt: &mut Packet) -> bool {
    let Some(h) = d.get(at..at + 4) else {
        return false;
    };
    let (flags, version, protocol) = (h[0], h[1] & 7, be16(h, 2));
    // Version 0 is GRE, 1 PPTP's; source routing (RFC 1701) is not decoded.
    if version > 1 || flags & 0x40 != 0 {
        return false;
    }
    let mut len = 4;
    if flags & 0x80 != 0 {
        len += 4; // checksum and reserved
    }
    let mut key = None;
    let mut sequence = None;
    if flags & 0x20 != 0 {
        key = d.get(at + len..at + len + 4).map(|_| be32(d, at + len));
        len += 4;
    }
    if flags & 0x10 != 0 {
        sequence = d.get(at + len..at + len + 4).map(|_| be32(d, at + len));
        len += 4;
    }
    if version == 1 && h[1] & 0x80 != 0 {
        len += 4; // acknowledgment number
    }
    let mut p = at + len;
    if p > d.len() || p as u64 > u64::from(end) {
        return false;
    }
    // ERSPAN: its own header, then the mirrored Ethernet frame.
    let mut erspan = None;
    let next = match protocol {
        0x0800 | 0x86dd | 0x8100 | 0x88a8 => Next::EtherType(protocol),
        0x6558 => Next::Ethernet,
        0x8847 | 0x8848 => Next::Mpls,
        0x880b => {
            // PPP (PPTP): in only when it carries IP or MPLS (often it is compressed or
            // encrypted).
            let mut q = p;
            if d.get(q..q + 2) == Some(&[0xff, 0x03]) {
                q += 2;
            }
            let proto = match d.get(q) {
                Some(b) if b & 1 == 1 => u16::from(*b),
                Some(_) if q + 2 <= d.len() => be16(d, q),
                _ => return false,
            };
            if !matches!(proto, 0x0021 | 0x0057 | 0x0281 | 0x0283) {
                return false;
            }
            Next::Ppp
        }
        0x88be if flags & 0x10 == 0 => {
            // Type I: no ERSPAN header (the GRE header has no sequence number).
            erspan = Some((
                EncapKind::Erspan {
                    erspan_type: 1,
                    session: 0,
                    vlan: 0,
                },
                0,
            ));
            Next::Ethernet
        }
        0x88be => {
            let Some(e) = d.get(p..p + 8) else {
                return false;
            };
            let (w0, w1) = (be16(e, 0), be16(e, 2));
            let kind = EncapKind::Erspan {
                erspan_type: 2,
                session: w1 & 0x3ff,
                vlan: w0 & 0xfff,
            };
            erspan = Some((kind, 8));
            Next::Ethernet
        }
        0x22eb => {
            let Some(e) = d.get(p..p + 12) else {
                return false;
            };
            let (w0, w1, w5) = (be16(e, 0), be16(e, 2), be16(e, 10));
            let frame_type = (w5 >> 10) & 0x1f;
            if frame_type != 0 {
                return false; // not an Ethernet frame inside
            }
            let kind = EncapKind::Erspan {
                erspan_type: 3,
                session: w1 & 0x3ff,
                vlan: w0 & 0xfff,
            };
            erspan = Some((kind, if w5 & 1 != 0 { 20 } else { 12 }));
            Next::Ethernet
        }
        _ => return false,
    };
    if !version_fits(d, p + erspan.map_or(0, |e| e.1), next) || !room(pkt) {
        return false;
    }
    enter(pkt);
    push(
        pkt,
        EncapKind::Gre {
            version,
            protocol,
            key,
            sequence,
        },
        at,
        len,
    );
    if let Some((kind, elen)) = erspan {
        push(pkt, kind, p, elen);
        p += elen;
    }
    decode_from(d, end, p, next, pkt);
    true
}

/// The UDP port whose tunnel the datagram carries: the lower port first, as Wireshark tries
/// them.
fn tunnel_port(sport: u16, dport: u16) -> Option<u16> {
    let is_tunnel = |p: u16| matches!(p, 4789 | 4790 | 6081 | 2152 | 3544 | 4754);
    let (lo, hi) = if sport <= dport {
        (sport, dport)
    } else {
        (dport, sport)
    };
    [lo, hi].into_iter().find(|p| is_tunnel(*p))
}

/// A UDP payload from `at` to `end` (on the wire) between these ports. Returns true when it
/// was decoded as a tunnel.
pub(super) fn udp_payload(
    frame: &[u8],
    sport: u16,
    dport: u16,
    at: usize,
    end: u32,
    pkt: &mut Packet,
) -> bool {
    let Some(port) = tunnel_port(sport, dport) else {
        return false;
    };
    let d = frame;
    let header = |n: usize| {
        d.get(at..at + n)
            .filter(|_| (at + n) as u64 <= u64::from(end))
    };
    let (kind, len, next) = match port {
        4789 => {
            let Some(h) = header(8) else { return false };
            let vni = be32(h, 4) >> 8;
            (EncapKind::Vxlan { vni }, 8, Next::Ethernet)
        }
        4790 => {
            let Some(h) = header(8) else { return false };
            let next = match h[3] {
                1 => Next::EtherType(0x0800),
                2 => Next::EtherType(0x86dd),
                3 => Next::Ethernet,
                5 => Next::Mpls,
                _ => return false,
            };
            (
                EncapKind::Vxlan {
                    vni: be32(h, 4) >> 8,
                },
                8,
                next,
            )
        }
        6081 => {
            let Some(h) = header(8) else { return false };
            if h[0] >> 6 != 0 {
                return false; // unknown Geneve version
            }
            let len = 8 + usize::from(h[0] & 0x3f) * 4;
            let protocol = be16(h, 2);
            let next = if protocol == 0x6558 {
                Next::Ethernet
            } else {
                Next::EtherType(protocol)
            };
            let vni = be32(h, 4) >> 8;
            (EncapKind::Geneve { vni, protocol }, len, next)
        }
        4754 => return gre(d, at, end, pkt),
        2152 => match gtp_u(d, at, end) {
            Some((teid, len)) => (EncapKind::GtpU { teid }, len, Next::Ip),
            None => return false,
        },
        3544 => match teredo(d, at, end) {
            Some(len) => {
                // Teredo has no header of its own beyond the optional indications.
                if !room(pkt) {
                    return false;
                }
                enter(pkt);
                decode_from(d, end, at + len, Next::EtherType(0x86dd), pkt);
                return true;
            }
            None => return false,
        },
        _ => return false,
    };
    let p = at + len;
    if p > d.len() || p as u64 > u64::from(end) || !room(pkt) {
        return false;
    }
    if next == Next::Ip && !matches!(d.get(p).map(|b| b >> 4), Some(4 | 6)) {
        return false;
    }
    if !version_fits(d, p, next) {
        return false;
    }
    enter(pkt);
    push(pkt, kind, at, len);
    decode_from(d, end, p, next, pkt);
    true
}

/// A GTP-U G-PDU header (version 1, message type 255) with its optional fields and extension
/// headers: (TEID, header length).
fn gtp_u(d: &[u8], at: usize, end: u32) -> Option<(u32, usize)> {
    let h = d.get(at..at + 8)?;
    if h[0] >> 5 != 1 || h[0] & 0x10 == 0 || h[1] != 0xff {
        return None;
    }
    let teid = be32(h, 4);
    let mut len = 8;
    if h[0] & 0x07 != 0 {
        let opt = d.get(at + 8..at + 12)?;
        len = 12;
        let mut next_ext = opt[3];
        if h[0] & 0x04 != 0 {
            while next_ext != 0 {
                let n = usize::from(*d.get(at + len)?) * 4;
                if n == 0 {
                    return None;
                }
                next_ext = *d.get(at + len + n - 1)?;
                len += n;
            }
        }
    }
    ((at + len) as u64 <= u64::from(end)).then_some((teid, len))
}

/// Teredo's optional authentication and origin indications before the IPv6 header: their
/// length, when an IPv6 header follows.
fn teredo(d: &[u8], at: usize, end: u32) -> Option<usize> {
    let mut len = 0;
    if d.get(at..at + 2)? == [0, 1] {
        let (id_len, au_len) = (usize::from(*d.get(at + 2)?), usize::from(*d.get(at + 3)?));
        len += 4 + id_len + au_len + 9;
    }
    if d.get(at + len..at + len + 2)? == [0, 0] {
        len += 8;
    }
    let ok = (at + len + 40) as u64 <= u64::from(end) && d.get(at + len)? >> 4 == 6;
    ok.then_some(len)
}
