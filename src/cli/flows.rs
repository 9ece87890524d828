//! `synack flows FILE`: one row per connection (Zeek conn.log meets Wireshark's
//! Conversations), as an aligned table or JSON Lines.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use super::input::InputArgs;
use anyhow::Context as _;
use clap::Args;
use serde::Serialize;

use super::summary::Summary;
use super::table::TableArgs;
use crate::analysis::{endpoint_string, Cause, Connection, Direction, Flag, LimitedBy};
use crate::capture::capture_files;
use crate::pipeline::default_threads;
use crate::pipeline::{
    analyse_flows_each, analyse_flows_with_calls, spanning_connections, FlowsRun, MessageCounts,
    MessageTable,
};

/// Arguments of `synack flows`.
#[derive(Debug, Args)]
pub struct FlowsArgs {
    /// The capture: one or more files, directories of them, or `-`.
    #[command(flatten)]
    pub input: InputArgs,
    /// Print JSON Lines: one object per connection.
    #[arg(long)]
    pub json: bool,
    /// The generator's calls trace: its send() calls give the messages of streams no
    /// framing explains (default: FILE.calls.json beside the capture, when it exists).
    #[arg(long, value_name = "CALLS.json")]
    pub calls: Option<std::path::PathBuf>,
    /// Threads: 1 runs everything on one thread; 2 or more reads, decodes and analyses on
    /// one thread while another reassembles and frames the streams (same output). Default: 2
    /// on a machine with two or more cores.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Analyse several files N at a time, each on its own, instead of merging them in time
    /// order: for separate captures (a directory of them), not for a ring buffer's files. A
    /// connection that runs from one file into another is then one row per file (a warning
    /// names it); stream and frame numbers continue from file to file.
    /// Example: `synack flows -j 2 captures/ --json`
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<usize>,
    /// The table as columns (Parquet, CSV, JSON Lines) for Spark, DuckDB and pandas.
    #[command(flatten)]
    pub(super) table: TableArgs,
}

/// One connection as printed (JSON form; the table shows the same fields).
#[derive(Debug, Serialize)]
pub struct FlowRow {
    /// Stream number (tshark's `tcp.stream` / `udp.stream`).
    pub stream: u32,
    /// `tcp` or `udp`.
    pub proto: &'static str,
    /// VLAN ids, outermost first.
    pub vlan: Vec<u16>,
    /// Originator `addr:port`.
    pub originator: String,
    /// Responder `addr:port`.
    pub responder: String,
    /// Zeek `conn_state`.
    pub state: &'static str,
    /// Zeek history.
    pub history: String,
    /// Close pattern (TCP only).
    pub close: Option<&'static str>,
    /// Packets originator → responder.
    pub pkts_c2s: u64,
    /// Packets responder → originator.
    pub pkts_s2c: u64,
    /// Payload bytes originator → responder.
    pub bytes_c2s: u64,
    /// Payload bytes responder → originator.
    pub bytes_s2c: u64,
    /// First to last packet, seconds.
    pub duration: f64,
    /// Handshake RTT in ms, when the handshake was seen.
    pub handshake_rtt_ms: Option<f64>,
    /// Initial sequence numbers (originator, responder), when the SYNs were seen.
    pub isn: [Option<u32>; 2],
    /// MSS announced by (originator, responder).
    pub mss: [Option<u16>; 2],
    /// Window scale shift in force for (originator's, responder's) windows.
    pub wscale: [Option<u8>; 2],
    /// Both sides permitted SACK.
    pub sack_permitted: bool,
    /// Both sides sent TCP timestamps.
    pub timestamps: bool,
    /// Final states of (originator, responder), RFC 793 names.
    pub final_states: Option<[&'static str; 2]>,
    /// Count of each analysis flag (all flags, zeros included).
    pub flags: serde_json::Map<String, serde_json::Value>,
    /// Messages and sticky-packet counts (TCP, after reassembly and framing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<MessageCounts>,
    /// What held each sender back (TCP directions that sent data).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub limited_by: Vec<LimitRow>,
}

/// What held one sender back, in `synack flows`.
#[derive(Debug, Clone, Serialize)]
pub struct LimitRow {
    /// `c2s` (the originator sending) or `s2c`.
    pub sender: &'static str,
    /// `wire` (inferred from the packets) or `kernel` (the sender's `tcp_info` readings).
    pub source: &'static str,
    /// The cause that took the most time.
    pub main: Option<&'static str>,
    /// Seconds per cause (every cause, zeros included).
    pub seconds: serde_json::Map<String, serde_json::Value>,
}

impl LimitRow {
    /// The row of one sender's totals.
    pub fn new(dir: Direction, source: &'static str, l: &LimitedBy) -> LimitRow {
        let mut seconds = serde_json::Map::new();
        for c in Cause::ALL {
            // Microsecond resolution is what a reader can use; it keeps the JSON short.
            let s = (l.seconds(c) * 1e6).round() / 1e6;
            seconds.insert(c.name().to_string(), s.into());
        }
        LimitRow {
            sender: dir.short(),
            source,
            main: l.main().map(Cause::name),
            seconds,
        }
    }

