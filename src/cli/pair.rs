//! `synack pair A B`: two captures of the same traffic taken at two points of its path; per
//! segment its one-way delay and where it was lost, per connection the clock offset, delay
//! percentiles per direction and loss counts per place (see [`crate::pair`]).

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use serde::Serialize;

use super::input::InputArgs;
use super::summary::Summary;
use super::usage::usage_bail;
use crate::analysis::{endpoint_string, Direction};
use crate::pair::{
    pair, ClockBasis, ClockEstimate, ConnSide, DelayStats, DirSummary, Fate, PairOptions,
    PairReport, PairedConnection, ReadEnd, SegmentRow, TapCapture, TapId, TapLimits,
};

/// Arguments of `synack pair`.
#[derive(Debug, Args)]
pub struct PairArgs {
    /// The two captures: A, taken at the first point (e.g. on the client), then B, taken at
    /// the second (e.g. on the server). Each is read as every subcommand reads a capture:
    /// pcap or pcapng, gzip-compressed or not, a directory of ring files as one capture, `-`
    /// (or /dev/stdin, a pipe, a FIFO) for standard input, each in one pass.
    #[arg(value_name = "FILE", required_unless_present = "read_file", num_args = 0..=2)]
    pub files: Vec<PathBuf>,
    /// A capture file, as tshark -r and tcpdump -r take it: read first, before any FILE.
    #[arg(short = 'r', long = "read-file", value_name = "FILE")]
    pub read_file: Option<PathBuf>,
    /// No name resolution: accepted for tcpdump's and tshark's -n; synack never resolves
    /// addresses or ports to names.
    #[arg(short = 'n')]
    pub no_resolve: bool,
    /// JSON Lines: a `{"clock": ...}` object, then per connection one object per segment
    /// (`stream`, `stream_b`, `frame_a`, `frame_b`, `dir`, `time`, `seq`, `ack`, `len`,
    /// `flags`, `one_way_ms`, `fate`) and a `{"connection": ...}` summary (offset, one-way
    /// delay percentiles and fates per direction, losses per place), then `{"only_in": ...}`
    /// for connections one capture missed.
    #[arg(long)]
    pub json: bool,
    /// Only this connection (A's `tcp.stream` number).
    #[arg(long, value_name = "N")]
    pub stream: Option<u32>,
    /// Only the per-connection summaries, no segment rows.
    #[arg(long)]
    pub summary: bool,
    /// Only segments that were not simply delivered (losses, duplicates, reordering, gaps in
    /// either capture).
    #[arg(long)]
    pub problems: bool,
    /// The clock offset in ms (B's clock minus A's) when it is known, instead of estimating
    /// it: `--offset 0` for two captures taken on one host.
    /// Example: `synack pair client.pcap server.pcap --offset 0`
    #[arg(long, value_name = "MS", allow_negative_numbers = true)]
    pub offset: Option<f64>,
    /// Segments kept per capture (about 150 bytes each); later ones are not paired and
    /// are counted on stderr.
    #[arg(long, value_name = "N", default_value_t = TapLimits::default().max_segments)]
    pub max_segments: usize,
    /// Also draw the ladder of one connection (`--stream N`, or the one with the most
    /// losses) with both capture points as dashed rails into FILE (SVG), as the window's
    /// Two points tab draws it. Example: `synack pair a.pcap b.pcap --svg ladder.svg`.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

impl PairArgs {
    /// A and B as typed (`-r FILE` first, then the FILE words): exactly two, at most one of
    /// them standard input.
    fn captures(&self) -> anyhow::Result<[PathBuf; 2]> {
        let paths = InputArgs {
            files: self.files.clone(),
            read_file: self.read_file.clone(),
            no_resolve: self.no_resolve,
        }
        .paths();
        let Ok([a, b]) = <[PathBuf; 2]>::try_from(paths) else {
            usage_bail!("synack pair compares two captures: give A and B (synack pair A B)");
        };
        if is_stdin(&a) && is_stdin(&b) {
            usage_bail!("standard input can be only one of the two captures");
        }
        Ok([a, b])
    }
}

/// Whether `path` names standard input (`-`, /dev/stdin, /proc/self/fd/0).
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
        || [
            Path::new("/dev/stdin"),
            Path::new("/proc/self/fd/0"),
            Path::new("/dev/fd/0"),
        ]
        .contains(&path)
}

