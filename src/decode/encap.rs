//! The outer layers of a frame: every header between the link header and the innermost
//! network header (VLAN and service tags, MPLS labels, PPPoE, outer IP, GRE, ERSPAN, VXLAN,
//! Geneve, GTP-U, inner Ethernet headers).
//!
//! A tunnelled packet is decoded down to the innermost IP header, which is what
//! [`super::Packet::net`] and [`super::Packet::transport`] describe (as Wireshark does: its
//! `ip.src` of a tunnelled TCP segment is the inner one in the TCP conversation). The layers
//! crossed on the way are kept here, outermost first, each with its place in the frame.

use std::net::IpAddr;

use serde::Serialize;

/// What one outer layer is, with the fields that tell tunnels apart.
///
/// In JSON it is an object of its fields; [`EncapLayer`] adds `layer`, its [`EncapKind::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum EncapKind {
    /// An IEEE 802.1Q customer tag (TPID 0x8100) or an 802.1ad service tag (0x88a8, or the
    /// pre-standard 0x9100).
    Vlan {
        /// Tag protocol identifier.
        tpid: u16,
        /// VLAN id.
        id: u16,
        /// Priority code point.
        pcp: u8,
    },
    /// An IEEE 802.1ah (provider backbone bridge) service instance tag; an Ethernet header
    /// follows.
    Pbb {
        /// Backbone service instance id.
        isid: u32,
        /// Priority code point.
        pcp: u8,
    },
    /// Cisco FabricPath: the outer switch addresses were the link header, a 2-byte tag
    /// follows EtherType 0x8903, then the original Ethernet frame.
    FabricPath {
        /// Forwarding tag (10 bits).
        ftag: u16,
        /// Time to live (6 bits).
        ttl: u8,
    },
    /// One MPLS label stack entry.
    Mpls {
        /// Label.
        label: u32,
        /// Traffic class.
        tc: u8,
        /// Bottom of the stack.
        bottom: bool,
        /// Time to live.
        ttl: u8,
    },
    /// The control word in front of an Ethernet pseudowire carried over MPLS.
    PwControlWord {
        /// Sequence number (0: not used).
        sequence: u16,
    },
    /// A PPPoE session header.
    Pppoe {
        /// Session id.
        session: u16,
    },
    /// A PPP header.
    Ppp {
        /// PPP protocol number (0x0021 IPv4, 0x0057 IPv6, 0x0281 MPLS).
        protocol: u16,
    },
    /// An Ethernet header inside a tunnel (VXLAN, Geneve, GRE bridging, ERSPAN, PBB, an MPLS
    /// pseudowire).
    Ethernet {
        /// Source MAC.
        #[serde(serialize_with = "mac")]
        src: [u8; 6],
        /// Destination MAC.
        #[serde(serialize_with = "mac")]
        dst: [u8; 6],
        /// EtherType.
        ether_type: u16,
    },
    /// An outer IPv4 or IPv6 header.
    Ip {
        /// 4 or 6.
        version: u8,
        /// Source address.
        src: IpAddr,
        /// Destination address.
        dst: IpAddr,
        /// The protocol it carries (4 IPv4, 41 IPv6, 47 GRE, 17 UDP).
        protocol: u8,
    },
    /// The UDP header of a UDP tunnel.
    Udp {
        /// Source port.
        sport: u16,
        /// Destination port.
        dport: u16,
    },
    /// GRE (RFC 2784/2890) or PPTP's enhanced GRE (version 1).
    Gre {
        /// 0, or 1 for PPTP.
        version: u8,
        /// Protocol type (an EtherType; 0x6558 transparent Ethernet bridging, 0x88be ERSPAN
        /// II, 0x22eb ERSPAN III, 0x880b PPP).
        protocol: u16,
        /// Key (version 0), or payload length and call id (version 1).
        key: Option<u32>,
        /// Sequence number.
        sequence: Option<u32>,
    },
    /// Cisco's ERSPAN header (type I has none: GRE carries Ethernet directly).
    Erspan {
        /// 1 (type I), 2 (type II) or 3 (type III).
        erspan_type: u8,
        /// Session id (0 for type I).
        session: u16,
        /// Original VLAN (0 for type I).
        vlan: u16,
    },
    /// VXLAN (RFC 7348) or VXLAN-GPE.
    Vxlan {
        /// VXLAN network identifier.
        vni: u32,
    },
    /// Geneve (RFC 8926).
    Geneve {
        /// Virtual network identifier.
        vni: u32,
        /// Protocol type of the payload (an EtherType).
        protocol: u16,
    },
    /// GTP-U (3GPP TS 29.281), a G-PDU carrying an IP packet.
    GtpU {
        /// Tunnel endpoint identifier.
        teid: u32,
    },
}

