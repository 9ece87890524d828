//! The per-frame pipeline shared by `synack read` and `synack capture`: decode, account,
//! analyse, format, write. One function for files and live capture, so live output equals
//! `synack read` on the written file.

use std::io::{self, Write};

use super::fields::FieldsFormat;
use super::format::{frame_json_analyzed, frame_line_timed, EventJson, FrameView};
use super::time::{TimeColumn, TimeFormat};
use crate::analysis::{Config, EngineStats};
use crate::capture::{Frame, Timestamp};
use crate::filter::{Filter, FilterInput};
use crate::pipeline::{details, Pipeline};
use crate::stream::follow::StickyEvent;
use crate::stream::hexdump::hex_lines;

/// A frame's JSON object with its details tree (`-V --json`).
#[derive(serde::Serialize)]
struct WithDetails<'a> {
    #[serde(flatten)]
    frame: &'a crate::cli::format::FrameJson,
    details: &'a [details::Node],
}

/// Sticky-packet events by frame number, computed by a first pass over a file (see
/// `synack stream`); live capture has none.
pub type StickyByFrame = std::collections::HashMap<u64, Vec<StickyEvent>>;

/// How each displayed frame is printed.
#[derive(Debug)]
pub enum Style {
    /// One line per frame (the default).
    Text,
    /// One JSON object per frame (`--json`, `-T json`).
    Json,
    /// tshark's `-T fields -e ...`.
    Fields(FieldsFormat),
    /// Nothing per frame (`-q`): only the summary and errors.
    Quiet,
}

/// Whether each frame's details tree (the window's details pane) is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Details {
    /// No tree.
    None,
    /// The tree instead of the frame's line (tshark -V); in JSON, a `details` array.
    Tree,
    /// The frame's line, then its tree (tcpdump -v); in JSON, as [`Details::Tree`].
    LineAndTree,
}

/// Decodes, analyses and (optionally) prints frames, in text or JSON Lines.
///
/// Holds the analysis [`Engine`](crate::analysis::Engine), so every frame is annotated (stream, flags, events) with
/// what is known at that frame, identically for a file and for a live capture.
#[derive(Debug)]
pub struct FramePrinter<W: Write> {
    out: W,
    style: Style,
    print: bool,
    absolute: bool,
    time: TimeColumn,
    /// `-x` (false) or `-X` (true): a hex dump after each frame.
    hex: Option<bool>,
    /// `--link-header` (tcpdump -e): the link-level header before each line's addresses.
    link_header: bool,
    flush_each: bool,
    pipeline: Pipeline,
    filter: Option<Filter>,
    #[cfg(feature = "live")]
    bpf: Option<crate::capture::bpf::OfflineBpf>,
    sticky: StickyByFrame,
    /// Whether `sticky` comes from a pass that framed every stream (else a segment's
    /// messages are unknown, not absent).
    messages_known: bool,
    details: Details,
    frames: u64,
    printed: u64,
}

impl<W: Write> FramePrinter<W> {
    /// A printer writing to `out`; with `print` false frames are only decoded and analysed.
    /// `absolute` prints raw TCP sequence numbers instead of relative ones.
    pub fn new(out: W, json: bool, print: bool, absolute: bool) -> FramePrinter<W> {
        FramePrinter {
            out,
            style: if json { Style::Json } else { Style::Text },
            print,
            absolute,
            time: TimeColumn::new(TimeFormat::Relative),
            hex: None,
            link_header: false,
            flush_each: false,
            pipeline: Pipeline::new(Config::default()),
            filter: None,
            #[cfg(feature = "live")]
            bpf: None,
            sticky: StickyByFrame::new(),
            messages_known: false,
            details: Details::None,
            frames: 0,
            printed: 0,
        }
    }

    /// Prints each frame's details tree (`-V`, `-v`).
    pub fn with_details(mut self, details: Details) -> FramePrinter<W> {
        self.details = details;
        self
    }

    /// Prints in `style` instead.
    pub fn with_style(mut self, style: Style) -> FramePrinter<W> {
        self.style = style;
        self
    }

