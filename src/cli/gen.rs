//! `synack gen SCENARIO`: run a socket lesson and capture what it puts on the wire.

use super::usage::usage_bail;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;

use super::format::{frame_line, FrameView};
use crate::decode::decode;
use crate::gen::{self, GenOptions, Mode, Scenario};

/// Arguments of `synack gen`.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// Scenario to run (see `--list`), e.g. `sticky`, `half-close`, `loss`.
    pub scenario: Option<String>,
    /// List the scenarios with the lesson each one teaches.
    #[arg(long)]
    pub list: bool,
    /// Craft the frames instead of using sockets: no privileges, deterministic with
    /// `--seed`; every scenario has this form (also `close-simultaneous`, `loss`, `reorder`).
    #[arg(long, conflicts_with = "netns")]
    pub synthetic: bool,
    /// Run between two network namespaces joined by a router namespace (Linux, root);
    /// `--loss PCT` drops that share of data segments in the router.
    #[arg(long)]
    pub netns: bool,
    /// Save the capture to FILE (pcap) and the application calls to FILE.calls.json;
    /// `-` writes the pcap to standard output (no calls trace), e.g. `-w - | synack read -`.
    /// `--netns` also saves the capture at the server's side of the router to
    /// FILE.server.pcap (compare the two with `synack pair FILE FILE.server.pcap`).
    /// Without it, the frames are listed on standard output.
    #[arg(short = 'w', long = "write", value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Use IPv6 (::1 live, fd00::/64 synthetic and netns).
    #[arg(long)]
    pub ipv6: bool,
    /// Seed of a synthetic run: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// `flood`: number of connections (at least 1).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    pub connections: u64,
    /// `flood`: number of frames in the capture.
    #[arg(long, default_value_t = 10_000)]
    pub packets: u64,
    /// Loss in percent (0-99): data segments dropped by the router (`--netns`) or lossy
    /// rounds in a synthetic `flood`. Pure ACKs, SYN, FIN and RST are never dropped; at
    /// 100 % no data would ever arrive, so the lesson could not end. A `--netns` run that
    /// cannot end within 30 s stops there and saves what it captured.
    #[arg(long, value_name = "PCT", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(0..=99))]
    pub loss: u32,
    /// Live and `--netns` runs: read the kernel's state of the run's TCP sockets (congestion
    /// window, ssthresh, RTT, ... through NETLINK_SOCK_DIAG) every this many ms and after
    /// every socket call, into the calls trace's `tcp_info`; 0 turns it off.
    /// Example: `synack gen loss --netns --loss 2 --sample-ms 5 --write loss.pcap`.
    #[arg(long, value_name = "MS", default_value_t = 1)]
    pub sample_ms: u64,
    /// `--netns`: the congestion control both hosts use (one of
    /// /proc/sys/net/ipv4/tcp_available_congestion_control). Example: `--cc cubic`.
    #[arg(long = "cc", value_name = "NAME", requires = "netns")]
    pub congestion: Option<String>,
    /// `--netns`: the router forwards data towards the server at most this many Mbit/s
    /// (a token bucket with a 50 ms queue): a bottleneck, so the congestion window, the
    /// queueing delay and the algorithms' differences show. 0: no limit. Example: `--rate 20`.
    #[arg(long, value_name = "MBIT", default_value_t = 0, requires = "netns")]
    pub rate: u32,
    /// `--netns`: drop this share of the data segments reaching the server in its input
    /// chain, after the server-side capture (FILE.server.pcap) saw them: losses that
    /// `synack pair` must prove from the server's ACKs. Example: `--server-loss 3`.
    #[arg(long, value_name = "PCT", default_value_t = 0, requires = "netns",
          value_parser = clap::value_parser!(u32).range(0..=99))]
    pub server_loss: u32,
}

/// Runs `synack gen`.
pub(super) fn run(args: &GenArgs) -> anyhow::Result<ExitCode> {
    if args.list {
        return list();
    }
    let Some(name) = &args.scenario else {
        usage_bail!(
            "which scenario? `synack gen --list` shows them, e.g. `synack gen sticky --synthetic`"
        );
    };
    let sc: Scenario = name.parse().map_err(anyhow::Error::msg)?;
    let opts = GenOptions {
        seed: args.seed,
        ipv6: args.ipv6,
        connections: args.connections,
        packets: args.packets,
        loss_pct: args.loss,
        sample_ms: args.sample_ms,
        congestion: args.congestion.clone(),
        rate_mbit: args.rate,
        server_loss_pct: args.server_loss,
    };
    let mode = if args.synthetic {
        Mode::Synthetic
    } else if args.netns {
        Mode::Netns
    } else {
        Mode::Live
    };
    let netns = mode == Mode::Netns
        || (mode == Mode::Live && !sc.live_capable() && !sc.synthetic_capable());
    if !netns {
        // (Between namespaces the namespaces' own handler says so and cleans up.)
        let synthetic = mode == Mode::Synthetic || !sc.live_capable();
        note_interrupt(
            sc,
            args.write.as_deref().filter(|p| !is_stdout(p)),
            synthetic,
        );
    }
    if mode == Mode::Live && !sc.live_capable() && !sc.synthetic_capable() {
        note!(
            "synack gen: `{sc}` runs only with real kernels between namespaces; running it --netns"
        );
        return finish_or_explain(sc, "netns", gen::live::run_netns(sc, &opts), args);
    }
    if mode == Mode::Live && !sc.live_capable() {
        note!(
            "synack gen: `{sc}` cannot be forced with real sockets on loopback; running it --synthetic{}",
            if sc == Scenario::Loss || sc == Scenario::Reorder {
                " (or try --netns --loss 5 as root)"
            } else {
                ""
            }
        );
        return run_synthetic(sc, &opts, args);
    }
    match mode {
        Mode::Synthetic => run_synthetic(sc, &opts, args),
        Mode::Live => finish_or_explain(sc, "live", gen::live::run(sc, &opts), args),
        Mode::Netns => finish_or_explain(sc, "netns", gen::live::run_netns(sc, &opts), args),
    }
}

