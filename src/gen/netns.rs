//! Two test hosts in network namespaces, joined through a router namespace that can drop
//! packets at random: real kernels on both ends of a real forwarding hop.
//!
//! ```text
//!   [client ns]  veth-c 10.77.1.2 ── r-c 10.77.1.1 [router ns] r-s 10.77.2.1 ── veth-s 10.77.2.2 [server ns]
//! ```
//!
//! MTU 1500 with segmentation offload off (one segment per packet, MSS 1448 with
//! timestamps), so traffic looks as on a LAN, not as on loopback's 64 KiB MTU. A loss
//! percentage adds an nftables rule in the router's forward chain that drops that share of
//! TCP data segments at random (`numgen random`; this kernel has no netem), never pure
//! ACKs, SYN, FIN or RST,
//! so set-up and teardown stay clean and the kernels' recovery (SACK, fast retransmission,
//! RTO) shows. [`Topology::drop_at_server`] drops in the server's input chain too, behind a
//! capture on its veth; each rule counts and records what it dropped ([`Topology::drops`]).
//!
//! Use: [`Topology::create`], then put threads into a host with [`Topology::enter`] (network
//! namespaces are per thread) or start programs there with [`Topology::command`]; capture on
//! a host's [`Host::interface`] from inside its namespace; sample its kernel's TCP state
//! with [`crate::kernel::Sampler`] on [`Topology::path`]. `synack gen --netns` runs its
//! lessons this way (see [`super::live::run_netns`]).
//!
//! Namespace names carry a caller's prefix, this process id and a counter, so parallel runs
//! do not collide; dropping the [`Topology`] deletes them (and their veths), on every normal,
//! error and panic path, and a Ctrl-C/SIGTERM handler deletes them before exiting. Needs root
//! (CAP_SYS_ADMIN, CAP_NET_ADMIN) and `ip` and `nft` ([`available`]).

use std::ffi::OsStr;
use std::io::Write as _;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use anyhow::{bail, Context as _};

/// One of the three hosts of a [`Topology`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// The client host (`10.77.1.2`), default route via the router.
    Client,
    /// The router between the two subnets, where loss is applied.
    Router,
    /// The server host (`10.77.2.2`), default route via the router.
    Server,
}

impl Host {
    /// The host's address (the router's: its side towards the client).
    pub fn address(self) -> Ipv4Addr {
        match self {
            Host::Client => Ipv4Addr::new(10, 77, 1, 2),
            Host::Router => Ipv4Addr::new(10, 77, 1, 1),
            Host::Server => Ipv4Addr::new(10, 77, 2, 2),
        }
    }

    /// The host's interface towards the other side (the router's: towards the client); a
    /// capture there sees every packet the host exchanges.
    pub fn interface(self) -> &'static str {
        match self {
            Host::Client => "veth-c",
            Host::Router => "r-c",
            Host::Server => "veth-s",
        }
    }

    /// The next hop from this host's interface: the router for the hosts, the client for
    /// the router (a neighbour a packet must cross the interface to reach).
    pub fn neighbour(self) -> Ipv4Addr {
        match self {
            Host::Client => Host::Router.address(),
            Host::Router => Host::Client.address(),
            Host::Server => Ipv4Addr::new(10, 77, 2, 1),
        }
    }
}

/// The nftables table, counter and set of a host's drop rule.
const TABLE: &str = "synack_gen";
const COUNTER: &str = "dropped";
const SET: &str = "dropped_segments";

/// nftables matches for TCP segments that carry data (not SYN, FIN or RST): one per TCP
/// header length, since nft cannot subtract one field from another (the IPv4 header is 20
/// bytes: the test hosts send no IP options). Pure ACKs, with or without SACK, never match.
fn data_segments() -> Vec<String> {
    (5..=15u32)
        .map(|doff| {
            format!(
                "tcp flags & (syn | fin | rst) == 0 tcp doff {doff} ip length > {}",
                20 + 4 * doff
            )
        })
        .collect()
}

/// The end of a drop rule: record the packet in [`SET`], count it in [`COUNTER`], drop it.
fn record_and_drop() -> String {
    format!(
        "add @{SET} {{ ip saddr . ip id . tcp sequence . tcp ackseq }} counter name {COUNTER} drop"
    )
}

/// What a host's drop rule dropped ([`Topology::drops`]): the truth a capture's analysis
/// (e.g. `synack pair` of the client's and the server's captures) can be checked against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drops {
    /// Packets dropped (the rule's counter).
    pub packets: u64,
    /// Each dropped packet, as recorded (at most 65535; equal ones once).
    pub segments: Vec<DroppedSegment>,
}

