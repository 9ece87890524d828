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
pub mod merge;
pub mod netns;

use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::Sender;

use crate::capture::live::KernelStats;
use crate::capture::{LinkType, OwnedFrame};
use crate::trace::{self, Control, Outcome, Plan, Report};

/// Where the programs run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetMode {
    /// A network namespace of their own with only `lo` (the default): the capture holds
    /// exactly their traffic.
    Isolated,
    /// The host's network; the capture on the host's `lo` keeps only the programs' ports.
    Host,
}

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The network.
    pub net: NetMode,
    /// Stop everything after this long.
    pub timeout: Option<Duration>,
}

/// What a run reports as it happens.
#[derive(Debug, Clone)]
pub enum RunEvent {
    /// A captured frame (numbered in capture order from 1).
    Frame(OwnedFrame),
    /// Something the tracer saw.
    Report(Report),
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
    let ns: Option<Arc<OwnedFd>> = match opts.net {
        NetMode::Isolated => Some(Arc::new(netns::isolated().map_err(|e| {
            anyhow::anyhow!(
                "{e}; synack run needs root or an unprivileged user namespace \
                 (or use --host-net with CAP_NET_RAW to capture on the host's lo)"
            )
        })?)),
        NetMode::Host => None,
    };
    for p in &mut plan.programs {
        p.netns = ns.clone();
    }
    let cap = capture::RunCapture::start(ns.clone(), tx.clone())?;
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
    let tracer_control = control.clone();
    let report_tx = tx.clone();
    let traced = std::thread::Builder::new()
        .name("synack-tracer".into())
        .spawn(move || {
            trace::run(&plan, &tracer_control, &mut |r| {
                let _ = report_tx.send(RunEvent::Report(r));
            })
        })?
        .join()
        .unwrap_or_else(|_| Err(anyhow::anyhow!("the tracer panicked")));
    let _ = done_tx.send(());
    if let Some(t) = timer {
        let _ = t.join();
    }
    let capture = cap.finish();
    drop(ns);
    Ok(RunSummary {
        outcome: traced?,
        capture,
        link,
        timed_out: timed_out.load(std::sync::atomic::Ordering::SeqCst),
    })
}