/// Makes Ctrl-C (and SIGTERM) say what it leaves behind before exiting 130: a live run
/// saves nothing (it writes at the end), a synthetic one has written part of `write`.
fn note_interrupt(sc: Scenario, write: Option<&std::path::Path>, synthetic: bool) {
    let left = match write {
        Some(path) if synthetic => format!("{} is incomplete", path.display()),
        _ => "nothing was saved".to_owned(),
    };
    // Another handler may exist already (a library caller's): then the default stays.
    let _ = ctrlc::set_handler(move || {
        note!("synack gen: interrupted before `{sc}` ended; {left}");
        std::process::exit(130);
    });
}

/// Saves or lists a run's capture; a lesson that failed midway still has what it captured
/// saved (or listed), then its failure is the error, saying where that capture went.
fn finish_or_explain(
    sc: Scenario,
    mode: &str,
    run: anyhow::Result<gen::live::LiveRun>,
    args: &GenArgs,
) -> anyhow::Result<ExitCode> {
    let unfinished = match run {
        Ok(run) => return finish_run(sc, mode, run, args),
        Err(e) => e.downcast::<gen::live::Unfinished>()?,
    };
    let captured = unfinished.run.frames.as_ref().map_or(0, Vec::len);
    finish_run(sc, mode, *unfinished.run, args)?;
    let saved = match &args.write {
        _ if captured == 0 => "nothing was captured".to_owned(),
        Some(path) if is_stdout(path) => {
            format!("the {captured} frames captured until then went to standard output")
        }
        Some(path) => format!(
            "the {captured} frames captured until then are saved in {}",
            path.display()
        ),
        None => format!("the {captured} frames captured until then are listed above"),
    };
    let timed_out = unfinished.error.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::TimedOut)
    });
    let why = if timed_out && mode == "netns" {
        format!(
            " (the path loses too much for the lesson to end within {} s; a lower --loss finishes)",
            gen::live::NETNS_DEADLINE.as_secs()
        )
    } else {
        String::new()
    };
    anyhow::bail!(
        "`{sc}` ({mode}) did not finish: {:#}{why}; {saved}",
        unfinished.error
    )
}