/// One packet a drop rule dropped, named as a capture shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DroppedSegment {
    /// The sender's address.
    pub source: Ipv4Addr,
    /// The IPv4 identification (each transmission its own).
    pub ip_id: u16,
    /// The TCP sequence number (raw).
    pub seq: u32,
    /// The TCP acknowledgment number (raw).
    pub ack: u32,
}

/// Namespaces alive in this process, deleted by the Ctrl-C handler.
fn registry() -> &'static Mutex<Vec<String>> {
    static REG: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    REG.get_or_init(|| Mutex::new(Vec::new()))
}

/// Installs (once) a Ctrl-C/SIGTERM handler that says so, deletes live namespaces, then
/// exits 130.
fn install_signal_cleanup() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        // Another handler may exist (the capture command's): then the guard still cleans up
        // on every normal, error and panic path.
        // The registry stays locked until the exit, so a run that fails because its
        // namespaces vanish cannot end the process first (its Topology's drop waits).
        let _ = ctrlc::set_handler(|| {
            let names = registry().lock().unwrap_or_else(|e| e.into_inner());
            let _ = writeln!(
                std::io::stderr(),
                "synack: interrupted: the run stops unfinished, nothing is saved; deleting its \
                 network namespaces ({})",
                names.join(", ")
            );
            for n in names.iter() {
                let _ = Command::new("ip").args(["netns", "del", n]).status();
            }
            std::process::exit(130);
        });
    });
}

/// The three namespaces of one topology; deleting them removes the veths too.
pub struct Topology {
    client: String,
    router: String,
    server: String,
}

