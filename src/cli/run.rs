//! `synack run`: run programs traced in a network of their own, print their packets and
//! socket calls in one time order, write the pcap and its calls trace.

use std::ffi::OsString;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;
use crossbeam_channel::RecvTimeoutError;

use super::pipeline::FramePrinter;
use crate::calls::{self, Call, CallTrace};
use crate::capture::writer::{PcapFormat, PcapWriter};
use crate::capture::{OwnedFrame, Timestamp};
use crate::run::calls::{call_line, to_call};
use crate::run::merge::{Item, Merger, Source, LONGEST_HOLD_NS};
use crate::run::ports::ProgramPorts;
use crate::run::{self as runner, netns, plan, NetMode, PairNet, RunEvent, RunOptions};
use crate::trace::{tracee, Control, Input, Plan, Program, Report};

/// Arguments of `synack run`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    synack run -- python3 examples/course/echo_client.py        (one program)\n  \
    synack run --server 'python3 examples/course/echo_server.py' \\\n             \
    --client 'python3 examples/course/echo_client.py' -w echo.pcap\n  \
    synack run --json -- ./a.out | jq .                          (JSON Lines)\n\n\
The programs run in a network namespace of their own with only a loopback interface (127.0.0.1),\n\
so the capture holds exactly their traffic; --net pair puts the server (10.77.2.2) and the clients\n\
(10.77.1.2) on two hosts joined through a router (--loss, --delay, --rate; needs root);\n\
--host-net runs them in the host's network instead.\n\
Clients find the server's address in $SYNACK_SERVER and in {server} on their command line.\n\
Needs root, or unprivileged user namespaces (then synack becomes root of its own user namespace,\n\
as `unshare -rn` does). Ctrl-C, SIGTERM and --timeout stop the programs (SIGTERM, then SIGKILL\n\
after 1 s); nothing is left behind.")]
pub struct RunArgs {
    /// The server's command, run through `sh -c`; it starts first, the clients when it has a
    /// listening socket (or a bound UDP socket), or after --wait.
    #[arg(long, value_name = "CMD")]
    pub server: Option<String>,
    /// A client's command, run through `sh -c` (repeat for several clients: client, client2,
    /// ...).
    #[arg(long = "client", value_name = "CMD")]
    pub clients: Vec<String>,
    /// Write the capture to FILE (pcap) and the calls to FILE.calls.json.
    #[arg(short = 'w', long = "write", value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Print JSON Lines: packets as `synack read --json`, calls as in the calls trace (the
    /// objects with a "call" key). The programs' standard output then goes to standard
    /// error, so standard output stays JSON.
    #[arg(long)]
    pub json: bool,
    /// Print no packets or calls (the programs' output and the summary only).
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Feed the (first) client's standard input from FILE.
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Run in the host's network and capture on its lo, keeping only the programs' ports
    /// (needs CAP_NET_RAW); the same as --net host.
    #[arg(long)]
    pub host_net: bool,
    /// The network: `isolated` (a namespace of their own with only lo, the default), `pair`
    /// (the server and the clients on two hosts, 10.77.2.2 and 10.77.1.2, joined through a
    /// router that applies --loss, --delay and --rate; needs root) or `host`.
    #[arg(long, value_name = "NET", value_parser = ["isolated", "pair", "host"])]
    pub net: Option<String>,
    /// `--net pair`: percent of TCP data segments the router drops at random (never SYN,
    /// FIN or RST).
    #[arg(long, value_name = "PCT", default_value_t = 0)]
    pub loss: u32,
    /// `--net pair`: milliseconds the router delays each packet, each way (needs the
    /// kernel's netem qdisc).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub delay: u32,
    /// `--net pair`: the router forwards towards the server at most MBIT Mbit/s (tbf).
    #[arg(long, value_name = "MBIT", default_value_t = 0)]
    pub rate: u32,
    /// The longest the clients wait for the server to listen, in seconds.
    #[arg(long, value_name = "S", default_value_t = 5.0)]
    pub wait: f64,
    /// How long the server may go on after the last client ended before it is stopped, in
    /// seconds.
    #[arg(long, value_name = "S", default_value_t = 0.5)]
    pub linger: f64,
    /// Stop everything after S seconds (exit status 124).
    #[arg(long, value_name = "S")]
    pub timeout: Option<f64>,
    /// Print raw TCP sequence and acknowledgment numbers instead of relative ones.
    #[arg(long)]
    pub absolute: bool,
    /// Read the kernel's state of the programs' TCP sockets (cwnd, ssthresh, RTT, congestion
    /// state: TCP_INFO through NETLINK_SOCK_DIAG) every MS milliseconds, after every call
    /// that changes a connection or fails, and after a send or receive when none was read
    /// within MS, into the calls trace's `tcp_info`; 0 reads nothing.
    #[arg(long, value_name = "MS", default_value_t = 1)]
    pub sample_ms: u64,
    /// Stop the programs on every read, write, send and recv too, instead of recording them
    /// in the kernel (eBPF at the system-call tracepoints) while the programs run on (the
    /// default as root): several times slower.
    #[arg(long)]
    pub ptrace_only: bool,
    /// Show the run in the desktop view instead of printing it: the window opens on the
    /// Generator tab's *Run a program* with these --server/--client commands (run in the
    /// current folder) and the network options, runs them, and shows their packets and
    /// calls as they come. Needs root (or --host-net with CAP_NET_RAW).
    #[cfg(feature = "gui")]
    #[arg(long, conflicts_with_all = ["json", "quiet", "input", "write", "command"])]
    pub view: bool,
    /// The program and its arguments (after `--`), when there is no --server/--client.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CMD"
    )]
    pub command: Vec<OsString>,
}