fn mac<S: serde::Serializer>(m: &[u8; 6], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&super::ethernet::mac_text(m))
}

/// One outer layer and where it is in the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncapLayer {
    /// What the layer is.
    pub kind: EncapKind,
    /// Offset of its header in the frame.
    pub start: u32,
    /// Length of its header in bytes.
    pub len: u16,
}

/// JSON: `{"layer": NAME, ...fields}`, the name being the one text output uses.
impl Serialize for EncapLayer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Named<'a> {
            layer: &'static str,
            #[serde(flatten)]
            kind: &'a EncapKind,
        }
        Named {
            layer: self.kind.name(),
            kind: &self.kind,
        }
        .serialize(s)
    }
}

impl EncapKind {
    /// The short lower-case name used in JSON (`layer`) and text (`vlan`, `mpls`, `gre`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            EncapKind::Vlan { tpid: 0x8100, .. } => "vlan",
            EncapKind::Vlan { .. } => "svlan",
            EncapKind::Pbb { .. } => "pbb",
            EncapKind::FabricPath { .. } => "fabricpath",
            EncapKind::Mpls { .. } => "mpls",
            EncapKind::PwControlWord { .. } => "pw_control_word",
            EncapKind::Pppoe { .. } => "pppoe",
            EncapKind::Ppp { .. } => "ppp",
            EncapKind::Ethernet { .. } => "ethernet",
            EncapKind::Ip { .. } => "ip",
            EncapKind::Udp { .. } => "udp",
            EncapKind::Gre { .. } => "gre",
            EncapKind::Erspan { .. } => "erspan",
            EncapKind::Vxlan { .. } => "vxlan",
            EncapKind::Geneve { .. } => "geneve",
            EncapKind::GtpU { .. } => "gtp_u",
        }
    }

    /// A short description for text output and the details tree (`MPLS label 16`,
    /// `VXLAN vni 42`, `GRE key 0x1`, `IPv4 10.0.0.1 > 10.0.0.2`).
    pub fn describe(&self) -> String {
        match *self {
            EncapKind::Vlan { tpid, id, pcp } => {
                let what = if tpid == 0x8100 { "802.1Q" } else { "802.1ad" };
                format!("{what} vlan {id} pcp {pcp}")
            }
            EncapKind::Pbb { isid, .. } => format!("802.1ah isid {isid}"),
            EncapKind::FabricPath { ftag, ttl } => format!("FabricPath ftag {ftag} ttl {ttl}"),
            EncapKind::Mpls {
                label,
                tc,
                bottom,
                ttl,
            } => format!(
                "MPLS label {label} tc {tc}{} ttl {ttl}",
                if bottom { " bottom" } else { "" }
            ),
            EncapKind::PwControlWord { sequence } => format!("PW control word seq {sequence}"),
            EncapKind::Pppoe { session } => format!("PPPoE session {session:#06x}"),
            EncapKind::Ppp { protocol } => format!("PPP protocol {protocol:#06x}"),
            EncapKind::Ethernet {
                src,
                dst,
                ether_type,
            } => format!(
                "Ethernet {} > {} type {ether_type:#06x}",
                super::ethernet::mac_text(&src),
                super::ethernet::mac_text(&dst)
            ),
            EncapKind::Ip {
                version,
                src,
                dst,
                protocol,
            } => format!("IPv{version} {src} > {dst} proto {protocol}"),
            EncapKind::Udp { sport, dport } => format!("UDP {sport} > {dport}"),
            EncapKind::Gre {
                version,
                protocol,
                key,
                sequence,
            } => {
                let mut s = format!(
                    "GRE{} proto {protocol:#06x}",
                    if version == 1 { "v1" } else { "" }
                );
                if let Some(k) = key {
                    s.push_str(&format!(" key {k:#x}"));
                }
                if let Some(q) = sequence {
                    s.push_str(&format!(" seq {q}"));
                }
                s
            }
            EncapKind::Erspan {
                erspan_type,
                session,
                vlan,
            } => match erspan_type {
                1 => "ERSPAN type I".to_string(),
                t => format!("ERSPAN type {} session {session} vlan {vlan}", roman(t)),
            },
            EncapKind::Vxlan { vni } => format!("VXLAN vni {vni}"),
            EncapKind::Geneve { vni, protocol } => {
                format!("Geneve vni {vni} proto {protocol:#06x}")
            }
            EncapKind::GtpU { teid } => format!("GTP-U teid {teid:#x}"),
        }
    }
}

fn roman(n: u8) -> &'static str {
    match n {
        1 => "I",
        2 => "II",
        3 => "III",
        _ => "?",
    }
}

/// The most outer layers kept per frame; deeper nesting is marked malformed and not decoded
/// further (a hostile frame could nest tunnels as deep as it is long).
pub(super) const MAX_LAYERS: usize = 24;
