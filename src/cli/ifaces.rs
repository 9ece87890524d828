//! `synack ifaces`: the interfaces, their addresses and state, and whether capture will work.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use serde::Serialize;

use crate::capture::live::{capture_permission, interfaces, probe, InterfaceInfo, Permission};
use crate::capture::{Frame, LinkType, RecordKind};
use crate::decode::{decode, LinkInfo};

/// Arguments of `synack ifaces`.
#[derive(Debug, Default, Args)]
pub struct IfacesArgs {
    /// Print JSON Lines, one object per interface.
    #[arg(long)]
    pub json: bool,
}

/// One interface in `--json` output.
#[derive(Debug, Serialize)]
struct IfaceJson<'a> {
    name: &'a str,
    description: Option<&'a str>,
    up: bool,
    running: bool,
    loopback: bool,
    addresses: Vec<String>,
    /// The link type libpcap opens it with (`null` when it cannot be opened).
    link_type: Option<String>,
    can_capture: bool,
    can_promisc: bool,
    capture: String,
}

/// Whether capture on `iface` will work for this process, and why not. A test open by
/// libpcap decides (it fails on an interface that is down and on a pseudo-device whose bus
/// or kernel support is missing: bluetooth-monitor without Bluetooth, dbus-system without a
/// D-Bus daemon), then whether synack decodes what the interface delivers.
fn verdict(
    iface: &InterfaceInfo,
    perm: Permission,
    opened: &Result<LinkType, String>,
) -> (bool, bool, String) {
    if perm == Permission::Denied {
        return (
            false,
            false,
            "no: needs root or cap_net_raw (sudo setcap cap_net_raw,cap_net_admin=eip <synack>)"
                .into(),
        );
    }
    let link = match opened {
        Err(m) if m.to_ascii_lowercase().contains("not up") => {
            return (false, false, "no: interface down".into())
        }
        Err(m) => return (false, false, format!("no: libpcap cannot open it: {m}")),
        Ok(link) => *link,
    };
    if !decodes(link) {
        return (
            false,
            false,
            format!("no: it delivers {link} records, which carry no packets synack decodes"),
        );
    }
    let only = netfilter_only(&iface.name).unwrap_or_default();
    match perm {
        Permission::NoPromisc => (
            true,
            false,
            format!(
                "yes (no cap_net_admin: if promiscuous mode is refused, use --no-promisc){only}"
            ),
        ),
        _ => (true, true, format!("yes{only}")),
    }
}

/// What libpcap's netfilter devices see: only the packets a firewall rule sends them.
fn netfilter_only(name: &str) -> Option<String> {
    let (kind, group) = name.split_once(':').unwrap_or((name, "0"));
    match kind {
        "nflog" => Some(format!(
            " (only packets a firewall rule logs to NFLOG group {group}, e.g. \
             `nft add rule inet filter input log group {group}`)"
        )),
        "nfqueue" => Some(format!(
            " (only packets a firewall rule queues to queue {group}, e.g. \
             `nft add rule inet filter input queue num {group}`; libpcap accepts each one)"
        )),
        _ => None,
    }
}

/// Whether synack's decoder reads frames of `link` (else they are listed as "unsupported
/// link type").
fn decodes(link: LinkType) -> bool {
    let empty = Frame {
        number: 1,
        ts: None,
        len: 0,
        link,
        interface: 0,
        kind: RecordKind::Packet,
        data: &[],
    };
    !matches!(decode(&empty).link, LinkInfo::Unsupported(_))
}

fn address_list(iface: &InterfaceInfo) -> Vec<String> {
    iface
        .addresses
        .iter()
        .map(|(a, p)| match p {
            Some(p) => format!("{a}/{p}"),
            None => a.to_string(),
        })
        .collect()
}

/// Runs `synack ifaces`.
pub(super) fn run(args: &IfacesArgs) -> anyhow::Result<ExitCode> {
    let all = interfaces()?;
    let perm = capture_permission();
    // A test open of each (skipped when this process may not capture at all).
    let opened: Vec<Result<LinkType, String>> = all
        .iter()
        .map(|i| match perm {
            Permission::Denied => Err("no permission".to_string()),
            _ => probe(&i.name),
        })
        .collect();
    let mut out = io::stdout().lock();
    let written: io::Result<()> = (|| {
        if args.json {
            for (i, opened) in all.iter().zip(&opened) {
                let (can_capture, can_promisc, capture) = verdict(i, perm, opened);
                let obj = IfaceJson {
                    name: &i.name,
                    description: i.description.as_deref(),
                    up: i.up,
                    running: i.running,
                    loopback: i.loopback,
                    addresses: address_list(i),
                    link_type: opened.as_ref().ok().map(|l| l.to_string()),
                    can_capture,
                    can_promisc,
                    capture,
                };
                serde_json::to_writer(&mut out, &obj).map_err(io::Error::from)?;
                out.write_all(b"\n")?;
            }
            return Ok(());
        }
        let width = all.iter().map(|i| i.name.len()).max().unwrap_or(4).max(9);
        writeln!(
            out,
            "{:<width$}  {:<5} {:<8}  {:<8}  CAPTURE / ADDRESSES",
            "INTERFACE", "STATE", "LINK", "KIND"
        )?;
        for (i, opened) in all.iter().zip(&opened) {
            let (_, _, capture) = verdict(i, perm, opened);
            writeln!(
                out,
                "{:<width$}  {:<5} {:<8}  {:<8}  {}",
                i.name,
                if i.up { "up" } else { "down" },
                if i.running { "carrier" } else { "-" },
                if i.loopback { "loopback" } else { "-" },
                capture
            )?;
            let addrs = address_list(i);
            if !addrs.is_empty() {
                writeln!(out, "{:<width$}  {}", "", addrs.join("  "))?;
            }
            if let Some(d) = &i.description {
                writeln!(out, "{:<width$}  ({d})", "")?;
            }
        }
        out.flush()
    })();
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e).context("writing output"),
        _ => Ok(ExitCode::SUCCESS),
    }
}