/// Seconds given on the command line as a duration.
fn seconds(what: &str, s: f64) -> anyhow::Result<Duration> {
    if !(s.is_finite() && s >= 0.0) {
        anyhow::bail!("{what} must be a number of seconds ≥ 0, got {s}");
    }
    Ok(Duration::from_secs_f64(s.min(1e9)))
}

/// The programs to run, named as in the calls trace.
fn programs(args: &RunArgs, server_addr: &str) -> anyhow::Result<(Vec<Program>, bool)> {
    let (mut out, has_server) = plan::programs(&commands(args), server_addr)?;
    let first_client = usize::from(has_server);
    for (i, p) in out.iter_mut().enumerate() {
        p.stdout_to_stderr = args.json;
        if i == first_client {
            if let Some(f) = &args.input {
                p.input = Input::File(f.clone());
            }
        }
    }
    Ok((out, has_server))
}

/// The commands given.
fn commands(args: &RunArgs) -> plan::Commands {
    plan::Commands {
        server: args.server.clone(),
        clients: args.clients.clone(),
        command: args.command.clone(),
    }
}

/// `synack run --view`: the desktop view runs the commands.
#[cfg(feature = "gui")]
fn view(args: &RunArgs) -> anyhow::Result<ExitCode> {
    use crate::ui::program_runner::ProgramRequest;
    let net = net_mode(args)?;
    if args.server.is_none() && args.clients.is_empty() {
        anyhow::bail!("--view runs --server 'CMD' and --client 'CMD' commands");
    }
    let req = ProgramRequest {
        server: args.server.clone(),
        clients: args.clients.clone(),
        dir: std::env::current_dir().context("the current folder")?,
        net,
        timeout: args.timeout.map(|t| seconds("--timeout", t)).transpose()?,
    };
    crate::ui::run(crate::ui::ViewOptions::new(
        crate::ui::StartSource::Program(req),
    ))
}

