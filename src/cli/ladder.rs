//! `synack ladder FILE --stream N`: the ladder diagram of one connection from the command
//! line, as a listing, an SVG figure, Mermaid or PlantUML text, or JSON Lines.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::input::InputArgs;
use super::summary::EXIT_DAMAGED;
use crate::analysis::FlowProto;
use crate::ladder::{export, layout, paint, Geometry, LadderModel};

/// Arguments of `synack ladder`.
#[derive(Debug, Args)]
pub struct LadderArgs {
    /// Where the capture comes from: `FILE...`, `-r FILE`, `-` for standard input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Stream number (tshark's `tcp.stream`, or `udp.stream` with --udp), from 0.
    /// Example: `synack ladder captures/demo.pcap --stream 0 --svg demo.svg`
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub stream: u32,
    /// The stream is a UDP stream (one arrow per datagram, no states).
    /// Example: `synack ladder captures/udp-chat.pcap --udp --stream 0 --mermaid`
    #[arg(long)]
    pub udp: bool,
    /// Write the diagram as an SVG figure (the desktop view's Ladder tab, same geometry).
    #[arg(long, value_name = "OUT.svg")]
    pub svg: Option<PathBuf>,
    /// Width of the SVG figure in points.
    #[arg(long, value_name = "POINTS", default_value_t = 1100.0)]
    pub width: f32,
    /// Print a Mermaid sequence diagram (paste into Markdown between ```mermaid fences).
    #[arg(long, conflicts_with_all = ["plantuml", "json"])]
    pub mermaid: bool,
    /// Print a PlantUML sequence diagram.
    #[arg(long, conflicts_with_all = ["mermaid", "json"])]
    pub plantuml: bool,
    /// JSON Lines: a `ladder` object (delays), then one `arrow` object per packet (`frame`,
    /// `from`, `depart_s`, `arrive_s` (null when lost after the capture point), `label`,
    /// `states`, ...), then `ghost`, `bracket`, `break` and `run` objects. Times are seconds
    /// after the connection's first packet passed the capture point.
    #[arg(long, conflicts_with_all = ["mermaid", "plantuml"])]
    pub json: bool,
    /// In Mermaid and PlantUML, list every segment instead of summarizing runs of equal
    /// data segments ("22 data segments, 1448 B each").
    #[arg(long)]
    pub expand: bool,
}

/// Runs `synack ladder`.
pub(super) fn run(args: &LadderArgs) -> anyhow::Result<ExitCode> {
    let proto = if args.udp {
        FlowProto::Udp
    } else {
        FlowProto::Tcp
    };
    let got = crate::ladder::collect_from(args.input.open()?, proto, args.stream);
    let name = if args.udp { "UDP" } else { "TCP" };
    let Some(info) = got.info else {
        anyhow::bail!(
            "{}: no {name} stream {} (the capture has {} {name} streams, numbered from 0; \
             `synack flows {}` lists them)",
            args.input.name().display(),
            args.stream,
            got.streams,
            args.input.name().display()
        );
    };
    let mut model = LadderModel::build(info, &got.seen);
    // The programs' calls (a lesson's or a `synack run`'s trace beside the capture).
    if let Some((_, trace)) = super::input::calls_trace(&args.input, None)? {
        crate::ladder::calls::add_call_notes(&mut model, &trace);
        crate::ladder::kernel::add_kernel_notes(&mut model, &trace);
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if let Some(path) = &args.svg {
        let geo = Geometry::new(&model, args.width, layout::BASE_ROW, &[]);
        paint::svg(&model, &geo, paint::Emphasis::default()).save(path)?;
        if !(args.json || args.mermaid || args.plantuml) {
            writeln!(
                out,
                "wrote {} ({} arrows)",
                path.display(),
                model.rows.len()
            )?;
        }
    }
    if args.json {
        for v in export::json_lines(&model) {
            serde_json::to_writer(&mut out, &v)?;
            out.write_all(b"\n")?;
        }
    } else if args.mermaid {
        out.write_all(export::mermaid(&model, args.expand).as_bytes())?;
    } else if args.plantuml {
        out.write_all(export::plantuml(&model, args.expand).as_bytes())?;
    } else if args.svg.is_none() {
        out.write_all(export::listing(&model).as_bytes())?;
    }
    out.flush()?;
    if let Some(e) = got.damaged {
        note!(
            "synack: {}: {e} (the ladder shows the packets read before it)",
            args.input.name().display()
        );
        return Ok(ExitCode::from(EXIT_DAMAGED));
    }
    Ok(ExitCode::SUCCESS)
}
