//! Runs a generator scenario for the generator panel, feeding its frames and socket calls
//! into the store while it runs.
//!
//! The mode is decided first ([`decide`], a pure function so the fallback rules are tested
//! without privileges): live on loopback when this process may capture, otherwise
//! synthetic, with the reason stated. The run then happens on its own thread:
//!
//! - **live / netns**: [`crate::gen::live::run_tapped`] (or the netns form) reports each
//!   captured frame and each returned call as it happens; frames go through the same
//!   analysis path as a file ([`Feeder`]), calls into [`StoreData::calls`];
//! - **synthetic**: the frames and calls are crafted at once, then released in time order,
//!   spread evenly over [`ANIMATION`] so the user watches them appear (or all at once when
//!   animation is off).
//!
//! The run's status lives behind a mutex the panel reads each frame; nothing here panics on
//! a failed run: errors (a port in use, no permission) end in [`Phase::Failed`] with the
//! message for the panel.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::calls::{Call, CallTrace};
use crate::capture::live::Permission;
use crate::capture::OwnedFrame;
use crate::gen::live::{LiveEvent, LiveRun};
use crate::gen::{self, GenOptions, Mode, Scenario};
use crate::i18n::{Message, Phrases};

use super::export;
use super::ingest::Feeder;
use super::store::{PacketStore, SourceInfo, StoreData};

/// How long an animated synthetic run takes to show all its frames and calls.
pub const ANIMATION: Duration = Duration::from_millis(1500);

/// Shortest interval between two publications of an animated run (about a screen frame).
const PUBLISH_EVERY: Duration = Duration::from_millis(15);

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// Live on loopback when permitted, otherwise synthetic.
    Live,
    /// Crafted frames, always.
    Synthetic,
    /// Between network namespaces with loss in a router (root, `ip` and `nft`).
    Netns,
}

/// The mode a run will use, and why it is not the one asked for (shown in the panel).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The mode that runs.
    pub mode: Mode,
    /// Why the wish could not be honoured, when it could not (`gen-fallback-*` pieces,
    /// written in the panel's language; `Display` gives English).
    pub fallback: Option<Phrases>,
}

/// Chooses the mode of a run of `sc`: `perm` is this process's capture permission (checked
/// as the live capture panel and `synack ifaces` do), `netns_ok` whether namespaces can be
/// made ([`gen::netns::available`]).
pub fn decide(sc: Scenario, wanted: Wanted, perm: Permission, netns_ok: bool) -> Decision {
    let live = |prefix: Option<Phrases>| {
        let join = |why: Message| match &prefix {
            Some(p) => p.clone().then(Message::new("gen-fallback-and")).then(why),
            None => Phrases::of(why),
        };
        if !sc.live_capable() {
            Decision {
                mode: Mode::Synthetic,
                fallback: Some(join(
                    Message::new("gen-fallback-not-live").arg("scenario", sc.to_string()),
                )),
            }
        } else if perm == Permission::Denied {
            Decision {
                mode: Mode::Synthetic,
                fallback: Some(join(Message::new("gen-fallback-no-permission"))),
            }
        } else {
            Decision {
                mode: Mode::Live,
                fallback: prefix,
            }
        }
    };
    if !sc.synthetic_capable() {
        // A lesson about real kernels (cc-compare): between namespaces or not at all (the
        // run then says what it needs).
        return Decision {
            mode: Mode::Netns,
            fallback: (wanted != Wanted::Netns)
                .then(|| Phrases::of(Message::new("gen-kernels-only").arg("scenario", sc.name()))),
        };
    }
    match wanted {
        Wanted::Synthetic => Decision {
            mode: Mode::Synthetic,
            fallback: None,
        },
        Wanted::Live => live(None),
        Wanted::Netns if !sc.netns_capable() => live(Some(Phrases::of(
            Message::new("gen-fallback-no-netns-form").arg("scenario", sc.to_string()),
        ))),
        Wanted::Netns if !netns_ok => live(Some(Phrases::of(Message::new(
            "gen-fallback-netns-needs-root",
        )))),
        Wanted::Netns => Decision {
            mode: Mode::Netns,
            fallback: None,
        },
    }
}

