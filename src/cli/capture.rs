//! `synack capture -i IFACE`: live capture, printed like `synack read`, written like tcpdump.

use super::usage::usage_bail;
use std::io::{self, BufWriter, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::{Args, ValueEnum};

use super::output::PrintArgs;
use super::pipeline::FramePrinter;
use super::read::{self, ReadArgs};
use super::usage::usage;
use crate::capture::live::{
    self, Backend, CaptureStats, LiveCapture, LiveConfig, Next, TimestampSource,
};
use crate::capture::writer::{CaptureWriter, PcapFormat, Ring};
use crate::capture::Frame;

/// True for `-w -` (write the capture to stdout, as tcpdump does).
fn is_stdout(path: Option<&std::path::Path>) -> bool {
    path.is_some_and(|p| p.as_os_str() == "-")
}

/// How often output and the file are flushed while packets keep coming.
const FLUSH_EVERY: Duration = Duration::from_millis(200);

/// `--backend` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    /// libpcap (default): BPF filters, kernel timestamps (ns), kernel drop counters.
    Pcap,
    /// pnet_datalink raw socket: no -f filters; timestamps are taken when synack receives
    /// the packet (no kernel timestamps), so they are later than the wire time.
    Pnet,
}

/// Arguments of `synack capture`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    synack capture -i eth0 -f 'tcp port 443'\n  \
    synack capture -i eth0 tcp port 443                 (tcpdump's trailing filter)\n  \
    synack capture -i lo -w lo.pcap -c 1000\n  \
    synack capture -i eth0 -w ring.pcap -C 100 -W 10    (files ring_00001.pcap, ... newest 10 kept)\n  \
    synack capture -i eth0 -w hour.pcap -G 3600 -W 24   (one file per hour, stop after 24)\n  \
    synack capture -r in.pcap -w out.pcap tcp port 80   (copy the frames a BPF filter accepts)\n\n\
Permissions: capturing needs root or the capabilities on the binary:\n  \
    sudo setcap cap_net_raw,cap_net_admin=eip $(command -v synack)\n\
(cap_net_admin is only needed for promiscuous mode; see `synack ifaces`).\n\
Ctrl-C or SIGTERM stops cleanly: the file is complete and a summary is printed on stderr.")]
pub struct CaptureArgs {
    /// Interface to capture on (see `synack ifaces` or -D).
    #[arg(
        short = 'i',
        long = "interface",
        value_name = "IFACE",
        required_unless_present_any = ["read", "list_interfaces"]
    )]
    pub interface: Option<String>,
    /// List the interfaces and exit (tcpdump -D; same as `synack ifaces`).
    #[arg(short = 'D', long = "list-interfaces")]
    pub list_interfaces: bool,
    /// Read a capture file instead of an interface: printed like `synack read FILE`; with
    /// -w, the frames the BPF filter accepts are copied to the new file (tcpdump -r -w).
    #[arg(short = 'r', value_name = "FILE", conflicts_with = "interface")]
    pub read: Option<PathBuf>,
    /// Capture filter in tcpdump/BPF syntax, e.g. 'tcp port 80 and host 10.0.0.1' (pcap
    /// backend only); the words after the options do the same (tcpdump's way).
    #[arg(short = 'f', long = "bpf", value_name = "BPF")]
    pub filter: Option<String>,
    /// tcpdump's trailing filter: `synack capture -i eth0 tcp port 80`.
    #[arg(value_name = "BPF")]
    pub filter_words: Vec<String>,
    /// Write packets to a pcap file (tcpdump/tshark/Wireshark read it); `-` writes to stdout
    /// (e.g. `-w - | wireshark -k -i -`). Like tcpdump -w, packets are then not printed
    /// unless --print is given.
    #[arg(short = 'w', long = "write", value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// With -w: rotate to a new file every SIZE_MB megabytes, keeping the newest COUNT files
    /// (named FILE_00001.ext, FILE_00002.ext, ...), e.g. --ring 100:10 (same as -C 100 -W 10).
    #[arg(long, value_name = "SIZE_MB:COUNT", requires = "write", conflicts_with_all = ["file_size", "rotate_seconds", "file_count"])]
    pub ring: Option<String>,
    /// With -w: start a new file when this one would exceed SIZE megabytes (1,000,000
    /// bytes; tcpdump -C).
    #[arg(short = 'C', long = "file-size", value_name = "MB", requires = "write")]
    pub file_size: Option<f64>,
    /// With -w: start a new file every S seconds (tcpdump -G).
    #[arg(short = 'G', long = "rotate-seconds", value_name = "S", requires = "write",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub rotate_seconds: Option<u64>,
    /// With -C: keep only the newest N files; with -G alone: stop after N files (tcpdump -W).
    #[arg(short = 'W', long = "file-count", value_name = "N", requires = "write",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub file_count: Option<u32>,
    /// Print packets even when writing with -w.
    #[arg(long)]
    pub print: bool,
    /// Stop after S seconds (fractions allowed).
    #[arg(long, value_name = "S")]
    pub duration: Option<f64>,
    /// Bytes kept of each packet (tcpdump -s; 0 means whole packets, the default).
    #[arg(short = 's', long, value_name = "N")]
    pub snaplen: Option<u32>,
    /// Do not put the interface in promiscuous mode (then only cap_net_raw is needed;
    /// tcpdump -p).
    #[arg(short = 'p', long)]
    pub no_promisc: bool,
    /// Kernel capture buffer in MiB (tcpdump -B takes KiB; default 8 MiB); larger buffers
    /// absorb longer bursts.
    #[arg(short = 'B', long, value_name = "MIB")]
    pub buffer_size: Option<u32>,
    /// Capture backend. pcap: libpcap with kernel timestamps and BPF filters. pnet: raw
    /// socket through pnet_datalink; it has no kernel timestamps (the time is taken when
    /// synack receives the packet) and no -f filters.
    #[arg(long, value_enum)]
    pub backend: Option<BackendArg>,
    /// No name resolution: accepted for tcpdump's and tshark's -n; synack never resolves
    /// addresses or ports to names.
    #[arg(short = 'n')]
    pub no_resolve: bool,
    /// How packets are printed (the same options as `synack read`).
    #[command(flatten)]
    pub output: PrintArgs,
}