/// Reads one capture point's capture, opened as every subcommand opens its input.
fn read_tap(path: &Path, limits: TapLimits) -> anyhow::Result<(TapCapture, ReadEnd)> {
    let input = InputArgs::path_of(path).open()?;
    Ok(TapCapture::read_input(
        path.display().to_string(),
        input,
        limits,
    ))
}

/// Runs `synack pair`.
pub(super) fn run(args: &PairArgs) -> anyhow::Result<ExitCode> {
    let limits = TapLimits {
        max_segments: args.max_segments,
    };
    let [path_a, path_b] = args.captures()?;
    // The two captures are independent: read them side by side.
    let (a, b) = std::thread::scope(|s| {
        let b = s.spawn(|| read_tap(&path_b, limits));
        let a = read_tap(&path_a, limits);
        (a, b.join())
    });
    let (a, a_end) = a?;
    let (b, b_end) = b.map_err(|_| anyhow::anyhow!("reading {} failed", path_b.display()))??;
    let offset_ns = args.offset.map(|ms| (ms * 1e6).round() as i64);
    let report = pair(&a, &b, &PairOptions { offset_ns });
    if let Some(n) = args.stream {
        if a.conn_by_stream(n).is_none() {
            note!(
                "synack: {} has no TCP stream {n} (streams 0 to {})",
                path_a.display(),
                a.conns.len().saturating_sub(1)
            );
            return Ok(ExitCode::from(2));
        }
    }
    if let Some(path) = &args.svg {
        write_svg(&report, args.stream, path)?;
    }
    let view = View {
        args,
        t0: a.span.map_or(0, |s| s.0),
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = if args.json {
        view.json(&report, &mut out)
    } else {
        out.write_all(view.text(&report).as_bytes())
    };
    match written.and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        r => r.context("writing output")?,
    }
    for tap in [&a, &b] {
        if tap.segments_not_kept > 0 {
            note!(
                "synack: {}: {} TCP segments past the first {} were not paired (--max-segments)",
                tap.name,
                tap.segments_not_kept,
                args.max_segments
            );
        }
    }
    let report_end = |path: &Path, tap: &TapCapture, end: ReadEnd| {
        Summary::new(path, tap.frames, end.stats)
            .with_damage(end.error.as_ref())
            .report(args.json)
    };
    let codes = [
        report_end(&path_a, &a, a_end),
        report_end(&path_b, &b, b_end),
    ];
    Ok(if codes.iter().all(|c| *c == ExitCode::SUCCESS) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_DAMAGED)
    })
}

/// Width of the SVG ladder (points).
const SVG_WIDTH: f32 = 1200.0;

/// Draws the two-tap ladder of stream `stream` (A's number), or of the connection with the
/// most losses, into `path`.
fn write_svg(report: &PairReport, stream: Option<u32>, path: &Path) -> anyhow::Result<()> {
    let chosen = match stream {
        Some(n) => report.connections.iter().find(|c| c.a.stream == n),
        None => report.most_lost().map(|i| &report.connections[i]),
    };
    let Some(conn) = chosen else {
        anyhow::bail!(
            "no connection seen at both points to draw in {}",
            path.display()
        );
    };
    let geo =
        crate::pair::ladder::TwoTapGeometry::new(conn, report.clock.offset_ns, SVG_WIDTH, 1.0);
    crate::pair::ladder::paint::svg(&geo, conn, SVG_WIDTH).save(path)
}

/// A connection one capture missed.
#[derive(Serialize)]
struct OnlyJson {
    only_in: &'static str,
    stream: u32,
    client: String,
    server: String,
}

/// Milliseconds from nanoseconds, rounded to the nanosecond.
fn ms(ns: i64) -> f64 {
    ns as f64 / 1e6
}

/// The capture point's name with a direction: "A -> B".
fn travel(up: TapId) -> String {
    format!("{} -> {}", up.name(), up.other().name())
}

/// Where losses happen, in the order a segment travels: (label, fate).
fn loss_places(up: TapId) -> [(String, Fate); 3] {
    let (u, d) = (up.name(), up.other().name());
    [
        (format!("before {u}"), Fate::LostBefore),
        ("between A and B".to_string(), Fate::LostBetween),
        (format!("after {d}"), Fate::LostAfter),
    ]
}

