//! `synack ifaces`: the interfaces, their addresses and state, and whether capture will work.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use serde::Serialize;

use crate::capture::live::{
    capture_permission, interfaces, is_network_interface, InterfaceInfo, Permission,
};

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
    can_capture: bool,
    can_promisc: bool,
    capture: String,
}

/// Whether capture on `iface` will work for this process, and why not.
fn verdict(iface: &InterfaceInfo, perm: Permission) -> (bool, bool, String) {
    match (perm, iface.up) {
        (Permission::Denied, _) => (
            false,
            false,
            "no: needs root or cap_net_raw (sudo setcap cap_net_raw,cap_net_admin=eip <synack>)"
                .into(),
        ),
        (_, false) if is_network_interface(&iface.name) => {
            (false, false, "no: interface down".into())
        }
        (Permission::NoPromisc, _) => (
            true,
            false,
            "yes (no cap_net_admin: if promiscuous mode is refused, use --no-promisc)".into(),
        ),
        (Permission::Full, _) => (true, true, "yes".into()),
    }
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
    let mut out = io::stdout().lock();
    let written: io::Result<()> = (|| {
        if args.json {
            for i in &all {
                let (can_capture, can_promisc, capture) = verdict(i, perm);
                let obj = IfaceJson {
                    name: &i.name,
                    description: i.description.as_deref(),
                    up: i.up,
                    running: i.running,
                    loopback: i.loopback,
                    addresses: address_list(i),
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
        for i in &all {
            let (_, _, capture) = verdict(i, perm);
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