/// Where a run is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Frames and calls are still coming.
    Running,
    /// Finished; everything is in the store.
    Done,
    /// Ended by an error (what was captured before it stays in the store).
    Failed(String),
}

/// What the panel shows about a run.
#[derive(Debug, Clone)]
pub struct RunStatus {
    /// Where the run is.
    pub phase: Phase,
    /// Frames stored so far.
    pub frames: u64,
    /// Calls recorded so far.
    pub calls: usize,
    /// A remark that is not an error (e.g. the capture could not start, the calls ran).
    pub note: Option<String>,
}

/// A run started from the panel.
#[derive(Debug)]
pub struct GenRun {
    /// The scenario.
    pub scenario: Scenario,
    /// The mode actually used.
    pub mode: Mode,
    /// Why the mode differs from the one asked for.
    pub fallback: Option<Phrases>,
    /// The seed of a synthetic run.
    pub seed: Option<u64>,
    /// The loss of a netns run, in percent.
    pub loss_pct: Option<u32>,
    status: Arc<Mutex<RunStatus>>,
}

/// Options of a run as the panel sets them.
#[derive(Debug, Clone, Copy)]
pub struct RunRequest {
    /// The scenario.
    pub scenario: Scenario,
    /// The mode asked for.
    pub wanted: Wanted,
    /// Seed of a synthetic run.
    pub seed: u64,
    /// Loss in percent of a netns run.
    pub loss_pct: u32,
    /// Spread a synthetic run's frames over [`ANIMATION`].
    pub animate: bool,
}

impl GenRun {
    /// Decides the mode and starts the run, feeding `store` (which should be empty); the
    /// decision is taken with this process's real permissions.
    pub fn start(
        req: RunRequest,
        store: &PacketStore,
        notify: impl Fn() + Send + Sync + 'static,
    ) -> GenRun {
        let d = decide(
            req.scenario,
            req.wanted,
            crate::capture::live::capture_permission(),
            req.wanted == Wanted::Netns && gen::netns::available(),
        );
        GenRun::start_decided(req, d, store, notify)
    }

    /// Starts the run in the mode `d` chose.
    pub fn start_decided(
        req: RunRequest,
        d: Decision,
        store: &PacketStore,
        notify: impl Fn() + Send + Sync + 'static,
    ) -> GenRun {
        let sc = req.scenario;
        let seed = (d.mode == Mode::Synthetic).then_some(req.seed);
        let loss_pct = (d.mode == Mode::Netns).then_some(req.loss_pct);
        let status = Arc::new(Mutex::new(RunStatus {
            phase: Phase::Running,
            frames: 0,
            calls: 0,
            note: None,
        }));
        let run = GenRun {
            scenario: sc,
            mode: d.mode,
            fallback: d.fallback,
            seed,
            loss_pct,
            status: status.clone(),
        };
        {
            let mut data = store.write();
            data.source = Some(SourceInfo::Generator(run.describe()));
            data.calls = Some(CallTrace::new(sc.name(), d.mode.name(), seed));
        }
        let opts = GenOptions {
            seed: req.seed,
            loss_pct: req.loss_pct.min(100),
            ..GenOptions::default()
        };
        let notify: Arc<dyn Fn() + Send + Sync> = Arc::new(notify);
        let worker = Worker {
            store: store.clone(),
            status: status.clone(),
            notify,
        };
        let mode = d.mode;
        let animate = req.animate;
        let spawned = std::thread::Builder::new()
            .name("synack-gen-run".into())
            .spawn(move || match mode {
                Mode::Synthetic => worker.synthetic(sc, &opts, animate),
                Mode::Live | Mode::Netns => worker.tapped(sc, &opts, mode),
            });
        if let Err(e) = spawned {
            if let Ok(mut s) = status.lock() {
                s.phase = Phase::Failed(format!("cannot start the generator thread: {e}"));
            }
            store.write().finished = true;
        }
        run
    }