/// Saves or lists what a live or netns run captured, and writes its calls trace.
fn finish_run(
    sc: Scenario,
    mode: &str,
    run: gen::live::LiveRun,
    args: &GenArgs,
) -> anyhow::Result<ExitCode> {
    if let Some(why) = &run.no_capture {
        note!("synack gen: {why}");
    }
    if run.dropped > 0 {
        note!(
            "synack gen: note: libpcap counted {} packets dropped during the run; if the capture shows \"previous segment not captured\", run again",
            run.dropped
        );
    }
    match (&args.write, &run.frames) {
        (Some(path), frames) if is_stdout(path) => {
            let Some(frames) = frames else {
                anyhow::bail!("nothing captured, so no pcap was written to standard output");
            };
            write_stdout(run.link, frames)?;
            note!(
                "{sc} ({mode}, filter `{}`): {} frames -> standard output (no calls trace with -w -)",
                run.filter,
                frames.len()
            );
        }
        (Some(path), frames) => {
            if let Some(frames) = frames {
                gen::write_frames(path, run.link, frames)?;
            }
            crate::calls::write_beside(&run.trace, path)?;
            let calls = crate::calls::calls_path(path);
            // A netns run's second capture point, the server's veth: `synack pair` reads both.
            let server = match &run.server_frames {
                Some(s) => {
                    let at = gen::server_capture_path(path);
                    gen::write_frames(&at, run.link, s)?;
                    format!(" + {} frames at the server -> {}", s.len(), at.display())
                }
                None => String::new(),
            };
            match frames {
                Some(f) => say!(
                    "{sc} ({mode}, filter `{}`): {} frames -> {} + {}{server}",
                    run.filter,
                    f.len(),
                    path.display(),
                    calls.display()
                ),
                None => anyhow::bail!(
                    "{sc} ({mode}): ran without capture, so {} was not written; {} application \
                     calls -> {}",
                    path.display(),
                    run.trace.calls.len(),
                    calls.display()
                ),
            }
        }
        (None, frames) => {
            print_run(sc, frames.as_deref().unwrap_or(&[]), &run.trace);
        }
    }
    if let Some(d) = &run.drops {
        say!(
            "dropped on purpose: {} packets by the router (between the client's and the server's captures), {} in the server's input chain (after the server's capture)",
            d.router.packets, d.server_input.packets
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn list() -> anyhow::Result<ExitCode> {
    let mut out = BufWriter::new(io::stdout().lock());
    for sc in Scenario::ALL {
        let modes = sc.modes();
        let _ = writeln!(out, "{:<20} {}  [{modes}]", sc.name(), sc.lesson_text());
    }
    let _ = out.flush();
    Ok(ExitCode::SUCCESS)
}

/// True for `-w -`: the pcap goes to standard output.
fn is_stdout(path: &std::path::Path) -> bool {
    path.as_os_str() == "-"
}

/// Writes frames as a pcap file to standard output; a closed pipe ends quietly.
fn write_stdout(
    link: crate::capture::LinkType,
    frames: &[crate::capture::OwnedFrame],
) -> anyhow::Result<()> {
    match gen::write_frames_to(BufWriter::new(io::stdout().lock()), link, frames) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(e).context("writing the pcap to standard output")
        }
        _ => Ok(()),
    }
}

fn run_synthetic(sc: Scenario, opts: &GenOptions, args: &GenArgs) -> anyhow::Result<ExitCode> {
    if args.write.as_deref().is_some_and(is_stdout) {
        let format = crate::capture::writer::PcapFormat {
            link: crate::capture::LinkType::Ethernet,
            snaplen: 262_144,
            nanos: true,
        };
        let stdout = io::stdout();
        let mut writer =
            crate::capture::writer::PcapWriter::new(BufWriter::new(stdout.lock()), format);
        let written = gen::synthesize(sc, opts, &mut writer).and_then(|(n, _)| {
            writer.flush()?;
            Ok(n)
        });
        let frames = match written {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
            Err(e) => return Err(e).context("writing the pcap to standard output"),
        };
        note!(
            "{sc} (synthetic, seed {}): {frames} frames -> standard output (no calls trace with -w -)",
            opts.seed
        );
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = &args.write {
        let t = Instant::now();
        let frames = gen::synthesize_to_file(sc, opts, path)
            .with_context(|| format!("writing {}", path.display()))?;
        let calls = if sc == Scenario::Flood {
            String::new()
        } else {
            format!(" + {}", crate::calls::calls_path(path).display())
        };
        say!(
            "{sc} (synthetic, seed {}): {frames} frames -> {}{calls} in {:.2} s",
            opts.seed,
            path.display(),
            t.elapsed().as_secs_f64()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if sc == Scenario::Flood && opts.packets > 100_000 {
        usage_bail!("flood with more than 100000 packets needs --write FILE");
    }
    let (frames, trace) = gen::synthesize_frames(sc, opts);
    print_run(sc, &frames, &trace);
    Ok(ExitCode::SUCCESS)
}

/// Lists frames then the application calls, on one clock.
fn print_run(sc: Scenario, frames: &[crate::capture::OwnedFrame], trace: &crate::calls::CallTrace) {
    let mut out = BufWriter::new(io::stdout().lock());
    let t0 = frames.first().and_then(|f| f.ts).or_else(|| {
        trace
            .calls
            .first()
            .map(|c| crate::capture::Timestamp(c.t_ns))
    });
    say!("{sc}: {}", sc.lesson());
    for f in frames {
        let frame = f.as_frame();
        let packet = decode(&frame);
        let view = FrameView {
            frame: &frame,
            packet: &packet,
        };
        if writeln!(out, "{}", frame_line(&view, t0)).is_err() {
            return;
        }
    }
    if !trace.calls.is_empty() {
        let _ = writeln!(out, "-- application calls --");
        for c in &trace.calls {
            let rel = t0.map_or(0.0, |t| (c.t_ns - t.as_nanos()) as f64 / 1e9);
            // A readiness call's ready descriptors (epoll_wait: fd 5 in, fd 6 in).
            let ready: Vec<String> = c
                .traced
                .iter()
                .filter(|_| c.call.is_readiness())
                .flat_map(|t| &t.ready)
                .map(|r| format!("fd {} {}", r.fd, r.events))
                .collect();
            let _ = writeln!(
                out,
                "{rel:.6} {:<14} {:<10} {:>6} B {}{}{}",
                c.actor,
                c.call.name(),
                c.bytes,
                if c.result == "ok" { "" } else { &c.result },
                c.note
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default(),
                if ready.is_empty() {
                    String::new()
                } else {
                    format!(" ready: {}", ready.join(", "))
                }
            );
        }
    }
    let _ = out.flush();
}
