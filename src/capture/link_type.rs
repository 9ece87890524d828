//! Link-layer header types (tcpdump.org LINKTYPE_* numbers), decided per interface.

use std::fmt;

/// The link-layer type of an interface, as written in pcap/pcapng headers.
///
/// An open enum: numbers synack does not decode are kept as [`LinkType::Other`] so that the
/// frame is still listed ("unsupported link type N") instead of being dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkType {
    /// BSD loopback: 4-byte address family in host byte order (LINKTYPE_NULL, 0).
    Null,
    /// Ethernet II, possibly VLAN-tagged (LINKTYPE_ETHERNET, 1).
    Ethernet,
    /// Raw IP, version from the first nibble (LINKTYPE_RAW 101, and DLT_RAW 12 on some systems).
    Raw,
    /// OpenBSD loopback: 4-byte address family in network byte order (LINKTYPE_LOOP, 108).
    Loop,
    /// Linux "cooked" capture v1, 16-byte header (LINKTYPE_LINUX_SLL, 113).
    LinuxSll,
    /// Raw IPv4 (LINKTYPE_IPV4, 228).
    Ipv4,
    /// Raw IPv6 (LINKTYPE_IPV6, 229).
    Ipv6,
    /// Linux "cooked" capture v2, 20-byte header (LINKTYPE_LINUX_SLL2, 276).
    LinuxSll2,
    /// Any other LINKTYPE number, kept as-is.
    Other(u32),
}

impl LinkType {
    /// Maps a LINKTYPE number from a file header to a link type.
    pub fn from_number(n: u32) -> LinkType {
        match n {
            0 => LinkType::Null,
            1 => LinkType::Ethernet,
            12 | 101 => LinkType::Raw,
            108 => LinkType::Loop,
            113 => LinkType::LinuxSll,
            228 => LinkType::Ipv4,
            229 => LinkType::Ipv6,
            276 => LinkType::LinuxSll2,
            other => LinkType::Other(other),
        }
    }

    /// The LINKTYPE number, as written into pcap files.
    pub fn number(self) -> u32 {
        match self {
            LinkType::Null => 0,
            LinkType::Ethernet => 1,
            LinkType::Raw => 101,
            LinkType::Loop => 108,
            LinkType::LinuxSll => 113,
            LinkType::Ipv4 => 228,
            LinkType::Ipv6 => 229,
            LinkType::LinuxSll2 => 276,
            LinkType::Other(n) => n,
        }
    }

    /// Short lower-case name used in text and JSON output (tcpdump's `-L` names).
    pub fn name(self) -> &'static str {
        match self {
            LinkType::Null => "null",
            LinkType::Ethernet => "ethernet",
            LinkType::Raw => "raw",
            LinkType::Loop => "loop",
            LinkType::LinuxSll => "linux_sll",
            LinkType::Ipv4 => "ipv4",
            LinkType::Ipv6 => "ipv6",
            LinkType::LinuxSll2 => "linux_sll2",
            LinkType::Other(_) => "other",
        }
    }
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkType::Other(n) => write!(f, "linktype {n}"),
            other => f.write_str(other.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        for n in [0, 1, 101, 108, 113, 228, 229, 276, 147, 9999] {
            assert_eq!(LinkType::from_number(n).number(), n);
        }
        assert_eq!(LinkType::from_number(12), LinkType::Raw);
        assert_eq!(LinkType::from_number(147), LinkType::Other(147));
    }
}
