//! `synack run`: programs run traced in a network of their own while their traffic is
//! captured, so each socket call can be put on the same timeline as its packets.
//!
//! [`run`] sets up the network ([`NetMode`]), opens the capture there, runs the
//! [`crate::trace`] tracer on the programs, and sends every frame and every report to the
//! caller's channel as it happens ([`RunEvent`]); the command line ([`crate::cli`]) prints
//! them in time order and writes the pcap and its calls trace, the desktop view shows them
//! live.

pub mod calls;
pub mod capture;
pub mod kernel;
pub mod merge;
pub mod netns;
pub mod plan;
pub mod ports;

use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::Sender;

use crate::capture::live::KernelStats;
use crate::capture::{LinkType, OwnedFrame};
use crate::gen;
use crate::trace::{self, Control, Outcome, Plan, Report};

/// Where the programs run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetMode {
    /// A network namespace of their own with only `lo` (the default): the capture holds
    /// exactly their traffic.
    Isolated,
    /// The host's network; the capture on the host's `lo` keeps only the programs' ports.
    Host,
    /// The server and the clients on two hosts (network namespaces) joined through a router
    /// namespace that can drop, delay and limit their traffic, as `synack gen --netns`
    /// runs its lessons; captured on the clients' interface.
    Pair(PairNet),
}

/// What the router of a [`NetMode::Pair`] does to the traffic it forwards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PairNet {
    /// Percent of TCP data segments dropped at random (nftables; never SYN, FIN or RST).
    pub loss_pct: u32,
    /// Delay added in each direction, in milliseconds (needs the kernel's netem qdisc).
    pub delay_ms: u32,
    /// The rate towards the server, in Mbit/s (0: no limit).
    pub rate_mbit: u32,
}

impl NetMode {
    /// The address the clients reach the server at (`$SYNACK_SERVER`, `{server}`).
    pub fn server_address(&self) -> std::net::IpAddr {
        match self {
            NetMode::Pair(_) => gen::netns::Host::Server.address().into(),
            NetMode::Isolated | NetMode::Host => std::net::Ipv4Addr::LOCALHOST.into(),
        }
    }

    /// The name written in the calls trace's `mode`.
    pub fn name(&self) -> &'static str {
        match self {
            NetMode::Isolated => "isolated",
            NetMode::Host => "host",
            NetMode::Pair(_) => "pair",
        }
    }
}

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The network.
    pub net: NetMode,
    /// Stop everything after this long.
    pub timeout: Option<Duration>,
    /// Read the kernel's state of the programs' TCP sockets this often (`--sample-ms`) and
    /// after the calls that change a connection or fail (after sends and receives at most
    /// once a period); `None` reads nothing.
    pub sample: Option<Duration>,
}

/// What a run reports as it happens.
#[derive(Debug, Clone)]
pub enum RunEvent {
    /// A captured frame (numbered in capture order from 1).
    Frame(OwnedFrame),
    /// Something the tracer saw.
    Report(Report),
    /// The capture has handed on every frame timestamped before this (ns since the epoch):
    /// its watermark while no frame arrives.
    CaptureMark(i64),
}

/// How a run went.
#[derive(Debug, Clone)]
pub struct RunSummary {
    /// The programs' ends and the exit status.
    pub outcome: Outcome,
    /// The kernel's capture counters (drops), where the backend has them.
    pub capture: Option<KernelStats>,
    /// Link type of the captured frames.
    pub link: LinkType,
    /// True when `--timeout` ended the run.
    pub timed_out: bool,
    /// The kernel's readings of the programs' TCP sockets (for the calls trace's
    /// `tcp_info`).
    pub kernel: kernel::KernelReadings,
}

