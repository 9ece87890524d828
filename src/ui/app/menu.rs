//! The menu bar: File, Edit, View, Help and the tabs. Every item queues a [`Command`].

use super::command::Command;
use super::{SynackApp, Tab};
use crate::ui::columns::TimeMode;
use crate::ui::export::{self, ExportScope};
use crate::ui::file_dialog::{DialogPurpose, FigureKind};
use crate::ui::replay::{self, ReplayScope};
use crate::ui::store::SourceInfo;

/// Follow TCP Stream's keys with T (Wireshark's Ctrl+Alt+Shift+T).
pub(super) const FOLLOW_KEYS: egui::Modifiers = egui::Modifiers {
    alt: true,
    shift: true,
    ..egui::Modifiers::COMMAND
};

/// The command that opens the file dialog to open a capture (menu and Ctrl+O).
pub(super) fn open_dialog() -> Command {
    Command::OpenDialog {
        purpose: DialogPurpose::Open,
        name: None,
    }
}

impl SynackApp {
    /// The menu bar and the tab switcher.
    pub(super) fn menu_ui(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open...").clicked() {
                    self.queue(open_dialog());
                }
                ui.menu_button("Open recent", |ui| {
                    if self.recent.is_empty() {
                        ui.weak("(none yet)");
                    }
                    let mut chosen = None;
                    for p in &self.recent {
                        if ui.button(p.display().to_string()).clicked() {
                            chosen = Some(p.clone());
                        }
                    }
                    if let Some(p) = chosen {
                        self.queue(Command::OpenFile(p));
                    }
                });
                if ui.button("Open the demo capture").clicked() {
                    self.queue(Command::OpenDemo);
                }
                ui.separator();
                for scope in [
                    ExportScope::All,
                    ExportScope::Filtered,
                    ExportScope::Connection,
                ] {
                    if ui
                        .button(format!(
                            "Export {} as pcap...",
                            scope.label().to_lowercase()
                        ))
                        .clicked()
                    {
                        self.queue(Command::OpenDialog {
                            purpose: DialogPurpose::Save(scope),
                            name: None,
                        });
                    }
                }
                ui.separator();
                for (kind, label) in [
                    (FigureKind::LadderSvg, "Export ladder as SVG..."),
                    (FigureKind::LadderPng, "Export ladder as PNG..."),
                ] {
                    if ui.button(label).clicked() {
                        self.queue(Command::AskFigurePath(kind));
                    }
                }
                ui.separator();
                if ui.button("Quit").clicked() {
                    self.queue(Command::Quit);
                }
            });
            ui.menu_button("Edit", |ui| {
                if ui.button("Copy packet summary").clicked() {
                    self.queue(Command::CopySummary);
                }
                if ui.button("Copy connection table").clicked() {
                    self.queue(Command::CopyConnectionTable);
                }
            });
            ui.menu_button("View", |ui| {
                ui.label("Time display format:");
                for m in [TimeMode::Relative, TimeMode::Absolute, TimeMode::Delta] {
                    ui.radio_value(&mut self.list.time_mode, m, m.label());
                }
                ui.separator();
                ui.checkbox(&mut self.list.auto_scroll, "Auto-scroll to newest packet");
                ui.checkbox(&mut self.show_legend, "Colouring rules legend");
                ui.separator();
                if self.replay.active {
                    if ui.button("Leave the replay").clicked() {
                        self.queue(Command::StopReplay);
                    }
                } else {
                    if ui
                        .button("Replay the capture")
                        .on_hover_text(replay::SHORTCUTS)
                        .clicked()
                    {
                        self.queue(Command::StartReplay(ReplayScope::Capture));
                    }
                    if let Some(c) = self.selection.connection {
                        if ui
                            .button(format!("Replay TCP stream {}", c.stream))
                            .clicked()
                        {
                            self.queue(Command::StartReplay(ReplayScope::Connection(c)));
                        }
                    }
                }
            });
            ui.menu_button("Analyze", |ui| {
                let tcp = self.selected_tcp_stream().is_some();
                if ui
                    .add_enabled(
                        tcp,
                        egui::Button::new("Follow TCP Stream").shortcut_text("Ctrl+Alt+Shift+T"),
                    )
                    .on_disabled_hover_text("Select a TCP packet first")
                    .clicked()
                {
                    self.queue(Command::FollowStream);
                }
            });
            ui.menu_button("Help", |ui| {
                if ui
                    .button("Guided tour")
                    .on_hover_text("A few steps through the demo capture: handshake, data, sticky packets, loss, teardown")
                    .clicked()
                {
                    if !matches!(self.store.read().source, Some(SourceInfo::Demo)) {
                        self.queue(Command::OpenDemo);
                    }
                    self.queue(Command::StartTour);
                }
                ui.label(format!("Replay keys:\n{}", replay::SHORTCUTS));
            });
            ui.separator();
            for (tab, label) in [
                (Tab::Packets, "Packets"),
                (Tab::Connections, "Connections"),
                (Tab::Ladder, "Ladder"),
                (Tab::Live, "Live capture"),
                (Tab::Graphs, "Graphs"),
                (Tab::Stream, "Stream"),
                (Tab::Generator, "Generator"),
            ] {
                ui.selectable_value(&mut self.tab, tab, label);
            }
        });
    }

    /// Copies the selected packet's one-line summary.
    pub(super) fn copy_summary(&mut self, ctx: &egui::Context) {
        if let Some(i) = self.selection.packet {
            if let Some(s) = export::packet_summary(&self.store.read(), i) {
                ctx.copy_text(s);
                self.message = Some(("Packet summary copied".into(), false));
            }
        }
    }
}
