//! Command-line interface: `synack read`, and the other subcommands as they land.
//!
//! Thin over the library: each subcommand opens a source, runs the pipeline and formats the
//! results. Exit status: 0 on success, 1 when the input was damaged (after printing everything
//! that could be read), 2 on usage errors (clap's convention).

mod capture;
mod flows;
mod format;
mod gen;
mod ifaces;
pub mod parallel;
mod pipeline;
mod read;
mod stream;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use flows::{flow_row, FlowRow};
pub use format::{
    frame_json, frame_json_analyzed, frame_line, frame_line_analyzed, summary, summary_with,
    FrameView,
};
pub use pipeline::{FramePrinter, StickyByFrame};
pub use read::DEMO_CAPTURE;

/// synack: see TCP. Reads pcap/pcapng files and explains every packet.
#[derive(Debug, Parser)]
#[command(name = "synack", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the frames of a capture file, one line (or one JSON object) each.
    ///
    /// Example: `synack read captures/handshake.pcap --json | head`
    Read(read::ReadArgs),
    /// Reassembled TCP streams: messages, and the segments that glued or split them.
    ///
    /// Example: `synack stream capture.pcap --stream 0 --framing auto`
    Stream(stream::StreamArgs),
    /// List the connections of a capture file: state, history, close pattern, counters.
    ///
    /// Example: `synack flows captures/demo.pcap --json`
    Flows(flows::FlowsArgs),
    /// Open the desktop view on a capture file, a live interface, or the built-in demo.
    ///
    /// Example: `synack view captures/demo.pcap`; `synack view --live lo -f 'tcp port 80'`.
    View(crate::ui::ViewArgs),
    /// Run a socket lesson (echo, sticky packets, half-close, loss, ...) and capture it.
    ///
    /// Example: `synack gen sticky --synthetic --write sticky.pcap`; `synack gen --list`.
    Gen(gen::GenArgs),
    /// Capture live on an interface; print like `read`, write pcap like tcpdump -w.
    ///
    /// Example: `synack capture -i eth0 -f 'tcp port 443' -w https.pcap --print`
    Capture(capture::CaptureArgs),
    /// List interfaces: addresses, up/down, loopback, and whether synack may capture there.
    Ifaces(ifaces::IfacesArgs),
}

/// Parses the command line and runs it; returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Read(args)) => read::run(&args),
        Some(Command::Stream(args)) => stream::run(&args),
        Some(Command::Gen(args)) => gen::run(&args),
        Some(Command::Flows(args)) => flows::run(&args),
        Some(Command::Capture(args)) => capture::run(&args),
        Some(Command::Ifaces(args)) => ifaces::run(&args),
        Some(Command::View(args)) => crate::ui::run(&args),
        None => crate::ui::run_demo(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("synack: {e:#}");
            ExitCode::from(1)
        }
    }
}
