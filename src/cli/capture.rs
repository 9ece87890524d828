//! `synack capture -i IFACE`: live capture, printed like `synack read`, written like tcpdump.

use super::usage::usage_bail;
use std::io::{self, BufWriter, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::{Args, ValueEnum};

use super::pipeline::FramePrinter;
use super::read::{self, ReadArgs};
use crate::capture::live::{self, Backend, LiveCapture, LiveConfig, Next, TimestampSource};
use crate::capture::writer::{CaptureWriter, PcapFormat, Ring};

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
    synack capture -i lo -w lo.pcap -c 1000\n  \
    synack capture -i eth0 -w ring.pcap --ring 100:10   (files ring_00001.pcap, ... newest 10 kept)\n\n\
Permissions: capturing needs root or the capabilities on the binary:\n  \
    sudo setcap cap_net_raw,cap_net_admin=eip $(command -v synack)\n\
(cap_net_admin is only needed for promiscuous mode; see `synack ifaces`).\n\
Ctrl-C or SIGTERM stops cleanly: the file is complete and a summary is printed on stderr.")]
pub struct CaptureArgs {
    /// Interface to capture on (see `synack ifaces`).
    #[arg(
        short = 'i',
        long = "interface",
        value_name = "IFACE",
        required_unless_present = "read"
    )]
    pub interface: Option<String>,
    /// Read a capture file instead (same as `synack read FILE`).
    #[arg(short = 'r', value_name = "FILE", conflicts_with = "interface")]
    pub read: Option<PathBuf>,
    /// Capture filter in tcpdump/BPF syntax, e.g. 'tcp port 80 and host 10.0.0.1' (pcap backend
    /// only).
    #[arg(short = 'f', long = "filter", value_name = "BPF")]
    pub filter: Option<String>,
    /// Write packets to a pcap file (tcpdump/tshark/Wireshark read it); `-` writes to stdout
    /// (e.g. `-w - | wireshark -k -i -`). Like tcpdump -w, packets are then not printed
    /// unless --print is given.
    #[arg(short = 'w', long = "write", value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// With -w: rotate to a new file every SIZE_MB megabytes, keeping the newest COUNT files
    /// (named FILE_00001.ext, FILE_00002.ext, ...), e.g. --ring 100:10.
    #[arg(long, value_name = "SIZE_MB:COUNT", requires = "write")]
    pub ring: Option<String>,
    /// Print packets even when writing with -w.
    #[arg(long)]
    pub print: bool,
    /// Stop after N packets.
    #[arg(short = 'c', long = "count", value_name = "N")]
    pub count: Option<u64>,
    /// Stop after S seconds (fractions allowed).
    #[arg(long, value_name = "S")]
    pub duration: Option<f64>,
    /// Bytes kept of each packet (tcpdump -s; 0 means whole packets, the default).
    #[arg(long, value_name = "N", default_value_t = live::DEFAULT_SNAPLEN)]
    pub snaplen: u32,
    /// Do not put the interface in promiscuous mode (then only cap_net_raw is needed).
    #[arg(long)]
    pub no_promisc: bool,
    /// Kernel capture buffer in MiB (tcpdump -B); larger buffers absorb longer bursts.
    #[arg(long, value_name = "MIB", default_value_t = 8)]
    pub buffer_size: u32,
    /// Capture backend. pcap: libpcap with kernel timestamps and BPF filters. pnet: raw
    /// socket through pnet_datalink; it has no kernel timestamps (the time is taken when
    /// synack receives the packet) and no -f filters.
    #[arg(long, value_enum, default_value_t = BackendArg::Pcap)]
    pub backend: BackendArg,
    /// Print JSON Lines, the same objects as `synack read --json`.
    #[arg(long)]
    pub json: bool,
    /// Print raw TCP sequence and acknowledgment numbers instead of relative ones.
    #[arg(long)]
    pub absolute: bool,
    /// Display filter (Wireshark syntax) for the printed packets, e.g. `-Y 'tcp.flags.syn ==
    /// 1'`. Unlike -f it does not reduce what is captured or written.
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub display_filter: Option<String>,
}