impl CaptureArgs {
    /// The BPF filter: -f or the trailing words (not both).
    fn bpf(&self) -> anyhow::Result<Option<String>> {
        match (&self.filter, self.filter_words.is_empty()) {
            (Some(f), false) => usage_bail!(
                "two capture filters: -f '{f}' and '{}' after the options; give one",
                self.filter_words.join(" ")
            ),
            (Some(f), true) => Ok(Some(f.clone())),
            (None, false) => Ok(Some(self.filter_words.join(" "))),
            (None, true) => Ok(None),
        }
    }

    /// The ring of -w files: --ring, or -C / -G / -W.
    fn ring(&self) -> anyhow::Result<Option<Ring>> {
        if let Some(spec) = &self.ring {
            return Ok(Some(Ring::parse(spec).map_err(usage)?));
        }
        if self.file_size.is_none() && self.rotate_seconds.is_none() {
            if self.file_count.is_some() {
                usage_bail!("-W N counts the files of a ring: give -C MB or -G SECONDS too");
            }
            return Ok(None);
        }
        let size_bytes = match self.file_size {
            None => u64::MAX,
            Some(mb) => Ring::megabytes(mb).ok_or_else(|| {
                usage(format!(
                    "-C {mb}: a file size in megabytes, more than a pcap header"
                ))
            })?,
        };
        Ok(Some(Ring {
            size_bytes,
            count: self.file_count.unwrap_or(u32::MAX),
            seconds: self.rotate_seconds,
            stop_after_count: self.file_size.is_none() && self.file_count.is_some(),
        }))
    }

    /// Options that only a live capture uses, when given with -r.
    fn live_only_options(&self) -> Vec<&'static str> {
        let mut given = Vec::new();
        for (set, name) in [
            (self.snaplen.is_some(), "-s/--snaplen"),
            (self.buffer_size.is_some(), "-B/--buffer-size"),
            (self.no_promisc, "-p/--no-promisc"),
            (self.backend.is_some(), "--backend"),
            (self.duration.is_some(), "--duration"),
            (self.ring.is_some(), "--ring"),
            (self.file_size.is_some(), "-C"),
            (self.rotate_seconds.is_some(), "-G"),
            (self.file_count.is_some(), "-W"),
        ] {
            if set {
                given.push(name);
            }
        }
        given
    }
}

