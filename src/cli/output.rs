//! How `read` and `capture` print frames: one set of options with one meaning in both,
//! as tshark and tcpdump users type them (`-Y`, `-c`, `-T`, `-e`, `-E`, `-x`, `-X`, `-t`,
//! `-q`, `-l`, `-U`, `--json`, `--absolute`).

use std::io::Write;

use clap::{Args, ValueEnum};

use super::fields::FieldsFormat;
use super::pipeline::{Details, FramePrinter, Style};
use super::time::{TimeFormat, TIME_FORMATS};
use super::usage::{usage, usage_bail};
use crate::filter::Filter;
use crate::i18n::Message;
use unicode_width::UnicodeWidthStr;

/// `-T` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One line per frame (the default).
    Text,
    /// JSON Lines, as `--json` (synack's objects, one per line; not tshark's JSON tree).
    Json,
    /// The `-e` fields, tab-separated, one line per frame (tshark's `-T fields`).
    Fields,
}

/// The printing options shared by `read` and `capture`.
#[derive(Debug, Clone, Default, Args)]
pub struct PrintArgs {
    /// Display filter (Wireshark syntax): print only matching frames, e.g.
    /// `-Y 'tcp.port == 80 && tcp.flags.syn == 1'`, `-Y 'tcp.payload contains "GET"'`,
    /// `-Y 'tcp.port in {80, 443}'`, `-Y 'tcp[13] == 12'` (`synack fields` lists the fields).
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub display_filter: Option<String>,
    /// Stop after N frames have passed the filters (-f, -Y), as tcpdump -c and tshark -c.
    #[arg(short = 'c', long = "count", value_name = "N")]
    pub count: Option<u64>,
    /// Print JSON Lines: one object per frame (fields: frame, time, caplen, len, link, vlan,
    /// src, dst, proto, sport, dport, tcp{flags,seq,ack,seq_raw,ack_raw,win,win_calc,states,
    /// len,options}, stream, direction, tags[{name,reason}], events[{name,detail}], notes, ...).
    #[arg(long)]
    pub json: bool,
    /// Output format: text (default), json (as --json), fields (the -e fields).
    #[arg(short = 'T', value_enum, value_name = "FORMAT")]
    pub format: Option<OutputFormat>,
    /// A field to print with -T fields (repeat for more), by its display-filter name, e.g.
    /// `-e frame.number -e tcp.stream -e tcp.analysis.flags`. Implies -T fields.
    #[arg(short = 'e', value_name = "FIELD")]
    pub fields: Vec<String>,
    /// A -T fields option, as tshark's: header=y, separator=/t|/s|C, aggregator=,|/s|C,
    /// occurrence=f|l|a|N, quote=d|s|n.
    #[arg(short = 'E', value_name = "OPTION=VALUE")]
    pub field_options: Vec<String>,
    /// Print each frame's link-level header (MAC addresses, EtherType, length) before its
    /// addresses, as tcpdump -e does (-e itself is tshark's field option here).
    #[arg(long = "link-header")]
    pub link_header: bool,
    /// A hex dump of each printed frame (-X: with ASCII).
    #[arg(short = 'x')]
    pub hex: bool,
    /// A hex and ASCII dump of each printed frame.
    #[arg(short = 'X')]
    pub hex_ascii: bool,
    /// Time column format: r (since the first frame, default), a, ad, adoy, u, ud, udoy, e,
    /// d, dd, none (tshark's -t); tcpdump's -t, -tt, -ttt, -tttt, -ttttt work too.
    #[arg(short = 't', value_name = "FORMAT")]
    pub time: Option<String>,
    /// Quiet: print no frames, only the summary and errors (tshark -q).
    #[arg(short = 'q')]
    pub quiet: bool,
    /// Flush the output after every frame, for a reader at the other end of a pipe
    /// (tcpdump -l and -U, tshark -l).
    #[arg(short = 'l', short_alias = 'U')]
    pub line_buffered: bool,
    /// Print raw TCP sequence and acknowledgment numbers instead of relative ones.
    #[arg(long)]
    pub absolute: bool,
    /// Print each frame's details tree (the window's details pane: synack's analysis, the
    /// frame, every layer with its fields) instead of its line, as tshark -V; with --json,
    /// each object gains a `details` array.
    #[arg(short = 'V')]
    pub details: bool,
    /// Print each frame's line followed by its details tree (tcpdump -v; -vv and -vvv
    /// too).
    #[arg(short = 'v', action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// Parses a `-Y` display filter, underlining the error's position (a usage error).
pub(super) fn parse_display_filter(text: Option<&str>) -> anyhow::Result<Filter> {
    match text {
        Some(text) => Filter::parse(text).map_err(|e| {
            // The caret goes under the error in terminal columns (a CJK character takes two).
            let before = text.get(..e.span.start).unwrap_or(text);
            let error = e.text_in(crate::i18n::lang());
            usage(format!(
                "{}\n  {text}\n  {}^",
                Message::new("out-bad-filter").arg("error", error).text(),
                " ".repeat(UnicodeWidthStr::width(before))
            ))
        }),
        None => Ok(Filter::parse("")?),
    }
}

impl PrintArgs {
    /// True when frames are printed as JSON.
    pub fn json(&self) -> bool {
        self.json || self.format == Some(OutputFormat::Json)
    }