/// Runs `synack run`.
pub(super) fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    if let Some(why) = crate::trace::syscalls::unsupported() {
        anyhow::bail!(why);
    }
    #[cfg(feature = "gui")]
    if args.view {
        return view(args);
    }
    let net = net_mode(args)?;
    let (plan, opts) = prepare(args, &net)?;
    let actors: Vec<String> = plan.programs.iter().map(|p| p.actor.clone()).collect();
    let mut infos = plan::infos(&plan.programs);

    let control = Control::new();
    let stopper = control.clone();
    ctrlc::set_handler(move || stopper.stop()).context("installing the Ctrl-C handler")?;

    let t0 = Timestamp::from_parts(0, tracee::now_ns());
    let (tx, rx) = crossbeam_channel::unbounded::<RunEvent>();
    let run_control = control.clone();
    let worker = std::thread::Builder::new()
        .name("synack-run".into())
        .spawn(move || runner::run(plan, &opts, &run_control, tx))?;
    runner::yield_to_programs();

    // Frames and calls in time order as they come, until the run thread ends.
    let mut out = Output::new(args, &net, t0)?;
    let mut merger = Merger::new(LONGEST_HOLD_NS);
    let mut trace = CallTrace::new("run", net.name(), None);
    loop {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(RunEvent::Frame(f)) => merger.push(Item::Frame(f)),
            Ok(RunEvent::CaptureMark(t)) => merger.advance(Source::Capture, t),
            Ok(RunEvent::Report(Report::Progress { t_ns })) => merger.advance(Source::Tracer, t_ns),
            Ok(RunEvent::Report(Report::Call(c))) => {
                if let Some(call) = to_call(&c, &actors[c.program]) {
                    out.note_ports(&call);
                    merger.push(Item::Call(Box::new(call)));
                }
            }
            Ok(RunEvent::Report(r)) => note_program(&r, &actors, &mut infos),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        for item in merger.ready(tracee::now_ns()) {
            trace.calls.extend(out.item(item)?);
        }
        out.flush_if_due()?;
    }
    for item in merger.drain() {
        trace.calls.extend(out.item(item)?);
    }
    let mut summary = worker
        .join()
        .map_err(|_| anyhow::anyhow!("the run panicked"))??;
    out.finish()?;
    trace.sort();
    trace.programs = infos;
    let mut kernel = std::mem::take(&mut summary.kernel);
    crate::kernel::label_from_calls(&mut kernel.samples, &trace.calls);
    trace.tcp_info = kernel.samples;
    if let Some(why) = kernel.note.filter(|_| args.sample_ms > 0) {
        note!("synack: {why}");
    }
    note_recording(args, &summary.outcome);
    if let Some(path) = &args.write {
        calls::write_beside(&trace, path)?;
    }
    note_totals(args, &summary, &trace, out.frames);
    if summary.timed_out {
        note!("synack: stopped after --timeout");
        return Ok(ExitCode::from(124));
    }
    if control.is_stopped() {
        return Ok(ExitCode::from(130));
    }
    Ok(ExitCode::from(summary.outcome.status.clamp(0, 255) as u8))
}

/// Checks what can be checked before anything starts (the input file, the programs and
/// that they can be found, the network's needs) and makes the run's plan and options.
fn prepare(args: &RunArgs, net: &NetMode) -> anyhow::Result<(Plan, RunOptions)> {
    if let Some(f) = &args.input {
        std::fs::metadata(f).with_context(|| format!("--input {}", f.display()))?;
    }
    let (programs, server) = programs(args, &net.server_address().to_string())?;
    if matches!(net, NetMode::Pair(_)) && !(server && programs.len() > 1) {
        anyhow::bail!("--net pair needs --server 'CMD' and at least one --client 'CMD'");
    }
    for p in &programs {
        if let Some(a0) = p.argv.first() {
            crate::trace::spawn::resolve(a0)
                .map_err(|e| anyhow::anyhow!("cannot start the {}: {e}", p.actor))?;
        }
    }
    if *net == NetMode::Isolated && !netns::privileged() {
        // Before any thread exists: the kernel lets only a single-threaded process do this.
        netns::enter_user_namespace().map_err(|e| {
            anyhow::anyhow!(
                "{e}; run synack as root, or allow unprivileged user namespaces \
                 (sysctl kernel.unprivileged_userns_clone=1)"
            )
        })?;
    }
    let plan = Plan {
        programs,
        server,
        wait: seconds("--wait", args.wait)?,
        linger: seconds("--linger", args.linger)?,
        ptrace_only: args.ptrace_only,
    };
    let opts = RunOptions {
        net: net.clone(),
        timeout: args.timeout.map(|t| seconds("--timeout", t)).transpose()?,
        sample: (args.sample_ms > 0).then(|| Duration::from_millis(args.sample_ms)),
    };
    Ok((plan, opts))
}