    /// A copy of the run's status.
    pub fn status(&self) -> RunStatus {
        copy_of(&self.status)
    }

    /// True while frames or calls may still come.
    pub fn running(&self) -> bool {
        self.status().phase == Phase::Running
    }

    /// "close-client-first (synthetic, seed 1)": the title bar and the panel's status line.
    pub fn describe(&self) -> String {
        match (self.seed, self.loss_pct) {
            (Some(s), _) => format!("{} ({}, seed {s})", self.scenario, self.mode.name()),
            (None, Some(l)) => format!("{} ({}, loss {l}%)", self.scenario, self.mode.name()),
            (None, None) => format!("{} ({})", self.scenario, self.mode.name()),
        }
    }
}

/// The thread side of a run.
struct Worker {
    store: PacketStore,
    status: Arc<Mutex<RunStatus>>,
    notify: Arc<dyn Fn() + Send + Sync>,
}

impl Worker {
    fn feeder(&self) -> Feeder {
        let n = self.notify.clone();
        Feeder::new(&self.store, move || n())
    }

    fn update(&self, f: impl FnOnce(&mut RunStatus)) {
        match self.status.lock() {
            Ok(mut s) => f(&mut s),
            Err(e) => f(&mut e.into_inner()),
        }
    }

    fn add_frame(&self, feeder: &mut Feeder, frame: &OwnedFrame) {
        feeder.add(&frame.as_frame());
        self.update(|s| s.frames += 1);
    }

    fn add_call(&self, call: Call) {
        let n = store_call(&self.store, call);
        self.update(|s| s.calls = n);
        (self.notify)();
    }

    fn cancelled(&self) -> bool {
        self.store.progress.cancel.load(Ordering::Relaxed)
    }

    /// Crafts the run, then releases frames and calls in time order.
    fn synthetic(self, sc: Scenario, opts: &GenOptions, animate: bool) {
        let (frames, trace) = gen::synthesize_frames(sc, opts);
        let mut events: Vec<(i64, Event)> = frames
            .into_iter()
            .map(|f| (f.ts.map_or(0, |t| t.as_nanos()), Event::Frame(f)))
            .chain(trace.calls.into_iter().map(|c| (c.t_ns, Event::Call(c))))
            .collect();
        // Stable: a frame and a call at the same instant keep frames first.
        events.sort_by_key(|(t, _)| *t);
        let step = if animate && !events.is_empty() {
            ANIMATION / events.len() as u32
        } else {
            Duration::ZERO
        };
        let start = Instant::now();
        let mut published = start;
        let mut feeder = self.feeder();
        for (k, (_, ev)) in events.into_iter().enumerate() {
            if self.cancelled() {
                break;
            }
            match ev {
                Event::Frame(f) => self.add_frame(&mut feeder, &f),
                Event::Call(c) => self.add_call(c),
            }
            if step.is_zero() {
                continue;
            }
            let due = start + step * (k as u32 + 1);
            let wait = due.saturating_duration_since(Instant::now());
            // Publish before each visible pause, and at least once per screen frame when
            // the pauses are too short to see (a big scenario such as `flood`).
            if wait >= PUBLISH_EVERY || published.elapsed() >= PUBLISH_EVERY {
                feeder.publish();
                published = Instant::now();
            }
            if !wait.is_zero() {
                std::thread::sleep(wait);
            }
        }
        feeder.finish();
        self.update(|s| s.phase = Phase::Done);
        (self.notify)();
    }

    /// Runs with real sockets, storing frames and calls as the run reports them.
    fn tapped(self, sc: Scenario, opts: &GenOptions, mode: Mode) {
        let opts = opts.clone();
        self.tapped_with(sc, move |tx| {
            if mode == Mode::Netns {
                gen::live::run_netns_tapped(sc, &opts, Some(tx))
            } else {
                gen::live::run_tapped(sc, &opts, tx)
            }
        });
    }

