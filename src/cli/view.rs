//! `synack view`: the command line of the desktop view. Parses the arguments into the
//! window's start-up options ([`crate::ui::ViewOptions`]); the window itself lives in `ui`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::ui::{StartSource, Tab, ViewOptions};

/// Arguments of `synack view`.
#[derive(Debug, Args)]
pub struct ViewArgs {
    /// Capture file to open (pcap or pcapng); several files or directories of them open as
    /// one capture merged in time order. Without it (and without --live) the built-in demo
    /// opens. Example: `synack view captures/demo.pcap`; `synack view captures/ring/`.
    #[arg(value_name = "FILE")]
    pub file: Vec<PathBuf>,
    /// Capture live on this interface instead (see `synack ifaces`).
    /// Example: `synack view --live lo -f 'tcp port 8080'`.
    #[arg(long, value_name = "IFACE", conflicts_with = "file")]
    pub live: Option<String>,
    /// Open on the generator panel running this scenario (see `synack gen --list`): live
    /// on loopback when capture is permitted, otherwise synthetic.
    /// Example: `synack view --gen close-client-first --synthetic`.
    #[arg(long = "gen", value_name = "SCENARIO", conflicts_with_all = ["file", "live"])]
    pub gen: Option<String>,
    /// With --gen: run the scenario synthetic (crafted frames) even when live is possible.
    #[arg(long, requires = "gen")]
    pub synthetic: bool,
    /// BPF capture filter for --live, e.g. `-f 'tcp port 443'`.
    #[arg(short = 'f', long = "bpf", value_name = "BPF", requires = "live")]
    pub bpf: Option<String>,
    /// Display filter to apply at start (Wireshark's `-Y`), e.g. `-Y 'tcp.analysis.flags'`.
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub display_filter: Option<String>,
    /// Select this frame number once it is loaded (Wireshark's `-g`), e.g. `-g 42`.
    #[arg(short = 'g', long = "goto", value_name = "FRAME")]
    pub goto: Option<u64>,
    /// Open on this tab, e.g. `--tab ladder -g 3` shows the ladder of frame 3's connection,
    /// `--tab graphs -g 17` its time-sequence graph, `--tab stream -g 4` its byte-stream
    /// ribbon.
    #[arg(long, value_enum, value_name = "TAB")]
    pub tab: Option<TabArg>,
    /// Start a replay with the cursor on the --goto frame (stepping through its connection),
    /// e.g. `synack view FILE --tab ladder -g 8 --replay`.
    #[arg(long, requires = "goto")]
    pub replay: bool,
    /// Start the guided tour (on the built-in demo when no file is given).
    #[arg(long)]
    pub tour: bool,
    /// A second capture of the same traffic, taken at another point of its path (the
    /// server's side, or the far side of a firewall): opens the Two points tab, where the
    /// two are paired as `synack pair FILE SECOND` pairs them.
    /// Example: `synack view loss.pcap --second loss.pcap.server.pcap`.
    #[arg(long, value_name = "SECOND", requires = "file")]
    pub second: Option<PathBuf>,
    /// Benchmark: after loading, scroll through the packet list for N frames, print the
    /// load time and frame times (p50/p99) to stderr, and quit.
    #[arg(long, value_name = "N")]
    pub bench_frames: Option<u32>,
}

/// A tab on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TabArg {
    /// Packet list, details and bytes.
    Packets,
    /// Connection table.
    Connections,
    /// Ladder diagram of a connection.
    Ladder,
    /// Live capture panel.
    Live,
    /// Time-sequence, throughput and RTT graphs.
    Graphs,
    /// Byte-stream ribbon (sticky packets).
    Stream,
    /// Traffic generator panel.
    Generator,
    /// Flow graph of the whole capture (every host, every frame).
    Flows,
    /// Two capture points paired (with --second).
    Pair,
}

impl TabArg {
    /// The window's tab.
    fn tab(self) -> Tab {
        match self {
            TabArg::Packets => Tab::Packets,
            TabArg::Connections => Tab::Connections,
            TabArg::Ladder => Tab::Ladder,
            TabArg::Live => Tab::Live,
            TabArg::Graphs => Tab::Graphs,
            TabArg::Stream => Tab::Stream,
            TabArg::Generator => Tab::Generator,
            TabArg::Flows => Tab::Flows,
            TabArg::Pair => Tab::Pair,
        }
    }
}

/// Runs `synack view`.
pub(super) fn run(args: &ViewArgs) -> anyhow::Result<ExitCode> {
    let source = match (args.file.as_slice(), &args.live, &args.gen) {
        ([f], _, _) if !f.is_dir() => StartSource::File(f.clone()),
        ([_, ..], _, _) => StartSource::Files(args.file.clone()),
        ([], Some(i), _) => StartSource::Live {
            interface: i.clone(),
            bpf: args.bpf.clone().unwrap_or_default(),
        },
        ([], None, Some(name)) => StartSource::Generator {
            scenario: name.parse().map_err(anyhow::Error::msg)?,
            synthetic: args.synthetic,
        },
        ([], None, None) => StartSource::Demo,
    };
    crate::ui::run(ViewOptions {
        source,
        bench_frames: args.bench_frames,
        display_filter: args.display_filter.clone(),
        goto: args.goto,
        recent_files: true,
        tab: args.tab.map(TabArg::tab),
        replay: args.replay,
        tour: args.tour,
        lang: None,
        second: args.second.clone(),
    })
}