/// What to print, and the first frame's time for relative times.
struct View<'a> {
    args: &'a PairArgs,
    t0: i64,
}

impl View<'_> {
    fn wanted(&self, c: &PairedConnection) -> bool {
        self.args.stream.is_none_or(|n| n == c.a.stream)
    }

    fn rows<'c>(&self, c: &'c PairedConnection) -> impl Iterator<Item = &'c SegmentRow> + use<'c> {
        let problems = self.args.problems;
        c.rows
            .iter()
            .filter(move |r| !problems || r.fate != Fate::Delivered)
    }

    fn text(&self, r: &PairReport) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "clock: {}", clock_text(&r.clock));
        for c in r.connections.iter().filter(|c| self.wanted(c)) {
            out.push('\n');
            let _ = writeln!(out, "{}", conn_header(c));
            if !self.args.summary {
                out.push_str(&self.rows_table(c));
            }
            for (dir, sum) in [Direction::ClientToServer, Direction::ServerToClient]
                .into_iter()
                .zip(&c.dirs)
            {
                let _ = writeln!(out, "  {}", dir_text(dir, sum));
            }
        }
        if self.args.stream.is_none() {
            for (name, list) in [("A", &r.only_a), ("B", &r.only_b)] {
                for s in list {
                    let _ = writeln!(
                        out,
                        "\nonly in {name}: stream {}  {} -> {}",
                        s.stream,
                        endpoint_string(s.client),
                        endpoint_string(s.server)
                    );
                }
            }
        }
        out
    }

    fn rows_table(&self, c: &PairedConnection) -> String {
        let mut rows = vec![[
            "time",
            "dir",
            "frame_a",
            "frame_b",
            "seq",
            "ack",
            "len",
            "flags",
            "one_way_ms",
            "fate",
        ]
        .map(String::from)
        .to_vec()];
        let frame = |f: Option<u64>, more: &[u64]| match f {
            None => "-".to_string(),
            Some(n) if more.is_empty() => n.to_string(),
            Some(n) => format!(
                "{n}+{}",
                more.iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join("+")
            ),
        };
        for r in self.rows(c) {
            rows.push(vec![
                format!("{:.6}", (r.time - self.t0) as f64 / 1e9),
                r.dir.short().to_string(),
                frame(r.frame_a, &r.more_frames_a),
                frame(r.frame_b, &r.more_frames_b),
                r.seq.to_string(),
                r.ack.to_string(),
                r.len.to_string(),
                if r.frame_a.is_none() && r.frame_b.is_none() {
                    "-".to_string()
                } else {
                    r.flags.tcpdump()
                },
                r.one_way_ns
                    .map_or("-".to_string(), |ns| format!("{:.3}", ms(ns))),
                r.fate_label(),
            ]);
        }
        let widths: Vec<usize> = (0..rows[0].len())
            .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for r in &rows {
            out.push(' ');
            for (i, cell) in r.iter().enumerate() {
                let pad = " ".repeat(widths[i] - cell.chars().count());
                // Text columns (dir, flags, fate) left-aligned, numbers right-aligned.
                if matches!(i, 1 | 7 | 9) {
                    let _ = write!(
                        out,
                        " {cell}{}",
                        if i + 1 < r.len() { pad.as_str() } else { "" }
                    );
                } else {
                    let _ = write!(out, " {pad}{cell}");
                }
            }
            out.push('\n');
        }
        out
    }

    fn json(&self, r: &PairReport, out: &mut impl Write) -> io::Result<()> {
        fn line(out: &mut impl Write, v: impl Serialize) -> io::Result<()> {
            serde_json::to_writer(&mut *out, &v).map_err(io::Error::from)?;
            out.write_all(b"\n")
        }
        line(
            out,
            ClockLine {
                clock: clock_json(&r.clock),
            },
        )?;
        for c in r.connections.iter().filter(|c| self.wanted(c)) {
            if !self.args.summary {
                for row in self.rows(c) {
                    line(out, row_json(c, row))?;
                }
            }
            line(
                out,
                ConnLine {
                    connection: conn_json(c, &r.clock),
                },
            )?;
        }
        if self.args.stream.is_none() {
            for (name, list) in [("A", &r.only_a), ("B", &r.only_b)] {
                for s in list {
                    line(
                        out,
                        OnlyJson {
                            only_in: name,
                            stream: s.stream,
                            client: endpoint_string(s.client),
                            server: endpoint_string(s.server),
                        },
                    )?;
                }
            }
        }
        Ok(())
    }
}

