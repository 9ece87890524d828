//! Runs the user's own programs for the generator panel's *Run a program*: the same
//! [`crate::run::run`] as `synack run`, on threads of its own, its frames analysed into the
//! store as they are captured and its calls added to the store's trace as the tracer
//! reports them, so every view shows them while the programs run.
//!
//! Frames and calls go through the command line's [`Merger`] (the capture and the tracer
//! each deliver a little late), so frames reach the store in capture order and, on the
//! host's network, only the programs' own ports are kept. Each program's standard output
//! and error come back through a pipe of its own, line by line, for the panel. Nothing here
//! panics on a failed run: a program that cannot start, a missing privilege or a failing
//! capture ends in [`Phase::Failed`] or a note, with what was recorded kept.

use std::collections::VecDeque;
use std::io::BufRead;
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossbeam_channel::RecvTimeoutError;

use crate::calls::{CallTrace, ProgramInfo};
use crate::i18n::tr;
use crate::run::merge::{Item, Merger, Source, LONGEST_HOLD_NS};
use crate::run::plan::{self, Commands};
use crate::run::ports::ProgramPorts;
use crate::run::{self as runner, netns, NetMode, RunEvent, RunOptions};
use crate::trace::{tracee, Control, Input, Plan, ProgramExit, Report};

use super::gen_runner::{copy_of, run_ended, store_call, Phase};
use super::ingest::Feeder;
use super::store::{PacketStore, SourceInfo};

/// Lines of the programs' output the panel keeps (the oldest are dropped).
pub const OUTPUT_LINES: usize = 2000;

/// What *Run a program* asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramRequest {
    /// The server's command (`sh -c`), or none.
    pub server: Option<String>,
    /// The clients' commands (`sh -c`), started once the server listens.
    pub clients: Vec<String>,
    /// The folder the commands run in.
    pub dir: PathBuf,
    /// The network.
    pub net: NetMode,
    /// Stop everything after this long.
    pub timeout: Option<Duration>,
}

impl ProgramRequest {
    /// "python3 echo_server.py + python3 echo_client.py hi": the title bar and status line,
    /// on one line (a command given with line breaks has them as spaces here).
    pub fn describe(&self) -> String {
        self.server
            .iter()
            .chain(&self.clients)
            .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// One program of the run as the panel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramState {
    /// `server`, `client`, `client2`, ...
    pub actor: String,
    /// Its process id once started.
    pub pid: Option<i32>,
    /// How it ended.
    pub exit: Option<ProgramExit>,
    /// Why it could not be started.
    pub failed: Option<String>,
}

/// What the panel shows about a run.
#[derive(Debug, Clone)]
pub struct ProgramStatus {
    /// Where the run is.
    pub phase: Phase,
    /// Frames stored so far.
    pub frames: u64,
    /// Calls recorded so far.
    pub calls: usize,
    /// The programs, in the order given.
    pub programs: Vec<ProgramState>,
    /// The programs' output: (actor, line), the last [`OUTPUT_LINES`].
    pub output: VecDeque<(String, String)>,
    /// How the run ended, when it was not by itself (timeout, Stop).
    pub note: Option<String>,
}

/// A run of the user's programs started from the panel.
#[derive(Debug)]
pub struct ProgramRun {
    /// What was asked.
    pub request: ProgramRequest,
    control: Control,
    status: Arc<Mutex<ProgramStatus>>,
}

impl ProgramRun {
    /// Starts the run, feeding `store` (which should be empty).
    pub fn start(
        req: ProgramRequest,
        store: &PacketStore,
        notify: impl Fn() + Send + Sync + 'static,
    ) -> ProgramRun {
        let mut programs = Vec::new();
        if req.server.is_some() {
            programs.push("server".to_owned());
        }
        programs.extend((0..req.clients.len()).map(plan::client_actor));
        let status = Arc::new(Mutex::new(ProgramStatus {
            phase: Phase::Running,
            frames: 0,
            calls: 0,
            programs: programs
                .into_iter()
                .map(|actor| ProgramState {
                    actor,
                    pid: None,
                    exit: None,
                    failed: None,
                })
                .collect(),
            output: VecDeque::new(),
            note: None,
        }));
        {
            let mut data = store.write();
            data.source = Some(SourceInfo::Run(req.describe()));
            data.calls = Some(CallTrace::new("run", req.net.name(), None));
        }
        let run = ProgramRun {
            request: req.clone(),
            control: Control::new(),
            status: status.clone(),
        };
        let worker = Worker {
            store: store.clone(),
            status,
            notify: Arc::new(notify),
            control: run.control.clone(),
        };
        let spawned = std::thread::Builder::new()
            .name("synack-view-run".into())
            .spawn(move || worker.run(req));
        if let Err(e) = spawned {
            run.update(|s| s.phase = Phase::Failed(format!("cannot start the run's thread: {e}")));
            store.write().finished = true;
        }
        run
    }