    /// The time column's format (`-t`).
    pub fn with_time(mut self, format: TimeFormat) -> FramePrinter<W> {
        self.time = TimeColumn::new(format);
        self
    }

    /// A hex dump of each printed frame: hex only (`-x`) or with ASCII (`-X`).
    pub fn with_hex(mut self, ascii: bool) -> FramePrinter<W> {
        self.hex = Some(ascii);
        self
    }

    /// Prints each line's link-level header before its addresses (`--link-header`, tcpdump
    /// -e).
    pub fn with_link_header(mut self) -> FramePrinter<W> {
        self.link_header = true;
        self
    }

    /// Flushes after every frame (`-l`, `-U`), for a reader at the other end of a pipe.
    pub fn flush_each(mut self) -> FramePrinter<W> {
        self.flush_each = true;
        self
    }

    /// Prints only the frames matching a display filter (`-Y`). Every frame is still
    /// analysed, so stream numbers and flags are those of the whole capture, as in tshark.
    pub fn with_filter(mut self, filter: Filter) -> FramePrinter<W> {
        self.filter = Some(filter);
        self
    }

    /// Prints times relative to `t0` instead of the first frame's (`synack run` counts from
    /// the start of the run, so that frames and calls share one time line).
    pub fn with_t0(mut self, t0: Timestamp) -> FramePrinter<W> {
        self.time.start_at(t0);
        self
    }

    /// Prints only the frames a BPF filter accepts (`-f`, tcpdump's trailing filter); like
    /// `-Y`, the analysis still sees every frame.
    #[cfg(feature = "live")]
    pub fn with_bpf(mut self, bpf: crate::capture::bpf::OfflineBpf) -> FramePrinter<W> {
        self.bpf = Some(bpf);
        self
    }

    /// Adds the sticky-packet events (`message_boundary`, `coalesced`, `split`) of each frame
    /// to its output.
    pub fn with_sticky(mut self, sticky: StickyByFrame) -> FramePrinter<W> {
        self.sticky = sticky;
        self.messages_known = true;
        self
    }

    /// Runs one frame through the pipeline and prints its line (or JSON object).
    pub fn frame(&mut self, frame: &Frame<'_>) -> io::Result<()> {
        let (packet, ann) = self.pipeline.frame(frame);
        self.analysed(frame, &packet, &ann)
    }

    /// True when the frame passes the BPF and display filters.
    fn passes(
        &mut self,
        frame: &Frame<'_>,
        packet: &crate::decode::Packet,
        ann: &crate::analysis::Annotation,
    ) -> bool {
        #[cfg(feature = "live")]
        if let Some(bpf) = &mut self.bpf {
            if !bpf.matches(frame) {
                return false;
            }
        }
        self.filter.as_ref().is_none_or(|filter| {
            filter.matches(&FilterInput {
                frame,
                packet,
                analysis: Some(ann),
                start: self.time.first(),
            })
        })
    }