/// Runs `synack capture`.
pub(super) fn run(args: &CaptureArgs) -> anyhow::Result<ExitCode> {
    if args.list_interfaces {
        return super::ifaces::run(&super::ifaces::IfacesArgs::default());
    }
    let bpf = args.bpf()?;
    if let Some(file) = &args.read {
        let live_only = args.live_only_options();
        if !live_only.is_empty() {
            usage_bail!(
                "{} apply to a live capture, not to -r {}",
                live_only.join(", "),
                file.display()
            );
        }
        if let Some(out) = &args.write {
            return copy_file(file, out, bpf.as_deref(), args);
        }
        let mut read = ReadArgs::of(file);
        read.bpf = bpf;
        read.print = args.output.clone();
        return read::run(&read);
    }
    let Some(interface) = args.interface.clone() else {
        usage_bail!("give an interface with -i (see `synack ifaces`) or a file with -r");
    };
    let ring = args.ring()?;
    if is_stdout(args.write.as_deref()) && (args.print || ring.is_some()) {
        usage_bail!(
            "-w - sends the pcap file to stdout: it cannot be combined with --print or a ring \
             (--ring, -C, -G, -W)"
        );
    }
    let duration = match args.duration {
        // Longer than `Duration` can hold means no limit in practice.
        Some(d) if d.is_finite() && d > 0.0 => Duration::try_from_secs_f64(d).ok(),
        Some(d) => usage_bail!("--duration must be a positive number of seconds, got {d}"),
        None => None,
    };
    let print = args.write.is_none() || args.print;
    let printer = args.output.printer(
        BufWriter::with_capacity(1 << 16, io::stdout().lock()),
        print,
    )?;
    let config = args.live_config(interface, bpf, print && !args.output.quiet);
    let source = live::open(&config)?;
    let mut capture = LiveCapture::start(source)?;
    let stop = capture.stop_handle();
    ctrlc::set_handler(move || stop.stop()).context("installing the Ctrl-C handler")?;

    let stdout_sink = is_stdout(args.write.as_deref());
    let writer = match &args.write {
        Some(path) => match open_writer(&capture, path, ring) {
            Ok(w) => Some(w),
            Err(e) => {
                capture.stop_handle().stop();
                return match write_failure(e, stdout_sink) {
                    // `-w -` into a closed pipe: nobody reads, nothing to say.
                    None => Ok(ExitCode::SUCCESS),
                    Some(e) => Err(e),
                };
            }
        },
        None => None,
    };
    announce(&config, &capture);
    let mut sinks = Sinks {
        writer,
        printer,
        stdout_sink,
    };
    let deadline = duration.and_then(|d| Instant::now().checked_add(d));
    let mut failure = pump(&mut capture, &mut sinks, deadline, args.output.count)
        .err()
        .flatten();
    capture.stop_handle().stop();
    if let Some(w) = sinks.writer.as_mut() {
        if let Err(e) = w.flush() {
            if let Some(e) = write_failure(e, stdout_sink) {
                failure.get_or_insert(e);
            }
        }
    }
    let _ = sinks.printer.flush();
    // Let the capture thread finish so the kernel counters are final.
    let stats = capture.finish();
    sinks.summary(&stats);
    match failure {
        None => Ok(ExitCode::SUCCESS),
        Some(e) => {
            note!("synack: {e:#}");
            Ok(ExitCode::from(1))
        }
    }
}

impl CaptureArgs {
    /// What the live source is opened with; `print_live`: packets are printed as they come.
    fn live_config(
        &self,
        interface: String,
        filter: Option<String>,
        print_live: bool,
    ) -> LiveConfig {
        LiveConfig {
            interface,
            filter,
            // tcpdump reads -s 0 as "whole packets".
            snaplen: match self.snaplen {
                None | Some(0) => live::DEFAULT_SNAPLEN,
                Some(n) => n,
            },
            promisc: !self.no_promisc,
            // Deliver each packet at once only when a person watches a terminal. Otherwise
            // let the kernel hand over blocks of packets (at most 100 ms late): far fewer
            // wakeups, so a flood is captured without drops.
            immediate: print_live && io::stdout().is_terminal(),
            buffer_size: Some(self.buffer_size.unwrap_or(8).saturating_mul(1 << 20)),
            backend: match self.backend {
                None | Some(BackendArg::Pcap) => Backend::Pcap,
                Some(BackendArg::Pnet) => Backend::Pnet,
            },
        }
    }
}

/// The file (or ring, or standard output for `-w -`) the capture is written to, in the
/// capture's link type and snapshot length.
fn open_writer(
    capture: &LiveCapture,
    path: &std::path::Path,
    ring: Option<Ring>,
) -> Result<CaptureWriter, crate::capture::writer::WriteError> {
    // Receive-time stamps have nanosecond resolution too; only libpcap may fall back to µs.
    let nanos = !matches!(
        capture.timestamps(),
        TimestampSource::Kernel { nanos: false }
    );
    let format = PcapFormat {
        link: capture.link_type(),
        snaplen: capture.snaplen(),
        nanos,
    };
    CaptureWriter::create(write_target(path), format, ring)
}