    /// `cwnd 0.412s` for the table.
    fn cell(&self) -> String {
        match self.main {
            Some(m) => {
                let cause = Cause::ALL.into_iter().find(|c| c.name() == m);
                let secs = self.seconds.get(m).and_then(|v| v.as_f64()).unwrap_or(0.0);
                format!("{} {secs:.3}s", cause.map_or(m, Cause::short))
            }
            None => "-".into(),
        }
    }
}

/// Each sender's verdict: the kernel's where its readings of the sender's socket are in
/// `tcp_info` (the calls trace beside the capture), else the wire's.
pub(super) fn limits(c: &Connection, tcp_info: &[crate::calls::TcpInfoSample]) -> Vec<LimitRow> {
    crate::kernel::limits::sender_verdicts(c, tcp_info)
        .into_iter()
        .map(|(d, source, l)| LimitRow::new(d, source, &l))
        .collect()
}

/// The wire's verdict for each direction of `c` that sent data.
pub(super) fn wire_limits(c: &Connection) -> Vec<LimitRow> {
    limits(c, &[])
}

/// Builds the printed row of one connection.
pub fn flow_row(c: &Connection) -> FlowRow {
    let mut flags = serde_json::Map::new();
    for f in Flag::ALL {
        flags.insert(f.name().to_string(), c.flag_count(f).into());
    }
    let neg = c.tcp.as_ref().map(|t| t.negotiated()).unwrap_or_default();
    FlowRow {
        stream: c.stream,
        proto: c.proto.name(),
        vlan: c.vlan.as_slice().to_vec(),
        originator: endpoint_string(c.originator),
        responder: endpoint_string(c.responder),
        state: c.zeek_state(),
        history: c.history(),
        close: c.close_pattern().map(|p| p.name()),
        pkts_c2s: c.packets[0],
        pkts_s2c: c.packets[1],
        bytes_c2s: c.bytes[0],
        bytes_s2c: c.bytes[1],
        duration: c.duration_ns() as f64 / 1e9,
        handshake_rtt_ms: c.handshake_rtt_ms(),
        isn: c.isns(),
        mss: neg.mss,
        wscale: neg.window_scale,
        sack_permitted: neg.sack_permitted,
        timestamps: neg.timestamps,
        final_states: c.states().map(|s| [s[0].name(), s[1].name()]),
        flags,
        messages: None,
        limited_by: wire_limits(c),
    }
}

/// Short column headers for the flag counts in the table.
fn flag_header(f: Flag) -> &'static str {
    match f {
        Flag::Retransmission => "retrans",
        Flag::FastRetransmission => "fast_rt",
        Flag::SpuriousRetransmission => "spur_rt",
        Flag::OutOfOrder => "ooo",
        Flag::LostSegment => "lost",
        Flag::DuplicateAck => "dup_ack",
        Flag::AckLostSegment => "ack_lost",
        Flag::ZeroWindow => "zero_win",
        Flag::ZeroWindowProbe => "zwp",
        Flag::ZeroWindowProbeAck => "zwp_ack",
        Flag::WindowFull => "win_full",
        Flag::WindowUpdate => "win_upd",
        Flag::KeepAlive => "ka",
        Flag::KeepAliveAck => "ka_ack",
        Flag::ReusedPorts => "reused",
    }
}

