//! Transport headers other than TCP's option-rich one: UDP and ICMP/ICMPv6 summaries.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::packet::{IcmpInfo, Packet, Quoted, Transport, UdpInfo};
use super::tcp::decode_tcp;

/// True when `bytes` hold the first `need` bytes of a `name` header; otherwise keeps only
/// the protocol number and returns false.
fn header_start_fits(
    bytes: &[u8],
    need: usize,
    protocol: u8,
    name: &str,
    pkt: &mut Packet,
) -> bool {
    if bytes.len() >= need {
        return true;
    }
    pkt.transport = Transport::Other { protocol };
    pkt.mark_malformed_unless_truncated(format!("{name} header cut after {} bytes", bytes.len()));
    false
}

/// Decodes the transport header in `bytes` (captured part of an IP payload of `ip_payload_len`
/// bytes). `frame` is the whole frame, for offsets.
pub(super) fn decode_transport(
    frame: &[u8],
    protocol: u8,
    bytes: &[u8],
    ip_payload_len: u32,
    pkt: &mut Packet,
) {
    let offset = super::ip::offset_in(frame, bytes);
    match protocol {
        6 => {
            // Not even the ports: keep the protocol number only.
            if !header_start_fits(bytes, 4, protocol, "TCP", pkt) {
                return;
            }
            let (info, bad) = decode_tcp(bytes, offset, ip_payload_len, pkt.truncated);
            if let Some(why) = bad {
                pkt.mark_malformed(why);
            }
            // A bogus header length below 20 is where Wireshark takes the payload to start.
            pkt.offsets.payload = Some(offset + u32::from(info.header_len));
            pkt.transport = Transport::Tcp(info);
        }
        17 => {
            if !header_start_fits(bytes, 8, protocol, "UDP", pkt) {
                return;
            }
            use super::udp::field;
            let be16 = |f: super::Field| u16::from_be_bytes([bytes[f.start], bytes[f.start + 1]]);
            let udp_len = u32::from(be16(field::LENGTH));
            let len = if udp_len >= 8 && udp_len <= ip_payload_len {
                udp_len - 8
            } else {
                // Length 0 is legal for jumbograms; anything else below 8 or past the IP
                // payload is a lie.
                if udp_len != 0 {
                    pkt.mark_malformed(format!(
                        "UDP length {udp_len} does not fit the IP payload of {ip_payload_len} bytes"
                    ));
                }
                ip_payload_len.saturating_sub(8)
            };
            pkt.offsets.payload = Some(offset + field::HEADER_LEN as u32);
            let (sport, dport) = (be16(field::SRC_PORT), be16(field::DST_PORT));
            pkt.transport = Transport::Udp(UdpInfo { sport, dport, len });
            // A length field below 8 (0 included) stops Wireshark's UDP dissector: no tunnel.
            if udp_len >= 8 && !pkt.ip().is_some_and(|ip| ip.is_fragment) {
                let at = offset + field::HEADER_LEN as u32;
                super::tunnel::udp_payload(frame, sport, dport, at as usize, at + len, pkt);
            }
        }
        1 | 58 => {
            if bytes.len() < 2 {
                pkt.transport = Transport::Other { protocol };
                return;
            }
            let info = IcmpInfo {
                icmp_type: bytes[super::icmp::field::TYPE.start],
                code: bytes[super::icmp::field::CODE.start],
                quoted: quoted(protocol == 58, bytes),
            };
            pkt.transport = if protocol == 1 {
                Transport::Icmp(info)
            } else {
                Transport::Icmpv6(info)
            };
        }
        _ => pkt.transport = Transport::Other { protocol },
    }
}

/// The TCP/UDP endpoints quoted by an ICMP (`v6` false) or ICMPv6 error message: the IP
/// header after the 8-byte ICMP header and the ports after it.
fn quoted(v6: bool, icmp: &[u8]) -> Option<Quoted> {
    let t = *icmp.first()?;
    let is_error = if v6 {
        matches!(t, 1..=4)
    } else {
        matches!(t, 3 | 4 | 5 | 11 | 12)
    };
    if !is_error {
        return None;
    }
    let ip = icmp.get(8..)?;
    let (src, dst, protocol, rest) = if v6 {
        let h = ip.get(..40)?;
        let addr = |i: usize| {
            let mut a = [0u8; 16];
            a.copy_from_slice(&h[i..i + 16]);
            IpAddr::V6(Ipv6Addr::from(a))
        };
        (addr(8), addr(24), h[6], &ip[40..])
    } else {
        let h = ip.get(..20)?;
        if h[0] >> 4 != 4 {
            return None;
        }
        let ihl = usize::from(h[0] & 0x0f) * 4;
        // Not a first fragment: no transport header.
        if u16::from_be_bytes([h[6], h[7]]) & 0x1fff != 0 || ihl < 20 {
            return None;
        }
        let addr = |i: usize| IpAddr::V4(Ipv4Addr::new(h[i], h[i + 1], h[i + 2], h[i + 3]));
        (addr(12), addr(16), h[9], ip.get(ihl..)?)
    };
    if !matches!(protocol, 6 | 17) {
        return None;
    }
    let ports = rest.get(..4)?;
    Some(Quoted {
        src,
        dst,
        protocol,
        sport: u16::from_be_bytes([ports[0], ports[1]]),
        dport: u16::from_be_bytes([ports[2], ports[3]]),
    })
}

/// A one-line ICMP summary (tcpdump-like): `echo request`, `destination unreachable (port)`.
pub fn icmp_summary(v6: bool, info: IcmpInfo) -> String {
    let (t, c) = (info.icmp_type, info.code);
    let name = if v6 {
        match t {
            1 => match c {
                0 => "destination unreachable (no route)",
                1 => "destination unreachable (prohibited)",
                3 => "destination unreachable (address)",
                4 => "destination unreachable (port)",
                _ => "destination unreachable",
            },
            2 => "packet too big",
            3 => "time exceeded",
            4 => "parameter problem",
            128 => "echo request",
            129 => "echo reply",
            133 => "router solicitation",
            134 => "router advertisement",
            135 => "neighbor solicitation",
            136 => "neighbor advertisement",
            137 => "redirect",
            143 => "multicast listener report v2",
            _ => "",
        }
    } else {
        match t {
            0 => "echo reply",
            3 => match c {
                0 => "destination unreachable (net)",
                1 => "destination unreachable (host)",
                2 => "destination unreachable (protocol)",
                3 => "destination unreachable (port)",
                4 => "destination unreachable (fragmentation needed)",
                13 => "destination unreachable (administratively prohibited)",
                _ => "destination unreachable",
            },
            5 => "redirect",
            8 => "echo request",
            11 => "time exceeded",
            12 => "parameter problem",
            13 => "timestamp request",
            14 => "timestamp reply",
            _ => "",
        }
    };
    if name.is_empty() {
        format!("type {t} code {c}")
    } else {
        name.to_string()
    }
}