    /// The printing style these options ask for (usage errors for contradictions).
    fn style(&self) -> anyhow::Result<Style> {
        let format = match (self.format, self.json, self.fields.is_empty()) {
            (Some(OutputFormat::Text), true, _) | (Some(OutputFormat::Fields), true, _) => {
                usage_bail!("--json and -T {} ask for two formats", self.format_name())
            }
            (Some(f @ (OutputFormat::Text | OutputFormat::Json)), _, false) => usage_bail!(
                "-e FIELD prints fields: it needs -T fields (or no -T), not -T {}",
                OutputFormat::name(f)
            ),
            (None, true, false) => {
                usage_bail!("-e FIELD prints fields: it cannot be combined with --json")
            }
            (Some(f), _, _) => f,
            (None, true, true) => OutputFormat::Json,
            (None, false, false) => OutputFormat::Fields,
            (None, false, true) => OutputFormat::Text,
        };
        if self.quiet {
            return Ok(Style::Quiet);
        }
        if (self.hex || self.hex_ascii) && format != OutputFormat::Text {
            usage_bail!(
                "-x and -X add hex dumps to the text output, not to -T {}",
                OutputFormat::name(format)
            );
        }
        Ok(match format {
            OutputFormat::Text => Style::Text,
            OutputFormat::Json => Style::Json,
            OutputFormat::Fields => {
                Style::Fields(FieldsFormat::new(&self.fields, &self.field_options)?)
            }
        })
    }

    fn format_name(&self) -> &'static str {
        self.format.map_or("text", OutputFormat::name)
    }

    /// A printer for these options, writing to `out` (`print` false: analyse only).
    pub fn printer<W: Write>(&self, out: W, print: bool) -> anyhow::Result<FramePrinter<W>> {
        let filter = parse_display_filter(self.display_filter.as_deref())?;
        let style = self.style()?;
        if !self.field_options.is_empty() && !matches!(style, Style::Fields(_)) {
            usage_bail!("-E sets how -T fields prints: give the fields with -e FIELD");
        }
        let time = match self.time.as_deref() {
            None => TimeFormat::Relative,
            Some(t) => TimeFormat::parse(t).ok_or_else(|| {
                usage(format!(
                    "-t {t}: unknown time format; known: {TIME_FORMATS}"
                ))
            })?,
        };
        let fields = matches!(style, Style::Fields(_));
        if self.link_header && matches!(style, Style::Json | Style::Fields(_)) {
            usage_bail!("--link-header adds the link-level header to the text output only");
        }
        let mut printer = FramePrinter::new(out, false, print, self.absolute)
            .with_style(style)
            .with_time(time)
            .with_filter(filter);
        if self.hex || self.hex_ascii {
            printer = printer.with_hex(self.hex_ascii);
        }
        if self.link_header {
            printer = printer.with_link_header();
        }
        if self.details || self.verbose > 0 {
            if fields {
                usage_bail!("-V and -v print the details tree, not -T fields");
            }
            printer = printer.with_details(if self.details {
                Details::Tree
            } else {
                Details::LineAndTree
            });
        }
        if self.line_buffered {
            printer = printer.flush_each();
        }
        Ok(printer)
    }
}

impl OutputFormat {
    fn name(self) -> &'static str {
        match self {
            OutputFormat::Text => "text",
            OutputFormat::Json => "json",
            OutputFormat::Fields => "fields",
        }
    }
}