/// Runs `synack capture`.
pub(super) fn run(args: &CaptureArgs) -> anyhow::Result<ExitCode> {
    if let Some(file) = &args.read {
        return read::run(&ReadArgs {
            input: super::input::InputArgs::path_of(file.clone()),
            json: args.json,
            count: args.count,
            absolute: args.absolute,
            filter: args.display_filter.clone(),
            no_messages: false,
            threads: None,
        });
    }
    let Some(interface) = args.interface.clone() else {
        usage_bail!("give an interface with -i (see `synack ifaces`) or a file with -r");
    };
    let ring = args.ring.as_deref().map(Ring::parse).transpose()?;
    if is_stdout(args.write.as_deref()) && (args.print || ring.is_some()) {
        usage_bail!(
            "-w - sends the pcap file to stdout: it cannot be combined with --print or --ring"
        );
    }
    let display_filter = read::parse_display_filter(args.display_filter.as_deref())?;
    let duration = match args.duration {
        // Longer than `Duration` can hold means no limit in practice.
        Some(d) if d.is_finite() && d > 0.0 => Duration::try_from_secs_f64(d).ok(),
        Some(d) => usage_bail!("--duration must be a positive number of seconds, got {d}"),
        None => None,
    };
    let print_live = args.write.is_none() || args.print;
    let config = LiveConfig {
        interface,
        filter: args.filter.clone(),
        // tcpdump reads -s 0 as "whole packets".
        snaplen: if args.snaplen == 0 {
            live::DEFAULT_SNAPLEN
        } else {
            args.snaplen
        },
        promisc: !args.no_promisc,
        // Deliver each packet at once only when a person watches a terminal. Otherwise let
        // the kernel hand over blocks of packets (at most 100 ms late): far fewer wakeups,
        // so a flood is captured without drops.
        immediate: print_live && io::stdout().is_terminal(),
        buffer_size: Some(args.buffer_size.saturating_mul(1 << 20)),
        backend: match args.backend {
            BackendArg::Pcap => Backend::Pcap,
            BackendArg::Pnet => Backend::Pnet,
        },
    };
    let source = live::open(&config)?;
    let mut capture = LiveCapture::start(source)?;
    let stop = capture.stop_handle();
    ctrlc::set_handler(move || stop.stop()).context("installing the Ctrl-C handler")?;

    // Receive-time stamps have nanosecond resolution too; only libpcap may fall back to µs.
    let nanos = !matches!(
        capture.timestamps(),
        TimestampSource::Kernel { nanos: false }
    );
    let mut writer = match &args.write {
        Some(path) => Some(CaptureWriter::create(
            if is_stdout(Some(path)) {
                std::path::Path::new("/dev/stdout")
            } else {
                path
            },
            PcapFormat {
                link: capture.link_type(),
                snaplen: capture.snaplen(),
                nanos,
            },
            ring,
        )?),
        None => None,
    };
    let print = args.write.is_none() || args.print;
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

    let stdout = io::stdout();
    let mut printer = FramePrinter::new(
        BufWriter::with_capacity(1 << 16, stdout.lock()),
        args.json,
        print,
        args.absolute,
    )
    .with_filter(display_filter);
    let deadline = duration.and_then(|d| Instant::now().checked_add(d));
    let mut failure: Option<anyhow::Error> = None;
    let mut last_flush = Instant::now();
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d)
            || args.count.is_some_and(|c| printer.frames() >= c)
        {
            break;
        }
        let idle = match capture.next_timeout(FLUSH_EVERY) {
            Ok(Next::Frame(frame)) => {
                if let Some(w) = writer.as_mut() {
                    if let Err(e) = w.write_frame(&frame) {
                        failure = Some(e.into());
                        break;
                    }
                }
                if let Err(e) = printer.frame(&frame) {
                    if e.kind() != io::ErrorKind::BrokenPipe {
                        failure = Some(anyhow::Error::new(e).context("writing output"));
                    }
                    break;
                }
                false
            }
            Ok(Next::Idle) => true,
            Ok(Next::End) => break,
            Err(e) => {
                failure = Some(e.into());
                break;
            }
        };
        // Output appears promptly on a quiet link and under a steady trickle alike, and the
        // file on disk stays at most FLUSH_EVERY behind.
        if idle || last_flush.elapsed() >= FLUSH_EVERY {
            last_flush = Instant::now();
            if let Err(e) = writer.as_mut().map_or(Ok(()), |w| w.flush()) {
                failure = Some(e.into());
                break;
            }
            if let Err(e) = printer.flush() {
                if e.kind() != io::ErrorKind::BrokenPipe {
                    failure = Some(anyhow::Error::new(e).context("writing output"));
                }
                break;
            }
        }
    }
    capture.stop_handle().stop();
    if let Some(w) = writer.as_mut() {
        if let Err(e) = w.flush() {
            failure.get_or_insert(e.into());
        }
    }
    let _ = printer.flush();
    // Let the capture thread finish so the kernel counters are final.
    let stats = capture.finish();
    let engine = printer.engine_stats();
    note!("{} packets captured", printer.frames());
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
    if let Some(w) = &writer {
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
                files.join(", ")
            );
        }
    }
    match failure {
        None => Ok(ExitCode::SUCCESS),
        Some(e) => {
            note!("synack: {e:#}");
            Ok(ExitCode::from(1))
        }
    }
}
