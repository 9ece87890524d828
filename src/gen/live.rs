//! Live and netns modes: a lesson's real client and server, the real kernel's TCP, captured.
//!
//! **Live** ([`run`]): the server and the client run in threads of this process on
//! `127.0.0.1` (or `::1`), on ports the kernel picks. **Netns** ([`run_netns`]): the server's
//! sockets are made in the server host of a [`Topology`] and the client connects from the
//! client host, through the router (which may drop segments).
//!
//! Before the first packet, a capture opens (`lo`, or the client's veth) with a
//! filter on the lesson's ports, so it holds this run's traffic and nothing else. Capturing
//! needs root or `CAP_NET_RAW`; without it a live run still happens (the calls trace is
//! still written) and the user is told how to get the capture. The sockets record every
//! call (into the calls trace), and every lesson moves a fixed, small amount of data, so a run
//! always ends by itself within seconds.
//!
//! Some lessons cannot be forced with real kernels (crossing FINs, reordering), and loopback
//! never loses: those run synthetic, or (`loss`) between namespaces.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use anyhow::bail;

use super::capture_session::Capture;
use super::kernel_state::KernelSampling;
use super::lessons::{Lesson, Stage};
use super::netns::{Drops, Host, Topology};
use super::socket::{Recorder, Setup};
use super::{GenOptions, Scenario};
use crate::calls::CallTrace;
use crate::capture::{LinkType, OwnedFrame};
use crate::kernel::Watch;

pub use super::tap::{LiveEvent, Tap};

/// What a live or netns run produced.
#[derive(Debug)]
pub struct LiveRun {
    /// The captured frames, when this process could capture.
    pub frames: Option<Vec<OwnedFrame>>,
    /// Link type of the frames.
    pub link: LinkType,
    /// The application calls.
    pub trace: CallTrace,
    /// Why there is no capture (how to get one), when there is none.
    pub no_capture: Option<String>,
    /// Why the calls trace has no `tcp_info` readings, when it has none.
    pub no_tcp_info: Option<String>,
    /// The BPF filter used.
    pub filter: String,
    /// Packets the kernel dropped from the capture (the capture misses them), at both
    /// points of a netns run.
    pub dropped: u64,
    /// Netns runs: the same traffic captured at the server's veth too (a second capture
    /// point, behind the router), for `synack pair`; `None` elsewhere or when that
    /// capture could not start.
    pub server_frames: Option<Vec<OwnedFrame>>,
    /// Netns runs: what the router's loss rule dropped (between the two capture points)
    /// and what the server's input chain dropped (after the server-side one).
    pub drops: Option<NetnsDrops>,
}

/// A run with real sockets whose lesson failed once its capture was running (a path that
/// loses too much to finish by the run's deadline, a refused socket call): the error, and
/// everything captured and recorded until then, so the caller can still save and show it.
#[derive(Debug)]
pub struct Unfinished {
    /// What was captured and recorded before the lesson failed.
    pub run: Box<LiveRun>,
    /// Why the lesson failed.
    pub error: anyhow::Error,
}

impl std::fmt::Display for Unfinished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.error)
    }
}

impl std::error::Error for Unfinished {}

/// How long a netns run may take: its sockets wait through timeouts (the retransmission
/// timer of a lossy path backs off past the sockets' own 5 s) until then, and the run
/// stops, keeping what it captured ([`Unfinished`]).
pub const NETNS_DEADLINE: Duration = Duration::from_secs(30);

/// `run` when the lesson succeeded, else an [`Unfinished`] error holding `run`.
fn outcome(run: LiveRun, lesson: anyhow::Result<()>) -> anyhow::Result<LiveRun> {
    match lesson {
        Ok(()) => Ok(run),
        Err(error) => Err(anyhow::Error::new(Unfinished {
            run: Box::new(run),
            error,
        })),
    }
}

/// The packets a netns run dropped on purpose, by place: the truth for `synack pair`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetnsDrops {
    /// Dropped by the router (`--loss`): between the client's and the server's captures.
    pub router: Drops,
    /// Dropped in the server's input chain (`--server-loss`): after the server's capture.
    pub server_input: Drops,
}

/// Runs `sc` live on loopback. Errors are setup failures (no loopback, no ports); a missing
/// capture permission is not an error (see [`LiveRun::no_capture`]).
pub fn run(sc: Scenario, opts: &GenOptions) -> anyhow::Result<LiveRun> {
    run_on_loopback(sc, opts, None)
}

