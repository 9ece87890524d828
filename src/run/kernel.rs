//! The kernel's state of a run's TCP sockets (the calls trace's `tcp_info`): one
//! [`Sampler`] per network namespace where the programs' sockets live, reading every
//! period and right after every traced call.

use std::collections::HashSet;
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::Duration;

use crate::kernel::{Netns, Sampler, SamplerHandle, SamplerOptions, TcpInfoSample, Watch};
use crate::trace::{Proto, TracedCall};

/// How long the samplers keep reading after the programs ended, so the sockets' last
/// states (TIME_WAIT on the side that closed first) are seen.
const SETTLE: Duration = Duration::from_millis(60);

/// Where a run's sockets live: `None` is the host's network (only the programs' sockets are
/// read there), a descriptor one of the run's namespaces (every socket in it is theirs).
pub(super) type Place = Option<Arc<OwnedFd>>;

/// The samplers of one run.
pub(super) struct RunSampling {
    samplers: Vec<Sampler>,
    note: Option<String>,
}

/// What the samplers read.
#[derive(Debug, Clone, Default)]
pub struct KernelReadings {
    /// The readings in time order, not yet named after the calls (see
    /// [`crate::kernel::label_from_calls`]).
    pub samples: Vec<TcpInfoSample>,
    /// Why nothing (or not everything) was read, when so.
    pub note: Option<String>,
}

impl RunSampling {
    /// Starts reading in each place every `period` (`None`: nothing is read). A sampler
    /// that cannot start is noted, and the run goes on without kernel readings.
    pub(super) fn start(period: Option<Duration>, places: Vec<Place>) -> RunSampling {
        let Some(period) = period else {
            return RunSampling {
                samplers: Vec::new(),
                note: Some("kernel state not read (--sample-ms 0)".into()),
            };
        };
        let mut samplers = Vec::new();
        for place in places {
            let options = SamplerOptions {
                watch: if place.is_some() {
                    Watch::All
                } else {
                    Watch::Ports(Vec::new())
                },
                netns: place.map(Netns::Fd),
                period,
            };
            match Sampler::start(options) {
                Ok(s) => samplers.push(s),
                Err(e) => {
                    return RunSampling {
                        samplers: Vec::new(),
                        note: Some(format!("kernel state not read: {e}")),
                    }
                }
            }
        }
        RunSampling {
            samplers,
            note: None,
        }
    }

    /// What the tracer's report callback calls for every call.
    pub(super) fn poker(&self) -> CallPoker {
        CallPoker {
            handles: self.samplers.iter().map(Sampler::handle).collect(),
            seen: HashSet::new(),
        }
    }

    /// Lets the last states show, stops the samplers (their netlink sockets close) and
    /// returns what they read.
    pub(super) fn finish(self) -> KernelReadings {
        if self.samplers.is_empty() {
            return KernelReadings {
                samples: Vec::new(),
                note: self.note,
            };
        }
        std::thread::sleep(SETTLE);
        let mut out = KernelReadings {
            samples: Vec::new(),
            note: self.note,
        };
        for s in self.samplers {
            match s.stop() {
                Ok(read) => out.samples.extend(read.samples),
                Err(e) => out.note = Some(format!("kernel state reading failed: {e}")),
            }
        }
        out.samples.sort_by_key(|s| s.t_ns);
        out
    }
}

/// Asks the samplers for a reading after each traced call, and names them each new
/// connection at once (discovery would find it only within a few ms; in the host's
/// network it is how the programs' sockets become known at all).
pub(super) struct CallPoker {
    handles: Vec<SamplerHandle>,
    /// Sockets (inodes) already named.
    seen: HashSet<u64>,
}

impl CallPoker {
    /// Called for every call the tracer reports.
    pub(super) fn call(&mut self, call: &TracedCall) {
        if self.handles.is_empty() {
            return;
        }
        if let Some(sock) = &call.sock {
            if let (Proto::Tcp, Some(l), Some(r)) = (sock.proto, sock.local, sock.remote) {
                if self.seen.insert(sock.inode) {
                    for h in &self.handles {
                        h.watch_socket(l, r);
                    }
                    return; // watching it reads it at once
                }
            }
        }
        for h in &self.handles {
            h.poke();
        }
    }
}