impl Drop for Topology {
    fn drop(&mut self) {
        // Locked first: while a Ctrl-C handler is deleting namespaces, wait for its exit.
        let mut names = registry().lock().unwrap_or_else(|e| e.into_inner());
        for n in [&self.client, &self.router, &self.server] {
            let _ = Command::new("ip").args(["netns", "del", n]).status();
        }
        names.retain(|x| x != &self.client && x != &self.router && x != &self.server);
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
    /// Creates client, router and server namespaces (`{prefix}-{pid}x{n}-c`, `-r`, `-s`)
    /// joined by veth pairs, with forwarding in the router and, when `loss_pct` > 0, the
    /// nftables rule that drops that percentage of TCP data segments.
    pub fn create(prefix: &str, loss_pct: u32) -> anyhow::Result<Topology> {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let id = format!(
            "{}x{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        );
        let t = Topology {
            client: format!("{prefix}-{id}-c"),
            router: format!("{prefix}-{id}-r"),
            server: format!("{prefix}-{id}-s"),
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
        let (c_if, s_if) = (Host::Client.interface(), Host::Server.interface());
        let (r_c, r_s) = (Host::Router.interface(), "r-s");
        let cidr = |a: Ipv4Addr| format!("{a}/24");
        in_ns(
            r,
            &[
                "ip", "link", "add", r_c, "type", "veth", "peer", "name", c_if,
            ],
        )?;
        in_ns(
            r,
            &[
                "ip", "link", "add", r_s, "type", "veth", "peer", "name", s_if,
            ],
        )?;
        in_ns(r, &["ip", "link", "set", c_if, "netns", c])?;
        in_ns(r, &["ip", "link", "set", s_if, "netns", s])?;
        in_ns(
            r,
            &[
                "ip",
                "addr",
                "add",
                &cidr(Host::Router.address()),
                "dev",
                r_c,
            ],
        )?;
        in_ns(
            r,
            &[
                "ip",
                "addr",
                "add",
                &cidr(Host::Server.neighbour()),
                "dev",
                r_s,
            ],
        )?;
        for (ns, devs) in [
            (r, &["lo", r_c, r_s][..]),
            (c, &["lo", c_if][..]),
            (s, &["lo", s_if][..]),
        ] {
            for d in devs {
                in_ns(ns, &["ip", "link", "set", d, "up"])?;
            }
        }
        for host in [Host::Client, Host::Server] {
            let ns = t.namespace(host);
            let dev = host.interface();
            in_ns(
                ns,
                &["ip", "addr", "add", &cidr(host.address()), "dev", dev],
            )?;
            let via = host.neighbour().to_string();
            in_ns(ns, &["ip", "route", "add", "default", "via", &via])?;
        }
        in_ns(r, &["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"])?;
        // Segmentation offload would hand the capture (and the drop rule) 64 KiB
        // super-segments; one segment per packet keeps the file and the loss wire-sized.
        for (ns, dev) in [(c, c_if), (s, s_if), (r, r_c), (r, r_s)] {
            in_ns(ns, &["ip", "link", "set", "dev", dev, "gso_max_segs", "1"])?;
        }
        if loss_pct > 0 {
            t.add_drops(Host::Router, "forward", &data_segments(), loss_pct)?;
        }
        Ok(t)
    }

    /// Drops `loss_pct` percent of the TCP data segments (longer than 100 bytes, never SYN,
    /// FIN or RST) that reach the server, in its input chain: after a capture on the
    /// server's veth saw them, so they are lost after that capture point, as a receiver's
    /// overflowing queue or a host firewall loses them. Recorded like the router's drops
    /// ([`Topology::drops`]).
    pub fn drop_at_server(&self, loss_pct: u32) -> anyhow::Result<()> {
        self.add_drops(
            Host::Server,
            "input",
            &["tcp flags & (syn | fin | rst) == 0 ip length > 100".to_owned()],
            loss_pct,
        )
    }

    /// Adds, in `host`'s namespace, a chain on netfilter hook `hook` dropping `loss_pct`
    /// percent of the TCP packets that match one of `matching` (one rule each), each
    /// counted and recorded in a set by its source, IP id, sequence and acknowledgment
    /// numbers.
    fn add_drops(
        &self,
        host: Host,
        hook: &str,
        matching: &[String],
        loss_pct: u32,
    ) -> anyhow::Result<()> {
        // `numgen random mod 100 < 100` is out of nft's range: every packet then.
        let chance = if loss_pct >= 100 {
            String::new()
        } else {
            format!("numgen random mod 100 < {loss_pct}")
        };
        let drop = record_and_drop();
        let rules: String = matching
            .iter()
            .map(|m| format!("meta l4proto tcp {m} {chance} {drop}\n"))
            .collect();
        let chain = format!(
            "chain drop_{hook} {{ type filter hook {hook} priority 0; policy accept;
               {rules}
             }}"
        );
        self.add_to_drop_table(host, &chain)
            .context("adding the nftables drop rule")
    }

    /// Makes the router drop every TCP data segment (longer than 100 bytes, never SYN, FIN
    /// or RST) towards the server for `ms` milliseconds, once, beginning when `after_bytes`
    /// bytes of such segments have crossed it: a burst loss that takes the whole flight and
    /// the tail loss probe, which only the sender's retransmission timer repairs (Linux's
    /// timeout is at least 200 ms: keep `ms` below it, so the timeout's retransmission
    /// arrives). Counted and recorded with the random drops ([`Topology::drops`]).
    pub fn black_out_once(&self, after_bytes: u64, ms: u32) -> anyhow::Result<()> {
        let data = "meta l4proto tcp tcp flags & (syn | fin | rst) == 0 ip length > 100 ip daddr";
        let server = Host::Server.address();
        let drop = record_and_drop();
        let chain = format!(
            "set outage {{ type ipv4_addr; flags dynamic,timeout; }}
             set outage_done {{ type ipv4_addr; flags dynamic; }}
             chain outage {{ type filter hook forward priority -1; policy accept;
               {data} {server} ip daddr != @outage_done quota over {after_bytes} bytes add @outage {{ ip daddr timeout {ms}ms }} add @outage_done {{ ip daddr }}
               {data} @outage {drop}
             }}"
        );
        self.add_to_drop_table(Host::Router, &chain)
            .context("adding the nftables outage rule")
    }

    /// Adds `body` (chains, sets) to `host`'s drop table, declaring the table with the
    /// counter and the set every drop rule records into (declaring them again is harmless).
    fn add_to_drop_table(&self, host: Host, body: &str) -> anyhow::Result<()> {
        let script = format!(
            "table inet {TABLE} {{
               counter {COUNTER} {{ }}
               set {SET} {{ typeof ip saddr . ip id . tcp sequence . tcp ackseq; flags dynamic; size 65535; }}
               {body}
             }}"
        );
        in_ns(self.namespace(host), &["nft", &script])
    }

    /// What `host`'s drop rule (the router's loss, or the server's input drops) dropped so
    /// far: its counter and each packet it recorded. No rule there: nothing dropped.
    pub fn drops(&self, host: Host) -> anyhow::Result<Drops> {
        let ns = self.namespace(host);
        let list = |what: &str, name: &str| -> anyhow::Result<Option<serde_json::Value>> {
            let out = Command::new("ip")
                .args([
                    "netns", "exec", ns, "nft", "-j", "list", what, "inet", TABLE, name,
                ])
                .output()
                .context("running nft")?;
            if !out.status.success() {
                // No such table: this host drops nothing.
                return Ok(None);
            }
            let v: serde_json::Value =
                serde_json::from_slice(&out.stdout).context("reading nft's JSON")?;
            Ok(v["nftables"]
                .as_array()
                .and_then(|a| a.iter().find_map(|o| o.get(what).cloned())))
        };
        let Some(counter) = list("counter", COUNTER)? else {
            return Ok(Drops::default());
        };
        let packets = counter["packets"].as_u64().unwrap_or(0);
        let set = list("set", SET)?.unwrap_or_default();
        let mut segments = Vec::new();
        for e in set["elem"].as_array().into_iter().flatten() {
            // An element is {"concat": [addr, id, seq, ack]} (or {"elem": {"val": ...}}
            // when it carries a timeout).
            let concat = e.get("concat").or_else(|| e["elem"]["val"].get("concat"));
            let Some([src, id, seq, ack]) = concat.and_then(|c| c.as_array()).map(Vec::as_slice)
            else {
                continue;
            };
            let (Some(src), Some(id), Some(seq), Some(ack)) = (
                src.as_str().and_then(|s| s.parse().ok()),
                id.as_u64(),
                seq.as_u64(),
                ack.as_u64(),
            ) else {
                continue;
            };
            segments.push(DroppedSegment {
                source: src,
                ip_id: id as u16,
                seq: seq as u32,
                ack: ack as u32,
            });
        }
        Ok(Drops { packets, segments })
    }

    /// Makes the router forward towards the server at most `mbit` Mbit/s: a token bucket
    /// (`tc tbf`, this kernel has no netem) holding up to 50 ms of packets, so a sender that
    /// sends faster fills a queue (the round-trip time grows) and then loses at its tail.
    pub fn limit_rate(&self, mbit: u32) -> anyhow::Result<()> {
        // The bucket must hold at least one timer tick's worth of bytes (HZ can be 100).
        let burst = (u64::from(mbit) * 1_000_000 / 8 / 100).max(16 * 1024);
        in_ns(
            &self.router,
            &[
                "tc",
                "qdisc",
                "add",
                "dev",
                "r-s",
                "root",
                "tbf",
                "rate",
                &format!("{mbit}mbit"),
                "burst",
                &burst.to_string(),
                "latency",
                "50ms",
            ],
        )
        .context("limiting the router's rate (tc tbf)")
    }

    /// The namespace name of `host` (for `ip netns exec NAME ...`).
    pub fn namespace(&self, host: Host) -> &str {
        match host {
            Host::Client => &self.client,
            Host::Router => &self.router,
            Host::Server => &self.server,
        }
    }

    /// The namespace file of `host` (`/run/netns/NAME`), e.g. for
    /// [`crate::kernel::SamplerOptions::netns`].
    pub fn path(&self, host: Host) -> PathBuf {
        Path::new("/run/netns").join(self.namespace(host))
    }

    /// Moves the calling thread into `host`'s network namespace (namespaces are per
    /// thread: sockets it opens afterwards live there; other threads are unaffected).
    pub fn enter(&self, host: Host) -> anyhow::Result<()> {
        Ok(crate::kernel::enter_netns(&self.path(host))?)
    }

    /// A command that runs `program` inside `host`'s namespace (`ip netns exec`, which
    /// execs the program in place: the child's pid is the program's). Add arguments and
    /// spawn it as any [`Command`].
    pub fn command(&self, host: Host, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", self.namespace(host)])
            .arg(program);
        cmd
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::time::Duration;

    fn names_with(prefix: &str) -> Vec<String> {
        let out = Command::new("ip").args(["netns", "list"]).output();
        let out = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
        out.unwrap_or_default()
            .lines()
            .filter(|l| l.starts_with(prefix))
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn hosts_reach_each_other_through_the_router_and_vanish_on_drop() {
        if !available() {
            eprintln!("SKIPPED netns topology: needs root with ip and nft");
            return;
        }
        let prefix = format!("synack-test-{}x", std::process::id());
        let topo = Topology::create("synack-test", 0).unwrap();
        assert_eq!(names_with(&prefix).len(), 3);
        // A program started in the client host sees the client's address on its veth.
        let out = topo
            .command(Host::Client, "ip")
            .args(["-4", "addr", "show", "dev", Host::Client.interface()])
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).contains("10.77.1.2/24"));
        // Threads that entered the hosts talk TCP across the router.
        let server = SocketAddr::new(Host::Server.address().into(), 7000);
        std::thread::scope(|s| {
            let listening = s.spawn(|| {
                topo.enter(Host::Server).unwrap();
                TcpListener::bind(server).unwrap()
            });
            let listener = listening.join().unwrap();
            let accepted = s.spawn(move || {
                let (mut c, peer) = listener.accept().unwrap();
                let mut buf = [0u8; 5];
                c.read_exact(&mut buf).unwrap();
                (peer, buf)
            });
            s.spawn(|| {
                topo.enter(Host::Client).unwrap();
                let mut c = TcpStream::connect_timeout(&server, Duration::from_secs(5)).unwrap();
                c.write_all(b"hello").unwrap();
            })
            .join()
            .unwrap();
            let (peer, buf) = accepted.join().unwrap();
            assert_eq!(peer.ip(), std::net::IpAddr::from(Host::Client.address()));
            assert_eq!(&buf, b"hello");
        });
        drop(topo);
        assert!(names_with(&prefix).is_empty(), "namespaces left behind");
    }
}
