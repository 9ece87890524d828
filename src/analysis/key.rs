//! Connection keys and directions.
//!
//! A connection is keyed by protocol, VLAN ids and both endpoints, in a canonical order so
//! that both directions of a flow find the same entry. VLAN ids are part of the key on
//! purpose: two flows that differ only by VLAN are different flows (tshark ignores this and
//! reports retransmissions that never happened).

use std::net::{IpAddr, SocketAddr};

use crate::decode::Vlans;

/// Transport protocol of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FlowProto {
    /// TCP: numbered like tshark's `tcp.stream`.
    Tcp,
    /// UDP: numbered separately, like `udp.stream`.
    Udp,
}

impl FlowProto {
    /// `tcp` or `udp`.
    pub fn name(self) -> &'static str {
        match self {
            FlowProto::Tcp => "tcp",
            FlowProto::Udp => "udp",
        }
    }
}

/// Which way a packet travels relative to the connection's originator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the originator (client) to the responder (server).
    ClientToServer,
    /// From the responder (server) to the originator (client).
    ServerToClient,
}

impl Direction {
    /// `c2s` or `s2c`, the form used in JSON and text output.
    pub fn short(self) -> &'static str {
        match self {
            Direction::ClientToServer => "c2s",
            Direction::ServerToClient => "s2c",
        }
    }

    /// The other direction.
    pub fn reverse(self) -> Direction {
        match self {
            Direction::ClientToServer => Direction::ServerToClient,
            Direction::ServerToClient => Direction::ClientToServer,
        }
    }

    /// 0 for client→server, 1 for server→client: index into per-direction arrays.
    pub fn index(self) -> usize {
        match self {
            Direction::ClientToServer => 0,
            Direction::ServerToClient => 1,
        }
    }
}

/// The canonical key of a connection: endpoints sorted, plus protocol and VLAN ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnKey {
    /// Protocol.
    pub proto: FlowProto,
    /// VLAN ids, outermost first.
    pub vlan: Vlans,
    /// The lower endpoint.
    pub lo: SocketAddr,
    /// The higher endpoint.
    pub hi: SocketAddr,
}

/// Hashed as three words (each endpoint's address and port in one, then protocol and VLAN
/// ids) instead of field by field: the derived hash fed the hasher a dozen pieces per
/// packet (enum tags, octets, ports, IPv6 flow info), and the table lookup is on every
/// packet's path. Keys that are equal hash equally; the rest only needs to spread.
impl std::hash::Hash for ConnKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        fn word(a: &SocketAddr) -> u128 {
            match a {
                SocketAddr::V4(v) => (u128::from(u32::from(*v.ip())) << 16) | u128::from(v.port()),
                SocketAddr::V6(v) => u128::from(*v.ip()).rotate_left(16) ^ u128::from(v.port()),
            }
        }
        let vlan = self
            .vlan
            .as_slice()
            .iter()
            .fold(0u64, |acc, &id| (acc << 16) | u64::from(id));
        let proto = match self.proto {
            FlowProto::Tcp => 0u64,
            FlowProto::Udp => 1,
        };
        state.write_u128(word(&self.lo));
        state.write_u128(word(&self.hi));
        state.write_u64(vlan | (self.vlan.as_slice().len() as u64) << 48 | proto << 56);
    }
}

impl ConnKey {
    /// Builds the key of a packet from `src` to `dst`; the flag tells whether `src` is the
    /// lower endpoint (`lo`).
    pub fn new(proto: FlowProto, vlan: Vlans, src: SocketAddr, dst: SocketAddr) -> (ConnKey, bool) {
        let src_is_lo = (src.ip(), src.port()) <= (dst.ip(), dst.port());
        let (lo, hi) = if src_is_lo { (src, dst) } else { (dst, src) };
        (
            ConnKey {
                proto,
                vlan,
                lo,
                hi,
            },
            src_is_lo,
        )
    }
}

/// `addr:port`, with brackets for IPv6 (`[::1]:80`).
pub fn endpoint_string(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(a) => format!("{a}:{}", addr.port()),
        IpAddr::V6(a) => format!("[{a}]:{}", addr.port()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_directions_share_a_key_and_vlan_separates() {
        let a: SocketAddr = "10.0.0.1:1234".parse().unwrap();
        let b: SocketAddr = "10.0.0.2:80".parse().unwrap();
        let (k1, f1) = ConnKey::new(FlowProto::Tcp, Vlans::default(), a, b);
        let (k2, f2) = ConnKey::new(FlowProto::Tcp, Vlans::default(), b, a);
        assert_eq!(k1, k2);
        assert_ne!(f1, f2);
        let mut v = Vlans::default();
        v.push(10);
        let (k3, _) = ConnKey::new(FlowProto::Tcp, v, a, b);
        assert_ne!(k1, k3);
        let (k4, _) = ConnKey::new(FlowProto::Udp, Vlans::default(), a, b);
        assert_ne!(k1, k4);
    }
}