/// A program's start, listening, end or failure to start, on stderr (and its pid and exit
/// status kept for the calls trace).
fn note_program(report: &Report, actors: &[String], infos: &mut [calls::ProgramInfo]) {
    match *report {
        Report::Started { program, pid } => {
            infos[program].pid = Some(pid);
            note!(
                "synack: {} started (pid {pid}): {}",
                actors[program],
                infos[program].command
            );
        }
        Report::Listening { program, addr } => note!(
            "synack: {} listens{}; starting the client{}",
            actors[program],
            addr.map(|a| format!(" on {a}")).unwrap_or_default(),
            if actors.len() > 2 { "s" } else { "" }
        ),
        Report::Exited { program, how } => {
            infos[program].exit = Some(how.status());
            note!(
                "synack: {} {}",
                actors[program],
                match how {
                    crate::trace::ProgramExit::Code(c) => format!("exited with status {c}"),
                    crate::trace::ProgramExit::Signal(s) => format!(
                        "was killed by {}",
                        nix::sys::signal::Signal::try_from(s)
                            .map_or_else(|_| format!("signal {s}"), |s| s.to_string())
                    ),
                }
            );
        }
        Report::Failed { program, ref error } => {
            note!("synack: cannot start the {}: {error}", actors[program])
        }
        Report::Progress { .. } | Report::Call(_) => {}
    }
}

/// How the data calls were recorded (stopping the programs when the kernel could not
/// count them) and whether records were lost, on stderr.
fn note_recording(args: &RunArgs, outcome: &crate::trace::Outcome) {
    match &outcome.counted {
        Err(why) if !args.ptrace_only => note!(
            "synack: every read, write, send and recv stopped the programs (the kernel \
             could not record them: {why})"
        ),
        _ => {}
    }
    if outcome.lost > 0 {
        note!(
            "synack: the kernel's buffers overflowed: {} records of data calls were lost",
            outcome.lost
        );
    }
}

/// The run's last line on stderr: what was captured and traced, and where it was written.
fn note_totals(args: &RunArgs, summary: &runner::RunSummary, trace: &CallTrace, frames: u64) {
    note!(
        "synack: {} packets, {} calls, {} kernel readings, {} TCP connections{}{}",
        frames,
        trace.calls.len(),
        trace.tcp_info.len(),
        summary.outcome.connections,
        match summary.capture.map_or(0, |k| k.dropped + k.if_dropped) {
            0 => String::new(),
            n => format!(", {n} packets dropped by the capture"),
        },
        args.write
            .as_ref()
            .map(|p| format!(
                "; written to {} and {}",
                p.display(),
                calls::calls_path(p).display()
            ))
            .unwrap_or_default()
    );
}

