//! Listing interfaces and telling whether this process may capture on them (`synack ifaces`).

use std::net::IpAddr;

use crate::capture::CaptureError;

/// What this process is allowed to do with capture sockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Root or `cap_net_raw` + `cap_net_admin`: capture, promiscuous included.
    Full,
    /// `cap_net_raw` only: capture works with `--no-promisc`.
    NoPromisc,
    /// Neither root nor `cap_net_raw`: no capture at all.
    Denied,
}

/// One interface as `synack ifaces` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceInfo {
    /// Name to pass to `-i`.
    pub name: String,
    /// libpcap's description, when it has one.
    pub description: Option<String>,
    /// Addresses with their prefix length when known.
    pub addresses: Vec<(IpAddr, Option<u8>)>,
    /// Administratively up.
    pub up: bool,
    /// Up and with a carrier (the link is connected).
    pub running: bool,
    /// A loopback interface (`lo`).
    pub loopback: bool,
}

fn prefix_len(mask: &IpAddr) -> u8 {
    match mask {
        IpAddr::V4(m) => u32::from(*m).count_ones() as u8,
        IpAddr::V6(m) => u128::from(*m).count_ones() as u8,
    }
}

/// The interfaces libpcap can open (real ones; pseudo-devices like `any` are included, as
/// tcpdump -D shows them).
pub fn interfaces() -> Result<Vec<InterfaceInfo>, CaptureError> {
    let devices = pcap::Device::list()
        .map_err(|e| CaptureError::Live(format!("cannot list interfaces: {e}")))?;
    Ok(devices
        .into_iter()
        .map(|d| InterfaceInfo {
            addresses: d
                .addresses
                .iter()
                .map(|a| (a.addr, a.netmask.as_ref().map(prefix_len)))
                .collect(),
            up: d.flags.is_up(),
            running: d.flags.is_running(),
            loopback: d.flags.is_loopback(),
            description: d.desc,
            name: d.name,
        })
        .collect())
}

/// Bits of `CAP_NET_ADMIN` (12) and `CAP_NET_RAW` (13) in the capability sets.
const CAP_NET_ADMIN: u64 = 1 << 12;
const CAP_NET_RAW: u64 = 1 << 13;

/// Reads the effective capability set of this process (`CapEff` in `/proc/self/status`).
fn effective_capabilities() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let hex = status.lines().find_map(|l| l.strip_prefix("CapEff:"))?;
    u64::from_str_radix(hex.trim(), 16).ok()
}

/// Whether this process may capture, from its effective capabilities (root has them all).
pub fn capture_permission() -> Permission {
    let caps = effective_capabilities().unwrap_or_else(|| {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            u64::MAX
        } else {
            0
        }
    });
    if caps & CAP_NET_RAW == 0 {
        Permission::Denied
    } else if caps & CAP_NET_ADMIN == 0 {
        Permission::NoPromisc
    } else {
        Permission::Full
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_lengths() {
        assert_eq!(prefix_len(&"255.255.255.0".parse().unwrap()), 24);
        assert_eq!(prefix_len(&"ffff:ffff:ffff:ffff::".parse().unwrap()), 64);
    }

    #[test]
    fn loopback_is_listed_up() {
        let all = interfaces().expect("libpcap lists interfaces without privileges");
        let lo = all.iter().find(|i| i.name == "lo").expect("lo exists");
        assert!(lo.loopback && lo.up);
        assert!(lo
            .addresses
            .iter()
            .any(|(a, p)| *a == IpAddr::from([127, 0, 0, 1]) && *p == Some(8)));
    }
}