    /// Runs `run` on its own thread, storing what it reports until it returns (it drops
    /// its tap then); its error, or its panic, ends the run as [`Phase::Failed`].
    fn tapped_with(
        self,
        sc: Scenario,
        run: impl FnOnce(gen::live::Tap) -> anyhow::Result<LiveRun> + Send + 'static,
    ) {
        let (tx, rx) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("synack-gen-sockets".into())
            .spawn(move || run(tx));
        let handle = match handle {
            Ok(h) => h,
            Err(e) => {
                self.feeder()
                    .fail(format!("cannot start the scenario thread: {e}"));
                self.update(|s| {
                    s.phase = Phase::Failed(format!("cannot start the scenario thread: {e}"))
                });
                return;
            }
        };
        let mut feeder = self.feeder();
        loop {
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(LiveEvent::Frame(f)) => {
                    self.add_frame(&mut feeder, &f);
                    feeder.publish();
                }
                Ok(LiveEvent::Call(c)) => self.add_call(c),
                Err(RecvTimeoutError::Timeout) => {}
                // Every sender is gone: the run returned.
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        let result = handle
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the `{sc}` run panicked")));
        let (phase, note) = run_ended(
            feeder,
            result.map(|run| match (&run.no_capture, run.dropped) {
                (Some(why), _) => Some(why.clone()),
                (None, 0) => None,
                (None, d) => Some(format!(
                    "the kernel dropped {d} packets from the capture; run again for a complete one"
                )),
            }),
        );
        self.update(|s| {
            s.note = note.or(s.note.take());
            s.phase = phase;
        });
        (self.notify)();
    }
}

/// How a run ended, for its status (the generator's and the programs'): a run that returned
/// `Ok(note)` finishes the store and is done, with the note when there is one; one that
/// failed records its error in the store and has failed with it.
pub(super) fn run_ended(
    feeder: Feeder,
    result: anyhow::Result<Option<String>>,
) -> (Phase, Option<String>) {
    match result {
        Ok(note) => {
            feeder.finish();
            (Phase::Done, note)
        }
        Err(e) => {
            let msg = format!("{e:#}");
            feeder.fail(msg.clone());
            (Phase::Failed(msg), None)
        }
    }
}

/// A copy of what `m` holds (also after a thread panicked holding it).
pub(super) fn copy_of<T: Clone>(m: &Mutex<T>) -> T {
    m.lock()
        .map(|s| s.clone())
        .unwrap_or_else(|e| e.into_inner().clone())
}

/// Records a call in the store's trace, keeping it in time order (live calls come from
/// several threads); returns how many calls the trace holds.
pub(super) fn store_call(store: &PacketStore, call: Call) -> usize {
    let mut data = store.write();
    let trace = data.calls.get_or_insert_with(CallTrace::default);
    let at = trace.calls.partition_point(|c| c.t_ns <= call.t_ns);
    trace.calls.insert(at, call);
    trace.calls.len()
}

/// A frame or a call of a synthetic run, in time order.
enum Event {
    Frame(OwnedFrame),
    Call(Call),
}

/// Writes what the store holds (a run's frames) to the pcap `path` and its calls trace to
/// `path.calls.json`; returns a line for the status bar.
pub fn save(data: &StoreData, path: &Path) -> anyhow::Result<String> {
    let (n, _) = export::write_pcap(path, data, 0..data.len())?;
    match &data.calls {
        Some(trace) => {
            crate::calls::write_beside(trace, path)?;
            Ok(format!(
                "Saved {n} packets to {} and {} calls to {}",
                path.display(),
                trace.calls.len(),
                crate::calls::calls_path(path).display()
            ))
        }
        None => Ok(format!("Saved {n} packets to {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_PERMS: [Permission; 3] =
        [Permission::Full, Permission::NoPromisc, Permission::Denied];

    #[test]
    fn synthetic_is_always_honoured() {
        for sc in Scenario::ALL
            .into_iter()
            .filter(|sc| sc.synthetic_capable())
        {
            for perm in ALL_PERMS {
                let d = decide(sc, Wanted::Synthetic, perm, true);
                assert_eq!(d.mode, Mode::Synthetic, "{sc}");
                assert_eq!(d.fallback, None, "{sc}");
            }
        }
    }

    #[test]
    fn live_without_capture_permission_falls_back_with_the_reason() {
        let d = decide(Scenario::Sticky, Wanted::Live, Permission::Denied, false);
        assert_eq!(d.mode, Mode::Synthetic);
        assert_eq!(
            d.fallback.map(|f| f.to_string()).as_deref(),
            Some("live capture needs root or CAP_NET_RAW; ran synthetic")
        );
    }

    #[test]
    fn live_with_cap_net_raw_alone_runs_live() {
        // Loopback needs no promiscuous mode: cap_net_raw without cap_net_admin is enough.
        for perm in [Permission::Full, Permission::NoPromisc] {
            let d = decide(Scenario::CloseClientFirst, Wanted::Live, perm, false);
            assert_eq!(
                d,
                Decision {
                    mode: Mode::Live,
                    fallback: None
                }
            );
        }
    }

    #[test]
    fn lessons_loopback_cannot_force_run_synthetic_even_as_root() {
        for sc in [
            Scenario::Loss,
            Scenario::Reorder,
            Scenario::CloseSimultaneous,
            Scenario::Demo,
            Scenario::Flood,
        ] {
            let d = decide(sc, Wanted::Live, Permission::Full, true);
            assert_eq!(d.mode, Mode::Synthetic, "{sc}");
            let why = d.fallback.expect("a reason is given").to_string();
            assert!(why.contains(&format!("`{sc}`")), "{why}");
            assert!(why.ends_with("ran synthetic"), "{why}");
        }
    }

    #[test]
    fn a_lesson_about_real_kernels_runs_between_namespaces_whatever_was_asked() {
        for wanted in [Wanted::Synthetic, Wanted::Live, Wanted::Netns] {
            let d = decide(Scenario::CcCompare, wanted, Permission::Full, true);
            assert_eq!(d.mode, Mode::Netns, "{wanted:?}");
            assert_eq!(d.fallback.is_some(), wanted != Wanted::Netns, "{wanted:?}");
        }
        let d = decide(
            Scenario::CcCompare,
            Wanted::Synthetic,
            Permission::Denied,
            false,
        );
        assert_eq!(d.mode, Mode::Netns);
        assert!(d.fallback.unwrap().to_string().contains("cc-compare"));
    }

    #[test]
    fn netns_falls_back_to_live_then_synthetic_saying_why() {
        // Namespaces unavailable, capture permitted: live, with the reason.
        let d = decide(Scenario::Sticky, Wanted::Netns, Permission::Full, false);
        assert_eq!(d.mode, Mode::Live);
        assert!(d
            .fallback
            .unwrap()
            .to_string()
            .contains("root with `ip` and `nft`"));
        // A UDP lesson has no netns form, and without capture permission it ends synthetic:
        // both reasons are given, in order.
        let d = decide(Scenario::UdpChat, Wanted::Netns, Permission::Denied, true);
        assert_eq!(d.mode, Mode::Synthetic);
        let why = d.fallback.expect("a reason is given");
        assert_eq!(
            why.to_string(),
            "`udp-chat` has no network-namespace form; live capture needs root or CAP_NET_RAW; ran synthetic"
        );
        // The panel writes the same reasons in Chinese.
        assert_eq!(
            why.text_in(crate::i18n::Lang::Zh),
            "`udp-chat` 没有网络命名空间形式；实时抓包需要 root 或 CAP_NET_RAW，因此改为合成"
        );
        // `loss` has a netns form but no live one.
        let d = decide(Scenario::Loss, Wanted::Netns, Permission::Full, true);
        assert_eq!(
            d,
            Decision {
                mode: Mode::Netns,
                fallback: None
            }
        );
        let d = decide(Scenario::Loss, Wanted::Netns, Permission::Full, false);
        assert_eq!(d.mode, Mode::Synthetic);
    }

    #[test]
    fn a_synthetic_run_stores_the_cli_frames_and_calls() {
        let store = PacketStore::new();
        let req = RunRequest {
            scenario: Scenario::HalfClose,
            wanted: Wanted::Synthetic,
            seed: 7,
            loss_pct: 0,
            animate: false,
        };
        let d = decide(req.scenario, req.wanted, Permission::Denied, false);
        let run = GenRun::start_decided(req, d, &store, || {});
        for _ in 0..500 {
            if !run.running() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(run.status().phase, Phase::Done);
        let opts = GenOptions {
            seed: 7,
            ..GenOptions::default()
        };
        let (frames, trace) = gen::synthesize_frames(Scenario::HalfClose, &opts);
        let data = store.read();
        assert!(data.finished);
        assert_eq!(data.len(), frames.len());
        for (i, f) in frames.iter().enumerate() {
            assert_eq!(data.frame(i).map(|s| s.data.to_vec()), Some(f.data.clone()));
        }
        let stored = data.calls.as_ref().expect("calls stored");
        assert_eq!(stored.calls, trace.calls);
        assert_eq!(stored.seed, Some(7));
        assert_eq!(run.describe(), "half-close (synthetic, seed 7)");
    }

    /// A worker on a fresh store, and the store.
    fn worker() -> (Worker, PacketStore) {
        let store = PacketStore::new();
        let status = Arc::new(Mutex::new(RunStatus {
            phase: Phase::Running,
            frames: 0,
            calls: 0,
            note: None,
        }));
        let w = Worker {
            store: store.clone(),
            status,
            notify: Arc::new(|| {}),
        };
        (w, store)
    }

    #[test]
    fn a_failing_live_run_ends_failed_keeping_what_it_reported() {
        let (w, store) = worker();
        let status = w.status.clone();
        let (frames, trace) = gen::synthesize_frames(Scenario::Handshake, &GenOptions::default());
        let (first, call) = (frames[0].clone(), trace.calls[0].clone());
        w.tapped_with(Scenario::Handshake, move |tap| {
            tap.send(LiveEvent::Frame(first)).unwrap();
            tap.send(LiveEvent::Call(call)).unwrap();
            Err(anyhow::anyhow!(
                "bind 127.0.0.1:7070: Address already in use"
            ))
        });
        let st = status.lock().unwrap().clone();
        assert_eq!(
            st.phase,
            Phase::Failed("bind 127.0.0.1:7070: Address already in use".into())
        );
        assert_eq!((st.frames, st.calls), (1, 1));
        let data = store.read();
        assert_eq!(data.len(), 1);
        assert!(data.finished);
        assert_eq!(
            data.error.as_deref(),
            Some("bind 127.0.0.1:7070: Address already in use")
        );
    }

    #[test]
    fn a_panicking_run_is_reported_not_propagated() {
        let (w, store) = worker();
        let status = w.status.clone();
        w.tapped_with(Scenario::Echo, |_tap| panic!("scenario bug"));
        assert_eq!(
            status.lock().unwrap().phase,
            Phase::Failed("the `echo` run panicked".into())
        );
        assert!(store.read().finished);
    }

    #[test]
    fn a_run_without_capture_says_why_and_keeps_its_calls() {
        let (w, store) = worker();
        let status = w.status.clone();
        let (_, trace) = gen::synthesize_frames(Scenario::Echo, &GenOptions::default());
        let calls = trace.calls.clone();
        w.tapped_with(Scenario::Echo, move |tap| {
            // Calls reported out of time order (several threads) are stored in order.
            for c in calls.iter().rev() {
                tap.send(LiveEvent::Call(c.clone())).unwrap();
            }
            Ok(LiveRun {
                frames: None,
                link: crate::capture::LinkType::Ethernet,
                trace: CallTrace::default(),
                no_capture: Some("no capture (lo: permission denied)".into()),
                no_tcp_info: None,
                filter: "tcp port 1".into(),
                dropped: 0,
                server_frames: None,
                drops: None,
            })
        });
        let st = status.lock().unwrap().clone();
        assert_eq!(st.phase, Phase::Done);
        assert_eq!(
            st.note.as_deref(),
            Some("no capture (lo: permission denied)")
        );
        let data = store.read();
        assert_eq!(data.calls.as_ref().map(|t| &t.calls), Some(&trace.calls));
    }
}