fn clock_text(c: &ClockEstimate) -> String {
    let ahead = if c.offset_ns >= 0 {
        "ahead of"
    } else {
        "behind"
    };
    let mut s = format!("B's clock is {:.3} ms {ahead} A's", ms(c.offset_ns.abs()));
    match c.basis {
        ClockBasis::Measured => {
            let _ = write!(
                s,
                " (measured from {} segments A -> B and {} B -> A: the fastest took {:.3} ms each way, \
                 assuming the fastest trip takes as long both ways)",
                c.pairs[0],
                c.pairs[1],
                c.min_one_way_ns[0].map_or(0.0, ms)
            );
        }
        ClockBasis::Given => s.push_str(" (given with --offset)"),
        ClockBasis::Assumed => s.push_str(
            " (assumed: no segment was seen at both points in both directions; give --offset if the clocks differ)",
        ),
    }
    if let (Some(d), Some(span)) = (c.drift_ns, c.drift_span_ns) {
        if d.abs() >= 100_000 {
            let _ = write!(
                s,
                "\nwarning: the offset moved by {:.3} ms over {:.1} s: the clocks drift, one-way delays are off by up to that much",
                ms(d),
                span as f64 / 1e9
            );
        }
    }
    s
}

/// `{"clock": ...}`.
#[derive(Serialize)]
struct ClockLine {
    clock: ClockJson,
}

/// `{"connection": ...}`.
#[derive(Serialize)]
struct ConnLine {
    connection: ConnJson,
}

/// Counts by name, in the order given (a JSON object whose keys keep their order).
struct Counts(Vec<(String, usize)>);

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = ser.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The clock estimate.
#[derive(Serialize)]
struct ClockJson {
    offset_ms: f64,
    basis: &'static str,
    segments_a_to_b: usize,
    segments_b_to_a: usize,
    min_one_way_ms: [Option<f64>; 2],
    drift_ms: Option<f64>,
    drift_over_s: Option<f64>,
}

fn clock_json(c: &ClockEstimate) -> ClockJson {
    ClockJson {
        offset_ms: ms(c.offset_ns),
        basis: c.basis.name(),
        segments_a_to_b: c.pairs[0],
        segments_b_to_a: c.pairs[1],
        min_one_way_ms: c.min_one_way_ns.map(|v| v.map(ms)),
        drift_ms: c.drift_ns.map(ms),
        drift_over_s: c.drift_span_ns.map(|s| s as f64 / 1e9),
    }
}

fn side_text(s: &ConnSide) -> String {
    format!(
        "{} -> {}",
        endpoint_string(s.client),
        endpoint_string(s.server)
    )
}

fn conn_header(c: &PairedConnection) -> String {
    let m = &c.matched;
    let mut s = format!(
        "stream {} (B: stream {})  {}",
        c.a.stream,
        c.b.stream,
        side_text(&c.a)
    );
    if !m.same_endpoints {
        let _ = write!(s, "  (at B: {})", side_text(&c.b));
    }
    let side = match c.a_client_side {
        Some(true) => "A is on the client's side",
        Some(false) => "A is on the server's side",
        None => "no segment seen at both points",
    };
    let how = if m.isns_equal && m.same_endpoints {
        "same endpoints and ISNs".to_string()
    } else if m.isns_equal {
        "same ISNs, addresses rewritten (NAT)".to_string()
    } else {
        format!("{} segments in common", m.common_segments)
    };
    let _ = write!(s, "\n  {side}; matched by {how}");
    if let Some(o) = c.own_offset_ns {
        let _ = write!(
            s,
            "; this connection alone gives an offset of {:.3} ms",
            ms(o)
        );
    }
    s
}

fn delay_text(d: &DelayStats) -> String {
    format!(
        "one-way ms min {:.3} p50 {:.3} p90 {:.3} p99 {:.3} max {:.3}",
        ms(d.min),
        ms(d.p50),
        ms(d.p90),
        ms(d.p99),
        ms(d.max)
    )
}

