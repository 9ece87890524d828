//! Saving what is on screen: packets as pcap, figures of the study views as SVG (from the
//! view's model) or PNG (from the next rendered frame).

use std::path::{Path, PathBuf};

use super::command::Command;
use super::{SynackApp, Tab};
use crate::ui::export::{self, ExportScope};
use crate::ui::file_dialog::{DialogPurpose, FigureKind};

impl SynackApp {
    /// Tells in the status bar how writing `path` went: the catalogue's `saved_key`
    /// message naming the file, or the error.
    fn report_saved(&mut self, result: anyhow::Result<()>, saved_key: &str, path: &Path) {
        self.message = Some(match result {
            Ok(()) => (path_message(saved_key, path), false),
            Err(e) => (format!("{e:#}"), true),
        });
    }

    /// Writes the ladder of the shown connection as SVG; the outcome goes to the status bar.
    pub fn export_ladder_svg(&mut self, path: PathBuf) {
        {
            let data = self.store.read();
            self.ladder.sync(&data, &self.selection);
        }
        let result = match self.ladder.svg(&self.selection) {
            Some(svg) => svg.save(&path),
            None => Err(anyhow::anyhow!(
                "no ladder to export: select a TCP connection first"
            )),
        };
        self.report_saved(result, "msg-ladder-saved", &path);
    }

    /// Writes the packets of `scope` to a pcap file at `path` (File > Export); the outcome
    /// goes to the status bar.
    pub fn save(&mut self, scope: ExportScope, path: PathBuf) {
        let data = self.store.read();
        let result = match scope {
            ExportScope::All => export::write_pcap(&path, &data, 0..data.len()),
            ExportScope::Filtered => {
                export::write_pcap(&path, &data, self.filter.visible_indices(&data))
            }
            ExportScope::Connection => match self.selection.connection {
                Some(c) => export::write_pcap(
                    &path,
                    &data,
                    data.connection_frames(c.proto, c.stream)
                        .iter()
                        .map(|&i| i as usize),
                ),
                None => Err(anyhow::anyhow!(
                    "select a connection first (Connections tab)"
                )),
            },
        };
        drop(data);
        self.message = Some(match result {
            Ok((n, 0)) => (
                crate::i18n::text_in(
                    crate::i18n::lang(),
                    "msg-saved-packets",
                    &[
                        ("count", n.into()),
                        ("path", path.display().to_string().into()),
                    ],
                ),
                false,
            ),
            Ok((n, skipped)) => (
                crate::i18n::text_in(
                    crate::i18n::lang(),
                    "msg-saved-packets-skipped",
                    &[
                        ("count", n.into()),
                        ("path", path.display().to_string().into()),
                        ("skipped", skipped.into()),
                    ],
                ),
                false,
            ),
            Err(e) => (format!("{e:#}"), true),
        });
    }

    /// Opens the save dialog for a figure, with a file name saying what it shows.
    pub(super) fn ask_figure_path(&mut self, kind: FigureKind) {
        let name = match kind {
            FigureKind::GraphSvg | FigureKind::GraphPng => self.graphs.file_stem(),
            FigureKind::RibbonSvg | FigureKind::RibbonPng => self.stream_view.file_stem(),
            FigureKind::LadderSvg | FigureKind::LadderPng => "ladder".to_string(),
            FigureKind::FlowsSvg | FigureKind::FlowsPng => "flow-graph".to_string(),
        } + kind.extension();
        self.queue(Command::OpenDialog {
            purpose: DialogPurpose::SaveFigure(kind),
            name: Some(name),
        });
    }

    /// Writes a figure of the graphs or the stream ribbon to `path`: SVG at once from the
    /// view's model, PNG from the next rendered frame (the outcome lands in the status bar).
    pub fn save_figure(&mut self, ctx: &egui::Context, kind: FigureKind, path: PathBuf) {
        match kind {
            FigureKind::LadderSvg => return self.export_ladder_svg(path),
            // The PNG is a picture of the ladder (the flow graph) as shown.
            FigureKind::LadderPng => self.tab = Tab::Ladder,
            FigureKind::FlowsPng => self.tab = Tab::Flows,
            _ => {}
        }
        let svg = {
            let data = self.store.read();
            match kind {
                FigureKind::GraphSvg => Some(self.graphs.svg(&data, &self.selection)),
                FigureKind::RibbonSvg => Some(self.stream_view.svg()),
                FigureKind::FlowsSvg => Some(
                    self.flows
                        .svg(&data, &self.filter, &self.selection)
                        .map(Into::into),
                ),
                // PNGs come from the next frame; the ladder's SVG was written above.
                FigureKind::GraphPng
                | FigureKind::RibbonPng
                | FigureKind::LadderPng
                | FigureKind::FlowsPng
                | FigureKind::LadderSvg => None,
            }
        };
        if let Some(svg) = svg {
            self.report_saved(svg.and_then(|s| s.save(&path)), "msg-figure-saved", &path);
            return;
        }
        // The screenshot is taken next frame: this one still shows the save dialog.
        self.queue(Command::RequestPng(kind, path.clone()));
        self.message = Some((path_message("msg-saving", &path), false));
        ctx.request_repaint();
    }

    /// Asks the renderer for the PNG of a figure requested last frame (the views have just
    /// been drawn, so their rectangles are current).
    pub(super) fn request_png(&mut self, ctx: &egui::Context, kind: FigureKind, path: PathBuf) {
        let rect = match kind {
            FigureKind::GraphPng => self.graphs.last_rect(),
            FigureKind::LadderPng => self.ladder.last_rect,
            FigureKind::FlowsPng => self.flows.last_rect,
            _ => self.stream_view.last_rect(),
        };
        match rect {
            Some(r) => self.png_pending = Some(crate::ui::figure::request_png(ctx, r, path)),
            None => {
                self.message = Some((
                    "nothing drawn yet to save as PNG: open the view first".into(),
                    true,
                ))
            }
        }
    }

    /// Reports a finished PNG export in the status bar.
    pub(super) fn poll_png(&mut self) {
        let done = self
            .png_pending
            .as_ref()
            .and_then(|slot| slot.lock().ok().and_then(|mut s| s.take()));
        if let Some(result) = done {
            self.png_pending = None;
            self.message = Some(match result {
                Ok(p) => (
                    crate::i18n::text_in(
                        crate::i18n::lang(),
                        "msg-figure-saved",
                        &[("path", p.display().to_string().into())],
                    ),
                    false,
                ),
                Err(e) => (e, true),
            });
        }
    }
}

/// The catalogue's message `key` (in the interface's language) naming the file `path`.
fn path_message(key: &str, path: &Path) -> String {
    crate::i18n::text_in(
        crate::i18n::lang(),
        key,
        &[("path", path.display().to_string().into())],
    )
}