/// [`run`], reporting each captured frame and each call to `tap` as it happens (the frames
/// and the trace are also returned at the end, as by [`run`]).
pub fn run_tapped(sc: Scenario, opts: &GenOptions, tap: Tap) -> anyhow::Result<LiveRun> {
    run_on_loopback(sc, opts, Some(tap))
}

fn run_on_loopback(sc: Scenario, opts: &GenOptions, tap: Option<Tap>) -> anyhow::Result<LiveRun> {
    let lesson = sc.script();
    let Some(real) = lesson.real().filter(|r| r.on_loopback) else {
        if !sc.synthetic_capable() {
            bail!("`{sc}` runs only with real kernels between namespaces: use --netns (root)");
        }
        bail!("`{sc}` has no live form on loopback: use --synthetic (or --netns)");
    };
    let ip = if opts.ipv6 {
        IpAddr::V6(Ipv6Addr::LOCALHOST)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    };
    let setup = (real.reserve)(ip)?;
    // Loopback is shared with everything else on this host: read the run's port only.
    let sampling =
        KernelSampling::start(opts.sample_ms, vec![(None, Watch::Ports(vec![setup.port]))]);
    let (run, lesson) = run_reserved(sc, lesson, setup, ip, Where::Loopback, tap, sampling);
    outcome(run, lesson)
}

/// Runs `sc` between network namespaces (root): client and server hosts joined by a router
/// that drops `opts.loss_pct` percent of TCP data segments. The capture is on the client's
/// veth, and a second one on the server's ([`LiveRun::server_frames`]): two capture points
/// of one path, either side of the router; the namespaces are deleted when the run ends.
pub fn run_netns(sc: Scenario, opts: &GenOptions) -> anyhow::Result<LiveRun> {
    run_netns_tapped(sc, opts, None)
}

/// [`run_netns`], reporting each captured frame and call to `tap` (when given) as it happens.
pub fn run_netns_tapped(
    sc: Scenario,
    opts: &GenOptions,
    tap: Option<Tap>,
) -> anyhow::Result<LiveRun> {
    let lesson = sc.script();
    let Some(real) = lesson.real().filter(|r| r.between_namespaces) else {
        bail!(
            "`{sc}` has no --netns form ({}); use --synthetic",
            if sc.live_capable() {
                "UDP lessons run live on loopback"
            } else {
                "it cannot be forced with real kernels without netem"
            }
        );
    };
    if opts.ipv6 {
        bail!("--netns uses IPv4 test hosts (10.77.1.2 -> 10.77.2.2); drop --ipv6");
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        bail!("--netns needs root (network namespaces, veth, nftables); try `sudo synack gen {sc} --netns`, or --synthetic");
    }
    if let Some(cc) = &opts.congestion {
        let offered = super::available_congestion_control();
        if !offered.contains(cc) {
            bail!(
                "congestion control `{cc}` is not offered by this kernel (it offers: {})",
                offered.join(", ")
            );
        }
    }
    let topo = Topology::create("synack-gen", opts.loss_pct)?;
    let rate_mbit = match opts.rate_mbit {
        0 => real.default_rate_mbit,
        r => r,
    };
    if rate_mbit > 0 {
        topo.limit_rate(rate_mbit)?;
    }
    if opts.server_loss_pct > 0 {
        topo.drop_at_server(opts.server_loss_pct)?;
    }
    if let Some(outage) = real.outage {
        topo.black_out_once(outage.after_bytes, outage.ms)?;
    }
    let server = IpAddr::V4(Host::Server.address());
    // A dedicated thread switches namespaces: the server's sockets are made in the server's,
    // then the thread moves to the client's to capture and connect.
    let result = std::thread::scope(|scope| {
        scope
            .spawn(|| -> anyhow::Result<LiveRun> {
                topo.enter(Host::Server)?;
                let setup = (real.reserve)(server)?;
                // The second capture point: the server's veth, opened from its namespace.
                let server_capture = Capture::start(
                    Host::Server.interface(),
                    &setup.filter(),
                    server,
                    Some(IpAddr::V4(Host::Server.neighbour())),
                    None,
                );
                topo.enter(Host::Client)?;
                let at = Where::Host {
                    iface: Host::Client.interface(),
                    local: IpAddr::V4(Host::Client.address()),
                    neighbour: IpAddr::V4(Host::Client.neighbour()),
                    loss_pct: opts.loss_pct,
                };
                // The namespaces hold only this run's sockets: read them all, in both.
                let sampling = KernelSampling::start(
                    opts.sample_ms,
                    vec![
                        (Some(topo.path(Host::Client)), Watch::All),
                        (Some(topo.path(Host::Server)), Watch::All),
                    ],
                );
                let sampling = sampling.with_congestion(opts.congestion.clone());
                let (mut run, lesson) = run_reserved(sc, lesson, setup, server, at, tap, sampling);
                let server_side = server_capture.map(Capture::finish);
                run.drops = Some(NetnsDrops {
                    router: topo.drops(Host::Router)?,
                    server_input: topo.drops(Host::Server)?,
                });
                match server_side {
                    Ok((frames, dropped)) => {
                        run.server_frames = Some(frames);
                        run.dropped += dropped;
                    }
                    Err(e) => {
                        let why = format!("no capture at the server ({e})");
                        run.no_capture = Some(match run.no_capture.take() {
                            Some(client) => format!("{client}; {why}"),
                            None => why,
                        });
                    }
                }
                outcome(run, lesson)
            })
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the netns run panicked")))
    });
    drop(topo);
    result
}