    fn update(&self, f: impl FnOnce(&mut ProgramStatus)) {
        match self.status.lock() {
            Ok(mut s) => f(&mut s),
            Err(e) => f(&mut e.into_inner()),
        }
    }

    /// A copy of the run's status.
    pub fn status(&self) -> ProgramStatus {
        copy_of(&self.status)
    }

    /// True while the programs run or their last frames and calls are being stored.
    pub fn running(&self) -> bool {
        self.status().phase == Phase::Running
    }

    /// Stops the programs (SIGTERM, then SIGKILL a second later); what they did so far
    /// stays in the store.
    pub fn stop(&self) {
        if self.running() {
            self.control.stop();
            self.update(|s| s.note = Some(tr!("run-stopped")));
        }
    }
}

/// Why `net` cannot run in this process, if it cannot: the namespaces need root (the
/// window cannot become root of a user namespace of its own as `synack run` does: it has
/// threads already), the host's network needs capture permission.
pub fn cannot_run(net: &NetMode) -> Option<String> {
    if let Some(why) = crate::trace::syscalls::unsupported() {
        return Some(why.to_string());
    }
    match net {
        NetMode::Isolated | NetMode::Pair(_) if !netns::privileged() => Some(tr!("run-needs-root")),
        NetMode::Host
            if crate::capture::live::capture_permission()
                == crate::capture::live::Permission::Denied =>
        {
            Some(tr!("run-host-needs-capture"))
        }
        _ => None,
    }
}

/// The thread side of a run.
struct Worker {
    store: PacketStore,
    status: Arc<Mutex<ProgramStatus>>,
    notify: Arc<dyn Fn() + Send + Sync>,
    control: Control,
}

impl Worker {
    fn update(&self, f: impl FnOnce(&mut ProgramStatus)) {
        match self.status.lock() {
            Ok(mut s) => f(&mut s),
            Err(e) => f(&mut e.into_inner()),
        }
        (self.notify)();
    }

    fn fail(&self, msg: String) {
        let n = self.notify.clone();
        Feeder::new(&self.store, move || n()).fail(msg.clone());
        self.update(|s| s.phase = Phase::Failed(msg));
    }