fn dir_text(dir: Direction, d: &DirSummary) -> String {
    let total: usize = d.fates.iter().sum();
    let counts: Vec<String> = Fate::ALL
        .iter()
        .zip(d.fates)
        .filter(|&(_, n)| n > 0)
        .map(|(f, n)| format!("{n} {}", f.label(d.upstream)))
        .collect();
    let mut s = format!("{} ({}): {total} segments", dir.short(), travel(d.upstream));
    if !counts.is_empty() {
        let _ = write!(s, ": {}", counts.join(", "));
    }
    if let Some(delay) = &d.delay {
        let _ = write!(s, "; {}", delay_text(delay));
    }
    s
}

/// One-way delay percentiles (ms).
#[derive(Serialize)]
struct DelayJson {
    n: usize,
    min: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
}

/// One direction of a connection summary.
#[derive(Serialize)]
struct DirJson {
    upstream: &'static str,
    segments: usize,
    /// Rows per fate, by the printed name.
    fates: Counts,
    /// Losses per place ("before A", "between A and B", "after B").
    lost: Counts,
    one_way_ms: Option<DelayJson>,
}

fn dir_json(d: &DirSummary) -> DirJson {
    let fates = Counts(
        Fate::ALL
            .iter()
            .zip(d.fates)
            .map(|(f, n)| (f.label(d.upstream), n))
            .collect(),
    );
    let lost = Counts(
        loss_places(d.upstream)
            .into_iter()
            .map(|(place, f)| (place, d.count(f)))
            .collect(),
    );
    DirJson {
        upstream: d.upstream.name(),
        segments: d.fates.iter().sum(),
        fates,
        lost,
        one_way_ms: d.delay.map(|d| DelayJson {
            n: d.n,
            min: ms(d.min),
            p50: ms(d.p50),
            p90: ms(d.p90),
            p99: ms(d.p99),
            max: ms(d.max),
        }),
    }
}

/// The `{"connection": ...}` summary.
#[derive(Serialize)]
struct ConnJson {
    stream: u32,
    stream_b: u32,
    client: String,
    server: String,
    client_b: String,
    server_b: String,
    a_side: Option<&'static str>,
    same_endpoints: bool,
    isns_equal: bool,
    common_segments: u32,
    offset_ms: f64,
    offset_basis: &'static str,
    own_offset_ms: Option<f64>,
    c2s: DirJson,
    s2c: DirJson,
}

fn conn_json(c: &PairedConnection, clock: &ClockEstimate) -> ConnJson {
    let m = &c.matched;
    ConnJson {
        stream: c.a.stream,
        stream_b: c.b.stream,
        client: endpoint_string(c.a.client),
        server: endpoint_string(c.a.server),
        client_b: endpoint_string(c.b.client),
        server_b: endpoint_string(c.b.server),
        a_side: c.a_client_side.map(|s| if s { "client" } else { "server" }),
        same_endpoints: m.same_endpoints,
        isns_equal: m.isns_equal,
        common_segments: m.common_segments,
        offset_ms: ms(clock.offset_ns),
        offset_basis: clock.basis.name(),
        own_offset_ms: c.own_offset_ns.map(ms),
        c2s: dir_json(&c.dirs[0]),
        s2c: dir_json(&c.dirs[1]),
    }
}

/// One segment row.
#[derive(Serialize)]
struct RowJson {
    stream: u32,
    stream_b: u32,
    frame_a: Option<u64>,
    frame_b: Option<u64>,
    dir: &'static str,
    time: f64,
    seq: u32,
    ack: u32,
    len: u32,
    flags: String,
    one_way_ms: Option<f64>,
    fate: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    more_frames_a: Vec<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    more_frames_b: Vec<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    matched: Option<&'static str>,
}

fn row_json(c: &PairedConnection, r: &SegmentRow) -> RowJson {
    RowJson {
        stream: c.a.stream,
        stream_b: c.b.stream,
        frame_a: r.frame_a,
        frame_b: r.frame_b,
        dir: r.dir.short(),
        time: r.time as f64 / 1e9,
        seq: r.seq,
        ack: r.ack,
        len: r.len,
        flags: r.flags.letters(),
        one_way_ms: r.one_way_ns.map(ms),
        fate: r.fate_label(),
        more_frames_a: r.more_frames_a.clone(),
        more_frames_b: r.more_frames_b.clone(),
        matched: r.how.map(|h| h.name()),
    }
}