/// Where a run's client lives and where it captures.
#[derive(Debug, Clone, Copy)]
enum Where<'a> {
    /// Loopback: capture on `lo`.
    Loopback,
    /// A namespace host: capture on `iface`, sending the start-up marker to `neighbour`;
    /// the router drops `loss_pct` percent of TCP segments.
    Host {
        /// Interface to capture on (the client's veth).
        iface: &'a str,
        /// The client's own address.
        local: IpAddr,
        /// An address across `iface` (the router).
        neighbour: IpAddr,
        /// The router's random loss, percent.
        loss_pct: u32,
    },
}

/// Runs a lesson whose server sockets are reserved in `setup` (in whatever namespace they
/// were made): starts the capture, runs the client from the calling thread's namespace
/// against `server`, and collects frames and calls; the lesson's own outcome beside them
/// (a failed lesson still hands back what was captured).
fn run_reserved(
    sc: Scenario,
    lesson: &dyn Lesson,
    setup: Setup,
    server: IpAddr,
    at: Where<'_>,
    tap: Option<Tap>,
    sampling: KernelSampling,
) -> (LiveRun, anyhow::Result<()>) {
    let mode = match at {
        Where::Loopback => "live",
        Where::Host { .. } => "netns",
    };
    let filter = setup.filter();
    let started = match at {
        Where::Loopback => Capture::start("lo", &filter, server, None, tap.clone()),
        Where::Host {
            iface,
            local,
            neighbour,
            ..
        } => Capture::start(iface, &filter, local, Some(neighbour), tap.clone()),
    };
    let (cap, no_capture) = match started {
        Ok(c) => (Some(c), None),
        Err(e) => (
            None,
            Some(format!(
                "no capture ({e}). The scenario still runs; to capture it yourself: \
                 `sudo tcpdump -i lo -w FILE '{filter}'`; `--synthetic` needs no privileges."
            )),
        ),
    };
    let mut rec = Recorder::new(sc.name(), mode, tap)
        .with_samplers(sampling.handles())
        .with_congestion(sampling.congestion.clone());
    if let Where::Host { .. } = at {
        // A lossy path: calls wait through timeouts, up to the run's deadline.
        rec = rec.with_deadline(Instant::now() + NETNS_DEADLINE);
    }
    let stage = Stage {
        server: SocketAddr::new(server, setup.port),
        setup,
        rec,
        loss_pct: match at {
            Where::Loopback => 0,
            Where::Host { loss_pct, .. } => loss_pct,
        },
    };
    let result = lesson.run_real(&stage);
    let mut trace = stage.rec.take();
    let no_tcp_info = sampling.finish(&mut trace);
    let (frames, link, dropped) = match cap {
        Some(c) => {
            let link = c.link;
            let (frames, dropped) = c.finish();
            (Some(frames), link, dropped)
        }
        None => (None, LinkType::Ethernet, 0),
    };
    let run = LiveRun {
        frames,
        link,
        trace,
        no_capture,
        no_tcp_info,
        filter,
        dropped,
        server_frames: None,
        drops: None,
    };
    (run, result)
}