/// Renders connections as an aligned table. Flag columns appear for every flag seen at
/// least once (all flags would make every row too wide to read).
pub(super) fn table(
    conns: &[Connection],
    messages: &MessageTable,
    tcp_info: &[crate::calls::TcpInfoSample],
) -> String {
    let flag_cols: Vec<Flag> = Flag::ALL
        .into_iter()
        .filter(|f| conns.iter().any(|c| c.flag_count(*f) > 0))
        .collect();
    let mut header: Vec<String> = [
        "stream",
        "proto",
        "originator",
        "responder",
        "state",
        "history",
        "close",
        "pkts_c2s",
        "pkts_s2c",
        "bytes_c2s",
        "bytes_s2c",
        "duration",
        "rtt_ms",
        "framing",
        "msgs",
        "coalesced",
        "split",
        "limited_by",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(flag_cols.iter().map(|f| flag_header(*f).to_string()));
    let mut rows = vec![header];
    for c in conns {
        let mut r = flow_row(c);
        r.limited_by = limits(c, tcp_info);
        let mut row = vec![
            r.stream.to_string(),
            if r.vlan.is_empty() {
                r.proto.to_string()
            } else {
                format!(
                    "{}/vlan{}",
                    r.proto,
                    r.vlan
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(".")
                )
            },
            r.originator,
            r.responder,
            r.state.to_string(),
            if r.history.is_empty() {
                "-".into()
            } else {
                r.history
            },
            r.close.unwrap_or("-").to_string(),
            r.pkts_c2s.to_string(),
            r.pkts_s2c.to_string(),
            r.bytes_c2s.to_string(),
            r.bytes_s2c.to_string(),
            format!("{:.6}", r.duration),
            r.handshake_rtt_ms
                .map_or("-".to_string(), |v| format!("{v:.3}")),
        ];
        // Sticky-packet counts as c2s/s2c.
        let m = messages.get(&c.stream).filter(|_| c.tcp.is_some());
        let pair = |v: [usize; 2]| format!("{}/{}", v[0], v[1]);
        row.push(m.map_or("-".into(), |m| m.framing.clone()));
        row.push(m.map_or("-".into(), |m| pair(m.messages)));
        row.push(m.map_or("-".into(), |m| pair(m.coalesced_segments)));
        row.push(m.map_or("-".into(), |m| pair(m.split_messages)));
        // The main cause of the direction that sent the most.
        let main = r.limited_by.iter().max_by_key(|l| {
            if l.sender == "c2s" {
                r.bytes_c2s
            } else {
                r.bytes_s2c
            }
        });
        row.push(main.map_or("-".into(), LimitRow::cell));
        row.extend(flag_cols.iter().map(|f| c.flag_count(*f).to_string()));
        rows.push(row);
    }
    let ncol = rows[0].len();
    let widths: Vec<usize> = (0..ncol)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    // Numbers right-aligned, text left-aligned.
    let numeric = |i: usize| i == 0 || (i >= 7 && i != 13 && i != 17);
    let mut out = String::new();
    for r in &rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = widths[i] - cell.chars().count();
            if numeric(i) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if i + 1 < ncol {
                    line.push_str(&" ".repeat(pad));
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `-j N`: every file analysed on its own, N at a time, the runs joined in file order; a
/// warning for each connection the files cut in two.
fn each_file(input: &InputArgs, jobs: usize, threads: usize) -> anyhow::Result<FlowsRun> {
    let files = capture_files(&input.files)?;
    let runs = analyse_flows_each(&files, jobs, threads)
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let split = spanning_connections(&runs.iter().collect::<Vec<_>>());
    for (i, c) in &split {
        note!(
            "synack: warning: {} {} - {} runs on from {} into a later file; with -j each \
             file's part is its own row (run without -j to merge the files in time order)",
            c.proto.name(),
            endpoint_string(c.originator),
            endpoint_string(c.responder),
            files[*i].display(),
        );
    }
    let mut runs = runs.into_iter();
    let mut all = runs
        .next()
        .expect("capture_files returns at least one file");
    for run in runs {
        all.append(run);
    }
    Ok(all)
}

/// Runs `synack flows`.
pub(super) fn run(args: &FlowsArgs) -> anyhow::Result<ExitCode> {
    let target = args.table.target()?;
    let threads = args.threads.unwrap_or_else(default_threads);
    // The calls trace frames the streams no framing explains, and gives the kernel's
    // readings when it has them.
    let trace = super::input::calls_trace(&args.input, args.calls.as_deref())?.map(|(_, t)| t);
    let run = match args.jobs {
        Some(jobs) => each_file(&args.input, jobs.max(1), args.threads.unwrap_or(1))?,
        None => analyse_flows_with_calls(args.input.open()?, threads, trace.clone()),
    };
    let (conns, messages) = (&run.connections, &run.messages);
    let tcp_info = trace.as_ref().map_or(&[][..], |t| t.tcp_info.as_slice());
    let summary = Summary::new(&args.input.name(), run.frames, run.stats)
        .with_follow_counts(run.follow)
        .with_damage(run.error.as_ref());
    if let Some(target) = &target {
        let conns: Vec<&Connection> = conns.iter().collect();
        let batch = crate::columnar::flows_batch(&conns, messages, tcp_info);
        super::table::write(&batch, target, "ts")?;
        return Ok(summary.report(false));
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = if args.json {
        conns.iter().try_for_each(|c| {
            let mut row = flow_row(c);
            row.limited_by = limits(c, tcp_info);
            if c.tcp.is_some() {
                row.messages = messages.get(&c.stream).cloned();
            }
            serde_json::to_writer(&mut out, &row)
                .map_err(io::Error::from)
                .and_then(|_| out.write_all(b"\n"))
        })
    } else {
        out.write_all(table(conns, messages, tcp_info).as_bytes())
    };
    match written.and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        r => r.context("writing output")?,
    }
    Ok(summary.report(args.json))
}
