//! The per-frame pipeline shared by `synack read` and `synack capture`: decode, account,
//! analyse, format, write. One function for files and live capture, so live output equals
//! `synack read` on the written file.

use std::io::{self, Write};

use super::format::{frame_json_analyzed, frame_line_analyzed, EventJson, FrameView};
use crate::analysis::{Config, EngineStats};
use crate::capture::{Frame, Timestamp};
use crate::filter::{Filter, FilterInput};
use crate::pipeline::Pipeline;
use crate::stream::follow::StickyEvent;

/// Sticky-packet events by frame number, computed by a first pass over a file (see
/// `synack stream`); live capture has none.
pub type StickyByFrame = std::collections::HashMap<u64, Vec<StickyEvent>>;

/// Decodes, analyses and (optionally) prints frames, in text or JSON Lines.
///
/// Holds the analysis [`Engine`], so every frame is annotated (stream, flags, events) with
/// what is known at that frame, identically for a file and for a live capture.
#[derive(Debug)]
pub struct FramePrinter<W: Write> {
    out: W,
    json: bool,
    print: bool,
    absolute: bool,
    t0: Option<Timestamp>,
    pipeline: Pipeline,
    filter: Option<Filter>,
    sticky: StickyByFrame,
    frames: u64,
    printed: u64,
}

impl<W: Write> FramePrinter<W> {
    /// A printer writing to `out`; with `print` false frames are only decoded and analysed.
    /// `absolute` prints raw TCP sequence numbers instead of relative ones.
    pub fn new(out: W, json: bool, print: bool, absolute: bool) -> FramePrinter<W> {
        FramePrinter {
            out,
            json,
            print,
            absolute,
            t0: None,
            pipeline: Pipeline::new(Config::default()),
            filter: None,
            sticky: StickyByFrame::new(),
            frames: 0,
            printed: 0,
        }
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
        self.t0 = Some(t0);
        self
    }

    /// Adds the sticky-packet events (`message_boundary`, `coalesced`, `split`) of each frame
    /// to its output.
    pub fn with_sticky(mut self, sticky: StickyByFrame) -> FramePrinter<W> {
        self.sticky = sticky;
        self
    }

    /// Runs one frame through the pipeline and prints its line (or JSON object).
    pub fn frame(&mut self, frame: &Frame<'_>) -> io::Result<()> {
        let (packet, ann) = self.pipeline.frame(frame);
        self.analysed(frame, &packet, &ann)
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
        if self.t0.is_none() {
            self.t0 = frame.ts;
        }
        if !self.print {
            return Ok(());
        }
        if let Some(filter) = &self.filter {
            let input = FilterInput {
                frame,
                packet,
                analysis: Some(&ann),
            };
            if !filter.matches(&input) {
                return Ok(());
            }
        }
        self.printed += 1;
        let view = FrameView { frame, packet };
        let stuck = self
            .sticky
            .get(&frame.number)
            .map_or(&[][..], Vec::as_slice);
        if self.json {
            let mut json = frame_json_analyzed(&view, Some(&ann), self.absolute);
            json.events.extend(stuck.iter().map(|e| EventJson {
                name: e.name(),
                detail: e.describe(),
                rtt_ms: None,
            }));
            serde_json::to_writer(&mut self.out, &json).map_err(io::Error::from)?;
            self.out.write_all(b"\n")
        } else {
            let mut line = frame_line_analyzed(&view, Some(&ann), self.t0, self.absolute);
            for e in stuck {
                line.push_str(" <");
                line.push_str(&e.describe());
                line.push('>');
            }
            writeln!(self.out, "{line}")
        }
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

    /// Frames printed (those that passed the display filter).
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