    fn run(self, req: ProgramRequest) {
        if let Some(why) = cannot_run(&req.net) {
            return self.fail(why);
        }
        let cmds = Commands {
            server: req.server.clone(),
            clients: req.clients.clone(),
            command: Vec::new(),
        };
        let (mut programs, server) =
            match plan::programs(&cmds, &req.net.server_address().to_string()) {
                Ok(p) => p,
                Err(e) => return self.fail(format!("{e:#}")),
            };
        if matches!(req.net, NetMode::Pair(_)) && !(server && programs.len() > 1) {
            return self.fail(tr!("run-pair-needs-both"));
        }
        for p in &mut programs {
            // No terminal: nothing to read; output into the panel, unbuffered so that a
            // Python program's prints show as they happen.
            p.input = Input::Null;
            p.cwd = Some(req.dir.clone());
            p.env.push(("PYTHONUNBUFFERED".into(), "1".into()));
            match self.output_pipe(&p.actor) {
                Ok(w) => p.output = Some(Arc::new(w)),
                Err(e) => return self.fail(format!("cannot make a pipe for its output: {e}")),
            }
        }
        let mut infos = plan::infos(&programs);
        let actors: Vec<String> = programs.iter().map(|p| p.actor.clone()).collect();
        let plan = Plan {
            programs,
            server,
            wait: Duration::from_secs(10),
            linger: Duration::from_millis(500),
            ptrace_only: false,
        };
        let opts = RunOptions {
            net: req.net.clone(),
            timeout: req.timeout,
            sample: Some(Duration::from_millis(1)),
        };
        let (tx, rx) = crossbeam_channel::unbounded::<RunEvent>();
        let control = self.control.clone();
        let handle = std::thread::Builder::new()
            .name("synack-view-runner".into())
            .spawn(move || runner::run(plan, &opts, &control, tx));
        let handle = match handle {
            Ok(h) => h,
            Err(e) => return self.fail(format!("cannot start the run: {e}")),
        };
        // This worker thread only merges and stores: it gives way to the programs.
        runner::yield_to_programs();
        let n = self.notify.clone();
        let mut feeder = Feeder::new(&self.store, move || n());
        let mut merger = Merger::new(LONGEST_HOLD_NS);
        let mut ports = (req.net == NetMode::Host).then(ProgramPorts::default);
        let mut number = 0;
        loop {
            if self.store.progress.cancel.load(Ordering::Relaxed) {
                // The window replaced the store: nobody looks at this run any more.
                self.control.stop();
            }
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(RunEvent::Frame(f)) => merger.push(Item::Frame(f)),
                Ok(RunEvent::CaptureMark(t)) => merger.advance(Source::Capture, t),
                Ok(RunEvent::Report(r)) => {
                    self.report(r, &actors, &mut infos, &mut merger, &mut ports)
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            let items = merger.ready(tracee::now_ns());
            self.store_items(items, &mut feeder, ports.as_ref(), &mut number);
        }
        let items = merger.drain();
        self.store_items(items, &mut feeder, ports.as_ref(), &mut number);
        let result = handle
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the run panicked")));
        {
            let mut data = self.store.write();
            if let Some(t) = data.calls.as_mut() {
                t.programs = infos;
            }
        }
        let result = result.map(|mut summary| {
            // The kernel's readings, named after the calls, for the graphs' kernel lines.
            let mut samples = std::mem::take(&mut summary.kernel.samples);
            if let Some(t) = self.store.write().calls.as_mut() {
                crate::kernel::label_from_calls(&mut samples, &t.calls);
                t.tcp_info = samples;
            }
            if summary.timed_out {
                Some(tr!("run-timed-out"))
            } else {
                match summary.capture.map_or(0, |k| k.dropped + k.if_dropped) {
                    0 => None,
                    d => Some(tr!("run-capture-dropped", count = d)),
                }
            }
        });
        let (phase, note) = run_ended(feeder, result);
        self.update(|s| {
            s.note = note.or(s.note.take());
            s.phase = phase;
        });
    }

    /// Stores frames and calls whose turn has come: frames renumbered in capture order
    /// (on the host's network only the programs' own), calls into the trace.
    fn store_items(
        &self,
        items: Vec<Item>,
        feeder: &mut Feeder,
        ports: Option<&ProgramPorts>,
        number: &mut u64,
    ) {
        let mut fed = false;
        for item in items {
            match item {
                Item::Frame(mut f) => {
                    if ports.is_some_and(|p| !p.ours(&f)) {
                        continue;
                    }
                    *number += 1;
                    f.number = *number;
                    feeder.add(&f.as_frame());
                    fed = true;
                }
                Item::Call(c) => {
                    let n = store_call(&self.store, *c);
                    self.update(|s| s.calls = n);
                }
            }
        }
        if fed {
            feeder.publish();
            let n = *number;
            self.update(|s| s.frames = n);
        }
    }

    /// A tracer's report: calls go to the merger, the programs' starts and ends to the
    /// status (and the trace's `programs`).
    fn report(
        &self,
        r: Report,
        actors: &[String],
        infos: &mut [ProgramInfo],
        merger: &mut Merger,
        ports: &mut Option<ProgramPorts>,
    ) {
        match r {
            Report::Call(c) => {
                if let Some(call) = crate::run::calls::to_call(&c, &actors[c.program]) {
                    if let Some(p) = ports {
                        p.note(&call);
                    }
                    merger.push(Item::Call(Box::new(call)));
                }
            }
            Report::Started { program, pid } => {
                infos[program].pid = Some(pid);
                self.update(|s| s.programs[program].pid = Some(pid));
            }
            Report::Listening { .. } => {}
            Report::Progress { t_ns } => merger.advance(Source::Tracer, t_ns),
            Report::Exited { program, how } => {
                infos[program].exit = Some(how.status());
                self.update(|s| s.programs[program].exit = Some(how));
            }
            Report::Failed { program, error } => {
                self.update(|s| s.programs[program].failed = Some(error));
            }
        }
    }

    /// A pipe whose write end becomes `actor`'s standard output and error; a thread reads
    /// its lines into the status until every writer is gone.
    fn output_pipe(&self, actor: &str) -> std::io::Result<OwnedFd> {
        let (reader, writer) = std::io::pipe()?;
        let (status, notify, actor) = (self.status.clone(), self.notify.clone(), actor.to_owned());
        std::thread::Builder::new()
            .name("synack-view-output".into())
            .spawn(move || {
                let mut lines = std::io::BufReader::new(reader);
                let mut buf = Vec::new();
                loop {
                    buf.clear();
                    match lines.read_until(b'\n', &mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {}
                    }
                    let line = String::from_utf8_lossy(&buf).trim_end().to_owned();
                    {
                        let mut s = status.lock().unwrap_or_else(|e| e.into_inner());
                        if s.output.len() >= OUTPUT_LINES {
                            s.output.pop_front();
                        }
                        s.output.push_back((actor.clone(), line));
                    }
                    notify();
                }
            })?;
        Ok(writer.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_described_on_one_line() {
        let req = ProgramRequest {
            server: Some("python3 echo_server.py".into()),
            clients: vec!["python3 -c 'import socket\nfor i in range(3):\n    print(i)'".into()],
            dir: PathBuf::from("."),
            net: NetMode::Isolated,
            timeout: None,
        };
        assert_eq!(
            req.describe(),
            "python3 echo_server.py + python3 -c 'import socket for i in range(3): print(i)'"
        );
    }
}