/// The network from `--net`, `--host-net` and the router's options.
fn net_mode(args: &RunArgs) -> anyhow::Result<NetMode> {
    let name = match (args.net.as_deref(), args.host_net) {
        (Some(n), true) if n != "host" => {
            anyhow::bail!("--host-net and --net {n} contradict each other")
        }
        (_, true) => "host",
        (Some(n), false) => n,
        (None, false) => "isolated",
    };
    let router = args.loss > 0 || args.delay > 0 || args.rate > 0;
    match name {
        "pair" => {
            if args.loss > 100 {
                anyhow::bail!("--loss is a percentage (0-100), got {}", args.loss);
            }
            Ok(NetMode::Pair(PairNet {
                loss_pct: args.loss,
                delay_ms: args.delay,
                rate_mbit: args.rate,
            }))
        }
        _ if router => anyhow::bail!(
            "--loss, --delay and --rate act on the router between two hosts: add --net pair"
        ),
        "host" => Ok(NetMode::Host),
        _ => Ok(NetMode::Isolated),
    }
}

/// Printing and writing, in the merged order.
struct Output {
    printer: FramePrinter<BufWriter<io::Stdout>>,
    json: bool,
    quiet: bool,
    t0: i64,
    writer: Option<PcapWriter<BufWriter<std::fs::File>>>,
    path: Option<PathBuf>,
    /// `--host-net`: the programs' ports; other frames on the host's lo are not theirs.
    ports: Option<ProgramPorts>,
    frames: u64,
    last_flush: std::time::Instant,
}

impl Output {
    fn new(args: &RunArgs, net: &NetMode, t0: Timestamp) -> anyhow::Result<Output> {
        let writer = match &args.write {
            Some(p) => {
                let f = std::fs::File::create(p)
                    .with_context(|| format!("creating {}", p.display()))?;
                Some(PcapWriter::new(
                    BufWriter::new(f),
                    PcapFormat {
                        link: crate::capture::LinkType::Ethernet,
                        snaplen: 65_536 + 64,
                        nanos: true,
                    },
                ))
            }
            None => None,
        };
        Ok(Output {
            printer: FramePrinter::new(
                BufWriter::new(io::stdout()),
                args.json,
                !args.quiet,
                args.absolute,
            )
            .with_t0(t0),
            json: args.json,
            quiet: args.quiet,
            t0: t0.as_nanos(),
            writer,
            path: args.write.clone(),
            ports: (net == &NetMode::Host).then(Default::default),
            frames: 0,
            last_flush: std::time::Instant::now(),
        })
    }

    /// `--host-net`: remembers the ports of the programs' sockets.
    fn note_ports(&mut self, call: &crate::calls::Call) {
        if let Some(ports) = &mut self.ports {
            ports.note(call);
        }
    }

    fn ours(&self, f: &OwnedFrame) -> bool {
        self.ports.as_ref().is_none_or(|p| p.ours(f))
    }

    /// Prints (and writes) an item the merger handed on; gives a call back for the calls
    /// trace.
    fn item(&mut self, item: Item) -> anyhow::Result<Option<Call>> {
        match item {
            Item::Frame(mut f) => {
                if !self.ours(&f) {
                    return Ok(None);
                }
                self.frames += 1;
                f.number = self.frames;
                let frame = f.as_frame();
                if let Some(w) = &mut self.writer {
                    w.write_frame(&frame).with_context(|| {
                        format!(
                            "writing {}",
                            self.path
                                .as_deref()
                                .unwrap_or(std::path::Path::new(""))
                                .display()
                        )
                    })?;
                }
                self.printer.frame(&frame).context("writing output")?;
            }
            Item::Call(c) => {
                if !self.quiet {
                    let out = self.printer.out_mut();
                    if self.json {
                        serde_json::to_writer(&mut *out, &c)?;
                        out.write_all(b"\n")?;
                    } else {
                        writeln!(out, "{}", call_line(&c, self.t0))?;
                    }
                }
                return Ok(Some(*c));
            }
        }
        Ok(None)
    }

    fn flush_if_due(&mut self) -> anyhow::Result<()> {
        if self.last_flush.elapsed() >= Duration::from_millis(100) {
            self.last_flush = std::time::Instant::now();
            self.printer.flush()?;
        }
        Ok(())
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        self.printer.flush()?;
        if let Some(w) = &mut self.writer {
            w.flush()?;
        }
        Ok(())
    }
}