/// The line on stderr that says what is captured and how, as tcpdump's "listening on".
fn announce(config: &LiveConfig, capture: &LiveCapture) {
    note!(
        "synack: capturing on {} ({} backend, link type {}, snaplen {}, timestamps {}){}; Ctrl-C to stop",
        config.interface,
        config.backend.name(),
        capture.link_type(),
        capture.snaplen(),
        match capture.timestamps() {
            TimestampSource::Kernel { nanos: true } => "kernel ns",
            TimestampSource::Kernel { nanos: false } => "kernel µs",
            TimestampSource::Receive => "taken at receive",
        },
        config
            .filter
            .as_deref()
            .map(|f| format!(", filter \"{f}\""))
            .unwrap_or_default(),
    );
}

/// Where the captured frames go: the file (or ring, or standard output) and the printer.
struct Sinks<W: io::Write> {
    writer: Option<CaptureWriter>,
    printer: FramePrinter<W>,
    /// The file is standard output (`-w -`): a closed pipe there ends the capture quietly.
    stdout_sink: bool,
}

/// Why the capture stopped before its end: an error, or `None` when a reader went away
/// (a closed pipe: nothing to say).
type Stopped = Option<anyhow::Error>;

impl<W: io::Write> Sinks<W> {
    /// Writes and prints one frame.
    fn frame(&mut self, frame: &Frame<'_>) -> Result<(), Stopped> {
        if let Some(w) = self.writer.as_mut() {
            w.write_frame(frame)
                .map_err(|e| write_failure(e, self.stdout_sink))?;
        }
        self.printer.frame(frame).map_err(output_failure)
    }

    /// Flushes the file and the printed output.
    fn flush(&mut self) -> Result<(), Stopped> {
        if let Some(w) = self.writer.as_mut() {
            w.flush().map_err(|e| write_failure(e, self.stdout_sink))?;
        }
        self.printer.flush().map_err(output_failure)
    }

    /// The summary on stderr, as tcpdump's: packets captured, received by the filter and
    /// dropped (by the kernel, the interface and synack), connections, files written.
    fn summary(&self, stats: &CaptureStats) {
        let engine = self.printer.engine_stats();
        note!("{} packets captured", self.printer.frames());
        if let Some(k) = stats.kernel {
            note!("{} packets received by filter", k.received);
            note!("{} packets dropped by kernel", k.dropped);
            if k.if_dropped > 0 {
                note!("{} packets dropped by interface", k.if_dropped);
            }
        }
        note!(
            "{} packets dropped by synack (processing fell behind)",
            stats.queue_dropped
        );
        note!("{} connections (TCP and UDP)", engine.connections);
        if engine.connections_evicted > 0 {
            note!(
                "{} connections evicted from analysis (connection limit reached)",
                engine.connections_evicted
            );
        }
        let Some(w) = &self.writer else {
            return;
        };
        let files: Vec<String> = w.files().map(|p| p.display().to_string()).collect();
        if w.files_started() > files.len() as u64 {
            note!(
                "{} packets written in {} ring files; the newest {} are kept: {}",
                w.written_frames(),
                w.files_started(),
                files.len(),
                files.join(", ")
            );
        } else {
            note!(
                "{} packets written to {}",
                w.written_frames(),
                if self.stdout_sink {
                    "standard output".to_string()
                } else {
                    files.join(", ")
                }
            );
        }
    }
}

/// A failure to print: a closed pipe (`synack capture | head`) ends the capture quietly.
fn output_failure(e: io::Error) -> Stopped {
    (e.kind() != io::ErrorKind::BrokenPipe).then(|| anyhow::Error::new(e).context("writing output"))
}

/// Moves frames from `capture` into `sinks` until the deadline, `count` printed frames, a
/// full ring, the capture's end or a failure. Output appears promptly on a quiet link and
/// under a steady trickle alike, and the file on disk stays at most [`FLUSH_EVERY`] behind.
fn pump<W: io::Write>(
    capture: &mut LiveCapture,
    sinks: &mut Sinks<W>,
    deadline: Option<Instant>,
    count: Option<u64>,
) -> Result<(), Stopped> {
    let mut last_flush = Instant::now();
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d)
            || count.is_some_and(|c| sinks.printer.printed() >= c)
            || sinks.writer.as_ref().is_some_and(|w| w.is_done())
        {
            return Ok(());
        }
        let idle = match capture.next_timeout(FLUSH_EVERY) {
            Ok(Next::Frame(frame)) => {
                sinks.frame(&frame)?;
                false
            }
            Ok(Next::Idle) => true,
            Ok(Next::End) => return Ok(()),
            Err(e) => return Err(Some(e.into())),
        };
        if idle || last_flush.elapsed() >= FLUSH_EVERY {
            last_flush = Instant::now();
            sinks.flush()?;
        }
    }
}

