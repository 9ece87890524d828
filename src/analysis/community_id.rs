//! The Community ID flow hash, version 1 (<https://github.com/corelight/community-id-spec>):
//! the same string for a flow in synack's tables as in Zeek's conn.log, Suricata's EVE
//! records and Arkime's sessions, so rows of the different tools join on it.
//!
//! The hash is SHA-1 over the seed (2 bytes), the two addresses, the IP protocol number, a
//! zero byte and, for protocols with ports, the two ports, all in network byte order, the
//! endpoints put in a canonical order first (lower address first, then lower port) so both
//! directions of a flow give one value; ICMP types stand in for ports as the spec maps them.
//! The result is `1:` followed by the digest in base64.

use std::net::IpAddr;

use base64::Engine as _;
use sha1::{Digest, Sha1};

/// IP protocol numbers the spec treats specially.
const ICMP: u8 = 1;
const TCP: u8 = 6;
const UDP: u8 = 17;
const ICMPV6: u8 = 58;
const SCTP: u8 = 132;

/// The Community ID v1 of a flow from `src:sport` to `dst:dport` over IP protocol `proto`
/// (for ICMP and ICMPv6 the ports are the message's type and code; ignored for protocols
/// without ports). `seed` is 0 unless every tool in the comparison was configured otherwise.
/// `None` when the two addresses are of different families.
pub fn community_id_v1(
    seed: u16,
    proto: u8,
    src: IpAddr,
    sport: u16,
    dst: IpAddr,
    dport: u16,
) -> Option<String> {
    let (src, dst) = match (src, dst) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (a.octets().to_vec(), b.octets().to_vec()),
        (IpAddr::V6(a), IpAddr::V6(b)) => (a.octets().to_vec(), b.octets().to_vec()),
        _ => return None,
    };
    let has_ports = matches!(proto, ICMP | TCP | UDP | ICMPV6 | SCTP);
    let (mut sport, mut dport, one_way) = match proto {
        ICMP => icmp_ports(sport as u8, dport as u8, icmp4_counterpart),
        ICMPV6 => icmp_ports(sport as u8, dport as u8, icmp6_counterpart),
        _ => (sport, dport, false),
    };
    if !has_ports {
        (sport, dport) = (0, 0);
    }
    let ordered = one_way || (src.as_slice(), sport) < (dst.as_slice(), dport);
    let (a, ap, b, bp) = if ordered {
        (src, sport, dst, dport)
    } else {
        (dst, dport, src, sport)
    };
    let mut hash = Sha1::new();
    hash.update(seed.to_be_bytes());
    hash.update(&a);
    hash.update(&b);
    hash.update([proto, 0]);
    if has_ports {
        hash.update(ap.to_be_bytes());
        hash.update(bp.to_be_bytes());
    }
    let digest = hash.finalize();
    Some(format!(
        "1:{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    ))
}

/// ICMP "ports": (type, the counterpart type, false) for request/reply pairs, else
/// (type, code, true): a one-way message, whose endpoints are not reordered.
fn icmp_ports(kind: u8, code: u8, counterpart: fn(u8) -> Option<u8>) -> (u16, u16, bool) {
    match counterpart(kind) {
        Some(other) => (u16::from(kind), u16::from(other), false),
        None => (u16::from(kind), u16::from(code), true),
    }
}

/// ICMPv4 request/reply pairs (Zeek's `ICMP4_counterpart`).
fn icmp4_counterpart(kind: u8) -> Option<u8> {
    Some(match kind {
        8 => 0,   // echo → echo reply
        0 => 8,   // echo reply → echo
        13 => 14, // timestamp → timestamp reply
        14 => 13,
        15 => 16, // information request → reply
        16 => 15,
        10 => 9,  // router solicitation → router advertisement (not the reverse)
        17 => 18, // address mask request → reply
        18 => 17,
        _ => return None,
    })
}

/// ICMPv6 request/reply pairs (Zeek's `ICMP6_counterpart`).
fn icmp6_counterpart(kind: u8) -> Option<u8> {
    Some(match kind {
        128 => 129, // echo request → reply
        129 => 128,
        133 => 134, // router solicitation → advertisement
        134 => 133,
        135 => 136, // neighbour solicitation → advertisement
        136 => 135,
        130 => 131, // multicast listener query → report
        131 => 130,
        139 => 140, // node information query → response
        140 => 139,
        144 => 145, // home agent address discovery request → reply
        145 => 144,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spec's baseline vectors (baseline/baseline_deflt.json with seed 0 and
    /// baseline_seed1.json with seed 1, corelight/community-id-spec): protocol, source,
    /// destination, ports, expected ID with seed 0, expected ID with seed 1.
    #[rustfmt::skip]
    const VECTORS: &[(u8, &str, &str, u16, u16, &str, &str)] = &[
        (58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136,
         "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=", "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY="),
        (58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135,
         "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=", "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY="),
        (58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136,
         "1:zavyT/cezQr1fmImYCwYnMXbgck=", "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM="),
        (58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 135,
         "1:zavyT/cezQr1fmImYCwYnMXbgck=", "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM="),
        (58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0,
         "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=", "1:lVEtCZpYu84Xqaa++3lXFyuu2n4="),
        (58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4,
         "1:hLZd0XGWojozrvxqE0dWB1iM6R0=", "1:W8MHwXpWzpoSTD+cGcaJr4u0ys8="),
        (58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129,
         "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=", "1:GfZxjAkDk2MkegpBYHV6tadtFXQ="),
        (58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128,
         "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=", "1:GfZxjAkDk2MkegpBYHV6tadtFXQ="),
        (58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134,
         "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=", "1:L7Ka0ZMYu+J3bL4ulW2PrqyXNo8="),
        (58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133,
         "1:pkvHqCL88/tg1k4cPigmZXUtL00=", "1:K/ee5UCqAMAQXDorP5nSa2CGLjc="),
        (1, "192.168.0.89", "192.168.0.1", 8, 0,
         "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=", "1:03g6IloqVBdcZlPyX8r0hgoE7kA="),
        (1, "192.168.0.1", "192.168.0.89", 0, 8,
         "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=", "1:03g6IloqVBdcZlPyX8r0hgoE7kA="),
        (1, "10.0.0.1", "10.0.0.2", 11, 0,
         "1:YHxtAirCG//0OzkcVAukqKQN9xM=", "1:XjUibYHaafLQ3pxQeiMI8g25q20="),
        (6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25,
         "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=", "1:eJYTW6AOzFLlSUoESovMjnu7rMw="),
        (6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943,
         "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=", "1:eJYTW6AOzFLlSUoESovMjnu7rMw="),
        (132, "192.168.170.8", "192.168.170.56", 7, 7,
         "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=", "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg="),
        (132, "192.168.170.56", "192.168.170.8", 7, 7,
         "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=", "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg="),
        (6, "128.232.110.120", "66.35.250.204", 34855, 80,
         "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", "1:3V71V58M3Ksw/yuFALMcW0LAHvc="),
        (6, "66.35.250.204", "128.232.110.120", 80, 34855,
         "1:LQU9qZlK+B5F3KDmev6m5PMibrg=", "1:3V71V58M3Ksw/yuFALMcW0LAHvc="),
        (17, "192.168.1.52", "8.8.8.8", 54585, 53,
         "1:d/FP5EW3wiY1vCndhwleRRKHowQ=", "1:Q9We8WO3piVF8yEQBNJF4uiSVrI="),
        (17, "8.8.8.8", "192.168.1.52", 53, 54585,
         "1:d/FP5EW3wiY1vCndhwleRRKHowQ=", "1:Q9We8WO3piVF8yEQBNJF4uiSVrI="),
        (46, "10.1.12.1", "10.1.12.2", 0, 0,
         "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=", "1:rYir8gphR31noO9iDRQmF/BteEI="),
        (46, "10.1.12.2", "10.1.12.1", 0, 0,
         "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=", "1:rYir8gphR31noO9iDRQmF/BteEI="),
    ];

    #[test]
    fn the_specs_baseline_vectors_with_seeds_0_and_1() {
        for &(proto, src, dst, sport, dport, seed0, seed1) in VECTORS {
            let (s, d) = (src.parse().unwrap(), dst.parse().unwrap());
            let got0 = community_id_v1(0, proto, s, sport, d, dport);
            let got1 = community_id_v1(1, proto, s, sport, d, dport);
            assert_eq!(
                got0.as_deref(),
                Some(seed0),
                "{proto} {src}:{sport} {dst}:{dport}"
            );
            assert_eq!(
                got1.as_deref(),
                Some(seed1),
                "{proto} {src}:{sport} {dst}:{dport} seed 1"
            );
        }
    }

    #[test]
    fn zeeks_own_test_vectors_for_tcp_and_udp() {
        // Zeek's testing/btest/bifs/community_id (1.2.3.4:1122 → 5.6.7.8:3344, seed 0).
        let (a, b) = ("1.2.3.4".parse().unwrap(), "5.6.7.8".parse().unwrap());
        assert_eq!(
            community_id_v1(0, 6, a, 1122, b, 3344).as_deref(),
            Some("1:wCb3OG7yAFWelaUydu0D+125CLM=")
        );
        assert_eq!(
            community_id_v1(0, 17, a, 1122, b, 3344).as_deref(),
            Some("1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=")
        );
    }

    #[test]
    fn mixed_address_families_have_no_id() {
        let (a, b) = ("1.2.3.4".parse().unwrap(), "::1".parse().unwrap());
        assert_eq!(community_id_v1(0, 6, a, 1, b, 2), None);
    }
}