    /// Prints a frame that was already decoded and analysed (by an engine that saw every
    /// earlier frame, e.g. [`crate::pipeline::analyse_file`]'s); this printer's own engine
    /// is not used.
    pub fn analysed(
        &mut self,
        frame: &Frame<'_>,
        packet: &crate::decode::Packet,
        ann: &crate::analysis::Annotation,
    ) -> io::Result<()> {
        let ann = *ann;
        self.frames += 1;
        self.time.saw(frame.ts);
        if !self.passes(frame, packet, &ann) {
            self.time.text(frame.ts, false);
            return Ok(());
        }
        self.printed += 1;
        if !self.print {
            self.time.text(frame.ts, true);
            return Ok(());
        }
        let view = FrameView { frame, packet };
        let stuck = self
            .sticky
            .get(&frame.number)
            .map_or(&[][..], Vec::as_slice);
        match &mut self.style {
            Style::Quiet => {
                self.time.text(frame.ts, true);
                return Ok(());
            }
            Style::Json => {
                self.time.text(frame.ts, true);
                let mut json = frame_json_analyzed(&view, Some(&ann), self.absolute);
                json.events.extend(stuck.iter().map(|e| EventJson {
                    name: e.name(),
                    detail: e.describe(),
                    rtt_ms: None,
                }));
                if self.details == Details::None {
                    serde_json::to_writer(&mut self.out, &json)
                } else {
                    let details = self.tree(frame, packet, &ann, stuck);
                    serde_json::to_writer(
                        &mut self.out,
                        &WithDetails {
                            frame: &json,
                            details: &details,
                        },
                    )
                }
                .map_err(io::Error::from)?;
                self.out.write_all(b"\n")?;
            }
            Style::Fields(format) => {
                self.time.text(frame.ts, true);
                let input = FilterInput {
                    frame,
                    packet,
                    analysis: Some(&ann),
                    start: self.time.first(),
                };
                format.write(&mut self.out, &input)?;
            }
            Style::Text => {
                let time = self.time.text(frame.ts, true);
                if self.details != Details::Tree {
                    let mut line = frame_line_timed(
                        &view,
                        Some(&ann),
                        time.as_deref(),
                        self.link_header,
                        self.absolute,
                    );
                    for e in stuck {
                        line.push_str(" <");
                        line.push_str(&e.describe());
                        line.push('>');
                    }
                    writeln!(self.out, "{line}")?;
                }
                if self.details != Details::None {
                    let tree = self.tree(frame, packet, &ann, stuck);
                    details::write_text(&mut self.out, &tree)?;
                    // tshark -V separates packets by an empty line.
                    writeln!(self.out)?;
                }
            }
        }
        if let Some(ascii) = self.hex {
            for line in hex_lines(0, frame.data, ascii).lines() {
                writeln!(self.out, "  {line}")?;
            }
        }
        if self.flush_each {
            self.out.flush()?;
        }
        Ok(())
    }

    /// The details tree of a frame, as the window's details pane builds it. The connection
    /// section is left out: in one pass over the frames it would tell only the connection so
    /// far (`synack flows` prints each connection whole).
    fn tree(
        &self,
        frame: &Frame<'_>,
        packet: &crate::decode::Packet,
        ann: &crate::analysis::Annotation,
        stuck: &[StickyEvent],
    ) -> Vec<details::Node> {
        let tcp = ann.tcp.as_ref();
        let messages = tcp
            .filter(|_| self.messages_known)
            .map(|_| details::messages_node(None, stuck));
        details::build_tree(details::TreeInput {
            frame,
            packet,
            analysis: &details::RowAnalysis::from(ann),
            rich: tcp,
            connection: None,
            first_ts: self.time.first(),
            wire: tcp.map_or_else(Vec::new, |t| details::wire_lines(&t.acked)),
            messages,
        })
    }

    /// Link types the BPF filter did not apply to, with libpcap's reason.
    pub fn bpf_refused(&self) -> Vec<String> {
        #[cfg(feature = "live")]
        if let Some(bpf) = &self.bpf {
            return bpf
                .refused()
                .iter()
                .map(|(link, why)| {
                    format!("the BPF filter does not apply to link type {link}: {why}")
                })
                .collect();
        }
        Vec::new()
    }

    /// The output, to interleave other lines (`synack run`'s calls) with the frames.
    pub fn out_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Flushes the output (live capture calls this when idle so lines appear promptly).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Frames processed.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Frames that passed the filters (printed, or counted with `-q`).
    pub fn printed(&self) -> u64 {
        self.printed
    }

    /// The analysis engine's counters (connections created, evictions).
    pub fn engine_stats(&self) -> EngineStats {
        self.pipeline.engine().stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::FrameSource;

    #[test]
    fn demo_capture_has_three_connections_and_prints_every_frame() {
        let mut reader = crate::capture::demo::reader().expect("demo capture reads");
        let mut printer = FramePrinter::new(Vec::new(), false, true, false);
        while let Some(f) = reader.next_frame().expect("demo is intact") {
            printer.frame(&f).expect("memory write");
        }
        let text = String::from_utf8(printer.out.clone()).expect("utf-8");
        assert_eq!(text.lines().count() as u64, printer.frames());
        assert!(printer.frames() > 0);
        assert_eq!(printer.engine_stats().connections, 3);
    }
}
