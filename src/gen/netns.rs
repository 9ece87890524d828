//! Netns mode: the scenarios between two test hosts in network namespaces, through a router.
//!
//! ```text
//!   [client ns]  veth 10.77.1.2 ── 10.77.1.1 [router ns] 10.77.2.1 ── 10.77.2.2 veth [server ns]
//! ```
//!
//! Real kernels on both ends, a real forwarding hop in between, MTU 1500 (MSS 1448 with
//! timestamps), so segments look as on a LAN, not as on loopback's 64 KiB MTU. `--loss PCT`
//! adds an nftables rule in the router's forward chain that drops that share of TCP
//! segments at random (`numgen random`; this kernel has no netem), never SYN, FIN or RST,
//! so set-up and teardown stay clean and the real kernel's recovery (SACK, fast
//! retransmission, RTO) shows. The capture is taken on the client's veth, so lost segments
//! appear once (sent) and again (retransmitted).
//!
//! Namespace and interface names carry this process id and a counter, so parallel runs do
//! not collide; a guard deletes them when the run ends, on error, on panic (unwinding) and
//! on Ctrl-C (a handler deletes them before exiting). Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN).

use std::fs::File;
use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::AsRawFd;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use anyhow::{bail, Context as _};

use super::live::{self, LiveRun, Where};
use super::{GenOptions, Scenario};

const CLIENT_IP: Ipv4Addr = Ipv4Addr::new(10, 77, 1, 2);
const ROUTER_C: Ipv4Addr = Ipv4Addr::new(10, 77, 1, 1);
const SERVER_IP: Ipv4Addr = Ipv4Addr::new(10, 77, 2, 2);

/// Namespaces alive in this process, deleted by the Ctrl-C handler.
fn registry() -> &'static Mutex<Vec<String>> {
    static REG: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    REG.get_or_init(|| Mutex::new(Vec::new()))
}

/// Installs (once) a Ctrl-C/SIGTERM handler that deletes live namespaces, then exits 130.
fn install_signal_cleanup() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        // Another handler may exist (the capture command's): then the guard still cleans up
        // on every normal, error and panic path.
        let _ = ctrlc::set_handler(|| {
            if let Ok(names) = registry().lock() {
                for n in names.iter() {
                    let _ = Command::new("ip").args(["netns", "del", n]).status();
                }
            }
            std::process::exit(130);
        });
    });
}

/// The three namespaces of one run; deleting them removes the veths too.
pub struct Topology {
    /// Client namespace name.
    pub client: String,
    /// Router namespace name.
    pub router: String,
    /// Server namespace name.
    pub server: String,
    /// The client's veth (capture point).
    pub client_if: String,
}

impl Drop for Topology {
    fn drop(&mut self) {
        for n in [&self.client, &self.router, &self.server] {
            let _ = Command::new("ip").args(["netns", "del", n]).status();
        }
        if let Ok(mut names) = registry().lock() {
            names.retain(|x| x != &self.client && x != &self.router && x != &self.server);
        }
    }
}

