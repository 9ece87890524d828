//! The kernel's state of a live or netns run's sockets, read while the lesson runs and
//! written into the calls trace (`tcp_info`): one [`Sampler`] per network namespace where the
//! run's sockets live, poked by the recording sockets after every call.

use std::path::PathBuf;
use std::time::Duration;

use crate::calls::CallTrace;
use crate::kernel::{
    label_from_calls, start_samplers, Netns, Sampler, SamplerHandle, SamplerOptions, Watch,
};

/// How long the samplers keep reading after the lesson's last call, so the sockets' last
/// states (TIME_WAIT on the side that closed first, the other side gone) are seen.
const SETTLE: Duration = Duration::from_millis(60);

/// The samplers of one run.
pub(super) struct KernelSampling {
    samplers: Vec<Sampler>,
    /// Why nothing is read (no sampling asked for, or a sampler could not start).
    pub(super) note: Option<String>,
    /// The congestion control the run's TCP sockets are set to (`--cc`).
    pub(super) congestion: Option<String>,
}

impl KernelSampling {
    /// Starts one sampler per place (a namespace file, or `None` for this thread's, and the
    /// sockets to read there), reading every `period_ms` ms; 0 reads nothing.
    pub(super) fn start(period_ms: u64, places: Vec<(Option<PathBuf>, Watch)>) -> KernelSampling {
        if period_ms == 0 {
            return KernelSampling {
                samplers: Vec::new(),
                note: Some("kernel state not read (--sample-ms 0)".into()),
                congestion: None,
            };
        }
        let options = places.into_iter().map(|(netns, watch)| SamplerOptions {
            netns: netns.map(Netns::Path),
            period: Duration::from_millis(period_ms),
            watch,
            ..SamplerOptions::default()
        });
        let (samplers, note) = match start_samplers(options) {
            Ok(samplers) => (samplers, None),
            Err(note) => (Vec::new(), Some(note)),
        };
        KernelSampling {
            samplers,
            note,
            congestion: None,
        }
    }

    /// The same, with the congestion control the run's sockets use.
    pub(super) fn with_congestion(mut self, congestion: Option<String>) -> KernelSampling {
        self.congestion = congestion;
        self
    }

    /// Handles for the recording sockets.
    pub(super) fn handles(&self) -> Vec<SamplerHandle> {
        self.samplers.iter().map(Sampler::handle).collect()
    }

    /// Lets the last states show, stops the samplers (their netlink sockets close) and
    /// puts their readings, named after the calls made on each socket, into `trace`.
    pub(super) fn finish(self, trace: &mut CallTrace) -> Option<String> {
        if self.samplers.is_empty() {
            return self.note;
        }
        std::thread::sleep(SETTLE);
        let mut samples = Vec::new();
        let mut note = self.note;
        for s in self.samplers {
            match s.stop() {
                Ok(read) => samples.extend(read.samples),
                Err(e) => note = Some(format!("kernel state reading failed: {e}")),
            }
        }
        label_from_calls(&mut samples, &trace.calls);
        samples.sort_by_key(|s| s.t_ns);
        trace.tcp_info = samples;
        note
    }
}