/// Runs `plan` under `opts`, sending frames and reports to `tx`; returns when every program
/// has ended and the capture has stopped. `control` stops the run early.
pub fn run(
    mut plan: Plan,
    opts: &RunOptions,
    control: &Control,
    tx: Sender<RunEvent>,
) -> anyhow::Result<RunSummary> {
    if let Some(why) = trace::syscalls::unsupported() {
        anyhow::bail!(why);
    }
    // Kept until the end of the run: dropping it deletes the pair's namespaces.
    let mut topology = None;
    let (ns, capture_ns, iface, places) = match &opts.net {
        NetMode::Isolated => {
            let ns = Arc::new(netns::isolated().map_err(|e| {
                anyhow::anyhow!(
                    "{e}; synack run needs root or an unprivileged user namespace \
                     (or use --host-net with CAP_NET_RAW to capture on the host's lo)"
                )
            })?);
            for p in &mut plan.programs {
                p.netns = Some(ns.clone());
            }
            (Some(ns.clone()), Some(ns.clone()), "lo", vec![Some(ns)])
        }
        NetMode::Host => (None, None, "lo", vec![None]),
        NetMode::Pair(pair) => {
            let (topo, server_ns, client_ns) = netns::pair(pair)?;
            for (i, p) in plan.programs.iter_mut().enumerate() {
                let server = plan.server && i == 0;
                p.netns = Some(if server { &server_ns } else { &client_ns }.clone());
            }
            topology = Some(topo);
            let iface = gen::netns::Host::Client.interface();
            let places = vec![Some(server_ns), Some(client_ns.clone())];
            (None, Some(client_ns), iface, places)
        }
    };
    let cap = capture::RunCapture::start(capture_ns, iface, tx.clone())?;
    let link = cap.link;
    let (done_tx, done_rx) = crossbeam_channel::bounded::<()>(1);
    let timed_out = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let timer = opts.timeout.map(|limit| {
        let (control, flag) = (control.clone(), timed_out.clone());
        std::thread::spawn(move || {
            if done_rx.recv_timeout(limit).is_err() {
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
                control.stop();
            }
        })
    });
    let sampling = kernel::RunSampling::start(opts.sample, places);
    let mut poker = sampling.poker();
    let tracer_control = control.clone();
    let report_tx = tx.clone();
    let traced = std::thread::Builder::new()
        .name("synack-tracer".into())
        .spawn(move || {
            let mut batch = ReportBatch::new(report_tx);
            let outcome = trace::run(&plan, &tracer_control, &mut |r| {
                if let Report::Call(c) = &r {
                    poker.call(c);
                }
                batch.push(r);
            });
            batch.flush();
            outcome
        })?
        .join()
        .unwrap_or_else(|_| Err(anyhow::anyhow!("the tracer panicked")));
    let _ = done_tx.send(());
    if let Some(t) = timer {
        let _ = t.join();
    }
    let kernel = sampling.finish();
    let capture = cap.finish();
    drop(ns);
    drop(topology);
    Ok(RunSummary {
        outcome: traced?,
        capture,
        link,
        timed_out: timed_out.load(std::sync::atomic::Ordering::SeqCst),
        kernel,
    })
}

/// Lowers the calling thread's priority (nice 10): the thread that prints or shows a run
/// calls this, so that on a busy machine its work (merging, printing, drawing), which can
/// wait, gives way to the traced programs, whose speed is what is being looked at. Threads
/// started before (the tracer, the capture) keep theirs.
pub fn yield_to_programs() {
    // SAFETY: gettid has no preconditions; setpriority on our own thread id.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}

/// The tracer's reports on their way to the run's caller, calls sent on in batches: handing
/// each of thousands of calls a second on by itself woke the receiving thread for each one,
/// on a machine where the program and the tracer already take turns at every call.
struct ReportBatch {
    tx: Sender<RunEvent>,
    calls: Vec<Report>,
}

impl ReportBatch {
    /// Calls held at most before they are sent on (they also go with the tracer's next
    /// progress report, at most [`crate::trace`]'s 50 ms tick later, or with any other
    /// report).
    const MOST: usize = 256;

    fn new(tx: Sender<RunEvent>) -> ReportBatch {
        ReportBatch {
            tx,
            calls: Vec::with_capacity(Self::MOST),
        }
    }

    fn push(&mut self, r: Report) {
        if matches!(r, Report::Call(_)) {
            self.calls.push(r);
            if self.calls.len() >= Self::MOST {
                self.flush();
            }
            return;
        }
        // A progress report vouches for the calls before it: they go first.
        self.flush();
        let _ = self.tx.send(RunEvent::Report(r));
    }

    fn flush(&mut self) {
        for r in self.calls.drain(..) {
            let _ = self.tx.send(RunEvent::Report(r));
        }
    }
}