/// Runs a command, failing with its stderr.
fn sh(args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .with_context(|| format!("running {}", args[0]))?;
    if !out.status.success() {
        bail!(
            "`{}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Runs a command inside namespace `ns`.
fn in_ns(ns: &str, args: &[&str]) -> anyhow::Result<()> {
    let mut v = vec!["ip", "netns", "exec", ns];
    v.extend_from_slice(args);
    sh(&v)
}

impl Topology {
    /// Creates client, router and server namespaces joined by veth pairs, with forwarding
    /// in the router and, when `loss_pct` > 0, the nftables drop rule.
    pub fn create(loss_pct: u32) -> anyhow::Result<Topology> {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let id = format!(
            "{}x{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        );
        let t = Topology {
            client: format!("synack-gen-{id}-c"),
            router: format!("synack-gen-{id}-r"),
            server: format!("synack-gen-{id}-s"),
            client_if: "veth-c".into(),
        };
        install_signal_cleanup();
        for n in [&t.client, &t.router, &t.server] {
            if let Ok(mut names) = registry().lock() {
                names.push(n.clone());
            }
            sh(&["ip", "netns", "add", n]).context("creating a network namespace (needs root)")?;
        }
        // veth pairs are created inside the router namespace (names are per namespace,
        // so fixed short names cannot collide with other runs), then one end is moved.
        let (c, r, s) = (&t.client, &t.router, &t.server);
        in_ns(
            r,
            &[
                "ip", "link", "add", "r-c", "type", "veth", "peer", "name", "veth-c",
            ],
        )?;
        in_ns(
            r,
            &[
                "ip", "link", "add", "r-s", "type", "veth", "peer", "name", "veth-s",
            ],
        )?;
        in_ns(r, &["ip", "link", "set", "veth-c", "netns", c])?;
        in_ns(r, &["ip", "link", "set", "veth-s", "netns", s])?;
        in_ns(r, &["ip", "addr", "add", "10.77.1.1/24", "dev", "r-c"])?;
        in_ns(r, &["ip", "addr", "add", "10.77.2.1/24", "dev", "r-s"])?;
        for (ns, devs) in [
            (r, &["lo", "r-c", "r-s"][..]),
            (c, &["lo", "veth-c"][..]),
            (s, &["lo", "veth-s"][..]),
        ] {
            for d in devs {
                in_ns(ns, &["ip", "link", "set", d, "up"])?;
            }
        }
        in_ns(c, &["ip", "addr", "add", "10.77.1.2/24", "dev", "veth-c"])?;
        in_ns(s, &["ip", "addr", "add", "10.77.2.2/24", "dev", "veth-s"])?;
        in_ns(c, &["ip", "route", "add", "default", "via", "10.77.1.1"])?;
        in_ns(s, &["ip", "route", "add", "default", "via", "10.77.2.1"])?;
        in_ns(r, &["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"])?;
        // Segmentation offload would hand the capture (and the drop rule) 64 KiB
        // super-segments; one segment per packet keeps the file and the loss wire-sized.
        for (ns, dev) in [(c, "veth-c"), (s, "veth-s"), (r, "r-c"), (r, "r-s")] {
            in_ns(ns, &["ip", "link", "set", "dev", dev, "gso_max_segs", "1"])?;
        }
        if loss_pct > 0 {
            in_ns(r, &["nft", "add table inet synack_gen"])?;
            in_ns(
                r,
                &["nft", "add chain inet synack_gen forward_drop { type filter hook forward priority 0; policy accept; }"],
            )?;
            let rule = format!(
                "add rule inet synack_gen forward_drop meta l4proto tcp tcp flags & (syn | fin | rst) == 0 numgen random mod 100 < {loss_pct} drop"
            );
            in_ns(r, &["nft", &rule])?;
        }
        Ok(t)
    }
}

/// Moves the calling thread into namespace `ns` (network namespaces are per thread).
fn enter(ns: &str) -> anyhow::Result<()> {
    let f = File::open(format!("/run/netns/{ns}"))
        .with_context(|| format!("opening namespace {ns}"))?;
    // SAFETY: setns on an open namespace file descriptor; affects only this thread.
    let r = unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) };
    if r != 0 {
        bail!("setns({ns}): {}", std::io::Error::last_os_error());
    }
    Ok(())
}

/// Runs `sc` between namespaces (root). The capture is on the client's veth.
pub fn run(sc: Scenario, opts: &GenOptions) -> anyhow::Result<LiveRun> {
    run_tapped(sc, opts, None)
}

/// [`run`], reporting each captured frame and call to `tap` (when given) as it happens.
pub fn run_tapped(
    sc: Scenario,
    opts: &GenOptions,
    tap: Option<live::Tap>,
) -> anyhow::Result<LiveRun> {
    if !sc.netns_capable() {
        bail!(
            "`{sc}` has no --netns form ({}); use --synthetic",
            if sc.live_capable() {
                "UDP lessons run live on loopback"
            } else {
                "it cannot be forced with real kernels without netem"
            }
        );
    }
    if opts.ipv6 {
        bail!("--netns uses IPv4 test hosts (10.77.1.2 -> 10.77.2.2); drop --ipv6");
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        bail!("--netns needs root (network namespaces, veth, nftables); try `sudo synack gen {sc} --netns`, or --synthetic");
    }
    let topo = Topology::create(opts.loss_pct)?;
    let opts = opts.clone();
    let (client_ns, server_ns, iface) = (
        topo.client.clone(),
        topo.server.clone(),
        topo.client_if.clone(),
    );
    // A dedicated thread switches namespaces: server sockets are made in the server's,
    // then the thread moves to the client's to capture and connect.
    let result = std::thread::spawn(move || -> anyhow::Result<LiveRun> {
        enter(&server_ns)?;
        let setup = live::prepare_on(sc, IpAddr::V4(SERVER_IP))?;
        enter(&client_ns)?;
        live::run_prepared_tapped(
            sc,
            &opts,
            setup,
            IpAddr::V4(SERVER_IP),
            Where::Host {
                iface: &iface,
                local: IpAddr::V4(CLIENT_IP),
                neighbour: IpAddr::V4(ROUTER_C),
            },
            tap,
        )
    })
    .join()
    .unwrap_or_else(|_| Err(anyhow::anyhow!("the netns run panicked")));
    drop(topo);
    result
}

/// True when this process can create namespaces (root with `ip` and `nft` on the PATH),
/// so tests can skip with a reason elsewhere.
pub fn available() -> bool {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let on_path = |cmd: &str| {
        std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(cmd).exists()))
    };
    root && on_path("ip") && on_path("nft")
}