/// `capture -r IN -w OUT [BPF]`: copies the frames the BPF filter accepts (all without one)
/// into a new pcap file, as `tcpdump -r IN -w OUT FILTER` does; prints them with --print.
fn copy_file(
    input: &std::path::Path,
    out: &std::path::Path,
    bpf: Option<&str>,
    args: &CaptureArgs,
) -> anyhow::Result<ExitCode> {
    use crate::capture::{FileReader, FrameSource as _};
    let mut reader = FileReader::open(input)?;
    let mut filter = match bpf {
        Some(text) => Some(
            crate::capture::bpf::OfflineBpf::new(text)
                .map_err(|e| usage(format!("bad BPF filter '{text}': {e}")))?,
        ),
        None => None,
    };
    let mut printer = args.output.printer(
        BufWriter::with_capacity(1 << 16, io::stdout().lock()),
        args.print,
    )?;
    let stdout_sink = is_stdout(Some(out));
    let mut writer: Option<CaptureWriter> = None;
    let mut copied = 0u64;
    let damage = loop {
        let frame = match reader.next_frame() {
            Ok(Some(f)) => f,
            Ok(None) => break None,
            Err(e) => break Some(e),
        };
        if args.output.count.is_some_and(|c| copied >= c) {
            break None;
        }
        if let Err(e) = printer.frame(&frame) {
            if e.kind() != io::ErrorKind::BrokenPipe {
                return Err(anyhow::Error::new(e).context("writing output"));
            }
        }
        if filter.as_mut().is_some_and(|f| !f.matches(&frame)) {
            continue;
        }
        let format = PcapFormat {
            link: frame.link,
            snaplen: 262_144,
            nanos: true,
        };
        let written = match &mut writer {
            Some(w) => w.write_frame(&frame),
            None => CaptureWriter::create(write_target(out), format, None)
                .and_then(|w| writer.insert(w).write_frame(&frame)),
        };
        if let Err(e) = written {
            return match write_failure(e, stdout_sink) {
                None => Ok(ExitCode::SUCCESS),
                Some(e) => Err(e),
            };
        }
        copied += 1;
    };
    let _ = printer.flush();
    if let Some(w) = &mut writer {
        if let Err(e) = w.flush() {
            return match write_failure(e, stdout_sink) {
                None => Ok(ExitCode::SUCCESS),
                Some(e) => Err(e),
            };
        }
    }
    note!(
        "{copied} of {} frames written to {}",
        reader.frames_read(),
        if stdout_sink {
            "standard output".to_string()
        } else {
            out.display().to_string()
        }
    );
    match damage {
        None => Ok(ExitCode::SUCCESS),
        Some(e) => {
            note!("synack: {e}");
            Ok(ExitCode::from(super::EXIT_DAMAGED))
        }
    }
}

/// Where `-w PATH` writes: standard output for `-w -`.
fn write_target(path: &std::path::Path) -> &std::path::Path {
    if is_stdout(Some(path)) {
        std::path::Path::new("/dev/stdout")
    } else {
        path
    }
}

/// A failed write of `-w`. For `-w -`: `None` when standard output was closed (the reader
/// went away, as `| head -c 100` does: the capture ends quietly, as printed output does),
/// else the error naming standard output, not a file, and saying the OS's words without
/// their error number. A file's error is the writer's own (it names the file and says the
/// file was cut back to its last complete frame).
fn write_failure(e: crate::capture::writer::WriteError, stdout: bool) -> Option<anyhow::Error> {
    use crate::capture::writer::WriteError;
    if !stdout {
        return Some(e.into());
    }
    let (frames, error) = match e {
        WriteError::Create { error, .. } => (0, error),
        WriteError::Write { frames, error, .. } => (frames, error),
        other => return Some(other.into()),
    };
    if error.kind() == io::ErrorKind::BrokenPipe {
        return None;
    }
    Some(anyhow::anyhow!(
        "writing the capture to standard output failed after {frames} packets: {}",
        os_words(&error)
    ))
}

/// The OS's words for an I/O error, without Rust's " (os error N)".
fn os_words(error: &io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}
