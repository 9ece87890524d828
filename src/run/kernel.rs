//! The kernel's state of a run's TCP sockets (the calls trace's `tcp_info`): one
//! [`Sampler`] per network namespace where the programs' sockets live, reading every
//! period and right after the traced calls that change a connection (see `CallPoker`).

use std::collections::HashSet;
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::Duration;

use crate::kernel::{Netns, Sampler, SamplerHandle, SamplerOptions, TcpInfoSample, Watch};
use crate::trace::{Proto, TracedCall};

/// How long the samplers keep reading after the programs ended, so the sockets' last
/// states (TIME_WAIT on the side that closed first) are seen.
const SETTLE: Duration = Duration::from_millis(60);

/// How often the run's namespaces are listed when no call asked. Every call that can make
/// or end a connection asks for a listing ([`CallPoker`]), and every traced connection is
/// named to the samplers at its first call, so the periodic listing is only a safety net.
/// At the samplers' default of 20 ms it took more processor time than the sampler itself:
/// a listing walks the host's whole connection table (about 2 ms here).
const DISCOVERY_WHEN_QUIET: Duration = Duration::from_millis(500);

/// Where a run's sockets live: `None` is the host's network (only the programs' sockets are
/// read there), a descriptor one of the run's namespaces (every socket in it is theirs).
pub(super) type Place = Option<Arc<OwnedFd>>;

/// The samplers of one run.
pub(super) struct RunSampling {
    samplers: Vec<Sampler>,
    note: Option<String>,
    /// The samplers' period, ns.
    period_ns: i64,
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
                period_ns: 0,
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
                discovery: DISCOVERY_WHEN_QUIET,
            };
            match Sampler::start(options) {
                Ok(s) => samplers.push(s),
                Err(e) => {
                    return RunSampling {
                        samplers: Vec::new(),
                        note: Some(format!("kernel state not read: {e}")),
                        period_ns: 0,
                    }
                }
            }
        }
        RunSampling {
            samplers,
            note: None,
            period_ns: i64::try_from(period.as_nanos()).unwrap_or(i64::MAX),
        }
    }

    /// What the tracer's report callback calls for every call.
    pub(super) fn poker(&self) -> CallPoker {
        CallPoker {
            handles: self.samplers.iter().map(Sampler::handle).collect(),
            seen: HashSet::new(),
            period_ns: self.period_ns,
            last_poke_ns: i64::MIN,
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

/// Asks the samplers for a reading after the traced calls, for a listing of the namespace's
/// sockets after each call that can make or end a connection, and names them each new
/// connection at once (discovery would find it only within a few ms; in the host's
/// network it is how the programs' sockets become known at all).
///
/// A call that changes a connection (connect, accept, shutdown, close, setsockopt, ...),
/// fails, or reads the end of the stream (the peer's FIN, the last moment the receiver's
/// counters hold everything it will get) gets a reading right after it. Calls that only move data or wait (send, recv,
/// read, write, select, poll, epoll_wait) get one only when no reading was asked for within
/// the sampler's period: a program sending thousands of small messages made the sampler
/// thread (real-time priority) read after each of them, which took more processor time than
/// the program and the tracer together; the periodic readings (and every reading while data
/// is queued or in flight) still show how the queues and the window move.
pub(super) struct CallPoker {
    handles: Vec<SamplerHandle>,
    /// Sockets (inodes) already named.
    seen: HashSet<u64>,
    period_ns: i64,
    /// When (the call's return, ns) a reading was last asked for.
    last_poke_ns: i64,
}

impl CallPoker {
    /// Called for every call the tracer reports.
    pub(super) fn call(&mut self, call: &TracedCall) {
        if self.handles.is_empty() {
            return;
        }
        if call.sys.may_make_or_end_connections() {
            for h in &self.handles {
                h.discover();
            }
        }
        if let Some(sock) = &call.sock {
            if let (Proto::Tcp, Some(l), Some(r)) = (sock.proto, sock.local, sock.remote) {
                if self.seen.insert(sock.inode) {
                    for h in &self.handles {
                        h.watch_socket(l, r);
                    }
                    self.last_poke_ns = call.t_exit_ns;
                    return; // watching it reads it at once
                }
            }
        }
        if !asks_for_a_reading(call, self.last_poke_ns, self.period_ns) {
            return;
        }
        self.last_poke_ns = call.t_exit_ns;
        for h in &self.handles {
            h.poke();
        }
    }
}

/// Whether `call` gets a reading right after it (see [`CallPoker`]), the last one having
/// been asked for at `last_ns`.
fn asks_for_a_reading(call: &TracedCall, last_ns: i64, period_ns: i64) -> bool {
    let streaming = call.sys.sends() || call.sys.receives() || call.sys.waits_for_readiness();
    let end_of_stream = call.sys.receives() && call.errno.is_none() && call.ret == 0;
    !streaming
        || call.errno.is_some()
        || end_of_stream
        || call.t_exit_ns >= last_ns.saturating_add(period_ns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::Sys;

    fn call(sys: Sys, t_exit_ns: i64, errno: Option<i32>) -> TracedCall {
        TracedCall {
            t_enter_ns: t_exit_ns - 1_000,
            t_exit_ns,
            program: 0,
            pid: 1,
            tid: 1,
            comm: "client".into(),
            sys,
            fd: 3,
            sock: None,
            conn: 1,
            asked: 14,
            moved: 14,
            offset: None,
            ret: 14,
            errno,
            data: Vec::new(),
            addr: None,
            ready: Vec::new(),
            note: None,
        }
    }

    #[test]
    fn data_calls_ask_at_most_once_a_period_and_state_changes_always() {
        let ms = 1_000_000;
        let last = 10 * ms;
        // Sends 0.2 ms after the last reading: the period's reading will show them.
        assert!(!asks_for_a_reading(
            &call(Sys::Sendto, last + ms / 5, None),
            last,
            ms
        ));
        assert!(!asks_for_a_reading(
            &call(Sys::Recvfrom, last + ms / 2, None),
            last,
            ms
        ));
        assert!(!asks_for_a_reading(
            &call(Sys::EpollWait, last + ms / 2, None),
            last,
            ms
        ));
        // A period later, a send asks again.
        assert!(asks_for_a_reading(
            &call(Sys::Sendto, last + ms, None),
            last,
            ms
        ));
        // Whatever changes the connection, or fails, is read right after.
        for sys in [
            Sys::Shutdown,
            Sys::Close,
            Sys::Connect,
            Sys::Setsockopt,
            Sys::Listen,
        ] {
            assert!(
                asks_for_a_reading(&call(sys, last + 1, None), last, ms),
                "{sys:?}"
            );
        }
        // The end of the stream is read right after it too.
        let mut eof = call(Sys::Recvfrom, last + 1, None);
        (eof.moved, eof.ret) = (0, 0);
        assert!(asks_for_a_reading(&eof, last, ms));
        let reset = Some(libc::ECONNRESET);
        assert!(asks_for_a_reading(
            &call(Sys::Recvfrom, last + 1, reset),
            last,
            ms
        ));
        // The first call of a run asks.
        assert!(asks_for_a_reading(
            &call(Sys::Sendto, 0, None),
            i64::MIN,
            ms
        ));
    }
}
